#!/bin/sh
# Install what building and testing Postbox needs, when it is missing.
# Debian/Ubuntu; needs root (or sudo) only when something is missing.
set -e
need=""
command -v cc >/dev/null 2>&1 || need="$need gcc libc6-dev"
command -v make >/dev/null 2>&1 || need="$need make"
command -v cmake >/dev/null 2>&1 || need="$need cmake"
command -v ctest >/dev/null 2>&1 || need="$need cmake"
# man pages (scdoc turns man/*.scd into roff) and the install test
# (tests/install: an outside project finds Postbox with pkg-config)
command -v scdoc >/dev/null 2>&1 || need="$need scdoc"
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
# pbrun --netns and its tests (tests/pbrun/netns_*) drive ip(8); it lives
# in /usr/sbin, which a user's PATH may lack
command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || [ -x /sbin/ip ] ||
	need="$need iproute2"
# the PMIx bootstrap (libpmix-dev) and its tests under Open MPI's mpirun
# (tests/pmix); a package counts as present once dpkg has it installed
if command -v dpkg-query >/dev/null 2>&1; then
	# libfabric-dev: the ofi medium between hosts; libfabric-bin: its
	# fi_pingpong / fi_rma_bw, the raw figures pbbench is compared with
	for p in libpmix-dev openmpi-bin libopenmpi-dev libfabric-dev \
		libfabric-bin; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q ' installed$' || need="$need $p"
	done
fi
[ -z "$need" ] && exit 0
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
echo "postbox: installing:$need"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need
