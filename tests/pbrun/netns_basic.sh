# --netns: ranks of one node share a network namespace, nodes have
# different ones, each node has its address on pbnet0, and a TCP
# connection from node 1 to node 0 crosses the veths and the bridge.
# Usage: netns_basic.sh PBRUN RANKPROG PEERPROG (pbrun_netns_peer.c)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netns_lib.sh"
PEER=$1
need_netns

# field RANK NAME: NAME=value from rank RANK's info line in $T/out.
field() {
    sed -n "s/^\[$1\] rank=$1 \(.* \)\?$2=\([^ ]*\).*/\2/p" "$T/out"
}

run --netns -n 4 --nodes 2 --tag-output "$PEER" info serve-if 0 "$T/server" dial-if 2 "$T/server"
id=$(field 0 job)
[ -n "$id" ] && track_job "$id"
expect_rc 0 "--netns -n 4 --nodes 2"
[ "$(grep -c '] rank=' "$T/out")" = 4 ] || fail "expected 4 info lines: $(cat "$T/out")"

# Addresses: 10.<job id byte 0>.<byte 1>.<node+1>.
net=10.$((16#${id:0:2})).$((16#${id:2:2}))
root_ns=$(readlink /proc/self/ns/net)
for r in 0 1 2 3; do
    node=$((r / 2))
    [ "$(field $r node)" = $node ] || fail "rank $r: node $(field $r node), expected $node"
    [ "$(field $r addr)" = "$net.$((node + 1))" ] || fail "rank $r: PB_NODE_ADDR $(field $r addr), expected $net.$((node + 1))"
    [ "$(field $r pbnet0)" = "$(field $r addr)" ] || fail "rank $r: pbnet0 has $(field $r pbnet0), PB_NODE_ADDR says $(field $r addr)"
    [ "$(field $r iface)" = pbnet0 ] || fail "rank $r: FI_TCP_IFACE=$(field $r iface)"
    [ "$(field $r netns)" = 1 ] || fail "rank $r: PB_NETNS=$(field $r netns)"
    [ "$(field $r medium)" = ofi ] || fail "rank $r: PB_MEDIUM=$(field $r medium), expected ofi"
    [ "$(field $r net)" != "$root_ns" ] || fail "rank $r runs in pbrun's own network namespace"
done
[ "$(field 0 net)" = "$(field 1 net)" ] || fail "ranks 0 and 1 (node 0) in different namespaces"
[ "$(field 2 net)" = "$(field 3 net)" ] || fail "ranks 2 and 3 (node 1) in different namespaces"
[ "$(field 0 net)" != "$(field 2 net)" ] || fail "nodes 0 and 1 share a namespace"
note "4 ranks on 2 nodes: $(field 0 net) at $net.1, $(field 2 net) at $net.2"

# The TCP exchange: rank 2 (node 1) dials rank 0 (node 0) at its node's
# address; each side sees the other node's address, so the bytes left one
# stack through pbnet0 and arrived at the other.
grep -qF "[0] rank 0 accepted from $net.2: hello from 2" "$T/out" ||
    fail "rank 0 did not get node 1's connection: $(cat "$T/out" "$T/err")"
grep -qE "^\[2\] rank 2 dialled $net\.1:[0-9]+ from $net\.2, answer: ok 0$" "$T/out" ||
    fail "rank 2's connection to node 0: $(cat "$T/out" "$T/err")"
note "TCP from node 1 ($net.2) to node 0 ($net.1)"
expect_net_gone "$id" "after the job"
expect_shm_empty "after the job"

# A map that is not block, and the user's PB_MEDIUM kept.
RC=0
PB_MEDIUM=shm timeout -s KILL 20 "$PBRUN" --shm-dir "$SHM" --netns -n 3 --map 1,0,1 --tag-output \
    "$PEER" info >"$T/out" 2>"$T/err" || RC=$?
id=$(field 0 job)
[ -n "$id" ] && track_job "$id"
expect_rc 0 "--netns --map 1,0,1"
net=10.$((16#${id:0:2})).$((16#${id:2:2}))
[ "$(field 0 net)" = "$(field 2 net)" ] || fail "--map 1,0,1: ranks 0 and 2 (node 1) in different namespaces"
[ "$(field 0 net)" != "$(field 1 net)" ] || fail "--map 1,0,1: ranks 0 and 1 share a namespace"
[ "$(field 0 addr)" = "$net.2" ] && [ "$(field 1 addr)" = "$net.1" ] ||
    fail "--map 1,0,1: addresses $(field 0 addr) $(field 1 addr), expected $net.2 $net.1"
for r in 0 1 2; do
    [ "$(field $r medium)" = shm ] || fail "rank $r: PB_MEDIUM=$(field $r medium), the user's shm was overridden"
done
expect_net_gone "$id" "after the --map job"
expect_shm_empty "after the --map job"
note "--map 1,0,1 and PB_MEDIUM=shm"
