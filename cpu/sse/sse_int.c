/* Integer SIMD (MMX, SSE2, SSSE3, SSE4.1, SSE4.2 PCMPGTQ) and the bitwise/shuffle forms of the
 * floating-point families (ANDPS, SHUFPS, UNPCKLPS, BLENDPS, MOVSLDUP, ...), as vector kernels.
 * Every kernel follows the instruction's "Operation" section in SDM Vol.2; for MMX operands
 * n = 8 and the same formulas apply to the 64-bit register (SDM Vol.1 9.4).
 */
#include "cpu/sse/sse_priv.h"

#define KERNEL(name) static void name(struct cpu *c, union xmm *d, const union xmm *s, unsigned n, unsigned imm)

/* Element-wise d[k] := f(a = d[k], b = s[k]) with a, b of type T. */
#define EW(name, T, f, expr)                                                                       \
    KERNEL(name)                                                                                   \
    {                                                                                              \
        for (unsigned k = 0; k < n / sizeof(T); k++) {                                             \
            T a = (T)d->f[k], b = (T)s->f[k];                                                      \
            (void)a;                                                                               \
            d->f[k] = (expr);                                                                      \
        }                                                                                          \
    }

/* ---- arithmetic (SDM Vol.2 PADDx, PSUBx, PADDSx, PADDUSx, PSUBSx, PSUBUSx) ---- */
EW(k_paddb, uint8_t, b, (uint8_t)(a + b))
EW(k_paddw, uint16_t, w, (uint16_t)(a + b))
EW(k_paddd, uint32_t, d, a + b)
EW(k_paddq, uint64_t, q, a + b)
EW(k_psubb, uint8_t, b, (uint8_t)(a - b))
EW(k_psubw, uint16_t, w, (uint16_t)(a - b))
EW(k_psubd, uint32_t, d, a - b)
EW(k_psubq, uint64_t, q, a - b)
EW(k_paddsb, int8_t, b, (uint8_t)sat_s8(a + b))
EW(k_paddsw, int16_t, w, (uint16_t)sat_s16(a + b))
EW(k_paddusb, uint8_t, b, sat_u8(a + b))
EW(k_paddusw, uint16_t, w, sat_u16(a + b))
EW(k_psubsb, int8_t, b, (uint8_t)sat_s8(a - b))
EW(k_psubsw, int16_t, w, (uint16_t)sat_s16(a - b))
EW(k_psubusb, uint8_t, b, sat_u8(a - b))
EW(k_psubusw, uint16_t, w, sat_u16(a - b))
/* multiplies (PMULLW, PMULHW, PMULHUW, PMULLD, PMULHRSW) */
EW(k_pmullw, int16_t, w, (uint16_t)((int32_t)a * b))
EW(k_pmulhw, int16_t, w, (uint16_t)(((int32_t)a * b) >> 16))
EW(k_pmulhuw, uint16_t, w, (uint16_t)(((uint32_t)a * b) >> 16))
EW(k_pmulld, int32_t, d, (uint32_t)((int64_t)a * b))
EW(k_pmulhrsw, int16_t, w, (uint16_t)(((((int32_t)a * b) >> 14) + 1) >> 1))
/* PMULUDQ / PMULDQ: even doublewords to quadwords */
KERNEL(k_pmuludq)
{
    for (unsigned k = 0; k < n / 8; k++) d->q[k] = (uint64_t)d->d[2 * k] * s->d[2 * k];
}
KERNEL(k_pmuldq)
{
    for (unsigned k = 0; k < 2; k++)
        d->q[k] = (uint64_t)((int64_t)(int32_t)d->d[2 * k] * (int32_t)s->d[2 * k]);
}
/* PMADDWD */
KERNEL(k_pmaddwd)
{
    for (unsigned k = 0; k < n / 4; k++) {
        int32_t p0 = (int16_t)d->w[2 * k] * (int32_t)(int16_t)s->w[2 * k];
        int32_t p1 = (int16_t)d->w[2 * k + 1] * (int32_t)(int16_t)s->w[2 * k + 1];
        d->d[k] = (uint32_t)p0 + (uint32_t)p1; /* 0x8000*0x8000*2 wraps to 0x80000000 */
    }
}
/* PMADDUBSW: unsigned bytes of the destination times signed bytes of the source */
KERNEL(k_pmaddubsw)
{
    for (unsigned k = 0; k < n / 2; k++) {
        int32_t v = d->b[2 * k] * (int32_t)(int8_t)s->b[2 * k] +
                    d->b[2 * k + 1] * (int32_t)(int8_t)s->b[2 * k + 1];
        d->w[k] = (uint16_t)sat_s16(v);
    }
}
/* PAVGB/PAVGW: (a + b + 1) >> 1 */
EW(k_pavgb, uint8_t, b, (uint8_t)((a + b + 1) >> 1))
EW(k_pavgw, uint16_t, w, (uint16_t)((a + b + 1) >> 1))
/* min/max (PMINUB, PMINSW, PMAXUB, PMAXSW; SSE4.1 PMINSB/SD/UW/UD, PMAXSB/SD/UW/UD) */
EW(k_pminub, uint8_t, b, a < b ? a : b)
EW(k_pmaxub, uint8_t, b, a > b ? a : b)
EW(k_pminsw, int16_t, w, (uint16_t)(a < b ? a : b))
EW(k_pmaxsw, int16_t, w, (uint16_t)(a > b ? a : b))
EW(k_pminsb, int8_t, b, (uint8_t)(a < b ? a : b))
EW(k_pmaxsb, int8_t, b, (uint8_t)(a > b ? a : b))
EW(k_pminsd, int32_t, d, (uint32_t)(a < b ? a : b))
EW(k_pmaxsd, int32_t, d, (uint32_t)(a > b ? a : b))
EW(k_pminuw, uint16_t, w, a < b ? a : b)
EW(k_pmaxuw, uint16_t, w, a > b ? a : b)
EW(k_pminud, uint32_t, d, a < b ? a : b)
EW(k_pmaxud, uint32_t, d, a > b ? a : b)
/* compares (PCMPEQx, PCMPGTx signed) */
EW(k_pcmpeqb, uint8_t, b, a == b ? 0xff : 0)
EW(k_pcmpeqw, uint16_t, w, a == b ? 0xffff : 0)
EW(k_pcmpeqd, uint32_t, d, a == b ? ~0u : 0)
EW(k_pcmpeqq, uint64_t, q, a == b ? ~0ull : 0)
EW(k_pcmpgtb, int8_t, b, a > b ? 0xff : 0)
EW(k_pcmpgtw, int16_t, w, a > b ? 0xffff : 0)
EW(k_pcmpgtd, int32_t, d, a > b ? ~0u : 0)
EW(k_pcmpgtq, int64_t, q, a > b ? ~0ull : 0)
/* logic (PAND/ANDPS/ANDPD, PANDN/ANDNPS, POR/ORPS, PXOR/XORPS) */
EW(k_pand, uint64_t, q, a & b)
EW(k_pandn, uint64_t, q, ~a & b)
EW(k_por, uint64_t, q, a | b)
EW(k_pxor, uint64_t, q, a ^ b)
/* SSSE3 PSIGNx, PABSx */
EW(k_psignb, int8_t, b, (uint8_t)(b < 0 ? -a : b == 0 ? 0 : a))
EW(k_psignw, int16_t, w, (uint16_t)(b < 0 ? -a : b == 0 ? 0 : a))
EW(k_psignd, int32_t, d, (uint32_t)(b < 0 ? -(uint32_t)a : b == 0 ? 0 : (uint32_t)a))
EW(k_pabsb, int8_t, b, (uint8_t)(b < 0 ? -b : b))
EW(k_pabsw, int16_t, w, (uint16_t)(b < 0 ? -b : b))
EW(k_pabsd, int32_t, d, b < 0 ? -(uint32_t)b : (uint32_t)b)

