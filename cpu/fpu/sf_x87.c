/* x87 (floatx80) arithmetic, conversions and miscellaneous operations. */
#include "sf_internal.h"

static int x87_prec(const struct sf_status *st)
{
    switch (st->prec & 3) {
    case SF_P24: return 24;
    case SF_P53: return 53;
    default:     return 64;
    }
}

static bool is_nan_or_bad(sfi_unp u)
{
    return u.cls >= SFC_QNAN;
}

floatx80 fx80_load(const uint8_t mem[10])
{
    floatx80 r = { 0, 0 };
    for (int i = 7; i >= 0; i--)
        r.sig = (r.sig << 8) | mem[i];
    r.se = (uint16_t)(mem[8] | (mem[9] << 8));
    return r;
}

void fx80_store(floatx80 a, uint8_t mem[10])
{
    for (int i = 0; i < 8; i++)
        mem[i] = (uint8_t)(a.sig >> (8 * i));
    mem[8] = (uint8_t)a.se;
    mem[9] = (uint8_t)(a.se >> 8);
}

bool fx80_is_unsupported(floatx80 a)
{
    return sfi_unpack_x80(a).cls == SFC_BAD;
}

bool fx80_is_nan(floatx80 a)
{
    uint8_t c = sfi_unpack_x80(a).cls;
    return c == SFC_QNAN || c == SFC_SNAN;
}

bool fx80_is_snan(floatx80 a)
{
    return sfi_unpack_x80(a).cls == SFC_SNAN;
}

enum sf_fxam fx80_classify(floatx80 a)
{
    sfi_unp u = sfi_unpack_x80(a);
    switch (u.cls) {
    case SFC_ZERO: return SF_FXAM_ZERO;
    case SFC_INF:  return SF_FXAM_INF;
    case SFC_QNAN:
    case SFC_SNAN: return SF_FXAM_NAN;
    case SFC_BAD:  return SF_FXAM_UNSUPPORTED;
    default:       return u.denorm ? SF_FXAM_DENORMAL : SF_FXAM_NORMAL;
    }
}

/* A pseudo-denormal returned unchanged is re-encoded with exponent 1. */
static floatx80 fix_pseudo_denormal(floatx80 a)
{
    if ((a.se & 0x7fff) == 0 && (a.sig >> 63))
        a.se |= 1;
    return a;
}

static floatx80 x80_inf(bool sign)
{
    return sfi_x80_make(sign, 0x7fff, 1ULL << 63);
}

static floatx80 x80_zero(bool sign)
{
    return sfi_x80_make(sign, 0, 0);
}

static floatx80 invalid(struct sf_status *st)
{
    st->flags |= SF_IE;
    return FX80_INDEFINITE;
}

/* Round a finite nonzero unpacked value at precision p (e.g. x + 0). */
static floatx80 round_unp(struct sf_status *st, int p, sfi_unp u)
{
    return sfi_x87_round(st, p, u.sign, u.exp, (u128)u.sig << 64);
}

/* The *_u workers take the operands both packed (for NaN propagation) and
 * unpacked (so that memory-operand forms can mark a converted float32/64
 * denormal as a denormal operand). */
static floatx80 addsub_u(floatx80 a, sfi_unp ua, floatx80 b, sfi_unp ub, bool negb,
                         struct sf_status *st)
{
    st->c1 = false;
    if (is_nan_or_bad(ua) || is_nan_or_bad(ub))
        return sfi_x87_nan2(a, b, ua, ub, st);
    ub.sign ^= negb;
    if (ua.cls == SFC_INF || ub.cls == SFC_INF) {
        if (ua.cls == SFC_INF && ub.cls == SFC_INF && ua.sign != ub.sign)
            return invalid(st);
        if (sfi_x87_denormal_check(ua, ub, st))
            return a;
        return x80_inf(ua.cls == SFC_INF ? ua.sign : ub.sign);
    }
    if (sfi_x87_denormal_check(ua, ub, st))
        return a;
    int p = x87_prec(st);
    if (ua.cls == SFC_ZERO && ub.cls == SFC_ZERO) {
        bool s = ua.sign == ub.sign ? ua.sign : (st->round & 3) == SF_RD;
        return x80_zero(s);
    }
    if (ua.cls == SFC_ZERO)
        return round_unp(st, p, ub);
    if (ub.cls == SFC_ZERO)
        return round_unp(st, p, ua);
    bool sign;
    int32_t e;
    u128 sig;
    sfi_add_core(ua, ub, &sign, &e, &sig);
    if (sig == 0)
        return x80_zero((st->round & 3) == SF_RD);
    return sfi_x87_round(st, p, sign, e, sig);
}

