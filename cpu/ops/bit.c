/* Bit instructions: BT/BTS/BTR/BTC, BSF/BSR/TZCNT/LZCNT/POPCNT, SHLD/SHRD, CRC32, MOVBE, BSWAP.
 * SDM Vol.2 "BT", "BTS", "BTR", "BTC", "BSF", "BSR", "TZCNT", "LZCNT", "POPCNT", "SHLD", "SHRD",
 * "CRC32", "MOVBE", "BSWAP".
 *
 * Undefined results and flags follow Intel hardware (checked on a Xeon host); see the comments at
 * each instruction.
 */
#include "cpu/cpu_priv.h"

static inline uint32_t szp_flags(uint64_t r, unsigned sz)
{
    uint32_t f = 0;
    r &= sz_mask(sz);
    if (!r) f |= FL_ZF;
    if ((r >> ((8u << sz) - 1)) & 1) f |= FL_SF;
    if (!__builtin_parity((unsigned)(r & 0xff))) f |= FL_PF;
    return f;
}

/* ---- read-modify-write memory helpers: write access is checked before the read ---- */
static inline uint64_t lin_rdv(struct cpu *c, uint64_t lin, unsigned sz, bool write)
{
    const struct tlb_entry *e = tlb_lookup(c, write ? TLB_W : TLB_R, lin, 1u << sz);
    if (likely(e)) {
        uint64_t v = 0;
        memcpy(&v, (const void *)(e->addend + (uintptr_t)lin), 1u << sz);
        return v;
    }
    return mmu_read_slow(c, lin, 1u << sz, (write ? ACC_WRITE : 0) | (c->tlb_user ? ACC_USER : 0)) &
           sz_mask(sz);
}
static inline void lin_wrv(struct cpu *c, uint64_t lin, unsigned sz, uint64_t v)
{
    switch (sz) {
    case 0: lin_wr8(c, lin, (uint8_t)v); break;
    case 1: lin_wr16(c, lin, (uint16_t)v); break;
    case 2: lin_wr32(c, lin, (uint32_t)v); break;
    default: lin_wr64(c, lin, v); break;
    }
}

/* ---- BT, BTS, BTR, BTC ----
 * CF := the selected bit; BTS/BTR/BTC then set/clear/complement it. ZF is unchanged; OF, SF, AF
 * and PF are undefined: Intel leaves them unchanged. */
enum { BT_TEST, BT_SET, BT_RESET, BT_COMP };

static inline uint64_t bt_apply(struct cpu *c, unsigned kind, uint64_t v, unsigned bit)
{
    uint64_t mask = 1ull << bit;
    set_arith_flags(c, (flags_arith(c) & ~FL_CF) | ((v & mask) ? FL_CF : 0));
    switch (kind) {
    case BT_SET: return v | mask;
    case BT_RESET: return v & ~mask;
    case BT_COMP: return v ^ mask;
    default: return v;
    }
}

static void bt_mem(struct cpu *c, const struct insn *i, unsigned kind, uint64_t off, unsigned bit)
{
    unsigned sz = i->osz;
    if (kind == BT_TEST) {
        bt_apply(c, kind, rdv(c, i->seg, off, sz), bit);
        return;
    }
    uint64_t lin = seg_lin(c, i->seg, off, 1u << sz, SEG_OK_W);
    uint64_t v = lin_rdv(c, lin, sz, true);
    lin_wrv(c, lin, sz, bt_apply(c, kind, v, bit));
}

static void bt_reg(struct cpu *c, const struct insn *i, unsigned kind, unsigned bit)
{
    unsigned sz = i->osz;
    uint64_t v = get_reg(c, i->rm, sz);
    uint64_t r = bt_apply(c, kind, v, bit);
    if (kind != BT_TEST) set_reg(c, i->rm, sz, r);
}

static unsigned bt_kind_op(const struct insn *i)
{
    switch (i->op) {
    case OP_bts_EvGv: return BT_SET;
    case OP_btr_EvGv: return BT_RESET;
    case OP_btc_EvGv: return BT_COMP;
    default: return BT_TEST;
    }
}

