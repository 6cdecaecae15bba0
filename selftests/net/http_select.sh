#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Which HTTP objects are scanned, as configured with nfavctl: scan mode
# by-extension (shipped list, edited), the content-type bypass list with
# exceptions, the host/URL-prefix bypass list; the decompression layer limit
# and the header-section limit with the malformed fallback.  Every skipped
# object is counted, every scanned one enforced.
source "$(dirname "$0")/../lib.sh"

tap_begin
av_setup
www=$SCRATCH/www
cp "$www/eicar.com" "$www/eicar.txt"
cp "$www/eicar.com" "$www/eicar.png"
cp "$www/eicar.com" "$www/eicar"
mkdir -p "$www/pub" "$www/priv"
cp "$www/eicar.com" "$www/pub/eicar.bin"
cp "$www/eicar.com" "$www/priv/eicar.bin"

# get NAME URL [CURL-OPTION...]: fetch into out/NAME.
get() {
	local name=$1 url=$2
	shift 2
	fetch "$@" "http://$SRV4$url" "$SCRATCH/out/$name"
}
# passed NAME: the EICAR file arrived unchanged.
passed() { [ "$HTTP_CODE" = 200 ] && cmp -s "$SCRATCH/out/$1" "$www/eicar.com"; }
blocked() { blocked_page "$SCRATCH/out/$1" "$SIG_EICAR"; }
pdiag() { page_diag "$SCRATCH/out/$1"; }
skipped_since() { delta "$1" "$(stats_json)" skipped; }

# ---- defaults
cfg=$(config_json)
[ "$(jget "$cfg" protocols http scan_mode)" = scan-all ] &&
	[ "$(jget "$cfg" protocols http max_layers)" = 2 ] &&
	[ "$(jget "$cfg" protocols http header_limit)" = 65536 ] &&
	[ "$(jget "$cfg" protocols http fallbacks malformed)" = block ]
result "defaults: scan-all, 2 layers, 64 KiB headers, malformed blocks" $? "config: $cfg"
get all-txt /eicar.txt
blocked all-txt
result "scan-all: eicar.txt is scanned and blocked" $? "$(pdiag all-txt)"

# ---- scan mode by-extension
s0=$(stats_json)
check "set http scan-mode by-extension" nfavctl set http scan-mode by-extension
get ext-txt /eicar.txt
passed ext-txt
result "by-extension: .txt is not in the shipped list, passes unscanned" $? "$(pdiag ext-txt)"
get ext-com /eicar.com
blocked ext-com
result "by-extension: .com is in the list, blocked" $? "$(pdiag ext-com)"
get ext-none /eicar
passed ext-none
result "by-extension: a name without extension passes" $? "$(pdiag ext-none)"
get ext-cd "/eicar.txt?cd=setup.exe"
blocked ext-cd
result "by-extension: Content-Disposition filename setup.exe is scanned" $? "$(pdiag ext-cd)"
get ext-pct "/eicar.txt?x=/a.exe"
passed ext-pct
result "by-extension: an extension in the query string does not count" $? "$(pdiag ext-pct)"
[ "$(skipped_since "$s0")" = 3 ]
result "three objects counted as skipped" $? "stats: $(stats_json)"

check "extensions add txt" nfavctl set http extensions add txt
get ext-txt2 /eicar.txt
blocked ext-txt2
result "extension list edited: .txt now scanned" $? "$(pdiag ext-txt2)"
check "extensions exe,zip replaces the list" nfavctl set http extensions exe,zip
[ "$(jget "$(config_json)" protocols http extensions | tr -d ' \n')" = '["exe","zip"]' ]
result "show config lists exactly exe,zip" $? "config: $(config_json)"
get ext-com2 /eicar.com
passed ext-com2
result "list without com: eicar.com passes" $? "$(pdiag ext-com2)"
check "extensions default" nfavctl set http extensions default
get ext-com3 /eicar.com
blocked ext-com3
result "default list restored: eicar.com blocked again" $? "$(pdiag ext-com3)"
check "back to scan-all" nfavctl set http scan-mode scan-all

