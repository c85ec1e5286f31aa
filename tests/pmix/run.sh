#!/bin/bash
# run.sh MPIRUN NP [--nodes K] [--expect RE] [--agree PREFIX] [--default-shm]
#        PROG ARGS...
#
# Runs PROG on NP ranks under Open MPI's mpirun, where libpostbox wires up
# through PMIx, and fails if the job fails, hangs, or leaves a shared
# object of the job behind.
#   --nodes K      K hosts as mpirun sees them (fakessh.sh starts the extra
#                  orteds here); default 1
#   --expect RE    the output must match the extended regexp RE: proof that
#                  the ranks formed one job (a rank that fell back to a
#                  singleton would pass its own checks alone)
#   --agree P      every rank prints one line starting with P, all equal
#   --default-shm  leave PB_SHM_DIR unset, so the job uses /dev/shm: done in
#                  a private mount namespace with a fresh tmpfs on /dev/shm
#                  (exit 77, skipped, when that is not permitted)
# Otherwise the job's objects go to a private directory (PB_SHM_DIR), so
# the check sees this job only, whatever else runs on the machine.
set -u
here=$(cd "$(dirname "$0")" && pwd)
mpirun=$1 np=$2
shift 2
nodes=1 expect= agree= default_shm=0 in_ns=0
while [ $# -gt 0 ]; do
	case $1 in
	--nodes) nodes=$2; shift 2 ;;
	--expect) expect=$2; shift 2 ;;
	--agree) agree=$2; shift 2 ;;
	--default-shm) default_shm=1; shift ;;
	--in-namespace) in_ns=1; shift ;;
	*) break ;;
	esac
done

if [ $default_shm = 1 ] && [ $in_ns = 0 ]; then
	# a fresh /dev/shm seen by this job only; the host's stays untouched
	unshare --mount true 2>/dev/null || {
		echo "SKIP: no private mount namespace (unshare) here"; exit 77; }
	exec unshare --mount --propagation private bash "$0" "$mpirun" "$np" \
		--nodes "$nodes" ${expect:+--expect "$expect"} \
		${agree:+--agree "$agree"} --default-shm \
		--in-namespace "$@"
fi

# whatever launched ctest, the ranks must take the PMIx path
unset PB_JOB_ID PB_RANK PB_SIZE PB_NODE_MAP PB_LAUNCHER_PID PB_SHM_DIR
if [ $in_ns = 1 ]; then
	mount -t tmpfs -o mode=1777,size=1g pb-pmix-test /dev/shm || {
		echo "SKIP: cannot mount a private /dev/shm"; exit 77; }
	shm=/dev/shm
else
	base=/dev/shm
	[ -d $base ] && [ -w $base ] || base=${TMPDIR:-/tmp}
	shm=$(mktemp -d $base/postbox-pmix-test.XXXXXX) || exit 1
	export PB_SHM_DIR=$shm
fi
out=$(mktemp)
trap 'rm -f "$out"; [ $in_ns = 1 ] || rm -rf "$shm"' EXIT

# Keep Open MPI quiet and on this machine: the programs use PMIx only (no
# MPI transport is ever opened); don't pin ranks to cores, since 4 ranks
# that spin-wait on 2 cores must be able to move.
export OMPI_MCA_btl=self OMPI_MCA_pml=^ucx
export OMPI_MCA_hwloc_base_binding_policy=none
export OMPI_MCA_rmaps_base_oversubscribe=1
hosts=()
if [ "$nodes" -gt 1 ]; then
	export OMPI_MCA_plm_rsh_agent="$here/fakessh.sh"
	list=$(hostname):$(( (np + nodes - 1) / nodes ))
	for ((n = 1; n < nodes; n++)); do
		list=$list,pb-fake-host$n:$(( (np + nodes - 1) / nodes ))
	done
	hosts=(--host "$list")
fi
# Open MPI 4.1's orted on a fake host sometimes crashes writing its hwloc
# topology to shared memory at a fixed address (a segfault in
# hwloc_shmem_topology_write, about 1 start in 12 here): not ours to fix,
# so that sharing is off.
export OMPI_MCA_rtc_hwloc_vmhole=none
# The fake hosts talk through the ofi medium (PB_MEDIUM=auto, docs/ofi.md):
# libfabric's tcp provider on loopback, not on whatever interface it would
# pick (the netns tests create and remove interfaces while these run).
export FI_PROVIDER=${FI_PROVIDER:-"tcp;ofi_rxm"} FI_TCP_IFACE=${FI_TCP_IFACE:-lo}
# -x: the PB_* parameters and libfabric's reach ranks on other hosts too
fwd=()
for v in $(compgen -e | grep -E '^(PB_|FI_)'); do fwd+=(-x "$v"); done

timeout -k 5 100 "$mpirun" --allow-run-as-root --oversubscribe \
	"${hosts[@]}" "${fwd[@]}" -np "$np" "$@" </dev/null >"$out" 2>&1
rc=$?
cat "$out"
fail=0
if [ $rc -ne 0 ]; then
	echo "FAIL: mpirun exited $rc$([ $rc = 124 ] && echo ' (timed out)')"
	fail=1
fi
if [ -n "$expect" ] && ! grep -Eq -- "$expect" "$out"; then
	echo "FAIL: no line matches '$expect'"
	fail=1
fi
if [ -n "$agree" ]; then
	lines=$(grep -c "^$agree" "$out")
	kinds=$(grep "^$agree" "$out" | sort -u | wc -l)
	if [ "$lines" != "$np" ] || [ "$kinds" != 1 ]; then
		echo "FAIL: want $np equal '$agree' lines, got $lines in $kinds kinds"
		fail=1
	fi
fi
left=$(ls -A "$shm" | grep '^pb-')
if [ -n "$left" ]; then
	echo "FAIL: the job left in $shm:"
	echo "$left"
	fail=1
else
	echo "ok: nothing of the job left in $shm"
fi
exit $fail
