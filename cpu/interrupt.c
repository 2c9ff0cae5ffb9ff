/* Interrupt and exception delivery through the IVT/IDT (SDM Vol.3A chapter 6; Vol.2 INT n) and
 * the I/O permission check (SDM Vol.1 19.5).
 *
 * cpu_deliver_event() is called by the run loop for exceptions, NMIs and external interrupts, and
 * by INT n / INT3 / INTO / INT1. A fault during delivery raises through cpu_raise(); the run loop
 * escalates it (#DF, triple fault). Error codes of such faults carry EXT (bit 0) when the event
 * being delivered is not a software interrupt (SDM Vol.3A 6.13).
 */
#include "cpu/seg.h"
#include "cpu/vmx/vmx.h"

/* ---- real-address mode (SDM Vol.3A 20.1.4; Vol.2 INT n "REAL-ADDRESS-MODE") ---- */
static void deliver_real(struct cpu *c, int vec)
{
    uint32_t off = (uint32_t)vec * 4;
    if (off + 3 > c->idtr.limit) raise_gp(c, 0);
    uint64_t ent = sys_read(c, (uint32_t)(c->idtr.base + off), 4);
    struct stk f;
    stk_init_current(c, &f, 0);
    stk_push(c, &f, 1, cpu_get_rflags(c));
    stk_push(c, &f, 1, c->seg[SEG_CS].sel);
    stk_push(c, &f, 1, RIP(c));
    c->gpr[4] = f.sp;
    cpu_write_rflags(c, cpu_get_rflags(c) & ~(uint64_t)(FL_IF | FL_TF | FL_AC | FL_RF));
    seg_load_real(c, SEG_CS, (uint16_t)(ent >> 16));
    cpu_update_mode(c);
    RIP(c) = ent & 0xffff;
}

/* Reads and checks the code segment named by an interrupt/trap gate (SDM Vol.2 INT n
 * "TRAP-OR-INTERRUPT-GATE"). */
static uint64_t gate_code(struct cpu *c, uint16_t cs, uint32_t ext)
{
    uint64_t d;
    if (sel_null(cs)) raise_gp(c, ext);
    if (!seg_read_desc(c, cs, &d)) raise_gp(c, sel_err(cs) | ext);
    if (!desc_is_code(d) || desc_dpl(d) > c->cpl) raise_gp(c, sel_err(cs) | ext);
    if (!desc_present(d)) raise_np(c, sel_err(cs) | ext);
    return d;
}

/* ---- legacy protected mode ---- */
/* SDM Vol.3A 18.3.1.1: fault-class exceptions (other than #DB) push RFLAGS with RF = 1, so that the
 * restarted instruction does not re-trigger an instruction breakpoint. */
static uint32_t pushed_rf(int vec, enum event_type type)
{
    static const uint32_t faults = 1u << EXC_DE | 1u << EXC_BR | 1u << EXC_UD | 1u << EXC_NM |
                                   1u << EXC_TS | 1u << EXC_NP | 1u << EXC_SS | 1u << EXC_GP |
                                   1u << EXC_PF | 1u << EXC_MF | 1u << EXC_AC | 1u << EXC_XM |
                                   1u << EXC_VE | 1u << EXC_CP;
    return type == EV_EXC && vec < 32 && ((faults >> vec) & 1) ? FL_RF : 0;
}

