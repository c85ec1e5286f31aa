#!/bin/sh
# install.sh - what a user does with a release, end to end, in a temporary
# directory: install the build into a fresh prefix, check that every file
# is in place, then build examples/outside as an outside project twice,
# with pkg-config (its Makefile) and with CMake (find_package(Postbox)),
# and run the programs under the installed pbrun on 2 emulated nodes.
# A file that `cmake --install` forgets makes this test fail.
#
# install.sh --cmake CMAKE --build BUILDDIR --src SRCDIR --version X.Y.Z
#            --libdir L --bindir B --mandir M --cc CC --man 0|1
#            --pbbench 0|1 --pbcc 0|1 [--flags "SANITIZER FLAGS"]
set -eu
FLAGS="" PBCC=0
while [ $# -gt 0 ]; do
	case $1 in
	--cmake) CMAKE=$2 ;; --build) BUILD=$2 ;; --src) SRC=$2 ;;
	--version) VERSION=$2 ;; --libdir) LIBDIR=$2 ;; --bindir) BINDIR=$2 ;;
	--mandir) MANDIR=$2 ;; --cc) CC=$2 ;; --man) MAN=$2 ;;
	--pbbench) PBBENCH=$2 ;; --pbcc) PBCC=$2 ;; --flags) FLAGS=$2 ;;
	*) echo "install.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift 2
done
export CC

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
P=$T/prefix
bad=0
fail() { echo "FAIL: $*"; bad=1; }
step() { echo "== $*"; }
need() { [ -e "$P/$1" ] || fail "not installed: $1"; }

for tool in pkg-config make; do
	command -v $tool >/dev/null 2>&1 || {
		echo "SKIP: $tool is missing (scripts/deps.sh installs it)"
		exit 77
	}
done

step "cmake --install $BUILD --prefix $P"
"$CMAKE" --install "$BUILD" --prefix "$P" > "$T/install.log" 2>&1 || {
	cat "$T/install.log"; echo "FAIL: cmake --install"; exit 1; }

MAJOR=${VERSION%%.*}
step "installed files"
need include/postbox.h
need "$LIBDIR/libpostbox.so"
need "$LIBDIR/libpostbox.so.$MAJOR"
need "$LIBDIR/libpostbox.so.$VERSION"
need "$LIBDIR/libpostbox.a"
need "$LIBDIR/pkgconfig/postbox.pc"
need "$LIBDIR/cmake/Postbox/PostboxConfig.cmake"
need "$LIBDIR/cmake/Postbox/PostboxConfigVersion.cmake"
need "$LIBDIR/cmake/Postbox/PostboxTargets.cmake"
need "$BINDIR/pbrun"
[ "$PBBENCH" = 0 ] || need "$BINDIR/pbbench"
if [ "$PBCC" = 1 ]; then # the MPI face
	need "$BINDIR/pbcc"
	need include/mpi.h
	need "$LIBDIR/libpbmpi.so.$MAJOR"
