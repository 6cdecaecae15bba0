#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Init of the nfav selftest guest (PID 1), run from the project export after
# switch_root into the host root (mounted read-only over 9p).  It can also be
# the kernel's init= directly (root=root rootfstype=9p): it then mounts the
# project itself and re-executes from there.
#
# Kernel command line parameters it reads:
#   nfav_tests=a,b,c    tests: names in selftests/net/ (".sh" optional) or
#                       paths relative to the project root
#   nfav_module=PATH    nfav.ko, relative to the project root or absolute
#                       (default build/$(uname -r)/kmod/nfav.ko)
#   nfav_noload=1       do not insmod nfav before the tests (they do it)
#   nfav_optional=1     a missing nfav.ko is not a failure (harness checks)
#   nfav_kmoddir=PATH   host module tree to use as /lib/modules/$(uname -r)
#   nfav_timeout=SECS   per test script (default 300)
#   nfav_shell=1|after  shell on the console before (1) or after the tests
#   nfav_token=NONCE    written to /dev/ttyS1 with the success token
#   nfav_nfavd=PATH, nfav_nfavctl=PATH   other daemon/CLI builds
#   nfav_trace=1        tests trace their commands (set -x, timestamps)
#
# Success: "NFAV-SELFTESTS-OK NONCE" is written to /dev/ttyS1 only if every
# script ran to its plan without a "not ok", the kernel log has no warning,
# oops, BUG, leak or stall, and nfav (if loaded) unloads cleanly.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=${TERM:-linux}
NFAV=/run/nfav
SELF=$NFAV/selftests/qemu/guest-init.sh

poweroff_now() {
	sync
	echo o >/proc/sysrq-trigger 2>/dev/null
	busybox poweroff -f 2>/dev/null
	sleep 30
}

# Direct boot (root=root rootfstype=9p init=<host path of this file>):
# mount what the initramfs would have mounted and re-exec from the export.
if [ "$0" != "$SELF" ]; then
	mount -t proc proc /proc
	mount -t tmpfs -o mode=0755 run /run
	mkdir -p $NFAV
	if ! mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=512000,cache=loose nfav $NFAV; then
		echo "guest-init: cannot mount the project export (9p tag nfav)"
		poweroff_now
	fi
	umount /proc
	exec "$SELF" "$@"
fi

mountpoint -q /proc || mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777 shm /dev/shm
for d in /tmp /var/tmp; do mount -t tmpfs -o mode=1777 tmpfs $d; done
for d in /var/log /var/lib/clamav /var/cache /root /home /mnt /media; do
	[ -d $d ] && mount -t tmpfs -o mode=0755 tmpfs $d
done
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
mount -t bpf bpf /sys/fs/bpf 2>/dev/null
ln -sf /proc/self/fd /dev/fd 2>/dev/null
hostname nfav-guest
ip link set lo up
echo 1 >/proc/sys/kernel/printk_devkmsg 2>/dev/null
sysctl -qw kernel.hung_task_timeout_secs=60 2>/dev/null
sysctl -qw kernel.panic_on_oops=1 2>/dev/null

