/* Far control transfers: JMP/CALL ptr, RET far, IRET in every mode, with call gates, task gates
 * and privilege changes (SDM Vol.2 JMP, CALL, RET, IRET; Vol.3A 5.8, 6.14, 8.3).
 *
 * Every check that can fault is done before architectural state changes. Frames for a new stack
 * are written with the stk_* builder, and SS:RSP, CS:RIP and CPL are committed at the end.
 */
#include "cpu/seg.h"

/* ---- stack-frame builder ---- */

void stk_init_current(struct cpu *c, struct stk *f, uint32_t err)
{
    f->ss = c->seg[SEG_SS];
    f->sp = c->gpr[4];
    f->addr_sz = stack_szlog(c);
    f->m64 = c->mode64;
    f->super = false;
    f->err = err;
}

void stk_room(struct cpu *c, const struct stk *f, uint64_t n)
{
    if (f->m64) return;
    uint64_t m = sz_mask(f->addr_sz);
    uint64_t lo = (f->sp - n) & m;
    /* SDM Vol.2 CALL: "IF new stack does not have room for ... THEN #SS(NewSS)" */
    if (lo < f->ss.lo || lo + n - 1 > f->ss.hi || !(f->ss.ok & SEG_OK_W)) raise_ss(c, f->err);
}

void stk_push(struct cpu *c, struct stk *f, unsigned szlog, uint64_t v)
{
    unsigned n = 1u << szlog;
    uint64_t m = sz_mask(f->addr_sz);
    uint64_t sp = (f->sp - n) & m;
    uint64_t lin;
    if (f->m64) {
        /* SDM Vol.3A 6.14.3: the new stack must be canonical, else #SS */
        if (!is_canonical(sp) || !is_canonical(sp + n - 1)) raise_ss(c, f->err);
        lin = sp;
    } else {
        if (sp < f->ss.lo || sp + n - 1 > f->ss.hi || !(f->ss.ok & SEG_OK_W)) raise_ss(c, f->err);
        lin = (uint32_t)(f->ss.eff_base + sp);
    }
    if (f->super) {
        /* a frame for a more privileged level is written with supervisor rights */
        sys_write(c, lin, n, v);
    } else {
        switch (szlog) {
        case 1: lin_wr16(c, lin, (uint16_t)v); break;
        case 2: lin_wr32(c, lin, (uint32_t)v); break;
        default: lin_wr64(c, lin, v); break;
        }
    }
    f->sp = (f->sp & ~m) | sp;
}

/* ---- TSS stack pointers (SDM Vol.3A 5.8.5, 7.2.1, 7.7) ---- */

void tss_stack(struct cpu *c, unsigned dpl, unsigned ist, uint32_t ext, uint16_t *ss, uint64_t *sp)
{
    uint32_t terr = sel_err(c->tr.sel) | ext;
    uint32_t off;
    if (cpu_long_mode(c)) {
        off = ist ? 0x24 + 8 * (ist - 1) : 4 + 8 * dpl;
        if (off + 7 > c->tr.limit) raise_ts(c, terr);
        *sp = sys_read(c, c->tr.base + off, 8);
        *ss = (uint16_t)dpl; /* null selector with RPL = new CPL */
    } else if ((c->tr.ar & AR_TYPE) & 8) {
        off = 4 + 8 * dpl;
        if (off + 5 > c->tr.limit) raise_ts(c, terr);
        *sp = sys_read(c, dt_lin(c, c->tr.base, off), 4);
        *ss = (uint16_t)sys_read(c, dt_lin(c, c->tr.base, off + 4), 2);
    } else {
        off = 2 + 4 * dpl;
        if (off + 3 > c->tr.limit) raise_ts(c, terr);
        *sp = sys_read(c, dt_lin(c, c->tr.base, off), 2);
        *ss = (uint16_t)sys_read(c, dt_lin(c, c->tr.base, off + 2), 2);
    }
}

/* ---- helpers ---- */

/* Target offset in a code segment: canonical for 64-bit code, else within the limit; #GP(0). */
static uint64_t code_target(struct cpu *c, uint64_t d, uint64_t off, unsigned osz)
{
    if (cpu_long_mode(c) && desc_l(d)) {
        if (osz != 3) off &= sz_mask(osz);
        if (!is_canonical(off)) raise_gp(c, 0);
        return off;
    }
    off &= sz_mask(osz);
    if (off > desc_limit(d)) raise_gp(c, 0);
    return off;
}

