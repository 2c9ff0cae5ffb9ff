/* SSE/SSE2/SSE3/SSE4.1 floating-point arithmetic: ADD/SUB/MUL/DIV/MIN/MAX/SQRT (PS/PD/SS/SD),
 * RCP/RSQRT, CMPcc (legacy predicates 0..7), ADDSUB, HADD/HSUB, ROUND, DPPS/DPPD; and the flag-
 * writing COMISS/UCOMISS/COMISD/UCOMISD. All results come from the soft-float library
 * (cpu/fpu/softfloat.h) with the MXCSR controls; every kernel computes all elements into a
 * temporary, then sse_sf_done() records the flags and raises #XM/#UD before anything is written
 * (SDM Vol.1 11.5.1).
 */
#include "cpu/sse/sse_priv.h"

#define KERNEL(name) static void name(struct cpu *c, union xmm *d, const union xmm *s, unsigned n, unsigned imm)

/* Packed single / packed double / scalar single / scalar double forms of a binary operation.
 * Scalar forms leave the upper elements of the destination unchanged (SDM Vol.2 ADDSS etc.). */
#define FP_BIN4(base, f32op, f64op)                                                                \
    KERNEL(k_##base##ps)                                                                           \
    {                                                                                              \
        struct sf_status st = sse_sf(c);                                                           \
        union xmm r;                                                                               \
        for (unsigned k = 0; k < 4; k++) r.d[k] = f32op(d->d[k], s->d[k], &st);                    \
        sse_sf_done(c, &st);                                                                       \
        *d = r;                                                                                    \
    }                                                                                              \
    KERNEL(k_##base##pd)                                                                           \
    {                                                                                              \
        struct sf_status st = sse_sf(c);                                                           \
        union xmm r;                                                                               \
        for (unsigned k = 0; k < 2; k++) r.q[k] = f64op(d->q[k], s->q[k], &st);                    \
        sse_sf_done(c, &st);                                                                       \
        *d = r;                                                                                    \
    }                                                                                              \
    KERNEL(k_##base##ss)                                                                           \
    {                                                                                              \
        struct sf_status st = sse_sf(c);                                                           \
        uint32_t r = f32op(d->d[0], s->d[0], &st);                                                 \
        sse_sf_done(c, &st);                                                                       \
        d->d[0] = r;                                                                               \
    }                                                                                              \
    KERNEL(k_##base##sd)                                                                           \
    {                                                                                              \
        struct sf_status st = sse_sf(c);                                                           \
        uint64_t r = f64op(d->q[0], s->q[0], &st);                                                 \
        sse_sf_done(c, &st);                                                                       \
        d->q[0] = r;                                                                               \
    }
FP_BIN4(add, f32_add, f64_add)
FP_BIN4(sub, f32_sub, f64_sub)
FP_BIN4(mul, f32_mul, f64_mul)
FP_BIN4(div, f32_div, f64_div)
FP_BIN4(min, f32_min, f64_min) /* MINPS etc.: the second operand is returned for NaN/equal */
FP_BIN4(max, f32_max, f64_max)

/* Unary operations of the source (SQRT, RCP, RSQRT, ROUND). */
static float32 f32_sqrt_i(float32 a, unsigned imm, struct sf_status *st) { return f32_sqrt(a, st); }
static float64 f64_sqrt_i(float64 a, unsigned imm, struct sf_status *st) { return f64_sqrt(a, st); }
static float32 f32_rcp_i(float32 a, unsigned imm, struct sf_status *st) { return f32_rcp(a, st); }
static float32 f32_rsqrt_i(float32 a, unsigned imm, struct sf_status *st) { return f32_rsqrt(a, st); }
#define FP_UN_PS(name, op)                                                                         \
    KERNEL(name)                                                                                   \
    {                                                                                              \
        struct sf_status st = sse_sf(c);                                                           \
        union xmm r;                                                                               \
        for (unsigned k = 0; k < 4; k++) r.d[k] = op(s->d[k], imm, &st);                           \
        sse_sf_done(c, &st);                                                                       \
        *d = r;                                                                                    \
    }
#define FP_UN_PD(name, op)                                                                         \
    KERNEL(name)                                                                                   \
    {                                                                                              \
        struct sf_status st = sse_sf(c);                                                           \
        union xmm r;                                                                               \
        for (unsigned k = 0; k < 2; k++) r.q[k] = op(s->q[k], imm, &st);                           \
        sse_sf_done(c, &st);                                                                       \
        *d = r;                                                                                    \
    }
#define FP_UN_SS(name, op)                                                                         \
    KERNEL(name)                                                                                   \
    {                                                                                              \
        struct sf_status st = sse_sf(c);                                                           \
        uint32_t r = op(s->d[0], imm, &st);                                                        \
        sse_sf_done(c, &st);                                                                       \
        d->d[0] = r;                                                                               \
    }
#define FP_UN_SD(name, op)                                                                         \
    KERNEL(name)                                                                                   \
    {                                                                                              \
        struct sf_status st = sse_sf(c);                                                           \
        uint64_t r = op(s->q[0], imm, &st);                                                        \
        sse_sf_done(c, &st);                                                                       \
        d->q[0] = r;                                                                               \
    }
FP_UN_PS(k_sqrtps, f32_sqrt_i)
FP_UN_PD(k_sqrtpd, f64_sqrt_i)
FP_UN_SS(k_sqrtss, f32_sqrt_i)
FP_UN_SD(k_sqrtsd, f64_sqrt_i)
FP_UN_PS(k_rcpps, f32_rcp_i)
FP_UN_SS(k_rcpss, f32_rcp_i)
FP_UN_PS(k_rsqrtps, f32_rsqrt_i)
FP_UN_SS(k_rsqrtss, f32_rsqrt_i)
/* ROUNDPS/PD/SS/SD: imm[1:0] RC, imm[2] use MXCSR.RC, imm[3] suppress precision (SDM Vol.2 ROUNDPS) */
FP_UN_PS(k_roundps, f32_round)
FP_UN_PD(k_roundpd, f64_round)
FP_UN_SS(k_roundss, f32_round)
FP_UN_SD(k_roundsd, f64_round)

/* CMPPS/CMPPD/CMPSS/CMPSD: legacy encodings use predicate imm8[2:0] (SDM Vol.2 CMPPS, table 3-1);
 * true gives an all-ones element. */
KERNEL(k_cmpps)
{
    struct sf_status st = sse_sf(c);
    union xmm r;
    for (unsigned k = 0; k < 4; k++) r.d[k] = f32_cmp(d->d[k], s->d[k], imm & 7, &st) ? ~0u : 0;
    sse_sf_done(c, &st);
    *d = r;
}
KERNEL(k_cmppd)
{
    struct sf_status st = sse_sf(c);
    union xmm r;
    for (unsigned k = 0; k < 2; k++) r.q[k] = f64_cmp(d->q[k], s->q[k], imm & 7, &st) ? ~0ull : 0;
    sse_sf_done(c, &st);
    *d = r;
}
KERNEL(k_cmpss)
{
    struct sf_status st = sse_sf(c);
    uint32_t r = f32_cmp(d->d[0], s->d[0], imm & 7, &st) ? ~0u : 0;
    sse_sf_done(c, &st);
    d->d[0] = r;
}
KERNEL(k_cmpsd)
{
    struct sf_status st = sse_sf(c);
    uint64_t r = f64_cmp(d->q[0], s->q[0], imm & 7, &st) ? ~0ull : 0;
    sse_sf_done(c, &st);
    d->q[0] = r;
}

/* SSE3 ADDSUBPS/PD (even elements subtract, odd add), HADDPS/PD, HSUBPS/PD (SDM Vol.2) */
KERNEL(k_addsubps)
{
    struct sf_status st = sse_sf(c);
    union xmm r;
    for (unsigned k = 0; k < 4; k++)
        r.d[k] = (k & 1) ? f32_add(d->d[k], s->d[k], &st) : f32_sub(d->d[k], s->d[k], &st);
    sse_sf_done(c, &st);
    *d = r;
}
KERNEL(k_addsubpd)
{
    struct sf_status st = sse_sf(c);
    union xmm r;
    r.q[0] = f64_sub(d->q[0], s->q[0], &st);
    r.q[1] = f64_add(d->q[1], s->q[1], &st);
    sse_sf_done(c, &st);
    *d = r;
}
KERNEL(k_haddps)
{
    struct sf_status st = sse_sf(c);
    union xmm r;
    r.d[0] = f32_add(d->d[0], d->d[1], &st);
    r.d[1] = f32_add(d->d[2], d->d[3], &st);
    r.d[2] = f32_add(s->d[0], s->d[1], &st);
    r.d[3] = f32_add(s->d[2], s->d[3], &st);
    sse_sf_done(c, &st);
    *d = r;
}
KERNEL(k_hsubps)
{
    struct sf_status st = sse_sf(c);
    union xmm r;
    r.d[0] = f32_sub(d->d[0], d->d[1], &st);
    r.d[1] = f32_sub(d->d[2], d->d[3], &st);
    r.d[2] = f32_sub(s->d[0], s->d[1], &st);
    r.d[3] = f32_sub(s->d[2], s->d[3], &st);
    sse_sf_done(c, &st);
    *d = r;
}
KERNEL(k_haddpd)
{
    struct sf_status st = sse_sf(c);
    union xmm r;
    r.q[0] = f64_add(d->q[0], d->q[1], &st);
    r.q[1] = f64_add(s->q[0], s->q[1], &st);
    sse_sf_done(c, &st);
    *d = r;
}
KERNEL(k_hsubpd)
{
    struct sf_status st = sse_sf(c);
    union xmm r;
    r.q[0] = f64_sub(d->q[0], d->q[1], &st);
    r.q[1] = f64_sub(s->q[0], s->q[1], &st);
    sse_sf_done(c, &st);
    *d = r;
}

/* DPPS/DPPD (SDM Vol.2 DPPS "Operation"): products selected by imm[7:4] (others +0.0), summed
 * pairwise then across pairs, each step rounded; the sum goes to the elements selected by
 * imm[3:0], +0.0 elsewhere. Two facts the SDM leaves open were measured on Intel hardware with
 * cpu/sse/selftest.c:
 *  - every destination element k is computed separately as (t[k^1] + t[k]) + (t[k^3] + t[k^2])
 *    for DPPS and t[k] + t[k^1] for DPPD, so the NaN that survives (the first source's) differs
 *    per element;
 *  - exceptions are detected stage by stage (multiplies, first additions, final additions): the
 *    flags of a completed stage are recorded, and an unmasked exception stops the instruction at
 *    the stage that raised it (e.g. an unmasked overflow in a product is reported without the
 *    invalid-operation flag of a later infinity minus infinity);
 *  - the final additions are performed for every element and only then masked by imm[3:0], so
 *    their flags (PE, and DE for a denormal product with DAZ clear) are reported even for
 *    elements that are not written; excluded products are +0.0 and raise nothing (measured on
 *    Intel host, see tests/diff/FINDINGS.md F17). */
static void dp_stage(struct cpu *c, struct sf_status *st)
{
    sse_sf_done(c, st);
    st->flags = 0;
}
KERNEL(k_dpps)
{
    struct sf_status st = sse_sf(c);
    float32 t[4], y[4];
    for (unsigned k = 0; k < 4; k++) t[k] = (imm & (0x10u << k)) ? f32_mul(d->d[k], s->d[k], &st) : 0;
    dp_stage(c, &st);
    for (unsigned k = 0; k < 4; k++) y[k] = f32_add(t[k ^ 1], t[k], &st);
    dp_stage(c, &st);
    union xmm r;
    for (unsigned k = 0; k < 4; k++) {
        float32 v = f32_add(y[k], y[k ^ 2], &st);
        r.d[k] = (imm & (1u << k)) ? v : 0;
    }
    sse_sf_done(c, &st);
    *d = r;
}
KERNEL(k_dppd)
{
    struct sf_status st = sse_sf(c);
    float64 t[2];
    for (unsigned k = 0; k < 2; k++) t[k] = (imm & (0x10u << k)) ? f64_mul(d->q[k], s->q[k], &st) : 0;
    dp_stage(c, &st);
    union xmm r;
    for (unsigned k = 0; k < 2; k++) {
        float64 v = f64_add(t[k], t[k ^ 1], &st);
        r.q[k] = (imm & (1u << k)) ? v : 0;
    }
    sse_sf_done(c, &st);
    *d = r;
}

#define FP4(base) VX(sse_##base##ps, k_##base##ps), VX(sse_##base##pd, k_##base##pd),            \
                  VXM(sse_##base##ss, k_##base##ss, 4), VXM(sse_##base##sd, k_##base##sd, 8)
static const struct vec_op fp_ops[OP_COUNT] = {
    FP4(add), FP4(sub), FP4(mul), FP4(div), FP4(min), FP4(max), FP4(sqrt), FP4(cmp),
    VX(sse_rcpps, k_rcpps), VXM(sse_rcpss, k_rcpss, 4),
    VX(sse_rsqrtps, k_rsqrtps), VXM(sse_rsqrtss, k_rsqrtss, 4),
    VX(sse_roundps, k_roundps), VX(sse_roundpd, k_roundpd),
    VXM(sse_roundss, k_roundss, 4), VXM(sse_roundsd, k_roundsd, 8),
    VX(sse_addsubps, k_addsubps), VX(sse_addsubpd, k_addsubpd),
    VX(sse_haddps, k_haddps), VX(sse_haddpd, k_haddpd),
    VX(sse_hsubps, k_hsubps), VX(sse_hsubpd, k_hsubpd),
    VX(sse_dpps, k_dpps), VX(sse_dppd, k_dppd),
};

DEFINE_VEC_X_HANDLERS(sse_vfp, fp_ops)

/* COMISS/UCOMISS/COMISD/UCOMISD: ZF,PF,CF = 111 unordered, 000 greater, 001 less, 100 equal;
 * OF, SF, AF cleared (SDM Vol.2 COMISS). COMIS* signal invalid on QNaN too. */
static void comis(struct cpu *c, const struct insn *i, const union xmm *s)
{
    struct sf_status st = sse_sf(c);
    const union xmm *d = &c->xmm[i->reg];
    bool sig = i->op == OP_sse_comiss || i->op == OP_sse_comisd;
    enum sf_relation rel;
    if (i->op == OP_sse_comiss || i->op == OP_sse_ucomiss)
        rel = f32_comi(d->d[0], s->d[0], sig, &st);
    else
        rel = f64_comi(d->q[0], s->q[0], sig, &st);
    sse_sf_done(c, &st);
    static const uint32_t fl[4] = {
        [SF_LESS] = FL_CF, [SF_EQUAL] = FL_ZF, [SF_GREATER] = 0,
        [SF_UNORDERED] = FL_ZF | FL_PF | FL_CF,
    };
    set_arith_flags(c, fl[rel]);
}
HANDLER(sse_comis_r) { comis(c, i, &c->xmm[i->rm]); }
HANDLER(sse_comis_m)
{
    union xmm s = {.q = {0, 0}};
    sse_ld(c, i, &s, (i->op == OP_sse_comiss || i->op == OP_sse_ucomiss) ? 4 : 8, false);
    comis(c, i, &s);
}
