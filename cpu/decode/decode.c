/* The x86-64 decoder (SDM Vol.2 chapter 2, "Instruction Format").
 *
 * Pipeline: legacy prefixes -> REX -> opcode (map escape) -> ModRM/SIB/displacement -> catalogue
 * entry selection (mandatory prefix, ModRM extension, mode, CPUID feature) -> immediate.
 * Lookup tables are built once from opcodes.def at program start.
 */
#include "cpu/decode/decode.h"

#include <string.h>

const struct op_info op_info[OP_COUNT] = {
#define OP(ID, MNEM, MAP, OPC, PFX, EXT, FORM, IMM, ATTR, FEAT, ICPT, FN_M, FN_R)                  \
    [OP_##ID] = {MNEM, MAP, OPC, PFX, EXT, FORM, IMM, FEAT, ICPT, ATTR},
#include "cpu/decode/opcodes.def"
#undef OP
};

const char *op_name(unsigned op) { return op < OP_COUNT ? op_info[op].mnem : "(bad)"; }

/* slot_head[map][opcode] -> first entry; next_in_slot chains entries sharing a slot. An A_REGOP
 * entry occupies 8 slots, so chains are stored per slot position. */
#define MAX_LINKS (OP_COUNT * 8 + 16)
static uint16_t slot_head[MAP_COUNT][256];
static struct {
    uint16_t op, next;
} links[MAX_LINKS];
static uint8_t slot_has_modrm[MAP_COUNT][256]; /* 0 = no entry, 1 = no ModRM, 2 = ModRM */

static void add_link(unsigned map, unsigned opc, unsigned op, unsigned *nlinks)
{
    unsigned n = (*nlinks)++;
    links[n].op = (uint16_t)op;
    links[n].next = 0xffff;
    /* append so that catalogue order is kept (earlier lines win ties) */
    uint16_t *p = &slot_head[map][opc];
    while (*p != 0xffff) p = &links[*p].next;
    *p = (uint16_t)n;
    slot_has_modrm[map][opc] = op_info[op].form == F_NONE ? 1 : 2;
}

__attribute__((constructor)) static void decode_build_tables(void)
{
    unsigned nlinks = 0;
    memset(slot_head, 0xff, sizeof slot_head);
    for (unsigned op = 0; op < OP_COUNT; op++) {
        const struct op_info *e = &op_info[op];
        unsigned count = (e->attr & A_REGOP) ? 8 : 1;
        for (unsigned k = 0; k < count; k++) add_link(e->map, e->opc + k, op, &nlinks);
    }
}

static inline uint64_t read_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned k = 0; k < n; k++) v |= (uint64_t)p[k] << (8 * k);
    return v;
}

static bool ext_matches(uint8_t ext, bool has_modrm, unsigned mod, unsigned reg, unsigned rm)
{
    if (ext == X_NONE) return true;
    if (!has_modrm) return false;
    if (ext & 0x40) return mod == 3 && ((ext >> 3) & 7) == reg && (ext & 7) == rm;
    return (ext & 7) == reg;
}

static bool form_matches(uint8_t form, unsigned mod)
{
    switch (form) {
    case F_MEM: return mod != 3;
    case F_REG: return mod == 3;
    default: return true;
    }
}

enum decode_status decode_insn(const struct decode_ctx *ctx, const uint8_t *buf, size_t avail,
                               struct insn *out)
{
    const unsigned mode = ctx->flags & CTX_MODE_MASK;
    const bool m64 = mode == CTX_MODE64;
    size_t pos = 0;
    unsigned pfx = 0, seg = SEG_NONE, rex = 0, last_rep = 0;
    bool asz_ovr = false;
    enum decode_status st = DEC_OK;

    memset(out, 0, sizeof *out);
    out->base = REG_NONE;
    out->index = REG_NONE;

#define NEED(n)                                                                                    \
    do {                                                                                           \
        if (pos + (n) > avail) {                                                                   \
            if (pos + (n) > 15) goto too_long;                                                     \
            return DEC_NEED_MORE;                                                                  \
        }                                                                                          \
    } while (0)

