/* length_check: proves the decoder's instruction lengths and valid/invalid verdicts against
 * Capstone, in 16-, 32- and 64-bit mode, over three sources of bytes:
 *   enum    every opcode of the one-byte, 0F, 0F 38 and 0F 3A maps with a set of prefix
 *           combinations, all 256 ModRM bytes, SIB bytes for the rm=4 forms, then filler;
 *   random  seeded pseudo-random byte strings (half raw, half prefix+opcode shaped);
 *   real    the .text section of ELF64 binaries, walked linearly with Capstone.
 *
 * A disagreement is one of
 *   (a) both valid, different length: always a bug unless allowlisted;
 *   (b) Capstone valid, ours invalid: allowed only for classes the decoder leaves out by design
 *       (VEX/EVEX/XOP, 3DNow!, AVX family, features outside the mask), LOCK misuse that the SDM
 *       makes #UD, x87/SSE while their catalogues are still empty ("pending"), or an allowlist line;
 *   (c) ours valid, Capstone invalid: allowlisted with a reason, otherwise a bug.
 * Exit status 1 on any disagreement that is not allowed, 2 on usage or setup errors.
 *
 * usage: length_check [--random N] [--seed S] [--show N] [--report FILE] [--allowlist FILE]
 *                     [--modes 16,32,64] [--sources enum,random,real] [--elf FILE]... [--quick]
 */
#include "cpu/decode/decode.h"

#include <capstone/capstone.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef ALLOWLIST_DEFAULT
#define ALLOWLIST_DEFAULT "tests/length/allowlist.txt"
#endif

enum { SRC_ENUM, SRC_RANDOM, SRC_REAL, SRC_COUNT };
static const char *const src_name[SRC_COUNT] = {"enum", "random", "real"};
static const int mode_bits[3] = {16, 32, 64};

/* Outcome classes of one comparison */
enum cls {
    C_AGREE,       /* same verdict (and same length when valid) */
    C_A_BUG,       /* (a) both valid, lengths differ */
    C_A_ALLOW,     /* (a) allowlisted */
    C_B_DESIGN,    /* (b) VEX/EVEX/XOP/3DNow!/AVX: not implemented by design */
    C_B_FEATURE,   /* (b) needs a CPUID feature outside the mask (VMX, SVM) */
    C_B_LOCK,      /* (b) LOCK on a non-lockable form or register destination: #UD per SDM */
    C_B_PENDING,   /* (b) x87 / SSE / MMX while that catalogue is still empty */
    C_B_MANDPFX,   /* (b) SSE form with a 66/F2/F3 that selects no form: #UD per SDM, Capstone ignores it */
    C_B_ALLOW,     /* (b) allowlisted */
    C_B_BUG,       /* (b) not allowed */
    C_C_CS16,      /* (c) Capstone 4 SSE defects: 16-bit mode, prefix order (see cs_sse_quirk) */
    C_C_ALLOW,     /* (c) allowlisted */
    C_C_BUG,       /* (c) not allowed */
    C_COUNT
};
static const char *const cls_name[C_COUNT] = {
    "agree", "a:len-bug", "a:allowlisted", "b:vex/evex/xop/3dnow/avx", "b:feature-off",
    "b:lock-ud", "b:pending-x87/sse", "b:unused-mand-prefix", "b:allowlisted", "b:bug",
    "c:capstone-sse-quirk", "c:allowlisted", "c:bug"};
static bool cls_is_bug(int c) { return c == C_A_BUG || c == C_B_BUG || c == C_C_BUG; }

/* ---- allowlist ---------------------------------------------------------------------------- */
/* Line format:  MODES CLASS PATTERN... -- REASON
 *   MODES   "*" or a comma list of 16,32,64
 *   CLASS   a, b or c
 *   PATTERN tokens matched against the bytes that follow the legacy prefixes and REX:
 *           HH (exact), HH/MM (byte & MM == HH), .. (any byte); and optional prefix conditions
 *           +HH[,HH...] (one of these prefixes present) or !HH[,HH...] (none of them present),
 *           which may appear anywhere among the tokens (REX bytes count as prefixes).
 */
struct allow {
    unsigned modes; /* bit 0: 16, 1: 32, 2: 64 */
    char cls;
    unsigned n;
    uint8_t val[15], mask[15];
    unsigned ncond;
    struct {
        bool neg;          /* !: none of the bytes is present; +: at least one is */
        uint8_t n, b[16];
    } cond[4];
    char reason[240];
    int line;
    unsigned long hits;
};
static struct allow *allows;
static unsigned nallows;

