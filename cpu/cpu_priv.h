/* Helpers for instruction handlers: register access, effective addresses, segment checks,
 * memory access with the TLB fast path, stack, lazy flags and the raise functions.
 * Functions marked "may raise" longjmp to the run loop on a guest fault.
 */
#ifndef CPU_CPU_PRIV_H
#define CPU_CPU_PRIV_H

#include <string.h>

#include "cpu/cpu.h"
#include "emu/log.h"

#define RIP(c) ((c)->gpr[REG_RIP])

/* Declares a handler: void op_NAME(struct cpu *c, const struct insn *i) */
#define HANDLER_PROTO(name) void op_##name(struct cpu *c, const struct insn *i)

/* Threaded dispatch: every handler ends by running the next instruction of its block, as a tail
 * call, so the run loop (cpu/exec.c: exec_insns) calls only a block's first handler and each
 * handler has its own indirect jump to the next. The instruction after a block's last one is an
 * end marker (cpu_insn_end_marker) whose handler returns to the loop, so nothing is compared
 * per instruction. Code that runs a lone decoded instruction puts a marker after it. */
void cpu_insn_end_marker(struct insn *i);
static ALWAYS_INLINE void cpu_next_insn(struct cpu *c, const struct insn *i)
{
    const struct insn *n = i + 1;
    c->cur = n;
    c->gpr[16] += n->len; /* RIP: the next instruction's address during its handler */
    n->fn(c, n);
}

/* The end of a Jcc, JMP rel or CALL rel that has jumped (RIP is the target; rip_next the RIP
 * after the jump instruction): runs on in the target block when the jump has a direct link to
 * it that is still valid (same page, unwritten) and the run loop would go on anyway (no event
 * due, budget left), else returns to the run loop, which makes the link (cpu/exec.c). */
void cpu_jump_direct(struct cpu *c, const struct insn *i, uint64_t rip_next);
/* The end of a near RET i that returned to the address its CALL pushed (ras_pop set ret_from):
 * runs on in the block at the return address when the CALL block's link to it is valid and the
 * run loop would go on anyway, else returns to the run loop, which follows or makes the link. */
void cpu_ret_direct(struct cpu *c, const struct insn *i);

/* Defines a handler: HANDLER(name) { body } defines op_name, which runs the body and then the
 * block's next instruction (cpu_next_insn). A body may return early; a raise leaves the block. */
#define HANDLER_DEF(linkage, name)                                                                 \
    static ALWAYS_INLINE void body_##name(struct cpu *c, const struct insn *i);                    \
    linkage void op_##name(struct cpu *c, const struct insn *i)                                    \
    {                                                                                              \
        body_##name(c, i);                                                                         \
        cpu_next_insn(c, i);                                                                       \
    }                                                                                              \
    static ALWAYS_INLINE void body_##name(struct cpu *c, const struct insn *i)
#define HANDLER(name) HANDLER_DEF(, name)
#define STATIC_HANDLER(name) HANDLER_DEF(static, name)

/* All handler prototypes, generated from the catalogue. */
#define OP(ID, MNEM, MAP, OPC, PFX, EXT, FORM, IMM, ATTR, FEAT, ICPT, FN_M, FN_R)                  \
    HANDLER_PROTO(FN_M);                                                                           \
    HANDLER_PROTO(FN_R);
#include "cpu/decode/opcodes.def"
#undef OP
HANDLER_PROTO(nm);
HANDLER_PROTO(gp0);
/* Ends the running block before this instruction (self-modifying code); it is decoded afresh. */
HANDLER_PROTO(leave_block);

/* Operand-size specialised handlers: {op, osz, form, handler}, zero-terminated lists defined
 * next to the generic handlers and installed at decode time by cpu_specialize(). form is
 * SPEC_REG or SPEC_MEM (the ModRM form), or SPEC_FLAT_REG / SPEC_FLAT_MEM for a 64-bit flat
 * handler (FLAT_HANDLER below), installed when the address size is 64 bits and, for a memory
 * operand, the segment is ES, CS, SS or DS. */
enum { SPEC_REG, SPEC_MEM, SPEC_FLAT_REG, SPEC_FLAT_MEM, SPEC_FORMS };
struct spec_entry {
    uint16_t op;
    uint8_t osz, mem;
    insn_fn fn;
};
extern const struct spec_entry alu_specs[], data_specs[], shift_specs[], stack_specs[], muldiv_specs[];
/* Replaces i->fn by a specialised handler when one exists for its form. Never raises. */
void cpu_specialize(struct insn *i);

