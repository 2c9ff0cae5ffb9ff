/*
 * Unit tests for cpu/fpu (software floating point).
 *
 * On x86-64 hosts every operation is compared against the host's own x87 and
 * SSE hardware (inline asm) for many random and edge-case operands in every
 * rounding mode / precision / DAZ / FTZ / exception-mask setting: result bits
 * and exception flags must match exactly (transcendentals: within 1 ulp, only
 * IE/ZE compared).  On other hosts only the fixed known-answer tables run.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* sigaction, ucontext (x86-64 unmasked-SSE tests) */
#endif
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cpu/fpu/softfloat.h"

/* ------------------------------------------------------------- helpers -- */

static bool x80_eq(floatx80 a, floatx80 b)
{
    return a.sig == b.sig && a.se == b.se;
}

static struct sf_status mkst(int rc, int pc, int masks, bool daz, bool ftz)
{
    struct sf_status s;
    memset(&s, 0, sizeof s);
    s.round = (uint8_t)rc;
    s.prec = (uint8_t)pc;
    s.masks = (uint8_t)masks;
    s.daz = daz;
    s.ftz = ftz;
    return s;
}

/* ------------------------------------------------------ known answers -- */

START_TEST(test_known_answers)
{
    struct sf_status s = mkst(SF_RN, SF_P64, SF_ALL, false, false);
    /* float32 basics */
    ck_assert_uint_eq(f32_add(0x3f800000, 0x40000000, &s), 0x40400000);
    ck_assert_uint_eq(s.flags, 0);
    ck_assert_uint_eq(f32_div(0x3f800000, 0x40400000, &s), 0x3eaaaaab);
    ck_assert_uint_eq(s.flags, SF_PE);
    s.flags = 0;
    ck_assert_uint_eq(f32_sub(0x7f800000, 0x7f800000, &s), F32_INDEFINITE);
    ck_assert_uint_eq(s.flags, SF_IE);
    s.flags = 0;
    /* SSE NaN rule: first source, quieted */
    ck_assert_uint_eq(f32_add(0x7f800001, 0xffc00005, &s), 0x7fc00001);
    ck_assert_uint_eq(s.flags, SF_IE);
    s.flags = 0;
    /* MINSS returns the second operand for NaNs and zeros */
    ck_assert_uint_eq(f32_min(0x7fc00000, 0x3f800000, &s), 0x3f800000);
    ck_assert_uint_eq(f32_min(0x00000000, 0x80000000, &s), 0x80000000);
    ck_assert_uint_eq(f32_max(0x80000000, 0x00000000, &s), 0x00000000);
    s.flags = 0;
    /* underflow: tiny and inexact */
    ck_assert_uint_eq(f32_mul(0x00800000, 0x3f000001, &s), 0x00400000);
    ck_assert_uint_eq(s.flags, SF_UE | SF_PE);
    s.flags = 0;
    /* tininess after rounding: (2^-126)(1 - 2^-25) rounds up to the min normal, no UE */
    ck_assert_uint_eq(f32_mul(0x00ffffff, 0x3f000000 | 0x1, &s), 0x00800000);
    ck_assert_uint_eq(s.flags, SF_PE);
    s.flags = 0;
    /* integer conversions */
    ck_assert_int_eq(f32_to_i32(0x4f000000, &s), INT32_MIN);
    ck_assert_uint_eq(s.flags, SF_IE);
    s.flags = 0;
    ck_assert_int_eq(f64_to_i32_trunc(0xc1e0000000000000ULL, &s), INT32_MIN);
    ck_assert_uint_eq(s.flags, 0);
    ck_assert_int_eq(f64_to_i64(0x3fe8000000000000ULL, &s), 1); /* 0.75 */
    ck_assert_uint_eq(s.flags, SF_PE);
    s.flags = 0;
    ck_assert_uint_eq(f64_sqrt(0x4000000000000000ULL, &s), 0x3ff6a09e667f3bcdULL);

    /* x87 */
    floatx80 one = { 0x8000000000000000ULL, 0x3fff }, three = { 0xc000000000000000ULL, 0x4000 };
    floatx80 r = fx80_div(one, three, &s);
    ck_assert_uint_eq(r.se, 0x3ffd);
    ck_assert_uint_eq(r.sig, 0xaaaaaaaaaaaaaaabULL);
    ck_assert(s.c1);
    s.prec = SF_P24;
    r = fx80_div(one, three, &s);
    ck_assert_uint_eq(r.sig, 0xaaaaab0000000000ULL);
    s.prec = SF_P64;
    s.flags = 0;
    floatx80 unnormal = { 0x4000000000000000ULL, 0x4000 };
    r = fx80_add(one, unnormal, &s);
    ck_assert(x80_eq(r, FX80_INDEFINITE));
    ck_assert_uint_eq(s.flags, SF_IE);
    ck_assert_int_eq(fx80_classify(unnormal), SF_FXAM_UNSUPPORTED);
    s.flags = 0;
    unsigned q;
    bool inc;
    floatx80 ten = { 0xa000000000000000ULL, 0x4002 };
    r = fx80_rem(ten, three, false, &q, &inc, &s); /* 10 rem 3 = 1, q = 3 */
    ck_assert(x80_eq(r, one));
    ck_assert_uint_eq(q, 3);
    ck_assert(!inc);
    r = fx80_rem(ten, three, true, &q, &inc, &s); /* 10 rem1 3 = 1 */
    ck_assert(x80_eq(r, one));
    ck_assert_int_eq(fx80_to_i16(ten, &s), 10);
    ck_assert_int_eq(fx80_to_i16(fx80_from_i32(40000, &s), &s), INT16_MIN);
    ck_assert_uint_eq(s.flags, SF_IE);
    /* unmasked overflow: bias-adjusted result */
    s = mkst(SF_RN, SF_P64, SF_ALL & ~SF_OE, false, false);
    floatx80 big = { 0x8000000000000000ULL, 0x7ffe };
    r = fx80_mul(big, big, &s);
    ck_assert_uint_eq(r.se, 0x7ffe + 0x7ffe - 0x3fff - 24576);
    ck_assert_uint_eq(s.flags, SF_OE);
    /* transcendentals */
    s = mkst(SF_RN, SF_P64, SF_ALL, false, false);
    floatx80 half = { 0x8000000000000000ULL, 0x3ffe };
    r = fx80_f2xm1(one, &s);
    ck_assert(x80_eq(r, one));
    r = fx80_yl2x(half, one, &s); /* 1 * log2(0.5) = -1 */
    ck_assert_uint_eq(r.se, 0xbfff);
    ck_assert_uint_eq(r.sig, 0x8000000000000000ULL);
    floatx80 big63 = { 0x8000000000000000ULL, 0x3fff + 63 };
    ck_assert(!fx80_sin(big63, &r, &s));
}
END_TEST

/* ---------------------------------------------- recorded hardware vectors -- */

/* Vectors recorded from x86-64 hardware (Intel Xeon, via the differential
 * harness below with TURTLES_SF_GEN_KAT=1); they run on every host. */
struct kat {
    uint8_t op;       /* KAT_* */
    uint8_t rc, pc;   /* rounding / x87 precision control */
    uint8_t masks;    /* x87 masks; SSE: bit0 daz, bit1 ftz (all exceptions masked) */
    uint16_t ase, bse, rse;
    uint64_t a, b, r; /* SSE: raw bits in a/b/r; x87: significands */
    uint8_t flags;
    uint8_t c1;       /* x87 C1, or FPREM quotient bits << 1 | incomplete << 4 */
};

enum {
    KAT_F32_ADD, KAT_F32_SUB, KAT_F32_MUL, KAT_F32_DIV, KAT_F32_SQRT, KAT_F32_MIN, KAT_F32_MAX,
    KAT_F64_ADD, KAT_F64_SUB, KAT_F64_MUL, KAT_F64_DIV, KAT_F64_SQRT, KAT_F64_MIN, KAT_F64_MAX,
    KAT_X_ADD, KAT_X_SUB, KAT_X_MUL, KAT_X_DIV, KAT_X_SQRT, KAT_X_PREM, KAT_X_PREM1,
    KAT_X_RNDINT, KAT_X_SCALE, KAT_N
};

