/* Lazy arithmetic flags (SDM Vol.1 3.4.3.1, Appendix A). The last flag-setting operation is kept as
 * (cc_op, cc_dst, cc_src, cc_src2); OSZAPC are derived only when read.
 *
 *   kind     cc_dst   cc_src                        cc_src2
 *   ADD/SUB  result   second operand                -
 *   ADC/SBB  result   second operand                carry in (0/1)
 *   LOGIC    result   -                             -
 *   INC/DEC  result   -                             CF before the instruction
 *   SHL      result   value shifted by count-1      original value (OF)
 *   SHR      result   value >> (count-1)            original value (OF for count 1)
 *   SAR      result   value >> (count-1)            -
 *   MUL      result|0x100 nonzero when CF=OF=1      -   (IMUL r,r/m: ZF=AF=0 as on Intel)
 *   EFLAGS   -        OSZAPC bits                   -
 */
#include "cpu/cpu_priv.h"

bool parity8(uint8_t v)
{
    v ^= v >> 4;
    v ^= v >> 2;
    v ^= v >> 1;
    return !(v & 1);
}

static inline uint64_t sign_bit(unsigned szlog) { return 1ull << ((8u << szlog) - 1); }

uint32_t flags_arith(const struct cpu *c)
{
    unsigned kind = c->cc_op >> 2, sz = c->cc_op & 3;
    uint64_t m = sz_mask(sz), sb = sign_bit(sz);
    uint64_t res = c->cc_dst & m, src = c->cc_src & m, s1;
    uint32_t f = 0;
    bool cf = false, of = false, af = false;

    switch (kind) {
    case CC_EFLAGS: return (uint32_t)c->cc_src & FL_ARITH;
    case CC_ADD:
        s1 = (res - src) & m;
        cf = res < s1;
        of = ((s1 ^ ~src) & (s1 ^ res) & sb) != 0;
        af = ((s1 ^ src ^ res) & 0x10) != 0;
        break;
    case CC_ADC:
        s1 = (res - src - c->cc_src2) & m;
        cf = c->cc_src2 ? res <= s1 : res < s1;
        of = ((s1 ^ ~src) & (s1 ^ res) & sb) != 0;
        af = ((s1 ^ src ^ res) & 0x10) != 0;
        break;
    case CC_SUB:
        s1 = (res + src) & m;
        cf = s1 < src;
        of = ((s1 ^ src) & (s1 ^ res) & sb) != 0;
        af = ((s1 ^ src ^ res) & 0x10) != 0;
        break;
    case CC_SBB:
        s1 = (res + src + c->cc_src2) & m;
        cf = c->cc_src2 ? s1 <= src : s1 < src;
        of = ((s1 ^ src) & (s1 ^ res) & sb) != 0;
        af = ((s1 ^ src ^ res) & 0x10) != 0;
        break;
    case CC_LOGIC: break;
    case CC_INC:
        cf = c->cc_src2 != 0;
        of = res == sb;
        af = (res & 0xf) == 0;
        break;
    case CC_DEC:
        cf = c->cc_src2 != 0;
        of = res == sb - 1;
        af = (res & 0xf) == 0xf;
        break;
    case CC_SHL:
        /* OF is the first step's: MSB ^ next bit of the original value (cc_src2), which is the
         * architectural OF for a count of 1 and what Intel produces for larger counts */
        cf = (src & sb) != 0;
        of = (((c->cc_src2 & m) ^ ((c->cc_src2 & m) << 1)) & sb) != 0;
        break;
    case CC_SHR:
        cf = src & 1;
        of = (c->cc_src2 & sb) != 0;
        break;
    case CC_SAR:
        cf = src & 1;
        break;
    case CC_MUL:
        cf = of = c->cc_src != 0;
        break;
    }
    if (cf) f |= FL_CF;
    if (of) f |= FL_OF;
    if (af) f |= FL_AF;
    if (res == 0) f |= FL_ZF;
    if (res & sb) f |= FL_SF;
    if (parity8((uint8_t)res)) f |= FL_PF;
    return f;
}

__attribute__((noinline)) bool flags_cf_slow(const struct cpu *c) { return (flags_arith(c) & FL_CF) != 0; }

/* Slow half of cpu_cond (cpu_priv.h): conditions that need the full flag set. */
bool cpu_cond_slow(const struct cpu *c, unsigned cc)
{
    uint32_t f = flags_arith(c);
    bool r;
    switch (cc >> 1) {
    case 0: r = f & FL_OF; break;
    case 1: r = f & FL_CF; break;
    case 2: r = f & FL_ZF; break;
    case 3: r = f & (FL_CF | FL_ZF); break;
    case 4: r = f & FL_SF; break;
    case 5: r = f & FL_PF; break;
    case 6: r = !(f & FL_SF) != !(f & FL_OF); break;
    default: r = (f & FL_ZF) || (!(f & FL_SF) != !(f & FL_OF)); break;
    }
    return r ^ (cc & 1);
}

uint64_t cpu_get_rflags(struct cpu *c)
{
    return (c->rflags & ~FL_ARITH) | flags_arith(c) | FL_FIXED1;
}

void cpu_write_rflags(struct cpu *c, uint64_t v)
{
    bool vm_changed = ((c->rflags ^ (uint32_t)v) & FL_VM) != 0;
    c->rflags = ((uint32_t)v & ~FL_ARITH & 0x3f7fd7u) | FL_FIXED1;
    set_arith_flags(c, (uint32_t)v);
    if (c->rflags & FL_TF) c->pending |= PEND_TF;
    if (vm_changed) cpu_update_mode(c);
}
