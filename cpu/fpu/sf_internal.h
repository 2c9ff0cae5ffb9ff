/* Internal helpers shared by the softfloat translation units. Not a public API. */
#ifndef TURTLES_SF_INTERNAL_H
#define TURTLES_SF_INTERNAL_H

#include "softfloat.h"

typedef unsigned __int128 u128;

/* Operand classes. */
enum { SFC_ZERO, SFC_FIN, SFC_INF, SFC_QNAN, SFC_SNAN, SFC_BAD };

/* Unpacked operand.  For SFC_FIN: sig has bit 63 set and the value is
 * sig * 2^(exp - 63) (denormal inputs are normalized). */
typedef struct {
    bool sign;
    bool denorm;      /* input was a denormal (or x87 pseudo-denormal) */
    uint8_t cls;
    int32_t exp;
    uint64_t sig;
} sfi_unp;

/* Binary interchange / extended format description. */
typedef struct {
    int fbits;        /* stored fraction bits (x80: 63, integer bit explicit) */
    int ebits;
    int32_t bias;
    int p;            /* significand precision incl. integer bit */
    int32_t emin, emax;
} sfi_fmt;

extern const sfi_fmt sfi_f32, sfi_f64, sfi_x80;

/* How over/underflow is reported by sfi_round. */
enum { SFK_SSE, SFK_X87_REG, SFK_X87_MEM };

/* Rounded result: cls ZERO/FIN/INF; for FIN, sig is left aligned (integer bit
 * at bit 63, clear for denormals) and exp is unbiased (emin for denormals).
 * exp may lie outside the format for x87 bias-adjusted results. */
typedef struct {
    bool sign;
    uint8_t cls;
    int32_t exp;
    uint64_t sig;
} sfi_res;

int sfi_clz64(uint64_t v);
int sfi_clz128(u128 v);
u128 sfi_rshift_jam(u128 v, int n);

/* Round sig * 2^(e - 127) (sig != 0, bit 127 set) to p bits in format f. */
sfi_res sfi_round(struct sf_status *st, const sfi_fmt *f, int kind, int p,
                  bool sign, int32_t e, u128 sig);
/* Round |value| = sig * 2^(e-127) to an integer with mode rm. Returns the
 * magnitude (may be up to 2^64 when e == 63; callers check range). */
u128 sfi_round_int(u128 sig, int32_t e, int rm, bool sign, bool *inexact, bool *up);

/* Exact-or-sticky core operations on finite nonzero operands.  Output
 * normalized (bit 127) or *sig == 0 for an exact zero (add only). */
void sfi_add_core(sfi_unp a, sfi_unp b, bool *sign, int32_t *e, u128 *sig);
void sfi_mul_core(sfi_unp a, sfi_unp b, int32_t *e, u128 *sig);
void sfi_div_core(sfi_unp a, sfi_unp b, int32_t *e, u128 *sig);
void sfi_sqrt_core(sfi_unp a, int32_t *e, u128 *sig);

/* x87 helpers used by several files. */
sfi_unp sfi_unpack_x80(floatx80 a);
floatx80 sfi_pack_x80(sfi_res r);
floatx80 sfi_x87_round(struct sf_status *st, int p, bool sign, int32_t e, u128 sig);
floatx80 sfi_x87_nan2(floatx80 a, floatx80 b, sfi_unp ua, sfi_unp ub, struct sf_status *st);
bool sfi_x87_denormal_check(sfi_unp ua, sfi_unp ub, struct sf_status *st);

static inline floatx80 sfi_x80_make(bool sign, uint16_t exp, uint64_t sig)
{
    floatx80 r = { sig, (uint16_t)((sign ? 0x8000 : 0) | exp) };
    return r;
}

#endif
