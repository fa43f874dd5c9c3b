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
cp /bin/busybox "$root/bin/busybox"
for a in $("$root/bin/busybox" --list); do
  [ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done
cp /usr/sbin/dmsetup "$root/usr/sbin/dmsetup"
for lib in $(ldd /usr/sbin/dmsetup | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// && $1 !~ /:$/ {print $1}' | sort -u); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
mkdir -p "$root/lib64"
[ -e "$root/lib64/ld-linux-x86-64.so.2" ] || cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
# Modules in dependency order; crc32c_generic by hand: dm-integrity asks the
# crypto API for "crc32c", which would modprobe it (no modprobe in /init).
: > "$root/modules.order"
for m in virtio_pci virtio_blk dm_log_writes crc32c_generic dm_integrity; do
  modprobe -S "$kver" --show-depends "$m" | awk '$1 == "insmod" {print $2}'
done | awk '!seen[$0]++' | while read -r ko; do
  case "$ko" in
    *.ko) cp "$ko" "$root/modules/" ;;
    *.ko.xz) xz -dc "$ko" > "$root/modules/$(basename "$ko" .xz)"; ko=${ko%.xz} ;;
    *.ko.zst) zstd -qdc "$ko" > "$root/modules/$(basename "$ko" .zst)"; ko=${ko%.zst} ;;
    *) echo "build-vm.sh: unexpected module $ko" >&2; exit 2 ;;
  esac
  basename "$ko" >> "$root/modules.order"
done
cc -O2 -Wall -Wextra -static -o "$root/usr/bin/dmi_load" "$here/dmi_load.c"
cp "$here/guest-init.sh" "$root/init"
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) > "$vm/base.cpio"
cp "$kernel" "$vm/vmlinuz"
echo "$kver" > "$vm/kernel-version"
echo "build-vm.sh: $vm/vmlinuz ($kver), $vm/base.cpio ($(du -h "$vm/base.cpio" | cut -f1)), modules: $(tr '\n' ' ' < "$root/modules.order")"
