/* Decimal-arithmetic adjustments (invalid in 64-bit mode; the decoder raises #UD there):
 * DAA, DAS, AAA, AAS, AAM, AAD, and the undocumented SALC.
 * SDM Vol.2 "DAA", "DAS", "AAA", "AAS", "AAM", "AAD"; SALC is the one-byte D6 opcode ("set AL
 * from carry"), documented in the SDM opcode map as reserved and implemented by Intel processors.
 *
 * Undefined flags follow Intel hardware (checked exhaustively on a Xeon host in 32-bit mode);
 * see each handler.
 */
#include "cpu/cpu_priv.h"

static inline uint32_t szp8(uint8_t r)
{
    uint32_t f = 0;
    if (!r) f |= FL_ZF;
    if (r & 0x80) f |= FL_SF;
    if (!__builtin_parity(r)) f |= FL_PF;
    return f;
}

static inline void set_al(struct cpu *c, uint8_t v) { c->gpr[0] = (c->gpr[0] & ~0xffull) | v; }
static inline void set_ax(struct cpu *c, uint16_t v) { c->gpr[0] = (c->gpr[0] & ~0xffffull) | v; }

/* SDM Vol.2 DAA. OF is undefined: Intel clears it. */
HANDLER(daa)
{
    uint32_t fl = flags_arith(c);
    uint8_t old_al = (uint8_t)c->gpr[0], al = old_al;
    bool old_cf = fl & FL_CF, cf = false, af = false;
    if ((al & 0x0f) > 9 || (fl & FL_AF)) {
        cf = old_cf || al > 0xf9; /* carry out of AL + 6 */
        al += 6;
        af = true;
    }
    if (old_al > 0x99 || old_cf) {
        al += 0x60;
        cf = true;
    } else {
        cf = false;
    }
    set_al(c, al);
    set_arith_flags(c, szp8(al) | (cf ? FL_CF : 0) | (af ? FL_AF : 0));
}

/* SDM Vol.2 DAS. OF is undefined: Intel clears it. */
HANDLER(das)
{
    uint32_t fl = flags_arith(c);
    uint8_t old_al = (uint8_t)c->gpr[0], al = old_al;
    bool old_cf = fl & FL_CF, cf = false, af = false;
    if ((al & 0x0f) > 9 || (fl & FL_AF)) {
        cf = old_cf || al < 6; /* borrow from AL - 6 */
        al -= 6;
        af = true;
    }
    if (old_al > 0x99 || old_cf) {
        al -= 0x60;
        cf = true;
    }
    set_al(c, al);
    set_arith_flags(c, szp8(al) | (cf ? FL_CF : 0) | (af ? FL_AF : 0));
}

/* SDM Vol.2 AAA: AX += 106H when adjusting (Intel adds to AX as a whole), then AL &= 0FH.
 * OF, SF, ZF, PF are undefined: Intel clears OF and sets SF, ZF, PF from the final AL. */
HANDLER(aaa)
{
    uint32_t fl = flags_arith(c);
    uint16_t ax = (uint16_t)c->gpr[0];
    uint8_t al = (uint8_t)ax;
    bool adj = (al & 0x0f) > 9 || (fl & FL_AF);
    if (adj) ax += 0x106;
    set_ax(c, (ax & 0xff00) | (ax & 0x0f));
    set_arith_flags(c, szp8(ax & 0x0f) | (adj ? FL_AF | FL_CF : 0));
}

/* SDM Vol.2 AAS: AX -= 6 and AH -= 1 when adjusting, then AL &= 0FH. OF, SF, ZF, PF are
 * undefined: Intel clears OF and sets SF, ZF, PF from the final AL. */
HANDLER(aas)
{
    uint32_t fl = flags_arith(c);
    uint16_t ax = (uint16_t)c->gpr[0];
    uint8_t al = (uint8_t)ax;
    bool adj = (al & 0x0f) > 9 || (fl & FL_AF);
    if (adj) ax = (uint16_t)(ax - 6 - 0x100);
    set_ax(c, (ax & 0xff00) | (ax & 0x0f));
    set_arith_flags(c, szp8(ax & 0x0f) | (adj ? FL_AF | FL_CF : 0));
}

/* SDM Vol.2 AAM: AH = AL / imm8, AL = AL MOD imm8; #DE if imm8 is 0. SF, ZF, PF from AL; OF, AF,
 * CF undefined: Intel clears them. */
HANDLER(aam)
{
    uint8_t base = (uint8_t)i->imm, al = (uint8_t)c->gpr[0];
    if (!base) cpu_raise_noerr(c, EXC_DE);
    uint8_t q = al / base, r = al % base;
    set_ax(c, (uint16_t)(q << 8 | r));
    set_arith_flags(c, szp8(r));
}

/* SDM Vol.2 AAD: AL = (AL + AH * imm8) AND FFH, AH = 0. SF, ZF, PF from AL; OF, AF, CF undefined:
 * Intel sets them as for the byte addition AL + (AH * imm8 AND FFH). */
HANDLER(aad)
{
    uint8_t base = (uint8_t)i->imm, al = (uint8_t)c->gpr[0], ah = (uint8_t)(c->gpr[0] >> 8);
    uint8_t t = (uint8_t)(ah * base), r = (uint8_t)(al + t);
    uint32_t f = szp8(r);
    if (r < al) f |= FL_CF;
    if ((al ^ t ^ r) & 0x10) f |= FL_AF;
    if ((~(al ^ t) & (al ^ r)) & 0x80) f |= FL_OF;
    set_ax(c, r);
    set_arith_flags(c, f);
}

/* SALC: AL = CF ? FFH : 00H; flags unchanged. */
HANDLER(salc) { set_al(c, flags_cf(c) ? 0xff : 0); }
