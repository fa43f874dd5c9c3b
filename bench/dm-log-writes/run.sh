#!/bin/sh
# Replays one trace on a real kernel through dm-log-writes (in a KVM guest),
# then replays the resulting log crash state by crash state on the host with
# dmlw_replay, timing each step. The reference a user without csumsim would
# use; see docs/BENCH-dm-log-writes.md. Not part of CI.
#
# Usage: run.sh TRACE [NAME]
#   TRACE: any trace csumsim converts (e.g. traces/data/ext4-sqlite.blkparse.txt.xz),
#          or "boot" for a run that boots, sets up dm-log-writes and powers off.
# Environment (defaults):
#   WORK=/tmp/dmlw            scratch dir (disks, logs, results); build-vm.sh output in WORK/vm
#   CSUMSIM=$WORK/build/cli/csumsim
#   DATA_SIZE=512M LOG_SIZE=1G  raw disk images (the bundled traces are of a 512 MiB device)
#   CACHE=writeback           qemu cache mode of both disks (none = O_DIRECT on the host)
#   FIO_ENGINE=psync FIO_DEPTH=1
#   FUA_SYNC=1                a FUA write is followed by a sync in the iolog (see the awk)
#   POINTS=100                crash states checked by dmlw_replay (evenly over the flush entries; 0 = all)
#   MEM=1024 SMP=2            guest memory (MiB) and CPUs
#   ACCEL=kvm                 kvm, or tcg (software emulation, much slower guest)
#   CPU=host,-arch-capabilities for kvm (plain "host" aborts under nested KVM: MSR 0x10a),
#       max for tcg
#   TIMEOUT=900               seconds before the guest is killed (a hung boot fails the run)
# Writes WORK/NAME/{console.log,results.txt,replay-*.txt,*.csv}.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
WORK=${WORK:-/tmp/dmlw}
CSUMSIM=${CSUMSIM:-$WORK/build/cli/csumsim}
DATA_SIZE=${DATA_SIZE:-512M}
LOG_SIZE=${LOG_SIZE:-1G}
CACHE=${CACHE:-writeback}
FIO_ENGINE=${FIO_ENGINE:-psync}
FIO_DEPTH=${FIO_DEPTH:-1}
FUA_SYNC=${FUA_SYNC:-1}
POINTS=${POINTS:-100}
ACCEL=${ACCEL:-kvm}
case "$ACCEL" in
  kvm) CPU=${CPU:-host,-arch-capabilities} ;;
  tcg) CPU=${CPU:-max} ;;
  *) echo "run.sh: ACCEL must be kvm or tcg" >&2; exit 2 ;;
esac
TIMEOUT=${TIMEOUT:-900}
MEM=${MEM:-1024}
SMP=${SMP:-2}

