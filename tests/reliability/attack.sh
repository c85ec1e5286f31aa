#!/bin/bash
# attack.sh ATTACKER HOLD RLAUNCH: a process of another user against a job.
# Needs root (to create and become the user pbnobody); skips (77) when not
# root.
#  1. a live job (4 ranks on 2 nodes, every segment in place): its files are
#     mode 0600, owned by the job's user, named with its 128-bit job id;
#     the other user cannot open any of them (read or write), and pb_open
#     with the job's environment is refused (PB_EPERM); the job's traffic
#     afterwards is intact and its pb_close leaves nothing behind
#  2. the other user creates, before the job, the names the job will use
#     for a data segment and an ack segment (it can list a 1777 shm dir and
#     so learn a running job's id): the job refuses them (PB_EPERM), it
#     does not use them
#  3. the same with a node directory: pb_open of that node's rank refuses
set -u
ATT=$1 HOLD=$2 RL=$3
[ "$(id -u)" = 0 ] || { echo "not root: skipped"; exit 77; }
USR=pbnobody
if ! id -u $USR >/dev/null 2>&1; then
    useradd -r -M -s /usr/sbin/nologin $USR 2>/dev/null ||
        useradd -r -M $USR || { echo "FAIL: cannot create user $USR"; exit 1; }
fi
as_other() {
    if command -v setpriv >/dev/null 2>&1; then
        setpriv --reuid=$USR --regid=$USR --clear-groups -- "$@"
    else
        runuser -u $USR -- "$@"
    fi
}
T=$(mktemp -d "${TMPDIR:-/tmp}/pbrel-attack.XXXXXX") || exit 1
SHM=$(mktemp -d /dev/shm/pbrel-attack.XXXXXX) || exit 1
chmod 755 "$T"
chmod 1777 "$SHM" # like /dev/shm: everyone may create, list, not delete
cp "$ATT" "$T/attacker"
chmod 755 "$T/attacker"
trap 'rm -rf "$T" "$SHM"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
hexid() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }

# ---- 1. a live job ----
J=$(hexid)
"$RL" -n 4 --nodes 2 --shm-dir "$SHM" --job-id "$J" --timeout 60 \
    --expect-clean "$HOLD" run "$T/ready" "$T/release" &
rl=$!
for i in $(seq 1 600); do [ -e "$T/ready" ] && break; sleep 0.05; done
[ -e "$T/ready" ] || { touch "$T/release"; wait $rl; fail "job never got ready"; }
files=$(ls "$SHM" | grep -c "^pb-$J-")
echo "job $J: $files shared objects"
[ "$files" -ge 8 ] || { touch "$T/release"; wait $rl; fail "expected segments"; }
bad=$(find "$SHM" -name "pb-$J-*" \( ! -perm 0600 -o ! -user root \) | wc -l)
[ "$bad" = 0 ] || { touch "$T/release"; wait $rl; fail "files not 0600 root: $(ls -l "$SHM")"; }
as_other "$T/attacker" probe "$SHM" "$J"; prc=$?
as_other "$T/attacker" join "$SHM" "$J" 4 0,0,1,1; jrc=$?
touch "$T/release"
wait $rl; jobrc=$?
[ $prc = 0 ] || fail "the other user opened the job's files (probe status $prc)"
[ $jrc = 0 ] || fail "the other user's pb_open was not refused (status $jrc)"
[ $jobrc = 0 ] || fail "the job did not end cleanly after the attack (status $jobrc)"
echo "ok: live job: files 0600, none opened, pb_open refused, job intact"

# ---- 2. squatted segment names ----
J=$(hexid)
as_other "$T/attacker" squat "$SHM" "$J" d0-n1 a0-1 || fail "could not squat"
"$RL" -n 2 --map 0,1 --shm-dir "$SHM" --job-id "$J" --timeout 60 \
    "$HOLD" squat-seg || fail "the job used or choked on squatted segments"
echo "ok: squatted data and ack segment names refused"

# ---- 3. a squatted directory ----
J=$(hexid)
as_other "$T/attacker" squat "$SHM" "$J" n1 || fail "could not squat"
"$RL" -n 2 --map 0,1 --shm-dir "$SHM" --job-id "$J" --timeout 60 \
    "$HOLD" squat-dir || fail "a rank joined through a squatted directory"
echo "ok: squatted directory refused"
left=$(ls -A "$SHM")
[ -z "$left" ] || fail "left in the shm dir: $left"
