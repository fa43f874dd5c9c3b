#!/usr/bin/awk -f
# csumsim native trace (docs/TRACES.md, "native") -> fio iolog v2.
# fio iolog v2 has no flush flag, so ordering points become `sync` (fsync(2)
# on the block device = one empty REQ_PREFLUSH bio):
#   f (empty flush)           -> sync
#   w with P (PREFLUSH)       -> sync, then the write
#   w with F (FUA)            -> the write, then sync   (only if fua=1, default)
# fio 3.33 takes sync only in the 4-field form (`FILE sync 0 0`); a bare `sync`
# line is skipped with "bad iolog file action" and fio still exits 0.
# Two syncs in a row collapse into one. No `wait` lines: the replay runs as
# fast as the device allows (fio's replay_no_stall would drop them anyway).
# With -v idx=FILE, line i of FILE is how many log entries (writes and
# syncs, after dm-log-writes' first mark) come before trace record i: the
# state "before record i" is the log replayed through that entry.
# Usage: awk -v dev=/dev/trace [-v fua=0] [-v idx=FILE] -f cstrace-to-iolog.awk IN > OUT
BEGIN {
  if (dev == "") dev = "/dev/trace"
  if (fua == "") fua = 1
  print "fio version 2 iolog"
  print dev " add"
  print dev " open"
  last_sync = 1   # a sync right after open would be a no-op; skip it
}
function do_sync() { if (!last_sync) { print dev " sync 0 0"; nsync++; logged++ } last_sync = 1 }
function io(what, sec, cnt) {
  printf "%s %s %d %d\n", dev, what, sec * 512, cnt * 512
  if (what != "read") logged++
  last_sync = 0
}
/^#/ || NF == 0 { next }
idx != "" { print logged > idx }
NF != 5 { printf "%s:%d: expected 5 fields, got %d\n", FILENAME, FNR, NF > "/dev/stderr"; exit 2 }
$2 == "r" { io("read", $3, $4); nr++; next }
$2 == "d" { io("trim", $3, $4); nd++; next }
$2 == "f" { do_sync(); nf++; next }
$2 == "w" {
  if (index($5, "P")) do_sync()
  io("write", $3, $4); nw++
  if (fua && index($5, "F")) do_sync()
  next
}
{ printf "%s:%d: unknown op '%s'\n", FILENAME, FNR, $2 > "/dev/stderr"; exit 2 }
END {
  print dev " close"
  printf "iolog: %d reads, %d writes, %d trims, %d empty flushes in; %d syncs out\n", \
    nr, nw, nd, nf, nsync > "/dev/stderr"
}
