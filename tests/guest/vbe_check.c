/* vbe_check PNG: checks the screenshot of the vbe guest test (tests/guest/vbe.asm): a 64x48 image
 * whose pixel (x, y) is (x << 18) | (y << 10) | ((x + y) << 1). The PNG is taken apart with zlib
 * only (chunks, CRCs, IHDR, inflated IDAT rows with filter type 0, as ui/png.c writes them).
 * Prints one line; exit status 0 when every pixel matches. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define W 64
#define H 48

static uint32_t be32(const uint8_t *p) { return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3]; }

static int fail(const char *why)
{
    printf("vbe_check: FAIL: %s\n", why);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 2) return fail("usage: vbe_check FILE.png");
    FILE *f = fopen(argv[1], "rb");
    if (!f) return fail("cannot open the screenshot");
    static uint8_t buf[1 << 20], z[1 << 20];
    size_t len = fread(buf, 1, sizeof buf, f), zlen = 0;
    fclose(f);
    if (len < 8 || memcmp(buf, "\x89PNG\r\n\x1a\n", 8)) return fail("not a PNG");
    uint32_t w = 0, h = 0;
    for (size_t off = 8; off + 12 <= len;) {
        uint32_t n = be32(buf + off);
        if (off + 12 + n > len) return fail("truncated chunk");
        if (be32(buf + off + 8 + n) != (uint32_t)crc32(0, buf + off + 4, 4 + n)) return fail("bad chunk CRC");
        if (!memcmp(buf + off + 4, "IHDR", 4)) {
            w = be32(buf + off + 8);
            h = be32(buf + off + 12);
            if (buf[off + 16] != 8 || buf[off + 17] != 2) return fail("not 8-bit RGB");
        } else if (!memcmp(buf + off + 4, "IDAT", 4)) {
            if (zlen + n > sizeof z) return fail("IDAT too big");
            memcpy(z + zlen, buf + off + 8, n);
            zlen += n;
        }
        off += 12 + n;
    }
    if (w != W || h != H) {
        printf("vbe_check: FAIL: the screen is %ux%u, expected %ux%u\n", w, h, W, H);
        return 1;
    }
    static uint8_t raw[(W * 3 + 1) * H];
    uLongf rl = sizeof raw;
    if (uncompress(raw, &rl, z, zlen) != Z_OK || rl != sizeof raw) return fail("IDAT does not inflate to 64x48 RGB");
    unsigned bad = 0;
    for (unsigned y = 0; y < H; y++) {
        const uint8_t *r = raw + y * (W * 3 + 1);
        if (r[0] != 0) return fail("unexpected filter type");
        for (unsigned x = 0; x < W; x++) {
            uint32_t want = (x << 18) | (y << 10) | ((x + y) << 1);
            uint32_t got = ((uint32_t)r[1 + 3 * x] << 16) | ((uint32_t)r[2 + 3 * x] << 8) | r[3 + 3 * x];
            if (got != want && bad++ < 5) printf("vbe_check: pixel (%u, %u) = %06x, expected %06x\n", x, y, got, want);
        }
    }
    if (bad) {
        printf("vbe_check: FAIL: %u of %u pixels differ\n", bad, W * H);
        return 1;
    }
    printf("vbe_check: all %u pixels match\n", W * H);
    return 0;
}
