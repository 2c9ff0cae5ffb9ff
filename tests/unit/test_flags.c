/* Unit tests of the lazy arithmetic flags (cpu/flags.c: flags_arith, cpu_cond_slow; cpu/cpu_priv.h:
 * cpu_cond, flags_cf). The lazy state is set exactly as the ALU handlers set it (cpu/ops/alu.c:
 * set_flags(c, CC_kind, szlog, result, operand2, carry_in)) and OSZAPC are compared against
 *   - the host CPU executing the same instruction (x86-64 hosts: inline asm, LAHF + SETO), and
 *   - eager reference formulas (SDM Vol.1 3.4.3.1 and the Vol.2 ADD/ADC/SUB/SBB/AND/OR/XOR/INC/DEC
 *     pages),
 * and cpu_cond for all 16 conditions (SDM Vol.1 Appendix B) against the condition computed from
 * the eager flags. 8-bit operands exhaustively (every a, b and carry in), 16/32/64-bit with edge
 * values crossed and a fixed-seed pseudo-random sample.
 *
 * AF after AND/OR/XOR is undefined (SDM Vol.2); Intel hardware clears it, and so does the emulator:
 * on a non-Intel host it is not compared against the host.
 */
#include "cpu/cpu_priv.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

static unsigned long n_checks;
static struct cpu *c;

static void setup(void)
{
    c = calloc(1, sizeof *c);
    ck_assert(c != NULL);
}
static void teardown(void) { free(c); }

enum op { O_ADD, O_ADC, O_SUB, O_SBB, O_AND, O_OR, O_XOR, O_INC, O_DEC, O_COUNT };
static const char *const opnm[O_COUNT] = {"ADD", "ADC", "SUB", "SBB", "AND", "OR", "XOR", "INC", "DEC"};

static uint64_t mask_of(unsigned szlog) { return szlog == 3 ? ~0ull : (1ull << (8u << szlog)) - 1; }

/* ---- eager reference ---- */
static bool even_parity(uint64_t r)
{
    unsigned n = 0;
    for (unsigned k = 0; k < 8; k++) n += (r >> k) & 1;
    return !(n & 1);
}

static uint32_t ref_flags(enum op op, unsigned szlog, uint64_t a, uint64_t b, unsigned cin, uint64_t *res)
{
    unsigned bits = 8u << szlog;
    uint64_t m = mask_of(szlog), sb = 1ull << (bits - 1), r = 0;
    bool cf = false, of = false, af = false;
    a &= m;
    b &= m;
    switch (op) {
    case O_ADD: case O_ADC: {
        unsigned ci = op == O_ADC ? cin : 0;
        unsigned __int128 w = (unsigned __int128)a + b + ci;
        r = (uint64_t)w & m;
        cf = (w >> bits) != 0;
        of = ((a ^ r) & (b ^ r) & sb) != 0; /* operands alike in sign, result differs */
        af = ((a ^ b ^ r) & 0x10) != 0;
        break;
    }
    case O_SUB: case O_SBB: {
        unsigned ci = op == O_SBB ? cin : 0;
        r = (a - b - ci) & m;
        cf = (unsigned __int128)a < (unsigned __int128)b + ci; /* borrow */
        of = ((a ^ b) & (a ^ r) & sb) != 0;
        af = ((a ^ b ^ r) & 0x10) != 0;
        break;
    }
    case O_AND: r = a & b; break;
    case O_OR: r = a | b; break;
    case O_XOR: r = a ^ b; break;
    case O_INC:
        r = (a + 1) & m;
        cf = cin; /* INC/DEC leave CF unchanged */
        of = a == sb - 1;
        af = (a & 0xf) == 0xf;
        break;
    case O_DEC:
        r = (a - 1) & m;
        cf = cin;
        of = a == sb;
        af = (a & 0xf) == 0;
        break;
    default: break;
    }
    *res = r;
    uint32_t f = 0;
    if (cf) f |= FL_CF;
    if (even_parity(r & 0xff)) f |= FL_PF;
    if (af) f |= FL_AF;
    if (r == 0) f |= FL_ZF;
    if (r & sb) f |= FL_SF;
    if (of) f |= FL_OF;
    return f;
}

/* Condition cc (SDM Vol.1 Appendix B, table B-1) from eager flags. */
static bool eager_cond(uint32_t f, unsigned cc)
{
    bool cf = f & FL_CF, zf = f & FL_ZF, sf = f & FL_SF, of = f & FL_OF, pf = f & FL_PF, r;
    switch (cc >> 1) {
    case 0: r = of; break;             /* O */
    case 1: r = cf; break;             /* B/C/NAE */
    case 2: r = zf; break;             /* E/Z */
    case 3: r = cf || zf; break;       /* BE/NA */
    case 4: r = sf; break;             /* S */
    case 5: r = pf; break;             /* P/PE */
    case 6: r = sf != of; break;       /* L/NGE */
    default: r = zf || sf != of; break; /* LE/NG */
    }
    return (cc & 1) ? !r : r;
}

