#!/bin/sh
# csumsim and the dm-log-writes host-side replay (bench/dm-log-writes), side by
# side on the same trace and the same crash points: csumsim's demo
# (scenarios/demo.yaml: ext4-sqlite, rfc, 100 points evenly over the flushes),
# and dmlw_replay checking the log captured in the guest at the very positions
# of the trace where csumsim crashed (the state before the same trace
# record). Prints a table (min and median of RUNS runs); asserts nothing; not
# in ctest.
#
#   bench/side-by-side.sh DMLW_DIR [RUNS]     (RUNS: 5)
#
# DMLW_DIR: what bench/dm-log-writes/run.sh wrote for the ext4-sqlite trace
# (log.img, data.img, trace.cstrace), e.g. /tmp/dmlw/ext4-sqlite.
# States/s = states / (CPU of the run - CPU of the same run without crash
# points), CPU = user + system (csumsim's forked children included): for
# csumsim the run with --no-crashes, for dmlw_replay a run with no entry to
# check (it still replays the whole log). dmlw_replay's own figure (points /
# its replay + check wall time) is given too.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
dmlw=$1
runs=${2:-5}
work=${BENCH_DIR:-/tmp/csumsim-side-by-side}
mkdir -p "$work"
for f in log.img data.img trace.cstrace; do
	[ -f "$dmlw/$f" ] || { echo "side-by-side.sh: $dmlw/$f missing (run bench/dm-log-writes/run.sh)" >&2; exit 2; }
done
cmake -S "$here" -B "$work/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
nice cmake --build "$work/build" -j2 --target csumsim >/dev/null
bin=$work/build/cli/csumsim
cc -O2 -Wall -Wextra -o "$work/dmlw_replay" "$here/bench/dm-log-writes/dmlw_replay.c"
demo="$here/scenarios/demo.yaml"
args="--no-baseline --set output.plots=false --set output.capacity=false"

# the points: csumsim's, as trace records, then as log entries
rm -rf "$work/out"
# shellcheck disable=SC2086
"$bin" run "$demo" -o "$work/out" --quiet $args >/dev/null
awk -v dev=/dev/trace -v idx="$work/entries-before.txt" \
	-f "$here/bench/dm-log-writes/cstrace-to-iolog.awk" "$dmlw/trace.cstrace" >/dev/null 2>&1
# requests_before R -> the state after the log's entry (line R+1 of the index;
# the log's entry 0 is the mark "start")
awk -F, 'NR > 1 { print $4 }' "$work/out/crashes.csv" |
	awk -v f="$work/entries-before.txt" 'BEGIN { while ((getline l < f) > 0) e[n++] = l }
		{ print ($1 < n ? e[$1] : e[n - 1] + 1) }' >"$work/at-entries.txt"
points=$(wc -l <"$work/at-entries.txt")
sectors=$(($(stat -c %s "$dmlw/data.img") / 512))

stats() { # min and median of a column of numbers
	sort -g | awk '{ v[NR] = $1 } END { printf "%s %s", v[1], v[int((NR + 1) / 2)] }'
}
cpu() { # CPU seconds (user + system, children included) of a csumsim run
	rm -rf "$work/o"
	# shellcheck disable=SC2086
	/usr/bin/time -f "%U %S" -o "$work/time" "$bin" run "$demo" -o "$work/o" --quiet $args "$@" \
		>/dev/null 2>&1 || true
	awk '{ printf "%.3f\n", $1 + $2 }' "$work/time"
}

dmlw() { # CPU seconds of a dmlw_replay run checking the entries listed in $1
	/usr/bin/time -f "%U %S" -o "$work/time" "$work/dmlw_replay" --log "$dmlw/log.img" \
		--replay "$work/replay.img" --sectors "$sectors" --at-entries "$1" >"$work/dmlw.out"
	awk '{ printf "%.3f\n", $1 + $2 }' "$work/time"
}

# the log replayed through every entry is the guest's final disk
"$work/dmlw_replay" --log "$dmlw/log.img" --replay "$work/replay.img" --sectors "$sectors" \
	--at-entries "$work/at-entries.txt" --verify "$dmlw/data.img" >"$work/dmlw.out"
grep -q '^verify=identical' "$work/dmlw.out" ||
	{ echo "side-by-side.sh: the replayed log differs from the guest's disk" >&2; exit 1; }
checked=$(sed -n 's/^sectors_checked=//p' "$work/dmlw.out")
: >"$work/inc.txt"; : >"$work/full.txt"; : >"$work/base.txt"
: >"$work/dmlw.txt"; : >"$work/dmlw0.txt"; : >"$work/dmlw-wall.txt"
for i in $(seq "$runs"); do
	cpu >>"$work/inc.txt"
	cpu --set crash.verify=full >>"$work/full.txt"
	cpu --no-crashes >>"$work/base.txt"
	dmlw "$work/at-entries.txt" >>"$work/dmlw.txt"
	sed -n 's/^total_s=//p' "$work/dmlw.out" >>"$work/dmlw-wall.txt"
	dmlw /dev/null >>"$work/dmlw0.txt"
done
rm -f "$work/replay.img"
base=$(stats <"$work/base.txt" | cut -d' ' -f2)
base_dmlw=$(stats <"$work/dmlw0.txt" | cut -d' ' -f2)
cs_checked=$(awk -F, 'NR > 1 { s += $8 } END { print s }' "$work/out/crashes.csv")

echo "# side by side: ext4-sqlite, $points crash points (the demo's), $runs runs each," \
     "$(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg) at the end"
echo
echo "| tool | check per state | runs | states | seconds for the states, min / median | states/s, median (best) | sectors checked |"
echo "|---|---|---:|---:|---|---|---:|"
row() { # NAME WHAT FILE SUBTRACT SECTORS
	set -- "$1" "$2" "$(stats <"$3")" "$4" "$5"
	echo "$1|$2|$3|$4|$5" | awk -F'|' -v r="$runs" -v p="$points" '{
		split($3, m, " "); a = m[1] - $4; b = m[2] - $4
		if (a < 0.001) a = 0.001
		if (b < 0.001) b = 0.001
		printf "| %s | %s | %d | %d | %.3f / %.3f | %.0f (%.0f) | %s |\n", $1, $2, r, p, a, b, p / b, p / a, $5 }'
}
row "csumsim, crash.verify incremental" "rfc recovery + oracle, verdicts carried between points" \
	"$work/inc.txt" "$base" "$cs_checked"
row "csumsim, crash.verify full" "rfc recovery + oracle, every written sector read back" \
	"$work/full.txt" "$base" "$cs_checked"
row "dmlw_replay (dm-log-writes log)" "replay to the point + read back every written sector" \
	"$work/dmlw.txt" "$base_dmlw" "$checked"
echo
echo "CPU without crash points (subtracted), median: csumsim $base s, dmlw_replay $base_dmlw s." \
     "dmlw_replay's own replay + check wall time, min / median: $(stats <"$work/dmlw-wall.txt")" \
     "s ($points points)."