floatx80 fx80_add(floatx80 a, floatx80 b, struct sf_status *st)
{
    return addsub_u(a, sfi_unpack_x80(a), b, sfi_unpack_x80(b), false, st);
}

floatx80 fx80_sub(floatx80 a, floatx80 b, struct sf_status *st)
{
    return addsub_u(a, sfi_unpack_x80(a), b, sfi_unpack_x80(b), true, st);
}

static floatx80 mul_u(floatx80 a, sfi_unp ua, floatx80 b, sfi_unp ub, struct sf_status *st)
{
    st->c1 = false;
    if (is_nan_or_bad(ua) || is_nan_or_bad(ub))
        return sfi_x87_nan2(a, b, ua, ub, st);
    bool sign = ua.sign ^ ub.sign;
    if (ua.cls == SFC_INF || ub.cls == SFC_INF) {
        if (ua.cls == SFC_ZERO || ub.cls == SFC_ZERO)
            return invalid(st);
        if (sfi_x87_denormal_check(ua, ub, st))
            return a;
        return x80_inf(sign);
    }
    if (sfi_x87_denormal_check(ua, ub, st))
        return a;
    if (ua.cls == SFC_ZERO || ub.cls == SFC_ZERO)
        return x80_zero(sign);
    int32_t e;
    u128 sig;
    sfi_mul_core(ua, ub, &e, &sig);
    return sfi_x87_round(st, x87_prec(st), sign, e, sig);
}

floatx80 fx80_mul(floatx80 a, floatx80 b, struct sf_status *st)
{
    return mul_u(a, sfi_unpack_x80(a), b, sfi_unpack_x80(b), st);
}

static floatx80 div_u(floatx80 a, sfi_unp ua, floatx80 b, sfi_unp ub, struct sf_status *st)
{
    st->c1 = false;
    if (is_nan_or_bad(ua) || is_nan_or_bad(ub))
        return sfi_x87_nan2(a, b, ua, ub, st);
    bool sign = ua.sign ^ ub.sign;
    if (ua.cls == SFC_INF) {
        if (ub.cls == SFC_INF)
            return invalid(st);
        if (sfi_x87_denormal_check(ua, ub, st))
            return a;
        return x80_inf(sign);
    }
    if (ub.cls == SFC_INF) {
        if (sfi_x87_denormal_check(ua, ub, st))
            return a;
        return x80_zero(sign);
    }
    if (ub.cls == SFC_ZERO) {
        if (ua.cls == SFC_ZERO)
            return invalid(st);
        st->flags |= SF_ZE; /* no DE for a denormal dividend */
        return x80_inf(sign);
    }
    if (sfi_x87_denormal_check(ua, ub, st))
        return a;
    if (ua.cls == SFC_ZERO)
        return x80_zero(sign);
    int32_t e;
    u128 sig;
    sfi_div_core(ua, ub, &e, &sig);
    return sfi_x87_round(st, x87_prec(st), sign, e, sig);
}

floatx80 fx80_div(floatx80 a, floatx80 b, struct sf_status *st)
{
    return div_u(a, sfi_unpack_x80(a), b, sfi_unpack_x80(b), st);
}

floatx80 fx80_sqrt(floatx80 a, struct sf_status *st)
{
    sfi_unp ua = sfi_unpack_x80(a);
    st->c1 = false;
    if (is_nan_or_bad(ua))
        return sfi_x87_nan2(a, a, ua, ua, st);
    if (ua.cls == SFC_ZERO)
        return a;
    if (ua.sign)
        return invalid(st);
    if (ua.cls == SFC_INF)
        return a;
    if (sfi_x87_denormal_check(ua, ua, st))
        return a;
    int32_t e;
    u128 sig;
    sfi_sqrt_core(ua, &e, &sig);
    return sfi_x87_round(st, x87_prec(st), false, e, sig);
}

