/* -d profile: guest-RIP histogram (see profile.h). An open-addressing hash of (RIP, context) ->
 * count that doubles when half full. */
#include "machine/profile.h"

#include <stdlib.h>

struct prof_slot {
    uint64_t rip;
    uint64_t count; /* 0: empty slot */
    uint32_t tag;   /* vmx_profile_tag: 0, or 1 + a VMX guest's VPID */
};

struct profile {
    struct prof_slot *slot;
    size_t cap, used;
    uint64_t samples;
};

struct profile *profile_create(void)
{
    struct profile *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->cap = 1u << 12;
    p->slot = calloc(p->cap, sizeof *p->slot);
    if (!p->slot) {
        free(p);
        return NULL;
    }
    return p;
}

void profile_destroy(struct profile *p)
{
    if (!p) return;
    free(p->slot);
    free(p);
}

static size_t prof_hash(uint64_t rip, uint32_t tag, size_t cap)
{
    return (size_t)(((rip ^ (uint64_t)tag << 48) * 0x9e3779b97f4a7c15ull) >> 20) & (cap - 1);
}

static bool prof_grow(struct profile *p)
{
    size_t cap = p->cap * 2;
    struct prof_slot *s = calloc(cap, sizeof *s);
    if (!s) return false;
    for (size_t k = 0; k < p->cap; k++) {
        if (!p->slot[k].count) continue;
        size_t h = prof_hash(p->slot[k].rip, p->slot[k].tag, cap);
        while (s[h].count) h = (h + 1) & (cap - 1);
        s[h] = p->slot[k];
    }
    free(p->slot);
    p->slot = s;
    p->cap = cap;
    return true;
}

void profile_add(struct profile *p, uint64_t rip, uint32_t tag)
{
    p->samples++;
    if (p->used * 2 >= p->cap && !prof_grow(p)) return;
    size_t h = prof_hash(rip, tag, p->cap);
    while (p->slot[h].count && (p->slot[h].rip != rip || p->slot[h].tag != tag)) h = (h + 1) & (p->cap - 1);
    if (!p->slot[h].count) {
        p->slot[h].rip = rip;
        p->slot[h].tag = tag;
        p->used++;
    }
    p->slot[h].count++;
}

static int prof_cmp(const void *a, const void *b)
{
    const struct prof_slot *x = a, *y = b;
    if (x->count != y->count) return x->count < y->count ? 1 : -1;
    if (x->tag != y->tag) return x->tag < y->tag ? -1 : 1;
    return x->rip < y->rip ? -1 : x->rip > y->rip;
}

void profile_report(const struct profile *p, FILE *f, unsigned max_rows)
{
    struct prof_slot *s = malloc((p->used ? p->used : 1) * sizeof *s);
    if (!s) return;
    size_t n = 0;
    for (size_t k = 0; k < p->cap; k++)
        if (p->slot[k].count) s[n++] = p->slot[k];
    qsort(s, n, sizeof *s, prof_cmp);
    uint64_t busy = p->samples;
    fprintf(f, "profile: %llu samples, one per %u instructions; %zu distinct RIPs\n",
            (unsigned long long)p->samples, PROFILE_PERIOD, n);
    fprintf(f, "profile: %-18s %10s %7s\n", "rip", "samples", "share");
    for (size_t k = 0; k < n && k < max_rows; k++) {
        fprintf(f, "profile: %016llx %10llu %6.2f%%", (unsigned long long)s[k].rip,
                (unsigned long long)s[k].count, busy ? 100.0 * (double)s[k].count / (double)busy : 0.0);
        if (s[k].tag) fprintf(f, " guest vpid %u", s[k].tag - 1);
        fputc('\n', f);
    }
    free(s);
}
