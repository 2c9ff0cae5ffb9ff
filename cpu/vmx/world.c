/* The VMX world switch: VM entry (SDM Vol.3C chapter 26) and VM exit (chapter 27).
 *
 * VM entry checks the controls and host state (failures are VMfailValid), then the guest state
 * (failures are VM exits with the entry-failure bit), then loads the guest state, the MSR-load
 * list and injects the event. VM exit saves the guest state into the cached VMCS, records the
 * exit information, runs the MSR-store and MSR-load lists and loads the host state.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cpu/cpu_priv.h"
#include "cpu/vmx/vmx.h"
#include "mmu/memmap.h"

_Static_assert(VF_GUEST_TR_SELECTOR - VF_GUEST_ES_SELECTOR == 7, "guest selectors ES..TR in order");
_Static_assert(VF_GUEST_TR_BASE - VF_GUEST_ES_BASE == 7, "guest bases ES..TR in order");
_Static_assert(VF_GUEST_TR_LIMIT - VF_GUEST_ES_LIMIT == 7, "guest limits ES..TR in order");
_Static_assert(VF_GUEST_TR_AR_BYTES - VF_GUEST_ES_AR_BYTES == 7, "guest AR ES..TR in order");

#define MSR_IA32_TSC 0x10
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101

void vmx_init(struct cpu *c)
{
    if (!(c->features & FEATURE_BIT(FEAT_VMX))) return;
    c->vmx = calloc(1, sizeof *c->vmx);
    if (!c->vmx) {
        fprintf(stderr, "turtles: out of memory\n");
        exit(1);
    }
    vmx_caps_init(&c->vmx->caps, c);
    for (unsigned k = 0; k < VMX_TLB_SLOTS; k++) c->vmx->tlbs[k].t.nfill = TLB_FILL_LOG + 1; /* zeroed */
    vmx_reset(c);
}

void vmx_reset(struct cpu *c)
{
    struct vmx *x = c->vmx;
    if (!x) return;
    x->root = x->guest = false;
    x->cur = VMCS_PTR_NONE;
    x->launched = false;
    x->vmxon_ptr = 0;
    if (c->tlb != &c->tlb_host) tlb_switch(c, &c->tlb_host);
    x->tlb_active = NULL;
    for (unsigned k = 0; k < VMX_TLB_SLOTS; k++)
        if (x->tlbs[k].t.epoch % TLB_EPOCH_STEP == 0) { /* its number in the low bits */
            x->tlbs[k].t.epoch = k + 1;
            x->tlbs[k].t.gepoch = k + 1;
        }
    vmx_tlb_drop_saved(c);
    vmx_ept_cache_flush(c);
}

static uint32_t ar_of(const struct seg *s) { return s->ar; }

/* ---- VM exit ---- */

/* The guest's interruptibility state now (SDM Vol.3C 24.4.2). */
static uint32_t interruptibility(const struct cpu *c)
{
    uint32_t v = 0;
    /* the shadow is pending (an exit between STI and the next instruction) or the exiting
     * instruction is the one in the shadow */
    if ((c->pending & PEND_INHIBIT) || c->in_shadow)
        v |= c->inhibit_movss ? INTR_BLOCK_MOV_SS : INTR_BLOCK_STI;
    if ((c->vmx->pin & PIN_VIRTUAL_NMIS) ? c->vmx->vnmi_blocked : c->nmi_blocked) v |= INTR_BLOCK_NMI;
    return v;
}

/* The pending-debug-exceptions field at a VM exit (SDM Vol.3C 27.3.4). It is clear unless debug
 * traps are pending: those of an instruction or VM entry that a trap-like exit (TPR below
 * threshold, APIC write) or an MTF exit overtook (dbg_trap), and, for exits while MOV SS/POP SS
 * blocks debug exceptions, the ones it holds back: its data-breakpoint matches and, with
 * RFLAGS.TF = 1, its single step (BS; IA32_DEBUGCTL.BTF is always 0 here). An exit caused by a
 * debug exception saves it clear. */
static uint64_t pending_debug(const struct cpu *c)
{
    const struct vmx *x = c->vmx;
    uint32_t info = (uint32_t)x->f[VF_VM_EXIT_INTR_INFO];
    unsigned t = (info >> 8) & 7;
    if ((uint32_t)x->f[VF_VM_EXIT_REASON] == EXIT_EXCEPTION_NMI && (info & INTR_INFO_VALID) &&
        (info & 0xff) == EXC_DB && (t == INTR_TYPE_HW_EXC || t == INTR_TYPE_PRIV_SW_EXC))
        return 0;
    uint64_t p = x->dbg_trap;
    if (((c->pending & PEND_INHIBIT) || c->in_shadow) && c->inhibit_movss) {
        p |= c->dbp_pending & PDBG_B0_3;
        if (c->dbp_pending & DBP_ENABLED) p |= PDBG_ENABLED_BP;
        if (c->rflags & FL_TF) p |= PDBG_BS;
    }
    return p;
}

