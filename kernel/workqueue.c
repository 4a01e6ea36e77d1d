/*
 * Workqueues (include/kestrel/workqueue.h).
 *
 * A workqueue is a FIFO list of work items and a fixed pool of worker
 * kthreads sleeping on more_work. A worker takes the first item, clears
 * its pending flag (so the item can be queued again, even by itself),
 * runs it, and wakes work_done, on which flush_work/cancel_work_sync
 * wait. Pool threads are not bound to a CPU; the load balancer spreads
 * them like any other task.
 *
 * An item is queued on one workqueue at a time.
 *
 * Locks used to protect struct members here (struct work_struct's are in
 * include/kestrel/workqueue.h):
 *	[c] constant after creation (alloc_workqueue, before the workers run)
 *	[S] a lock or wait queue itself
 *	[q] wq->lock (irqsave: queue_work is allowed from interrupts); it
 *	    also guards every queued item's entry, pending flag and wq pointer
 */
#include <kestrel/atomic.h>
#include <kestrel/kthread.h>
#include <kestrel/printk.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/wait.h>
#include <kestrel/workqueue.h>
#include <kestrel/sched.h>

#define SYSTEM_WQ_WORKERS 4

struct worker {
	struct task_struct *task;		/* [c] */
	struct workqueue_struct *wq;		/* [c] */
	struct work_struct *current_work;	/* [q] under wq->lock */
};

struct workqueue_struct {
	char name[24];				/* [c] */
	spinlock_t lock;			/* [S] see the header comment */
	struct list_head worklist;		/* [q] pending items, FIFO */
	wait_queue_head_t more_work;		/* [S] idle workers sleep here */
	wait_queue_head_t work_done;		/* [S] flush/cancel wait here */
	unsigned int nr_workers;		/* [c] */
	struct worker *workers;			/* [c] array of nr_workers */
};

struct workqueue_struct *system_wq;

bool queue_work(struct workqueue_struct *wq, struct work_struct *w)
{
	unsigned long flags;

	spin_lock_irqsave(&wq->lock, flags);
	if (w->pending) {
		spin_unlock_irqrestore(&wq->lock, flags);
		return false;
	}
	smp_store_release(&w->pending, 1);
	w->wq = wq;
	list_add_tail(&w->entry, &wq->worklist);
	spin_unlock_irqrestore(&wq->lock, flags);
	wake_up(&wq->more_work);
	return true;
}

/* Is w being run by a worker of wq? wq->lock held. */
static bool work_running(struct workqueue_struct *wq, struct work_struct *w)
{
	for (unsigned int i = 0; i < wq->nr_workers; i++)
		if (wq->workers[i].current_work == w)
			return true;
	return false;
}

static bool work_is_running(struct workqueue_struct *wq, struct work_struct *w)
{
	unsigned long flags;
	bool running;

	spin_lock_irqsave(&wq->lock, flags);
	running = work_running(wq, w);
	spin_unlock_irqrestore(&wq->lock, flags);
	return running;
}

static bool work_busy(struct workqueue_struct *wq, struct work_struct *w)
{
	unsigned long flags;
	bool busy;

	spin_lock_irqsave(&wq->lock, flags);
	busy = w->pending || work_running(wq, w);
	spin_unlock_irqrestore(&wq->lock, flags);
	return busy;
}

bool flush_work(struct work_struct *w)
{
	struct workqueue_struct *wq = READ_ONCE(w->wq);

	might_sleep();
	if (!wq || !work_busy(wq, w))
		return false;
	wait_event(wq->work_done, !work_busy(wq, w));
	return true;
}

bool cancel_work_sync(struct work_struct *w)
{
	struct workqueue_struct *wq = READ_ONCE(w->wq);
	unsigned long flags;
	bool was_pending = false;

	might_sleep();
	if (!wq)
		return false;
	/* Loop: a running instance may queue the item again. */
	for (;;) {
		spin_lock_irqsave(&wq->lock, flags);
		if (w->pending) {
			list_del_init(&w->entry);
			smp_store_release(&w->pending, 0);
			was_pending = true;
		}
		spin_unlock_irqrestore(&wq->lock, flags);
		wait_event(wq->work_done, !work_is_running(wq, w));
		if (!work_pending(w))
			return was_pending;
	}
}

