#!/usr/bin/env bash
# Debian's own glibc programs (dash, coreutils, grep, sed: tests/compat/
# programs, copied with their libraries into build/compat.cpio by
# tools/mkcompat.sh) run the compat scripts (tests/compat/t-*.sh, through
# tests/compat/run.sh) under Kestrel with 4 CPUs, and the output from
# "=== t-..." to "=== compat done" equals the output of the same scripts
# run by the same programs on this Linux host: nothing normalized. Then
# tests/compat/vdso_check.c, built against glibc, shows that glibc's
# clock_gettime, gettimeofday, time and sched_getcpu make no system call
# (Kestrel's /proc/self/syscalls). Booted quiet, so an informational
# kernel line (an unimplemented syscall's first use) cannot land in the
# middle of the output; warnings and errors still print and a dirty log
# fails the test. Then the scripts run again, silently: free memory must
# come back to where it was before that second run (nothing leaked).
. "$(dirname "$0")/lib.bash"

INITRD=build/compat.cpio
[ -f "$INITRD" ] || fail "$INITRD missing: run make compat-initramfs"

section() {	# the lines from the first "=== t-" to "=== compat done"
	tr -d '\r' < "$1" | sed -n '/^=== t-/,/^=== compat done$/p'
}

# On Linux.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
host_out=$LOG_DIR/$TEST_NAME-linux.out
dash tests/compat/run.sh "$scratch" > "$host_out" 2>&1 < /dev/null
[ "$(section "$host_out" | tail -n 1)" = "=== compat done" ] ||
	fail "the scripts did not finish on Linux: see $host_out"

# On Kestrel.
boot_kernel 300 "console=ttyS0 quiet kestrel.run=/compat/boot.sh" -M q35 -smp 4 -m 512M \
	-initrd "$INITRD"
expect_status 0
expect_clean_log
section "$host_out" > "$LOG_DIR/$TEST_NAME-linux.cut"
section "$LOG" > "$LOG_DIR/$TEST_NAME-kestrel.cut"
diff -u "$LOG_DIR/$TEST_NAME-linux.cut" "$LOG_DIR/$TEST_NAME-kestrel.cut" > "$LOG_DIR/$TEST_NAME.diff" ||
	fail "output differs from Linux's, see $LOG_DIR/$TEST_NAME.diff"
expect_exact_line "vdso_check: ok" "the vDSO check's verdict (glibc made system calls for the time?)"
expect_exact_line "compat memory: nothing leaked" \
	"a leak check (free memory after a second run: $(log_text | grep -a '^compat memory:'))"
pass
