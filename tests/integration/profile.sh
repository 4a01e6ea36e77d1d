#!/usr/bin/env bash
# The sampling profiler (docs/profiling.md): /etc/kestrel/profile-test.sh
# (user/rootfs) starts it through /proc/kestrel/profile, runs a loop of
# stat(2) calls (/testprogs/profwork), stops it and prints
# /proc/kestrel/profile_folded and /proc/profile. Checked here:
# - the folded stacks name the workload: most of profwork's samples pass
#   through vfs_fstatat under entry_SYSCALL_64, with the user frames below
#   (a share of samples, not a time: any load gives the same picture);
# - tools/flamegraph turns them into an SVG naming vfs_fstatat;
# - util-linux's readprofile reads /proc/profile with build/kernel.System.map
#   and its total is exactly the number of kernel-mode samples.
# Pending (tests/integration/pending/README): lib.bash from here or from above.
here=$(dirname "$0")
[ -f "$here/lib.bash" ] || here=$here/..
. "$here/lib.bash"
KERNEL=$PLAIN_KERNEL	# the kernel users boot: no test hook needed

INITRAMFS=build/initramfs.cpio
MAP=build/kernel.System.map
[ -f "$INITRAMFS" ] || fail "$INITRAMFS missing: run make"
[ -f "$MAP" ] || fail "$MAP missing: run make"

boot_kernel 180 "console=ttyS0 quiet kestrel.run=/etc/kestrel/profile-test.sh" -smp 2 -m 256M \
	-initrd "$INITRAMFS"
expect_line "^profile on: 1000 [0-9]+ [0-9]+ 0$" "the running profiler's state"
expect_line '^profile stats: 0 [1-9][0-9]* [0-9]+ 0$' "samples, none dropped"
expect_exact_line "profile test done" "the end of the script"
expect_status 0
expect_clean_log

folded=$LOG_DIR/$TEST_NAME.folded
log_text | sed -n 's/^folded //p' > "$folded"
read -r all work fstat ordered kernel < <(awk '
	{ n = $NF; all += n }
	/^profwork;/ { work += n
		if ($0 ~ /;vfs_fstatat(;| )/) fstat += n
		if ($0 ~ /^profwork;0x[0-9a-f]+;.*entry_SYSCALL_64;do_syscall_64;.*vfs_fstatat/) ordered += n }
	/;0xffff|;[a-z_]/ { kernel += n }
	END { print all + 0, work + 0, fstat + 0, ordered + 0, kernel + 0 }' "$folded")
echo "samples: $all, profwork: $work, through vfs_fstatat: $fstat (in order: $ordered), kernel: $kernel"
[ "$work" -ge 20 ] || fail "only $work samples of profwork (of $all): see $folded"
[ $((2 * fstat)) -gt "$work" ] || fail "vfs_fstatat in $fstat of $work profwork samples: see $folded"
[ $((2 * ordered)) -gt "$work" ] ||
	fail "stacks not ordered comm;user;entry_SYSCALL_64;do_syscall_64;...;vfs_fstatat: see $folded"

svg=$LOG_DIR/$TEST_NAME.svg
tools/flamegraph "$folded" > "$svg" || fail "tools/flamegraph failed on $folded"
grep -q '<svg' "$svg" && grep -q '>vfs_fstatat (' "$svg" || fail "$svg does not show vfs_fstatat"

# /proc/profile back to bytes: the bucket size, then every bucket.
prof=$LOG_DIR/$TEST_NAME.profile
log_text | python3 -c '
import struct, sys
step, words, hits = None, None, {}
for line in sys.stdin:
    f = line.split()
    if f[:1] == ["hist-step"]: step = int(f[1])
    elif f[:1] == ["hist-words"]: words = int(f[1])
    elif f[:1] == ["hist"]: hits[int(f[1])] = int(f[2])
if step is None or words is None: sys.exit("no /proc/profile dump in the log")
out = [step] + [hits.get(i, 0) for i in range(words - 1)]
sys.stdout.buffer.write(struct.pack("<%dI" % len(out), *out))' > "$prof" || fail "no /proc/profile in $LOG"
command -v readprofile > /dev/null || PATH=$PATH:/usr/sbin:/sbin
rp=$LOG_DIR/$TEST_NAME.readprofile
readprofile -p "$prof" -m "$MAP" > "$rp" 2>&1 || fail "readprofile failed: see $rp"
total=$(awk '$2 == "total" { print $1 }' "$rp")
echo "readprofile total: $total"
[ -n "$total" ] && [ "$total" -gt 0 ] || fail "readprofile found no ticks: see $rp"
[ "$total" = "$kernel" ] || fail "readprofile counts $total ticks, the folded stacks $kernel kernel samples"
pass
