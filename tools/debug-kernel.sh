#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/debug-kernel.sh [--check | --print]
#
# Build the selftest debug kernel: Debian's linux-source-6.1 with KASAN
# (generic, inline), lockdep (PROVE_LOCKING), kmemleak, slub_debug, UBSAN
# (bounds, shift), debug objects, list/refcount/net debugging, and everything
# the QEMU guest needs built in (virtio, 9p root, netfilter, veth, bridge,
# namespaces), so it boots the host root over 9p without an initramfs
# (selftests/qemu/run.sh with NFAV_DIRECT_ROOT=1) and nfav.ko, an
# out-of-tree module, can be built against it and loaded.
#
#   build/linux-source-6.1/   the sources, unpacked from
#                             /usr/src/linux-source-6.1.tar.xz (apt-get
#                             install linux-source-6.1 if missing)
#   build/debug-kernel/       the build tree (make O=): .config,
#                             arch/x86/boot/bzImage, Module.symvers; use it as
#                             the KDIR of an out-of-tree module build
#
# Cached: when bzImage exists and was built from the same sources and the
# same configuration (this script's option list), nothing is done.  The
# build runs under `nice -n 19` (86 minutes on 2 cores shared with other
# builds and QEMU guests, less on idle cores).
#
#   --check   exit 0 if the cached kernel is complete and current, 1 if not
#             (builds nothing)
#   --print   print NFAV_KERNEL=<bzImage> and NFAV_KBUILD=<build tree> and
#             KVER=<kernel release> of the cached kernel (exit 1 if none)
#
# Environment: NFAV_DEBUG_KERNEL_JOBS (default: nproc).
# Parsed whole before it runs: editing this file during a run is safe.
{
set -eu -o pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PKG=linux-source-6.1
TARBALL=/usr/src/$PKG.tar.xz
SRC=$ROOT/build/$PKG
OUT=$ROOT/build/debug-kernel
IMAGE=$OUT/arch/x86/boot/bzImage
KEYFILE=$OUT/.nfav-debug-kernel.key
LOCALVERSION=-nfav-debug

# Options: "-e NAME" built in, "-d NAME" off, "--set-val NAME V".
# Everything the guest uses must be =y: the host's /lib/modules does not
# match this kernel.  Checked after olddefconfig: every -e must end up =y.
OPTIONS=(
	# Guest boot: virtio PCI, 9p root, serial console, devtmpfs, tmpfs.
	-e VIRTIO -e VIRTIO_MENU -e VIRTIO_PCI -e VIRTIO_PCI_LEGACY
	-e NET_9P -e NET_9P_VIRTIO -e NETWORK_FILESYSTEMS -e 9P_FS
	-e 9P_FS_POSIX_ACL
	-e SERIAL_8250 -e SERIAL_8250_CONSOLE
	-e DEVTMPFS -e TMPFS -e TMPFS_POSIX_ACL -e TMPFS_XATTR
	-e DEBUG_FS -e PROC_FS -e SYSFS -e CGROUPS -e BPF_SYSCALL
	-e BINFMT_SCRIPT -e FUTEX -e EPOLL -e SIGNALFD -e TIMERFD -e EVENTFD
	-e FHANDLE -e INOTIFY_USER -e UNIX -e PACKET -e MAGIC_SYSRQ
	# Out-of-tree nfav.ko.
	-e MODULES -e MODULE_UNLOAD -d MODULE_SIG -d MODVERSIONS
	# Networking: namespaces, veth, bridge, IPv6.
	-e NAMESPACES -e NET_NS -e USER_NS -e PID_NS -e UTS_NS -e IPC_NS
	-e NET -e INET -e IPV6 -e VETH -e BRIDGE -e TCP_CONG_CUBIC
	# Netfilter: conntrack, nf_tables (Debian's iptables is iptables-nft),
	# x_tables with the raw table and the CT target, bridge netfilter.
	-e NETFILTER -e NETFILTER_ADVANCED -e NETFILTER_NETLINK
	-e NF_CONNTRACK -e NF_DEFRAG_IPV4 -e NF_DEFRAG_IPV6 -e NF_CT_NETLINK
	-e NF_CONNTRACK_EVENTS -e NF_NAT
	-e NF_TABLES -e NF_TABLES_INET -e NF_TABLES_IPV4 -e NF_TABLES_IPV6
	-e NF_TABLES_BRIDGE -e NFT_CT -e NFT_COMPAT -e NFT_REJECT -e NFT_NAT
	-e NFT_MASQ -e NFT_LOG -e NFT_LIMIT -e NFT_FIB_INET -e NFT_FIB_IPV4
	-e NFT_FIB_IPV6
	-e NETFILTER_XTABLES -e NETFILTER_XT_TARGET_CT
	-e NETFILTER_XT_TARGET_NOTRACK -e NETFILTER_XT_TARGET_MARK
	-e NETFILTER_XT_TARGET_LOG -e NETFILTER_XT_MATCH_CONNTRACK
	-e NETFILTER_XT_MATCH_STATE -e NETFILTER_XT_MATCH_MULTIPORT
	-e NETFILTER_XT_MATCH_COMMENT -e NETFILTER_XT_MATCH_MARK
	-e NETFILTER_XT_MATCH_LIMIT -e NETFILTER_XT_MATCH_LENGTH
	-e NETFILTER_XT_MATCH_ADDRTYPE -e NETFILTER_XT_MATCH_STATISTIC
	-e IP_NF_IPTABLES -e IP_NF_RAW -e IP_NF_FILTER -e IP_NF_MANGLE
	-e IP_NF_NAT -e IP_NF_TARGET_MASQUERADE -e IP_NF_TARGET_REJECT
	-e IP6_NF_IPTABLES -e IP6_NF_RAW -e IP6_NF_FILTER -e IP6_NF_MANGLE
	-e IP6_NF_NAT -e IP6_NF_TARGET_REJECT
	-e BRIDGE_NETFILTER
	-e NET_SCHED -e NET_SCH_NETEM -e NET_SCH_TBF -e NET_SCH_FQ_CODEL
	# Debugging: KASAN, kmemleak, lockdep, slub_debug and friends.
	-e DEBUG_KERNEL -e KASAN -e KASAN_GENERIC -e KASAN_INLINE -d KASAN_OUTLINE
	-e KASAN_VMALLOC -d KFENCE
	-e DEBUG_KMEMLEAK -d DEBUG_KMEMLEAK_DEFAULT_OFF
	-d DEBUG_KMEMLEAK_AUTO_SCAN --set-val DEBUG_KMEMLEAK_MEM_POOL_SIZE 16000
	-e PROVE_LOCKING -e DEBUG_ATOMIC_SLEEP -e PROVE_RCU
	--set-val LOCKDEP_BITS 16 --set-val LOCKDEP_CHAINS_BITS 17
	--set-val LOCKDEP_STACK_TRACE_BITS 20
	--set-val LOCKDEP_STACK_TRACE_HASH_BITS 14
	--set-val LOCKDEP_CIRCULAR_QUEUE_BITS 12
	-e SLUB_DEBUG -e SLUB_DEBUG_ON
	-e DEBUG_LIST -e DEBUG_PLIST -e BUG_ON_DATA_CORRUPTION
	-e SCHED_STACK_END_CHECK -e DEBUG_NET -e NET_DEV_REFCNT_TRACKER
	-e NET_NS_REFCNT_TRACKER
	-e DEBUG_OBJECTS -e DEBUG_OBJECTS_FREE -e DEBUG_OBJECTS_TIMERS
	-e DEBUG_OBJECTS_WORK -e DEBUG_OBJECTS_RCU_HEAD
	-e UBSAN -e UBSAN_BOUNDS -e UBSAN_SHIFT -d UBSAN_BOOL -d UBSAN_ENUM
	-d UBSAN_ALIGNMENT -d UBSAN_TRAP
	-e PREEMPT -d PREEMPT_NONE -d PREEMPT_VOLUNTARY -e DEBUG_PREEMPT
	-e SOFTLOCKUP_DETECTOR -e DETECT_HUNG_TASK -e WQ_WATCHDOG
	--set-val RCU_CPU_STALL_TIMEOUT 100
	-e KALLSYMS -e KALLSYMS_ALL -e STACKTRACE
	-e DEBUG_INFO_NONE -d DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT
	-d DEBUG_INFO_DWARF4 -d DEBUG_INFO_DWARF5
	# Lean: no graphics, sound, USB, wireless, NIC drivers, NFS.
	-d DRM -d FB -d SOUND -d USB_SUPPORT -d WIRELESS -d WLAN -d CFG80211
	-d MAC80211 -d RFKILL -d AGP -d ETHERNET -d MEDIA_SUPPORT
	-d NFS_FS -d NFSD -d HAMRADIO -d INFINIBAND -d HYPERV -d XEN
	-d LOCALVERSION_AUTO --set-str LOCALVERSION "$LOCALVERSION"
)

log() { echo "debug-kernel: $*"; }
die() { echo "debug-kernel: $*" >&2; exit 1; }

# What the cached build must have been made from: the source package version
# and the option list above.
srcver() {
	dpkg-query -W -f='${Version}' "$PKG" 2>/dev/null ||
		stat -c '%s %Y' "$TARBALL" 2>/dev/null || echo unknown
}
want_key() {
	{ srcver; echo; printf '%s\n' "${OPTIONS[@]}"; } | sha256sum | cut -d' ' -f1
}
cached() {
	[ -f "$IMAGE" ] && [ -f "$OUT/Module.symvers" ] && [ -f "$KEYFILE" ] &&
		[ -f "$OUT/include/generated/utsrelease.h" ] &&
		[ "$(cat "$KEYFILE")" = "$(want_key)" ] &&
		[ "$IMAGE" -nt "$OUT/.config" ]
}
kver() { cat "$OUT/include/config/kernel.release"; }

case "${1:-}" in
--check) cached; exit ;;
--print)
	cached || die "no current debug kernel (run tools/debug-kernel.sh)"
	echo "NFAV_KERNEL=$IMAGE"
	echo "NFAV_KBUILD=$OUT"
	echo "KVER=$(kver)"
	exit 0
	;;
