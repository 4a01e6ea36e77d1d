/*
 * Wait queues (include/kestrel/wait.h has the protocol).
 *
 * Locking: wq_head->lock, taken irqsave, protects the entry list. A
 * wake-up callback runs under it and takes run-queue locks inside
 * (try_to_wake_up), never the reverse.
 */
#include <kestrel/errno.h>
#include <kestrel/wait.h>

void __init_waitqueue_head(wait_queue_head_t *wq_head, const char *name,
			   struct lock_class_key *key)
{
	__spin_lock_init(&wq_head->lock, name, key);
	INIT_LIST_HEAD(&wq_head->head);
}

void add_wait_queue(wait_queue_head_t *wq_head, wait_queue_entry_t *wq_entry)
{
	unsigned long flags;

	wq_entry->flags &= ~WQ_FLAG_EXCLUSIVE;
	spin_lock_irqsave(&wq_head->lock, flags);
	list_add(&wq_entry->entry, &wq_head->head);
	spin_unlock_irqrestore(&wq_head->lock, flags);
}

void add_wait_queue_exclusive(wait_queue_head_t *wq_head, wait_queue_entry_t *wq_entry)
{
	unsigned long flags;

	wq_entry->flags |= WQ_FLAG_EXCLUSIVE;
	spin_lock_irqsave(&wq_head->lock, flags);
	list_add_tail(&wq_entry->entry, &wq_head->head);
	spin_unlock_irqrestore(&wq_head->lock, flags);
}

void remove_wait_queue(wait_queue_head_t *wq_head, wait_queue_entry_t *wq_entry)
{
	unsigned long flags;

	spin_lock_irqsave(&wq_head->lock, flags);
	list_del_init(&wq_entry->entry);
	spin_unlock_irqrestore(&wq_head->lock, flags);
}

/* Queue if not queued, and set the state, both under the lock (see wait.h). */
static void __prepare_to_wait(wait_queue_head_t *wq_head, wait_queue_entry_t *wq_entry,
			      int state, bool exclusive)
{
	unsigned long flags;

	spin_lock_irqsave(&wq_head->lock, flags);
	if (list_empty(&wq_entry->entry)) {
		if (exclusive) {
			wq_entry->flags |= WQ_FLAG_EXCLUSIVE;
			list_add_tail(&wq_entry->entry, &wq_head->head);
		} else {
			wq_entry->flags &= ~WQ_FLAG_EXCLUSIVE;
			list_add(&wq_entry->entry, &wq_head->head);
		}
	}
	set_current_state(state);
	spin_unlock_irqrestore(&wq_head->lock, flags);
}

void prepare_to_wait(wait_queue_head_t *wq_head, wait_queue_entry_t *wq_entry, int state)
{
	__prepare_to_wait(wq_head, wq_entry, state, false);
}

void prepare_to_wait_exclusive(wait_queue_head_t *wq_head, wait_queue_entry_t *wq_entry,
			       int state)
{
	__prepare_to_wait(wq_head, wq_entry, state, true);
}

long prepare_to_wait_event(wait_queue_head_t *wq_head, wait_queue_entry_t *wq_entry, int state)
{
	unsigned long flags;
	long ret = 0;

	spin_lock_irqsave(&wq_head->lock, flags);
	if (signal_pending_state(state, current)) {
		/*
		 * Off the queue now: a wake-up meant for us (exclusive) then goes
		 * to another waiter; one that already came finds its condition
		 * true in our caller, which tests it before the signal.
		 */
		list_del_init(&wq_entry->entry);
		ret = -ERESTARTSYS;
	} else {
		if (list_empty(&wq_entry->entry)) {
			if (wq_entry->flags & WQ_FLAG_EXCLUSIVE)
				list_add_tail(&wq_entry->entry, &wq_head->head);
			else
				list_add(&wq_entry->entry, &wq_head->head);
		}
		set_current_state(state);
	}
	spin_unlock_irqrestore(&wq_head->lock, flags);
	return ret;
}

void finish_wait(wait_queue_head_t *wq_head, wait_queue_entry_t *wq_entry)
{
	unsigned long flags;

	__set_current_state(TASK_RUNNING);
	/*
	 * Always under the lock: a waker that is unlinking the entry right
	 * now must be done with it before it goes (it lives on our stack).
	 */
	spin_lock_irqsave(&wq_head->lock, flags);
	list_del_init(&wq_entry->entry);
	spin_unlock_irqrestore(&wq_head->lock, flags);
}

int default_wake_function(wait_queue_entry_t *wq_entry, unsigned int mode, void *key)
{
	(void)key;
	return wake_up_state(wq_entry->private, mode);
}

int autoremove_wake_function(wait_queue_entry_t *wq_entry, unsigned int mode, void *key)
{
	int ret = default_wake_function(wq_entry, mode, key);

	if (ret)
		list_del_init(&wq_entry->entry);
	return ret;
}

void __wake_up(wait_queue_head_t *wq_head, unsigned int mode, int nr_exclusive, void *key)
{
	wait_queue_entry_t *curr, *next;
	unsigned long flags;

	spin_lock_irqsave(&wq_head->lock, flags);
	list_for_each_entry_safe(curr, next, &wq_head->head, entry) {
		/* Read before the call: the callback may unlink (and free) the entry. */
		unsigned int eflags = curr->flags;
		int ret = curr->func(curr, mode, key);

		if (ret && (eflags & WQ_FLAG_EXCLUSIVE) && !--nr_exclusive)
			break;
	}
	spin_unlock_irqrestore(&wq_head->lock, flags);
}
