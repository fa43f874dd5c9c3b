#!/usr/bin/env bash
# The binary blktrace reader against blkparse: a capture from gen_blktrace
# (this machine's kernel refuses blktrace, so the capture is generated: two
# per-CPU files of version-7 records with notify, remap and message payloads)
# gives the request stream that blkparse's text of the same capture gives
# through the text reader. The text is committed (fixtures/
# gen.blktrace.blkparse.txt.xz, made by blkparse -i gen -D DIR -o FILE) and
# remade here when blkparse is installed. Both byte orders; detection by the
# magic; --actions; bad captures are exit 2 with file:record: field.
. "${CSUMSIM_SRC:?CSUMSIM_SRC: the source directory}/tests/shell_lib.sh"
gen="$bin/tests/traces/gen_blktrace"
fixture="$src/tests/traces/fixtures/gen.blktrace.blkparse.txt.xz"

mkdir "$work/le" "$work/be"
(cd "$work/le" && "$gen" gen.blktrace 600)
(cd "$work/be" && "$gen" gen.blktrace 600 -b)
cmp -s "$work/le/gen.blktrace.0" "$work/be/gen.blktrace.0" && fail "-b wrote the same bytes"

# blkparse itself reads the capture as the committed text says
if command -v blkparse > /dev/null; then
	for o in le be; do
		(cd "$work/$o" && blkparse -i gen -D . -o "$work/$o.txt" > /dev/null 2>&1)
		cmp <(xzcat "$fixture") "$work/$o.txt" || fail "blkparse ($o) differs from the fixture"
	done
fi

"$csumsim" convert "$fixture" -o "$work/text.native" > /dev/null
[ "$(grep -vc '^#' "$work/text.native")" -eq 600 ] || fail "the text gave $(grep -vc '^#' "$work/text.native") requests"
# any per-CPU file, auto-detected by its magic; the stem with -f blktrace
"$csumsim" convert "$work/le/gen.blktrace.1" -o "$work/le.native" > /dev/null
cmp "$work/le.native" "$work/text.native" || fail "binary (little-endian) and blkparse text differ"
"$csumsim" convert "$work/be/gen.blktrace.0" -o "$work/be.native" > /dev/null
cmp "$work/be.native" "$work/text.native" || fail "binary (big-endian) and blkparse text differ"
"$csumsim" convert "$work/le/gen.blktrace" -f blktrace -o "$work/stem.native" > /dev/null
cmp "$work/stem.native" "$work/text.native" || fail "the stem reads differently"
# other actions: issue (D) and completion (C) events
for a in D C QC; do
	"$csumsim" convert "$fixture" --actions "$a" -o "$work/t$a" > /dev/null
	"$csumsim" convert "$work/le/gen.blktrace.0" --actions "$a" -o "$work/b$a" > /dev/null
	cmp "$work/t$a" "$work/b$a" || fail "--actions $a: binary and text differ"
done
"$csumsim" trace info "$work/le/gen.blktrace.0" > "$work/info.txt"
grep -q "blktrace trace, 600 requests" "$work/info.txt" ||
	fail "trace info does not name the format"

# a run from the capture, as from the text
cat > "$work/s.yaml" <<EOS
name: bin
variant: rfc
device: {sectors: 16777216}
trace: {file: "$work/le/gen.blktrace.0"}
crash: {mode: every_flush, max_crashes: 3}
output: {plots: false, baseline: false, capacity: false, progress: false}
EOS
sed "s#$work/le/gen.blktrace.0#$fixture#" "$work/s.yaml" > "$work/t.yaml"
"$csumsim" run "$work/s.yaml" -o "$work/rb" -q > /dev/null
"$csumsim" run "$work/t.yaml" -o "$work/rt" -q > /dev/null
cmp <(jq .run "$work/rb/report.json") <(jq .run "$work/rt/report.json") ||
	fail "a run from the capture and from its text differ"

# bad captures: exit 2, file:record: field, nothing written
bad() { # NAME EXPECTED-MESSAGE
	set +e
	"$csumsim" convert "$work/$1/gen.blktrace.0" -f blktrace -o "$work/$1.out" 2> "$work/$1.err" > /dev/null
	rc=$?
	set -e
	[ "$rc" -eq 2 ] || fail "$1: exit $rc, not 2"
	grep -qF "$2" "$work/$1.err" || fail "$1: message '$(cat "$work/$1.err")' lacks '$2'"
	[ ! -e "$work/$1.out" ] || fail "$1: an output was left"
}
mkdir "$work/cut" "$work/ver" "$work/junk"
head -c 1000 "$work/le/gen.blktrace.0" > "$work/cut/gen.blktrace.0"
bad cut "gen.blktrace.0:21: the file ends inside a record (24 of 48 bytes)"
cp "$work/le/gen.blktrace.0" "$work/ver/gen.blktrace.0"
printf '\006' | dd of="$work/ver/gen.blktrace.0" bs=1 seek=0 conv=notrunc status=none
bad ver "gen.blktrace.0:1: field 'magic': version 6"
head -c 96 /dev/zero > "$work/junk/gen.blktrace.0"
bad junk "gen.blktrace.0:1: field 'magic': 0x00000000 is not a blktrace record's"
set +e
"$csumsim" convert - -f blktrace -o "$work/stdin.out" < "$work/le/gen.blktrace.0" 2> "$work/stdin.err"
rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "cannot come from standard input" "$work/stdin.err" ||
	fail "standard input: exit $rc, $(cat "$work/stdin.err")"
echo "blktrace binary: ok"
