#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The core data path against hostile peers (issue 7): raw-TCP servers that
# forge SYN-ACKs, reorder segments and strand them; urgent data; a
# simultaneous open; TCP Fast Open uploads; packets without a conntrack entry
# and connections not seen from their SYN; a route change while packets are
# held; unprivileged users on the netlink interface.  Each case failed on
# the code before the fix it tests.
source "$(dirname "$0")/../lib.sh"

HOSTILE=$NFAV_DIR/selftests/servers/hostile.py
RAWPORT=8081	# raw-TCP server, scanned
OOBPORT=8083	# urgent-data / simultaneous-open server, scanned
PICKPORT=8082	# httpd, scanned only once a connection is open

tap_begin
av_setup 80 $PICKPORT
kmsg_mark begin
nfavctl set http ports 80,$RAWPORT,$OOBPORT || bail "ports set"
# The raw server has no socket: keep the server's kernel from resetting.
nsx srv iptables -A OUTPUT -p tcp --sport $RAWPORT --tcp-flags RST RST -j DROP ||
	bail "iptables in srv"

eicar_file=$SCRATCH/www/eicar.com
clean=$SCRATCH/www/clean3k
gen_file clean3k 3000
is_eicar() { cmp -s "$1" "$eicar_file"; }
body_of() { sed '1,/^\r$/d' "$1"; }	# the body of a saved raw response

# ---- 2. a forged SYN-ACK with payload mid-stream does not turn scanning off
s0=$(stats_json)
rawsrv synack-data "$eicar_file"
fetch "http://$SRV4:$RAWPORT/eicar.com" "$SCRATCH/out/synack"
wait "$RAW_PID" 2>/dev/null
s1=$(stats_json)
! is_eicar "$SCRATCH/out/synack" && [ "$(delta "$s0" "$s1" infected)" -ge 1 ]
result "forged mid-stream SYN-ACK with data: EICAR still blocked" $? \
	"$(page_diag "$SCRATCH/out/synack")" "$(tail -n 5 "$SCRATCH/log/rawsrv.log")"
[ "$(delta "$s0" "$s1" evasions)" -ge 1 ]
result "forged SYN-ACK counted as an evasion" $?

# ---- clean data, reordered by a raw server, arrives byte-exact
rawsrv inorder "$clean"
fetch "http://$SRV4:$RAWPORT/clean" "$SCRATCH/out/inorder"
wait "$RAW_PID" 2>/dev/null
cmp -s "$SCRATCH/out/inorder" "$clean"
result "raw server, in order: clean body byte-exact" $? "$(page_diag "$SCRATCH/out/inorder")"

# ---- 7. a segment the client discards (a stale timestamp: PAWS; an ACK of
# data it never sent: conntrack finds it out of window) is not what nfav
# scans; the body the client accepts at that place is
for mode in paws badack; do
	s0=$(stats_json)
	rawsrv $mode "$eicar_file"
	fetch "http://$SRV4:$RAWPORT/$mode" "$SCRATCH/out/$mode"
	wait "$RAW_PID" 2>/dev/null
	s1=$(stats_json)
	! grep -qF "$EICAR" "$SCRATCH/out/$mode" && [ "$(delta "$s0" "$s1" infected)" -ge 1 ]
	result "decoy segment the client discards ($mode): the real body (EICAR) is scanned and blocked" $? \
		"$(page_diag "$SCRATCH/out/$mode")" "infected +$(delta "$s0" "$s1" infected)" \
		"$(tail -n 5 "$SCRATCH/log/rawsrv.log")"
done

# ---- out-of-order segments from a raw server are put in order
mkdir -p "$SCRATCH/sync1"
rawsrv ooo-wait "$clean" "$SCRATCH/sync1"
bg_fetch ooo "http://$SRV4:$RAWPORT/clean"
wait_for 20 test -e "$SCRATCH/sync1/ooo-sent" && sleep 0.3
touch "$SCRATCH/sync1/go"
bg_wait ooo 30
wait "$RAW_PID" 2>/dev/null
cmp -s "$SCRATCH/out/ooo" "$clean"
result "raw server, first segment last: clean body byte-exact" $? \
	"$(ended_diag ooo)" "$(tail -n 5 "$SCRATCH/log/rawsrv.log")"

