/* Raw disk images with an optional in-memory copy-on-write overlay (see blockdev.h). */
#include "devices/blockdev.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK_SHIFT 16 /* overlay granularity: 64 KiB */
#define CHUNK_SIZE (1u << CHUNK_SHIFT)
#define L2_SHIFT 12    /* 4096 chunk pointers per second-level table (256 MiB of disk) */
#define L2_SIZE (1u << L2_SHIFT)

struct blockdev {
    int fd;
    uint64_t size;
    enum blockdev_mode mode;
    char *path;
    uint8_t ***overlay; /* [chunk >> L2_SHIFT][chunk & (L2_SIZE-1)] -> CHUNK_SIZE bytes, or NULL */
    uint64_t nl1;
};

struct blockdev *blockdev_open(const char *path, enum blockdev_mode mode, char *err, size_t errlen)
{
    int fd = open(path, mode == BLOCKDEV_WRITETHROUGH ? O_RDWR : O_RDONLY);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open disk image '%s': %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "disk image '%s' is not a regular file", path);
        close(fd);
        return NULL;
    }
    struct blockdev *bd = calloc(1, sizeof *bd);
    if (!bd || !(bd->path = strdup(path))) {
        free(bd);
        close(fd);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    bd->fd = fd;
    bd->size = (uint64_t)st.st_size;
    bd->mode = mode;
    return bd;
}

void blockdev_close(struct blockdev *bd)
{
    if (!bd) return;
    if (bd->overlay) {
        for (uint64_t i = 0; i < bd->nl1; i++) {
            if (!bd->overlay[i]) continue;
            for (unsigned j = 0; j < L2_SIZE; j++) free(bd->overlay[i][j]);
            free(bd->overlay[i]);
        }
        free(bd->overlay);
    }
    close(bd->fd);
    free(bd->path);
    free(bd);
}

uint64_t blockdev_size(const struct blockdev *bd) { return bd->size; }
bool blockdev_read_only(const struct blockdev *bd) { return bd->mode == BLOCKDEV_READONLY; }
const char *blockdev_path(const struct blockdev *bd) { return bd->path; }

