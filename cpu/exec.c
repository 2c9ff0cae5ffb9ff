/* The run loop: events at block boundaries, decoded-block lookup, dispatch, and the landing
 * point of every guest fault (setjmp). See docs/architecture.md.
 */
#include "cpu/cpu_priv.h"
#include "cpu/icache.h"
#include "cpu/vmx/vmx.h"
#include "mmu/memmap.h"

#include <stdio.h>

uint8_t *mmu_fetch_page(struct cpu *c, uint64_t lin, uint64_t *gpa_out);


/* Linear address of code at rip in the current CS, without checks. */
static uint64_t rip_lin(const struct cpu *c, uint64_t rip)
{
    return c->mode64 ? rip : (c->seg[SEG_CS].eff_base + rip) & c->lin_mask;
}

/* Linear address of the next instruction fetch, with the CS limit check (SDM Vol.3A 5.3: a fetch
 * beyond the limit raises #GP(0)). */
static uint64_t fetch_lin(struct cpu *c)
{
    uint64_t rip = RIP(c);
    if (c->mode64) {
        if (unlikely(!is_canonical(rip))) raise_gp(c, 0);
    } else if (unlikely(rip > c->seg[SEG_CS].limit)) {
        raise_gp(c, 0);
    }
    return rip_lin(c, rip);
}

/* Host page index of a host address inside guest memory (the backing is page aligned). */
static uint32_t host_page(const struct memmap *m, const uint8_t *p)
{
    return (uint32_t)((uint64_t)(p - m->host) >> 12);
}

/* The host page that the page after lin's translates to, for an instruction that runs on into
 * it: false when that page is not RAM. The fetch translation may raise #PF, as fetching the
 * instruction's bytes would. */
static bool next_code_page(struct cpu *c, uint64_t lin, uint32_t *hp2)
{
    uint64_t gpa2;
    uint8_t *p = mmu_fetch_page(c, (lin + 0x1000 - (lin & 0xfff)) & c->lin_mask, &gpa2);
    if (!p) return false;
    *hp2 = host_page(c->mem, p);
    return true;
}

/* Bytes from RIP to the end of the CS limit, which every byte of an instruction must be within
 * (SDM Vol.3A 5.3; fetch_lin has checked RIP itself); no limit in 64-bit mode. */
static uint64_t limit_room(const struct cpu *c)
{
    return c->mode64 ? UINT64_MAX : (uint64_t)c->seg[SEG_CS].limit - RIP(c) + 1;
}

/* Makes i the instruction that runs past the CS limit: executing it raises #GP(0). */
static void limit_fault(struct cpu *c, struct insn *i)
{
    memset(i, 0, sizeof *i);
    i->fn = c->dctx.fn_gp;
    i->op = OP_INVALID;
    i->len = 1;
}

/* Decodes an instruction that straddles a page boundary (or lives in MMIO) into *out by reading
 * bytes through the fetch path; the second page's translation may raise #PF. The bytes read go to
 * buf (16 bytes). It reads at most 15 bytes, fewer when the CS limit (room: limit_room) comes
 * first: an instruction that needs more raises #GP(0), and no byte past the limit is fetched. */
static void decode_slow(struct cpu *c, uint64_t lin, struct insn *out, uint8_t *buf, uint64_t room)
{
    unsigned max = room < 15 ? (unsigned)room : 15;
    size_t have = 0;
    for (;;) {
        uint64_t a = (lin + have) & c->lin_mask;
        uint64_t gpa;
        uint8_t *page = mmu_fetch_page(c, a, &gpa);
        unsigned in_page = 0x1000 - (unsigned)(a & 0xfff);
        unsigned take = in_page;
        if (take > max - have) take = (unsigned)(max - have);
        for (unsigned k = 0; k < take; k++)
            buf[have + k] = page ? page[k] : (uint8_t)phys_read(c->mem, gpa + k, 1);
        have += take;
        enum decode_status st = decode_insn(&c->dctx, buf, have, out);
        if (st != DEC_NEED_MORE) return;
        if (have >= max) {
            if (max < 15) {
                limit_fault(c, out);
            } else { /* cannot happen with 15 bytes; be safe */
                out->fn = c->dctx.fn_gp;
                out->len = 15;
            }
            return;
        }
    }
}

bool cpu_disasm(const uint8_t *code, size_t len, uint64_t addr, unsigned mode_bits, char *buf, size_t buflen);

/* -d in_asm: the instructions of a newly decoded block, disassembled by Capstone. */
static void log_block(struct cpu *c, uint64_t lin, const uint8_t *code, const struct block *b)
{
    unsigned mode = (c->ctx & CTX_MODE_MASK) == CTX_MODE64 ? 64 : (c->ctx & CTX_MODE_MASK) == CTX_MODE32 ? 32 : 16;
    log_printf("IN: %04x:%016llx (gpa %llx, %u insns)\n", c->seg[SEG_CS].sel, (unsigned long long)RIP(c),
               (unsigned long long)b->gpa, b->n);
    unsigned off = 0;
    for (unsigned k = 0; k < b->n; k++) {
        char text[128];
        unsigned len = b->insn[k].len;
        if (!cpu_disasm(code + off, len, RIP(c) + off, mode, text, sizeof text))
            snprintf(text, sizeof text, "(bad) [%s]", op_name(b->insn[k].op));
        log_printf("  %016llx  %s\n", (unsigned long long)(lin + off), text);
        off += len;
    }
}

