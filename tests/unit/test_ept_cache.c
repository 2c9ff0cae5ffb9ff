/* Unit tests of the cache of guest-physical mappings (mmu/ept_cache.c) as the CPU uses it
 * (vmx_ept_try, vmx_invept in cpu/vmx/ept.c; SDM Vol.3C 28.3.1, 28.3.3): a corei7 CPU with 8 MiB
 * of RAM and EPT paging structures built in it, the VMCS fields set directly.
 *
 * The cache is observed the way a guest would see it: a mapping changed in memory without INVEPT
 * still translates the old way while cached (the SDM allows that) and the new way once the cache
 * has dropped it. Each case checks both sides:
 *   - hits and misses; a hit needs permissions for the access (a raised permission is seen);
 *   - INVEPT single-context drops only its EP4TA (whatever the EPTP's low bits), all-context all;
 *   - no hit across EP4TAs, also for two EP4TAs whose mappings share a slot;
 *   - an EPT violation or misconfiguration drops the faulting address's mapping;
 *   - A/D flags and page-modification logging: a mapping whose accessed flags, or for a write
 *     whose dirty flag, the walk would still set is not used (the flags are set, the log is
 *     written, the log-full event happens), and one made with A/D off is not used with A/D on;
 *   - the guest's own paging-structure reads (mmu_translate under EPT) go through the cache;
 *   - a change of the physical memory map and RESET empty it.
 */
#include "cpu/cpu_priv.h"
#include "cpu/cpumodel.h"
#include "cpu/vmx/vmx.h"
#include "devices/bus.h"
#include "mmu/memmap.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

static unsigned long n_checks;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        n_checks++;                                                                                \
        ck_assert_msg(cond, __VA_ARGS__);                                                          \
    } while (0)

#define RAM_SIZE (8u << 20)
static struct memmap *mem;
static struct bus *bus;
static struct cpu *c;
static uint8_t *ram;

/* EPT entry bits (SDM Vol.3C tables 28-1..28-6) */
#define R 1ull /* read, write, execute */
#define RW 3ull
#define RWX 7ull
#define WB (6ull << 3)
#define EA (1ull << 8)
#define ED (1ull << 9)

/* Two EPT hierarchies, each PML4, PDPT, PD, PT on consecutive pages from its base; entry 0 of
 * each level leads to the next, so the PT maps guest-physical 0-2 MiB. HIER_B is 4 MiB above
 * HIER_A, so (HIER_B >> 12) and (HIER_A >> 12) agree in their low 10 bits: the same guest page
 * has the same cache slot under both. */
#define HIER_A 0x10000u
#define HIER_B 0x410000u
#define PML 0x30000u /* page-modification log */

static uint64_t rd(uint64_t a) { uint64_t v; memcpy(&v, ram + a, 8); return v; }
static void wr(uint64_t a, uint64_t v) { memcpy(ram + a, &v, 8); }
static uint64_t pte_addr(uint64_t hier, uint64_t gpa) { return hier + 0x3000 + ((gpa >> 12) & 511) * 8; }
static void map(uint64_t hier, uint64_t gpa, uint64_t hpa, uint64_t perms)
{
    wr(pte_addr(hier, gpa), hpa | perms | WB);
}
static void build(uint64_t hier)
{
    for (unsigned l = 0; l < 3; l++) wr(hier + 0x1000 * l, (hier + 0x1000 * (l + 1)) | RWX);
}
static uint64_t eptp_of(uint64_t hier, bool ad) { return hier | 6 | 3 << 3 | (ad ? 1u << 6 : 0); }

static void setup(void)
{
    mem = memmap_create(RAM_SIZE);
    ck_assert(mem != NULL);
    ram = memmap_add_backed(mem, 0, RAM_SIZE, REG_RAM, "ram");
    ck_assert(ram != NULL);
    bus = bus_create();
    ck_assert(bus != NULL);
    c = cpu_create(cpu_model_find("corei7"), mem, bus);
    ck_assert(c != NULL && c->vmx != NULL);
    build(HIER_A);
    build(HIER_B);
    c->vmx->proc2 = SEC_ENABLE_EPT;
    c->vmx->f[VF_EPT_POINTER] = eptp_of(HIER_A, false);
}

static void teardown(void)
{
    cpu_destroy(c);
    bus_destroy(bus);
    memmap_destroy(mem);
}

