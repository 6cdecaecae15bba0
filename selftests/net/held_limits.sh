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
s0=$(stats_json)
kill -STOP "$NFAVD_PID"
# (once it has sent everything, SYNC/sent, and is told to, SYNC/go, the raw
# server retransmits what the client does not acknowledge, as a real sender
# would: a segment lost on the way is not fatal)
mkdir -p "$SCRATCH/sync-tiny"
ip netns exec srv $PYTHON "$HOSTILE" rawsrv $SRV4 $RAWPORT veth0 tiny "$SCRATCH/www/tiny3k" \
	"$SCRATCH/sync-tiny" >>"$SCRATCH/log/rawsrv.log" 2>&1 &
RAW_PID=$!
_bg_pids+=("$RAW_PID")
sleep 0.5
bg_fetch tiny "http://$SRV4:$RAWPORT/tiny3k"
wait_for 60 test -e "$SCRATCH/sync-tiny/sent"
sleep 1
held_now=$(jget "$(status_json)" held_bytes)
kill -CONT "$NFAVD_PID"
touch "$SCRATCH/sync-tiny/go"
bg_wait tiny 30
[ "$held_now" -gt 0 ] && [ "$held_now" -le 1000 ]
result "3000 1-byte segments: the oldest trickle, at most 512 stay held" $? \
	"held $held_now bytes before the verdict"
cmp -s "$SCRATCH/out/tiny" "$SCRATCH/www/tiny3k"
result "3000 1-byte segments: clean body byte-exact" $? "$(ended_diag tiny)" \
	"$(tail -n 3 "$SCRATCH/log/rawsrv.log")" \
	"$(s1=$(stats_json); for c in clean evasions checks untracked; do
		printf '%s +%s ' $c "$(delta "$s0" "$s1" $c)"; done)"

# ---- the global held-memory budget
# The raw server's 1-byte segments each pin a whole skb: with the daemon
# stopped, 64 KiB of truesize are reached after a few dozen of them, whatever
# the timing, and the object takes the out-of-resources fallback.
echo 64 >"$PARAM"
gen_file tiny2k 2000

# budget_run TAG: a 1-byte-segment download while the daemon is stopped
budget_run() {
	kill -STOP "$NFAVD_PID"
	rm -rf "$SCRATCH/sync-tiny"
	mkdir -p "$SCRATCH/sync-tiny"
	ip netns exec srv $PYTHON "$HOSTILE" rawsrv $SRV4 $RAWPORT veth0 tiny "$SCRATCH/www/tiny2k" \
		"$SCRATCH/sync-tiny" >>"$SCRATCH/log/rawsrv.log" 2>&1 &
	RAW_PID=$!
	_bg_pids+=("$RAW_PID")
	sleep 0.5
	bg_fetch "$1" "http://$SRV4:$RAWPORT/tiny2k"
	wait_for 60 test -e "$SCRATCH/sync-tiny/sent"
	touch "$SCRATCH/sync-tiny/go"
	bg_wait "$1" 20
	kill -CONT "$NFAVD_PID"
	kill "$RAW_PID" 2>/dev/null
	wait "$RAW_PID" 2>/dev/null
}
s0=$(stats_json)
budget_run permit
s1=$(stats_json)
[ "$(delta "$s0" "$s1" fallbacks out-of-resources log-and-permit)" -ge 1 ]
result "64 KiB global budget: the object past it takes out-of-resources (log-and-permit)" $? \
	"out-of-resources: $(jget "$s1" protocols http fallbacks out-of-resources | tr -d '\n ')"
cmp -s "$SCRATCH/out/permit" "$SCRATCH/www/tiny2k"
result "...and arrives byte-exact before any verdict (daemon stopped)" $? "$(ended_diag permit)"
wait_for 10 test "$(jget "$(status_json)" held_bytes)" = 0
result "nothing stays held" $? "status: $(status_json | tr -d '\n ')"

nfavctl set http fallback out-of-resources block
s0=$(stats_json)
budget_run block
s1=$(stats_json)
[ "$(delta "$s0" "$s1" fallbacks out-of-resources block)" -ge 1 ]
result "with fallback out-of-resources block, the object past the budget is blocked" $? \
	"out-of-resources: $(jget "$s1" protocols http fallbacks out-of-resources | tr -d '\n ')"
f=$SCRATCH/out/block
! cmp -s "$f" "$SCRATCH/www/tiny2k" &&
	{ [ ! -s "$f" ] || grep -q nfav "$f" || cmp -s -n "$(fsize "$f")" "$f" "$SCRATCH/www/tiny2k"; }
result "...it is cut or replaced by the page, no byte altered" $? "$(ended_diag block)"
nfavctl set http fallback out-of-resources log-and-permit
echo "$held_kb0" >"$PARAM"

check "kernel log clean" kmsg_clean_since begin
tap_end
