/*
 * ktests of the POSIX clocks (kernel/time/clocks.c): ordering and ids only,
 * no timing bounds beyond "moved forward". The syscalls are tested from
 * user space (user/tests/clock.c).
 */
#include <kestrel/errno.h>
#include <kestrel/ktest.h>
#include <kestrel/sched.h>
#include <kestrel/time.h>
#include <asm/processor.h>

KTEST(clock, realtime_is_rtc_based)
{
	u64 rt;

	KASSERT_EQ(posix_clock_get_ns(CLOCK_REALTIME, &rt), 0);
	/* 2020-01-01 or later: the RTC was read (QEMU gives the host's date). */
	KEXPECT(rt / NSEC_PER_SEC >= 1577836800ULL);
	KEXPECT_EQ(ktime_get_real_offset(), ktime_get_real_offset());
}

KTEST(clock, clocks_move_forward)
{
	static const int ids[] = { CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_BOOTTIME,
				   CLOCK_REALTIME, CLOCK_THREAD_CPUTIME_ID,
				   CLOCK_PROCESS_CPUTIME_ID };

	for (unsigned int i = 0; i < ARRAY_SIZE(ids); i++) {
		u64 a, b, end = ktime_get_ns() + 30 * NSEC_PER_MSEC;

		KASSERT_EQ(posix_clock_get_ns(ids[i], &a), 0);
		while (ktime_get_ns() < end)
			cpu_relax();
		KASSERT_EQ(posix_clock_get_ns(ids[i], &b), 0);
		KEXPECT(b > a);
	}
}

KTEST(clock, coarse_clocks_are_tick_aligned)
{
	u64 c, m;

	KASSERT_EQ(posix_clock_get_ns(CLOCK_MONOTONIC_COARSE, &c), 0);
	KASSERT_EQ(posix_clock_get_ns(CLOCK_MONOTONIC, &m), 0);
	KEXPECT_EQ(c % (NSEC_PER_SEC / HZ), 0);
	KEXPECT(c <= m);
}

KTEST(clock, bad_ids)
{
	u64 ns;
	/* Linux's CPU clock id of pid 999999 (process, sched): ~pid << 3 | 2. */
	int gone = (int)((~999999U << 3) | 2);

	KEXPECT_EQ(posix_clock_get_ns(12345, &ns), -EINVAL);
	KEXPECT_EQ(posix_clock_get_ns(gone, &ns), -EINVAL);
	/* Our own thread's CPU clock by id (~tid << 3 | per-thread | sched). */
	KEXPECT_EQ(posix_clock_get_ns((int)((~(unsigned int)current->pid << 3) | 4 | 2), &ns), 0);
}
