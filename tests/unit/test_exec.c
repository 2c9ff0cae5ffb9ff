/* Unit tests of the run loop (cpu/exec.c) and of instructions whose effect is on virtual time or
 * on the loop itself: small real-mode programs run from RAM through cpu_run on a CPU with 1 MiB
 * of RAM and an empty port bus. Time: one retired instruction is 1 ns, PAUSE PAUSE_NS in all
 * (cpu/ops/system.c). */
#include "realmode_fixture.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>



static void setup(void)
{
    fixture_create(cpu_model_default());
}

/* Loads a real-mode program at 0000:CODE with SP 0x8000 (realmode_fixture.h). */
static void load(const uint8_t *code, size_t len) { load_real(code, len, 0x8000); }

/* PAUSE retires as one instruction and charges PAUSE_NS - 1 more ns of guest time. */
START_TEST(pause_charges_time)
{
    static const uint8_t prog[] = {
        0xf3, 0x90, /* pause */
        0x90,       /* nop */
        0xf3, 0x90, /* pause */
        0xf4,       /* hlt */
    };
    load(prog, sizeof prog);
    uint64_t i0 = c->icount, t0 = cpu_vtime(c);
    enum cpu_stop r = cpu_run(c, 1000);
    ck_assert_int_eq(r, CPU_STOP_HALT);
    ck_assert_uint_eq(c->icount - i0, 4);
    ck_assert_uint_eq(cpu_vtime(c) - t0, 4 + 2 * (PAUSE_NS - 1));
    ck_assert_uint_eq(c->pause_ns, 2 * (PAUSE_NS - 1));
}
END_TEST

/* RDTSC after PAUSE sees the charged time (the TSC is guest time). */
START_TEST(pause_advances_tsc)
{
    static const uint8_t prog[] = {
        0x0f, 0x31,             /* rdtsc */
        0x66, 0x89, 0xc3,       /* mov ebx, eax */
        0xf3, 0x90,             /* pause */
        0x0f, 0x31,             /* rdtsc */
        0x66, 0x29, 0xd8,       /* sub eax, ebx */
        0xf4,                   /* hlt */
    };
    load(prog, sizeof prog);
    ck_assert_int_eq(cpu_run(c, 1000), CPU_STOP_HALT);
    /* at least the PAUSE's time; the instructions in between add at most a few ns */
    uint32_t d = (uint32_t)c->gpr[0];
    ck_assert_uint_ge(d, PAUSE_NS - 1);
    ck_assert_uint_le(d, PAUSE_NS + 4);
}
END_TEST

/* Port I/O takes the bus time set for its port (the board gives the ISA side 1 us) on top of
 * the instruction's own nanosecond, for IN, OUT and each INS/OUTS element; other ports none. */
START_TEST(port_io_time)
{
    static const uint8_t prog[] = {
        0xe4, 0x61,             /* in al, 0x61 */
        0xe6, 0x61,             /* out 0x61, al */
        0xe4, 0x62,             /* in al, 0x62 (no time set) */
        0xba, 0x61, 0x00,       /* mov dx, 0x61 */
        0xbf, 0x00, 0x30,       /* mov di, 0x3000 */
        0xb9, 0x03, 0x00,       /* mov cx, 3 */
        0xfc,                   /* cld */
        0xf3, 0x6c,             /* rep insb */
        0xf4,                   /* hlt */
    };
    bus_set_pio_time(bus, 0x61, 1, 1000);
    load(prog, sizeof prog);
    uint64_t i0 = c->icount, t0 = cpu_vtime(c);
    ck_assert_int_eq(cpu_run(c, 100000), CPU_STOP_HALT);
    ck_assert_uint_eq(c->io_ns, 5 * 1000);
    ck_assert_uint_eq(cpu_vtime(c) - t0, (c->icount - i0) + 5 * 1000);
}
END_TEST

/* A budget is guest time: a PAUSE loop stops near the budget's end in guest time, not after
 * budget instructions. */
