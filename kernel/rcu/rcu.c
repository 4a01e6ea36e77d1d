/*
 * RCU grace periods and callbacks (the API: include/kestrel/rcupdate.h;
 * the idea: docs/rcu.md).
 *
 * Flavour: RCU-sched. A reader runs with preemption disabled, so a CPU is
 * outside every reader ("in a quiescent state", QS) whenever it
 *   - switches tasks (rcu_note_context_switch, from schedule()),
 *   - takes a tick that interrupted code with preempt_count 0, or user
 *     mode (rcu_sched_clock_irq),
 *   - is idle (rcu_idle_enter .. rcu_idle_exit: an "extended" QS that
 *     lasts, so an idle CPU never has to report anything).
 *
 * A grace period (GP) ends once every CPU that was not idle when it
 * started has passed a QS since. Numbering: rcu_state.gp_seq counts GP
 * starts and ends, so it is odd while a GP runs and even between GPs; GP
 * number k runs while gp_seq == 2k-1 and has ended once gp_seq >= 2k. A
 * caller that needs "a full GP from now" computes rcu_seq_snap(): the
 * gp_seq value at the end of the first GP that starts after now.
 *
 * Starting: rcu_gp_advance() increments gp_seq, then looks at every
 * online CPU's dynticks counter (odd: RCU watches the CPU; even: idle)
 * and puts the non-idle ones in qsmask. Ending: the CPU that clears the
 * last qsmask bit ends the GP and starts the next if somebody needs one
 * (gp_seq_needed). There is no GP thread: the work is done by whoever
 * reports or requests, under rcu_state.lock, with interrupts off.
 *
 * Idle: a CPU entering idle reports its QS first, then makes dynticks
 * even. An interrupt on an idle CPU makes it odd again for the handler
 * (rcu_irq_enter/exit: handlers may be readers). Increments are full
 * barriers, so a GP start that saw the CPU idle is ordered before any
 * reader it runs later, and its readers before idling are ordered before
 * the GP's end. If a GP starts just as a CPU goes idle, the CPU may sleep
 * with its qsmask bit still set; its next tick (which ends the halt, the
 * tick is periodic) sees that it interrupted the idle task and reports.
 *
 * Callbacks: each CPU keeps its call_rcu() callbacks in three segments
 * of one FIFO, changed only by that CPU with interrupts off:
 *	done	their GP has ended: ready to invoke
 *	wait	waiting for gp_seq to reach wait_seq
 *	next	queued while wait was busy: no GP assigned yet
 * rcu_cbs_advance() moves wait to done when wait_seq is reached, and next
 * to wait with a fresh snapshot (requesting that GP) when wait is empty.
 * The tick of the CPU calls it and wakes the CPU's kthread rcuc/N, which
 * invokes the done segment in order, in task context.
 *
 * synchronize_rcu() does not use callbacks: it asks for a GP and sleeps
 * on rcu_gp_wq until gp_seq reaches its snapshot. The CPU ending a GP may
 * be inside schedule() (where no wake-up may be done), so it only sets
 * wake_waiters; the next tick on any CPU does the wake-up.
 */
#include <kestrel/atomic.h>
#include <kestrel/cmdline.h>
#include <kestrel/kthread.h>
#include <kestrel/lockdep.h>
#include <kestrel/might_sleep.h>
#include <kestrel/preempt.h>
#include <kestrel/printk.h>
#include <kestrel/rcupdate.h>
#include <kestrel/sched.h>
#include <kestrel/slab.h>
#include <kestrel/smp.h>
#include <kestrel/spinlock.h>
#include <kestrel/string.h>
#include <kestrel/time.h>
#include <kestrel/wait.h>

/* Wrap-safe comparisons of sequence numbers. */
#define ULONG_CMP_GE(a, b) ((long)((a) - (b)) >= 0)
#define ULONG_CMP_LT(a, b) ((long)((a) - (b)) < 0)

