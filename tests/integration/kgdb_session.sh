#!/usr/bin/env bash
# The kernel's own gdb stub (kgdb), as on a machine without QEMU's: the
# test kernel boots under -smp 4 with kgdboc=ttyS1 kgdbwait and stops at
# boot; gdb attaches through QEMU's second serial port (TCP), sets a
# software breakpoint in vfs_mkdir (an int3 written through the text
# alias), continues, and stops there when the initramfs script
# (user/rootfs/etc/kestrel/kgdb-test.sh) runs mkdir; it reads the
# arguments, single-steps (stepi, next), lists the threads (every task,
# with its name), shows a sleeping thread's stack (debugtest=park's
# dbg-holder, through the stub's thread registers), stops on a hardware
# watchpoint (the host name written by `hostname`) and a hardware
# breakpoint (sys_uname), and detaches. The kernel runs on; a second gdb
# attaches to it while it runs (its first packet on ttyS1 stops the
# kernel through the port's receive interrupt), writes the host name into
# the kernel's memory (which ends the script's wait) and detaches; the
# kernel then runs to the end of the script and powers off, with a clean
# log.
. "$(dirname "$0")/lib.bash"

command -v gdb > /dev/null || fail "gdb is not installed (tools/deps.sh)"
[ -x build/initramfs.d/bin/busybox ] || fail "no busybox in the initramfs (tools/deps.sh, make)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
out=$LOG_DIR/$TEST_NAME.gdb.txt

tools/qemu-run -t 240 -o "$LOG" -- -M q35 -smp 4 -m 256M \
	-serial "tcp:127.0.0.1:$port,server=on,wait=off" \
	-kernel "$KERNEL" -initrd build/initramfs.cpio \
	-append "console=ttyS0 kgdboc=ttyS1 kgdbwait debugtest=park kestrel.run=/etc/kestrel/kgdb-test.sh" \
	2> "$LOG.stderr" &
qpid=$!
trap 'kill $qpid 2>/dev/null; wait $qpid 2>/dev/null' EXIT

for _ in $(seq 600); do
	grep -q '^kgdb: waiting for gdb on ttyS1' "$LOG" 2>/dev/null && break
	kill -0 $qpid 2>/dev/null || break
	sleep 0.2
done
if ! grep -q '^kgdb: waiting for gdb on ttyS1' "$LOG"; then
	kill -0 $qpid 2>/dev/null || { wait $qpid; echo "QEMU ended with status $?: $(cat "$LOG.stderr")"; }
	fail "the kernel did not wait for gdb (see $LOG)"
fi

KESTREL_GDB_NO_CONNECT=1 timeout 180 gdb -q -batch -nx -x tools/gdb/kestrel.gdb \
	-ex 'set remotetimeout 30' -ex "target remote 127.0.0.1:$port" \
	-x tests/integration/kgdb_session.gdb "$KERNEL" > "$out" 2>&1
echo "gdb exit status $?, transcript in $out"

# The second gdb, on the running kernel.
out2=$LOG_DIR/$TEST_NAME.gdb2.txt
for _ in $(seq 600); do
	grep -q '^kgdb-test: waiting for gdb' "$LOG" 2>/dev/null && break
	kill -0 $qpid 2>/dev/null || break
	sleep 0.2
done
grep -q '^kgdb-test: waiting for gdb' "$LOG" || fail "the script did not get to its wait (see $LOG, $out)"
KESTREL_GDB_NO_CONNECT=1 timeout 120 gdb -q -batch -nx -x tools/gdb/kestrel.gdb \
	-ex 'set remotetimeout 30' -ex "target remote 127.0.0.1:$port" \
	-ex 'echo == attach2\n' -ex 'info threads' \
	-ex "set var utsname.nodename[0] = 'd'" -ex "set var utsname.nodename[1] = 'o'" \
	-ex "set var utsname.nodename[2] = 'n'" -ex "set var utsname.nodename[3] = 'e'" \
	-ex "set var utsname.nodename[4] = 0" -ex 'print utsname.nodename' \
	-ex 'echo == detach2\n' -ex 'detach' "$KERNEL" > "$out2" 2>&1
echo "second gdb exit status $?, transcript in $out2"
wait $qpid
STATUS=$?
trap - EXIT
echo "QEMU exit status $STATUS, serial log $LOG"

