#!/usr/bin/env bash
# report.html as a browser shows it: a report from the built csumsim (crash
# exploration with violations, baseline, plots, a scenario name full of
# markup) is opened in headless Chromium; its DOM must hold every table, the
# three inline SVG plots and no element made from the name, and a screenshot
# is kept as an artifact: $CSUMSIM_BIN/artifacts/report-html.png (the top of
# the page, 1200x2400) and report-html-full.png (the whole page).
# Exit 77 (ctest: skipped) when Chromium is not installed.
set -euo pipefail

work="$(mktemp -d /tmp/csumsim-html-render-XXXXXX)"
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/reports/render_lib.sh
. "$(dirname "$0")/render_lib.sh"

name='<script>alert(1)</script> & "q"'
"$csumsim" run "$src/tests/run/fixtures/explore.yaml" -o "$work/rep" --quiet \
	--set output.plots=true --set output.baseline=true --set "name=$name" ||
	fail "csumsim run failed"
page="$work/rep/report.html"
[ -s "$page" ] || fail "no report.html"

dump_dom

n=$(count '<svg')
[ "$n" -eq 3 ] || fail "the DOM has $n <svg> elements, want 3"
n=$(count '</svg>')
[ "$n" -eq 3 ] || fail "the DOM closes $n <svg> elements, want 3"
# verdict, user, amplification, latency, reads, crash totals, worst crashes,
# crash-state faults, violations, overhead
n=$(count '<table>')
[ "$n" -eq 10 ] || fail "the DOM has $n tables, want 10"
for h in '<h2 id="verdict">Verdict</h2>' '<h2 id="user">User requests</h2>' \
	'<h2 id="amplification">I/O amplification</h2>' '<h2 id="latency">Latency</h2>' \
	'<h2 id="throughput">Throughput</h2>' '<h2 id="capacity">Capacity</h2>' \
	'<h2 id="integrity">Data integrity</h2>' '<h3>Worst crashes</h3>' \
	'<h2 id="faults">Faults</h2>' '<h3>Crash exploration</h3>' \
	'<h2 id="overhead">Overhead vs none</h2>' '<h2 id="plots">Plots</h2>' \
	'href="reproducers/violation-0.yaml"'; do
	grep -qF -- "$h" "$dom" || fail "the DOM lacks $h"
done
# The plots did not swallow what follows them: the last paragraph is there,
# after the last </svg>.
tail_text="$(sed -n '/<\/svg>/,$p' "$dom" | tr -d '\n')"
case "$tail_text" in
*'Data: <a href="report.json"><code>report.json</code></a>'*) ;;
*) fail "the text after the plots is not in the DOM" ;;
esac
# The scenario name is text, never markup.
n=$(count '<script')
[ "$n" -eq 0 ] || fail "the DOM has a <script> element"
grep -qF '<h1>csumsim report: &lt;script&gt;alert(1)&lt;/script&gt; &amp; "q"</h1>' "$dom" ||
	fail "the scenario name is not shown as text in the <h1>"

screenshots "report-html.png:1200,2400" "report-html-full.png:1200,6400"
echo "ok: report.html renders; screenshots in $artifacts/report-html.png, report-html-full.png"
