#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: install dependencies, build everything (warnings are errors),
# build the module for every installed kernel, run the unit tests, the
# nfavctl tests (no kernel), the nfavd offline tests and a
# short fuzzing run, then the QEMU selftests on every installed kernel.
# Every stage's TAP "ok"/"not ok" lines are collected; a stage that fails
# or prints no TAP where it should counts as a failure.  Prints a summary per
# stage and, as the very last line, "N passed, N failed".  Exit status 0 only
# if nothing failed.
#
# Last, if the debug kernel (KASAN, lockdep, kmemleak, slub_debug; built by
# tools/debug-kernel.sh, `make check-debug`) is already built, stage "debug"
# builds nfav.ko against it and runs QEMU selftests on it.  Under TCG that
# kernel is several times slower, so `make check` runs only $DEBUG_SUBSET
# there, and only if that still fits its hour (NFAV_CHECK_BUDGET); otherwise,
# or without the kernel, the stage is one skip.  NFAV_DEBUG_TESTS="a b" (or
# "all") picks the tests and ignores the budget.  Stage "debug-kernel" builds
# that kernel (not in the default list; `make check-debug` = stages deps
# build debug-kernel debug with every test).
#
# Environment: NFAV_CHECK_STAGES="deps build modules unit cli nfavd fuzz
# selftests debug" (default: all, in that order); NFAV_DEBUG_TESTS,
# NFAV_CHECK_BUDGET; anything run-all.sh/run.sh reads.
# Parsed whole before it runs: editing this file during a run is safe.
{
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
LOGDIR=$ROOT/build/check
mkdir -p "$LOGDIR"
STAGES=${NFAV_CHECK_STAGES:-deps build modules unit cli nfavd fuzz selftests debug}
# The debug kernel's share of `make check` (the whole suite: make check-debug),
# run only if it still fits NFAV_CHECK_BUDGET (seconds since the start of
# check.sh, default 3600, 0: no limit) by DEBUG_COST's estimate.
DEBUG_SUBSET="http_infected"
DEBUG_COST=900
CHECK_T0=$(date +%s)
# What the kernels after the oldest run (NFAV_SMOKE= for everything).
SMOKE_SUBSET="hostile released http_clean http_infected http_upload http_ipv6 lifecycle ctl forwarding"
MAKEFLAGS="${MAKEFLAGS:-} -j$(nproc)"
export MAKEFLAGS

declare -A s_pass s_fail s_skip s_time
order=()
total_pass=0 total_fail=0 total_skip=0
abort=

# stage NAME MODE COMMAND...: run COMMAND, its output shown and saved.
# MODE: tap (the command must print TAP), status (check.sh turns the exit
# status into one result), both (TAP if any, and the exit status counts).
stage() {
	local name=$1 mode=$2 log=$LOGDIR/$1.log rc t0 p f s
	shift 2
	order+=("$name")
	echo "### check: stage $name: $*"
	t0=$(date +%s)
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	s_time[$name]=$(($(date +%s) - t0))
	p=$(grep -E '^ok\b' "$log" | grep -Evc '#[[:space:]]*SKIP')
	s=$(grep -E '^ok\b' "$log" | grep -Ec '#[[:space:]]*SKIP')
	f=$(grep -Ec '^not ok\b' "$log")
	case "$mode" in
	tap)
		if [ $((p + f + s)) = 0 ]; then
			echo "not ok - $name: printed no TAP results (exit $rc)" | tee -a "$log"
			f=$((f + 1))
		elif [ "$rc" != 0 ] && [ "$f" = 0 ]; then
			echo "not ok - $name: exited $rc" | tee -a "$log"
			f=$((f + 1))
		fi
		;;
	status | both)
		if [ "$rc" = 0 ]; then
			[ "$mode" = status ] || [ $((p + f + s)) = 0 ] && p=$((p + 1))
			[ "$mode" = status ] && echo "ok - $name"
		else
			echo "not ok - $name: exited $rc" | tee -a "$log"
			f=$((f + 1))
		fi
		;;
	esac
	s_pass[$name]=$p s_fail[$name]=$f s_skip[$name]=$s
	total_pass=$((total_pass + p)) total_fail=$((total_fail + f)) total_skip=$((total_skip + s))
	return "$f"
}

# Warnings are errors, whatever the sub-makefiles say.
no_warnings() {
	if grep -n 'warning:' "$LOGDIR/build.log"; then
		echo "check: the build printed warnings (treated as errors)"
		return 1
	fi
}

