/* The EPT page walker (SDM Vol.3C 28.2): guest-physical to host-physical translation through
 * the extended page tables, with EPT violations, misconfigurations and accessed/dirty flags.
 * Pure: it reads and updates the tables through struct walk_mem (mmu/mmu.h).
 *
 *   EPTP (SDM Vol.3C 24.6.11):  2:0 memory type  5:3 walk length - 1  6 A/D enable
 *                               N-1:12 PML4 table address
 *   entry (tables 28-1..28-6):  0 read  1 write  2 execute  5:3 memory type (leaf)
 *                               6 ignore PAT (leaf)  7 large page (PDPTE, PDE)
 *                               8 accessed  9 dirty (leaf)  N-1:12 address  63 suppress #VE
 */
#ifndef MMU_EPT_H
#define MMU_EPT_H

#include "mmu/mmu.h"

#define EPT_R 1u
#define EPT_W 2u
#define EPT_X 4u

struct ept_params {
    uint64_t eptp;
    uint8_t maxphys;
    bool exec_only; /* execute-only entries are supported (IA32_VMX_EPT_VPID_CAP bit 0) */
    bool ad_blocked; /* no accessed or dirty flag may be set now (the page-modification log is
                      * full, SDM Vol.3C 28.2.5): a walk that needs to set one stops instead */
};

/* EPT_AD_BLOCKED: the translation is allowed but needs an accessed or dirty flag set while
 * ad_blocked is true; nothing was written. */
enum ept_status { EPT_OK, EPT_VIOLATION, EPT_MISCONFIG, EPT_AD_BLOCKED };

struct ept_result {
    uint64_t hpa;       /* translated address (EPT_OK) */
    uint64_t page_size; /* 4K, 2M or 1G */
    unsigned perms;     /* EPT_R|W|X allowed by every entry on the path (0 when not present) */
    unsigned memtype;   /* leaf memory type */
    bool dirty_set;     /* EPT_OK: this walk changed the leaf's dirty flag from 0 to 1 */
    /* EPT_OK with A/D enabled in the EPTP: the flags as this walk leaves them: every entry of
     * the path has its accessed flag set (always true after a successful walk), and the leaf's
     * dirty flag. Both false with A/D disabled (bits 8 and 9 are then ignored, SDM Vol.3C
     * 28.2.4). */
    bool accessed, dirty;
};

/* Translates gpa for an access of kind acc (one of EPT_R, EPT_W, EPT_X). With A/D enabled in
 * the EPTP, sets the accessed flag of every entry used and the dirty flag of the leaf on
 * writes (SDM Vol.3C 28.2.4), unless p->ad_blocked (then EPT_AD_BLOCKED if any flag would
 * change). Never raises. */
enum ept_status ept_walk(const struct ept_params *p, const struct walk_mem *m, uint64_t gpa,
                         unsigned acc, struct ept_result *r) WARN_UNUSED;
/* True when eptp is a valid EPT pointer for VM entry and INVEPT (SDM Vol.3C 26.2.1.1): memory
 * type UC (0) or WB (6), 4-level walk, reserved bits clear; ad_ok: A/D enable allowed. Pure. */
bool ept_eptp_valid(uint64_t eptp, uint8_t maxphys, bool ad_ok);

#endif