START_TEST(pause_budget_is_guest_time)
{
    static const uint8_t prog[] = {
        0xf3, 0x90, /* l: pause */
        0xeb, 0xfc, /* jmp l */
    };
    load(prog, sizeof prog);
    uint64_t t0 = cpu_vtime(c), i0 = c->icount;
    ck_assert_int_eq(cpu_run(c, 100000), CPU_STOP_BUDGET);
    uint64_t dt = cpu_vtime(c) - t0;
    ck_assert_uint_ge(dt, 100000);
    ck_assert_uint_le(dt, 100000 + PAUSE_NS + 1); /* one block (PAUSE, JMP) of overshoot */
    ck_assert_uint_eq(c->icount - i0, 2 * (dt / (PAUSE_NS + 1)));
}
END_TEST

/* A fault in the middle of a block reports the faulting instruction's IP (derived from the
 * block, not stored per instruction) and counts only the instructions before it. */
START_TEST(fault_rip_inside_block)
{
    static const uint8_t prog[] = {
        0x90,       /* 1000 nop */
        0x90,       /* 1001 nop */
        0x31, 0xc9, /* 1002 xor cx, cx */
        0xf7, 0xf1, /* 1004 div cx: #DE */
        0x90,       /* 1006 nop (not reached) */
        0xf4,       /* 1007 hlt */
    };
    load(prog, sizeof prog);
    ram[0] = 0x00; /* IVT[0] = 0000:2000, a HLT */
    ram[1] = 0x20;
    ram[2] = ram[3] = 0;
    ram[0x2000] = 0xf4;
    uint64_t i0 = c->icount;
    ck_assert_int_eq(cpu_run(c, 1000), CPU_STOP_HALT);
    ck_assert_uint_eq(RIP(c), 0x2001);
    ck_assert_uint_eq(c->gpr[4] & 0xffff, 0x8000 - 6);
    ck_assert_uint_eq(ram[0x8000 - 6] | ram[0x8000 - 5] << 8, 0x1004); /* pushed IP */
    ck_assert_uint_eq(c->icount - i0, 4); /* nop, nop, xor, hlt */
}
END_TEST

/* A maskable interrupt request while IF = 0 stays pending without stopping block chaining: a
 * loop keeps running from its chained block instead of looking it up again every iteration. */
START_TEST(intr_pending_if_clear_keeps_chaining)
{
    static const uint8_t prog[] = {
        0xfa,       /* cli */
        0x40,       /* l: inc ax */
        0xeb, 0xfd, /* jmp l */
    };
    load(prog, sizeof prog);
    cpu_set_intr(c, true); /* nothing acknowledges it: c->irq_ack is NULL */
    ck_assert_int_eq(cpu_run(c, 20000), CPU_STOP_BUDGET);
    ck_assert_uint_ge(c->gpr[0] & 0xffff, 9000);
    ck_assert_uint_le(c->icache->lookups, 10);
    ck_assert(c->pending & PEND_INTR);
}
END_TEST

/* An interrupt that a block's MMIO write raises is taken right after that block, also when the
 * block ends in a direct jump (cpu_jump_direct) into a loop that has run before: the jump looks
 * at events as the run loop would. The store goes to RAM on the first call and to a region
 * whose write raises INTR on the second. */
