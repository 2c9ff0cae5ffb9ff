/* turtles command line. Options follow QEMU's spelling where QEMU has the option. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#undef REG_RIP /* glibc's ucontext register index (_GNU_SOURCE); cpu/decode/insn.h has its own */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "devices/blockdev.h"
#include "devices/chardev.h"
#include "emu/log.h"
#include "machine/machine.h"
#include "ui/pace.h"
#include "ui/screenshot.h"
#ifdef TURTLES_SDL
#include "ui/sdl.h"
#endif

#define TURTLES_VERSION "0.1.0"

static void usage(FILE *f)
{
    fprintf(f,
        "usage: turtles [options]\n"
        "\n"
        "turtles is an instruction-level x86-64 PC emulator. The machine is QEMU's \"pc\" shape\n"
        "(i440FX, PIIX3/PIIX4 with IDE disks and CD-ROM, 8259 and APICs, 8254 and HPET, CMOS RTC,\n"
        "i8042, 16550A COM1, std VGA with Bochs VBE, fw_cfg with ACPI tables). It boots Debian's\n"
        "SeaBIOS, from CD-ROM or disk, and Linux, Multiboot or PVH kernels directly. The corei7 CPU\n"
        "has VMX with EPT (docs/status.md lists what is implemented). Not yet: SMP, SVM.\n"
        "\n"
        "Machine:\n"
        "  -m SIZE            guest RAM; plain numbers are MiB, suffixes K, M, G (default 128M)\n"
        "  -smp N             number of CPUs (only 1 is supported)\n"
        "  -cpu MODEL         CPU model (default corei7); -cpu help lists models\n"
        "  -bios FILE         firmware image, mapped at the top of 4 GiB and its last 128 KiB\n"
        "                     below 1 MiB; execution starts at the reset vector\n"
        "                     (default: Debian's SeaBIOS, /usr/share/seabios/bios-256k.bin)\n"
        "  -kernel FILE       boot a kernel directly, without firmware: a Linux bzImage (Linux\n"
        "                     boot protocol), a Multiboot 1 image (e.g. Xen; may be gzipped) or\n"
        "                     an ELF kernel with a PVH entry note (e.g. vmlinux; PVH boot)\n"
        "  -initrd FILE       initial ramdisk for a Linux or PVH -kernel; for Multiboot, the\n"
        "                     modules: \"file1 args,file2 args\"\n"
        "  -append CMDLINE    kernel command line for -kernel\n"
        "  -no-reboot         exit instead of resetting on a triple fault\n"
        "\n"
        "Disks (PIIX3 IDE; raw images only):\n"
        "  -hda/-hdb/-hdc/-hdd FILE  ATA disk at IDE place 0-3 (primary master/slave,\n"
        "                     secondary master/slave)\n"
        "  -cdrom FILE        ATAPI CD-ROM at place 2 (secondary master), always read-only\n"
        "  -drive file=FILE[,format=raw][,if=ide][,media=disk|cdrom][,index=0-3]\n"
        "         [,readonly=on][,snapshot=off][,rw=on]\n"
        "                     a drive; without index, the first free place\n"
        "  Disk images are never written unless asked: guest writes go to an in-memory\n"
        "  copy-on-write overlay that is dropped at exit. snapshot=off or rw=on writes them\n"
        "  to the file; readonly=on makes the disk refuse writes.\n"
        "  -boot [order=]DEVS boot order for SeaBIOS, up to 3 of: a floppy, c disk, d CD-ROM,\n"
        "                     n network (default cad)\n"
        "\n"
        "Display and consoles:\n"
        "  -vga std|none      VGA adapter: std (default; QEMU's stdvga 1234:1111 with Bochs VBE,\n"
        "                     a 16 MiB linear framebuffer and Debian's SeaVGABIOS) or none\n"
        "  -display sdl|none  sdl: a window shows the screen and takes the keyboard (default when\n"
        "                     built with SDL2 and $DISPLAY or $WAYLAND_DISPLAY is set); closing it\n"
        "                     ends the run like Ctrl-A x. none: no window; SeaBIOS then also\n"
        "                     prints to COM1.%s\n"
        "  -nographic         same as -display none\n"
        "  -screenshot FILE   at exit, write the screen to FILE: a PNG, or the text screen as\n"
        "                     UTF-8 when FILE ends in .txt\n"
        "  -serial DEV        COM1 (16550A at 0x3F8, IRQ 4): stdio (default; Ctrl-A x quits),\n"
        "                     none, file:PATH\n"
        "  -debugcon DEV      where port 0xE9 output goes: stdio (default), none, file:PATH\n"
        "                     Port 0xF4 is always the debug-exit device: a write of V ends the\n"
        "                     run with exit status (V << 1) | 1, as QEMU's isa-debug-exit.\n"
        "\n"
        "Debugging:\n"
        "  -d CATS            log categories, comma separated; -d help lists them\n"
        "                     (-d vmx traces every VM entry and exit, -d vmcs dumps the VMCS)\n"
        "  -D FILE            write the log to FILE instead of standard error\n"
        "  -max-insns N       stop with exit status 124 after N instructions\n"
        "  -icount [shift=0][,sleep=on|off]\n"
        "                     the guest clock counts instructions, one per nanosecond (QEMU's\n"
        "                     shift=0; no other shift). sleep=on: while the guest is halted,\n"
        "                     guest time waits for the wall clock (an idle shell does not race\n"
        "                     ahead or keep the host busy); sleep=off: it skips straight to the\n"
        "                     next timer. Default: on when COM1 is stdio on a terminal (a\n"
        "                     window always paces), off otherwise. The guest reads the same\n"
        "                     times either way; only when input arrives depends on the host\n"
        "  -seed N            seed of the generator behind RDRAND/RDSEED (default: a fixed\n"
        "                     constant). The numbers are deterministic, never entropy: the\n"
        "                     same seed gives the same numbers on every run\n"
        "\n"
        "Other:\n"
        "  -h, --help         this text\n"
        "  -version           print the version\n"
        "\n"
        "Exit status: the debug-exit value as above; 0 after a shutdown with -no-reboot or when\n"
        "the CPU halts with nothing to wake it; 1 for bad options or files; 124 for -max-insns;\n"
        "128+N after signal N (SIGINT, SIGTERM, SIGHUP end the run with its reports written).\n",
#ifdef TURTLES_SDL
        ""
#else
        " (This build has no SDL2.)"
#endif
        );
}

