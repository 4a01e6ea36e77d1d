/*
 * Mutexes: sleeping locks with an owner.
 *
 *	DEFINE_MUTEX(name) / mutex_init(&m)
 *	mutex_lock(&m)		sleep until it is ours (TASK_UNINTERRUPTIBLE)
 *	mutex_lock_interruptible(&m)	0, or -EINTR if a signal came first
 *	mutex_lock_killable(&m)	0, or -EINTR if a fatal signal came first
 *	mutex_trylock(&m)	true if it was free and is now ours
 *	mutex_unlock(&m)	only by the owner
 *	mutex_lock_nested(&m, n) two mutexes of one class on purpose
 *	mutex_is_locked(&m), lockdep_assert_held(&m)
 *
 * Use a mutex when the critical section may sleep (allocate with
 * GFP_KERNEL, wait for I/O, take another mutex) or is long; never in an
 * interrupt handler, never with a spinlock held (might_sleep() reports
 * both).
 *
 * Algorithm: owner is the holding task or NULL; taking a free mutex is
 * one cmpxchg. A contended locker queues on wait_list under wait_lock,
 * retries the cmpxchg and sleeps; mutex_unlock() clears owner and then,
 * under wait_lock, wakes the first waiter, which retries. The retry and
 * the sleep both happen under wait_lock after the waiter set its state,
 * so a wake-up cannot fall between them (no lost wake-up). A running
 * task can take the mutex before a woken waiter (no fairness guarantee).
 */
#ifndef KESTREL_MUTEX_H
#define KESTREL_MUTEX_H

#include <kestrel/list.h>
#include <kestrel/lockdep.h>
#include <kestrel/spinlock.h>

struct task_struct;

struct mutex {
	struct task_struct *owner;	/* holder, or NULL: changed by cmpxchg */
	spinlock_t wait_lock;		/* protects wait_list */
	struct list_head wait_list;	/* struct mutex_waiter, oldest first */
	struct lockdep_map dep_map;
};

#define __MUTEX_INITIALIZER(name)                                                   \
	{ .owner = NULL, .wait_lock = __SPIN_LOCK_UNLOCKED(name.wait_lock),         \
	  .wait_list = LIST_HEAD_INIT(name.wait_list),                              \
	  .dep_map = STATIC_LOCKDEP_MAP_INIT(#name) }
#define DEFINE_MUTEX(name) struct mutex name = __MUTEX_INITIALIZER(name)

void __mutex_init(struct mutex *m, const char *name, struct lock_class_key *key);
#define mutex_init(m)                                    \
	do {                                             \
		static struct lock_class_key __key;      \
		__mutex_init((m), #m, &__key);           \
	} while (0)

void mutex_lock(struct mutex *m);
void mutex_lock_nested(struct mutex *m, unsigned int subclass);
/* Not taken (-EINTR) when the sleep is ended by a signal; must be checked. */
int mutex_lock_interruptible(struct mutex *m);
int mutex_lock_killable(struct mutex *m);
bool mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);

static inline bool mutex_is_locked(struct mutex *m)
{
	return READ_ONCE(m->owner) != NULL;
}

#endif
