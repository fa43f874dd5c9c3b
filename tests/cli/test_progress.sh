#!/usr/bin/env bash
# Progress on stderr: in a non-terminal a plain line every interval (made
# short here with CSUMSIM_PROGRESS_MS), none with -q, per-phase lines with -v,
# redrawn and cleared on a terminal; and never a byte of difference in the
# report. For run, compare, sweep and check.
. "${CSUMSIM_SRC:?CSUMSIM_SRC: the source directory}/tests/shell_lib.sh"
trace="$src/traces/data/ext4-sqlite.blkparse.txt.xz"

cat > "$work/s.yaml" <<EOS
name: progress
variant: rfc
device: {sectors: 1048576}
trace: {file: "$trace", format: blkparse, limit: 1500}
crash: {mode: every_flush, max_crashes: 6}
output: {plots: false, baseline: true, capacity: false}
EOS

# a log: plain lines, no carriage return or escape, the final message on stdout
CSUMSIM_PROGRESS_MS=0 "$csumsim" run "$work/s.yaml" -o "$work/a" > "$work/a.out" 2> "$work/a.err"
# the crash points ride on the run's one replay: one phase for both
grep -q '^csumsim run: rfc replay + crashes: 0 of 6 crash points done (request 1 of 1500)$' "$work/a.err" ||
	fail "run: no replay progress line in a log: $(head -3 "$work/a.err")"
grep -Eq '^csumsim run: rfc replay \+ crashes: [0-9]+ of 6 crash points done \(request [0-9]+ of 1500\), [0-9]+% \(ETA [0-9]+s\)$' "$work/a.err" ||
	fail "run: no crash progress line with an ETA: $(head -3 "$work/a.err")"
grep -q '^csumsim run: none replay: request' "$work/a.err" || fail "run: no baseline progress"
if grep -q $'[\r\033]' "$work/a.err"; then fail "run: terminal codes in a log"; fi
grep -q "^csumsim: .*report in $work/a/" "$work/a.out" || fail "run: no final message"
if grep -q 'explored\|done:' "$work/a.err"; then fail "run: per-phase lines without -v"; fi

# -q: nothing on stderr
CSUMSIM_PROGRESS_MS=0 "$csumsim" run "$work/s.yaml" -o "$work/q" -q > /dev/null 2> "$work/q.err"
[ ! -s "$work/q.err" ] || fail "run -q wrote to stderr: $(head -3 "$work/q.err")"
# output.progress: false in the scenario: nothing either
CSUMSIM_PROGRESS_MS=0 "$csumsim" run "$work/s.yaml" -o "$work/n" --set output.progress=false \
	> /dev/null 2> "$work/n.err"
[ ! -s "$work/n.err" ] || fail "output.progress=false wrote progress: $(head -3 "$work/n.err")"
# the default interval (seconds): a run this short prints none
"$csumsim" run "$work/s.yaml" -o "$work/d" > /dev/null 2> "$work/d.err"
[ ! -s "$work/d.err" ] || fail "a short run printed progress at the default interval"

# -v: a line per phase and per crash point
CSUMSIM_PROGRESS_MS=0 "$csumsim" run "$work/s.yaml" -o "$work/v" -v > /dev/null 2> "$work/v.err"
grep -Eq '^csumsim run: rfc replay \+ crashes: crash point 0 explored \(1 of 6\): [0-9]+ states, [0-9]+ violations$' \
	"$work/v.err" || fail "run -v: no crash point line: $(grep explored "$work/v.err" | head -2)"
# a phase under 10 s is timed to 10 ms (it once read "in 0s")
grep -Eq '^csumsim run: rfc replay \+ crashes done: 6 crash points in [0-9]\.[0-9]{2}s$' "$work/v.err" ||
	fail "run -v: no crashes done in N.NNs: $(grep 'done' "$work/v.err")"
CSUMSIM_PROGRESS_MS=0 "$csumsim" run "$work/s.yaml" -o "$work/c" -v --set output.capacity=true \
	> /dev/null 2> "$work/c.err"
grep -q '^csumsim run: rfc capacity done$' "$work/c.err" || fail "run -v: no capacity done"

# states of a crash point, from the process that explores it
CSUMSIM_PROGRESS_MS=0 "$csumsim" run "$work/s.yaml" -o "$work/st" -q \
	--set crash.mode=random --set crash.count=2 --set crash.cache_loss=probability \
	--set crash.samples=3 > /dev/null 2> "$work/stq.err"
[ ! -s "$work/stq.err" ] || fail "run -q wrote to stderr"
CSUMSIM_PROGRESS_MS=0 "$csumsim" run "$work/s.yaml" -o "$work/st" \
	--set crash.mode=random --set crash.count=2 --set crash.cache_loss=probability \
	--set crash.samples=3 > /dev/null 2> "$work/st.err"
for k in 1 2 3; do
	grep -Eq "^csumsim run: rfc replay \\+ crashes: crash point 2 of 2, state $k of 3, [0-9]+% \(ETA [0-9]+s\)$" \
		"$work/st.err" || fail "no line for state $k of 3: $(grep state "$work/st.err" | head -3)"
done

# the reports do not depend on progress
for f in report.json summary.md crashes.csv; do
	cmp "$work/a/$f" "$work/q/$f" || fail "$f differs between a run with progress and -q"
	cmp "$work/v/$f" "$work/q/$f" || fail "$f differs between -v and -q"