/* SDM Vol.3C 27.3: saving guest state. */
static void save_guest(struct cpu *c)
{
    struct vmx *x = c->vmx;
    uint64_t *f = x->f;
    f[VF_GUEST_CR0] = c->cr0;
    f[VF_GUEST_CR3] = c->cr3;
    f[VF_GUEST_CR4] = c->cr4;
    if (x->exit_ctl & EXIT_SAVE_DEBUG_CONTROLS) {
        f[VF_GUEST_DR7] = c->dr[7];
        f[VF_GUEST_IA32_DEBUGCTL] = 0;
    }
    for (unsigned s = 0; s < 6; s++) {
        f[VF_GUEST_ES_SELECTOR + s] = c->seg[s].sel;
        f[VF_GUEST_ES_BASE + s] = c->seg[s].base;
        f[VF_GUEST_ES_LIMIT + s] = c->seg[s].limit;
        f[VF_GUEST_ES_AR_BYTES + s] = ar_of(&c->seg[s]);
    }
    f[VF_GUEST_LDTR_SELECTOR] = c->ldtr.sel;
    f[VF_GUEST_LDTR_BASE] = c->ldtr.base;
    f[VF_GUEST_LDTR_LIMIT] = c->ldtr.limit;
    f[VF_GUEST_LDTR_AR_BYTES] = ar_of(&c->ldtr);
    f[VF_GUEST_TR_SELECTOR] = c->tr.sel;
    f[VF_GUEST_TR_BASE] = c->tr.base;
    f[VF_GUEST_TR_LIMIT] = c->tr.limit;
    f[VF_GUEST_TR_AR_BYTES] = ar_of(&c->tr);
    f[VF_GUEST_GDTR_BASE] = c->gdtr.base;
    f[VF_GUEST_GDTR_LIMIT] = c->gdtr.limit;
    f[VF_GUEST_IDTR_BASE] = c->idtr.base;
    f[VF_GUEST_IDTR_LIMIT] = c->idtr.limit;
    f[VF_GUEST_RIP] = RIP(c);
    f[VF_GUEST_RSP] = c->gpr[4];
    f[VF_GUEST_RFLAGS] = cpu_get_rflags(c);
    f[VF_GUEST_SYSENTER_CS] = c->sysenter_cs;
    f[VF_GUEST_SYSENTER_ESP] = c->sysenter_esp;
    f[VF_GUEST_SYSENTER_EIP] = c->sysenter_eip;
    if (x->exit_ctl & EXIT_SAVE_PAT) f[VF_GUEST_IA32_PAT] = c->pat;
    if (x->exit_ctl & EXIT_SAVE_EFER) f[VF_GUEST_IA32_EFER] = c->efer;
    /* 27.2: "IA-32e mode guest" receives EFER.LMA on every exit */
    if (c->efer & EFER_LMA)
        f[VF_VM_ENTRY_CONTROLS] |= ENTRY_IA32E_MODE;
    else
        f[VF_VM_ENTRY_CONTROLS] &= ~(uint64_t)ENTRY_IA32E_MODE;
    /* 27.3.4: the activity state before the exit (an INIT or SIPI exit from wait-for-SIPI
     * saves wait-for-SIPI: those exits do not change the activity state, 25.2) */
    f[VF_GUEST_ACTIVITY_STATE] = c->wait_sipi      ? ACTIVITY_WAIT_SIPI
                                 : c->vmx_shutdown ? ACTIVITY_SHUTDOWN
                                 : c->halted       ? ACTIVITY_HLT
                                                   : ACTIVITY_ACTIVE;
    f[VF_GUEST_INTERRUPTIBILITY_INFO] = interruptibility(c);
    f[VF_GUEST_PENDING_DBG_EXCEPTIONS] = pending_debug(c);
    /* 27.3.4: with EPT and PAE paging the PDPTE registers are saved */
    if ((x->proc2 & SEC_ENABLE_EPT) && (c->cr0 & CR0_PG) && (c->cr4 & CR4_PAE) && !(c->efer & EFER_LMA))
        for (unsigned k = 0; k < 4; k++) f[VF_GUEST_PDPTE0 + k] = c->pdpte[k];
    if ((x->pin & PIN_PREEMPTION_TIMER) && (x->exit_ctl & EXIT_SAVE_PREEMPTION_TIMER)) {
        uint64_t now = cpu_vtime(c);
        uint64_t left = now >= x->preempt_deadline ? 0 : (x->preempt_deadline - now) >> x->preempt_shift;
        f[VF_VMX_PREEMPTION_TIMER_VALUE] = (uint32_t)left;
    }
}

/* A VMX abort (SDM Vol.3C 27.7): the abort indicator is written and the CPU shuts down. */
static void vmx_abort(struct cpu *c, uint32_t code)
{
    struct vmx *x = c->vmx;
    LOG(LOG_VMX | LOG_GUEST_ERRORS, "VMX abort %u\n", code);
    if (x->cur != VMCS_PTR_NONE) phys_write(c->mem, x->cur + VMCS_OFF_ABORT, code, 4);
    c->shutdown = true;
}

/* Processes an MSR list of count 16-byte entries at addr (SDM Vol.3C 24.7.2): store = read the
 * MSR into the entry; otherwise write the entry's value to the MSR. Returns 0 on success or the
 * 1-based index of the failing entry (26.4, 27.4, 27.6). */
