#!/usr/bin/env bash
# Invalid opcode, divide error and general protection fault in the kernel
# (crashtest=ud2, divzero, gpf): each gives an oops naming the exception,
# with registers and a symbolized Call Trace, and QEMU ends.
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
pass
