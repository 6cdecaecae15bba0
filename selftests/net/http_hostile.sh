#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A hostile server frames or encodes EICAR so that a real client decodes it
# while a scanner that frames or decodes differently sees something else;
# a hostile client pipelines more requests than the parser used to
# remember.  Learned from curl 7.88 and python 3.11's http.client first
# (without nfav); with nfav, none of it gets through:
#  - status lines some client takes: "http/1.1" (curl), " HTTP/1.1"
#    (python), after a 102;
#  - content codings: none, a custom name (the bytes as sent are scanned),
#    three stacked gzip (in one header and in two: transport, not layers),
#    five, six (curl refuses more than five: malformed), deflate with a bad
#    checksum or trailing bytes (curl hands the data over), a gzip bomb;
#  - a custom transfer coding (python keeps the bytes as sent);
#  - 12 and 100 pipelined requests, EICAR last: scanned, never bypassed.
# The servers are selftests/servers/rawhttpd.py (canned bytes, port 8080)
# and httpd.py (port 80).  nfavd runs with --max-filesize 1 MiB so that
# a bomb small enough to be held whole (8 MiB of zeros in 8 KiB) is one.
source "$(dirname "$0")/../lib.sh"

RAWHTTPD=$NFAV_DIR/selftests/servers/rawhttpd.py
PYCLIENT=$NFAV_DIR/selftests/servers/pyclient.py
EICAR_RE='EICAR-STANDARD-ANTIVIRUS'

tap_begin
av_setup --no-daemon 80
OUT=$SCRATCH/out
[ -d "$OUT" ] || bail "scratch directory $OUT"
nsx srv $PYTHON "$RAWHTTPD" --port 8080 >"$SCRATCH/log/rawhttpd.log" 2>&1 &
_bg_pids+=($!)
nfavd_start --max-filesize 1024 || bail "nfavd registers in rtr" "$(nfavd_log)"
wait_for 30 listening srv 8080 || bail "raw HTTP server listens on 8080"
s0=$(stats_json)

# refused FILE: the client did not get the content: the 403 page, or the
# transfer failed (reset, cut short, or refused by curl itself).
refused() {
	[ -e "$1.err" ] && ! grep -qs "$EICAR_RE" "$1" &&
		[ "$HTTP_CODE" = 403 -o "$CURL_RC" != 0 ]
}

# curl --compressed: a decoding client.
# (status-102-ce: the 102's framing headers are ignored, by curl and nfav)
for path in status-lower status-102-lower status-102-ce ce-none gzip3 \
	    gzip-2hdr gzip5 deflate-badsum deflate-trailing; do
	fetch --compressed "http://$SRV4:8080/$path" "$OUT/$path"
	refused "$OUT/$path"
	result "curl --compressed, $path: EICAR never arrives" $? "$(page_diag "$OUT/$path")"
done
# six codings: curl refuses them itself; nfav blocks them (the page)
fetch --compressed "http://$SRV4:8080/gzip6" "$OUT/gzip6"
[ "$HTTP_CODE" = 403 ] && grep -qi 'malformed' "$OUT/gzip6"
result "gzip6: more codings than clients undo: blocked as malformed" $? \
	"$(page_diag "$OUT/gzip6")"
# curl without --compressed keeps the bytes as sent
fetch "http://$SRV4:8080/ce-custom" "$OUT/ce-custom"
refused "$OUT/ce-custom"
result "curl, ce-custom (unknown coding, bytes as sent): EICAR never arrives" $? \
	"$(page_diag "$OUT/ce-custom")"
fetch --compressed "http://$SRV4:8080/bomb" "$OUT/bomb"
[ "$HTTP_CODE" = 403 ] && grep -qi 'malformed' "$OUT/bomb"
result "gzip bomb: blocked as malformed by default" $? "$(page_diag "$OUT/bomb")"

# python's http.client: status lines with leading white space, unknown
# transfer codings (the bytes as sent)
nsx cli $PYTHON "$PYCLIENT" get "$SRV4" 8080 "$OUT/py-lead" /status-lead :: \
	get "$SRV4" 8080 "$OUT/py-te" /te-custom >"$OUT/py.log" 2>&1
for j in py-lead py-te; do
	[ -s "$OUT/$j.txt" ] && ! grep -qs "$EICAR_RE" "$OUT/$j.1"
	result "python http.client, $j: EICAR never arrives" $? \
		"$(cat "$OUT/$j.txt" 2>/dev/null; head -c 300 "$OUT/$j.1" 2>/dev/null)"
done

# Pipelining: 12 and 100 requests in one send, EICAR last.
printf 'clean\n' >"$SCRATCH/www/clean.txt"
many=()
for i in $(seq 1 11); do many+=("/clean.txt?n=$i"); done
lots=()
for i in $(seq 1 99); do lots+=("/clean.txt?n=$i"); done
nsx cli $PYTHON "$PYCLIENT" pipeline "$SRV4" 80 "$OUT/pipe12" "${many[@]}" /eicar.com :: \
	pipeline "$SRV4" 80 "$OUT/pipe100" "${lots[@]}" /eicar.com >>"$OUT/py.log" 2>&1
# (Whether the clean responses ahead of the page all arrive is
# http_servers.sh's business; here: EICAR is scanned and never delivered.)
for j in pipe12 pipe100; do
	n=$([ $j = pipe12 ] && echo 12 || echo 100)
	[ -s "$OUT/$j.txt" ] && ! grep -qs "$EICAR_RE" "$OUT/$j".[0-9]* &&
		! grep -q "^$n 200 " "$OUT/$j.txt"
	result "pipelining $n requests, EICAR last: EICAR never arrives" $? \
		"$(tail -n 3 "$OUT/$j.txt" 2>/dev/null)" "$(head -c 300 "$OUT/$j.$n" 2>/dev/null)"
done

s1=$(stats_json)
[ "$(delta "$s0" "$s1" fallbacks malformed block)" = 2 ]
result "stats: the six codings and the bomb counted as malformed, blocked" $? "stats: $s1"
[ "$(delta "$s0" "$s1" bypassed)" = 0 ]
result "stats: nothing bypassed" $? "stats: $s1"
[ "$(delta "$s0" "$s1" infected)" = 14 ] && [ "$(delta "$s0" "$s1" clean)" -ge 105 ]
result "stats: every EICAR scanned (infected), the pipelined clean ones clean" $? "stats: $s1"

fetch "http://$SRV4/eicar.com" "$OUT/after"
blocked_page "$OUT/after" "$SIG_EICAR"
result "scanning goes on for other connections" $? "$(page_diag "$OUT/after")"

tap_end
