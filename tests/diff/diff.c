/* Host-differential test: every user-mode integer, x87, MMX and SSE instruction form in the opcode
 * catalogue is executed natively on this x86-64 host and in turtles from the same random state;
 * GPRs, RIP, flags (undefined ones masked per instruction), x87/MMX/SSE state, the scratch data and
 * stack pages and the fault vector (with error code and CR2 for #PF) are compared.
 *
 * Native side: one process; a code page at CODE holds a trampoline that loads the state block
 * (FXRSTOR64, POPFQ, GPRs), runs the instruction under test, stores everything back (absolute
 * addressing only, so any register may be clobbered) and returns. Faults arrive as signals on an
 * alternate stack; the handler copies the interrupted context (ucontext GPRs, trap number, error
 * code, CR2, FXSAVE image) and siglongjmps back.
 *
 * Emulator side: the turtles libraries with a CPU in 64-bit mode at CPL 3, 4-level paging mapping
 * the same code/data/stack pages at the same virtual addresses, a GDT, a TSS with RSP0 and an IDT
 * whose gates point to distinct HLT stubs: after a fault the vector is where RIP stopped and the
 * interrupted RIP/RSP/RFLAGS are in the frame on the kernel stack.
 *
 * Forms come from the catalogue (cpu/decode/opcodes.def) so coverage grows with it; each generated
 * encoding is decoded by the turtles decoder and kept only when it decodes to the intended form.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

/* glibc's ucontext register indices (sys/ucontext.h); its REG_RIP macro clashes with insn.h */
enum {
    G_R8, G_R9, G_R10, G_R11, G_R12, G_R13, G_R14, G_R15, G_RDI, G_RSI, G_RBP, G_RBX, G_RDX, G_RAX,
    G_RCX, G_RSP, G_RIP, G_EFL, G_CSGSFS, G_ERR, G_TRAPNO, G_OLDMASK, G_CR2
};
#undef REG_RIP

#include "cpu/cpu_priv.h"
#include "cpu/cpumodel.h"
#include "cpu/icache.h"
#include "cpu/x87/x87.h"
#include "devices/bus.h"
#include "mmu/memmap.h"

/* ------------------------------------------------------------------ layout (both sides) -- */
#define DATA 0x10000000ull  /* scratch data page; the pages before and after are unmapped */
#define CODE 0x20000000ull  /* trampoline (native) / instruction (guest) */
#define STACK 0x30000000ull /* scratch stack page */
#define STATE 0x21000000ull /* native-only state block */
#define RSP_INIT (STACK + 0x800)
#define PAGE 4096

/* guest-physical layout */
#define G_PML4 0x1000
#define G_PDPT 0x2000
#define G_PD 0x3000
#define G_PT_DATA 0x4000
#define G_PT_CODE 0x5000
#define G_PT_STACK 0x6000
#define G_GDT 0x7000
#define G_IDT 0x8000
#define G_TSS 0x9000
#define G_STUBS 0xa000
#define G_KSTACK 0x10000
#define G_DATA 0x10000
#define G_CODE 0x11000
#define G_STACK 0x12000
#define G_RAM 0x200000
/* the system tables are reached through a supervisor 2 MiB page at KBASE (linear = KBASE + phys),
 * far from every address the tests generate */
#define KBASE 0x3e800000ull

/* ------------------------------------------------------------------ catalogue -- */
static const char *const op_id_name[OP_COUNT] = {
#define OP(ID, MNEM, MAP, OPC, PFX, EXT, FORM, IMM, ATTR, FEAT, ICPT, FN_M, FN_R) #ID,
#include "cpu/decode/opcodes.def"
#undef OP
};
static const char *const op_fn[OP_COUNT][2] = {
#define OP(ID, MNEM, MAP, OPC, PFX, EXT, FORM, IMM, ATTR, FEAT, ICPT, FN_M, FN_R) {#FN_M, #FN_R},
#include "cpu/decode/opcodes.def"
#undef OP
};

