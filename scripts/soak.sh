#!/bin/sh
# soak.sh [--minutes N] [--build DIR] [--seed S] [--tiny]
#
# Random traffic for N minutes (default 10) on 8 ranks over 2 emulated
# nodes, ranks mixing PB_WAIT modes (tests/reliability/mixwait.sh): random
# destinations, tags and sizes up to 600 KB (beyond the cycle size), every
# byte, length and per-pair order checked (tests/stress/random_traffic.c).
# Each rank prints the messages and bytes it verified. --tiny uses a 16 KiB
# pool, 512-byte blocks and 4-slot rings (sizes up to 100 KB), so that
# nearly every send waits and reclaims. Builds DIR (default build-test) when it lacks the programs.
set -e
cd "$(dirname "$0")/.."
minutes=10 build=build-test seed=$(date +%s) tiny=
while [ $# -gt 0 ]; do
    case $1 in
    --minutes) minutes=$2; shift 2 ;;
    --minutes=*) minutes=${1#*=}; shift ;;
    --build) build=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --tiny) tiny=1; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "soak.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
case $minutes in
''|*[!0-9.]*) echo "soak.sh: --minutes wants a number" >&2; exit 2 ;;
esac
if [ ! -x "$build/tests/stress/random_traffic" ] || [ ! -x "$build/tools/pbrun/pbrun" ]; then
    cmake -S . -B "$build" >/dev/null
    cmake --build "$build" -j2 --target random_traffic pbrun
fi
seconds=$(awk "BEGIN { printf \"%d\", $minutes * 60 }")
[ "$seconds" -ge 1 ] || seconds=1
maxsize=600000
if [ -n "$tiny" ]; then
    export PB_POOL_SIZE=16K PB_BLOCK_SIZE=512 PB_CYCLE_SIZE=4K PB_POSTBOXES=4
    maxsize=100000
fi
echo "soak: $minutes min, 8 ranks on 2 nodes, mixed PB_WAIT, seed $seed${tiny:+, tiny pool}"
# pbrun's --timeout bounds a hang: the last round may run past SECONDS
exec "$build/tools/pbrun/pbrun" -n 8 --nodes 2 --tag-output \
    --timeout $((seconds + 300)) \
    sh tests/reliability/mixwait.sh \
    "$build/tests/stress/random_traffic" 200 "$maxsize" "$seed" "$seconds"
