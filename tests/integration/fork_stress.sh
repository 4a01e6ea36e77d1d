#!/usr/bin/env bash
# The fork stress at full size under -smp 4: 8 processes each fork
# and reap 1000 children while 8 threads hammer futexes
# (user/tests/forkstress.c, run by /init with kestrel.test=forkstress.*
# and kestrel.forkstress=full). All finish, free memory comes back (the
# test checks it), and the kernel log has no lock report, BUG or WARNING.
. "$(dirname "$0")/lib.bash"
KERNEL=$PLAIN_KERNEL	# the kernel users boot: no test hook needed

INITRAMFS=build/initramfs.cpio
[ -f "$INITRAMFS" ] || fail "$INITRAMFS missing: run make"

boot_kernel 290 "console=ttyS0 kestrel.test=forkstress.* kestrel.forkstress=full" \
	-M q35 -smp 4 -m 512M -initrd "$INITRAMFS"
expect_line '# 8 processes x 1000 children, 8 futex threads' "the full-size line"
expect_no_line '^not ok ' "a failed stress test"
expect_line '^1 passed, 0 failed$' "the stress test's total"
expect_status 0
expect_clean_log
pass