/* ------------------------------------------------------------------ random -- */
static uint64_t rng_s[2];
static uint64_t rnd(void)
{
    uint64_t s1 = rng_s[0];
    const uint64_t s0 = rng_s[1];
    rng_s[0] = s0;
    s1 ^= s1 << 23;
    rng_s[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
    return rng_s[1] + s0;
}
static void seed_rng(uint64_t s)
{
    rng_s[0] = s * 0x9e3779b97f4a7c15ull + 1;
    rng_s[1] = (s ^ 0xdeadbeefcafef00dull) * 0xbf58476d1ce4e5b9ull + 7;
    for (int k = 0; k < 16; k++) rnd();
}
static unsigned rn(unsigned n) { return (unsigned)(rnd() % n); }
static bool chance(unsigned pct) { return rn(100) < pct; }

static uint64_t rnd_int(void)
{
    static const uint64_t edge[] = {
        0, 1, 2, 3, 7, 8, 0xf, 0x10, 0x1f, 0x20, 0x3f, 0x40, 0x7f, 0x80, 0xff, 0x100, 0x7fff,
        0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
        0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull, ~0ull - 1, 0xffffffff80000000ull,
        0xffffffffffff8000ull, 0xffffffffffffff80ull, 0x0101010101010101ull, 0x8080808080808080ull,
        0x5555555555555555ull, 0xaaaaaaaaaaaaaaaaull,
    };
    switch (rn(8)) {
    case 0: case 1: return edge[rn(sizeof edge / sizeof edge[0])];
    case 2: return rn(70);
    case 3: return (uint64_t)-(int64_t)rn(70);
    case 4: return rnd() >> rn(64);
    case 5: return (uint64_t)((int64_t)rnd() >> rn(64));
    default: return rnd();
    }
}

static uint32_t rnd_f32(void)
{
    static const uint32_t e[] = {0, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000,
                                 0x7fc00000, 0xffc00000, 0x7f800001, 0x7fa00000, 0x00000001,
                                 0x007fffff, 0x00800000, 0x7f7fffff, 0x4f000000, 0xcf000000,
                                 0x5f000000, 0x3f000000, 0x40490fdb, 0x4b800000};
    switch (rn(4)) {
    case 0: return e[rn(sizeof e / sizeof e[0])];
    case 1: return (uint32_t)rnd();
    default: return (uint32_t)((rnd() & 0x807fffff) | ((uint64_t)(100 + rn(56)) << 23));
    }
}
static uint64_t rnd_f64(void)
{
    static const uint64_t e[] = {0, 0x8000000000000000ull, 0x3ff0000000000000ull,
                                 0xbff0000000000000ull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
                                 0x7ff8000000000000ull, 0xfff8000000000000ull, 0x7ff0000000000001ull,
                                 0x7ff4000000000000ull, 1, 0x000fffffffffffffull, 0x0010000000000000ull,
                                 0x7fefffffffffffffull, 0x43e0000000000000ull, 0xc3e0000000000000ull,
                                 0x41e0000000000000ull, 0xc1e0000000000000ull, 0x3fe0000000000000ull,
                                 0x400921fb54442d18ull, 0x4330000000000000ull};
    switch (rn(4)) {
    case 0: return e[rn(sizeof e / sizeof e[0])];
    case 1: return rnd();
    default: return (rnd() & 0x800fffffffffffffull) | ((uint64_t)(1000 + rn(48)) << 52);
    }
}
/* an 80-bit value: sig, se */
static void rnd_f80(uint64_t *sig, uint16_t *se)
{
    uint16_t s = (uint16_t)(rn(2) << 15);
    switch (rn(12)) {
    case 0: *sig = 0; *se = s; break;                                      /* zero */
    case 1: *sig = 1ull << 63; *se = s | 0x7fff; break;                    /* inf */
    case 2: *sig = 0xc000000000000000ull | (rnd() >> 2 & -(uint64_t)rn(2)); *se = s | 0x7fff; break; /* qnan */
    case 3: *sig = 0x8000000000000000ull | (rnd() >> 3 | 1); *se = s | 0x7fff; break; /* snan */
    case 4: *sig = rnd() >> 1; *se = s; break;                             /* denormal */
    case 5: *sig = rnd() | (1ull << 63); *se = s; break;                   /* pseudo-denormal */
    case 6: *sig = rnd() >> 1; *se = s | (uint16_t)(1 + rn(0x7ffe)); break; /* unnormal */
    case 7: *sig = (rnd() >> 1) | (rn(2) ? 0 : 1); *se = s | 0x7fff; break; /* pseudo-nan/inf */
    case 8: { /* small integer */
        uint64_t v = rn(100000) + 1;
        int lz = __builtin_clzll(v);
        *sig = v << lz;
        *se = s | (uint16_t)(16383 + 63 - lz);
        break;
    }
    case 9: *sig = rnd() | (1ull << 63); *se = s | (uint16_t)(16383 + 50 + rn(30)); break; /* near 2^63 */
    default: *sig = rnd() | (1ull << 63); *se = s | (uint16_t)(16383 - 70 + rn(140)); break;
    }
}

/* ------------------------------------------------------------------ state -- */
struct fxarea {
    uint16_t fcw, fsw;
    uint8_t ftw, r0;
    uint16_t fop;
    uint64_t fip, fdp;
    uint32_t mxcsr, mxcsr_mask;
    struct { uint64_t sig; uint16_t se; uint16_t pad[3]; } st[8];
    union xmm xmm[16];
    uint8_t rest[96];
};
_Static_assert(sizeof(struct fxarea) == 512, "fxsave area");

/* The native state block at STATE (fixed layout: the trampoline uses absolute addresses). */
struct nstate {
    uint64_t in_gpr[16];   /* 0x000 */
    uint64_t in_rflags;    /* 0x080 */
    uint64_t host_rsp;     /* 0x088 */
    uint64_t out_gpr[16];  /* 0x090 */
    uint64_t out_rflags;   /* 0x110 */
    uint64_t pad[29];      /* up to 0x200 */
    struct fxarea in_fx;   /* 0x200 */
    struct fxarea out_fx;  /* 0x400 */
    struct fxarea host_fx; /* 0x600 */
};
#define OFF_IN_GPR 0x000
#define OFF_IN_RFLAGS 0x080
#define OFF_HOST_RSP 0x088
#define OFF_OUT_GPR 0x090
#define OFF_OUT_RFLAGS 0x110
#define OFF_IN_FX 0x200
#define OFF_OUT_FX 0x400
#define OFF_HOST_FX 0x600
_Static_assert(__builtin_offsetof(struct nstate, out_rflags) == OFF_OUT_RFLAGS, "layout");
_Static_assert(__builtin_offsetof(struct nstate, in_fx) == OFF_IN_FX, "layout");
_Static_assert(__builtin_offsetof(struct nstate, host_fx) == OFF_HOST_FX, "layout");

/* A complete test input or result. */
struct xstate {
    uint64_t gpr[16];
    uint64_t rip, rflags;
    struct fxarea fx;
    int vec;          /* -1: completed */
    uint32_t err;
    uint64_t cr2;
    uint8_t data[PAGE], stack[PAGE];
};

/* ------------------------------------------------------------------ native side -- */
static struct nstate *ns;
static uint8_t *n_code, *n_data, *n_stack;
static unsigned insn_off; /* offset of the instruction under test in the code page */
static sigjmp_buf n_jb;
static volatile int n_sig_vec;
static volatile uint32_t n_sig_err;
static volatile uint64_t n_sig_cr2;
static struct xstate *n_fault_out;

static void emit(uint8_t **p, const void *b, size_t n)
{
    memcpy(*p, b, n);
    *p += n;
}
static void emit_b(uint8_t **p, uint8_t b) { *(*p)++ = b; }
static void emit_d(uint8_t **p, uint32_t d) { emit(p, &d, 4); }
/* mov [abs32], r64 */
static void st_abs(uint8_t **p, unsigned r, uint32_t a)
{
    emit_b(p, (uint8_t)(0x48 | (r >= 8 ? 4 : 0)));
    emit_b(p, 0x89);
    emit_b(p, (uint8_t)(((r & 7) << 3) | 4));
    emit_b(p, 0x25);
    emit_d(p, a);
}
/* mov r64, [abs32] */
static void ld_abs(uint8_t **p, unsigned r, uint32_t a)
{
    emit_b(p, (uint8_t)(0x48 | (r >= 8 ? 4 : 0)));
    emit_b(p, 0x8b);
    emit_b(p, (uint8_t)(((r & 7) << 3) | 4));
    emit_b(p, 0x25);
    emit_d(p, a);
}
/* fxsave64/fxrstor64 [abs32] (digit 0/1) */
static void fx_abs(uint8_t **p, unsigned digit, uint32_t a)
{
    static const uint8_t b[] = {0x48, 0x0f, 0xae};
    emit(p, b, 3);
    emit_b(p, (uint8_t)((digit << 3) | 4));
    emit_b(p, 0x25);
    emit_d(p, a);
}
static void mov_rsp_imm(uint8_t **p, uint64_t v)
{
    emit_b(p, 0x48);
    emit_b(p, 0xbc);
    emit(p, &v, 8);
}

static uint8_t *epilogue_at;
static void build_prologue(void)
{
    uint8_t *p = n_code;
    static const uint8_t save[] = {0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57};
    emit(&p, save, sizeof save); /* push rbx rbp r12 r13 r14 r15 */
    st_abs(&p, 4, (uint32_t)(STATE + OFF_HOST_RSP));
    fx_abs(&p, 0, (uint32_t)(STATE + OFF_HOST_FX));
    fx_abs(&p, 1, (uint32_t)(STATE + OFF_IN_FX));
    mov_rsp_imm(&p, STATE + OFF_IN_RFLAGS);
    emit_b(&p, 0x9d); /* popfq */
    mov_rsp_imm(&p, STATE + OFF_IN_GPR);
    for (unsigned r = 0; r < 16; r++) {
        if (r == 4) {
            static const uint8_t lea[] = {0x48, 0x8d, 0x64, 0x24, 0x08};
            emit(&p, lea, sizeof lea);
            continue;
        }
        if (r >= 8) emit_b(&p, 0x41);
        emit_b(&p, (uint8_t)(0x58 + (r & 7)));
    }
    ld_abs(&p, 4, (uint32_t)(STATE + OFF_IN_GPR + 8 * 4));
    insn_off = (unsigned)(p - n_code);
}

/* Writes the instruction and the epilogue after it. */
static void native_place(const uint8_t *insn, unsigned len)
{
    uint8_t *p = n_code + insn_off;
    emit(&p, insn, len);
    epilogue_at = p;
    for (unsigned r = 0; r < 16; r++) st_abs(&p, r, (uint32_t)(STATE + OFF_OUT_GPR + 8 * r));
    mov_rsp_imm(&p, STATE + OFF_OUT_RFLAGS + 8);
    emit_b(&p, 0x9c); /* pushfq */
    emit_b(&p, 0xfc); /* cld */
    fx_abs(&p, 0, (uint32_t)(STATE + OFF_OUT_FX));
    fx_abs(&p, 1, (uint32_t)(STATE + OFF_HOST_FX));
    ld_abs(&p, 4, (uint32_t)(STATE + OFF_HOST_RSP));
    static const uint8_t rest[] = {0x41, 0x5f, 0x41, 0x5e, 0x41, 0x5d, 0x41, 0x5c, 0x5d, 0x5b, 0xc3};
    emit(&p, rest, sizeof rest);
}

static const int greg_of[16] = {G_RAX, G_RCX, G_RDX, G_RBX, G_RSP, G_RBP, G_RSI, G_RDI,
                                G_R8,  G_R9,  G_R10, G_R11, G_R12, G_R13, G_R14, G_R15};

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    uint64_t rip = (uint64_t)uc->uc_mcontext.gregs[G_RIP];
    if (rip < CODE + insn_off || rip >= (uint64_t)(uintptr_t)epilogue_at) {
        /* not the instruction under test: a real crash */
        static const char m[] = "diff: host fault outside the instruction under test\n";
        if (write(2, m, sizeof m - 1) < 0) { /* nothing */ }
        signal(sig, SIG_DFL);
        return;
    }
    struct xstate *o = n_fault_out;
    for (unsigned r = 0; r < 16; r++) o->gpr[r] = (uint64_t)uc->uc_mcontext.gregs[greg_of[r]];
    o->rip = rip;
    o->rflags = (uint64_t)uc->uc_mcontext.gregs[G_EFL];
    memcpy(&o->fx, uc->uc_mcontext.fpregs, sizeof o->fx);
    n_sig_vec = (int)uc->uc_mcontext.gregs[G_TRAPNO];
    n_sig_err = (uint32_t)uc->uc_mcontext.gregs[G_ERR];
    n_sig_cr2 = (uint64_t)uc->uc_mcontext.gregs[G_CR2];
    (void)si;
    siglongjmp(n_jb, 1);
}

