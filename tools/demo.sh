#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: install dependencies, build, boot a QEMU guest (Debian's 6.1
# kernel if installed, else the newest) and show nfav at work: a clean
# download arriving intact and an infected one blocked with the signature
# named, then the counters.  NFAV_DEMO_KVER= picks the kernel; NFAV_VERBOSE=1
# shows the whole guest console.
# Parsed whole before it runs: editing this file during a run is safe.
{
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1

tools/install-deps.sh || exit 1
echo "demo: building (make all, make modules-all)..."
make -s all >build-demo.log 2>&1 && make -s modules-all >>build-demo.log 2>&1 || {
	cat build-demo.log
	echo "demo: build failed" >&2
	exit 1
}
rm -f build-demo.log

kver=${NFAV_DEMO_KVER:-}
if [ -z "$kver" ]; then
	for img in /boot/vmlinuz-6.1.*; do
		[ -e "$img" ] && kver=${img#/boot/vmlinuz-}
	done
	[ -n "$kver" ] || kver=$(ls /boot/vmlinuz-* | sed 's|/boot/vmlinuz-||' | sort -V | tail -n 1)
fi
echo "demo: booting kernel $kver in QEMU (TCG, takes a minute)..."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
NFAV_QEMU_TIMEOUT=${NFAV_QEMU_TIMEOUT:-600} \
	selftests/qemu/run.sh "$kver" selftests/qemu/scenarios/demo.sh >"$log" 2>&1
rc=$?
if [ "${NFAV_VERBOSE:-0}" = 1 ]; then
	cat "$log"
else
	sed -n 's/^demo| \{0,1\}//p' "$log"
	grep -E '^not ok' "$log"
fi
if [ $rc = 0 ]; then
	echo "demo: done: clean file intact, infected file blocked, guest clean."
else
	echo "demo: FAILED (full console: NFAV_VERBOSE=1 make demo, or build/qemu/$kver/console.log)"
fi
exit $rc
exit
}