static int ack_vec(void *machine)
{
    (void)machine;
    cpu_set_intr(c, false);
    return 0x20;
}
static uint64_t mmio_rd(void *o, uint64_t off, unsigned size)
{
    (void)o, (void)off, (void)size;
    return 0;
}
static void mmio_wr(void *o, uint64_t off, uint64_t v, unsigned size)
{
    (void)o, (void)off, (void)v, (void)size;
    cpu_set_intr(c, true);
}
START_TEST(direct_jump_sees_event)
{
    static const struct mmio_ops raise = {mmio_rd, mmio_wr};
    ck_assert(memmap_add_mmio(mem, 0xE0000, 0x1000, &raise, NULL, "raise"));
    static const uint8_t code[] = {
        0xfb,             /* 1000 sti */
        0xbb, 0x00, 0x30, /* 1001 mov bx, 0x3000 (RAM) */
        0xba, 0x0a, 0x00, /* 1004 mov dx, 10 */
        0xe8, 0x0d, 0x00, /* 1007 call 1017 */
        0xb8, 0x00, 0xe0, /* 100a mov ax, 0xe000 */
        0x8e, 0xd8,       /* 100d mov ds, ax: [bx] is E0000 */
        0x31, 0xdb,       /* 100f xor bx, bx */
        0x31, 0xd2,       /* 1011 xor dx, dx: the loop has no end of its own */
        0xe8, 0x01, 0x00, /* 1013 call 1017 */
        0xf4,             /* 1016 hlt (not reached) */
        0x31, 0xc9,       /* 1017 f: xor cx, cx */
        0x88, 0x07,       /* 1019 mov [bx], al */
        0xeb, 0x00,       /* 101b jmp 101d */
        0x41,             /* 101d l: inc cx */
        0x39, 0xd1,       /* 101e cmp cx, dx */
        0x75, 0xfb,       /* 1020 jne l */
        0xc3,             /* 1022 ret */
    };
    load(code, sizeof code);
    ram[0x20 * 4] = 0x00; /* IVT[20H] = 0000:2000, a HLT */
    ram[0x20 * 4 + 1] = 0x20;
    ram[0x20 * 4 + 2] = ram[0x20 * 4 + 3] = 0;
    ram[0x2000] = 0xf4;
    c->irq_ack = ack_vec;
    ck_assert_int_eq(cpu_run(c, 1000000), CPU_STOP_HALT);
    ck_assert_uint_eq(RIP(c), 0x2001);
    /* below the CALL's return address: FLAGS, CS, then the interrupted IP, the loop's head,
     * before its first INC */
    ck_assert_uint_eq(ram[0x8000 - 8] | ram[0x8000 - 7] << 8, 0x101d);
    ck_assert_uint_eq(c->gpr[1] & 0xffff, 0);
}
END_TEST

/* A function called from more places than a block has links still returns without a block
 * lookup: the return-address stack names the CALL's block, whose links lead to the return site
 * (cpu.h, struct cpu.ras). Without it, the RET block's 4 links are overwritten in turn by 6
 * return sites and every RET looks its block up (300 lookups). */
START_TEST(ret_uses_call_links)
{
    static const uint8_t prog[] = {
        0xb9, 0x32, 0x00, /* 1000 mov cx, 50 */
        0xe8, 0x13, 0x00, /* 1003 l: call f */
        0xe8, 0x10, 0x00, /* 1006 call f */
        0xe8, 0x0d, 0x00, /* 1009 call f */
        0xe8, 0x0a, 0x00, /* 100c call f */
        0xe8, 0x07, 0x00, /* 100f call f */
        0xe8, 0x04, 0x00, /* 1012 call f */
        0x49,             /* 1015 dec cx */
        0x75, 0xeb,       /* 1016 jnz l */
        0xf4,             /* 1018 hlt */
        0x40,             /* 1019 f: inc ax */
        0xc3,             /* 101a ret */
    };
    load(prog, sizeof prog);
    c->gpr[0] = 0;
    uint64_t l0 = c->icache->lookups;
    ck_assert_int_eq(cpu_run(c, 100000), CPU_STOP_HALT);
    ck_assert_uint_eq(c->gpr[0] & 0xffff, 300);
    ck_assert_uint_le(c->icache->lookups - l0, 20);
}
END_TEST

/* The return-address stack is a prediction: a RET to another address than the CALL pushed goes
 * there (the third time, f replaces its return address; the first two made the links). */
START_TEST(ret_to_replaced_address)
{
    static const uint8_t prog[] = {
        0xb9, 0x03, 0x00, /* 1000 mov cx, 3 */
        0xe8, 0x0b, 0x00, /* 1003 l: call f */
        0x49,             /* 1006 dec cx */
        0x75, 0xfa,       /* 1007 jnz l */
        0xbb, 0x11, 0x11, /* 1009 mov bx, 0x1111 */
        0xf4,             /* 100c hlt */
        0xbb, 0x22, 0x22, /* 100d other: mov bx, 0x2222 */
        0xf4,             /* 1010 hlt */
        0x83, 0xf9, 0x01, /* 1011 f: cmp cx, 1 */
        0x75, 0x04,       /* 1014 jne r */
        0x58,             /* 1016 pop ax */
        0x68, 0x0d, 0x10, /* 1017 push other */
        0xc3,             /* 101a r: ret */
    };
    load(prog, sizeof prog);
    ck_assert_int_eq(cpu_run(c, 100000), CPU_STOP_HALT);
    ck_assert_uint_eq(c->gpr[3] & 0xffff, 0x2222);
    ck_assert_uint_eq(c->gpr[1] & 0xffff, 1);
    ck_assert_uint_eq(RIP(c), 0x1011);
}
END_TEST

