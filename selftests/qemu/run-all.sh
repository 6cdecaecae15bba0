#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-all.sh [TEST...]: run the selftests in QEMU on every installed Debian
# kernel that has both an image (/boot/vmlinuz-KVER) and headers
# (/usr/src/linux-headers-KVER), one guest per kernel, one after the other.
# NFAV_KVERS="v1 v2" picks the kernels; with NFAV_KERNEL= (a custom bzImage,
# see run.sh) only that kernel runs.  NFAV_SMOKE="test..." (no TEST
# arguments given): the first (oldest) kernel runs every test, the others
# only these (make check uses it to stay within its time budget).  Exits
# non-zero if any guest failed.
# Parsed whole before it runs: editing this file during a run is safe.
{
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

if [ -n "${NFAV_KERNEL:-}" ]; then
	kvers=("")
elif [ -n "${NFAV_KVERS:-}" ]; then
	read -ra kvers <<<"$NFAV_KVERS"
else
	kvers=()
	for img in /boot/vmlinuz-*; do
		[ -e "$img" ] || continue
		k=${img#/boot/vmlinuz-}
		[ -d "/usr/src/linux-headers-$k" ] && kvers+=("$k")
	done
	mapfile -t kvers < <(printf '%s\n' "${kvers[@]}" | sort -V)
fi
if [ ${#kvers[@]} -eq 0 ]; then
	echo "not ok 1 run-all: no kernel with both /boot/vmlinuz-KVER and headers"
	exit 1
fi

fail=0
summary=()
first=1
for k in "${kvers[@]}"; do
	t0=$(date +%s)
	tests=("$@")
	if [ $# = 0 ] && [ -n "${NFAV_SMOKE:-}" ] && [ $first = 0 ]; then
		read -ra tests <<<"$NFAV_SMOKE"
		echo "# run-all: $k: smoke subset: ${tests[*]}"
	fi
	first=0
	if [ -n "$k" ]; then
		"$ROOT/selftests/qemu/run.sh" "$k" "${tests[@]}"
	else
		"$ROOT/selftests/qemu/run.sh" "${tests[@]}"
	fi
	rc=$?
	[ $rc = 0 ] || fail=1
	summary+=("${k:-$NFAV_KERNEL}: $([ $rc = 0 ] && echo PASS || echo FAIL) in $(($(date +%s) - t0)) s")
done
printf '# run-all: %s\n' "${summary[@]}"
exit $fail
exit
}
