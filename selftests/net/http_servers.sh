#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Real servers and real clients, one HTTP framing at a time: for each, a
# clean object arrives byte-exact and an infected one is blocked.
#
# Server side (servers/httpd.py):
#  - Content-Encoding gzip, x-gzip, deflate (zlib, and raw deflate as some
#    servers send), br, zstd: the client gets the encoded bytes exactly as
#    the server sent them and decodes them (curl --compressed); an encoded
#    EICAR is blocked (nfavd undoes the codings the kernel names with
#    NFAV_O_ENCODING);
#  - Range / 206: a part is scanned as the part it is: a part holding the
#    signature is blocked, two parts splitting it both pass (a body
#    signature, NfavTest.EICARBody, finds EICAR inside other bytes);
#  - chunked with 1-byte chunks, chunk extensions and trailers;
#  - HTTP/1.0 framing: no Content-Length, the body ends with the connection.
# Client side:
#  - pipelining (servers/pyclient.py writes all requests in one send):
#    responses in order, an infected one in the middle replaced by the 403
#    page and the connection ended; 10 outstanding requests are all
#    scanned, none bypassed (http_hostile.sh: more);
#  - HTTP/1.0 with and without keep-alive (curl -0, http.client);
#  - Expect: 100-continue uploads;
#  - a CONNECT proxy (servers/connectproxy.py) on an HTTP port: the tunnel
#    is bypassed and counted, a refused CONNECT is still scanned;
#  - Python's http.client as the client.
# Every exec costs 0.2-0.6 s under TCG: transfers are batched in one curl
# (or Python) process, files are hashed in one sha256sum call, and the
# diagnostics are computed only for failures.
source "$(dirname "$0")/../lib.sh"

SIG_BODY=NfavTest.EICARBody
PYCLIENT=$NFAV_DIR/selftests/servers/pyclient.py
PROXY=$NFAV_DIR/selftests/servers/connectproxy.py

tap_begin
require_module
test_setup
WWW=$SCRATCH/www
OUT=$SCRATCH/out
URL=http://$SRV4
HTTPD_LOG=$SCRATCH/log/httpd.log
PROXY_LOG=$SCRATCH/log/proxy.log
[ -x "$NFAVD" ] && [ -x "$NFAVCTL" ] || bail "nfavd and nfavctl built"
gen_db || bail "signature database generated"
# EICAR as a body signature too: found inside a larger file or part.
printf '%s:0:*:%s\n' "$SIG_BODY" "$(printf '%s' "$EICAR" | od -An -tx1 | tr -d ' \n')" \
	>"$SCRATCH/db/body.ndb"
# The servers start while nfavd loads its engine.
ip netns exec srv $PYTHON "$HTTPD" --dir "$WWW" --port 80 >"$HTTPD_LOG" 2>&1 &
_bg_pids+=($!)
ip netns exec srv $PYTHON "$PROXY" --port 8080 --allow 80 --refuse-body "$WWW/eicar.com" \
	>"$PROXY_LOG" 2>&1 &
_bg_pids+=($!)

# ---------------------------------------------------------------- test data
head -c 72K /dev/urandom | base64 -w 76 >"$WWW/enc.txt"	# ~97 KiB, compressible
head -c 3K /dev/urandom | base64 -w 76 >"$WWW/small.txt"
gen_file 300K 300K
gen_file c500 500
gen_file c1k 1K
gen_file c50k 50K
gen_file c200k 200K
# rng.bin: 4 KiB random, EICAR at offset 4096, 4 KiB random: small enough
# to be held whole (a client's first receive window is about 10 segments).
head -c 4K /dev/urandom >"$WWW/rng.bin"
printf '%s' "$EICAR" >>"$WWW/rng.bin"
head -c 4K /dev/urandom >>"$WWW/rng.bin"
rlen=$((8192 + 68))
split=$((4096 + 34))	# half of EICAR on each side
mkdir "$SCRATCH/part"
# part NAME FIRST LAST: those bytes of rng.bin in part/NAME.
part() {
	dd if="$WWW/rng.bin" of="$SCRATCH/part/$1" iflag=skip_bytes,count_bytes \
		skip="$2" count=$(($3 - $2 + 1)) status=none
}
part head 0 2047
part tail $((rlen - 2000)) $((rlen - 1))
part half1 0 $((split - 1))
part half2 $split $((rlen - 1))

