#!/usr/bin/env bash
# The first user program: a static musl binary (tests/exec/hello.c) in an
# initramfs runs as /init (pid 1) and prints through write(2) and stdio.
# It shows what execve built: argv[0] = /init plus the command-line words
# no kernel parameter claimed, the environment (HOME, TERM, name=value
# words) and the auxiliary vector (AT_PAGESZ, AT_PHENT, AT_RANDOM bytes,
# AT_EXECFN, ids, AT_CLKTCK; AT_BASE 0 for a static program).
. "$(dirname "$0")/lib.bash"
KERNEL=$PLAIN_KERNEL	# the kernel users boot: no test hook needed

command -v musl-gcc > /dev/null || fail "musl-gcc missing (make deps)"
OUT=build/exec-test/hello
tests/exec/build.sh "$OUT" || fail "building tests/exec failed"
cp "$OUT/root/bin/hello" "$OUT/root/init"
tests/exec/pack.sh "$OUT" || fail "packing the initramfs failed"

QEMU_RUN_OPTS=(-u '^user space done')
boot_kernel 60 "console=ttyS0 foo=bar hello-arg" -m 256M -initrd "$OUT/initrd.cpio"
expect_status 0
expect_exact_line "Run /init as init process" "the init line"
expect_exact_line "hello from user space" "output of write(2)"
expect_exact_line "argc=2" "argc"
expect_exact_line "argv[0]=/init" "argv[0]"
expect_exact_line "argv[1]=hello-arg" "a bare command-line word as argv"
expect_exact_line "env HOME=/" "HOME"
expect_exact_line "env TERM=linux" "TERM"
expect_exact_line "env foo=bar" "a name=value word as the environment"
expect_exact_line "auxv pagesz=4096 phent=56 phnum_ok=1 entry_ok=1 random_ok=1 execfn=/init" \
	"auxv layout entries"
expect_exact_line "auxv uid=0 euid=0 gid=0 egid=0 secure=0 clktck=100 base=0" "auxv ids"
expect_clean_log
pass
