#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# HTTP request bodies (uploads): clean POST and PUT bodies, with
# Content-Length and chunked, reach the server byte-exact; infected ones
# never complete at the server (held tail dropped, server reset) and the
# client gets the 403 notice page as the answer to its request.
source "$(dirname "$0")/../lib.sh"

tap_begin
av_setup
HTTPD_LOG=$SCRATCH/log/httpd.log
s0=$(stats_json)

# upload NAME FILE [CURL-OPTION...]: send FILE to /up/NAME from cli.
upload() {
	local name=$1 file=$2
	shift 2
	fetch "$@" --data-binary "@$file" "http://$SRV4/up/$name" "$SCRATCH/out/up-$name"
}
# server_got NAME FILE: the server logged a complete upload of FILE's bytes.
server_got() {
	grep -q "^httpd: upload [A-Z]* /up/$1 $(fsize "$2") $(sha "$2")\$" "$HTTPD_LOG"
}
server_completed() { grep -q "^httpd: upload [A-Z]* /up/$1 " "$HTTPD_LOG"; }
up_diag() {
	page_diag "$SCRATCH/out/up-$1"
	echo "server log:"
	grep "/up/$1" "$HTTPD_LOG" | tail -n 3
	return 0
}

gen_file up100k 100K
gen_file up5m 5M
upload post100k "$SCRATCH/www/up100k"
[ "$HTTP_CODE" = 200 ] && server_got post100k "$SCRATCH/www/up100k"
result "clean 100 KiB POST arrives byte-exact" $? "$(up_diag post100k)"

upload put5m "$SCRATCH/www/up5m" -X PUT
[ "$HTTP_CODE" = 200 ] && server_got put5m "$SCRATCH/www/up5m"
result "clean 5 MiB PUT arrives byte-exact" $? "$(up_diag put5m)"

upload chunked100k "$SCRATCH/www/up100k" -H "Transfer-Encoding: chunked"
[ "$HTTP_CODE" = 200 ] && server_got chunked100k "$SCRATCH/www/up100k"
result "clean 100 KiB chunked POST arrives byte-exact" $? "$(up_diag chunked100k)"

upload eicar "$SCRATCH/www/eicar.com"
blocked_page "$SCRATCH/out/up-eicar" "$SIG_EICAR" && ! server_completed eicar
result "EICAR POST: 403 notice for the client, the server never completes it" $? "$(up_diag eicar)"
grep -q "blocked this upload" "$SCRATCH/out/up-eicar"
result "EICAR POST: the notice says the upload was blocked" $? "$(up_diag eicar)"

upload zip "$SCRATCH/www/clam.zip" -X PUT
blocked_page "$SCRATCH/out/up-zip" "$SIG_CLAM" && ! server_completed zip
result "clam.zip PUT blocked" $? "$(up_diag zip)"

upload chunked-eicar "$SCRATCH/www/eicar.com" -H "Transfer-Encoding: chunked"
blocked_page "$SCRATCH/out/up-chunked-eicar" "$SIG_EICAR" && ! server_completed chunked-eicar
result "EICAR chunked POST blocked" $? "$(up_diag chunked-eicar)"

# 5 MiB of random data with clam.exe as the last tar member: trickled, so
# the server gets most of it, but never the end.
head -c 5M /dev/urandom >"$SCRATCH/rnd.bin"
tar -cf "$SCRATCH/big-infected.tar" -C "$SCRATCH" rnd.bin -C "$SCRATCH/www" clam.exe
upload bigtar "$SCRATCH/big-infected.tar"
! server_completed bigtar && [ "$HTTP_CODE" != 200 ]
result "5 MiB upload with an infected tail never completes at the server" $? "$(up_diag bigtar)"

s1=$(stats_json)
[ "$(delta "$s0" "$s1" infected)" -ge 4 ] && [ "$(delta "$s0" "$s1" clean)" -ge 3 ]
result "stats: uploads counted (infected >= 4, clean >= 3)" $? "stats: $s1"

tap_end
