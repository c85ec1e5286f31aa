#!/bin/sh
# installed.sh CMAKE BUILD SRCDIR - the installed pbcc works wherever the
# tree is installed: install the build into a fresh prefix, build ring.c
# with that prefix's pbcc, run it with that prefix's pbrun, compare.
# PBMPI_TEST_CFLAGS: flags for the build (a PB_SANITIZE build's).
cmake=$1
build=$2
src=$3
fail() {
	echo "installed.sh: $*" >&2
	exit 1
}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pbcc-installed.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
"$cmake" --install "$build" --prefix "$tmp/prefix" >"$tmp/log" 2>&1 ||
	fail "cmake --install failed: $(tail -5 "$tmp/log")"
p=$tmp/prefix
[ -x "$p/bin/pbcc" ] || fail "no bin/pbcc in the prefix"
"$p/bin/pbcc" -show -o x x.c | grep -q -- "-I$p/" ||
	fail "pbcc -show does not point into the prefix: $("$p/bin/pbcc" -show -o x x.c)"
"$p/bin/pbcc" -O2 -Wall $PBMPI_TEST_CFLAGS -o "$tmp/ring" "$src/ring.c" ||
	fail "cannot build"
"$p/bin/pbrun" -n 5 --nodes 2 --timeout 100 "$tmp/ring" >"$tmp/out" ||
	fail "the job failed"
sort -s -t: -k1,1n "$tmp/out" | diff -u "$src/expected/ring.out" - ||
	fail "output differs"
echo "installed.sh: ok"
