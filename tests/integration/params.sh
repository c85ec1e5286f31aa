#!/bin/bash
# params.sh PBRUN PROGRAM
# A bad PB_* value makes pb_open fail with PB_EPARAM and a message on
# stderr naming the variable, both without a launcher and under pbrun (where
# every rank refuses and the job still ends cleanly); good unusual values
# work.
set -u
pbrun=$1 prog=$2
fail=0
err=$(mktemp) out=$(mktemp)
shm=$(mktemp -d)
trap 'rm -f "$err" "$out"; rm -rf "$shm"' EXIT
unset PB_JOB_ID PB_RANK PB_SIZE PB_NODE_MAP PB_LAUNCHER_PID
export PB_SHM_DIR=$shm

bad() { # VAR VALUE: refused by pb_open, named on stderr
	local var=$1 val=$2 how
	for how in direct pbrun; do
		if [ $how = direct ]; then
			env "$var=$val" "$prog" fail >"$out" 2>"$err"
		else
			env "$var=$val" "$pbrun" -n 2 --nodes 2 --timeout 30 \
				"$prog" fail >"$out" 2>"$err"
		fi
		rc=$?
		if [ $rc -ne 0 ] || ! grep -q "refused" "$out"; then
			echo "FAIL: $var=$val ($how): exit $rc, pb_open did not refuse with PB_EPARAM:"
			cat "$out" "$err"
			fail=1
		elif ! grep -q -- "$var" "$err"; then
			echo "FAIL: $var=$val ($how): stderr does not name $var:"
			cat "$err"
			fail=1
		else
			echo "ok: $var=$val ($how): $(grep -m1 -- "$var" "$err")"
		fi
	done
}

good() { # VAR=VALUE...: pb_open works, messages flow
	if env "$@" "$pbrun" -n 3 --nodes 2 --timeout 30 "$prog" ok \
		>"$out" 2>"$err"; then
		echo "ok: $* accepted"
	else
		echo "FAIL: $* refused or broken:"
		cat "$out" "$err"
		fail=1
	fi
}

bad PB_POSTBOXES 3
bad PB_POSTBOXES 0
bad PB_INLINE 5000
bad PB_BLOCK_SIZE 100
bad PB_BLOCK_SIZE big
bad PB_POOL_SIZE 1T
bad PB_POOL_SIZE 300000
bad PB_CYCLE_SIZE 2M
bad PB_WAIT busy
bad PB_SPIN -1
bad PB_PEER_TIMEOUT 0
bad PB_PEER_TIMEOUT soon

good PB_WAIT=sleep PB_POSTBOXES=2
good PB_WAIT=spin PB_INLINE=0 PB_BLOCK_SIZE=64 PB_POOL_SIZE=256 PB_CYCLE_SIZE=128
good PB_INLINE=1000 PB_BLOCK_SIZE=64K PB_POOL_SIZE=256K PB_CYCLE_SIZE=128K
good PB_PEER_TIMEOUT=0.5 PB_SPIN=0

left=$(ls -A "$shm")
if [ -n "$left" ]; then
	echo "FAIL: left in the shm dir: $left"
	fail=1
fi
exit $fail
