#!/bin/bash
# plot.sh OUT FILE - draw the comparison (OUT/latency.dat, bw.dat, rate.dat
# written by table.awk) as one picture of four panels: latency, bandwidth,
# message rate, and Postbox's ratio to Open MPI per size.
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
have() { [ -s "$out/$1.dat" ] && [ "$(grep -vc '^#' "$out/$1.dat")" -gt 0 ]; }

{
	echo "set terminal $term"
	echo "set output '$file'"
	echo "set multiplot layout 2,2 title 'Postbox vs Open MPI and MPICH, 2 ranks pinned on one host (medians)'"
	echo "set logscale x 2; set format x '%.0b%B'; set grid; set key left top"
	echo "set xlabel 'message size (bytes)'"
	# size 0 cannot sit on a log axis: every panel starts at 1 byte
	echo "set datafile missing 'NaN'"
	series="using 1:2 w lp pt 7 ps .5 lw 2 t 'Postbox, 1 node', '' using 1:3 w lp pt 5 ps .5 lw 2 dt 2 t 'Postbox, 2 nodes', '' using 1:4 w lp pt 9 ps .5 lw 2 t 'Open MPI', '' using 1:5 w lp pt 11 ps .5 lw 2 t 'MPICH'"
	if have latency; then
		echo "set title 'latency (half round trip)'; set ylabel 'us'; set logscale y"
		echo "plot [1:] '$out/latency.dat' $series"
	else
		echo "set multiplot next"
	fi
	if have bw; then
		echo "set title 'streaming bandwidth, window 64'; set ylabel 'MB/s'; set logscale y"
		echo "plot [1:] '$out/bw.dat' $series"
	else
		echo "set multiplot next"
	fi
	if have rate; then
		echo "set title 'message rate, window 64'; set ylabel 'messages/s'; set logscale y; set format y '%.0s%c'"
		echo "plot [1:] '$out/rate.dat' $series"
	else
		echo "set multiplot next"
	fi
	echo "set title 'Postbox (1 node) / Open MPI'; set ylabel 'ratio'; set logscale y; set format y '%g'"
	echo "set key right top"
	plots=""
	have latency && plots="$plots '$out/latency.dat' using 1:6 w lp pt 7 ps .5 lw 2 t 'latency (< 1 is better)',"
	have bw && plots="$plots '$out/bw.dat' using 1:6 w lp pt 5 ps .5 lw 2 t 'bandwidth (> 1 is better)',"
	have rate && plots="$plots '$out/rate.dat' using 1:6 w lp pt 9 ps .5 lw 2 t 'rate (> 1 is better)',"
	echo "plot [1:] ${plots} 1 w l lc rgb 'black' dt 3 notitle"
	echo "unset multiplot"
} | gnuplot
