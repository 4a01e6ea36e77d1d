/*
 * RCU tests (suite rcu): grace periods complete (also with every CPU
 * idle), synchronize_rcu() waits for readers that began before it, every
 * call_rcu() callback runs exactly once and only after the readers that
 * could see its object, rcu_barrier() waits for callbacks, the rculist
 * helpers under concurrent updates, and the reports for misuse.
 *
 * They run in the init task (CPU 0) and pass on one CPU or several; every
 * wait is bounded, so a lost grace period fails a test instead of hanging
 * the run. Loops are bounded in iterations to keep TCG runs short.
 */
#include <kestrel/atomic.h>
#include <kestrel/errno.h>
#include <kestrel/kthread.h>
#include <kestrel/ktest.h>
#include <kestrel/lockdep.h>
#include <kestrel/mutex.h>
#include <kestrel/rcupdate.h>
#include <kestrel/rculist.h>
#include <kestrel/sched.h>
#include <kestrel/slab.h>
#include <kestrel/smp.h>
#include <kestrel/spinlock.h>
#include <kestrel/string.h>
#include <kestrel/time.h>
#include <kestrel/timer.h>

#define RCU_TEST_TIMEOUT_MS 20000	/* a wait this long means a lost grace period */

#define MAGIC_ALIVE 0x600dcafe5eedULL
#define MAGIC_POISON 0xdeadbeefdeadULL

/* ---- helpers: one kthread per active CPU ---- */

struct cpu_threads {
	struct task_struct *task[NR_CPUS];
	unsigned int n;
};

/* Start fn(arg) bound to each active CPU; false (nothing left running) on failure. */
static bool start_per_cpu(struct cpu_threads *ct, int (*fn)(void *), void *arg,
			  const char *name)
{
	unsigned int cpu;
	cpumask_t active = sched_cpus_active();

	ct->n = 0;
	for_each_cpu(cpu, active) {
		struct task_struct *k = kthread_create(fn, arg, "%s/%u", name, cpu);

		if (IS_ERR(k)) {
			for (unsigned int i = 0; i < ct->n; i++)
				kthread_stop(ct->task[i]);
			return false;
		}
		kthread_bind(k, cpu);
		ct->task[ct->n++] = k;
	}
	for (unsigned int i = 0; i < ct->n; i++)
		wake_up_process(ct->task[i]);
	return true;
}

/* Stop them all; returns the sum of their exit codes. */
static int stop_per_cpu(struct cpu_threads *ct)
{
	int sum = 0;

	for (unsigned int i = 0; i < ct->n; i++)
		sum += kthread_stop(ct->task[i]);
	return sum;
}

static unsigned int last_active_cpu(void)
{
	cpumask_t m = sched_cpus_active();
	unsigned int cpu, last = 0;

	for_each_cpu(cpu, m)
		last = cpu;
	return last;
}

/* Poll cond (sleeping between polls) until true or RCU_TEST_TIMEOUT_MS passed; returns cond. */
#define wait_until(cond)                                                             \
	({                                                                           \
		u64 __end = ktime_get_ns() + (u64)RCU_TEST_TIMEOUT_MS * NSEC_PER_MSEC;  \
		while (!(cond) && ktime_get_ns() < __end)                            \
			msleep(1);                                                   \
		(cond);                                                              \
	})

/* ---- grace periods ---- */

KTEST(rcu, synchronize_completes_grace_periods)
{
	unsigned long before = rcu_gp_completed();

	for (int i = 0; i < 5; i++) {
		unsigned long cookie = get_state_synchronize_rcu();

		synchronize_rcu();
		KEXPECT(poll_state_synchronize_rcu(cookie));
	}
	/* Each call needs a GP that started after it: at least one per call. */
	KEXPECT(rcu_gp_completed() >= before + 5);
}

KTEST(rcu, grace_period_with_all_cpus_idle)
{
	unsigned long cookie = start_poll_synchronize_rcu();

	KEXPECT(!poll_state_synchronize_rcu(get_state_synchronize_rcu()));
	/* Sleeping: this CPU runs its idle task, like every other CPU. */
	KEXPECT(wait_until(poll_state_synchronize_rcu(cookie)));
	/* And again, with nothing else asking for grace periods meanwhile. */
	msleep(20);
	cookie = start_poll_synchronize_rcu();
	KEXPECT(wait_until(poll_state_synchronize_rcu(cookie)));
}

