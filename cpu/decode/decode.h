/* The x86 decoder: a pure function from bytes to struct insn. It knows nothing of struct cpu;
 * the CPU library passes in the handler table and the mode, so this library builds and is tested
 * alone (tests/unit/test_decode.c, tests/length/).
 */
#ifndef CPU_DECODE_DECODE_H
#define CPU_DECODE_DECODE_H

#include "cpu/decode/insn.h"

/* Opcode maps */
enum { MAP_1, MAP_0F, MAP_38, MAP_3A, MAP_COUNT };

/* Mandatory-prefix requirement of a catalogue entry */
enum { P_ANY, P_NP, P_66, P_F3, P_F2 };

/* ModRM extension: X(n) = ModRM.reg is n; XR(n, m) = mod 3, reg n, rm m */
#define X_NONE 0
#define X(n) (0x10 | (n))
#define XR(n, m) (0x40 | ((n) << 3) | (m))

/* ModRM presence and allowed forms */
enum { F_NONE, F_BOTH, F_MEM, F_REG, F_CREG };

/* Immediate operand kinds */
enum {
    IM_NONE,
    IM_B,  /* imm8, zero-extended */
    IM_BS, /* imm8, sign-extended to 64 bits */
    IM_W,  /* imm16, zero-extended */
    IM_Z,  /* imm16 or imm32 by operand size, sign-extended to 64 bits */
    IM_V,  /* imm16/imm32/imm64 by operand size (MOV r, imm), zero-extended */
    IM_O,  /* memory offset sized by address size (MOV AL, moffs) */
    IM_P,  /* far pointer: offset16/32 in imm, selector in disp */
    IM_WB, /* ENTER: imm16 in imm, imm8 in disp */
    IM_J8, /* rel8, sign-extended */
    IM_JZ, /* rel16 or rel32 by operand size, sign-extended */
};

/* Attributes */
#define A_LOCK 0x0001  /* LOCK allowed (with a memory destination) */
#define A_I64 0x0002   /* invalid in 64-bit mode */
#define A_O64 0x0004   /* valid only in 64-bit mode */
#define A_D64 0x0008   /* default operand size 64 in 64-bit mode */
#define A_F64 0x0010   /* operand size forced to 64 in 64-bit mode (Intel) */
#define A_END 0x0020   /* ends a decoded block (branches, mode or state changes) */
#define A_REGOP 0x0040 /* register number in opcode bits 2:0 (8 opcodes) */
#define A_PM 0x0080    /* #UD in real and virtual-8086 mode */
#define A_STR 0x0100   /* string instruction (REP prefixes meaningful) */
#define A_FPU 0x0200   /* x87: #NM if CR0.EM or CR0.TS */
#define A_MMX 0x0400   /* MMX: #UD if CR0.EM, #NM if CR0.TS */
#define A_SSE 0x0800   /* SSE: #UD if CR0.EM or !CR4.OSFXSR, #NM if CR0.TS */
#define A_NOREP 0x1000 /* an F2/F3 prefix makes the form invalid (empty table cell, SDM Vol.2 A.3) */
#define A_CBR 0x2000   /* conditional branch: a decoded block goes on after it and stops if taken */

/* CPUID features an instruction form may need; the CPU model provides a mask of (1 << FEAT_x). */
enum feature {
    FEAT_BASE,
    FEAT_X87, FEAT_CX8, FEAT_CMOV, FEAT_MMX, FEAT_FXSR, FEAT_SSE, FEAT_SSE2, FEAT_SSE3,
    FEAT_SSSE3, FEAT_SSE41, FEAT_SSE42, FEAT_POPCNT, FEAT_LZCNT, FEAT_BMI1, FEAT_MOVBE,
    FEAT_CX16, FEAT_XSAVE, FEAT_XSAVEOPT, FEAT_XSAVEC, FEAT_XSAVES, FEAT_RDTSCP, FEAT_FSGSBASE, FEAT_SYSCALL, FEAT_SEP,
    FEAT_CLFLUSH, FEAT_MONITOR, FEAT_RDRAND, FEAT_RDSEED, FEAT_RDPID, FEAT_SMAP, FEAT_INVPCID,
    FEAT_VMX, FEAT_SVM, FEAT_PCLMUL, FEAT_AES,
    FEAT_COUNT
};
#define FEATURE_BIT(f) (1ull << (f))

