#!/usr/bin/env bash
# An automated gdb session against QEMU's gdb stub, as `make debug` sets
# it up (tools/gdb/kestrel.gdb): break in printk (the second call, after
# the boot information is parsed), backtrace with
# file:line ending cleanly at the entry code, print kernel structures, finish and step through C, read the
# log with the script's dmesg command, then kill the target.
. "$(dirname "$0")/lib.bash"
KERNEL=$PLAIN_KERNEL	# the kernel `make debug` debugs

command -v gdb > /dev/null || fail "gdb is not installed (tools/deps.sh)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
LOG=$LOG_DIR/$TEST_NAME.log
out=$LOG_DIR/$TEST_NAME.gdb.txt

tools/qemu-run -t 60 -o "$LOG" -- -gdb "tcp:127.0.0.1:$port" -S -m 64M \
	-kernel "$KERNEL" -append "console=ttyS0 gdbtest=hello" 2> "$LOG.stderr" &
qpid=$!
trap 'kill $qpid 2>/dev/null; wait $qpid 2>/dev/null' EXIT

# Wait for the stub to listen.
for _ in $(seq 50); do
	(exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null && break
	sleep 0.1
done

KESTREL_GDB_NO_CONNECT=1 timeout 60 gdb -q -batch -nx \
	-x tools/gdb/kestrel.gdb \
	-ex "target remote 127.0.0.1:$port" \
	-ex 'hbreak printk' \
	-ex 'ignore 1 1' \
	-ex 'continue' \
	-ex 'bt' \
	-ex 'print boot_info.cmdline' \
	-ex 'print *console_list' \
	-ex 'finish' \
	-ex 'step' \
	-ex 'info source' \
	-ex 'delete' \
	-ex 'hbreak do_initcalls' \
	-ex 'continue' \
	-ex 'dmesg' \
	-ex 'kcmdline' \
	-ex 'kill' \
	"$KERNEL" > "$out" 2>&1
echo "gdb exit status $?, transcript in $out"

grep -qE '^Breakpoint 1, (0x[0-9a-f]+ in )?printk \(.*\) at kernel/printk\.c:[0-9]+' "$out" ||
	fail "gdb did not stop in printk at kernel/printk.c:N (see $out)"
grep -qE '^#0 +(0x[0-9a-f]+ in )?printk \(.*at kernel/printk\.c:[0-9]+' "$out" ||
	fail "backtrace frame #0 is not printk at kernel/printk.c:N (see $out)"
grep -qE '^#[1-9].* at [a-z0-9_/]+\.c:[0-9]+' "$out" ||
	fail "backtrace has no caller frame with file:line (see $out)"
grep -qE '^#[0-9]+ .*start_kernel \(.*at kernel/main\.c:[0-9]+' "$out" ||
	fail "backtrace does not reach start_kernel at kernel/main.c:N (see $out)"
if grep -qE '^#[0-9]+ .* in \?\? \(\)' "$out"; then
	fail "backtrace runs past the entry code into unknown frames (see $out)"
fi
grep -qE '^\$1 = "console=ttyS0 gdbtest=hello' "$out" ||
	fail "print boot_info.cmdline did not show the command line (see $out)"
grep -qE '^\$2 = \{' "$out" && grep -qE 'name = 0x[0-9a-f]+ "ttyS"' "$out" ||
	fail "print *console_list did not show the serial console (see $out)"
grep -qE '^Value returned is \$[0-9]+ = [0-9]+' "$out" || fail "finish did not return from printk with its value (see $out)"
grep -qE '^Current source file is [a-z0-9_/]+\.c' "$out" ||
	fail "step did not land in C source (see $out)"
grep -qE '^Breakpoint 2, do_initcalls \(\) at kernel/main\.c:[0-9]+' "$out" ||
	fail "second breakpoint not reached (see $out)"
grep -qE '^<6>Command line: console=ttyS0 gdbtest=hello' "$out" ||
	fail "the dmesg command did not print the log (see $out)"
grep -qE '^\[Inferior 1 \(process 1\) killed\]' "$out" || fail "kill did not end the session (see $out)"
pass
