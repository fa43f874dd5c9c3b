#!/usr/bin/env bash
# Installs the Debian packages csumsim needs, only those missing. Idempotent.
set -euo pipefail
pkgs=(build-essential cmake pkg-config libyaml-dev libcmocka-dev libfiu-dev
      libjansson-dev libgsl-dev liblzma-dev xz-utils gnuplot-nox
      libxxhash-dev libisal-dev man-db
      blktrace   # blkparse: tests/traces/test_blktrace_bin.sh remakes its fixture
      jq         # scripts/check-figures.sh: the figures of the docs (docs/CHECK.md)
      chromium   # chromium: the report.html render test (tests/reports/test_html_render.sh)
      clang libclang-rt-14-dev) # the clang build and its libFuzzer targets (tests/fuzz)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