/* Commits CS from a checked descriptor (accessed bit already set) and the new CPL. */
static void commit_cs(struct cpu *c, uint16_t sel, uint64_t d, unsigned cpl)
{
    seg_set_cache(c, &c->seg[SEG_CS], SEG_CS, (uint16_t)((sel & ~3u) | cpl), desc_base(d),
                  desc_limit(d), desc_ar(d));
    cpu_set_cpl(c, cpl);
}

/* Reads a code-segment descriptor for a direct transfer and does the checks common to JMP/CALL
 * (SDM Vol.2 JMP "CONFORMING-CODE-SEGMENT" / "NONCONFORMING-CODE-SEGMENT"). */
static void check_direct_code(struct cpu *c, uint16_t sel, uint64_t d)
{
    unsigned rpl = sel & 3, dpl = desc_dpl(d);
    if (desc_conforming(d)) {
        if (dpl > c->cpl) raise_gp(c, sel_err(sel));
    } else {
        if (rpl > c->cpl || dpl != c->cpl) raise_gp(c, sel_err(sel));
    }
    if (!desc_present(d)) raise_np(c, sel_err(sel));
    /* SDM Vol.2 JMP: L = 1 together with D = 1 is reserved in IA-32e mode */
    if (cpu_long_mode(c) && desc_l(d) && desc_db(d)) raise_gp(c, sel_err(sel));
}

/* Writes the stack pointer of a committed new SS (16-bit stacks only replace SP). */
static void set_new_sp(struct cpu *c, uint64_t sp)
{
    if (c->mode64) c->gpr[4] = sp;
    else if (c->seg[SEG_SS].ar & AR_DB) c->gpr[4] = (uint32_t)sp;
    else c->gpr[4] = (c->gpr[4] & ~0xffffull) | (sp & 0xffff);
}

/* Task gate / TSS target of JMP or CALL (SDM Vol.2 JMP/CALL "TASK-GATE", "TASK-STATE-SEGMENT") */
static void far_task(struct cpu *c, uint16_t sel, uint64_t d, enum ts_reason why)
{
    unsigned rpl = sel & 3, dpl = desc_dpl(d);
    if (dpl < c->cpl || rpl > dpl) raise_gp(c, sel_err(sel));
    if (!desc_present(d)) raise_np(c, sel_err(sel));
    uint16_t tss = sel;
    uint64_t td = d;
    if (desc_type(d) == SYS_TASKGATE) {
        tss = gate_sel(d);
        td = task_check_target(c, tss, 0);
    } else {
        unsigned t = desc_type(d);
        if (t != SYS_TSS16_AVAIL && t != SYS_TSS32_AVAIL) raise_gp(c, sel_err(sel));
    }
    task_switch(c, tss, td, why, false, 0);
    if (RIP(c) > c->seg[SEG_CS].limit) raise_gp(c, 0);
}

