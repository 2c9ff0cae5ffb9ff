/* Shift and rotate group (opcodes C0, C1, D0..D3): ROL ROR RCL RCR SHL SHR SAL SAR.
 * SDM Vol.2 "RCL/RCR/ROL/ROR" and "SAL/SAR/SHL/SHR".
 *
 * Flags: SHR, SAR and SHL by 1 use the lazy kinds of cpu/flags.c (exact for them: AF = 0 there);
 * the other cases are computed eagerly, because several flags are architecturally undefined and
 * we reproduce what Intel hardware produces (checked on a Xeon host):
 *   - OF (defined only for a count of 1) is, for every nonzero count, the OF of the FIRST 1-bit
 *     step: SHL/SAL and ROL/RCL: MSB(src) ^ MSB-1(src); SHR: MSB(src); SAR: 0;
 *     ROR: MSB(src) ^ LSB(src); RCR: MSB(src) ^ CF(in). Exception: ROL/ROR of a register
 *     with an imm8 count whose masked value is > 1 leave OF unchanged (tests/diff/FINDINGS.md F5).
 *   - SHL/SHR/SAR, count != 0: SF/ZF/PF from the result, AF = 0, CF = last bit shifted out
 *     (0 when the count exceeds the operand width).
 *   - ROL/ROR/RCL/RCR: only CF and OF change (AF/SF/ZF/PF kept). RCL/RCR whose count MOD 9/17
 *     is 0 (count 9, 18, 27 for bytes; 17 for words) change no flags at all.
 *   - a masked count of 0 changes no flags; a 32-bit register destination is still written
 *     (upper half of the 64-bit register zeroed) and a memory destination is still read and
 *     written (so a read-only page faults), as on Intel.
 */
#include "cpu/cpu_priv.h"

enum { SH_ROL, SH_ROR, SH_RCL, SH_RCR, SH_SHL, SH_SHR, SH_SAL, SH_SAR };

static inline uint32_t szp_flags(uint64_t r, unsigned sz)
{
    uint32_t f = 0;
    r &= sz_mask(sz);
    if (!r) f |= FL_ZF;
    if ((r >> ((8u << sz) - 1)) & 1) f |= FL_SF;
    if (!__builtin_parity((unsigned)(r & 0xff))) f |= FL_PF;
    return f;
}

/* Performs the operation on v (zero-extended, 2^sz bytes) with a nonzero masked count and
 * updates the flags. imm_reg: register destination with an immediate count (C0/C1 /r with
 * mod = 3). Never raises. */
