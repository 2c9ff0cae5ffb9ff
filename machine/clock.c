#include "machine/clock.h"

void clock_init(struct clock *c, uint64_t (*icount)(void *), void *opaque)
{
    c->icount = icount;
    c->opaque = opaque;
    c->head = NULL;
    c->deadline_changed = NULL;
}

void timer_init(struct timer *t, struct clock *clk, timer_cb cb, void *opaque)
{
    t->clk = clk;
    t->cb = cb;
    t->opaque = opaque;
    t->armed = false;
    t->next = NULL;
    t->deadline = 0;
}

void timer_del(struct timer *t)
{
    if (!t->armed) return;
    struct timer **p = &t->clk->head;
    while (*p && *p != t) p = &(*p)->next;
    if (*p) *p = t->next;
    t->armed = false;
    t->next = NULL;
}

void timer_mod(struct timer *t, uint64_t deadline_ns)
{
    timer_del(t);
    t->deadline = deadline_ns;
    struct timer **p = &t->clk->head;
    while (*p && (*p)->deadline <= deadline_ns) p = &(*p)->next;
    t->next = *p;
    *p = t;
    t->armed = true;
    if (t->clk->head == t && t->clk->deadline_changed) t->clk->deadline_changed(t->clk->opaque, deadline_ns);
}

uint64_t clock_next_deadline(const struct clock *c) { return c->head ? c->head->deadline : UINT64_MAX; }

void clock_run_timers(struct clock *c)
{
    uint64_t now = clock_ns(c);
    while (c->head && c->head->deadline <= now) {
        struct timer *t = c->head;
        c->head = t->next;
        t->armed = false;
        t->next = NULL;
        t->cb(t->opaque); /* may re-arm t or others */
    }
}
