#!/usr/bin/env bash
# The main job: install what is missing, build, run the demo scenario (the
# `rfc` variant on a bundled real trace, a crash at every flush), and leave
# the report with its plots in out/demo/.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j "$(nproc 2>/dev/null || echo 2)" -- --no-print-directory >/dev/null
mkdir -p out
build/release/cli/csumsim run scenarios/demo.yaml -o out/demo "$@"
echo
echo "report: out/demo/report.html (one page, plots inline) and out/demo/summary.md; all numbers: out/demo/report.json; crash reproducers: out/demo/reproducers/"
