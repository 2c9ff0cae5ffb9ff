/* Segment, descriptor and stack-frame helpers shared by cpu/seg.c, cpu/far.c, cpu/task.c,
 * cpu/interrupt.c and cpu/ops/segops.c (protected-mode system architecture, SDM Vol.3A ch. 3, 5,
 * 6, 8). Not part of the handler API in cpu_priv.h.
 *
 * Segment descriptor (8 bytes, SDM Vol.3A 3.4.5, figure 3-8):
 *   63..56 base 31:24   55 G  54 D/B  53 L  52 AVL  51..48 limit 19:16
 *   47 P  46..45 DPL  44 S  43..40 type   39..16 base 23:0   15..0 limit 15:0
 */
#ifndef CPU_SEG_H
#define CPU_SEG_H

#include "cpu/cpu_priv.h"

#define DESC_P (1ull << 47)
#define DESC_S (1ull << 44)
#define DESC_A (1ull << 40) /* accessed bit of code/data descriptors */

/* System descriptor types (S = 0; SDM Vol.3A 3.5, table 3-2) */
enum {
    SYS_TSS16_AVAIL = 1, SYS_LDT = 2, SYS_TSS16_BUSY = 3, SYS_CALLGATE16 = 4, SYS_TASKGATE = 5,
    SYS_INTGATE16 = 6, SYS_TRAPGATE16 = 7, SYS_TSS32_AVAIL = 9, SYS_TSS32_BUSY = 11,
    SYS_CALLGATE32 = 12, SYS_INTGATE32 = 14, SYS_TRAPGATE32 = 15
};

static inline bool sel_null(uint16_t sel) { return (sel & 0xfffc) == 0; }
/* Error code naming a selector (SDM Vol.3A 6.13): index and TI, RPL bits cleared. */
static inline uint32_t sel_err(uint16_t sel) { return sel & 0xfffcu; }
static inline unsigned desc_dpl(uint64_t d) { return (unsigned)(d >> 45) & 3; }
static inline unsigned desc_type(uint64_t d) { return (unsigned)(d >> 40) & 15; }
static inline bool desc_present(uint64_t d) { return (d & DESC_P) != 0; }
static inline bool desc_is_sys(uint64_t d) { return !(d & DESC_S); }
static inline bool desc_is_code(uint64_t d) { return (d & DESC_S) && (d & (1ull << 43)); }
static inline bool desc_is_data(uint64_t d) { return (d & DESC_S) && !(d & (1ull << 43)); }
static inline bool desc_conforming(uint64_t d) { return desc_is_code(d) && (d & (1ull << 42)); }
static inline bool desc_readable(uint64_t d) { return desc_is_data(d) || (d & (1ull << 41)); }
static inline bool desc_writable_data(uint64_t d) { return desc_is_data(d) && (d & (1ull << 41)); }
static inline bool desc_l(uint64_t d) { return (d >> 53) & 1; }
static inline bool desc_db(uint64_t d) { return (d >> 54) & 1; }
/* Gate fields (SDM Vol.3A 5.8.3, 6.11) */
static inline uint16_t gate_sel(uint64_t g) { return (uint16_t)(g >> 16); }
static inline uint32_t gate_off32(uint64_t g) { return (uint32_t)((g & 0xffff) | ((g >> 32) & 0xffff0000)); }

/* Linear address of a descriptor-table entry: 32-bit wrap outside IA-32e mode. */
static inline uint64_t dt_lin(const struct cpu *c, uint64_t base, uint64_t off)
{
    uint64_t a = base + off;
    return cpu_long_mode(c) ? a : (uint32_t)a;
}

/* Sets CPL (and the TLB user class) and recomputes the mode. Never raises. */
void cpu_set_cpl(struct cpu *c, unsigned cpl);
/* Computes lo/hi/ok/eff_base of a cache as segment register s would see it in the given mode;
 * used for caches not (yet) in c->seg[]. Never raises. */
