/* RDRAND and RDSEED (SDM Vol.2 RDRAND, RDSEED; Vol.1 7.3.17).
 *
 * Determinism comes first (docs/architecture.md): the numbers are not entropy but the output of a
 * xoshiro256** generator held in the CPU state and seeded from a fixed constant when the CPU is
 * created, so every run gives the same numbers and the same instruction count. They must never
 * be used for secrets. Both instructions always succeed: a real DRNG may return CF=0 when it is
 * drained, a guest has to cope with that but never sees it here.
 */
#include "cpu/cpu_priv.h"

/* splitmix64 (Steele, Lea, Flood 2014): spreads one 64-bit seed over the four state words, so
 * that no seed gives the all-zero state xoshiro cannot leave. */
static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void cpu_rng_seed(struct cpu *c, uint64_t seed)
{
    for (unsigned k = 0; k < 4; k++) c->rng[k] = splitmix64(&seed);
}

static inline uint64_t rotl64(uint64_t x, unsigned k) { return (x << k) | (x >> (64 - k)); }

/* xoshiro256** 1.0 (Blackman, Vigna 2018) */
uint64_t cpu_rng_next(struct cpu *c)
{
    uint64_t *s = c->rng;
    uint64_t r = rotl64(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl64(s[3], 45);
    return r;
}

/* RDRAND r16/r32/r64 (0F C7 /6) and RDSEED (0F C7 /7), register forms only (the decoder gives
 * #UD for mod != 3 and without CPUID.1:ECX.RDRAND[30] / CPUID.(7,0):EBX.RDSEED[18]). The
 * operand size is the destination's; a 32-bit write zeroes bits 63:32. CF=1 (the value is
 * valid), OF SF ZF AF PF = 0. In VMX non-root operation the exits for "RDRAND exiting" and
 * "RDSEED exiting" are taken by the gate (cpu/vmx/gate.c) before this handler runs. */
HANDLER(rdrand)
{
    set_reg(c, i->rm, i->osz, cpu_rng_next(c));
    set_arith_flags(c, FL_CF);
}
