/* Logging switches (-d) and fatal errors. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/log.h"

unsigned log_mask;
static FILE *log_file;

static const struct {
    const char *name;
    unsigned bit;
    const char *help;
} cats[] = {
    {"guest_errors", LOG_GUEST_ERRORS, "guest actions the hardware would ignore or refuse"},
    {"int", LOG_INT, "exceptions and interrupts delivered"},
    {"cpu", LOG_CPU, "register state before each executed block"},
    {"in_asm", LOG_IN_ASM, "disassembly of each newly executed block"},
    {"exec", LOG_EXEC, "address of each executed block"},
    {"stats", LOG_STATS, "instruction count and guest MIPS at exit"},
    {"unimp", LOG_UNIMP, "unimplemented instructions and features the guest used"},
    {"ioport", LOG_IOPORT, "port I/O"},
    {"mmu", LOG_MMU, "TLB flushes and page faults"},
    {"cpu_reset", LOG_CPU_RESET, "CPU reset, INIT and SIPI, shutdown and triple faults"},
    {"vmx", LOG_VMX, "every VMX entry and exit, with the exit reason and qualification decoded"},
    {"vmcs", LOG_VMCS, "the current VMCS, fields named and controls decoded, at every VM-entry failure and at the end of the run"},
    {"profile", LOG_PROFILE, "histogram of guest RIPs (one sample per 4096 instructions) at exit"},
};

void log_set_file(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "turtles: cannot open log file %s\n", path);
        exit(1);
    }
    log_file = f;
}

void *log_file_handle(void) { return log_file ? log_file : stderr; }

void log_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(log_file ? log_file : stderr, fmt, ap);
    va_end(ap);
}

bool log_parse(const char *list, unsigned *mask, const char **bad)
{
    static char badbuf[64];
    *mask = 0;
    const char *p = list;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        bool found = false;
        for (unsigned k = 0; k < sizeof cats / sizeof cats[0]; k++)
            if (strlen(cats[k].name) == n && !strncmp(cats[k].name, p, n)) {
                *mask |= cats[k].bit;
                found = true;
            }
        if (!found) {
            snprintf(badbuf, sizeof badbuf, "%.*s", (int)(n < 60 ? n : 60), p);
            *bad = badbuf;
            return false;
        }
        p += n;
        if (*p == ',') p++;
    }
    return true;
}

void log_print_categories(void)
{
    for (unsigned k = 0; k < sizeof cats / sizeof cats[0]; k++)
        printf("  %-13s %s\n", cats[k].name, cats[k].help);
}

void panic(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "turtles: internal error: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}
