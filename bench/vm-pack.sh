# Helpers sourced by the benchmark VMs' build-vm.sh scripts
# (bench/dm-log-writes, bench/dm-integrity): fill an initramfs root.

# pack_base ROOT BIN...: busybox (with its applet links), the binaries at
# their paths, and every shared library they need, with the loader, at the
# paths ldd reports.
pack_base() {
  root=$1; shift
  cp /bin/busybox "$root/bin/busybox"
  for a in $("$root/bin/busybox" --list); do
    [ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
  done
  for b in "$@"; do cp "$b" "$root$b"; done
  for lib in $(ldd "$@" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// && $1 !~ /:$/ {print $1}' | sort -u); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
  mkdir -p "$root/lib64"
  [ -e "$root/lib64/ld-linux-x86-64.so.2" ] || cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
}

# pack_modules KVER ROOT MODULE...: the modules and their dependencies,
# uncompressed, into ROOT/modules, their load order (modprobe --show-depends
# prints insmod lines) into ROOT/modules.order.
pack_modules() {
  kver=$1 root=$2; shift 2
  : > "$root/modules.order"
  for m in "$@"; do
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
}
