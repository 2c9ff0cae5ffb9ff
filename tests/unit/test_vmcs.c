/* Unit tests of the VMCS field table and field access (cpu/vmx/vmcs.c, vmcs_fields.def):
 *   - every supported field's width and type, as derived from its encoding, against the SDM
 *     Vol.3D Appendix B tables B-1..B-15, typed in below by hand (independent of the .def file);
 *   - the encoding layout rules of SDM Vol.3C 24.11.2 (table 24-21): full encodings only in the
 *     table, bit 12 and bits 31:15 reserved, no two entries with the same encoding;
 *   - vmcs_lookup of full and _HIGH encodings (high access only for 64-bit fields), of encodings
 *     with reserved bits set and of unknown encodings;
 *   - vmcs_read_value / vmcs_write_value (and vmcs_field_get / vmcs_field_put): truncation to 16, 32, 64 bits and natural width, and
 *     the high-access semantics of VMREAD/VMWRITE (SDM Vol.3C 30.3);
 *   - vmcs_max_index and IA32_VMX_VMCS_ENUM (SDM Vol.3D A.9); vmcs_width_bytes; vmcs_field_name.
 */
#include "cpu/vmx/vmcs.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long n_checks;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        n_checks++;                                                                                \
        ck_assert_msg(cond, __VA_ARGS__);                                                          \
    } while (0)

/* Width and type as SDM Vol.3C 24.11.2 table 24-21 numbers them (bits 14:13 and 11:10). Our own
 * constants, so that a wrong enum in vmcs.h would show. */
enum { SDM_W16 = 0, SDM_W64 = 1, SDM_W32 = 2, SDM_WNAT = 3 };
enum { SDM_CTL = 0, SDM_RO = 1, SDM_GUEST = 2, SDM_HOST = 3 };

struct sdm_field {
    uint16_t enc;
    uint8_t width, type;
    const char *name; /* the name turtles gives the field (vmcs_fields.def) */
};

/* One macro per SDM Vol.3D Appendix B table: the table a field is listed in gives its width and
 * type; the encodings are typed from the tables. */
#define B1(e, n) {e, SDM_W16, SDM_CTL, n}    /* B-1  16-bit control fields */
#define B2(e, n) {e, SDM_W16, SDM_GUEST, n}  /* B-2  16-bit guest-state fields */
#define B3(e, n) {e, SDM_W16, SDM_HOST, n}   /* B-3  16-bit host-state fields */
#define B4(e, n) {e, SDM_W64, SDM_CTL, n}    /* B-4  64-bit control fields */
#define B5(e, n) {e, SDM_W64, SDM_RO, n}     /* B-5  64-bit read-only data fields */
#define B6(e, n) {e, SDM_W64, SDM_GUEST, n}  /* B-6  64-bit guest-state fields */
#define B7(e, n) {e, SDM_W64, SDM_HOST, n}   /* B-7  64-bit host-state fields */
#define B8(e, n) {e, SDM_W32, SDM_CTL, n}    /* B-8  32-bit control fields */
#define B9(e, n) {e, SDM_W32, SDM_RO, n}     /* B-9  32-bit read-only data fields */
#define B10(e, n) {e, SDM_W32, SDM_GUEST, n} /* B-10 32-bit guest-state fields */
#define B11(e, n) {e, SDM_W32, SDM_HOST, n}  /* B-11 32-bit host-state field */
#define B12(e, n) {e, SDM_WNAT, SDM_CTL, n}  /* B-12 natural-width control fields */
#define B13(e, n) {e, SDM_WNAT, SDM_RO, n}   /* B-13 natural-width read-only data fields */
#define B14(e, n) {e, SDM_WNAT, SDM_GUEST, n} /* B-14 natural-width guest-state fields */
#define B15(e, n) {e, SDM_WNAT, SDM_HOST, n} /* B-15 natural-width host-state fields */

