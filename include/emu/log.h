/* Logging: per-category switches (the -d option) and fatal emulator errors. */
#ifndef EMU_LOG_H
#define EMU_LOG_H

#include "emu/compiler.h"

enum log_cat {
    LOG_GUEST_ERRORS = 1u << 0, /* guest did something odd (bad port, bad MSR) */
    LOG_INT = 1u << 1,          /* interrupts and exceptions delivered */
    LOG_CPU = 1u << 2,          /* register dump at each block */
    LOG_IN_ASM = 1u << 3,       /* disassembly of each decoded block */
    LOG_EXEC = 1u << 4,         /* each block executed */
    LOG_STATS = 1u << 5,        /* instruction count and MIPS at exit */
    LOG_UNIMP = 1u << 6,        /* unimplemented features touched */
    LOG_IOPORT = 1u << 7,       /* port I/O */
    LOG_MMU = 1u << 8,          /* page walks, TLB flushes */
    LOG_CPU_RESET = 1u << 9,    /* CPU reset / shutdown */
    LOG_VMX = 1u << 10,         /* VMX: every VM entry and exit */
    LOG_VMCS = 1u << 11,        /* VMX: VMCS dumps on entry failures and at the end */
    LOG_PROFILE = 1u << 12,     /* guest-RIP histogram at exit (machine/profile.c) */
};

extern unsigned log_mask; /* the only mutable global: process-wide log switches */

void log_set_file(const char *path);
/* The log's FILE * (stderr unless -D), for multi-line dumps. */
void *log_file_handle(void);
void log_printf(const char *fmt, ...) PRINTF_FMT(1, 2);
#define LOG(cat, ...)                                                                              \
    do {                                                                                           \
        if (unlikely(log_mask & (cat))) log_printf(__VA_ARGS__);                                   \
    } while (0)

/* Parse a comma-separated category list ("int,guest_errors"). Returns false on an unknown name
 * and stores it in *bad. Never raises. */
bool log_parse(const char *list, unsigned *mask, const char **bad);
/* Prints the category table for --help / -d help. */
void log_print_categories(void);

/* An emulator bug: print and abort. Never a guest-visible event. */
NORETURN void panic(const char *fmt, ...) PRINTF_FMT(1, 2);

#endif
