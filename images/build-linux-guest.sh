#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Build turtles' reference Linux guest from Debian packages only:
#   vmlinuz     the kernel of linux-image-amd64's linux-image-6.1.0-*-amd64
#               (apt-get download + dpkg -x; never installed on the host)
#   initrd.img  cpio newc + gzip: busybox-static and images/init
# Output (stdout, KEY=VALUE): KERNEL=, INITRD=, KERNEL_PKG=, KERNEL_VERSION=,
# BUSYBOX_VERSION=. Cache: see lib.sh. Idempotent: with the outputs present
# and built from the same recipe, it only prints the paths.
# TURTLES_REBUILD=1 forces a rebuild (e.g. to pick up a newer Debian kernel).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
check_cache_dir

OUT="$CACHE_DIR/linux-guest"
RECIPE=$(recipe_hash "$IMAGES_SRC/build-linux-guest.sh" "$IMAGES_SRC/lib.sh" "$IMAGES_SRC/init")

print_outputs() {
    cat "$OUT/manifest"
}

if [ "${TURTLES_REBUILD:-0}" != 1 ] && [ -f "$OUT/vmlinuz" ] && [ -f "$OUT/initrd.img" ] \
   && [ -f "$OUT/manifest" ] && [ "$(cat "$OUT/recipe" 2>/dev/null)" = "$RECIPE" ]; then
    print_outputs
    exit 0
fi

ensure_pkgs cpio gzip

# linux-image-amd64 is a metapackage: its Depends names the real image.
META_VER=$(apt_candidate linux-image-amd64)
KPKG=$(apt-cache depends "linux-image-amd64=$META_VER" 2>/dev/null \
       | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
[ -n "$KPKG" ] || die "cannot resolve linux-image-amd64's kernel package"
KVER=$(apt_candidate "$KPKG")
BBVER=$(apt_candidate busybox-static)
log "kernel: $KPKG $KVER (via linux-image-amd64 $META_VER); busybox-static $BBVER"

# Modules are not used (everything needed is built in): drop them (~460 MB).
KROOT=$(fetch_extract "$KPKG" "$KVER" lib/modules usr/lib/modules)
BBROOT=$(fetch_extract busybox-static "$BBVER")

KREL=${KPKG#linux-image-}
VMLINUZ="$KROOT/boot/vmlinuz-$KREL"
KCONFIG="$KROOT/boot/config-$KREL"
[ -f "$VMLINUZ" ] || die "no $VMLINUZ in $KPKG"
[ -f "$KCONFIG" ] || die "no $KCONFIG in $KPKG"

# The initramfs carries no modules: what the guest needs must be built in.
for opt in CONFIG_SERIAL_8250=y CONFIG_SERIAL_8250_CONSOLE=y CONFIG_DEVTMPFS=y \
           CONFIG_BLK_DEV_INITRD=y CONFIG_RD_GZIP=y CONFIG_PROC_FS=y CONFIG_SYSFS=y \
           CONFIG_ACPI=y CONFIG_BINFMT_ELF=y; do
    grep -qx "$opt" "$KCONFIG" || die "$KPKG lacks $opt (needed without modules)"
done

BUSYBOX="$BBROOT/bin/busybox"
[ -x "$BUSYBOX" ] || die "no busybox in busybox-static"

# --- initramfs tree -------------------------------------------------------
WORK=$(mktemp -d "$CACHE_DIR/.guest.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
T="$WORK/root"
mkdir -p "$T"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,root,etc}
chmod 1777 "$T/tmp"
install -m 0755 "$BUSYBOX" "$T/bin/busybox"
# Applet links as busybox itself would place them (relative, so the tree
# is usable from any root).
"$BUSYBOX" --list-full | while read -r applet; do
    [ "$applet" = bin/busybox ] && continue
    [ -e "$T/$applet" ] && continue
    case "$applet" in
        usr/*) ln -s ../../bin/busybox "$T/$applet" ;;
        *)     ln -s ../bin/busybox "$T/$applet" ;;
    esac
done
install -m 0755 "$IMAGES_SRC/init" "$T/init"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$T/etc/passwd"
printf 'root:x:0:\n' >"$T/etc/group"

# Reproducible archive: fixed mtimes, sorted names, root-owned, renumbered inodes.
find "$T" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
(cd "$T" && find . -mindepth 1 -print | LC_ALL=C sort \
    | cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -n -9 >"$WORK/initrd.img"

# --- publish ---------------------------------------------------------------
mkdir -p "$OUT"
install -m 0644 "$VMLINUZ" "$OUT/vmlinuz.new"
install -m 0644 "$KCONFIG" "$OUT/config"
mv "$WORK/initrd.img" "$OUT/initrd.img.new"
mv "$OUT/vmlinuz.new" "$OUT/vmlinuz"
mv "$OUT/initrd.img.new" "$OUT/initrd.img"
cat >"$OUT/manifest" <<EOF
KERNEL=$OUT/vmlinuz
INITRD=$OUT/initrd.img
KERNEL_PKG=$KPKG
KERNEL_VERSION=$KVER
BUSYBOX_VERSION=$BBVER
EOF
printf '%s\n' "$RECIPE" >"$OUT/recipe"
log "built $OUT/vmlinuz ($(stat -c %s "$OUT/vmlinuz") B), $OUT/initrd.img ($(stat -c %s "$OUT/initrd.img") B)"
print_outputs
