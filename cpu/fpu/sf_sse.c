/* SSE scalar float32/float64 operations (MXCSR semantics). */
#include "sf_internal.h"

typedef const sfi_fmt *fmt_t;

static uint64_t sign_bit(fmt_t f) { return UINT64_C(1) << (f->fbits + f->ebits); }
static uint64_t exp_mask(fmt_t f) { return ((UINT64_C(1) << f->ebits) - 1) << f->fbits; }
static uint64_t quiet_bit(fmt_t f) { return UINT64_C(1) << (f->fbits - 1); }
static uint64_t indefinite(fmt_t f) { return sign_bit(f) | exp_mask(f) | quiet_bit(f); }

/* Unpack; with daz, denormals become zero (sign kept, no DE). */
static sfi_unp unpack(fmt_t f, uint64_t a, bool daz)
{
    sfi_unp u = { (a & sign_bit(f)) != 0, false, SFC_FIN, 0, 0 };
    int32_t exp = (int32_t)((a & exp_mask(f)) >> f->fbits);
    uint64_t frac = a & ((UINT64_C(1) << f->fbits) - 1);
    if (exp == (1 << f->ebits) - 1) {
        if (frac == 0)
            u.cls = SFC_INF;
        else
            u.cls = (frac & quiet_bit(f)) ? SFC_QNAN : SFC_SNAN;
        return u;
    }
    if (exp == 0) {
        if (frac == 0 || daz) {
            u.cls = SFC_ZERO;
            return u;
        }
        u.denorm = true;
        int lz = sfi_clz64(frac);
        u.sig = frac << lz;
        u.exp = f->emin - (lz - (63 - f->fbits));
        return u;
    }
    u.exp = exp - f->bias;
    u.sig = (UINT64_C(1) << 63) | (frac << (63 - f->fbits));
    return u;
}

static bool is_nan(sfi_unp u) { return u.cls == SFC_QNAN || u.cls == SFC_SNAN; }

static uint64_t pack(fmt_t f, sfi_res r)
{
    uint64_t s = r.sign ? sign_bit(f) : 0;
    switch (r.cls) {
    case SFC_ZERO: return s;
    case SFC_INF:  return s | exp_mask(f);
    default: break;
    }
    uint64_t frac = (r.sig >> (63 - f->fbits)) & ((UINT64_C(1) << f->fbits) - 1);
    if (!(r.sig >> 63))
        return s | frac;
    return s | ((uint64_t)(r.exp + f->bias) << f->fbits) | frac;
}

static uint64_t zero(fmt_t f, bool sign) { return sign ? sign_bit(f) : 0; }
static uint64_t inf(fmt_t f, bool sign) { return zero(f, sign) | exp_mask(f); }

static uint64_t rnd(fmt_t f, struct sf_status *st, bool sign, int32_t e, u128 sig)
{
    return pack(f, sfi_round(st, f, SFK_SSE, f->p, sign, e, sig));
}

static uint64_t rnd_unp(fmt_t f, struct sf_status *st, sfi_unp u)
{
    return rnd(f, st, u.sign, u.exp, (u128)u.sig << 64);
}

/* SSE NaN rule: first operand's NaN if it is one, else the second; quieted. */
static uint64_t nan2(fmt_t f, uint64_t a, uint64_t b, sfi_unp ua, sfi_unp ub, struct sf_status *st)
{
    if (ua.cls == SFC_SNAN || ub.cls == SFC_SNAN)
        st->flags |= SF_IE;
    return (is_nan(ua) ? a : b) | quiet_bit(f);
}

static uint64_t invalid(fmt_t f, struct sf_status *st)
{
    st->flags |= SF_IE;
    return indefinite(f);
}

/* Sets DE for denormal operands; true when DE is unmasked (the instruction
 * faults before computing anything, so no further flags may be raised). */
