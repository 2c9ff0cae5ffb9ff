/* struct cpu and the CPU's public API. Every function takes the CPU explicitly; there is no global
 * CPU. The hot part comes first so an instruction's working set sits in a few cache lines.
 */
#ifndef CPU_CPU_H
#define CPU_CPU_H

#include <setjmp.h>

#include "cpu/decode/decode.h"
#include "mmu/mmu.h"

/* Supervisor state components IA32_XSS may enable (SDM Vol.1 13.3): none is implemented. */
#define XSS_SUPPORTED 0ull
#define RAS_SIZE 16 /* entries of the return-address stack (struct cpu.ras), a power of 2 */

struct memmap;
struct bus;
struct cpu_model;
struct icache;
struct vmx;

/* ---- architectural constants (SDM Vol.3A 2.5, Vol.1 3.4.3) ---- */
#define CR0_PE (1ull << 0)
#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR0_AM (1ull << 18)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_PG (1ull << 31)

#define CR4_VME (1ull << 0)
#define CR4_PVI (1ull << 1)
#define CR4_TSD (1ull << 2)
#define CR4_DE (1ull << 3)
#define CR4_PSE (1ull << 4)
#define CR4_PAE (1ull << 5)
#define CR4_MCE (1ull << 6)
#define CR4_PGE (1ull << 7)
#define CR4_PCE (1ull << 8)
#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_UMIP (1ull << 11)
#define CR4_VMXE (1ull << 13)
#define CR4_FSGSBASE (1ull << 16)
#define CR4_PCIDE (1ull << 17)
#define CR4_OSXSAVE (1ull << 18)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)

#define EFER_SCE (1ull << 0)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)
#define EFER_SVME (1ull << 12)
#define EFER_FFXSR (1ull << 14)

#define FL_CF (1u << 0)
#define FL_FIXED1 (1u << 1)
#define FL_PF (1u << 2)
#define FL_AF (1u << 4)
#define FL_ZF (1u << 6)
#define FL_SF (1u << 7)
#define FL_TF (1u << 8)
#define FL_IF (1u << 9)
#define FL_DF (1u << 10)
#define FL_OF (1u << 11)
#define FL_IOPL (3u << 12)
#define FL_NT (1u << 14)
#define FL_RF (1u << 16)
#define FL_VM (1u << 17)
#define FL_AC (1u << 18)
#define FL_VIF (1u << 19)
#define FL_VIP (1u << 20)
#define FL_ID (1u << 21)
#define FL_ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

/* Exception vectors (SDM Vol.3A 6.3.1) */
enum {
    EXC_DE = 0, EXC_DB = 1, EXC_NMI = 2, EXC_BP = 3, EXC_OF = 4, EXC_BR = 5, EXC_UD = 6,
    EXC_NM = 7, EXC_DF = 8, EXC_TS = 10, EXC_NP = 11, EXC_SS = 12, EXC_GP = 13, EXC_PF = 14,
    EXC_MF = 16, EXC_AC = 17, EXC_MC = 18, EXC_XM = 19, EXC_VE = 20, EXC_CP = 21
};

/* Segment access rights, in the VMX access-rights layout (SDM Vol.3C 25.4.1, table 25-2):
 *   3:0 type  4 S  6:5 DPL  7 P  12 AVL  13 L  14 D/B  15 G  16 unusable */
#define AR_TYPE 0x000f
#define AR_S 0x0010
#define AR_DPL_SHIFT 5
#define AR_P 0x0080
#define AR_L 0x2000
#define AR_DB 0x4000
#define AR_G 0x8000
#define AR_UNUSABLE 0x10000

#define SEG_OK_R 1
#define SEG_OK_W 2

struct seg {
    uint64_t eff_base; /* base used to form linear addresses (0 for ES/CS/SS/DS in 64-bit mode) */
    uint64_t lo, hi;   /* accessible offsets [lo, hi]; empty (lo > hi) when unusable */
    uint64_t base;
    uint32_t limit;    /* byte-granular limit */
    uint32_t ar;       /* AR_* */
    uint16_t sel;
    uint8_t ok;        /* SEG_OK_R | SEG_OK_W */
};

