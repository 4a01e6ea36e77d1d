#!/usr/bin/env bash
# The system-call fuzzer (tests/fuzz, docs/security.md), a short run: three
# fixed seeds, 10,000 calls each as uid 1000 and as root, four children at
# once under -smp 4. Every call of syscall_64.tbl is in the draw. The run
# fails on any kernel report the fuzzer reads in /dev/kmsg (it stops and
# prints the calls in flight) and on any in the serial log; a child SIGKILL
# cannot end fails it too. Longer runs: make fuzz SEEDS=N.
. "$(dirname "$0")/lib.bash"
KERNEL=$PLAIN_KERNEL

INITRAMFS=build/initramfs.cpio
[ -f "$INITRAMFS" ] || fail "$INITRAMFS missing: run make"

# One thread per child: the configuration of the recorded million-call runs
# (docs/security.md). With two threads per child, seeds 1 and 2 as uid 1000
# leave a child SIGKILL does not end, an open finding in docs/security.md.
boot_kernel 280 "console=ttyS0 kestrel.run=/etc/kestrel/fuzz.sh fuzz.seeds=1,2,3 fuzz.calls=10000 fuzz.uids=1000,0 fuzz.threads=1" \
	-M q35 -smp 4 -m 512M -initrd "$INITRAMFS"
for uid in 1000 0; do
	for seed in 1 2 3; do
		expect_line "^fuzz: uid $uid seed $seed: [0-9]+ calls\$" "the count of uid $uid seed $seed"
	done
done
expect_no_line '^fuzz: FAIL' "a finding"
expect_no_line "^fuzz: a child's setup failed" "a failed jail"
expect_exact_line "fuzz: PASS" "the fuzzer's verdict"
expect_exact_line "fuzz: exit status 0" "the fuzzer's exit status"
expect_line '^init: powering off$' "init's power-off line"
expect_status 0
expect_clean_log
pass