/* ---- raising (cpu/exception.c) ---- */
/* Raises exception vec (with error code err if the vector has one). May raise: always longjmps. */
NORETURN void cpu_raise(struct cpu *c, int vec, uint32_t err);
NORETURN void cpu_raise_noerr(struct cpu *c, int vec);
NORETURN void cpu_raise_pf(struct cpu *c, uint64_t lin, uint32_t err);
/* Exception class combination (SDM Vol.3A 6.15 table 6-5): the vector to deliver when vec is
 * raised while delivering prev (-1 = none): vec, EXC_DF, or -1 for a triple fault. Pure. */
int exc_combine(int prev, int vec);
/* Run-loop side: delivers c->fault with #DF / triple-fault escalation. May raise (nested). */
void cpu_handle_fault(struct cpu *c);
#define raise_ud(c) cpu_raise_noerr(c, EXC_UD)
#define raise_gp(c, e) cpu_raise(c, EXC_GP, e)
#define raise_ss(c, e) cpu_raise(c, EXC_SS, e)
#define raise_np(c, e) cpu_raise(c, EXC_NP, e)
#define raise_ts(c, e) cpu_raise(c, EXC_TS, e)

/* Event delivery (cpu/interrupt.c). Software interrupts (INT n, INT3, INTO) pass soft=true:
 * the gate DPL is checked and the pushed RIP is the next instruction. May raise. */
enum event_type { EV_EXT, EV_NMI, EV_EXC, EV_SOFT, EV_PRIVSOFT /* INT1 */ };
void cpu_deliver_event(struct cpu *c, int vec, enum event_type type, bool has_err, uint32_t err);
/* At an instruction boundary: takes the pending NMI when nothing blocks it (blocking by NMI, the
 * STI/MOV SS shadow) and returns true; in VMX non-root operation it may become a VM exit, which
 * longjmps. Returns false, changing nothing, otherwise. (cpu/interrupt.c) */
bool cpu_take_nmi(struct cpu *c);
/* Ends the running block after the current instruction, for an event that instruction raised and
 * that must be taken at the next boundary (an NMI it sent itself). Costs the block a new decode;
 * nothing outside a block. Never raises. (cpu/exec.c) */
void cpu_cut_block(struct cpu *c);
/* The register state common to RESET and INIT (SDM Vol.3A table 10-1) with CR0 = cr0; the
 * caller sets what differs (cpu/reset.c). Never raises. */
void cpu_reset_regs(struct cpu *c, uint64_t cr0);
/* Sets PEND_INIT exactly while an INIT that is not blocked (in VMX root operation) or a SIPI is
 * latched; called wherever that blocking changes (VMXON, VMXOFF, VM entry and exit). Never
 * raises. (cpu/init.c) */
void cpu_update_init(struct cpu *c);
/* At an instruction boundary outside VMX non-root operation: performs a latched INIT (the
 * processor INIT of table 10-1, then wait-for-SIPI unless this is the BSP) or starts the
 * processor for a latched SIPI, and returns true; false, changing nothing, when neither is
 * due. Never raises. (cpu/init.c) */
bool cpu_take_init(struct cpu *c);

/* ---- mode (cpu/mode.c) ---- */
/* Recomputes ctx (decode mode key), lin_mask, mode64, cpl class and segment effective bases after
 * a change to CR0/CR4/EFER/CS/RFLAGS.VM. Never raises. */
void cpu_update_mode(struct cpu *c);
static inline bool cpu_long_mode(const struct cpu *c) { return (c->efer & EFER_LMA) != 0; }
static inline bool cpu_pmode(const struct cpu *c) { return (c->cr0 & CR0_PE) != 0; }
static inline bool cpu_v86(const struct cpu *c) { return (c->rflags & FL_VM) != 0; }
static inline unsigned cpu_iopl(const struct cpu *c) { return (c->rflags >> 12) & 3; }
/* EDX:EAX as one 64-bit operand (WRMSR, XSETBV, the XSAVE family's mask, CMPXCHG8B) */
static inline uint64_t cpu_edx_eax(const struct cpu *c)
{
    return (uint64_t)(uint32_t)c->gpr[2] << 32 | (uint32_t)c->gpr[0];
}
/* CR4.UMIP: SGDT, SIDT, SLDT, SMSW and STR raise #GP(0) at CPL > 0 (SDM Vol.3A 2.5) */
static inline void cpu_check_umip(struct cpu *c)
{
    if ((c->cr4 & CR4_UMIP) && c->cpl > 0) raise_gp(c, 0);
}

/* RIP of the instruction being executed (see struct cpu: insn_rip). Never raises. */
static inline uint64_t cpu_insn_rip(const struct cpu *c)
{
    if (!c->blk_first) return c->insn_rip;
    uint64_t rip = c->blk_rip;
    for (const struct insn *k = c->blk_first; k < c->cur; k++) rip += k->len;
    return rip;
}
/* Makes rip the current instruction's RIP for faults raised from here on (a task switch reports
 * later faults at the new task's EIP). Never raises. */