/* The end marker's handler (cpu_priv.h: cpu_next_insn): back to the run loop, with cur on the
 * block's last instruction. */
static void op_block_end(struct cpu *c, const struct insn *i) { c->cur = i - 1; }

void cpu_insn_end_marker(struct insn *i)
{
    memset(i, 0, sizeof *i);
    i->fn = op_block_end;
    i->op = OP_INVALID;
}

/* A one-instruction block outside the cache: decoded across a page boundary or from MMIO, or
 * run_one's copy of a cached block's first instruction (a union, because a struct with a flexible
 * array cannot be a member of another struct). */
union tmp_block {
    struct block b;
    unsigned char room[sizeof(struct block) + 2 * sizeof(struct insn)];
};

/* Makes tmpb a one-instruction block outside the cache, of host page hp at its current stamp;
 * the caller fills insn[0]. */
static struct block *one_insn_block(struct cpu *c, union tmp_block *tmpb, uint32_t hp)
{
    struct block *t = &tmpb->b;
    t->n = 1;
    t->hpage = hp;
    t->stamp = c->mem->stamp[hp];
    t->cross = 0;
    cpu_insn_end_marker(&t->insn[1]);
    return t;
}

/* Marks host page hp as holding decoded code, so that writes to it from now on take the slow
 * path and bump its stamp. */
static void note_code_page(struct cpu *c, uint64_t hp)
{
    if (c->mem->code[hp]) return;
    c->mem->code[hp] = 1;
    tlb_flush_writes(c->tlb);
    vmx_tlb_flush_writes_saved(c); /* saved VMX TLB contexts must not bypass SMC either */
}

/* The block at lin (guest-physical gpa, host page hp; in the reserved space b, for slot) is one
 * instruction that runs on into the next page: decoded through a 15-byte buffer, and cached with
 * both pages' stamps unless the next page is not RAM (then it is decoded anew each time, into
 * tmp). */
static const struct block *cross_block(struct cpu *c, uint64_t lin, uint64_t gpa, uint32_t hp,
                                       struct block *b, struct block **slot, union tmp_block *tmpb,
                                       uint64_t room)
{
    struct memmap *m = c->mem;
    uint8_t bytes[16];
    uint32_t hp2;
    bool ram2 = next_code_page(c, lin, &hp2);
    /* within 15 bytes of the CS limit: decoded anew each time, up to the limit */
    if (room < 15) ram2 = false;
    if (!ram2) b = &tmpb->b;
    b->n = 1;
    b->gpa = gpa;
    b->ctx = c->ctx;
    b->hpage = hp;
    b->cross = ram2;
    if (ram2) {
        b->hpage2 = hp2;
        note_code_page(c, hp2);
        b->stamp2 = m->stamp[hp2];
    }
    b->stamp = m->stamp[hp];
    decode_slow(c, lin, &b->insn[0], bytes, room);
    cpu_insn_end_marker(&b->insn[1]);
    b->insn[1].imm = b->insn[0].len;
    if (!ram2) return b;
    icache_commit(c->icache, slot, b);
    if (unlikely(log_mask & LOG_IN_ASM)) log_block(c, lin, bytes, b);
    return b;
}

/* A Jcc, JMP rel or CALL rel at page offset off may get a direct link (cpu_jump_direct) if its
 * target lies in the same page: the offsets decide that whatever linear address or CS base the
 * page is run at, as long as the target does not wrap around the operand size (checked when
 * it jumps). */
static void mark_jump(struct insn *i, unsigned off)
{
    if (!(op_info[i->op].attr & A_CBR) && i->op != OP_jmp_Jb && i->op != OP_jmp_Jz &&
        i->op != OP_call_Jz)
        return;
    int64_t t = (int64_t)(off + i->len) + (int64_t)i->imm;
    i->disp = (int32_t)(t >= 0 && t < 0x1000 ? JLINK_NONE : JLINK_NEVER);
}

/* Builds (or finds) the block starting at the current RIP. May raise (#PF/#GP on fetch). A decode
 * may empty the cache (icache.flushes changes): block pointers from before are then dead. */
