#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build nfav.ko for every installed Debian kernel (or for the build trees
# given on the command line).
#
#   selftests/qemu/build-modules.sh            every /usr/src/linux-headers-*-amd64
#   selftests/qemu/build-modules.sh DIR...     these kernel build trees
#   NFAV_KBUILD=DIR selftests/qemu/build-modules.sh   same, one tree
#
# For a build tree whose kernel release is KVER the sources (kmod/ and uapi/,
# plus a top-level Kbuild if there is one) are copied to build/KVER/ and built
# there with `make -C DIR M=build/KVER/kmod modules`, so every kernel gets its
# own objects and the source tree stays clean.  Result:
#
#   build/KVER/kmod/nfav.ko        (log: build/KVER/build.log)
#
# Warnings are errors: the script fails if a build log contains "warning:"
# (compiler, linker) or "WARNING:" (modpost).
# Parsed whole before it runs: editing this file during a run is safe.
{
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1

if [ $# -gt 0 ]; then
	trees=("$@")
elif [ -n "${NFAV_KBUILD:-}" ]; then
	trees=("$NFAV_KBUILD")
else
	mapfile -t trees < <(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V)
fi
if [ ${#trees[@]} -eq 0 ]; then
	echo "build-modules: no kernel build tree found (install linux-headers-amd64)" >&2
	exit 1
fi
if [ ! -f kmod/Kbuild ] && [ ! -f kmod/Makefile ]; then
	echo "build-modules: kmod/ has no Kbuild or Makefile: nothing to build" >&2
	exit 1
fi

# Kernel release of a build tree.
kver_of() {
	local d=$1 v
	v=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' \
		"$d/include/generated/utsrelease.h" 2>/dev/null)
	[ -n "$v" ] || v=$(cat "$d/include/config/kernel.release" 2>/dev/null)
	[ -n "$v" ] || v=$(basename "$d" | sed 's/^linux-headers-//')
	echo "$v"
}

fail=0
for kdir in "${trees[@]}"; do
	kver=$(kver_of "$kdir")
	out=build/$kver
	echo "build-modules: $kver ($kdir) -> $out/kmod/nfav.ko"
	rm -rf "$out/kmod" "$out/uapi"
	mkdir -p "$out"
	cp -a kmod uapi "$out/"
	[ -f Kbuild ] && cp -a Kbuild "$out/"
	# Objects a developer left in kmod/ must not leak into this build.
	find "$out/kmod" \( -name '*.o' -o -name '*.ko' -o -name '*.mod' \
		-o -name '*.mod.c' -o -name '.*.cmd' -o -name 'modules.order' \
		-o -name 'Module.symvers' \) -delete
	log=$out/build.log
	# Our own -j: a jobserver inherited through this script would not work.
	if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -j"$(nproc)" -C "$kdir" \
		M="$ROOT/$out/kmod" modules >"$log" 2>&1; then
		cat "$log"
		echo "build-modules: $kver: build FAILED (log: $log)" >&2
		fail=1
		continue
	fi
	# Compiler, linker and modpost warnings (not make's own messages).
	if grep -v '^make\(\[[0-9]*\]\)\{0,1\}: ' "$log" | grep -q 'warning:\|^WARNING:'; then
		grep -v '^make\(\[[0-9]*\]\)\{0,1\}: ' "$log" | grep -B2 -A4 'warning:\|^WARNING:'
		echo "build-modules: $kver: build has warnings (log: $log)" >&2
		fail=1
		continue
	fi
	ko=$(find "$out/kmod" -name nfav.ko | head -n 1)
	if [ "$ko" != "$out/kmod/nfav.ko" ]; then
		echo "build-modules: $kver: no $out/kmod/nfav.ko produced (found: ${ko:-none})" >&2
		fail=1
		continue
	fi
	echo "build-modules: $kver: ok"
done
exit $fail
exit
}
