#!/bin/bash
# plot.sh OUT FILE - draw the comparison (OUT/latency.dat, bw.dat, rate.dat
# written by table.awk) as one picture of four panels: latency, bandwidth,
# message rate, and Postbox's ratio to Open MPI per size. A contender
# without figures (not run, or failed) is left out of the picture.
set -euo pipefail
out=$1 file=$2
command -v gnuplot >/dev/null || {
	echo "compare: gnuplot is missing (apt-get install gnuplot-nox): no plot" >&2
	exit 1
}
case $file in
*.svg) term="svg size 1200,900 dynamic enhanced font 'sans,11' background rgb 'white'" ;;
*.png) term="pngcairo size 1200,900 enhanced font 'sans,10' background rgb 'white'" ;;
*) echo "compare: --plot $file: use .svg or .png" >&2; exit 2 ;;
esac

# has BENCH COLUMN: the column holds at least one number above size 0
has() {
	[ -s "$out/$1.dat" ] &&
		awk -v c="$2" '!/^#/ && $1 > 0 && $c != "NaN" { f = 1 } END { exit !f }' \
			"$out/$1.dat"
}

# series BENCH: the plot command of one panel, the contenders it has
series() {
	local b=$1 col p="" sep=""
	local -a names=("" "" "Postbox, 1 node" "Postbox, 2 nodes" "Open MPI" "MPICH")
	local -a styles=("" "" "pt 7" "pt 5 dt 2" "pt 9" "pt 11")
	for col in 2 3 4 5; do
		has "$b" $col || continue
		p="$p$sep'$out/$b.dat' using 1:$col w lp ${styles[$col]} ps .5 lw 2 t '${names[$col]}'"
		sep=", "
	done
	echo "$p"
}

panel() {   # BENCH TITLE YLABEL [YFORMAT]
	local s
	s=$(series "$1")
	if [ -z "$s" ]; then
		echo "set multiplot next"
		return
	fi
	echo "set title '$2'; set ylabel '$3'; set logscale y; set format y '${4:-%g}'"
	echo "plot [1:] $s"
}

{
	echo "set terminal $term"
	echo "set output '$file'"
	echo "set multiplot layout 2,2 title 'Postbox vs Open MPI and MPICH, 2 ranks pinned on one host (medians)'"
	echo "set logscale x 2; set format x '%.0b%B'; set grid; set key left top"
	echo "set xlabel 'message size (bytes)'"
	# size 0 cannot sit on a log axis: every panel starts at 1 byte
	echo "set datafile missing 'NaN'"
	panel latency "latency (half round trip)" "us"
	panel bw "streaming bandwidth, window 64" "MB/s"
	panel rate "message rate, window 64" "messages/s" "%.0s%c"
	plots="" sep=""
	has latency 6 && { plots="$plots$sep'$out/latency.dat' using 1:6 w lp pt 7 ps .5 lw 2 t 'latency (< 1 is better)'"; sep=", "; }
	has bw 6 && { plots="$plots$sep'$out/bw.dat' using 1:6 w lp pt 5 ps .5 lw 2 t 'bandwidth (> 1 is better)'"; sep=", "; }
	has rate 6 && { plots="$plots$sep'$out/rate.dat' using 1:6 w lp pt 9 ps .5 lw 2 t 'rate (> 1 is better)'"; sep=", "; }
	if [ -n "$plots" ]; then
		echo "set title 'Postbox (1 node) / Open MPI'; set ylabel 'ratio'; set logscale y; set format y '%g'"
		echo "set key right top"
		echo "plot [1:] $plots, 1 w l lc rgb 'black' dt 3 notitle"
	fi
	echo "unset multiplot"
} | gnuplot
