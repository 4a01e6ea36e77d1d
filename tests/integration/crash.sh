#!/usr/bin/env bash
# Programs that crash get their signal and the system goes on: init runs
# /etc/kestrel/crash.sh (user/rootfs), where /testprogs/crash dereferences
# NULL, overflows its stack, divides by zero, and dereferences NULL again;
# the shell must see 128 + SIGSEGV (139), 139, 128 + SIGFPE (136), 139,
# then still run a pipeline, and init powers off. No kernel error report.
# Pending (tests/integration/pending/README): lib.bash from here or from above.
here=$(dirname "$0")
[ -f "$here/lib.bash" ] || here=$here/..
. "$here/lib.bash"
KERNEL=$PLAIN_KERNEL	# the kernel users boot: no test hook needed

INITRAMFS=build/initramfs.cpio
[ -f "$INITRAMFS" ] || fail "$INITRAMFS missing: run make"

boot_kernel 120 "console=ttyS0 kestrel.run=/etc/kestrel/crash.sh" -smp 2 -m 256M \
	-initrd "$INITRAMFS"
expect_exact_line "crash null: status 139" "SIGSEGV for a NULL dereference"
expect_exact_line "crash stack: status 139" "SIGSEGV for a stack overflow"
expect_exact_line "crash div: status 136" "SIGFPE for a division by zero"
expect_exact_line "still alive: ok" "a pipeline after the crashes"
expect_line '^init: powering off$' "init's power-off line"
expect_status 0
expect_clean_log
pass
