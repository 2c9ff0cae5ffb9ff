/* screen_check KIND FILE.png: checks a -screenshot PNG against the picture a test program draws.
 * The PNG is taken apart with zlib only (chunks and CRCs, IHDR, the inflated IDAT rows with filter
 * type 0, as ui/png.c writes them). Prints one line; exit status 0 when the picture is right.
 *
 * KIND:
 *   guest-vbe  tests/guest/vbe.asm: 64x48, pixel (x, y) = (x << 18) | (y << 10) | ((x + y) << 1)
 *   vbe        tests/boot/vgamodes.asm, VBE mode 0x118 through SeaVGABIOS: 1024x768, pixel
 *              (x, y) = (x << 16) | (y << 8) | x for x, y < 256, black elsewhere
 *   mode12     vgamodes.asm, mode 12h: 640x480; 'G' in yellow in the first 8x16 cell (written by
 *              the BIOS teletype); pixels (x, 16 + y) for x, y < 64 in colour ((x >> 3) + (y >> 3))
 *              & 15 of the standard 16-colour palette (written one by one with INT 10h AH=0Ch);
 *              black elsewhere
 *   mode13     vgamodes.asm, mode 13h: 320x200, pixel (x, y) = palette index (x + y) & 255; the
 *              indices below 16 must show the standard 16 colours */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* The VGA BIOS's 16 colours; 6-bit DAC values 00/15/2A/3F scale to 00/55/AA/FF. */
static const uint32_t ega16[16] = {0x000000, 0x0000aa, 0x00aa00, 0x00aaaa, 0xaa0000, 0xaa00aa, 0xaa5500, 0xaaaaaa,
                                   0x555555, 0x5555ff, 0x55ff55, 0x55ffff, 0xff5555, 0xff55ff, 0xffff55, 0xffffff};

static uint32_t be32(const uint8_t *p) { return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3]; }

static int fail(const char *why)
{
    printf("screen_check: FAIL: %s\n", why);
    return 1;
}

static uint32_t *pix;
static uint32_t width, height;

/* Loads FILE into pix/width/height. Returns NULL on success, else the reason. */
static const char *load(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return "cannot open the screenshot";
    fseek(f, 0, SEEK_END);
    long flen = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (flen <= 8) {
        fclose(f);
        return "empty file";
    }
    uint8_t *buf = malloc((size_t)flen), *z = malloc((size_t)flen);
    size_t len = fread(buf, 1, (size_t)flen, f), zlen = 0;
    fclose(f);
    if (memcmp(buf, "\x89PNG\r\n\x1a\n", 8)) return "not a PNG";
    for (size_t off = 8; off + 12 <= len;) {
        uint32_t n = be32(buf + off);
        if (off + 12 + n > len) return "truncated chunk";
        if (be32(buf + off + 8 + n) != (uint32_t)crc32(0, buf + off + 4, 4 + n)) return "bad chunk CRC";
        if (!memcmp(buf + off + 4, "IHDR", 4)) {
            width = be32(buf + off + 8);
            height = be32(buf + off + 12);
            if (buf[off + 16] != 8 || buf[off + 17] != 2) return "not 8-bit RGB";
        } else if (!memcmp(buf + off + 4, "IDAT", 4)) {
            memcpy(z + zlen, buf + off + 8, n);
            zlen += n;
        }
        off += 12 + n;
    }
    if (!width || !height || width > 4096 || height > 4096) return "bad size";
    uLongf rl = (uLongf)(width * 3 + 1) * height;
    uint8_t *raw = malloc(rl);
    uLongf got = rl;
    if (uncompress(raw, &got, z, zlen) != Z_OK || got != rl) return "IDAT does not inflate to the rows";
    pix = malloc(sizeof *pix * width * height);
    for (uint32_t y = 0; y < height; y++) {
        const uint8_t *r = raw + (size_t)y * (width * 3 + 1);
        if (r[0] != 0) return "unexpected filter type";
        for (uint32_t x = 0; x < width; x++)
            pix[y * width + x] = ((uint32_t)r[1 + 3 * x] << 16) | ((uint32_t)r[2 + 3 * x] << 8) | r[3 + 3 * x];
    }
    free(raw);
    free(z);
    free(buf);
    return NULL;
}

static unsigned bad, checked;
static void expect(uint32_t x, uint32_t y, uint32_t want)
{
    uint32_t got = pix[y * width + x];
    checked++;
    if (got != want && bad++ < 5) printf("screen_check: pixel (%u, %u) = %06x, expected %06x\n", x, y, got, want);
}

int main(int argc, char **argv)
{
    if (argc != 3) return fail("usage: screen_check guest-vbe|vbe|mode12|mode13 FILE.png");
    const char *kind = argv[1], *why = load(argv[2]);
    if (why) return fail(why);
    uint32_t w = 0, h = 0;
    if (!strcmp(kind, "guest-vbe")) w = 64, h = 48;
    else if (!strcmp(kind, "vbe")) w = 1024, h = 768;
    else if (!strcmp(kind, "mode12")) w = 640, h = 480;
    else if (!strcmp(kind, "mode13")) w = 320, h = 200;
    else return fail("unknown kind");
    if (width != w || height != h) {
        printf("screen_check: FAIL: the screen is %ux%u, expected %ux%u\n", width, height, w, h);
        return 1;
    }
    unsigned yellow = 0;
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            if (!strcmp(kind, "guest-vbe")) {
                expect(x, y, (x << 18) | (y << 10) | ((x + y) << 1));
            } else if (!strcmp(kind, "vbe")) {
                expect(x, y, x < 256 && y < 256 ? (x << 16) | (y << 8) | x : 0);
            } else if (!strcmp(kind, "mode12")) {
                if (x < 8 && y < 16) {
                    uint32_t p = pix[y * w + x];
                    if (p == 0xffff55) yellow++;
                    else expect(x, y, 0);
                } else {
                    expect(x, y, x < 64 && y >= 16 && y < 80 ? ega16[((x >> 3) + ((y - 16) >> 3)) & 15] : 0);
                }
            } else {
                unsigned idx = (x + y) & 255;
                if (idx < 16) expect(x, y, ega16[idx]);
            }
        }
    if (!strcmp(kind, "mode12") && yellow < 10) {
        printf("screen_check: FAIL: only %u yellow dots in the 'G' cell\n", yellow);
        return 1;
    }
    if (bad) {
        printf("screen_check: FAIL: %u of %u checked pixels differ\n", bad, checked);
        return 1;
    }
    printf("screen_check: %s: all %u checked pixels right\n", kind, checked);
    return 0;
}
