/* Control flow: Jcc, JMP, CALL, RET (near), LOOP, JCXZ, INT n/INT3/INTO/INT1, HLT, flag
 * instructions (SDM Vol.2). */
#include "cpu/cpu_priv.h"

/* Validates a near-branch target as branch_near does, without jumping. */
static uint64_t near_target(struct cpu *c, uint64_t target, unsigned osz)
{
    if (c->mode64) {
        if (osz != 3) target &= sz_mask(osz);
        if (!is_canonical(target)) raise_gp(c, 0);
    } else {
        target &= sz_mask(osz);
        if (target > c->seg[SEG_CS].limit) raise_gp(c, 0);
    }
    return target;
}

/* Jcc (A_CBR): a decoded block goes on after a conditional branch, so the handler runs the next
 * instruction only when the branch is not taken; a taken branch ends the block here (the run
 * loop counts the instructions up to c->cur), unless cpu_jump_direct goes on in the target's
 * block. */
#define JCC(cc, n)                                                                                 \
    void op_j##cc(struct cpu *c, const struct insn *i)                                             \
    {                                                                                              \
        if (cpu_cond(c, n)) {                                                                      \
            uint64_t r = RIP(c);                                                                   \
            branch_near(c, r + i->imm, i->osz);                                                    \
            cpu_jump_direct(c, i, r);                                                              \
            return;                                                                                \
        }                                                                                          \
        cpu_next_insn(c, i);                                                                       \
    }
CC16(JCC)
#undef JCC

/* JMP rel and CALL rel end their blocks (A_END): returning with c->cur on them is what the end
 * marker after them would do. */
void op_jmp_J(struct cpu *c, const struct insn *i)
{
    uint64_t r = RIP(c);
    branch_near(c, r + i->imm, i->osz);
    cpu_jump_direct(c, i, r);
}
HANDLER(jmp_Ev_m) { branch_near(c, rdv(c, i->seg, ea(c, i), i->osz), i->osz); }
HANDLER(jmp_Ev_r) { branch_near(c, c->gpr[i->rm], i->osz); }

void op_call_J(struct cpu *c, const struct insn *i)
{
    uint64_t r = RIP(c);
    uint64_t t = near_target(c, r + i->imm, i->osz);
    push(c, i->osz, r);
    ras_push(c, r);
    RIP(c) = t;
    cpu_jump_direct(c, i, r);
}
HANDLER(call_Ev_m)
{
    uint64_t t = near_target(c, rdv(c, i->seg, ea(c, i), i->osz), i->osz);
    push(c, i->osz, RIP(c));
    ras_push(c, RIP(c));
    RIP(c) = t;
}
HANDLER(call_Ev_r)
{
    uint64_t t = near_target(c, c->gpr[i->rm], i->osz);
    push(c, i->osz, RIP(c));
    ras_push(c, RIP(c));
    RIP(c) = t;
}
/* RET / RET imm16 (SDM Vol.2 RET): the target is checked before RSP changes */
HANDLER(ret_near)
{
    uint64_t t = near_target(c, stack_peek(c, 0, i->osz), i->osz);
    uint64_t m = stack_mask(c);
    c->gpr[4] = (c->gpr[4] & ~m) | ((c->gpr[4] + (1u << i->osz) + (i->op == OP_ret_Iw ? i->imm : 0)) & m);
    RIP(c) = t;
    ras_pop(c, t);
}

/* LOOP/LOOPE/LOOPNE/JCXZ: the counter is CX/ECX/RCX by address size */
HANDLER(loop)
{
    uint64_t m = sz_mask(i->asz);
    uint64_t cnt = (c->gpr[1] - 1) & m;
    bool take = cnt != 0;
    if (i->op == OP_loope) take = take && cpu_cond(c, 4);
    else if (i->op == OP_loopne) take = take && !cpu_cond(c, 4);
    uint64_t t = take ? near_target(c, RIP(c) + i->imm, i->osz) : 0;
    c->gpr[1] = (c->gpr[1] & ~m) | cnt;
    if (i->asz == 2) c->gpr[1] = (uint32_t)c->gpr[1];
    if (take) RIP(c) = t;
}
HANDLER(jcxz)
{
    if ((c->gpr[1] & sz_mask(i->asz)) == 0) branch_near(c, RIP(c) + i->imm, i->osz);
}

/* Software interrupts (SDM Vol.2 INT n/INTO/INT3/INT1). Without VME, INT n in v86 mode with
 * IOPL < 3 raises #GP(0). */
HANDLER(int_Ib)
{
    if (cpu_v86(c) && cpu_iopl(c) < 3) raise_gp(c, 0);
    cpu_deliver_event(c, (int)(i->imm & 0xff), EV_SOFT, false, 0);
}
HANDLER(int3) { cpu_deliver_event(c, EXC_BP, EV_SOFT, false, 0); }
HANDLER(into)
{
    if (flags_arith(c) & FL_OF) cpu_deliver_event(c, EXC_OF, EV_SOFT, false, 0);
}
HANDLER(int1) { cpu_deliver_event(c, EXC_DB, EV_PRIVSOFT, false, 0); }

/* HLT: CPL 0 only (SDM Vol.2 HLT) */
HANDLER(hlt)
{
    if (c->cpl != 0) raise_gp(c, 0);
    c->halted = 1;
    c->pending |= PEND_HALT; /* nothing after HLT runs until an event wakes the CPU */
}

HANDLER(clc) { set_arith_flags(c, flags_arith(c) & ~FL_CF); }
HANDLER(stc) { set_arith_flags(c, flags_arith(c) | FL_CF); }
HANDLER(cmc) { set_arith_flags(c, flags_arith(c) ^ FL_CF); }
HANDLER(cld) { c->rflags &= ~FL_DF; }
HANDLER(std) { c->rflags |= FL_DF; }

/* CLI/STI: IOPL-sensitive in protected and v86 mode (no VME/PVI advertised) (SDM Vol.2 CLI, STI) */
static void check_if_priv(struct cpu *c)
{
    if (cpu_pmode(c) && (cpu_v86(c) ? cpu_iopl(c) < 3 : c->cpl > cpu_iopl(c))) raise_gp(c, 0);
}
HANDLER(cli)
{
    check_if_priv(c);
    c->rflags &= ~FL_IF;
}
/* STI: interrupts stay inhibited until after the next instruction (SDM Vol.2 STI) */
HANDLER(sti)
{
    check_if_priv(c);
    if (!(c->rflags & FL_IF)) {
        c->pending |= PEND_INHIBIT;
        c->inhibit_movss = false;
    }
    c->rflags |= FL_IF;
}
