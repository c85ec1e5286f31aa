# A rank killed by a signal: pbrun says which signal and exits 128+signal.
. "$(dirname "$0")/lib.sh"
ulimit -c 0
run -n 3 "$RANKPROG" ready "$T/ready" await "$T/ready" 3 kill-if 1 9 sleep forever
expect_rc 137 "rank 1 SIGKILLed"
pid1=$(awk '$1 == 1 { print $2 }' "$T/ready")
expect_err "pbrun: rank 1 (pid $pid1) killed by signal 9 (Killed)"
while read -r rank pid; do
    gone "$pid" || fail "rank $rank (pid $pid) outlived pbrun"
done <"$T/ready"
note "SIGKILL -> 137"

run -n 2 "$RANKPROG" kill-if 0 11 sleep forever
expect_rc 139 "rank 0 SIGSEGV"
expect_err "killed by signal 11 (Segmentation fault)"
expect_shm_empty "rank signal"
note "SIGSEGV -> 139"
