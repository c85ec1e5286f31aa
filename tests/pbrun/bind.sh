# --bind pins rank r to the (r mod C)-th usable core and says which in
# PB_BIND_CPU; --no-bind pins nothing; the default pins only when every
# rank can have a core of its own.
. "$(dirname "$0")/lib.sh"
cores=$(nproc)
allowed=$(taskset -pc $$ | sed 's/.*: //')
mask_of() { taskset -pc "$1" | sed 's/.*: //'; }
RC=0
"$PBRUN" -n 2 --bind sh -c 'echo "$PB_RANK $PB_BIND_CPU $(taskset -pc $$ | sed "s/.*: //")"' \
    >"$T/out" 2>&1 || RC=$?
expect_rc 0 "pbrun --bind"
while read -r rank cpu mask; do
    [ -n "$cpu" ] || fail "rank $rank has no PB_BIND_CPU"
    [ "$mask" = "$cpu" ] || fail "rank $rank: PB_BIND_CPU=$cpu but affinity $mask"
done <"$T/out"
[ "$(wc -l <"$T/out")" = 2 ] || fail "expected 2 ranks: $(cat "$T/out")"
if [ "$cores" -ge 2 ]; then
    n=$(awk '{print $2}' "$T/out" | sort -u | wc -l)
    [ "$n" = 2 ] || fail "two ranks share a core under --bind: $(cat "$T/out")"
fi
RC=0
"$PBRUN" -n 2 --no-bind sh -c 'echo "x${PB_BIND_CPU}x $(taskset -pc $$ | sed "s/.*: //")"' \
    >"$T/out" 2>&1 || RC=$?
expect_rc 0 "pbrun --no-bind"
grep -qv "^xx $allowed\$" "$T/out" && fail "--no-bind pinned: $(cat "$T/out")"
RC=0
"$PBRUN" -n $((cores + 1)) sh -c 'echo "x${PB_BIND_CPU}x"' >"$T/out" 2>&1 || RC=$?
expect_rc 0 "pbrun -n cores+1"
grep -qv '^xx$' "$T/out" && fail "more ranks than cores were pinned by default"
note "bind"
