#!/usr/bin/env bash
# The figure checker must fail when a figure drifts: a manifest value changed
# alone, a doc changed alone, a bad manifest, a run that cannot finish; and
# --update must bring both back. Works on copies; uses one cheap figure
# (d1-repro-rfc: 4 false-positive sectors, docs/PROTOCOL.md §12.1).
set -uo pipefail
csumsim=${1:?usage: test_drift.sh CSUMSIM}
src=$(cd "$(dirname "$0")/../.." && pwd)
check=$src/scripts/check-figures.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "not ok: $*"; failures=$((failures + 1)); }

# a root with copies of the docs the figure names, and a manifest with only
# that run and figure
mkdir -p "$tmp/root/docs"
cp "$src/docs/PROTOCOL.md" "$tmp/root/docs/"
grep -P '^(#|$|run\td1-repro\t|fig\td1-repro-rfc\t)' "$src/docs/figures.tsv" >"$tmp/m.tsv"
[[ $(grep -c '^fig' "$tmp/m.tsv") == 1 ]] || fail "the manifest lost figure d1-repro-rfc"
grep -qF '`crash-d1-repro.yaml` (4 FP sectors)' "$tmp/root/docs/PROTOCOL.md" ||
  fail "PROTOCOL.md no longer quotes d1-repro-rfc as this test expects"

run() { "$check" --csumsim "$csumsim" --manifest "$tmp/m.tsv" --root "$tmp/root" "$@" >"$tmp/out" 2>&1; }

run; rc=$?
((rc == 0)) || { cat "$tmp/out"; fail "unchanged figure: exit $rc, want 0"; }

# the manifest changed alone: the run disagrees
sed 's/^\(fig\td1-repro-rfc\t[^\t]*\t\)4\t/\15\t/' "$tmp/m.tsv" >"$tmp/m5.tsv"
cp "$tmp/m.tsv" "$tmp/m4.tsv"
cp "$tmp/m5.tsv" "$tmp/m.tsv"
run; rc=$?
((rc == 1)) || fail "manifest 5, run 4: exit $rc, want 1"
grep -q "FAIL d1-repro-rfc.*say '5', the run gives '4'" "$tmp/out" || { cat "$tmp/out"; fail "no FAIL line naming the drifted value"; }
# ... and the doc no longer holds the manifest's text either
grep -q "FAIL d1-repro-rfc: docs/PROTOCOL.md no longer says" "$tmp/out" || fail "the doc check did not see 5 missing"

# the doc changed alone
cp "$tmp/m4.tsv" "$tmp/m.tsv"
sed -i 's/`crash-d1-repro.yaml` (4 FP sectors)/`crash-d1-repro.yaml` (5 FP sectors)/' "$tmp/root/docs/PROTOCOL.md"
run; rc=$?
((rc == 1)) || fail "doc 5, manifest and run 4: exit $rc, want 1"
grep -q "no longer says" "$tmp/out" || fail "no FAIL line for the edited doc"

# manifest and doc both say 5 (the code "changed"): --update puts 4 back in both
cp "$tmp/m5.tsv" "$tmp/m.tsv"
run; rc=$?
((rc == 1)) || fail "manifest and doc 5, run 4: exit $rc, want 1"
run --update; rc=$?
((rc == 0)) || { cat "$tmp/out"; fail "--update: exit $rc, want 0"; }
grep -qP '^fig\td1-repro-rfc\t[^\t]*\t4\t' "$tmp/m.tsv" || fail "--update did not rewrite the manifest"
grep -qF '`crash-d1-repro.yaml` (4 FP sectors)' "$tmp/root/docs/PROTOCOL.md" || fail "--update did not rewrite the doc"
run; rc=$?
((rc == 0)) || fail "after --update: exit $rc, want 0"

# a new figure ("?"): --update learns the value, the doc is left alone
sed 's/^\(fig\td1-repro-rfc\t[^\t]*\t\)4\t/\1?\t/' "$tmp/m4.tsv" >"$tmp/m.tsv"
run --update; rc=$?
((rc == 0)) || { cat "$tmp/out"; fail "--update of a new figure: exit $rc, want 0"; }
grep -qP '^fig\td1-repro-rfc\t[^\t]*\t4\t' "$tmp/m.tsv" || fail "--update did not learn the new figure"
cmp -s "$src/docs/PROTOCOL.md" "$tmp/root/docs/PROTOCOL.md" || fail "--update of a new figure changed the doc"

# a bad manifest: exit 2 with the line
printf 'fig\tbroken\tnowhere\n' >>"$tmp/m.tsv"
run; rc=$?
((rc == 2)) || fail "bad manifest: exit $rc, want 2"
grep -q "m.tsv:[0-9]*: a figure has 7" "$tmp/out" || fail "bad manifest: no message with the line"

# a run that cannot finish: exit 3
cp "$tmp/m4.tsv" "$tmp/m.tsv"
sed -i 's/crash-d1-repro.yaml/no-such-scenario.yaml/' "$tmp/m.tsv"
run; rc=$?
((rc == 3)) || fail "a run that fails: exit $rc, want 3"

if ((failures)); then
  echo "$failures check(s) failed"
  exit 1
fi
echo "ok: the checker fails on each kind of drift"
