#!/usr/bin/env bash
# Every gdb helper of tools/gdb/ on a booted kernel, through `make debug`
# (the -Og test kernel with the initramfs, QEMU's gdb stub): gdb breaks in
# a system call (sys_mkdirat) made by a user program
# (user/rootfs/etc/kestrel/gdb-helpers.sh), prints a local variable (not
# optimized out) and the backtrace down to the syscall entry, then at a
# second stop runs each helper, with debugtest=park's threads holding and
# waiting for a mutex, and checks its output: lx-ps lists init, the
# kernel threads and the parked ones with where they wait; kheld shows the
# mutex the holder keeps; ktask shows a sleeping thread's stack; lx-fdtable
# the file the script keeps open; kpagecache its cached folio. Then the
# kernel runs on (the registers ktask changed are back) and the log is clean.
. "$(dirname "$0")/lib.bash"

command -v gdb > /dev/null || fail "gdb is not installed (tools/deps.sh)"
LOG=$LOG_DIR/$TEST_NAME.log
out=$LOG_DIR/$TEST_NAME.gdb.txt
script=$LOG_DIR/$TEST_NAME.gdb

# The line of sys_mkdirat after getname(): `name` is set there.
line=$(grep -n 'ret = ksys_mkdirat(dfd, name->name, mode);' fs/namei.c | cut -d: -f1)
[ -n "$line" ] || fail "sys_mkdirat's ksys_mkdirat() call is not in fs/namei.c any more: update this test"
{
	echo "hbreak fs/namei.c:$line if \$_streq(name->name, \"/tmp/gdbtest\")"
	echo "continue"
	cat tests/integration/gdb_helpers.gdb
} > "$script"

timeout 300 env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s --no-print-directory debug \
	KTEST=y SMP=2 MEM=256M DEBUG_SERIAL="$LOG" \
	APPEND="debugtest=park kestrel.run=/etc/kestrel/gdb-helpers.sh" \
	GDBFLAGS="-batch -x $script" > "$out" 2>&1
echo "make debug exit status $?, transcript in $out, serial log in $LOG"

# section NAME: the transcript from "== NAME" to the next "== " line.
section() {
	sed -n "/^== $1\$/,/^== /p" "$out"
}
# expect SECTION REGEX WHAT
expect() {
	section "$1" | grep -qE -- "$2" || fail "$3 (section $1 of $out)"
}

grep -qE "^Thread [0-9]+ hit (Hardware assisted )?[Bb]reakpoint 1, sys_mkdirat \\(dfd=(dfd@entry=)?-100, .*\\) at fs/namei\\.c:$line" "$out" ||
	fail "gdb did not stop in sys_mkdirat at fs/namei.c:$line with its arguments (see $out)"
