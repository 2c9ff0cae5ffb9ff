/* Unit tests of NMI delivery by the run loop (SDM Vol.3A 6.7, 6.7.1, 6.8.3, 6.9): small real-mode
 * programs on a CPU with 1 MiB of RAM, the NMI requested with cpu_nmi() between runs and steps,
 * so that it is pending at exactly the instruction boundary a test needs (a shadow, HLT, inside
 * the handler). The NMI handler (IVT vector 2) records the IP it will return to and counts. */
#include "realmode_fixture.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define NMI_H 0x2000u   /* the NMI handler */
#define OTHER_H 0x2400u /* the handler of the other vectors a test uses */
#define COUNT 0x3000u   /* word: NMIs taken */
#define RET_IP 0x3004u  /* word: the IP the last NMI returns to */
#define HLOG 0x3100u     /* bytes: the handlers' log (STOSB), DI starts here */
#define STACK 0x8000u


static void set_ivt(unsigned vec, uint16_t ip)
{
    ram[vec * 4] = (uint8_t)ip;
    ram[vec * 4 + 1] = (uint8_t)(ip >> 8);
    ram[vec * 4 + 2] = ram[vec * 4 + 3] = 0;
}

static unsigned word_at(unsigned a) { return ram[a] | ram[a + 1] << 8; }

static void setup(void)
{
    fixture_create(cpu_model_default());
    /* the NMI handler: log 2, record the return IP, count, IRET */
    static const uint8_t nmi_h[] = {
        0xb0, 0x02,             /* mov al, 2 */
        0xaa,                   /* stosb */
        0x89, 0xe5,             /* mov bp, sp */
        0x8b, 0x76, 0x00,       /* mov si, [bp] */
        0x89, 0x36, 0x04, 0x30, /* mov [RET_IP], si */
        0xff, 0x06, 0x00, 0x30, /* inc word [COUNT] */
        0xcf,                   /* iret */
    };
    memcpy(ram + NMI_H, nmi_h, sizeof nmi_h);
    set_ivt(EXC_NMI, NMI_H);
}

/* Loads a real-mode program at 0000:CODE with SP STACK and DI HLOG. */
static void load(const uint8_t *code, size_t len)
{
    load_real(code, len, STACK);
    c->gpr[7] = HLOG;
}

/* IF = 0 does not mask an NMI; it goes through vector 2 with the interrupted IP and FLAGS on the
 * stack, and NMIs stay blocked until the handler's IRET. */
START_TEST(nmi_with_if_clear)
{
    static const uint8_t prog[] = {
        0xfa, /* 1000 cli */
        0x90, /* 1001 nop */
        0xf4, /* 1002 hlt */
    };
    load(prog, sizeof prog);
    ck_assert_int_eq(cpu_step(c), CPU_STOP_BUDGET); /* cli */
    cpu_nmi(c);
    ck_assert(c->pending & PEND_NMI);
    ck_assert_int_eq(cpu_run(c, 1000), CPU_STOP_HALT);
    ck_assert_uint_eq(word_at(COUNT), 1);
    ck_assert_uint_eq(word_at(RET_IP), CODE + 1);
    ck_assert_uint_eq(word_at(STACK - 2) & FL_IF, 0); /* the pushed FLAGS */
    ck_assert_uint_eq(RIP(c), CODE + 3);
    ck_assert(!c->nmi_blocked);
    ck_assert(!(c->pending & PEND_NMI));
}
END_TEST

/* The NMI handler's first instruction runs with NMIs blocked: two more requests merge into one
 * pending NMI (6.7.1), taken right after the IRET, so exactly two handler runs. */
