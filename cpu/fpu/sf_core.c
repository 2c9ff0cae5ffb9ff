/* Core of the software floating point: rounding and exact arithmetic kernels. */
#include "sf_internal.h"

const sfi_fmt sfi_f32 = { 23, 8, 127, 24, -126, 127 };
const sfi_fmt sfi_f64 = { 52, 11, 1023, 53, -1022, 1023 };
const sfi_fmt sfi_x80 = { 63, 15, 16383, 64, -16382, 16383 };

#define X87_BIAS_ADJUST 24576

int sfi_clz64(uint64_t v)
{
    return v ? __builtin_clzll(v) : 64;
}

int sfi_clz128(u128 v)
{
    uint64_t hi = (uint64_t)(v >> 64);
    return hi ? __builtin_clzll(hi) : 64 + sfi_clz64((uint64_t)v);
}

/* Shift right by n, OR-ing any lost bits into bit 0 ("sticky"). */
u128 sfi_rshift_jam(u128 v, int n)
{
    if (n <= 0)
        return v;
    if (n >= 128)
        return v != 0;
    return (v >> n) | ((v << (128 - n)) != 0);
}

/* round(sig / 2^k) with rounding mode rm for a value of the given sign. k >= 2. */
static u128 rnd_at(u128 sig, int k, int rm, bool sign, bool *inexact, bool *up)
{
    u128 q;
    bool rb, sb, inc;
    if (k >= 129) {
        q = 0; rb = false; sb = sig != 0;
    } else if (k == 128) {
        q = 0; rb = (bool)(sig >> 127); sb = (sig << 1) != 0;
    } else {
        q = sig >> k;
        rb = (bool)((sig >> (k - 1)) & 1);
        sb = (sig << (129 - k)) != 0;
    }
    switch (rm) {
    case SF_RN: inc = rb && (sb || (q & 1)); break;
    case SF_RU: inc = !sign && (rb || sb); break;
    case SF_RD: inc = sign && (rb || sb); break;
    default:    inc = false; break;
    }
    *inexact = rb || sb;
    *up = inc;
    return q + inc;
}

u128 sfi_round_int(u128 sig, int32_t e, int rm, bool sign, bool *inexact, bool *up)
{
    /* value = sig * 2^(e-127); the integer quantum 2^0 sits at bit 127 - e.
     * Callers pass e <= 63, so k >= 64 and the result fits in 65 bits. */
    int32_t k = 127 - e;
    if (k > 200)
        k = 200;
    return rnd_at(sig, (int)k, rm, sign, inexact, up);
}

static sfi_res make_fin(bool sign, int32_t exp, uint64_t sig)
{
    sfi_res r = { sign, SFC_FIN, exp, sig };
    return r;
}

/* Normalize q * 2^Q into a result for format f (q != 0, q < 2^65). */
static sfi_res from_q(const sfi_fmt *f, bool sign, u128 q, int32_t Q)
{
    int lead = 127 - sfi_clz128(q);
    int32_t E = Q + lead;
    if (lead > 63) /* carry out of a 64-bit significand: q == 2^64 */
        return make_fin(sign, E, (uint64_t)(q >> (lead - 63)));
    if (E >= f->emin)
        return make_fin(sign, E, (uint64_t)(q << (63 - lead)));
    /* denormal: stored with exponent emin and the integer bit clear */
    return make_fin(sign, f->emin, (uint64_t)(q << (63 - (f->emin - Q))));
}