# ---- content-type bypass with exceptions
s0=$(stats_json)
check "mime-bypass text/,image/png" nfavctl set http mime-bypass text/,image/png
get mime-txt "/eicar.com?type=text/plain"
passed mime-txt
result "text/ prefix: text/plain passes unscanned" $? "$(pdiag mime-txt)"
get mime-png /eicar.png
passed mime-png
result "image/png passes unscanned" $? "$(pdiag mime-png)"
get mime-gif "/eicar.com?type=image/gif"
blocked mime-gif
result "image/gif is not listed: blocked" $? "$(pdiag mime-gif)"
get mime-par "/eicar.com?type=TEXT/Plain;%20charset=utf-8"
passed mime-par
result "type matched case-insensitively without parameters" $? "$(pdiag mime-par)"
check "mime-scan text/html (exception)" nfavctl set http mime-scan text/html
get mime-html "/eicar.com?type=text/html"
blocked mime-html
result "exception: text/html is scanned despite text/" $? "$(pdiag mime-html)"
[ "$(skipped_since "$s0")" = 3 ]
result "skipped counter counts the three bypassed types" $? "stats: $(stats_json)"
check "clear the content-type lists" nfavctl set http mime-bypass none mime-scan none
get mime-txt2 "/eicar.com?type=text/plain"
blocked mime-txt2
result "lists cleared: text/plain scanned again" $? "$(pdiag mime-txt2)"

# ---- host / URL-prefix bypass
check "url-bypass updates.example,.cdn.example,files.example/pub/" \
	nfavctl set http url-bypass updates.example,.cdn.example,files.example/pub/
get url-host /eicar.com -H "Host: updates.example"
passed url-host
result "bypassed host: passes" $? "$(pdiag url-host)"
get url-port /eicar.com -H "Host: UPDATES.example:80"
passed url-port
result "bypassed host with port and upper case: passes" $? "$(pdiag url-port)"
get url-sub /eicar.com -H "Host: a.b.cdn.example"
passed url-sub
result ".cdn.example covers subdomains" $? "$(pdiag url-sub)"
get url-other /eicar.com -H "Host: updates.example.net"
blocked url-other
result "a host that only starts with a bypassed name is scanned" $? "$(pdiag url-other)"
get url-pub /pub/eicar.bin -H "Host: files.example"
passed url-pub
result "files.example/pub/ prefix: /pub/ passes" $? "$(pdiag url-pub)"
get url-priv /priv/eicar.bin -H "Host: files.example"
blocked url-priv
result "files.example/pub/ prefix: /priv/ is scanned" $? "$(pdiag url-priv)"
check "url-bypass del updates.example" nfavctl set http url-bypass del updates.example
get url-host2 /eicar.com -H "Host: updates.example"
blocked url-host2
result "entry removed: the host is scanned again" $? "$(pdiag url-host2)"
check "clear url-bypass" nfavctl set http url-bypass none

# ---- decompression layers (clam.tar.gz: gzip > tar > clam.exe)
# A signature wins over the limit: clam.tar.gz is blocked as infected at
# max-layers 1 too.  Only a clean object with content under more layers
# takes the decompress-layer fallback: a random file in a tar.gz in a zip
# (zip > gzip > tar > file: 3 layers), a new one for each expectation
# (libclamav's clean cache keeps what it scanned); small enough to be held
# whole (a fallback block then sends the page).
# nest NAME: www/NAME.zip holding NAME.tar.gz holding NAME.bin (random).
nest() {
	mkdir -p "$SCRATCH/nest/$1" &&
		head -c 2K /dev/urandom >"$SCRATCH/nest/$1/$1.bin" &&
		tar -czf "$SCRATCH/nest/$1/$1.tar.gz" -C "$SCRATCH/nest/$1" "$1.bin" &&
		$PYTHON -S -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
	z.write(sys.argv[2], sys.argv[2].rsplit("/", 1)[-1])' \
			"$www/$1.zip" "$SCRATCH/nest/$1/$1.tar.gz"
}
nest clean-a && nest clean-b && nest clean-c
result "clean nested archives built (random file in tar.gz in zip)" $?
s0=$(stats_json)
get layers2 /clam.tar.gz
blocked_page "$SCRATCH/out/layers2" "$SIG_CLAM"
result "max-layers 2: clam.tar.gz is unpacked and blocked" $? "$(pdiag layers2)"
check "max-layers 1, decompress-layer fallback block" \
	nfavctl set http max-layers 1 fallback decompress-layer block
s0=$(stats_json)
get layers1 /clam.tar.gz
s1=$(stats_json)
blocked_page "$SCRATCH/out/layers1" "$SIG_CLAM" &&
	[ "$(delta "$s0" "$s1" infected)" = 1 ] &&
	[ "$(delta "$s0" "$s1" fallbacks decompress-layer block)" = 0 ]
result "max-layers 1: clam.tar.gz is blocked as infected (the signature wins)" $? \
	"$(pdiag layers1; nfavd_log 5)" "stats: $s1"