static inline void cpu_set_insn_rip(struct cpu *c, uint64_t rip)
{
    if (!c->blk_first) {
        c->insn_rip = rip;
        return;
    }
    for (const struct insn *k = c->blk_first; k < c->cur; k++) rip -= k->len;
    c->blk_rip = rip;
}

/* ---- registers ---- */
static inline uint64_t sz_mask(unsigned szlog)
{
    static const uint64_t masks[4] = {0xff, 0xffff, 0xffffffff, ~0ull};
    return masks[szlog & 3];
}
/* Sign-extends the low 2^szlog bytes of v to 64 bits. */
static inline uint64_t sz_sext(uint64_t v, unsigned szlog)
{
    unsigned sh = 64 - (8u << szlog);
    return (uint64_t)((int64_t)(v << sh) >> sh);
}
static inline uint64_t get_reg(const struct cpu *c, unsigned r, unsigned szlog)
{
    return c->gpr[r] & sz_mask(szlog);
}
/* Writes a 16/32/64-bit register; 32-bit writes zero the upper half (SDM Vol.1 3.4.1.1). */
static inline void set_reg(struct cpu *c, unsigned r, unsigned szlog, uint64_t v)
{
    switch (szlog) {
    case 1: c->gpr[r] = (c->gpr[r] & ~0xffffull) | (v & 0xffff); break;
    case 2: c->gpr[r] = (uint32_t)v; break;
    default: c->gpr[r] = v; break;
    }
}
/* Byte registers: without REX, 4..7 are AH, CH, DH, BH. */
static inline uint8_t get_r8(const struct cpu *c, unsigned r, unsigned pfx)
{
    if (r >= 4 && r < 8 && !(pfx & PFX_REX)) return (uint8_t)(c->gpr[r - 4] >> 8);
    return (uint8_t)c->gpr[r];
}
static inline void set_r8(struct cpu *c, unsigned r, unsigned pfx, uint8_t v)
{
    if (r >= 4 && r < 8 && !(pfx & PFX_REX))
        c->gpr[r - 4] = (c->gpr[r - 4] & ~0xff00ull) | ((uint64_t)v << 8);
    else
        c->gpr[r] = (c->gpr[r] & ~0xffull) | v;
}

/* ---- effective address (SDM Vol.1 3.7.5) ---- */
static inline uint64_t ea(const struct cpu *c, const struct insn *i)
{
    uint64_t a = c->gpr[i->base] + (c->gpr[i->index] << i->scale) + (uint64_t)(int64_t)i->disp;
    return a & sz_mask(i->asz);
}

static inline bool is_canonical(uint64_t a) { return (uint64_t)((int64_t)(a << 16) >> 16) == a; }

/* ---- segment checks: offset -> linear address (SDM Vol.3A 5.3, 3.4.5) ---- */
NORETURN void cpu_seg_fault(struct cpu *c, unsigned s, uint64_t off);
static inline uint64_t seg_lin(struct cpu *c, unsigned s, uint64_t off, unsigned size, unsigned need)
{
    const struct seg *sg = &c->seg[s];
    if (likely(c->mode64)) {
        /* 64-bit mode: no limit or type checks; a non-canonical address is #SS(0) for SS, else
         * #GP(0) (SDM Vol.3A 3.3.7.1, 5.3.1) */
        uint64_t lin = sg->eff_base + off;
        if (unlikely(!is_canonical(lin))) cpu_seg_fault(c, s, off);
        return lin;
    }
    if (unlikely(off < sg->lo || off + (size - 1) > sg->hi || (sg->ok & need) != need))
        cpu_seg_fault(c, s, off);
    return (sg->eff_base + off) & 0xffffffffull;
}
/* seg_lin for accesses that go through the TLB: in 64-bit mode the canonical check is left to
 * the TLB-miss path (seg_access_miss): TLB tags are canonical page addresses, so a non-canonical
 * address never hits. Outside 64-bit mode the same checks as seg_lin. May raise. */
static ALWAYS_INLINE uint64_t seg_lin_tlb(struct cpu *c, unsigned s, uint64_t off, unsigned size,
                                          unsigned need)
{
    if (likely(c->mode64)) return c->seg[s].eff_base + off;
    return seg_lin(c, s, off, size, need);
}

