/* Multiply and divide: group 3 /4../7 (MUL, IMUL, DIV, IDIV), IMUL Gv,Ev and IMUL Gv,Ev,imm.
 * SDM Vol.2 "MUL", "IMUL", "DIV", "IDIV".
 *
 * Undefined flags, as Intel hardware produces them (checked on a Xeon host):
 *   MUL/IMUL (all forms): CF = OF = "the high half is significant"; SF = MSB of the low half of
 *     the result (of the destination operand for the 2/3-operand forms), ZF = 0, AF = 0,
 *     PF = parity of the low byte of the result.
 *   DIV/IDIV: all six arithmetic flags are left unchanged.
 */
#include "cpu/cpu_priv.h"

static inline int64_t sext(uint64_t v, unsigned sz)
{
    unsigned sh = 64 - (8u << sz);
    return (int64_t)(v << sh) >> sh;
}

/* Flags after a multiply: lo is the low (destination-sized) half, ovf whether CF=OF=1. */
static inline void mul_flags(struct cpu *c, uint64_t lo, unsigned sz, bool ovf)
{
    uint32_t f = ovf ? (FL_CF | FL_OF) : 0;
    if ((lo >> ((8u << sz) - 1)) & 1) f |= FL_SF;
    if (!__builtin_parity((unsigned)(lo & 0xff))) f |= FL_PF;
    set_arith_flags(c, f);
}

/* The group-3 operation i->reg & 7 (4 MUL, 5 IMUL, 6 DIV, 7 IDIV) on src of 2^sz bytes. May raise
 * #DE (divide error) before changing any state. */
static void muldiv(struct cpu *c, const struct insn *i, unsigned sz, uint64_t src)
{
    const unsigned bits = 8u << sz;
    const uint64_t m = sz_mask(sz);
    uint64_t a = c->gpr[0] & m;

    switch (i->reg & 7) {
    case 4: { /* MUL: SDM Vol.2 MUL */
        unsigned __int128 p = (unsigned __int128)a * src;
        uint64_t lo = (uint64_t)p & m;
        uint64_t hi = sz == 3 ? (uint64_t)(p >> 64) : (uint64_t)(p >> bits) & m;
        if (sz == 0)
            set_reg(c, 0, 1, (hi << 8) | lo); /* AX := AL * r/m8 */
        else {
            set_reg(c, 0, sz, lo);
            set_reg(c, 2, sz, hi);
        }
        mul_flags(c, lo, sz, hi != 0);
        break;
    }
    case 5: { /* IMUL (one operand): SDM Vol.2 IMUL */
        __int128 p = (__int128)sext(a, sz) * sext(src, sz);
        uint64_t lo = (uint64_t)p & m;
        uint64_t hi = sz == 3 ? (uint64_t)((unsigned __int128)p >> 64)
                              : (uint64_t)(p >> bits) & m;
        if (sz == 0)
            set_reg(c, 0, 1, (hi << 8) | lo);
        else {
            set_reg(c, 0, sz, lo);
            set_reg(c, 2, sz, hi);
        }
        mul_flags(c, lo, sz, p != (__int128)sext(lo, sz));
        break;
    }
    case 6: { /* DIV: SDM Vol.2 DIV; #DE if the divisor is 0 or the quotient does not fit */
        unsigned __int128 n;
        if (src == 0) cpu_raise_noerr(c, EXC_DE);
        if (sz == 0)
            n = c->gpr[0] & 0xffff;
        else
            n = ((unsigned __int128)(c->gpr[2] & m) << bits) | a;
        unsigned __int128 q = n / src;
        uint64_t r = (uint64_t)(n % src);
        if (q > m) cpu_raise_noerr(c, EXC_DE);
        if (sz == 0)
            set_reg(c, 0, 1, (r << 8) | (uint64_t)q);
        else {
            set_reg(c, 0, sz, (uint64_t)q);
            set_reg(c, 2, sz, r);
        }
        break;
    }
    default: { /* IDIV: SDM Vol.2 IDIV; quotient truncated toward zero, #DE if out of range */
        __int128 n, q, r;
        int64_t d = sext(src, sz);
        if (d == 0) cpu_raise_noerr(c, EXC_DE);
        if (sz == 0)
            n = sext(c->gpr[0] & 0xffff, 1);
        else
            n = (__int128)((((unsigned __int128)(c->gpr[2] & m) << bits) | a) << (128 - 2 * bits))
                >> (128 - 2 * bits);
        const __int128 qmax = ((__int128)1 << (bits - 1)) - 1, qmin = -qmax - 1;
        if (d == -1) {
            /* -n may not be representable in 128 bits (n = -2^127): compare before negating */
            if (n < -qmax || n > -qmin) cpu_raise_noerr(c, EXC_DE);
            q = -n;
            r = 0;
        } else {
            q = n / d;
            r = n % d;
        }
        if (q > qmax || q < qmin) cpu_raise_noerr(c, EXC_DE);
        if (sz == 0)
            set_reg(c, 0, 1, (((uint64_t)r & 0xff) << 8) | ((uint64_t)q & 0xff));
        else {
            set_reg(c, 0, sz, (uint64_t)q & m);
            set_reg(c, 2, sz, (uint64_t)r & m);
        }
        break;
    }
    }
}