/* Transfer through a call gate (SDM Vol.2 CALL "CALL-GATE", JMP "CALL-GATE"; Vol.3A 5.8.3-5.8.6) */
static void far_gate(struct cpu *c, uint16_t sel, uint64_t g, bool call)
{
    bool lm = cpu_long_mode(c);
    unsigned type = desc_type(g);
    unsigned gsz = lm ? 3 : type == SYS_CALLGATE32 ? 2 : 1;
    unsigned cpl = c->cpl;
    if (lm && type != SYS_CALLGATE32) raise_gp(c, sel_err(sel)); /* 16-bit gates invalid */
    if (desc_dpl(g) < cpl || (sel & 3) > desc_dpl(g)) raise_gp(c, sel_err(sel));
    if (!desc_present(g)) raise_np(c, sel_err(sel));
    uint64_t off = gsz == 1 ? (g & 0xffff) : gate_off32(g);
    if (lm) {
        uint64_t hi;
        /* SDM Vol.3A 5.8.3.1: upper half type must be 0 */
        if (!seg_read_desc_hi(c, sel, &hi)) raise_gp(c, sel_err(sel));
        if ((hi >> 40) & 0x1f) raise_gp(c, sel_err(sel));
        off |= (hi & 0xffffffffull) << 32;
    }
    uint16_t cs = gate_sel(g);
    uint64_t d;
    if (sel_null(cs)) raise_gp(c, 0);
    if (!seg_read_desc(c, cs, &d)) raise_gp(c, sel_err(cs));
    unsigned dpl = desc_dpl(d);
    if (!desc_is_code(d) || dpl > cpl) raise_gp(c, sel_err(cs));
    if (!call && (desc_conforming(d) ? dpl > cpl : dpl != cpl)) raise_gp(c, sel_err(cs));
    if (!desc_present(d)) raise_np(c, sel_err(cs));
    if (lm && (!desc_l(d) || desc_db(d))) raise_gp(c, sel_err(cs)); /* must be 64-bit code */

    if (call && !desc_conforming(d) && dpl < cpl) {
        /* CALL-GATE-TO-MORE-PRIVILEGE */
        uint16_t nss;
        uint64_t nsp, sd = 0;
        struct stk f;
        unsigned count = (unsigned)(g >> 32) & 0x1f;
        tss_stack(c, dpl, 0, 0, &nss, &nsp);
        memset(&f, 0, sizeof f);
        f.sp = nsp;
        f.super = true;
        if (lm) {
            f.m64 = true;
            f.addr_sz = 3;
            f.err = 0;
            count = 0; /* no parameter copy through 64-bit gates */
        } else {
            if (sel_null(nss)) raise_ts(c, 0);
            if (!seg_read_desc(c, nss, &sd)) raise_ts(c, sel_err(nss));
            if ((nss & 3) != dpl || desc_dpl(sd) != dpl || !desc_writable_data(sd))
                raise_ts(c, sel_err(nss));
            if (!desc_present(sd)) raise_ss(c, sel_err(nss));
            seg_cache_from_desc(&f.ss, nss, sd);
            seg_calc_checks(c, &f.ss, SEG_SS, false);
            f.addr_sz = desc_db(sd) ? 2 : 1;
            f.err = sel_err(nss);
            stk_room(c, &f, (4u + count) << gsz);
        }
        off = code_target(c, d, off, gsz);
        uint64_t old_sp = c->gpr[4], old_mask = stack_mask(c);
        stk_push(c, &f, gsz, c->seg[SEG_SS].sel);
        stk_push(c, &f, gsz, old_sp & sz_mask(gsz));
        for (unsigned k = count; k-- > 0;)
            stk_push(c, &f, gsz, rdv(c, SEG_SS, (old_sp + ((uint64_t)k << gsz)) & old_mask, gsz));
        stk_push(c, &f, gsz, c->seg[SEG_CS].sel);
        stk_push(c, &f, gsz, RIP(c));
        seg_set_accessed(c, cs, &d);
        if (!lm) seg_set_accessed(c, nss, &sd);
        /* commit */
        if (lm) seg_load_null(c, SEG_SS, nss);
        else seg_set_cache(c, &c->seg[SEG_SS], SEG_SS, nss, desc_base(sd), desc_limit(sd),
                           desc_ar(sd));
        commit_cs(c, cs, d, dpl);
        set_new_sp(c, f.sp);
        RIP(c) = off;
        return;
    }
    /* same privilege (conforming target keeps CPL) */
    off = code_target(c, d, off, gsz);
    if (call) {
        struct stk f;
        stk_init_current(c, &f, 0);
        stk_push(c, &f, gsz, c->seg[SEG_CS].sel);
        stk_push(c, &f, gsz, RIP(c));
        seg_set_accessed(c, cs, &d);
        c->gpr[4] = f.sp;
    } else {
        seg_set_accessed(c, cs, &d);
    }
    commit_cs(c, cs, d, cpl);
    RIP(c) = off;
}

/* Protected-mode JMP/CALL far (SDM Vol.2 JMP, CALL: "protected mode" branches) */
static void far_pm(struct cpu *c, uint16_t sel, uint64_t off, unsigned osz, bool call)
{
    uint64_t d;
    if (sel_null(sel)) raise_gp(c, 0);
    if (!seg_read_desc(c, sel, &d)) raise_gp(c, sel_err(sel));
    if (!desc_is_sys(d)) {
        if (!desc_is_code(d)) raise_gp(c, sel_err(sel));
        check_direct_code(c, sel, d);
        off = code_target(c, d, off, osz);
        if (call) {
            struct stk f;
            stk_init_current(c, &f, 0);
            stk_push(c, &f, osz, c->seg[SEG_CS].sel);
            stk_push(c, &f, osz, RIP(c));
            seg_set_accessed(c, sel, &d);
            c->gpr[4] = f.sp;
        } else {
            seg_set_accessed(c, sel, &d);
        }
        commit_cs(c, sel, d, c->cpl);
        RIP(c) = off;
        return;
    }
    bool lm = cpu_long_mode(c);
    switch (desc_type(d)) {
    case SYS_CALLGATE16:
    case SYS_CALLGATE32:
        far_gate(c, sel, d, call);
        return;
    case SYS_TASKGATE:
    case SYS_TSS16_AVAIL:
    case SYS_TSS32_AVAIL:
        if (lm) break; /* SDM Vol.3A 8.7: no task switching in IA-32e mode */
        far_task(c, sel, d, call ? TS_CALL : TS_JMP);
        return;
    default:
        break;
    }
    raise_gp(c, sel_err(sel));
}

