#!/bin/bash
# cleanup.sh PBRUN PROGRAM
# After a job, in a private shm dir: nothing named pb-* is left, whether the
# job ended normally, with a rank calling abort() mid-traffic, or with a
# rank killed by SIGKILL.
set -u
pbrun=$1 prog=$2
fail=0
mark=
shm=$(mktemp -d) out=$(mktemp)
trap 'rm -rf "$shm" "$out" "$mark"' EXIT
unset PB_JOB_ID PB_RANK PB_SIZE PB_NODE_MAP PB_LAUNCHER_PID PB_SHM_DIR

for mode in normal abort kill9; do
	mark=$(mktemp -d)
	"$pbrun" --shm-dir "$shm" -n 4 --nodes 2 --timeout 30 \
		"$prog" "$mode" "$mark" >"$out" 2>&1
	rc=$?
	if [ $mode = normal ]; then
		if [ $rc -ne 0 ] || ! grep -q "objects in" "$out"; then
			echo "FAIL: normal job exited $rc:"; cat "$out"; fail=1
		fi
	elif [ $rc -eq 0 ] || [ $rc -eq 124 ]; then
		echo "FAIL: $mode job exited $rc (want a failure, not a hang):"
		cat "$out"; fail=1
	fi
	left=$(ls -A "$shm" | grep '^pb-')
	if [ -n "$left" ]; then
		echo "FAIL: after the $mode job the shm dir holds:"; echo "$left"
		fail=1
	else
		echo "ok: $mode job (exit $rc) left nothing"
	fi
	rm -rf "$mark"
done
exit $fail
