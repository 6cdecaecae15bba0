#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What the client of a blocked HTTP transfer is told: the notice page by
# default, with the administrator's custom text (HTML-escaped) when set, or a
# bare 403 with notify-type protocol-only.
source "$(dirname "$0")/../lib.sh"

tap_begin
av_setup

fetch "http://$SRV4/eicar.com" "$SCRATCH/out/default"
blocked_page "$SCRATCH/out/default" "$SIG_EICAR" && grep -q "Blocked by nfav" "$SCRATCH/out/default"
result "default: a notice page naming the signature" $? "$(page_diag "$SCRATCH/out/default")"
[ "$(jget "$(config_json)" protocols http notify_type)" = message ]
result "default notify-type is message" $? "config: $(config_json)"

check "set http message with HTML characters" \
	nfavctl set http message 'Call the help desk <b>555-0100</b> & quote "nfav"'
[ "$(jget "$(config_json)" protocols http message)" = 'Call the help desk <b>555-0100</b> & quote "nfav"' ]
result "show config reports the custom message" $? "config: $(config_json)"
fetch "http://$SRV4/eicar.com" "$SCRATCH/out/custom"
blocked_page "$SCRATCH/out/custom" "$SIG_EICAR" &&
	grep -qF 'Call the help desk &lt;b&gt;555-0100&lt;/b&gt; &amp; quote &quot;nfav&quot;' "$SCRATCH/out/custom" &&
	! grep -qF '<b>555' "$SCRATCH/out/custom"
result "the page carries the custom message, HTML-escaped" $? "$(page_diag "$SCRATCH/out/custom")"

long=$(head -c 512 /dev/zero | tr '\0' 'x')
check "a 512-character message is accepted" nfavctl set http message "$long"
fetch "http://$SRV4/eicar.com" "$SCRATCH/out/long"
blocked_page "$SCRATCH/out/long" "$SIG_EICAR" && grep -q "$long" "$SCRATCH/out/long"
result "a 512-character message is on the page" $? "$(page_diag "$SCRATCH/out/long")"
nfavctl set http message "${long}x" >/dev/null 2>&1
[ $? = 2 ]
result "a 513-character message is refused (exit 2)" $?

check "set http notify-type protocol-only" nfavctl set http notify-type protocol-only message ''
fetch "http://$SRV4/eicar.com" "$SCRATCH/out/bare"
[ "$HTTP_CODE" = 403 ] && [ "$SIZE" = 0 ]
result "protocol-only: a bare 403 without a page" $? "$(page_diag "$SCRATCH/out/bare")"
fetch "http://$SRV4/clam.zip" "$SCRATCH/out/bare-zip"
[ "$HTTP_CODE" = 403 ] && [ "$SIZE" = 0 ]
result "protocol-only: clam.zip also gets a bare 403" $? "$(page_diag "$SCRATCH/out/bare-zip")"

check "back to notify-type message" nfavctl set http notify-type message
fetch "http://$SRV4/eicar.com" "$SCRATCH/out/again"
blocked_page "$SCRATCH/out/again" "$SIG_EICAR"
result "notify-type message: the page is back" $? "$(page_diag "$SCRATCH/out/again")"

tap_end
