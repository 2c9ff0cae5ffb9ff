/* Unit tests of INIT and SIPI in the run loop (SDM Vol.3A 9.4 MP initialization, 10.1 table
 * 10-1, 11.6.1; Vol.3C 23.8, 25.2, 26.6.2, 27.2.1, 27.3.4): a CPU with 1 MiB of RAM and no
 * board, INIT and SIPI requested with cpu_init_signal() / cpu_sipi() between runs, as the local
 * APIC does. cpu_run(c, 0) acts on pending events and returns before any instruction.
 *  - INIT on the BSP: table 10-1's INIT column, register by register (reset / kept);
 *  - INIT on an application processor (IA32_APIC_BASE.BSP clear, which turtles' own board never
 *    has): wait-for-SIPI, where NMIs and interrupts are not taken, then a SIPI starts it at
 *    VV00:0000; a SIPI to a running CPU is discarded;
 *  - INIT blocked in VMX root operation, acting once the blocking ends;
 *  - VMX: a guest entered in wait-for-SIPI exits on a SIPI with reason 4 and the vector as the
 *    qualification (the only test of the SIPI exit: one CPU cannot send itself a SIPI while it
 *    waits); NMIs, interrupts, INIT and the preemption timer do not end the wait, and the INIT
 *    stays latched until an entry into another activity state, then exits with reason 3. */
#include "cpu/vmx/vmx.h"
#include "realmode_fixture.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define STACK 0x8000u
#define VMCS_ADDR 0x20000u

static int apic_inits; /* calls of the apic_init hook */

static void count_apic_init(void *apic)
{
    (void)apic;
    apic_inits++;
}

static void setup(void)
{
    fixture_create(cpu_model_find("corei7"));
    ck_assert(c->vmx != NULL);
    apic_inits = 0;
}

/* Loads a real-mode program at 0000:CODE with SP STACK. */
static void load(const uint8_t *code, size_t len) { load_real(code, len, STACK); }

