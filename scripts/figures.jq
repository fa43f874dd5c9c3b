# Helpers for docs/figures.tsv: each figure's jq expression runs with these
# definitions in front, on the array of its runs' JSON outputs (jq -s), and
# must print the figure exactly as the doc writes it.

def lpad($n): if length < $n then ("0" + .) | lpad($n) else . end;

# x with $d decimals, rounded half away from zero (as printf does for these
# values), no exponent.
def fixed($d):
  if . < 0 then "-" + (-. | fixed($d))
  else (. * pow(10; $d) | round) as $r
    | if $d == 0 then ($r | tostring)
      else (($r / pow(10; $d)) | floor) as $i
        | ($i | tostring) + "." + (($r - $i * pow(10; $d)) | tostring | lpad($d))
      end
  end;

# An interval bound: 0 and 1 plainly, the rest with 3 decimals.
def bound: if . == 0 then "0" elif . == 1 then "1" else fixed(3) end;

def strip_zeros:
  if test("\\.") then sub("0+$"; "") | sub("\\.$"; "") else . end;

# printf's %.3g.
def g3:
  if . == 0 then "0"
  elif . < 0 then "-" + (-. | g3)
  else (log10 | floor) as $e0
    | ((. / pow(10; $e0 - 2)) | round) as $m0
    | (if $m0 >= 1000 then $e0 + 1 else $e0 end) as $e
    | if $e < -4 or $e >= 3 then
        ((. / pow(10; $e)) | fixed(2) | strip_zeros) + "e"
        + (if $e < 0 then "-" else "+" end)
        + ((if $e < 0 then -$e else $e end) | tostring | lpad(2))
      else fixed(2 - $e) | strip_zeros
      end
  end;

# 17040 -> "17,040"
def commas: tostring | if length > 3 then (.[:-3] | commas) + "," + .[-3:] else . end;

# Wilson 95 % interval of k/n, as reports/metrics.c wilson95.
def wilson($k; $n):
  if $n == 0 then [0, 1]
  elif $k == 0 then
    1.959963985 as $z | ($z * $z) as $z2
    | [0, (($z2 / (2 * $n)) + ($z * ((($z2 / (4 * $n * $n))) | sqrt))) / (1 + $z2 / $n)]
  else
    1.959963985 as $z | ($z * $z) as $z2 | ($k / $n) as $p
    | (($p + $z2 / (2 * $n)) / (1 + $z2 / $n)) as $c
    | (($z * (($p * (1 - $p) / $n + $z2 / (4 * $n * $n)) | sqrt)) / (1 + $z2 / $n)) as $h
    | [([$c - $h, 0] | max), (if $k == $n then 1 else ([$c + $h, 1] | min) end)]
  end;

# ---- compare.json -----------------------------------------------------------

def cmp_run($p; $v): .results[] | select(.profile == $p) | .runs[] | select(.variant == $v);

