#!/bin/sh
# Before/after, side by side in one run: alternates `csumsim-bench one N` of
# two builds RUNS times for each N = 10^4 .. 10^MAX_EXP and prints, per build,
# the min and median CPU seconds, requests per CPU second (from the median)
# and peak RSS per touched sector, then new/old speed-up ratios. Alternating
# spreads the machine's load over both builds alike. Asserts nothing.
#
#   bench/compare.sh OLD_BENCH NEW_BENCH        (csumsim-bench binaries)
#   RUNS=5 MAX_EXP=6 bench/compare.sh ...       (defaults: RUNS=5, MAX_EXP=6)
set -eu
old=$1
new=$2
runs=${RUNS:-5}
max_exp=${MAX_EXP:-6}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# one line per run: cpu_s wall_s rss_kib bytes_per_touched_sector
one() { # BIN N
    "$1" one "$2" | sed -n 's/^requests [0-9]* run \([0-9.]*\) s ([0-9]*\/s, cpu \([0-9.]*\) s) touched [0-9]* peak RSS \([0-9]*\) KiB (\([0-9.]*\) B\/sector).*/\2 \1 \3 \4/p'
}
# min and median of column C of a file
stats() { # FILE C
    sort -g -k"$2","$2" "$1" | awk -v c="$2" '{v[NR]=$c} END {m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "%s %s", v[1], m}'
}

echo "| requests | build | runs | CPU s min | CPU s median | requests/s (CPU, median) | peak RSS MiB (median) | B/touched sector (median) |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|"
e=4
while [ "$e" -le "$max_exp" ]; do
    n=$(awk -v e="$e" 'BEGIN {printf "%d", 10^e}')
    : >"$tmp/old" ; : >"$tmp/new"
    i=0
    while [ "$i" -lt "$runs" ]; do
        one "$old" "$n" >>"$tmp/old"
        one "$new" "$n" >>"$tmp/new"
        i=$((i + 1))
    done
    for b in old new; do
        set -- $(stats "$tmp/$b" 1)
        cmin=$1 cmed=$2
        set -- $(stats "$tmp/$b" 3)
        rss=$2
        set -- $(stats "$tmp/$b" 4)
        bps=$2
        echo "$cmed" >"$tmp/$b.med"
        awk -v n="$n" -v b="$b" -v r="$runs" -v cmin="$cmin" -v cmed="$cmed" -v rss="$rss" -v bps="$bps" \
            'BEGIN {printf "| %d | %s | %d | %.3f | %.3f | %.0f | %.1f | %.1f |\n", n, b, r, cmin, cmed, n / cmed, rss / 1024, bps}'
    done
    awk -v n="$n" -v o="$(cat "$tmp/old.med")" -v w="$(cat "$tmp/new.med")" \
        'BEGIN {printf "| %d | new/old speed-up | | | | %.2fx | | |\n", n, o / w}'
    e=$((e + 1))
done
