/*
 * epoll(7): epoll_create1, epoll_ctl, epoll_wait, epoll_pwait and
 * epoll_pwait2, after Linux's fs/eventpoll.c.
 *
 * An epoll instance (struct eventpoll, the private data of an anonymous
 * "[eventpoll]" file) watches a set of (file, fd) pairs, one struct
 * epitem each, kept in a red-black tree. Watching uses the same hook as
 * poll(2): at EPOLL_CTL_ADD the file's ->poll is called once with a
 * poll_table whose queueing function (ep_ptable_queue_proc) hangs an
 * entry (struct eppoll_entry) on every wait queue the file names. From
 * then on any wake_up() on one of those queues runs ep_poll_callback,
 * which puts the item on the instance's ready list (rdllist) and wakes
 * epoll_wait. epoll_wait never asks every file: it takes the ready list
 * and asks only those files again (->poll with no queueing), reports the
 * ones that really have events, and
 *   - level-triggered (default): puts an item that had events back on
 *     the ready list, so it is asked again next time and reported for
 *     as long as the condition holds;
 *   - EPOLLET (edge-triggered): does not; only the next wake-up on one of
 *     its queues (new data, new room) makes it ready again;
 *   - EPOLLONESHOT: disables the item after one report (its event mask
 *     keeps only the private bits) until EPOLL_CTL_MOD re-arms it;
 *   - EPOLLEXCLUSIVE: the entries are exclusive waiters, so one wake-up
 *     wakes one of several epoll instances watching the same file.
 * A wake-up that names what happened (a key such as EPOLLIN) and does
 * not match the item's events is skipped; a plain wake_up (no key) may
 * make an item ready spuriously, and the second ->poll then drops it.
 *
 * An item holds no reference on its file: closing the last descriptor
 * of a watched file releases it, and __fput calls
 * eventpoll_release_file(), which removes it from every instance
 * watching it (file->f_ep lists them). Closing a descriptor while the
 * file stays open elsewhere (dup, fork) leaves the item in place, as
 * Linux does. An item holds a reference on its instance, so an instance
 * whose file is closed lives on until the last item is gone.
 *
 * Nesting: an epoll file may be watched by another (its ->poll says
 * EPOLLIN when one of its ready items has events). Adding one instance
 * to another checks, under epnested_mutex, that no loop forms and that
 * no chain is deeper than EP_MAX_NESTS (ELOOP otherwise).
 *
 * POLLFREE: a queue that goes away while epoll entries hang on it (a
 * sighand's signalfd queue when the process exits) wakes them with
 * POLLFREE; the callback then takes its entry off and clears its whead,
 * and ep_remove_wait_queue() skips it. The queue's memory stays valid
 * for an RCU grace period, which covers the read of whead.
 *
 * Locks (the order: docs/locking.md, "Lock order"):
 *   epnested_mutex  adding an epoll file to an epoll file: the loop check
 *   ep->mtx         (mutex) the item tree, the items' event masks and
 *                   poll entries; held across ->poll calls, the copy
 *                   out to user memory and the nested scans (subclass =
 *                   depth, so an instance and the ones it watches nest)
 *   file->f_lock    file->f_ep and each item's fllink and dying
 *   ep->lock        (irqsave) the ready list, taken in ep_poll_callback
 *                   under the waking queue's own lock
 * ep->wq (epoll_wait sleepers) is woken under ep->lock. ep->poll_wait
 * (pollers of the epoll file) is woken after ep->lock is dropped, with
 * its lock taken at the depth of the wake-up chain (ep_poll_safewake).
 *
 * Locks used to protect struct members here:
 *	[c] constant after creation
 *	[a] atomic: smp_store_release / smp_load_acquire
 *	[S] a lock or wait queue itself
 *	[m] ep->mtx
 *	[l] ep->lock (irqsave)
 *	[f] the watched file's f_lock
 *	[w] ep->poll_wait.lock (held while this instance wakes its pollers)
 *	[n] epnested_mutex
 *	[e] an embedded struct whose own members carry the tags
 */
#include <kestrel/anon_inodes.h>
#include <kestrel/eventpoll.h>
#include <kestrel/fdtable.h>
#include <kestrel/init.h>
#include <kestrel/mm.h>
#include <kestrel/mutex.h>
#include <kestrel/poll.h>
#include <kestrel/rbtree.h>
#include <kestrel/rcupdate.h>
#include <kestrel/refcount.h>
#include <kestrel/sched.h>
#include <kestrel/signal.h>
#include <kestrel/slab.h>
#include <kestrel/syscalls.h>
#include <kestrel/time.h>
#include <kestrel/uaccess.h>