done

# a terminal: the line redrawn in place and erased before the final message
if command -v script > /dev/null; then
	CSUMSIM_PROGRESS_MS=0 script -qec "'$csumsim' run '$work/s.yaml' -o '$work/t'" /dev/null \
		> "$work/t.out" < /dev/null
	grep -q $'\r\033\\[Kcsumsim run: rfc replay + crashes: ' "$work/t.out" ||
		fail "terminal: no redrawn line"
	grep -q $'\r\033\\[Kcsumsim: .*report in' "$work/t.out" ||
		fail "terminal: the progress line not cleared before the final message"
	cmp "$work/t/report.json" "$work/q/report.json" || fail "terminal: the report differs"
fi

# compare: which run of how many, then its phases
CSUMSIM_PROGRESS_MS=0 "$csumsim" compare "$work/s.yaml" --variants rfc,none --no-crashes \
	-o "$work/cmp" -v > /dev/null 2> "$work/cmp.err"
grep -q '^csumsim compare: rfc on ssd (1 of 2): rfc replay: request' "$work/cmp.err" ||
	grep -q '^csumsim compare: rfc on [a-z]* (1 of 2): rfc replay done' "$work/cmp.err" ||
	fail "compare: no progress line: $(head -3 "$work/cmp.err")"
grep -q '^csumsim compare: none on [a-z]* (2 of 2): none replay done' "$work/cmp.err" ||
	fail "compare -v: no second run's line"
"$csumsim" compare "$work/s.yaml" --variants rfc,none --no-crashes -o "$work/cmpq" -q \
	> /dev/null 2> "$work/cmpq.err"
[ ! -s "$work/cmpq.err" ] || fail "compare -q wrote to stderr"

# sweep: per run finished
cat "$work/s.yaml" > "$work/sw.yaml"
printf 'sweep: {replicas: 3}\n' >> "$work/sw.yaml"
CSUMSIM_PROGRESS_MS=0 "$csumsim" sweep "$work/sw.yaml" --no-crashes --no-plots -j 1 \
	-o "$work/sw" -v > /dev/null 2> "$work/sw.err"
grep -q '^csumsim sweep: run 1 of 3 done: run 0$' "$work/sw.err" ||
	fail "sweep -v: no line per run: $(head -3 "$work/sw.err")"
grep -Eq '^csumsim sweep: run 2 of 3 done, 67% \(ETA [0-9]+s\)$' "$work/sw.err" ||
	fail "sweep: no count line with an ETA"

# check: per scenario
mkdir "$work/chk"
sed 's/^name: progress/name: one/' "$work/s.yaml" > "$work/chk/one.yaml"
printf 'expect:\n  - {metric: crash_points, op: ">=", value: 1}\n' >> "$work/chk/one.yaml"
cp "$work/chk/one.yaml" "$work/chk/two.yaml"
CSUMSIM_PROGRESS_MS=0 "$csumsim" check "$work/chk" -v > "$work/chk.out" 2> "$work/chk.err" ||
	fail "check failed: $(cat "$work/chk.out" "$work/chk.err" | head -5)"
grep -q "^csumsim check: scenario 1 of 2 done: $work/chk/one.yaml" "$work/chk.err" ||
	fail "check -v: no line per scenario: $(head -3 "$work/chk.err")"
grep -q "^csumsim check: $work/chk/two.yaml: rfc replay" "$work/chk.err" ||
	fail "check: no progress inside a scenario"
CSUMSIM_PROGRESS_MS=0 "$csumsim" check "$work/chk" -q > /dev/null 2> "$work/chkq.err"
[ ! -s "$work/chkq.err" ] || fail "check -q wrote to stderr"
# check runs the capacity replays only when they are read: an expectation
# that names capacity, or -o (the report shows them)
mkdir "$work/cap"
sed 's/capacity: false/capacity: true/' "$work/chk/one.yaml" > "$work/cap/one.yaml"
CSUMSIM_PROGRESS_MS=0 "$csumsim" check "$work/cap/one.yaml" -v > /dev/null 2> "$work/cap0.err" ||
	fail "check (capacity on) failed"
if grep -q 'capacity done' "$work/cap0.err"; then fail "check ran an unread capacity replay"; fi
CSUMSIM_PROGRESS_MS=0 "$csumsim" check "$work/cap/one.yaml" -v -o "$work/cap/o" > /dev/null \
	2> "$work/cap1.err" || fail "check -o failed"
grep -q 'rfc capacity done' "$work/cap1.err" || fail "check -o: no capacity replay for the report"
printf '  - {metric: overhead.capacity, op: "<=", value: 1}\n' >> "$work/cap/one.yaml"
CSUMSIM_PROGRESS_MS=0 "$csumsim" check "$work/cap/one.yaml" -v > "$work/cap2.out" 2> "$work/cap2.err" ||
	fail "check with a capacity expectation failed: $(cat "$work/cap2.out")"
grep -q 'none capacity done' "$work/cap2.err" || fail "check: capacity expectation without its replay"
grep -q '^ok .*overhead.capacity <= 1 (measured ' "$work/cap2.out" ||
	fail "check: capacity expectation not measured: $(cat "$work/cap2.out")"
echo "progress: ok"
