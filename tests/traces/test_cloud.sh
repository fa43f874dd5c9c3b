#!/usr/bin/env bash
# The cloud readers on a few-thousand-line excerpt in each real format
# (scripts/gen-cloud-trace.sh): detected from the first line, every line
# converted, one device selected, and a whole run on it.
set -euo pipefail
bin="${CSUMSIM_BIN:?CSUMSIM_BIN: the build directory}"
src="${CSUMSIM_SRC:?CSUMSIM_SRC: the source directory}"
csumsim="$bin/cli/csumsim"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

for fmt in alibaba tencent; do
	"$src/scripts/gen-cloud-trace.sh" $fmt 3000 7 > "$work/$fmt.csv"
	"$csumsim" convert "$work/$fmt.csv" -o "$work/$fmt.native" > "$work/convert.log" ||
		fail "convert $fmt: $(cat "$work/convert.log")"
	n=$(grep -vc '^#' "$work/$fmt.native")
	[ "$n" -eq 3000 ] || fail "$fmt: $n records converted, want 3000"
	dev=$([ $fmt = alibaba ] && echo 1 || echo 1001)
	want=$(awk -F, -v f=$fmt -v d=$dev 'f == "alibaba" && $1 == d {n++} f == "tencent" && $5 == d {n++} END {print n}' "$work/$fmt.csv")
	cat > "$work/$fmt.yaml" <<EOS
name: cloud-$fmt
variant: fixed
device: {sectors: 2097152}
trace: {file: $fmt.csv, device: "$dev"}
host: {mode: closed, queue_depth: 8}
crash: {mode: none}
output: {plots: false, baseline: false, capacity: false, progress: false}
expect: ["requests == $want", "hung == 0", silent == 0]
EOS
	"$csumsim" check "$work/$fmt.yaml" > "$work/check.log" 2>&1 ||
		fail "$fmt device $dev: $(cat "$work/check.log")"
	grep -q "requests == $want (measured $want)" "$work/check.log" ||
		fail "$fmt: $(cat "$work/check.log")"
done
echo "cloud readers: ok"
