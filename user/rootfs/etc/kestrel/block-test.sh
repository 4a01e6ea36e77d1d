# Block device checks run by tests/integration/block_virtio.sh with
# kestrel.run=/etc/kestrel/block-test.sh; BLKTEST=... on the kernel command
# line (init's environment) says which. The host checks the output lines
# and, after poweroff, the disk image.
case "$BLKTEST" in
read)
	# The whole disk through the page cache, past it (O_DIRECT), and with Kestrel's tool.
	echo "buffered $(dd if=/dev/vda bs=1M 2>/dev/null | sha256sum)"
	echo "direct $(dd if=/dev/vda bs=1M iflag=direct 2>/dev/null | sha256sum)"
	echo "blkdump $(blkdump -d -r /dev/vda 2>/dev/null | sha256sum)"
	echo "size $(blockdev --getsize64 /dev/vda) ssz $(blockdev --getss /dev/vda) ro $(blockdev --getro /dev/vda)"
	echo "sz $(blockdev --getsz /dev/vda) bsz $(blockdev --getbsz /dev/vda)"
	echo "describe $(blkdump -n 0 /dev/vda 2>&1 >/dev/null)"
	blockdev --flushbufs /dev/vda && echo "flushbufs ok"
	blockdev --rereadpt /dev/vda && echo "rereadpt ok"
	# BLKROSET: set read-only, a write is refused; read-write again, it works.
	dd if=/dev/vda of=/tmp/s0 bs=512 count=1 2>/dev/null
	blockdev --setro /dev/vda
	echo "setro $(blockdev --getro /dev/vda)"
	dd if=/tmp/s0 of=/dev/vda bs=512 count=1 conv=notrunc 2>&1 | head -1
	blockdev --setrw /dev/vda
	dd if=/tmp/s0 of=/dev/vda bs=512 count=1 conv=notrunc 2>/dev/null && echo "setrw write ok"
	lsblk
	grep -c ' vda ' /proc/diskstats | sed 's/^/diskstats lines /'
	;;
write)
	# Four writers, one per CPU, each its own 8 MiB region: two through the
	# page cache (fsync), two with O_DIRECT. The host checks the image.
	/testprogs/blkpattern write /dev/vda 0 8388608 11 cpu=0 &
	/testprogs/blkpattern write /dev/vda 8388608 8388608 12 direct cpu=1 &
	/testprogs/blkpattern write /dev/vda 16777216 8388608 13 cpu=2 &
	/testprogs/blkpattern write /dev/vda 25165824 8388608 14 direct cpu=3 &
	wait
	# And one more, not fsync'd: sync(2) must write it.
	dd if=/dev/zero bs=4096 count=256 2>/dev/null | tr '\0' 'K' > /tmp/k
	dd if=/tmp/k of=/dev/vda bs=4096 seek=8192 2>/dev/null
	sync
	;;
eio)
	# QEMU's blkdebug fails every read of sector 8192 (4 MiB in): the reader
	# gets EIO, the log says so once per failed read, and the next good read works.
	blkdump -d -s 4194304 -n 4096 /dev/vda > /dev/null
	echo "direct-bad status $?"
	dd if=/dev/vda of=/dev/null bs=4096 skip=1024 count=1 2>/dev/null
	echo "buffered-bad status $?"
	blkdump -d -s 0 -n 4096 /dev/vda > /dev/null
	echo "direct-good status $?"
	echo "buffered-good $(dd if=/dev/vda bs=4096 skip=2048 count=16 2>/dev/null | wc -c)"
	;;
