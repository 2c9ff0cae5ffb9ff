/* Integer arithmetic and logic: ADD OR ADC SBB AND SUB XOR CMP, TEST, NOT, NEG, INC, DEC
 * (SDM Vol.2 instruction pages; flags per Vol.1 Appendix A). */
#include "cpu/cpu_priv.h"

enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };

static ALWAYS_INLINE uint64_t alu(struct cpu *c, unsigned op, unsigned sz, uint64_t a, uint64_t b)
{
    uint64_t m = sz_mask(sz), r, cf;
    b &= m;
    switch (op) {
    case ALU_ADD: r = (a + b) & m; set_flags(c, CC_ADD, sz, r, b, 0); break;
    case ALU_OR: r = (a | b) & m; set_flags(c, CC_LOGIC, sz, r, 0, 0); break;
    case ALU_ADC:
        cf = flags_cf(c);
        r = (a + b + cf) & m;
        set_flags(c, CC_ADC, sz, r, b, cf);
        break;
    case ALU_SBB:
        cf = flags_cf(c);
        r = (a - b - cf) & m;
        set_flags(c, CC_SBB, sz, r, b, cf);
        break;
    case ALU_AND: r = (a & b) & m; set_flags(c, CC_LOGIC, sz, r, 0, 0); break;
    case ALU_XOR: r = (a ^ b) & m; set_flags(c, CC_LOGIC, sz, r, 0, 0); break;
    default: r = (a - b) & m; set_flags(c, CC_SUB, sz, r, b, 0); break; /* SUB, CMP */
    }
    return r;
}

/* Operand-size templates: the generic handlers pass i->osz, the specialised ones a constant so
 * the compiler folds the size switches (see spec_alu below and cpu_specialize). */
static ALWAYS_INLINE void t_EvGv_m(struct cpu *c, const struct insn *i, unsigned op, unsigned sz)
{
    uint64_t off = ea(c, i);
    uint64_t v = op == ALU_CMP ? rdv(c, i->seg, off, sz) : rmw_rdv(c, i->seg, off, sz);
    uint64_t r = alu(c, op, sz, v, c->gpr[i->reg]);
    if (op != ALU_CMP) wrv(c, i->seg, off, sz, r);
}
static ALWAYS_INLINE void t_EvGv_r(struct cpu *c, const struct insn *i, unsigned op, unsigned sz)
{
    uint64_t r = alu(c, op, sz, get_reg(c, i->rm, sz), c->gpr[i->reg]);
    if (op != ALU_CMP) set_reg(c, i->rm, sz, r);
}
static ALWAYS_INLINE void t_GvEv_m(struct cpu *c, const struct insn *i, unsigned op, unsigned sz)
{
    uint64_t r = alu(c, op, sz, get_reg(c, i->reg, sz), rdv(c, i->seg, ea(c, i), sz));
    if (op != ALU_CMP) set_reg(c, i->reg, sz, r);
}
static ALWAYS_INLINE void t_GvEv_r(struct cpu *c, const struct insn *i, unsigned op, unsigned sz)
{
    uint64_t r = alu(c, op, sz, get_reg(c, i->reg, sz), c->gpr[i->rm]);
    if (op != ALU_CMP) set_reg(c, i->reg, sz, r);
}
static ALWAYS_INLINE void t_EvIz_m(struct cpu *c, const struct insn *i, unsigned op, unsigned sz)
{
    uint64_t off = ea(c, i);
    uint64_t v = op == ALU_CMP ? rdv(c, i->seg, off, sz) : rmw_rdv(c, i->seg, off, sz);
    uint64_t r = alu(c, op, sz, v, i->imm);
    if (op != ALU_CMP) wrv(c, i->seg, off, sz, r);
}
static ALWAYS_INLINE void t_EvIz_r(struct cpu *c, const struct insn *i, unsigned op, unsigned sz)
{
    uint64_t r = alu(c, op, sz, get_reg(c, i->rm, sz), i->imm);
    if (op != ALU_CMP) set_reg(c, i->rm, sz, r);
}
static ALWAYS_INLINE void t_rAXIz(struct cpu *c, const struct insn *i, unsigned op, unsigned sz)
{
    uint64_t r = alu(c, op, sz, get_reg(c, 0, sz), i->imm);
    if (op != ALU_CMP) set_reg(c, 0, sz, r);
}