static struct ept_fail fail;
/* vmx_ept_try; returns the host-physical address, or ~0 when the translation failed */
static uint64_t xl(uint64_t gpa, unsigned acc)
{
    uint64_t hpa;
    memset(&fail, 0, sizeof fail);
    return vmx_ept_try(c, gpa, acc, &hpa, &fail) ? hpa : ~0ull;
}
static void use(uint64_t hier, bool ad) { c->vmx->f[VF_EPT_POINTER] = eptp_of(hier, ad); }
static uint64_t hits(void) { return c->vmx->eptc.hits; }

START_TEST(hit_and_miss)
{
    map(HIER_A, 0x5000, 0x40000, RWX);
    map(HIER_A, 0x6000, 0x41000, R);
    CHECK(xl(0x5123, EPT_R) == 0x40123, "first read walks");
    CHECK(hits() == 0, "a miss");
    map(HIER_A, 0x5000, 0x48000, RWX); /* no INVEPT */
    CHECK(xl(0x5ff8, EPT_R) == 0x40ff8, "cached: the old mapping");
    CHECK(xl(0x5000, EPT_W) == 0x40000 && xl(0x5000, EPT_X) == 0x40000, "write and fetch hit too");
    CHECK(hits() == 3, "3 hits, not %llu", (unsigned long long)hits());
    CHECK(xl(0x7000, EPT_R) == ~0ull && !fail.misconfig && fail.perms == 0, "unmapped: violation");
    /* guest page 0x405000 shares 0x5000's slot: PD entry 2 leads to a second PT at +0x4000 */
    uint64_t ea = vmx_ep4ta(c, eptp_of(HIER_A, false));
    CHECK(eptc_index(ea, 0x405000) == eptc_index(ea, 0x5000), "the same slot");
    wr(HIER_A + 0x2000 + 2 * 8, (HIER_A + 0x4000) | RWX);
    wr(HIER_A + 0x4000 + 5 * 8, 0x60000 | RWX | WB);
    CHECK(xl(0x405000, EPT_R) == 0x60000, "another page in the same slot: its own mapping");
    CHECK(xl(0x5000, EPT_R) == 0x48000, "and 0x5000 walks again (it was replaced)");
    /* a cached read-only mapping does not serve a write: the walk sees the raised permission */
    CHECK(xl(0x6000, EPT_R) == 0x41000, "read-only page read");
    map(HIER_A, 0x6000, 0x41000, RW);
    CHECK(xl(0x6004, EPT_W) == 0x41004, "write after the permission was raised");
    CHECK(xl(0x6000, EPT_X) == ~0ull, "no execute permission: violation");
}
END_TEST

START_TEST(invept_single_and_all)
{
    /* A's 5000 and B's 6000: different slots, so both stay cached */
    map(HIER_A, 0x5000, 0x40000, RWX);
    map(HIER_B, 0x6000, 0x50000, RWX);
    use(HIER_A, false);
    CHECK(xl(0x5000, EPT_R) == 0x40000, "A");
    use(HIER_B, false);
    CHECK(xl(0x6000, EPT_R) == 0x50000, "B");
    map(HIER_A, 0x5000, 0x48000, RWX);
    map(HIER_B, 0x6000, 0x58000, RWX);
    CHECK(xl(0x6000, EPT_R) == 0x50000, "B cached");
    use(HIER_A, false);
    CHECK(xl(0x5000, EPT_R) == 0x40000, "A cached");
    /* single-context, the descriptor's EPTP with another memory type (UC): its EP4TA goes */
    CHECK(vmx_invept(c, 1, HIER_A | 0 | 3 << 3, 0) == 0, "INVEPT single A");
    CHECK(xl(0x5000, EPT_R) == 0x48000, "A after INVEPT: new mapping");
    use(HIER_B, false);
    CHECK(xl(0x6000, EPT_R) == 0x50000, "B untouched by INVEPT of A");
    CHECK(vmx_invept(c, 2, 0, 0) == 0, "INVEPT all");
    CHECK(xl(0x6000, EPT_R) == 0x58000, "B after INVEPT all: new mapping");
    map(HIER_B, 0x6000, 0x5c000, RWX);
    CHECK(vmx_invept(c, 1, eptp_of(HIER_A, false), 0) == 0, "INVEPT single A again");
    CHECK(xl(0x6000, EPT_R) == 0x58000, "B still cached");
    CHECK(vmx_invept(c, 1, 0x123, 0) != 0, "a bad descriptor fails");
    CHECK(xl(0x6000, EPT_R) == 0x58000, "and invalidates nothing");
}
END_TEST

