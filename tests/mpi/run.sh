#!/bin/sh
# run.sh [--fail] EXPECTED COMMAND... - run an MPI test program under a
# launcher (pbrun or Open MPI's mpirun), sort its output lines by rank (a
# stable sort: each rank's lines keep their order) and compare them with
# the expected output. Both builds of a program are held to the same file,
# so they agree with each other. Exit 0 only when the output matched and
# the job succeeded (with --fail: failed, as MPI_Abort makes it).
want_fail=0
if [ "$1" = --fail ]; then
	want_fail=1
	shift
fi
expected=$1
shift
out=$(mktemp "${TMPDIR:-/tmp}/pbmpi-test.XXXXXX") || exit 1
trap 'rm -f "$out" "$out.sorted"' EXIT
"$@" >"$out"
rc=$?
sort -s -t: -k1,1n "$out" >"$out.sorted"
if ! diff -u "$expected" "$out.sorted"; then
	echo "run.sh: output differs from $expected (command: $*)" >&2
	exit 1
fi
if [ $want_fail -eq 1 ] && [ $rc -eq 0 ]; then
	echo "run.sh: the job should have failed (command: $*)" >&2
	exit 1
fi
if [ $want_fail -eq 0 ] && [ $rc -ne 0 ]; then
	echo "run.sh: the job exited with status $rc (command: $*)" >&2
	exit 1
fi
exit 0
