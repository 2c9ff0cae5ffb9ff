#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Build a BIOS-bootable (El Torito) ISO of turtles' reference Linux guest:
# the kernel and initramfs of build-linux-guest.sh behind GRUB (grub-pc-bin,
# grub-mkrescue + xorriso). GRUB boots at once (timeout 0) with
# `console=ttyS0 panic=-1` and talks on both the VGA console and COM1.
# Output (stdout, KEY=VALUE): ISO=, plus the guest's lines (KERNEL=, ...).
# Idempotent: with the ISO present and built from the same recipe and guest,
# it only prints the paths. TURTLES_REBUILD=1 forces a rebuild.
#
# build-cd.sh --kvm-guest DEPTH [--append CMDLINE]: the same for the KVM host guest of
# build-kvm-guest.sh --depth DEPTH (for emulators without direct kernel boot, such as Bochs in
# bench/nested.sh), one menu entry with CMDLINE (default `console=ttyS0 panic=-1`).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
check_cache_dir

KVM_DEPTH=
APPEND="console=ttyS0 panic=-1"
while [ $# -gt 0 ]; do
    case $1 in
    --kvm-guest) [ $# -ge 2 ] || die "--kvm-guest needs a depth"; KVM_DEPTH=$2; shift 2 ;;
    --append) [ $# -ge 2 ] || die "--append needs a command line"; APPEND=$2; shift 2 ;;
    *) die "unknown option '$1' (usage: build-cd.sh [--kvm-guest DEPTH [--append CMDLINE]])" ;;
    esac
done
case $APPEND in *'"'*|*'$'*|*'\'*) die "--append: no quotes, \$ or backslashes, please" ;; esac

if [ -n "$KVM_DEPTH" ]; then
    case $KVM_DEPTH in 1|2|3) ;; *) die "--kvm-guest: depth 1, 2 or 3" ;; esac
    GUEST=$("$IMAGES_SRC/build-kvm-guest.sh" --depth "$KVM_DEPTH")
    OUT="$CACHE_DIR/cd-kvm-d$KVM_DEPTH"
    ISO="$OUT/turtles-kvm-guest.iso"
else
    GUEST=$("$IMAGES_SRC/build-linux-guest.sh")
    OUT="$CACHE_DIR/cd"
    ISO="$OUT/turtles-guest.iso"
fi
KERNEL=$(sed -n 's/^KERNEL=//p' <<<"$GUEST")
INITRD=$(sed -n 's/^INITRD=//p' <<<"$GUEST")
RECIPE=$( { recipe_hash "$IMAGES_SRC/build-cd.sh" "$IMAGES_SRC/lib.sh"; echo "$APPEND"; \
            sha256sum "$KERNEL" "$INITRD" | cut -c1-64; } | sha256sum | cut -c1-16)

print_outputs() {
    printf 'ISO=%s\n' "$ISO"
    printf '%s\n' "$GUEST"
}

if [ "${TURTLES_REBUILD:-0}" != 1 ] && [ -f "$ISO" ] \
   && [ "$(cat "$OUT/recipe" 2>/dev/null)" = "$RECIPE" ]; then
    print_outputs
    exit 0
fi

ensure_pkgs grub-common grub-pc-bin xorriso
[ -d /usr/lib/grub/i386-pc ] || die "grub-pc-bin installed but /usr/lib/grub/i386-pc missing"

WORK=$(mktemp -d "$CACHE_DIR/.cd.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
T="$WORK/iso"
mkdir -p "$T/boot/grub"
install -m 0644 "$KERNEL" "$T/boot/vmlinuz"
install -m 0644 "$INITRD" "$T/boot/initrd.img"
if [ -n "$KVM_DEPTH" ]; then
    cat >"$T/boot/grub/grub.cfg" <<EOF
# turtles KVM host guest, depth $KVM_DEPTH (images/build-cd.sh --kvm-guest)
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=0
set default=0
menuentry "turtles KVM host guest, depth $KVM_DEPTH" {
    linux /boot/vmlinuz $APPEND
    initrd /boot/initrd.img
}
EOF
else
    cat >"$T/boot/grub/grub.cfg" <<'EOF'
# turtles reference guest (images/build-cd.sh)
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=0
set default=0
menuentry "turtles guest" {
    linux /boot/vmlinuz console=ttyS0 panic=-1
    initrd /boot/initrd.img
}
menuentry "turtles guest (shell)" {
    linux /boot/vmlinuz console=ttyS0 panic=-1 turtles.shell=1
    initrd /boot/initrd.img
}
EOF
fi
find "$T" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

log "grub-mkrescue -> $ISO"
# Only the i386-pc (BIOS) platform: El Torito boot image + hybrid MBR.
# Extra arguments go to xorriso (-as mkisofs): fixed file dates so that the
# same inputs give the same ISO (grub-mkrescue's own temp files are fresh).
ISODATE=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y%m%d%H%M%S00)
grub-mkrescue -d /usr/lib/grub/i386-pc -o "$WORK/out.iso" "$T" \
    --set_all_file_dates "$ISODATE" --modification-date="$ISODATE" >&2 2>"$WORK/mkrescue.log" \
    || { cat "$WORK/mkrescue.log" >&2; die "grub-mkrescue failed"; }

mkdir -p "$OUT"
mv "$WORK/out.iso" "$ISO"
printf '%s\n' "$RECIPE" >"$OUT/recipe"
log "built $ISO ($(stat -c %s "$ISO") B)"
print_outputs
