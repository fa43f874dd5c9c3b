#!/bin/sh
# Runs every bundled scenario (scenarios/*.yaml, scenarios/ci/*.yaml,
# scenarios/findings/*.yaml) with one csumsim binary into OUT/<dir>-<name>/,
# so that two binaries' outputs can be compared byte for byte:
#
#   bench/identical.sh OLD_BIN /tmp/ref
#   bench/identical.sh NEW_BIN /tmp/new
#   diff -r /tmp/ref /tmp/new && echo identical
#
# A scenario with a `quick: {k: v, ...}` line runs with those overrides
# (--set k=v), so the whole set takes a few minutes. A sweep runs the points
# in SWEEP_POINTS (default: every variant at the highest rot rate, where the
# random rot picks matter most). Exit status and output of each run are kept
# in OUT/<dir>-<name>/exit and log (a failing check is an output too); runs
# use relative paths so the logs do not name OUT.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
mkdir -p "$2"
out=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
points=${SWEEP_POINTS:-9 21 33 45 57 39 44}
cd "$out" || exit 3
run() { # NAME FILE ARGS...
    dir=$1; f=$2; shift 2
    rm -rf "$dir"
    "$bin" run "$f" -o "$dir/run" --quiet "$@" >"$dir.log" 2>&1
    rc=$?
    mkdir -p "$dir"
    echo "$rc" >"$dir/exit"
    mv "$dir.log" "$dir/log"
}
for f in "$here"/scenarios/*.yaml "$here"/scenarios/ci/*.yaml \
         "$here"/scenarios/findings/*.yaml; do
    name=$(basename "$(dirname "$f")")-$(basename "$f" .yaml)
    sets=""
    q=$(sed -n 's/^quick: *{\(.*\)} *$/\1/p' "$f")
    if [ -n "$q" ]; then
        sets=$(printf '%s\n' "$q" | tr ',' '\n' |
               sed 's/^ *//; s/: */=/; s/^/--set /' | tr '\n' ' ')
    fi
    if grep -q '^sweep:' "$f"; then
        for k in $points; do run "$name-point$k" "$f" --point "$k"; done
        continue
    fi
    # shellcheck disable=SC2086
    run "$name" "$f" $sets
done
