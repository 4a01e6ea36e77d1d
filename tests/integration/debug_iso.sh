#!/usr/bin/env bash
# `make debug ISO=1`: the -Og kernel on an ISO (build/debug/kernel.iso),
# booted through SeaBIOS and GRUB, with APPEND in its grub.cfg; gdb (with
# the -Og ELF's symbols) stops in do_initcalls, reads the command line GRUB
# passed and a local of start_kernel's frame, and ends the session.
. "$(dirname "$0")/lib.bash"

command -v gdb > /dev/null || fail "gdb is not installed (tools/deps.sh)"
LOG=$LOG_DIR/$TEST_NAME.log
out=$LOG_DIR/$TEST_NAME.gdb.txt
cmds=$LOG_DIR/$TEST_NAME.gdb
printf '%s\n' 'hbreak do_initcalls' continue 'echo == stop\n' bt kcmdline \
	'print boot_info.cmdline' kill > "$cmds"

timeout 300 env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s --no-print-directory debug ISO=1 \
	APPEND="debugrun=iso" DEBUG_SERIAL="$LOG" GDBFLAGS="-batch -x $cmds" > "$out" 2>&1
echo "make debug ISO=1 exit status $?, transcript in $out, serial log $LOG"

[ -f build/debug/kernel.iso ] || fail "no build/debug/kernel.iso"
grep -q 'debugrun=iso' build/debug/grub.cfg || fail "APPEND is not in build/debug/grub.cfg"
grep -qE 'hit (Hardware assisted )?[Bb]reakpoint 1, do_initcalls \(\) at kernel/main\.c:[0-9]+' "$out" ||
	fail "gdb did not stop in do_initcalls (see $out)"
grep -qE '^#[0-9]+ .*start_kernel \(magic=[0-9]+,' "$out" || fail "no start_kernel frame with its magic argument (see $out)"
grep -qE '^console=ttyS0 console=tty0 debugrun=iso$' "$out" ||
	fail "the command line is not GRUB's with APPEND: booted another way? (see $out)"
grep -qE '^\[Inferior 1 \(process [0-9]+\) killed\]' "$out" || fail "kill did not end the session (see $out)"
expect_line '^Command line: console=ttyS0 console=tty0 debugrun=iso$' "the kernel's command line from GRUB"
pass
