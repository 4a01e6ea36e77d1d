/*
 * ktests for kernel/time/time.c and the timers behind it. The rate checks
 * compare two clocks over the same ~150 ms and allow 20%: they catch a
 * wrong calibration (a factor of 2, 10, 1000), not jitter.
 */
#include <kestrel/ktest.h>
#include <kestrel/percpu.h>
#include <kestrel/time.h>
#include <asm/apic.h>
#include <asm/hpet.h>
#include <asm/irq.h>
#include <asm/pit.h>
#include <asm/processor.h>
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

/*
 * Read the HPET and ktime as one pair. A virtual CPU can be descheduled
 * between the two reads on a busy host, which would put the two clocks'
 * windows apart by that long: retry until both reads fall within 100 us.
 */
static void sample_hpet_ktime(u64 *h, u64 *k)
{
	for (int i = 0; i < 100; i++) {
		u64 before = ktime_get_ns();

		*h = hpet_read();
		*k = ktime_get_ns();
		if (*k - before < 100 * NSEC_PER_USEC)
			return;
	}
}

KTEST(timer, tsc_vs_hpet)
{
	u64 h0, h1, k0, k1;

	if (!hpet_available())
		return;		/* acpi.hpet checks that one exists where it must */
	sample_hpet_ktime(&h0, &k0);
	mdelay(WINDOW_MS);
	sample_hpet_ktime(&h1, &k1);
	KEXPECT(close_enough(k1 - k0, hpet_ticks_to_ns(hpet_delta(h0, h1))));
}

static void sample_ktime(void *arg, bool end)
{
	u64 *k = arg;

	k[end] = ktime_get_ns();
}

KTEST(timer, tsc_vs_pit)
{
	u64 best = ~0ULL, k[2];
	u16 ticks = PIT_TICK_RATE / 20;	/* 50 ms, near the 16-bit limit */

	/*
	 * The PIT has no counter to read back here, only "done": measure its
	 * windows with ktime. A delayed virtual CPU only lengthens what ktime
	 * sees, so the shortest of a few windows is the honest one.
	 */
	for (int i = 0; i < 3; i++) {
		pit_window(ticks, sample_ktime, k);
		best = min(best, k[1] - k[0]);
	}
	KEXPECT(close_enough(best, 50 * NSEC_PER_MSEC));
}

KTEST(timer, udelay_short)
{
	u64 k0 = ktime_get_ns();

	for (int i = 0; i < 100; i++)
		udelay(100);
	KEXPECT(ktime_get_ns() - k0 >= 10 * NSEC_PER_MSEC);
}

KTEST(timer, apic_vs_tsc)
{
	u64 k0, k1, counted;
	u32 c0, c1, lvtt, tmict;
	unsigned long flags;

	KASSERT(apic_available());
	KASSERT(lapic_timer_hz != 0);
	/* Borrow this CPU's timer as a masked one-shot, then give it back. */
	flags = local_irq_save();
	lvtt = apic_read(APIC_LVTT);
	tmict = apic_read(APIC_TMICT);
	lapic_timer_oneshot_masked(0xffffffff);
	c0 = apic_read(APIC_TMCCT);
	k0 = ktime_get_ns();
	mdelay(WINDOW_MS);
	k1 = ktime_get_ns();
	c1 = apic_read(APIC_TMCCT);
	apic_write(APIC_LVTT, lvtt);
	apic_write(APIC_TMICT, tmict);
	local_irq_restore(flags);

	KASSERT(c1 < c0);
	counted = (u64)(c0 - c1) * NSEC_PER_SEC / lapic_timer_hz;
	KEXPECT(close_enough(counted, k1 - k0));
}

KTEST(timer, jiffies_advance)
{
	u64 j0, j1, t0, t1, k0, k1;

	KASSERT(!irqs_disabled());
	KASSERT(apic_available());
	/* Interrupts off around each sample, so no tick lands between its reads. */
	local_irq_disable();
	j0 = get_jiffies_64();
	t0 = timer_ticks(smp_processor_id());
	k0 = ktime_get_ns();
	local_irq_enable();
	mdelay(200);
	local_irq_disable();
	k1 = ktime_get_ns();
	j1 = get_jiffies_64();
	t1 = timer_ticks(smp_processor_id());
	local_irq_enable();
	/*
	 * HZ ticks a second: about 20 in 200 ms. Generous below: an emulator
	 * whose virtual CPU is descheduled merges ticks, so some are lost
	 * (timer.apic_vs_tsc checks the rate itself); nothing adds any.
	 */
	KEXPECT(j1 - j0 >= (k1 - k0) * HZ / NSEC_PER_SEC / 4);
	KEXPECT(j1 - j0 <= (k1 - k0) * HZ / NSEC_PER_SEC * 12 / 10 + 1);
	KEXPECT_EQ(t1 - t0, j1 - j0);	/* the boot CPU's own count is jiffies */
}

KTEST(timer, jiffies_stop_with_irqs_off)
{
	unsigned long flags = local_irq_save();
	u64 j0 = get_jiffies_64();

	mdelay(50);
	KEXPECT_EQ(get_jiffies_64(), j0);
	local_irq_restore(flags);
}

static void ipi_probe(struct pt_regs *regs, void *data)
{
	(*(int *)data)++;
	apic_eoi();
}

/* Not a timer, but the same delivery path: an interrupt through this CPU's APIC. */
KTEST(timer, apic_self_ipi_delivered)
{
	static int hits;
	int vector;

	KASSERT(apic_available());
	hits = 0;
	vector = irq_alloc_vector(ipi_probe, &hits);
	KASSERT(vector >= FIRST_DEVICE_VECTOR);
	{
		unsigned long flags = local_irq_save();
		apic_send_ipi_self(vector);
		KEXPECT_EQ(READ_ONCE(hits), 0);	/* held while interrupts are off */
		local_irq_restore(flags);
	}
	for (int i = 0; i < 1000 && !READ_ONCE(hits); i++)
		udelay(10);
	KEXPECT_EQ(READ_ONCE(hits), 1);
	apic_send_ipi(apic_id(), vector);	/* by destination id this time */
	for (int i = 0; i < 1000 && READ_ONCE(hits) < 2; i++)
		udelay(10);
	KEXPECT_EQ(READ_ONCE(hits), 2);
	irq_free_handler(vector);
}
