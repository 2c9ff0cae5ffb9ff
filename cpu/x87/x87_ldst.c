/* x87 FPU: data transfer (FLD/FST/FSTP of float32/64/80, FILD/FIST/FISTP/FISTTP, FBLD/FBSTP),
 * constants, FXCH, FFREE, FFREEP, FCMOVcc.
 */
#include "cpu/x87/x87.h"

/* Push with the overflow check (SDM Vol.1 8.5.1.1): a non-empty ST(7) is a stack overflow; the
 * masked response pushes the QNaN indefinite. C1 = 1 on overflow, else 0. */
bool x87_push_checked(struct cpu *c, const struct insn *i, floatx80 v)
{
    if (!x87_empty(c, 7)) {
        if (x87_stack_fault(c, i, true)) x87_push(c, FX80_INDEFINITE);
        return false;
    }
    x87_set_c1(c, false);
    x87_push(c, v);
    return true;
}

/* Push of a converted memory operand (SDM Vol.2 FLD). */
static void load_push(struct cpu *c, const struct insn *i, floatx80 v, const struct sf_status *s)
{
    if (!x87_empty(c, 7)) {
        x87_push_checked(c, i, v);
        return;
    }
    x87_set_c1(c, false);
    /* an unmasked IE (SNaN) stops the load; a denormal operand converts exactly and is loaded even
     * with DE unmasked (observed on Intel processors) */
    if (x87_flags(c, i, s->flags) & FSW_IE) return;
    x87_push(c, v);
}

HANDLER(x87_fld_m32)
{
    x87_wait(c);
    uint64_t off = ea(c, i);
    uint32_t v = rd32(c, i->seg, off);
    x87_note_mem(c, i, off);
    struct sf_status s = x87_status(c);
    floatx80 r = fx80_from_f32(v, &s);
    load_push(c, i, r, &s);
}

HANDLER(x87_fld_m64)
{
    x87_wait(c);
    uint64_t off = ea(c, i);
    uint64_t v = rd64(c, i->seg, off);
    x87_note_mem(c, i, off);
    struct sf_status s = x87_status(c);
    floatx80 r = fx80_from_f64(v, &s);
    load_push(c, i, r, &s);
}

/* FLD m80fp: no conversion and no exceptions other than stack overflow (SDM Vol.2 FLD). */
HANDLER(x87_fld_m80)
{
    x87_wait(c);
    uint64_t off = ea(c, i);
    floatx80 r;
    r.sig = rd64(c, i->seg, off);
    r.se = rd16(c, i->seg, (off + 8) & sz_mask(i->asz));
    x87_note_mem(c, i, off);
    x87_push_checked(c, i, r);
}

HANDLER(x87_fild_m16)
{
    x87_wait(c);
    uint64_t off = ea(c, i);
    uint16_t v = rd16(c, i->seg, off);
    x87_note_mem(c, i, off);
    struct sf_status s = x87_status(c);
    x87_push_checked(c, i, fx80_from_i16((int16_t)v, &s));
}

HANDLER(x87_fild_m32)
{
    x87_wait(c);
    uint64_t off = ea(c, i);
    uint32_t v = rd32(c, i->seg, off);
    x87_note_mem(c, i, off);
    struct sf_status s = x87_status(c);
    x87_push_checked(c, i, fx80_from_i32((int32_t)v, &s));
}

HANDLER(x87_fild_m64)
{
    x87_wait(c);
    uint64_t off = ea(c, i);
    uint64_t v = rd64(c, i->seg, off);
    x87_note_mem(c, i, off);
    struct sf_status s = x87_status(c);
    x87_push_checked(c, i, fx80_from_i64((int64_t)v, &s));
}

/* FBLD (SDM Vol.2; Vol.1 4.7 packed BCD): 18 digits in bytes 0..8, sign in byte 9 bit 7. The
 * conversion is exact; -0 loads as -0.0. Invalid digit nibbles give an undefined value: here
 * each nibble is weighted as if it were a digit. */
HANDLER(x87_fbld)
{
    x87_wait(c);
    uint64_t off = ea(c, i);
    uint64_t lo = rd64(c, i->seg, off);
    uint16_t hi = rd16(c, i->seg, (off + 8) & sz_mask(i->asz));
    x87_note_mem(c, i, off);
    uint64_t mag = 0;
    for (int d = 17; d >= 0; d--) {
        unsigned byte = d >= 16 ? (unsigned)(hi >> (8 * (d / 2 - 8))) & 0xff : (unsigned)(lo >> (8 * (d / 2))) & 0xff;
        mag = mag * 10 + ((d & 1) ? byte >> 4 : byte & 15);
    }
    struct sf_status s = x87_status(c);
    floatx80 r = fx80_from_i64((int64_t)mag, &s);
    if (hi & 0x8000) r.se |= 0x8000;
    x87_push_checked(c, i, r);
}