nfavd_start || bail "nfavd registers in rtr" "$(nfavd_log)"
wait_for 30 listening srv 80 || bail "HTTP server listens on 80" "$(cat "$HTTPD_LOG")"

# ---------------------------------------------------------------- helpers
declare -A H SZ SENT UPLOAD PY
# hashes FILE...: H[FILE] (sha256) and SZ[FILE] (size) of those that
# exist, in two execs.
hashes() {
	local h f
	while read -r h f; do H[$f]=$h; done < <(sha256sum -- "$@" 2>/dev/null)
	while read -r h f; do SZ[$f]=$h; done < <(stat -c '%s %n' -- "$@" 2>/dev/null)
}
# same A B: the two files have the same bytes (hashed before).
same() { [ -n "${H[$1]}" ] && [ "${H[$1]}" = "${H[$2]}" ]; }
hashes "$WWW"/* "$SCRATCH"/part/*
# page FILE SIG: FILE is nfav's notice page naming SIG, without the EICAR
# bytes (no exec; the status is checked by the callers).
page() {
	local c
	{ c=$(<"$1"); } 2>/dev/null
	[[ $c == *"Blocked by nfav"* && $c == *"$2"* && $c != *EICAR-STANDARD-ANTIVIRUS* ]]
}
# has FILE STRING: FILE contains STRING (no exec).
has() {
	local c
	{ c=$(<"$1"); } 2>/dev/null
	[[ $c == *"$2"* ]]
}
# load_log: the server's log lines: SENT[PATH]="STATUS LENGTH SHA256"
# (responses asked with log=1), UPLOAD[PATH]="LENGTH SHA256" (complete
# uploads), UPLOAD[continue PATH]=1 (100 Continue sent).
load_log() {
	local a b c d e f
	while read -r a b c d e f; do
		[ "$a" = httpd: ] || continue
		case "$b" in
		sent) SENT[$c]="$d $e $f" ;;
		upload) UPLOAD[$d]="$e $f" ;;
		continue) UPLOAD[continue $d]=1 ;;
		esac
	done <"$HTTPD_LOG"
}
logged() { load_log; [ -n "${SENT[$1]}" ]; }
# res DESCRIPTION STATUS [DIAG-COMMAND...]: result; the diagnostics
# command runs only on failure.
res() {
	local d=$1 st=$2
	shift 2
	if [ "$st" = 0 ]; then ok "$d"; else not_ok "$d" "$("$@" 2>&1)"; fi
}
# batch NAME; add [CURL-OPTION...] URL (one transfer with its own options);
# run_batch: all transfers in ONE curl process, in order (connections
# reused while the server keeps them open).  The Nth body is $OUT/NAME.N;
# R_RC[N] (curl exit code), R_CODE[N], R_CONN[N] (connections opened),
# R_SIZE[N], R_CE[N] (Content-Encoding), R_CR[N] (Content-Range), R_TIME[N].
batch() { B_NAME=$1 B_N=0 B_ARGS=(); }
add() {
	B_N=$((B_N + 1))
	[ $B_N -gt 1 ] && B_ARGS+=(--next)
	B_ARGS+=(-sS --max-time 30 -o "$OUT/$B_NAME.$B_N"
		-w "$B_N|%{exitcode}|%{http_code}|%{num_connects}|%{size_download}|%header{content-encoding}|%header{content-range}|%{time_total}\n"
		"$@")
}
run_batch() {
	local n rc code conn size ce cr t t0 slow=
	R_RC=() R_CODE=() R_CONN=() R_SIZE=() R_CE=() R_CR=() R_TIME=()
	t0=$(now_ms)
	nsx cli curl "${B_ARGS[@]}" >"$OUT/$B_NAME.w" 2>"$OUT/$B_NAME.err"
	while IFS='|' read -r n rc code conn size ce cr t; do
		R_RC[n]=$rc R_CODE[n]=$code R_CONN[n]=$conn R_SIZE[n]=$size R_CE[n]=$ce R_CR[n]=$cr R_TIME[n]=$t
		[ "${t%%.*}" -ge 2 ] 2>/dev/null && slow+=" #$n ${t}s"
	done <"$OUT/$B_NAME.w"
	diag "batch $B_NAME: $B_N transfers in $(($(now_ms) - t0)) ms${slow:+; slow:$slow}"
	hashes "$OUT/$B_NAME".[0-9]*
}
# r_exact N CODE FILE: transfer N got CODE and exactly FILE's bytes.
r_exact() { [ "${R_RC[$1]}" = 0 ] && [ "${R_CODE[$1]}" = "$2" ] && same "$OUT/$B_NAME.$1" "$3"; }
# r_blocked N SIG: transfer N got nfav's 403 page naming SIG.
r_blocked() { [ "${R_CODE[$1]}" = 403 ] && page "$OUT/$B_NAME.$1" "$2"; }
# show FILE: the start of FILE, printable.
show() { [ -s "$1" ] && head -c 400 "$1" | tr -c '[:print:]\n' '.' | head -n 8; return 0; }
# r_diag N... [-- LINE...]: what those transfers got, and extra lines.
r_diag() {
	local n
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		n=$1
		shift
		echo "transfer $n of $B_NAME: curl rc ${R_RC[$n]:-none} http ${R_CODE[$n]:-none}" \
			"new connections ${R_CONN[$n]:-?} size ${R_SIZE[$n]:-?} time ${R_TIME[$n]:-?} s" \
			"Content-Encoding '${R_CE[$n]}' Content-Range '${R_CR[$n]}'"
		show "$OUT/$B_NAME.$n"
	done
	[ "${1:-}" = -- ] && shift && printf '%s\n' "$@"
	[ -s "$OUT/$B_NAME.err" ] && echo "curl: $(tail -n 5 "$OUT/$B_NAME.err")"
	return 0
}
# py_load JOB...: pyclient's reports: PY[JOB.N] = "STATUS LENGTH ..." or
# "eof" / "reset" / "incomplete STATUS LENGTH"; PY[JOB.end] how the
# connection ended.
py_load() {
	local j n rest
	for j in "$@"; do
		while read -r n rest; do PY[$j.$n]=$rest; done <"$OUT/$j.txt"
	done
}
py_code() { echo "${PY[$1.$2]%% *}"; }
# py_exact JOB N FILE: response N of JOB is a 200 with exactly FILE's bytes.
py_exact() { [ "$(py_code "$1" "$2")" = 200 ] && same "$OUT/$1.$2" "$3"; }
py_blocked() { [ "$(py_code "$1" "$2")" = 403 ] && page "$OUT/$1.$2" "$3"; }
py_diag() {
	echo "$1: $(tr '\n' ';' <"$OUT/$1.txt" 2>/dev/null)"
	[ -n "${2:-}" ] && show "$OUT/$1.$2"
	grep -v '^[0-9e]' "$OUT/py.log" | tail -n 5
	return 0
}
stats_diag() { printf '%s\n' "$@"; }
n_blocked=0 n_clean=0
s0=$(stats_json)

# ================================================================ server framings, clean
# Content codings nfavd undoes; deflate-raw is a raw deflate stream
# labelled "deflate", as some servers send it.
CODINGS=(gzip x-gzip deflate deflate-raw br zstd)
label() { [ "$1" = deflate-raw ] && echo deflate || echo "$1"; }
cname() { [ "$1" = deflate-raw ] && echo "deflate (raw deflate stream)" || echo "$1"; }
declare -A T	# transfer number by name
batch clean
for c in "${CODINGS[@]}"; do
	add "$URL/enc.txt?encoding=$c&log=1"; T[raw-$c]=$B_N
	add --compressed "$URL/enc.txt?encoding=$c"; T[dec-$c]=$B_N
done
add "$URL/enc.txt?encoding=gzip&chunked=1&chunk=1000&log=1"; T[gzch]=$B_N
add -r 0-2047 "$URL/rng.bin"; T[r-head]=$B_N
add -r -2000 "$URL/rng.bin"; T[r-tail]=$B_N
add -r 0-$((split - 1)) "$URL/rng.bin"; T[r-half1]=$B_N
add -r $split- "$URL/rng.bin"; T[r-half2]=$B_N
add -r 999999- "$URL/rng.bin"; T[r-416]=$B_N
add "$URL/small.txt?chunked=1&chunk=1"; T[ch1]=$B_N
add -D "$OUT/chx.hdr" "$URL/enc.txt?chunked=1&chunk=1000&ext=1&trailer=1"; T[chx]=$B_N
add -0 -D "$OUT/eof.hdr" "$URL/enc.txt?eof=1&v10=1"; T[eof]=$B_N
add -0 "$URL/300K?eof=1&v10=1"; T[eof300]=$B_N
run_batch
wait_for 5 logged "/enc.txt?encoding=gzip&chunked=1&chunk=1000&log=1"

# as_sent N PATH: the body of transfer N is exactly what the server sent.
as_sent() {
	[ "${R_RC[$1]}" = 0 ] && [ "${SENT[$2]}" = "200 ${SZ[$OUT/$B_NAME.$1]} ${H[$OUT/$B_NAME.$1]}" ]
}
sent_diag() {
	r_diag "$1" -- "server sent: ${SENT[$2]:-nothing logged}" \
		"client got:  ${SZ[$OUT/$B_NAME.$1]:-nothing} ${H[$OUT/$B_NAME.$1]}"
}
for c in "${CODINGS[@]}"; do
	i=${T[raw-$c]}
	path="/enc.txt?encoding=$c&log=1"
	as_sent $i "$path" && [ "${R_CODE[i]}" = 200 ] && [ "${R_CE[i]}" = "$(label $c)" ] &&
		[ "${R_SIZE[i]}" -lt "${SZ[$WWW/enc.txt]}" ]
	res "Content-Encoding $(cname $c): the client gets the encoded body exactly as sent" $? \
		sent_diag $i "$path"
	r_exact ${T[dec-$c]} 200 "$WWW/enc.txt"
	res "Content-Encoding $(cname $c): curl --compressed decodes it to the original, byte-exact" $? \
		r_diag ${T[dec-$c]}
	n_clean=$((n_clean + 2))
done
i=${T[gzch]}
path="/enc.txt?encoding=gzip&chunked=1&chunk=1000&log=1"
as_sent $i "$path" && [ "$(gzip -dc <"$OUT/clean.$i" | sha256sum)" = "${H[$WWW/enc.txt]}  -" ]
res "gzip inside chunked framing: encoded body exact as sent, decodes to the original" $? \
	sent_diag $i "$path"

i=${T[r-head]}
r_exact $i 206 "$SCRATCH/part/head" && [ "${R_CR[i]}" = "bytes 0-2047/$rlen" ]
res "Range 0-2047 (clean part): 206 with its Content-Range, byte-exact" $? r_diag $i
i=${T[r-tail]}
r_exact $i 206 "$SCRATCH/part/tail" && [ "${R_CR[i]}" = "bytes $((rlen - 2000))-$((rlen - 1))/$rlen" ]
res "Range -2000 (clean suffix): 206, byte-exact" $? r_diag $i
r_exact ${T[r-half1]} 206 "$SCRATCH/part/half1" && r_exact ${T[r-half2]} 206 "$SCRATCH/part/half2"
res "Range: two parts that split EICAR both pass (each scanned as the part it is), byte-exact" $? \
	r_diag ${T[r-half1]} ${T[r-half2]}
i=${T[r-416]}
[ "${R_CODE[i]}" = 416 ] && [ "${R_CR[i]}" = "bytes */$rlen" ]
res "Range beyond the end: the server's 416 passes" $? r_diag $i

