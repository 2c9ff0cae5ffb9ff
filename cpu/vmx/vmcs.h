/* The VMCS field table and the cached current VMCS (SDM Vol.3C chapter 24, Vol.3D Appendix B).
 *
 * Every field listed in vmcs_fields.def gets a dense index (VF_*). The CPU keeps the current VMCS
 * as an array of 64-bit values indexed by VF_*, as hardware caches it; VMCLEAR, or VMPTRLD of
 * another VMCS, writes it back to guest memory. The in-memory layout is ours except for the two
 * architectural words at the start (SDM Vol.3C 24.2):
 *
 *   offset 0   bits 30:0 VMCS revision identifier, bit 31 shadow-VMCS indicator
 *   offset 4   VMX-abort indicator
 *   offset 8   launch state (turtles: 0 clear, 1 launched)
 *   offset 16  field values, 8 bytes each, in VF_* order
 *
 * Pure: nothing here touches a CPU.
 */
#ifndef CPU_VMX_VMCS_H
#define CPU_VMX_VMCS_H

#include "emu/compiler.h"

enum vmcs_field_id {
#define VMCS_FIELD(NAME, ENC) VF_##NAME,
#include "cpu/vmx/vmcs_fields.def"
#undef VMCS_FIELD
    VF_COUNT
};

/* Field widths and types, from encoding bits 14:13 and 11:10 (SDM Vol.3C 24.11.2). */
enum vmcs_width { VW_16, VW_64, VW_32, VW_NATURAL };
enum vmcs_type { VT_CONTROL, VT_EXIT_INFO, VT_GUEST, VT_HOST };

struct vmcs_field_info {
    const char *name;
    uint16_t enc;
    uint8_t width, type;
};
extern const struct vmcs_field_info vmcs_fields[VF_COUNT];

#define VMCS_OFF_REVISION 0
#define VMCS_OFF_ABORT 4
#define VMCS_OFF_LAUNCH 8
#define VMCS_OFF_FIELDS 16
#define VMCS_REVISION_ID 0x7475u /* ours; IA32_VMX_BASIC reports it */
#define VMCS_SHADOW_BIT (1u << 31)

/* How a VMREAD/VMWRITE encoding maps onto the table. */
struct vmcs_access {
    int id;     /* VF_* or -1 when the encoding is not supported */
    bool high;  /* the _HIGH half of a 64-bit field (encoding bit 0 = 1) */
};
/* Looks up a 32-bit encoding. Bits 31:15 must be 0, and only 64-bit fields have a high access
 * type; anything else is unsupported (id -1). Pure. */
struct vmcs_access vmcs_lookup(uint64_t enc);
/* The value VMREAD returns for an access: the field truncated to its width, or the upper half
 * of a 64-bit field (SDM Vol.3C 24.11.2, 30.3 VMREAD). */
uint64_t vmcs_read_value(const uint64_t *f, struct vmcs_access a);
/* Stores a VMWRITE value: truncated to the field's width; a high access writes bits 63:32 of
 * a 64-bit field and keeps the low half. */
void vmcs_write_value(uint64_t *f, struct vmcs_access a, uint64_t v);
/* The same on one stored field value: what VMREAD returns, and the new stored value after a
 * VMWRITE of v. Pure. */
uint64_t vmcs_field_get(uint64_t stored, struct vmcs_access a);
uint64_t vmcs_field_put(uint64_t stored, struct vmcs_access a, uint64_t v);
/* Highest index used by any supported encoding, for IA32_VMX_VMCS_ENUM bits 9:1
 * (SDM Vol.3D A.9). */
unsigned vmcs_max_index(void);
/* Width in bytes of a field (natural width counts as 8). */
unsigned vmcs_width_bytes(int id);
/* Field name by encoding (for logs and the VMCS dump), or NULL. */
const char *vmcs_field_name(uint64_t enc);

#endif
