#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Clean HTTP downloads through nfav arrive byte-exact (0 B to 5 MiB, chunked,
# the second default port 8080) and are counted as scanned and clean.
source "$(dirname "$0")/../lib.sh"

tap_begin
av_setup
gen_file 0B 0
gen_file 1B 1
gen_file 1K 1024
gen_file 100K 100K
gen_file 5M 5M
s0=$(stats_json)

for f in 0B 1B 1K 100K 5M; do
	fetch "http://$SRV4/$f" "$SCRATCH/out/$f"
	[ "$CURL_RC" = 0 ] && [ "$HTTP_CODE" = 200 ] &&
		[ "$(sha "$SCRATCH/out/$f")" = "$(sha "$SCRATCH/www/$f")" ]
	result "clean $f download is byte-exact" $? "$(fetch_diag "$SCRATCH/out/$f")"
done

fetch "http://$SRV4/100K?chunked=1" "$SCRATCH/out/100K-chunked"
[ "$CURL_RC" = 0 ] && cmp -s "$SCRATCH/out/100K-chunked" "$SCRATCH/www/100K"
result "clean 100K chunked download is byte-exact" $? "$(fetch_diag "$SCRATCH/out/100K-chunked")"

fetch "http://$SRV4:8080/1K" "$SCRATCH/out/1K-8080"
[ "$CURL_RC" = 0 ] && cmp -s "$SCRATCH/out/1K-8080" "$SCRATCH/www/1K"
result "clean 1K download on port 8080 is byte-exact" $? "$(fetch_diag "$SCRATCH/out/1K-8080")"

# A server that pauses mid-body (nfav holds what it has meanwhile).
gen_file 200K 200K
bg_fetch stall "http://$SRV4/200K?stall=3"
bg_wait stall 40
[ "$CURL_RC" = 0 ] && cmp -s "$SCRATCH/out/stall" "$SCRATCH/www/200K"
result "clean 200K download with a 3 s server pause mid-body completes intact" $? "$(ended_diag stall)"

# Four more objects on one keep-alive connection.
w=$(nsx cli curl -sS --max-time 60 -w '%{num_connects} ' \
	-o "$SCRATCH/out/k1" "http://$SRV4/1K" -o "$SCRATCH/out/k2" "http://$SRV4/100K" \
	-o "$SCRATCH/out/k3" "http://$SRV4/5M" -o "$SCRATCH/out/k4" "http://$SRV4/1B" 2>"$SCRATCH/out/k.err")
cmp -s "$SCRATCH/out/k1" "$SCRATCH/www/1K" && cmp -s "$SCRATCH/out/k2" "$SCRATCH/www/100K" &&
	cmp -s "$SCRATCH/out/k3" "$SCRATCH/www/5M" && cmp -s "$SCRATCH/out/k4" "$SCRATCH/www/1B"
result "four clean objects on one keep-alive connection are byte-exact" $? "curl: $w"
[ "$w" = "1 0 0 0 " ]
result "keep-alive connection reused through nfav" $? "num_connects per URL: $w"

# Verdicts may trail the last byte by a moment: poll the counters.
objects=11	# non-empty objects above (a 0-byte body need not be an object)
counted() { s1=$(stats_json); [ "$(delta "$s0" "$s1" clean)" -ge $objects ]; }
wait_for 10 counted
s1=$(stats_json)
d_scanned=$(delta "$s0" "$s1" scanned)
d_clean=$(delta "$s0" "$s1" clean)
d_infected=$(delta "$s0" "$s1" infected)
d_blocked=$(delta "$s0" "$s1" blocked)
[ "$d_scanned" -ge $objects ] && [ "$d_clean" -ge $objects ]
result "stats: scanned and clean grew by at least $objects" $? \
	"scanned +$d_scanned clean +$d_clean" "stats: $s1"
[ "$d_infected" = 0 ] && [ "$d_blocked" = 0 ]
result "stats: nothing infected or blocked" $? "infected +$d_infected blocked +$d_blocked"

tap_end