/* Memory form with a register bit offset: the offset is a signed integer of the operand size and
 * may address memory outside the operand: the operand-sized unit at ea + (offset SAR log2(width))
 * * size is accessed (SDM Vol.2 BT, "Bit(BitBase, BitOffset)" and Vol.1 3.4.1 bit-string
 * addressing). */
HANDLER(bt_EvGv_m)
{
    unsigned sz = i->osz, bits = 8u << sz;
    unsigned sh = 64 - bits;
    int64_t off = (int64_t)(c->gpr[i->reg] << sh) >> sh;
    uint64_t addr = (ea(c, i) + ((uint64_t)(off >> (3 + sz)) << sz)) & sz_mask(i->asz);
    bt_mem(c, i, bt_kind_op(i), addr, (unsigned)off & (bits - 1));
}
HANDLER(bt_EvGv_r)
{
    unsigned bits = 8u << i->osz;
    bt_reg(c, i, bt_kind_op(i), (unsigned)c->gpr[i->reg] & (bits - 1));
}
/* Immediate bit offset: taken modulo the operand width (SDM Vol.2 BT). */
HANDLER(bt_EvIb_m)
{
    unsigned bits = 8u << i->osz;
    bt_mem(c, i, (i->reg & 7) - 4, ea(c, i), (unsigned)i->imm & (bits - 1));
}
HANDLER(bt_EvIb_r)
{
    unsigned bits = 8u << i->osz;
    bt_reg(c, i, (i->reg & 7) - 4, (unsigned)i->imm & (bits - 1));
}

/* ---- BSF, BSR, TZCNT, LZCNT, POPCNT ---- */
static void bitcount(struct cpu *c, const struct insn *i, uint64_t src)
{
    unsigned sz = i->osz, bits = 8u << sz;
    uint64_t r;
    uint32_t f;

    switch (i->op) {
    case OP_bsf:
    case OP_bsr:
        /* SDM Vol.2 BSF/BSR: ZF = 1 and the destination is undefined when the source is 0; Intel
         * leaves the destination unchanged (the whole 64-bit register, even for a 32-bit
         * operand). CF, OF, SF, AF, PF are undefined: Intel clears CF, OF, SF, AF and sets PF
         * from the low byte of the result (from 0 when the source is 0). */
        if (!src) {
            set_arith_flags(c, FL_ZF | FL_PF);
            return;
        }
        r = i->op == OP_bsf ? (uint64_t)__builtin_ctzll(src) : (uint64_t)(63 - __builtin_clzll(src));
        f = __builtin_parity((unsigned)r) ? 0 : FL_PF;
        break;
    case OP_tzcnt: /* SDM Vol.2 TZCNT: CF = (src == 0), ZF = (result == 0); OF SF AF PF
                    * undefined: Intel clears them */
        r = src ? (uint64_t)__builtin_ctzll(src) : bits;
        f = (src ? 0 : FL_CF) | (r ? 0 : FL_ZF);
        break;
    case OP_lzcnt: /* SDM Vol.2 LZCNT: as TZCNT */
        r = src ? (uint64_t)(__builtin_clzll(src) - (64 - bits)) : bits;
        f = (src ? 0 : FL_CF) | (r ? 0 : FL_ZF);
        break;
    default: /* POPCNT: SDM Vol.2 POPCNT: OF SF AF CF PF cleared, ZF = (src == 0) */
        r = (uint64_t)__builtin_popcountll(src);
        f = src ? 0 : FL_ZF;
        break;
    }
    set_reg(c, i->reg, sz, r);
    set_arith_flags(c, f);
}

HANDLER(bitcount_m) { bitcount(c, i, rdv(c, i->seg, ea(c, i), i->osz)); }
HANDLER(bitcount_r) { bitcount(c, i, get_reg(c, i->rm, i->osz)); }

