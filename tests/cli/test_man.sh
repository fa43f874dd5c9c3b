#!/usr/bin/env bash
# The man page and the bash completion are generated from csumsim's own
# --help texts and lists: the committed files must equal what the generators
# make now (so neither drifts from the program); the man page renders; the
# completion completes commands, options, variants, profiles and keys in
# bash; --version answers after every command; cmake --install puts the
# binary, the page and the completion in place.
set -euo pipefail
bin="${CSUMSIM_BIN:?CSUMSIM_BIN: the build directory}"
src="${CSUMSIM_SRC:?CSUMSIM_SRC: the source directory}"
csumsim="$bin/cli/csumsim"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$src/scripts/gen-man.sh" "$csumsim" > "$work/csumsim.1"
cmp -s "$work/csumsim.1" "$src/docs/csumsim.1" ||
	fail "docs/csumsim.1 is stale: scripts/gen-man.sh $csumsim > docs/csumsim.1"
"$src/scripts/gen-completion.sh" "$csumsim" > "$work/csumsim.bash"
cmp -s "$work/csumsim.bash" "$src/cli/completion/csumsim.bash" ||
	fail "cli/completion/csumsim.bash is stale: scripts/gen-completion.sh $csumsim > cli/completion/csumsim.bash"

# the page renders, with every command and the keys
if command -v man >/dev/null 2>&1; then
	MANWIDTH=80 man -l "$src/docs/csumsim.1" > "$work/man.txt" 2>"$work/man.err" ||
		fail "man -l docs/csumsim.1: $(cat "$work/man.err")"
	for want in "SCENARIO KEYS" "EXIT STATUS" "usage: csumsim run FILE" \
		    "usage: csumsim check" "faults.rot.rate" "disk.profile"; do
		grep -qF -- "$want" "$work/man.txt" || fail "the rendered page lacks '$want'"
	done
else
	echo "note: man is not installed; the page was checked as text only"
fi

# the completion, driven as bash drives it
complete_words() { # words... -> COMPREPLY, one per line
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
		 _csumsim; printf "%s\n" "${COMPREPLY[@]}"' _ "$src/cli/completion/csumsim.bash" "$@"
}
has() { # want, words...
	local want=$1
	shift
	# grep reads it all (not -q): an early exit would SIGPIPE the printf,
	# and pipefail would call that a miss
	complete_words "$@" | grep -xF -- "$want" > /dev/null ||
		fail "completing '$*' does not offer '$want'"
}
has run csumsim ru
has compare csumsim comp
has --variant csumsim run x.yaml --var
has --no-baseline csumsim run x.yaml --no-b
has --junit csumsim check --ju
has fixed-strong csumsim run x.yaml --variant fixed-s
has rfc,fixed csumsim compare x.yaml --variants rfc,fix
has ssd,hdd csumsim compare x.yaml --profiles ssd,h
has disk.profile= csumsim run x.yaml --set disk.prof
has faults.rot.rate= csumsim run x.yaml --set faults.rot.ra
has keys csumsim help ke

# --version after any command
for c in run compare sweep merge check validate layout convert; do
	out=$("$csumsim" "$c" --version) || fail "csumsim $c --version: exit $?"
	[[ $out == "csumsim "[0-9]* ]] || fail "csumsim $c --version printed '$out'"
done

# cmake --install puts the three in the usual places
cmake --install "$bin" --prefix "$work/prefix" > "$work/install.log" ||
	fail "cmake --install: $(cat "$work/install.log")"
for f in bin/csumsim share/man/man1/csumsim.1 share/bash-completion/completions/csumsim; do
	[ -e "$work/prefix/$f" ] || fail "cmake --install did not install $f"
done
echo "man page, completion, --version and install: ok"