START_TEST(nmi_held_until_iret_and_merged)
{
    static const uint8_t prog[] = {
        0xfa, /* 1000 cli */
        0x90, /* 1001 nop */
        0xf4, /* 1002 hlt */
    };
    load(prog, sizeof prog);
    ck_assert_int_eq(cpu_step(c), CPU_STOP_BUDGET); /* cli */
    cpu_nmi(c);
    ck_assert_int_eq(cpu_step(c), CPU_STOP_BUDGET); /* delivery, then the handler's MOV AL */
    ck_assert(c->nmi_blocked);
    ck_assert_uint_eq(RIP(c), NMI_H + 2);
    cpu_nmi(c);
    cpu_nmi(c);
    for (unsigned k = 0; k < 5; k++) {
        ck_assert_int_eq(cpu_step(c), CPU_STOP_BUDGET); /* the handler up to its IRET */
        ck_assert(c->nmi_blocked);
    }
    ck_assert_uint_eq(word_at(COUNT), 1);
    ck_assert_uint_eq(RIP(c), NMI_H + 16); /* at the IRET */
    ck_assert_int_eq(cpu_step(c), CPU_STOP_BUDGET); /* IRET, then the held NMI */
    ck_assert_uint_eq(RIP(c), NMI_H);
    ck_assert(c->nmi_blocked);
    ck_assert_int_eq(cpu_run(c, 1000), CPU_STOP_HALT);
    ck_assert_uint_eq(word_at(COUNT), 2);
    ck_assert_uint_eq(word_at(RET_IP), CODE + 1); /* the second returns where the first did */
    ck_assert_uint_eq(c->gpr[7], HLOG + 2);
    ck_assert(!c->nmi_blocked);
}
END_TEST

/* MOV SS holds an NMI back for one instruction (6.8.3). */
START_TEST(nmi_after_mov_ss_shadow)
{
    static const uint8_t prog[] = {
        0x31, 0xc0, /* 1000 xor ax, ax */
        0x8e, 0xd0, /* 1002 mov ss, ax */
        0x43,       /* 1004 inc bx: in the shadow */
        0x41,       /* 1005 inc cx */
        0xf4,       /* 1006 hlt */
    };
    load(prog, sizeof prog);
    c->gpr[3] = c->gpr[1] = 0;
    ck_assert_int_eq(cpu_step(c), CPU_STOP_BUDGET);
    ck_assert_int_eq(cpu_step(c), CPU_STOP_BUDGET);
    ck_assert(c->pending & PEND_INHIBIT);
    cpu_nmi(c);
    ck_assert_int_eq(cpu_run(c, 1000), CPU_STOP_HALT);
    ck_assert_uint_eq(word_at(COUNT), 1);
    ck_assert_uint_eq(word_at(RET_IP), CODE + 5);
    ck_assert_uint_eq(c->gpr[3] & 0xffff, 1);
    ck_assert_uint_eq(c->gpr[1] & 0xffff, 1);
}
END_TEST

/* STI (with IF = 0 before it) holds an NMI back for one instruction too: the SDM leaves this to
 * the processor (Vol.2 STI) and turtles does it (cpu_take_nmi). */
START_TEST(nmi_after_sti_shadow)
{
    static const uint8_t prog[] = {
        0xfa, /* 1000 cli */
        0xfb, /* 1001 sti */
        0x43, /* 1002 inc bx: in the shadow */
        0x41, /* 1003 inc cx */
        0xf4, /* 1004 hlt */
    };
    load(prog, sizeof prog);
    ck_assert_int_eq(cpu_step(c), CPU_STOP_BUDGET);
    ck_assert_int_eq(cpu_step(c), CPU_STOP_BUDGET);
    ck_assert(c->pending & PEND_INHIBIT);
    cpu_nmi(c);
    ck_assert_int_eq(cpu_run(c, 1000), CPU_STOP_HALT);
    ck_assert_uint_eq(word_at(COUNT), 1);
    ck_assert_uint_eq(word_at(RET_IP), CODE + 3);
}
END_TEST

/* An NMI ends HLT with IF = 0; while NMIs are blocked it cannot (cpu_nmi_wakes_halt). */
START_TEST(nmi_wakes_hlt)
{
    static const uint8_t prog[] = {
        0xfa, /* 1000 cli */
        0xf4, /* 1001 hlt */
        0x43, /* 1002 inc bx */
        0xf4, /* 1003 hlt */
    };
    load(prog, sizeof prog);
    c->gpr[3] = 0;
    ck_assert_int_eq(cpu_run(c, 1000), CPU_STOP_HALT);
    uint64_t at;
    ck_assert(!cpu_halt_wakeup(c, &at)); /* no maskable interrupt can */
    ck_assert(cpu_nmi_wakes_halt(c));
    c->nmi_blocked = true;
    ck_assert(!cpu_nmi_wakes_halt(c));
    cpu_nmi(c);
    ck_assert_int_eq(cpu_run(c, 1000), CPU_STOP_HALT); /* blocked: still halted */
    ck_assert_uint_eq(RIP(c), CODE + 2);
    ck_assert_uint_eq(word_at(COUNT), 0);
    c->nmi_blocked = false;
    ck_assert_int_eq(cpu_run(c, 1000), CPU_STOP_HALT);
    ck_assert_uint_eq(word_at(COUNT), 1);
    ck_assert_uint_eq(word_at(RET_IP), CODE + 2);
    ck_assert_uint_eq(c->gpr[3] & 0xffff, 1);
    ck_assert_uint_eq(RIP(c), CODE + 4);
}
END_TEST

