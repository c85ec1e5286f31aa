# pbrun itself dies of SIGKILL while its ranks sleep: within a few seconds
# the ranks are gone, the job's files are removed and the reaper has exited.
# Usage: cleanup_kill9.sh PBRUN RANKPROG plain|tagged|leave-group
# (leave-group: ranks 1.. leave the job's process group, so only their
# PR_SET_PDEATHSIG can end them.)
. "$(dirname "$0")/lib.sh"
mode=$1
N=3
opts=() act=()
case $mode in
plain) ;;
tagged) opts=(--tag-output) ;;
leave-group) act=(leave-group) ;;
*) fail "unknown mode $mode" ;;
esac
"$PBRUN" --shm-dir "$SHM" "${opts[@]}" -n $N "$RANKPROG" "${act[@]}" touch seg ready "$T/ready" \
    sleep forever >"$T/out" 2>"$T/err" &
pb=$!
wait_until 5000 eval '[ "$(wc -l <"$T/ready" 2>/dev/null)" = $N ]' || fail "ranks did not start"
files=$(ls "$SHM" | wc -l)
[ "$files" = $((N + 1)) ] || fail "expected $N rank files and the launcher marker, found: $(ls "$SHM")"
ls "$SHM" | grep -q -- '-launcher$' || fail "no launcher marker"
[ "$(ours | wc -l)" -ge 2 ] || fail "expected pbrun and its reaper to be running"

start=$(now_ms)
kill -KILL "$pb"
wait "$pb" 2>/dev/null
all_gone() {
    local rank pid
    while read -r rank pid; do gone "$pid" || return 1; done <"$T/ready"
    [ -z "$(ls -A "$SHM")" ] && [ -z "$(ours)" ]
}
wait_until 5000 all_gone || {
    ls -l "$SHM" >&2
    ps -o pid,ppid,pgid,stat,args -p "$(ours | tr '\n' ',')0" >&2
    fail "5 s after kill -9 of pbrun: ranks, files or reaper remain"
}
note "kill -9 pbrun ($mode): cleaned up in $(( $(now_ms) - start )) ms"
