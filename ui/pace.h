/* Idle pacing for a terminal console: while the guest is halted, guest time does not run ahead
 * of the wall clock, and input on the console wakes the wait early. */
#ifndef UI_PACE_H
#define UI_PACE_H

struct machine;
struct pace;

/* Attaches pacing to m as its front end (machine_set_ui). fd is polled for input while the guest
 * idles (-1: none). Returns NULL when out of memory. */
struct pace *pace_attach(struct machine *m, int fd);
/* Detaches and frees. NULL is fine. */
void pace_close(struct pace *p);

#endif
