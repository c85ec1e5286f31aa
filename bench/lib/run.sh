# run.sh - sourced by bench/compare: run one contender on one benchmark,
# keeping its CSV in OUT/raw/BENCH.CONTENDER.rROUND.csv.
#
# Every contender gets two ranks pinned to cores 0 and 1:
#   pbbench pins itself (--bind: rank r on core r % cores);
#   Open MPI: --bind-to core, shared memory through ob1 + vader (pml and
#     btl forced, so that no network or UCX path is picked behind our back);
#     as root it needs --allow-run-as-root, and --oversubscribe so that a
#     2-core box counts as room for 2 ranks whatever hwloc says;
#   MPICH: -bind-to core (Debian's build uses ch4:ucx: UCX shared memory).

# MPI implementations leave files in /dev/shm when a run dies; remove the
# ones that appeared during our run and are not Postbox's (pbrun cleans
# those, and other users' jobs may be running).
shm_snapshot() { ls -1 /dev/shm 2>/dev/null | grep -v '^pb-' | sort || true; }
shm_clean_since() {
	local before=$1 f
	shm_snapshot | comm -13 "$before" - | while read -r f; do
		case $f in
		vader_segment*|ucx*|mpich*|sem.mpich*|shm-col-space*|open_mpi*)
			rm -f "/dev/shm/$f" ;;
		esac
	done
}

# Every process started below PID (children, grandchildren, ...).
descendants() {
	ps -eo pid=,ppid= | awk -v root="$1" '
		{ kids[$2] = kids[$2] " " $1 }
		END {
			n = 1; q[1] = root
			for (i = 1; i <= n; i++) {
				m = split(kids[q[i]], k, " ")
				for (j = 1; j <= m; j++) q[++n] = k[j]
			}
			for (i = 2; i <= n; i++) print q[i]
		}'
}

# --nice: MPICH's launcher (hydra) starts each rank in a session of its
# own, i.e. in a new autogroup at nice 0, where the script's nice no longer
# counts. Give the autogroups of the ranks named NAME below PID the
# script's nice as soon as they appear (at most 5 s), so that every
# contender runs at the same priority; then stop polling.
boost_sessions() {
	local pid=$1 name=$2 t p ag done
	[ "$nice" != 0 ] && [ -e /proc/self/autogroup ] || return 0
	for ((t = 0; t < 50; t++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		done=0
		for p in $(descendants "$pid"); do
			[ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$name" ] ||
				continue
			ag=$(cat "/proc/$p/autogroup" 2>/dev/null) || continue
			case $ag in
			*" nice $nice") done=$((done + 1)) ;;
			*) echo "$nice" > "/proc/$p/autogroup" 2>/dev/null || true ;;
			esac
		done
		[ $done -lt 2 ] || return 0
		sleep 0.1
	done
}

# run_one CONTENDER BENCH ROUND "ARGS": never fails the script; a failed
# run is tried once more, then logged, and leaves no CSV (the table then
# shows '-').
run_one() {
	local c=$1 b=$2 r=$3 args=$4 f idle before rc=0
	f=$out/raw/$b.$c.r$r.csv
	if [ "$quiet_wait" -gt 0 ]; then
		idle=$(wait_quiet "$quiet_wait")
	else
		idle=$(idle_pct)
	fi
	local -a cmd
	case $c in
	pb1|pb2)
		cmd=("$PBRUN" -n 2 --nodes "${c#pb}" --timeout 1800 "$PBBENCH"
		     "$b" $args --bind --no-floor --csv --no-progress) ;;
	ompi)
		cmd=(env OMPI_MCA_pml=ob1 OMPI_MCA_btl=self,vader
		     mpirun.openmpi --allow-run-as-root --oversubscribe -np 2
		     --bind-to core "$out/bin/openmpi-$b" $args) ;;
	mpich)
		cmd=(mpiexec.mpich -n 2 -bind-to core "$out/bin/mpich-$b"
		     $args) ;;
	*) echo "compare: unknown contender '$c'" >&2; exit 2 ;;
	esac
	printf 'round %s %-7s %-5s idle %3s%%: ' "$r" "$b" "$c" "$idle"
	echo "round $r $b $c idle=$idle%: ${cmd[*]}" >> "$out/log.txt"
	before=$(mktemp)
	shm_snapshot > "$before"
	local t0=$SECONDS try job
	for try in 1 2; do
		rc=0
		{ echo "# idle_before=$idle"; exec timeout 1900 "${cmd[@]}"; } \
			> "$f.tmp" 2>> "$out/log.txt" &
		job=$!
		[ "$c" != mpich ] || boost_sessions $job "mpich-$b"
		wait $job || rc=$?
		[ $rc != 0 ] || break
		echo "round $r $b $c: try $try failed with status $rc" \
			>> "$out/log.txt"
		shm_clean_since "$before"
	done
	shm_clean_since "$before"
	rm -f "$before"
	if [ $rc = 0 ]; then
		mv "$f.tmp" "$f"
		echo "done in $((SECONDS - t0)) s"
	else
		mv "$f.tmp" "$f.failed"
		echo "FAILED (status $rc, see $out/log.txt)"
		echo "round $r $b $c: FAILED with status $rc" >> "$out/log.txt"
	fi
}

# run_floor ROUND: the machine's floor, measured by pbbench itself, once
# per round (it moves with the machine's load as the contenders do).
run_floor() {
	local r=$1 f=$out/raw/floor.r$1.csv
	"$PBRUN" -n 1 "$PBBENCH" floor --csv --no-progress --sizes 1:4M \
		> "$f" 2>> "$out/log.txt" || {
		echo "compare: pbbench floor failed" >&2
		rm -f "$f"
	}
}