static uint32_t msr_list(struct cpu *c, uint64_t addr, uint64_t count, bool store, bool entry)
{
    for (uint64_t k = 0; k < count; k++) {
        uint64_t a = addr + 16 * k;
        uint32_t idx = (uint32_t)phys_read(c->mem, a, 4);
        uint32_t rsvd = (uint32_t)phys_read(c->mem, a + 4, 4);
        /* x2APIC MSRs, and on loads FS/GS base, are not allowed in the lists; nor is SMBASE
         * (0x9e) or IA32_SMM_MONITOR_CTL (0x9b) */
        if (rsvd || (idx >> 8) == 8 || idx == 0x9e || idx == 0x9b) return (uint32_t)k + 1;
        if (store) {
            uint64_t v;
            if (idx == 0x9e || !msr_read(c, idx, &v)) return (uint32_t)k + 1;
            phys_write(c->mem, a + 8, v, 8);
        } else {
            if (entry && (idx == MSR_FS_BASE || idx == MSR_GS_BASE)) return (uint32_t)k + 1;
            if (!msr_write(c, idx, phys_read(c->mem, a + 8, 8))) return (uint32_t)k + 1;
        }
    }
    return 0;
}

static void load_pdptes_from(struct cpu *c, uint64_t cr3)
{
    for (unsigned k = 0; k < 4; k++) c->pdpte[k] = phys_read(c->mem, ((cr3 & 0xffffffe0ull) + 8 * k) & c->a20_mask, 8);
}

/* SDM Vol.3C 27.5: loading host state. */
static void load_host(struct cpu *c)
{
    struct vmx *x = c->vmx;
    const uint64_t *f = x->f;
    bool host64 = (x->exit_ctl & EXIT_HOST_ADDR_SPACE_SIZE) != 0;
    /* 27.5.1: the bits fixed to 1 in VMX operation stay 1; ET stays 1 */
    c->cr0 = f[VF_HOST_CR0] | x->caps.cr0_fixed0 | CR0_ET;
    c->cr3 = f[VF_HOST_CR3];
    c->cr4 = f[VF_HOST_CR4] | x->caps.cr4_fixed0;
    c->dr[7] = 0x400;
    c->sysenter_cs = f[VF_HOST_IA32_SYSENTER_CS];
    c->sysenter_esp = f[VF_HOST_IA32_SYSENTER_ESP];
    c->sysenter_eip = f[VF_HOST_IA32_SYSENTER_EIP];
    if (x->exit_ctl & EXIT_LOAD_PAT) c->pat = f[VF_HOST_IA32_PAT];
    if (x->exit_ctl & EXIT_LOAD_EFER) {
        c->efer = f[VF_HOST_IA32_EFER];
    } else {
        c->efer &= ~(EFER_LMA | EFER_LME);
        if (host64) c->efer |= EFER_LMA | EFER_LME;
    }
    /* 27.5.2: segment registers */
    uint32_t cs_ar = 0xb | AR_S | AR_P | AR_G | (host64 ? AR_L : AR_DB);
    seg_set_cache(c, &c->seg[SEG_CS], SEG_CS, (uint16_t)f[VF_HOST_CS_SELECTOR], 0, 0xffffffffu, cs_ar);
    static const struct { unsigned s; int sel; } data[] = {
        {SEG_SS, VF_HOST_SS_SELECTOR}, {SEG_DS, VF_HOST_DS_SELECTOR}, {SEG_ES, VF_HOST_ES_SELECTOR},
        {SEG_FS, VF_HOST_FS_SELECTOR}, {SEG_GS, VF_HOST_GS_SELECTOR},
    };
    for (unsigned k = 0; k < 5; k++) {
        uint16_t sel = (uint16_t)f[data[k].sel];
        uint32_t ar = 0x3 | AR_S | AR_P | AR_DB | AR_G;
        if (sel == 0 && data[k].s != SEG_SS) ar |= AR_UNUSABLE;
        uint64_t base = data[k].s == SEG_FS ? f[VF_HOST_FS_BASE] : data[k].s == SEG_GS ? f[VF_HOST_GS_BASE] : 0;
        seg_set_cache(c, &c->seg[data[k].s], data[k].s, sel, base, 0xffffffffu, ar);
    }
    seg_set_cache(c, &c->tr, 0, (uint16_t)f[VF_HOST_TR_SELECTOR], f[VF_HOST_TR_BASE], 0x67, 0xb | AR_P);
    seg_set_cache(c, &c->ldtr, 0, 0, 0, 0, AR_UNUSABLE);
    c->gdtr.base = f[VF_HOST_GDTR_BASE];
    c->gdtr.limit = 0xffff;
    c->idtr.base = f[VF_HOST_IDTR_BASE];
    c->idtr.limit = 0xffff;
    c->gpr[4] = f[VF_HOST_RSP];
    RIP(c) = f[VF_HOST_RIP];
    c->cpl = 0;
    c->tlb_user = 0;
    cpu_write_rflags(c, FL_FIXED1);
    if ((c->cr0 & CR0_PG) && (c->cr4 & CR4_PAE) && !host64) load_pdptes_from(c, c->cr3);
    c->halted = 0;
    c->wait_sipi = c->vmx_shutdown = false;
    c->pending &= ~(PEND_INHIBIT | PEND_VMX);
    cpu_update_init(c); /* back in VMX root operation: a latched INIT is blocked (23.8) */
    cpu_update_mode(c);
    cpu_update_debug(c);
}

