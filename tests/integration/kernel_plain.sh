#!/usr/bin/env bash
# The kernel users boot (build/kernel.elf: make run, the ISO, a real PC)
# holds no tests and no test hooks: no ktest, crashtest or locktest symbol
# (build/kernel-test.elf has them all, so the check can see them), and the
# ktest=, crashtest= and locktest= words mean nothing to it: they go to
# init as unknown parameters, nothing crashes, and the kernel boots to
# init, which runs a user-space test suite and powers off.
. "$(dirname "$0")/lib.bash"

INITRAMFS=build/initramfs.cpio
for f in "$PLAIN_KERNEL" build/kernel-test.elf "$INITRAMFS"; do
	[ -f "$f" ] || fail "$f missing: run make and make kernel-test"
done

test_symbols() {
	nm "$1" | grep -iE 'ktest|crashtest|locktest'
}
syms=$(test_symbols "$PLAIN_KERNEL")
[ -z "$syms" ] || fail "$PLAIN_KERNEL has test symbols: $(head -3 <<< "$syms" | tr '\n' ' ')"
for s in ktest_fail crashtest_run locktest_run __start_ktests; do
	test_symbols build/kernel-test.elf | grep -qE " $s\$" || fail "build/kernel-test.elf lacks $s"
done
# The shared code is the same in both: the test kernel only adds text.
plain_text=$(size "$PLAIN_KERNEL" | awk 'NR == 2 { print $1 }')
test_text=$(size build/kernel-test.elf | awk 'NR == 2 { print $1 }')
[ "$plain_text" -lt "$test_text" ] || fail "kernel.elf text $plain_text not below kernel-test.elf's $test_text"

KERNEL=$PLAIN_KERNEL
boot_kernel 240 "console=ttyS0 ktest=* crashtest=panic locktest=abba kestrel.test=pipe.*" \
	-smp 2 -m 256M -initrd "$INITRAMFS"
expect_line '^Unknown kernel command line parameters "ktest=\* crashtest=panic locktest=abba ' \
	"the test words reported as unknown"
expect_no_line '^ktest: |^crashtest: |^locktest: ' "a test hook ran"
expect_exact_line "Run /init as init process" "init started"
expect_line '^[1-9][0-9]* passed, 0 failed$' "the pipe tests' total from init"
expect_line '^init: powering off$' "init's power-off line"
expect_status 0
expect_clean_log
pass