static void deliver_pm(struct cpu *c, int vec, bool soft, uint32_t ext, bool has_err, uint32_t err,
                       uint32_t rf)
{
    uint32_t idt_err = (uint32_t)vec * 8 + 2 + ext;
    if ((uint32_t)vec * 8 + 7 > c->idtr.limit) raise_gp(c, idt_err);
    uint64_t g = sys_read(c, dt_lin(c, c->idtr.base, (uint32_t)vec * 8), 8);
    unsigned type = desc_type(g);
    if (!desc_is_sys(g) ||
        (type != SYS_TASKGATE && type != SYS_INTGATE16 && type != SYS_TRAPGATE16 &&
         type != SYS_INTGATE32 && type != SYS_TRAPGATE32))
        raise_gp(c, idt_err);
    /* SDM Vol.3A 6.12.1.1: software interrupts check the gate DPL against CPL */
    if (soft && desc_dpl(g) < c->cpl) raise_gp(c, (uint32_t)vec * 8 + 2);
    if (!desc_present(g)) raise_np(c, idt_err);

    if (type == SYS_TASKGATE) {
        /* SDM Vol.2 INT n "TASK-GATE"; Vol.3A 6.12.2 */
        uint16_t tss = gate_sel(g);
        uint64_t td = task_check_target(c, tss, ext);
        task_switch_ext(c, tss, td, TS_INT, has_err, err, ext, rf);
        if (RIP(c) > c->seg[SEG_CS].limit) raise_gp(c, ext);
        c->pending &= ~PEND_INHIBIT;
        return;
    }

    unsigned gsz = (type & 8) ? 2 : 1;
    uint64_t off = gsz == 2 ? gate_off32(g) : (g & 0xffff);
    uint16_t cs = gate_sel(g);
    uint64_t d = gate_code(c, cs, ext);
    unsigned dpl = desc_dpl(d);
    bool v86 = cpu_v86(c);
    uint32_t fl = (uint32_t)cpu_get_rflags(c);
    struct stk f;
    uint16_t nss = 0;
    uint64_t sd = 0;
    bool inner = !desc_conforming(d) && dpl < c->cpl;

    if (v86 && (!inner || dpl != 0)) raise_gp(c, sel_err(cs) | ext); /* must go to ring 0 */
    if (inner) {
        /* INTER-PRIVILEGE-LEVEL-INTERRUPT: stack from the TSS (SDM Vol.3A 6.12.1) */
        uint64_t nsp;
        tss_stack(c, dpl, 0, ext, &nss, &nsp);
        if (sel_null(nss)) raise_ts(c, ext);
        if (!seg_read_desc(c, nss, &sd)) raise_ts(c, sel_err(nss) | ext);
        if ((nss & 3) != dpl || desc_dpl(sd) != dpl || !desc_writable_data(sd))
            raise_ts(c, sel_err(nss) | ext);
        if (!desc_present(sd)) raise_ss(c, sel_err(nss) | ext);
        memset(&f, 0, sizeof f);
        seg_cache_from_desc(&f.ss, nss, sd);
        seg_calc_checks(c, &f.ss, SEG_SS, false);
        f.sp = nsp;
        f.addr_sz = desc_db(sd) ? 2 : 1;
        f.super = true;
        f.err = sel_err(nss) | ext;
        stk_room(c, &f, (uint64_t)((v86 ? 9 : 5) + has_err) << gsz);
    } else {
        stk_init_current(c, &f, ext);
        stk_room(c, &f, (uint64_t)(3 + has_err) << gsz);
    }
    off &= sz_mask(gsz);
    if (off > desc_limit(d)) raise_gp(c, ext);

    if (inner) {
        if (v86) {
            stk_push(c, &f, gsz, c->seg[SEG_GS].sel);
            stk_push(c, &f, gsz, c->seg[SEG_FS].sel);
            stk_push(c, &f, gsz, c->seg[SEG_DS].sel);
            stk_push(c, &f, gsz, c->seg[SEG_ES].sel);
        }
        stk_push(c, &f, gsz, c->seg[SEG_SS].sel);
        stk_push(c, &f, gsz, c->gpr[4]);
    }
    stk_push(c, &f, gsz, fl | rf);
    stk_push(c, &f, gsz, c->seg[SEG_CS].sel);
    stk_push(c, &f, gsz, RIP(c));
    if (has_err) stk_push(c, &f, gsz, err);
    seg_set_accessed(c, cs, &d);
    if (inner) seg_set_accessed(c, nss, &sd);

    /* commit: flags (SDM Vol.3A 6.12.1.3: TF, VM, RF, NT cleared; IF for interrupt gates) */
    uint32_t clr = FL_TF | FL_VM | FL_RF | FL_NT;
    if (!(type & 1)) clr |= FL_IF;
    cpu_write_rflags(c, fl & ~clr);
    if (v86) {
        /* SDM Vol.3A 20.3.1.1: data segment registers are loaded with null selectors */
        seg_load_null(c, SEG_ES, 0);
        seg_load_null(c, SEG_DS, 0);
        seg_load_null(c, SEG_FS, 0);
        seg_load_null(c, SEG_GS, 0);
    }
    if (inner)
        seg_set_cache(c, &c->seg[SEG_SS], SEG_SS, nss, desc_base(sd), desc_limit(sd), desc_ar(sd));
    unsigned ncpl = inner ? dpl : c->cpl;
    seg_set_cache(c, &c->seg[SEG_CS], SEG_CS, (uint16_t)((cs & ~3u) | ncpl), desc_base(d),
                  desc_limit(d), desc_ar(d));
    cpu_set_cpl(c, ncpl);
    if (inner && !(sd & (1ull << 54))) c->gpr[4] = (c->gpr[4] & ~0xffffull) | (f.sp & 0xffff);
    else c->gpr[4] = inner ? (uint32_t)f.sp : f.sp;
    RIP(c) = off;
}

