#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the nfav selftests (sourced by selftests/net/*.sh).  The tests
# run as root inside the QEMU guest (selftests/qemu/run.sh), never on a host.
#
# Topology (topo_setup):
#
#   cli                         rtr (nfav, nfavd)                 srv
#   veth0 192.0.2.2/24  ---  veth0 192.0.2.1/24
#         2001:db8:1::2/64         2001:db8:1::1/64
#                                veth1 198.51.100.1/24  ---  veth0 198.51.100.2/24
#                                      2001:db8:2::1/64            2001:db8:2::2/64
#
# TAP: tap_begin, ok, not_ok, skip, check, diag, tap_end (plan at the end).

NFAV_DIR=${NFAV_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
NFAVD=${NFAVD:-$NFAV_DIR/helper/nfavd}
NFAVCTL=${NFAVCTL:-$NFAV_DIR/tools/nfavctl}
NFAV_MODULE=${NFAV_MODULE:-$NFAV_DIR/build/$(uname -r)/kmod/nfav.ko}
PYTHON=/usr/bin/python3
HTTPD=$NFAV_DIR/selftests/servers/httpd.py
CLAM_TESTFILES=/usr/share/clamav-testfiles

CLI4=192.0.2.2 RTR4_C=192.0.2.1 RTR4_S=198.51.100.1 SRV4=198.51.100.2
CLI6=2001:db8:1::2 RTR6_C=2001:db8:1::1 RTR6_S=2001:db8:2::1 SRV6=2001:db8:2::2

EICAR='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
SIG_EICAR=NfavTest.EICAR	# signature names in the generated database
SIG_CLAM=NfavTest.Clam

KSFT_PASS=0 KSFT_FAIL=1 KSFT_SKIP=4

# NFAV_TRACE=1 (run.sh passes it into the guest): trace with timestamps.
if [ "${NFAV_TRACE:-0}" = 1 ]; then
	PS4='+ ${EPOCHREALTIME} ${BASH_SOURCE[0]##*/}:${LINENO}: '
	set -x
fi

# ---------------------------------------------------------------- TAP
_tap_n=0
_tap_fail=0
tap_begin() {
	echo "TAP version 13"
	echo "# $(basename "$0"): kernel $(uname -r)"
	_tap_t0=$(date +%s)
}
diag() { local l; printf '%s\n' "$@" | while IFS= read -r l; do echo "# $l"; done; }
ok() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n $1"; }
# not_ok DESCRIPTION [DIAGNOSTIC...]
not_ok() {
	_tap_n=$((_tap_n + 1))
	_tap_fail=$((_tap_fail + 1))
	echo "not ok $_tap_n $1"
	shift
	[ $# -gt 0 ] && diag "$@"
	return 0
}
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n $1 # SKIP $2"; }
# result DESCRIPTION CONDITION-EXIT-STATUS [DIAGNOSTIC...]
result() {
	local d=$1 st=$2
	shift 2
	if [ "$st" = 0 ]; then ok "$d"; else not_ok "$d" "$@"; fi
}
# check DESCRIPTION COMMAND...: ok if COMMAND succeeds (its output is shown
# as diagnostics when it fails).
check() {
	local d=$1 out st
	shift
	out=$("$@" 2>&1)
	st=$?
	result "$d" $st "command: $*" "$out"
	return $st
}
tap_end() {
	if [ $_tap_fail != 0 ]; then
		[ -s "$SCRATCH/log/nfavd.log" ] && diag "nfavd log (last 40 lines):" "$(tail -n 40 "$SCRATCH/log/nfavd.log")"
		diag "kernel log, nfav lines (last 30):" "$(dmesg | grep -i nfav | tail -n 30)"
	fi
	echo "1..$_tap_n"
	diag "$(basename "$0"): $((_tap_n - _tap_fail))/$_tap_n passed in $(($(date +%s) - _tap_t0)) s"
	[ $_tap_fail = 0 ] && exit $KSFT_PASS
	exit $KSFT_FAIL
}
# Skip the whole script (before any result).
tap_skip_all() {
	echo "1..0 # SKIP $1"
	exit $KSFT_SKIP
}
# Abort: the remaining steps cannot run.
bail() {
	not_ok "$1" "${@:2}"
	tap_end
}

# ---------------------------------------------------------------- utilities
# wait_for TIMEOUT-SECS COMMAND...: poll every 0.1 s until COMMAND succeeds.
wait_for() {
	local deadline=$(($(date +%s%N) / 1000000 + $1 * 1000))
	shift
	until "$@" >/dev/null 2>&1; do
		[ $(($(date +%s%N) / 1000000)) -ge $deadline ] && return 1
		sleep 0.1
	done
	return 0
}
not() { ! "$@"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
sha() { sha256sum "$1" | cut -d' ' -f1; }
fsize() { stat -c %s "$1" 2>/dev/null || echo 0; }
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# jget JSON KEY...: value at that path ("null" if absent).
jget() {
	local j=$1
	shift
	if command -v jq >/dev/null; then
		printf '%s' "$j" | jq -r 'getpath($ARGS.positional) | if . == null then "null" else . end' --args "$@" 2>/dev/null ||
			echo null
	else
		printf '%s' "$j" | $PYTHON -S -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1:]:
    v = v.get(k) if isinstance(v, dict) else (v[int(k)] if isinstance(v, list) else None)
    if v is None: break
print("null" if v is None else (str(v).lower() if isinstance(v, bool) else v))' "$@" 2>/dev/null ||
			echo null
	fi
}

# Background processes started by the helpers, killed by cleanup.
_bg_pids=()
SCRATCH=
cleanup() {
	local p
	for p in "${_bg_pids[@]}"; do
		kill -CONT "$p" 2>/dev/null
		kill "$p" 2>/dev/null
	done
	for p in "${_bg_pids[@]}"; do
		wait "$p" 2>/dev/null
	done
	_bg_pids=()
	topo_cleanup
	[ -n "$SCRATCH" ] && rm -rf "$SCRATCH"
	type test_cleanup >/dev/null 2>&1 && test_cleanup
	return 0
}
# setup_scratch: SCRATCH=a fresh world-readable directory in guest tmpfs.
setup_scratch() {
	SCRATCH=$(mktemp -d /tmp/nfav-test.XXXXXX)
	chmod 755 "$SCRATCH"
	mkdir -p "$SCRATCH/www" "$SCRATCH/db" "$SCRATCH/out" "$SCRATCH/log"
}

# ---------------------------------------------------------------- topology
topo_cleanup() {
	local ns
	for ns in cli rtr srv; do
		ip netns pids $ns 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del $ns 2>/dev/null
	done
	return 0
}
topo_setup() {
	local ns
	topo_cleanup
	for ns in cli rtr srv; do
		ip netns add $ns || return 1
		nsx $ns ip link set lo up
		nsx $ns sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	done
	ip -n cli link add veth0 type veth peer name veth0 netns rtr || return 1
	ip -n rtr link add veth1 type veth peer name veth0 netns srv || return 1
	for ns in cli rtr srv; do
		nsx $ns sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.veth0.accept_dad=0 2>/dev/null
	done
	nsx rtr sysctl -qw net.ipv6.conf.veth1.accept_dad=0
	ip -n cli addr add $CLI4/24 dev veth0
	ip -n cli addr add $CLI6/64 dev veth0 nodad
	ip -n rtr addr add $RTR4_C/24 dev veth0
	ip -n rtr addr add $RTR6_C/64 dev veth0 nodad
	ip -n rtr addr add $RTR4_S/24 dev veth1
	ip -n rtr addr add $RTR6_S/64 dev veth1 nodad
	ip -n srv addr add $SRV4/24 dev veth0
	ip -n srv addr add $SRV6/64 dev veth0 nodad
	ip -n cli link set veth0 up
	ip -n rtr link set veth0 up
	ip -n rtr link set veth1 up
	ip -n srv link set veth0 up
	nsx rtr sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	ip -n cli route add default via $RTR4_C
	ip -n cli -6 route add default via $RTR6_C
	ip -n srv route add default via $RTR4_S
	ip -n srv -6 route add default via $RTR6_S
	wait_for 10 nsx cli busybox ping -c1 -W1 $SRV4 || { echo "# topology: no IPv4 path" >&2; return 1; }
	wait_for 10 nsx cli busybox ping -6 -c1 -W1 $SRV6 || { echo "# topology: no IPv6 path" >&2; return 1; }
}

# ---------------------------------------------------------------- servers
# listening NS PORT: something listens on TCP PORT in NS.
listening() { [ -n "$(nsx "$1" ss -Hltn "sport = :$2")" ]; }

# httpd_start DIR PORT...: test HTTP server in srv (dual-stack); HTTPD_PID.
httpd_start() {
	local dir=$1 p args=()
	shift
	for p in "$@"; do args+=(--port "$p"); done
	# ip netns exec execs the command: $! is the server itself.
	ip netns exec srv $PYTHON "$HTTPD" --dir "$dir" "${args[@]}" >"$SCRATCH/log/httpd.log" 2>&1 &
	HTTPD_PID=$!
	_bg_pids+=("$HTTPD_PID")
	for p in "$@"; do
		wait_for 30 listening srv "$p" || {
			echo "# httpd did not start:" >&2
			sed 's/^/#   /' "$SCRATCH/log/httpd.log" >&2
			return 1
		}
	done
}

# fetch [CURL-OPTION...] URL OUT: curl in cli.  Sets CURL_RC, HTTP_CODE,
# NUM_CONNECTS, SIZE (bytes written to OUT).
fetch() {
	local out=${*: -1} args=("${@:1:$#-1}") w
	w=$(nsx cli curl -sS --max-time "${FETCH_TIMEOUT:-20}" -o "$out" \
		-w '%{http_code} %{num_connects}' "${args[@]}" 2>"$out.err")
	CURL_RC=$?
	read -r HTTP_CODE NUM_CONNECTS <<<"$w"
	SIZE=$(fsize "$out")
}
fetch_diag() {
	echo "curl rc=$CURL_RC http=$HTTP_CODE connects=$NUM_CONNECTS size=$SIZE"
	[ -s "$1.err" ] && cat "$1.err"
	return 0
}

# ---------------------------------------------------------------- test data
# gen_db: $SCRATCH/db/test.hdb with EICAR (NfavTest.EICAR) and clam.exe
# (NfavTest.Clam); $SCRATCH/www/eicar.com.
gen_db() {
	printf '%s' "$EICAR" >"$SCRATCH/www/eicar.com"
	{
		sigtool --md5 "$SCRATCH/www/eicar.com" | sed "s/:[^:]*\$/:$SIG_EICAR/"
		sigtool --md5 "$CLAM_TESTFILES/clam.exe" | sed "s/:[^:]*\$/:$SIG_CLAM/"
	} >"$SCRATCH/db/test.hdb"
	[ "$(wc -l <"$SCRATCH/db/test.hdb")" = 2 ]
}
# gen_file NAME SIZE: random file in www.
gen_file() { head -c "$2" /dev/urandom >"$SCRATCH/www/$1"; }

# ---------------------------------------------------------------- nfav
module_loaded() { [ -d /sys/module/nfav ]; }
# require_module: the script needs nfav loaded.
require_module() {
	module_loaded && return 0
	[ "${NFAV_OPTIONAL:-0}" = 1 ] && tap_skip_all "nfav not loaded (nfav_optional)"
	bail "nfav module loaded" "$NFAV_MODULE is not loaded"
}
nfav_load() {
	local d
	for d in nf_conntrack nf_defrag_ipv4 nf_defrag_ipv6 \
		$(modinfo -F depends "$NFAV_MODULE" 2>/dev/null | tr , ' '); do
		modprobe "$d" 2>/dev/null
	done
	insmod "$NFAV_MODULE"
}
nfav_unload() { rmmod nfav; }

nfavctl() { nsx rtr "$NFAVCTL" "$@"; }
status_json() { nfavctl -j show status 2>/dev/null; }
stats_json() { nfavctl -j show stats 2>/dev/null; }
config_json() { nfavctl -j show config 2>/dev/null; }
# hstat KEY...: HTTP counter from `nfavctl -j show stats` (0 if absent).
hstat() {
	local v
	v=$(jget "$(stats_json)" protocols http "$@")
	[ "$v" = null ] && v=0
	echo "$v"
}
daemon_registered() { [ "$(jget "$(status_json)" daemon registered)" = true ]; }

# nfavd_start [OPTION...]: nfavd in rtr with the generated database and
# OPTIONs; NFAVD_PID.
nfavd_start() {
	# Not through a shell function: $! must be nfavd itself (SIGSTOP/KILL).
	ip netns exec rtr "$NFAVD" --database "$SCRATCH/db" --foreground "$@" \
		>>"$SCRATCH/log/nfavd.log" 2>&1 &
	NFAVD_PID=$!
	_bg_pids+=("$NFAVD_PID")
	if ! wait_for 60 daemon_registered; then
		echo "# nfavd did not register; log:" >&2
		sed 's/^/#   /' "$SCRATCH/log/nfavd.log" >&2
		echo "# status: $(status_json)" >&2
		return 1
	fi
}
nfavd_stop() {
	[ -n "${NFAVD_PID:-}" ] || return 0
	kill -CONT "$NFAVD_PID" 2>/dev/null
	kill "$NFAVD_PID" 2>/dev/null
	wait "$NFAVD_PID" 2>/dev/null
	NFAVD_PID=
	wait_for 10 not daemon_registered || true
}
nfavd_log() { sed 's/^/nfavd: /' "$SCRATCH/log/nfavd.log" 2>/dev/null | tail -n "${1:-20}"; }

# ---------------------------------------------------------------- kernel log
# kmsg_mark NAME: put a marker in the kernel log; kmsg_since NAME: the log
# after it; kmsg_clean_since NAME: no warning, oops, BUG or leak after it.
KMSG_BAD='WARNING:|BUG:|Oops|kmemleak|KASAN|UBSAN|Call Trace|general protection|INFO: task .* blocked|rcu.*stall|refcount_t|list_(add|del) corruption'
kmsg_mark() { echo "nfav-selftest: mark $1" >/dev/kmsg; }
kmsg_since() { dmesg | sed -n "/nfav-selftest: mark $1\$/,\$p"; }
kmsg_clean_since() {
	local bad
	bad=$(kmsg_since "$1" | grep -E -A20 "$KMSG_BAD")
	[ -z "$bad" ] && return 0
	echo "$bad"
	return 1
}

# Common start of a test script: scratch dir, topology, cleanup trap.
test_setup() {
	trap cleanup EXIT
	setup_scratch
	topo_setup || bail "topology set up"
}

# av_setup [--no-daemon] PORT...: nfav loaded (else the script fails or,
# with nfav_optional, skips), topology, signature database, test files
# (www/eicar.com, the clamav-testfiles variants), HTTP server on the ports
# (default 80 8080) and, unless --no-daemon, nfavd registered in rtr.
av_setup() {
	local daemon=1 f
	[ "${1:-}" = --no-daemon ] && { daemon=0; shift; }
	[ $# -gt 0 ] || set -- 80 8080
	require_module
	test_setup
	gen_db || bail "signature database generated"
	for f in clam.exe clam.zip clam.7z clam.tar.gz clam.exe.mbox.base64; do
		cp "$CLAM_TESTFILES/$f" "$SCRATCH/www/" || bail "clamav-testfiles present"
	done
	cp "$CLAM_TESTFILES/clam.exe.mbox.base64" "$SCRATCH/www/clam.mbox"
	[ -x "$NFAVCTL" ] || bail "nfavctl built" "$NFAVCTL missing"
	[ -x "$NFAVD" ] || bail "nfavd built" "$NFAVD missing"
	httpd_start "$SCRATCH/www" "$@" || bail "HTTP server starts in srv"
	if [ $daemon = 1 ]; then
		nfavd_start || bail "nfavd registers in rtr" "$(nfavd_log)"
	fi
}

# blocked_page FILE SIGNATURE: FILE is nfav's replacement page naming
# SIGNATURE (and not the infected content).
blocked_page() {
	[ "$HTTP_CODE" = 403 ] && grep -q "$2" "$1" && ! grep -q 'EICAR-STANDARD-ANTIVIRUS' "$1"
}
page_diag() {
	fetch_diag "$1"
	[ -s "$1" ] || return 0
	echo "page (first lines):"
	head -c 600 "$1" | tr -c '[:print:]\n' '.' | head -n 12
	return 0
}
# reset_or_403 FILE: the transfer was refused: a 403 page, or the connection
# was reset / cut short (curl 18 partial, 52 empty reply, 56 recv error) --
# not a timeout.
reset_or_403() {
	case "$CURL_RC" in
	0) [ "$HTTP_CODE" = 403 ] ;;
	18 | 52 | 56) true ;;
	*) false ;;
	esac
}

