/* SDL2 window. Everything runs on the emulator's thread: machine_run calls sdl_poll between CPU
 * slices (a fixed amount of guest time) and sdl_idle while the guest is halted. Host time only
 * decides when the window is redrawn (at most about 60 times a second) and how long an idle
 * guest waits for the wall clock; the guest sees nothing of it. Keys enter the guest's keyboard
 * at slice boundaries, like the serial console's input. */
#include "ui/sdl.h"

#include <SDL.h>
#include <stdlib.h>
#include <string.h>

#include "devices/vga_render.h"
#include "machine/machine.h"
#include "ui/keymap.h"
#include "ui/pace.h"

#define FRAME_NS 16666667ull   /* redraw at most every 1/60 s of host time */
#define SLICE_NS 1000000ull    /* return to the window every 1 ms of guest time */
#define KEY_QUEUE 64

struct sdl_display {
    struct machine *m;
    struct vga *vga;
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Texture *tex;
    unsigned tex_w, tex_h;
    struct vga_frame frame;
    struct pace_clock clock; /* what an idle guest waits for (ui/pace.c) */
    uint64_t last_draw;      /* host ns */
    /* key events the keyboard had no room for yet */
    struct pending_key {
        uint8_t bytes[KEYMAP_MAX_BYTES];
        uint8_t n;
    } keys[KEY_QUEUE];
    unsigned key_head, key_count;
};

static uint64_t host_ns(void) { return pace_host_ns(); }

bool sdl_display_available(void)
{
    const char *v;
    if ((v = getenv("SDL_VIDEODRIVER")) && *v) return true;
    if ((v = getenv("DISPLAY")) && *v) return true;
    if ((v = getenv("WAYLAND_DISPLAY")) && *v) return true;
    return false;
}

static void flush_keys(struct sdl_display *d)
{
    while (d->key_count) {
        struct pending_key *k = &d->keys[d->key_head];
        if (!machine_send_keys(d->m, k->bytes, k->n)) return; /* full: try at the next slice */
        d->key_head = (d->key_head + 1) % KEY_QUEUE;
        d->key_count--;
    }
}

static void queue_key(struct sdl_display *d, const SDL_KeyboardEvent *ev)
{
    uint8_t bytes[KEYMAP_MAX_BYTES];
    unsigned n = keymap_hid_to_set2((unsigned)ev->keysym.scancode, ev->type == SDL_KEYDOWN, bytes);
    if (!n || d->key_count == KEY_QUEUE) return;
    struct pending_key *k = &d->keys[(d->key_head + d->key_count) % KEY_QUEUE];
    memcpy(k->bytes, bytes, n);
    k->n = (uint8_t)n;
    d->key_count++;
}

/* Handles pending window events. Returns true when a key was queued. */
static bool handle_events(struct sdl_display *d)
{
    SDL_Event ev;
    bool keys = false;
    while (SDL_PollEvent(&ev)) {
        switch (ev.type) {
        case SDL_QUIT:
            machine_quit(d->m);
            break;
        case SDL_KEYDOWN:
        case SDL_KEYUP:
            queue_key(d, &ev.key);
            keys = true;
            break;
        case SDL_WINDOWEVENT:
            if (ev.window.event == SDL_WINDOWEVENT_EXPOSED) d->last_draw = 0;
            if (ev.window.event == SDL_WINDOWEVENT_CLOSE) machine_quit(d->m);
            break;
        default:
            break;
        }
    }
    flush_keys(d);
    return keys;
}

static void draw(struct sdl_display *d)
{
    uint64_t now = host_ns();
    /* the text cursor blinks on host time: it is never visible to the guest */
    bool cursor_on = ((now - d->clock.host0) / 266666667ull) % 2 == 0;
    if (!vga_render(d->vga, &d->frame, cursor_on)) return;
    if (!d->tex || d->tex_w != d->frame.width || d->tex_h != d->frame.height) {
        if (d->tex) SDL_DestroyTexture(d->tex);
        d->tex = SDL_CreateTexture(d->ren, SDL_PIXELFORMAT_RGB888, SDL_TEXTUREACCESS_STREAMING,
                                   (int)d->frame.width, (int)d->frame.height);
        if (!d->tex) return;
        d->tex_w = d->frame.width;
        d->tex_h = d->frame.height;
        SDL_RenderSetLogicalSize(d->ren, (int)d->tex_w, (int)d->tex_h);
        SDL_SetWindowSize(d->win, (int)d->tex_w, (int)d->tex_h);
    }
    SDL_UpdateTexture(d->tex, NULL, d->frame.pix, (int)(d->frame.width * sizeof(uint32_t)));
    SDL_RenderClear(d->ren);
    SDL_RenderCopy(d->ren, d->tex, NULL, NULL);
    SDL_RenderPresent(d->ren);
    d->last_draw = now;
}

static void sdl_poll(void *opaque)
{
    struct sdl_display *d = opaque;
    handle_events(d);
    if (host_ns() - d->last_draw >= FRAME_NS) draw(d);
}

static bool sdl_idle(void *opaque, uint64_t now_ns, uint64_t until_ns)
{
    struct sdl_display *d = opaque;
    if (handle_events(d)) return false;
    if (host_ns() - d->last_draw >= FRAME_NS) draw(d);
    /* Guest time may not run ahead of host time while the guest idles: wait until the wall
     * clock reaches the next timer (in slices, so the window stays responsive; ui/pace.c
     * explains the lag it forgets, so a boot menu's countdown still takes its time). */
    int ms = pace_clock_wait_ms(&d->clock, now_ns, until_ns);
    if (!ms) return true;
    /* with a NULL event SDL only waits; the event stays queued for the next handle_events */
    if (SDL_WaitEventTimeout(NULL, ms)) return false;
    return pace_clock_reached(&d->clock, until_ns);
}

struct sdl_display *sdl_display_open(char *err, size_t errlen)
{
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        snprintf(err, errlen, "cannot start SDL video: %s", SDL_GetError());
        return NULL;
    }
    struct sdl_display *d = calloc(1, sizeof *d);
    if (!d) {
        SDL_Quit();
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    d->win = SDL_CreateWindow("turtles", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, 720, 400,
                              SDL_WINDOW_RESIZABLE);
    if (d->win) d->ren = SDL_CreateRenderer(d->win, -1, 0);
    if (!d->win || !d->ren) {
        snprintf(err, errlen, "cannot open the SDL window: %s", SDL_GetError());
        sdl_display_close(d);
        return NULL;
    }
    pace_clock_start(&d->clock);
    return d;
}

bool sdl_display_attach(struct sdl_display *d, struct machine *m, char *err, size_t errlen)
{
    struct vga *vga = machine_vga(m);
    if (!vga) {
        snprintf(err, errlen, "-display sdl needs a VGA adapter (not -vga none)");
        return false;
    }
    d->m = m;
    d->vga = vga;
    pace_clock_start(&d->clock);
    struct machine_ui ui = {.poll = sdl_poll, .idle = sdl_idle, .opaque = d, .slice_ns = SLICE_NS};
    machine_set_ui(m, &ui);
    return true;
}

void sdl_display_close(struct sdl_display *d)
{
    if (!d) return;
    if (d->m) machine_set_ui(d->m, NULL);
    vga_frame_free(&d->frame);
    if (d->tex) SDL_DestroyTexture(d->tex);
    if (d->ren) SDL_DestroyRenderer(d->ren);
    if (d->win) SDL_DestroyWindow(d->win);
    free(d);
    SDL_Quit();
}