# ---- 1. held packets survive a route change (dst references)
gen_file held300k 300K
kill -STOP "$NFAVD_PID"
bg_fetch held "http://$SRV4/held300k"
if wait_for 20 held; then
	sleep 0.5
	# Replace the routes the held packets were routed with: their dst
	# entries are released.  A held packet without its own reference
	# would be sent through freed memory once reinjected.
	nsx rtr ip addr del $RTR4_C/24 dev veth0
	nsx rtr ip addr add $RTR4_C/24 dev veth0
	nsx rtr ip route flush cache 2>/dev/null
	# more forwarded packets (reuse of the freed memory)
	nsx cli busybox ping -c 3 -W 1 -i 0.2 $SRV4 >/dev/null 2>&1
fi
kill -CONT "$NFAVD_PID"
bg_wait held 60
cmp -s "$SCRATCH/out/held" "$SCRATCH/www/held300k"
result "packets held across a route change: clean file byte-exact, no crash" $? \
	"$(ended_diag held)"

# ---- 6. a flow that turns to bypass strands no out-of-order segment
head -c 3000 /dev/urandom >"$SCRATCH/tunnel"
rawsrv upgrade-ooo "$SCRATCH/tunnel"
nsx cli $PYTHON "$HOSTILE" upgradecli $SRV4 $RAWPORT "$SCRATCH/out/upgrade" \
	2>"$SCRATCH/out/upgrade.err"
wait "$RAW_PID" 2>/dev/null
body_of "$SCRATCH/out/upgrade" >"$SCRATCH/out/upgrade.body"
cmp -s "$SCRATCH/out/upgrade.body" "$SCRATCH/tunnel"
result "bypass (101 upgrade) releases queued out-of-order segments" $? \
	"got $(fsize "$SCRATCH/out/upgrade.body") of 3000 tunnel bytes" \
	"$(tail -n 5 "$SCRATCH/log/rawsrv.log")"

# ---- 7. urgent data: what the client reads is what was scanned
ip netns exec srv $PYTHON "$HOSTILE" oobsrv $SRV4 $OOBPORT "$eicar_file" \
	>"$SCRATCH/log/oobsrv.log" 2>&1 &
_bg_pids+=($!)
OOB_PID=$!
wait_for 20 listening srv $OOBPORT || bail "oob server starts"
fetch "http://$SRV4:$OOBPORT/x" "$SCRATCH/out/oob"
{ head -c 16 "$eicar_file"; printf Z; tail -c +17 "$eicar_file"; } >"$SCRATCH/oob-scanned"
cmp -s "$SCRATCH/out/oob" "$SCRATCH/oob-scanned"
result "URG byte inside a body is delivered in line, as scanned (no hidden EICAR)" $? \
	"$(fetch_diag "$SCRATCH/out/oob")" "received $(fsize "$SCRATCH/out/oob") bytes, EICAR: $(is_eicar "$SCRATCH/out/oob" && echo yes || echo no)"
kill "$OOB_PID" 2>/dev/null
wait "$OOB_PID" 2>/dev/null

# ---- 3. simultaneous open is scanned
s0=$(stats_json)
# The server never sees the client's SYN: both ends connect.
nsx srv iptables -A INPUT -p tcp --dport $OOBPORT --tcp-flags SYN,ACK SYN -j DROP
nsx cli $PYTHON "$HOSTILE" simcli $CLI4 40000 $SRV4 $OOBPORT "$SCRATCH/out/simopen" \
	2>"$SCRATCH/out/simopen.err" &
SIMCLI=$!
sleep 1
nsx srv $PYTHON "$HOSTILE" simsrv $SRV4 $OOBPORT $CLI4 40000 "$eicar_file" \
	2>"$SCRATCH/out/simsrv.err"
wait $SIMCLI
s1=$(stats_json)
body_of "$SCRATCH/out/simopen" >"$SCRATCH/out/simopen.body"
! is_eicar "$SCRATCH/out/simopen.body" && [ "$(delta "$s0" "$s1" infected)" -ge 1 ]
result "simultaneous open: EICAR blocked" $? \
	"received $(fsize "$SCRATCH/out/simopen") bytes" \
	"$(cat "$SCRATCH/out/simopen.err" "$SCRATCH/out/simsrv.err" 2>/dev/null | tail -n 5)"
