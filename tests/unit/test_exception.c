/* Unit tests of exception escalation and raising (cpu/exception.c):
 *   exc_combine(prev, vec) against SDM Vol.3A 6.15 "Interrupt 8", tables 6-4 (classes) and 6-5
 *   (conditions for generating a double fault), for every prev in {-1, 0..21} and vec in 0..21;
 *   cpu_raise / cpu_raise_pf: the recorded vector, error-code presence (table 6-1) and CR2.
 *
 * Cases in the "ve_cp" test case cover vectors 20 (#VE) and 21 (#CP), whose classes the SDM gives
 * as page fault and contributory respectively; they are tagged UNIT-FINDINGS.md F2 and with
 * TURTLES_UNIT_XFAIL=1 in the environment are expected failures (an unexpected pass prints XPASS).
 */
#include "cpu/cpu_priv.h"

#include <check.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned long n_checks;

enum cls { BENIGN, CONTRIB, PAGEFAULT, DOUBLEFAULT };

/* SDM Vol.3A table 6-4. Vectors not listed (15 reserved, 8 itself) are not benign/contributory/
 * page-fault; as a second event they are handled serially. */
static enum cls sdm_class(int v)
{
    switch (v) {
    case 0: case 10: case 11: case 12: case 13: return CONTRIB;
    case 21: return CONTRIB;   /* #CP (SDM with CET: table 6-4 lists it as contributory) */
    case 14: return PAGEFAULT;
    case 20: return PAGEFAULT; /* #VE: table 6-4 lists it with page faults */
    case 8: return DOUBLEFAULT;
    default: return BENIGN;    /* 1-7, 9, 15-19, INT n, INTR */
    }
}

/* SDM Vol.3A table 6-5: the event delivered when vec is detected while delivering prev. */
static int sdm_combine(int prev, int vec)
{
    if (prev < 0) return vec;
    enum cls a = sdm_class(prev), b = sdm_class(vec);
    if (a == DOUBLEFAULT && (b == CONTRIB || b == PAGEFAULT)) return -1; /* shutdown */
    if (a == CONTRIB && b == CONTRIB) return EXC_DF;
    if (a == PAGEFAULT && (b == CONTRIB || b == PAGEFAULT)) return EXC_DF;
    return vec; /* handled serially */
}

static bool xfail_enabled(void)
{
    const char *e = getenv("TURTLES_UNIT_XFAIL");
    return e && *e && *e != '0';
}

/* prev = _i - 1 (so -1..21), every vec 0..21 except 20/21 on either side */
START_TEST(test_combine)
{
    int prev = _i - 1;
    if (prev == 20 || prev == 21) return;
    for (int vec = 0; vec <= 19; vec++) {
        int got = exc_combine(prev, vec), want = sdm_combine(prev, vec);
        n_checks++;
        ck_assert_msg(got == want, "exc_combine(%d, %d) = %d, want %d", prev, vec, got, want);
    }
}
END_TEST

/* Explicit rows of table 6-5, independent of the class helper above. */
START_TEST(test_combine_rows)
{
    static const struct { int prev, vec, want; } rows[] = {
        {EXC_GP, EXC_GP, EXC_DF}, {EXC_DE, EXC_TS, EXC_DF}, {EXC_NP, EXC_SS, EXC_DF},
        {EXC_SS, EXC_GP, EXC_DF}, {EXC_TS, EXC_NP, EXC_DF},
        {EXC_GP, EXC_PF, EXC_PF}, /* contributory then page fault: serial */
        {EXC_PF, EXC_PF, EXC_DF}, {EXC_PF, EXC_GP, EXC_DF}, {EXC_PF, EXC_DE, EXC_DF},
        {EXC_PF, EXC_UD, EXC_UD}, {EXC_PF, EXC_NM, EXC_NM},
        {EXC_DF, EXC_GP, -1}, {EXC_DF, EXC_PF, -1}, {EXC_DF, EXC_NP, -1}, {EXC_DF, EXC_DE, -1},
        {EXC_DF, EXC_UD, EXC_UD}, {EXC_DF, EXC_DB, EXC_DB}, {EXC_DF, EXC_MC, EXC_MC},
        {EXC_UD, EXC_GP, EXC_GP}, {EXC_BP, EXC_PF, EXC_PF}, {EXC_NMI, EXC_GP, EXC_GP},
        {EXC_AC, EXC_GP, EXC_GP}, {EXC_XM, EXC_NP, EXC_NP}, {EXC_MF, EXC_SS, EXC_SS},
        {-1, EXC_GP, EXC_GP}, {-1, EXC_DF, EXC_DF}, {-1, EXC_PF, EXC_PF},
    };
    for (unsigned k = 0; k < ARRAY_SIZE(rows); k++) {
        int got = exc_combine(rows[k].prev, rows[k].vec);
        n_checks++;
        ck_assert_msg(got == rows[k].want, "exc_combine(%d, %d) = %d, want %d", rows[k].prev,
                      rows[k].vec, got, rows[k].want);
    }
    /* external interrupts and INT n (vectors 32..255) are benign as the first event */
    for (int prev = 32; prev < 256; prev++)
        for (int vec = 0; vec <= 19; vec++) {
            n_checks++;
            ck_assert_msg(exc_combine(prev, vec) == vec, "exc_combine(%d, %d) = %d", prev, vec,
                          exc_combine(prev, vec));
        }
}
END_TEST

