# Ctrl-Z (SIGTSTP to pbrun) stops the ranks too, although they are not in
# pbrun's process group; SIGCONT (fg/bg) continues them.
. "$(dirname "$0")/lib.sh"
N=2
state() {
    local s
    { read -r s <"/proc/$1/stat"; } 2>/dev/null || return 1
    s=${s##*) }
    echo "${s:0:1}"
}
all_in() {  # all_in STATES: pbrun and every rank are in one of STATES
    local rank pid
    [[ $(state "$pb") == [$1] ]] || return 1
    while read -r rank pid; do [[ $(state "$pid") == [$1] ]] || return 1; done <"$T/ready"
}
set -m
"$PBRUN" --shm-dir "$SHM" -n $N "$RANKPROG" ready "$T/ready" sleep forever >"$T/out" 2>"$T/err" &
pb=$!
wait_until 5000 eval '[ "$(wc -l <"$T/ready" 2>/dev/null)" = $N ]' || fail "ranks did not start"
kill -TSTP "$pb"
wait_until 5000 all_in T || fail "SIGTSTP did not stop pbrun and the ranks"
kill -CONT "$pb"
wait_until 5000 all_in SR || fail "SIGCONT did not continue pbrun and the ranks"
note "stopped and continued"
kill -TERM "$pb"
RC=0
wait "$pb" || RC=$?
expect_rc 143 "SIGTERM after the stop"
expect_shm_empty "stop/cont"