/* FPREM / FPREM1 (SDM Vol.2 FPREM pseudo-code).  Partial remainders reduce
 * the exponent by D - N with N = 32 + ((D - 32) mod 32), as Intel hardware does. */
floatx80 fx80_rem(floatx80 a, floatx80 b, bool ieee, unsigned *q, bool *incomplete,
                  struct sf_status *st)
{
    sfi_unp ua = sfi_unpack_x80(a), ub = sfi_unpack_x80(b);
    st->c1 = false;
    *q = 0;
    *incomplete = false;
    if (is_nan_or_bad(ua) || is_nan_or_bad(ub))
        return sfi_x87_nan2(a, b, ua, ub, st);
    if (ua.cls == SFC_INF || ub.cls == SFC_ZERO)
        return invalid(st);
    if (sfi_x87_denormal_check(ua, ub, st))
        return a;
    if (ua.cls == SFC_ZERO || ub.cls == SFC_INF)
        return fix_pseudo_denormal(a);
    int32_t d = ua.exp - ub.exp;
    bool sign = ua.sign;
    u128 r;           /* remainder magnitude, in units of 2^(scale) */
    int32_t scale;
    if (d >= 64) {
        int32_t n = 32 + ((d - 32) & 31);
        u128 N = (u128)ua.sig << n;
        r = N % ub.sig;
        scale = ua.exp - 63 - n;
        *incomplete = true;
    } else if (d >= 0) {
        u128 N = (u128)ua.sig << d;
        u128 qq = N / ub.sig;
        r = N % ub.sig;
        scale = ub.exp - 63;
        if (ieee) {
            u128 twice = r << 1;
            if (twice > ub.sig || (twice == ub.sig && (qq & 1))) {
                qq++;
                r = ub.sig - r;
                sign = !sign;
            }
        }
        *q = (unsigned)(qq & 7);
    } else {
        /* |a| < |b| */
        if (ieee && d == -1 && ua.sig > ub.sig) {
            /* |a| > |b|/2: quotient rounds to 1, remainder |b| - |a| */
            r = ((u128)ub.sig << 1) - ua.sig;
            scale = ua.exp - 63;
            sign = !sign;
            *q = 1;
        } else {
            return round_unp(st, 64, ua);
        }
    }
    if (r == 0)
        return x80_zero(ua.sign);
    int lz = sfi_clz128(r);
    return sfi_x87_round(st, 64, sign, scale + 127 - lz, r << lz);
}

floatx80 fx80_round_to_int(floatx80 a, struct sf_status *st)
{
    sfi_unp ua = sfi_unpack_x80(a);
    st->c1 = false;
    if (is_nan_or_bad(ua))
        return sfi_x87_nan2(a, a, ua, ua, st);
    if (ua.cls != SFC_FIN)
        return a;
    if (sfi_x87_denormal_check(ua, ua, st))
        return a;
    if (ua.exp >= 63)
        return a;
    bool inexact, up;
    u128 q = sfi_round_int((u128)ua.sig << 64, ua.exp, st->round & 3, ua.sign, &inexact, &up);
    if (inexact)
        st->flags |= SF_PE;
    st->c1 = up;
    if (q == 0)
        return x80_zero(ua.sign);
    int lz = sfi_clz128(q);
    return sfi_x80_make(ua.sign, (uint16_t)(16383 + 127 - lz), (uint64_t)((q << lz) >> 64));
}

floatx80 fx80_scale(floatx80 a, floatx80 b, struct sf_status *st)
{
    sfi_unp ua = sfi_unpack_x80(a), ub = sfi_unpack_x80(b);
    st->c1 = false;
    if (is_nan_or_bad(ua) || is_nan_or_bad(ub))
        return sfi_x87_nan2(a, b, ua, ub, st);
    if (ub.cls == SFC_INF) {
        if ((ua.cls == SFC_ZERO && !ub.sign) || (ua.cls == SFC_INF && ub.sign))
            return invalid(st);
        if (sfi_x87_denormal_check(ua, ub, st))
            return a;
        if (ua.cls == SFC_INF || ua.cls == SFC_ZERO)
            return a;
        return ub.sign ? x80_zero(ua.sign) : x80_inf(ua.sign);
    }
    if (sfi_x87_denormal_check(ua, ub, st))
        return a;
    if (ua.cls != SFC_FIN)
        return a;
    int32_t n = 0;
    if (ub.cls == SFC_FIN && ub.exp >= 0) {
        if (ub.exp > 20)
            n = 1 << 21;
        else
            n = (int32_t)(ub.sig >> (63 - ub.exp));
        if (ub.sign)
            n = -n;
    }
    if (ub.cls == SFC_ZERO)
        return fix_pseudo_denormal(a); /* scale by exactly 0: no UE, denormals kept */
    return sfi_x87_round(st, 64, ua.sign, ua.exp + n, (u128)ua.sig << 64);
}

