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
    bool rng_seed_set;       /* -seed: rng_seed replaces the CPU's default RDRAND/RDSEED seed */
    uint64_t rng_seed;
    /* ---- IDE drives and boot order (devices/ide.c) ---- */
    const struct drive_spec *drives; /* DRIVE_MAX entries indexed by IDE place, file NULL = empty */
    const char *boot_order;          /* QEMU -boot letters (a, c, d, n), NULL = "cad" */
    /* ---- display (devices/vga*.c) ---- */
    bool no_vga;             /* -vga none: no VGA adapter (the default is QEMU's std VGA) */
    bool display_window;     /* a window shows the screen: firmware is not told to use the
                              * serial console (fw_cfg NOGRAPHIC = 0, as QEMU without -nographic) */
};

/* A front end that lives inside machine_run (a display window). All hooks run on the emulator's
 * thread between CPU slices; host time may decide what they do, but nothing they see or do may
 * change guest-visible state except through machine_send_keys and machine_quit. */
struct machine_ui {
    /* Called after every CPU slice of at most slice_ns of guest time. */
    void (*poll)(void *opaque);
    /* The CPU is halted with interrupts enabled; guest time is now_ns and the next timer is at
     * until_ns (UINT64_MAX: none). The hook may wait on host time (so an idle guest does not run
     * ahead of the wall clock) and handle input. Returns true to let the machine skip guest time
     * to until_ns, false to run the CPU again first (input arrived, or the wait is not over). */
    bool (*idle)(void *opaque, uint64_t now_ns, uint64_t until_ns);
    void *opaque;
    uint64_t slice_ns;
};

struct drive_spec;
struct machine;
struct vga;

/* Builds the machine. On failure returns NULL and writes a message to err (size errlen). */
struct machine *machine_create(const struct machine_config *cfg, char *err, size_t errlen);
void machine_destroy(struct machine *m);
/* Runs until the guest exits (debug-exit port), shuts down with -no-reboot, halts forever or
 * exceeds max_insns. Returns the process exit status. */
int machine_run(struct machine *m);
/* Attaches a front end (copied); NULL detaches it. */
void machine_set_ui(struct machine *m, const struct machine_ui *ui);
/* The host descriptor COM1 reads input from (-serial stdio), or -1; *terminal tells whether it
 * is a terminal. */
int machine_console_fd(struct machine *m, bool *terminal);
/* The VGA adapter, or NULL with -vga none. */
struct vga *machine_vga(struct machine *m);
/* Host keyboard input: one key event as PS/2 set-2 bytes. Returns false when the keyboard has no
 * room for it now (retry later). */
bool machine_send_keys(struct machine *m, const uint8_t *set2, unsigned n);
/* Ends the run as the serial console's Ctrl-A x does (exit status 0). */
void machine_quit(struct machine *m);
/* Asks the running machine to stop as if killed by signal sig, at the end of its current slice:
 * machine_run then writes its reports (-d stats, profile, VMCS) and returns 128 + sig.
 * Async-signal-safe, for signal handlers; machine_quit_signal tells whether one came. */
void machine_request_quit(int sig);
int machine_quit_signal(void);

#endif
