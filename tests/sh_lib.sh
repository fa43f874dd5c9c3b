# Sourced by the shell tests: the built csumsim, the source tree, a work
# folder removed on exit, and fail MESSAGE.
bin="${CSUMSIM_BIN:?CSUMSIM_BIN: the build directory}"
src="${CSUMSIM_SRC:?CSUMSIM_SRC: the source directory}"
csumsim="$bin/cli/csumsim"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