static int load_allowlist(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "length_check: cannot open allowlist %s: %s\n", path, strerror(errno));
        return -1;
    }
    char line[1024];
    int ln = 0;
    while (fgets(line, sizeof line, f)) {
        ln++;
        char *p = line;
        while (*p == ' ' || *p == '\t') p++;
        if (*p == '#' || *p == '\n' || !*p) continue;
        char *sep = strstr(p, " -- ");
        if (!sep) {
            fprintf(stderr, "%s:%d: missing ' -- reason'\n", path, ln);
            fclose(f);
            return -1;
        }
        *sep = 0;
        char *reason = sep + 4;
        reason[strcspn(reason, "\n")] = 0;
        struct allow a = {0};
        a.line = ln;
        snprintf(a.reason, sizeof a.reason, "%s", reason);
        char *save = NULL;
        char *tok = strtok_r(p, " \t", &save);
        if (!tok) goto bad;
        if (!strcmp(tok, "*")) {
            a.modes = 7;
        } else {
            for (char *m = tok; *m;) {
                long v = strtol(m, &m, 10);
                if (v == 16) a.modes |= 1;
                else if (v == 32) a.modes |= 2;
                else if (v == 64) a.modes |= 4;
                else goto bad;
                if (*m == ',') m++;
            }
        }
        tok = strtok_r(NULL, " \t", &save);
        if (!tok || strlen(tok) != 1 || tok[0] < 'a' || tok[0] > 'c') goto bad;
        a.cls = tok[0];
        while ((tok = strtok_r(NULL, " \t", &save))) {
            if (tok[0] == '+' || tok[0] == '!') {
                if (a.ncond >= 4) goto bad;
                a.cond[a.ncond].neg = tok[0] == '!';
                for (char *q = tok + 1; *q;) {
                    char *end;
                    unsigned long v = strtoul(q, &end, 16);
                    if (end == q || v > 0xff || a.cond[a.ncond].n >= 16) goto bad;
                    a.cond[a.ncond].b[a.cond[a.ncond].n++] = (uint8_t)v;
                    q = *end == ',' ? end + 1 : end;
                    if (*end && *end != ',') goto bad;
                }
                if (!a.cond[a.ncond].n) goto bad;
                a.ncond++;
                continue;
            }
            if (a.n >= 15) goto bad;
            if (!strcmp(tok, "..")) {
                a.val[a.n] = 0;
                a.mask[a.n++] = 0;
                continue;
            }
            char *end;
            unsigned long v = strtoul(tok, &end, 16), m = 0xff;
            if (end == tok) goto bad;
            if (*end == '/') m = strtoul(end + 1, &end, 16);
            if (*end || v > 0xff || m > 0xff) goto bad;
            a.val[a.n] = (uint8_t)(v & m);
            a.mask[a.n++] = (uint8_t)m;
        }
        if (!a.n) goto bad;
        allows = realloc(allows, (nallows + 1) * sizeof *allows);
        allows[nallows++] = a;
        continue;
    bad:
        fprintf(stderr, "%s:%d: malformed allowlist line\n", path, ln);
        fclose(f);
        return -1;
    }
    fclose(f);
    return 0;
}

/* ---- prefix scanning (our own, only to find where the opcode starts) ---------------------- */
struct scan {
    unsigned start;    /* index of the first opcode byte */
    uint8_t pfx[16];   /* legacy prefixes and REX seen (REX only when it survives) */
    unsigned npfx;
    unsigned map, opc; /* map (MAP_*) and opcode byte, when within the buffer */
    bool has_opc;
};

static bool is_legacy_prefix(uint8_t b)
{
    switch (b) {
    case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65: case 0x66: case 0x67:
    case 0xf0: case 0xf2: case 0xf3: return true;
    default: return false;
    }
}

static void scan_bytes(const uint8_t *b, size_t n, int mode, struct scan *s)
{
    memset(s, 0, sizeof *s);
    unsigned k = 0;
    while (k < n && k < 15 && (is_legacy_prefix(b[k]) || (mode == 2 && (b[k] & 0xf0) == 0x40))) {
        if (s->npfx < sizeof s->pfx) s->pfx[s->npfx++] = b[k];
        k++;
    }
    s->start = k;
    if (k < n) {
        s->has_opc = true;
        s->map = MAP_1;
        s->opc = b[k];
        if (b[k] == 0x0f && k + 1 < n) {
            s->map = MAP_0F;
            s->opc = b[k + 1];
            if ((b[k + 1] == 0x38 || b[k + 1] == 0x3a) && k + 2 < n) {
                s->map = b[k + 1] == 0x38 ? MAP_38 : MAP_3A;
                s->opc = b[k + 2];
            }
        }
    }
}

static bool scan_has_pfx(const struct scan *s, uint8_t p)
{
    for (unsigned k = 0; k < s->npfx; k++)
        if (s->pfx[k] == p) return true;
    return false;
}

static struct allow *allow_match(int mode, char cls, const uint8_t *b, size_t n,
                                 const struct scan *s)
{
    for (unsigned k = 0; k < nallows; k++) {
        struct allow *a = &allows[k];
        if (!(a->modes & (1u << mode)) || a->cls != cls) continue;
        if (s->start + a->n > n) continue;
        bool ok = true;
        for (unsigned j = 0; j < a->n && ok; j++)
            ok = (b[s->start + j] & a->mask[j]) == a->val[j];
        for (unsigned j = 0; j < a->ncond && ok; j++) {
            bool any = false;
            for (unsigned q = 0; q < a->cond[j].n; q++) any |= scan_has_pfx(s, a->cond[j].b[q]);
            ok = any != a->cond[j].neg;
        }
        if (ok) return a;
    }
    return NULL;
}

/* ---- what the catalogue holds ------------------------------------------------------------- */
static bool x87_pending, sse_pending;

static void probe_catalogue(void)
{
    bool x87 = false, sse = false;
    for (unsigned op = 0; op < OP_COUNT; op++) {
        const struct op_info *e = &op_info[op];
        if (e->map == MAP_1 && e->opc >= 0xd8 && e->opc <= 0xdf) x87 = true;
        if (e->attr & (A_SSE | A_MMX)) sse = true;
    }
    x87_pending = !x87;
    sse_pending = !sse;
}

/* Opcode ranges of the x87 and the SSE/MMX catalogues (SDM Vol.2 Appendix A maps). */
static bool in_x87_space(const struct scan *s) { return s->map == MAP_1 && s->opc >= 0xd8 && s->opc <= 0xdf; }

static bool in_sse_space(const struct scan *s)
{
    if (s->map == MAP_38 || s->map == MAP_3A) return true;
    if (s->map != MAP_0F) return false;
    unsigned o = s->opc;
    return (o >= 0x10 && o <= 0x17) || (o >= 0x28 && o <= 0x2f) || (o >= 0x50 && o <= 0x7f) ||
           (o >= 0xc2 && o <= 0xc6) || o >= 0xd0 || o == 0xae || o == 0xb8 || o == 0x0d;
}

