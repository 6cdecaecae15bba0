#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nfavctl: non-root reads status and counters but is refused everything
# else (exit 1, "permission denied"), usage errors
# exit 2 and change nothing, `show config` reflects `set`, the scanned port
# list is what the configuration says, `show flows` lists a held flow,
# `stats clear` zeroes the counters, `monitor` reports a detection.
source "$(dirname "$0")/../lib.sh"

tap_begin
av_setup 80 8081
gen_file 200K 200K

nobody() { nsx rtr setpriv --reuid=65534 --regid=65534 --clear-groups "$NFAVCTL" "$@"; }
for cmd in "show status" "show stats"; do
	out=$(nobody $cmd 2>&1)
	result "non-root 'nfavctl $cmd' allowed" $? "$out"
done
for cmd in "show config" "show flows" "set http scan-timeout 5" "stats clear"; do
	out=$(nobody $cmd 2>&1)
	rc=$?
	[ $rc = 1 ] && echo "$out" | grep -qi 'permission denied'
	result "non-root 'nfavctl $cmd' refused: exit 1, permission denied" $? "exit $rc: $out"
done
[ "$(jget "$(config_json)" protocols http scan_timeout)" = 180 ]
result "non-root set changed nothing (scan-timeout 180)" $? "config: $(config_json)"

cfg0=$(config_json)
usage_err() {
	local out rc
	out=$(nfavctl "$@" 2>&1)
	rc=$?
	[ $rc = 2 ] && [ -n "$out" ]
	result "usage error exits 2: nfavctl $*" $? "exit $rc: $out"
}
usage_err
usage_err bogus
usage_err show bogus
usage_err set
usage_err set http
usage_err set bogus enabled yes
usage_err set http ports 0
usage_err set http ports 65536
usage_err set http ports 80,80
usage_err set http ports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17
usage_err set http scan-timeout 0
usage_err set http scan-timeout 1801
usage_err set http scan-timeout abc
usage_err set http fallback bogus block
usage_err set http fallback timeout bogus
usage_err set http enabled maybe
usage_err --bogus show status
[ "$(config_json)" = "$cfg0" ]
result "usage errors changed nothing" $? "before: $cfg0" "after: $(config_json)"

check "nfavctl -h exits 0" nfavctl -h
check "nfavctl --version exits 0" nfavctl --version

# Ports.
ports=$(jget "$(config_json)" protocols http ports | tr -d ' \n')
[ "$ports" = "[80,8080]" ]
result "default http ports are 80 and 8080" $? "ports: $ports"
check "set http ports 8081 scan-timeout 60 fallback timeout block" \
	nfavctl set http ports 8081 scan-timeout 60 fallback timeout block
cfg=$(config_json)
[ "$(jget "$cfg" protocols http ports | tr -d ' \n')" = "[8081]" ] &&
	[ "$(jget "$cfg" protocols http scan_timeout)" = 60 ] &&
	[ "$(jget "$cfg" protocols http fallbacks timeout)" = block ]
result "show config reflects ports 8081, scan-timeout 60, fallback timeout block" $? "config: $cfg"
nfavctl show config | grep -q 'ports 8081'
result "text show config reflects ports 8081" $? "$(nfavctl show config 2>&1)"

s0=$(stats_json)
fetch "http://$SRV4:8081/eicar.com" "$SCRATCH/out/eicar-8081"
blocked_page "$SCRATCH/out/eicar-8081" "$SIG_EICAR"
result "port 8081 is scanned: EICAR blocked" $? "$(page_diag "$SCRATCH/out/eicar-8081")"
fetch "http://$SRV4/eicar.com" "$SCRATCH/out/eicar-80"
[ "$CURL_RC" = 0 ] && [ "$HTTP_CODE" = 200 ] && cmp -s "$SCRATCH/out/eicar-80" "$SCRATCH/www/eicar.com"
result "port 80 is no longer scanned: EICAR passes" $? "$(fetch_diag "$SCRATCH/out/eicar-80")"
s1=$(stats_json)
[ "$(delta "$s0" "$s1" infected)" = 1 ] && [ "$(delta "$s0" "$s1" scanned)" = 1 ]
result "stats: exactly one object scanned (8081), none on port 80" $? "stats: $s1"

check "set http enabled no" nfavctl set http enabled no
[ "$(jget "$(config_json)" protocols http enabled)" = false ]
result "show config reflects enabled no" $? "config: $(config_json)"
fetch "http://$SRV4:8081/eicar.com" "$SCRATCH/out/eicar-off"
[ "$CURL_RC" = 0 ] && [ "$HTTP_CODE" = 200 ]
result "http disabled: EICAR on 8081 passes" $? "$(fetch_diag "$SCRATCH/out/eicar-off")"
check "set http enabled yes" nfavctl set http enabled yes

# Flows: a transfer the server stalls in the middle is listed while held.
bg_fetch fl "http://$SRV4:8081/200K?stall=5"
listed() {
	flows=$(nfavctl -j show flows 2>/dev/null)
	printf '%s' "$flows" | grep -q '"server_port":8081' &&
		printf '%s' "$flows" | grep -q "\"client\":\"$CLI4\""
}
wait_for 20 listed
result "show flows lists the active flow (client $CLI4, port 8081)" $? "flows: $flows"
bg_wait fl 40
[ "$CURL_RC" = 0 ] && cmp -s "$SCRATCH/out/fl" "$SCRATCH/www/200K"
result "the stalled clean transfer completes intact" $? "$(ended_diag fl)"

# Monitor.
ip netns exec rtr "$NFAVCTL" -j monitor >"$SCRATCH/log/monitor" 2>&1 &
mon=$!
_bg_pids+=("$mon")
sleep 2
fetch "http://$SRV4:8081/eicar.com" "$SCRATCH/out/eicar-mon"
seen() { grep -q '"event":"detection"' "$SCRATCH/log/monitor" && grep -q "$SIG_EICAR" "$SCRATCH/log/monitor"; }
wait_for 10 seen
result "monitor -j reports the detection with the signature" $? "monitor: $(cat "$SCRATCH/log/monitor")"
kill -INT $mon
wait $mon
result "monitor exits 0 on SIGINT" $?

check "stats clear" nfavctl stats clear
s=$(stats_json)
[ "$(counter "$s" scanned)" = 0 ] && [ "$(counter "$s" infected)" = 0 ] && [ "$(counter "$s" blocked)" = 0 ]
result "stats clear zeroes the counters" $? "stats: $s"

tap_end
