#!/bin/sh
# Builds the dm-integrity comparison VM's initramfs from the host's Debian
# kernel: busybox-static, dmsetup (with its shared libraries), the modules
# for virtio-blk, dm-log-writes, dm-integrity and crc32c, the static
# workload tool dmi_load, and guest-init.sh as /init. The workload file and
# run.conf are appended per run by run.sh. Not part of CI.
# Needs: linux-image-amd64 busybox-static dmsetup kmod cpio, a C compiler
# with a static libc. Usage: build-vm.sh [WORKDIR] (default /tmp/dmi-vm).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=${1:-/tmp/dmi-vm}
vm=$work/vm
kver=${KVER:-$(ls /lib/modules | sort -V | tail -1)}
kernel=/boot/vmlinuz-$kver
for f in "$kernel" /bin/busybox /usr/sbin/dmsetup; do
  [ -e "$f" ] || { echo "build-vm.sh: missing $f" >&2; exit 2; }
done
command -v cpio >/dev/null || { echo "build-vm.sh: missing cpio" >&2; exit 2; }

rm -rf "$vm"
root=$vm/root
mkdir -p "$root"/bin "$root"/sbin "$root"/usr/bin "$root"/usr/sbin "$root"/proc \
  "$root"/sys "$root"/dev "$root"/tmp "$root"/modules
. "$here/../vm-pack.sh"
pack_base "$root" /usr/sbin/dmsetup
# crc32c_generic by hand: dm-integrity asks the crypto API for "crc32c",
# which would modprobe it (no modprobe in /init).
pack_modules "$kver" "$root" virtio_pci virtio_blk dm_log_writes crc32c_generic dm_integrity
cc -O2 -Wall -Wextra -static -o "$root/usr/bin/dmi_load" "$here/dmi_load.c"
cp "$here/guest-init.sh" "$root/init"
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) > "$vm/base.cpio"
cp "$kernel" "$vm/vmlinuz"
echo "$kver" > "$vm/kernel-version"
echo "build-vm.sh: $vm/vmlinuz ($kver), $vm/base.cpio ($(du -h "$vm/base.cpio" | cut -f1)), modules: $(tr '\n' ' ' < "$root/modules.order")"
