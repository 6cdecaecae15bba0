#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: in one QEMU guest, measure a 50 MiB HTTP download through the
# router and 200 sequential 10 KiB GETs on fresh connections (p50/p90/p99),
# without nfav and with nfav scanning (nfavd running); print the figures and
# the ratios.  TCG figures: compare the ratio, not the absolute numbers.
# NFAV_BENCH_KVER= picks the kernel (default: the newest); BENCH_RUNS and
# BENCH_GETS are not passed into the guest (edit the scenario to change them).
# Parsed whole before it runs: editing this file during a run is safe.
{
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1

tools/install-deps.sh || exit 1
make -s all >build-bench.log 2>&1 && make -s modules-all >>build-bench.log 2>&1 || {
	cat build-bench.log
	echo "bench: build failed" >&2
	exit 1
}
rm -f build-bench.log
kver=${NFAV_BENCH_KVER:-$(ls /boot/vmlinuz-* | sed 's|/boot/vmlinuz-||' | sort -V | tail -n 1)}
echo "bench: kernel $kver in QEMU (TCG); this takes a few minutes..."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
NFAV_NOLOAD=1 NFAV_QEMU_TIMEOUT=${NFAV_QEMU_TIMEOUT:-1200} NFAV_TEST_TIMEOUT=1100 \
	selftests/qemu/run.sh "$kver" selftests/qemu/scenarios/bench.sh >"$log" 2>&1
rc=$?
sed -n 's/^bench| \{0,1\}//p' "$log"
grep -E '^not ok' "$log"
[ $rc = 0 ] || echo "bench: FAILED (console: build/qemu/$kver/console.log)"
exit $rc
exit
}