static const struct sdm_field sdm[] = {
    B1(0x0000, "VIRTUAL_PROCESSOR_ID"),
    B1(0x0002, "POSTED_INTR_NV"),
    B1(0x0004, "EPTP_INDEX"),
    B2(0x0800, "GUEST_ES_SELECTOR"),
    B2(0x0802, "GUEST_CS_SELECTOR"),
    B2(0x0804, "GUEST_SS_SELECTOR"),
    B2(0x0806, "GUEST_DS_SELECTOR"),
    B2(0x0808, "GUEST_FS_SELECTOR"),
    B2(0x080a, "GUEST_GS_SELECTOR"),
    B2(0x080c, "GUEST_LDTR_SELECTOR"),
    B2(0x080e, "GUEST_TR_SELECTOR"),
    B2(0x0810, "GUEST_INTERRUPT_STATUS"),
    B2(0x0812, "PML_INDEX"),
    B3(0x0c00, "HOST_ES_SELECTOR"),
    B3(0x0c02, "HOST_CS_SELECTOR"),
    B3(0x0c04, "HOST_SS_SELECTOR"),
    B3(0x0c06, "HOST_DS_SELECTOR"),
    B3(0x0c08, "HOST_FS_SELECTOR"),
    B3(0x0c0a, "HOST_GS_SELECTOR"),
    B3(0x0c0c, "HOST_TR_SELECTOR"),
    B4(0x2000, "IO_BITMAP_A"),
    B4(0x2002, "IO_BITMAP_B"),
    B4(0x2004, "MSR_BITMAP"),
    B4(0x2006, "VM_EXIT_MSR_STORE_ADDR"),
    B4(0x2008, "VM_EXIT_MSR_LOAD_ADDR"),
    B4(0x200a, "VM_ENTRY_MSR_LOAD_ADDR"),
    B4(0x200c, "EXECUTIVE_VMCS_POINTER"),
    B4(0x200e, "PML_ADDRESS"),
    B4(0x2010, "TSC_OFFSET"),
    B4(0x2012, "VIRTUAL_APIC_PAGE_ADDR"),
    B4(0x2014, "APIC_ACCESS_ADDR"),
    B4(0x2016, "POSTED_INTR_DESC_ADDR"),
    B4(0x2018, "VM_FUNCTION_CONTROLS"),
    B4(0x201a, "EPT_POINTER"),
    B4(0x201c, "EOI_EXIT_BITMAP0"),
    B4(0x201e, "EOI_EXIT_BITMAP1"),
    B4(0x2020, "EOI_EXIT_BITMAP2"),
    B4(0x2022, "EOI_EXIT_BITMAP3"),
    B4(0x2024, "EPTP_LIST_ADDRESS"),
    B4(0x2026, "VMREAD_BITMAP"),
    B4(0x2028, "VMWRITE_BITMAP"),
    B4(0x202c, "XSS_EXITING_BITMAP"),
    B5(0x2400, "GUEST_PHYSICAL_ADDRESS"),
    B6(0x2800, "VMCS_LINK_POINTER"),
    B6(0x2802, "GUEST_IA32_DEBUGCTL"),
    B6(0x2804, "GUEST_IA32_PAT"),
    B6(0x2806, "GUEST_IA32_EFER"),
    B6(0x280a, "GUEST_PDPTE0"),
    B6(0x280c, "GUEST_PDPTE1"),
    B6(0x280e, "GUEST_PDPTE2"),
    B6(0x2810, "GUEST_PDPTE3"),
    B7(0x2c00, "HOST_IA32_PAT"),
    B7(0x2c02, "HOST_IA32_EFER"),
    B8(0x4000, "PIN_BASED_VM_EXEC_CONTROL"),
    B8(0x4002, "CPU_BASED_VM_EXEC_CONTROL"),
    B8(0x4004, "EXCEPTION_BITMAP"),
    B8(0x4006, "PAGE_FAULT_ERROR_CODE_MASK"),
    B8(0x4008, "PAGE_FAULT_ERROR_CODE_MATCH"),
    B8(0x400a, "CR3_TARGET_COUNT"),
    B8(0x400c, "VM_EXIT_CONTROLS"),
    B8(0x400e, "VM_EXIT_MSR_STORE_COUNT"),
    B8(0x4010, "VM_EXIT_MSR_LOAD_COUNT"),
    B8(0x4012, "VM_ENTRY_CONTROLS"),
    B8(0x4014, "VM_ENTRY_MSR_LOAD_COUNT"),
    B8(0x4016, "VM_ENTRY_INTR_INFO"),
    B8(0x4018, "VM_ENTRY_EXCEPTION_ERROR_CODE"),
    B8(0x401a, "VM_ENTRY_INSTRUCTION_LEN"),
    B8(0x401c, "TPR_THRESHOLD"),
    B8(0x401e, "SECONDARY_VM_EXEC_CONTROL"),
    B8(0x4020, "PLE_GAP"),
    B8(0x4022, "PLE_WINDOW"),
    B9(0x4400, "VM_INSTRUCTION_ERROR"),
    B9(0x4402, "VM_EXIT_REASON"),
    B9(0x4404, "VM_EXIT_INTR_INFO"),
    B9(0x4406, "VM_EXIT_INTR_ERROR_CODE"),
    B9(0x4408, "IDT_VECTORING_INFO"),
    B9(0x440a, "IDT_VECTORING_ERROR_CODE"),
    B9(0x440c, "VM_EXIT_INSTRUCTION_LEN"),
    B9(0x440e, "VMX_INSTRUCTION_INFO"),
    B10(0x4800, "GUEST_ES_LIMIT"),
    B10(0x4802, "GUEST_CS_LIMIT"),
    B10(0x4804, "GUEST_SS_LIMIT"),
    B10(0x4806, "GUEST_DS_LIMIT"),
    B10(0x4808, "GUEST_FS_LIMIT"),
    B10(0x480a, "GUEST_GS_LIMIT"),
    B10(0x480c, "GUEST_LDTR_LIMIT"),
    B10(0x480e, "GUEST_TR_LIMIT"),
    B10(0x4810, "GUEST_GDTR_LIMIT"),
    B10(0x4812, "GUEST_IDTR_LIMIT"),
    B10(0x4814, "GUEST_ES_AR_BYTES"),
    B10(0x4816, "GUEST_CS_AR_BYTES"),
    B10(0x4818, "GUEST_SS_AR_BYTES"),
    B10(0x481a, "GUEST_DS_AR_BYTES"),
    B10(0x481c, "GUEST_FS_AR_BYTES"),
    B10(0x481e, "GUEST_GS_AR_BYTES"),
    B10(0x4820, "GUEST_LDTR_AR_BYTES"),
    B10(0x4822, "GUEST_TR_AR_BYTES"),
    B10(0x4824, "GUEST_INTERRUPTIBILITY_INFO"),
    B10(0x4826, "GUEST_ACTIVITY_STATE"),
    B10(0x4828, "GUEST_SMBASE"),
    B10(0x482a, "GUEST_SYSENTER_CS"),
    B10(0x482e, "VMX_PREEMPTION_TIMER_VALUE"),
    B11(0x4c00, "HOST_IA32_SYSENTER_CS"),
    B12(0x6000, "CR0_GUEST_HOST_MASK"),
    B12(0x6002, "CR4_GUEST_HOST_MASK"),
    B12(0x6004, "CR0_READ_SHADOW"),
    B12(0x6006, "CR4_READ_SHADOW"),
    B12(0x6008, "CR3_TARGET_VALUE0"),
    B12(0x600a, "CR3_TARGET_VALUE1"),
    B12(0x600c, "CR3_TARGET_VALUE2"),
    B12(0x600e, "CR3_TARGET_VALUE3"),
    B13(0x6400, "EXIT_QUALIFICATION"),
    B13(0x6402, "IO_RCX"),
    B13(0x6404, "IO_RSI"),
    B13(0x6406, "IO_RDI"),
    B13(0x6408, "IO_RIP"),
    B13(0x640a, "GUEST_LINEAR_ADDRESS"),
    B14(0x6800, "GUEST_CR0"),
    B14(0x6802, "GUEST_CR3"),
    B14(0x6804, "GUEST_CR4"),
    B14(0x6806, "GUEST_ES_BASE"),
    B14(0x6808, "GUEST_CS_BASE"),
    B14(0x680a, "GUEST_SS_BASE"),
    B14(0x680c, "GUEST_DS_BASE"),
    B14(0x680e, "GUEST_FS_BASE"),
    B14(0x6810, "GUEST_GS_BASE"),
    B14(0x6812, "GUEST_LDTR_BASE"),
    B14(0x6814, "GUEST_TR_BASE"),
    B14(0x6816, "GUEST_GDTR_BASE"),
    B14(0x6818, "GUEST_IDTR_BASE"),
    B14(0x681a, "GUEST_DR7"),
    B14(0x681c, "GUEST_RSP"),
    B14(0x681e, "GUEST_RIP"),
    B14(0x6820, "GUEST_RFLAGS"),
    B14(0x6822, "GUEST_PENDING_DBG_EXCEPTIONS"),
    B14(0x6824, "GUEST_SYSENTER_ESP"),
    B14(0x6826, "GUEST_SYSENTER_EIP"),
    B15(0x6c00, "HOST_CR0"),
    B15(0x6c02, "HOST_CR3"),
    B15(0x6c04, "HOST_CR4"),
    B15(0x6c06, "HOST_FS_BASE"),
    B15(0x6c08, "HOST_GS_BASE"),
    B15(0x6c0a, "HOST_TR_BASE"),
    B15(0x6c0c, "HOST_GDTR_BASE"),
    B15(0x6c0e, "HOST_IDTR_BASE"),
    B15(0x6c10, "HOST_IA32_SYSENTER_ESP"),
    B15(0x6c12, "HOST_IA32_SYSENTER_EIP"),
    B15(0x6c14, "HOST_RSP"),
    B15(0x6c16, "HOST_RIP"),
};
#define N_SDM (sizeof sdm / sizeof sdm[0])

