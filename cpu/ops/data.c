/* Data movement: MOV, MOVZX/MOVSX/MOVSXD, LEA, XCHG, CMPXCHG, XADD, CMPXCHG8B/16B, CBW/CWD,
 * LAHF/SAHF, SETcc, CMOVcc, XLAT, BOUND (SDM Vol.2 instruction pages). */
#include "cpu/cpu_priv.h"
#include "cpu/cpumodel.h"

HANDLER(mov_EbGb_m) { wr8(c, i->seg, ea(c, i), get_r8(c, i->reg, i->pfx)); }
HANDLER(mov_EbGb_r) { set_r8(c, i->rm, i->pfx, get_r8(c, i->reg, i->pfx)); }
HANDLER(mov_EvGv_m) { wrv(c, i->seg, ea(c, i), i->osz, c->gpr[i->reg]); }
HANDLER(mov_EvGv_r) { set_reg(c, i->rm, i->osz, c->gpr[i->reg]); }
STATIC_HANDLER(mov_EvGv_m32) { wr32(c, i->seg, ea(c, i), (uint32_t)c->gpr[i->reg]); }
STATIC_HANDLER(mov_EvGv_m64) { wr64(c, i->seg, ea(c, i), c->gpr[i->reg]); }
STATIC_HANDLER(mov_EvGv_r32) { c->gpr[i->rm] = (uint32_t)c->gpr[i->reg]; }
STATIC_HANDLER(mov_EvGv_r64) { c->gpr[i->rm] = c->gpr[i->reg]; }
HANDLER(mov_GbEb_m) { set_r8(c, i->reg, i->pfx, rd8(c, i->seg, ea(c, i))); }
HANDLER(mov_GbEb_r) { set_r8(c, i->reg, i->pfx, get_r8(c, i->rm, i->pfx)); }
HANDLER(mov_GvEv_m) { set_reg(c, i->reg, i->osz, rdv(c, i->seg, ea(c, i), i->osz)); }
HANDLER(mov_GvEv_r) { set_reg(c, i->reg, i->osz, c->gpr[i->rm]); }
STATIC_HANDLER(mov_GvEv_m32) { c->gpr[i->reg] = rd32(c, i->seg, ea(c, i)); }
STATIC_HANDLER(mov_GvEv_m64) { c->gpr[i->reg] = rd64(c, i->seg, ea(c, i)); }
STATIC_HANDLER(mov_GvEv_r32) { c->gpr[i->reg] = (uint32_t)c->gpr[i->rm]; }
STATIC_HANDLER(mov_GvEv_r64) { c->gpr[i->reg] = c->gpr[i->rm]; }
HANDLER(mov_EbIb_m) { wr8(c, i->seg, ea(c, i), (uint8_t)i->imm); }
HANDLER(mov_EbIb_r) { set_r8(c, i->rm, i->pfx, (uint8_t)i->imm); }
HANDLER(mov_EvIz_m) { wrv(c, i->seg, ea(c, i), i->osz, i->imm); }
HANDLER(mov_EvIz_r) { set_reg(c, i->rm, i->osz, i->imm); }
HANDLER(mov_RbIb) { set_r8(c, i->reg, i->pfx, (uint8_t)i->imm); }
HANDLER(mov_RvIv) { set_reg(c, i->reg, i->osz, i->imm); }

/* MOV AL/rAX <-> moffs: the offset is an address-size immediate (SDM Vol.2 MOV, A0-A3) */
HANDLER(mov_ALOb) { set_r8(c, 0, 0, rd8(c, i->seg, i->imm & sz_mask(i->asz))); }
HANDLER(mov_rAXOv) { set_reg(c, 0, i->osz, rdv(c, i->seg, i->imm & sz_mask(i->asz), i->osz)); }
HANDLER(mov_ObAL) { wr8(c, i->seg, i->imm & sz_mask(i->asz), (uint8_t)c->gpr[0]); }
HANDLER(mov_OvrAX) { wrv(c, i->seg, i->imm & sz_mask(i->asz), i->osz, c->gpr[0]); }

