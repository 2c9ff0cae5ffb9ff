/* The handler table, generated from opcodes.def. Handlers are referenced weakly: a catalogue entry
 * whose handler is not linked in falls back to op_unimplemented, which logs (-d unimp) and raises
 * #UD, and cpu_unimplemented_count() reports such entries so tests can insist there are none.
 */
#include <stdio.h>

#include "cpu/cpu_priv.h"

#define OP(ID, MNEM, MAP, OPC, PFX, EXT, FORM, IMM, ATTR, FEAT, ICPT, FN_M, FN_R)                  \
    extern HANDLER_PROTO(FN_M) __attribute__((weak));                                              \
    extern HANDLER_PROTO(FN_R) __attribute__((weak));
#include "cpu/decode/opcodes.def"
#undef OP

static const struct op_handlers weak_table[OP_COUNT] = {
#define OP(ID, MNEM, MAP, OPC, PFX, EXT, FORM, IMM, ATTR, FEAT, ICPT, FN_M, FN_R)                  \
    [OP_##ID] = {op_##FN_M, op_##FN_R},
#include "cpu/decode/opcodes.def"
#undef OP
};

static void op_unimplemented(struct cpu *c, const struct insn *i)
{
    LOG(LOG_UNIMP, "unimplemented: %s (op %u) at %llx\n", op_name(i->op), i->op,
        (unsigned long long)cpu_insn_rip(c));
    raise_ud(c);
}

static struct op_handlers table[OP_COUNT];
static insn_fn spec[OP_COUNT][4][SPEC_FORMS];

void cpu_specialize(struct insn *i)
{
    if (i->op >= OP_COUNT) return;
    bool mem = (i->pfx & PFX_MEM) != 0;
    insn_fn f = NULL;
    if (i->asz == 3 && (!mem || i->seg <= SEG_DS))
        f = spec[i->op][i->osz & 3][mem ? SPEC_FLAT_MEM : SPEC_FLAT_REG];
    if (!f) f = spec[i->op][i->osz & 3][mem];
    /* only replace the plain handler, never a raising stub chosen by the mode gates */
    if (f && i->fn == (mem ? table[i->op].m : table[i->op].r)) i->fn = f;
}

__attribute__((constructor)) static void handlers_init(void)
{
    static const struct spec_entry *const lists[] = {alu_specs, data_specs, shift_specs, stack_specs,
                                                     muldiv_specs};
    for (unsigned l = 0; l < ARRAY_SIZE(lists); l++)
        for (const struct spec_entry *e = lists[l]; e->fn; e++) spec[e->op][e->osz][e->mem] = e->fn;
    for (unsigned k = 0; k < OP_COUNT; k++) {
        table[k] = weak_table[k];
        if (!table[k].m) table[k].m = op_unimplemented;
        if (!table[k].r) table[k].r = op_unimplemented;
    }
}

const struct op_handlers *cpu_handler_table(void);
const struct op_handlers *cpu_handler_table(void) { return table; }

unsigned cpu_unimplemented_count(void *file);
unsigned cpu_unimplemented_count(void *file)
{
    unsigned n = 0;
    for (unsigned k = 0; k < OP_COUNT; k++) {
        const struct op_info *e = &op_info[k];
        bool bad_m = (e->form == F_BOTH || e->form == F_MEM) && !weak_table[k].m;
        bool bad_r = e->form != F_MEM && !weak_table[k].r;
        if (bad_m || bad_r) {
            n++;
            if (file) fprintf(file, "unimplemented: %s (OP %u)%s%s\n", e->mnem, k, bad_m ? " mem" : "", bad_r ? " reg" : "");
        }
    }
    return n;
}
