#!/usr/bin/env bash
# An oops in a process's system call kills only that process, as on Linux
# (oops_end, make_task_dead): init runs /etc/kestrel/oops-syscall.sh on the
# test kernel, whose /dev/crashtest oopses in the writer's write(2) (a
# page fault, then an invalid opcode). The shell sees status 139 (SIGSEGV)
# each time and goes on, init powers off (QEMU status 0, no panic), and
# the oops's list of held locks shows none of the oops printer's own.
# Then the same with oops=panic: the first oops is a panic (and panic=-1
# resets the machine at once).
# And panic=N: after a panic the machine reboots N seconds later (QEMU
# runs with -no-reboot, so the reset ends it with status 0).
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/oops_lib.bash"

INITRAMFS=build/initramfs.cpio
[ -f "$INITRAMFS" ] || fail "$INITRAMFS missing: run make"

boot_kernel 120 "console=ttyS0 kestrel.run=/etc/kestrel/oops-syscall.sh" -smp 2 -m 256M \
	-initrd "$INITRAMFS"
expect_exact_line "oops-syscall pagefault: status 139" "SIGSEGV for the writer of the page fault"
expect_exact_line "oops-syscall ud2: status 139" "SIGSEGV for the writer of the ud2"
expect_exact_line "oops-syscall: still alive: ok" "a pipeline after the oopses"
expect_line '^BUG: unable to handle page fault for address: ffffc88000000000$' "the page fault oops"
expect_line '^Oops: invalid opcode: 0000 \[#2\] SMP$' "the second oops, numbered 2"
expect_line "^RIP: 0008:crash_pagefault\+" "RIP in crash_pagefault"
expect_line "^ crashtest_write_iter\+0x[0-9a-f]+/0x[0-9a-f]+ \(kernel/crashtest\.c:[0-9]+\)\$" \
	"the write(2) path in the Call Trace"
expect_line "^ entry_SYSCALL_64\+0x[0-9a-f]+/0x[0-9a-f]+ \(arch/x86/kernel/entry\.S:[0-9]+\)\$" \
	"the system call's entry in the Call Trace"
expect_frames_have_lines
expect_no_line 'Kernel panic' "a panic"
expect_no_line 'locks? held by sh:$' "a lock listed as held by the writer (it holds none)"
expect_no_line '\((die_lock|tasklist_lock)\)' "the oops printer's own lock in the list of held locks"
expect_no_line 'lockdep|possible (recursive|circular)|WARNING:' "a lock-validator report or a warning"
expect_line '^init: powering off$' "init's power-off line"
expect_status 0

boot_kernel 120 "console=ttyS0 oops=panic panic=-1 kestrel.run=/etc/kestrel/oops-syscall.sh" -smp 2 \
	-m 256M -initrd "$INITRAMFS"
expect_line '^Kernel panic - not syncing: Fatal exception$' "oops=panic's panic"
expect_no_line 'oops-syscall pagefault: status' "the shell going on after oops=panic"
expect_line '^reboot: Restarting system$' "panic=-1's reset at once"
expect_status 0

# The kernel users boot: a panic because init cannot run, then a reboot.
KERNEL=$PLAIN_KERNEL
QEMU_RUN_OPTS=()
boot_kernel 60 "console=ttyS0 panic=1 rdinit=/nonexistent init=/nonexistent" -m 128M \
	-initrd "$INITRAMFS"
expect_line '^Kernel panic - not syncing: Requested init /nonexistent failed' "the panic"
expect_line '^Rebooting in 1 seconds\.\.$' "panic=1's message"
expect_line '^reboot: Restarting system$' "the reset"
expect_status 0
pass
