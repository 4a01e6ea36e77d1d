#!/usr/bin/env bash
# Debian's busybox-static, from the initramfs, runs a shell script
# (user/rootfs/etc/kestrel/busybox-script.sh: pipes, redirection, background
# jobs, wait, trap, ls, cat, cp, mv, rm, ln -s, mkdir, find, sort, sed, awk,
# grep, tar, sha256sum, dd, ps, kill, mount -t proc, poweroff -f), and its
# output, from "== begin" to "== done", equals the output of the same
# busybox binary running the same script on this Linux host in a scratch
# directory. Nothing is normalized: the script prints no pids, times or
# paths. The differences are in how it is started: on Linux SCRATCH names
# the scratch directory, poweroff is a no-op shell function, and the run is
# in a private mount namespace (unshare -m) when possible, so its
# `mount -t proc` stays there; Kestrel boots with `quiet`, so its
# informational messages (an unimplemented syscall's first use) cannot
# interleave with the script's output (errors and warnings still print,
# and a dirty log fails the test).
# Pending (tests/integration/pending/README): lib.bash from here or from above.
here=$(dirname "$0")
[ -f "$here/lib.bash" ] || here=$here/..
. "$here/lib.bash"
KERNEL=$PLAIN_KERNEL	# the kernel users boot: no test hook needed

INITRAMFS=build/initramfs.cpio
BUSYBOX=build/initramfs.d/bin/busybox
SCRIPT=user/rootfs/etc/kestrel/busybox-script.sh
[ -f "$INITRAMFS" ] || fail "$INITRAMFS missing: run make"
[ -x "$BUSYBOX" ] || fail "no busybox in the initramfs: install busybox-static (tools/deps.sh) and run make"

between() {	# the lines from "== begin" to "== done"
	tr -d '\r' < "$1" | sed -n '/^== begin$/,/^== done$/p'
}

# On Linux.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
host_out=$LOG_DIR/$TEST_NAME-linux.out
unshare=
unshare -m --propagation private true 2> /dev/null && unshare="unshare -m --propagation private"
SCRATCH=$scratch $unshare "$BUSYBOX" sh -c 'poweroff() { :; }; . "$1"' sh "$PWD/$SCRIPT" \
	> "$host_out" 2>&1 < /dev/null
[ "$(between "$host_out" | tail -n1)" = "== done" ] || fail "the script did not finish on Linux: see $host_out"

# On Kestrel.
boot_kernel 240 "console=ttyS0 quiet kestrel.run=/etc/kestrel/busybox-script.sh" -smp 2 -m 512M \
	-initrd "$INITRAMFS"
expect_status 0
expect_clean_log
between "$host_out" > "$LOG_DIR/$TEST_NAME-linux.cut"
between "$LOG" > "$LOG_DIR/$TEST_NAME-kestrel.cut"
diff -u "$LOG_DIR/$TEST_NAME-linux.cut" "$LOG_DIR/$TEST_NAME-kestrel.cut" > "$LOG_DIR/$TEST_NAME.diff" ||
	fail "output differs from Linux's, see $LOG_DIR/$TEST_NAME.diff"
pass
