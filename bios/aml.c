/* AML builder. Opcode values: ACPI 6.5 section 20.3 "AML Byte Stream Byte Values"; grammar: 20.2. */
#include "bios/aml.h"

#include <stdlib.h>
#include <string.h>

#define AML_ZERO 0x00
#define AML_ONE 0x01
#define AML_NAME_OP 0x08
#define AML_BYTE_PREFIX 0x0a
#define AML_WORD_PREFIX 0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_STRING_PREFIX 0x0d
#define AML_QWORD_PREFIX 0x0e
#define AML_SCOPE_OP 0x10
#define AML_BUFFER_OP 0x11
#define AML_PACKAGE_OP 0x12
#define AML_METHOD_OP 0x14
#define AML_DUAL_NAME_PREFIX 0x2e
#define AML_MULTI_NAME_PREFIX 0x2f
#define AML_EXT_OP_PREFIX 0x5b
#define AML_DEVICE_OP 0x82 /* after ExtOpPrefix */
#define AML_ROOT_CHAR 0x5c
#define AML_PARENT_PREFIX 0x5e
#define AML_LOCAL0 0x60
#define AML_ARG0 0x68
#define AML_STORE_OP 0x70
#define AML_RETURN_OP 0xa4

void aml_init(struct aml *a) { memset(a, 0, sizeof(*a)); }
void aml_free(struct aml *a)
{
    free(a->buf);
    memset(a, 0, sizeof(*a));
}

static bool reserve(struct aml *a, size_t n)
{
    if (a->oom) return false;
    if (a->len + n <= a->cap) return true;
    size_t cap = a->cap ? a->cap : 256;
    while (cap < a->len + n) cap *= 2;
    uint8_t *p = realloc(a->buf, cap);
    if (!p) {
        a->oom = true;
        return false;
    }
    a->buf = p;
    a->cap = cap;
    return true;
}

void aml_byte(struct aml *a, uint8_t v)
{
    if (reserve(a, 1)) a->buf[a->len++] = v;
}
void aml_bytes(struct aml *a, const void *p, size_t n)
{
    if (!n || !reserve(a, n)) return;
    memcpy(a->buf + a->len, p, n);
    a->len += n;
}
static void le(struct aml *a, uint64_t v, unsigned n)
{
    for (unsigned k = 0; k < n; k++) aml_byte(a, (uint8_t)(v >> (8 * k)));
}

/* 20.2.2 Name Objects Encoding: NameSeg := LeadNameChar NameChar NameChar NameChar, names shorter
 * than four characters are padded with '_'. */
static void name_seg(struct aml *a, const char *s, size_t n)
{
    for (size_t k = 0; k < 4; k++) aml_byte(a, (uint8_t)(k < n ? s[k] : '_'));
}

void aml_name(struct aml *a, const char *path)
{
    if (*path == '\\') {
        aml_byte(a, AML_ROOT_CHAR);
        path++;
    }
    while (*path == '^') {
        aml_byte(a, AML_PARENT_PREFIX);
        path++;
    }
    unsigned nseg = 0;
    if (*path) {
        nseg = 1;
        for (const char *p = path; *p; p++)
            if (*p == '.') nseg++;
    }
    /* NamePath := NameSeg | DualNamePath | MultiNamePath | NullName */
    if (nseg == 0)
        aml_byte(a, 0x00);
    else if (nseg == 2)
        aml_byte(a, AML_DUAL_NAME_PREFIX);
    else if (nseg > 2) {
        aml_byte(a, AML_MULTI_NAME_PREFIX);
        aml_byte(a, (uint8_t)nseg);
    }
    while (nseg--) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        name_seg(a, path, n);
        path += n + (dot ? 1 : 0);
    }
}

/* 20.2.3 Data Objects Encoding: ComputationalData := ByteConst | WordConst | DWordConst |
 * QWordConst | String | ConstObj; ConstObj := ZeroOp | OneOp | OnesOp. */
void aml_int(struct aml *a, uint64_t v)
{
    if (v == 0)
        aml_byte(a, AML_ZERO);
    else if (v == 1)
        aml_byte(a, AML_ONE);
    else if (v <= 0xff) {
        aml_byte(a, AML_BYTE_PREFIX);
        le(a, v, 1);
    } else if (v <= 0xffff) {
        aml_byte(a, AML_WORD_PREFIX);
        le(a, v, 2);
    } else if (v <= 0xffffffffu) {
        aml_byte(a, AML_DWORD_PREFIX);
        le(a, v, 4);
    } else {
        aml_byte(a, AML_QWORD_PREFIX);
        le(a, v, 8);
    }
}

