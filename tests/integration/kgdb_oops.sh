#!/usr/bin/env bash
# An oops with kgdb enabled stops in the debugger instead of halting:
# the test kernel boots with kgdboc=ttyS1 and crashtest=ud2 under -smp 2;
# the oops prints its first line, then kgdb waits; gdb attaches through
# QEMU's second serial port, is told SIGILL, sees the faulting
# instruction (ud2) and crash_ud2 in the backtrace, and every CPU's task
# as a thread; it detaches, and the oops goes on as without a debugger:
# the full report, then the test run's failure exit (35).
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/oops_lib.bash"

command -v gdb > /dev/null || fail "gdb is not installed (tools/deps.sh)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
out=$LOG_DIR/$TEST_NAME.gdb.txt

tools/qemu-run -t 180 -o "$LOG" -- -smp 2 -m 128M \
	-serial "tcp:127.0.0.1:$port,server=on,wait=off" \
	-kernel "$KERNEL" -append "console=ttyS0 kgdboc=ttyS1 crashtest=ud2" 2> "$LOG.stderr" &
qpid=$!
trap 'kill $qpid 2>/dev/null; wait $qpid 2>/dev/null' EXIT
for _ in $(seq 600); do
	grep -q '^kgdb: entering the debugger' "$LOG" 2>/dev/null && break
	kill -0 $qpid 2>/dev/null || break
	sleep 0.2
done
grep -q '^kgdb: entering the debugger (waiting for gdb)' "$LOG" ||
	fail "the oops did not enter the debugger (see $LOG)"

KESTREL_GDB_NO_CONNECT=1 timeout 120 gdb -q -batch -nx -x tools/gdb/kestrel.gdb \
	-ex 'set remotetimeout 30' -ex "target remote 127.0.0.1:$port" \
	-ex 'echo == stop\n' -ex 'info program' -ex 'bt' -ex 'x/2bx $pc' -ex 'info threads' \
	-ex 'echo == detach\n' -ex 'detach' "$KERNEL" > "$out" 2>&1
echo "gdb exit status $?, transcript in $out"
wait $qpid
STATUS=$?
trap - EXIT
echo "QEMU exit status $STATUS, serial log $LOG"

grep -qE 'It stopped with signal SIGILL, Illegal instruction' "$out" || fail "gdb was not told SIGILL (see $out)"
grep -qE '^#0 +(0x[0-9a-f]+ in )?crash_ud2 \(\) at kernel/crashtest\.c:[0-9]+' "$out" ||
	fail "the backtrace does not start in crash_ud2 (see $out)"
grep -qE '^#[0-9]+ .*crashtest_run \(\) at kernel/crashtest\.c:[0-9]+' "$out" ||
	fail "the backtrace does not reach crashtest_run (see $out)"
grep -qE ':\s+0x0f\s+0x0b$' "$out" || fail "x/2bx \$pc does not show the ud2 bytes (see $out)"
grep -qE ', on CPU 1\)\)' "$out" || fail "info threads does not show a task stopped on CPU 1 (see $out)"
grep -qE '^\[Inferior 1 \((process [0-9]+|Remote target)\) detached\]' "$out" || fail "detach (see $out)"
# The oops report goes on after the debugger, and the run ends as an oops does.
log_text | grep -qE '^Oops: invalid opcode: 0000 \[#1\]' || fail "no oops line in $LOG"
expect_oops_report crash_ud2
pass
