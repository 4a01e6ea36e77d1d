#!/bin/sh
# tools/mkiso.sh OUT.iso KERNEL GRUB_CFG [GRUB_MKRESCUE [INITRAMFS]]
#
# Build a hybrid GRUB rescue image holding /boot/kernel.elf,
# /boot/grub/grub.cfg and, when given, /boot/initramfs.cpio (grub.cfg loads
# it as a module: the kernel unpacks the first module as its initramfs). grub-mkrescue puts both a BIOS (El Torito + MBR)
# and a UEFI (EFI system partition) boot path in it, so the same file
# boots under SeaBIOS, OVMF and from a USB stick written with dd.
set -eu
out=$1 kernel=$2 cfg=$3 mkrescue=${4:-grub-mkrescue} initrd=${5:-}
stage=${out%.iso}.d
rm -rf "$stage"
mkdir -p "$stage/boot/grub"
cp "$kernel" "$stage/boot/kernel.elf"
cp "$cfg" "$stage/boot/grub/grub.cfg"
[ -n "$initrd" ] && cp "$initrd" "$stage/boot/initramfs.cpio"
if ! "$mkrescue" -o "$out.tmp" "$stage" > "$out.log" 2>&1; then
	cat "$out.log" >&2
	echo "mkiso: $mkrescue failed (needs grub-pc-bin, grub-efi-amd64-bin, xorriso, mtools: run tools/deps.sh)" >&2
	rm -f "$out.tmp"
	exit 1
fi
mv "$out.tmp" "$out"