#define EPOLL_CLOEXEC O_CLOEXEC
#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3

#define EPOLLEXCLUSIVE (1U << 28)
#define EPOLLWAKEUP (1U << 29)
#define EPOLLONESHOT (1U << 30)
#define EPOLLET (1U << 31)

/* Bits that say how to report, not what. */
#define EP_PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EPOLLINOUT_BITS (EPOLLIN | EPOLLOUT)
#define EPOLLEXCLUSIVE_OK_BITS (EPOLLINOUT_BITS | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | \
				EPOLLEXCLUSIVE)

/* The deepest chain of epoll files watching epoll files (Linux's). */
#define EP_MAX_NESTS 4

/* x86_64 lays struct epoll_event out packed: 12 bytes. */
struct epoll_event {
	u32 events;
	u64 data;
} __attribute__((packed));

#define EP_MAX_EVENTS (0x7fffffff / sizeof(struct epoll_event))

struct epitem;

/* One wait queue an item hangs on. */
struct eppoll_entry {
	struct eppoll_entry *next;	/* [m] the item's list */
	struct epitem *base;		/* [c] */
	wait_queue_entry_t wait;	/* [e] on *whead */
	wait_queue_head_t *whead;	/* [a] NULL once POLLFREE took the entry off */
};

/* One watched (file, fd). */
struct epitem {
	struct rb_node rbn;		/* [m] in ep->rbr */
	struct list_head rdllink;	/* [l] on ep->rdllist or a scan's list; empty: on neither */
	struct file *file;		/* [c] watched (not referenced: see the top) */
	int fd;				/* [c] the descriptor it was added under */
	bool dying;			/* [f] the file's release is removing it */
	struct eppoll_entry *pwqlist;	/* [m] */
	struct eventpoll *ep;		/* [c] referenced */
	struct hlist_node fllink;	/* [f] in file->f_ep */
	/* [m,l] events: written with both held, read under either; data: ep->mtx alone */
	struct epoll_event event;
};

/* One epoll instance. */
struct eventpoll {
	struct mutex mtx;		/* [S] */
	wait_queue_head_t wq;		/* [S] epoll_wait sleepers (exclusive) */
	wait_queue_head_t poll_wait;	/* [S] pollers of the epoll file itself */
	spinlock_t lock;		/* [S] */
	struct list_head rdllist;	/* [l] ready items */
	struct rb_root rbr;		/* [m] every item, by (file, fd) */
	refcount_t refcount;		/* [a] the file and every item */
	u8 nests;			/* [w] depth of the wake-up now running through poll_wait */
	u64 gen;			/* [n] the last loop check that visited it */
};

/* The watches of all users together; Linux's max_user_watches is per user. */
static atomic_long_t ep_nr_watches = ATOMIC_LONG_INIT(0);
static long max_user_watches;

static DEFINE_MUTEX(epnested_mutex);
static u64 loop_check_gen;		/* [n] */
static struct eventpoll *inserting_into; /* [n] */

static const struct file_operations eventpoll_fops;

static bool is_file_epoll(struct file *f)
{
	return f->f_op == &eventpoll_fops;
}

static bool ep_events_available(struct eventpoll *ep)
{
	return !list_empty_careful(&ep->rdllist);
}

/* ---------------- lifetime ---------------- */

static void ep_free(struct eventpoll *ep)
{
	kfree(ep);
}

static struct eventpoll *ep_alloc(void)
{
	struct eventpoll *ep = kzalloc(sizeof(*ep), GFP_KERNEL);

	if (!ep)
		return NULL;
	mutex_init(&ep->mtx);
	spin_lock_init(&ep->lock);
	init_waitqueue_head(&ep->wq);
	init_waitqueue_head(&ep->poll_wait);
	INIT_LIST_HEAD(&ep->rdllist);
	ep->rbr = RB_ROOT;
	refcount_set(&ep->refcount, 1);
	return ep;
}

/* ---------------- wake-ups ---------------- */

/*
 * Wake the pollers of ep's own file. Called from ep_poll_callback (epi
 * set: the wake-up came through that item) or from process context
 * (NULL). The lock subclass is the depth of the chain: a plain file's
 * queue is depth 0, so the first epoll file woken is 1, one watching it
 * 2, and so on (Linux's ep->nests).
 */