/* Table 10-1, INIT column, on the BSP: what is reset and what is kept. */
START_TEST(init_state_bsp)
{
    static const uint8_t prog[] = {0x90, 0x90, 0xf4}; /* nop; nop; hlt */
    load(prog, sizeof prog);
    /* state before the INIT: protected-mode-ish control registers and a bit of everything */
    for (unsigned r = 0; r < 16; r++) c->gpr[r] = 0x1111111111111111ull * (r + 1);
    c->cr0 = CR0_PE | CR0_MP | CR0_NE | CR0_CD; /* CD set, NW clear: both kept */
    c->cr2 = 0x1234;
    c->cr3 = 0x5000;
    c->cr4 = CR4_PAE | CR4_OSFXSR;
    c->efer = EFER_SCE | EFER_LME;
    c->dr[0] = 0x4000;
    c->dr[7] = 0x401;
    c->gdtr = (struct dtr){0x9000, 0x7f};
    c->idtr = (struct dtr){0xa000, 0x1ff};
    c->xmm[3].q[0] = 0xfeedfacecafebeefull;
    c->mxcsr = 0x1f00;
    c->fpu.fcw = 0x027f;
    c->mtrr_def_type = 0xc06;
    c->mtrr_var[0] = 0x100006;
    c->pat = 0x0606060606060606ull;
    c->sysenter_cs = 0x10;
    c->lstar = 0xffffffff81000000ull;
    c->xcr0 = 3;
    c->tsc_offset = 12345;
    c->apic_base = 0xfee00000ull | 1u << 11 | 1u << 8; /* enabled, BSP */
    c->pending |= PEND_NMI;
    c->nmi_blocked = true;
    ram[0x7000] = 0xab;

    cpu_init_signal(c);
    ck_assert(c->pending & PEND_INIT);
    ck_assert_int_eq(cpu_run(c, 0), CPU_STOP_BUDGET);
    /* reset as at power-up */
    ck_assert_uint_eq(RIP(c), 0xfff0);
    ck_assert_uint_eq(c->seg[SEG_CS].sel, 0xf000);
    ck_assert_uint_eq(c->seg[SEG_CS].base, 0xffff0000ull);
    ck_assert_uint_eq(c->seg[SEG_CS].limit, 0xffff);
    for (unsigned s = 0; s < 6; s++)
        if (s != SEG_CS) ck_assert_uint_eq(c->seg[s].sel | c->seg[s].base, 0);
    ck_assert_uint_eq(c->gpr[2], c->model->reset_edx); /* EDX: the processor signature */
    for (unsigned r = 0; r < 16; r++)
        if (r != 2) ck_assert_uint_eq(c->gpr[r], 0);
    ck_assert_uint_eq(cpu_get_rflags(c), 2);
    ck_assert_uint_eq(c->cr0, CR0_CD | CR0_ET); /* CD and NW unchanged, bit 4 set, rest clear */
    ck_assert_uint_eq(c->cr2 | c->cr3 | c->cr4, 0);
    ck_assert_uint_eq(c->efer, 0);
    ck_assert_uint_eq(c->dr[0], 0);
    ck_assert_uint_eq(c->dr[6], 0xffff0ff0);
    ck_assert_uint_eq(c->dr[7], 0x400);
    ck_assert_uint_eq(c->gdtr.base, 0);
    ck_assert_uint_eq(c->gdtr.limit, 0xffff);
    ck_assert_uint_eq(c->idtr.base, 0);
    ck_assert_uint_eq(c->idtr.limit, 0xffff);
    ck_assert(!(c->pending & (PEND_NMI | PEND_INIT)));
    ck_assert(!c->nmi_blocked);
    ck_assert(!c->halted && !c->wait_sipi);
    /* kept */
    ck_assert_uint_eq(c->xmm[3].q[0], 0xfeedfacecafebeefull);
    ck_assert_uint_eq(c->mxcsr, 0x1f00);
    ck_assert_uint_eq(c->fpu.fcw, 0x027f);
    ck_assert_uint_eq(c->mtrr_def_type, 0xc06);
    ck_assert_uint_eq(c->mtrr_var[0], 0x100006);
    ck_assert_uint_eq(c->pat, 0x0606060606060606ull);
    ck_assert_uint_eq(c->sysenter_cs, 0x10);
    ck_assert_uint_eq(c->lstar, 0xffffffff81000000ull);
    ck_assert_uint_eq(c->xcr0, 3);
    ck_assert_uint_eq(c->tsc_offset, 12345);
    ck_assert_uint_eq(c->apic_base, 0xfee00000ull | 1u << 11 | 1u << 8);
    ck_assert_uint_eq(ram[0x7000], 0xab);
}
END_TEST

/* With a local APIC attached, INIT reads the BSP flag from it and applies the APIC's INIT state
 * through the apic_init hook (the board's lapic_init_signal). */
static uint64_t fake_apic_base(void *apic)
{
    (void)apic;
    return 0xfee00000ull | 1u << 11 | 1u << 8; /* enabled, BSP */
}

START_TEST(init_resets_apic)
{
    static const uint8_t prog[] = {0x90, 0xf4};
    load(prog, sizeof prog);
    c->apic = &apic_inits; /* any non-NULL cookie */
    c->apic_base_get = fake_apic_base;
    c->apic_init = count_apic_init;
    c->apic_base = 0; /* the CPU's own copy would say "not the BSP": the APIC's must win */
    cpu_init_signal(c);
    ck_assert_int_eq(cpu_run(c, 0), CPU_STOP_BUDGET);
    ck_assert_int_eq(apic_inits, 1);
    ck_assert_uint_eq(RIP(c), 0xfff0);
    ck_assert(!c->wait_sipi);
    c->apic = NULL;
}
END_TEST

