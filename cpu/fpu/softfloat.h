/*
 * turtles software floating point: exact x86 semantics for x87 (80-bit
 * extended) and SSE (float32/float64), using integer arithmetic only.
 *
 * All functions are pure apart from the sf_status they are given: they read
 * the rounding/precision/mask/DAZ/FTZ controls and OR exception bits into
 * status->flags (and, for x87 operations, write status->c1).  Nothing is
 * global; results are bit-identical on every host.
 *
 * Naming: fx80_* operate on floatx80 (x87), f32_* / f64_* on SSE scalars.
 * See README.md in this directory for the semantics and what is approximate.
 *
 * Unmasked exceptions.  To know whether an operation faults, run it with
 * flags cleared and test (flags & ~masks) afterwards, then OR the flags into
 * the architectural status (FSW / MXCSR).  The flags reported are exactly
 * the ones the hardware leaves set when it faults:
 *   - x87 IE/DE/ZE (pre-computation): the destination is left unchanged, so
 *     the returned value must be discarded; with DE unmasked nothing else is
 *     computed.  (FCOM/FUCOM still produce their condition codes.)
 *   - x87 OE/UE with a register destination (arithmetic, FSCALE, FPREM...):
 *     the returned value IS the result: rounded, with the exponent biased by
 *     -/+24576 (SDM Vol.1 8.5.4/8.5.5); PE if inexact.  If even the adjusted
 *     exponent is out of range (huge FSCALE) the result is infinity / zero.
 *   - x87 stores to memory (fx80_to_f32/f64/int): nothing is stored; only
 *     OE/UE (no PE) is reported and C1 = 0; discard the returned value.
 *   - SSE: the instruction faults (#XM) and writes nothing; discard the
 *     returned value.  DE unmasked aborts before computing; unmasked OE/UE
 *     also report PE when the unbounded-exponent result is inexact.
 */
#ifndef TURTLES_SOFTFLOAT_H
#define TURTLES_SOFTFLOAT_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    uint64_t sig; /* explicit integer bit at bit 63 */
    uint16_t se;  /* sign << 15 | biased exponent (bias 16383) */
} floatx80;
typedef uint32_t float32;
typedef uint64_t float64;

enum { SF_RN = 0, SF_RD = 1, SF_RU = 2, SF_RZ = 3 };   /* x87 RC / MXCSR.RC */
enum { SF_P24 = 0, SF_P53 = 2, SF_P64 = 3 };           /* x87 PC (1 = reserved, treated as 64) */
enum {
    SF_IE = 0x01, SF_DE = 0x02, SF_ZE = 0x04,
    SF_OE = 0x08, SF_UE = 0x10, SF_PE = 0x20,
    SF_ALL = 0x3f
};

struct sf_status {
    uint8_t round;  /* SF_RN.. SF_RZ */
    uint8_t prec;   /* x87 precision control (floatx80 add/sub/mul/div/sqrt only) */
    uint8_t flags;  /* accumulated exception bits (sticky, OR-ed in) */
    uint8_t masks;  /* masked exceptions (same layout) */
    bool daz, ftz;  /* SSE only */
    bool c1;        /* x87: written by every fx80 operation: 1 iff the result was rounded up in magnitude */
};

/* Comparison outcome (x87 FCOM/FUCOM, SSE COMIS/UCOMIS). */
enum sf_relation { SF_LESS = 0, SF_EQUAL = 1, SF_GREATER = 2, SF_UNORDERED = 3 };

/* FXAM class, encoded as C3<<3 | C2<<2 | C0 (C1 = sign, returned separately). */
enum sf_fxam {
    SF_FXAM_UNSUPPORTED = 0x0, SF_FXAM_NAN = 0x1, SF_FXAM_NORMAL = 0x4,
    SF_FXAM_INF = 0x5, SF_FXAM_ZERO = 0x8, SF_FXAM_EMPTY = 0x9, SF_FXAM_DENORMAL = 0xC
};

/* Well-known encodings. */
#define FX80_INDEFINITE ((floatx80){ 0xC000000000000000ULL, 0xFFFF })
#define F32_INDEFINITE 0xFFC00000u
#define F64_INDEFINITE 0xFFF8000000000000ULL

/* ---------------------------------------------------------------- x87 -- */

/* 80-bit memory image <-> register (no conversion; unsupported encodings are kept
 * and raise IE when used as an operand). */
