#!/usr/bin/env bash
# When init ends, the kernel panics with Linux's message and init's exit
# status instead of hanging: nobody would be left to reap orphans, and
# init's children have no process to go to. Before, init's exit gave its
# children to itself and looped for ever with the task list locked.
#   rdinit=/bin/false         (busybox: exit 1)  -> exitcode=0x00000100
#   rdinit=/testprogs/crash null  (SIGSEGV: a forced signal kills even init;
#                             Kestrel reports it with the core bit) -> 0x0000008b
. "$(dirname "$0")/lib.bash"

INITRAMFS=build/initramfs.cpio
[ -f "$INITRAMFS" ] || fail "$INITRAMFS missing: run make"

QEMU_RUN_OPTS=(-u '^---\[ end Kernel panic')
boot_kernel 60 "console=ttyS0 rdinit=/bin/false" -smp 2 -m 256M -initrd "$INITRAMFS"
expect_status 0
expect_line '^Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100$' \
	"the panic for init's exit(1)"
expect_line '^ do_exit\+0x[0-9a-f]+/0x[0-9a-f]+( \(kernel/exit\.c:[0-9]+\))?$' "do_exit in the panic's trace"
expect_no_line 'Oops|BUG:|lockdep|LOCKUP' "another kernel report"

boot_kernel 60 "console=ttyS0 rdinit=/testprogs/crash null" -smp 2 -m 256M -initrd "$INITRAMFS"
expect_status 0
expect_line 'crash\[1\]: segfault at 0 ' "init's segfault line"
expect_line '^Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000008b$' \
	"the panic for init's SIGSEGV"
expect_no_line 'Oops|BUG:|lockdep|LOCKUP' "another kernel report"
pass
