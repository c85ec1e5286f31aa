#!/bin/sh
# bench/ofi_compare.sh BUILD [SIZES] [ITERS]: Postbox between two nodes
# over the ofi medium next to libfabric's own fi_pingpong (libfabric-bin)
# on the same provider, same machine, same run: half round trip in
# microseconds, medians of pbbench, fi_pingpong's usec/xfer (one transfer
# = half a round trip), and the ratio Postbox / raw provider.
# FI_PROVIDER (default "tcp;ofi_rxm") and FI_TCP_IFACE (default lo) pick
# the provider and the interface for both.
build=${1:?usage: bench/ofi_compare.sh BUILD [SIZES] [ITERS]}
sizes=${2:-8,64,1024,16384,65536,1048576}
iters=${3:-5000}
: "${FI_PROVIDER:=tcp;ofi_rxm}" "${FI_TCP_IFACE:=lo}"
export FI_PROVIDER FI_TCP_IFACE
command -v fi_pingpong >/dev/null || { echo "fi_pingpong missing: apt-get install libfabric-bin"; exit 1; }
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
PB_MEDIUM=ofi "$build/tools/pbrun/pbrun" -n 2 --nodes 2 --timeout 600 \
    "$build/tools/pbbench/pbbench" latency --sizes "$sizes" --iters "$iters" \
    --csv >"$t/pb.csv" || { echo "pbbench failed"; exit 1; }
echo "# provider $FI_PROVIDER on $FI_TCP_IFACE, $iters iterations (fewer above 64K for pbbench)"
printf '%10s %14s %14s %8s\n' size postbox_us fi_pingpong_us ratio
for s in $(echo "$sizes" | tr ',' ' '); do
    timeout 120 fi_pingpong -p "$FI_PROVIDER" -e rdm -I "$iters" -S "$s" >/dev/null 2>&1 &
    srv=$!
    sleep 0.5
    raw=$(timeout 120 fi_pingpong -p "$FI_PROVIDER" -e rdm -I "$iters" -S "$s" 127.0.0.1 2>/dev/null |
          awk 'NR > 1 { v = $(NF-1) } END { print v }')
    wait $srv 2>/dev/null
    pb=$(awk -F, -v s="$s" '$3 == s { print $7 }' "$t/pb.csv")
    awk -v s="$s" -v p="$pb" -v r="$raw" 'BEGIN {
        printf "%10s %14.2f %14.2f %8.2f\n", s, p, r, (r > 0 ? p / r : 0) }'
done