/* ---- SHLD, SHRD ----
 * SDM Vol.2 SHLD/SHRD: count masked to 5 bits (6 with REX.W); a masked count of 0 changes nothing
 * (a memory destination is still read and written, a 32-bit register still zero-extended, as for
 * the shifts). CF = last bit shifted out of the destination; SF/ZF/PF from the result.
 * Undefined, as Intel produces them: AF = 0; OF (defined for count 1) is the OF of the first
 * 1-bit step for every count: SHLD MSB(dest) ^ MSB-1(dest), SHRD MSB(dest) ^ LSB(src).
 * 16-bit operands with a count of 17..31 (result undefined): Intel shifts the 48-bit
 * concatenation dest:src:dest, which also gives the architectural result for counts 1..16. */
static uint64_t shxd_calc(struct cpu *c, bool left, unsigned sz, uint64_t d, uint64_t s, unsigned n)
{
    const unsigned bits = 8u << sz;
    const uint64_t m = sz_mask(sz);
    uint64_t r, cf, of;

    if (sz == 1) {
        uint64_t x = (d << 32) | (s << 16) | d;
        if (left) {
            r = (x << n) >> 32;
            cf = (x >> (48 - n)) & 1;
        } else {
            r = x >> n;
            cf = (x >> (n - 1)) & 1;
        }
        r &= m;
    } else if (left) {
        r = ((d << n) | (s >> (bits - n))) & m; /* 0 < n < bits */
        cf = (d >> (bits - n)) & 1;
    } else {
        r = ((d >> n) | (s << (bits - n))) & m;
        cf = (d >> (n - 1)) & 1;
    }
    of = ((d >> (bits - 1)) ^ (left ? d >> (bits - 2) : s)) & 1;
    set_arith_flags(c, szp_flags(r, sz) | (uint32_t)cf | (of ? FL_OF : 0));
    return r;
}

static inline bool shxd_left(const struct insn *i)
{
    return i->op == OP_shld_Ib || i->op == OP_shld_CL;
}
static inline unsigned shxd_count(struct cpu *c, const struct insn *i)
{
    uint64_t n = (i->op == OP_shld_CL || i->op == OP_shrd_CL) ? c->gpr[1] : i->imm;
    return (unsigned)n & (i->osz == 3 ? 0x3f : 0x1f);
}

HANDLER(shxd_m)
{
    unsigned sz = i->osz, n = shxd_count(c, i);
    uint64_t lin = seg_lin(c, i->seg, ea(c, i), 1u << sz, SEG_OK_W);
    uint64_t d = lin_rdv(c, lin, sz, true);
    if (n) d = shxd_calc(c, shxd_left(i), sz, d, get_reg(c, i->reg, sz), n);
    lin_wrv(c, lin, sz, d);
}
HANDLER(shxd_r)
{
    unsigned sz = i->osz, n = shxd_count(c, i);
    uint64_t d = get_reg(c, i->rm, sz);
    if (n) d = shxd_calc(c, shxd_left(i), sz, d, get_reg(c, i->reg, sz), n);
    set_reg(c, i->rm, sz, d);
}

/* ---- CRC32 (SSE4.2) ----
 * SDM Vol.2 CRC32: CRC-32C (polynomial 11EDC6F41H) accumulated over the source bytes, least
 * significant first, in bit-reflected form; the 32-bit result is zero-extended into the
 * destination (r32, or r64 with REX.W). Flags are not affected. */
