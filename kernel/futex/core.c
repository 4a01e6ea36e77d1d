/*
 * The futex core: a hash table of sleepers keyed by struct futex_key
 * (include/kestrel/futex.h says what a key names). kernel/futex/syscalls.c
 * turns user addresses into keys; the ktests call this file directly.
 *
 * A sleeper is a struct futex_q on its stack, queued on the chain of the
 * bucket its key hashes to. Locking:
 *
 *   hb->lock (a spinlock, one per bucket) protects hb->chain and, for every
 *   futex_q on that chain, its list link, key and lock_ptr. Two buckets
 *   (requeue) are taken in address order, the second one nested.
 *   Bucket locks are never taken in interrupt context (timeouts wake the
 *   sleeper through schedule_timeout's timer; the sleeper unqueues itself).
 *
 * No lost wake-ups without reading user memory under the spinlock (a user
 * read may fault and sleep): the waiter first queues itself under hb->lock,
 * drops it, then reads the word. A waker changes the word before it calls
 * futex(FUTEX_WAKE), which takes hb->lock. Either the waker took the lock
 * first, and the waiter's later read (ordered after the waker's write by
 * that lock) sees the new value and returns -EAGAIN, or the waiter was
 * queued first and the waker finds it.
 *
 * Waking (mark_woken): under hb->lock the waker takes a reference on the
 * task, unlinks the futex_q and stores lock_ptr = NULL (release). From that
 * store on, the waiter may return and its futex_q is gone; the waker only
 * touches the task, which its reference keeps alive, and wakes it after
 * dropping the lock. The waiter sleeps while lock_ptr != NULL, so a wake
 * that comes before it sleeps is not lost (it rechecks lock_ptr after
 * setting its state; the wake-up sets TASK_RUNNING after the store).
 *
 * Requeue moves a futex_q to another chain under both locks and changes
 * its lock_ptr there: a waiter unqueueing itself (timeout, signal) locks
 * *lock_ptr and retries if lock_ptr changed meanwhile (unqueue_me).
 */
#include <kestrel/atomic.h>
#include <kestrel/errno.h>
#include <kestrel/futex.h>
#include <kestrel/list.h>
#include <kestrel/might_sleep.h>
#include <kestrel/sched.h>
#include <kestrel/signal.h>
#include <kestrel/spinlock.h>
#include <kestrel/time.h>
#include <kestrel/timer.h>

#define FUTEX_HASH_BITS 8
#define FUTEX_HASH_SIZE (1U << FUTEX_HASH_BITS)
/* Tasks woken per hold of a bucket lock; more wake-ups take another round. */
#define FUTEX_WAKE_BATCH 16

struct futex_hash_bucket {
	spinlock_t lock;		/* protects chain and the futex_q linked on it */
	struct list_head chain;		/* struct futex_q, in queueing order (FIFO wake-ups) */
};

struct futex_q {
	struct list_head list;		/* in hb->chain while queued */
	struct task_struct *task;	/* the sleeper */
	struct futex_key key;		/* may change while queued (requeue), under the lock */
	u32 bitset;			/* FUTEX_WAIT_BITSET's mask */
	spinlock_t *lock_ptr;		/* its bucket's lock; NULL once woken */
};

static struct futex_hash_bucket futex_queues[FUTEX_HASH_SIZE];
static bool futex_queues_ready;		/* set once, with release, after the init below */
static DEFINE_SPINLOCK(futex_init_lock);	/* protects the one-time initialisation */

static void futex_hash_init_once(void)
{
	if (smp_load_acquire(&futex_queues_ready))
		return;
	spin_lock(&futex_init_lock);
	if (!futex_queues_ready) {
		for (unsigned int i = 0; i < FUTEX_HASH_SIZE; i++) {
			spin_lock_init(&futex_queues[i].lock);
			INIT_LIST_HEAD(&futex_queues[i].chain);
		}
		smp_store_release(&futex_queues_ready, true);
	}
	spin_unlock(&futex_init_lock);
}

