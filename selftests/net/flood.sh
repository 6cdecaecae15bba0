#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Flow-table exhaustion (issue 7, item 4): 10,000 concurrent tracked
# connections (5,000 established and idle, 5,000 half-open from a SYN flood)
# cost at most 1 KiB of kernel memory each (slab figures printed), EICAR is
# still blocked during the flood, and a SYN flood past max-flows evicts
# half-open flows instead of letting new connections pass unscanned.
# The namespaces are created from a memory cgroup of their own: what the
# flood makes nfav allocate is charged to it.
source "$(dirname "$0")/../lib.sh"

HOSTILE=$NFAV_DIR/selftests/servers/hostile.py
HOLDPORT=8084
N_EST=${NFAV_FLOOD_EST:-5000}
N_SYN=${NFAV_FLOOD_SYN:-5000}

tap_begin
# A memory cgroup for this script, the namespaces' creator (before av_setup).
CG=/sys/fs/cgroup/nfav-flood
cg_ok=false
grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null &&
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control &&
	mkdir -p "$CG" && echo $$ >"$CG/cgroup.procs" && cg_ok=true
test_cleanup() { echo $$ >/sys/fs/cgroup/cgroup.procs 2>/dev/null; }
# cg_slab: slab memory charged to the cgroup, KiB
cg_slab() { awk '$1 == "slab" { print int($2 / 1024) }' "$CG/memory.stat"; }
av_setup 80
kmsg_mark begin
ulimit -n 65536
nsx srv sysctl -qw net.core.somaxconn=65535 net.ipv4.tcp_max_syn_backlog=65535
nsx cli sysctl -qw net.ipv4.ip_local_port_range="10000 65000"
# Half-open flows live as long as their conntrack entries: on a slow (debug)
# kernel the flood takes longer than SYN_RECV's 60 s, and the first ones
# would be gone before the count (what is counted here is the table, not
# the ageing).
nsx rtr sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_syn_recv=600 \
	net.netfilter.nf_conntrack_tcp_timeout_syn_sent=600
nfavctl set http ports 80,$HOLDPORT || bail "ports set"
nfavctl set global max-flows $((N_EST + N_SYN + 2000)) || bail "max-flows set"

flows_now() { jget "$(status_json)" flows; }
# slab_size NAME: bytes per object of a slab cache, metadata included (a
# merged cache reports the largest of its members: an upper bound)
slab_size() { cat "/sys/kernel/slab/$1/slab_size" 2>/dev/null; }
# kernel memory in use by slabs, KiB (Slab: in /proc/meminfo)
slab_kb() { awk '/^Slab:/ { print $2 }' /proc/meminfo; }

ip netns exec srv $PYTHON "$HOSTILE" holdsrv $SRV4 $HOLDPORT >"$SCRATCH/log/holdsrv.log" 2>&1 &
_bg_pids+=($!)
wait_for 20 listening srv $HOLDPORT || bail "hold server starts"

base_flows=$(flows_now)
kb0=$(slab_kb)
ip netns exec cli $PYTHON "$HOSTILE" holdcli $SRV4 $HOLDPORT "$N_EST" "$SCRATCH/est-ready" \
	>"$SCRATCH/log/holdcli.log" 2>&1 &
_bg_pids+=($!)
wait_for 240 test -e "$SCRATCH/est-ready"
result "$N_EST established connections open" $? "$(tail -n 3 "$SCRATCH/log/holdcli.log")"
flows_est=$(flows_now)
$cg_ok && cg0=$(cg_slab)
nsx cli $PYTHON "$HOSTILE" synflood 192.0.2 $SRV4 80 "$N_SYN" 2>"$SCRATCH/log/synflood.log"
result "$N_SYN spoofed SYNs sent" $? "$(cat "$SCRATCH/log/synflood.log")"
sleep 2
tracked=$(flows_now)
$cg_ok && cg1=$(cg_slab)
fsize=$(slab_size nfav_flow)
# The spoofed SYNs come from no process: conntrack and the server's request
# sockets are charged to no cgroup, nfav's flows to the namespace's.
new_flows=$((tracked - flows_est))
if grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
	$cg_ok && [ "$new_flows" -gt 1000 ] && [ $(((cg1 - cg0) * 1024)) -ge $((new_flows * fsize / 2)) ]
	result "the half-open flows' memory is charged to the memory cgroup of the namespace's creator" $? \
		"cgroup slab: ${cg0:-?} -> ${cg1:-?} KiB for $new_flows flows of $fsize bytes (cgroup: $cg_ok)"
else
	skip "the half-open flows' memory is charged to the namespace's memory cgroup" \
		"kernel without the memory controller"
fi
echo "bench| flows: charged to the namespace's memory cgroup: $(((${cg1:-0} - ${cg0:-0}) * 1024 / (new_flows + 1))) bytes per half-open flow"
hsize=$(slab_size nfav_held)
kb1=$(slab_kb)
[ "$tracked" -ge $((N_EST + N_SYN - 100)) ]
result "about $((N_EST + N_SYN)) flows tracked at once" $? "flows: $tracked"
per_flow_slab=$fsize
per_flow_all=$(( (kb1 - kb0) * 1024 / (tracked - base_flows + 1) ))
diag "flood: $tracked flows tracked; nfav_flow slab objects of $fsize bytes (held-packet wrappers: $hsize bytes)"
diag "flood: all slab memory grew by $((kb1 - kb0)) KiB: $per_flow_all bytes per flow (conntrack, sockets of both ends and nfav together)"
echo "bench| flows: $tracked concurrent tracked flows (half-open and established, idle)"
echo "bench| flows: struct nfav_flow $fsize bytes (slab object) + about 16 bytes of hash table; no parser state while idle"
echo "bench| flows: all kernel slab memory per connection, both hosts included: $per_flow_all bytes"
[ -n "$fsize" ] && [ "$fsize" -le 1024 ]
result "kernel memory of an idle tracked flow <= 1 KiB (nfav_flow: $per_flow_slab bytes)" $?

fetch "http://$SRV4/eicar.com" "$SCRATCH/out/flood-eicar"
blocked_page "$SCRATCH/out/flood-eicar" "$SIG_EICAR"
result "EICAR blocked during the flood" $? "$(page_diag "$SCRATCH/out/flood-eicar")"

# Past the table's size: the SYN flood evicts half-open flows; new
# connections are tracked and scanned, not passed unscanned.
s0=$(stats_json)
nsx cli $PYTHON "$HOSTILE" synflood 192.0.2 $SRV4 80 $((N_SYN * 2)) 2>>"$SCRATCH/log/synflood.log"
tracked=$(flows_now)
fetch "http://$SRV4/eicar.com" "$SCRATCH/out/flood-eicar2"
s1=$(stats_json)
blocked_page "$SCRATCH/out/flood-eicar2" "$SIG_EICAR"
result "table full of half-open flows: EICAR on a new connection still blocked" $? \
	"$(page_diag "$SCRATCH/out/flood-eicar2")" "flows $tracked, flow_limit +$(delta "$s0" "$s1" flow_limit)"
[ "$tracked" -le $((N_EST + N_SYN + 2000)) ]
result "the flow table stays within max-flows" $? "flows: $tracked"

gen_file clean100k 100K
fetch "http://$SRV4/clean100k" "$SCRATCH/out/flood-clean"
cmp -s "$SCRATCH/out/flood-clean" "$SCRATCH/www/clean100k"
result "clean download during the flood byte-exact" $? "$(page_diag "$SCRATCH/out/flood-clean")"

check "kernel log clean" kmsg_clean_since begin
tap_end