STATIC_HANDLER(mov_RvIv32) { c->gpr[i->reg] = (uint32_t)i->imm; }
STATIC_HANDLER(mov_RvIv64) { c->gpr[i->reg] = i->imm; }
STATIC_HANDLER(mov_EvIz_r64) { c->gpr[i->rm] = i->imm; }
STATIC_HANDLER(mov_EvIz_m64) { wr64(c, i->seg, ea(c, i), i->imm); }
STATIC_HANDLER(mov_EvIz_m32) { wr32(c, i->seg, ea(c, i), (uint32_t)i->imm); }

HANDLER(movzx_GvEb_m) { set_reg(c, i->reg, i->osz, rd8(c, i->seg, ea(c, i))); }
HANDLER(movzx_GvEb_r) { set_reg(c, i->reg, i->osz, get_r8(c, i->rm, i->pfx)); }
HANDLER(movzx_GvEw_m) { set_reg(c, i->reg, i->osz, rd16(c, i->seg, ea(c, i))); }
HANDLER(movzx_GvEw_r) { set_reg(c, i->reg, i->osz, (uint16_t)c->gpr[i->rm]); }
HANDLER(movsx_GvEb_m) { set_reg(c, i->reg, i->osz, (uint64_t)(int64_t)(int8_t)rd8(c, i->seg, ea(c, i))); }
HANDLER(movsx_GvEb_r) { set_reg(c, i->reg, i->osz, (uint64_t)(int64_t)(int8_t)get_r8(c, i->rm, i->pfx)); }
HANDLER(movsx_GvEw_m) { set_reg(c, i->reg, i->osz, (uint64_t)(int64_t)(int16_t)rd16(c, i->seg, ea(c, i))); }
HANDLER(movsx_GvEw_r) { set_reg(c, i->reg, i->osz, (uint64_t)(int64_t)(int16_t)c->gpr[i->rm]); }
/* MOVSXD: with 16/32-bit operand size it is a plain move (SDM Vol.2 MOVSX/MOVSXD) */
HANDLER(movsxd_m)
{
    if (i->osz == 3)
        set_reg(c, i->reg, 3, (uint64_t)(int64_t)(int32_t)rd32(c, i->seg, ea(c, i)));
    else
        set_reg(c, i->reg, i->osz, rdv(c, i->seg, ea(c, i), i->osz));
}
HANDLER(movsxd_r)
{
    if (i->osz == 3)
        set_reg(c, i->reg, 3, (uint64_t)(int64_t)(int32_t)c->gpr[i->rm]);
    else
        set_reg(c, i->reg, i->osz, c->gpr[i->rm]);
}

/* LEA: the offset, truncated/zero-extended to the operand size (SDM Vol.2 LEA table 3-54) */
HANDLER(lea) { set_reg(c, i->reg, i->osz, ea(c, i)); }
STATIC_HANDLER(lea32) { c->gpr[i->reg] = (uint32_t)ea(c, i); }
STATIC_HANDLER(lea64) { c->gpr[i->reg] = ea(c, i); }

/* XCHG: 90 with no REX.B is NOP (no zero-extension in 64-bit mode) */
HANDLER(xchg_rAX)
{
    if (i->reg == 0) return;
    uint64_t a = c->gpr[0], b = c->gpr[i->reg];
    set_reg(c, 0, i->osz, b);
    set_reg(c, i->reg, i->osz, a);
}
HANDLER(xchg_EbGb_m)
{
    uint64_t off = ea(c, i);
    uint8_t m = rmw_rd8(c, i->seg, off);
    wr8(c, i->seg, off, get_r8(c, i->reg, i->pfx));
    set_r8(c, i->reg, i->pfx, m);
}
HANDLER(xchg_EbGb_r)
{
    uint8_t a = get_r8(c, i->rm, i->pfx), b = get_r8(c, i->reg, i->pfx);
    set_r8(c, i->rm, i->pfx, b);
    set_r8(c, i->reg, i->pfx, a);
}
HANDLER(xchg_EvGv_m)
{
    uint64_t off = ea(c, i);
    uint64_t m = rmw_rdv(c, i->seg, off, i->osz);
    wrv(c, i->seg, off, i->osz, c->gpr[i->reg]);
    set_reg(c, i->reg, i->osz, m);
}
HANDLER(xchg_EvGv_r)
{
    uint64_t a = c->gpr[i->rm], b = c->gpr[i->reg];
    set_reg(c, i->rm, i->osz, b);
    set_reg(c, i->reg, i->osz, a);
}

