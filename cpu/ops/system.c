/* System instructions: MOV CR/DR, CLTS, LMSW/SMSW, INVLPG, CPUID, RDTSC(P), RDMSR/WRMSR, RDPMC,
 * INVD/WBINVD, CLFLUSH, CLAC/STAC, PAUSE, IN/OUT (SDM Vol.2 instruction pages). */
#include "cpu/cpu_priv.h"

static void require_cpl0(struct cpu *c)
{
    if (c->cpl != 0) raise_gp(c, 0);
}

/* MOV from/to control registers (SDM Vol.2 MOV—Move to/from Control Registers): CPL 0 (v86 is
 * CPL 3), CR0/2/3/4 and CR8 (64-bit mode) exist; others #UD. Operand size is 64 in 64-bit mode. */
static void check_cr(struct cpu *c, unsigned n)
{
    if (!(n == 0 || n == 2 || n == 3 || n == 4 || (n == 8 && c->mode64))) raise_ud(c);
    require_cpl0(c);
}
HANDLER(mov_RdCd)
{
    unsigned n = i->reg;
    check_cr(c, n);
    uint64_t v;
    switch (n) {
    case 0: v = c->cr0; break;
    case 2: v = c->cr2; break;
    case 3: v = c->cr3; break;
    case 4: v = c->cr4; break;
    default: v = c->apic && c->apic_cr8_get ? c->apic_cr8_get(c->apic) : c->cr8; break;
    }
    if (c->mode64)
        c->gpr[i->rm] = v;
    else
        c->gpr[i->rm] = (uint32_t)v;
}
HANDLER(mov_CdRd)
{
    unsigned n = i->reg;
    check_cr(c, n);
    uint64_t v = c->mode64 ? c->gpr[i->rm] : (uint32_t)c->gpr[i->rm];
    cpu_write_cr(c, n, v);
}

/* Debug registers (SDM Vol.3A 18.2; Vol.2 MOV—Move to/from Debug Registers) */
static unsigned check_dr(struct cpu *c, unsigned n)
{
    if (n > 7) raise_ud(c);
    if (n == 4 || n == 5) {
        if (c->cr4 & CR4_DE) raise_ud(c);
        n += 2;
    }
    require_cpl0(c);
    if (c->dr[7] & DR7_GD) {
        /* general detect: delivery sets DR6.BD and clears DR7.GD (cpu_deliver_event) */
        c->db_cause = DR6_BD;
        cpu_raise_noerr(c, EXC_DB);
    }
    return n;
}
HANDLER(mov_RdDd)
{
    unsigned n = check_dr(c, i->reg);
    uint64_t v = c->dr[n];
    if (n == 6) v = (v & 0x1e00f) | 0xffff0ff0; /* reserved bits read as 1 (SDM Vol.3A 18.2.3) */
    if (n == 7) v = (v & ~0xd800ull) | 0x400;
    c->gpr[i->rm] = c->mode64 ? v : (uint32_t)v;
}
HANDLER(mov_DdRd)
{
    unsigned n = check_dr(c, i->reg);
    uint64_t v = c->mode64 ? c->gpr[i->rm] : (uint32_t)c->gpr[i->rm];
    if ((n == 6 || n == 7) && (v >> 32)) raise_gp(c, 0);
    c->dr[n] = v;
    cpu_update_debug(c);
}

HANDLER(clts)
{
    require_cpl0(c);
    c->cr0 &= ~CR0_TS;
    cpu_update_mode(c);
}