static uint64_t shift_calc(struct cpu *c, unsigned op, unsigned sz, uint64_t v, unsigned count,
                           bool imm_reg)
{
    const unsigned bits = 8u << sz;
    const uint64_t m = sz_mask(sz);
    uint64_t r, cf, of;
    unsigned n;

    switch (op) {
    case SH_ROL: /* SDM Vol.2 ROL: tempCOUNT = COUNT MOD SIZE; CF = LSB(DEST); OF = MSB ^ CF */
        n = count & (bits - 1);
        r = n ? ((v << n) | (v >> (bits - n))) & m : v;
        cf = r & 1;
        of = ((v >> (bits - 1)) ^ (v >> (bits - 2))) & 1; /* Intel: first step's OF */
        goto rot_flags;
    case SH_ROR: /* SDM Vol.2 ROR: CF = MSB(DEST); OF = MSB(DEST) ^ MSB-1(DEST) */
        n = count & (bits - 1);
        r = n ? ((v >> n) | (v << (bits - n))) & m : v;
        cf = (r >> (bits - 1)) & 1;
        of = ((v >> (bits - 1)) ^ v) & 1; /* Intel: first step's OF */
        goto rot_flags;
    case SH_RCL: { /* SDM Vol.2 RCL: tempCOUNT = (COUNT & 1FH) MOD 9 / MOD 17 for 8/16 bits */
        uint64_t cin = flags_cf(c);
        n = sz < 2 ? count % (bits + 1) : count;
        if (n) {
            r = (v << n) | (cin << (n - 1));
            if (n > 1) r |= v >> (bits + 1 - n);
            r &= m;
            cf = (v >> (bits - n)) & 1;
        } else {
            return v; /* rotation by a multiple of width + 1: Intel changes no flags */
        }
        of = ((v >> (bits - 1)) ^ (v >> (bits - 2))) & 1; /* Intel: first step's OF */
        goto rot_flags;
    }
    case SH_RCR: { /* SDM Vol.2 RCR */
        uint64_t cin = flags_cf(c);
        n = sz < 2 ? count % (bits + 1) : count;
        if (n) {
            r = (v >> n) | (cin << (bits - n));
            if (n > 1) r |= v << (bits + 1 - n);
            r &= m;
            cf = (v >> (n - 1)) & 1;
        } else {
            return v; /* rotation by a multiple of width + 1: Intel changes no flags */
        }
        of = ((v >> (bits - 1)) ^ cin) & 1; /* OF = MSB(DEST) XOR CF before rotating (count 1) */
        goto rot_flags;
    }
    case SH_SHL:
    case SH_SAL: /* SDM Vol.2 SAL/SHL */
        /* the lazy SHL kind: CF from the value shifted by count-1, OF from the original value
         * (the first step's OF, as Intel produces for every count); AF = 0 */
        r = (v << count) & m; /* count <= 63 */
        set_flags(c, CC_SHL, sz, r, v << (count - 1), v);
        return r;
    case SH_SHR: /* SDM Vol.2 SHR: CF = bit count-1, OF = MSB(original) for every count (Intel) */
        r = v >> count;
        set_flags(c, CC_SHR, sz, r, v >> (count - 1), v);
        return r;
    default: { /* SAR: arithmetic shift of the sign-extended value; OF = 0 */
        int64_t sv = (int64_t)(v << (64 - bits)) >> (64 - bits);
        r = (uint64_t)(sv >> count) & m;
        set_flags(c, CC_SAR, sz, r, (uint64_t)(sv >> (count - 1)), 0);
        return r;
    }
    }
    set_arith_flags(c, szp_flags(r, sz) | (uint32_t)cf | (uint32_t)(of ? FL_OF : 0));
    return r;

rot_flags: /* rotates change only CF and OF */
    if (imm_reg && count > 1 && (op == SH_ROL || op == SH_ROR)) {
        /* ROL/ROR reg, imm8 with a masked count > 1: OF (undefined, SDM Vol.2 ROL/ROR) is left
         * unchanged (measured on the Intel host: tests/diff/FINDINGS.md F5). The memory forms,
         * the CL forms and RCL/RCR set the first step's OF. */
        set_arith_flags(c, (flags_arith(c) & ~FL_CF) | (uint32_t)cf);
        return r;
    }
    set_arith_flags(c, (flags_arith(c) & ~(FL_CF | FL_OF)) | (uint32_t)cf | (of ? FL_OF : 0));
    return r;
}

static inline unsigned mask_count(unsigned sz, uint64_t cnt)
{
    return (unsigned)cnt & (sz == 3 ? 0x3f : 0x1f); /* SDM Vol.2 SAL/SHL: count masked to 5/6 bits */
}

/* Read-modify-write memory operand: checks write access (segment and page) before reading, as
 * hardware does for a locked/RMW access. May raise. */
static inline uint64_t rmw_lin(struct cpu *c, const struct insn *i, unsigned sz)
{
    return seg_lin(c, i->seg, ea(c, i), 1u << sz, SEG_OK_W);
}
static inline uint64_t lin_rdv(struct cpu *c, uint64_t lin, unsigned sz)
{
    const struct tlb_entry *e = tlb_lookup(c, TLB_W, lin, 1u << sz);
    if (likely(e)) {
        uint64_t v = 0;
        memcpy(&v, (const void *)(e->addend + (uintptr_t)lin), 1u << sz);
        return v;
    }
    return mmu_read_slow(c, lin, 1u << sz, ACC_WRITE | (c->tlb_user ? ACC_USER : 0)) & sz_mask(sz);
}
static inline void lin_wrv(struct cpu *c, uint64_t lin, unsigned sz, uint64_t v)
{
    switch (sz) {
    case 0: lin_wr8(c, lin, (uint8_t)v); break;
    case 1: lin_wr16(c, lin, (uint16_t)v); break;
    case 2: lin_wr32(c, lin, (uint32_t)v); break;
    default: lin_wr64(c, lin, v); break;
    }
}

static void shift_mem(struct cpu *c, const struct insn *i, unsigned sz, uint64_t cnt, bool imm_reg)
{
    uint64_t lin = rmw_lin(c, i, sz);
    uint64_t v = lin_rdv(c, lin, sz);
    unsigned n = mask_count(sz, cnt);
    if (n) v = shift_calc(c, i->reg & 7, sz, v, n, imm_reg);
    lin_wrv(c, lin, sz, v);
}

static void shift_reg8(struct cpu *c, const struct insn *i, uint64_t cnt, bool imm_reg)
{
    unsigned n = mask_count(0, cnt);
    if (!n) return;
    set_r8(c, i->rm, i->pfx, (uint8_t)shift_calc(c, i->reg & 7, 0, get_r8(c, i->rm, i->pfx), n, imm_reg));
}