void far_jump(struct cpu *c, uint16_t sel, uint64_t off, unsigned osz)
{
    if (!cpu_pmode(c) || cpu_v86(c)) {
        /* SDM Vol.2 JMP, real-address or virtual-8086 mode */
        off &= sz_mask(osz);
        if (off > c->seg[SEG_CS].limit) raise_gp(c, 0);
        seg_load_real(c, SEG_CS, sel);
        cpu_update_mode(c);
        RIP(c) = off;
        return;
    }
    far_pm(c, sel, off, osz, false);
}

void far_call(struct cpu *c, uint16_t sel, uint64_t off, unsigned osz)
{
    if (!cpu_pmode(c) || cpu_v86(c)) {
        /* SDM Vol.2 CALL, real-address or virtual-8086 mode */
        struct stk f;
        off &= sz_mask(osz);
        if (off > c->seg[SEG_CS].limit) raise_gp(c, 0);
        stk_init_current(c, &f, 0);
        stk_push(c, &f, osz, c->seg[SEG_CS].sel);
        stk_push(c, &f, osz, RIP(c));
        c->gpr[4] = f.sp;
        seg_load_real(c, SEG_CS, sel);
        cpu_update_mode(c);
        RIP(c) = off;
        return;
    }
    far_pm(c, sel, off, osz, true);
}

/* Checks the code segment popped by RET far / IRET (SDM Vol.2 RET "PROTECTED-MODE"). */
static uint64_t check_return_cs(struct cpu *c, uint16_t cs)
{
    uint64_t d;
    unsigned rpl = cs & 3;
    if (sel_null(cs)) raise_gp(c, 0);
    if (!seg_read_desc(c, cs, &d)) raise_gp(c, sel_err(cs));
    if (!desc_is_code(d) || rpl < c->cpl) raise_gp(c, sel_err(cs));
    if (desc_conforming(d) ? desc_dpl(d) > rpl : desc_dpl(d) != rpl) raise_gp(c, sel_err(cs));
    if (!desc_present(d)) raise_np(c, sel_err(cs));
    if (cpu_long_mode(c) && desc_l(d) && desc_db(d)) raise_gp(c, sel_err(cs));
    return d;
}

/* Checks the SS popped on a return to privilege rpl; returns false for an allowed null SS
 * (IA-32e mode, 64-bit target, RPL < 3). SDM Vol.2 RET/IRET "RETURN-TO-OUTER-PRIVILEGE-LEVEL". */
static bool check_return_ss(struct cpu *c, uint16_t ss, unsigned rpl, uint64_t cd, uint64_t *sd)
{
    if (sel_null(ss)) {
        if (cpu_long_mode(c) && desc_l(cd) && rpl != 3 && (ss & 3) == rpl) return false;
        raise_gp(c, 0);
    }
    if (!seg_read_desc(c, ss, sd)) raise_gp(c, sel_err(ss));
    if ((ss & 3) != rpl || !desc_writable_data(*sd) || desc_dpl(*sd) != rpl)
        raise_gp(c, sel_err(ss));
    if (!desc_present(*sd)) raise_ss(c, sel_err(ss));
    return true;
}