void seg_calc_checks(const struct cpu *c, struct seg *sg, unsigned s, bool mode64);
/* Reads the high 8 bytes of a 16-byte system descriptor (IA-32e mode, SDM Vol.3A 3.5.1).
 * Returns false when sel+8 is outside the table. May raise #PF. */
bool seg_read_desc_hi(struct cpu *c, uint16_t sel, uint64_t *hi);
/* Sets the accessed bit of a code/data descriptor in its table (and in *d). May raise #PF. */
void seg_set_accessed(struct cpu *c, uint16_t sel, uint64_t *d);
/* Loads segment register s from a validated code/data descriptor (sets the accessed bit).
 * May raise #PF (accessed-bit write). */
void seg_load_desc(struct cpu *c, unsigned s, uint16_t sel, uint64_t d);
/* Loads a null selector (unusable cache; base 0). Never raises. */
void seg_load_null(struct cpu *c, unsigned s, uint16_t sel);
/* Fills a cache from a descriptor without touching c->seg[]. Never raises. */
void seg_cache_from_desc(struct seg *sg, uint16_t sel, uint64_t d);
/* Loads a v86-mode segment (base sel*16, limit 0xffff, DPL 3 read/write data). Never raises. */
void seg_load_v86(struct cpu *c, unsigned s, uint16_t sel);
/* After a return to an outer privilege level: null ES/DS/FS/GS whose cached DPL < CPL when they
 * hold data or non-conforming code (SDM Vol.2 RET, IRET). Never raises. */
void seg_null_outer(struct cpu *c);

/* ---- building a stack frame on a (possibly new) stack (cpu/far.c) ----
 * Pushes go to ss at sp; nothing architectural changes until the caller commits. Limit and
 * canonical failures raise #SS(err). */
struct stk {
    struct seg ss;
    uint64_t sp;
    unsigned addr_sz; /* 1, 2 or 3: SP, ESP or RSP */
    bool m64;         /* IA-32e stack: no limit checks, canonical check */
    bool super;       /* the frame is written at a more privileged level than the current CPL */
    uint32_t err;     /* error code for #SS */
};
/* Initializes a frame builder on the current SS:RSP. */
void stk_init_current(struct cpu *c, struct stk *f, uint32_t err);
void stk_push(struct cpu *c, struct stk *f, unsigned szlog, uint64_t v);
/* Checks that n bytes can be pushed (limit check only). May raise #SS(err). */
void stk_room(struct cpu *c, const struct stk *f, uint64_t n);

/* New stack pointer for privilege level dpl from the current TSS (SDM Vol.3A 5.8.5, 7.7):
 * legacy 16/32-bit TSS give SS and (E)SP; a 64-bit TSS gives RSPn (ist = 0) or ISTn.
 * Raises #TS(TR selector | ext) if the TSS is too small. */
void tss_stack(struct cpu *c, unsigned dpl, unsigned ist, uint32_t ext, uint16_t *ss, uint64_t *sp);

/* Task gate / TSS descriptor checks before a task switch by JMP, CALL, INT or an event
 * (SDM Vol.2 JMP/CALL/INT "TASK-GATE", "TASK-STATE-SEGMENT"). Reads the GDT descriptor of
 * tss_sel; raises #GP(tss_sel | ext) unless it is an available TSS in the GDT, #NP if absent.
 * Returns the descriptor. */
uint64_t task_check_target(struct cpu *c, uint16_t tss_sel, uint32_t ext);
/* task_switch() for an event through a task gate: ext is the EXT bit for the error codes of
 * faults it raises, rf the RF flag (FL_RF or 0) of the EFLAGS image saved in the old TSS
 * (fault-class exceptions set it, SDM Vol.3A 18.3.1.1). */
void task_switch_ext(struct cpu *c, uint16_t sel, uint64_t desc, enum ts_reason why, bool has_err,
                     uint32_t err, uint32_t ext, uint32_t rf);

#endif
