/* x87 host-differential self test (x86-64 hosts only; not built by default).
 *
 * Each case is a byte string of x87 instructions. It runs natively between an FXRSTOR64 of a
 * prepared state image and FXSAVE64 + FNSTENV, and through the real decoder and the cpu/x87
 * handlers on a struct cpu in memory (which executes the same FXRSTOR64/FXSAVE64/FNSTENV bytes).
 * Compared: FCW, FSW, abridged and full tags, FOP, MXCSR, ST registers, the data area that memory
 * operands point to ([rsi]), AX, and the arithmetic EFLAGS. FIP/FDP/FCS/FDS are not compared
 * (host addresses; the host also implements FDP_EXCPTN_ONLY and FCS/FDS deprecation).
 *
 * Build and run: cpu/x87/selftest.sh   (or see the gcc line in README.md)
 */
#include "cpu/x87/x87.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

/* ---------------------------------------------------------------- emulator environment -- */
#define GMEM 0x4000
#define DATA 0x1000
#define STATE 0x2000
static uint8_t gmem[GMEM] __attribute__((aligned(64)));
static struct cpu cpu;
static struct op_handlers tbl[OP_COUNT];
static struct decode_ctx dctx;

NORETURN void cpu_raise(struct cpu *c, int vec, uint32_t err)
{
    c->fault.vector = (uint8_t)vec;
    c->fault.err = err;
    longjmp(c->jb, 1);
}
NORETURN void cpu_raise_noerr(struct cpu *c, int vec) { cpu_raise(c, vec, 0); }
NORETURN void cpu_raise_pf(struct cpu *c, uint64_t lin, uint32_t err) { cpu_raise(c, EXC_PF, err); }
NORETURN void cpu_seg_fault(struct cpu *c, unsigned s, uint64_t off) { cpu_raise(c, EXC_GP, 0); }
uint64_t mmu_read_slow(struct cpu *c, uint64_t lin, unsigned size, unsigned acc)
{
    if (lin + size > GMEM) cpu_raise_pf(c, lin, 0);
    uint64_t v = 0;
    memcpy(&v, gmem + lin, size);
    return v;
}
void mmu_write_slow(struct cpu *c, uint64_t lin, unsigned size, uint64_t val, unsigned acc)
{
    if (lin + size > GMEM) cpu_raise_pf(c, lin, 2);
    memcpy(gmem + lin, &val, size);
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
    uint64_t lin = seg_lin(c, s, off, size, SEG_OK_W);
    if (lin + size > GMEM) cpu_raise_pf(c, lin, 2);
}
uint64_t mmu_translate(struct cpu *c, uint64_t lin, unsigned acc)
{
    if (lin >= GMEM) cpu_raise_pf(c, lin, acc & ACC_WRITE);
    return lin;
}
uint32_t flags_arith(const struct cpu *c) { return (uint32_t)c->cc_src & FL_ARITH; }
HANDLER(ud) { raise_ud(c); }
HANDLER(nm) { cpu_raise_noerr(c, EXC_NM); }
HANDLER(gp0) { raise_gp(c, 0); }

