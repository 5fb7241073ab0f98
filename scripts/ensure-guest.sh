#!/usr/bin/env bash
# Builds Pinscope's test guest, once, into a cache folder outside the repository:
# Debian's 6.12 kernel and busybox-static (apt-get download + dpkg -x, nothing is
# installed from them), the netfs/9p modules decompressed, an initramfs whose
# /init (scripts/guest/init) mounts tracefs and the shares and runs the payload.
# Installs the host tools it needs (qemu-system-x86, cpio, kmod, xz-utils) when
# missing. Prints the guest's folder (vmlinuz, initramfs.cpio.gz, release).
# PINSCOPE_GUEST_KERNEL picks a kernel package version (default: the newest 6.12).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cache="${PINSCOPE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pinscope}"
dest="$cache/guest"
init="$here/guest/init"
# The cached guest is rebuilt when the init script changes.
stamp="$(cat "$init" "$0" | sha256sum | cut -c1-16)"
if [ -f "$dest/.complete" ] && [ "$(cat "$dest/.complete")" = "$stamp" ]; then
  echo "$dest"
  exit 0
fi

say() { echo "pinscope guest: $*" >&2; }

missing=()
command -v qemu-system-x86_64 >/dev/null 2>&1 || missing+=(qemu-system-x86)
command -v cpio >/dev/null 2>&1 || missing+=(cpio)
command -v depmod >/dev/null 2>&1 || [ -x /usr/sbin/depmod ] || [ -x /sbin/depmod ] || missing+=(kmod)
command -v xz >/dev/null 2>&1 || missing+=(xz-utils)
apt_updated=
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    say "missing Debian packages: ${missing[*]} (run as root, or apt-get install ${missing[*]})"
    exit 1
  fi
  say "installing ${missing[*]}"
  apt-get update -qq && apt_updated=1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
PATH="$PATH:/usr/sbin:/sbin"

pick_kernel() {
  if [ -n "${PINSCOPE_GUEST_KERNEL:-}" ]; then echo "linux-image-$PINSCOPE_GUEST_KERNEL-amd64-unsigned"; return; fi
  apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' | cut -d' ' -f1 | sort -V | tail -n1
}
kernel_pkg="$(pick_kernel)"
if [ -z "$kernel_pkg" ] && [ -z "$apt_updated" ] && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && apt_updated=1
  kernel_pkg="$(pick_kernel)"
fi
if [ -z "$kernel_pkg" ]; then
  say "no linux-image-6.12.*+deb12-amd64-unsigned package is known to apt (apt-get update?)"
  exit 1
fi

work="$cache/guest.build"
rm -rf "$work"
mkdir -p "$work/debs" "$work/unpacked" "$work/root"
say "downloading $kernel_pkg, busybox-static and dropbear (once; about 110 MB)"
# dropbear (and the libraries it links) lets a test reach the guest over SSH.
ssh_pkgs=(dropbear-bin libtomcrypt1 libtommath1 libgmp10 libcrypt1 zlib1g libc6)
(cd "$work/debs" && apt-get download -qq -o APT::Sandbox::User=root "$kernel_pkg" busybox-static "${ssh_pkgs[@]}" >/dev/null)
for deb in "$work"/debs/*.deb; do dpkg -x "$deb" "$work/unpacked"; done

release="$(basename "$(ls -d "$work"/unpacked/lib/modules/*/ | head -n1)")"
depmod -b "$work/unpacked" "$release"
root="$work/root"
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,mnt,lib/modules}
cp "$work/unpacked/bin/busybox" "$root/bin/busybox"
# Every applet as a link, so the guest's sh has dd, mkfifo, sleep, …
for applet in $("$root/bin/busybox" --list); do
  [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done

u="$work/unpacked"
mkdir -p "$root"/{usr/sbin,lib/x86_64-linux-gnu,usr/lib/x86_64-linux-gnu,lib64,etc,root}
cp "$u/usr/sbin/dropbear" "$root/usr/sbin/"
cp -a "$u"/lib/x86_64-linux-gnu/{libc.so.6,ld-linux-x86-64.so.2,libcrypt.so.1*,libz.so.1*} "$root/lib/x86_64-linux-gnu/"
cp -a "$u"/usr/lib/x86_64-linux-gnu/{libtomcrypt.so.1*,libtommath.so.1*,libgmp.so.10*} "$root/usr/lib/x86_64-linux-gnu/"
cp -a "$u/lib64/ld-linux-x86-64.so.2" "$root/lib64/"
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
echo 'root:x:0:' > "$root/etc/group"
echo /bin/sh > "$root/etc/shells"

# The closure of 9p, 9pnet_virtio and virtio_net, in load order (modules.dep lists a module's
# dependencies with the last-needed first, so they load in reverse).
modules="$root/lib/modules"
: > "$modules/load-order"
for want in 9p 9pnet_virtio virtio_net; do
  line="$(grep -E "/$want\.ko(\.xz)?:" "$work/unpacked/lib/modules/$release/modules.dep")"
  deps="${line#*:}"
  for dep in $(echo "$deps" | tr ' ' '\n' | tac) "${line%%:*}"; do
    name="$(basename "$dep")"; name="${name%.xz}"
    grep -qx "$name" "$modules/load-order" && continue
    xz -dc "$work/unpacked/lib/modules/$release/$dep" > "$modules/$name"
    echo "$name" >> "$modules/load-order"
  done
done
grep -qx netfs.ko "$modules/load-order" || { say "netfs.ko is not in the closure of 9p (modules.dep changed?)"; exit 1; }
install -m 0755 "$init" "$root/init"
echo "$release" > "$root/release"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/initramfs.cpio.gz"

rm -rf "$dest"
mkdir -p "$dest"
cp "$work"/unpacked/boot/vmlinuz-* "$dest/vmlinuz"
mv "$work/initramfs.cpio.gz" "$dest/initramfs.cpio.gz"
echo "$release" > "$dest/release"
echo "$kernel_pkg" > "$dest/package"
rm -rf "$work"
echo "$stamp" > "$dest/.complete"
say "guest ready in $dest (kernel $release)"
echo "$dest"
