/* Segment-register and system-descriptor instructions: PUSH/POP/MOV Sreg, LDS..LSS, far
 * JMP/CALL/RET, IRET, SLDT/STR/LLDT/LTR, VERR/VERW, LAR/LSL, ARPL, SGDT/SIDT/LGDT/LIDT,
 * SYSCALL/SYSRET, SYSENTER/SYSEXIT, SWAPGS, RD/WR FS/GS BASE (SDM Vol.2 instruction pages).
 */
#include "cpu/seg.h"

/* Flat segment caches loaded by SYSCALL/SYSRET/SYSENTER/SYSEXIT (fixed values, not read from the
 * GDT): base 0, limit 4G, G = 1, present, S = 1. */
static void load_flat(struct cpu *c, unsigned s, uint16_t sel, unsigned dpl, bool code, bool l64)
{
    uint32_t ar = AR_S | AR_P | AR_G | ((uint32_t)dpl << AR_DPL_SHIFT);
    if (code) ar |= 0xb | (l64 ? AR_L : AR_DB); /* execute/read, accessed */
    else ar |= 0x3 | AR_DB;                     /* read/write, accessed */
    seg_set_cache(c, &c->seg[s], s, sel, 0, 0xffffffff, ar);
}

static void set_zf(struct cpu *c, bool z)
{
    uint32_t f = flags_arith(c) & ~FL_ZF;
    set_arith_flags(c, f | (z ? FL_ZF : 0));
}

/* ---- PUSH/POP Sreg (SDM Vol.2 PUSH, POP) ---- */

HANDLER(push_sreg)
{
    unsigned s = i->reg & 7;
    unsigned n = 1u << i->osz;
    uint64_t m = stack_mask(c);
    uint64_t sp = (c->gpr[4] - n) & m;
    /* SDM Vol.2 PUSH allows either a zero-extended push or a 16-bit move for a 32/64-bit operand
     * size. Measured on the Intel host (tests/diff/FINDINGS.md F4): with a 64-bit operand size
     * the selector is written zero-extended to 8 bytes; with a 32-bit operand size (compatibility
     * mode, PUSH CS/SS/DS/ES/FS/GS) it is a 16-bit move that leaves bytes 2..3 of the slot
     * unmodified. */
    if (n == 8) {
        wr64(c, SEG_SS, sp, c->seg[s].sel);
    } else {
        if (n > 2) cpu_probe_write(c, SEG_SS, sp, n);
        wr16(c, SEG_SS, sp, c->seg[s].sel);
    }
    c->gpr[4] = (c->gpr[4] & ~m) | sp;
}

HANDLER(pop_sreg)
{
    unsigned s = i->reg & 7;
    uint64_t m = stack_mask(c);
    uint16_t sel = (uint16_t)stack_peek(c, 0, i->osz);
    seg_load(c, s, sel);
    c->gpr[4] = (c->gpr[4] & ~m) | ((c->gpr[4] + (1u << i->osz)) & m);
    /* SDM Vol.2 POP: POP SS inhibits interrupts until after the next instruction */
    if (s == SEG_SS) {
        c->pending |= PEND_INHIBIT;
        c->inhibit_movss = true;
    }
}

/* ---- MOV Sreg (SDM Vol.2 MOV) ---- */

HANDLER(mov_EwSw_m)
{
    unsigned s = i->reg & 7;
    if (s > SEG_GS) raise_ud(c);
    wr16(c, i->seg, ea(c, i), c->seg[s].sel); /* memory destination: always 16 bits */
}

HANDLER(mov_EwSw_r)
{
    unsigned s = i->reg & 7;
    if (s > SEG_GS) raise_ud(c);
    /* register destination: zero-extended to 32/64 bits, 16-bit form keeps the upper bits */
    set_reg(c, i->rm, i->osz, c->seg[s].sel);
}

static void mov_sreg(struct cpu *c, unsigned s, uint16_t sel)
{
    if (s == SEG_CS || s > SEG_GS) raise_ud(c); /* MOV to CS is #UD */
    seg_load(c, s, sel);
    if (s == SEG_SS) {
        c->pending |= PEND_INHIBIT;
        c->inhibit_movss = true;
    }
}