static void ep_poll_safewake(struct eventpoll *ep, struct epitem *epi)
{
	unsigned long flags;
	u8 nests = 0;

	if (epi)
		nests = is_file_epoll(epi->file) ?
			((struct eventpoll *)epi->file->private_data)->nests : 1;
	spin_lock_irqsave_nested(&ep->poll_wait.lock, flags, nests);
	ep->nests = nests + 1;
	wake_up_locked_poll(&ep->poll_wait, EPOLLIN);
	ep->nests = 0;
	spin_unlock_irqrestore(&ep->poll_wait.lock, flags);
}

/*
 * A watched queue was woken: make the item ready. Runs under that
 * queue's lock, possibly in an interrupt. Returns whether it counts as
 * a wake-up of an exclusive waiter (EPOLLEXCLUSIVE).
 */
static int ep_poll_callback(wait_queue_entry_t *wait, unsigned int mode, void *key)
{
	struct eppoll_entry *pwq = container_of(wait, struct eppoll_entry, wait);
	struct epitem *epi = pwq->base;
	struct eventpoll *ep = epi->ep;
	__poll_t pollflags = key_to_poll(key);
	unsigned long flags;
	bool pwake = false;
	int ewake = 0;

	spin_lock_irqsave(&ep->lock, flags);
	/* Disarmed by EPOLLONESHOT: nothing to report until EPOLL_CTL_MOD. */
	if (!(epi->event.events & ~EP_PRIVATE_BITS))
		goto out_unlock;
	/* The waker said what happened, and it is not what this item waits for. */
	if (pollflags && !(pollflags & epi->event.events & ~EP_PRIVATE_BITS) &&
	    !(pollflags & POLLFREE))
		goto out_unlock;
	if (list_empty(&epi->rdllink))
		list_add_tail(&epi->rdllink, &ep->rdllist);
	ewake = 1;
	if (waitqueue_active(&ep->wq))
		wake_up(&ep->wq);
	pwake = waitqueue_active(&ep->poll_wait);
out_unlock:
	spin_unlock_irqrestore(&ep->lock, flags);
	if (pwake)
		ep_poll_safewake(ep, epi);
	if (!(epi->event.events & EPOLLEXCLUSIVE))
		ewake = 1;
	if (pollflags & POLLFREE) {
		/*
		 * The queue is being freed: off it now, and tell
		 * ep_remove_wait_queue() (release: after the unlink). Nothing
		 * of pwq is touched after the store.
		 */
		list_del_init(&wait->entry);
		smp_store_release(&pwq->whead, NULL);
	}
	return ewake;
}

/* ---------------- registration ---------------- */

struct ep_pqueue {
	poll_table pt;
	struct epitem *epi;	/* NULL once an entry could not be allocated */
};

/* ->poll named a queue the item must hang on. */
static void ep_ptable_queue_proc(struct file *file, wait_queue_head_t *whead, poll_table *pt)
{
	struct ep_pqueue *epq = container_of(pt, struct ep_pqueue, pt);
	struct epitem *epi = epq->epi;
	struct eppoll_entry *pwq;

	if (!epi)
		return;
	pwq = kzalloc(sizeof(*pwq), GFP_KERNEL);
	if (!pwq) {
		epq->epi = NULL;
		return;
	}
	pwq->base = epi;
	pwq->whead = whead;
	pwq->wait.private = NULL;
	pwq->wait.func = ep_poll_callback;
	INIT_LIST_HEAD(&pwq->wait.entry);
	if (epi->event.events & EPOLLEXCLUSIVE)
		add_wait_queue_exclusive(whead, &pwq->wait);
	else
		add_wait_queue(whead, &pwq->wait);
	pwq->next = epi->pwqlist;
	epi->pwqlist = pwq;
}

static void ep_remove_wait_queue(struct eppoll_entry *pwq)
{
	wait_queue_head_t *whead;

	rcu_read_lock();
	/* POLLFREE may have emptied it: then the queue may be freed after this section. */
	whead = smp_load_acquire(&pwq->whead);
	if (whead)
		remove_wait_queue(whead, &pwq->wait);
	rcu_read_unlock();
}

/* Off every queue: after this no callback runs for epi. ep->mtx held. */
static void ep_unregister_pollwait(struct epitem *epi)
{
	while (epi->pwqlist) {
		struct eppoll_entry *pwq = epi->pwqlist;

		epi->pwqlist = pwq->next;
		ep_remove_wait_queue(pwq);
		kfree(pwq);
	}
}

static __poll_t __ep_eventpoll_poll(struct file *file, poll_table *wait, int depth);

