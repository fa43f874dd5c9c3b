#!/usr/bin/env bash
# The cloud and SPC readers on a few-thousand-line excerpt in each real format
# (scripts/gen-cloud-trace.sh): detected from the first line, every line
# converted, one device selected, and a whole run on it.
. "$(dirname "$0")/../shell_lib.sh"

for fmt in alibaba tencent spc; do
	"$src/scripts/gen-cloud-trace.sh" $fmt 3000 7 > "$work/$fmt.csv"
	"$csumsim" convert "$work/$fmt.csv" -o "$work/$fmt.native" > "$work/convert.log" ||
		fail "convert $fmt: $(cat "$work/convert.log")"
	n=$(grep -vc '^#' "$work/$fmt.native")
	[ "$n" -eq 3000 ] || fail "$fmt: $n records converted, want 3000"
	case $fmt in alibaba | spc) dev=1 ;; tencent) dev=1001 ;; esac
	want=$(awk -F, -v f=$fmt -v d=$dev '(f == "alibaba" || f == "spc") && $1 == d {n++}
	       f == "tencent" && $5 == d {n++} END {print n}' "$work/$fmt.csv")
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

# No FLUSH or FUA in a cloud trace: crashing it is refused until
# trace.flush_policy says what to do, before anything runs or is written.
sed -e 's/crash: {mode: none}/crash: {mode: random, count: 2}/' -e '/^expect/d' \
	"$work/tencent.yaml" > "$work/crash.yaml"
set +e
"$csumsim" run "$work/crash.yaml" -o "$work/out-refused" > "$work/refused.log" 2>&1
rc=$?
set -e
[ $rc -eq 2 ] || fail "a flushless crash run: exit $rc, want 2: $(cat "$work/refused.log")"
grep -q "field 'trace.flush_policy'" "$work/refused.log" ||
	fail "the refusal does not name trace.flush_policy: $(cat "$work/refused.log")"
[ ! -e "$work/out-refused" ] || fail "a refused run left an output"
for policy in "none" "every_ms, flush_every: 500" "every_writes, flush_every: 16"; do
	sed "s/trace: {file: tencent.csv, device: \"1001\"}/trace: {file: tencent.csv, device: \"1001\", flush_policy: $policy}/" \
		"$work/crash.yaml" > "$work/policy.yaml"
	"$csumsim" run "$work/policy.yaml" -o "$work/out-policy" > "$work/policy.log" 2>&1 ||
		fail "flush_policy $policy: $(cat "$work/policy.log")"
done
echo "cloud readers: ok"