cmdline=$(cat /proc/cmdline)
param() {
	local w
	for w in $cmdline; do
		case "$w" in "$1="*) echo "${w#*=}"; return 0 ;; esac
	done
	return 1
}
TESTS=$(param nfav_tests | tr , ' ')
MODULE=$(param nfav_module || echo "build/$(uname -r)/kmod/nfav.ko")
case "$MODULE" in /*) ;; *) MODULE=$NFAV/$MODULE ;; esac
NOLOAD=$(param nfav_noload || echo 0)
OPTIONAL=$(param nfav_optional || echo 0)
TIMEOUT=$(param nfav_timeout || echo 300)
SHELLMODE=$(param nfav_shell || echo 0)
TOKEN=$(param nfav_token || echo none)
KMODDIR=$(param nfav_kmoddir || true)
NFAV_TRACE=$(param nfav_trace || echo 0)
for v in nfavd nfavctl; do
	p=$(param nfav_$v) || continue
	case "$p" in /*) ;; *) p=$NFAV/$p ;; esac
	export "$(echo $v | tr a-z A-Z)=$p"
done
export NFAV_DIR=$NFAV NFAV_MODULE=$MODULE NFAV_OPTIONAL=$OPTIONAL NFAV_TRACE

if [ -n "$KMODDIR" ] && [ ! -d "/lib/modules/$(uname -r)" ]; then
	mount -t tmpfs -o mode=0755 modules /lib/modules
	mkdir -p "/lib/modules/$(uname -r)"
	mount --bind "$KMODDIR" "/lib/modules/$(uname -r)"
fi

start=$(date +%s)
echo "# nfav guest: kernel $(uname -r), $(nproc) cpus, $(awk '/MemTotal/ {print $2 " kB"}' /proc/meminfo)"

fail=0
guest_n=0
gok() { guest_n=$((guest_n + 1)); echo "ok $guest_n guest: $*"; }
gnotok() { guest_n=$((guest_n + 1)); echo "not ok $guest_n guest: $*"; fail=1; }

# Kernel log problems (lockdep, KASAN, UBSAN, kmemleak, hung tasks, stalls).
KMSG_BAD='WARNING:|BUG:|Oops|kmemleak|KASAN|UBSAN|Call Trace|general protection|INFO: task .* blocked|rcu.*stall|refcount_t|list_(add|del) corruption|Kernel panic|unreferenced object|nfav.*(leak|still held)'
# Benign lines of debug kernels that the patterns above would catch.
KMSG_OK='kmemleak: (Kernel memory leak detector initialized|Automatic memory scanning thread (started|ended))'
kmsg_all=/tmp/nfav-kmsg.log
: >$kmsg_all
# Append the new kernel messages to the log; fail if they show a problem.
kmsg_check() {
	local chunk=/tmp/nfav-kmsg.chunk
	dmesg --read-clear >$chunk 2>/dev/null || dmesg -c >$chunk
	cat $chunk >>$kmsg_all
	if grep -Ev "$KMSG_OK" $chunk | grep -Eq "$KMSG_BAD"; then
		echo "# kernel log problems ($1):"
		grep -Ev "$KMSG_OK" $chunk | grep -E -B5 -A30 "$KMSG_BAD" | sed 's/^/#   /' | head -n 200
		gnotok "kernel log clean after $1"
		return 1
	fi
	return 0
}

module_loaded() { [ -d /sys/module/nfav ]; }

load_module() {
	local d
	for d in nf_conntrack nf_defrag_ipv4 nf_defrag_ipv6 \
		$(modinfo -F depends "$MODULE" 2>/dev/null | tr , ' '); do
		modprobe "$d" 2>/dev/null || [ -d "/sys/module/$d" ] ||
			echo "# modprobe $d failed"
	done
	insmod "$MODULE"
}

if [ "$NOLOAD" != 1 ]; then
	if [ -f "$MODULE" ]; then
		if load_module; then
			gok "insmod ${MODULE#$NFAV/}"
		else
			gnotok "insmod ${MODULE#$NFAV/}"
		fi
	elif [ "$OPTIONAL" = 1 ]; then
		echo "# ${MODULE#$NFAV/} not built: running without nfav (nfav_optional=1)"
	else
		gnotok "${MODULE#$NFAV/} exists (run make modules-all)"
	fi
fi
kmsg_check "boot and module load"

interactive_shell() {
	echo "# nfav guest shell: project at $NFAV, tests in $NFAV/selftests/net,"
	echo "# 'source $NFAV/selftests/lib.sh' for the helpers; exit to power off."
	(cd $NFAV && setsid -c bash -i <>/dev/ttyS0 >&0 2>&1)
}

[ "$SHELLMODE" = 1 ] && interactive_shell

# Run the tests.
n_scripts=0
for t in $TESTS; do
	case "$t" in
	*/*) script=$NFAV/$t ;;
	*) script=$NFAV/selftests/net/${t%.sh}.sh ;;
	esac
	name=${script#$NFAV/}
	n_scripts=$((n_scripts + 1))
	echo "# ===== $name"
	if [ ! -f "$script" ]; then
		gnotok "$name: no such test"
		continue
	fi
	log=/tmp/nfav-test.log
	t0=$(date +%s)
	{
		cd $NFAV && timeout -k 10 "$TIMEOUT" bash "$script"
		echo $? >/tmp/nfav-test.rc
	} 2>&1 | tee $log
	rc=$(cat /tmp/nfav-test.rc)
	t1=$(date +%s)
	# Leftovers of a failed script must not break the next one.
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	nres=$(grep -Ec '^(not )?ok\b' $log)
	nfail=$(grep -Ec '^not ok\b' $log)
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' $log | tail -n 1)
	echo "# $name: rc=$rc, $nres results, $nfail failed, $((t1 - t0)) s"
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		gnotok "$name: timed out after ${TIMEOUT}s"
	elif [ "$rc" = 4 ] && [ "$plan" = 0 ]; then
		: # skipped as a whole (kselftest KSFT_SKIP)
	elif [ -z "$plan" ]; then
		gnotok "$name: no TAP plan (script died, rc=$rc)"
	elif [ "$plan" != "$nres" ]; then
		gnotok "$name: planned $plan results, got $nres (rc=$rc)"
	elif [ "$nfail" -gt 0 ] && [ "$rc" = 0 ]; then
		gnotok "$name: exit status 0 despite failures"
	elif [ "$nfail" = 0 ] && [ "$rc" != 0 ]; then
		gnotok "$name: exit status $rc"
	elif [ "$nfail" -gt 0 ]; then
		fail=1
	fi
	kmsg_check "$name"
done

[ "$SHELLMODE" = after ] && interactive_shell

if module_loaded; then
	if rmmod nfav; then
		gok "rmmod nfav"
	else
		gnotok "rmmod nfav"
		lsmod | grep -E '^nfav' | sed 's/^/# /'
	fi
fi
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	sleep 5
	echo scan >/sys/kernel/debug/kmemleak
	if [ -s /sys/kernel/debug/kmemleak ]; then
		sed 's/^/# /' /sys/kernel/debug/kmemleak | head -n 100
		gnotok "kmemleak reports no leak"
	else
		gok "kmemleak reports no leak"
	fi
fi
if kmsg_check "module unload"; then
	gok "kernel log clean"
fi
echo "1..$guest_n"
echo "# guest: $n_scripts scripts in $(($(date +%s) - start)) s"

if [ $fail = 0 ]; then
	echo "NFAV-SELFTESTS-OK $TOKEN" >/dev/ttyS1
	echo "# guest: SUCCESS"
else
	echo "# guest: FAILURE"
	echo "# full kernel log:"
	sed 's/^/# | /' $kmsg_all | tail -n 300
fi
poweroff_now
