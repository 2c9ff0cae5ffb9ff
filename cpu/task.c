/* Hardware task switching (SDM Vol.3A chapter 8 "Task Management", 8.3 "Task Switching";
 * table 8-2 for the checks and the exceptions they raise).
 *
 * Order: all reads of the new TSS happen first, then the old task's state is saved, busy bits and
 * the back link are written, and only then is the new state committed. Faults detected while
 * loading the new task's segments (after the commit point) are raised in the context of the new
 * task, so the instruction's fault RIP is moved to the new EIP before them.
 *
 * 32-bit TSS (offsets):  0 link  1C CR3  20 EIP  24 EFLAGS  28..44 EAX..EDI  48..5C ES CS SS DS FS GS
 *                        60 LDT  64 T (bit 0)  66 I/O map base
 * 16-bit TSS (offsets):  0 link  0E IP  10 FLAGS  12..20 AX..DI  22 ES 24 CS 26 SS 28 DS  2A LDT
 */
#include "cpu/seg.h"
#include "cpu/vmx/vmx.h"

uint64_t task_check_target(struct cpu *c, uint16_t tss_sel, uint32_t ext)
{
    uint32_t e = sel_err(tss_sel) | ext;
    if ((tss_sel & 4) || (uint32_t)(tss_sel | 7) > c->gdtr.limit) raise_gp(c, e);
    uint64_t d = sys_read(c, dt_lin(c, c->gdtr.base, tss_sel & ~7u), 8);
    unsigned t = desc_type(d);
    if (!desc_is_sys(d) || (t != SYS_TSS16_AVAIL && t != SYS_TSS32_AVAIL)) raise_gp(c, e);
    if (!desc_present(d)) raise_np(c, e);
    return d;
}

/* Sets or clears the busy bit (type bit 1) of the TSS descriptor for sel in the GDT. */
static void set_busy(struct cpu *c, uint16_t sel, bool busy)
{
    uint64_t a = dt_lin(c, c->gdtr.base, (sel & ~7u) + 5);
    uint8_t b = (uint8_t)sys_read(c, a, 1);
    b = busy ? (uint8_t)(b | 2) : (uint8_t)(b & ~2);
    sys_write(c, a, 1, b);
}

struct tss_image {
    uint32_t cr3, eip, eflags, gpr[8];
    uint16_t sel[6], ldt;
    bool trap;
};

/* Loads the new task's LDTR (SDM Vol.3A 8.3 step 10; table 8-2: #TS(LDT selector)). */
static void load_task_ldt(struct cpu *c, uint16_t sel, uint32_t ext)
{
    uint64_t d;
    if (sel_null(sel)) {
        seg_set_cache(c, &c->ldtr, 0, sel, 0, 0, AR_UNUSABLE);
        return;
    }
    if ((sel & 4) || (uint32_t)(sel | 7) > c->gdtr.limit) raise_ts(c, sel_err(sel) | ext);
    d = sys_read(c, dt_lin(c, c->gdtr.base, sel & ~7u), 8);
    if (!desc_is_sys(d) || desc_type(d) != SYS_LDT) raise_ts(c, sel_err(sel) | ext);
    if (!desc_present(d)) raise_ts(c, sel_err(sel) | ext);
    seg_set_cache(c, &c->ldtr, 0, sel, desc_base(d), desc_limit(d), desc_ar(d));
}

