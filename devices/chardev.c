/* Character backends (stdio, file, none) with an input queue; see chardev.h. */
#include "devices/chardev.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* Process-wide terminal state. These are the only file-scope variables: the terminal is one per
 * process, and atexit() and signal handlers take no argument, so the saved settings must live
 * here. Written only by chardev_open/close (one thread) before/after the handlers use them. */
static struct termios saved_tio;
static volatile sig_atomic_t tio_saved; /* saved_tio holds the settings to restore */
static bool stdin_claimed;               /* a stdio chardev already reads stdin */
static bool restore_hooks_installed;

/* Async-signal-safe: tcsetattr is on the POSIX list. */
static void term_restore(void)
{
    if (tio_saved) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
        tio_saved = 0;
    }
}

void chardev_restore_terminal(void) { term_restore(); }

static void term_signal(int sig)
{
    term_restore();
    /* SA_RESETHAND restored the default action; SA_NODEFER lets it act now */
    raise(sig);
}

static void install_restore_hooks(void)
{
    if (restore_hooks_installed) return;
    restore_hooks_installed = true;
    atexit(term_restore);
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT,
                               SIGSEGV, SIGBUS, SIGFPE, SIGILL};
    for (size_t k = 0; k < ARRAY_SIZE(sigs); k++) {
        struct sigaction old;
        if (sigaction(sigs[k], NULL, &old) != 0) continue;
        /* leave handlers someone else installed alone */
        if (!(old.sa_flags & SA_SIGINFO) && old.sa_handler != SIG_DFL) continue;
        if ((old.sa_flags & SA_SIGINFO) && old.sa_sigaction) continue;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = term_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESETHAND | SA_NODEFER;
        sigaction(sigs[k], &sa, NULL);
    }
}

/* Raw mode in the QEMU -nographic shape: no echo, no line editing, no signal keys (Ctrl-C goes
 * to the guest; Ctrl-A x exits), 8-bit clean input; output processing kept so '\n' still
 * returns the carriage for our own messages. */
static bool term_make_raw(void)
{
    struct termios t;
    if (tcgetattr(STDIN_FILENO, &t) != 0) return false;
    saved_tio = t;
    tio_saved = 1;
    install_restore_hooks();
    t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
    t.c_cflag |= CS8;
    t.c_cc[VMIN] = 1; /* reads happen only after poll() reported input */
    t.c_cc[VTIME] = 0;
    if (tcsetattr(STDIN_FILENO, TCSANOW, &t) != 0) {
        tio_saved = 0;
        return false;
    }
    return true;
}

struct chardev *chardev_open(const char *spec, char *err, size_t errlen)
{
    if (!spec) spec = "none";
    struct chardev *ch = calloc(1, sizeof *ch);
    if (!ch) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    ch->in_fd = -1;
    if (!strcmp(spec, "none")) {
        ch->kind = CHARDEV_NONE;
    } else if (!strcmp(spec, "stdio")) {
        ch->kind = CHARDEV_STDIO;
        ch->out = stdout;
        if (!stdin_claimed) {
            stdin_claimed = true;
            ch->in_fd = STDIN_FILENO;
            ch->mux = true;
            /* Non-blocking input is done with poll(), not O_NONBLOCK: on a terminal stdin and
             * stdout usually share one open file description, and O_NONBLOCK on it would make
             * stdout writes fail with EAGAIN. */
            if (isatty(STDIN_FILENO)) ch->term_raw = term_make_raw();
        }
    } else if (!strncmp(spec, "file:", 5) && spec[5]) {
        ch->kind = CHARDEV_FILE;
        ch->out = fopen(spec + 5, "w");
        if (!ch->out) {
            snprintf(err, errlen, "cannot open '%s': %s", spec + 5, strerror(errno));
            free(ch);
            return NULL;
        }
    } else {
        snprintf(err, errlen, "bad character device '%s' (stdio, none or file:PATH)", spec);
        free(ch);
        return NULL;
    }
    return ch;
}

void chardev_close(struct chardev *ch)
{
    if (!ch) return;
    chardev_flush(ch);
    if (ch->kind == CHARDEV_FILE && ch->out) fclose(ch->out);
    if (ch->term_raw) term_restore();
    if (ch->in_fd == STDIN_FILENO) stdin_claimed = false;
    free(ch);
}

void chardev_write(struct chardev *ch, const uint8_t *buf, size_t len)
{
    if (!ch || !len) return;
    if (ch->tap) ch->tap(ch->tap_opaque, buf, len);
    if (!ch->out) return;
    fwrite(buf, 1, len, ch->out);
    if (memchr(buf, '\n', len)) fflush(ch->out);
}