static struct rcu_state {
	/*
	 * lock protects every change of the fields below up to
	 * stall_reported, and of every rcu_readers[].need_qs (all are also
	 * read without it: READ_ONCE / acquire). Taken with
	 * interrupts off (the tick and interrupt exit take it), and no
	 * other lock is taken while it is held.
	 */
	spinlock_t lock;
	unsigned long gp_seq;		/* odd while a GP runs */
	unsigned long gp_seq_needed;	/* the latest GP end somebody waits for */
	u64 qsmask;			/* CPUs that still owe the running GP a QS */
	u64 gp_start_ns;		/* when the running GP started */
	unsigned long stall_reported;	/* gp_seq of the last GP reported as stalled */
	int wake_waiters;		/* a GP ended since rcu_gp_wq was last woken */
	bool ticking;			/* a tick has run (set once) */
	bool kthreads_ready;		/* rcuc/N exist for every online CPU */
} rcu_state = {
	.lock = __SPIN_LOCK_UNLOCKED(rcu_state.lock),
};

/* A FIFO of callbacks: tail points at the last next pointer (or at head). */
struct rcu_cblist {
	struct rcu_head *head;
	struct rcu_head **tail;
};

/*
 * Per-CPU state. Only its own CPU changes it, with interrupts off, except
 * that other CPUs read dynticks (starting a GP) and the counters (stats).
 */
struct rcu_data {
	atomic_t dynticks;		/* odd: RCU watches this CPU; even: idle (EQS) */
	bool idle;			/* between rcu_idle_enter and rcu_idle_exit */
	int irq_depth;			/* interrupt nesting (rcu_irq_enter/exit) */
	struct rcu_cblist done, wait, next;	/* callback segments, see above */
	unsigned long wait_seq;		/* gp_seq at which wait becomes done */
	atomic_long_t nr_queued;	/* queued by call_rcu, not yet started */
	struct task_struct *kthread;	/* rcuc/N, invokes done callbacks */
} __aligned(64);

static struct rcu_data rcu_data[NR_CPUS];

struct rcu_reader rcu_readers[NR_CPUS];

/* synchronize_rcu() sleepers; woken (from a tick) after each GP end. */
static DECLARE_WAIT_QUEUE_HEAD(rcu_gp_wq);
/* rcu_barrier() sleepers; woken by the last barrier callback. */
static DECLARE_WAIT_QUEUE_HEAD(rcu_barrier_wq);

static inline struct rcu_data *this_rdp(void)
{
	return &rcu_data[smp_processor_id()];
}

/* ---- grace-period sequence numbers ---- */

static inline bool rcu_gp_in_progress(void)
{
	return READ_ONCE(rcu_state.gp_seq) & 1;
}

/* gp_seq once a GP that starts after now has ended (see the header comment). */
static inline unsigned long rcu_seq_snap(unsigned long s)
{
	return (s + 3) & ~1UL;
}

/* Has gp_seq reached s? Acquire: what the GP's CPUs did before it ended is seen. */
static inline bool rcu_seq_done(unsigned long s)
{
	return ULONG_CMP_GE(smp_load_acquire(&rcu_state.gp_seq), s);
}

/* ---- starting and ending grace periods (rcu_state.lock held) ---- */

static inline bool rcu_cpu_in_eqs(unsigned int cpu)
{
	return !(atomic_read(&rcu_data[cpu].dynticks) & 1);
}

/* End the running GP (its qsmask is empty). */
static void rcu_gp_end(void)
{
	smp_store_release(&rcu_state.gp_seq, rcu_state.gp_seq + 1);
	WRITE_ONCE(rcu_state.wake_waiters, 1);
}

/*
 * No GP running: start GPs while one is needed. A GP whose CPUs are all
 * idle ends at once; the loop then starts the next one needed.
 */
static void rcu_gp_advance(void)
{
	unsigned int cpu;
	u64 mask;

	while (ULONG_CMP_LT(rcu_state.gp_seq, rcu_state.gp_seq_needed)) {
		WRITE_ONCE(rcu_state.gp_seq, rcu_state.gp_seq + 1);
		WRITE_ONCE(rcu_state.gp_start_ns, ktime_get_ns());
		/* The updates that made this GP needed happen before the dynticks reads. */
		smp_mb();
		mask = 0;
		for_each_online_cpu(cpu)
			if (!rcu_cpu_in_eqs(cpu))
				mask |= 1ULL << cpu;
		smp_mb();
		if (mask) {
			for_each_cpu(cpu, ((cpumask_t){ mask }))
				WRITE_ONCE(rcu_readers[cpu].need_qs, true);
			WRITE_ONCE(rcu_state.qsmask, mask);
			return;
		}
		rcu_gp_end();
	}
}

