#!/bin/sh
# Runs the fixed workload (workload.txt) through the real kernel's
# dm-integrity in mode J, B or D, over dm-log-writes, in a qemu guest, and
# turns the log into the capture the ctest replays (tests/core/
# test_dmi_kernel.c): the sub-I/O stream per request and the device images
# at the marks "start", "end" and "closed" (docs/DMINTEGRITY.md, "Checked
# against the kernel"). Not part of CI.
# Usage: run.sh MODE   (J, B or D; after build-vm.sh)
# Environment (defaults): WORK=/tmp/dmi-vm, DATA_SIZE=32M, LOG_SIZE=256M,
#   ACCEL=tcg (kvm where it works), CPU=max, MEM=512, SMP=1, TIMEOUT=1800,
#   OPTS (the table's optional arguments, see below), OUT=captures/
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mode=${1:?usage: run.sh J|B|D}
case "$mode" in J|B|D) ;; *) echo "run.sh: mode must be J, B or D" >&2; exit 2 ;; esac
WORK=${WORK:-/tmp/dmi-vm}
DATA_SIZE=${DATA_SIZE:-32M}
LOG_SIZE=${LOG_SIZE:-256M}
ACCEL=${ACCEL:-tcg}
CPU=${CPU:-max}
MEM=${MEM:-512}
SMP=${SMP:-1}
TIMEOUT=${TIMEOUT:-1800}
OUT=${OUT:-$here/captures}
# Timers far beyond the run, so that only the workload's flushes and the
# watermark commit (the model's timers run on simulated time, the guest's
# on TCG wall time: they would not fire at the same requests).
OPTS=${OPTS:-"internal_hash:crc32c journal_sectors:704 commit_time:600000"}
[ "$mode" = B ] && OPTS="$OPTS bitmap_flush_interval:600000"
vm=$WORK/vm
[ -f "$vm/base.cpio" ] || { echo "run.sh: run build-vm.sh first" >&2; exit 2; }
out=$WORK/$mode
rm -rf "$out"
mkdir -p "$out/extra"
cp "$here/workload.txt" "$out/extra/workload.txt"
printf 'MODE=%s\nOPTS="%s"\n' "$mode" "$OPTS" > "$out/extra/run.conf"
(cd "$out/extra" && printf '%s\n' run.conf workload.txt | cpio -o -H newc --quiet) > "$out/extra.cpio"
cat "$vm/base.cpio" "$out/extra.cpio" > "$out/initrd"
truncate -s "$DATA_SIZE" "$out/data.img"
truncate -s "$LOG_SIZE" "$out/log.img"
t0=$(date +%s)
timeout "$TIMEOUT" qemu-system-x86_64 -accel "$ACCEL" -cpu "$CPU" -smp "$SMP" -m "$MEM" \
  -nodefaults -display none -serial stdio -no-reboot \
  -kernel "$vm/vmlinuz" -initrd "$out/initrd" \
  -append "console=ttyS0 quiet loglevel=3 panic=-1" \
  -drive "file=$out/data.img,format=raw,if=virtio,cache=writeback" \
  -drive "file=$out/log.img,format=raw,if=virtio,cache=writeback" \
  < /dev/null > "$out/console.log" 2>&1 || true
t1=$(date +%s)
tr -d '\r' < "$out/console.log" > "$out/console.txt"
grep -q '^DMI done' "$out/console.txt" || {
  echo "run.sh: the guest did not finish; see $out/console.txt" >&2
  grep '^DMI error' "$out/console.txt" >&2 || tail -20 "$out/console.txt" >&2
  exit 1
}
cc -O2 -Wall -Wextra -o "$WORK/dmi_capture" "$here/dmi_capture.c"
"$WORK/dmi_capture" "$out/log.img" "$out" $(($(stat -c %s "$out/data.img") / 512)) > "$out/capture.txt"
# the log replayed to the end must be the guest's final disk
cmp "$out/closed.img" "$out/data.img" || { echo "run.sh: log replay differs from the disk" >&2; exit 1; }
mkdir -p "$OUT"
{
  echo "# dm-integrity mode $mode, kernel $(cat "$vm/kernel-version"), qemu $ACCEL, $((t1 - t0)) s"
  grep '^DMI ' "$out/console.txt" | grep -v '^DMI done'
  cat "$out/capture.txt"
} > "$OUT/$mode.ios.txt"
for m in start end closed; do xz -9e -T1 -c "$out/$m.img" > "$OUT/$mode.$m.img.xz"; done
ls -l "$OUT"/"$mode".*