/* IRET unblocks NMIs even when it faults (6.7.1): a real-mode 32-bit IRET to EIP 10000H is
 * #GP(0), whose handler then sees the held NMI taken before its first instruction. */
START_TEST(faulting_iret_unblocks)
{
    static const uint8_t prog[] = {
        0x66, 0x6a, 0x02,                   /* 1000 push dword 2 (EFLAGS) */
        0x66, 0x6a, 0x00,                   /* 1003 push dword 0 (CS) */
        0x66, 0x68, 0x00, 0x00, 0x01, 0x00, /* 1006 push dword 10000h (EIP) */
        0x66, 0xcf,                         /* 100c iretd: #GP(0) */
        0xf4,                               /* 100e hlt */
    };
    static const uint8_t gp_h[] = {
        0xb0, 0x0d, /* mov al, 13 */
        0xaa,       /* stosb */
        0xf4,       /* hlt */
    };
    memcpy(ram + OTHER_H, gp_h, sizeof gp_h);
    set_ivt(EXC_GP, OTHER_H);
    load(prog, sizeof prog);
    c->nmi_blocked = true;
    cpu_nmi(c);
    ck_assert_int_eq(cpu_run(c, 1000), CPU_STOP_HALT);
    ck_assert_uint_eq(RIP(c), OTHER_H + 4);
    ck_assert_uint_eq(word_at(COUNT), 1);
    ck_assert_uint_eq(word_at(RET_IP), OTHER_H); /* taken at the #GP handler's first instruction */
    ck_assert_uint_eq(ram[HLOG], 2);
    ck_assert_uint_eq(ram[HLOG + 1], 13);
    ck_assert(!c->nmi_blocked);
}
END_TEST

static int ack_vector;
static int ack_once(void *machine)
{
    (void)machine;
    int v = ack_vector;
    ack_vector = -1;
    cpu_set_intr(c, false);
    return v;
}

/* An NMI and a maskable interrupt pending at the same boundary: the NMI first (6.9 table 6-2);
 * its handler runs with IF = 0 and the interrupt follows its IRET. */
START_TEST(nmi_before_maskable_interrupt)
{
    static const uint8_t prog[] = {
        0xfb, /* 1000 sti */
        0x90, /* 1001 nop */
        0x90, /* 1002 nop */
        0xf4, /* 1003 hlt */
    };
    static const uint8_t intr_h[] = {
        0xb0, 0x20, /* mov al, 20h */
        0xaa,       /* stosb */
        0xcf,       /* iret */
    };
    memcpy(ram + OTHER_H, intr_h, sizeof intr_h);
    set_ivt(0x20, OTHER_H);
    load(prog, sizeof prog);
    c->irq_ack = ack_once;
    ack_vector = 0x20;
    ck_assert_int_eq(cpu_step(c), CPU_STOP_BUDGET); /* sti */
    ck_assert_int_eq(cpu_step(c), CPU_STOP_BUDGET); /* nop in its shadow */
    cpu_set_intr(c, true);
    cpu_nmi(c);
    ck_assert_int_eq(cpu_run(c, 1000), CPU_STOP_HALT);
    ck_assert_uint_eq(ram[HLOG], 2);
    ck_assert_uint_eq(ram[HLOG + 1], 0x20);
    ck_assert_uint_eq(c->gpr[7], HLOG + 2);
    ck_assert_uint_eq(word_at(RET_IP), CODE + 2);
}
END_TEST

static Suite *nmi_suite(void)
{
    Suite *s = suite_create("nmi");
    TCase *t = tcase_create("delivery");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, nmi_with_if_clear);
    tcase_add_test(t, nmi_held_until_iret_and_merged);
    tcase_add_test(t, nmi_after_mov_ss_shadow);
    tcase_add_test(t, nmi_after_sti_shadow);
    tcase_add_test(t, nmi_wakes_hlt);
    tcase_add_test(t, faulting_iret_unblocks);
    tcase_add_test(t, nmi_before_maskable_interrupt);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(nmi_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