# Stage debug: the selftests on the cached debug kernel, if there is one.
debug_selftests() {
	local kbuild=$ROOT/build/debug-kernel kver tests direct=1
	if ! tools/debug-kernel.sh --check; then
		echo "ok 1 debug kernel selftests # SKIP no debug kernel built (make check-debug builds it)"
		return 0
	fi
	tests=${NFAV_DEBUG_TESTS:-$DEBUG_SUBSET}
	[ "$tests" = all ] && tests=
	local budget=${NFAV_CHECK_BUDGET:-3600} spent=$(($(date +%s) - CHECK_T0))
	if [ -z "${NFAV_DEBUG_TESTS:-}" ] && [ "$budget" != 0 ] &&
		[ $((spent + DEBUG_COST)) -gt "$budget" ]; then
		echo "ok 1 debug kernel selftests # SKIP $spent s spent, ~$DEBUG_COST s more would pass NFAV_CHECK_BUDGET=$budget s (NFAV_DEBUG_TESTS=$DEBUG_SUBSET runs them anyway)"
		return 0
	fi
	kver=$(cat "$kbuild/include/config/kernel.release")
	if ! selftests/qemu/build-modules.sh "$kbuild"; then
		echo "not ok 1 debug: build nfav.ko for $kver"
		return 1
	fi
	# init= takes a path without spaces; the initramfs boot works too.
	case "$ROOT" in *" "*) direct=0 ;; esac
	echo "# debug: $kver: ${tests:-every test}"
	# acpi=noirq: under KASAN and TCG the ACPI interpreter needs more than
	# its 30 s loop timeout for QEMU's _PRT, once per PCI device.
	# FETCH_TIMEOUT=120 (the guest's environment, for lib.sh's curl
	# --max-time defaults of 20/60 s): that kernel forwards a few hundred
	# KiB/s under TCG, a 5 MiB download takes longer than 20 s.
	# shellcheck disable=SC2086
	NFAV_KERNEL=$kbuild/arch/x86/boot/bzImage NFAV_DIRECT_ROOT=$direct \
		NFAV_TEST_TIMEOUT=${NFAV_TEST_TIMEOUT:-1800} \
		NFAV_QEMU_APPEND="acpi=noirq FETCH_TIMEOUT=120 ${NFAV_QEMU_APPEND:-}" \
		selftests/qemu/run-all.sh $tests
}

for st in $STAGES; do
	[ -n "$abort" ] && break
	case $st in
	deps) stage deps status tools/install-deps.sh || abort=deps ;;
	build)
		stage build status make all || abort=build
		if [ -z "$abort" ] && ! no_warnings; then
			echo "not ok - build: warnings" >>"$LOGDIR/build.log"
			s_fail[build]=$((s_fail[build] + 1)) total_fail=$((total_fail + 1))
			abort=build
		fi
		;;
	modules) stage modules status make modules-all || abort=modules ;;
	unit) stage unit tap make unit ;;
	cli) stage cli tap make -C tools check ;;
	nfavd) stage nfavd tap helper/test-nfavd.sh ;;
	fuzz)
		if grep -q '^fuzz-short:' selftests/unit/Makefile 2>/dev/null; then
			stage fuzz tap make -C selftests/unit fuzz-short
		else
			stage fuzz status sh -c 'echo "selftests/unit/Makefile has no fuzz-short target"; exit 1'
		fi
		;;
	selftests)
		# Every test on the oldest kernel, a smoke subset on the others:
		# the whole suite twice would not fit the time budget.
		stage selftests tap env NFAV_SMOKE="${NFAV_SMOKE-$SMOKE_SUBSET}" \
			selftests/qemu/run-all.sh
		;;
	debug-kernel) stage debug-kernel status tools/debug-kernel.sh || abort=debug-kernel ;;
	debug) stage debug tap debug_selftests ;;
	*) echo "check: unknown stage $st" >&2; total_fail=$((total_fail + 1)) ;;
	esac
done

echo
echo "### check: summary"
for st in "${order[@]}"; do
	printf '#   %-10s %4d passed, %3d failed, %3d skipped  (%d s, log build/check/%s.log)\n' \
		"$st" "${s_pass[$st]}" "${s_fail[$st]}" "${s_skip[$st]}" "${s_time[$st]}" "$st"
	grep -E '^not ok\b' "$LOGDIR/$st.log" | sed 's/^/#       /' | head -n 40
done
[ -n "$abort" ] && echo "#   stopped after stage $abort failed; not run: $(echo "$STAGES" | sed "s/.*$abort//")"
[ "$total_skip" = 0 ] || echo "#   $total_skip skipped"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ] && [ -z "$abort" ]
exit
}
