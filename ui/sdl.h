/* The SDL2 display window: shows the VGA screen, sends the host keyboard to the guest's PS/2
 * keyboard, and ends the run when closed. Built only when meson finds SDL2 (TURTLES_SDL). */
#ifndef UI_SDL_H
#define UI_SDL_H

#include <stddef.h>

#include "emu/compiler.h"

struct machine;
struct sdl_display;

/* True when a window can probably be opened: $DISPLAY or $WAYLAND_DISPLAY is set, or
 * SDL_VIDEODRIVER names a driver. */
bool sdl_display_available(void);
/* Opens the window. Returns NULL with a message in err. */
struct sdl_display *sdl_display_open(char *err, size_t errlen);
/* Shows m's VGA screen in the window and sends it the keyboard (machine_set_ui). Returns false
 * with a message when m has no VGA. */
bool sdl_display_attach(struct sdl_display *d, struct machine *m, char *err, size_t errlen);
/* Detaches from the machine and closes the window. NULL is allowed. */
void sdl_display_close(struct sdl_display *d);

#endif
