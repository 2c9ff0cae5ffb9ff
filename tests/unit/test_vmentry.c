/* Unit tests of the VM-entry checks (cpu/vmx/checks.c: vmx_check_controls, vmx_check_host,
 * vmx_check_guest; SDM Vol.3C 26.2 and 26.3.1).
 *
 * A known-good VMCS is built the way tests/guest/include/vmx.inc builds one: a 64-bit host and a
 * 64-bit guest sharing flat segments, controls = the must-be-1 bits of the TRUE capability MSRs
 * plus "host address-space size" and "IA-32e mode guest". The capabilities come from
 * vmx_caps_init on the corei7 model. It passes all three checks.
 *
 * Each case then starts from that VMCS (or from one of a few other known-good presets: a 32-bit
 * guest, a virtual-8086 guest, an unrestricted guest, a real-mode unrestricted guest, a 32-bit
 * host), breaks one field (or the fewest fields that reach the rule), and runs the checks in
 * VM-entry order, controls, host state, guest state, as vmx_enter does. It asserts which check
 * failed, its return value (VMXERR_ENTRY_BAD_CONTROLS = 7, VMXERR_ENTRY_BAD_HOST = 8,
 * EXIT_INVALID_GUEST_STATE = 33), the exit qualification (4 for the VMCS link pointer, else 0)
 * and that `why` is exactly the text of the intended rule, so a case that trips an earlier rule
 * fails. Rules that need a feature turtles does not advertise (entry to SMM) or that a case
 * wants regardless of caps.c (virtualize x2APIC mode, virtual-interrupt delivery) are reached by
 * adding the allowed-1 bit
 * to the capabilities for that case only; cases that use an advertised feature (virtual NMIs,
 * VPID, unrestricted guest, MTF, CR4.PCIDE) add it too, so they do not depend on what caps.c
 * advertises.
 * "pass" cases are the other side of a rule: the same field where the SDM allows it.
 *
 * test_rule_coverage reads checks.c (path from meson as argv[1]), extracts the text of every
 * CC(...) rule the way the preprocessor stringifies it, and fails if a rule has no failing case
 * (or a case names a rule that is not there). Two guest rules have the same text twice; cases
 * say which occurrence they hit (occ) and a pass case next to them shows the difference.
 */
#include "cpu/cpu_priv.h"
#include "cpu/cpumodel.h"
#include "cpu/vmx/vmx.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long n_checks;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        n_checks++;                                                                                \
        ck_assert_msg(cond, __VA_ARGS__);                                                          \
    } while (0)

static const char *checks_path; /* argv[1]: cpu/vmx/checks.c */
static struct vmx_caps caps0;

enum stage { PASS, CTL, HOST, GUEST };
static const char *const stage_name[] = {"pass", "controls", "host", "guest"};
static const char *const stage_fn[] = {"", "vmx_check_controls", "vmx_check_host", "vmx_check_guest"};

enum preset { P_GOOD64, P_PROT32, P_HOST32, P_V86, P_UG, P_UG_REAL };

/* One field operation: '=' set, '|' set bits, '&' clear bits. */
struct op {
    int f;
    char how;
    uint64_t v;
};
#define SET(F, V) {VF_##F, '=', (uint64_t)(V)}
#define OR(F, V) {VF_##F, '|', (uint64_t)(V)}
#define CLR(F, V) {VF_##F, '&', (uint64_t)(V)}

/* Capabilities changed for one case: extra allowed-1 control bits, primary controls no longer
 * allowed to be 1, extra CR4 bits allowed to be 1, IA32_VMX_MISC and IA32_VMX_EPT_VPID_CAP bits
 * cleared. */
struct capx {
    uint32_t pin1, proc1, proc2_1, entry1, proc1_clr;
    uint64_t cr4_1, misc_clr, ept_clr;
};

struct vcase {
    const char *what;
    enum stage stage;  /* the check that must fail, or PASS */
    const char *why;   /* exact rule text */
    int occ;           /* which occurrence of a rule text that appears twice in one function */
    enum preset pre;
    struct capx caps;
    struct op ops[8];
    uint64_t qual;
};
#define CASE(WHAT, STAGE, WHY, ...) {.what = (WHAT), .stage = (STAGE), .why = (WHY), __VA_ARGS__}
#define GOOD(WHAT, ...) {.what = (WHAT), .stage = PASS, .why = NULL, __VA_ARGS__}

/* VM-entry interruption information: valid, type, vector (SDM Vol.3C 24.8.3, table 24-13) */
#define EV(type, vec) (INTR_INFO_VALID | (uint32_t)(type) << 8 | (uint32_t)(vec))
#define NONCANON 0x0000800000000000ull
#define GOOD_PAT 0x0007040600070406ull
/* EPTP: write-back (2:0 = 6), 4-level walk (5:3 = 3), PML4 table at 0x20000 (SDM Vol.3C 24.6.11) */
#define GOOD_EPTP (0x20000ull | 3 << 3 | 6)

/* ---- the known-good VMCS ---- */

static void set_seg(uint64_t *f, unsigned s, uint64_t sel, uint64_t base, uint64_t lim, uint64_t ar)
{
    f[VF_GUEST_ES_SELECTOR + s] = sel;
    f[VF_GUEST_ES_BASE + s] = base;
    f[VF_GUEST_ES_LIMIT + s] = lim;
    f[VF_GUEST_ES_AR_BYTES + s] = ar;
}
enum { S_ES, S_CS, S_SS, S_DS, S_FS, S_GS, S_LDTR, S_TR };

/* 64-bit host, 64-bit guest, as vmx.inc's vmx_fresh_vmcs fills them */
static void good64(uint64_t *f, const struct vmx_caps *k)
{
    memset(f, 0, sizeof(uint64_t) * VF_COUNT);
    f[VF_PIN_BASED_VM_EXEC_CONTROL] = (uint32_t)k->true_pin;
    f[VF_CPU_BASED_VM_EXEC_CONTROL] = (uint32_t)k->true_proc;
    f[VF_VM_EXIT_CONTROLS] = (uint32_t)k->true_exit | EXIT_HOST_ADDR_SPACE_SIZE;
    f[VF_VM_ENTRY_CONTROLS] = (uint32_t)k->true_entry | ENTRY_IA32E_MODE;
    f[VF_VMCS_LINK_POINTER] = ~0ull;

    const uint64_t cr0 = CR0_PG | CR0_AM | CR0_WP | CR0_NE | CR0_ET | CR0_MP | CR0_PE;
    const uint64_t cr4 = CR4_VMXE | CR4_OSXMMEXCPT | CR4_OSFXSR | CR4_PGE | CR4_PAE;
    f[VF_HOST_CR0] = cr0;
    f[VF_HOST_CR3] = 0x1000;
    f[VF_HOST_CR4] = cr4;
    f[VF_HOST_CS_SELECTOR] = 0x08;
    f[VF_HOST_SS_SELECTOR] = f[VF_HOST_DS_SELECTOR] = f[VF_HOST_ES_SELECTOR] = 0x10;
    f[VF_HOST_FS_SELECTOR] = f[VF_HOST_GS_SELECTOR] = 0x10;
    f[VF_HOST_TR_SELECTOR] = 0x18;
    f[VF_HOST_GS_BASE] = 0xffff888000000000ull;
    f[VF_HOST_TR_BASE] = 0x5000;
    f[VF_HOST_GDTR_BASE] = 0x6000;
    f[VF_HOST_IDTR_BASE] = 0x7000;
    f[VF_HOST_RSP] = 0x8000;
    f[VF_HOST_RIP] = 0xffffffff81000000ull;

    f[VF_GUEST_CR0] = cr0;
    f[VF_GUEST_CR3] = 0x1000;
    f[VF_GUEST_CR4] = cr4;
    set_seg(f, S_CS, 0x08, 0, 0xffffffff, 0xa09b); /* 64-bit code, accessed, readable */
    for (unsigned s = S_ES; s <= S_GS; s++)
        if (s != S_CS) set_seg(f, s, 0x10, 0, 0xffffffff, 0xc093); /* data, accessed, writable */
    set_seg(f, S_LDTR, 0, 0, 0, AR_UNUSABLE);
    set_seg(f, S_TR, 0x18, 0x5000, 0x67, 0x8b);          /* busy 64-bit TSS */
    f[VF_GUEST_GDTR_BASE] = 0x6000;
    f[VF_GUEST_GDTR_LIMIT] = 0x3f;
    f[VF_GUEST_IDTR_BASE] = 0x7000;
    f[VF_GUEST_IDTR_LIMIT] = 0xfff;
    f[VF_GUEST_DR7] = 0x400;
    f[VF_GUEST_RFLAGS] = FL_FIXED1;
    f[VF_GUEST_RSP] = 0x9000;
    f[VF_GUEST_RIP] = 0x401000;
}

static void add_ug(uint64_t *f, struct vmx_caps *k)
{
    k->proc2 |= (uint64_t)(SEC_UNRESTRICTED_GUEST | SEC_ENABLE_EPT) << 32;
    f[VF_CPU_BASED_VM_EXEC_CONTROL] |= CPU_SECONDARY_CONTROLS;
    f[VF_SECONDARY_VM_EXEC_CONTROL] = SEC_UNRESTRICTED_GUEST | SEC_ENABLE_EPT;
    f[VF_EPT_POINTER] = GOOD_EPTP;
}

static void prot32(uint64_t *f)
{
    f[VF_VM_ENTRY_CONTROLS] &= ~(uint64_t)ENTRY_IA32E_MODE;
    f[VF_GUEST_CS_AR_BYTES] = 0xc09b; /* 32-bit code */
}

static void build(uint64_t *f, struct vmx_caps *k, const struct vcase *c)
{
    *k = caps0;
    good64(f, k);
    switch (c->pre) {
    case P_GOOD64: break;
    case P_PROT32: prot32(f); break;
    case P_HOST32: /* a 32-bit host entering a 32-bit guest */
        prot32(f);
        f[VF_VM_EXIT_CONTROLS] &= ~(uint64_t)EXIT_HOST_ADDR_SPACE_SIZE;
        f[VF_HOST_RIP] = 0x100000;
        break;
    case P_V86: /* virtual-8086 guest under 32-bit paging-enabled protected mode */
        prot32(f);
        f[VF_GUEST_RFLAGS] |= FL_VM;
        for (unsigned s = S_ES; s <= S_GS; s++) set_seg(f, s, 0x1000 + s, (0x1000ull + s) << 4, 0xffff, 0xf3);
        break;
    case P_UG: add_ug(f, k); break;
    case P_UG_REAL: /* unrestricted guest in real mode: CR0.PE = CR0.PG = 0 */
        add_ug(f, k);
        f[VF_VM_ENTRY_CONTROLS] &= ~(uint64_t)ENTRY_IA32E_MODE;
        f[VF_GUEST_CR0] = CR0_NE | CR0_ET;
        set_seg(f, S_CS, 0xf000, 0xf0000, 0xffff, 0x9b);
        for (unsigned s = S_ES; s <= S_GS; s++)
            if (s != S_CS) set_seg(f, s, 0, 0, 0xffff, 0x93);
        f[VF_GUEST_RIP] = 0xfff0;
        break;
    }
    k->pin |= (uint64_t)c->caps.pin1 << 32;
    k->true_pin |= (uint64_t)c->caps.pin1 << 32;
    k->proc |= (uint64_t)c->caps.proc1 << 32;
    k->true_proc |= (uint64_t)c->caps.proc1 << 32;
    k->proc &= ~((uint64_t)c->caps.proc1_clr << 32);
    k->true_proc &= ~((uint64_t)c->caps.proc1_clr << 32);
    k->proc2 |= (uint64_t)c->caps.proc2_1 << 32;
    k->entry |= (uint64_t)c->caps.entry1 << 32;
    k->true_entry |= (uint64_t)c->caps.entry1 << 32;
    k->cr4_fixed1 |= c->caps.cr4_1;
    k->misc &= ~c->caps.misc_clr;
    k->ept_vpid &= ~c->caps.ept_clr;
    for (unsigned n = 0; n < sizeof c->ops / sizeof c->ops[0] && c->ops[n].how; n++) {
        const struct op *o = &c->ops[n];
        switch (o->how) {
        case '=': f[o->f] = o->v; break;
        case '|': f[o->f] |= o->v; break;
        case '&': f[o->f] &= ~o->v; break;
        default: ck_abort_msg("bad op");
        }
    }
}

/* The checks in VM-entry order (SDM Vol.3C 26.2 then 26.3), stopping at the first failure. */
static enum stage run(const uint64_t *f, const struct vmx_caps *k, int *ret, const char **why, uint64_t *qual)
{
    *why = NULL;
    *qual = 0;
    if ((*ret = vmx_check_controls(f, k, why))) return CTL;
    if ((*ret = vmx_check_host(f, k, why))) return HOST;
    *qual = 0xdead; /* vmx_check_guest must write it */
    if ((*ret = vmx_check_guest(f, k, why, qual))) return GUEST;
    return PASS;
}