# counter JSON KEY...: value of a stats counter in a saved `show stats` JSON.
counter() {
	local v
	v=$(jget "$1" protocols http "${@:2}")
	[ "$v" = null ] && v=0
	echo "$v"
}
# delta OLD NEW KEY...: how much a counter grew between two snapshots.
delta() { echo $(($(counter "$2" "${@:3}") - $(counter "$1" "${@:3}"))); }

# rawsrv MODE BODYFILE [SYNC]: hostile.py's raw-TCP server (servers/
# hostile.py, $HOSTILE) on $SRV4:$RAWPORT in srv, in the background;
# RAW_PID.  The script drops srv's own RSTs for $RAWPORT.
rawsrv() {
	ip netns exec srv $PYTHON "$HOSTILE" rawsrv $SRV4 $RAWPORT veth0 "$@" \
		>>"$SCRATCH/log/rawsrv.log" 2>&1 &
	RAW_PID=$!
	_bg_pids+=("$RAW_PID")
	sleep 0.5	# the packet socket is bound before the SYN comes
}

# bg_fetch NAME URL [CURL-OPTION...]: curl in cli in the background;
# BG_PID; bg_wait NAME SECS: wait for it; sets CURL_RC (124: still running,
# killed), HTTP_CODE, SIZE.
bg_fetch() {
	local name=$1 url=$2
	shift 2
	(ip netns exec cli curl -sSN --max-time "${FETCH_TIMEOUT:-60}" -o "$SCRATCH/out/$name" \
		-w '%{http_code}' "$@" "$url" >"$SCRATCH/out/$name.code" 2>"$SCRATCH/out/$name.err" &
	 echo $! >"$SCRATCH/out/$name.pid"
	 wait $!
	 echo $? >"$SCRATCH/out/$name.rc") &
	BG_PID=$!
	_bg_pids+=("$BG_PID")
}
bg_done() { [ -s "$SCRATCH/out/$1.rc" ]; }
bg_wait() {
	if wait_for "$2" bg_done "$1"; then
		CURL_RC=$(cat "$SCRATCH/out/$1.rc")
	else
		CURL_RC=124
		# What the stuck connection looked like, for ended_diag.
		ip netns exec cli ss -tnie >"$SCRATCH/out/$1.ss" 2>&1
		kill "$(cat "$SCRATCH/out/$1.pid")" 2>/dev/null
	fi
	HTTP_CODE=$(cat "$SCRATCH/out/$1.code" 2>/dev/null)
	SIZE=$(fsize "$SCRATCH/out/$1")
	NUM_CONNECTS=
}

ended_diag() {
	echo "curl rc=$CURL_RC http=$HTTP_CODE size=$SIZE"
	cat "$SCRATCH/out/$1.err" 2>/dev/null
	[ "$CURL_RC" != 124 ] || cat "$SCRATCH/out/$1.ss" 2>/dev/null
	return 0
}

# held: nfav holds bytes or awaits a verdict in rtr.
held() {
	local st
	st=$(status_json)
	[ "$(jget "$st" held_bytes)" != 0 ] && [ "$(jget "$st" held_bytes)" != null ] && return 0
	[ "$(jget "$st" pending)" != 0 ] && [ "$(jget "$st" pending)" != null ]
}
