#!/usr/bin/env bash
# User-mode exceptions are the program's: divide error, invalid opcode, a
# null pointer, int3 and a privileged instruction kill the faulting child
# with SIGFPE/SIGILL/SIGSEGV/SIGTRAP/SIGSEGV (or run its SA_SIGINFO handler
# with Linux's si_code and si_addr) while init and the kernel go on; and
# four processes keep their own SSE (AVX with -cpu max) registers and FS
# base across context switches; a process with four threads execs and
# the new program runs alone (tests/exec/faults.c as /init).
. "$(dirname "$0")/lib.bash"
KERNEL=$PLAIN_KERNEL	# the kernel users boot: no test hook needed

command -v musl-gcc > /dev/null || fail "musl-gcc missing (make deps)"
OUT=build/exec-test/faults
tests/exec/build.sh "$OUT" || fail "building tests/exec failed"
cp "$OUT/root/bin/faults" "$OUT/root/init"
tests/exec/pack.sh "$OUT" || fail "packing the initramfs failed"

for cpu in qemu64 max; do
	QEMU_RUN_OPTS=(-u '^faults: [0-9]+ passed')
	boot_kernel 90 "console=ttyS0" -m 256M -smp 2 -cpu $cpu -initrd "$OUT/initrd.cpio"
	expect_status 0
	expect_line '^faults: [0-9]+ passed, 0 failed$' "all fault and FPU checks passing (-cpu $cpu)"
	expect_no_line '^FAIL ' "a failed check"
	expect_clean_log
done
expect_exact_line "argv[1]=threaded-exec" "the program exec'd by a threaded process"
expect_line '^ok 4 processes keep their SSE/AVX registers and FS base$' "the AVX check under -cpu max"
pass
