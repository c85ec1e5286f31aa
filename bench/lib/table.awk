# table.awk - compare.csv (bench,size,contender,median,runs) to the table
# of bench/compare, the targets, and OUT/BENCH.dat for the plot.
# Variables: out rounds reps commit cpu ncpu params ompi mpich mdev nice.

function fmt_size(s) {
	if (s >= 1048576 && s % 1048576 == 0) return (s / 1048576) "M"
	if (s >= 1024 && s % 1024 == 0) return (s / 1024) "K"
	return s
}
function has(b, s, c) { return ((b SUBSEP s SUBSEP c) in val) }
function get(b, s, c) { return val[b, s, c] }
function num(b, x) {
	if (x == "") return "-"
	if (b == "latency") return sprintf("%.3f", x)
	if (b == "rate") return sprintf("%.3f", x / 1e6)
	return sprintf("%.0f", x)
}
function ratio(a, b2) {
	if (a == "" || b2 == "" || b2 + 0 == 0) return ""
	return a / b2
}
function rfmt(x) { return x == "" ? "-" : sprintf("%.2f", x) }
function cell(b, s, c) { return has(b, s, c) ? get(b, s, c) : "" }

NR == 1 { next }
{
	b = $1; s = $2 + 0; c = $3
	val[b, s, c] = $4 + 0
	if (c ~ /^idle-/) {
		k = substr(c, 6)
		if (!(k in idle) || $4 + 0 < idle[k]) idle[k] = $4 + 0
		next
	}
	if (b == "floor") next
	if (!((b, s) in seen)) { seen[b, s] = 1; ns[b]++; sz[b, ns[b]] = s }
}
END {
	line_ns = cell("floor", 64, "line")
	printf "Postbox vs Open MPI and MPICH: 2 ranks pinned to cores 0 and 1 of this host\n"
	printf "machine: %s, %s CPUs; Postbox %s, PB_* %s\n", cpu, ncpu, commit, params
	printf "peers: Open MPI %s (pml ob1, btl self,vader), MPICH %s (%s)\n", ompi, mpich, mdev
	printf "pb1 = pbrun --nodes 1 (same node), pb2 = pbrun --nodes 2 (two emulated nodes)\n"
	printf "each figure: median over %s round(s) of each run's median of %s repetitions;\n", rounds, reps
	printf "contenders alternated from round to round\n"
	if (line_ns != "")
		printf "floor (pbbench floor): cache line half round trip %.1f ns = %.3f us\n", line_ns, line_ns / 1000
	printf "CPU idle before the runs (lowest seen):"
	for (c in idle) printf " %s %d%%", c, idle[c]
	printf "; contenders ran at nice %s\n", nice

	title["latency"] = "latency: half round trip in us (lower is better)"
	title["bw"] = "bw: streaming bandwidth in MB/s, window 64 (higher is better)"
	title["rate"] = "rate: message rate in millions of messages/s, window 64 (higher is better)"
	nb = split("latency bw rate", benches, " ")
	for (bi = 1; bi <= nb; bi++) {
		b = benches[bi]
		if (!ns[b]) continue
		lower = b == "latency"
		printf "\n%s\n", title[b]
		printf "%8s %10s %10s %10s %10s %9s %9s %8s\n", "size", "pb1", "pb2",
			"ompi", "mpich", "pb1/ompi", "pb1/mpich", "x2node"
		dat = out "/" b ".dat"
		printf "# size pb1 pb2 ompi mpich pb1/ompi pb1/mpich\n" > dat
		for (i = 1; i <= ns[b]; i++) {
			s = sz[b, i]
			p1 = cell(b, s, "pb1"); p2 = cell(b, s, "pb2")
			om = cell(b, s, "ompi"); mp = cell(b, s, "mpich")
			ro = ratio(p1, om); rm = ratio(p1, mp)
			# slowdown across nodes, > 1 = slower whatever the unit
			x2 = lower ? ratio(p2, p1) : ratio(p1, p2)
			printf "%8s %10s %10s %10s %10s %9s %9s %8s\n", fmt_size(s),
				num(b, p1), num(b, p2), num(b, om), num(b, mp),
				rfmt(ro), rfmt(rm), rfmt(x2)
			printf "%d %s %s %s %s %s %s\n", s, p1 == "" ? "NaN" : p1,
				p2 == "" ? "NaN" : p2, om == "" ? "NaN" : om,
				mp == "" ? "NaN" : mp, ro == "" ? "NaN" : ro,
				rm == "" ? "NaN" : rm > dat
			# targets
			if (x2 != "" && (worst2[b] == "" || x2 > worst2[b])) { worst2[b] = x2; worst2s[b] = s }
			if (b == "latency" && s <= 64) {
				if (ro != "" && (wl == "" || ro > wl)) { wl = ro; wls = s }
				if (line_ns != "" && p1 != "") {
					rf = p1 / (line_ns / 1000)
					if (wf == "" || rf > wf) { wf = rf; wfs = s }
				}
			}
			if (b == "bw" && s >= 1 && s <= 4194304 && ro != "") {
				if (wb == "" || ro < wb) { wb = ro; wbs = s }
				if (s >= 4096 && s <= 65536 && (wm == "" || ro < wm)) { wm = ro; wms = s }
			}
			if (b == "rate" && s == 8 && p1 != "") {
				best = om + 0 > mp + 0 ? om : mp
				rr = ratio(p1, best)
				rrpeer = om + 0 > mp + 0 ? "Open MPI" : "MPICH"
			}
		}
		close(dat)
	}

	printf "\ntargets (Postbox on one node unless said)\n"
	target(wl != "" && wl <= 0.85, wl,
		"latency 0-64 B <= 0.85x Open MPI", "worst " rfmt(wl) "x at " fmt_size(wls) " B")
	target(wf != "" && wf <= 1.2, wf,
		"latency 0-64 B <= 1.2x the cache line floor", "worst " rfmt(wf) "x at " fmt_size(wfs) " B")
	target(wb != "" && wb >= 1.0, wb,
		"bandwidth 1 B-4 MiB >= 1.0x Open MPI", "worst " rfmt(wb) "x at " fmt_size(wbs))
	target(wm != "" && wm >= 1.2, wm,
		"bandwidth 4-64 KiB >= 1.2x Open MPI", "worst " rfmt(wm) "x at " fmt_size(wms))
	target(rr != "" && rr >= 1.2, rr,
		"8 B message rate >= 1.2x the better peer", rfmt(rr) "x " rrpeer)
	for (bi = 1; bi <= nb; bi++) {
		b = benches[bi]
		if (!ns[b]) continue
		target(worst2[b] != "" && worst2[b] <= 1.1, worst2[b],
			b " across 2 nodes within 1.1x of one node",
			"worst " rfmt(worst2[b]) "x at " fmt_size(worst2s[b]))
	}
}
function target(ok, v, what, detail) {
	if (v == "")
		printf "  [n/a   ] %s: not measured\n", what
	else
		printf "  [%-6s] %s: %s\n", ok ? "met" : "MISSED", what, detail
}
