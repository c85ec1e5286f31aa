#!/bin/sh
# A build without libfabric (-DPB_WITH_OFI=OFF, as on a machine without
# libfabric-dev) must build, run jobs whose nodes share this host, and
# refuse a job that needs the ofi medium at pb_open with one sentence
# saying why (PB_EBOOT), instead of failing to build or hanging.
# scripts/test.sh runs it after the normal build.
set -e
cd "$(dirname "$0")/.."
b=build-noofi
mkdir -p $b
cmake -S . -B $b -DPB_WERROR=ON -DPB_WITH_OFI=OFF -DBUILD_TESTING=ON \
    >$b/noofi.log 2>&1 || { cat $b/noofi.log; exit 1; }
grep -q "ofi medium: off" $b/noofi.log || { echo "FAIL: the configure step did not say the medium is off"; exit 1; }
cmake --build $b -j2 --target pbrun int_ring >>$b/noofi.log 2>&1 || { tail -30 $b/noofi.log; exit 1; }
run="$b/tools/pbrun/pbrun -n 2 --nodes 2 --timeout 60 $b/tests/integration/int_ring"
$run 20 0,100,5000 >/dev/null || { echo "FAIL: emulated nodes on one host do not run"; exit 1; }
if out=$(PB_MEDIUM=ofi $run 2 8 2>&1); then
    echo "FAIL: a job that needs ofi ran in a build without it"; exit 1
fi
echo "$out" | grep -q "built without libfabric" ||
    { echo "FAIL: no clear message:"; echo "$out"; exit 1; }
echo "ok: without libfabric the library builds, runs on one host, and says why it cannot go between hosts"
