/* Conversions (SDM Vol.2 CVT*): between single and double precision, between floating point and
 * 32/64-bit integers in XMM, MMX and general registers. Rounding per MXCSR.RC, or truncation for
 * the CVTT* forms; out-of-range and NaN sources give the integer indefinite (0x80000000 /
 * 0x8000000000000000) with IE, as the soft-float library implements.
 */
#include "cpu/sse/sse_priv.h"

#define KERNEL(name) static void name(struct cpu *c, union xmm *d, const union xmm *s, unsigned n, unsigned imm)

KERNEL(k_cvtps2pd)
{
    struct sf_status st = sse_sf(c);
    union xmm r;
    for (unsigned k = 0; k < 2; k++) r.q[k] = f32_to_f64(s->d[k], &st);
    sse_sf_done(c, &st);
    *d = r;
}
KERNEL(k_cvtpd2ps)
{
    struct sf_status st = sse_sf(c);
    union xmm r = {.q = {0, 0}};
    for (unsigned k = 0; k < 2; k++) r.d[k] = f64_to_f32(s->q[k], &st);
    sse_sf_done(c, &st);
    *d = r;
}
KERNEL(k_cvtss2sd)
{
    struct sf_status st = sse_sf(c);
    uint64_t r = f32_to_f64(s->d[0], &st);
    sse_sf_done(c, &st);
    d->q[0] = r;
}
KERNEL(k_cvtsd2ss)
{
    struct sf_status st = sse_sf(c);
    uint32_t r = f64_to_f32(s->q[0], &st);
    sse_sf_done(c, &st);
    d->d[0] = r;
}
KERNEL(k_cvtdq2ps)
{
    struct sf_status st = sse_sf(c);
    union xmm r;
    for (unsigned k = 0; k < 4; k++) r.d[k] = i32_to_f32((int32_t)s->d[k], &st);
    sse_sf_done(c, &st);
    *d = r;
}
KERNEL(k_cvtps2dq)
{
    struct sf_status st = sse_sf(c);
    union xmm r;
    for (unsigned k = 0; k < 4; k++) r.d[k] = (uint32_t)f32_to_i32(s->d[k], &st);
    sse_sf_done(c, &st);
    *d = r;
}
KERNEL(k_cvttps2dq)
{
    struct sf_status st = sse_sf(c);
    union xmm r;
    for (unsigned k = 0; k < 4; k++) r.d[k] = (uint32_t)f32_to_i32_trunc(s->d[k], &st);
    sse_sf_done(c, &st);
    *d = r;
}
/* CVTPD2DQ / CVTTPD2DQ: two results in the low quadword, the upper quadword cleared */
KERNEL(k_cvtpd2dq)
{
    struct sf_status st = sse_sf(c);
    union xmm r = {.q = {0, 0}};
    for (unsigned k = 0; k < 2; k++) r.d[k] = (uint32_t)f64_to_i32(s->q[k], &st);
    sse_sf_done(c, &st);
    *d = r;
}
KERNEL(k_cvttpd2dq)
{
    struct sf_status st = sse_sf(c);
    union xmm r = {.q = {0, 0}};
    for (unsigned k = 0; k < 2; k++) r.d[k] = (uint32_t)f64_to_i32_trunc(s->q[k], &st);
    sse_sf_done(c, &st);
    *d = r;
}
KERNEL(k_cvtdq2pd)
{
    struct sf_status st = sse_sf(c);
    union xmm r;
    for (unsigned k = 0; k < 2; k++) r.q[k] = i32_to_f64((int32_t)s->d[k], &st);
    sse_sf_done(c, &st);
    *d = r;
}

static const struct vec_op cvt_ops[OP_COUNT] = {
    VXM(sse_cvtps2pd, k_cvtps2pd, 8), VX(sse_cvtpd2ps, k_cvtpd2ps),
    VXM(sse_cvtss2sd, k_cvtss2sd, 4), VXM(sse_cvtsd2ss, k_cvtsd2ss, 8),
    VX(sse_cvtdq2ps, k_cvtdq2ps), VX(sse_cvtps2dq, k_cvtps2dq), VX(sse_cvttps2dq, k_cvttps2dq),
    VX(sse_cvtpd2dq, k_cvtpd2dq), VX(sse_cvttpd2dq, k_cvttpd2dq), VXM(sse_cvtdq2pd, k_cvtdq2pd, 8),
};

DEFINE_VEC_X_HANDLERS(sse_vcvt, cvt_ops)

/* ---- CVTPI2PS / CVTPI2PD xmm, mm/m64 (SDM Vol.2 CVTPI2PS, CVTPI2PD). The register forms take a
 * pending x87 exception (#MF) first and cause the x87 -> MMX transition; measured on Intel
 * hardware (cpu/sse/selftest.c), the transition has already happened when a SIMD floating-point
 * exception (#XM) is then reported. The memory forms cause no transition: the SDM says so for
 * CVTPI2PD; for CVTPI2PS the SDM text claims a transition, but the hardware makes none, and the
 * hardware is what we mirror (so no #MF either, as for CVTPI2PD m64). ---- */
