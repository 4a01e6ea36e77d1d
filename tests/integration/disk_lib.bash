# tests/integration/disk_lib.bash: helpers for the disk tests (source it
# after lib.bash). Any block driver's test uses them: AHCI (ahci_*.sh) and
# virtio-blk alike.
#
#	. "$(dirname "$0")/lib.bash"
#	. "$(dirname "$0")/disk_lib.bash"
#	img=$(disk_image a random 64)		# build/test-logs/NAME-a.img, 64 MiB of random bytes
#	guest_script <<'EOF'			# what /init runs (busybox sh), then it powers off
#	dd if=/dev/sda bs=1M | sha256sum
#	EOF
#	boot_guest 240 -M q35 -smp 4 $(ahci_q35_disk "$img" 0)
#	expect_line "^$(sha256_of "$img")  -\$" "the disk's sha256"
#
# The guest is the kernel users boot (build/kernel.elf) with the usual
# initramfs plus a second cpio archive holding the script as
# /etc/kestrel/test.sh (the kernel unpacks concatenated archives); init
# runs it with kestrel.run= and powers off, so QEMU exits 0. The serial log
# is $LOG as for any boot.

INITRAMFS=build/initramfs.cpio
BUSYBOX=build/initramfs.d/bin/busybox
# disk_image NAME random|zero MIB: a fresh image file build/test-logs/TEST-NAME.img; prints its path.
disk_image() {
	local f=$LOG_DIR/$TEST_NAME-$1.img kind=$2 mib=$3
	rm -f "$f"
	case $kind in
	random) head -c "$((mib * 1024 * 1024))" /dev/urandom > "$f" ;;
	zero) truncate -s "${mib}M" "$f" ;;
	*) fail "disk_image: random or zero, not $kind" ;;
	esac
	echo "$f"
}

# sha256_of FILE [OFFSET_BYTES LENGTH_BYTES]: the hex digest of the file or of a range of it.
sha256_of() {
	if [ $# -eq 3 ]; then
		tail -c +"$(($2 + 1))" "$1" | head -c "$3" | sha256sum | cut -d' ' -f1
	else
		sha256sum "$1" | cut -d' ' -f1
	fi
}

# guest_script < SCRIPT: the shell script the next boot_guest runs.
GUEST_SCRIPT=
guest_script() {
	GUEST_SCRIPT=$(cat)
}

# boot_guest SECONDS QEMU-ARGS...: boot the plain kernel with the script,
# -m 512M unless given; the script's output is in $LOG.
boot_guest() {
	local secs=$1 stage cpio
	shift
	[ -f "$INITRAMFS" ] || fail "$INITRAMFS missing: run make"
	[ -x "$BUSYBOX" ] || fail "no busybox in the initramfs: install busybox-static (tools/deps.sh) and run make"
	[ -n "$GUEST_SCRIPT" ] || fail "boot_guest: no guest_script given"
	stage=$LOG_DIR/$TEST_NAME.stage
	cpio=$LOG_DIR/$TEST_NAME.cpio
	rm -rf "$stage"
	mkdir -p "$stage/etc/kestrel"
	printf '%s\n' "$GUEST_SCRIPT" > "$stage/etc/kestrel/test.sh"
	{
		cat "$INITRAMFS"
		(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
			cpio -o -H newc -R 0:0 --quiet)
	} > "$cpio"
	boot "$secs" -kernel "$PLAIN_KERNEL" -initrd "$cpio" \
		-append "console=ttyS0 ${GUEST_APPEND:-} kestrel.run=/etc/kestrel/test.sh" \
		-m 512M "$@"
}
GUEST_APPEND=

# ---- AHCI disks (QEMU's ICH9 model) ----
# ahci_q35_disk IMAGE PORT [DEVICE-OPTS]: a raw disk on port PORT (0-5) of q35's built-in controller.
ahci_q35_disk() {
	local id=ahcidisk$2
	echo "-drive file=$1,if=none,id=$id,format=raw,cache=writeback" \
		"-device ide-hd,drive=$id,bus=ide.$2${3:+,$3}"
}

# ahci_hba NAME: an extra controller (-device ahci, on -M pc or q35) named NAME.
ahci_hba() {
	echo "-device ahci,id=$1"
}

# ahci_hba_disk HBA IMAGE PORT [DEVICE-OPTS]: a raw disk on port PORT of the controller HBA.
ahci_hba_disk() {
	local id=${1}disk$3
	echo "-drive file=$2,if=none,id=$id,format=raw,cache=writeback" \
		"-device ide-hd,drive=$id,bus=$1.$3${4:+,$4}"
}

# guest_line_count REGEX: how many lines of the log match.
log_count() {
	log_text | grep -caE -- "$1"
}