static const struct vcase cases[] = {
    /* ==== SDM Vol.3C 26.2.1.1 VM-execution control fields ==== */
    CASE("pin: must-be-1 bit 1 clear", CTL, "!ctl_ok(pin, k->true_pin)",
         .ops = {CLR(PIN_BASED_VM_EXEC_CONTROL, 1u << 1)}),
    CASE("pin: reserved bit 8", CTL, "!ctl_ok(pin, k->true_pin)", .ops = {OR(PIN_BASED_VM_EXEC_CONTROL, 1u << 8)}),
    CASE("primary: must-be-1 bit 1 clear", CTL, "!ctl_ok(proc, k->true_proc)",
         .ops = {CLR(CPU_BASED_VM_EXEC_CONTROL, 1u << 1)}),
    CASE("primary: activate tertiary controls, bit 17 (not implemented)", CTL, "!ctl_ok(proc, k->true_proc)",
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, 1u << 17)}),
    CASE("primary: reserved bit 0", CTL, "!ctl_ok(proc, k->true_proc)", .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, 1u << 0)}),
    GOOD("primary: CR3-load and CR3-store exiting (default1, optional by the TRUE MSR)",
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_CR3_LOAD_EXITING | CPU_CR3_STORE_EXITING)}),
    CASE("secondary: enable ENCLS exiting, bit 15 (not implemented)", CTL, "!ctl_ok(proc2, k->proc2)",
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS), SET(SECONDARY_VM_EXEC_CONTROL, 1u << 15)}),
    CASE("secondary: mode-based execute control for EPT, bit 22 (not implemented)", CTL, "!ctl_ok(proc2, k->proc2)",
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS), SET(SECONDARY_VM_EXEC_CONTROL, 1u << 22)}),
    GOOD("secondary: enable XSAVES/XRSTORS, bit 20",
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS), SET(SECONDARY_VM_EXEC_CONTROL, SEC_ENABLE_XSAVES)}),
    GOOD("secondary: ignored while the primary control is 0",
         .ops = {SET(SECONDARY_VM_EXEC_CONTROL, 0xffffffff)}),
    GOOD("secondary: RDTSCP and WBINVD exiting",
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS),
                 SET(SECONDARY_VM_EXEC_CONTROL, SEC_ENABLE_RDTSCP | SEC_WBINVD_EXITING)}),
    GOOD("secondary: RDRAND and RDSEED exiting (allowed by the corei7 capability MSR)",
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS),
                 SET(SECONDARY_VM_EXEC_CONTROL, SEC_RDRAND_EXITING | SEC_RDSEED_EXITING)}),
    CASE("CR3-target count 5", CTL, "f[VF_CR3_TARGET_COUNT] > 4", .ops = {SET(CR3_TARGET_COUNT, 5)}),
    GOOD("CR3-target count 4", .ops = {SET(CR3_TARGET_COUNT, 4)}),
    CASE("I/O bitmap A not page aligned", CTL, "(f[VF_IO_BITMAP_A] & 0xfff) || above_maxphys(f[VF_IO_BITMAP_A], mp)",
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_USE_IO_BITMAPS), SET(IO_BITMAP_A, 0x10800), SET(IO_BITMAP_B, 0x11000)}),
    CASE("I/O bitmap A beyond MAXPHYADDR", CTL, "(f[VF_IO_BITMAP_A] & 0xfff) || above_maxphys(f[VF_IO_BITMAP_A], mp)",
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_USE_IO_BITMAPS), SET(IO_BITMAP_A, 1ull << 40), SET(IO_BITMAP_B, 0x11000)}),
    CASE("I/O bitmap B not page aligned", CTL, "(f[VF_IO_BITMAP_B] & 0xfff) || above_maxphys(f[VF_IO_BITMAP_B], mp)",
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_USE_IO_BITMAPS), SET(IO_BITMAP_A, 0x10000), SET(IO_BITMAP_B, 0x11004)}),
    CASE("I/O bitmap B beyond MAXPHYADDR", CTL, "(f[VF_IO_BITMAP_B] & 0xfff) || above_maxphys(f[VF_IO_BITMAP_B], mp)",
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_USE_IO_BITMAPS), SET(IO_BITMAP_A, 0x10000), SET(IO_BITMAP_B, 1ull << 45)}),
    GOOD("I/O bitmaps at the top of physical memory",
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_USE_IO_BITMAPS), SET(IO_BITMAP_A, (1ull << 40) - 0x2000),
                 SET(IO_BITMAP_B, (1ull << 40) - 0x1000)}),
    GOOD("I/O bitmap addresses unchecked while the control is 0",
         .ops = {SET(IO_BITMAP_A, 0x123), SET(IO_BITMAP_B, ~0ull)}),
    CASE("MSR bitmap not page aligned", CTL, "(f[VF_MSR_BITMAP] & 0xfff) || above_maxphys(f[VF_MSR_BITMAP], mp)",
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_USE_MSR_BITMAPS), SET(MSR_BITMAP, 0x12001)}),
    CASE("MSR bitmap beyond MAXPHYADDR", CTL, "(f[VF_MSR_BITMAP] & 0xfff) || above_maxphys(f[VF_MSR_BITMAP], mp)",
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_USE_MSR_BITMAPS), SET(MSR_BITMAP, 0x10000012000ull)}),
    GOOD("MSR bitmap unchecked while the control is 0", .ops = {SET(MSR_BITMAP, 0x12001)}),
    CASE("virtual-APIC page not page aligned", CTL, "(va & 0xfff) || above_maxphys(va, mp)",
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_TPR_SHADOW), SET(VIRTUAL_APIC_PAGE_ADDR, 0x15080)}),
    CASE("virtual-APIC page beyond MAXPHYADDR", CTL, "(va & 0xfff) || above_maxphys(va, mp)",
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_TPR_SHADOW), SET(VIRTUAL_APIC_PAGE_ADDR, 0x10000015000ull)}),
    CASE("TPR threshold bit 4 without virtual-interrupt delivery", CTL, "f[VF_TPR_THRESHOLD] & ~0xfull",
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_TPR_SHADOW), SET(VIRTUAL_APIC_PAGE_ADDR, 0x15000),
                 SET(TPR_THRESHOLD, 0x10)}),
    GOOD("use TPR shadow, TPR threshold 15",
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_TPR_SHADOW), SET(VIRTUAL_APIC_PAGE_ADDR, 0x15000),
                 SET(TPR_THRESHOLD, 0xf)}),
    GOOD("virtual-APIC page and TPR threshold unchecked without TPR shadow",
         .ops = {SET(VIRTUAL_APIC_PAGE_ADDR, 0x15080), SET(TPR_THRESHOLD, ~0u)}),
    CASE("virtualize x2APIC mode without TPR shadow", CTL,
         "proc2 & (SEC_VIRT_X2APIC | SEC_APIC_REGISTER_VIRT | SEC_VIRT_INTR_DELIVERY)", .caps = {.proc2_1 = SEC_VIRT_X2APIC},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS), SET(SECONDARY_VM_EXEC_CONTROL, SEC_VIRT_X2APIC)}),
    CASE("virtual-interrupt delivery without TPR shadow", CTL,
         "proc2 & (SEC_VIRT_X2APIC | SEC_APIC_REGISTER_VIRT | SEC_VIRT_INTR_DELIVERY)",
         .caps = {.proc2_1 = SEC_VIRT_INTR_DELIVERY},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS), SET(SECONDARY_VM_EXEC_CONTROL, SEC_VIRT_INTR_DELIVERY)}),
    /* APIC virtualization (26.2.1.1; advertised, but the cases add the bits themselves) */
    CASE("virtualize APIC accesses: APIC-access address not page aligned", CTL,
         "(aa & 0xfff) || above_maxphys(aa, mp)", .caps = {.proc2_1 = SEC_VIRT_APIC_ACCESSES},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS),
                 SET(SECONDARY_VM_EXEC_CONTROL, SEC_VIRT_APIC_ACCESSES), SET(APIC_ACCESS_ADDR, 0xfee00080)}),
    CASE("virtualize APIC accesses: APIC-access address beyond MAXPHYADDR", CTL,
         "(aa & 0xfff) || above_maxphys(aa, mp)", .caps = {.proc2_1 = SEC_VIRT_APIC_ACCESSES},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS),
                 SET(SECONDARY_VM_EXEC_CONTROL, SEC_VIRT_APIC_ACCESSES), SET(APIC_ACCESS_ADDR, 1ull << 40)}),
    GOOD("virtualize APIC accesses without TPR shadow, APIC-access address at the top of memory",
         .caps = {.proc2_1 = SEC_VIRT_APIC_ACCESSES},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS),
                 SET(SECONDARY_VM_EXEC_CONTROL, SEC_VIRT_APIC_ACCESSES), SET(APIC_ACCESS_ADDR, (1ull << 40) - 0x1000)}),
    GOOD("APIC-access address unchecked while the control is 0",
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS), SET(APIC_ACCESS_ADDR, 0xfee00080)}),
    CASE("virtualize x2APIC mode with virtualize APIC accesses", CTL, "proc2 & SEC_VIRT_APIC_ACCESSES",
         .caps = {.proc2_1 = SEC_VIRT_X2APIC | SEC_VIRT_APIC_ACCESSES},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS | CPU_TPR_SHADOW),
                 SET(VIRTUAL_APIC_PAGE_ADDR, 0x15000),
                 SET(SECONDARY_VM_EXEC_CONTROL, SEC_VIRT_X2APIC | SEC_VIRT_APIC_ACCESSES), SET(APIC_ACCESS_ADDR, 0x16000)}),
    GOOD("virtualize x2APIC mode with TPR shadow", .caps = {.proc2_1 = SEC_VIRT_X2APIC},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS | CPU_TPR_SHADOW),
                 SET(VIRTUAL_APIC_PAGE_ADDR, 0x15000), SET(SECONDARY_VM_EXEC_CONTROL, SEC_VIRT_X2APIC)}),
    GOOD("virtualize x2APIC mode with APIC-register virtualization and virtual-interrupt delivery (KVM's x2APIC guests)",
         .caps = {.proc2_1 = SEC_VIRT_X2APIC | SEC_APIC_REGISTER_VIRT | SEC_VIRT_INTR_DELIVERY},
         .ops = {OR(PIN_BASED_VM_EXEC_CONTROL, PIN_EXT_INTR_EXITING),
                 OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS | CPU_TPR_SHADOW),
                 SET(VIRTUAL_APIC_PAGE_ADDR, 0x15000),
                 SET(SECONDARY_VM_EXEC_CONTROL, SEC_VIRT_X2APIC | SEC_APIC_REGISTER_VIRT | SEC_VIRT_INTR_DELIVERY)}),
    CASE("virtual-interrupt delivery without external-interrupt exiting", CTL, "!(pin & PIN_EXT_INTR_EXITING)",
         .caps = {.proc2_1 = SEC_VIRT_INTR_DELIVERY},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS | CPU_TPR_SHADOW),
                 SET(VIRTUAL_APIC_PAGE_ADDR, 0x15000), SET(SECONDARY_VM_EXEC_CONTROL, SEC_VIRT_INTR_DELIVERY)}),
    GOOD("virtual-interrupt delivery, APIC accesses and registers: TPR threshold bits 31:4 unchecked",
         .caps = {.proc2_1 = SEC_VIRT_INTR_DELIVERY | SEC_VIRT_APIC_ACCESSES | SEC_APIC_REGISTER_VIRT},
         .ops = {OR(PIN_BASED_VM_EXEC_CONTROL, PIN_EXT_INTR_EXITING),
                 OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS | CPU_TPR_SHADOW),
                 SET(VIRTUAL_APIC_PAGE_ADDR, 0x15000),
                 SET(SECONDARY_VM_EXEC_CONTROL, SEC_VIRT_INTR_DELIVERY | SEC_VIRT_APIC_ACCESSES | SEC_APIC_REGISTER_VIRT),
                 SET(APIC_ACCESS_ADDR, 0xfee00000), SET(TPR_THRESHOLD, 0xfff0)}),
    CASE("posted interrupts without virtual-interrupt delivery", CTL, "!(proc2 & SEC_VIRT_INTR_DELIVERY)",
         .caps = {.pin1 = PIN_POSTED_INTR},
         .ops = {OR(PIN_BASED_VM_EXEC_CONTROL, PIN_POSTED_INTR | PIN_EXT_INTR_EXITING),
                 OR(VM_EXIT_CONTROLS, EXIT_ACK_INTR_ON_EXIT), SET(POSTED_INTR_DESC_ADDR, 0x17000)}),
    CASE("posted interrupts without acknowledge interrupt on exit", CTL, "!(exit & EXIT_ACK_INTR_ON_EXIT)",
         .caps = {.pin1 = PIN_POSTED_INTR, .proc2_1 = SEC_VIRT_INTR_DELIVERY},
         .ops = {OR(PIN_BASED_VM_EXEC_CONTROL, PIN_POSTED_INTR | PIN_EXT_INTR_EXITING),
                 OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS | CPU_TPR_SHADOW),
                 SET(VIRTUAL_APIC_PAGE_ADDR, 0x15000), SET(SECONDARY_VM_EXEC_CONTROL, SEC_VIRT_INTR_DELIVERY),
                 SET(POSTED_INTR_DESC_ADDR, 0x17000)}),
    CASE("posted-interrupt notification vector 100H", CTL, "f[VF_POSTED_INTR_NV] & 0xff00",
         .caps = {.pin1 = PIN_POSTED_INTR, .proc2_1 = SEC_VIRT_INTR_DELIVERY},
         .ops = {OR(PIN_BASED_VM_EXEC_CONTROL, PIN_POSTED_INTR | PIN_EXT_INTR_EXITING),
                 OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS | CPU_TPR_SHADOW),
                 SET(VIRTUAL_APIC_PAGE_ADDR, 0x15000), SET(SECONDARY_VM_EXEC_CONTROL, SEC_VIRT_INTR_DELIVERY),
                 OR(VM_EXIT_CONTROLS, EXIT_ACK_INTR_ON_EXIT), SET(POSTED_INTR_NV, 0x100)}),
    CASE("posted-interrupt descriptor not 64-byte aligned", CTL, "(pd & 0x3f) || above_maxphys(pd, mp)",
         .caps = {.pin1 = PIN_POSTED_INTR, .proc2_1 = SEC_VIRT_INTR_DELIVERY},
         .ops = {OR(PIN_BASED_VM_EXEC_CONTROL, PIN_POSTED_INTR | PIN_EXT_INTR_EXITING),
                 OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS | CPU_TPR_SHADOW),
                 SET(VIRTUAL_APIC_PAGE_ADDR, 0x15000), SET(SECONDARY_VM_EXEC_CONTROL, SEC_VIRT_INTR_DELIVERY),
                 OR(VM_EXIT_CONTROLS, EXIT_ACK_INTR_ON_EXIT), SET(POSTED_INTR_DESC_ADDR, 0x17020)}),
    CASE("posted-interrupt descriptor beyond MAXPHYADDR", CTL, "(pd & 0x3f) || above_maxphys(pd, mp)",
         .caps = {.pin1 = PIN_POSTED_INTR, .proc2_1 = SEC_VIRT_INTR_DELIVERY},
         .ops = {OR(PIN_BASED_VM_EXEC_CONTROL, PIN_POSTED_INTR | PIN_EXT_INTR_EXITING),
                 OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS | CPU_TPR_SHADOW),
                 SET(VIRTUAL_APIC_PAGE_ADDR, 0x15000), SET(SECONDARY_VM_EXEC_CONTROL, SEC_VIRT_INTR_DELIVERY),
                 OR(VM_EXIT_CONTROLS, EXIT_ACK_INTR_ON_EXIT), SET(POSTED_INTR_DESC_ADDR, 1ull << 40)}),
    GOOD("posted interrupts: vector FFH, descriptor 64-byte aligned",
         .caps = {.pin1 = PIN_POSTED_INTR, .proc2_1 = SEC_VIRT_INTR_DELIVERY},
         .ops = {OR(PIN_BASED_VM_EXEC_CONTROL, PIN_POSTED_INTR | PIN_EXT_INTR_EXITING),
                 OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS | CPU_TPR_SHADOW),
                 SET(VIRTUAL_APIC_PAGE_ADDR, 0x15000), SET(SECONDARY_VM_EXEC_CONTROL, SEC_VIRT_INTR_DELIVERY),
                 OR(VM_EXIT_CONTROLS, EXIT_ACK_INTR_ON_EXIT), SET(POSTED_INTR_DESC_ADDR, 0x17040),
                 SET(POSTED_INTR_NV, 0xff)}),
    CASE("virtual NMIs without NMI exiting", CTL, "pin & PIN_VIRTUAL_NMIS", .caps = {.pin1 = PIN_VIRTUAL_NMIS},
         .ops = {OR(PIN_BASED_VM_EXEC_CONTROL, PIN_VIRTUAL_NMIS)}),
    CASE("NMI-window exiting without virtual NMIs", CTL, "proc & CPU_NMI_WINDOW_EXITING",
         .caps = {.proc1 = CPU_NMI_WINDOW_EXITING}, .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_NMI_WINDOW_EXITING)}),
    GOOD("NMI-window exiting with virtual NMIs and NMI exiting",
         .caps = {.pin1 = PIN_VIRTUAL_NMIS, .proc1 = CPU_NMI_WINDOW_EXITING},
         .ops = {OR(PIN_BASED_VM_EXEC_CONTROL, PIN_NMI_EXITING | PIN_VIRTUAL_NMIS),
                 OR(CPU_BASED_VM_EXEC_CONTROL, CPU_NMI_WINDOW_EXITING)}),
    CASE("enable VPID with VPID 0", CTL, "f[VF_VIRTUAL_PROCESSOR_ID] == 0", .caps = {.proc2_1 = SEC_ENABLE_VPID},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS), SET(SECONDARY_VM_EXEC_CONTROL, SEC_ENABLE_VPID)}),
    GOOD("enable VPID with VPID 1", .caps = {.proc2_1 = SEC_ENABLE_VPID},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS), SET(SECONDARY_VM_EXEC_CONTROL, SEC_ENABLE_VPID),
                 SET(VIRTUAL_PROCESSOR_ID, 1)}),
    CASE("unrestricted guest without EPT", CTL, "!(proc2 & SEC_ENABLE_EPT)", .occ = 1,
         .caps = {.proc2_1 = SEC_UNRESTRICTED_GUEST},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS),
                 SET(SECONDARY_VM_EXEC_CONTROL, SEC_UNRESTRICTED_GUEST)}),
    CASE("VMCS shadowing: VMREAD bitmap not page aligned", CTL,
         "(f[VF_VMREAD_BITMAP] & 0xfff) || above_maxphys(f[VF_VMREAD_BITMAP], mp)",
         .caps = {.proc2_1 = SEC_VMCS_SHADOWING},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS), SET(SECONDARY_VM_EXEC_CONTROL, SEC_VMCS_SHADOWING),
                 SET(VMREAD_BITMAP, 0x16800), SET(VMWRITE_BITMAP, 0x17000)}),
    CASE("VMCS shadowing: VMREAD bitmap beyond MAXPHYADDR", CTL,
         "(f[VF_VMREAD_BITMAP] & 0xfff) || above_maxphys(f[VF_VMREAD_BITMAP], mp)",
         .caps = {.proc2_1 = SEC_VMCS_SHADOWING},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS), SET(SECONDARY_VM_EXEC_CONTROL, SEC_VMCS_SHADOWING),
                 SET(VMREAD_BITMAP, 1ull << 44), SET(VMWRITE_BITMAP, 0x17000)}),
    CASE("VMCS shadowing: VMWRITE bitmap not page aligned", CTL,
         "(f[VF_VMWRITE_BITMAP] & 0xfff) || above_maxphys(f[VF_VMWRITE_BITMAP], mp)",
         .caps = {.proc2_1 = SEC_VMCS_SHADOWING},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS), SET(SECONDARY_VM_EXEC_CONTROL, SEC_VMCS_SHADOWING),
                 SET(VMREAD_BITMAP, 0x16000), SET(VMWRITE_BITMAP, 0x17004)}),
    GOOD("VMCS shadowing with both bitmaps", .caps = {.proc2_1 = SEC_VMCS_SHADOWING},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS), SET(SECONDARY_VM_EXEC_CONTROL, SEC_VMCS_SHADOWING),
                 SET(VMREAD_BITMAP, 0x16000), SET(VMWRITE_BITMAP, 0x17000)}),
    CASE("VM functions: function 1 (not implemented)", CTL, "vmf & ~k->vmfunc", .caps = {.proc2_1 = SEC_ENABLE_VMFUNC},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS), SET(SECONDARY_VM_EXEC_CONTROL, SEC_ENABLE_VMFUNC),
                 SET(VM_FUNCTION_CONTROLS, 2)}),
    CASE("VM functions: EPTP switching without EPT", CTL, "!(proc2 & SEC_ENABLE_EPT)", .occ = 2,
         .caps = {.proc2_1 = SEC_ENABLE_VMFUNC},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS), SET(SECONDARY_VM_EXEC_CONTROL, SEC_ENABLE_VMFUNC),
                 SET(VM_FUNCTION_CONTROLS, 1), SET(EPTP_LIST_ADDRESS, 0x18000)}),
    CASE("VM functions: EPTP list not page aligned", CTL, "(list & 0xfff) || above_maxphys(list, mp)",
         .caps = {.proc2_1 = SEC_ENABLE_VMFUNC | SEC_ENABLE_EPT},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS),
                 SET(SECONDARY_VM_EXEC_CONTROL, SEC_ENABLE_VMFUNC | SEC_ENABLE_EPT), SET(EPT_POINTER, GOOD_EPTP),
                 SET(VM_FUNCTION_CONTROLS, 1), SET(EPTP_LIST_ADDRESS, 0x18008)}),
    CASE("VM functions: EPTP list beyond MAXPHYADDR", CTL, "(list & 0xfff) || above_maxphys(list, mp)",
         .caps = {.proc2_1 = SEC_ENABLE_VMFUNC | SEC_ENABLE_EPT},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS),
                 SET(SECONDARY_VM_EXEC_CONTROL, SEC_ENABLE_VMFUNC | SEC_ENABLE_EPT), SET(EPT_POINTER, GOOD_EPTP),
                 SET(VM_FUNCTION_CONTROLS, 1), SET(EPTP_LIST_ADDRESS, 1ull << 40)}),
    GOOD("VM functions: EPTP switching", .caps = {.proc2_1 = SEC_ENABLE_VMFUNC | SEC_ENABLE_EPT},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS),
                 SET(SECONDARY_VM_EXEC_CONTROL, SEC_ENABLE_VMFUNC | SEC_ENABLE_EPT), SET(EPT_POINTER, GOOD_EPTP),
                 SET(VM_FUNCTION_CONTROLS, 1), SET(EPTP_LIST_ADDRESS, 0x18000)}),
    GOOD("VM functions enabled, none selected: EPTP list unchecked", .caps = {.proc2_1 = SEC_ENABLE_VMFUNC},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS), SET(SECONDARY_VM_EXEC_CONTROL, SEC_ENABLE_VMFUNC),
                 SET(EPTP_LIST_ADDRESS, 0x18008)}),
    /* EPTP (SDM Vol.3C 26.2.1.1, 24.6.11; capabilities in IA32_VMX_EPT_VPID_CAP, A.10) */
    CASE("EPTP 0: memory type UC, walk length 1", CTL, "!ept_eptp_valid(f[VF_EPT_POINTER], k->maxphys, (k->ept_vpid >> 21) & 1)",
         .caps = {.proc2_1 = SEC_ENABLE_EPT},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS), SET(SECONDARY_VM_EXEC_CONTROL, SEC_ENABLE_EPT),
                 SET(EPT_POINTER, 0)}),
    CASE("EPTP memory type 1 (WC)", CTL, "!ept_eptp_valid(f[VF_EPT_POINTER], k->maxphys, (k->ept_vpid >> 21) & 1)",
         .caps = {.proc2_1 = SEC_ENABLE_EPT},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS), SET(SECONDARY_VM_EXEC_CONTROL, SEC_ENABLE_EPT),
                 SET(EPT_POINTER, (GOOD_EPTP & ~7ull) | 1)}),
    CASE("EPTP 5-level walk", CTL, "!ept_eptp_valid(f[VF_EPT_POINTER], k->maxphys, (k->ept_vpid >> 21) & 1)",
         .caps = {.proc2_1 = SEC_ENABLE_EPT},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS), SET(SECONDARY_VM_EXEC_CONTROL, SEC_ENABLE_EPT),
                 SET(EPT_POINTER, (GOOD_EPTP & ~0x38ull) | 4 << 3)}),
    CASE("EPTP reserved bit 7", CTL, "!ept_eptp_valid(f[VF_EPT_POINTER], k->maxphys, (k->ept_vpid >> 21) & 1)",
         .caps = {.proc2_1 = SEC_ENABLE_EPT},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS), SET(SECONDARY_VM_EXEC_CONTROL, SEC_ENABLE_EPT),
                 SET(EPT_POINTER, GOOD_EPTP | 1u << 7)}),
    CASE("EPTP beyond MAXPHYADDR", CTL, "!ept_eptp_valid(f[VF_EPT_POINTER], k->maxphys, (k->ept_vpid >> 21) & 1)",
         .caps = {.proc2_1 = SEC_ENABLE_EPT},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS), SET(SECONDARY_VM_EXEC_CONTROL, SEC_ENABLE_EPT),
                 SET(EPT_POINTER, GOOD_EPTP | 1ull << 40)}),
    CASE("EPTP accessed and dirty flags without support", CTL,
         "!ept_eptp_valid(f[VF_EPT_POINTER], k->maxphys, (k->ept_vpid >> 21) & 1)",
         .caps = {.proc2_1 = SEC_ENABLE_EPT, .ept_clr = 1ull << 21},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS), SET(SECONDARY_VM_EXEC_CONTROL, SEC_ENABLE_EPT),
                 SET(EPT_POINTER, GOOD_EPTP | 1u << 6)}),
    GOOD("EPT, WB, 4-level walk, accessed and dirty flags", .caps = {.proc2_1 = SEC_ENABLE_EPT},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS), SET(SECONDARY_VM_EXEC_CONTROL, SEC_ENABLE_EPT),
                 SET(EPT_POINTER, GOOD_EPTP | 1u << 6)}),
    GOOD("EPT, UC", .caps = {.proc2_1 = SEC_ENABLE_EPT},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS), SET(SECONDARY_VM_EXEC_CONTROL, SEC_ENABLE_EPT),
                 SET(EPT_POINTER, GOOD_EPTP & ~7ull)}),
    /* enable PML (SDM Vol.3C 26.2.1.1): EPT on, PML address 4-KByte aligned within MAXPHYADDR;
     * the PML index is not checked */
    CASE("PML without EPT", CTL, "!(proc2 & SEC_ENABLE_EPT)", .occ = 3, .caps = {.proc2_1 = SEC_ENABLE_PML},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS), SET(SECONDARY_VM_EXEC_CONTROL, SEC_ENABLE_PML),
                 SET(PML_ADDRESS, 0x19000)}),
    CASE("PML address not 4-KByte aligned", CTL,
         "(f[VF_PML_ADDRESS] & 0xfff) || above_maxphys(f[VF_PML_ADDRESS], mp)",
         .caps = {.proc2_1 = SEC_ENABLE_PML | SEC_ENABLE_EPT},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS),
                 SET(SECONDARY_VM_EXEC_CONTROL, SEC_ENABLE_PML | SEC_ENABLE_EPT), SET(EPT_POINTER, GOOD_EPTP | 1u << 6),
                 SET(PML_ADDRESS, 0x19008)}),
    CASE("PML address beyond MAXPHYADDR", CTL,
         "(f[VF_PML_ADDRESS] & 0xfff) || above_maxphys(f[VF_PML_ADDRESS], mp)",
         .caps = {.proc2_1 = SEC_ENABLE_PML | SEC_ENABLE_EPT},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS),
                 SET(SECONDARY_VM_EXEC_CONTROL, SEC_ENABLE_PML | SEC_ENABLE_EPT), SET(EPT_POINTER, GOOD_EPTP | 1u << 6),
                 SET(PML_ADDRESS, 1ull << 40)}),
    GOOD("PML with EPT A/D, log in the last page below MAXPHYADDR, index FFFFH",
         .caps = {.proc2_1 = SEC_ENABLE_PML | SEC_ENABLE_EPT},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS),
                 SET(SECONDARY_VM_EXEC_CONTROL, SEC_ENABLE_PML | SEC_ENABLE_EPT), SET(EPT_POINTER, GOOD_EPTP | 1u << 6),
                 SET(PML_ADDRESS, (1ull << 40) - 0x1000), SET(PML_INDEX, 0xffff)}),
    GOOD("PML with EPT without A/D flags (nothing is ever logged)",
         .caps = {.proc2_1 = SEC_ENABLE_PML | SEC_ENABLE_EPT},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS),
                 SET(SECONDARY_VM_EXEC_CONTROL, SEC_ENABLE_PML | SEC_ENABLE_EPT), SET(EPT_POINTER, GOOD_EPTP),
                 SET(PML_ADDRESS, 0x19000)}),
    GOOD("PML off: the PML address is not checked", .caps = {.proc2_1 = SEC_ENABLE_EPT},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS), SET(SECONDARY_VM_EXEC_CONTROL, SEC_ENABLE_EPT),
                 SET(EPT_POINTER, GOOD_EPTP), SET(PML_ADDRESS, 0x19008)}),

    /* ==== SDM Vol.3C 26.2.1.2 VM-exit control fields ==== */
    CASE("exit: must-be-1 bit 0 clear", CTL, "!ctl_ok(exit, k->true_exit)", .ops = {CLR(VM_EXIT_CONTROLS, 1u << 0)}),
    CASE("exit: load IA32_PERF_GLOBAL_CTRL not allowed-1", CTL, "!ctl_ok(exit, k->true_exit)",
         .ops = {OR(VM_EXIT_CONTROLS, 1u << 12)}),
    GOOD("exit: save debug controls (default1, optional by the TRUE MSR)",
         .ops = {OR(VM_EXIT_CONTROLS, EXIT_SAVE_DEBUG_CONTROLS)}),
    CASE("save preemption timer without the timer", CTL, "exit & EXIT_SAVE_PREEMPTION_TIMER",
         .ops = {OR(VM_EXIT_CONTROLS, EXIT_SAVE_PREEMPTION_TIMER)}),
    GOOD("save preemption timer with the timer",
         .ops = {OR(VM_EXIT_CONTROLS, EXIT_SAVE_PREEMPTION_TIMER), OR(PIN_BASED_VM_EXEC_CONTROL, PIN_PREEMPTION_TIMER)}),
    CASE("exit MSR-store area not 16-byte aligned", CTL,
         "msr_area_bad(f[VF_VM_EXIT_MSR_STORE_ADDR], f[VF_VM_EXIT_MSR_STORE_COUNT], mp)",
         .ops = {SET(VM_EXIT_MSR_STORE_COUNT, 1), SET(VM_EXIT_MSR_STORE_ADDR, 0x13008)}),
    CASE("exit MSR-store area ends beyond MAXPHYADDR", CTL,
         "msr_area_bad(f[VF_VM_EXIT_MSR_STORE_ADDR], f[VF_VM_EXIT_MSR_STORE_COUNT], mp)",
         .ops = {SET(VM_EXIT_MSR_STORE_COUNT, 2), SET(VM_EXIT_MSR_STORE_ADDR, (1ull << 40) - 16)}),
    CASE("exit MSR-store address beyond MAXPHYADDR, last byte wraps to 0xf", CTL,
         "msr_area_bad(f[VF_VM_EXIT_MSR_STORE_ADDR], f[VF_VM_EXIT_MSR_STORE_COUNT], mp)",
         .ops = {SET(VM_EXIT_MSR_STORE_COUNT, 2), SET(VM_EXIT_MSR_STORE_ADDR, 0xfffffffffffffff0ull)}),
    GOOD("exit MSR-store area ends at the last byte of physical memory",
         .ops = {SET(VM_EXIT_MSR_STORE_COUNT, 2), SET(VM_EXIT_MSR_STORE_ADDR, (1ull << 40) - 32)}),
    GOOD("exit MSR-store address unchecked with count 0", .ops = {SET(VM_EXIT_MSR_STORE_ADDR, 0x13008)}),
    CASE("exit MSR-load area not 16-byte aligned", CTL,
         "msr_area_bad(f[VF_VM_EXIT_MSR_LOAD_ADDR], f[VF_VM_EXIT_MSR_LOAD_COUNT], mp)",
         .ops = {SET(VM_EXIT_MSR_LOAD_COUNT, 3), SET(VM_EXIT_MSR_LOAD_ADDR, 0x13001)}),
    CASE("exit MSR-load area ends beyond MAXPHYADDR", CTL,
         "msr_area_bad(f[VF_VM_EXIT_MSR_LOAD_ADDR], f[VF_VM_EXIT_MSR_LOAD_COUNT], mp)",
         .ops = {SET(VM_EXIT_MSR_LOAD_COUNT, 512), SET(VM_EXIT_MSR_LOAD_ADDR, (1ull << 40) - 0x1000)}),
    CASE("exit MSR-load address beyond MAXPHYADDR, last byte wraps to 0xf", CTL,
         "msr_area_bad(f[VF_VM_EXIT_MSR_LOAD_ADDR], f[VF_VM_EXIT_MSR_LOAD_COUNT], mp)",
         .ops = {SET(VM_EXIT_MSR_LOAD_COUNT, 2), SET(VM_EXIT_MSR_LOAD_ADDR, 0xfffffffffffffff0ull)}),

    /* ==== SDM Vol.3C 26.2.1.3 VM-entry control fields ==== */
    CASE("entry: must-be-1 bit 0 clear", CTL, "!ctl_ok(entry, k->true_entry)", .ops = {CLR(VM_ENTRY_CONTROLS, 1u << 0)}),
    CASE("entry: entry to SMM not allowed-1", CTL, "!ctl_ok(entry, k->true_entry)",
         .ops = {OR(VM_ENTRY_CONTROLS, ENTRY_SMM)}),
    CASE("inject: interruption type 1 (reserved)", CTL,
         "type == 1 || (type == INTR_TYPE_OTHER && !((k->true_proc >> 32) & CPU_MONITOR_TRAP_FLAG))",
         .ops = {SET(VM_ENTRY_INTR_INFO, EV(1, 0x20))}),
    CASE("inject: type 7 (other event) without MTF support", CTL,
         "type == 1 || (type == INTR_TYPE_OTHER && !((k->true_proc >> 32) & CPU_MONITOR_TRAP_FLAG))",
         .caps = {.proc1_clr = CPU_MONITOR_TRAP_FLAG}, .ops = {SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_OTHER, 0))}),
    GOOD("inject: pending MTF (type 7, vector 0) with MTF support", .caps = {.proc1 = CPU_MONITOR_TRAP_FLAG},
         .ops = {SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_OTHER, 0))}),
    CASE("inject: NMI with vector 3", CTL, "type == INTR_TYPE_NMI && vec != 2",
         .ops = {SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_NMI, 3))}),
    GOOD("inject: NMI", .ops = {SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_NMI, 2))}),
    CASE("inject: hardware exception vector 32", CTL, "type == INTR_TYPE_HW_EXC && vec > 31",
         .ops = {SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_HW_EXC, 32))}),
    CASE("inject: other event with vector 1", CTL, "type == INTR_TYPE_OTHER && vec != 0",
         .caps = {.proc1 = CPU_MONITOR_TRAP_FLAG}, .ops = {SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_OTHER, 1))}),
    CASE("inject: #GP without error code", CTL, "((info & INTR_INFO_ERR_VALID) != 0) != want_err",
         .ops = {SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_HW_EXC, 13))}),
    CASE("inject: #UD with error code", CTL, "((info & INTR_INFO_ERR_VALID) != 0) != want_err",
         .ops = {SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_HW_EXC, 6) | INTR_INFO_ERR_VALID)}),
    CASE("inject: external interrupt with error code", CTL, "((info & INTR_INFO_ERR_VALID) != 0) != want_err",
         .ops = {SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_EXT, 0x20) | INTR_INFO_ERR_VALID), OR(GUEST_RFLAGS, FL_IF)}),
    CASE("inject: #GP with error code into real mode (unrestricted guest)", CTL,
         "((info & INTR_INFO_ERR_VALID) != 0) != want_err", .pre = P_UG_REAL,
         .ops = {SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_HW_EXC, 13) | INTR_INFO_ERR_VALID)}),
    GOOD("inject: #PF with error code", .ops = {SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_HW_EXC, 14) | INTR_INFO_ERR_VALID),
                                                SET(VM_ENTRY_EXCEPTION_ERROR_CODE, 0xffff)}),
    GOOD("inject: #GP without error code into real mode (unrestricted guest)", .pre = P_UG_REAL,
         .ops = {SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_HW_EXC, 13))}),
    CASE("inject: reserved bit 12", CTL, "info & 0x7ffff000u",
         .ops = {SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_HW_EXC, 13) | INTR_INFO_ERR_VALID | 1u << 12)}),
    CASE("inject: reserved bit 30", CTL, "info & 0x7ffff000u",
         .ops = {SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_NMI, 2) | 1u << 30)}),
    CASE("inject: error code bits 31:16 set", CTL, "f[VF_VM_ENTRY_EXCEPTION_ERROR_CODE] & 0xffff0000u",
         .ops = {SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_HW_EXC, 13) | INTR_INFO_ERR_VALID),
                 SET(VM_ENTRY_EXCEPTION_ERROR_CODE, 0x10000)}),
    GOOD("inject: error code bits 31:16 unchecked without an error code",
         .ops = {SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_HW_EXC, 6)), SET(VM_ENTRY_EXCEPTION_ERROR_CODE, 0xffff0000u)}),
    CASE("inject: INT n with instruction length 16", CTL, "len > 15 || (len == 0 && !zero_ok)",
         .ops = {SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_SW_INT, 0x80)), SET(VM_ENTRY_INSTRUCTION_LEN, 16)}),
    CASE("inject: INT3 with length 0 when IA32_VMX_MISC[30] = 0", CTL, "len > 15 || (len == 0 && !zero_ok)",
         .caps = {.misc_clr = 1ull << 30}, .ops = {SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_SW_EXC, 3))}),
    CASE("inject: ICEBP with length 16", CTL, "len > 15 || (len == 0 && !zero_ok)",
         .ops = {SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_PRIV_SW_EXC, 1)), SET(VM_ENTRY_INSTRUCTION_LEN, 16)}),
    GOOD("inject: INT n with length 0 (IA32_VMX_MISC[30] = 1)", .ops = {SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_SW_INT, 0x80))}),
    GOOD("inject: INT n with length 15",
         .ops = {SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_SW_INT, 0x80)), SET(VM_ENTRY_INSTRUCTION_LEN, 15)}),
    GOOD("no injection: the other injection fields are not checked",
         .ops = {SET(VM_ENTRY_INTR_INFO, 0x7fffffff), SET(VM_ENTRY_INSTRUCTION_LEN, 99),
                 SET(VM_ENTRY_EXCEPTION_ERROR_CODE, ~0u)}),
    CASE("entry MSR-load area not 16-byte aligned", CTL,
         "msr_area_bad(f[VF_VM_ENTRY_MSR_LOAD_ADDR], f[VF_VM_ENTRY_MSR_LOAD_COUNT], mp)",
         .ops = {SET(VM_ENTRY_MSR_LOAD_COUNT, 1), SET(VM_ENTRY_MSR_LOAD_ADDR, 0x14004)}),
    CASE("entry MSR-load area ends beyond MAXPHYADDR", CTL,
         "msr_area_bad(f[VF_VM_ENTRY_MSR_LOAD_ADDR], f[VF_VM_ENTRY_MSR_LOAD_COUNT], mp)",
         .ops = {SET(VM_ENTRY_MSR_LOAD_COUNT, 1), SET(VM_ENTRY_MSR_LOAD_ADDR, 1ull << 40)}),
    CASE("entry MSR-load address beyond MAXPHYADDR, last byte wraps to 0xf", CTL,
         "msr_area_bad(f[VF_VM_ENTRY_MSR_LOAD_ADDR], f[VF_VM_ENTRY_MSR_LOAD_COUNT], mp)",
         .ops = {SET(VM_ENTRY_MSR_LOAD_COUNT, 2), SET(VM_ENTRY_MSR_LOAD_ADDR, 0xfffffffffffffff0ull)}),
    CASE("entry to SMM outside SMM", CTL, "entry & (ENTRY_SMM | ENTRY_DEACT_DUAL_MONITOR)",
         .caps = {.entry1 = ENTRY_SMM}, .ops = {OR(VM_ENTRY_CONTROLS, ENTRY_SMM)}),
    CASE("deactivate dual-monitor treatment outside SMM", CTL, "entry & (ENTRY_SMM | ENTRY_DEACT_DUAL_MONITOR)",
         .caps = {.entry1 = ENTRY_DEACT_DUAL_MONITOR}, .ops = {OR(VM_ENTRY_CONTROLS, ENTRY_DEACT_DUAL_MONITOR)}),

    /* ==== SDM Vol.3C 26.2.2 host control registers and MSRs ==== */
    CASE("host CR0.NE = 0", HOST, "(cr0 & k->cr0_fixed0) != k->cr0_fixed0 || (cr0 & ~k->cr0_fixed1)",
         .ops = {CLR(HOST_CR0, CR0_NE)}),
    CASE("host CR0.PE = 0", HOST, "(cr0 & k->cr0_fixed0) != k->cr0_fixed0 || (cr0 & ~k->cr0_fixed1)",
         .ops = {CLR(HOST_CR0, CR0_PE)}),
    CASE("host CR0 reserved bit 6", HOST, "(cr0 & k->cr0_fixed0) != k->cr0_fixed0 || (cr0 & ~k->cr0_fixed1)",
         .ops = {OR(HOST_CR0, 1u << 6)}),
    CASE("host CR4.VMXE = 0", HOST, "(cr4 & k->cr4_fixed0) != k->cr4_fixed0 || (cr4 & ~k->cr4_fixed1)",
         .ops = {CLR(HOST_CR4, CR4_VMXE)}),
    CASE("host CR4.LA57, bit 12 (not implemented)", HOST, "(cr4 & k->cr4_fixed0) != k->cr4_fixed0 || (cr4 & ~k->cr4_fixed1)",
         .ops = {OR(HOST_CR4, 1ull << 12)}),
    GOOD("host CR4.UMIP (implemented: IA32_VMX_CR4_FIXED1 allows it)", .ops = {OR(HOST_CR4, CR4_UMIP)}),
    CASE("host CR3 beyond MAXPHYADDR", HOST, "above_maxphys(f[VF_HOST_CR3], k->maxphys)",
         .ops = {SET(HOST_CR3, 1ull << 40)}),
    GOOD("host CR3 just below MAXPHYADDR", .ops = {SET(HOST_CR3, (1ull << 40) - 0x1000)}),
    CASE("host SYSENTER_ESP not canonical", HOST,
         "!canonical(f[VF_HOST_IA32_SYSENTER_ESP]) || !canonical(f[VF_HOST_IA32_SYSENTER_EIP])",
         .ops = {SET(HOST_IA32_SYSENTER_ESP, NONCANON)}),
    CASE("host SYSENTER_EIP not canonical", HOST,
         "!canonical(f[VF_HOST_IA32_SYSENTER_ESP]) || !canonical(f[VF_HOST_IA32_SYSENTER_EIP])",
         .ops = {SET(HOST_IA32_SYSENTER_EIP, 0xffff7fffffffffffull)}),
    CASE("host PAT entry 0 = 2 (reserved type)", HOST, "!pat_ok(f[VF_HOST_IA32_PAT])",
         .ops = {OR(VM_EXIT_CONTROLS, EXIT_LOAD_PAT), SET(HOST_IA32_PAT, 0x0007040600070402ull)}),
    CASE("host PAT entry 7 = 8", HOST, "!pat_ok(f[VF_HOST_IA32_PAT])",
         .ops = {OR(VM_EXIT_CONTROLS, EXIT_LOAD_PAT), SET(HOST_IA32_PAT, 0x0807040600070406ull)}),
    GOOD("host PAT valid", .ops = {OR(VM_EXIT_CONTROLS, EXIT_LOAD_PAT), SET(HOST_IA32_PAT, GOOD_PAT)}),
    GOOD("host PAT unchecked without load IA32_PAT", .ops = {SET(HOST_IA32_PAT, ~0ull)}),
    CASE("host EFER reserved bit 1", HOST, "efer & EFER_RESERVED",
         .ops = {OR(VM_EXIT_CONTROLS, EXIT_LOAD_EFER), SET(HOST_IA32_EFER, EFER_LMA | EFER_LME | 2)}),
    CASE("host EFER.SVME (not on this CPU)", HOST, "efer & EFER_RESERVED",
         .ops = {OR(VM_EXIT_CONTROLS, EXIT_LOAD_EFER), SET(HOST_IA32_EFER, EFER_LMA | EFER_LME | EFER_SVME)}),
    CASE("host EFER.LMA = 0 with a 64-bit host", HOST,
         "((efer & EFER_LMA) != 0) != host64 || ((efer & EFER_LME) != 0) != host64",
         .ops = {OR(VM_EXIT_CONTROLS, EXIT_LOAD_EFER), SET(HOST_IA32_EFER, EFER_LME)}),
    CASE("host EFER.LME = 0 with a 64-bit host", HOST,
         "((efer & EFER_LMA) != 0) != host64 || ((efer & EFER_LME) != 0) != host64",
         .ops = {OR(VM_EXIT_CONTROLS, EXIT_LOAD_EFER), SET(HOST_IA32_EFER, EFER_LMA)}),
    CASE("host EFER.LMA = 1 with a 32-bit host", HOST,
         "((efer & EFER_LMA) != 0) != host64 || ((efer & EFER_LME) != 0) != host64", .pre = P_HOST32,
         .ops = {OR(VM_EXIT_CONTROLS, EXIT_LOAD_EFER), SET(HOST_IA32_EFER, EFER_LMA | EFER_LME)}),
    GOOD("host EFER SCE LME LMA NXE", .ops = {OR(VM_EXIT_CONTROLS, EXIT_LOAD_EFER),
                                              SET(HOST_IA32_EFER, EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)}),

    /* ==== SDM Vol.3C 26.2.3 host segment and descriptor-table registers ==== */
    CASE("host ES RPL 1", HOST, "f[sels[s]] & 7", .ops = {SET(HOST_ES_SELECTOR, 0x11)}),
    CASE("host CS RPL 3", HOST, "f[sels[s]] & 7", .ops = {SET(HOST_CS_SELECTOR, 0x0b)}),
    CASE("host SS RPL 2", HOST, "f[sels[s]] & 7", .ops = {SET(HOST_SS_SELECTOR, 0x12)}),
    CASE("host DS TI", HOST, "f[sels[s]] & 7", .ops = {SET(HOST_DS_SELECTOR, 0x14)}),
    CASE("host FS RPL 3", HOST, "f[sels[s]] & 7", .ops = {SET(HOST_FS_SELECTOR, 0x13)}),
    CASE("host GS TI+RPL", HOST, "f[sels[s]] & 7", .ops = {SET(HOST_GS_SELECTOR, 0x17)}),
    CASE("host TR TI", HOST, "f[sels[s]] & 7", .ops = {SET(HOST_TR_SELECTOR, 0x1c)}),
    CASE("host CS selector 0", HOST, "f[VF_HOST_CS_SELECTOR] == 0", .ops = {SET(HOST_CS_SELECTOR, 0)}),
    CASE("host TR selector 0", HOST, "f[VF_HOST_TR_SELECTOR] == 0", .ops = {SET(HOST_TR_SELECTOR, 0)}),
    CASE("host SS selector 0 with a 32-bit host", HOST, "f[VF_HOST_SS_SELECTOR] == 0", .pre = P_HOST32,
         .ops = {SET(HOST_SS_SELECTOR, 0)}),
    GOOD("host SS, DS, ES, FS, GS selectors 0 with a 64-bit host",
         .ops = {SET(HOST_SS_SELECTOR, 0), SET(HOST_DS_SELECTOR, 0), SET(HOST_ES_SELECTOR, 0), SET(HOST_FS_SELECTOR, 0),
                 SET(HOST_GS_SELECTOR, 0)}),
    CASE("host FS base not canonical", HOST,
         "!canonical(f[VF_HOST_FS_BASE]) || !canonical(f[VF_HOST_GS_BASE]) || !canonical(f[VF_HOST_GDTR_BASE]) || "
         "!canonical(f[VF_HOST_IDTR_BASE]) || !canonical(f[VF_HOST_TR_BASE])",
         .ops = {SET(HOST_FS_BASE, NONCANON)}),
    CASE("host GS base not canonical", HOST,
         "!canonical(f[VF_HOST_FS_BASE]) || !canonical(f[VF_HOST_GS_BASE]) || !canonical(f[VF_HOST_GDTR_BASE]) || "
         "!canonical(f[VF_HOST_IDTR_BASE]) || !canonical(f[VF_HOST_TR_BASE])",
         .ops = {SET(HOST_GS_BASE, 0xfff0800000000000ull)}),
    CASE("host GDTR base not canonical", HOST,
         "!canonical(f[VF_HOST_FS_BASE]) || !canonical(f[VF_HOST_GS_BASE]) || !canonical(f[VF_HOST_GDTR_BASE]) || "
         "!canonical(f[VF_HOST_IDTR_BASE]) || !canonical(f[VF_HOST_TR_BASE])",
         .ops = {SET(HOST_GDTR_BASE, NONCANON)}),
    CASE("host IDTR base not canonical", HOST,
         "!canonical(f[VF_HOST_FS_BASE]) || !canonical(f[VF_HOST_GS_BASE]) || !canonical(f[VF_HOST_GDTR_BASE]) || "
         "!canonical(f[VF_HOST_IDTR_BASE]) || !canonical(f[VF_HOST_TR_BASE])",
         .ops = {SET(HOST_IDTR_BASE, 1ull << 63)}),
    CASE("host TR base not canonical", HOST,
         "!canonical(f[VF_HOST_FS_BASE]) || !canonical(f[VF_HOST_GS_BASE]) || !canonical(f[VF_HOST_GDTR_BASE]) || "
         "!canonical(f[VF_HOST_IDTR_BASE]) || !canonical(f[VF_HOST_TR_BASE])",
         .ops = {SET(HOST_TR_BASE, NONCANON)}),

    /* ==== SDM Vol.3C 26.2.4 checks related to address-space size ==== */
    CASE("64-bit host with CR4.PAE = 0", HOST, "!(cr4 & CR4_PAE)", .ops = {CLR(HOST_CR4, CR4_PAE)}),
    CASE("64-bit host RIP not canonical", HOST, "!canonical(f[VF_HOST_RIP])", .ops = {SET(HOST_RIP, NONCANON)}),
    CASE("32-bit host entering an IA-32e mode guest", HOST, "f[VF_VM_ENTRY_CONTROLS] & ENTRY_IA32E_MODE",
         .pre = P_HOST32, .ops = {OR(VM_ENTRY_CONTROLS, ENTRY_IA32E_MODE)}),
    CASE("32-bit host with CR4.PCIDE", HOST, "cr4 & CR4_PCIDE", .pre = P_HOST32, .caps = {.cr4_1 = CR4_PCIDE},
         .ops = {OR(HOST_CR4, CR4_PCIDE)}),
    GOOD("64-bit host with CR4.PCIDE", .caps = {.cr4_1 = CR4_PCIDE}, .ops = {OR(HOST_CR4, CR4_PCIDE)}),
    CASE("32-bit host RIP above 4 GiB", HOST, "f[VF_HOST_RIP] >> 32", .pre = P_HOST32,
         .ops = {SET(HOST_RIP, 1ull << 32)}),
    GOOD("32-bit host without PAE", .pre = P_HOST32, .ops = {CLR(HOST_CR4, CR4_PAE)}),

    /* ==== SDM Vol.3C 26.3.1.1 guest control registers, debug registers and MSRs ==== */
    CASE("guest CR0.NE = 0", GUEST, "(cr0 & fixed0) != fixed0 || (cr0 & ~k->cr0_fixed1)", .ops = {CLR(GUEST_CR0, CR0_NE)}),
    CASE("guest CR0.PE = 0 without unrestricted guest", GUEST, "(cr0 & fixed0) != fixed0 || (cr0 & ~k->cr0_fixed1)",
         .pre = P_PROT32, .ops = {CLR(GUEST_CR0, CR0_PE | CR0_PG)}),
    CASE("guest CR0 reserved bit 17", GUEST, "(cr0 & fixed0) != fixed0 || (cr0 & ~k->cr0_fixed1)",
         .ops = {OR(GUEST_CR0, 1u << 17)}),
    GOOD("guest CR0.CD and NW", .ops = {OR(GUEST_CR0, CR0_CD | CR0_NW)}),
    CASE("guest CR0.PG without PE (unrestricted guest)", GUEST, "(cr0 & CR0_PG) && !(cr0 & CR0_PE)", .pre = P_UG,
         .ops = {CLR(GUEST_CR0, CR0_PE)}),
    CASE("guest CR4.VMXE = 0", GUEST, "(cr4 & k->cr4_fixed0) != k->cr4_fixed0 || (cr4 & ~k->cr4_fixed1)",
         .ops = {CLR(GUEST_CR4, CR4_VMXE)}),
    CASE("guest CR4.LA57, bit 12 (not implemented)", GUEST, "(cr4 & k->cr4_fixed0) != k->cr4_fixed0 || (cr4 & ~k->cr4_fixed1)",
         .ops = {OR(GUEST_CR4, 1ull << 12)}),
    GOOD("guest CR4.UMIP (implemented)", .ops = {OR(GUEST_CR4, CR4_UMIP)}),
    CASE("guest DEBUGCTL reserved bit 2", GUEST, "f[VF_GUEST_IA32_DEBUGCTL] & ~3ull",
         .ops = {OR(VM_ENTRY_CONTROLS, ENTRY_LOAD_DEBUG_CONTROLS), SET(GUEST_IA32_DEBUGCTL, 4)}),
    GOOD("guest DEBUGCTL LBR and BTF", .ops = {OR(VM_ENTRY_CONTROLS, ENTRY_LOAD_DEBUG_CONTROLS), SET(GUEST_IA32_DEBUGCTL, 3)}),
    GOOD("guest DEBUGCTL and DR7 unchecked without load debug controls",
         .ops = {SET(GUEST_IA32_DEBUGCTL, ~0ull), SET(GUEST_DR7, ~0ull)}),
    CASE("IA-32e mode guest with CR4.PAE = 0", GUEST, "!(cr0 & CR0_PG) || !(cr4 & CR4_PAE)", .ops = {CLR(GUEST_CR4, CR4_PAE)}),
    CASE("IA-32e mode guest with CR0.PG = 0 (unrestricted guest)", GUEST, "!(cr0 & CR0_PG) || !(cr4 & CR4_PAE)",
         .pre = P_UG, .ops = {CLR(GUEST_CR0, CR0_PG)}),
    CASE("32-bit guest with CR4.PCIDE", GUEST, "cr4 & CR4_PCIDE", .pre = P_PROT32, .caps = {.cr4_1 = CR4_PCIDE},
         .ops = {OR(GUEST_CR4, CR4_PCIDE)}),
    GOOD("IA-32e mode guest with CR4.PCIDE", .caps = {.cr4_1 = CR4_PCIDE}, .ops = {OR(GUEST_CR4, CR4_PCIDE)}),
    CASE("guest CR3 beyond MAXPHYADDR", GUEST, "above_maxphys(f[VF_GUEST_CR3], k->maxphys)",
         .ops = {SET(GUEST_CR3, 0x10000001000ull)}),
    CASE("guest DR7 bit 32", GUEST, "f[VF_GUEST_DR7] >> 32",
         .ops = {OR(VM_ENTRY_CONTROLS, ENTRY_LOAD_DEBUG_CONTROLS), SET(GUEST_DR7, 0x100000400ull)}),
    CASE("guest SYSENTER_ESP not canonical", GUEST,
         "!canonical(f[VF_GUEST_SYSENTER_ESP]) || !canonical(f[VF_GUEST_SYSENTER_EIP])",
         .ops = {SET(GUEST_SYSENTER_ESP, NONCANON)}),
    CASE("guest SYSENTER_EIP not canonical", GUEST,
         "!canonical(f[VF_GUEST_SYSENTER_ESP]) || !canonical(f[VF_GUEST_SYSENTER_EIP])",
         .ops = {SET(GUEST_SYSENTER_EIP, 0x00ff000000000000ull)}),
    CASE("guest PAT entry 0 = 2", GUEST, "!pat_ok(f[VF_GUEST_IA32_PAT])",
         .ops = {OR(VM_ENTRY_CONTROLS, ENTRY_LOAD_PAT), SET(GUEST_IA32_PAT, 0x0007040600070402ull)}),
    CASE("guest PAT entry 7 = 0x10", GUEST, "!pat_ok(f[VF_GUEST_IA32_PAT])",
         .ops = {OR(VM_ENTRY_CONTROLS, ENTRY_LOAD_PAT), SET(GUEST_IA32_PAT, 0x1007040600070406ull)}),
    GOOD("guest PAT valid", .ops = {OR(VM_ENTRY_CONTROLS, ENTRY_LOAD_PAT), SET(GUEST_IA32_PAT, GOOD_PAT)}),
    CASE("guest EFER reserved bit 1", GUEST, "efer & EFER_RESERVED",
         .ops = {OR(VM_ENTRY_CONTROLS, ENTRY_LOAD_EFER), SET(GUEST_IA32_EFER, EFER_LMA | EFER_LME | 2)}),
    CASE("guest EFER.LMA = 0 in an IA-32e mode guest", GUEST, "((efer & EFER_LMA) != 0) != ia32e",
         .ops = {OR(VM_ENTRY_CONTROLS, ENTRY_LOAD_EFER), SET(GUEST_IA32_EFER, EFER_LME)}),
    CASE("guest EFER.LMA = 1 in a 32-bit guest", GUEST, "((efer & EFER_LMA) != 0) != ia32e", .pre = P_PROT32,
         .ops = {OR(VM_ENTRY_CONTROLS, ENTRY_LOAD_EFER), SET(GUEST_IA32_EFER, EFER_LMA | EFER_LME)}),
    CASE("guest EFER.LME = 0 with LMA = 1 and paging", GUEST, "((efer & EFER_LMA) != 0) != ((efer & EFER_LME) != 0)",
         .ops = {OR(VM_ENTRY_CONTROLS, ENTRY_LOAD_EFER), SET(GUEST_IA32_EFER, EFER_LMA)}),
    GOOD("guest EFER.LME = 1, LMA = 0 with paging off (unrestricted guest)", .pre = P_UG_REAL,
         .ops = {OR(VM_ENTRY_CONTROLS, ENTRY_LOAD_EFER), SET(GUEST_IA32_EFER, EFER_LME)}),
    GOOD("guest EFER SCE LME LMA NXE",
         .ops = {OR(VM_ENTRY_CONTROLS, ENTRY_LOAD_EFER), SET(GUEST_IA32_EFER, EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)}),

    /* ==== SDM Vol.3C 26.3.1.2 guest segment registers: selectors ==== */
    CASE("guest TR selector TI", GUEST, "sel[TR] & 4", .ops = {SET(GUEST_TR_SELECTOR, 0x1c)}),
    CASE("guest usable LDTR selector TI", GUEST, "sel[LDTR] & 4",
         .ops = {SET(GUEST_LDTR_SELECTOR, 0x2c), SET(GUEST_LDTR_AR_BYTES, 0x82)}),
    GOOD("guest unusable LDTR selector TI", .ops = {SET(GUEST_LDTR_SELECTOR, 0x2c)}),
    GOOD("guest usable LDTR", .ops = {SET(GUEST_LDTR_SELECTOR, 0x28), SET(GUEST_LDTR_AR_BYTES, 0x82)}),
    CASE("guest SS RPL differs from CS RPL", GUEST, "(sel[SS] & 3) != (sel[CS] & 3)", .ops = {SET(GUEST_SS_SELECTOR, 0x13)}),
    GOOD("guest SS RPL differs from CS RPL (unrestricted guest)", .pre = P_UG, .ops = {SET(GUEST_SS_SELECTOR, 0x13)}),
    /* virtual-8086 guest */
    CASE("v8086: ES base != selector << 4", GUEST, "base[s] != sel[s] << 4", .pre = P_V86,
         .ops = {SET(GUEST_ES_BASE, 0x12340)}),
    CASE("v8086: GS base != selector << 4", GUEST, "base[s] != sel[s] << 4", .pre = P_V86, .ops = {SET(GUEST_GS_BASE, 0)}),
    CASE("v8086: DS limit 0xfffff", GUEST, "lim[s] != 0xffff", .pre = P_V86, .ops = {SET(GUEST_DS_LIMIT, 0xfffff)}),
    CASE("v8086: FS access rights 0x93", GUEST, "ar[s] != 0xf3", .pre = P_V86, .ops = {SET(GUEST_FS_AR_BYTES, 0x93)}),
    CASE("v8086: CS access rights 0xfb", GUEST, "ar[s] != 0xf3", .pre = P_V86, .ops = {SET(GUEST_CS_AR_BYTES, 0xfb)}),
    /* base addresses */
    CASE("guest TR base not canonical", GUEST, "!canonical(base[TR]) || !canonical(base[FS]) || !canonical(base[GS])",
         .ops = {SET(GUEST_TR_BASE, NONCANON)}),
    CASE("guest FS base not canonical", GUEST, "!canonical(base[TR]) || !canonical(base[FS]) || !canonical(base[GS])",
         .ops = {SET(GUEST_FS_BASE, 0x8000000000000000ull)}),
    CASE("guest GS base not canonical", GUEST, "!canonical(base[TR]) || !canonical(base[FS]) || !canonical(base[GS])",
         .ops = {SET(GUEST_GS_BASE, NONCANON)}),
    CASE("guest usable LDTR base not canonical", GUEST, "!canonical(base[LDTR])",
         .ops = {SET(GUEST_LDTR_SELECTOR, 0x28), SET(GUEST_LDTR_AR_BYTES, 0x82), SET(GUEST_LDTR_BASE, NONCANON)}),
    GOOD("guest unusable LDTR base not canonical", .ops = {SET(GUEST_LDTR_BASE, NONCANON)}),
    CASE("guest CS base above 4 GiB", GUEST, "base[CS] >> 32", .ops = {SET(GUEST_CS_BASE, 1ull << 32)}),
    CASE("guest SS base above 4 GiB", GUEST, "base[s] >> 32", .ops = {SET(GUEST_SS_BASE, 1ull << 32)}),
    CASE("guest ES base above 4 GiB", GUEST, "base[s] >> 32", .ops = {SET(GUEST_ES_BASE, 0xffffffff00000000ull)}),
    CASE("guest DS base above 4 GiB", GUEST, "base[s] >> 32", .ops = {SET(GUEST_DS_BASE, 1ull << 40)}),
    GOOD("guest unusable DS base above 4 GiB", .ops = {SET(GUEST_DS_BASE, 1ull << 40), SET(GUEST_DS_AR_BYTES, AR_UNUSABLE)}),
    GOOD("guest FS and GS bases above 4 GiB, canonical",
         .ops = {SET(GUEST_FS_BASE, 0x7fff00000000ull), SET(GUEST_GS_BASE, 0xffff888000000000ull)}),
    /* access rights: type */
    CASE("guest CS not accessed", GUEST, "!(cst == 9 || cst == 11 || cst == 13 || cst == 15 || (ug && cst == 3))",
         .ops = {SET(GUEST_CS_AR_BYTES, 0xa09a)}),
    CASE("guest CS data type 3 without unrestricted guest", GUEST,
         "!(cst == 9 || cst == 11 || cst == 13 || cst == 15 || (ug && cst == 3))", .ops = {SET(GUEST_CS_AR_BYTES, 0xc093)}),
    GOOD("guest CS data type 3 with unrestricted guest", .pre = P_UG, .ops = {SET(GUEST_CS_AR_BYTES, 0xc093)}),
    GOOD("guest CS execute-only code", .ops = {SET(GUEST_CS_AR_BYTES, 0xa099)}),
    CASE("guest SS read-only data", GUEST, "(ar[SS] & AR_TYPE) != 3 && (ar[SS] & AR_TYPE) != 7",
         .ops = {SET(GUEST_SS_AR_BYTES, 0xc091)}),
    CASE("guest SS code", GUEST, "(ar[SS] & AR_TYPE) != 3 && (ar[SS] & AR_TYPE) != 7",
         .ops = {SET(GUEST_SS_AR_BYTES, 0xc09b)}),
    GOOD("guest SS expand-down data", .ops = {SET(GUEST_SS_AR_BYTES, 0xc097)}),
    GOOD("guest SS unusable in 64-bit mode", .ops = {SET(GUEST_SS_AR_BYTES, AR_UNUSABLE)}),
    CASE("guest DS not accessed", GUEST, "!(ar[s] & 1)", .ops = {SET(GUEST_DS_AR_BYTES, 0xc092)}),
    CASE("guest ES not accessed", GUEST, "!(ar[s] & 1)", .ops = {SET(GUEST_ES_AR_BYTES, 0xc092)}),
    CASE("guest GS execute-only code", GUEST, "(ar[s] & 8) && !(ar[s] & 2)", .ops = {SET(GUEST_GS_AR_BYTES, 0xc099)}),
    GOOD("guest FS readable code", .ops = {SET(GUEST_FS_AR_BYTES, 0xc09b)}),
    /* access rights: S, P, reserved bits, granularity */
    CASE("guest DS system descriptor", GUEST, "!(ar[s] & AR_S)", .ops = {SET(GUEST_DS_AR_BYTES, 0xc083)}),
    CASE("guest CS system descriptor", GUEST, "!(ar[s] & AR_S)", .ops = {SET(GUEST_CS_AR_BYTES, 0xa08b)}),
    CASE("guest GS not present", GUEST, "!(ar[s] & AR_P)", .ops = {SET(GUEST_GS_AR_BYTES, 0xc013)}),
    CASE("guest CS not present", GUEST, "!(ar[s] & AR_P)", .ops = {SET(GUEST_CS_AR_BYTES, 0xa01b)}),
    CASE("guest FS reserved bit 8", GUEST, "ar[s] & AR_RESERVED", .ops = {SET(GUEST_FS_AR_BYTES, 0xc193)}),
    CASE("guest SS reserved bit 17", GUEST, "ar[s] & AR_RESERVED", .ops = {SET(GUEST_SS_AR_BYTES, 0x2c093)}),
    CASE("guest CS reserved bit 11", GUEST, "ar[s] & AR_RESERVED", .ops = {SET(GUEST_CS_AR_BYTES, 0xa89b)}),
    GOOD("guest unusable FS with reserved bits", .ops = {SET(GUEST_FS_AR_BYTES, 0xfffe0f00u | AR_UNUSABLE)}),
    CASE("guest DS limit 0xffffe with G = 1", GUEST, "!gran_ok(lim[s], ar[s])", .ops = {SET(GUEST_DS_LIMIT, 0xffffe)}),
    CASE("guest ES limit 4 GiB with G = 0", GUEST, "!gran_ok(lim[s], ar[s])", .ops = {SET(GUEST_ES_AR_BYTES, 0x4093)}),
    GOOD("guest ES limit 0xfffff with G = 1 and G = 0",
         .ops = {SET(GUEST_ES_LIMIT, 0xfffff), SET(GUEST_DS_LIMIT, 0xfffff), SET(GUEST_DS_AR_BYTES, 0x4093)}),
    /* access rights: DPL */
    CASE("guest CS data type 3 with DPL 3 (unrestricted guest)", GUEST, "AR_DPL(ar[CS]) != 0", .pre = P_UG,
         .ops = {SET(GUEST_CS_AR_BYTES, 0xc0f3)}),
    CASE("guest non-conforming CS DPL 1, SS DPL 0", GUEST, "AR_DPL(ar[CS]) != AR_DPL(ar[SS])",
         .ops = {SET(GUEST_CS_AR_BYTES, 0xa0bb)}),
    CASE("guest conforming CS DPL 1 above SS DPL 0", GUEST, "AR_DPL(ar[CS]) > AR_DPL(ar[SS])",
         .ops = {SET(GUEST_CS_AR_BYTES, 0xa0bf)}),
    GOOD("guest conforming CS DPL 0", .ops = {SET(GUEST_CS_AR_BYTES, 0xa09f)}),
    CASE("guest SS DPL 0 with selector RPL 1", GUEST, "AR_DPL(ar[SS]) != (sel[SS] & 3)",
         .ops = {SET(GUEST_CS_SELECTOR, 0x09), SET(GUEST_SS_SELECTOR, 0x11)}),
    CASE("real-mode guest SS DPL 3, conforming CS (unrestricted guest)", GUEST, "AR_DPL(ar[SS]) != 0", .occ = 1,
         .pre = P_UG_REAL, .ops = {SET(GUEST_CS_AR_BYTES, 0x9f), SET(GUEST_SS_AR_BYTES, 0xf3)}),
    CASE("guest CS type 3 with SS DPL 3 (unrestricted guest)", GUEST, "AR_DPL(ar[SS]) != 0", .occ = 1, .pre = P_UG,
         .ops = {SET(GUEST_CS_AR_BYTES, 0xc093), SET(GUEST_SS_AR_BYTES, 0xc0f3)}),
    GOOD("guest CS type 11 with SS DPL 3 (unrestricted guest)", .pre = P_UG,
         .ops = {SET(GUEST_CS_AR_BYTES, 0xa0fb), SET(GUEST_SS_AR_BYTES, 0xc0f3)}),
    CASE("guest DS DPL 0 below selector RPL 3", GUEST, "AR_DPL(ar[s]) < (sel[s] & 3)", .ops = {SET(GUEST_DS_SELECTOR, 0x13)}),
    GOOD("guest DS conforming code below RPL", .ops = {SET(GUEST_DS_SELECTOR, 0x13), SET(GUEST_DS_AR_BYTES, 0xc09f)}),
    GOOD("guest DS DPL below RPL (unrestricted guest)", .pre = P_UG, .ops = {SET(GUEST_DS_SELECTOR, 0x13)}),
    CASE("guest 64-bit CS with D/B = 1", GUEST, "ar[CS] & AR_DB", .ops = {SET(GUEST_CS_AR_BYTES, 0xe09b)}),
    GOOD("guest CS L and D/B outside IA-32e mode", .pre = P_PROT32, .ops = {SET(GUEST_CS_AR_BYTES, 0xe09b)}),
    /* TR */
    CASE("guest TR available TSS", GUEST, "!(trt == 11 || (trt == 3 && !ia32e))", .ops = {SET(GUEST_TR_AR_BYTES, 0x89)}),
    CASE("guest TR busy 16-bit TSS in IA-32e mode", GUEST, "!(trt == 11 || (trt == 3 && !ia32e))",
         .ops = {SET(GUEST_TR_AR_BYTES, 0x83)}),
    GOOD("guest TR busy 16-bit TSS outside IA-32e mode", .pre = P_PROT32, .ops = {SET(GUEST_TR_AR_BYTES, 0x83)}),
    CASE("guest TR with S = 1", GUEST, "ar[TR] & AR_S", .ops = {SET(GUEST_TR_AR_BYTES, 0x9b)}),
    CASE("guest TR not present", GUEST, "!(ar[TR] & AR_P)", .ops = {SET(GUEST_TR_AR_BYTES, 0x0b)}),
    CASE("guest TR reserved bit 8", GUEST, "ar[TR] & AR_RESERVED", .ops = {SET(GUEST_TR_AR_BYTES, 0x18b)}),
    CASE("guest TR limit 0x67 with G = 1", GUEST, "!gran_ok(lim[TR], ar[TR])", .ops = {SET(GUEST_TR_AR_BYTES, 0x808b)}),
    CASE("guest TR limit 1 MiB with G = 0", GUEST, "!gran_ok(lim[TR], ar[TR])", .ops = {SET(GUEST_TR_LIMIT, 0x100000)}),
    CASE("guest TR unusable", GUEST, "!usable[TR]", .ops = {SET(GUEST_TR_AR_BYTES, 0x1008b)}),
    /* LDTR, when usable */
    CASE("guest LDTR type 3", GUEST, "(ar[LDTR] & AR_TYPE) != 2",
         .ops = {SET(GUEST_LDTR_SELECTOR, 0x28), SET(GUEST_LDTR_AR_BYTES, 0x83)}),
    CASE("guest LDTR with S = 1", GUEST, "ar[LDTR] & AR_S",
         .ops = {SET(GUEST_LDTR_SELECTOR, 0x28), SET(GUEST_LDTR_AR_BYTES, 0x92)}),
    CASE("guest LDTR not present", GUEST, "!(ar[LDTR] & AR_P)",
         .ops = {SET(GUEST_LDTR_SELECTOR, 0x28), SET(GUEST_LDTR_AR_BYTES, 0x02)}),
    CASE("guest LDTR reserved bit 10", GUEST, "ar[LDTR] & AR_RESERVED",
         .ops = {SET(GUEST_LDTR_SELECTOR, 0x28), SET(GUEST_LDTR_AR_BYTES, 0x482)}),
    CASE("guest LDTR limit 0 with G = 1", GUEST, "!gran_ok(lim[LDTR], ar[LDTR])",
         .ops = {SET(GUEST_LDTR_SELECTOR, 0x28), SET(GUEST_LDTR_AR_BYTES, 0x8082)}),
    GOOD("guest unusable LDTR with any type", .ops = {SET(GUEST_LDTR_AR_BYTES, AR_UNUSABLE | 0x9b)}),

    /* ==== SDM Vol.3C 26.3.1.3 guest descriptor-table registers ==== */
    CASE("guest GDTR base not canonical", GUEST, "!canonical(f[VF_GUEST_GDTR_BASE]) || !canonical(f[VF_GUEST_IDTR_BASE])",
         .ops = {SET(GUEST_GDTR_BASE, NONCANON)}),
    CASE("guest IDTR base not canonical", GUEST, "!canonical(f[VF_GUEST_GDTR_BASE]) || !canonical(f[VF_GUEST_IDTR_BASE])",
         .ops = {SET(GUEST_IDTR_BASE, 0x0001000000000000ull)}),
    CASE("guest GDTR limit 0x10000", GUEST, "(f[VF_GUEST_GDTR_LIMIT] | f[VF_GUEST_IDTR_LIMIT]) >> 16",
         .ops = {SET(GUEST_GDTR_LIMIT, 0x10000)}),
    CASE("guest IDTR limit bit 31", GUEST, "(f[VF_GUEST_GDTR_LIMIT] | f[VF_GUEST_IDTR_LIMIT]) >> 16",
         .ops = {SET(GUEST_IDTR_LIMIT, 0x8000ffffu)}),
    GOOD("guest GDTR and IDTR limit 0xffff", .ops = {SET(GUEST_GDTR_LIMIT, 0xffff), SET(GUEST_IDTR_LIMIT, 0xffff)}),

    /* ==== SDM Vol.3C 26.3.1.4 guest RIP and RFLAGS ==== */
    CASE("32-bit guest RIP above 4 GiB", GUEST, "rip >> 32", .pre = P_PROT32, .ops = {SET(GUEST_RIP, 1ull << 32)}),
    CASE("compatibility-mode guest RIP above 4 GiB", GUEST, "rip >> 32",
         .ops = {SET(GUEST_CS_AR_BYTES, 0xc09b), SET(GUEST_RIP, 1ull << 32)}),
    CASE("64-bit guest RIP not canonical", GUEST, "!canonical(rip)", .ops = {SET(GUEST_RIP, NONCANON)}),
    GOOD("64-bit guest RIP canonical high", .ops = {SET(GUEST_RIP, 0xffff800000000000ull)}),
    CASE("guest RFLAGS bit 3", GUEST, "rflags & (~0x3fffffull | 1u << 15 | 1u << 5 | 1u << 3)", .ops = {OR(GUEST_RFLAGS, 1u << 3)}),
    CASE("guest RFLAGS bit 5", GUEST, "rflags & (~0x3fffffull | 1u << 15 | 1u << 5 | 1u << 3)", .ops = {OR(GUEST_RFLAGS, 1u << 5)}),
    CASE("guest RFLAGS bit 15", GUEST, "rflags & (~0x3fffffull | 1u << 15 | 1u << 5 | 1u << 3)",
         .ops = {OR(GUEST_RFLAGS, 1u << 15)}),
    CASE("guest RFLAGS bit 22", GUEST, "rflags & (~0x3fffffull | 1u << 15 | 1u << 5 | 1u << 3)",
         .ops = {OR(GUEST_RFLAGS, 1u << 22)}),
    CASE("guest RFLAGS bit 63", GUEST, "rflags & (~0x3fffffull | 1u << 15 | 1u << 5 | 1u << 3)",
         .ops = {OR(GUEST_RFLAGS, 1ull << 63)}),
    GOOD("guest RFLAGS: every defined flag but VM", .ops = {SET(GUEST_RFLAGS, 0x3f7fd7u & ~FL_VM)}),
    CASE("guest RFLAGS bit 1 = 0", GUEST, "!(rflags & FL_FIXED1)", .ops = {SET(GUEST_RFLAGS, FL_IF)}),
    CASE("guest RFLAGS.VM in an IA-32e mode guest", GUEST, "v86", .pre = P_V86,
         .ops = {OR(VM_ENTRY_CONTROLS, ENTRY_IA32E_MODE)}),
    CASE("guest RFLAGS.VM with CR0.PE = 0 (unrestricted guest)", GUEST, "v86", .pre = P_V86,
         .caps = {.proc2_1 = SEC_UNRESTRICTED_GUEST | SEC_ENABLE_EPT},
         .ops = {OR(CPU_BASED_VM_EXEC_CONTROL, CPU_SECONDARY_CONTROLS),
                 SET(SECONDARY_VM_EXEC_CONTROL, SEC_UNRESTRICTED_GUEST | SEC_ENABLE_EPT), SET(EPT_POINTER, GOOD_EPTP),
                 CLR(GUEST_CR0, CR0_PE | CR0_PG)}),
    CASE("inject external interrupt with RFLAGS.IF = 0", GUEST, "!(rflags & FL_IF)", .occ = 1,
         .ops = {SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_EXT, 0x20))}),
    GOOD("inject external interrupt with RFLAGS.IF = 1",
         .ops = {SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_EXT, 0x20)), OR(GUEST_RFLAGS, FL_IF)}),
    GOOD("inject NMI with RFLAGS.IF = 0", .ops = {SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_NMI, 2))}),

    /* ==== SDM Vol.3C 26.3.1.5 guest non-register state ==== */
    CASE("activity state 4", GUEST, "act > 3 || (act && !((k->misc >> (5 + act)) & 1))",
         .ops = {SET(GUEST_ACTIVITY_STATE, 4)}),
    CASE("activity state shutdown when IA32_VMX_MISC[7] = 0", GUEST,
         "act > 3 || (act && !((k->misc >> (5 + act)) & 1))",
         .caps = {.misc_clr = 1u << 7}, .ops = {SET(GUEST_ACTIVITY_STATE, ACTIVITY_SHUTDOWN)}),
    GOOD("activity state shutdown", .ops = {SET(GUEST_ACTIVITY_STATE, ACTIVITY_SHUTDOWN)}),
    GOOD("shutdown with an NMI injected",
         .ops = {SET(GUEST_ACTIVITY_STATE, ACTIVITY_SHUTDOWN), SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_NMI, 2))}),
    GOOD("shutdown with #MC injected",
         .ops = {SET(GUEST_ACTIVITY_STATE, ACTIVITY_SHUTDOWN), SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_HW_EXC, 18))}),
    CASE("shutdown with #DB injected", GUEST, "!(itype == INTR_TYPE_NMI || (itype == INTR_TYPE_HW_EXC && ivec == 18))",
         .ops = {SET(GUEST_ACTIVITY_STATE, ACTIVITY_SHUTDOWN), SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_HW_EXC, 1))}),
    CASE("shutdown with an external interrupt injected", GUEST,
         "!(itype == INTR_TYPE_NMI || (itype == INTR_TYPE_HW_EXC && ivec == 18))",
         .ops = {SET(GUEST_ACTIVITY_STATE, ACTIVITY_SHUTDOWN), SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_EXT, 0x30)),
                 OR(GUEST_RFLAGS, FL_IF)}),
    CASE("activity state wait-for-SIPI when IA32_VMX_MISC[8] = 0", GUEST,
         "act > 3 || (act && !((k->misc >> (5 + act)) & 1))",
         .caps = {.misc_clr = 1u << 8}, .ops = {SET(GUEST_ACTIVITY_STATE, ACTIVITY_WAIT_SIPI)}),
    GOOD("activity state wait-for-SIPI", .ops = {SET(GUEST_ACTIVITY_STATE, ACTIVITY_WAIT_SIPI)}),
    CASE("wait-for-SIPI with an NMI injected", GUEST, "act == ACTIVITY_WAIT_SIPI",
         .ops = {SET(GUEST_ACTIVITY_STATE, ACTIVITY_WAIT_SIPI), SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_NMI, 2))}),
    CASE("activity state HLT when IA32_VMX_MISC[6] = 0", GUEST, "act > 3 || (act && !((k->misc >> (5 + act)) & 1))",
         .caps = {.misc_clr = 1u << 6}, .ops = {SET(GUEST_ACTIVITY_STATE, ACTIVITY_HLT)}),
    GOOD("activity state HLT", .ops = {SET(GUEST_ACTIVITY_STATE, ACTIVITY_HLT)}),
    CASE("HLT with SS.DPL = 3", GUEST, "AR_DPL(ar[SS]) != 0", .occ = 2,
         .ops = {SET(GUEST_CS_SELECTOR, 0x0b), SET(GUEST_CS_AR_BYTES, 0xa0fb), SET(GUEST_SS_SELECTOR, 0x13),
                 SET(GUEST_SS_AR_BYTES, 0xc0f3), SET(GUEST_ACTIVITY_STATE, ACTIVITY_HLT)}),
    GOOD("CPL-3 64-bit guest, active",
         .ops = {SET(GUEST_CS_SELECTOR, 0x0b), SET(GUEST_CS_AR_BYTES, 0xa0fb), SET(GUEST_SS_SELECTOR, 0x13),
                 SET(GUEST_SS_AR_BYTES, 0xc0f3)}),
    CASE("HLT with blocking by STI", GUEST, "act != ACTIVITY_ACTIVE",
         .ops = {SET(GUEST_ACTIVITY_STATE, ACTIVITY_HLT), SET(GUEST_INTERRUPTIBILITY_INFO, INTR_BLOCK_STI),
                 OR(GUEST_RFLAGS, FL_IF)}),
    CASE("HLT with blocking by MOV SS", GUEST, "act != ACTIVITY_ACTIVE",
         .ops = {SET(GUEST_ACTIVITY_STATE, ACTIVITY_HLT), SET(GUEST_INTERRUPTIBILITY_INFO, INTR_BLOCK_MOV_SS)}),
    CASE("HLT with #GP injected", GUEST,
         "!(itype == INTR_TYPE_EXT || itype == INTR_TYPE_NMI || itype == INTR_TYPE_OTHER || (itype == INTR_TYPE_HW_EXC && (ivec == 1 || ivec == 18)))",
         .ops = {SET(GUEST_ACTIVITY_STATE, ACTIVITY_HLT), SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_HW_EXC, 13) | INTR_INFO_ERR_VALID)}),
    CASE("HLT with INT n injected", GUEST,
         "!(itype == INTR_TYPE_EXT || itype == INTR_TYPE_NMI || itype == INTR_TYPE_OTHER || (itype == INTR_TYPE_HW_EXC && (ivec == 1 || ivec == 18)))",
         .ops = {SET(GUEST_ACTIVITY_STATE, ACTIVITY_HLT), SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_SW_INT, 0x80)),
                 SET(VM_ENTRY_INSTRUCTION_LEN, 2)}),
    GOOD("HLT with #DB injected", .ops = {SET(GUEST_ACTIVITY_STATE, ACTIVITY_HLT), SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_HW_EXC, 1))}),
    GOOD("HLT with #MC injected", .ops = {SET(GUEST_ACTIVITY_STATE, ACTIVITY_HLT), SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_HW_EXC, 18))}),
    GOOD("HLT with NMI injected", .ops = {SET(GUEST_ACTIVITY_STATE, ACTIVITY_HLT), SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_NMI, 2))}),
    GOOD("HLT with external interrupt injected",
         .ops = {SET(GUEST_ACTIVITY_STATE, ACTIVITY_HLT), SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_EXT, 0x30)), OR(GUEST_RFLAGS, FL_IF)}),
    GOOD("HLT with pending MTF injected", .caps = {.proc1 = CPU_MONITOR_TRAP_FLAG},
         .ops = {SET(GUEST_ACTIVITY_STATE, ACTIVITY_HLT), SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_OTHER, 0))}),
    CASE("interruptibility reserved bit 5", GUEST, "intr & ~0x1full", .ops = {SET(GUEST_INTERRUPTIBILITY_INFO, 1u << 5)}),
    CASE("interruptibility bit 31", GUEST, "intr & ~0x1full", .ops = {SET(GUEST_INTERRUPTIBILITY_INFO, 1u << 31)}),
    CASE("enclave interruption without SGX", GUEST, "intr & 0x10", .ops = {SET(GUEST_INTERRUPTIBILITY_INFO, 0x10)}),
    CASE("blocking by STI and by MOV SS", GUEST, "(intr & INTR_BLOCK_STI) && (intr & INTR_BLOCK_MOV_SS)",
         .ops = {SET(GUEST_INTERRUPTIBILITY_INFO, INTR_BLOCK_STI | INTR_BLOCK_MOV_SS), OR(GUEST_RFLAGS, FL_IF)}),
    CASE("blocking by STI with RFLAGS.IF = 0", GUEST, "!(rflags & FL_IF)", .occ = 2,
         .ops = {SET(GUEST_INTERRUPTIBILITY_INFO, INTR_BLOCK_STI)}),
    GOOD("blocking by STI with RFLAGS.IF = 1", .ops = {SET(GUEST_INTERRUPTIBILITY_INFO, INTR_BLOCK_STI), OR(GUEST_RFLAGS, FL_IF)}),
    GOOD("blocking by MOV SS with RFLAGS.IF = 0", .ops = {SET(GUEST_INTERRUPTIBILITY_INFO, INTR_BLOCK_MOV_SS)}),
    CASE("inject external interrupt with blocking by STI", GUEST, "intr & (INTR_BLOCK_STI | INTR_BLOCK_MOV_SS)",
         .ops = {SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_EXT, 0x20)), OR(GUEST_RFLAGS, FL_IF),
                 SET(GUEST_INTERRUPTIBILITY_INFO, INTR_BLOCK_STI)}),
    CASE("inject external interrupt with blocking by MOV SS", GUEST, "intr & (INTR_BLOCK_STI | INTR_BLOCK_MOV_SS)",
         .ops = {SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_EXT, 0x20)), OR(GUEST_RFLAGS, FL_IF),
                 SET(GUEST_INTERRUPTIBILITY_INFO, INTR_BLOCK_MOV_SS)}),
    CASE("inject NMI with blocking by MOV SS", GUEST, "intr & INTR_BLOCK_MOV_SS",
         .ops = {SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_NMI, 2)), SET(GUEST_INTERRUPTIBILITY_INFO, INTR_BLOCK_MOV_SS)}),
    GOOD("inject NMI with blocking by STI",
         .ops = {SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_NMI, 2)), SET(GUEST_INTERRUPTIBILITY_INFO, INTR_BLOCK_STI),
                 OR(GUEST_RFLAGS, FL_IF)}),
    CASE("blocking by SMI outside SMM", GUEST, "intr & INTR_BLOCK_SMI", .ops = {SET(GUEST_INTERRUPTIBILITY_INFO, INTR_BLOCK_SMI)}),
    CASE("inject NMI with virtual-NMI blocking", GUEST, "intr & INTR_BLOCK_NMI", .caps = {.pin1 = PIN_VIRTUAL_NMIS},
         .ops = {OR(PIN_BASED_VM_EXEC_CONTROL, PIN_NMI_EXITING | PIN_VIRTUAL_NMIS),
                 SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_NMI, 2)), SET(GUEST_INTERRUPTIBILITY_INFO, INTR_BLOCK_NMI)}),
    GOOD("inject NMI with blocking by NMI, no virtual NMIs",
         .ops = {SET(VM_ENTRY_INTR_INFO, EV(INTR_TYPE_NMI, 2)), SET(GUEST_INTERRUPTIBILITY_INFO, INTR_BLOCK_NMI)}),
    CASE("pending debug exceptions bit 4", GUEST, "pdbg & ~0x1500full", .ops = {SET(GUEST_PENDING_DBG_EXCEPTIONS, 1u << 4)}),
    CASE("pending debug exceptions bit 13", GUEST, "pdbg & ~0x1500full", .ops = {SET(GUEST_PENDING_DBG_EXCEPTIONS, 1u << 13)}),
    CASE("pending debug exceptions bit 15", GUEST, "pdbg & ~0x1500full", .ops = {SET(GUEST_PENDING_DBG_EXCEPTIONS, 1u << 15)}),
    CASE("pending debug exceptions bit 17", GUEST, "pdbg & ~0x1500full", .ops = {SET(GUEST_PENDING_DBG_EXCEPTIONS, 1u << 17)}),
    CASE("pending debug exceptions RTM without TSX", GUEST, "pdbg & (1u << 16)",
         .ops = {SET(GUEST_PENDING_DBG_EXCEPTIONS, 1u << 16)}),
    GOOD("pending debug exceptions B0-B3, enabled breakpoint, BS", .ops = {SET(GUEST_PENDING_DBG_EXCEPTIONS, 0x500f)}),
    CASE("blocking by STI, TF = 1, BS = 0", GUEST, "tf && !btf && !bs",
         .ops = {SET(GUEST_INTERRUPTIBILITY_INFO, INTR_BLOCK_STI), OR(GUEST_RFLAGS, FL_IF | FL_TF)}),
    CASE("HLT, TF = 1, BS = 0", GUEST, "tf && !btf && !bs",
         .ops = {SET(GUEST_ACTIVITY_STATE, ACTIVITY_HLT), OR(GUEST_RFLAGS, FL_TF)}),
    GOOD("blocking by STI, TF = 1, BS = 1",
         .ops = {SET(GUEST_INTERRUPTIBILITY_INFO, INTR_BLOCK_STI), OR(GUEST_RFLAGS, FL_IF | FL_TF),
                 SET(GUEST_PENDING_DBG_EXCEPTIONS, 1u << 14)}),
    GOOD("blocking by STI, TF = 1, BTF = 1, BS = 0",
         .ops = {SET(GUEST_INTERRUPTIBILITY_INFO, INTR_BLOCK_STI), OR(GUEST_RFLAGS, FL_IF | FL_TF),
                 OR(VM_ENTRY_CONTROLS, ENTRY_LOAD_DEBUG_CONTROLS), SET(GUEST_IA32_DEBUGCTL, 2)}),
    CASE("blocking by STI, TF = 0, BS = 1", GUEST, "(!tf || btf) && bs",
         .ops = {SET(GUEST_INTERRUPTIBILITY_INFO, INTR_BLOCK_STI), OR(GUEST_RFLAGS, FL_IF),
                 SET(GUEST_PENDING_DBG_EXCEPTIONS, 1u << 14)}),
    CASE("blocking by MOV SS, TF = 1, BTF = 1, BS = 1", GUEST, "(!tf || btf) && bs",
         .ops = {SET(GUEST_INTERRUPTIBILITY_INFO, INTR_BLOCK_MOV_SS), OR(GUEST_RFLAGS, FL_TF),
                 OR(VM_ENTRY_CONTROLS, ENTRY_LOAD_DEBUG_CONTROLS), SET(GUEST_IA32_DEBUGCTL, 2),
                 SET(GUEST_PENDING_DBG_EXCEPTIONS, 1u << 14)}),
    GOOD("no blocking, active: TF and BS unchecked",
         .ops = {OR(GUEST_RFLAGS, FL_TF), SET(GUEST_PENDING_DBG_EXCEPTIONS, 0)}),
    GOOD("no blocking, active: BS without TF", .ops = {SET(GUEST_PENDING_DBG_EXCEPTIONS, 1u << 14)}),
    CASE("VMCS link pointer not 4 KiB aligned", GUEST, "(link & 0xfff) || above_maxphys(link, k->maxphys)",
         .ops = {SET(VMCS_LINK_POINTER, 0x14008)}, .qual = 4),
    CASE("VMCS link pointer beyond MAXPHYADDR", GUEST, "(link & 0xfff) || above_maxphys(link, k->maxphys)",
         .ops = {SET(VMCS_LINK_POINTER, 1ull << 40)}, .qual = 4),
    GOOD("VMCS link pointer aligned", .ops = {SET(VMCS_LINK_POINTER, 0x14000)}),
};
#define N_CASES (sizeof cases / sizeof cases[0])