static const uint32_t crc32c_table[256] = {
    0x00000000, 0xf26b8303, 0xe13b70f7, 0x1350f3f4, 0xc79a971f, 0x35f1141c,
    0x26a1e7e8, 0xd4ca64eb, 0x8ad958cf, 0x78b2dbcc, 0x6be22838, 0x9989ab3b,
    0x4d43cfd0, 0xbf284cd3, 0xac78bf27, 0x5e133c24, 0x105ec76f, 0xe235446c,
    0xf165b798, 0x030e349b, 0xd7c45070, 0x25afd373, 0x36ff2087, 0xc494a384,
    0x9a879fa0, 0x68ec1ca3, 0x7bbcef57, 0x89d76c54, 0x5d1d08bf, 0xaf768bbc,
    0xbc267848, 0x4e4dfb4b, 0x20bd8ede, 0xd2d60ddd, 0xc186fe29, 0x33ed7d2a,
    0xe72719c1, 0x154c9ac2, 0x061c6936, 0xf477ea35, 0xaa64d611, 0x580f5512,
    0x4b5fa6e6, 0xb93425e5, 0x6dfe410e, 0x9f95c20d, 0x8cc531f9, 0x7eaeb2fa,
    0x30e349b1, 0xc288cab2, 0xd1d83946, 0x23b3ba45, 0xf779deae, 0x05125dad,
    0x1642ae59, 0xe4292d5a, 0xba3a117e, 0x4851927d, 0x5b016189, 0xa96ae28a,
    0x7da08661, 0x8fcb0562, 0x9c9bf696, 0x6ef07595, 0x417b1dbc, 0xb3109ebf,
    0xa0406d4b, 0x522bee48, 0x86e18aa3, 0x748a09a0, 0x67dafa54, 0x95b17957,
    0xcba24573, 0x39c9c670, 0x2a993584, 0xd8f2b687, 0x0c38d26c, 0xfe53516f,
    0xed03a29b, 0x1f682198, 0x5125dad3, 0xa34e59d0, 0xb01eaa24, 0x42752927,
    0x96bf4dcc, 0x64d4cecf, 0x77843d3b, 0x85efbe38, 0xdbfc821c, 0x2997011f,
    0x3ac7f2eb, 0xc8ac71e8, 0x1c661503, 0xee0d9600, 0xfd5d65f4, 0x0f36e6f7,
    0x61c69362, 0x93ad1061, 0x80fde395, 0x72966096, 0xa65c047d, 0x5437877e,
    0x4767748a, 0xb50cf789, 0xeb1fcbad, 0x197448ae, 0x0a24bb5a, 0xf84f3859,
    0x2c855cb2, 0xdeeedfb1, 0xcdbe2c45, 0x3fd5af46, 0x7198540d, 0x83f3d70e,
    0x90a324fa, 0x62c8a7f9, 0xb602c312, 0x44694011, 0x5739b3e5, 0xa55230e6,
    0xfb410cc2, 0x092a8fc1, 0x1a7a7c35, 0xe811ff36, 0x3cdb9bdd, 0xceb018de,
    0xdde0eb2a, 0x2f8b6829, 0x82f63b78, 0x709db87b, 0x63cd4b8f, 0x91a6c88c,
    0x456cac67, 0xb7072f64, 0xa457dc90, 0x563c5f93, 0x082f63b7, 0xfa44e0b4,
    0xe9141340, 0x1b7f9043, 0xcfb5f4a8, 0x3dde77ab, 0x2e8e845f, 0xdce5075c,
    0x92a8fc17, 0x60c37f14, 0x73938ce0, 0x81f80fe3, 0x55326b08, 0xa759e80b,
    0xb4091bff, 0x466298fc, 0x1871a4d8, 0xea1a27db, 0xf94ad42f, 0x0b21572c,
    0xdfeb33c7, 0x2d80b0c4, 0x3ed04330, 0xccbbc033, 0xa24bb5a6, 0x502036a5,
    0x4370c551, 0xb11b4652, 0x65d122b9, 0x97baa1ba, 0x84ea524e, 0x7681d14d,
    0x2892ed69, 0xdaf96e6a, 0xc9a99d9e, 0x3bc21e9d, 0xef087a76, 0x1d63f975,
    0x0e330a81, 0xfc588982, 0xb21572c9, 0x407ef1ca, 0x532e023e, 0xa145813d,
    0x758fe5d6, 0x87e466d5, 0x94b49521, 0x66df1622, 0x38cc2a06, 0xcaa7a905,
    0xd9f75af1, 0x2b9cd9f2, 0xff56bd19, 0x0d3d3e1a, 0x1e6dcdee, 0xec064eed,
    0xc38d26c4, 0x31e6a5c7, 0x22b65633, 0xd0ddd530, 0x0417b1db, 0xf67c32d8,
    0xe52cc12c, 0x1747422f, 0x49547e0b, 0xbb3ffd08, 0xa86f0efc, 0x5a048dff,
    0x8ecee914, 0x7ca56a17, 0x6ff599e3, 0x9d9e1ae0, 0xd3d3e1ab, 0x21b862a8,
    0x32e8915c, 0xc083125f, 0x144976b4, 0xe622f5b7, 0xf5720643, 0x07198540,
    0x590ab964, 0xab613a67, 0xb831c993, 0x4a5a4a90, 0x9e902e7b, 0x6cfbad78,
    0x7fab5e8c, 0x8dc0dd8f, 0xe330a81a, 0x115b2b19, 0x020bd8ed, 0xf0605bee,
    0x24aa3f05, 0xd6c1bc06, 0xc5914ff2, 0x37faccf1, 0x69e9f0d5, 0x9b8273d6,
    0x88d28022, 0x7ab90321, 0xae7367ca, 0x5c18e4c9, 0x4f48173d, 0xbd23943e,
    0xf36e6f75, 0x0105ec76, 0x12551f82, 0xe03e9c81, 0x34f4f86a, 0xc69f7b69,
    0xd5cf889d, 0x27a40b9e, 0x79b737ba, 0x8bdcb4b9, 0x988c474d, 0x6ae7c44e,
    0xbe2da0a5, 0x4c4623a6, 0x5f16d052, 0xad7d5351,
};

