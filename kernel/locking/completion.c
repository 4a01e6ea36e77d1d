/*
 * Completions (see include/kestrel/completion.h).
 *
 * A waiter queues itself (on its stack) under c->lock, sets its state,
 * drops the lock and sleeps; complete() wakes the oldest waiter under the
 * lock. The waiter re-checks done under the lock after every wake-up and
 * removes itself from the queue before returning, so a waker never
 * touches a waiter that has gone. All completions' locks share one class
 * (they never nest).
 */
#include <kestrel/completion.h>
#include <kestrel/might_sleep.h>
#include <kestrel/sched.h>

#define COMPLETE_ALL UINT32_MAX

struct completion_waiter {
	struct list_head list;	/* in completion.waiters */
	struct task_struct *task;
};

static struct lock_class_key completion_lock_key;

void init_completion(struct completion *c)
{
	__spin_lock_init(&c->lock, "&completion->lock", &completion_lock_key);
	c->done = 0;
	INIT_LIST_HEAD(&c->waiters);
}

void reinit_completion(struct completion *c)
{
	WRITE_ONCE(c->done, 0);
}

/* Consume one completion if there is one; c->lock held. */
static bool consume(struct completion *c)
{
	if (!c->done)
		return false;
	if (c->done != COMPLETE_ALL)
		c->done--;
	return true;
}

static long do_wait(struct completion *c, long timeout)
{
	struct completion_waiter w = { .task = current };
	unsigned long flags;

	might_sleep();
	spin_lock_irqsave(&c->lock, flags);
	if (consume(c))
		goto out;
	list_add_tail(&w.list, &c->waiters);
	do {
		/* State under the lock: complete() wakes us after we drop it. */
		set_current_state(TASK_UNINTERRUPTIBLE);
		spin_unlock_irqrestore(&c->lock, flags);
		timeout = schedule_timeout(timeout);
		spin_lock_irqsave(&c->lock, flags);
	} while (!c->done && timeout);
	__set_current_state(TASK_RUNNING);
	list_del(&w.list);
	if (!consume(c))
		timeout = 0;
	else if (!timeout)
		timeout = 1;	/* completed just as the time ran out: success */
	/* complete() wakes the oldest waiter only: pass on what is left. */
	if (c->done && !list_empty(&c->waiters))
		wake_up_process(list_first_entry(&c->waiters, struct completion_waiter, list)->task);
out:
	spin_unlock_irqrestore(&c->lock, flags);
	return timeout;
}

void wait_for_completion(struct completion *c)
{
	do_wait(c, MAX_SCHEDULE_TIMEOUT);
}

unsigned long wait_for_completion_timeout(struct completion *c, unsigned long timeout)
{
	if (timeout > (unsigned long)MAX_SCHEDULE_TIMEOUT)
		timeout = MAX_SCHEDULE_TIMEOUT;
	return (unsigned long)do_wait(c, (long)timeout);
}

bool try_wait_for_completion(struct completion *c)
{
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&c->lock, flags);
	ok = consume(c);
	spin_unlock_irqrestore(&c->lock, flags);
	return ok;
}

bool completion_done(struct completion *c)
{
	return READ_ONCE(c->done) != 0;
}

void complete(struct completion *c)
{
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	if (c->done != COMPLETE_ALL)
		c->done++;
	if (!list_empty(&c->waiters))
		wake_up_process(list_first_entry(&c->waiters, struct completion_waiter, list)->task);
	spin_unlock_irqrestore(&c->lock, flags);
}

void complete_all(struct completion *c)
{
	struct completion_waiter *w;
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	c->done = COMPLETE_ALL;
	list_for_each_entry(w, &c->waiters, list)
		wake_up_process(w->task);
	spin_unlock_irqrestore(&c->lock, flags);
}