static const struct kat kat_table[] = {
    { 0, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xb7c86c6bULL, 0xff80153aULL, 0xffc0153aULL, 0x01, 0x00 },
    { 0, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x7f800000ULL, 0xff7ffffeULL, 0x7f800000ULL, 0x00, 0x00 },
    { 0, 0, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x5205f307ULL, 0x99125109ULL, 0x5205f307ULL, 0x20, 0x00 },
    { 0, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xecfd7f98ULL, 0xfea86a8bULL, 0xfea86a8bULL, 0x20, 0x00 },
    { 0, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x367af000ULL, 0x367af000ULL, 0x36faf000ULL, 0x00, 0x00 },
    { 0, 0, 0, 0x02, 0x0000, 0x0000, 0x0000, 0xbe0d2e3eULL, 0xbe0d2e3eULL, 0xbe8d2e3eULL, 0x00, 0x00 },
    { 0, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x63feb201ULL, 0xd3b7327fULL, 0x63feb201ULL, 0x20, 0x00 },
    { 0, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xfe54a487ULL, 0x39a8f5dcULL, 0xfe54a487ULL, 0x20, 0x00 },
    { 0, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x80000001ULL, 0xae3ff507ULL, 0xae3ff507ULL, 0x22, 0x00 },
    { 0, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x4bdb34f8ULL, 0xc9170e8dULL, 0x4bd67c83ULL, 0x20, 0x00 },
    { 0, 3, 0, 0x03, 0x0000, 0x0000, 0x0000, 0x322e6bfcULL, 0x344e29d9ULL, 0x34591098ULL, 0x20, 0x00 },
    { 0, 0, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x4805a7ULL, 0x4805a7ULL, 0x900b4eULL, 0x02, 0x00 },
    { 0, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xb15507ffULL, 0x315507ffULL, 0x0ULL, 0x00, 0x00 },
    { 0, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x4cc3c2afULL, 0x452d26ccULL, 0x4cc3c409ULL, 0x20, 0x00 },
    { 0, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x34608e9dULL, 0x2affffffULL, 0x34608ebcULL, 0x20, 0x00 },
    { 0, 1, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x307a8ad2ULL, 0x25f4b013ULL, 0x307a8ad9ULL, 0x20, 0x00 },
    { 0, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x7f9e02c7ULL, 0xff9e02c7ULL, 0x7fde02c7ULL, 0x01, 0x00 },
    { 0, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x804449c1ULL, 0x2ae35dcULL, 0x2a9f140ULL, 0x22, 0x00 },
    { 0, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x4f000000ULL, 0xeac2f4ffULL, 0xeac2f4feULL, 0x20, 0x00 },
    { 0, 1, 0, 0x02, 0x0000, 0x0000, 0x0000, 0xce5db424ULL, 0x4e5db426ULL, 0x43000000ULL, 0x00, 0x00 },
    { 0, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x385e94fULL, 0xfa9e3314ULL, 0xfa9e3314ULL, 0x20, 0x00 },
    { 0, 0, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x7fa74fffULL, 0x804399f0ULL, 0x7fe74fffULL, 0x01, 0x00 },
    { 0, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x7e272369ULL, 0x48858b4dULL, 0x7e272369ULL, 0x20, 0x00 },
    { 0, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xc3d00000ULL, 0x7f97bdc0ULL, 0x7fd7bdc0ULL, 0x01, 0x00 },
    { 1, 2, 0, 0x02, 0x0000, 0x0000, 0x0000, 0xb7fece00ULL, 0xb7fecdfdULL, 0xacc00000ULL, 0x00, 0x00 },
    { 1, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xffbc75d7ULL, 0xb09f64d3ULL, 0xfffc75d7ULL, 0x01, 0x00 },
    { 1, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x3fc00000ULL, 0x3edc55aULL, 0x3fc00000ULL, 0x20, 0x00 },
    { 1, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xc72625bdULL, 0x30422c7bULL, 0xc72625bdULL, 0x20, 0x00 },
    { 1, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xeb15e8c9ULL, 0xeb15e8c9ULL, 0x0ULL, 0x00, 0x00 },
    { 1, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xffed9455ULL, 0x7fed9455ULL, 0xffed9455ULL, 0x00, 0x00 },
    { 1, 2, 0, 0x03, 0x0000, 0x0000, 0x0000, 0xfe17cc8cULL, 0x8060c600ULL, 0xfe17cc8cULL, 0x00, 0x00 },
    { 1, 2, 0, 0x01, 0x0000, 0x0000, 0x0000, 0xff708328ULL, 0xff70832bULL, 0x74400000ULL, 0x00, 0x00 },
    { 1, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x805fffffULL, 0x5fffffULL, 0x80bffffeULL, 0x02, 0x00 },
    { 1, 0, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x65ed0dULL, 0x4bf536abULL, 0xcbf536abULL, 0x00, 0x00 },
    { 1, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xfed3ee5bULL, 0x82bfe61fULL, 0xfed3ee5aULL, 0x20, 0x00 },
    { 1, 2, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x400000ULL, 0x400002ULL, 0x80000000ULL, 0x32, 0x00 },
    { 1, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x4cc00000ULL, 0x33946c4dULL, 0x4cbfffffULL, 0x20, 0x00 },
    { 1, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xc61112b9ULL, 0x461112b9ULL, 0xc69112b9ULL, 0x00, 0x00 },
    { 1, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xffc8bae4ULL, 0xcf97e69eULL, 0xffc8bae4ULL, 0x00, 0x00 },
    { 1, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xad98edcbULL, 0xad98edcbULL, 0x80000000ULL, 0x00, 0x00 },
    { 1, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x456cd7fULL, 0x456cd7fULL, 0x0ULL, 0x00, 0x00 },
    { 1, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x1adfffffULL, 0xca579fdcULL, 0x4a579fdcULL, 0x20, 0x00 },
    { 1, 0, 0, 0x03, 0x0000, 0x0000, 0x0000, 0x7fad97ffULL, 0x6490e0a0ULL, 0x7fed97ffULL, 0x01, 0x00 },
    { 1, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x6c790d7aULL, 0xf8800000ULL, 0x78800001ULL, 0x20, 0x00 },
    { 1, 0, 0, 0x02, 0x0000, 0x0000, 0x0000, 0xe975602cULL, 0x72210d64ULL, 0xf2210da1ULL, 0x20, 0x00 },
    { 1, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xcf000000ULL, 0x4efffffdULL, 0xcf7ffffeULL, 0x20, 0x00 },
    { 1, 1, 0, 0x01, 0x0000, 0x0000, 0x0000, 0xc37fc793ULL, 0xbc71087cULL, 0xc37fc3cfULL, 0x20, 0x00 },
    { 1, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xffdb3948ULL, 0x30c3f237ULL, 0xffdb3948ULL, 0x00, 0x00 },
    { 2, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xd2420000ULL, 0xcfaea4baULL, 0x628458d4ULL, 0x20, 0x00 },
    { 2, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xfda3ce23ULL, 0xfda3ce26ULL, 0x7f7fffffULL, 0x28, 0x00 },
    { 2, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x64fed48dULL, 0x46300000ULL, 0x6baf3221ULL, 0x20, 0x00 },
    { 2, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x1b868000ULL, 0x56eedb38ULL, 0x32fafc5aULL, 0x20, 0x00 },
    { 2, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x7fca97c9ULL, 0x7f607400ULL, 0x7fca97c9ULL, 0x00, 0x00 },
    { 2, 2, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x7fffffffULL, 0xcb3f4910ULL, 0x7fffffffULL, 0x00, 0x00 },
    { 2, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xb04378b5ULL, 0xb04378b8ULL, 0x2115411fULL, 0x20, 0x00 },
    { 2, 1, 0, 0x01, 0x0000, 0x0000, 0x0000, 0xa3903142ULL, 0x9a8f4a18ULL, 0xa16a7ULL, 0x30, 0x00 },
    { 2, 3, 0, 0x03, 0x0000, 0x0000, 0x0000, 0x80190b20ULL, 0x80190b20ULL, 0x0ULL, 0x00, 0x00 },
    { 2, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xafb219fbULL, 0x2fb219f8ULL, 0x9ff7d043ULL, 0x20, 0x00 },
    { 2, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xcb351068ULL, 0x4b351067ULL, 0xd7001033ULL, 0x20, 0x00 },
    { 2, 2, 0, 0x01, 0x0000, 0x0000, 0x0000, 0xb285805cULL, 0x3285805cULL, 0xa58b3d3fULL, 0x20, 0x00 },
    { 2, 3, 0, 0x02, 0x0000, 0x0000, 0x0000, 0xbc92f058ULL, 0xadeaf14bULL, 0x2b06da2fULL, 0x20, 0x00 },
    { 2, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xc29a9d34ULL, 0x7f2e0a39ULL, 0xff800000ULL, 0x28, 0x00 },
    { 2, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xb7159bdcULL, 0xb7159bdcULL, 0x2eaedd9aULL, 0x20, 0x00 },
    { 2, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x4cdde904ULL, 0xccdde904ULL, 0xda405c26ULL, 0x20, 0x00 },
    { 2, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x6ab5116aULL, 0x602e3013ULL, 0x7f800000ULL, 0x28, 0x00 },
    { 2, 2, 0, 0x03, 0x0000, 0x0000, 0x0000, 0x890fed9aULL, 0x890fed9aULL, 0x0ULL, 0x30, 0x00 },
    { 2, 1, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x69688c50ULL, 0xff800001ULL, 0xffc00001ULL, 0x01, 0x00 },
    { 2, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x7f800000ULL, 0xb6c43400ULL, 0xff800000ULL, 0x00, 0x00 },
    { 2, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x37b8c553ULL, 0xb7b8c552ULL, 0xb0055c3eULL, 0x20, 0x00 },
    { 2, 2, 0, 0x02, 0x0000, 0x0000, 0x0000, 0xb2543a76ULL, 0xb2543a76ULL, 0x252ff0e1ULL, 0x20, 0x00 },
    { 2, 0, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x420e25c3ULL, 0xc20e25c5ULL, 0xc49ddbd6ULL, 0x20, 0x00 },
    { 2, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xc5a6bfc1ULL, 0x8c94859aULL, 0x12c17bc4ULL, 0x20, 0x00 },
    { 3, 1, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x5f000000ULL, 0xfff2cf5cULL, 0xfff2cf5cULL, 0x00, 0x00 },
    { 3, 1, 0, 0x03, 0x0000, 0x0000, 0x0000, 0xdd070000ULL, 0xdd06ffffULL, 0x3f800000ULL, 0x20, 0x00 },
    { 3, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x44bdaad3ULL, 0xc3ac8ef9ULL, 0xc08cb0e0ULL, 0x20, 0x00 },
    { 3, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xbcea0349ULL, 0x3cea0346ULL, 0xbf800002ULL, 0x20, 0x00 },
    { 3, 1, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x7fbd7e44ULL, 0x7f800000ULL, 0x7ffd7e44ULL, 0x01, 0x00 },
    { 3, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x5d8eb6e6ULL, 0x9c09bd8bULL, 0xff800000ULL, 0x28, 0x00 },
    { 3, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xfe5ccb24ULL, 0x88c82a9dULL, 0x7f800000ULL, 0x28, 0x00 },
    { 3, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x52eb5056ULL, 0xd2eb5053ULL, 0xbf800001ULL, 0x20, 0x00 },
    { 3, 0, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x4b1e6eb0ULL, 0x3f9ded7cULL, 0x4b0068b8ULL, 0x20, 0x00 },
    { 3, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x4c401a9bULL, 0xff64e924ULL, 0x8c56d667ULL, 0x20, 0x00 },
    { 3, 3, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x495789eeULL, 0xca7fffffULL, 0xbe5789eeULL, 0x20, 0x00 },
    { 3, 2, 0, 0x02, 0x0000, 0x0000, 0x0000, 0xfd9bc3a6ULL, 0xbaeb53a3ULL, 0x7f800000ULL, 0x28, 0x00 },
    { 3, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x86bf3bf5ULL, 0x800000ULL, 0xc5bf3bf5ULL, 0x00, 0x00 },
    { 3, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xcfdf3131ULL, 0x2cf57099ULL, 0xe268cb8bULL, 0x20, 0x00 },
    { 3, 3, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x2f795aa3ULL, 0xaf795aa2ULL, 0xbf800000ULL, 0x20, 0x00 },
    { 3, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x4f77d4c4ULL, 0xcf77d4c4ULL, 0xbf800000ULL, 0x00, 0x00 },
    { 3, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xcf555617ULL, 0x2e74b2ULL, 0xff800000ULL, 0x2a, 0x00 },
    { 3, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xa6dedf9ULL, 0x42f4c51eULL, 0x6f8d883ULL, 0x20, 0x00 },
    { 3, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x804bbe6cULL, 0x3ef3ffffULL, 0x809ef01aULL, 0x22, 0x00 },
    { 3, 3, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x90d9b7ffULL, 0x10d9b7ffULL, 0xbf800000ULL, 0x00, 0x00 },
    { 3, 3, 0, 0x03, 0x0000, 0x0000, 0x0000, 0x80250ca7ULL, 0x80250ca4ULL, 0xffc00000ULL, 0x01, 0x00 },
    { 3, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x4755ebe9ULL, 0x1f200000ULL, 0x67ab2320ULL, 0x20, 0x00 },
    { 3, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xfe74382dULL, 0x50d1e400ULL, 0xed14ef64ULL, 0x20, 0x00 },
    { 3, 0, 0, 0x02, 0x0000, 0x0000, 0x0000, 0xffbfffffULL, 0xffbfffffULL, 0xffffffffULL, 0x01, 0x00 },
    { 4, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x338c257fULL, 0x422a5cf2ULL, 0x3985ef84ULL, 0x20, 0x00 },
    { 4, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x7fc00000ULL, 0x7fc00003ULL, 0x7fc00000ULL, 0x00, 0x00 },
    { 4, 3, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x970fa814ULL, 0x17967dfULL, 0xffc00000ULL, 0x01, 0x00 },
    { 4, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x40400000ULL, 0x804840a8ULL, 0x3fddb3d7ULL, 0x20, 0x00 },
    { 4, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x8140f255ULL, 0x8140f255ULL, 0xffc00000ULL, 0x01, 0x00 },
    { 4, 2, 0, 0x02, 0x0000, 0x0000, 0x0000, 0xffeb24a3ULL, 0xd2e1429fULL, 0xffeb24a3ULL, 0x00, 0x00 },
    { 4, 2, 0, 0x01, 0x0000, 0x0000, 0x0000, 0xaf48f800ULL, 0xaf48f7feULL, 0xffc00000ULL, 0x01, 0x00 },
    { 4, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x1918237ULL, 0x7f84015fULL, 0x2088794eULL, 0x20, 0x00 },
    { 4, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xc77e9800ULL, 0x2c0d044eULL, 0xffc00000ULL, 0x01, 0x00 },
    { 4, 1, 0, 0x03, 0x0000, 0x0000, 0x0000, 0xff95cab4ULL, 0xcfd9be00ULL, 0xffd5cab4ULL, 0x01, 0x00 },
    { 4, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x3f2b9f0ULL, 0x17fffffULL, 0x21b04390ULL, 0x20, 0x00 },
    { 4, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xb5234e5eULL, 0x7e63c1c7ULL, 0xffc00000ULL, 0x01, 0x00 },
    { 4, 2, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x4fede000ULL, 0x3cf122a7ULL, 0x47ae7e5aULL, 0x20, 0x00 },
    { 4, 3, 0, 0x01, 0x0000, 0x0000, 0x0000, 0xda5f3ea7ULL, 0x807ac31cULL, 0xffc00000ULL, 0x01, 0x00 },
    { 4, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x7ed3d2ULL, 0x399e65b1ULL, 0x1ffed321ULL, 0x22, 0x00 },
    { 4, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xb523879eULL, 0xf1b8a783ULL, 0xffc00000ULL, 0x01, 0x00 },
    { 4, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xba51df2bULL, 0xba51df2bULL, 0xffc00000ULL, 0x01, 0x00 },
    { 4, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x0ULL, 0x7f088ed7ULL, 0x0ULL, 0x00, 0x00 },
    { 4, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xb3d2db3eULL, 0xb3d2db40ULL, 0xffc00000ULL, 0x01, 0x00 },
    { 4, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x7ffa9b5cULL, 0x7d8d7380ULL, 0x7ffa9b5cULL, 0x00, 0x00 },
    { 4, 3, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x805a73c1ULL, 0x805a73c1ULL, 0x80000000ULL, 0x00, 0x00 },
    { 4, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x32699e40ULL, 0x7d94eacdULL, 0x38f48d9dULL, 0x20, 0x00 },
    { 4, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x3821bf80ULL, 0x802cb2b3ULL, 0x3bcb7d03ULL, 0x20, 0x00 },
    { 4, 2, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x31512170ULL, 0x3ef23516ULL, 0x386761b0ULL, 0x20, 0x00 },
    { 5, 1, 0, 0x03, 0x0000, 0x0000, 0x0000, 0xd292b46cULL, 0x47ffffULL, 0xd292b46cULL, 0x00, 0x00 },
    { 5, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xfe600000ULL, 0xff400000ULL, 0xff400000ULL, 0x00, 0x00 },
    { 5, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x7fd80000ULL, 0x463cf9c1ULL, 0x463cf9c1ULL, 0x01, 0x00 },
    { 5, 3, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x7f969e6dULL, 0x258b865aULL, 0x258b865aULL, 0x01, 0x00 },
    { 5, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xc44edb24ULL, 0x444edb23ULL, 0xc44edb24ULL, 0x00, 0x00 },
    { 5, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xbcfe7535ULL, 0x7bf44aaeULL, 0xbcfe7535ULL, 0x00, 0x00 },
    { 5, 1, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x806913e5ULL, 0x6913e5ULL, 0x806913e5ULL, 0x02, 0x00 },
    { 5, 3, 0, 0x02, 0x0000, 0x0000, 0x0000, 0xfd9cab8fULL, 0x7d9cab8eULL, 0xfd9cab8fULL, 0x00, 0x00 },
    { 5, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x8001a000ULL, 0x8216e3ccULL, 0x8216e3ccULL, 0x02, 0x00 },
    { 5, 2, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x7dd5738cULL, 0x7dd5738eULL, 0x7dd5738cULL, 0x00, 0x00 },
    { 5, 0, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x1055b5c6ULL, 0x9055b5c7ULL, 0x9055b5c7ULL, 0x00, 0x00 },
    { 5, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xba656bb6ULL, 0x765b6769ULL, 0xba656bb6ULL, 0x00, 0x00 },
    { 5, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x3dba8000ULL, 0xbdba8003ULL, 0xbdba8003ULL, 0x00, 0x00 },
    { 5, 0, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x7ecff572ULL, 0xfecff570ULL, 0xfecff570ULL, 0x00, 0x00 },
    { 5, 2, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x4effffffULL, 0xb8c83643ULL, 0xb8c83643ULL, 0x00, 0x00 },
    { 5, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x12057e38ULL, 0x12057e38ULL, 0x12057e38ULL, 0x00, 0x00 },
    { 5, 1, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x44f3db40ULL, 0x44f3db3eULL, 0x44f3db3eULL, 0x00, 0x00 },
    { 5, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xae96302dULL, 0xe6558000ULL, 0xe6558000ULL, 0x00, 0x00 },
    { 5, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x366bbd62ULL, 0xffc00000ULL, 0xffc00000ULL, 0x01, 0x00 },
    { 5, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x57faadULL, 0x57faadULL, 0x57faadULL, 0x02, 0x00 },
    { 5, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x4d0926a0ULL, 0xb22aa540ULL, 0xb22aa540ULL, 0x00, 0x00 },
    { 5, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xb73bc2dfULL, 0xf053ec61ULL, 0xf053ec61ULL, 0x00, 0x00 },
    { 5, 0, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x460771ffULL, 0xada68265ULL, 0xada68265ULL, 0x00, 0x00 },
    { 5, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x3143f7a0ULL, 0xce654b9bULL, 0xce654b9bULL, 0x00, 0x00 },
    { 6, 3, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x1815bf00ULL, 0xca9fffffULL, 0x1815bf00ULL, 0x00, 0x00 },
    { 6, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xd0468b87ULL, 0x50468b87ULL, 0x50468b87ULL, 0x00, 0x00 },
    { 6, 3, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x7f846284ULL, 0x7f67ffffULL, 0x7f67ffffULL, 0x01, 0x00 },
    { 6, 0, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x80302fd7ULL, 0x3b15fe69ULL, 0x3b15fe69ULL, 0x00, 0x00 },
    { 6, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x10fc60ULL, 0x10fc60ULL, 0x10fc60ULL, 0x02, 0x00 },
    { 6, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xffb9f92cULL, 0xd2f2cd05ULL, 0xd2f2cd05ULL, 0x01, 0x00 },
    { 6, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xffcf38f5ULL, 0x3133f660ULL, 0x3133f660ULL, 0x01, 0x00 },
    { 6, 2, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x3f810000ULL, 0xbf80fffeULL, 0x3f810000ULL, 0x00, 0x00 },
    { 6, 1, 0, 0x01, 0x0000, 0x0000, 0x0000, 0xb2c18025ULL, 0xb2c18025ULL, 0xb2c18025ULL, 0x00, 0x00 },
    { 6, 0, 0, 0x03, 0x0000, 0x0000, 0x0000, 0xabf47829ULL, 0x400000ULL, 0x0ULL, 0x00, 0x00 },
    { 6, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x7fffffffULL, 0xbf04762bULL, 0xbf04762bULL, 0x01, 0x00 },
    { 6, 2, 0, 0x01, 0x0000, 0x0000, 0x0000, 0xed8a6000ULL, 0xffbb21bcULL, 0xffbb21bcULL, 0x01, 0x00 },
    { 6, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x80615000ULL, 0x614ffeULL, 0x614ffeULL, 0x02, 0x00 },
    { 6, 2, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x2f9605eaULL, 0xb1800000ULL, 0x2f9605eaULL, 0x00, 0x00 },
    { 6, 0, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x54ffffffULL, 0xd4fffffcULL, 0x54ffffffULL, 0x00, 0x00 },
    { 6, 2, 0, 0x01, 0x0000, 0x0000, 0x0000, 0xcd864a5cULL, 0x80787dc2ULL, 0x80000000ULL, 0x00, 0x00 },
    { 6, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x7ffb6747ULL, 0xe819f4faULL, 0xe819f4faULL, 0x01, 0x00 },
    { 6, 1, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x3b5336d2ULL, 0xbb5336cfULL, 0x3b5336d2ULL, 0x00, 0x00 },
    { 6, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xceb66f00ULL, 0xb1627e73ULL, 0xb1627e73ULL, 0x00, 0x00 },
    { 6, 2, 0, 0x01, 0x0000, 0x0000, 0x0000, 0xffb7c990ULL, 0xffb7c98dULL, 0xffb7c98dULL, 0x01, 0x00 },
    { 6, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x895931eeULL, 0x3b1190daULL, 0x3b1190daULL, 0x00, 0x00 },
    { 6, 1, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x2aa57be3ULL, 0x36000000ULL, 0x36000000ULL, 0x00, 0x00 },
    { 6, 1, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x710db2ULL, 0x7fda1fffULL, 0x7fda1fffULL, 0x01, 0x00 },
    { 6, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x7ea12b8aULL, 0xfea12b8dULL, 0x7ea12b8aULL, 0x00, 0x00 },
    { 7, 2, 0, 0x02, 0x0000, 0x0000, 0x0000, 0xa6eaba61d450ab7cULL, 0x26eaba61d450ab7cULL, 0x0ULL, 0x00, 0x00 },
    { 7, 1, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x7ff8814b7d50d46eULL, 0xffe703cfefccc3f3ULL, 0x7ff8814b7d50d46eULL, 0x00, 0x00 },
    { 7, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x33448d613c9ea527ULL, 0xb3448d613c9ea527ULL, 0x8000000000000000ULL, 0x00, 0x00 },
    { 7, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xfffbf7e5f7c14800ULL, 0x41acf21c00000000ULL, 0xfffbf7e5f7c14800ULL, 0x00, 0x00 },
    { 7, 0, 0, 0x03, 0x0000, 0x0000, 0x0000, 0xc041d2d1cc59dcd4ULL, 0x3dad664f4acad3caULL, 0xc041d2d1cc59d57aULL, 0x20, 0x00 },
    { 7, 0, 0, 0x02, 0x0000, 0x0000, 0x0000, 0xd677473f17272dc8ULL, 0xc1e0000000000000ULL, 0xd677473f17272dc8ULL, 0x20, 0x00 },
    { 7, 3, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x94ae537baf1d6ULL, 0x94ae537baf1d6ULL, 0x1295ca6f75e3acULL, 0x02, 0x00 },
    { 7, 1, 0, 0x01, 0x0000, 0x0000, 0x0000, 0xffdf40dc2affffffULL, 0xffdf40dc2affffffULL, 0xffef40dc2affffffULL, 0x00, 0x00 },
    { 7, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x4173ddffffffffffULL, 0x7ff7ffffffffffffULL, 0x7fffffffffffffffULL, 0x01, 0x00 },
    { 7, 0, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x4330000000000000ULL, 0x5020155540000000ULL, 0x5020155540000000ULL, 0x20, 0x00 },
    { 7, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x7fb7056ed43c57ffULL, 0x81ae76e07fffffffULL, 0x7fb7056ed43c57ffULL, 0x20, 0x00 },
    { 7, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xd4e240fca0341e2ULL, 0x3ca0000000000000ULL, 0x3ca0000000000000ULL, 0x20, 0x00 },
    { 7, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x400b272b9aa4fd97ULL, 0xc1a01204f720f9c5ULL, 0xc1a01204f0572edeULL, 0x20, 0x00 },
    { 7, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x4147ffffffffffffULL, 0x7fff694cdbb272d6ULL, 0x7fff694cdbb272d6ULL, 0x00, 0x00 },
    { 7, 0, 0, 0x03, 0x0000, 0x0000, 0x0000, 0x1b1c4dd17122c4ULL, 0x1b1c4dd17122c4ULL, 0x2b1c4dd17122c4ULL, 0x00, 0x00 },
    { 7, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x86797d4928000000ULL, 0x6797d4928000000ULL, 0x8000000000000000ULL, 0x00, 0x00 },
    { 7, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xffc5f5f3f1fcb800ULL, 0x7fc5f5f3f1fcb800ULL, 0x0ULL, 0x00, 0x00 },
    { 7, 0, 0, 0x01, 0x0000, 0x0000, 0x0000, 0xfff9ffffffffffffULL, 0xbe0d82c77ccfffffULL, 0xfff9ffffffffffffULL, 0x00, 0x00 },
    { 7, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xbe42ffffffffffffULL, 0x7db6c31a4d706766ULL, 0x7db6c31a4d706766ULL, 0x20, 0x00 },
    { 7, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xb7e09fffffffffffULL, 0x7ff0000000000001ULL, 0x7ff8000000000001ULL, 0x01, 0x00 },
    { 7, 0, 0, 0x01, 0x0000, 0x0000, 0x0000, 0xffd16efa1d9049cbULL, 0xfc9a8d5fffffffffULL, 0xffd16efa1d9049cdULL, 0x20, 0x00 },
    { 7, 0, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x104497e20b13727ULL, 0xbec443c740000000ULL, 0xbec443c740000000ULL, 0x20, 0x00 },
    { 7, 3, 0, 0x03, 0x0000, 0x0000, 0x0000, 0x3f3b2d8800000000ULL, 0x36a0000000000000ULL, 0x3f3b2d8800000000ULL, 0x20, 0x00 },
    { 7, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x3db39af65d689873ULL, 0x413f7c872228ffffULL, 0x413f7c872228ffffULL, 0x20, 0x00 },
    { 8, 1, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x30e300494961bULL, 0x132c5f671bcd2bfeULL, 0x932c5f671bcd2bfeULL, 0x22, 0x00 },
    { 8, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x82b9cbffffffffffULL, 0x2b9cbffffffffffULL, 0x82c9cbffffffffffULL, 0x00, 0x00 },
    { 8, 2, 0, 0x01, 0x0000, 0x0000, 0x0000, 0xbed073fca64ea6c8ULL, 0xffb9e05acc581841ULL, 0x7fb9e05acc581841ULL, 0x20, 0x00 },
    { 8, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x4196b4fad014bad9ULL, 0xc196b4fad014bad7ULL, 0x41a6b4fad014bad8ULL, 0x00, 0x00 },
    { 8, 2, 0, 0x02, 0x0000, 0x0000, 0x0000, 0xffb4eacebdc94ca0ULL, 0x109e564933d4f94ULL, 0xffb4eacebdc94ca0ULL, 0x20, 0x00 },
    { 8, 1, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x712fd06e430e3ULL, 0x800a500000000000ULL, 0x1162fd06e430e3ULL, 0x02, 0x00 },
    { 8, 1, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x7fe2ffffffffffffULL, 0xbff0000000000000ULL, 0x7fe2ffffffffffffULL, 0x20, 0x00 },
    { 8, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x7fee6b9e714ca000ULL, 0x1d501c651d24fe73ULL, 0x7fee6b9e714ca000ULL, 0x20, 0x00 },
    { 8, 2, 0, 0x02, 0x0000, 0x0000, 0x0000, 0xe73129440927b3ffULL, 0x69a20b7bb233fb9dULL, 0xe9a20b7bb2341defULL, 0x20, 0x00 },
    { 8, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xffbc30d847bb29ffULL, 0x8047712d9984f029ULL, 0xffbc30d847bb29ffULL, 0x20, 0x00 },
    { 8, 3, 0, 0x01, 0x0000, 0x0000, 0x0000, 0xbff0c96c00000000ULL, 0xa340d01fc2be7353ULL, 0xbff0c96bffffffffULL, 0x20, 0x00 },
    { 8, 0, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x7fc0000000000000ULL, 0xffe7ffffffffffffULL, 0x7febffffffffffffULL, 0x00, 0x00 },
    { 8, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x7fd4f6ba433ec2d4ULL, 0xffea802bbe6d37ffULL, 0x7fefffffffffffffULL, 0x28, 0x00 },
    { 8, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x3dc89c27842fffffULL, 0x1806edea2efb3e8ULL, 0x3dc89c27842fffffULL, 0x20, 0x00 },
    { 8, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x3e29b34b4dcaa3f1ULL, 0x80acdcd4bee272b0ULL, 0x3e29b34b4dcaa3f2ULL, 0x20, 0x00 },
    { 8, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xc26cfc8d84208515ULL, 0x1ULL, 0xc26cfc8d84208516ULL, 0x22, 0x00 },
    { 8, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x3e92e2f62c660973ULL, 0x40975f995bbfffffULL, 0xc0975f995bad1d08ULL, 0x20, 0x00 },
    { 8, 3, 0, 0x02, 0x0000, 0x0000, 0x0000, 0xbd98ea9f3438f1f7ULL, 0xba975f6ec3680b2fULL, 0xbd98ea9f3438f1dfULL, 0x20, 0x00 },
    { 8, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x7ff6e43510ec428dULL, 0x8bf8343fffffffffULL, 0x7ffee43510ec428dULL, 0x01, 0x00 },
    { 8, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xfff9761984000000ULL, 0xe6eccbbac2caa353ULL, 0xfff9761984000000ULL, 0x00, 0x00 },
    { 8, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xeef30c0b8b1b0058ULL, 0xc119233df7291973ULL, 0xeef30c0b8b1b0058ULL, 0x20, 0x00 },
    { 8, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x800b02e171fde905ULL, 0x7fe13fffffffffffULL, 0xffe13fffffffffffULL, 0x22, 0x00 },
    { 8, 2, 0, 0x03, 0x0000, 0x0000, 0x0000, 0xfff8000000000000ULL, 0x137b9014e78ccULL, 0xfff8000000000000ULL, 0x00, 0x00 },
    { 8, 2, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x800fa15599e0acefULL, 0x800fa15599e0acefULL, 0x0ULL, 0x02, 0x00 },
    { 9, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xfff0a22984000000ULL, 0x7ff0536d5da9184fULL, 0xfff8a22984000000ULL, 0x01, 0x00 },
    { 9, 2, 0, 0x02, 0x0000, 0x0000, 0x0000, 0xc14b463103443d51ULL, 0xc14b463103443d4eULL, 0x42a73f0cac3c8404ULL, 0x20, 0x00 },
    { 9, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x800cb97efea9756aULL, 0x71e8494cde4b8770ULL, 0xb2035089f34d2233ULL, 0x22, 0x00 },
    { 9, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xbe89800000000000ULL, 0x3424fa06f5daeef6ULL, 0xb2c0b73d8bea766cULL, 0x20, 0x00 },
    { 9, 2, 0, 0x01, 0x0000, 0x0000, 0x0000, 0xfff8c07946c7eadaULL, 0xc081fcc1e63dffffULL, 0xfff8c07946c7eadaULL, 0x00, 0x00 },
    { 9, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xbe4e693b31bc254bULL, 0x204716dbfffffffULL, 0x80636d90e5063c44ULL, 0x20, 0x00 },
    { 9, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x3fc11bffffffffffULL, 0x800ce097b605b958ULL, 0x8001b8a5475c93dfULL, 0x32, 0x00 },
    { 9, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x411a3a03ced833ecULL, 0xc0740ab7b07fbfffULL, 0xc1a06d0b0ee55374ULL, 0x20, 0x00 },
    { 9, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xc155ff761d5b2d4dULL, 0xc16fe50b1f9ec705ULL, 0x42d5ecee373fa30aULL, 0x20, 0x00 },
    { 9, 1, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x3270abf2b5c689c7ULL, 0xb270abf2b5c689c8ULL, 0xa4f15f1d4ddc4a17ULL, 0x20, 0x00 },
    { 9, 2, 0, 0x03, 0x0000, 0x0000, 0x0000, 0xc0ede1c930d359d3ULL, 0x40ede1c930d359d3ULL, 0xc1ebe775c2ae9c97ULL, 0x20, 0x00 },
    { 9, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xc0c4000000000000ULL, 0x7e16bc4ba5343d91ULL, 0xfeec6b5e8e814cf5ULL, 0x20, 0x00 },
    { 9, 0, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x8000823a1547d36dULL, 0x8000823a1547d36dULL, 0x0ULL, 0x00, 0x00 },
    { 9, 3, 0, 0x01, 0x0000, 0x0000, 0x0000, 0xc0f32dcaffffffffULL, 0x3f4211f2e3c211efULL, 0xc045a9082d50b0cbULL, 0x20, 0x00 },
    { 9, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x8058cf87ee7bb7b4ULL, 0xbdf7b8d19d7e7edfULL, 0x24c8eb1ULL, 0x30, 0x00 },
    { 9, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xbdfeb545ea12f0ffULL, 0x8162d0ba0633145bULL, 0x48391076d61ULL, 0x30, 0x00 },
    { 9, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x3e1f31214c29e381ULL, 0x3fdf000000000000ULL, 0x3e0e379841c89464ULL, 0x20, 0x00 },
    { 9, 1, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x339eb14b6654814ULL, 0xe3b9e20000000ULL, 0x0ULL, 0x32, 0x00 },
    { 9, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xb800000000000ULL, 0xf86ea00000000000ULL, 0xb886030000000000ULL, 0x02, 0x00 },
    { 9, 2, 0, 0x01, 0x0000, 0x0000, 0x0000, 0xc04cba0576d4e475ULL, 0x3f8bc8b689000000ULL, 0xbfe8f1231b65ce96ULL, 0x20, 0x00 },
    { 9, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x40b145ee8538b57cULL, 0xbfd31de304c2f29bULL, 0xc094a34f13d0c1d8ULL, 0x20, 0x00 },
    { 9, 3, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x3ecee2015fffffffULL, 0x3ecee2015fffffffULL, 0x3dadcdfec76c0f1eULL, 0x20, 0x00 },
    { 9, 3, 0, 0x01, 0x0000, 0x0000, 0x0000, 0xfffddafead65b764ULL, 0xfffddafead65b764ULL, 0xfffddafead65b764ULL, 0x00, 0x00 },
    { 9, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x78168afb32302fdaULL, 0x412c73d2a717e17bULL, 0x79540b33a86d2211ULL, 0x20, 0x00 },
    { 10, 0, 0, 0x01, 0x0000, 0x0000, 0x0000, 0xc83c3dc56cc9c188ULL, 0xffffe7d2de0bffffULL, 0xffffe7d2de0bffffULL, 0x00, 0x00 },
    { 10, 0, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x1ac45f50a6ba6000ULL, 0x57509b2c48000000ULL, 0x363a0f3207eb517ULL, 0x20, 0x00 },
    { 10, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x416b8fe730260548ULL, 0x416b8fe730260545ULL, 0x3ff0000000000001ULL, 0x20, 0x00 },
    { 10, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xeeda78c96f83bULL, 0x800eeda78c96f83bULL, 0xbff0000000000000ULL, 0x02, 0x00 },
    { 10, 0, 0, 0x03, 0x0000, 0x0000, 0x0000, 0x6b315140c2794c57ULL, 0xee50000000000000ULL, 0xbcd15140c2794c57ULL, 0x00, 0x00 },
    { 10, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xfff0000000000000ULL, 0xffe7cfa600dc64ffULL, 0x7ff0000000000000ULL, 0x00, 0x00 },
    { 10, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x41825220abb46892ULL, 0x41825220abb46895ULL, 0x3feffffffffffffaULL, 0x20, 0x00 },
    { 10, 1, 0, 0x01, 0x0000, 0x0000, 0x0000, 0xbde57646f2a351f0ULL, 0x7578d59008000ULL, 0xfff0000000000000ULL, 0x04, 0x00 },
    { 10, 1, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x800fffffffffffffULL, 0xffffffffffffcULL, 0xfff8000000000000ULL, 0x01, 0x00 },
    { 10, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x80069c7835d8a559ULL, 0x80069c7835d8a559ULL, 0x3ff0000000000000ULL, 0x02, 0x00 },
    { 10, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xc2374d89fe5effffULL, 0xf8801b557d76f97eULL, 0x9a725fe320f2969ULL, 0x20, 0x00 },
    { 10, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x3dbf990000000000ULL, 0x53ffffffffffULL, 0x7df8130c30c30c7aULL, 0x22, 0x00 },
    { 10, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xbf29ec6a7536b083ULL, 0xbf29ec6a7536b083ULL, 0x3ff0000000000000ULL, 0x00, 0x00 },
    { 10, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x7ff58d6000000000ULL, 0xffe168d284dfe601ULL, 0x7ffd8d6000000000ULL, 0x01, 0x00 },
    { 10, 1, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x667986777d8beebULL, 0xc14c7d89e450c516ULL, 0x850a807f3b03864eULL, 0x20, 0x00 },
    { 10, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x414e6d036a45bd77ULL, 0xc259e256d03fe000ULL, 0xbee2ceb1cc3a655aULL, 0x20, 0x00 },
    { 10, 0, 0, 0x03, 0x0000, 0x0000, 0x0000, 0xbeaa0e16194bfULL, 0x800beaa0e16194bfULL, 0xfff8000000000000ULL, 0x01, 0x00 },
    { 10, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x417d1b260fb68606ULL, 0xc17d1b260fb68606ULL, 0xbff0000000000000ULL, 0x00, 0x00 },
    { 10, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x3ca0000000000000ULL, 0x3ede371e8d5cdeffULL, 0x3db0f1eeee93ff7eULL, 0x20, 0x00 },
    { 10, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xfffa20ec9a85d49aULL, 0xc1a1400000000000ULL, 0xfffa20ec9a85d49aULL, 0x00, 0x00 },
    { 10, 2, 0, 0x01, 0x0000, 0x0000, 0x0000, 0xc08dffffffffffffULL, 0x48bbafeb1689dc00ULL, 0xb7c15627ad2a526dULL, 0x20, 0x00 },
    { 10, 0, 0, 0x02, 0x0000, 0x0000, 0x0000, 0xfff779a317ee7e93ULL, 0x3ec31d8a04c2ffffULL, 0xffff79a317ee7e93ULL, 0x01, 0x00 },
    { 10, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x7ff78230c790977fULL, 0x3d7c401318a6c9c8ULL, 0x7fff8230c790977fULL, 0x01, 0x00 },
    { 10, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x8292688124fb148aULL, 0x292688124fb148aULL, 0xbff0000000000000ULL, 0x00, 0x00 },
    { 11, 3, 0, 0x01, 0x0000, 0x0000, 0x0000, 0xc229681d9fad74aeULL, 0xc229681d9fad74aeULL, 0xfff8000000000000ULL, 0x01, 0x00 },
    { 11, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xbffed1b2bfe2c076ULL, 0xc014bd55e7382861ULL, 0xfff8000000000000ULL, 0x01, 0x00 },
    { 11, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x420106586b9cf90eULL, 0xc24433666eaa1440ULL, 0x40f7573efda568faULL, 0x20, 0x00 },
    { 11, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x7fc787e358eb0c00ULL, 0x7ff50409e2e3d362ULL, 0x5fdb70ca8abc6587ULL, 0x20, 0x00 },
    { 11, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x401c3817b0e19f21ULL, 0x40ca280000000000ULL, 0x40053fa88a2b7f60ULL, 0x20, 0x00 },
    { 11, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x3e59542f2d4356f4ULL, 0xbbf4227b8b0f5abfULL, 0x3f2421904ec38eceULL, 0x20, 0x00 },
    { 11, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xffc41e527a8f182bULL, 0x7fc41e527a8f182bULL, 0xfff8000000000000ULL, 0x01, 0x00 },
    { 11, 1, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x7fbfffffffffffffULL, 0x7ffecdef47cb128aULL, 0x5fd6a09e667f3bccULL, 0x20, 0x00 },
    { 11, 2, 0, 0x02, 0x0000, 0x0000, 0x0000, 0xc1224516e6080000ULL, 0x447fffffffffffffULL, 0xfff8000000000000ULL, 0x01, 0x00 },
    { 11, 2, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x3ff0000000000000ULL, 0xff901d11fdffffffULL, 0x3ff0000000000000ULL, 0x00, 0x00 },
    { 11, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x7ff7ffffffffffffULL, 0xfff7ffffffffffffULL, 0x7fffffffffffffffULL, 0x01, 0x00 },
    { 11, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x7fe7e1537fffffffULL, 0xbdebe7051e1bffffULL, 0x5feba4bf9786f4c3ULL, 0x20, 0x00 },
    { 11, 3, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x7ffdc5498cf7ba47ULL, 0x3dc774ae13d330ceULL, 0x7ffdc5498cf7ba47ULL, 0x00, 0x00 },
    { 11, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x43dfffffffffffffULL, 0xffc6b565a67487a6ULL, 0x41e6a09e667f3bccULL, 0x20, 0x00 },
    { 11, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x88b6e5666ed0a87ULL, 0xbffd000000000000ULL, 0x243da0a7a2d541bdULL, 0x20, 0x00 },
    { 11, 0, 0, 0x01, 0x0000, 0x0000, 0x0000, 0xfff8000000000000ULL, 0xb76299263ef22960ULL, 0xfff8000000000000ULL, 0x00, 0x00 },
    { 11, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xbe6253e66f2dfe64ULL, 0x3e6253e66f2dfe64ULL, 0xfff8000000000000ULL, 0x01, 0x00 },
    { 11, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xd3cd1dd910d5259cULL, 0x53cd1dd910d5259bULL, 0xfff8000000000000ULL, 0x01, 0x00 },
    { 11, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xc26b3bfe856d25c0ULL, 0x3d65f8521ad042f9ULL, 0xfff8000000000000ULL, 0x01, 0x00 },
    { 11, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x3690000000000000ULL, 0xb4a16f9c22265542ULL, 0x3b40000000000000ULL, 0x00, 0x00 },
    { 11, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xc097b0647cc7baeeULL, 0x1a2a145d3f1077dULL, 0xfff8000000000000ULL, 0x01, 0x00 },
    { 11, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x41043178d2716050ULL, 0x40efecec3765ba71ULL, 0x40796b8ee91c4c86ULL, 0x20, 0x00 },
    { 11, 2, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x4e19c6ca109145c2ULL, 0xbe6c8bc17d9ecdfaULL, 0x47044ee85d8780d9ULL, 0x20, 0x00 },
    { 11, 2, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x7ff60ab95d1fffffULL, 0xfff60ab95d200002ULL, 0x7ffe0ab95d1fffffULL, 0x01, 0x00 },
    { 12, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x9eee70aa35f8782fULL, 0xc09b50f6e7a7637dULL, 0xc09b50f6e7a7637dULL, 0x00, 0x00 },
    { 12, 0, 0, 0x02, 0x0000, 0x0000, 0x0000, 0xc7a927f75a5a7caaULL, 0x47a927f75a5a7cacULL, 0xc7a927f75a5a7caaULL, 0x00, 0x00 },
    { 12, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x7fc7051b1e4dee4fULL, 0xbdc7e97e80bac185ULL, 0xbdc7e97e80bac185ULL, 0x00, 0x00 },
    { 12, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x830a526bdbdd8800ULL, 0x4baf621457f7ffffULL, 0x830a526bdbdd8800ULL, 0x00, 0x00 },
    { 12, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xc17b5e5885c1f93fULL, 0x3eec8b550c9564cbULL, 0xc17b5e5885c1f93fULL, 0x00, 0x00 },
    { 12, 2, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x41a126e7a7b93310ULL, 0xbeb626bc7fffffffULL, 0xbeb626bc7fffffffULL, 0x00, 0x00 },
    { 12, 3, 0, 0x02, 0x0000, 0x0000, 0x0000, 0xbde63e48554ce6b6ULL, 0xbce0000000000000ULL, 0xbde63e48554ce6b6ULL, 0x00, 0x00 },
    { 12, 0, 0, 0x01, 0x0000, 0x0000, 0x0000, 0xa6aba82c00cf80fcULL, 0xa6aba82c00cf80fcULL, 0xa6aba82c00cf80fcULL, 0x00, 0x00 },
    { 12, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x1598c1d208574000ULL, 0x1598c1d208574000ULL, 0x1598c1d208574000ULL, 0x00, 0x00 },
    { 12, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x404a1c3678a11f33ULL, 0x7ff0000000000001ULL, 0x7ff0000000000001ULL, 0x01, 0x00 },
    { 12, 1, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x413c789c32d05e30ULL, 0x413c789c32d05e30ULL, 0x413c789c32d05e30ULL, 0x00, 0x00 },
    { 12, 2, 0, 0x01, 0x0000, 0x0000, 0x0000, 0xc08d865384322737ULL, 0xc198496b752ff3e9ULL, 0xc198496b752ff3e9ULL, 0x00, 0x00 },
    { 12, 0, 0, 0x01, 0x0000, 0x0000, 0x0000, 0xc1cd2bc4f104da0cULL, 0x41cd2bc4f104da0aULL, 0xc1cd2bc4f104da0cULL, 0x00, 0x00 },
    { 12, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x7ff8000000000000ULL, 0xffe22d0f3be8d500ULL, 0xffe22d0f3be8d500ULL, 0x01, 0x00 },
    { 12, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xc09b1815dd9a1ef9ULL, 0xe7c29d75fffffULL, 0xc09b1815dd9a1ef9ULL, 0x02, 0x00 },
    { 12, 3, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x3e72dea6a1c89f61ULL, 0xfff7ea53c75b209cULL, 0xfff7ea53c75b209cULL, 0x01, 0x00 },
    { 12, 1, 0, 0x02, 0x0000, 0x0000, 0x0000, 0xc018dcf93dd5bcb9ULL, 0x3de9b253556ede0eULL, 0xc018dcf93dd5bcb9ULL, 0x00, 0x00 },
    { 12, 1, 0, 0x01, 0x0000, 0x0000, 0x0000, 0xbff1482cf9abc8ddULL, 0xffb73a33eb167e56ULL, 0xffb73a33eb167e56ULL, 0x00, 0x00 },
    { 12, 1, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x3c22231181f7d4b7ULL, 0xfc0a9d857a21d780ULL, 0xfc0a9d857a21d780ULL, 0x00, 0x00 },
    { 12, 2, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x1c57b9dae39e087ULL, 0xc1700deeb2fc4433ULL, 0xc1700deeb2fc4433ULL, 0x00, 0x00 },
    { 12, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x800971b2d6f18cffULL, 0x971b2d6f18cffULL, 0x800971b2d6f18cffULL, 0x02, 0x00 },
    { 12, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x3f98e98000000000ULL, 0xc1b4318447855e07ULL, 0xc1b4318447855e07ULL, 0x00, 0x00 },
    { 12, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x7fe7cd8366ffffffULL, 0x3fd474a969d72fffULL, 0x3fd474a969d72fffULL, 0x00, 0x00 },
    { 12, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x147d24f0a7e15302ULL, 0x426c9f012721576dULL, 0x147d24f0a7e15302ULL, 0x00, 0x00 },
    { 13, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xbe01bc5fac7b78cbULL, 0x3e01bc5fac7b78ccULL, 0x3e01bc5fac7b78ccULL, 0x00, 0x00 },
    { 13, 2, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x3f2cf160b7bad610ULL, 0xbe898681ffffffffULL, 0x3f2cf160b7bad610ULL, 0x00, 0x00 },
    { 13, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xfff8000000000000ULL, 0xfff7fffffffffffdULL, 0xfff7fffffffffffdULL, 0x01, 0x00 },
    { 13, 0, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x803bb6297cf85537ULL, 0x41a92b796a3b8000ULL, 0x41a92b796a3b8000ULL, 0x00, 0x00 },
    { 13, 2, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x7ffc365cef60052cULL, 0x3f6ac49dd28e0000ULL, 0x3f6ac49dd28e0000ULL, 0x01, 0x00 },
    { 13, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x7fc9c121891eef08ULL, 0x4024fc8b95ebb6ffULL, 0x7fc9c121891eef08ULL, 0x00, 0x00 },
    { 13, 0, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x7fc1c6667d729893ULL, 0x7fc1c6667d729893ULL, 0x7fc1c6667d729893ULL, 0x00, 0x00 },
    { 13, 1, 0, 0x03, 0x0000, 0x0000, 0x0000, 0xbe397fac9da2dabcULL, 0x3ced8639e195621fULL, 0x3ced8639e195621fULL, 0x00, 0x00 },
    { 13, 0, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x3ecad58bd498a3a0ULL, 0x4135f89decf05ffcULL, 0x4135f89decf05ffcULL, 0x00, 0x00 },
    { 13, 1, 0, 0x01, 0x0000, 0x0000, 0x0000, 0xffb79fffffffffffULL, 0x41b9400adeb7b229ULL, 0x41b9400adeb7b229ULL, 0x00, 0x00 },
    { 13, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x41e0000000000000ULL, 0x87c232fbf52bffffULL, 0x41e0000000000000ULL, 0x00, 0x00 },
    { 13, 0, 0, 0x00, 0x0000, 0x0000, 0x0000, 0x3d97846ccb86016aULL, 0xffe011ce46171d57ULL, 0x3d97846ccb86016aULL, 0x00, 0x00 },
    { 13, 1, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x41c15a0c4a11c3fcULL, 0x99fffffffffffULL, 0x41c15a0c4a11c3fcULL, 0x02, 0x00 },
    { 13, 2, 0, 0x03, 0x0000, 0x0000, 0x0000, 0xbf87988510e9bd03ULL, 0xbd9ceff3d4518000ULL, 0xbd9ceff3d4518000ULL, 0x00, 0x00 },
    { 13, 0, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x83217fffffffffffULL, 0x8321800000000001ULL, 0x83217fffffffffffULL, 0x00, 0x00 },
    { 13, 2, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x6c739443b4756ULL, 0x8006c739443b4756ULL, 0x8000000000000000ULL, 0x00, 0x00 },
    { 13, 3, 0, 0x02, 0x0000, 0x0000, 0x0000, 0xfff615ddc6b93ecfULL, 0x3eaa528d9467d521ULL, 0x3eaa528d9467d521ULL, 0x01, 0x00 },
    { 13, 3, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xc26c884b4fb77ea4ULL, 0x41d4c4c8d8ab8d07ULL, 0x41d4c4c8d8ab8d07ULL, 0x00, 0x00 },
    { 13, 1, 0, 0x00, 0x0000, 0x0000, 0x0000, 0xc182db9fffffffffULL, 0xc182db9fffffffffULL, 0xc182db9fffffffffULL, 0x00, 0x00 },
    { 13, 0, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x4bce3c9194746ULL, 0x800a9308bae6383eULL, 0x4bce3c9194746ULL, 0x02, 0x00 },
    { 13, 0, 0, 0x02, 0x0000, 0x0000, 0x0000, 0x7fbf390a757fffffULL, 0x26b61bed70c57df9ULL, 0x7fbf390a757fffffULL, 0x00, 0x00 },
    { 13, 0, 0, 0x02, 0x0000, 0x0000, 0x0000, 0xbeec70f800000000ULL, 0xc1addc0000000000ULL, 0xbeec70f800000000ULL, 0x00, 0x00 },
    { 13, 2, 0, 0x01, 0x0000, 0x0000, 0x0000, 0x7ff0000000000001ULL, 0x7fe259faaa15db08ULL, 0x7fe259faaa15db08ULL, 0x01, 0x00 },
    { 13, 0, 0, 0x03, 0x0000, 0x0000, 0x0000, 0xc1db0bbb0d7ea937ULL, 0xbfabb47cd54979e5ULL, 0xbfabb47cd54979e5ULL, 0x00, 0x00 },
    { 14, 1, 2, 0x3f, 0x4026, 0xc026, 0xc006, 0xafffffffffffffffULL, 0xb0000000fffffffdULL, 0xfffffffe00000000ULL, 0x00, 0x00 },
    { 14, 0, 3, 0x3f, 0x400d, 0xbfc2, 0x400d, 0x9455a1fe36b40000ULL, 0xa5ac65b71c5f64afULL, 0x9455a1fe36b40000ULL, 0x20, 0x01 },
    { 14, 2, 3, 0x2f, 0xbfd0, 0x3fd0, 0x0000, 0xd10fffffffffffffULL, 0xd10fffffffffffffULL, 0x0ULL, 0x00, 0x00 },
    { 14, 2, 0, 0x3f, 0x5cee, 0x3fef, 0x5cee, 0xc5fcca9000000000ULL, 0xc2e7e1927a800000ULL, 0xc5fccb0000000000ULL, 0x20, 0x01 },
    { 14, 2, 2, 0x3f, 0x4041, 0x4025, 0x4041, 0xb535da654174e65fULL, 0x8f7a931977dac975ULL, 0xb535da6e391e1800ULL, 0x20, 0x01 },
    { 14, 2, 3, 0x3f, 0xbfe0, 0x3fe0, 0x0000, 0xdef50bf51fffffffULL, 0xdef50bf51fffffffULL, 0x0ULL, 0x00, 0x00 },
    { 14, 2, 3, 0x3f, 0xffff, 0x11ac, 0xffff, 0x8000000000000000ULL, 0xa6dfd7ffffffffffULL, 0x8000000000000000ULL, 0x00, 0x00 },
    { 14, 3, 0, 0x3f, 0x4001, 0xffe9, 0xffe9, 0x9d14fc1695f3ad9fULL, 0xbdc0000000000000ULL, 0xbdbfff0000000000ULL, 0x20, 0x00 },
    { 14, 3, 2, 0x3f, 0x7fff, 0xffff, 0xffff, 0x0ULL, 0x0ULL, 0xc000000000000000ULL, 0x01, 0x00 },
    { 14, 2, 3, 0x3f, 0xffea, 0x112e, 0xffea, 0xdbed7478ed604fccULL, 0x879c8e3366ed2743ULL, 0xdbed7478ed604fcbULL, 0x20, 0x00 },
    { 14, 0, 2, 0x07, 0x77dc, 0x4006, 0x77dc, 0xd3065019db41333dULL, 0xf2cb801655ba1e77ULL, 0xd3065019db413000ULL, 0x20, 0x00 },
    { 14, 1, 3, 0x3f, 0x8022, 0x3fe5, 0x3fe5, 0x8971aa1600000000ULL, 0x83abb5b7943d2ca2ULL, 0x83abb5b7943d2ca1ULL, 0x20, 0x00 },
    { 14, 3, 2, 0x07, 0xbfd1, 0x3fb7, 0xbfd1, 0xa080000000000000ULL, 0xc6f2fcaa6f8c0000ULL, 0xa07fffce4340d000ULL, 0x20, 0x00 },
    { 14, 0, 3, 0x3f, 0x403d, 0xc03d, 0x0000, 0xffffffffffffffffULL, 0xffffffffffffffffULL, 0x0ULL, 0x00, 0x00 },
    { 14, 0, 3, 0x3f, 0x403d, 0x403d, 0x403e, 0xffffffffffffffffULL, 0x80000000fffffffdULL, 0xc00000007ffffffeULL, 0x00, 0x00 },
    { 14, 2, 0, 0x3f, 0x86f7, 0x86f7, 0x86f8, 0xbd030f10c8f62fe5ULL, 0xbd030f10c8f62fe8ULL, 0xbd030f0000000000ULL, 0x20, 0x00 },
    { 14, 1, 2, 0x3f, 0x0000, 0x8000, 0x8000, 0x10295fb77ffffULL, 0x10295fb77ffffULL, 0x0ULL, 0x02, 0x00 },
    { 14, 1, 3, 0x3f, 0x3fe4, 0xffff, 0xffff, 0x8a75b9cc18895cb3ULL, 0x8000000000000000ULL, 0x8000000000000000ULL, 0x00, 0x00 },
    { 14, 2, 3, 0x3f, 0x4006, 0xbfc9, 0x4006, 0xdbc49b890104b970ULL, 0xd4c99702ac7d653aULL, 0xdbc49b890104b96aULL, 0x20, 0x01 },
    { 14, 1, 3, 0x3f, 0x0000, 0x8000, 0x8000, 0x250c0000000ULL, 0x2bd9cf7ca997a26ULL, 0x2bd9aa70a997a26ULL, 0x02, 0x00 },
    { 14, 1, 0, 0x3f, 0x7fff, 0x9b71, 0x7fff, 0x8000000000000000ULL, 0xf078b2bcee534a35ULL, 0x8000000000000000ULL, 0x00, 0x00 },
    { 14, 1, 3, 0x3f, 0xc01c, 0xc01c, 0xc01d, 0x8644df910c039005ULL, 0x8644df910c039005ULL, 0x8644df910c039005ULL, 0x00, 0x00 },
    { 14, 3, 2, 0x3f, 0x3fff, 0xc014, 0xc014, 0x8000000000000000ULL, 0xeae1c13661985a4fULL, 0xeae1bd3661985800ULL, 0x20, 0x00 },
    { 14, 0, 2, 0x3f, 0x4013, 0x4013, 0x4014, 0xb0e1d8fb5ee51ba9ULL, 0xb0e1d8fb5ee51ba9ULL, 0xb0e1d8fb5ee51800ULL, 0x20, 0x00 },
    { 15, 3, 3, 0x3f, 0x7ffe, 0xfffe, 0x7ffe, 0xffffffffffffffffULL, 0xffffffffffffffffULL, 0xffffffffffffffffULL, 0x28, 0x00 },
    { 15, 1, 0, 0x07, 0x3fce, 0xbfce, 0x3fcf, 0xa44b026ee8d82c92ULL, 0xa44b026ee8d82c92ULL, 0xa44b020000000000ULL, 0x20, 0x00 },
    { 15, 1, 0, 0x3f, 0x5741, 0xd723, 0xffff, 0x317e87200d37bc79ULL, 0x805d650a7fffffffULL, 0xc000000000000000ULL, 0x01, 0x00 },
    { 15, 1, 3, 0x3f, 0x0000, 0x5f88, 0xdf88, 0x306eULL, 0xf1c6fe1d6e32c61fULL, 0xf1c6fe1d6e32c61fULL, 0x22, 0x01 },
    { 15, 1, 3, 0x3f, 0xbb1f, 0x4011, 0xc011, 0xd2243b97c5c556f9ULL, 0xa6937fffffffffffULL, 0xa693800000000000ULL, 0x20, 0x01 },
    { 15, 0, 2, 0x3f, 0x0014, 0x7fff, 0x7fff, 0xb56fffffffffffffULL, 0xad6cf2698b162b7cULL, 0xed6cf2698b162b7cULL, 0x01, 0x00 },
    { 15, 2, 0, 0x3f, 0xbff2, 0x4007, 0xc007, 0xb4eb000000000000ULL, 0xbd002a7d33028707ULL, 0xbd00300000000000ULL, 0x20, 0x00 },
    { 15, 0, 0, 0x3f, 0x0014, 0xafb7, 0x2fb7, 0xa6191611515bafffULL, 0xfcf6d3b6ffffffffULL, 0xfcf6d40000000000ULL, 0x20, 0x01 },
    { 15, 1, 2, 0x3f, 0x4031, 0x4031, 0xc011, 0xe9ca76ed4c8b8f11ULL, 0xe9ca76ee4c8b8f0fULL, 0xfffffffe00000000ULL, 0x00, 0x00 },
    { 15, 2, 2, 0x3f, 0x3fe8, 0x0000, 0x3fe8, 0x9fffffffffffffffULL, 0x16a34d801ULL, 0xa000000000000000ULL, 0x22, 0x01 },
    { 15, 2, 0, 0x37, 0xbfd2, 0xbffe, 0x3ffe, 0xd729d50dded0f6dfULL, 0xd6df5158991883c7ULL, 0xd6df520000000000ULL, 0x20, 0x01 },
    { 15, 3, 3, 0x3f, 0x401b, 0x401b, 0xbfdd, 0xd3325d6df336b57fULL, 0xd3325d6df336b581ULL, 0x8000000000000000ULL, 0x00, 0x00 },
    { 15, 3, 3, 0x37, 0x7fe2, 0x4024, 0x7fe2, 0x9827c5160d0ca39aULL, 0xe76f534460000000ULL, 0x9827c5160d0ca399ULL, 0x20, 0x00 },
    { 15, 3, 3, 0x3f, 0xbffc, 0xbfe2, 0xbffc, 0xa88617ffffffffffULL, 0x8996b87204dfa183ULL, 0xa88617dd9a51e37dULL, 0x20, 0x00 },
    { 15, 1, 3, 0x3f, 0x4029, 0x0017, 0x4029, 0xf8a4ec924b1cd5d9ULL, 0xdbefc110e2b9f7ffULL, 0xf8a4ec924b1cd5d8ULL, 0x20, 0x00 },
    { 15, 0, 0, 0x3f, 0x94e6, 0xd4a6, 0x54a6, 0xac9b7ecb06f7c118ULL, 0xcacce999228ea000ULL, 0xcaccea0000000000ULL, 0x20, 0x01 },
    { 15, 3, 0, 0x3f, 0x7fff, 0xc042, 0x7fff, 0xc0d8200000000000ULL, 0xed2644a0b0d44000ULL, 0xc0d8200000000000ULL, 0x00, 0x00 },
    { 15, 2, 3, 0x3f, 0xc03a, 0xbff2, 0xc03a, 0xe9503f7ea5e9dd75ULL, 0xe91a039d144c29d8ULL, 0xe9503f7ea5e9dd74ULL, 0x20, 0x00 },
    { 15, 1, 0, 0x07, 0x8000, 0x0001, 0x8001, 0xcf21ULL, 0xe87ac7c479800000ULL, 0xe87ac80000000000ULL, 0x22, 0x01 },
    { 15, 2, 2, 0x3f, 0x3fe6, 0x3fc5, 0x3fe6, 0x82b6bf8e9eb5ffffULL, 0xf359184ea90aa2dfULL, 0x82b6bf8e25097800ULL, 0x20, 0x01 },
    { 15, 2, 0, 0x3f, 0x4000, 0xc000, 0x4001, 0xc90fdaa22168c235ULL, 0xc90fdaa32168c234ULL, 0xc90fdb0000000000ULL, 0x20, 0x01 },
    { 15, 0, 3, 0x27, 0xc031, 0xbff6, 0xc031, 0xf177a80951fd397fULL, 0xd5be52d4e3b9c0a6ULL, 0xf177a80951fd3964ULL, 0x20, 0x00 },
    { 15, 2, 2, 0x3f, 0xc03b, 0xbfbc, 0xc03b, 0xef9fcf9e7776a67eULL, 0x85c0f00000000000ULL, 0xef9fcf9e7776a000ULL, 0x20, 0x00 },
    { 15, 3, 3, 0x3f, 0xbfbd, 0x4037, 0xc037, 0x9000000000000000ULL, 0xa9a9683e982f9da0ULL, 0xa9a9683e982f9da0ULL, 0x20, 0x00 },
    { 16, 2, 0, 0x3f, 0x0000, 0x4037, 0x0000, 0x0ULL, 0xa1dedacfe4d77584ULL, 0x0ULL, 0x00, 0x00 },
    { 16, 2, 3, 0x07, 0x7ffd, 0xfffd, 0xdffc, 0xc51db84707f1a7ffULL, 0xc51db84707f1a7ffULL, 0x97c6c11096f7e86fULL, 0x28, 0x00 },
    { 16, 3, 2, 0x3f, 0xffff, 0x7fff, 0x7fff, 0x8f046d4d311db7ccULL, 0x8f046d4d311db7ccULL, 0xcf046d4d311db7ccULL, 0x01, 0x00 },
    { 16, 1, 0, 0x07, 0xfff3, 0x7ff3, 0xdfe8, 0xbcd9ffffffffffffULL, 0xbcda0000fffffffdULL, 0x8b50ea0000000000ULL, 0x28, 0x01 },
    { 16, 2, 0, 0x3f, 0x7251, 0xf280, 0xffff, 0x6f9bc2bc9acc5101ULL, 0xf8b5279ff86e80b5ULL, 0xc000000000000000ULL, 0x01, 0x00 },
    { 16, 1, 3, 0x3f, 0x3fff, 0xbfff, 0xbfff, 0x8000000000000000ULL, 0x8000000000000000ULL, 0x8000000000000000ULL, 0x00, 0x00 },
    { 16, 0, 3, 0x3f, 0xbfd3, 0xa9cf, 0x29a4, 0xbb6d6bc7fa57e707ULL, 0xd46342e93992eb2aULL, 0x9b7f498f402e3071ULL, 0x20, 0x01 },
    { 16, 0, 2, 0x3f, 0xc4e3, 0xc4e4, 0xffff, 0x14aa87bc01a79405ULL, 0x987fffffffffffffULL, 0xc000000000000000ULL, 0x01, 0x00 },
    { 16, 3, 3, 0x3f, 0x3ffa, 0x4019, 0x4015, 0x916dc2d78bab918dULL, 0xe47fabffffffffffULL, 0x81ce48b1603be995ULL, 0x20, 0x00 },
    { 16, 3, 2, 0x07, 0xc018, 0x7fff, 0x7fff, 0x9dacd9d390261a6fULL, 0x9dc15827ffffffffULL, 0xddc15827ffffffffULL, 0x01, 0x00 },
    { 16, 3, 3, 0x3f, 0xffcb, 0xbfc8, 0x7f95, 0xce3ea53a3d5888e7ULL, 0xa718237ba976e400ULL, 0x869e503eacb1fe9dULL, 0x20, 0x00 },
    { 16, 3, 3, 0x3f, 0xcec4, 0x3fc3, 0xce89, 0xcf1be72a98343663ULL, 0xeac09e3b6b1a8df8ULL, 0xbdeb563d99d296efULL, 0x20, 0x00 },
    { 16, 3, 3, 0x3f, 0x3ffa, 0xee38, 0xee33, 0xc03d9df87edf9ecfULL, 0x93c14e2b6a350a5dULL, 0xdde915ba52dd4c3fULL, 0x20, 0x00 },
    { 16, 2, 0, 0x3f, 0x17fc, 0xc14e, 0xffff, 0x1977d30df571b767ULL, 0x836378a023541ab0ULL, 0xc000000000000000ULL, 0x01, 0x00 },
    { 16, 1, 3, 0x3f, 0x7ffb, 0xfffb, 0xffff, 0xe0ffffffffffffffULL, 0xe1000000fffffffcULL, 0x8000000000000000ULL, 0x28, 0x01 },
    { 16, 2, 3, 0x3f, 0xffff, 0xffff, 0x7fff, 0x8000000000000000ULL, 0x8000000000000000ULL, 0x8000000000000000ULL, 0x00, 0x00 },
    { 16, 2, 0, 0x3f, 0xbffd, 0xc00e, 0x400d, 0xf7eba2bfffffffffULL, 0xa227ffffffffffffULL, 0x9d09da0000000000ULL, 0x20, 0x01 },
    { 16, 0, 2, 0x07, 0xbfe6, 0xc026, 0x400e, 0xf331ffabd6b956efULL, 0x8e8d2d7233b49938ULL, 0x876bd9876a13a800ULL, 0x20, 0x00 },
    { 16, 0, 0, 0x3f, 0x8026, 0x0000, 0x8000, 0xe440000000000000ULL, 0x3b57aULL, 0x0ULL, 0x32, 0x00 },
    { 16, 0, 3, 0x3f, 0xc03d, 0xffff, 0xffff, 0x8352c2274e6d565fULL, 0x84c87dcd7e000000ULL, 0xc4c87dcd7e000000ULL, 0x01, 0x00 },
    { 16, 0, 0, 0x07, 0x8029, 0x3ff7, 0x8021, 0xb836fb9ff8ff84baULL, 0x89df8f260596b28fULL, 0xc66c970000000000ULL, 0x20, 0x00 },
    { 16, 3, 3, 0x07, 0xc02f, 0x3fed, 0xc01d, 0x938a57ad3e00eb40ULL, 0xdda505f78fd3ffffULL, 0xff7b1296e48a6329ULL, 0x20, 0x00 },
    { 16, 1, 0, 0x3f, 0xbff7, 0x3ff7, 0xbfef, 0xa5dc8aa55f394e5cULL, 0xa5dc8aa55f394e5cULL, 0xd6ec120000000000ULL, 0x20, 0x01 },
    { 16, 3, 0, 0x17, 0xffe3, 0xffad, 0x5f92, 0x9e261ec042869f51ULL, 0xfc64e1888f5fe000ULL, 0x9bebd80000000000ULL, 0x28, 0x00 },
    { 17, 1, 3, 0x3f, 0x4028, 0x0000, 0x7fff, 0xdd20000000000000ULL, 0x0ULL, 0x8000000000000000ULL, 0x04, 0x00 },
    { 17, 2, 3, 0x07, 0x401b, 0x401b, 0x3ffe, 0x8c6849cc6d964eadULL, 0x8c6849cd6d964eaaULL, 0xfffffffe2d3e6fedULL, 0x20, 0x01 },
    { 17, 0, 2, 0x3f, 0x400b, 0x34d1, 0xffff, 0xe683640000000000ULL, 0x7a6fa01d5784da8fULL, 0xc000000000000000ULL, 0x01, 0x00 },
    { 17, 2, 3, 0x3f, 0xc00f, 0x3fee, 0xc01f, 0xa9a48964eab14eb1ULL, 0xb0624b4066447fffULL, 0xf637459d4a0c77d3ULL, 0x20, 0x00 },
    { 17, 0, 0, 0x3f, 0x3fc5, 0x7fb0, 0x0014, 0xe10ada60d3021fdaULL, 0xa25ff2d6b28a3090ULL, 0xb1669e0000000000ULL, 0x20, 0x01 },
    { 17, 1, 2, 0x3f, 0xbfd6, 0xbfd6, 0x3ffe, 0x84bb73d0ae0320a9ULL, 0x84bb73d0ae0320aaULL, 0xfffffffffffff800ULL, 0x20, 0x00 },
    { 17, 0, 3, 0x3f, 0x7fbd, 0x4010, 0x7fac, 0xc9a187e13d5ba800ULL, 0x8fe7b76a5cba6091ULL, 0xb3587e6055967075ULL, 0x20, 0x01 },
    { 17, 0, 0, 0x3f, 0x7ff9, 0xec65, 0xd392, 0x94a5ffffffffffffULL, 0xaa6e046e9a69932fULL, 0xdf48590000000000ULL, 0x20, 0x01 },
    { 17, 3, 2, 0x07, 0xbfd2, 0xff99, 0x0037, 0xe6fc78b4168f4c2aULL, 0xeeef426b1e67b54dULL, 0xf77be1b5a53b4000ULL, 0x20, 0x00 },
    { 17, 0, 0, 0x3f, 0xc03c, 0x4038, 0xc002, 0xad231c4000000000ULL, 0xd566da929ac1f8c1ULL, 0xcfb2ad0000000000ULL, 0x20, 0x01 },
    { 17, 1, 2, 0x07, 0x3fff, 0x3fff, 0x3ffe, 0xaf3387707f194963ULL, 0xaf3387717f194962ULL, 0xfffffffe89f05000ULL, 0x20, 0x00 },
    { 17, 2, 2, 0x3f, 0x801d, 0x001d, 0xbfff, 0xac72eec5d627417eULL, 0xac72eec5d627417eULL, 0x8000000000000000ULL, 0x00, 0x00 },
    { 17, 2, 0, 0x3f, 0xffd7, 0x0000, 0xfffe, 0xe600000000000000ULL, 0x1ULL, 0xffffff0000000000ULL, 0x2a, 0x00 },
    { 17, 1, 3, 0x3f, 0xbff9, 0x403e, 0xbfba, 0x83009ddad942900dULL, 0x8000000000000000ULL, 0x83009ddad942900dULL, 0x00, 0x00 },
    { 17, 2, 3, 0x3f, 0x73dd, 0xc041, 0xf39b, 0x9d9cd65a4bd1e9b4ULL, 0x8c00000000000000ULL, 0x901a5d94629408dfULL, 0x20, 0x00 },
    { 17, 0, 2, 0x3f, 0x520b, 0xffff, 0xffff, 0x285677bd247d3c59ULL, 0xaf1867c43991eae3ULL, 0xc000000000000000ULL, 0x01, 0x00 },
    { 17, 2, 2, 0x3f, 0x4038, 0xc02d, 0xc009, 0x95eaf6219b473964ULL, 0xa4f9ffe4f03d1b5bULL, 0xe8a200099e1e4800ULL, 0x20, 0x00 },
    { 17, 3, 2, 0x07, 0x3fd3, 0x3f9d, 0x4035, 0xbfffffffffffffffULL, 0xae479ef854cec3c9ULL, 0x8d03bfd7d17f9800ULL, 0x20, 0x00 },
    { 17, 0, 2, 0x1f, 0x401e, 0x401e, 0x3fff, 0x87dd26cee54282e7ULL, 0x87dd26cee54282eaULL, 0x8000000000000000ULL, 0x20, 0x01 },
    { 17, 0, 0, 0x37, 0x0029, 0x0000, 0x4041, 0xf3f821739c11d375ULL, 0x356807629dULL, 0x922e700000000000ULL, 0x22, 0x01 },
    { 17, 3, 2, 0x07, 0x403f, 0xc078, 0xbfc6, 0xffffffffffffffffULL, 0x87afffffffffffffULL, 0xf17eff6910a05800ULL, 0x20, 0x00 },
    { 17, 1, 3, 0x07, 0x4000, 0xbffc, 0xc003, 0xc90fdaa22168c235ULL, 0xb837e7a22d327adcULL, 0x8bb40f9e3bd5c9ddULL, 0x20, 0x01 },
    { 17, 3, 3, 0x1f, 0xb610, 0xb610, 0x3ffe, 0xc764449fd8af254bULL, 0xc764449fd8af254eULL, 0xfffffffffffffffcULL, 0x20, 0x00 },
    { 17, 2, 3, 0x3f, 0xb1aa, 0xb1aa, 0x3ffe, 0x99a4d7f9afd1d8d4ULL, 0x99a4d7faafd1d8d3ULL, 0xfffffffe55748e8eULL, 0x20, 0x01 },
    { 18, 1, 2, 0x07, 0x3fd2, 0x3fbf, 0x3fe8, 0xcad1ec768b69587fULL, 0xaf4f90c6e739b5f1ULL, 0xe3dd23c539748000ULL, 0x20, 0x00 },
    { 18, 1, 2, 0x1f, 0xc009, 0xfdd5, 0xffff, 0xd80b8bd333876eebULL, 0xdf97829e94000000ULL, 0xc000000000000000ULL, 0x01, 0x00 },
    { 18, 1, 3, 0x2f, 0x4033, 0x3fc0, 0x4019, 0xe09f26a87c3c4bf9ULL, 0xfe1c348c7435e328ULL, 0xa99019ea185741e5ULL, 0x20, 0x00 },
    { 18, 2, 3, 0x3f, 0x7ff0, 0x0024, 0x5ff7, 0xb2a2c93628a853d4ULL, 0x8e613984830f1541ULL, 0xd5d8fac651ee0c4dULL, 0x20, 0x01 },
    { 18, 3, 3, 0x3f, 0x3fed, 0xbfed, 0x3ff6, 0xba799ad49a563028ULL, 0xba799ad49a56302aULL, 0x9a7eccf9423b9694ULL, 0x20, 0x00 },
    { 18, 2, 2, 0x3f, 0x9d70, 0x1d70, 0xffff, 0x675c57e6786e07cdULL, 0xe75c57e6786e07cdULL, 0xc000000000000000ULL, 0x01, 0x00 },
    { 18, 1, 3, 0x3f, 0xbfff, 0xbfff, 0xffff, 0x826d87f200000000ULL, 0x826d87f2fffffffdULL, 0xc000000000000000ULL, 0x01, 0x00 },
    { 18, 1, 0, 0x3f, 0xc01b, 0x8485, 0xffff, 0xc8798d3c9fffffffULL, 0x9359efba10000000ULL, 0xc000000000000000ULL, 0x01, 0x00 },
    { 18, 0, 0, 0x07, 0xffff, 0x8000, 0xffff, 0xf659f7101f8d2b42ULL, 0x9ca1ULL, 0xf659f7101f8d2b42ULL, 0x00, 0x00 },
    { 18, 2, 0, 0x3f, 0xc01b, 0xc01b, 0xffff, 0xa0b6a5cb0f49676fULL, 0xa0b6a5cb0f496771ULL, 0xc000000000000000ULL, 0x01, 0x00 },
    { 18, 3, 0, 0x3f, 0xc02b, 0x403e, 0xffff, 0xdcf305faba81eb86ULL, 0x8000000000000000ULL, 0xc000000000000000ULL, 0x01, 0x00 },
    { 18, 3, 3, 0x1f, 0x7fff, 0x3fff, 0x7fff, 0xc000000000000000ULL, 0x4000000000000000ULL, 0xc000000000000000ULL, 0x00, 0x00 },
    { 18, 2, 3, 0x3f, 0x7fe5, 0x8013, 0x5ff2, 0xf54c64331eab93ffULL, 0x9e8f75ba5b4857ccULL, 0xb13203218251c698ULL, 0x20, 0x01 },
    { 18, 0, 3, 0x1f, 0x7fff, 0xffff, 0x7fff, 0xa30deecdbbf3dca9ULL, 0xa30deecdbbf3dca9ULL, 0xe30deecdbbf3dca9ULL, 0x01, 0x00 },
    { 18, 3, 0, 0x3f, 0x9f9f, 0xe488, 0xffff, 0xdd153a540f29f972ULL, 0xc1b030eea19da12eULL, 0xc000000000000000ULL, 0x01, 0x00 },
    { 18, 1, 3, 0x3f, 0x3fc5, 0x2b17, 0x3fe2, 0xf94b9e3323582650ULL, 0x1e4fb48f82f994f0ULL, 0xb2a217592d129d13ULL, 0x20, 0x00 },
    { 18, 3, 3, 0x3f, 0x0000, 0xffff, 0x1ffb, 0x20000000000000ULL, 0x8000000000000000ULL, 0x8000000000000000ULL, 0x02, 0x00 },
    { 18, 2, 2, 0x3f, 0x4024, 0xc008, 0x4011, 0xc48676eea99fffffULL, 0xde0d6741645a861eULL, 0xe04cc9161608b800ULL, 0x20, 0x01 },
    { 18, 0, 3, 0x3f, 0x3fdc, 0x4024, 0x3fed, 0xf36cb40771f66bf8ULL, 0xeb4b082e582327d8ULL, 0xf9a21549408160feULL, 0x20, 0x00 },
    { 18, 0, 2, 0x3f, 0x401e, 0x7fff, 0x400e, 0xabd7d7562e65c1f0ULL, 0xd9a033e000000000ULL, 0xd1be08bd5eede800ULL, 0x20, 0x00 },
    { 18, 1, 2, 0x3f, 0x400d, 0xbfd1, 0x4006, 0xbe43ffffffffffffULL, 0xe000000000000000ULL, 0x9c0ec439652ec000ULL, 0x20, 0x00 },
    { 18, 1, 3, 0x3f, 0x7fff, 0x7fbe, 0x7fff, 0x8000000000000000ULL, 0xdbffffffffffffffULL, 0x8000000000000000ULL, 0x00, 0x00 },
    { 18, 2, 3, 0x3f, 0xc020, 0xbfdf, 0xffff, 0x99f3328f8fffffffULL, 0xcbdf06471d9751b2ULL, 0xc000000000000000ULL, 0x01, 0x00 },
    { 18, 1, 0, 0x3f, 0x4003, 0xc016, 0x4001, 0xf1658ac4ffb24d4dULL, 0xac915a8997da3220ULL, 0xafc7cc0000000000ULL, 0x20, 0x00 },
    { 19, 3, 2, 0x3f, 0xbfe8, 0x3faf, 0xbfad, 0xbf7833a5e04d1722ULL, 0xe43c26121fffffffULL, 0xbd76fe9d14081fe4ULL, 0x00, 0x02 },
    { 19, 0, 3, 0x3f, 0xffff, 0xc3dc, 0xffff, 0x8000000000000000ULL, 0xeddae3634ab5626cULL, 0xc000000000000000ULL, 0x01, 0x00 },
    { 19, 1, 0, 0x3f, 0x3fea, 0x4027, 0x3fea, 0x958a909034221fa2ULL, 0xbc3631364266be47ULL, 0x958a909034221fa2ULL, 0x00, 0x00 },
    { 19, 2, 3, 0x3f, 0x8bb7, 0x3ffd, 0x8bb7, 0xd019a1dc11e7a440ULL, 0xdef75f2cc3294cadULL, 0xd019a1dc11e7a440ULL, 0x00, 0x00 },
    { 19, 3, 0, 0x3f, 0xc013, 0x8041, 0xbfe0, 0xcb5a44cd91334fffULL, 0x80cfe3a69ca00000ULL, 0xe7eeecf1cf400000ULL, 0x00, 0x10 },
    { 19, 0, 3, 0x3f, 0xc033, 0x01eb, 0xc00b, 0xb6349e90f5da3fffULL, 0xe960516fbbffffffULL, 0xcbea44614666d2baULL, 0x00, 0x10 },
    { 19, 3, 0, 0x3f, 0xbfbe, 0x3fbe, 0xbfbe, 0x92c891603d20c254ULL, 0x92c891603d20c255ULL, 0x92c891603d20c254ULL, 0x00, 0x00 },
    { 19, 3, 2, 0x3f, 0xbfee, 0xffcc, 0xbfee, 0x891fe858f52f16f5ULL, 0x8a984a3280000000ULL, 0x891fe858f52f16f5ULL, 0x00, 0x00 },
    { 19, 2, 3, 0x3f, 0x3fdd, 0x3fb9, 0x3fb3, 0xedb35f28550ad18aULL, 0xb4a27004f00b6ee7ULL, 0xf4342f4320cfd640ULL, 0x00, 0x02 },
    { 19, 0, 0, 0x3f, 0xbff0, 0x7fe6, 0xbff0, 0x9a5b8f729d8667a8ULL, 0xef9d8ff2e7f0621eULL, 0x9a5b8f729d8667a8ULL, 0x00, 0x00 },
    { 19, 3, 3, 0x3f, 0x3ff8, 0x3ff1, 0x3fef, 0xed1c372400000000ULL, 0xfa72e012bb40815fULL, 0xb73ea495fa0b6864ULL, 0x00, 0x02 },
    { 19, 3, 0, 0x17, 0x3fe3, 0x402e, 0x3fe3, 0xba457c33391efa15ULL, 0x8788f95474d044d5ULL, 0xba457c33391efa15ULL, 0x00, 0x00 },
    { 19, 2, 2, 0x3f, 0x803e, 0x0000, 0x8010, 0xd9f1e2747903c170ULL, 0xfffffffffffffULL, 0xf3c3c789d1e40000ULL, 0x02, 0x10 },
    { 19, 2, 0, 0x37, 0x3fc9, 0xbfc9, 0x0000, 0xca771f95476f2ecbULL, 0xca771f95476f2ecbULL, 0x0ULL, 0x00, 0x02 },
    { 19, 0, 2, 0x3f, 0x3fe3, 0x3fff, 0x3fe3, 0xe68b886804a76084ULL, 0xd9ee6b7091d27a00ULL, 0xe68b886804a76084ULL, 0x00, 0x00 },
    { 19, 3, 0, 0x3f, 0x801f, 0x001f, 0x8000, 0xb87f7fffffffffffULL, 0xb87f7fffffffffffULL, 0x0ULL, 0x00, 0x02 },
    { 19, 3, 0, 0x07, 0xbfe9, 0x3fa9, 0xbfc4, 0x9a03acf71e997789ULL, 0xb84803fda9f1c0ddULL, 0x969138d78cbee820ULL, 0x00, 0x10 },
    { 19, 2, 0, 0x3f, 0x0000, 0x7ffe, 0x0000, 0x3981355b8000ULL, 0xc3ffffffffffffffULL, 0x3981355b8000ULL, 0x02, 0x00 },
    { 19, 1, 2, 0x3f, 0x402b, 0x4001, 0x4000, 0xec3cb7d67fffffffULL, 0x97dc336f48000000ULL, 0xb80e475740000000ULL, 0x00, 0x08 },
    { 19, 2, 0, 0x07, 0xc03f, 0x3ff1, 0xc010, 0xdd80000000000000ULL, 0x8233cb52a9ae1ffeULL, 0xc2f2e0dbb3f78ff0ULL, 0x00, 0x10 },
    { 19, 2, 0, 0x3f, 0x4041, 0xc079, 0x4041, 0xbd93d865c7cd4e3fULL, 0x9303f29c00000000ULL, 0xbd93d865c7cd4e3fULL, 0x00, 0x00 },
    { 19, 1, 0, 0x3f, 0x3ffe, 0x001a, 0x3fda, 0x8000000000000000ULL, 0xeca9c16931e2ea30ULL, 0xb6438dab97d413a0ULL, 0x00, 0x10 },
    { 19, 1, 2, 0x2f, 0x0041, 0x0043, 0x0041, 0xb3b286bf50000000ULL, 0xd00cf3117a9e4536ULL, 0xb3b286bf50000000ULL, 0x00, 0x00 },
    { 19, 1, 0, 0x3f, 0x0028, 0x3fbb, 0x0028, 0xc6f535b596000000ULL, 0xb1ffffffffffffffULL, 0xc6f535b596000000ULL, 0x00, 0x00 },
    { 20, 2, 3, 0x3f, 0x0000, 0xbff5, 0x0000, 0x600000000000000ULL, 0xf685f2d81ff824a0ULL, 0x600000000000000ULL, 0x02, 0x00 },
    { 20, 3, 2, 0x3f, 0x3fef, 0x401a, 0x3fef, 0xce87f40bffffffffULL, 0xc320a921ae335b79ULL, 0xce87f40bffffffffULL, 0x00, 0x00 },
    { 20, 3, 3, 0x3f, 0x8000, 0xbff8, 0x8000, 0x48b9bb23d9ffffULL, 0xd750f1565243a3caULL, 0x48b9bb23d9ffffULL, 0x02, 0x00 },
    { 20, 2, 2, 0x3f, 0xc041, 0x0000, 0xc020, 0xdd2cdc6c336e888aULL, 0xafffffffffffffffULL, 0xe6dd1116836b3b68ULL, 0x02, 0x10 },
    { 20, 2, 3, 0x3f, 0xbff4, 0xc01c, 0xbff4, 0xc3ea58dc40707ed1ULL, 0xcaf079a65fffffffULL, 0xc3ea58dc40707ed1ULL, 0x00, 0x00 },
    { 20, 2, 3, 0x3f, 0x8037, 0x8000, 0x8004, 0xc000000000000000ULL, 0x7ULL, 0xc000000000000000ULL, 0x02, 0x10 },
    { 20, 3, 0, 0x3f, 0x0000, 0x15b1, 0x0000, 0x2cULL, 0x9e29000c26eabed8ULL, 0x2cULL, 0x02, 0x00 },
    { 20, 3, 3, 0x3f, 0x7fe5, 0xffcb, 0xffc7, 0xcbffffffffffffffULL, 0xbdc3d00000000000ULL, 0x9bbe000040000000ULL, 0x00, 0x0c },
    { 20, 0, 0, 0x07, 0xfd5d, 0x7d5d, 0x7d3d, 0xc493e6a1dfffffffULL, 0xc493e6a2dffffffeULL, 0xffffffff00000000ULL, 0x00, 0x02 },
    { 20, 2, 2, 0x3f, 0x3fdc, 0xbfdc, 0x0000, 0xad5bacc2887fffffULL, 0xad5bacc2887fffffULL, 0x0ULL, 0x00, 0x02 },
    { 20, 3, 0, 0x07, 0x3fcc, 0xbfdb, 0x3fcc, 0xe4ffffffffffffffULL, 0xea376475e73a717fULL, 0xe4ffffffffffffffULL, 0x00, 0x00 },
    { 20, 1, 3, 0x3f, 0xbff4, 0x3ff4, 0x8000, 0xeb5ec00000000000ULL, 0xeb5ec00000000000ULL, 0x0ULL, 0x00, 0x02 },
    { 20, 3, 2, 0x2f, 0x4007, 0x0000, 0x3fe7, 0xbbdb510000000000ULL, 0x26b38ebcbfULL, 0x8376b8e298000000ULL, 0x02, 0x10 },
    { 20, 3, 3, 0x07, 0x3fce, 0xff97, 0x3fce, 0xf90230a91c852220ULL, 0x8313a239c9000000ULL, 0xf90230a91c852220ULL, 0x00, 0x00 },
    { 20, 2, 2, 0x07, 0x403d, 0xc03d, 0x0000, 0xffffffffffffffffULL, 0xffffffffffffffffULL, 0x0ULL, 0x00, 0x02 },
    { 20, 2, 2, 0x27, 0x400d, 0xc00d, 0x0000, 0xd2cf1adf6373acdaULL, 0xd2cf1adf6373acdaULL, 0x0ULL, 0x00, 0x02 },
    { 20, 3, 2, 0x0f, 0xc032, 0x401b, 0xc01a, 0x9744272262f51921ULL, 0xe98f1504b3fc28ffULL, 0x8e2c7bf5776548e4ULL, 0x00, 0x04 },
    { 20, 1, 0, 0x3f, 0xc029, 0x8000, 0xbfef, 0xffa663c92c418fd9ULL, 0x8202ULL, 0xa778000000000000ULL, 0x02, 0x10 },
    { 20, 3, 2, 0x07, 0xbfc4, 0x3fc4, 0x8000, 0x88e4189495f1de84ULL, 0x88e4189495f1de84ULL, 0x0ULL, 0x00, 0x02 },
    { 20, 2, 0, 0x3f, 0x400d, 0x3fba, 0x3fd7, 0xf34eca8f0df27cd9ULL, 0xcdaf800000000000ULL, 0xd3bc000000000000ULL, 0x00, 0x10 },
    { 20, 3, 3, 0x07, 0xd474, 0x7fc8, 0xd474, 0x9207f39ab9e0685fULL, 0xa417679e00000000ULL, 0x9207f39ab9e0685fULL, 0x00, 0x00 },
    { 20, 0, 3, 0x3f, 0x3fcd, 0xfffb, 0x3fcd, 0xd9d1e9a18809e3ddULL, 0x89dedf1915400000ULL, 0xd9d1e9a18809e3ddULL, 0x00, 0x00 },
    { 20, 1, 0, 0x3f, 0x8012, 0x0012, 0x8000, 0xef8a2f0bdd2de726ULL, 0xef8a2f0bdd2de726ULL, 0x0ULL, 0x00, 0x02 },
    { 20, 0, 0, 0x3f, 0xc012, 0xbfe5, 0xbfe4, 0x884e8c65ae0de828ULL, 0x8aad340e9632e4b5ULL, 0x83dc81046f5594d0ULL, 0x00, 0x00 },
    { 21, 2, 2, 0x3f, 0x3fff, 0x7ff0, 0xffff, 0x4000000000000000ULL, 0xedfc6a5a22c221efULL, 0xc000000000000000ULL, 0x01, 0x00 },
    { 21, 3, 2, 0x07, 0xffff, 0xfffe, 0xffff, 0xebeba1f2d54f688dULL, 0x8e288521715187abULL, 0xebeba1f2d54f688dULL, 0x00, 0x00 },
    { 21, 2, 3, 0x3f, 0x4030, 0xbff3, 0x4030, 0x97860e032db589aeULL, 0xb130000000000000ULL, 0x97860e032db5c000ULL, 0x20, 0x01 },
    { 21, 3, 3, 0x07, 0x7fd7, 0x7fd7, 0x7fd7, 0xc219a59d35591533ULL, 0xc219a59e35591532ULL, 0xc219a59d35591533ULL, 0x00, 0x00 },
    { 21, 2, 3, 0x07, 0xa80d, 0xa849, 0x8000, 0xb35aadbfc90ba76fULL, 0xc3094deee97fffffULL, 0x0ULL, 0x20, 0x00 },
    { 21, 3, 2, 0x3f, 0xc040, 0xc039, 0xc040, 0xb53d30cecec31434ULL, 0xd0b9d00000000000ULL, 0xb53d30cecec31434ULL, 0x00, 0x00 },
    { 21, 3, 2, 0x3f, 0x4035, 0x403e, 0x4035, 0xa971a980bca47280ULL, 0x8000000000000000ULL, 0xa971a980bca47200ULL, 0x20, 0x00 },
    { 21, 0, 3, 0x3f, 0xc030, 0x4030, 0xc030, 0xa6aac32993a9ffffULL, 0xa6aac32993a9ffffULL, 0xa6aac32993aa0000ULL, 0x20, 0x01 },
    { 21, 1, 3, 0x3f, 0x4036, 0xc01f, 0x4036, 0x91a436c34704c3ecULL, 0x947c69e306c8bce6ULL, 0x91a436c34704c300ULL, 0x20, 0x00 },
    { 21, 3, 3, 0x3f, 0xffee, 0x3735, 0xffee, 0xee0241ab70746688ULL, 0x9919c823e8b5d779ULL, 0xee0241ab70746688ULL, 0x00, 0x00 },
    { 21, 1, 2, 0x37, 0xbfe5, 0xffb2, 0xbfff, 0xe203ffffffffffffULL, 0xa9866f34d28fce2eULL, 0x8000000000000000ULL, 0x20, 0x01 },
    { 21, 3, 3, 0x3f, 0x7fff, 0x32af, 0x7fff, 0x81fdf40000000000ULL, 0x9a15dc6d115602afULL, 0xc1fdf40000000000ULL, 0x01, 0x00 },
    { 21, 0, 2, 0x07, 0x7ff3, 0xc023, 0x7ff3, 0xeb21ae1b88fe9a12ULL, 0xe38281613020bfffULL, 0xeb21ae1b88fe9a12ULL, 0x00, 0x00 },
    { 21, 1, 3, 0x27, 0x4041, 0xc041, 0x4041, 0x809e5e18eb7ed0d5ULL, 0x809e5e18eb7ed0d8ULL, 0x809e5e18eb7ed0d5ULL, 0x00, 0x00 },
    { 21, 2, 0, 0x07, 0xffff, 0x7fee, 0xffff, 0x8000000000000000ULL, 0xa07ca5912e51bfffULL, 0x8000000000000000ULL, 0x00, 0x00 },
    { 21, 3, 0, 0x3f, 0xbfd7, 0x4003, 0x8000, 0x83dfffffffffffffULL, 0xaac948f138c075f2ULL, 0x0ULL, 0x20, 0x00 },
    { 21, 2, 3, 0x3f, 0x8000, 0xbfd4, 0x8000, 0x6e7ff91a4a278ULL, 0xb270c71f8e2a3f19ULL, 0x0ULL, 0x22, 0x00 },
    { 21, 2, 0, 0x07, 0x7fff, 0x7fe3, 0x7fff, 0xbfffffffffffffffULL, 0xa808200000000000ULL, 0xffffffffffffffffULL, 0x01, 0x00 },
    { 21, 0, 2, 0x07, 0x0000, 0x0004, 0x0000, 0xd93f24ea4fe3b0ULL, 0xd02a143bc4e283acULL, 0x0ULL, 0x22, 0x00 },
    { 21, 0, 3, 0x3f, 0x0933, 0x8933, 0x0000, 0xfeb54af93c825bc9ULL, 0xfeb54af93c825bc9ULL, 0x0ULL, 0x20, 0x00 },
    { 21, 0, 2, 0x3f, 0xbfe7, 0x3fe7, 0x8000, 0xcef0dddde5abbc37ULL, 0xcef0dddde5abbc39ULL, 0x0ULL, 0x20, 0x00 },
    { 21, 0, 3, 0x3f, 0x7fdd, 0x7fe3, 0x7fdd, 0xd800000000000000ULL, 0x8cfc4b7e26952ef2ULL, 0xd800000000000000ULL, 0x00, 0x00 },
    { 21, 2, 3, 0x3f, 0x8044, 0x0022, 0x8000, 0x9ba6a81bb0da0b67ULL, 0xef4776c2cdea01d9ULL, 0x0ULL, 0x20, 0x00 },
    { 21, 0, 3, 0x3f, 0x3fc8, 0xbfc8, 0x0000, 0xdb9a43663f95726dULL, 0xdb9a43663f95726dULL, 0x0ULL, 0x20, 0x00 },
    { 22, 1, 3, 0x3f, 0xbfc1, 0x3fc1, 0xbfc1, 0xf6cac7343eaf6e45ULL, 0xf6cac7343eaf6e46ULL, 0xf6cac7343eaf6e45ULL, 0x00, 0x00 },
    { 22, 2, 2, 0x3f, 0xffff, 0xc005, 0xffff, 0xc000000000000000ULL, 0xa800000000000000ULL, 0xc000000000000000ULL, 0x00, 0x00 },
    { 22, 0, 0, 0x3f, 0x3ff7, 0xc002, 0x3fe9, 0x87f87a1c4239c000ULL, 0xe000000000000000ULL, 0x87f87a1c4239c000ULL, 0x00, 0x00 },
    { 22, 2, 2, 0x07, 0x8000, 0x3ff3, 0xdfc7, 0x21ULL, 0xd13591e48df0fa56ULL, 0x8400000000000000ULL, 0x12, 0x00 },
    { 22, 0, 0, 0x0f, 0x0501, 0x4005, 0x0551, 0x8c97ed293c06c7b9ULL, 0xa000000000000000ULL, 0x8c97ed293c06c7b9ULL, 0x00, 0x00 },
    { 22, 1, 0, 0x1f, 0xe73e, 0xc003, 0xffff, 0x17694bc00bbbdf80ULL, 0x9000000000000000ULL, 0xc000000000000000ULL, 0x01, 0x00 },
    { 22, 1, 3, 0x27, 0x4026, 0x4026, 0x7fff, 0xdff9c7ffffffffffULL, 0xdff9c7ffffffffffULL, 0x8000000000000000ULL, 0x28, 0x01 },
    { 22, 0, 0, 0x3f, 0xf6a8, 0x4005, 0xf6ee, 0x9599f805edecf4a4ULL, 0x8c00000000000000ULL, 0x9599f805edecf4a4ULL, 0x00, 0x00 },
    { 22, 0, 3, 0x3f, 0xc027, 0xc005, 0xbfce, 0xa622cbb149005c23ULL, 0xb200000000000000ULL, 0xa622cbb149005c23ULL, 0x00, 0x00 },
    { 22, 1, 2, 0x3f, 0x8039, 0x4003, 0x8050, 0xf01e22ab11800000ULL, 0xb800000000000000ULL, 0xf01e22ab11800000ULL, 0x00, 0x00 },
    { 22, 3, 3, 0x3f, 0x401d, 0x3ffb, 0x401d, 0xba5cf12fb1539682ULL, 0x83f8460000000000ULL, 0xba5cf12fb1539682ULL, 0x00, 0x00 },
    { 22, 2, 2, 0x3f, 0xffde, 0x4005, 0xfffe, 0xa154842d70ffffffULL, 0x8400000000000000ULL, 0xffffffffffffffffULL, 0x28, 0x00 },
    { 22, 2, 0, 0x07, 0x4000, 0x4004, 0x4022, 0x847d7fa5a6862000ULL, 0x8800000000000000ULL, 0x847d7fa5a6862000ULL, 0x00, 0x00 },
    { 22, 3, 3, 0x3f, 0x8000, 0xc004, 0x8000, 0x2910ULL, 0xf000000000000000ULL, 0x0ULL, 0x32, 0x00 },
    { 22, 3, 2, 0x3f, 0x3fbb, 0xbfbb, 0x3fbb, 0xfa5c634dabed7112ULL, 0xfa5c634eabed7110ULL, 0xfa5c634dabed7112ULL, 0x00, 0x00 },
    { 22, 2, 0, 0x3f, 0xbfc5, 0xc002, 0xbfb6, 0xd069b19127eff3e8ULL, 0xf000000000000000ULL, 0xd069b19127eff3e8ULL, 0x00, 0x00 },
    { 22, 1, 2, 0x3f, 0xc02d, 0x4002, 0xc037, 0x80ca0b64410a9b3eULL, 0xa000000000000000ULL, 0x80ca0b64410a9b3eULL, 0x00, 0x00 },
    { 22, 1, 0, 0x3f, 0x8014, 0x4004, 0x8035, 0xa0f4136ed783c800ULL, 0x8400000000000000ULL, 0xa0f4136ed783c800ULL, 0x00, 0x00 },
    { 22, 0, 2, 0x3f, 0xffff, 0x401e, 0xffff, 0x95c5336a1dff3900ULL, 0xe0d8000000000000ULL, 0xd5c5336a1dff3900ULL, 0x01, 0x00 },
    { 22, 3, 2, 0x07, 0xbfc2, 0xc004, 0xbf86, 0xfc990e3d3f130a93ULL, 0xf000000000000000ULL, 0xfc990e3d3f130a93ULL, 0x00, 0x00 },
    { 22, 3, 0, 0x3f, 0x7fec, 0x4004, 0x7ffe, 0xdafffd6693ba95fbULL, 0xd000000000000000ULL, 0xffffffffffffffffULL, 0x28, 0x00 },
    { 22, 2, 0, 0x07, 0xc020, 0x4020, 0xffff, 0x84ca7194ba85fa38ULL, 0x84ca7194ba85fa38ULL, 0x8000000000000000ULL, 0x28, 0x01 },
    { 22, 1, 0, 0x3f, 0xffec, 0xfffe, 0x8000, 0xa3925b7792135477ULL, 0x9fffffffffffffffULL, 0x1ULL, 0x30, 0x01 },
    { 22, 3, 3, 0x3f, 0xbfee, 0x3fee, 0xbfee, 0xab6ccf7dd81ff130ULL, 0xab6ccf7dd81ff130ULL, 0xab6ccf7dd81ff130ULL, 0x00, 0x00 },
};

