/* FXSAVE/FXRSTOR (0F AE /0 /1), XSAVE/XRSTOR/XSAVEOPT (0F AE /4 /5 /6), XRSTORS/XSAVEC/XSAVES
 * (0F C7 /3 /4 /5) for the x87 and SSE state components, and XGETBV/XSETBV.
 *
 * Legacy (FXSAVE) area, SDM Vol.2 FXSAVE tables 3-53 to 3-56 (offsets in bytes):
 *   0 FCW  2 FSW  4 abridged FTW (1 bit per physical register, 1 = non-empty)  5 reserved
 *   6 FOP  8 FIP[31:0]  12 FCS  14 reserved  16 FDP[31:0]  20 FDS  22 reserved
 *   (REX.W form: 8 FIP[63:0], 16 FDP[63:0])
 *   24 MXCSR  28 MXCSR_MASK  32 + 16*k ST(k) (10 bytes, 6 reserved)  160 + 16*k XMMk
 *   XMM8-15 only in 64-bit mode; 416..511 are not written.
 * XSAVE header (Vol.1 13.4.2): 512 XSTATE_BV, 520 XCOMP_BV, 528..575 reserved.
 * The compacted format (Vol.1 13.4.3) differs only in the extended region, which is empty here
 * (no component above 1), so both formats are 576 bytes with the same legacy region.
 */
#include "cpu/x87/x87.h"

#define XFEATURE_X87 1ull
#define XFEATURE_SSE 2ull
#define MXCSR_INIT 0x1f80u /* SSE initial configuration (SDM Vol.1 13.6) */

static void check_align(struct cpu *c, const struct insn *i, uint64_t off, unsigned a, unsigned size,
                        unsigned need)
{
    /* The segment checks (limit, type, canonical form: #SS(0) through SS, else #GP(0)) come before
     * the alignment check (measured on Intel host, see tests/diff/FINDINGS.md F15) */
    seg_lin(c, i->seg, off, size, need);
    /* SDM Vol.2 FXSAVE/XSAVE: #GP(0) when the operand is not aligned, regardless of segment */
    if ((c->seg[i->seg].eff_base + off) & (a - 1)) raise_gp(c, 0);
}

static uint64_t add(const struct insn *i, uint64_t off, unsigned n) { return (off + n) & sz_mask(i->asz); }

/* FXSAVE/FXRSTOR touch the last byte of the 512-byte area first: when the area is split across a
 * page that is not present, #PF reports CR2 = the last byte (measured on Intel host, see
 * tests/diff/FINDINGS.md F16; the SDM does not specify the order). May raise. */
static void probe_last(struct cpu *c, const struct insn *i, uint64_t off, bool write)
{
    uint64_t lin = seg_lin(c, i->seg, add(i, off, 511), 1, write ? SEG_OK_W : SEG_OK_R);
    mmu_translate(c, lin, (write ? ACC_WRITE : 0) | (c->tlb_user ? ACC_USER : 0));
}

/* x87 part of the legacy area: bytes 0..23 and 32..159. */
static void save_x87(struct cpu *c, const struct insn *i, uint64_t off)
{
    const struct fpu *p = &c->fpu;
    uint8_t atw = 0;
    for (unsigned r = 0; r < 8; r++)
        if (x87_ptag(c, r) != TAG_EMPTY) atw |= (uint8_t)(1u << r);
    wr16(c, i->seg, off, p->fcw);
    wr16(c, i->seg, add(i, off, 2), p->fsw);
    wr16(c, i->seg, add(i, off, 4), atw);
    wr16(c, i->seg, add(i, off, 6), p->fop & 0x7ff);
    if (i->pfx & PFX_REXW) {
        wr64(c, i->seg, add(i, off, 8), p->fip);
        wr64(c, i->seg, add(i, off, 16), p->fdp);
    } else {
        wr32(c, i->seg, add(i, off, 8), (uint32_t)p->fip);
        wr32(c, i->seg, add(i, off, 12), p->fcs);
        wr32(c, i->seg, add(i, off, 16), (uint32_t)p->fdp);
        wr32(c, i->seg, add(i, off, 20), p->fds);
    }
    for (unsigned k = 0; k < 8; k++) {
        floatx80 v = x87_get(c, k);
        uint64_t o = add(i, off, 32 + 16 * k);
        wr64(c, i->seg, o, v.sig);
        wr64(c, i->seg, add(i, o, 8), v.se);
    }
}