START_TEST(no_hit_across_ep4ta)
{
    uint64_t ea = vmx_ep4ta(c, eptp_of(HIER_A, false)), eb = vmx_ep4ta(c, eptp_of(HIER_B, false));
    CHECK(ea != eb && eptc_index(ea, 0x5000) == eptc_index(eb, 0x5000), "the same slot");
    map(HIER_A, 0x5000, 0x40000, RWX);
    map(HIER_B, 0x5000, 0x50000, RWX);
    for (int k = 0; k < 3; k++) {
        use(HIER_A, false);
        CHECK(xl(0x5000, EPT_R) == 0x40000, "A, round %d", k);
        use(HIER_B, false);
        CHECK(xl(0x5000, EPT_R) == 0x50000, "B, round %d", k);
    }
    /* an EPTP switch needs no flush: mappings of A stay A's */
    map(HIER_A, 0x6000, 0x41000, RWX);
    map(HIER_B, 0x6000, 0x51000, RWX);
    use(HIER_A, false);
    CHECK(xl(0x6000, EPT_R) == 0x41000, "A 6000");
    use(HIER_B, false);
    CHECK(xl(0x5000, EPT_R) == 0x50000, "B 5000");
    map(HIER_A, 0x6000, 0x49000, RWX);
    use(HIER_A, false);
    CHECK(xl(0x6000, EPT_R) == 0x41000, "A 6000 still cached after running B");
}
END_TEST

START_TEST(violation_flushes)
{
    map(HIER_A, 0x6000, 0x41000, R);
    CHECK(xl(0x6000, EPT_R) == 0x41000, "read-only page");
    map(HIER_A, 0x6000, 0x42000, R);
    CHECK(xl(0x6000, EPT_R) == 0x41000, "cached");
    CHECK(xl(0x6000, EPT_W) == ~0ull && !fail.misconfig && fail.perms == R, "write: violation");
    CHECK(xl(0x6000, EPT_R) == 0x42000, "after the violation: the new mapping");
    /* a misconfiguration (memory type 2 is reserved, 28.2.3.1) */
    map(HIER_A, 0x6000, 0x43000, R);
    CHECK(xl(0x6000, EPT_R) == 0x42000, "cached again");
    wr(pte_addr(HIER_A, 0x6000), 0x43000 | R | 2 << 3);
    CHECK(xl(0x6000, EPT_W) == ~0ull && fail.misconfig, "write: misconfiguration");
    map(HIER_A, 0x6000, 0x44000, R);
    CHECK(xl(0x6000, EPT_R) == 0x44000, "after the misconfiguration: the new mapping");
    /* a violation elsewhere leaves this mapping alone */
    map(HIER_A, 0x6000, 0x45000, R);
    CHECK(xl(0x7000, EPT_R) == ~0ull, "violation at 7000");
    CHECK(xl(0x6000, EPT_R) == 0x44000, "6000 still cached");
}
END_TEST

START_TEST(ad_and_pml)
{
    struct vmx *x = c->vmx;
    x->proc2 = SEC_ENABLE_EPT | SEC_ENABLE_PML;
    x->f[VF_PML_ADDRESS] = PML;
    x->f[VF_PML_INDEX] = 511;
    map(HIER_A, 0x5000, 0x40000, RWX);
    map(HIER_A, 0x6000, 0x41000, RWX);
    /* made with A/D off (no flag touched), then used with A/D on: the walk must set them */
    use(HIER_A, false);
    CHECK(xl(0x5000, EPT_R) == 0x40000, "A/D off");
    CHECK(!(rd(HIER_A) & EA) && !(rd(pte_addr(HIER_A, 0x5000)) & EA), "no accessed flag");
    use(HIER_A, true);
    CHECK(xl(0x5000, EPT_R) == 0x40000, "A/D on");
    CHECK((rd(HIER_A) & EA) && (rd(HIER_A + 0x3000 - 0x1000) & EA) && (rd(pte_addr(HIER_A, 0x5000)) & EA),
          "accessed flags set by the walk");
    CHECK(!(rd(pte_addr(HIER_A, 0x5000)) & ED), "no dirty flag for a read");
    /* a write to a page cached by a read: the dirty flag and the log entry */
    uint64_t h = hits();
    CHECK(xl(0x5008, EPT_W) == 0x40008, "first write");
    CHECK(hits() == h, "first write: not a hit");
    CHECK(rd(pte_addr(HIER_A, 0x5000)) & ED, "dirty flag set");
    CHECK(x->f[VF_PML_INDEX] == 510 && rd(PML + 511 * 8) == 0x5000, "logged, index %llu",
          (unsigned long long)x->f[VF_PML_INDEX]);
    CHECK(xl(0x5010, EPT_W) == 0x40010 && hits() == h + 1, "second write hits");
    CHECK(x->f[VF_PML_INDEX] == 510, "and logs nothing");
    /* a full log: a mapping with every flag set still serves; one needing a flag is the
     * log-full event */
    CHECK(xl(0x6000, EPT_R) == 0x41000, "read of 6000");
    x->f[VF_PML_INDEX] = 0xffff;
    CHECK(xl(0x5000, EPT_W) == 0x40000, "log full, flags set: write succeeds");
    CHECK(xl(0x6000, EPT_R) == 0x41000, "log full, read of 6000 with A set succeeds");
    CHECK(xl(0x6000, EPT_W) == ~0ull && fail.pml_full, "log full, write needing D: log-full event");
    CHECK(!(rd(pte_addr(HIER_A, 0x6000)) & ED), "no dirty flag set");
    x->f[VF_PML_INDEX] = 100;
    CHECK(xl(0x6000, EPT_W) == 0x41000, "room again: write");
    CHECK(x->f[VF_PML_INDEX] == 99 && rd(PML + 100 * 8) == 0x6000, "logged at 100");
}
END_TEST

