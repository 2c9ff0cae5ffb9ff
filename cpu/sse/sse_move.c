/* Data movement: MOVUPS/MOVAPS/MOVDQA/MOVDQU/LDDQU/MOVNT*, scalar and half moves, MOVD/MOVQ (with
 * REX.W), MMX <-> XMM moves, PINSRx, PEXTRx, INSERTPS/EXTRACTPS, MOVMSKPS/PMOVMSKB, MASKMOVQ/
 * MASKMOVDQU, PTEST, EMMS, LDMXCSR/STMXCSR, MOVNTI. Operations per SDM Vol.2; memory accesses
 * complete (or fault) before any register is written.
 */
#include "cpu/sse/sse_priv.h"

/* ---- full 128-bit moves ---- */
/* MOVUPS/MOVUPD/MOVDQU/LDDQU load: no alignment requirement (SDM Vol.2 MOVUPS "Exceptions Type 4"
 * note: alignment not required). */
HANDLER(sse_movu_ld_m)
{
    union xmm v;
    sse_rd128(c, i->seg, ea(c, i), &v, false);
    c->xmm[i->reg] = v;
}
/* MOVAPS/MOVAPD/MOVDQA/MOVNTDQA load: #GP(0) unless 16-byte aligned (Exceptions Type 1). */
HANDLER(sse_mova_ld_m)
{
    union xmm v;
    sse_rd128(c, i->seg, ea(c, i), &v, true);
    c->xmm[i->reg] = v;
}
HANDLER(sse_mov_ld_r) { c->xmm[i->reg] = c->xmm[i->rm]; }
HANDLER(sse_movu_st_m) { sse_wr128(c, i->seg, ea(c, i), &c->xmm[i->reg], false); }
HANDLER(sse_mova_st_m) { sse_wr128(c, i->seg, ea(c, i), &c->xmm[i->reg], true); }
HANDLER(sse_mov_st_r) { c->xmm[i->rm] = c->xmm[i->reg]; }

/* ---- scalar moves (SDM Vol.2 MOVSS/MOVSD): loads from memory zero the rest of the register,
 * register-to-register moves merge ---- */
HANDLER(sse_movss_ld_m)
{
    uint32_t v = rd32(c, i->seg, ea(c, i));
    c->xmm[i->reg] = (union xmm){.d = {v, 0, 0, 0}};
}
HANDLER(sse_movss_ld_r) { c->xmm[i->reg].d[0] = c->xmm[i->rm].d[0]; }
HANDLER(sse_movsd_ld_m)
{
    uint64_t v = rd64(c, i->seg, ea(c, i));
    c->xmm[i->reg] = (union xmm){.q = {v, 0}};
}
HANDLER(sse_movsd_ld_r) { c->xmm[i->reg].q[0] = c->xmm[i->rm].q[0]; }
HANDLER(sse_movss_st_m) { wr32(c, i->seg, ea(c, i), c->xmm[i->reg].d[0]); }
HANDLER(sse_movss_st_r) { c->xmm[i->rm].d[0] = c->xmm[i->reg].d[0]; }
HANDLER(sse_movsd_st_m) { wr64(c, i->seg, ea(c, i), c->xmm[i->reg].q[0]); }
HANDLER(sse_movsd_st_r) { c->xmm[i->rm].q[0] = c->xmm[i->reg].q[0]; }

/* ---- half moves: MOVLPS/MOVLPD, MOVHPS/MOVHPD, MOVHLPS, MOVLHPS ---- */
HANDLER(sse_movlp_ld_m) { c->xmm[i->reg].q[0] = rd64(c, i->seg, ea(c, i)); }
HANDLER(sse_movlp_st_m) { wr64(c, i->seg, ea(c, i), c->xmm[i->reg].q[0]); }
HANDLER(sse_movhp_ld_m) { c->xmm[i->reg].q[1] = rd64(c, i->seg, ea(c, i)); }
HANDLER(sse_movhp_st_m) { wr64(c, i->seg, ea(c, i), c->xmm[i->reg].q[1]); }
HANDLER(sse_movhlps_r) { c->xmm[i->reg].q[0] = c->xmm[i->rm].q[1]; }
HANDLER(sse_movlhps_r) { c->xmm[i->reg].q[1] = c->xmm[i->rm].q[0]; }

/* ---- MOVD/MOVQ between general registers/memory and MMX/XMM (0F 6E/7E; REX.W selects 64 bits,
 * SDM Vol.2 MOVD/MOVQ) ---- */
