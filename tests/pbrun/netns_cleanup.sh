# --netns: however a job ends, none of its namespaces, veths, bridge or
# pb-<jobid>-* files remain. Usage: netns_cleanup.sh PBRUN RANKPROG MODE
#   normal, failure (a rank exits 5), term (pbrun gets SIGTERM),
#   kill9 (pbrun gets SIGKILL: its reaper cleans up),
#   setup-fail (ip fails for node 1: what node 0 got is removed, no rank runs),
#   sweep (pbrun and its reaper both SIGKILLed: --cleanup all and
#          --cleanup JOBID remove the leftovers, and keep a live job's)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netns_lib.sh"
mode=$1
need_netns
N=4 K=2
RC=none

# Every rank notes the namespace it runs in, then runs the test rank.
rank=(sh -c 'ip=$1 nets=$2; shift 2; "$ip" netns identify >>"$nets" && exec "$@"' sh "$IP"
      "$T/nets" "$RANKPROG" env touch seg ready "$T/ready")

# The job id, from rank 0's env line.
job_id() { sed -n 's/.* job=\([0-9a-f]*\) .*/\1/p' "$1" | head -n 1; }

# The ranks ran in K distinct namespaces of their job.
expect_nets() {
    local id=$1 want
    want=$(for k in $(seq 0 $((K - 1))); do echo "pb-${id:0:12}-$k"; done)
    [ "$(sort -u "$T/nets")" = "$want" ] || fail "$mode: ranks ran in: $(sort -u "$T/nets" | tr '\n' ' ')"
}

ready_all() { [ "$(wc -l <"$T/ready" 2>/dev/null)" = $N ]; }

# Starts a job that sleeps, in the background ($pb, output in $T/$1.out).
start_sleeping() {
    rm -f "$T/ready" "$T/nets"
    "$PBRUN" --shm-dir "$SHM" --netns -n $N --nodes $K "${rank[@]}" sleep forever \
        >"$T/$1.out" 2>"$T/$1.err" &
    pb=$!
    wait_until 10000 ready_all || fail "$mode: ranks did not start: $(cat "$T/$1.err")"
    id=$(job_id "$T/$1.out")
    track_job "$id"
    [ "$(job_net "$id" | wc -l)" = $((2 * K + 1)) ] ||
        fail "$mode: expected $K namespaces, $K veths and a bridge, found: $(job_net "$id" | tr '\n' ' ')"
}

reaper_of_test() {
    local p
    for p in $(ours); do
        [ "$(cat "/proc/$p/comm" 2>/dev/null)" = pbrun-reaper ] && echo "$p"
    done
    return 0
}

# Kills pbrun and its reaper with SIGKILL (reaper first), as a crash would;
# waits until the ranks are gone.
crash() {
    local r
    r=$(reaper_of_test)
    [ -n "$r" ] || fail "$mode: no reaper found"
    kill -KILL $r "$pb"
    wait "$pb" 2>/dev/null
    wait_until 5000 eval '[ -z "$(ours)" ]' || fail "$mode: processes remain after the crash"
}

case $mode in
normal | failure)
    if [ $mode = normal ]; then
        run --netns -n $N --nodes $K "${rank[@]}" exit 0; want=0
    else
        run --netns -n $N --nodes $K "${rank[@]}" await "$T/ready" $N exit-if 1 5 sleep forever; want=5
    fi
    id=$(job_id "$T/out")
    track_job "$id"
    expect_rc $want "$mode"
    expect_nets "$id"
    # pbrun removes the network itself before it exits: no waiting here.
    net_gone "$id" || fail "$mode: left when pbrun returned: $(job_net "$id" | tr '\n' ' ')"
    expect_shm_empty "$mode"
    ;;
term)
    start_sleeping job
    expect_nets "$id"
    kill -TERM "$pb"
    RC=0
    wait "$pb" || RC=$?
    expect_rc 143 "$mode"
    net_gone "$id" || fail "$mode: left when pbrun returned: $(job_net "$id" | tr '\n' ' ')"
    expect_shm_empty "$mode"
    ;;