static bool de_check(sfi_unp ua, sfi_unp ub, struct sf_status *st)
{
    if (ua.denorm || ub.denorm) {
        st->flags |= SF_DE;
        return !(st->masks & SF_DE);
    }
    return false;
}

static uint64_t g_addsub(fmt_t f, uint64_t a, uint64_t b, bool negb, struct sf_status *st)
{
    sfi_unp ua = unpack(f, a, st->daz), ub = unpack(f, b, st->daz);
    if (is_nan(ua) || is_nan(ub))
        return nan2(f, a, b, ua, ub, st);
    ub.sign ^= negb;
    if (ua.cls == SFC_INF || ub.cls == SFC_INF) {
        if (ua.cls == SFC_INF && ub.cls == SFC_INF && ua.sign != ub.sign)
            return invalid(f, st);
        if (de_check(ua, ub, st))
            return a;
        return inf(f, ua.cls == SFC_INF ? ua.sign : ub.sign);
    }
    if (de_check(ua, ub, st))
        return a;
    if (ua.cls == SFC_ZERO && ub.cls == SFC_ZERO)
        return zero(f, ua.sign == ub.sign ? ua.sign : (st->round & 3) == SF_RD);
    if (ua.cls == SFC_ZERO)
        return rnd_unp(f, st, ub);
    if (ub.cls == SFC_ZERO)
        return rnd_unp(f, st, ua);
    bool sign;
    int32_t e;
    u128 sig;
    sfi_add_core(ua, ub, &sign, &e, &sig);
    if (sig == 0)
        return zero(f, (st->round & 3) == SF_RD);
    return rnd(f, st, sign, e, sig);
}

static uint64_t g_mul(fmt_t f, uint64_t a, uint64_t b, struct sf_status *st)
{
    sfi_unp ua = unpack(f, a, st->daz), ub = unpack(f, b, st->daz);
    if (is_nan(ua) || is_nan(ub))
        return nan2(f, a, b, ua, ub, st);
    bool sign = ua.sign ^ ub.sign;
    if (ua.cls == SFC_INF || ub.cls == SFC_INF) {
        if (ua.cls == SFC_ZERO || ub.cls == SFC_ZERO)
            return invalid(f, st);
        if (de_check(ua, ub, st))
            return a;
        return inf(f, sign);
    }
    if (de_check(ua, ub, st))
        return a;
    if (ua.cls == SFC_ZERO || ub.cls == SFC_ZERO)
        return zero(f, sign);
    int32_t e;
    u128 sig;
    sfi_mul_core(ua, ub, &e, &sig);
    return rnd(f, st, sign, e, sig);
}

static uint64_t g_div(fmt_t f, uint64_t a, uint64_t b, struct sf_status *st)
{
    sfi_unp ua = unpack(f, a, st->daz), ub = unpack(f, b, st->daz);
    if (is_nan(ua) || is_nan(ub))
        return nan2(f, a, b, ua, ub, st);
    bool sign = ua.sign ^ ub.sign;
    if (ua.cls == SFC_INF) {
        if (ub.cls == SFC_INF)
            return invalid(f, st);
        if (de_check(ua, ub, st))
            return a;
        return inf(f, sign);
    }
    if (ub.cls == SFC_INF) {
        if (de_check(ua, ub, st))
            return a;
        return zero(f, sign);
    }
    if (ub.cls == SFC_ZERO) {
        if (ua.cls == SFC_ZERO)
            return invalid(f, st);
        st->flags |= SF_ZE; /* no DE for a denormal dividend */
        return inf(f, sign);
    }
    if (de_check(ua, ub, st))
        return a;
    if (ua.cls == SFC_ZERO)
        return zero(f, sign);
    int32_t e;
    u128 sig;
    sfi_div_core(ua, ub, &e, &sig);
    return rnd(f, st, sign, e, sig);
}

