/* x87 FPU: state helpers shared by the handler files in cpu/x87 (private to this directory).
 *
 * FPU status word (SDM Vol.1 8.1.3, figure 8-4):
 *   15 B | 14 C3 | 13:11 TOP | 10 C2 | 9 C1 | 8 C0 | 7 ES | 6 SF | 5 PE | 4 UE | 3 OE | 2 ZE | 1 DE | 0 IE
 * FPU control word (SDM Vol.1 8.1.5, figure 8-6):
 *   12 X | 11:10 RC | 9:8 PC | 6 reserved (reads 1) | 5:0 exception masks PM UM OM ZM DM IM
 * Tag word (SDM Vol.1 8.1.7): two bits per PHYSICAL register R0..R7:
 *   00 valid, 01 zero, 10 special (NaN, infinity, denormal, unsupported), 11 empty.
 * c->fpu.ftw always holds the full tags, recomputed from the contents whenever a register is written.
 */
#ifndef CPU_X87_X87_H
#define CPU_X87_X87_H

#include "cpu/cpu_priv.h"
#include "cpu/fpu/softfloat.h"

#define FSW_IE 0x0001
#define FSW_DE 0x0002
#define FSW_ZE 0x0004
#define FSW_OE 0x0008
#define FSW_UE 0x0010
#define FSW_PE 0x0020
#define FSW_SF 0x0040
#define FSW_ES 0x0080
#define FSW_C0 0x0100
#define FSW_C1 0x0200
#define FSW_C2 0x0400
#define FSW_TOP 0x3800
#define FSW_C3 0x4000
#define FSW_B 0x8000
#define FSW_CC (FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3)

#define FCW_MASKS 0x003f
#define FCW_PC 0x0300
#define FCW_RC 0x0c00
#define FCW_INIT 0x037f

#define TAG_VALID 0
#define TAG_ZERO 1
#define TAG_SPECIAL 2
#define TAG_EMPTY 3

#define MXCSR_MASK_SUPPORTED 0xffffu /* MXCSR_MASK reported by FXSAVE: all defined bits incl. DAZ */
#define XCR0_SUPPORTED 0x3ull        /* x87 and SSE state components only */

static inline unsigned x87_top(const struct cpu *c) { return (c->fpu.fsw >> 11) & 7; }
static inline void x87_set_top(struct cpu *c, unsigned t)
{
    c->fpu.fsw = (uint16_t)((c->fpu.fsw & ~FSW_TOP) | ((t & 7) << 11));
}
/* Physical register number of ST(i). */
static inline unsigned x87_phys(const struct cpu *c, unsigned i) { return (x87_top(c) + i) & 7; }
static inline unsigned x87_ptag(const struct cpu *c, unsigned p) { return (c->fpu.ftw >> (2 * p)) & 3; }
static inline void x87_set_ptag(struct cpu *c, unsigned p, unsigned t)
{
    c->fpu.ftw = (uint16_t)((c->fpu.ftw & ~(3u << (2 * p))) | (t << (2 * p)));
}
static inline bool x87_empty(const struct cpu *c, unsigned i) { return x87_ptag(c, x87_phys(c, i)) == TAG_EMPTY; }

static inline floatx80 x87_preg(const struct cpu *c, unsigned p)
{
    floatx80 r = {c->fpu.st[p].sig, c->fpu.st[p].se};
    return r;
}
static inline floatx80 x87_get(const struct cpu *c, unsigned i) { return x87_preg(c, x87_phys(c, i)); }

/* Tag a value would get (SDM Vol.1 8.1.7). Never raises. */
static inline unsigned x87_tag_of(floatx80 v)
{
    unsigned e = v.se & 0x7fff;
    if (e == 0) return v.sig == 0 ? TAG_ZERO : TAG_SPECIAL;
    if (e == 0x7fff) return TAG_SPECIAL;
    return (v.sig >> 63) ? TAG_VALID : TAG_SPECIAL;
}
static inline void x87_set_preg(struct cpu *c, unsigned p, floatx80 v)
{
    c->fpu.st[p].sig = v.sig;
    c->fpu.st[p].se = v.se;
    x87_set_ptag(c, p, x87_tag_of(v));
}
static inline void x87_set(struct cpu *c, unsigned i, floatx80 v) { x87_set_preg(c, x87_phys(c, i), v); }
static inline void x87_push(struct cpu *c, floatx80 v)
{
    x87_set_top(c, x87_top(c) - 1);
    x87_set(c, 0, v);
}
static inline void x87_pop(struct cpu *c)
{
    x87_set_ptag(c, x87_top(c), TAG_EMPTY);
    x87_set_top(c, x87_top(c) + 1);
}
static inline void x87_set_cc(struct cpu *c, unsigned cc) /* FSW_C* bits to set; the others are cleared */
{
    c->fpu.fsw = (uint16_t)((c->fpu.fsw & ~FSW_CC) | (cc & FSW_CC));
}
static inline void x87_set_c1(struct cpu *c, bool v)
{
    c->fpu.fsw = (uint16_t)((c->fpu.fsw & ~FSW_C1) | (v ? FSW_C1 : 0));
}

