#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [KVER] [TEST...]
#
# Boot KVER's kernel in QEMU (TCG) with the host root shared read-only over
# 9p and the project shared over a second 9p export (mounted at /run/nfav in
# the guest), load build/KVER/kmod/nfav.ko and run the selftests (default:
# every selftests/net/*.sh; a TEST is a name in selftests/net/ or a path
# relative to the project root).  The guest prints TAP on the console; the run
# succeeds only if the guest wrote the success token to its second serial
# port.  See selftests/README.md.
#
# Environment:
#   NFAV_KERNEL=bzImage      kernel to boot (default /boot/vmlinuz-KVER);
#                            without KVER, KVER is the image's release
#   NFAV_KMODDIR=dir         its module tree (default /lib/modules/KVER)
#   NFAV_MODULE=path         nfav.ko (default build/KVER/kmod/nfav.ko)
#   NFAVD=path, NFAVCTL=path  other daemon/CLI builds (default helper/nfavd,
#                            tools/nfavctl), project-relative or absolute
#   NFAV_NO_MODULE=1         a missing nfav.ko is not an error (harness checks)
#   NFAV_NOLOAD=1            the guest does not insmod nfav (the test does)
#   NFAV_DIRECT_ROOT=1       no initramfs: root=root rootfstype=9p (kernels
#                            with virtio and 9p built in)
#   NFAV_QEMU_SHELL=1|after  interactive shell on the console before/after
#                            the tests (no timeout)
#   NFAV_QEMU_TIMEOUT=secs   whole guest (default 600 + NFAV_TEST_TIMEOUT
#                            per test script)
#   NFAV_TEST_TIMEOUT=secs   one test script (default 300)
#   NFAV_QEMU_MEM, NFAV_QEMU_SMP   default 2G, 2
#   NFAV_QEMU_APPEND         extra kernel command line
#   NFAV_TRACE=1             the test scripts trace their commands (set -x)
#   NFAV_QEMU_LOG=file       console log (default build/qemu/KVER/console.log)
# Parsed whole before it runs: editing this file during a run is safe.
{
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
QEMU_DIR=$ROOT/selftests/qemu

KVER=
if [ $# -gt 0 ] && [[ "$1" != */* ]] && [ ! -e "$ROOT/selftests/net/${1%.sh}.sh" ]; then
	KVER=$1
	shift
fi
# Kernel release of a bzImage (the setup header's kernel_version string).
image_kver() {
	local off
	[ "$(dd if="$1" bs=1 skip=514 count=4 2>/dev/null)" = HdrS ] || return 1
	off=$(od -An -tu2 -j526 -N2 "$1" | tr -d ' ')
	[ -n "$off" ] && [ "$off" -gt 0 ] || return 1
	dd if="$1" bs=1 skip=$((off + 512)) count=200 2>/dev/null |
		tr '\0' '\n' | head -n 1 | awk '{print $1}'
}
if [ -z "$KVER" ]; then
	if [ -n "${NFAV_KMODDIR:-}" ]; then
		KVER=$(basename "$NFAV_KMODDIR")
	elif [ -n "${NFAV_KERNEL:-}" ] && KVER=$(image_kver "$NFAV_KERNEL") && [ -n "$KVER" ]; then
		:
	else
		KVER=$(ls /boot/vmlinuz-* 2>/dev/null | sed 's|/boot/vmlinuz-||' | sort -V | tail -n 1)
	fi
fi
KERNEL=${NFAV_KERNEL:-/boot/vmlinuz-$KVER}
KMODDIR=${NFAV_KMODDIR:-/lib/modules/$KVER}
if [ ! -r "$KERNEL" ]; then
	echo "run.sh: no kernel image $KERNEL (set NFAV_KERNEL=)" >&2
	echo "not ok 1 qemu $KVER: no kernel image"
	exit 1
fi

if [ $# -gt 0 ]; then
	tests=("$@")
else
	tests=()
	for t in "$ROOT"/selftests/net/*.sh; do
		tests+=("$(basename "$t" .sh)")
	done
fi
testlist=$(IFS=,; echo "${tests[*]}")

outdir=$ROOT/build/qemu/$KVER
mkdir -p "$outdir"
log=${NFAV_QEMU_LOG:-$outdir/console.log}
result=$(mktemp "${TMPDIR:-/tmp}/nfav-result.XXXXXX")
trap 'rm -f "$result"' EXIT
token=$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')

append="console=ttyS0 panic_on_warn=1 panic=-1 oops=panic loglevel=5"
append+=" mitigations=off nfav_tests=$testlist nfav_token=$token"
append+=" nfav_timeout=${NFAV_TEST_TIMEOUT:-300}"
# The guest loads a copy, so rebuilding during a run cannot affect it.
ko=${NFAV_MODULE:-$ROOT/build/$KVER/kmod/nfav.ko}
rm -f "$outdir/nfav.ko"
if [ -f "$ko" ]; then
	cp "$ko" "$outdir/nfav.ko"
	append+=" nfav_module=build/qemu/$KVER/nfav.ko"
else
	m=$(realpath -m "$ko")
	case "$m" in "$ROOT"/*) m=${m#"$ROOT"/} ;; esac
	append+=" nfav_module=$m"
fi
# Other builds of the daemon and CLI (e.g. with sanitizers), project-relative.
for v in NFAVD NFAVCTL; do
	[ -n "${!v:-}" ] || continue
	p=$(realpath -m "${!v}")
	case "$p" in "$ROOT"/*) p=${p#"$ROOT"/} ;; esac
	append+=" nfav_$(echo "$v" | tr A-Z a-z)=$p"
done
[ "${NFAV_NO_MODULE:-0}" = 1 ] && append+=" nfav_optional=1"
[ "${NFAV_NOLOAD:-0}" = 1 ] && append+=" nfav_noload=1"
[ "${NFAV_TRACE:-0}" = 1 ] && append+=" nfav_trace=1"
[ -n "${NFAV_QEMU_SHELL:-}" ] && [ "${NFAV_QEMU_SHELL}" != 0 ] &&
	append+=" nfav_shell=$NFAV_QEMU_SHELL"
[ -n "${NFAV_KMODDIR:-}" ] && append+=" nfav_kmoddir=$(realpath "$KMODDIR")"

initrd=()
if [ "${NFAV_DIRECT_ROOT:-0}" = 1 ]; then
	append+=" root=root rootfstype=9p ro"
	append+=" rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=loose"
	append+=" init=$QEMU_DIR/guest-init.sh"
else
	"$QEMU_DIR/mkinitramfs.sh" "$KMODDIR" "$outdir/initramfs.cpio.gz" || {
		echo "not ok 1 qemu $KVER: cannot build the initramfs"
		exit 1
	}
	initrd=(-initrd "$outdir/initramfs.cpio.gz")
fi
append+=" ${NFAV_QEMU_APPEND:-}"

qemu=(qemu-system-x86_64 -accel tcg -cpu "${NFAV_QEMU_CPU:-max}"
	-m "${NFAV_QEMU_MEM:-2G}" -smp "${NFAV_QEMU_SMP:-2}"
	-nodefaults -display none -monitor none
	-serial stdio -serial "file:$result" -no-reboot
	-virtfs "local,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap"
	-virtfs "local,path=$ROOT,mount_tag=nfav,security_model=none,readonly=on,multidevs=remap"
	-kernel "$KERNEL" "${initrd[@]}" -append "$append")

echo "# qemu: $KVER: ${tests[*]}"
t0=$(date +%s)
if [ -n "${NFAV_QEMU_SHELL:-}" ] && [ "${NFAV_QEMU_SHELL}" != 0 ]; then
	"${qemu[@]}"
	rc=$?
else
	tmo=${NFAV_QEMU_TIMEOUT:-$((600 + ${NFAV_TEST_TIMEOUT:-300} * ${#tests[@]}))}
	timeout -k 10 "$tmo" "${qemu[@]}" </dev/null 2>&1 | sed -u 's/\r$//' | tee "$log"
	rc=${PIPESTATUS[0]}
fi
t1=$(date +%s)
echo "# qemu: $KVER: guest ran $((t1 - t0)) s (qemu exit $rc)"

if grep -qx "NFAV-SELFTESTS-OK $token" <(tr -d '\r' <"$result"); then
	echo "# qemu: $KVER: success token present"
	exit 0
fi
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	why="guest timed out after ${tmo}s"
elif grep -q 'Kernel panic' "$log" 2>/dev/null; then
	why="guest kernel panic: $(grep -m1 -o 'Kernel panic.*' "$log")"
elif grep -q '^# guest: FAILURE' "$log" 2>/dev/null; then
	why="tests failed"
else
	why="guest died (qemu exit $rc)"
fi
echo "not ok 1 qemu $KVER: no success token: $why"
exit 1
exit
}
