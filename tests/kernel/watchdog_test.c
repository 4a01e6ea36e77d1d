/*
 * The lockup watchdog (kernel/watchdog.c). Hard: CPU 1 spins with
 * interrupts off (in a call-function IPI) for longer than a shortened
 * threshold; CPU 0's tick must report it. Soft: a thread bound to the
 * last CPU spins with preemption off (interrupts on) for longer than the
 * shortened soft threshold; that CPU's own tick must report it. The
 * reports are expected and captured (lockdep_expect_report), so the log
 * stays clean.
 */
#include <kestrel/kthread.h>
#include <kestrel/ktest.h>
#include <kestrel/lockdep.h>
#include <kestrel/preempt.h>
#include <kestrel/sched.h>
#include <kestrel/smp.h>
#include <kestrel/string.h>
#include <kestrel/time.h>
#include <kestrel/timer.h>
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

KTEST(watchdog, hard_lockup_reported)
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

static int spin_preempt_off_fn(void *arg)
{
	u64 end = ktime_get_ns() + *(u64 *)arg;

	/* Until reported: the shortened hard threshold stays in force no longer. */
	preempt_disable();
	while (ktime_get_ns() < end && !lockdep_expect_captured())
		cpu_relax();
	preempt_enable();
	WRITE_ONCE(spin_done, 1);
	return 0;
}

/*
 * Ticks keep coming (interrupts are on) but none may switch the thread
 * out: the CPU is stuck for the scheduler. The thread ends by itself
 * (once reported, or after 10 s), so the test works on one CPU too (init
 * then waits behind it).
 */
KTEST(watchdog, soft_lockup_reported)
{
	static u64 spin_ns = 10000ULL * 1000 * 1000;
	unsigned int old = watchdog_get_thresh_ms(), cpu = 0, c;
	struct task_struct *k;
	char want[48];
	const char *r;

	KASSERT(old != 0);
	for_each_cpu(c, sched_cpus_active())
		cpu = c;
	WRITE_ONCE(spin_done, 0);
	watchdog_set_thresh_ms(500);	/* soft lockups after 1 s */
	lockdep_expect_report();
	k = kthread_create(spin_preempt_off_fn, &spin_ns, "t-softlockup");
	KASSERT(!IS_ERR(k));
	kthread_bind(k, cpu);
	wake_up_process(k);
	for (int i = 0; i < 2000 && !READ_ONCE(spin_done); i++)
		msleep(10);
	r = lockdep_expect_end();
	watchdog_set_thresh_ms(old);
	KEXPECT(READ_ONCE(spin_done));
	snprintf(want, sizeof(want), "BUG: soft lockup - CPU#%u stuck for ", cpu);
	KEXPECT(r && strstr(r, want) && strstr(r, "[t-softlockup:"));
}

#endif