static unsigned gpr_szlog(const struct insn *i) { return i->osz == 3 ? 3 : 2; }

HANDLER(sse_movd_mm_ld_r)
{
    mmx_check_mf(c);
    uint64_t v = get_reg(c, i->rm, gpr_szlog(i));
    mmx_enter(c);
    mm_set(c, i->reg, v);
}
HANDLER(sse_movd_mm_ld_m)
{
    mmx_check_mf(c);
    uint64_t v = rdv(c, i->seg, ea(c, i), gpr_szlog(i));
    mmx_enter(c);
    mm_set(c, i->reg, v);
}
HANDLER(sse_movd_x_ld_r)
{
    c->xmm[i->reg] = (union xmm){.q = {get_reg(c, i->rm, gpr_szlog(i)), 0}};
}
HANDLER(sse_movd_x_ld_m)
{
    uint64_t v = rdv(c, i->seg, ea(c, i), gpr_szlog(i));
    c->xmm[i->reg] = (union xmm){.q = {v, 0}};
}
/* stores to a general register zero-extend (32-bit writes clear bits 63:32) */
HANDLER(sse_movd_mm_st_r)
{
    mmx_check_mf(c);
    mmx_enter(c);
    set_reg(c, i->rm, gpr_szlog(i), mm_get(c, i->reg));
}
/* MMX stores to memory: on Intel hardware a faulting store has already reset TOP but not the tags
 * (measured with cpu/sse/selftest.c); the tags become valid once the store is done. */
static void mmx_store_top(struct cpu *c) { c->fpu.fsw &= (uint16_t)~FSW_TOP; }
HANDLER(sse_movd_mm_st_m)
{
    mmx_check_mf(c);
    mmx_store_top(c);
    wrv(c, i->seg, ea(c, i), gpr_szlog(i), mm_get(c, i->reg));
    mmx_enter(c);
}
HANDLER(sse_movd_x_st_r) { set_reg(c, i->rm, gpr_szlog(i), c->xmm[i->reg].q[0]); }
HANDLER(sse_movd_x_st_m) { wrv(c, i->seg, ea(c, i), gpr_szlog(i), c->xmm[i->reg].q[0]); }

/* MOVQ mm, mm/m64 (0F 6F) and MOVQ mm/m64, mm (0F 7F); MOVNTQ shares the store */
HANDLER(sse_movq_mm_ld_r)
{
    mmx_check_mf(c);
    mmx_enter(c);
    mm_set(c, i->reg, mm_get(c, i->rm));
}
HANDLER(sse_movq_mm_ld_m)
{
    mmx_check_mf(c);
    uint64_t v = rd64(c, i->seg, ea(c, i));
    mmx_enter(c);
    mm_set(c, i->reg, v);
}
HANDLER(sse_movq_mm_st_r)
{
    mmx_check_mf(c);
    mmx_enter(c);
    mm_set(c, i->rm, mm_get(c, i->reg));
}
HANDLER(sse_movq_mm_st_m)
{
    mmx_check_mf(c);
    mmx_store_top(c);
    wr64(c, i->seg, ea(c, i), mm_get(c, i->reg));
    mmx_enter(c);
}
/* MOVQ xmm, xmm/m64 (F3 0F 7E) and MOVQ xmm/m64, xmm (66 0F D6): the upper quadword of an XMM
 * destination is cleared */
HANDLER(sse_movq_x_ld_r) { c->xmm[i->reg] = (union xmm){.q = {c->xmm[i->rm].q[0], 0}}; }
HANDLER(sse_movq_x_ld_m)
{
    uint64_t v = rd64(c, i->seg, ea(c, i));
    c->xmm[i->reg] = (union xmm){.q = {v, 0}};
}
HANDLER(sse_movq_x_st_r) { c->xmm[i->rm] = (union xmm){.q = {c->xmm[i->reg].q[0], 0}}; }
HANDLER(sse_movq_x_st_m) { wr64(c, i->seg, ea(c, i), c->xmm[i->reg].q[0]); }
/* MOVQ2DQ xmm, mm / MOVDQ2Q mm, xmm: both cause the x87 -> MMX transition */
HANDLER(sse_movq2dq)
{
    mmx_check_mf(c);
    mmx_enter(c);
    c->xmm[i->reg] = (union xmm){.q = {mm_get(c, i->rm), 0}};
}
HANDLER(sse_movdq2q)
{
    mmx_check_mf(c);
    mmx_enter(c);
    mm_set(c, i->reg, c->xmm[i->rm].q[0]);
}