r_exact ${T[ch1]} 200 "$WWW/small.txt"
res "chunked with 1-byte chunks: ${SZ[$WWW/small.txt]} B byte-exact" $? r_diag ${T[ch1]}
r_exact ${T[chx]} 200 "$WWW/enc.txt" && has "$OUT/chx.hdr" "X-Body-Sha256: ${H[$WWW/enc.txt]}"
res "chunked with chunk extensions and trailers: body byte-exact, trailers delivered" $? \
	r_diag ${T[chx]} -- "headers and trailers:" "$(tr -d '\r' <"$OUT/chx.hdr")"
{ hdr=$(<"$OUT/eof.hdr"); } 2>/dev/null
r_exact ${T[eof]} 200 "$WWW/enc.txt" && [[ $hdr == "HTTP/1.0 200"* && ${hdr,,} != *content-length:* ]]
res "HTTP/1.0 response without Content-Length (ends with the connection): byte-exact" $? \
	r_diag ${T[eof]} -- "$hdr"
r_exact ${T[eof300]} 200 "$WWW/300K"
res "HTTP/1.0 response without Content-Length, 300 KiB (more than is held): byte-exact" $? \
	r_diag ${T[eof300]}
n_clean=$((n_clean + 9))

# ================================================================ server framings, infected
batch inf
for c in "${CODINGS[@]}"; do add "$URL/eicar.com?encoding=$c"; T[inf-$c]=$B_N; done
add "$URL/eicar.com?encoding=gzip&chunked=1&chunk=10"; T[inf-gzch]=$B_N
add "$URL/rng.bin"; T[inf-rng]=$B_N
add -r 4000-4999 "$URL/rng.bin"; T[inf-range]=$B_N
add "$URL/eicar.com?chunked=1&chunk=1"; T[inf-ch1]=$B_N
add "$URL/eicar.com?chunked=1&chunk=7&ext=1&trailer=1"; T[inf-chx]=$B_N
add -0 "$URL/eicar.com?eof=1&v10=1"; T[inf-eof]=$B_N
run_batch

