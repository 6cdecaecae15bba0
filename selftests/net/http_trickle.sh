#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# HTTP trickling timeout: an object that waits for its verdict longer than
# trickle-timeout is trickled (all but its tail reaches the client), which
# keeps a slow scan's client alive, and an infected tail is still dropped.
# With trickling off (the default) nothing of a held object arrives before
# its verdict.
source "$(dirname "$0")/../lib.sh"

tap_begin
av_setup
# Small enough to arrive in the first congestion window, so that only the
# trickling timeout (not stall detection) can release anything.
head -c 10K /dev/urandom >"$SCRATCH/www/r10k"
head -c 8K /dev/urandom >"$SCRATCH/rnd.bin"
tar -cf "$SCRATCH/www/tail-infected.tar" -C "$SCRATCH" rnd.bin -C "$SCRATCH/www" clam.exe
full=$(fsize "$SCRATCH/www/r10k")
tfull=$(fsize "$SCRATCH/www/tail-infected.tar")

# One TCP segment per skb from the server, so that "all but the tail" is
# more than nothing.
check "server sends one segment per skb" ip -n srv link set veth0 gso_max_segs 1
check "scan-timeout 60 (the daemon will be stopped)" nfavctl set http scan-timeout 60
[ "$(jget "$(config_json)" protocols http trickle_timeout)" = 0 ]
result "trickle-timeout is off by default" $? "config: $(config_json)"

# Off: a held object does not move while the daemon is stopped.
kill -STOP "$NFAVD_PID"
bg_fetch off "http://$SRV4/r10k"
sleep 6
off_size=$(fsize "$SCRATCH/out/off")
[ "$off_size" = 0 ]
result "trickling off: nothing arrives while the verdict is pending" $? "size $off_size after 6 s"
kill -CONT "$NFAVD_PID"
bg_wait off 40
[ "$CURL_RC" = 0 ] && cmp -s "$SCRATCH/out/off" "$SCRATCH/www/r10k"
result "trickling off: the clean object arrives whole after its verdict" $? "$(ended_diag off)"

check "set http trickle-timeout 2" nfavctl set http trickle-timeout 2
[ "$(jget "$(config_json)" protocols http trickle_timeout)" = 2 ]
result "show config reports trickle-timeout 2" $? "config: $(config_json)"

kill -STOP "$NFAVD_PID"
bg_fetch on "http://$SRV4/r10k"
sleep 6
on_size=$(fsize "$SCRATCH/out/on")
[ "$on_size" -ge $((full - 3000)) ] && [ "$on_size" -lt "$full" ]
result "trickling on: all but the tail arrives while the verdict is pending" $? "size $on_size of $full after 6 s"
kill -CONT "$NFAVD_PID"
bg_wait on 40
[ "$CURL_RC" = 0 ] && cmp -s "$SCRATCH/out/on" "$SCRATCH/www/r10k"
result "trickling on: the clean object completes byte-exact" $? "$(ended_diag on)"

kill -STOP "$NFAVD_PID"
bg_fetch inf "http://$SRV4/tail-infected.tar"
sleep 6
inf_size=$(fsize "$SCRATCH/out/inf")
[ "$inf_size" -gt 0 ] && [ "$inf_size" -lt "$tfull" ]
result "trickling on, infected: the client is kept alive with the head" $? "size $inf_size of $tfull after 6 s"
kill -CONT "$NFAVD_PID"
bg_wait inf 40
[ "$CURL_RC" != 0 ] && [ "$SIZE" -lt "$tfull" ] && ! cmp -s "$SCRATCH/out/inf" "$SCRATCH/www/tail-infected.tar"
result "trickling on, infected: the tail never arrives (transfer cut)" $? "$(ended_diag inf)"

check "trickle-timeout back to 0" nfavctl set http trickle-timeout 0
tap_end