    /* 1. Legacy prefixes and REX (SDM Vol.2 2.1.1, 2.2.1). A REX not immediately before the
     * opcode is ignored. */
    for (;;) {
        NEED(1);
        uint8_t b = buf[pos];
        switch (b) {
        case 0x26: case 0x2e: case 0x36: case 0x3e:
            /* SDM Vol.1 3.3.7.1: ES/CS/SS/DS overrides are ignored in 64-bit mode */
            if (!m64) seg = (b >> 3) & 3;
            pfx |= PFX_SEGOVR;
            rex = 0;
            pos++;
            continue;
        case 0x64: case 0x65:
            seg = SEG_FS + (b & 1);
            pfx |= PFX_SEGOVR;
            rex = 0;
            pos++;
            continue;
        case 0x66: pfx |= PFX_OSZ; rex = 0; pos++; continue;
        case 0x67: asz_ovr = true; rex = 0; pos++; continue;
        case 0xf0: pfx |= PFX_LOCK; rex = 0; pos++; continue;
        case 0xf2: case 0xf3: last_rep = b; rex = 0; pos++; continue;
        default: break;
        }
        if (m64 && (b & 0xf0) == 0x40) {
            rex = b;
            pos++;
            continue;
        }
        break;
    }
    if (last_rep) pfx |= last_rep == 0xf3 ? PFX_REP : PFX_REPNE;
    if (rex) pfx |= PFX_REX | ((rex & 8) ? PFX_REXW : 0);

    /* 2. Opcode and map */
    unsigned map = MAP_1;
    NEED(1);
    unsigned opc = buf[pos++];
    if (opc == 0x0f) {
        NEED(1);
        opc = buf[pos++];
        map = MAP_0F;
        if (opc == 0x38 || opc == 0x3a) {
            map = opc == 0x38 ? MAP_38 : MAP_3A;
            NEED(1);
            opc = buf[pos++];
        }
    } else if (opc == 0xc4 || opc == 0xc5 || opc == 0x62) {
        /* VEX (C4/C5) and EVEX (62): in 64-bit mode always, elsewhere when the next byte would be
         * a register-form ModRM (SDM Vol.2 2.3.5). Not implemented: #UD, never misdecoded. */
        NEED(1);
        if (m64 || (buf[pos] & 0xc0) == 0xc0) goto invalid;
    }

    unsigned has = slot_has_modrm[map][opc];
    if (!has) goto invalid;
    bool has_modrm = has == 2;

    /* 3. ModRM, SIB, displacement (SDM Vol.2 2.1.5, tables 2-1..2-3) */
    unsigned modrm = 0, mod = 3, reg = 0, rm = 0;
    unsigned asz = m64 ? (asz_ovr ? 2 : 3) : (mode == CTX_MODE32) != asz_ovr ? 2 : 1;
    out->asz = (uint8_t)asz;
    bool creg_form = false;
    if (has_modrm) {
        NEED(1);
        modrm = buf[pos++];
        mod = modrm >> 6;
        reg = (modrm >> 3) & 7;
        rm = modrm & 7;
        /* F_CREG entries (MOV CR/DR) treat every ModRM as a register form. */
        uint16_t h = slot_head[map][opc];
        creg_form = op_info[links[h].op].form == F_CREG;
        if (creg_form) mod = 3;
        if (mod != 3) {
            pfx |= PFX_MEM;
            unsigned default_ss = 0;
            if (asz == 1) {
                static const uint8_t b16[8] = {3, 3, 5, 5, 6, 7, 5, 3};       /* BX BX BP BP SI DI BP BX */
                static const uint8_t i16[8] = {6, 7, 6, 7, REG_NONE, REG_NONE, REG_NONE, REG_NONE};
                if (mod == 0 && rm == 6) {
                    NEED(2);
                    out->disp = (int16_t)read_le(buf + pos, 2);
                    pos += 2;
                } else {
                    out->base = b16[rm];
                    out->index = i16[rm];
                    default_ss = (rm == 2 || rm == 3 || rm == 6);
                    if (mod == 1) {
                        NEED(1);
                        out->disp = (int8_t)buf[pos++];
                    } else if (mod == 2) {
                        NEED(2);
                        out->disp = (int16_t)read_le(buf + pos, 2);
                        pos += 2;
                    }
                }
            } else {
                unsigned base_reg = rm;
                bool no_base = false;
                if (rm == 4) {
                    NEED(1);
                    unsigned sib = buf[pos++];
                    unsigned idx = ((sib >> 3) & 7) | ((rex & 2) ? 8 : 0);
                    out->scale = (uint8_t)(sib >> 6);
                    if (idx != 4) out->index = (uint8_t)idx;
                    base_reg = sib & 7;
                    if (base_reg == 5 && mod == 0) no_base = true;
                } else if (rm == 5 && mod == 0) {
                    no_base = true;
                    if (m64 && !asz_ovr) out->base = REG_RIP;
                    if (m64 && asz_ovr) out->base = REG_RIP; /* EIP-relative: masked by asz */
                }
                if (!no_base) {
                    out->base = (uint8_t)(base_reg | ((rex & 1) ? 8 : 0));
                    /* SS is the default only for rSP/rBP bases, not r12/r13 (SDM Vol.1 3.7.5) */
                    default_ss = !(rex & 1) && (base_reg == 4 || base_reg == 5);
                }
                if (mod == 1) {
                    NEED(1);
                    out->disp = (int8_t)buf[pos++];
                } else if (mod == 2 || no_base) {
                    NEED(4);
                    out->disp = (int32_t)read_le(buf + pos, 4);
                    pos += 4;
                }
            }
            if (seg == SEG_NONE) seg = default_ss ? SEG_SS : SEG_DS;
        }
    }
    if (seg == SEG_NONE) seg = SEG_DS;
    out->seg = (uint8_t)seg;

