#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Extract the ELF vmlinux from the reference guest's bzImage, for PVH direct boot
# (turtles -kernel vmlinux): runs build-linux-guest.sh, then decompresses the
# bzImage's payload. The setup header (Documentation/arch/x86/boot.rst) gives
# payload_offset at 0x248 (relative to the protected-mode code, which starts at
# (setup_sects + 1) * 512, setup_sects at 0x1F1, 0 meaning 4) and payload_length
# at 0x24C; Debian's kernel compresses the payload with xz, which python3's lzma
# module decodes.
# Usage: images/extract-vmlinux.sh            (the reference guest's kernel)
#        images/extract-vmlinux.sh BZIMAGE OUT (any bzImage, no cache)
# Output (stdout, KEY=VALUE): VMLINUX=, PVH_ENTRY=, then the lines of
# build-linux-guest.sh (KERNEL=, INITRD=, ...). Cache: see lib.sh
# (linux-guest/vmlinux, ~66 MB, next to vmlinuz).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

extract() { # BZIMAGE OUT: writes OUT, prints the PVH entry point (hex) or "none"
    python3 - "$1" "$2" <<'PY'
import lzma, struct, sys, os
src, out = sys.argv[1], sys.argv[2]
b = open(src, 'rb').read()
if len(b) < 0x250 or b[0x202:0x206] != b'HdrS':
    sys.exit(f"{src}: not a bzImage (no HdrS at 0x202)")
ver = struct.unpack_from('<H', b, 0x206)[0]
if ver < 0x208:
    sys.exit(f"{src}: boot protocol {ver:#x} has no payload fields (needs 2.08)")
sects = b[0x1F1] or 4
poff, plen = struct.unpack_from('<II', b, 0x248)
start = (sects + 1) * 512 + poff
data = b[start:start + plen]
if len(data) != plen:
    sys.exit(f"{src}: payload [{start:#x}, +{plen:#x}) lies outside the file")
if not data.startswith(b'\xfd7zXZ\x00'):
    sys.exit(f"{src}: payload is not xz (magic {data[:6].hex()}); only xz is handled")
# The payload's last 4 bytes are the decompressed size (appended by the kernel's build), not part
# of the xz stream: decode one stream and ignore what follows it.
d = lzma.LZMADecompressor(format=lzma.FORMAT_XZ)
elf = d.decompress(data)
if not elf.startswith(b'\x7fELF'):
    sys.exit(f"{src}: the payload does not decompress to an ELF file")
tmp = out + '.new'
with open(tmp, 'wb') as f:
    f.write(elf)
os.replace(tmp, out)
# Report the PVH entry (Xen ELF note type 18 in a PT_NOTE segment), for the log and manifest.
entry = 'none'
cls = elf[4]
if cls == 2:
    phoff, = struct.unpack_from('<Q', elf, 32); phentsize, phnum = struct.unpack_from('<HH', elf, 54)
else:
    phoff, = struct.unpack_from('<I', elf, 28); phentsize, phnum = struct.unpack_from('<HH', elf, 42)
for k in range(phnum):
    ph = phoff + k * phentsize
    if struct.unpack_from('<I', elf, ph)[0] != 4:
        continue
    if cls == 2:
        off, = struct.unpack_from('<Q', elf, ph + 8); sz, = struct.unpack_from('<Q', elf, ph + 32)
    else:
        off, = struct.unpack_from('<I', elf, ph + 4); sz, = struct.unpack_from('<I', elf, ph + 16)
    p = off
    while p + 12 <= off + sz:
        nsz, dsz, typ = struct.unpack_from('<III', elf, p)
        name = elf[p + 12:p + 12 + nsz]
        desc = p + 12 + ((nsz + 3) & ~3)
        if typ == 18 and name == b'Xen\x00' and dsz in (4, 8):
            entry = hex(struct.unpack_from('<I', elf, desc)[0])
        p = desc + ((dsz + 3) & ~3)
print(entry)
PY
}

if [ $# -eq 2 ]; then
    entry=$(extract "$1" "$2") || exit 1
    printf 'VMLINUX=%s\nPVH_ENTRY=%s\n' "$2" "$entry"
    exit 0
fi
[ $# -eq 0 ] || die "usage: $0 [BZIMAGE OUT]"

check_cache_dir
GUEST=$("$IMAGES_SRC/build-linux-guest.sh")
KERNEL=$(sed -n 's/^KERNEL=//p' <<<"$GUEST")
OUT="$CACHE_DIR/linux-guest"
RECIPE=$( (recipe_hash "$IMAGES_SRC/extract-vmlinux.sh"; sha256sum <"$KERNEL") | sha256sum | cut -c1-16)
if [ "${TURTLES_REBUILD:-0}" != 1 ] && [ -f "$OUT/vmlinux" ] && [ -f "$OUT/vmlinux.manifest" ] \
   && [ "$(cat "$OUT/vmlinux.recipe" 2>/dev/null)" = "$RECIPE" ]; then
    cat "$OUT/vmlinux.manifest"
    printf '%s\n' "$GUEST"
    exit 0
fi
ensure_pkgs python3
log "extracting vmlinux from $KERNEL"
entry=$(extract "$KERNEL" "$OUT/vmlinux") || die "cannot extract vmlinux from $KERNEL"
[ "$entry" != none ] || log "warning: $OUT/vmlinux has no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)"
printf 'VMLINUX=%s\nPVH_ENTRY=%s\n' "$OUT/vmlinux" "$entry" >"$OUT/vmlinux.manifest"
printf '%s\n' "$RECIPE" >"$OUT/vmlinux.recipe"
log "built $OUT/vmlinux ($(stat -c %s "$OUT/vmlinux") B), PVH entry $entry"
cat "$OUT/vmlinux.manifest"
printf '%s\n' "$GUEST"
