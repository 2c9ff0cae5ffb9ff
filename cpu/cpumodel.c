/* CPU models and CPUID (SDM Vol.2 CPUID; APM Vol.3 E.3). */
#include <stdio.h>
#include <string.h>

#include "cpu/cpu_priv.h"
#include "cpu/cpumodel.h"

#define F(x) FEATURE_BIT(FEAT_##x)
/* Instruction groups complete in this build (see docs/cpu-status.md). */
#define COMMON_FEATURES                                                                            \
    (F(BASE) | F(X87) | F(CX8) | F(CMOV) | F(MMX) | F(FXSR) | F(SSE) | F(SSE2) | F(SSE3) |         \
     F(SSSE3) | F(SSE41) | F(SSE42) | F(POPCNT) | F(LZCNT) | F(MOVBE) | F(CX16) | F(XSAVE) |       \
     F(XSAVEC) | F(XSAVES) |                                                                     \
     F(RDTSCP) | F(FSGSBASE) | F(SYSCALL) | F(SEP) | F(CLFLUSH) | F(SMAP) | F(AES) | F(PCLMUL))

static const struct cpu_model models[] = {
    {
        .name = "corei7",
        /* The signature is Nehalem's (06_1A_5); the features are everything turtles implements,
         * several of them later than Nehalem (AES, PCLMULQDQ, MOVBE, SMEP, SMAP, FSGSBASE, x2APIC,
         * and the VMX capabilities of cpu/vmx/caps.c). KVM's per-signature choices (the broken
         * preemption-timer list) depend on the signature, so it stays (docs/status.md). */
        .description = "Intel Core i7 (Nehalem signature; later: x2APIC, UMIP, PCID, RDRAND, VMX+EPT)",
        .vendor = VENDOR_INTEL, .family = 6, .model = 0x1a, .stepping = 5,
        .reset_edx = 0x000106a5,
        /* RDRAND (Ivy Bridge) and RDSEED (Broadwell): deterministic numbers (cpu/ops/random.c) */
        .features = COMMON_FEATURES | F(VMX) | F(RDRAND) | F(RDSEED) | F(INVPCID),
        .maxphys = 40, .maxvirt = 48,
        .nx = true, .pdpe1gb = true, .lahf64 = true, .pse36 = true, .pge = true, .pat = true,
        .mtrr = true, .smep = true, .smap = true, .fsgsbase = true, .x2apic = true, .umip = true,
        .pcid = true, /* PCID and INVPCID (Sandy Bridge / Haswell): translations are not tagged by
                       * PCID, every CR3 load flushes (docs/architecture.md, TLB) */
        .brand = "Intel(R) Core(TM) i7 CPU (turtles)",
    },
    {
        .name = "epyc",
        .description = "AMD EPYC-class signature (family 17h), 64-bit, no SVM yet",
        .vendor = VENDOR_AMD, .family = 0x17, .model = 0x01, .stepping = 2,
        .reset_edx = 0x00800f12,
        .features = COMMON_FEATURES,
        .maxphys = 40, .maxvirt = 48,
        .nx = true, .pdpe1gb = true, .lahf64 = true, .pse36 = true, .pge = true, .pat = true,
        .mtrr = true, .smep = true, .smap = true, .fsgsbase = true,
        .brand = "AMD EPYC Processor (turtles)",
    },
};

const struct cpu_model *cpu_model_find(const char *name)
{
    if (!strcmp(name, "max") || !strcmp(name, "host")) return &models[0];
    for (unsigned k = 0; k < ARRAY_SIZE(models); k++)
        if (!strcmp(models[k].name, name)) return &models[k];
    return NULL;
}

const struct cpu_model *cpu_model_default(void) { return &models[0]; }

void cpu_model_list(void *file)
{
    for (unsigned k = 0; k < ARRAY_SIZE(models); k++)
        fprintf(file, "  %-10s %s\n", models[k].name, models[k].description);
}

