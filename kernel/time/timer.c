/*
 * Sleeping timers, schedule_timeout() and msleep() (include/kestrel/timer.h).
 *
 * Every CPU has a timer_base: a list of pending timers sorted by expiry
 * (jiffies), run by that CPU's tick (run_local_timers, from timer_tick,
 * in interrupt context). A timer goes on the base of the CPU that first
 * queues it and stays with that base for its life, so the only race on
 * t->base is the first queueing (a compare-and-swap).
 *
 * The timer function runs without base->lock, with interrupts off;
 * base->running names the timer whose function runs, so del_timer_sync()
 * can wait for it.
 *
 * Locks used to protect struct timer_base's members (struct timer_list's
 * are in include/kestrel/timer.h):
 *	[S] a lock itself
 *	[b] base->lock (irqsave; the tick takes it)
 *	[a] one word written with WRITE_ONCE, read with READ_ONCE
 */
#include <kestrel/atomic.h>
#include <kestrel/might_sleep.h>
#include <kestrel/percpu.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include <kestrel/spinlock.h>
#include <kestrel/timer.h>

struct timer_base {
	spinlock_t lock;		/* [S] protects list and running */
	struct list_head list;		/* [b] pending timers, earliest first */
	struct timer_list *running;	/* [b] whose function runs now, or NULL */
	bool ready;			/* [a] init_timers_cpu() ran */
};

static struct timer_base timer_bases[NR_CPUS];

void init_timers_cpu(unsigned int cpu)
{
	struct timer_base *base = &timer_bases[cpu];

	spin_lock_init(&base->lock);
	INIT_LIST_HEAD(&base->list);
	base->running = NULL;
	WRITE_ONCE(base->ready, true);
}

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *), unsigned int flags)
{
	INIT_LIST_HEAD(&t->entry);
	t->function = fn;
	t->flags = flags;
	t->base = NULL;
	t->expires = 0;
}

/* t's base, locked; on first use the calling CPU's. Interrupts off. */
static struct timer_base *lock_timer_base(struct timer_list *t)
{
	struct timer_base *base = smp_load_acquire(&t->base);

	if (!base) {
		struct timer_base *mine = &timer_bases[smp_processor_id()];
		struct timer_base *expected = NULL;

		if (try_cmpxchg(&t->base, &expected, mine))
			base = mine;
		else
			base = expected;
	}
	spin_lock(&base->lock);
	return base;
}

static void enqueue_timer(struct timer_base *base, struct timer_list *t)
{
	struct list_head *pos;

	list_for_each(pos, &base->list) {
		struct timer_list *o = list_entry(pos, struct timer_list, entry);
		if (time_after64(o->expires, t->expires))
			break;
	}
	list_add_tail(&t->entry, pos);
}

int mod_timer(struct timer_list *t, u64 expires)
{
	unsigned long flags = local_irq_save();
	struct timer_base *base = lock_timer_base(t);
	int was_pending = timer_pending(t);

	if (was_pending)
		list_del_init(&t->entry);
	t->expires = expires;
	enqueue_timer(base, t);
	spin_unlock(&base->lock);
	local_irq_restore(flags);
	return was_pending;
}

void add_timer(struct timer_list *t)
{
	mod_timer(t, t->expires);
}

int del_timer(struct timer_list *t)
{
	struct timer_base *base = smp_load_acquire(&t->base);
	unsigned long flags;
	int was_pending;

	if (!base)
		return 0;	/* never queued */
	spin_lock_irqsave(&base->lock, flags);
	was_pending = timer_pending(t);
	if (was_pending)
		list_del_init(&t->entry);
	spin_unlock_irqrestore(&base->lock, flags);
	return was_pending;
}

int del_timer_sync(struct timer_list *t)
{
	struct timer_base *base;
	int ret = 0;

	WARN_ON(in_interrupt());
	for (;;) {
		ret |= del_timer(t);
		base = smp_load_acquire(&t->base);
		if (!base || smp_load_acquire(&base->running) != t)
			break;
		/* Its function runs on the base's CPU right now (and may re-arm it). */
		cpu_relax();
	}
	return ret;
}

void run_local_timers(void)
{
	struct timer_base *base = &timer_bases[smp_processor_id()];
	u64 now = get_jiffies_64();

	if (!READ_ONCE(base->ready))
		return;
	spin_lock(&base->lock);
	while (!list_empty(&base->list)) {
		struct timer_list *t = list_first_entry(&base->list, struct timer_list, entry);
		if (time_after64(t->expires, now))
			break;
		list_del_init(&t->entry);
		smp_store_release(&base->running, t);
		spin_unlock(&base->lock);
		t->function(t);
		spin_lock(&base->lock);
		smp_store_release(&base->running, NULL);
	}
	spin_unlock(&base->lock);
}

/* ---- sleeping with a timeout ---- */

struct process_timer {
	struct timer_list timer;
	struct task_struct *task;
};

static void process_timeout(struct timer_list *t)
{
	struct process_timer *pt = from_timer(pt, t, timer);

	wake_up_process(pt->task);
}

long schedule_timeout(long timeout)
{
	struct process_timer pt;
	u64 expire;
	s64 left;

	if (timeout == MAX_SCHEDULE_TIMEOUT) {
		schedule();
		return timeout;
	}
	if (timeout < 0) {
		__set_current_state(TASK_RUNNING);
		return 0;
	}
	expire = get_jiffies_64() + timeout;
	timer_setup(&pt.timer, process_timeout, 0);
	pt.task = current;
	mod_timer(&pt.timer, expire);
	schedule();
	del_timer_sync(&pt.timer);
	left = (s64)(expire - get_jiffies_64());
	return left > 0 ? left : 0;
}

long schedule_timeout_uninterruptible(long timeout)
{
	set_current_state(TASK_UNINTERRUPTIBLE);
	return schedule_timeout(timeout);
}

long schedule_timeout_interruptible(long timeout)
{
	set_current_state(TASK_INTERRUPTIBLE);
	return schedule_timeout(timeout);
}

void msleep(unsigned int ms)
{
	u64 end = ktime_get_ns() + (u64)ms * NSEC_PER_MSEC;

	might_sleep();
	/* Jiffies may run a little fast or slow against the TSC: loop on the TSC's word. */
	for (;;) {
		u64 now = ktime_get_ns();
		if (now >= end)
			break;
		schedule_timeout_uninterruptible(DIV_ROUND_UP(end - now, NSEC_PER_SEC / HZ));
	}
}
