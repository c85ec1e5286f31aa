#!/bin/sh
# replay.sh GEN REPLAY CORPUS FRESH: make fresh seeds with GEN into FRESH;
# each must complete a receive; then replay the committed CORPUS.
set -e
gen=$1 replay=$2 corpus=$3 fresh=$4
rm -rf "$fresh"
mkdir -p "$fresh"
"$gen" "$fresh"
"$replay" --expect-delivery "$fresh"
"$replay" "$corpus"
# a layout change makes the committed seeds stale (still run, less useful)
for f in "$fresh"/*; do
    cmp -s "$f" "$corpus/$(basename "$f")" ||
        echo "note: $corpus/$(basename "$f") differs from a fresh seed;" \
             "regenerate with: gen_corpus $corpus"
done
