/*
 * Completions: wait until some other thread (or an interrupt handler)
 * says an event happened.
 *
 *	DECLARE_COMPLETION(name) / init_completion(&c) / reinit_completion(&c)
 *	wait_for_completion(&c)			sleep until complete()d
 *	wait_for_completion_timeout(&c, jiffies) 0 on timeout, else jiffies left (>= 1)
 *	try_wait_for_completion(&c)		consume one completion if there is one
 *	complete(&c)				release one waiter (or the next one to come)
 *	complete_all(&c)			release every waiter, now and later
 *	completion_done(&c)			would a wait return at once?
 *
 * done counts complete() calls not yet consumed by a wait; complete_all()
 * sets it to "infinite" (UINT_MAX), until reinit_completion(). complete()
 * may be called from interrupt handlers: the lock is irq-safe.
 */
#ifndef KESTREL_COMPLETION_H
#define KESTREL_COMPLETION_H

#include <kestrel/list.h>
#include <kestrel/spinlock.h>

struct completion {
	spinlock_t lock;		/* protects done and waiters (irqsave) */
	unsigned int done;
	struct list_head waiters;	/* sleeping tasks, oldest first */
};

#define COMPLETION_INITIALIZER(name)                                                 \
	{ .lock = __SPIN_LOCK_UNLOCKED(name.lock), .done = 0,                         \
	  .waiters = LIST_HEAD_INIT(name.waiters) }
#define DECLARE_COMPLETION(name) struct completion name = COMPLETION_INITIALIZER(name)

void init_completion(struct completion *c);
void reinit_completion(struct completion *c);
void wait_for_completion(struct completion *c);
unsigned long wait_for_completion_timeout(struct completion *c, unsigned long timeout);
bool try_wait_for_completion(struct completion *c);
bool completion_done(struct completion *c);
void complete(struct completion *c);
void complete_all(struct completion *c);

#endif