/* EMMS: all x87 tags empty (SDM Vol.2 EMMS). TOP is also reset to 0, as on Intel hardware
 * (measured with cpu/sse/selftest.c: EMMS after FDECSTP leaves TOP = 0). */
HANDLER(sse_emms)
{
    mmx_check_mf(c);
    c->fpu.fsw &= (uint16_t)~FSW_TOP;
    c->fpu.ftw = 0xffff;
}

/* ---- MXCSR (SDM Vol.2 LDMXCSR: #GP(0) if a reserved bit (per MXCSR_MASK) is set) ---- */
HANDLER(sse_ldmxcsr)
{
    uint32_t v = rd32(c, i->seg, ea(c, i));
    if (v & ~MXCSR_MASK) raise_gp(c, 0);
    c->mxcsr = v;
}
HANDLER(sse_stmxcsr) { wr32(c, i->seg, ea(c, i), c->mxcsr); }

/* MOVNTI m32/m64, r32/r64 */
HANDLER(sse_movnti) { wrv(c, i->seg, ea(c, i), gpr_szlog(i), c->gpr[i->reg]); }

/* ---- sign-bit masks: MOVMSKPS/PD, PMOVMSKB (destination r32/r64, zero-extended) ---- */
HANDLER(sse_movmsk_r)
{
    const union xmm *s = &c->xmm[i->rm];
    uint32_t m;
    if (i->op == OP_sse_movmskps)
        m = (s->d[0] >> 31) | (s->d[1] >> 31) << 1 | (s->d[2] >> 31) << 2 | (s->d[3] >> 31) << 3;
    else
        m = (uint32_t)((s->q[0] >> 63) | (s->q[1] >> 63) << 1);
    set_reg(c, i->reg, 2, m);
}
static uint32_t byte_signs(const uint8_t *b, unsigned n)
{
    uint32_t m = 0;
    for (unsigned k = 0; k < n; k++) m |= (uint32_t)(b[k] >> 7) << k;
    return m;
}
HANDLER(sse_pmovmskb_mm)
{
    mmx_check_mf(c);
    union xmm v = {.q = {mm_get(c, i->rm), 0}};
    mmx_enter(c);
    set_reg(c, i->reg, 2, byte_signs(v.b, 8));
}
HANDLER(sse_pmovmskb_x) { set_reg(c, i->reg, 2, byte_signs(c->xmm[i->rm].b, 16)); }

/* ---- MASKMOVQ mm1, mm2 / MASKMOVDQU xmm1, xmm2: bytes of reg whose mask byte (rm) has bit 7 set
 * are stored to [seg:rDI] (address size, DS by default, override allowed). The SDM leaves open
 * whether an all-zero mask signals faults; Intel hardware does (measured: #GP for a non-canonical
 * RDI with an empty mask), so the whole 8/16-byte range is probed before any byte is written.
 * MASKMOVQ has made the full x87 -> MMX transition by the time it faults (measured). ---- */
HANDLER(sse_maskmov)
{
    union xmm data, mask;
    unsigned n;
    if (i->op == OP_sse_maskmovq) {
        mmx_check_mf(c);
        mmx_enter(c);
        data.q[0] = mm_get(c, i->reg);
        mask.q[0] = mm_get(c, i->rm);
        n = 8;
    } else {
        data = c->xmm[i->reg];
        mask = c->xmm[i->rm];
        n = 16;
    }
    uint64_t am = sz_mask(i->asz);
    uint64_t off = c->gpr[7] & am;
    cpu_probe_write(c, i->seg, off, n);
    for (unsigned k = 0; k < n; k++)
        if (mask.b[k] & 0x80) wr8(c, i->seg, (off + k) & am, data.b[k]);
}

/* ---- word insert/extract with an MMX register (0F C4 / 0F C5, SDM Vol.2 PINSRW/PEXTRW) ---- */
HANDLER(sse_pinsrw_mm_r)
{
    mmx_check_mf(c);
    union xmm v = {.q = {mm_get(c, i->reg), 0}};
    v.w[i->imm & 3] = (uint16_t)c->gpr[i->rm];
    mmx_enter(c);
    mm_set(c, i->reg, v.q[0]);
}
HANDLER(sse_pinsrw_mm_m)
{
    mmx_check_mf(c);
    uint16_t w = rd16(c, i->seg, ea(c, i));
    union xmm v = {.q = {mm_get(c, i->reg), 0}};
    v.w[i->imm & 3] = w;
    mmx_enter(c);
    mm_set(c, i->reg, v.q[0]);
}
HANDLER(sse_pextrw_mm_r)
{
    mmx_check_mf(c);
    union xmm v = {.q = {mm_get(c, i->rm), 0}};
    mmx_enter(c);
    set_reg(c, i->reg, 2, v.w[i->imm & 3]);
}
HANDLER(sse_pextrw_x_r) { set_reg(c, i->reg, 2, c->xmm[i->rm].w[i->imm & 7]); }