void far_ret(struct cpu *c, unsigned osz, uint16_t imm)
{
    unsigned n = 1u << osz;
    uint64_t m = stack_mask(c);
    uint64_t ip = stack_peek(c, 0, osz);
    uint16_t cs = (uint16_t)stack_peek(c, n, osz);
    if (!cpu_pmode(c) || cpu_v86(c)) {
        /* SDM Vol.2 RET, real-address or virtual-8086 mode */
        if (ip > c->seg[SEG_CS].limit) raise_gp(c, 0);
        c->gpr[4] = (c->gpr[4] & ~m) | ((c->gpr[4] + 2 * n + imm) & m);
        seg_load_real(c, SEG_CS, cs);
        cpu_update_mode(c);
        RIP(c) = ip;
        return;
    }
    uint64_t d = check_return_cs(c, cs);
    unsigned rpl = cs & 3;
    if (rpl == c->cpl) {
        /* RETURN-TO-SAME-PRIVILEGE-LEVEL */
        ip = code_target(c, d, ip, osz);
        seg_set_accessed(c, cs, &d);
        c->gpr[4] = (c->gpr[4] & ~m) | ((c->gpr[4] + 2 * n + imm) & m);
        commit_cs(c, cs, d, rpl);
        RIP(c) = ip;
        return;
    }
    /* RETURN-TO-OUTER-PRIVILEGE-LEVEL */
    uint64_t sp = stack_peek(c, 2 * n + imm, osz);
    uint16_t ss = (uint16_t)stack_peek(c, 3 * n + imm, osz);
    uint64_t sd = 0;
    bool ss_valid = check_return_ss(c, ss, rpl, d, &sd);
    ip = code_target(c, d, ip, osz);
    seg_set_accessed(c, cs, &d);
    if (ss_valid) seg_set_accessed(c, ss, &sd);
    commit_cs(c, cs, d, rpl);
    if (ss_valid)
        seg_set_cache(c, &c->seg[SEG_SS], SEG_SS, ss, desc_base(sd), desc_limit(sd), desc_ar(sd));
    else
        seg_load_null(c, SEG_SS, ss);
    set_new_sp(c, sp + imm);
    RIP(c) = ip;
    seg_null_outer(c);
}

/* ---- IRET ---- */

/* RFLAGS update by IRET in protected mode (SDM Vol.2 IRET: "EFLAGS(IF) updated only if
 * CPL <= IOPL; IOPL, VIF, VIP only at CPL 0"). old_cpl is the CPL before the return. */
static void iret_set_flags(struct cpu *c, uint64_t tf, unsigned osz, unsigned old_cpl)
{
    uint32_t cur = (uint32_t)cpu_get_rflags(c);
    uint32_t mask = FL_ARITH | FL_TF | FL_DF | FL_NT;
    if (osz >= 2) mask |= FL_RF | FL_AC | FL_ID;
    if (old_cpl <= cpu_iopl(c)) mask |= FL_IF;
    if (old_cpl == 0) {
        mask |= FL_IOPL;
        if (osz >= 2) mask |= FL_VIF | FL_VIP;
    }
    if (osz == 1) mask &= 0xffff;
    cpu_write_rflags(c, (cur & ~mask) | ((uint32_t)tf & mask) | FL_FIXED1);
}

/* IRET with NT = 1: return to the task in the back link (SDM Vol.2 IRET "TASK-RETURN") */
static void iret_task(struct cpu *c)
{
    uint16_t link = (uint16_t)sys_read(c, dt_lin(c, c->tr.base, 0), 2);
    uint64_t d;
    if ((link & 4) || (uint32_t)(link | 7) > c->gdtr.limit) raise_ts(c, sel_err(link));
    d = sys_read(c, dt_lin(c, c->gdtr.base, link & ~7u), 8);
    unsigned t = desc_type(d);
    if (!desc_is_sys(d) || (t != SYS_TSS16_BUSY && t != SYS_TSS32_BUSY)) raise_ts(c, sel_err(link));
    if (!desc_present(d)) raise_np(c, sel_err(link));
    task_switch(c, link, d, TS_IRET, false, 0);
    if (RIP(c) > c->seg[SEG_CS].limit) raise_gp(c, 0);
}