static const struct block *lookup_block(struct cpu *c, union tmp_block *tmpb)
{
    uint64_t lin = fetch_lin(c);
    uint64_t room = limit_room(c);
    uint64_t gpa;
    struct icache *ic = c->icache;
    ic->lookups++;
    uint8_t *page = mmu_fetch_page(c, lin, &gpa);
    struct memmap *m = c->mem;
    uint8_t bytes[16];
    if (unlikely(!page)) {
        /* executing from MMIO: decode one instruction at a time, uncached */
        struct block *t = one_insn_block(c, tmpb, 0);
        decode_slow(c, lin, &t->insn[0], bytes, room);
        return t;
    }
    page -= lin & 0xfff; /* mmu_fetch_page returns the byte's host address */
    uint32_t hp = host_page(m, page);
    struct block **slot = icache_slot(ic, gpa, c->ctx);
    struct block *b = *slot;
    if (likely(b && b->gpa == gpa && b->ctx == c->ctx && b->hpage == hp && b->stamp == m->stamp[hp]) &&
        (likely(c->mode64) || block_extent(b) <= room)) {
        if (likely(!b->cross)) return b;
        /* the next page must still be the one it was decoded from, unwritten */
        uint32_t hp2;
        if (next_code_page(c, lin, &hp2) && hp2 == b->hpage2 && b->stamp2 == m->stamp[hp2]) return b;
    }

    /* Miss: decode a new block. Mark the page as holding code first, so writes to it from now
     * on take the slow path and bump the stamp. */
    ic->misses++;
    if (b && b->gpa == gpa && b->ctx == c->ctx) ic->stale++;
    note_code_page(c, hp);
    unsigned start = (unsigned)(lin & 0xfff), off = start;
    unsigned n = 0;
    b = icache_reserve(ic);
    while (n < BLOCK_MAX) {
        struct insn *i = &b->insn[n];
        /* the bytes up to the page's end, or to the CS limit when that comes first or with it */
        unsigned avail = 0x1000 - off;
        bool at_limit = room - (off - start) <= avail;
        if (at_limit) avail = (unsigned)(room - (off - start));
        enum decode_status st = decode_insn(&c->dctx, page + off, avail, i);
        if (st == DEC_NEED_MORE) {
            if (n > 0) break; /* end the block before the page-crossing instruction */
            if (at_limit) {
                /* it runs past the CS limit: #GP(0) when it runs, decoded anew each time */
                struct block *t = one_insn_block(c, tmpb, hp);
                limit_fault(c, &t->insn[0]);
                return t;
            }
            return cross_block(c, lin, gpa, hp, b, slot, tmpb, room);
        }
        if (st == DEC_OK) {
            cpu_specialize(i);
            mark_jump(i, off);
        }
        n++;
        off += i->len;
        if (st != DEC_OK || (op_info[i->op].attr & A_END) || off >= 0x1000) break;
        /* a REP string instruction may stop early and resume itself: it ends the block */
        if ((op_info[i->op].attr & A_STR) && (i->pfx & (PFX_REP | PFX_REPNE))) break;
    }
    b->n = (uint16_t)n;
    cpu_insn_end_marker(&b->insn[n]);
    b->insn[n].imm = off - start;
    b->gpa = gpa;
    b->ctx = c->ctx;
    b->hpage = hp;
    b->stamp = m->stamp[hp];
    b->cross = 0;
    icache_commit(ic, slot, b);
    if (unlikely(log_mask & LOG_IN_ASM)) log_block(c, lin, page + (lin & 0xfff), b);
    return b;
}

/* Direct jumps in a row before one returns to the run loop (cpu.direct_left). */
#define DIRECT_MAX 64

/* Makes b the running block, at its first instruction (RIP is b's start), and returns that
 * instruction for the caller to run: the run loop (exec_insns) and direct jumps (enter_direct). */
static ALWAYS_INLINE const struct insn *begin_block(struct cpu *c, const struct block *b)
{
    const struct insn *i = b->insn;
    c->blk_first = i;
    c->blk_end = i + b->n;
    c->blk_rip = RIP(c);
    c->blk_stamp = &c->mem->stamp[b->hpage];
    c->blk_stamp_val = b->stamp;
    c->cur = i;
    RIP(c) += i->len;
    return i;
}

/* Executes the instructions of block b (its end marker follows them), or up to a taken
 * conditional branch, and on through direct jumps. */
static ALWAYS_INLINE void exec_insns(struct cpu *c, const struct block *b)
{
    c->direct_left = DIRECT_MAX;
    /* Events are looked at between blocks only: everything that must be seen at once (STI, MOV
     * SS, POPF, I/O, mode changes) ends its block (A_END), and self-modifying code cuts the block
     * short through op_leave_block. */
    const struct insn *i = begin_block(c, b);
    i->fn(c, i); /* runs the block: each handler calls the next (cpu_next_insn) */
    /* a taken Jcc (A_CBR) may stop it early; a direct jump has counted the blocks before the
     * one it ended in (blk_first) */
    c->icount += (uint64_t)(c->cur - c->blk_first) + 1;
    c->blk_first = NULL;
    c->blk_end = NULL;
}

void cpu_cut_block(struct cpu *c)
{
    if (!c->blk_first) return;
    struct insn *next = (struct insn *)c->cur + 1;
    if (next >= c->blk_end) return; /* the last one: the block ends after it anyway */
    /* the way self-modifying code does it (mmu/access.c check_smc): the page's stamp goes up so
     * that the patched block is never run again (it is decoded anew), and the next instruction
     * leaves the block */
    c->mem->stamp[c->blk_stamp - c->mem->stamp]++;
    next->fn = op_leave_block;
}

