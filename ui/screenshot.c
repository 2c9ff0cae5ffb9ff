/* Screenshots: the VGA renderer's output through the PNG encoder, or the text dump. */
#include "ui/screenshot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/vga_render.h"
#include "ui/png.h"

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

static bool write_text(const struct vga *v, const char *path, char *err, size_t errlen)
{
    size_t need = vga_text_dump(v, NULL, 0);
    char *buf = malloc(need + 64);
    if (!buf) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    if (need) {
        vga_text_dump(v, buf, need + 1);
    } else {
        struct vga_frame f = {0};
        unsigned w = 0, h = 0;
        if (vga_render(v, &f, false)) w = f.width, h = f.height;
        vga_frame_free(&f);
        if (vga_screen_kind(v) == VGA_SCREEN_BLANK)
            need = (size_t)snprintf(buf, 64, "[no text: the screen is blank]\n");
        else
            need = (size_t)snprintf(buf, 64, "[no text: the screen is in a graphics mode, %ux%u]\n", w, h);
    }
    FILE *out = fopen(path, "w");
    if (!out) {
        snprintf(err, errlen, "cannot create '%s': %s", path, strerror(errno));
        free(buf);
        return false;
    }
    bool ok = fwrite(buf, 1, need, out) == need;
    ok = (fclose(out) == 0) && ok;
    free(buf);
    if (!ok) snprintf(err, errlen, "cannot write '%s'", path);
    return ok;
}

bool screenshot_write(const struct vga *v, const char *path, char *err, size_t errlen)
{
    if (ends_with(path, ".txt")) return write_text(v, path, err, errlen);
    struct vga_frame f = {0};
    if (!vga_render(v, &f, true)) {
        snprintf(err, errlen, "out of memory rendering the screen");
        return false;
    }
    bool ok = png_write_rgb(path, f.pix, f.width, f.height, err, errlen);
    vga_frame_free(&f);
    return ok;
}
