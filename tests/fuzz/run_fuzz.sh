#!/bin/sh
# run_fuzz.sh FUZZER WORKDIR CORPUS SECONDS: fuzz for SECONDS from the
# committed CORPUS; new inputs go to WORKDIR (never into the source tree),
# a crash input to WORKDIR/crash-*. Fails on any crash, leak, sanitizer
# report or timeout of one input.
set -e
fuzzer=$1 work=$2 corpus=$3 secs=$4
mkdir -p "$work"
corpus=$(cd "$corpus" && pwd)
work=$(cd "$work" && pwd)
cd "$work"
# A hostile total makes the receiver ask malloc for its whole size (a known
# gap, tests/fuzz/regress/huge-total, pending): let such a malloc fail
# (the library then sees PB_ENOMEM) instead of stopping the run, so the
# fuzzer goes on looking for other bugs. LeakSanitizer stays on.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}allocator_may_return_null=1
export ASAN_OPTIONS
"$fuzzer" -max_total_time="$secs" -timeout=10 -rss_limit_mb=0 -malloc_limit_mb=0 \
    -max_len=8192 -print_final_stats=1 \
    -artifact_prefix="$work/" "$work" "$corpus"
