#!/bin/bash
# merge.sh OUT ROUNDS REPS LABEL - the comparison table from OUT/raw/*.csv:
# per benchmark and size, the median over rounds of each contender's
# median, the ratios Postbox/peer, and the performance targets checked.
# Also writes OUT/compare.csv (one line per benchmark, size, contender) and
# OUT/BENCH.dat (the pivoted table, for the plot).
set -euo pipefail
out=$1 rounds=$2 reps=$3 commit=$4
lib=$(cd "$(dirname "$0")" && pwd)
raw=$out/raw

# 1. long format: bench,contender,size,median (one line per run and size)
long=$(mktemp)
trap 'rm -f "$long"' EXIT
for f in "$raw"/*.r*.csv; do
	[ -e "$f" ] || continue
	base=$(basename "$f" .csv)           # bench.contender.rN or floor.rN
	case $base in
	floor.*)
		awk -F, '/^floor-line,/ { print "floor,line," $3 "," $7 }
			 /^floor-memcpy,/ { print "floor,memcpy," $3 "," $7 }' \
			"$f" >> "$long" ;;
	*)
		b=${base%%.*} rest=${base#*.} c=${rest%%.*}
		awk -F, -v b="$b" -v c="$c" '
			/^# idle_before=/ { split($0, a, "="); print b ",idle-" c ",0," a[2]+0; next }
			/^#/ || /^mode,/ || NF < 7 { next }
			{ print b "," c "," $3 "," $7 }' "$f" >> "$long" ;;
	esac
done

# 2. medians over rounds -> compare.csv
awk -F, '
	{ k = $1 "," $3 "," $2; n[k]++; v[k, n[k]] = $4 + 0 }
	END {
		for (k in n) {
			m = n[k]
			for (i = 1; i <= m; i++) s[i] = v[k, i]
			for (i = 2; i <= m; i++) {      # insertion sort, m is small
				x = s[i]
				for (j = i - 1; j >= 1 && s[j] > x; j--) s[j + 1] = s[j]
				s[j + 1] = x
			}
			med = m % 2 ? s[(m + 1) / 2] : (s[m / 2] + s[m / 2 + 1]) / 2
			# idle: the worst (lowest) value, not the median
			if (k ~ /,idle-/) med = s[1]
			print k "," med "," m
		}
	}' "$long" | sort -t, -k1,1 -k2,2n -k3,3 > "$out/compare.csv.tmp"
{ echo "bench,size,contender,median,runs"; cat "$out/compare.csv.tmp"; } \
	> "$out/compare.csv"
rm -f "$out/compare.csv.tmp"

# 3. the table and the targets
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
ncpu=$(nproc)
params=$(env | grep -E '^PB_(POSTBOXES|INLINE|BLOCK_SIZE|POOL_SIZE|CYCLE_SIZE|WAIT|SPIN)=' | tr '\n' ' ' || true)
awk -F, -v out="$out" -v rounds="$rounds" -v reps="$reps" \
	-v commit="$commit" -v cpu="$cpu" -v ncpu="$ncpu" \
	-v params="${params:-defaults}" \
	-v ompi="${OMPI_VERSION:-?}" -v mpich="${MPICH_VERSION:-?}" \
	-v mdev="${MPICH_DEVICE:-?}" -v nice="${NICE:-0}" -f "$lib/table.awk" "$out/compare.csv"
