#!/usr/bin/env bash
# Every figure the docs quote from a run, checked against a fresh run.
#
# docs/figures.tsv lists the runs (a csumsim command line, or a committed
# file) and the figures: which runs, the jq expression that prints the
# figure from their JSON, the expected value, the doc and the text around
# the value there ("{}" marks the value). A figure fails when the run now
# prints another value, or when its doc no longer holds the text with the
# expected value at its place. docs/CHECK.md ("Figures in the docs").
#
#   scripts/check-figures.sh                 quick figures (runs marked quick)
#   scripts/check-figures.sh --tier all      every figure (nightly)
#   scripts/check-figures.sh --update        rewrite the expected values and
#                                            the docs' text from the runs
# Options: --manifest FILE, --root DIR (where the docs are read and updated),
# --csumsim PATH, --only REGEX (figure ids), --keep DIR (keep run outputs).
# Every doc check runs whatever the tier: editing a doc alone always fails.
# --update rewrites a doc's text only where it occurs exactly once.
# Exit: 0 all hold; 1 a figure drifted; 2 bad usage or manifest; 3 a run
# could not finish.
set -uo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
root=$src
manifest=$src/docs/figures.tsv
csumsim=${CSUMSIM:-$src/build/release/cli/csumsim}
tier=quick
update=0
only=''
keep=''

usage() { echo "usage: $0 [--tier quick|all] [--update] [--only REGEX] [--manifest F] [--root D] [--csumsim P] [--keep D]" >&2; exit 2; }
while (($#)); do
  case $1 in
    --tier) tier=${2:-}; shift 2 || usage ;;
    --update) update=1; shift ;;
    --only) only=${2:-}; shift 2 || usage ;;
    --manifest) manifest=${2:-}; shift 2 || usage ;;
    --root) root=${2:-}; shift 2 || usage ;;
    --csumsim) csumsim=${2:-}; shift 2 || usage ;;
    --keep) keep=${2:-}; shift 2 || usage ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "check-figures: unknown option '$1'" >&2; usage ;;
  esac
done
[[ $tier == quick || $tier == all ]] || { echo "check-figures: --tier must be quick or all" >&2; exit 2; }
command -v jq >/dev/null || { echo "check-figures: jq is missing (scripts/install-deps.sh)" >&2; exit 2; }
[[ -r $manifest ]] || { echo "check-figures: cannot read $manifest" >&2; exit 2; }
lib=$(cat "$src/scripts/figures.jq") || exit 2

