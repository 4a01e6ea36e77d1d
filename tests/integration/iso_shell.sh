#!/usr/bin/env bash
# What `make run` promises: build/kestrel.iso (GRUB, the kernel and the
# initramfs module; make iso) boots to busybox's shell on the serial
# console, the shell runs a command, and `poweroff -f` makes QEMU exit by
# itself (ACPI power off). Under SeaBIOS (-M pc) and, when OVMF is
# installed, UEFI. tests/integration/iso_shell.py types into QEMU's serial
# port; the transcripts are build/test-logs/iso_shell{,-uefi}.log.
. "$(dirname "$0")/lib.bash"

ISO=build/kestrel.iso
[ -f "$ISO" ] || fail "$ISO missing: run make iso (it needs the initramfs)"
command -v python3 > /dev/null || fail "python3 is needed to type at the shell"

# shell_boot LOG [QEMU-ARGS...]: one boot, then the checks on its log.
shell_boot() {
	LOG=$1
	shift
	python3 tests/integration/iso_shell.py "$ISO" "$LOG" "$@" ||
		fail "booting $ISO to a shell failed ($*; see $LOG)"
	expect_line "Command line: console=ttyS0 console=tty0\$" "command line from GRUB"
	expect_exact_line "iso-42" "output of the shell's command"
	expect_line "reboot: Power down" "power-off message"
	expect_clean_log
}

shell_boot "$LOG_DIR/$TEST_NAME.log"

OVMF=
for f in /usr/share/ovmf/OVMF.fd /usr/share/OVMF/OVMF.fd /usr/share/qemu/OVMF.fd; do
	[ -f "$f" ] && OVMF=$f && break
done
[ -n "$OVMF" ] || fail "no OVMF.fd firmware (install the ovmf package: tools/deps.sh)"
shell_boot "$LOG_DIR/$TEST_NAME-uefi.log" -bios "$OVMF"
pass