/* PSADBW: per 8-byte group, the sum of absolute differences in the low word, zeros above */
KERNEL(k_psadbw)
{
    for (unsigned g = 0; g < n / 8; g++) {
        unsigned sum = 0;
        for (unsigned k = 0; k < 8; k++) {
            int diff = d->b[8 * g + k] - s->b[8 * g + k];
            sum += (unsigned)(diff < 0 ? -diff : diff);
        }
        d->q[g] = sum;
    }
}

/* ---- shifts by a count (PSRLx/PSRAx/PSLLx: the count is the whole low quadword of the source or
 * the imm8; logical shifts beyond the width give 0, arithmetic ones the sign) ---- */
#define SHIFT(name, T, f, bits, expr_in, expr_big)                                                 \
    KERNEL(name)                                                                                   \
    {                                                                                              \
        uint64_t cnt = s->q[0];                                                                    \
        for (unsigned k = 0; k < n / sizeof(T); k++) {                                             \
            T a = (T)d->f[k];                                                                      \
            d->f[k] = cnt < bits ? (expr_in) : (expr_big);                                         \
        }                                                                                          \
    }
SHIFT(k_psrlw, uint16_t, w, 16, (uint16_t)(a >> cnt), 0)
SHIFT(k_psrld, uint32_t, d, 32, a >> cnt, 0)
SHIFT(k_psrlq, uint64_t, q, 64, a >> cnt, 0)
SHIFT(k_psllw, uint16_t, w, 16, (uint16_t)(a << cnt), 0)
SHIFT(k_pslld, uint32_t, d, 32, a << cnt, 0)
SHIFT(k_psllq, uint64_t, q, 64, a << cnt, 0)
SHIFT(k_psraw, int16_t, w, 16, (uint16_t)(a >> cnt), (uint16_t)(a >> 15))
SHIFT(k_psrad, int32_t, d, 32, (uint32_t)(a >> cnt), (uint32_t)(a >> 31))
/* PSRLDQ/PSLLDQ: byte shifts of the whole register; counts above 15 clear it */
KERNEL(k_psrldq)
{
    union xmm r = {.q = {0, 0}};
    for (unsigned k = 0; k + imm < 16; k++) r.b[k] = d->b[k + imm];
    *d = r;
}
KERNEL(k_pslldq)
{
    union xmm r = {.q = {0, 0}};
    for (unsigned k = imm; k < 16; k++) r.b[k] = d->b[k - imm];
    *d = r;
}