/* Completion of a store from ST(0) whose memory write (if any) is done: records the pointers and
 * flags and pops unless an unmasked exception stopped the instruction (SDM Vol.1 8.5). */
static void store_done(struct cpu *c, const struct insn *i, uint64_t off, bool empty,
                       const struct sf_status *s, bool pop)
{
    x87_note_mem(c, i, off);
    if (empty) {
        if (x87_stack_fault(c, i, false) && pop) x87_pop(c);
        return;
    }
    x87_set_c1(c, s->c1);
    unsigned flags = s->flags;
    /* unmasked OE/UE on a memory destination: nothing is stored and PE is not reported (observed
     * on Intel processors; SDM Vol.1 8.5.4/8.5.5) */
    if (x87_unmasked(c, flags) & (FSW_OE | FSW_UE)) {
        flags &= ~(unsigned)FSW_PE;
        x87_set_c1(c, false);
    }
    if (x87_flags(c, i, flags) & (FSW_IE | FSW_DE | FSW_ZE | FSW_OE | FSW_UE)) return;
    if (pop) x87_pop(c);
}

/* True when the store may write memory: a stack underflow with IE masked writes the indefinite;
 * unmasked IE, DE, OE or UE on a memory destination write nothing (SDM Vol.1 8.5.1.2, 8.5.4, 8.5.5). */
static bool store_writes(const struct cpu *c, bool empty, const struct sf_status *s)
{
    if (empty) return !x87_unmasked(c, FSW_IE);
    return !(x87_unmasked(c, s->flags) & (FSW_IE | FSW_DE | FSW_ZE | FSW_OE | FSW_UE));
}

HANDLER(x87_fst_m32) /* D9 /2 FST, /3 FSTP */
{
    x87_wait(c);
    uint64_t off = ea(c, i);
    struct sf_status s = x87_status(c);
    bool empty = x87_empty(c, 0);
    uint32_t v = empty ? F32_INDEFINITE : fx80_to_f32(x87_get(c, 0), &s);
    if (store_writes(c, empty, &s)) wr32(c, i->seg, off, v);
    store_done(c, i, off, empty, &s, (i->reg & 7) == 3);
}

HANDLER(x87_fst_m64) /* DD /2 FST, /3 FSTP */
{
    x87_wait(c);
    uint64_t off = ea(c, i);
    struct sf_status s = x87_status(c);
    bool empty = x87_empty(c, 0);
    uint64_t v = empty ? F64_INDEFINITE : fx80_to_f64(x87_get(c, 0), &s);
    if (store_writes(c, empty, &s)) wr64(c, i->seg, off, v);
    store_done(c, i, off, empty, &s, (i->reg & 7) == 3);
}

/* Writes the 10-byte image; checks both parts before writing either (faults before state). */
static void wr80(struct cpu *c, const struct insn *i, uint64_t off, uint64_t lo, uint16_t hi)
{
    cpu_probe_write(c, i->seg, off, 10);
    wr64(c, i->seg, off, lo);
    wr16(c, i->seg, (off + 8) & sz_mask(i->asz), hi);
}

HANDLER(x87_fstp_m80) /* DB /7: no conversion, no exceptions besides stack underflow */
{
    x87_wait(c);
    uint64_t off = ea(c, i);
    struct sf_status s = x87_status(c);
    bool empty = x87_empty(c, 0);
    floatx80 v = empty ? FX80_INDEFINITE : x87_get(c, 0);
    if (store_writes(c, empty, &s)) wr80(c, i, off, v.sig, v.se);
    store_done(c, i, off, empty, &s, true);
}

/* FIST/FISTP/FISTTP (SDM Vol.2): out-of-range, NaN or empty sources give the integer indefinite
 * (the most negative value) with IE masked. FISTTP truncates (SSE3). */
HANDLER(x87_fist_m16) /* DF /1 FISTTP, /2 FIST, /3 FISTP */
{
    x87_wait(c);
    uint64_t off = ea(c, i);
    unsigned k = i->reg & 7;
    struct sf_status s = x87_status(c);
    bool empty = x87_empty(c, 0);
    int16_t v = INT16_MIN;
    if (!empty) v = k == 1 ? fx80_to_i16_trunc(x87_get(c, 0), &s) : fx80_to_i16(x87_get(c, 0), &s);
    if (store_writes(c, empty, &s)) wr16(c, i->seg, off, (uint16_t)v);
    store_done(c, i, off, empty, &s, k != 2);
}

