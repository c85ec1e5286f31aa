# --timeout ends a job that runs too long with exit 124, and leaves a job
# that finishes in time alone.
. "$(dirname "$0")/lib.sh"
start=$(now_ms)
run --timeout 1 -n 3 "$RANKPROG" touch seg ready "$T/ready" sleep forever
took=$(( $(now_ms) - start ))
expect_rc 124 "timeout"
expect_err "pbrun: job timed out after 1 s"
[ "$took" -ge 950 ] && [ "$took" -lt 4000 ] || fail "timeout 1 s took $took ms"
while read -r rank pid; do
    gone "$pid" || fail "rank $rank (pid $pid) outlived pbrun"
done <"$T/ready"
expect_shm_empty "timeout"
note "timed out after $took ms"

run --timeout 0.4 -n 2 "$RANKPROG" exit 0
expect_rc 0 "job faster than its timeout"
run --timeout=5 -n 2 "$RANKPROG" exit-if 1 6 exit 0
expect_rc 6 "failure before the timeout"
note "timeouts that do not fire"
