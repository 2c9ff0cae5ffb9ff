/* Disk images: raw files behind the IDE drives.
 *
 * turtles never writes a disk image unless asked. Three modes:
 *   BLOCKDEV_READONLY   the guest sees a write-protected medium (CD-ROMs, -drive readonly=on)
 *   BLOCKDEV_SNAPSHOT   guest writes land in an in-memory copy-on-write overlay (64 KiB chunks,
 *                       allocated on first write) and vanish at exit: the default for disks
 *   BLOCKDEV_WRITETHROUGH  guest writes go to the file (-drive ...,snapshot=off or rw=on)
 * The file is opened O_RDONLY unless the mode is BLOCKDEV_WRITETHROUGH. The size is the file's
 * size; reads past the end of the file return zeros. Never longjmps; I/O failures are returned. */
#ifndef DEVICES_BLOCKDEV_H
#define DEVICES_BLOCKDEV_H

#include "emu/compiler.h"

enum blockdev_mode { BLOCKDEV_READONLY, BLOCKDEV_SNAPSHOT, BLOCKDEV_WRITETHROUGH };

struct blockdev;

/* Opens path. On failure returns NULL with a message in err. */
struct blockdev *blockdev_open(const char *path, enum blockdev_mode mode, char *err, size_t errlen);
void blockdev_close(struct blockdev *bd);
uint64_t blockdev_size(const struct blockdev *bd);
/* True when guest writes must be refused (BLOCKDEV_READONLY). */
bool blockdev_read_only(const struct blockdev *bd);
const char *blockdev_path(const struct blockdev *bd);
/* Byte-granular I/O at off. Returns false on a host I/O error, a write to a read-only device or
 * an access past the end of the device. */
bool blockdev_read(struct blockdev *bd, uint64_t off, void *buf, size_t len);
bool blockdev_write(struct blockdev *bd, uint64_t off, const void *buf, size_t len);
/* Flushes written data to the file (write-through mode); a no-op otherwise. */
bool blockdev_flush(struct blockdev *bd);

/* A drive from the command line (-hda/-hdb/-hdc/-hdd/-cdrom/-drive), before it is opened. */
enum drive_media { DRIVE_DISK, DRIVE_CDROM };
struct drive_spec {
    const char *file;
    char *storage;            /* the parsed copy of the option string (file points into it) */
    enum drive_media media;
    int index;                /* 0 primary master, 1 primary slave, 2 secondary master, 3 ...; -1 any */
    enum blockdev_mode mode;
};
#define DRIVE_MAX 4
/* Frees what drive_parse allocated (the command line keeps its specs for the process lifetime). */
void drive_spec_release(struct drive_spec *d);

/* Parses the value of a QEMU-style -drive option:
 *   file=PATH[,format=raw][,if=ide][,media=disk|cdrom][,index=0-3][,readonly=on|off]
 *   [,snapshot=on|off][,rw=on|off][,cache=...](ignored)
 * Disks default to BLOCKDEV_SNAPSHOT; snapshot=off or rw=on select write-through; readonly=on
 * (and media=cdrom) select BLOCKDEV_READONLY. Returns false with a message in err. The strings in
 * *out point into a copy owned by the caller's process lifetime (never freed). */
bool drive_parse(const char *opt, struct drive_spec *out, char *err, size_t errlen);
/* Places spec into table[DRIVE_MAX] (a free slot when index is -1: the first free one, as QEMU).
 * Returns false with a message in err when the slot is taken or none is free. */
bool drive_place(struct drive_spec table[DRIVE_MAX], const struct drive_spec *spec, char *err, size_t errlen);

#endif