static float32 kf32_sqrt(float32 a, float32 b, struct sf_status *s) { (void)b; return f32_sqrt(a, s); }
static float64 kf64_sqrt(float64 a, float64 b, struct sf_status *s) { (void)b; return f64_sqrt(a, s); }
static floatx80 kx_sqrt(floatx80 a, floatx80 b, struct sf_status *s) { (void)b; return fx80_sqrt(a, s); }
static floatx80 kx_rndint(floatx80 a, floatx80 b, struct sf_status *s) { (void)b; return fx80_round_to_int(a, s); }

/* Runs one vector through softfloat: returns result, flags, c1 byte. */
static void kat_run(const struct kat *k, uint64_t *r, uint16_t *rse, uint8_t *flags, uint8_t *c1)
{
    static float32 (*const f32[])(float32, float32, struct sf_status *) = {
        f32_add, f32_sub, f32_mul, f32_div, kf32_sqrt, f32_min, f32_max };
    static float64 (*const f64[])(float64, float64, struct sf_status *) = {
        f64_add, f64_sub, f64_mul, f64_div, kf64_sqrt, f64_min, f64_max };
    static floatx80 (*const x[])(floatx80, floatx80, struct sf_status *) = {
        fx80_add, fx80_sub, fx80_mul, fx80_div, kx_sqrt, NULL, NULL, kx_rndint, fx80_scale };
    struct sf_status s;
    *rse = 0;
    *c1 = 0;
    if (k->op <= KAT_F64_MAX) {
        s = mkst(k->rc, 0, SF_ALL, k->masks & 1, (k->masks >> 1) & 1);
        if (k->op <= KAT_F32_MAX)
            *r = f32[k->op - KAT_F32_ADD]((uint32_t)k->a, (uint32_t)k->b, &s);
        else
            *r = f64[k->op - KAT_F64_ADD](k->a, k->b, &s);
        *flags = s.flags;
        return;
    }
    s = mkst(k->rc, k->pc, k->masks, false, false);
    floatx80 a = { k->a, k->ase }, b = { k->b, k->bse }, res;
    if (k->op == KAT_X_PREM || k->op == KAT_X_PREM1) {
        unsigned q;
        bool inc;
        res = fx80_rem(a, b, k->op == KAT_X_PREM1, &q, &inc, &s);
        *c1 = (uint8_t)((q << 1) | (inc ? 0x10 : 0));
    } else {
        res = x[k->op - KAT_X_ADD](a, b, &s);
        *c1 = s.c1;
    }
    *r = res.sig;
    *rse = res.se;
    *flags = s.flags;
}