/* A RET to a return site whose code was rewritten since the CALL's block was linked to it runs
 * the new code (the link is checked against the page's write stamp like any other). */
START_TEST(ret_to_rewritten_code)
{
    static const uint8_t prog[] = {
        0xb9, 0x02, 0x00,                   /* 1000 mov cx, 2 */
        0xe8, 0x07, 0x00,                   /* 1003 l: call f */
        0xbb, 0x11, 0x11,                   /* 1006 site: mov bx, 0x1111 */
        0x49,                               /* 1009 dec cx */
        0x75, 0xf7,                         /* 100a jnz l */
        0xf4,                               /* 100c hlt */
        0x83, 0xf9, 0x01,                   /* 100d f: cmp cx, 1 */
        0x75, 0x06,                         /* 1010 jne r */
        0xc7, 0x06, 0x07, 0x10, 0x22, 0x22, /* 1012 mov word [site + 1], 0x2222 */
        0xc3,                               /* 1018 r: ret */
    };
    load(prog, sizeof prog);
    ck_assert_int_eq(cpu_run(c, 100000), CPU_STOP_HALT);
    ck_assert_uint_eq(c->gpr[3] & 0xffff, 0x2222);
}
END_TEST

/* Switches the CPU to 64-bit mode at CPL 0 and loads a program at CODE with RSP sp: the first
 * 2 MiB identity-mapped by one 2 MiB page (tables at 10000H-12FFFH), a GDT at 5000H with a
 * 64-bit code segment (selector 8) and a data segment (10H), and an IDT at 4000H whose gate 20H
 * leads to a HLT at 2000H. */
static void load_long(const uint8_t *code, size_t len, uint64_t sp)
{
    load_real(code, len, 0);
    static const uint64_t tables[][2] = {
        {0x10000, 0x11000 | 3}, /* PML4E 0 */
        {0x11000, 0x12000 | 3}, /* PDPTE 0 */
        {0x12000, 0x83},        /* PDE 0: 2 MiB page at 0, writable */
        {0x5008, 0x00209a0000000000ull}, /* 64-bit code, DPL 0 */
        {0x5010, 0x00cf92000000ffffull}, /* data, 4 GiB */
        {0x4200, 0x00008e0000082000ull}, /* gate 20H: interrupt gate to 0008:2000 */
        {0x4208, 0},
    };
    for (unsigned k = 0; k < sizeof tables / sizeof tables[0]; k++)
        memcpy(ram + tables[k][0], &tables[k][1], 8);
    ram[0x2000] = 0xf4; /* hlt */
    c->gdtr = (struct dtr){0x5000, 0x17};
    c->idtr = (struct dtr){0x4000, 0xfff};
    c->cr3 = 0x10000;
    c->cr4 = CR4_PAE;
    c->efer = EFER_LME | EFER_LMA;
    c->cr0 = CR0_PE | CR0_PG | CR0_ET;
    seg_set_cache(c, &c->seg[SEG_CS], SEG_CS, 8, 0, 0xffffffff, AR_P | AR_S | 0xb | AR_L | AR_G);
    for (unsigned s = 0; s < 6; s++)
        if (s != SEG_CS) seg_set_cache(c, &c->seg[s], s, 0x10, 0, 0xffffffff, AR_P | AR_S | 3 | AR_DB | AR_G);
    cpu_update_mode(c);
    RIP(c) = CODE;
    c->gpr[4] = sp;
}

/* In 64-bit code, a RET that goes straight on in the block at its return address (the CALL
 * block's link, cpu_ret_direct) does so only when no event is due: an interrupt raised by an
 * MMIO write in the callee is taken at the return address, before the loop there runs (the
 * third call; the first two made the links). */