/* CMPXCHG (SDM Vol.2): flags as CMP accumulator, destination; the destination is always written
 * for memory operands. */
HANDLER(cmpxchg_EbGb_m)
{
    uint64_t off = ea(c, i);
    uint8_t d = rmw_rd8(c, i->seg, off), a = (uint8_t)c->gpr[0];
    set_flags(c, CC_SUB, 0, (uint8_t)(a - d), d, 0);
    if (a == d) {
        wr8(c, i->seg, off, get_r8(c, i->reg, i->pfx));
    } else {
        wr8(c, i->seg, off, d);
        set_r8(c, 0, 0, d);
    }
}
HANDLER(cmpxchg_EbGb_r)
{
    uint8_t d = get_r8(c, i->rm, i->pfx), a = (uint8_t)c->gpr[0];
    set_flags(c, CC_SUB, 0, (uint8_t)(a - d), d, 0);
    if (a == d)
        set_r8(c, i->rm, i->pfx, get_r8(c, i->reg, i->pfx));
    else
        set_r8(c, 0, 0, d);
}
HANDLER(cmpxchg_EvGv_m)
{
    uint64_t off = ea(c, i), m = sz_mask(i->osz);
    uint64_t d = rmw_rdv(c, i->seg, off, i->osz), a = c->gpr[0] & m;
    set_flags(c, CC_SUB, i->osz, (a - d) & m, d, 0);
    if (a == d) {
        wrv(c, i->seg, off, i->osz, c->gpr[i->reg]);
    } else {
        wrv(c, i->seg, off, i->osz, d);
        set_reg(c, 0, i->osz, d);
    }
}
HANDLER(cmpxchg_EvGv_r)
{
    uint64_t m = sz_mask(i->osz);
    uint64_t d = c->gpr[i->rm] & m, a = c->gpr[0] & m;
    set_flags(c, CC_SUB, i->osz, (a - d) & m, d, 0);
    if (a == d)
        set_reg(c, i->rm, i->osz, c->gpr[i->reg]);
    else
        set_reg(c, 0, i->osz, d);
}

/* XADD (SDM Vol.2): dest <- dest + src, src <- old dest */
HANDLER(xadd_EbGb_m)
{
    uint64_t off = ea(c, i);
    uint8_t d = rmw_rd8(c, i->seg, off), s = get_r8(c, i->reg, i->pfx), r = (uint8_t)(d + s);
    wr8(c, i->seg, off, r);
    set_r8(c, i->reg, i->pfx, d);
    set_flags(c, CC_ADD, 0, r, s, 0);
}
HANDLER(xadd_EbGb_r)
{
    uint8_t d = get_r8(c, i->rm, i->pfx), s = get_r8(c, i->reg, i->pfx), r = (uint8_t)(d + s);
    set_r8(c, i->reg, i->pfx, d);
    set_r8(c, i->rm, i->pfx, r);
    set_flags(c, CC_ADD, 0, r, s, 0);
}
HANDLER(xadd_EvGv_m)
{
    uint64_t off = ea(c, i), m = sz_mask(i->osz);
    uint64_t d = rmw_rdv(c, i->seg, off, i->osz), s = c->gpr[i->reg] & m, r = (d + s) & m;
    wrv(c, i->seg, off, i->osz, r);
    set_reg(c, i->reg, i->osz, d);
    set_flags(c, CC_ADD, i->osz, r, s, 0);
}
HANDLER(xadd_EvGv_r)
{
    uint64_t m = sz_mask(i->osz);
    uint64_t d = c->gpr[i->rm] & m, s = c->gpr[i->reg] & m, r = (d + s) & m;
    set_reg(c, i->reg, i->osz, d);
    set_reg(c, i->rm, i->osz, r);
    set_flags(c, CC_ADD, i->osz, r, s, 0);
}