/* Reads from the file itself; bytes past its end read as zero. */
static bool file_read(struct blockdev *bd, uint64_t off, uint8_t *buf, size_t len)
{
    while (len) {
        ssize_t n = pread(bd->fd, buf, len, (off_t)off);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        if (n == 0) {
            memset(buf, 0, len);
            return true;
        }
        buf += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return true;
}

static uint8_t *chunk_of(struct blockdev *bd, uint64_t chunk)
{
    if (!bd->overlay || (chunk >> L2_SHIFT) >= bd->nl1 || !bd->overlay[chunk >> L2_SHIFT]) return NULL;
    return bd->overlay[chunk >> L2_SHIFT][chunk & (L2_SIZE - 1)];
}

/* The overlay chunk for writing, created from the file's contents on first use. */
static uint8_t *chunk_for_write(struct blockdev *bd, uint64_t chunk)
{
    if (!bd->overlay) {
        uint64_t nchunks = (bd->size + CHUNK_SIZE - 1) >> CHUNK_SHIFT;
        bd->nl1 = (nchunks + L2_SIZE - 1) >> L2_SHIFT;
        bd->overlay = calloc(bd->nl1 ? bd->nl1 : 1, sizeof *bd->overlay);
        if (!bd->overlay) return NULL;
    }
    uint8_t ***l1 = &bd->overlay[chunk >> L2_SHIFT];
    if (!*l1 && !(*l1 = calloc(L2_SIZE, sizeof **l1))) return NULL;
    uint8_t **c = &(*l1)[chunk & (L2_SIZE - 1)];
    if (!*c) {
        uint8_t *p = malloc(CHUNK_SIZE);
        if (!p) return NULL;
        if (!file_read(bd, chunk << CHUNK_SHIFT, p, CHUNK_SIZE)) {
            free(p);
            return NULL;
        }
        *c = p;
    }
    return *c;
}

bool blockdev_read(struct blockdev *bd, uint64_t off, void *buf, size_t len)
{
    if (off > bd->size || len > bd->size - off) return false;
    uint8_t *b = buf;
    while (len) {
        uint64_t chunk = off >> CHUNK_SHIFT;
        size_t in = CHUNK_SIZE - (size_t)(off & (CHUNK_SIZE - 1));
        if (in > len) in = len;
        const uint8_t *c = chunk_of(bd, chunk);
        if (c)
            memcpy(b, c + (off & (CHUNK_SIZE - 1)), in);
        else if (!file_read(bd, off, b, in))
            return false;
        b += in;
        off += in;
        len -= in;
    }
    return true;
}

bool blockdev_write(struct blockdev *bd, uint64_t off, const void *buf, size_t len)
{
    if (bd->mode == BLOCKDEV_READONLY || off > bd->size || len > bd->size - off) return false;
    const uint8_t *b = buf;
    if (bd->mode == BLOCKDEV_WRITETHROUGH) {
        while (len) {
            ssize_t n = pwrite(bd->fd, b, len, (off_t)off);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return false;
            b += n;
            off += (uint64_t)n;
            len -= (size_t)n;
        }
        return true;
    }
    while (len) {
        uint64_t chunk = off >> CHUNK_SHIFT;
        size_t in = CHUNK_SIZE - (size_t)(off & (CHUNK_SIZE - 1));
        if (in > len) in = len;
        uint8_t *c = chunk_for_write(bd, chunk);
        if (!c) return false;
        memcpy(c + (off & (CHUNK_SIZE - 1)), b, in);
        b += in;
        off += in;
        len -= in;
    }
    return true;
}

bool blockdev_flush(struct blockdev *bd)
{
    if (bd->mode != BLOCKDEV_WRITETHROUGH) return true;
    return fdatasync(bd->fd) == 0;
}

/* ---- command-line drive specifications ---- */

static bool parse_bool(const char *v, bool *out)
{
    if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1")) *out = true;
    else if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0")) *out = false;
    else return false;
    return true;
}

void drive_spec_release(struct drive_spec *d)
{
    free(d->storage);
    d->storage = NULL;
    d->file = NULL;
}

static bool drive_parse_copy(const char *opt, struct drive_spec *out, char *err, size_t errlen);

bool drive_parse(const char *opt, struct drive_spec *out, char *err, size_t errlen)
{
    out->storage = NULL;
    if (drive_parse_copy(opt, out, err, errlen)) return true;
    drive_spec_release(out);
    return false;
}

static bool drive_parse_copy(const char *opt, struct drive_spec *out, char *err, size_t errlen)
{
    char *copy = strdup(opt); /* out->file points into it; drive_spec_release frees it */
    if (!copy) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    *out = (struct drive_spec){.file = NULL, .storage = copy, .media = DRIVE_DISK, .index = -1, .mode = BLOCKDEV_SNAPSHOT};
    bool readonly = false, snapshot = true, rw = false;
    char *save = NULL;
    for (char *kv = strtok_r(copy, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq) {
            snprintf(err, errlen, "-drive: '%s' is not KEY=VALUE", kv);
            return false;
        }
        *eq = 0;
        const char *k = kv, *v = eq + 1;
        if (!strcmp(k, "file")) {
            out->file = v;
        } else if (!strcmp(k, "format")) {
            if (strcmp(v, "raw")) {
                snprintf(err, errlen, "-drive: format=%s is not supported (only raw)", v);
                return false;
            }
        } else if (!strcmp(k, "if")) {
            if (strcmp(v, "ide")) {
                snprintf(err, errlen, "-drive: if=%s is not supported (only ide)", v);
                return false;
            }
        } else if (!strcmp(k, "media")) {
            if (!strcmp(v, "disk")) out->media = DRIVE_DISK;
            else if (!strcmp(v, "cdrom")) out->media = DRIVE_CDROM;
            else {
                snprintf(err, errlen, "-drive: bad media=%s (disk or cdrom)", v);
                return false;
            }
        } else if (!strcmp(k, "index")) {
            char *end;
            long n = strtol(v, &end, 10);
            if (*end || end == v || n < 0 || n >= DRIVE_MAX) {
                snprintf(err, errlen, "-drive: bad index=%s (0-3)", v);
                return false;
            }
            out->index = (int)n;
        } else if (!strcmp(k, "readonly") || !strcmp(k, "snapshot") || !strcmp(k, "rw")) {
            bool b;
            if (!parse_bool(v, &b)) {
                snprintf(err, errlen, "-drive: bad %s=%s (on or off)", k, v);
                return false;
            }
            if (k[0] == 'r' && k[1] == 'e') readonly = b;
            else if (k[0] == 's') snapshot = b;
            else rw = b;
        } else if (!strcmp(k, "cache") || !strcmp(k, "aio") || !strcmp(k, "discard")) {
            /* host caching policy: no guest-visible effect here */
        } else {
            snprintf(err, errlen, "-drive: unknown parameter '%s'", k);
            return false;
        }
    }
    if (!out->file || !*out->file) {
        snprintf(err, errlen, "-drive: file=PATH is required");
        return false;
    }
    if (readonly && rw) {
        snprintf(err, errlen, "-drive: readonly=on contradicts rw=on");
        return false;
    }
    if (out->media == DRIVE_CDROM || readonly) out->mode = BLOCKDEV_READONLY;
    else if (rw || !snapshot) out->mode = BLOCKDEV_WRITETHROUGH;
    else out->mode = BLOCKDEV_SNAPSHOT;
    return true;
}

bool drive_place(struct drive_spec table[DRIVE_MAX], const struct drive_spec *spec, char *err, size_t errlen)
{
    int idx = spec->index;
    if (idx < 0) {
        for (idx = 0; idx < DRIVE_MAX && table[idx].file; idx++) {}
        if (idx == DRIVE_MAX) {
            snprintf(err, errlen, "too many drives (the IDE controller has 4 places)");
            return false;
        }
    } else if (idx >= DRIVE_MAX || table[idx].file) {
        snprintf(err, errlen, "drive index %d is already in use", idx);
        return false;
    }
    table[idx] = *spec;
    table[idx].index = idx;
    return true;
}