/* An application processor (BSP flag clear): INIT then wait-for-SIPI; only a SIPI starts it. */
START_TEST(init_ap_waits_for_sipi)
{
    static const uint8_t prog[] = {0x90, 0xf4};
    load(prog, sizeof prog);
    c->apic_base = 0xfee00000ull | 1u << 11; /* BSP clear */
    /* the start-up routine at 12000h: mov ax, 4242h; hlt */
    static const uint8_t ap[] = {0xb8, 0x42, 0x42, 0xf4};
    memcpy(ram + 0x12000, ap, sizeof ap);
    cpu_init_signal(c);
    ck_assert_int_eq(cpu_run(c, 100), CPU_STOP_HALT);
    ck_assert(c->wait_sipi && c->halted);
    ck_assert_uint_eq(RIP(c), 0xfff0);
    /* NMIs and interrupts are not taken in wait-for-SIPI, nor can they end it */
    uint64_t at;
    cpu_nmi(c);
    cpu_set_intr(c, true);
    c->rflags |= FL_IF;
    ck_assert(!cpu_halt_wakeup(c, &at));
    ck_assert(!cpu_nmi_wakes_halt(c));
    ck_assert(cpu_init_wakes_halt(c));
    ck_assert_int_eq(cpu_run(c, 100), CPU_STOP_HALT);
    ck_assert(c->wait_sipi);
    ck_assert_uint_eq(RIP(c), 0xfff0);
    cpu_set_intr(c, false);
    c->rflags &= ~FL_IF;
    c->pending &= ~PEND_NMI;
    /* the SIPI: real mode at 1200:0000 */
    cpu_sipi(c, 0x12);
    ck_assert_int_eq(cpu_run(c, 100), CPU_STOP_HALT);
    ck_assert(!c->wait_sipi);
    ck_assert_uint_eq(c->seg[SEG_CS].sel, 0x1200);
    ck_assert_uint_eq(c->seg[SEG_CS].base, 0x12000);
    ck_assert_uint_eq(c->gpr[0] & 0xffff, 0x4242);
    ck_assert_uint_eq(RIP(c), 4);
    /* a second SIPI, now that it runs (halted by HLT, not waiting): discarded */
    cpu_sipi(c, 0x34);
    ck_assert(!(c->pending & PEND_INIT));
    ck_assert(!c->sipi_pending);
}
END_TEST

/* A SIPI to a CPU that is not in wait-for-SIPI is discarded: nothing latched for later. */
START_TEST(sipi_discarded_when_running)
{
    static const uint8_t prog[] = {0x90, 0x90, 0xf4};
    load(prog, sizeof prog);
    cpu_sipi(c, 0x12);
    ck_assert(!c->sipi_pending);
    ck_assert(!(c->pending & PEND_INIT));
    ck_assert_int_eq(cpu_run(c, 100), CPU_STOP_HALT);
    ck_assert_uint_eq(RIP(c), CODE + 3);
    ck_assert_uint_eq(c->seg[SEG_CS].sel, 0);
}
END_TEST

/* VMX root operation blocks INIT: it stays latched and the program runs on; once the blocking
 * ends (VMXOFF, cpu/vmx/insns.c), the INIT acts. */
START_TEST(init_blocked_in_vmx_root)
{
    static const uint8_t prog[] = {0x90, 0x90, 0xf4};
    load(prog, sizeof prog);
    c->vmx->root = true;
    cpu_init_signal(c);
    ck_assert(c->init_pending);
    ck_assert(!(c->pending & PEND_INIT));
    ck_assert(!cpu_init_wakes_halt(c));
    ck_assert_int_eq(cpu_run(c, 100), CPU_STOP_HALT);
    ck_assert_uint_eq(RIP(c), CODE + 3); /* ran to the HLT */
    c->vmx->root = false;
    cpu_update_init(c);
    ck_assert(c->pending & PEND_INIT);
    ck_assert_int_eq(cpu_run(c, 0), CPU_STOP_BUDGET);
    ck_assert_uint_eq(RIP(c), 0xfff0);
    ck_assert(!c->halted && !c->init_pending);
}
END_TEST

/* ---- VMX: a guest in wait-for-SIPI ---- */

static void set_seg(uint64_t *f, unsigned s, uint64_t sel, uint64_t base, uint64_t lim, uint64_t ar)
{
    f[VF_GUEST_ES_SELECTOR + s] = sel;
    f[VF_GUEST_ES_BASE + s] = base;
    f[VF_GUEST_ES_LIMIT + s] = lim;
    f[VF_GUEST_ES_AR_BYTES + s] = ar;
}

/* A 64-bit host and guest that pass the entry checks (as test_vmentry's good64), the guest in
 * activity state act; the CPU in IA-32e mode and VMX root operation. Returns vmx_enter's
 * result. */
