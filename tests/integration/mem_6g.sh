#!/usr/bin/env bash
# 6 GiB of RAM, most of it above 4 GiB: every byte is counted
# (`Memory: N MiB usable` with N > 5900) and managed in two zones, and
# the buddy ktests pass over all of it. Booted directly on -M pc (RAM
# split at 3 GiB) and -M q35 (split at 2 GiB), and through GRUB
# (multiboot 2 memory map) from the test ISO when it was built.
. "$(dirname "$0")/lib.bash"

check_6g() {
	local n
	expect_line '^Memory: [0-9]+ MiB usable$' "'Memory: N MiB usable' line ($1)"
	n=$(log_text | sed -n 's/^Memory: \([0-9][0-9]*\) MiB usable$/\1/p' | head -n1)
	[ "$n" -gt 5900 ] && [ "$n" -le 6144 ] || fail "$1: -m 6G counted $n MiB usable, wanted 5901..6144"
	expect_line '^  zone DMA32 ' "DMA32 zone line ($1)"
	expect_line '^  zone Normal +\[mem 0x0100000000-' "Normal zone above 4 GiB ($1)"
	expect_clean_log
}

boot_kernel 90 "console=ttyS0 ktest=buddy.*" -m 6G
expect_status 33
check_6g "-M pc"

boot_kernel 90 "console=ttyS0 ktest=buddy.*" -m 6G -M q35
expect_status 33
check_6g "-M q35"

iso=build/kestrel-test.iso
if [ -f "$iso" ]; then
	boot 90 -m 6G -M q35 -cdrom "$iso"
	expect_status 33
	check_6g "GRUB ISO, -M q35"
else
	echo "note: $iso not built (make test-iso): GRUB boot skipped"
fi
pass