void aml_string(struct aml *a, const char *s)
{
    aml_byte(a, AML_STRING_PREFIX);
    aml_bytes(a, s, strlen(s) + 1);
}

/* ACPI 6.5 19.6.35 EISAID: "converts a 7-character text argument into its corresponding 4-byte
 * numeric EISA ID encoding": three uppercase letters in 5 bits each (A = 1) and four hex digits,
 * stored big-endian within the 32-bit value's bytes. */
uint32_t aml_eisaid_value(const char *id)
{
    uint32_t vendor = (uint32_t)((id[0] - 0x40) & 0x1f) << 10 | (uint32_t)((id[1] - 0x40) & 0x1f) << 5 |
                      (uint32_t)((id[2] - 0x40) & 0x1f);
    uint32_t product = 0;
    for (int k = 3; k < 7; k++) {
        char c = id[k];
        uint32_t d = c >= '0' && c <= '9' ? (uint32_t)(c - '0') : (uint32_t)((c | 0x20) - 'a' + 10);
        product = product << 4 | (d & 0xf);
    }
    uint8_t b[4] = {(uint8_t)(vendor >> 8), (uint8_t)vendor, (uint8_t)(product >> 8), (uint8_t)product};
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

void aml_eisaid(struct aml *a, const char *id)
{
    aml_byte(a, AML_DWORD_PREFIX);
    le(a, aml_eisaid_value(id), 4);
}

/* Reserve the maximal 4-byte PkgLength; shrink it when the body is complete. */
void aml_pkg_open(struct aml *a)
{
    if (a->depth >= AML_MAX_DEPTH) {
        a->oom = true;
        return;
    }
    a->open[a->depth++] = a->len;
    le(a, 0, 4);
}

/* 20.2.4 Package Length Encoding: PkgLength counts itself and the body. One byte holds lengths up
 * to 63 (bits 5:0); otherwise bits 7:6 of the lead byte give the count (1-3) of following bytes,
 * the lead byte holds bits 3:0 and the following bytes bits 11:4, 19:12, 27:20. */
void aml_close(struct aml *a)
{
    if (a->oom || a->depth == 0) {
        a->oom = true;
        return;
    }
    size_t at = a->open[--a->depth];
    size_t body = a->len - (at + 4);
    unsigned n;
    if (body + 1 <= 0x3f)
        n = 1;
    else if (body + 2 <= 0xfff)
        n = 2;
    else if (body + 3 <= 0xfffff)
        n = 3;
    else
        n = 4;
    size_t total = body + n;
    uint8_t enc[4];
    if (n == 1)
        enc[0] = (uint8_t)total;
    else {
        enc[0] = (uint8_t)((n - 1) << 6 | (total & 0xf));
        for (unsigned k = 1; k < n; k++) enc[k] = (uint8_t)(total >> (4 + 8 * (k - 1)));
    }
    memmove(a->buf + at + n, a->buf + at + 4, body);
    memcpy(a->buf + at, enc, n);
    a->len = at + n + body;
}

void aml_scope(struct aml *a, const char *name)
{
    aml_byte(a, AML_SCOPE_OP);
    aml_pkg_open(a);
    aml_name(a, name);
}

void aml_device(struct aml *a, const char *name)
{
    aml_byte(a, AML_EXT_OP_PREFIX);
    aml_byte(a, AML_DEVICE_OP);
    aml_pkg_open(a);
    aml_name(a, name);
}

/* MethodFlags: bits 2:0 ArgCount, bit 3 SerializeFlag, bits 7:4 SyncLevel. */
void aml_method(struct aml *a, const char *name, unsigned nargs, bool serialized)
{
    aml_byte(a, AML_METHOD_OP);
    aml_pkg_open(a);
    aml_name(a, name);
    aml_byte(a, (uint8_t)((nargs & 7) | (serialized ? 8 : 0)));
}

void aml_package(struct aml *a, unsigned nelems)
{
    aml_byte(a, AML_PACKAGE_OP);
    aml_pkg_open(a);
    aml_byte(a, (uint8_t)nelems);
}

void aml_name_decl(struct aml *a, const char *name)
{
    aml_byte(a, AML_NAME_OP);
    aml_name(a, name);
}

void aml_name_int(struct aml *a, const char *name, uint64_t v)
{
    aml_name_decl(a, name);
    aml_int(a, v);
}

void aml_buffer(struct aml *a, const void *data, size_t len)
{
    aml_byte(a, AML_BUFFER_OP);
    aml_pkg_open(a);
    aml_int(a, len);
    aml_bytes(a, data, len);
    aml_close(a);
}

void aml_return(struct aml *a) { aml_byte(a, AML_RETURN_OP); }
void aml_store(struct aml *a) { aml_byte(a, AML_STORE_OP); }
void aml_arg(struct aml *a, unsigned n) { aml_byte(a, (uint8_t)(AML_ARG0 + (n & 7))); }
void aml_local(struct aml *a, unsigned n) { aml_byte(a, (uint8_t)(AML_LOCAL0 + (n & 7))); }

/* ---- resource descriptors ---- */

void res_io(struct aml *r, uint16_t min, uint16_t max, uint8_t align, uint8_t len)
{
    /* 6.4.2.5: small item 0x08, length 7; byte 1 bit 0 = decodes 16 address bits */
    aml_byte(r, 0x47);
    aml_byte(r, 0x01);
    le(r, min, 2);
    le(r, max, 2);
    aml_byte(r, align);
    aml_byte(r, len);
}

void res_irq_noflags(struct aml *r, uint16_t mask)
{
    /* 6.4.2.1: small item 0x04, length 2 (no information byte: edge, active high, exclusive) */
    aml_byte(r, 0x22);
    le(r, mask, 2);
}

void res_mem32_fixed(struct aml *r, bool rw, uint32_t base, uint32_t len)
{
    /* 6.4.3.4: large item 0x06 (tag 0x86), length 9 */
    aml_byte(r, 0x86);
    le(r, 9, 2);
    aml_byte(r, rw ? 1 : 0);
    le(r, base, 4);
    le(r, len, 4);
}

/* General flags (6.4.3.5.1, Table 6.4x): bit 3 _MAF, bit 2 _MIF, bit 1 _DEC (0 = positive),
 * bit 0 consumer (0 = producer). Fixed-window producer: 0x0C. */
#define RES_GEN_PRODUCER_FIXED 0x0c
/* Resource types: 0 memory, 1 I/O, 2 bus number. */
static void addr_space(struct aml *r, uint8_t tag, unsigned w, uint8_t type, uint8_t tflags,
                       uint64_t min, uint64_t max)
{
    aml_byte(r, tag);
    le(r, 3 + 5 * w, 2); /* type, flags, type flags, then 5 fields of w bytes */
    aml_byte(r, type);
    aml_byte(r, RES_GEN_PRODUCER_FIXED);
    aml_byte(r, tflags);
    le(r, 0, w);           /* granularity */
    le(r, min, w);         /* range minimum */
    le(r, max, w);         /* range maximum */
    le(r, 0, w);           /* translation offset */
    le(r, max - min + 1, w); /* length */
}

void res_word_bus(struct aml *r, uint16_t min, uint16_t max) { addr_space(r, 0x88, 2, 2, 0, min, max); }
/* I/O type-specific flags (6.4.3.5.4 Table "I/O Resource Flag"): _RNG = 3, entire range */
void res_word_io(struct aml *r, uint16_t min, uint16_t max) { addr_space(r, 0x88, 2, 1, 3, min, max); }
/* Memory type-specific flags: bit 0 _RW (read/write), bits 2:1 _MEM (0 non-cacheable, 1 cacheable) */
void res_dword_mem(struct aml *r, bool cacheable, uint32_t min, uint32_t max)
{
    addr_space(r, 0x87, 4, 0, (uint8_t)(1 | (cacheable ? 2 : 0)), min, max);
}
void res_qword_mem(struct aml *r, bool cacheable, uint64_t min, uint64_t max)
{
    addr_space(r, 0x8a, 8, 0, (uint8_t)(1 | (cacheable ? 2 : 0)), min, max);
}

void res_ext_irq(struct aml *r, bool level, bool active_low, bool shared, uint32_t irq)
{
    /* 6.4.3.6: large item 0x09 (tag 0x89); flags bit 0 consumer, bit 1 _HE (1 = edge),
     * bit 2 _LL (1 = active low), bit 3 _SHR; then the table length and the interrupts */
    aml_byte(r, 0x89);
    le(r, 6, 2);
    aml_byte(r, (uint8_t)(1 | (level ? 0 : 2) | (active_low ? 4 : 0) | (shared ? 8 : 0)));
    aml_byte(r, 1);
    le(r, irq, 4);
}

void res_end(struct aml *r)
{
    /* 6.4.2.9: small item 0x0F, length 1; "If the checksum field is zero, the resource data is
     * treated as if the checksum operation succeeded" */
    aml_byte(r, 0x79);
    aml_byte(r, 0x00);
}

void aml_restemplate(struct aml *a, const struct aml *r)
{
    struct aml t;
    aml_init(&t);
    aml_bytes(&t, r->buf, r->len);
    res_end(&t);
    if (t.oom || r->oom)
        a->oom = true;
    else
        aml_buffer(a, t.buf, t.len);
    aml_free(&t);
}
