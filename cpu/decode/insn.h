/* struct insn: one decoded instruction, as produced by the pure decoder and kept in the
 * decoded-instruction cache. Named fields, 32 bytes.
 *
 *   byte  0.. 7  fn      handler chosen at decode (register or memory form, or a raising stub)
 *   byte  8..15  imm     immediate (sign- or zero-extended as the operand type says), moffs,
 *                        far-pointer offset, ENTER's imm16, branch displacement
 *   byte 16..19  disp    ModRM displacement; far-pointer selector; ENTER's imm8
 *   byte 20..21  op      OP_* id from opcodes.def
 *   byte 22      len     total length in bytes (1..15)
 *   byte 23      osz     operand size: 1=16, 2=32, 3=64 bits (log2 of bytes)
 *   byte 24      asz     address size: 1=16, 2=32, 3=64
 *   byte 25      reg     ModRM.reg (+REX.R), or the register in the opcode's low bits (+REX.B)
 *   byte 26      rm      ModRM.rm (+REX.B) for register forms
 *   byte 27      base    base register of the effective address (REG_RIP, REG_NONE)
 *   byte 28      index   index register (REG_NONE when absent)
 *   byte 29      scale   0..3
 *   byte 30      seg     effective segment for the memory operand (override or default)
 *   byte 31      pfx     PFX_* bits
 */
#ifndef CPU_DECODE_INSN_H
#define CPU_DECODE_INSN_H

#include "emu/compiler.h"

struct cpu;
struct insn;
typedef void (*insn_fn)(struct cpu *c, const struct insn *i);

/* Register numbers 0..15 are the GPRs; the effective-address computation reads gpr[] directly, so
 * gpr[16] holds RIP (for RIP-relative addressing) and gpr[17] is always zero (no base / no index). */
#define REG_RIP 16
#define REG_NONE 17

/* Segment register numbers, in the architectural Sreg encoding. */
enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_NONE = 7 };

/* insn.pfx bits */
#define PFX_LOCK 0x01
#define PFX_REP 0x02   /* F3 */
#define PFX_REPNE 0x04 /* F2 */
#define PFX_OSZ 0x08   /* 66 */
#define PFX_REX 0x10   /* a REX prefix was present (byte registers 4-7 are SPL..DIL) */
#define PFX_REXW 0x20
#define PFX_MEM 0x40   /* the ModRM form is a memory operand */
#define PFX_SEGOVR 0x80 /* a segment override prefix was present */

struct insn {
    insn_fn fn;
    uint64_t imm;
    int32_t disp;
    uint16_t op;
    uint8_t len;
    uint8_t osz;
    uint8_t asz;
    uint8_t reg;
    uint8_t rm;
    uint8_t base;
    uint8_t index;
    uint8_t scale;
    uint8_t seg;
    uint8_t pfx;
};
_Static_assert(sizeof(struct insn) == 32, "struct insn must stay 32 bytes");

#endif