/* Pairs involving #VE (20) or #CP (21). */
START_TEST(test_combine_ve_cp)
{
    int bad = 0;
    char first[128] = "";
    for (int prev = -1; prev <= 21; prev++)
        for (int vec = 0; vec <= 21; vec++) {
            if (prev != 20 && prev != 21 && vec != 20 && vec != 21) continue;
            int got = exc_combine(prev, vec), want = sdm_combine(prev, vec);
            n_checks++;
            if (got != want && bad++ == 0)
                snprintf(first, sizeof first, "exc_combine(%d, %d) = %d, want %d", prev, vec, got, want);
        }
    if (xfail_enabled()) {
        if (!bad) printf("XPASS: #VE/#CP classes (UNIT-FINDINGS.md F2)\n");
        return;
    }
    ck_assert_msg(!bad, "%d mismatches, first: %s [UNIT-FINDINGS.md F2]", bad, first);
}
END_TEST

/* ---- cpu_raise: vector, error code presence (SDM Vol.3A table 6-1), CR2 ---- */
static struct cpu *c;
static void setup(void)
{
    c = calloc(1, sizeof *c);
    ck_assert(c != NULL);
    c->cur_exc = -1;
}
static void teardown(void) { free(c); }

static bool sdm_has_error(int v)
{
    /* #DF #TS #NP #SS #GP #PF #AC #CP push an error code; nothing else does (table 6-1) */
    return v == 8 || v == 10 || v == 11 || v == 12 || v == 13 || v == 14 || v == 17 || v == 21;
}

START_TEST(test_raise)
{
    int vec = _i;
    volatile bool raised = false;
    if (setjmp(c->jb) == 0) {
        raised = true;
        cpu_raise(c, vec, 0x1234);
    }
    n_checks += 3;
    ck_assert_msg(raised, "vector %d: did not get there", vec);
    ck_assert_msg(c->fault.vector == vec, "vector %d recorded as %d", vec, c->fault.vector);
    ck_assert_msg(c->fault.has_err == sdm_has_error(vec), "vector %d: has_err %d", vec, c->fault.has_err);
    n_checks++;
    ck_assert_msg(c->fault.err == (sdm_has_error(vec) ? 0x1234u : 0u), "vector %d: err %#x", vec,
                  c->fault.err);
    /* cpu_raise_noerr: never an error code pushed for the vectors without one; zero otherwise */
    if (setjmp(c->jb) == 0) cpu_raise_noerr(c, vec);
    n_checks++;
    ck_assert_msg(c->fault.vector == vec && c->fault.err == 0, "noerr vector %d: err %#x", vec,
                  c->fault.err);
}
END_TEST

START_TEST(test_raise_pf)
{
    c->cr2 = 0;
    if (setjmp(c->jb) == 0) cpu_raise_pf(c, 0xffff800012345678ull, 0x15);
    n_checks += 4;
    ck_assert(c->fault.vector == EXC_PF);
    ck_assert(c->fault.has_err);
    ck_assert_msg(c->fault.err == 0x15, "err %#x", c->fault.err);
    ck_assert_msg(c->cr2 == 0xffff800012345678ull, "cr2 %#llx", (unsigned long long)c->cr2); /* 4.7 */
    if (setjmp(c->jb) == 0) raise_gp(c, 0x18);
    n_checks++;
    ck_assert(c->fault.vector == EXC_GP && c->fault.has_err && c->fault.err == 0x18);
    if (setjmp(c->jb) == 0) raise_ud(c);
    n_checks++;
    ck_assert(c->fault.vector == EXC_UD && !c->fault.has_err);
    if (setjmp(c->jb) == 0) raise_ss(c, 0);
    n_checks++;
    ck_assert(c->fault.vector == EXC_SS && c->fault.has_err && c->fault.err == 0);
    if (setjmp(c->jb) == 0) raise_np(c, 0x2b);
    n_checks++;
    ck_assert(c->fault.vector == EXC_NP && c->fault.err == 0x2b);
    if (setjmp(c->jb) == 0) raise_ts(c, 0x30);
    n_checks++;
    ck_assert(c->fault.vector == EXC_TS && c->fault.err == 0x30);
    n_checks++;
    ck_assert_msg(c->cr2 == 0xffff800012345678ull, "CR2 changed by a non-#PF exception");
}
END_TEST

static Suite *exception_suite(void)
{
    Suite *s = suite_create("exception");
    TCase *tc = tcase_create("combine");
    tcase_add_loop_test(tc, test_combine, 0, 23);
    tcase_add_test(tc, test_combine_rows);
    suite_add_tcase(s, tc);
    tc = tcase_create("ve_cp");
    tcase_add_test(tc, test_combine_ve_cp);
    suite_add_tcase(s, tc);
    tc = tcase_create("raise");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_raise, 0, 32);
    tcase_add_test(tc, test_raise_pf);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(exception_suite());
    srunner_set_fork_status(sr, CK_NOFORK); /* checks are counted across tests */
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    printf("exception: %lu checks\n", n_checks);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
