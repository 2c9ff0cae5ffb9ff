/* x87 FPU: shared state helpers (exceptions, pointers, tags) and FWAIT. */
#include "cpu/x87/x87.h"

floatx80 x87_indefinite(void) { return FX80_INDEFINITE; }

/* SDM Vol.1 8.7 / Vol.3A 6.15 (#MF): a pending unmasked x87 exception is reported when the next
 * waiting x87 instruction (or WAIT/FWAIT) starts. With CR0.NE = 1 that is #MF (vector 16). With
 * CR0.NE = 0 the processor signals FERR# for an external interrupt (IRQ 13 through the PIC, SDM
 * Vol.1 8.7, D.2); that wiring does not exist yet, so the exception stays recorded in FSW and the
 * instruction proceeds as if IGNNE# were asserted. */
void x87_wait(struct cpu *c)
{
    if (unlikely(c->fpu.fsw & FSW_ES)) {
        if (c->cr0 & CR0_NE) cpu_raise_noerr(c, EXC_MF);
        /* legacy FERR# / IRQ 13: not wired (see cpu/x87/README.md) */
    }
}

/* SDM Vol.1 8.1.8: FIP/FCS point to the last non-control instruction (including its prefixes),
 * FDP/FDS to its memory operand. In 64-bit mode the offsets are 64 bits. */
void x87_note(struct cpu *c, const struct insn *i)
{
    c->fpu.fip = cpu_insn_rip(c);
    c->fpu.fcs = c->seg[SEG_CS].sel;
}

void x87_note_mem(struct cpu *c, const struct insn *i, uint64_t off)
{
    c->fpu.fip = cpu_insn_rip(c);
    c->fpu.fcs = c->seg[SEG_CS].sel;
    c->fpu.fdp = off;
    c->fpu.fds = c->seg[i->seg].sel;
}

/* ModRM byte of a decoded memory form, reconstructed from the addressing fields (struct insn does
 * not keep it). Exact for the canonical (shortest) encodings; a redundant longer displacement
 * encoding yields the canonical ModRM instead. */
static unsigned modrm_of(const struct insn *i, bool mode64)
{
    unsigned reg = i->reg & 7, mod, rm;
    if (!(i->pfx & PFX_MEM)) return 0xc0 | reg << 3 | (i->rm & 7);
    if (i->asz == 1) {
        unsigned b = i->base, x = i->index;
        if (b == REG_NONE && x == REG_NONE) return reg << 3 | 6;
        if (x != REG_NONE) rm = (b == 5 ? 2 : 0) + (x == 7 ? 1 : 0);
        else rm = b == 6 ? 4 : b == 7 ? 5 : b == 5 ? 6 : 7;
        if (i->disp == 0 && rm != 6) mod = 0;
        else if (i->disp >= -128 && i->disp <= 127) mod = 1;
        else mod = 2;
        return mod << 6 | reg << 3 | rm;
    }
    if (i->base == REG_RIP) return reg << 3 | 5;
    if (i->base == REG_NONE) {
        if (i->index == REG_NONE && !mode64) return reg << 3 | 5;
        return reg << 3 | 4;
    }
    rm = (i->index != REG_NONE || (i->base & 7) == 4) ? 4 : (i->base & 7);
    if (i->disp == 0 && (i->base & 7) != 5) mod = 0;
    else if (i->disp >= -128 && i->disp <= 127) mod = 1;
    else mod = 2;
    return mod << 6 | reg << 3 | rm;
}

uint16_t x87_fop(const struct cpu *c, const struct insn *i)
{
    return (uint16_t)(((op_info[i->op].opc & 7) << 8) | modrm_of(i, c->mode64));
}

/* SDM Vol.1 8.1.3.1 / 8.5: exception flags are sticky; an unmasked one sets ES (and B, which
 * mirrors ES for 8087 compatibility). FOP is recorded only for an instruction that reports an
 * unmasked exception (Vol.1 8.1.9.1; fopcode compatibility mode is not implemented), which is what
 * current Intel processors store. */
