# deps.sh - sourced by bench/compare: install what the comparison needs
# (Debian package names) and build the contenders.

# ensure_deps INSTALL: INSTALL=1 installs missing packages with apt-get.
ensure_deps() {
	local need="" sudo=""
	command -v cc >/dev/null || need="$need gcc libc6-dev"
	command -v cmake >/dev/null || need="$need cmake"
	command -v make >/dev/null || need="$need make"
	command -v gnuplot >/dev/null || need="$need gnuplot-nox"
	# Debian installs each MPI under its own names: use them explicitly,
	# never whatever 'mpicc' the alternatives system points at.
	{ command -v mpicc.openmpi && command -v mpirun.openmpi; } >/dev/null ||
		need="$need openmpi-bin libopenmpi-dev"
	{ command -v mpicc.mpich && command -v mpiexec.mpich; } >/dev/null ||
		need="$need mpich libmpich-dev"
	[ -z "$need" ] && return 0
	if [ "$1" != 1 ]; then
		echo "compare: missing packages:$need (and --no-install)" >&2
		exit 1
	fi
	[ "$(id -u)" = 0 ] || sudo=sudo
	echo "compare: installing:$need"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $need \
		>> "$out/log.txt"
}

# build_all ROOT BUILD BIN: pbrun and pbbench, optimised as a user would
# build a release; the MPI programs with each implementation's wrapper.
build_all() {
	local root=$1 build=$2 bin=$3 impl p
	echo "compare: building Postbox in $build"
	cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
		-DBUILD_TESTING=OFF >> "$out/log.txt"
	cmake --build "$build" -j2 --target pbrun pbbench >> "$out/log.txt"
	PBRUN=$build/tools/pbrun/pbrun
	PBBENCH=$build/tools/pbbench/pbbench
	for impl in openmpi mpich; do
		for p in latency bw rate; do
			mpicc.$impl -O2 -Wall -Wextra -o "$bin/$impl-$p" \
				"$here/mpi/$p.c" "$here/mpi/common.c"
		done
	done
	OMPI_VERSION=$(mpirun.openmpi --version 2>/dev/null |
		sed -n 's/^[^(]*([^)]*) \([0-9][0-9.]*\).*/\1/p' | head -1)
	MPICH_VERSION=$(mpichversion 2>/dev/null |
		sed -n 's/^MPICH Version:[[:space:]]*//p')
	MPICH_DEVICE=$(mpichversion 2>/dev/null |
		sed -n 's/^MPICH Device:[[:space:]]*//p')
	export OMPI_VERSION MPICH_VERSION MPICH_DEVICE
}
