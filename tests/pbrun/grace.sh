# Ranks that ignore SIGTERM get SIGKILL after the ~2 s grace; a second
# signal to pbrun skips the grace.
. "$(dirname "$0")/lib.sh"
start=$(now_ms)
run -n 3 "$RANKPROG" ignore-term ready "$T/ready" await "$T/ready" 3 exit-if 0 3 sleep forever
took=$(( $(now_ms) - start ))
expect_rc 3 "rank 0 exits 3"
expect_err "sending SIGKILL"
while read -r rank pid; do
    gone "$pid" || fail "rank $rank (pid $pid) outlived pbrun"
done <"$T/ready"
[ "$took" -ge 1900 ] && [ "$took" -lt 6000 ] || fail "took $took ms, expected the ~2 s grace"
note "SIGTERM-proof ranks killed after $took ms"

rm -f "$T/ready"
"$PBRUN" --shm-dir "$SHM" -n 2 "$RANKPROG" ignore-term ready "$T/ready" sleep forever \
    >"$T/out" 2>"$T/err" &
pb=$!
wait_until 5000 eval '[ "$(wc -l <"$T/ready")" = 2 ]' || fail "ranks did not start"
start=$(now_ms)
kill -TERM "$pb"
wait_until 5000 grep -q "forwarding it" "$T/err" || fail "pbrun did not act on SIGTERM"
kill -TERM "$pb"
RC=0
wait "$pb" || RC=$?
took=$(( $(now_ms) - start ))
expect_rc 143 "pbrun got SIGTERM twice"
expect_err "again; killing the ranks"
[ "$took" -lt 1500 ] || fail "second signal did not skip the grace: $took ms"
expect_shm_empty "grace"
note "second SIGTERM killed at once ($took ms)"
