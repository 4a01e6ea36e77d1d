# tests/integration/lib.bash: helpers for integration tests (source it).
#
# An integration test is an executable bash script tests/integration/NAME.sh
# run from anywhere after `make` and `make iso`; exit status 0 is a pass,
# anything else a failure whose reason is the last line printed. Every
# QEMU run goes through tools/qemu-run so it has a time limit. Serial logs
# go to build/test-logs/NAME*.log.
#
#	. "$(dirname "$0")/lib.bash"
#	boot_kernel 30 "console=ttyS0 ktest=printk.*" -m 64M
#	expect_status 33
#	expect_line '^Memory: [0-9]+ MiB usable$' "the memory line"
#	pass
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 2

TEST_NAME=$(basename "$0" .sh)
LOG_DIR=build/test-logs
# boot_kernel boots $KERNEL: the test kernel, which has ktest=, crashtest=
# and locktest=. A test that needs none of them and checks what users run
# sets KERNEL=$PLAIN_KERNEL (the kernel of `make run`) after sourcing this.
KERNEL=build/kernel-test.elf
PLAIN_KERNEL=build/kernel.elf
mkdir -p "$LOG_DIR"
LOG=$LOG_DIR/$TEST_NAME.log	# the serial log of the last boot
STATUS=				# QEMU's exit status of the last boot

fail() {
	echo "FAIL: $TEST_NAME: $*"
	exit 1
}

pass() {
	echo "PASS: $TEST_NAME"
	exit 0
}

# boot SECONDS QEMU-ARGS...: one QEMU run through tools/qemu-run; sets LOG
# (NAME.log, then NAME-2.log, ...) and STATUS. Extra tools/qemu-run
# options go in QEMU_RUN_OPTS (e.g. QEMU_RUN_OPTS=(-u '^Command line:')).
BOOTS=0
boot() {
	local secs=$1
	shift
	BOOTS=$((BOOTS + 1))
	LOG=$LOG_DIR/$TEST_NAME$([ $BOOTS -gt 1 ] && echo "-$BOOTS").log
	tools/qemu-run -t "$secs" -o "$LOG" "${QEMU_RUN_OPTS[@]}" -- "$@" 2> "$LOG.stderr"
	STATUS=$?
	echo "boot ($*): exit status $STATUS, serial log $LOG"
}
QEMU_RUN_OPTS=()

# boot_kernel SECONDS "CMDLINE" [QEMU-ARGS...]: boot $KERNEL directly.
boot_kernel() {
	local secs=$1 cmdline=$2
	shift 2
	boot "$secs" -kernel "$KERNEL" -append "$cmdline" "$@"
}

# The serial log without carriage returns, for matching.
log_text() {
	tr -d '\r' < "$LOG"
}

expect_status() {
	[ "$STATUS" = "$1" ] && return 0
	[ "$STATUS" = 124 ] && fail "QEMU timed out (wanted exit status $1); see $LOG"
	fail "QEMU exit status $STATUS, wanted $1; see $LOG"
}

# expect_line REGEX WHAT: some line of the log matches the extended REGEX.
expect_line() {
	log_text | grep -qaE -- "$1" || fail "no $2 in $LOG (wanted /$1/)"
}

# expect_exact_line TEXT WHAT: some line of the log is exactly TEXT.
expect_exact_line() {
	log_text | grep -qaxF -- "$1" || fail "no $2 in $LOG (wanted the exact line '$1')"
}

expect_no_line() {
	if log_text | grep -qaE -- "$1"; then
		fail "$2 in $LOG: $(log_text | grep -aE -m1 -- "$1")"
	fi
}

# The same judgement as tools/run-tests (tools/dirty-log decides): no
# oops, BUG, panic, WARNING or lock-validator report in the log.
expect_clean_log() {
	local line
	if line=$(tools/dirty-log "$LOG"); then
		fail "a kernel error report in $LOG: $line"
	fi
}
