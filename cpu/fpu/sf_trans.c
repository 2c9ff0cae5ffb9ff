/*
 * x87 transcendental instructions and the SSE reciprocal approximations.
 *
 * Transcendentals are evaluated in a private 128-bit-significand format
 * ("xf", truncating arithmetic, ~2^-120 relative error per step) with
 * series expansions, then rounded once to 64 bits per RC.  Argument
 * reduction for FSIN/FCOS/FSINCOS/FPTAN uses the same 66-bit pi the Intel
 * x87 uses (SDM Vol.1 8.3.10), with an exact integer remainder, so results
 * track hardware even near multiples of pi/2.
 */
#include "sf_internal.h"

typedef struct {
    bool sign;
    int32_t exp;  /* value = sig * 2^(exp - 127); sig == 0 means zero */
    u128 sig;
} xf;

#define U128(hi, lo) (((u128)(hi) << 64) | (lo))

static const xf XF_PI = { false, 1, U128(0xc90fdaa22168c234ULL, 0xc4c6628b80dc1cd1ULL) };
static const xf XF_PI_2 = { false, 0, U128(0xc90fdaa22168c234ULL, 0xc4c6628b80dc1cd1ULL) };
static const xf XF_PI_4 = { false, -1, U128(0xc90fdaa22168c234ULL, 0xc4c6628b80dc1cd1ULL) };
static const xf XF_LN2 = { false, -1, U128(0xb17217f7d1cf79abULL, 0xc9e3b39803f2f6afULL) };
static const xf XF_LOG2E = { false, 0, U128(0xb8aa3b295c17f0bbULL, 0xbe87fed0691d3e88ULL) };
static const xf XF_ONE = { false, 0, (u128)1 << 127 };
/* atan(k/8), k = 1..8 */
static const xf XF_ATAN_K8[8] = {
    { false, -4, U128(0xfeadd4d5617b6e32ULL, 0xc897989f3e888ef7ULL) },
    { false, -3, U128(0xfadbafc96406eb15ULL, 0x6dc79ef5f7a217e5ULL) },
    { false, -2, U128(0xb7b0ca0f26f78473ULL, 0x8aa32122dcfe4483ULL) },
    { false, -2, U128(0xed63382b0dda7b45ULL, 0x6fe445ecbc3a8d03ULL) },
    { false, -1, U128(0x8f005d5ef7f59f9bULL, 0x5c835e1665c43747ULL) },
    { false, -1, U128(0xa4bc7d1934f70924ULL, 0x19a87f2a457dac9eULL) },
    { false, -1, U128(0xb8053e2bc2319e73ULL, 0xcb2da55210a4443dULL) },
    { false, -1, U128(0xc90fdaa22168c234ULL, 0xc4c6628b80dc1cd1ULL) },
};
/* pi/2 rounded to 66 significant bits (the x87 internal constant), in units of 2^-65 */
#define PI66_HALF U128(0x3ULL, 0x243f6a8885a308d3ULL)

static xf xf_make(bool sign, int32_t exp, u128 sig)
{
    xf r = { sign, exp, sig };
    if (sig == 0) {
        r.exp = 0;
        return r;
    }
    int lz = sfi_clz128(sig);
    r.sig = sig << lz;
    r.exp = exp - lz;
    return r;
}

static xf xf_from_unp(sfi_unp u)
{
    return xf_make(u.sign, u.exp, (u128)u.sig << 64);
}

static xf xf_from_int(int64_t v)
{
    uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    return xf_make(v < 0, 127, m);
}

static xf xf_neg(xf a)
{
    a.sign = !a.sign;
    return a;
}

static bool xf_mag_less(xf a, xf b)
{
    if (b.sig == 0) return false;
    if (a.sig == 0) return true;
    return a.exp < b.exp || (a.exp == b.exp && a.sig < b.sig);
}

static xf xf_add(xf a, xf b)
{
    if (a.sig == 0) return b;
    if (b.sig == 0) return a;
    if (xf_mag_less(a, b)) {
        xf t = a; a = b; b = t;
    }
    int32_t d = a.exp - b.exp;
    u128 A = sfi_rshift_jam(a.sig, 1);
    u128 B = sfi_rshift_jam(b.sig, d + 1 > 200 ? 200 : (int)d + 1);
    u128 R = a.sign == b.sign ? A + B : A - B;
    return xf_make(a.sign, a.exp + 1, R);
}

static xf xf_sub(xf a, xf b)
{
    return xf_add(a, xf_neg(b));
}