/* Executes one instruction: the first of the block at RIP, run from a copy that ends after it. */
static void run_one(struct cpu *c)
{
    union tmp_block tmp;
    c->insn_rip = RIP(c); /* a fetch fault reports the instruction being fetched */
    c->blk = NULL; /* exactly one instruction: no direct jump out of it */
    const struct block *b = lookup_block(c, &tmp);
    if (b->n > 1) {
        struct block *t = one_insn_block(c, &tmp, b->hpage); /* b->stamp is the page's */
        t->insn[0] = b->insn[0];
        b = t;
    }
    exec_insns(c, b);
}

/* The successor of prev reached at the current RIP, if chained and still valid. */
static ALWAYS_INLINE const struct block *chain_next(struct cpu *c, const struct block *prev)
{
    uint64_t rip = RIP(c);
    const struct block_link *links = block_links(prev);
    for (unsigned k = 0; k < BLOCK_LINKS; k++) {
        const struct block_link *l = &links[k];
        if (l->rip != rip || !l->to) continue;
        const struct block *n = l->to;
        if (l->epoch == (l->global ? c->tlb->gepoch : c->tlb->epoch) && l->key == c->chain_key &&
            n->stamp == c->mem->stamp[n->hpage] &&
            (likely(!n->cross) || n->stamp2 == c->mem->stamp[n->hpage2]))
            return n;
        return NULL;
    }
    return NULL;
}

/* Notes in the TLB's link filter the page that a new link to b at rip leads into (an INVLPG of
 * it must cut the link), and says whether the TLB holds a global fetch translation for it (a MOV
 * to CR3 keeps that, SDM Vol.3A 4.10.4.1). A page-crossing block depends on two pages: any
 * INVLPG cuts links to it. */
static bool note_link_page(struct cpu *c, const struct block *b, uint64_t rip)
{
    uint64_t lin = rip_lin(c, rip);
    unsigned k = (lin >> 12) & TLB_MASK;
    if (b->cross || c->tlb_cls[TLB_X][k].tag != (lin & ~0xfffull)) {
        tlb_note_link(c->tlb, lin, TLB_LINK_ANY);
        return false;
    }
    uint64_t info = c->tlb->info[c->tlb_user][TLB_X][k];
    tlb_note_link(c->tlb, lin, TLBF_SHIFT(info) ? TLBF_SHIFT(info) : 12);
    return (info & TLBF_GLOBAL) != 0;
}

/* Records b as the successor of prev at rip: in the slot already used for rip, else a free one,
 * else the next in turn. */
static void link_block(struct block *prev, const struct block *b, uint64_t rip, uint64_t epoch,
                       uint32_t key, bool global)
{
    struct block_link *links = block_links(prev);
    unsigned k;
    for (k = 0; k < BLOCK_LINKS; k++)
        if (!links[k].to || links[k].rip == rip) break;
    if (k == BLOCK_LINKS) k = prev->link_next++ % BLOCK_LINKS;
    links[k] = (struct block_link){b, rip, epoch, key, global};
}

/* Whether pending events need cpu_run between blocks. A maskable interrupt request does not
 * while RFLAGS.IF is 0 (SDM Vol.3A 6.8.1): it stays pending, and the instructions that can set IF
 * (STI, POPF, IRET, ...) end their blocks, so it is looked at again in time. Without this, an
 * interrupt line left asserted while the guest runs with interrupts off (a firmware's PIT during
 * the kernel's decompression) would stop block chaining after every block. In VMX non-root
 * operation the request is always due: with external-interrupt exiting it causes a VM exit
 * whatever RFLAGS.IF is (SDM Vol.3C 25.2), and cpu_run's VMX check decides. */
static ALWAYS_INLINE bool events_due(const struct cpu *c)
{
    uint32_t p = c->pending;
    if (p & ~(PEND_INTR | PEND_NMI | PEND_VMX)) return true;
    if (c->ctx & CTX_VMX) {
        if (p & (PEND_INTR | PEND_NMI)) return true;
        /* the same holds for interrupt-window exiting and virtual-interrupt delivery, which
         * wait for RFLAGS.IF = 1 (vmx_events_due); KVM asks for an interrupt window while its
         * guest runs with interrupts off, and looking at it after every block stopped all
         * chaining in the guest */
        return (p & PEND_VMX) && vmx_events_due(c);
    }
    if ((p & PEND_INTR) && (c->rflags & FL_IF)) return true;
    /* likewise an NMI held by blocking by NMI: only IRET ends that, and IRET ends its block */
    return (p & PEND_NMI) && !c->nmi_blocked;
}

/* Runs block t from a direct jump; n: the instruction count with the jump's block retired. */
static ALWAYS_INLINE void enter_direct(struct cpu *c, const struct block *t, uint64_t n)
{
    c->icount = n;
    c->blk = t;
    const struct insn *f = begin_block(c, t);
    f->fn(c, f);
}