nsx srv iptables -D INPUT -p tcp --dport $OOBPORT --tcp-flags SYN,ACK SYN -j DROP

# ---- 2. TCP Fast Open: data in the client's SYN is scanned, not bypassed
nsx cli sysctl -qw net.ipv4.tcp_fastopen=5	# client, no cookie needed
nsx srv sysctl -qw net.ipv4.tcp_fastopen=0x602	# server on every listener
HTTPD_LOG=$SCRATCH/log/httpd.log
fetch --tcp-fastopen "http://$SRV4/eicar.com" "$SCRATCH/out/tfo-get"
blocked_page "$SCRATCH/out/tfo-get" "$SIG_EICAR"
result "TFO: a GET in the SYN still gets EICAR blocked" $? "$(page_diag "$SCRATCH/out/tfo-get")"
fetch --tcp-fastopen "http://$SRV4/clean3k" "$SCRATCH/out/tfo-clean"
cmp -s "$SCRATCH/out/tfo-clean" "$clean"
result "TFO: clean download byte-exact" $? "$(page_diag "$SCRATCH/out/tfo-clean")"
fetch --tcp-fastopen --data-binary "@$eicar_file" "http://$SRV4/up/tfo" "$SCRATCH/out/tfo-up"
! grep -q "^httpd: upload [A-Z]* /up/tfo " "$HTTPD_LOG"
result "TFO: an EICAR upload in the SYN never completes at the server" $? \
	"$(page_diag "$SCRATCH/out/tfo-up")" "$(grep /up/tfo "$HTTPD_LOG")"
nsx cli sysctl -qw net.ipv4.tcp_fastopen=1
nsx srv sysctl -qw net.ipv4.tcp_fastopen=1

# ---- 8. no conntrack entry: payload of a scanned port is dropped
s0=$(stats_json)
nsx rtr iptables -t raw -A PREROUTING -p tcp --sport 80 -j CT --notrack
FETCH_TIMEOUT=6 fetch "http://$SRV4/eicar.com" "$SCRATCH/out/notrack"
nsx rtr iptables -t raw -D PREROUTING -p tcp --sport 80 -j CT --notrack
s1=$(stats_json)
! is_eicar "$SCRATCH/out/notrack" && [ "$(delta "$s0" "$s1" untracked)" -ge 1 ]
result "untracked (NOTRACK) responses on a scanned port never deliver EICAR" $? \
	"$(fetch_diag "$SCRATCH/out/notrack")" "untracked +$(delta "$s0" "$s1" untracked)"

# ---- 8. a connection not seen from its SYN: its payload is dropped
mkdir -p "$SCRATCH/sync2"
nsx cli $PYTHON "$HOSTILE" keepalive $SRV4 $PICKPORT /clean3k /eicar.com \
	"$SCRATCH/sync2" "$SCRATCH/out/pickup" 2>"$SCRATCH/out/pickup.err" &
PICK=$!
if wait_for 20 test -e "$SCRATCH/sync2/first-done"; then
	nfavctl set http ports 80,$RAWPORT,$OOBPORT,$PICKPORT
	touch "$SCRATCH/sync2/go"
fi
wait $PICK
! grep -q 'EICAR-STANDARD' "$SCRATCH/out/pickup"
result "a connection open before its port was scanned cannot carry EICAR" $? \
	"received $(fsize "$SCRATCH/out/pickup") bytes" "$(cat "$SCRATCH/out/pickup.err")"
nfavctl set http ports 80,$RAWPORT,$OOBPORT

