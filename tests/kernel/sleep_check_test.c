/*
 * Lock validator tests that need the scheduler: sleeping in atomic
 * context (might_sleep), and the order and recursion checks applied to
 * the sleeping locks (mutex, rw_semaphore). Negative tests capture the
 * report with lockdep_expect_report() and check its text.
 */
#include <kestrel/ktest.h>
#include <kestrel/lockdep.h>
#include <kestrel/might_sleep.h>
#include <kestrel/mutex.h>
#include <kestrel/preempt.h>
#include <kestrel/rwsem.h>
#include <kestrel/spinlock.h>
#include <kestrel/string.h>

#ifdef CONFIG_LOCKDEP	/* a LOCKDEP=n build has nothing to test here */

static bool has(const char *report, const char *what)
{
	return report && strstr(report, what);
}

static DEFINE_SPINLOCK(atomic_spin);	/* test lock: protects nothing */
static DEFINE_MUTEX(sleepy_mutex);	/* test lock: protects nothing */

KTEST(lockdep, sleep_under_spinlock)
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

KTEST(lockdep, sleep_with_irqs_off)
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

static DEFINE_MUTEX(mutex_a);	/* test locks: protect nothing */
static DEFINE_MUTEX(mutex_b);

KTEST(lockdep, mutex_abba)
{
	const char *r;

	mutex_lock(&mutex_a);
	mutex_lock(&mutex_b);
	mutex_unlock(&mutex_b);
	mutex_unlock(&mutex_a);
	lockdep_expect_report();
	mutex_lock(&mutex_b);
	mutex_lock(&mutex_a);
	mutex_unlock(&mutex_a);
	mutex_unlock(&mutex_b);
	r = lockdep_expect_end();
	KEXPECT(has(r, "possible circular locking dependency detected"));
	KEXPECT(has(r, "(mutex_a)"));
	KEXPECT(has(r, "(mutex_b)"));
}

static DECLARE_RWSEM(rwsem_rec);	/* test lock: protects nothing */
static DECLARE_RWSEM(rwsem_x);		/* test lock: protects nothing */

KTEST(lockdep, rwsem_read_recursion)
{
	const char *r;

	/* A writer queued between two down_read()s would deadlock both: reported. */
	lockdep_expect_report();
	down_read(&rwsem_rec);
	down_read(&rwsem_rec);
	up_read(&rwsem_rec);
	up_read(&rwsem_rec);
	r = lockdep_expect_end();
	KEXPECT(has(r, "possible recursive locking detected"));
	KEXPECT(has(r, "(rwsem_rec)"));
}

KTEST(lockdep, rwsem_read_write_order)
{
	const char *r;

	/* Read A then write X, then X then read A: a cycle even with readers. */
	down_read(&rwsem_rec);
	down_write(&rwsem_x);
	up_write(&rwsem_x);
	up_read(&rwsem_rec);
	lockdep_expect_report();
	down_write(&rwsem_x);
	down_read(&rwsem_rec);
	up_read(&rwsem_rec);
	up_write(&rwsem_x);
	r = lockdep_expect_end();
	KEXPECT(has(r, "possible circular locking dependency detected"));
}

KTEST(lockdep, rwsem_asserts)
{
	const char *r;

	lockdep_expect_report();
	down_write(&rwsem_x);
	lockdep_assert_held_write(&rwsem_x);
	downgrade_write(&rwsem_x);
	lockdep_assert_held_read(&rwsem_x);
	up_read(&rwsem_x);
	lockdep_assert_not_held(&rwsem_x);
	KEXPECT(lockdep_expect_end() == NULL);

	lockdep_expect_report();
	down_read(&rwsem_x);
	lockdep_assert_held_write(&rwsem_x);
	up_read(&rwsem_x);
	r = lockdep_expect_end();
	KEXPECT(has(r, "(rwsem_x) must be held for write"));
}

#endif /* CONFIG_LOCKDEP */
