#!/bin/sh
# Install what the reliability passes of scripts/test.sh need, when it is
# missing: spin (the protocol model), clang with its runtimes (libFuzzer and
# the sanitizers for the fuzz target). gcc's own sanitizer runtimes come
# with gcc. Debian/Ubuntu. Without root (or sudo) and with something
# missing, it says what and returns 1: test.sh then skips what needs it.
need=""
command -v spin >/dev/null 2>&1 || need="$need spin"
command -v clang >/dev/null 2>&1 || need="$need clang"
if command -v dpkg-query >/dev/null 2>&1; then
	# libFuzzer and clang's sanitizer runtimes
	v=$(clang --version 2>/dev/null | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -1)
	[ -n "$v" ] || v=14
	dpkg-query -W -f='${Status}\n' "libclang-rt-$v-dev" 2>/dev/null |
		grep -q ' installed$' || need="$need libclang-rt-$v-dev"
fi
[ -z "$need" ] && exit 0
SUDO=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		SUDO=sudo
	else
		echo "postbox: cannot install (not root):$need" >&2
		exit 1
	fi
fi
echo "postbox: installing:$need"
$SUDO apt-get update -qq || exit 1
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need
