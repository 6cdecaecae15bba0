#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Tests of nfavctl that need no kernel module: command-line grammar, usage
# errors and exit codes, help output, "module not loaded" (exit 3) when the
# nfav family is absent, and - through ctl/test-model - the netlink parsers
# and the text/JSON printers fed with crafted replies and hostile strings.
#
# Usage: tools/ctl/test-cli.sh        (after `make -C tools nfavctl ctl/test-model`)
#   VALGRIND=1   run every program under valgrind (memcheck errors fail)
#   NFAVCTL=path TEST_MODEL=path PYTHON=path   override the programs
# Output is TAP; the exit status is non-zero when a test failed.

set -u
here=$(cd "$(dirname "$0")" && pwd)
CTL=${NFAVCTL:-$here/../nfavctl}
MODEL=${TEST_MODEL:-$here/test-model}
PY=${PYTHON:-python3}
VG=
if [ -n "${VALGRIND:-}" ]; then
	VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect"
fi
export TZ=UTC LC_ALL=C

for p in "$CTL" "$MODEL"; do
	if [ ! -x "$p" ]; then
		echo "Bail out! $p not built (run make -C tools nfavctl ctl/test-model)"
		exit 1
	fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

pass() {
	n=$((n + 1))
	echo "ok $n - $1"
}

fail() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	for f in out err; do
		[ -s "$tmp/$f" ] && sed "s/^/# $f: /" "$tmp/$f" | head -n 20
	done
	return 0
}

skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

