#!/bin/sh
# pbcc_check.sh PBCC SRCDIR - pbcc behaves like mpicc: -show prints the
# command (include path always, libraries only when linking, arguments
# quoted so the line can be pasted), flags pass through unchanged, and a
# program that calls outside the subset does not build. PBMPI_TEST_CFLAGS:
# flags for what it builds (the sanitizer flags of a PB_SANITIZE build).
pbcc=$1
src=$2
fail() {
	echo "pbcc_check: $*" >&2
	exit 1
}
show=$("$pbcc" -show -O2 -o 'my prog' x.c) || fail "-show failed"
case $show in
*-I*mpi/include*) ;;
*) fail "no include path in: $show" ;;
esac
case $show in
*-lpbmpi*-lpostbox*) ;;
*) fail "no libraries in: $show" ;;
esac
case $show in
*"'my prog'"*) ;;
*) fail "argument with a space not quoted in: $show" ;;
esac
show=$("$pbcc" -show -c x.c) || fail "-show -c failed"
case $show in
*-lpbmpi*) fail "libraries given for -c: $show" ;;
esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pbcc-check.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
"$pbcc" -O2 $PBMPI_TEST_CFLAGS -o "$tmp/ring" "$src/ring.c" ||
	fail "cannot build ring.c"
[ -x "$tmp/ring" ] || fail "no executable"
if "$pbcc" $PBMPI_TEST_CFLAGS -o "$tmp/outside" "$src/outside.c" \
	2>"$tmp/err"; then
	fail "a call outside the subset linked"
fi
grep -q MPI_Type_indexed "$tmp/err" || fail "the error does not name the call"
echo "pbcc_check: ok"
