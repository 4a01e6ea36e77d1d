#!/usr/bin/env bash
# WARN_ON prints a backtrace and the kernel goes on (crashtest=warn, then a
# ktest run ends the boot); panic() prints a backtrace and, in a test run,
# ends QEMU with the panic status 37 (crashtest=panic).
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/oops_lib.bash"

crash_boot warn "ktest=printk.format_numbers"
expect_status 33
expect_line '^WARNING: kernel/crashtest.c:[0-9]+: 1$' "WARNING line"
expect_line "^ crash_warn\+0x[0-9a-f]+/0x[0-9a-f]+$SRC\$" "crash_warn in the warning's trace"
expect_line '^crashtest: survived the warning$' "the kernel carrying on after WARN_ON"
expect_frames_have_lines

crash_boot panic
expect_status 37
expect_line '^Kernel panic - not syncing: crashtest: panic on request$' "panic line"
expect_line "^ crash_panic\+0x[0-9a-f]+/0x[0-9a-f]+$SRC\$" "crash_panic in the panic's trace"
expect_frames_have_lines
pass
