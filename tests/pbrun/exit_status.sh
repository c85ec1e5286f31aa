# One rank exits 7: pbrun reports it, ends the ranks that sleep forever at
# once (no grace needed: they die of SIGTERM) and exits 7.
. "$(dirname "$0")/lib.sh"
start=$(now_ms)
run -n 4 "$RANKPROG" ready "$T/ready" await "$T/ready" 4 exit-if 2 7 sleep forever
took=$(( $(now_ms) - start ))
expect_rc 7 "rank 2 exits 7"
pid2=$(awk '$1 == 2 { print $2 }' "$T/ready")
[ -n "$pid2" ] || fail "rank 2 never started"
expect_err "pbrun: rank 2 (pid $pid2) exited with status 7"
[ "$(grep -c 'exited with status\|killed by signal' "$T/err")" = 1 ] ||
    fail "the ranks pbrun itself terminated were reported as failures too: $(cat "$T/err")"
[ "$(wc -l <"$T/ready")" = 4 ] || fail "not all ranks started"
while read -r rank pid; do
    gone "$pid" || fail "rank $rank (pid $pid) still runs after pbrun exited"
done <"$T/ready"
[ "$took" -lt 1800 ] || fail "took $took ms to end sleeping ranks (SIGTERM should be immediate)"
note "exit 7 propagated, others ended in $took ms"

# A rank that left the job's process group is still ended.
rm -f "$T/ready"
run -n 3 "$RANKPROG" leave-group ready "$T/ready" await "$T/ready" 3 exit-if 0 7 sleep forever
expect_rc 7 "rank 0 exits 7, the others left the group"
while read -r rank pid; do
    gone "$pid" || fail "rank $rank (pid $pid), outside the job's group, outlived pbrun"
done <"$T/ready"
note "ranks outside the process group ended too"

# Exit 0 everywhere -> 0, and nothing said.
run -n 3 "$RANKPROG" exit 0
expect_rc 0 "all ranks exit 0"
[ ! -s "$T/err" ] || fail "pbrun said something on success: $(cat "$T/err")"
# The first failure wins over later ones: rank 0 fails at once, rank 1 later.
run -n 2 "$RANKPROG" exit-if 0 3 sleep 0.5 exit 4
expect_rc 3 "first failure wins"
expect_shm_empty "exit status"
note "exit 0 and first-failure cases"
