/* x87 FPU: control instructions (FNINIT, FNCLEX, FLDCW, FNSTCW, FNSTSW, FNSTENV/FLDENV,
 * FNSAVE/FRSTOR) and FNOP, FINCSTP, FDECSTP.
 *
 * FNINIT, FNCLEX, FNSTCW, FNSTSW, FNSTENV and FNSAVE are non-waiting: they do not report pending
 * exceptions (SDM Vol.1 8.3.12). Control instructions leave FIP/FDP/FOP alone (Vol.1 8.1.8).
 */
#include "cpu/x87/x87.h"

HANDLER(x87_fninit) { x87_reset(c); }

/* FNCLEX (SDM Vol.2 FCLEX): clears PE, UE, OE, ZE, DE, IE, SF, ES and B. */
HANDLER(x87_fnclex) { c->fpu.fsw &= (uint16_t)~(FCW_MASKS | FSW_SF | FSW_ES | FSW_B); }

HANDLER(x87_fldcw)
{
    x87_wait(c);
    uint16_t v = rd16(c, i->seg, ea(c, i));
    x87_load_fcw(c, v);
}

HANDLER(x87_fnstcw) { wr16(c, i->seg, ea(c, i), c->fpu.fcw); }
HANDLER(x87_fnstsw_m) { wr16(c, i->seg, ea(c, i), c->fpu.fsw); }
HANDLER(x87_fnstsw_ax) { set_reg(c, 0, 1, c->fpu.fsw); }

HANDLER(x87_fnop)
{
    x87_wait(c);
    x87_note(c, i);
}

/* FNENI/FNDISI/FNSETPM (DB E0/E1/E4): obsolete 8087/287 controls that IA-32 processors execute as
 * no-ops (SDM Vol.2 Appendix A.4). Like the other FN* forms they are non-waiting: a pending
 * unmasked exception does not raise #MF (measured on Intel host, see tests/diff/FINDINGS.md F13).
 * As control instructions they leave FIP/FDP/FOP alone (Vol.1 8.1.8). */
HANDLER(x87_fnnop) {}

/* FINCSTP / FDECSTP (SDM Vol.2): TOP +/- 1 without touching tags; C1 = 0. */
HANDLER(x87_fincstp)
{
    x87_wait(c);
    x87_note(c, i);
    x87_set_top(c, x87_top(c) + 1);
    x87_set_c1(c, false);
}

HANDLER(x87_fdecstp)
{
    x87_wait(c);
    x87_note(c, i);
    x87_set_top(c, x87_top(c) - 1);
    x87_set_c1(c, false);
}

/* ---- environment images (SDM Vol.1 8.1.10, figures 8-9 to 8-12) ----
 *
 * 32-bit protected mode (28 bytes), one dword each:
 *   +0 FCW  +4 FSW  +8 FTW  +12 FIP[31:0]  +16 FOP[10:0] << 16 | FCS  +20 FDP[31:0]  +24 FDS
 * 32-bit real/virtual-8086 mode: FIP/FDP are linear (CS/DS * 16 + offset):
 *   +12 FIP[15:0]  +16 FIP[31:16] << 12 | FOP  +20 FDP[15:0]  +24 FDP[31:16] << 12
 * 16-bit formats (14 bytes), one word each:
 *   protected: FCW FSW FTW FIP FCS FDP FDS
 *   real:      FCW FSW FTW FIP[15:0] (FIP[19:16] << 12 | FOP) FDP[15:0] (FDP[19:16] << 12)
 * Unused upper halves of the 32-bit format are stored as FFFFH, as Intel processors do.
 */
struct env_fmt {
    bool o16, real;
    unsigned size;
};

static struct env_fmt env_format(const struct cpu *c, const struct insn *i)
{
    struct env_fmt f;
    f.o16 = i->osz == 1;
    f.real = !cpu_pmode(c) || cpu_v86(c);
    f.size = f.o16 ? 14 : 28;
    return f;
}

static uint64_t off_add(const struct insn *i, uint64_t off, unsigned n) { return (off + n) & sz_mask(i->asz); }

static void env_store(struct cpu *c, const struct insn *i, uint64_t off, struct env_fmt f)
{
    const struct fpu *p = &c->fpu;
    uint16_t tags = x87_full_tags(c);
    uint32_t fip = (uint32_t)p->fip, fdp = (uint32_t)p->fdp;
    if (f.real) {
        fip = (uint32_t)(p->fcs * 16u + fip);
        fdp = (uint32_t)(p->fds * 16u + fdp);
    }
    if (f.o16) {
        uint16_t w[7] = {p->fcw, p->fsw, tags, (uint16_t)fip, p->fcs, (uint16_t)fdp, p->fds};
        if (f.real) {
            w[4] = (uint16_t)(((fip >> 16) & 0xf) << 12 | (p->fop & 0x7ff));
            w[6] = (uint16_t)(((fdp >> 16) & 0xf) << 12);
        }
        for (unsigned k = 0; k < 7; k++) wr16(c, i->seg, off_add(i, off, 2 * k), w[k]);
    } else {
        uint32_t d[7] = {0xffff0000u | p->fcw, 0xffff0000u | p->fsw, 0xffff0000u | tags, fip,
                         (uint32_t)(p->fop & 0x7ff) << 16 | p->fcs, fdp, 0xffff0000u | p->fds};
        if (f.real) {
            d[3] = 0xffff0000u | (fip & 0xffff);
            d[4] = ((fip >> 16) & 0xffff) << 12 | (p->fop & 0x7ff);
            d[5] = 0xffff0000u | (fdp & 0xffff);
            d[6] = ((fdp >> 16) & 0xffff) << 12;
        }
        for (unsigned k = 0; k < 7; k++) wr32(c, i->seg, off_add(i, off, 4 * k), d[k]);
    }
}