/* ---- memory (mmu/access.c slow paths) ---- */
/* Loads/stores 2^sz bytes at a host address (sz a constant in the callers). */
static ALWAYS_INLINE uint64_t host_ld(const void *h, unsigned sz)
{
    switch (sz) {
    case 0: { uint8_t v; memcpy(&v, h, 1); return v; }
    case 1: { uint16_t v; memcpy(&v, h, 2); return v; }
    case 2: { uint32_t v; memcpy(&v, h, 4); return v; }
    default: { uint64_t v; memcpy(&v, h, 8); return v; }
    }
}
static ALWAYS_INLINE void host_st(void *h, unsigned sz, uint64_t v)
{
    switch (sz) {
    case 0: { uint8_t t = (uint8_t)v; memcpy(h, &t, 1); break; }
    case 1: { uint16_t t = (uint16_t)v; memcpy(h, &t, 2); break; }
    case 2: { uint32_t t = (uint32_t)v; memcpy(h, &t, 4); break; }
    default: memcpy(h, &v, 8); break;
    }
}
uint64_t mmu_read_slow(struct cpu *c, uint64_t lin, unsigned size, unsigned acc);
void mmu_write_slow(struct cpu *c, uint64_t lin, unsigned size, uint64_t val, unsigned acc);
/* Reads guest-physical memory: through EPT in a VMX guest that uses it (an EPT violation is a
 * VM exit), else physical memory. May raise (VM exit). */
uint64_t cpu_read_gpa(struct cpu *c, uint64_t gpa, unsigned size);
/* The TLB-miss side of rd/wr/rmw_rd (cpu_priv.h): the 64-bit canonical check of seg_lin_tlb
 * (#SS(0) through SS, else #GP(0); SDM Vol.3A 3.3.7.1), then mmu_read_slow / mmu_write_slow.
 * May raise. */
uint64_t seg_read_miss(struct cpu *c, unsigned s, uint64_t lin, unsigned size, unsigned acc);
void seg_write_miss(struct cpu *c, unsigned s, uint64_t lin, unsigned size, uint64_t val, unsigned acc);
/* Translates for an access without performing it; returns the physical address. May raise #PF. */
uint64_t mmu_translate(struct cpu *c, uint64_t lin, unsigned acc);

/* The return-address stack (struct cpu.ras): a near CALL pushes its return address with the
 * block it runs in; a near RET pops, and when it returns to the address popped, names that block
 * to the run loop (ret_from). Never raises; nothing architectural depends on it. */
static ALWAYS_INLINE void ras_push(struct cpu *c, uint64_t ret)
{
    struct ras_entry *e = &c->ras[++c->ras_top & (RAS_SIZE - 1)];
    e->rip = ret;
    e->blk = c->blk;
}
static ALWAYS_INLINE void ras_pop(struct cpu *c, uint64_t target)
{
    const struct ras_entry *e = &c->ras[c->ras_top-- & (RAS_SIZE - 1)];
    if (e->rip == target) c->ret_from = e->blk;
}

static ALWAYS_INLINE const struct tlb_entry *tlb_lookup(struct cpu *c, unsigned type, uint64_t lin,
                                                        unsigned size)
{
    const struct tlb_entry *e = &c->tlb_cls[type][(lin >> 12) & TLB_MASK];
    return e->tag == (lin & (~0xfffull | (size - 1))) ? e : NULL;
}