static void save_mxcsr(struct cpu *c, const struct insn *i, uint64_t off)
{
    wr32(c, i->seg, add(i, off, 24), c->mxcsr);
    wr32(c, i->seg, add(i, off, 28), MXCSR_MASK_SUPPORTED);
}

static unsigned nxmm(const struct cpu *c) { return c->mode64 ? 16 : 8; }

static void save_xmm(struct cpu *c, const struct insn *i, uint64_t off)
{
    for (unsigned k = 0; k < nxmm(c); k++) {
        uint64_t o = add(i, off, 160 + 16 * k);
        wr64(c, i->seg, o, c->xmm[k].q[0]);
        wr64(c, i->seg, add(i, o, 8), c->xmm[k].q[1]);
    }
}

/* A legacy-area image read in full before anything is changed (faults come first). */
struct legacy_img {
    uint16_t fcw, fsw, fop, fcs, fds;
    uint8_t atw;
    uint64_t fip, fdp;
    uint32_t mxcsr;
    floatx80 st[8];
    union xmm xmm[16];
};

static void read_x87(struct cpu *c, const struct insn *i, uint64_t off, struct legacy_img *m)
{
    m->fcw = rd16(c, i->seg, off);
    m->fsw = rd16(c, i->seg, add(i, off, 2));
    m->atw = rd8(c, i->seg, add(i, off, 4));
    m->fop = rd16(c, i->seg, add(i, off, 6)) & 0x7ff;
    if (i->pfx & PFX_REXW) {
        m->fip = rd64(c, i->seg, add(i, off, 8));
        m->fdp = rd64(c, i->seg, add(i, off, 16));
        m->fcs = m->fds = 0;
    } else {
        m->fip = rd32(c, i->seg, add(i, off, 8));
        m->fcs = rd16(c, i->seg, add(i, off, 12));
        m->fdp = rd32(c, i->seg, add(i, off, 16));
        m->fds = rd16(c, i->seg, add(i, off, 20));
    }
    for (unsigned k = 0; k < 8; k++) {
        uint64_t o = add(i, off, 32 + 16 * k);
        m->st[k].sig = rd64(c, i->seg, o);
        m->st[k].se = rd16(c, i->seg, add(i, o, 8));
    }
}

static void read_xmm(struct cpu *c, const struct insn *i, uint64_t off, struct legacy_img *m)
{
    for (unsigned k = 0; k < nxmm(c); k++) {
        uint64_t o = add(i, off, 160 + 16 * k);
        m->xmm[k].q[0] = rd64(c, i->seg, o);
        m->xmm[k].q[1] = rd64(c, i->seg, add(i, o, 8));
    }
}

/* Installs the x87 part: ST(k) relative to the loaded TOP; abridged tags expand to full tags from
 * the register contents (SDM Vol.2 FXRSTOR). ES/B follow the loaded flags and masks. */
static void load_x87(struct cpu *c, const struct legacy_img *m)
{
    unsigned top = (m->fsw >> 11) & 7;
    for (unsigned k = 0; k < 8; k++) {
        c->fpu.st[(top + k) & 7].sig = m->st[k].sig;
        c->fpu.st[(top + k) & 7].se = m->st[k].se;
    }
    uint16_t tw = 0;
    for (unsigned r = 0; r < 8; r++)
        if (!(m->atw & (1u << r))) tw |= (uint16_t)(TAG_EMPTY << (2 * r));
    c->fpu.fsw = m->fsw;
    c->fpu.fop = m->fop;
    c->fpu.fip = m->fip;
    c->fpu.fdp = m->fdp;
    c->fpu.fcs = m->fcs;
    c->fpu.fds = m->fds;
    x87_load_tags(c, tw);
    /* reserved FCW bits are masked as for FLDCW (measured on Intel host, see
     * tests/diff/FINDINGS.md F15; SDM Vol.1 8.1.5); Intel processors derive ES/B from the loaded
     * flags and masks */
    x87_load_fcw(c, m->fcw);
}

