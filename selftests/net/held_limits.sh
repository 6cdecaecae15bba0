#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Held memory (issue 7, item 5): held segments are bounded by count per
# direction (1-byte segments trickle instead of pinning thousands of skbs),
# and all held packets of all flows and namespaces together by max_held_kb,
# past which objects take the out-of-resources fallback.
source "$(dirname "$0")/../lib.sh"

HOSTILE=$NFAV_DIR/selftests/servers/hostile.py
RAWPORT=8081
PARAM=/sys/module/nfav/parameters/max_held_kb

tap_begin
av_setup 80
kmsg_mark begin
nfavctl set http ports 80,$RAWPORT || bail "ports set"
nsx srv iptables -A OUTPUT -p tcp --sport $RAWPORT --tcp-flags RST RST -j DROP ||
	bail "iptables in srv"
[ -w "$PARAM" ] || bail "max_held_kb is a writable module parameter"
held_kb0=$(cat "$PARAM")
test_cleanup() { echo "$held_kb0" >"$PARAM" 2>/dev/null; }

# ---- 1-byte segments: at most NFAV_HOLD_MAX_SEGS (512) held per direction
gen_file tiny3k 3000
kill -STOP "$NFAVD_PID"
ip netns exec srv $PYTHON "$HOSTILE" rawsrv $SRV4 $RAWPORT veth0 tiny "$SCRATCH/www/tiny3k" \
	>>"$SCRATCH/log/rawsrv.log" 2>&1 &
RAW_PID=$!
_bg_pids+=("$RAW_PID")
sleep 0.5
bg_fetch tiny "http://$SRV4:$RAWPORT/tiny3k"
wait "$RAW_PID" 2>/dev/null
sleep 1
held_now=$(jget "$(status_json)" held_bytes)
kill -CONT "$NFAVD_PID"
bg_wait tiny 30
[ "$held_now" -gt 0 ] && [ "$held_now" -le 1000 ]
result "3000 1-byte segments: the oldest trickle, at most 512 stay held" $? \
	"held $held_now bytes before the verdict"
cmp -s "$SCRATCH/out/tiny" "$SCRATCH/www/tiny3k"
result "3000 1-byte segments: clean body byte-exact" $? "$(ended_diag tiny)" \
	"$(tail -n 3 "$SCRATCH/log/rawsrv.log")"

# ---- the global held-memory budget
for i in 1 2 3 4 5 6; do gen_file big$i 2M; done
nfavctl set http scan-timeout 30
echo 128 >"$PARAM"

# fetch6 TAG: six downloads at once while the daemon is stopped
fetch6() {
	local i
	kill -STOP "$NFAVD_PID"
	for i in 1 2 3 4 5 6; do bg_fetch "$1$i" "http://$SRV4/big$i"; done
	sleep 8
	kill -CONT "$NFAVD_PID"
	for i in 1 2 3 4 5 6; do bg_wait "$1$i" 120; eval "rc_$1$i=$CURL_RC"; done
}
s0=$(stats_json)
fetch6 permit
s1=$(stats_json)
[ "$(delta "$s0" "$s1" fallbacks out-of-resources log-and-permit)" -ge 1 ]
result "128 KiB global budget: objects past it take out-of-resources (log-and-permit)" $? \
	"out-of-resources: $(jget "$s1" protocols http fallbacks out-of-resources)"
ok6=0 why=
for i in 1 2 3 4 5 6; do
	cmp -s "$SCRATCH/out/permit$i" "$SCRATCH/www/big$i" && ok6=$((ok6 + 1))
	why="$why big$i: rc $(eval echo \$rc_permit$i) size $(fsize "$SCRATCH/out/permit$i");"
done
[ $ok6 = 6 ]
result "...and the six clean downloads arrive byte-exact" $? "$ok6 of 6: $why" \
	"status: $(status_json | tr -d '\n ')" "stats: $(stats_json | tr -d '\n ' | head -c 600)"
[ "$(jget "$(status_json)" held_bytes)" = 0 ]
result "nothing stays held" $? "status: $(status_json)"

nfavctl set http fallback out-of-resources block
s0=$(stats_json)
fetch6 block
s1=$(stats_json)
[ "$(delta "$s0" "$s1" fallbacks out-of-resources block)" -ge 1 ]
result "with fallback out-of-resources block, objects past the budget are blocked" $? \
	"out-of-resources: $(jget "$s1" protocols http fallbacks out-of-resources)"
bad=0 cut=0
for i in 1 2 3 4 5 6; do
	f=$SCRATCH/out/block$i
	cmp -s "$f" "$SCRATCH/www/big$i" && continue
	cut=$((cut + 1))
	# what arrived is nothing, the notice page, or a prefix of the file
	[ -s "$f" ] || continue
	grep -q 'nfav' "$f" && continue
	cmp -s -n "$(fsize "$f")" "$f" "$SCRATCH/www/big$i" || bad=$((bad + 1))
done
[ $cut -ge 1 ] && [ $bad = 0 ]
result "...the blocked downloads are cut or replaced, no byte altered" $? "cut $cut, altered $bad"
nfavctl set http fallback out-of-resources log-and-permit
nfavctl set http scan-timeout 180
echo "$held_kb0" >"$PARAM"

check "kernel log clean" kmsg_clean_since begin
tap_end
