/* Capstone wrapper for traces (-d in_asm); never on the execution path. */
#include <capstone/capstone.h>
#include <stdio.h>

#include "cpu/cpu_priv.h"

/* Disassembles one instruction into buf; returns false if Capstone cannot. Never raises. */
bool cpu_disasm(const uint8_t *code, size_t len, uint64_t addr, unsigned mode_bits, char *buf, size_t buflen);
bool cpu_disasm(const uint8_t *code, size_t len, uint64_t addr, unsigned mode_bits, char *buf, size_t buflen)
{
    csh h;
    cs_mode mode = mode_bits == 64 ? CS_MODE_64 : mode_bits == 32 ? CS_MODE_32 : CS_MODE_16;
    if (cs_open(CS_ARCH_X86, mode, &h) != CS_ERR_OK) return false;
    cs_insn *insn;
    size_t n = cs_disasm(h, code, len, addr, 1, &insn);
    bool ok = n > 0;
    if (ok) {
        snprintf(buf, buflen, "%s %s", insn[0].mnemonic, insn[0].op_str);
        cs_free(insn, n);
    }
    cs_close(&h);
    return ok;
}

void cpu_dump(struct cpu *c, void *file)
{
    static const char *names[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};
    FILE *f = file;
    for (unsigned k = 0; k < 16; k++)
        fprintf(f, "%3s=%016llx%s", names[k], (unsigned long long)c->gpr[k], (k % 4 == 3) ? "\n" : " ");
    fprintf(f, "rip=%016llx rfl=%08llx cpl=%u cr0=%08llx cr3=%016llx cr4=%08llx efer=%llx\n",
            (unsigned long long)c->gpr[REG_RIP], (unsigned long long)cpu_get_rflags(c), c->cpl,
            (unsigned long long)c->cr0, (unsigned long long)c->cr3, (unsigned long long)c->cr4,
            (unsigned long long)c->efer);
    static const char *sn[6] = {"es", "cs", "ss", "ds", "fs", "gs"};
    for (unsigned s = 0; s < 6; s++)
        fprintf(f, "%s=%04x base=%016llx lim=%08x ar=%05x\n", sn[s], c->seg[s].sel,
                (unsigned long long)c->seg[s].base, c->seg[s].limit, c->seg[s].ar);
}
