/* Character backends: where a serial port's bytes go and where its input comes from.
 *
 * A chardev is { write bytes out; a queue of input bytes }. Output goes to the backend at once;
 * input is queued and taken by the device (the UART) one byte at a time when its receiver is free.
 *
 *   "stdio"      output to stdout; input from stdin, read only by chardev_poll() (which the board
 *                calls between CPU runs, i.e. at instruction boundaries). When stdin is a TTY it is
 *                put in raw mode (restored at exit, also on fatal signals). QEMU's -nographic
 *                escape is handled here: Ctrl-A x asks the board to exit (exit handler), Ctrl-A
 *                Ctrl-A sends one Ctrl-A, Ctrl-A h prints the key help; other Ctrl-A pairs are
 *                dropped.
 *   "file:PATH"  output written to PATH (truncated); no host input.
 *   "none"       output discarded; no host input.
 *
 * Determinism: host input is the only non-deterministic source. Every byte chardev_poll() queues
 * is reported to the record handler, so the board can log (guest time, bytes) and a replay (or a
 * test) feeds the same bytes back with chardev_inject() at the same guest times. chardev_inject()
 * works on every backend and bypasses the Ctrl-A escape.
 *
 * Nothing here reads host time or touches guest state; none of these functions raise. */
#ifndef DEVICES_CHARDEV_H
#define DEVICES_CHARDEV_H

#include <stdio.h>

#include "emu/compiler.h"

#define CHARDEV_QUEUE_SIZE 4096u /* input bytes held for the device; host reads stop when full */
#define CHARDEV_ESCAPE 0x01      /* Ctrl-A, QEMU's mux escape */

enum chardev_kind { CHARDEV_NONE, CHARDEV_STDIO, CHARDEV_FILE };

struct chardev {
    enum chardev_kind kind;
    FILE *out;     /* stdout, the file, or NULL (discard) */
    int in_fd;     /* host input descriptor (stdin) or -1 */
    bool mux;      /* stdio: interpret the Ctrl-A escape (default on) */
    bool got_escape;
    bool term_raw; /* this chardev put the terminal in raw mode */

    uint8_t q[CHARDEV_QUEUE_SIZE]; /* input ring */
    unsigned q_head, q_count;

    /* Set by the device that consumes input: called after bytes were queued. */
    void (*input_ready)(void *opaque);
    void *input_opaque;
    /* Set by the board: Ctrl-A x. If unset, the process restores the terminal and exits(0). */
    void (*exit_request)(void *opaque);
    void *exit_opaque;
    /* Optional: every host byte queued by chardev_poll (for record/replay). */
    void (*record)(void *opaque, const uint8_t *buf, size_t len);
    void *record_opaque;
    /* Optional: every byte written out (tests, logging). Called in addition to the backend. */
    void (*tap)(void *opaque, const uint8_t *buf, size_t len);
    void *tap_opaque;
};

/* Opens a backend from its spec ("stdio", "none", "file:PATH"). Returns NULL and writes a
 * message to err on failure. Only the first stdio chardev reads stdin; later ones only write. */
struct chardev *chardev_open(const char *spec, char *err, size_t errlen);
/* Flushes output, restores the terminal if this chardev changed it, and frees. NULL is fine. */
void chardev_close(struct chardev *ch);
/* Puts the terminal back as a stdio backend found it, if one made it raw. Async-signal-safe. */
void chardev_restore_terminal(void);

/* Writes bytes to the backend (buffered; flushed at '\n', by chardev_poll and chardev_flush). */
void chardev_write(struct chardev *ch, const uint8_t *buf, size_t len);
void chardev_flush(struct chardev *ch);

/* Non-blocking read of host input into the queue (stdio only), with the Ctrl-A escape applied.
 * Also flushes pending output. Returns whether any byte was queued. */
bool chardev_poll(struct chardev *ch);
/* Queues input bytes as if they had arrived from the host now (tests, replay). Returns how many
 * fitted in the queue. Calls the input handler if any were queued. */
size_t chardev_inject(struct chardev *ch, const uint8_t *buf, size_t len);

/* Input queue, used by the consuming device. */
static inline size_t chardev_pending(const struct chardev *ch) { return ch ? ch->q_count : 0; }
/* Pops one queued input byte; false if the queue is empty. */
bool chardev_read_byte(struct chardev *ch, uint8_t *b);

/* Handlers (see the struct). Passing NULL removes one. */
void chardev_set_input_handler(struct chardev *ch, void (*fn)(void *), void *opaque);
void chardev_set_exit_handler(struct chardev *ch, void (*fn)(void *), void *opaque);
void chardev_set_record_handler(struct chardev *ch, void (*fn)(void *, const uint8_t *, size_t),
                                void *opaque);
void chardev_set_tap(struct chardev *ch, void (*fn)(void *, const uint8_t *, size_t), void *opaque);

/* The host descriptor input arrives on, or -1: lets the board block in poll() while the guest is
 * idle (halted with no timer due) instead of spinning. */
static inline int chardev_fd(const struct chardev *ch) { return ch ? ch->in_fd : -1; }

#endif