/* The guest's 4-level paging structures are guest-physical: CR3 = 0x100000, the PML4, PDPT and
 * PD at 0x100000-0x102000 mapped 1:1 by the EPT, the PT at guest-physical 0x103000, which the
 * EPT maps to host 0x203000 or 0x303000. Linear 0x7000 is PT entry 7: 0x5000 in the first copy,
 * 0x6000 in the second. */
START_TEST(paging_structure_reads)
{
    for (uint64_t g = 0x100000; g < 0x103000; g += 0x1000) map(HIER_A, g, g, RWX);
    map(HIER_A, 0x103000, 0x203000, RWX);
    map(HIER_A, 0x5000, 0x40000, RWX);
    map(HIER_A, 0x6000, 0x41000, RWX);
    const uint64_t PW = 3; /* guest entry: present, writable */
    wr(0x100000, 0x101000 | PW);
    wr(0x101000, 0x102000 | PW);
    wr(0x102000, 0x103000 | PW);
    wr(0x203000 + 7 * 8, 0x5000 | PW);
    wr(0x303000 + 7 * 8, 0x6000 | PW);
    c->cr0 = CR0_PE | CR0_PG;
    c->cr4 = CR4_PAE;
    c->efer = EFER_LME | EFER_LMA;
    c->cr3 = 0x100000;
    c->ctx |= CTX_VMX;
    CHECK(mmu_translate(c, 0x7123, 0) == 0x40123, "translated through the first PT copy");
    map(HIER_A, 0x103000, 0x303000, RWX); /* the PT page moves, no INVEPT */
    CHECK(mmu_translate(c, 0x7123, 0) == 0x40123, "the PT read uses the cached mapping");
    CHECK(vmx_invept(c, 1, eptp_of(HIER_A, false), 0) == 0, "INVEPT");
    CHECK(mmu_translate(c, 0x7123, 0) == 0x41123, "after INVEPT: the second PT copy");
    c->ctx &= ~CTX_VMX;
}
END_TEST

START_TEST(memmap_change_and_reset)
{
    map(HIER_A, 0x5000, 0x40000, RWX);
    CHECK(xl(0x5000, EPT_R) == 0x40000, "cached");
    map(HIER_A, 0x5000, 0x48000, RWX);
    CHECK(xl(0x5000, EPT_R) == 0x40000, "stale");
    cpu_memmap_changed(c);
    CHECK(xl(0x5000, EPT_R) == 0x48000, "after a memory-map change: new");
    map(HIER_A, 0x5000, 0x4c000, RWX);
    CHECK(xl(0x5000, EPT_R) == 0x48000, "stale");
    vmx_reset(c);
    c->vmx->proc2 = SEC_ENABLE_EPT;
    CHECK(xl(0x5000, EPT_R) == 0x4c000, "after RESET: new");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ept_cache");
    TCase *tc = tcase_create("ept_cache");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, hit_and_miss);
    tcase_add_test(tc, invept_single_and_all);
    tcase_add_test(tc, no_hit_across_ep4ta);
    tcase_add_test(tc, violation_flushes);
    tcase_add_test(tc, ad_and_pml);
    tcase_add_test(tc, paging_structure_reads);
    tcase_add_test(tc, memmap_change_and_reset);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    printf("ept_cache: %lu checks\n", n_checks);
    return failed ? 1 : 0;
}
