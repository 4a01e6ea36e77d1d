#!/usr/bin/env bash
# A student's first hour at busybox's prompt (tests/integration/first_hour.py):
# Kestrel's programs ahead of busybox's applets, user/hello.c in /bin,
# dmesg through syslog(2), ^C ending `cat /dev/kmsg`, and busybox's
# poweroff (SIGUSR2 to init) powering the machine off. The transcript is
# build/test-logs/first_hour.log.
. "$(dirname "$0")/lib.bash"
KERNEL=$PLAIN_KERNEL	# the kernel users boot: no test hook needed

INITRD=build/initramfs.cpio
[ -f "$KERNEL" ] || fail "$KERNEL missing: run make first"
[ -f "$INITRD" ] || fail "$INITRD missing: run make first (it builds the initramfs)"
[ -x /bin/busybox ] || fail "busybox-static is needed (tools/deps.sh installs it)"

python3 tests/integration/first_hour.py "$KERNEL" "$INITRD" "$LOG" ||
	fail "a first-hour check failed (see $LOG)"
expect_clean_log
pass
