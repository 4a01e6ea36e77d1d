#!/usr/bin/env bash
# The test harness checks itself: tools/qemu-run passes QEMU's exit status
# through, stops a hung guest at the time limit with 124 and leaves no
# QEMU behind, stops at a -u match; tools/dirty-log tells clean logs from
# oopses, BUGs, panics, WARNINGs and lock-validator reports.
. "$(dirname "$0")/lib.bash"

# Exit status passed through (ktest pass = 33).
boot_kernel 60 "console=ttyS0 ktest=printk.format_strings" -m 64M
expect_status 33

# A guest that never ends (no bootable device: SeaBIOS waits forever).
start=$SECONDS
boot 2 -m 64M -boot c
expect_status 124
[ $((SECONDS - start)) -le 10 ] || fail "qemu-run took $((SECONDS - start))s to stop a 2 s run"
sleep 0.5
if pgrep -f -- "-serial file:$LOG " > /dev/null; then
	fail "QEMU still running after qemu-run timed out"
fi

# -u stops QEMU at the first matching line, with status 0.
QEMU_RUN_OPTS=(-u '^Command line:')
boot 30 -m 64M -kernel "$KERNEL" -append "console=ttyS0 selftest=1"
expect_status 0
expect_exact_line "Command line: console=ttyS0 selftest=1" "the line -u waited for"
QEMU_RUN_OPTS=()

# Usage errors are not QEMU failures.
tools/qemu-run -t abc -- -m 64M > /dev/null 2>&1
[ $? -eq 125 ] || fail "qemu-run -t abc did not exit 125"

# tools/dirty-log on made-up logs.
tmp=$LOG_DIR/$TEST_NAME.sample.log
dirty() { printf '%s\n' "Kestrel 0.1" "$@" > "$tmp"; tools/dirty-log "$tmp" > /dev/null; }
dirty "Command line: x" "ok 1 - a.b" "1 passed, 0 failed" && fail "a clean log was called dirty"
dirty "ok 1 - lockdep.detects_abba" "ktest: running 3 tests matching 'lockdep.*'" &&
	fail "ktest result lines naming lockdep were called dirty"
for bad in "Oops: invalid opcode: 0000 [#1] SMP" "BUG: unable to handle page fault for address: 0" \
	"Kernel panic - not syncing: x" "WARNING: kernel/foo.c:12: x" \
	"possible circular locking dependency detected (lockdep)" $'Oops: x\r'; do
	dirty "$bad" || fail "tools/dirty-log missed: $bad"
done
pass
