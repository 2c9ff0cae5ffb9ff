/* Raising guest exceptions and the #DF / triple-fault escalation (SDM Vol.3A 6.15, tables 6-4
 * and 6-5). cpu_raise records the fault and longjmps to the run loop, which rolls RIP back to
 * the faulting instruction and calls cpu_handle_fault.
 */
#include "cpu/cpu_priv.h"
#include "cpu/vmx/vmx.h"

/* Vectors that push an error code in protected mode (SDM Vol.3A 6.3.1, table 6-1). */
static bool vector_has_error(int vec)
{
    switch (vec) {
    case EXC_DF: case EXC_TS: case EXC_NP: case EXC_SS: case EXC_GP: case EXC_PF: case EXC_AC:
    case EXC_CP:
        return true;
    default:
        return false;
    }
}

/* SDM Vol.3A 6.15, table 6-4: contributory exceptions (including #CP, vector 21) */
static bool contributory(int vec)
{
    return vec == EXC_DE || vec == EXC_TS || vec == EXC_NP || vec == EXC_SS || vec == EXC_GP ||
           vec == EXC_CP;
}
/* ... and the page-fault class: #PF and #VE (vector 20) */
static bool pf_class(int vec) { return vec == EXC_PF || vec == EXC_VE; }

NORETURN void cpu_raise(struct cpu *c, int vec, uint32_t err)
{
    c->fault.vector = (uint8_t)vec;
    c->fault.has_err = vector_has_error(vec);
    c->fault.err = c->fault.has_err ? err : 0;
    longjmp(c->jb, 1);
}

NORETURN void cpu_raise_noerr(struct cpu *c, int vec) { cpu_raise(c, vec, 0); }

NORETURN void cpu_raise_pf(struct cpu *c, uint64_t lin, uint32_t err)
{
    c->cr2_prev = c->cr2;
    c->cr2 = lin; /* SDM Vol.3A 4.7: CR2 receives the faulting linear address */
    LOG(LOG_MMU, "#PF lin=%llx err=%x at %llx\n", (unsigned long long)lin, err, (unsigned long long)cpu_insn_rip(c));
    cpu_raise(c, EXC_PF, err);
}

int exc_combine(int prev, int vec)
{
    if (prev < 0) return vec;
    bool pf_or_contrib = contributory(vec) || pf_class(vec);
    if (prev == EXC_DF && pf_or_contrib) return -1; /* shutdown */
    if ((contributory(prev) && contributory(vec)) || (pf_class(prev) && pf_or_contrib)) return EXC_DF;
    return vec; /* handled serially */
}

void cpu_handle_fault(struct cpu *c)
{
    int vec = c->fault.vector;
    bool has_err = c->fault.has_err;
    uint32_t err = c->fault.err;
    int prev = c->cur_exc;

    /* A fault while delivering an earlier exception (SDM Vol.3A 6.15, table 6-5). */
    int v = exc_combine(prev, vec);
    if (v < 0 && (c->ctx & CTX_VMX)) {
        /* in VMX non-root operation a triple fault is a VM exit (SDM Vol.3C 25.2) */
        c->cur_exc = -1;
        vmx_do_exit(c, EXIT_TRIPLE_FAULT, 0);
        return;
    }
    if (v < 0) {
        LOG(LOG_INT | LOG_CPU_RESET, "triple fault at %04x:%016llx (vector %d during #DF)\n",
            c->seg[SEG_CS].sel, (unsigned long long)RIP(c), vec);
        c->cur_exc = -1;
        c->shutdown = true;
        return;
    }
    if (v != vec) {
        vec = v;
        has_err = true;
        err = 0;
    }
    LOG(LOG_INT, "exception %d err=%x at %04x:%016llx cr2=%llx icount=%llu\n", vec,
        has_err ? err : 0, c->seg[SEG_CS].sel, (unsigned long long)RIP(c),
        (unsigned long long)c->cr2, (unsigned long long)c->icount);
    c->cur_exc = vec;
    cpu_deliver_event(c, vec, EV_EXC, has_err, err);
    c->cur_exc = -1;
}

HANDLER(ud) { raise_ud(c); }
HANDLER(nm) { cpu_raise_noerr(c, EXC_NM); }
HANDLER(gp0) { raise_gp(c, 0); }
HANDLER(nop) {}
