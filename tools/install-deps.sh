#!/bin/sh
# Install everything nfav needs to build, test and demo on Debian 12.
# Idempotent: packages already present are not downloaded again.
set -e

PKGS="build-essential make gcc clang llvm sparse pkg-config kmod cpio \
linux-image-amd64 linux-headers-amd64 linux-image-6.12-amd64 linux-headers-6.12-amd64 \
qemu-system-x86 busybox-static iproute2 iptables nftables \
libclamav-dev clamav clamav-testfiles zlib1g-dev libbrotli-dev libzstd-dev brotli zstd \
libnl-3-dev libnl-genl-3-dev libcmocka-dev \
curl jq python3 python3-pyftpdlib"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done

if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing; run as root" >&2
	exit 1
fi

echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends $missing
