#!/bin/sh
# Crash exploration, before and after, side by side (issue 11): the demo end
# to end, and crash states per second on the demo and on
# scenarios/findings/crash-explore-gen.yaml. Builds the old commit in a
# folder of its own and alternates old and new runs. Prints a table; asserts
# nothing.
#
#   bench/crash-bench.sh OLD_COMMIT [RUNS]      (RUNS: 3)
#
# Times are wall seconds and CPU seconds (user + system, children included:
# gnuplot, and the crash points of libfiu scenarios, run in child processes).
# BENCH_DIR (default /tmp/csumsim-crash-bench) holds the builds: give each
# session running at once its own. States/s = crash states of the run
# / (CPU of the run - CPU of the same run with --no-crashes).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
old=$1
runs=${2:-3}
work=${BENCH_DIR:-/tmp/csumsim-crash-bench}
mkdir -p "$work"
if [ ! -x "$work/old/build/cli/csumsim" ]; then
	rm -rf "$work/old"
	mkdir -p "$work/old"
	git -C "$here" archive "$old" | tar -x -C "$work/old"
	cmake -S "$work/old" -B "$work/old/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
	nice cmake --build "$work/old/build" -j2 --target csumsim >/dev/null
fi
cmake -S "$here" -B "$work/new" -DCMAKE_BUILD_TYPE=Release >/dev/null
nice cmake --build "$work/new" -j2 --target csumsim >/dev/null
old_bin=$work/old/build/cli/csumsim
new_bin=$work/new/cli/csumsim

# one run: prints "wall cpu states"
one() {
	rm -rf "$work/out"
	/usr/bin/time -f "%e %U %S" -o "$work/time" "$@" -o "$work/out" --quiet >/dev/null 2>&1
	states=$(grep -m1 '^        "states": ' "$work/out/report.json" | tr -dc 0-9)
	[ -n "$states" ] || states=0
	awk -v s="$states" '{ printf "%s %.3f %s\n", $1, $2 + $3, s }' "$work/time"
}

# min and median of a column of numbers
stats() {
	sort -g | awk '{ v[NR] = $1 } END { printf "%.3f %.3f", v[1], v[int((NR + 1) / 2)] }'
}

row() { # name scenario
	name=$1
	sc=$2
	: >"$work/o.txt"
	: >"$work/n.txt"
	for i in $(seq "$runs"); do
		one "$old_bin" run "$sc" >>"$work/o.txt"
		one "$new_bin" run "$sc" >>"$work/n.txt"
		one "$old_bin" run "$sc" --no-crashes >>"$work/o0.txt"
		one "$new_bin" run "$sc" --no-crashes >>"$work/n0.txt"
	done
	ow=$(cut -d' ' -f1 "$work/o.txt" | stats)
	nw=$(cut -d' ' -f1 "$work/n.txt" | stats)
	oc=$(cut -d' ' -f2 "$work/o.txt" | stats)
	nc=$(cut -d' ' -f2 "$work/n.txt" | stats)
	o0=$(cut -d' ' -f2 "$work/o0.txt" | stats | cut -d' ' -f2)
	n0=$(cut -d' ' -f2 "$work/n0.txt" | stats | cut -d' ' -f2)
	st=$(head -1 "$work/n.txt" | cut -d' ' -f3)
	echo "$name $st $ow $nw $oc $nc $o0 $n0" | awk '{
		printf "| %s | %d | %.2f / %.2f | %.2f / %.2f | %.1fx | %.2f / %.2f | %.2f / %.2f | %.1fx | %.0f | %.0f |\n",
			$1, $2, $3, $4, $5, $6, $4 / $6, $7, $8, $9, $10, $8 / $10,
			$2 / ($8 - $11 > 0.001 ? $8 - $11 : 0.001),
			$2 / ($10 - $12 > 0.001 ? $10 - $12 : 0.001) }'
	rm -f "$work/o0.txt" "$work/n0.txt"
}

echo "# crash exploration, $(git -C "$here" rev-parse --short "$old") (before) vs" \
     "$(git -C "$here" rev-parse --short HEAD) (after), $runs runs each, $(nproc) cores," \
     "load $(cut -d' ' -f1 /proc/loadavg) at start"
echo
echo "| scenario | crash states | wall s before, min / median | after | wall ratio (median) | CPU s before, min / median | after | CPU ratio (median) | states/s before (CPU) | after |"
echo "|---|---|---|---|---|---|---|---|---|---|"
row demo "$here/scenarios/demo.yaml"
row crash-explore-gen "$here/scenarios/findings/crash-explore-gen.yaml"