declare -A run_tier run_out run_args run_path run_need
fig_ids=() ; declare -A fig_runs fig_doc fig_snip fig_jq fig_exp fig_line
n=0
while IFS= read -r line || [[ -n $line ]]; do
  n=$((n + 1))
  [[ -z $line || $line == \#* ]] && continue
  IFS=$'\t' read -r -a f <<<"$line"
  where="$manifest:$n"
  case ${f[0]} in
    run)
      ((${#f[@]} == 5)) || { echo "$where: a run has 5 tab-separated fields (run id tier output args)" >&2; exit 2; }
      [[ ${f[2]} == quick || ${f[2]} == nightly ]] || { echo "$where: field 'tier': quick or nightly, not '${f[2]}'" >&2; exit 2; }
      [[ -z ${run_tier[${f[1]}]+x} ]] || { echo "$where: run '${f[1]}' defined twice" >&2; exit 2; }
      run_tier[${f[1]}]=${f[2]}; run_out[${f[1]}]=${f[3]}; run_args[${f[1]}]=${f[4]} ;;
    fig)
      ((${#f[@]} == 7)) || { echo "$where: a figure has 7 tab-separated fields (fig id runs expected doc text jq)" >&2; exit 2; }
      id=${f[1]}
      [[ -z ${fig_runs[$id]+x} ]] || { echo "$where: figure '$id' defined twice" >&2; exit 2; }
      [[ ${f[5]} == *'{}'* ]] || { echo "$where: field 'text' of '$id' has no {} for the value" >&2; exit 2; }
      for r in ${f[2]//,/ }; do
        [[ -n ${run_tier[$r]+x} ]] || { echo "$where: figure '$id' names run '$r', not defined above it" >&2; exit 2; }
      done
      fig_ids+=("$id"); fig_runs[$id]=${f[2]}; fig_exp[$id]=${f[3]}; fig_doc[$id]=${f[4]}
      fig_snip[$id]=${f[5]}; fig_jq[$id]=${f[6]}; fig_line[$id]=$n ;;
    *) echo "$where: a line starts with 'run', 'fig' or '#', not '${f[0]}'" >&2; exit 2 ;;
  esac
done <"$manifest"

# A figure is nightly when one of its runs is.
fig_tier() {
  local r
  for r in ${fig_runs[$1]//,/ }; do [[ ${run_tier[$r]} == nightly ]] && { echo nightly; return; }; done
  echo quick
}
selected() { [[ -z $only || $1 =~ $only ]] && { [[ $tier == all ]] || [[ $(fig_tier "$1") == quick ]]; }; }

tmp=$(mktemp -d) || exit 3
trap 'rm -rf "$tmp"' EXIT
out=${keep:-$tmp/runs}
mkdir -p "$out" || exit 3

for id in "${fig_ids[@]}"; do
  selected "$id" || continue
  for r in ${fig_runs[$id]//,/ }; do run_need[$r]=1; done
done

n_runs=0
for r in "${!run_need[@]}"; do
  args=${run_args[$r]}
  if [[ $args == file:* ]]; then
    run_path[$r]=$root/${args#file:}
    continue
  fi
  eval "set -- $args"
  rm -rf "${out:?}/$r"
  if ! (cd "$src" && nice "$csumsim" "$@" --quiet -o "$out/$r") >"$out/$r.log" 2>&1; then
    rc=$?
    if ((rc != 1)); then
      echo "check-figures: run '$r' exited $rc: csumsim $args" >&2
      tail -3 "$out/$r.log" >&2
      exit 3
    fi
  fi
  run_path[$r]=$out/$r/${run_out[$r]}
  n_runs=$((n_runs + 1))
done

declare -A new_exp new_fig
fail=0 checked=0 docs=0
for id in "${fig_ids[@]}"; do
  [[ -z $only || $id =~ $only ]] || continue
  exp=${fig_exp[$id]}
  doc=$root/${fig_doc[$id]}
  if selected "$id"; then
    files=()
    for r in ${fig_runs[$id]//,/ }; do files+=("${run_path[$r]}"); done
    if ! got=$(jq -r -s "$lib ${fig_jq[$id]}" "${files[@]}" 2>"$tmp/jq.err" | paste -sd' ' -); then
      echo "FAIL $id (${fig_doc[$id]}): jq: $(head -1 "$tmp/jq.err")"
      fail=$((fail + 1)); continue
    fi
    checked=$((checked + 1))
    if [[ $got != "$exp" ]]; then
      if ((update)); then
        new_exp[$id]=$got
      else
        echo "FAIL $id (${fig_doc[$id]}): the manifest and the doc say '$exp', the run gives '$got'"
        for r in ${fig_runs[$id]//,/ }; do echo "     run $r: csumsim ${run_args[$r]}"; done
        fail=$((fail + 1))
      fi
    fi
  fi
  if ((update)) && [[ $exp == '?' && -n ${new_exp[$id]+x} ]]; then
    # a new figure: the doc already holds the value, only the manifest learns it
    exp=${new_exp[$id]}
    unset "new_exp[$id]"
    new_fig[$id]=$exp
  fi
  want=${fig_snip[$id]//'{}'/$exp}
  docs=$((docs + 1))
  times=$(grep -oF -- "$want" "$doc" 2>/dev/null | wc -l)
  if ((times == 0)); then
    echo "FAIL $id: ${fig_doc[$id]} no longer says: $want"
    fail=$((fail + 1))
  elif ((update)) && [[ -n ${new_exp[$id]+x} ]] && ((times > 1)); then
    # an update must know which place it rewrites
    echo "FAIL $id: ${fig_doc[$id]} says this $times times, edit it by hand: $want"
    fail=$((fail + 1))
  elif ((update)) && [[ -n ${new_exp[$id]+x} ]]; then
    now=${fig_snip[$id]//'{}'/${new_exp[$id]}}
    jq -Rrsj --arg o "$want" --arg n "$now" 'split($o) | join($n)' "$doc" >"$tmp/doc" &&
      cat "$tmp/doc" >"$doc" || exit 3
    echo "updated $id: '$exp' -> '${new_exp[$id]}' in ${fig_doc[$id]}"
  fi
done

for id in "${!new_fig[@]}"; do new_exp[$id]=${new_fig[$id]}; done
if ((update)) && ((${#new_exp[@]})); then
  for id in "${!new_exp[@]}"; do printf '%s\t%s\n' "$id" "${new_exp[$id]}"; done >"$tmp/upd"
  awk -F'\t' -v OFS='\t' -v upd="$tmp/upd" '
    BEGIN { while ((getline l < upd) > 0) { i = index(l, "\t"); v[substr(l, 1, i - 1)] = substr(l, i + 1) } }
    $1 == "fig" && ($2 in v) { $4 = v[$2] } { print }' "$manifest" >"$tmp/manifest" &&
    cat "$tmp/manifest" >"$manifest" || exit 3
fi

echo "check-figures: $checked figures measured ($n_runs runs, tier $tier), $docs doc places checked, $fail failed"
((fail == 0)) || exit 1
exit 0
