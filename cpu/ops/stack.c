/* Stack instructions: PUSH/POP, PUSHA/POPA, ENTER/LEAVE, PUSHF/POPF (SDM Vol.2). Multi-step
 * instructions work on a local stack pointer and commit RSP only after every access succeeded. */
#include "cpu/cpu_priv.h"

HANDLER(push_r) { push(c, i->osz, c->gpr[i->reg]); }
HANDLER(pop_r)
{
    uint64_t v = pop(c, i->osz);
    set_reg(c, i->reg, i->osz, v);
}
HANDLER(push_I) { push(c, i->osz, i->imm); }
HANDLER(push_Ev_m) { push(c, i->osz, rdv(c, i->seg, ea(c, i), i->osz)); }
HANDLER(push_Ev_r) { push(c, i->osz, c->gpr[i->rm]); }
HANDLER(pop_Ev_r)
{
    uint64_t v = pop(c, i->osz);
    set_reg(c, i->rm, i->osz, v);
}
/* POP m: the address is computed after RSP is incremented (SDM Vol.2 POP); RSP is restored if
 * the store faults. */
HANDLER(pop_Ev_m)
{
    uint64_t old_sp = c->gpr[4];
    uint64_t v = stack_peek(c, 0, i->osz);
    uint64_t m = stack_mask(c);
    c->gpr[4] = (old_sp & ~m) | ((old_sp + (1u << i->osz)) & m);
    uint64_t off = ea(c, i);
    c->gpr[4] = old_sp;
    wrv(c, i->seg, off, i->osz, v);
    c->gpr[4] = (old_sp & ~m) | ((old_sp + (1u << i->osz)) & m);
}

HANDLER(pusha)
{
    uint64_t m = stack_mask(c), sp = c->gpr[4];
    unsigned sz = i->osz, n = 1u << sz;
    uint64_t vals[8] = {c->gpr[0], c->gpr[1], c->gpr[2], c->gpr[3], c->gpr[4], c->gpr[5], c->gpr[6], c->gpr[7]};
    for (unsigned k = 0; k < 8; k++) {
        sp = (sp - n) & m;
        wrv(c, SEG_SS, sp, sz, vals[k]);
    }
    c->gpr[4] = (c->gpr[4] & ~m) | sp;
}
HANDLER(popa)
{
    uint64_t m = stack_mask(c), sp = c->gpr[4];
    unsigned sz = i->osz, n = 1u << sz;
    uint64_t vals[8];
    for (int k = 7; k >= 0; k--) {
        vals[k] = rdv(c, SEG_SS, sp & m, sz);
        sp = (sp + n) & m;
    }
    for (unsigned k = 0; k < 8; k++)
        if (k != 4) set_reg(c, k, sz, vals[k]);
    c->gpr[4] = (c->gpr[4] & ~m) | sp;
}

/* ENTER (SDM Vol.2 ENTER): nesting level mod 32, frame pointers copied from the old frame */
HANDLER(enter)
{
    unsigned level = (unsigned)i->disp & 31, sz = i->osz, n = 1u << sz;
    uint64_t m = stack_mask(c), sp = c->gpr[4] & m, bp = c->gpr[5];
    sp = (sp - n) & m;
    wrv(c, SEG_SS, sp, sz, bp);
    uint64_t frame = sp;
    if (level > 0) {
        for (unsigned k = 1; k < level; k++) {
            bp = (bp & ~m) | ((bp - n) & m);
            uint64_t v = rdv(c, SEG_SS, bp & m, sz);
            sp = (sp - n) & m;
            wrv(c, SEG_SS, sp, sz, v);
        }
        sp = (sp - n) & m;
        wrv(c, SEG_SS, sp, sz, frame);
    }
    sp = (sp - i->imm) & m;
    /* the final stack pointer must be writable: Intel checks it (#SS/#PF) before completing
     * (measured on the host, tests/diff/FINDINGS.md F1) */
    if (i->imm) cpu_probe_write(c, SEG_SS, sp, 1u << sz);
    set_reg(c, 5, sz, frame);
    c->gpr[4] = (c->gpr[4] & ~m) | sp;
}
HANDLER(leave)
{
    uint64_t m = stack_mask(c);
    uint64_t sp = c->gpr[5] & m;
    uint64_t v = rdv(c, SEG_SS, sp, i->osz);
    c->gpr[4] = (c->gpr[4] & ~m) | ((sp + (1u << i->osz)) & m);
    set_reg(c, 5, i->osz, v);
}