/* Make sure the GP ending at gp_seq == s happens. */
static void rcu_gp_request(unsigned long s)
{
	if (ULONG_CMP_LT(rcu_state.gp_seq_needed, s))
		WRITE_ONCE(rcu_state.gp_seq_needed, s);
	if (!(rcu_state.gp_seq & 1))
		rcu_gp_advance();
}

/* Snapshot "a full GP from now" and request it. Interrupts off. */
static unsigned long rcu_gp_snap_and_request(void)
{
	unsigned long s;

	spin_lock(&rcu_state.lock);
	s = rcu_seq_snap(rcu_state.gp_seq);
	rcu_gp_request(s);
	spin_unlock(&rcu_state.lock);
	return s;
}

/*
 * This CPU is in a QS right now (interrupts off): if the running GP still
 * waits for it, clear its bit, and end the GP if it was the last.
 */
static void rcu_qs(void)
{
	u64 bit = 1ULL << smp_processor_id();

	/* A stale 0 only delays the report to the next QS; a stale 1 is rechecked. */
	if (!(READ_ONCE(rcu_state.qsmask) & bit))
		return;
	/* This CPU's reader accesses before the report. */
	smp_mb();
	spin_lock(&rcu_state.lock);
	if (rcu_state.qsmask & bit) {
		WRITE_ONCE(rcu_readers[smp_processor_id()].need_qs, false);
		WRITE_ONCE(rcu_state.qsmask, rcu_state.qsmask & ~bit);
		if (!rcu_state.qsmask) {
			rcu_gp_end();
			rcu_gp_advance();
		}
	}
	spin_unlock(&rcu_state.lock);
}

/*
 * The outermost rcu_read_unlock() on a CPU the GP waits for. Preemption
 * is back on, so unless the caller is inside some other non-preemptible
 * region (then it is not a QS yet), whatever CPU we are on now is in a QS.
 */
void rcu_read_unlock_special(void)
{
	unsigned long flags;

	if (preempt_count() || irqs_disabled())
		return;
	flags = local_irq_save();
	rcu_qs();
	local_irq_restore(flags);
}

/* ---- callback lists ---- */

static void cbl_init(struct rcu_cblist *l)
{
	WRITE_ONCE(l->head, NULL);
	l->tail = &l->head;
}

static bool cbl_empty(const struct rcu_cblist *l)
{
	return READ_ONCE(l->head) == NULL;
}

static void cbl_enqueue(struct rcu_cblist *l, struct rcu_head *h)
{
	h->next = NULL;
	WRITE_ONCE(*l->tail, h);
	l->tail = &h->next;
}

/* Append all of src to dst, leaving src empty. */
static void cbl_splice(struct rcu_cblist *dst, struct rcu_cblist *src)
{
	if (cbl_empty(src))
		return;
	WRITE_ONCE(*dst->tail, src->head);
	dst->tail = src->tail;
	cbl_init(src);
}

/* Move callbacks along their segments (this CPU, interrupts off). */
static void rcu_cbs_advance(struct rcu_data *rdp)
{
	if (!cbl_empty(&rdp->wait) && rcu_seq_done(rdp->wait_seq))
		cbl_splice(&rdp->done, &rdp->wait);
	if (cbl_empty(&rdp->wait) && !cbl_empty(&rdp->next)) {
		cbl_splice(&rdp->wait, &rdp->next);
		rdp->wait_seq = rcu_gp_snap_and_request();
	}
}

void call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	unsigned long flags;
	struct rcu_data *rdp;

	head->func = func;
	flags = local_irq_save();
	rdp = this_rdp();
	cbl_enqueue(&rdp->next, head);
	atomic_long_inc(&rdp->nr_queued);
	/* Ask for a GP now if this CPU's wait segment is free. */
	rcu_cbs_advance(rdp);
	local_irq_restore(flags);
}

void __kfree_rcu(struct rcu_head *head, unsigned long offset)
{
	call_rcu(head, (rcu_callback_t)offset);
}

/* Run the done segment in order (the CPU's rcuc kthread, interrupts on). */
static void rcu_invoke_callbacks(struct rcu_data *rdp)
{
	struct rcu_head *list, *next;
	unsigned long flags;

	flags = local_irq_save();
	rcu_cbs_advance(rdp);
	list = rdp->done.head;
	cbl_init(&rdp->done);
	local_irq_restore(flags);

	for (; list; list = next) {
		unsigned int count = preempt_count();
		unsigned long offset = (unsigned long)list->func;

		next = list->next;	/* before the callback frees list */
		/* Counted out first: a callback may wake somebody who looks at the count. */
		atomic_long_dec(&rdp->nr_queued);
		if (offset < KFREE_RCU_MAX_OFFSET)
			kfree((char *)list - offset);
		else
			list->func(list);
		if (WARN_ON_ONCE(preempt_count() != count))
			pr_err("rcu: callback %pS leaked preempt_count %#x\n", (void *)offset,
			       preempt_count());
		cond_resched();
	}
}

