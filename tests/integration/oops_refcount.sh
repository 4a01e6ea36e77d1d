#!/usr/bin/env bash
# A refcount_t used wrongly does not wrap: one put too many and one get
# past INT_MAX each pin the count at REFCOUNT_SATURATED (0xc0000000) and
# print a WARNING with a backtrace (lib/refcount.c), and the kernel goes
# on (crashtest=refcount, then a ktest run ends the boot).
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/oops_lib.bash"

crash_boot refcount "ktest=printk.format_numbers"
expect_status 33
expect_line '^crashtest: refcount_t reached 0$' "the last put reporting 0"
expect_line '^WARNING: lib/refcount.c:[0-9]+: refcount_t: underflow; use-after-free\.$' \
	"underflow WARNING line"
expect_line '^ crash_refcount\+0x[0-9a-f]+/0x[0-9a-f]+$' "crash_refcount in the warning's trace"
expect_line '^crashtest: refcount_t is 0xc0000000 after the underflow$' "saturated after the underflow"
expect_line '^WARNING: lib/refcount.c:[0-9]+: refcount_t: saturated; leaking memory\.$' \
	"overflow WARNING line"
expect_line '^crashtest: refcount_t is 0xc0000000 after the overflow$' "saturated after the overflow"
pass
