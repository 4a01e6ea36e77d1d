/*
 * Kernel time: the reference clock for calibration, ktime_get_ns(),
 * delays and jiffies.
 *
 * Reference clock: the HPET main counter when ACPI describes one (fixed,
 * known period), else PIT channel 2 polled as a one-shot. Both run
 * without interrupts, so calibration works before the IDT is set up.
 *
 * time_init() runs once on the boot CPU. tsc_boot and the TSC factors are
 * written there before any other CPU exists and are read-only afterwards.
 * jiffies is written only by the boot CPU's tick; cpu_ticks[n] only by
 * CPU n's tick (a per-CPU counter: no lock, other CPUs only read it).
 */
#include <kestrel/errno.h>
#include <kestrel/percpu.h>
#include <kestrel/printk.h>
#include <kestrel/rcupdate.h>
#include <kestrel/sched.h>
#include <kestrel/timer.h>
#include <kestrel/time.h>
#include <kestrel/sysrq.h>
#include <kestrel/watchdog.h>
#include <asm/apic.h>
#include <asm/irq_vectors.h>
#include <asm/hpet.h>
#include <asm/pit.h>
#include <asm/processor.h>
#include <asm/tsc.h>

u64 jiffies;
static u64 cpu_ticks[NR_CPUS];

static u64 tsc_boot;		/* TSC value that ktime_get_ns() counts from */
static bool use_hpet;

#define PIT_MAX_WINDOW_MS 50

const char *time_reference_name(void)
{
	return use_hpet ? "hpet" : "pit";
}

static u64 hpet_window(unsigned int ms, void (*fn)(void *arg, bool end), void *arg)
{
	u64 target = hpet_frequency() * ms / 1000, h0, h1;

	fn(arg, false);
	h0 = hpet_read();
	do {
		cpu_relax();
		h1 = hpet_read();
	} while (hpet_delta(h0, h1) < target);
	fn(arg, true);
	return hpet_ticks_to_ns(hpet_delta(h0, h1));
}

u64 time_ref_window(unsigned int ms, void (*fn)(void *arg, bool end), void *arg)
{
	unsigned long flags;
	u64 ns, ticks;

	if (use_hpet) {
		flags = local_irq_save();
		ns = hpet_window(ms, fn, arg);
		local_irq_restore(flags);
		return ns;
	}
	if (ms > PIT_MAX_WINDOW_MS)
		ms = PIT_MAX_WINDOW_MS;	/* the 16-bit counter holds at most 54.9 ms */
	ticks = (u64)PIT_TICK_RATE * ms / 1000;
	pit_window(ticks, fn, arg);
	return ticks * NSEC_PER_SEC / PIT_TICK_RATE;
}

u64 ktime_tsc_base(void)
{
	return tsc_boot;
}

u64 ktime_get_ns(void)
{
	u64 now;

	if (!READ_ONCE(tsc_khz))
		return 0;	/* before time_init() */
	now = rdtsc();
	/* Another CPU's TSC may lag the boot CPU's by a few cycles: clamp. */
	return now > tsc_boot ? tsc_cycles_to_ns(now - tsc_boot) : 0;
}

void udelay(unsigned long us)
{
	u64 khz = READ_ONCE(tsc_khz), start, cycles;

	if (!khz) {
		pit_wait_us(us);
		return;
	}
	start = rdtsc();
	cycles = (u64)us * khz / 1000;
	while (rdtsc() - start < cycles)
		cpu_relax();
}

void mdelay(unsigned long ms)
{
	while (ms--)
		udelay(1000);
}

void time_init(void)
{
	use_hpet = hpet_init() == 0;
	if (!use_hpet)
		pr_info("time: no HPET, calibrating against the PIT\n");
	tsc_boot = rdtsc();	/* before tsc_khz is set: ktime_get_ns() never jumps back */
	if (tsc_calibrate())
		panic("time: cannot calibrate the TSC against the %s", time_reference_name());
	pr_info("clocksource: tsc (ktime_get_ns), reference %s\n", time_reference_name());
}

void timer_tick(bool user_tick)
{
	unsigned int cpu = smp_processor_id();

	WRITE_ONCE(cpu_ticks[cpu], cpu_ticks[cpu] + 1);
	if (cpu == 0)
		WRITE_ONCE(jiffies, jiffies + 1);
	watchdog_tick(user_tick);	/* this CPU: soft lockups; another's tick count: hard ones */
	if (cpu == 0)
		sysrq_poll();	/* drain the UART (no receive interrupt without an IOAPIC), run SysRq */
	/* Sleeping timers and the scheduler's time slices (kernel/sched/). */
	run_local_timers();
	sched_tick();
	/* RCU quiescent states and callbacks; a tick in user mode is a quiescent state. */
	rcu_sched_clock_irq(user_tick);
}

u64 timer_ticks(unsigned int cpu)
{
	return cpu < NR_CPUS ? READ_ONCE(cpu_ticks[cpu]) : 0;
}

int time_start_tick(void)
{
	if (!apic_available() || !lapic_timer_hz) {
		pr_warn("time: no calibrated local APIC timer, no periodic tick (jiffies stay 0)\n");
		return -ENODEV;
	}
	lapic_timer_start_periodic(LOCAL_TIMER_VECTOR, HZ);
	if (smp_processor_id() == 0)
		pr_info("time: tick at %d Hz from the local APIC timer\n", HZ);
	return 0;
}