static int enter_guest(uint64_t act, uint32_t pin_extra)
{
    struct vmx *x = c->vmx;
    const struct vmx_caps *k = &x->caps;
    uint64_t *f = x->f;
    memset(f, 0, sizeof(uint64_t) * VF_COUNT);
    f[VF_PIN_BASED_VM_EXEC_CONTROL] = (uint32_t)k->true_pin | pin_extra;
    f[VF_CPU_BASED_VM_EXEC_CONTROL] = (uint32_t)k->true_proc;
    f[VF_VM_EXIT_CONTROLS] = (uint32_t)k->true_exit | EXIT_HOST_ADDR_SPACE_SIZE;
    f[VF_VM_ENTRY_CONTROLS] = (uint32_t)k->true_entry | ENTRY_IA32E_MODE;
    f[VF_VMCS_LINK_POINTER] = ~0ull;
    const uint64_t cr0 = CR0_PG | CR0_NE | CR0_ET | CR0_PE;
    const uint64_t cr4 = CR4_VMXE | CR4_PAE;
    f[VF_HOST_CR0] = f[VF_GUEST_CR0] = cr0;
    f[VF_HOST_CR3] = f[VF_GUEST_CR3] = 0x1000;
    f[VF_HOST_CR4] = f[VF_GUEST_CR4] = cr4;
    f[VF_HOST_CS_SELECTOR] = 0x08;
    f[VF_HOST_SS_SELECTOR] = f[VF_HOST_DS_SELECTOR] = f[VF_HOST_ES_SELECTOR] = 0x10;
    f[VF_HOST_FS_SELECTOR] = f[VF_HOST_GS_SELECTOR] = 0x10;
    f[VF_HOST_TR_SELECTOR] = 0x18;
    f[VF_HOST_TR_BASE] = 0x5000;
    f[VF_HOST_GDTR_BASE] = 0x6000;
    f[VF_HOST_IDTR_BASE] = 0x7000;
    f[VF_HOST_RSP] = 0x8000;
    f[VF_HOST_RIP] = 0x2000;
    set_seg(f, 1, 0x08, 0, 0xffffffff, 0xa09b);
    for (unsigned s = 0; s < 6; s++)
        if (s != 1) set_seg(f, s, 0x10, 0, 0xffffffff, 0xc093);
    set_seg(f, 6, 0, 0, 0, AR_UNUSABLE);
    set_seg(f, 7, 0x18, 0x5000, 0x67, 0x8b);
    f[VF_GUEST_GDTR_BASE] = 0x6000;
    f[VF_GUEST_GDTR_LIMIT] = 0x3f;
    f[VF_GUEST_IDTR_BASE] = 0x7000;
    f[VF_GUEST_IDTR_LIMIT] = 0xfff;
    f[VF_GUEST_DR7] = 0x400;
    f[VF_GUEST_RFLAGS] = FL_FIXED1 | FL_IF;
    f[VF_GUEST_RSP] = 0x9000;
    f[VF_GUEST_RIP] = 0x401000;
    f[VF_GUEST_ACTIVITY_STATE] = act;
    c->efer = EFER_LME | EFER_LMA;
    c->cr0 = cr0;
    c->cr4 = cr4;
    x->root = true;
    x->cur = VMCS_ADDR;
    x->launched = false;
    return vmx_enter(c, true);
}

START_TEST(vmx_sipi_exit_from_wait_for_sipi)
{
    ck_assert_int_eq(enter_guest(ACTIVITY_WAIT_SIPI, PIN_EXT_INTR_EXITING | PIN_NMI_EXITING | PIN_PREEMPTION_TIMER), 0);
    ck_assert(c->vmx->guest);
    ck_assert(c->wait_sipi && c->halted);
    /* the preemption timer (value 0), an NMI and an interrupt request: none ends the wait */
    uint64_t at;
    cpu_nmi(c);
    cpu_set_intr(c, true);
    ck_assert_int_eq(cpu_run(c, 100), CPU_STOP_HALT);
    ck_assert(c->vmx->guest && c->wait_sipi);
    ck_assert(!cpu_halt_wakeup(c, &at));
    ck_assert_uint_eq(at, UINT64_MAX);
    ck_assert(!cpu_nmi_wakes_halt(c));
    ck_assert(!cpu_init_wakes_halt(c)); /* wait-for-SIPI blocks INIT too (26.6.2) */
    ck_assert(c->pending & PEND_NMI); /* still pending, not taken */
    /* withdrawn, or the host would take it through its (empty) IDT right after the exit */
    c->pending &= ~PEND_NMI;
    cpu_set_intr(c, false);
    /* the SIPI: exit 4, the vector as the qualification, wait-for-SIPI saved */
    cpu_sipi(c, 0x9a);
    ck_assert_int_eq(cpu_run(c, 0), CPU_STOP_BUDGET);
    ck_assert(!c->vmx->guest);
    const uint64_t *f = c->vmx->f;
    ck_assert_uint_eq(f[VF_VM_EXIT_REASON], EXIT_SIPI);
    ck_assert_uint_eq(f[VF_EXIT_QUALIFICATION], 0x9a);
    ck_assert_uint_eq(f[VF_GUEST_ACTIVITY_STATE], ACTIVITY_WAIT_SIPI);
    ck_assert_uint_eq(f[VF_GUEST_RIP], 0x401000);
    ck_assert_uint_eq(f[VF_VM_EXIT_INTR_INFO], 0);
    ck_assert(!c->wait_sipi && !c->halted);
    ck_assert_uint_eq(RIP(c), 0x2000); /* the host */
}
END_TEST

