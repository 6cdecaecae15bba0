#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of `make demo` (tools/demo.sh): topology, nfavd with a generated
# database, one clean and one infected download, told as a story on lines
# starting with "demo| ".
source "$(dirname "$0")/../../lib.sh"

say() { printf 'demo| %s\n' "$@"; }

tap_begin
require_module
trap cleanup EXIT
setup_scratch
say "" "nfav demo on kernel $(uname -r) (QEMU guest)" ""
topo_setup || bail "topology"
say "Network: client 192.0.2.2 (netns cli) --- router (netns rtr, nfav + nfavd) --- server 198.51.100.2 (netns srv)"
gen_db || bail "signature database"
say "Signature database: $SCRATCH/db/test.hdb (MD5 signatures made with sigtool --md5):"
sed 's/^/demo|     /' "$SCRATCH/db/test.hdb"
gen_file report.pdf 300K
httpd_start "$SCRATCH/www" 80 || bail "HTTP server"
say "Web server: python3 http.server-style test server on 198.51.100.2:80 serving report.pdf (300 KiB) and eicar.com (68 bytes)"
nfavd_start || bail "nfavd"
say "Scan daemon: nfavd registered in the router's namespace:"
nfavctl show status | sed 's/^/demo|     /'
ok "set up"

say "" "1) The client downloads a clean file: curl http://198.51.100.2/report.pdf"
fetch "http://$SRV4/report.pdf" "$SCRATCH/out/report.pdf"
a=$(sha "$SCRATCH/www/report.pdf") b=$(sha "$SCRATCH/out/report.pdf")
say "   HTTP $HTTP_CODE, $SIZE bytes received" "   sha256 on the server: $a" "   sha256 on the client: $b"
if [ "$CURL_RC" = 0 ] && [ "$a" = "$b" ]; then
	say "   => the clean file arrived intact."
	ok "clean file arrived intact"
else
	say "   => FAILED: the clean file did not arrive intact (curl rc $CURL_RC)"
	not_ok "clean file arrived intact"
fi

say "" "2) The client downloads the EICAR test virus: curl http://198.51.100.2/eicar.com"
fetch "http://$SRV4/eicar.com" "$SCRATCH/out/eicar.com"
say "   HTTP $HTTP_CODE, $SIZE bytes received; the page's first lines:"
head -n 15 "$SCRATCH/out/eicar.com" | sed 's/^/demo|     | /'
if blocked_page "$SCRATCH/out/eicar.com" "$SIG_EICAR"; then
	say "   => blocked: the client got nfav's page naming the signature $SIG_EICAR, never the virus."
	ok "infected file blocked with the signature name"
else
	say "   => FAILED: the infected download was not replaced by a page naming $SIG_EICAR"
	not_ok "infected file blocked with the signature name"
fi

say "" "3) The counters: nfavctl show stats (HTTP part)"
sleep 1
nfavctl show stats | awk '/^[a-z]/ { show = /^http:/ } show' | sed 's/^/demo|     /'
say ""
tap_end
