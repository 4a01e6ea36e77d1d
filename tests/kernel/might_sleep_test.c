/*
 * might_sleep.*: the sleeping-in-atomic-context check
 * (kernel/locking/might_sleep.c): a sleeping lock taken under a spinlock
 * or with interrupts off is reported, one taken while preemptible is
 * not. The reports are captured with lockdep_expect_report() and their
 * text checked.
 */
#include <kestrel/ktest.h>
#include <kestrel/lockdep.h>
#include <kestrel/might_sleep.h>
#include <kestrel/mutex.h>
#include <kestrel/preempt.h>
#include <kestrel/spinlock.h>
#include <kestrel/string.h>

#ifdef CONFIG_LOCKDEP	/* a LOCKDEP=n build has nothing to test here */

static bool has(const char *report, const char *what)
{
	return report && strstr(report, what);
}

static DEFINE_SPINLOCK(atomic_spin);	/* test lock: protects nothing */
static DEFINE_MUTEX(sleepy_mutex);	/* test lock: protects nothing */

KTEST(might_sleep, sleep_under_spinlock)
{
	const char *r;

	KASSERT(preemptible());
	lockdep_expect_report();
	mutex_lock(&sleepy_mutex);	/* preemptible: fine */
	mutex_unlock(&sleepy_mutex);
	KEXPECT(lockdep_expect_end() == NULL);

	lockdep_expect_report();
	spin_lock(&atomic_spin);
	mutex_lock(&sleepy_mutex);	/* free, so it does not sleep this time: reported anyway */
	mutex_unlock(&sleepy_mutex);
	spin_unlock(&atomic_spin);
	r = lockdep_expect_end();
	KASSERT(r != NULL);
	KEXPECT(has(r, "BUG: sleeping function called from invalid context at kernel/locking/mutex.c"));
	KEXPECT(has(r, "in_atomic(): 1"));
	KEXPECT(has(r, "(atomic_spin)"));	/* the held locks name the culprit */
	KEXPECT(preemptible());
}

KTEST(might_sleep, sleep_with_irqs_off)
{
	unsigned long flags = local_irq_save();
	const char *r;

	lockdep_expect_report();
	might_sleep();
	local_irq_restore(flags);
	r = lockdep_expect_end();
	KEXPECT(has(r, "sleeping function called from invalid context"));
	KEXPECT(has(r, "irqs_disabled(): 1"));
}

#endif /* CONFIG_LOCKDEP */
