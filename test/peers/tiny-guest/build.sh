#!/bin/sh
# Builds a tiny real Linux guest for QEMU from Debian packages only: Debian's cloud kernel and
# busybox-static, fetched with `apt-get download` and unpacked with `dpkg -x` (nothing is installed).
# Needs the apt lists (`apt-get update` once). About 5 s the first time; later runs skip the work.
#
# Usage: build.sh OUTDIR   -> prints "OUTDIR/vmlinuz OUTDIR/initrd.gz"
#
# The guest prints `LEVANTE-GUEST-UP uptime=…` on ttyS0 once up, then `LEVANTE-GUEST-TICK n` every
# 5 s, and powers off on the ACPI power button (busybox acpid). It needs about 128 MiB of memory.
set -eu
OUT=$(realpath -m "${1:?usage: build.sh OUTDIR}")
mkdir -p "$OUT" && cd "$OUT"
if [ -s vmlinuz ] && [ -s initrd.gz ]; then echo "$OUT/vmlinuz $OUT/initrd.gz"; exit 0; fi

rm -rf dl k bb root && mkdir -p dl k bb root
KPKG=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}')
[ -n "$KPKG" ] || { echo 'apt knows no linux-image-cloud-amd64: run `apt-get update` first' >&2; exit 1; }
(cd dl && apt-get -qq -o APT::Sandbox::User=root download "$KPKG" busybox-static)
dpkg -x dl/linux-image-*.deb k && dpkg -x dl/busybox-static_*.deb bb
cp k/boot/vmlinuz-* vmlinuz.tmp

# initramfs tree: busybox + applet symlinks, the two modules acpid needs, power-button handler, /init
mkdir -p root/bin root/proc root/sys root/dev root/tmp root/var/run root/var/log root/lib/modules root/etc/acpi/PWRF
cp bb/bin/busybox root/bin/busybox
for a in $(root/bin/busybox --list); do [ "$a" = busybox ] || ln -sf busybox "root/bin/$a"; done
cp k/lib/modules/*/kernel/drivers/input/evdev.ko k/lib/modules/*/kernel/drivers/acpi/button.ko root/lib/modules/
printf '#!/bin/sh\npoweroff\n' > root/etc/acpi/PWRF/00000080   # busybox acpid runs this on the ACPI power button
cat > root/init <<'INIT'
#!/bin/sh
export PATH=/bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
insmod /lib/modules/evdev.ko; insmod /lib/modules/button.ko
acpid -l /dev/null                         # power button -> /etc/acpi/PWRF/00000080 -> poweroff
trap 'echo LEVANTE-GUEST-POWEROFF; sync; poweroff -f' USR2 TERM   # busybox `poweroff` signals PID 1 with USR2
echo "LEVANTE-GUEST-UP uptime=$(cut -d' ' -f1 /proc/uptime)"
n=0; while :; do sleep 1; n=$((n+1)); [ $((n % 5)) -eq 0 ] && echo "LEVANTE-GUEST-TICK $n"; done
INIT
chmod 755 root/init root/etc/acpi/PWRF/00000080
(cd root && find . | ./bin/busybox cpio -o -H newc | gzip -9) > initrd.gz.tmp   # busybox cpio: no host cpio needed
[ "$(wc -c < initrd.gz.tmp)" -gt 100000 ] || { echo 'initramfs build failed' >&2; exit 1; }
mv vmlinuz.tmp vmlinuz && mv initrd.gz.tmp initrd.gz
rm -rf k bb   # keep dl/ (the .debs) and root/ (the initramfs tree) for inspection
echo "$OUT/vmlinuz $OUT/initrd.gz"
