/* Shared helpers of the MMX/SSE..SSE4.2 handlers (files in cpu/sse): MMX register aliasing onto the
 * x87 registers, XMM memory operands with the alignment rules of legacy SSE, MXCSR <-> soft-float
 * status, and the table-driven "vector kernel" handlers most forms use.
 *
 * Vector kernels: a kernel computes dst := f(dst, src[, imm]) on temporaries. n is the operand
 * width in bytes (8 for MMX registers, 16 for XMM). The generic handlers read the operands, call
 * the kernel, then write the destination back; so a kernel that raises (#XM from the soft-float
 * status check) leaves no state changed. Each .c file has its own kernel table indexed by OP_* id
 * and instantiates the generic handlers with DEFINE_VEC_MM_HANDLERS / DEFINE_VEC_X_HANDLERS.
 */
#ifndef CPU_SSE_SSE_PRIV_H
#define CPU_SSE_SSE_PRIV_H

#include "cpu/cpu_priv.h"
#include "cpu/fpu/softfloat.h"

/* ---- MXCSR (SDM Vol.1 10.2.3) ---- */
#define MXCSR_FLAGS 0x003fu
#define MXCSR_DAZ (1u << 6)
#define MXCSR_MASKS 0x1f80u
#define MXCSR_RC_SHIFT 13
#define MXCSR_FZ (1u << 15)
#define MXCSR_MASK 0xffffu /* writable bits (MXCSR_MASK of FXSAVE; DAZ supported) */

/* x87 status/tag words used by the MMX state transitions (SDM Vol.1 8.1.3, 8.1.7, 9.5.1) */
#define FSW_ES 0x0080u
#define FSW_TOP 0x3800u

/* ---- MMX registers (SDM Vol.1 9.5: MMn aliases the significand of physical x87 register n) ---- */
static inline uint64_t mm_get(const struct cpu *c, unsigned n) { return c->fpu.st[n & 7].sig; }
/* Writing MMn sets the exponent/sign field of R[n] to all ones (SDM Vol.1 9.5.1). */
static inline void mm_set(struct cpu *c, unsigned n, uint64_t v)
{
    c->fpu.st[n & 7].sig = v;
    c->fpu.st[n & 7].se = 0xffff;
}
/* An MMX instruction with a pending unmasked x87 exception (FSW.ES) takes #MF first (SDM Vol.2
 * "Numeric Exceptions" of each MMX instruction, Vol.1 9.5.1, 8.7). As in x87_wait()
 * (cpu/x87/x87_core.c), #MF is raised only when CR0.NE is set; the legacy FERR# path is not
 * wired. May raise. */
static inline void mmx_check_mf(struct cpu *c)
{
    if (unlikely(c->fpu.fsw & FSW_ES) && (c->cr0 & CR0_NE)) cpu_raise_noerr(c, EXC_MF);
}
/* The x87 -> MMX transition: TOP := 0, all tags valid (SDM Vol.1 9.5.1, table 9-2). Called once
 * every check that can fault has passed. Never raises. */
static inline void mmx_enter(struct cpu *c)
{
    c->fpu.fsw &= (uint16_t)~FSW_TOP;
    c->fpu.ftw = 0;
}

/* ---- memory operands ---- */
/* Legacy SSE 128-bit memory operands of "Exceptions Type 1/2/4" forms must be 16-byte aligned or
 * #GP(0) (SDM Vol.2 2.4 / Vol.1 11.6.8); the check is on the linear address. May raise. */
static inline void sse_check_align16(struct cpu *c, unsigned s, uint64_t off)
{
    if (unlikely(((c->seg[s].eff_base + off) & 15) != 0)) raise_gp(c, 0);
}
/* Reads a 16-byte operand as two 8-byte accesses; v is written only when both succeed. May raise. */
static inline void sse_rd128(struct cpu *c, unsigned s, uint64_t off, union xmm *v, bool aligned)
{
    if (aligned) sse_check_align16(c, s, off);
    uint64_t lo = rd64(c, s, off);
    uint64_t hi = rd64(c, s, off + 8);
    v->q[0] = lo;
    v->q[1] = hi;
}
/* Writes 16 bytes; the whole range is probed first so a fault leaves memory unchanged. May raise. */
static inline void sse_wr128(struct cpu *c, unsigned s, uint64_t off, const union xmm *v, bool aligned)
{
    if (aligned) sse_check_align16(c, s, off);
    cpu_probe_write(c, s, off, 16);
    wr64(c, s, off, v->q[0]);
    wr64(c, s, off + 8, v->q[1]);
}
/* Loads a memory operand of msz bytes (1, 2, 4, 8, 16) into the low bytes of v (other bytes are
 * left as they are). align: 16-byte alignment required. May raise. */
static inline void sse_ld(struct cpu *c, const struct insn *i, union xmm *v, unsigned msz, bool align)
{
    uint64_t off = ea(c, i);
    switch (msz) {
    case 1: v->b[0] = rd8(c, i->seg, off); break;
    case 2: v->w[0] = rd16(c, i->seg, off); break;
    case 4: v->d[0] = rd32(c, i->seg, off); break;
    case 8: v->q[0] = rd64(c, i->seg, off); break;
    default: sse_rd128(c, i->seg, off, v, align); break;
    }
}