get layers1-zip /clam.zip
blocked_page "$SCRATCH/out/layers1-zip" "$SIG_CLAM"
result "max-layers 1: clam.zip (one layer) is detected" $? "$(pdiag layers1-zip)"
s0=$(stats_json)
get nest1 /clean-a.zip
s1=$(stats_json)
[ "$HTTP_CODE" = 403 ] && ! cmp -s "$SCRATCH/out/nest1" "$www/clean-a.zip" &&
	[ "$(delta "$s0" "$s1" fallbacks decompress-layer block)" = 1 ] &&
	[ "$(delta "$s0" "$s1" infected)" = 0 ]
result "max-layers 1: a clean archive 3 layers deep takes the decompress-layer fallback (block)" $? \
	"$(pdiag nest1; nfavd_log 5)" "stats: $s1"
get nest1b /clean-a.zip
s2=$(stats_json)
[ "$HTTP_CODE" = 403 ] && [ "$(delta "$s1" "$s2" fallbacks decompress-layer block)" = 1 ]
result "... and again when fetched a second time (not passed from the clean cache)" $? \
	"$(pdiag nest1b; nfavd_log 5)" "stats: $s2"
check "max-layers 2, decompress-layer log-and-permit" \
	nfavctl set http max-layers 2 fallback decompress-layer log-and-permit
s0=$(stats_json)
get nest2 /clean-b.zip
s1=$(stats_json)
[ "$HTTP_CODE" = 200 ] && cmp -s "$SCRATCH/out/nest2" "$www/clean-b.zip" &&
	[ "$(delta "$s0" "$s1" fallbacks decompress-layer log-and-permit)" = 1 ]
result "max-layers 2: a clean archive 3 layers deep is logged and passes intact" $? \
	"$(pdiag nest2; nfavd_log 5)" "stats: $s1"
check "max-layers 3" nfavctl set http max-layers 3
s0=$(stats_json)
get nest3 /clean-c.zip
s1=$(stats_json)
[ "$HTTP_CODE" = 200 ] && cmp -s "$SCRATCH/out/nest3" "$www/clean-c.zip" &&
	[ "$(delta "$s0" "$s1" fallbacks decompress-layer log-and-permit)" = 0 ] &&
	[ "$(delta "$s0" "$s1" clean)" = 1 ]
result "max-layers 3: the same kind of archive is clean, no fallback" $? \
	"$(pdiag nest3; nfavd_log 5)" "stats: $s1"
check "max-layers back to 2" nfavctl set http max-layers 2 fallback decompress-layer log-and-permit

# ---- header-section limit and the malformed fallback
big=$(head -c 3000 /dev/zero | tr '\0' 'a')
s0=$(stats_json)
get hdr-ok /eicar.txt -H "X-Big: $big"
blocked hdr-ok
result "a 3000-byte header is within the default limit" $? "$(pdiag hdr-ok)"
check "header-limit 2048" nfavctl set http header-limit 2048
gen_file clean.bin 20K
fetch -H "X-Big: $big" "http://$SRV4/clean.bin" "$SCRATCH/out/hdr-big"
[ "$HTTP_CODE" != 200 ] && [ "$(delta "$s0" "$(stats_json)" malformed)" -ge 1 ] &&
	[ "$(delta "$s0" "$(stats_json)" fallbacks malformed block)" -ge 1 ]
result "over the header limit: blocked, counted malformed" $? "$(pdiag hdr-big; stats_json)"
fetch "http://$SRV4/clean.bin" "$SCRATCH/out/hdr-small"
[ "$HTTP_CODE" = 200 ] && cmp -s "$SCRATCH/out/hdr-small" "$www/clean.bin"
result "a request with small headers still works" $? "$(pdiag hdr-small)"
s1=$(stats_json)
check "fallback malformed permit" nfavctl set http fallback malformed permit
fetch -H "X-Big: $big" "http://$SRV4/clean.bin" "$SCRATCH/out/hdr-permit"
[ "$HTTP_CODE" = 200 ] && cmp -s "$SCRATCH/out/hdr-permit" "$www/clean.bin" &&
	[ "$(delta "$s1" "$(stats_json)" fallbacks malformed permit)" = 1 ]
result "malformed fallback permit: the connection passes unscanned" $? "$(pdiag hdr-permit; stats_json)"
check "restore header-limit and malformed fallback" \
	nfavctl set http header-limit 65536 fallback malformed block

tap_end
