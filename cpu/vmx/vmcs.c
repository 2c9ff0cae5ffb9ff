/* The VMCS field table (SDM Vol.3D Appendix B) and field access semantics (SDM Vol.3C 24.11.2,
 * VMREAD/VMWRITE in Vol.3C 30.3). Pure. */
#include <stddef.h>

#include "cpu/vmx/vmcs.h"

#define ENC_WIDTH(e) (((e) >> 13) & 3)
#define ENC_TYPE(e) (((e) >> 10) & 3)

const struct vmcs_field_info vmcs_fields[VF_COUNT] = {
#define VMCS_FIELD(NAME, ENC) [VF_##NAME] = {#NAME, ENC, ENC_WIDTH(ENC), ENC_TYPE(ENC)},
#include "cpu/vmx/vmcs_fields.def"
#undef VMCS_FIELD
};

/* Field index + 1 by the 13 encoding bits that tell fields apart (width 14:13, type 11:10, index
 * 9:1; bit 12 is reserved and bit 0 is the access type, SDM Vol.3C 24.11.2), 0 for none: VMREAD
 * and VMWRITE are frequent in a hypervisor's exit handlers (a linear scan of the table was 1.8%
 * of the host time of the three-level KVM run). Built at the first lookup. */
static int16_t field_by_key[1u << 13];
static bool field_by_key_built;

static unsigned enc_key(uint16_t e) { return (unsigned)(ENC_WIDTH(e) << 11 | ENC_TYPE(e) << 9 | ((e >> 1) & 0x1ff)); }

struct vmcs_access vmcs_lookup(uint64_t enc)
{
    struct vmcs_access a = {-1, false};
    if (enc >> 15) return a; /* bits 31:15 reserved (and a 64-bit operand's upper half) */
    uint16_t e = (uint16_t)enc;
    if (e & 1) {
        if (ENC_WIDTH(e) != VW_64) return a; /* only 64-bit fields have a high access type */
        a.high = true;
        e &= (uint16_t)~1u;
    }
    if (!field_by_key_built) {
        for (int k = 0; k < VF_COUNT; k++) field_by_key[enc_key(vmcs_fields[k].enc)] = (int16_t)(k + 1);
        field_by_key_built = true;
    }
    int id = field_by_key[enc_key(e)] - 1;
    if (id >= 0 && vmcs_fields[id].enc == e) a.id = id; /* also rejects bit 12 */
    return a;
}

static uint64_t width_mask(unsigned w)
{
    switch (w) {
    case VW_16: return 0xffff;
    case VW_32: return 0xffffffffull;
    default: return ~0ull;
    }
}

uint64_t vmcs_field_get(uint64_t stored, struct vmcs_access a)
{
    if (a.high) return stored >> 32;
    return stored & width_mask(vmcs_fields[a.id].width);
}

uint64_t vmcs_field_put(uint64_t stored, struct vmcs_access a, uint64_t v)
{
    if (a.high) return (stored & 0xffffffffull) | (v << 32);
    return v & width_mask(vmcs_fields[a.id].width);
}

uint64_t vmcs_read_value(const uint64_t *f, struct vmcs_access a) { return vmcs_field_get(f[a.id], a); }

void vmcs_write_value(uint64_t *f, struct vmcs_access a, uint64_t v) { f[a.id] = vmcs_field_put(f[a.id], a, v); }

unsigned vmcs_max_index(void)
{
    unsigned m = 0;
    for (int k = 0; k < VF_COUNT; k++) {
        unsigned idx = (vmcs_fields[k].enc >> 1) & 0x1ff;
        if (idx > m) m = idx;
    }
    return m;
}

unsigned vmcs_width_bytes(int id)
{
    static const uint8_t bytes[4] = {2, 8, 4, 8};
    return bytes[vmcs_fields[id].width];
}

const char *vmcs_field_name(uint64_t enc)
{
    struct vmcs_access a = vmcs_lookup(enc);
    return a.id < 0 ? NULL : vmcs_fields[a.id].name;
}