/* A direct jump while something is pending: out of line (and reached by a tail call), so that
 * cpu_jump_direct's usual path needs no stack frame. */
static __attribute__((noinline)) void enter_direct_pending(struct cpu *c, const struct block *t,
                                                           uint64_t n)
{
    if (events_due(c)) return;
    enter_direct(c, t, n);
}

/* What a direct entry from the block of i (a jump or RET that ends it) checks as the run loop
 * would after the block: direct_budget, that the budget is not used up and fewer than DIRECT_MAX
 * direct entries were made in a row (n: the instruction count with that block retired); then
 * go_direct runs block t unless an event is due, and otherwise returns to the run loop. */
static ALWAYS_INLINE bool direct_budget(struct cpu *c, const struct insn *i, uint64_t *n)
{
    *n = c->icount + (uint64_t)(i - c->blk_first) + 1;
    return *n < c->run_end && c->direct_left--;
}
static ALWAYS_INLINE void go_direct(struct cpu *c, const struct block *t, uint64_t n)
{
    if (unlikely(c->pending)) {
        enter_direct_pending(c, t, n);
        return;
    }
    enter_direct(c, t, n);
}

void cpu_jump_direct(struct cpu *c, const struct insn *i, uint64_t rip_next)
{
    uint32_t l = (uint32_t)i->disp;
    /* a target that wrapped around the operand size (truncated to 16 or 32 bits, SDM Vol.2 Jcc,
     * JMP, CALL) is not the one the offsets promised */
    if (l == JLINK_NEVER || !c->blk || RIP(c) != rip_next + i->imm) return;
    if (l == JLINK_NONE) {
        c->jfrom = i;
        return;
    }
    /* The target block was decoded from the running block's page (the link says so), and the
     * page's translation cannot have changed since the run loop checked it: every instruction
     * that changes translations or modes ends its block (A_END). So only a write to the page
     * can have made it stale. The rest is what the run loop would check after this block. */
    const struct block *t = icache_jlink_block(c->icache, l);
    uint64_t n;
    if (t->stamp != *c->blk_stamp || !direct_budget(c, i, &n)) return;
    /* the CS limit may have become smaller since the link was made */
    if (unlikely(!c->mode64) && block_extent(t) > limit_room(c)) return;
    go_direct(c, t, n);
}

void cpu_ret_direct(struct cpu *c, const struct insn *i)
{
    const struct block *src = c->ret_from;
    if (!src || !c->blk || c->ras_era != c->icache->flushes) return;
    /* the link the run loop would follow after this block (run_blocks), checked the same way */
    const struct block *t = chain_next(c, src);
    uint64_t n;
    if (!t || !direct_budget(c, i, &n)) return;
    c->ret_from = NULL;
    go_direct(c, t, n);
}

/* Gives the jump c->jfrom, which left prev (run in era) for b, a direct link to b if both are
 * cached blocks of one page (b NULL: not a cached block). */
static void link_jump(struct cpu *c, const struct block *prev, const struct block *b, uint64_t era)
{
    const struct insn *j = c->jfrom;
    c->jfrom = NULL;
    if (!prev || !b || j < prev->insn || j >= prev->insn + prev->n || c->icache->flushes != era)
        return;
    if (b->hpage != prev->hpage || (b->gpa ^ prev->gpa) >> 12 || b->cross || prev->cross ||
        b->ctx != prev->ctx)
        return;
    ((struct insn *)j)->disp = (int32_t)icache_jlink(c->icache, b);
}

/* Runs blocks back to back, following chains, until an event is pending or the budget is
 * used up. Chaining is off while per-block logging (-d exec, -d cpu) is on; so are direct
 * jumps (cpu_jump_direct), which go from block to block without coming back here. */
