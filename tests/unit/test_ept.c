/* Unit tests of the pure EPT walker ept_walk (mmu/ept.c) on EPT paging structures built in a RAM
 * buffer, for its accessed and dirty flags (SDM Vol.3C 28.2.4) and what page-modification
 * logging needs from it (28.2.5):
 *   - with A/D on, a walk sets the accessed flag of every entry used and, for a write, the dirty
 *     flag of the leaf; dirty_set says when this walk changed the dirty flag from 0 to 1;
 *   - with ad_blocked (the log is full), a walk that would set any flag returns EPT_AD_BLOCKED
 *     and writes nothing, a walk that sets none succeeds, and violations still win;
 *   - with A/D off, nothing is written and ad_blocked never matters.
 */
#include "mmu/ept.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

static unsigned long n_checks;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        n_checks++;                                                                                \
        ck_assert_msg(cond, __VA_ARGS__);                                                          \
    } while (0)

#define RAM_SIZE 0x10000u
static uint8_t ram[RAM_SIZE];
static unsigned n_writes;

static uint64_t ram_read(void *opaque, uint64_t gpa, unsigned size)
{
    (void)opaque;
    uint64_t v = 0;
    if (gpa < RAM_SIZE && RAM_SIZE - gpa >= size) memcpy(&v, ram + gpa, size);
    return v;
}
static void ram_write(void *opaque, uint64_t gpa, uint64_t val, unsigned size)
{
    (void)opaque;
    n_writes++;
    if (gpa < RAM_SIZE && RAM_SIZE - gpa >= size) memcpy(ram + gpa, &val, size);
}
static const struct walk_mem wmem = {NULL, ram_read, ram_write};
static uint64_t ent(uint64_t a) { return ram_read(NULL, a, 8); }
static void set_ent(uint64_t a, uint64_t v) { memcpy(ram + a, &v, 8); }

/* EPT entry bits (SDM Vol.3C tables 28-1..28-6) */
#define RWX 7ull
#define WB (6ull << 3)
#define LARGE (1ull << 7)
#define EA (1ull << 8)
#define ED (1ull << 9)
/* PML4 at 0x1000, PDPT 0x2000, PD 0x3000, PT 0x4000. gpa 0x5000 is a 4 KiB page (PT entry 5),
 * gpa 0x200000-0x3FFFFF a 2 MiB page (PD entry 1). EPTP: WB, 4 levels, A/D per ad. */
#define PML4 0x1000u
#define PDPT 0x2000u
#define PD 0x3000u
#define PT 0x4000u
#define PTE5 (PT + 5 * 8)
#define PDE1 (PD + 1 * 8)
static struct ept_params params(bool ad, bool blocked)
{
    struct ept_params p = {PML4 | 6 | 3 << 3 | (ad ? 1u << 6 : 0), 40, true, blocked};
    return p;
}
static void build(void)
{
    memset(ram, 0, sizeof ram);
    set_ent(PML4, PDPT | RWX);
    set_ent(PDPT, PD | RWX);
    set_ent(PD, PT | RWX);
    set_ent(PDE1, 0x200000 | RWX | WB | LARGE);
    set_ent(PTE5, 0x9000 | RWX | WB);
    set_ent(PT + 6 * 8, 0xa000 | 1 | WB); /* read-only */
    n_writes = 0;
}

START_TEST(test_ad_flags)
{
    build();
    struct ept_params p = params(true, false);
    struct ept_result r;
    CHECK(ept_walk(&p, &wmem, 0x5123, EPT_R, &r) == EPT_OK, "read");
    CHECK(r.hpa == 0x9123 && !r.dirty_set, "read: hpa %#llx, dirty_set %d", (unsigned long long)r.hpa, r.dirty_set);
    CHECK((ent(PML4) & (EA | ED)) == EA && (ent(PDPT) & EA) && (ent(PD) & EA), "read: A on every entry");
    CHECK((ent(PTE5) & (EA | ED)) == EA, "read: A, not D, on the leaf");
    CHECK(ept_walk(&p, &wmem, 0x5ff8, EPT_W, &r) == EPT_OK && r.dirty_set, "first write sets D: dirty_set");
    CHECK((ent(PTE5) & (EA | ED)) == (EA | ED), "write: A and D on the leaf");
    CHECK((ent(PD) & ED) == 0, "D only on the leaf");
    unsigned w = n_writes;
    CHECK(ept_walk(&p, &wmem, 0x5000, EPT_W, &r) == EPT_OK && !r.dirty_set, "second write: no dirty_set");
    CHECK(n_writes == w, "second write: nothing written");
    CHECK(ept_walk(&p, &wmem, 0x2abcde, EPT_W, &r) == EPT_OK && r.dirty_set && r.hpa == 0x2abcde,
          "2 MiB page: dirty_set, hpa %#llx", (unsigned long long)r.hpa);
    CHECK((ent(PDE1) & (EA | ED)) == (EA | ED), "2 MiB leaf: A and D");
}
END_TEST

START_TEST(test_ad_blocked)
{
    build();
    struct ept_params p = params(true, true);
    struct ept_result r;
    CHECK(ept_walk(&p, &wmem, 0x5000, EPT_R, &r) == EPT_AD_BLOCKED, "read needing A: blocked");
    CHECK(n_writes == 0 && ent(PML4) == (PDPT | RWX), "blocked: nothing written");
    CHECK(ept_walk(&p, &wmem, 0x6000, EPT_W, &r) == EPT_VIOLATION, "write to a read-only page: violation first");
    struct ept_params q = params(true, false);
    CHECK(ept_walk(&q, &wmem, 0x5000, EPT_R, &r) == EPT_OK, "unblocked read");
    n_writes = 0;
    CHECK(ept_walk(&p, &wmem, 0x5000, EPT_R, &r) == EPT_OK, "blocked, flags already set: read succeeds");
    CHECK(ept_walk(&p, &wmem, 0x5000, EPT_X, &r) == EPT_OK, "and a fetch");
    CHECK(ept_walk(&p, &wmem, 0x5000, EPT_W, &r) == EPT_AD_BLOCKED, "write needing D: blocked");
    CHECK(n_writes == 0 && !(ent(PTE5) & ED), "D not set");
    CHECK(ept_walk(&q, &wmem, 0x5000, EPT_W, &r) == EPT_OK && r.dirty_set, "unblocked write sets D");
    CHECK(ept_walk(&p, &wmem, 0x5008, EPT_W, &r) == EPT_OK && !r.dirty_set, "blocked, D already set: write succeeds");
}
END_TEST

START_TEST(test_ad_off)
{
    build();
    struct ept_params p = params(false, true);
    struct ept_result r;
    CHECK(ept_walk(&p, &wmem, 0x5000, EPT_W, &r) == EPT_OK && !r.dirty_set, "A/D off: write succeeds, no dirty_set");
    CHECK(n_writes == 0, "A/D off: nothing written");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ept");
    TCase *tc = tcase_create("ept");
    tcase_add_test(tc, test_ad_flags);
    tcase_add_test(tc, test_ad_blocked);
    tcase_add_test(tc, test_ad_off);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    printf("ept: %lu checks\n", n_checks);
    return failed ? 1 : 0;
}
