#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Infected HTTP downloads: fully held ones are replaced by a 403 page naming
# the signature; a 5 MiB transfer whose infected member is at its end (so it
# was trickled) never arrives whole; archive and mail encodings of clam.exe
# are caught; a keep-alive connection carries clean, infected and clean
# objects, each with its own verdict.
source "$(dirname "$0")/../lib.sh"

tap_begin
av_setup
s0=$(stats_json)

fetch "http://$SRV4/eicar.com" "$SCRATCH/out/eicar"
blocked_page "$SCRATCH/out/eicar" "$SIG_EICAR"
result "EICAR (68 B) replaced by a 403 page naming $SIG_EICAR" $? "$(page_diag "$SCRATCH/out/eicar")"
[ "$CURL_RC" = 0 ]
result "EICAR: the connection ends after the page (curl rc 0)" $? "$(fetch_diag "$SCRATCH/out/eicar")"

fetch "http://$SRV4/eicar.com?chunked=1" "$SCRATCH/out/eicar-chunked"
blocked_page "$SCRATCH/out/eicar-chunked" "$SIG_EICAR"
result "EICAR with chunked encoding replaced by a 403 page" $? "$(page_diag "$SCRATCH/out/eicar-chunked")"

fetch "http://$SRV4:8080/eicar.com" "$SCRATCH/out/eicar-8080"
blocked_page "$SCRATCH/out/eicar-8080" "$SIG_EICAR"
result "EICAR on port 8080 replaced by a 403 page" $? "$(page_diag "$SCRATCH/out/eicar-8080")"

for f in clam.zip clam.7z clam.tar.gz clam.exe.mbox.base64 clam.mbox clam.exe; do
	fetch "http://$SRV4/$f" "$SCRATCH/out/$f"
	blocked_page "$SCRATCH/out/$f" "$SIG_CLAM"
	result "$f blocked with a page naming $SIG_CLAM" $? "$(page_diag "$SCRATCH/out/$f")"
done

# 5 MiB of random data with clam.exe as the last tar member: more than a
# flow may hold, so it is trickled; the tail must never reach the client.
head -c 5M /dev/urandom >"$SCRATCH/rnd.bin"
tar -cf "$SCRATCH/www/big-infected.tar" -C "$SCRATCH" rnd.bin -C "$SCRATCH/www" clam.exe
full=$(fsize "$SCRATCH/www/big-infected.tar")
fetch "http://$SRV4/big-infected.tar" "$SCRATCH/out/big"
! cmp -s "$SCRATCH/out/big" "$SCRATCH/www/big-infected.tar" && [ "$SIZE" -lt "$full" ]
result "5 MiB tar with infected tail: the full file never arrives" $? \
	"$(fetch_diag "$SCRATCH/out/big"; echo "full size $full")"
reset_or_403 && { [ "$CURL_RC" != 0 ] || grep -q "$SIG_CLAM" "$SCRATCH/out/big"; }
result "5 MiB tar with infected tail: transfer cut (curl 18/52/56) or replaced" $? \
	"$(fetch_diag "$SCRATCH/out/big")"
diag "big-infected.tar: curl rc $CURL_RC, http $HTTP_CODE, $SIZE of $full bytes arrived"

# clean, clean, infected, clean on one keep-alive connection.
gen_file c1 50K
gen_file c2 200K
gen_file c3 30K
w=$(nsx cli curl -sS --max-time 60 -w '%{num_connects},%{http_code} ' \
	-o "$SCRATCH/out/ka1" "http://$SRV4/c1" -o "$SCRATCH/out/ka2" "http://$SRV4/c2" \
	-o "$SCRATCH/out/ka3" "http://$SRV4/eicar.com" -o "$SCRATCH/out/ka4" "http://$SRV4/c3" 2>"$SCRATCH/out/ka.err")
read -r _ k2 k3 _ <<<"$w"
cmp -s "$SCRATCH/out/ka1" "$SCRATCH/www/c1" && cmp -s "$SCRATCH/out/ka2" "$SCRATCH/www/c2"
result "keep-alive: clean objects before the infected one arrive intact" $? "curl: $w"
[ "$k2" = "0,200" ] && [ "${k3%,*}" = 0 ]
result "keep-alive: the infected object came on the reused connection" $? \
	"num_connects,http_code per URL: $w"
HTTP_CODE=${k3#*,}
blocked_page "$SCRATCH/out/ka3" "$SIG_EICAR"
result "keep-alive: the infected object is replaced by a 403 page" $? "$(page_diag "$SCRATCH/out/ka3")"
cmp -s "$SCRATCH/out/ka4" "$SCRATCH/www/c3"
result "keep-alive: the clean object after it arrives intact" $? \
	"curl: $w" "size $(fsize "$SCRATCH/out/ka4") of $(fsize "$SCRATCH/www/c3")"

counted() { s1=$(stats_json); [ "$(delta "$s0" "$s1" infected)" -ge 11 ]; }
wait_for 10 counted
s1=$(stats_json)
d_inf=$(delta "$s0" "$s1" infected)
d_blk=$(delta "$s0" "$s1" blocked)
[ "$d_inf" -ge 11 ] && [ "$d_blk" -ge 11 ]
result "stats: infected and blocked grew by at least 11" $? \
	"infected +$d_inf blocked +$d_blk" "stats: $s1"

tap_end