static void native_init(void)
{
    void *m;
    m = mmap((void *)STATE, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (m != (void *)STATE) { perror("mmap state"); exit(2); }
    ns = m;
    m = mmap((void *)CODE, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (m != (void *)CODE) { perror("mmap code"); exit(2); }
    n_code = m;
    m = mmap((void *)DATA, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (m != (void *)DATA) { perror("mmap data"); exit(2); }
    n_data = m;
    m = mmap((void *)STACK, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (m != (void *)STACK) { perror("mmap stack"); exit(2); }
    n_stack = m;
    /* the neighbours of the data page must be unmapped (guard pages) */
    for (uint64_t g = DATA - PAGE; g <= DATA + PAGE; g += 2 * PAGE) {
        void *t = mmap((void *)g, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        if (t != (void *)g) { fprintf(stderr, "diff: guard page %llx in use\n", (unsigned long long)g); exit(2); }
        munmap(t, PAGE);
    }
    build_prologue();

    static uint8_t altstack[65536];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGTRAP, &sa, NULL);
}

/* Runs in (state + bytes) natively; fills out. */
static void native_run(const struct xstate *in, const uint8_t *insn, unsigned len, struct xstate *out)
{
    native_place(insn, len);
    memcpy(ns->in_gpr, in->gpr, sizeof ns->in_gpr);
    ns->in_rflags = in->rflags;
    ns->in_fx = in->fx;
    memcpy(n_data, in->data, PAGE);
    memcpy(n_stack, in->stack, PAGE);
    n_fault_out = out;
    if (sigsetjmp(n_jb, 0) == 0) {
        ((void (*)(void))(uintptr_t)CODE)();
        memcpy(out->gpr, ns->out_gpr, sizeof out->gpr);
        out->rip = CODE + insn_off + len;
        out->rflags = ns->out_rflags;
        out->fx = ns->out_fx;
        out->vec = -1;
        out->err = 0;
        out->cr2 = 0;
    } else {
        out->vec = n_sig_vec;
        out->err = n_sig_err;
        out->cr2 = n_sig_cr2;
    }
    memcpy(out->data, n_data, PAGE);
    memcpy(out->stack, n_stack, PAGE);
}

/* ------------------------------------------------------------------ emulator side -- */
static struct cpu *ec;
static struct memmap *emem;
static uint8_t *gram;

static void w64(uint64_t pa, uint64_t v) { memcpy(gram + pa, &v, 8); }

static void emu_user_segs(struct cpu *c)
{
    const uint32_t dpl3 = 3u << AR_DPL_SHIFT;
    seg_set_cache(c, &c->seg[SEG_CS], SEG_CS, 0x33, 0, 0xffffffff, 0xb | AR_S | dpl3 | AR_P | AR_L | AR_G);
    seg_set_cache(c, &c->seg[SEG_SS], SEG_SS, 0x2b, 0, 0xffffffff, 0x3 | AR_S | dpl3 | AR_P | AR_DB | AR_G);
    for (unsigned s = 0; s < 6; s++)
        if (s != SEG_CS && s != SEG_SS)
            seg_set_cache(c, &c->seg[s], s, 0, 0, 0xffffffff, 0x3 | AR_S | dpl3 | AR_P | AR_DB | AR_G);
    c->cpl = 3;
    cpu_update_mode(c);
}

static void emu_init(void)
{
    emem = memmap_create(G_RAM);
    if (!emem) { fprintf(stderr, "diff: memmap\n"); exit(2); }
    gram = memmap_add_backed(emem, 0, G_RAM, REG_RAM, "ram");
    struct bus *bus = bus_create();
    ec = cpu_create(cpu_model_default(), emem, bus);
    if (!gram || !ec) { fprintf(stderr, "diff: cpu\n"); exit(2); }
    memset(gram, 0, G_RAM);
    /* SDM Vol.3A 4.5: 4-level paging. PD[0] is a supervisor 2 MiB page over the system tables; the
     * three test pages are user pages at the native addresses. */
    const uint64_t P = 1, RW = 2, US = 4, PS = 0x80;
    w64(G_PML4, G_PDPT | P | RW | US);
    w64(G_PDPT, G_PD | P | RW | US);
    w64(G_PD + ((KBASE >> 21) & 511) * 8, 0 | P | RW | PS);
    w64(G_PD + ((DATA >> 21) & 511) * 8, G_PT_DATA | P | RW | US);
    w64(G_PD + ((CODE >> 21) & 511) * 8, G_PT_CODE | P | RW | US);
    w64(G_PD + ((STACK >> 21) & 511) * 8, G_PT_STACK | P | RW | US);
    w64(G_PT_DATA + ((DATA >> 12) & 511) * 8, G_DATA | P | RW | US);
    w64(G_PT_CODE + ((CODE >> 12) & 511) * 8, G_CODE | P | RW | US);
    w64(G_PT_STACK + ((STACK >> 12) & 511) * 8, G_STACK | P | RW | US);
    /* GDT: 0x08 kernel code64, 0x10 kernel data, 0x2b user data, 0x33 user code64 */
    w64(G_GDT + 0x08, 0x00209b0000000000ull);
    w64(G_GDT + 0x10, 0x0000930000000000ull);
    w64(G_GDT + 0x28, 0x00cff3000000ffffull);
    w64(G_GDT + 0x30, 0x0020fb0000000000ull);
    /* IDT: 64-bit interrupt gates to HLT stubs 16 bytes apart (SDM Vol.3A 6.14.1) */
    for (unsigned v = 0; v < 32; v++) {
        uint64_t h = KBASE + G_STUBS + 16 * v;
        uint64_t lo = (h & 0xffff) | (0x08ull << 16) | (0x8eull << 40) | ((h >> 16 & 0xffff) << 48);
        w64(G_IDT + 16 * v, lo);
        w64(G_IDT + 16 * v + 8, h >> 32);
        memset(gram + G_STUBS + 16 * v, 0xf4, 16);
    }
    /* TSS: RSP0 (SDM Vol.3A 8.7) */
    w64(G_TSS + 4, KBASE + G_KSTACK);
    w64(G_TSS + 0x60, 0x68ull << 48); /* I/O map base beyond the limit: no I/O bitmap (SDM Vol.1 19.5.2) */
    struct cpu *c = ec;
    c->gdtr = (struct dtr){KBASE + G_GDT, 0x3f};
    c->idtr = (struct dtr){KBASE + G_IDT, 32 * 16 - 1};
    seg_set_cache(c, &c->tr, 0, 0x40, KBASE + G_TSS, 0x67, 0xb | AR_P);
    c->cr3 = G_PML4;
    c->cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_OSXSAVE;
    c->xcr0 = 3;
    c->efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;
    c->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_PG;
    emu_user_segs(c);
    cpu_tlb_flush(c, true);
}

static void emu_run(const struct xstate *in, const uint8_t *insn, unsigned len, struct xstate *out)
{
    struct cpu *c = ec;
    memcpy(gram + G_DATA, in->data, PAGE);
    memcpy(gram + G_STACK, in->stack, PAGE);
    memcpy(gram + G_CODE + insn_off, insn, len);
    memset(gram + G_CODE + insn_off + len, 0xf4, 16);
    memmap_code_write(emem, G_CODE >> 12);
    if (c->cpl != 3 || c->seg[SEG_CS].sel != 0x33) emu_user_segs(c);
    c->halted = 0;
    c->shutdown = false;
    c->cur_exc = -1;
    c->pending = 0;
    memcpy(c->gpr, in->gpr, sizeof in->gpr);
    RIP(c) = CODE + insn_off;
    c->rflags = (uint32_t)((in->rflags & ~(uint64_t)FL_ARITH) | FL_FIXED1);
    set_arith_flags(c, (uint32_t)in->rflags & FL_ARITH);
    /* x87 and SSE state from the FXSAVE image, as FXRSTOR does */
    const struct fxarea *f = &in->fx;
    unsigned top = (f->fsw >> 11) & 7;
    for (unsigned k = 0; k < 8; k++) {
        c->fpu.st[(top + k) & 7].sig = f->st[k].sig;
        c->fpu.st[(top + k) & 7].se = f->st[k].se;
    }
    uint16_t tw = 0;
    for (unsigned r = 0; r < 8; r++)
        if (!(f->ftw & (1u << r))) tw |= (uint16_t)(TAG_EMPTY << (2 * r));
    c->fpu.fsw = f->fsw;
    c->fpu.fop = 0;
    c->fpu.fip = c->fpu.fdp = 0;
    c->fpu.fcs = c->fpu.fds = 0;
    x87_load_tags(c, tw);
    c->fpu.fcw = f->fcw;
    x87_update_es(c);
    c->mxcsr = f->mxcsr;
    memcpy(c->xmm, f->xmm, sizeof f->xmm);

    cpu_step(c);
    /* A repeated string instruction may stop after a batch of iterations with RIP still at the
     * instruction (it is interruptible, SDM Vol.2 REP): keep stepping until it completes. */
    for (unsigned k = 0; k < 100000 && c->cpl == 3 && !c->shutdown && RIP(c) == CODE + insn_off; k++) cpu_step(c);

    if (c->shutdown) {
        out->vec = 100; /* triple fault */
    } else if (c->cpl == 3) {
        out->vec = -1;
        memcpy(out->gpr, c->gpr, sizeof out->gpr);
        out->rip = RIP(c);
        out->rflags = cpu_get_rflags(c);
    } else {
        uint64_t h = RIP(c) - KBASE;
        out->vec = (h >= G_STUBS && h < G_STUBS + 32 * 16) ? (int)((h - G_STUBS) / 16) : 99;
        uint64_t sp = c->gpr[4];
        uint64_t fr[6];
        memcpy(fr, gram + ((sp - KBASE) & (G_RAM - 1)), sizeof fr);
        unsigned k = 0;
        out->err = 0;
        if (KBASE + G_KSTACK - sp == 48) out->err = (uint32_t)fr[k++];
        memcpy(out->gpr, c->gpr, sizeof out->gpr);
        out->rip = fr[k];
        out->rflags = fr[k + 2];
        out->gpr[4] = fr[k + 3];
        out->cr2 = c->cr2;
    }
    /* FXSAVE-format image of the x87/SSE state */
    struct fxarea *o = &out->fx;
    memset(o, 0, sizeof *o);
    o->fcw = c->fpu.fcw;
    o->fsw = c->fpu.fsw;
    for (unsigned r = 0; r < 8; r++)
        if (x87_ptag(c, r) != TAG_EMPTY) o->ftw |= (uint8_t)(1u << r);
    top = (c->fpu.fsw >> 11) & 7;
    for (unsigned k = 0; k < 8; k++) {
        o->st[k].sig = c->fpu.st[(top + k) & 7].sig;
        o->st[k].se = c->fpu.st[(top + k) & 7].se;
    }
    o->mxcsr = c->mxcsr;
    memcpy(o->xmm, c->xmm, sizeof o->xmm);
    memcpy(out->data, gram + G_DATA, PAGE);
    memcpy(out->stack, gram + G_STACK, PAGE);
}

/* ------------------------------------------------------------------ form selection -- */
static bool name_in(const char *n, const char *const *list)
{
    for (; *list; list++) {
        size_t l = strlen(*list);
        if ((*list)[l - 1] == '*') {
            if (!strncmp(n, *list, l - 1)) return true;
        } else if (!strcmp(n, *list)) {
            return true;
        }
    }
    return false;
}

/* Forms that execute the same way natively at CPL 3 with nothing the emulator cannot reproduce. */
static const char *exclusion(unsigned op, uint64_t features)
{
    const struct op_info *oi = &op_info[op];
    const char *id = op_id_name[op];
    static const char *const ctrl[] = {"j*", "call_*", "ret*", "retf*", "loop*", "jcxz", "int*",
                                       "iret", "syscall", "sysenter", NULL};
    static const char *const host_dep[] = {
        "cpuid", "rdtsc", "rdtscp", "rdpmc", "rdrand", "rdseed", "rdpid", "xgetbv",
        "rdfsbase", "rdgsbase", "wrfsbase", "wrgsbase", /* host FS/GS bases (TLS) */
        "sgdt", "sidt", "sldt", "str", "smsw",          /* host has CR4.UMIP */
        "lar", "lsl", "verr", "verw",                   /* host descriptor tables */
        "x87_xsave", "x87_xrstor", "x87_xsaveopt",      /* host XCR0 */
        "x87_xsavec",                                   /* host XCR0 and XINUSE */
        "pop_FS", "pop_GS", "mov_SwEw*", "lss", "lfs", "lgs", /* segment loads (host GDT) */
        "monitor", "mwait", "invpcid",
        "vmcall", "vmfunc", /* under a hypervisor these reach it (KVM answers a CPL-3 VMCALL) */
        NULL};
    if (!(features & FEATURE_BIT(oi->feat))) return "feature not in model";
    if (oi->attr & A_I64) return "invalid in 64-bit mode";
    if (name_in(id, ctrl)) return "control flow";
    if (name_in(id, host_dep)) return "host-dependent";
    if (!strcmp(op_fn[op][0], "ud") && !strcmp(op_fn[op][1], "ud") && strcmp(id, "ud2") &&
        strcmp(id, "ud1") && strcmp(id, "rsm"))
        return "no handler";
    return NULL;
}

/* ------------------------------------------------------------------ encoding generator -- */
struct enc {
    uint8_t b[16];
    unsigned len;
};

static uint64_t pick_target(bool asz32)
{
    switch (rn(40)) {
    case 0: if (!asz32) return 0x8000000000000000ull + rn(PAGE); /* non-canonical */
        /* fall through */
    case 1: return DATA - 8 + rn(8) - (rn(2) ? PAGE - 64 : 0); /* page before */
    case 2: return DATA + PAGE + rn(64);             /* page after */
    case 3: case 4: case 5: return DATA + PAGE - 1 - rn(24); /* near the end: page-crossing */
    default: {
        uint64_t off = rn(PAGE - 520);
        if (chance(50)) off &= ~15ull;
        return DATA + off;
    }
    }
}

struct gen {
    struct enc e;
    struct xstate st;
    uint64_t target; /* memory operand address or 0 */
    bool mem;
    unsigned reg_field; /* ModRM.reg with REX.R */
    unsigned rex;
};

static void rnd_fx(struct fxarea *f)
{
    memset(f, 0, sizeof *f);
    unsigned masks = chance(90) ? 0x3f : (unsigned)rn(64);
    f->fcw = (uint16_t)(0x40 | masks | (rn(4) << 10) | ((chance(60) ? 3 : rn(4)) << 8));
    unsigned fl = chance(80) ? 0 : (unsigned)rn(64);
    unsigned fsw = fl | (rn(8) << 11);
    fsw |= (unsigned)(rnd() & 0x4700); /* C0 C1 C2 C3 */
    if (fl & ~masks & 0x3f) fsw |= 0x8080; /* ES, B */
    f->fsw = (uint16_t)fsw;
    f->ftw = chance(20) ? 0 : (chance(20) ? 0xff : (uint8_t)rnd());
    for (unsigned k = 0; k < 8; k++) rnd_f80(&f->st[k].sig, &f->st[k].se);
    uint32_t mx = 0x1f80;
    if (chance(50)) mx = (mx & ~0x6000u) | (rn(4) << 13);
    if (chance(20)) mx |= 0x8000;   /* FTZ */
    if (chance(20)) mx |= 0x40;     /* DAZ */
    if (chance(10)) mx |= (uint32_t)rn(64); /* sticky flags */
    if (chance(5)) mx &= ~((uint32_t)rn(64) << 7); /* unmasked exceptions */
    f->mxcsr = mx;
    f->mxcsr_mask = 0;
    for (unsigned k = 0; k < 16; k++) {
        switch (rn(4)) {
        case 0: for (unsigned j = 0; j < 4; j++) f->xmm[k].d[j] = rnd_f32(); break;
        case 1: for (unsigned j = 0; j < 2; j++) f->xmm[k].q[j] = rnd_f64(); break;
        case 2: for (unsigned j = 0; j < 2; j++) f->xmm[k].q[j] = rnd_int(); break;
        default: f->xmm[k].q[0] = rnd(); f->xmm[k].q[1] = rnd(); break;
        }
    }
}

static uint8_t base_data[PAGE], base_stack[PAGE];
static void refresh_pages(void)
{
    for (unsigned k = 0; k < PAGE; k += 8) {
        uint64_t v = rnd();
        memcpy(base_data + k, &v, 8);
        v = rnd();
        memcpy(base_stack + k, &v, 8);
    }
}

static void rnd_state(struct xstate *s)
{
    for (unsigned r = 0; r < 16; r++) s->gpr[r] = rnd_int();
    s->gpr[4] = RSP_INIT;
    s->rflags = 0x202 | (rnd() & FL_ARITH) | (chance(12) ? FL_DF : 0);
    rnd_fx(&s->fx);
    memcpy(s->data, base_data, PAGE);
    memcpy(s->stack, base_stack, PAGE);
}

/* puts typed interesting values at data[off..off+32) */
static void seed_mem(struct xstate *s, uint64_t addr)
{
    if (addr < DATA || addr >= DATA + PAGE) return;
    unsigned off = (unsigned)(addr - DATA);
    uint8_t v[32];
    switch (rn(6)) {
    case 0: for (unsigned j = 0; j < 8; j++) { uint32_t x = rnd_f32(); memcpy(v + 4 * j, &x, 4); } break;
    case 1: for (unsigned j = 0; j < 4; j++) { uint64_t x = rnd_f64(); memcpy(v + 8 * j, &x, 8); } break;
    case 2: {
        uint64_t sig; uint16_t se;
        rnd_f80(&sig, &se);
        memcpy(v, &sig, 8); memcpy(v + 8, &se, 2);
        for (unsigned j = 10; j < 32; j++) v[j] = (uint8_t)rnd();
        break;
    }
    case 3: for (unsigned j = 0; j < 4; j++) { uint64_t x = rnd_int(); memcpy(v + 8 * j, &x, 8); } break;
    default: return;
    }
    unsigned n = PAGE - off < 32 ? PAGE - off : 32;
    memcpy(s->data + off, v, n);
}

/* Builds ModRM/SIB/disp for a memory operand at target; sets base/index registers in st.
 * asz32: 67 prefix present. */
static void gen_modrm_mem(struct gen *g, uint8_t **p, unsigned regf, bool asz32, uint64_t insn_end_guess)
{
    uint64_t t = g->target;
    unsigned kind = rn(10);
    (void)insn_end_guess;
    if (kind == 0) {
        /* RIP-relative: fixed up after the length is known (disp32 placeholder) */
        *(*p)++ = (uint8_t)(((regf & 7) << 3) | 5);
        g->rex &= ~0x3u;
        memset(*p, 0, 4);
        *p += 4;
        return;
    }
    unsigned base = rn(16), index = 16, scale = rn(4);
    bool sib = kind >= 6 || (base & 7) == 4;
    bool nobase = kind == 9; /* SIB with no base: disp32 + index*scale */
    if (sib) {
        index = rn(16);
        if (index == 4) index = 16; /* none */
    }
    int32_t disp;
    unsigned mod;
    switch (rn(3)) {
    case 0: disp = 0; mod = 0; break;
    case 1: disp = (int8_t)rnd(); mod = 1; break;
    default: disp = (int32_t)rnd() >> rn(32); mod = 2; break;
    }
    if (!nobase && mod == 0 && (base & 7) == 5) { mod = 1; disp = (int8_t)rnd(); }
    uint64_t idxval = 0;
    if (index != 16) {
        if (index == base && !nobase) idxval = 0; /* solved below */
        else {
            idxval = chance(50) ? rn(64) : (uint64_t)-(int64_t)rn(64);
            if (asz32) idxval = (idxval & 0xffffffff) | (rnd() << 32);
            g->st.gpr[index] = idxval;
        }
    }
    uint64_t garbage = asz32 ? (rnd() << 32) : 0;
    if (nobase) {
        mod = 0;
        base = 5 | (rn(2) << 3); /* base field 101 with mod 0: no base (REX.B ignored) */
        disp = (int32_t)(t - (idxval << scale));
        if (index == 16) disp = (int32_t)t;
    } else if (index != 16 && index == base) {
        /* base + base*scale + disp = t  =>  base = (t - disp) / (1 + 2^scale) (rounded) */
        uint64_t v = (t - (uint64_t)(int64_t)disp) / ((1u << scale) + 1);
        disp = (int32_t)(t - v * ((1u << scale) + 1));
        g->st.gpr[base] = (v & (asz32 ? 0xffffffff : ~0ull)) | garbage;
        if (disp != (int8_t)disp) mod = 2;
        else if (mod == 0 && disp != 0) mod = 1;
    } else {
        uint64_t idxpart = index != 16 ? (idxval << scale) : 0;
        g->st.gpr[base] = ((t - (uint64_t)(int64_t)disp - idxpart) & (asz32 ? 0xffffffff : ~0ull)) | garbage;
    }
    if (asz32 && t >> 32) { /* cannot reach non-canonical with 32-bit addressing: fine, whatever */ }
    g->rex = (g->rex & ~0x3u) | (base >= 8 && !nobase ? 1 : (nobase ? (base >> 3) : 0)) |
             (index != 16 && index >= 8 ? 2 : 0);
    if (sib) {
        *(*p)++ = (uint8_t)((mod << 6) | ((regf & 7) << 3) | 4);
        unsigned ib = index == 16 ? 4 : (index & 7);
        if (index == 16 && chance(30) && !(base == 12 && !nobase)) {
            /* REX.X with index field 100 names r12 as a real index: give it the value 0 */
            ib = 4;
            g->rex |= 2;
            g->st.gpr[12] = 0;
        }
        *(*p)++ = (uint8_t)((scale << 6) | (ib << 3) | (base & 7));
    } else {
        *(*p)++ = (uint8_t)((mod << 6) | ((regf & 7) << 3) | (base & 7));
    }
    if (mod == 1) *(*p)++ = (uint8_t)disp;
    else if (mod == 2 || (mod == 0 && (sib ? (base & 7) == 5 : false))) {
        memcpy(*p, &disp, 4);
        *p += 4;
    }
}

/* per-op register fixups for implicit operands */
static void fixups(struct gen *g, unsigned op, bool asz32, const struct insn *di)
{
    const char *m = op_info[op].mnem;
    const char *id = op_id_name[op];
    uint64_t rr[16];
    uint64_t *r = rr;
    memcpy(rr, g->st.gpr, sizeof rr);
    uint64_t hi = asz32 ? rnd() << 32 : 0;
    if (op_info[op].attr & A_STR) {
        r[6] = hi | (DATA + 256 + rn(PAGE - 512));
        r[7] = (asz32 ? rnd() << 32 : 0) | (DATA + 256 + rn(PAGE - 512));
        if (chance(10)) r[7] = DATA + PAGE - 1 - rn(16);
        r[1] = (chance(80) ? rn(17) : rnd_int() & 0xff) | (chance(30) ? rnd() << 32 : 0);
        if (chance(30)) memcpy(g->st.data + (r[7] & 0xfff), g->st.data + (r[6] & 0xfff), 16);
    }
    if (!strcmp(m, "xlat")) r[3] = hi | (DATA + rn(PAGE - 256));
    if (!strcmp(m, "maskmovq") || !strcmp(m, "maskmovdqu")) {
        r[7] = hi | (DATA + rn(PAGE - 16));
        if (chance(5)) r[7] = DATA + PAGE - 8;
    }
    if (!strcmp(id, "enter") || !strcmp(id, "leave")) r[5] = STACK + 0x400 + rn(0x800);
    if (!strcmp(id, "popf")) {
        uint64_t v = rnd_int() & ~(uint64_t)(FL_TF | FL_AC | FL_NT | FL_RF | FL_VM | FL_VIF | FL_VIP);
        memcpy(g->st.stack + (RSP_INIT - STACK), &v, 8);
    }
    if (!strncmp(id, "div", 3) || !strncmp(id, "idiv", 4)) {
        if (chance(60)) r[2] = !strncmp(id, "idiv", 4) ? (uint64_t)((int64_t)r[0] >> 63) : 0;
        if (chance(30)) r[0] = (r[0] & ~0xffffull) | (rnd() & 0xff);
    }
    if (strstr(id, "CL") || !strcmp(id, "shld_CL") || !strcmp(id, "shrd_CL"))
        if (chance(70)) r[1] = (r[1] & ~0xffull) | rn(70);
    if (!strncmp(m, "pcmpestr", 8)) {
        r[0] = (uint64_t)(int64_t)(int)(rn(41) - 20);
        r[2] = (uint64_t)(int64_t)(int)(rn(41) - 20);
    }
    if (!strncmp(id, "cmpxchg", 7) && chance(50)) {
        if (g->mem && g->target >= DATA && g->target + 16 <= DATA + PAGE) {
            unsigned off = (unsigned)(g->target - DATA);
            if (!strcmp(id, "cmpxchg8b")) { memcpy(&r[0], g->st.data + off, 4); r[0] &= 0xffffffff;
                uint32_t h; memcpy(&h, g->st.data + off + 4, 4); r[2] = h;
                if (g->rex & 8) { memcpy(&r[0], g->st.data + off, 8); memcpy(&r[2], g->st.data + off + 8, 8); } }
            else memcpy(&r[0], g->st.data + off, 8);
        }
    }
    /* registers that form the memory operand's address keep their values */
    for (unsigned k = 0; k < 16; k++)
        if (!g->mem || (k != di->base && k != di->index)) g->st.gpr[k] = rr[k];
}

static bool bt_reg_bounded(unsigned op)
{
    const char *id = op_id_name[op];
    return !strcmp(id, "bt_EvGv") || !strcmp(id, "bts_EvGv") || !strcmp(id, "btr_EvGv") || !strcmp(id, "btc_EvGv");
}

/* Generates one encoding + state for op. Returns false when this attempt should be discarded. */
static bool generate(unsigned op, struct gen *g, struct insn *di)
{
    const struct op_info *oi = &op_info[op];
    uint8_t buf[32];
    uint8_t *p = buf;
    memset(&g->e, 0, sizeof g->e);
    g->target = 0;
    g->mem = false;
    g->reg_field = 0;
    g->rex = 0;
    rnd_state(&g->st);

    /* legacy prefixes */
    uint8_t pf[6];
    unsigned npf = 0;
    bool asz32 = false;
    bool has_modrm = oi->form != F_NONE;
    bool mem = false;
    if (has_modrm) {
        if (oi->form == F_MEM) mem = true;
        else if (oi->form == F_BOTH) mem = chance(55);
        if ((oi->ext & 0x40)) mem = false;
    }
    if (oi->imm == IM_O) mem = true;
    g->mem = mem;
    if (oi->pfx == P_66) pf[npf++] = 0x66;
    else if (oi->pfx == P_F3) pf[npf++] = 0xf3;
    else if (oi->pfx == P_F2) pf[npf++] = 0xf2;
    else if (oi->pfx == P_ANY && chance(30)) pf[npf++] = 0x66;
    if ((oi->attr & A_STR) && chance(50)) pf[npf++] = chance(50) ? 0xf3 : 0xf2;
    if ((mem || (oi->attr & A_STR) || !strcmp(oi->mnem, "xlat") || !strncmp(oi->mnem, "maskmov", 7)) && chance(8)) {
        pf[npf++] = 0x67;
        asz32 = true;
    }
    if (has_modrm && ((oi->attr & A_LOCK) && mem ? chance(30) : chance(2))) pf[npf++] = 0xf0;
    if (mem && chance(6)) pf[npf++] = (uint8_t[]){0x26, 0x2e, 0x36, 0x3e}[rn(4)];
    /* shuffle the legacy prefixes (a mandatory prefix may be anywhere among them, except that
     * 66 with F2/F3: the last F2/F3 wins; keep the mandatory one last when F2/F3) */
    for (unsigned k = npf; k > 1; k--) {
        unsigned j = rn(k);
        uint8_t t = pf[k - 1]; pf[k - 1] = pf[j]; pf[j] = t;
    }
    if (oi->pfx == P_F3 || oi->pfx == P_F2) {
        /* move the mandatory prefix to the end of the legacy prefixes */
        uint8_t mp = oi->pfx == P_F3 ? 0xf3 : 0xf2;
        unsigned n2 = 0;
        uint8_t tmp[6];
        for (unsigned k = 0; k < npf; k++) if (pf[k] != 0xf3 && pf[k] != 0xf2) tmp[n2++] = pf[k];
        tmp[n2++] = mp;
        memcpy(pf, tmp, n2);
        npf = n2;
    }
    memcpy(p, pf, npf);
    p += npf;

    /* REX (written later, once the ModRM has chosen B/X) */
    g->rex = chance(50) ? (unsigned)rn(16) : 0;
    uint8_t *rex_at = p;
    p++; /* placeholder */

    /* opcode */
    if (oi->map != MAP_1) *p++ = 0x0f;
    if (oi->map == MAP_38) *p++ = 0x38;
    if (oi->map == MAP_3A) *p++ = 0x3a;
    unsigned opc = oi->opc;
    if (oi->attr & A_REGOP) opc += rn(8);
    *p++ = (uint8_t)opc;

    if (has_modrm) {
        unsigned regf = rn(8);
        if (oi->ext & 0x40) regf = (oi->ext >> 3) & 7;
        else if (oi->ext & 0x10) regf = oi->ext & 7;
        if (mem) {
            g->target = pick_target(asz32);
            gen_modrm_mem(g, &p, regf, asz32, 0);
        } else {
            unsigned rm = rn(8);
            if (oi->ext & 0x40) rm = oi->ext & 7;
            *p++ = (uint8_t)(0xc0 | (regf << 3) | rm);
        }
        g->reg_field = regf | ((g->rex & 4) ? 8 : 0);
    }
    /* immediates: random bytes, the decoder tells the length */
    uint8_t *imm_at = p;
    for (unsigned k = 0; k < 8; k++) *p++ = (uint8_t)rnd();
    if (oi->imm == IM_O) {
        g->target = pick_target(asz32);
        uint64_t a = g->target;
        if (asz32) {
            a = (uint32_t)a;
            g->target = a;
        }
        memcpy(imm_at, &a, 8);
    }
    if (oi->imm == IM_B || oi->imm == IM_BS) {
        if (chance(40)) *imm_at = (uint8_t)rn(66);
    }

    /* REX byte */
    bool rex_present = g->rex || chance(20);
    if (rex_present) *rex_at = (uint8_t)(0x40 | g->rex);
    else {
        memmove(rex_at, rex_at + 1, (size_t)(p - rex_at - 1));
        p--;
        imm_at--;
    }
    unsigned total = (unsigned)(p - buf);
    if (total > 15 + 8) total = 15 + 8;

    /* decode with the turtles decoder: the form and length must be the intended ones */
    enum decode_status ds = decode_insn(&ec->dctx, buf, total, di);
    if (ds != DEC_OK || di->op != op) return false;
    unsigned len = di->len;
    if (len > 15) return false;
    memcpy(g->e.b, buf, len);
    g->e.len = len;

    /* RIP-relative: patch disp32 now that the length is known */
    if (mem && di->base == REG_RIP) {
        uint64_t next = CODE + insn_off + len;
        int64_t d = (int64_t)(g->target - next);
        if (asz32) d = (int64_t)(uint32_t)g->target - (int64_t)(uint32_t)next;
        if (d != (int32_t)d) {
            /* cannot reach (non-canonical target): aim at the page before instead */
            g->target = DATA - 8;
            d = (int64_t)(g->target - next);
        }
        int32_t d32 = (int32_t)d;
        /* the disp32 is the 4 bytes before the immediate */
        unsigned modrm_at = (unsigned)(imm_at - buf) - 5;
        memcpy(g->e.b + modrm_at + 1, &d32, 4);
        struct insn chk;
        if (decode_insn(&ec->dctx, g->e.b, len, &chk) != DEC_OK || chk.op != op || chk.disp != d32)
            return false;
        if (di->disp != 0) return false;
        *di = chk;
    }

    /* forms that also use the stack implicitly: RSP must stay at the scratch stack, so it may not
     * be part of the memory operand's address */
    static const char *const stack_users[] = {"push", "pop", "pushf", "popf", "enter", "leave", NULL};
    if (mem && (di->base == 4 || di->index == 4) && name_in(oi->mnem, stack_users)) return false;

    if (mem) seed_mem(&g->st, g->target);
    fixups(g, op, asz32, di);
    if (bt_reg_bounded(op) && mem) {
        unsigned r = g->reg_field;
        if (r != di->base && r != di->index) g->st.gpr[r] = (uint64_t)(int64_t)(int)(rn(2048) - 1024);
    }
    /* a memory operand's base/index may have been changed by a fixup: recompute is not needed
     * since fixups only touch implicit registers of forms without ModRM, except cmpxchg (RAX),
     * which may alias the base: restore the address registers then */
    return true;
}

/* ------------------------------------------------------------------ comparison -- */
/* Undefined flags per mnemonic (SDM Vol.1 Appendix A, EFLAGS cross-reference, and the
 * instruction pages of Vol.2). Applied only where a mismatch was seen and Intel is not consistent:
 * so far none (turtles matches this Intel host's undefined flags everywhere except ROL/ROR imm8,
 * where Intel is consistent and the difference is a finding, F5 in FINDINGS.md). */
struct undef {
    const char *mnem;
    uint32_t mask;
    const char *cite;
};
static const struct undef undef_tab[] = {
    {NULL, 0, NULL},
};

static uint32_t undef_mask(unsigned op, const struct insn *di)
{
    const char *m = op_info[op].mnem;
    for (const struct undef *u = undef_tab; u->mnem; u++)
        if (!strcmp(u->mnem, m)) return u->mask;
    (void)di;
    return 0;
}

struct opstat {
    uint64_t execs, mism, undef_diff, faults, discards;
    unsigned printed;
    bool allowed;
    const char *why;
};
static struct opstat stats[OP_COUNT];

static int verbose_limit = 3;

static void hexdump(FILE *f, const uint8_t *b, unsigned n)
{
    for (unsigned k = 0; k < n; k++) fprintf(f, "%02x ", b[k]);
}

static const char *const rname[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                      "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

/* compares; returns number of differences; prints when print */
static unsigned compare(unsigned op, const struct insn *di, const struct xstate *in,
                        const struct xstate *n, const struct xstate *e, bool print, uint32_t *undef_seen)
{
    unsigned d = 0;
    char msg[4096];
    size_t ml = 0;
#define DIFF(...) do { d++; if (print && ml < sizeof msg - 200) ml += (size_t)snprintf(msg + ml, sizeof msg - ml, __VA_ARGS__); } while (0)
    if (n->vec != e->vec)
        DIFF("  fault: native %d (err %x cr2 %llx) turtles %d (err %x cr2 %llx)\n", n->vec, n->err, (unsigned long long)n->cr2,
             e->vec, e->err, (unsigned long long)e->cr2);
    bool cmp_state = n->vec == e->vec;
    if (cmp_state && n->vec >= 0 && print && ml < sizeof msg - 200)
        ml += (size_t)snprintf(msg + ml, sizeof msg - ml, "  (both fault: vector %d)\n", n->vec);
    if (cmp_state) {
        if (n->vec == EXC_PF) {
            if (n->cr2 != e->cr2) DIFF("  #PF cr2: native %llx turtles %llx\n", (unsigned long long)n->cr2, (unsigned long long)e->cr2);
            /* the host maps its kernel in the upper half (supervisor pages): P differs there */
            uint32_t em = n->cr2 >= 0xffff800000000000ull ? 0x1e : 0x1f;
            if ((n->err & em) != (e->err & em)) DIFF("  #PF err: native %x turtles %x (cr2 %llx)\n", n->err, e->err, (unsigned long long)n->cr2);
        }
        if (n->vec == EXC_GP || n->vec == EXC_SS)
            if (n->err != e->err) DIFF("  err: native %x turtles %x\n", n->err, e->err);
        for (unsigned r = 0; r < 16; r++)
            if (n->gpr[r] != e->gpr[r])
                DIFF("  %s: in %016llx native %016llx turtles %016llx\n", rname[r], (unsigned long long)in->gpr[r],
                     (unsigned long long)n->gpr[r], (unsigned long long)e->gpr[r]);
        if (n->rip != e->rip) DIFF("  rip: native %llx turtles %llx\n", (unsigned long long)n->rip, (unsigned long long)e->rip);
        uint32_t um = undef_mask(op, di);
        const uint32_t fm = FL_ARITH | FL_DF | FL_ID;
        uint32_t fd = (uint32_t)(n->rflags ^ e->rflags) & fm;
        if (fd & um) *undef_seen |= fd & um;
        if (fd & ~um)
            DIFF("  rflags: in %03llx native %03llx turtles %03llx (diff %03x)\n", (unsigned long long)(in->rflags & fm),
                 (unsigned long long)(n->rflags & fm), (unsigned long long)(e->rflags & fm), fd & ~um);
        const struct fxarea *a = &n->fx, *b = &e->fx;
        if (a->fcw != b->fcw) DIFF("  fcw: in %04x native %04x turtles %04x\n", in->fx.fcw, a->fcw, b->fcw);
        if (a->fsw != b->fsw) DIFF("  fsw: in %04x native %04x turtles %04x\n", in->fx.fsw, a->fsw, b->fsw);
        if (a->ftw != b->ftw) DIFF("  ftw: in %02x native %02x turtles %02x\n", in->fx.ftw, a->ftw, b->ftw);
        for (unsigned k = 0; k < 8; k++)
            if (a->st[k].sig != b->st[k].sig || a->st[k].se != b->st[k].se)
                DIFF("  st%u: in %04x:%016llx native %04x:%016llx turtles %04x:%016llx\n", k, in->fx.st[k].se,
                     (unsigned long long)in->fx.st[k].sig, a->st[k].se, (unsigned long long)a->st[k].sig, b->st[k].se,
                     (unsigned long long)b->st[k].sig);
        if (a->mxcsr != b->mxcsr) DIFF("  mxcsr: in %08x native %08x turtles %08x\n", in->fx.mxcsr, a->mxcsr, b->mxcsr);
        for (unsigned k = 0; k < 16; k++)
            if (memcmp(&a->xmm[k], &b->xmm[k], 16))
                DIFF("  xmm%u: in %016llx%016llx native %016llx%016llx turtles %016llx%016llx\n", k,
                     (unsigned long long)in->fx.xmm[k].q[1], (unsigned long long)in->fx.xmm[k].q[0],
                     (unsigned long long)a->xmm[k].q[1], (unsigned long long)a->xmm[k].q[0],
                     (unsigned long long)b->xmm[k].q[1], (unsigned long long)b->xmm[k].q[0]);
    }
    if (memcmp(n->data, e->data, PAGE)) {
        unsigned k = 0;
        while (n->data[k] == e->data[k]) k++;
        unsigned j = PAGE - 1;
        while (n->data[j] == e->data[j]) j--;
        DIFF("  data[%03x..%03x]: in ", k, j);
        if (print) {
            unsigned cnt = j - k + 1 > 24 ? 24 : j - k + 1;
            for (unsigned q = 0; q < cnt; q++) ml += (size_t)snprintf(msg + ml, sizeof msg - ml, "%02x", in->data[k + q]);
            ml += (size_t)snprintf(msg + ml, sizeof msg - ml, " native ");
            for (unsigned q = 0; q < cnt; q++) ml += (size_t)snprintf(msg + ml, sizeof msg - ml, "%02x", n->data[k + q]);
            ml += (size_t)snprintf(msg + ml, sizeof msg - ml, " turtles ");
            for (unsigned q = 0; q < cnt; q++) ml += (size_t)snprintf(msg + ml, sizeof msg - ml, "%02x", e->data[k + q]);
            ml += (size_t)snprintf(msg + ml, sizeof msg - ml, "\n");
        }
    }
    if (memcmp(n->stack, e->stack, PAGE)) {
        unsigned k = 0;
        while (n->stack[k] == e->stack[k]) k++;
        DIFF("  stack[%03x]: native %02x turtles %02x\n", k, n->stack[k], e->stack[k]);
    }
#undef DIFF
    if (d && print) fwrite(msg, 1, ml, stdout);
    return d;
}

/* ------------------------------------------------------------------ allowlist -- */
static char *allow_names[512];
static unsigned nallow;
static void load_allowlist(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        char name[128];
        if (line[0] == '#' || sscanf(line, "%127s", name) != 1) continue;
        if (nallow < 512) allow_names[nallow++] = strdup(name);
    }
    fclose(f);
}
static bool allowed(unsigned op)
{
    for (unsigned k = 0; k < nallow; k++)
        if (!strcmp(allow_names[k], op_id_name[op]) || !strcmp(allow_names[k], op_info[op].mnem)) return true;
    return false;
}

/* ------------------------------------------------------------------ main -- */
int main(int argc, char **argv)
{
    uint64_t seed = 1, count = 2000;
    const char *only = NULL, *allow = NULL;
    bool list = false;
    for (int k = 1; k < argc; k++) {
        if (!strcmp(argv[k], "--count") && k + 1 < argc) count = strtoull(argv[++k], NULL, 0);
        else if (!strcmp(argv[k], "--seed") && k + 1 < argc) seed = strtoull(argv[++k], NULL, 0);
        else if (!strcmp(argv[k], "--only") && k + 1 < argc) only = argv[++k];
        else if (!strcmp(argv[k], "--allowlist") && k + 1 < argc) allow = argv[++k];
        else if (!strcmp(argv[k], "--verbose") && k + 1 < argc) verbose_limit = atoi(argv[++k]);
        else if (!strcmp(argv[k], "--list")) list = true;
        else {
            fprintf(stderr, "usage: %s [--count N per form] [--seed S] [--only MNEMONIC|OP_ID] [--allowlist FILE] [--verbose N] [--list]\n", argv[0]);
            return 2;
        }
    }
#ifdef ALLOWLIST_DEFAULT
    if (!allow) allow = ALLOWLIST_DEFAULT;
#endif
    if (allow) load_allowlist(allow);
    setvbuf(stdout, NULL, _IOLBF, 0);
    native_init();
    emu_init();
    seed_rng(seed);

    uint64_t features = ec->features;
    unsigned nforms = 0, nexcl = 0;
    uint64_t total_exec = 0, total_mism = 0, total_allowed_mism = 0;
    static struct xstate nat, emu;
    struct gen g;
    for (unsigned op = 0; op < OP_COUNT; op++) {
        const char *why = exclusion(op, features);
        stats[op].why = why;
        if (only && strcmp(only, op_info[op].mnem) && strcmp(only, op_id_name[op])) continue;
        if (why) {
            nexcl++;
            if (list) printf("skip %-24s %-12s %s\n", op_id_name[op], op_info[op].mnem, why);
            continue;
        }
        if (list) { printf("run  %-24s %s\n", op_id_name[op], op_info[op].mnem); continue; }
        stats[op].allowed = allowed(op);
        seed_rng(seed * 1000003 + op);
        refresh_pages();
        uint64_t done = 0, tries = 0;
        while (done < count && tries < count * 20) {
            tries++;
            if ((tries & 63) == 0) refresh_pages();
            struct insn di;
            if (!generate(op, &g, &di)) { stats[op].discards++; continue; }
            native_run(&g.st, g.e.b, g.e.len, &nat);
            emu_run(&g.st, g.e.b, g.e.len, &emu);
            done++;
            uint32_t us = 0;
            bool pr = stats[op].printed < (unsigned)verbose_limit;
            unsigned d = compare(op, &di, &g.st, &nat, &emu, false, &us);
            stats[op].undef_diff += us != 0;
            if (nat.vec >= 0) stats[op].faults++;
            if (d) {
                stats[op].mism++;
                if (pr) {
                    stats[op].printed++;
                    printf("MISMATCH %s (%s) bytes: ", op_id_name[op], op_info[op].mnem);
                    hexdump(stdout, g.e.b, g.e.len);
                    printf(" rflags-in %03llx\n", (unsigned long long)(g.st.rflags & 0xfff));
                    printf("  in:");
                    for (unsigned r = 0; r < 16; r++) printf(" %s=%llx", rname[r], (unsigned long long)g.st.gpr[r]);
                    printf("\n  in: fcw=%04x fsw=%04x ftw=%02x mxcsr=%08x\n", g.st.fx.fcw, g.st.fx.fsw, g.st.fx.ftw, g.st.fx.mxcsr);
                    compare(op, &di, &g.st, &nat, &emu, true, &us);
                }
            }
        }
        stats[op].execs = done;
        if (done) nforms++;
        total_exec += done;
        if (stats[op].allowed) total_allowed_mism += stats[op].mism;
        else total_mism += stats[op].mism;
    }
    if (list) return 0;

    /* per-mnemonic summary */
    printf("\n%-12s %5s %9s %9s %8s %s\n", "group", "forms", "execs", "mismatch", "faults", "notes");
    for (unsigned op = 0; op < OP_COUNT; op++) {
        if (!stats[op].execs) continue;
        const char *m = op_info[op].mnem;
        bool first = true;
        for (unsigned q = 0; q < op; q++)
            if (stats[q].execs && !strcmp(op_info[q].mnem, m)) { first = false; break; }
        if (!first) continue;
        unsigned nf = 0;
        uint64_t ex = 0, mi = 0, fa = 0, ud = 0;
        bool al = false;
        for (unsigned q = op; q < OP_COUNT; q++) {
            if (!stats[q].execs || strcmp(op_info[q].mnem, m)) continue;
            nf++; ex += stats[q].execs; mi += stats[q].mism; fa += stats[q].faults; ud += stats[q].undef_diff;
            al |= stats[q].allowed && stats[q].mism;
        }
        printf("%-12s %5u %9llu %9llu %8llu%s%s\n", m, nf, (unsigned long long)ex, (unsigned long long)mi,
               (unsigned long long)fa, al ? " allowlisted" : "", ud ? " undef-flags-differ" : "");
    }
    for (unsigned op = 0; op < OP_COUNT; op++)
        if (stats[op].execs && stats[op].allowed && !stats[op].mism)
            printf("note: %s is allowlisted but matched in all %llu executions\n", op_id_name[op],
                   (unsigned long long)stats[op].execs);
    printf("diff: %u forms (%u excluded), %llu executions, %llu mismatches (%llu allowlisted)\n", nforms, nexcl,
           (unsigned long long)total_exec, (unsigned long long)(total_mism + total_allowed_mism),
           (unsigned long long)total_allowed_mism);
    return total_mism ? 1 : 0;
}
