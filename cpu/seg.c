/* Segmentation: descriptor decoding, segment-register loads and the precomputed segment checks
 * used by seg_lin() (SDM Vol.3A chapter 3 and 5.4-5.6; Vol.2 MOV/POP Sreg).
 */
#include "cpu/seg.h"

/* ---- descriptor fields (SDM Vol.3A 3.4.5) ---- */

uint64_t desc_base(uint64_t d)
{
    return ((d >> 16) & 0xffffff) | ((d >> 32) & 0xff000000);
}

uint32_t desc_limit(uint64_t d)
{
    uint32_t l = (uint32_t)((d & 0xffff) | ((d >> 32) & 0xf0000));
    if (d & (1ull << 55)) l = (l << 12) | 0xfff; /* G: 4-KByte units */
    return l;
}

/* Descriptor bits 47:40 (type, S, DPL, P) -> AR 7:0; bits 55:52 (AVL, L, D/B, G) -> AR 15:12. */
uint32_t desc_ar(uint64_t d)
{
    return (uint32_t)(d >> 40) & 0xf0ff;
}

void seg_cache_from_desc(struct seg *sg, uint16_t sel, uint64_t d)
{
    sg->sel = sel;
    sg->base = desc_base(d);
    sg->limit = desc_limit(d);
    sg->ar = desc_ar(d);
}

/* ---- descriptor tables ---- */

/* Table base and limit for sel: GDT, or the LDT when TI = 1 (SDM Vol.3A 3.4.2). Returns false if
 * the LDT is unusable. */
static bool table_for(const struct cpu *c, uint16_t sel, uint64_t *base, uint32_t *limit)
{
    if (sel & 4) {
        if (c->ldtr.ar & AR_UNUSABLE) return false;
        *base = c->ldtr.base;
        *limit = c->ldtr.limit;
    } else {
        *base = c->gdtr.base;
        *limit = c->gdtr.limit;
    }
    return true;
}

bool seg_read_desc(struct cpu *c, uint16_t sel, uint64_t *desc)
{
    uint64_t base;
    uint32_t limit;
    if (!table_for(c, sel, &base, &limit)) return false;
    if ((uint32_t)(sel | 7) > limit) return false; /* SDM Vol.3A 3.5.1: index * 8 + 7 <= limit */
    *desc = sys_read(c, dt_lin(c, base, sel & ~7u), 8);
    return true;
}

bool seg_read_desc_hi(struct cpu *c, uint16_t sel, uint64_t *hi)
{
    uint64_t base;
    uint32_t limit;
    if (!table_for(c, sel, &base, &limit)) return false;
    if ((uint32_t)(sel | 7) + 8 > limit) return false;
    *hi = sys_read(c, dt_lin(c, base, (sel & ~7u) + 8), 8);
    return true;
}

void seg_set_accessed(struct cpu *c, uint16_t sel, uint64_t *d)
{
    uint64_t base;
    uint32_t limit;
    if (*d & DESC_A) return;
    *d |= DESC_A;
    /* SDM Vol.3A 3.4.5.1: the processor sets the accessed bit when it loads the selector */
    if (table_for(c, sel, &base, &limit))
        sys_write(c, dt_lin(c, base, (sel & ~7u) + 5), 1, (uint8_t)(*d >> 40));
}

/* ---- precomputed checks (SDM Vol.3A 5.3, 5.4; 3.4.4 for 64-bit mode) ---- */