static int want_ret(enum stage s)
{
    switch (s) {
    case CTL: return 7;    /* VMfailValid(7): invalid control field(s) (SDM Vol.3C 30.4) */
    case HOST: return 8;   /* VMfailValid(8): invalid host-state field(s) */
    case GUEST: return 33; /* VM exit, basic reason 33: invalid guest state (SDM Vol.3D C) */
    default: return 0;
    }
}

START_TEST(test_error_numbers)
{
    CHECK(VMXERR_ENTRY_BAD_CONTROLS == 7, "VMXERR_ENTRY_BAD_CONTROLS");
    CHECK(VMXERR_ENTRY_BAD_HOST == 8, "VMXERR_ENTRY_BAD_HOST");
    CHECK(EXIT_INVALID_GUEST_STATE == 33, "EXIT_INVALID_GUEST_STATE");
}
END_TEST

/* The known-good VMCS and every preset pass all three checks; why stays NULL, qual is 0. */
START_TEST(test_good_presets)
{
    static const char *const names[] = {"good64", "prot32", "host32", "v86", "ug", "ug_real"};
    static uint64_t f[VF_COUNT];
    struct vmx_caps k;
    const struct vcase c = {.pre = (enum preset)_i};
    build(f, &k, &c);
    int ret;
    const char *why;
    uint64_t qual;
    enum stage s = run(f, &k, &ret, &why, &qual);
    CHECK(s == PASS, "preset %s fails in %s: %s", names[_i], stage_name[s], why ? why : "?");
    CHECK(why == NULL && qual == 0 && ret == 0, "preset %s: why %p qual %llu", names[_i], (const void *)why,
          (unsigned long long)qual);
}
END_TEST