static void load_xmm(struct cpu *c, const struct legacy_img *m)
{
    for (unsigned k = 0; k < nxmm(c); k++) c->xmm[k] = m->xmm[k];
}

/* x87 initial configuration for XRSTOR with XSTATE_BV[0] = 0 (SDM Vol.1 13.6): as FNINIT plus
 * registers cleared. */
static void init_x87(struct cpu *c)
{
    x87_reset(c);
    for (unsigned r = 0; r < 8; r++) {
        c->fpu.st[r].sig = 0;
        c->fpu.st[r].se = 0;
    }
}

HANDLER(x87_fxsave)
{
    uint64_t off = ea(c, i);
    check_align(c, i, off, 16, 512, SEG_OK_W);
    probe_last(c, i, off, true);
    cpu_probe_write(c, i->seg, off, 512);
    save_x87(c, i, off);
    /* Intel processors save MXCSR and XMM even with CR4.OSFXSR clear (implementation dependent,
     * SDM Vol.2 FXSAVE); EFER.FFXSR (AMD fast FXSAVE) is not implemented. */
    save_mxcsr(c, i, off);
    save_xmm(c, i, off);
}

HANDLER(x87_fxrstor)
{
    uint64_t off = ea(c, i);
    check_align(c, i, off, 16, 512, SEG_OK_R);
    probe_last(c, i, off, false);
    struct legacy_img m;
    read_x87(c, i, off, &m);
    m.mxcsr = rd32(c, i->seg, add(i, off, 24));
    read_xmm(c, i, off, &m);
    /* SDM Vol.2 FXRSTOR: #GP(0) if reserved MXCSR bits would be set */
    if (m.mxcsr & ~MXCSR_MASK_SUPPORTED) raise_gp(c, 0);
    load_x87(c, &m);
    c->mxcsr = m.mxcsr;
    load_xmm(c, &m);
}

/* Common XSAVE checks (SDM Vol.2 XSAVE "Protected Mode Exceptions"): #UD without CR4.OSXSAVE,
 * #NM with CR0.TS, #GP(0) unless 64-byte aligned. */
static uint64_t xsave_begin(struct cpu *c, const struct insn *i)
{
    if (!(c->cr4 & CR4_OSXSAVE)) raise_ud(c);
    if (c->cr0 & CR0_TS) cpu_raise_noerr(c, EXC_NM);
    uint64_t off = ea(c, i);
    check_align(c, i, off, 64, 576, 0);
    return off;
}

static uint64_t rfbm(const struct cpu *c)
{
    return c->xcr0 & cpu_edx_eax(c);
}

/* XSAVE and XSAVEOPT (SDM Vol.1 13.7, 13.9): saves the components in RFBM = XCR0 & EDX:EAX and
 * sets their XSTATE_BV bits (no init tracking: every component counts as in use; XSAVEOPT's
 * modified optimization is not needed for correctness). MXCSR goes with SSE. */
HANDLER(x87_xsave)
{
    uint64_t off = xsave_begin(c, i);
    uint64_t rf = rfbm(c);
    uint64_t hdr = add(i, off, 512);
    uint64_t bv = rd64(c, i->seg, hdr);
    cpu_probe_write(c, i->seg, off, 520);
    if (rf & XFEATURE_X87) save_x87(c, i, off);
    if (rf & XFEATURE_SSE) {
        save_mxcsr(c, i, off);
        save_xmm(c, i, off);
    }
    wr64(c, i->seg, hdr, (bv & ~rf) | (rf & XCR0_SUPPORTED));
}

/* Bit 63 of XCOMP_BV: the area is in the compacted format (SDM Vol.1 13.4.2). */
#define XCOMP_BV_COMPACTED (1ull << 63)

/* Restores the components in RFBM from the checked header's XSTATE_BV (SDM Vol.1 13.8.1 standard
 * form, 13.8.2 compacted form, 13.12 XRSTORS): a component with its XSTATE_BV bit set is loaded,
 * one with the bit clear is initialized. The standard form loads MXCSR whenever RFBM[1] is set;
 * the compacted form loads it only with XSTATE_BV[1] and otherwise sets it to 1F80H. Both
 * components live in the legacy region, which is the same in both formats. Everything is read
 * before anything changes. May raise. */
