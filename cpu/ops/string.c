/* String instructions: MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS, with REP/REPE/REPNE.
 * SDM Vol.2 "MOVS/MOVSB/...", "CMPS", "STOS", "LODS", "SCAS", "INS", "OUTS", "REP/REPE/REPZ/
 * REPNE/REPNZ"; Vol.1 7.3.9 (string operations), 7.3.9.3 (repeated string operations).
 *
 * Address size (i->asz) selects SI/ESI/RSI, DI/EDI/RDI and CX/ECX/RCX; the source segment is
 * i->seg (DS unless overridden), the destination is always ES (SDM Vol.1 7.3.9.2); RFLAGS.DF
 * selects decrement.
 *
 * Repetition: the SDM allows a repeated string instruction to be interrupted between iterations,
 * with RIP at the instruction and the registers reflecting the completed iterations (SDM Vol.2
 * REP: "A repeating string operation can be suspended by an exception or interrupt"). We run at
 * most REP_CHUNK iterations per execution, or stop earlier when an event is pending (after at
 * least one iteration), and then set RIP back to the instruction so that it resumes. The split
 * depends only on architectural state, never on the TLB contents or host timing, so it is
 * deterministic. A fault in an iteration leaves RCX/RSI/RDI as they were after the previous one,
 * because each iteration updates them only after its memory accesses succeeded.
 * NOTE for the run loop: a block must not continue past a string instruction that rewound RIP.
 *
 * Intel detail (checked on a Xeon host): with a 32-bit address size in 64-bit mode, a REP
 * instruction writes ECX (zeroing RCX[63:32]) even when the count is 0; REP MOVS also zero-extends
 * RSI and RDI and REP STOS RDI in that case, while REP LODS/SCAS/CMPS leave them alone.
 */
#include "cpu/cpu_priv.h"
#include "cpu/vmx/vmx.h"

#define REP_CHUNK 4096

/* Element size (log2 bytes) of the instruction: byte forms have their own opcodes. */
static inline unsigned elem_sz(const struct insn *i)
{
    switch (i->op) {
    case OP_movsb: case OP_cmpsb: case OP_stosb: case OP_lodsb: case OP_scasb:
    case OP_insb: case OP_outsb:
        return 0;
    default:
        return i->osz;
    }
}

static inline int64_t elem_step(const struct cpu *c, unsigned sz)
{
    return (c->rflags & FL_DF) ? -(int64_t)(1 << sz) : (int64_t)(1 << sz);
}

static inline uint64_t areg(const struct cpu *c, unsigned r, unsigned asz)
{
    return c->gpr[r] & sz_mask(asz);
}

/* Adds delta to SI/ESI/RSI (or DI, CX) with the address-size wrap. */
static inline void aadd(struct cpu *c, unsigned r, unsigned asz, int64_t delta)
{
    set_reg(c, r, asz, c->gpr[r] + (uint64_t)delta);
}

static inline bool is_rep(const struct insn *i) { return (i->pfx & (PFX_REP | PFX_REPNE)) != 0; }

/* Whether a repeated instruction should stop between iterations to let an event in. A masked
 * maskable interrupt (IF = 0) cannot be taken, so it does not stop the loop. */
static inline bool rep_yield(const struct cpu *c)
{
    uint32_t p = c->pending & (PEND_NMI | PEND_INIT | PEND_STOP | PEND_TIMER | PEND_TF | PEND_INTR);
    if (!(c->rflags & FL_IF)) p &= ~PEND_INTR;
    if (c->nmi_blocked) p &= ~PEND_NMI; /* likewise an NMI until the next IRET */
    /* VMX: an iteration that wrote the APIC-access page is followed by APIC-write emulation
     * (SDM Vol.3C 29.4.3.2: each iteration is an operation of its own) */
    if ((c->pending & PEND_VMX) && c->vmx->apic_write_pending) return true;
    return p != 0;
}

/* Start of a REP instruction: returns the count. With a 32-bit address size the count register
 * (and, for MOVS/STOS, the index registers) are written as 32-bit registers even for a count of
 * 0 (Intel behaviour, see the file comment). */
