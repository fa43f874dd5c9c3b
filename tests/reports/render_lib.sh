# Shared by the headless-Chromium render tests (sourced, not run): finds
# chromium (exit 77, ctest's "skipped", without it), runs it on one page
# with a fresh profile and nothing fetched, counts DOM matches, and keeps
# screenshots as artifacts. The caller sets $work (a temp dir) and $page.

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

fail() {
	echo "FAIL: $*"
	if [ -s "$work/chrome.log" ]; then
		echo "--- chromium's output:"
		tail -n 20 "$work/chrome.log"
	fi
	exit 1
}

# Every run gets its own profile; nothing is fetched (the page loads nothing
# either: its policy forbids it).
chrome_run() {
	local profile
	profile="$(mktemp -d "$work/profile-XXXXXX")"
	timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$profile" "$@" "file://$page"
}

# The page's DOM as Chromium built it, into $work/dom.html.
dump_dom() {
	chrome_run --dump-dom >"$work/dom.html" 2>>"$work/chrome.log" ||
		fail "chromium --dump-dom failed"
	dom="$work/dom.html"
}

count() { { grep -o -- "$1" "$dom" || true; } | wc -l; }

# screenshots FILE:W,H ...: each a PNG of more than 50 kB (a blank page of
# that size compresses to a few kB), copied to $artifacts.
screenshots() {
	local shot file size bytes
	mkdir -p "$artifacts"
	for shot in "$@"; do
		file="${shot%%:*}"
		size="${shot#*:}"
		rm -f "$work/$file"
		chrome_run --screenshot="$work/$file" --window-size="$size" >>"$work/chrome.log" 2>&1 ||
			fail "chromium --screenshot failed"
		[ -s "$work/$file" ] || fail "no screenshot $file"
		[ "$(head -c 4 "$work/$file" | od -An -c | tr -d ' ')" = '211PNG' ] ||
			fail "$file is not a PNG"
		bytes=$(wc -c <"$work/$file")
		[ "$bytes" -gt 50000 ] || fail "$file is $bytes bytes: the page looks blank"
		cp "$work/$file" "$artifacts/$file"
	done
}