/* Fields of the SDM tables that turtles does not implement yet (their features are not
 * advertised): VMREAD/VMWRITE of them must fail as unsupported (SDM Vol.3C 30.3, error 12). */
static const uint16_t sdm_unimplemented[] = {
    0x202a, /* B-4 virtualization-exception information address */
    0x2808, /* B-6 guest IA32_PERF_GLOBAL_CTRL */
    0x2c04, /* B-7 host IA32_PERF_GLOBAL_CTRL */
};

/* Encodings that name no field: bits 31:15 set (reserved, SDM Vol.3C 24.11.2), bit 12 set
 * (reserved), or an index no SDM table uses. */
static const uint64_t bad_encodings[] = {
    0x8000,                  /* bit 15 */
    0x8000 | 0x0800,         /* bit 15 + GUEST_ES_SELECTOR */
    0x10000 | 0x6c16,        /* bit 16 + HOST_RIP */
    0x80000000u | 0x2000,    /* bit 31 + IO_BITMAP_A */
    (1ull << 32) | 0x0800,   /* upper half of a 64-bit register operand */
    ~0ull,
    0x1000 | 0x0800,         /* bit 12 + GUEST_ES_SELECTOR */
    0x1000 | 0x4002,         /* bit 12 + CPU_BASED_VM_EXEC_CONTROL */
    0x01fe, 0x0bfe, 0x2ffe, 0x45fe, 0x6ffe, /* index 0xff in various width/type classes */
};

