#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fallbacks: without a daemon objects take the engine-not-ready fallback
# (log-and-permit by default, permit, block); with the daemon stopped
# (SIGSTOP) and scan-timeout 2 they take the timeout fallback (block,
# permit); after SIGCONT scanning works again.  Each action is counted.
source "$(dirname "$0")/../lib.sh"

tap_begin
av_setup --no-daemon
gen_file 1K 1K
gen_file 20K 20K

daemon_registered
result "no daemon registered in rtr" $(($? == 0)) "status: $(status_json)"

# fallback_case DESC REASON ACTION URL-FILE EXPECT(pass|block)
fallback_case() {
	local desc=$1 reason=$2 action=$3 file=$4 expect=$5 s0 s1 d out
	out=$SCRATCH/out/$reason-$action-$file
	s0=$(stats_json)
	fetch "http://$SRV4/$file" "$out"
	if [ "$expect" = pass ]; then
		[ "$CURL_RC" = 0 ] && [ "$HTTP_CODE" = 200 ] && cmp -s "$out" "$SCRATCH/www/$file"
		result "$desc: $file passes intact" $? "$(fetch_diag "$out")"
	else
		reset_or_403 "$out"
		result "$desc: $file blocked (403 or reset)" $? "$(page_diag "$out")"
		[ "$SIZE" -lt "$(fsize "$SCRATCH/www/$file")" ] || ! cmp -s "$out" "$SCRATCH/www/$file"
		result "$desc: $file content never arrives" $? "$(fetch_diag "$out")"
	fi
	counted() { s1=$(stats_json); [ "$(delta "$s0" "$s1" fallbacks "$reason" "$action")" -ge 1 ]; }
	wait_for 10 counted
	s1=$(stats_json)
	d=$(delta "$s0" "$s1" fallbacks "$reason" "$action")
	[ "$d" -ge 1 ]
	result "$desc: counter fallbacks.$reason.$action grew" $? "grew by $d" "stats: $s1"
}

fallback_case "engine-not-ready default (log-and-permit)" engine-not-ready log-and-permit eicar.com pass
check "set http fallback engine-not-ready permit" nfavctl set http fallback engine-not-ready permit
fallback_case "engine-not-ready permit" engine-not-ready permit eicar.com pass
check "set http fallback engine-not-ready block" nfavctl set http fallback engine-not-ready block
fallback_case "engine-not-ready block" engine-not-ready block 1K block
[ "$HTTP_CODE" = 403 ]
result "engine-not-ready block: the client gets a 403 page" $? "$(page_diag "$SCRATCH/out/engine-not-ready-block-1K")"

# Timeout: the daemon is registered but stopped.
nfavd_start || bail "nfavd registers in rtr" "$(nfavd_log)"
check "set http scan-timeout 2 fallback timeout block" \
	nfavctl set http scan-timeout 2 fallback timeout block
kill -STOP "$NFAVD_PID"
t0=$(now_ms)
fallback_case "timeout block (daemon stopped)" timeout block 20K block
t1=$(now_ms)
[ $((t1 - t0)) -ge 1500 ]
result "timeout block: the verdict waited for the scan timeout" $? "took $((t1 - t0)) ms"
check "set http fallback timeout permit" nfavctl set http fallback timeout permit
fallback_case "timeout permit (daemon stopped)" timeout permit 20K pass
kill -CONT "$NFAVD_PID"

daemon_registered
result "nfavd still registered after SIGCONT" $? "status: $(status_json)" "$(nfavd_log)"
fetch "http://$SRV4/eicar.com" "$SCRATCH/out/eicar-after"
blocked_page "$SCRATCH/out/eicar-after" "$SIG_EICAR"
result "after SIGCONT: EICAR is scanned and blocked again" $? "$(page_diag "$SCRATCH/out/eicar-after")"
fetch "http://$SRV4/20K" "$SCRATCH/out/20K-after"
[ "$CURL_RC" = 0 ] && cmp -s "$SCRATCH/out/20K-after" "$SCRATCH/www/20K"
result "after SIGCONT: a clean download passes intact" $? "$(fetch_diag "$SCRATCH/out/20K-after")"

tap_end