/* ---- TLB contexts (SDM Vol.3C 28.3.3.3) ----
 * With "enable VPID", VM entries and exits keep the translations of both sides: the CPU's active
 * TLB pointer moves between the host's TLB and one of VMX_TLB_SLOTS guest contexts, each tagged
 * with a VPID and EPTP, so a hypervisor that alternates between guests (KVM running L2 and, for
 * L2, L3) keeps every guest's translations. Without it, guest and host share VPID 0 and every
 * entry and exit invalidates the host's TLB, which the guest then uses. tlb_switch keeps the
 * epoch growing, so block chains made under another context never validate. */
static uint64_t tlb_key_eptp(const struct vmx *x)
{
    return (x->proc2 & SEC_ENABLE_EPT) ? x->f[VF_EPT_POINTER] : ~0ull;
}

/* Drops the translations to the APIC-access page from a restored guest TLB context made while
 * "virtualize APIC accesses" was 0 or the page was elsewhere (SDM Vol.3C 29.4.5 leaves such
 * stale translations to software; turtles never uses them): every access to the page must
 * reach the check in the TLB-miss path. */
static void tlb_drop_apic_page(struct tlb *t, uint64_t page)
{
    for (unsigned u = 0; u < 2; u++)
        for (unsigned ty = 0; ty < TLB_TYPES; ty++)
            for (unsigned k = 0; k < TLB_SIZE; k++)
                if (t->e[u][ty][k].tag != TLB_INVALID && (t->info[u][ty][k] & ~0xfffull) == page)
                    t->e[u][ty][k].tag = TLB_INVALID;
    tlb_bump_epochs(t); /* fetch translations may have gone: so go the links */
}

void vmx_tlb_select_guest(struct cpu *c)
{
    struct vmx *x = c->vmx;
    uint16_t vpid = (uint16_t)x->f[VF_VIRTUAL_PROCESSOR_ID];
    uint64_t eptp = tlb_key_eptp(x);
    struct vmx_tlb_slot *s = NULL, *lru = &x->tlbs[0];
    for (unsigned k = 0; k < VMX_TLB_SLOTS; k++) {
        struct vmx_tlb_slot *t = &x->tlbs[k];
        if (t->valid && t->vpid == vpid && t->eptp == eptp) s = t;
        if (!t->valid || (lru->valid && t->used < lru->used)) lru = t;
    }
    if (s) {
        if ((x->proc2 & SEC_VIRT_APIC_ACCESSES) && s->apic_page != x->apic_access_page)
            tlb_drop_apic_page(&s->t, x->apic_access_page);
    } else {
        s = lru;
        tlb_flush_all(&s->t);
        s->valid = true;
        s->vpid = vpid;
        s->eptp = eptp;
    }
    s->apic_page = x->apic_access_page; /* ~0 without "virtualize APIC accesses" */
    s->used = ++x->tlb_clock;
    x->tlb_active = s;
    tlb_switch(c, &s->t);
    /* A context keeps the translations of the PCID its guest had when it was left; entering it
     * (VM entry, VMFUNC) with another current PCID must not use them (28.3.3.3 keeps only the
     * mappings of the VPID and, with PCIDs, of the current PCID; Vol.3A 4.10.2.3) */
    cpu_tlb_sync_pcid(c);
}

static void tlb_to_guest(struct cpu *c)
{
    struct vmx *x = c->vmx;
    if (x->proc2 & SEC_ENABLE_VPID) {
        vmx_tlb_select_guest(c);
    } else {
        x->tlb_active = NULL;
        tlb_flush_all(c->tlb);
        cpu_tlb_sync_pcid(c);
    }
}

static void tlb_to_host(struct cpu *c)
{
    struct vmx *x = c->vmx;
    if (x->tlb_active) {
        x->tlb_active->apic_page = x->apic_access_page;
        x->tlb_active = NULL;
        /* the host state is loaded next, and its cpu_update_mode checks the mode bits: checking
         * the guest's bits against the host's TLB now would bump its epochs at every exit (and
         * cut all of the host's block links) whenever the two differ */
        tlb_switch_nosync(c, &c->tlb_host);
    } else {
        tlb_flush_all(c->tlb);
    }
}

/* Every saved context goes; the active TLB is the caller's to flush. */
void vmx_tlb_drop_saved(struct cpu *c)
{
    struct vmx *x = c->vmx;
    if (!x) return;
    for (unsigned k = 0; k < VMX_TLB_SLOTS; k++)
        if (&x->tlbs[k] != x->tlb_active) x->tlbs[k].valid = false;
    if (c->tlb != &c->tlb_host) tlb_flush_all(&c->tlb_host);
}

void vmx_tlb_flush_writes_saved(struct cpu *c)
{
    struct vmx *x = c->vmx;
    if (!x) return;
    for (unsigned k = 0; k < VMX_TLB_SLOTS; k++)
        if (x->tlbs[k].valid && &x->tlbs[k].t != c->tlb) tlb_flush_writes(&x->tlbs[k].t);
    if (c->tlb != &c->tlb_host) tlb_flush_writes(&c->tlb_host);
}

/* Leaves non-root operation: controls that only matter in the guest stop mattering. */
static void leave_guest(struct cpu *c)
{
    struct vmx *x = c->vmx;
    x->guest = false;
    c->pending &= ~PEND_VMX;
    /* An exit that interrupts the delivery of a guest event ends that delivery: the event is
     * reported in the IDT-vectoring information (SDM Vol.3C 27.2.4), and the host starts with
     * no event in progress, so its next fault is not combined with the guest's (Vol.3A 6.15). */
    c->cur_exc = -1;
}