static int find_def(uint16_t enc)
{
    for (int k = 0; k < VF_COUNT; k++)
        if (vmcs_fields[k].enc == enc) return k;
    return -1;
}

/* Every field the SDM lists with its width and type: the .def table has it, under the expected
 * name, and the width and type it derives from the encoding agree with the SDM table. */
START_TEST(test_sdm_widths_types)
{
    ck_assert_uint_ge(N_SDM, 40);
    for (unsigned s = 0; s < N_SDM; s++) {
        int id = find_def(sdm[s].enc);
        CHECK(id >= 0, "SDM field %s (0x%04x) missing from vmcs_fields.def", sdm[s].name, sdm[s].enc);
        CHECK(strcmp(vmcs_fields[id].name, sdm[s].name) == 0, "0x%04x is %s, want %s", sdm[s].enc,
              vmcs_fields[id].name, sdm[s].name);
        CHECK(vmcs_fields[id].width == sdm[s].width, "%s: width %u, SDM %u", sdm[s].name,
              vmcs_fields[id].width, sdm[s].width);
        CHECK(vmcs_fields[id].type == sdm[s].type, "%s: type %u, SDM %u", sdm[s].name,
              vmcs_fields[id].type, sdm[s].type);
        static const unsigned bytes[4] = {2, 8, 4, 8};
        CHECK(vmcs_width_bytes(id) == bytes[sdm[s].width], "%s: %u bytes", sdm[s].name, vmcs_width_bytes(id));
    }
}
END_TEST