/* ---- per-thread work ---------------------------------------------------------------------- */
struct disag {
    uint8_t bytes[16];
    uint8_t n;
    uint8_t mode, src, cls;
    uint8_t our_len, cs_len;
    uint8_t our_st; /* decode_status */
    uint16_t our_op;
    char cs_text[48];
    const struct allow *allow;
};

struct worker {
    int mode; /* 0, 1, 2 */
    unsigned srcmask;
    unsigned long long nrandom;
    uint64_t seed;
    const char *const *elfs;
    unsigned nelfs;
    struct decode_ctx ctx;
    csh cs, csd; /* plain and detail handles */
    csh cs32;    /* 32-bit handle for the 16-bit Capstone quirk */
    cs_insn *ci, *cid;
    unsigned long long count[SRC_COUNT][C_COUNT];
    unsigned long long compared[SRC_COUNT];
    unsigned long long skipped_real; /* bytes Capstone could not decode in real code */
    struct disag *list;
    size_t nlist, caplist;
    unsigned long long dropped;
    unsigned long long stored_rule[C_COUNT];
};

/* Stored disagreements per worker: all bugs and allowlisted cases up to LIST_MAX, and a sample of
 * each by-rule class (design, feature, lock, pending), which can run to millions. */
#define LIST_MAX 400000
#define RULE_SAMPLE 2000

static void record(struct worker *w, int src, int cls, const uint8_t *b, size_t n,
                   const struct insn *in, enum decode_status st, size_t cs_len,
                   const char *cs_text, const struct allow *a)
{
    w->count[src][cls]++;
    if (cls == C_AGREE) return;
    bool rule = cls == C_B_DESIGN || cls == C_B_FEATURE || cls == C_B_LOCK || cls == C_B_PENDING ||
                cls == C_B_MANDPFX || cls == C_C_CS16;
    if (rule && w->stored_rule[cls]++ >= RULE_SAMPLE) return;
    if (w->nlist >= LIST_MAX) {
        w->dropped++;
        return;
    }
    if (w->nlist == w->caplist) {
        w->caplist = w->caplist ? w->caplist * 2 : 1024;
        w->list = realloc(w->list, w->caplist * sizeof *w->list);
    }
    struct disag *d = &w->list[w->nlist++];
    memset(d, 0, sizeof *d);
    d->n = (uint8_t)(n > 16 ? 16 : n);
    memcpy(d->bytes, b, d->n);
    d->mode = (uint8_t)w->mode;
    d->src = (uint8_t)src;
    d->cls = (uint8_t)cls;
    d->our_len = in->len;
    d->our_st = (uint8_t)st;
    d->our_op = in->op;
    d->cs_len = (uint8_t)cs_len;
    size_t tl = strlen(cs_text);
    if (tl >= sizeof d->cs_text) tl = sizeof d->cs_text - 1;
    memcpy(d->cs_text, cs_text, tl);
    d->cs_text[tl] = 0;
    d->allow = a;
}

static bool cs_has_group(const cs_insn *ci, uint8_t g)
{
    if (!ci->detail) return false;
    for (unsigned k = 0; k < ci->detail->groups_count; k++)
        if (ci->detail->groups[k] == g) return true;
    return false;
}

/* VEX (C4/C5), EVEX (62) and XOP (8F) escapes, recognised from the bytes (SDM Vol.2 2.3.5;
 * AMD APM Vol.3 1.8 for XOP). */
static bool is_vex_like(const uint8_t *b, size_t n, int mode, const struct scan *s)
{
    if (!s->has_opc || s->map != MAP_1 || s->start + 1 >= n) return false;
    uint8_t o = b[s->start], nx = b[s->start + 1];
    if (o == 0xc4 || o == 0xc5 || o == 0x62) return mode == 2 || nx >= 0xc0;
    if (o == 0x8f) return (nx & 0x1f) >= 8;
    return false;
}

/* Does our decoder accept the bytes once the legacy prefixes listed in drop[] are removed? */
static bool ours_ok_without(const struct worker *w, const uint8_t *b, size_t n,
                            const struct scan *s, const uint8_t *drop, size_t ndrop)
{
    uint8_t tmp[32];
    size_t m = 0;
    for (size_t k = 0; k < n && m < sizeof tmp; k++) {
        if (k < s->start && memchr(drop, b[k], ndrop)) continue;
        tmp[m++] = b[k];
    }
    struct insn in2;
    return m < n && decode_insn(&w->ctx, tmp, m, &in2) == DEC_OK;
}

