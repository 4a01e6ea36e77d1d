/*
 * Lockup detectors (see include/kestrel/watchdog.h).
 *
 * Hard lockup, a CPU stuck with interrupts off: there is no NMI watchdog
 * timer; instead the CPUs watch each other from their ticks: CPU c checks
 * buddy(c), the next online CPU after c. State about a CPU is written
 * only by the one CPU watching it (from its tick, interrupts off), so it
 * needs no lock; backtrace_wanted[] is set by the watcher and cleared by
 * the stuck CPU's NMI handler (atomic exchange).
 *
 * Soft lockup, a CPU that takes its ticks but never lets the scheduler
 * in: each CPU checks itself from its tick; soft[] is per CPU, written by
 * that CPU's tick only.
 */
#include <kestrel/atomic.h>
#include <kestrel/cmdline.h>
#include <kestrel/kallsyms.h>
#include <kestrel/lockdep.h>
#include <kestrel/percpu.h>
#include <kestrel/preempt.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include <kestrel/smp.h>
#include <kestrel/string.h>
#include <kestrel/time.h>
#include <kestrel/watchdog.h>
#include <asm/apic.h>
#include <asm/ptrace.h>

/*
 * 0: off. Twice Linux's default: under TCG a virtual CPU is a host thread
 * that a busy host may not run for a while, which looks the same.
 */
static unsigned int thresh_ms = 20000;

/* Per watched CPU, written by its watcher only. */
static u64 seen_ticks[NR_CPUS];		/* the watched CPU's tick count when last looked at */
static u64 seen_at_ns[NR_CPUS];		/* ktime when seen_ticks last changed (0: never seen) */
static bool reported[NR_CPUS];		/* this stall was reported already */
static int backtrace_wanted[NR_CPUS];	/* set by the watcher, taken by the NMI handler */

/*
 * A host that stops running a virtual CPU for a while makes its clock
 * jump; a CPU stuck for real keeps taking ticks, and none finds it
 * schedulable. So a soft lockup also needs this many such ticks.
 */
#define SOFTLOCKUP_MIN_TICKS HZ

/* Per CPU, written by its own tick: since when it has not been schedulable. */
static struct {
	u64 since_ns;			/* last tick that found it schedulable (0: none yet) */
	struct task_struct *task;	/* current then, and its nr_switches */
	unsigned long switches;
	unsigned int ticks;		/* ticks since, none schedulable */
	bool reported;
} soft[NR_CPUS];

static int watchdog_thresh_param(const char *val)
{
	return param_set_secs_ms(val, 3600, &thresh_ms);
}
KERNEL_PARAM("watchdog_thresh", watchdog_thresh_param,
	     "seconds a CPU may keep interrupts off before a hard LOCKUP report (0: off)");

void watchdog_set_thresh_ms(unsigned int ms)
{
	WRITE_ONCE(thresh_ms, ms);
}

unsigned int watchdog_get_thresh_ms(void)
{
	return READ_ONCE(thresh_ms);
}

static int buddy_of(unsigned int cpu)
{
	for (unsigned int i = 1; i < NR_CPUS; i++) {
		unsigned int b = (cpu + i) % NR_CPUS;
		if (cpu_online(b))
			return b == cpu ? -1 : (int)b;
	}
	return -1;
}

static void report_lockup(unsigned int stuck, u64 stalled_ns)
{
	char title[128], detail[96];

	snprintf(title, sizeof(title), "hard LOCKUP: CPU %u stuck with interrupts off for %llu ms",
		 stuck, (unsigned long long)(stalled_ns / 1000000));
	snprintf(detail, sizeof(detail), "noticed by CPU %u (its tick watches CPU %u); NMI backtrace follows",
		 smp_processor_id(), stuck);
	if (debug_locks) {	/* racy read: at worst the report goes the other way */
		lockdep_report_context("BUG", title, detail, _RET_IP_);
	} else {
		printk(KERN_EMERG "BUG: %s\n", title);
		printk(KERN_EMERG "%s\n", detail);
	}
	smp_store_release(&backtrace_wanted[stuck], 1);
	apic_icr_write(APIC_DM_NMI, (u32)apic_cpu_to_id(stuck));
}