START_TEST(test_case)
{
    const struct vcase *c = &cases[_i];
    static uint64_t f[VF_COUNT];
    struct vmx_caps k;
    build(f, &k, c);
    int ret;
    const char *why;
    uint64_t qual;
    enum stage s = run(f, &k, &ret, &why, &qual);
    CHECK(s == c->stage, "case %d \"%s\": outcome %s (%s), want %s", _i, c->what,
          s == PASS ? "all checks pass" : stage_fn[s], why ? why : "-", c->stage == PASS ? "all checks pass" : stage_fn[c->stage]);
    CHECK(ret == want_ret(c->stage), "case %d \"%s\": returned %d, want %d", _i, c->what, ret, want_ret(c->stage));
    if (c->stage == PASS) {
        CHECK(why == NULL, "case %d \"%s\": why set on success", _i, c->what);
    } else {
        CHECK(why && strcmp(why, c->why) == 0, "case %d \"%s\": why = \"%s\", want \"%s\"", _i, c->what,
              why ? why : "(null)", c->why);
    }
    CHECK(qual == c->qual, "case %d \"%s\": qualification %llu, want %llu", _i, c->what, (unsigned long long)qual,
          (unsigned long long)c->qual);
}
END_TEST

/* ---- every CC() rule of checks.c has a failing case ---- */

