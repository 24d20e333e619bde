#!/usr/bin/env bash
# Fetches NVIDIA's NVRTC (the CUDA C++ compiler NetDsl's GPU programs need) from Debian's non-free archive and unpacks
# it into .nvrtc/<version>/ in this repository (ignored by git), where the runtime finds it without LD_LIBRARY_PATH.
# No GPU and no driver are needed: NVRTC compiles to CUBIN for sm_80/sm_90 (ptxas runs inside it).
#
#   scripts/get-nvrtc.sh            NVRTC 12.4 (trixie's libnvrtc12 + libnvrtc-builtins12.4)
#   scripts/get-nvrtc.sh 11.8       NVRTC 11.8 (bookworm's libnvrtc11.2 + libnvrtc-builtins11.8)
#   scripts/get-nvrtc.sh all        both
#
# The machine's apt configuration is never touched: apt reads a temporary sources list and keeps its lists, cache and
# state in a temporary folder, and the packages are unpacked with dpkg -x, not installed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD/.nvrtc

fetch() { # version suite nvrtc-package builtins-package
  local version=$1 suite=$2 packages=("$3" "$4")
  if [ -e "$root/$version/.complete" ]; then echo "NVRTC $version: already in $root/$version"; return; fi
  local tmp; tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/deb"
  echo "deb http://deb.debian.org/debian $suite main non-free" > "$tmp/sources.list"
  : > "$tmp/status"
  local apt=(-o Dir::Etc::SourceList="$tmp/sources.list" -o Dir::Etc::SourceParts=/dev/null
             -o Dir::State::Lists="$tmp/lists" -o Dir::Cache="$tmp/cache" -o Dir::State::Status="$tmp/status"
             -o Debug::NoLocking=1 -o APT::Sandbox::User=root -q)
  echo "NVRTC $version: fetching ${packages[*]} from Debian $suite non-free"
  apt-get "${apt[@]}" update > "$tmp/update.log" 2>&1 || { cat "$tmp/update.log" >&2; exit 1; }
  (cd "$tmp/deb" && apt-get "${apt[@]}" download "${packages[@]}" > "$tmp/download.log" 2>&1) \
    || { cat "$tmp/download.log" >&2; exit 1; }
  rm -rf "$root/$version" "$tmp/unpacked"
  for deb in "$tmp"/deb/*.deb; do dpkg -x "$deb" "$tmp/unpacked"; done
  mkdir -p "$root/$version"
  # Keep the real files and their soname links, flat in one folder: NVRTC opens libnvrtc-builtins by soname.
  cp -a "$tmp"/unpacked/usr/lib/x86_64-linux-gnu/libnvrtc*.so* "$root/$version/"
  ls "$root/$version" > "$root/$version/.complete"
  echo "NVRTC $version: $(du -sh "$root/$version" | cut -f1) in $root/$version"
}

case "${1:-12.4}" in
  12.4) fetch 12.4 trixie libnvrtc12 libnvrtc-builtins12.4 ;;
  11.8) fetch 11.8 bookworm libnvrtc11.2 libnvrtc-builtins11.8 ;;
  all)  fetch 12.4 trixie libnvrtc12 libnvrtc-builtins12.4; fetch 11.8 bookworm libnvrtc11.2 libnvrtc-builtins11.8 ;;
  *)    echo "usage: scripts/get-nvrtc.sh [12.4|11.8|all]" >&2; exit 2 ;;
esac