START_TEST(ret_direct_sees_event)
{
    static const struct mmio_ops raise = {mmio_rd, mmio_wr};
    ck_assert(memmap_add_mmio(mem, 0xE0000, 0x1000, &raise, NULL, "raise"));
    static const uint8_t code[] = {
        0xfb,                         /* 1000 sti */
        0xbb, 0x00, 0x30, 0x00, 0x00, /* 1001 mov ebx, 0x3000 (RAM) */
        0xba, 0x0a, 0x00, 0x00, 0x00, /* 1006 mov edx, 10 */
        0xbe, 0x02, 0x00, 0x00, 0x00, /* 100b mov esi, 2 */
        0xe8, 0x16, 0x00, 0x00, 0x00, /* 1010 top: call f */
        0x31, 0xc9,                   /* 1015 site: xor ecx, ecx */
        0xff, 0xc1,                   /* 1017 l: inc ecx */
        0x39, 0xd1,                   /* 1019 cmp ecx, edx */
        0x75, 0xfa,                   /* 101b jne l */
        0xff, 0xce,                   /* 101d dec esi */
        0x75, 0xef,                   /* 101f jnz top */
        0xbb, 0x00, 0x00, 0x0e, 0x00, /* 1021 mov ebx, 0xE0000 (MMIO) */
        0x31, 0xd2,                   /* 1026 xor edx, edx: the loop has no end of its own */
        0xeb, 0xe6,                   /* 1028 jmp top */
        0xf4,                         /* 102a hlt (not reached) */
        0x88, 0x03,                   /* 102b f: mov [rbx], al */
        0xc3,                         /* 102d ret */
    };
    load_long(code, sizeof code, 0x8000);
    c->irq_ack = ack_vec;
    ck_assert_int_eq(cpu_run(c, 1000000), CPU_STOP_HALT);
    ck_assert_uint_eq(RIP(c), 0x2001);
    uint64_t rip;
    memcpy(&rip, ram + 0x8000 - 40, 8); /* below SS, RSP, RFLAGS and CS */
    ck_assert_uint_eq(rip, 0x1015);
    ck_assert_uint_eq(c->gpr[1], 10); /* the third call's loop never ran */
}
END_TEST

/* An instruction that runs on into the next page is decoded once and then found in the cache
 * (it used to be decoded anew at every execution): MOV AX, imm16 with its immediate's high byte
 * on the next page, run 1000 times by LOOP. */
START_TEST(page_crossing_insn_cached)
{
    static const uint8_t prog[] = {
        0xb9, 0xe8, 0x03, /* 1000 mov cx, 1000 */
        0xe9, 0xf8, 0x0f, /* 1003 jmp 1ffe */
    };
    load(prog, sizeof prog);
    static const uint8_t tail[] = {
        0xb8, 0x34, /* 1ffe mov ax, 1234 (the 12 is at 2000) */
        0x12,
        0x43,       /* 2001 inc bx */
        0xe2, 0xfa, /* 2002 loop 1ffe */
        0xf4,       /* 2004 hlt */
    };
    memcpy(ram + 0x1ffe, tail, sizeof tail);
    c->gpr[3] = 0;
    ck_assert_int_eq(cpu_run(c, 100000), CPU_STOP_HALT);
    ck_assert_uint_eq(c->gpr[0] & 0xffff, 0x1234);
    ck_assert_uint_eq(c->gpr[3] & 0xffff, 1000);
    ck_assert_uint_le(c->icache->misses, 5);
}
END_TEST

/* With an arena that holds only a few blocks, the cache empties itself over and over while a
 * loop of blocks of 2 to 30 instructions runs (a short one before long ones); every block still
 * computes the right sum. Arenas of 40 sizes put the blocks at different places relative to
 * where the arena starts over, among them places where the block run before an emptying lies
 * inside the long block decoded after it: the run loop must not write a link into the old one
 * then (without the era check in run_blocks, this test crashes). */
