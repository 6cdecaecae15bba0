#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Harness baseline: the cli-rtr-srv topology forwards IPv4 and IPv6, the test
# HTTP server and curl move files byte-exact through the router, curl reuses
# one connection for several URLs, and the server's mid-body stall works.
# Needs no nfav: the server listens on port 8000, which nfav does not scan
# by default, so this is the reference the nfav tests are compared with.
source "$(dirname "$0")/../lib.sh"

tap_begin
test_setup
ok "topology: cli -> rtr -> srv over IPv4 and IPv6"

gen_file empty 0
gen_file one 1
gen_file big 5M
httpd_start "$SCRATCH/www" 8000 || bail "http server starts in srv"
ok "http server listens on port 8000 in srv"

for f in empty one big; do
	fetch "http://$SRV4:8000/$f" "$SCRATCH/out/$f"
	[ "$CURL_RC" = 0 ] && [ "$HTTP_CODE" = 200 ] &&
		[ "$(sha "$SCRATCH/out/$f")" = "$(sha "$SCRATCH/www/$f")" ]
	result "IPv4 download of $f ($(fsize "$SCRATCH/www/$f") B) is byte-exact" $? \
		"$(fetch_diag "$SCRATCH/out/$f")"
done

fetch -g "http://[$SRV6]:8000/big" "$SCRATCH/out/big6"
[ "$CURL_RC" = 0 ] && [ "$(sha "$SCRATCH/out/big6")" = "$(sha "$SCRATCH/www/big")" ]
result "IPv6 download of 5 MiB is byte-exact" $? "$(fetch_diag "$SCRATCH/out/big6")"

w=$(nsx cli curl -sS --max-time 30 -w '%{num_connects} ' \
	-o "$SCRATCH/out/k1" "http://$SRV4:8000/one" \
	-o "$SCRATCH/out/k2" "http://$SRV4:8000/big" \
	-o "$SCRATCH/out/k3" "http://$SRV4:8000/one" 2>&1)
[ "$w" = "1 0 0 " ] && cmp -s "$SCRATCH/out/k2" "$SCRATCH/www/big"
result "three URLs on one keep-alive connection" $? "num_connects per URL: $w"

gen_file 200K 200K
bg_fetch stall "http://$SRV4:8000/200K?stall=2"
bg_wait stall 30
[ "$CURL_RC" = 0 ] && cmp -s "$SCRATCH/out/stall" "$SCRATCH/www/200K"
result "a transfer the server stalls for 2 s in the middle completes" $? "$(ended_diag stall)"

t0=$(now_ms)
fetch "http://$SRV4:8000/big" "$SCRATCH/out/big-t"
t1=$(now_ms)
diag "5 MiB forwarded in $((t1 - t0)) ms ($((5 * 1024 * 1000 / (t1 - t0 + 1))) KiB/s)"

tap_end
