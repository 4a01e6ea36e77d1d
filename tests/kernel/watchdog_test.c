/*
 * The hard-lockup watchdog (kernel/watchdog.c): CPU 1 spins with
 * interrupts off (in a call-function IPI) for longer than a shortened
 * threshold; CPU 0's tick must report it. The report is expected and
 * captured (lockdep_expect_report), so the log stays clean.
 */
#include <kestrel/ktest.h>
#include <kestrel/lockdep.h>
#include <kestrel/smp.h>
#include <kestrel/string.h>
#include <kestrel/time.h>
#include <kestrel/watchdog.h>
#include <asm/processor.h>

#ifdef CONFIG_LOCKDEP	/* the capture goes through the validator's report path */

static int spin_done;

static void spin_irqs_off(void *arg)
{
	u64 end = ktime_get_ns() + *(u64 *)arg;

	while (ktime_get_ns() < end)
		cpu_relax();
	WRITE_ONCE(spin_done, 1);
}

KTEST(lockdep, hard_lockup_reported)
{
	static u64 spin_ns = 1500ULL * 1000 * 1000;
	unsigned int old = watchdog_get_thresh_ms();
	const char *r;

	if (num_online_cpus() < 2) {
		printk(KERN_INFO "    # hard_lockup_reported: one CPU, nobody to watch it: skipped\n");
		return;
	}
	KASSERT(old != 0);
	WRITE_ONCE(spin_done, 0);
	watchdog_set_thresh_ms(300);
	lockdep_expect_report();
	KASSERT_EQ(smp_call_function_single(1, spin_irqs_off, &spin_ns, false), 0);
	for (int i = 0; i < 5000 && !READ_ONCE(spin_done); i++)
		mdelay(1);
	mdelay(50);	/* the NMI backtrace */
	r = lockdep_expect_end();
	watchdog_set_thresh_ms(old);
	KEXPECT(READ_ONCE(spin_done));
	KEXPECT(r && strstr(r, "BUG: hard LOCKUP: CPU 1 stuck with interrupts off"));
}

#endif
