#!/usr/bin/env bash
# Invalid opcode, divide error, general protection fault and an NX
# violation in the kernel (crashtest=ud2, divzero, gpf, nx): each gives an
# oops naming the exception, with registers and a symbolized Call Trace,
# and QEMU ends.
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/oops_lib.bash"

crash_boot ud2
expect_line '^Oops: invalid opcode: 0000 \[#1\]' "invalid opcode oops"
expect_line '^Code: .*<0f> 0b' "the ud2 bytes marked in Code:"
expect_oops_report crash_ud2

crash_boot divzero
expect_line '^Oops: divide error: 0000 \[#1\]' "divide error oops"
expect_oops_report crash_divzero

crash_boot gpf
expect_line '^Oops: general protection fault: 0000 \[#1\]' "general protection fault oops"
expect_oops_report crash_gpf

# NX: calling into a data page faults on the fetch; RIP is in no function,
# so the trace names the caller from the return address at RSP ("? ").
crash_boot nx
expect_line '^BUG: kernel tried to execute NX-protected page$' "NX report"
expect_line '^#PF: supervisor instruction fetch in kernel mode$' "#PF instruction fetch line"
expect_line '^#PF: error_code\(0x0011\) - permissions violation$' "#PF protection reason"
expect_line "^ \? crash_nx\+0x[0-9a-f]+/0x[0-9a-f]+$SRC\$" "crash_nx guessed from the return address"
expect_line "^ crashtest_run\+0x[0-9a-f]+/0x[0-9a-f]+$SRC\$" "crashtest_run in the trace"
expect_status 35
expect_frames_have_lines
pass
