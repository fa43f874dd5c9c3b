# Shared by the shell tests that run the built csumsim (sourced, not run):
# where the build and the sources are, a scratch folder removed at exit, and
# the two checks every such test makes.
set -euo pipefail
bin="${CSUMSIM_BIN:?CSUMSIM_BIN: the build directory}"
src="${CSUMSIM_SRC:?CSUMSIM_SRC: the source directory}"
csumsim="$bin/cli/csumsim"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# has FILE TEXT: FILE holds TEXT (fixed string), else fail showing FILE
has() { grep -qF -- "$2" "$1" || fail "$(basename "$1") lacks '$2': $(cat "$1")"; }