static void run_blocks(struct cpu *c)
{
    union tmp_block tmp;
    struct block *prev = NULL;
    uint64_t era = 0; /* icache.flushes when prev was looked up: links only within one era */
    bool chain = !(log_mask & (LOG_EXEC | LOG_CPU));
    c->jfrom = NULL;
    c->ret_from = NULL;
    for (;;) {
        /* the block whose links lead on: the one that ended, or after a RET to the address a
         * CALL pushed, the CALL's block (still in the same era of the cache) */
        const struct block *src = prev;
        uint64_t src_era = era;
        if (c->ret_from) {
            if (c->ras_era == c->icache->flushes) {
                src = c->ret_from;
                src_era = c->ras_era;
            }
            c->ret_from = NULL;
        }
        if (unlikely(c->ras_era != c->icache->flushes)) {
            for (unsigned k = 0; k < RAS_SIZE; k++) c->ras[k].blk = NULL;
            c->ras_era = c->icache->flushes;
        }
        const struct block *b = src ? chain_next(c, src) : NULL;
        uint64_t prev_era = era;
        if (!b) {
            c->insn_rip = RIP(c);
            uint64_t rip = RIP(c), epoch = c->tlb->epoch, gepoch = c->tlb->gepoch;
            uint32_t key = c->chain_key;
            b = lookup_block(c, &tmp);
            /* once the cache was emptied (by this decode or by a reset), prev's space may hold
             * new blocks: it is not written */
            if (src && b != &tmp.b && c->icache->flushes == src_era) {
                bool global = note_link_page(c, b, rip);
                link_block((struct block *)src, b, rip, global ? gepoch : epoch, key, global);
            }
            era = c->icache->flushes;
            if (unlikely(!chain)) {
                if (log_mask & LOG_EXEC)
                    log_printf("EXEC: %04x:%016llx icount=%llu\n", c->seg[SEG_CS].sel,
                               (unsigned long long)RIP(c), (unsigned long long)c->icount);
                if (log_mask & LOG_CPU) cpu_dump(c, log_file_handle());
            }
        }
        if (c->jfrom) link_jump(c, prev, b == &tmp.b ? NULL : b, prev_era);
        c->blk = b == &tmp.b || !chain ? NULL : b;
        exec_insns(c, b);
        /* the block it ended in, after direct jumps */
        prev = (struct block *)c->blk;
        c->blk = NULL;
        if (unlikely(c->pending) && events_due(c)) return;
        if (c->icount >= c->run_end) return;
    }
}

/* Called from the setjmp landing: accounts for the instructions of the interrupted block that
 * retired, rolls RIP back and delivers the fault. */
HANDLER(leave_block)
{
    (void)i;
    RIP(c) = cpu_insn_rip(c);
    longjmp(c->jb, 2);
}

static void fault_landing(struct cpu *c)
{
    RIP(c) = c->insn_rip = cpu_insn_rip(c);
    if (c->blk_first) {
        c->icount += (uint64_t)(c->cur - c->blk_first);
        c->blk_first = NULL;
    }
    cpu_handle_fault(c);
}

/* Interrupt acceptance at an instruction boundary (SDM Vol.3A 6.8.1, 6.9). */
static bool take_interrupt(struct cpu *c)
{
    if ((c->pending & PEND_INTR) && (c->rflags & FL_IF) && c->irq_ack) {
        int vec = c->irq_ack(c->machine);
        if (vec >= 0) {
            c->halted = 0;
            c->insn_rip = RIP(c);
            cpu_deliver_event(c, vec, EV_EXT, false, 0);
            return true;
        }
        c->pending &= ~PEND_INTR;
    }
    return false;
}

/* Debug registers (SDM Vol.3A 18.2, 18.3). DR7 L/G bits enable breakpoint n; R/W 00 is an
 * instruction breakpoint (a fault, suppressed by RFLAGS.RF), 01 data write and 11 data read or
 * write (traps after the instruction). Breakpoints force single-instruction execution, and pages
 * holding data breakpoints are kept out of the TLB so every access is checked (mmu/access.c). */
static bool dr_enabled(const struct cpu *c, unsigned n) { return (c->dr[7] >> (2 * n)) & 3; }
static unsigned dr_rw(const struct cpu *c, unsigned n) { return (c->dr[7] >> (16 + 4 * n)) & 3; }
static unsigned dr_len(const struct cpu *c, unsigned n)
{
    static const uint8_t len[4] = {1, 2, 8, 4};
    return len[(c->dr[7] >> (18 + 4 * n)) & 3];
}

void cpu_update_debug(struct cpu *c)
{
    bool any = false;
    unsigned had_data_bps = c->dbp_count;
    c->dbp_count = 0;
    for (unsigned n = 0; n < 4; n++) {
        if (!dr_enabled(c, n)) continue;
        unsigned rw = dr_rw(c, n);
        if (rw == 0) any = true;
        if (rw == 1 || rw == 3) {
            any = true;
            c->dbp_count++;
        }
    }
    if (any)
        c->pending |= PEND_DR;
    else
        c->pending &= ~PEND_DR;
    /* pages with data breakpoints stay out of the TLB: flush when the set may have changed */
    if (had_data_bps || c->dbp_count) {
        tlb_flush_all(c->tlb);
        vmx_tlb_drop_saved(c);
    }
}

/* Called by the slow access paths when data breakpoints are armed. */
void cpu_check_data_bp(struct cpu *c, uint64_t lin, unsigned size, bool write)
{
    for (unsigned n = 0; n < 4; n++) {
        if (!dr_enabled(c, n)) continue;
        unsigned rw = dr_rw(c, n);
        if (!(rw == 3 || (rw == 1 && write))) continue;
        unsigned len = dr_len(c, n);
        uint64_t a = c->dr[n] & ~(uint64_t)(len - 1);
        if (lin < a + len && a < lin + size) c->dbp_hit |= 1u << n;
    }
}

bool cpu_page_has_data_bp(const struct cpu *c, uint64_t lin_page)
{
    for (unsigned n = 0; n < 4; n++) {
        if (!dr_enabled(c, n)) continue;
        unsigned rw = dr_rw(c, n);
        if (rw != 1 && rw != 3) continue;
        if ((c->dr[n] & ~0xfffull) == lin_page) return true;
    }
    return false;
}