START_TEST(test_recorded_vectors)
{
    int fail = 0;
    size_t n = sizeof kat_table / sizeof kat_table[0];
    for (size_t i = 0; i < n; i++) {
        const struct kat *k = &kat_table[i];
        uint64_t r;
        uint16_t rse;
        uint8_t fl, c1;
        kat_run(k, &r, &rse, &fl, &c1);
        if (r != k->r || rse != k->rse || fl != k->flags || c1 != k->c1) {
            if (fail++ < 8)
                printf("KAT MISMATCH #%zu op %u: got %04x:%016" PRIx64 " fl %02x c1 %02x, want %04x:%016" PRIx64
                       " fl %02x c1 %02x\n", i, k->op, rse, r, fl, c1, k->rse, k->r, k->flags, k->c1);
        }
    }
    printf("recorded hardware vectors: %zu checked\n", n);
    ck_assert_int_eq(fail, 0);
}
END_TEST

#if defined(__x86_64__) && !defined(TURTLES_SF_NO_HW)

/* ================================================== x86-64 differential == */

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t rnd64(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* TURTLES_SF_SCALE=k multiplies the iteration counts (soak runs);
 * TURTLES_SF_SEED=n changes the random sequence. */
static int scale_n(int n)
{
    const char *e = getenv("TURTLES_SF_SCALE");
    const char *sd = getenv("TURTLES_SF_SEED");
    if (sd)
        rng_state ^= strtoull(sd, NULL, 0) * 0x9E3779B97F4A7C15ULL + 1;
    return e ? n * atoi(e) : n;
}

static unsigned rndn(unsigned n)
{
    return (unsigned)(rnd64() % n);
}

#include <setjmp.h>
#include <signal.h>
#include <ucontext.h>

typedef struct __attribute__((packed)) {
    uint64_t sig;
    uint16_t se;
} x80mem;

static x80mem tomem(floatx80 a)
{
    x80mem m = { a.sig, a.se };
    return m;
}

static floatx80 frommem(x80mem m)
{
    floatx80 a = { m.sig, m.se };
    return a;
}

/* ---------------------------------------------------------- generators -- */

static const uint32_t f32_special[] = {
    0x00000000, 0x80000000, 0x00000001, 0x80000001, 0x007fffff, 0x807fffff, 0x00800000,
    0x00800001, 0x00400000, 0x3f800000, 0xbf800000, 0x7f7fffff, 0xff7fffff, 0x7f800000,
    0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001, 0xff800001, 0x7fbfffff, 0x7fffffff,
    0x3f000000, 0x4f000000, 0xcf000000, 0x5f000000, 0xdf000000, 0x3effffff, 0x3fc00000,
    0x40400000, 0x4effffff, 0x7f000000, 0x01000000, 0x34000000, 0x33800000, 0x4b000000,
};

static const uint64_t f64_special[] = {
    0, 0x8000000000000000ULL, 1, 0x8000000000000001ULL, 0x000fffffffffffffULL,
    0x0010000000000000ULL, 0x0008000000000000ULL, 0x3ff0000000000000ULL,
    0xbff0000000000000ULL, 0x7fefffffffffffffULL, 0xffefffffffffffffULL,
    0x7ff0000000000000ULL, 0xfff0000000000000ULL, 0x7ff8000000000000ULL,
    0xfff8000000000000ULL, 0x7ff0000000000001ULL, 0x7ff7ffffffffffffULL,
    0x7fffffffffffffffULL, 0x3fe0000000000000ULL, 0x41e0000000000000ULL,
    0xc1e0000000000000ULL, 0x43e0000000000000ULL, 0xc3e0000000000000ULL,
    0x41dfffffffffffffULL, 0x43dfffffffffffffULL, 0x3fdfffffffffffffULL,
    0x3ff8000000000000ULL, 0x4330000000000000ULL, 0x3ca0000000000000ULL,
    0x47efffffe0000000ULL, 0x36a0000000000000ULL, 0x3690000000000000ULL,
    0x380fffffe0000000ULL, 0x3810000000000000ULL,
};

/* Random significand bits with a random number of trailing zeros (exact and
 * halfway cases). */
static uint64_t rnd_sig(void)
{
    uint64_t m = rnd64();
    switch (rndn(4)) {
    case 0: return m & (~0ULL << rndn(64));
    case 1: return m | (~0ULL >> rndn(64));
    default: return m;
    }
}

static uint64_t gen_bin(int ebits, int fbits, const uint64_t *spec, unsigned nspec)
{
    uint64_t emax = (1ULL << ebits) - 1;
    uint64_t bias = emax >> 1;
    uint64_t sign = (uint64_t)rndn(2) << (ebits + fbits);
    uint64_t frac = rnd_sig() >> (64 - fbits);
    uint64_t exp;
    switch (rndn(12)) {
    case 0: return spec[rndn(nspec)];
    case 1: return rnd64() & ((1ULL << (ebits + fbits)) * 2 - 1);
    case 2: exp = 0; break;                        /* denormal / zero */
    case 3: exp = rndn(fbits + 3); break;          /* near underflow */
    case 4: exp = emax - 1 - rndn(4); break;       /* near overflow */
    case 5: exp = emax; break;                     /* inf / NaN */
    case 6: exp = rnd64() % emax; break;
    default: exp = bias - 40 + rndn(80); break;
    }
    return sign | (exp << fbits) | frac;
}

static uint32_t gen_f32(void)
{
    static uint64_t spec[sizeof f32_special / sizeof f32_special[0]];
    for (unsigned i = 0; i < sizeof spec / sizeof spec[0]; i++)
        spec[i] = f32_special[i];
    return (uint32_t)gen_bin(8, 23, spec, sizeof spec / sizeof spec[0]);
}

static uint64_t gen_f64(void)
{
    return gen_bin(11, 52, f64_special, sizeof f64_special / sizeof f64_special[0]);
}

/* Second operand: often related to the first (cancellation, exponent sums
 * near the limits, equal magnitudes). */
static uint64_t gen_related(uint64_t a, int ebits, int fbits, uint64_t (*gen)(void))
{
    uint64_t emax = (1ULL << ebits) - 1;
    uint64_t bias = emax >> 1;
    uint64_t fmask = (1ULL << fbits) - 1;
    uint64_t e = (a >> fbits) & emax;
    switch (rndn(8)) {
    case 0: return a ^ ((uint64_t)rndn(2) << (ebits + fbits));
    case 1: return (a + rndn(7) - 3) ^ ((uint64_t)rndn(2) << (ebits + fbits));
    case 2: { /* exponent so that a*b or a/b lands near the range limits */
        int64_t t = rndn(2) ? (int64_t)(2 * bias - e + rndn(5) - 2) : (int64_t)(e - rndn(fbits + 4));
        if (rndn(2)) t = (int64_t)(e + bias - 1 - rndn(fbits + 4));
        if (t <= 0 || (uint64_t)t >= emax) t = (int64_t)(1 + rndn((unsigned)emax - 1));
        return ((uint64_t)rndn(2) << (ebits + fbits)) | ((uint64_t)t << fbits) | (rnd_sig() >> (64 - fbits));
    }
    case 3: { /* small exponent distance */
        int64_t t = (int64_t)e + (int)rndn(2 * fbits + 6) - fbits - 3;
        if (t < 0) t = 0;
        if ((uint64_t)t >= emax) t = (int64_t)emax - 1;
        return ((uint64_t)rndn(2) << (ebits + fbits)) | ((uint64_t)t << fbits) | (rnd_sig() & fmask);
    }
    default: return gen();
    }
}

static uint64_t gen_f32_64(void) { return gen_f32(); }

static floatx80 gen_x80(void)
{
    static const floatx80 spec[] = {
        { 0, 0 }, { 0, 0x8000 }, { 1, 0 }, { 0x7fffffffffffffffULL, 0 },
        { 0x8000000000000000ULL, 0 }, /* pseudo-denormal */
        { 0x8000000000000000ULL, 1 }, { 0x8000000000000000ULL, 0x3fff },
        { 0xffffffffffffffffULL, 0x7ffe }, { 0x8000000000000000ULL, 0x7fff },
        { 0x8000000000000000ULL, 0xffff }, { 0xc000000000000000ULL, 0xffff },
        { 0xc000000000000000ULL, 0x7fff }, { 0x8000000000000001ULL, 0x7fff },
        { 0xffffffffffffffffULL, 0x7fff }, { 0xbfffffffffffffffULL, 0x7fff },
        { 0x4000000000000000ULL, 0x7fff }, /* pseudo-NaN */
        { 0, 0x7fff },                     /* pseudo-infinity */
        { 0x4000000000000000ULL, 0x3fff }, /* unnormal */
        { 0x8000000000000000ULL, 0x403e }, { 0xffffffffffffffffULL, 0x403d },
        { 0x8000000000000000ULL, 0xc03e }, { 0x8000000000000000ULL, 0x3ffe },
        { 0xc90fdaa22168c235ULL, 0x4000 },
    };
    floatx80 r;
    uint16_t sign = (uint16_t)(rndn(2) << 15);
    r.sig = rnd_sig() | (1ULL << 63);
    switch (rndn(16)) {
    case 0: return spec[rndn(sizeof spec / sizeof spec[0])];
    case 1: r.sig = rnd64(); r.se = (uint16_t)rnd64(); return r;
    case 2: r.sig = rnd_sig() >> rndn(64); r.se = sign; return r;  /* denormal */
    case 3: r.se = (uint16_t)(sign | (1 + rndn(70))); return r;
    case 4: r.se = (uint16_t)(sign | (0x7ffe - rndn(70))); return r;
    case 5: r.se = (uint16_t)(sign | 0x7fff); if (rndn(2)) r.sig = 1ULL << 63; return r;
    case 6: r.se = (uint16_t)(sign | (1 + rndn(0x7ffd))); return r;
    case 7: r.se = (uint16_t)(sign | (0x3fff + rndn(64))); return r; /* integers */
    default: r.se = (uint16_t)(sign | (0x3fff - 70 + rndn(140))); return r;
    }
}

static floatx80 gen_x80_related(floatx80 a)
{
    floatx80 b = a;
    int e = a.se & 0x7fff;
    switch (rndn(8)) {
    case 0: b.se ^= 0x8000; return b;
    case 1: b.sig += rndn(7) - 3; b.se ^= (uint16_t)(rndn(2) << 15); if (!(b.sig >> 63) && e) b.sig |= 1ULL << 63; return b;
    case 2: {
        int t = rndn(2) ? 2 * 16383 - e + (int)rndn(5) - 2 : e + 16382 - (int)rndn(70);
        if (rndn(3) == 0) t = e - (int)rndn(70);
        if (t <= 0 || t >= 0x7fff) t = 1 + (int)rndn(0x7ffd);
        b.se = (uint16_t)((rndn(2) << 15) | t);
        b.sig = rnd_sig() | (1ULL << 63);
        return b;
    }
    case 3: {
        int t = e + (int)rndn(140) - 70;
        if (t < 1) t = 1;
        if (t > 0x7ffe) t = 0x7ffe;
        b.se = (uint16_t)((rndn(2) << 15) | t);
        b.sig = rnd_sig() | (1ULL << 63);
        return b;
    }
    default: return gen_x80();
    }
}

/* --------------------------------------------------- hardware: SSE ------ */

static uint32_t mxcsr_for(const struct sf_status *s)
{
    return 0x1f80u | ((uint32_t)s->round << 13) | (s->ftz ? 0x8000u : 0) | (s->daz ? 0x40u : 0);
}

static void rnd_sse_status(struct sf_status *s)
{
    *s = mkst((int)rndn(4), 0, SF_ALL, rndn(4) == 0, rndn(4) == 0);
}

enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_SQRT, OP_MIN, OP_MAX, OP_NBIN };
static const char *const op_name[] = { "add", "sub", "mul", "div", "sqrt", "min", "max" };