# run CMD...: stdout in $tmp/out, stderr in $tmp/err, status in $rc.
run() {
	# shellcheck disable=SC2086
	$VG "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# expect RC DESC CMD...
expect() {
	want=$1
	desc=$2
	shift 2
	run "$@"
	if [ "$rc" = "$want" ]; then
		pass "$desc (exit $want)"
	else
		fail "$desc: exit $rc, expected $want"
	fi
}

# usage_error MESSAGE ARGS...: exit 2, nothing on stdout, the exact message.
usage_error() {
	msg=$1
	shift
	# The arguments in the test name, control characters shown as "?".
	args=$(printf '%s' "$*" | LC_ALL=C tr '\000-\037\177' '?')
	run "$CTL" "$@"
	if [ "$rc" != 2 ]; then
		fail "nfavctl $args: exit $rc, expected 2"
	elif [ -s "$tmp/out" ]; then
		fail "nfavctl $args: wrote to stdout"
	elif [ "$(head -n 1 "$tmp/err")" != "nfavctl: $msg" ]; then
		fail "nfavctl $args: message is not \"nfavctl: $msg\""
	else
		pass "nfavctl $args: usage error"
	fi
}

has() {		# has FILE STRING DESC
	if grep -qF -- "$2" "$tmp/$1"; then
		pass "$3"
	else
		fail "$3: no \"$2\" in $1"
	fi
}

# No raw control characters (but newlines) and only well-formed UTF-8.
clean_output() {
	if tr -d '\n' <"$tmp/out" | grep -q '[[:cntrl:]]'; then
		fail "$1: raw control characters in the output"
	elif ! $PY -c 'import sys; sys.stdin.buffer.read().decode("utf-8")' <"$tmp/out" 2>/dev/null; then
		fail "$1: output is not valid UTF-8"
	elif LC_ALL=C grep -q "$(printf '\342\200\256\|\302\233')" "$tmp/out"; then
		fail "$1: raw C1 or bidi control in the output"
	else
		pass "$1: output is terminal safe"
	fi
}

# json_ok DESC [PYTHON-ASSERTIONS on d]
json_ok() {
	if ! $PY -m json.tool <"$tmp/out" >/dev/null 2>"$tmp/err"; then
		fail "$1: json.tool rejects the output"
		return
	fi
	if [ -n "${2:-}" ] && ! $PY -c "
import json, sys
d = json.loads(sys.stdin.buffer.read().decode('utf-8'))
$2
" <"$tmp/out" 2>"$tmp/err"; then
		fail "$1: unexpected JSON content"
		return
	fi
	pass "$1: valid JSON"
}

echo "# nfavctl: $CTL"

# --- help and version -----------------------------------------------------
for h in help -h --help; do
	expect 0 "nfavctl $h" "$CTL" $h
	has out "Usage: nfavctl" "nfavctl $h prints the usage on stdout"
done
has out "Exit status: 0 success, 1 the operation failed, 2 usage error," \
	"usage documents the exit codes"
for w in "show status|config|stats|flows" "set global" "set PROTO" \
	"stats clear" "monitor" "too-many-requests | malformed" "log-and-permit" \
	"notify-type message|protocol-only" "message TEXT" \
	"scan-mode scan-all|by-extension" "max-layers 1-16" \
	"header-limit 1024-262144|1k-256k" \
	"LIST ENTRIES|none|default|add ENTRIES|del ENTRIES" \
	"LIST    := extensions | mime-bypass | mime-scan | url-bypass" \
	"ENTRIES := ENTRY[,ENTRY...]  (default: extensions only)"; do
	has out "$w" "usage mentions $w"
done
# The man page documents every keyword of set, every reason and list keyword.
man="$here/../nfavctl.8"
for w in max-flows flow-timeout hold-limit mem-limit max-requests enabled ports \
	scan-mode scan-all by-extension scan-timeout trickle-timeout max-size \
	max-layers header-limit fallback notify-type protocol-only message \
	extensions mime-bypass mime-scan url-bypass default corrupt-file \
	password-file decompress-layer content-size engine-not-ready timeout \
	out-of-resources too-many-requests malformed log-and-permit skipped \
	none add del host encoding scan_mode max_layers header_limit \
	mime_bypass mime_scan url_bypass; do
	if sed 's/\\-/-/g' "$man" | grep -qw -- "$w"; then
		pass "nfavctl.8 mentions $w"
	else
		fail "nfavctl.8 does not mention $w"
	fi
done
expect 0 "nfavctl --version" "$CTL" --version
has out "nfavctl " "--version prints the version"

# --- usage errors: exit 2, checked before the kernel is contacted ----------
expect 2 "no command" "$CTL"
has err "nfavctl: missing command" "no command: message"
has err "Usage: nfavctl" "no command: usage on stderr"
usage_error 'unknown command "bogus"; try "nfavctl help"' bogus
usage_error 'unknown option "-x"; try "nfavctl help"' -x show status
usage_error 'unknown option "--bogus"; try "nfavctl help"' --bogus show status
usage_error 'show: missing object: status, config, stats or flows' show
usage_error 'show: unknown object "foo": expected status, config, stats or flows' show foo
usage_error 'show: unknown object "stat": expected status, config, stats or flows' show stat
usage_error 'show status: unexpected argument "extra"' show status extra
usage_error 'stats: missing action: clear (use "nfavctl show stats" to read them)' stats
usage_error 'stats: unknown action "reset": expected clear' stats reset
usage_error 'stats clear: unexpected argument "now"' stats clear now
usage_error 'monitor: unexpected argument "http"' monitor http
usage_error 'set: missing object: global or a protocol (http, ftp, smtp, pop3, imap)' set
usage_error 'set: unknown object "htp": expected global or a protocol (http, ftp, smtp, pop3, imap)' set htp enabled yes
usage_error 'set global: nothing to set' set global
usage_error 'set http: nothing to set' set http
usage_error 'set global: unknown keyword "scan-timeout" (expected max-flows, flow-timeout, hold-limit, mem-limit or max-requests)' set global scan-timeout 5
usage_error 'max-flows needs a value' set global max-flows
usage_error 'max-flows: "lots" is not a number' set global max-flows lots
usage_error 'max-flows: "-1" is not a number' set global max-flows -1
usage_error 'max-flows: "10k" is not a number' set global max-flows 10k
usage_error 'max-flows: "0x10" is not a number' set global max-flows 0x10
usage_error 'max-flows: empty value, expected a number' set global max-flows ""
usage_error 'max-flows must be at most 4294967295, got 4294967296' set global max-flows 4294967296
usage_error 'flow-timeout given twice' set global flow-timeout 5 flow-timeout 6
usage_error 'hold-limit: "1.5" is not a number' set global hold-limit 1.5
usage_error 'mem-limit: "+5" is not a number' set global mem-limit +5
usage_error 'max-requests: " 5" is not a number' set global max-requests " 5"
usage_error 'set http: unknown keyword "enable" (expected enabled, ports, scan-mode, scan-timeout, trickle-timeout, max-size, max-layers, header-limit, fallback, notify-type, message, extensions, mime-bypass, mime-scan or url-bypass)' set http enable yes
usage_error 'set http: unknown keyword "notify" (expected enabled, ports, scan-mode, scan-timeout, trickle-timeout, max-size, max-layers, header-limit, fallback, notify-type, message, extensions, mime-bypass, mime-scan or url-bypass)' set http notify message
usage_error 'set http: unknown keyword "extension" (expected enabled, ports, scan-mode, scan-timeout, trickle-timeout, max-size, max-layers, header-limit, fallback, notify-type, message, extensions, mime-bypass, mime-scan or url-bypass)' set http extension exe
usage_error 'enabled must be yes or no, got "on"' set http enabled on
usage_error 'enabled needs a value' set http enabled
usage_error 'scan-timeout must be 1-1800 seconds, got 0' set http scan-timeout 0
usage_error 'scan-timeout must be 1-1800 seconds, got 1801' set http scan-timeout 1801
usage_error 'trickle-timeout must be 0-600 seconds, got 601' set http trickle-timeout 601
usage_error 'trickle-timeout given twice' set http trickle-timeout 1 trickle-timeout 2
usage_error 'scan-timeout: "3m" is not a number' set http scan-timeout 3m
usage_error 'scan-timeout given twice' set http scan-timeout 5 scan-timeout 6
usage_error 'max-size: "big" is not a number' set smtp max-size big
usage_error 'ports: a port must be 1-65535, got 0' set http ports 0
usage_error 'ports: a port must be 1-65535, got 65536' set http ports 80,65536
usage_error 'ports: "80,,81" is not a list of ports like 80,8080' set http ports 80,,81
usage_error 'ports: "80," is not a list of ports like 80,8080' set http ports 80,
usage_error 'ports: "" is not a list of ports like 80,8080' set http ports ""
usage_error 'ports: "http" is not a number' set http ports http
usage_error 'ports: port 80 is listed twice' set http ports 80,8080,80
usage_error 'ports: at most 16 ports, got more in "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17"' \
	set http ports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17
usage_error 'fallback needs a reason and an action' set http fallback timeout
usage_error 'fallback needs a reason and an action' set http fallback
usage_error 'fallback: unknown reason "slow" (expected one of: default, corrupt-file, password-file, decompress-layer, content-size, engine-not-ready, timeout, out-of-resources, too-many-requests, malformed)' \
	set http fallback slow block
usage_error 'fallback timeout: unknown action "drop" (expected one of: permit, log-and-permit, block)' \
	set http fallback timeout drop
usage_error 'fallback timeout given twice' set pop3 fallback timeout block fallback timeout permit
usage_error 'scan-timeout must be 1-1800 seconds, got 0' -j set imap enabled yes scan-timeout 0
usage_error 'notify-type must be message or protocol-only, got "page"' set http notify-type page
usage_error 'notify-type must be message or protocol-only, got "Message"' set http notify-type Message
usage_error 'notify-type must be message or protocol-only, got ""' set http notify-type ""
usage_error 'notify-type needs a value' set http notify-type
usage_error 'notify-type given twice' set http notify-type message notify-type protocol-only
usage_error 'message needs a value' set http message
usage_error 'message given twice' set http message a message b
usage_error 'message given twice' set http message "" enabled yes message ""
msg512=$(printf '%512s' '' | tr ' ' x)
usage_error 'message must be at most 512 bytes, got 513' set http message "${msg512}y"
# 171 three-byte characters: 171 characters but 513 bytes.
usage_error 'message must be at most 512 bytes, got 513' set http message \
	"$(i=0; while [ $i -lt 171 ]; do printf '\342\202\254'; i=$((i + 1)); done)"
usage_error 'message: control character 0x0a at byte 4 is not allowed' set http message "one
two"
usage_error 'message: control character 0x09 at byte 1 is not allowed' set http message "$(printf '\tx')"
usage_error 'message: control character 0x1b at byte 3 is not allowed' set http message "$(printf 'ab\033[31m')"
usage_error 'message: control character 0x7f at byte 2 is not allowed' set http message "$(printf 'a\177')"
usage_error 'message: control character 0x0d at byte 2 is not allowed' set ftp notify-type message message "$(printf 'a\rb')"

# scan mode, layer and header limits
usage_error 'scan-mode must be scan-all or by-extension, got "all"' set http scan-mode all
usage_error 'scan-mode must be scan-all or by-extension, got "Scan-All"' set http scan-mode Scan-All
usage_error 'scan-mode must be scan-all or by-extension, got ""' set http scan-mode ""
usage_error 'scan-mode needs a value' set http scan-mode
usage_error 'scan-mode given twice' set http scan-mode scan-all scan-mode by-extension
usage_error 'max-layers must be 1-16, got 0' set http max-layers 0
usage_error 'max-layers must be 1-16, got 17' set http max-layers 17
usage_error 'max-layers: "two" is not a number' set http max-layers two
usage_error 'max-layers: "-1" is not a number' set http max-layers -1
usage_error 'max-layers must be at most 4294967295, got 4294967296' set http max-layers 4294967296
usage_error 'max-layers needs a value' set http max-layers
usage_error 'max-layers given twice' set http max-layers 1 max-layers 2
for v in 0 1023 262145 257k 0k 1K0 4294967296 99999999999999999999k; do
	case $v in
	1K0) usage_error 'header-limit: "1K0" is not a size in bytes like 65536 or 64k' \
		set http header-limit $v ;;
	*) usage_error "header-limit must be 1024-262144 bytes (1k-256k), got $v" \
		set http header-limit $v ;;
	esac