    /* 4. Select the catalogue entry */
    unsigned mp = last_rep == 0xf3 ? P_F3 : last_rep == 0xf2 ? P_F2 : (pfx & PFX_OSZ) ? P_66 : P_NP;
    unsigned found = OP_INVALID;
    for (int pass = 0; pass < 3 && found == OP_INVALID; pass++) {
        for (uint16_t l = slot_head[map][opc]; l != 0xffff; l = links[l].next) {
            unsigned op = links[l].op;
            const struct op_info *e = &op_info[op];
            /* pass 0: exact register-form extension; 1: mandatory prefix; 2: P_ANY */
            if (pass == 0 && !(e->ext & 0x40)) continue;
            if (pass == 1 && (e->pfx == P_ANY || (e->ext & 0x40))) continue;
            if (pass == 2 && (e->pfx != P_ANY || (e->ext & 0x40))) continue;
            if (e->pfx != P_ANY && e->pfx != mp) continue;
            if (!ext_matches(e->ext, has_modrm, mod, reg, rm)) continue;
            if (!form_matches(e->form, mod)) continue;
            if ((e->attr & A_I64) && m64) continue;
            if ((e->attr & A_O64) && !m64) continue;
            if (!(ctx->features & FEATURE_BIT(e->feat))) continue;
            if ((e->attr & A_NOREP) && last_rep) continue;
            found = op;
            break;
        }
    }
    if (found == OP_INVALID) goto invalid;
    const struct op_info *e = &op_info[found];
    out->op = (uint16_t)found;

    /* 5. Operand size (SDM Vol.1 3.6, Vol.2 2.2.1.2) */
    unsigned osz;
    if (!m64)
        osz = (mode == CTX_MODE32) != !!(pfx & PFX_OSZ) ? 2 : 1;
    else if (rex & 8)
        osz = 3;
    else if (e->attr & A_F64)
        osz = 3;
    else if (e->attr & A_D64)
        osz = (pfx & PFX_OSZ) ? 1 : 3;
    else
        osz = (pfx & PFX_OSZ) ? 1 : 2;
    out->osz = (uint8_t)osz;

    /* Registers */
    if (e->attr & A_REGOP) {
        out->reg = (uint8_t)((opc & 7) | ((rex & 1) ? 8 : 0));
    } else if (has_modrm) {
        out->reg = (uint8_t)(reg | ((rex & 4) ? 8 : 0));
        out->rm = (uint8_t)(rm | ((rex & 1) ? 8 : 0));
    } else {
        /* no ModRM: reg carries opcode bits 5:3 (the Sreg of PUSH/POP sreg) */
        out->reg = (uint8_t)((opc >> 3) & 7);
    }