static int rcu_cb_kthread(void *arg)
{
	struct rcu_data *rdp = arg;

	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (cbl_empty(&rdp->done)) {
			schedule();
			continue;
		}
		__set_current_state(TASK_RUNNING);
		rcu_invoke_callbacks(rdp);
	}
	return 0;
}

/* ---- quiescent-state hooks ---- */

/* Enter the extended QS (interrupts off): report first, then stop being watched. */
static void rcu_eqs_enter(struct rcu_data *rdp)
{
	rcu_qs();
	/* Full barrier before and after: this CPU's reads come before the GP's end. */
	smp_mb();
	atomic_inc_return(&rdp->dynticks);
}

static void rcu_eqs_exit(struct rcu_data *rdp)
{
	/* Full barrier: readers from here on come after any GP start that saw us idle. */
	atomic_inc_return(&rdp->dynticks);
}

void rcu_note_context_switch(void)
{
	struct rcu_data *rdp = this_rdp();

	/*
	 * The idle task can be switched out from inside its halt: an
	 * interrupt's exit path preempts it (after rcu_irq_exit made the CPU
	 * idle again for RCU). The next task may read, so the idle period
	 * ends here; rcu_idle_exit() then finds nothing to undo.
	 */
	if (rdp->idle) {
		rdp->idle = false;
		if (rcu_cpu_in_eqs(smp_processor_id()))
			rcu_eqs_exit(rdp);
	}
	rcu_qs();
}

void rcu_idle_enter(void)
{
	struct rcu_data *rdp = this_rdp();

	WARN_ON_ONCE(!irqs_disabled() || rcu_cpu_in_eqs(smp_processor_id()));
	rdp->idle = true;
	rcu_eqs_enter(rdp);
}

void rcu_idle_exit(void)
{
	unsigned long flags = local_irq_save();
	struct rcu_data *rdp = this_rdp();

	rdp->idle = false;
	if (rcu_cpu_in_eqs(smp_processor_id()))
		rcu_eqs_exit(rdp);
	local_irq_restore(flags);
}

void rcu_irq_enter(void)
{
	struct rcu_data *rdp = this_rdp();

	if (rdp->irq_depth++ == 0 && rcu_cpu_in_eqs(smp_processor_id()))
		rcu_eqs_exit(rdp);
}

void rcu_irq_exit(void)
{
	struct rcu_data *rdp = this_rdp();

	if (--rdp->irq_depth == 0 && rdp->idle && !rcu_cpu_in_eqs(smp_processor_id()))
		rcu_eqs_enter(rdp);
}

/* ---- stall detection ---- */

static unsigned int stall_timeout_ms = 21 * 1000;	/* 0: off */

static int rcu_stall_param(const char *val)
{
	return param_set_secs_ms(val, 3600, &stall_timeout_ms);
}
KERNEL_PARAM("rcu_stall_timeout", rcu_stall_param,
	     "seconds a grace period may run before it is reported as stalled (0: off)");

void rcu_set_stall_timeout_ms(unsigned int ms)
{
	WRITE_ONCE(stall_timeout_ms, ms);
}

unsigned int rcu_get_stall_timeout_ms(void)
{
	return READ_ONCE(stall_timeout_ms);
}

/*
 * The whole machine was stopped (the debugger held every CPU): the
 * running grace period's time counts from now. Linux's name.
 */
void rcu_cpu_stall_reset(void)
{
	WRITE_ONCE(rcu_state.gp_start_ns, ktime_get_ns());
}