fi
soname=$(readelf -d "$P/$LIBDIR/libpostbox.so.$VERSION" |
	sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libpostbox.so.$MAJOR" ] ||
	fail "SONAME is '$soname', expected libpostbox.so.$MAJOR"
v=$("$P/$BINDIR/pbrun" --version) || fail "installed pbrun does not run"
[ "$v" = "pbrun (Postbox) $VERSION" ] || fail "pbrun --version: '$v'"
if [ "$PBBENCH" = 1 ]; then
	# runs from the prefix: finds libpostbox.so through its RPATH
	v=$(env -u LD_LIBRARY_PATH "$P/$BINDIR/pbbench" --version 2>&1) ||
		fail "installed pbbench does not run: $v"
	[ "$v" = "pbbench (Postbox) $VERSION" ] || fail "pbbench --version: '$v'"
fi

if [ "$MAN" = 1 ]; then
	step "man pages"
	M=$P/$MANDIR
	for p in man1/pbrun.1 man7/postbox.7 man3/pb_open.3 man3/pb_close.3 \
		man3/pb_send.3 man3/pb_isend_ch.3 man3/pb_recv.3 man3/pb_wait.3 \
		man3/pb_cancel.3 man3/pb_probe.3 man3/pb_barrier.3 \
		man3/pb_progress.3 man3/pb_rank.3 man3/pb_node.3 \
		man3/pb_strerror.3 man3/pb_version.3; do
		[ -e "$M/$p" ] || fail "not installed: $MANDIR/$p"
	done
	[ "$PBBENCH" = 0 ] || [ -e "$M/man1/pbbench.1" ] ||
		fail "not installed: $MANDIR/man1/pbbench.1"
	[ "$PBCC" = 0 ] || [ -e "$M/man1/pbcc.1" ] ||
		fail "not installed: $MANDIR/man1/pbcc.1"
	if command -v man >/dev/null 2>&1; then
		MANWIDTH=80 man -M "$M" pbrun 2>&1 | grep -q 'pbrun - start the ranks' ||
			fail "man pbrun does not show pbrun(1)"
		# an alias page leads to the page that documents it
		MANWIDTH=80 man -M "$M" 3 pb_close 2>&1 | grep -q 'pb_open, pb_close' ||
			fail "man pb_close does not show pb_open(3)"
	fi
else
	echo "(man pages not built: scdoc missing or PB_MAN=OFF; not checked)"
fi

step "pkg-config"
export PKG_CONFIG_PATH="$P/$LIBDIR/pkgconfig"
v=$(pkg-config --modversion postbox) || fail "pkg-config cannot find postbox"
[ "$v" = "$VERSION" ] || fail "pkg-config --modversion postbox: '$v'"
mkdir "$T/mk"
cp "$SRC/examples/outside/hello.c" "$SRC/examples/outside/Makefile" "$T/mk/"
make -C "$T/mk" CFLAGS="-O2 -Wall -Wextra -Werror $FLAGS" LDFLAGS="$FLAGS" \
	> "$T/make.log" 2>&1 || { cat "$T/make.log"; fail "make (pkg-config)"; }

step "CMake: find_package(Postbox ${VERSION%.*})"
"$CMAKE" -S "$SRC/examples/outside" -B "$T/cm" -DCMAKE_PREFIX_PATH="$P" \
	-DPOSTBOX_MIN_VERSION="${VERSION%.*}" -DCMAKE_C_COMPILER="$CC" \
	-DCMAKE_C_FLAGS="-Wall -Wextra -Werror $FLAGS" \
	-DCMAKE_EXE_LINKER_FLAGS="$FLAGS" > "$T/cmake.log" 2>&1 &&
	"$CMAKE" --build "$T/cm" >> "$T/cmake.log" 2>&1 ||
	{ cat "$T/cmake.log"; fail "CMake build of examples/outside"; }
grep -q "Found Postbox $VERSION in $P/" "$T/cmake.log" ||
	fail "CMake did not find Postbox $VERSION in $P"

step "run under the installed pbrun -n 2 --nodes 2"
for prog in "$T/mk/hello" "$T/cm/hello" "$T/cm/hello_static"; do
	[ -x "$prog" ] || continue
	case $prog in
	*_static) ! ldd "$prog" | grep -q libpostbox ||
			fail "$prog links libpostbox dynamically" ;;
	*) ldd "$prog" | grep -q "libpostbox.so.$MAJOR => $P/" ||
		fail "$prog does not use $P's libpostbox: $(ldd "$prog" | grep libpostbox)" ;;
	esac
	out=$(env -u LD_LIBRARY_PATH "$P/$BINDIR/pbrun" -n 2 --nodes 2 \
		--timeout 60 "$prog" 2>&1) || fail "pbrun $prog: $out"
	echo "$out" | sed 's/^/    /'
	echo "$out" | grep -q "rank 1 on node 1" &&
		echo "$out" | grep -q "2 ranks on 2 nodes, libpostbox $VERSION, compiled with postbox.h $VERSION" ||
		fail "unexpected output from $prog"
done

if [ $bad = 0 ]; then
	echo "ok: installed into a fresh prefix; an outside project built with" \
		"pkg-config and with CMake and ran under the installed pbrun"
fi
exit $bad