HANDLER(x87_fist_m32) /* DB /1 FISTTP, /2 FIST, /3 FISTP */
{
    x87_wait(c);
    uint64_t off = ea(c, i);
    unsigned k = i->reg & 7;
    struct sf_status s = x87_status(c);
    bool empty = x87_empty(c, 0);
    int32_t v = INT32_MIN;
    if (!empty) v = k == 1 ? fx80_to_i32_trunc(x87_get(c, 0), &s) : fx80_to_i32(x87_get(c, 0), &s);
    if (store_writes(c, empty, &s)) wr32(c, i->seg, off, (uint32_t)v);
    store_done(c, i, off, empty, &s, k != 2);
}

HANDLER(x87_fist_m64) /* DF /7 FISTP m64int, DD /1 FISTTP m64int */
{
    x87_wait(c);
    uint64_t off = ea(c, i);
    bool trunc = i->op == OP_x87_fisttp_m64;
    struct sf_status s = x87_status(c);
    bool empty = x87_empty(c, 0);
    int64_t v = INT64_MIN;
    if (!empty) v = trunc ? fx80_to_i64_trunc(x87_get(c, 0), &s) : fx80_to_i64(x87_get(c, 0), &s);
    if (store_writes(c, empty, &s)) wr64(c, i->seg, off, (uint64_t)v);
    store_done(c, i, off, empty, &s, true);
}

/* FBSTP (SDM Vol.2): rounds ST(0) to an integer per RC and stores 18 BCD digits; values whose
 * magnitude exceeds 999999999999999999, NaNs and infinities are invalid: the masked response
 * stores the packed BCD indefinite (FFFFC000000000000000H). The sign byte keeps the sign of ST(0). */
HANDLER(x87_fbstp)
{
    x87_wait(c);
    uint64_t off = ea(c, i);
    struct sf_status s = x87_status(c);
    bool empty = x87_empty(c, 0);
    uint64_t lo = 0;
    uint16_t hi = 0xffff;
    lo = 0xc000000000000000ull;
    if (!empty) {
        floatx80 a = x87_get(c, 0);
        int64_t v = fx80_to_i64(a, &s);
        uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
        if (!(s.flags & FSW_IE) && mag > 999999999999999999ull) {
            s.flags = FSW_IE;
            s.c1 = false;
        }
        if (!(s.flags & FSW_IE)) {
            lo = 0;
            hi = (a.se & 0x8000) ? 0x8000 : 0;
            for (unsigned d = 0; d < 18; d++, mag /= 10) {
                uint64_t dig = mag % 10;
                if (d < 16) lo |= dig << (4 * d);
                else hi |= (uint16_t)(dig << (4 * (d - 16)));
            }
        }
    }
    if (store_writes(c, empty, &s)) wr80(c, i, off, lo, hi);
    store_done(c, i, off, empty, &s, true);
}

/* FLD ST(i) (SDM Vol.2 FLD): pushes a copy of ST(i); an empty ST(i) is a stack underflow whose
 * masked response pushes the indefinite. */
HANDLER(x87_fld_sti)
{
    x87_wait(c);
    x87_note(c, i);
    unsigned n = i->rm & 7;
    /* an empty source is reported as underflow (C1 = 0) even when the push slot ST(7) is also
     * full; the masked response pushes the indefinite either way (measured on Intel host, see
     * tests/diff/FINDINGS.md F10; SDM Vol.1 8.5.1.1) */
    if (x87_empty(c, n)) {
        if (x87_stack_fault(c, i, false)) x87_push(c, FX80_INDEFINITE);
        return;
    }
    if (!x87_empty(c, 7)) {
        x87_push_checked(c, i, FX80_INDEFINITE);
        return;
    }
    x87_set_c1(c, false);
    x87_push(c, x87_get(c, n));
}

/* FST/FSTP ST(i) and the FSTP1/FSTP8/FSTP9 aliases: ST(i) = ST(0), pop for FSTP. */
HANDLER(x87_fst_sti)
{
    x87_wait(c);
    x87_note(c, i);
    unsigned n = i->rm & 7;
    bool pop = i->op != OP_x87_fst_sti;
    if (i->op == OP_x87_fstp1 && x87_empty(c, 0)) {
        /* the reserved alias D9 D8+i pops an empty ST(0) without a stack fault and clears C1;
         * FSTP8/FSTP9 (DF D0+i, DF D8+i) fault like FSTP ST(i) (measured on Intel host, see
         * tests/diff/FINDINGS.md F9, F12) */
        x87_set_c1(c, false);
        x87_pop(c);
        return;
    }
    if (x87_empty(c, 0)) {
        if (!x87_stack_fault(c, i, false)) return;
        x87_set(c, n, FX80_INDEFINITE);
    } else {
        x87_set_c1(c, false);
        x87_set(c, n, x87_get(c, 0));
    }
    if (pop) x87_pop(c);
}