void vmx_do_exit(struct cpu *c, uint32_t reason, uint64_t qual)
{
    struct vmx *x = c->vmx;
    uint64_t *f = x->f;
    bool insn = x->exit_insn;
    x->exit_insn = false;
    /* the exit ends any event delivery in progress: the host's next exception must not be
     * combined with a guest exception into #DF (SDM Vol.3A 6.15 applies to one delivery) */
    c->cur_exc = -1;
    /* 27.2: exit information */
    f[VF_VM_EXIT_REASON] = reason;
    f[VF_EXIT_QUALIFICATION] = qual;
    f[VF_GUEST_LINEAR_ADDRESS] = x->exit_gla_valid ? x->exit_gla : 0;
    x->exit_gla_valid = false;
    if (insn) {
        f[VF_VM_EXIT_INSTRUCTION_LEN] = x->exit_insn_len;
        f[VF_VMX_INSTRUCTION_INFO] = x->exit_insn_info;
    }
    x->exit_insn_info = 0;
    /* an exit during event delivery reports the event (27.2.4) */
    if (x->deliv_info && !x->idt_vec_info) {
        x->idt_vec_info = x->deliv_info;
        x->idt_vec_err = x->deliv_err;
    }
    x->deliv_info = 0;
    f[VF_VM_EXIT_INTR_INFO] = x->exit_intr_info;
    f[VF_VM_EXIT_INTR_ERROR_CODE] = x->exit_intr_err;
    f[VF_IDT_VECTORING_INFO] = x->idt_vec_info;
    f[VF_IDT_VECTORING_ERROR_CODE] = x->idt_vec_err;
    x->exit_intr_info = 0;
    x->idt_vec_info = 0;
    x->inject_pending = false;
    x->mtf_pending = false;
    /* an exit before APIC-write emulation cancels it (SDM Vol.3C 29.4.3.2); RVI and SVI stay in
     * the guest-interrupt-status field, which is where the exit saves them (27.3.4) */
    x->apic_write_pending = x->apic_step = x->tpr_exit_pending = x->vintr_recognized = false;
    f[VF_VM_ENTRY_INTR_INFO] &= ~(uint64_t)INTR_INFO_VALID;
    if (log_mask & LOG_VMX) vmx_log_exit(c, reason, qual);
    save_guest(c);
    /* the guest's pending debug exceptions now live in the VMCS field */
    x->dbg_trap = 0;
    c->dbp_pending = 0;
    c->db_cause = 0;
    tlb_to_host(c);
    leave_guest(c);
    /* 27.4: MSR-store list, then 27.5 host state, then 27.6 MSR-load list */
    if (msr_list(c, f[VF_VM_EXIT_MSR_STORE_ADDR], (uint32_t)f[VF_VM_EXIT_MSR_STORE_COUNT], true, false)) {
        vmx_abort(c, 1);
        return;
    }
    load_host(c);
    cpu_tlb_sync_pcid(c); /* the host's TLB may hold another PCID's translations than host CR3's */
    if (msr_list(c, f[VF_VM_EXIT_MSR_LOAD_ADDR], (uint32_t)f[VF_VM_EXIT_MSR_LOAD_COUNT], false, false)) {
        vmx_abort(c, 4);
        return;
    }
    cpu_update_mode(c);
}

/* A VM entry that fails after the controls and host state were checked (SDM Vol.3C 26.8):
 * exit reason with bit 31, the qualification, then host state as on a VM exit; the guest
 * state is not saved. */
static void entry_fail(struct cpu *c, uint32_t reason, uint64_t qual)
{
    struct vmx *x = c->vmx;
    uint64_t *f = x->f;
    f[VF_VM_EXIT_REASON] = reason | EXIT_REASON_ENTRY_FAIL;
    f[VF_EXIT_QUALIFICATION] = qual;
    if (log_mask & (LOG_VMX | LOG_VMCS)) vmx_log_exit(c, reason | EXIT_REASON_ENTRY_FAIL, qual);
    if (log_mask & LOG_VMCS) vmx_dump_vmcs(c, log_file_handle());
    leave_guest(c);
    load_host(c);
    /* the guest never ran: the host's translations are still active; without VPIDs the
     * failed entry, like an exit, invalidates them */
    if (!(x->proc2 & SEC_ENABLE_VPID)) tlb_flush_all(c->tlb);
    cpu_tlb_sync_pcid(c);
    if (msr_list(c, f[VF_VM_EXIT_MSR_LOAD_ADDR], (uint32_t)f[VF_VM_EXIT_MSR_LOAD_COUNT], false, false))
        vmx_abort(c, 4);
    cpu_update_mode(c);
}

/* ---- VM entry ---- */