/* ---- unpack / interleave (PUNPCKLxx, PUNPCKHxx, UNPCKLPS/PD, UNPCKHPS/PD) ----
 * low: r[2k] = d[k], r[2k+1] = s[k] for the low half; high: the same from the high half. */
static void unpack(union xmm *d, const union xmm *s, unsigned n, unsigned es, bool high)
{
    union xmm r;
    unsigned base = high ? n / 2 : 0;
    for (unsigned k = 0; k < n / 2 / es; k++) {
        memcpy(&r.b[2 * k * es], &d->b[base + k * es], es);
        memcpy(&r.b[(2 * k + 1) * es], &s->b[base + k * es], es);
    }
    memcpy(d->b, r.b, n);
}
KERNEL(k_punpcklbw) { unpack(d, s, n, 1, false); }
KERNEL(k_punpcklwd) { unpack(d, s, n, 2, false); }
KERNEL(k_punpckldq) { unpack(d, s, n, 4, false); }
KERNEL(k_punpcklqdq) { unpack(d, s, n, 8, false); }
KERNEL(k_punpckhbw) { unpack(d, s, n, 1, true); }
KERNEL(k_punpckhwd) { unpack(d, s, n, 2, true); }
KERNEL(k_punpckhdq) { unpack(d, s, n, 4, true); }
KERNEL(k_punpckhqdq) { unpack(d, s, n, 8, true); }