struct dtr {
    uint64_t base;
    uint32_t limit;
};

/* Lazy flags: cc_op says how to derive OSZAPC from cc_dst/cc_src/cc_src2 (see cpu/flags.c). */
enum cc_kind {
    CC_EFLAGS, /* cc_src holds the OSZAPC bits */
    CC_ADD, CC_ADC, CC_SUB, CC_SBB, CC_LOGIC, CC_INC, CC_DEC, CC_SHL, CC_SHR, CC_SAR, CC_MUL,
    CC_KINDS
};
#define CC_OP(kind, szlog) ((kind) << 2 | (szlog)) /* szlog 0..3 = 8/16/32/64 bits */

/* Pending-event bits, tested at block boundaries */
#define PEND_INTR (1u << 0)    /* maskable interrupt line asserted */
#define PEND_NMI (1u << 1)     /* an NMI is latched (at most one; cpu_nmi) */
#define PEND_INHIBIT (1u << 2) /* interrupt shadow (STI, MOV SS, POP SS) for one instruction */
#define PEND_TF (1u << 3)      /* single-step: #DB after the next instruction */
#define PEND_STOP (1u << 4)    /* leave the run loop (device asked for exit, reset, ...) */
#define PEND_TIMER (1u << 5)   /* a timer deadline was reached */
#define PEND_DR (1u << 6)      /* instruction breakpoints armed in DR7: single-instruction mode */
#define PEND_HALT (1u << 7)    /* HLT just executed: leave the block loop before the next instruction */
#define PEND_VMX (1u << 8)     /* VMX non-root: event injection or an asynchronous exit control is on */
#define PEND_INIT (1u << 9)    /* an INIT (not blocked) or a SIPI to act on (cpu/init.c) */
#define PEND_ONE (PEND_INHIBIT | PEND_TF | PEND_DR) /* execute one instruction at a time */

/* DR6 (SDM Vol.3A 18.2.3): B0-B3 are bits 3:0 */
#define DR6_BD (1u << 13) /* debug register access detected (DR7.GD) */
#define DR6_BS (1u << 14) /* single step */
#define DR7_GD (1u << 13)
/* dbp_pending: besides B0-B3, "an enabled breakpoint matched" (the pending-debug-exceptions
 * field's bit 12 at VM entry may come without any B bit, SDM Vol.3C 24.4.2) */
#define DBP_ENABLED 0x10u

/* x87 register and SSE register images */
struct fpreg {
    uint64_t sig;
    uint16_t se;
    uint16_t pad[3];
};
union xmm {
    uint8_t b[16];
    uint16_t w[8];
    uint32_t d[4];
    uint64_t q[2];
};

struct fpu {
    struct fpreg st[8]; /* physical registers R0..R7; ST(i) = st[(top + i) & 7] */
    uint16_t fcw, fsw, ftw; /* ftw: full 2-bit tags, bit pairs per physical register */
    uint16_t fop, fcs, fds;
    uint64_t fip, fdp;
};

/* Why cpu_run returned */
enum cpu_stop {
    CPU_STOP_BUDGET,   /* the instruction budget ran out */
    CPU_STOP_HALT,     /* HLT with nothing that can wake it */
    CPU_STOP_SHUTDOWN, /* triple fault */
    CPU_STOP_REQUEST,  /* PEND_STOP: a device or the user asked */
};

/* The pending fault, filled by cpu_raise() before it longjmps to the run loop. */
struct fault {
    uint8_t vector;
    bool has_err;
    uint32_t err;
};