static xf xf_mul(xf a, xf b)
{
    if (a.sig == 0 || b.sig == 0)
        return xf_make(a.sign ^ b.sign, 0, 0);
    const u128 M = ~(uint64_t)0;
    u128 ah = a.sig >> 64, al = a.sig & M, bh = b.sig >> 64, bl = b.sig & M;
    u128 hh = ah * bh, hl = ah * bl, lh = al * bh, ll = al * bl;
    u128 mid = (hl & M) + (lh & M) + (ll >> 64);
    u128 hi = hh + (hl >> 64) + (lh >> 64) + (mid >> 64);
    u128 lo = (mid << 64) | (ll & M);
    if (!(hi >> 127)) {
        hi = (hi << 1) | (lo >> 127);
        lo <<= 1;
        return (xf){ a.sign ^ b.sign, a.exp + b.exp, hi | (lo != 0) };
    }
    return (xf){ a.sign ^ b.sign, a.exp + b.exp + 1, hi | (lo != 0) };
}

static xf xf_div(xf a, xf b)
{
    if (a.sig == 0)
        return xf_make(a.sign ^ b.sign, 0, 0);
    u128 r = a.sig, d = b.sig, q = 0;
    bool carry = false;
    for (int i = 0; i < 128; i++) {
        bool bit = carry || r >= d;
        if (bit)
            r -= d;
        q = (q << 1) | bit;
        carry = (bool)(r >> 127);
        r <<= 1;
    }
    xf res = xf_make(a.sign ^ b.sign, a.exp - b.exp, q);
    res.sig |= (r != 0 || carry);
    return res;
}

static xf xf_div_int(xf a, int k)
{
    return xf_div(a, xf_from_int(k));
}

/* Round to floatx80 with the current rounding mode (64-bit precision). */
static floatx80 xf_round(xf a, struct sf_status *st)
{
    if (a.sig == 0)
        return sfi_x80_make(a.sign, 0, 0);
    return sfi_x87_round(st, 64, a.sign, a.exp, a.sig);
}

/* e^y - 1 for |y| <= ~0.7 (Taylor series). */
static xf xf_expm1_small(xf y)
{
    xf sum = y, term = y;
    for (int k = 2; k < 60; k++) {
        term = xf_div_int(xf_mul(term, y), k);
        if (term.sig == 0 || term.exp < sum.exp - 130)
            break;
        sum = xf_add(sum, term);
    }
    return sum;
}

/* 2*atanh(s) = 2*(s + s^3/3 + s^5/5 + ...) for |s| <= ~0.18: ln((1+s)/(1-s)). */
static xf xf_2atanh(xf s)
{
    xf s2 = xf_mul(s, s), pw = s, sum = s;
    for (int k = 3; k < 200; k += 2) {
        pw = xf_mul(pw, s2);
        xf term = xf_div_int(pw, k);
        if (term.sig == 0 || term.exp < sum.exp - 130)
            break;
        sum = xf_add(sum, term);
    }
    sum.exp += 1;
    return sum;
}

/* ln(x) for finite x > 0. */
static xf xf_ln(xf x)
{
    /* x = m * 2^e with m in [sqrt(1/2), sqrt(2)) */
    int32_t e = x.exp;
    xf m = x;
    m.exp = 0;
    if (m.sig > U128(0xb504f333f9de6484ULL, 0x597d89b3754abe9fULL)) { /* sqrt(2) */
        m.exp = -1;
        e += 1;
    }
    xf s = xf_div(xf_sub(m, XF_ONE), xf_add(m, XF_ONE));
    xf r = xf_2atanh(s);
    if (e)
        r = xf_add(r, xf_mul(xf_from_int(e), XF_LN2));
    return r;
}

/* atan(u) for small |u| (<= 1/16) */
static xf xf_atan_small(xf u)
{
    xf u2 = xf_mul(u, u), pw = u, sum = u;
    for (int k = 3; k < 200; k += 2) {
        pw = xf_mul(pw, u2);
        xf term = xf_div_int(pw, k);
        if (term.sig == 0 || term.exp < sum.exp - 130)
            break;
        sum = ((k >> 1) & 1) ? xf_sub(sum, term) : xf_add(sum, term);
    }
    return sum;
}

