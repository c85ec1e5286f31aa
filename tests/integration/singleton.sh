#!/bin/bash
# singleton.sh PROGRAM
# Runs the singleton program without a launcher, in a private shm dir, and
# checks it passes and leaves nothing there; twice, to show a second job
# does not trip over the first.
set -u
prog=$1
shm=$(mktemp -d)
trap 'rm -rf "$shm"' EXIT
unset PB_JOB_ID PB_RANK PB_SIZE PB_NODE_MAP PB_LAUNCHER_PID
for i in 1 2; do
	PB_SHM_DIR=$shm "$prog" || { echo "FAIL: run $i exited $?"; exit 1; }
	left=$(ls -A "$shm")
	if [ -n "$left" ]; then
		echo "FAIL: pb_close left shared objects: $left"
		exit 1
	fi
done
echo "singleton: nothing left in the shm dir"
