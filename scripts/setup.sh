#!/usr/bin/env bash
# Installs what turtles needs from Debian's packages (only the missing ones) and builds it.
# Usage: scripts/setup.sh [BUILD_DIR]      (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."

# libsdl2-dev gives the display window (-display sdl); the build also works without it.
PKGS=(gcc meson ninja-build pkg-config libcapstone-dev zlib1g-dev check nasm seabios libsdl2-dev)
missing=()
for p in "${PKGS[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

build=${1:-build}
if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" --buildtype=release ${TURTLES_WERROR:+--werror} >/dev/null
fi
ninja -C "$build" >/dev/null
echo "setup: built $build/turtles"