/* CMPXCHG8B / CMPXCHG16B (SDM Vol.2): 16B needs CPUID.1:ECX.CX16 and a 16-byte aligned operand */
HANDLER(cmpxchg8b)
{
    uint64_t off = ea(c, i);
    uint32_t f = flags_arith(c) & ~FL_ZF;
    if (i->pfx & PFX_REXW) {
        if (!(c->features & FEATURE_BIT(FEAT_CX16))) raise_ud(c);
        /* the alignment #GP comes before the segment/canonical checks (measured on the Intel
         * host: a misaligned non-canonical SS operand gives #GP, not #SS) */
        if ((c->seg[i->seg].eff_base + off) & 15) raise_gp(c, 0);
        (void)seg_lin(c, i->seg, off, 16, SEG_OK_W);
        cpu_probe_write(c, i->seg, off, 16);
        uint64_t lo = rd64(c, i->seg, off), hi = rd64(c, i->seg, off + 8);
        if (lo == c->gpr[0] && hi == c->gpr[2]) {
            wr64(c, i->seg, off, c->gpr[3]);
            wr64(c, i->seg, off + 8, c->gpr[1]);
            f |= FL_ZF;
        } else {
            wr64(c, i->seg, off, lo);
            wr64(c, i->seg, off + 8, hi);
            c->gpr[0] = lo;
            c->gpr[2] = hi;
        }
    } else {
        cpu_probe_write(c, i->seg, off, 8);
        uint64_t v = rd64(c, i->seg, off);
        uint64_t cmp = cpu_edx_eax(c);
        if (v == cmp) {
            wr64(c, i->seg, off, (c->gpr[3] & 0xffffffffull) | (c->gpr[1] << 32));
            f |= FL_ZF;
        } else {
            wr64(c, i->seg, off, v);
            set_reg(c, 0, 2, v & 0xffffffffull);
            set_reg(c, 2, 2, v >> 32);
        }
    }
    set_arith_flags(c, f);
}

HANDLER(cbw)
{
    switch (i->osz) {
    case 1: set_reg(c, 0, 1, (uint64_t)(int64_t)(int8_t)c->gpr[0]); break;
    case 2: set_reg(c, 0, 2, (uint64_t)(int64_t)(int16_t)c->gpr[0]); break;
    default: c->gpr[0] = (uint64_t)(int64_t)(int32_t)c->gpr[0]; break;
    }
}
HANDLER(cwd)
{
    unsigned sz = i->osz;
    uint64_t sb = 1ull << ((8u << sz) - 1);
    set_reg(c, 2, sz, (c->gpr[0] & sb) ? ~0ull : 0);
}

/* LAHF/SAHF: in 64-bit mode only with CPUID.80000001:ECX.LAHF-SAHF (SDM Vol.2) */
HANDLER(lahf)
{
    if (c->mode64 && !c->model->lahf64) raise_ud(c);
    uint32_t f = flags_arith(c);
    set_r8(c, 4, 0, (uint8_t)((f & (FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF)) | FL_FIXED1));
}
HANDLER(sahf)
{
    if (c->mode64 && !c->model->lahf64) raise_ud(c);
    uint32_t ah = (c->gpr[0] >> 8) & 0xff;
    uint32_t f = (flags_arith(c) & FL_OF) | (ah & (FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF));
    set_arith_flags(c, f);
}

/* XLAT: AL <- [seg:rBX + AL] (SDM Vol.2 XLAT) */
HANDLER(xlat)
{
    uint64_t off = (c->gpr[3] + (c->gpr[0] & 0xff)) & sz_mask(i->asz);
    set_r8(c, 0, 0, rd8(c, i->seg, off));
}

/* BOUND (SDM Vol.2): signed bounds pair in memory; out of range raises #BR */
HANDLER(bound)
{
    uint64_t off = ea(c, i);
    int64_t idx, lo, hi;
    if (i->osz == 1) {
        idx = (int16_t)c->gpr[i->reg];
        lo = (int16_t)rd16(c, i->seg, off);
        hi = (int16_t)rd16(c, i->seg, (off + 2) & sz_mask(i->asz));
    } else {
        idx = (int32_t)c->gpr[i->reg];
        lo = (int32_t)rd32(c, i->seg, off);
        hi = (int32_t)rd32(c, i->seg, (off + 4) & sz_mask(i->asz));
    }
    if (idx < lo || idx > hi) cpu_raise_noerr(c, EXC_BR);
}

/* SETcc and CMOVcc, one handler per condition. CMOVcc with a 32-bit operand zero-extends the
 * destination even when the condition is false; the source is read either way (SDM Vol.2 CMOVcc). */
