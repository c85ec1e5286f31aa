# Bad command lines exit 2 with a message that names what is wrong, and
# start nothing.
. "$(dirname "$0")/lib.sh"

# bad 'expected stderr text' args...
bad() {
    local want=$1
    shift
    RC=0
    "$PBRUN" "$@" >"$T/out" 2>"$T/err" || RC=$?
    expect_rc 2 "pbrun $*"
    expect_err "$want"
    expect_err "pbrun --help"
    [ ! -s "$T/out" ] || fail "pbrun $*: wrote to stdout: $(cat "$T/out")"
    note "pbrun $* -> $want"
}

bad "unknown option '--frobnicate'" --frobnicate -n 2 true
bad "unknown option '-x'" -x FOO -n 2 true
bad "missing -n N" true
bad "no program to run" -n 2
bad "-n needs a whole number from 1 to 65536, not '0'" -n 0 true
bad "-n needs a whole number from 1 to 65536, not 'abc'" -n abc true
bad "-n needs a whole number from 1 to 65536, not '4x'" -np 4x true
bad "-n needs a whole number from 1 to 65536, not '-3'" -n -3 true
bad "-n needs a whole number from 1 to 65536, not '99999999999'" -n 99999999999 true
bad "option '-n' needs a value" -n
bad "--nodes 5 is more than the 4 ranks" -n 4 --nodes 5 true
bad "--nodes needs a whole number" -n 4 --nodes 0 true
bad "--map lists 3 nodes but -n is 4" -n 4 --map 0,0,1 true
bad "--map lists more than 2 nodes but -n is 2" -n 2 --map 0,1,1 true
bad "--map puts no rank on node 1" -n 3 --nodes 3 --map 0,2,2 true
bad "--map puts a rank on node 2, but --nodes 2" -n 3 --nodes 2 --map 0,1,2 true
bad "--map: bad node for rank 1" -n 3 --map 0,,1 true
bad "--map: bad node for rank 0" -n 2 --map nodes true
bad "--map: unexpected ';1' in '0;1'" -n 2 --map '0;1' true
bad "--timeout needs a number of seconds above 0" -n 2 --timeout 0 true
bad "--timeout needs a number of seconds above 0" -n 2 --timeout soon true
bad "--timeout needs a number of seconds above 0" -n 2 --timeout -1 true
bad "option '--tag-output' takes no value" --tag-output=yes -n 2 true
bad "--shm-dir '$T/nope': No such file or directory" --shm-dir "$T/nope" -n 2 true
bad "--shm-dir '$T/out': Not a directory" --shm-dir "$T/out" -n 2 true
bad "--cleanup needs 'all' or a job id of 32 lowercase hex digits, not '*'" --cleanup '*'
bad "--cleanup needs 'all' or a job id" --cleanup 0123456789ABCDEF0123456789abcdef
bad "--cleanup runs no program" --cleanup all -n 2 true
RC=0
PB_SHM_DIR=$T/nope "$PBRUN" -n 1 true >"$T/out" 2>"$T/err" || RC=$?
expect_rc 2 "PB_SHM_DIR=nonexistent"
expect_err "PB_SHM_DIR '$T/nope': No such file or directory"
expect_shm_empty "bad options"
