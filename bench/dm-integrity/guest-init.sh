#!/bin/sh
# /init of the dm-integrity comparison VM (busybox sh). /dev/vda is the
# device dm-integrity formats, /dev/vdb the dm-log-writes log; dm-integrity
# sits on dm-log-writes, so the log holds every write it issues, with its
# flags, in completion order. Marks: "format" (the kernel formats the zeroed
# device itself), "start" (formatted and closed; the table is loaded again),
# "r<N>" before each workload request, "end" after the last, "closed" after
# dmsetup remove. Lines starting with "DMI " are read by run.sh.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
MODE=J; OPTS="internal_hash:crc32c"
[ -f /run.conf ] && . /run.conf

fail() { echo "DMI error $*"; poweroff -f; }

for m in $(cat /modules.order); do insmod "/modules/$m" || fail "insmod $m"; done
i=0
while [ ! -b /dev/vdb ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
[ -b /dev/vda ] && [ -b /dev/vdb ] || fail "virtio disks did not appear"
SECTORS=$(cat /sys/block/vda/size)
NOPTS=$(echo $OPTS | wc -w)

dmsetup create lw --table "0 $SECTORS log-writes /dev/vda /dev/vdb" || fail "dmsetup create lw"
dmsetup mknodes
dmsetup message lw 0 mark format || fail "mark format"
dmsetup create dmi --table "0 8 integrity /dev/mapper/lw 0 4 $MODE $NOPTS $OPTS" || fail "format"
dmsetup mknodes
echo "DMI status_format $(dmsetup status dmi)"
PROVIDED=$(dmsetup status dmi | awk '{print $5}')
dmsetup remove dmi || fail "remove after format"
dmsetup message lw 0 mark start || fail "mark start"
TABLE="0 $PROVIDED integrity /dev/mapper/lw 0 4 $MODE $NOPTS $OPTS"
echo "DMI table $TABLE"
dmsetup create dmi --table "$TABLE" || fail "open"
dmsetup mknodes
dmi_load /workload.txt /dev/mapper/dmi lw || fail "dmi_load"
echo "DMI status_end $(dmsetup status dmi)"
dmsetup remove dmi || fail "remove"
dmsetup message lw 0 mark closed || fail "mark closed"
echo "DMI lw_status $(dmsetup status lw)"
dmsetup remove lw || fail "remove lw"
echo "DMI done"
poweroff -f
