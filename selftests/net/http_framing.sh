#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile or unusual HTTP framing gets a decision, never a bypass by
# accident: conflicting Content-Length, Transfer-Encoding with
# Content-Length, invalid chunk sizes and over-long framing headers block
# the connection (counted as malformed); protocol upgrades and non-HTTP
# clients on an HTTP port are passed unscanned and counted as bypassed.
source "$(dirname "$0")/../lib.sh"

RAWHTTPD=$NFAV_DIR/selftests/servers/rawhttpd.py
RAWCLIENT=$NFAV_DIR/selftests/servers/rawclient.py

tap_begin
av_setup 80
nsx srv $PYTHON "$RAWHTTPD" --port 8080 >"$SCRATCH/log/rawhttpd.log" 2>&1 &
_bg_pids+=($!)
wait_for 30 listening srv 8080 || bail "raw HTTP server listens on 8080"
s0=$(stats_json)

for path in dup-cl te-cl bad-chunk long-ctype; do
	fetch "http://$SRV4:8080/$path" "$SCRATCH/out/$path"
	! grep -qs 'EICAR-STANDARD-ANTIVIRUS' "$SCRATCH/out/$path" && [ "$HTTP_CODE" != 200 -o "$CURL_RC" != 0 ]
	result "$path: blocked, the EICAR body never arrives" $? "$(page_diag "$SCRATCH/out/$path")"
done
s1=$(stats_json)
[ "$(delta "$s0" "$s1" malformed)" -ge 4 ] && [ "$(delta "$s0" "$s1" clean)" = 0 ]
result "stats: 4 malformed responses counted, none passed as clean" $? "stats: $s1"
kmsg_since_start=$(dmesg | grep -c "nfav: malformed HTTP")
[ "$kmsg_since_start" -ge 1 ]
result "the kernel log says why (malformed HTTP)" $? "$(dmesg | grep nfav | tail -5)"

nsx cli $PYTHON "$RAWCLIENT" "$SRV4" 8080 \
	'GET /upgrade HTTP/1.1\r\nHost: srv\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n' \
	"$SCRATCH/out/upgrade"
grep -q "101 Switching" "$SCRATCH/out/upgrade" && grep -q 'EICAR-STANDARD-ANTIVIRUS' "$SCRATCH/out/upgrade"
result "Upgrade (WebSocket): tunnel bytes pass unscanned" $? "$(head -c 300 "$SCRATCH/out/upgrade")"

nsx cli $PYTHON "$RAWCLIENT" "$SRV4" 8080 \
	'SSH-2.0-nfavtest\r\nX5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*' \
	"$SCRATCH/out/nonhttp" 10
grep -q 'SSH-2.0-nfavtest' "$SCRATCH/out/nonhttp"
result "non-HTTP client on an HTTP port: passed (echoed back)" $? "$(head -c 300 "$SCRATCH/out/nonhttp")"
s2=$(stats_json)
[ "$(delta "$s1" "$s2" bypassed)" -ge 2 ]
result "stats: the upgrade and the non-HTTP connection counted as bypassed" $? "stats: $s2"

fetch "http://$SRV4/eicar.com" "$SCRATCH/out/after"
blocked_page "$SCRATCH/out/after" "$SIG_EICAR"
result "scanning goes on for other connections" $? "$(page_diag "$SCRATCH/out/after")"

tap_end