#define CC_HANDLERS(cc, n)                                                                         \
    HANDLER(set##cc##_m) { wr8(c, i->seg, ea(c, i), cpu_cond(c, n)); }                             \
    HANDLER(set##cc##_r) { set_r8(c, i->rm, i->pfx, cpu_cond(c, n)); }                             \
    HANDLER(cmov##cc##_m)                                                                          \
    {                                                                                              \
        uint64_t v = rdv(c, i->seg, ea(c, i), i->osz);                                             \
        set_reg(c, i->reg, i->osz, cpu_cond(c, n) ? v : c->gpr[i->reg]);                           \
    }                                                                                              \
    HANDLER(cmov##cc##_r) { set_reg(c, i->reg, i->osz, cpu_cond(c, n) ? c->gpr[i->rm] : c->gpr[i->reg]); }
CC16(CC_HANDLERS)
#undef CC_HANDLERS

/* ---- 64-bit flat forms (cpu_priv.h: FLAT_HANDLER); each gives up to the general handler ---- */
#define FLAT_LOAD(name, general, sz, expr)                                                         \
    FLAT_HANDLER(name, general)                                                                    \
    {                                                                                              \
        const uint8_t *h = flat_host(c, TLB_R, flat_ea(c, i), sz);                                 \
        if (!h) return false;                                                                      \
        uint64_t v = host_ld(h, sz);                                                               \
        c->gpr[i->reg] = (expr);                                                                   \
        return true;                                                                               \
    }
/* 32-bit destinations are zero-extended (SDM Vol.1 3.4.1.1) */
FLAT_LOAD(mov_GvEv_f32, mov_GvEv_m, 2, v)
FLAT_LOAD(mov_GvEv_f64, mov_GvEv_m, 3, v)
FLAT_LOAD(movzx_GvEb_f, movzx_GvEb_m, 0, v)
FLAT_LOAD(movzx_GvEw_f, movzx_GvEw_m, 1, v)
FLAT_LOAD(movsx_GvEb_f32, movsx_GvEb_m, 0, (uint32_t)(int32_t)(int8_t)v)
FLAT_LOAD(movsx_GvEb_f64, movsx_GvEb_m, 0, (uint64_t)(int64_t)(int8_t)v)
FLAT_LOAD(movsx_GvEw_f32, movsx_GvEw_m, 1, (uint32_t)(int32_t)(int16_t)v)
FLAT_LOAD(movsx_GvEw_f64, movsx_GvEw_m, 1, (uint64_t)(int64_t)(int16_t)v)
FLAT_LOAD(movsxd_f64, movsxd_m, 2, (uint64_t)(int64_t)(int32_t)v)
#undef FLAT_LOAD
FLAT_HANDLER(mov_GbEb_f, mov_GbEb_m)
{
    const uint8_t *h = flat_host(c, TLB_R, flat_ea(c, i), 0);
    if (!h) return false;
    set_r8(c, i->reg, i->pfx, *h);
    return true;
}

#define FLAT_STORE(name, general, sz, val)                                                         \
    FLAT_HANDLER(name, general)                                                                    \
    {                                                                                              \
        uint8_t *h = flat_host(c, TLB_W, flat_ea(c, i), sz);                                       \
        if (!h) return false;                                                                      \
        host_st(h, sz, (val));                                                                     \
        return true;                                                                               \
    }
FLAT_STORE(mov_EvGv_f16, mov_EvGv_m, 1, c->gpr[i->reg])
FLAT_STORE(mov_EvGv_f32, mov_EvGv_m, 2, c->gpr[i->reg])
FLAT_STORE(mov_EvGv_f64, mov_EvGv_m, 3, c->gpr[i->reg])
FLAT_STORE(mov_EbGb_f, mov_EbGb_m, 0, get_r8(c, i->reg, i->pfx))
FLAT_STORE(mov_EbIb_f, mov_EbIb_m, 0, i->imm)
FLAT_STORE(mov_EvIz_f32, mov_EvIz_m, 2, i->imm)
FLAT_STORE(mov_EvIz_f64, mov_EvIz_m, 3, i->imm)
#undef FLAT_STORE

/* LEA with a 64-bit address size: no truncation of the address */
STATIC_HANDLER(lea_f32) { c->gpr[i->reg] = (uint32_t)flat_ea(c, i); }
STATIC_HANDLER(lea_f64) { c->gpr[i->reg] = flat_ea(c, i); }

const struct spec_entry data_specs[] = {
    {OP_mov_GvEv, 2, SPEC_FLAT_MEM, op_mov_GvEv_f32}, {OP_mov_GvEv, 3, SPEC_FLAT_MEM, op_mov_GvEv_f64},
    {OP_movzx_GvEb, 2, SPEC_FLAT_MEM, op_movzx_GvEb_f}, {OP_movzx_GvEb, 3, SPEC_FLAT_MEM, op_movzx_GvEb_f},
    {OP_movzx_GvEw, 2, SPEC_FLAT_MEM, op_movzx_GvEw_f}, {OP_movzx_GvEw, 3, SPEC_FLAT_MEM, op_movzx_GvEw_f},
    {OP_movsx_GvEb, 2, SPEC_FLAT_MEM, op_movsx_GvEb_f32}, {OP_movsx_GvEb, 3, SPEC_FLAT_MEM, op_movsx_GvEb_f64},
    {OP_movsx_GvEw, 2, SPEC_FLAT_MEM, op_movsx_GvEw_f32}, {OP_movsx_GvEw, 3, SPEC_FLAT_MEM, op_movsx_GvEw_f64},
    {OP_movsxd, 3, SPEC_FLAT_MEM, op_movsxd_f64},
    {OP_mov_GbEb, 0, SPEC_FLAT_MEM, op_mov_GbEb_f}, {OP_mov_GbEb, 1, SPEC_FLAT_MEM, op_mov_GbEb_f},
    {OP_mov_GbEb, 2, SPEC_FLAT_MEM, op_mov_GbEb_f}, {OP_mov_GbEb, 3, SPEC_FLAT_MEM, op_mov_GbEb_f},
    {OP_mov_EvGv, 1, SPEC_FLAT_MEM, op_mov_EvGv_f16}, {OP_mov_EvGv, 2, SPEC_FLAT_MEM, op_mov_EvGv_f32},
    {OP_mov_EvGv, 3, SPEC_FLAT_MEM, op_mov_EvGv_f64},
    {OP_mov_EbGb, 0, SPEC_FLAT_MEM, op_mov_EbGb_f}, {OP_mov_EbGb, 1, SPEC_FLAT_MEM, op_mov_EbGb_f},
    {OP_mov_EbGb, 2, SPEC_FLAT_MEM, op_mov_EbGb_f}, {OP_mov_EbGb, 3, SPEC_FLAT_MEM, op_mov_EbGb_f},
    {OP_mov_EbIb, 0, SPEC_FLAT_MEM, op_mov_EbIb_f}, {OP_mov_EbIb, 1, SPEC_FLAT_MEM, op_mov_EbIb_f},
    {OP_mov_EbIb, 2, SPEC_FLAT_MEM, op_mov_EbIb_f}, {OP_mov_EbIb, 3, SPEC_FLAT_MEM, op_mov_EbIb_f},
    {OP_mov_EvIz, 2, SPEC_FLAT_MEM, op_mov_EvIz_f32}, {OP_mov_EvIz, 3, SPEC_FLAT_MEM, op_mov_EvIz_f64},
    {OP_lea, 2, SPEC_FLAT_MEM, op_lea_f32}, {OP_lea, 3, SPEC_FLAT_MEM, op_lea_f64},
    {OP_mov_EvGv, 2, 1, op_mov_EvGv_m32}, {OP_mov_EvGv, 3, 1, op_mov_EvGv_m64},
    {OP_mov_EvGv, 2, 0, op_mov_EvGv_r32}, {OP_mov_EvGv, 3, 0, op_mov_EvGv_r64},
    {OP_mov_GvEv, 2, 1, op_mov_GvEv_m32}, {OP_mov_GvEv, 3, 1, op_mov_GvEv_m64},
    {OP_mov_GvEv, 2, 0, op_mov_GvEv_r32}, {OP_mov_GvEv, 3, 0, op_mov_GvEv_r64},
    {OP_lea, 2, 1, op_lea32}, {OP_lea, 3, 1, op_lea64},
    {OP_mov_RvIv, 2, 0, op_mov_RvIv32}, {OP_mov_RvIv, 3, 0, op_mov_RvIv64},
    {OP_mov_EvIz, 3, 0, op_mov_EvIz_r64}, {OP_mov_EvIz, 3, 1, op_mov_EvIz_m64},
    {OP_mov_EvIz, 2, 1, op_mov_EvIz_m32},
    {0, 0, 0, NULL},
};
