#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every clamav-testfiles sample over HTTP with the default settings: each one
# clamscan detects with the generated database (gen_db) is blocked with a
# 403 page naming the signature, the nested ones (clam_cache_emax.tgz: nine
# tar.gz deep) too, since a signature wins over the decompression layer
# limit; any other arrives intact.  One curl per file, in sequence.  A
# sample larger than the client's receive window allows to hold (its
# initial window is about 14 KB) is trickled: blocked means then that the
# tail is dropped and the transfer reset (section 3 of the design), so the
# whole file never arrives.
source "$(dirname "$0")/../lib.sh"

tap_begin
av_setup
tf=$SCRATCH/www/tf
mkdir -p "$tf" "$SCRATCH/out/tf"
cp "$CLAM_TESTFILES"/* "$tf/" || bail "clamav-testfiles copied"

# What clamscan detects with the same database.
clamscan --no-summary -d "$SCRATCH/db" "$CLAM_TESTFILES" \
	>"$SCRATCH/log/clamscan.out" 2>"$SCRATCH/log/clamscan.err"
sed -n "s|^$CLAM_TESTFILES/\\([^/]*\\): .* FOUND\$|\\1|p" "$SCRATCH/log/clamscan.out" |
	sort >"$SCRATCH/detected"
[ -s "$SCRATCH/detected" ] ||
	bail "clamscan detects the samples" "$(head -n 5 "$SCRATCH/log/clamscan.err")"
diag "clamscan detects $(wc -l <"$SCRATCH/detected") of $(find "$tf" -type f | wc -l) samples"

cfg=$(config_json)
[ "$(jget "$cfg" protocols http max_layers)" = 2 ] &&
	[ "$(jget "$cfg" protocols http scan_mode)" = scan-all ] &&
	[ "$(jget "$cfg" protocols http fallbacks decompress-layer)" = log-and-permit ]
result "default settings: scan-all, 2 layers, decompress-layer log-and-permit" $? "config: $cfg"

s0=$(stats_json)
blocked=0 paged=0 cut=0 detected=0 missed=()
for path in "$tf"/*; do
	f=${path##*/}
	out=$SCRATCH/out/tf/$f
	fetch "http://$SRV4/tf/$f" "$out"
	if grep -qxF "$f" "$SCRATCH/detected"; then
		detected=$((detected + 1))
		if blocked_page "$out" "$SIG_CLAM"; then
			blocked=$((blocked + 1)) paged=$((paged + 1))
			ok "$f: blocked, 403 page naming $SIG_CLAM"
		elif [ "$CURL_RC" != 0 ] && reset_or_403 && ! cmp -s "$out" "$path"; then
			blocked=$((blocked + 1)) cut=$((cut + 1))
			ok "$f: blocked, trickled: $SIZE of $(fsize "$path") bytes, then reset (curl $CURL_RC)"
		else
			missed+=("$f")
			not_ok "$f: blocked" "$(page_diag "$out")" "$(nfavd_log 3)"
		fi
	else
		[ "$HTTP_CODE" = 200 ] && cmp -s "$out" "$path"
		result "$f: not detected by clamscan, arrives intact" $? "$(fetch_diag "$out")"
	fi
done

diag "$blocked of $detected blocked: $paged with the 403 page, $cut trickled and reset (clamscan detects $detected of $(find "$tf" -type f | wc -l))"
[ "$blocked" = "$detected" ]
result "$blocked of $detected samples clamscan detects blocked" $? "missed: ${missed[*]}"

s1=$(stats_json)
[ "$(delta "$s0" "$s1" infected)" = "$detected" ] &&
	[ "$(delta "$s0" "$s1" fallbacks decompress-layer log-and-permit)" = 0 ]
result "counted $detected infected, no decompress-layer fallback" $? \
	"infected +$(delta "$s0" "$s1" infected)" "stats: $s1"

tap_end