/* Classification of a Capstone-valid / ours-invalid case. */
static int classify_b(struct worker *w, const uint8_t *b, size_t n, const struct scan *s,
                      size_t cs_len, const struct allow **ap)
{
    const cs_insn *ci = w->cid;
    if (is_vex_like(b, n, w->mode, s)) return C_B_DESIGN;
    if (s->map == MAP_0F && s->opc == 0x0f) return C_B_DESIGN; /* 3DNow! */
    if (s->map == MAP_0F && s->opc == 0x0e) return C_B_DESIGN; /* FEMMS (3DNow!) */
    static const uint8_t design_groups[] = {
        X86_GRP_3DNOW, X86_GRP_AVX, X86_GRP_AVX2, X86_GRP_AVX512, X86_GRP_FMA, X86_GRP_FMA4,
        X86_GRP_F16C, X86_GRP_XOP, X86_GRP_TBM, X86_GRP_BMI2, X86_GRP_CDI, X86_GRP_ERI,
        X86_GRP_DQI, X86_GRP_BWI, X86_GRP_PFI, X86_GRP_VLX};
    for (unsigned k = 0; k < sizeof design_groups; k++)
        if (cs_has_group(ci, design_groups[k])) return C_B_DESIGN;
    /* VMX/SVM are outside the cross-check mask; RTM, SGX, SHA, ADX, SSE4A have no FEAT_* bit, so
     * no CPU model advertises them (SDM Vol.2 CPUID feature flags). */
    static const uint8_t feature_groups[] = {X86_GRP_VM, X86_GRP_RTM, X86_GRP_SGX, X86_GRP_SHA,
                                             X86_GRP_ADX, X86_GRP_SSE4A};
    for (unsigned k = 0; k < sizeof feature_groups; k++)
        if (cs_has_group(ci, feature_groups[k])) return C_B_FEATURE;

    /* LOCK: #UD when the form is not lockable or the destination is a register (SDM Vol.2
     * LOCK, "Description"). Accept when the same bytes without the F0 prefixes (and, for SSE
     * forms, without 66/F2/F3 as below) decode. */
    (void)cs_len;
    bool sse_pfx = in_sse_space(s) &&
                   (scan_has_pfx(s, 0x66) || scan_has_pfx(s, 0xf2) || scan_has_pfx(s, 0xf3));
    if (scan_has_pfx(s, 0xf0)) {
        static const uint8_t lk[][4] = {{0xf0}, {0xf0, 0xf2, 0xf3}, {0xf0, 0x66}, {0xf0, 0x66, 0xf2, 0xf3}};
        for (unsigned d = 0; d < (sse_pfx ? 4u : 1u); d++)
            if (ours_ok_without(w, b, n, s, lk[d], d == 0 ? 1 : d == 2 ? 2 : d == 1 ? 3 : 4))
                return C_B_LOCK;
    }
    if (x87_pending && in_x87_space(s)) return C_B_PENDING;
    if (sse_pending && in_sse_space(s)) return C_B_PENDING;
    /* SSE/MMX forms are selected by the last F2/F3, else 66 (SDM Vol.2 2.1.2, 3.1.1.1 "NP"): a
     * combination that selects no catalogue form is #UD. Capstone 4 skips such prefixes. Accept
     * when dropping some of the 66/F2/F3 prefixes yields a valid form. */
    if (sse_pfx) {
        static const uint8_t mp[][3] = {{0xf2, 0xf3}, {0x66}, {0x66, 0xf2, 0xf3}};
        static const size_t mpn[] = {2, 1, 3};
        for (unsigned d = 0; d < 3; d++)
            if (ours_ok_without(w, b, n, s, mp[d], mpn[d])) return C_B_MANDPFX;
    }
    const struct allow *a = allow_match(w->mode, 'b', b, n, s);
    if (a) {
        *ap = a;
        return C_B_ALLOW;
    }
    return C_B_BUG;
}

/* Two Capstone 4.0.2 defects that reject valid SSE-space encodings:
 *  - in 16-bit mode it rejects SSE2 and later forms, which real and 16-bit protected mode execute
 *    (SDM Vol.2: their "Real-Address Mode Exceptions" list only the CR0.EM/CR4.OSFXSR #UD);
 *  - it rejects a mandatory prefix (66/F2/F3) that is followed by another legacy prefix, although
 *    prefixes of the four groups may come in any order (SDM Vol.2 2.1.1), and it rejects 66H
 *    next to an F2/F3 that selects the form (66H is then an operand-size prefix, as in
 *    SDM Vol.2 CRC32 "66 F2 0F 38 F1" and POPCNT "66 F3 0F B8").
 * Re-ask Capstone with the prefixes in canonical order (others first, then 66/F2/F3, REX last) and,
 * for 16-bit mode, in 32-bit mode with the address-size prefix toggled so that the addressing
 * stays 16-bit; accept when it then decodes to our length. */
static bool cs_sse_quirk(struct worker *w, const uint8_t *b, size_t n, const struct scan *s,
                         unsigned our_len)
{
    if (!in_sse_space(s)) return false;
    bool m16 = w->mode == 0;
    bool had67 = scan_has_pfx(s, 0x67);
    bool rep = scan_has_pfx(s, 0xf2) || scan_has_pfx(s, 0xf3);
    /* try 0: canonical order; try 1: also without 66H when F2/F3 selects the form */
    for (int attempt = 0; attempt < (rep ? 2 : 1); attempt++) {
        uint8_t tmp[48];
        size_t m = 0;
        int delta = 0;
        if (m16 && !had67) {
            tmp[m++] = 0x67;
            delta++;
        }
        for (int pass = 0; pass < 3; pass++)
            for (size_t k = 0; k < s->start; k++) {
                uint8_t p = b[k];
                bool mand = p == 0x66 || p == 0xf2 || p == 0xf3;
                bool rex = w->mode == 2 && (p & 0xf0) == 0x40;
                if (pass == 0 && rex && k + 1 != s->start) delta--; /* a REX not last is ignored */
                if ((pass == 0 && !mand && !rex) || (pass == 1 && mand) ||
                    (pass == 2 && rex && k + 1 == s->start)) {
                    if ((m16 && p == 0x67) || (attempt == 1 && p == 0x66)) {
                        delta--;
                        continue;
                    }
                    tmp[m++] = p;
                }
            }
        for (size_t k = s->start; k < n && m < sizeof tmp; k++) tmp[m++] = b[k];
        const uint8_t *p = tmp;
        size_t left = m;
        uint64_t addr = 0x100000;
        csh h = m16 ? w->cs32 : w->cs;
        if (cs_disasm_iter(h, &p, &left, &addr, w->ci) && (int)w->ci->size == (int)our_len + delta)
            return true;
    }
    return false;
}

