#!/bin/sh
# Builds csumsim in Release under a build folder of its own and runs every
# benchmark (issue 6), printing the tables of docs/BENCH.md. Asserts nothing.
#
#   bench/run.sh [BUILD_DIR]      (default: /tmp/csumsim-bench-build)
#
# MAX_EXP=6 bench/run.sh skips the 10^7-request rows (they take minutes and
# about 5.3 GiB of memory per process); SAMPLES sets the crash states per crash.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-/tmp/csumsim-bench-build}
max_exp=${MAX_EXP:-7}
samples=${SAMPLES:-8}

cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target csumsim-bench >/dev/null
bin="$build/bench/csumsim-bench"

echo "# csumsim benchmarks ($(date -u +%Y-%m-%d), $(nproc) cores," \
     "$(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'))"
echo
"$bin" replay --max-exp "$max_exp" --cores 2
echo
"$bin" crash --max-exp 6 --samples "$samples"