floatx80 fx80_load(const uint8_t mem[10]);
void fx80_store(floatx80 a, uint8_t mem[10]);
bool fx80_is_unsupported(floatx80 a);   /* pseudo-NaN, pseudo-infinity, unnormal */
bool fx80_is_nan(floatx80 a);
bool fx80_is_snan(floatx80 a);
enum sf_fxam fx80_classify(floatx80 a); /* never returns EMPTY (tags are the caller's) */

/* Arithmetic: precision control and rounding from status. */
floatx80 fx80_add(floatx80 a, floatx80 b, struct sf_status *s);
floatx80 fx80_sub(floatx80 a, floatx80 b, struct sf_status *s);   /* a - b */
floatx80 fx80_mul(floatx80 a, floatx80 b, struct sf_status *s);
floatx80 fx80_div(floatx80 a, floatx80 b, struct sf_status *s);   /* a / b */
floatx80 fx80_sqrt(floatx80 a, struct sf_status *s);

/* FPREM (ieee=false) / FPREM1 (ieee=true): a = ST(0), b = ST(1).
 * *q receives the low 3 quotient bits (Q2 Q1 Q0 -> C0 C3 C1), 0 when incomplete;
 * *incomplete receives C2 (partial remainder, exponent difference >= 64). */
floatx80 fx80_rem(floatx80 a, floatx80 b, bool ieee, unsigned *q, bool *incomplete,
                  struct sf_status *s);
floatx80 fx80_round_to_int(floatx80 a, struct sf_status *s);      /* FRNDINT */
floatx80 fx80_scale(floatx80 a, floatx80 b, struct sf_status *s); /* FSCALE: a * 2^trunc(b) */
/* FXTRACT: *exp = unbiased exponent as a value, *sig = significand in [1,2). */
void fx80_extract(floatx80 a, floatx80 *exp, floatx80 *sig, struct sf_status *s);
/* FCOM (quiet=false: any NaN raises IE) / FUCOM (quiet=true: only SNaN). */
enum sf_relation fx80_compare(floatx80 a, floatx80 b, bool quiet, struct sf_status *s);

/* Memory-operand forms FADD/FMUL/FSUB/FSUBR/FDIV/FDIVR m32/m64 (op = the
 * ModRM reg field of opcodes D8/DC).  Equivalent to converting m and using the
 * register operation, except that DE for a denormal m is only reported when
 * the operation itself would report it (e.g. not when ST(0) is a NaN).
 * Integer forms (FIADD m16/m32...) are exact compositions:
 * fx80_add(st0, fx80_from_i32(m)). */
enum sf_x87_arith {
    SF_FADD = 0, SF_FMUL = 1, SF_FCOM = 2, SF_FCOMP = 3,
    SF_FSUB = 4, SF_FSUBR = 5, SF_FDIV = 6, SF_FDIVR = 7
};
floatx80 fx80_arith_f32(enum sf_x87_arith op, floatx80 st0, float32 m, struct sf_status *s);
floatx80 fx80_arith_f64(enum sf_x87_arith op, floatx80 st0, float64 m, struct sf_status *s);
enum sf_relation fx80_compare_f32(floatx80 st0, float32 m, bool quiet, struct sf_status *s);
enum sf_relation fx80_compare_f64(floatx80 st0, float64 m, bool quiet, struct sf_status *s);

/* Conversions. Integer results: invalid/out-of-range -> integer indefinite + IE. */
floatx80 fx80_from_i16(int16_t v, struct sf_status *s);
floatx80 fx80_from_i32(int32_t v, struct sf_status *s);
floatx80 fx80_from_i64(int64_t v, struct sf_status *s);
int16_t fx80_to_i16(floatx80 a, struct sf_status *s);        /* FIST: current rounding */
int32_t fx80_to_i32(floatx80 a, struct sf_status *s);
int64_t fx80_to_i64(floatx80 a, struct sf_status *s);
int16_t fx80_to_i16_trunc(floatx80 a, struct sf_status *s);  /* FISTTP */
int32_t fx80_to_i32_trunc(floatx80 a, struct sf_status *s);
int64_t fx80_to_i64_trunc(floatx80 a, struct sf_status *s);
floatx80 fx80_from_f32(float32 a, struct sf_status *s);      /* FLD m32 (exact; SNaN->IE, denormal->DE) */
floatx80 fx80_from_f64(float64 a, struct sf_status *s);
float32 fx80_to_f32(floatx80 a, struct sf_status *s);        /* FST m32 (rounds per RC) */
float64 fx80_to_f64(floatx80 a, struct sf_status *s);

/* Transcendentals (not correctly rounded; see README).  Results are rounded
 * to 64 bits per RC (precision control does not apply). */