# nfavd undoes the coding the kernel names (NFAV_O_ENCODING): libclamav
# alone would not see inside deflate, br or zstd.
for c in "${CODINGS[@]}"; do
	r_blocked ${T[inf-$c]} "$SIG_EICAR"
	res "Content-Encoding $(cname $c): encoded EICAR replaced by the 403 page" $? r_diag ${T[inf-$c]}
done
r_blocked ${T[inf-gzch]} "$SIG_EICAR"
res "gzip inside chunked framing (10-byte chunks): EICAR replaced by the 403 page" $? r_diag ${T[inf-gzch]}
r_blocked ${T[inf-rng]} "$SIG_BODY"
res "Range: the whole file (EICAR inside) is replaced by the 403 page naming $SIG_BODY" $? \
	r_diag ${T[inf-rng]}
r_blocked ${T[inf-range]} "$SIG_BODY"
res "Range 4000-4999 (holds EICAR): the 206 is replaced by the 403 page" $? r_diag ${T[inf-range]}
r_blocked ${T[inf-ch1]} "$SIG_EICAR"
res "chunked with 1-byte chunks: EICAR replaced by the 403 page" $? r_diag ${T[inf-ch1]}
r_blocked ${T[inf-chx]} "$SIG_EICAR"
res "chunked with extensions and trailers: EICAR replaced by the 403 page" $? r_diag ${T[inf-chx]}
r_blocked ${T[inf-eof]} "$SIG_EICAR"
res "HTTP/1.0 response without Content-Length: EICAR replaced by the 403 page" $? r_diag ${T[inf-eof]}
n_blocked=$((n_blocked + ${#CODINGS[@]} + 6))

# ================================================================ HTTP/1.0 clients (curl -0)
KA=(-0 -H "Connection: keep-alive")
batch h10
add -0 "$URL/c200k"					# 1
add -0 "$URL/c50k"					# 2
add -0 "$URL/eicar.com"					# 3
add "${KA[@]}" "$URL/c50k?v10=1"			# 4
add "${KA[@]}" "$URL/c200k?v10=1"			# 5
add "${KA[@]}" "$URL/c1k?v10=1"				# 6
add "${KA[@]}" "$URL/c50k?v10=1"			# 7
add "${KA[@]}" "$URL/eicar.com?v10=1"			# 8
add "${KA[@]}" "$URL/c1k?v10=1"				# 9
run_batch
r_exact 1 200 "$WWW/c200k" && r_exact 2 200 "$WWW/c50k" && [ "${R_CONN[1]}${R_CONN[2]}" = 11 ]
res "HTTP/1.0 without keep-alive: two downloads, a connection each, byte-exact" $? r_diag 1 2
r_blocked 3 "$SIG_EICAR"
res "HTTP/1.0 without keep-alive: EICAR replaced by the 403 page" $? r_diag 3
r_exact 4 200 "$WWW/c50k" && r_exact 5 200 "$WWW/c200k" && r_exact 6 200 "$WWW/c1k" &&
	[ "${R_CONN[4]}${R_CONN[5]}${R_CONN[6]}" = 100 ]
res "HTTP/1.0 keep-alive: three downloads on one connection, byte-exact" $? r_diag 4 5 6
r_exact 7 200 "$WWW/c50k" && [ "${R_CONN[7]}${R_CONN[8]}" = 00 ] && r_blocked 8 "$SIG_EICAR" &&
	r_exact 9 200 "$WWW/c1k"
res "HTTP/1.0 keep-alive: clean, EICAR (403 page on the same connection), clean again" $? r_diag 7 8 9
n_clean=$((n_clean + 7)) n_blocked=$((n_blocked + 2))

# ================================================================ Expect: 100-continue
upload_expect() {
	fetch -v -H "Expect: 100-continue" --data-binary "@$2" "$URL/up/$1" "$OUT/up-$1"
}
up_diag() {
	fetch_diag "$OUT/up-$1" | grep -v '^[<>*] \|^{ \|^} '
	show "$OUT/up-$1"
	echo "curl trace (100-continue):"
	grep -iE '100 Continue|Done waiting|Expect' "$OUT/up-$1.err"
	echo "server log:"
	grep "/up/$1" "$HTTPD_LOG"
	return 0
}
t0=$(now_ms)
upload_expect expect-clean "$WWW/c200k"
t_up=$(($(now_ms) - t0))
load_log
[ "$HTTP_CODE" = 200 ] && [ "${UPLOAD[/up/expect-clean]}" = "${SZ[$WWW/c200k]} ${H[$WWW/c200k]}" ] &&
	[ -n "${UPLOAD[continue /up/expect-clean]}" ] && has "$OUT/up-expect-clean.err" $'\n< HTTP/1.1 100 Continue'
res "Expect: 100-continue: the server's 100 Continue reaches curl, the 200 KiB upload arrives byte-exact" $? \
	up_diag expect-clean
has "$OUT/up-expect-clean.err" 'Done waiting for 100-continue' && waited=yes || waited=no
diag "100-continue upload: $t_up ms; curl gave up waiting for the 100 Continue: $waited"
upload_expect expect-eicar "$WWW/eicar.com"
load_log
[ "$HTTP_CODE" = 403 ] && page "$OUT/up-expect-eicar" "$SIG_EICAR" && [ -z "${UPLOAD[/up/expect-eicar]}" ]
res "Expect: 100-continue: EICAR upload answered by the 403 page, never completed at the server" $? \
	up_diag expect-eicar
n_clean=$((n_clean + 1)) n_blocked=$((n_blocked + 1))

# ================================================================ CONNECT tunnel
wait_for 30 listening srv 8080 || bail "CONNECT proxy listens on 8080" "$(cat "$PROXY_LOG")"
s_t0=$(stats_json)
batch tun
add -p -x "http://$SRV4:8080" -H "Connection: close" "$URL/c200k"	# 1 (the tunnel ends)
add -p -x "http://$SRV4:8080" "$URL/eicar.com"				# 2 (a new one)
run_batch
s_t1=$(stats_json)
tunnels() { [ "$(grep -c "^connectproxy: tunnel $SRV4:80 " "$PROXY_LOG")" = "$1" ]; }
r_exact 1 200 "$WWW/c200k" && [ "${R_CONN[2]}" = 1 ] && wait_for 5 tunnels 2
res "CONNECT tunnel on port 8080: the 200 KiB download through it arrives byte-exact" $? \
	r_diag 1 2 -- "proxy: $(cat "$PROXY_LOG")"
r_exact 2 200 "$WWW/eicar.com"
res "CONNECT tunnel: its bytes are not scanned (EICAR passes, as documented for tunnels)" $? r_diag 2
[ "$(delta "$s_t0" "$s_t1" bypassed)" = 2 ]
res "stats: the two tunnels (two CONNECTs) counted as bypassed" $? \
	stats_diag "bypassed +$(delta "$s_t0" "$s_t1" bypassed)" "stats: $s_t1"

# ================================================================ Python clients
# One Python process: pipelining, http.client (HTTP/1.1 and 1.0), a
# refused CONNECT.
many=()
for i in 1 2 3 4 5 6 7 8 9 10; do many+=("/c1k?n=$i"); done
s_p0=$(stats_json)
t0=$(now_ms)
nsx cli $PYTHON "$PYCLIENT" \
	pipeline "$SRV4" 80 "$OUT/pipe-clean" /c50k HEAD:/c200k /c200k "/c50k?chunked=1" /c1k :: \
	pipeline "$SRV4" 80 "$OUT/pipe-inf" /c500 HEAD:/c50k /eicar.com /c1k :: \
	pipeline "$SRV4" 80 "$OUT/pipe-prefix" /c1k HEAD:/c50k /eicar.com /c1k :: \
	pipeline "$SRV4" 80 "$OUT/pipe-many" "${many[@]}" :: \
	get "$SRV4" 80 "$OUT/get11" /c200k "/c200k?chunked=1" /eicar.com /c1k :: \
	get --http10 --keep-alive "$SRV4" 80 "$OUT/get10" "/c50k?v10=1" "/c200k?v10=1" "/eicar.com?v10=1" "/c1k?v10=1" :: \
	raw "$SRV4" 8080 "$OUT/refused" "CONNECT $SRV4:25 HTTP/1.1\r\nHost: $SRV4:25\r\n\r\n" \
	>"$OUT/py.log" 2>&1
diag "Python clients: $(($(now_ms) - t0)) ms"
s_p1=$(stats_json)
py_load pipe-clean pipe-inf pipe-prefix pipe-many get11 get10 refused
hashes "$OUT"/pipe-*.[0-9]* "$OUT"/get1*.[0-9]*

# A HEAD response has no body: the next response must not be taken for it.
py_exact pipe-clean 1 "$WWW/c50k" && [ "${PY[pipe-clean.2]}" = "200 0" ] &&
	py_exact pipe-clean 3 "$WWW/c200k" && py_exact pipe-clean 4 "$WWW/c50k" &&
	py_exact pipe-clean 5 "$WWW/c1k" && [ "${PY[pipe-clean.end]}" = eof ]
res "pipelining: GET, HEAD, GET, chunked GET, GET in one send: responses in order, byte-exact" $? \
	py_diag pipe-clean
py_exact pipe-inf 1 "$WWW/c500" && [ "${PY[pipe-inf.2]}" = "200 0" ]
res "pipelining, EICAR third: the clean responses before it (one to a HEAD) arrive byte-exact" $? \
	py_diag pipe-inf
py_blocked pipe-inf 3 "$SIG_EICAR"
res "pipelining, EICAR third: the 403 page in its place" $? py_diag pipe-inf 3
case "${PY[pipe-inf.4]}" in eof | reset) true ;; *) false ;; esac
res "pipelining, EICAR third: the connection ends after the page (the 4th response is lost)" $? \
	py_diag pipe-inf
# The same with a 1 KiB first response.  The server's writes after its
# first segment are coalesced (Nagle, while nfav holds that segment), so
# the infected response starts ~1.2 KiB into a segment that also carries the
# end of the clean first response and the HEAD answer: those clean, decided
# bytes must go out in front of the page (nfav_kill_replace() sends them as
# built segments), not be dropped with the rest.
py_exact pipe-prefix 1 "$WWW/c1k" && [ "${PY[pipe-prefix.2]}" = "200 0" ] &&
	py_blocked pipe-prefix 3 "$SIG_EICAR"
res "pipelining, EICAR third behind 1.2 KiB of clean bytes in its segment: those arrive, then the page" $? \
	py_diag pipe-prefix 1
ok_many=0
for i in 1 2 3 4 5 6 7 8 9 10; do py_exact pipe-many $i "$WWW/c1k" && ok_many=$((ok_many + 1)); done
[ $ok_many = 10 ]
res "pipelining 10 requests: all 10 responses byte-exact" $? py_diag pipe-many
[ "$(delta "$s_p0" "$s_p1" bypassed)" = 0 ]
res "stats: no pipelining connection counted as bypassed" $? \
	stats_diag "bypassed +$(delta "$s_p0" "$s_p1" bypassed)" "stats: $s_p1"

# get lines: "STATUS LENGTH CONNECTS"
py_exact get11 1 "$WWW/c200k" && py_exact get11 2 "$WWW/c200k" && [ "${PY[get11.2]##* }" = 1 ]
res "http.client: Content-Length and chunked downloads on one connection, byte-exact" $? py_diag get11
py_blocked get11 3 "$SIG_EICAR" && has "$OUT/get11.3" 'blocked this download'
res "http.client: EICAR answered by the 403 notice page" $? py_diag get11 3
py_exact get11 4 "$WWW/c1k"
res "http.client: the next download (new connection) is byte-exact" $? py_diag get11
py_exact get10 1 "$WWW/c50k" && py_exact get10 2 "$WWW/c200k" && [ "${PY[get10.2]##* }" = 1 ] &&
	py_blocked get10 3 "$SIG_EICAR" && py_exact get10 4 "$WWW/c1k"
res "http.client HTTP/1.0 keep-alive: clean, clean (one connection), EICAR (403 page), clean" $? \
	py_diag get10 3
{ refused=$(<"$OUT/refused.1"); } 2>/dev/null
[[ $refused == "HTTP/1.1 403 "* ]] && page "$OUT/refused.1" "$SIG_EICAR"
res "refused CONNECT (403 with EICAR as its body): not a tunnel, the body is blocked" $? py_diag refused 1
n_clean=$((n_clean + 12)) n_blocked=$((n_blocked + 5))	# HEAD: no object

# ================================================================ pipelining after a trickled response
# Trickling is for the objects that had begun when it started.  The first
# response is held past trickle-timeout 2 while its server pauses 3 s
# mid-body, so it is trickled.  nfavd is stopped before that response ends,
# so its verdict is still outstanding when the server goes on with the next
# pipelined responses (8 KiB with EICAR in the middle, then 1 KiB): those
# arrive whole and must stay held whole (they cannot pass the first
# response's last byte anyway).  Once nfavd resumes, the first response is
# clean, trickling ends, and the infected one can still be replaced by the
# 403 page.  (A server pausing mid-body for longer than its retransmission
# timeout is another matter: its retransmission releases the message start,
# so the page is no longer possible; see the admin guide.)
# One segment per skb from the server; one scan thread, so that the
# verdicts come in stream order (the first response's before the next).
nfavd_stop
nfavd_start --threads 1 || bail "nfavd registers again (one thread)"
check "trickle-timeout 2" nfavctl set http trickle-timeout 2
gso=$(ip -n srv -d link show veth0 | sed -n 's/.* gso_max_segs \([0-9]*\).*/\1/p')
ip -n srv link set veth0 gso_max_segs 1
nsx cli $PYTHON "$PYCLIENT" \
	pipeline "$SRV4" 80 "$OUT/pt" "/c200k?nodelay=1&stall=3" /rng.bin /c1k \
	>>"$OUT/py.log" 2>&1 &
ptpid=$!
sleep 2.5
kill -STOP "$NFAVD_PID"
sleep 2.5
kill -CONT "$NFAVD_PID"
wait "$ptpid"
nfavctl set http trickle-timeout 0
ip -n srv link set veth0 gso_max_segs "${gso:-65535}"
py_load pt
hashes "$OUT"/pt.[0-9]*
py_exact pt 1 "$WWW/c200k"
res "pipelining behind a trickled response: the trickled clean response arrives whole" $? py_diag pt 1
py_blocked pt 2 "$SIG_BODY" && ! has "$OUT/pt.2" EICAR-STANDARD-ANTIVIRUS
res "pipelining behind a trickled response: the next (infected) response is replaced by the 403 page" $? \
	py_diag pt 2
n_clean=$((n_clean + 1)) n_blocked=$((n_blocked + 1))

# ================================================================ counters
counted() { s1=$(stats_json); [ "$(delta "$s0" "$s1" infected)" -ge $n_blocked ]; }
wait_for 10 counted
d_inf=$(delta "$s0" "$s1" infected)
d_blk=$(delta "$s0" "$s1" blocked)
d_clean=$(delta "$s0" "$s1" clean)
[ "$d_inf" -ge $n_blocked ] && [ "$d_blk" -ge $n_blocked ] && [ "$d_clean" -ge $n_clean ]
res "stats: infected and blocked grew by at least $n_blocked, clean by at least $n_clean" $? \
	stats_diag "infected +$d_inf blocked +$d_blk clean +$d_clean" "stats: $s1"

tap_end