static void report_softlockup(u64 stuck_ns)
{
	char title[128], detail[96];

	snprintf(title, sizeof(title), "soft lockup - CPU#%u stuck for %llus! [%s:%d]",
		 smp_processor_id(), (unsigned long long)(stuck_ns / NSEC_PER_SEC), current->comm,
		 current->pid);
	snprintf(detail, sizeof(detail),
		 "its ticks find it unpreemptible (preempt_count %#x) and it switches no task",
		 preempt_count() - HARDIRQ_OFFSET);
	if (debug_locks) {
		lockdep_report_context("BUG", title, detail, _RET_IP_);
	} else {
		printk(KERN_EMERG "BUG: %s\n", title);
		printk(KERN_EMERG "%s\n", detail);
		dump_stack();
	}
}

/*
 * The tick interrupted user mode, code that preemption could have
 * switched away from, or the idle task: the CPU can schedule. Else it
 * is stuck unless it switched tasks since the last tick. Reported after
 * twice the hard-lockup threshold (as Linux's soft lockups).
 */
static void softlockup_tick(bool user_tick, unsigned int thresh)
{
	unsigned int cpu = smp_processor_id();
	struct task_struct *curr = current;
	u64 now = ktime_get_ns();

	if (user_tick || preempt_count() == HARDIRQ_OFFSET || (curr->flags & PF_IDLE) ||
	    curr != soft[cpu].task || curr->nr_switches != soft[cpu].switches ||
	    !soft[cpu].since_ns) {
		soft[cpu].since_ns = now;
		soft[cpu].task = curr;
		soft[cpu].switches = curr->nr_switches;
		soft[cpu].ticks = 0;
		soft[cpu].reported = false;
		return;
	}
	if (++soft[cpu].ticks < SOFTLOCKUP_MIN_TICKS || soft[cpu].reported ||
	    now - soft[cpu].since_ns < 2ULL * thresh * NSEC_PER_MSEC)
		return;
	soft[cpu].reported = true;
	report_softlockup(now - soft[cpu].since_ns);
}

void watchdog_tick(bool user_tick)
{
	unsigned int thresh = READ_ONCE(thresh_ms);
	int b = buddy_of(smp_processor_id());
	u64 now, ticks;

	/* Stopped CPUs (panic, oops) have interrupts off for good: not a lockup. */
	if (!thresh || smp_stopping())
		return;
	softlockup_tick(user_tick, thresh);
	if (b < 0)
		return;
	ticks = timer_ticks(b);
	now = ktime_get_ns();
	if (ticks != seen_ticks[b] || !seen_at_ns[b]) {
		seen_ticks[b] = ticks;
		seen_at_ns[b] = now;
		reported[b] = false;
		return;
	}
	if (reported[b] || now - seen_at_ns[b] < (u64)thresh * 1000000)
		return;
	reported[b] = true;
	report_lockup(b, now - seen_at_ns[b]);
}

/*
 * Forget what every watcher saw: the next tick of each starts afresh. For
 * a kernel that was stopped as a whole (kgdb holds every CPU, with
 * interrupts off): not a lockup. Called with every CPU stopped.
 */
void watchdog_touch_all(void)
{
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		WRITE_ONCE(seen_at_ns[cpu], 0);
}

bool watchdog_nmi_backtrace(struct pt_regs *regs)
{
	if (!xchg_acquire(&backtrace_wanted[smp_processor_id()], 0))
		return false;
	printk(KERN_EMERG "NMI backtrace for CPU %u (hard LOCKUP watchdog):\n", smp_processor_id());
	show_regs(regs);
	return true;
}
