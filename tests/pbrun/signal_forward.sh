# SIGINT, SIGTERM or SIGHUP sent to pbrun reaches every rank; the job ends
# with 128+signal even though the ranks exit 0 from their handler.
# Usage: signal_forward.sh PBRUN RANKPROG INT|TERM|HUP
. "$(dirname "$0")/lib.sh"
sig=$1
num=$(kill -l "$sig")
N=3
# Job control on: a non-interactive shell would start background jobs with
# SIGINT ignored, and an ignored signal cannot be forwarded.
set -m
"$PBRUN" --shm-dir "$SHM" -n $N "$RANKPROG" on-signal "$T/got" touch seg ready "$T/ready" \
    sleep forever >"$T/out" 2>"$T/err" &
pb=$!
wait_until 5000 eval '[ "$(wc -l <"$T/ready" 2>/dev/null)" = $N ]' || fail "ranks did not start"
start=$(now_ms)
kill -"$sig" "$pb"
RC=0
wait "$pb" || RC=$?
took=$(( $(now_ms) - start ))
expect_rc $((128 + num)) "SIG$sig to pbrun"
expect_err "received signal $num"
for ((r = 0; r < N; r++)); do
    grep -qx "$r $num" "$T/got" 2>/dev/null || fail "rank $r did not get SIG$sig: $(cat "$T/got" 2>&1)"
done
[ "$took" -lt 1800 ] || fail "ranks that exit on the signal took $took ms"
expect_shm_empty "SIG$sig"
note "SIG$sig forwarded to $N ranks, exit $RC in $took ms"
