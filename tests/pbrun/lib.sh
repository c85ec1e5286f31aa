# lib.sh: shared by the pbrun test scripts. Sourced; $1 is pbrun, $2 the
# test rank program (pbrun_test_rank.c); the rest are the script's own.
set -u
PBRUN=$1
RANKPROG=$2
shift 2

# Each test has its own scratch dir and its own shm dir, so leftovers it
# finds are its own and parallel tests never race on /dev/shm.
T=$(mktemp -d "${TMPDIR:-/tmp}/pbrun-test.XXXXXX") || exit 1
SHM=$T/shm
mkdir "$SHM"
# On the way out (a failed check included) nothing of ours may linger.
trap 'ours | xargs -r kill -KILL 2>/dev/null; rm -rf "$T"' EXIT
unset PB_SHM_DIR PB_JOB_ID PB_RANK PB_SIZE PB_NODE_MAP PB_LAUNCHER_PID

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

note() { echo "ok: $*"; }

now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

# Runs pbrun with our shm dir; stdout, stderr and status land in $T/out,
# $T/err and $RC. A pbrun that hangs is killed (status 137) before ctest's
# TIMEOUT would kill this script and skip its cleanup.
run() {
    RC=0
    timeout -s KILL 20 "$PBRUN" --shm-dir "$SHM" "$@" >"$T/out" 2>"$T/err" || RC=$?
}

expect_rc() {
    [ "$RC" = "$1" ] || { cat "$T/err" >&2; fail "$2: exit status $RC, expected $1"; }
}

expect_err() {
    grep -qF -- "$1" "$T/err" || { cat "$T/err" >&2; fail "stderr lacks: $1"; }
}

expect_shm_empty() {
    local left
    left=$(ls -A "$SHM")
    [ -z "$left" ] || fail "$1: left in the shm dir: $left"
}

# A process is gone once it no longer exists or is a zombie (this host's
# init may never reap orphans). Pure bash: these run in polling loops.
gone() {
    local s
    { read -r s <"/proc/$1/stat"; } 2>/dev/null || return 0
    s=${s##*) }
    [[ ${s:0:1} == [ZX] ]]
}

# wait_until MS CMD...: polls CMD every 20 ms for at most MS milliseconds.
wait_until() {
    local limit=$(( $(now_ms) + $1 ))
    shift
    until "$@"; do
        [ "$(now_ms)" -lt "$limit" ] || return 1
        sleep 0.02
    done
}

# Processes whose command line mentions our scratch dir: pbrun, its reaper
# and the ranks of this test only. Zombies have an empty command line.
ours() {
    local p args
    for p in /proc/[0-9]*; do
        { mapfile -d '' args <"$p/cmdline"; } 2>/dev/null || continue
        [[ "${args[*]}" == *"$T"* ]] && echo "${p#/proc/}"
    done
    return 0
}
