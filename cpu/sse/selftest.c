/* Standalone host-differential checker for the MMX/SSE handlers (not built by meson).
 *
 * Each test instruction is assembled into this program between two labels. It runs natively
 * (the bytes are called as a function after loading registers from a state block) and through
 * turtles (the same bytes decoded by cpu/decode/decode.c, executed by the cpu/sse handlers on a
 * struct cpu whose memory accessors read host memory directly), from the same random states;
 * XMM, MMX, general registers, arithmetic flags, MXCSR and the memory buffer are compared.
 * A few emulator-only checks cover faults (alignment #GP, unmasked #XM) and the x87/MMX state.
 *
 * Build and run on an x86-64 host with SSE4.2:
 *   gcc -std=gnu11 -O1 -I. -Iinclude -o /tmp/sse_selftest cpu/sse/selftest.c cpu/sse/sse_*.c \
 *       cpu/decode/decode.c cpu/fpu/sf_*.c && /tmp/sse_selftest [states-per-form [seed]]
 */
#define _GNU_SOURCE /* REG_* indices of ucontext_t */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <ucontext.h>
#undef REG_RIP /* glibc names a ucontext index so; the emulator header defines its own */
#include <stdlib.h>
#include <string.h>

#include "cpu/sse/sse_priv.h"

/* ---- minimal environment for the handlers ---- */
static jmp_buf test_jb;
static int test_vec;

NORETURN void cpu_raise(struct cpu *c, int vec, uint32_t err)
{
    test_vec = vec;
    longjmp(test_jb, 1);
}
NORETURN void cpu_raise_noerr(struct cpu *c, int vec) { cpu_raise(c, vec, 0); }
NORETURN void cpu_raise_pf(struct cpu *c, uint64_t lin, uint32_t err) { cpu_raise(c, EXC_PF, err); }
NORETURN void cpu_seg_fault(struct cpu *c, unsigned s, uint64_t off) { cpu_raise(c, EXC_GP, 0); }
uint64_t mmu_read_slow(struct cpu *c, uint64_t lin, unsigned size, unsigned acc)
{
    if (!is_canonical(lin) || !is_canonical(lin + size - 1)) cpu_raise(c, EXC_GP, 0);
    uint64_t v = 0;
    memcpy(&v, (const void *)(uintptr_t)lin, size);
    return v;
}
void mmu_write_slow(struct cpu *c, uint64_t lin, unsigned size, uint64_t val, unsigned acc)
{
    if (!is_canonical(lin) || !is_canonical(lin + size - 1)) cpu_raise(c, EXC_GP, 0);
    memcpy((void *)(uintptr_t)lin, &val, size);
}
uint64_t seg_read_miss(struct cpu *c, unsigned s, uint64_t lin, unsigned size, unsigned acc)
{
    if (c->mode64 && !is_canonical(lin)) cpu_seg_fault(c, s, lin);
    return mmu_read_slow(c, lin, size, acc);
}
void seg_write_miss(struct cpu *c, unsigned s, uint64_t lin, unsigned size, uint64_t val, unsigned acc)
{
    if (c->mode64 && !is_canonical(lin)) cpu_seg_fault(c, s, lin);
    mmu_write_slow(c, lin, size, val, acc);
}
/* The end marker after a lone instruction (cpu/exec.c has the emulator's). */
static void end_marker_fn(struct cpu *c, const struct insn *i) { c->cur = i - 1; }
void cpu_insn_end_marker(struct insn *i)
{
    memset(i, 0, sizeof *i);
    i->fn = end_marker_fn;
}
void cpu_probe_write(struct cpu *c, unsigned s, uint64_t off, unsigned size)
{
    if (!is_canonical(off) || !is_canonical(off + size - 1)) cpu_raise(c, EXC_GP, 0);
}
HANDLER(ud) { cpu_raise_noerr(c, EXC_UD); }

/* ---- register state shared by both sides ---- */
struct state {
    union xmm x[16]; /*   0 */
    uint64_t mm[8];  /* 256 */
    uint64_t g[16];  /* 320: rax rcx rdx rbx rsp rbp rsi rdi r8..r15 */
    uint64_t flags;  /* 448 */
    uint32_t mxcsr;  /* 456 */
    uint32_t pad;
    uint8_t env[32]; /* 464: FNSTENV image after the instruction (FSW at 4, FTW at 8) */
};
_Static_assert(__builtin_offsetof(struct state, flags) == 448, "layout");

void run_native(struct state *s, const void *code);
__asm__(".text\n"
        ".globl run_native\n"
        "run_native:\n"
        "push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
        "mov %rdi, %r12\n mov %rsi, %r13\n"
        "ldmxcsr 456(%r12)\n"
        "movdqu 0(%r12), %xmm0\n movdqu 16(%r12), %xmm1\n movdqu 32(%r12), %xmm2\n"
        "movdqu 48(%r12), %xmm3\n movdqu 64(%r12), %xmm4\n movdqu 80(%r12), %xmm5\n"
        "movdqu 96(%r12), %xmm6\n movdqu 112(%r12), %xmm7\n movdqu 128(%r12), %xmm8\n"
        "movdqu 144(%r12), %xmm9\n movdqu 160(%r12), %xmm10\n movdqu 176(%r12), %xmm11\n"
        "movdqu 192(%r12), %xmm12\n movdqu 208(%r12), %xmm13\n movdqu 224(%r12), %xmm14\n"
        "movdqu 240(%r12), %xmm15\n"
        "movq 256(%r12), %mm0\n movq 264(%r12), %mm1\n movq 272(%r12), %mm2\n movq 280(%r12), %mm3\n"
        "movq 288(%r12), %mm4\n movq 296(%r12), %mm5\n movq 304(%r12), %mm6\n movq 312(%r12), %mm7\n"
        "emms\n fdecstp\n" /* x87: all empty, TOP = 7 (the MMX transition must reset both) */
        "pushq 448(%r12)\n popfq\n"
        "mov 320(%r12), %rax\n mov 328(%r12), %rcx\n mov 336(%r12), %rdx\n mov 344(%r12), %rbx\n"
        "mov 368(%r12), %rsi\n mov 376(%r12), %rdi\n mov 384(%r12), %r8\n mov 392(%r12), %r9\n"
        "call *%r13\n"
        "pushfq\n popq 448(%r12)\n"
        "fnstenv 464(%r12)\n"
        "mov %rax, 320(%r12)\n mov %rcx, 328(%r12)\n mov %rdx, 336(%r12)\n mov %rbx, 344(%r12)\n"
        "mov %rsi, 368(%r12)\n mov %rdi, 376(%r12)\n mov %r8, 384(%r12)\n mov %r9, 392(%r12)\n"
        "movdqu %xmm0, 0(%r12)\n movdqu %xmm1, 16(%r12)\n movdqu %xmm2, 32(%r12)\n"
        "movdqu %xmm3, 48(%r12)\n movdqu %xmm4, 64(%r12)\n movdqu %xmm5, 80(%r12)\n"
        "movdqu %xmm6, 96(%r12)\n movdqu %xmm7, 112(%r12)\n movdqu %xmm8, 128(%r12)\n"
        "movdqu %xmm9, 144(%r12)\n movdqu %xmm10, 160(%r12)\n movdqu %xmm11, 176(%r12)\n"
        "movdqu %xmm12, 192(%r12)\n movdqu %xmm13, 208(%r12)\n movdqu %xmm14, 224(%r12)\n"
        "movdqu %xmm15, 240(%r12)\n"
        "movq %mm0, 256(%r12)\n movq %mm1, 264(%r12)\n movq %mm2, 272(%r12)\n movq %mm3, 280(%r12)\n"
        "movq %mm4, 288(%r12)\n movq %mm5, 296(%r12)\n movq %mm6, 304(%r12)\n movq %mm7, 312(%r12)\n"
        "emms\n"
        "stmxcsr 456(%r12)\n"
        "pushq $0x1f80\n ldmxcsr (%rsp)\n add $8, %rsp\n"
        "pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
        "ret\n");

