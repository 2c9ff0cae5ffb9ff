# shellcheck shell=bash
# Shared helpers for the images/ scripts. Source it; do not run it.
#
# Everything built lives in the cache, never in the repository:
#   ${TURTLES_IMAGES:-${TURTLES_CACHE:-$HOME/.cache/turtles}/images}
# stdout of the build scripts carries only KEY=VALUE lines; all logging goes
# to stderr so callers can `eval "$(images/build-linux-guest.sh)"`.

set -euo pipefail

IMAGES_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE_DIR=${TURTLES_IMAGES:-${TURTLES_CACHE:-${HOME:-/root}/.cache/turtles}/images}
# Reproducible timestamps for files we write into the cpio / ISO.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}

log() { printf '[images] %s\n' "$*" >&2; }
die() { printf '[images] error: %s\n' "$*" >&2; exit 1; }

# Refuse a cache inside the repository (built images must never be committed).
check_cache_dir() {
    local repo real
    repo=$(cd "$IMAGES_SRC/.." && pwd -P)
    real=$(realpath -m "$CACHE_DIR")
    case "$real/" in
        "$repo"/*) die "cache dir $real is inside the repository $repo; set TURTLES_CACHE elsewhere" ;;
    esac
    mkdir -p "$real"
    CACHE_DIR=$(cd "$real" && pwd -P)
}

# Run a command as root: directly when root (CI), through sudo otherwise.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else die "need root for: $* (no sudo)"; fi
}

APT_UPDATED=0
apt_update_once() {
    [ "$APT_UPDATED" -eq 1 ] && return 0
    log "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    APT_UPDATED=1
}

# Candidate version of a package, updating the lists once if apt knows none.
apt_candidate() {
    local v
    v=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}')
    if [ -z "$v" ] || [ "$v" = "(none)" ]; then
        apt_update_once
        v=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}')
    fi
    if [ -z "$v" ] || [ "$v" = "(none)" ]; then die "apt knows no package $1"; fi
    printf '%s\n' "$v"
}

# Install host tools (packages given) unless every one is already installed.
ensure_pkgs() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
            || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing host packages: ${missing[*]}"
    apt_update_once
    as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# apt-get download as root into a directory _apt cannot read would warn.
apt_download() {
    if [ "$(id -u)" -eq 0 ]; then apt-get -o APT::Sandbox::User=root download -q "$@"
    else apt-get download -q "$@"; fi
}

# fetch_extract PKG VERSION [PRUNE...] -> prints the directory holding the
# extracted package (dpkg -x, nothing installed), minus the PRUNE paths
# (relative to the package root) and the .deb itself. Cached under
# $CACHE_DIR/debs.
fetch_extract() {
    local pkg=$1 ver=$2 dir deb tmp p
    shift 2
    dir="$CACHE_DIR/debs/${pkg}_${ver//:/%3a}"
    if [ -f "$dir/.extracted" ]; then printf '%s\n' "$dir/root"; return 0; fi
    tmp=$(mktemp -d "$CACHE_DIR/.dl.XXXXXX")
    log "apt-get download $pkg=$ver"
    (cd "$tmp" && apt_download "$pkg=$ver" >&2) \
        || { apt_update_once; (cd "$tmp" && apt_download "$pkg=$ver" >&2); }
    deb=$(ls "$tmp"/*.deb)
    rm -rf "$dir"; mkdir -p "$dir"
    dpkg-deb -x "$deb" "$dir/root"
    rm -rf "$tmp"
    for p in "$@"; do rm -rf "${dir:?}/root/$p"; done
    touch "$dir/.extracted"
    printf '%s\n' "$dir/root"
}

# Hash of the given files (used as the recipe key of a build).
recipe_hash() { cat "$@" | sha256sum | cut -c1-16; }
