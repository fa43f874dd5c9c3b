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
cp /bin/busybox "$root/bin/busybox"
for a in $("$root/bin/busybox" --list); do
  [ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done
cp /usr/bin/fio "$root/usr/bin/fio"
cp /usr/sbin/dmsetup "$root/usr/sbin/dmsetup"
# Shared libraries, and the loader, at the paths ldd reports.
for lib in $(ldd /usr/bin/fio /usr/sbin/dmsetup | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// && $1 !~ /:$/ {print $1}' | sort -u); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
mkdir -p "$root/lib64"
[ -e "$root/lib64/ld-linux-x86-64.so.2" ] || cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
# Modules in dependency order (modprobe --show-depends prints insmod lines).
: > "$root/modules.order"
for m in virtio_pci virtio_blk dm_log_writes; do
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
cc -O2 -Wall -Wextra -static -o "$root/usr/bin/now" "$here/now.c"
cp "$here/guest-init.sh" "$root/init"
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) > "$vm/base.cpio"
cp "$kernel" "$vm/vmlinuz"
echo "$kver" > "$vm/kernel-version"
echo "build-vm.sh: $vm/vmlinuz ($kver), $vm/base.cpio ($(du -h "$vm/base.cpio" | cut -f1)), modules: $(tr '\n' ' ' < "$root/modules.order")"
