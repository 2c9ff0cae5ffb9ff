/* Firmware loading. */
#ifndef BIOS_LOAD_H
#define BIOS_LOAD_H

#include "emu/compiler.h"

struct memmap;

/* Reads the firmware image into the top of the 4 GiB space and aliases its last 128 KiB (or all
 * of it, if smaller) below 1 MiB, as the PC's ROM decoding does. Returns false with a message. */
bool bios_load(struct memmap *m, const char *path, char *err, size_t errlen);

#endif
