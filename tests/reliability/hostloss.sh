#!/bin/sh
# hostloss.sh PBRUN HOSTLOSS: 4 ranks on 2 nodes, each node a network
# namespace (pbrun --netns, root only). Once every rank is connected to
# every other, every process of node 1's namespace is killed at once (a
# host that vanishes); both ranks of node 0 must report PB_EPEER from a
# receive on node 1 within the peer timeout (PB_PEER_TIMEOUT=1.2 here: pbrun
# ends the survivors 2 s after the loss; 0.3 s more are allowed for a
# loaded 2-core machine), and keep talking to each other.
pbrun=$1 prog=$2
if [ "$(id -u)" != 0 ]; then
    echo "SKIP: pbrun --netns needs root"
    exit 77
fi
ipc=$(command -v ip || echo /usr/sbin/ip)
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
PB_PEER_TIMEOUT=1.2 "$pbrun" -n 4 --nodes 2 --netns --timeout 60 \
    "$prog" "$t/ready" >"$t/out" 2>"$t/err" &
pb=$!
i=0
lines() { [ -f "$t/ready" ] && wc -l <"$t/ready" || echo 0; }
while [ "$(lines)" -lt 4 ]; do
    i=$((i + 1))
    if [ $i -gt 300 ] || ! kill -0 $pb 2>/dev/null; then
        echo "FAIL: the ranks did not get ready"; cat "$t/out" "$t/err"
        kill $pb 2>/dev/null; exit 1
    fi
    sleep 0.1
done
# node 1's namespace, found from one of its ranks; then all its processes
pid=$(awk '$1 == "pid" { print $2; exit }' "$t/ready")
ns=$("$ipc" netns identify "$pid")
[ -n "$ns" ] || { echo "FAIL: rank $pid is in no named namespace"; kill $pb; exit 1; }
victims=$("$ipc" netns pids "$ns")
echo "killing namespace $ns: $(echo $victims)"
kill -9 $victims
wait $pb
rc=$?
cat "$t/out"
n=$(grep -c "on the lost host: a peer process is gone after" "$t/out")
s=$(grep -c "survivors still exchange messages" "$t/out")
if [ "$n" != 2 ] || [ "$s" != 2 ]; then
    echo "FAIL: want 2 survivors reporting PB_EPEER and still talking (got $n, $s); pbrun status $rc"
    cat "$t/err"
    exit 1
fi
# the loss must be seen within the peer timeout, not after it
awk '/on the lost host/ { if ($(NF-1) + 0 > 1.5) bad = 1 } END { exit bad }' "$t/out" ||
    { echo "FAIL: PB_EPEER came later than the peer timeout"; exit 1; }
[ -z "$("$ipc" netns list | grep "^$ns")" ] || { echo "FAIL: $ns outlived pbrun"; exit 1; }
echo "ok: a vanished host gives PB_EPEER within the peer timeout"