done
for v in "" k 1.5k 64kb 64M 0x400 -1024 "64 k" " 1024" kk 64kk; do
	usage_error "header-limit: \"$v\" is not a size in bytes like 65536 or 64k" \
		set http header-limit "$v"
done
usage_error 'header-limit needs a value' set http header-limit
usage_error 'header-limit given twice' set http header-limit 1k header-limit 2k
usage_error 'fallback malformed: unknown action "drop" (expected one of: permit, log-and-permit, block)' \
	set http fallback malformed drop
usage_error 'fallback malformed given twice' set http fallback malformed block fallback malformed permit

# Lists: the grammar, the same for the four of them.  $ok is a valid entry.
many() {	# many N ENTRY: ENTRY1,ENTRY2,...,ENTRYN
	i=1
	while [ $i -le "$1" ]; do
		[ $i -gt 1 ] && printf ,
		printf '%s' "$2$i"
		i=$((i + 1))
	done
}
for l in extensions mime-bypass mime-scan url-bypass; do
	case $l in
	extensions) ok=exe ;;
	mime-*) ok=text/ ;;
	url-bypass) ok=a.example ;;
	esac
	usage_error "$l needs a value" set http $l
	usage_error "$l given twice" set http $l none $l "$ok"
	usage_error "$l given twice" set http $l add "$ok" $l del "$ok"
	usage_error "$l given twice" set http $l "$ok" enabled yes $l default
	usage_error "$l add needs a value" set http $l add
	usage_error "$l del needs a value" set http $l del
	usage_error "$l add: \"none\" is a keyword, not an entry" set http $l add none
	usage_error "$l del: \"default\" is a keyword, not an entry" set http $l del default
	usage_error "$l: empty value (use none for an empty list)" set http $l ""
	usage_error "$l: empty value (use none for an empty list)" set http $l add ""
	usage_error "$l: empty entry in \"$ok,,$ok\"" set http $l "$ok,,$ok"
	usage_error "$l: empty entry in \"$ok,\"" set http $l del "$ok,"
	usage_error "$l: empty entry in \",$ok\"" set imap $l ",$ok"
	usage_error "$l: \"$ok\" is listed twice" set http $l "$ok,$ok"
	usage_error "$l: \"$ok\" is listed twice" set http $l add "$ok,$ok"
	usage_error "$l: at most 64 entries, got 65" set http $l "$(many 65 "$ok")"
	usage_error "$l: at most 64 entries, got 65" set http $l add "$(many 65 "$ok")"
	[ $l = extensions ] && continue
	usage_error "$l has no default (use none for an empty list)" set http $l default
done
usage_error 'set http: unknown keyword "exe" (expected enabled, ports, scan-mode, scan-timeout, trickle-timeout, max-size, max-layers, header-limit, fallback, notify-type, message, extensions, mime-bypass, mime-scan or url-bypass)' \
	set http extensions add scan-mode exe

# extensions: [a-z0-9_+-], at most 15 characters without the dot
usage_error 'extensions: "." is not an extension' set http extensions .
usage_error 'extensions: "." is not an extension' set http extensions exe,.,dll
usage_error 'extensions: "abcdefghijklmnop" is longer than 15 characters' set http extensions abcdefghijklmnop
usage_error 'extensions: ".abcdefghijklmnop" is longer than 15 characters' set http extensions .abcdefghijklmnop
usage_error "extensions: \"$(printf '%300s' '' | tr ' ' x | cut -c1-64)...\" is longer than 15 characters" \
	set http extensions "$(printf '%300s' '' | tr ' ' x)"
usage_error "extensions: \"$(printf '%300s' '' | tr ' ' x | cut -c1-64)...\" is longer than 15 characters" \
	set http extensions "exe,$(printf '%300s' '' | tr ' ' x)"
usage_error 'extensions: invalid character '"'.'"' in "tar.gz" (allowed: a-z, 0-9, _, + and -)' set http extensions tar.gz
usage_error 'extensions: invalid character '"'.'"' in "..exe" (allowed: a-z, 0-9, _, + and -)' set http extensions ..exe
usage_error 'extensions: invalid character 0x20 in "ex e" (allowed: a-z, 0-9, _, + and -)' set http extensions "ex e"
usage_error 'extensions: invalid character '"'*'"' in "*" (allowed: a-z, 0-9, _, + and -)' set http extensions "*"
usage_error 'extensions: invalid character '"'/'"' in "a/b" (allowed: a-z, 0-9, _, + and -)' set http extensions add a/b
usage_error 'extensions: invalid character 0x1b in "a\x1b[31m" (allowed: a-z, 0-9, _, + and -)' \
	set http extensions "$(printf 'a\033[31m')"
usage_error 'extensions: invalid character 0xc3 in "\xc3\xbc" (allowed: a-z, 0-9, _, + and -)' \
	set http extensions "$(printf '\303\274')"
usage_error 'extensions: invalid character 0x0a in "a\x0ab" (allowed: a-z, 0-9, _, + and -)' set http extensions "a
b"
usage_error 'extensions: "exe" is listed twice' set http extensions EXE,.exe
usage_error 'extensions add: "none" is a keyword, not an entry' set http extensions add none

# content types: "type/subtype" or "type/", token characters
for v in text texthtml /html / "/*" "*/*" "*/" text/html/x "text//"; do
	usage_error "mime-bypass: \"$v\" is not a content type like text/html or text/" \
		set http mime-bypass "$v"
done
usage_error 'mime-scan: invalid character '"';'"' in "text/html;charset=utf-8" (allowed: a-z, 0-9 and !#$%&'"'"'*+-.^_`|~)' \
	set http mime-scan "text/html;charset=utf-8"
usage_error 'mime-scan: invalid character 0x20 in "text/ html" (allowed: a-z, 0-9 and !#$%&'"'"'*+-.^_`|~)' \
	set http mime-scan "text/ html"
usage_error 'mime-scan: invalid character '"'@'"' in "a@b/c" (allowed: a-z, 0-9 and !#$%&'"'"'*+-.^_`|~)' \
	set http mime-scan add a@b/c
usage_error 'mime-scan: invalid character 0x09 in "text/\x09" (allowed: a-z, 0-9 and !#$%&'"'"'*+-.^_`|~)' \
	set http mime-scan "$(printf 'text/\t')"
mime64=$(printf 'application/%52s' '' | tr ' ' x)
usage_error "mime-bypass: \"$mime64\" is longer than 63 characters" set http mime-bypass "$mime64"
usage_error 'mime-bypass: "text/" is listed twice' set http mime-bypass "text/*,TEXT/"
usage_error 'mime-bypass: "image/png" is listed twice' set http mime-bypass image/png,Image/PNG

# URL entries: host, host/path-prefix or .host, http:// stripped
usage_error 'url-bypass: "https://a.example": only http:// can be given as a scheme' \
	set http url-bypass https://a.example
