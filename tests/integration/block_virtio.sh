#!/usr/bin/env bash
# virtio-blk with QEMU's real device, checked from the host. A 64 MiB disk
# of random bytes made here; user/rootfs/etc/kestrel/block-test.sh runs in
# Kestrel (kestrel.run=, BLKTEST= says what) with busybox:
#  1. read, -M pc -smp 4, 4 queues: `dd if=/dev/vda bs=1M | sha256sum`,
#     the same with iflag=direct (O_DIRECT) and with Kestrel's blkdump -d,
#     all equal to the host's sha256 of the image; blockdev and lsblk;
#  2. the same read under -M q35 with pci=nomsi: the legacy INTx line
#     through the IOAPIC instead of MSI-X;
#  3. write, -smp 4: four processes on four CPUs each write their own
#     8 MiB (two through the page cache with fsync, two with O_DIRECT),
#     then a buffered write left to sync(2); after poweroff the host finds
#     every written byte in the image (blkpattern check) and the rest of
#     the image untouched;
#  4. eio: QEMU's blkdebug fails every read of sector 8192: O_DIRECT and
#     buffered readers get EIO, the kernel logs the sector once per failed
#     read, nothing hangs, and the next good reads work;
#  5. ro: a readonly=on drive: BLKROGET says 1, reads work, a write is
#     refused with EPERM (Linux's answer: "Operation not permitted").
# Every log must be clean (no oops, WARNING or lock report).
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
head -c $((64 << 20)) /dev/urandom > "$IMG"
cp "$IMG" "$scratch/orig.img"
SUM=$(sha256sum < "$IMG" | cut -d' ' -f1)

# quiet keeps the kernel's informational lines from mixing with the
# script's; loglevel=6 still shows notices (the driver's capacity line).
run() {	# BLKTEST QEMU-ARGS...
	local what=$1
	shift
	boot_kernel 300 "console=ttyS0 quiet loglevel=6 kestrel.run=/etc/kestrel/block-test.sh BLKTEST=$what" \
		-m 512M -initrd "$INITRAMFS" "$@"
	expect_status 0
	expect_line '^== block-test done$' "end of the $what run"
	expect_clean_log
}

VIRTIO="-drive file=$IMG,if=none,id=d0,format=raw -device virtio-blk-pci,drive=d0,num-queues=4"

# 1. read, MSI-X, one queue per CPU
# shellcheck disable=SC2086
run read -M pc -smp 4 $VIRTIO
expect_exact_line "buffered $SUM  -" "the buffered sha256"
expect_exact_line "direct $SUM  -" "the O_DIRECT sha256"
expect_exact_line "blkdump $SUM  -" "blkdump's sha256"
expect_exact_line "size 67108864 ssz 512 ro 0" "blockdev's size"
expect_exact_line "sz 131072 bsz 4096" "blockdev's sectors and block size"
expect_exact_line "describe /dev/vda: 67108864 bytes, logical block 512, physical block 512, 130 cylinders 16 heads 63 sectors, start 0" \
	"HDIO_GETGEO's geometry (QEMU's, VIRTIO_BLK_F_GEOMETRY)"
expect_exact_line "flushbufs ok" "BLKFLSBUF"
expect_exact_line "rereadpt ok" "BLKRRPART"
expect_exact_line "setro 1" "BLKROSET"
expect_exact_line "dd: error writing '/dev/vda': Operation not permitted" "EPERM after BLKROSET"
expect_exact_line "setrw write ok" "a write after BLKROSET 0"
expect_exact_line "diskstats lines 1" "vda's /proc/diskstats line"
expect_line '^vda +[0-9]+:0 +0 +64M +0 disk$' "lsblk's line for vda"
expect_line '^virtio_blk virtio0: \[vda\] 131072 512-byte logical blocks \(67.1 MB/64.0 MiB\)$' \
	"the driver's capacity line"

# 2. read again over INTx (q35, pci=nomsi)
# shellcheck disable=SC2086
boot_kernel 300 "console=ttyS0 quiet pci=nomsi kestrel.run=/etc/kestrel/block-test.sh BLKTEST=read" \
	-M q35 -smp 2 -m 512M -initrd "$INITRAMFS" $VIRTIO
expect_status 0
expect_clean_log
expect_exact_line "direct $SUM  -" "the O_DIRECT sha256 over INTx"
expect_exact_line "buffered $SUM  -" "the buffered sha256 over INTx"

# 3. four writers, then sync and poweroff; the host checks the image
# shellcheck disable=SC2086
run write -M pc -smp 4 $VIRTIO
for i in 0 1 2 3; do
	expect_line "^blkpattern: wrote 8388608 bytes at $((i * 8388608))$" "writer $i's line"
	"$PATTERN" check "$IMG" $((i * 8388608)) 8388608 $((11 + i)) > "$scratch/check" 2>&1 ||
		fail "writer $i's bytes are not in the image: $(cat "$scratch/check")"
done
head -c $((1 << 20)) /dev/zero | tr '\0' K | cmp -s - <(dd if="$IMG" bs=4096 skip=8192 count=256 2> /dev/null) ||
	fail "the buffered write left to sync(2) is not in the image"
cmp -s -i $((36 << 20)) "$IMG" "$scratch/orig.img" ||
	fail "bytes past the written regions changed"

# 4. injected read errors
cat > "$scratch/blkdebug.conf" <<EOF
[inject-error]
event = "read_aio"
errno = "5"
sector = "8192"
once = "off"
EOF
run eio -M pc -smp 2 -blockdev driver=file,node-name=f0,filename="$IMG" \
	-blockdev driver=blkdebug,node-name=dbg0,image=f0,config="$scratch/blkdebug.conf" \
	-blockdev driver=raw,node-name=d0,file=dbg0 -device virtio-blk-pci,drive=d0
expect_exact_line "direct-bad status 1" "EIO for the O_DIRECT reader"
expect_exact_line "buffered-bad status 1" "EIO for the buffered reader"
expect_exact_line "direct-good status 0" "the next good O_DIRECT read"
expect_exact_line "buffered-good 65536" "the next good buffered read"
errors=$(log_text | grep -c '^I/O error, dev vda, sector 8192 op 0x0:(READ) ')
[ "$errors" = 2 ] || fail "$errors 'I/O error ... sector 8192' lines, wanted 2 (one per failed read)"

# 5. a read-only drive
run ro -M q35 -smp 2 -drive file="$IMG",if=none,id=d0,format=raw,readonly=on \
	-device virtio-blk-pci,drive=d0
expect_exact_line "ro 1" "BLKROGET's 1"
expect_exact_line "read 4096" "a read of the read-only disk"
expect_exact_line "dd: error writing '/dev/vda': Operation not permitted" "EPERM for the write"
pass
