#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Build turtles' nested-virtualization guest from Debian packages only: Debian's kernel (the one of
# the reference guest) with an initramfs that holds
#   busybox-static, images/init-kvm as /init,
#   kvm.ko, kvm-intel.ko, kvm-amd.ko and their dependencies (from the same linux-image .deb), so
#   that /init can make L1 a KVM host on a VMX CPU (turtles) or an SVM CPU (QEMU TCG, AMD hosts),
#   qemu-system-x86_64 (qemu-system-x86) with every shared library it needs and the dynamic loader,
#   the firmware QEMU needs for a -nodefaults direct kernel boot (SeaBIOS, linuxboot_dma.bin, ...),
#   the inner guest: the reference kernel as an ELF vmlinux (extracted from its bzImage by
#   images/extract-vmlinux.sh), which QEMU boots through the PVH entry (pvh.bin), plus an inner
#   initramfs. Booting by PVH skips the kernel's own xz decompressor (~4.5e9 instructions at
#   every level); the kernel that runs is the same.
# Usage: build-kvm-guest.sh [--depth D]   (default 1)
#   depth 1: the inner guest is the reference guest (images/build-linux-guest.sh), so L1 runs L2.
#   depth D: the inner guest is this image at depth D-1, so L1 runs L2 which runs ... L(D+1).
# Output (stdout, KEY=VALUE): KERNEL= (the bzImage), VMLINUX= (the same kernel as an ELF vmlinux
# with the PVH entry, for `turtles -kernel` or `qemu -kernel`), INITRD=, DEPTH=, GUEST_MEM=,
# KERNEL_PKG=, KERNEL_VERSION=, QEMU_VERSION=, INITRD_BYTES=. Cache: see lib.sh (kvm-guest-dD-RECIPE/). Idempotent like the other
# scripts: with the outputs present and built from the same recipe, it only prints them.
# Environment: KVM_GUEST_MEM (MiB given to the inner guest's QEMU; default 96 at depth 1 and
# 160 + 3 x the inner initrd's unpacked size above that), KVM_GUEST_CPU (default host),
# TURTLES_REBUILD=1.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
check_cache_dir

DEPTH=1
while [ $# -gt 0 ]; do
    case "$1" in
        --depth) DEPTH=${2:?--depth needs a number}; shift 2 ;;
        --depth=*) DEPTH=${1#--depth=}; shift ;;
        *) die "unknown argument $1 (usage: build-kvm-guest.sh [--depth D])" ;;
    esac
done
case "$DEPTH" in [1-9]) ;; *) die "--depth must be 1..9, not $DEPTH" ;; esac

GUEST_CPU=${KVM_GUEST_CPU:-host}

# --- the inner guest --------------------------------------------------------
if [ "$DEPTH" -eq 1 ]; then
    INNER=$("$IMAGES_SRC/build-linux-guest.sh")
else
    INNER=$(KVM_GUEST_MEM='' "$0" --depth $((DEPTH - 1)))
fi
INNER_KERNEL=$(sed -n 's/^KERNEL=//p' <<<"$INNER")
INNER_INITRD=$(sed -n 's/^INITRD=//p' <<<"$INNER")
KPKG=$(sed -n 's/^KERNEL_PKG=//p' <<<"$INNER")
KVER=$(sed -n 's/^KERNEL_VERSION=//p' <<<"$INNER")
[ -f "$INNER_KERNEL" ] && [ -f "$INNER_INITRD" ] && [ -n "$KPKG" ] && [ -n "$KVER" ] \
    || die "inner guest (depth $((DEPTH - 1))) did not build"
if [ -n "${KVM_GUEST_MEM:-}" ]; then GUEST_MEM=$KVM_GUEST_MEM
elif [ "$DEPTH" -eq 1 ]; then GUEST_MEM=96
else
    # The inner guest holds its compressed initrd, the unpacked tree and QEMU's guest RAM.
    unpacked=$(sed -n 's/^INITRD_UNPACKED_BYTES=//p' <<<"$INNER")
    GUEST_MEM=$(( 160 + 3 * ${unpacked:-100000000} / 1048576 ))
fi

# The inner kernel as an ELF vmlinux (PVH): the reference guest's, cached next to its bzImage.
VMLINUX=$("$IMAGES_SRC/extract-vmlinux.sh" | sed -n 's/^VMLINUX=//p')
[ -f "$VMLINUX" ] || die "could not extract vmlinux from the reference kernel"