/* SMSW: CR0 low bits; register destinations get the operand size (SDM Vol.2 SMSW) */
/* SMSW (SDM Vol.2): #GP(0) at CPL > 0 under CR4.UMIP */
HANDLER(smsw_m)
{
    cpu_check_umip(c);
    wr16(c, i->seg, ea(c, i), (uint16_t)c->cr0);
}
HANDLER(smsw_r)
{
    cpu_check_umip(c);
    set_reg(c, i->rm, i->osz, i->osz == 1 ? (uint16_t)c->cr0 : c->cr0);
}
/* LMSW: loads PE, MP, EM, TS; cannot clear PE (SDM Vol.2 LMSW) */
static void lmsw(struct cpu *c, uint16_t v)
{
    require_cpl0(c);
    uint64_t cr0 = (c->cr0 & ~0xeull) | (v & 0xf) | (c->cr0 & CR0_PE);
    cpu_write_cr(c, 0, cr0);
}
HANDLER(lmsw_m)
{
    require_cpl0(c); /* the privilege check comes before the memory operand is read */
    lmsw(c, rd16(c, i->seg, ea(c, i)));
}
HANDLER(lmsw_r) { lmsw(c, (uint16_t)c->gpr[i->rm]); }

HANDLER(invlpg)
{
    require_cpl0(c);
    uint64_t lin = (c->seg[i->seg].eff_base + ea(c, i)) & c->lin_mask;
    tlb_flush_page(c->tlb, lin);
}

HANDLER(cpuid)
{
    uint32_t r[4];
    cpu_cpuid(c, (uint32_t)c->gpr[0], (uint32_t)c->gpr[1], r);
    c->gpr[0] = r[0];
    c->gpr[3] = r[1];
    c->gpr[1] = r[2];
    c->gpr[2] = r[3];
}

/* RDTSC/RDTSCP: #GP(0) with CR4.TSD at CPL > 0 (SDM Vol.2 RDTSC) */
HANDLER(rdtsc)
{
    if ((c->cr4 & CR4_TSD) && c->cpl != 0) raise_gp(c, 0);
    uint64_t t = cpu_tsc(c);
    c->gpr[0] = (uint32_t)t;
    c->gpr[2] = t >> 32;
}
HANDLER(rdtscp)
{
    if ((c->cr4 & CR4_TSD) && c->cpl != 0) raise_gp(c, 0);
    uint64_t t = cpu_tsc(c);
    c->gpr[0] = (uint32_t)t;
    c->gpr[2] = t >> 32;
    c->gpr[1] = (uint32_t)c->tsc_aux;
}

HANDLER(rdmsr)
{
    require_cpl0(c);
    uint64_t v;
    if (!msr_read(c, (uint32_t)c->gpr[1], &v)) {
        LOG(LOG_GUEST_ERRORS, "rdmsr %#x: no such MSR\n", (uint32_t)c->gpr[1]);
        raise_gp(c, 0);
    }
    c->gpr[0] = (uint32_t)v;
    c->gpr[2] = v >> 32;
}
HANDLER(wrmsr)
{
    require_cpl0(c);
    uint64_t v = cpu_edx_eax(c);
    if (!msr_write(c, (uint32_t)c->gpr[1], v)) {
        LOG(LOG_GUEST_ERRORS, "wrmsr %#x <- %#llx: refused\n", (uint32_t)c->gpr[1], (unsigned long long)v);
        raise_gp(c, 0);
    }
    cpu_update_mode(c);
}
/* No performance counters are implemented: every counter index is invalid (#GP(0)). */
HANDLER(rdpmc) { raise_gp(c, 0); }

HANDLER(invd_wbinvd) { require_cpl0(c); }

/* CLFLUSH: checked like a byte read (SDM Vol.2 CLFLUSH) */
HANDLER(clflush)
{
    uint64_t lin = seg_lin(c, i->seg, ea(c, i), 1, SEG_OK_R);
    (void)mmu_translate(c, lin, c->tlb_user ? ACC_USER : 0);
}

/* CLAC/STAC: #UD at CPL > 0 (SDM Vol.2 CLAC) */
HANDLER(clac_stac)
{
    if (c->cpl != 0) raise_ud(c);
    if (i->op == OP_stac)
        c->rflags |= FL_AC;
    else
        c->rflags &= ~FL_AC;
}

