# /compat/boot.sh: what Kestrel runs for tests/integration/compat.sh
# (kestrel.run=/compat/boot.sh, under busybox sh; /init powers off
# afterwards): the compat scripts with Debian's dash (the output compared
# with Linux's), the vDSO check, then the scripts once more, silently, to
# see that they leave no memory behind: the first run warmed the caches,
# so free memory after the second must come back to where it was before
# it (give or take 2 MiB; exited tasks and RCU callbacks take a moment).
/usr/bin/dash /compat/run.sh /tmp/compat
/compat/bin/vdso_check

free_kib() {
	sed -n 's/^MemFree: *\([0-9]*\) kB$/\1/p' /proc/meminfo
}
before=$(free_kib)
/usr/bin/dash /compat/run.sh /tmp/compat > /dev/null 2>&1
for i in 1 2 3 4 5 6 7 8 9 10; do
	after=$(free_kib)
	[ $((after + 2048)) -ge "$before" ] && break
	sleep 0.5
done
echo "compat memory: $before KiB free before the second run, $after KiB after"
[ $((after + 2048)) -ge "$before" ] && echo "compat memory: nothing leaked"