HANDLER(muldiv_Eb_m) { muldiv(c, i, 0, rd8(c, i->seg, ea(c, i))); }
HANDLER(muldiv_Eb_r) { muldiv(c, i, 0, get_r8(c, i->rm, i->pfx)); }
HANDLER(muldiv_Ev_m) { muldiv(c, i, i->osz, rdv(c, i->seg, ea(c, i), i->osz)); }
HANDLER(muldiv_Ev_r) { muldiv(c, i, i->osz, get_reg(c, i->rm, i->osz)); }

/* IMUL r, r/m and IMUL r, r/m, imm: the product truncated to the operand size; CF = OF = 1 when
 * the truncation lost significant bits (SDM Vol.2 IMUL). */
static void imul2(struct cpu *c, const struct insn *i, uint64_t a, uint64_t b)
{
    unsigned sz = i->osz;
    __int128 p = (__int128)sext(a, sz) * sext(b, sz);
    uint64_t lo = (uint64_t)p & sz_mask(sz);
    set_reg(c, i->reg, sz, lo);
    mul_flags(c, lo, sz, p != (__int128)sext(lo, sz));
}

/* The same flags, lazily (cpu/flags.c, kind MUL): cc_src says CF = OF; cc_dst is the result with
 * bit 8 set, so ZF reads 0 and AF 0 while SF and PF come from the result (for 16/32/64-bit
 * results bit 8 is neither the sign bit nor in the low byte). */
static ALWAYS_INLINE void mul_flags_lazy(struct cpu *c, uint64_t lo, unsigned sz, bool ovf)
{
    c->cc_op = CC_OP(CC_MUL, sz);
    c->cc_dst = sz_sext(lo | 0x100, sz);
    c->cc_src = ovf;
}
static ALWAYS_INLINE void imul32(struct cpu *c, const struct insn *i, uint64_t a, uint64_t b)
{
    int64_t p = (int64_t)(int32_t)a * (int32_t)b;
    uint32_t lo = (uint32_t)p;
    c->gpr[i->reg] = lo;
    mul_flags_lazy(c, lo, 2, p != (int32_t)lo);
}
static ALWAYS_INLINE void imul64(struct cpu *c, const struct insn *i, uint64_t a, uint64_t b)
{
    int64_t lo;
    bool ovf = __builtin_mul_overflow((int64_t)a, (int64_t)b, &lo);
    c->gpr[i->reg] = (uint64_t)lo;
    mul_flags_lazy(c, (uint64_t)lo, 3, ovf);
}
STATIC_HANDLER(imul_GvEv_r32) { imul32(c, i, c->gpr[i->reg], c->gpr[i->rm]); }
STATIC_HANDLER(imul_GvEv_r64) { imul64(c, i, c->gpr[i->reg], c->gpr[i->rm]); }
STATIC_HANDLER(imul_GvEvI_r32) { imul32(c, i, c->gpr[i->rm], i->imm); }
STATIC_HANDLER(imul_GvEvI_r64) { imul64(c, i, c->gpr[i->rm], i->imm); }

const struct spec_entry muldiv_specs[] = {
    {OP_imul_GvEv, 2, 0, op_imul_GvEv_r32}, {OP_imul_GvEv, 3, 0, op_imul_GvEv_r64},
    {OP_imul_GvEvIz, 2, 0, op_imul_GvEvI_r32}, {OP_imul_GvEvIz, 3, 0, op_imul_GvEvI_r64},
    {OP_imul_GvEvIb, 2, 0, op_imul_GvEvI_r32}, {OP_imul_GvEvIb, 3, 0, op_imul_GvEvI_r64},
    {0, 0, 0, NULL},
};

HANDLER(imul_GvEv_m) { imul2(c, i, get_reg(c, i->reg, i->osz), rdv(c, i->seg, ea(c, i), i->osz)); }
HANDLER(imul_GvEv_r) { imul2(c, i, get_reg(c, i->reg, i->osz), get_reg(c, i->rm, i->osz)); }
HANDLER(imul_GvEvI_m) { imul2(c, i, rdv(c, i->seg, ea(c, i), i->osz), i->imm); }
HANDLER(imul_GvEvI_r) { imul2(c, i, get_reg(c, i->rm, i->osz), i->imm); }