#define SSE_BIN(insn, ty, a, b, mx, fl)                                                 \
    do {                                                                                \
        uint32_t save_, out_;                                                           \
        __asm__ volatile("stmxcsr %[sv]\n\tldmxcsr %[m]\n\t" insn " %[y], %[x]\n\t"     \
                         "stmxcsr %[o]\n\tldmxcsr %[sv]"                                \
                         : [x] "+x"(a), [o] "=m"(out_), [sv] "=m"(save_)                \
                         : [y] "x"(b), [m] "m"(mx));                                    \
        fl = out_ & 0x3f;                                                               \
    } while (0)

static uint32_t hw_f32_bin(int op, uint32_t a, uint32_t b, uint32_t mx, unsigned *fl)
{
    float x, y;
    memcpy(&x, &a, 4);
    memcpy(&y, &b, 4);
    switch (op) {
    case OP_ADD: SSE_BIN("addss", float, x, y, mx, *fl); break;
    case OP_SUB: SSE_BIN("subss", float, x, y, mx, *fl); break;
    case OP_MUL: SSE_BIN("mulss", float, x, y, mx, *fl); break;
    case OP_DIV: SSE_BIN("divss", float, x, y, mx, *fl); break;
    case OP_SQRT: SSE_BIN("sqrtss", float, x, x, mx, *fl); break;
    case OP_MIN: SSE_BIN("minss", float, x, y, mx, *fl); break;
    case OP_MAX: SSE_BIN("maxss", float, x, y, mx, *fl); break;
    }
    uint32_t r;
    memcpy(&r, &x, 4);
    return r;
}