HANDLER(mov_SwEw_m)
{
    unsigned s = i->reg & 7;
    if (s == SEG_CS || s > SEG_GS) raise_ud(c);
    mov_sreg(c, s, rd16(c, i->seg, ea(c, i)));
}

HANDLER(mov_SwEw_r)
{
    mov_sreg(c, i->reg & 7, (uint16_t)c->gpr[i->rm]);
}

/* ---- LDS/LES/LFS/LGS/LSS (SDM Vol.2 LDS/LES/LFS/LGS/LSS) ---- */

HANDLER(load_far_ptr)
{
    unsigned s;
    switch (i->op) {
    case OP_les: s = SEG_ES; break;
    case OP_lds: s = SEG_DS; break;
    case OP_lss: s = SEG_SS; break;
    case OP_lfs: s = SEG_FS; break;
    default: s = SEG_GS; break;
    }
    uint64_t a = ea(c, i);
    uint64_t off = rdv(c, i->seg, a, i->osz);
    uint16_t sel = rd16(c, i->seg, (a + (1u << i->osz)) & sz_mask(i->asz));
    seg_load(c, s, sel);
    set_reg(c, i->reg, i->osz, off);
}

/* ---- far JMP/CALL/RET, IRET ---- */

HANDLER(call_Ap) { far_call(c, (uint16_t)i->disp, i->imm, i->osz); }
HANDLER(jmp_Ap) { far_jump(c, (uint16_t)i->disp, i->imm, i->osz); }

static void read_far(struct cpu *c, const struct insn *i, uint16_t *sel, uint64_t *off)
{
    uint64_t a = ea(c, i);
    *off = rdv(c, i->seg, a, i->osz);
    *sel = rd16(c, i->seg, (a + (1u << i->osz)) & sz_mask(i->asz));
}

HANDLER(call_Ep)
{
    uint16_t sel;
    uint64_t off;
    read_far(c, i, &sel, &off);
    far_call(c, sel, off, i->osz);
}

HANDLER(jmp_Ep)
{
    uint16_t sel;
    uint64_t off;
    read_far(c, i, &sel, &off);
    far_jump(c, sel, off, i->osz);
}

HANDLER(ret_far) { far_ret(c, i->osz, i->op == OP_retf_Iw ? (uint16_t)i->imm : 0); }
/* IRET ends the blocking of NMIs, even when it faults (SDM Vol.3A 6.7.1; Vol.3C 27.2.3). In VMX
 * non-root operation the gate decides (cpu/vmx/gate.c, IC_IRET). */
HANDLER(iret)
{
    c->nmi_blocked = false;
    cpu_iret(c, i->osz);
}

/* ---- SLDT/STR/LLDT/LTR (SDM Vol.2) ---- */

static uint16_t sldt_str_value(struct cpu *c, const struct insn *i)
{
    cpu_check_umip(c);
    return (i->reg & 7) == 0 ? c->ldtr.sel : c->tr.sel;
}

HANDLER(sldt_str_m)
{
    uint16_t v = sldt_str_value(c, i);
    wr16(c, i->seg, ea(c, i), v);
}

HANDLER(sldt_str_r)
{
    uint16_t v = sldt_str_value(c, i);
    set_reg(c, i->rm, i->osz, v); /* zero-extended for 32/64-bit operand size */
}

/* Reads a system descriptor for LLDT/LTR: 16 bytes in IA-32e mode (SDM Vol.3A 3.5.1). */
static uint64_t read_sys_desc(struct cpu *c, uint16_t sel, uint64_t *base)
{
    uint64_t d;
    if ((sel & 4) || !seg_read_desc(c, sel, &d)) raise_gp(c, sel_err(sel));
    *base = desc_base(d);
    return d;
}

