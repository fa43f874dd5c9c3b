#!/bin/sh
# /init of the benchmark VM (busybox sh). Loads virtio + dm-log-writes, puts
# log-writes over /dev/vda (data) with /dev/vdb as the log, replays
# /trace.iolog with fio, adds marks, removes the target (which writes the
# final super and the "dm-log-writes-end" mark) and powers off.
# Lines starting with "DMLW " are read by run.sh.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "DMLW t_init $(now)"
MODE=replay; FIO_ENGINE=psync; FIO_DEPTH=1
[ -f /run.conf ] && . /run.conf

fail() { echo "DMLW error $*"; poweroff -f; }

for m in $(cat /modules.order); do insmod "/modules/$m" || fail "insmod $m"; done
i=0
while [ ! -b /dev/vdb ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
[ -b /dev/vda ] && [ -b /dev/vdb ] || fail "virtio disks did not appear"
SECTORS=$(cat /sys/block/vda/size)
echo "DMLW t_modules $(now)"

dmsetup create lw --table "0 $SECTORS log-writes /dev/vda /dev/vdb" || fail "dmsetup create"
DEV=/dev/mapper/lw
[ -b "$DEV" ] || DEV=/dev/dm-0
dmsetup message lw 0 mark start || fail "mark start"
echo "DMLW write_cache vda=$(cat /sys/block/vda/queue/write_cache) vdb=$(cat /sys/block/vdb/queue/write_cache) dm=$(cat /sys/block/dm-0/queue/write_cache)"
echo "DMLW t_ready $(now)"

if [ "$MODE" = replay ]; then
  fio --name=replay --read_iolog=/trace.iolog --replay_redirect="$DEV" \
      --replay_no_stall=1 --ioengine="$FIO_ENGINE" --iodepth="$FIO_DEPTH" \
      --direct=1 --output-format=terse --terse-version=3 > /fio.terse 2> /fio.err \
    || { cat /fio.err; fail "fio"; }
  # fio skips iolog lines it does not understand and still exits 0.
  [ -s /fio.err ] && sed 's/^/DMLW fio_err /' /fio.err
  echo "DMLW t_fio_done $(now)"
  echo "DMLW fio_terse $(cat /fio.terse)"
  dmsetup message lw 0 mark end || fail "mark end"
fi
echo "DMLW status $(dmsetup status lw)"
dmsetup remove lw || fail "dmsetup remove"
echo "DMLW t_removed $(now)"
echo "DMLW done"
poweroff -f