/* ---- host CPU ---- */
#if defined(__x86_64__)
#define HAVE_HOST 1
/* CF := cin (BT), the instruction, then LAHF (SF ZF AF PF CF in AH) and SETO. */
#define HOST_BIN(fn, insn, T, M)                                                                   \
    static uint32_t fn(uint64_t a64, uint64_t b64, unsigned cin, uint64_t *res)                    \
    {                                                                                              \
        T a = (T)a64, b = (T)b64;                                                                  \
        uint16_t ax;                                                                               \
        uint8_t of;                                                                                \
        __asm__("bt $0, %k[cin]\n\t" insn " %" M "[b], %" M "[a]\n\tlahf\n\tseto %b[of]"           \
                : [a] "+r"(a), "=&a"(ax), [of] "=&r"(of)                                           \
                : [b] "r"(b), [cin] "r"(cin)                                                       \
                : "cc");                                                                           \
        *res = a;                                                                                  \
        return ((ax >> 8) & (FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF)) | (of ? FL_OF : 0);           \
    }
#define HOST_UN(fn, insn, T, M)                                                                    \
    static uint32_t fn(uint64_t a64, uint64_t b64, unsigned cin, uint64_t *res)                    \
    {                                                                                              \
        T a = (T)a64;                                                                              \
        (void)b64;                                                                                 \
        uint16_t ax;                                                                               \
        uint8_t of;                                                                                \
        __asm__("bt $0, %k[cin]\n\t" insn " %" M "[a]\n\tlahf\n\tseto %b[of]"                      \
                : [a] "+r"(a), "=&a"(ax), [of] "=&r"(of)                                           \
                : [cin] "r"(cin)                                                                   \
                : "cc");                                                                           \
        *res = a;                                                                                  \
        return ((ax >> 8) & (FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF)) | (of ? FL_OF : 0);           \
    }