static void die(const char *fmt, const char *arg)
{
    fprintf(stderr, "turtles: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    exit(1);
}

static uint64_t parse_size(const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s) die("bad size '%s'", s);
    uint64_t mul = 1ull << 20;
    if (*end) {
        switch (*end) {
        case 'k': case 'K': mul = 1ull << 10; break;
        case 'm': case 'M': mul = 1ull << 20; break;
        case 'g': case 'G': mul = 1ull << 30; break;
        default: die("bad size '%s'", s);
        }
        if (end[1] && strcmp(end + 1, "B") && strcmp(end + 1, "iB")) die("bad size '%s'", s);
    }
    if (v == 0 || v > (64ull << 30) / mul) die("size '%s' out of range (1 MiB .. 64 GiB)", s);
    uint64_t bytes = v * mul;
    if (bytes < (1u << 20)) die("size '%s' out of range (1 MiB .. 64 GiB)", s);
    return bytes;
}

/* SIGINT, SIGTERM, SIGHUP: the first ends the run at its next slice with the reports written
 * (machine_request_quit), as QEMU ends on a signal; a second one, should the run not come back
 * to its loop, kills at once (with the terminal put back). */
static void quit_on_signal(int sig)
{
    if (machine_quit_signal()) {
        chardev_restore_terminal();
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    machine_request_quit(sig);
}

static void install_quit_handlers(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++) {
        struct sigaction sa;
        /* a signal the parent ignores stays ignored (a shell's background job and SIGINT) */
        if (sigaction(sigs[k], NULL, &sa) == 0 && sa.sa_handler == SIG_IGN) continue;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = quit_on_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        sigaction(sigs[k], &sa, NULL);
    }
}