/* FXCH (SDM Vol.2): exchanges ST(0) and ST(i); empty registers become the indefinite when IE is
 * masked. C1 = 0. */
HANDLER(x87_fxch)
{
    x87_wait(c);
    x87_note(c, i);
    unsigned n = i->rm & 7;
    if (x87_empty(c, 0) || x87_empty(c, n)) {
        if (!x87_stack_fault(c, i, false)) return;
        if (x87_empty(c, 0)) x87_set(c, 0, FX80_INDEFINITE);
        if (x87_empty(c, n)) x87_set(c, n, FX80_INDEFINITE);
    } else {
        x87_set_c1(c, false);
    }
    floatx80 a = x87_get(c, 0), b = x87_get(c, n);
    x87_set(c, 0, b);
    x87_set(c, n, a);
}

/* FFREE ST(i) (SDM Vol.2): tags ST(i) empty; TOP unchanged. FFREEP also pops. */
HANDLER(x87_ffree)
{
    x87_wait(c);
    x87_note(c, i);
    x87_set_ptag(c, x87_phys(c, i->rm & 7), TAG_EMPTY);
    x87_set_c1(c, false);
}

HANDLER(x87_ffreep)
{
    x87_wait(c);
    x87_note(c, i);
    x87_set_ptag(c, x87_phys(c, i->rm & 7), TAG_EMPTY);
    x87_pop(c);
    x87_set_c1(c, false);
}

/* FCMOVcc (SDM Vol.2): ST(0) = ST(i) when the EFLAGS condition holds. DA: B, E, BE, U;
 * DB: NB, NE, NBE, NU. */
HANDLER(x87_fcmov)
{
    x87_wait(c);
    x87_note(c, i);
    unsigned n = i->rm & 7, k = i->reg & 3;
    uint32_t f = flags_arith(c);
    bool cond;
    switch (k) {
    case 0: cond = f & FL_CF; break;
    case 1: cond = f & FL_ZF; break;
    case 2: cond = f & (FL_CF | FL_ZF); break;
    default: cond = f & FL_PF; break;
    }
    if (op_info[i->op].opc == 0xdb) cond = !cond;
    int st = x87_operands(c, i, 1u | 1u << n, 0);
    if (st != X87_OK) return;
    /* C1 is changed only by a stack underflow (SDM Vol.2 FCMOVcc "FPU Flags Affected"; measured
     * on Intel host, see tests/diff/FINDINGS.md F9) */
    if (cond) x87_set(c, 0, x87_get(c, n));
}

/* FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ (SDM Vol.2 FLD1/FLDL2T/...; Vol.1 8.3.8):
 * the irrational constants are rounded to 64 bits according to RC (no PE). Table: truncated
 * significand, and whether round-to-nearest rounds up. All are positive and inexact, so round-up
 * adds one ulp and round-down/toward-zero truncate. */
HANDLER(x87_fldconst)
{
    static const struct {
        uint64_t sig;
        uint16_t se;
        bool rn_up, exact;
    } k[7] = {
        {0x8000000000000000ull, 0x3fff, false, true},  /* 1.0 */
        {0xd49a784bcd1b8afeull, 0x4000, false, false}, /* log2(10) */
        {0xb8aa3b295c17f0bbull, 0x3fff, true, false},  /* log2(e) */
        {0xc90fdaa22168c234ull, 0x4000, true, false},  /* pi */
        {0x9a209a84fbcff798ull, 0x3ffd, true, false},  /* log10(2) */
        {0xb17217f7d1cf79abull, 0x3ffe, true, false},  /* ln(2) */
        {0, 0, false, true},                           /* +0.0 */
    };
    x87_wait(c);
    x87_note(c, i);
    unsigned n = i->rm & 7;
    floatx80 v = {k[n].sig, k[n].se};
    if (!k[n].exact) {
        unsigned rc = (c->fpu.fcw >> 10) & 3;
        if (rc == SF_RU || (rc == SF_RN && k[n].rn_up)) v.sig++;
    }
    x87_push_checked(c, i, v);
}
