#!/bin/sh
# check_exports.sh CC postbox.h postbox.map libpostbox.so MANDIR
#
# The public functions are written down in four places that must agree:
#   postbox.h         the declarations (what the preprocessor sees)
#   postbox.map       the linker version script (what may be exported)
#   libpostbox.so     its dynamic symbol table (what is exported)
#   man/*.3.scd       a page naming each function on its NAME line, with
#                     the header's exact prototype in its SYNOPSIS
# and the error codes of postbox.h must be those pb_strerror(3) lists.
# Every difference is reported; the test fails if there is one.
set -eu
CC=$1 HDR=$2 MAP=$3 LIB=$4 MAN=$5
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
bad=0
fail() { echo "FAIL: $*"; bad=1; }

# "name<TAB>prototype without any whitespace", one per function declared in
# the C text on stdin (comments and preprocessor lines already gone).
protos() {
	tr '\n' ' ' | tr ';' '\n' | grep -v typedef |
		sed -e 's/[[:space:]]//g' -e 's/^[{}]*//' |
		awk 'match($0, /pb_[a-z0-9_]+\(/) {
			print substr($0, RSTART, RLENGTH - 1) "\t" $0 }' |
		sort
}

"$CC" -E -P -x c "$HDR" | protos > "$T/hdr"
cut -f1 "$T/hdr" > "$T/hdr.names"
[ -s "$T/hdr.names" ] || { echo "FAIL: no function found in $HDR"; exit 1; }

# postbox.map: the names of the global: parts
sed -e 's,/\*.*\*/,,' -e '/^[[:space:]]*\*/d' -e '/^[[:space:]]*\/\*/d' "$MAP" |
	awk '/global:/ { g = 1; next } /local:/ { g = 0; next }
	     g && /[a-z_0-9]+;/ { gsub(/[[:space:];]/, ""); print }' |
	sort > "$T/map.names"

# the shared library: defined dynamic symbols, version nodes left out
nm -D --defined-only "$LIB" | awk '{ print $NF }' | sed 's/@.*//' |
	grep -v '^POSTBOX_' | sort -u > "$T/so.names"

compare() { # what-left what-right file-left file-right
	comm -23 "$3" "$4" | while read -r f; do
		echo "FAIL: $f is in $1 but not in $2"
	done
	[ -z "$(comm -23 "$3" "$4")" ]
}
compare postbox.h postbox.map "$T/hdr.names" "$T/map.names" || bad=1
compare postbox.map postbox.h "$T/map.names" "$T/hdr.names" || bad=1
compare postbox.h "the dynamic symbols of $LIB (nm -D)" \
	"$T/hdr.names" "$T/so.names" || bad=1
compare "the dynamic symbols of $LIB" postbox.h \
	"$T/so.names" "$T/hdr.names" || bad=1

# man pages: the names on NAME lines, and the SYNOPSIS prototypes
: > "$T/man"
: > "$T/man.names"
for page in "$MAN"/*.3.scd; do
	awk '/^# NAME/ { n = 1; next }
	     n && / - / { sub(/ - .*/, ""); gsub(/,/, " "); print; exit }' \
		"$page" | tr ' ' '\n' | grep . >> "$T/man.names" || true
	awk '/^# SYNOPSIS/ { s = 1; next } /^# / { s = 0 }
	     s && /^```/ { lit = !lit; next }
	     s && lit' "$page" |
		sed -e 's,/\*.*\*/,,g' -e '/^#/d' | protos >> "$T/man"
done
sort -o "$T/man.names" "$T/man.names"
comm -23 "$T/hdr.names" "$T/man.names" | while read -r f; do
	echo "FAIL: $f has no man page (no NAME line in $MAN/*.3.scd names it)"
done
[ -z "$(comm -23 "$T/hdr.names" "$T/man.names")" ] || bad=1
while IFS='	' read -r name proto; do
	m=$(awk -F'\t' -v n="$name" '$1 == n { print $2 }' "$T/man")
	if [ -z "$m" ]; then
		fail "$name: no prototype in any SYNOPSIS of $MAN"
	elif [ "$m" != "$proto" ]; then
		fail "$name: SYNOPSIS says '$m', postbox.h says '$proto'"
	fi
done < "$T/hdr"
cut -f1 "$T/man" | while read -r f; do
	grep -qx "$f" "$T/hdr.names" ||
		echo "FAIL: a SYNOPSIS declares $f, which postbox.h does not"
done
[ -z "$(cut -f1 "$T/man" | grep -vxF -f "$T/hdr.names")" ] || bad=1

# error codes: "PB_EXXX = -N" in the header, the table of pb_strerror(3)
grep -oE 'PB_E[A-Z]+ = -[0-9]+' "$HDR" | sed 's/ = / /' | sort > "$T/err.hdr"
awk '/^\|  PB_E[A-Z]+/ { name = $2; next }
     name && /^:  -[0-9]+/ { print name, $2; name = "" }' \
	"$MAN/pb_strerror.3.scd" | sort > "$T/err.man"
if ! cmp -s "$T/err.hdr" "$T/err.man"; then
	fail "error codes differ between postbox.h (<) and pb_strerror.3.scd (>):"
	diff "$T/err.hdr" "$T/err.man" || true
fi

# scdoc reads a backslash in a literal block as an escape: a C "\n" there
# must be written "\\n", or the page shows "n"
for page in "$MAN"/*.scd; do
	awk -v f="$(basename "$page")" '/^```/ { lit = !lit; next }
	     lit && /(^|[^\\])\\([^\\]|$)/ {
		print "FAIL: " f ":" NR ": single backslash in a literal block" \
		      " (scdoc eats it; write \\\\): " $0 }' "$page"
done > "$T/bs"
[ -s "$T/bs" ] && { cat "$T/bs"; bad=1; }

n=$(wc -l < "$T/hdr.names")
[ $bad = 0 ] && echo "ok: $n functions agree in postbox.h, postbox.map," \
	"$(basename "$LIB") and the man pages; $(wc -l < "$T/err.hdr") error codes agree"
exit $bad