/* SDM Vol.3C 26.3.2: loading guest state. */
static void load_guest(struct cpu *c)
{
    struct vmx *x = c->vmx;
    const uint64_t *f = x->f;
    bool ia32e = (x->entry_ctl & ENTRY_IA32E_MODE) != 0;
    c->cr0 = f[VF_GUEST_CR0] | CR0_ET;
    c->cr3 = f[VF_GUEST_CR3];
    c->cr4 = f[VF_GUEST_CR4];
    if (x->entry_ctl & ENTRY_LOAD_DEBUG_CONTROLS) c->dr[7] = f[VF_GUEST_DR7];
    c->sysenter_cs = f[VF_GUEST_SYSENTER_CS];
    c->sysenter_esp = f[VF_GUEST_SYSENTER_ESP];
    c->sysenter_eip = f[VF_GUEST_SYSENTER_EIP];
    if (x->entry_ctl & ENTRY_LOAD_PAT) c->pat = f[VF_GUEST_IA32_PAT];
    if (x->entry_ctl & ENTRY_LOAD_EFER) {
        c->efer = f[VF_GUEST_IA32_EFER];
    } else {
        /* 26.3.2.1: LMA from "IA-32e mode guest"; LME too when the guest has paging on */
        c->efer = (c->efer & ~EFER_LMA) | (ia32e ? EFER_LMA : 0);
        if (c->cr0 & CR0_PG) c->efer = (c->efer & ~EFER_LME) | (ia32e ? EFER_LME : 0);
    }
    for (unsigned s = 0; s < 6; s++)
        seg_set_cache(c, &c->seg[s], s, (uint16_t)f[VF_GUEST_ES_SELECTOR + s], f[VF_GUEST_ES_BASE + s],
                      (uint32_t)f[VF_GUEST_ES_LIMIT + s], (uint32_t)f[VF_GUEST_ES_AR_BYTES + s]);
    seg_set_cache(c, &c->ldtr, 0, (uint16_t)f[VF_GUEST_LDTR_SELECTOR], f[VF_GUEST_LDTR_BASE],
                  (uint32_t)f[VF_GUEST_LDTR_LIMIT], (uint32_t)f[VF_GUEST_LDTR_AR_BYTES]);
    seg_set_cache(c, &c->tr, 0, (uint16_t)f[VF_GUEST_TR_SELECTOR], f[VF_GUEST_TR_BASE],
                  (uint32_t)f[VF_GUEST_TR_LIMIT], (uint32_t)f[VF_GUEST_TR_AR_BYTES]);
    c->gdtr.base = f[VF_GUEST_GDTR_BASE];
    c->gdtr.limit = (uint32_t)f[VF_GUEST_GDTR_LIMIT];
    c->idtr.base = f[VF_GUEST_IDTR_BASE];
    c->idtr.limit = (uint32_t)f[VF_GUEST_IDTR_LIMIT];
    c->gpr[4] = f[VF_GUEST_RSP];
    RIP(c) = f[VF_GUEST_RIP];
    /* CPL is SS.DPL (SDM Vol.3C 26.3.2.2: the processor's CPL follows SS.DPL) */
    c->cpl = (c->cr0 & CR0_PE) ? (uint8_t)((f[VF_GUEST_SS_AR_BYTES] >> 5) & 3) : 0;
    if (f[VF_GUEST_RFLAGS] & FL_VM) c->cpl = 3;
    c->tlb_user = c->cpl == 3;
    cpu_write_rflags(c, f[VF_GUEST_RFLAGS]);
    uint32_t intr = (uint32_t)f[VF_GUEST_INTERRUPTIBILITY_INFO];
    c->pending &= ~PEND_INHIBIT;
    if (intr & (INTR_BLOCK_STI | INTR_BLOCK_MOV_SS)) {
        c->pending |= PEND_INHIBIT;
        c->inhibit_movss = (intr & INTR_BLOCK_MOV_SS) != 0;
    }
    /* 26.6.1: without virtual NMIs, NMIs are blocked after the entry if and only if bit 3 is
     * set (until an IRET with "NMI exiting" 0, for as long as the guest runs with 1); with
     * virtual NMIs the bit is virtual-NMI blocking and NMIs are not blocked in VMX non-root
     * operation. A VM exit leaves the blocking as it is (an NMI exit sets it, gate.c). */
    if (x->pin & PIN_VIRTUAL_NMIS) {
        x->vnmi_blocked = (intr & INTR_BLOCK_NMI) != 0;
        c->nmi_blocked = false;
    } else {
        c->nmi_blocked = (intr & INTR_BLOCK_NMI) != 0;
    }
    x->in_iret = false;
    x->mtf_pending = false;
    /* 26.6.2: the activity state. Wait-for-SIPI and shutdown are halts that fewer events end
     * (vmx_check_events); an entry that injects an event ends in the active state
     * (inject_event). */
    uint64_t act = f[VF_GUEST_ACTIVITY_STATE];
    c->wait_sipi = act == ACTIVITY_WAIT_SIPI;
    c->vmx_shutdown = act == ACTIVITY_SHUTDOWN;
    c->halted = act != ACTIVITY_ACTIVE;
    if (c->halted) c->pending |= PEND_HALT; /* no guest instruction runs until an event */
    /* in VMX non-root operation INIT is not blocked (but for wait-for-SIPI): one held in root
     * is now an INIT exit right after the entry (23.8, 25.2, 26.6.2) */
    cpu_update_init(c);
}