struct rule {
    enum stage fn;
    char *text; /* as the preprocessor stringifies it */
    int occ;    /* 1 for the first occurrence of this text in this function, 2 for the second */
    bool hit;
};

static char *read_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, fp)) > 0) {
        n += got;
        if (n + 1 == cap) buf = realloc(buf, cap *= 2);
    }
    fclose(fp);
    if (buf) buf[n] = 0;
    return buf;
}

static bool ident_char(char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_'; }

/* Macro-argument stringification (C11 6.10.3.2): whitespace between tokens becomes one space,
 * leading and trailing whitespace is dropped. checks.c has no comments or literals inside CC(). */
static char *stringify(const char *s, size_t len)
{
    char *out = malloc(len + 1);
    size_t n = 0;
    bool space = false;
    for (size_t k = 0; k < len; k++) {
        char ch = s[k];
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
            space = n > 0;
            continue;
        }
        if (space) out[n++] = ' ';
        space = false;
        out[n++] = ch;
    }
    out[n] = 0;
    return out;
}

static int parse_rules(const char *src, struct rule *rules, int max)
{
    static const char *const fns[] = {NULL, "\nint vmx_check_controls(", "\nint vmx_check_host(", "\nint vmx_check_guest("};
    const char *start[4] = {NULL};
    for (int f = 1; f <= 3; f++) {
        start[f] = strstr(src, fns[f]);
        ck_assert_msg(start[f] != NULL, "%s not found in checks.c", fns[f] + 1);
    }
    int n = 0;
    for (const char *p = strstr(start[1], "CC("); p; p = strstr(p + 3, "CC(")) {
        if (ident_char(p[-1])) continue;
        enum stage fn = PASS;
        for (int f = 1; f <= 3; f++)
            if (p > start[f] && (fn == PASS || start[f] > start[fn])) fn = (enum stage)f;
        const char *q = p + 3;
        int depth = 1;
        while (*q && depth) {
            if (*q == '(') depth++;
            if (*q == ')') depth--;
            q++;
        }
        ck_assert_msg(depth == 0, "unbalanced CC( in checks.c");
        ck_assert_msg(n < max, "too many rules");
        rules[n] = (struct rule){fn, stringify(p + 3, (size_t)(q - 1 - (p + 3))), 1, false};
        for (int j = 0; j < n; j++)
            if (rules[j].fn == fn && strcmp(rules[j].text, rules[n].text) == 0) rules[n].occ++;
        n++;
    }
    return n;
}