/* Compare one byte string (n >= 16 unless it is the tail of real code). Returns Capstone's length
 * (0 when Capstone rejects it). */
static size_t compare_one(struct worker *w, int src, const uint8_t *b, size_t n)
{
    struct insn in;
    enum decode_status st = decode_insn(&w->ctx, b, n, &in);
    const uint8_t *p = b;
    size_t left = n;
    uint64_t addr = 0x100000;
    bool cs_ok = cs_disasm_iter(w->cs, &p, &left, &addr, w->ci);
    size_t cs_len = cs_ok ? w->ci->size : 0;
    bool ours_ok = st == DEC_OK;
    w->compared[src]++;
    if (ours_ok == cs_ok && (!ours_ok || in.len == cs_len)) {
        w->count[src][C_AGREE]++;
        return cs_len;
    }
    struct scan s;
    scan_bytes(b, n, w->mode, &s);
    char text[200] = "(invalid)";
    if (cs_ok) {
        p = b;
        left = n;
        addr = 0x100000;
        (void)cs_disasm_iter(w->csd, &p, &left, &addr, w->cid);
        snprintf(text, sizeof text, "%s %s", w->cid->mnemonic, w->cid->op_str);
    }
    const struct allow *a = NULL;
    int cls;
    if (ours_ok && cs_ok) {
        a = allow_match(w->mode, 'a', b, n, &s);
        cls = a ? C_A_ALLOW : C_A_BUG;
    } else if (cs_ok) {
        cls = classify_b(w, b, n, &s, cs_len, &a);
    } else {
        a = allow_match(w->mode, 'c', b, n, &s);
        cls = a ? C_C_ALLOW : cs_sse_quirk(w, b, n, &s, in.len) ? C_C_CS16 : C_C_BUG;
    }
    if (a) __atomic_fetch_add(&((struct allow *)a)->hits, 1, __ATOMIC_RELAXED);
    record(w, src, cls, b, n, &in, st, cs_len, text, a);
    return cs_len;
}

/* ---- sources ------------------------------------------------------------------------------ */
static const uint8_t filler[16] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x56, 0x77, 0x18,
                                   0x29, 0x3a, 0x4b, 0x5c, 0x6d, 0x7e, 0x1f, 0x21};

struct pfxset {
    uint8_t b[4];
    uint8_t n;
    bool full_sib; /* enumerate all 256 SIB bytes with this prefix set */
};

static const struct pfxset pfx_common[] = {
    {{0}, 0, true}, {{0x66}, 1, false}, {{0x67}, 1, true}, {{0xf2}, 1, false},
    {{0xf3}, 1, false}, {{0xf0}, 1, false}, {{0x26}, 1, false}, {{0x2e}, 1, false},
    {{0x36}, 1, false}, {{0x3e}, 1, false}, {{0x64}, 1, false}, {{0x65}, 1, false},
    {{0x66, 0x67}, 2, false}, {{0x66, 0xf3}, 2, false}, {{0x66, 0xf2}, 2, false},
    {{0xf0, 0x66}, 2, false}, {{0xf3, 0xf2}, 2, false},
};
static const struct pfxset pfx_rex[] = {
    {{0x40}, 1, false}, {{0x41}, 1, false}, {{0x42}, 1, false}, {{0x44}, 1, false},
    {{0x48}, 1, false}, {{0x4f}, 1, false}, {{0x66, 0x48}, 2, false}, {{0x48, 0x66}, 2, false},
    {{0x67, 0x41}, 2, false}, {{0xf3, 0x48}, 2, false}, {{0xf2, 0x48}, 2, false},
    {{0xf0, 0x48}, 2, false}, {{0x66, 0x41}, 2, false},
};

static void enum_one(struct worker *w, const struct pfxset *ps, const uint8_t *opc, unsigned nopc)
{
    uint8_t buf[32];
    unsigned k = 0;
    memcpy(buf, ps->b, ps->n);
    k = ps->n;
    memcpy(buf + k, opc, nopc);
    k += nopc;
    /* 16-bit addressing has no SIB byte */
    bool sib_mode = w->mode != 0 || (ps->n && memchr(ps->b, 0x67, ps->n));
    if (w->mode == 2 && ps->n && memchr(ps->b, 0x67, ps->n)) sib_mode = true;
    static const uint8_t few_sib[] = {0x24, 0x25, 0x65, 0xed};
    for (unsigned modrm = 0; modrm < 256; modrm++) {
        buf[k] = (uint8_t)modrm;
        memcpy(buf + k + 1, filler, 16);
        compare_one(w, SRC_ENUM, buf, k + 17);
        if (!sib_mode || (modrm & 7) != 4 || (modrm >> 6) == 3) continue;
        if (ps->full_sib) {
            for (unsigned sib = 0; sib < 256; sib++) {
                if (sib == filler[0]) continue; /* already covered */
                buf[k + 1] = (uint8_t)sib;
                compare_one(w, SRC_ENUM, buf, k + 17);
            }
        } else {
            for (unsigned j = 0; j < sizeof few_sib; j++) {
                buf[k + 1] = few_sib[j];
                compare_one(w, SRC_ENUM, buf, k + 17);
            }
        }
    }
}