void cpu_iret(struct cpu *c, unsigned osz)
{
    unsigned n = 1u << osz;
    uint64_t m = stack_mask(c);

    if (!cpu_pmode(c)) {
        /* SDM Vol.2 IRET, REAL-ADDRESS-MODE */
        uint64_t ip = stack_peek(c, 0, osz);
        uint16_t cs = (uint16_t)stack_peek(c, n, osz);
        uint64_t tf = stack_peek(c, 2 * n, osz);
        if (ip > c->seg[SEG_CS].limit) raise_gp(c, 0);
        uint32_t cur = (uint32_t)cpu_get_rflags(c), nf;
        if (osz == 2) nf = ((uint32_t)tf & 0x257fd5) | (cur & 0x1a0000);
        else nf = (cur & ~0xffffu) | ((uint32_t)tf & 0xffff);
        c->gpr[4] = (c->gpr[4] & ~m) | ((c->gpr[4] + 3 * n) & m);
        seg_load_real(c, SEG_CS, cs);
        cpu_write_rflags(c, nf | FL_FIXED1);
        cpu_update_mode(c);
        RIP(c) = ip;
        return;
    }
    if (cpu_v86(c)) {
        /* SDM Vol.2 IRET, virtual-8086 mode: IOPL-sensitive (no VME) */
        if (cpu_iopl(c) < 3) raise_gp(c, 0);
        uint64_t ip = stack_peek(c, 0, osz);
        uint16_t cs = (uint16_t)stack_peek(c, n, osz);
        uint64_t tf = stack_peek(c, 2 * n, osz);
        if (ip > 0xffff) raise_gp(c, 0);
        uint32_t cur = (uint32_t)cpu_get_rflags(c), nf;
        uint32_t keep = FL_VM | FL_IOPL | FL_VIP | FL_VIF;
        if (osz == 2) nf = (cur & keep) | ((uint32_t)tf & ~keep);
        else nf = (cur & (~0xffffu | FL_IOPL)) | ((uint32_t)tf & 0xffff & ~FL_IOPL);
        c->gpr[4] = (c->gpr[4] & ~m) | ((c->gpr[4] + 3 * n) & m);
        seg_load_v86(c, SEG_CS, cs);
        cpu_write_rflags(c, nf | FL_FIXED1);
        cpu_update_mode(c);
        RIP(c) = ip;
        return;
    }
    if (c->rflags & FL_NT) {
        /* SDM Vol.2 IRET: in IA-32e mode NT = 1 is #GP(0) */
        if (cpu_long_mode(c)) raise_gp(c, 0);
        iret_task(c);
        return;
    }
    uint64_t ip = stack_peek(c, 0, osz);
    uint16_t cs = (uint16_t)stack_peek(c, n, osz);
    uint64_t tf = stack_peek(c, 2 * n, osz);
    unsigned old_cpl = c->cpl;

    if (osz == 2 && (tf & FL_VM) && old_cpl == 0 && !cpu_long_mode(c)) {
        /* RETURN-TO-VIRTUAL-8086-MODE */
        uint64_t sp = stack_peek(c, 3 * n, 2);
        uint16_t sels[5];
        static const unsigned order[5] = {SEG_SS, SEG_ES, SEG_DS, SEG_FS, SEG_GS};
        for (unsigned k = 0; k < 5; k++) sels[k] = (uint16_t)stack_peek(c, (4 + k) * n, 2);
        cpu_write_rflags(c, ((uint32_t)tf & 0x3f7fd5) | FL_FIXED1);
        seg_load_v86(c, SEG_CS, cs);
        for (unsigned k = 0; k < 5; k++) seg_load_v86(c, order[k], sels[k]);
        c->gpr[4] = (uint32_t)sp;
        cpu_set_cpl(c, 3);
        RIP(c) = ip & 0xffff;
        return;
    }

    /* PROTECTED-MODE-RETURN */
    uint64_t d = check_return_cs(c, cs);
    unsigned rpl = cs & 3;
    bool pop_ss = c->mode64 || rpl > old_cpl; /* IRETQ/64-bit mode always pops SS:RSP */
    uint64_t sp = 0, sd = 0;
    uint16_t ss = 0;
    bool ss_valid = false;
    if (pop_ss) {
        sp = stack_peek(c, 3 * n, osz);
        ss = (uint16_t)stack_peek(c, 4 * n, osz);
        ss_valid = check_return_ss(c, ss, rpl, d, &sd);
    }
    ip = code_target(c, d, ip, osz);
    seg_set_accessed(c, cs, &d);
    if (ss_valid) seg_set_accessed(c, ss, &sd);
    /* commit */
    iret_set_flags(c, tf, osz, old_cpl);
    if (!pop_ss) c->gpr[4] = (c->gpr[4] & ~m) | ((c->gpr[4] + 3 * n) & m);
    commit_cs(c, cs, d, rpl);
    if (pop_ss) {
        if (ss_valid)
            seg_set_cache(c, &c->seg[SEG_SS], SEG_SS, ss, desc_base(sd), desc_limit(sd),
                          desc_ar(sd));
        else
            seg_load_null(c, SEG_SS, ss);
        set_new_sp(c, sp);
    }
    RIP(c) = ip;
    if (rpl > old_cpl) seg_null_outer(c);
    cpu_update_mode(c);
}
