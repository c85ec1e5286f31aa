# Every rank sees the launch contract of docs/launch.md: its PB_RANK, the
# same PB_SIZE, PB_NODE_MAP, PB_JOB_ID (32 hex digits), PB_SHM_DIR and
# PB_LAUNCHER_PID (= its parent); a new job gets a new id.
# Usage: env.sh PBRUN RANKPROG block|cyclic|list
. "$(dirname "$0")/lib.sh"
mode=$1
shm_real=$(realpath "$SHM")
declare -A seen_ids

# check N MAP pbrun-args...: runs a job and checks every rank's view.
check() {
    local n=$1 map=$2
    shift 2
    run "$@" -n "$n" "$RANKPROG" env
    expect_rc 0 "$*"
    [ "$(wc -l <"$T/out")" = "$n" ] || fail "$*: $(wc -l <"$T/out") ranks reported, expected $n"
    local ids
    ids=$(sed -n 's/.* job=\([^ ]*\) .*/\1/p' "$T/out" | sort -u)
    [ "$(echo "$ids" | wc -l)" = 1 ] || fail "$*: ranks disagree on PB_JOB_ID: $ids"
    [[ $ids =~ ^[0-9a-f]{32}$ ]] || fail "$*: PB_JOB_ID '$ids' is not 32 lowercase hex digits"
    [ -z "${seen_ids[$ids]:-}" ] || fail "$*: job id $ids reused by a later job"
    seen_ids[$ids]=1
    local r
    for ((r = 0; r < n; r++)); do
        grep -q "^rank=$r size=$n map=$map job=$ids shm=$shm_real launcher=\([0-9]*\) ppid=\1$" \
            "$T/out" || { cat "$T/out" >&2; fail "$*: rank $r has a wrong environment (want map $map)"; }
    done
    note "$* -> $map"
}

case $mode in
block)
    check 8 0,0,0,0,1,1,1,1 --nodes 2
    check 8 0,0,0,0,1,1,1,1 --nodes 2 --map block
    check 5 0,0,1,1,1 --nodes 2
    check 7 0,0,1,1,2,2,2 --nodes 3
    check 3 0,0,0
    check 4 0,1,2,3 --nodes 4
    check 1 0
    ;;
cyclic)
    check 7 0,1,2,0,1,2,0 --nodes 3 --map cyclic
    check 4 0,1,0,1 --map cyclic --nodes 2
    check 3 0,0,0 --map cyclic
    ;;
list)
    check 4 1,0,1,0 --nodes 2 --map 1,0,1,0
    check 3 0,2,1 --map 0,2,1            # K inferred: 3 nodes
    check 5 0,0,0,0,1 --map=0,0,0,0,1 --nodes=2
    ;;
*)
    fail "unknown mode $mode"
    ;;
esac
[ "${#seen_ids[@]}" -ge 3 ] || fail "too few jobs checked"
expect_shm_empty "$mode"
