/*
 * Wait queues: sleep until a condition becomes true (kernel/sched/wait.c).
 *
 *	static DECLARE_WAIT_QUEUE_HEAD(wq);
 *	sleeper:  wait_event(wq, READ_ONCE(done));
 *	waker:    WRITE_ONCE(done, 1); wake_up(&wq);
 *
 * No lost wake-ups: the sleeper queues itself and sets its state before
 * it tests the condition (prepare_to_wait), and wake_up() takes the
 * queue's lock, so a waker either runs before the test (and the test
 * sees the condition) or after the sleeper is queued (and wakes it).
 *
 * Exclusive waiters (prepare_to_wait_exclusive) are queued at the tail
 * and wake_up() wakes only one of them (plus all non-exclusive ones
 * before it); wake_up_all() wakes everybody.
 *
 * Locking: wq_head->lock (irqsave: wake_up is allowed from interrupts)
 * protects the list of entries.
 *
 * Signals (kernel/signal.c): wait_event_interruptible() sleeps in
 * TASK_INTERRUPTIBLE and returns -ERESTARTSYS when a signal is pending
 * (the syscall returns that; signal delivery turns it into -EINTR or a
 * restart); wait_event_killable() only ends for a fatal signal (SIGKILL).
 * The condition is tested before the signal, so a waiter that was woken
 * for it takes it even with a signal pending. wait_event() and
 * wait_event_idle() are not ended by signals (wait_event_idle sleeps in
 * TASK_INTERRUPTIBLE only to look idle; it is for kernel threads, which
 * get no signals).
 */
#ifndef KESTREL_WAIT_H
#define KESTREL_WAIT_H

#include <kestrel/list.h>
#include <kestrel/might_sleep.h>
#include <kestrel/sched.h>
#include <kestrel/spinlock.h>

struct wait_queue_entry;
typedef int (*wait_queue_func_t)(struct wait_queue_entry *wq_entry, unsigned int mode, void *key);

#define WQ_FLAG_EXCLUSIVE 0x01

/*
 * Locks used to protect struct members here:
 *	[c] constant after initialization (before the entry is queued)
 *	[S] a lock itself
 *	[w] wq_head->lock (irqsave: wake_up is allowed from interrupts)
 */
struct wait_queue_entry {
	unsigned int flags;		/* [c] WQ_FLAG_* */
	struct task_struct *private;	/* [c] the sleeper */
	wait_queue_func_t func;		/* [c] what a wake-up does with this entry */
	struct list_head entry;		/* [w] in wait_queue_head.head */
};
typedef struct wait_queue_entry wait_queue_entry_t;

/* Locks: [S] a lock itself, [w] the head's own lock (irqsave). */
struct wait_queue_head {
	spinlock_t lock;		/* [S] protects head */
	struct list_head head;		/* [w] waiters, in queueing order */
};
typedef struct wait_queue_head wait_queue_head_t;

#define __WAIT_QUEUE_HEAD_INITIALIZER(name) \
	{ .lock = __SPIN_LOCK_UNLOCKED(name.lock), .head = LIST_HEAD_INIT(name.head) }
#define DECLARE_WAIT_QUEUE_HEAD(name) wait_queue_head_t name = __WAIT_QUEUE_HEAD_INITIALIZER(name)

void __init_waitqueue_head(wait_queue_head_t *wq_head, const char *name,
			   struct lock_class_key *key);

