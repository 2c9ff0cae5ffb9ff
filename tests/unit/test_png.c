/* Unit tests of the PNG encoder (ui/png.c) and the screenshot writer (ui/screenshot.c): the
 * encoded file is taken apart again (signature, chunk lengths and CRCs, IHDR fields, the IDAT
 * stream decompressed with zlib's uncompress and compared pixel by pixel, IEND), and a
 * screenshot of a text screen is written as PNG and as text. */
#include "ui/png.h"
#include "ui/screenshot.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static unsigned long n_checks;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        n_checks++;                                                                                \
        ck_assert_msg(cond, __VA_ARGS__);                                                          \
    } while (0)

static uint32_t be32(const uint8_t *p) { return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3]; }

/* Decodes what png_encode_rgb writes (8-bit RGB, filter 0). Returns the pixels (malloc'ed). */
static uint32_t *decode(const uint8_t *buf, size_t len, unsigned *w, unsigned *h)
{
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
    CHECK(len > 8 && !memcmp(buf, sig, 8), "signature");
    size_t off = 8;
    uint8_t *z = NULL;
    size_t zlen = 0;
    bool ihdr = false, iend = false;
    unsigned chunks = 0;
    while (off + 12 <= len) {
        uint32_t n = be32(buf + off);
        CHECK(off + 12 + n <= len, "chunk fits");
        const uint8_t *type = buf + off + 4, *data = buf + off + 8;
        uLong crc = crc32(crc32(0L, Z_NULL, 0), type, 4 + n);
        CHECK(be32(data + n) == (uint32_t)crc, "CRC of chunk %.4s", (const char *)type);
        if (!memcmp(type, "IHDR", 4)) {
            CHECK(chunks == 0 && n == 13, "IHDR first, 13 bytes");
            *w = be32(data);
            *h = be32(data + 4);
            CHECK(data[8] == 8 && data[9] == 2 && data[10] == 0 && data[11] == 0 && data[12] == 0,
                  "8-bit truecolour, deflate, no interlace");
            ihdr = true;
        } else if (!memcmp(type, "IDAT", 4)) {
            z = realloc(z, zlen + n);
            memcpy(z + zlen, data, n);
            zlen += n;
        } else if (!memcmp(type, "IEND", 4)) {
            CHECK(n == 0 && off + 12 == len, "IEND last and empty");
            iend = true;
        }
        chunks++;
        off += 12 + n;
    }
    CHECK(ihdr && iend && z, "IHDR, IDAT and IEND present");
    uLongf rawlen = (uLongf)(*w * 3 + 1) * *h;
    uint8_t *raw = malloc(rawlen + 1);
    uLongf got = rawlen + 1;
    CHECK(uncompress(raw, &got, z, (uLong)zlen) == Z_OK && got == rawlen, "IDAT inflates to the rows");
    uint32_t *pix = malloc(sizeof *pix * *w * *h);
    for (unsigned y = 0; y < *h; y++) {
        const uint8_t *r = raw + (size_t)y * (*w * 3 + 1);
        CHECK(r[0] == 0, "filter type 0");
        for (unsigned x = 0; x < *w; x++)
            pix[y * *w + x] = ((uint32_t)r[1 + 3 * x] << 16) | ((uint32_t)r[2 + 3 * x] << 8) | r[3 + 3 * x];
    }
    free(raw);
    free(z);
    return pix;
}

START_TEST(test_round_trip)
{
    enum { W = 37, H = 11 };
    uint32_t img[W * H];
    for (unsigned k = 0; k < W * H; k++) img[k] = (k * 2654435761u) & 0xffffff;
    uint8_t *buf;
    size_t len;
    CHECK(png_encode_rgb(img, W, H, &buf, &len), "encode");
    unsigned w = 0, h = 0;
    uint32_t *pix = decode(buf, len, &w, &h);
    CHECK(w == W && h == H, "size %ux%u", w, h);
    CHECK(!memcmp(pix, img, sizeof img), "pixels survive");
    free(pix);
    free(buf);
    CHECK(!png_encode_rgb(img, 0, 5, &buf, &len), "empty image refused");
}
END_TEST

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert(f);
    uint8_t *b = malloc(1 << 20);
    *len = fread(b, 1, 1 << 20, f);
    fclose(f);
    return b;
}

START_TEST(test_screenshot_files)
{
    struct vga *v = malloc(sizeof *v);
    uint8_t *vram = calloc(1, 1 << 20);
    ck_assert(vga_init(v, NULL, NULL, vram, 1 << 20));
    vga_reset(v);
    /* an 80x25 text screen, 8-dot cells, "OK" in cell 0-1, white on black */
    v->sr[VGA_SR_CLOCKING] = 0x01;
    v->cr[0x01] = 0x4f;
    v->cr[0x07] = 0x1f;
    v->cr[0x09] = 0x0f;
    v->cr[0x12] = 0x8f;
    v->cr[0x13] = 0x28;
    v->cr[0x0a] = 0x20;
    v->ar[7] = 0x3f;
    v->ar_index = VGA_AR_PAS;
    v->dac[0x3f * 3] = v->dac[0x3f * 3 + 1] = v->dac[0x3f * 3 + 2] = 0x3f;
    vram[0] = 'O', vram[1] = 0x07, vram[4] = 'K', vram[5] = 0x07;
    vram[('O' * 32 + 4) * 4 + 2] = 0x80; /* one dot of the 'O' glyph */
    char dir[] = "/tmp/turtles-png-XXXXXX", path[64], err[256];
    ck_assert(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/s.txt", dir);
    CHECK(screenshot_write(v, path, err, sizeof err), "text screenshot: %s", err);
    size_t len;
    uint8_t *b = slurp(path, &len);
    CHECK(len == 3 + 24 && !memcmp(b, "OK\n", 3), "text file");
    free(b);
    unlink(path);
    snprintf(path, sizeof path, "%s/s.png", dir);
    CHECK(screenshot_write(v, path, err, sizeof err), "PNG screenshot: %s", err);
    b = slurp(path, &len);
    unsigned w, h;
    uint32_t *pix = decode(b, len, &w, &h);
    CHECK(w == 640 && h == 400, "PNG of 80x25 8x16 cells: %ux%u", w, h);
    CHECK(pix[4 * 640 + 0] == 0xffffff && pix[4 * 640 + 1] == 0 && pix[3 * 640] == 0, "the glyph dot is white");
    free(pix);
    free(b);
    unlink(path);
    snprintf(path, sizeof path, "%s/none/s.png", dir);
    CHECK(!screenshot_write(v, path, err, sizeof err) && strstr(err, "cannot create"), "error reported");
    rmdir(dir);
    free(vram);
    free(v);
}
END_TEST

static Suite *png_suite(void)
{
    Suite *s = suite_create("png");
    TCase *tc = tcase_create("png");
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_screenshot_files);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(png_suite());
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    printf("png: %lu checks\n", n_checks);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
