# netns_lib.sh: shared by the --netns tests; sourced after lib.sh.
#
# Names pbrun gives a job's network (docs/pbrun.md), for job id J:
# namespaces pb-${J:0:12}-<k>, bridge pbb${J:0:12}, host veths pbv${J:0:8}-<k>.

skip() {
    echo "SKIP: $*"
    exit 77
}

# Skips (exit 77) unless this machine lets us make what --netns makes.
# The probe runs in a throwaway namespace, so it leaves nothing behind.
need_netns() {
    [ "$(id -u)" = 0 ] || skip "--netns needs root, and this test runs as uid $(id -u)"
    IP=$(PATH=$PATH:/usr/sbin:/sbin command -v ip) || skip "no ip command (iproute2)"
    command -v unshare >/dev/null || skip "no unshare command (util-linux)"
    unshare --net sh -c "'$IP' link add pbprobe0 type veth peer name pbprobe1 &&
                         '$IP' link add pbprobebr type bridge" >/dev/null 2>&1 ||
        skip "this machine forbids network namespaces, veths or bridges"
}

# The network objects of job $1 that exist now, one name a line.
job_net() {
    local id=$1
    "$IP" netns list | awk '{print $1}' | grep -E "^pb-${id:0:12}-[0-9]+$"
    "$IP" -o link show | awk -F': ' '{sub(/@.*/, "", $2); print $2}' |
        grep -E "^(pbb${id:0:12}|pbv${id:0:8}-[0-9]+)$"
    return 0
}

# Remember job $1, so the exit trap can scrub its network if a check fails.
track_job() {
    echo "$1" >>"$T/jobs"
}

# Removes, with plain ip, whatever the tracked jobs left: a failing test
# must not leave namespaces on the machine. The checks themselves never
# rely on this.
scrub() {
    local id o
    for id in $(cat "$T/jobs" 2>/dev/null); do
        for o in $(job_net "$id"); do
            case $o in
            pb-*) "$IP" netns del "$o" ;;
            *) "$IP" link del "$o" ;;
            esac
        done
    done 2>/dev/null
}
trap 'ours | xargs -r kill -KILL 2>/dev/null; scrub; rm -rf "$T"' EXIT

net_gone() { [ -z "$(job_net "$1")" ]; }

# expect_net_gone ID WHAT: within 3 s (the kernel removes a namespace's
# devices asynchronously once the name is gone) nothing of job ID remains.
expect_net_gone() {
    wait_until 3000 net_gone "$1" || fail "$2: left of job $1: $(job_net "$1" | tr '\n' ' ')"
}