/* ---- packs (PACKSSWB, PACKUSWB, PACKSSDW, PACKUSDW): destination elements first ---- */
KERNEL(k_packsswb)
{
    union xmm r;
    unsigned m = n == 8 ? 4 : 8; /* words per operand */
    for (unsigned k = 0; k < m; k++) {
        r.b[k] = (uint8_t)sat_s8((int16_t)d->w[k]);
        r.b[(m + k) & 15] = (uint8_t)sat_s8((int16_t)s->w[k]);
    }
    memcpy(d->b, r.b, n);
}
KERNEL(k_packuswb)
{
    union xmm r;
    unsigned m = n == 8 ? 4 : 8; /* words per operand */
    for (unsigned k = 0; k < m; k++) {
        r.b[k] = sat_u8((int16_t)d->w[k]);
        r.b[(m + k) & 15] = sat_u8((int16_t)s->w[k]);
    }
    memcpy(d->b, r.b, n);
}
KERNEL(k_packssdw)
{
    union xmm r;
    unsigned m = n == 8 ? 2 : 4; /* doublewords per operand */
    for (unsigned k = 0; k < m; k++) {
        r.w[k] = (uint16_t)sat_s16((int32_t)d->d[k]);
        r.w[(m + k) & 7] = (uint16_t)sat_s16((int32_t)s->d[k]);
    }
    memcpy(d->b, r.b, n);
}
static uint16_t sat_u16_32(int32_t v) { return (uint16_t)(v < 0 ? 0 : v > 65535 ? 65535 : v); }
KERNEL(k_packusdw)
{
    union xmm r;
    for (unsigned k = 0; k < 4; k++) {
        r.w[k] = sat_u16_32((int32_t)d->d[k]);
        r.w[4 + k] = sat_u16_32((int32_t)s->d[k]);
    }
    *d = r;
}

/* ---- SSSE3 horizontal add/sub (PHADDW/D/SW, PHSUBW/D/SW): destination pairs, then source ---- */
#define HORIZ(name, T, f, op, satf)                                                                \
    KERNEL(name)                                                                                   \
    {                                                                                              \
        union xmm r;                                                                               \
        unsigned m = n / sizeof(T) / 2;                                                            \
        for (unsigned k = 0; k < m; k++) {                                                         \
            r.f[k] = satf((int32_t)(T)d->f[2 * k] op (int32_t)(T)d->f[2 * k + 1]);                \
            r.f[m + k] = satf((int32_t)(T)s->f[2 * k] op (int32_t)(T)s->f[2 * k + 1]);            \
        }                                                                                          \
        memcpy(d->b, r.b, n);                                                                      \
    }
#define WRAP16(v) (uint16_t)(v)
#define WRAP32(v) (uint32_t)(v)
#define SAT16(v) (uint16_t)sat_s16(v)
HORIZ(k_phaddw, int16_t, w, +, WRAP16)
HORIZ(k_phsubw, int16_t, w, -, WRAP16)
HORIZ(k_phaddsw, int16_t, w, +, SAT16)
HORIZ(k_phsubsw, int16_t, w, -, SAT16)
/* 32-bit sums wrap: compute in unsigned */
KERNEL(k_phaddd)
{
    union xmm r;
    unsigned m = n / 8;
    for (unsigned k = 0; k < m; k++) {
        r.d[k] = d->d[2 * k] + d->d[2 * k + 1];
        r.d[m + k] = s->d[2 * k] + s->d[2 * k + 1];
    }
    memcpy(d->b, r.b, n);
}
KERNEL(k_phsubd)
{
    union xmm r;
    unsigned m = n / 8;
    for (unsigned k = 0; k < m; k++) {
        r.d[k] = d->d[2 * k] - d->d[2 * k + 1];
        r.d[m + k] = s->d[2 * k] - s->d[2 * k + 1];
    }
    memcpy(d->b, r.b, n);
}