/* SDM Vol.3C 26.6.3: the pending debug exceptions after VM entry. They are valid when BS or the
 * enabled-breakpoint bit is set, and ignored when the entry injects an event other than a
 * software interrupt or software exception, or one of those without blocking by MOV SS. Without
 * MOV SS blocking they are a #DB trap before the first guest instruction (vmx_check_events);
 * with it they are held until after the next instruction, as MOV SS holds its own (BS then
 * comes from RFLAGS.TF, which the entry checks tie to it). An injected software interrupt or
 * software exception in a MOV SS shadow is treated as INT3/INTO after a MOV SS that had a debug
 * trap: the #DB follows the delivery of the injected event (for vectors other than 3 and 4 the
 * SDM allows that or losing them). */
static void entry_pending_debug(struct cpu *c)
{
    struct vmx *x = c->vmx;
    const uint64_t *f = x->f;
    uint32_t p = (uint32_t)f[VF_GUEST_PENDING_DBG_EXCEPTIONS] & (PDBG_B0_3 | PDBG_ENABLED_BP | PDBG_BS);
    bool movss = (f[VF_GUEST_INTERRUPTIBILITY_INFO] & INTR_BLOCK_MOV_SS) != 0;
    uint32_t info = (uint32_t)f[VF_VM_ENTRY_INTR_INFO];
    x->dbg_trap = 0;
    c->dbp_pending = 0;
    if (!(p & (PDBG_BS | PDBG_ENABLED_BP))) return;
    if (info & INTR_INFO_VALID) {
        unsigned t = (info >> 8) & 7;
        if (movss && (t == INTR_TYPE_SW_INT || t == INTR_TYPE_SW_EXC)) x->dbg_trap = p;
        return;
    }
    if (movss) {
        c->dbp_pending = (uint8_t)((p & PDBG_B0_3) | ((p & PDBG_ENABLED_BP) ? DBP_ENABLED : 0));
        return;
    }
    x->dbg_trap = p;
}

/* 26.5: event injection. Delivers the event through the guest IDT as if it occurred now;
 * faults during delivery go through the normal exception path (and may exit). */
static void inject_event(struct cpu *c)
{
    struct vmx *x = c->vmx;
    uint32_t info = (uint32_t)x->f[VF_VM_ENTRY_INTR_INFO];
    if (!(info & INTR_INFO_VALID)) return;
    unsigned type = (info >> 8) & 7, vec = info & 0xff;
    bool has_err = (info & INTR_INFO_ERR_VALID) != 0;
    uint32_t err = (uint32_t)x->f[VF_VM_ENTRY_EXCEPTION_ERROR_CODE];
    c->halted = 0; /* a vectoring entry ends in the active state (26.6.2) */
    c->vmx_shutdown = false;
    c->insn_rip = RIP(c);
    enum event_type et;
    switch (type) {
    case INTR_TYPE_EXT: et = EV_EXT; break;
    case INTR_TYPE_NMI:
        et = EV_NMI;
        if (x->pin & PIN_VIRTUAL_NMIS) x->vnmi_blocked = true;
        else c->nmi_blocked = true;
        break;
    case INTR_TYPE_HW_EXC: et = EV_EXC; break;
    case INTR_TYPE_PRIV_SW_EXC: et = EV_PRIVSOFT; break;
    case INTR_TYPE_OTHER: /* vector 0: a pending MTF VM exit (24.8.3) */
        x->mtf_pending = true;
        return;
    default: et = EV_SOFT; break; /* software interrupt and software exception */
    }
    /* 26.5.1.1: software interrupts and (privileged) software exceptions are delivered as if
     * by an instruction of the VM-entry instruction length at the guest RIP */
    x->inject_len = 0;
    if (et == EV_SOFT || et == EV_PRIVSOFT) x->inject_len = (uint8_t)x->f[VF_VM_ENTRY_INSTRUCTION_LEN];
    RIP(c) += x->inject_len;
    x->inject_pending = true;
    x->inject_type = (uint8_t)et;
    x->inject_vec = (uint8_t)vec;
    x->inject_has_err = has_err;
    x->inject_err = err;
}

