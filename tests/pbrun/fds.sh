# Ranks inherit no descriptor of pbrun's (reaper pipe, exec-report pipe,
# signalfd, other ranks' pipes); stdin goes to rank 0 only; and nothing of
# the job (reaper included) outlives a normal end.
. "$(dirname "$0")/lib.sh"
base=$(PB_RANK=0 "$RANKPROG" fds | sed 's/.*fds://')
for tag in "" --tag-output; do
    run $tag -n 3 "$RANKPROG" fds
    expect_rc 0 "fds $tag"
    for r in 0 1 2; do
        got=$(sed -n "s/^\(\[$r\] \)\{0,1\}rank $r fds://p" "$T/out")
        [ "$got" = "$base" ] || fail "rank $r ${tag:-untagged} has fds '$got', a plain process has '$base'"
    done
    [ -z "$(ours)" ] || fail "still running after pbrun returned: $(ours)"
done
note "no fd leaks, no process left"

RC=0
echo hello | "$PBRUN" --shm-dir "$SHM" -n 2 "$RANKPROG" stdin >"$T/out" 2>"$T/err" || RC=$?
expect_rc 0 "stdin"
grep -qx "rank 0 stdin 6" "$T/out" || fail "rank 0 did not get stdin: $(cat "$T/out")"
grep -qx "rank 1 stdin 0" "$T/out" || fail "rank 1 read stdin too: $(cat "$T/out")"
expect_shm_empty "fds"
note "stdin to rank 0 only"
