# quiet.sh - sourced by bench/compare: measure how busy the machine is, and
# wait (a bounded time) for it to calm down before a run. On a 2-core box a
# single busy neighbour halves a benchmark's figures; the table says how
# idle the CPUs were before each contender so that a reader can judge.

# Percentage of CPU time idle over the next 0.5 s, all CPUs together.
idle_pct() {
	local a b
	read -r _ u1 n1 s1 i1 w1 q1 sq1 st1 _ < /proc/stat
	sleep 0.5
	read -r _ u2 n2 s2 i2 w2 q2 sq2 st2 _ < /proc/stat
	a=$(( (u2+n2+s2+i2+w2+q2+sq2+st2) - (u1+n1+s1+i1+w1+q1+sq1+st1) ))
	b=$(( (i2+w2) - (i1+w1) ))
	[ "$a" -gt 0 ] || a=1
	echo $(( 100 * b / a ))
}

# wait_quiet MAXSECONDS: returns once the CPUs are at least 90% idle, or
# after MAXSECONDS; prints the last idle percentage measured.
wait_quiet() {
	local max=$1 t0=$SECONDS p
	p=$(idle_pct)
	while [ "$p" -lt 90 ] && [ $((SECONDS - t0)) -lt "$max" ]; do
		sleep 2
		p=$(idle_pct)
	done
	echo "$p"
}