/* The lock validator gives the queues initialised at each call site their own class. */
#define init_waitqueue_head(wq_head)                                       \
	do {                                                               \
		static struct lock_class_key __key;                        \
		__init_waitqueue_head((wq_head), #wq_head, &__key);        \
	} while (0)

/* Wake the sleeper; for entries that stay queued until finish_wait/remove_wait_queue. */
int default_wake_function(wait_queue_entry_t *wq_entry, unsigned int mode, void *key);
/* Wake the sleeper and unqueue the entry (DEFINE_WAIT's choice). */
int autoremove_wake_function(wait_queue_entry_t *wq_entry, unsigned int mode, void *key);

#define DEFINE_WAIT_FUNC(name, function)                                         \
	wait_queue_entry_t name = { .private = current, .func = (function),      \
				    .entry = LIST_HEAD_INIT(name.entry) }
#define DEFINE_WAIT(name) DEFINE_WAIT_FUNC(name, autoremove_wake_function)
#define DECLARE_WAITQUEUE(name, tsk)                                             \
	wait_queue_entry_t name = { .private = (tsk), .func = default_wake_function, \
				    .entry = LIST_HEAD_INIT(name.entry) }

static inline void init_waitqueue_entry(wait_queue_entry_t *e, struct task_struct *p)
{
	e->flags = 0;
	e->private = p;
	e->func = default_wake_function;
	INIT_LIST_HEAD(&e->entry);
}

void add_wait_queue(wait_queue_head_t *wq_head, wait_queue_entry_t *wq_entry);
void add_wait_queue_exclusive(wait_queue_head_t *wq_head, wait_queue_entry_t *wq_entry);
void remove_wait_queue(wait_queue_head_t *wq_head, wait_queue_entry_t *wq_entry);

/* Queue (if not yet) and set current's state; then test, then schedule(). */
void prepare_to_wait(wait_queue_head_t *wq_head, wait_queue_entry_t *wq_entry, int state);
void prepare_to_wait_exclusive(wait_queue_head_t *wq_head, wait_queue_entry_t *wq_entry,
			       int state);
/* TASK_RUNNING again and off the queue. */
void finish_wait(wait_queue_head_t *wq_head, wait_queue_entry_t *wq_entry);

/*
 * For the signal-aware waits below: like prepare_to_wait(_exclusive, by
 * wq_entry->flags), but if a signal that ends a sleep in state is pending,
 * unqueue instead and return -ERESTARTSYS (else 0).
 */
long prepare_to_wait_event(wait_queue_head_t *wq_head, wait_queue_entry_t *wq_entry, int state);

/* Wake non-exclusive waiters and up to nr_exclusive exclusive ones (0: all). */
void __wake_up(wait_queue_head_t *wq_head, unsigned int mode, int nr_exclusive, void *key);

#define wake_up(x) __wake_up(x, TASK_NORMAL, 1, NULL)
#define wake_up_nr(x, nr) __wake_up(x, TASK_NORMAL, nr, NULL)
#define wake_up_all(x) __wake_up(x, TASK_NORMAL, 0, NULL)
/* Only waiters in TASK_INTERRUPTIBLE (Linux's names, for code that sleeps that way). */
#define wake_up_interruptible(x) __wake_up(x, TASK_INTERRUPTIBLE, 1, NULL)
#define wake_up_interruptible_all(x) __wake_up(x, TASK_INTERRUPTIBLE, 0, NULL)

/* Somebody waits (a hint only: without the lock it may change at once). */
static inline bool waitqueue_active(wait_queue_head_t *wq_head)
{
	return !list_empty(&wq_head->head);
}

#define ___wait_event(wq_head, condition, state)                                 \
	do {                                                                    \
		DEFINE_WAIT(__wq_entry);                                        \
		for (;;) {                                                      \
			prepare_to_wait(&(wq_head), &__wq_entry, (state));      \
			if (condition)                                          \
				break;                                          \
			schedule();                                             \
		}                                                               \
		finish_wait(&(wq_head), &__wq_entry);                           \
	} while (0)

#define __wait_event(wq_head, condition) ___wait_event(wq_head, condition, TASK_UNINTERRUPTIBLE)

/* Sleep until condition is true (tested again after every wake-up). */
#define wait_event(wq_head, condition)              \
	do {                                        \
		might_sleep();                      \
		if (condition)                      \
			break;                      \
		__wait_event(wq_head, condition);   \
	} while (0)

/*
 * The same, for a thread idly waiting for work (a worker, a daemon): it
 * sleeps in TASK_INTERRUPTIBLE, so the hung-task detector, which looks
 * at TASK_UNINTERRUPTIBLE sleepers, does not take it for blocked.
 */
#define wait_event_idle(wq_head, condition)                                     \
	do {                                                                    \
		might_sleep();                                                  \
		if (condition)                                                  \
			break;                                                  \
		___wait_event(wq_head, condition, TASK_INTERRUPTIBLE);          \
	} while (0)

#define __wait_event_timeout(wq_head, condition, timeout)                       \
	({                                                                      \
		long __t = (timeout);                                           \
		DEFINE_WAIT(__wq_entry);                                        \
		for (;;) {                                                      \
			prepare_to_wait(&(wq_head), &__wq_entry, TASK_UNINTERRUPTIBLE); \
			if (condition) {                                        \
				if (!__t)                                       \
					__t = 1;                                \
				break;                                          \
			}                                                       \
			if (!__t)                                               \
				break;                                          \
			__t = schedule_timeout(__t);                            \
		}                                                               \
		finish_wait(&(wq_head), &__wq_entry);                           \
		__t;                                                            \
	})

/*
 * Sleep until condition is true or timeout jiffies passed. Returns 0 if
 * the time ran out with the condition still false, else the jiffies left
 * (at least 1).
 */
#define wait_event_timeout(wq_head, condition, timeout)                         \
	({                                                                      \
		long __ret = (timeout);                                         \
		might_sleep();                                                  \
		if (!(condition))                                               \
			__ret = __wait_event_timeout(wq_head, condition, __ret); \
		else if (!__ret)                                                \
			__ret = 1;                                              \
		__ret;                                                          \
	})

bool signal_pending_state(unsigned int state, struct task_struct *p);

/*
 * The signal-aware wait loop: cmd sleeps (schedule() or a timeout form
 * updating __ret). Ends with __ret as set by cmd, or -ERESTARTSYS.
 */
#define ___wait_event_sig(wq_head, condition, state, exclusive, ret, cmd)               \
	({                                                                              \
		long __ret = (ret);                                                     \
		DEFINE_WAIT(__wq_entry);                                                \
		__wq_entry.flags = (exclusive) ? WQ_FLAG_EXCLUSIVE : 0;                 \
		for (;;) {                                                              \
			long __int = prepare_to_wait_event(&(wq_head), &__wq_entry, (state)); \
			if (condition)                                                  \
				break;                                                  \
			if (__int) {                                                    \
				__ret = __int;                                          \
				break;                                                  \
			}                                                               \
			cmd;                                                            \
		}                                                                       \
		finish_wait(&(wq_head), &__wq_entry);                                   \
		__ret;                                                                  \
	})

/* Sleep until condition (0) or a signal arrives (-ERESTARTSYS). */
#define wait_event_interruptible(wq_head, condition)                                    \
	({                                                                              \
		int __r = 0;                                                            \
		might_sleep();                                                          \
		if (!(condition))                                                       \
			__r = ___wait_event_sig(wq_head, condition, TASK_INTERRUPTIBLE, 0, 0, \
						schedule());                            \
		__r;                                                                    \
	})

/* The same, queued as an exclusive waiter (wake_up() wakes one of them). */
#define wait_event_interruptible_exclusive(wq_head, condition)                          \
	({                                                                              \
		int __r = 0;                                                            \
		might_sleep();                                                          \
		if (!(condition))                                                       \
			__r = ___wait_event_sig(wq_head, condition, TASK_INTERRUPTIBLE, 1, 0, \
						schedule());                            \
		__r;                                                                    \
	})

/* Sleep until condition (0) or a fatal signal (-ERESTARTSYS). */
#define wait_event_killable(wq_head, condition)                                         \
	({                                                                              \
		int __r = 0;                                                            \
		might_sleep();                                                          \
		if (!(condition))                                                       \
			__r = ___wait_event_sig(wq_head, condition, TASK_KILLABLE, 0, 0,  \
						schedule());                            \
		__r;                                                                    \
	})

#define __wait_event_sig_timeout(wq_head, condition, state, timeout)                     \
	___wait_event_sig(wq_head, condition, state, 0, timeout, ({                      \
		__ret = schedule_timeout(__ret);                                        \
		if (!__ret) {                                                           \
			/* The time is up: one last look at the condition. */           \
			if (condition)                                                  \
				__ret = 1;                                              \
			break;                                                          \
		}                                                                       \
	}))

/*
 * Sleep until condition, a signal or timeout jiffies: the jiffies left (at
 * least 1) if the condition came true, 0 on timeout, -ERESTARTSYS on a signal.
 */
#define wait_event_interruptible_timeout(wq_head, condition, timeout)                   \
	({                                                                              \
		long __rt = (timeout);                                                  \
		might_sleep();                                                          \
		if (condition)                                                          \
			__rt = __rt ? __rt : 1;                                         \
		else                                                                    \
			__rt = __wait_event_sig_timeout(wq_head, condition,             \
							TASK_INTERRUPTIBLE, __rt);      \
		__rt;                                                                   \
	})

#define wait_event_killable_timeout(wq_head, condition, timeout)                        \
	({                                                                              \
		long __rt = (timeout);                                                  \
		might_sleep();                                                          \
		if (condition)                                                          \
			__rt = __rt ? __rt : 1;                                         \
		else                                                                    \
			__rt = __wait_event_sig_timeout(wq_head, condition, TASK_KILLABLE, \
							__rt);                          \
		__rt;                                                                   \
	})

#endif