/* atan(t) for 0 <= t <= 1 */
static xf xf_atan01(xf t)
{
    /* k = round(8t), t = sig * 2^(exp-127) */
    int k = 0;
    if (t.sig != 0 && t.exp >= 0)
        k = 8;                                       /* t == 1 */
    else if (t.sig != 0 && t.exp >= -4)
        k = (int)(((t.sig >> (123 - t.exp)) + 1) >> 1); /* (16t + 1) / 2 */
    if (k == 0)
        return xf_atan_small(t);
    xf c = xf_make(false, 124, (u128)k); /* k/8 */
    xf u = xf_div(xf_sub(t, c), xf_add(XF_ONE, xf_mul(t, c)));
    return xf_add(XF_ATAN_K8[k - 1], xf_atan_small(u));
}

static void xf_sincos_small(xf t, xf *s, xf *c)
{
    /* t in [0, pi/4] */
    xf t2 = xf_mul(t, t);
    xf term = t, sum = t;
    for (int k = 2; k < 80; k += 2) {
        term = xf_div_int(xf_mul(term, t2), k * (k + 1));
        bool last = term.sig == 0 || term.exp < sum.exp - 124;
        /* the first term below the working precision is still added once, as a sticky bit
         * (xf_add jams it), so that sin of a small operand is inexact and rounds in the right
         * direction (PE/UE/C1; measured on Intel host, see tests/diff/FINDINGS.md F14). Terms
         * are cut at 124 bits so that an added term keeps real bits and cannot cancel the jam. */
        sum = (k & 2) ? xf_sub(sum, term) : xf_add(sum, term);
        if (last)
            break;
    }
    *s = sum;
    term = XF_ONE;
    sum = XF_ONE;
    for (int k = 1; k < 80; k += 2) {
        term = xf_div_int(xf_mul(term, t2), k * (k + 1));
        bool last = term.sig == 0 || term.exp < sum.exp - 124;
        sum = (k & 2) ? xf_add(sum, term) : xf_sub(sum, term); /* sticky tail, as for sin */
        if (last)
            break;
    }
    *c = sum;
}

/* ----------------------------------------------------------- F2XM1 -- */

static floatx80 x87_invalid(struct sf_status *st)
{
    st->flags |= SF_IE;
    return FX80_INDEFINITE;
}

static bool nan_or_bad(sfi_unp u)
{
    return u.cls >= SFC_QNAN;
}

floatx80 fx80_f2xm1(floatx80 a, struct sf_status *st)
{
    sfi_unp ua = sfi_unpack_x80(a);
    st->c1 = false;
    if (nan_or_bad(ua))
        return sfi_x87_nan2(a, a, ua, ua, st);
    if (ua.cls == SFC_ZERO)
        return a;
    if (ua.cls == SFC_INF)
        return ua.sign ? sfi_x80_make(true, 0x3fff, 1ULL << 63) : a;
    if (sfi_x87_denormal_check(ua, ua, st))
        return a;
    xf x = xf_from_unp(ua);
    if (ua.exp < 0 || (ua.exp == 0 && ua.sig == (1ULL << 63))) /* |x| <= 1 */
        return xf_round(xf_expm1_small(xf_mul(x, XF_LN2)), st);
    /* Outside the architectural domain the result is undefined; Intel
     * hardware returns the operand unchanged and reports PE. */
    st->flags |= SF_PE;
    return a;
}

/* ---------------------------------------------------- FYL2X / FYL2XP1 -- */

floatx80 fx80_yl2x(floatx80 x, floatx80 y, struct sf_status *st)
{
    sfi_unp ux = sfi_unpack_x80(x), uy = sfi_unpack_x80(y);
    st->c1 = false;
    if (nan_or_bad(ux) || nan_or_bad(uy))
        return sfi_x87_nan2(x, y, ux, uy, st);
    if (ux.sign && ux.cls != SFC_ZERO)
        return x87_invalid(st);
    if (ux.cls == SFC_ZERO) {
        if (uy.cls == SFC_ZERO)
            return x87_invalid(st);
        /* log2(0) * finite: ZE only; a denormal y does not report DE, even unmasked
         * (measured on Intel host, as for x/0 with a denormal dividend) */
        if (uy.cls != SFC_INF)
            st->flags |= SF_ZE;
        return sfi_x80_make(!uy.sign, 0x7fff, 1ULL << 63);
    }
    if (ux.cls == SFC_INF) {
        if (uy.cls == SFC_ZERO)
            return x87_invalid(st);
        if (sfi_x87_denormal_check(ux, uy, st))
            return x;
        return sfi_x80_make(uy.sign, 0x7fff, 1ULL << 63);
    }
    bool is_one = ux.exp == 0 && ux.sig == (1ULL << 63);
    bool below_one = ux.exp < 0;
    if (uy.cls == SFC_INF) {
        if (is_one)
            return x87_invalid(st);
        if (sfi_x87_denormal_check(ux, uy, st))
            return x;
        return sfi_x80_make(uy.sign ^ below_one, 0x7fff, 1ULL << 63);
    }
    if (sfi_x87_denormal_check(ux, uy, st))
        return x;
    if (uy.cls == SFC_ZERO || is_one)
        return sfi_x80_make(uy.sign ^ below_one, 0, 0);
    xf l = xf_mul(xf_ln(xf_from_unp(ux)), XF_LOG2E);
    return xf_round(xf_mul(l, xf_from_unp(uy)), st);
}