/* PUSHF: VM and RF are cleared in the image; v86 with IOPL < 3 raises #GP(0) (no VME) */
HANDLER(pushf)
{
    if (cpu_v86(c) && cpu_iopl(c) < 3) raise_gp(c, 0);
    uint64_t f = cpu_get_rflags(c) & ~(uint64_t)(FL_VM | FL_RF);
    push(c, i->osz, f);
}

/* POPF (SDM Vol.2 POPF, the operation table by mode and privilege) */
HANDLER(popf)
{
    if (cpu_v86(c) && cpu_iopl(c) < 3) raise_gp(c, 0);
    uint64_t v = pop(c, i->osz);
    uint32_t old = (uint32_t)cpu_get_rflags(c);
    uint32_t mask = FL_ARITH | FL_TF | FL_DF | FL_NT | FL_AC | FL_ID | FL_RF | FL_IF | FL_IOPL;
    if (cpu_pmode(c)) {
        if (cpu_v86(c)) {
            mask &= ~FL_IOPL;
        } else if (c->cpl > 0) {
            mask &= ~FL_IOPL;
            if (c->cpl > cpu_iopl(c)) mask &= ~FL_IF;
        }
    }
    if (i->osz == 1) mask &= 0xffff;
    uint32_t nf = (old & ~mask) | ((uint32_t)v & mask);
    if (cpu_pmode(c) && !cpu_v86(c) && c->cpl == 0 && i->osz != 1) nf &= ~(FL_VIF | FL_VIP);
    cpu_write_rflags(c, nf);
}

/* ---- 64-bit flat forms (cpu_priv.h: FLAT_HANDLER): 64-bit stack pointer, SS base 0; each
 * gives up to the general handler on a TLB miss or a non-canonical branch target ---- */
FLAT_HANDLER(push_r_f64, push_r)
{
    uint64_t sp = c->gpr[4] - 8;
    uint8_t *h = flat_host(c, TLB_W, sp, 3);
    if (!h) return false;
    host_st(h, 3, c->gpr[i->reg]);
    c->gpr[4] = sp;
    return true;
}
/* POP RSP: the popped value replaces the incremented RSP (SDM Vol.2 POP), as in op_pop_r */
FLAT_HANDLER(pop_r_f64, pop_r)
{
    const uint8_t *h = flat_host(c, TLB_R, c->gpr[4], 3);
    if (!h) return false;
    uint64_t v = host_ld(h, 3);
    c->gpr[4] += 8;
    c->gpr[i->reg] = v;
    return true;
}
/* CALL rel32 / RET with a 64-bit operand size (SDM Vol.2 CALL, RET): the target must be
 * canonical (#GP(0) before anything changes, raised by the general handler). Both end their
 * blocks (A_END): CALL may go on in the target's (cpu_jump_direct), as op_call_J does, and RET
 * in the return address's (cpu_ret_direct). */
static void op_call_J_f64(struct cpu *c, const struct insn *i)
{
    uint64_t r = RIP(c), t = r + i->imm, sp = c->gpr[4] - 8;
    uint8_t *h = is_canonical(t) ? flat_host(c, TLB_W, sp, 3) : NULL;
    if (unlikely(!h)) {
        op_call_J(c, i);
        return;
    }
    host_st(h, 3, r);
    c->gpr[4] = sp;
    ras_push(c, r);
    RIP(c) = t;
    cpu_jump_direct(c, i, r);
}
static void op_ret_f64(struct cpu *c, const struct insn *i)
{
    const uint8_t *h = flat_host(c, TLB_R, c->gpr[4], 3);
    uint64_t t = h ? host_ld(h, 3) : 0;
    if (unlikely(!h || !is_canonical(t))) {
        op_ret_near(c, i);
        return;
    }
    c->gpr[4] += 8;
    RIP(c) = t;
    ras_pop(c, t);
    cpu_ret_direct(c, i);
}

const struct spec_entry stack_specs[] = {
    {OP_push_r, 3, SPEC_FLAT_REG, op_push_r_f64},
    {OP_pop_r, 3, SPEC_FLAT_REG, op_pop_r_f64},
    {OP_call_Jz, 3, SPEC_FLAT_REG, op_call_J_f64},
    {OP_ret, 3, SPEC_FLAT_REG, op_ret_f64},
    {0, 0, 0, NULL},
};
