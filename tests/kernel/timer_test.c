/*
 * ktests for kernel/time.c and the timers behind it. The rate checks
 * compare two clocks over the same ~150 ms and allow 20%: they catch a
 * wrong calibration (a factor of 2, 10, 1000), not jitter.
 */
#include <kestrel/ktest.h>
#include <kestrel/time.h>
#include <asm/hpet.h>
#include <asm/pit.h>
#include <asm/tsc.h>

#define WINDOW_MS 150

/* a within 20% of b */
static bool close_enough(u64 a, u64 b)
{
	return a * 10 >= b * 8 && a * 10 <= b * 12;
}

KTEST(timer, ktime_monotonic)
{
	u64 prev = ktime_get_ns(), now, start = prev;

	KASSERT(tsc_khz != 0);
	for (int i = 0; i < 100000; i++) {
		now = ktime_get_ns();
		if (!KEXPECT(now >= prev))
			break;
		prev = now;
	}
	mdelay(10);
	KEXPECT(ktime_get_ns() - start >= 10 * NSEC_PER_MSEC);
}

KTEST(timer, tsc_vs_hpet)
{
	u64 h0, h1, k0, k1;

	if (!hpet_available())
		return;		/* acpi.hpet checks that one exists where it must */
	k0 = ktime_get_ns();
	h0 = hpet_read();
	mdelay(WINDOW_MS);
	h1 = hpet_read();
	k1 = ktime_get_ns();
	KEXPECT(close_enough(k1 - k0, hpet_ticks_to_ns(hpet_delta(h0, h1))));
	KEXPECT(close_enough(k1 - k0, WINDOW_MS * NSEC_PER_MSEC));
}

KTEST(timer, tsc_vs_pit)
{
	u64 k0 = ktime_get_ns(), k1;

	pit_wait_us(WINDOW_MS * 1000);
	k1 = ktime_get_ns();
	KEXPECT(close_enough(k1 - k0, WINDOW_MS * NSEC_PER_MSEC));
}

KTEST(timer, udelay_short)
{
	u64 k0 = ktime_get_ns();

	for (int i = 0; i < 100; i++)
		udelay(100);
	KEXPECT(ktime_get_ns() - k0 >= 10 * NSEC_PER_MSEC);
}
