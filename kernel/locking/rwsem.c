/*
 * Reader-writer semaphores (see include/kestrel/rwsem.h for the rules).
 *
 * All state (count, owner, wait_list) is under wait_lock, an irq-unsafe
 * spinlock held only for a few instructions; rwsems are never taken in
 * interrupts. A task that cannot have the lock queues a struct
 * rwsem_waiter (on its stack) and sleeps until a releasing task grants it
 * the lock: the granter removes the waiter from the queue, updates count
 * for it and sets waiter->granted. The waiter's task is pinned with
 * get_task_struct() across the wake-up, as the waiter may run, return and
 * exit as soon as granted is set.
 */
#include <kestrel/atomic.h>
#include <kestrel/might_sleep.h>
#include <kestrel/rwsem.h>
#include <kestrel/sched.h>

enum rwsem_waiter_type { RWSEM_WAITING_FOR_READ, RWSEM_WAITING_FOR_WRITE };

struct rwsem_waiter {
	struct list_head list;		/* in rw_semaphore.wait_list */
	struct task_struct *task;
	enum rwsem_waiter_type type;
	int granted;			/* set (release) by the task that granted the lock */
};

/* All rwsems' wait_locks are one class: they never nest. */
static struct lock_class_key rwsem_wait_lock_key;

void __init_rwsem(struct rw_semaphore *s, const char *name, struct lock_class_key *key)
{
	__spin_lock_init(&s->wait_lock, "&rwsem->wait_lock", &rwsem_wait_lock_key);
	s->count = 0;
	s->owner = NULL;
	INIT_LIST_HEAD(&s->wait_list);
	lockdep_init_map(&s->dep_map, name, key);
}

static void grant(struct rwsem_waiter *w)
{
	struct task_struct *task = w->task;

	list_del(&w->list);
	get_task_struct(task);
	smp_store_release(&w->granted, 1);
	wake_up_process(task);
	put_task_struct(task);
}

/* Hand the lock to the waiters at the head that can have it now. wait_lock held. */
static void rwsem_wake(struct rw_semaphore *s)
{
	struct rwsem_waiter *w, *next;

	if (list_empty(&s->wait_list) || s->count < 0)
		return;
	w = list_first_entry(&s->wait_list, struct rwsem_waiter, list);
	if (w->type == RWSEM_WAITING_FOR_WRITE) {
		if (s->count == 0) {
			s->count = -1;
			s->owner = w->task;
			grant(w);
		}
		return;
	}
	/* The run of readers at the head: all of them together. */
	list_for_each_entry_safe(w, next, &s->wait_list, list) {
		if (w->type != RWSEM_WAITING_FOR_READ)
			break;
		s->count++;
		grant(w);
	}
}

/* Queue as type and sleep until granted; wait_lock held on entry, released on return. */
static void rwsem_wait(struct rw_semaphore *s, enum rwsem_waiter_type type)
{
	struct rwsem_waiter w = { .task = current, .type = type };

	list_add_tail(&w.list, &s->wait_list);
	spin_unlock(&s->wait_lock);
	for (;;) {
		/* State first: a grant after this check also wakes us. */
		set_current_state(TASK_UNINTERRUPTIBLE);
		if (smp_load_acquire(&w.granted))
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
}

static bool read_can_enter(struct rw_semaphore *s)
{
	/* Writer-fair: behind any waiter, even if only readers hold it. */
	return s->count >= 0 && list_empty(&s->wait_list);
}

static __always_inline void do_down_read(struct rw_semaphore *s, unsigned int subclass,
					 unsigned long ip)
{
	might_sleep();
	lock_acquire_shared(&s->dep_map, subclass, 0, ip);
	spin_lock(&s->wait_lock);
	if (read_can_enter(s)) {
		s->count++;
		spin_unlock(&s->wait_lock);
		return;
	}
	rwsem_wait(s, RWSEM_WAITING_FOR_READ);
}

void down_read(struct rw_semaphore *s)
{
	do_down_read(s, 0, _RET_IP_);
}

void down_read_nested(struct rw_semaphore *s, unsigned int subclass)
{
	do_down_read(s, subclass, _RET_IP_);
}

bool down_read_trylock(struct rw_semaphore *s)
{
	bool ok;

	spin_lock(&s->wait_lock);
	ok = read_can_enter(s);
	if (ok)
		s->count++;
	spin_unlock(&s->wait_lock);
	if (ok)
		lock_acquire_shared(&s->dep_map, 0, 1, _RET_IP_);
	return ok;
}

void up_read(struct rw_semaphore *s)
{
	lock_release(&s->dep_map, _RET_IP_);
	spin_lock(&s->wait_lock);
	if (--s->count == 0)
		rwsem_wake(s);
	spin_unlock(&s->wait_lock);
}

static __always_inline void do_down_write(struct rw_semaphore *s, unsigned int subclass,
					  unsigned long ip)
{
	might_sleep();
	lock_acquire_exclusive(&s->dep_map, subclass, 0, ip);
	spin_lock(&s->wait_lock);
	if (s->count == 0 && list_empty(&s->wait_list)) {
		s->count = -1;
		s->owner = current;
		spin_unlock(&s->wait_lock);
		return;
	}
	rwsem_wait(s, RWSEM_WAITING_FOR_WRITE);
}

void down_write(struct rw_semaphore *s)
{
	do_down_write(s, 0, _RET_IP_);
}

void down_write_nested(struct rw_semaphore *s, unsigned int subclass)
{
	do_down_write(s, subclass, _RET_IP_);
}

bool down_write_trylock(struct rw_semaphore *s)
{
	bool ok;

	spin_lock(&s->wait_lock);
	ok = s->count == 0;
	if (ok) {
		s->count = -1;
		s->owner = current;
	}
	spin_unlock(&s->wait_lock);
	if (ok)
		lock_acquire_exclusive(&s->dep_map, 0, 1, _RET_IP_);
	return ok;
}

void up_write(struct rw_semaphore *s)
{
	lock_release(&s->dep_map, _RET_IP_);
	spin_lock(&s->wait_lock);
	s->count = 0;
	s->owner = NULL;
	rwsem_wake(s);
	spin_unlock(&s->wait_lock);
}

void downgrade_write(struct rw_semaphore *s)
{
	lock_downgrade(&s->dep_map, _RET_IP_);
	spin_lock(&s->wait_lock);
	s->count = 1;
	s->owner = NULL;
	rwsem_wake(s);	/* readers at the head may join us; a writer keeps waiting */
	spin_unlock(&s->wait_lock);
}
