/* CPU models are data: vendor, signature, the feature mask that gates decoding, and the CPUID
 * leaves derived from it. Nothing is advertised that is not implemented. */
#ifndef CPU_CPUMODEL_H
#define CPU_CPUMODEL_H

#include "emu/compiler.h"

enum cpu_vendor { VENDOR_INTEL, VENDOR_AMD };

/* IA32_ARCH_CAPABILITIES (MSR 10AH, enumerated by CPUID.(EAX=7,ECX=0):EDX[29]; SDM Vol.4 table 2-2
 * and Intel's "CPUID Enumeration and Architectural MSRs" guidance) on the Intel models: only the
 * "not affected" bits, each true of turtles because it executes nothing speculatively and keeps
 * no microarchitectural buffers a load could sample: RDCL_NO (0, Meltdown/L1TF),
 * SKIP_L1DFL_VMENTRY (3), SSB_NO (4), MDS_NO (5), IF_PSCHANGE_MC_NO (6, no machine check on a
 * page-size change), TAA_NO (8), SBDR_SSDP_NO (13), FBSDP_NO (14), PSDP_NO (15), BHI_NO (20),
 * PBRSB_NO (24), GDS_NO (26), RFDS_NO (27). Guests then skip page-table isolation and the other
 * mitigations for those issues, and KVM skips the L1D flush on VM entry and the iTLB-multihit
 * huge-page split. */
#define CPU_ARCH_CAPABILITIES                                                                       \
    ((1ull << 0) | (1ull << 3) | (1ull << 4) | (1ull << 5) | (1ull << 6) | (1ull << 8) |            \
     (1ull << 13) | (1ull << 14) | (1ull << 15) | (1ull << 20) | (1ull << 24) | (1ull << 26) |     \
     (1ull << 27))

struct cpu_model {
    const char *name;
    const char *description;
    enum cpu_vendor vendor;
    uint8_t family, model, stepping;
    uint32_t reset_edx;      /* EDX after RESET = CPUID.1:EAX signature */
    uint64_t features;       /* FEATURE_BIT mask of implemented instruction groups */
    uint8_t maxphys, maxvirt;
    bool nx, pdpe1gb, lahf64, pse36, pge, pat, mtrr, smep, smap, fsgsbase, sep_legacy;
    bool umip;   /* CPUID.7.0:ECX[2], CR4.UMIP (SDM Vol.3A 2.5) */
    bool pcid;   /* CPUID.1:ECX[17], CR4.PCIDE (SDM Vol.3A 2.5, 4.10.1) */
    bool x2apic; /* CPUID.1:ECX[21]: the local APIC can enter x2APIC mode (SDM Vol.3A 11.12.1) */
    const char *brand;
};

#endif
