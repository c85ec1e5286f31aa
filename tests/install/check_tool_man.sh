#!/bin/sh
# check_tool_man.sh TOOL PAGE.scd - every option that `TOOL --help` lists
# appears in the tool's man page, so a new option cannot go undocumented.
set -eu
TOOL=$1 PAGE=$2
help=$("$TOOL" --help)
opts=$(printf '%s\n' "$help" |
	grep -oE '(^|[[:space:],])--?[a-zA-Z][a-zA-Z-]*' |
	sed 's/^[[:space:],]*//' | sort -u)
[ -n "$opts" ] || { echo "FAIL: no option found in $TOOL --help"; exit 1; }
bad=0
for o in $opts; do
	# in scdoc a literal '-' may also be written '\-'
	if ! grep -qF -- "$o" "$PAGE" &&
		! grep -qF -- "$(printf '%s' "$o" | sed 's/-/\\-/g')" "$PAGE"; then
		echo "FAIL: $(basename "$TOOL") --help lists $o; $(basename "$PAGE") does not"
		bad=1
	fi
done
[ $bad = 0 ] && echo "ok: the $(echo "$opts" | wc -l) options of" \
	"$(basename "$TOOL") --help are all in $(basename "$PAGE")"
exit $bad