static void run_enum(struct worker *w)
{
    for (unsigned map = 0; map < 4; map++) {
        for (unsigned o = 0; o < 256; o++) {
            uint8_t opc[3];
            unsigned nopc = 0;
            if (map >= MAP_0F) opc[nopc++] = 0x0f;
            if (map == MAP_38) opc[nopc++] = 0x38;
            if (map == MAP_3A) opc[nopc++] = 0x3a;
            if (map == MAP_0F && (o == 0x38 || o == 0x3a)) continue; /* escapes */
            if (map == MAP_1 && o == 0x0f) continue;
            /* prefix bytes as opcodes are covered as prefixes of the next byte */
            if (map == MAP_1 && (is_legacy_prefix((uint8_t)o) || (w->mode == 2 && (o & 0xf0) == 0x40)))
                continue;
            opc[nopc++] = (uint8_t)o;
            for (unsigned p = 0; p < sizeof pfx_common / sizeof pfx_common[0]; p++)
                enum_one(w, &pfx_common[p], opc, nopc);
            if (w->mode == 2)
                for (unsigned p = 0; p < sizeof pfx_rex / sizeof pfx_rex[0]; p++)
                    enum_one(w, &pfx_rex[p], opc, nopc);
        }
    }
}

/* splitmix64: deterministic, seedable */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void run_random(struct worker *w)
{
    uint64_t st = w->seed ^ (0x1000003ull * (unsigned)(w->mode + 1));
    static const uint8_t pfx_pool[] = {0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x26, 0x2e, 0x36,
                                       0x3e, 0x64, 0x65, 0x48, 0x41, 0x4c, 0x40, 0x66};
    for (unsigned long long i = 0; i < w->nrandom; i++) {
        uint8_t buf[24];
        uint64_t r0 = rng_next(&st), r1 = rng_next(&st), r2 = rng_next(&st);
        memcpy(buf, &r0, 8);
        memcpy(buf + 8, &r1, 8);
        memcpy(buf + 16, &r2, 8);
        if (i & 1) {
            /* shaped: 0-3 prefixes, then a map escape chosen uniformly, then random bytes */
            uint64_t r = rng_next(&st);
            unsigned k = 0, np = r & 3;
            r >>= 2;
            for (unsigned j = 0; j < np; j++, r >>= 4) {
                uint8_t p = pfx_pool[r & 15];
                if (w->mode != 2 && (p & 0xf0) == 0x40) p = 0x66;
                buf[k++] = p;
            }
            switch (r & 3) {
            case 1: buf[k++] = 0x0f; break;
            case 2: buf[k++] = 0x0f; buf[k++] = 0x38; break;
            case 3: buf[k++] = 0x0f; buf[k++] = 0x3a; break;
            default: break;
            }
        }
        compare_one(w, SRC_RANDOM, buf, 24);
    }
}

/* Minimal ELF64 reader: returns the bytes of section ".text". */
static uint8_t *read_text(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    uint8_t *data = NULL;
    if (fseek(f, 0, SEEK_END)) goto fail;
    long size = ftell(f);
    if (size < 64) goto fail;
    rewind(f);
    data = malloc((size_t)size);
    if (!data || fread(data, 1, (size_t)size, f) != (size_t)size) goto fail;
    fclose(f);
    f = NULL;
    if (memcmp(data, "\177ELF", 4) || data[4] != 2 || data[5] != 1) goto fail;
    uint64_t shoff;
    uint16_t shentsize, shnum, shstrndx;
    memcpy(&shoff, data + 0x28, 8);
    memcpy(&shentsize, data + 0x3a, 2);
    memcpy(&shnum, data + 0x3c, 2);
    memcpy(&shstrndx, data + 0x3e, 2);
    if (shentsize < 64 || shoff + (uint64_t)shnum * shentsize > (uint64_t)size || shstrndx >= shnum)
        goto fail;
    const uint8_t *sh = data + shoff;
    uint64_t stroff;
    memcpy(&stroff, sh + (size_t)shstrndx * shentsize + 0x18, 8);
    for (unsigned k = 0; k < shnum; k++) {
        const uint8_t *e = sh + (size_t)k * shentsize;
        uint32_t name;
        uint64_t off, sz;
        memcpy(&name, e, 4);
        memcpy(&off, e + 0x18, 8);
        memcpy(&sz, e + 0x20, 8);
        if (stroff + name + 6 > (uint64_t)size) continue;
        if (strcmp((const char *)data + stroff + name, ".text")) continue;
        if (off + sz > (uint64_t)size) goto fail;
        uint8_t *text = malloc(sz + 16);
        memcpy(text, data + off, sz);
        memset(text + sz, 0, 16);
        *len = sz;
        free(data);
        return text;
    }
fail:
    if (f) fclose(f);
    free(data);
    return NULL;
}

static void run_real(struct worker *w)
{
    if (w->mode != 2) return; /* the binaries at hand are x86-64 code */
    for (unsigned k = 0; k < w->nelfs; k++) {
        size_t len;
        uint8_t *text = read_text(w->elfs[k], &len);
        if (!text) {
            fprintf(stderr, "length_check: note: %s not readable as ELF64 with .text; skipped\n",
                    w->elfs[k]);
            continue;
        }
        size_t off = 0;
        while (off < len) {
            size_t avail = len - off > 16 ? 16 : len - off;
            const uint8_t *p = text + off;
            size_t left = avail;
            uint64_t addr = 0x400000 + off;
            if (!cs_disasm_iter(w->cs, &p, &left, &addr, w->ci)) {
                /* data in .text, padding, or an encoding Capstone does not know */
                w->skipped_real++;
                off++;
                continue;
            }
            size_t n = w->ci->size;
            compare_one(w, SRC_REAL, text + off, avail);
            off += n;
        }
        free(text);
    }
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    if (w->srcmask & (1u << SRC_ENUM)) run_enum(w);
    if (w->srcmask & (1u << SRC_RANDOM)) run_random(w);
    if (w->srcmask & (1u << SRC_REAL)) run_real(w);
    return NULL;
}

