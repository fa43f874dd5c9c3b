#!/usr/bin/env bash
# The test command: install what is missing, build the ASan+UBSan and the
# Release configurations, run the whole ctest suite on both; then, when clang
# can link libFuzzer, build everything with clang (-Werror holds there too),
# run each fuzz target once over its committed corpus (docs/FUZZ.md) and the
# end-to-end tests labelled clang under clang's ASan+UBSan.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
total_pass=0
total_fail=0
total_skip=0
have_fuzz() {
  command -v clang >/dev/null &&
    echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { (void)d; (void)n; return 0; }' |
      clang -x c -fsanitize=fuzzer -o /dev/null - 2>/dev/null
}
cfgs=(Sanitize Release)
if have_fuzz; then
  cfgs+=(Fuzz)
else
  echo "== fuzz: skipped (clang cannot link -fsanitize=fuzzer; scripts/install-deps.sh installs it)"
fi
for cfg in "${cfgs[@]}"; do
  dir=build/${cfg,,}
  if [ "$cfg" = Fuzz ]; then
    CC=clang cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DCSUM_FUZZ=ON >/dev/null
  else
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="$cfg" >/dev/null
  fi
  cmake --build "$dir" -j "$jobs" -- --no-print-directory >/dev/null
  echo "== ctest ($cfg)"
  label=()
  # the fuzz corpora, and the end-to-end tests labelled clang (csum_test CLANG):
  # the rest ran above, and is slow under clang's ASan in a Debug build
  [ "$cfg" = Fuzz ] && label=(-L 'fuzz|clang')
  set +e
  ctest --test-dir "$dir" "${label[@]}" -j "$jobs" --output-on-failure 2>&1 | tee "$dir/ctest.log"
  set -e
  n_pass=$(grep -cE '^ *[0-9]+/[0-9]+ Test +#[0-9]+: .* Passed' "$dir/ctest.log" || true)
  n_skip=$(grep -cE '^ *[0-9]+/[0-9]+ Test +#[0-9]+: .*\*\*\*Skipped' "$dir/ctest.log" || true)
  n_fail=$(grep -E '^ *[0-9]+/[0-9]+ Test +#[0-9]+: .*(\*\*\*|Failed|Timeout|Not Run)' "$dir/ctest.log" \
           | grep -cv '\*\*\*Skipped' || true)
  total_pass=$((total_pass + n_pass))
  total_skip=$((total_skip + n_skip))
  total_fail=$((total_fail + n_fail))
done
echo "${total_pass} passed, ${total_fail} failed, ${total_skip} skipped"
[ "$total_fail" -eq 0 ] && [ "$total_pass" -gt 0 ]
