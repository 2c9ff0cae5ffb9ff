/* Host keys to PS/2 scan code set 2. Keys are named by their USB HID usage (Keyboard/Keypad page
 * 0x07), which is also SDL's SDL_Scancode numbering, so the table needs no SDL and is unit
 * tested on its own. The i8042 translates set 2 to set 1 when its XLATE bit is set. */
#ifndef UI_KEYMAP_H
#define UI_KEYMAP_H

#include <stdbool.h>
#include <stdint.h>

#define KEYMAP_MAX_BYTES 8

/* Writes the set-2 bytes of a make (down) or break (up) event of the key with HID usage `usage`
 * into out (at most KEYMAP_MAX_BYTES) and returns their number; 0 for keys without a code (and
 * for the break of Pause, which has none). */
unsigned keymap_hid_to_set2(unsigned usage, bool down, uint8_t out[KEYMAP_MAX_BYTES]);

#endif