static void calc_checks(struct seg *sg, unsigned s, bool mode64, bool rmv86)
{
    if (mode64) {
        /* SDM Vol.3A 3.2.4: no limit checks; CS/DS/ES/SS bases are treated as 0 */
        sg->eff_base = (s == SEG_FS || s == SEG_GS) ? sg->base : 0;
        sg->lo = 0;
        sg->hi = ~0ull;
        sg->ok = SEG_OK_R | SEG_OK_W;
        return;
    }
    sg->eff_base = (uint32_t)sg->base;
    if (rmv86) {
        /* real and virtual-8086 mode: the cached limit applies, no type checks */
        sg->lo = 0;
        sg->hi = sg->limit;
        sg->ok = SEG_OK_R | SEG_OK_W;
        return;
    }
    if ((sg->ar & AR_UNUSABLE) || !(sg->ar & AR_P) || !(sg->ar & AR_S)) {
        /* null selector: any access raises #GP(0) (#SS(0) for SS) — SDM Vol.3A 3.4.2 */
        sg->lo = 1;
        sg->hi = 0;
        sg->ok = 0;
        return;
    }
    unsigned type = sg->ar & AR_TYPE;
    if (type & 8) {
        /* code: executable, readable when type bit 1 is set, never writable (SDM Vol.3A 5.5) */
        sg->lo = 0;
        sg->hi = sg->limit;
        sg->ok = (type & 2) ? SEG_OK_R : 0;
    } else {
        sg->ok = SEG_OK_R | ((type & 2) ? SEG_OK_W : 0);
        if (type & 4) {
            /* expand-down: valid offsets are limit+1 .. 0xffff or 0xffffffff (SDM Vol.3A 5.3) */
            sg->lo = (uint64_t)sg->limit + 1;
            sg->hi = (sg->ar & AR_DB) ? 0xffffffffull : 0xffffull;
        } else {
            sg->lo = 0;
            sg->hi = sg->limit;
        }
    }
}

void seg_calc_checks(const struct cpu *c, struct seg *sg, unsigned s, bool mode64)
{
    (void)c;
    calc_checks(sg, s, mode64, false);
}

void seg_update_checks(struct cpu *c, unsigned s)
{
    calc_checks(&c->seg[s], s, c->mode64, !cpu_pmode(c) || cpu_v86(c));
}

void seg_set_cache(struct cpu *c, struct seg *sg, unsigned s, uint16_t sel, uint64_t base,
                   uint32_t limit, uint32_t ar)
{
    sg->sel = sel;
    sg->base = base;
    sg->limit = limit;
    sg->ar = ar;
    if (sg >= &c->seg[0] && sg < &c->seg[6]) seg_update_checks(c, (unsigned)(sg - c->seg));
}

NORETURN void cpu_seg_fault(struct cpu *c, unsigned s, uint64_t off)
{
    /* SDM Vol.3A 5.3: limit violations and type violations are #GP(0), #SS(0) through SS;
     * in 64-bit mode a non-canonical address faults the same way (SDM Vol.3A 3.3.7.1) */
    if (s == SEG_SS) raise_ss(c, 0);
    raise_gp(c, 0);
}

void cpu_set_cpl(struct cpu *c, unsigned cpl)
{
    c->cpl = (uint8_t)cpl;
    c->tlb_user = cpl == 3;
    cpu_update_mode(c);
}

/* ---- loads ---- */

void seg_load_desc(struct cpu *c, unsigned s, uint16_t sel, uint64_t d)
{
    seg_set_accessed(c, sel, &d);
    seg_set_cache(c, &c->seg[s], s, sel, desc_base(d), desc_limit(d), desc_ar(d));
}

void seg_load_null(struct cpu *c, unsigned s, uint16_t sel)
{
    /* Intel: a null load clears the base (the "null segment" quirk is AMD-only) and marks the
     * register unusable (SDM Vol.3C 25.4.1 "unusable"). A null SS (64-bit mode only) takes its
     * RPL, which is the CPL it is loaded for, as DPL. */
    uint32_t ar = AR_UNUSABLE;
    if (s == SEG_SS) ar |= (uint32_t)(sel & 3) << AR_DPL_SHIFT;
    seg_set_cache(c, &c->seg[s], s, sel, 0, 0, ar);
}