/* ---- floating point: MXCSR <-> sf_status (SDM Vol.1 10.2.3, 11.5) ---- */
static inline struct sf_status sse_sf(const struct cpu *c)
{
    struct sf_status s;
    memset(&s, 0, sizeof s);
    s.round = (uint8_t)((c->mxcsr >> MXCSR_RC_SHIFT) & 3);
    s.prec = SF_P64;
    s.masks = (uint8_t)((c->mxcsr >> 7) & 0x3f);
    s.daz = (c->mxcsr & MXCSR_DAZ) != 0;
    s.ftz = (c->mxcsr & MXCSR_FZ) != 0;
    return s;
}
/* Folds the exception flags of an operation (all elements OR-ed) into MXCSR and raises #XM (or #UD
 * when CR4.OSXMMEXCPT is clear) if one is unmasked; the caller has not written the destination
 * yet. Pre-computation exceptions (IE, DE, ZE) are checked first: when one of them is unmasked only
 * they are reported (SDM Vol.1 11.5.1 steps 1-5, Vol.3A 6.15 interrupt 19). May raise. */
static inline void sse_sf_done(struct cpu *c, const struct sf_status *s)
{
    unsigned f = s->flags & SF_ALL;
    unsigned masks = (c->mxcsr >> 7) & 0x3f;
    unsigned pre = f & (SF_IE | SF_DE | SF_ZE);
    if (pre & ~masks)
        f = pre;
    c->mxcsr |= f;
    if (unlikely(f & ~masks)) {
        if (c->cr4 & CR4_OSXMMEXCPT) cpu_raise_noerr(c, EXC_XM);
        raise_ud(c);
    }
}

/* ---- vector kernels ---- */
typedef void (*vec_fn)(struct cpu *c, union xmm *d, const union xmm *s, unsigned n, unsigned imm);
struct vec_op {
    vec_fn fn;
    uint8_t msz;   /* XMM memory-operand size in bytes (16, 8, 4, 2) */
    uint8_t align; /* 1: 16-byte alignment required */
};
/* Table entry helpers: an MMX+XMM pair (OP_<name>_mm, OP_<name>_x), an XMM-only form, and an XMM
 * form with a smaller / unaligned memory operand. */
#define VPAIR(name, k) [OP_##name##_mm] = {k, 8, 0}, [OP_##name##_x] = {k, 16, 1}
/* A pair whose MMX form reads only m32 (PUNPCKLBW/PUNPCKLWD/PUNPCKLDQ mm, mm/m32, SDM Vol.2;
 * measured on Intel host, see tests/diff/FINDINGS.md F7); the XMM form reads m128. */
#define VPAIR_MM32(name, k) [OP_##name##_mm] = {k, 4, 0}, [OP_##name##_x] = {k, 16, 1}
#define VX(name, k) [OP_##name] = {k, 16, 1}
#define VXM(name, k, msz) [OP_##name] = {k, msz, 0}

/* Define op_<tag>_mm_r/_mm_m (MMX operands) and op_<tag>_x_r/_x_m (XMM operands) that run the
 * kernel table[i->op]. */
#define DEFINE_VEC_MM_HANDLERS(tag, table)                                                         \
    HANDLER(tag##_mm_r)                                                                            \
    {                                                                                              \
        mmx_check_mf(c);                                                                           \
        union xmm d = {.q = {mm_get(c, i->reg), 0}}, s = {.q = {mm_get(c, i->rm), 0}};             \
        table[i->op].fn(c, &d, &s, 8, (unsigned)i->imm);                                           \
        mmx_enter(c);                                                                              \
        mm_set(c, i->reg, d.q[0]);                                                                 \
    }                                                                                              \
    HANDLER(tag##_mm_m)                                                                            \
    {                                                                                              \
        mmx_check_mf(c);                                                                           \
        /* m64, or m32 for PUNPCKLBW/WD/DQ mm, mm/m32 (SDM Vol.2 PUNPCKLBW...) */                 \
        uint64_t off_ = ea(c, i);                                                                  \
        union xmm s = {.q = {table[i->op].msz == 4 ? rd32(c, i->seg, off_) : rd64(c, i->seg, off_), 0}}; \
        union xmm d = {.q = {mm_get(c, i->reg), 0}};                                               \
        table[i->op].fn(c, &d, &s, 8, (unsigned)i->imm);                                           \
        mmx_enter(c);                                                                              \
        mm_set(c, i->reg, d.q[0]);                                                                 \
    }
#define DEFINE_VEC_X_HANDLERS(tag, table)                                                          \
    HANDLER(tag##_x_r)                                                                             \
    {                                                                                              \
        union xmm d = c->xmm[i->reg], s = c->xmm[i->rm];                                           \
        table[i->op].fn(c, &d, &s, 16, (unsigned)i->imm);                                          \
        c->xmm[i->reg] = d;                                                                        \
    }                                                                                              \
    HANDLER(tag##_x_m)                                                                             \
    {                                                                                              \
        const struct vec_op *o = &table[i->op];                                                    \
        union xmm s = {.q = {0, 0}};                                                               \
        sse_ld(c, i, &s, o->msz, o->align);                                                        \
        union xmm d = c->xmm[i->reg];                                                              \
        o->fn(c, &d, &s, 16, (unsigned)i->imm);                                                    \
        c->xmm[i->reg] = d;                                                                        \
    }

/* Saturation helpers */
static inline int8_t sat_s8(int32_t v) { return (int8_t)(v > 127 ? 127 : v < -128 ? -128 : v); }
static inline uint8_t sat_u8(int32_t v) { return (uint8_t)(v > 255 ? 255 : v < 0 ? 0 : v); }
static inline int16_t sat_s16(int32_t v) { return (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v); }
static inline uint16_t sat_u16(int32_t v) { return (uint16_t)(v > 65535 ? 65535 : v < 0 ? 0 : v); }

#endif