/* Intercept classes (one namespace for VMX and SVM; see cpu/vmx, cpu/svm) */
enum icpt {
    IC_NONE, IC_IO, IC_PAUSE, IC_PUSHF, IC_POPF, IC_SWINT, IC_IRET, IC_HLT, IC_DESC, IC_CR_READ,
    IC_CR_WRITE, IC_INVLPG, IC_MONITOR, IC_MWAIT, IC_XSETBV, IC_RDTSCP, IC_INVD, IC_WBINVD, IC_DR,
    IC_MSR, IC_RDTSC, IC_RDPMC, IC_CPUID, IC_RDRAND, IC_RDSEED, IC_VMX, IC_SVM, IC_INVPCID, IC_XSAVES,
    IC_COUNT
};

/* Opcode ids */
enum op_id {
#define OP(ID, MNEM, MAP, OPC, PFX, EXT, FORM, IMM, ATTR, FEAT, ICPT, FN_M, FN_R) OP_##ID,
#include "cpu/decode/opcodes.def"
#undef OP
    OP_COUNT,
    OP_INVALID = 0xffff
};

/* Static facts about one catalogue entry. */
struct op_info {
    const char *mnem;
    uint8_t map, opc, pfx, ext, form, imm, feat, icpt;
    uint16_t attr;
};
extern const struct op_info op_info[OP_COUNT];

/* The handlers of one entry, supplied by the CPU library. */
struct op_handlers {
    insn_fn m, r;
};

/* Decode context flags; together they are the mode key of the decoded-instruction cache. */
#define CTX_MODE_MASK 0x03 /* code size: */
#define CTX_MODE16 0x00
#define CTX_MODE32 0x01
#define CTX_MODE64 0x02
#define CTX_EM 0x04       /* CR0.EM */
#define CTX_TS 0x08       /* CR0.TS */
#define CTX_NOFXSR 0x10   /* CR4.OSFXSR clear */
#define CTX_RMV86 0x20    /* real or virtual-8086 mode */
#define CTX_GUEST 0xc0    /* VMX non-root / SVM guest (intercept gates): */
#define CTX_VMX 0x40      /*   VMX non-root operation */

struct decode_ctx {
    uint32_t flags;                     /* CTX_* */
    uint64_t features;                  /* FEATURE_BIT mask */
    const struct op_handlers *handlers; /* indexed by op id; NULL: leave insn.fn NULL */
    insn_fn fn_ud, fn_nm, fn_gp;        /* stubs raising #UD, #NM, #GP(0) */
    insn_fn fn_gate;                    /* intercept gate for entries with an intercept class
                                         * when flags has a CTX_GUEST bit (NULL: none) */
};

enum decode_status {
    DEC_OK,        /* a valid instruction */
    DEC_UD,        /* invalid opcode or form: executing it raises #UD (insn.fn = fn_ud) */
    DEC_GP,        /* longer than 15 bytes: raises #GP(0) (insn.fn = fn_gp) */
    DEC_NEED_MORE, /* the buffer ended inside the instruction */
};

/* Decodes one instruction from buf[0..avail). Pure; never raises. On DEC_OK the insn is complete.
 * On DEC_UD/DEC_GP insn.fn is the raising stub and insn.len the bytes examined. */
enum decode_status decode_insn(const struct decode_ctx *ctx, const uint8_t *buf, size_t avail,
                               struct insn *out) WARN_UNUSED;

/* The catalogue entry's mnemonic ("add"). */
const char *op_name(unsigned op);

#endif
