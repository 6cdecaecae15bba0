#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Life-cycle events while nfav holds packets: the output and the input link
# go down, a link is deleted, the daemon is killed with objects pending, the
# module is unloaded during a held transfer (and loaded again), the router
# netns is deleted with flows present.  Each must leave the kernel log clean,
# end the affected transfers (no hang) and leave nfav working.
source "$(dirname "$0")/../lib.sh"

tap_begin
av_setup
gen_file 100K 100K
gen_file 200K 200K
gen_file 20K 20K

# A transfer that nfav holds: the server sends half of 200 KiB, then stalls
# for STALL seconds; nfav holds the half it has (below the hold limit).
STALL=8
start_held() {
	bg_fetch "$1" "http://$SRV4/200K?stall=$STALL" "${@:2}"
	wait_for 20 held
}
# works: a clean download passes intact and EICAR is blocked.
works() {
	fetch "http://$SRV4/20K" "$SCRATCH/out/w-20K" && [ "$CURL_RC" = 0 ] &&
		cmp -s "$SCRATCH/out/w-20K" "$SCRATCH/www/20K" || return 1
	fetch "http://$SRV4/eicar.com" "$SCRATCH/out/w-eicar"
	blocked_page "$SCRATCH/out/w-eicar" "$SIG_EICAR"
}
works_diag() { fetch_diag "$SCRATCH/out/w-20K"; page_diag "$SCRATCH/out/w-eicar"; }
# ended NAME SECS: the background transfer ended (any outcome) in time;
# if curl says it succeeded the bytes must be exact.
ended() {
	local file=$3
	bg_wait "$1" "$2"
	[ "$CURL_RC" != 124 ] || return 1
	[ "$CURL_RC" != 0 ] || cmp -s "$SCRATCH/out/$1" "$SCRATCH/www/$file"
}
step_clean() {
	local bad
	bad=$(kmsg_clean_since "$1")
	result "$1: kernel log clean" $? "$bad"
}

# --- output link down with held packets
kmsg_mark link-down-out
start_held ld-out
result "link-down-out: transfer held" $? "status: $(status_json)"
ip -n rtr link set veth0 down
sleep 1
ip -n rtr link set veth0 up
ended ld-out 40 200K
result "link-down-out: transfer ended, no corruption" $? "$(ended_diag ld-out)"
step_clean link-down-out
works
result "link-down-out: nfav still scans" $? "$(works_diag)"

# --- input link down with held packets
kmsg_mark link-down-in
start_held ld-in
result "link-down-in: transfer held" $? "status: $(status_json)"
ip -n rtr link set veth1 down
sleep 1
ip -n rtr link set veth1 up
ended ld-in 40 200K
result "link-down-in: transfer ended, no corruption" $? "$(ended_diag ld-in)"
step_clean link-down-in
works
result "link-down-in: nfav still scans" $? "$(works_diag)"

# --- daemon killed while objects await verdicts (engine-not-ready fallback,
# log-and-permit by default: the held object passes)
kmsg_mark daemon-kill
s0=$(stats_json)
kill -STOP "$NFAVD_PID"
bg_fetch dk "http://$SRV4/100K"
wait_for 20 held
result "daemon-kill: object awaits a verdict from the stopped daemon" $? "status: $(status_json)"
kill -KILL "$NFAVD_PID"
wait "$NFAVD_PID" 2>/dev/null
NFAVD_PID=
bg_wait dk 30
[ "$CURL_RC" = 0 ] && cmp -s "$SCRATCH/out/dk" "$SCRATCH/www/100K"
result "daemon-kill: pending object released by the fallback, intact" $? "$(ended_diag dk)"
wait_for 10 not daemon_registered
result "daemon-kill: registration ended" $? "status: $(status_json)"
s1=$(stats_json)
[ "$(delta "$s0" "$s1" fallbacks engine-not-ready log-and-permit)" -ge 1 ]
result "daemon-kill: engine-not-ready log-and-permit counted" $? "stats: $s1"
step_clean daemon-kill
nfavd_start
result "daemon-kill: a new nfavd registers" $? "$(nfavd_log)"