    /* 6. Immediate */
    unsigned n = 0;
    switch (e->imm) {
    case IM_NONE: break;
    case IM_B: NEED(1); out->imm = buf[pos]; n = 1; break;
    case IM_BS: case IM_J8: NEED(1); out->imm = (uint64_t)(int64_t)(int8_t)buf[pos]; n = 1; break;
    case IM_W: NEED(2); out->imm = read_le(buf + pos, 2); n = 2; break;
    case IM_Z:
    case IM_JZ:
        if (osz == 1) {
            NEED(2);
            out->imm = (uint64_t)(int64_t)(int16_t)read_le(buf + pos, 2);
            n = 2;
        } else {
            NEED(4);
            out->imm = (uint64_t)(int64_t)(int32_t)read_le(buf + pos, 4);
            n = 4;
        }
        break;
    case IM_V:
        n = 1u << osz;
        NEED(n);
        out->imm = read_le(buf + pos, n);
        break;
    case IM_O:
        n = 1u << asz;
        NEED(n);
        out->imm = read_le(buf + pos, n);
        break;
    case IM_P:
        n = osz == 1 ? 2 : 4;
        NEED(n + 2);
        out->imm = read_le(buf + pos, n);
        out->disp = (int32_t)read_le(buf + pos + n, 2);
        n += 2;
        break;
    case IM_WB:
        NEED(3);
        out->imm = read_le(buf + pos, 2);
        out->disp = buf[pos + 2];
        n = 3;
        break;
    }
    pos += n;
    if (pos > 15) goto too_long;
    out->len = (uint8_t)pos;
    out->pfx = (uint8_t)pfx;

    /* 7. LOCK only on lockable forms with a memory destination (SDM Vol.2 LOCK: #UD otherwise) */
    if ((pfx & PFX_LOCK) && (!(e->attr & A_LOCK) || mod == 3)) goto invalid_len;
    if ((e->attr & A_PM) && (ctx->flags & CTX_RMV86)) goto invalid_len;

    /* 8. Handler, with the FPU/SSE availability gates of the current mode (SDM Vol.3A 2.5 CR0.EM/TS,
     * 13.1 OSFXSR; Vol.2 "Exceptions" sections) resolved now rather than at run time. */
    if (ctx->handlers) {
        const struct op_handlers *h = &ctx->handlers[found];
        out->fn = (pfx & PFX_MEM) ? h->m : h->r;
        if (e->attr & A_FPU) {
            if (ctx->flags & (CTX_EM | CTX_TS)) out->fn = ctx->fn_nm;
        } else if (e->attr & A_MMX) {
            if (ctx->flags & CTX_EM) out->fn = ctx->fn_ud;
            else if (ctx->flags & CTX_TS) out->fn = ctx->fn_nm;
        } else if (e->attr & A_SSE) {
            if (ctx->flags & (CTX_EM | CTX_NOFXSR)) out->fn = ctx->fn_ud;
            else if (ctx->flags & CTX_TS) out->fn = ctx->fn_nm;
        }
        /* guest mode: instructions that may be intercepted go through the gate (DESIGN.md
         * "VMX and SVM off the hot path") */
        if ((ctx->flags & CTX_GUEST) && e->icpt != IC_NONE && ctx->fn_gate) out->fn = ctx->fn_gate;
    }
    return DEC_OK;

invalid:
    if (pos > 15) goto too_long; /* the limit is checked before the opcode is known (SDM Vol.2 2.3.11) */
    /* Length of an invalid instruction is not architectural; report what was examined. */
    out->len = (uint8_t)(pos > 15 ? 15 : pos ? pos : 1);
invalid_len:
    out->op = OP_INVALID;
    out->fn = ctx->handlers ? ctx->fn_ud : NULL;
    st = DEC_UD;
    return st;

too_long:
    /* SDM Vol.2 2.3.11: an instruction longer than 15 bytes raises #GP(0) */
    out->len = 15;
    out->op = OP_INVALID;
    out->fn = ctx->handlers ? ctx->fn_gp : NULL;
    return DEC_GP;
#undef NEED
}