/*
 * CPUs that are never idle and almost always in a reader (or with
 * preemption off) must not hold grace periods up: the tick rarely lands
 * between two sections. 10 s is generous (a GP takes a few ticks); a
 * CPU that never reports would take the stall timeout (21 s) or forever.
 */
static int busy_mode;	/* 0: back-to-back readers, 1: back-to-back preempt-off sections */

static int busy_fn(void *arg)
{
	(void)arg;
	while (!kthread_should_stop()) {
		for (int i = 0; i < 200; i++) {
			if (READ_ONCE(busy_mode) == 0) {
				rcu_read_lock();
				udelay(20);
				rcu_read_unlock();
			} else {
				preempt_disable();
				udelay(20);
				preempt_enable();
			}
		}
	}
	return 0;
}

KTEST(rcu, grace_periods_with_busy_cpus)
{
	for (int mode = 0; mode < 2; mode++) {
		struct cpu_threads ct;

		WRITE_ONCE(busy_mode, mode);
		KASSERT(start_per_cpu(&ct, busy_fn, NULL, "rcu-busy"));
		msleep(20);	/* they are running */
		for (int i = 0; i < 3; i++) {
			u64 t0 = ktime_get_ns();

			synchronize_rcu();
			KEXPECT(ktime_get_ns() - t0 < 10 * NSEC_PER_SEC);
		}
		stop_per_cpu(&ct);
	}
}

/* ---- a reader that began before synchronize_rcu() ends before it returns ---- */

struct long_reader {
	int started;
	int finished;
	unsigned int hold_ms;
	unsigned long cookie;	/* if request_gp: a GP asked for inside the section */
	bool request_gp;
};