/* One instruction with the debug checks: instruction breakpoints before it (unless RF), then
 * data-breakpoint and single-step traps after it (SDM Vol.3A 18.3.1). */
static void step_one(struct cpu *c)
{
    bool tf = (c->rflags & FL_TF) != 0;
    bool rf = (c->rflags & FL_RF) != 0;
    /* a VMX guest's monitor trap flag follows this instruction too (SDM Vol.3C 25.5.2) */
    if (unlikely(c->pending & PEND_VMX) && (c->ctx & CTX_VMX)) vmx_step_one(c);
    if (!rf && (c->dr[7] & 0xff)) {
        uint64_t lin = rip_lin(c, RIP(c));
        uint32_t hits = 0;
        for (unsigned n = 0; n < 4; n++)
            if (dr_enabled(c, n) && dr_rw(c, n) == 0 && c->dr[n] == lin) hits |= 1u << n;
        if (hits) {
            c->db_cause = (uint16_t)hits;
            c->insn_rip = RIP(c);
            c->cur_exc = -1;
            cpu_deliver_event(c, EXC_DB, EV_EXC, false, 0);
            return;
        }
    }
    c->dbp_hit = 0;
    run_one(c);
    c->in_shadow = false; /* its traps come after it, outside the shadow it ran in */
    if (rf) c->rflags &= ~FL_RF; /* RF is cleared once an instruction completes */
    uint32_t hits = c->dbp_hit;
    c->dbp_hit = 0;
    /* MOV SS and POP SS hold debug traps until after the next instruction (SDM Vol.3A 6.8.3) */
    unsigned op = c->cur ? c->cur->op : OP_INVALID;
    if ((op == OP_mov_SwEw2 || op == OP_pop_SS) && (c->pending & PEND_INHIBIT)) {
        if (hits) c->dbp_pending |= (uint8_t)(hits | DBP_ENABLED);
        if (tf) c->pending |= PEND_TF;
        return;
    }
    uint32_t held = c->dbp_pending;
    c->dbp_pending = 0;
    bool enabled = hits || (held & DBP_ENABLED); /* an enabled breakpoint matched */
    hits |= held & 0xf;
    if (tf || enabled) {
        /* a VMX exit that comes first keeps them pending (vmx_hold_debug_trap) */
        uint32_t pdbg = (hits & 0xf) | (enabled ? PDBG_ENABLED_BP : 0) | (tf ? PDBG_BS : 0);
        if (!((c->ctx & CTX_VMX) && vmx_hold_debug_trap(c, pdbg))) {
            c->db_cause = (uint16_t)((hits & 0xf) | (tf ? DR6_BS : 0)); /* B0-B3, BS */
            c->insn_rip = RIP(c);
            cpu_deliver_event(c, EXC_DB, EV_EXC, false, 0);
        }
    }
    if (!(c->rflags & FL_TF)) c->pending &= ~PEND_TF;
}

/* VMX-preemption timer: a running guest stops at the deadline so the exit is taken on time. */
static void clamp_run_end(struct cpu *c)
{
    const struct vmx *x = c->vmx;
    if ((c->ctx & CTX_VMX) && (x->pin & PIN_PREEMPTION_TIMER)) {
        uint64_t off = cpu_vtime(c) - c->icount; /* halted, PAUSE and port I/O time */
        uint64_t at = x->preempt_deadline > off ? x->preempt_deadline - off : 0;
        if (at < c->run_end) c->run_end = at > c->icount ? at : c->icount;
    }
}

