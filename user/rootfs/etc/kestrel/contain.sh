# A fork bomb and a memory hog, both by uid 1000, at once
# (tests/integration/contain.sh): RLIMIT_NPROC holds the bomb at its
# limit, the OOM killer ends the hog, root goes on working, kills the
# bomb, and free memory comes back to where it started.
LIMIT=32
memfree() { sed -n 's/^MemFree: *\([0-9]*\) kB$/\1/p' /proc/meminfo; }
uid1000() { grep -l '^Uid:[[:space:]]*1000[[:space:]]' /proc/[0-9]*/status 2>/dev/null | wc -l; }

before=$(memfree)
/testprogs/forkbomb $LIMIT > /tmp/bomb.out &
/testprogs/memhog 4096 > /tmp/hog.out &
hog=$!
wait $hog
echo "hog: exit status $?"

# The bomb is still at it; root works, and sees it held at the limit.
n=$(uid1000)
[ "$n" -ge 2 ] && [ "$n" -le $LIMIT ] && echo "bomb: held at the limit" || echo "bomb: $n processes"
echo "root: $(echo works | tr a-z A-Z)"

# Root kills it: the whole process group, until nobody of uid 1000 is left.
pgrp=$(sed -n 's/^forkbomb: process group //p' /tmp/bomb.out)
tries=0
while [ "$(uid1000)" -gt 0 ] && [ $tries -lt 300 ]; do
	kill -9 -- -"$pgrp" 2>/dev/null
	sleep 0.1
	tries=$((tries + 1))
done
wait
echo "bomb: $(uid1000) processes left"

# Memory comes back (the last frees finish in the background: look again for a while).
tries=0
while [ $tries -lt 100 ]; do
	after=$(memfree)
	[ $((before - after)) -le 2048 ] && break
	sleep 0.1
	tries=$((tries + 1))
done
[ $((before - after)) -le 2048 ] && echo "memory: back within 2 MiB" ||
	echo "memory: before ${before} kB, after ${after} kB"
