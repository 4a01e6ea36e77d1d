/*
 * locktest=: provoke a real (not expected) validator report after boot,
 * so tests/integration/lockdep_report.sh can check from the host what a
 * report looks like in the log, that the harness calls that log dirty,
 * and that lockdep=off silences it. Like crashtest=, part of the test
 * kernel only (build/kernel-test.elf), run as a late initcall.
 *
 *	locktest=abba	take A then B, then B then A, in one thread
 *	locktest=sleep	mutex_lock() with a spinlock held
 *
 * Prints "locktest: <name> done" when it returns.
 */
#include <kestrel/cmdline.h>
#include <kestrel/init.h>
#include <kestrel/mutex.h>
#include <kestrel/printk.h>
#include <kestrel/spinlock.h>
#include <kestrel/string.h>

static DEFINE_SPINLOCK(locktest_a);	/* protect nothing: only their order matters */
static DEFINE_SPINLOCK(locktest_b);
static DEFINE_MUTEX(locktest_mutex);	/* protects nothing */
static const char *which;

static int locktest_param(const char *val)
{
	if (strcmp(val, "abba") && strcmp(val, "sleep"))
		return -1;
	which = val;
	return 0;
}
KERNEL_PARAM("locktest", locktest_param, "abba|sleep: provoke a lock validator report (tests)");

/* After boot: do what locktest= asks (nothing without it). */
static int locktest_run(void)
{
	if (!which)
		return 0;
	if (!strcmp(which, "abba")) {
		spin_lock(&locktest_a);
		spin_lock(&locktest_b);
		spin_unlock(&locktest_b);
		spin_unlock(&locktest_a);
		spin_lock(&locktest_b);
		spin_lock(&locktest_a);
		spin_unlock(&locktest_a);
		spin_unlock(&locktest_b);
	} else {
		spin_lock(&locktest_a);
		mutex_lock(&locktest_mutex);
		mutex_unlock(&locktest_mutex);
		spin_unlock(&locktest_a);
	}
	printk(KERN_INFO "locktest: %s done\n", which);
	return 0;
}
late_initcall(locktest_run);