kill9)
    start_sleeping job
    expect_nets "$id"
    start=$(now_ms)
    kill -KILL "$pb"
    wait "$pb" 2>/dev/null
    all_gone() { net_gone "$id" && [ -z "$(ls -A "$SHM")" ] && [ -z "$(ours)" ]; }
    wait_until 5000 all_gone ||
        fail "5 s after kill -9 of pbrun: network: $(job_net "$id" | tr '\n' ' '), files: $(ls "$SHM"), processes: $(ours)"
    note "kill -9 pbrun: network and files removed in $(( $(now_ms) - start )) ms"
    ;;
setup-fail)
    # An ip that fails when asked to configure node 1, and logs every call.
    mkdir "$T/bin"
    cat >"$T/bin/ip" <<EOF
#!/bin/sh
echo "\$*" >>"$T/iplog"
case " \$* " in
*" -n pb-"*"-1 "*) echo "fake ip: refusing node 1" >&2; exit 1 ;;
esac
exec "$IP" "\$@"
EOF
    chmod +x "$T/bin/ip"
    RC=0
    PATH=$T/bin:$PATH timeout -s KILL 20 "$PBRUN" --shm-dir "$SHM" --netns -n $N --nodes $K \
        "${rank[@]}" exit 0 >"$T/out" 2>"$T/err" || RC=$?
    expect_rc 125 "$mode"
    expect_err "fake ip: refusing node 1"
    expect_err "configuring pbnet0"
    expect_err "removing what was created; no rank was started"
    tag=$(sed -n 's/.*namespace pb-\([0-9a-f]\{12\}\)-1 failed.*/\1/p' "$T/err")
    [ -n "$tag" ] || fail "$mode: no namespace name in: $(cat "$T/err")"
    track_job "$tag"
    grep -q -- "-n pb-$tag-0 -batch" "$T/iplog" || fail "$mode: node 0 was never configured: $(cat "$T/iplog")"
    [ ! -e "$T/ready" ] || fail "$mode: a rank ran"
    net_gone "$tag" || fail "$mode: left: $(job_net "$tag" | tr '\n' ' ')"
    expect_shm_empty "$mode"
    ;;
sweep)
    # A job whose pbrun and reaper both died: everything stays...
    start_sleeping dead
    dead=$id dead_pb=$pb
    crash
    [ "$(job_net "$dead" | wc -l)" = $((2 * K + 1)) ] || fail "$mode: the crash left only: $(job_net "$dead")"
    # ...a namespace without its bridge (a teardown cut short) ...
    orphan=$(od -An -tx1 -N6 /dev/urandom | tr -d ' \n')
    track_job "$orphan"
    "$IP" netns add "pb-$orphan-0" || fail "cannot add a namespace"
    # ...and a live job.
    start_sleeping live
    live=$id
    run --cleanup all
    expect_rc 0 "--cleanup all"
    grep -qF "network namespace(s) and link(s) of job $dead (its launcher, pid $dead_pb" "$T/out" ||
        fail "--cleanup all said: $(cat "$T/out" "$T/err")"
    grep -qF "kept the network of job $live (bridge pbb${live:0:12}): its launcher (pid $pb) is running" "$T/out" ||
        fail "--cleanup all said: $(cat "$T/out" "$T/err")"
    net_gone "$dead" || fail "--cleanup all left: $(job_net "$dead" | tr '\n' ' ')"
    net_gone "$orphan" || fail "--cleanup all left the orphan namespace pb-$orphan-0"
    [ "$(job_net "$live" | wc -l)" = $((2 * K + 1)) ] || fail "--cleanup all touched the live job: $(job_net "$live")"
    [ -z "$(ls "$SHM" | grep -F "$dead")" ] || fail "--cleanup all left files of $dead: $(ls "$SHM")"
    note "--cleanup all: removed a dead job's network and an orphan namespace, kept a live job's"
    # --cleanup JOBID removes the network of the job named, even a live one's.
    crash
    run --cleanup "$live"
    expect_rc 0 "--cleanup JOBID"
    grep -qF "removed 5 network namespace(s) and link(s) of job $live" "$T/out" ||
        fail "--cleanup JOBID said: $(cat "$T/out" "$T/err")"
    net_gone "$live" || fail "--cleanup JOBID left: $(job_net "$live" | tr '\n' ' ')"
    expect_shm_empty "--cleanup JOBID"
    note "--cleanup JOBID"
    ;;
*) fail "unknown mode $mode" ;;
esac
note "$mode: exit $RC; no namespace, veth, bridge or file of the job left"