/* From the tick: report the running GP once if it has run too long. */
static void rcu_check_stall(void)
{
	u64 limit = (u64)READ_ONCE(stall_timeout_ms) * NSEC_PER_MSEC, ran, mask;
	unsigned long gp;
	char detail[160];
	int len;

	if (!limit || !rcu_gp_in_progress())
		return;
	ran = ktime_get_ns() - READ_ONCE(rcu_state.gp_start_ns);
	/* A GP start racing with the read above makes ran huge: rechecked under the lock. */
	if ((s64)ran < (s64)limit || READ_ONCE(rcu_state.stall_reported) == READ_ONCE(rcu_state.gp_seq))
		return;
	spin_lock(&rcu_state.lock);
	gp = rcu_state.gp_seq;
	ran = ktime_get_ns() - rcu_state.gp_start_ns;
	mask = rcu_state.qsmask;
	if (!(gp & 1) || rcu_state.stall_reported == gp || (s64)ran < (s64)limit) {
		spin_unlock(&rcu_state.lock);
		return;
	}
	rcu_state.stall_reported = gp;
	spin_unlock(&rcu_state.lock);

	len = snprintf(detail, sizeof(detail),
		       "grace period %lu running for %llu ms; CPUs without a quiescent state:",
		       (gp + 1) / 2, (unsigned long long)(ran / NSEC_PER_MSEC));
	for (unsigned int cpu = 0; cpu < NR_CPUS && len < (int)sizeof(detail) - 4; cpu++)
		if (mask & (1ULL << cpu))
			len += snprintf(detail + len, sizeof(detail) - len, " %u", cpu);
#ifdef CONFIG_LOCKDEP
	lockdep_report_context("WARNING", "RCU grace period stall", detail, _THIS_IP_);
#else
	printk(KERN_ERR "WARNING: RCU grace period stall\n%s\n", detail);
#endif
}

/*
 * The tick interrupted non-preemptible code on a CPU the GP has waited
 * for for a while (RCU_FORCE_QS_NS): ask for a reschedule, so the CPU
 * passes through schedule() (a QS, even if it picks the same task) as
 * soon as the code enables preemption again. Covers CPUs that spend
 * nearly all their time with preemption off, where no tick lands outside.
 */
#define RCU_FORCE_QS_NS (30 * NSEC_PER_MSEC)

static void rcu_force_qs(void)
{
	u64 bit = 1ULL << smp_processor_id();

	if (!(READ_ONCE(rcu_state.qsmask) & bit) ||
	    (s64)(ktime_get_ns() - READ_ONCE(rcu_state.gp_start_ns)) < (s64)RCU_FORCE_QS_NS)
		return;
	/* This CPU's own flag, set from its own tick: what the scheduler's tick does too. */
	this_cpu_write(need_resched, true);
}

void rcu_sched_clock_irq(int user)
{
	struct rcu_data *rdp = this_rdp();
	struct task_struct *k;

	if (!rcu_state.ticking)
		WRITE_ONCE(rcu_state.ticking, true);
	/*
	 * Only this interrupt in the count: the interrupted code had
	 * preemption on, so it was in no reader.
	 */
	if (user || preempt_count() == HARDIRQ_OFFSET)
		rcu_qs();
	else
		rcu_force_qs();
	rcu_cbs_advance(rdp);
	k = READ_ONCE(rdp->kthread);
	if (k && !cbl_empty(&rdp->done))
		wake_up_process(k);
	if (READ_ONCE(rcu_state.wake_waiters) && xchg(&rcu_state.wake_waiters, 0))
		wake_up_all(&rcu_gp_wq);
	rcu_check_stall();
}

/* ---- waiting for grace periods ---- */

unsigned long get_state_synchronize_rcu(void)
{
	/* The caller's updates come before the gp_seq read. */
	smp_mb();
	return rcu_seq_snap(READ_ONCE(rcu_state.gp_seq));
}

unsigned long start_poll_synchronize_rcu(void)
{
	unsigned long flags = local_irq_save();
	unsigned long s;

	smp_mb();
	s = rcu_gp_snap_and_request();
	local_irq_restore(flags);
	return s;
}

bool poll_state_synchronize_rcu(unsigned long cookie)
{
	return rcu_seq_done(cookie);
}

/*
 * Refuse (with a report) to wait where it cannot work; true if refused.
 * Waiting inside a reader would wait for the caller itself (forever on
 * one CPU); waiting with preemption or interrupts off cannot sleep.
 */
static bool rcu_wait_refused(const char *fn, unsigned long ip)
{
	char detail[96];

	if (rcu_read_lock_held()) {
		snprintf(detail, sizeof(detail), "%s() would wait for its own reader section", fn);
		lockdep_report_context("BUG", "sleeping in an RCU read-side critical section",
				       detail, ip);
		return true;
	}
	might_sleep();
	return preempt_count() || irqs_disabled();
}