struct env_img {
    uint16_t fcw, fsw, ftw, fop, fcs, fds;
    uint64_t fip, fdp;
};

static struct env_img env_read(struct cpu *c, const struct insn *i, uint64_t off, struct env_fmt f)
{
    struct env_img e;
    uint32_t v[7];
    for (unsigned k = 0; k < 7; k++)
        v[k] = f.o16 ? rd16(c, i->seg, off_add(i, off, 2 * k)) : rd32(c, i->seg, off_add(i, off, 4 * k));
    e.fcw = (uint16_t)v[0];
    e.fsw = (uint16_t)v[1];
    e.ftw = (uint16_t)v[2];
    if (f.real) {
        unsigned hib = f.o16 ? 4 : 16;
        e.fip = (v[3] & 0xffff) | (uint64_t)((v[4] >> 12) & ((1u << hib) - 1)) << 16;
        e.fdp = (v[5] & 0xffff) | (uint64_t)((v[6] >> 12) & ((1u << hib) - 1)) << 16;
        e.fop = (uint16_t)(v[4] & 0x7ff);
        e.fcs = e.fds = 0;
    } else if (f.o16) {
        e.fip = v[3];
        e.fcs = (uint16_t)v[4];
        e.fdp = v[5];
        e.fds = (uint16_t)v[6];
        e.fop = 0;
    } else {
        e.fip = v[3];
        e.fcs = (uint16_t)v[4];
        e.fop = (uint16_t)((v[4] >> 16) & 0x7ff);
        e.fdp = v[5];
        e.fds = (uint16_t)v[6];
    }
    return e;
}

/* Installs a loaded environment; the tag word is applied after the registers are in place. */
static void env_apply(struct cpu *c, const struct env_img *e)
{
    c->fpu.fsw = e->fsw;
    c->fpu.fip = e->fip;
    c->fpu.fdp = e->fdp;
    c->fpu.fcs = e->fcs;
    c->fpu.fds = e->fds;
    c->fpu.fop = e->fop;
    x87_load_tags(c, e->ftw);
    x87_load_fcw(c, e->fcw); /* recomputes ES/B from the loaded flags and masks */
}

/* FNSTENV (SDM Vol.2 FSTENV): stores the environment, then masks all exceptions. */
HANDLER(x87_fnstenv)
{
    uint64_t off = ea(c, i);
    struct env_fmt f = env_format(c, i);
    cpu_probe_write(c, i->seg, off, f.size);
    env_store(c, i, off, f);
    c->fpu.fcw |= FCW_MASKS;
    x87_update_es(c); /* ES/B follow the masks: all masked now */
}

HANDLER(x87_fldenv)
{
    x87_wait(c);
    uint64_t off = ea(c, i);
    struct env_fmt f = env_format(c, i);
    struct env_img e = env_read(c, i, off, f);
    env_apply(c, &e);
}

/* FNSAVE (SDM Vol.2 FSAVE): environment, then ST(0)..ST(7) as 80-bit values; then FNINIT. */
HANDLER(x87_fnsave)
{
    uint64_t off = ea(c, i);
    struct env_fmt f = env_format(c, i);
    cpu_probe_write(c, i->seg, off, f.size + 80);
    env_store(c, i, off, f);
    for (unsigned k = 0; k < 8; k++) {
        floatx80 v = x87_get(c, k);
        uint64_t o = off_add(i, off, f.size + 10 * k);
        wr64(c, i->seg, o, v.sig);
        wr16(c, i->seg, off_add(i, o, 8), v.se);
    }
    x87_reset(c);
}

HANDLER(x87_frstor)
{
    x87_wait(c);
    uint64_t off = ea(c, i);
    struct env_fmt f = env_format(c, i);
    struct env_img e = env_read(c, i, off, f);
    floatx80 r[8];
    for (unsigned k = 0; k < 8; k++) {
        uint64_t o = off_add(i, off, f.size + 10 * k);
        r[k].sig = rd64(c, i->seg, o);
        r[k].se = rd16(c, i->seg, off_add(i, o, 8));
    }
    /* ST(k) is relative to the TOP being loaded */
    unsigned top = (e.fsw >> 11) & 7;
    for (unsigned k = 0; k < 8; k++) {
        c->fpu.st[(top + k) & 7].sig = r[k].sig;
        c->fpu.st[(top + k) & 7].se = r[k].se;
    }
    env_apply(c, &e);
}
