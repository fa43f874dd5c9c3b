#!/usr/bin/env bash
# report.html as a browser shows it: a report from the built csumsim (crash
# exploration with violations, baseline, plots, a scenario name full of
# markup) is opened in headless Chromium; its DOM must hold every table, the
# three inline SVG plots and no element made from the name, and a screenshot
# is kept as an artifact: $CSUMSIM_BIN/artifacts/report-html.png (the top of
# the page, 1200x2400) and report-html-full.png (the whole page).
# Exit 77 (ctest: skipped) when Chromium is not installed.
set -euo pipefail

bin="${CSUMSIM_BIN:?CSUMSIM_BIN: the build directory}"
src="${CSUMSIM_SRC:?CSUMSIM_SRC: the source directory}"
csumsim="$bin/cli/csumsim"
artifacts="$bin/artifacts"

chrome=""
for c in chromium chromium-browser; do
	if command -v "$c" >/dev/null 2>&1; then
		chrome="$c"
		break
	fi
done
if [ -z "$chrome" ]; then
	echo "SKIP: chromium is not installed (apt-get install chromium, or scripts/install-deps.sh)"
	exit 77
fi
[ -x "$csumsim" ] || { echo "FAIL: no csumsim at $csumsim (build it first)"; exit 1; }

work="$(mktemp -d /tmp/csumsim-html-render-XXXXXX)"
trap 'rm -rf "$work"' EXIT

fail() {
	echo "FAIL: $*"
	if [ -s "$work/chrome.log" ]; then
		echo "--- chromium's output:"
		tail -n 20 "$work/chrome.log"
	fi
	exit 1
}

name='<script>alert(1)</script> & "q"'
"$csumsim" run "$src/tests/run/fixtures/explore.yaml" -o "$work/rep" --quiet \
	--set output.plots=true --set output.baseline=true --set "name=$name" ||
	fail "csumsim run failed"
page="$work/rep/report.html"
[ -s "$page" ] || fail "no report.html"

# Every run gets its own profile; nothing is fetched (the page loads nothing
# either: its policy forbids it).
chrome_run() {
	local profile
	profile="$(mktemp -d "$work/profile-XXXXXX")"
	timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$profile" "$@" "file://$page"
}

chrome_run --dump-dom >"$work/dom.html" 2>>"$work/chrome.log" || fail "chromium --dump-dom failed"
dom="$work/dom.html"

count() { { grep -o -- "$1" "$dom" || true; } | wc -l; }

n=$(count '<svg')
[ "$n" -eq 3 ] || fail "the DOM has $n <svg> elements, want 3"
n=$(count '</svg>')
[ "$n" -eq 3 ] || fail "the DOM closes $n <svg> elements, want 3"
# user, amplification, latency, reads, crash totals, worst crashes, crash-state
# faults, violations, overhead
n=$(count '<table>')
[ "$n" -eq 9 ] || fail "the DOM has $n tables, want 9"
for h in '<h2>User requests</h2>' '<h2>I/O amplification</h2>' '<h2>Latency</h2>' \
	'<h2>Throughput</h2>' '<h2>Data integrity</h2>' '<h3>Worst crashes</h3>' \
	'<h2>Faults</h2>' '<h3>Crash exploration</h3>' '<h2>Overhead vs none</h2>' \
	'<h2>Plots</h2>' 'href="reproducers/violation-0.yaml"'; do
	grep -qF -- "$h" "$dom" || fail "the DOM lacks $h"
done
# The plots did not swallow what follows them: the last paragraph is there,
# after the last </svg>.
tail_text="$(sed -n '/<\/svg>/,$p' "$dom" | tr -d '\n')"
case "$tail_text" in
*'Data: <a href="report.json">report.json</a>'*) ;;
*) fail "the text after the plots is not in the DOM" ;;
esac
# The scenario name is text, never markup.
n=$(count '<script')
[ "$n" -eq 0 ] || fail "the DOM has a <script> element"
grep -qF '<h1>csumsim report: &lt;script&gt;alert(1)&lt;/script&gt; &amp; "q"</h1>' "$dom" ||
	fail "the scenario name is not shown as text in the <h1>"

mkdir -p "$artifacts"
for shot in "report-html.png:1200,2400" "report-html-full.png:1200,6400"; do
	file="${shot%%:*}"
	size="${shot#*:}"
	rm -f "$work/$file"
	chrome_run --screenshot="$work/$file" --window-size="$size" >>"$work/chrome.log" 2>&1 ||
		fail "chromium --screenshot failed"
	[ -s "$work/$file" ] || fail "no screenshot $file"
	[ "$(head -c 4 "$work/$file" | od -An -c | tr -d ' ')" = '211PNG' ] ||
		fail "$file is not a PNG"
	# A blank page of that size compresses to a few kB; the report is far more.
	bytes=$(wc -c <"$work/$file")
	[ "$bytes" -gt 50000 ] || fail "$file is $bytes bytes: the page looks blank"
	cp "$work/$file" "$artifacts/$file"
done
echo "ok: report.html renders; screenshots in $artifacts/report-html.png, report-html-full.png"
