#!/usr/bin/env bash
# Hardening of the kernel itself (docs/security.md), each shown by a crash
# on purpose (kernel/crashtest.c):
#   - every kernel stack has a guard page below it, init's boot stack and
#     a kernel thread's included: an overflow is a double fault that names
#     the task and its stack, not silent corruption of what lies below;
#   - the stack protector: a buffer overrun on the stack panics at the
#     function's return, naming the function;
#   - .rodata is read-only, and so is the direct map's alias of the
#     kernel's text: a write through either is a page fault oops.
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/oops_lib.bash"

crash_boot stackoverflow_init
expect_line '^BUG: stack guard page was hit at [0-9a-f]{16} \(stack of init\[1\] is [0-9a-f]{16}\.\.[0-9a-f]{16}\): kernel stack overflow$' \
	"the guard page report naming init"
expect_line '^CPU: 0 PID: 1 Comm: init ' "the CPU line naming init"
expect_line '^Oops: double fault: 0000 \[#1\]' "double fault oops"
expect_status 35

crash_boot stackoverflow_task
expect_line '^BUG: stack guard page was hit at [0-9a-f]{16} \(stack of crashstack\[[0-9]+\] is [0-9a-f]{16}\.\.[0-9a-f]{16}\): kernel stack overflow$' \
	"the guard page report naming the kernel thread"
expect_line '^CPU: [0-9]+ PID: [0-9]+ Comm: crashstack ' "the CPU line naming the thread"
expect_status 35

crash_boot stackprotector
expect_line '^crashtest: overrunning a 16-byte buffer on the stack by [0-9]+ bytes$' "the overrun"
expect_line '^Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: crash_stackprotector\+0x[0-9a-f]+/0x[0-9a-f]+( \(kernel/crashtest\.c:[0-9]+\))?$' \
	"the stack protector's panic"
expect_status 37

crash_boot rodata
expect_line '^#PF: supervisor write access in kernel mode$' "#PF write line"
expect_line '^#PF: error_code\(0x0003\) - permissions violation$' "#PF protection reason"
expect_no_line '^crashtest: read-only data was written' "a write to .rodata"
expect_oops_report crash_rodata

crash_boot text_alias
expect_line '^#PF: supervisor write access in kernel mode$' "#PF write line"
expect_line '^#PF: error_code\(0x0003\) - permissions violation$' "#PF protection reason"
expect_no_line '^crashtest: kernel text was writable' "a write to text through the direct map"
expect_oops_report crash_text_alias
pass