floatx80 fx80_yl2xp1(floatx80 x, floatx80 y, struct sf_status *st)
{
    sfi_unp ux = sfi_unpack_x80(x), uy = sfi_unpack_x80(y);
    st->c1 = false;
    if (nan_or_bad(ux) || nan_or_bad(uy))
        return sfi_x87_nan2(x, y, ux, uy, st);
    if (ux.cls == SFC_INF) {
        if (ux.sign || uy.cls == SFC_ZERO)
            return x87_invalid(st);
        /* +inf * denormal y: DE is reported (measured on Intel host) */
        if (sfi_x87_denormal_check(ux, uy, st))
            return x;
        return sfi_x80_make(uy.sign, 0x7fff, 1ULL << 63);
    }
    if (ux.cls == SFC_ZERO) {
        if (uy.cls == SFC_INF)
            return x87_invalid(st);
        if (sfi_x87_denormal_check(ux, uy, st))
            return x;
        return sfi_x80_make(ux.sign ^ uy.sign, 0, 0);
    }
    if (uy.cls == SFC_INF) {
        if (sfi_x87_denormal_check(ux, uy, st))
            return x;
        return sfi_x80_make(uy.sign ^ ux.sign, 0x7fff, 1ULL << 63);
    }
    if (sfi_x87_denormal_check(ux, uy, st))
        return x;
    if (uy.cls == SFC_ZERO)
        return sfi_x80_make(ux.sign ^ uy.sign, 0, 0);
    xf xv = xf_from_unp(ux);
    xf onep = xf_add(XF_ONE, xv);
    if (onep.sig == 0 || onep.sign) {
        /* x <= -1: undefined; Intel hardware returns x unchanged with PE */
        st->flags |= SF_PE;
        return x;
    }
    xf l;
    if (ux.exp < -1) {
        /* ln(1+x) = 2 atanh(x / (2 + x)) */
        xf s = xf_div(xv, xf_add(xf_make(false, 1, (u128)1 << 127), xv));
        l = xf_2atanh(s);
    } else {
        l = xf_ln(onep);
    }
    l = xf_mul(l, XF_LOG2E);
    return xf_round(xf_mul(l, xf_from_unp(uy)), st);
}

/* ------------------------------------------------------------ FPATAN -- */

floatx80 fx80_atan2(floatx80 y, floatx80 x, struct sf_status *st)
{
    sfi_unp ux = sfi_unpack_x80(x), uy = sfi_unpack_x80(y);
    st->c1 = false;
    if (nan_or_bad(ux) || nan_or_bad(uy))
        return sfi_x87_nan2(x, y, ux, uy, st);
    if (sfi_x87_denormal_check(ux, uy, st))
        return x;
    bool s = uy.sign;
    xf r;
    if (uy.cls == SFC_ZERO) {
        if (!ux.sign)
            return sfi_x80_make(s, 0, 0);
        r = XF_PI;
    } else if (uy.cls == SFC_INF) {
        if (ux.cls == SFC_INF)
            r = ux.sign ? xf_mul(XF_PI_4, xf_from_int(3)) : XF_PI_4;
        else
            r = XF_PI_2;
    } else if (ux.cls == SFC_ZERO) {
        r = XF_PI_2;
    } else if (ux.cls == SFC_INF) {
        if (!ux.sign)
            return sfi_x80_make(s, 0, 0);
        r = XF_PI;
    } else {
        xf ax = xf_from_unp(ux), ay = xf_from_unp(uy);
        ax.sign = ay.sign = false;
        if (xf_mag_less(ax, ay))
            r = xf_sub(XF_PI_2, xf_atan01(xf_div(ax, ay)));
        else
            r = xf_atan01(xf_div(ay, ax));
        if (ux.sign)
            r = xf_sub(XF_PI, r);
    }
    r.sign = s;
    return xf_round(r, st);
}

