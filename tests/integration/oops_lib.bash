# Shared by the oops_*.sh integration tests (sourced after lib.bash): boot
# with a crashtest= mode (kernel/crashtest.c) and check the report.

# What follows every backtrace frame: the source position from the kernel's
# line table, " (kernel/crashtest.c:63)".
SRC=' \([A-Za-z0-9_./-]+\.[chS]:[0-9]+\)'

# expect_frames_have_lines: every frame line of every Call Trace in the log
# (" func+0x../0x.." or " ? func+0x../0x..") ends with its file:line.
expect_frames_have_lines() {
	local bad
	bad=$(log_text | sed -n '/Call Trace:$/,/^---\[ end /p' |
		grep -E '^ (\? )?[A-Za-z0-9_.]+\+0x[0-9a-f]+/0x[0-9a-f]+' |
		grep -vE "^ (\? )?[A-Za-z0-9_.]+\+0x[0-9a-f]+/0x[0-9a-f]+$SRC\$" | head -1)
	[ -z "$bad" ] || fail "a frame without its file:line in $LOG: '$bad'"
}

# crash_boot MODE [EXTRA-CMDLINE]: boot with crashtest=MODE.
crash_boot() {
	boot_kernel 60 "console=ttyS0 crashtest=$1 ${2:-}" -m 128M
}

# expect_oops_report FUNC: the parts every oops has, RIP in FUNC, and a
# Call Trace naming FUNC and its callers down to start_kernel.
expect_oops_report() {
	local func=$1
	expect_line '^Oops: .*[0-9a-f]{4} \[#1\]' "'Oops: <error code> [#1]' line"
	expect_line '^CPU: 0 ' "CPU line"
	expect_line "^RIP: 0008:$func\+0x[0-9a-f]+/0x[0-9a-f]+\$" "RIP line with the symbol $func"
	expect_frames_have_lines
	expect_line '^RSP: 0010:[0-9a-f]{16} RFLAGS: [0-9a-f]{8}$' "RSP/RFLAGS line"
	expect_line '^RAX: [0-9a-f]{16} RBX: [0-9a-f]{16} RCX: [0-9a-f]{16}$' "RAX/RBX/RCX line"
	expect_line '^R13: [0-9a-f]{16} R14: [0-9a-f]{16} R15: [0-9a-f]{16}$' "R13-R15 line"
	expect_line '^CR0: [0-9a-f]{16} CR2: [0-9a-f]{16} CR3: [0-9a-f]{16}$' "CR0/CR2/CR3 line"
	expect_line '^CR4: [0-9a-f]{16}$' "CR4 line"
	expect_line '^Code: .*<[0-9a-f]{2}>' "Code: line"
	local trace
	trace=$(log_text | sed -n '/^Call Trace:/,/^---\[ end trace/p')
	[ -n "$trace" ] || fail "no 'Call Trace:' ... '---[ end trace' block in $LOG"
	local f
	for f in "$func" crashtest_run start_kernel; do
		grep -qE "^ $f\+0x[0-9a-f]+/0x[0-9a-f]+$SRC\$" <<< "$trace" ||
			fail "Call Trace in $LOG does not name $f"
	done
	# Test runs end through the debug-exit device: a failure (35), not a hang.
	expect_status 35
}
