#!/usr/bin/env bash
# Two dm-csum targets on one lock (docs/PROTOCOL.md, "Two targets on one
# lock"): trace A replayed on the first target, trace B on a second target
# (device.second_target) at once, on one disk, rfc against rfc-group.
#
#   scripts/two-targets.sh [OUT [TRACE_A [TRACE_B]]]
#
# Defaults: out/two-targets, ext4-sqlite and raw-fio (neither reaches D2, so
# no target stalls at a barrier). Writes OUT/two.native (B's sectors, its
# flushes included, moved past A by 1048606 = 16913 groups of 62),
# OUT/two.yaml and OUT/cmp (csumsim compare, profiles ssd, ram, hdd).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
csumsim=${CSUMSIM:-$src/build/release/cli/csumsim}
out=${1:-out/two-targets}
a=${2:-ext4-sqlite}
b=${3:-raw-fio}
second=1048606
mkdir -p "$out"
"$csumsim" convert "$src/traces/data/$a.blkparse.txt.xz" -o "$out/a.native" >/dev/null
"$csumsim" convert "$src/traces/data/$b.blkparse.txt.xz" -o "$out/b.native" >/dev/null
{
  echo "# csumsim-trace v1"
  { grep -v '^#' "$out/a.native"
    grep -v '^#' "$out/b.native" | awk -v s=$second '{ $3 = $3 + s; print }'
  } | sort -s -n -k1,1
} >"$out/two.native"
cat >"$out/two.yaml" <<YAML
name: two-targets
description: $a on target 1 and $b on target 2 at once, one lock, one disk
seed: 1
variant: rfc
device: {sectors: $((2 * second)), placement: same, second_target: $second}
disk:
  profile: ssd
  cache: {enabled: true, sectors: 16384, fua: true}
trace: {file: two.native, format: native}
host: {mode: open}
crash: none
output: {plots: false, baseline: true}
YAML
"$csumsim" compare "$out/two.yaml" --variants rfc,rfc-group,none --profiles ssd,ram,hdd \
  -o "$out/cmp" --quiet
