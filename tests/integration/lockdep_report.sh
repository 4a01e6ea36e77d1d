#!/usr/bin/env bash
# A real lock validator report, as the log shows it: locktest=abba takes
# two locks in both orders in one thread (no deadlock can happen, but it
# could on two CPUs). The report names both locks and both chains, the
# validator turns itself off, and tools/dirty-log calls the log dirty.
# locktest=sleep: the sleeping-while-atomic report. With lockdep=off the
# same boot is silent (tools/dirty-log would still flag the word
# "lockdep" on the echoed command line, so the check here is narrower).
. "$(dirname "$0")/lib.bash"

QEMU_RUN_OPTS=(-u '^locktest: .* done')
boot_kernel 60 "console=ttyS0 locktest=abba" -m 128M
expect_status 0
expect_exact_line "WARNING: possible circular locking dependency detected" "circular dependency report"
expect_line '^this task is trying to acquire lock \(locktest_a\) at locktest_run\+' "the new lock and where"
expect_line '^but already holds lock \(locktest_b\), taken at locktest_run\+' "the held lock"
expect_line '^-> \(locktest_b\) acquired while holding \(locktest_a\)' "the existing chain"
expect_line '^ +locktest_run\+0x[0-9a-f]+/0x[0-9a-f]+ \(kernel/locking/locktest\.c:[0-9]+\)$' \
	"call chains, each frame with its file:line"
expect_exact_line "lockdep: turning off the locking correctness validator." "the switch-off line"
tools/dirty-log "$LOG" > /dev/null || fail "tools/dirty-log calls the report log clean"

boot_kernel 60 "console=ttyS0 locktest=sleep" -m 128M
expect_status 0
expect_line '^BUG: sleeping function called from invalid context at kernel/locking/mutex\.c:' \
	"sleeping-while-atomic report"
expect_line '^in_atomic\(\): 1, irqs_disabled\(\): 0' "the context line"
expect_line '^ #0: \(locktest_a\), at: locktest_run\+' "the held spinlock"

boot_kernel 60 "console=ttyS0 lockdep=off locktest=abba" -m 128M
expect_status 0
expect_exact_line "locking: validator disabled on the command line" "lockdep=off acknowledged"
expect_no_line "circular locking|^(WARNING|BUG):" "a report with lockdep=off"
expect_exact_line "locktest: abba done" "the locktest ran"
pass
