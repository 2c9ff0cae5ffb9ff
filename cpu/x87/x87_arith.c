/* x87 FPU: basic arithmetic (FADD/FSUB/FSUBR/FMUL/FDIV/FDIVR in every form), comparisons
 * (FCOM/FUCOM/FICOM/FCOMI/FUCOMI and popping forms), FTST, FXAM, FCHS, FABS, FSQRT, FRNDINT,
 * FSCALE, FXTRACT, FPREM, FPREM1. Results come from the soft-float library (cpu/fpu).
 */
#include "cpu/x87/x87.h"

/* The ModRM.reg operation of D8/DC/DA/DE (SDM Vol.2 Appendix A.4.2): 0 ADD, 1 MUL, 2 COM,
 * 3 COMP, 4 SUB (x - y), 5 SUBR (y - x), 6 DIV (x / y), 7 DIVR (y / x). */
static floatx80 arith(unsigned k, floatx80 x, floatx80 y, struct sf_status *s)
{
    switch (k) {
    case 0: return fx80_add(x, y, s);
    case 1: return fx80_mul(x, y, s);
    case 4: return fx80_sub(x, y, s);
    case 5: return fx80_sub(y, x, s);
    case 6: return fx80_div(x, y, s);
    default: return fx80_div(y, x, s);
    }
}

/* Condition codes of a comparison (SDM Vol.2 FCOM table 3-21): > 000, < 001, = 100, unordered 111
 * (C3 C2 C0); C1 cleared. */
static unsigned rel_cc(enum sf_relation r)
{
    switch (r) {
    case SF_LESS: return FSW_C0;
    case SF_EQUAL: return FSW_C3;
    case SF_GREATER: return 0;
    default: return FSW_C3 | FSW_C2 | FSW_C0;
    }
}

static void pops(struct cpu *c, unsigned n)
{
    while (n--) x87_pop(c);
}

/* FCOM-style completion: condition codes, then pops. Intel processors set the condition codes
 * (unordered for NaN operands) even when IE is unmasked; an unmasked IE or DE leaves TOP unchanged
 * (SDM Vol.1 8.5.1.2, 8.5.2). */
static void compare_done(struct cpu *c, const struct insn *i, enum sf_relation r, unsigned flags,
                         unsigned npop)
{
    x87_set_cc(c, rel_cc(r));
    if (x87_flags(c, i, flags) & (FSW_IE | FSW_DE)) return;
    pops(c, npop);
}

/* Memory-operand arithmetic and compare: ST(0) = ST(0) op y (D8, DC, DA, DE memory forms). y is
 * the converted operand, s holds the conversion's flags (SNaN -> IE, denormal -> DE). */
static void arith_mem(struct cpu *c, const struct insn *i, floatx80 y, struct sf_status *s)
{
    unsigned k = i->reg & 7;
    bool cmp = k == 2 || k == 3;
    int st = x87_operands(c, i, 1, cmp ? -1 : 0);
    if (st != X87_OK) {
        if (cmp) x87_set_cc(c, FSW_C3 | FSW_C2 | FSW_C0); /* set even when IE is unmasked */
        if (cmp && st == X87_MASKED) pops(c, k == 3);
        return;
    }
    /* A denormal memory operand is normal once widened, so DE from the conversion is merged here
     * with the exception priorities of SDM Vol.1 4.9.2: not reported with a NaN operand or when
     * IE or ZE occurs; when unmasked it stops the operation. */
    floatx80 x = x87_get(c, 0);
    unsigned de = s->flags & FSW_DE;
    s->flags &= (uint8_t)~FSW_DE;
    if (fx80_is_nan(x) || fx80_is_unsupported(x)) de = 0;
    struct sf_status s0 = *s;
    enum sf_relation rel = SF_UNORDERED;
    floatx80 r = {0, 0};
    if (cmp) rel = fx80_compare(x, y, false, s);
    else r = arith(k, x, y, s);
    if (s->flags & (FSW_IE | FSW_ZE)) de = 0;
    if (de && x87_unmasked(c, FSW_DE)) {
        /* unmasked DE: only DE is reported and nothing else changes */
        *s = s0;
        s->flags |= FSW_DE;
        x87_set_c1(c, false);
        if (cmp) x87_set_cc(c, rel_cc(rel));
        x87_flags(c, i, s->flags);
        return;
    }
    s->flags |= (uint8_t)de;
    if (cmp) compare_done(c, i, rel, s->flags, k == 3);
    else x87_result(c, i, 0, r, s);
}