START_TEST(test_rule_coverage)
{
    ck_assert_msg(checks_path != NULL, "usage: test_vmentry PATH/cpu/vmx/checks.c (meson passes it)");
    char *src = read_file(checks_path);
    ck_assert_msg(src != NULL, "cannot read %s", checks_path);
    static struct rule rules[400];
    int n = parse_rules(src, rules, 400);
    CHECK(n >= 90, "only %d CC() rules found in %s", n, checks_path);
    unsigned n_fail_cases = 0, n_pass_cases = 0;
    for (unsigned c = 0; c < N_CASES; c++) {
        if (cases[c].stage == PASS) {
            n_pass_cases++;
            continue;
        }
        n_fail_cases++;
        int occ = cases[c].occ ? cases[c].occ : 1;
        bool found = false;
        for (int r = 0; r < n; r++)
            if (rules[r].fn == cases[c].stage && rules[r].occ == occ && strcmp(rules[r].text, cases[c].why) == 0) {
                rules[r].hit = found = true;
            }
        CHECK(found, "case %u \"%s\": rule \"%s\" (occurrence %d) is not in %s of checks.c", c, cases[c].what,
              cases[c].why, occ, stage_fn[cases[c].stage]);
    }
    int missing = 0;
    for (int r = 0; r < n; r++)
        if (!rules[r].hit) {
            missing++;
            fprintf(stderr, "no case for %s rule \"%s\" (occurrence %d)\n", stage_fn[rules[r].fn], rules[r].text,
                    rules[r].occ);
        }
    CHECK(missing == 0, "%d of %d CC() rules in checks.c have no case", missing, n);
    printf("vmentry: %d rules in checks.c, %u failing cases, %u passing cases\n", n, n_fail_cases, n_pass_cases);
    for (int r = 0; r < n; r++) free(rules[r].text);
    free(src);
}
END_TEST