START_TEST(icache_refills_when_full)
{
    uint8_t prog[2048];
    size_t n = 0;
    prog[n++] = 0x31; prog[n++] = 0xc0;                 /* xor ax, ax */
    prog[n++] = 0xb9; prog[n++] = 50; prog[n++] = 0;    /* mov cx, 50 */
    size_t top = n;
    unsigned sum = 0;
    for (unsigned k = 1; k <= 12; k++) {
        unsigned adds = k % 3 == 1 ? 1 : k % 3 == 2 ? 29 : (k * 7) % 24 + 1;
        for (unsigned r = 0; r < adds; r++) {
            prog[n++] = 0x05; prog[n++] = (uint8_t)k; prog[n++] = 0; /* add ax, k */
            sum += k;
        }
        prog[n++] = 0xeb; prog[n++] = 0;                /* jmp $+2: ends the block */
    }
    prog[n++] = 0x49;                                   /* dec cx */
    int16_t rel = (int16_t)((int)top - (int)(n + 4));
    prog[n++] = 0x0f; prog[n++] = 0x85;                 /* jnz top (rel16) */
    prog[n++] = (uint8_t)rel; prog[n++] = (uint8_t)((uint16_t)rel >> 8);
    prog[n++] = 0xf4;                                   /* hlt */
    ck_assert_uint_le(n, sizeof prog);
    for (unsigned step = 0; step < 40; step++) {
        icache_destroy(c->icache);
        c->icache = icache_create_sized(block_bytes(BLOCK_MAX) + 64 * step);
        ck_assert(c->icache != NULL);
        load(prog, n);
        c->icache->flushes = 0;
        ck_assert_int_eq(cpu_run(c, 1000000), CPU_STOP_HALT);
        ck_assert_uint_eq(c->gpr[0] & 0xffff, (50 * sum) & 0xffff);
        ck_assert_uint_ge(c->icache->flushes, 50);
    }
}
END_TEST

/* REP MOVS with DF = 1 (fast path: whole runs within a page at once) against an element-by-element
 * model, for a copy without overlap and for both overlapping directions, bytes and words. */
static void rep_movs_down_case(unsigned esz, uint16_t src, uint16_t dst, uint16_t count)
{
    uint8_t prog[] = {
        0xfd,                                    /* std */
        0xbe, (uint8_t)src, (uint8_t)(src >> 8), /* mov si, src */
        0xbf, (uint8_t)dst, (uint8_t)(dst >> 8), /* mov di, dst */
        0xb9, (uint8_t)count, (uint8_t)(count >> 8), /* mov cx, count */
        0xf3, esz == 1 ? 0xa4 : 0xa5,            /* rep movsb / rep movsw */
        0xf4,                                    /* hlt */
    };
    for (unsigned k = 0x2000; k < 0x7000; k++) ram[k] = (uint8_t)(k * 7 + (k >> 8));
    static uint8_t want[0x10000];
    memcpy(want, ram, sizeof want);
    uint16_t si = src, di = dst;
    for (unsigned n = 0; n < count; n++) {
        uint8_t t[2];
        memcpy(t, want + si, esz);
        memcpy(want + di, t, esz);
        si = (uint16_t)(si - esz);
        di = (uint16_t)(di - esz);
    }
    load(prog, sizeof prog);
    ck_assert_int_eq(cpu_run(c, 100000), CPU_STOP_HALT);
    ck_assert_uint_eq(c->gpr[6] & 0xffff, si);
    ck_assert_uint_eq(c->gpr[7] & 0xffff, di);
    ck_assert_uint_eq(c->gpr[1] & 0xffff, 0);
    ck_assert_msg(memcmp(ram + 0x2000, want + 0x2000, 0x5000) == 0, "memory differs (esz %u src %x dst %x)",
                  esz, src, dst);
}

START_TEST(rep_movs_down)
{
    rep_movs_down_case(1, 0x3fff, 0x5ffe, 0x1800); /* apart, across pages */
    rep_movs_down_case(2, 0x3ffe, 0x5ff0, 0x0c00);
    rep_movs_down_case(1, 0x4800, 0x4900, 0x0a00); /* destination above, overlapping */
    rep_movs_down_case(2, 0x4800, 0x4804, 0x0500);
    rep_movs_down_case(1, 0x4900, 0x4880, 0x0a00); /* destination below, overlapping */
    rep_movs_down_case(2, 0x4900, 0x48fe, 0x0500);
}
END_TEST

