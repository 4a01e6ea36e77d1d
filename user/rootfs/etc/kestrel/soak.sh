# The soak (make soak, tools/run-soak; docs/security.md): for SOAK_TIME
# seconds, at once: the system-call fuzzer as uid 1000 and as root, the
# user-space test programs in a loop (forkstress, pipes, futexes, mmap,
# files, signals...), and block writers and checkers on /dev/vda through
# the page cache and O_DIRECT. Then everything stops, caches the
# workloads filled are dropped (the disk's page cache: BLKFLSBUF), and
# free memory and every slab cache's object count are compared with
# their values after a warm-up round. The host judges the kernel log.
T=${SOAK_TIME:-1800}
uptime_s() { cut -d. -f1 /proc/uptime; }
memfree() { sed -n 's/^MemFree: *\([0-9]*\) kB$/\1/p' /proc/meminfo; }
slabs() { sed -n '3,$p' /proc/slabinfo | awk '{ print $1, $2 }'; }
DISK=/dev/vda
[ -b $DISK ] || DISK=

settle() {
	[ -n "$DISK" ] && blockdev --flushbufs $DISK
	sync
	sleep 2
}

block_round() {	# $1: round; two regions of 4 MiB, one buffered, one direct
	off=$(( ($1 % 4) * 8388608 ))
	/testprogs/blkpattern write $DISK $off 4194304 $1 cpu=1 > /dev/null &&
		/testprogs/blkpattern check $DISK $off 4194304 $1 > /dev/null || echo "soak: block check failed, round $1"
	/testprogs/blkpattern write $DISK $((off + 4194304)) 4194304 $1 direct cpu=2 > /dev/null &&
		/testprogs/blkpattern check $DISK $((off + 4194304)) 4194304 $1 direct > /dev/null ||
		echo "soak: block direct check failed, round $1"
}

# Warm-up: one round of each, so caches made once are there before the count.
/testprogs/fuzz -s 1 -n 2000 -u 1000,0 -j 2 > /dev/null
[ -n "$DISK" ] && block_round 0
/tests/pipe 'pipe.*' > /dev/null 2>&1
settle
mem0=$(memfree)
slabs > /tmp/slab0
echo "soak: $T s on $(grep -c ^processor /proc/cpuinfo) CPUs; MemFree ${mem0} kB after the warm-up"

end=$(( $(uptime_s) + T ))
/testprogs/fuzz -s 7001,7002,7003,7004,7005,7006,7007,7008 -n 100000000 -u 1000 -j 3 -T "$T" > /tmp/fuzz-1000.out 2>&1 &
/testprogs/fuzz -s 8001,8002,8003,8004,8005,8006,8007,8008 -n 100000000 -u 0 -j 2 -T "$T" > /tmp/fuzz-0.out 2>&1 &
(
	round=1
	while [ -n "$DISK" ] && [ "$(uptime_s)" -lt $end ]; do
		block_round $round
		round=$((round + 1))
	done
	echo "soak: block rounds $((round - 1))"
) &
(
	passed=0 failed=0 rounds=0
	while [ "$(uptime_s)" -lt $end ]; do
		for t in /tests/*; do
			[ "$(uptime_s)" -lt $end ] || break
			"$t" '*' > /tmp/test.out 2>&1
			p=$(grep -c '^ok ' /tmp/test.out) f=$(grep -c '^not ok ' /tmp/test.out)
			passed=$((passed + p)) failed=$((failed + f))
			grep '^not ok ' /tmp/test.out | sed "s|^|soak: under load, $t: |"
		done
		rounds=$((rounds + 1))
	done
	echo "soak: user tests under load: $rounds rounds, $passed passed, $failed failed"
) &
wait
grep '^fuzz: ' /tmp/fuzz-1000.out /tmp/fuzz-0.out | grep -v 'fuzz: child ' | sed 's|^/tmp/||'

rm -f /tmp/test.out /tmp/fuzz-*.out
settle
# Frees finish in the background (RCU, the flusher): look again for a while.
tries=0
while [ $tries -lt 30 ]; do
	mem1=$(memfree)
	[ $((mem0 - mem1)) -le 2048 ] && break
	sleep 1
	tries=$((tries + 1))
done
slabs > /tmp/slab1
echo "soak: MemFree ${mem0} kB before, ${mem1} kB after ($(( (mem0 - mem1) )) kB less)"
[ $((mem0 - mem1)) -le 2048 ] && echo "soak: memory back within 2 MiB" || echo "soak: memory NOT back"
grew=$(awk 'NR == FNR { n[$1] = $2; next }
	$2 > n[$1] + 64 { printf "%s %d->%d; ", $1, n[$1], $2 }' /tmp/slab0 /tmp/slab1)
[ -z "$grew" ] && echo "soak: slab caches back (none grew by more than 64 objects)" || echo "soak: slab caches grew: $grew"
echo "soak: done"
