#!/usr/bin/env bash
# The user-space test suite (user/tests/*.c, static musl programs in the
# initramfs's /tests) under -smp 4: /init runs every program with
# kestrel.test=*, each test in its own process under alarm(), and prints
# the total; it must be `N passed, 0 failed` with N > 0, then init powers
# off through reboot(2) (QEMU exits 0), and the kernel log stays clean
# (tools/dirty-log: no oops, BUG, lockdep report, panic or WARNING).
# Pending (tests/integration/pending/README): lib.bash from here or from above.
here=$(dirname "$0")
[ -f "$here/lib.bash" ] || here=$here/..
. "$here/lib.bash"
KERNEL=$PLAIN_KERNEL	# the kernel users boot: no test hook needed

INITRAMFS=build/initramfs.cpio
[ -f "$INITRAMFS" ] || fail "$INITRAMFS missing: run make"

boot_kernel 280 "console=ttyS0 kestrel.test=*" -M q35 -smp 4 -m 512M -initrd "$INITRAMFS"
expect_line '^initramfs: unpacked [0-9]+ files' "the initramfs line"
expect_no_line '^not ok ' "a failed user test"
expect_line '^[1-9][0-9]* passed, 0 failed$' "the user tests' total"
expect_line '^init: powering off$' "init's power-off line"
expect_status 0
expect_clean_log
pass