/* ---- shuffles ---- */
/* PSHUFB: index bit 7 clears, low bits (3 for MMX, 4 for XMM) select a destination byte */
KERNEL(k_pshufb)
{
    union xmm r;
    for (unsigned k = 0; k < n; k++) r.b[k] = (s->b[k] & 0x80) ? 0 : d->b[s->b[k] & (n - 1)];
    memcpy(d->b, r.b, n);
}
/* PALIGNR: (dest:src) >> imm*8, low n bytes; imm up to 255 */
KERNEL(k_palignr)
{
    uint8_t t[32];
    memcpy(t, s->b, n);
    memcpy(t + n, d->b, n);
    for (unsigned k = 0; k < n; k++) d->b[k] = k + imm < 2 * n ? t[k + imm] : 0;
}
/* PSHUFW (MMX): words of the source selected by imm pairs */
KERNEL(k_pshufw)
{
    union xmm r = *s;
    for (unsigned k = 0; k < 4; k++) d->w[k] = r.w[(imm >> (2 * k)) & 3];
}
KERNEL(k_pshufd)
{
    union xmm r = *s;
    for (unsigned k = 0; k < 4; k++) d->d[k] = r.d[(imm >> (2 * k)) & 3];
}
KERNEL(k_pshufhw)
{
    union xmm r = *s;
    d->q[0] = r.q[0];
    for (unsigned k = 0; k < 4; k++) d->w[4 + k] = r.w[4 + ((imm >> (2 * k)) & 3)];
}
KERNEL(k_pshuflw)
{
    union xmm r = *s;
    d->q[1] = r.q[1];
    for (unsigned k = 0; k < 4; k++) d->w[k] = r.w[(imm >> (2 * k)) & 3];
}
/* SHUFPS: two from the destination, two from the source */
KERNEL(k_shufps)
{
    union xmm r;
    r.d[0] = d->d[imm & 3];
    r.d[1] = d->d[(imm >> 2) & 3];
    r.d[2] = s->d[(imm >> 4) & 3];
    r.d[3] = s->d[(imm >> 6) & 3];
    *d = r;
}
KERNEL(k_shufpd)
{
    union xmm r;
    r.q[0] = d->q[imm & 1];
    r.q[1] = s->q[(imm >> 1) & 1];
    *d = r;
}
/* SSE3 MOVSLDUP / MOVSHDUP / MOVDDUP */
KERNEL(k_movsldup)
{
    union xmm r = *s;
    d->d[0] = d->d[1] = r.d[0];
    d->d[2] = d->d[3] = r.d[2];
}
KERNEL(k_movshdup)
{
    union xmm r = *s;
    d->d[0] = d->d[1] = r.d[1];
    d->d[2] = d->d[3] = r.d[3];
}
KERNEL(k_movddup) { d->q[0] = d->q[1] = s->q[0]; }

/* ---- SSE4.1 blends: imm8 bits or the sign bits of XMM0 (implicit operand) select the source ---- */
KERNEL(k_blendps)
{
    for (unsigned k = 0; k < 4; k++)
        if (imm & (1u << k)) d->d[k] = s->d[k];
}
KERNEL(k_blendpd)
{
    for (unsigned k = 0; k < 2; k++)
        if (imm & (1u << k)) d->q[k] = s->q[k];
}
KERNEL(k_pblendw)
{
    for (unsigned k = 0; k < 8; k++)
        if (imm & (1u << k)) d->w[k] = s->w[k];
}
KERNEL(k_pblendvb)
{
    union xmm m = c->xmm[0];
    for (unsigned k = 0; k < 16; k++)
        if (m.b[k] & 0x80) d->b[k] = s->b[k];
}
KERNEL(k_blendvps)
{
    union xmm m = c->xmm[0];
    for (unsigned k = 0; k < 4; k++)
        if (m.d[k] >> 31) d->d[k] = s->d[k];
}
KERNEL(k_blendvpd)
{
    union xmm m = c->xmm[0];
    for (unsigned k = 0; k < 2; k++)
        if (m.q[k] >> 63) d->q[k] = s->q[k];
}