struct cpu {
    /* ---- hot ---- */
    uint64_t gpr[18]; /* RAX..R15, then RIP (gpr[REG_RIP]) and a constant 0 (gpr[REG_NONE]) */
    uint64_t cc_dst, cc_src, cc_src2;
    uint32_t cc_op;
    uint32_t rflags; /* non-arithmetic bits; OSZAPC live in the lazy state */
    uint32_t pending;
    uint32_t ctx; /* decode context flags (CTX_*), the decoded-instruction cache's mode key */
    uint32_t chain_key; /* ctx | tlb_user << 8: block chains are made and followed under one key */
    uint64_t lin_mask; /* 0xffffffff outside 64-bit mode */
    /* Start of the current instruction, for fault rollback: read it with cpu_insn_rip(). Inside
     * a block it is derived from blk_rip and the lengths before cur (nothing is stored per
     * instruction); between blocks it is insn_rip, which the loop sets at event boundaries. */
    uint64_t insn_rip;
    uint64_t blk_rip;            /* RIP of the running block's first instruction */
    const struct insn *cur;      /* instruction being executed */
    const struct insn *blk_first; /* first instruction of the running block (icount accounting) */
    const struct insn *blk_end;   /* one past the last instruction that will run */
    const uint32_t *blk_stamp;    /* write stamp of the running block's page, and its value */
    uint32_t blk_stamp_val;
    /* The running block while run_blocks runs it with chaining on (NULL otherwise): direct
     * jumps (cpu_jump_direct) are made only then. */
    const struct block *blk;
    /* Direct jumps left before the next return to the run loop: handlers reach the next block
     * by tail calls, and a build that does not make them (-O0) must not grow the stack without
     * bound. */
    uint32_t direct_left;
    /* A same-page jump that left its block because it had no direct link yet: the run loop
     * links it to the block it finds at the target. */
    const struct insn *jfrom;
    /* Return-address stack: a near CALL run in a cached block pushes its return address and
     * that block (its links then hold the block at the return address too); a RET to the
     * address on top makes the run loop look for its next block among the CALL block's links
     * (ret_from) instead of the RET block's, which a function called from many places would
     * thrash. A prediction only: the links are validated as any chain link is. */
    struct ras_entry {
        uint64_t rip;
        const struct block *blk;
    } ras[RAS_SIZE];
    uint32_t ras_top;
    uint64_t ras_era; /* icache.flushes the entries' blocks belong to (run_blocks checks it) */
    const struct block *ret_from;
    uint8_t cpl;
    uint8_t tlb_user; /* 1 when CPL is 3: selects the user TLB class */
    uint8_t mode64;   /* CS.L in long mode */
    uint8_t halted;
    struct tlb_entry (*tlb_cls)[TLB_SIZE]; /* tlb.e[tlb_user]: the current class's arrays */
    struct seg seg[6];
    struct memmap *mem;
    struct bus *bus;
    uint64_t icount; /* retired instructions */
    uint64_t run_end; /* cpu_run returns when icount reaches this */
    uint64_t idle_ns; /* guest time spent halted (HLT skips to the next timer deadline) */
    uint64_t pause_ns; /* guest time charged to PAUSE beyond its 1 ns (cpu/ops/system.c) */
    uint64_t io_ns;    /* guest time charged to port I/O bus cycles (cpu/io.c) */
    struct tlb *tlb;     /* the active TLB: &tlb_host, or a VMX guest context (cpu/vmx/world.c) */
    struct tlb tlb_host; /* the TLB of VMX root operation and of a CPU without VMX */

    /* ---- cold ---- */
    uint64_t cr0, cr2, cr3, cr4, cr8, efer, xcr0;
    uint64_t xss; /* IA32_XSS (MSR DA0H): supervisor state components (XSS_SUPPORTED) */
    uint64_t pdpte[4]; /* PAE PDPTE registers (SDM Vol.3A 4.4.1) */
    uint64_t dr[8];
    struct dtr gdtr, idtr;
    struct seg ldtr, tr;
    uint64_t star, lstar, cstar, fmask, kernel_gs_base;
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t pat, tsc_offset, tsc_aux, apic_base, misc_enable, feature_control, mtrr_def_type;
    uint64_t mtrr_fixed[11], mtrr_var[16];
    uint32_t mxcsr;
    struct fpu fpu;
    union xmm xmm[16] __attribute__((aligned(64)));