static bool match_key(const struct futex_key *a, const struct futex_key *b)
{
	return a->object == b->object && a->offset == b->offset;
}

static struct futex_hash_bucket *hash_futex(const struct futex_key *key)
{
	u64 h = (u64)(unsigned long)key->object * 0x9e3779b97f4a7c15ULL;

	h ^= (u64)key->offset * 0xc2b2ae3d27d4eb4fULL;
	futex_hash_init_once();
	return &futex_queues[(h ^ (h >> 29)) >> (64 - FUTEX_HASH_BITS)];
}

/* ---- queueing ---- */

static void queue_me(struct futex_q *q, struct futex_hash_bucket *hb)
{
	spin_lock(&hb->lock);
	q->lock_ptr = &hb->lock;
	list_add_tail(&q->list, &hb->chain);
	spin_unlock(&hb->lock);
}

/*
 * Take q off its chain if it is still queued. Returns 1 if it was (not
 * woken), 0 if a waker already took it.
 */
static int unqueue_me(struct futex_q *q)
{
	spinlock_t *lock_ptr;

	for (;;) {
		lock_ptr = smp_load_acquire(&q->lock_ptr);
		if (!lock_ptr)
			return 0;
		spin_lock(lock_ptr);
		/* A requeue may have moved q to another bucket meanwhile. */
		if (lock_ptr == q->lock_ptr)
			break;
		spin_unlock(lock_ptr);
	}
	list_del_init(&q->list);
	q->lock_ptr = NULL;
	spin_unlock(lock_ptr);
	return 1;
}

struct wake_batch {
	int n;
	struct task_struct *tasks[FUTEX_WAKE_BATCH];
};

/* Unlink q and hand its task to the batch (see the header comment). hb->lock held. */
static void mark_woken(struct wake_batch *wb, struct futex_q *q)
{
	struct task_struct *p = q->task;

	get_task_struct(p);
	list_del_init(&q->list);
	smp_store_release(&q->lock_ptr, NULL);
	wb->tasks[wb->n++] = p;
}

/* Wake the batch's tasks; no bucket lock held. */
static void wake_batch_run(struct wake_batch *wb)
{
	for (int i = 0; i < wb->n; i++) {
		wake_up_process(wb->tasks[i]);
		put_task_struct(wb->tasks[i]);
	}
	wb->n = 0;
}

/* ---- waiting ---- */

/*
 * Sleep until woken (lock_ptr NULL), the deadline, or a signal. Returns 0,
 * -ETIMEDOUT or -ERESTARTSYS; the caller unqueues on the latter two.
 */
static int futex_sleep(struct futex_q *q, u64 deadline_ns)
{
	const u64 ns_per_tick = NSEC_PER_SEC / HZ;

	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!smp_load_acquire(&q->lock_ptr))
			break;
		if (signal_pending(current)) {
			__set_current_state(TASK_RUNNING);
			return -ERESTARTSYS;
		}
		if (deadline_ns) {
			u64 now = ktime_get_ns();

			if (now >= deadline_ns) {
				__set_current_state(TASK_RUNNING);
				return -ETIMEDOUT;
			}
			schedule_timeout((long)DIV_ROUND_UP(deadline_ns - now, ns_per_tick));
		} else {
			schedule();
		}
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

int futex_wait_key(const struct futex_key *key, futex_read_fn read, const void *addr, u32 val,
		   u32 bitset, u64 deadline_ns)
{
	struct futex_hash_bucket *hb = hash_futex(key);
	struct futex_q q = { .task = current, .key = *key, .bitset = bitset };
	u32 cur;
	int ret;

	might_sleep();
	if (!bitset)
		return -EINVAL;
	INIT_LIST_HEAD(&q.list);
	queue_me(&q, hb);
	/* Read only now that we are queued: see "No lost wake-ups" above. */
	ret = read(addr, &cur);
	if (!ret && cur != val)
		ret = -EAGAIN;
	if (ret) {
		/* A waker that took us anyway has woken a task that returns at once: harmless. */
		unqueue_me(&q);
		return ret;
	}
	ret = futex_sleep(&q, deadline_ns);
	if (ret && !unqueue_me(&q))
		ret = 0;	/* woken while giving up: the wake-up counts */
	return ret;
}

