#!/usr/bin/env bash
# I/O errors on an AHCI disk, injected by QEMU's blkdebug driver under the
# disk: every read touching sector 8000 and every write touching sector
# 16000 fails in QEMU with EIO, which its AHCI model reports as a device
# error (status ERR, error ABRT). The guest, under -smp 4:
#  - reads 4 KiB with O_DIRECT at sector 8000: dd gets EIO, and the kernel
#    logs exactly one "I/O error, dev sda, sector 8000" line; reads next to
#    it succeed before and after (the port is usable again);
#  - writes 4 KiB at sector 16000: EIO, one line for sector 16000; the
#    write next to it and a read of sector 16000 succeed;
#  - reads the failing region through the page cache: EIO too;
#  - meanwhile three readers of good regions loop over O_DIRECT reads
#    (on other CPUs, their commands on the device with the failing one):
#    each sha256 equals the host's (the commands sent again after each
#    error come back right);
# then powers off (no hang, QEMU exits 0) with a clean log (no lock
# report). Twice: NCQ on -device ahci under -M pc (MSI), and without NCQ
# (libata.force=noncq) on q35's controller with INTx (pci=nomsi).
here=$(dirname "$0")
. "$here/lib.bash"
. "$here/disk_lib.bash"

img=$(disk_image disk random 64)
good_sum() { sha256_of "$img" $(($1 << 20)) $((1 << 20)); }

guest_script <<'SCRIPT'
rd() {
	if dd if=/dev/sda of=/dev/null bs=4096 skip=$1 count=1 iflag=direct 2>/tmp/err; then
		echo "read $1: ok"
	else
		echo "read $1: $(grep -o 'Input/output error' /tmp/err)"
	fi
}
wr() {
	if dd if=/dev/zero of=/dev/sda bs=4096 seek=$1 count=1 oflag=direct conv=notrunc 2>/tmp/err; then
		echo "write $1: ok"
	else
		echo "write $1: $(grep -o 'Input/output error' /tmp/err)"
	fi
}
reader() {	# reader MIB: O_DIRECT reads of 1 MiB at MIB, at least 10, until /tmp/stop appears
	n=0 bad=0
	want=$(dd if=/dev/sda bs=1M skip=$1 count=1 iflag=direct 2>/dev/null | sha256sum)
	touch /tmp/started.$1
	while [ $n -lt 10 ] || [ ! -e /tmp/stop ]; do
		got=$(dd if=/dev/sda bs=1M skip=$1 count=1 iflag=direct 2>/dev/null | sha256sum)
		[ "$got" = "$want" ] || bad=$((bad + 1))
		n=$((n + 1))
	done
	echo "reader $1: ${want%% *} $n reads, $bad different"
}
reader 20 & reader 30 & reader 40 &
until [ -e /tmp/started.20 ] && [ -e /tmp/started.30 ] && [ -e /tmp/started.40 ]; do :; done
echo "== direct"
rd 100
rd 1000
rd 101
wr 2000
wr 2001
rd 2000
echo "== buffered"
if dd if=/dev/sda of=/dev/null bs=64k skip=62 count=2 2>/tmp/err; then
	echo "buffered: ok"
else
	echo "buffered: $(grep -o 'Input/output error' /tmp/err)"
fi
touch /tmp/stop
wait
echo "== done"
SCRIPT

# blkdebug between the raw format and the image file (where QEMU's read_aio and write_aio events are).
blkdebug_disk() {
	local rules='{"event":"read_aio","iotype":"read","errno":5,"sector":8000},{"event":"write_aio","iotype":"write","errno":5,"sector":16000}'
	echo "-blockdev {\"driver\":\"raw\",\"node-name\":\"bad0\",\"file\":{\"driver\":\"blkdebug\",\"image\":{\"driver\":\"file\",\"filename\":\"$img\"},\"inject-error\":[$rules]}} -device ide-hd,drive=bad0,bus=$1,rerror=report,werror=report"
}

# The log lines of the direct part naming a sector.
direct_lines() {
	log_text | sed -n '/^== direct$/,/^== buffered$/p' | grep -caE "^I/O error, dev sda, sector $1 "
}

check() {
	expect_line '^== done$' "the end of the script"
	expect_exact_line "read 100: ok" "a good read before the error"
	expect_exact_line "read 1000: Input/output error" "EIO for the read of sector 8000"
	expect_exact_line "read 101: ok" "a good read after the error"
	expect_exact_line "write 2000: Input/output error" "EIO for the write of sector 16000"
	expect_exact_line "write 2001: ok" "a good write after the error"
	expect_exact_line "read 2000: ok" "a read of the sector whose write failed"
	expect_exact_line "buffered: Input/output error" "EIO through the page cache"
	[ "$(direct_lines 8000)" = 1 ] || fail "$(direct_lines 8000) log lines for sector 8000, wanted 1 (see $LOG)"
	[ "$(direct_lines 16000)" = 1 ] || fail "$(direct_lines 16000) log lines for sector 16000, wanted 1 (see $LOG)"
	expect_line "^I/O error, dev sda, sector 8000 op 0x0:\(READ\) " "the read error's line"
	expect_line "^I/O error, dev sda, sector 16000 op 0x1:\(WRITE\) " "the write error's line"
	for m in 20 30 40; do
		expect_line "^reader $m: $(good_sum $m) [1-9][0-9]* reads, 0 different$" "reader $m's sums"
	done
	expect_line '^ata[0-9]+: hard resetting link$' "a port reset"
	expect_status 0
	expect_clean_log
}

boot_guest 240 -M pc -smp 4 $(ahci_hba ahci0) $(blkdebug_disk ahci0.0)
check
expect_line '^ata[0-9]+\.00: failed command: READ DMA EXT tag [0-9]+$' "the culprit, found alone"
expect_line '^ata[0-9]+\.00: 1 command sent again, one at a time without NCQ$' "the NCQ retry"

GUEST_APPEND="libata.force=noncq pci=nomsi"
boot_guest 240 -M q35 -smp 4 $(blkdebug_disk ide.0)
check
expect_line '^ata1\.00: 131072 sectors, multi [0-9]+: LBA48 NCQ \(depth 32, off\)$' "NCQ off"
expect_no_line 'sent again' "a retry without NCQ on"
pass