/* Soft-float controls from FCW (SDM Vol.1 8.1.5). */
static inline struct sf_status x87_status(const struct cpu *c)
{
    struct sf_status s;
    memset(&s, 0, sizeof s);
    s.round = (uint8_t)((c->fpu.fcw >> 10) & 3);
    s.prec = (uint8_t)((c->fpu.fcw >> 8) & 3);
    s.masks = (uint8_t)(c->fpu.fcw & FCW_MASKS);
    return s;
}
/* Exceptions in flags that are unmasked in FCW. */
static inline unsigned x87_unmasked(const struct cpu *c, unsigned flags) { return flags & ~c->fpu.fcw & FCW_MASKS; }

/* ---- x87_core.c ---- */
/* Start of every waiting x87 instruction: delivers a pending unmasked exception (FSW.ES) as #MF
 * when CR0.NE is set (SDM Vol.1 8.7). May raise. */
void x87_wait(struct cpu *c);
/* Records FIP/FCS (and FDP/FDS for a memory operand at offset off) for a non-control
 * instruction (SDM Vol.1 8.1.8). Call after the memory operand has been read. Never raises. */
void x87_note(struct cpu *c, const struct insn *i);
void x87_note_mem(struct cpu *c, const struct insn *i, uint64_t off);
/* ORs exception flags into FSW; for unmasked ones sets ES and B and records FOP (SDM Vol.1 8.1.3.1,
 * 8.1.9). Returns the unmasked subset. Never raises. */
unsigned x87_flags(struct cpu *c, const struct insn *i, unsigned flags);
/* Stack fault (SDM Vol.1 8.5.1.1): IE|SF with C1 = overflow. Returns true when IE is masked
 * (the caller applies the masked response), false when the instruction must leave state alone. */
bool x87_stack_fault(struct cpu *c, const struct insn *i, bool overflow);
/* FOP value for the instruction (low 3 bits of the D8..DF byte, then the ModRM byte). */
uint16_t x87_fop(const struct cpu *c, const struct insn *i);
/* FNINIT state (SDM Vol.2 FINIT). Never raises. */
void x87_reset(struct cpu *c);
/* Sets FCW (reserved bit 6 reads as 1) and recomputes FSW.ES/B from the unmasked flags. */
void x87_load_fcw(struct cpu *c, uint16_t fcw);
void x87_update_es(struct cpu *c);
/* Full tag word recomputed from register contents, for FSTENV/FSAVE (SDM Vol.1 8.1.7). */
uint16_t x87_full_tags(const struct cpu *c);
/* Loads a tag word: only empty/non-empty is taken, the rest is recomputed from contents. */
void x87_load_tags(struct cpu *c, uint16_t tw);
/* Common floatx80 masked-response values */
floatx80 x87_indefinite(void);

/* Operand check for instructions reading the registers in need (bit n = ST(n)): returns X87_OK
 * when none is empty. Otherwise a stack underflow (SDM Vol.1 8.5.1.1): X87_MASKED after writing
 * the QNaN indefinite to ST(dest) (dest < 0: nothing written); the caller still performs its pops.
 * X87_UNMASKED: the instruction must end with no further change. */
enum { X87_UNMASKED = -1, X87_MASKED = 0, X87_OK = 1 };
int x87_operands(struct cpu *c, const struct insn *i, unsigned need, int dest);
/* Completes an operation whose result r goes to ST(d): C1 from s->c1, flags merged; returns false
 * (nothing written) when an unmasked IE/DE/ZE suppresses the result (SDM Vol.1 8.5.1-8.5.3). */
bool x87_result(struct cpu *c, const struct insn *i, unsigned d, floatx80 r, const struct sf_status *s);

/* ---- x87_ldst.c ---- */
/* Pushes v with the stack-overflow check; returns false if unmasked overflow (nothing done). */
bool x87_push_checked(struct cpu *c, const struct insn *i, floatx80 v);

#endif