/* The other direction: every .def entry is in the hand-typed SDM table (so nothing escapes the
 * check above), and the VF_* enum matches the table order. */
START_TEST(test_def_in_sdm)
{
    for (int k = 0; k < VF_COUNT; k++) {
        bool found = false;
        for (unsigned s = 0; s < N_SDM; s++) found |= sdm[s].enc == vmcs_fields[k].enc;
        CHECK(found, "%s (0x%04x) is not in the SDM table of this test", vmcs_fields[k].name, vmcs_fields[k].enc);
    }
    CHECK(VF_COUNT == N_SDM, "VF_COUNT %d, SDM table %zu", (int)VF_COUNT, N_SDM);
    CHECK(vmcs_fields[VF_GUEST_RIP].enc == 0x681e, "VF_GUEST_RIP -> 0x%04x", vmcs_fields[VF_GUEST_RIP].enc);
    CHECK(vmcs_fields[VF_VIRTUAL_PROCESSOR_ID].enc == 0x0000, "VF_VIRTUAL_PROCESSOR_ID");
    CHECK(vmcs_fields[VF_HOST_RIP].enc == 0x6c16, "VF_HOST_RIP");
}
END_TEST

/* SDM Vol.3C 24.11.2, table 24-21: the table holds full encodings (bit 0 = 0) with bit 12 and
 * bits 31:15 clear; width and type are the encoding's bits 14:13 and 11:10; no duplicates. */
START_TEST(test_encoding_layout)
{
    for (int k = 0; k < VF_COUNT; k++) {
        uint16_t e = vmcs_fields[k].enc;
        CHECK((e & 1) == 0, "%s: high access type in the table", vmcs_fields[k].name);
        CHECK((e & 0x1000) == 0, "%s: reserved bit 12 set", vmcs_fields[k].name);
        CHECK((e & 0x8000) == 0, "%s: reserved bit 15 set", vmcs_fields[k].name);
        CHECK(vmcs_fields[k].width == ((e >> 13) & 3), "%s: width", vmcs_fields[k].name);
        CHECK(vmcs_fields[k].type == ((e >> 10) & 3), "%s: type", vmcs_fields[k].name);
        CHECK(vmcs_fields[k].name && vmcs_fields[k].name[0], "field %d has no name", k);
        for (int j = k + 1; j < VF_COUNT; j++)
            CHECK(vmcs_fields[j].enc != e, "%s and %s share encoding 0x%04x", vmcs_fields[k].name,
                  vmcs_fields[j].name, e);
    }
}
END_TEST

