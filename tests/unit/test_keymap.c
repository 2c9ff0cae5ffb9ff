/* Unit tests of the host key map (ui/keymap.c): USB HID usages to PS/2 set-2 make and break
 * sequences (plain, E0-prefixed, modifiers, Pause, Print Screen, unmapped usages), and the whole
 * host-key path into the i8042 with translation on, where the guest must read set-1 codes. */
#include "ui/keymap.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/i8042.h"

static unsigned long n_checks;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        n_checks++;                                                                                \
        ck_assert_msg(cond, __VA_ARGS__);                                                          \
    } while (0)

static bool seq(unsigned usage, bool down, const uint8_t *want, unsigned n)
{
    uint8_t out[KEYMAP_MAX_BYTES];
    unsigned got = keymap_hid_to_set2(usage, down, out);
    return got == n && (n == 0 || !memcmp(out, want, n));
}

START_TEST(test_set2_codes)
{
    CHECK(seq(0x04, true, (const uint8_t[]){0x1c}, 1), "a make");
    CHECK(seq(0x04, false, (const uint8_t[]){0xf0, 0x1c}, 2), "a break");
    CHECK(seq(0x1d, true, (const uint8_t[]){0x1a}, 1), "z");
    CHECK(seq(0x27, true, (const uint8_t[]){0x45}, 1), "0");
    CHECK(seq(0x28, true, (const uint8_t[]){0x5a}, 1), "Enter");
    CHECK(seq(0x58, true, (const uint8_t[]){0xe0, 0x5a}, 2), "keypad Enter");
    CHECK(seq(0x52, true, (const uint8_t[]){0xe0, 0x75}, 2), "Up make");
    CHECK(seq(0x52, false, (const uint8_t[]){0xe0, 0xf0, 0x75}, 3), "Up break");
    CHECK(seq(0x40, true, (const uint8_t[]){0x83}, 1), "F7");
    CHECK(seq(0xe0, true, (const uint8_t[]){0x14}, 1), "left Ctrl");
    CHECK(seq(0xe4, true, (const uint8_t[]){0xe0, 0x14}, 2), "right Ctrl");
    CHECK(seq(0xe6, false, (const uint8_t[]){0xe0, 0xf0, 0x11}, 3), "right Alt break");
    CHECK(seq(0xe5, true, (const uint8_t[]){0x59}, 1), "right Shift");
    CHECK(seq(0x48, true, (const uint8_t[]){0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77}, 8), "Pause");
    CHECK(seq(0x48, false, NULL, 0), "Pause has no break");
    CHECK(seq(0x46, true, (const uint8_t[]){0xe0, 0x12, 0xe0, 0x7c}, 4), "Print Screen make");
    CHECK(seq(0x46, false, (const uint8_t[]){0xe0, 0xf0, 0x7c, 0xe0, 0xf0, 0x12}, 6), "Print Screen break");
    CHECK(seq(0x00, true, NULL, 0) && seq(0x70, true, NULL, 0) && seq(0xe8, true, NULL, 0) && seq(100000, true, NULL, 0),
          "unmapped usages give nothing");
    /* every usage 0x04-0x65 except the gaps is mapped, and no two keys share a make code */
    uint16_t seen[0x300] = {0};
    for (unsigned u = 0x04; u <= 0xe7; u++) {
        uint8_t out[KEYMAP_MAX_BYTES];
        unsigned n = keymap_hid_to_set2(u, true, out);
        if (u == 0x46 || u == 0x48 || u == 0x32 || !n) continue; /* 0x32 (non-US #) shares \ */
        unsigned code = n == 2 ? 0x100u | out[1] : out[0];
        CHECK(n <= 2 && !seen[code], "usage %#x: code %#x already used by %#x", u, code, seen[code]);
        seen[code] = (uint16_t)u;
    }
}
END_TEST

static void nop_irq(void *opaque, int n, int level) {}

START_TEST(test_host_keys_through_i8042)
{
    struct bus *bus = bus_create();
    struct i8042 *k = malloc(sizeof *k);
    ck_assert(bus && k);
    ck_assert(i8042_init(k, bus, (struct irq_line){nop_irq, NULL, 1}, (struct irq_line){nop_irq, NULL, 12}));
    i8042_reset(k);
    /* the usual BIOS setup: translation on, keyboard enabled and scanning */
    bus_out(bus, 0x64, 0x60, 1);
    bus_out(bus, 0x60, 0x61, 1);
    bus_out(bus, 0x60, 0xf4, 1);
    CHECK(bus_in(bus, 0x60, 1) == 0xfa, "enable ACK");
    /* 'a' down and up, then right Ctrl down: set 1 is 1E, 9E, E0 1D */
    uint8_t b[KEYMAP_MAX_BYTES];
    unsigned n = keymap_hid_to_set2(0x04, true, b);
    CHECK(i8042_kbd_queue(k, b, n), "queued");
    n = keymap_hid_to_set2(0x04, false, b);
    CHECK(i8042_kbd_queue(k, b, n), "queued");
    n = keymap_hid_to_set2(0xe4, true, b);
    CHECK(i8042_kbd_queue(k, b, n), "queued");
    static const uint8_t want[] = {0x1e, 0x9e, 0xe0, 0x1d};
    for (unsigned i = 0; i < sizeof want; i++) {
        CHECK(bus_in(bus, 0x64, 1) & 1, "byte %u pending", i);
        uint8_t got = (uint8_t)bus_in(bus, 0x60, 1);
        CHECK(got == want[i], "set-1 byte %u: %02x, expected %02x", i, got, want[i]);
    }
    CHECK(!(bus_in(bus, 0x64, 1) & 1), "nothing more");
    free(k);
    bus_destroy(bus);
}
END_TEST

static Suite *keymap_suite(void)
{
    Suite *s = suite_create("keymap");
    TCase *tc = tcase_create("keymap");
    tcase_add_test(tc, test_set2_codes);
    tcase_add_test(tc, test_host_keys_through_i8042);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(keymap_suite());
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    printf("keymap: %lu checks\n", n_checks);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
