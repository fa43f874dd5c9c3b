#!/bin/sh
# Builds the benchmark VM's base initramfs from the host's Debian kernel:
# busybox-static, dmsetup, fio (with every shared library they need), the
# modules for virtio-blk, dm-mod and dm-log-writes, and guest-init.sh as /init.
# Needs: qemu-system-x86 linux-image-amd64 busybox-static dmsetup fio, a C
# compiler with a static libc (libc6-dev), cpio.
# Usage: build-vm.sh [WORKDIR]   (default /tmp/dmlw); writes WORKDIR/vm/.
# Not part of CI.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=${1:-/tmp/dmlw}
vm=$work/vm
kver=${KVER:-$(ls /lib/modules | sort -V | tail -1)}
kernel=/boot/vmlinuz-$kver
for f in "$kernel" /bin/busybox /usr/bin/fio /usr/sbin/dmsetup; do
  [ -e "$f" ] || { echo "build-vm.sh: missing $f" >&2; exit 2; }
done
command -v cpio >/dev/null || { echo "build-vm.sh: missing cpio" >&2; exit 2; }

rm -rf "$vm"
root=$vm/root
mkdir -p "$root"/bin "$root"/sbin "$root"/usr/bin "$root"/usr/sbin "$root"/proc \
  "$root"/sys "$root"/dev "$root"/tmp "$root"/modules "$root"/etc
. "$here/../vm-pack.sh"
pack_base "$root" /usr/bin/fio /usr/sbin/dmsetup
pack_modules "$kver" "$root" virtio_pci virtio_blk dm_log_writes
cc -O2 -Wall -Wextra -static -o "$root/usr/bin/now" "$here/now.c"
cp "$here/guest-init.sh" "$root/init"
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) > "$vm/base.cpio"
cp "$kernel" "$vm/vmlinuz"
echo "$kver" > "$vm/kernel-version"
echo "build-vm.sh: $vm/vmlinuz ($kver), $vm/base.cpio ($(du -h "$vm/base.cpio" | cut -f1)), modules: $(tr '\n' ' ' < "$root/modules.order")"