/* Memory operands of arithmetic: a NaN is widened without quieting, so that the arithmetic sees
 * the signalling NaN (IE) and picks the NaN with the larger significand as Intel hardware does
 * (SDM Vol.1 4.8.3.5, table 4-7). Other values convert exactly (denormal -> DE). */
static floatx80 widen_f32(uint32_t v, struct sf_status *s)
{
    if ((v & 0x7f800000u) == 0x7f800000u && (v & 0x7fffff)) {
        floatx80 r = {1ull << 63 | (uint64_t)(v & 0x7fffff) << 40, (uint16_t)((v >> 16 & 0x8000) | 0x7fff)};
        return r;
    }
    return fx80_from_f32(v, s);
}

static floatx80 widen_f64(uint64_t v, struct sf_status *s)
{
    if ((v & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (v & 0xfffffffffffffull)) {
        floatx80 r = {1ull << 63 | (v & 0xfffffffffffffull) << 11, (uint16_t)((v >> 48 & 0x8000) | 0x7fff)};
        return r;
    }
    return fx80_from_f64(v, s);
}

HANDLER(x87_arith_m32) /* D8 /n: m32fp */
{
    x87_wait(c);
    uint64_t off = ea(c, i);
    uint32_t v = rd32(c, i->seg, off);
    x87_note_mem(c, i, off);
    struct sf_status s = x87_status(c);
    arith_mem(c, i, widen_f32(v, &s), &s);
}

HANDLER(x87_arith_m64) /* DC /n: m64fp */
{
    x87_wait(c);
    uint64_t off = ea(c, i);
    uint64_t v = rd64(c, i->seg, off);
    x87_note_mem(c, i, off);
    struct sf_status s = x87_status(c);
    arith_mem(c, i, widen_f64(v, &s), &s);
}

HANDLER(x87_arith_mi32) /* DA /n: m32int */
{
    x87_wait(c);
    uint64_t off = ea(c, i);
    uint32_t v = rd32(c, i->seg, off);
    x87_note_mem(c, i, off);
    struct sf_status s = x87_status(c);
    arith_mem(c, i, fx80_from_i32((int32_t)v, &s), &s);
}

HANDLER(x87_arith_mi16) /* DE /n: m16int */
{
    x87_wait(c);
    uint64_t off = ea(c, i);
    uint16_t v = rd16(c, i->seg, off);
    x87_note_mem(c, i, off);
    struct sf_status s = x87_status(c);
    arith_mem(c, i, fx80_from_i16((int16_t)v, &s), &s);
}

/* Register forms. D8: ST(0) = ST(0) op ST(i). DC: ST(i) = ST(i) op ST(0) with SUB/SUBR and
 * DIV/DIVR exchanged in the encoding (SDM Vol.2 FSUB, FSUBR, FDIV, FDIVR). DE: DC then pop. */
static void arith_reg(struct cpu *c, const struct insn *i, bool to_sti, bool pop)
{
    x87_wait(c);
    x87_note(c, i);
    unsigned k = i->reg & 7, n = i->rm & 7;
    if (to_sti && k >= 4) k ^= 1;
    unsigned d = to_sti ? n : 0;
    int st = x87_operands(c, i, 1u | 1u << n, (int)d);
    if (st == X87_UNMASKED) return;
    if (st == X87_OK) {
        struct sf_status s = x87_status(c);
        floatx80 r = arith(k, x87_get(c, d), x87_get(c, d == 0 ? n : 0), &s);
        if (!x87_result(c, i, d, r, &s)) return;
    }
    if (pop) x87_pop(c);
}

HANDLER(x87_arith_st0) { arith_reg(c, i, false, false); }
HANDLER(x87_arith_sti) { arith_reg(c, i, true, false); }
HANDLER(x87_arith_stip) { arith_reg(c, i, true, true); }

/* FCOM/FCOMP/FCOMPP/FUCOM/FUCOMP/FUCOMPP with register operands (and the FCOM2/FCOMP3/FCOMP5
 * aliases). FUCOM raises IE only for SNaN/unsupported operands, FCOM for any NaN. */
HANDLER(x87_fcom_sti)
{
    x87_wait(c);
    x87_note(c, i);
    unsigned n = i->rm & 7, npop = 0;
    bool quiet = false;
    switch (i->op) {
    case OP_x87_fcomp_st0_sti: case OP_x87_fcomp3_sti_st0: case OP_x87_fcomp5: npop = 1; break;
    case OP_x87_fcompp: npop = 2; n = 1; break;
    case OP_x87_fucom: quiet = true; break;
    case OP_x87_fucomp: quiet = true; npop = 1; break;
    case OP_x87_fucompp: quiet = true; npop = 2; n = 1; break;
    default: break;
    }
    int st = x87_operands(c, i, 1u | 1u << n, -1);
    if (st != X87_OK) {
        x87_set_cc(c, FSW_C3 | FSW_C2 | FSW_C0); /* set even when IE is unmasked */
        if (st == X87_MASKED) pops(c, npop);
        return;
    }
    struct sf_status s = x87_status(c);
    enum sf_relation r = fx80_compare(x87_get(c, 0), x87_get(c, n), quiet, &s);
    compare_done(c, i, r, s.flags, npop);
}

/* FCOMI/FCOMIP/FUCOMI/FUCOMIP (SDM Vol.2 FCOMI): ZF, PF, CF from the comparison (unordered 111),
 * OF, SF, AF cleared. */
HANDLER(x87_fcomi)
{
    x87_wait(c);
    x87_note(c, i);
    unsigned n = i->rm & 7;
    bool quiet = i->op == OP_x87_fucomi || i->op == OP_x87_fucomip;
    bool pop = i->op == OP_x87_fcomip || i->op == OP_x87_fucomip;
    static const uint32_t fl[4] = {[SF_LESS] = FL_CF, [SF_EQUAL] = FL_ZF, [SF_GREATER] = 0,
                                   [SF_UNORDERED] = FL_ZF | FL_PF | FL_CF};
    int st = x87_operands(c, i, 1u | 1u << n, -1);
    if (st != X87_OK) {
        set_arith_flags(c, fl[SF_UNORDERED]);
        if (st == X87_MASKED && pop) x87_pop(c);
        return;
    }
    struct sf_status s = x87_status(c);
    enum sf_relation r = fx80_compare(x87_get(c, 0), x87_get(c, n), quiet, &s);
    /* C1 is left unchanged unless the stack underflows (measured on Intel host, see
     * tests/diff/FINDINGS.md F9; SDM Vol.2 FCOMI lists C1 "set to 0" but the host keeps it) */
    set_arith_flags(c, fl[r]); /* written even with IE unmasked, as Intel processors do */
    if (x87_flags(c, i, s.flags) & (FSW_IE | FSW_DE)) return;
    if (pop) x87_pop(c);
}

/* FTST (SDM Vol.2): compares ST(0) with 0.0 like FCOM. */
HANDLER(x87_ftst)
{
    x87_wait(c);
    x87_note(c, i);
    if (x87_operands(c, i, 1, -1) != X87_OK) {
        x87_set_cc(c, FSW_C3 | FSW_C2 | FSW_C0);
        return;
    }
    struct sf_status s = x87_status(c);
    floatx80 zero = {0, 0};
    enum sf_relation r = fx80_compare(x87_get(c, 0), zero, false, &s);
    compare_done(c, i, r, s.flags, 0);
}

/* FXAM (SDM Vol.2 table 3-?? "FXAM results"): C3 C2 C0 class, C1 sign. An empty register reports
 * 101 (C3 and C0) with C1 the sign bit of its contents. Never raises x87 exceptions. */
HANDLER(x87_fxam)
{
    x87_wait(c);
    x87_note(c, i);
    floatx80 v = x87_get(c, 0);
    unsigned cls = x87_empty(c, 0) ? SF_FXAM_EMPTY : fx80_classify(v);
    unsigned cc = ((cls & 8) ? FSW_C3 : 0) | ((cls & 4) ? FSW_C2 : 0) | ((cls & 1) ? FSW_C0 : 0);
    if (v.se & 0x8000) cc |= FSW_C1;
    x87_set_cc(c, cc);
}

/* FCHS / FABS (SDM Vol.2): sign manipulation only, no exceptions besides stack underflow; C1 = 0. */
static void sign_op(struct cpu *c, const struct insn *i, bool abs)
{
    x87_wait(c);
    x87_note(c, i);
    int st = x87_operands(c, i, 1, 0);
    if (st != X87_OK) return;
    floatx80 v = x87_get(c, 0);
    v.se = abs ? (uint16_t)(v.se & 0x7fff) : (uint16_t)(v.se ^ 0x8000);
    x87_set(c, 0, v);
    x87_set_c1(c, false);
}
HANDLER(x87_fchs) { sign_op(c, i, false); }
HANDLER(x87_fabs) { sign_op(c, i, true); }

/* One-operand ST(0) = f(ST(0)) operations: FSQRT, FRNDINT. */
HANDLER(x87_fsqrt)
{
    x87_wait(c);
    x87_note(c, i);
    if (x87_operands(c, i, 1, 0) != X87_OK) return;
    struct sf_status s = x87_status(c);
    floatx80 r = fx80_sqrt(x87_get(c, 0), &s);
    x87_result(c, i, 0, r, &s);
}

HANDLER(x87_frndint)
{
    x87_wait(c);
    x87_note(c, i);
    if (x87_operands(c, i, 1, 0) != X87_OK) return;
    struct sf_status s = x87_status(c);
    floatx80 r = fx80_round_to_int(x87_get(c, 0), &s);
    x87_result(c, i, 0, r, &s);
}

/* FSCALE (SDM Vol.2): ST(0) = ST(0) * 2^trunc(ST(1)). */
HANDLER(x87_fscale)
{
    x87_wait(c);
    x87_note(c, i);
    if (x87_operands(c, i, 3, 0) != X87_OK) return;
    struct sf_status s = x87_status(c);
    floatx80 r = fx80_scale(x87_get(c, 0), x87_get(c, 1), &s);
    x87_result(c, i, 0, r, &s);
}

/* FXTRACT (SDM Vol.2): ST(0) = exponent, then push the significand. Needs ST(7) empty. */
HANDLER(x87_fxtract)
{
    x87_wait(c);
    x87_note(c, i);
    /* an empty ST(0) is an underflow (C1 = 0) even when ST(7) is also full (measured on Intel
     * host, see tests/diff/FINDINGS.md F10); the masked response is the same in both cases */
    int st = x87_operands(c, i, 1, 0);
    if (st == X87_UNMASKED) return;
    if (st == X87_MASKED) {
        x87_push(c, FX80_INDEFINITE);
        return;
    }
    if (!x87_empty(c, 7)) {
        /* stack overflow: masked response replaces ST(0) and pushes the indefinite */
        if (!x87_stack_fault(c, i, true)) return;
        x87_set(c, 0, FX80_INDEFINITE);
        x87_push(c, FX80_INDEFINITE);
        return;
    }
    struct sf_status s = x87_status(c);
    floatx80 e, m;
    fx80_extract(x87_get(c, 0), &e, &m, &s);
    if (!x87_result(c, i, 0, e, &s)) return;
    x87_push(c, m);
}

/* FPREM / FPREM1 (SDM Vol.2): partial remainder of ST(0) / ST(1). C2 = 1 when incomplete;
 * otherwise C0, C3, C1 = quotient bits Q2, Q1, Q0. */
static void prem(struct cpu *c, const struct insn *i, bool ieee)
{
    x87_wait(c);
    x87_note(c, i);
    int st = x87_operands(c, i, 3, 0);
    if (st != X87_OK) {
        /* stack underflow, masked or not: C1 and C2 cleared, C0 and C3 unchanged (measured on
         * Intel host, see tests/diff/FINDINGS.md F11) */
        c->fpu.fsw &= (uint16_t)~(FSW_C1 | FSW_C2);
        return;
    }
    struct sf_status s = x87_status(c);
    unsigned q = 0;
    bool inc = false;
    floatx80 r = fx80_rem(x87_get(c, 0), x87_get(c, 1), ieee, &q, &inc, &s);
    if (x87_flags(c, i, s.flags) & (FSW_IE | FSW_DE | FSW_ZE)) {
        c->fpu.fsw &= (uint16_t)~(FSW_C1 | FSW_C2);
        return;
    }
    x87_set(c, 0, r);
    if (fx80_is_nan(r)) {
        /* invalid or NaN operands: C1 and C2 cleared, C0 and C3 kept (Intel behaviour) */
        c->fpu.fsw &= (uint16_t)~(FSW_C1 | FSW_C2);
        return;
    }
    unsigned cc = 0;
    if (inc) cc = FSW_C2;
    else cc = ((q & 4) ? FSW_C0 : 0) | ((q & 2) ? FSW_C3 : 0) | ((q & 1) ? FSW_C1 : 0);
    x87_set_cc(c, cc);
}
HANDLER(x87_fprem) { prem(c, i, false); }
HANDLER(x87_fprem1) { prem(c, i, true); }
