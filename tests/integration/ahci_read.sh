#!/usr/bin/env bash
# Reading an AHCI disk from user space under -smp 4: a 64 MiB image of
# random bytes made here, `dd if=/dev/sda bs=1M | sha256sum` in the guest
# (through the page cache), the same with iflag=direct (O_DIRECT: straight
# to the device), and four O_DIRECT readers of a quarter each at once (NCQ
# commands from four CPUs) all give the host's sha256 of the same bytes.
# Twice: on q35's built-in ICH9 controller (with a CD on another port,
# which the kernel names and skips) and on `-device ahci` under -M pc.
# /proc/partitions lists sda as Linux does (major 8, 1 KiB blocks).
here=$(dirname "$0")
. "$here/lib.bash"
. "$here/disk_lib.bash"

img=$(disk_image disk random 64)
cd_img=$(disk_image cd zero 4)
whole=$(sha256_of "$img")
quarter() { sha256_of "$img" $(($1 * 16 << 20)) $((16 << 20)); }

guest_script <<'SCRIPT'
grep -E ' sd[a-z]+$' /proc/partitions | sed 's/^/part: /'
echo "buffered: $(dd if=/dev/sda bs=1M 2>/dev/null | sha256sum | cut -d' ' -f1)"
echo "direct: $(dd if=/dev/sda bs=1M iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)"
for q in 0 1 2 3; do
	(echo "quarter $q: $(dd if=/dev/sda bs=256k skip=$((q * 64)) count=64 iflag=direct 2>/dev/null |
		sha256sum | cut -d' ' -f1)") &
done
wait
echo "reads done"
SCRIPT

check_reads() {
	expect_line '^reads done$' "the end of the script"
	expect_exact_line "part:    8        0      65536 sda" "sda in /proc/partitions"
	expect_exact_line "buffered: $whole" "the buffered read's sha256"
	expect_exact_line "direct: $whole" "the O_DIRECT read's sha256"
	for q in 0 1 2 3; do
		expect_exact_line "quarter $q: $(quarter $q)" "quarter $q's sha256"
	done
	expect_line '^ata[0-9]+\.00: \[sda\] 131072 512-byte logical blocks: \(67\.1 MB/64\.0 MiB\)$' \
		"the disk's size line"
	expect_status 0
	expect_clean_log
}

# q35: the built-in controller, disk on port 0, CD on port 2.
boot_guest 240 -M q35 -smp 4 $(ahci_q35_disk "$img" 0) \
	-drive file="$cd_img",if=none,id=cd0,format=raw,media=cdrom -device ide-cd,drive=cd0,bus=ide.2
check_reads
expect_line '^pci 0000:00:1f\.2: AHCI 0001\.0000 32 slots 6 ports 1\.5 Gbps 0x3f impl SATA mode$' \
	"the ICH9 controller's line"
expect_line '^ata1\.00: ATA-[0-9]+: QEMU HARDDISK, ' "the disk's IDENTIFY line"
expect_line '^ata1\.00: 131072 sectors, multi [0-9]+: LBA48 NCQ \(depth 32\)$' "NCQ in use"
expect_line '^ata3\.00: ATAPI: QEMU DVD-ROM' "the CD's IDENTIFY PACKET line"
expect_exact_line 'ata3.00: ATAPI devices (CD/DVD) are not supported: skipped' "the CD skipped"
expect_line '^ata2: SATA link down' "an empty port"

# pc: -device ahci.
boot_guest 240 -M pc -smp 4 $(ahci_hba ahci0) $(ahci_hba_disk ahci0 "$img" 0)
check_reads
expect_line '^pci 0000:00:[0-9a-f]{2}\.0: \[8086:2922\]' "the -device ahci controller"
pass