int vmx_enter(struct cpu *c, bool launch)
{
    struct vmx *x = c->vmx;
    uint64_t *f = x->f;
    const char *why = NULL;
    int err;
    if ((err = vmx_check_controls(f, &x->caps, &why)) || (err = vmx_check_host(f, &x->caps, &why))) {
        x->fail_why = why;
        return err;
    }
    /* 26.2.4: the processor's current mode against the host address-space size */
    bool host64 = (f[VF_VM_EXIT_CONTROLS] & EXIT_HOST_ADDR_SPACE_SIZE) != 0;
    if (!(c->efer & EFER_LMA) && (host64 || (f[VF_VM_ENTRY_CONTROLS] & ENTRY_IA32E_MODE))) {
        x->fail_why = "outside IA-32e mode: host address-space size and IA-32e mode guest must be 0";
        return VMXERR_ENTRY_BAD_HOST;
    }
    if ((c->efer & EFER_LMA) && !host64) {
        x->fail_why = "in IA-32e mode: host address-space size must be 1";
        return VMXERR_ENTRY_BAD_HOST;
    }
    x->pin = (uint32_t)f[VF_PIN_BASED_VM_EXEC_CONTROL];
    x->proc = (uint32_t)f[VF_CPU_BASED_VM_EXEC_CONTROL];
    x->proc2 = (x->proc & CPU_SECONDARY_CONTROLS) ? (uint32_t)f[VF_SECONDARY_VM_EXEC_CONTROL] : 0;
    x->exit_ctl = (uint32_t)f[VF_VM_EXIT_CONTROLS];
    x->entry_ctl = (uint32_t)f[VF_VM_ENTRY_CONTROLS];
    x->exc_bitmap = (uint32_t)f[VF_EXCEPTION_BITMAP];

    /* 26.2.1.1: with TPR shadow and neither APIC-access virtualization nor virtual-interrupt
     * delivery, TPR threshold[3:0] must not exceed VTPR[7:4] (read from the virtual-APIC page) */
    if ((x->proc & CPU_TPR_SHADOW) && !(x->proc2 & (SEC_VIRT_APIC_ACCESSES | SEC_VIRT_INTR_DELIVERY))) {
        uint32_t vtpr = (uint32_t)phys_read(c->mem, f[VF_VIRTUAL_APIC_PAGE_ADDR] + 0x80, 4);
        if ((f[VF_TPR_THRESHOLD] & 0xf) > ((vtpr >> 4) & 0xf)) {
            x->fail_why = "TPR threshold[3:0] > VTPR[7:4]";
            return VMXERR_ENTRY_BAD_CONTROLS;
        }
    }

    /* 26.3.1: guest state; failures from here on are VM exits */
    uint64_t qual = 0;
    if (vmx_check_guest(f, &x->caps, &why, &qual)) {
        x->fail_why = why;
        entry_fail(c, EXIT_INVALID_GUEST_STATE, qual);
        return -1;
    }
    uint64_t link = f[VF_VMCS_LINK_POINTER];
    if (link != ~0ull) {
        /* 26.3.1.5: the referenced VMCS's revision, and its shadow-VMCS indicator equal to
         * the "VMCS shadowing" control */
        uint32_t rev = (uint32_t)phys_read(c->mem, link, 4);
        uint32_t want = VMCS_REVISION_ID | ((x->proc2 & SEC_VMCS_SHADOWING) ? VMCS_SHADOW_BIT : 0);
        if (rev != want) {
            x->fail_why = "VMCS link pointer: revision identifier";
            entry_fail(c, EXIT_INVALID_GUEST_STATE, 4);
            return -1;
        }
    }
    bool ia32e = (x->entry_ctl & ENTRY_IA32E_MODE) != 0;
    bool pae_pdptes = (f[VF_GUEST_CR0] & CR0_PG) && (f[VF_GUEST_CR4] & CR4_PAE) && !ia32e;
    if (pae_pdptes) {
        /* 26.3.1.6: the PDPTEs: the VMCS fields with EPT, else the ones the guest's CR3 points to */
        uint64_t p[4];
        for (unsigned k = 0; k < 4; k++)
            p[k] = (x->proc2 & SEC_ENABLE_EPT) ? f[VF_GUEST_PDPTE0 + k]
                                                : phys_read(c->mem, ((f[VF_GUEST_CR3] & 0xffffffe0ull) + 8 * k), 8);
        if (!mmu_pdptes_valid(p, x->caps.maxphys)) {
            x->fail_why = "PDPTE reserved bits";
            entry_fail(c, EXIT_INVALID_GUEST_STATE, 2);
            return -1;
        }
    }

    /* 26.3.2 load the guest state, 26.4 the MSR-load list */
    x->guest = true;
    load_guest(c);
    if (pae_pdptes) {
        /* 26.3.2.4: with EPT the PDPTE registers come from the VMCS */
        if (x->proc2 & SEC_ENABLE_EPT)
            for (unsigned k = 0; k < 4; k++) c->pdpte[k] = f[VF_GUEST_PDPTE0 + k];
        else
            load_pdptes_from(c, c->cr3);
    }
    uint32_t bad = msr_list(c, f[VF_VM_ENTRY_MSR_LOAD_ADDR], (uint32_t)f[VF_VM_ENTRY_MSR_LOAD_COUNT], false, true);
    if (bad) {
        x->fail_why = "VM-entry MSR-load list";
        entry_fail(c, EXIT_MSR_LOADING, bad);
        return -1;
    }
    /* 26.3.2.5, 26.7.7: the APIC-virtualization state of the guest */
    vmx_apicv_entry(c);
    if (launch) x->launched = true;
    x->ple_valid = false; /* the first PAUSE after VM entry starts a loop (25.1.3) */
    phys_write(c->mem, x->cur + VMCS_OFF_LAUNCH, 1, 4);
    if (x->pin & PIN_PREEMPTION_TIMER) {
        x->preempt_shift = (uint8_t)(x->caps.misc & 0x1f);
        x->preempt_deadline = cpu_vtime(c) + ((uint64_t)(uint32_t)f[VF_VMX_PREEMPTION_TIMER_VALUE] << x->preempt_shift);
        uint64_t at = x->preempt_deadline - (cpu_vtime(c) - c->icount); /* in icount terms */
        if (at < c->run_end) c->run_end = at; /* cpu_run takes the exit at its budget check */
    }
    tlb_to_guest(c); /* first: cpu_update_mode checks the mode bits against the guest's TLB */
    cpu_update_mode(c);
    cpu_update_debug(c);
    if (log_mask & LOG_VMX) vmx_log_entry(c, launch);
    entry_pending_debug(c);
    inject_event(c);
    /* Asynchronous controls are looked at between blocks while they are on (vmx_check_events) */
    vmx_update_pending(c);
    return 0;
}