/* What epi's file has now of what epi waits for; pt may register. ep->mtx held. */
static __poll_t ep_item_poll(struct epitem *epi, poll_table *pt, int depth)
{
	struct file *file = epi->file;
	__poll_t res;

	pt->_key = epi->event.events;
	if (is_file_epoll(file))
		res = __ep_eventpoll_poll(file, pt, depth);
	else
		res = vfs_poll(file, pt);
	return res & epi->event.events;
}

/* ---------------- the item tree ---------------- */

static int ep_cmp(struct file *f1, int fd1, struct file *f2, int fd2)
{
	if (f1 != f2)
		return f1 > f2 ? 1 : -1;
	return fd1 - fd2;
}

static struct epitem *ep_find(struct eventpoll *ep, struct file *file, int fd)
{
	struct rb_node *n = ep->rbr.rb_node;

	while (n) {
		struct epitem *epi = rb_entry(n, struct epitem, rbn);
		int c = ep_cmp(file, fd, epi->file, epi->fd);

		if (c > 0)
			n = n->rb_right;
		else if (c < 0)
			n = n->rb_left;
		else
			return epi;
	}
	return NULL;
}

static void ep_rbtree_insert(struct eventpoll *ep, struct epitem *epi)
{
	struct rb_node **p = &ep->rbr.rb_node, *parent = NULL;

	while (*p) {
		struct epitem *e = rb_entry(*p, struct epitem, rbn);

		parent = *p;
		if (ep_cmp(epi->file, epi->fd, e->file, e->fd) > 0)
			p = &parent->rb_right;
		else
			p = &parent->rb_left;
	}
	rb_link_node(&epi->rbn, parent, p);
	rb_insert_color(&epi->rbn, &ep->rbr);
}

/*
 * Remove epi from ep. ep->mtx held. Unless force, an item whose file is
 * being released (dying) is left to that release, which holds it.
 * Returns true when this dropped the last reference to ep (the caller
 * frees it after unlocking).
 */
static bool __ep_remove(struct eventpoll *ep, struct epitem *epi, bool force)
{
	struct file *file = epi->file;
	unsigned long flags;

	ep_unregister_pollwait(epi);
	spin_lock(&file->f_lock);
	if (epi->dying && !force) {
		spin_unlock(&file->f_lock);
		return false;
	}
	hlist_del_init(&epi->fllink);
	spin_unlock(&file->f_lock);
	rb_erase(&epi->rbn, &ep->rbr);
	spin_lock_irqsave(&ep->lock, flags);
	if (!list_empty(&epi->rdllink))
		list_del_init(&epi->rdllink);
	spin_unlock_irqrestore(&ep->lock, flags);
	kfree(epi);
	atomic_long_dec(&ep_nr_watches);
	/* The caller still holds a reference to ep (its file, or the dying item's release). */
	return refcount_dec_and_test(&ep->refcount);
}

/* EPOLL_CTL_DEL and failed inserts: the caller holds a reference to ep. */
static void ep_remove(struct eventpoll *ep, struct epitem *epi)
{
	WARN_ON(__ep_remove(ep, epi, false));
}

void eventpoll_release_file(struct file *file)
{
	for (;;) {
		struct eventpoll *ep;
		struct epitem *epi;
		bool dispose;

		spin_lock(&file->f_lock);
		if (!file->f_ep.first) {
			spin_unlock(&file->f_lock);
			return;
		}
		epi = hlist_entry(file->f_ep.first, struct epitem, fllink);
		epi->dying = true;	/* the instance's own release leaves it to us */
		spin_unlock(&file->f_lock);
		/* epi holds a reference on ep: ep stays valid even if its file is closing. */
		ep = epi->ep;
		mutex_lock(&ep->mtx);
		dispose = __ep_remove(ep, epi, true);
		mutex_unlock(&ep->mtx);
		if (dispose)
			ep_free(ep);
	}
}

/* ---------------- scanning the ready list ---------------- */

/* Take the ready list for a scan. ep->mtx held. */
static void ep_start_scan(struct eventpoll *ep, struct list_head *txlist)
{
	unsigned long flags;

	spin_lock_irqsave(&ep->lock, flags);
	list_splice_init(&ep->rdllist, txlist);
	spin_unlock_irqrestore(&ep->lock, flags);
}

/*
 * The next item of a scan, taken off txlist under ep->lock: from then on
 * a wake-up puts it back on the ready list, so none is lost between our
 * ->poll and the end of the scan.
 */
static struct epitem *ep_next_scanned(struct eventpoll *ep, struct list_head *txlist)
{
	struct epitem *epi = NULL;
	unsigned long flags;