static uint32_t crc32c(uint32_t crc, uint64_t v, unsigned bytes)
{
    for (unsigned k = 0; k < bytes; k++, v >>= 8)
        crc = crc32c_table[(crc ^ (uint8_t)v) & 0xff] ^ (crc >> 8);
    return crc;
}

HANDLER(crc32_m)
{
    unsigned sz = i->op == OP_crc32_Eb ? 0 : i->osz;
    uint64_t v = rdv(c, i->seg, ea(c, i), sz);
    set_reg(c, i->reg, 2, crc32c((uint32_t)c->gpr[i->reg], v, 1u << sz));
}
HANDLER(crc32_r)
{
    unsigned sz = i->op == OP_crc32_Eb ? 0 : i->osz;
    uint64_t v = sz ? get_reg(c, i->rm, sz) : get_r8(c, i->rm, i->pfx);
    set_reg(c, i->reg, 2, crc32c((uint32_t)c->gpr[i->reg], v, 1u << sz));
}

/* ---- MOVBE, BSWAP ---- */
static inline uint64_t byteswap(uint64_t v, unsigned sz)
{
    switch (sz) {
    case 1: return __builtin_bswap16((uint16_t)v);
    case 2: return __builtin_bswap32((uint32_t)v);
    default: return __builtin_bswap64(v);
    }
}

/* SDM Vol.2 MOVBE: load (0F 38 F0) or store (0F 38 F1) with the bytes reversed. */
HANDLER(movbe)
{
    unsigned sz = i->osz;
    if (i->op == OP_movbe_GvMv)
        set_reg(c, i->reg, sz, byteswap(rdv(c, i->seg, ea(c, i), sz), sz));
    else
        wrv(c, i->seg, ea(c, i), sz, byteswap(get_reg(c, i->reg, sz), sz));
}

/* SDM Vol.2 BSWAP: reverses the bytes of a 32/64-bit register. With a 16-bit operand size the
 * result is undefined; Intel clears the low word and leaves the rest of the register unchanged. */
HANDLER(bswap)
{
    switch (i->osz) {
    case 1: c->gpr[i->reg] &= ~0xffffull; break;
    case 2: set_reg(c, i->reg, 2, __builtin_bswap32((uint32_t)c->gpr[i->reg])); break;
    default: c->gpr[i->reg] = __builtin_bswap64(c->gpr[i->reg]); break;
    }
}
