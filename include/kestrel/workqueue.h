/*
 * Workqueues: run a function later in a kernel thread (kernel/workqueue.c).
 *
 *	static void my_fn(struct work_struct *w) { ... may sleep ... }
 *	static DECLARE_WORK(my_work, my_fn);
 *	queue_work(system_wq, &my_work);	// or schedule_work(&my_work)
 *	flush_work(&my_work);			// wait until it has run
 *
 * A work item is pending from queue_work() until a worker takes it; it
 * is queued at most once at a time (queue_work() of a pending item does
 * nothing and returns false), and each queueing runs it exactly once.
 * An item may requeue itself from its function.
 *
 * Each workqueue has a fixed pool of worker threads (<wq>/<n>)
 * taking items from one shared FIFO list; items of one queue may run in
 * parallel on different workers (up to the pool size).
 */
#ifndef KESTREL_WORKQUEUE_H
#define KESTREL_WORKQUEUE_H

#include <kestrel/atomic.h>
#include <kestrel/compiler.h>
#include <kestrel/list.h>

struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);

struct workqueue_struct;

/*
 * Locks used to protect struct members here:
 *	[c] constant after INIT_WORK / DECLARE_WORK
 *	[q] the lock of the workqueue the item is queued on (wq->lock,
 *	    kernel/workqueue.c); flush_work and work_pending peek with
 *	    READ_ONCE / an acquire load
 */
struct work_struct {
	struct list_head entry;			/* [q] in wq->worklist while pending */
	work_func_t func;			/* [c] */
	unsigned long pending;			/* [q] 1 from queueing until a worker takes it */
	struct workqueue_struct *wq;		/* [q] last queued on */
};

#define __WORK_INITIALIZER(n, f) { .entry = LIST_HEAD_INIT((n).entry), .func = (f) }
#define DECLARE_WORK(n, f) struct work_struct n = __WORK_INITIALIZER(n, f)

static inline void INIT_WORK(struct work_struct *w, work_func_t f)
{
	INIT_LIST_HEAD(&w->entry);
	w->func = f;
	w->pending = 0;
	w->wq = NULL;
}

/* A workqueue with max_active worker threads (0: one per active CPU); NULL on failure. */
struct workqueue_struct *alloc_workqueue(const char *name, unsigned int flags, int max_active);
/* Run everything queued, stop the workers, free it. */
void destroy_workqueue(struct workqueue_struct *wq);

/* Queue w unless it is pending; true if it was queued. Any context. */
bool queue_work(struct workqueue_struct *wq, struct work_struct *w);
/* Wait until w is neither pending nor running (from when it was called). Returns true if it waited. */
bool flush_work(struct work_struct *w);
/* Wait until everything queued on wq before the call has run. */
void flush_workqueue(struct workqueue_struct *wq);
/* Unqueue w if pending and wait for a running instance; true if it was pending. */
bool cancel_work_sync(struct work_struct *w);

static inline bool work_pending(const struct work_struct *w)
{
	return smp_load_acquire(&w->pending) != 0;
}

/* The shared workqueue (sched_late_init creates it). */
extern struct workqueue_struct *system_wq;

static inline bool schedule_work(struct work_struct *w)
{
	return queue_work(system_wq, w);
}

void workqueue_init(void);

#endif