/* Native faults: the signal handler copies the register state at the fault from the signal frame
 * and jumps back; SIGILL = #UD, SIGSEGV/SIGBUS = #GP, SIGFPE = #XM. */
static sigjmp_buf native_jb;
static struct state *native_cur;
static volatile int native_sig;
static void native_fault(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    struct state *s = native_cur;
    static const int map[] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, -1, -1, REG_RSI, REG_RDI, REG_R8, REG_R9};
    for (int k = 0; k < 10; k++)
        if (map[k] >= 0) s->g[k] = (uint64_t)uc->uc_mcontext.gregs[map[k]];
    s->flags = (uint64_t)uc->uc_mcontext.gregs[REG_EFL];
    for (int k = 0; k < 16; k++) memcpy(&s->x[k], &uc->uc_mcontext.fpregs->_xmm[k], 16);
    unsigned top = (uc->uc_mcontext.fpregs->swd >> 11) & 7; /* the frame holds ST(i), not R[i] */
    for (int k = 0; k < 8; k++) memcpy(&s->mm[k], uc->uc_mcontext.fpregs->_st[(k - top) & 7].significand, 8);
    s->mxcsr = uc->uc_mcontext.fpregs->mxcsr;
    uint16_t fsw = uc->uc_mcontext.fpregs->swd, ftw = 0;
    for (int k = 0; k < 8; k++)
        if (!(uc->uc_mcontext.fpregs->ftw & (1u << k))) ftw |= (uint16_t)(3u << (2 * k));
    memcpy(s->env + 4, &fsw, 2);
    memcpy(s->env + 8, &ftw, 2);
    native_sig = sig;
    siglongjmp(native_jb, 1);
}
/* Returns the vector of the fault the instruction raised natively, or -1. */
static int run_native_v(struct state *s, const void *code)
{
    native_cur = s;
    native_sig = 0;
    if (!sigsetjmp(native_jb, 1)) run_native(s, code);
    __asm__ volatile("emms");
    switch (native_sig) {
    case 0: return -1;
    case SIGILL: return EXC_UD;
    case SIGFPE: return EXC_XM;
    default: return EXC_GP;
    }
}
static void native_init(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = native_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
}

/* ---- the instructions under test: memory operands use (%rsi) (16-byte aligned buffer) or an
 * offset from it; (%rdi) is a second buffer (MASKMOVQ/MASKMOVDQU) ---- */