static inline uint64_t rep_begin(struct cpu *c, const struct insn *i, bool si, bool di)
{
    if (i->asz == 2) {
        c->gpr[1] = (uint32_t)c->gpr[1];
        if (si) c->gpr[6] = (uint32_t)c->gpr[6];
        if (di) c->gpr[7] = (uint32_t)c->gpr[7];
    }
    return areg(c, 1, i->asz);
}

/* Suspends the instruction: it restarts at the same RIP with the registers as they are. */
static inline void rep_suspend(struct cpu *c) { RIP(c) = cpu_insn_rip(c); }

/* ---- fast paths for REP MOVS (either direction) and REP STOS (DF = 0): RAM, one page ---- */

/* Segment check without raising: is [off, off + len) accessible in segment s for need, without
 * wrapping the address size? Returns the linear address in *lin. */
static inline bool seg_span(const struct cpu *c, unsigned s, uint64_t off, uint64_t len,
                            unsigned asz, unsigned need, uint64_t *lin)
{
    const struct seg *sg = &c->seg[s];
    if (len - 1 > sz_mask(asz) - off) return false; /* would wrap the address size */
    if (off < sg->lo || off + (len - 1) > sg->hi || !(sg->ok & need)) return false;
    *lin = (sg->eff_base + off) & c->lin_mask;
    return true;
}

/* Host pointer for [lin, lin + len) if it lies in one page present in the TLB for type. */
static inline uint8_t *host_span(struct cpu *c, unsigned type, uint64_t lin, uint64_t len)
{
    if ((lin & 0xfff) + len > 0x1000) return NULL;
    const struct tlb_entry *e = tlb_lookup(c, type, lin, 1);
    return e ? (uint8_t *)(e->addend + (uintptr_t)lin) : NULL;
}

/* Number of whole elements of 2^sz bytes from lin to the end of its page. */
static inline uint64_t page_elems(uint64_t lin, unsigned sz)
{
    return (0x1000 - (lin & 0xfff)) >> sz;
}

/* Tries to perform up to max MOVS iterations at once; returns how many were done (0: take the
 * one-iteration path). Exact: only taken when every element is in RAM pages already present in
 * the TLB with the needed access, inside the segment limits, without any wrap. */
static uint64_t movs_fast(struct cpu *c, const struct insn *i, unsigned sz, uint64_t max)
{
    unsigned asz = i->asz;
    uint64_t si = areg(c, 6, asz), di = areg(c, 7, asz), lin_s, lin_d;
    if (!seg_span(c, i->seg, si, 1u << sz, asz, SEG_OK_R, &lin_s) ||
        !seg_span(c, SEG_ES, di, 1u << sz, asz, SEG_OK_W, &lin_d))
        return 0;
    uint64_t n = max, k;
    if ((k = page_elems(lin_s, sz)) < n) n = k;
    if ((k = page_elems(lin_d, sz)) < n) n = k;
    if (n < 2) return 0;
    uint64_t len = n << sz;
    if (!seg_span(c, i->seg, si, len, asz, SEG_OK_R, &lin_s) ||
        !seg_span(c, SEG_ES, di, len, asz, SEG_OK_W, &lin_d))
        return 0;
    const uint8_t *hs = host_span(c, TLB_R, lin_s, len);
    uint8_t *hd = host_span(c, TLB_W, lin_d, len);
    if (!hs || !hd) return 0;
    if (hd > hs && hd < hs + len) {
        /* destination overlaps the source ahead of it: element-by-element forward semantics */
        for (uint64_t e = 0; e < n; e++) {
            uint64_t t;
            memcpy(&t, hs + (e << sz), 1u << sz);
            memcpy(hd + (e << sz), &t, 1u << sz);
        }
    } else {
        memmove(hd, hs, len);
    }
    aadd(c, 6, asz, (int64_t)len);
    aadd(c, 7, asz, (int64_t)len);
    return n;
}

/* The same with DF = 1 (the iterations go down from rSI/rDI): up to max elements that end at the
 * current ones, all in one page each. Compilers and the kernel's memmove use it for overlapping
 * copies to higher addresses. */
