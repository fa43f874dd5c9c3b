#!/usr/bin/env bash
# csumsim trace info: the summary of known traces, each warning on a trace
# made to deserve it (and no warning on a clean one), --json, bad options.
. "$(dirname "$0")/../shell_lib.sh"

"$csumsim" trace info "$src/traces/data/ext4-sqlite.blkparse.txt.xz" > "$work/sqlite.txt"
has "$work/sqlite.txt" "blkparse trace, 7344 requests"
has "$work/sqlite.txt" "write          6669 requests"
has "$work/sqlite.txt" "617 empty flushes, 1212 PREFLUSH, 604 FUA"
has "$work/sqlite.txt" "no warnings"

"$csumsim" trace info "$src/tests/traces/fixtures/small.tencent.csv" --sectors 4096 > "$work/tc.txt"
has "$work/tc.txt" "tencent trace, 6 requests"
has "$work/tc.txt" "1 records go back in time"
has "$work/tc.txt" "no FLUSH or FUA"
has "$work/tc.txt" "1 requests end past the device's 4096 sectors"

# 2000 requests within 2 us: a time unit off; all at one time: no timing
{ echo "# csumsim-trace v1"; for i in $(seq 0 1999); do echo "$i w $((i * 8)) 8 F"; done; } > "$work/ns.native"
"$csumsim" trace info "$work/ns.native" > "$work/ns.txt"
has "$work/ns.txt" "2000 requests in 2e-06 s: a time unit off by 1000 or more?"
{ echo "# csumsim-trace v1"; for i in 1 2 3; do echo "0 w $((i * 8)) 8 F"; done; } > "$work/flat.native"
"$csumsim" trace info "$work/flat.native" > "$work/flat.txt"
has "$work/flat.txt" "every record has the same time"
{ echo "# csumsim-trace v1"; echo "0 w 0 8 F"; echo "40000000000000000 w 8 8 F"; } > "$work/long.native"
"$csumsim" trace info "$work/long.native" > "$work/long.txt"
has "$work/long.txt" "the trace lasts 463 days"

"$csumsim" trace info "$src/tests/traces/fixtures/small.alibaba.csv" --device 7 --json > "$work/a.json"
if command -v jq >/dev/null 2>&1; then
	[ "$(jq .requests "$work/a.json")" = 2 ] || fail "--device 7 --json: $(cat "$work/a.json")"
	[ "$(jq -r .format "$work/a.json")" = alibaba ] || fail "format: $(cat "$work/a.json")"
	[ "$(jq '.warnings | length' "$work/a.json")" = 1 ] || fail "warnings: $(cat "$work/a.json")"
else
	has "$work/a.json" '"requests": 2,'
fi

set +e
"$csumsim" trace info "$work/nosuch" > "$work/e1.txt" 2>&1; rc1=$?
"$csumsim" trace info x --frob > "$work/e2.txt" 2>&1; rc2=$?
"$csumsim" trace stats x > "$work/e3.txt" 2>&1; rc3=$?
set -e
[ $rc1 -eq 2 ] && [ $rc2 -eq 2 ] && [ $rc3 -eq 2 ] || fail "bad input exits $rc1 $rc2 $rc3, want 2"
has "$work/e1.txt" "nosuch"
has "$work/e2.txt" "--frob"
echo "trace info: ok"
