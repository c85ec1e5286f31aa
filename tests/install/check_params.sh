#!/bin/sh
# check_params.sh SRCDIR - the PB_* parameters and their defaults are the
# same in docs/parameters.md (the reference, kept with the code), in
# postbox(7) and in the README's table.
set -eu
S=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# "| `PB_X` | default | ..." -> "PB_X default"
table() {
	sed -n 's/^| `\(PB_[A-Z_]*\)` | `\{0,1\}\([^ |`]*\)`\{0,1\} |.*/\1 \2/p' "$1" | sort
}
table "$S/docs/parameters.md" > "$T/doc"
sed -n 's/^\*\(PB_[A-Z_]*\)\* (default \([^)]*\))$/\1 \2/p' \
	"$S/man/postbox.7.scd" | sort > "$T/man"
table "$S/README.md" > "$T/readme"
[ -s "$T/doc" ] || { echo "FAIL: no parameter table in docs/parameters.md"; exit 1; }
bad=0
if ! cmp -s "$T/doc" "$T/man"; then
	echo "FAIL: docs/parameters.md (<) and man/postbox.7.scd (>) differ:"
	diff "$T/doc" "$T/man" || true
	bad=1
fi
# the README shows a selection: each of its rows must agree
if [ -n "$(comm -13 "$T/doc" "$T/readme")" ]; then
	echo "FAIL: README.md's parameter table disagrees with docs/parameters.md:"
	comm -13 "$T/doc" "$T/readme"
	bad=1
fi
[ $bad = 0 ] && echo "ok: $(wc -l < "$T/doc") parameters with the same" \
	"defaults in docs/parameters.md, postbox(7) and README.md"
exit $bad