[ $# -ge 1 ] || { sed -n '2,/^set -eu/p' "$0" | sed '$d' >&2; exit 2; }
trace=$1
name=${2:-$(basename "$trace" | sed 's/\..*//')}
vm=$WORK/vm
[ -f "$vm/base.cpio" ] || { echo "run.sh: run build-vm.sh first ($vm/base.cpio missing)" >&2; exit 2; }
[ "$ACCEL" = tcg ] || [ -w /dev/kvm ] || { echo "run.sh: /dev/kvm is not usable: no KVM acceleration (try ACCEL=tcg)" >&2; exit 2; }
out=$WORK/$name
rm -rf "$out"
mkdir -p "$out/extra"

# 1. The trace as a fio iolog v2.
if [ "$trace" = boot ]; then
  mode=boot
  printf 'fio version 2 iolog\n' > "$out/extra/trace.iolog"
else
  mode=replay
  "$CSUMSIM" convert "$trace" -o "$out/trace.cstrace"
  awk -v dev=/dev/trace -v fua="$FUA_SYNC" -f "$here/cstrace-to-iolog.awk" \
    "$out/trace.cstrace" > "$out/extra/trace.iolog" 2> "$out/iolog.txt"
  cat "$out/iolog.txt"
fi
printf 'MODE=%s\nFIO_ENGINE=%s\nFIO_DEPTH=%s\n' "$mode" "$FIO_ENGINE" "$FIO_DEPTH" > "$out/extra/run.conf"
(cd "$out/extra" && printf '%s\n' run.conf trace.iolog | cpio -o -H newc --quiet) > "$out/extra.cpio"
cat "$vm/base.cpio" "$out/extra.cpio" > "$out/initrd"

# 2. Fresh, zeroed (sparse) disks.
rm -f "$out/data.img" "$out/log.img"
truncate -s "$DATA_SIZE" "$out/data.img"
truncate -s "$LOG_SIZE" "$out/log.img"

# 3. Boot, replay, power off.
t0=$(date +%s.%N)
timeout "$TIMEOUT" qemu-system-x86_64 -accel "$ACCEL" -cpu "$CPU" -smp "$SMP" -m "$MEM" \
  -nodefaults -display none -serial stdio -no-reboot \
  -kernel "$vm/vmlinuz" -initrd "$out/initrd" \
  -append "console=ttyS0 quiet loglevel=3 panic=-1" \
  -drive "file=$out/data.img,format=raw,if=virtio,cache=$CACHE" \
  -drive "file=$out/log.img,format=raw,if=virtio,cache=$CACHE" \
  < /dev/null > "$out/console.log" 2>&1 || true
t1=$(date +%s.%N)
tr -d '\r' < "$out/console.log" > "$out/console.txt"
grep -q '^DMLW done' "$out/console.txt" || {
  echo "run.sh: the guest did not finish; see $out/console.log" >&2
  grep '^DMLW error' "$out/console.txt" >&2 || tail -20 "$out/console.txt" >&2
  exit 1
}
g() { awk -v k="$1" '$1 == "DMLW" && $2 == k {print $3; exit}' "$out/console.txt"; }
t_init=$(g t_init); t_modules=$(g t_modules); t_ready=$(g t_ready)
t_fio=$(g t_fio_done); t_removed=$(g t_removed)
status=$(awk '$1 == "DMLW" && $2 == "status" {$1 = $2 = ""; print; exit}' "$out/console.txt")

{
  echo "trace=$trace"
  echo "mode=$mode"
  echo "kernel=$(cat "$vm/kernel-version")"
  echo "accel=$ACCEL cpu=$CPU smp=$SMP mem=$MEM"
  echo "cache=$CACHE fio_engine=$FIO_ENGINE fio_depth=$FIO_DEPTH fua_sync=$FUA_SYNC"
  echo "host_wall_s=$(echo "$t1 - $t0" | bc -l)"
  echo "guest_t_init_s=$t_init"
  echo "guest_modules_s=$(echo "$t_modules - $t_init" | bc -l)"
  echo "guest_dm_setup_s=$(echo "$t_ready - $t_modules" | bc -l)"
  echo "guest_t_removed_s=$t_removed"
  echo "dm_status=$status"
  if [ "$mode" = replay ]; then
    reqs=$(grep -cE ' (read|write|trim|sync) ' "$out/extra/trace.iolog")
    # fio terse v3: field 6 read kB, 7 read bw, 8 read IOPS, 9 read runtime ms;
    # 47-50 the same for writes.
    terse=$(awk '$1 == "DMLW" && $2 == "fio_terse" {$1 = $2 = ""; sub(/^ +/, ""); print; exit}' "$out/console.txt")
    recs=$(grep -vc '^#' "$out/trace.cstrace")
    echo "trace_records=$recs"
    echo "iolog_requests=$reqs"
    echo "fio_read_ios=$(echo "$terse" | awk -F';' '{print $6 "KiB " $8 "iops " $9 "ms"}')"
    echo "fio_write_ios=$(echo "$terse" | awk -F';' '{print $47 "KiB " $49 "iops " $50 "ms"}')"
    echo "guest_fio_s=$(echo "$t_fio - $t_ready" | bc -l)"
    echo "guest_remove_s=$(echo "$t_removed - $t_fio" | bc -l)"
    echo "guest_replay_s=$(echo "$t_removed - $t_ready" | bc -l)"
    echo "requests_per_s=$(echo "$reqs / ($t_removed - $t_ready)" | bc -l | xargs printf '%.0f')"
    echo "trace_records_per_s=$(echo "$recs / ($t_removed - $t_ready)" | bc -l | xargs printf '%.0f')"
    echo "overhead_s=$(echo "($t1 - $t0) - ($t_removed - $t_ready)" | bc -l)"
  fi
  echo "log_file_allocated_bytes=$(du -B1 "$out/log.img" | cut -f1)"
} > "$out/results.txt"

# 4. Crash states, the xfstests way, on the host.
if [ "$mode" = replay ]; then
  cc -O2 -Wall -Wextra -o "$WORK/dmlw_replay" "$here/dmlw_replay.c"
  sectors=$(( $(stat -c %s "$out/data.img") / 512 ))
  for how in incremental from-scratch; do
    flag=; [ "$how" = from-scratch ] && flag=--from-scratch
    "$WORK/dmlw_replay" --log "$out/log.img" --replay "$out/replay.img" --sectors "$sectors" \
      --check-at flush --points "$POINTS" $flag --verify "$out/data.img" \
      --csv "$out/states-$how.csv" > "$out/replay-$how.txt"
  done
  rm -f "$out/replay.img"
fi
cat "$out/results.txt"
[ "$mode" = replay ] && cat "$out/replay-incremental.txt" && grep -E '^(mode|points|replay_s|check_s|total_s|mean_state_s|states_per_s|sectors_checked_per_s|verify)=' "$out/replay-from-scratch.txt"
exit 0