static bool wq_idle(struct workqueue_struct *wq)
{
	unsigned long flags;
	bool idle;

	spin_lock_irqsave(&wq->lock, flags);
	idle = list_empty(&wq->worklist);
	for (unsigned int i = 0; idle && i < wq->nr_workers; i++)
		idle = !wq->workers[i].current_work;
	spin_unlock_irqrestore(&wq->lock, flags);
	return idle;
}

/* Stronger than promised: waits until the queue is empty and no worker is busy. */
void flush_workqueue(struct workqueue_struct *wq)
{
	might_sleep();
	wait_event(wq->work_done, wq_idle(wq));
}

static int worker_thread(void *arg)
{
	struct worker *me = arg;
	struct workqueue_struct *wq = me->wq;
	unsigned long flags;

	current->flags |= PF_WQ_WORKER;
	current->worker = me;
	for (;;) {
		struct work_struct *w;

		/* Idle, not blocked: TASK_INTERRUPTIBLE (see wait_event_idle). */
		wait_event_idle(wq->more_work, !list_empty(&wq->worklist) || kthread_should_stop());
		spin_lock_irqsave(&wq->lock, flags);
		if (list_empty(&wq->worklist)) {
			spin_unlock_irqrestore(&wq->lock, flags);
			if (kthread_should_stop())
				return 0;
			continue;
		}
		w = list_first_entry(&wq->worklist, struct work_struct, entry);
		list_del_init(&w->entry);
		smp_store_release(&w->pending, 0);
		me->current_work = w;
		spin_unlock_irqrestore(&wq->lock, flags);

		w->func(w);	/* may free w: only its address is used below */

		spin_lock_irqsave(&wq->lock, flags);
		me->current_work = NULL;
		spin_unlock_irqrestore(&wq->lock, flags);
		wake_up_all(&wq->work_done);
	}
}

struct workqueue_struct *alloc_workqueue(const char *name, unsigned int flags, int max_active)
{
	struct workqueue_struct *wq;
	unsigned int n = max_active > 0 ? (unsigned int)max_active : sched_nr_cpus_active();

	(void)flags;
	wq = kzalloc(sizeof(*wq), GFP_KERNEL);
	if (!wq)
		return NULL;
	wq->workers = kzalloc(n * sizeof(*wq->workers), GFP_KERNEL);
	if (!wq->workers)
		goto err_free_wq;
	strlcpy(wq->name, name, sizeof(wq->name));
	spin_lock_init(&wq->lock);
	INIT_LIST_HEAD(&wq->worklist);
	init_waitqueue_head(&wq->more_work);
	init_waitqueue_head(&wq->work_done);
	for (unsigned int i = 0; i < n; i++) {
		struct worker *wk = &wq->workers[i];
		struct task_struct *t;

		wk->wq = wq;
		t = kthread_create(worker_thread, wk, "%s/%u", name, i);
		if (IS_ERR(t))
			goto err_stop;
		wk->task = t;
		wq->nr_workers = i + 1;
	}
	for (unsigned int i = 0; i < n; i++)
		wake_up_process(wq->workers[i].task);
	return wq;

err_stop:
	for (unsigned int i = 0; i < wq->nr_workers; i++)
		kthread_stop(wq->workers[i].task);
	kfree(wq->workers);
err_free_wq:
	kfree(wq);
	return NULL;
}

void destroy_workqueue(struct workqueue_struct *wq)
{
	flush_workqueue(wq);
	for (unsigned int i = 0; i < wq->nr_workers; i++)
		kthread_stop(wq->workers[i].task);
	kfree(wq->workers);
	kfree(wq);
}

void workqueue_init(void)
{
	struct workqueue_struct *wq = alloc_workqueue("events", 0, SYSTEM_WQ_WORKERS);

	if (!wq)
		panic("workqueue: cannot create system_wq");
	WRITE_ONCE(system_wq, wq);
}