static void caps_setup(void)
{
    struct cpu *c = aligned_alloc(64, (sizeof(struct cpu) + 63) & ~(size_t)63);
    ck_assert(c != NULL);
    memset(c, 0, sizeof *c);
    c->model = cpu_model_find("corei7");
    ck_assert(c->model != NULL);
    c->features = c->model->features;
    vmx_caps_init(&caps0, c);
    free(c);
}

static Suite *vmentry_suite(void)
{
    Suite *s = suite_create("vmentry");
    TCase *tc = tcase_create("checks");
    tcase_add_unchecked_fixture(tc, caps_setup, NULL);
    tcase_add_test(tc, test_error_numbers);
    tcase_add_loop_test(tc, test_good_presets, 0, P_UG_REAL + 1);
    tcase_add_loop_test(tc, test_case, 0, (int)N_CASES);
    tcase_add_test(tc, test_rule_coverage);
    suite_add_tcase(s, tc);
    return s;
}

int main(int argc, char **argv)
{
    checks_path = argc > 1 ? argv[1] : NULL;
    SRunner *sr = srunner_create(vmentry_suite());
    srunner_set_fork_status(sr, CK_NOFORK); /* checks are counted across tests */
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    printf("vmentry: %lu checks, %zu cases\n", n_checks, N_CASES);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