floatx80 fx80_f2xm1(floatx80 a, struct sf_status *s);                 /* 2^a - 1, |a| <= 1 */
floatx80 fx80_yl2x(floatx80 x, floatx80 y, struct sf_status *s);      /* FYL2X: y*log2(x), x=ST0, y=ST1 */
floatx80 fx80_yl2xp1(floatx80 x, floatx80 y, struct sf_status *s);    /* FYL2XP1: y*log2(x+1) */
floatx80 fx80_atan2(floatx80 y, floatx80 x, struct sf_status *s);     /* FPATAN: atan(ST1/ST0), y=ST1, x=ST0 */
/* FSIN/FCOS/FSINCOS/FPTAN: return false (C2=1, nothing computed, no flags)
 * when |a| >= 2^63; otherwise true and the result(s).  FPTAN's pushed 1.0 is
 * the caller's. */
bool fx80_sin(floatx80 a, floatx80 *r, struct sf_status *s);
bool fx80_cos(floatx80 a, floatx80 *r, struct sf_status *s);
bool fx80_sincos(floatx80 a, floatx80 *sin_r, floatx80 *cos_r, struct sf_status *s);
bool fx80_tan(floatx80 a, floatx80 *r, struct sf_status *s);

/* ---------------------------------------------------------------- SSE -- */

float32 f32_add(float32 a, float32 b, struct sf_status *s);
float32 f32_sub(float32 a, float32 b, struct sf_status *s);
float32 f32_mul(float32 a, float32 b, struct sf_status *s);
float32 f32_div(float32 a, float32 b, struct sf_status *s);
float32 f32_sqrt(float32 a, struct sf_status *s);
float32 f32_min(float32 a, float32 b, struct sf_status *s);  /* MINSS: a = first source */
float32 f32_max(float32 a, float32 b, struct sf_status *s);
float64 f64_add(float64 a, float64 b, struct sf_status *s);
float64 f64_sub(float64 a, float64 b, struct sf_status *s);
float64 f64_mul(float64 a, float64 b, struct sf_status *s);
float64 f64_div(float64 a, float64 b, struct sf_status *s);
float64 f64_sqrt(float64 a, struct sf_status *s);
float64 f64_min(float64 a, float64 b, struct sf_status *s);
float64 f64_max(float64 a, float64 b, struct sf_status *s);

/* CMPPS/CMPPD/VCMPPS predicate imm (0..31; legacy SSE uses 0..7). true = all-ones mask. */
bool f32_cmp(float32 a, float32 b, unsigned pred, struct sf_status *s);
bool f64_cmp(float64 a, float64 b, unsigned pred, struct sf_status *s);
/* COMISS (signaling=true) / UCOMISS: EFLAGS: UNORDERED ZF=PF=CF=1, LESS CF=1, EQUAL ZF=1, GREATER none. */
enum sf_relation f32_comi(float32 a, float32 b, bool signaling, struct sf_status *s);
enum sf_relation f64_comi(float64 a, float64 b, bool signaling, struct sf_status *s);

float64 f32_to_f64(float32 a, struct sf_status *s);   /* CVTSS2SD */
float32 f64_to_f32(float64 a, struct sf_status *s);   /* CVTSD2SS */
float32 i32_to_f32(int32_t v, struct sf_status *s);
float32 i64_to_f32(int64_t v, struct sf_status *s);
float64 i32_to_f64(int32_t v, struct sf_status *s);
float64 i64_to_f64(int64_t v, struct sf_status *s);
int32_t f32_to_i32(float32 a, struct sf_status *s);        /* CVTSS2SI (MXCSR.RC) */
int32_t f32_to_i32_trunc(float32 a, struct sf_status *s);  /* CVTTSS2SI */
int64_t f32_to_i64(float32 a, struct sf_status *s);
int64_t f32_to_i64_trunc(float32 a, struct sf_status *s);
int32_t f64_to_i32(float64 a, struct sf_status *s);
int32_t f64_to_i32_trunc(float64 a, struct sf_status *s);
int64_t f64_to_i64(float64 a, struct sf_status *s);
int64_t f64_to_i64_trunc(float64 a, struct sf_status *s);
/* ROUNDSS/ROUNDSD: imm bits 1:0 = RC, bit 2 = use MXCSR.RC, bit 3 = suppress PE. */
float32 f32_round(float32 a, unsigned imm, struct sf_status *s);
float64 f64_round(float64 a, unsigned imm, struct sf_status *s);
/* RCPSS / RSQRTSS approximations (no flags; see README for the exact definition). */
float32 f32_rcp(float32 a, struct sf_status *s);
float32 f32_rsqrt(float32 a, struct sf_status *s);

#endif