/* vmcs_lookup: the full encoding of every field; the high encoding (bit 0 set) only for 64-bit
 * fields (SDM Vol.3C 24.11.2: "high" access is allowed only for 64-bit fields). */
START_TEST(test_lookup_full_high)
{
    unsigned n_high = 0, sdm_64 = 0;
    for (unsigned s = 0; s < N_SDM; s++) sdm_64 += sdm[s].width == SDM_W64;
    for (int k = 0; k < VF_COUNT; k++) {
        uint16_t e = vmcs_fields[k].enc;
        struct vmcs_access a = vmcs_lookup(e);
        CHECK(a.id == k && !a.high, "lookup(0x%04x) = {%d, %d}, want {%d, 0}", e, a.id, a.high, k);
        a = vmcs_lookup(e | 1u);
        if (vmcs_fields[k].width == SDM_W64) {
            CHECK(a.id == k && a.high, "lookup(0x%04x) = {%d, %d}, want {%d, 1}", e | 1u, a.id, a.high, k);
            n_high++;
        } else {
            CHECK(a.id == -1, "lookup(0x%04x) of a non-64-bit field = %d, want unsupported", e | 1u, a.id);
        }
        CHECK(vmcs_field_name(e) == vmcs_fields[k].name, "vmcs_field_name(0x%04x)", e);
    }
    CHECK(n_high == sdm_64 && n_high > 0, "%u high encodings, SDM table has %u 64-bit fields", n_high, sdm_64);
    /* examples by hand: GUEST_IA32_EFER_HIGH, IO_BITMAP_A_HIGH, GUEST_RIP | 1, HOST_CR0 | 1 */
    struct vmcs_access a = vmcs_lookup(0x2807);
    CHECK(a.id == VF_GUEST_IA32_EFER && a.high, "GUEST_IA32_EFER_HIGH");
    a = vmcs_lookup(0x2001);
    CHECK(a.id == VF_IO_BITMAP_A && a.high, "IO_BITMAP_A_HIGH");
    CHECK(vmcs_lookup(0x681f).id == -1, "GUEST_RIP has no high half (natural width)");
    CHECK(vmcs_lookup(0x4003).id == -1, "CPU_BASED_VM_EXEC_CONTROL has no high half (32-bit)");
    CHECK(vmcs_lookup(0x0803).id == -1, "GUEST_CS_SELECTOR has no high half (16-bit)");
}
END_TEST

/* vmcs_lookup against a linear scan of the table, for every encoding of 16 bits and a few wider
 * ones: full and high accesses, reserved bit 12, unknown indexes. */
START_TEST(test_lookup_every_encoding)
{
    for (uint32_t e = 0; e < 0x10000u; e++) {
        int want = -1;
        bool high = false;
        if (!(e >> 15)) {
            uint32_t full = e & ~1u;
            for (int k = 0; k < VF_COUNT; k++)
                if (vmcs_fields[k].enc == full && (!(e & 1) || vmcs_fields[k].width == SDM_W64)) {
                    want = k;
                    high = (e & 1) != 0;
                }
        }
        struct vmcs_access a = vmcs_lookup(e);
        CHECK(a.id == want && (want < 0 || a.high == high), "lookup(0x%04x) = {%d, %d}, want {%d, %d}", e, a.id,
              a.high, want, high);
    }
    CHECK(vmcs_lookup(0x1681e).id == -1 && vmcs_lookup(0x10000681eull).id == -1, "bits above 15");
}
END_TEST

