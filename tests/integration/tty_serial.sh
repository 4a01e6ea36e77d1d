#!/usr/bin/env bash
# Typing at the shell on the serial line: canonical editing (DEL, ^U, ^W),
# stty (termios and window size ioctls), ^D ending cat's input, ^C and ^\
# signalling a running sleep, ^Z and fg. tests/integration/tty_serial.py
# writes the keys into QEMU's serial port and reads the echo and output;
# the transcript is build/test-logs/tty_serial.log.
. "$(dirname "$0")/lib.bash"
KERNEL=$PLAIN_KERNEL	# the kernel users boot: no test hook needed

INITRD=build/initramfs.cpio
[ -f "$KERNEL" ] || fail "$KERNEL missing: run make first"
[ -f "$INITRD" ] || fail "$INITRD missing: run make first (it builds the initramfs)"
command -v python3 > /dev/null || fail "python3 is needed to type at the shell"

python3 tests/integration/tty_serial.py "$KERNEL" "$INITRD" "$LOG" ||
	fail "a terminal check failed (see $LOG)"
pass