sfi_res sfi_round(struct sf_status *st, const sfi_fmt *f, int kind, int p,
                  bool sign, int32_t e, u128 sig)
{
    int rm = st->round & 3;
    bool inexact, up;
    sfi_res r;
    bool x87 = kind != SFK_SSE;

    if (e >= f->emin) {
        /* no tininess possible */
        u128 q = rnd_at(sig, 128 - p, rm, sign, &inexact, &up);
        r = from_q(f, sign, q, e - p + 1);
        if (r.exp > f->emax) {
            if (x87 && kind == SFK_X87_REG && !(st->masks & SF_OE)) {
                r.exp -= X87_BIAS_ADJUST;
                if (r.exp > f->emax) {
                    /* still out of range after the bias adjust: infinity */
                    st->flags |= SF_OE | SF_PE;
                    st->c1 = true;
                    r.cls = SFC_INF; r.exp = f->emax + 1; r.sig = 1ULL << 63;
                    return r;
                }
                st->flags |= SF_OE | (inexact ? SF_PE : 0);
                st->c1 = up;
                return r;
            }
            if (kind != SFK_X87_REG && !(st->masks & SF_OE)) {
                /* unmasked overflow, x87 store to memory or SSE: the
                 * instruction faults and nothing is stored.  x87 reports
                 * only OE; SSE also PE when the unbounded result is inexact. */
                st->flags |= SF_OE | (kind == SFK_SSE && inexact ? SF_PE : 0);
                st->c1 = false;
                return r;
            }
            st->flags |= SF_OE | SF_PE;
            bool to_inf = rm == SF_RN || (rm == SF_RU && !sign) || (rm == SF_RD && sign);
            if (to_inf) {
                r.cls = SFC_INF; r.exp = f->emax + 1; r.sig = 1ULL << 63;
            } else {
                r.exp = f->emax;
                r.sig = ~0ULL << (64 - p);
            }
            if (x87) st->c1 = to_inf;
            return r;
        }
        if (inexact) st->flags |= SF_PE;
        if (x87) st->c1 = up;
        return r;
    }

    /* e < emin: tininess is decided after rounding to p bits with an unbounded exponent */
    bool inexact0, up0;
    u128 q0 = rnd_at(sig, 128 - p, rm, sign, &inexact0, &up0);
    sfi_res r0 = from_q(&(sfi_fmt){ 0, 0, 0, 64, INT32_MIN / 2, 0 }, sign, q0, e - p + 1);
    bool tiny = r0.exp < f->emin;
    bool ue_masked = (st->masks & SF_UE) != 0;

    if (tiny && x87 && kind == SFK_X87_REG && !ue_masked) {
        r0.exp += X87_BIAS_ADJUST;
        if (r0.exp < f->emin) {
            /* still out of range after the bias adjust: signed zero */
            st->flags |= SF_UE | SF_PE;
            st->c1 = false;
            r0.cls = SFC_ZERO; r0.exp = 0; r0.sig = 0;
            return r0;
        }
        st->flags |= SF_UE | (inexact0 ? SF_PE : 0);
        st->c1 = up0;
        return r0;
    }
    if (tiny && kind != SFK_X87_REG && !ue_masked) {
        /* unmasked underflow, x87 store to memory or SSE: faults; UE, and
         * for SSE PE when the unbounded-exponent result is inexact */
        st->flags |= SF_UE | (kind == SFK_SSE && inexact0 ? SF_PE : 0);
        st->c1 = false;
        return r0;
    }
    if (tiny && !x87 && st->ftz && ue_masked) {
        st->flags |= SF_UE | SF_PE;
        r.sign = sign; r.cls = SFC_ZERO; r.exp = 0; r.sig = 0;
        return r;
    }
    /* Denormalize: the quantum is 2^(emin-p+1).  For x87 with precision
     * control this is coarser than the storage format's denormal quantum:
     * hardware keeps only p significant bits counted from 2^emin. */
    int32_t Q = f->emin - p + 1;
    int32_t k = 127 + Q - e;
    if (k > 200) k = 200;
    u128 q = rnd_at(sig, (int)k, rm, sign, &inexact, &up);
    if (inexact) st->flags |= SF_PE;
    if (tiny && (inexact || !ue_masked)) st->flags |= SF_UE;
    if (x87) st->c1 = up;
    if (q == 0) {
        r.sign = sign; r.cls = SFC_ZERO; r.exp = 0; r.sig = 0;
        return r;
    }
    return from_q(f, sign, q, Q);
}

void sfi_add_core(sfi_unp a, sfi_unp b, bool *sign, int32_t *e, u128 *sig)
{
    if (a.exp < b.exp || (a.exp == b.exp && a.sig < b.sig)) {
        sfi_unp t = a; a = b; b = t;
    }
    int32_t d = a.exp - b.exp;
    u128 A = (u128)a.sig << 63;
    u128 B = sfi_rshift_jam((u128)b.sig << 63, d > 200 ? 200 : (int)d);
    u128 R = a.sign == b.sign ? A + B : A - B;
    *sign = a.sign;
    if (R == 0) {
        *sig = 0;
        *e = 0;
        return;
    }
    int lz = sfi_clz128(R);
    *sig = R << lz;
    *e = a.exp + 1 - lz;
}

void sfi_mul_core(sfi_unp a, sfi_unp b, int32_t *e, u128 *sig)
{
    u128 P = (u128)a.sig * b.sig;
    int lz = sfi_clz128(P);
    *sig = P << lz;
    *e = a.exp + b.exp + 1 - lz;
}

void sfi_div_core(sfi_unp a, sfi_unp b, int32_t *e, u128 *sig)
{
    u128 N = (u128)a.sig << 64;
    u128 q = N / b.sig;
    u128 r = N % b.sig;
    /* two more quotient bits so that at least 65 significant bits exist */
    for (int i = 0; i < 2; i++) {
        r <<= 1;
        q <<= 1;
        if (r >= b.sig) {
            r -= b.sig;
            q |= 1;
        }
    }
    int lz = sfi_clz128(q);
    *sig = (q << lz) | (r != 0);
    *e = a.exp - b.exp + 61 - lz;
}