static void shift_regv(struct cpu *c, const struct insn *i, uint64_t cnt, bool imm_reg)
{
    unsigned sz = i->osz;
    uint64_t v = get_reg(c, i->rm, sz);
    unsigned n = mask_count(sz, cnt);
    if (n) v = shift_calc(c, i->reg & 7, sz, v, n, imm_reg);
    set_reg(c, i->rm, sz, v);
}

HANDLER(shift_EbIb_m) { shift_mem(c, i, 0, i->imm, false); }
HANDLER(shift_EbIb_r) { shift_reg8(c, i, i->imm, true); }
HANDLER(shift_EvIb_m) { shift_mem(c, i, i->osz, i->imm, false); }
HANDLER(shift_EvIb_r) { shift_regv(c, i, i->imm, true); }
HANDLER(shift_Eb1_m) { shift_mem(c, i, 0, 1, false); }
HANDLER(shift_Eb1_r) { shift_reg8(c, i, 1, false); }
HANDLER(shift_Ev1_m) { shift_mem(c, i, i->osz, 1, false); }
HANDLER(shift_Ev1_r) { shift_regv(c, i, 1, false); }
HANDLER(shift_EbCL_m) { shift_mem(c, i, 0, c->gpr[1], false); }
HANDLER(shift_EbCL_r) { shift_reg8(c, i, c->gpr[1], false); }
HANDLER(shift_EvCL_m) { shift_mem(c, i, i->osz, c->gpr[1], false); }
HANDLER(shift_EvCL_r) { shift_regv(c, i, c->gpr[1], false); }

/* Operand-size specialised SHL/SHR/SAR r32/r64 by imm8, by 1 and by CL (installed by
 * cpu_specialize); name##_1 and name##_cl take the count from 1 and CL. */
#define SHIFT_SPEC(name, sz, body)                                                                 \
    SHIFT_SPEC_N(name, sz, i->imm, body)                                                           \
    SHIFT_SPEC_N(name##_1, sz, 1, body)                                                            \
    SHIFT_SPEC_N(name##_cl, sz, c->gpr[1], body)
#define SHIFT_SPEC_N(name, sz, count, body)                                                        \
    STATIC_HANDLER(name)                                                                           \
    {                                                                                              \
        unsigned n = (unsigned)(count) & (sz == 3 ? 0x3f : 0x1f);                                  \
        if (!n) {                                                                                  \
            if (sz == 2) c->gpr[i->rm] = (uint32_t)c->gpr[i->rm];                                  \
            return;                                                                                \
        }                                                                                          \
        uint64_t v = c->gpr[i->rm] & sz_mask(sz), r;                                               \
        body;                                                                                      \
        c->gpr[i->rm] = r;                                                                         \
    }
SHIFT_SPEC(shl_r32, 2, r = (v << n) & 0xffffffffull; set_flags(c, CC_SHL, 2, r, v << (n - 1), v))
SHIFT_SPEC(shl_r64, 3, r = v << n; set_flags(c, CC_SHL, 3, r, v << (n - 1), v))
SHIFT_SPEC(shr_r32, 2, r = v >> n; set_flags(c, CC_SHR, 2, r, v >> (n - 1), v))
SHIFT_SPEC(shr_r64, 3, r = v >> n; set_flags(c, CC_SHR, 3, r, v >> (n - 1), v))
SHIFT_SPEC(sar_r32, 2, r = (uint64_t)(uint32_t)((int32_t)v >> n);
           set_flags(c, CC_SAR, 2, r, (uint64_t)((int32_t)v >> (n - 1)), 0))
SHIFT_SPEC(sar_r64, 3, r = (uint64_t)((int64_t)v >> n); set_flags(c, CC_SAR, 3, r, (uint64_t)((int64_t)v >> (n - 1)), 0))

#define SPEC_SHIFT(op, fn)                                                                         \
    {OP_##op##_EvIb, 2, 0, op_##fn##_r32}, {OP_##op##_EvIb, 3, 0, op_##fn##_r64},                  \
    {OP_##op##_Ev1, 2, 0, op_##fn##_r32_1}, {OP_##op##_Ev1, 3, 0, op_##fn##_r64_1},                \
    {OP_##op##_EvCL, 2, 0, op_##fn##_r32_cl}, {OP_##op##_EvCL, 3, 0, op_##fn##_r64_cl},
const struct spec_entry shift_specs[] = {
    SPEC_SHIFT(shl, shl) SPEC_SHIFT(sal, shl) SPEC_SHIFT(shr, shr) SPEC_SHIFT(sar, sar)
#undef SPEC_SHIFT
    {0, 0, 0, NULL},
};
