/*
 * The TSC: a 64-bit counter incremented at a constant rate on modern CPUs
 * (the "invariant TSC", CPUID 0x80000007 EDX bit 8). Reading it costs a
 * few cycles, so it backs ktime_get_ns() and udelay(); its rate is not
 * architecturally known, so we measure it against the reference clock.
 *
 * The conversion factors are written once by tsc_calibrate() on the boot
 * CPU before anything reads them; afterwards they are read-only.
 */
#include <kestrel/errno.h>
#include <kestrel/printk.h>
#include <kestrel/time.h>
#include <asm/processor.h>
#include <asm/tsc.h>

u64 tsc_khz;
/* ns = cycles * tsc_mult >> TSC_SHIFT (a fixed-point 1e6 / tsc_khz). */
static u64 tsc_mult;

#define CALIBRATE_MS 50
#define CALIBRATE_TRIES 3

bool tsc_invariant(void)
{
	u32 a, b, c, d;

	cpuid(0x80000000, &a, &b, &c, &d);
	if (a < 0x80000007)
		return false;
	cpuid(0x80000007, &a, &b, &c, &d);
	return d & (1 << 8);
}

u64 tsc_ns_mult(void)
{
	return tsc_mult;
}

u64 tsc_cycles_to_ns(u64 cycles)
{
	return (u64)(((unsigned __int128)cycles * tsc_mult) >> TSC_SHIFT);
}

static void sample_tsc(void *arg, bool end)
{
	u64 *t = arg;

	t[end] = rdtsc();
}

/* One window: the TSC rate in kHz, or 0 if the window was unusable. */
static u64 calibrate_once(void)
{
	u64 t[2], ns;

	ns = time_ref_window(CALIBRATE_MS, sample_tsc, t);
	if (!ns || t[1] <= t[0])
		return 0;
	return (t[1] - t[0]) * 1000000 / ns;
}

int tsc_calibrate(void)
{
	u64 khz[CALIBRATE_TRIES], best = 0;

	/*
	 * A few windows; the median is robust to one window stretched by a
	 * preempted virtual CPU or an SMI.
	 */
	for (int i = 0; i < CALIBRATE_TRIES; i++)
		khz[i] = calibrate_once();
	for (int i = 0; i < CALIBRATE_TRIES; i++) {
		int below = 0, above = 0;
		for (int j = 0; j < CALIBRATE_TRIES; j++) {
			below += khz[j] < khz[i];
			above += khz[j] > khz[i];
		}
		if (below <= CALIBRATE_TRIES / 2 && above <= CALIBRATE_TRIES / 2)
			best = khz[i];
	}
	if (!best) {
		pr_err("tsc: calibration against %s failed\n", time_reference_name());
		return -EIO;
	}
	tsc_mult = (1000000ULL << TSC_SHIFT) / best;
	WRITE_ONCE(tsc_khz, best);
	pr_info("tsc: %llu.%03llu MHz, calibrated against %s%s\n",
		(unsigned long long)(best / 1000), (unsigned long long)(best % 1000),
		time_reference_name(), tsc_invariant() ? ", invariant" : "");
	return 0;
}