/* PAUSE (SDM Vol.2B PAUSE): a spin-wait hint that processors implement as a finite,
 * implementation-specific delay, with no architectural effect. turtles gives it a fixed guest
 * duration of PAUSE_NS (cpu/cpu.h), the latency Intel documents for Skylake and later (about 140 cycles; Intel
 * 64 and IA-32 Architectures Optimization Reference Manual, "Pause Latency in Skylake Client
 * Microarchitecture"), read as nanoseconds on the 1 GHz virtual clock. Spin-waits on the TSC,
 * which Linux pairs with PAUSE (cpu_relax, delay_tsc), then end after fewer emulated
 * instructions. Deterministic: a constant per PAUSE. The run's instruction budget shrinks by the
 * same amount so that it still ends at the next timer deadline (machine/machine.c). */
HANDLER(pause)
{
    (void)i;
    cpu_charge_ns(c, &c->pause_ns, PAUSE_NS - 1); /* the retired instruction counts 1 ns itself */
}

/* IN/OUT (SDM Vol.2 IN, OUT): byte forms E4/E6/EC/EE; others 16 or 32 bits */
static unsigned io_size(const struct insn *i)
{
    switch (i->op) {
    case OP_in_ALIb: case OP_out_IbAL: case OP_in_ALDX: case OP_out_DXAL: return 1;
    default: return i->osz == 1 ? 2 : 4;
    }
}
HANDLER(in)
{
    unsigned size = io_size(i);
    uint16_t port = (i->op == OP_in_ALIb || i->op == OP_in_eAXIb) ? (uint16_t)i->imm : (uint16_t)c->gpr[2];
    cpu_check_io(c, port, size);
    uint32_t v = cpu_io_in(c, port, size);
    if (size == 1) set_r8(c, 0, 0, (uint8_t)v);
    else set_reg(c, 0, size == 2 ? 1 : 2, v);
}
HANDLER(out)
{
    unsigned size = io_size(i);
    uint16_t port = (i->op == OP_out_IbAL || i->op == OP_out_IbeAX) ? (uint16_t)i->imm : (uint16_t)c->gpr[2];
    cpu_check_io(c, port, size);
    cpu_io_out(c, port, size, (uint32_t)c->gpr[0] & (size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1));
}

/* INVPCID (SDM Vol.2 INVPCID). The catalogue makes it #UD without CPUID.(EAX=7,ECX=0):EBX[10],
 * with a register operand and with LOCK; it runs in real mode (CPL 0) and is #GP(0) in
 * virtual-8086 mode (CPL 3). The type is 64 bits in 64-bit mode, else 32. #GP(0) for a type
 * above 3, descriptor bits 63:12 set, a PCID other than 0 for types 0 and 1 while CR4.PCIDE = 0,
 * and a non-canonical address for type 0 (all 64 bits, in every mode). turtles holds the
 * translations of the current PCID only (cpu_tlb_sync_pcid), so each type drops at least what
 * it must (Vol.3A 4.10.4.1): type 0 the address (global or not; for another PCID there is
 * nothing, and dropping more is allowed), 1 and 3 every non-global translation, 2 everything. */
HANDLER(invpcid)
{
    require_cpl0(c);
    uint64_t type = c->mode64 ? c->gpr[i->reg] : (uint32_t)c->gpr[i->reg];
    uint64_t off = ea(c, i);
    uint64_t lo = rd64(c, i->seg, off), lin = rd64(c, i->seg, off + 8);
    uint64_t pcid = lo & 0xfff;
    if (type > 3 || (lo >> 12)) raise_gp(c, 0);
    if (type <= 1 && pcid && !(c->cr4 & CR4_PCIDE)) raise_gp(c, 0);
    switch (type) {
    case 0:
        if (!is_canonical(lin)) raise_gp(c, 0);
        tlb_flush_page(c->tlb, lin);
        break;
    case 2: cpu_tlb_flush(c, true); break;
    default: cpu_tlb_flush(c, false); break;
    }
}
