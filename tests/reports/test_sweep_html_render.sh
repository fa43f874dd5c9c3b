#!/usr/bin/env bash
# A sweep's report.html as a browser shows it: the sweep of
# tests/cli/fixtures/sweep/sw.yaml (2 parameters, 8 runs) with its charts,
# its name full of markup, opened in headless Chromium. The DOM must hold a
# table per parameter and the runs table, one inline SVG per chart in
# plots/, links to every run's own report, and no element made from the
# name; screenshots are kept in $CSUMSIM_BIN/artifacts/sweep-html.png and
# sweep-html-full.png. Exit 77 (ctest: skipped) without Chromium.
set -euo pipefail

work="$(mktemp -d /tmp/csumsim-sweep-render-XXXXXX)"
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/reports/render_lib.sh
. "$(dirname "$0")/render_lib.sh"

name='<b>sw</b>&"x"'
"$csumsim" sweep "$src/tests/cli/fixtures/sweep/sw.yaml" -o "$work/sw" --quiet -j 2 \
	--set "name=$name" || fail "csumsim sweep failed"
page="$work/sw/report.html"
[ -s "$page" ] || fail "no report.html"
charts=$(ls "$work/sw/plots/"*.svg | wc -l)
[ "$charts" -ge 4 ] || fail "only $charts charts in plots/"

dump_dom

n=$(count '<svg')
[ "$n" -eq "$charts" ] || fail "the DOM has $n <svg> elements, want $charts (one per chart)"
n=$(count '</svg>')
[ "$n" -eq "$charts" ] || fail "the DOM closes $n <svg> elements, want $charts"
n=$(count '<table>')
[ "$n" -eq 4 ] || fail "the DOM has $n tables, want 4 (verdict, variant, crash.tear, runs)"
# the verdict opens the page, one row per variant over its runs
for h in '<h2 id="verdict">Verdict</h2>' '<td>fixed (4 runs, 0 stalled)</td>' \
	'<h2>variant</h2>' '<h2>crash.tear</h2>' '<h2>Runs</h2>' \
	'href="runs/000000/report.html"' 'href="runs/000007/report.html"' \
	'variant=fixed crash.tear=prefix replica=1'; do
	grep -qF -- "$h" "$dom" || fail "the DOM lacks $h"
done
# every table of costs and rates says whether its runs stalled (partial)
n=$(count '<th>stalled</th>')
[ "$n" -eq 3 ] || fail "the DOM has $n 'stalled' columns, want 3 (variant, crash.tear, runs)"
grep -qF -- '| verdict |' "$work/sw/sweep.md" || fail "sweep.md has no verdict table"
for k in 0 7; do
	[ -s "$work/sw/runs/00000$k/report.html" ] || fail "run $k has no report.html"
done
n=$(count '<b>')
[ "$n" -eq 0 ] || fail "the name became markup"
grep -qF '<h1>csumsim sweep: &lt;b&gt;sw&lt;/b&gt;&amp;"x"</h1>' "$dom" ||
	fail "the sweep's name is not shown as text in the <h1>"

screenshots "sweep-html.png:1200,2400" "sweep-html-full.png:1200,9000"
echo "ok: the sweep's report.html renders; screenshots in $artifacts/sweep-html.png, sweep-html-full.png"
