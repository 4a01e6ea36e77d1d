#!/usr/bin/env bash
# A kernel read of an unmapped address (crashtest=pagefault) gives a
# Linux-like oops: the BUG line with CR2, the #PF reason, registers and a
# symbolized Call Trace naming the crashing function and its callers, then
# QEMU ends (no hang).
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/oops_lib.bash"

crash_boot pagefault
expect_line '^BUG: unable to handle page fault for address: ffffc88000000000$' "BUG line with the address"
expect_line '^#PF: supervisor read access in kernel mode$' "#PF access line"
expect_line '^#PF: error_code\(0x0000\) - not-present page$' "#PF reason line"
expect_line '^CR0: [0-9a-f]{16} CR2: ffffc88000000000 ' "CR2 holding the address"
expect_oops_report crash_pagefault
pass