/* ------------------------------------------------ FSIN/FCOS/FPTAN ---- */

/* Reduce |a| by the 66-bit pi/2: |a| = k*pi66/2 + r.  Returns t in
 * [0, pi/4] and sets *quadrant to k mod 4 and *swapped if t = pi/2 - r. */
static xf reduce(sfi_unp u, unsigned *quadrant, bool *swapped)
{
    *quadrant = 0;
    *swapped = false;
    if (u.exp < -1)
        return xf_make(false, u.exp, (u128)u.sig << 64);
    u128 N = (u128)u.sig << (u.exp + 2); /* |a| in units of 2^-65 */
    u128 k = N / PI66_HALF, r = N % PI66_HALF;
    *quadrant = (unsigned)(k & 3);
    if ((r << 1) > PI66_HALF) {
        r = PI66_HALF - r;
        *swapped = true;
    }
    return xf_make(false, 127 - 65, r);
}

enum { TR_SIN = 1, TR_COS = 2, TR_TAN = 4 };

static bool trig(floatx80 a, int what, floatx80 *rs, floatx80 *rc, struct sf_status *st)
{
    sfi_unp ua = sfi_unpack_x80(a);
    st->c1 = false;
    if (nan_or_bad(ua)) {
        *rs = *rc = sfi_x87_nan2(a, a, ua, ua, st);
        return true;
    }
    if (ua.cls == SFC_INF) {
        *rs = *rc = x87_invalid(st);
        return true;
    }
    if (ua.cls == SFC_FIN && ua.exp >= 63)
        return false;
    if (sfi_x87_denormal_check(ua, ua, st)) {
        *rs = *rc = a;
        return true;
    }
    if (ua.cls == SFC_ZERO) {
        *rs = a;
        *rc = sfi_x80_make(false, 0x3fff, 1ULL << 63);
        return true;
    }
    if (ua.exp < -68) {
        /* |x| < 2^-68: the host returns sin = tan = x and cos = 1.0 with PE (UE when the result
         * is denormal), C1 = 0, whatever the rounding mode, instead of rounding x - x^3/6 etc.
         * (measured on Intel host, see tests/diff/FINDINGS.md F14).  Rounding x plus a sticky
         * bit to nearest gives exactly that. */
        uint8_t mode = st->round;
        st->round = SF_RN;
        xf x = xf_from_unp(ua), one = XF_ONE;
        x.sig |= 1;
        one.sig |= 1;
        if (what & (TR_SIN | TR_TAN))
            *rs = xf_round(x, st);
        if (what & TR_COS)
            *rc = xf_round(one, st);
        st->round = mode;
        return true;
    }
    unsigned q;
    bool sw;
    xf t = reduce(ua, &q, &sw), s, c;
    xf_sincos_small(t, &s, &c);
    if (sw) {
        xf tmp = s; s = c; c = tmp;
    }
    /* sin/cos of r, then rotate by the quadrant */
    xf sr, cr;
    switch (q) {
    case 0: sr = s; cr = c; break;
    case 1: sr = c; cr = xf_neg(s); break;
    case 2: sr = xf_neg(s); cr = xf_neg(c); break;
    default: sr = xf_neg(c); cr = s; break;
    }
    if (ua.sign)
        sr = xf_neg(sr);
    if (what & TR_TAN) {
        *rs = xf_round(xf_div(sr, cr), st);
        return true;
    }
    /* FSINCOS: both results share one status update (flags OR-ed, C1 of the last) */
    if (what & TR_SIN)
        *rs = xf_round(sr, st);
    if (what & TR_COS)
        *rc = xf_round(cr, st);
    return true;
}

bool fx80_sin(floatx80 a, floatx80 *r, struct sf_status *st)
{
    floatx80 dummy;
    return trig(a, TR_SIN, r, &dummy, st);
}

bool fx80_cos(floatx80 a, floatx80 *r, struct sf_status *st)
{
    floatx80 dummy;
    return trig(a, TR_COS, &dummy, r, st);
}

bool fx80_sincos(floatx80 a, floatx80 *sin_r, floatx80 *cos_r, struct sf_status *st)
{
    return trig(a, TR_SIN | TR_COS, sin_r, cos_r, st);
}

bool fx80_tan(floatx80 a, floatx80 *r, struct sf_status *st)
{
    floatx80 dummy;
    return trig(a, TR_TAN, r, &dummy, st);
}

