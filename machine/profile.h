/* -d profile: a guest-RIP histogram for finding where guest instructions go. The board stops the
 * CPU every PROFILE_PERIOD retired instructions (at the end of the block that is running then)
 * and counts the linear address at which that block started; at exit the hottest addresses are printed with their share. Only
 * the host-side report depends on it: the guest runs the same instruction stream (run budgets
 * only decide where cpu_run returns, and blocks are never split by them). */
#ifndef MACHINE_PROFILE_H
#define MACHINE_PROFILE_H

#include <stdio.h>

#include "emu/compiler.h"

#define PROFILE_PERIOD 4096u

struct profile;

/* Returns a new empty histogram, or NULL when out of memory. */
struct profile *profile_create(void);
void profile_destroy(struct profile *p);
/* Counts one sample at linear address rip in context tag (0: not a VMX guest; else 1 + the
 * guest's VPID, vmx_profile_tag). */
void profile_add(struct profile *p, uint64_t rip, uint32_t tag);
/* Prints the top addresses (at most max_rows) by sample count with their share, to f; a VMX
 * guest's rows end with "guest vpid N". */
void profile_report(const struct profile *p, FILE *f, unsigned max_rows);

#endif
