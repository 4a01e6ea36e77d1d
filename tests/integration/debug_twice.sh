#!/usr/bin/env bash
# `make debug` twice in a row attaches to the new kernel, never to a QEMU
# an earlier session left behind:
#  1. a session whose gdb gets a Ctrl-C (SIGINT to the terminal's process
#     group) while the kernel runs, then exits: its QEMU is gone;
#  2. a session killed outright (SIGKILL to make, the script and gdb: no
#     clean-up runs) leaves its QEMU running; the next `make debug` ends
#     that QEMU and its gdb talks to the kernel it just booted (the command
#     line it prints is the new one).
. "$(dirname "$0")/lib.bash"

command -v gdb > /dev/null || fail "gdb is not installed (tools/deps.sh)"
PIDFILE=build/debug/qemu.pid
cmds=$LOG_DIR/$TEST_NAME.gdb

# make_debug TAG GDBFILE: `make debug` in its own process group (as a
# terminal's foreground job), serial log $LOG_DIR/$TEST_NAME-TAG.log.
make_debug() {
	rm -f "$LOG_DIR/$TEST_NAME-$1.log"	# a log of an earlier run would look booted at once
	setsid env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s --no-print-directory debug SMP=2 \
		APPEND="debugrun=$1" DEBUG_SERIAL="$LOG_DIR/$TEST_NAME-$1.log" \
		GDBFLAGS="-batch -x $2" > "$LOG_DIR/$TEST_NAME-$1.txt" 2>&1 < /dev/null &
	mpid=$!
}

# wait_for FILE REGEX: until FILE has a line matching REGEX (60 s at most).
wait_for() {
	for _ in $(seq 600); do
		grep -qaE -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

alive() {
	[ -n "$1" ] && kill -0 "$1" 2>/dev/null
}

# Whatever way the test ends, no session or QEMU of its own outlives it
# (a QEMU left behind would hold the machine's CPU and the next test's ports).
cleanup() {
	[ -n "${mpid:-}" ] && kill -KILL -- "-$mpid" 2>/dev/null
	local q
	for q in "$(cat "$PIDFILE" 2>/dev/null)" "${stale:-}"; do
		[ -n "$q" ] && grep -qs qemu "/proc/$q/comm" && kill -KILL "$q" 2>/dev/null
	done
	return 0
}
trap cleanup EXIT

echo continue > "$cmds-run"

# 1. Ctrl-C while the kernel runs, then gdb ends: QEMU ends with it.
make_debug ctrlc "$cmds-run"
wait_for "$LOG_DIR/$TEST_NAME-ctrlc.log" '^Command line: .*debugrun=ctrlc' ||
	fail "the first session's kernel did not boot (see $LOG_DIR/$TEST_NAME-ctrlc.*)"
qpid=$(cat "$PIDFILE")
kill -INT -- "-$mpid"
# gdb stops the kernel, its batch ends and make returns: seconds, more on a loaded host.
for _ in $(seq 600); do alive "$mpid" || break; sleep 0.1; done
alive "$mpid" && fail "make debug did not end after Ctrl-C and gdb's exit"
wait "$mpid" 2>/dev/null
for _ in $(seq 50); do alive "$qpid" || break; sleep 0.1; done
alive "$qpid" && { kill -KILL "$qpid"; fail "QEMU (pid $qpid) outlived its gdb after a Ctrl-C"; }
grep -q 'received signal SIGINT' "$LOG_DIR/$TEST_NAME-ctrlc.txt" ||
	fail "gdb did not get the Ctrl-C (see $LOG_DIR/$TEST_NAME-ctrlc.txt)"

# 2. A session killed outright leaves its QEMU; the next one ends it.
make_debug stale "$cmds-run"
wait_for "$LOG_DIR/$TEST_NAME-stale.log" '^Command line: .*debugrun=stale' ||
	fail "the stale session's kernel did not boot"
stale=$(cat "$PIDFILE")
kill -KILL -- "-$mpid"
wait "$mpid" 2>/dev/null
alive "$stale" || fail "no stale QEMU to test with (pid $stale ended with its session)"

printf '%s\n' 'hbreak do_initcalls' continue kcmdline > "$cmds-new"
make_debug new "$cmds-new"
for _ in $(seq 600); do alive "$mpid" || break; sleep 0.1; done
alive "$mpid" && { kill -KILL -- "-$mpid"; fail "the second session did not end"; }
out=$LOG_DIR/$TEST_NAME-new.txt
alive "$stale" && { kill -KILL "$stale"; fail "the stale QEMU (pid $stale) is still running"; }
grep -q "^qemu-debug: ending the QEMU of an earlier session (pid $stale)" "$out" ||
	fail "make debug did not say it ended the stale QEMU (see $out)"
grep -qE '^console=ttyS0 debugrun=new$' "$out" ||
	fail "gdb did not attach to the new kernel: kcmdline is not the new one (see $out)"
[ -e "$PIDFILE" ] && alive "$(cat "$PIDFILE")" && fail "a QEMU is left running after the last session"
pass