START_TEST(test_lookup_unsupported)
{
    for (unsigned k = 0; k < sizeof bad_encodings / sizeof bad_encodings[0]; k++) {
        struct vmcs_access a = vmcs_lookup(bad_encodings[k]);
        CHECK(a.id == -1, "lookup(0x%llx) = %d, want unsupported", (unsigned long long)bad_encodings[k], a.id);
        CHECK(vmcs_field_name(bad_encodings[k]) == NULL, "name of 0x%llx", (unsigned long long)bad_encodings[k]);
    }
    for (unsigned k = 0; k < sizeof sdm_unimplemented / sizeof sdm_unimplemented[0]; k++) {
        CHECK(vmcs_lookup(sdm_unimplemented[k]).id == -1, "0x%04x is not implemented", sdm_unimplemented[k]);
        CHECK(vmcs_lookup(sdm_unimplemented[k] | 1u).id == -1, "0x%04x (high)", sdm_unimplemented[k] | 1u);
    }
}
END_TEST

/* VMWRITE stores the value truncated to the field's width; VMREAD returns the field
 * zero-extended (SDM Vol.3C 30.3 VMREAD/VMWRITE, 24.11.2). A high access writes bits 63:32 of a
 * 64-bit field from bits 31:0 of the source and keeps bits 31:0; reading it returns bits 63:32
 * in bits 31:0. */
START_TEST(test_read_write_width)
{
    static uint64_t f[VF_COUNT];
    const uint64_t v = 0xfedcba9876543210ull;
    static const struct { int id; uint64_t mask; } rows[] = {
        {VF_GUEST_CS_SELECTOR, 0xffff},            /* 16-bit */
        {VF_VIRTUAL_PROCESSOR_ID, 0xffff},
        {VF_HOST_TR_SELECTOR, 0xffff},
        {VF_GUEST_CS_LIMIT, 0xffffffffull},        /* 32-bit */
        {VF_VM_EXIT_REASON, 0xffffffffull},
        {VF_HOST_IA32_SYSENTER_CS, 0xffffffffull},
        {VF_GUEST_IA32_EFER, ~0ull},               /* 64-bit */
        {VF_IO_BITMAP_A, ~0ull},
        {VF_GUEST_PHYSICAL_ADDRESS, ~0ull},
        {VF_GUEST_RIP, ~0ull},                     /* natural width: 64 bits on this CPU */
        {VF_HOST_CR0, ~0ull},
        {VF_EXIT_QUALIFICATION, ~0ull},
    };
    for (unsigned r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        int id = rows[r].id;
        uint64_t want = v & rows[r].mask;
        struct vmcs_access a = {id, false};
        memset(f, 0xa5, sizeof f);
        vmcs_write_value(f, a, v);
        CHECK(f[id] == want, "%s: stored 0x%llx, want 0x%llx", vmcs_fields[id].name,
              (unsigned long long)f[id], (unsigned long long)want);
        CHECK(vmcs_read_value(f, a) == want, "%s: read back", vmcs_fields[id].name);
        int other = id == 0 ? 1 : id - 1;
        CHECK(f[other] == 0xa5a5a5a5a5a5a5a5ull, "%s: neighbour written", vmcs_fields[id].name);
        /* VMREAD truncates even if the cached value has stray upper bits */
        f[id] = ~0ull;
        CHECK(vmcs_read_value(f, a) == rows[r].mask, "%s: read of all-ones = 0x%llx", vmcs_fields[id].name,
              (unsigned long long)vmcs_read_value(f, a));
    }
}
END_TEST

