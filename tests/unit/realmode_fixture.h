/* A CPU with 1 MiB of RAM and an empty port bus that runs small real-mode programs from RAM,
 * shared by the run-loop unit tests (test_exec, test_nmi, test_init). Each test file includes it
 * once and gets its own copy of the state. */
#ifndef TESTS_UNIT_REALMODE_FIXTURE_H
#define TESTS_UNIT_REALMODE_FIXTURE_H

#include "cpu/cpu_priv.h"
#include "cpu/cpumodel.h"
#include "cpu/icache.h"
#include "devices/bus.h"
#include "mmu/memmap.h"

#include <check.h>
#include <string.h>

#define RAM_SIZE (1u << 20)
#define CODE 0x1000u /* programs run at 0000:1000 */

static struct memmap *mem;
static struct bus *bus;
static struct cpu *c;
static uint8_t *ram;

/* Creates the machine with CPU model m. */
static void fixture_create(const struct cpu_model *m)
{
    mem = memmap_create(RAM_SIZE);
    ck_assert(mem != NULL);
    ram = memmap_add_backed(mem, 0, RAM_SIZE, REG_RAM, "ram");
    ck_assert(ram != NULL);
    bus = bus_create();
    ck_assert(bus != NULL);
    c = cpu_create(m, mem, bus);
    ck_assert(c != NULL);
}

static void teardown(void)
{
    cpu_destroy(c);
    bus_destroy(bus);
    memmap_destroy(mem);
}

/* Loads a real-mode program at 0000:CODE with all segments 0 and SP sp, and wakes the CPU (a
 * previous program may have ended in HLT). The bytes are written behind the CPU's back, so
 * decoded blocks are dropped. */
static void load_real(const uint8_t *code, size_t len, uint16_t sp)
{
    memcpy(ram + CODE, code, len);
    icache_flush(c->icache);
    c->halted = 0;
    for (unsigned s = 0; s < 6; s++) seg_load_real(c, s, 0);
    cpu_update_mode(c);
    RIP(c) = CODE;
    c->gpr[4] = sp;
}

#endif
