# --tag-output: every line of every rank arrives once, whole, prefixed with
# its rank, on the stream it was written to, in the rank's own order; the
# unterminated last line is flushed too.
. "$(dirname "$0")/lib.sh"
N=4 K=2000
run --tag-output -n $N "$RANKPROG" lines $K
expect_rc 0 "tagged lines"
# Lines are rejoined from two writes each, so any lost, doubled or mixed
# byte breaks the exact pattern or the per-rank sequence.
awk -v n=$N -v k=$K -v kind=out '
    match($0, /^\[[0-9]+\] rank [0-9]+ (out [0-9]+|tail)$/) == 0 { print "bad line: " $0; bad = 1; exit }
    { r = substr($1, 2, length($1) - 2) + 0
      if ($3 != r) { print "rank " r " tag on rank " $3 " line"; bad = 1; exit }
      if ($4 == "tail") { if (next_i[r] != k || tail[r]++) { print "misplaced tail of rank " r; bad = 1; exit }; next }
      if ($5 != next_i[r]) { print "rank " r " line " $5 " where " next_i[r] " was due"; bad = 1; exit }
      next_i[r]++ }
    END { if (bad) exit 1
          for (r = 0; r < n; r++) if (next_i[r] != k || !tail[r]) { print "rank " r " incomplete"; exit 1 } }
' "$T/out" || fail "stdout is not every rank's lines, whole and in order"
[ "$(wc -l <"$T/out")" = $((N * (K + 1))) ] || fail "stdout has $(wc -l <"$T/out") lines"
awk -v n=$N -v k=$K '
    match($0, /^\[[0-9]+\] rank [0-9]+ err [0-9]+$/) == 0 { print "bad line: " $0; exit 1 }
    { r = substr($1, 2, length($1) - 2) + 0
      if ($3 != r || $5 != next_i[r]++) { print "out of order: " $0; exit 1 } }
    END { for (r = 0; r < n; r++) if (next_i[r] != k) { print "rank " r " incomplete"; exit 1 } }
' "$T/err" || fail "stderr is not every rank's lines, whole and in order"
note "$N ranks x $K lines on stdout and stderr"

# Without --tag-output the ranks write straight to pbrun's stdout.
run -n 2 "$RANKPROG" lines 3
expect_rc 0 "untagged"
! grep -q '^\[' "$T/out" || fail "untagged output was tagged"
[ "$(grep -c 'out' "$T/out")" = 6 ] || fail "untagged output lost lines"

# A line longer than one pipe read (64 KiB) still arrives whole, tag once.
run --tag-output -n 2 sh -c 'head -c 200000 /dev/zero | tr "\0" a; echo; printf "x\n\nlast"'
expect_rc 0 "long line"
for r in 0 1; do
    [ "$(awk -v t="[$r]" '$1 == t && length($2) == 200000 && $2 ~ /^a+$/' "$T/out" | wc -l)" = 1 ] ||
        fail "rank $r's long line is not whole"
    [ "$(grep -c "^\[$r\] $" "$T/out")" = 1 ] || fail "rank $r's empty line is missing"
    [ "$(grep -c "^\[$r\] last$" "$T/out")" = 1 ] || fail "rank $r's unterminated line is missing"
done
note "long, empty and unterminated lines"

# Output nobody reads: a closed stdout ends the writers (EPIPE/SIGPIPE, as
# without pbrun) instead of hanging the job.
RC=0
start=$(now_ms)
( "$PBRUN" --shm-dir "$SHM" --tag-output -n 2 "$RANKPROG" lines 1000000 2>/dev/null; echo $? >"$T/rc" ) |
    head -n 1 >"$T/first"
took=$(( $(now_ms) - start ))
grep -q '^\[[01]\] rank [01] out 0$' "$T/first" || fail "first line was: $(cat "$T/first")"
[ "$(cat "$T/rc")" = 141 ] || fail "pbrun exited $(cat "$T/rc") after its stdout closed, expected 141"
[ "$took" -lt 10000 ] || fail "closed stdout took $took ms"
expect_shm_empty "tag output"
note "closed stdout ended the job in $took ms"