weio)
	# QEMU's blkdebug fails every write that touches sector 8192 (4 MiB in):
	# an O_DIRECT writer gets EIO from write(2), a buffered writer from
	# fsync(2); the next good writes (elsewhere) work and read back.
	/testprogs/blkpattern write /dev/vda 4194304 65536 31 direct
	echo "direct-write-bad status $?"
	/testprogs/blkpattern write /dev/vda 4190208 8192 32
	echo "buffered-write-bad status $?"
	/testprogs/blkpattern write /dev/vda 8388608 65536 33 direct
	echo "direct-write-good status $?"
	/testprogs/blkpattern write /dev/vda 12582912 65536 34
	echo "buffered-write-good status $?"
	/testprogs/blkpattern check /dev/vda 8388608 65536 33 direct
	/testprogs/blkpattern check /dev/vda 12582912 65536 34
	sync
	;;
loop)
	# A disk image copied into tmpfs, attached to a loop device with
	# busybox's losetup: it reads back as the host's image; writes through
	# the loop device (cached and O_DIRECT) reach the file; read-only and
	# offset attachments; detaching.
	dd if=/dev/vda of=/tmp/disk.img bs=1M 2>/dev/null
	echo "image $(sha256sum < /tmp/disk.img)"
	dev=$(losetup -f)
	echo "free $dev"
	losetup "$dev" /tmp/disk.img && echo "attached"
	losetup -a
	echo "size $(blockdev --getsize64 "$dev")"
	echo "loop $(dd if="$dev" bs=1M 2>/dev/null | sha256sum)"
	echo "next free $(losetup -f)"
	/testprogs/blkpattern write "$dev" 1048576 1048576 41
	/testprogs/blkpattern write "$dev" 4194304 1048576 42 direct
	losetup -d "$dev" && echo "detached"
	losetup "$dev" 2>&1 | sed 's/^/after detach: /'
	echo "changed $(sha256sum < /tmp/disk.img)"
	losetup -r -o 1048576 "$dev" /tmp/disk.img && echo "attached ro"
	echo "ro size $(blockdev --getsize64 "$dev") ro $(blockdev --getro "$dev")"
	/testprogs/blkpattern check "$dev" 0 1048576 41
	dd if=/dev/zero of="$dev" bs=4096 count=1 2>&1 | head -1
	losetup -d "$dev" && echo "detached ro"
	grep -c loop /proc/partitions | sed 's/^/loop partitions /'
	;;
ro)
	# A read-only disk (virtio's RO feature): reads work, writes are refused.
	echo "ro $(blockdev --getro /dev/vda)"
	echo "read $(dd if=/dev/vda bs=4096 count=1 2>/dev/null | wc -c)"
	dd if=/dev/zero of=/dev/vda bs=4096 count=1 2>&1 | head -1
	;;
disks)
	# Four disks with MBR and GPT tables (tests/integration/block_disks.sh):
	# the partitions as the kernel lists them, their /dev nodes; then four
	# writers on four CPUs, each on a partition of another disk (two through
	# the page cache, two O_DIRECT), each reading its bytes back, and sync.
	grep ' vd' /proc/partitions | sed 's/^/part /'
	ls /dev | grep '^vd' | tr '\n' ' ' | sed 's/^/dev /; s/ $//'
	echo
	/testprogs/blkpattern write /dev/vda5 1048576 2097152 21 cpu=0 &
	/testprogs/blkpattern write /dev/vdb2 0 4194304 22 direct cpu=1 &
	/testprogs/blkpattern write /dev/vdc1 524288 3145728 23 cpu=2 &
	/testprogs/blkpattern write /dev/vdd3 0 2097152 24 direct cpu=3 &
	wait
	/testprogs/blkpattern check /dev/vda5 1048576 2097152 21 cpu=3 &
	/testprogs/blkpattern check /dev/vdb2 0 4194304 22 cpu=2 &
	/testprogs/blkpattern check /dev/vdc1 524288 3145728 23 direct cpu=1 &
	/testprogs/blkpattern check /dev/vdd3 0 2097152 24 cpu=0 &
	wait
	sync
	grep ' vd' /proc/diskstats | sed 's/^/stat /'
	;;
*)
	echo "block-test: BLKTEST=read|write|eio|weio|loop|ro|disks"
	;;
esac
echo "== block-test done"
