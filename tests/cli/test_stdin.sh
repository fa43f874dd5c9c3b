#!/usr/bin/env bash
# Standard input: a trace piped in (trace.file: "-", as blkparse -o - | csumsim
# run does) gives the run the file gives; a scenario piped in (csumsim run -);
# convert - and trace info -; and the refusals where "-" cannot work.
. "$(dirname "$0")/../shell_lib.sh"
trace="$src/traces/data/ext4-sqlite.blkparse.txt.xz"

cat > "$work/pipe.yaml" <<EOS
name: stdin
variant: fixed
device: {sectors: 1048576}
trace: {file: "-", format: blkparse, limit: 800}
crash: {mode: every_flush, max_crashes: 4}
output: {plots: false, baseline: false, capacity: false, progress: false}
EOS
sed "s#\"-\"#$trace#" "$work/pipe.yaml" > "$work/file.yaml"

(xzcat "$trace" || true) | "$csumsim" run "$work/pipe.yaml" -o "$work/piped" --quiet > /dev/null
"$csumsim" run "$work/file.yaml" -o "$work/filed" --quiet > /dev/null
# the same run: every section but the scenario text (its trace.file differs)
for k in run violations verdict; do
	cmp <(jq ".$k" "$work/piped/report.json") <(jq ".$k" "$work/filed/report.json") ||
		fail "a piped trace and the file differ in .$k"
done
"$csumsim" run - -o "$work/scn" --quiet < "$work/file.yaml" > /dev/null
cmp <(jq .run "$work/scn/report.json") <(jq .run "$work/filed/report.json") ||
	fail "a piped scenario and the file differ"

xzcat "$trace" | "$csumsim" convert - -o "$work/t.native" > /dev/null
[ "$(grep -vc '^#' "$work/t.native")" -eq 7344 ] || fail "convert - wrote $(wc -l < "$work/t.native") lines"
xzcat "$trace" | "$csumsim" trace info - > "$work/info.txt"
has "$work/info.txt" "blkparse trace, 7344 requests"

set +e
"$csumsim" run - -o "$work/x" < "$work/pipe.yaml" > "$work/both.log" 2>&1; rc1=$?
cp "$work/pipe.yaml" "$work/sweep.yaml"; printf 'sweep: {replicas: 2}\n' >> "$work/sweep.yaml"
"$csumsim" sweep "$work/sweep.yaml" -o "$work/y" < /dev/null > "$work/sweep.log" 2>&1; rc2=$?
set -e
[ $rc1 -eq 2 ] || fail "scenario and trace both from stdin: exit $rc1"
grep -q "cannot both come from standard input" "$work/both.log" || fail "$(cat "$work/both.log")"
[ $rc2 -eq 2 ] || fail "a sweep of a piped trace: exit $rc2"
grep -q "is read once" "$work/sweep.log" || fail "$(cat "$work/sweep.log")"
echo "standard input: ok"
