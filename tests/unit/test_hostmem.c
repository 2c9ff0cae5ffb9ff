/* Unit tests of mmu/hostmem.c: large allocations are zeroed, 2 MiB aligned, writable to their
 * last byte, and independent of each other; size 0 and sizes that are not multiples of the
 * alignment work; on Linux, huge pages are asked for (VmFlags "hg" in /proc/self/smaps) for
 * dense allocations only. */
#include "mmu/hostmem.h"

#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* The VmFlags of the mapping that starts at p, from /proc/self/smaps: 1 if they hold "hg"
 * (MADV_HUGEPAGE), 0 if not, -1 if smaps cannot tell (not Linux). */
static int advised_huge(const void *p)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f) return -1;
    char line[512];
    bool in = false;
    int r = -1;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
            in = (uintptr_t)p >= lo && (uintptr_t)p < hi;
            continue;
        }
        if (in && !strncmp(line, "VmFlags:", 8)) {
            r = strstr(line, " hg") != NULL;
            break;
        }
    }
    fclose(f);
    return r;
}

START_TEST(test_sizes)
{
    static const size_t sizes[] = {0, 1, 4096, (2u << 20) - 1, 2u << 20, (2u << 20) + 4096, 37u << 20};
    size_t n = sizes[_i / 2];
    bool dense = _i & 1;
    uint8_t *p = hostmem_alloc(n, dense);
    ck_assert_ptr_nonnull(p);
    ck_assert_msg(((uintptr_t)p & ((2u << 20) - 1)) == 0, "size %zu: %p not 2 MiB aligned", n, (void *)p);
    for (size_t k = 0; k < n; k += 4096) ck_assert_msg(p[k] == 0, "size %zu: byte %zu not zero", n, k);
    if (n) {
        ck_assert(p[n - 1] == 0);
        memset(p, 0xa5, n);
        ck_assert(p[n - 1] == 0xa5);
    }
    int hg = advised_huge(p);
    ck_assert_msg(hg == -1 || hg == dense, "size %zu dense %d: VmFlags hg %d", n, dense, hg);
    uint8_t *q = hostmem_alloc(n, dense);
    ck_assert_ptr_nonnull(q);
    ck_assert(q != p);
    if (n) ck_assert_msg(q[0] == 0 && q[n - 1] == 0, "a second allocation is not zeroed");
    hostmem_free(p, n);
    hostmem_free(q, n);
    hostmem_free(NULL, n); /* no effect */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hostmem");
    TCase *tc = tcase_create("alloc");
    tcase_add_loop_test(tc, test_sizes, 0, 14);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