static uint64_t movs_fast_down(struct cpu *c, const struct insn *i, unsigned sz, uint64_t max)
{
    unsigned asz = i->asz;
    uint64_t e = 1u << sz;
    uint64_t si = areg(c, 6, asz), di = areg(c, 7, asz), lin_s, lin_d;
    if (!seg_span(c, i->seg, si, e, asz, SEG_OK_R, &lin_s) ||
        !seg_span(c, SEG_ES, di, e, asz, SEG_OK_W, &lin_d))
        return 0;
    if ((lin_s & 0xfff) + e > 0x1000 || (lin_d & 0xfff) + e > 0x1000) return 0;
    /* elements at lin - k * e for k < n, none below the page or offset 0 */
    uint64_t n = max, k;
    if ((k = (lin_s & 0xfff) / e + 1) < n) n = k;
    if ((k = (lin_d & 0xfff) / e + 1) < n) n = k;
    if ((k = si / e + 1) < n) n = k;
    if ((k = di / e + 1) < n) n = k;
    if (n < 2) return 0;
    uint64_t len = n << sz, back = len - e;
    if (!seg_span(c, i->seg, si - back, len, asz, SEG_OK_R, &lin_s) ||
        !seg_span(c, SEG_ES, di - back, len, asz, SEG_OK_W, &lin_d))
        return 0;
    const uint8_t *hs = host_span(c, TLB_R, lin_s, len);
    uint8_t *hd = host_span(c, TLB_W, lin_d, len);
    if (!hs || !hd) return 0;
    if (hd < hs && hd + len > hs) {
        /* destination overlaps the source below it: element-by-element downward semantics */
        for (uint64_t j = n; j-- > 0;) {
            uint64_t t;
            memcpy(&t, hs + (j << sz), e);
            memcpy(hd + (j << sz), &t, e);
        }
    } else {
        memmove(hd, hs, len);
    }
    aadd(c, 6, asz, -(int64_t)len);
    aadd(c, 7, asz, -(int64_t)len);
    return n;
}

static uint64_t stos_fast(struct cpu *c, const struct insn *i, unsigned sz, uint64_t max)
{
    unsigned asz = i->asz;
    uint64_t di = areg(c, 7, asz), lin_d;
    if (!seg_span(c, SEG_ES, di, 1u << sz, asz, SEG_OK_W, &lin_d)) return 0;
    uint64_t n = max, k;
    if ((k = page_elems(lin_d, sz)) < n) n = k;
    if (n < 2) return 0;
    uint64_t len = n << sz;
    if (!seg_span(c, SEG_ES, di, len, asz, SEG_OK_W, &lin_d)) return 0;
    uint8_t *hd = host_span(c, TLB_W, lin_d, len);
    if (!hd) return 0;
    uint64_t v = c->gpr[0];
    if (sz == 0) {
        memset(hd, (uint8_t)v, len);
    } else {
        for (uint64_t e = 0; e < n; e++) memcpy(hd + (e << sz), &v, 1u << sz);
    }
    aadd(c, 7, asz, (int64_t)len);
    return n;
}

/* ---- one iteration of each instruction (may raise before changing any register) ---- */

static inline void movs_one(struct cpu *c, const struct insn *i, unsigned sz, int64_t step)
{
    uint64_t v = rdv(c, i->seg, areg(c, 6, i->asz), sz);
    wrv(c, SEG_ES, areg(c, 7, i->asz), sz, v);
    aadd(c, 6, i->asz, step);
    aadd(c, 7, i->asz, step);
}

static inline void stos_one(struct cpu *c, const struct insn *i, unsigned sz, int64_t step)
{
    wrv(c, SEG_ES, areg(c, 7, i->asz), sz, c->gpr[0]);
    aadd(c, 7, i->asz, step);
}

static inline void lods_one(struct cpu *c, const struct insn *i, unsigned sz, int64_t step)
{
    uint64_t v = rdv(c, i->seg, areg(c, 6, i->asz), sz);
    if (sz == 0)
        c->gpr[0] = (c->gpr[0] & ~0xffull) | v; /* AL */
    else
        set_reg(c, 0, sz, v);
    aadd(c, 6, i->asz, step);
}

/* CMPS: SRC1 (seg:rSI) - SRC2 (ES:rDI); SCAS: rAX - ES:rDI. Flags as SUB: the caller sets them
 * from *r and *b (see HANDLER(cmps) for when). Returns ZF. */
