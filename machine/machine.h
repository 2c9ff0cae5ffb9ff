/* The machine: configuration (plain data filled by the command line) and the board that wires
 * memory, the I/O bus, the CPU and devices together. */
#ifndef MACHINE_MACHINE_H
#define MACHINE_MACHINE_H

#include <stdio.h>

#include "emu/compiler.h"

struct machine_config {
    uint64_t ram_size;       /* bytes */
    const char *bios;        /* firmware image path */
    const char *cpu_model;   /* NULL: default model */
    bool no_reboot;          /* triple fault / reset request exits instead of rebooting */
    const char *debugcon;    /* "stdio", "none", or "file:PATH" for port 0xE9 */
    const char *serial;      /* COM1 backend: "stdio" (default), "none", "file:PATH" */
    const char *kernel, *initrd, *append; /* direct Linux boot (no firmware) */
    uint64_t max_insns;      /* 0: unlimited; otherwise stop with an error after this many */
    bool stats;              /* -d stats */
    /* ---- IDE drives and boot order (devices/ide.c) ---- */
    const struct drive_spec *drives; /* DRIVE_MAX entries indexed by IDE place, file NULL = empty */
    const char *boot_order;          /* QEMU -boot letters (a, c, d, n), NULL = "cad" */
};

struct drive_spec;
struct machine;

/* Builds the machine. On failure returns NULL and writes a message to err (size errlen). */
struct machine *machine_create(const struct machine_config *cfg, char *err, size_t errlen);
void machine_destroy(struct machine *m);
/* Runs until the guest exits (debug-exit port), shuts down with -no-reboot, halts forever or
 * exceeds max_insns. Returns the process exit status. */
int machine_run(struct machine *m);

#endif