/* ---- SSE4.1 PMOVSX / PMOVZX (the source is the low bytes; memory forms read 2/4/8 bytes) ---- */
#define PMOVX(name, ST, sf, DT, df, cnt)                                                           \
    KERNEL(name)                                                                                   \
    {                                                                                              \
        union xmm r = *s;                                                                          \
        for (unsigned k = 0; k < cnt; k++) d->df[k] = (DT)(ST)r.sf[k];                            \
    }
PMOVX(k_pmovsxbw, int8_t, b, uint16_t, w, 8)
PMOVX(k_pmovsxbd, int8_t, b, uint32_t, d, 4)
PMOVX(k_pmovsxbq, int8_t, b, uint64_t, q, 2)
PMOVX(k_pmovsxwd, int16_t, w, uint32_t, d, 4)
PMOVX(k_pmovsxwq, int16_t, w, uint64_t, q, 2)
PMOVX(k_pmovsxdq, int32_t, d, uint64_t, q, 2)
PMOVX(k_pmovzxbw, uint8_t, b, uint16_t, w, 8)
PMOVX(k_pmovzxbd, uint8_t, b, uint32_t, d, 4)
PMOVX(k_pmovzxbq, uint8_t, b, uint64_t, q, 2)
PMOVX(k_pmovzxwd, uint16_t, w, uint32_t, d, 4)
PMOVX(k_pmovzxwq, uint16_t, w, uint64_t, q, 2)
PMOVX(k_pmovzxdq, uint32_t, d, uint64_t, q, 2)

/* PHMINPOSUW: minimum unsigned word and its (lowest) index; the rest of the destination is zero */
KERNEL(k_phminposuw)
{
    unsigned idx = 0;
    uint16_t m = s->w[0];
    for (unsigned k = 1; k < 8; k++)
        if (s->w[k] < m) {
            m = s->w[k];
            idx = k;
        }
    d->q[0] = m | (uint64_t)idx << 16;
    d->q[1] = 0;
}
/* MPSADBW: eight sums of absolute differences between a sliding 4-byte window of the destination
 * (start imm[2]*4) and a fixed 4-byte block of the source (start imm[1:0]*4) */
KERNEL(k_mpsadbw)
{
    unsigned so = (imm & 3) * 4, dof = ((imm >> 2) & 1) * 4;
    union xmm r;
    for (unsigned k = 0; k < 8; k++) {
        unsigned sum = 0;
        for (unsigned j = 0; j < 4; j++) {
            int diff = d->b[dof + k + j] - s->b[so + j];
            sum += (unsigned)(diff < 0 ? -diff : diff);
        }
        r.w[k] = (uint16_t)sum;
    }
    *d = r;
}