static void xrstor_components(struct cpu *c, const struct insn *i, uint64_t off, uint64_t rf,
                              uint64_t bv, bool compacted)
{
    struct legacy_img m;
    if (rf & bv & XFEATURE_X87) read_x87(c, i, off, &m);
    if (rf & XFEATURE_SSE) {
        if (!compacted || (bv & XFEATURE_SSE)) {
            m.mxcsr = rd32(c, i->seg, add(i, off, 24));
            if (m.mxcsr & ~MXCSR_MASK_SUPPORTED) raise_gp(c, 0);
        } else {
            m.mxcsr = MXCSR_INIT;
        }
        if (bv & XFEATURE_SSE) read_xmm(c, i, off, &m);
    }
    if (rf & XFEATURE_X87) {
        if (bv & XFEATURE_X87) load_x87(c, &m);
        else init_x87(c);
    }
    if (rf & XFEATURE_SSE) {
        c->mxcsr = m.mxcsr;
        if (bv & XFEATURE_SSE) load_xmm(c, &m);
        else memset(c->xmm, 0, nxmm(c) * sizeof c->xmm[0]);
    }
}

/* The header checks of the compacted form (SDM Vol.1 13.8.2 for XRSTOR, 13.12 for XRSTORS, with
 * "enabled" = XCR0 or XCR0 | IA32_XSS): #GP(0) if XCOMP_BV[62:0] has a bit that is not enabled,
 * if XSTATE_BV has a bit that is clear in XCOMP_BV, or if header bytes 63:16 are not all zero.
 * May raise. */
static void check_compacted_header(struct cpu *c, const struct insn *i, uint64_t hdr, uint64_t bv,
                                   uint64_t comp, uint64_t enabled)
{
    if ((comp & ~XCOMP_BV_COMPACTED & ~enabled) || (bv & ~comp)) raise_gp(c, 0);
    for (unsigned k = 16; k < 64; k += 8)
        if (rd64(c, i->seg, add(i, hdr, k))) raise_gp(c, 0);
}

/* XRSTOR (SDM Vol.1 13.8). XCOMP_BV[63] chooses the form. Standard form (13.8.1): #GP if
 * XCOMP_BV or header bytes 23:16 are not zero, or if XSTATE_BV has bits outside XCR0. Compacted
 * form (13.8.2, since XSAVEC is supported): check_compacted_header with XCR0. #GP if MXCSR would
 * get reserved bits. */
HANDLER(x87_xrstor)
{
    uint64_t off = xsave_begin(c, i);
    uint64_t rf = rfbm(c);
    uint64_t hdr = add(i, off, 512);
    uint64_t bv = rd64(c, i->seg, hdr);
    uint64_t comp = rd64(c, i->seg, add(i, hdr, 8));
    bool compacted = (comp & XCOMP_BV_COMPACTED) && (c->features & FEATURE_BIT(FEAT_XSAVEC));
    if (compacted) {
        check_compacted_header(c, i, hdr, bv, comp, c->xcr0);
    } else {
        uint64_t res = rd64(c, i->seg, add(i, hdr, 16));
        if (comp || res || (bv & ~c->xcr0)) raise_gp(c, 0);
    }
    xrstor_components(c, i, off, rf, bv, compacted);
}

/* XSAVEC and XSAVES write the compacted format (SDM Vol.1 13.10, 13.11): component i is saved
 * when RFBM[i] = 1 and XINUSE[i] = 1; XSTATE_BV = RFBM & XINUSE; XCOMP_BV = RFBM with bit 63 set;
 * no other header bytes are written, and bytes 511:464 of the legacy region are untouched.
 * XINUSE is taken as all ones: the init optimization is optional (13.6), so every component
 * in RFBM is saved and marked in use. MXCSR is saved whenever RFBM[1] is set. With only x87 and
 * SSE supported, the extended region is empty and the layout is the legacy region and header. */
