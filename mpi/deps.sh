#!/bin/sh
# Install Open MPI (Debian/Ubuntu) when it is missing, so that the MPI
# tests (tests/mpi) also build every program with Open MPI's mpicc and
# hold its output to the same expected files as libpbmpi's. Without it
# those tests register only the pbmpi half. Needs root (or sudo) only when
# something is missing. Meant to be called from scripts/test.sh.
set -e
command -v mpicc.openmpi >/dev/null 2>&1 &&
	command -v mpirun.openmpi >/dev/null 2>&1 && exit 0
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
echo "postbox: installing Open MPI for the MPI comparison tests"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
	openmpi-bin libopenmpi-dev