"") ;;
*) die "usage: debug-kernel.sh [--check | --print]" ;;
esac

mkdir -p "$ROOT/build"
# One build at a time (make check and make check-debug may overlap).
exec 9>"$ROOT/build/debug-kernel.lock"
if ! flock -n 9; then
	log "another build is running; waiting for it"
	flock 9
fi

if cached; then
	log "cached: $IMAGE ($(kver)), nothing to do"
	exit 0
fi

# Build dependencies and the sources (Debian 12).
need=()
for p in "$PKG" build-essential bc bison flex libelf-dev libssl-dev cpio xz-utils kmod; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" ||
		need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "missing packages: ${need[*]}; run as root or install them"
	log "installing ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update
	apt-get install -y --no-install-recommends "${need[@]}"
fi
[ -f "$TARBALL" ] || die "$TARBALL missing after installing $PKG"

# Unpack into build/ (never into /usr/src).  New sources: a fresh build tree,
# since the tarball's old timestamps would defeat make's dependency checks.
stamp=$SRC/.nfav-source
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$(srcver)" ]; then
	log "unpacking $TARBALL into build/"
	rm -rf "$SRC" "$OUT" "$SRC.tmp"
	mkdir -p "$SRC.tmp"
	tar -C "$SRC.tmp" -xf "$TARBALL"
	[ -f "$SRC.tmp/$PKG/Makefile" ] || die "unexpected tarball layout"
	mv "$SRC.tmp/$PKG" "$SRC"
	rmdir "$SRC.tmp"
	srcver >"$stamp"
