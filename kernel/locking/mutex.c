/*
 * Mutexes (see include/kestrel/mutex.h for the algorithm and its rules).
 *
 * Locking: owner changes only by cmpxchg (NULL -> task on lock, task ->
 * NULL on unlock); wait_lock protects wait_list and is always the
 * innermost lock (no other lock is taken under it, wake_up_process aside,
 * whose run-queue locks are not spinlock_t). Waiters live on their own
 * stack; a waiter removes itself, under wait_lock, before returning.
 */
#include <kestrel/atomic.h>
#include <kestrel/errno.h>
#include <kestrel/might_sleep.h>
#include <kestrel/mutex.h>
#include <kestrel/sched.h>
#include <kestrel/sched_signal.h>

struct mutex_waiter {
	struct list_head list;	/* in mutex.wait_list */
	struct task_struct *task;
};

/* All mutexes' wait_locks are one class: they never nest. */
static struct lock_class_key mutex_wait_lock_key;

void __mutex_init(struct mutex *m, const char *name, struct lock_class_key *key)
{
	m->owner = NULL;
	__spin_lock_init(&m->wait_lock, "&mutex->wait_lock", &mutex_wait_lock_key);
	INIT_LIST_HEAD(&m->wait_list);
	lockdep_init_map(&m->dep_map, name, key);
}

static bool mutex_try_acquire(struct mutex *m)
{
	struct task_struct *none = NULL;

	return try_cmpxchg_acquire(&m->owner, &none, current);
}

/*
 * Sleep in state until the mutex is ours (0), or, for an interruptible or
 * killable state, until a signal that ends such a sleep is pending
 * (-EINTR; we leave the queue, and pass a wake-up we may have consumed on
 * to the next waiter).
 */
static int mutex_lock_slow(struct mutex *m, unsigned int state)
{
	struct mutex_waiter w = { .task = current };
	int ret = 0;

	spin_lock(&m->wait_lock);
	list_add_tail(&w.list, &m->wait_list);
	for (;;) {
		/* The state is set under wait_lock: mutex_unlock's wake-up comes after. */
		set_current_state(state);
		if (mutex_try_acquire(m))
			break;
		if (signal_pending_state(state, current)) {
			ret = -EINTR;
			break;
		}
		spin_unlock(&m->wait_lock);
		schedule();
		spin_lock(&m->wait_lock);
	}
	__set_current_state(TASK_RUNNING);
	list_del(&w.list);
	if (ret && !list_empty(&m->wait_list) && !READ_ONCE(m->owner))
		wake_up_process(list_first_entry(&m->wait_list, struct mutex_waiter, list)->task);
	spin_unlock(&m->wait_lock);
	return ret;
}

static __always_inline int do_mutex_lock(struct mutex *m, unsigned int subclass,
					 unsigned int state, unsigned long ip)
{
	int ret = 0;

	might_sleep();
	lock_acquire_exclusive(&m->dep_map, subclass, 0, ip);
	if (!mutex_try_acquire(m))
		ret = mutex_lock_slow(m, state);
	if (ret)
		lock_release(&m->dep_map, ip);
	return ret;
}

void mutex_lock(struct mutex *m)
{
	do_mutex_lock(m, 0, TASK_UNINTERRUPTIBLE, _RET_IP_);
}

void mutex_lock_nested(struct mutex *m, unsigned int subclass)
{
	do_mutex_lock(m, subclass, TASK_UNINTERRUPTIBLE, _RET_IP_);
}

int mutex_lock_interruptible(struct mutex *m)
{
	return do_mutex_lock(m, 0, TASK_INTERRUPTIBLE, _RET_IP_);
}

int mutex_lock_killable(struct mutex *m)
{
	return do_mutex_lock(m, 0, TASK_KILLABLE, _RET_IP_);
}

bool mutex_trylock(struct mutex *m)
{
	if (!mutex_try_acquire(m))
		return false;
	lock_acquire_exclusive(&m->dep_map, 0, 1, _RET_IP_);
	return true;
}

void mutex_unlock(struct mutex *m)
{
	struct mutex_waiter *w;

	if (READ_ONCE(m->owner) != current)
		lockdep_report_context("WARNING", "mutex_unlock() by a task that does not own it",
				       m->dep_map.name, _RET_IP_);
	lock_release(&m->dep_map, _RET_IP_);
	smp_store_release(&m->owner, NULL);
	spin_lock(&m->wait_lock);
	if (!list_empty(&m->wait_list)) {
		w = list_first_entry(&m->wait_list, struct mutex_waiter, list);
		wake_up_process(w->task);
	}
	spin_unlock(&m->wait_lock);
}
