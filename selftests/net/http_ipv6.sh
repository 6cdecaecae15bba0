#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nfav scans forwarded HTTP over IPv6 too: clean downloads arrive byte-exact,
# infected ones are replaced.
source "$(dirname "$0")/../lib.sh"

tap_begin
av_setup
gen_file 100K 100K
gen_file 5M 5M
s0=$(stats_json)

for f in 100K 5M; do
	fetch -g "http://[$SRV6]/$f" "$SCRATCH/out/$f"
	[ "$CURL_RC" = 0 ] && [ "$(sha "$SCRATCH/out/$f")" = "$(sha "$SCRATCH/www/$f")" ]
	result "IPv6: clean $f download is byte-exact" $? "$(fetch_diag "$SCRATCH/out/$f")"
done

fetch -g "http://[$SRV6]/eicar.com" "$SCRATCH/out/eicar"
blocked_page "$SCRATCH/out/eicar" "$SIG_EICAR"
result "IPv6: EICAR replaced by a 403 page naming $SIG_EICAR" $? "$(page_diag "$SCRATCH/out/eicar")"

fetch -g "http://[$SRV6]:8080/clam.zip" "$SCRATCH/out/clam.zip"
blocked_page "$SCRATCH/out/clam.zip" "$SIG_CLAM"
result "IPv6: clam.zip on port 8080 blocked" $? "$(page_diag "$SCRATCH/out/clam.zip")"

counted() { s1=$(stats_json); [ "$(delta "$s0" "$s1" infected)" -ge 2 ]; }
wait_for 10 counted
s1=$(stats_json)
[ "$(delta "$s0" "$s1" clean)" -ge 2 ] && [ "$(delta "$s0" "$s1" infected)" -ge 2 ]
result "IPv6: stats count the clean and infected objects" $? "stats: $s1"

tap_end