	spin_lock_irqsave(&ep->lock, flags);
	if (!list_empty(txlist)) {
		epi = list_first_entry(txlist, struct epitem, rdllink);
		list_del_init(&epi->rdllink);
	}
	spin_unlock_irqrestore(&ep->lock, flags);
	return epi;
}

/* Make epi ready again (at the head: it goes first next time). */
static void ep_requeue(struct eventpoll *ep, struct epitem *epi, struct list_head *where, bool head)
{
	unsigned long flags;

	spin_lock_irqsave(&ep->lock, flags);
	if (list_empty(&epi->rdllink)) {
		if (head)
			list_add(&epi->rdllink, where);
		else
			list_add_tail(&epi->rdllink, where);
	}
	spin_unlock_irqrestore(&ep->lock, flags);
}

/* Items not scanned go back in front of those that became ready meanwhile. */
static void ep_done_scan(struct eventpoll *ep, struct list_head *txlist)
{
	unsigned long flags;
	bool pwake = false;

	spin_lock_irqsave(&ep->lock, flags);
	list_splice(txlist, &ep->rdllist);
	INIT_LIST_HEAD(txlist);
	if (!list_empty(&ep->rdllist)) {
		if (waitqueue_active(&ep->wq))
			wake_up(&ep->wq);
		pwake = waitqueue_active(&ep->poll_wait);
	}
	spin_unlock_irqrestore(&ep->lock, flags);
	if (pwake)
		ep_poll_safewake(ep, NULL);
}

/*
 * The epoll file's own ->poll (depth: how deep in a chain of epoll files
 * this one is asked): EPOLLIN when one of its ready items really has
 * events. Items that have none are dropped from the ready list.
 */
static __poll_t __ep_eventpoll_poll(struct file *file, poll_table *wait, int depth)
{
	struct eventpoll *ep = file->private_data;
	LIST_HEAD(txlist);
	struct epitem *epi;
	__poll_t res = 0;
	poll_table pt;

	init_poll_funcptr(&pt, NULL);
	poll_wait(file, &ep->poll_wait, wait);
	mutex_lock_nested(&ep->mtx, depth);
	ep_start_scan(ep, &txlist);
	while ((epi = ep_next_scanned(ep, &txlist))) {
		if (ep_item_poll(epi, &pt, depth + 1)) {
			ep_requeue(ep, epi, &txlist, true);
			res = EPOLLIN | EPOLLRDNORM;
			break;
		}
	}
	ep_done_scan(ep, &txlist);
	mutex_unlock(&ep->mtx);
	return res;
}

static __poll_t ep_eventpoll_poll(struct file *file, poll_table *wait)
{
	return __ep_eventpoll_poll(file, wait, 0);
}

/*
 * Report up to maxevents ready items to user memory. Returns the number
 * reported, or -EFAULT when not even the first could be written (that
 * item stays ready).
 */
static int ep_send_events(struct eventpoll *ep, struct epoll_event __user *events, int maxevents)
{
	LIST_HEAD(txlist);
	struct epitem *epi;
	unsigned long flags;
	poll_table pt;
	int res = 0;

	init_poll_funcptr(&pt, NULL);
	mutex_lock(&ep->mtx);
	ep_start_scan(ep, &txlist);
	while (res < maxevents && (epi = ep_next_scanned(ep, &txlist))) {
		struct epoll_event ev;
		__poll_t revents = ep_item_poll(epi, &pt, 1);

		if (!revents)
			continue;	/* woken, but nothing there (any more) */
		ev.events = revents;
		ev.data = epi->event.data;
		if (copy_to_user(&events[res], &ev, sizeof(ev))) {
			ep_requeue(ep, epi, &txlist, true);
			if (!res)
				res = -EFAULT;
			break;
		}
		res++;
		if (epi->event.events & EPOLLONESHOT) {
			spin_lock_irqsave(&ep->lock, flags);
			epi->event.events &= EP_PRIVATE_BITS;
			spin_unlock_irqrestore(&ep->lock, flags);
		} else if (!(epi->event.events & EPOLLET)) {
			/* Level-triggered: asked again next time, reported while it holds. */
			ep_requeue(ep, epi, &ep->rdllist, false);
		}
	}
	ep_done_scan(ep, &txlist);
	mutex_unlock(&ep->mtx);
	return res;
}

/* ns left until end (0 = no limit given: see callers). */
static s64 ep_time_left(u64 end)
{
	u64 now = ktime_get_ns();

	return now >= end ? 0 : (s64)(end - now);
}

