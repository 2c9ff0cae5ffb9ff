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

/* ---- 64-bit flat forms (cpu_priv.h: FLAT_HANDLER); each gives up to the general handler ----
 * Read-modify-write forms look the page up for writing (a fault would report a write, as in
 * rmw_rd); CMP and TEST only read. */
static ALWAYS_INLINE bool f_EvGv(struct cpu *c, const struct insn *i, unsigned op, unsigned sz)
{
    uint8_t *h = flat_host(c, op == ALU_CMP ? TLB_R : TLB_W, flat_ea(c, i), sz);
    if (!h) return false;
    uint64_t r = alu(c, op, sz, host_ld(h, sz), c->gpr[i->reg]);
    if (op != ALU_CMP) host_st(h, sz, r);
    return true;
}
static ALWAYS_INLINE bool f_GvEv(struct cpu *c, const struct insn *i, unsigned op, unsigned sz)
{
    const uint8_t *h = flat_host(c, TLB_R, flat_ea(c, i), sz);
    if (!h) return false;
    uint64_t r = alu(c, op, sz, get_reg(c, i->reg, sz), host_ld(h, sz));
    if (op != ALU_CMP) set_reg(c, i->reg, sz, r);
    return true;
}
static ALWAYS_INLINE bool f_EvIz(struct cpu *c, const struct insn *i, unsigned op, unsigned sz)
{
    uint8_t *h = flat_host(c, op == ALU_CMP ? TLB_R : TLB_W, flat_ea(c, i), sz);
    if (!h) return false;
    uint64_t r = alu(c, op, sz, host_ld(h, sz), i->imm);
    if (op != ALU_CMP) host_st(h, sz, r);
    return true;
}
#define FLAT_FORM(name, form)                                                                      \
    FLAT_HANDLER(name##_##form##_f16, name##_##form##_m) { return f_##form(c, i, ALU_OP_##name, 1); } \
    FLAT_HANDLER(name##_##form##_f32, name##_##form##_m) { return f_##form(c, i, ALU_OP_##name, 2); } \
    FLAT_HANDLER(name##_##form##_f64, name##_##form##_m) { return f_##form(c, i, ALU_OP_##name, 3); }
#define FLAT_ALU(name) FLAT_FORM(name, EvGv) FLAT_FORM(name, GvEv) FLAT_FORM(name, EvIz)
enum {
    ALU_OP_add = ALU_ADD, ALU_OP_or = ALU_OR, ALU_OP_adc = ALU_ADC, ALU_OP_sbb = ALU_SBB,
    ALU_OP_and = ALU_AND, ALU_OP_sub = ALU_SUB, ALU_OP_xor = ALU_XOR, ALU_OP_cmp = ALU_CMP
};
FLAT_ALU(add) FLAT_ALU(or) FLAT_ALU(adc) FLAT_ALU(sbb) FLAT_ALU(and) FLAT_ALU(sub) FLAT_ALU(xor) FLAT_ALU(cmp)
#undef FLAT_ALU
#undef FLAT_FORM
FLAT_HANDLER(cmp_EbIb_f, cmp_EbIb_m)
{
    const uint8_t *h = flat_host(c, TLB_R, flat_ea(c, i), 0);
    if (!h) return false;
    alu(c, ALU_CMP, 0, *h, i->imm);
    return true;
}
FLAT_HANDLER(cmp_EbGb_f, cmp_EbGb_m)
{
    const uint8_t *h = flat_host(c, TLB_R, flat_ea(c, i), 0);
    if (!h) return false;
    alu(c, ALU_CMP, 0, *h, get_r8(c, i->reg, i->pfx));
    return true;
}
FLAT_HANDLER(test_EbIb_f, test_EbIb_m)
{
    const uint8_t *h = flat_host(c, TLB_R, flat_ea(c, i), 0);
    if (!h) return false;
    alu(c, ALU_AND, 0, *h, i->imm);
    return true;
}
#define FLAT_TEST(name, sz, src)                                                                   \
    FLAT_HANDLER(name, test_##src##_m)                                                             \
    {                                                                                              \
        const uint8_t *h = flat_host(c, TLB_R, flat_ea(c, i), sz);                                 \
        if (!h) return false;                                                                      \
        alu(c, ALU_AND, sz, host_ld(h, sz), FLAT_TEST_SRC_##src);                                  \
        return true;                                                                               \
    }
#define FLAT_TEST_SRC_EvGv c->gpr[i->reg]
#define FLAT_TEST_SRC_EvIz i->imm
FLAT_TEST(test_EvGv_f32, 2, EvGv)
FLAT_TEST(test_EvGv_f64, 3, EvGv)
FLAT_TEST(test_EvIz_f32, 2, EvIz)
FLAT_TEST(test_EvIz_f64, 3, EvIz)
#undef FLAT_TEST
#define FLAT_INCDEC(name, sz)                                                                      \
    FLAT_HANDLER(name, incdec_Ev_m)                                                                \
    {                                                                                              \
        uint8_t *h = flat_host(c, TLB_W, flat_ea(c, i), sz);                                       \
        if (!h) return false;                                                                      \
        host_st(h, sz, incdec(c, i->reg & 1, sz, host_ld(h, sz)));                                 \
        return true;                                                                               \
    }
FLAT_INCDEC(incdec_Ev_f32, 2)
FLAT_INCDEC(incdec_Ev_f64, 3)
#undef FLAT_INCDEC

/* Operand-size specialisations of the hottest forms (cpu/handlers.c installs them at decode). */
#define SPEC_FORM(name, op, form, mem)                                                             \
    {OP_##op, 2, mem, op_##name##_##form##32}, {OP_##op, 3, mem, op_##name##_##form##64},
/* the 16-bit flat forms (CMPW $0, 6(%rbx) is the head of the kernel's module symbol lookup) */
#define SPEC_FORM16(name, op, form) {OP_##op, 1, SPEC_FLAT_MEM, op_##name##_##form##16},
#define SPEC_ALU(name)                                                                             \
    SPEC_FORM(name, name##_EvGv, EvGv_m, 1) SPEC_FORM(name, name##_EvGv, EvGv_r, 0)                \
    SPEC_FORM(name, name##_GvEv, GvEv_m, 1) SPEC_FORM(name, name##_GvEv, GvEv_r, 0)                \
    SPEC_FORM(name, name##_EvIz, EvIz_m, 1) SPEC_FORM(name, name##_EvIz, EvIz_r, 0)                \
    SPEC_FORM(name, name##_EvIb, EvIz_m, 1) SPEC_FORM(name, name##_EvIb, EvIz_r, 0)                \
    SPEC_FORM(name, name##_rAXIz, rAXIz, 0)                                                        \
    SPEC_FORM(name, name##_EvGv, EvGv_f, SPEC_FLAT_MEM) SPEC_FORM(name, name##_GvEv, GvEv_f, SPEC_FLAT_MEM) \
    SPEC_FORM(name, name##_EvIz, EvIz_f, SPEC_FLAT_MEM) SPEC_FORM(name, name##_EvIb, EvIz_f, SPEC_FLAT_MEM) \
    SPEC_FORM16(name, name##_EvGv, EvGv_f) SPEC_FORM16(name, name##_GvEv, GvEv_f)                  \
    SPEC_FORM16(name, name##_EvIz, EvIz_f) SPEC_FORM16(name, name##_EvIb, EvIz_f)
const struct spec_entry alu_specs[] = {
    SPEC_ALU(add) SPEC_ALU(or) SPEC_ALU(adc) SPEC_ALU(sbb) SPEC_ALU(and) SPEC_ALU(sub) SPEC_ALU(xor) SPEC_ALU(cmp)
    {OP_inc_Ev, 2, 0, op_inc_Ev_r32}, {OP_inc_Ev, 3, 0, op_inc_Ev_r64},
    {OP_dec_Ev, 2, 0, op_dec_Ev_r32}, {OP_dec_Ev, 3, 0, op_dec_Ev_r64},
    {OP_test_EvGv, 2, 0, op_test_EvGv_r32}, {OP_test_EvGv, 3, 0, op_test_EvGv_r64},
    {OP_test_EvGv, 2, SPEC_FLAT_MEM, op_test_EvGv_f32}, {OP_test_EvGv, 3, SPEC_FLAT_MEM, op_test_EvGv_f64},
    {OP_test_EvIz, 2, SPEC_FLAT_MEM, op_test_EvIz_f32}, {OP_test_EvIz, 3, SPEC_FLAT_MEM, op_test_EvIz_f64},
    {OP_test_EvIz1, 2, SPEC_FLAT_MEM, op_test_EvIz_f32}, {OP_test_EvIz1, 3, SPEC_FLAT_MEM, op_test_EvIz_f64},
    {OP_inc_Ev, 2, SPEC_FLAT_MEM, op_incdec_Ev_f32}, {OP_inc_Ev, 3, SPEC_FLAT_MEM, op_incdec_Ev_f64},
    {OP_dec_Ev, 2, SPEC_FLAT_MEM, op_incdec_Ev_f32}, {OP_dec_Ev, 3, SPEC_FLAT_MEM, op_incdec_Ev_f64},
#define SPEC_BYTE(op, fn) {OP_##op, 1, SPEC_FLAT_MEM, fn}, {OP_##op, 2, SPEC_FLAT_MEM, fn}, {OP_##op, 3, SPEC_FLAT_MEM, fn},
    SPEC_BYTE(cmp_EbIb, op_cmp_EbIb_f) SPEC_BYTE(cmp_EbGb, op_cmp_EbGb_f)
    SPEC_BYTE(test_EbIb, op_test_EbIb_f) SPEC_BYTE(test_EbIb1, op_test_EbIb_f)
#undef SPEC_BYTE
    {0, 0, 0, NULL},
};
