#!/usr/bin/env bash
# A comparison's report.html as a browser shows it: tests/run/fixtures/explore.yaml
# compared over three variants (with `none`) on two profiles, with bit rot,
# lost writes, crash points, charts and a scenario name full of markup,
# opened in headless Chromium. The DOM must hold as many tables as
# compare.md, one inline SVG per chart drawn, links to compare.json and the
# CSVs, and no element made from the name; screenshots are kept in
# $CSUMSIM_BIN/artifacts/compare-html.png and compare-html-full.png.
# Exit 77 (ctest: skipped) without Chromium.
set -euo pipefail

work="$(mktemp -d /tmp/csumsim-compare-render-XXXXXX)"
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/reports/render_lib.sh
. "$(dirname "$0")/render_lib.sh"

name='<script>alert(1)</script> & "q"'
"$csumsim" compare "$src/tests/run/fixtures/explore.yaml" -o "$work/cmp" --quiet \
	--variants rfc,fixed,none --profiles ssd,hdd --set output.plots=true \
	--set 'faults.rot={rate: 1e-3, target: any}' --set 'faults.lost_write={probability: 0.01}' \
	--set "name=$name" || fail "csumsim compare failed"
page="$work/cmp/report.html"
[ -s "$page" ] || fail "no report.html"
md="$work/cmp/compare.md"
# What the page must show, counted in the files it is made from.
charts=$(find "$work/cmp" -maxdepth 1 -name '*.svg' | wc -l)
[ "$charts" -ge 4 ] || fail "only $charts charts drawn"
tables=$(grep -c '^|---' "$md")
[ "$tables" -ge 7 ] || fail "compare.md has only $tables tables"

dump_dom

n=$(count '<svg')
[ "$n" -eq "$charts" ] || fail "the DOM has $n <svg> elements, want $charts (one per chart)"
n=$(count '</svg>')
[ "$n" -eq "$charts" ] || fail "the DOM closes $n <svg> elements, want $charts"
n=$(count '<figure')
[ "$n" -eq "$charts" ] || fail "the DOM has $n figures, want $charts"
n=$(count '<table>')
[ "$n" -eq "$tables" ] || fail "the DOM has $n tables, compare.md $tables"
for h in '<h2 id="faults">Fault outcomes</h2>' '<h2 id="overhead">Overhead vs none</h2>' \
	'<h2 id="crash">Crash exploration</h2>' '<h2 id="charts">Charts</h2>' \
	'<h3>Profile <code>hdd</code></h3>' '<th>fault type</th><th>rfc</th><th>fixed</th><th>none</th>' \
	'<strong>all types</strong>' '<a href="compare.json"><code>compare.json</code></a>' \
	'<a href="matrix.csv">' '<a href="overhead.csv">' '<a href="crash.csv">' \
	'<a href="recovery_ssd.png">PNG</a>'; do
	grep -qF -- "$h" "$dom" || fail "the DOM lacks $h"
done
# The charts did not swallow what follows them: the data line comes after
# the last </svg>.
tail_text="$(sed -n '/<\/svg>/,$p' "$dom" | tr -d '\n')"
case "$tail_text" in
*'<p>Data: <a href="compare.json">'*) ;;
*) fail "the text after the charts is not in the DOM" ;;
esac
# The scenario name is text, never markup.
n=$(count '<script')
[ "$n" -eq 0 ] || fail "the DOM has a <script> element"
grep -qF '<h1>csumsim comparison: &lt;script&gt;alert(1)&lt;/script&gt; &amp; "q"</h1>' "$dom" ||
	fail "the scenario name is not shown as text in the <h1>"

screenshots "compare-html.png:1200,2400" "compare-html-full.png:1200,9000"
echo "ok: the comparison's report.html renders; screenshots in $artifacts/compare-html.png, compare-html-full.png"