static inline bool cmps_one(struct cpu *c, const struct insn *i, unsigned sz, int64_t step,
                            uint64_t *r, uint64_t *b)
{
    uint64_t a = rdv(c, i->seg, areg(c, 6, i->asz), sz);
    *b = rdv(c, SEG_ES, areg(c, 7, i->asz), sz);
    *r = (a - *b) & sz_mask(sz);
    aadd(c, 6, i->asz, step);
    aadd(c, 7, i->asz, step);
    return *r == 0;
}

static inline bool scas_one(struct cpu *c, const struct insn *i, unsigned sz, int64_t step,
                            uint64_t *r, uint64_t *b)
{
    *b = rdv(c, SEG_ES, areg(c, 7, i->asz), sz);
    *r = (c->gpr[0] - *b) & sz_mask(sz);
    aadd(c, 7, i->asz, step);
    return *r == 0;
}

/* INS: the I/O permission check comes first (SDM Vol.2 INS); the destination is checked for a
 * write before the port is read, so a fault does not lose a port read. */
static inline void ins_one(struct cpu *c, const struct insn *i, unsigned sz, int64_t step)
{
    uint16_t port = (uint16_t)c->gpr[2];
    uint64_t di = areg(c, 7, i->asz);
    cpu_check_io(c, port, 1u << sz);
    cpu_probe_write(c, SEG_ES, di, 1u << sz);
    uint32_t v = cpu_io_in(c, port, 1u << sz);
    wrv(c, SEG_ES, di, sz, v);
    aadd(c, 7, i->asz, step);
}

static inline void outs_one(struct cpu *c, const struct insn *i, unsigned sz, int64_t step)
{
    uint16_t port = (uint16_t)c->gpr[2];
    cpu_check_io(c, port, 1u << sz);
    uint64_t v = rdv(c, i->seg, areg(c, 6, i->asz), sz);
    cpu_io_out(c, port, 1u << sz, (uint32_t)v);
    aadd(c, 6, i->asz, step);
}

/* ---- handlers ---- */

HANDLER(movs)
{
    unsigned sz = elem_sz(i);
    int64_t step = elem_step(c, sz);
    if (!is_rep(i)) {
        movs_one(c, i, sz, step);
        return;
    }
    uint64_t cnt = rep_begin(c, i, true, true);
    uint64_t done = 0;
    while (cnt) {
        if (done >= REP_CHUNK || (done && rep_yield(c))) {
            rep_suspend(c);
            return;
        }
        uint64_t n = 0, max = cnt < REP_CHUNK - done ? cnt : REP_CHUNK - done;
        if (cnt > 1) n = step > 0 ? movs_fast(c, i, sz, max) : movs_fast_down(c, i, sz, max);
        if (!n) {
            movs_one(c, i, sz, step);
            n = 1;
        }
        cnt -= n;
        done += n;
        set_reg(c, 1, i->asz, cnt);
    }
}

HANDLER(stos)
{
    unsigned sz = elem_sz(i);
    int64_t step = elem_step(c, sz);
    if (!is_rep(i)) {
        stos_one(c, i, sz, step);
        return;
    }
    uint64_t cnt = rep_begin(c, i, false, true);
    uint64_t done = 0;
    while (cnt) {
        if (done >= REP_CHUNK || (done && rep_yield(c))) {
            rep_suspend(c);
            return;
        }
        uint64_t n = 0;
        if (step > 0 && cnt > 1) n = stos_fast(c, i, sz, cnt < REP_CHUNK - done ? cnt : REP_CHUNK - done);
        if (!n) {
            stos_one(c, i, sz, step);
            n = 1;
        }
        cnt -= n;
        done += n;
        set_reg(c, 1, i->asz, cnt);
    }
}

HANDLER(lods)
{
    unsigned sz = elem_sz(i);
    int64_t step = elem_step(c, sz);
    if (!is_rep(i)) {
        lods_one(c, i, sz, step);
        return;
    }
    uint64_t cnt = rep_begin(c, i, false, false);
    for (uint64_t done = 0; cnt; done++) {
        if (done >= REP_CHUNK || (done && rep_yield(c))) {
            rep_suspend(c);
            return;
        }
        lods_one(c, i, sz, step);
        set_reg(c, 1, i->asz, --cnt);
    }
}