expect local '^\$1 = 0x[0-9a-f]+ "/tmp/gdbtest"$' "print name->name did not show the name (optimized out?)"
expect local '^name = 0x[0-9a-f]+' "info locals did not show the local name"
expect local '^\$2 = 0$' "print ret after next: mkdir's result"
expect bt '^#[0-9]+ .* sys_mkdirat \(.* at fs/namei\.c:[0-9]+' "no sys_mkdirat frame"
expect bt '^#[0-9]+ .* (do_syscall_64|syscall_handler|__x64_sys_mkdir).* at [a-z0-9_/]+\.[cS]:[0-9]+' "the backtrace does not reach the system-call entry"
expect lx-ps '^0x[0-9a-f]+ +1 +1 +[RSD]\*? +[0-9]+ init ' "lx-ps does not list init (pid 1)"
expect lx-ps ' idle/0 ' "lx-ps does not list the idle task"
expect lx-ps ' events/0 ' "lx-ps does not list the system workqueue's workers"
expect lx-ps ' S +[0-9]+ dbg-holder +debugtest_sleep_forever \(kernel/debug/debugtest\.c:[0-9]+\) <- debugtest_holder$' "lx-ps does not show where dbg-holder sleeps"
expect lx-ps ' S +[0-9]+ dbg-waiter +(mutex_lock_slow|do_mutex_lock|mutex_lock_interruptible) \(kernel/locking/mutex\.c:[0-9]+\) <- ' "lx-ps does not show dbg-waiter waiting for the mutex"
expect lx-ps '^0x[0-9a-f]+ +1 +1 +S +[0-9]+ init +do_wait \(kernel/exit\.c:[0-9]+\) <- ' "lx-ps does not show init waiting for its child"
expect lx-ps ' [RSD]\* +[0-9]+ (sh|mkdir|busybox) ' "lx-ps does not mark the task in mkdir as running"
expect lx-current '^CPU [0-9]+: (sh|mkdir|busybox) pid [0-9]+' "lx-current does not name the task in mkdir"
expect lx-current '^\$[0-9]+ = "(sh|mkdir|busybox)' "\$lx_current().comm"
expect lx_per_cpu '^\$[0-9]+ = 1$' "\$lx_per_cpu(\"cpu\", 1) is not 1"
expect lx_per_cpu '^\$[0-9]+ = 0$' "\$lx_per_cpu(\"runqueues\", 0).cpu is not 0"
expect lx_per_cpu '^\$[0-9]+ = "init' "\$lx_task_by_pid(1).comm is not init"
expect lx-dmesg '^\[ *[0-9]+\.[0-9]{6}\] debugtest: parked$' "lx-dmesg has no time-stamped debugtest line"
expect lx-mounts ' /proc +proc +rw' "lx-mounts has no /proc"
expect lx-mounts ' / +tmpfs +rw' "lx-mounts has no root tmpfs"
expect lx-fdtable '^ +3 0x[0-9a-f]+ r .* file +/tmp/gdbtest/file$' "lx-fdtable does not show fd 3 on /tmp/gdbtest/file"
expect lx-fdtable '^ +[012] 0x[0-9a-f]+ rw .* /dev/(console|ttyS0)$' "lx-fdtable does not show the console on fds 0-2"
expect lx-cmdline 'debugtest=park kestrel\.run=/etc/kestrel/gdb-helpers\.sh' "lx-cmdline"
expect kheld '^[0-9]+ dbg-holder \(S, CPU [0-9]+\) holds 1 lock:$' "kheld does not show dbg-holder's lock"
expect kheld '^  #0: debugtest_mutex at 0x[0-9a-f]+ \[exclusive\], acquired at debugtest_holder\+0x[0-9a-f]+ \(kernel/debug/debugtest\.c:[0-9]+\)' "kheld does not name debugtest_mutex and where it was taken"
expect kvmas '^[0-9]+ [a-z]+: mm 0x[0-9a-f]+, [0-9]+ VMAs' "kvmas header"
expect kvmas ' r-xp [0-9a-f]+ .* /bin/' "kvmas shows no executable file mapping"
expect kvmas ' rw-p [0-9a-f]+ .*growsdown.* \[stack\]$' "kvmas shows no stack"
expect kpagecache '^/tmp/gdbtest/file: inode 0x[0-9a-f]+ ino [0-9]+ size 18,' "kpagecache header"
expect kpagecache '^  index      0 folio 0x[0-9a-f]+ .*uptodate' "kpagecache shows no uptodate folio at index 0"
expect kpagecache '^1 cached, [01] dirty, 0 under writeback$' "kpagecache totals"
expect kdentry '^/tmp/gdbtest/file$' "kdentry does not give the path"
expect kdentry 'inode 0x[0-9a-f]+ ino [0-9]+ file mode 644 size 18' "kdentry does not describe the inode"
expect krunq '^CPU 0: nr_running [0-9]+' "krunq has no CPU 0"
expect krunq '^CPU 1: nr_running [0-9]+' "krunq has no CPU 1"
expect 'ktask holder' '^ktask: dbg-holder \(pid [0-9]+\), switched out \(state S\)' "ktask did not load dbg-holder's registers"
expect 'ktask holder' '^#[0-9]+ .*debugtest_sleep_forever \(\) at kernel/debug/debugtest\.c:[0-9]+' "ktask's bt lacks debugtest_sleep_forever"
expect 'ktask holder' '^#[0-9]+ .*debugtest_holder \(.*\) at kernel/debug/debugtest\.c:[0-9]+' "ktask's bt lacks debugtest_holder"
expect 'ktask holder' '^#0 .* in (context_switch|__schedule|schedule) .*at kernel/sched/core\.c:[0-9]+' "ktask's frame 0 is not in the scheduler"
expect 'ktask waiter' '^#[0-9]+ .*mutex_lock_interruptible \(.*\) at kernel/locking/mutex\.c:[0-9]+' "ktask's bt of dbg-waiter lacks mutex_lock_interruptible"
expect 'ktask waiter' '^#[0-9]+ .*debugtest_waiter \(.*\) at kernel/debug/debugtest\.c:[0-9]+' "ktask's bt of dbg-waiter lacks debugtest_waiter"
expect 'ktask restore' '^ktask: registers of CPU thread [0-9]+ restored$' "ktask did not restore the registers"
expect after 'hit (Hardware assisted b|B)reakpoint [0-9]+, sched_tick' "the kernel did not run on after ktask"
grep -qE '^\[Inferior 1 \(process 1\) killed\]' "$out" || fail "kill did not end the session (see $out)"
grep -q 'Python Exception\|Error occurred in Python' "$out" && fail "a helper raised a Python exception (see $out)"
expect user 'hit (Hardware assisted b|B)reakpoint [0-9]+, .*__x64_sys_write \(' "the script did not go on to write its ready line"
expect_clean_log
pass