/* ---- IA-32e mode (SDM Vol.3A 6.14) ---- */
static void deliver_lm(struct cpu *c, int vec, bool soft, uint32_t ext, bool has_err, uint32_t err,
                       uint32_t rf)
{
    uint32_t idt_err = (uint32_t)vec * 8 + 2 + ext;
    if ((uint32_t)vec * 16 + 15 > c->idtr.limit) raise_gp(c, idt_err);
    uint64_t g = sys_read(c, c->idtr.base + (uint32_t)vec * 16, 8);
    uint64_t gh = sys_read(c, c->idtr.base + (uint32_t)vec * 16 + 8, 8);
    unsigned type = desc_type(g);
    /* SDM Vol.3A 6.14.1: only 64-bit interrupt and trap gates */
    if (!desc_is_sys(g) || (type != SYS_INTGATE32 && type != SYS_TRAPGATE32)) raise_gp(c, idt_err);
    if (soft && desc_dpl(g) < c->cpl) raise_gp(c, (uint32_t)vec * 8 + 2);
    if (!desc_present(g)) raise_np(c, idt_err);

    uint64_t off = gate_off32(g) | (gh << 32);
    uint16_t cs = gate_sel(g);
    uint64_t d = gate_code(c, cs, ext);
    if (!desc_l(d) || desc_db(d)) raise_gp(c, sel_err(cs) | ext); /* 64-bit code required */
    unsigned dpl = desc_dpl(d);
    unsigned ist = (unsigned)(g >> 32) & 7;
    bool inner = !desc_conforming(d) && dpl < c->cpl;
    uint64_t rsp = c->gpr[4];
    uint16_t nss = 0;
    if (inner || ist) {
        uint64_t nsp;
        tss_stack(c, dpl, ist, ext, &nss, &nsp);
        rsp = nsp;
    }
    if (!is_canonical(off)) raise_gp(c, ext);

    struct stk f;
    memset(&f, 0, sizeof f);
    f.m64 = true;
    f.addr_sz = 3;
    f.sp = rsp & ~0xfull; /* SDM Vol.3A 6.14.2: 16-byte alignment */
    f.super = dpl < c->cpl;
    f.err = ext;
    uint64_t fl = cpu_get_rflags(c);
    stk_push(c, &f, 3, c->seg[SEG_SS].sel);
    stk_push(c, &f, 3, c->gpr[4]);
    stk_push(c, &f, 3, fl | rf);
    stk_push(c, &f, 3, c->seg[SEG_CS].sel);
    stk_push(c, &f, 3, RIP(c));
    if (has_err) stk_push(c, &f, 3, err);
    seg_set_accessed(c, cs, &d);

    uint64_t clr = FL_TF | FL_VM | FL_RF | FL_NT;
    if (!(type & 1)) clr |= FL_IF;
    cpu_write_rflags(c, fl & ~clr);
    unsigned ncpl = inner ? dpl : c->cpl;
    if (inner) seg_load_null(c, SEG_SS, (uint16_t)dpl); /* SDM Vol.3A 6.14.4 */
    seg_set_cache(c, &c->seg[SEG_CS], SEG_CS, (uint16_t)((cs & ~3u) | ncpl), desc_base(d),
                  desc_limit(d), desc_ar(d));
    cpu_set_cpl(c, ncpl);
    c->gpr[4] = f.sp;
    RIP(c) = off;
}

/* A debug exception that is delivered (not a VM exit) records its cause in DR6: B0-B3 and BS
 * replace the old B0-B3; a general-detect #DB sets BD and clears DR7.GD so the handler can use
 * the debug registers (SDM Vol.3A 18.2.3, 18.2.4). */
static void commit_db(struct cpu *c)
{
    uint32_t k = c->db_cause;
    c->db_cause = 0;
    if (k & DR6_BD) {
        c->dr[6] |= DR6_BD;
        c->dr[7] &= ~(uint64_t)DR7_GD;
    } else {
        c->dr[6] = (c->dr[6] & ~0xfull) | k;
    }
}

