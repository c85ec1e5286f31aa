#!/bin/sh
# overhead.sh BUILD [RUNS] [ITERS] - the latency cost of the MPI layer:
# the 8-byte ping-pong on Postbox's API and through mpi.h, run alternately
# RUNS times each (default 15) under pbrun with 2 ranks, then once each
# with one rank (send+recv to itself: the calls alone, which a busy machine
# disturbs much less). Prints the best and the median of each and the
# overhead of the MPI layer on both. Timing only: nothing is asserted.
# On a shared machine the spread between runs is larger than the effect;
# PBMPI_RT=1 runs the jobs at real-time priority (chrt -f 1, root only;
# each run lasts a fraction of a second), which makes the figures hold
# still.
b=${1:?usage: overhead.sh BUILD [RUNS] [ITERS]}
runs=${2:-15}
iters=${3:-300000}
pbrun=$b/tools/pbrun/pbrun
raw=$b/mpi/pbmpi_pingpong_raw
mpi=$b/mpi/pbmpi_pingpong_mpi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pbmpi-overhead.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
rt=""
[ "${PBMPI_RT:-0}" = 1 ] && rt="chrt -f 1"
i=0
while [ $i -lt "$runs" ]; do
	$rt "$pbrun" -n 2 "$raw" "$iters" | awk '{print $4}' >>"$tmp/raw"
	$rt "$pbrun" -n 2 "$mpi" "$iters" | awk '{print $4}' >>"$tmp/mpi"
	i=$((i + 1))
done
stats() { # best median
	sort -n "$1" | awk '{v[NR] = $1} END {print v[1], v[int((NR + 1) / 2)]}'
}
set -- $(stats "$tmp/raw") $(stats "$tmp/mpi")
echo "8 B half round trip, 2 ranks, $runs runs of $iters:"
echo "  raw  best $1 us  median $2 us"
echo "  mpi  best $3 us  median $4 us"
awk -v a="$1" -v b="$3" -v c="$2" -v d="$4" 'BEGIN {
	printf "  MPI layer: %+.1f%% (best), %+.1f%% (median)\n",
	       (b / a - 1) * 100, (d / c - 1) * 100 }'
r=$($rt "$raw" 200000 | awk '{print $6}')
m=$($rt "$mpi" 200000 | awk '{print $6}')
echo "send+recv to itself (1 rank, best of 10 x 200000): raw $r ns, mpi $m ns"
awk -v r="$r" -v m="$m" 'BEGIN {
	printf "  MPI layer: %+.1f ns per send+recv\n", m - r }'