static floatx80 x80_from_u64(bool sign, uint64_t m)
{
    if (m == 0)
        return x80_zero(false);
    int lz = sfi_clz64(m);
    return sfi_x80_make(sign, (uint16_t)(16383 + 63 - lz), m << lz);
}

void fx80_extract(floatx80 a, floatx80 *exp, floatx80 *sig, struct sf_status *st)
{
    sfi_unp ua = sfi_unpack_x80(a);
    st->c1 = false;
    if (is_nan_or_bad(ua)) {
        *exp = *sig = sfi_x87_nan2(a, a, ua, ua, st);
        return;
    }
    if (ua.cls == SFC_ZERO) {
        st->flags |= SF_ZE;
        *exp = x80_inf(true);
        *sig = a;
        return;
    }
    if (ua.cls == SFC_INF) {
        *exp = x80_inf(false);
        *sig = a;
        return;
    }
    if (sfi_x87_denormal_check(ua, ua, st)) {
        *exp = *sig = a;
        return;
    }
    int32_t e = ua.exp;
    *exp = x80_from_u64(e < 0, (uint64_t)(e < 0 ? -(int64_t)e : e));
    *sig = sfi_x80_make(ua.sign, 16383, ua.sig);
}

static enum sf_relation rel_unp(sfi_unp a, sfi_unp b)
{
    if (a.cls == SFC_ZERO && b.cls == SFC_ZERO)
        return SF_EQUAL;
    if (a.cls == SFC_ZERO)
        return b.sign ? SF_GREATER : SF_LESS;
    if (b.cls == SFC_ZERO)
        return a.sign ? SF_LESS : SF_GREATER;
    if (a.sign != b.sign)
        return a.sign ? SF_LESS : SF_GREATER;
    int c; /* compare magnitudes */
    if (a.cls == SFC_INF || b.cls == SFC_INF)
        c = (a.cls == SFC_INF) - (b.cls == SFC_INF);
    else if (a.exp != b.exp)
        c = a.exp > b.exp ? 1 : -1;
    else
        c = (a.sig > b.sig) - (a.sig < b.sig);
    if (c == 0)
        return SF_EQUAL;
    return (c > 0) != a.sign ? SF_GREATER : SF_LESS;
}

static enum sf_relation compare_u(sfi_unp ua, sfi_unp ub, bool quiet, struct sf_status *st)
{
    st->c1 = false;
    if (is_nan_or_bad(ua) || is_nan_or_bad(ub)) {
        if (!quiet || ua.cls == SFC_SNAN || ub.cls == SFC_SNAN || ua.cls == SFC_BAD ||
            ub.cls == SFC_BAD)
            st->flags |= SF_IE;
        return SF_UNORDERED;
    }
    if (ua.denorm || ub.denorm)
        st->flags |= SF_DE; /* the comparison still completes when DE is unmasked */
    return rel_unp(ua, ub);
}

enum sf_relation fx80_compare(floatx80 a, floatx80 b, bool quiet, struct sf_status *st)
{
    return compare_u(sfi_unpack_x80(a), sfi_unpack_x80(b), quiet, st);
}

floatx80 fx80_from_i16(int16_t v, struct sf_status *st)
{
    return fx80_from_i64(v, st);
}

floatx80 fx80_from_i32(int32_t v, struct sf_status *st)
{
    return fx80_from_i64(v, st);
}

