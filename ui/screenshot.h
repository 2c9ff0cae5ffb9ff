/* Headless screenshots of the VGA screen: a PNG of the rendered screen, or the text screen as
 * UTF-8 text when the file name ends in ".txt". */
#ifndef UI_SCREENSHOT_H
#define UI_SCREENSHOT_H

#include <stddef.h>

#include "devices/vga.h"

/* Writes the current screen of v to path (text when path ends in ".txt", PNG otherwise). A text
 * dump of a graphics screen writes one line saying so. On failure returns false and writes a
 * message to err. Never touches guest state. */
bool screenshot_write(const struct vga *v, const char *path, char *err, size_t errlen);

#endif