/* Wait-for-SIPI blocks INIT (26.6.2): it stays latched through the SIPI exit (VMX root blocks
 * it too) and becomes an INIT exit right after the next entry into another activity state. */
START_TEST(vmx_init_blocked_in_wait_for_sipi)
{
    ck_assert_int_eq(enter_guest(ACTIVITY_WAIT_SIPI, 0), 0);
    cpu_init_signal(c);
    ck_assert(c->init_pending);
    ck_assert(!(c->pending & PEND_INIT));
    ck_assert_int_eq(cpu_run(c, 100), CPU_STOP_HALT);
    ck_assert(c->vmx->guest && c->wait_sipi);
    cpu_sipi(c, 0x12);
    ck_assert_int_eq(cpu_run(c, 0), CPU_STOP_BUDGET);
    const uint64_t *f = c->vmx->f;
    ck_assert_uint_eq(f[VF_VM_EXIT_REASON], EXIT_SIPI);
    ck_assert_uint_eq(f[VF_EXIT_QUALIFICATION], 0x12);
    ck_assert(c->init_pending);
    ck_assert(!(c->pending & PEND_INIT)); /* root */
    /* a SIPI in VMX root operation: discarded (not waiting) */
    cpu_sipi(c, 0x34);
    ck_assert(!c->sipi_pending);
    ck_assert_int_eq(enter_guest(ACTIVITY_HLT, 0), 0);
    ck_assert(c->pending & PEND_INIT);
    ck_assert_int_eq(cpu_run(c, 0), CPU_STOP_BUDGET);
    ck_assert_uint_eq(f[VF_VM_EXIT_REASON], EXIT_INIT);
    ck_assert_uint_eq(f[VF_EXIT_QUALIFICATION], 0);
    ck_assert_uint_eq(f[VF_GUEST_ACTIVITY_STATE], ACTIVITY_HLT);
    ck_assert(!c->init_pending);
}
END_TEST

/* An active guest: a SIPI is discarded and the guest runs on. */
START_TEST(vmx_sipi_discarded_when_active)
{
    /* guest code at 0x401000 would need page tables: use HLT state instead of running, then
     * check that the SIPI was not latched */
    ck_assert_int_eq(enter_guest(ACTIVITY_HLT, 0), 0);
    cpu_sipi(c, 0x12);
    ck_assert(!c->sipi_pending);
    ck_assert(!(c->pending & PEND_INIT));
    ck_assert_int_eq(cpu_run(c, 100), CPU_STOP_HALT);
    ck_assert(c->vmx->guest && c->halted && !c->wait_sipi);
}
END_TEST

static Suite *init_suite(void)
{
    Suite *s = suite_create("init");
    TCase *tc = tcase_create("init");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, init_state_bsp);
    tcase_add_test(tc, init_resets_apic);
    tcase_add_test(tc, init_ap_waits_for_sipi);
    tcase_add_test(tc, sipi_discarded_when_running);
    tcase_add_test(tc, init_blocked_in_vmx_root);
    tcase_add_test(tc, vmx_sipi_exit_from_wait_for_sipi);
    tcase_add_test(tc, vmx_init_blocked_in_wait_for_sipi);
    tcase_add_test(tc, vmx_sipi_discarded_when_active);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(init_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