static void lldt_ltr(struct cpu *c, const struct insn *i, uint16_t sel)
{
    bool ltr = (i->reg & 7) == 3;
    bool lm = cpu_long_mode(c);
    uint64_t d, base, hi = 0;
    if (c->cpl != 0) raise_gp(c, 0);
    if (sel_null(sel)) {
        if (ltr) raise_gp(c, 0); /* SDM Vol.2 LTR */
        /* SDM Vol.2 LLDT: a null selector marks the LDTR invalid */
        seg_set_cache(c, &c->ldtr, 0, sel, 0, 0, AR_UNUSABLE);
        return;
    }
    d = read_sys_desc(c, sel, &base);
    unsigned t = desc_type(d);
    bool ok = desc_is_sys(d) &&
              (ltr ? (t == SYS_TSS32_AVAIL || (!lm && t == SYS_TSS16_AVAIL)) : t == SYS_LDT);
    if (!ok) raise_gp(c, sel_err(sel));
    if (!desc_present(d)) raise_np(c, sel_err(sel));
    if (lm) {
        if (!seg_read_desc_hi(c, sel, &hi)) raise_gp(c, sel_err(sel));
        if ((hi >> 40) & 0x1f) raise_gp(c, sel_err(sel));
        base |= hi << 32;
        if (!is_canonical(base)) raise_gp(c, sel_err(sel));
    }
    if (ltr) {
        /* SDM Vol.2 LTR: the TSS is marked busy */
        uint64_t a = dt_lin(c, c->gdtr.base, (sel & ~7u) + 5);
        sys_write(c, a, 1, (uint8_t)((d >> 40) | 2));
        d |= 2ull << 40;
        seg_set_cache(c, &c->tr, 0, sel, base, desc_limit(d), desc_ar(d));
    } else {
        seg_set_cache(c, &c->ldtr, 0, sel, base, desc_limit(d), desc_ar(d));
    }
}

/* The CPL check comes before the memory operand is read: at CPL 3 an operand in a not-present
 * page gives #GP(0), not #PF (SDM Vol.2 LLDT/LTR: "#GP(0) if the current privilege level is not
 * 0"; measured on the Intel host: tests/diff/FINDINGS.md F2). */
HANDLER(lldt_ltr_m)
{
    if (c->cpl != 0) raise_gp(c, 0);
    lldt_ltr(c, i, rd16(c, i->seg, ea(c, i)));
}
HANDLER(lldt_ltr_r) { lldt_ltr(c, i, (uint16_t)c->gpr[i->rm]); }

/* ---- VERR/VERW (SDM Vol.2) ---- */

static void verrw(struct cpu *c, const struct insn *i, uint16_t sel)
{
    bool verw = (i->reg & 7) == 5;
    uint64_t d;
    bool ok = false;
    if (!sel_null(sel) && seg_read_desc(c, sel, &d) && !desc_is_sys(d)) {
        bool priv = desc_conforming(d) || (desc_dpl(d) >= c->cpl && desc_dpl(d) >= (sel & 3u));
        ok = priv && (verw ? desc_writable_data(d) : desc_readable(d));
    }
    set_zf(c, ok);
}

HANDLER(verrw_m) { verrw(c, i, rd16(c, i->seg, ea(c, i))); }
HANDLER(verrw_r) { verrw(c, i, (uint16_t)c->gpr[i->rm]); }

/* ---- LAR/LSL (SDM Vol.2) ---- */

static void lar_lsl(struct cpu *c, const struct insn *i, uint16_t sel)
{
    bool lsl = i->op == OP_lsl;
    uint64_t d;
    bool ok = false;
    if (!sel_null(sel) && seg_read_desc(c, sel, &d)) {
        if (desc_is_sys(d)) {
            unsigned t = desc_type(d);
            if (cpu_long_mode(c)) /* SDM Vol.2 LAR/LSL: valid system types in IA-32e mode */
                ok = t == SYS_LDT || t == SYS_TSS32_AVAIL || t == SYS_TSS32_BUSY ||
                     (!lsl && t == SYS_CALLGATE32);
            else
                ok = t == SYS_TSS16_AVAIL || t == SYS_LDT || t == SYS_TSS16_BUSY ||
                     t == SYS_TSS32_AVAIL || t == SYS_TSS32_BUSY ||
                     (!lsl && (t == SYS_CALLGATE16 || t == SYS_TASKGATE || t == SYS_CALLGATE32));
        } else {
            ok = true;
        }
        if (ok && !desc_conforming(d) && (desc_dpl(d) < c->cpl || desc_dpl(d) < (sel & 3u)))
            ok = false;
    }
    if (ok) {
        uint64_t v;
        if (lsl) v = desc_limit(d);
        else v = (d >> 32) & (i->osz == 1 ? 0xff00u : 0x00ffff00u);
        set_reg(c, i->reg, i->osz == 3 ? 2 : i->osz, v);
    }
    set_zf(c, ok);
}