/* REPE (F3) repeats while equal (ZF = 1), REPNE (F2) while not equal (SDM Vol.2 REP).
 * RFLAGS: when an iteration faults, the fault frame holds the flags from before this execution
 * of the instruction, not those of the last completed compare (measured on the Intel host:
 * tests/diff/FINDINGS.md F6). So the flags of the last compare are committed only when the
 * execution ends normally: count exhausted, condition met, or suspended between iterations (an
 * interrupted instruction resumes with the flags of its completed iterations). */
HANDLER(cmps)
{
    unsigned sz = elem_sz(i);
    int64_t step = elem_step(c, sz);
    uint64_t r = 0, b = 0;
    if (!is_rep(i)) {
        cmps_one(c, i, sz, step, &r, &b);
        set_flags(c, CC_SUB, sz, r, b, 0);
        return;
    }
    bool while_eq = (i->pfx & PFX_REP) != 0;
    uint64_t cnt = rep_begin(c, i, false, false);
    uint64_t done;
    for (done = 0; cnt; done++) {
        if (done >= REP_CHUNK || (done && rep_yield(c))) {
            rep_suspend(c);
            break;
        }
        bool zf = cmps_one(c, i, sz, step, &r, &b);
        set_reg(c, 1, i->asz, --cnt);
        if (zf != while_eq) {
            done++;
            break;
        }
    }
    if (done) set_flags(c, CC_SUB, sz, r, b, 0);
}

/* RFLAGS on a fault: as for CMPS (tests/diff/FINDINGS.md F6). */
HANDLER(scas)
{
    unsigned sz = elem_sz(i);
    int64_t step = elem_step(c, sz);
    uint64_t r = 0, b = 0;
    if (!is_rep(i)) {
        scas_one(c, i, sz, step, &r, &b);
        set_flags(c, CC_SUB, sz, r, b, 0);
        return;
    }
    bool while_eq = (i->pfx & PFX_REP) != 0;
    uint64_t cnt = rep_begin(c, i, false, false);
    uint64_t done;
    for (done = 0; cnt; done++) {
        if (done >= REP_CHUNK || (done && rep_yield(c))) {
            rep_suspend(c);
            break;
        }
        bool zf = scas_one(c, i, sz, step, &r, &b);
        set_reg(c, 1, i->asz, --cnt);
        if (zf != while_eq) {
            done++;
            break;
        }
    }
    if (done) set_flags(c, CC_SUB, sz, r, b, 0);
}

/* INS/OUTS: the operand size is 16 or 32 bits (REX.W does not make it 64; SDM Vol.2 INS). */
static inline unsigned io_elem_sz(const struct insn *i)
{
    unsigned sz = elem_sz(i);
    return sz > 2 ? 2 : sz;
}

/* REP INS/OUTS: the I/O permission check comes before the count test and before any register
 * changes, so a count of 0 still raises #GP and a 67-prefixed instruction that faults leaves
 * RCX[63:32] unchanged (SDM Vol.2 INS/OUTS: the Operation section checks the I/O permission first;
 * measured on the Intel host: tests/diff/FINDINGS.md F3). */
static inline void io_rep_check(struct cpu *c, unsigned sz)
{
    cpu_check_io(c, (uint16_t)c->gpr[2], 1u << sz);
}

HANDLER(ins)
{
    unsigned sz = io_elem_sz(i);
    int64_t step = elem_step(c, sz);
    if (!is_rep(i)) {
        ins_one(c, i, sz, step);
        return;
    }
    io_rep_check(c, sz);
    uint64_t cnt = rep_begin(c, i, false, false);
    for (uint64_t done = 0; cnt; done++) {
        if (done >= REP_CHUNK || (done && rep_yield(c))) {
            rep_suspend(c);
            return;
        }
        ins_one(c, i, sz, step);
        set_reg(c, 1, i->asz, --cnt);
    }
}

HANDLER(outs)
{
    unsigned sz = io_elem_sz(i);
    int64_t step = elem_step(c, sz);
    if (!is_rep(i)) {
        outs_one(c, i, sz, step);
        return;
    }
    io_rep_check(c, sz);
    uint64_t cnt = rep_begin(c, i, false, false);
    for (uint64_t done = 0; cnt; done++) {
        if (done >= REP_CHUNK || (done && rep_yield(c))) {
            rep_suspend(c);
            return;
        }
        outs_one(c, i, sz, step);
        set_reg(c, 1, i->asz, --cnt);
    }
}
