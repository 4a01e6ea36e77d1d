#!/usr/bin/env bash
# ACPI under UEFI through GRUB: there is no BIOS area to scan, so the RSDP
# must come from GRUB's multiboot 2 tag, and OVMF's is an ACPI 2.0 one
# with an XSDT. Builds its own small ISO (the acpi ktests on the command
# line), boots it under OVMF with -M q35 -smp 2. Run from the repo root
# after make.
cd "$(dirname "$0")/../.." || exit 1
ovmf=/usr/share/ovmf/OVMF.fd
[ -r "$ovmf" ] || { echo "acpi_uefi: $ovmf missing (run tools/deps.sh)"; exit 1; }
dir=build/test-logs
mkdir -p "$dir"
cfg=$dir/acpi_uefi-grub.cfg
iso=build/acpi-uefi-test.iso
cat > "$cfg" <<'CFG'
set timeout=0
set default=0
menuentry "Kestrel acpi ktests" {
	multiboot2 /boot/kernel.elf console=ttyS0 ktest=acpi.* ktest.expect_cpus=2 ktest.machine=q35
	boot
}
CFG
sh tools/mkiso.sh "$iso" build/kernel-test.elf "$cfg" > /dev/null || { echo "acpi_uefi: mkiso failed"; exit 1; }
log=$dir/acpi_uefi.log
tools/qemu-run -t 120 -o "$log" -- -M q35 -smp 2 -m 256M -bios "$ovmf" -cdrom "$iso"
st=$?
rm -rf "$iso" "${iso%.iso}.d" "$iso.log"
if [ "$st" -ne 33 ]; then
	echo "acpi_uefi: QEMU status $st (want 33): $(grep -a -m1 -E '^not ok|panic' "$log")"
	exit 1
fi
for re in "^ACPI: RSDP 0x[0-9a-f]+ 000024 \(v02 .*from the boot loader's copy" \
	  '^ACPI: XSDT 0x' '^ACPI: 2 CPUs in MADT \(2 enabled\)'; do
	if ! tr -d '\r' < "$log" | grep -Eq "$re"; then
		echo "acpi_uefi: no line matching '$re' in $log"
		exit 1
	fi
done
exit 0
