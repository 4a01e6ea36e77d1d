/*
 * Hung-task detector (see include/kestrel/watchdog.h): the khungtaskd
 * thread wakes every HUNG_CHECK_MS and looks at every task; one asleep in
 * TASK_UNINTERRUPTIBLE since longer than the timeout (task->sleep_start,
 * set by the scheduler when the task went to sleep) is reported with its
 * held locks and the call chain it sleeps in:
 *	BUG: task NAME:PID blocked for more than N seconds
 * Each sleep is reported once, and at most MAX_HUNG_REPORTS in all.
 *
 * Locking: the check runs under the scheduler's task-list lock
 * (sched_for_each_task), which keeps every task it looks at alive; the
 * task may wake meanwhile, so its stack is read with
 * copy_from_kernel_nofault and may be stale. reported[] and nr_reports
 * belong to khungtaskd alone.
 */
#include <kestrel/cmdline.h>
#include <kestrel/kallsyms.h>
#include <kestrel/kthread.h>
#include <kestrel/lockdep.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include <kestrel/string.h>
#include <kestrel/time.h>
#include <kestrel/timer.h>
#include <kestrel/watchdog.h>
#include <asm/extable.h>

#define HUNG_CHECK_MS 500
#define MAX_HUNG_REPORTS 10
#define HUNG_STACK_DEPTH 16

static unsigned int timeout_ms = 120 * 1000;	/* 0: off */

static int hung_task_param(const char *val)
{
	return param_set_secs_ms(val, 24 * 3600, &timeout_ms);
}
KERNEL_PARAM("hung_task_timeout_secs", hung_task_param,
	     "seconds a task may sleep uninterruptibly before it is reported (0: off)");

void hung_task_set_timeout_ms(unsigned int ms)
{
	WRITE_ONCE(timeout_ms, ms);
}

unsigned int hung_task_get_timeout_ms(void)
{
	return READ_ONCE(timeout_ms);
}

/* Sleeps already reported: the task and when that sleep began. */
static struct {
	struct task_struct *task;
	u64 sleep_start;
} reported[MAX_HUNG_REPORTS];
static unsigned int nr_reports;

/*
 * The call chain of a task that is switched out: __switch_to_asm pushed
 * rbp, rbx, r12-r15 on its stack (arch/x86/kernel/switch_to.S), so the
 * saved rbp is at sp + 40 and the return address into the scheduler at
 * sp + 48; from there, the frame-pointer chain.
 */
unsigned int task_stack_trace(struct task_struct *p, unsigned long *out, unsigned int max)
{
	unsigned long sp = READ_ONCE(p->thread.sp), frame[2], rbp;
	unsigned int n = 0;

	if (copy_from_kernel_nofault(frame, (void *)(sp + 40), sizeof(frame)))
		return 0;
	out[n++] = frame[1];
	rbp = frame[0];
	while (n < max && rbp && IS_ALIGNED(rbp, 8) &&
	       !copy_from_kernel_nofault(frame, (void *)rbp, sizeof(frame)) && frame[1]) {
		out[n++] = frame[1];
		if (frame[0] <= rbp)
			break;
		rbp = frame[0];
	}
	return n;
}

static bool already_reported(struct task_struct *p)
{
	for (unsigned int i = 0; i < nr_reports; i++)
		if (reported[i].task == p && reported[i].sleep_start == p->sleep_start)
			return true;
	return false;
}

static void report_hung(struct task_struct *p, u64 slept_ns)
{
	unsigned long stack[HUNG_STACK_DEPTH];
	unsigned int n = task_stack_trace(p, stack, HUNG_STACK_DEPTH);
	char title[96];

	snprintf(title, sizeof(title), "task %s:%d blocked for more than %llu seconds", p->comm,
		 p->pid, (unsigned long long)(slept_ns / NSEC_PER_SEC));
#ifdef CONFIG_LOCKDEP
	lockdep_report_task("BUG", title, p, stack, n);
#else
	printk(KERN_ERR "BUG: %s\n", title);
	for (unsigned int i = 0; i < n; i++)
		printk(KERN_ERR "  %pS\n", (void *)stack[i]);
#endif
	reported[nr_reports].task = p;
	reported[nr_reports].sleep_start = p->sleep_start;
	nr_reports++;
}

/*
 * An idle workqueue worker waits for work in TASK_UNINTERRUPTIBLE (wait
 * queues have no other state yet): it sleeps in worker_thread() itself,
 * right above the scheduler. A worker blocked inside a work function has
 * that function's frames in between, and is checked.
 */
static bool idle_worker(struct task_struct *p)
{
	unsigned long stack[4];
	unsigned int n;

	if (!(p->flags & PF_WQ_WORKER))
		return false;
	n = task_stack_trace(p, stack, ARRAY_SIZE(stack));
	for (unsigned int i = 0; i < n; i++) {
		const char *fn = kallsyms_lookup(stack[i] - 1, NULL, NULL);

		if (!fn || (strcmp(fn, "__schedule") && strcmp(fn, "schedule")))
			return fn && !strcmp(fn, "worker_thread");
	}
	return false;
}

static u64 touched_ns;	/* [a] hung_task_touch_all(): sleeps before count from here */

void hung_task_touch_all(void)
{
	WRITE_ONCE(touched_ns, ktime_get_ns());
}

static void check_task(struct task_struct *p, void *arg)
{
	u64 now = *(u64 *)arg, limit = (u64)READ_ONCE(timeout_ms) * 1000000;
	/* Read once: the task may go back to sleep (a newer start) meanwhile. */
	u64 slept = READ_ONCE(p->sleep_start);

	if (READ_ONCE(p->state) != TASK_UNINTERRUPTIBLE || READ_ONCE(p->on_rq) || !limit)
		return;
	/* Never switched out asleep: a kthread created but not started yet. */
	if (!slept)
		return;
	if ((s64)(READ_ONCE(touched_ns) - slept) > 0)
		slept = READ_ONCE(touched_ns);	/* the machine was stopped meanwhile */
	if ((s64)(now - slept) < (s64)limit || nr_reports == MAX_HUNG_REPORTS)
		return;
	if (!already_reported(p) && !idle_worker(p))
		report_hung(p, now - slept);
}

static int khungtaskd(void *unused)
{
	for (;;) {
		u64 now;

		/* Interruptible: khungtaskd's own sleep is not a hang. */
		schedule_timeout_interruptible((long)msecs_to_jiffies(HUNG_CHECK_MS));
		now = ktime_get_ns();
		if (READ_ONCE(timeout_ms))
			sched_for_each_task(check_task, &now);
	}
	return 0;
}

void hung_task_init(void)
{
	struct task_struct *k = kthread_run(khungtaskd, NULL, "khungtaskd");

	if (IS_ERR(k))
		pr_err("locking: cannot start khungtaskd: no hung-task reports\n");
}
