#!/bin/bash
# cleanup_traffic.sh PBRUN RANDOM_TRAFFIC MODE: a real job (8 ranks on 2
# emulated nodes, random traffic through data segments, ack segments and
# directories) ends in one of these ways, and afterwards nothing of it is
# left in its shm dir and no process of it runs:
#   normal          the job finishes (pb_close and pbrun both clean)
#   pbrun-kill9     pbrun is SIGKILLed mid-traffic (its reaper cleans)
#   rank-kill9      one rank is SIGKILLed mid-traffic (pbrun ends the rest)
#   all-ranks-kill9 every rank is SIGKILLed mid-traffic
# A bounded wait (20 s) turns a hang into a failure; nothing is timed.
set -u
PBRUN=$1 PROG=$2 MODE=$3
SHM=$(mktemp -d /dev/shm/pbrel-clean.XXXXXX) || exit 1
OUT=$(mktemp -d "${TMPDIR:-/tmp}/pbrel-clean.XXXXXX") || exit 1

# processes of this job: pbrun and its reaper name $SHM on their command
# line, the ranks carry PB_SHM_DIR=$SHM in their environment
ours() {
    local f p
    for f in $( { grep -lzx "PB_SHM_DIR=$SHM" /proc/[0-9]*/environ
                  grep -lzF -- "$SHM" /proc/[0-9]*/cmdline; } 2>/dev/null); do
        p=${f#/proc/}
        p=${p%%/*}
        # zombies (not reaped by a dead parent) are gone already
        grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null || echo "$p"
    done | sort -u
}
rank_pids() {
    local f p
    for f in $(grep -lzx "PB_SHM_DIR=$SHM" /proc/[0-9]*/environ 2>/dev/null); do
        grep -qz '^PB_RANK=' "$f" 2>/dev/null || continue
        p=${f#/proc/}
        echo "${p%%/*}"
    done
}
rank_pid() {
    local p
    for p in $(rank_pids); do
        grep -qzx "PB_RANK=$1" "/proc/$p/environ" 2>/dev/null && echo "$p"
    done
}
cleanup() {
    ours | xargs -r kill -KILL 2>/dev/null
    rm -rf "$SHM" "$OUT"
}
trap cleanup EXIT
fail() {
    echo "FAIL ($MODE): $*" >&2
    echo "--- pbrun stderr:" >&2
    tail -20 "$OUT/err" >&2
    exit 1
}
# wait_for SECONDS CMD...: poll CMD every 50 ms, at most SECONDS
wait_for() {
    local n=$(( $1 * 20 ))
    shift
    while ! "$@"; do
        n=$((n - 1))
        [ $n -gt 0 ] || return 1
        sleep 0.05
    done
}
traffic_flows() {
    [ "$(ls "$SHM" | grep -c -- '-d[0-9]*-n[0-9]*$')" -ge 8 ]
}
dir_empty() { [ -z "$(ls -A "$SHM")" ]; }
nothing_runs() { [ -z "$(ours)" ]; }

secs=600
[ "$MODE" = normal ] && secs=0
"$PBRUN" --shm-dir "$SHM" -n 8 --nodes 2 --timeout 300 \
    "$PROG" 100 600000 77 $secs >"$OUT/out" 2>"$OUT/err" &
pb=$!

if [ "$MODE" != normal ]; then
    wait_for 20 traffic_flows || fail "traffic never started: $(ls "$SHM")"
    echo "mid-traffic: $(ls "$SHM" | wc -l) objects in the shm dir"
fi
case $MODE in
normal) ;;
pbrun-kill9) kill -KILL "$pb" ;;
rank-kill9)
    victim=$(rank_pid 5)
    [ -n "$victim" ] || fail "rank 5 not found"
    kill -KILL "$victim" ;;
all-ranks-kill9)
    pids=$(rank_pids)
    [ "$(echo $pids | wc -w)" = 8 ] || fail "expected 8 ranks, found: $pids"
    kill -KILL $pids ;;
*) fail "unknown mode" ;;
esac
rc=0
wait "$pb" || rc=$?
case $MODE in
normal) [ $rc = 0 ] || fail "job failed ($rc)" ;;
pbrun-kill9) [ $rc = 137 ] || fail "pbrun status $rc" ;;
rank-kill9) [ $rc = 137 ] || fail "pbrun status $rc, want 137 (rank killed by 9)" ;;
all-ranks-kill9) [ $rc -ne 0 ] || fail "pbrun status 0 after every rank was killed" ;;
esac
wait_for 20 nothing_runs || fail "processes left: $(ours | tr '\n' ' ')"
wait_for 20 dir_empty || fail "left in the shm dir: $(ls -A "$SHM" | tr '\n' ' ')"
echo "ok: $MODE: pbrun status $rc, shm dir empty, no process left"