/* ---- output ------------------------------------------------------------------------------- */
static void fmt_disag(char *out, size_t cap, const struct disag *d)
{
    static const char *const st_name[] = {"ok", "#UD", "#GP", "need-more"};
    size_t show = d->n;
    unsigned need = d->our_len > d->cs_len ? d->our_len : d->cs_len;
    if (need + 2 < show) show = need + 2;
    char hex[64] = "";
    size_t h = 0;
    for (size_t k = 0; k < show && h + 4 < sizeof hex; k++)
        h += (size_t)snprintf(hex + h, sizeof hex - h, "%02x%s", d->bytes[k], k + 1 < show ? " " : "");
    int o = snprintf(out, cap, "[%d %-6s %-24s] %-50s ours: %s len %u %s | capstone: ",
                     mode_bits[d->mode], src_name[d->src], cls_name[d->cls], hex,
                     st_name[d->our_st & 3], d->our_len,
                     d->our_st == DEC_OK ? op_name(d->our_op) : "-");
    if (o < 0 || (size_t)o >= cap) return;
    if (d->cs_len)
        o += snprintf(out + o, cap - (size_t)o, "len %u '%s'", d->cs_len, d->cs_text);
    else
        o += snprintf(out + o, cap - (size_t)o, "invalid");
    if (d->allow && o > 0 && (size_t)o < cap)
        snprintf(out + o, cap - (size_t)o, "  [allowlist line %d]", d->allow->line);
}

/* A key grouping disagreements by mode, class, opcode and ModRM.reg, for the summary. */
static uint32_t disag_key(const struct disag *d)
{
    struct scan s;
    scan_bytes(d->bytes, d->n, d->mode, &s);
    unsigned escbytes = s.map == MAP_1 ? 0 : s.map == MAP_0F ? 1 : 2;
    unsigned nx = s.start + escbytes + 1;
    /* ModRM.reg only for slots the catalogue extends by it (groups) */
    bool group = false;
    for (unsigned op = 0; op < OP_COUNT && !group; op++)
        group = op_info[op].map == s.map && op_info[op].opc == s.opc && op_info[op].ext != X_NONE;
    unsigned reg = group && nx < d->n ? (d->bytes[nx] >> 3) & 7 : 0;
    return (uint32_t)d->mode << 24 | (uint32_t)d->cls << 16 | s.map << 11 | s.opc << 3 | reg;
}

static int usage(void)
{
    fprintf(stderr,
            "usage: length_check [--random N] [--seed S] [--show N] [--report FILE]\n"
            "                    [--allowlist FILE] [--modes 16,32,64] [--sources enum,random,real]\n"
            "                    [--elf FILE]... [--quick]\n");
    return 2;
}

