#!/usr/bin/env bash
# A fork bomb (RLIMIT_NPROC 32, as an administrator would set it) and a
# memory hog (4 GiB on a 256 MiB machine), both run by uid 1000 at once
# (user/rootfs/etc/kestrel/contain.sh): the OOM killer chooses the hog and
# says so as Linux does, RLIMIT_NPROC holds the bomb at its limit, root's
# commands still run, root kills the bomb, and free memory comes back to
# within 2 MiB of where it started. Nothing kernel-side complains.
. "$(dirname "$0")/lib.bash"

INITRAMFS=build/initramfs.cpio
[ -f "$INITRAMFS" ] || fail "$INITRAMFS missing: run make"

boot_kernel 280 "console=ttyS0 kestrel.run=/etc/kestrel/contain.sh" -smp 4 -m 256M \
	-initrd "$INITRAMFS"
expect_line '^Out of memory: Killed process [0-9]+ \(memhog\) total-vm:[0-9]+kB, anon-rss:[0-9]+kB, file-rss:[0-9]+kB, shmem-rss:[0-9]+kB, UID:1000 pgtables:[0-9]+kB oom_score_adj:0$' \
	"the OOM killer's line for the hog"
expect_no_line '^Out of memory: Killed process [0-9]+ \((init|sh|forkbomb)\)' "another victim"
expect_exact_line "hog: exit status 137" "the hog killed by SIGKILL"
expect_exact_line "bomb: held at the limit" "the bomb held by RLIMIT_NPROC"
expect_exact_line "root: WORKS" "root's pipeline meanwhile"
expect_exact_line "bomb: 0 processes left" "the bomb killed by root"
expect_exact_line "memory: back within 2 MiB" "free memory back"
expect_line '^init: powering off$' "init's power-off line"
expect_status 0
expect_clean_log
pass
