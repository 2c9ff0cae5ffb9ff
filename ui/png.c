/* PNG encoder (see png.h for the specification sections). */
#include "ui/png.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* A chunk: length, type, data, then the CRC-32 of type and data. Returns the bytes written. */
static size_t put_chunk(uint8_t *p, const char type[4], const uint8_t *data, uint32_t len)
{
    put_be32(p, len);
    memcpy(p + 4, type, 4);
    if (len) memcpy(p + 8, data, len);
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, p + 4, 4 + len);
    put_be32(p + 8 + len, (uint32_t)crc);
    return 12 + (size_t)len;
}

bool png_encode_rgb(const uint32_t *pix, unsigned width, unsigned height, uint8_t **out, size_t *len)
{
    static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
    if (!width || !height || width > (1u << 24) || height > (1u << 24)) return false;
    size_t row = (size_t)width * 3 + 1;
    size_t raw_len = row * height;
    uint8_t *raw = malloc(raw_len);
    if (!raw) return false;
    for (unsigned y = 0; y < height; y++) {
        uint8_t *r = raw + row * y;
        r[0] = 0; /* filter type None */
        for (unsigned x = 0; x < width; x++) {
            uint32_t c = pix[(size_t)y * width + x];
            r[1 + 3 * x] = (uint8_t)(c >> 16);
            r[2 + 3 * x] = (uint8_t)(c >> 8);
            r[3 + 3 * x] = (uint8_t)c;
        }
    }
    uLongf zlen = compressBound((uLong)raw_len);
    size_t total = sizeof signature + 12 + 13 + 12 + (size_t)zlen + 12;
    uint8_t *buf = malloc(total);
    if (!buf || zlen > 0xffffffffu) {
        free(raw);
        free(buf);
        return false;
    }
    uint8_t *idat = buf + sizeof signature + 12 + 13 + 8; /* compress in place of the IDAT data */
    if (compress2(idat, &zlen, raw, (uLong)raw_len, 6) != Z_OK) {
        free(raw);
        free(buf);
        return false;
    }
    free(raw);
    size_t n = 0;
    memcpy(buf, signature, sizeof signature);
    n += sizeof signature;
    uint8_t ihdr[13];
    put_be32(ihdr, width);
    put_be32(ihdr + 4, height);
    ihdr[8] = 8;  /* bit depth */
    ihdr[9] = 2;  /* colour type: truecolour */
    ihdr[10] = 0; /* deflate */
    ihdr[11] = 0; /* adaptive filtering */
    ihdr[12] = 0; /* no interlace */
    n += put_chunk(buf + n, "IHDR", ihdr, sizeof ihdr);
    /* the IDAT data already sits at buf + n + 8: write length, type and CRC around it */
    put_be32(buf + n, (uint32_t)zlen);
    memcpy(buf + n + 4, "IDAT", 4);
    uLong crc = crc32(crc32(0L, Z_NULL, 0), buf + n + 4, 4 + (uInt)zlen);
    put_be32(buf + n + 8 + zlen, (uint32_t)crc);
    n += 12 + zlen;
    n += put_chunk(buf + n, "IEND", NULL, 0);
    *out = buf;
    *len = n;
    return true;
}

bool png_write_rgb(const char *path, const uint32_t *pix, unsigned width, unsigned height, char *err,
                   size_t errlen)
{
    uint8_t *buf;
    size_t len;
    if (!png_encode_rgb(pix, width, height, &buf, &len)) {
        snprintf(err, errlen, "cannot encode a %ux%u PNG", width, height);
        return false;
    }
    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(err, errlen, "cannot create '%s': %s", path, strerror(errno));
        free(buf);
        return false;
    }
    bool ok = fwrite(buf, 1, len, f) == len;
    ok = (fclose(f) == 0) && ok;
    free(buf);
    if (!ok) snprintf(err, errlen, "cannot write '%s'", path);
    return ok;
}