HANDLER(lar_lsl_m) { lar_lsl(c, i, rd16(c, i->seg, ea(c, i))); }
HANDLER(lar_lsl_r) { lar_lsl(c, i, (uint16_t)c->gpr[i->rm]); }

/* ---- ARPL (SDM Vol.2) ---- */

HANDLER(arpl_m)
{
    uint64_t a = ea(c, i);
    uint16_t dst = rd16(c, i->seg, a), src = (uint16_t)c->gpr[i->reg];
    if ((dst & 3) < (src & 3)) {
        wr16(c, i->seg, a, (uint16_t)((dst & ~3u) | (src & 3u)));
        set_zf(c, true);
    } else {
        set_zf(c, false);
    }
}

HANDLER(arpl_r)
{
    uint16_t dst = (uint16_t)c->gpr[i->rm], src = (uint16_t)c->gpr[i->reg];
    if ((dst & 3) < (src & 3)) {
        set_reg(c, i->rm, 1, (dst & ~3u) | (src & 3u));
        set_zf(c, true);
    } else {
        set_zf(c, false);
    }
}

/* ---- SGDT/SIDT/LGDT/LIDT (SDM Vol.2) ---- */

HANDLER(sgdt_sidt)
{
    const struct dtr *t = (i->reg & 7) == 0 ? &c->gdtr : &c->idtr;
    cpu_check_umip(c);
    uint64_t a = ea(c, i), am = sz_mask(i->asz);
    cpu_probe_write(c, i->seg, a, c->mode64 ? 10 : 6);
    wr16(c, i->seg, a, (uint16_t)t->limit);
    /* 16/32-bit operand size store the full 32-bit base; 64-bit mode stores 8 bytes */
    if (c->mode64) wr64(c, i->seg, (a + 2) & am, t->base);
    else wr32(c, i->seg, (a + 2) & am, (uint32_t)t->base);
}

HANDLER(lgdt_lidt)
{
    struct dtr *t = (i->reg & 7) == 2 ? &c->gdtr : &c->idtr;
    if (c->cpl != 0) raise_gp(c, 0);
    uint64_t a = ea(c, i), am = sz_mask(i->asz), base;
    uint16_t limit = rd16(c, i->seg, a);
    if (c->mode64) {
        base = rd64(c, i->seg, (a + 2) & am);
        if (!is_canonical(base)) raise_gp(c, 0);
    } else {
        base = rd32(c, i->seg, (a + 2) & am);
        if (i->osz == 1) base &= 0xffffff; /* 16-bit operand size: 24-bit base */
    }
    t->limit = limit;
    t->base = base;
}

/* ---- SYSCALL/SYSRET (SDM Vol.2; Intel: 64-bit mode only) ---- */

HANDLER(syscall)
{
    if (!c->mode64 || !(c->efer & EFER_SCE)) raise_ud(c);
    uint16_t sel = (uint16_t)(c->star >> 32);
    uint64_t fl = cpu_get_rflags(c);
    c->gpr[1] = RIP(c);
    c->gpr[11] = fl & ~(uint64_t)FL_RF;
    cpu_write_rflags(c, (fl & ~c->fmask & ~(uint64_t)FL_RF) | FL_FIXED1);
    load_flat(c, SEG_CS, sel & 0xfffc, 0, true, true);
    load_flat(c, SEG_SS, (uint16_t)(sel + 8), 0, false, false);
    cpu_set_cpl(c, 0);
    RIP(c) = c->lstar;
}

