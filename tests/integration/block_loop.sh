#!/usr/bin/env bash
# The loop device with busybox's losetup (block-test.sh, BLKTEST=loop): a
# 16 MiB image of random bytes made here reaches Kestrel as a virtio disk,
# is copied into tmpfs (/tmp) and attached to the first free loop device
# (LOOP_CTL_GET_FREE, LOOP_SET_FD or LOOP_CONFIGURE, LOOP_SET_STATUS64).
#  - its sha256 through /dev/loop0 equals the host's;
#  - losetup -a lists it (LOOP_GET_STATUS64), the next free device is loop1;
#  - writes through the loop device (page cache and O_DIRECT) reach the
#    file: its sha256 after detaching (LOOP_CLR_FD) equals the host's
#    sha256 of the same writes made here on a copy;
#  - a detached device answers ENXIO; a read-only attachment at an offset
#    has the right size, reads the written bytes, refuses a write (EPERM).
. "$(dirname "$0")/lib.bash"
KERNEL=$PLAIN_KERNEL

INITRAMFS=build/initramfs.cpio
PATTERN=build/user/testprogs/blkpattern
[ -f "$INITRAMFS" ] || fail "$INITRAMFS missing: run make"
[ -x build/initramfs.d/bin/busybox ] || fail "no busybox in the initramfs: install busybox-static"
[ -x "$PATTERN" ] || fail "$PATTERN missing: run make"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
IMG=$scratch/disk.img
head -c $((16 << 20)) /dev/urandom > "$IMG"
SUM=$(sha256sum < "$IMG" | cut -d' ' -f1)
cp "$IMG" "$scratch/changed.img"
"$PATTERN" write "$scratch/changed.img" 1048576 1048576 41 > /dev/null &&
	"$PATTERN" write "$scratch/changed.img" 4194304 1048576 42 > /dev/null || fail "blkpattern on the host"
CHANGED=$(sha256sum < "$scratch/changed.img" | cut -d' ' -f1)

boot_kernel 300 "console=ttyS0 quiet loglevel=6 kestrel.run=/etc/kestrel/block-test.sh BLKTEST=loop" \
	-M pc -smp 4 -m 512M -initrd "$INITRAMFS" \
	-drive "file=$IMG,if=none,id=d0,format=raw" -device virtio-blk-pci,drive=d0
expect_status 0
expect_line '^== block-test done$' "end of the run"
expect_clean_log
expect_exact_line "image $SUM  -" "the image copied into tmpfs"
expect_exact_line "free /dev/loop0" "losetup -f's first free device"
expect_exact_line "attached" "losetup attaching the image"
expect_exact_line "/dev/loop0: 0 /tmp/disk.img" "losetup -a's line"
expect_exact_line "size 16777216" "the loop device's size"
expect_exact_line "loop $SUM  -" "the image read through /dev/loop0"
expect_exact_line "next free /dev/loop1" "the next free device"
expect_exact_line "blkpattern: wrote 1048576 bytes at 1048576" "the cached write"
expect_exact_line "blkpattern: wrote 1048576 bytes at 4194304" "the O_DIRECT write"
expect_exact_line "detached" "losetup -d"
expect_exact_line "after detach: losetup: /dev/loop0: No such device or address" "ENXIO from a detached device"
expect_exact_line "changed $CHANGED  -" "the file after writes through the loop device"
expect_exact_line "ro size 15728640 ro 1" "the read-only attachment at 1 MiB"
expect_exact_line "blkpattern: checked 1048576 bytes at 0" "the written bytes read at the offset"
expect_exact_line "dd: error writing '/dev/loop0': Operation not permitted" "EPERM for a write"
expect_exact_line "detached ro" "detaching the read-only attachment"
expect_exact_line "loop partitions 0" "no loop line in /proc/partitions once detached"
pass