#define SIZED(name, form, OPN)                                                                     \
    HANDLER(name##_##form) { t_##form(c, i, OPN, i->osz); }                                        \
    STATIC_HANDLER(name##_##form##32) { t_##form(c, i, OPN, 2); }                                  \
    STATIC_HANDLER(name##_##form##64) { t_##form(c, i, OPN, 3); }

#define ALU_HANDLERS(name, OPN)                                                                    \
    HANDLER(name##_EbGb_m)                                                                         \
    {                                                                                              \
        uint64_t off = ea(c, i);                                                                   \
        uint64_t v = OPN == ALU_CMP ? rd8(c, i->seg, off) : rmw_rd8(c, i->seg, off);               \
        uint64_t r = alu(c, OPN, 0, v, get_r8(c, i->reg, i->pfx));                                 \
        if (OPN != ALU_CMP) wr8(c, i->seg, off, (uint8_t)r);                                       \
    }                                                                                              \
    HANDLER(name##_EbGb_r)                                                                         \
    {                                                                                              \
        uint64_t r = alu(c, OPN, 0, get_r8(c, i->rm, i->pfx), get_r8(c, i->reg, i->pfx));          \
        if (OPN != ALU_CMP) set_r8(c, i->rm, i->pfx, (uint8_t)r);                                  \
    }                                                                                              \
    HANDLER(name##_GbEb_m)                                                                         \
    {                                                                                              \
        uint64_t r = alu(c, OPN, 0, get_r8(c, i->reg, i->pfx), rd8(c, i->seg, ea(c, i)));          \
        if (OPN != ALU_CMP) set_r8(c, i->reg, i->pfx, (uint8_t)r);                                 \
    }                                                                                              \
    HANDLER(name##_GbEb_r)                                                                         \
    {                                                                                              \
        uint64_t r = alu(c, OPN, 0, get_r8(c, i->reg, i->pfx), get_r8(c, i->rm, i->pfx));          \
        if (OPN != ALU_CMP) set_r8(c, i->reg, i->pfx, (uint8_t)r);                                 \
    }                                                                                              \
    HANDLER(name##_ALIb)                                                                           \
    {                                                                                              \
        uint64_t r = alu(c, OPN, 0, c->gpr[0] & 0xff, i->imm);                                     \
        if (OPN != ALU_CMP) set_r8(c, 0, 0, (uint8_t)r);                                           \
    }                                                                                              \
    HANDLER(name##_EbIb_m)                                                                         \
    {                                                                                              \
        uint64_t off = ea(c, i);                                                                   \
        uint64_t v = OPN == ALU_CMP ? rd8(c, i->seg, off) : rmw_rd8(c, i->seg, off);               \
        uint64_t r = alu(c, OPN, 0, v, i->imm);                                                    \
        if (OPN != ALU_CMP) wr8(c, i->seg, off, (uint8_t)r);                                       \
    }                                                                                              \
    HANDLER(name##_EbIb_r)                                                                         \
    {                                                                                              \
        uint64_t r = alu(c, OPN, 0, get_r8(c, i->rm, i->pfx), i->imm);                             \
        if (OPN != ALU_CMP) set_r8(c, i->rm, i->pfx, (uint8_t)r);                                  \
    }                                                                                              \
    SIZED(name, EvGv_m, OPN)                                                                       \
    SIZED(name, EvGv_r, OPN)                                                                       \
    SIZED(name, GvEv_m, OPN)                                                                       \
    SIZED(name, GvEv_r, OPN)                                                                       \
    SIZED(name, EvIz_m, OPN)                                                                       \
    SIZED(name, EvIz_r, OPN)                                                                       \
    SIZED(name, rAXIz, OPN)

ALU_HANDLERS(add, ALU_ADD)
ALU_HANDLERS(or, ALU_OR)
ALU_HANDLERS(adc, ALU_ADC)
ALU_HANDLERS(sbb, ALU_SBB)
ALU_HANDLERS(and, ALU_AND)
ALU_HANDLERS(sub, ALU_SUB)
ALU_HANDLERS(xor, ALU_XOR)
ALU_HANDLERS(cmp, ALU_CMP)

/* TEST: AND without writing the result */
HANDLER(test_EbGb_m) { alu(c, ALU_AND, 0, rd8(c, i->seg, ea(c, i)), get_r8(c, i->reg, i->pfx)); }
HANDLER(test_EbGb_r) { alu(c, ALU_AND, 0, get_r8(c, i->rm, i->pfx), get_r8(c, i->reg, i->pfx)); }
HANDLER(test_EvGv_m) { alu(c, ALU_AND, i->osz, rdv(c, i->seg, ea(c, i), i->osz), c->gpr[i->reg]); }
HANDLER(test_EvGv_r) { alu(c, ALU_AND, i->osz, c->gpr[i->rm], c->gpr[i->reg]); }
STATIC_HANDLER(test_EvGv_r32) { alu(c, ALU_AND, 2, c->gpr[i->rm], c->gpr[i->reg]); }
STATIC_HANDLER(test_EvGv_r64) { alu(c, ALU_AND, 3, c->gpr[i->rm], c->gpr[i->reg]); }
HANDLER(test_ALIb) { alu(c, ALU_AND, 0, c->gpr[0], i->imm); }
HANDLER(test_rAXIz) { alu(c, ALU_AND, i->osz, c->gpr[0], i->imm); }
HANDLER(test_EbIb_m) { alu(c, ALU_AND, 0, rd8(c, i->seg, ea(c, i)), i->imm); }
HANDLER(test_EbIb_r) { alu(c, ALU_AND, 0, get_r8(c, i->rm, i->pfx), i->imm); }
HANDLER(test_EvIz_m) { alu(c, ALU_AND, i->osz, rdv(c, i->seg, ea(c, i), i->osz), i->imm); }
HANDLER(test_EvIz_r) { alu(c, ALU_AND, i->osz, c->gpr[i->rm], i->imm); }

/* NOT: no flags (SDM Vol.2 NOT) */
HANDLER(not_Eb_m)
{
    uint64_t off = ea(c, i);
    wr8(c, i->seg, off, (uint8_t)~rmw_rd8(c, i->seg, off));
}
HANDLER(not_Eb_r) { set_r8(c, i->rm, i->pfx, (uint8_t)~get_r8(c, i->rm, i->pfx)); }
HANDLER(not_Ev_m)
{
    uint64_t off = ea(c, i);
    wrv(c, i->seg, off, i->osz, ~rmw_rdv(c, i->seg, off, i->osz));
}
HANDLER(not_Ev_r) { set_reg(c, i->rm, i->osz, ~c->gpr[i->rm]); }

/* NEG: 0 - x with SUB flags; CF = (x != 0) (SDM Vol.2 NEG) */
HANDLER(neg_Eb_m)
{
    uint64_t off = ea(c, i);
    wr8(c, i->seg, off, (uint8_t)alu(c, ALU_SUB, 0, 0, rmw_rd8(c, i->seg, off)));
}
HANDLER(neg_Eb_r) { set_r8(c, i->rm, i->pfx, (uint8_t)alu(c, ALU_SUB, 0, 0, get_r8(c, i->rm, i->pfx))); }
HANDLER(neg_Ev_m)
{
    uint64_t off = ea(c, i);
    wrv(c, i->seg, off, i->osz, alu(c, ALU_SUB, i->osz, 0, rmw_rdv(c, i->seg, off, i->osz)));
}
HANDLER(neg_Ev_r) { set_reg(c, i->rm, i->osz, alu(c, ALU_SUB, i->osz, 0, c->gpr[i->rm])); }

/* INC/DEC keep CF (SDM Vol.2 INC, DEC) */
static ALWAYS_INLINE uint64_t incdec(struct cpu *c, bool dec, unsigned sz, uint64_t v)
{
    uint64_t cf = flags_cf(c);
    uint64_t r = (dec ? v - 1 : v + 1) & sz_mask(sz);
    set_flags(c, dec ? CC_DEC : CC_INC, sz, r, 0, cf);
    return r;
}
HANDLER(incdec_Eb_m)
{
    uint64_t off = ea(c, i);
    wr8(c, i->seg, off, (uint8_t)incdec(c, i->reg & 1, 0, rmw_rd8(c, i->seg, off)));
}
HANDLER(incdec_Eb_r) { set_r8(c, i->rm, i->pfx, (uint8_t)incdec(c, i->reg & 1, 0, get_r8(c, i->rm, i->pfx))); }
HANDLER(incdec_Ev_m)
{
    uint64_t off = ea(c, i);
    wrv(c, i->seg, off, i->osz, incdec(c, i->reg & 1, i->osz, rmw_rdv(c, i->seg, off, i->osz)));
}
HANDLER(incdec_Ev_r) { set_reg(c, i->rm, i->osz, incdec(c, i->reg & 1, i->osz, get_reg(c, i->rm, i->osz))); }
STATIC_HANDLER(inc_Ev_r32) { c->gpr[i->rm] = (uint32_t)incdec(c, false, 2, c->gpr[i->rm]); }
STATIC_HANDLER(inc_Ev_r64) { c->gpr[i->rm] = incdec(c, false, 3, c->gpr[i->rm]); }
STATIC_HANDLER(dec_Ev_r32) { c->gpr[i->rm] = (uint32_t)incdec(c, true, 2, c->gpr[i->rm]); }
STATIC_HANDLER(dec_Ev_r64) { c->gpr[i->rm] = incdec(c, true, 3, c->gpr[i->rm]); }
HANDLER(inc_r) { set_reg(c, i->reg, i->osz, incdec(c, false, i->osz, get_reg(c, i->reg, i->osz))); }
HANDLER(dec_r) { set_reg(c, i->reg, i->osz, incdec(c, true, i->osz, get_reg(c, i->reg, i->osz))); }

/* Operand-size specialisations of the hottest forms (cpu/handlers.c installs them at decode). */
#define SPEC_FORM(name, op, form, mem)                                                             \
    {OP_##op, 2, mem, op_##name##_##form##32}, {OP_##op, 3, mem, op_##name##_##form##64},
#define SPEC_ALU(name)                                                                             \
    SPEC_FORM(name, name##_EvGv, EvGv_m, 1) SPEC_FORM(name, name##_EvGv, EvGv_r, 0)                \
    SPEC_FORM(name, name##_GvEv, GvEv_m, 1) SPEC_FORM(name, name##_GvEv, GvEv_r, 0)                \
    SPEC_FORM(name, name##_EvIz, EvIz_m, 1) SPEC_FORM(name, name##_EvIz, EvIz_r, 0)                \
    SPEC_FORM(name, name##_EvIb, EvIz_m, 1) SPEC_FORM(name, name##_EvIb, EvIz_r, 0)                \
    SPEC_FORM(name, name##_rAXIz, rAXIz, 0)
const struct spec_entry alu_specs[] = {
    SPEC_ALU(add) SPEC_ALU(or) SPEC_ALU(adc) SPEC_ALU(sbb) SPEC_ALU(and) SPEC_ALU(sub) SPEC_ALU(xor) SPEC_ALU(cmp)
    {OP_inc_Ev, 2, 0, op_inc_Ev_r32}, {OP_inc_Ev, 3, 0, op_inc_Ev_r64},
    {OP_dec_Ev, 2, 0, op_dec_Ev_r32}, {OP_dec_Ev, 3, 0, op_dec_Ev_r64},
    {OP_test_EvGv, 2, 0, op_test_EvGv_r32}, {OP_test_EvGv, 3, 0, op_test_EvGv_r64},
    {0, 0, 0, NULL},
};
