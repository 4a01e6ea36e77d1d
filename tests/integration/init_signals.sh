#!/usr/bin/env bash
# Orphans whose exit signal is SIGKILL or SIGSTOP, made by uid 1000, exit
# with init as their parent (user/rootfs/etc/kestrel/init-signals.sh): their
# exit signal became SIGCHLD when init adopted them, and init takes no
# signal it has no handler for, so init is neither killed nor stopped, reaps
# them, runs the rest of the script and powers the machine off. Before,
# init died of the first one and its exit spun for ever with the task list
# locked (a hard lockup: no line after the orphans').
. "$(dirname "$0")/lib.bash"

INITRAMFS=build/initramfs.cpio
[ -f "$INITRAMFS" ] || fail "$INITRAMFS missing: run make"

boot_kernel 120 "console=ttyS0 kestrel.run=/etc/kestrel/init-signals.sh" -smp 4 -m 256M \
	-initrd "$INITRAMFS"
for sig in 9 19; do
	expect_exact_line "orphan $sig: adopted by 1" "the orphan with exit signal $sig"
done
expect_exact_line "init state: S (sleeping)" "init sleeping (not stopped) after the orphans"
expect_exact_line "still alive: ok" "a pipeline after the orphans"
expect_line '^init: powering off$' "init's power-off line"
expect_status 0
expect_clean_log
pass