static int long_reader_fn(void *arg)
{
	struct long_reader *r = arg;

	rcu_read_lock();
	if (r->request_gp)
		r->cookie = start_poll_synchronize_rcu();	/* it cannot end before we do */
	WRITE_ONCE(r->started, 1);
	mdelay(r->hold_ms);	/* busy: a reader must not sleep */
	WRITE_ONCE(r->finished, 1);
	rcu_read_unlock();
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

KTEST(rcu, synchronize_waits_for_earlier_reader)
{
	static const unsigned int holds[] = { 5, 30, 80 };

	for (unsigned int i = 0; i < ARRAY_SIZE(holds); i++) {
		struct long_reader r = { .hold_ms = holds[i] };
		struct task_struct *k = kthread_create(long_reader_fn, &r, "rcu-reader");

		KASSERT(!IS_ERR(k));
		kthread_bind(k, last_active_cpu());
		wake_up_process(k);
		KEXPECT(wait_until(READ_ONCE(r.started)));
		synchronize_rcu();
		KEXPECT_EQ(READ_ONCE(r.finished), 1);
		kthread_stop(k);
	}
}

/* ---- every callback runs exactly once, in task context ---- */

#define CB_THREADS_MAX 8
#define CB_PER_THREAD 1500

struct cb_obj {
	struct rcu_head head;
	atomic_t runs;
};

static struct cb_obj cb_objs[CB_THREADS_MAX][CB_PER_THREAD];
static atomic_t cb_total;
static atomic_t cb_bad_context;
static atomic_t cb_threads_next;

static void cb_count(struct rcu_head *head)
{
	struct cb_obj *o = container_of(head, struct cb_obj, head);

	if (in_interrupt() || strncmp(current->comm, "rcuc/", 5))
		atomic_inc(&cb_bad_context);
	atomic_inc(&o->runs);
	atomic_inc(&cb_total);
}

static int cb_queue_fn(void *arg)
{
	int slot = atomic_fetch_add(1, &cb_threads_next);

	(void)arg;
	if (slot < CB_THREADS_MAX) {
		for (int i = 0; i < CB_PER_THREAD; i++) {
			call_rcu(&cb_objs[slot][i].head, cb_count);
			if (i % 100 == 99)
				schedule_timeout_interruptible(1);	/* let GPs overlap the queueing */
		}
	}
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return slot < CB_THREADS_MAX ? CB_PER_THREAD : 0;
}

KTEST(rcu, call_rcu_runs_each_callback_once)
{
	struct cpu_threads ct;
	int queued;
	long pending_before = rcu_callbacks_pending();

	memset(cb_objs, 0, sizeof(cb_objs));
	atomic_set(&cb_total, 0);
	atomic_set(&cb_bad_context, 0);
	atomic_set(&cb_threads_next, 0);
	/* Two threads per CPU run on each CPU: several queue on the same CPU at once. */
	KASSERT(start_per_cpu(&ct, cb_queue_fn, NULL, "rcu-cbq"));
	{
		struct cpu_threads ct2;

		KASSERT(start_per_cpu(&ct2, cb_queue_fn, NULL, "rcu-cbq2"));
		KEXPECT(wait_until(atomic_read(&cb_threads_next) >= (int)(ct.n + ct2.n)));
		queued = stop_per_cpu(&ct) + stop_per_cpu(&ct2);
	}
	KEXPECT(queued >= 2 * CB_PER_THREAD);
	rcu_barrier();
	KEXPECT_EQ(atomic_read(&cb_total), queued);
	for (int s = 0; s < CB_THREADS_MAX; s++) {
		bool used = s < queued / CB_PER_THREAD;

		for (int i = 0; i < CB_PER_THREAD; i++) {
			if (!KEXPECT_EQ(atomic_read(&cb_objs[s][i].runs), used ? 1 : 0))
				break;
		}
	}
	KEXPECT_EQ(atomic_read(&cb_bad_context), 0);
	KEXPECT_EQ(rcu_callbacks_pending(), pending_before);
}

/* call_rcu() from an interrupt handler (an IPI) on every CPU. */
static struct rcu_head irq_heads[NR_CPUS];
static atomic_t irq_cb_runs;

static void irq_cb(struct rcu_head *head)
{
	(void)head;
	atomic_inc(&irq_cb_runs);
}

static void queue_from_ipi(void *info)
{
	(void)info;
	call_rcu(&irq_heads[smp_processor_id()], irq_cb);
}

KTEST(rcu, call_rcu_from_interrupt)
{
	atomic_set(&irq_cb_runs, 0);
	on_each_cpu(queue_from_ipi, NULL, true);
	rcu_barrier();
	KEXPECT_EQ(atomic_read(&irq_cb_runs), (int)num_online_cpus());
}

/* ---- rcu_barrier waits for every queued callback ---- */

static atomic_t barrier_runs;

static void slow_cb(struct rcu_head *head)
{
	udelay(200);	/* the barrier must not overtake a slow callback */
	atomic_inc(&barrier_runs);
	kfree(head);
}

static int barrier_queue_fn(void *arg)
{
	int n = 0;

	(void)arg;
	for (int i = 0; i < 50; i++) {
		struct rcu_head *h = kmalloc(sizeof(*h), GFP_KERNEL);

		if (!h)
			break;
		call_rcu(h, slow_cb);
		n++;
	}
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return n;
}

KTEST(rcu, barrier_waits_for_callbacks)
{
	struct cpu_threads ct;
	int queued;

	atomic_set(&barrier_runs, 0);
	KASSERT(start_per_cpu(&ct, barrier_queue_fn, NULL, "rcu-barq"));
	msleep(10);	/* the threads queue and then idle */
	queued = stop_per_cpu(&ct);
	KEXPECT_EQ(queued, 50 * (int)ct.n);
	rcu_barrier();
	KEXPECT_EQ(atomic_read(&barrier_runs), queued);
	/* A barrier with nothing queued returns too. */
	rcu_barrier();
}

/* ---- stress: readers never see a freed object ---- */

struct stress_obj {
	struct rcu_head head;
	u64 pad;
	volatile u64 magic;
	unsigned long seq;
};

static struct stress_obj *stress_gp;	/* published under stress_lock, read under RCU */
static DEFINE_SPINLOCK(stress_lock);	/* serializes stress_gp's updaters */
static atomic_t stress_bad;
static atomic_long_t stress_reads;
static atomic_t stress_freed;

static int stress_reader_fn(void *arg)
{
	long reads = 0;
	unsigned long last_seq = 0;

	(void)arg;
	while (!kthread_should_stop()) {
		struct stress_obj *p;

		rcu_read_lock();
		p = rcu_dereference(stress_gp);
		if (p) {
			if (p->magic != MAGIC_ALIVE)
				atomic_inc(&stress_bad);
			udelay(3);	/* stay on it a while: a premature free shows */
			if (p->magic != MAGIC_ALIVE)
				atomic_inc(&stress_bad);
			/* Publication order: a later object never goes back in time. */
			if (p->seq < last_seq)
				atomic_inc(&stress_bad);
			last_seq = p->seq;
		}
		rcu_read_unlock();
		reads++;
		if ((reads & 63) == 0)
			cond_resched();
	}
	atomic_long_add(reads, &stress_reads);
	return 0;
}

static void stress_free_cb(struct rcu_head *head)
{
	struct stress_obj *o = container_of(head, struct stress_obj, head);

	o->magic = MAGIC_POISON;
	atomic_inc(&stress_freed);
	kfree(o);
}

/* Publish a new object; returns the old one (NULL at first). */
static struct stress_obj *stress_replace(struct stress_obj *n)
{
	struct stress_obj *old;

	spin_lock(&stress_lock);
	old = rcu_dereference_protected(stress_gp, lockdep_is_held(&stress_lock));
	rcu_assign_pointer(stress_gp, n);
	spin_unlock(&stress_lock);
	return old;
}

#define STRESS_UPDATES 400

KTEST(rcu, stress_readers_never_see_freed_object)
{
	struct cpu_threads ct;
	int freed_sync = 0, queued_cb = 0;
	struct stress_obj *old;

	atomic_set(&stress_bad, 0);
	atomic_long_set(&stress_reads, 0);
	atomic_set(&stress_freed, 0);
	KASSERT(start_per_cpu(&ct, stress_reader_fn, NULL, "rcu-rd"));
	for (int i = 1; i <= STRESS_UPDATES; i++) {
		struct stress_obj *n = kzalloc(sizeof(*n), GFP_KERNEL);

		if (!KEXPECT(n != NULL))
			break;
		n->magic = MAGIC_ALIVE;
		n->seq = i;
		old = stress_replace(n);
		if (!old)
			continue;
		if (i % 50 == 0) {
			/* The synchronous way: wait, then poison and free here. */
			synchronize_rcu();
			old->magic = MAGIC_POISON;
			kfree(old);
			freed_sync++;
		} else {
			call_rcu(&old->head, stress_free_cb);
			queued_cb++;
		}
		if (i % 20 == 0)
			msleep(1);	/* readers on this CPU get to run; GPs pass */
	}
	stop_per_cpu(&ct);
	old = stress_replace(NULL);
	if (old) {
		call_rcu(&old->head, stress_free_cb);
		queued_cb++;
	}
	rcu_barrier();
	KEXPECT_EQ(atomic_read(&stress_bad), 0);
	KEXPECT(atomic_long_read(&stress_reads) > 0);
	KEXPECT_EQ(atomic_read(&stress_freed), queued_cb);
	KEXPECT(freed_sync > 0);
}

/* ---- rculist: readers traverse while an updater deletes and inserts ---- */

#define LIST_KEYS 64

struct lnode {
	struct list_head link;		/* in rl_list, sorted by key */
	struct hlist_node hnode;	/* in rl_hash[key % RL_BUCKETS] */
	struct rcu_head head;
	unsigned int key;
	volatile u64 magic;
};

#define RL_BUCKETS 8
static LIST_HEAD(rl_list);			/* written under rl_lock, read under RCU */
static struct hlist_head rl_hash[RL_BUCKETS];	/* same */
static DEFINE_SPINLOCK(rl_lock);		/* serializes updaters of rl_list and rl_hash */
static atomic_t rl_bad;
static atomic_long_t rl_walks;

static int rl_reader_fn(void *arg)
{
	long walks = 0;

	(void)arg;
	while (!kthread_should_stop()) {
		struct lnode *n;
		unsigned int prev = 0, count = 0;
		bool first = true;

		rcu_read_lock();
		list_for_each_entry_rcu(n, &rl_list, link) {
			/* Alive, strictly increasing keys, and the walk ends. */
			if (n->magic != MAGIC_ALIVE || (!first && n->key <= prev) ||
			    ++count > LIST_KEYS) {
				atomic_inc(&rl_bad);
				break;
			}
			prev = n->key;
			first = false;
		}
		for (unsigned int b = 0; b < RL_BUCKETS; b++) {
			hlist_for_each_entry_rcu(n, &rl_hash[b], hnode) {
				if (n->magic != MAGIC_ALIVE || n->key % RL_BUCKETS != b)
					atomic_inc(&rl_bad);
			}
		}
		rcu_read_unlock();
		walks++;
		if ((walks & 15) == 0)
			cond_resched();
	}
	atomic_long_add(walks, &rl_walks);
	return 0;
}

static void rl_free_cb(struct rcu_head *head)
{
	struct lnode *n = container_of(head, struct lnode, head);

	n->magic = MAGIC_POISON;
	kfree(n);
}

/* Insert key in sorted position (rl_lock held); false if present or no memory. */
static bool rl_insert(unsigned int key)
{
	struct lnode *n, *pos;
	struct list_head *after = &rl_list;

	list_for_each_entry(pos, &rl_list, link) {
		if (pos->key == key)
			return false;
		if (pos->key > key)
			break;
		after = &pos->link;
	}
	n = kzalloc(sizeof(*n), GFP_ATOMIC);
	if (!n)
		return false;
	n->key = key;
	n->magic = MAGIC_ALIVE;
	list_add_rcu(&n->link, after);
	hlist_add_head_rcu(&n->hnode, &rl_hash[key % RL_BUCKETS]);
	return true;
}

/* Remove key (rl_lock held); the node is freed after a grace period. */
static bool rl_remove(unsigned int key)
{
	struct lnode *n;

	list_for_each_entry(n, &rl_list, link) {
		if (n->key == key) {
			list_del_rcu(&n->link);
			hlist_del_init_rcu(&n->hnode);
			call_rcu(&n->head, rl_free_cb);
			return true;
		}
	}
	return false;
}

KTEST(rcu, rculist_traversal_under_updates)
{
	struct cpu_threads ct;
	unsigned int x = 12345, changes = 0;
	struct lnode *n, *tmp;

	atomic_set(&rl_bad, 0);
	atomic_long_set(&rl_walks, 0);
	for (unsigned int b = 0; b < RL_BUCKETS; b++)
		INIT_HLIST_HEAD(&rl_hash[b]);
	spin_lock(&rl_lock);
	for (unsigned int k = 0; k < LIST_KEYS; k += 2)
		rl_insert(k);
	spin_unlock(&rl_lock);

	KASSERT(start_per_cpu(&ct, rl_reader_fn, NULL, "rcu-lr"));
	for (int i = 0; i < 1500; i++) {
		x = x * 1103515245 + 12345;	/* a small LCG: which key to flip */
		unsigned int key = (x >> 16) % LIST_KEYS;

		spin_lock(&rl_lock);
		if (rl_remove(key) || rl_insert(key))
			changes++;
		spin_unlock(&rl_lock);
		if (i % 100 == 99)
			msleep(1);
	}
	stop_per_cpu(&ct);

	spin_lock(&rl_lock);
	list_for_each_entry_safe(n, tmp, &rl_list, link) {
		list_del_rcu(&n->link);
		hlist_del_init_rcu(&n->hnode);
		call_rcu(&n->head, rl_free_cb);
	}
	spin_unlock(&rl_lock);
	rcu_barrier();
	KEXPECT_EQ(atomic_read(&rl_bad), 0);
	KEXPECT(atomic_long_read(&rl_walks) > 0);
	KEXPECT(changes > 0);
	for (unsigned int b = 0; b < RL_BUCKETS; b++)
		KEXPECT(hlist_empty(&rl_hash[b]));
}

/* ---- kfree_rcu ---- */

struct kfr_obj {
	u64 data[3];
	struct rcu_head rcu;
};

KTEST(rcu, kfree_rcu_frees_after_grace_period)
{
	long before = rcu_callbacks_pending();

	for (int i = 0; i < 200; i++) {
		struct kfr_obj *o = kmalloc(sizeof(*o), GFP_KERNEL);

		KASSERT(o != NULL);
		kfree_rcu(o, rcu);
	}
	KEXPECT(rcu_callbacks_pending() >= before);
	rcu_barrier();
	/*
	 * Other subsystems queue and retire their own callbacks meanwhile (the
	 * VFS frees dentries and inodes through RCU), so the count need not
	 * come back to `before` exactly; but our 200 must all be gone.
	 */
	KEXPECT(rcu_callbacks_pending() < before + 200);
}

/* ---- read side ---- */

KTEST(rcu, read_lock_nests_and_disables_preemption)
{
	unsigned int base = preempt_count();

	KEXPECT(!rcu_read_lock_held());
	rcu_read_lock();
	rcu_read_lock();
	KEXPECT(rcu_read_lock_held());
	KEXPECT_EQ(preempt_count(), base + 2 * PREEMPT_OFFSET);
	rcu_read_unlock();
	KEXPECT(rcu_read_lock_held());
	rcu_read_unlock();
	KEXPECT(!rcu_read_lock_held());
	KEXPECT_EQ(preempt_count(), base);
}

/* ---- reports for misuse ---- */

#ifdef CONFIG_LOCKDEP

KTEST(rcu, synchronize_in_reader_reported)
{
	unsigned long before;
	const char *r;

	KASSERT(debug_locks);
	before = rcu_gp_completed();
	lockdep_expect_report();
	rcu_read_lock();
	synchronize_rcu();	/* refused: it would wait for its own reader */
	rcu_read_unlock();
	r = lockdep_expect_end();
	KASSERT(r != NULL);
	KEXPECT(strstr(r, "BUG: sleeping in an RCU read-side critical section") != NULL);
	KEXPECT(strstr(r, "synchronize_rcu() would wait for its own reader section") != NULL);
	KEXPECT(strstr(r, "ktest_rcu_synchronize_in_reader_reported") != NULL);
	KEXPECT(debug_locks);
	/* It returned without waiting (it would deadlock on one CPU). */
	KEXPECT(rcu_gp_completed() >= before);
	KEXPECT(!rcu_read_lock_held());
}

static int *suspicious_gp;	/* test pointer: never set */

KTEST(rcu, dereference_outside_reader_reported)
{
	const char *r;
	int *p;

	KASSERT(debug_locks);
	/* Inside a reader: no report. */
	lockdep_expect_report();
	rcu_read_lock();
	p = rcu_dereference(suspicious_gp);
	rcu_read_unlock();
	KEXPECT(lockdep_expect_end() == NULL);
	/* Outside: reported. */
	lockdep_expect_report();
	p = rcu_dereference(suspicious_gp);
	r = lockdep_expect_end();
	KEXPECT(p == NULL);
	KASSERT(r != NULL);
	KEXPECT(strstr(r, "WARNING: suspicious RCU usage") != NULL);
	KEXPECT(strstr(r, "rcu_test.c") != NULL);
}

static LIST_HEAD(check_list);		/* test list: stays empty */
static DEFINE_MUTEX(check_mutex);	/* "protects" check_list for the test */

KTEST(rcu, list_traversal_outside_reader_reported)
{
	struct lnode *n;
	const char *r;
	int seen = 0;

	KASSERT(debug_locks);
	/* A sleeping update-side lock named as the protection: no report. */
	lockdep_expect_report();
	mutex_lock(&check_mutex);
	list_for_each_entry_rcu(n, &check_list, link, lockdep_is_held(&check_mutex))
		seen++;
	mutex_unlock(&check_mutex);
	KEXPECT(lockdep_expect_end() == NULL);
	/* Neither a reader nor a lock: reported. */
	lockdep_expect_report();
	list_for_each_entry_rcu(n, &check_list, link)
		seen++;
	r = lockdep_expect_end();
	KEXPECT_EQ(seen, 0);
	KASSERT(r != NULL);
	KEXPECT(strstr(r, "RCU list traversed outside a reader section") != NULL);
}

KTEST(rcu, stall_reported)
{
	unsigned int old_timeout = rcu_get_stall_timeout_ms();
	struct long_reader r = { .hold_ms = 1200, .request_gp = true };
	struct task_struct *k;
	const char *rep;

	KASSERT(debug_locks);
	rcu_set_stall_timeout_ms(300);
	lockdep_expect_report();
	k = kthread_create(long_reader_fn, &r, "rcu-staller");
	if (!KEXPECT(!IS_ERR(k)))
		goto out;
	kthread_bind(k, last_active_cpu());
	wake_up_process(k);
	KEXPECT(wait_until(READ_ONCE(r.started)));
	KEXPECT(wait_until(poll_state_synchronize_rcu(r.cookie)));
	KEXPECT_EQ(READ_ONCE(r.finished), 1);
	kthread_stop(k);
out:
	rep = lockdep_expect_end();
	rcu_set_stall_timeout_ms(old_timeout);
	KASSERT(rep != NULL);
	KEXPECT(strstr(rep, "WARNING: RCU grace period stall") != NULL);
	KEXPECT(strstr(rep, "CPUs without a quiescent state:") != NULL);
}

#endif /* CONFIG_LOCKDEP */
