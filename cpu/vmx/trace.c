/* Seeing VMX: exit-reason names, the one-line -d vmx trace of every VM entry and exit with a
 * decoded qualification, and the VMCS dump. */
#include <stdio.h>

#include "cpu/cpu_priv.h"
#include "cpu/vmx/vmx.h"

static const char *const reason_names[EXIT_REASON_COUNT] = {
    [EXIT_EXCEPTION_NMI] = "exception or NMI", [EXIT_EXTERNAL_INTERRUPT] = "external interrupt",
    [EXIT_TRIPLE_FAULT] = "triple fault", [EXIT_INIT] = "INIT", [EXIT_SIPI] = "SIPI",
    [EXIT_IO_SMI] = "I/O SMI", [EXIT_OTHER_SMI] = "other SMI",
    [EXIT_INTERRUPT_WINDOW] = "interrupt window", [EXIT_NMI_WINDOW] = "NMI window",
    [EXIT_TASK_SWITCH] = "task switch", [EXIT_CPUID] = "CPUID", [EXIT_GETSEC] = "GETSEC",
    [EXIT_HLT] = "HLT", [EXIT_INVD] = "INVD", [EXIT_INVLPG] = "INVLPG", [EXIT_RDPMC] = "RDPMC",
    [EXIT_RDTSC] = "RDTSC", [EXIT_RSM] = "RSM", [EXIT_VMCALL] = "VMCALL",
    [EXIT_VMCLEAR] = "VMCLEAR", [EXIT_VMLAUNCH] = "VMLAUNCH", [EXIT_VMPTRLD] = "VMPTRLD",
    [EXIT_VMPTRST] = "VMPTRST", [EXIT_VMREAD] = "VMREAD", [EXIT_VMRESUME] = "VMRESUME",
    [EXIT_VMWRITE] = "VMWRITE", [EXIT_VMXOFF] = "VMXOFF", [EXIT_VMXON] = "VMXON",
    [EXIT_CR_ACCESS] = "CR access", [EXIT_DR_ACCESS] = "DR access",
    [EXIT_IO_INSTRUCTION] = "I/O instruction", [EXIT_RDMSR] = "RDMSR", [EXIT_WRMSR] = "WRMSR",
    [EXIT_INVALID_GUEST_STATE] = "invalid guest state", [EXIT_MSR_LOADING] = "MSR loading",
    [EXIT_MWAIT] = "MWAIT", [EXIT_MONITOR_TRAP_FLAG] = "monitor trap flag",
    [EXIT_MONITOR] = "MONITOR", [EXIT_PAUSE] = "PAUSE",
    [EXIT_MCE_DURING_ENTRY] = "machine check during entry",
    [EXIT_TPR_BELOW_THRESHOLD] = "TPR below threshold", [EXIT_APIC_ACCESS] = "APIC access",
    [EXIT_VIRTUALIZED_EOI] = "virtualized EOI", [EXIT_GDTR_IDTR] = "GDTR/IDTR access",
    [EXIT_LDTR_TR] = "LDTR/TR access", [EXIT_EPT_VIOLATION] = "EPT violation",
    [EXIT_EPT_MISCONFIG] = "EPT misconfiguration", [EXIT_INVEPT] = "INVEPT",
    [EXIT_RDTSCP] = "RDTSCP", [EXIT_PREEMPTION_TIMER] = "preemption timer",
    [EXIT_INVVPID] = "INVVPID", [EXIT_WBINVD] = "WBINVD", [EXIT_XSETBV] = "XSETBV",
    [EXIT_APIC_WRITE] = "APIC write", [EXIT_RDRAND] = "RDRAND", [EXIT_INVPCID] = "INVPCID",
    [EXIT_VMFUNC] = "VMFUNC", [EXIT_ENCLS] = "ENCLS", [EXIT_RDSEED] = "RDSEED",
    [EXIT_PML_FULL] = "page-modification log full", [EXIT_XSAVES] = "XSAVES",
    [EXIT_XRSTORS] = "XRSTORS",
};

void cpu_dump_vmcs(struct cpu *c, void *file) { vmx_dump_vmcs(c, file); }

const char *vmx_exit_reason_name(unsigned reason)
{
    return reason < EXIT_REASON_COUNT && reason_names[reason] ? reason_names[reason] : "?";
}