# ---- 11. a server that pauses in an object and retransmits what nfav holds
# (after its timeout it sends nothing new until that is acknowledged): nfav
# lets all but the newest content byte go (a trimmed copy of the segment) and
# asks nfavd to check the content so far (NFAV_CMD_OBJECT_CHECK).  Infected:
# blocked there, before the end of the object; clean: the kept byte goes and
# the transfer goes on.  Before, the connection hung (the server waited for
# an ACK, nfav for the end of the object) or the whole object went.
for v in "chunked=1" "eof=1"; do
	s0=$(stats_json)
	t0=$(date +%s)
	fetch "http://$SRV4/eicar.com?$v&stall=8&stall_at=68&nodelay=1" "$SCRATCH/out/pause"
	t1=$(date +%s)
	s1=$(stats_json)
	! grep -qF "$EICAR" "$SCRATCH/out/pause" && [ "$CURL_RC" != 0 ] &&
		[ "$CURL_RC" != 28 ] && [ "$(delta "$s0" "$s1" infected)" -ge 1 ]
	result "server pauses after the last content byte ($v): EICAR blocked, never whole at the client" $? \
		"$(fetch_diag "$SCRATCH/out/pause")" "received $(fsize "$SCRATCH/out/pause") bytes," \
		"infected +$(delta "$s0" "$s1" infected)"
	[ "$(delta "$s0" "$s1" checks)" -ge 1 ] && [ $((t1 - t0)) -lt 8 ]
	result "...blocked by a check of the content so far, before the server goes on ($v)" $? \
		"checks +$(delta "$s0" "$s1" checks), took $((t1 - t0)) s of the server's 8 s pause"
	for at in 1500 3000; do
		s0=$(stats_json)
		fetch "http://$SRV4/clean3k?$v&stall=3&stall_at=$at&nodelay=1" "$SCRATCH/out/pausec"
		s1=$(stats_json)
		cmp -s "$SCRATCH/out/pausec" "$clean" && [ "$CURL_RC" = 0 ] &&
			[ "$(delta "$s0" "$s1" checks)" -ge 1 ]
		result "server pauses at byte $at of 3000 ($v): checked, clean file byte-exact, no hang" $? \
			"$(fetch_diag "$SCRATCH/out/pausec")" "checks +$(delta "$s0" "$s1" checks)"
	done
done

# The same over IPv6 (the trimmed copy's IPv6 length and checksum).
s0=$(stats_json)
fetch -g "http://[$SRV6]/clean3k?chunked=1&stall=3&stall_at=1500&nodelay=1" "$SCRATCH/out/pause6"
s1=$(stats_json)
cmp -s "$SCRATCH/out/pause6" "$clean" && [ "$CURL_RC" = 0 ] &&
	[ "$(delta "$s0" "$s1" checks)" -ge 1 ]
result "IPv6: server pauses mid-object: checked, clean file byte-exact, no hang" $? \
	"$(fetch_diag "$SCRATCH/out/pause6")" "checks +$(delta "$s0" "$s1" checks)"
s0=$(stats_json)
fetch -g "http://[$SRV6]/eicar.com?chunked=1&stall=8&stall_at=68&nodelay=1" "$SCRATCH/out/pause6e"
s1=$(stats_json)
! grep -qF "$EICAR" "$SCRATCH/out/pause6e" && [ "$CURL_RC" != 0 ] &&
	[ "$CURL_RC" != 28 ] && [ "$(delta "$s0" "$s1" infected)" -ge 1 ]
result "IPv6: server pauses after EICAR's last content byte: blocked, never whole" $? \
	"$(fetch_diag "$SCRATCH/out/pause6e")" "infected +$(delta "$s0" "$s1" infected)"

# ---- 12. unprivileged users: read yes, configure no
timeout_of() { jget "$(config_json)" protocols http scan_timeout; }
if command -v unshare >/dev/null && command -v setpriv >/dev/null; then
	nobody() { nsx rtr setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	out=$(nobody "$NFAVCTL" show status 2>&1)
	result "an unprivileged user reads the status" $? "$out"
	out=$(nobody "$NFAVCTL" set http scan-timeout 5 2>&1)
	st=$?
	[ $st != 0 ] && [ "$(timeout_of)" != 5 ]
	result "an unprivileged user cannot change the configuration" $? "exit $st: $out"
	# Root of its own user and network namespace: CAP_NET_ADMIN there,
	# not in the initial user namespace.
	out=$(nobody unshare --user --map-root-user --net \
		"$NFAVCTL" set http scan-timeout 5 2>&1)
	st=$?
	[ $st != 0 ]
	result "root of a user namespace cannot configure its namespace's nfav" $? "exit $st: $out"
	out=$(nobody unshare --user --map-root-user --net \
		"$NFAVCTL" set http scan-timeout 5 2>&1)
	case $out in *CAP_NET_ADMIN*) true ;; *) false ;; esac
	result "...and is told which capability is missing" $? "$out"
else
	skip "unprivileged users" "unshare/setpriv missing"
fi

check "kernel log clean" kmsg_clean_since begin
tap_end
