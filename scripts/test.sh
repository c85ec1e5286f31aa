#!/bin/sh
# Quick start 2: install what is missing, build with warnings as errors,
# run every test.
set -e
cd "$(dirname "$0")/.."
sh scripts/deps.sh
cmake -S . -B build-test -DPB_WERROR=ON -DBUILD_TESTING=ON
cmake --build build-test -j2
ctest --test-dir build-test --output-on-failure -j2 --timeout 300