# --- rmmod during a held transfer (the daemon is stopped, the object is held
# awaiting its verdict)
kmsg_mark rmmod
kill -STOP "$NFAVD_PID"
bg_fetch rm "http://$SRV4/100K"
wait_for 20 held
result "rmmod: object held" $? "status: $(status_json)"
timeout 60 rmmod nfav
result "rmmod: nfav unloads with packets held" $? "$(lsmod | grep nfav)"
module_loaded
result "rmmod: module gone" $(($? == 0))
ended rm 60 100K
result "rmmod: held transfer ended, no corruption" $? "$(ended_diag rm)"
diag "rmmod: held transfer ended with curl rc $CURL_RC, $SIZE bytes"
out=$(nfavctl -j show status 2>"$SCRATCH/out/st.err")
rc=$?
[ $rc = 3 ] && [ "$(jget "$out" module loaded)" = false ]
result "rmmod: nfavctl show status says not loaded (exit 3)" $? "exit $rc: $out" "$(cat "$SCRATCH/out/st.err")"
fetch "http://$SRV4/eicar.com" "$SCRATCH/out/rm-eicar"
[ "$CURL_RC" = 0 ] && [ "$HTTP_CODE" = 200 ] && cmp -s "$SCRATCH/out/rm-eicar" "$SCRATCH/www/eicar.com"
result "rmmod: later traffic flows unscanned" $? "$(fetch_diag "$SCRATCH/out/rm-eicar")"
step_clean rmmod

kmsg_mark reinsmod
nfav_load
result "reinsmod: nfav loads again" $?
kill -CONT "$NFAVD_PID"
wait_for 30 daemon_registered
result "reinsmod: nfavd registers again by itself" $? "status: $(status_json)" "$(nfavd_log)"
if ! daemon_registered; then
	nfavd_stop
	nfavd_start
fi
works
result "reinsmod: nfav scans again" $? "$(works_diag)"
step_clean reinsmod

# --- link deleted with held packets
kmsg_mark link-del
FETCH_TIMEOUT=20 start_held ldel	# the client's link goes too: curl times out
result "link-del: transfer held" $? "status: $(status_json)"
ip -n rtr link del veth0
ended ldel 40 200K
result "link-del: transfer ended" $? "$(ended_diag ldel)"
step_clean link-del
ip -n cli link add veth0 type veth peer name veth0 netns rtr
nsx rtr sysctl -qw net.ipv6.conf.veth0.accept_dad=0
ip -n cli addr add $CLI4/24 dev veth0
ip -n cli addr add $CLI6/64 dev veth0 nodad
ip -n rtr addr add $RTR4_C/24 dev veth0
ip -n rtr addr add $RTR6_C/64 dev veth0 nodad
ip -n cli link set veth0 up
ip -n rtr link set veth0 up
ip -n cli route add default via $RTR4_C
ip -n cli -6 route add default via $RTR6_C
works
result "link-del: nfav scans on the new link" $? "$(works_diag)"

# --- router netns deleted with flows present and packets held
kmsg_mark netns-del
FETCH_TIMEOUT=20 start_held nsdel	# the router goes: curl times out
result "netns-del: transfer held" $? "status: $(status_json)"
ip netns del rtr
kill -KILL "$NFAVD_PID"
wait "$NFAVD_PID" 2>/dev/null
NFAVD_PID=
ended nsdel 40 200K
result "netns-del: transfer ended" $? "$(ended_diag nsdel)"
sleep 2	# netns cleanup runs in a workqueue
step_clean netns-del
topo_setup && httpd_start "$SCRATCH/www" 80 8080
result "netns-del: new topology and HTTP server" $?
nfavd_start
result "netns-del: nfavd registers in the new rtr" $? "$(nfavd_log)"
works
result "netns-del: nfav scans in the new rtr" $? "$(works_diag)"

tap_end