#define TESTS(TX)                                                                                   \
    /* MMX and SSE2 integer */                                                                     \
    TX("paddb %mm1, %mm0") TX("paddb %xmm1, %xmm0") TX("paddb (%rsi), %xmm2") TX("paddw %xmm3, %xmm2") \
    TX("paddd %mm2, %mm3") TX("paddq %mm1, %mm2") TX("paddq (%rsi), %xmm5") TX("psubb (%rsi), %mm0")   \
    TX("psubw %xmm1, %xmm0") TX("psubd %xmm1, %xmm0") TX("psubq %mm1, %mm0") TX("psubq %xmm9, %xmm8")  \
    TX("paddsb %mm1, %mm0") TX("paddsb %xmm1, %xmm0") TX("paddsw %xmm1, %xmm0")                      \
    TX("paddusb %xmm1, %xmm0") TX("paddusw %mm1, %mm0") TX("psubsb %xmm1, %xmm0")                    \
    TX("psubsw %mm4, %mm5") TX("psubusb %xmm1, %xmm0") TX("psubusw %xmm1, %xmm0")                    \
    TX("pmullw %xmm1, %xmm0") TX("pmulhw %mm1, %mm0") TX("pmulhw %xmm1, %xmm0")                      \
    TX("pmulhuw %xmm1, %xmm0") TX("pmuludq %mm1, %mm0") TX("pmuludq %xmm1, %xmm0")                   \
    TX("pmaddwd %xmm1, %xmm0") TX("pmaddwd %mm1, %mm0") TX("pavgb %xmm1, %xmm0") TX("pavgw %mm1, %mm0") \
    TX("pminub %xmm1, %xmm0") TX("pmaxub %mm1, %mm0") TX("pminsw %mm1, %mm0") TX("pmaxsw %xmm1, %xmm0") \
    TX("psadbw %xmm1, %xmm0") TX("psadbw %mm1, %mm0") TX("pcmpeqb %xmm1, %xmm0")                     \
    TX("pcmpeqw %mm1, %mm0") TX("pcmpeqd %xmm1, %xmm0") TX("pcmpgtb %xmm1, %xmm0")                   \
    TX("pcmpgtw %mm1, %mm0") TX("pcmpgtd %xmm1, %xmm0") TX("pand %xmm1, %xmm0") TX("pandn %mm1, %mm0") \
    TX("por (%rsi), %xmm0") TX("pxor %xmm1, %xmm0")                                                  \
    TX("psrlw %xmm1, %xmm0") TX("psrlw %mm1, %mm0") TX("psrld %xmm1, %xmm0") TX("psrlq %xmm1, %xmm0") \
    TX("psllw %xmm1, %xmm0") TX("pslld %mm1, %mm0") TX("psllq %xmm1, %xmm0") TX("psraw %xmm1, %xmm0") \
    TX("psrad %xmm1, %xmm0") TX("psrad %mm1, %mm0") TX("psrlw $3, %xmm0") TX("psrlw $17, %mm0")       \
    TX("psraw $15, %xmm3") TX("psraw $200, %mm2") TX("psllw $1, %xmm0") TX("psrld $31, %xmm0")        \
    TX("psrad $7, %mm1") TX("pslld $32, %xmm4") TX("psrlq $63, %xmm0") TX("psllq $5, %mm3")          \
    TX("psrldq $3, %xmm0") TX("psrldq $16, %xmm1") TX("pslldq $7, %xmm9") TX("pslldq $15, %xmm0")    \
    TX("punpcklbw %xmm1, %xmm0") TX("punpcklbw %mm1, %mm0") TX("punpcklwd %xmm1, %xmm0")             \
    TX("punpckldq %mm1, %mm0") TX("punpcklqdq %xmm1, %xmm0") TX("punpckhbw %xmm1, %xmm0")            \
    TX("punpckhbw %mm1, %mm0") TX("punpckhwd %mm1, %mm0") TX("punpckhdq %xmm1, %xmm0")               \
    TX("punpckhqdq (%rsi), %xmm0") TX("packsswb %xmm1, %xmm0") TX("packsswb %mm1, %mm0")             \
    TX("packuswb %xmm1, %xmm0") TX("packuswb %mm1, %mm0") TX("packssdw %xmm1, %xmm0")                \
    TX("packssdw %mm1, %mm0") TX("pshufw $0x1b, %mm1, %mm0") TX("pshufw $0xd2, (%rsi), %mm0")        \
    TX("pshufd $0x1b, %xmm1, %xmm0") TX("pshufd $0x4e, (%rsi), %xmm0") TX("pshufhw $0x93, %xmm1, %xmm0") \
    TX("pshuflw $0x39, %xmm1, %xmm0") TX("pmovmskb %mm1, %eax") TX("pmovmskb %xmm1, %ecx")           \
    TX("pextrw $2, %mm1, %eax") TX("pextrw $5, %xmm1, %edx") TX("pinsrw $3, %ecx, %mm0")             \
    TX("pinsrw $6, %ecx, %xmm0") TX("pinsrw $1, 2(%rsi), %xmm0")                                     \
    /* moves */                                                                                    \
    TX("movd %eax, %mm0") TX("movq %rax, %mm1") TX("movd %mm1, %ecx") TX("movq %mm1, %rcx")           \
    TX("movd %eax, %xmm0") TX("movq %rax, %xmm9") TX("movd %xmm1, %edx") TX("movq %xmm1, %rdx")       \
    TX("movd 4(%rsi), %xmm0") TX("movd %xmm2, 4(%rsi)") TX("movq 8(%rsi), %xmm0") TX("movq %xmm0, 8(%rsi)") \
    TX("movq %xmm1, %xmm0") TX("movq %mm1, %mm0") TX("movq (%rsi), %mm2") TX("movq %mm3, 24(%rsi)")   \
    TX("movq2dq %mm1, %xmm0") TX("movdq2q %xmm1, %mm0") TX("movntq %mm2, (%rsi)")                   \
    TX("movaps (%rsi), %xmm0") TX("movaps %xmm1, %xmm0") TX("movaps %xmm1, 16(%rsi)")                \
    TX("movups 3(%rsi), %xmm0") TX("movups %xmm1, 5(%rsi)") TX("movupd 1(%rsi), %xmm0")              \
    TX("movapd %xmm1, %xmm0") TX("movdqa (%rsi), %xmm0") TX("movdqa %xmm1, 16(%rsi)")                \
    TX("movdqu 7(%rsi), %xmm0") TX("movdqu %xmm1, 9(%rsi)") TX("lddqu 1(%rsi), %xmm0")               \
    TX("movntdq %xmm3, (%rsi)") TX("movntps %xmm3, 16(%rsi)") TX("movntdqa (%rsi), %xmm0")          \
    TX("movnti %eax, 4(%rsi)") TX("movnti %rax, 8(%rsi)")                                            \
    TX("movss 4(%rsi), %xmm0") TX("movss %xmm1, %xmm0") TX("movss %xmm1, 12(%rsi)")                  \
    TX("movsd 8(%rsi), %xmm0") TX("movsd %xmm1, %xmm0") TX("movsd %xmm1, 8(%rsi)")                   \
    TX("movlps 8(%rsi), %xmm0") TX("movlps %xmm1, 8(%rsi)") TX("movhps 8(%rsi), %xmm0")              \
    TX("movhps %xmm1, 8(%rsi)") TX("movlpd 8(%rsi), %xmm0") TX("movhpd %xmm1, 8(%rsi)")              \
    TX("movhlps %xmm1, %xmm0") TX("movlhps %xmm1, %xmm0") TX("movmskps %xmm1, %eax")                 \
    TX("movmskpd %xmm1, %eax") TX("maskmovq %mm1, %mm0") TX("maskmovdqu %xmm1, %xmm0")               \
    TX("movsldup %xmm1, %xmm0") TX("movshdup (%rsi), %xmm0") TX("movddup 8(%rsi), %xmm0")            \
    TX("movddup %xmm1, %xmm0")                                                                      \
    TX("ldmxcsr (%rsi)") TX("stmxcsr 4(%rsi)")                                                       \
    /* FP bitwise and shuffles */                                                                  \
    TX("andps %xmm1, %xmm0") TX("andnpd %xmm1, %xmm0") TX("orps %xmm1, %xmm0") TX("xorpd (%rsi), %xmm0") \
    TX("shufps $0x1b, %xmm1, %xmm0") TX("shufps $0xe4, (%rsi), %xmm0") TX("shufpd $1, %xmm1, %xmm0") \
    TX("shufpd $2, %xmm1, %xmm0") TX("unpcklps %xmm1, %xmm0") TX("unpckhps %xmm1, %xmm0")            \
    TX("unpcklpd %xmm1, %xmm0") TX("unpckhpd %xmm1, %xmm0")                                          \
    /* FP arithmetic */                                                                            \
    TX("addps %xmm1, %xmm0") TX("addpd %xmm1, %xmm0") TX("addss %xmm1, %xmm0") TX("addsd 8(%rsi), %xmm0") \
    TX("subps %xmm1, %xmm0") TX("subpd %xmm1, %xmm0") TX("subss 4(%rsi), %xmm0") TX("subsd %xmm1, %xmm0") \
    TX("mulps %xmm1, %xmm0") TX("mulpd %xmm1, %xmm0") TX("mulss %xmm1, %xmm0") TX("mulsd %xmm1, %xmm0") \
    TX("divps %xmm1, %xmm0") TX("divpd %xmm1, %xmm0") TX("divss %xmm1, %xmm0") TX("divsd %xmm1, %xmm0") \
    TX("minps %xmm1, %xmm0") TX("minpd %xmm1, %xmm0") TX("minss %xmm1, %xmm0") TX("minsd %xmm1, %xmm0") \
    TX("maxps %xmm1, %xmm0") TX("maxpd %xmm1, %xmm0") TX("maxss %xmm1, %xmm0") TX("maxsd %xmm1, %xmm0") \
    TX("sqrtps %xmm1, %xmm0") TX("sqrtpd %xmm1, %xmm0") TX("sqrtss %xmm1, %xmm0") TX("sqrtsd %xmm1, %xmm0") \
    TX("cmpps $0, %xmm1, %xmm0") TX("cmpps $1, %xmm1, %xmm0") TX("cmpps $2, %xmm1, %xmm0")           \
    TX("cmpps $3, %xmm1, %xmm0") TX("cmpps $4, %xmm1, %xmm0") TX("cmpps $5, %xmm1, %xmm0")           \
    TX("cmpps $6, %xmm1, %xmm0") TX("cmpps $7, %xmm1, %xmm0") TX("cmppd $1, %xmm1, %xmm0")           \
    TX("cmppd $4, %xmm1, %xmm0") TX("cmpss $2, %xmm1, %xmm0") TX("cmpsd $5, %xmm1, %xmm0")           \
    TX("cmpsd $3, 8(%rsi), %xmm0")                                                                  \
    TX("comiss %xmm1, %xmm0") TX("ucomiss %xmm1, %xmm0") TX("comisd %xmm1, %xmm0")                   \
    TX("ucomisd 8(%rsi), %xmm0") TX("ucomiss 4(%rsi), %xmm0")                                        \
    TX("addsubps %xmm1, %xmm0") TX("addsubpd %xmm1, %xmm0") TX("haddps %xmm1, %xmm0")                \
    TX("haddpd %xmm1, %xmm0") TX("hsubps %xmm1, %xmm0") TX("hsubpd %xmm1, %xmm0")                    \
    TX("roundps $0, %xmm1, %xmm0") TX("roundps $1, %xmm1, %xmm0") TX("roundps $0xa, %xmm1, %xmm0")  \
    TX("roundpd $3, %xmm1, %xmm0") TX("roundpd $4, %xmm1, %xmm0") TX("roundss $2, %xmm1, %xmm0")    \
    TX("roundsd $0xc, %xmm1, %xmm0") TX("dpps $0xff, %xmm1, %xmm0") TX("dpps $0x35, %xmm1, %xmm0")  \
    TX("dppd $0x31, %xmm1, %xmm0") TX("dppd $0xf2, %xmm1, %xmm0") TX("dpps $0xf1, %xmm1, %xmm0") \
    TX("dpps $0x7e, %xmm1, %xmm0") TX("dppd $0x33, %xmm1, %xmm0")                                    \
    /* conversions */                                                                              \
    TX("cvtpi2ps %mm1, %xmm0") TX("cvtpi2ps (%rsi), %xmm0") TX("cvtpi2pd %mm1, %xmm0")               \
    TX("cvtpi2pd 8(%rsi), %xmm0") TX("cvtsi2ss %eax, %xmm0") TX("cvtsi2ss %rax, %xmm0")              \
    TX("cvtsi2sd %ecx, %xmm0") TX("cvtsi2sd %rcx, %xmm0") TX("cvtsi2sdl 4(%rsi), %xmm0")            \
    TX("cvtps2pi %xmm1, %mm0") TX("cvttps2pi %xmm1, %mm0") TX("cvtpd2pi %xmm1, %mm0")                \
    TX("cvttpd2pi (%rsi), %mm0") TX("cvtss2si %xmm1, %eax") TX("cvtss2si %xmm1, %rax")               \
    TX("cvttss2si %xmm1, %eax") TX("cvttss2si %xmm1, %rax") TX("cvtsd2si %xmm1, %ecx")               \
    TX("cvtsd2si %xmm1, %rcx") TX("cvttsd2si %xmm1, %edx") TX("cvttsd2si %xmm1, %rdx")               \
    TX("cvtps2pd %xmm1, %xmm0") TX("cvtpd2ps %xmm1, %xmm0") TX("cvtss2sd %xmm1, %xmm0")              \
    TX("cvtsd2ss %xmm1, %xmm0") TX("cvtdq2ps %xmm1, %xmm0") TX("cvtps2dq %xmm1, %xmm0")              \
    TX("cvttps2dq %xmm1, %xmm0") TX("cvtpd2dq %xmm1, %xmm0") TX("cvttpd2dq %xmm1, %xmm0")            \
    TX("cvtdq2pd %xmm1, %xmm0") TX("rcpps %xmm1, %xmm0") TX("rcpss %xmm1, %xmm0")                    \
    TX("rsqrtps %xmm1, %xmm0") TX("rsqrtss %xmm1, %xmm0")                                            \
    /* SSSE3 */                                                                                    \
    TX("pshufb %xmm1, %xmm0") TX("pshufb %mm1, %mm0") TX("phaddw %xmm1, %xmm0") TX("phaddw %mm1, %mm0") \
    TX("phaddd %xmm1, %xmm0") TX("phaddd %mm1, %mm0") TX("phaddsw %xmm1, %xmm0") TX("phsubw %xmm1, %xmm0") \
    TX("phsubd %mm1, %mm0") TX("phsubsw %xmm1, %xmm0") TX("phsubsw %mm1, %mm0")                      \
    TX("pmaddubsw %xmm1, %xmm0") TX("pmaddubsw %mm1, %mm0") TX("psignb %xmm1, %xmm0")                \
    TX("psignw %mm1, %mm0") TX("psignd %xmm1, %xmm0") TX("pmulhrsw %xmm1, %xmm0")                    \
    TX("pmulhrsw %mm1, %mm0") TX("pabsb %xmm1, %xmm0") TX("pabsw %mm1, %mm0") TX("pabsd %xmm1, %xmm0") \
    TX("palignr $0, %xmm1, %xmm0") TX("palignr $5, %xmm1, %xmm0") TX("palignr $16, %xmm1, %xmm0")   \
    TX("palignr $21, %xmm1, %xmm0") TX("palignr $40, %xmm1, %xmm0") TX("palignr $3, %mm1, %mm0")    \
    TX("palignr $9, %mm1, %mm0") TX("palignr $17, %mm1, %mm0")                                        \
    /* SSE4.1 */                                                                                   \
    TX("pblendvb %xmm0, %xmm2, %xmm1") TX("blendvps %xmm0, %xmm2, %xmm1") TX("blendvpd %xmm0, %xmm2, %xmm1") \
    TX("blendps $5, %xmm1, %xmm0") TX("blendpd $2, %xmm1, %xmm0") TX("pblendw $0xa5, %xmm1, %xmm0") \
    TX("ptest %xmm1, %xmm0") TX("ptest (%rsi), %xmm0") TX("ptest %xmm0, %xmm0")                      \
    TX("pmovsxbw %xmm1, %xmm0") TX("pmovsxbd 4(%rsi), %xmm0") TX("pmovsxbq %xmm1, %xmm0")            \
    TX("pmovsxwd %xmm1, %xmm0") TX("pmovsxwq 2(%rsi), %xmm0") TX("pmovsxdq %xmm1, %xmm0")            \
    TX("pmovzxbw 8(%rsi), %xmm0") TX("pmovzxbd %xmm1, %xmm0") TX("pmovzxbq 6(%rsi), %xmm0")          \
    TX("pmovzxwd %xmm1, %xmm0") TX("pmovzxwq %xmm1, %xmm0") TX("pmovzxdq %xmm1, %xmm0")              \
    TX("pmuldq %xmm1, %xmm0") TX("pcmpeqq %xmm1, %xmm0") TX("pcmpeqq %xmm0, %xmm0")                  \
    TX("packusdw %xmm1, %xmm0") TX("pminsb %xmm1, %xmm0") TX("pminsd %xmm1, %xmm0")                  \
    TX("pminuw %xmm1, %xmm0") TX("pminud %xmm1, %xmm0") TX("pmaxsb %xmm1, %xmm0")                    \
    TX("pmaxsd %xmm1, %xmm0") TX("pmaxuw %xmm1, %xmm0") TX("pmaxud %xmm1, %xmm0")                    \
    TX("pmulld %xmm1, %xmm0") TX("phminposuw %xmm1, %xmm0") TX("mpsadbw $0, %xmm1, %xmm0")           \
    TX("mpsadbw $5, %xmm1, %xmm0") TX("mpsadbw $7, (%rsi), %xmm0")                                  \
    TX("pextrb $9, %xmm1, %eax") TX("pextrb $3, %xmm1, 5(%rsi)") TX("pextrw $6, %xmm1, %ecx")        \
    TX("pextrw $1, %xmm1, 2(%rsi)") TX("pextrd $2, %xmm1, %edx") TX("pextrq $1, %xmm1, %rdx")        \
    TX("pextrd $3, %xmm1, 4(%rsi)") TX("pextrq $0, %xmm1, 8(%rsi)") TX("extractps $1, %xmm1, %eax")  \
    TX("extractps $2, %xmm1, 4(%rsi)") TX("pinsrb $13, %eax, %xmm0") TX("pinsrb $2, 3(%rsi), %xmm0") \
    TX("pinsrd $1, %ecx, %xmm0") TX("pinsrq $1, %rcx, %xmm0") TX("pinsrd $3, 4(%rsi), %xmm0")        \
    TX("insertps $0x1c, %xmm1, %xmm0") TX("insertps $0xe1, %xmm1, %xmm0") TX("insertps $0x20, 4(%rsi), %xmm0") \
    /* SSE4.2 */                                                                                   \
    TX("pcmpgtq %xmm1, %xmm0")                                                                      \
    TX("pcmpestri $0x00, %xmm1, %xmm0") TX("pcmpestri $0x04, %xmm1, %xmm0") TX("pcmpestri $0x08, %xmm1, %xmm0") \
    TX("pcmpestri $0x0c, %xmm1, %xmm0") TX("pcmpestri $0x1d, %xmm1, %xmm0") TX("pcmpestri $0x3a, %xmm1, %xmm0") \
    TX("pcmpestri $0x4c, 1(%rsi), %xmm0") TX("pcmpestri $0x2f, %xmm1, %xmm0") TX("pcmpestri $0x35, %xmm1, %xmm0") \
    TX("rex64 pcmpestri $0x06, %xmm1, %xmm0") TX("pcmpestrm $0x00, %xmm1, %xmm2") TX("pcmpestrm $0x44, %xmm1, %xmm2") \
    TX("pcmpestrm $0x49, %xmm1, %xmm2") TX("pcmpestrm $0x7e, %xmm1, %xmm2")                         \
    TX("pcmpistri $0x00, %xmm1, %xmm0") TX("pcmpistri $0x04, %xmm1, %xmm0") TX("pcmpistri $0x08, %xmm1, %xmm0") \
    TX("pcmpistri $0x0c, %xmm1, %xmm0") TX("pcmpistri $0x4c, %xmm1, %xmm0") TX("pcmpistri $0x19, %xmm1, %xmm0") \
    TX("pcmpistri $0x32, (%rsi), %xmm0") TX("pcmpistri $0x3f, %xmm1, %xmm0") TX("pcmpistri $0x0d, %xmm1, %xmm0") \
    TX("pcmpistrm $0x00, %xmm1, %xmm2") TX("pcmpistrm $0x40, %xmm1, %xmm2") TX("pcmpistrm $0x45, %xmm1, %xmm2") \
    TX("pcmpistrm $0x38, %xmm1, %xmm2") TX("pcmpistrm $0x4f, %xmm1, %xmm2")                         \
    /* AES-NI, PCLMULQDQ */                                                                        \
    TX("aesenc %xmm1, %xmm0") TX("aesenclast %xmm1, %xmm0") TX("aesdec %xmm1, %xmm0")               \
    TX("aesdeclast (%rsi), %xmm0") TX("aesimc %xmm1, %xmm0") TX("aeskeygenassist $0x1b, %xmm1, %xmm0") \
    TX("aeskeygenassist $0x80, (%rsi), %xmm2") TX("pclmulqdq $0x00, %xmm1, %xmm0")                   \
    TX("pclmulqdq $0x01, %xmm1, %xmm0") TX("pclmulqdq $0x10, %xmm1, %xmm0") TX("pclmulqdq $0x11, (%rsi), %xmm0") \
    TX("pclmulqdq $0xee, %xmm1, %xmm0") TX("aesenc 8(%rsi), %xmm0")                                 \
    /* faults: non-canonical (%rbx) and misaligned operands -> #GP(0) */                           \
    TX("paddb (%rbx), %mm0") TX("movq (%rbx), %mm1") TX("movq %mm1, (%rbx)") TX("movd (%rbx), %mm1") \
    TX("movd %mm1, (%rbx)") TX("movq %mm1, (%rbx)") TX("movntq %mm1, (%rbx)") TX("rex64 movd %mm2, (%rbx)") \
    TX("pshufw $1, (%rbx), %mm0") TX("cvtpi2ps (%rbx), %xmm0") TX("cvtpi2pd (%rbx), %xmm0")        \
    TX("cvtps2pi (%rbx), %mm0") TX("cvttpd2pi 8(%rsi), %mm0") TX("cvtpd2pi (%rbx), %mm0")         \
    TX("movaps 8(%rsi), %xmm0") TX("movaps %xmm0, 4(%rsi)") TX("paddb 4(%rsi), %xmm0")           \
    TX("addps 12(%rsi), %xmm0") TX("pshufb 8(%rsi), %xmm0") TX("pshufb 1(%rsi), %mm0")           \
    TX("ptest 8(%rsi), %xmm0") TX("pmovsxbw 1(%rsi), %xmm0") TX("pcmpistri $0, 1(%rsi), %xmm0")  \
    TX("movdqu %xmm1, (%rbx)") TX("movups (%rbx), %xmm1") TX("maskmovq %mm1, %mm0")              \
    TX("palignr $3, 4(%rsi), %xmm0") TX("movntdqa 8(%rsi), %xmm0") TX("lddqu (%rbx), %xmm0")    \
    /* prefix and form corner cases (decoder + catalogue): #UD or the documented form */          \
    TX(".byte 0xf3, 0x0f, 0xfc, 0xc1") TX(".byte 0xf2, 0x0f, 0x38, 0x00, 0xc1")                    \
    TX(".byte 0x66, 0xf3, 0x0f, 0x6f, 0xc1") TX(".byte 0xf3, 0x66, 0x0f, 0x6f, 0xc1")             \
    TX(".byte 0xf2, 0xf3, 0x0f, 0x10, 0xc1") TX(".byte 0xf3, 0xf2, 0x0f, 0x10, 0xc1")             \
    TX(".byte 0x0f, 0x38, 0x17, 0xc1") TX(".byte 0xf3, 0x0f, 0x38, 0x00, 0xc1")                    \
    TX(".byte 0x66, 0x0f, 0x77") TX(".byte 0xf3, 0x0f, 0x77") TX(".byte 0x0f, 0xc5, 0x06, 0x01")  \
    TX(".byte 0x0f, 0x73, 0xd8, 0x03") TX(".byte 0x0f, 0x50, 0x06") TX(".byte 0x66, 0x0f, 0xd7, 0x06") \
    TX(".byte 0x66, 0x0f, 0x12, 0xc1") TX(".byte 0x66, 0x0f, 0x16, 0xc1") TX(".byte 0x0f, 0x2b, 0xc1") \
    TX(".byte 0xf2, 0x0f, 0xf0, 0xc1") TX(".byte 0x66, 0x0f, 0x38, 0x2a, 0xc1")                    \
    TX(".byte 0xf3, 0x0f, 0xd6, 0x06") TX(".byte 0x66, 0x0f, 0xae, 0x16") TX(".byte 0xf0, 0x0f, 0x58, 0xc1") \
    TX(".byte 0x66, 0x0f, 0x3a, 0x0f, 0xc1, 0x04") TX(".byte 0xf3, 0x0f, 0x3a, 0x0f, 0xc1, 0x04") \
    TX(".byte 0x66, 0x0f, 0x2e, 0xc1") TX(".byte 0xf3, 0x0f, 0x2e, 0xc1") TX(".byte 0xf2, 0x0f, 0x2f, 0xc1") \
    TX(".byte 0x66, 0x0f, 0x52, 0xc1") TX(".byte 0xf2, 0x0f, 0x53, 0xc1") TX(".byte 0xf3, 0x0f, 0x54, 0xc1") \
    TX(".byte 0xf2, 0x0f, 0x5b, 0xc1") TX(".byte 0xf3, 0x0f, 0x6c, 0xc1") TX(".byte 0x0f, 0x6c, 0xc1") \
    TX(".byte 0xf2, 0x0f, 0x7e, 0xc1") TX(".byte 0xf3, 0x0f, 0xe6, 0xc1") TX(".byte 0x0f, 0xe6, 0xc1") \
    TX(".byte 0x0f, 0xd6, 0xc1") TX(".byte 0xf2, 0x0f, 0xd0, 0xc1") TX(".byte 0xf3, 0x0f, 0xd0, 0xc1") \
    TX(".byte 0x0f, 0xd0, 0xc1") TX(".byte 0x0f, 0x7c, 0xc1") TX(".byte 0xf3, 0x0f, 0x7c, 0xc1")  \
    TX(".byte 0x66, 0x0f, 0x3a, 0x63, 0xc1, 0x80") TX(".byte 0x66, 0x48, 0x0f, 0x3a, 0x61, 0xc1, 0x01") \
    TX(".byte 0x66, 0x48, 0x0f, 0xc5, 0xc1, 0x03") TX(".byte 0x48, 0x0f, 0xd7, 0xc1") TX(".byte 0x66, 0x48, 0x0f, 0x3a, 0x14, 0xc8, 0x05") \
    TX(".byte 0x66, 0x48, 0x0f, 0x3a, 0x20, 0xc1, 0x05") TX(".byte 0xf3, 0x48, 0x0f, 0x2d, 0xc1") \
    TX(".byte 0x66, 0x0f, 0x3a, 0x17, 0xc8, 0x06") TX(".byte 0x66, 0x48, 0x0f, 0x3a, 0x17, 0xc8, 0x06") \
    TX(".byte 0x66, 0x0f, 0x3a, 0x15, 0xc8, 0x0e") TX(".byte 0x66, 0x0f, 0x3a, 0x16, 0xc8, 0x07") \
    TX(".byte 0x66, 0x0f, 0x3a, 0x21, 0xc1, 0xff") TX(".byte 0x66, 0x0f, 0x3a, 0x22, 0xc1, 0x07") \
    TX(".byte 0x66, 0x0f, 0xc4, 0xc1, 0xff") TX(".byte 0x0f, 0xc4, 0xc1, 0xff") TX(".byte 0x0f, 0xc5, 0xc1, 0xff") \
    TX(".byte 0x66, 0x0f, 0x3a, 0x42, 0xc1, 0xf8") TX(".byte 0x0f, 0xc2, 0xc1, 0xfd") TX(".byte 0x66, 0x0f, 0xc6, 0xc1, 0xfe") \
    TX(".byte 0x66, 0x0f, 0x3a, 0x08, 0xc1, 0xf3") TX(".byte 0x66, 0x0f, 0x3a, 0x0a, 0xc1, 0xf9") \
    /* REX bits on MMX operands are ignored; on XMM/GPR operands they extend */                     \
    TX(".byte 0x41, 0x0f, 0xfc, 0xc1") TX(".byte 0x44, 0x0f, 0xfc, 0xc1") TX(".byte 0x45, 0x0f, 0x6f, 0xca") \
    TX(".byte 0xf3, 0x44, 0x0f, 0xd6, 0xc1") TX(".byte 0xf2, 0x41, 0x0f, 0xd6, 0xc1")              \
    TX(".byte 0x44, 0x0f, 0xc5, 0xc1, 0x01") TX(".byte 0x41, 0x0f, 0x6e, 0xc0") TX(".byte 0x49, 0x0f, 0x7e, 0xc9") \
    TX(".byte 0x45, 0x0f, 0x2a, 0xc1") TX(".byte 0x41, 0x0f, 0x2d, 0xc1") TX(".byte 0x45, 0x0f, 0xd7, 0xc1") \
    TX(".byte 0x45, 0x0f, 0xf7, 0xc1") TX(".byte 0x66, 0x45, 0x0f, 0xf7, 0xc1")                     \
    /* remaining catalogue entries */                                                              \
    TX("movupd %xmm1, 3(%rsi)") TX("movlpd %xmm1, 8(%rsi)") TX("movhpd 8(%rsi), %xmm0") \
    TX("movapd %xmm1, 16(%rsi)") TX("movntpd %xmm1, 16(%rsi)") TX("andpd %xmm1, %xmm0") \
    TX("andnps %xmm1, %xmm0") TX("orpd %xmm1, %xmm0") TX("xorps %xmm1, %xmm0") \
    TX("punpcklwd %mm1, %mm0") TX("punpckldq %xmm1, %xmm0") TX("pcmpgtb %mm1, %mm0") \
    TX("pcmpgtw %xmm1, %xmm0") TX("pcmpgtd %mm1, %mm0") TX("punpckhwd %xmm1, %xmm0") \
    TX("punpckhdq %mm1, %mm0") TX("psllw $9, %mm2") TX("psrld $63, %mm2") TX("psrad $15, %xmm3") \
    TX("pslld $1, %mm2") TX("psrlq $33, %mm2") TX("psllq $1, %xmm3") TX("pcmpeqb %mm1, %mm0") \
    TX("pcmpeqw %xmm1, %xmm0") TX("pcmpeqd %mm1, %mm0") TX("psrld %mm1, %mm0") \
    TX("psrlq %mm1, %mm0") TX("pmullw %mm1, %mm0") TX("psubusb %mm1, %mm0") \
    TX("psubusw %mm1, %mm0") TX("pminub %mm1, %mm0") TX("pand %mm1, %mm0") \
    TX("paddusb %mm1, %mm0") TX("paddusw %xmm1, %xmm0") TX("pmaxub %xmm1, %xmm0") \
    TX("pandn %xmm1, %xmm0") TX("pavgb %mm1, %mm0") TX("psraw %mm1, %mm0") \
    TX("pavgw %xmm1, %xmm0") TX("pmulhuw %mm1, %mm0") TX("psubsb %mm1, %mm0") \
    TX("psubsw %xmm1, %xmm0") TX("pminsw %xmm1, %xmm0") TX("por %mm1, %mm0") \
    TX("paddsw %mm1, %mm0") TX("pmaxsw %mm1, %mm0") TX("pxor %mm1, %mm0") TX("psllw %mm1, %mm0") \
    TX("pslld %xmm1, %xmm0") TX("psllq %mm1, %mm0") TX("psubb %xmm1, %xmm0") \
    TX("psubw %mm1, %mm0") TX("psubd %mm1, %mm0") TX("paddw %mm1, %mm0") TX("paddd %xmm1, %xmm0") \
    TX("phaddsw %mm1, %mm0") TX("phsubw %mm1, %mm0") TX("phsubd %xmm1, %xmm0") \
    TX("psignb %mm1, %mm0") TX("psignw %xmm1, %xmm0") TX("psignd %mm1, %mm0") \
    TX("pabsb %mm1, %mm0") TX("pabsw %xmm1, %xmm0") TX("pabsd %mm1, %mm0") \
    /* EMMS last */                                                                                \
    TX("emms")

