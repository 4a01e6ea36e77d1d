#!/usr/bin/env bash
# Unbounded recursion on a kernel stack with a guard page
# (crashtest=stackoverflow) must not triple-fault: the #PF cannot be
# delivered on the full stack, the double fault runs on its IST stack and
# reports the overflow with a backtrace; QEMU ends with the test-failure
# status (a triple fault would give 0).
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/oops_lib.bash"

crash_boot stackoverflow
expect_line '^BUG: stack guard page was hit at [0-9a-f]{16} .*kernel stack overflow$' "guard page report"
expect_line '^Oops: double fault: 0000 \[#1\]' "double fault oops"
expect_line '^ \.\.\. the frame above [0-9]+ more times \(recursion\)$' "collapsed recursion in the trace"
expect_oops_report recurse
log_text | sed -n '/^Call Trace:/,/^---\[ end trace/p' | grep -q '^ crash_stackoverflow+' ||
	fail "Call Trace does not reach crash_stackoverflow"
pass
