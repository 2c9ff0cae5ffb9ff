/* Turns the VGA state into pixels or text. Pure: reads struct vga only, never changes it and never
 * reads host or guest time (the caller says whether the text cursor is in its visible phase).
 *
 * Screens:
 *   - VBE on: XRES x YRES at 4 (planar), 8 (through the DAC), 15, 16, 24 or 32 bpp;
 *   - text (GR06 bit 0 clear): CRTC geometry (CR01 columns, CR12/CR07 lines over CR09 character
 *     height), 8- or 9-dot cells (SR01 bit 0; line-graphics characters C0-DF extend into the
 *     ninth column when AR10 bit 2 is set), the font from plane 2 (SR03 character maps), the
 *     attribute palette and DAC, underline, the cursor (CR0A/CR0B/CR0E/CR0F); blinking is not
 *     animated (blinking cells are drawn steady, AR10 bit 3 still limits the background to 8
 *     colours);
 *   - graphics: 16-colour planar (modes 0Dh-12h) and 256-colour (GR05 bit 6: mode 13h and the
 *     unchained "mode X"), with the line-compare split; the CGA-compatible 4-colour modes are
 *     drawn as planar.
 *   - blank: the display is off (SR01 bit 5) or the attribute palette is being loaded (AR index
 *     bit 5 clear), as on the real adapter.
 * Output pixels are 0x00RRGGBB. Sizes are capped at VGA_RENDER_MAX in each direction. */
#ifndef DEVICES_VGA_RENDER_H
#define DEVICES_VGA_RENDER_H

#include <stddef.h>

#include "devices/vga.h"

#define VGA_RENDER_MAX 4096

enum vga_screen { VGA_SCREEN_BLANK, VGA_SCREEN_TEXT, VGA_SCREEN_PLANAR, VGA_SCREEN_256, VGA_SCREEN_VBE };

struct vga_frame {
    unsigned width, height;
    uint32_t *pix; /* width * height pixels, row after row */
    size_t cap;    /* pixels allocated */
};

struct vga_text_geom {
    unsigned cols, rows;     /* character cells */
    unsigned cell_w, cell_h; /* pixels */
    unsigned start, stride;  /* first cell and cells per row, in CRTC addresses */
};

/* Which kind of screen the adapter shows now. */
enum vga_screen vga_screen_kind(const struct vga *v);
/* Renders the current screen into f, growing f->pix as needed. cursor_on: draw the text cursor
 * (its blink phase is the caller's choice). Returns false only when memory runs out. */
bool vga_render(const struct vga *v, struct vga_frame *f, bool cursor_on);
void vga_frame_free(struct vga_frame *f);
/* The text screen's geometry; false when the adapter is not in a text mode. */
bool vga_text_geometry(const struct vga *v, struct vga_text_geom *g);
/* The text screen as UTF-8 (code page 437 translated), one line per row with trailing blanks
 * removed. Writes at most cap bytes including the final NUL; returns the length of the whole
 * dump (like snprintf), or 0 when the adapter is not in a text mode. */
size_t vga_text_dump(const struct vga *v, char *buf, size_t cap);
/* Unicode code point of code page 437 character c (0x00 and 0xFF give a space). */
uint32_t vga_cp437(uint8_t c);

#endif
