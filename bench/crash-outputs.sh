#!/bin/sh
# Runs every bundled scenario that crash exploration touches (the demo, the
# findings, the CI set) with one csumsim binary, each into OUT/<dir>-<name>,
# and records each exit code in OUT/<dir>-<name>/exit. Compare two binaries
# with `diff -r OUT_A OUT_B`: the outputs must be byte-identical.
#
#   bench/crash-outputs.sh BIN OUT [EXTRA RUN ARGS...]
set -u
bin=$1
out=$2
shift 2
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
for f in "$here"/scenarios/demo.yaml "$here"/scenarios/findings/*.yaml \
	 "$here"/scenarios/ci/*.yaml; do
	d=$(basename "$(dirname "$f")")-$(basename "$f" .yaml)
	rm -rf "${out:?}/$d"
	nice "$bin" run "$f" -o "$out/$d" "$@" >/dev/null 2>"$out/$d.stderr"
	rc=$?
	mkdir -p "$out/$d"
	mv "$out/$d.stderr" "$out/$d/stderr"
	echo "$rc" >"$out/$d/exit"
done