/*
 * epoll_wait's loop. timeout_ns < 0: wait forever; 0: just look.
 * Returns events reported, 0 on timeout, -EINTR on a signal (epoll_wait
 * is never restarted, as Linux), -EFAULT.
 */
static int ep_poll(struct eventpoll *ep, struct epoll_event __user *events, int maxevents,
		   s64 timeout_ns)
{
	u64 end = timeout_ns > 0 ? ktime_get_ns() + (u64)timeout_ns : 0;
	DEFINE_WAIT(wait);
	int res;

	if (timeout_ns == 0)
		return ep_events_available(ep) ? ep_send_events(ep, events, maxevents) : 0;
	for (;;) {
		long jiffies_left = MAX_SCHEDULE_TIMEOUT;

		if (ep_events_available(ep)) {
			res = ep_send_events(ep, events, maxevents);
			if (res)
				return res;
		}
		if (signal_pending(current))
			return -EINTR;
		if (end) {
			s64 left = ep_time_left(end);

			if (!left)
				return 0;
			jiffies_left = (long)(((u64)left * HZ + NSEC_PER_SEC - 1) / NSEC_PER_SEC);
		}
		prepare_to_wait_exclusive(&ep->wq, &wait, TASK_INTERRUPTIBLE);
		/* Tested after queueing: a wake-up in between is not lost. */
		if (!ep_events_available(ep) && !signal_pending(current))
			schedule_timeout(jiffies_left);
		finish_wait(&ep->wq, &wait);
	}
}

/* ---------------- the calls ---------------- */

static int ep_eventpoll_release(struct inode *inode, struct file *file)
{
	struct eventpoll *ep = file->private_data;
	struct rb_node *rbp, *next;
	bool dispose;

	mutex_lock(&ep->mtx);
	for (rbp = rb_first(&ep->rbr); rbp; rbp = next) {
		struct epitem *epi = rb_entry(rbp, struct epitem, rbn);

		next = rb_next(rbp);
		/* A dying item stays; its file's release removes it and may free ep. */
		if (__ep_remove(ep, epi, false))
			WARN_ON(1);	/* the file's reference is still ours */
	}
	dispose = refcount_dec_and_test(&ep->refcount);
	mutex_unlock(&ep->mtx);
	if (dispose)
		ep_free(ep);
	return 0;
}

static const struct file_operations eventpoll_fops = {
	.release = ep_eventpoll_release,
	.poll = ep_eventpoll_poll,
	.llseek = noop_llseek,
};

static int do_epoll_create(int flags)
{
	struct eventpoll *ep;
	int fd;

	if (flags & ~EPOLL_CLOEXEC)
		return -EINVAL;
	ep = ep_alloc();
	if (!ep)
		return -ENOMEM;
	fd = anon_inode_getfd("[eventpoll]", &eventpoll_fops, ep, O_RDWR | (flags & O_CLOEXEC));
	if (fd < 0)
		ep_free(ep);
	return fd;
}

SYSCALL_DEFINE1(epoll_create1, int, flags)
{
	return do_epoll_create(flags);
}

SYSCALL_DEFINE1(epoll_create, int, size)
{
	if (size <= 0)
		return -EINVAL;
	return do_epoll_create(0);
}

static int ep_insert(struct eventpoll *ep, const struct epoll_event *event, struct file *tfile,
		     int fd)
{
	struct ep_pqueue epq;
	struct epitem *epi;
	unsigned long flags;
	__poll_t revents;
	bool pwake = false;

	if (atomic_long_inc_return(&ep_nr_watches) > max_user_watches) {
		atomic_long_dec(&ep_nr_watches);
		return -ENOSPC;
	}
	epi = kzalloc(sizeof(*epi), GFP_KERNEL);
	if (!epi) {
		atomic_long_dec(&ep_nr_watches);
		return -ENOMEM;
	}
	INIT_LIST_HEAD(&epi->rdllink);
	epi->ep = ep;
	epi->file = tfile;
	epi->fd = fd;
	epi->event = *event;
	refcount_inc(&ep->refcount);
	spin_lock(&tfile->f_lock);
	hlist_add_head(&epi->fllink, &tfile->f_ep);
	spin_unlock(&tfile->f_lock);
	ep_rbtree_insert(ep, epi);

	/* Hang on the file's queues and learn what is ready now. */
	epq.epi = epi;
	init_poll_funcptr(&epq.pt, ep_ptable_queue_proc);
	revents = ep_item_poll(epi, &epq.pt, 1);
	if (!epq.epi) {
		ep_remove(ep, epi);
		return -ENOMEM;
	}
	spin_lock_irqsave(&ep->lock, flags);
	if (revents && list_empty(&epi->rdllink)) {
		list_add_tail(&epi->rdllink, &ep->rdllist);
		if (waitqueue_active(&ep->wq))
			wake_up(&ep->wq);
		pwake = waitqueue_active(&ep->poll_wait);
	}
	spin_unlock_irqrestore(&ep->lock, flags);
	if (pwake)
		ep_poll_safewake(ep, NULL);
	return 0;
}