RECIPE=$( { recipe_hash "$IMAGES_SRC/build-kvm-guest.sh" "$IMAGES_SRC/lib.sh" "$IMAGES_SRC/init-kvm" \
                "$IMAGES_SRC/extract-vmlinux.sh"
            printf '%s %s %s %s\n' "$GUEST_MEM" "$GUEST_CPU" "$(sha256sum <"$INNER_INITRD")" \
                "$(sha256sum <"$INNER_KERNEL")"; } | sha256sum | cut -c1-16)
# One directory per recipe, so that trees with different recipes (branches, worktrees) do not
# rebuild each other's image; older recipes of this depth are removed after a successful build.
OUT="$CACHE_DIR/kvm-guest-d$DEPTH-$RECIPE"

if [ "${TURTLES_REBUILD:-0}" != 1 ] && [ -f "$OUT/initrd.img" ] && [ -f "$OUT/manifest" ] \
   && [ "$(cat "$OUT/recipe" 2>/dev/null)" = "$RECIPE" ]; then
    touch "$OUT"  # last use, for the pruning below
    cat "$OUT/manifest"
    exit 0
fi

ensure_pkgs cpio zstd binutils

# --- kernel modules ---------------------------------------------------------
# fetch_modules PKG VER -> directory holding lib/modules/<release>/kernel/<MOD_SUBDIRS>.
# The kernel .deb is ~70 MB and unpacks to ~460 MB of modules, so only these members are
# extracted (cached; .extracted records the list, so a longer list extracts again). The .deb
# has no modules.dep (depmod makes it on install): dependencies come from each module's own
# .modinfo "depends=" entry. kvm-amd depends on kvm and ccp (drivers/crypto/ccp, the AMD
# Secure Processor driver that SEV needs); ccp and irqbypass depend on nothing.
MOD_SUBDIRS="arch/x86/kvm virt drivers/crypto/ccp"
fetch_modules() {
    local pkg=$1 ver=$2 dir tmp deb sub pats=()
    dir="$CACHE_DIR/debs/${pkg}_${ver//:/%3a}_kvm-modules"
    if [ "$(cat "$dir/.extracted" 2>/dev/null)" != "$MOD_SUBDIRS" ]; then
        for sub in $MOD_SUBDIRS; do pats+=("./lib/modules/*/kernel/$sub/*"); done
        tmp=$(mktemp -d "$CACHE_DIR/.dl.XXXXXX")
        log "apt-get download $pkg=$ver (for the kvm modules)"
        (cd "$tmp" && apt_download "$pkg=$ver" >&2) \
            || { apt_update_once; (cd "$tmp" && apt_download "$pkg=$ver" >&2); }
        deb=$(ls "$tmp"/*.deb)
        rm -rf "$dir"; mkdir -p "$dir/root"
        dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir/root" --wildcards "${pats[@]}"
        rm -rf "$tmp"
        printf '%s\n' "$MOD_SUBDIRS" >"$dir/.extracted"
    fi
    printf '%s\n' "$dir/root"
}

MODROOT=$(fetch_modules "$KPKG" "$KVER")
KREL=${KPKG#linux-image-}
MODDIR="$MODROOT/lib/modules/$KREL"
[ -d "$MODDIR/kernel" ] || die "no modules for $KREL in $KPKG"

# Uncompressed copy of a module file on stdout (busybox insmod wants a plain ELF object).
mod_cat() {
    case "$1" in
        *.ko.xz)  xz -dc "$1" ;;
        *.ko.zst) zstd -qdc "$1" ;;
        *.ko.gz)  gzip -dc "$1" ;;
        *)        cat "$1" ;;
    esac
}
mod_path() {  # module name (- or _) -> its file among the extracted ones
    local n=${1//-/_} f b
    while read -r f; do
        b=$(basename "$f"); b=${b%%.ko*}
        [ "${b//-/_}" = "$n" ] && { printf '%s\n' "$f"; return 0; }
    done < <(find "$MODDIR/kernel" -name '*.ko*' | LC_ALL=C sort)
    return 1
}
mod_deps() {  # module file -> the names in its .modinfo depends=
    local tmpko
    tmpko=$(mktemp)
    mod_cat "$1" >"$tmpko"
    objcopy -O binary --only-section=.modinfo "$tmpko" /dev/stdout | tr '\0' '\n' \
        | sed -n 's/^depends=//p' | tr ',' '\n' | sed '/^$/d'
    rm -f "$tmpko"
}
MODS=()
add_mod() {  # module name: its dependencies first, then itself
    local f d q
    f=$(mod_path "$1") || die "module $1 is not under kernel/{${MOD_SUBDIRS// /,}} of $KREL"
    for q in "${MODS[@]}"; do [ "$q" = "$f" ] && return 0; done
    for d in $(mod_deps "$f"); do add_mod "$d"; done
    MODS+=("$f")
}
add_mod kvm_intel
add_mod kvm_amd
log "modules (load order): $(for m in "${MODS[@]}"; do basename "$m"; done | tr '\n' ' ')"

# --- QEMU and its libraries ---------------------------------------------------
QEMU_VER=$(apt_candidate qemu-system-x86)
QEMU_DATA_VER=$(apt_candidate qemu-system-data)
SEABIOS_VER=$(apt_candidate seabios)
QROOT=$(fetch_extract qemu-system-x86 "$QEMU_VER" usr/share/doc usr/share/man)
QDROOT=$(fetch_extract qemu-system-data "$QEMU_DATA_VER" usr/share/doc usr/share/man)
SBROOT=$(fetch_extract seabios "$SEABIOS_VER" usr/share/doc)
QEMU_BIN="$QROOT/usr/bin/qemu-system-x86_64"
[ -x "$QEMU_BIN" ] || die "no qemu-system-x86_64 in qemu-system-x86 $QEMU_VER"

# Library packages: the closure of the lib* / zlib1g Depends of qemu-system-x86 (first
# alternative, version constraints dropped). Every one is only downloaded and unpacked.
pkg_depends() {  # PKG VER -> names of its library dependencies
    apt-cache show "$1=$2" 2>/dev/null | awk '/^(Pre-)?Depends:/ { sub(/^[^:]*: /, "");
        n = split($0, a, ","); for (i = 1; i <= n; i++) { split(a[i], alt, "|"); x = alt[1];
        gsub(/\(.*\)/, "", x); gsub(/[ \t]/, "", x); sub(/:any$/, "", x); print x } }' \
        | grep -E '^(lib|zlib1g$)' | sort -u
}
declare -A LIBPKG_ROOT=() LIBPKG_VER=()
queue=($(pkg_depends qemu-system-x86 "$QEMU_VER"))
while [ ${#queue[@]} -gt 0 ]; do
    p=${queue[0]}; queue=("${queue[@]:1}")
    [ -n "${LIBPKG_ROOT[$p]:-}" ] && continue
    v=$(apt_candidate "$p")
    LIBPKG_ROOT[$p]=$(fetch_extract "$p" "$v" usr/share/doc usr/share/man usr/share/locale)
    LIBPKG_VER[$p]=$v
    queue+=($(pkg_depends "$p" "$v"))
done
[ -n "${LIBPKG_ROOT[libc6]:-}" ] || die "libc6 is not among qemu-system-x86's dependencies"

# find_soname SONAME -> path of the file (following symlinks) in one of the library packages.
find_soname() {
    local p d
    for p in $(printf '%s\n' "${!LIBPKG_ROOT[@]}" | LC_ALL=C sort); do
        for d in lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu lib64 usr/lib lib; do
            if [ -e "${LIBPKG_ROOT[$p]}/$d/$1" ]; then
                realpath "${LIBPKG_ROOT[$p]}/$d/$1"; return 0
            fi
        done
    done
    return 1
}
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }

# --- initramfs tree -------------------------------------------------------------
WORK=$(mktemp -d "$CACHE_DIR/.kvmguest.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
T="$WORK/root"
mkdir -p "$T"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,root,etc,lib/modules,lib64} \
         "$T"/lib/x86_64-linux-gnu "$T"/usr/share/qemu "$T"/guest
chmod 1777 "$T/tmp"

BBVER=$(apt_candidate busybox-static)
BUSYBOX="$(fetch_extract busybox-static "$BBVER")/bin/busybox"
install -m 0755 "$BUSYBOX" "$T/bin/busybox"
"$BUSYBOX" --list-full | while read -r applet; do
    [ "$applet" = bin/busybox ] && continue
    [ -e "$T/$applet" ] && continue
    case "$applet" in
        usr/*) ln -s ../../bin/busybox "$T/$applet" ;;
        *)     ln -s ../bin/busybox "$T/$applet" ;;
    esac
done
install -m 0755 "$IMAGES_SRC/init-kvm" "$T/init"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$T/etc/passwd"
printf 'root:x:0:\n' >"$T/etc/group"
cat >"$T/etc/turtles-kvm.conf" <<EOF
GUEST_MEM=$GUEST_MEM
GUEST_CPU=$GUEST_CPU
GUEST_APPEND=
EOF

# Modules, decompressed (busybox insmod takes plain ELF objects), named by module name.
for m in "${MODS[@]}"; do
    name=$(basename "$m"); name=${name%%.ko*}
    mod_cat "$m" >"$T/lib/modules/$name.ko"
    strip --strip-debug "$T/lib/modules/$name.ko"
done
for m in irqbypass kvm kvm-intel ccp kvm-amd; do
    [ -f "$T/lib/modules/$m.ko" ] || die "expected irqbypass, kvm, kvm-intel, ccp and kvm-amd modules"
done

# QEMU, then every library it needs, transitively.
install -m 0755 "$QEMU_BIN" "$T/usr/bin/qemu-system-x86_64"
strip --strip-unneeded "$T/usr/bin/qemu-system-x86_64"
todo=($(needed "$QEMU_BIN"))
declare -A HAVE=()
while [ ${#todo[@]} -gt 0 ]; do
    so=${todo[0]}; todo=("${todo[@]:1}")
    [ -n "${HAVE[$so]:-}" ] && continue
    f=$(find_soname "$so") || die "no package among qemu-system-x86's dependencies has $so"
    install -m 0644 "$f" "$T/lib/x86_64-linux-gnu/$so"
    strip --strip-unneeded "$T/lib/x86_64-linux-gnu/$so"
    HAVE[$so]=1
    todo+=($(needed "$f"))
done
INTERP=$(readelf -l "$QEMU_BIN" | sed -n 's/.*\[Requesting program interpreter: \(.*\)\]/\1/p')
[ "$INTERP" = /lib64/ld-linux-x86-64.so.2 ] || die "unexpected program interpreter $INTERP"
install -m 0755 "$(find_soname ld-linux-x86-64.so.2)" "$T/lib64/ld-linux-x86-64.so.2"
log "libraries: ${#HAVE[@]} ($(printf '%s\n' "${!HAVE[@]}" | LC_ALL=C sort | tr '\n' ' '))"

# Firmware for `-nodefaults -kernel`: SeaBIOS, the Linux and PVH loader option ROMs, and the KVM
# vAPIC option ROM (QEMU loads it when the in-kernel APIC is used).
for f in bios-256k.bin; do install -m 0644 "$SBROOT/usr/share/seabios/$f" "$T/usr/share/qemu/$f"; done
for f in linuxboot_dma.bin linuxboot.bin pvh.bin kvmvapic.bin; do
    install -m 0644 "$(realpath "$QDROOT/usr/share/qemu/$f")" "$T/usr/share/qemu/$f"
done

install -m 0644 "$VMLINUX" "$T/guest/vmlinux"
install -m 0644 "$INNER_INITRD" "$T/guest/initrd.img"

# Reproducible archive: fixed mtimes, sorted names, root-owned, renumbered inodes. Not
# compressed: unpacking a zstd -19 archive of this size cost L1's kernel 1.3e9 instructions
# (a third of the whole L2 run); an uncompressed one is copied, which turtles' string-move
# fast path does at memory speed. The cost is disk space in the cache and guest RAM, which
# GUEST_MEM and the callers' -m already cover (they are computed from the unpacked size).
find "$T" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
(cd "$T" && find . -mindepth 1 -print | LC_ALL=C sort \
    | cpio --quiet -o -H newc -R 0:0 --reproducible) >"$WORK/initrd.cpio"
UNPACKED=$(stat -c %s "$WORK/initrd.cpio")
mv "$WORK/initrd.cpio" "$WORK/initrd.img"

# --- publish -----------------------------------------------------------------
mkdir -p "$OUT"
mv "$WORK/initrd.img" "$OUT/initrd.img"
cat >"$OUT/manifest" <<EOF
KERNEL=$INNER_KERNEL
VMLINUX=$VMLINUX
INITRD=$OUT/initrd.img
DEPTH=$DEPTH
GUEST_MEM=$GUEST_MEM
KERNEL_PKG=$KPKG
KERNEL_VERSION=$KVER
QEMU_VERSION=$QEMU_VER
INITRD_BYTES=$(stat -c %s "$OUT/initrd.img")
INITRD_UNPACKED_BYTES=$UNPACKED
EOF
printf '%s\n' "$RECIPE" >"$OUT/recipe"
# Other recipes of this depth unused for two days (and the old unsuffixed directory) go.
find "$CACHE_DIR" -maxdepth 1 -type d \( -name "kvm-guest-d$DEPTH-*" -o -name "kvm-guest-d$DEPTH" \) \
    ! -path "$OUT" ! -newermt '-2 days' -exec rm -rf {} + 2>/dev/null || true
log "built $OUT/initrd.img ($(stat -c %s "$OUT/initrd.img") B, $UNPACKED B unpacked)"
cat "$OUT/manifest"
