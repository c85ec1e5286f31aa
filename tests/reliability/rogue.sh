#!/bin/sh
# rogue.sh RLAUNCH ROGUE SCRIBBLE MODE SEED: 4 ranks on 2 nodes run
# rogue.c's traffic while scribble.c writes random bytes into the job's
# MODE area (ring, pool, ack, header, all). Passes when every rank ended
# with an allowed outcome (completed, PB_ECORRUPT, PB_EPEER: exit 0):
# no crash, no sanitizer report, no other error, and no hang (rlaunch's
# timeout turns one into a failure).
rl=$1 rogue=$2 scribble=$3 mode=$4 seed=$5
job=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
shm=$(mktemp -d /dev/shm/pbrel-rogue.XXXXXX) || exit 1
trap 'kill -KILL $sp 2>/dev/null; rm -rf "$shm" "$shm.log"' EXIT
"$scribble" "$shm" "$job" "$mode" "$seed" 60 200 >"$shm.log" &
sp=$!
rc=0
"$rl" -n 4 --nodes 2 --shm-dir "$shm" --job-id "$job" --timeout 90 \
    "$rogue" 100 "$seed" || rc=$?
wait $sp 2>/dev/null
cat "$shm.log"
grep -q 'scribble: [1-9]' "$shm.log" || { echo "FAIL: the rogue writer wrote nothing"; exit 1; }
[ $rc = 0 ] || { echo "FAIL: rogue writer ($mode): rlaunch status $rc"; exit 1; }
echo "ok: rogue writer ($mode): every rank completed or reported the damage"