static const char *const gpr_names[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                          "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};
static const char *const intr_types[8] = {"external interrupt", "reserved", "NMI", "exception",
                                          "software interrupt", "privileged software exception",
                                          "software exception", "other event"};

/* Writes a human reading of the exit qualification / information into buf. */
static void describe(const struct cpu *c, unsigned reason, uint64_t q, char *buf, size_t n)
{
    const uint64_t *f = c->vmx->f;
    buf[0] = 0;
    switch (reason) {
    case EXIT_CR_ACCESS: {
        unsigned cr = q & 15, type = (q >> 4) & 3, r = (q >> 8) & 15;
        if (type == 0) snprintf(buf, n, "mov to cr%u from %s", cr, gpr_names[r]);
        else if (type == 1) snprintf(buf, n, "mov from cr%u to %s", cr, gpr_names[r]);
        else if (type == 2) snprintf(buf, n, "clts");
        else snprintf(buf, n, "lmsw %#llx", (unsigned long long)(q >> 16));
        break;
    }
    case EXIT_DR_ACCESS:
        snprintf(buf, n, "mov %s dr%u %s %s", (q & 16) ? "from" : "to", (unsigned)(q & 7),
                 (q & 16) ? "to" : "from", gpr_names[(q >> 8) & 15]);
        break;
    case EXIT_IO_INSTRUCTION:
        snprintf(buf, n, "%s%s port %#x size %u%s", (q & 8) ? "in" : "out", (q & 16) ? "s" : "",
                 (unsigned)(q >> 16), (unsigned)(q & 7) + 1, (q & 32) ? " rep" : "");
        break;
    case EXIT_RDMSR: case EXIT_WRMSR:
        snprintf(buf, n, "msr %#x", (uint32_t)c->gpr[1]);
        break;
    case EXIT_VMREAD: case EXIT_VMWRITE: {
        /* the field encoding is in Reg2, bits 31:28 of the instruction information (SDM Vol.3C
         * 27.2.5, table 27-14); outside 64-bit mode only its low 32 bits are used */
        uint32_t enc = (uint32_t)c->gpr[(f[VF_VMX_INSTRUCTION_INFO] >> 28) & 15];
        const char *name = vmcs_field_name(enc);
        snprintf(buf, n, "field %#x (%s)", enc, name ? name : "not a field");
        break;
    }
    case EXIT_EXCEPTION_NMI: case EXIT_EXTERNAL_INTERRUPT: {
        uint32_t info = (uint32_t)f[VF_VM_EXIT_INTR_INFO];
        if (info & INTR_INFO_VALID)
            snprintf(buf, n, "%s vector %u%s", intr_types[(info >> 8) & 7], info & 0xff,
                     (info & INTR_INFO_ERR_VALID) ? "" : "");
        else
            snprintf(buf, n, "not acknowledged");
        if ((info & INTR_INFO_ERR_VALID) && strlen(buf) + 24 < n)
            snprintf(buf + strlen(buf), n - strlen(buf), " error %#x", (uint32_t)f[VF_VM_EXIT_INTR_ERROR_CODE]);
        if (reason == EXIT_EXCEPTION_NMI && (info & 0xff) == EXC_PF && strlen(buf) + 24 < n)
            snprintf(buf + strlen(buf), n - strlen(buf), " address %#llx", (unsigned long long)q);
        break;
    }
    case EXIT_INVLPG:
        snprintf(buf, n, "address %#llx", (unsigned long long)q);
        break;
    case EXIT_TASK_SWITCH: { /* SDM Vol.3C 27.2.1, table 27-2 */
        static const char *const src[4] = {"call", "iret", "jmp", "task gate in the IDT"};
        snprintf(buf, n, "%s to tss %#x", src[(q >> 30) & 3], (unsigned)(q & 0xffff));
        break;
    }
    case EXIT_APIC_ACCESS: { /* SDM Vol.3C 27.2.1, table 27-6 */
        static const char *const types[16] = {
            [0] = "linear read", [1] = "linear write", [2] = "fetch", [3] = "linear access during event delivery",
            [10] = "guest-physical access during event delivery", [15] = "guest-physical access"};
        const char *t = types[(q >> 12) & 15];
        snprintf(buf, n, "%s at offset %#x", t ? t : "?", (unsigned)(q & 0xfff));
        break;
    }
    case EXIT_PML_FULL: /* 27.2.1: only bit 12 is defined */
        snprintf(buf, n, "PML index %#x%s", (unsigned)(uint16_t)f[VF_PML_INDEX],
                 (q & INTR_INFO_NMI_UNBLOCK) ? ", NMI unblocking due to IRET" : "");
        break;
    case EXIT_APIC_WRITE:
        snprintf(buf, n, "offset %#x", (unsigned)(q & 0xfff));
        break;
    case EXIT_VIRTUALIZED_EOI:
        snprintf(buf, n, "vector %#x", (unsigned)(q & 0xff));
        break;
    case EXIT_INVALID_GUEST_STATE: case EXIT_MSR_LOADING:
        snprintf(buf, n, "%s", c->vmx->fail_why ? c->vmx->fail_why : "");
        break;
    default:
        break;
    }
}

void vmx_log_exit(const struct cpu *c, uint32_t reason, uint64_t qual)
{
    char d[160];
    unsigned basic = reason & 0xffff;
    describe(c, basic, qual, d, sizeof d);
    log_printf("VMX exit: %s%s (%u) qual=%#llx%s%s guest rip=%#llx icount=%llu\n",
               (reason & EXIT_REASON_ENTRY_FAIL) ? "VM-entry failure: " : "",
               vmx_exit_reason_name(basic), basic, (unsigned long long)qual, d[0] ? ": " : "", d,
               (unsigned long long)((reason & EXIT_REASON_ENTRY_FAIL) ? c->vmx->f[VF_GUEST_RIP] : RIP(c)),
               (unsigned long long)c->icount);
}

void vmx_log_entry(const struct cpu *c, bool launch)
{
    uint32_t info = (uint32_t)c->vmx->f[VF_VM_ENTRY_INTR_INFO];
    log_printf("VMX entry: %s guest rip=%#llx%s icount=%llu\n", launch ? "VMLAUNCH" : "VMRESUME",
               (unsigned long long)RIP(c), (info & INTR_INFO_VALID) ? " (injecting)" : "",
               (unsigned long long)c->icount);
}

/* Names of the control bits (SDM Vol.3C tables 24-5, 24-6, 24-7, 24-11, 24-12). */
static const char *const pin_names[32] = {[0] = "ext-intr-exiting", [3] = "nmi-exiting",
    [5] = "virtual-nmis", [6] = "preemption-timer", [7] = "posted-interrupts"};
static const char *const proc_names[32] = {[2] = "intr-window", [3] = "tsc-offsetting",
    [7] = "hlt", [9] = "invlpg", [10] = "mwait", [11] = "rdpmc", [12] = "rdtsc",
    [15] = "cr3-load", [16] = "cr3-store", [17] = "tertiary", [19] = "cr8-load",
    [20] = "cr8-store", [21] = "tpr-shadow", [22] = "nmi-window", [23] = "mov-dr",
    [24] = "uncond-io", [25] = "io-bitmaps", [27] = "mtf", [28] = "msr-bitmaps",
    [29] = "monitor", [30] = "pause", [31] = "secondary"};
static const char *const proc2_names[32] = {[0] = "virt-apic-access", [1] = "ept",
    [2] = "desc-table", [3] = "rdtscp", [4] = "virt-x2apic", [5] = "vpid", [6] = "wbinvd",
    [7] = "unrestricted", [8] = "apic-reg-virt", [9] = "virt-intr-delivery",
    [10] = "pause-loop", [11] = "rdrand", [12] = "invpcid", [13] = "vmfunc",
    [14] = "vmcs-shadowing", [15] = "encls", [16] = "rdseed", [17] = "pml",
    [18] = "ept-ve", [20] = "xsaves"};
static const char *const exit_names[32] = {[2] = "save-debug", [9] = "host-64bit",
    [12] = "load-perf-global", [15] = "ack-intr", [18] = "save-pat", [19] = "load-pat",
    [20] = "save-efer", [21] = "load-efer", [22] = "save-preemption-timer"};
static const char *const entry_names[32] = {[2] = "load-debug", [9] = "ia32e-guest",
    [10] = "smm", [11] = "dual-monitor", [13] = "load-perf-global", [14] = "load-pat",
    [15] = "load-efer"};

static void print_bits(FILE *out, uint32_t v, const char *const names[32])
{
    for (unsigned b = 0; b < 32; b++)
        if ((v >> b) & 1) {
            if (names[b]) fprintf(out, " %s", names[b]);
            else fprintf(out, " bit%u", b);
        }
}

void vmx_dump_vmcs(const struct cpu *c, void *file)
{
    const struct vmx *x = c->vmx;
    FILE *out = file;
    if (!x) {
        fprintf(out, "VMX: not supported by this CPU model\n");
        return;
    }
    fprintf(out, "VMX: %s, VMXON region %#llx, current VMCS %#llx (%s)\n",
            x->guest ? "non-root operation" : x->root ? "root operation" : "off",
            (unsigned long long)x->vmxon_ptr, (unsigned long long)x->cur,
            x->cur == VMCS_PTR_NONE ? "none" : x->launched ? "launched" : "clear");
    if (x->cur == VMCS_PTR_NONE) return;
    static const char *const types[4] = {"control", "exit info", "guest", "host"};
    for (int k = 0; k < VF_COUNT; k++) {
        const struct vmcs_field_info *fi = &vmcs_fields[k];
        fprintf(out, "  %04x %-9s %-32s %#llx", fi->enc, types[fi->type], fi->name, (unsigned long long)x->f[k]);
        const char *const *names = k == VF_PIN_BASED_VM_EXEC_CONTROL ? pin_names
                                   : k == VF_CPU_BASED_VM_EXEC_CONTROL ? proc_names
                                   : k == VF_SECONDARY_VM_EXEC_CONTROL ? proc2_names
                                   : k == VF_VM_EXIT_CONTROLS ? exit_names
                                   : k == VF_VM_ENTRY_CONTROLS ? entry_names : NULL;
        if (names) {
            fprintf(out, " =");
            print_bits(out, (uint32_t)x->f[k], names);
        }
        if (k == VF_VM_EXIT_REASON && x->f[k])
            fprintf(out, " (%s%s)", (x->f[k] >> 31) ? "entry failure: " : "",
                    vmx_exit_reason_name((unsigned)x->f[k] & 0xffff));
        fputc('\n', out);
    }
}

uint32_t vmx_profile_tag(const struct cpu *c)
{
    const struct vmx *x = c->vmx;
    if (!x || !x->guest) return 0;
    return 1 + ((x->proc2 & SEC_ENABLE_VPID) ? (uint32_t)(uint16_t)x->f[VF_VIRTUAL_PROCESSOR_ID] : 0);
}