static int ep_modify(struct eventpoll *ep, struct epitem *epi, const struct epoll_event *event)
{
	unsigned long flags;
	bool pwake = false;
	poll_table pt;

	init_poll_funcptr(&pt, NULL);
	spin_lock_irqsave(&ep->lock, flags);
	epi->event.events = event->events;
	spin_unlock_irqrestore(&ep->lock, flags);
	epi->event.data = event->data;
	/* Ready now? The item's queues are unchanged; a later wake-up is caught as usual. */
	if (ep_item_poll(epi, &pt, 1)) {
		spin_lock_irqsave(&ep->lock, flags);
		if (list_empty(&epi->rdllink)) {
			list_add_tail(&epi->rdllink, &ep->rdllist);
			if (waitqueue_active(&ep->wq))
				wake_up(&ep->wq);
			pwake = waitqueue_active(&ep->poll_wait);
		}
		spin_unlock_irqrestore(&ep->lock, flags);
	}
	if (pwake)
		ep_poll_safewake(ep, NULL);
	return 0;
}

/*
 * Would watching epoll file to from ep make a loop, or a chain deeper
 * than EP_MAX_NESTS? Walks the epoll files `to' watches, depth first.
 * epnested_mutex held.
 */
static int ep_loop_check_proc(struct eventpoll *ep, int depth)
{
	struct rb_node *rbp;
	int error = 0;

	mutex_lock_nested(&ep->mtx, depth + 1);
	ep->gen = loop_check_gen;
	for (rbp = rb_first(&ep->rbr); rbp; rbp = rb_next(rbp)) {
		struct epitem *epi = rb_entry(rbp, struct epitem, rbn);
		struct eventpoll *child;

		if (!is_file_epoll(epi->file))
			continue;
		child = epi->file->private_data;
		if (child->gen == loop_check_gen)
			continue;	/* seen on this check */
		if (child == inserting_into || depth > EP_MAX_NESTS)
			error = -1;
		else
			error = ep_loop_check_proc(child, depth + 1);
		if (error)
			break;
	}
	mutex_unlock(&ep->mtx);
	return error;
}

static int ep_loop_check(struct eventpoll *ep, struct file *to)
{
	inserting_into = ep;
	loop_check_gen++;
	return ep_loop_check_proc(to->private_data, 0);
}

static bool ep_op_has_event(int op)
{
	return op != EPOLL_CTL_DEL;
}

/* epoll_ctl on a kernel copy of the event (NULL for EPOLL_CTL_DEL). */
static int do_epoll_ctl(int epfd, int op, int fd, struct epoll_event *epds)
{
	struct file *f, *tf;
	struct eventpoll *ep;
	struct epitem *epi;
	bool nested = false;
	int error = -EBADF;

	f = fget(epfd);
	if (!f)
		return -EBADF;
	tf = fget(fd);
	if (!tf)
		goto out_f;
	/* Only files with a ->poll can be watched (not regular files or directories). */
	error = -EPERM;
	if (!tf->f_op->poll)
		goto out_tf;
	/* EPOLLWAKEUP needs CAP_BLOCK_SUSPEND; without it the bit is dropped, as Linux. */
	if (ep_op_has_event(op) && (epds->events & EPOLLWAKEUP) && !capable(CAP_BLOCK_SUSPEND))
		epds->events &= ~EPOLLWAKEUP;
	error = -EINVAL;
	if (f == tf || !is_file_epoll(f))
		goto out_tf;
	if (ep_op_has_event(op) && (epds->events & EPOLLEXCLUSIVE)) {
		if (op == EPOLL_CTL_MOD)
			goto out_tf;
		if (op == EPOLL_CTL_ADD &&
		    (is_file_epoll(tf) || (epds->events & ~EPOLLEXCLUSIVE_OK_BITS)))
			goto out_tf;
	}
	ep = f->private_data;
	if (op == EPOLL_CTL_ADD && is_file_epoll(tf)) {
		mutex_lock(&epnested_mutex);
		nested = true;
		error = -ELOOP;
		if (ep_loop_check(ep, tf))
			goto out_nested;
	}
	mutex_lock(&ep->mtx);
	epi = ep_find(ep, tf, fd);
	switch (op) {
	case EPOLL_CTL_ADD:
		if (epi) {
			error = -EEXIST;
			break;
		}
		epds->events |= EPOLLERR | EPOLLHUP;	/* always reported */
		error = ep_insert(ep, epds, tf, fd);
		break;
	case EPOLL_CTL_DEL:
		if (!epi) {
			error = -ENOENT;
			break;
		}
		ep_remove(ep, epi);
		error = 0;
		break;
	case EPOLL_CTL_MOD:
		if (!epi) {
			error = -ENOENT;
			break;
		}
		if (epi->event.events & EPOLLEXCLUSIVE) {
			error = -EINVAL;
			break;
		}
		epds->events |= EPOLLERR | EPOLLHUP;
		error = ep_modify(ep, epi, epds);
		break;
	default:
		error = -EINVAL;
	}
	mutex_unlock(&ep->mtx);
out_nested:
	if (nested)
		mutex_unlock(&epnested_mutex);
out_tf:
	fput(tf);
out_f:
	fput(f);
	return error;
}

