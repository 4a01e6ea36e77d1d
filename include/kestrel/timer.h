/*
 * Sleeping timers: run a function once, from the tick, after a number of
 * jiffies (kernel/time/timer.c).
 *
 *	struct timer_list t;
 *	timer_setup(&t, my_fn, 0);
 *	mod_timer(&t, jiffies + msecs_to_jiffies(50));
 *	...
 *	del_timer_sync(&t);	// not pending and not running when it returns
 *
 * Every CPU has its own timer list; add_timer/mod_timer put the timer on
 * the calling CPU's list, and that CPU's tick runs it, in interrupt
 * context with interrupts off: the function must not sleep. Resolution
 * is one tick (1000 / HZ ms), so a timer fires at the first tick at or
 * after its expiry.
 *
 * msleep(ms) sleeps at least ms milliseconds (measured on ktime_get_ns).
 */
#ifndef KESTREL_TIMER_H
#define KESTREL_TIMER_H

#include <kestrel/compiler.h>
#include <kestrel/list.h>
#include <kestrel/time.h>

struct timer_base;

/*
 * Locks used to protect struct members here:
 *	[c] constant after timer_setup
 *	[a] atomic: set once, by a compare-and-swap at the first queueing
 *	[b] the lock of the timer's base (kernel/time/timer.c, irqsave);
 *	    the caller of add_timer sets expires while the timer is idle
 */
struct timer_list {
	struct list_head entry;		/* [b] in base->list while pending (empty: not pending) */
	u64 expires;			/* [b] jiffies value at which it fires */
	void (*function)(struct timer_list *t); /* [c] */
	struct timer_base *base;	/* [a] list it is (or was last) on */
	unsigned int flags;		/* [c] */
};

#define from_timer(var, timer, field) container_of(timer, __typeof__(*var), field)

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *), unsigned int flags);
/* Queue an idle timer (t->expires set by the caller). */
void add_timer(struct timer_list *t);
/* (Re)queue at expires; returns 1 if it was pending, 0 if not. */
int mod_timer(struct timer_list *t, u64 expires);
/* Unqueue; returns 1 if it was pending. The function may still be running elsewhere. */
int del_timer(struct timer_list *t);
/*
 * Unqueue and wait until its function is not running on any CPU. Not
 * from interrupt context, and not while holding a lock the function takes.
 */
int del_timer_sync(struct timer_list *t);

static inline bool timer_pending(const struct timer_list *t)
{
	return !list_empty(&t->entry);
}

/* ms in jiffies, rounded up. */
static inline u64 msecs_to_jiffies(unsigned long ms)
{
	return ((u64)ms * HZ + 999) / 1000;
}

static inline unsigned long jiffies_to_msecs(u64 j)
{
	return j * (1000 / HZ);
}

/* jiffies a is after b (wrap-safe) */
#define time_after64(a, b) ((s64)((b) - (a)) < 0)
#define time_after_eq64(a, b) ((s64)((a) - (b)) >= 0)

/* Sleep at least ms milliseconds (task context). */
void msleep(unsigned int ms);

/* The tick, on the CPU it hit (interrupts off): run this CPU's expired timers. */
void run_local_timers(void);
/* Per-CPU timer bases: called for each CPU before it takes ticks. */
void init_timers_cpu(unsigned int cpu);

#endif
