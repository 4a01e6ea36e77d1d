/*
 * debugtest=: a kernel in a known state for the debugger tests
 * (tests/integration/gdb_helpers.sh, kgdb_*.sh). Part of the test kernel
 * only (build/kernel-test.elf), started as a late initcall.
 *
 *	debugtest=park	two kernel threads that stay parked for good:
 *			"dbg-holder" takes debugtest_mutex and sleeps
 *			(interruptibly, so no hung-task report) holding it;
 *			"dbg-waiter" then blocks in mutex_lock_interruptible()
 *			on the same mutex. gdb's kheld must show the mutex
 *			held by dbg-holder, lx-ps both threads sleeping and
 *			where, ktask their stacks.
 *
 * Prints "debugtest: parked" once both threads are in place.
 */
#include <kestrel/cmdline.h>
#include <kestrel/completion.h>
#include <kestrel/errno.h>
#include <kestrel/init.h>
#include <kestrel/kthread.h>
#include <kestrel/mutex.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include <kestrel/string.h>

static DEFINE_MUTEX(debugtest_mutex);	/* protects nothing: it is there to be held */
static DECLARE_COMPLETION(debugtest_holding);	/* dbg-holder has the mutex */
static bool park;

static int debugtest_param(const char *val)
{
	if (strcmp(val, "park"))
		return -1;
	park = true;
	return 0;
}
KERNEL_PARAM("debugtest", debugtest_param, "park: threads in a known state for the gdb tests");

/* Sleep until the end of time (kthreads get no signals: nothing wakes us). */
static void debugtest_sleep_forever(void)
{
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		schedule();
	}
}

static int debugtest_holder(void *unused)
{
	mutex_lock(&debugtest_mutex);
	complete(&debugtest_holding);
	debugtest_sleep_forever();
	return 0;
}

static int debugtest_waiter(void *unused)
{
	if (mutex_lock_interruptible(&debugtest_mutex) == 0)
		mutex_unlock(&debugtest_mutex);	/* never: the holder keeps it */
	debugtest_sleep_forever();
	return 0;
}

static int debugtest_run(void)
{
	struct task_struct *waiter;

	if (!park)
		return 0;
	if (IS_ERR(kthread_run(debugtest_holder, NULL, "dbg-holder")))
		return 0;
	wait_for_completion(&debugtest_holding);
	waiter = kthread_run(debugtest_waiter, NULL, "dbg-waiter");
	if (IS_ERR(waiter))
		return 0;
	/* Wait until the waiter sleeps on the mutex (it cannot get it). */
	while (READ_ONCE(waiter->state) == TASK_RUNNING)
		schedule_timeout_uninterruptible(1);
	pr_info("debugtest: parked\n");
	return 0;
}
late_initcall(debugtest_run);
