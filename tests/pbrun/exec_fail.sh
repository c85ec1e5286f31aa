# A program that cannot be executed: exit 127, one clear message, nothing left.
. "$(dirname "$0")/lib.sh"
run -n 3 no-such-program-pbrun-test arg
expect_rc 127 "missing program"
expect_err "pbrun: cannot run 'no-such-program-pbrun-test': No such file or directory"
[ "$(grep -c 'cannot run' "$T/err")" = 1 ] || fail "the error was repeated: $(cat "$T/err")"
! grep -q 'exited with status' "$T/err" || fail "exec failure reported as a rank status"
expect_shm_empty "missing program"
note "not found -> 127"

printf '#!/bin/sh\necho hi\n' >"$T/not-executable"
run -n 2 "$T/not-executable"
expect_rc 127 "non-executable program"
expect_err "pbrun: cannot run '$T/not-executable': Permission denied"
note "not executable -> 127"

# 127 from a program that did run is its own status, not an exec failure.
run -n 2 "$RANKPROG" exit-if 1 127 exit 0
expect_rc 127 "rank exits 127"
expect_err "rank 1 (pid"
! grep -q 'cannot run' "$T/err" || fail "a real exit 127 was taken for an exec failure"
expect_shm_empty "exec failure"
note "real exit 127 told apart"