static void cvtpi2p(struct cpu *c, const struct insn *i, uint64_t v)
{
    struct sf_status st = sse_sf(c);
    union xmm r = c->xmm[i->reg];
    if (i->op == OP_sse_cvtpi2ps) {
        for (unsigned k = 0; k < 2; k++) r.d[k] = i32_to_f32((int32_t)(v >> (32 * k)), &st);
    } else {
        for (unsigned k = 0; k < 2; k++) r.q[k] = i32_to_f64((int32_t)(v >> (32 * k)), &st);
    }
    sse_sf_done(c, &st);
    c->xmm[i->reg] = r;
}
HANDLER(sse_cvtpi2ps_r)
{
    mmx_check_mf(c);
    mmx_enter(c);
    cvtpi2p(c, i, mm_get(c, i->rm));
}
HANDLER(sse_cvtpi2ps_m) { cvtpi2p(c, i, rd64(c, i->seg, ea(c, i))); }
HANDLER(sse_cvtpi2pd_r)
{
    mmx_check_mf(c);
    mmx_enter(c);
    cvtpi2p(c, i, mm_get(c, i->rm));
}
HANDLER(sse_cvtpi2pd_m) { cvtpi2p(c, i, rd64(c, i->seg, ea(c, i))); }

/* ---- CVTSI2SS / CVTSI2SD xmm, r/m32 (r/m64 with REX.W) ---- */
static void cvtsi2s(struct cpu *c, const struct insn *i, uint64_t v)
{
    struct sf_status st = sse_sf(c);
    bool w = i->osz == 3;
    union xmm *x = &c->xmm[i->reg];
    if (i->op == OP_sse_cvtsi2ss) {
        float32 r = w ? i64_to_f32((int64_t)v, &st) : i32_to_f32((int32_t)v, &st);
        sse_sf_done(c, &st);
        x->d[0] = r;
    } else {
        float64 r = w ? i64_to_f64((int64_t)v, &st) : i32_to_f64((int32_t)v, &st);
        sse_sf_done(c, &st);
        x->q[0] = r;
    }
}
HANDLER(sse_cvtsi2s_r) { cvtsi2s(c, i, c->gpr[i->rm]); }
HANDLER(sse_cvtsi2s_m) { cvtsi2s(c, i, rdv(c, i->seg, ea(c, i), i->osz == 3 ? 3 : 2)); }

/* ---- CVT(T)PS2PI mm, xmm/m64 and CVT(T)PD2PI mm, xmm/m128: MMX destination. #MF first, then the
 * source operand; the x87 -> MMX transition happens before SIMD floating-point exceptions are
 * checked (measured: a #XM leaves TOP = 0 and all tags valid). ---- */
static void cvt2pi(struct cpu *c, const struct insn *i, const union xmm *s)
{
    struct sf_status st = sse_sf(c);
    union xmm r;
    mmx_enter(c);
    for (unsigned k = 0; k < 2; k++) {
        int32_t v;
        switch (i->op) {
        case OP_sse_cvtps2pi: v = f32_to_i32(s->d[k], &st); break;
        case OP_sse_cvttps2pi: v = f32_to_i32_trunc(s->d[k], &st); break;
        case OP_sse_cvtpd2pi: v = f64_to_i32(s->q[k], &st); break;
        default: v = f64_to_i32_trunc(s->q[k], &st); break;
        }
        r.d[k] = (uint32_t)v;
    }
    sse_sf_done(c, &st);
    mm_set(c, i->reg, r.q[0]);
}
HANDLER(sse_cvt2pi_r)
{
    mmx_check_mf(c);
    cvt2pi(c, i, &c->xmm[i->rm]);
}
HANDLER(sse_cvt2pi_m)
{
    mmx_check_mf(c);
    union xmm s = {.q = {0, 0}};
    bool pd = i->op == OP_sse_cvtpd2pi || i->op == OP_sse_cvttpd2pi;
    sse_ld(c, i, &s, pd ? 16 : 8, true);
    cvt2pi(c, i, &s);
}

/* ---- CVT(T)SS2SI / CVT(T)SD2SI r32/r64, xmm/m ---- */
static void cvt2si(struct cpu *c, const struct insn *i, const union xmm *s)
{
    struct sf_status st = sse_sf(c);
    bool w = i->osz == 3;
    uint64_t v;
    switch (i->op) {
    case OP_sse_cvtss2si: v = w ? (uint64_t)f32_to_i64(s->d[0], &st) : (uint32_t)f32_to_i32(s->d[0], &st); break;
    case OP_sse_cvttss2si: v = w ? (uint64_t)f32_to_i64_trunc(s->d[0], &st) : (uint32_t)f32_to_i32_trunc(s->d[0], &st); break;
    case OP_sse_cvtsd2si: v = w ? (uint64_t)f64_to_i64(s->q[0], &st) : (uint32_t)f64_to_i32(s->q[0], &st); break;
    default: v = w ? (uint64_t)f64_to_i64_trunc(s->q[0], &st) : (uint32_t)f64_to_i32_trunc(s->q[0], &st); break;
    }
    sse_sf_done(c, &st);
    set_reg(c, i->reg, w ? 3 : 2, v);
}
HANDLER(sse_cvt2si_r) { cvt2si(c, i, &c->xmm[i->rm]); }
HANDLER(sse_cvt2si_m)
{
    union xmm s = {.q = {0, 0}};
    bool sd = i->op == OP_sse_cvtsd2si || i->op == OP_sse_cvttsd2si;
    sse_ld(c, i, &s, sd ? 8 : 4, false);
    cvt2si(c, i, &s);
}