section() {
	sed -n "/^== $1\$/,/^== /p" "$out"
}
expect() {
	section "$1" | grep -qE -- "$2" || fail "$3 (section $1 of $out)"
}

expect attached '^#0 +(0x[0-9a-f]+ in )?kgdb_breakpoint \(\) at kernel/debug/debug_core\.c:[0-9]+' "the boot stop is not in kgdb_breakpoint"
expect attached '^#[0-9]+ .*kgdboc_init \(\) at drivers/tty/serial/kgdboc\.c:[0-9]+' "the boot stop's backtrace lacks kgdboc_init"
grep -qE 'hit Breakpoint 1, (0x[0-9a-f]+ in )?[a-z_]+ \(' "$out" &&
	grep -qE '^#[0-9]+ +(0x[0-9a-f]+ in )?vfs_mkdir \(dir=0x[0-9a-f]+, dentry=0x[0-9a-f]+' "$out" ||
	fail "gdb did not stop at the vfs_mkdir breakpoint (see $out)"
expect vfs_mkdir '^#[0-9]+ .*sys_mkdirat \(.* at fs/namei\.c:[0-9]+' "the backtrace does not reach sys_mkdirat"
expect vfs_mkdir '^\$[0-9]+ = (\([a-z ]+\*\) )?0x[0-9a-f]+ "kgdbtest"$' "print dentry->d_name.name"
expect vfs_mkdir '^\$[0-9]+ = [0-9]+$' "print dir->i_ino"
steps=$(section step | grep -E '^\$[0-9]+ = 0x[0-9a-f]+$' | awk '{print $3}')
[ "$(echo "$steps" | sort -u | wc -l)" -ge 3 ] || fail "stepi and next did not move the pc: $(echo $steps) (see $out)"
expect threads 'Thread 1 \(init \(pid 1, [RSD], (on CPU|last on CPU) [0-9]+\)\)' "info threads lacks init"
expect threads 'Thread [0-9]+ \(dbg-holder \(pid [0-9]+, S, last on CPU [0-9]+\)\)' "info threads lacks the sleeping dbg-holder"
expect threads 'Thread 3277[01] \(idle/[23] \(pid 0, ' "info threads lacks the idle tasks (tid 32768 + CPU)"
expect threads '^\* +[0-9]+ +Thread [0-9]+ \([a-z]+ \(pid [0-9]+, R, on CPU [0-3]\)\) ' "info threads does not mark the stopped task"
n=$(section threads | grep -cE '^\*? +[0-9]+ +Thread ')
[ "$n" -ge 20 ] || fail "info threads lists $n threads, want every task (see $out)"
expect ktask '^ktask: thread of dbg-holder' "ktask did not select dbg-holder's thread"
expect ktask '^#[0-9]+ .*debugtest_sleep_forever \(\) at kernel/debug/debugtest\.c:[0-9]+' "the sleeping thread's backtrace lacks debugtest_sleep_forever"
expect ktask '^#[0-9]+ .*debugtest_holder \(.*\) at kernel/debug/debugtest\.c:[0-9]+' "the sleeping thread's backtrace lacks debugtest_holder"
expect watch '^Hardware watchpoint [0-9]+: -location utsname\.nodename\[0\]' "watch did not set a hardware watchpoint"
expect watch "^New value = 103 'g'" "the watchpoint did not stop on the host name's write"
expect hbreak 'hit (Hardware assisted b|B)reakpoint [0-9]+, (0x[0-9a-f]+ in )?sys_uname \(' "the hardware breakpoint in sys_uname"
expect detach '^\[Inferior 1 \((process [0-9]+|Remote target)\) detached\]' "detach"
grep -q 'Python Exception\|Remote failure\|Remote connection closed' "$out" && fail "gdb reported an error (see $out)"
grep -qE '^\$1 = "done\\000' "$out2" || fail "the second gdb did not write the host name (see $out2)"
grep -qE 'Thread 1 \(init \(pid 1, ' "$out2" || fail "the second gdb lists no threads (see $out2)"
grep -qE '^\[Inferior 1 \((process [0-9]+|Remote target)\) detached\]' "$out2" || fail "the second gdb did not detach (see $out2)"
grep -q 'Python Exception\|Remote failure\|Remote connection closed' "$out2" && fail "the second gdb reported an error (see $out2)"
expect_status 0
expect_line '^kgdb-test: done, host name done$' "the script's last line after the second detach"
expect_clean_log
pass
