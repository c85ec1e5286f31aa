#!/bin/sh
# Quick start 1: build Postbox and run the demo job: 4 ranks on 2 emulated
# nodes, every pair exchanging inline, pool and multi-piece messages.
set -e
cd "$(dirname "$0")/.."
sh scripts/deps.sh
cmake -S . -B build -DBUILD_TESTING=OFF >/dev/null
cmake --build build -j2 >/dev/null
exec build/tools/pbrun/pbrun -n 4 --nodes 2 --tag-output build/examples/demo