void sfi_sqrt_core(sfi_unp a, int32_t *e, u128 *sig)
{
    /* radicand R = a.sig * 2^z with (a.exp - 63 - z) even; 66 root bits */
    int z = 66 + (int)((uint32_t)(a.exp - 63 - 66) & 1);
    u128 rem = 0, root = 0;
    for (int i = 65; i >= 0; i--) {
        int j1 = 2 * i + 1, j0 = 2 * i;
        unsigned b1 = j1 >= z && j1 - z < 64 ? (unsigned)(a.sig >> (j1 - z)) & 1 : 0;
        unsigned b0 = j0 >= z && j0 - z < 64 ? (unsigned)(a.sig >> (j0 - z)) & 1 : 0;
        rem = (rem << 2) | (b1 << 1) | b0;
        u128 trial = (root << 2) | 1;
        if (rem >= trial) {
            rem -= trial;
            root = (root << 1) | 1;
        } else {
            root <<= 1;
        }
    }
    int lz = sfi_clz128(root);
    *sig = (root << lz) | (rem != 0);
    *e = (a.exp - 63 - z) / 2 + 65 + (62 - lz);
}

/* ------------------------------------------------------------------------ */

sfi_unp sfi_unpack_x80(floatx80 a)
{
    sfi_unp u = { (a.se >> 15) != 0, false, SFC_FIN, 0, a.sig };
    int32_t exp = a.se & 0x7fff;
    if (exp == 0x7fff) {
        if (!(a.sig >> 63))
            u.cls = SFC_BAD;
        else if ((a.sig << 1) == 0)
            u.cls = SFC_INF;
        else
            u.cls = (a.sig >> 62) & 1 ? SFC_QNAN : SFC_SNAN;
        return u;
    }
    if (exp == 0) {
        if (a.sig == 0) {
            u.cls = SFC_ZERO;
            return u;
        }
        u.denorm = true;
        int lz = sfi_clz64(a.sig);
        u.sig = a.sig << lz;
        u.exp = -16382 - lz;
        return u;
    }
    if (!(a.sig >> 63)) {
        u.cls = SFC_BAD; /* unnormal */
        return u;
    }
    u.exp = exp - 16383;
    return u;
}

floatx80 sfi_pack_x80(sfi_res r)
{
    switch (r.cls) {
    case SFC_ZERO: return sfi_x80_make(r.sign, 0, 0);
    case SFC_INF:  return sfi_x80_make(r.sign, 0x7fff, 1ULL << 63);
    default: break;
    }
    if (!(r.sig >> 63))
        return sfi_x80_make(r.sign, 0, r.sig);
    return sfi_x80_make(r.sign, (uint16_t)((r.exp + 16383) & 0x7fff), r.sig);
}

floatx80 sfi_x87_round(struct sf_status *st, int p, bool sign, int32_t e, u128 sig)
{
    return sfi_pack_x80(sfi_round(st, &sfi_x80, SFK_X87_REG, p, sign, e, sig));
}

/* x87 NaN / unsupported operand propagation (SDM Vol.1 table 4-7). At least one
 * operand is a NaN or unsupported.  For unary operations pass b == a. */
floatx80 sfi_x87_nan2(floatx80 a, floatx80 b, sfi_unp ua, sfi_unp ub, struct sf_status *st)
{
    if (ua.cls == SFC_BAD || ub.cls == SFC_BAD) {
        st->flags |= SF_IE;
        return FX80_INDEFINITE;
    }
    bool an = ua.cls == SFC_QNAN || ua.cls == SFC_SNAN;
    bool bn = ub.cls == SFC_QNAN || ub.cls == SFC_SNAN;
    if (ua.cls == SFC_SNAN || ub.cls == SFC_SNAN)
        st->flags |= SF_IE;
    floatx80 r;
    if (an && bn) {
        if (ua.cls != ub.cls)
            r = ua.cls == SFC_QNAN ? a : b;
        else if (a.sig != b.sig)
            r = a.sig > b.sig ? a : b;
        else
            r = (a.se >> 15) ? b : a; /* equal significands: prefer the positive one */
    } else {
        r = an ? a : b;
    }
    r.sig |= 1ULL << 62;
    return r;
}

/* Sets DE for denormal operands; returns true when DE is unmasked (abort). */
bool sfi_x87_denormal_check(sfi_unp ua, sfi_unp ub, struct sf_status *st)
{
    if (ua.denorm || ub.denorm) {
        st->flags |= SF_DE;
        if (!(st->masks & SF_DE))
            return true;
    }
    return false;
}
