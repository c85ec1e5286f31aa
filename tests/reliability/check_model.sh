#!/bin/sh
# check_model.sh PML WORKDIR: verify the protocol model with spin.
#   1. the model as written: exhaustive safety search (assertions: no lost,
#      duplicated or reordered message, no pool block reused before its
#      ack; invalid end states: no deadlock) must report "errors: 0" and a
#      complete search;
#   2. every seeded bug (-DBUG_...) must be caught, or the checks have no
#      teeth.
# Skips (77) only when spin or a C compiler is missing.
pml=$1 work=$2
command -v spin >/dev/null 2>&1 || { echo "spin not installed: skipped"; exit 77; }
cc=${CC:-cc}
command -v "$cc" >/dev/null 2>&1 || { echo "no C compiler: skipped"; exit 77; }
set -e
rm -rf "$work"
mkdir -p "$work"
cp "$pml" "$work/protocol.pml"
cd "$work"

# verify [-DBUG_X]: prints pan's report, leaves it in pan.out
verify() {
    rm -f protocol.pml.trail pan pan.c
    spin "$@" -a protocol.pml >spin.out 2>&1 || { cat spin.out; return 2; }
    # pan.c is generated code: its warnings are not ours
    "$cc" -w -O2 -DSAFETY -DVECTORSZ=2048 -o pan pan.c
    ./pan -m200000 >pan.out 2>&1 || true
}

verify
grep -E 'errors:|states, stored|elapsed' pan.out
if ! grep -q 'errors: 0' pan.out; then
    cat pan.out
    spin -t -p -g -l protocol.pml | tail -60
    echo "FAIL: the protocol model has an error (trail above)"
    exit 1
fi
if grep -qE 'Search not completed|max search depth too small' pan.out; then
    cat pan.out
    echo "FAIL: the search did not cover the whole state space"
    exit 1
fi
echo "ok: model verified"

for bug in BUG_FREE_UNACKED BUG_NO_RING_ROOM BUG_OWN_RING_ONLY \
           BUG_ACK_BEFORE_COPY; do
    verify -D$bug
    if grep -q 'errors: 0' pan.out; then
        cat pan.out
        echo "FAIL: seeded bug $bug was not caught"
        exit 1
    fi
    echo "ok: $bug caught: $(grep -m1 '^pan:1' pan.out)"
done