static void xsave_compacted(struct cpu *c, const struct insn *i, uint64_t off, uint64_t rf)
{
    uint64_t hdr = add(i, off, 512);
    cpu_probe_write(c, i->seg, off, 528);
    if (rf & XFEATURE_X87) save_x87(c, i, off);
    if (rf & XFEATURE_SSE) {
        save_mxcsr(c, i, off);
        save_xmm(c, i, off);
    }
    wr64(c, i->seg, hdr, rf);
    wr64(c, i->seg, add(i, hdr, 8), rf | XCOMP_BV_COMPACTED);
}

/* XSAVEC (SDM Vol.2 XSAVEC; Vol.1 13.10): RFBM = XCR0 & EDX:EAX; faults as XSAVE. */
HANDLER(x87_xsavec)
{
    uint64_t off = xsave_begin(c, i);
    xsave_compacted(c, i, off, rfbm(c));
}

/* RFBM of XSAVES/XRSTORS: EDX:EAX & (XCR0 | IA32_XSS) (SDM Vol.1 13.11, 13.12). */
static uint64_t rfbm_s(const struct cpu *c)
{
    return (c->xcr0 | c->xss) & cpu_edx_eax(c);
}

/* Faults of XSAVES/XRSTORS (SDM Vol.1 13.11, 13.12): those of XSAVE (#UD without CR4.OSXSAVE,
 * #NM with CR0.TS, #GP(0) unless 64-byte aligned) and #GP(0) if CPL > 0. */
static uint64_t xsaves_begin(struct cpu *c, const struct insn *i)
{
    if (!(c->cr4 & CR4_OSXSAVE)) raise_ud(c);
    if (c->cr0 & CR0_TS) cpu_raise_noerr(c, EXC_NM);
    if (c->cpl) raise_gp(c, 0);
    uint64_t off = ea(c, i);
    check_align(c, i, off, 64, 576, 0);
    return off;
}

/* XSAVES (SDM Vol.2 XSAVES; Vol.1 13.11): as XSAVEC with RFBM over XCR0 | IA32_XSS. The
 * modified optimization is optional and not used. */
HANDLER(x87_xsaves)
{
    uint64_t off = xsaves_begin(c, i);
    xsave_compacted(c, i, off, rfbm_s(c));
}

/* XRSTORS (SDM Vol.2 XRSTORS; Vol.1 13.12): compacted form only, so #GP(0) if XCOMP_BV[63] = 0;
 * then the compacted-form header checks with XCR0 | IA32_XSS, and the compacted-form restore. */
HANDLER(x87_xrstors)
{
    uint64_t off = xsaves_begin(c, i);
    uint64_t rf = rfbm_s(c);
    uint64_t hdr = add(i, off, 512);
    uint64_t bv = rd64(c, i->seg, hdr);
    uint64_t comp = rd64(c, i->seg, add(i, hdr, 8));
    if (!(comp & XCOMP_BV_COMPACTED)) raise_gp(c, 0);
    check_compacted_header(c, i, hdr, bv, comp, c->xcr0 | c->xss);
    xrstor_components(c, i, off, rf, bv, true);
}

/* XGETBV (SDM Vol.2): EDX:EAX = XCR[ECX]. Only XCR0 exists (XGETBV with ECX = 1 is not
 * enumerated), so any other ECX is #GP(0). #UD without CR4.OSXSAVE. */
HANDLER(xgetbv)
{
    if (!(c->cr4 & CR4_OSXSAVE)) raise_ud(c);
    if ((uint32_t)c->gpr[1] != 0) raise_gp(c, 0);
    set_reg(c, 0, 2, (uint32_t)c->xcr0);
    set_reg(c, 2, 2, (uint32_t)(c->xcr0 >> 32));
}

/* XSETBV (SDM Vol.2): #UD without CR4.OSXSAVE; #GP(0) if CPL > 0, ECX != 0, bit 0 (x87) clear,
 * AVX without SSE, or any bit this CPU does not support. */
HANDLER(xsetbv)
{
    if (!(c->cr4 & CR4_OSXSAVE)) raise_ud(c);
    uint64_t v = cpu_edx_eax(c);
    if (c->cpl != 0 || (uint32_t)c->gpr[1] != 0) raise_gp(c, 0);
    if (!(v & XFEATURE_X87) || (v & ~XCR0_SUPPORTED) || ((v & 4) && !(v & XFEATURE_SSE))) raise_gp(c, 0);
    c->xcr0 = v;
}