void seg_load_v86(struct cpu *c, unsigned s, uint16_t sel)
{
    /* SDM Vol.3A 20.1.1: base = selector * 16, limit 0xffff, DPL 3 read/write accessed data */
    uint32_t ar = 0x3 | AR_S | (3u << AR_DPL_SHIFT) | AR_P;
    if (s == SEG_CS) ar = 0xb | AR_S | (3u << AR_DPL_SHIFT) | AR_P;
    seg_set_cache(c, &c->seg[s], s, sel, (uint32_t)sel << 4, 0xffff, ar);
}

void seg_load_real(struct cpu *c, unsigned s, uint16_t sel)
{
    if (cpu_v86(c)) {
        seg_load_v86(c, s, sel);
        return;
    }
    /* Real mode: only the selector and base change; the limit and attributes stay as cached
     * ("unreal mode"). A cache left unusable by protected mode becomes a 64K read/write
     * segment so that it can be used again. */
    struct seg *sg = &c->seg[s];
    uint32_t limit = sg->limit, ar = sg->ar;
    if (ar & AR_UNUSABLE) {
        ar = 0x3 | AR_S | AR_P;
        limit = 0xffff;
    }
    ar |= AR_P;
    seg_set_cache(c, sg, s, sel, (uint32_t)sel << 4, limit, ar);
}

void seg_null_outer(struct cpu *c)
{
    static const unsigned regs[4] = {SEG_ES, SEG_FS, SEG_GS, SEG_DS};
    for (unsigned k = 0; k < 4; k++) {
        struct seg *sg = &c->seg[regs[k]];
        if (sg->ar & AR_UNUSABLE) continue;
        unsigned dpl = (sg->ar >> AR_DPL_SHIFT) & 3;
        bool conforming_code = (sg->ar & AR_S) && (sg->ar & 0xc) == 0xc;
        /* SDM Vol.2 RET / IRET: data or non-conforming code with DPL < CPL becomes null. No
         * descriptor is loaded: the selector becomes null and the register unusable, but the
         * hidden base stays (unlike MOV of a null selector), which 64-bit code relies on for
         * FS/GS; e.g. a nested KVM's guest after an emulated VM exit (SDM Vol.3C 27.5.2 gives
         * it a usable DPL0 FS with a null selector) returning to user mode with IRET. */
        if (!conforming_code && dpl < c->cpl)
            seg_set_cache(c, sg, regs[k], 0, sg->base, sg->limit, sg->ar | AR_UNUSABLE);
    }
}

void seg_load(struct cpu *c, unsigned s, uint16_t sel)
{
    if (!cpu_pmode(c) || cpu_v86(c)) {
        seg_load_real(c, s, sel);
        return;
    }
    uint64_t d;
    unsigned rpl = sel & 3, cpl = c->cpl;
    if (s == SEG_SS) {
        /* SDM Vol.2 MOV, "IF SS is loaded" */
        if (sel_null(sel)) {
            /* 64-bit mode allows a null SS at CPL < 3 when RPL = CPL (SDM Vol.3A 6.15 #GP list) */
            if (c->mode64 && cpl != 3 && rpl == cpl) {
                seg_load_null(c, SEG_SS, sel);
                return;
            }
            raise_gp(c, 0);
        }
        if (!seg_read_desc(c, sel, &d)) raise_gp(c, sel_err(sel));
        if (rpl != cpl || !desc_writable_data(d) || desc_dpl(d) != cpl) raise_gp(c, sel_err(sel));
        if (!desc_present(d)) raise_ss(c, sel_err(sel));
        seg_load_desc(c, s, sel, d);
        return;
    }
    /* DS, ES, FS, GS */
    if (sel_null(sel)) {
        seg_load_null(c, s, sel);
        return;
    }
    if (!seg_read_desc(c, sel, &d)) raise_gp(c, sel_err(sel));
    if (!(desc_is_data(d) || (desc_is_code(d) && desc_readable(d)))) raise_gp(c, sel_err(sel));
    if (!desc_conforming(d) && (rpl > desc_dpl(d) || cpl > desc_dpl(d))) raise_gp(c, sel_err(sel));
    if (!desc_present(d)) raise_np(c, sel_err(sel));
    seg_load_desc(c, s, sel, d);
}
