/* A small AML (ACPI Machine Language) byte-code builder for the DSDT, plus ACPI resource-descriptor
 * encoders for _CRS/_PRS buffers. Encodings from the ACPI 6.5 specification, chapter 20 "ACPI
 * Machine Language (AML) Specification" (20.2) and section 6.4 "Resource Data Types for ACPI".
 *
 * Usage: open a construct (scope/device/method/package), emit its contents, aml_close(). Sizes are
 * computed when a construct closes (PkgLength, 20.2.4), so nesting is arbitrary up to AML_MAX_DEPTH.
 * Out-of-memory is sticky (a->oom) and checked once at the end.
 */
#ifndef BIOS_AML_H
#define BIOS_AML_H

#include "emu/compiler.h"

#define AML_MAX_DEPTH 32

struct aml {
    uint8_t *buf;
    size_t len, cap;
    size_t open[AML_MAX_DEPTH]; /* offsets of reserved PkgLength slots */
    unsigned depth;
    bool oom;
};

void aml_init(struct aml *a);
void aml_free(struct aml *a);
void aml_byte(struct aml *a, uint8_t v);
void aml_bytes(struct aml *a, const void *p, size_t n);

/* NameString (20.2.2): optional '\' or '^' prefixes, then dot-separated segments of up to 4
 * characters (padded with '_'). "\\_SB.PCI0", "LNKA", "^PICF". */
void aml_name(struct aml *a, const char *path);
/* The shortest integer encoding: ZeroOp, OneOp, BytePrefix, WordPrefix, DWordPrefix, QWordPrefix. */
void aml_int(struct aml *a, uint64_t v);
/* String constant (StringPrefix ... NUL). */
void aml_string(struct aml *a, const char *s);
/* EISAID("PNP0A03") as a DWordConst (compressed 3-letter vendor + 4 hex digits). */
uint32_t aml_eisaid_value(const char *id);
void aml_eisaid(struct aml *a, const char *id);

/* Opens a PkgLength-delimited body; aml_close() fixes the length. */
void aml_pkg_open(struct aml *a);
void aml_close(struct aml *a);

/* DefScope := ScopeOp PkgLength NameString TermList. Close with aml_close. */
void aml_scope(struct aml *a, const char *name);
/* DefDevice := ExtOpPrefix DeviceOp PkgLength NameString TermList. Close with aml_close. */
void aml_device(struct aml *a, const char *name);
/* DefMethod := MethodOp PkgLength NameString MethodFlags TermList. Close with aml_close. */
void aml_method(struct aml *a, const char *name, unsigned nargs, bool serialized);
/* DefPackage := PackageOp PkgLength NumElements PackageElementList. Close with aml_close. */
void aml_package(struct aml *a, unsigned nelems);
/* DefName := NameOp NameString DataRefObject: emits the head; the caller emits the object. */
void aml_name_decl(struct aml *a, const char *name);
/* Name(name, integer) in one call. */
void aml_name_int(struct aml *a, const char *name, uint64_t v);
/* DefBuffer := BufferOp PkgLength BufferSize ByteList, complete. */
void aml_buffer(struct aml *a, const void *data, size_t len);
/* Return(TermArg) head and Store(TermArg, SuperName) head: caller emits the operands. */
void aml_return(struct aml *a);
void aml_store(struct aml *a);
void aml_arg(struct aml *a, unsigned n);   /* Arg0..Arg6 */
void aml_local(struct aml *a, unsigned n); /* Local0..Local7 */

/* ---- resource descriptors (ACPI 6.5 section 6.4), appended to a byte builder ---- */
/* I/O Port Descriptor (6.4.2.5), 16-bit decode. */
void res_io(struct aml *r, uint16_t min, uint16_t max, uint8_t align, uint8_t len);
/* IRQ Descriptor without the flags byte (6.4.2.1): edge, active-high, exclusive ISA IRQs. */
void res_irq_noflags(struct aml *r, uint16_t mask);
/* 32-Bit Fixed Memory Range Descriptor (6.4.3.4). */
void res_mem32_fixed(struct aml *r, bool rw, uint32_t base, uint32_t len);
/* Word/DWord/QWord Address Space Descriptors (6.4.3.5.1-3) for a producer window with fixed
 * min and max and positive decode; gran 0, translation 0, length = max - min + 1. */
void res_word_bus(struct aml *r, uint16_t min, uint16_t max);
void res_word_io(struct aml *r, uint16_t min, uint16_t max);
void res_dword_mem(struct aml *r, bool cacheable, uint32_t min, uint32_t max);
void res_qword_mem(struct aml *r, bool cacheable, uint64_t min, uint64_t max);
/* Extended Interrupt Descriptor (6.4.3.6), consumer, one interrupt. */
void res_ext_irq(struct aml *r, bool level, bool active_low, bool shared, uint32_t irq);
/* End Tag (6.4.2.9) with checksum 0 ("treated as if the checksum operation succeeded"). */
void res_end(struct aml *r);
/* Emits Buffer(){resource bytes of r + End Tag}: a ResourceTemplate. */
void aml_restemplate(struct aml *a, const struct aml *r);

#endif
