#!/usr/bin/env bash
# Writing AHCI disks from user space, two disks at once, checked on the
# images after QEMU exits. Under -M q35 -smp 4: sda on a second
# controller, -device ahci (64 MiB of random bytes; the controller sits at
# a lower PCI address than the built-in one, so it is probed first, as on
# Linux), sdb on q35's built-in ICH9 controller at 00:1f.2 (32 MiB, an
# MBR made here with sfdisk: sdb1 16 MiB, sdb2 15 MiB). In the guest, at
# once:
#  - four processes write their own 8 MiB of sda, a pattern whose every
#    32-byte line names its writer and its number: one through the page
#    cache left for sync(2), one with O_DIRECT in 64 KiB blocks, one
#    through the page cache with fsync, one with O_DIRECT in 4 KiB blocks;
#  - a fifth writes 8 MiB into sdb2 with O_DIRECT and a sixth reads sdb1;
# then `sync`, and init powers off. The host finds every pattern where it
# was written (the same busybox awk makes it here), the rest of both
# images untouched, sdb1's sha256 as read in the guest, and the
# partitions in /proc/partitions with Linux's sizes.
here=$(dirname "$0")
. "$here/lib.bash"
. "$here/disk_lib.bash"
command -v sfdisk > /dev/null || fail "no sfdisk: install fdisk (tools/deps.sh)"

sda=$(disk_image sda random 64)
sdb=$(disk_image sdb random 32)
printf 'label: dos\nstart=2048, size=32768, type=83\nstart=34816, type=83\n' |
	sfdisk -q "$sdb" > /dev/null || fail "sfdisk could not partition $sdb"
cp "$sda" "$LOG_DIR/$TEST_NAME-sda.orig"
cp "$sdb" "$LOG_DIR/$TEST_NAME-sdb.orig"
sdb1_sum=$(sha256_of "$sdb" $((2048 * 512)) $((16 << 20)))

# pattern W: 8 MiB of 32-byte lines "wW 0000...N\n"
pattern() {
	"$BUSYBOX" awk -v w="$1" 'BEGIN { for (i = 0; i < 262144; i++) printf "w%d %028d\n", w, i }'
}

guest_script <<'SCRIPT'
pattern() {
	awk -v w="$1" 'BEGIN { for (i = 0; i < 262144; i++) printf "w%d %028d\n", w, i }'
}
grep -E ' sd[a-z]+[0-9]*$' /proc/partitions | sed 's/^/part: /'
pattern 0 | dd of=/dev/sda bs=64k seek=0 conv=notrunc 2>/dev/null &
pattern 1 | dd of=/dev/sda bs=64k seek=128 oflag=direct iflag=fullblock conv=notrunc 2>/dev/null &
pattern 2 | dd of=/dev/sda bs=64k seek=256 conv=notrunc,fsync 2>/dev/null &
pattern 3 | dd of=/dev/sda bs=4k seek=6144 oflag=direct iflag=fullblock conv=notrunc 2>/dev/null &
pattern 4 | dd of=/dev/sdb2 bs=64k seek=16 oflag=direct iflag=fullblock conv=notrunc 2>/dev/null &
echo "sdb1: $(dd if=/dev/sdb1 bs=1M iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)" &
wait
sync
echo "writes done"
SCRIPT

boot_guest 240 -M q35 -smp 4 $(ahci_hba ahci1) $(ahci_hba_disk ahci1 "$sda" 0) $(ahci_q35_disk "$sdb" 0)
expect_line '^writes done$' "the end of the script"
expect_status 0
expect_clean_log
expect_exact_line "part:    8        0      65536 sda" "sda in /proc/partitions"
expect_exact_line "part:    8       16      32768 sdb" "sdb in /proc/partitions"
expect_exact_line "part:    8       17      16384 sdb1" "sdb1 in /proc/partitions"
expect_exact_line "part:    8       18      15360 sdb2" "sdb2 in /proc/partitions"
expect_exact_line "sdb1: $sdb1_sum" "sdb1's sha256, read while the others wrote"

# pattern_at IMAGE OFFSET W: the 8 MiB at OFFSET are writer W's pattern
pattern_at() {
	[ "$(sha256_of "$1" "$2" $((8 << 20)))" = "$(pattern "$3" | sha256sum | cut -d' ' -f1)" ] ||
		fail "writer $3's pattern is not at byte $2 of $1"
}
pattern_at "$sda" 0 0
pattern_at "$sda" $((8 << 20)) 1
pattern_at "$sda" $((16 << 20)) 2
pattern_at "$sda" $((24 << 20)) 3
pattern_at "$sdb" $(((34816 * 512) + (1 << 20))) 4
cmp -s -i $((32 << 20)) "$sda" "$LOG_DIR/$TEST_NAME-sda.orig" || fail "sda changed past the writers' 32 MiB"
cmp -s -n $(((34816 * 512) + (1 << 20))) "$sdb" "$LOG_DIR/$TEST_NAME-sdb.orig" ||
	fail "sdb changed before writer 4's region"
cmp -s -i $(((34816 * 512) + (9 << 20))) "$sdb" "$LOG_DIR/$TEST_NAME-sdb.orig" ||
	fail "sdb changed after writer 4's region"
pass