void synchronize_rcu(void)
{
	unsigned long cookie;

	if (rcu_wait_refused("synchronize_rcu", _RET_IP_))
		return;
	/*
	 * Before the first tick, with only the boot CPU running, the caller
	 * is in no reader: every reader has ended, which is all a GP means.
	 */
	if (!READ_ONCE(rcu_state.ticking) && num_online_cpus() <= 1)
		return;
	cookie = start_poll_synchronize_rcu();
	wait_event(rcu_gp_wq, poll_state_synchronize_rcu(cookie));
}

/* ---- rcu_barrier ---- */

struct rcu_barrier_cpu {
	struct rcu_head head;
	atomic_t *count;
};

/* One caller's barrier: on its stack, so concurrent callers do not interfere. */
struct rcu_barrier_req {
	atomic_t count;
	struct rcu_barrier_cpu cpu[NR_CPUS];
};

static void rcu_barrier_cb(struct rcu_head *head)
{
	struct rcu_barrier_cpu *c = container_of(head, struct rcu_barrier_cpu, head);

	/* The last: the request may go away as soon as count is 0; the queue is static. */
	if (atomic_dec_and_test(c->count))
		wake_up_all(&rcu_barrier_wq);
}

/* On each CPU (IPI): a callback behind everything that CPU queued so far. */
static void rcu_barrier_func(void *info)
{
	struct rcu_barrier_req *req = info;
	struct rcu_barrier_cpu *c = &req->cpu[smp_processor_id()];

	c->count = &req->count;
	atomic_inc(&req->count);
	call_rcu(&c->head, rcu_barrier_cb);
}

void rcu_barrier(void)
{
	struct rcu_barrier_req req;

	if (rcu_wait_refused("rcu_barrier", _RET_IP_))
		return;
	if (WARN_ON_ONCE(!READ_ONCE(rcu_state.kthreads_ready)))
		return;
	/* 1 for ourselves, so no callback reaches 0 before all are queued. */
	atomic_set(&req.count, 1);
	on_each_cpu(rcu_barrier_func, &req, true);
	if (!atomic_dec_and_test(&req.count))
		wait_event(rcu_barrier_wq, atomic_read(&req.count) == 0);
}

/* ---- reports ---- */

void rcu_read_unlock_underflow(void)
{
	rcu_readers[smp_processor_id()].nesting = 0;
	/* The caller's preempt_enable() follows: keep the count balanced. */
	preempt_disable();
	lockdep_report_context("BUG", "rcu_read_unlock() without rcu_read_lock()", NULL,
			       _RET_IP_);
}

void rcu_lockdep_suspicious(const char *file, int line, const char *what)
{
	char detail[160];

	snprintf(detail, sizeof(detail), "%s at %s:%d, outside any RCU reader section", what,
		 file, line);
	lockdep_report_context("WARNING", "suspicious RCU usage", detail, _RET_IP_);
}

/* ---- introspection ---- */

unsigned long rcu_gp_completed(void)
{
	return READ_ONCE(rcu_state.gp_seq) / 2;
}

long rcu_callbacks_pending(void)
{
	long n = 0;

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		n += atomic_long_read(&rcu_data[cpu].nr_queued);
	return n;
}

/* ---- boot ---- */

void rcu_init(void)
{
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		struct rcu_data *rdp = &rcu_data[cpu];

		atomic_set(&rdp->dynticks, 1);	/* watched until it first idles */
		cbl_init(&rdp->done);
		cbl_init(&rdp->wait);
		cbl_init(&rdp->next);
	}
}

void rcu_init_late(void)
{
	unsigned int cpu, n = 0;

	for_each_online_cpu(cpu) {
		struct task_struct *k = kthread_create(rcu_cb_kthread, &rcu_data[cpu], "rcuc/%u", cpu);

		if (IS_ERR(k))
			panic("rcu: cannot create rcuc/%u", cpu);
		kthread_bind(k, cpu);
		/* The tick of cpu wakes it from now on. */
		smp_store_release(&rcu_data[cpu].kthread, k);
		wake_up_process(k);
		n++;
	}
	WRITE_ONCE(rcu_state.kthreads_ready, true);
	pr_info("rcu: RCU-sched, grace periods from ticks, context switches and idle; callbacks in rcuc/N on %u CPUs\n",
		n);
}