static uint64_t hw_f64_bin(int op, uint64_t a, uint64_t b, uint32_t mx, unsigned *fl)
{
    double x, y;
    memcpy(&x, &a, 8);
    memcpy(&y, &b, 8);
    switch (op) {
    case OP_ADD: SSE_BIN("addsd", double, x, y, mx, *fl); break;
    case OP_SUB: SSE_BIN("subsd", double, x, y, mx, *fl); break;
    case OP_MUL: SSE_BIN("mulsd", double, x, y, mx, *fl); break;
    case OP_DIV: SSE_BIN("divsd", double, x, y, mx, *fl); break;
    case OP_SQRT: SSE_BIN("sqrtsd", double, x, x, mx, *fl); break;
    case OP_MIN: SSE_BIN("minsd", double, x, y, mx, *fl); break;
    case OP_MAX: SSE_BIN("maxsd", double, x, y, mx, *fl); break;
    }
    uint64_t r;
    memcpy(&r, &x, 8);
    return r;
}

typedef float32 (*f32_bin_fn)(float32, float32, struct sf_status *);
typedef float64 (*f64_bin_fn)(float64, float64, struct sf_status *);

static float32 f32_sqrt2(float32 a, float32 b, struct sf_status *s) { (void)b; return f32_sqrt(a, s); }
static float64 f64_sqrt2(float64 a, float64 b, struct sf_status *s) { (void)b; return f64_sqrt(a, s); }

static const f32_bin_fn f32_fns[] = { f32_add, f32_sub, f32_mul, f32_div, f32_sqrt2, f32_min, f32_max };
static const f64_bin_fn f64_fns[] = { f64_add, f64_sub, f64_mul, f64_div, f64_sqrt2, f64_min, f64_max };

static long total_cmp;

#define REPORT(fail, fmt, ...)                                                          \
    do {                                                                                \
        if ((fail)++ < 8)                                                               \
            printf("MISMATCH " fmt "\n", __VA_ARGS__);                                  \
    } while (0)

START_TEST(test_sse_arith)
{
    const int N = scale_n(150000);
    int fail = 0;
    for (int op = 0; op < OP_NBIN; op++) {
        for (int i = 0; i < N; i++) {
            struct sf_status s;
            rnd_sse_status(&s);
            unsigned hf;
            uint32_t a = gen_f32(), b = (uint32_t)gen_related(a, 8, 23, gen_f32_64);
            uint32_t h = hw_f32_bin(op, a, b, mxcsr_for(&s), &hf);
            uint32_t r = f32_fns[op](a, b, &s);
            if (h != r || hf != s.flags)
                REPORT(fail, "f32 %s %08x %08x rc=%d daz=%d ftz=%d: hw %08x fl %02x, sf %08x fl %02x",
                       op_name[op], a, b, s.round, s.daz, s.ftz, h, hf, r, s.flags);
            rnd_sse_status(&s);
            uint64_t c = gen_f64(), d = gen_related(c, 11, 52, gen_f64);
            uint64_t h2 = hw_f64_bin(op, c, d, mxcsr_for(&s), &hf);
            uint64_t r2 = f64_fns[op](c, d, &s);
            if (h2 != r2 || hf != s.flags)
                REPORT(fail, "f64 %s %016" PRIx64 " %016" PRIx64 " rc=%d daz=%d ftz=%d: hw %016" PRIx64
                       " fl %02x, sf %016" PRIx64 " fl %02x",
                       op_name[op], c, d, s.round, s.daz, s.ftz, h2, hf, r2, s.flags);
        }
        printf("sse %-5s: %d float32 + %d float64 comparisons\n", op_name[op], N, N);
        total_cmp += 2L * N;
    }
    ck_assert_int_eq(fail, 0);
}
END_TEST

/* CMPSS via VCMPSS with all 32 predicates (AVX) */
#define CMP_CASE(n)                                                                     \
    case n:                                                                             \
        if (dbl)                                                                        \
            __asm__ volatile("stmxcsr %[sv]\n\tldmxcsr %[m]\n\tvcmpsd $" #n ", %[y], %[x], %[x]\n\t" \
                             "stmxcsr %[o]\n\tldmxcsr %[sv]"                            \
                             : [x] "+x"(xd), [o] "=m"(out), [sv] "=m"(save)             \
                             : [y] "x"(yd), [m] "m"(mx));                               \
        else                                                                            \
            __asm__ volatile("stmxcsr %[sv]\n\tldmxcsr %[m]\n\tvcmpss $" #n ", %[y], %[x], %[x]\n\t" \
                             "stmxcsr %[o]\n\tldmxcsr %[sv]"                            \
                             : [x] "+x"(xf), [o] "=m"(out), [sv] "=m"(save)             \
                             : [y] "x"(yf), [m] "m"(mx));                               \
        break;

static bool hw_cmp(bool dbl, uint64_t a, uint64_t b, unsigned pred, uint32_t mx, unsigned *fl)
{
    float xf = 0, yf = 0;
    double xd = 0, yd = 0;
    uint32_t out = 0, save;
    uint32_t a32 = (uint32_t)a, b32 = (uint32_t)b;
    memcpy(&xf, &a32, 4);
    memcpy(&yf, &b32, 4);
    memcpy(&xd, &a, 8);
    memcpy(&yd, &b, 8);
    switch (pred) {
        CMP_CASE(0) CMP_CASE(1) CMP_CASE(2) CMP_CASE(3) CMP_CASE(4) CMP_CASE(5) CMP_CASE(6)
        CMP_CASE(7) CMP_CASE(8) CMP_CASE(9) CMP_CASE(10) CMP_CASE(11) CMP_CASE(12)
        CMP_CASE(13) CMP_CASE(14) CMP_CASE(15) CMP_CASE(16) CMP_CASE(17) CMP_CASE(18)
        CMP_CASE(19) CMP_CASE(20) CMP_CASE(21) CMP_CASE(22) CMP_CASE(23) CMP_CASE(24)
        CMP_CASE(25) CMP_CASE(26) CMP_CASE(27) CMP_CASE(28) CMP_CASE(29) CMP_CASE(30)
        CMP_CASE(31)
    }
    *fl = out & 0x3f;
    if (dbl) {
        uint64_t r;
        memcpy(&r, &xd, 8);
        return r != 0;
    }
    uint32_t r;
    memcpy(&r, &xf, 4);
    return r != 0;
}

static enum sf_relation hw_comi(bool dbl, bool sig, uint64_t a, uint64_t b, uint32_t mx, unsigned *fl)
{
    uint8_t zf, pf, cf;
    uint32_t out, save;
    float xf, yf;
    double xd, yd;
    uint32_t a32 = (uint32_t)a, b32 = (uint32_t)b;
    memcpy(&xf, &a32, 4);
    memcpy(&yf, &b32, 4);
    memcpy(&xd, &a, 8);
    memcpy(&yd, &b, 8);
#define COMI(insn, X, Y)                                                                \
    __asm__ volatile("stmxcsr %[sv]\n\tldmxcsr %[m]\n\t" insn " %[y], %[x]\n\t"         \
                     "setz %[z]\n\tsetp %[p]\n\tsetc %[c]\n\tstmxcsr %[o]\n\tldmxcsr %[sv]" \
                     : [z] "=r"(zf), [p] "=r"(pf), [c] "=r"(cf), [o] "=m"(out), [sv] "=m"(save) \
                     : [x] "x"(X), [y] "x"(Y), [m] "m"(mx) : "cc")
    if (dbl) {
        if (sig) COMI("comisd", xd, yd); else COMI("ucomisd", xd, yd);
    } else {
        if (sig) COMI("comiss", xf, yf); else COMI("ucomiss", xf, yf);
    }
    *fl = out & 0x3f;
    if (zf && pf && cf) return SF_UNORDERED;
    if (zf) return SF_EQUAL;
    if (cf) return SF_LESS;
    return SF_GREATER;
}

START_TEST(test_sse_compare)
{
    const int N = scale_n(100000);
    int fail = 0;
    for (int i = 0; i < N; i++) {
        struct sf_status s;
        unsigned pred = rndn(32), hf;
        bool dbl = rndn(2);
        rnd_sse_status(&s);
        uint64_t a = dbl ? gen_f64() : gen_f32();
        uint64_t b = rndn(4) == 0 ? a : dbl ? gen_related(a, 11, 52, gen_f64) : gen_related(a, 8, 23, gen_f32_64);
        bool h = hw_cmp(dbl, a, b, pred, mxcsr_for(&s), &hf);
        bool r = dbl ? f64_cmp(a, b, pred, &s) : f32_cmp((uint32_t)a, (uint32_t)b, pred, &s);
        if (h != r || hf != s.flags)
            REPORT(fail, "cmp%s pred %u %" PRIx64 " %" PRIx64 " daz=%d: hw %d fl %02x sf %d fl %02x",
                   dbl ? "sd" : "ss", pred, a, b, s.daz, h, hf, r, s.flags);
        bool sig = rndn(2);
        rnd_sse_status(&s);
        enum sf_relation hr = hw_comi(dbl, sig, a, b, mxcsr_for(&s), &hf);
        enum sf_relation rr = dbl ? f64_comi(a, b, sig, &s) : f32_comi((uint32_t)a, (uint32_t)b, sig, &s);
        if (hr != rr || hf != s.flags)
            REPORT(fail, "%scomi%s %" PRIx64 " %" PRIx64 " daz=%d: hw %d fl %02x sf %d fl %02x",
                   sig ? "" : "u", dbl ? "sd" : "ss", a, b, s.daz, hr, hf, rr, s.flags);
    }
    printf("sse cmp/comi: %d cmpss/sd (32 predicates) + %d (u)comiss/sd comparisons\n", N, N);
    total_cmp += 2L * N;
    ck_assert_int_eq(fail, 0);
}
END_TEST

