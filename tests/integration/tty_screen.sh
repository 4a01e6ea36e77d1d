#!/usr/bin/env bash
# The shell on the screen: keys typed on the PS/2 keyboard (QMP send-key)
# reach the shell on tty1 and its answer shows in VGA text memory.
# tests/integration/tty_screen.py does the typing and reading.
. "$(dirname "$0")/lib.bash"
KERNEL=$PLAIN_KERNEL	# the kernel users boot: no test hook needed

INITRD=build/initramfs.cpio
[ -f "$KERNEL" ] || fail "$KERNEL missing: run make first"
[ -f "$INITRD" ] || fail "$INITRD missing: run make first (it builds the initramfs)"
command -v python3 > /dev/null || fail "python3 is needed to drive QEMU"

python3 tests/integration/tty_screen.py "$KERNEL" "$INITRD" "$LOG" "$LOG_DIR/$TEST_NAME.qmp" ||
	fail "the screen shell did not answer (see $LOG)"
pass
