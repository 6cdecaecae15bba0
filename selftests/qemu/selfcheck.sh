#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selfcheck.sh [KVER]: prove that the QEMU harness cannot look green when it
# should not.  Boots the guest once per case (selftests/qemu/harness/) and
# checks that a passing test gives the token and exit 0, and that a failing
# result, a script dying before its plan, a kernel WARNING, a guest panic, a
# hanging test (guest timeout) and a hung guest (host timeout) each give a non-zero exit.  Prints TAP.
# Parsed whole before it runs: editing this file during a run is safe.
{
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
KVER=${1:-$(ls /boot/vmlinuz-* | sed 's|/boot/vmlinuz-||' | sort -V | tail -n 1)}
export NFAV_NO_MODULE=1
n=0 failed=0
expect() {	# expect EXIT-STATUS-ZERO? CASE [ENV...]
	local want=$1 case=$2 rc out t0
	shift 2
	t0=$(date +%s)
	out=$(env "$@" "$ROOT/selftests/qemu/run.sh" "$KVER" "selftests/qemu/harness/$case.sh" 2>&1)
	rc=$?
	n=$((n + 1))
	if { [ "$want" = pass ] && [ $rc = 0 ]; } || { [ "$want" = fail ] && [ $rc != 0 ]; }; then
		echo "ok $n harness: $case -> $want ($(($(date +%s) - t0)) s)"
	else
		failed=$((failed + 1))
		echo "not ok $n harness: $case -> expected $want, run.sh exited $rc"
		echo "$out" | grep -v '^# |' | tail -n 30 | sed 's/^/# /'
	fi
	echo "$out" | grep -E '^not ok|no success token' | sed 's/^/#   /'
}
echo "TAP version 13"
expect pass pass
expect fail fail
expect fail die
expect fail warn
expect fail panic
expect fail hang NFAV_TEST_TIMEOUT=20
expect fail hang NFAV_TEST_TIMEOUT=10000 NFAV_QEMU_TIMEOUT=90
echo "1..$n"
[ $failed = 0 ]
exit
}