static bool has(const struct cpu *c, enum feature f) { return (c->features & FEATURE_BIT(f)) != 0; }

static void put_str(uint32_t *regs, const char *s12)
{
    memcpy(regs, s12, 12);
}

void cpu_cpuid(struct cpu *c, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
    const struct cpu_model *m = c->model;
    uint32_t a = 0, b = 0, cx = 0, d = 0;
    bool intel = m->vendor == VENDOR_INTEL;
    uint32_t max_basic = 0xd, max_ext = 0x80000008;

    /* SDM Vol.2 CPUID: Intel returns the highest basic leaf for out-of-range inputs; AMD zeros */
    if ((leaf > max_basic && leaf < 0x80000000) || leaf > max_ext) {
        if (!intel) {
            out[0] = out[1] = out[2] = out[3] = 0;
            return;
        }
        leaf = max_basic;
        sub = 0;
    }
    switch (leaf) {
    case 0: {
        uint32_t v[3];
        put_str(v, intel ? "GenuineIntel" : "AuthenticAMD");
        a = max_basic;
        b = v[0];
        d = v[1];
        cx = v[2];
        break;
    }
    case 1:
        a = m->reset_edx;
        b = (8u << 8) | (1u << 16); /* CLFLUSH line 8*8 = 64 bytes; 1 logical processor; APIC ID 0 */
        /* EDX (SDM Vol.2 CPUID table 3-11) */
        d = (1u << 0)                        /* FPU */
            | (m->pse36 ? 1u << 3 : 0)       /* PSE */
            | (1u << 4)                      /* TSC */
            | (1u << 5)                      /* MSR */
            | (1u << 6)                      /* PAE */
            | (has(c, FEAT_CX8) ? 1u << 8 : 0)
            | (c->apic && c->apic_base_get && (c->apic_base_get(c->apic) & (1u << 11)) ? 1u << 9 : 0)
            | (has(c, FEAT_SEP) ? 1u << 11 : 0)
            | (m->mtrr ? 1u << 12 : 0)
            | (m->pge ? 1u << 13 : 0)
            | (has(c, FEAT_CMOV) ? 1u << 15 : 0)
            | (m->pat ? 1u << 16 : 0)
            | (m->pse36 ? 1u << 17 : 0)
            | (has(c, FEAT_CLFLUSH) ? 1u << 19 : 0)
            | (has(c, FEAT_MMX) ? 1u << 23 : 0)
            | (has(c, FEAT_FXSR) ? 1u << 24 : 0)
            | (has(c, FEAT_SSE) ? 1u << 25 : 0)
            | (has(c, FEAT_SSE2) ? 1u << 26 : 0);
        cx = (has(c, FEAT_SSE3) ? 1u << 0 : 0)
             | (has(c, FEAT_PCLMUL) ? 1u << 1 : 0)
             | (has(c, FEAT_MONITOR) ? 1u << 3 : 0)
             | (has(c, FEAT_VMX) ? 1u << 5 : 0)
             | (has(c, FEAT_SSSE3) ? 1u << 9 : 0)
             | (has(c, FEAT_CX16) ? 1u << 13 : 0)
             | (m->pcid ? 1u << 17 : 0) /* PCID (SDM Vol.3A 4.10.1) */
             | (has(c, FEAT_SSE41) ? 1u << 19 : 0)
             | (has(c, FEAT_SSE42) ? 1u << 20 : 0)
             | (m->x2apic && c->apic ? 1u << 21 : 0) /* x2APIC (SDM Vol.3A 11.12.1) */
             | (has(c, FEAT_MOVBE) ? 1u << 22 : 0)
             | (has(c, FEAT_POPCNT) ? 1u << 23 : 0)
             | (has(c, FEAT_AES) ? 1u << 25 : 0)
             | (has(c, FEAT_XSAVE) ? 1u << 26 : 0)
             | ((c->cr4 & CR4_OSXSAVE) ? 1u << 27 : 0)
             | (has(c, FEAT_RDRAND) ? 1u << 30 : 0); /* bit 31 (hypervisor present): never set */
        break;
    case 7:
        if (sub == 0) {
            b = (m->fsgsbase && has(c, FEAT_FSGSBASE) ? 1u << 0 : 0)
                | (m->smep ? 1u << 7 : 0)
                | (has(c, FEAT_INVPCID) ? 1u << 10 : 0)
                | (has(c, FEAT_RDSEED) ? 1u << 18 : 0)
                | (m->smap && has(c, FEAT_SMAP) ? 1u << 20 : 0);
            cx = m->umip ? 1u << 2 : 0;
            d = intel ? 1u << 29 : 0; /* IA32_ARCH_CAPABILITIES (cpumodel.h) */
        }
        break;
    case 0xd:
        /* XSAVE: x87 and SSE state only (SDM Vol.1 13.2; Vol.2 CPUID leaf 0DH) */
        if (has(c, FEAT_XSAVE)) {
            if (sub == 0) {
                a = 3;
                b = 576; /* size for the components enabled in XCR0 (legacy area + header) */
                cx = 576;
            } else if (sub == 1) {
                /* EAX: XSAVEOPT (0), XSAVEC and compacted XRSTOR (1), XGETBV with ECX = 1 (2),
                 * XSAVES/XRSTORS and IA32_XSS (3). EBX: compacted size of the components in
                 * XCR0 | IA32_XSS; both hold at most x87 and SSE, which live in the legacy area,
                 * so it is 512 + 64. ECX/EDX: supported IA32_XSS bits (none). */
                a = (has(c, FEAT_XSAVEOPT) ? 1u << 0 : 0) | (has(c, FEAT_XSAVEC) ? 1u << 1 : 0) |
                    (has(c, FEAT_XSAVES) ? 1u << 3 : 0);
                b = has(c, FEAT_XSAVES) ? 576 : 0;
                cx = (uint32_t)XSS_SUPPORTED;
                d = (uint32_t)(XSS_SUPPORTED >> 32);
            }
        }
        break;
    case 0x80000000:
        a = max_ext;
        if (!intel) {
            uint32_t v[3];
            put_str(v, "AuthenticAMD");
            b = v[0];
            d = v[1];
            cx = v[2];
        }
        break;
    case 0x80000001:
        if (!intel) a = m->reset_edx;
        cx = (m->lahf64 ? 1u << 0 : 0) | (has(c, FEAT_LZCNT) ? 1u << 5 : 0);
        d = (has(c, FEAT_SYSCALL) ? 1u << 11 : 0)
            | (m->nx ? 1u << 20 : 0)
            | (m->pdpe1gb ? 1u << 26 : 0)
            | (has(c, FEAT_RDTSCP) ? 1u << 27 : 0)
            | (1u << 29); /* LM */
        if (!intel) d |= 1u << 0 | 1u << 3 | 1u << 4 | 1u << 5 | 1u << 6 | 1u << 8 | 1u << 13 |
                         1u << 15 | 1u << 16 | 1u << 17 | 1u << 23 | 1u << 24;
        break;
    case 0x80000002: case 0x80000003: case 0x80000004: {
        char brand[48] = {0};
        strncpy(brand, m->brand, sizeof brand - 1);
        memcpy(out, brand + 16 * (leaf - 0x80000002), 16);
        return;
    }
    case 0x80000006:
        cx = (256u << 16) | (8u << 12) | 64; /* 256 KiB L2, 8-way, 64-byte lines */
        break;
    case 0x80000008:
        a = m->maxphys | ((uint32_t)m->maxvirt << 8);
        break;
    default:
        break;
    }
    out[0] = a;
    out[1] = b;
    out[2] = cx;
    out[3] = d;
}