START_TEST(test_read_write_high)
{
    static uint64_t f[VF_COUNT];
    struct vmcs_access full = vmcs_lookup(0x2806), high = vmcs_lookup(0x2807); /* GUEST_IA32_EFER */
    ck_assert(full.id == VF_GUEST_IA32_EFER && high.id == VF_GUEST_IA32_EFER && high.high);

    vmcs_write_value(f, full, 0x1111111122222222ull);
    CHECK(vmcs_read_value(f, high) == 0x11111111, "high read = 0x%llx", (unsigned long long)vmcs_read_value(f, high));
    CHECK(vmcs_read_value(f, full) == 0x1111111122222222ull, "full read");

    /* high write: bits 63:32 from the source's bits 31:0, low half kept */
    vmcs_write_value(f, high, 0xdeadbeefcafef00dull);
    CHECK(f[VF_GUEST_IA32_EFER] == 0xcafef00d22222222ull, "after high write 0x%llx",
          (unsigned long long)f[VF_GUEST_IA32_EFER]);
    CHECK(vmcs_read_value(f, high) == 0xcafef00d, "high read back");
    CHECK(vmcs_read_value(f, full) == 0xcafef00d22222222ull, "full read back");

    /* full write replaces both halves */
    vmcs_write_value(f, full, 0x33);
    CHECK(vmcs_read_value(f, high) == 0, "high half after a full write of 0x33");
    CHECK(f[VF_GUEST_IA32_EFER] == 0x33, "full write");

    /* the same on a stored value (vmcs_field_get/put, used for shadow VMCSs in memory) */
    CHECK(vmcs_field_put(0x1111111122222222ull, high, 0xabcdef0012345678ull) == 0x1234567822222222ull, "field_put high");
    CHECK(vmcs_field_put(0x1111111122222222ull, full, 0x44) == 0x44, "field_put full");
    CHECK(vmcs_field_get(0x1234567822222222ull, high) == 0x12345678, "field_get high");
    struct vmcs_access sel = vmcs_lookup(0x0802), lim = vmcs_lookup(0x4802); /* GUEST_CS_SELECTOR, _LIMIT */
    CHECK(vmcs_field_put(0, sel, 0x123456789ull) == 0x6789, "field_put 16-bit");
    CHECK(vmcs_field_get(~0ull, sel) == 0xffff, "field_get 16-bit");
    CHECK(vmcs_field_put(0, lim, 0x123456789ull) == 0x23456789, "field_put 32-bit");
    CHECK(vmcs_field_get(~0ull, lim) == 0xffffffffull, "field_get 32-bit");

    /* high write of 0 clears only the upper half */
    vmcs_write_value(f, full, ~0ull);
    vmcs_write_value(f, high, 0);
    CHECK(f[VF_GUEST_IA32_EFER] == 0xffffffffull, "high write of 0: 0x%llx", (unsigned long long)f[VF_GUEST_IA32_EFER]);
}
END_TEST

/* IA32_VMX_VMCS_ENUM bits 9:1 report the highest index of any supported encoding (SDM Vol.3D
 * A.9). The highest index in the table is that of VMX_PREEMPTION_TIMER_VALUE, 0x482e: 0x17. */
START_TEST(test_max_index)
{
    unsigned m = 0;
    for (unsigned s = 0; s < N_SDM; s++) {
        unsigned idx = (sdm[s].enc >> 1) & 0x1ff;
        if (idx > m) m = idx;
    }
    CHECK(m == 0x17, "highest SDM-table index 0x%x", m);
    CHECK(vmcs_max_index() == m, "vmcs_max_index() = 0x%x, want 0x%x", vmcs_max_index(), m);
}
END_TEST

static Suite *vmcs_suite(void)
{
    Suite *s = suite_create("vmcs");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, test_sdm_widths_types);
    tcase_add_test(tc, test_def_in_sdm);
    tcase_add_test(tc, test_encoding_layout);
    tcase_add_test(tc, test_lookup_full_high);
    tcase_add_test(tc, test_lookup_unsupported);
    tcase_add_test(tc, test_lookup_every_encoding);
    tcase_add_test(tc, test_read_write_width);
    tcase_add_test(tc, test_read_write_high);
    tcase_add_test(tc, test_max_index);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(vmcs_suite());
    srunner_set_fork_status(sr, CK_NOFORK); /* checks are counted across tests */
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    printf("vmcs: %lu checks, %zu SDM fields\n", n_checks, N_SDM);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