enum {
    CV_S2D, CV_D2S, CV_I32S, CV_I64S, CV_I32D, CV_I64D, CV_S2I32, CV_S2I32T, CV_S2I64,
    CV_S2I64T, CV_D2I32, CV_D2I32T, CV_D2I64, CV_D2I64T, CV_RCP, CV_RSQRT, CV_N
};
static const char *const cv_name[] = {
    "cvtss2sd", "cvtsd2ss", "cvtsi2ss", "cvtsi2ssq", "cvtsi2sd", "cvtsi2sdq", "cvtss2si",
    "cvttss2si", "cvtss2siq", "cvttss2siq", "cvtsd2si", "cvttsd2si", "cvtsd2siq",
    "cvttsd2siq", "rcpss", "rsqrtss",
};

#define HWCV(insn, IN, OUTV)                                                            \
    __asm__ volatile("stmxcsr %[sv]\n\tldmxcsr %[m]\n\t" insn " %[i], %[o2]\n\t"        \
                     "stmxcsr %[o]\n\tldmxcsr %[sv]"                                    \
                     : [o2] "=x"(OUTV), [o] "=m"(out), [sv] "=m"(save)                  \
                     : [i] "x"(IN), [m] "m"(mx))
#define HWCVI(insn, IN, OUTV)                                                           \
    __asm__ volatile("stmxcsr %[sv]\n\tldmxcsr %[m]\n\t" insn " %[i], %[o2]\n\t"        \
                     "stmxcsr %[o]\n\tldmxcsr %[sv]"                                    \
                     : [o2] "=r"(OUTV), [o] "=m"(out), [sv] "=m"(save)                  \
                     : [i] "x"(IN), [m] "m"(mx))
#define HWCVF(insn, IN, OUTV)                                                           \
    __asm__ volatile("stmxcsr %[sv]\n\tldmxcsr %[m]\n\txorps %[o2], %[o2]\n\t" insn " %[i], %[o2]\n\t" \
                     "stmxcsr %[o]\n\tldmxcsr %[sv]"                                    \
                     : [o2] "=&x"(OUTV), [o] "=m"(out), [sv] "=m"(save)                 \
                     : [i] "r"(IN), [m] "m"(mx))

static uint64_t hw_cvt(int op, uint64_t a, uint32_t mx, unsigned *fl)
{
    uint32_t out, save, a32 = (uint32_t)a;
    float xf, rf;
    double xd, rd;
    int32_t i32;
    int64_t i64, ai = (int64_t)a;
    int32_t ai32 = (int32_t)a;
    uint64_t r = 0;
    memcpy(&xf, &a32, 4);
    memcpy(&xd, &a, 8);
    switch (op) {
    case CV_S2D: HWCV("cvtss2sd", xf, rd); memcpy(&r, &rd, 8); break;
    case CV_D2S: HWCV("cvtsd2ss", xd, rf); memcpy(&a32, &rf, 4); r = a32; break;
    case CV_I32S: HWCVF("cvtsi2ssl", ai32, rf); memcpy(&a32, &rf, 4); r = a32; break;
    case CV_I64S: HWCVF("cvtsi2ssq", ai, rf); memcpy(&a32, &rf, 4); r = a32; break;
    case CV_I32D: HWCVF("cvtsi2sdl", ai32, rd); memcpy(&r, &rd, 8); break;
    case CV_I64D: HWCVF("cvtsi2sdq", ai, rd); memcpy(&r, &rd, 8); break;
    case CV_S2I32: HWCVI("cvtss2si", xf, i32); r = (uint32_t)i32; break;
    case CV_S2I32T: HWCVI("cvttss2si", xf, i32); r = (uint32_t)i32; break;
    case CV_S2I64: HWCVI("cvtss2si", xf, i64); r = (uint64_t)i64; break;
    case CV_S2I64T: HWCVI("cvttss2si", xf, i64); r = (uint64_t)i64; break;
    case CV_D2I32: HWCVI("cvtsd2si", xd, i32); r = (uint32_t)i32; break;
    case CV_D2I32T: HWCVI("cvttsd2si", xd, i32); r = (uint32_t)i32; break;
    case CV_D2I64: HWCVI("cvtsd2si", xd, i64); r = (uint64_t)i64; break;
    case CV_D2I64T: HWCVI("cvttsd2si", xd, i64); r = (uint64_t)i64; break;
    case CV_RCP: HWCV("rcpss", xf, rf); memcpy(&a32, &rf, 4); r = a32; break;
    case CV_RSQRT: HWCV("rsqrtss", xf, rf); memcpy(&a32, &rf, 4); r = a32; break;
    }
    *fl = out & 0x3f;
    return r;
}

static uint64_t sf_cvt(int op, uint64_t a, struct sf_status *s)
{
    uint32_t a32 = (uint32_t)a;
    switch (op) {
    case CV_S2D: return f32_to_f64(a32, s);
    case CV_D2S: return f64_to_f32(a, s);
    case CV_I32S: return i32_to_f32((int32_t)a32, s);
    case CV_I64S: return i64_to_f32((int64_t)a, s);
    case CV_I32D: return i32_to_f64((int32_t)a32, s);
    case CV_I64D: return i64_to_f64((int64_t)a, s);
    case CV_S2I32: return (uint32_t)f32_to_i32(a32, s);
    case CV_S2I32T: return (uint32_t)f32_to_i32_trunc(a32, s);
    case CV_S2I64: return (uint64_t)f32_to_i64(a32, s);
    case CV_S2I64T: return (uint64_t)f32_to_i64_trunc(a32, s);
    case CV_D2I32: return (uint32_t)f64_to_i32(a, s);
    case CV_D2I32T: return (uint32_t)f64_to_i32_trunc(a, s);
    case CV_D2I64: return (uint64_t)f64_to_i64(a, s);
    case CV_D2I64T: return (uint64_t)f64_to_i64_trunc(a, s);
    case CV_RCP: return f32_rcp(a32, s);
    case CV_RSQRT: return f32_rsqrt(a32, s);
    }
    return 0;
}

static uint64_t gen_int(bool wide)
{
    uint64_t v = rnd64() >> rndn(64);
    if (rndn(4) == 0) v = (uint64_t)rndn(5) - 2 + (1ULL << rndn(64));
    if (rndn(2)) v = 0 - v;
    return wide ? v : (uint32_t)v;
}

/* relative error of an approximation a vs exact value given as double */
static double approx_err(uint32_t r, double exact)
{
    float f;
    memcpy(&f, &r, 4);
    return (f - exact) / exact;
}

START_TEST(test_sse_convert)
{
    const int N = scale_n(60000);
    int fail = 0;
    double max_rcp = 0, max_rsq = 0;
    long napprox = 0;
    for (int op = 0; op < CV_N; op++) {
        for (int i = 0; i < N; i++) {
            struct sf_status s;
            unsigned hf;
            rnd_sse_status(&s);
            uint64_t a;
            switch (op) {
            case CV_I32S: case CV_I32D: a = gen_int(false); break;
            case CV_I64S: case CV_I64D: a = gen_int(true); break;
            case CV_D2S: case CV_D2I32: case CV_D2I32T: case CV_D2I64: case CV_D2I64T: a = gen_f64(); break;
            default: a = gen_f32(); break;
            }
            uint64_t h = hw_cvt(op, a, mxcsr_for(&s), &hf);
            uint64_t r = sf_cvt(op, a, &s);
            if (op == CV_RCP || op == CV_RSQRT) {
                /* also check the architectural error bound on normal inputs */
                uint32_t a32 = (uint32_t)a;
                float x;
                memcpy(&x, &a32, 4);
                uint32_t ex = (a32 >> 23) & 0xff;
                if (ex != 0 && ex != 0xff && (op == CV_RSQRT ? !(a32 >> 31) : ex < 253)) {
                    double exact = op == CV_RCP ? 1.0 / x : 1.0 / __builtin_sqrt(x);
                    double e1 = __builtin_fabs(approx_err((uint32_t)r, exact));
                    double *mx = op == CV_RCP ? &max_rcp : &max_rsq;
                    if (e1 > *mx) *mx = e1;
                    napprox++;
                    if (e1 > 1.5 / 4096)
                        REPORT(fail, "%s %08x: sf %08x (err %g)", cv_name[op], a32, (uint32_t)r, e1);
                }
            }
            if (h != r || hf != s.flags)
                REPORT(fail, "%s %" PRIx64 " rc=%d daz=%d ftz=%d: hw %" PRIx64 " fl %02x sf %" PRIx64 " fl %02x",
                       cv_name[op], a, s.round, s.daz, s.ftz, h, hf, r, s.flags);
        }
        total_cmp += N;
    }
    printf("sse conversions: %d comparisons each for %d operations (rcpss/rsqrtss max rel err %.3g / %.3g on %ld)\n",
           N, CV_N, max_rcp, max_rsq, napprox);
    ck_assert_int_eq(fail, 0);
}
END_TEST

/* Unmasked SSE exceptions fault (#XM -> SIGFPE): the handler records MXCSR
 * from the signal frame and jumps back; nothing is written to the destination. */
static sigjmp_buf fpe_jmp;
static volatile uint32_t fpe_mxcsr;

static void fpe_handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    (void)sig;
    (void)si;
    fpe_mxcsr = uc->uc_mcontext.fpregs->mxcsr;
    siglongjmp(fpe_jmp, 1);
}

static bool hw_try_bin(int op, bool dbl, uint64_t a, uint64_t b, uint32_t mx, uint64_t *h, unsigned *hf)
{
    volatile uint64_t va = a, vb = b;
    if (sigsetjmp(fpe_jmp, 1) == 0) {
        *h = dbl ? hw_f64_bin(op, va, vb, mx, hf) : hw_f32_bin(op, (uint32_t)va, (uint32_t)vb, mx, hf);
        return false;
    }
    uint32_t def = 0x1f80;
    __asm__ volatile("ldmxcsr %0" : : "m"(def));
    *hf = fpe_mxcsr & 0x3f;
    *h = 0;
    return true;
}

static bool hw_try_cvt(int op, uint64_t a, uint32_t mx, uint64_t *h, unsigned *hf)
{
    volatile uint64_t va = a;
    if (sigsetjmp(fpe_jmp, 1) == 0) {
        *h = hw_cvt(op, va, mx, hf);
        return false;
    }
    uint32_t def = 0x1f80;
    __asm__ volatile("ldmxcsr %0" : : "m"(def));
    *hf = fpe_mxcsr & 0x3f;
    *h = 0;
    return true;
}

static bool hw_try_cmp(bool dbl, uint64_t a, uint64_t b, unsigned pred, uint32_t mx, uint64_t *h, unsigned *hf)
{
    volatile uint64_t va = a, vb = b;
    if (sigsetjmp(fpe_jmp, 1) == 0) {
        *h = hw_cmp(dbl, va, vb, pred, mx, hf);
        return false;
    }
    uint32_t def = 0x1f80;
    __asm__ volatile("ldmxcsr %0" : : "m"(def));
    *hf = fpe_mxcsr & 0x3f;
    *h = 0;
    return true;
}

START_TEST(test_sse_unmasked)
{
    const int N = scale_n(40000);
    int fail = 0;
    long faults = 0;
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fpe_handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGFPE, &sa, &old);
    for (int op = OP_ADD; op <= OP_SQRT; op++) {
        for (int i = 0; i < N; i++) {
            struct sf_status s;
            rnd_sse_status(&s);
            s.masks = (uint8_t)rndn(64);
            bool dbl = rndn(2);
            uint64_t a = dbl ? gen_f64() : gen_f32();
            uint64_t b = dbl ? gen_related(a, 11, 52, gen_f64) : gen_related(a, 8, 23, gen_f32_64);
            uint32_t mx = (mxcsr_for(&s) & ~0x1f80u) | ((uint32_t)s.masks << 7);
            unsigned hf;
            uint64_t h;
            bool faulted = hw_try_bin(op, dbl, a, b, mx, &h, &hf);
            faults += faulted;
            uint64_t r = dbl ? f64_fns[op](a, b, &s) : f32_fns[op]((uint32_t)a, (uint32_t)b, &s);
            bool sf_fault = (s.flags & ~s.masks) != 0;
            if (hf != s.flags || faulted != sf_fault || (!faulted && h != r))
                REPORT(fail, "unmasked %s%s %" PRIx64 " %" PRIx64 " masks=%02x rc=%d daz=%d ftz=%d: hw %" PRIx64
                       " fl %02x fault %d, sf %" PRIx64 " fl %02x",
                       op_name[op], dbl ? "sd" : "ss", a, b, s.masks, s.round, s.daz, s.ftz, (uint64_t)h,
                       (unsigned)hf, (int)faulted, r, s.flags);
        }
        total_cmp += N;
    }
    for (int op = CV_S2D; op <= CV_D2I64T; op++) {
        for (int i = 0; i < N; i++) {
            struct sf_status s;
            rnd_sse_status(&s);
            s.masks = (uint8_t)rndn(64);
            uint64_t a;
            switch (op) {
            case CV_I32S: case CV_I32D: a = gen_int(false); break;
            case CV_I64S: case CV_I64D: a = gen_int(true); break;
            case CV_D2S: case CV_D2I32: case CV_D2I32T: case CV_D2I64: case CV_D2I64T: a = gen_f64(); break;
            default: a = gen_f32(); break;
            }
            uint32_t mx = (mxcsr_for(&s) & ~0x1f80u) | ((uint32_t)s.masks << 7);
            unsigned hf;
            uint64_t h;
            bool faulted = hw_try_cvt(op, a, mx, &h, &hf);
            faults += faulted;
            uint64_t r = sf_cvt(op, a, &s);
            bool sf_fault = (s.flags & ~s.masks) != 0;
            if (hf != s.flags || faulted != sf_fault || (!faulted && h != r))
                REPORT(fail, "unmasked %s %" PRIx64 " masks=%02x rc=%d daz=%d ftz=%d: hw %" PRIx64
                       " fl %02x fault %d, sf %" PRIx64 " fl %02x",
                       cv_name[op], a, s.masks, s.round, s.daz, s.ftz, h, hf, (int)faulted, r, s.flags);
        }
        total_cmp += N;
    }
    for (int i = 0; i < N; i++) {
        struct sf_status s;
        rnd_sse_status(&s);
        s.masks = (uint8_t)rndn(64);
        bool dbl = rndn(2);
        unsigned pred = rndn(32), hf;
        uint64_t a = dbl ? gen_f64() : gen_f32();
        uint64_t b = dbl ? gen_related(a, 11, 52, gen_f64) : gen_related(a, 8, 23, gen_f32_64);
        uint32_t mx = (mxcsr_for(&s) & ~0x1f80u) | ((uint32_t)s.masks << 7);
        uint64_t h;
        bool faulted = hw_try_cmp(dbl, a, b, pred, mx, &h, &hf);
        faults += faulted;
        bool r = dbl ? f64_cmp(a, b, pred, &s) : f32_cmp((uint32_t)a, (uint32_t)b, pred, &s);
        bool sf_fault = (s.flags & ~s.masks) != 0;
        if (hf != s.flags || faulted != sf_fault || (!faulted && h != r))
            REPORT(fail, "unmasked cmp pred %u %" PRIx64 " %" PRIx64 " masks=%02x: hw %" PRIx64 " fl %02x fault %d, sf %d fl %02x",
                   pred, a, b, s.masks, h, hf, (int)faulted, r, s.flags);
    }
    total_cmp += N;
    sigaction(SIGFPE, &old, NULL);
    printf("sse unmasked exceptions: %d comparisons each for add/sub/mul/div/sqrt, 14 conversions, cmpss/sd (%ld #XM faults)\n",
           N, faults);
    ck_assert_int_eq(fail, 0);
}
END_TEST

#define RND_CASE(n, insn, X)                                                            \
    case n:                                                                             \
        __asm__ volatile("stmxcsr %[sv]\n\tldmxcsr %[m]\n\t" insn " $" #n ", %[x], %[x]\n\t" \
                         "stmxcsr %[o]\n\tldmxcsr %[sv]"                                \
                         : [x] "+x"(X), [o] "=m"(out), [sv] "=m"(save) : [m] "m"(mx));  \
        break;
#define RND_CASES(insn, X)                                                              \
    RND_CASE(0, insn, X) RND_CASE(1, insn, X) RND_CASE(2, insn, X) RND_CASE(3, insn, X)   \
    RND_CASE(4, insn, X) RND_CASE(5, insn, X) RND_CASE(6, insn, X) RND_CASE(7, insn, X)   \
    RND_CASE(8, insn, X) RND_CASE(9, insn, X) RND_CASE(10, insn, X) RND_CASE(11, insn, X) \
    RND_CASE(12, insn, X) RND_CASE(13, insn, X) RND_CASE(14, insn, X) RND_CASE(15, insn, X)

static uint64_t hw_round(bool dbl, uint64_t a, unsigned imm, uint32_t mx, unsigned *fl)
{
    uint32_t out = 0, save, a32 = (uint32_t)a;
    float xf;
    double xd;
    memcpy(&xf, &a32, 4);
    memcpy(&xd, &a, 8);
    if (dbl) {
        switch (imm) { RND_CASES("roundsd", xd) }
        memcpy(&a, &xd, 8);
    } else {
        switch (imm) { RND_CASES("roundss", xf) }
        memcpy(&a32, &xf, 4);
        a = a32;
    }
    *fl = out & 0x3f;
    return a;
}

START_TEST(test_sse_round)
{
    const int N = scale_n(100000);
    int fail = 0;
    for (int i = 0; i < N; i++) {
        struct sf_status s;
        unsigned hf, imm = rndn(16);
        bool dbl = rndn(2);
        rnd_sse_status(&s);
        uint64_t a = dbl ? gen_f64() : gen_f32();
        uint64_t h = hw_round(dbl, a, imm, mxcsr_for(&s), &hf);
        uint64_t r = dbl ? f64_round(a, imm, &s) : f32_round((uint32_t)a, imm, &s);
        if (h != r || hf != s.flags)
            REPORT(fail, "round%s imm %u %" PRIx64 " rc=%d daz=%d: hw %" PRIx64 " fl %02x sf %" PRIx64 " fl %02x",
                   dbl ? "sd" : "ss", imm, a, s.round, s.daz, h, hf, r, s.flags);
    }
    printf("sse roundss/sd: %d comparisons\n", N);
    total_cmp += N;
    ck_assert_int_eq(fail, 0);
}
END_TEST

/* --------------------------------------------------- hardware: x87 ------ */

static uint16_t cw_for(const struct sf_status *s)
{
    return (uint16_t)(0x40 | s->masks | (s->prec << 8) | (s->round << 10));
}

/* Random x87 control: usually everything masked; sometimes OE/UE/PE (or all)
 * unmasked, to exercise the bias-adjusted results. */
static void rnd_x87_status(struct sf_status *s)
{
    static const uint8_t pcs[4] = { SF_P24, 1 /* reserved: acts as 64 */, SF_P53, SF_P64 };
    int masks = SF_ALL;
    switch (rndn(8)) {
    case 0: masks = SF_ALL & ~(SF_OE | SF_UE | SF_PE) & (int)rnd64() ; masks |= SF_IE | SF_DE | SF_ZE; break;
    case 1: masks = (int)rndn(64); break;
    default: break;
    }
    *s = mkst((int)rndn(4), pcs[rndn(4)], masks, false, false);
}

#define X87_SW_FLAGS 0x3f
#define X87_C1 0x200

/* st0 = a, st1 = b; run insn; result st0 (and st1 in *r2 if requested). */
#define X87_RUN(insn)                                                                   \
    __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t" insn "\n\t"  \
                     "fnstsw %[sw]\n\tfnclex\n\tfstpt %[r]\n\tfstpt %[r2]\n\tfninit"    \
                     : [r] "=m"(r), [r2] "=m"(r2), [sw] "=m"(sw)                        \
                     : [a] "m"(ma), [b] "m"(mb), [cw] "m"(cw))

enum {
    X_ADD, X_SUB, X_MUL, X_DIV, X_SQRT, X_PREM, X_PREM1, X_RNDINT, X_SCALE, X_XTRACT,
    X_COM, X_UCOM, X_F2XM1, X_YL2X, X_YL2XP1, X_PATAN, X_SIN, X_COS, X_SINCOS, X_PTAN, X_N
};
static const char *const x_name[] = {
    "fadd", "fsub", "fmul", "fdiv", "fsqrt", "fprem", "fprem1", "frndint", "fscale",
    "fxtract", "fcom", "fucom", "f2xm1", "fyl2x", "fyl2xp1", "fpatan", "fsin", "fcos",
    "fsincos", "fptan",
};

static floatx80 hw_x87(int op, floatx80 a, floatx80 b, uint16_t cw, uint16_t *swp, floatx80 *second)
{
    x80mem ma = tomem(a), mb = tomem(b), r = { 0, 0 }, r2 = { 0, 0 };
    uint16_t sw = 0;
    switch (op) {
    case X_ADD: X87_RUN("fadd %%st(1), %%st"); break;
    case X_SUB: X87_RUN("fsub %%st(1), %%st"); break;
    case X_MUL: X87_RUN("fmul %%st(1), %%st"); break;
    case X_DIV: X87_RUN("fdiv %%st(1), %%st"); break;
    case X_SQRT: X87_RUN("fsqrt"); break;
    case X_PREM: X87_RUN("fprem"); break;
    case X_PREM1: X87_RUN("fprem1"); break;
    case X_RNDINT: X87_RUN("frndint"); break;
    case X_SCALE: X87_RUN("fscale"); break;
    case X_XTRACT: X87_RUN("fxtract"); break;          /* st0 = sig, st1 = exp */
    case X_COM: X87_RUN("fcom %%st(1)"); break;
    case X_UCOM: X87_RUN("fucom %%st(1)"); break;
    case X_F2XM1: X87_RUN("f2xm1"); break;
    case X_YL2X: X87_RUN("fyl2x\n\tfld1\n\tfxch"); break; /* pops; keep depth 2 */
    case X_YL2XP1: X87_RUN("fyl2xp1\n\tfld1\n\tfxch"); break;
    case X_PATAN: X87_RUN("fpatan\n\tfld1\n\tfxch"); break;
    case X_SIN: X87_RUN("fsin"); break;
    case X_COS: X87_RUN("fcos"); break;
    case X_SINCOS: X87_RUN("fxch\n\tfstp %%st(0)\n\tfsincos"); break; /* st0 = cos, st1 = sin */
    case X_PTAN: X87_RUN("fxch\n\tfstp %%st(0)\n\tfptan\n\tfstp %%st(0)"); break;
    }
    *swp = sw;
    if (second)
        *second = frommem(r2);
    return frommem(r);
}

