# --netns without the right to make namespaces (an unprivileged user, or
# root without CAP_SYS_ADMIN) exits 2 with a message saying so, and starts
# nothing; --help describes --netns; --netns refuses more than 254 nodes.
# Usage: netns_nonroot.sh PBRUN RANKPROG
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netns_lib.sh"
IP=true     # scrub() has nothing to remove: no job of ours can start

RC=0
"$PBRUN" --help >"$T/out" 2>&1 || RC=$?
expect_rc 0 "--help"
grep -qF -- "--netns" "$T/out" || fail "--help does not mention --netns"
grep -qF "pbnet0" "$T/out" || fail "--help does not name pbnet0"
note "--help describes --netns"

# refused WHAT CMD...: CMD (a pbrun --netns run) exits 2, says why, runs nothing.
refused() {
    local what=$1
    shift
    RC=0
    "$@" >"$T/out" 2>"$T/err" || RC=$?
    expect_rc 2 "$what"
    expect_err "--netns needs root"
    expect_err "CAP_SYS_ADMIN"
    expect_err "Try 'pbrun --help'"
    [ ! -s "$T/out" ] || fail "$what: wrote to stdout: $(cat "$T/out")"
    [ ! -e "$T/ran" ] || fail "$what: a rank ran"
    note "$what: exit 2, $(head -n 1 "$T/err")"
}

# The unprivileged user needs to reach pbrun and the shm dir: copies in
# our scratch dir, opened up for reading.
chmod 755 "$T"
cp "$PBRUN" "$T/pbrun"
chmod 755 "$T/pbrun" "$SHM"
job=("$T/pbrun" --shm-dir "$SHM" --netns -n 2 --nodes 2 sh -c 'touch "$0"' "$T/ran")

if [ "$(id -u)" != 0 ]; then
    refused "uid $(id -u)" "${job[@]}"
    exit 0
fi
command -v setpriv >/dev/null || skip "no setpriv (util-linux) to drop root"
nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
"${nobody[@]}" true 2>/dev/null || skip "setpriv cannot switch to uid 65534 here"
refused "uid 65534" "${nobody[@]}" "${job[@]}"
# Root, but without CAP_SYS_ADMIN: gone from the bounding set, it is not
# among the capabilities pbrun gets at exec. (A container's root may not
# be allowed to shrink the bounding set; pbrun then refuses anyway if
# CAP_SYS_ADMIN is missing, and the case above has shown the refusal.)
nocap=(setpriv --bounding-set=-sys_admin)
if "${nocap[@]}" true 2>/dev/null; then
    refused "root without CAP_SYS_ADMIN" "${nocap[@]}" "${job[@]}"
else
    note "setpriv cannot drop CAP_SYS_ADMIN here; that case is left out"
fi

RC=0
"$PBRUN" --shm-dir "$SHM" --netns -n 255 --nodes 255 true >"$T/out" 2>"$T/err" || RC=$?
expect_rc 2 "--netns --nodes 255"
expect_err "--netns handles at most 254 nodes"
note "--netns --nodes 255: exit 2"
