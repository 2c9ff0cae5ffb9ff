/* A minimal PNG encoder: 8-bit RGB (colour type 2), no interlace, filter type 0 on every row,
 * one IDAT chunk compressed with zlib (PNG specification, 2nd edition, W3C 2003: 5.2 signature,
 * 5.3 chunk layout and CRC, 11.2.2 IHDR, 11.2.4 IDAT, 11.2.5 IEND). */
#ifndef UI_PNG_H
#define UI_PNG_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* Encodes width x height pixels (0x00RRGGBB, row after row) into a malloc'ed buffer (*out, *len;
 * free with free()). Returns false when memory runs out or the size is zero. */
bool png_encode_rgb(const uint32_t *pix, unsigned width, unsigned height, uint8_t **out, size_t *len);
/* Encodes and writes to path. On failure returns false and writes a message to err. */
bool png_write_rgb(const char *path, const uint32_t *pix, unsigned width, unsigned height, char *err,
                   size_t errlen);

#endif
