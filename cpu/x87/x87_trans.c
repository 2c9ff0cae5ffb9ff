/* x87 FPU: transcendental instructions F2XM1, FYL2X, FYL2XP1, FPTAN, FPATAN, FSIN, FCOS, FSINCOS.
 * The values come from the soft-float library (cpu/fpu/sf_trans.c); see its README for accuracy.
 */
#include "cpu/x87/x87.h"

static const floatx80 one = {0x8000000000000000ull, 0x3fff};

/* F2XM1 (SDM Vol.2): ST(0) = 2^ST(0) - 1. */
HANDLER(x87_f2xm1)
{
    x87_wait(c);
    x87_note(c, i);
    if (x87_operands(c, i, 1, 0) != X87_OK) return;
    struct sf_status s = x87_status(c);
    floatx80 r = fx80_f2xm1(x87_get(c, 0), &s);
    x87_result(c, i, 0, r, &s);
}

/* FYL2X, FYL2XP1, FPATAN (SDM Vol.2): ST(1) = f(ST(0), ST(1)), then pop. */
static void binary_pop(struct cpu *c, const struct insn *i, unsigned which)
{
    x87_wait(c);
    x87_note(c, i);
    int st = x87_operands(c, i, 3, 1);
    if (st == X87_UNMASKED) return;
    if (st == X87_OK) {
        struct sf_status s = x87_status(c);
        floatx80 x = x87_get(c, 0), y = x87_get(c, 1), r;
        switch (which) {
        case 0: r = fx80_yl2x(x, y, &s); break;
        case 1: r = fx80_yl2xp1(x, y, &s); break;
        default: r = fx80_atan2(y, x, &s); break;
        }
        if (!x87_result(c, i, 1, r, &s)) return;
    }
    x87_pop(c);
}
HANDLER(x87_fyl2x) { binary_pop(c, i, 0); }
HANDLER(x87_fyl2xp1) { binary_pop(c, i, 1); }
HANDLER(x87_fpatan) { binary_pop(c, i, 2); }

/* FSIN / FCOS (SDM Vol.2): C2 = 1 and ST(0) unchanged when |ST(0)| >= 2^63. */
static void sincos1(struct cpu *c, const struct insn *i, bool cosine)
{
    x87_wait(c);
    x87_note(c, i);
    int st = x87_operands(c, i, 1, 0);
    /* C2 is cleared on a stack underflow even with IE unmasked (measured on Intel host, see
     * tests/diff/FINDINGS.md F14) */
    c->fpu.fsw &= (uint16_t)~FSW_C2;
    if (st != X87_OK) return;
    struct sf_status s = x87_status(c);
    floatx80 r;
    bool ok = cosine ? fx80_cos(x87_get(c, 0), &r, &s) : fx80_sin(x87_get(c, 0), &r, &s);
    if (!ok) {
        c->fpu.fsw |= FSW_C2;
        x87_set_c1(c, false);
        return;
    }
    x87_result(c, i, 0, r, &s);
}
HANDLER(x87_fsin) { sincos1(c, i, false); }
HANDLER(x87_fcos) { sincos1(c, i, true); }

/* FPTAN (ST(0) = tan, push 1.0) and FSINCOS (ST(0) = sin, push cos) (SDM Vol.2): both need ST(7)
 * empty; out-of-range operands set C2 and change nothing else. */
static void push_pair(struct cpu *c, const struct insn *i, bool tan)
{
    x87_wait(c);
    x87_note(c, i);
    /* An empty ST(0) is an underflow (C1 = 0) even when ST(7) is also full, and C2 is cleared
     * whether IE is masked or not (measured on Intel host, see tests/diff/FINDINGS.md F10). */
    int st = x87_operands(c, i, 1, 0);
    if (st != X87_OK) c->fpu.fsw &= (uint16_t)~FSW_C2;
    if (st == X87_UNMASKED) return;
    if (st == X87_MASKED) {
        x87_push(c, FX80_INDEFINITE);
        return;
    }
    if (!x87_empty(c, 7)) {
        /* stack overflow: C2 cleared also when IE is unmasked (measured on Intel host) */
        c->fpu.fsw &= (uint16_t)~FSW_C2;
        if (!x87_stack_fault(c, i, true)) return;
        x87_set(c, 0, FX80_INDEFINITE);
        x87_push(c, FX80_INDEFINITE);
        return;
    }
    c->fpu.fsw &= (uint16_t)~FSW_C2;
    struct sf_status s = x87_status(c);
    floatx80 a = x87_get(c, 0), r0, r1 = one;
    bool ok = tan ? fx80_tan(a, &r0, &s) : fx80_sincos(a, &r0, &r1, &s);
    if (!ok) {
        c->fpu.fsw |= FSW_C2;
        x87_set_c1(c, false);
        return;
    }
    if (!x87_result(c, i, 0, r0, &s)) return;
    /* FPTAN of a NaN pushes the NaN instead of 1.0 */
    if (tan && fx80_is_nan(r0)) r1 = r0;
    x87_push(c, r1);
}
HANDLER(x87_fptan) { push_pair(c, i, true); }
HANDLER(x87_fsincos) { push_pair(c, i, false); }