HANDLER(sysret)
{
    if (!c->mode64 || !(c->efer & EFER_SCE)) raise_ud(c);
    if (c->cpl != 0) raise_gp(c, 0);
    uint16_t sel = (uint16_t)(c->star >> 48);
    bool to64 = i->osz == 3;
    uint64_t rip;
    if (to64) {
        /* Intel: a non-canonical RCX faults here, at CPL 0 */
        if (!is_canonical(c->gpr[1])) raise_gp(c, 0);
        rip = c->gpr[1];
    } else {
        rip = (uint32_t)c->gpr[1];
    }
    cpu_write_rflags(c, (c->gpr[11] & 0x3c7fd7) | FL_FIXED1);
    load_flat(c, SEG_CS, (uint16_t)((to64 ? sel + 16 : sel) | 3), 3, true, to64);
    load_flat(c, SEG_SS, (uint16_t)((sel + 8) | 3), 3, false, false);
    cpu_set_cpl(c, 3);
    RIP(c) = rip;
}

/* ---- SYSENTER/SYSEXIT (SDM Vol.2) ---- */

HANDLER(sysenter)
{
    if (!cpu_pmode(c) || (c->sysenter_cs & 0xfffc) == 0) raise_gp(c, 0);
    bool lm = cpu_long_mode(c);
    uint16_t sel = (uint16_t)c->sysenter_cs & 0xfffc;
    cpu_write_rflags(c, cpu_get_rflags(c) & ~(uint64_t)(FL_VM | FL_IF | FL_RF));
    load_flat(c, SEG_CS, sel, 0, true, lm);
    load_flat(c, SEG_SS, (uint16_t)(sel + 8), 0, false, false);
    cpu_set_cpl(c, 0);
    if (lm) {
        c->gpr[4] = c->sysenter_esp;
        RIP(c) = c->sysenter_eip;
    } else {
        c->gpr[4] = (uint32_t)c->sysenter_esp;
        RIP(c) = (uint32_t)c->sysenter_eip;
    }
}

HANDLER(sysexit)
{
    if (!cpu_pmode(c) || cpu_v86(c) || c->cpl != 0 || (c->sysenter_cs & 0xfffc) == 0)
        raise_gp(c, 0);
    bool to64 = i->osz == 3;
    uint16_t base = (uint16_t)c->sysenter_cs;
    uint64_t rsp, rip;
    if (to64) {
        if (!is_canonical(c->gpr[1]) || !is_canonical(c->gpr[2])) raise_gp(c, 0);
        rsp = c->gpr[1];
        rip = c->gpr[2];
    } else {
        rsp = (uint32_t)c->gpr[1];
        rip = (uint32_t)c->gpr[2];
    }
    uint16_t cs = (uint16_t)((base + (to64 ? 32 : 16)) | 3);
    load_flat(c, SEG_CS, cs, 3, true, to64);
    load_flat(c, SEG_SS, (uint16_t)((cs + 8) | 3), 3, false, false);
    cpu_set_cpl(c, 3);
    c->gpr[4] = rsp;
    RIP(c) = rip;
}

/* ---- SWAPGS, RD/WR FS/GS BASE (SDM Vol.2) ---- */

HANDLER(swapgs)
{
    if (c->cpl != 0) raise_gp(c, 0);
    uint64_t t = c->seg[SEG_GS].base;
    c->seg[SEG_GS].base = c->kernel_gs_base;
    c->kernel_gs_base = t;
    seg_update_checks(c, SEG_GS);
}

HANDLER(rdwr_fsgsbase)
{
    if (!(c->cr4 & CR4_FSGSBASE)) raise_ud(c);
    unsigned op = i->reg & 7;
    unsigned s = (op & 1) ? SEG_GS : SEG_FS;
    if (op < 2) {
        set_reg(c, i->rm, i->osz, c->seg[s].base);
        return;
    }
    uint64_t v = get_reg(c, i->rm, i->osz);
    if (!is_canonical(v)) raise_gp(c, 0);
    c->seg[s].base = v;
    seg_update_checks(c, s);
}