/* Each instruction is emitted in .text as "insn; ret"; a table of (start, end) addresses goes to
 * a dedicated section. */
#define TX(text)                                                                                    \
    ".pushsection .text\n"                                                                         \
    "88:\n " text "\n 89:\n ret\n"                                                                 \
    ".popsection\n"                                                                                \
    ".pushsection .data.ssetests, \"aw\"\n .quad 88b, 89b, 87f\n .popsection\n"                    \
    ".pushsection .rodata\n 87: .asciz \"" text "\"\n .popsection\n"
__asm__(".pushsection .data.ssetests, \"aw\"\n .globl sse_tests_begin\n sse_tests_begin:\n .popsection\n"
        TESTS(TX)
        ".pushsection .data.ssetests, \"aw\"\n .globl sse_tests_end\n sse_tests_end:\n .popsection\n");
#undef TX
struct test { const uint8_t *begin, *end; const char *text; };
extern const struct test sse_tests_begin[], sse_tests_end[];

/* ---- handler table for the SSE catalogue entries ---- */
static struct op_handlers handlers[OP_COUNT];
static void init_handlers(void)
{
#define OP(ID, MNEM, MAP, OPC, PFX, EXT, FORM, IMM, ATTR, FEAT, ICPT, FN_M, FN_R)                  \
    handlers[OP_##ID] = (struct op_handlers){op_##FN_M, op_##FN_R};
#include "cpu/decode/opcodes_sse.def"
#undef OP
}

/* ---- random states ---- */
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static const uint32_t f32_special[] = {
    0, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000,
    0x7f800001, 0x7fa00000, 0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff, 0xff7fffff,
    0x4f000000, 0xcf000000, 0x5f000000, 0xdf000000, 0x3f000000, 0x3fc00000, 0x40200000,
    0xc0200000, 0x4effffff, 0x3effffff, 0x1f800000, 0x60000000,
};
static const uint64_t f64_special[] = {
    0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull, 0xfff8000000000000ull,
    0x7ff0000000000001ull, 0x7ff4000000000000ull, 1, 0x800fffffffffffffull, 0x0010000000000000ull,
    0x7fefffffffffffffull, 0x41e0000000000000ull, 0xc1e0000000000000ull, 0x43e0000000000000ull,
    0xc3e0000000000000ull, 0x3fe0000000000000ull, 0x3ff8000000000000ull, 0x4004000000000000ull,
    0xc004000000000000ull, 0x41dfffffffc00000ull, 0x3fdfffffffffffffull, 0x2000000000000000ull,
    0x47efffffe0000000ull, 0x3690000000000000ull,
};
static uint32_t rnd_f32(void)
{
    switch (rnd() % 4) {
    case 0: return f32_special[rnd() % ARRAY_SIZE(f32_special)];
    case 1: return (uint32_t)rnd();
    default: /* moderate magnitudes */
        return (uint32_t)((rnd() & 0x807fffff) | ((uint32_t)(100 + rnd() % 56) << 23));
    }
}
static uint64_t rnd_f64(void)
{
    switch (rnd() % 4) {
    case 0: return f64_special[rnd() % ARRAY_SIZE(f64_special)];
    case 1: return rnd();
    default: return (rnd() & 0x800fffffffffffffull) | ((uint64_t)(1000 + rnd() % 47) << 52);
    }
}
/* kind: 0 random bits, 1 short strings from a small alphabet with NULs, 2 f32 lanes, 3 f64 lanes,
 * 4 small integers (shift counts, lengths) */
static void fill(void *p, size_t len, unsigned kind)
{
    uint8_t *b = p;
    for (size_t k = 0; k < len; k += 8) {
        uint64_t v;
        switch (kind) {
        case 0: v = rnd(); break;
        case 1:
            v = 0;
            for (int j = 0; j < 8; j++) {
                unsigned r = (unsigned)(rnd() % 16);
                uint64_t ch = r == 0 ? 0 : r < 6 ? 'a' + r % 4 : r < 8 ? 0xff : 'a' + rnd() % 26;
                v |= ch << (8 * j);
            }
            break;
        case 2: v = rnd_f32() | (uint64_t)rnd_f32() << 32; break;
        case 3: v = rnd_f64(); break;
        default: v = rnd() % 72; break;
        }
        memcpy(b + k, &v, len - k < 8 ? len - k : 8);
    }
}

static uint8_t membuf[64] __attribute__((aligned(64)));
static uint8_t membuf2[64] __attribute__((aligned(64)));

static void random_state(struct state *s)
{
    unsigned kind = (unsigned)(rnd() % 5);
    memset(s, 0, sizeof *s);
    fill(s->x, sizeof s->x, kind);
    fill(s->mm, sizeof s->mm, kind);
    fill(membuf, sizeof membuf, kind);
    fill(membuf2, sizeof membuf2, 0);
    for (int k = 0; k < 16; k++) s->g[k] = rnd();
    if (rnd() % 2) { /* explicit string lengths */
        s->g[0] = (uint64_t)(int64_t)((int)(rnd() % 41) - 20);
        s->g[2] = (uint64_t)(int64_t)((int)(rnd() % 41) - 20);
        if (rnd() % 8 == 0) s->g[0] = 0x80000000u;
    }
    s->g[6] = (uintptr_t)membuf;
    s->g[7] = (uintptr_t)membuf2;
    s->g[3] = (rnd() & 0x3fffffffffffffffull) | (1ull << 62); /* RBX: a non-canonical address */
    if (rnd() % 4 == 0) s->g[7] = s->g[3]; /* MASKMOVQ to a non-canonical address */
    s->flags = 0x202 | (rnd() & FL_ARITH);
    s->mxcsr = 0x1f80 | (uint32_t)(rnd() & 0x6000) | ((rnd() % 4 == 0) ? 0x8040 : 0);
    if (rnd() % 4 == 0) s->mxcsr &= ~(uint32_t)(rnd() & 0x1f80); /* some exceptions unmasked */
    if (rnd() % 2) s->mxcsr |= (uint32_t)(rnd() & 0x3f);
    if (kind == 4) memset(membuf, 0, 8), membuf[0] = 0x80, membuf[1] = 0x1f; /* valid LDMXCSR */
    memcpy(&s->g[6], &(uint64_t){(uintptr_t)membuf}, 8);
}

/* ---- the emulator side ---- */
static struct cpu *cpu;
static struct decode_ctx dctx;

static void cpu_init(void)
{
    cpu = aligned_alloc(64, (sizeof *cpu + 63) & ~(size_t)63);
    memset(cpu, 0, sizeof *cpu);
    cpu->tlb = &cpu->tlb_host;
    memset(cpu->tlb, 0xff, sizeof *cpu->tlb); /* every access takes the slow path */
    cpu->tlb_cls = cpu->tlb->e[0];
    for (int s = 0; s < 6; s++) {
        cpu->seg[s].lo = 0;
        cpu->seg[s].hi = ~0ull;
        cpu->seg[s].ok = SEG_OK_R | SEG_OK_W;
    }
    cpu->lin_mask = ~0ull;
    cpu->mode64 = 1;
    cpu->cr0 = CR0_PE | CR0_PG | CR0_NE;
    cpu->cr4 = CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_PAE;
    dctx.flags = CTX_MODE64;
    dctx.features = ~0ull;
    dctx.handlers = handlers;
    dctx.fn_ud = dctx.fn_nm = dctx.fn_gp = op_ud;
}

/* Runs the bytes through decoder + handler from state s; returns the vector raised or -1. */
static int run_emu(struct state *s, const uint8_t *code, size_t len, struct insn *in)
{
    if (decode_insn(&dctx, code, len, in) == DEC_NEED_MORE) return -2;
    for (int k = 0; k < 16; k++) cpu->xmm[k] = s->x[k];
    for (int k = 0; k < 8; k++) {
        cpu->fpu.st[k].sig = s->mm[k];
        cpu->fpu.st[k].se = 0xffff;
    }
    cpu->fpu.fsw = 0x3800; /* TOP = 7, all empty, as run_native sets up */
    cpu->fpu.ftw = 0xffff;
    for (int k = 0; k < 16; k++) cpu->gpr[k] = s->g[k];
    cpu->gpr[REG_RIP] = 0x1000 + in->len;
    cpu->gpr[REG_NONE] = 0;
    cpu->mxcsr = s->mxcsr;
    set_arith_flags(cpu, (uint32_t)s->flags);
    test_vec = -1;
    struct insn prog[2] = {*in}; /* the instruction and an end marker (cpu_next_insn) */
    cpu_insn_end_marker(&prog[1]);
    if (!setjmp(test_jb)) prog[0].fn(cpu, &prog[0]);
    for (int k = 0; k < 16; k++) s->x[k] = cpu->xmm[k];
    for (int k = 0; k < 8; k++) s->mm[k] = cpu->fpu.st[k].sig;
    for (int k = 0; k < 16; k++) s->g[k] = cpu->gpr[k];
    s->mxcsr = cpu->mxcsr;
    s->flags = (s->flags & ~(uint64_t)FL_ARITH) | (cpu->cc_op == CC_EFLAGS ? cpu->cc_src : 0xdead);
    return test_vec;
}

static int failures, checks, faults, test_failures;
static bool covered[OP_COUNT];
/* Counts a failure; true when it should be printed (the first 3 of each test form). */
static bool report(void)
{
    failures++;
    return ++test_failures <= 3;
}

/* Which of the 8 tags say "empty" (FNSTENV classifies non-empty registers further). */
static unsigned empty_mask(uint16_t ftw)
{
    unsigned m = 0;
    for (int k = 0; k < 8; k++)
        if (((ftw >> (2 * k)) & 3) == 3) m |= 1u << k;
    return m;
}

static void diff_state(const char *text, const struct state *init, const struct state *n,
                       const struct state *e, const uint8_t *nmem, const uint8_t *emem)
{
    bool bad = false;
    char buf[4096];
    int p = 0;
    for (int k = 0; k < 16; k++)
        if (memcmp(&n->x[k], &e->x[k], 16)) {
            bad = true;
            p += snprintf(buf + p, sizeof buf - p, "  xmm%d: init %016llx%016llx native %016llx%016llx emu %016llx%016llx\n", k,
                          (unsigned long long)init->x[k].q[1], (unsigned long long)init->x[k].q[0],
                          (unsigned long long)n->x[k].q[1], (unsigned long long)n->x[k].q[0],
                          (unsigned long long)e->x[k].q[1], (unsigned long long)e->x[k].q[0]);
        }
    for (int k = 0; k < 8; k++)
        if (n->mm[k] != e->mm[k]) {
            bad = true;
            p += snprintf(buf + p, sizeof buf - p, "  mm%d: init %016llx native %016llx emu %016llx\n", k,
                          (unsigned long long)init->mm[k], (unsigned long long)n->mm[k], (unsigned long long)e->mm[k]);
        }
    static const int gl[] = {0, 1, 2, 3, 6, 7, 8, 9};
    for (unsigned k = 0; k < ARRAY_SIZE(gl); k++)
        if (n->g[gl[k]] != e->g[gl[k]]) {
            bad = true;
            p += snprintf(buf + p, sizeof buf - p, "  gpr%d: init %016llx native %016llx emu %016llx\n", gl[k],
                          (unsigned long long)init->g[gl[k]], (unsigned long long)n->g[gl[k]], (unsigned long long)e->g[gl[k]]);
        }
    if ((n->flags & FL_ARITH) != (e->flags & FL_ARITH)) {
        bad = true;
        p += snprintf(buf + p, sizeof buf - p, "  flags: native %03llx emu %03llx\n",
                      (unsigned long long)(n->flags & FL_ARITH), (unsigned long long)(e->flags & FL_ARITH));
    }
    if (n->mxcsr != e->mxcsr) {
        bad = true;
        p += snprintf(buf + p, sizeof buf - p, "  mxcsr: init %04x native %04x emu %04x\n", init->mxcsr, n->mxcsr, e->mxcsr);
    }
    if (memcmp(nmem, emem, 128)) {
        bad = true;
        p += snprintf(buf + p, sizeof buf - p, "  memory differs\n");
    }
    checks++;
    if (bad && report()) printf("FAIL %s\n%s", text, buf);
}

static void differential(unsigned iters)
{
    for (const struct test *t = sse_tests_begin; t < sse_tests_end; t++) {
        test_failures = 0;
        for (unsigned it = 0; it < iters; it++) {
            struct state init, n, e;
            uint8_t mem0[128], nmem[128], emem[128];
            random_state(&init);
            if (!strncmp(t->text, "ldmxcsr", 7)) { /* a valid value with all exceptions masked */
                uint32_t m = 0x1f80 | (uint32_t)(rnd() & 0xe07f);
                memcpy(membuf, &m, 4);
            }
            memcpy(mem0, membuf, 64);
            memcpy(mem0 + 64, membuf2, 64);
            n = init;
            int nv = run_native_v(&n, t->begin);
            memcpy(nmem, membuf, 64);
            memcpy(nmem + 64, membuf2, 64);
            memcpy(membuf, mem0, 64);
            memcpy(membuf2, mem0 + 64, 64);
            e = init;
            struct insn in;
            int v = run_emu(&e, t->begin, (size_t)(t->end - t->begin), &in);
            memcpy(emem, membuf, 64);
            memcpy(emem + 64, membuf2, 64);
            if (v != nv) {
                if (report()) printf("FAIL %s: emulator raised %d, native %d (mxcsr %04x)\n", t->text, v, nv, init.mxcsr);
                continue;
            }
            faults += v != -1;
            if (v == -2) continue;
            if (in.op < OP_COUNT) covered[in.op] = true;
            if (in.op == OP_INVALID) {
                checks++;
                continue;
            }
            if (in.len != t->end - t->begin) {
                if (report()) printf("FAIL %s: length %u\n", t->text, in.len);
                break;
            }
            diff_state(t->text, &init, &n, &e, nmem, emem);
            uint16_t nfsw, nftw;
            memcpy(&nfsw, n.env + 4, 2);
            memcpy(&nftw, n.env + 8, 2);
            if ((nfsw & FSW_TOP) != (cpu->fpu.fsw & FSW_TOP) || empty_mask(nftw) != empty_mask(cpu->fpu.ftw)) {
                if (report())
                    printf("FAIL %s: x87 TOP/tags: native fsw %04x ftw %04x, emu fsw %04x ftw %04x (fault %d)\n", t->text,
                           nfsw, nftw, cpu->fpu.fsw, cpu->fpu.ftw, v);
            }
        }
        if (test_failures) printf("  -> %s: %d failures\n", t->text, test_failures);
    }
}

/* ---- emulator-only checks: faults leave state unchanged ---- */
#define CODE(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})
static void expect_fault(const char *what, const uint8_t *code, size_t len, uint64_t rsi,
                         uint32_t mxcsr, int vec)
{
    struct state s, before;
    struct insn in;
    random_state(&s);
    s.g[6] = rsi;
    s.mxcsr = mxcsr;
    before = s;
    int v = run_emu(&s, code, len, &in);
    checks++;
    if (v != vec || (vec != -1 && (memcmp(s.x, before.x, sizeof s.x) || memcmp(s.mm, before.mm, sizeof s.mm)))) {
        if (report()) printf("FAIL %s: vector %d (want %d) or state changed\n", what, v, vec);
    }
}
static void fault_checks(void)
{
    uintptr_t mis = (uintptr_t)membuf + 4;
    /* movaps 4(%rsi) -> #GP(0) misaligned; movups fine; paddb m128 misaligned -> #GP */
    expect_fault("movaps misaligned", CODE(0x0f, 0x28, 0x06), mis, 0x1f80, EXC_GP);
    expect_fault("paddb misaligned", CODE(0x66, 0x0f, 0xfc, 0x06), mis, 0x1f80, EXC_GP);
    expect_fault("movdqa store misaligned", CODE(0x66, 0x0f, 0x7f, 0x06), mis, 0x1f80, EXC_GP);
    expect_fault("movups misaligned ok", CODE(0x0f, 0x10, 0x06), mis, 0x1f80, -1);
    expect_fault("addss misaligned ok", CODE(0xf3, 0x0f, 0x58, 0x06), mis, 0x1f80, -1);
    /* divps xmm1, xmm0 with ZE unmasked and a zero divisor: #XM, xmm0 unchanged */
    struct state s;
    struct insn in;
    random_state(&s);
    s.x[1].q[0] = s.x[1].q[1] = 0;
    s.x[0].q[0] = s.x[0].q[1] = 0x3f8000003f800000ull;
    s.mxcsr = 0x1f80 & ~0x0200u;
    union xmm x0 = s.x[0];
    int v = run_emu(&s, CODE(0x0f, 0x5e, 0xc1), &in);
    checks++;
    if (v != EXC_XM || memcmp(&s.x[0], &x0, 16) || !(s.mxcsr & 4))
        if (report()) printf("FAIL divps unmasked ZE: vector %d mxcsr %x\n", v, s.mxcsr);
    /* same with CR4.OSXMMEXCPT clear: #UD */
    cpu->cr4 &= ~CR4_OSXMMEXCPT;
    random_state(&s);
    s.x[1].q[0] = s.x[1].q[1] = 0;
    s.mxcsr = 0x1f80 & ~0x0200u;
    v = run_emu(&s, CODE(0x0f, 0x5e, 0xc1), &in);
    cpu->cr4 |= CR4_OSXMMEXCPT;
    checks++;
    if (v != EXC_UD)
        if (report()) printf("FAIL divps unmasked ZE without OSXMMEXCPT: vector %d\n", v);
    /* ldmxcsr with reserved bits: #GP(0) */
    uint32_t bad = 0x10000 | 0x1f80;
    random_state(&s);
    s.g[6] = (uintptr_t)&bad;
    v = run_emu(&s, CODE(0x0f, 0xae, 0x16), &in);
    checks++;
    if (v != EXC_GP)
        if (report()) printf("FAIL ldmxcsr reserved: vector %d\n", v);
    /* MMX op with a pending x87 exception: #MF */
    random_state(&s);
    if (decode_insn(&dctx, CODE(0x0f, 0xfc, 0xc1), &in) != DEC_OK) return;
    for (int k = 0; k < 8; k++) cpu->fpu.st[k].sig = s.mm[k];
    cpu->fpu.fsw = 0x0081;
    test_vec = -1;
    if (!setjmp(test_jb)) in.fn(cpu, &in);
    checks++;
    if (test_vec != EXC_MF)
        if (report()) printf("FAIL paddb mm with FSW.ES: vector %d\n", test_vec);
    cpu->fpu.fsw = 0;
    /* MMX write sets the exponent field to all ones */
    random_state(&s);
    run_emu(&s, CODE(0x0f, 0xfc, 0xc1), &in);
    checks++;
    if (cpu->fpu.st[0].se != 0xffff)
        if (report()) printf("FAIL mm write: se %04x\n", cpu->fpu.st[0].se);
}

int main(int argc, char **argv)
{
    unsigned iters = argc > 1 ? (unsigned)atoi(argv[1]) : 200;
    if (argc > 2) rng ^= strtoull(argv[2], NULL, 0) * 0x2545f4914f6cdd1dull; /* seed */
    init_handlers();
    native_init();
    cpu_init();
    unsigned n = (unsigned)(sse_tests_end - sse_tests_begin);
    differential(iters);
    fault_checks();
    printf("catalogue entries not exercised:");
#define OP(ID, MNEM, MAP, OPC, PFX, EXT, FORM, IMM, ATTR, FEAT, ICPT, FN_M, FN_R)                  \
    if (!covered[OP_##ID]) printf(" %s", #ID);
#include "cpu/decode/opcodes_sse.def"
#undef OP
    printf("\n");
    printf("%u instruction forms x %u states; %d checks (%d faulting), %d failures\n", n, iters, checks, faults, failures);
    return failures != 0;
}
