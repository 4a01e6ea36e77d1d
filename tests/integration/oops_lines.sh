#!/usr/bin/env bash
# Oopses and warnings point at the source. Each kernel embeds a line table
# (tools/kallsyms from the DWARF, at link time): for both kernels it agrees
# with addr2line at the start and middle of every function
# (tools/kallsyms-lines-check, no QEMU). Then crashtest=pagefault: the
# first frame is crash_pagefault at the line of its faulting read in
# kernel/crashtest.c, its caller crashtest_run at the line of the call,
# every frame carries its file:line, and the oops's last line before the
# end marker gives the gdb and addr2line commands for the faulting
# address, which, run here, show that same line. crashtest=warn: the
# warning's frame in crash_warn is the WARN_ON line.
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/oops_lib.bash"

for elf in build/kernel.elf build/kernel-test.elf; do
	tools/kallsyms-lines-check "$elf" > "$LOG_DIR/oops_lines-check.out" ||
		fail "the line table of $elf disagrees with addr2line: $(sed -n 2p "$LOG_DIR/oops_lines-check.out")"
done

# line_of FUNCTION TEXT: the line of kernel/crashtest.c holding TEXT, first after FUNCTION's start.
line_of() {
	awk -v f="$1(" -v t="$2" 'index($0, f) && /^static/ { in_f = 1 } in_f && index($0, t) { print NR; exit }' \
		kernel/crashtest.c
}
fault_line=$(line_of crash_pagefault '(void)*bad;')
call_line=$(line_of crashtest_run 'crashes[i].fn();')
warn_line=$(line_of crash_warn 'WARN_ON(1);')
[ -n "$fault_line" ] && [ -n "$call_line" ] && [ -n "$warn_line" ] ||
	fail "cannot find the crash lines in kernel/crashtest.c"

crash_boot pagefault
expect_oops_report crash_pagefault
expect_line "^ crash_pagefault\+0x[0-9a-f]+/0x[0-9a-f]+ \(kernel/crashtest\.c:$fault_line\)\$" \
	"crash_pagefault at kernel/crashtest.c:$fault_line (the faulting read)"
expect_line "^ crashtest_run\+0x[0-9a-f]+/0x[0-9a-f]+ \(kernel/crashtest\.c:$call_line\)\$" \
	"crashtest_run at kernel/crashtest.c:$call_line (the call)"
hint=$(log_text | grep -aE "^Source: gdb -batch -ex 'list \*0x[0-9a-f]+' build/kernel-test\.elf  \(or: addr2line -fie build/kernel-test\.elf [0-9a-f]+\)\$")
[ -n "$hint" ] || fail "no 'Source: gdb ... (or: addr2line ...)' line in $LOG"
log_text | sed -n '/^Source: /{n;p;}' | grep -q '^---\[ end trace' ||
	fail "the Source: line is not the oops's last line before the end marker"
addr=${hint##* }
addr=${addr%)}
a2l=$(addr2line -fie build/kernel-test.elf "$addr")
grep -q "kernel/crashtest.c:$fault_line\$" <<< "$a2l" ||
	fail "the hint's addr2line command gives '$a2l', not kernel/crashtest.c:$fault_line"
gdb_out=$(gdb -nx -batch -ex "list *0x$addr" build/kernel-test.elf 2>&1)
grep -q "crash_pagefault (kernel/crashtest.c:$fault_line)" <<< "$gdb_out" ||
	fail "the hint's gdb command does not show kernel/crashtest.c:$fault_line: $(head -1 <<< "$gdb_out")"

crash_boot warn "ktest=printk.format_numbers"
expect_status 33
expect_line "^ crash_warn\+0x[0-9a-f]+/0x[0-9a-f]+ \(kernel/crashtest\.c:$warn_line\)\$" \
	"crash_warn at kernel/crashtest.c:$warn_line (the WARN_ON)"
expect_frames_have_lines
pass