/* ---- waking ---- */

int futex_wake_key(const struct futex_key *key, int nr, u32 bitset)
{
	struct futex_hash_bucket *hb = hash_futex(key);
	struct wake_batch wb = { .n = 0 };
	struct futex_q *q, *next;
	int woken = 0;
	bool more;

	if (!bitset)
		return -EINVAL;
	do {
		more = false;
		spin_lock(&hb->lock);
		list_for_each_entry_safe(q, next, &hb->chain, list) {
			if (!match_key(&q->key, key) || !(q->bitset & bitset))
				continue;
			if (woken >= nr)
				break;
			if (wb.n == FUTEX_WAKE_BATCH) {
				more = true;
				break;
			}
			mark_woken(&wb, q);
			woken++;
		}
		spin_unlock(&hb->lock);
		wake_batch_run(&wb);
	} while (more);
	return woken;
}

/* Lock two buckets in address order (one if they are the same). */
static void double_lock_hb(struct futex_hash_bucket *a, struct futex_hash_bucket *b)
{
	if (a > b) {
		struct futex_hash_bucket *t = a;

		a = b;
		b = t;
	}
	spin_lock(&a->lock);
	if (a != b)
		spin_lock_nested(&b->lock, 1);
}

static void double_unlock_hb(struct futex_hash_bucket *a, struct futex_hash_bucket *b)
{
	spin_unlock(&a->lock);
	if (a != b)
		spin_unlock(&b->lock);
}

/* Move q from hb1 to key2's bucket hb2. Both locks held. */
static void requeue_q(struct futex_q *q, struct futex_hash_bucket *hb2,
		      const struct futex_key *key2)
{
	list_del(&q->list);
	list_add_tail(&q->list, &hb2->chain);
	q->key = *key2;
	smp_store_release(&q->lock_ptr, &hb2->lock);
}

int futex_requeue_key(const struct futex_key *key1, const struct futex_key *key2, int nr_wake,
		      int nr_requeue)
{
	struct futex_hash_bucket *hb1 = hash_futex(key1), *hb2 = hash_futex(key2);
	struct wake_batch wb = { .n = 0 };
	struct futex_q *q, *next;
	int woken = 0, requeued = 0;
	bool more;

	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	do {
		more = false;
		double_lock_hb(hb1, hb2);
		list_for_each_entry_safe(q, next, &hb1->chain, list) {
			if (!match_key(&q->key, key1))
				continue;
			if (woken < nr_wake) {
				if (wb.n == FUTEX_WAKE_BATCH) {
					more = true;
					break;
				}
				mark_woken(&wb, q);
				woken++;
				continue;
			}
			if (requeued >= nr_requeue)
				break;
			/* The same key (or bucket): moving to the tail would revisit it. */
			if (match_key(key1, key2) || hb1 == hb2) {
				if (match_key(key1, key2)) {
					requeued++;
					continue;
				}
				q->key = *key2;
				requeued++;
				continue;
			}
			requeue_q(q, hb2, key2);
			requeued++;
		}
		double_unlock_hb(hb1, hb2);
		wake_batch_run(&wb);
	} while (more);
	return woken + requeued;
}

int futex_waiters_key(const struct futex_key *key)
{
	struct futex_hash_bucket *hb = hash_futex(key);
	struct futex_q *q;
	int n = 0;

	spin_lock(&hb->lock);
	list_for_each_entry(q, &hb->chain, list)
		n += match_key(&q->key, key);
	spin_unlock(&hb->lock);
	return n;
}
