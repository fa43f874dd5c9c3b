#!/bin/sh
# Can the host stop zeroing every read buffer (sim/host.c user_get)? Only
# if no read path judges bytes the disk did not fill. Builds csumsim Release
# with -DCSUM_POISON_READS (the buffer filled with 0xa5 instead of zeros)
# and runs every bundled scenario with it (bench/identical.sh); exit 0 when
# its outputs equal REF's (the same scenarios run by a zeroing build) byte
# for byte. They do not: 24 of 90 runs change rfc's protocol.verdicts, all
# from reads past the device's end (D6) that rfc judges on the pages the
# failed read left, as the RFC's read_complete does (docs/PROTOCOL.md, D6),
# so the zeroing stays.
#
#   bench/identical.sh OLD/cli/csumsim /tmp/ref
#   bench/poison.sh /tmp/ref [BUILD_DIR] [OUT_DIR]
set -eu
ref=$1
build=${2:-/tmp/csumsim-poison-build}
out=${3:-/tmp/csumsim-poison-out}
here=$(cd "$(dirname "$0")/.." && pwd)
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS=-DCSUM_POISON_READS >/dev/null
cmake --build "$build" -j2 --target csumsim >/dev/null
rm -rf "$out"
"$here/bench/identical.sh" "$build/cli/csumsim" "$out"
diff -r "$ref" "$out" && echo "poisoned read buffers: outputs identical to $ref"