/* The RDRAND/RDSEED generator (cpu/ops/random.c) against values computed independently: the
 * xoshiro256** reference output for the state {1, 2, 3, 4}, and the first numbers of a CPU seeded
 * with CPU_RNG_DEFAULT_SEED through splitmix64 (computed with a separate Python model). */
static const uint64_t default_seq[8] = {
    0x600c4b3ed5b6bfc5ull, 0x1240d4c6079d3a84ull, 0x846be04be126e5a8ull, 0x5eb3effccd9915f3ull,
    0x9f96d64fc52d0c4full, 0xa8c2962d5f2dc36dull, 0xbd30d11165c97a1dull, 0x3934384f8e3623f3ull,
};

START_TEST(rng_reference_values)
{
    c->rng[0] = 1, c->rng[1] = 2, c->rng[2] = 3, c->rng[3] = 4;
    ck_assert_uint_eq(cpu_rng_next(c), 11520);
    cpu_rng_seed(c, CPU_RNG_DEFAULT_SEED);
    for (unsigned k = 0; k < 8; k++) ck_assert_uint_eq(cpu_rng_next(c), default_seq[k]);
    /* another seed, another sequence; the same seed again, the same one */
    cpu_rng_seed(c, 1);
    ck_assert_uint_ne(cpu_rng_next(c), default_seq[0]);
    cpu_rng_seed(c, CPU_RNG_DEFAULT_SEED);
    ck_assert_uint_eq(cpu_rng_next(c), default_seq[0]);
}
END_TEST

/* RDRAND/RDSEED on a fresh CPU (seeded by cpu_create) in real mode: operand sizes 32 (66) and 16,
 * the upper bits of a 16-bit destination kept, CF=1 and OF SF ZF AF PF = 0 (SDM Vol.2 RDRAND). */
START_TEST(rdrand_rdseed_run)
{
    static const uint8_t prog[] = {
        0x66, 0x0f, 0xc7, 0xf0, /* rdrand eax */
        0x0f, 0xc7, 0xf3,       /* rdrand bx */
        0x66, 0x0f, 0xc7, 0xf9, /* rdseed ecx */
        0xf4,                   /* hlt */
    };
    load(prog, sizeof prog);
    c->gpr[0] = ~0ull;
    c->gpr[3] = 0x1122334455667788ull;
    c->gpr[1] = ~0ull;
    set_arith_flags(c, FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF);
    ck_assert_int_eq(cpu_run(c, 100), CPU_STOP_HALT);
    ck_assert_uint_eq(c->gpr[0], (uint32_t)default_seq[0]);
    ck_assert_uint_eq(c->gpr[3], 0x1122334455660000ull | (default_seq[1] & 0xffff));
    ck_assert_uint_eq(c->gpr[1], (uint32_t)default_seq[2]);
    ck_assert_uint_eq(flags_arith(c), FL_CF);
}
END_TEST

static Suite *exec_suite(void)
{
    Suite *s = suite_create("exec");
    TCase *t = tcase_create("time");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, pause_charges_time);
    tcase_add_test(t, pause_advances_tsc);
    tcase_add_test(t, pause_budget_is_guest_time);
    tcase_add_test(t, intr_pending_if_clear_keeps_chaining);
    tcase_add_test(t, direct_jump_sees_event);
    tcase_add_test(t, ret_direct_sees_event);
    tcase_add_test(t, port_io_time);
    suite_add_tcase(s, t);
    TCase *f = tcase_create("faults");
    tcase_add_checked_fixture(f, setup, teardown);
    tcase_add_test(f, fault_rip_inside_block);
    tcase_add_test(f, rep_movs_down);
    tcase_add_test(f, ret_uses_call_links);
    tcase_add_test(f, ret_to_replaced_address);
    tcase_add_test(f, ret_to_rewritten_code);
    tcase_add_test(f, page_crossing_insn_cached);
    tcase_add_test(f, icache_refills_when_full);
    suite_add_tcase(s, f);
    TCase *r = tcase_create("random");
    tcase_add_checked_fixture(r, setup, teardown);
    tcase_add_test(r, rng_reference_values);
    tcase_add_test(r, rdrand_rdseed_run);
    suite_add_tcase(s, r);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(exec_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
