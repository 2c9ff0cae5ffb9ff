/* Debug console (port 0xE9: bytes written are printed; reads return 0xE9, the Bochs/QEMU presence
 * check) and debug exit (port 0xF4: QEMU isa-debug-exit, exit status (value << 1) | 1). */
#ifndef DEVICES_DEBUGCON_H
#define DEVICES_DEBUGCON_H

#include <stdio.h>

#include "devices/bus.h"

struct debugcon {
    FILE *out; /* NULL: discard */
};

struct debugexit {
    bool fired;
    int status;
    void (*notify)(void *opaque); /* called when the guest writes the exit port */
    void *opaque;
};

bool debugcon_init(struct debugcon *d, struct bus *b, uint16_t port, FILE *out);
bool debugexit_init(struct debugexit *d, struct bus *b, uint16_t port);

#endif