static uint16_t rel_to_cc(enum sf_relation r)
{
    switch (r) {
    case SF_GREATER: return 0;
    case SF_LESS: return 0x0100;
    case SF_EQUAL: return 0x4000;
    default: return 0x4500;
    }
}

/* ulp distance between two finite floatx80 of the same sign, or large */
static uint64_t x80_ulps(floatx80 a, floatx80 b)
{
    if (x80_eq(a, b))
        return 0;
    if ((a.se ^ b.se) & 0x8000)
        return ~0ULL;
    int ea = a.se & 0x7fff, eb = b.se & 0x7fff;
    if (ea == 0x7fff || eb == 0x7fff)
        return ~0ULL;
    if (ea == eb)
        return a.sig > b.sig ? a.sig - b.sig : b.sig - a.sig;
    if (ea == eb + 1 && a.sig == 0x8000000000000000ULL)
        return 0 - b.sig; /* b just below the binade (in b's ulps) */
    if (eb == ea + 1 && b.sig == 0x8000000000000000ULL)
        return 0 - a.sig;
    return ~0ULL;
}

static int check_x87_op(int op, int n)
{
    int fail = 0;
    uint64_t maxulp = 0;
    long ncmp = 0;
    for (int i = 0; i < n; i++) {
        struct sf_status s;
        rnd_x87_status(&s);
        floatx80 a = gen_x80(), b = gen_x80_related(a);
        bool trans = op >= X_F2XM1;
        if (trans) {
            s.masks = SF_ALL;
            s.prec = SF_P64;
            /* keep operands in the documented domains */
            if (op == X_F2XM1 && rndn(8)) { a.se = (uint16_t)((a.se & 0x8000) | (0x3fff - rndn(70))); a.sig |= 1ULL << 63; }
            if (op == X_YL2XP1 && rndn(8)) { a.se = (uint16_t)((a.se & 0x8000) | (0x3ffd - rndn(70))); a.sig |= 1ULL << 63; }
            if (op == X_YL2XP1 && (a.se & 0x7fff) >= 0x3ffe && (a.se & 0x7fff) != 0x7fff) {
                /* |x| >= 0.5 lies outside the architectural domain (1 - sqrt(2)/2); only
                 * x <= -1 (operand returned) is pinned down, others are skipped */
                if (!(a.se & 0x8000) || (a.se & 0x7fff) < 0x3fff) { i--; continue; }
            }
        }
        if (op == X_SCALE && rndn(4)) {
            int sh = (int)rndn(18);
            b = fx80_from_i32((int32_t)((rnd64() >> 40) >> sh) * (rndn(2) ? 1 : -1), &s);
            if (rndn(4) == 0) b.sig |= rnd64() >> 20; /* fractional scale */
        }
        uint16_t sw;
        floatx80 h2;
        floatx80 h = hw_x87(op, a, b, cw_for(&s), &sw, &h2);
        floatx80 r = { 0, 0 }, r2 = { 0, 0 };
        uint16_t cc = 0, ccmask = 0; /* condition codes to compare (besides C1) */
        bool ok = true, cmp_val = true, cmp_c1 = true;
        unsigned q;
        bool inc;
        switch (op) {
        case X_ADD: r = fx80_add(a, b, &s); break;
        case X_SUB: r = fx80_sub(a, b, &s); break;
        case X_MUL: r = fx80_mul(a, b, &s); break;
        case X_DIV: r = fx80_div(a, b, &s); break;
        case X_SQRT: r = fx80_sqrt(a, &s); break;
        case X_PREM:
        case X_PREM1:
            r = fx80_rem(a, b, op == X_PREM1, &q, &inc, &s);
            cc = (uint16_t)((inc ? 0x400 : 0) | ((q & 4) ? 0x100 : 0) | ((q & 2) ? 0x4000 : 0));
            ccmask = 0x4500;
            if (!(sw & 0x400)) { cc |= (q & 1) ? 0x200 : 0; cmp_c1 = false; ccmask |= 0x200; }
            break;
        case X_RNDINT: r = fx80_round_to_int(a, &s); break;
        case X_SCALE: r = fx80_scale(a, b, &s); break;
        case X_XTRACT: {
            floatx80 e, m;
            fx80_extract(a, &e, &m, &s);
            r = m; r2 = e;
            if (!x80_eq(h2, r2) && !((sw & 0x3f & ~s.masks)))
                ok = false;
            break;
        }
        case X_COM:
        case X_UCOM:
            cc = rel_to_cc(fx80_compare(a, b, op == X_UCOM, &s));
            ccmask = 0x4500;
            cmp_val = false;
            break;
        case X_F2XM1: r = fx80_f2xm1(a, &s); break;
        case X_YL2X: r = fx80_yl2x(a, b, &s); break;
        case X_YL2XP1: r = fx80_yl2xp1(a, b, &s); break;
        case X_PATAN: r = fx80_atan2(b, a, &s); break;
        case X_SIN:
        case X_COS:
        case X_PTAN: {
            bool inrange = op == X_SIN ? fx80_sin(a, &r, &s) : op == X_COS ? fx80_cos(a, &r, &s) : fx80_tan(a, &r, &s);
            if (!inrange) r = a;
            cc = inrange ? 0 : 0x400;
            ccmask = 0x400;
            break;
        }
        case X_SINCOS: {
            bool inrange = fx80_sincos(a, &r2, &r, &s);
            if (!inrange) { r = a; r2 = b; }
            cc = inrange ? 0 : 0x400;
            ccmask = 0x400;
            if (inrange && x80_ulps(h2, r2) > 1) ok = false;
            break;
        }
        }
        unsigned hflags = sw & X87_SW_FLAGS;
        bool unmasked_pre = (hflags & ~s.masks & (SF_IE | SF_DE | SF_ZE)) != 0;
        if (trans) {
            /* compare IE/ZE, condition codes, and the value within 1 ulp */
            uint64_t u = x80_ulps(h, r);
            bool both_nan = (h.se & 0x7fff) == 0x7fff && (r.se & 0x7fff) == 0x7fff && x80_eq(h, r);
            if ((sw & 0x400) && (cc & 0x400))
                u = 0; /* out of range: operand left unchanged (stack shape differs in the harness) */
            if (u != ~0ULL && u > maxulp) maxulp = u;
            if ((hflags & (SF_IE | SF_ZE)) != (s.flags & (SF_IE | SF_ZE)) || (sw & ccmask) != cc ||
                (!both_nan && u > 1) || !ok)
                REPORT(fail, "%s a=%04x:%016" PRIx64 " b=%04x:%016" PRIx64 " rc=%d: hw %04x:%016" PRIx64
                       " sw %04x (2nd %04x:%016" PRIx64 ") sf %04x:%016" PRIx64 " fl %02x (2nd %04x:%016" PRIx64 ")",
                       x_name[op], a.se, a.sig, b.se, b.sig, s.round, h.se, h.sig, sw, h2.se, h2.sig,
                       r.se, r.sig, s.flags, r2.se, r2.sig);
        } else {
            bool bad = hflags != s.flags || (sw & ccmask) != cc;
            if (cmp_val && !unmasked_pre && !x80_eq(h, r)) bad = true;
            if (cmp_val && cmp_c1 && !unmasked_pre && ((sw & X87_C1) != 0) != s.c1) bad = true;
            if (!ok) bad = true;
            if (bad)
                REPORT(fail, "%s a=%04x:%016" PRIx64 " b=%04x:%016" PRIx64 " cw=%04x: hw %04x:%016" PRIx64
                       " sw %04x (2nd %04x:%016" PRIx64 ") sf %04x:%016" PRIx64 " fl %02x c1 %d cc %04x",
                       x_name[op], a.se, a.sig, b.se, b.sig, cw_for(&s), h.se, h.sig, sw, h2.se,
                       h2.sig, r.se, r.sig, s.flags, s.c1, cc);
        }
        ncmp++;
    }
    if (op >= X_F2XM1)
        printf("x87 %-8s: %ld comparisons (max %" PRIu64 " ulp)\n", x_name[op], ncmp, maxulp);
    else
        printf("x87 %-8s: %ld comparisons\n", x_name[op], ncmp);
    total_cmp += ncmp;
    return fail;
}

START_TEST(test_x87_arith)
{
    int fail = 0;
    for (int op = X_ADD; op <= X_UCOM; op++)
        fail += check_x87_op(op, scale_n(150000));
    ck_assert_int_eq(fail, 0);
}
END_TEST

START_TEST(test_x87_transcendental)
{
    int fail = 0;
    for (int op = X_F2XM1; op < X_N; op++)
        fail += check_x87_op(op, scale_n(30000));
    ck_assert_int_eq(fail, 0);
}
END_TEST

/* x87 memory-operand forms: fx80_arith_f32/f64, fx80_compare_f32; integer
 * forms are the exact composition fx80_add(st0, fx80_from_i32(m)). */
enum { XM_ADDS, XM_SUBRS, XM_MULL, XM_DIVL, XM_DIVRL, XM_COMS, XM_IADDL, XM_IDIVS, XM_N };
static const char *const xm_name[] = {
    "fadds", "fsubrs", "fmull", "fdivl", "fdivrl", "fcoms", "fiaddl", "fidivs",
};

#define X87_MEM(insn, M)                                                                \
    __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[a]\n\t" insn " %[m]\n\t"          \
                     "fnstsw %[sw]\n\tfnclex\n\tfstpt %[r]\n\tfninit"                    \
                     : [r] "=m"(r), [sw] "=m"(sw) : [a] "m"(ma), [m] "m"(M), [cw] "m"(cw))

START_TEST(test_x87_memops)
{
    const int N = scale_n(40000);
    int fail = 0;
    for (int op = 0; op < XM_N; op++) {
        for (int i = 0; i < N; i++) {
            struct sf_status s;
            rnd_x87_status(&s);
            s.masks |= SF_IE | SF_DE | SF_ZE;
            floatx80 a = gen_x80(), res = { 0, 0 };
            uint32_t m32 = gen_f32();
            uint64_t m64 = gen_f64();
            int32_t i32 = (int32_t)gen_int(false);
            int16_t i16 = (int16_t)gen_int(false);
            x80mem ma = tomem(a), r = { 0, 0 };
            uint16_t sw, cw = cw_for(&s), cc = 0;
            switch (op) {
            case XM_ADDS: X87_MEM("fadds", m32); res = fx80_arith_f32(SF_FADD, a, m32, &s); break;
            case XM_SUBRS: X87_MEM("fsubrs", m32); res = fx80_arith_f32(SF_FSUBR, a, m32, &s); break;
            case XM_MULL: X87_MEM("fmull", m64); res = fx80_arith_f64(SF_FMUL, a, m64, &s); break;
            case XM_DIVL: X87_MEM("fdivl", m64); res = fx80_arith_f64(SF_FDIV, a, m64, &s); break;
            case XM_DIVRL: X87_MEM("fdivrl", m64); res = fx80_arith_f64(SF_FDIVR, a, m64, &s); break;
            case XM_COMS:
                X87_MEM("fcoms", m32);
                cc = rel_to_cc(fx80_compare_f32(a, m32, false, &s));
                break;
            case XM_IADDL: X87_MEM("fiaddl", i32); res = fx80_add(a, fx80_from_i32(i32, &s), &s); break;
            case XM_IDIVS: X87_MEM("fidivs", i16); res = fx80_div(a, fx80_from_i16(i16, &s), &s); break;
            }
            floatx80 h = frommem(r);
            bool bad = (sw & 0x3f) != s.flags;
            if (op == XM_COMS)
                bad |= (sw & 0x4500) != cc;
            else
                bad |= !x80_eq(h, res) || ((sw & X87_C1) != 0) != s.c1;
            if (bad)
                REPORT(fail, "%s a=%04x:%016" PRIx64 " m=%" PRIx64 "/%" PRIx32 " cw=%04x: hw %04x:%016" PRIx64
                       " sw %04x, sf %04x:%016" PRIx64 " fl %02x cc %04x",
                       xm_name[op], a.se, a.sig, m64, m32, cw, h.se, h.sig, sw, res.se, res.sig, s.flags, cc);
        }
        total_cmp += N;
    }
    printf("x87 memory-operand forms: %d comparisons each for %d operations\n", N, XM_N);
    ck_assert_int_eq(fail, 0);
}
END_TEST

/* x87 conversions: FIST/FISTTP, FILD, FLD m32/m64, FST m32/m64, FXAM */
enum { XC_I16, XC_I32, XC_I64, XC_I16T, XC_I32T, XC_I64T, XC_LDS, XC_LDD, XC_STS, XC_STD, XC_FXAM, XC_N };
static const char *const xc_name[] = {
    "fist16", "fist32", "fist64", "fisttp16", "fisttp32", "fisttp64", "fld32", "fld64",
    "fst32", "fst64", "fxam",
};

#define X87_ST(insn, OUT)                                                               \
    __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[a]\n\t" insn " %[o]\n\t"          \
                     "fnstsw %[sw]\n\tfninit"                                           \
                     : [o] "=m"(OUT), [sw] "=m"(sw) : [a] "m"(ma), [cw] "m"(cw))
#define X87_LD(insn, IN)                                                                \
    __asm__ volatile("fninit\n\tfldcw %[cw]\n\t" insn " %[i]\n\t"                       \
                     "fnstsw %[sw]\n\tfnclex\n\tfstpt %[o]\n\tfninit"                   \
                     : [o] "=m"(mr), [sw] "=m"(sw) : [i] "m"(IN), [cw] "m"(cw))

static uint64_t hw_x87_cvt(int op, floatx80 a, uint64_t bits, uint16_t cw, uint16_t *swp, floatx80 *res)
{
    x80mem ma = tomem(a), mr = { 0, 0 };
    uint16_t sw, i16 = 0;
    uint32_t i32 = 0, b32 = (uint32_t)bits;
    uint64_t i64 = 0;
    uint64_t r = 0;
    switch (op) {
    case XC_I16: X87_ST("fistps", i16); r = i16; break;
    case XC_I32: X87_ST("fistpl", i32); r = i32; break;
    case XC_I64: X87_ST("fistpll", i64); r = i64; break;
    case XC_I16T: X87_ST("fisttps", i16); r = i16; break;
    case XC_I32T: X87_ST("fisttpl", i32); r = i32; break;
    case XC_I64T: X87_ST("fisttpll", i64); r = i64; break;
    case XC_STS: X87_ST("fstps", i32); r = i32; break;
    case XC_STD: X87_ST("fstpl", i64); r = i64; break;
    case XC_LDS: X87_LD("flds", b32); break;
    case XC_LDD: X87_LD("fldl", bits); break;
    case XC_FXAM:
        __asm__ volatile("fninit\n\tfldt %[a]\n\tfxam\n\tfnstsw %[sw]\n\tfninit" : [sw] "=m"(sw) : [a] "m"(ma));
        break;
    }
    *swp = sw;
    *res = frommem(mr);
    return r;
}

START_TEST(test_x87_convert)
{
    const int N = scale_n(60000);
    int fail = 0;
    for (int op = 0; op < XC_N; op++) {
        for (int i = 0; i < N; i++) {
            struct sf_status s;
            rnd_x87_status(&s);
            /* unmasked exceptions: nothing is stored, only the flags are compared */
            floatx80 a = gen_x80(), hres, r = { 0, 0 };
            if (op <= XC_I64T && rndn(2)) {
                a = fx80_from_i64((int64_t)gen_int(true), &s);
                if (rndn(2)) { a.sig ^= rnd64() >> (20 + rndn(44)); a.sig |= 1ULL << 63; }
            }
            uint64_t bits = op == XC_LDS ? gen_f32() : gen_f64();
            uint16_t sw;
            uint64_t h = hw_x87_cvt(op, a, bits, cw_for(&s), &sw, &hres), v = 0;
            bool c1 = false, valcmp = true;
            switch (op) {
            case XC_I16: v = (uint16_t)fx80_to_i16(a, &s); break;
            case XC_I32: v = (uint32_t)fx80_to_i32(a, &s); break;
            case XC_I64: v = (uint64_t)fx80_to_i64(a, &s); break;
            case XC_I16T: v = (uint16_t)fx80_to_i16_trunc(a, &s); break;
            case XC_I32T: v = (uint32_t)fx80_to_i32_trunc(a, &s); break;
            case XC_I64T: v = (uint64_t)fx80_to_i64_trunc(a, &s); break;
            case XC_STS: v = fx80_to_f32(a, &s); break;
            case XC_STD: v = fx80_to_f64(a, &s); break;
            case XC_LDS: r = fx80_from_f32((uint32_t)bits, &s); break;
            case XC_LDD: r = fx80_from_f64(bits, &s); break;
            case XC_FXAM: {
                enum sf_fxam c = fx80_classify(a);
                v = (uint64_t)(((c & 8) ? 0x4000 : 0) | ((c & 4) ? 0x400 : 0) | ((c & 1) ? 0x100 : 0) |
                               ((a.se & 0x8000) ? 0x200 : 0));
                h = sw & 0x4700;
                valcmp = false;
                break;
            }
            }
            c1 = s.c1;
            bool bad;
            if (op == XC_FXAM)
                bad = h != v;
            else if ((sw & 0x3f) & ~s.masks)
                bad = (sw & 0x3f) != s.flags;
            else if (op == XC_LDS || op == XC_LDD)
                bad = !x80_eq(hres, r) || (sw & 0x3f) != s.flags;
            else
                bad = h != v || (sw & 0x3f) != s.flags || (valcmp && ((sw & X87_C1) != 0) != c1);
            if (bad)
                REPORT(fail, "%s a=%04x:%016" PRIx64 " bits=%" PRIx64 " cw=%04x: hw %" PRIx64 " %04x:%016" PRIx64
                       " sw %04x, sf %" PRIx64 " %04x:%016" PRIx64 " fl %02x c1 %d",
                       xc_name[op], a.se, a.sig, bits, cw_for(&s), h, hres.se, hres.sig, sw, v, r.se,
                       r.sig, s.flags, c1);
        }
        total_cmp += N;
    }
    printf("x87 conversions: %d comparisons each for %d operations\n", N, XC_N);
    ck_assert_int_eq(fail, 0);
}
END_TEST

/* TURTLES_SF_GEN_KAT=1: print a fresh kat_table (paste it above) from hardware. */
static void gen_kat(void)
{
    printf("static const struct kat kat_table[] = {\n");
    for (int op = 0; op < KAT_N; op++) {
        for (int i = 0; i < 24; i++) {
            struct kat k;
            memset(&k, 0, sizeof k);
            k.op = (uint8_t)op;
            struct sf_status s;
            unsigned hf;
            if (op <= KAT_F64_MAX) {
                rnd_sse_status(&s);
                k.rc = s.round;
                k.masks = (uint8_t)(s.daz | (s.ftz << 1));
                int o = op <= KAT_F32_MAX ? op - KAT_F32_ADD : op - KAT_F64_ADD;
                if (op <= KAT_F32_MAX) {
                    k.a = gen_f32();
                    k.b = (uint32_t)gen_related(k.a, 8, 23, gen_f32_64);
                    k.r = hw_f32_bin(o, (uint32_t)k.a, (uint32_t)k.b, mxcsr_for(&s), &hf);
                } else {
                    k.a = gen_f64();
                    k.b = gen_related(k.a, 11, 52, gen_f64);
                    k.r = hw_f64_bin(o, k.a, k.b, mxcsr_for(&s), &hf);
                }
                k.flags = (uint8_t)hf;
            } else {
                static const int xop[] = { X_ADD, X_SUB, X_MUL, X_DIV, X_SQRT, X_PREM, X_PREM1, X_RNDINT, X_SCALE };
                rnd_x87_status(&s);
                s.masks |= SF_IE | SF_DE | SF_ZE;
                floatx80 a = gen_x80(), b = gen_x80_related(a), h2;
                if (op == KAT_X_SCALE && rndn(2))
                    b = fx80_from_i32((int32_t)rndn(200) - 100, &s);
                uint16_t sw;
                floatx80 h = hw_x87(xop[op - KAT_X_ADD], a, b, cw_for(&s), &sw, &h2);
                k.rc = s.round;
                k.pc = s.prec;
                k.masks = s.masks;
                k.ase = a.se; k.a = a.sig; k.bse = b.se; k.b = b.sig; k.rse = h.se; k.r = h.sig;
                k.flags = sw & 0x3f;
                if (op == KAT_X_PREM || op == KAT_X_PREM1)
                    k.c1 = (uint8_t)((((sw >> 8) & 1) << 3) | (((sw >> 14) & 1) << 2) |
                                     (((sw >> 9) & 1) << 1) | (((sw >> 10) & 1) << 4));
                else
                    k.c1 = (sw >> 9) & 1;
            }
            printf("    { %d, %d, %d, 0x%02x, 0x%04x, 0x%04x, 0x%04x, 0x%" PRIx64 "ULL, 0x%" PRIx64 "ULL, 0x%" PRIx64
                   "ULL, 0x%02x, 0x%02x },\n", k.op, k.rc, k.pc, k.masks, k.ase, k.bse, k.rse, k.a, k.b, k.r,
                   k.flags, k.c1);
        }
    }
    printf("};\n");
}

START_TEST(test_total)
{
    /* forked tests do not share total_cmp; this just documents the mode */
    printf("differential tests ran against host x87/SSE hardware\n");
}
END_TEST

#endif /* __x86_64__ */

static Suite *softfloat_suite(void)
{
    Suite *s = suite_create("softfloat");
    TCase *tc = tcase_create("known");
    tcase_add_test(tc, test_known_answers);
    tcase_add_test(tc, test_recorded_vectors);
    suite_add_tcase(s, tc);
#if defined(__x86_64__) && !defined(TURTLES_SF_NO_HW)
    tc = tcase_create("x86diff");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_sse_arith);
    tcase_add_test(tc, test_sse_compare);
    tcase_add_test(tc, test_sse_convert);
    tcase_add_test(tc, test_sse_round);
    tcase_add_test(tc, test_sse_unmasked);
    tcase_add_test(tc, test_x87_arith);
    tcase_add_test(tc, test_x87_convert);
    tcase_add_test(tc, test_x87_memops);
    tcase_add_test(tc, test_x87_transcendental);
    tcase_add_test(tc, test_total);
    suite_add_tcase(s, tc);
#endif
    return s;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
#if defined(__x86_64__) && !defined(TURTLES_SF_NO_HW)
    if (getenv("TURTLES_SF_GEN_KAT")) {
        gen_kat();
        return 0;
    }
#endif
    SRunner *sr = srunner_create(softfloat_suite());
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
