#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of `make bench` (tools/bench.sh; run with nfav not loaded):
# throughput of a 50 MiB HTTP download (scanned: max-size raised to 64 MiB) and the latency of 200 sequential
# 10 KiB GETs on fresh connections, first without nfav, then with nfav
# loaded, scanning and nfavd running.  Prints "bench| ..." lines.
source "$(dirname "$0")/../../lib.sh"

RUNS=${BENCH_RUNS:-3}
GETS=${BENCH_GETS:-200}
LAT=$(dirname "$0")/latency.py

tap_begin
trap cleanup EXIT
setup_scratch
gen_db
gen_file 50M 50M
gen_file 10K 10K
topo_setup || bail "topology"
httpd_start "$SCRATCH/www" 80 || bail "HTTP server"

# throughput LABEL: best MiB/s of RUNS downloads (byte-exact).
throughput() {
	local i w best=0 mibs ok=0
	for i in $(seq "$RUNS"); do
		w=$(nsx cli curl -sS --max-time 120 -o "$SCRATCH/out/50M" -w '%{speed_download}' \
			"http://$SRV4/50M")
		cmp -s "$SCRATCH/out/50M" "$SCRATCH/www/50M" && ok=$((ok + 1))
		mibs=$(awk -v b="${w:-0}" 'BEGIN { printf "%.1f", b / 1048576 }')
		echo "bench| $1: run $i: $mibs MiB/s" >&2
		best=$(awk -v a="$best" -v b="$mibs" 'BEGIN { print (b > a) ? b : a }')
	done
	[ $ok = "$RUNS" ] || echo "bench| $1: only $ok of $RUNS downloads byte-exact" >&2
	echo "$best"
	[ $ok = "$RUNS" ]
}
latency() { nsx cli $PYTHON "$LAT" "$SRV4" 80 /10K "$GETS"; }
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$2"; }

module_loaded && rmmod nfav
tp0=$(throughput "without nfav")
result "throughput without nfav measured ($tp0 MiB/s), downloads byte-exact" $?
lat0=$(latency)
[ "$(field errors "$lat0")" = 0 ]
result "latency without nfav measured ($lat0)" $?

nfav_load
result "insmod nfav" $?
nfavd_start
result "nfavd registered" $? "$(nfavd_log)"
# 50 MiB is above the default 10000 KiB size limit: raise it so the big
# download is really scanned, not passed by the content-size fallback.
check "set http max-size 65536" nfavctl set http max-size 65536
s0=$(stats_json)
tp1=$(throughput "with nfav")
result "throughput with nfav measured ($tp1 MiB/s), downloads byte-exact" $?
lat1=$(latency)
[ "$(field errors "$lat1")" = 0 ]
result "latency with nfav measured ($lat1)" $?
s1=$(stats_json)
d=$(delta "$s0" "$s1" scanned)
[ "$d" -ge $((RUNS + GETS)) ]
result "with nfav every object was scanned ($d verdicts)" $? "stats: $s1"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%.2f", b / a; else print "n/a" }'; }
echo "bench| ================================================================"
echo "bench| kernel $(uname -r), QEMU TCG, $(nproc) vCPUs"
echo "bench| 50 MiB download (best of $RUNS):  without nfav $tp0 MiB/s   with nfav $tp1 MiB/s   ratio $(ratio "$tp0" "$tp1")"
for p in p50 p90 p99; do
	a=$(field $p "$lat0") b=$(field $p "$lat1")
	echo "bench| $GETS x 10 KiB GET, fresh connections, $p:  without $a ms   with $b ms   ratio $(ratio "$a" "$b")"
done
echo "bench| ================================================================"
tap_end
