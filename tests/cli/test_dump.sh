#!/usr/bin/env bash
# csumsim dump: the decoded imd pair of a tiny run is checked against the raw
# bytes of the same media and against CRC-16/KERMIT computed here, in bash,
# independently of the simulator's crc_ccitt; a crash state dumps; bad
# options exit 2.
set -euo pipefail
bin="${CSUMSIM_BIN:?CSUMSIM_BIN: the build directory}"
csumsim="$bin/cli/csumsim"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# CRC-16/KERMIT (the kernel's crc_ccitt from 0): reflected 0x8408, no xor.
crc_kermit() { # hex bytes... -> 0xNNNN
	local crc=0 b k
	for b in "$@"; do
		crc=$((crc ^ 0x$b))
		for k in 1 2 3 4 5 6 7 8; do
			if ((crc & 1)); then crc=$(((crc >> 1) ^ 0x8408)); else crc=$((crc >> 1)); fi
		done
	done
	printf '0x%04x' "$crc"
}
[ "$(crc_kermit 31 32 33 34 35 36 37 38 39)" = 0x2189 ] || fail "the test's own CRC is wrong"

# sector N's 512 bytes (hex, one a line) from a --range dump
sector_bytes() { # file dev sector
	awk -v want="sector $2 $3 " 'index($0, want) == 1 { on = 1; next }
		/^sector / { on = 0 } on { for (i = 2; i <= NF; i++) print $i }' "$1"
}

cat > "$work/tiny.yaml" <<'YAML'
name: tiny
seed: 1
variant: rfc
device: {sectors: 200}
trace:
  generator: {pattern: sequential, requests: 4, read_fraction: 0, sizes: [8], span: 64}
crash: {mode: none}
output: {plots: false, baseline: false, progress: false}
YAML
"$csumsim" dump "$work/tiny.yaml" --group 0 > "$work/group.txt" || fail "dump --group 0"
"$csumsim" dump "$work/tiny.yaml" --range data:0:65 > "$work/raw.txt" || fail "dump --range"
grep -q '^# csumsim dump: variant rfc, the end of the run$' "$work/group.txt" ||
	fail "no header in the group dump"
[ "$(grep -c '^sector data ' "$work/raw.txt")" = 65 ] || fail "--range data:0:65 is not 65 sectors"

# same placement, group 0 (docs/PROTOCOL.md): M1 at 1, M2 at 2, dm sector s at data s + 3
for copy in 1 2; do
	mapfile -t imd < <(sector_bytes "$work/raw.txt" data "$copy")
	[ "${#imd[@]}" = 512 ] || fail "imd sector $copy: ${#imd[@]} bytes"
	hdr=$(crc_kermit "${imd[@]:8:504}")
	stored=$(printf '0x%s%s' "${imd[3]}" "${imd[2]}") # little-endian, as the RFC's host order
	[ "$hdr" = "$stored" ] || fail "M$copy: header crc stored $stored, bytes 8..511 give $hdr"
	grep -q "^M$copy data $copy written: last_updated $((0x${imd[0]})) .*header_crc $stored (bytes 8..511: $stored ok)" \
		"$work/group.txt" || fail "M$copy's decoded header differs from its bytes"
	for i in $(seq 0 61); do
		o=$((8 + 8 * i))
		tcrc=$(printf '0x%s%s' "${imd[o + 1]}" "${imd[o]}")
		line=$(awk -v c="M$copy" -v i="$i" '$1 ~ /^M[12]$/ { m = $1 } m == c && $1 == i { print; exit }' \
			"$work/group.txt")
		set -- $line
		[ "$2" = "$tcrc" ] || fail "M$copy tuple $i: decoded crc $2, bytes say $tcrc"
		[ "$5" = "$i" ] && [ "$7" = $((i + 3)) ] || fail "M$copy tuple $i covers '$5 $7'"
		eval "crc_m${copy}_$i=$tcrc"
	done
done
# every dm sector: one copy's tuple holds the crc of its data now; the
# written ones (0..31) are not zeros, the others are and their crc is 0
for i in $(seq 0 61); do
	mapfile -t data < <(sector_bytes "$work/raw.txt" data $((i + 3)))
	want=$(crc_kermit "${data[@]}")
	eval "c1=\$crc_m1_$i c2=\$crc_m2_$i"
	[ "$c1" = "$want" ] || [ "$c2" = "$want" ] ||
		fail "dm sector $i: data crc $want, M1 has $c1, M2 has $c2"
	if ((i < 32)); then
		[ "$want" != 0x0000 ] || fail "dm sector $i was written but reads as zeros"
	else
		[ "$want" = 0x0000 ] && [ "$c1" = 0x0000 ] || fail "dm sector $i was never written"
	fi
done
# the default: every written sector, no others
"$csumsim" dump "$work/tiny.yaml" > "$work/all.txt" || fail "dump"
[ "$(grep -c '^sector data .* written$' "$work/all.txt")" = 34 ] ||
	fail "expected 32 data + 2 imd written sectors"
! grep -q 'as formatted' "$work/all.txt" || fail "the default dump shows unwritten sectors"

# a crash state, as the power cut left it
src="${CSUMSIM_SRC:?}"
d1="$src/scenarios/ci/rfc-crash-d1-repro.yaml"
"$csumsim" dump "$d1" --crash 0 --state 0 --group 3 > "$work/crash.txt" || fail "dump --crash 0"
grep -q '^# csumsim dump: variant rfc, crash point 0, state 0 (before recovery)$' "$work/crash.txt" ||
	fail "the crash dump does not say which state"
[ "$(grep -c '^  [0-9]* 0x' "$work/crash.txt")" = 124 ] || fail "the crash dump lacks tuples"

# bad options: exit 2, one message, nothing on stdout
expect2() { # what, args...
	local what=$1 rc=0
	shift
	"$csumsim" dump "$@" > "$work/out" 2> "$work/err" || rc=$?
	[ "$rc" = 2 ] || fail "$what: exit $rc, want 2"
	[ ! -s "$work/out" ] || fail "$what: wrote on stdout"
	[ "$(wc -l < "$work/err")" = 1 ] || fail "$what: $(cat "$work/err")"
}
expect2 "state past the crash's" "$d1" --crash 0 --state 1
expect2 "crash past the plan" "$d1" --crash 3
expect2 "range past the device" "$work/tiny.yaml" --range data:200:10
expect2 "group past the device" "$work/tiny.yaml" --group 4
expect2 "group of another variant" "$work/tiny.yaml" --group 0 --variant fixed
expect2 "bad range" "$work/tiny.yaml" --range disk:0:1
expect2 "state without crash" "$work/tiny.yaml" --state 0
expect2 "crash without crash points" "$work/tiny.yaml" --crash 0
expect2 "-o" "$work/tiny.yaml" -o "$work/x"
echo "ok: dump"
