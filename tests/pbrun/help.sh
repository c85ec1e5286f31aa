# --help describes every option and exits 0; --version names the version.
. "$(dirname "$0")/lib.sh"
for h in --help -h; do
    RC=0
    "$PBRUN" $h >"$T/out" 2>"$T/err" || RC=$?
    expect_rc 0 "pbrun $h"
    for word in "Usage: pbrun" "-n N" "-np N" --nodes --map block cyclic LIST --tag-output --bind --no-bind \
                --timeout --shm-dir "--cleanup JOBID" "--cleanup all" --help --version \
                "Exit status" 124 127 "128+"; do
        grep -qF -- "$word" "$T/out" || fail "pbrun $h does not mention '$word'"
    done
    [ ! -s "$T/err" ] || fail "pbrun $h wrote to stderr"
done
RC=0
"$PBRUN" --version >"$T/out" 2>&1 || RC=$?
expect_rc 0 "pbrun --version"
grep -q '^pbrun (Postbox) [0-9]' "$T/out" || fail "--version printed: $(cat "$T/out")"
# --help wins even after a program-less command line.
RC=0
"$PBRUN" -n 2 --help >"$T/out" 2>&1 || RC=$?
expect_rc 0 "pbrun -n 2 --help"
note "help and version"