usage_error 'url-bypass: "ftp://a.example/x": only http:// can be given as a scheme' \
	set http url-bypass add ftp://a.example/x
usage_error 'url-bypass: "http://http://a.example": only http:// can be given as a scheme' \
	set http url-bypass http://http://a.example
for v in /x / . ./x http:// HTTP:///x; do
	usage_error "url-bypass: \"$v\" has no host" set http url-bypass "$v"
done
usage_error 'url-bypass: "a.example:8080/x": give the host without a port' set http url-bypass a.example:8080/x
usage_error 'url-bypass: "http://a.example:80": give the host without a port' set http url-bypass http://a.example:80
usage_error 'url-bypass: "[2001:db8::1": an IPv6 address is written [2001:db8::1]' set http url-bypass "[2001:db8::1"
usage_error 'url-bypass: ".[2001:db8::1]": an IPv6 address is written [2001:db8::1]' set http url-bypass ".[2001:db8::1]"
usage_error 'url-bypass: "[]": an IPv6 address is written [2001:db8::1]' set http url-bypass "[]"
usage_error 'url-bypass: invalid character '"'g'"' in "[2001:db8::g]" (in an IPv6 address)' set http url-bypass "[2001:db8::g]"
usage_error 'url-bypass: invalid character '"'?'"' in "a?b" (in the host)' set http url-bypass "a?b"
usage_error 'url-bypass: invalid character '"'@'"' in "user@a.example/x" (in the host)' set http url-bypass user@a.example/x
usage_error 'url-bypass: invalid character '"'*'"' in "*.a.example" (in the host)' set http url-bypass "*.a.example"
usage_error 'url-bypass: invalid character 0x20 in "a.example/a b" (printable ASCII only, no spaces)' \
	set http url-bypass "a.example/a b"
usage_error 'url-bypass: invalid character 0x20 in " a.example" (printable ASCII only, no spaces)' \
	set http url-bypass " a.example"
usage_error 'url-bypass: invalid character 0x09 in "a.example\x09" (printable ASCII only, no spaces)' \
	set http url-bypass "$(printf 'a.example\t')"
usage_error 'url-bypass: invalid character 0x7f in "a.example/\x7f" (printable ASCII only, no spaces)' \
	set http url-bypass "$(printf 'a.example/\177')"
usage_error 'url-bypass: invalid character 0x1b in "a\x1b]0;x\x07" (printable ASCII only, no spaces)' \
	set http url-bypass "$(printf 'a\033]0;x\007')"
usage_error 'url-bypass: invalid character 0xc3 in "b\xc3\xbccher.example" (printable ASCII only, no spaces)' \
	set http url-bypass "$(printf 'b\303\274cher.example')"
url256=$(printf 'a.example/%246s' '' | tr ' ' x)
usage_error "url-bypass: \"$(printf '%s' "$url256" | cut -c1-64)...\" is longer than 255 characters" \
	set http url-bypass "$url256"
usage_error "url-bypass: \"$(printf 'http://%s' "$url256" | cut -c1-64)...\" is longer than 255 characters" \
	set http url-bypass "http://$url256"
for v in .. ... a..b .a..b a.example.. http://..a; do
	usage_error "url-bypass: \"$v\": the host has an empty label" set http url-bypass "$v"
done
usage_error 'url-bypass: "a.example" is listed twice' set http url-bypass a.example.,a.example
usage_error 'url-bypass: "a.example" is listed twice' set http url-bypass A.Example,http://a.example
usage_error 'url-bypass: ".a.example/x" is listed twice' set http url-bypass .a.example/x,HTTP://.A.EXAMPLE/x

# --- the nfav family is absent on this host: exit 3 ------------------------
if [ -d /sys/module/nfav ]; then
	skip "module not loaded: exit 3" "the nfav module is loaded here"
else
	for c in "show status" "show config" "show stats" "show flows" \
		"stats clear" "monitor" "set http enabled yes" \
		"set global max-flows 1000" "-j show config" \
		"set http scan-mode by-extension max-layers 4 header-limit 64k" \
		"set http extensions default" "set http extensions add exe" \
		"set http url-bypass del a.example" "set http mime-scan none"; do
		# shellcheck disable=SC2086
		expect 3 "nfavctl $c without the module" "$CTL" $c
		if [ "$(cat "$tmp/err")" = "nfavctl: nfav module is not loaded" ]; then
			pass "nfavctl $c: says the module is not loaded"
		else
			fail "nfavctl $c: wrong message"
		fi
	done
	expect 3 "show status without the module" "$CTL" show status
	has out "module: not loaded" "show status reports module: not loaded"
	expect 3 "-j show status without the module" "$CTL" -j show status
	json_ok "-j show status without the module" \
		'assert d == {"module": {"loaded": False}}, d'
fi

# --- parsers and printers on crafted replies (test-model) ------------------
expect 0 "status text" "$MODEL" status
clean_output "status text"
has out "module: loaded (version 0.1)" "status: module line"
has out "daemon: registered (pid 123)" "status: daemon line"
has out "engine: ClamAV 1.4.6, 2 signatures, database version 0, loaded 2025-11-30 05:20:00" \
	"status: engine line"
has out "flows: 3, pending objects: 1, held: 12345 bytes, queued to daemon: 0 bytes" \
	"status: flows line"
expect 0 "status JSON" "$MODEL" -j status
json_ok "status JSON" 'assert d == {"module": {"loaded": True, "version": "0.1"},
 "daemon": {"registered": True, "pid": 123, "signatures": 2,
  "database_version": 0, "loaded": 1764480000, "engine": "ClamAV 1.4.6"},
 "flows": 3, "pending": 1, "held_bytes": 12345, "queued_bytes": 0}, d'
expect 0 "status without daemon" "$MODEL" status-nodaemon
has out "daemon: not registered" "status: daemon not registered"
expect 0 "status without daemon JSON" "$MODEL" -j status-nodaemon
json_ok "status without daemon JSON" 'assert d["daemon"] == {"registered": False}, d'

expect 0 "config text" "$MODEL" config
clean_output "config text"
has out "global: max-flows 65536, flow-timeout 300s, hold-limit 262144 bytes, mem-limit 65536 KiB, max-requests 4000" \
	"config: global line"
if grep -qx "http: enabled, ports 80,8080, scan-mode by-extension, scan-timeout 180s, max-size 10000 KiB, max-layers 9, header-limit 65536 bytes, notify-type message" "$tmp/out"; then
	pass "config: http line"
else
	fail "config: http line"
fi
has out "ftp: disabled, ports 80,8080, scan-mode scan-all, scan-timeout 180s, max-size 10000 KiB, max-layers 10, header-limit 65536 bytes, notify-type protocol-only" \
	"config: ftp line"
has out "smtp: disabled, ports 80,8080, scan-mode unknown, scan-timeout 180s, max-size 10000 KiB, max-layers 11, header-limit 65536 bytes, notify-type unknown" \
	"config: notify type and scan mode from a newer module"