static void emu_init(void)
{
#define OP(ID, MNEM, MAP, OPC, PFX, EXT, FORM, IMM, ATTR, FEAT, ICPT, FN_M, FN_R)                  \
    tbl[OP_##ID] = (struct op_handlers){op_##FN_M, op_##FN_R};
#include "cpu/decode/opcodes_x87.def"
#undef OP
    tbl[OP_fwait] = (struct op_handlers){op_ud, op_fwait};
    tbl[OP_xgetbv] = (struct op_handlers){op_ud, op_xgetbv};
    tbl[OP_xsetbv] = (struct op_handlers){op_ud, op_xsetbv};
    dctx.flags = CTX_MODE64;
    dctx.features = ~0ull;
    dctx.handlers = tbl;
    dctx.fn_ud = op_ud;
    dctx.fn_nm = op_nm;
    dctx.fn_gp = op_gp0;
}

static void cpu_init(struct cpu *c)
{
    memset(c, 0, sizeof *c);
    c->tlb = &c->tlb_host;
    memset(c->tlb, 0xff, sizeof c->tlb->e);
    c->tlb_cls = c->tlb->e[0];
    for (unsigned s = 0; s < 6; s++) {
        c->seg[s].lo = 0;
        c->seg[s].hi = ~0ull;
        c->seg[s].ok = SEG_OK_R | SEG_OK_W;
        c->seg[s].ar = AR_P | AR_S | AR_L;
    }
    c->lin_mask = ~0ull;
    c->mode64 = 1;
    c->efer = EFER_LMA | EFER_LME;
    c->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_PG;
    c->cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXSAVE;
    c->xcr0 = 3;
    c->mxcsr = 0x1f80;
    c->fpu.fcw = FCW_INIT;
    c->fpu.ftw = 0xffff;
}

static volatile size_t emu_pos;
/* Runs code[0..n) from guest address 0x100; returns -1, or the vector of a fault. */
static int emu_run(struct cpu *c, const uint8_t *code, size_t n)
{
    emu_pos = 0;
    if (setjmp(c->jb)) return c->fault.vector;
    while (emu_pos < n) {
        struct insn in[2]; /* the instruction and an end marker (cpu_next_insn) */
        if (decode_insn(&dctx, code + emu_pos, n - emu_pos, &in[0]) != DEC_OK || !in[0].fn)
            return 256 + code[emu_pos];
        cpu_insn_end_marker(&in[1]);
        c->insn_rip = 0x100 + emu_pos;
        RIP(c) = c->insn_rip + in[0].len;
        in[0].fn(c, &in[0]);
        emu_pos += in[0].len;
    }
    return -1;
}

/* ---------------------------------------------------------------- native runner -- */
static uint8_t *jit;
static uint8_t hmem[GMEM] __attribute__((aligned(64)));

static const uint8_t pro[] = {
    0xff, 0xb7, 0x58, 0x02, 0x00, 0x00, /* push qword [rdi+600] */
    0x9d,                               /* popfq */
    0x48, 0x8b, 0x87, 0x70, 0x02, 0x00, 0x00, /* mov rax, [rdi+624] */
    0x48, 0x0f, 0xae, 0x0f,             /* fxrstor64 [rdi] */
};
static const uint8_t epi[] = {
    0x48, 0x0f, 0xae, 0x07,             /* fxsave64 [rdi] */
    0xd9, 0xb7, 0x00, 0x02, 0x00, 0x00, /* fnstenv [rdi+512] */
    0x9c,                               /* pushfq */
    0x8f, 0x87, 0x60, 0x02, 0x00, 0x00, /* pop qword [rdi+608] */
    0x48, 0x89, 0x87, 0x68, 0x02, 0x00, 0x00, /* mov [rdi+616], rax */
    0xdb, 0xe3,                         /* fninit */
    0xc3,
};

static void native_run(const uint8_t *code, size_t n)
{
    size_t p = 0;
    memcpy(jit, pro, sizeof pro);
    p += sizeof pro;
    memcpy(jit + p, code, n);
    p += n;
    memcpy(jit + p, epi, sizeof epi);
    void (*fn)(void *, void *) = (void (*)(void *, void *))(void *)jit;
    fn(hmem + STATE, hmem + DATA);
}

/* ---------------------------------------------------------------- cases -- */
typedef struct { uint64_t sig; uint16_t se; } x80;

static const x80 vals[] = {
    {0, 0}, {0, 0x8000}, {1ull << 63, 0x3fff}, {1ull << 63, 0xbfff}, {0xc000000000000000ull, 0x3fff},
    {0xc90fdaa22168c235ull, 0x4000}, {0xc000000000000000ull, 0x4000}, {0xcccccccccccccccdull, 0x3ffb},
    {0xaaaaaaaaaaaaaaabull, 0x3ffd}, {1ull << 63, 0x3fff + 100}, {1ull << 63, 1}, {0x0000000012345678ull, 0},
    {0x8000000000000005ull, 0}, {~0ull, 0x7ffe}, {1ull << 63, 0x7fff}, {1ull << 63, 0xffff},
    {0xc000000000000001ull, 0x7fff}, {0x8000000000000001ull, 0x7fff}, {0xc000000000000000ull, 0xffff},
    {0x4000000000000000ull, 0x3fff}, {0, 0x7fff}, {0xfff0000000000000ull, 0x400d}, {0x8001000000000000ull, 0xc00e},
    {1ull << 63, 0x3fff + 63}, {0xde0b6b3a76400000ull, 0x3fff + 59}, {0xf12345678abcdef1ull, 0x4010},
    {1ull << 63, 0x3fff - 70}, {0xe800000000000000ull, 0xc001}, {0xc000000000000000ull, 0x3ffe},
    {0x8000000000000001ull, 0x0001}, {0xfffffffffffffffful, 0x3ffe}, {0x8000000000000000ull, 0x3fff + 64},
    {0xb17217f7d1cf79acull, 0x3ffe}, {0x9a209a84fbcff799ull, 0x3ffd}, {0xc90fdaa22168c235ull, 0x3fff + 62},
    {0x8765432112345678ull, 0x3fff + 30}, {0xffffffffff000000ull, 0x3fff + 31}, {0x8000000000000400ull, 0x3fff + 52},
};
#define NV (sizeof vals / sizeof vals[0])

static const uint16_t fcws[] = {0x037f, 0x077f, 0x0b7f, 0x0f7f, 0x007f, 0x027f, 0x0340, 0x0360, 0x037e, 0x037b};
#define NF (sizeof fcws / sizeof fcws[0])

struct setup {
    uint16_t fcw, fsw;
    unsigned top, nvalid; /* ST(0..nvalid-1) valid */
    x80 st[8];
    uint32_t eflags;
    uint8_t data[64];
    unsigned datalen;
    uint64_t rax;
};

static void make_image(uint8_t *m, const struct setup *s)
{
    memset(m + STATE, 0, 1024);
    uint8_t *im = m + STATE;
    uint16_t fsw = (uint16_t)((s->fsw & ~FSW_TOP) | (s->top << 11));
    memcpy(im, &s->fcw, 2);
    memcpy(im + 2, &fsw, 2);
    uint8_t atw = 0;
    for (unsigned k = 0; k < s->nvalid; k++) atw |= (uint8_t)(1u << ((s->top + k) & 7));
    im[4] = atw;
    uint32_t mx = 0x1f80, mxm = 0xffff;
    memcpy(im + 24, &mx, 4);
    memcpy(im + 28, &mxm, 4);
    for (unsigned k = 0; k < 8; k++) {
        memcpy(im + 32 + 16 * k, &s->st[k].sig, 8);
        memcpy(im + 40 + 16 * k, &s->st[k].se, 2);
    }
    for (unsigned k = 0; k < 16; k++) memset(im + 160 + 16 * k, 0x11 * k, 16);
    uint64_t fl = (s->eflags & FL_ARITH) | 0x202;
    memcpy(im + 600, &fl, 8);
    memcpy(im + 624, &s->rax, 8);
    memset(m + DATA, 0xcc, 0x400);
    memcpy(m + DATA, s->data, s->datalen);
}

static unsigned total, fails;
static struct { const char *name; unsigned fails, total; } per[256];
static unsigned nper;
static void count(const char *name, bool bad)
{
    unsigned k;
    for (k = 0; k < nper && strcmp(per[k].name, name); k++) {}
    if (k == nper && nper < 256) per[nper++].name = name;
    if (k < 256) { per[k].total++; per[k].fails += bad; }
}
static char last_name[64];
static unsigned name_fails;

static void hexdump(const char *tag, const uint8_t *p, unsigned n)
{
    printf("    %s:", tag);
    for (unsigned k = 0; k < n; k++) printf(" %02x", p[k]);
    printf("\n");
}

/* skip: data bytes excluded from the comparison (pointer fields of stored environments) */
static bool run_case(const char *name, const uint8_t *code, size_t n, const struct setup *s,
                     const uint8_t *skip)
{
    make_image(hmem, s);
    memcpy(gmem, hmem, GMEM);
    native_run(code, n);

    uint8_t prog[64];
    static const uint8_t erst[] = {0x48, 0x0f, 0xae, 0x0f};
    static const uint8_t esav[] = {0x48, 0x0f, 0xae, 0x07, 0xd9, 0xb7, 0x00, 0x02, 0x00, 0x00};
    size_t p = 0;
    memcpy(prog, erst, sizeof erst);
    p += sizeof erst;
    memcpy(prog + p, code, n);
    p += n;
    memcpy(prog + p, esav, sizeof esav);
    p += sizeof esav;
    cpu_init(&cpu);
    cpu.gpr[7] = STATE;
    cpu.gpr[6] = DATA;
    cpu.gpr[0] = s->rax;
    set_arith_flags(&cpu, s->eflags);
    int r = emu_run(&cpu, prog, p);
    total++;

    const uint8_t *a = hmem + STATE, *b = gmem + STATE;
    bool bad = r != -1;
    char why[256] = "";
    if (r != -1) snprintf(why, sizeof why, "emulator fault %d ", r);
#define CMP(off, len, what) \
    if (memcmp(a + (off), b + (off), (len))) { bad = true; strncat(why, what " ", sizeof why - strlen(why) - 1); }
    CMP(0, 2, "FCW");
    CMP(2, 2, "FSW");
    CMP(4, 1, "ATW");
    CMP(6, 2, "FOP");
    CMP(24, 4, "MXCSR");
    CMP(32, 128, "ST");
    CMP(160, 256, "XMM");
    CMP(512 + 8, 2, "FTW");
    CMP(512 + 4, 2, "envFSW");
    {
        uint32_t fa, fb;
        memcpy(&fa, a + 512 + 16, 4);
        memcpy(&fb, b + 512 + 16, 4);
        if ((fa >> 16) != (fb >> 16)) { bad = true; strcat(why, "envFOP "); }
    }
    uint64_t fla, ax;
    memcpy(&fla, a + 608, 8);
    memcpy(&ax, a + 616, 8);
    if ((fla & FL_ARITH) != flags_arith(&cpu)) { bad = true; strcat(why, "EFLAGS "); }
    if ((uint16_t)ax != (uint16_t)cpu.gpr[0]) { bad = true; strcat(why, "AX "); }
    for (unsigned k = 0; k < 0x400; k++) {
        if (skip && k < 128 && skip[k]) continue;
        if (hmem[DATA + k] != gmem[DATA + k]) { bad = true; strcat(why, "DATA "); break; }
    }
    count(name, bad);
    if (!bad) return true;
    fails++;
    if (strcmp(name, last_name)) {
        snprintf(last_name, sizeof last_name, "%s", name);
        name_fails = 0;
    }
    if (name_fails++ < 3) {
        printf("FAIL %s: %s\n", name, why);
        printf("    setup fcw=%04x top=%u nvalid=%u st0=%04x:%016llx st1=%04x:%016llx data=",
               s->fcw, s->top, s->nvalid, s->st[0].se, (unsigned long long)s->st[0].sig, s->st[1].se,
               (unsigned long long)s->st[1].sig);
        for (unsigned k = 0; k < s->datalen && k < 10; k++) printf("%02x", s->data[k]);
        printf(" eflags=%x\n", s->eflags);
        hexdump("host FCW FSW ATW . FOP", a, 8);
        hexdump("emu  FCW FSW ATW . FOP", b, 8);
        printf("    host ftw=%04x emu ftw=%04x  host fl=%03llx emu fl=%03x\n", a[520] | a[521] << 8,
               b[520] | b[521] << 8, (unsigned long long)(fla & FL_ARITH), flags_arith(&cpu));
        for (unsigned k = 0; k < 8; k++)
            if (memcmp(a + 32 + 16 * k, b + 32 + 16 * k, 16)) {
                printf("    ST%u host %02x%02x:", k, a[41 + 16 * k], a[40 + 16 * k]);
                for (int j = 7; j >= 0; j--) printf("%02x", a[32 + 16 * k + j]);
                printf(" emu %02x%02x:", b[41 + 16 * k], b[40 + 16 * k]);
                for (int j = 7; j >= 0; j--) printf("%02x", b[32 + 16 * k + j]);
                printf("\n");
            }
        if (strstr(why, "DATA")) {
            hexdump("host data", hmem + DATA, 32);
            hexdump("emu  data", gmem + DATA, 32);
        }
    }
    return false;
}

struct opdef {
    const char *name;
    uint8_t code[4];
    unsigned len;
};

static void two_reg(const struct opdef *ops, size_t nops, bool all_fcw)
{
    for (size_t o = 0; o < nops; o++)
        for (unsigned f = 0; f < (all_fcw ? NF : 2); f++)
            for (unsigned x = 0; x < NV; x++)
                for (unsigned y = 0; y < NV; y++) {
                    struct setup s;
                    memset(&s, 0, sizeof s);
                    s.fcw = fcws[f];
                    s.top = 5;
                    s.nvalid = 2;
                    s.st[0].sig = vals[x].sig; s.st[0].se = vals[x].se;
                    s.st[1].sig = vals[y].sig; s.st[1].se = vals[y].se;
                    s.eflags = (x * 7 + y) & FL_ARITH;
                    s.fsw = (uint16_t)(((x + y) & 1) ? FSW_C0 | FSW_C2 | FSW_C3 : 0);
                    run_case(ops[o].name, ops[o].code, ops[o].len, &s, NULL);
                }
}

static void one_reg(const struct opdef *ops, size_t nops)
{
    for (size_t o = 0; o < nops; o++)
        for (unsigned f = 0; f < NF; f++)
            for (unsigned x = 0; x < NV + 2; x++) {
                struct setup s;
                memset(&s, 0, sizeof s);
                s.fcw = fcws[f];
                s.top = 3;
                s.nvalid = x < NV ? 2 : x == NV ? 0 : 8; /* empty stack, full stack */
                unsigned v = x < NV ? x : 5;
                for (unsigned k = 0; k < 8; k++) { s.st[k].sig = vals[(v + 3 * k) % NV].sig; s.st[k].se = vals[(v + 3 * k) % NV].se; }
                s.st[0].sig = vals[v].sig; s.st[0].se = vals[v].se;
                s.fsw = (uint16_t)((x & 1) ? FSW_C0 | FSW_C2 | FSW_C3 | FSW_C1 : 0);
                run_case(ops[o].name, ops[o].code, ops[o].len, &s, NULL);
            }
}

/* memory-operand forms: data from a list of raw images */
static void mem_op(const struct opdef *op, const uint8_t (*data)[10], size_t nd, unsigned dlen, unsigned nvalid)
{
    for (unsigned f = 0; f < NF; f++)
        for (size_t d = 0; d < nd; d++)
            for (unsigned x = 0; x < (nvalid ? NV : 1); x++) {
                struct setup s;
                memset(&s, 0, sizeof s);
                s.fcw = fcws[f];
                s.top = 2;
                s.nvalid = nvalid;
                for (unsigned k = 0; k < 8; k++) { s.st[k].sig = vals[(x + k) % NV].sig; s.st[k].se = vals[(x + k) % NV].se; }
                memcpy(s.data, data[d], dlen);
                s.datalen = dlen;
                run_case(op->name, op->code, op->len, &s, NULL);
            }
}

int main(void)
{
    jit = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (jit == MAP_FAILED) { perror("mmap"); return 2; }
    emu_init();

    static const struct opdef bin[] = {
        {"fadd st,st1", {0xd8, 0xc1}, 2}, {"fmul st,st1", {0xd8, 0xc9}, 2}, {"fsub st,st1", {0xd8, 0xe1}, 2},
        {"fsubr st,st1", {0xd8, 0xe9}, 2}, {"fdiv st,st1", {0xd8, 0xf1}, 2}, {"fdivr st,st1", {0xd8, 0xf9}, 2},
        {"fadd st1,st", {0xdc, 0xc1}, 2}, {"fsubr st1,st(dc e1)", {0xdc, 0xe1}, 2}, {"fsub st1,st(dc e9)", {0xdc, 0xe9}, 2},
        {"fdivr st1,st(dc f1)", {0xdc, 0xf1}, 2}, {"fdiv st1,st(dc f9)", {0xdc, 0xf9}, 2},
        {"faddp", {0xde, 0xc1}, 2}, {"fmulp", {0xde, 0xc9}, 2}, {"fsubrp", {0xde, 0xe1}, 2}, {"fsubp", {0xde, 0xe9}, 2},
        {"fdivrp", {0xde, 0xf1}, 2}, {"fdivp", {0xde, 0xf9}, 2},
        {"fcom st1", {0xd8, 0xd1}, 2}, {"fcomp st1", {0xd8, 0xd9}, 2}, {"fcompp", {0xde, 0xd9}, 2},
        {"fucom st1", {0xdd, 0xe1}, 2}, {"fucomp st1", {0xdd, 0xe9}, 2}, {"fucompp", {0xda, 0xe9}, 2},
        {"fcomi st1", {0xdb, 0xf1}, 2}, {"fucomi st1", {0xdb, 0xe9}, 2}, {"fcomip st1", {0xdf, 0xf1}, 2},
        {"fucomip st1", {0xdf, 0xe9}, 2}, {"fcom2 alias", {0xdc, 0xd1}, 2}, {"fcomp5 alias", {0xde, 0xd1}, 2},
        {"fscale", {0xd9, 0xfd}, 2}, {"fprem", {0xd9, 0xf8}, 2}, {"fprem1", {0xd9, 0xf5}, 2},
        {"fxch st1", {0xd9, 0xc9}, 2}, {"fst st1", {0xdd, 0xd1}, 2}, {"fstp st1", {0xdd, 0xd9}, 2},
        {"fcmovb", {0xda, 0xc1}, 2}, {"fcmove", {0xda, 0xc9}, 2}, {"fcmovbe", {0xda, 0xd1}, 2}, {"fcmovu", {0xda, 0xd9}, 2},
        {"fcmovnb", {0xdb, 0xc1}, 2}, {"fcmovnu", {0xdb, 0xd9}, 2},
        {"fcom st2 (empty)", {0xd8, 0xd2}, 2}, {"fadd st,st3 (empty)", {0xd8, 0xc3}, 2}, {"fxch st3 (empty)", {0xd9, 0xcb}, 2},
        {"faddp st3 (empty)", {0xde, 0xc3}, 2},
    };
    static const struct opdef trans2[] = {
        {"fyl2x", {0xd9, 0xf1}, 2}, {"fyl2xp1", {0xd9, 0xf9}, 2}, {"fpatan", {0xd9, 0xf3}, 2},
    };
    static const struct opdef un[] = {
        {"fchs", {0xd9, 0xe0}, 2}, {"fabs", {0xd9, 0xe1}, 2}, {"ftst", {0xd9, 0xe4}, 2}, {"fxam", {0xd9, 0xe5}, 2},
        {"fsqrt", {0xd9, 0xfa}, 2}, {"frndint", {0xd9, 0xfc}, 2}, {"fxtract", {0xd9, 0xf4}, 2},
        {"fld st1", {0xd9, 0xc1}, 2}, {"fld st0", {0xd9, 0xc0}, 2}, {"ffree st1", {0xdd, 0xc1}, 2}, {"ffreep st0", {0xdf, 0xc0}, 2},
        {"fincstp", {0xd9, 0xf7}, 2}, {"fdecstp", {0xd9, 0xf6}, 2}, {"fnop", {0xd9, 0xd0}, 2}, {"fnclex", {0xdb, 0xe2}, 2},
        {"fninit", {0xdb, 0xe3}, 2}, {"fneni", {0xdb, 0xe0}, 2}, {"fstp1 alias", {0xd9, 0xd9}, 2}, {"fstp st0", {0xdd, 0xd8}, 2},
        {"fnstsw ax", {0xdf, 0xe0}, 2}, {"fxch4 alias", {0xdd, 0xc9}, 2},
        {"fld1", {0xd9, 0xe8}, 2}, {"fldl2t", {0xd9, 0xe9}, 2}, {"fldl2e", {0xd9, 0xea}, 2}, {"fldpi", {0xd9, 0xeb}, 2},
        {"fldlg2", {0xd9, 0xec}, 2}, {"fldln2", {0xd9, 0xed}, 2}, {"fldz", {0xd9, 0xee}, 2},
        {"fst m32", {0xd9, 0x16}, 2}, {"fstp m32", {0xd9, 0x1e}, 2}, {"fst m64", {0xdd, 0x16}, 2}, {"fstp m64", {0xdd, 0x1e}, 2},
        {"fstp m80", {0xdb, 0x3e}, 2}, {"fist m16", {0xdf, 0x16}, 2}, {"fistp m16", {0xdf, 0x1e}, 2},
        {"fist m32", {0xdb, 0x16}, 2}, {"fistp m32", {0xdb, 0x1e}, 2}, {"fistp m64", {0xdf, 0x3e}, 2},
        {"fisttp m16", {0xdf, 0x0e}, 2}, {"fisttp m32", {0xdb, 0x0e}, 2}, {"fisttp m64", {0xdd, 0x0e}, 2},
        {"fbstp", {0xdf, 0x36}, 2}, {"fnstcw", {0xd9, 0x3e}, 2}, {"fnstsw m", {0xdd, 0x3e}, 2},
        {"fld m80 (self store)", {0xdb, 0x3e}, 2},
    };
    static const struct opdef trans1[] = {
        {"f2xm1", {0xd9, 0xf0}, 2}, {"fsin", {0xd9, 0xfe}, 2}, {"fcos", {0xd9, 0xff}, 2}, {"fptan", {0xd9, 0xf2}, 2},
        {"fsincos", {0xd9, 0xfb}, 2},
    };
    two_reg(bin, ARRAY_SIZE(bin), true);
    unsigned f_basic = fails, t_basic = total;
    one_reg(un, ARRAY_SIZE(un));
    unsigned f_un = fails - f_basic, t_un = total - t_basic;

    /* memory operands */
    uint8_t d32[NV + 8][10], d64[NV + 8][10], d80[NV][10], di[24][10], dbcd[12][10];
    size_t n32 = 0, n64 = 0;
    {
        static const uint32_t f32s[] = {0, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000,
                                        0x7f800001, 0x00000001, 0x007fffff, 0x7f7fffff, 0x3eaaaaab, 0x4b000001, 0x00800000};
        static const uint64_t f64s[] = {0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0x7ff0000000000000ull,
                                        0x7ff8000000000000ull, 0x7ff0000000000001ull, 1, 0x000fffffffffffffull,
                                        0x7fefffffffffffffull, 0x3fd5555555555555ull, 0xc00921fb54442d18ull, 0x0010000000000000ull};
        for (size_t k = 0; k < ARRAY_SIZE(f32s); k++) { memset(d32[n32], 0, 10); memcpy(d32[n32++], &f32s[k], 4); }
        for (size_t k = 0; k < ARRAY_SIZE(f64s); k++) { memset(d64[n64], 0, 10); memcpy(d64[n64++], &f64s[k], 8); }
        for (size_t k = 0; k < NV; k++) { memcpy(d80[k], &vals[k].sig, 8); memcpy(d80[k] + 8, &vals[k].se, 2); }
        static const int64_t ints[] = {0, 1, -1, 32767, -32768, 2147483647, -2147483647 - 1, 123456789,
                                       INT64_MAX, INT64_MIN, -5, 1000000000000000000ll};
        for (size_t k = 0; k < 12; k++) { memset(di[k], 0, 10); memcpy(di[k], &ints[k], 8); }
        static const uint8_t bcds[12][10] = {
            {0}, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80}, {0x21, 0x43, 0x65, 0x87, 0x09, 0x21, 0x43, 0x65, 0x87, 0},
            {0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x80}, {1, 0, 0, 0, 0, 0, 0, 0, 0, 0x80},
            {0x0a, 0xb0, 0, 0, 0, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0xff}, {0x5, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f},
            {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, {0x10}, {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00},
            {0x34, 0x12},
        };
        memcpy(dbcd, bcds, sizeof bcds);
    }
    unsigned f0 = fails, t0 = total;
    static const struct opdef m32ops[] = {
        {"fadd m32", {0xd8, 0x06}, 2}, {"fmul m32", {0xd8, 0x0e}, 2}, {"fcom m32", {0xd8, 0x16}, 2}, {"fcomp m32", {0xd8, 0x1e}, 2},
        {"fsub m32", {0xd8, 0x26}, 2}, {"fsubr m32", {0xd8, 0x2e}, 2}, {"fdiv m32", {0xd8, 0x36}, 2}, {"fdivr m32", {0xd8, 0x3e}, 2},
    };
    for (size_t k = 0; k < 8; k++) mem_op(&m32ops[k], (const uint8_t(*)[10])d32, n32, 4, 2);
    static const struct opdef m64ops[] = {
        {"fadd m64", {0xdc, 0x06}, 2}, {"fcomp m64", {0xdc, 0x1e}, 2}, {"fsubr m64", {0xdc, 0x2e}, 2}, {"fdiv m64", {0xdc, 0x36}, 2},
    };
    for (size_t k = 0; k < 4; k++) mem_op(&m64ops[k], (const uint8_t(*)[10])d64, n64, 8, 2);
    static const struct opdef miops[] = {
        {"fiadd m32", {0xda, 0x06}, 2}, {"ficom m32", {0xda, 0x16}, 2}, {"fidivr m32", {0xda, 0x3e}, 2},
        {"fimul m16", {0xde, 0x0e}, 2}, {"ficomp m16", {0xde, 0x1e}, 2}, {"fisub m16", {0xde, 0x26}, 2},
    };
    for (size_t k = 0; k < 6; k++) mem_op(&miops[k], (const uint8_t(*)[10])di, 12, 8, 2);
    static const struct opdef lds[] = {
        {"fld m32", {0xd9, 0x06}, 2}, {"fld m64", {0xdd, 0x06}, 2}, {"fld m80", {0xdb, 0x2e}, 2},
        {"fild m16", {0xdf, 0x06}, 2}, {"fild m32", {0xdb, 0x06}, 2}, {"fild m64", {0xdf, 0x2e}, 2}, {"fbld", {0xdf, 0x26}, 2},
        {"fldcw", {0xd9, 0x2e}, 2},
    };
    for (unsigned nv = 0; nv <= 8; nv += 4) {
        unsigned nvv = nv == 4 ? 3 : nv;
        mem_op(&lds[0], (const uint8_t(*)[10])d32, n32, 4, nvv);
        mem_op(&lds[1], (const uint8_t(*)[10])d64, n64, 8, nvv);
        mem_op(&lds[2], (const uint8_t(*)[10])d80, NV, 10, nvv);
        mem_op(&lds[3], (const uint8_t(*)[10])di, 12, 8, nvv);
        mem_op(&lds[4], (const uint8_t(*)[10])di, 12, 8, nvv);
        mem_op(&lds[5], (const uint8_t(*)[10])di, 12, 8, nvv);
        mem_op(&lds[6], (const uint8_t(*)[10])dbcd, 12, 10, nvv);
    }
    {
        uint8_t cws[8][10] = {{0x7f, 0x03}, {0xff, 0xff}, {0, 0}, {0x40, 0x13}, {0x7e, 0x0f}, {0xbf, 0xe0}, {0x72, 0x02}, {0x80, 0x00}};
        mem_op(&lds[7], (const uint8_t(*)[10])cws, 8, 2, 2);
    }
    unsigned f_mem = fails - f0, t_mem = total - t0;

    /* environment images: compare all but the pointer fields */
    f0 = fails; t0 = total;
    {
        uint8_t skip32[128] = {0}, skip16[128] = {0};
        for (unsigned k = 12; k < 16; k++) skip32[k] = 1;
        skip32[16] = skip32[17] = 1;
        for (unsigned k = 20; k < 28; k++) skip32[k] = 1;
        for (unsigned k = 6; k < 14; k++) skip16[k] = 1;
        static const struct opdef envs[] = {
            {"fnstenv", {0xd9, 0x36}, 2}, {"fnsave", {0xdd, 0x36}, 2}, {"fnstenv o16", {0x66, 0xd9, 0x36}, 3},
            {"fnsave o16", {0x66, 0xdd, 0x36}, 3},
            {"fnsave+frstor", {0xdd, 0x36, 0xdd, 0x26}, 4}, {"fnstenv+fldenv", {0xd9, 0x36, 0xd9, 0x26}, 4},
            {"fxsave32", {0x0f, 0xae, 0x06}, 3},
        };
        for (size_t o = 0; o < ARRAY_SIZE(envs); o++)
            for (unsigned f = 0; f < NF; f++)
                for (unsigned x = 0; x < NV; x += 3) {
                    struct setup s;
                    memset(&s, 0, sizeof s);
                    s.fcw = fcws[f];
                    s.fsw = (uint16_t)(x * 0x1234 & 0x47ff);
                    s.top = x & 7;
                    s.nvalid = x % 9;
                    for (unsigned k = 0; k < 8; k++) { s.st[k].sig = vals[(x + k) % NV].sig; s.st[k].se = vals[(x + k) % NV].se; }
                    const uint8_t *sk = envs[o].code[0] == 0x66 ? skip16 : skip32;
                    if (envs[o].code[0] == 0x0f) {
                        static uint8_t skfx[128];
                        memset(skfx, 0, sizeof skfx);
                        for (unsigned k = 8; k < 24; k++) skfx[k] = 1;
                        sk = skfx;
                    }
                    run_case(envs[o].name, envs[o].code, envs[o].len, &s, sk);
                }
        /* FLDENV/FRSTOR from crafted images: tag words claiming wrong classes, unmasked flags */
        for (unsigned x = 0; x < 64; x++) {
            struct setup s;
            memset(&s, 0, sizeof s);
            s.fcw = 0x037f;
            s.top = 0;
            s.nvalid = 8;
            for (unsigned k = 0; k < 8; k++) { s.st[k].sig = vals[(x + k) % NV].sig; s.st[k].se = vals[(x + k) % NV].se; }
            uint32_t env[7] = {0xffff0000u | (x & 1 ? 0x0372 : 0x037f), 0xffff0000u | ((x * 0x0999) & 0x7fff),
                               0xffff0000u | (uint16_t)(x * 0x9e37), 0, 0, 0, 0xffff0000u};
            memcpy(s.data, env, 28);
            s.datalen = 28;
            static const uint8_t ldenv[] = {0xd9, 0x26};
            run_case("fldenv crafted", ldenv, 2, &s, NULL);
        }
    }
    unsigned f_env = fails - f0, t_env = total - t0;

    f0 = fails; t0 = total;
    two_reg(trans2, ARRAY_SIZE(trans2), false);
    one_reg(trans1, ARRAY_SIZE(trans1));
    unsigned f_tr = fails - f0, t_tr = total - t0;

    /* emulator-only checks: #MF delivery, FWAIT, XSAVE/XRSTOR round trip, XGETBV/XSETBV */
    unsigned emu_bad = 0;
    {
        static const uint8_t fadd[] = {0xd8, 0xc1}, fw[] = {0x9b}, fnclex[] = {0xdb, 0xe2};
        cpu_init(&cpu);
        cpu.fpu.fsw = FSW_ES | FSW_B | FSW_ZE;
        if (emu_run(&cpu, fadd, 2) != EXC_MF) { printf("FAIL #MF on fadd\n"); emu_bad++; }
        if (emu_run(&cpu, fw, 1) != EXC_MF) { printf("FAIL #MF on fwait\n"); emu_bad++; }
        if (emu_run(&cpu, fnclex, 2) != -1 || emu_run(&cpu, fw, 1) != -1) { printf("FAIL fnclex/fwait\n"); emu_bad++; }
        cpu.cr0 |= CR0_TS;
        if (emu_run(&cpu, fw, 1) != EXC_NM) { printf("FAIL fwait #NM\n"); emu_bad++; }
        cpu.cr0 &= ~CR0_NE & ~CR0_TS;
        cpu.fpu.fsw = FSW_ES | FSW_B | FSW_ZE;
        if (emu_run(&cpu, fadd, 2) != -1) { printf("FAIL legacy FERR path\n"); emu_bad++; }

        /* XSAVE [rsi] with EDX:EAX = 3, then scramble, XRSTOR, compare */
        static const uint8_t xs[] = {0x48, 0x0f, 0xae, 0x26}, xr[] = {0x48, 0x0f, 0xae, 0x2e};
        cpu_init(&cpu);
        memset(gmem, 0, GMEM);
        cpu.gpr[6] = DATA;
        cpu.gpr[0] = 3;
        for (unsigned k = 0; k < 8; k++) { cpu.fpu.st[k].sig = vals[k].sig; cpu.fpu.st[k].se = vals[k].se; }
        cpu.fpu.ftw = 0x5a0f;
        cpu.fpu.fsw = 0x2801;
        cpu.fpu.fcw = 0x0b7e;
        x87_update_es(&cpu);
        for (unsigned k = 0; k < 16; k++) memset(&cpu.xmm[k], 0x21 + k, 16);
        cpu.mxcsr = 0x9fc0;
        struct fpu saved = cpu.fpu;
        union xmm sx[16];
        memcpy(sx, cpu.xmm, sizeof sx);
        if (emu_run(&cpu, xs, 4) != -1) { printf("FAIL xsave\n"); emu_bad++; }
        uint64_t bv;
        memcpy(&bv, gmem + DATA + 512, 8);
        if (bv != 3) { printf("FAIL xstate_bv %llx\n", (unsigned long long)bv); emu_bad++; }
        x87_reset(&cpu);
        memset(cpu.xmm, 0, sizeof cpu.xmm);
        memset(cpu.fpu.st, 0, sizeof cpu.fpu.st);
        cpu.mxcsr = 0x1f80;
        if (emu_run(&cpu, xr, 4) != -1) { printf("FAIL xrstor\n"); emu_bad++; }
        if (memcmp(cpu.fpu.st, saved.st, sizeof saved.st) || cpu.fpu.fsw != saved.fsw || cpu.fpu.fcw != saved.fcw ||
            cpu.mxcsr != 0x9fc0 || memcmp(cpu.xmm, sx, sizeof sx)) { printf("FAIL xsave/xrstor round trip\n"); emu_bad++; }
        /* XSTATE_BV = 0: components initialized; MXCSR still loaded */
        memset(gmem + DATA + 512, 0, 8);
        if (emu_run(&cpu, xr, 4) != -1 || cpu.fpu.fcw != 0x037f || cpu.fpu.ftw != 0xffff || cpu.xmm[3].q[0] != 0 ||
            cpu.mxcsr != 0x9fc0) { printf("FAIL xrstor init\n"); emu_bad++; }
        /* reserved header bytes, bad XSTATE_BV, bad MXCSR, misalignment: #GP */
        gmem[DATA + 512 + 17] = 1;
        if (emu_run(&cpu, xr, 4) != EXC_GP) { printf("FAIL xrstor hdr #GP\n"); emu_bad++; }
        gmem[DATA + 512 + 17] = 0;
        gmem[DATA + 512] = 4;
        if (emu_run(&cpu, xr, 4) != EXC_GP) { printf("FAIL xrstor bv #GP\n"); emu_bad++; }
        gmem[DATA + 512] = 0;
        gmem[DATA + 26] = 1;
        if (emu_run(&cpu, xr, 4) != EXC_GP) { printf("FAIL xrstor mxcsr #GP\n"); emu_bad++; }
        cpu.gpr[6] = DATA + 16;
        if (emu_run(&cpu, xs, 4) != EXC_GP) { printf("FAIL xsave align #GP\n"); emu_bad++; }
        static const uint8_t fxs[] = {0x0f, 0xae, 0x06};
        cpu.gpr[6] = DATA + 8;
        if (emu_run(&cpu, fxs, 3) != EXC_GP) { printf("FAIL fxsave align #GP\n"); emu_bad++; }
        /* XGETBV / XSETBV */
        static const uint8_t xget[] = {0x0f, 0x01, 0xd0}, xset[] = {0x0f, 0x01, 0xd1};
        cpu.gpr[1] = 0;
        if (emu_run(&cpu, xget, 3) != -1 || cpu.gpr[0] != 3 || cpu.gpr[2] != 0) { printf("FAIL xgetbv\n"); emu_bad++; }
        cpu.gpr[1] = 1;
        if (emu_run(&cpu, xget, 3) != EXC_GP) { printf("FAIL xgetbv ecx=1\n"); emu_bad++; }
        cpu.gpr[1] = 0; cpu.gpr[0] = 2; cpu.gpr[2] = 0;
        if (emu_run(&cpu, xset, 3) != EXC_GP) { printf("FAIL xsetbv no x87\n"); emu_bad++; }
        cpu.gpr[0] = 7;
        if (emu_run(&cpu, xset, 3) != EXC_GP) { printf("FAIL xsetbv avx\n"); emu_bad++; }
        cpu.gpr[0] = 1;
        if (emu_run(&cpu, xset, 3) != -1 || cpu.xcr0 != 1) { printf("FAIL xsetbv 1\n"); emu_bad++; }
        cpu.cpl = 3;
        if (emu_run(&cpu, xset, 3) != EXC_GP) { printf("FAIL xsetbv cpl3\n"); emu_bad++; }
        cpu.cr4 &= ~CR4_OSXSAVE;
        if (emu_run(&cpu, xget, 3) != EXC_UD) { printf("FAIL xgetbv #UD\n"); emu_bad++; }
    }

    for (unsigned k = 0; k < nper; k++)
        if (per[k].fails) printf("  %-24s %6u/%u failed\n", per[k].name, per[k].fails, per[k].total);
    printf("basic arith/compare/move: %u/%u failed\n", f_basic, t_basic);
    printf("unary/stores/constants/control: %u/%u failed\n", f_un, t_un);
    printf("memory operands: %u/%u failed\n", f_mem, t_mem);
    printf("environment/save images: %u/%u failed\n", f_env, t_env);
    printf("transcendental: %u/%u failed (last-bit differences are expected, see README)\n", f_tr, t_tr);
    printf("emulator-only checks: %u failed\n", emu_bad);
    printf("total %u cases, %u failed\n", total, fails);
    return fails - f_tr || emu_bad ? 1 : 0;
}
