#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh KMODDIR OUTPUT
#
# Build the selftest initramfs: busybox-static, selftests/qemu/initramfs-init
# as /init, and the virtio/9p modules from KMODDIR (a /lib/modules/KVER tree)
# with their dependencies, decompressed, in load order.  Modules that are
# built in or absent are skipped, so the same initramfs works for Debian's
# modular kernels and for kernels with everything built in (KMODDIR may then
# be empty or missing).
set -eu

kmoddir=${1:?usage: mkinitramfs.sh KMODDIR OUTPUT}
output=${2:?usage: mkinitramfs.sh KMODDIR OUTPUT}
here=$(cd "$(dirname "$0")" && pwd)

busybox=
for b in /bin/busybox /usr/bin/busybox; do
	[ -x "$b" ] && { busybox=$b; break; }
done
[ -n "$busybox" ] || { echo "mkinitramfs: busybox-static not installed" >&2; exit 1; }
if ! ldd "$busybox" 2>&1 | grep -q 'not a dynamic executable'; then
	echo "mkinitramfs: $busybox is not static (install busybox-static)" >&2
	exit 1
fi

MODULES="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci
	netfs fscache 9pnet 9pnet_virtio 9p"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,sbin,dev,proc,sys,newroot,lib/modules,usr/bin,usr/sbin}
cp "$busybox" "$tmp/bin/busybox"
ln -s busybox "$tmp/bin/sh"
install -m 0755 "$here/initramfs-init" "$tmp/init"
: >"$tmp/modules.order"

# List "insmod PATH" lines of a module and its dependencies, in load order.
depends() {
	local m=$1 kver base
	kver=$(basename "$kmoddir")
	base=$(dirname "$(dirname "$(dirname "$kmoddir")")")	# strip lib/modules/KVER
	if [ -f "$kmoddir/modules.dep" ] && [ "$(basename "$(dirname "$kmoddir")")" = modules ]; then
		modprobe -d "$base" -S "$kver" --show-depends "$m" 2>/dev/null |
			sed -n 's/^insmod \([^ ]*\).*/\1/p'
	elif [ -d "$kmoddir" ]; then
		find "$kmoddir" -name "$m.ko" -o -name "$m.ko.xz" -o -name "$m.ko.zst" \
			-o -name "$m.ko.gz" | head -n 1
	fi
}

declare -A seen=()
n=0
for m in $MODULES; do
	for path in $(depends "$m"); do
		[ -n "${seen[$path]:-}" ] && continue
		seen[$path]=1
		name=$(basename "$path")
		name=${name%.xz}; name=${name%.zst}; name=${name%.gz}
		n=$((n + 1))
		dst=$(printf '%02d-%s' "$n" "$name")
		case "$path" in
		*.xz) xz -dc "$path" >"$tmp/lib/modules/$dst" ;;
		*.zst) zstd -qdc "$path" >"$tmp/lib/modules/$dst" ;;
		*.gz) gzip -dc "$path" >"$tmp/lib/modules/$dst" ;;
		*) cp "$path" "$tmp/lib/modules/$dst" ;;
		esac
		echo "$dst" >>"$tmp/modules.order"
	done
done

mkdir -p "$(dirname "$output")"
(cd "$tmp" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 | gzip -1) >"$output.tmp"
mv "$output.tmp" "$output"
echo "mkinitramfs: $output ($(tr '\n' ' ' <"$tmp/modules.order"))" >&2