/* Loads the new task's CS, SS and data segments with table 8-2's checks. */
static void load_task_segs(struct cpu *c, const uint16_t *sel, uint32_t ext)
{
    uint64_t d;
    uint16_t cs = sel[SEG_CS], ss = sel[SEG_SS];
    unsigned cpl = cs & 3;

    /* code segment: #TS(CS) unless a present code segment with matching privilege */
    if (sel_null(cs) || !seg_read_desc(c, cs, &d)) raise_ts(c, sel_err(cs) | ext);
    if (!desc_is_code(d)) raise_ts(c, sel_err(cs) | ext);
    if (desc_conforming(d) ? desc_dpl(d) > cpl : desc_dpl(d) != cpl) raise_ts(c, sel_err(cs) | ext);
    if (!desc_present(d)) raise_np(c, sel_err(cs) | ext);
    seg_load_desc(c, SEG_CS, cs, d);
    cpu_set_cpl(c, cpl);

    /* stack segment: writable data with DPL = RPL = CPL */
    if (sel_null(ss) || !seg_read_desc(c, ss, &d)) raise_ts(c, sel_err(ss) | ext);
    if (!desc_writable_data(d) || desc_dpl(d) != cpl || (ss & 3) != cpl)
        raise_ts(c, sel_err(ss) | ext);
    if (!desc_present(d)) raise_ss(c, sel_err(ss) | ext);
    seg_load_desc(c, SEG_SS, ss, d);

    static const unsigned data[4] = {SEG_ES, SEG_DS, SEG_FS, SEG_GS};
    for (unsigned k = 0; k < 4; k++) {
        unsigned s = data[k];
        uint16_t v = sel[s];
        if (sel_null(v)) {
            seg_load_null(c, s, v);
            continue;
        }
        if (!seg_read_desc(c, v, &d)) raise_ts(c, sel_err(v) | ext);
        if (!(desc_is_data(d) || (desc_is_code(d) && desc_readable(d))))
            raise_ts(c, sel_err(v) | ext);
        if (!desc_conforming(d) && ((v & 3) > desc_dpl(d) || cpl > desc_dpl(d)))
            raise_ts(c, sel_err(v) | ext);
        if (!desc_present(d)) raise_np(c, sel_err(v) | ext);
        seg_load_desc(c, s, v, d);
    }
}