    /* debug registers: armed data breakpoints, the ones hit by the current instruction, and the
     * hits held back by MOV SS/POP SS until after the next instruction (B0-B3, DBP_ENABLED) */
    uint8_t dbp_count, dbp_hit, dbp_pending;
    /* the DR6 bits (B0-B3, DR6_BD, DR6_BS) of the #DB being raised: cpu_deliver_event writes
     * them to DR6 (and clears DR7.GD for BD) only when the #DB does not cause a VM exit, which
     * reports them as its exit qualification instead (SDM Vol.3C 27.1, 27.2.1 table 27-1) */
    uint16_t db_cause;
    /* event delivery state */
    int cur_exc;       /* vector being delivered (for #DF escalation), -1 when none */
    uint64_t a20_mask;

    /* ---- control ---- */
    struct fault fault;
    jmp_buf jb;
    const struct cpu_model *model;
    uint64_t features; /* FEATURE_BIT mask of the model */
    struct decode_ctx dctx;
    struct icache *icache;
    void *machine; /* back pointer for the board (struct machine *) */
    int (*irq_ack)(void *machine);  /* INTA cycle: returns the vector of the pending interrupt */
    /* The local APIC, when the board has one: IA32_APIC_BASE goes to it, CPUID reports it. */
    void *apic;
    uint64_t (*apic_base_get)(void *apic);
    bool (*apic_base_set)(void *apic, uint64_t v);
    uint8_t (*apic_cr8_get)(void *apic);           /* CR8 = TPR[7:4] (SDM Vol.3A 11.8.6.1) */
    void (*apic_cr8_set)(void *apic, uint8_t v);
    /* The x2APIC registers, MSRs 800H-8FFH (SDM Vol.3A 11.12.1.2); false means #GP(0). */
    bool (*apic_msr_read)(void *apic, uint32_t idx, uint64_t *v);
    bool (*apic_msr_write)(void *apic, uint32_t idx, uint64_t v);
    bool shutdown;
    bool inhibit_movss; /* the interrupt shadow (PEND_INHIBIT) comes from MOV SS/POP SS, not STI */
    bool in_shadow;     /* running the one instruction of that shadow (PEND_INHIBIT consumed) */
    bool nmi_blocked;   /* NMIs blocked until the next IRET */
    /* INIT and SIPI (cpu/init.c): an INIT latched (held while blocked, in VMX root operation), a
     * SIPI latched in wait-for-SIPI and its vector, and the wait-for-SIPI activity state itself
     * (halted is set with it, so the run loop and the board treat it as a halt) */
    bool init_pending, sipi_pending, wait_sipi;
    uint8_t sipi_vector;
    /* a VMX guest entered in the shutdown activity state (SDM Vol.3C 24.4.2, 26.6.2), with
     * halted set: NMIs, INIT and the preemption-timer and NMI-window exits end it */
    bool vmx_shutdown;
    /* INIT's effect on the local APIC (lapic_init_reset, SDM Vol.3A 11.4.7.3); NULL: none */
    void (*apic_init)(void *apic);
    uint64_t cr2_prev;  /* CR2 before the last #PF was raised (a #PF that VM-exits leaves CR2) */
    /* RDRAND/RDSEED: a deterministic xoshiro256** generator, not entropy (cpu/ops/random.c) */
    uint64_t rng[4];
    struct vmx *vmx;    /* VMX state; NULL when the model has no VMX */
};

/* Creates a CPU of the given model attached to memory and I/O; calls cpu_reset. */
struct cpu *cpu_create(const struct cpu_model *model, struct memmap *mem, struct bus *bus);
void cpu_destroy(struct cpu *c);
/* Power-on/RESET state (SDM Vol.3A 10.1.1, table 10-1). */
void cpu_reset(struct cpu *c);
/* The seed of the CPU's RDRAND/RDSEED generator when none is given (cpu_rng_seed). */
#define CPU_RNG_DEFAULT_SEED 0x747572746c65ull /* "turtle" in ASCII */
/* Restarts the RDRAND/RDSEED generator from seed: the same seed gives the same numbers.
 * cpu_create seeds with CPU_RNG_DEFAULT_SEED; cpu_reset leaves the generator alone. */
