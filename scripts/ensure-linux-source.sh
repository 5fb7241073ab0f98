#!/usr/bin/env bash
# Installs Debian's linux-source-VERSION package and unpacks it into a cache
# folder outside the repository (kernel sources are never committed).
# Usage: ensure-linux-source.sh 6.12   -> prints the unpacked tree's folder.
set -euo pipefail

version="$1"
cache="${PINSCOPE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pinscope}"
dest="$cache/linux-source-$version"
if [ -f "$dest/.complete" ]; then
  echo "$dest/linux-source-$version"
  exit 0
fi
tarball="/usr/src/linux-source-$version.tar.xz"
if [ ! -f "$tarball" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "pinscope: linux-source-$version is not installed (run as root, or apt-get install linux-source-$version)" >&2
    exit 1
  fi
  echo "pinscope: installing Debian's linux-source-$version (about 150 MB, once)" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "linux-source-$version" >/dev/null
fi
rm -rf "$dest"
mkdir -p "$dest"
echo "pinscope: unpacking $tarball into $dest" >&2
tar -xJf "$tarball" -C "$dest"
touch "$dest/.complete"
echo "$dest/linux-source-$version"