unsigned x87_flags(struct cpu *c, const struct insn *i, unsigned flags)
{
    unsigned unm = x87_unmasked(c, flags);
    c->fpu.fsw |= (uint16_t)(flags & FCW_MASKS);
    if (unm) {
        c->fpu.fsw |= FSW_ES | FSW_B;
        if (i) c->fpu.fop = x87_fop(c, i);
    }
    return unm;
}

/* SDM Vol.1 8.5.1.1: stack overflow/underflow sets IE and SF; C1 = 1 for overflow, 0 for
 * underflow. Masked: the caller writes the QNaN indefinite. Unmasked: TOP and registers stay. */
bool x87_stack_fault(struct cpu *c, const struct insn *i, bool overflow)
{
    c->fpu.fsw |= FSW_SF;
    x87_set_c1(c, overflow);
    return x87_flags(c, i, FSW_IE) == 0;
}

/* SDM Vol.2 FINIT/FNINIT: FCW 037FH, FSW 0, all tags empty, pointers and FOP cleared. */
void x87_reset(struct cpu *c)
{
    c->fpu.fcw = FCW_INIT;
    c->fpu.fsw = 0;
    c->fpu.ftw = 0xffff;
    c->fpu.fop = 0;
    c->fpu.fip = 0;
    c->fpu.fdp = 0;
    c->fpu.fcs = 0;
    c->fpu.fds = 0;
}

void x87_update_es(struct cpu *c)
{
    if (c->fpu.fsw & ~c->fpu.fcw & FCW_MASKS) c->fpu.fsw |= FSW_ES | FSW_B;
    else c->fpu.fsw &= (uint16_t)~(FSW_ES | FSW_B);
}

/* SDM Vol.1 8.1.5: bits 15:13 and 7 are reserved (read as 0), bit 6 reads as 1. Bit 12 (infinity
 * control) is kept for compatibility but has no effect. */
void x87_load_fcw(struct cpu *c, uint16_t fcw)
{
    c->fpu.fcw = (uint16_t)((fcw & 0x1f3f) | 0x0040);
    x87_update_es(c);
}

uint16_t x87_full_tags(const struct cpu *c)
{
    uint16_t tw = 0;
    for (unsigned p = 0; p < 8; p++) {
        unsigned t = x87_ptag(c, p) == TAG_EMPTY ? TAG_EMPTY : x87_tag_of(x87_preg(c, p));
        tw |= (uint16_t)(t << (2 * p));
    }
    return tw;
}

/* SDM Vol.1 8.1.7: when a tag word is loaded, only "empty" (11B) is taken as given; the processor
 * classifies non-empty registers from their contents. */
void x87_load_tags(struct cpu *c, uint16_t tw)
{
    uint16_t n = 0;
    for (unsigned p = 0; p < 8; p++) {
        unsigned t = ((tw >> (2 * p)) & 3) == TAG_EMPTY ? TAG_EMPTY : x87_tag_of(x87_preg(c, p));
        n |= (uint16_t)(t << (2 * p));
    }
    c->fpu.ftw = n;
}

/* SDM Vol.2 WAIT/FWAIT: #NM if CR0.MP and CR0.TS are both set; then a pending unmasked x87
 * exception is delivered (#MF). Not A_FPU in the catalogue: CR0.EM alone does not fault. */
HANDLER(fwait)
{
    if ((c->cr0 & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS)) cpu_raise_noerr(c, EXC_NM);
    x87_wait(c);
}

int x87_operands(struct cpu *c, const struct insn *i, unsigned need, int dest)
{
    for (unsigned n = 0; n < 8; n++) {
        if ((need >> n) & 1 && x87_empty(c, n)) {
            if (!x87_stack_fault(c, i, false)) return X87_UNMASKED;
            if (dest >= 0) x87_set(c, (unsigned)dest, FX80_INDEFINITE);
            return X87_MASKED;
        }
    }
    return X87_OK;
}

bool x87_result(struct cpu *c, const struct insn *i, unsigned d, floatx80 r, const struct sf_status *s)
{
    x87_set_c1(c, s->c1);
    if (x87_flags(c, i, s->flags) & (FSW_IE | FSW_DE | FSW_ZE)) return false;
    x87_set(c, d, r);
    return true;
}