void task_switch_ext(struct cpu *c, uint16_t sel, uint64_t desc, enum ts_reason why, bool has_err,
                     uint32_t err, uint32_t ext, uint32_t rf)
{
    bool new32 = (desc_type(desc) & 8) != 0;
    bool old32 = ((c->tr.ar & AR_TYPE) & 8) != 0;
    uint64_t nbase = desc_base(desc);
    uint32_t nlimit = desc_limit(desc);
    struct tss_image t;

    /* SDM Vol.3A 8.3 step 3 (table 8-2): new TSS limit >= 67H (32-bit) or 2BH (16-bit) */
    if (nlimit < (new32 ? 0x67u : 0x2bu)) raise_ts(c, sel_err(sel) | ext);
    /* VMX non-root operation: the checks so far (gate, new TSS selector and descriptor) come
     * first; the task switch itself is a VM exit (SDM Vol.3C 25.4.2) */
    if (unlikely(c->ctx & CTX_VMX)) vmx_exit_task_switch(c, sel, (int)why, rf);
    /* the current TSS must be able to hold the saved state */
    if (c->tr.limit < (old32 ? 0x5fu : 0x29u)) raise_ts(c, sel_err(c->tr.sel) | ext);

    /* read the new task's state (page faults here happen in the old task) */
    memset(&t, 0, sizeof t);
#define NR(off, sz) sys_read(c, dt_lin(c, nbase, (off)), (sz))
    if (new32) {
        t.cr3 = (uint32_t)NR(0x1c, 4);
        t.eip = (uint32_t)NR(0x20, 4);
        t.eflags = (uint32_t)NR(0x24, 4);
        for (unsigned r = 0; r < 8; r++) t.gpr[r] = (uint32_t)NR(0x28 + 4 * r, 4);
        for (unsigned s = 0; s < 6; s++) t.sel[s] = (uint16_t)NR(0x48 + 4 * s, 2);
        t.ldt = (uint16_t)NR(0x60, 2);
        t.trap = NR(0x64, 2) & 1;
    } else {
        t.eip = (uint32_t)NR(0x0e, 2);
        t.eflags = (uint32_t)NR(0x10, 2);
        for (unsigned r = 0; r < 8; r++) t.gpr[r] = (uint32_t)NR(0x12 + 2 * r, 2);
        for (unsigned s = 0; s < 4; s++) t.sel[s] = (uint16_t)NR(0x22 + 2 * s, 2);
        t.ldt = (uint16_t)NR(0x2a, 2);
    }
#undef NR

    /* step 4: a JMP or IRET leaves the old task not busy */
    if (why == TS_JMP || why == TS_IRET) set_busy(c, c->tr.sel, false);

    /* step 7: save the current state in the old TSS (IRET saves NT = 0) */
    uint32_t fl = (uint32_t)cpu_get_rflags(c) | rf;
    if (why == TS_IRET) fl &= ~FL_NT;
    uint64_t ob = c->tr.base;
#define OW(off, sz, v) sys_write(c, dt_lin(c, ob, (off)), (sz), (v))
    if (old32) {
        OW(0x20, 4, (uint32_t)RIP(c));
        OW(0x24, 4, fl);
        for (unsigned r = 0; r < 8; r++) OW(0x28 + 4 * r, 4, (uint32_t)c->gpr[r]);
        for (unsigned s = 0; s < 6; s++) OW(0x48 + 4 * s, 2, c->seg[s].sel);
    } else {
        OW(0x0e, 2, (uint16_t)RIP(c));
        OW(0x10, 2, (uint16_t)fl);
        for (unsigned r = 0; r < 8; r++) OW(0x12 + 2 * r, 2, (uint16_t)c->gpr[r]);
        for (unsigned s = 0; s < 4; s++) OW(0x22 + 2 * s, 2, c->seg[s].sel);
    }
#undef OW

    /* step 8 (table 8-3): CALL and interrupts nest: back link and NT in the new task */
    if (why == TS_CALL || why == TS_INT) {
        sys_write(c, dt_lin(c, nbase, 0), 2, c->tr.sel);
        t.eflags |= FL_NT;
    }
    /* step 9: the new task becomes busy (an IRET target already is) */
    if (why != TS_IRET) set_busy(c, sel, true);

    /* ---- commit: from here on, faults belong to the new task ---- */
    seg_set_cache(c, &c->tr, 0, sel, nbase, nlimit, desc_ar(desc) | 2 /* busy */);
    c->cr0 |= CR0_TS; /* SDM Vol.3A 2.5: CR0.TS is set on every task switch */
    if (new32) {
        cpu_write_rflags(c, t.eflags | FL_FIXED1);
        for (unsigned r = 0; r < 8; r++) c->gpr[r] = t.gpr[r];
    } else {
        cpu_write_rflags(c, (t.eflags & 0xffff) | FL_FIXED1);
        for (unsigned r = 0; r < 8; r++) set_reg(c, r, 1, t.gpr[r]);
    }
    RIP(c) = t.eip;
    cpu_set_insn_rip(c, RIP(c));
    /* selectors first, with unusable caches, so a fault below reports the new task's values */
    for (unsigned s = 0; s < 6; s++) {
        if (s == SEG_CS) continue;
        c->seg[s].sel = new32 || s < 4 ? t.sel[s] : 0;
        c->seg[s].ar = AR_UNUSABLE;
    }
    c->seg[SEG_CS].sel = t.sel[SEG_CS];
    if (!new32) t.sel[SEG_FS] = t.sel[SEG_GS] = 0;
    cpu_update_mode(c);
    /* CR3 is loaded from a 32-bit TSS when paging is on (it is never saved) */
    if (new32 && (c->cr0 & CR0_PG)) cpu_write_cr(c, 3, t.cr3);

    load_task_ldt(c, t.ldt, ext);
    if (new32 && (t.eflags & FL_VM)) {
        /* virtual-8086 task (SDM Vol.3A 20.2.5) */
        for (unsigned s = 0; s < 6; s++) seg_load_v86(c, s, t.sel[s]);
        cpu_set_cpl(c, 3);
    } else {
        load_task_segs(c, t.sel, ext);
    }
    cpu_update_mode(c);

    /* SDM Vol.3A 6.13 / Vol.2 INT n: an error code is pushed on the new task's stack */
    if (has_err) {
        struct stk f;
        stk_init_current(c, &f, ext);
        stk_push(c, &f, new32 ? 2 : 1, err);
        c->gpr[4] = f.sp;
    }
    /* TODO: T flag (SDM Vol.3A 17.3.1.5): a debug trap (#DB, DR6.BT) after the switch. */
    (void)t.trap;
}

void task_switch(struct cpu *c, uint16_t sel, uint64_t desc, enum ts_reason why, bool has_err,
                 uint32_t err)
{
    task_switch_ext(c, sel, desc, why, has_err, err, 0, 0);
}