floatx80 fx80_from_i64(int64_t v, struct sf_status *st)
{
    st->c1 = false;
    return x80_from_u64(v < 0, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
}

static int64_t x80_to_int(floatx80 a, int bits, bool trunc, struct sf_status *st)
{
    sfi_unp ua = sfi_unpack_x80(a);
    int64_t indef = (int64_t)(UINT64_C(1) << 63) >> (64 - bits);
    st->c1 = false;
    if (ua.cls != SFC_FIN && ua.cls != SFC_ZERO) {
        st->flags |= SF_IE;
        return indef;
    }
    if (ua.cls == SFC_ZERO)
        return 0;
    if (ua.exp >= 64) {
        st->flags |= SF_IE;
        return indef;
    }
    bool inexact, up;
    u128 q = sfi_round_int((u128)ua.sig << 64, ua.exp, trunc ? SF_RZ : st->round & 3,
                           ua.sign, &inexact, &up);
    u128 lim = (u128)1 << (bits - 1);
    if (q > lim - !ua.sign) {
        st->flags |= SF_IE;
        return indef;
    }
    if (inexact)
        st->flags |= SF_PE;
    st->c1 = up;
    uint64_t m = (uint64_t)q;
    return ua.sign ? (int64_t)(0 - m) : (int64_t)m;
}

int16_t fx80_to_i16(floatx80 a, struct sf_status *st) { return (int16_t)x80_to_int(a, 16, false, st); }
int32_t fx80_to_i32(floatx80 a, struct sf_status *st) { return (int32_t)x80_to_int(a, 32, false, st); }
int64_t fx80_to_i64(floatx80 a, struct sf_status *st) { return x80_to_int(a, 64, false, st); }
int16_t fx80_to_i16_trunc(floatx80 a, struct sf_status *st) { return (int16_t)x80_to_int(a, 16, true, st); }
int32_t fx80_to_i32_trunc(floatx80 a, struct sf_status *st) { return (int32_t)x80_to_int(a, 32, true, st); }
int64_t fx80_to_i64_trunc(floatx80 a, struct sf_status *st) { return x80_to_int(a, 64, true, st); }

/* FLD m32/m64: exact widening. */
static floatx80 from_bin(uint64_t a, const sfi_fmt *f, struct sf_status *st)
{
    bool sign = (a >> (f->fbits + f->ebits)) & 1;
    int32_t exp = (int32_t)((a >> f->fbits) & ((1u << f->ebits) - 1));
    uint64_t frac = a & ((UINT64_C(1) << f->fbits) - 1);
    st->c1 = false;
    if (exp == (1 << f->ebits) - 1) {
        if (frac == 0)
            return x80_inf(sign);
        if (!((frac >> (f->fbits - 1)) & 1))
            st->flags |= SF_IE;
        return sfi_x80_make(sign, 0x7fff, (1ULL << 63) | (1ULL << 62) | (frac << (63 - f->fbits)));
    }
    if (exp == 0) {
        if (frac == 0)
            return x80_zero(sign);
        st->flags |= SF_DE;
        int lz = sfi_clz64(frac);
        return sfi_x80_make(sign, (uint16_t)(16383 + 1 - f->bias - (lz - (63 - f->fbits))),
                            frac << lz);
    }
    return sfi_x80_make(sign, (uint16_t)(exp - f->bias + 16383),
                        (1ULL << 63) | (frac << (63 - f->fbits)));
}

floatx80 fx80_from_f32(float32 a, struct sf_status *st) { return from_bin(a, &sfi_f32, st); }
floatx80 fx80_from_f64(float64 a, struct sf_status *st) { return from_bin(a, &sfi_f64, st); }

/* Pack a rounded result into a binary interchange format. */
static uint64_t pack_bin(const sfi_fmt *f, sfi_res r)
{
    uint64_t s = (uint64_t)r.sign << (f->fbits + f->ebits);
    uint64_t emax_field = (UINT64_C(1) << f->ebits) - 1;
    switch (r.cls) {
    case SFC_ZERO: return s;
    case SFC_INF:  return s | (emax_field << f->fbits);
    default: break;
    }
    uint64_t frac = (r.sig >> (63 - f->fbits)) & ((UINT64_C(1) << f->fbits) - 1);
    if (!(r.sig >> 63))
        return s | frac;
    return s | ((uint64_t)(r.exp + f->bias) << f->fbits) | frac;
}

static uint64_t to_bin(floatx80 a, const sfi_fmt *f, struct sf_status *st)
{
    sfi_unp ua = sfi_unpack_x80(a);
    uint64_t s = (uint64_t)ua.sign << (f->fbits + f->ebits);
    uint64_t expmask = ((UINT64_C(1) << f->ebits) - 1) << f->fbits;
    st->c1 = false;
    switch (ua.cls) {
    case SFC_BAD:
        st->flags |= SF_IE;
        return (UINT64_C(1) << (f->fbits + f->ebits)) | expmask | (UINT64_C(1) << (f->fbits - 1));
    case SFC_SNAN:
        st->flags |= SF_IE;
        /* fall through */
    case SFC_QNAN:
        return s | expmask | (UINT64_C(1) << (f->fbits - 1)) | ((a.sig << 1) >> (64 - f->fbits));
    case SFC_INF:  return s | expmask;
    case SFC_ZERO: return s;
    default: break;
    }
    /* FST m32/m64 does not report DE for a denormal source */
    return pack_bin(f, sfi_round(st, f, SFK_X87_MEM, f->p, ua.sign, ua.exp, (u128)ua.sig << 64));
}

float32 fx80_to_f32(floatx80 a, struct sf_status *st) { return (float32)to_bin(a, &sfi_f32, st); }
float64 fx80_to_f64(floatx80 a, struct sf_status *st) { return to_bin(a, &sfi_f64, st); }

/* ------------------------------------------------ memory-operand forms -- */

/* Convert a float32/float64 memory operand.  DE is deferred to the operation
 * (it is not reported when ST(0) is a NaN). */
static sfi_unp mem_operand(uint64_t m, const sfi_fmt *f, floatx80 *packed, struct sf_status *st)
{
    struct sf_status tmp = *st;
    tmp.flags = 0;
    *packed = from_bin(m, f, &tmp);
    sfi_unp u = sfi_unpack_x80(*packed);
    u.denorm = (tmp.flags & SF_DE) != 0;
    if (tmp.flags & SF_IE) {
        /* an SNaN operand keeps its class (and unquieted significand) for the
         * NaN selection rules: ST(0)'s QNaN wins over it */
        packed->sig &= ~(1ULL << 62);
        u.cls = SFC_SNAN;
    }
    return u;
}

static floatx80 arith_mem(enum sf_x87_arith op, floatx80 st0, floatx80 m, sfi_unp um,
                          struct sf_status *st)
{
    sfi_unp u0 = sfi_unpack_x80(st0);
    switch (op) {
    case SF_FADD: return addsub_u(st0, u0, m, um, false, st);
    case SF_FMUL: return mul_u(st0, u0, m, um, st);
    case SF_FSUB: return addsub_u(st0, u0, m, um, true, st);
    case SF_FSUBR: return addsub_u(m, um, st0, u0, true, st);
    case SF_FDIV: return div_u(st0, u0, m, um, st);
    case SF_FDIVR: return div_u(m, um, st0, u0, st);
    default: /* FCOM/FCOMP: use fx80_compare_f32/f64 */
        return st0;
    }
}

floatx80 fx80_arith_f32(enum sf_x87_arith op, floatx80 st0, float32 m, struct sf_status *st)
{
    floatx80 pm;
    sfi_unp um = mem_operand(m, &sfi_f32, &pm, st);
    return arith_mem(op, st0, pm, um, st);
}

floatx80 fx80_arith_f64(enum sf_x87_arith op, floatx80 st0, float64 m, struct sf_status *st)
{
    floatx80 pm;
    sfi_unp um = mem_operand(m, &sfi_f64, &pm, st);
    return arith_mem(op, st0, pm, um, st);
}

enum sf_relation fx80_compare_f32(floatx80 st0, float32 m, bool quiet, struct sf_status *st)
{
    floatx80 pm;
    sfi_unp um = mem_operand(m, &sfi_f32, &pm, st);
    return compare_u(sfi_unpack_x80(st0), um, quiet, st);
}

enum sf_relation fx80_compare_f64(floatx80 st0, float64 m, bool quiet, struct sf_status *st)
{
    floatx80 pm;
    sfi_unp um = mem_operand(m, &sfi_f64, &pm, st);
    return compare_u(sfi_unpack_x80(st0), um, quiet, st);
}