void chardev_flush(struct chardev *ch)
{
    if (ch && ch->out) fflush(ch->out);
}

static void queue_push(struct chardev *ch, uint8_t b)
{
    ch->q[(ch->q_head + ch->q_count) % CHARDEV_QUEUE_SIZE] = b;
    ch->q_count++;
}

bool chardev_read_byte(struct chardev *ch, uint8_t *b)
{
    if (!ch || !ch->q_count) return false;
    *b = ch->q[ch->q_head];
    ch->q_head = (ch->q_head + 1) % CHARDEV_QUEUE_SIZE;
    ch->q_count--;
    return true;
}

size_t chardev_inject(struct chardev *ch, const uint8_t *buf, size_t len)
{
    if (!ch) return 0;
    size_t n = 0;
    while (n < len && ch->q_count < CHARDEV_QUEUE_SIZE) queue_push(ch, buf[n++]);
    if (n && ch->input_ready) ch->input_ready(ch->input_opaque);
    return n;
}

static void print_escape_help(void)
{
    fprintf(stderr, "\n"
                    "C-a h    print this help\n"
                    "C-a x    exit emulator\n"
                    "C-a C-a  sends C-a\n");
}

static void request_exit(struct chardev *ch)
{
    if (ch->exit_request) {
        ch->exit_request(ch->exit_opaque);
        return;
    }
    chardev_flush(ch);
    fprintf(stderr, "turtles: terminated (C-a x)\n");
    exit(0); /* atexit restores the terminal */
}

/* Applies the Ctrl-A escape to host bytes; returns how many were queued (written to out). */
static size_t mux_filter(struct chardev *ch, const uint8_t *in, size_t n, uint8_t *out)
{
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
        uint8_t b = in[k];
        if (!ch->mux) {
            out[m++] = b;
            continue;
        }
        if (ch->got_escape) {
            ch->got_escape = false;
            if (b == CHARDEV_ESCAPE) {
                out[m++] = b;
            } else if (b == 'x' || b == 'X') {
                request_exit(ch);
            } else if (b == 'h' || b == 'H' || b == '?') {
                print_escape_help();
            }
            /* other pairs are dropped, as QEMU's mux does for keys it does not know */
        } else if (b == CHARDEV_ESCAPE) {
            ch->got_escape = true;
        } else {
            out[m++] = b;
        }
    }
    return m;
}

bool chardev_poll(struct chardev *ch)
{
    if (!ch) return false;
    chardev_flush(ch);
    if (ch->in_fd < 0) return false;
    size_t queued = 0;
    uint8_t raw[256], cooked[256];
    while (ch->q_count < CHARDEV_QUEUE_SIZE) {
        struct pollfd p = {.fd = ch->in_fd, .events = POLLIN};
        int r = poll(&p, 1, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        if (!(p.revents & (POLLIN | POLLHUP))) { /* POLLERR / POLLNVAL: give up on input */
            ch->in_fd = -1;
            break;
        }
        size_t room = CHARDEV_QUEUE_SIZE - ch->q_count;
        if (room > sizeof raw) room = sizeof raw;
        ssize_t got = read(ch->in_fd, raw, room);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        if (got <= 0) { /* end of input (or an error): stop reading, keep writing */
            ch->in_fd = -1;
            break;
        }
        size_t m = mux_filter(ch, raw, (size_t)got, cooked);
        for (size_t k = 0; k < m; k++) queue_push(ch, cooked[k]);
        if (m && ch->record) ch->record(ch->record_opaque, cooked, m);
        queued += m;
    }
    if (queued && ch->input_ready) ch->input_ready(ch->input_opaque);
    return queued != 0;
}

void chardev_set_input_handler(struct chardev *ch, void (*fn)(void *), void *opaque)
{
    ch->input_ready = fn;
    ch->input_opaque = opaque;
}

void chardev_set_exit_handler(struct chardev *ch, void (*fn)(void *), void *opaque)
{
    ch->exit_request = fn;
    ch->exit_opaque = opaque;
}

void chardev_set_record_handler(struct chardev *ch, void (*fn)(void *, const uint8_t *, size_t),
                                void *opaque)
{
    ch->record = fn;
    ch->record_opaque = opaque;
}

void chardev_set_tap(struct chardev *ch, void (*fn)(void *, const uint8_t *, size_t), void *opaque)
{
    ch->tap = fn;
    ch->tap_opaque = opaque;
}