SYSCALL_DEFINE4(epoll_ctl, int, epfd, int, op, int, fd, struct epoll_event __user *, event)
{
	struct epoll_event epds;

	if (ep_op_has_event(op) && copy_from_user(&epds, event, sizeof(epds)))
		return -EFAULT;
	return do_epoll_ctl(epfd, op, fd, &epds);
}

static int do_epoll_wait(int epfd, struct epoll_event __user *events, int maxevents,
			 s64 timeout_ns)
{
	struct file *f;
	int error;

	if (maxevents <= 0 || (unsigned long)maxevents > EP_MAX_EVENTS)
		return -EINVAL;
	if (!access_ok(events, (unsigned long)maxevents * sizeof(struct epoll_event)))
		return -EFAULT;
	f = fget(epfd);
	if (!f)
		return -EBADF;
	error = -EINVAL;
	if (is_file_epoll(f))
		error = ep_poll(f->private_data, events, maxevents, timeout_ns);
	fput(f);
	return error;
}

static s64 ep_timeout_ms(int timeout)
{
	return timeout < 0 ? -1 : (s64)timeout * (s64)NSEC_PER_MSEC;
}

SYSCALL_DEFINE4(epoll_wait, int, epfd, struct epoll_event __user *, events, int, maxevents,
		int, timeout)
{
	return do_epoll_wait(epfd, events, maxevents, ep_timeout_ms(timeout));
}

static int do_epoll_pwait(int epfd, struct epoll_event __user *events, int maxevents,
			  s64 timeout_ns, const sigset_t __user *sigmask, size_t sigsetsize)
{
	int error = set_user_sigmask(sigmask, sigsetsize);

	if (error)
		return error;
	error = do_epoll_wait(epfd, events, maxevents, timeout_ns);
	restore_user_sigmask(sigmask, error == -EINTR);
	return error;
}

SYSCALL_DEFINE6(epoll_pwait, int, epfd, struct epoll_event __user *, events, int, maxevents,
		int, timeout, const sigset_t __user *, sigmask, size_t, sigsetsize)
{
	return do_epoll_pwait(epfd, events, maxevents, ep_timeout_ms(timeout), sigmask,
			      sigsetsize);
}

SYSCALL_DEFINE6(epoll_pwait2, int, epfd, struct epoll_event __user *, events, int, maxevents,
		const struct __kernel_timespec __user *, timeout, const sigset_t __user *, sigmask,
		size_t, sigsetsize)
{
	s64 timeout_ns = -1;

	if (timeout) {
		struct __kernel_timespec ts;
		int err = get_timespec(&ts, timeout);	/* EFAULT, or EINVAL for a bad one */
		u64 ns;

		if (err)
			return err;
		ns = timespec_to_ns_sat(&ts);
		timeout_ns = ns > (u64)(~0ULL >> 2) ? (s64)(~0ULL >> 2) : (s64)ns;
	}
	return do_epoll_pwait(epfd, events, maxevents, timeout_ns, sigmask, sigsetsize);
}

/* Linux's max_user_watches: 4% of memory's worth of items. */
static int eventpoll_init(void)
{
	max_user_watches = (long)(totalram_bytes / 25 /
				  (sizeof(struct epitem) + sizeof(struct eppoll_entry)));
	return 0;
}
late_initcall(eventpoll_init);
