/* SSE4.2 packed string comparisons PCMPESTRI, PCMPESTRM, PCMPISTRI, PCMPISTRM (SDM Vol.2 4.1
 * "Imm8 Control Byte Operation for PCMPESTRI / PCMPESTRM / PCMPISTRI / PCMPISTRM", and the
 * instruction pages). The first operand (xmm1, ModRM.reg) and the second (xmm2/m128, ModRM.rm) are
 * strings of 16 bytes or 8 words; memory operands need no alignment.
 *
 *   imm8[1:0]  element format: 0 unsigned bytes, 1 unsigned words, 2 signed bytes, 3 signed words
 *   imm8[3:2]  aggregation: 0 equal any, 1 ranges, 2 equal each, 3 equal ordered
 *   imm8[5:4]  polarity: 0 positive, 1 negative, 2 masked positive, 3 masked negative
 *   imm8[6]    index: least (0) / most (1) significant set bit; mask: bit mask (0) / expanded (1)
 */
#include "cpu/sse/sse_priv.h"

static int32_t elem(const union xmm *x, unsigned k, unsigned fmt)
{
    switch (fmt) {
    case 0: return x->b[k];
    case 1: return x->w[k];
    case 2: return (int8_t)x->b[k];
    default: return (int16_t)x->w[k];
    }
}

/* Length of an implicit (zero-terminated) string: index of the first zero element. */
static unsigned implicit_len(const union xmm *x, unsigned fmt, unsigned ub)
{
    for (unsigned k = 0; k < ub; k++)
        if (elem(x, k, fmt) == 0) return k;
    return ub;
}
/* Explicit length from EAX/EDX (RAX/RDX with REX.W): absolute value, saturated to the element
 * count (SDM Vol.2 PCMPESTRI "the absolute value ... saturated to 16 (8)"). */
static unsigned explicit_len(uint64_t r, bool w, unsigned ub)
{
    int64_t v = w ? (int64_t)r : (int64_t)(int32_t)r;
    uint64_t a = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    return a > ub ? ub : (unsigned)a;
}

static void pcmpstr(struct cpu *c, const struct insn *i, const union xmm *s2)
{
    const union xmm *s1 = &c->xmm[i->reg];
    unsigned imm = (unsigned)i->imm & 0xff;
    unsigned fmt = imm & 3, agg = (imm >> 2) & 3, pol = (imm >> 4) & 3;
    unsigned ub = (fmt & 1) ? 8 : 16;
    bool expl = i->op == OP_sse_pcmpestri || i->op == OP_sse_pcmpestrm;
    unsigned len1, len2;
    if (expl) {
        bool w = i->osz == 3;
        len1 = explicit_len(c->gpr[0], w, ub);
        len2 = explicit_len(c->gpr[2], w, ub);
    } else {
        len1 = implicit_len(s1, fmt, ub);
        len2 = implicit_len(s2, fmt, ub);
    }

    /* BoolRes[j][k]: element j of the second operand against element k of the first, with the
     * overrides for invalid (past-the-end) elements of SDM Vol.2 table 4-7. */
    bool br[16][16];
    for (unsigned j = 0; j < ub; j++) {
        for (unsigned k = 0; k < ub; k++) {
            bool v1 = k < len1, v2 = j < len2;
            bool r;
            if (!v1 && !v2)
                r = agg >= 2;       /* equal each / equal ordered: true */
            else if (!v1)
                r = agg == 3;       /* equal ordered: true */
            else if (!v2)
                r = false;
            else {
                int32_t a = elem(s2, j, fmt), b = elem(s1, k, fmt);
                if (agg == 1)
                    r = (k & 1) ? a <= b : a >= b; /* ranges: s1 holds [lo, hi] pairs */
                else
                    r = a == b;
            }
            br[j][k] = r;
        }
    }

    /* Aggregation (SDM Vol.2 4.1.5) */
    uint32_t res1 = 0;
    for (unsigned j = 0; j < ub; j++) {
        bool r = false;
        switch (agg) {
        case 0: /* equal any */
            for (unsigned k = 0; k < ub; k++) r |= br[j][k];
            break;
        case 1: /* ranges */
            for (unsigned k = 0; k + 1 < ub; k += 2) r |= br[j][k] && br[j][k + 1];
            break;
        case 2: /* equal each */
            r = br[j][j];
            break;
        default: /* equal ordered: the first operand is a needle starting at element j */
            r = true;
            for (unsigned k = 0; j + k < ub; k++) r &= br[j + k][k];
            break;
        }
        if (r) res1 |= 1u << j;
    }

    /* Polarity (SDM Vol.2 4.1.6) */
    uint32_t all = (1u << ub) - 1, res2;
    switch (pol) {
    case 1: res2 = ~res1 & all; break;
    case 3: res2 = res1 ^ ((1u << len2) - 1); break;
    default: res2 = res1; break;
    }

    /* Output (SDM Vol.2 4.1.7) and flags: CF = result non-zero, ZF = second operand has an
     * invalid element, SF = first operand has one, OF = result bit 0, AF = PF = 0. */
    if (i->op == OP_sse_pcmpestri || i->op == OP_sse_pcmpistri) {
        unsigned idx;
        if (!res2)
            idx = ub;
        else if (imm & 0x40)
            idx = 31 - (unsigned)__builtin_clz(res2);
        else
            idx = (unsigned)__builtin_ctz(res2);
        set_reg(c, 1, 2, idx);
    } else {
        union xmm m = {.q = {0, 0}};
        if (imm & 0x40) {
            for (unsigned k = 0; k < ub; k++) {
                if (!(res2 & (1u << k))) continue;
                if (ub == 16) m.b[k] = 0xff;
                else m.w[k] = 0xffff;
            }
        } else {
            m.q[0] = res2;
        }
        c->xmm[0] = m;
    }
    uint32_t f = 0;
    if (res2) f |= FL_CF;
    if (len2 < ub) f |= FL_ZF;
    if (len1 < ub) f |= FL_SF;
    if (res2 & 1) f |= FL_OF;
    set_arith_flags(c, f);
}

HANDLER(sse_pcmpstr_r) { pcmpstr(c, i, &c->xmm[i->rm]); }
HANDLER(sse_pcmpstr_m)
{
    union xmm s;
    sse_rd128(c, i->seg, ea(c, i), &s, false); /* no alignment requirement */
    pcmpstr(c, i, &s);
}
