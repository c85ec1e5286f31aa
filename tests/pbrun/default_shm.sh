# With neither --shm-dir nor PB_SHM_DIR the job lives in /dev/shm, and it
# is cleaned from there too, on success and on failure.
. "$(dirname "$0")/lib.sh"
[ -d /dev/shm ] && [ -w /dev/shm ] || { echo "no writable /dev/shm"; exit 77; }
for want in 0 4; do
    RC=0
    "$PBRUN" -n 2 "$RANKPROG" env touch seg ready "$T/ready" exit-if 1 $want exit 0 \
        >"$T/out" 2>"$T/err" || RC=$?
    expect_rc $want "default shm dir"
    job=$(sed -n '1s/.* job=\([^ ]*\) .*/\1/p' "$T/out")
    [ -n "$job" ] || fail "no job id reported"
    grep -q "shm=/dev/shm launcher" "$T/out" || fail "PB_SHM_DIR is not /dev/shm: $(cat "$T/out")"
    left=$(ls /dev/shm | grep -F -- "pb-$job-" || true)
    [ -z "$left" ] || fail "left in /dev/shm: $left"
    note "job $job in /dev/shm, exit $want, cleaned"
done
# PB_SHM_DIR from the environment is honoured (and passed on as absolute).
RC=0
(cd "$T" && PB_SHM_DIR=shm "$PBRUN" -n 1 "$RANKPROG" env) >"$T/out" 2>"$T/err" || RC=$?
expect_rc 0 "PB_SHM_DIR=shm"
grep -q "shm=$(realpath "$SHM") " "$T/out" || fail "PB_SHM_DIR not honoured: $(cat "$T/out")"
