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
	grep -c . /proc/diskstats | sed 's/^/diskstats lines /'
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
ro)
	# A read-only disk (virtio's RO feature): reads work, writes are refused.
	echo "ro $(blockdev --getro /dev/vda)"
	echo "read $(dd if=/dev/vda bs=4096 count=1 2>/dev/null | wc -c)"
	dd if=/dev/zero of=/dev/vda bs=4096 count=1 2>&1 | head -1
	;;
*)
	echo "block-test: BLKTEST=read|write|eio|ro"
	;;
esac
echo "== block-test done"