#define HOST_SET(sfx, T, M)                                                                        \
    HOST_BIN(h_add##sfx, "add", T, M)                                                              \
    HOST_BIN(h_adc##sfx, "adc", T, M)                                                              \
    HOST_BIN(h_sub##sfx, "sub", T, M)                                                              \
    HOST_BIN(h_sbb##sfx, "sbb", T, M)                                                              \
    HOST_BIN(h_and##sfx, "and", T, M)                                                              \
    HOST_BIN(h_or##sfx, "or", T, M)                                                                \
    HOST_BIN(h_xor##sfx, "xor", T, M)                                                              \
    HOST_UN(h_inc##sfx, "inc", T, M)                                                               \
    HOST_UN(h_dec##sfx, "dec", T, M)
HOST_SET(8, uint8_t, "b")
HOST_SET(16, uint16_t, "w")
HOST_SET(32, uint32_t, "k")
HOST_SET(64, uint64_t, "q")

typedef uint32_t (*host_fn)(uint64_t, uint64_t, unsigned, uint64_t *);
#define HOST_ROW(sfx) {h_add##sfx, h_adc##sfx, h_sub##sfx, h_sbb##sfx, h_and##sfx, h_or##sfx, h_xor##sfx, h_inc##sfx, h_dec##sfx}
static const host_fn host[4][O_COUNT] = {HOST_ROW(8), HOST_ROW(16), HOST_ROW(32), HOST_ROW(64)};

static bool host_is_intel(void)
{
    unsigned a, b, cc, d;
    if (!__get_cpuid(0, &a, &b, &cc, &d)) return false;
    return b == 0x756e6547 && d == 0x49656e69 && cc == 0x6c65746e; /* "GenuineIntel" */
}
#else
#define HAVE_HOST 0
#endif

/* ---- one comparison ---- */
struct stats {
    unsigned long fails;
    char first[320];
};

static void mismatch(struct stats *st, const char *fmt, enum op op, unsigned szlog, uint64_t a, uint64_t b,
                 unsigned cin, uint32_t got, uint32_t want, int cc)
{
    if (st->fails++ == 0)
        snprintf(st->first, sizeof st->first,
                 "%s%u a=%#llx b=%#llx cf_in=%u: %s: got %#x, want %#x (cc %d)", opnm[op],
                 8u << szlog, (unsigned long long)a, (unsigned long long)b, cin, fmt, got, want, cc);
}

static void one(struct stats *st, enum op op, unsigned szlog, uint64_t a, uint64_t b, unsigned cin)
{
    uint64_t m = mask_of(szlog), r;
    a &= m;
    b &= m;
    uint32_t want = ref_flags(op, szlog, a, b, cin, &r);

    /* the lazy state, as cpu/ops/alu.c sets it */
    switch (op) {
    case O_ADD: set_flags(c, CC_ADD, szlog, r, b, 0); break;
    case O_ADC: set_flags(c, CC_ADC, szlog, r, b, cin); break;
    case O_SUB: set_flags(c, CC_SUB, szlog, r, b, 0); break;
    case O_SBB: set_flags(c, CC_SBB, szlog, r, b, cin); break;
    case O_AND: case O_OR: case O_XOR: set_flags(c, CC_LOGIC, szlog, r, 0, 0); break;
    case O_INC: set_flags(c, CC_INC, szlog, r, 0, cin); break;
    case O_DEC: set_flags(c, CC_DEC, szlog, r, 0, cin); break;
    default: break;
    }
    uint32_t got = flags_arith(c);
    n_checks++;
    if (got != want) mismatch(st, "flags_arith vs reference", op, szlog, a, b, cin, got, want, -1);

#if HAVE_HOST
    static int intel = -1;
    if (intel < 0) intel = host_is_intel();
    uint64_t hr;
    uint32_t hf = host[szlog][op](a, b, cin, &hr);
    uint32_t cmp_mask = FL_ARITH;
    if (!intel && (op == O_AND || op == O_OR || op == O_XOR)) cmp_mask &= ~FL_AF;
    n_checks += 2;
    if ((hr & m) != r) mismatch(st, "reference result vs host", op, szlog, a, b, cin, (uint32_t)r, (uint32_t)hr, -1);
    if ((got & cmp_mask) != (hf & cmp_mask))
        mismatch(st, "flags_arith vs host", op, szlog, a, b, cin, got, hf, -1);
#endif

    n_checks++;
    if (flags_cf(c) != !!(want & FL_CF))
        mismatch(st, "flags_cf", op, szlog, a, b, cin, flags_cf(c), !!(want & FL_CF), -1);
    for (unsigned cc = 0; cc < 16; cc++) {
        bool e = eager_cond(want, cc);
        n_checks += 2;
        if (cpu_cond(c, cc) != e) mismatch(st, "cpu_cond", op, szlog, a, b, cin, cpu_cond(c, cc), e, (int)cc);
        if (cpu_cond_slow(c, cc) != e)
            mismatch(st, "cpu_cond_slow", op, szlog, a, b, cin, cpu_cond_slow(c, cc), e, (int)cc);
    }
}

static void report(const struct stats *st, const char *what)
{
    ck_assert_msg(st->fails == 0, "%s: %lu mismatches; first: %s", what, st->fails, st->first);
}

/* ---- 8-bit, exhaustive ---- */
START_TEST(test_exhaustive8)
{
    enum op op = (enum op)_i;
    struct stats st = {0, ""};
    unsigned nb = (op == O_INC || op == O_DEC) ? 1 : 256;
    for (unsigned a = 0; a < 256; a++)
        for (unsigned b = 0; b < nb; b++)
            for (unsigned cin = 0; cin < 2; cin++) one(&st, op, 0, a, b, cin);
    report(&st, opnm[op]);
}
END_TEST

/* ---- 16/32/64-bit: edge values crossed, then pseudo-random ---- */
static uint64_t rng_state;
static uint64_t rnd(void)
{
    /* xorshift64*: fixed seed, deterministic */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

START_TEST(test_wide)
{
    enum op op = (enum op)(_i % O_COUNT);
    unsigned szlog = 1 + _i / O_COUNT;
    uint64_t m = mask_of(szlog), sb = 1ull << ((8u << szlog) - 1);
    const uint64_t edges[] = {0, 1, 2, 0xf, 0x10, 0x7f, 0x80, 0xff, 0x100, sb - 1, sb, sb + 1,
                              m - 1, m, m >> 1, sb | 0xf, 0x5555555555555555ull & m,
                              0xaaaaaaaaaaaaaaaaull & m};
    struct stats st = {0, ""};
    for (unsigned x = 0; x < ARRAY_SIZE(edges); x++)
        for (unsigned y = 0; y < ARRAY_SIZE(edges); y++)
            for (unsigned cin = 0; cin < 2; cin++) one(&st, op, szlog, edges[x], edges[y], cin);
    rng_state = 0x9e3779b97f4a7c15ull ^ ((uint64_t)_i << 32);
    for (unsigned n = 0; n < 40000; n++) {
        uint64_t a = rnd(), b = rnd();
        /* bias some samples towards carries and sign boundaries */
        if (n & 1) b = (~a + (rnd() & 3)) & m;
        if ((n & 6) == 2) a = (sb - 1 + (rnd() & 3) - 1) & m;
        one(&st, op, szlog, a, b, (unsigned)(rnd() & 1));
    }
    report(&st, opnm[op]);
}
END_TEST

/* ---- eager flags (CC_EFLAGS, as set_arith_flags / POPF leave them) ---- */
START_TEST(test_eager)
{
    static const uint32_t bits[6] = {FL_CF, FL_PF, FL_AF, FL_ZF, FL_SF, FL_OF};
    struct stats st = {0, ""};
    for (unsigned v = 0; v < 64; v++) {
        uint32_t f = 0;
        for (unsigned k = 0; k < 6; k++)
            if (v & (1u << k)) f |= bits[k];
        /* non-arithmetic bits passed in must not leak into OSZAPC */
        set_arith_flags(c, f | 0x2u | 0x100u | 0x200u | 0x400u | 0x4000u); /* + bit 1, TF IF DF NT */
        uint32_t got = flags_arith(c);
        n_checks++;
        if (got != f) mismatch(&st, "CC_EFLAGS flags_arith", O_ADD, 0, v, 0, 0, got, f, -1);
        n_checks++;
        if (flags_cf(c) != !!(f & FL_CF)) mismatch(&st, "CC_EFLAGS flags_cf", O_ADD, 0, v, 0, 0, flags_cf(c), f & FL_CF, -1);
        for (unsigned cc = 0; cc < 16; cc++) {
            n_checks++;
            if (cpu_cond(c, cc) != eager_cond(f, cc))
                mismatch(&st, "CC_EFLAGS cpu_cond", O_ADD, 0, v, 0, 0, cpu_cond(c, cc), eager_cond(f, cc), (int)cc);
        }
    }
    report(&st, "eager");
}
END_TEST

/* ---- the handlers' chaining: ADC/SBB take CF from the previous lazy state via flags_cf ---- */
START_TEST(test_chain)
{
    struct stats st = {0, ""};
    /* 128-bit add and subtract done as ADD+ADC / SUB+SBB on 64-bit halves, and 16-bit values as
     * two 8-bit halves, the way a guest would: the carry travels through the lazy state. */
    rng_state = 12345;
    for (unsigned n = 0; n < 20000; n++) {
        uint64_t a0 = rnd(), a1 = rnd(), b0 = rnd(), b1 = rnd();
        bool sub = n & 1;
        if (n & 2) b0 = ~a0 + (sub ? 0 : 1); /* force a carry/borrow edge */
        set_flags(c, sub ? CC_SUB : CC_ADD, 3, sub ? a0 - b0 : a0 + b0, b0, 0);
        uint64_t cf = flags_cf(c);
        uint64_t hi = sub ? a1 - b1 - cf : a1 + b1 + cf;
        set_flags(c, sub ? CC_SBB : CC_ADC, 3, hi, b1, cf);
        unsigned __int128 A = ((unsigned __int128)a1 << 64) | a0, Bv = ((unsigned __int128)b1 << 64) | b0;
        unsigned __int128 R = sub ? A - Bv : A + Bv;
        bool want_cf = sub ? A < Bv : R < A;
        bool want_zf = (uint64_t)(R >> 64) == 0; /* ZF reflects the high half only */
        n_checks += 3;
        if ((uint64_t)(R >> 64) != hi) mismatch(&st, "128-bit result", sub ? O_SBB : O_ADC, 3, a1, b1, (unsigned)cf, 0, 0, -1);
        if (flags_cf(c) != want_cf) mismatch(&st, "128-bit carry", sub ? O_SBB : O_ADC, 3, a1, b1, (unsigned)cf, flags_cf(c), want_cf, -1);
        if (!!(flags_arith(c) & FL_ZF) != want_zf) mismatch(&st, "128-bit ZF", sub ? O_SBB : O_ADC, 3, a1, b1, (unsigned)cf, 0, 0, -1);
    }
    report(&st, "chain");
}
END_TEST

static Suite *flags_suite(void)
{
    Suite *s = suite_create("flags");
    TCase *tc = tcase_create("exhaustive8");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_exhaustive8, 0, O_COUNT);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    tc = tcase_create("wide");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_wide, 0, 3 * O_COUNT);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    tc = tcase_create("eager");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_eager);
    tcase_add_test(tc, test_chain);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(flags_suite());
    srunner_set_fork_status(sr, CK_NOFORK); /* checks are counted across tests */
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    printf("flags: %lu checks (host comparison %s)\n", n_checks, HAVE_HOST ? "on" : "off");
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