fi

kmake() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL nice -n 19 \
		make -C "$SRC" O="$OUT" "$@"
}

t0=$(date +%s)
mkdir -p "$OUT"
rm -f "$KEYFILE"
log "configuring $OUT"
kmake -s defconfig
kmake -s kvm_guest.config
"$SRC/scripts/config" --file "$OUT/.config" "${OPTIONS[@]}"
kmake -s olddefconfig
# Nothing as a module: /lib/modules in the guest is the host's.
kmake -s mod2yesconfig

# Every option asked for must have survived olddefconfig's dependency checks.
missing=()
set -- "${OPTIONS[@]}"
while [ $# -gt 0 ]; do
	case "$1" in
	-e) grep -qx "CONFIG_$2=y" "$OUT/.config" || missing+=("$2=y"); shift 2 ;;
	-d) ! grep -q "^CONFIG_$2=" "$OUT/.config" || missing+=("$2=n"); shift 2 ;;
	--set-val | --set-str) shift 3 ;;
	*) die "bad option list entry $1" ;;
	esac
done
[ ${#missing[@]} = 0 ] || die "configuration lacks: ${missing[*]} (see $OUT/.config)"
if grep -q '^CONFIG_.*=m$' "$OUT/.config"; then
	die "still modular: $(grep '=m$' "$OUT/.config" | tr '\n' ' ')"
fi

jobs=${NFAV_DEBUG_KERNEL_JOBS:-$(nproc)}
log "building $(kmake -s kernelversion)$LOCALVERSION with -j$jobs under nice -n 19 (log: build/debug-kernel.log)"
if ! kmake -j"$jobs" all >"$ROOT/build/debug-kernel.log" 2>&1; then
	tail -n 40 "$ROOT/build/debug-kernel.log"
	die "kernel build FAILED (log: build/debug-kernel.log)"
fi
[ -f "$IMAGE" ] && [ -f "$OUT/Module.symvers" ] || die "build left no bzImage/Module.symvers"
want_key >"$KEYFILE"
log "built $IMAGE ($(kver)) in $(($(date +%s) - t0)) s"
exit 0
}