int main(int argc, char **argv)
{
    unsigned long long nrandom = 1000000;
    uint64_t seed = 0x7475727431657321ull;
    unsigned show = 40, modemask = 7, srcmask = 7;
    const char *report = NULL, *allowlist = NULL;
    const char *elfs[32];
    unsigned nelfs = 0;
    for (int k = 1; k < argc; k++) {
        const char *a = argv[k];
        const char *v = k + 1 < argc ? argv[k + 1] : NULL;
        if (!strcmp(a, "--random") && v) nrandom = strtoull(v, NULL, 0), k++;
        else if (!strcmp(a, "--seed") && v) seed = strtoull(v, NULL, 0), k++;
        else if (!strcmp(a, "--show") && v) show = (unsigned)strtoul(v, NULL, 0), k++;
        else if (!strcmp(a, "--report") && v) report = v, k++;
        else if (!strcmp(a, "--allowlist") && v) allowlist = v, k++;
        else if (!strcmp(a, "--elf") && v && nelfs < 32) elfs[nelfs++] = v, k++;
        else if (!strcmp(a, "--quick")) nrandom = 100000, srcmask &= ~(1u << SRC_ENUM);
        else if (!strcmp(a, "--modes") && v) {
            modemask = 0;
            if (strstr(v, "16")) modemask |= 1;
            if (strstr(v, "32")) modemask |= 2;
            if (strstr(v, "64")) modemask |= 4;
            k++;
        } else if (!strcmp(a, "--sources") && v) {
            srcmask = 0;
            for (int s = 0; s < SRC_COUNT; s++)
                if (strstr(v, src_name[s])) srcmask |= 1u << s;
            k++;
        } else return usage();
    }
    if (!allowlist) {
        allowlist = getenv("LENGTH_ALLOWLIST");
        if (!allowlist) allowlist = ALLOWLIST_DEFAULT;
    }
    if (load_allowlist(allowlist)) return 2;
    if (!nelfs) {
        static const char *const defaults[] = {
            "/usr/bin/qemu-system-x86_64", "/usr/lib/x86_64-linux-gnu/libc.so.6",
            "/usr/lib/x86_64-linux-gnu/libcapstone.so.4", "/usr/bin/gdb", "/proc/self/exe"};
        for (unsigned k = 0; k < sizeof defaults / sizeof defaults[0]; k++) {
            FILE *f = fopen(defaults[k], "rb");
            if (f) {
                fclose(f);
                elfs[nelfs++] = defaults[k];
            }
        }
    }
    probe_catalogue();

    uint64_t features = 0;
    for (unsigned f = 0; f < FEAT_COUNT; f++)
        if (f != FEAT_VMX && f != FEAT_SVM) features |= FEATURE_BIT(f);

    static const cs_mode csm[3] = {CS_MODE_16, CS_MODE_32, CS_MODE_64};
    static const uint32_t ctxm[3] = {CTX_MODE16, CTX_MODE32, CTX_MODE64};
    struct worker *ws = calloc(3, sizeof *ws);
    pthread_t th[3];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int m = 0; m < 3; m++) {
        struct worker *w = &ws[m];
        w->mode = m;
        w->srcmask = srcmask;
        w->nrandom = nrandom;
        w->seed = seed;
        w->elfs = elfs;
        w->nelfs = nelfs;
        w->ctx.flags = ctxm[m];
        w->ctx.features = features;
        if (cs_open(CS_ARCH_X86, csm[m], &w->cs) != CS_ERR_OK ||
            cs_open(CS_ARCH_X86, csm[m], &w->csd) != CS_ERR_OK) {
            fprintf(stderr, "length_check: cs_open failed\n");
            return 2;
        }
        cs_option(w->csd, CS_OPT_DETAIL, CS_OPT_ON);
        if (cs_open(CS_ARCH_X86, CS_MODE_32, &w->cs32) != CS_ERR_OK) return 2;
        w->ci = cs_malloc(w->cs);
        w->cid = cs_malloc(w->csd);
        if (!(modemask & (1u << m))) continue;
        if (pthread_create(&th[m], NULL, worker_main, w)) {
            fprintf(stderr, "length_check: pthread_create failed\n");
            return 2;
        }
    }
    for (int m = 0; m < 3; m++)
        if (modemask & (1u << m)) pthread_join(th[m], NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

    /* ---- counts ---- */
    printf("length_check: decoder vs Capstone %s; allowlist %s (%u entries); %.1f s\n",
           cs_version(NULL, NULL) >= 0x0400 ? "4.x" : "?", allowlist, nallows, secs);
    if (x87_pending) printf("note: x87 catalogue is empty: D8-DF disagreements counted as pending\n");
    if (sse_pending) printf("note: SSE/MMX catalogue is empty: its opcode space counted as pending\n");
    unsigned long long total_bugs = 0, total_cmp = 0;
    for (int m = 0; m < 3; m++) {
        if (!(modemask & (1u << m))) continue;
        const struct worker *w = &ws[m];
        for (int s = 0; s < SRC_COUNT; s++) {
            if (!w->compared[s]) continue;
            total_cmp += w->compared[s];
            printf("%2d-bit %-6s compared %10llu:", mode_bits[m], src_name[s], w->compared[s]);
            for (int c = 0; c < C_COUNT; c++) {
                if (!w->count[s][c]) continue;
                printf(" %s=%llu", cls_name[c], w->count[s][c]);
                if (cls_is_bug(c)) total_bugs += w->count[s][c];
            }
            if (s == SRC_REAL) printf(" (bytes Capstone skipped: %llu)", w->skipped_real);
            printf("\n");
        }
    }
    for (unsigned k = 0; k < nallows; k++)
        printf("allowlist line %d (%c): %lu hits\n", allows[k].line, allows[k].cls, allows[k].hits);

    /* ---- first disagreements: bugs first, one per (mode, class, opcode, reg) group ---- */
    size_t nall = 0;
    for (int m = 0; m < 3; m++) nall += ws[m].nlist;
    struct disag **all = malloc((nall + 1) * sizeof *all);
    /* display order: bugs, allowlisted, then the by-rule classes */
    static const int order[] = {C_A_BUG, C_B_BUG, C_C_BUG, C_A_ALLOW, C_B_ALLOW, C_C_ALLOW,
                                C_B_LOCK, C_B_MANDPFX, C_C_CS16, C_B_FEATURE, C_B_DESIGN,
                                C_B_PENDING};
    size_t j = 0;
    for (unsigned o = 0; o < sizeof order / sizeof order[0]; o++)
        for (int m = 0; m < 3; m++)
            for (size_t k = 0; k < ws[m].nlist; k++)
                if (ws[m].list[k].cls == order[o]) all[j++] = &ws[m].list[k];
    nall = j;
    char line[512];
    uint32_t *seen = calloc(show + 1, sizeof *seen);
    unsigned nseen = 0, per_cls[C_COUNT] = {0};
    if (nall) printf("first disagreements (one per mode/class/opcode[/group ModRM.reg]; at most 4 per allowed class):\n");
    for (size_t k = 0; k < nall && nseen < show; k++) {
        if (!cls_is_bug(all[k]->cls) && per_cls[all[k]->cls] >= 4) continue;
        uint32_t key = disag_key(all[k]);
        bool dup = false;
        for (unsigned q = 0; q < nseen && !dup; q++) dup = seen[q] == key;
        if (dup) continue;
        seen[nseen++] = key;
        per_cls[all[k]->cls]++;
        fmt_disag(line, sizeof line, all[k]);
        printf("  %s\n", line);
    }
    if (report) {
        FILE *f = fopen(report, "w");
        if (!f) {
            fprintf(stderr, "length_check: cannot write %s\n", report);
        } else {
            for (size_t k = 0; k < nall; k++) {
                fmt_disag(line, sizeof line, all[k]);
                fprintf(f, "%s\n", line);
            }
            unsigned long long dropped = 0;
            for (int m = 0; m < 3; m++) dropped += ws[m].dropped;
            if (dropped) fprintf(f, "(%llu more not stored)\n", dropped);
            fprintf(f, "(by-rule classes b:vex..., b:feature-off, b:lock-ud, b:pending: first %d per mode stored)\n",
                    RULE_SAMPLE);
            fclose(f);
        }
    }
    printf("length_check: %llu compared, %llu disagreements not allowed: %s\n", total_cmp,
           total_bugs, total_bugs ? "FAIL" : "PASS");
    for (int m = 0; m < 3; m++) {
        cs_free(ws[m].ci, 1);
        cs_free(ws[m].cid, 1);
        cs_close(&ws[m].cs);
        cs_close(&ws[m].csd);
        cs_close(&ws[m].cs32);
        free(ws[m].list);
    }
    free(all);
    free(seen);
    free(ws);
    free(allows);
    return total_bugs ? 1 : 0;
}