# A rate object {value, ci95, k, n} as compare.md writes it:
# "61.3% [54.9, 67.3] (144/235)"
def pct_ci:
  ((.value // 0) * 100 | fixed(1)) + "% [" + (.ci95[0] * 100 | fixed(1)) + ", "
  + (.ci95[1] * 100 | fixed(1)) + "] (" + (.k | tostring) + "/" + (.n | tostring) + ")";

# One row of reports/examples/README.md's per-profile table.
def example_fault_row($p; $v):
  cmp_run($p; $v) as $r
  | "| " + $v + " | " + ($r.fault_totals.injected | tostring)
  + " | " + ($r.fault_totals.detection_rate | pct_ci)
  + " | " + ($r.fault_totals.silent_rate | pct_ci)
  + " | " + ($r.fault_totals.false_positive_rate | pct_ci)
  + " | " + ([$r.overhead.ratio_to_none | .sub_ios_per_request, .bytes_per_user_byte,
              .flushes_per_request, .latency_p50_ns, .throughput_bytes_per_s]
             | map(g3) | join(" | ")) + " |";

# One row of its crash-exploration table.
def example_crash_row($p; $v):
  cmp_run($p; $v).crashes as $c
  | "| " + $p + " | " + $v + " | "
  + ([$c.points, $c.states, $c.violations, $c.sectors.false_positive, $c.sectors.stale,
      $c.sectors.silent, $c.sectors.detected] | map(tostring) | join(" | ")) + " |";

# False-positive sectors of the read-back summed over the files.
def fp_sectors($p; $v): [.[] | cmp_run($p; $v).crashes.sectors.false_positive] | add;

# Faults of one type summed over the array of compare.json files (seeds):
# "k/n = rate [lo, hi]" with the outcome's k over injected events.
def pooled($p; $v; $type; $outcome):
  [.[] | cmp_run($p; $v).faults[$type]] as $f
  | ($f | map(.[$outcome]) | add) as $k | ($f | map(.injected) | add) as $n
  | wilson($k; $n) as $ci
  | "\($k)/\($n) = \($k / $n | fixed(3)) [\($ci[0] | bound), \($ci[1] | bound)]";

# A row of docs/findings/media.md's metadata-rot table: per variant the
# false-positive events over the events, pooled over the files, and the
# false-positive sectors of the read-back.
def rot_row($name; $vs):
  "| " + $name + " | "
  + ([$vs[] as $v | pooled("ram"; $v; "bitrot"; "false_positive") + "; " + (fp_sectors("ram"; $v) | commas)]
     | join(" | ")) + " |";

# The per-event rate alone, and whether the expectation lies in its interval.
def rot_rate($v): [.[] | cmp_run("ram"; $v).faults.bitrot] | ((map(.false_positive) | add) / (map(.injected) | add)) | fixed(3);
def rot_in($v; $expect):
  [.[] | cmp_run("ram"; $v).faults.bitrot] | wilson(map(.false_positive) | add; map(.injected) | add)
  | if .[0] <= $expect and $expect <= .[1] then "yes" else "no" end;


# ---- report.json ------------------------------------------------------------

def crash_sectors($class): .run.oracle.crashes.totals.sectors[$class];
def hung($op): .run.user[$op].hung;

# The run of variant $v in a compare.json with one profile.
def cmpv($v): .results[0].runs[] | select(.variant == $v);
# Read-back false-positive sectors of these variants, one value when they agree.
def fp_of($vs): [$vs[] as $v | cmpv($v).crashes.sectors.false_positive] | unique | map(tostring) | join(",");

# ---- docs/findings/media.md parts 3-5 --------------------------------------

def bound2: if . == 0 then "0" elif . == 1 then "1" else fixed(2) end;

# Bursts: "| rfc | 361/380 = 0.950 | [0.923, 0.968] | 7,389 | 20.5 |" over the files.
def burst_row($v):
  [.[] | cmp_run("ram"; $v).faults.bitrot] as $f
  | ($f | map(.false_positive) | add) as $k | ($f | map(.injected) | add) as $n
  | fp_sectors("ram"; $v) as $s | wilson($k; $n) as $ci
  | "| \($v) | \($k)/\($n) = \($k / $n | fixed(3)) | [\($ci[0] | bound), \($ci[1] | bound)] | \($s | commas) | \($s / $k | fixed(1)) |";

# Lost writes: "| rfc | det | stale | silent | FP | masked | stale / (det+stale+silent) [CI] |"
def lost_row($v):
  cmpv($v).faults.lost_write as $f | ($f.detected + $f.stale + $f.silent) as $n
  | wilson($f.stale; $n) as $ci
  | "| \($v) | \($f.detected) | \($f.stale) | \($f.silent) | \($f.false_positive) | \($f.masked) | \($f.stale / $n | fixed(3)) [\($ci[0] | bound), \($ci[1] | bound)] |";
def lost_stale($v): cmpv($v).faults.lost_write | "\(.stale) / \(.detected + .stale + .silent)";
def lost_rate($v): cmpv($v).faults.lost_write | (.stale / (.detected + .stale + .silent)) | fixed(3);
def lost_rate_ci($v):
  cmpv($v).faults.lost_write | (.detected + .stale + .silent) as $n | wilson(.stale; $n) as $ci
  | "\(.stale / $n | fixed(3)) [\($ci[0] | bound), \($ci[1] | bound)]";

# Misdirected writes: "det/stale/silent; FP; detection rate [CI]" per variant;
# .[0] is the scenario's compare, .[1] the one of fixed and rfc-unlock.
def misdirect_cell($v):
  cmpv($v).faults.misdirect as $f | $f.detection_rate as $r
  | "\($f.detected)/\($f.stale)/\($f.silent); \($f.false_positive); "
  + "\(($r.value // 0) | bound2) [\($r.ci95[0] | bound2), \($r.ci95[1] | bound2)]";
def misdirect_row($d):
  "| \($d) | "
  + ([(.[0] | misdirect_cell("rfc")), (.[1] | misdirect_cell("rfc-unlock")),
      (.[1] | misdirect_cell("fixed")), (.[0] | misdirect_cell("fixed-strong")),
      (.[0] | misdirect_cell("single")),
      (.[0] | cmpv("none").faults.misdirect | "\(.detected)/\(.stale)/\(.silent)")] | join(" | "))
  + " |";

# "61.3% [54.9, 67.3]" and "61.3%" from a rate object, as the examples README writes them.
def pct1: (. * 100 | fixed(1)) + "%";
def pct_ci_short: ((.value // 0) | pct1) + " [" + (.ci95[0] * 100 | fixed(1)) + ", " + (.ci95[1] * 100 | fixed(1)) + "]";
def ratio($p; $v; $m): cmp_run($p; $v).overhead.ratio_to_none[$m] | g3;

# ---- crash points (report.json) ----------------------------------------------

# Crash points whose read-back refused good data, over the files: "k/n".
def bitten: [.[] | .run.oracle.crashes.list[] | .oracle.sectors.false_positive > 0] | "\(map(select(.)) | length)/\(length)";
def bitten_ci:
  [.[] | .run.oracle.crashes.list[] | .oracle.sectors.false_positive > 0]
  | (map(select(.)) | length) as $k | length as $n | wilson($k; $n) as $ci
  | "\($k)/\($n), \($k / $n | fixed(3)) [\($ci[0] | bound), \($ci[1] | bound)]";
# The false-positive sectors of the crashes that bit: "min–max".
def bite_range: [.[] | .run.oracle.crashes.list[] | .oracle.sectors.false_positive | select(. > 0)] | "\(min)–\(max)";

# "7 of 55" / "0/55" for the crash exploration row of §12.1.
def viol($v): cmpv($v).crashes | "\(.violations)/\(.states)";

# Hung requests of a run over its requests, as a percentage with $d decimals
# and its interval with 2: "4/2055 requests hang (0.19% [0.08, 0.50])".
def hung_all: .run.user | .read.hung + .write.hung + .flush.hung + .discard.hung;
def hung_pct($d):
  hung_all as $k | .run.user.total_requests as $n | wilson($k; $n) as $ci
  | "\($k)/\($n)", "\($k / $n * 100 | fixed($d))% [\($ci[0] * 100 | fixed(2)), \($ci[1] * 100 | fixed(2))]";