enum cpu_stop cpu_run(struct cpu *c, uint64_t budget)
{
    uint64_t run_end = c->icount + budget; /* the budget before any VMX clamp */
    c->run_end = run_end;
    clamp_run_end(c);
    c->blk_first = NULL;
    int jr = setjmp(c->jb);
    c->blk = NULL; /* a fault may have left run_blocks with it set */
    if (jr == 2 || jr == 4) {
        /* op_leave_block: the instructions before it retired, it did not. 4: an event became a
         * VM exit (vmx_deliver_hook), which has already switched worlds. */
        if (c->blk_first) c->icount += (uint64_t)(c->cur - c->blk_first);
        c->blk_first = NULL;
        if (jr == 4) {
            clamp_run_end(c);
            if (c->shutdown) return CPU_STOP_SHUTDOWN;
        }
    } else if (jr == 5) {
        /* a trap-like VM exit after the instruction completed (vmx_exit_trap) */
        if (c->blk_first) c->icount += (uint64_t)(c->cur - c->blk_first) + 1;
        c->blk_first = NULL;
        vmx_do_exit(c, c->vmx->exit_reason, c->vmx->exit_qual);
        if (c->shutdown) return CPU_STOP_SHUTDOWN;
    } else if (jr == 3) {
        /* an instruction caused a VM exit instead of executing (vmx_exit_insn) */
        uint64_t rip = cpu_insn_rip(c);
        if (c->blk_first) c->icount += (uint64_t)(c->cur - c->blk_first);
        c->blk_first = NULL;
        RIP(c) = c->insn_rip = rip;
        vmx_do_exit(c, c->vmx->exit_reason, c->vmx->exit_qual);
        if (c->shutdown) return CPU_STOP_SHUTDOWN;
    } else if (jr) {
        fault_landing(c);
        if (c->shutdown) return CPU_STOP_SHUTDOWN;
    }
    c->in_shadow = false;
    for (;;) {
        if (unlikely(c->pending)) {
            c->pending &= ~PEND_HALT; /* c->halted itself stays until an event */
            if (c->pending & PEND_STOP) {
                c->pending &= ~PEND_STOP;
                return CPU_STOP_REQUEST;
            }
            if ((c->ctx & CTX_VMX) && vmx_check_events(c)) {
                clamp_run_end(c);
                if (c->shutdown) return CPU_STOP_SHUTDOWN;
                continue;
            }
            /* INIT has the priority of external hardware interventions, above the traps of the
             * previous instruction, NMIs and interrupts (SDM Vol.3A 6.9 table 6-2) */
            if ((c->pending & PEND_INIT) && cpu_take_init(c)) continue;
            /* wait-for-SIPI: NMIs and interrupts are not taken (SDM Vol.3A 9.4.2), and VMX
             * non-root operation has only the INIT and SIPI exits there; a guest's shutdown
             * state: vmx_check_events has taken the events that end it (Vol.3C 26.6.2) */
            if (unlikely(c->wait_sipi || c->vmx_shutdown)) return CPU_STOP_HALT;
            if (c->pending & PEND_INHIBIT) {
                /* the shadow survives the end of a run: it covers the next instruction */
                if (c->icount >= c->run_end) return CPU_STOP_BUDGET;
                c->pending &= ~PEND_INHIBIT;
                /* in_shadow: a VM exit by this instruction saves the blocking (SDM Vol.3C
                 * 24.4.2); the landing code above clears it when the instruction longjmps */
                c->in_shadow = true;
                /* step_one: debug traps (incl. those MOV SS held back) and VMX's MTF */
                if ((c->pending & (PEND_TF | PEND_DR | PEND_VMX)) || c->dbp_pending) step_one(c); else run_one(c);
                c->in_shadow = false;
                continue;
            }
            /* NMIs come before maskable interrupts (SDM Vol.3A 6.9 table 6-2) */
            if ((c->pending & PEND_NMI) && cpu_take_nmi(c)) continue;
            if (take_interrupt(c)) continue;
        }
        if (unlikely(c->halted)) {
            /* a halted guest: the VMX-preemption timer may have expired while halted */
            if ((c->ctx & CTX_VMX) && vmx_check_events(c)) {
                clamp_run_end(c);
                if (c->shutdown) return CPU_STOP_SHUTDOWN;
                continue;
            }
            return CPU_STOP_HALT;
        }
        if (unlikely(c->icount >= c->run_end)) {
            /* the VMX-preemption timer may be what cut the run short (clamp_run_end); the
             * board's timers also shorten run_end, and then the run simply ends */
            if ((c->ctx & CTX_VMX) && c->icount < run_end && vmx_check_events(c)) {
                if (c->shutdown) return CPU_STOP_SHUTDOWN;
                continue;
            }
            return CPU_STOP_BUDGET;
        }
        if (unlikely(c->pending & (PEND_TF | PEND_DR))) {
            step_one(c);
            continue;
        }
        if (unlikely(c->pending & PEND_VMX) && (c->ctx & CTX_VMX) && vmx_step_one(c)) {
            /* monitor trap flag: one instruction, then the MTF exit (SDM Vol.3C 25.5.2); an
             * instruction that exits by itself clears the pending MTF exit. Also an
             * instruction restarted to be followed at once by APIC-write emulation (29.4.3.2) */
            run_one(c);
            continue;
        }
        run_blocks(c);
    }
}

bool cpu_halt_wakeup(const struct cpu *c, uint64_t *at)
{
    *at = UINT64_MAX;
    if (c->wait_sipi) return false; /* only INIT and SIPI end it (cpu_init_wakes_halt) */
    if (c->vmx_shutdown) {
        vmx_halt_wakeup(c, at); /* the preemption timer ends it; interrupts are blocked */
        return false;
    }
    bool intr = (c->rflags & FL_IF) != 0;
    if (c->ctx & CTX_VMX) intr |= vmx_halt_wakeup(c, at);
    return intr;
}

enum cpu_stop cpu_step(struct cpu *c)
{
    uint32_t saved = c->pending & PEND_DR;
    c->pending |= PEND_DR; /* forces single-instruction mode for this call */
    enum cpu_stop r = cpu_run(c, 1);
    c->pending = (c->pending & ~PEND_DR) | saved;
    return r;
}

void cpu_set_intr(struct cpu *c, bool level)
{
    if (level)
        c->pending |= PEND_INTR;
    else
        c->pending &= ~PEND_INTR;
}