static const struct vec_op int_ops[OP_COUNT] = {
    VPAIR(sse_paddb, k_paddb), VPAIR(sse_paddw, k_paddw), VPAIR(sse_paddd, k_paddd),
    VPAIR(sse_paddq, k_paddq), VPAIR(sse_psubb, k_psubb), VPAIR(sse_psubw, k_psubw),
    VPAIR(sse_psubd, k_psubd), VPAIR(sse_psubq, k_psubq), VPAIR(sse_paddsb, k_paddsb),
    VPAIR(sse_paddsw, k_paddsw), VPAIR(sse_paddusb, k_paddusb), VPAIR(sse_paddusw, k_paddusw),
    VPAIR(sse_psubsb, k_psubsb), VPAIR(sse_psubsw, k_psubsw), VPAIR(sse_psubusb, k_psubusb),
    VPAIR(sse_psubusw, k_psubusw), VPAIR(sse_pmullw, k_pmullw), VPAIR(sse_pmulhw, k_pmulhw),
    VPAIR(sse_pmulhuw, k_pmulhuw), VPAIR(sse_pmuludq, k_pmuludq), VPAIR(sse_pmaddwd, k_pmaddwd),
    VPAIR(sse_pavgb, k_pavgb), VPAIR(sse_pavgw, k_pavgw), VPAIR(sse_pminub, k_pminub),
    VPAIR(sse_pmaxub, k_pmaxub), VPAIR(sse_pminsw, k_pminsw), VPAIR(sse_pmaxsw, k_pmaxsw),
    VPAIR(sse_psadbw, k_psadbw), VPAIR(sse_pcmpeqb, k_pcmpeqb), VPAIR(sse_pcmpeqw, k_pcmpeqw),
    VPAIR(sse_pcmpeqd, k_pcmpeqd), VPAIR(sse_pcmpgtb, k_pcmpgtb), VPAIR(sse_pcmpgtw, k_pcmpgtw),
    VPAIR(sse_pcmpgtd, k_pcmpgtd), VPAIR(sse_pand, k_pand), VPAIR(sse_pandn, k_pandn),
    VPAIR(sse_por, k_por), VPAIR(sse_pxor, k_pxor), VPAIR(sse_psrlw, k_psrlw),
    VPAIR(sse_psrld, k_psrld), VPAIR(sse_psrlq, k_psrlq), VPAIR(sse_psllw, k_psllw),
    VPAIR(sse_pslld, k_pslld), VPAIR(sse_psllq, k_psllq), VPAIR(sse_psraw, k_psraw),
    VPAIR(sse_psrad, k_psrad), VPAIR_MM32(sse_punpcklbw, k_punpcklbw),
    VPAIR_MM32(sse_punpcklwd, k_punpcklwd), VPAIR_MM32(sse_punpckldq, k_punpckldq),
    VPAIR(sse_punpckhbw, k_punpckhbw), VPAIR(sse_punpckhwd, k_punpckhwd),
    VPAIR(sse_punpckhdq, k_punpckhdq), VPAIR(sse_packsswb, k_packsswb),
    VPAIR(sse_packuswb, k_packuswb), VPAIR(sse_packssdw, k_packssdw),
    /* shifts by immediate: the handlers pass the count as the source */
    VPAIR(sse_psrlwi, k_psrlw), VPAIR(sse_psrawi, k_psraw), VPAIR(sse_psllwi, k_psllw),
    VPAIR(sse_psrldi, k_psrld), VPAIR(sse_psradi, k_psrad), VPAIR(sse_pslldi, k_pslld),
    VPAIR(sse_psrlqi, k_psrlq), VPAIR(sse_psllqi, k_psllq),
    VX(sse_psrldq, k_psrldq), VX(sse_pslldq, k_pslldq),
    /* SSSE3 */
    VPAIR(sse_pshufb, k_pshufb), VPAIR(sse_phaddw, k_phaddw), VPAIR(sse_phaddd, k_phaddd),
    VPAIR(sse_phaddsw, k_phaddsw), VPAIR(sse_pmaddubsw, k_pmaddubsw), VPAIR(sse_phsubw, k_phsubw),
    VPAIR(sse_phsubd, k_phsubd), VPAIR(sse_phsubsw, k_phsubsw), VPAIR(sse_psignb, k_psignb),
    VPAIR(sse_psignw, k_psignw), VPAIR(sse_psignd, k_psignd), VPAIR(sse_pmulhrsw, k_pmulhrsw),
    VPAIR(sse_pabsb, k_pabsb), VPAIR(sse_pabsw, k_pabsw), VPAIR(sse_pabsd, k_pabsd),
    VPAIR(sse_palignr, k_palignr),
    /* shuffles and bitwise forms of the FP families */
    [OP_sse_pshufw] = {k_pshufw, 8, 0},
    VX(sse_pshufd, k_pshufd), VX(sse_pshufhw, k_pshufhw), VX(sse_pshuflw, k_pshuflw),
    VX(sse_shufps, k_shufps), VX(sse_shufpd, k_shufpd),
    VX(sse_punpcklqdq, k_punpcklqdq), VX(sse_punpckhqdq, k_punpckhqdq),
    VX(sse_unpcklps, k_punpckldq), VX(sse_unpcklpd, k_punpcklqdq),
    VX(sse_unpckhps, k_punpckhdq), VX(sse_unpckhpd, k_punpckhqdq),
    VX(sse_andps, k_pand), VX(sse_andpd, k_pand), VX(sse_andnps, k_pandn), VX(sse_andnpd, k_pandn),
    VX(sse_orps, k_por), VX(sse_orpd, k_por), VX(sse_xorps, k_pxor), VX(sse_xorpd, k_pxor),
    VX(sse_movsldup, k_movsldup), VX(sse_movshdup, k_movshdup), VXM(sse_movddup, k_movddup, 8),
    /* SSE4.1 / SSE4.2 */
    VX(sse_blendps, k_blendps), VX(sse_blendpd, k_blendpd), VX(sse_pblendw, k_pblendw),
    VX(sse_pblendvb, k_pblendvb), VX(sse_blendvps, k_blendvps), VX(sse_blendvpd, k_blendvpd),
    VXM(sse_pmovsxbw, k_pmovsxbw, 8), VXM(sse_pmovsxbd, k_pmovsxbd, 4),
    VXM(sse_pmovsxbq, k_pmovsxbq, 2), VXM(sse_pmovsxwd, k_pmovsxwd, 8),
    VXM(sse_pmovsxwq, k_pmovsxwq, 4), VXM(sse_pmovsxdq, k_pmovsxdq, 8),
    VXM(sse_pmovzxbw, k_pmovzxbw, 8), VXM(sse_pmovzxbd, k_pmovzxbd, 4),
    VXM(sse_pmovzxbq, k_pmovzxbq, 2), VXM(sse_pmovzxwd, k_pmovzxwd, 8),
    VXM(sse_pmovzxwq, k_pmovzxwq, 4), VXM(sse_pmovzxdq, k_pmovzxdq, 8),
    VX(sse_pmuldq, k_pmuldq), VX(sse_pcmpeqq, k_pcmpeqq), VX(sse_packusdw, k_packusdw),
    VX(sse_pcmpgtq, k_pcmpgtq), VX(sse_pminsb, k_pminsb), VX(sse_pminsd, k_pminsd),
    VX(sse_pminuw, k_pminuw), VX(sse_pminud, k_pminud), VX(sse_pmaxsb, k_pmaxsb),
    VX(sse_pmaxsd, k_pmaxsd), VX(sse_pmaxuw, k_pmaxuw), VX(sse_pmaxud, k_pmaxud),
    VX(sse_pmulld, k_pmulld), VX(sse_phminposuw, k_phminposuw), VX(sse_mpsadbw, k_mpsadbw),
};

DEFINE_VEC_MM_HANDLERS(sse_vint, int_ops)
DEFINE_VEC_X_HANDLERS(sse_vint, int_ops)

/* Shifts by immediate (0F 71/72/73 groups): the register operand is ModRM.rm (SDM Vol.2 PSRLW etc.,
 * "MI" encoding). */
HANDLER(sse_shimm_mm_r)
{
    mmx_check_mf(c);
    union xmm d = {.q = {mm_get(c, i->rm), 0}}, s = {.q = {i->imm & 0xff, 0}};
    int_ops[i->op].fn(c, &d, &s, 8, (unsigned)i->imm & 0xff);
    mmx_enter(c);
    mm_set(c, i->rm, d.q[0]);
}
HANDLER(sse_shimm_x_r)
{
    union xmm d = c->xmm[i->rm], s = {.q = {i->imm & 0xff, 0}};
    int_ops[i->op].fn(c, &d, &s, 16, (unsigned)i->imm & 0xff);
    c->xmm[i->rm] = d;
}
