#!/usr/bin/env bash
# With rdinit= and init= both naming programs that do not exist, the
# kernel says clearly which init failed and why, as Linux does: "Failed to
# execute /nonexistent (error -2)" for rdinit=, then the panic "Requested
# init /nonexistent failed (error -2)." (a given init= that fails is
# fatal; without init= the message is "No working init found"). It must
# neither hang silently nor fault.
. "$(dirname "$0")/lib.bash"
KERNEL=$PLAIN_KERNEL	# the kernel users boot: no test hook needed

INITRAMFS=build/initramfs.cpio
[ -f "$INITRAMFS" ] || fail "$INITRAMFS missing: run make"

QEMU_RUN_OPTS=(-u 'Requested init|No working init found')
boot_kernel 60 "console=ttyS0 rdinit=/nonexistent init=/nonexistent" -m 256M \
	-initrd "$INITRAMFS"
expect_status 0
expect_line '^initramfs: unpacked [0-9]+ files' "the initramfs line"
expect_line 'Failed to execute /nonexistent \(error -2\)' "the rdinit= failure"
expect_line 'Requested init /nonexistent failed \(error -2\)' "the init= failure"
expect_no_line 'Oops|general protection fault|BUG:' "a fault"
pass