#define DEFINE_LIN_ACCESS(bits)                                                                    \
    static ALWAYS_INLINE uint##bits##_t lin_rd##bits(struct cpu *c, uint64_t lin)                   \
    {                                                                                              \
        const struct tlb_entry *e = tlb_lookup(c, TLB_R, lin, bits / 8);                           \
        uint##bits##_t v;                                                                          \
        if (likely(e)) {                                                                           \
            memcpy(&v, (const void *)(e->addend + (uintptr_t)lin), sizeof v);                      \
            return v;                                                                              \
        }                                                                                          \
        return (uint##bits##_t)mmu_read_slow(c, lin, bits / 8, c->tlb_user ? ACC_USER : 0);        \
    }                                                                                              \
    static ALWAYS_INLINE void lin_wr##bits(struct cpu *c, uint64_t lin, uint##bits##_t v)          \
    {                                                                                              \
        const struct tlb_entry *e = tlb_lookup(c, TLB_W, lin, bits / 8);                           \
        if (likely(e)) {                                                                           \
            memcpy((void *)(e->addend + (uintptr_t)lin), &v, sizeof v);                            \
            return;                                                                                \
        }                                                                                          \
        mmu_write_slow(c, lin, bits / 8, v, ACC_WRITE | (c->tlb_user ? ACC_USER : 0));             \
    }                                                                                              \
    static ALWAYS_INLINE uint##bits##_t rd##bits(struct cpu *c, unsigned s, uint64_t off)          \
    {                                                                                              \
        uint64_t lin = seg_lin_tlb(c, s, off, bits / 8, SEG_OK_R);                                 \
        const struct tlb_entry *e = tlb_lookup(c, TLB_R, lin, bits / 8);                           \
        uint##bits##_t v;                                                                          \
        if (likely(e)) {                                                                           \
            memcpy(&v, (const void *)(e->addend + (uintptr_t)lin), sizeof v);                      \
            return v;                                                                              \
        }                                                                                          \
        return (uint##bits##_t)seg_read_miss(c, s, lin, bits / 8, c->tlb_user ? ACC_USER : 0);     \
    }                                                                                              \
    static ALWAYS_INLINE void wr##bits(struct cpu *c, unsigned s, uint64_t off, uint##bits##_t v)  \
    {                                                                                              \
        uint64_t lin = seg_lin_tlb(c, s, off, bits / 8, SEG_OK_W);                                 \
        const struct tlb_entry *e = tlb_lookup(c, TLB_W, lin, bits / 8);                           \
        if (likely(e)) {                                                                           \
            memcpy((void *)(e->addend + (uintptr_t)lin), &v, sizeof v);                            \
            return;                                                                                \
        }                                                                                          \
        seg_write_miss(c, s, lin, bits / 8, v, ACC_WRITE | (c->tlb_user ? ACC_USER : 0));          \
    }
/* Read half of a read-modify-write: translated as a write, so a fault reports W=1 and the
 * segment must be writable, as for the instruction's write (SDM Vol.3A 4.7). */
#define DEFINE_RMW_READ(bits)                                                                      \
    static ALWAYS_INLINE uint##bits##_t rmw_rd##bits(struct cpu *c, unsigned s, uint64_t off)      \
    {                                                                                              \
        uint64_t lin = seg_lin_tlb(c, s, off, bits / 8, SEG_OK_R | SEG_OK_W);                      \
        const struct tlb_entry *e = tlb_lookup(c, TLB_W, lin, bits / 8);                           \
        uint##bits##_t v;                                                                          \
        if (likely(e)) {                                                                           \
            memcpy(&v, (const void *)(e->addend + (uintptr_t)lin), sizeof v);                      \
            return v;                                                                              \
        }                                                                                          \
        return (uint##bits##_t)seg_read_miss(c, s, lin, bits / 8, ACC_WRITE | (c->tlb_user ? ACC_USER : 0)); \
    }
DEFINE_LIN_ACCESS(8)
DEFINE_LIN_ACCESS(16)
DEFINE_LIN_ACCESS(32)
DEFINE_LIN_ACCESS(64)
#undef DEFINE_LIN_ACCESS
DEFINE_RMW_READ(8)
DEFINE_RMW_READ(16)
DEFINE_RMW_READ(32)
DEFINE_RMW_READ(64)
#undef DEFINE_RMW_READ

/* ---- 64-bit flat fast paths ----
 * An instruction with a 64-bit address size runs in 64-bit mode, where ES, CS, SS and DS have
 * base 0 and no limit or attribute checks (SDM Vol.3A 3.2.4, 5.3.1): its effective address is its
 * linear address. For such instructions cpu_specialize installs flat handlers (SPEC_FLAT), which
 * try their accesses through the TLB only. A TLB miss (page not yet translated, non-canonical
 * address, MMIO, a write to a code page, a misaligned access, a data breakpoint's page) makes the
 * flat body give up before it changes any state, and the form's general handler executes the
 * instruction with the slow paths and their faults. The fast path thus calls nothing. */
static ALWAYS_INLINE uint64_t flat_ea(const struct cpu *c, const struct insn *i)
{
    return c->gpr[i->base] + (c->gpr[i->index] << i->scale) + (uint64_t)(int64_t)i->disp;
}
/* Host address of a 2^sz-byte access at lin present in TLB array type, or NULL. */
static ALWAYS_INLINE uint8_t *flat_host(struct cpu *c, unsigned type, uint64_t lin, unsigned sz)
{
    const struct tlb_entry *e = tlb_lookup(c, type, lin, 1u << sz);
    return e ? (uint8_t *)(e->addend + (uintptr_t)lin) : NULL;
}
/* FLAT_HANDLER(name, general) { body returning false to give up } defines static op_name. */
#define FLAT_HANDLER(name, general)                                                                \
    static ALWAYS_INLINE bool flat_##name(struct cpu *c, const struct insn *i);                    \
    static void op_##name(struct cpu *c, const struct insn *i)                                     \
    {                                                                                              \
        if (unlikely(!flat_##name(c, i))) {                                                        \
            op_##general(c, i);                                                                    \
            return;                                                                                \
        }                                                                                          \
        cpu_next_insn(c, i);                                                                       \
    }                                                                                              \
    static ALWAYS_INLINE bool flat_##name(struct cpu *c, const struct insn *i)

/* Sized by szlog (0..3). May raise. */
static inline uint64_t rdv(struct cpu *c, unsigned s, uint64_t off, unsigned szlog)
{
    switch (szlog) {
    case 0: return rd8(c, s, off);
    case 1: return rd16(c, s, off);
    case 2: return rd32(c, s, off);
    default: return rd64(c, s, off);
    }
}
static inline uint64_t rmw_rdv(struct cpu *c, unsigned s, uint64_t off, unsigned szlog)
{
    switch (szlog) {
    case 0: return rmw_rd8(c, s, off);
    case 1: return rmw_rd16(c, s, off);
    case 2: return rmw_rd32(c, s, off);
    default: return rmw_rd64(c, s, off);
    }
}
static inline void wrv(struct cpu *c, unsigned s, uint64_t off, unsigned szlog, uint64_t v)
{
    switch (szlog) {
    case 0: wr8(c, s, off, (uint8_t)v); break;
    case 1: wr16(c, s, off, (uint16_t)v); break;
    case 2: wr32(c, s, off, (uint32_t)v); break;
    default: wr64(c, s, off, v); break;
    }
}
/* Checks that a write of size bytes at s:off would succeed (segment and page), without writing;
 * used before multi-part updates so that faults come before any state changes. May raise. */
void cpu_probe_write(struct cpu *c, unsigned s, uint64_t off, unsigned size);

/* Implicit supervisor-mode accesses to system structures by linear address (GDT, LDT, IDT, TSS):
 * SDM Vol.3A 4.6.1. May raise #PF. */
uint64_t sys_read(struct cpu *c, uint64_t lin, unsigned size);
void sys_write(struct cpu *c, uint64_t lin, unsigned size, uint64_t v);

/* ---- stack (SDM Vol.1 6.2) ---- */
static inline unsigned stack_szlog(const struct cpu *c)
{
    return c->mode64 ? 3 : (c->seg[SEG_SS].ar & AR_DB) ? 2 : 1;
}
static inline uint64_t stack_mask(const struct cpu *c) { return sz_mask(stack_szlog(c)); }
/* Pushes a value of 2^szlog bytes. May raise (#SS, #PF) before RSP changes. */
static inline void push(struct cpu *c, unsigned szlog, uint64_t v)
{
    uint64_t m = stack_mask(c);
    uint64_t sp = (c->gpr[4] - (1u << szlog)) & m;
    wrv(c, SEG_SS, sp, szlog, v);
    c->gpr[4] = (c->gpr[4] & ~m) | sp;
}
static inline uint64_t pop(struct cpu *c, unsigned szlog)
{
    uint64_t m = stack_mask(c);
    uint64_t sp = c->gpr[4] & m;
    uint64_t v = rdv(c, SEG_SS, sp, szlog);
    c->gpr[4] = (c->gpr[4] & ~m) | ((sp + (1u << szlog)) & m);
    return v;
}
/* Reads the stack at RSP + off without popping. */
static inline uint64_t stack_peek(struct cpu *c, uint64_t off, unsigned szlog)
{
    uint64_t m = stack_mask(c);
    return rdv(c, SEG_SS, (c->gpr[4] + off) & m, szlog);
}

/* ---- lazy flags (cpu/flags.c) ---- */
static inline void set_flags(struct cpu *c, unsigned kind, unsigned szlog, uint64_t dst,
                             uint64_t src, uint64_t src2)
{
    c->cc_op = CC_OP(kind, szlog);
    c->cc_dst = sz_sext(dst, szlog); /* sign-extended: ZF and SF need no size (cpu_cond) */
    c->cc_src = src;
    c->cc_src2 = src2;
}
/* OSZAPC as RFLAGS bits. Never raises. */
uint32_t flags_arith(const struct cpu *c);
bool cpu_cond_slow(const struct cpu *c, unsigned cc);
static inline uint64_t cc_sign_bit(unsigned szlog) { return 1ull << ((8u << szlog) - 1); }
bool flags_cf_slow(const struct cpu *c);
/* CF, with fast paths for the common producers. Never raises. */
static inline bool flags_cf(const struct cpu *c)
{
    unsigned kind = c->cc_op >> 2;
    if (kind == CC_INC || kind == CC_DEC) return c->cc_src2 != 0;
    if (kind == CC_LOGIC) return false;
    if (kind == CC_EFLAGS) return (c->cc_src & FL_CF) != 0;
    uint64_t m = sz_mask(c->cc_op & 3);
    uint64_t res = c->cc_dst & m, src = c->cc_src & m;
    if (kind == CC_SUB) return ((res + src) & m) < src;
    if (kind == CC_ADD) return res < ((res - src) & m);
    return flags_cf_slow(c);
}
/* Replaces OSZAPC with the given bits. */
static inline void set_arith_flags(struct cpu *c, uint32_t f)
{
    c->cc_op = CC_EFLAGS;
    c->cc_src = f & FL_ARITH;
    c->cc_dst = (f & FL_ZF) ? 0 : 1; /* keeps ZF readable from cc_dst (cpu_cond) */
}
/* Evaluates condition code cc (0..15, SDM Vol.1 Appendix B). Never raises. Inline so that the
 * per-condition handlers specialise it; ZF and SF come straight from the last result. */
static ALWAYS_INLINE bool cpu_cond(const struct cpu *c, unsigned cc)
{
    /* E/NE: cc_dst is the result sign-extended, or a ZF stand-in for CC_EFLAGS; S/NS likewise
     * except for CC_EFLAGS, where ZF and SF may both be set */
    if ((cc >> 1) == 2) return (c->cc_dst == 0) ^ (cc & 1);
    unsigned kind = c->cc_op >> 2, sz = c->cc_op & 3;
    if ((cc >> 1) == 4 && kind != CC_EFLAGS) return ((int64_t)c->cc_dst < 0) ^ (cc & 1);
    uint64_t m = sz_mask(sz), res = c->cc_dst & m, sb = cc_sign_bit(sz);
    bool r;
    if (kind == CC_EFLAGS) return cpu_cond_slow(c, cc);
    if (kind == CC_SUB) {
        uint64_t src = c->cc_src & m, s1 = (res + src) & m;
        int64_t a = (int64_t)((s1 ^ sb) - sb), b = (int64_t)((src ^ sb) - sb); /* sign-extend */
        switch (cc >> 1) {
        case 1: r = s1 < src; break;  /* B */
        case 3: r = s1 <= src; break; /* BE */
        case 6: r = a < b; break;     /* L */
        case 7: r = a <= b; break;    /* LE */
        default: return cpu_cond_slow(c, cc);
        }
        return r ^ (cc & 1);
    }
    if (kind == CC_LOGIC) {
        switch (cc >> 1) {
        case 0: case 1: r = false; break;           /* O, B */
        case 3: r = res == 0; break;                /* BE */
        case 6: r = (res & sb) != 0; break;         /* L: SF != OF, OF = 0 */
        case 7: r = res == 0 || (res & sb); break;  /* LE */
        default: return cpu_cond_slow(c, cc);
        }
        return r ^ (cc & 1);
    }
    return cpu_cond_slow(c, cc);
}
/* Writes the full RFLAGS image (arith bits become eager), applying no privilege rules. */
void cpu_write_rflags(struct cpu *c, uint64_t v);
bool parity8(uint8_t v);

/* ---- control transfer ---- */
/* Near branch to target, truncated to the operand size; #GP(0) if outside CS limit or
 * non-canonical (SDM Vol.2 JMP). May raise. */
static inline void branch_near(struct cpu *c, uint64_t target, unsigned osz)
{
    if (c->mode64) {
        if (osz != 3) target &= sz_mask(osz);
        if (unlikely(!is_canonical(target))) raise_gp(c, 0);
    } else {
        target &= sz_mask(osz);
        if (unlikely(target > c->seg[SEG_CS].limit)) raise_gp(c, 0);
    }
    RIP(c) = target;
}

/* ---- segments (cpu/seg.c) ---- */
/* Loads a segment register in the current mode with all checks (SDM Vol.2 MOV/POP Sreg). May raise. */
void seg_load(struct cpu *c, unsigned s, uint16_t sel);
/* Loads a segment register cache with real-mode / v86 semantics (base = sel << 4). */
void seg_load_real(struct cpu *c, unsigned s, uint16_t sel);
/* Sets a segment cache from raw fields and recomputes its checks. Never raises. */
void seg_set_cache(struct cpu *c, struct seg *sg, unsigned s, uint16_t sel, uint64_t base,
                   uint32_t limit, uint32_t ar);
/* Recomputes lo/hi/ok/eff_base of segment register s from its cache. Never raises. */
void seg_update_checks(struct cpu *c, unsigned s);
/* Reads the 8-byte descriptor for sel from the GDT/LDT. Returns false (no raise) if sel is outside
 * the table limit. May raise #PF on the table read. */
bool seg_read_desc(struct cpu *c, uint16_t sel, uint64_t *desc);
/* Decodes descriptor fields. */
uint64_t desc_base(uint64_t d);
uint32_t desc_limit(uint64_t d); /* byte-granular */
uint32_t desc_ar(uint64_t d);
/* Far transfers (cpu/far.c) */
void far_jump(struct cpu *c, uint16_t sel, uint64_t off, unsigned osz);
void far_call(struct cpu *c, uint16_t sel, uint64_t off, unsigned osz);
void far_ret(struct cpu *c, unsigned osz, uint16_t imm);
void cpu_iret(struct cpu *c, unsigned osz);
/* Hardware task switch (cpu/task.c). reason: TS_JMP, TS_CALL, TS_IRET, TS_INT. May raise. */
enum ts_reason { TS_JMP, TS_CALL, TS_IRET, TS_INT };
void task_switch(struct cpu *c, uint16_t sel, uint64_t desc, enum ts_reason why, bool has_err,
                 uint32_t err);

/* ---- control registers and MSRs (cpu/sys.c, cpu/msr.c) ---- */
/* Writes CRn with the architectural checks (#GP on reserved bits etc.). May raise. */
void cpu_write_cr(struct cpu *c, unsigned n, uint64_t v);
/* RDMSR/WRMSR: return false if the MSR does not exist or the value is invalid (-> #GP). */
bool msr_read(struct cpu *c, uint32_t idx, uint64_t *v) WARN_UNUSED;
bool msr_write(struct cpu *c, uint32_t idx, uint64_t v) WARN_UNUSED;
/* CR4 bits this CPU implements. Never raises. */
uint64_t cpu_cr4_valid(const struct cpu *c);
/* Flushes TLBs and decoded state after paging-structure changes. */
void cpu_tlb_flush(struct cpu *c, bool global);
/* Makes the active TLB's PCID the current one (CR4.PCIDE ? CR3[11:0] : 0), dropping its
 * non-global translations when they were made under another PCID: after every change of CR3,
 * CR4 or the active TLB (VM entry and exit, VMFUNC, reset). Never raises. */
void cpu_tlb_sync_pcid(struct cpu *c);

/* CPUID (cpu/cpumodel.c) */
void cpu_cpuid(struct cpu *c, uint32_t leaf, uint32_t sub, uint32_t out[4]);

/* I/O permission check for IN/OUT/INS/OUTS (SDM Vol.1 19.5). May raise #GP(0). */
void cpu_check_io(struct cpu *c, uint16_t port, unsigned size);
uint32_t cpu_io_in(struct cpu *c, uint16_t port, unsigned size);
void cpu_io_out(struct cpu *c, uint16_t port, unsigned size, uint32_t v);

/* Debug registers (cpu/exec.c): recompute breakpoint state after a DR7/DRn write; the access
 * paths report data accesses while data breakpoints are armed. */
void cpu_update_debug(struct cpu *c);
void cpu_check_data_bp(struct cpu *c, uint64_t lin, unsigned size, bool write);
bool cpu_page_has_data_bp(const struct cpu *c, uint64_t lin_page);

/* Charges ns more guest time to the running instruction (PAUSE, port I/O), adding it to *acct,
 * and ends the current run as much earlier, so that it still stops at the next timer deadline
 * (the run's budget counts instructions, one per nanosecond). Never raises. */
/* Block chains (cpu/exec.c) stay valid while the active TLB's epoch is unchanged and the chain
 * key (decode mode and user/supervisor class) is the same (for a link into a page whose fetch
 * translation is global, the epoch that non-global flushes leave alone, gepoch). The epoch goes
 * up when translations of the TLB are dropped and when the mode bits that decide what a fetch
 * may reach change: CR0.PE, WP, PG, CR4.PSE, PAE, PGE, SMEP, SMAP, EFER.LMA, NXE (the
 * paging-mode and access-rights controls of SDM Vol.3A 4.1.3 and 4.6), and outside 64-bit mode
 * CS (whose base and limit apply to fetches, 3.4.5, 5.3), so any cpu_update_mode there. Switching between VMX TLB contexts keeps
 * each context's chains (epochs are per TLB, tagged by its number). */
static inline void tlb_sync_mode(struct cpu *c)
{
    uint64_t fp = (c->cr0 & (CR0_PE | CR0_WP | CR0_PG)) |
                  (c->cr4 & (CR4_PSE | CR4_PAE | CR4_PGE | CR4_SMEP | CR4_SMAP)) |
                  (c->efer & (EFER_LMA | EFER_NXE)) | (uint64_t)c->mode64 << 63;
    if (!c->mode64 || c->tlb->mode_fp != fp) {
        c->tlb->mode_fp = fp;
        tlb_bump_epochs(c->tlb);
    }
}

/* Makes t the active TLB (VMX contexts, cpu/vmx/world.c), without looking at the mode bits: the
 * caller is about to load the state that goes with t and then calls cpu_update_mode. */
static inline void tlb_switch_nosync(struct cpu *c, struct tlb *t)
{
    c->tlb = t;
    c->tlb_cls = t->e[c->tlb_user];
}

/* Makes t the active TLB for the current mode bits. */
static inline void tlb_switch(struct cpu *c, struct tlb *t)
{
    tlb_switch_nosync(c, t);
    tlb_sync_mode(c);
}

static inline void cpu_charge_ns(struct cpu *c, uint64_t *acct, uint64_t ns)
{
    *acct += ns;
    c->run_end = c->run_end - c->icount > ns ? c->run_end - ns : c->icount;
}

/* Virtual time: TSC derives from the instruction count (deterministic). */
uint64_t cpu_tsc(const struct cpu *c);

#endif
