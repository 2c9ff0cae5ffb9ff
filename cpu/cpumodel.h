/* CPU models are data: vendor, signature, the feature mask that gates decoding, and the CPUID
 * leaves derived from it. Nothing is advertised that is not implemented. */
#ifndef CPU_CPUMODEL_H
#define CPU_CPUMODEL_H

#include "emu/compiler.h"

enum cpu_vendor { VENDOR_INTEL, VENDOR_AMD };

struct cpu_model {
    const char *name;
    const char *description;
    enum cpu_vendor vendor;
    uint8_t family, model, stepping;
    uint32_t reset_edx;      /* EDX after RESET = CPUID.1:EAX signature */
    uint64_t features;       /* FEATURE_BIT mask of implemented instruction groups */
    uint8_t maxphys, maxvirt;
    bool nx, pdpe1gb, lahf64, pse36, pge, pat, mtrr, smep, smap, fsgsbase, sep_legacy;
    const char *brand;
};

#endif
