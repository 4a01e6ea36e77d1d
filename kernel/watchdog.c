/*
 * Hard-lockup detector: a CPU stuck with interrupts off (see
 * include/kestrel/watchdog.h).
 *
 * There is no NMI watchdog timer; instead the CPUs watch each other from
 * their ticks: CPU c checks buddy(c), the next online CPU after c. State
 * about a CPU is written only by the one CPU watching it (from its tick,
 * interrupts off), so it needs no lock; backtrace_wanted[] is set by the
 * watcher and cleared by the stuck CPU's NMI handler (atomic exchange).
 */
#include <kestrel/atomic.h>
#include <kestrel/cmdline.h>
#include <kestrel/kallsyms.h>
#include <kestrel/lockdep.h>
#include <kestrel/percpu.h>
#include <kestrel/printk.h>
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

void watchdog_tick(void)
{
	unsigned int thresh = READ_ONCE(thresh_ms);
	int b = buddy_of(smp_processor_id());
	u64 now, ticks;

	/* Stopped CPUs (panic, oops) have interrupts off for good: not a lockup. */
	if (b < 0 || !thresh || smp_stopping())
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

bool watchdog_nmi_backtrace(struct pt_regs *regs)
{
	if (!xchg_acquire(&backtrace_wanted[smp_processor_id()], 0))
		return false;
	printk(KERN_EMERG "NMI backtrace for CPU %u (hard LOCKUP watchdog):\n", smp_processor_id());
	show_regs(regs);
	return true;
}