# The lists follow the message line, in the order of the set keywords.
if [ "$(sed -n 4,8p "$tmp/out")" = "  extensions exe,dll,zip
  mime-bypass image/,video/
  mime-scan image/svg+xml
  url-bypass .windowsupdate.com,example.org/static/
  fallback default block" ]; then
	pass "config: http list lines"
else
	fail "config: http list lines"
fi
if [ "$(grep -A4 '^ftp:' "$tmp/out" | tail -n 4)" = "  extensions none
  mime-bypass none
  mime-scan none
  url-bypass none" ]; then
	pass "config: empty lists are none"
else
	fail "config: empty lists are none"
fi
if grep -A1 '^smtp:' "$tmp/out" | grep -q '^  fallback default'; then
	pass "config: lists the module does not report are not printed"
else
	fail "config: lists the module does not report are not printed"
fi
has out "  extensions e0,e1,e2," "config: a full list on one line"
has out ",e62,e63
" "config: a full list on one line, to its end"
if [ "$(grep -c '^  [a-z-]* ' "$tmp/out")" = 67 ]; then
	pass "config: 4 list lines for 4 protocols, a message, 50 fallbacks"
else
	fail "config: indented line count"
fi
if [ "$(sed -n 3p "$tmp/out")" = "  message \"Say \\\"no\\\" to C:\\\\virus <b>&amp;</b> 'x' $(printf '\303\274')\"" ]; then
	pass "config: message line, escaped, after the protocol line"
else
	fail "config: message line"
fi
if [ "$(grep -c '^  message ' "$tmp/out")" = 1 ]; then
	pass "config: no message line for an empty message"
else
	fail "config: message line count"
fi
has out "  fallback engine-not-ready log-and-permit" "config: fallback line"
has out "  fallback malformed block" "config: malformed fallback line"
if [ "$(grep -c '^  fallback ' "$tmp/out")" = 50 ]; then
	pass "config: 10 fallbacks for each of 5 protocols"
else
	fail "config: fallback line count"
fi
if grep -q '^unknown' "$tmp/out"; then
	fail "config: protocol from a newer module printed"
else
	pass "config: unknown protocols and reasons skipped"
fi
expect 0 "config JSON" "$MODEL" -j config
json_ok "config JSON" '
reasons = ["default", "corrupt-file", "password-file", "decompress-layer",
 "content-size", "engine-not-ready", "timeout", "out-of-resources",
 "too-many-requests", "malformed"]
assert list(d) == ["max_flows", "flow_timeout", "hold_limit", "mem_limit",
 "max_requests", "protocols"], d
assert list(d["protocols"]) == ["http", "ftp", "smtp", "pop3", "imap"]
h = d["protocols"]["http"]
assert h["enabled"] is True and h["ports"] == [80, 8080]
assert h["scan_timeout"] == 180 and h["max_size"] == 10000
assert list(h["fallbacks"]) == reasons
assert h["fallbacks"]["engine-not-ready"] == "log-and-permit"
assert h["notify_type"] == "message"
assert h["message"] == "Say \"no\" to C:\\virus <b>&amp;</b> \x27x\x27 \u00fc", h["message"]
assert list(h) == ["enabled", "ports", "scan_mode", "scan_timeout", "max_size",
 "max_layers", "header_limit", "notify_type", "message", "extensions",
 "mime_bypass", "mime_scan", "url_bypass", "fallbacks"], list(h)
assert h["scan_mode"] == "by-extension"
assert h["max_layers"] == 9 and h["header_limit"] == 65536
assert h["extensions"] == ["exe", "dll", "zip"]
assert h["mime_bypass"] == ["image/", "video/"]
assert h["mime_scan"] == ["image/svg+xml"]
assert h["url_bypass"] == [".windowsupdate.com", "example.org/static/"]
f = d["protocols"]["ftp"]
assert f["enabled"] is False
assert f["notify_type"] == "protocol-only" and f["message"] == ""
assert f["scan_mode"] == "scan-all"
assert [f[k] for k in ("extensions", "mime_bypass", "mime_scan",
 "url_bypass")] == [[], [], [], []]
sm = d["protocols"]["smtp"]
assert sm["notify_type"] == "unknown" and sm["scan_mode"] == "unknown"
assert "extensions" not in sm and "url_bypass" not in sm
assert d["protocols"]["pop3"]["extensions"] == ["e%d" % i for i in range(64)]'
expect 0 "config with http only" "$MODEL" -j config-http
json_ok "config with http only" 'assert list(d["protocols"]) == ["http"]'
expect 0 "config pretty JSON" "$MODEL" -p config
json_ok "config pretty JSON" 'assert d["max_requests"] == 4000'
if [ "$(wc -l <"$tmp/out")" -gt 50 ]; then
	pass "-p output is indented"
else
	fail "-p output is indented"
fi

expect 0 "stats text" "$MODEL" stats
clean_output "stats text"
has out "http: flows 102 scanned 103 clean 104 infected 105 blocked 106 bypassed 107 skipped 113 malformed 108 evasions 109 ooo-drops 110 flow-limit 111" \
	"stats: http line"
has out "  fallback timeout: permit 71 log-and-permit 72 block 73" \
	"stats: fallback line"
has out "  fallback malformed: permit 101 log-and-permit 102 block 103" \
	"stats: malformed fallback line"
if [ "$(grep -c '^  fallback ' "$tmp/out")" = 50 ]; then
	pass "stats: 10 fallback lines for each of 5 protocols"
else
	fail "stats: fallback line count"
fi
expect 0 "stats JSON" "$MODEL" -j stats
json_ok "stats JSON" '
p = d["protocols"]
assert list(p) == ["http", "ftp", "smtp", "pop3", "imap"]
h = p["http"]
assert [k for k in h] == ["flows", "scanned", "clean", "infected", "blocked",
 "bypassed", "skipped", "malformed", "evasions", "ooo_drops", "flow_limit",
 "untracked", "checks", "unacked_drops", "fallbacks"]
assert h["ooo_drops"] == 110 and h["flow_limit"] == 111
assert h["untracked"] == 114 and p["imap"]["untracked"] == 514
assert h["checks"] == 115 and p["imap"]["checks"] == 515
assert h["unacked_drops"] == 116 and p["imap"]["unacked_drops"] == 516
assert h["skipped"] == 113 and p["imap"]["skipped"] == 513
assert len(h["fallbacks"]) == 10
assert h["fallbacks"]["too-many-requests"] == {"permit": 91,
 "log-and-permit": 92, "block": 93}
assert h["fallbacks"]["malformed"] == {"permit": 101,
 "log-and-permit": 102, "block": 103}'

expect 0 "flows text" "$MODEL" flows
clean_output "flows text"
has out "http 192.0.2.2:40000 -> 198.51.100.2:80 active held 0 pending 0 objects 1 age 1.2s" \
	"flows: IPv4 line"
has out "http [2001:db8::2]:40000 -> [2001:db8:1::2]:80 blocked held 0 pending 0 objects 1 age 61.2s" \
	"flows: IPv6 line"
expect 0 "flows JSON" "$MODEL" -j flows
json_ok "flows JSON" '
assert d[0] == {"proto": "http", "family": "ipv4", "client": "192.0.2.2",
 "client_port": 40000, "server": "198.51.100.2", "server_port": 80,
 "state": "active", "held_bytes": 0, "pending": 0, "objects": 1,
 "age_ms": 1200}, d[0]
assert d[1]["family"] == "ipv6" and d[1]["server"] == "2001:db8:1::2"
assert len(d) == 3'
expect 0 "no flows JSON" "$MODEL" -j flows-empty
json_ok "no flows JSON" 'assert d == []'

expect 0 "detection event text" "$MODEL" event-detection
has out '2025-11-30 05:20:00 detection http download 192.0.2.2:40000 -> 198.51.100.2:80 name "eicar.com" host "www.example.com" url "http://198.51.100.2/eicar.com" content-type "application/octet-stream" encoding "gzip,br" virus "Eicar-Signature" action block' \
	"detection event line"
expect 0 "fallback event text" "$MODEL" event-fallback
has out "reason timeout action log-and-permit" "fallback event: reason and action"
if grep -q ' host \| encoding ' "$tmp/out"; then
	fail "fallback event: host and encoding only when sent"
else
	pass "fallback event: host and encoding only when sent"
fi
expect 0 "evasion event text" "$MODEL" event-evasion
has out "evasion http download [2001:db8::2]:40000 -> [2001:db8:1::2]:80 action block" \
	"evasion event line"
expect 0 "detection event JSON" "$MODEL" -j event-detection
json_ok "detection event JSON" '
assert d == {"time": 1764480000, "event": "detection", "proto": "http",
 "direction": "download", "family": "ipv4", "client": "192.0.2.2",
 "client_port": 40000, "server": "198.51.100.2", "server_port": 80,
 "name": "eicar.com", "host": "www.example.com",
 "url": "http://198.51.100.2/eicar.com",
 "content_type": "application/octet-stream", "encoding": "gzip,br",
 "virus": "Eicar-Signature", "action": "block"}, d
assert list(d)[9:13] == ["name", "host", "url", "content_type"], list(d)'
expect 0 "-p event is still one line" "$MODEL" -p event-fallback
if [ "$(wc -l <"$tmp/out")" = 1 ]; then
	pass "monitor JSON: one object per line"
else
	fail "monitor JSON: one object per line"
fi

# Hostile strings: quotes, backslashes, C0/C1 controls, escape sequences,
# invalid/overlong/surrogate UTF-8, bidi override, a missing NUL.
expect 0 "hostile strings, text" "$MODEL" event-nasty
clean_output "hostile strings, text"
has out 'name "a\"b\\c\nd\re\tf\x01g\x1b[31mred\x7f\xff\xfe\xc3(\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xc2\x9b2J\u202egpj.exe' \
	"hostile strings, text: escaped"
has out 'host "a\"b\\c\nd\re\tf\x01g\x1b[31mred\x7f\xff\xfe\xc3(\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xc2\x9b2J\u202egpj.exe' \
	"hostile strings, text: host escaped"
has out 'encoding "a\"b\\c\nd\re\tf\x01g\x1b[31mred\x7f\xff\xfe\xc3(\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xc2\x9b2J\u202egpj.exe' \
	"hostile strings, text: encoding escaped"
expect 0 "hostile strings, JSON" "$MODEL" -j event-nasty
clean_output "hostile strings, JSON"
json_ok "hostile strings, JSON" '
want = ("a\"b\\c\nd\re\tf\x01g\x1b[31mred\x7f\xff\xfe\xc3(\xc0\xaf\xed\xa0\x80"
 "\xf4\x90\x80\x80\x9b2J\u202egpj.exe\u00fc\u20ac\U0001F600\xe2")
assert d["name"] == want, repr(d["name"])
assert d["url"] == want and d["virus"] == want
assert d["host"] == want and d["encoding"] == want'

expect 1 "malformed reply (short u32) is rejected" "$MODEL" malformed-status
expect 1 "malformed reply (odd ports length) is rejected" "$MODEL" malformed-ports

# --- set: arguments -> netlink -> parser round trip ------------------------
expect 0 "set round trip" "$MODEL" -j set http enabled no ports 80,8080,3128 \
	scan-timeout 1800 max-size 0 fallback timeout block \
	fallback engine-not-ready permit
json_ok "set round trip" '
assert d["protocols"] == {"http": {"enabled": False, "ports": [80, 8080, 3128],
 "scan_timeout": 1800, "max_size": 0, "fallbacks": {
 "engine-not-ready": "permit", "timeout": "block"}}}, d
assert "max_flows" not in d'
expect 0 "set global round trip" "$MODEL" -j set global max-flows 4294967295 \
	flow-timeout 60 hold-limit 1 mem-limit 2 max-requests 3
json_ok "set global round trip" '
assert d == {"max_flows": 4294967295, "flow_timeout": 60, "hold_limit": 1,
 "mem_limit": 2, "max_requests": 3, "protocols": {}}, d'
expect 0 "set notify-type and message" "$MODEL" -j set http notify-type protocol-only \
	message 'Virus? Call "IT" at <x1234> & C:\path' fallback timeout block
json_ok "set notify-type and message" '
assert d["protocols"] == {"http": {"notify_type": "protocol-only",
 "message": "Virus? Call \"IT\" at <x1234> & C:\\path",
 "fallbacks": {"timeout": "block"}}}, d'
expect 0 "set notify-type and message, text" "$MODEL" set http notify-type message \
	message 'Virus? Call "IT" at <x1234> & C:\path'
if [ "$(cat "$tmp/out")" = 'http: notify-type message
  message "Virus? Call \"IT\" at <x1234> & C:\\path"' ]; then
	pass "set notify-type and message, text: exact output"
else
	fail "set notify-type and message, text: exact output"
fi
expect 0 "set an empty message" "$MODEL" -j set smtp message ""
json_ok "set an empty message" '
assert d["protocols"] == {"smtp": {"message": "", "fallbacks": {}}}, d'
expect 0 "set an empty message, text" "$MODEL" set smtp message ""
if [ "$(cat "$tmp/out")" = "smtp:" ]; then
	pass "set an empty message, text: no message line"
else
	fail "set an empty message, text: no message line"
fi
expect 0 "set a 512-byte message" "$MODEL" -j set http message "$msg512"
json_ok "set a 512-byte message" '
assert d["protocols"]["http"]["message"] == "x" * 512'
expect 0 "set a UTF-8 message" "$MODEL" -j set http message "$(printf 'Gr\303\274\303\237e \342\202\254')"
json_ok "set a UTF-8 message" '
assert d["protocols"]["http"]["message"] == "Gr\u00fc\u00dfe \u20ac"'
expect 0 "set 16 ports" "$MODEL" -j set imap ports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,65535
json_ok "set 16 ports" 'assert d["protocols"]["imap"]["ports"][-1] == 65535'

# scan mode, limits and lists, with their normalization
expect 0 "set scan settings" "$MODEL" -j set http scan-mode by-extension \
	max-layers 16 header-limit 256k fallback malformed log-and-permit
json_ok "set scan settings" '
assert d["protocols"] == {"http": {"scan_mode": "by-extension",
 "max_layers": 16, "header_limit": 262144,
 "fallbacks": {"malformed": "log-and-permit"}}}, d'
expect 0 "set scan settings, text" "$MODEL" set http scan-mode scan-all \
	max-layers 1 header-limit 1024 fallback malformed block
if [ "$(cat "$tmp/out")" = "http: scan-mode scan-all, max-layers 1, header-limit 1024 bytes
  fallback malformed block" ]; then
	pass "set scan settings, text: exact output"
else
	fail "set scan settings, text: exact output"
fi
for v in 1024:1024 1k:1024 1K:1024 64k:65536 0064k:65536 262144:262144 256K:262144 \
	65535:65535; do
	expect 0 "header-limit ${v%%:*}" "$MODEL" -j set ftp header-limit "${v%%:*}"
	json_ok "header-limit ${v%%:*}" \
		"assert d['protocols']['ftp']['header_limit'] == ${v#*:}, d"
done
expect 0 "set lists" "$MODEL" -j set http \
	extensions .EXE,Dll,7z,c++,a_b-c,abcdefghijklmno \
	mime-bypass "Image/*,video/,Application/X-Foo+XML,a!#\$%&'*+-.^_\`|~/b" \
	mime-scan image/svg+xml \
	url-bypass 'HTTP://WWW.Example.COM/Download/File.EXE,.CDN.example,[2001:DB8::1]/x,a.example/?q=1&r=%20,x_y.example/,b.example./x..y/,.c.example.'
json_ok "set lists" '
h = d["protocols"]["http"]
assert h["extensions"] == ["exe", "dll", "7z", "c++", "a_b-c",
 "abcdefghijklmno"], h
assert h["mime_bypass"] == ["image/", "video/", "application/x-foo+xml",
 "a!#$%&\x27*+-.^_`|~/b"], h
assert h["mime_scan"] == ["image/svg+xml"], h
assert h["url_bypass"] == ["www.example.com/Download/File.EXE", ".cdn.example",
 "[2001:db8::1]/x", "a.example/?q=1&r=%20", "x_y.example/",
 "b.example/x..y/", ".c.example"], h
assert list(h) == ["extensions", "mime_bypass", "mime_scan", "url_bypass",
 "fallbacks"], list(h)'
expect 0 "set lists, text" "$MODEL" set smtp extensions exe,com url-bypass a.example,.b.example/x
if [ "$(cat "$tmp/out")" = "smtp:
  extensions exe,com
  url-bypass a.example,.b.example/x" ]; then
	pass "set lists, text: exact output"
else
	fail "set lists, text: exact output"
fi
expect 0 "set lists to none" "$MODEL" -j set pop3 extensions none \
	mime-bypass none mime-scan none url-bypass none
json_ok "set lists to none: empty nests are sent" '
assert d["protocols"]["pop3"] == {"extensions": [], "mime_bypass": [],
 "mime_scan": [], "url_bypass": [], "fallbacks": {}}, d'
expect 0 "set lists to none, text" "$MODEL" set pop3 mime-scan none
if [ "$(cat "$tmp/out")" = "pop3:
  mime-scan none" ]; then
	pass "set lists to none, text: exact output"
else
	fail "set lists to none, text: exact output"
fi
expect 0 "set extensions default" "$MODEL" -j set http extensions default
json_ok "set extensions default: NFAV_DEFAULT_EXTENSIONS" '
import re
h = open("'"$here"'/../../uapi/linux/nfav.h").read()
m = re.search(r"#define NFAV_DEFAULT_EXTENSIONS((?:[^\n]*\\\n)*[^\n]*)", h)
want = "".join(re.findall(r"\"([^\"]*)\"", m.group(1))).split(",")
assert len(want) > 50
assert d["protocols"]["http"]["extensions"] == want, d'
# 64 entries of the longest length each, in one request of nfavctl's size.
ext64=$($PY -c 'print(",".join("%015d" % i for i in range(64)))')
mime64=$($PY -c 'print(",".join("a/%061d" % i for i in range(64)))')
url64=$($PY -c 'print(",".join(".a.example/%0244d" % i for i in range(64)))')
expect 0 "set four full lists" "$MODEL" -j set http extensions "$ext64" \
	mime-bypass "$mime64" mime-scan "$mime64" url-bypass "http://$(printf '%s' "$url64" | sed 's/,/,http:\/\//g')" \
	message "$msg512" ports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16
json_ok "set four full lists" '
h = d["protocols"]["http"]
assert h["extensions"] == ["%015d" % i for i in range(64)]
assert h["mime_bypass"] == ["a/%061d" % i for i in range(64)]
assert h["mime_scan"] == h["mime_bypass"]
assert h["url_bypass"] == [".a.example/%0244d" % i for i in range(64)]
assert all(len(e) == 255 for e in h["url_bypass"])'

# add and del: edits of the "config" reply (http: exe,dll,zip; image/,video/;
# image/svg+xml; .windowsupdate.com,example.org/static/; ftp: empty lists;
# smtp: no lists; pop3: 64 extensions e0..e63)
expect 0 "list add" "$MODEL" -j set http extensions add PS1,exe,.msi
json_ok "list add: appended, present entries kept in place" '
assert d["protocols"]["http"] == {"extensions": ["exe", "dll", "zip", "ps1",
 "msi"], "fallbacks": {}}, d'
expect 0 "list add and del" "$MODEL" -j set http extensions del DLL \
	mime-bypass add text/* mime-scan del image/svg+xml \
	url-bypass del HTTP://.WindowsUpdate.com scan-mode scan-all
json_ok "list add and del" '
h = d["protocols"]["http"]
assert h == {"scan_mode": "scan-all", "extensions": ["exe", "zip"],
 "mime_bypass": ["image/", "video/", "text/"], "mime_scan": [],
 "url_bypass": ["example.org/static/"], "fallbacks": {}}, h'
expect 0 "list del of every entry" "$MODEL" set http extensions del zip,exe,dll
if [ "$(cat "$tmp/out")" = "http:
  extensions none" ]; then
	pass "list del of every entry: none"
else
	fail "list del of every entry: none"
fi
expect 0 "list add of a listed entry" "$MODEL" -j set http mime-scan add Image/SVG+XML
json_ok "list add of a listed entry: no change" '
assert d["protocols"]["http"]["mime_scan"] == ["image/svg+xml"], d'
expect 0 "list add to an empty list" "$MODEL" -j set ftp url-bypass add a.example,b.example
json_ok "list add to an empty list" '
assert d["protocols"]["ftp"]["url_bypass"] == ["a.example", "b.example"], d'
expect 0 "list add to a full list, listed entry" "$MODEL" -j set pop3 extensions add e5,E63
json_ok "list add to a full list, listed entry" '
assert d["protocols"]["pop3"]["extensions"] == ["e%d" % i for i in range(64)]'
expect 0 "list del from a full list" "$MODEL" -j set pop3 extensions del e0
json_ok "list del from a full list" '
assert d["protocols"]["pop3"]["extensions"] == ["e%d" % i for i in range(1, 64)]'
# Failures found with the current list: exit 1.
list_fail() {	# list_fail MESSAGE ARGS...
	msg=$1
	shift
	run "$MODEL" set "$@"
	if [ "$rc" = 1 ] && [ ! -s "$tmp/out" ] &&
	   [ "$(cat "$tmp/err")" = "nfavctl: $msg" ]; then
		pass "set $*: exit 1, $msg"
	else
		fail "set $*: exit $rc, expected 1 and \"nfavctl: $msg\""
	fi
}
list_fail 'set http extensions del: "rar" is not in the list' http extensions del exe,rar
list_fail 'set http url-bypass del: "windowsupdate.com" is not in the list' \
	http url-bypass del windowsupdate.com
list_fail 'set ftp mime-bypass del: "text/" is not in the list' ftp mime-bypass del text/*
list_fail 'set pop3 extensions add: cannot add "new": the list has 64 entries, the most it may have' \
	pop3 extensions add e1,new
list_fail 'set smtp extensions add: the nfav module did not report the current list' \
	smtp extensions add exe
list_fail 'set smtp url-bypass del: the nfav module did not report the current list' \
	smtp enabled yes url-bypass del a.example

# Lists in replies: limits, hostile entries, malformed lists
expect 0 "full lists in a reply" "$MODEL" -j config-long
json_ok "full lists in a reply, sent back unchanged" '
p = d["protocols"]
assert list(p) == ["http", "ftp"]
for k, n in (("extensions", 15), ("mime_bypass", 63), ("mime_scan", 63),
             ("url_bypass", 255)):
    for proto in p.values():
        l = proto[k]
        assert len(l) == 64 and len(set(l)) == 64, (k, len(l))
        assert len(l[0]) == n and max(map(len, l)) == n, k'
expect 1 "a list of 65 entries is a malformed reply" "$MODEL" malformed-list-count
expect 1 "a list entry over its limit is a malformed reply" "$MODEL" malformed-list-length
expect 0 "hostile list entries, text" "$MODEL" config-nasty
clean_output "hostile list entries, text"
if [ "$(cat "$tmp/out")" = 'http:
  extensions none
  mime-scan none
  url-bypass "a\"b\\c\nd\re\tf\x01g\x1b[31mred\x7f\xff\xfe\xc3(\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xc2\x9b2J\u202egpj.exe'"$(printf '\303\274\342\202\254\360\237\230\200')"'\xe2","a,b","",no-nul,cut,plain.example/x' ]; then
	pass "hostile list entries, text: quoted and escaped, commas kept apart"
else
	fail "hostile list entries, text: exact output"
fi
expect 0 "hostile list entries, JSON" "$MODEL" -j config-nasty
clean_output "hostile list entries, JSON"
json_ok "hostile list entries, JSON" '
want = ("a\"b\\c\nd\re\tf\x01g\x1b[31mred\x7f\xff\xfe\xc3(\xc0\xaf\xed\xa0\x80"
 "\xf4\x90\x80\x80\x9b2J\u202egpj.exe\u00fc\u20ac\U0001F600\xe2")
h = d["protocols"]["http"]
assert h["url_bypass"] == [want, "a,b", "", "no-nul", "cut",
 "plain.example/x"], h["url_bypass"]
assert h["extensions"] == [] and h["mime_scan"] == []
assert "mime_bypass" not in h'

# --- kernel errors with extended ack ---------------------------------------
expect 1 "kernel error with extack" "$MODEL" extack
has err "nfavctl: set http failed: Invalid argument" "extack: errno"
has err "nfavctl: kernel: scan timeout out of range" "extack: kernel message"
has err "nfavctl: the kernel rejected: http scan-timeout" "extack: offending attribute"
expect 1 "kernel error in a fallback" "$MODEL" extack-fallback
has err "nfavctl: the kernel rejected: http fallback timeout" "extack: offending fallback"
expect 1 "kernel EPERM" "$MODEL" extack-eperm
if [ "$(cat "$tmp/err")" = "nfavctl: permission denied: nfavctl needs CAP_NET_ADMIN in the initial user namespace (run as root on the host)" ]; then
	pass "EPERM: permission message"
else
	fail "EPERM: permission message"
fi
expect 0 "attribute offset naming" "$MODEL" offset-enabled
has out "http enabled" "offset of http enabled is named"
expect 0 "attribute offset naming: notify-type" "$MODEL" offset-notify-type
has out "http notify-type" "offset of http notify-type is named"
expect 1 "kernel error in the message" "$MODEL" extack-message
has err "nfavctl: kernel: message too long" "extack: message error text"
has err "nfavctl: the kernel rejected: http message" "extack: offending message"
expect 1 "kernel error in a list entry" "$MODEL" extack-list
has err "nfavctl: kernel: invalid host" "extack: list entry error text"
has err 'nfavctl: the kernel rejected: http url-bypass entry "b.example/x"' \
	"extack: offending list entry"
expect 0 "attribute offset naming: a list" "$MODEL" offset-list
has out "http url-bypass" "offset of http url-bypass is named"

# --- request/reply plumbing against a real kernel family (nlctrl) -----------
expect 0 "nlctrl doit: reply then ack" "$MODEL" nlctrl-doit
has out "replies 1" "nlctrl doit: one reply"
expect 0 "nlctrl dump" "$MODEL" nlctrl-dump
if grep -q '^replies [1-9]' "$tmp/out"; then
	pass "nlctrl dump: replies until NLMSG_DONE"
else
	fail "nlctrl dump: replies until NLMSG_DONE"
fi
expect 1 "nlctrl policy error" "$MODEL" nlctrl-einval
has err "nfavctl: nlctrl failed: Invalid argument" "nlctrl policy error: errno"
expect 1 "nlctrl ENOENT" "$MODEL" nlctrl-enoent
has err "nfavctl: nlctrl failed: No such file or directory" "nlctrl ENOENT: errno"

# The monitor loop (on nlctrl's "notify" group) ends with exit 0 on signals.
for sig in INT TERM; do
	# shellcheck disable=SC2086
	$VG "$MODEL" listen >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	i=0
	while ! grep -q listening "$tmp/out" && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 0.2
	kill -$sig $pid
	( sleep 10; kill -KILL $pid 2>/dev/null ) &
	dog=$!
	wait $pid
	rc=$?
	kill $dog 2>/dev/null
	wait $dog 2>/dev/null
	if [ $rc = 0 ]; then
		pass "monitor loop: SIG$sig ends it with exit 0"
	else
		fail "monitor loop: SIG$sig gave exit $rc"
	fi
done

echo "1..$n"
if [ "$failed" -gt 0 ]; then
	echo "# $failed of $n tests failed"
	exit 1
fi
echo "# all $n tests passed"
exit 0