static uint64_t g_sqrt(fmt_t f, uint64_t a, struct sf_status *st)
{
    sfi_unp ua = unpack(f, a, st->daz);
    if (is_nan(ua))
        return nan2(f, a, a, ua, ua, st);
    if (ua.cls == SFC_ZERO)
        return zero(f, ua.sign);
    if (ua.sign)
        return invalid(f, st);
    if (ua.cls == SFC_INF)
        return a;
    if (de_check(ua, ua, st))
        return a;
    int32_t e;
    u128 sig;
    sfi_sqrt_core(ua, &e, &sig);
    return rnd(f, st, false, e, sig);
}

static enum sf_relation rel(sfi_unp a, sfi_unp b)
{
    if (a.cls == SFC_ZERO && b.cls == SFC_ZERO)
        return SF_EQUAL;
    if (a.cls == SFC_ZERO)
        return b.sign ? SF_GREATER : SF_LESS;
    if (b.cls == SFC_ZERO)
        return a.sign ? SF_LESS : SF_GREATER;
    if (a.sign != b.sign)
        return a.sign ? SF_LESS : SF_GREATER;
    int c;
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

/* MINSS/MAXSS: result = a < b ? a : b (resp. >); else b, including NaNs and zeros. */
static uint64_t g_minmax(fmt_t f, uint64_t a, uint64_t b, bool max, struct sf_status *st)
{
    sfi_unp ua = unpack(f, a, st->daz), ub = unpack(f, b, st->daz);
    if (is_nan(ua) || is_nan(ub)) {
        st->flags |= SF_IE;
        return ub.cls == SFC_ZERO ? zero(f, ub.sign) : b;
    }
    if (de_check(ua, ub, st))
        return a;
    enum sf_relation r = rel(ua, ub);
    bool take_a = max ? r == SF_GREATER : r == SF_LESS;
    uint64_t res = take_a ? a : b;
    sfi_unp ur = take_a ? ua : ub;
    if (ur.cls == SFC_ZERO)
        return zero(f, ur.sign); /* DAZ-flushed denormal returns as zero */
    return res;
}

/* CMPPS predicate table: bit0 LT, bit1 EQ, bit2 GT, bit3 UN; for imm 0..15. */
static const uint8_t cmp_true[16] = {
    0x2, 0x1, 0x3, 0x8, 0xd, 0xe, 0xc, 0x7,
    0xa, 0x9, 0xb, 0x0, 0x5, 0x6, 0x4, 0xf,
};
/* Signaling (IE on QNaN) predicates among 0..15; 16..31 invert this. */
static const uint16_t cmp_signaling = 0x6666;

static bool g_cmp(fmt_t f, uint64_t a, uint64_t b, unsigned pred, struct sf_status *st)
{
    sfi_unp ua = unpack(f, a, st->daz), ub = unpack(f, b, st->daz);
    pred &= 31;
    bool sig = ((cmp_signaling >> (pred & 15)) & 1) ^ (pred >> 4);
    enum sf_relation r;
    if (is_nan(ua) || is_nan(ub)) {
        if (sig || ua.cls == SFC_SNAN || ub.cls == SFC_SNAN)
            st->flags |= SF_IE;
        r = SF_UNORDERED;
    } else {
        de_check(ua, ub, st); /* the mask result is not written if DE faults */
        r = rel(ua, ub);
    }
    static const uint8_t bit[4] = { 1, 2, 4, 8 }; /* LESS, EQUAL, GREATER, UNORDERED */
    return (cmp_true[pred & 15] & bit[r]) != 0;
}

static enum sf_relation g_comi(fmt_t f, uint64_t a, uint64_t b, bool signaling, struct sf_status *st)
{
    sfi_unp ua = unpack(f, a, st->daz), ub = unpack(f, b, st->daz);
    if (is_nan(ua) || is_nan(ub)) {
        if (signaling || ua.cls == SFC_SNAN || ub.cls == SFC_SNAN)
            st->flags |= SF_IE;
        return SF_UNORDERED;
    }
    de_check(ua, ub, st); /* EFLAGS are not written if DE faults */
    return rel(ua, ub);
}

/* Format conversion f -> g. */
static uint64_t g_convert(fmt_t f, fmt_t g, uint64_t a, struct sf_status *st)
{
    sfi_unp ua = unpack(f, a, st->daz);
    switch (ua.cls) {
    case SFC_SNAN:
        st->flags |= SF_IE;
        /* fall through */
    case SFC_QNAN: {
        uint64_t frac = a & ((UINT64_C(1) << f->fbits) - 1);
        frac = g->fbits >= f->fbits ? frac << (g->fbits - f->fbits) : frac >> (f->fbits - g->fbits);
        return (ua.sign ? sign_bit(g) : 0) | exp_mask(g) | quiet_bit(g) | frac;
    }
    case SFC_INF:  return inf(g, ua.sign);
    case SFC_ZERO: return zero(g, ua.sign);
    default: break;
    }
    if (de_check(ua, ua, st))
        return a;
    return rnd_unp(g, st, ua);
}

static uint64_t g_from_int(fmt_t f, int64_t v, struct sf_status *st)
{
    if (v == 0)
        return 0;
    bool sign = v < 0;
    uint64_t m = sign ? 0 - (uint64_t)v : (uint64_t)v;
    int lz = sfi_clz64(m);
    return rnd(f, st, sign, 63 - lz, (u128)(m << lz) << 64);
}

static int64_t g_to_int(fmt_t f, uint64_t a, int bits, bool trunc, struct sf_status *st)
{
    sfi_unp ua = unpack(f, a, st->daz);
    int64_t indef = (int64_t)(UINT64_C(1) << 63) >> (64 - bits);
    if (ua.cls == SFC_ZERO)
        return 0;
    if (ua.cls != SFC_FIN || ua.exp >= 64) {
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
    uint64_t m = (uint64_t)q;
    return ua.sign ? (int64_t)(0 - m) : (int64_t)m;
}

static uint64_t g_round(fmt_t f, uint64_t a, unsigned imm, struct sf_status *st)
{
    sfi_unp ua = unpack(f, a, st->daz);
    if (is_nan(ua))
        return nan2(f, a, a, ua, ua, st);
    if (ua.cls == SFC_ZERO)
        return zero(f, ua.sign);
    if (ua.cls == SFC_INF || ua.exp >= f->p - 1)
        return a;
    int rm = (imm & 4) ? (st->round & 3) : (int)(imm & 3);
    bool inexact, up;
    u128 q = sfi_round_int((u128)ua.sig << 64, ua.exp, rm, ua.sign, &inexact, &up);
    if (inexact && !(imm & 8))
        st->flags |= SF_PE;
    if (q == 0)
        return zero(f, ua.sign);
    int lz = sfi_clz128(q);
    sfi_res r = { ua.sign, SFC_FIN, 127 - lz, (uint64_t)((q << lz) >> 64) };
    return pack(f, r);
}

float32 f32_add(float32 a, float32 b, struct sf_status *s) { return (float32)g_addsub(&sfi_f32, a, b, false, s); }
float32 f32_sub(float32 a, float32 b, struct sf_status *s) { return (float32)g_addsub(&sfi_f32, a, b, true, s); }
float32 f32_mul(float32 a, float32 b, struct sf_status *s) { return (float32)g_mul(&sfi_f32, a, b, s); }
float32 f32_div(float32 a, float32 b, struct sf_status *s) { return (float32)g_div(&sfi_f32, a, b, s); }
float32 f32_sqrt(float32 a, struct sf_status *s) { return (float32)g_sqrt(&sfi_f32, a, s); }
float32 f32_min(float32 a, float32 b, struct sf_status *s) { return (float32)g_minmax(&sfi_f32, a, b, false, s); }
float32 f32_max(float32 a, float32 b, struct sf_status *s) { return (float32)g_minmax(&sfi_f32, a, b, true, s); }
float64 f64_add(float64 a, float64 b, struct sf_status *s) { return g_addsub(&sfi_f64, a, b, false, s); }
float64 f64_sub(float64 a, float64 b, struct sf_status *s) { return g_addsub(&sfi_f64, a, b, true, s); }
float64 f64_mul(float64 a, float64 b, struct sf_status *s) { return g_mul(&sfi_f64, a, b, s); }
float64 f64_div(float64 a, float64 b, struct sf_status *s) { return g_div(&sfi_f64, a, b, s); }
float64 f64_sqrt(float64 a, struct sf_status *s) { return g_sqrt(&sfi_f64, a, s); }
float64 f64_min(float64 a, float64 b, struct sf_status *s) { return g_minmax(&sfi_f64, a, b, false, s); }
float64 f64_max(float64 a, float64 b, struct sf_status *s) { return g_minmax(&sfi_f64, a, b, true, s); }

bool f32_cmp(float32 a, float32 b, unsigned pred, struct sf_status *s) { return g_cmp(&sfi_f32, a, b, pred, s); }
bool f64_cmp(float64 a, float64 b, unsigned pred, struct sf_status *s) { return g_cmp(&sfi_f64, a, b, pred, s); }
enum sf_relation f32_comi(float32 a, float32 b, bool sig, struct sf_status *s) { return g_comi(&sfi_f32, a, b, sig, s); }
enum sf_relation f64_comi(float64 a, float64 b, bool sig, struct sf_status *s) { return g_comi(&sfi_f64, a, b, sig, s); }

float64 f32_to_f64(float32 a, struct sf_status *s) { return g_convert(&sfi_f32, &sfi_f64, a, s); }
float32 f64_to_f32(float64 a, struct sf_status *s) { return (float32)g_convert(&sfi_f64, &sfi_f32, a, s); }
float32 i32_to_f32(int32_t v, struct sf_status *s) { return (float32)g_from_int(&sfi_f32, v, s); }
float32 i64_to_f32(int64_t v, struct sf_status *s) { return (float32)g_from_int(&sfi_f32, v, s); }
float64 i32_to_f64(int32_t v, struct sf_status *s) { return g_from_int(&sfi_f64, v, s); }
float64 i64_to_f64(int64_t v, struct sf_status *s) { return g_from_int(&sfi_f64, v, s); }
int32_t f32_to_i32(float32 a, struct sf_status *s) { return (int32_t)g_to_int(&sfi_f32, a, 32, false, s); }
int32_t f32_to_i32_trunc(float32 a, struct sf_status *s) { return (int32_t)g_to_int(&sfi_f32, a, 32, true, s); }
int64_t f32_to_i64(float32 a, struct sf_status *s) { return g_to_int(&sfi_f32, a, 64, false, s); }
int64_t f32_to_i64_trunc(float32 a, struct sf_status *s) { return g_to_int(&sfi_f32, a, 64, true, s); }
int32_t f64_to_i32(float64 a, struct sf_status *s) { return (int32_t)g_to_int(&sfi_f64, a, 32, false, s); }
int32_t f64_to_i32_trunc(float64 a, struct sf_status *s) { return (int32_t)g_to_int(&sfi_f64, a, 32, true, s); }
int64_t f64_to_i64(float64 a, struct sf_status *s) { return g_to_int(&sfi_f64, a, 64, false, s); }
int64_t f64_to_i64_trunc(float64 a, struct sf_status *s) { return g_to_int(&sfi_f64, a, 64, true, s); }
float32 f32_round(float32 a, unsigned imm, struct sf_status *s) { return (float32)g_round(&sfi_f32, a, imm, s); }
float64 f64_round(float64 a, unsigned imm, struct sf_status *s) { return g_round(&sfi_f64, a, imm, s); }