/* ---- PINSRW xmm (66 0F C4), PINSRB/PINSRD/PINSRQ (66 0F 3A 20/22) ---- */
static void pinsr(struct cpu *c, const struct insn *i, uint64_t v)
{
    union xmm *x = &c->xmm[i->reg];
    switch (i->op) {
    case OP_sse_pinsrw_x: x->w[i->imm & 7] = (uint16_t)v; break;
    case OP_sse_pinsrb: x->b[i->imm & 15] = (uint8_t)v; break;
    default:
        if (i->osz == 3) x->q[i->imm & 1] = v;
        else x->d[i->imm & 3] = (uint32_t)v;
        break;
    }
}
HANDLER(sse_pinsr_r) { pinsr(c, i, c->gpr[i->rm]); }
HANDLER(sse_pinsr_m)
{
    unsigned sz = i->op == OP_sse_pinsrw_x ? 1 : i->op == OP_sse_pinsrb ? 0 : gpr_szlog(i);
    pinsr(c, i, rdv(c, i->seg, ea(c, i), sz));
}

/* ---- PEXTRB/PEXTRW/PEXTRD/PEXTRQ/EXTRACTPS (66 0F 3A 14..17): register destinations are
 * zero-extended to the full register ---- */
static uint64_t pextr(const struct cpu *c, const struct insn *i, unsigned *szlog)
{
    const union xmm *x = &c->xmm[i->reg];
    switch (i->op) {
    case OP_sse_pextrb: *szlog = 0; return x->b[i->imm & 15];
    case OP_sse_pextrw_e: *szlog = 1; return x->w[i->imm & 7];
    case OP_sse_pextrd:
        if (i->osz == 3) {
            *szlog = 3;
            return x->q[i->imm & 1];
        }
        *szlog = 2;
        return x->d[i->imm & 3];
    default: *szlog = 2; return x->d[i->imm & 3]; /* EXTRACTPS */
    }
}
HANDLER(sse_pextr_r)
{
    unsigned sz;
    uint64_t v = pextr(c, i, &sz);
    set_reg(c, i->rm, sz == 3 ? 3 : 2, v);
}
HANDLER(sse_pextr_m)
{
    unsigned sz;
    uint64_t v = pextr(c, i, &sz);
    wrv(c, i->seg, ea(c, i), sz, v);
}

/* ---- INSERTPS xmm1, xmm2/m32, imm8: imm[7:6] source element (register form only), imm[5:4]
 * destination element, imm[3:0] zero mask ---- */
static void insertps(struct cpu *c, const struct insn *i, uint32_t v)
{
    union xmm x = c->xmm[i->reg];
    unsigned imm = (unsigned)i->imm;
    x.d[(imm >> 4) & 3] = v;
    for (unsigned k = 0; k < 4; k++)
        if (imm & (1u << k)) x.d[k] = 0;
    c->xmm[i->reg] = x;
}
HANDLER(sse_insertps_r) { insertps(c, i, c->xmm[i->rm].d[(i->imm >> 6) & 3]); }
HANDLER(sse_insertps_m) { insertps(c, i, rd32(c, i->seg, ea(c, i))); }

/* ---- PTEST: ZF = (dest AND src) == 0, CF = (NOT dest AND src) == 0; AF OF PF SF cleared ---- */
static void ptest(struct cpu *c, const union xmm *d, const union xmm *s)
{
    uint32_t f = 0;
    if (((d->q[0] & s->q[0]) | (d->q[1] & s->q[1])) == 0) f |= FL_ZF;
    if (((~d->q[0] & s->q[0]) | (~d->q[1] & s->q[1])) == 0) f |= FL_CF;
    set_arith_flags(c, f);
}
HANDLER(sse_ptest_r) { ptest(c, &c->xmm[i->reg], &c->xmm[i->rm]); }
HANDLER(sse_ptest_m)
{
    union xmm s;
    sse_rd128(c, i->seg, ea(c, i), &s, true);
    ptest(c, &c->xmm[i->reg], &s);
}