int main(int argc, char **argv)
{
    struct machine_config cfg = {.ram_size = 128ull << 20};
    const char *logfile = NULL;
    struct drive_spec drives[DRIVE_MAX] = {{0}};
    cfg.drives = drives;
    const char *display = NULL; /* NULL: choose (SDL when possible) */
    const char *screenshot = NULL;
    int idle_sleep = -1; /* -icount sleep=: -1 by default (on for a terminal console), 0 off, 1 on */

    for (int k = 1; k < argc; k++) {
        const char *o = argv[k];
        /* accept both -opt and --opt, as QEMU does */
        if (o[0] == '-' && o[1] == '-') o++;
#define ARG() (k + 1 < argc ? argv[++k] : (die("option %s needs an argument", o), ""))
        if (!strcmp(o, "-h") || !strcmp(o, "-help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(o, "-version")) {
            printf("turtles %s\n", TURTLES_VERSION);
            return 0;
        } else if (!strcmp(o, "-m")) {
            cfg.ram_size = parse_size(ARG());
        } else if (!strcmp(o, "-smp")) {
            const char *v = ARG();
            if (strcmp(v, "1") && strcmp(v, "cpus=1")) die("-smp %s: only one CPU is supported", v);
        } else if (!strcmp(o, "-cpu")) {
            const char *v = ARG();
            if (!strcmp(v, "help")) {
                printf("Available CPU models:\n");
                cpu_model_list(stdout);
                return 0;
            }
            if (!cpu_model_find(v)) die("unknown CPU model '%s' (try -cpu help)", v);
            cfg.cpu_model = v;
        } else if (!strcmp(o, "-icount")) {
            /* QEMU's -icount [shift=N][,sleep=on|off]: turtles' clock is always one instruction
             * per nanosecond (QEMU's shift=0); sleep decides whether an idle guest waits for the
             * wall clock (ui/pace.c) */
            char buf[128];
            const char *v = ARG();
            if (strlen(v) >= sizeof buf) die("-icount %s: too long", v);
            strcpy(buf, v);
            for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                if (!strcmp(t, "0") || !strcmp(t, "shift=0"))
                    continue;
                else if (!strcmp(t, "sleep=on"))
                    idle_sleep = 1;
                else if (!strcmp(t, "sleep=off"))
                    idle_sleep = 0;
                else if (!strncmp(t, "shift=", 6) || (*t >= '0' && *t <= '9'))
                    die("-icount %s: turtles' clock is fixed at one instruction per nanosecond "
                        "(shift=0)", t);
                else
                    die("-icount: unknown option '%s' (turtles knows shift=0 and sleep=on|off)", t);
            }
        } else if (!strcmp(o, "-seed")) {
            const char *v = ARG();
            char *end;
            errno = 0;
            cfg.rng_seed = strtoull(v, &end, 0);
            if (!*v || *end || errno || *v == '-') die("bad -seed '%s' (a number, 0 to 2^64-1)", v);
            cfg.rng_seed_set = true;
        } else if (!strcmp(o, "-bios")) {
            cfg.bios = ARG();
        } else if (!strcmp(o, "-no-reboot")) {
            cfg.no_reboot = true;
        } else if (!strcmp(o, "-nographic")) {
            display = "none";
        } else if (!strcmp(o, "-display")) {
            const char *v = ARG();
            /* QEMU allows options after a comma (-display sdl,gl=off); they are ignored here */
            size_t n = strcspn(v, ",");
            if (n == 4 && !strncmp(v, "none", 4))
                display = "none";
            else if (n == 3 && !strncmp(v, "sdl", 3))
                display = "sdl";
            else
                die("-display %s: use sdl or none", v);
        } else if (!strcmp(o, "-vga")) {
            const char *v = ARG();
            if (!strcmp(v, "none"))
                cfg.no_vga = true;
            else if (!strcmp(v, "std"))
                cfg.no_vga = false;
            else
                die("-vga %s: use std or none", v);
        } else if (!strcmp(o, "-screenshot")) {
            screenshot = ARG();
        } else if (!strcmp(o, "-debugcon")) {
            cfg.debugcon = ARG();
        } else if (!strcmp(o, "-d")) {
            const char *v = ARG();
            if (!strcmp(v, "help")) {
                printf("Log categories for -d:\n");
                log_print_categories();
                return 0;
            }
            const char *bad = NULL;
            unsigned mask;
            if (!log_parse(v, &mask, &bad)) die("unknown log category '%s' (try -d help)", bad);
            log_mask |= mask;
            if (mask & LOG_STATS) cfg.stats = true;
        } else if (!strcmp(o, "-D")) {
            logfile = ARG();
        } else if (!strcmp(o, "-max-insns")) {
            const char *v = ARG();
            char *end;
            cfg.max_insns = strtoull(v, &end, 0);
            if (*end || !cfg.max_insns) die("bad -max-insns '%s'", v);
        } else if (!strcmp(o, "-serial")) {
            const char *v = ARG();
            if (strcmp(v, "stdio") && strcmp(v, "none") && strncmp(v, "file:", 5) && strcmp(v, "mon:stdio"))
                die("-serial %s: use stdio, none or file:PATH", v);
            cfg.serial = strcmp(v, "mon:stdio") ? v : "stdio";
        } else if (!strcmp(o, "-kernel")) {
            cfg.kernel = ARG();
        } else if (!strcmp(o, "-initrd")) {
            cfg.initrd = ARG();
        } else if (!strcmp(o, "-append")) {
            cfg.append = ARG();
        } else if (!strcmp(o, "-hda") || !strcmp(o, "-hdb") || !strcmp(o, "-hdc") || !strcmp(o, "-hdd") ||
                   !strcmp(o, "-cdrom") || !strcmp(o, "-drive")) {
            /* ---- IDE drives (devices/blockdev.c) ---- */
            const char *v = ARG();
            struct drive_spec d;
            char derr[256];
            if (!strcmp(o, "-drive")) {
                if (!drive_parse(v, &d, derr, sizeof derr)) die("%s", derr);
            } else {
                bool cd = !strcmp(o, "-cdrom");
                d = (struct drive_spec){.file = v, .media = cd ? DRIVE_CDROM : DRIVE_DISK,
                                        .index = cd ? 2 : o[3] - 'a',
                                        .mode = cd ? BLOCKDEV_READONLY : BLOCKDEV_SNAPSHOT};
            }
            if (!drive_place(drives, &d, derr, sizeof derr)) die("%s", derr);
        } else if (!strcmp(o, "-boot")) {
            const char *v = ARG();
            if (!strncmp(v, "order=", 6)) v += 6;
            char *order = strdup(v);
            if (!order) die("%s", "out of memory");
            order[strcspn(order, ",")] = 0; /* other -boot parameters (menu=...) are ignored */
            cfg.boot_order = order;
        } else {
            die("unknown option '%s' (try --help)", argv[k]);
        }
#undef ARG
    }
    if (logfile) log_set_file(logfile);
    if ((cfg.initrd || cfg.append) && !cfg.kernel) die("%s", "-initrd and -append need -kernel");

    char err[512];
    if (screenshot && cfg.no_vga) die("%s", "-screenshot needs a VGA adapter (not -vga none)");
    if (display && !strcmp(display, "sdl") && cfg.no_vga) die("%s", "-display sdl needs a VGA adapter (not -vga none)");
#ifdef TURTLES_SDL
    struct sdl_display *win = NULL;
    bool want_sdl = display ? !strcmp(display, "sdl") : (!cfg.no_vga && sdl_display_available());
    if (want_sdl) {
        win = sdl_display_open(err, sizeof err);
        if (!win && display) die("%s", err);
        if (!win) fprintf(stderr, "turtles: %s; running without a window\n", err);
    }
    cfg.display_window = win != NULL;
#else
    if (display && !strcmp(display, "sdl")) die("%s", "-display sdl: this turtles was built without SDL2");
#endif
    install_quit_handlers(); /* before the console claims the terminal: it keeps them */
    struct machine *m = machine_create(&cfg, err, sizeof err);
    if (!m) die("%s", err);
#ifdef TURTLES_SDL
    if (win && !sdl_display_attach(win, m, err, sizeof err)) die("%s", err);
#endif
    /* Idle pacing: a window paces by itself; otherwise on a terminal console unless
     * -icount sleep=off, and anywhere with -icount sleep=on */
    struct pace *pace = NULL;
    bool terminal;
    int con_fd = machine_console_fd(m, &terminal);
#ifdef TURTLES_SDL
    bool window = win != NULL;
#else
    bool window = false;
#endif
    if (!window && (idle_sleep == 1 || (idle_sleep == -1 && terminal))) {
        pace = pace_attach(m, con_fd);
        if (!pace) die("%s", "out of memory");
    }
    int status = machine_run(m);
    pace_close(pace);
    if (screenshot && machine_vga(m) && !screenshot_write(machine_vga(m), screenshot, err, sizeof err)) {
        fprintf(stderr, "turtles: -screenshot: %s\n", err);
        if (!status) status = 1;
    }
#ifdef TURTLES_SDL
    sdl_display_close(win);
#endif
    machine_destroy(m);
    return status;
}