void cpu_deliver_event(struct cpu *c, int vec, enum event_type type, bool has_err, uint32_t err)
{
    bool soft = type == EV_SOFT;
    /* SDM Vol.3A 6.13: EXT is set unless the event is INT n, INT3 or INTO */
    uint32_t ext = soft ? 0 : 1;

    LOG(LOG_INT, "int: vec %d type %d err %x cs:rip %04x:%llx cpl %u\n", vec, (int)type,
        has_err ? err : 0, c->seg[SEG_CS].sel, (unsigned long long)RIP(c), c->cpl);
    /* VMX non-root: the exception bitmap and NMI exiting may turn the event into a VM exit */
    if (unlikely(c->ctx & CTX_VMX)) vmx_deliver_hook(c, vec, (int)type, has_err, err);
    if (vec == EXC_DB && type == EV_EXC && c->db_cause) commit_db(c);
    if (!cpu_pmode(c)) {
        deliver_real(c, vec);
    } else {
        /* SDM Vol.2 INT n: in v86 mode without VME, INT n (not INT3/INTO) needs IOPL = 3 */
        if (soft && cpu_v86(c) && cpu_iopl(c) < 3 && c->cur && c->cur->op == OP_int_Ib)
            raise_gp(c, 0);
        uint32_t rf = pushed_rf(vec, type);
        if (cpu_long_mode(c)) deliver_lm(c, vec, soft, ext, has_err, err, rf);
        else deliver_pm(c, vec, soft, ext, has_err, err, rf);
    }
    /* the handler's first instruction is not in an interrupt shadow */
    c->pending &= ~PEND_INHIBIT;
    if (c->vmx) c->vmx->deliv_info = 0; /* delivered: no longer "during event delivery" */
}

/* ---- I/O permission (SDM Vol.1 19.5.1, 19.5.2; Vol.3A 20.2.8.1) ---- */
void cpu_check_io(struct cpu *c, uint16_t port, unsigned size)
{
    if (!cpu_pmode(c)) return;
    if (!cpu_v86(c) && c->cpl <= cpu_iopl(c)) return;
    /* the bitmap exists only in a 32-bit (or 64-bit) TSS */
    unsigned t = c->tr.ar & AR_TYPE;
    if ((c->tr.ar & AR_UNUSABLE) || (t != SYS_TSS32_AVAIL && t != SYS_TSS32_BUSY)) raise_gp(c, 0);
    if (c->tr.limit < 0x67) raise_gp(c, 0);
    uint32_t base = (uint32_t)sys_read(c, dt_lin(c, c->tr.base, 0x66), 2);
    uint32_t at = base + port / 8;
    if (at + 1 > c->tr.limit) raise_gp(c, 0);
    uint32_t bits = (uint32_t)sys_read(c, dt_lin(c, c->tr.base, at), 2);
    uint32_t mask = ((1u << size) - 1) << (port & 7);
    if (bits & mask) raise_gp(c, 0);
}

/* ---- NMIs (SDM Vol.3A 6.7, 6.7.1, 6.8.3, 6.9) ---- */

void cpu_nmi(struct cpu *c)
{
    /* an edge: one latch, so a request while one is pending merges with it (6.7.1) */
    c->pending |= PEND_NMI;
    /* an NMI sent by the running instruction (an ICR write) is taken right after it */
    if (!c->nmi_blocked) cpu_cut_block(c);
}

bool cpu_nmi_wakes_halt(const struct cpu *c)
{
    /* in VMX non-root operation with virtual NMIs, NMIs are not blocked (VM entry clears the
     * blocking, cpu/vmx/world.c), so one test covers every case; wait-for-SIPI blocks
     * them (SDM Vol.3A 9.4.2; Vol.3C 25.2) */
    return !c->nmi_blocked && !c->wait_sipi;
}

/* The pending NMI at an instruction boundary. Its priority (Table 6-2) is below the traps of the
 * previous instruction (single step, data breakpoints and the T-bit task-switch trap, which are
 * delivered right after that instruction) and above maskable interrupts (cpu_run calls this
 * before take_interrupt; vmx_check_events between NMI-window and interrupt-window exits). IF does
 * not mask it. It is held by blocking by NMI (from its delivery until the next IRET, 6.7.1) and
 * for one instruction after MOV SS / POP SS (6.8.3). After STI the SDM lets a processor inhibit
 * NMIs for that instruction or not (Vol.2 STI: "NMIs ... may be inhibited on the instruction
 * boundary following an execution of STI that begins with IF = 0"); turtles inhibits them, as
 * Linux expects and as KVM does for its guests, so both shadows (PEND_INHIBIT) hold an NMI. */
bool cpu_take_nmi(struct cpu *c)
{
    if (!(c->pending & PEND_NMI) || c->nmi_blocked || (c->pending & PEND_INHIBIT)) return false;
    c->pending &= ~PEND_NMI;
    c->halted = 0; /* an NMI ends HLT, and a VMX guest's shutdown state */
    c->vmx_shutdown = false;
    c->insn_rip = RIP(c);
    c->cur = NULL;
    cpu_deliver_event(c, EXC_NMI, EV_NMI, false, 0);
    /* blocked once the delivery is complete (Vol.3C 27.1: an NMI whose delivery causes a VM exit
     * leaves NMIs unblocked); an NMI exit blocks them in vmx_deliver_hook */
    c->nmi_blocked = true;
    return true;
}