void cpu_rng_seed(struct cpu *c, uint64_t seed);
/* The next 64-bit number of that generator. Never raises. */
uint64_t cpu_rng_next(struct cpu *c);
/* Runs until budget more instructions retire or a stop condition; returns why. */
enum cpu_stop cpu_run(struct cpu *c, uint64_t budget);
/* Guest time of one PAUSE in ns (cpu/ops/system.c explains the value). */
#define PAUSE_NS 140u
/* Guest time in nanoseconds: one retired instruction is one nanosecond, plus the time skipped
 * while halted and the extra time of PAUSE and of port I/O. Deterministic; the board's virtual
 * clock reads it. */
static inline uint64_t cpu_vtime(const struct cpu *c)
{
    return c->icount + c->idle_ns + c->pause_ns + c->io_ns;
}
/* Executes exactly one instruction (or delivers one pending event). */
enum cpu_stop cpu_step(struct cpu *c);
/* For a halted CPU (cpu_run returned CPU_STOP_HALT): returns whether an interrupt request can
 * end the halt (RFLAGS.IF, or external-interrupt exiting in VMX non-root operation), and sets
 * *at to the guest time of an event inside the CPU that ends it (the VMX-preemption timer), or
 * UINT64_MAX. Never raises. */
bool cpu_halt_wakeup(const struct cpu *c, uint64_t *at);
/* The board remapped guest-physical memory: flush translations. */
void cpu_memmap_changed(struct cpu *c);
/* Sets or clears the maskable-interrupt request line. */
void cpu_set_intr(struct cpu *c, bool level);
/* An NMI request (an edge: the local APIC's NMI delivery, SDM Vol.3A 6.7): latches one pending
 * NMI; a request while one is already pending merges with it (6.7.1: at most one is held while
 * NMIs are blocked). It is taken at an instruction boundary through IDT vector 2 (cpu_run).
 * Never raises. */
void cpu_nmi(struct cpu *c);
/* The INIT signal (the local APIC's INIT delivery, SDM Vol.3A 11.6.1): latched, and acted on at
 * an instruction boundary: outside VMX operation the processor INIT (cpu/init.c), in VMX
 * non-root operation a VM exit; held while in VMX root operation (Vol.3C 23.8) until VMXOFF or
 * a VM entry, and while a guest is in wait-for-SIPI (26.6.2). Never raises. */
void cpu_init_signal(struct cpu *c);
/* A start-up IPI with vector (SDM Vol.3A 10.4.4): recognised only in the wait-for-SIPI state
 * (then the processor starts in real mode at vector:0000, or in VMX non-root operation a VM
 * exit); otherwise discarded. Never raises. */
void cpu_sipi(struct cpu *c, uint8_t vector);
/* For a halted CPU: whether an INIT arriving now would be acted on (not blocked) and so end the
 * halt or wait-for-SIPI. Never raises. */
bool cpu_init_wakes_halt(const struct cpu *c);
/* For a halted CPU: whether an NMI arriving now would be taken (or cause a VM exit) and so end
 * the halt, i.e. NMIs are not blocked. Never raises. */
bool cpu_nmi_wakes_halt(const struct cpu *c);
/* Full RFLAGS value with the lazy arithmetic flags folded in. Never raises. */
uint64_t cpu_get_rflags(struct cpu *c);
/* Prints the VMX state and the current VMCS (-d vmcs). */
void cpu_dump_vmcs(struct cpu *c, void *file);
/* Prints the register state (for -d cpu, panics and test failures). */
void cpu_dump(struct cpu *c, void *file);

/* CPU models (cpu/cpumodel.c) */
const struct cpu_model *cpu_model_find(const char *name);
const struct cpu_model *cpu_model_default(void);
void cpu_model_list(void *file);

#endif
