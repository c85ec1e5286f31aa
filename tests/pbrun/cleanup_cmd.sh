# --cleanup JOBID removes exactly that job's files; --cleanup all removes
# the jobs whose launcher is dead and keeps the others.
. "$(dirname "$0")/lib.sh"
new_id() { od -An -tx1 -N16 /dev/urandom | tr -d ' \n'; }
id1=$(new_id) id2=$(new_id) id3=$(new_id) id4=$(new_id)
touch "$SHM/pb-$id1-a" "$SHM/pb-$id1-b.seg" "$SHM/pb-$id2-c" "$SHM/unrelated" "$SHM/pb-$id1"

run --cleanup "$id1"
expect_rc 0 "--cleanup JOBID"
grep -qF "removed 2 file(s) of job $id1" "$T/out" || fail "--cleanup said: $(cat "$T/out" "$T/err")"
[ ! -e "$SHM/pb-$id1-a" ] && [ ! -e "$SHM/pb-$id1-b.seg" ] || fail "--cleanup $id1 left: $(ls "$SHM")"
for f in "pb-$id1" "pb-$id2-c" unrelated; do
    [ -e "$SHM/$f" ] || fail "--cleanup $id1 removed $f, which is not pb-$id1-*"
done
# PB_SHM_DIR names the dir as well as --shm-dir does.
RC=0
PB_SHM_DIR=$SHM "$PBRUN" --cleanup "$id2" >"$T/out" 2>"$T/err" || RC=$?
expect_rc 0 "PB_SHM_DIR --cleanup"
[ ! -e "$SHM/pb-$id2-c" ] || fail "--cleanup with PB_SHM_DIR did not remove pb-$id2-c"
run --cleanup "$id2"
expect_rc 0 "--cleanup of a job with nothing left"
note "--cleanup JOBID"

# --cleanup all. A live job started by pbrun:
"$PBRUN" --shm-dir "$SHM" -n 2 "$RANKPROG" env touch seg ready "$T/ready" sleep forever \
    >"$T/live" 2>"$T/live.err" &
pb=$!
wait_until 5000 eval '[ "$(wc -l <"$T/ready" 2>/dev/null)" = 2 ]' || fail "live job did not start"
live=$(sed -n '1s/.* job=\([^ ]*\) .*/\1/p' "$T/live")
ns=$(stat -L -c %i /proc/self/ns/pid)
# A job whose launcher is dead (a pid that just exited):
dead=$(sh -c 'echo $$')
touch "$SHM/pb-$id3-x" "$SHM/pb-$id3-y"
echo "$dead 12345 $ns" >"$SHM/pb-$id3-launcher"
# A job whose launcher pid was reused by another process (wrong start time):
touch "$SHM/pb-$id4-x"
echo "$$ 1 $ns" >"$SHM/pb-$id4-launcher"
# A job without a launcher record (e.g. a singleton), and one from another
# pid namespace: neither can be judged, both are kept.
touch "$SHM/pb-$id1-z" "$SHM/pb-$id2-w"
echo "$dead 12345 $((ns + 1))" >"$SHM/pb-$id2-launcher"

run --cleanup all
expect_rc 0 "--cleanup all"
for f in "pb-$id3-x" "pb-$id3-y" "pb-$id3-launcher" "pb-$id4-x" "pb-$id4-launcher"; do
    [ ! -e "$SHM/$f" ] || fail "--cleanup all kept $f of a dead job"
done
for f in "pb-$live-seg-0" "pb-$live-seg-1" "pb-$live-launcher" "pb-$id1-z" "pb-$id2-w" unrelated; do
    [ -e "$SHM/$f" ] || fail "--cleanup all removed $f"
done
grep -qF "kept job $live: its launcher (pid $pb) is running" "$T/out" ||
    fail "--cleanup all said: $(cat "$T/out")"
grep -qF "kept job $id1: it has no launcher record" "$T/out" || fail "no word on markerless job"
kill -0 "$pb" || fail "the live job died"
note "--cleanup all"

kill -TERM "$pb"
RC=0
wait "$pb" || RC=$?
expect_rc 143 "live job ended by SIGTERM"
[ -z "$(ls "$SHM" | grep -- "$live")" ] || fail "live job left files after SIGTERM"
