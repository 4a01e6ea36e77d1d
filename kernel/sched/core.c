/*
 * The scheduler core: run queues, schedule(), wake-ups, preemption,
 * priorities, affinity and load balancing. See docs/sched.md.
 *
 * Policy ("fair-ish", a small CFS): every task has a virtual runtime,
 * the nanoseconds it ran scaled by 1024 / weight, where the weight comes
 * from its nice value (1024 at nice 0, 1.25 times more per step down).
 * Each CPU runs the runnable task with the smallest vruntime. The queue
 * is a list kept sorted by vruntime: O(n) insertion, O(1) pick, and
 * easy to read; run queues here hold a handful of tasks, so a tree
 * would buy nothing. The running task is not on the list.
 *
 * Time slices: the tick (HZ) charges the running task; once it has run
 * SCHED_MIN_SLICE_NS and is no longer the smallest vruntime, need_resched
 * is set and the task is preempted on the way out of the interrupt. A
 * task of weight w thus gets CPU time in proportion to w.
 *
 * Wake-ups: a woken task is placed at no less than the run queue's
 * min_vruntime minus SLEEPER_CREDIT_NS (so sleeping earns a little
 * credit but no unbounded one) and preempts the running task if its
 * vruntime is smaller by more than WAKEUP_GRAN_NS.
 *
 * Locking: see struct rq in sched.h. Protocol with a sleeper:
 *   sleeper: set_current_state(S); test condition; schedule()
 *   waker:   make condition true; try_to_wake_up(p)
 * schedule() takes the task off the queue only if, under the rq lock,
 * its state is still not TASK_RUNNING; the waker sets TASK_RUNNING under
 * the same lock. A task being switched out is fully off its CPU before
 * its rq lock is released (the switch happens with it held), so a waker
 * that gets the lock and sees on_rq == 0 may run it anywhere.
 */
#include <kestrel/atomic.h>
#include <kestrel/blkdev.h>
#include <kestrel/errno.h>
#include <kestrel/exit.h>
#include <kestrel/fork.h>
#include <kestrel/kallsyms.h>
#include <kestrel/kthread.h>
#include <kestrel/mm.h>
#include <kestrel/mm_types.h>
#include <kestrel/panic.h>
#include <kestrel/pid.h>
#include <kestrel/printk.h>
#include <kestrel/rcupdate.h>
#include <kestrel/sched.h>
#include <kestrel/sched_signal.h>
#include <kestrel/slab.h>
#include <kestrel/smp.h>
#include <kestrel/string.h>
#include <kestrel/time.h>
#include <kestrel/timer.h>
#include <kestrel/vmalloc.h>
#include <kestrel/wait.h>
#include <kestrel/workqueue.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <asm/switch_to.h>
#include "sched.h"

#define NICE_0_WEIGHT 1024
#define SCHED_MIN_SLICE_NS (4 * NSEC_PER_MSEC)
#define WAKEUP_GRAN_NS (1 * NSEC_PER_MSEC)
#define SLEEPER_CREDIT_NS (5 * NSEC_PER_MSEC)
#define BALANCE_INTERVAL_TICKS 4

struct rq runqueues[NR_CPUS];
bool sched_running;			/* sched_init() done: set once, then read-only */

static cpumask_t active_mask;		/* CPUs whose rq is active; only bits get set (cpumask_set_cpu) */

static unsigned int nice_to_weight[MAX_NICE - MIN_NICE + 1];	/* filled by sched_init */

/*
 * All tasks, for show_tasks(), the process tree and wait (kernel/exit.c).
 * tasklist_lock protects task_list, nr_tasks_total, and the process
 * identity links listed in include/kestrel/pid.h. Readers: read_lock
 * (any context); writers: write_lock_irq/irqsave.
 */
LIST_HEAD(task_list);
DEFINE_RWLOCK(tasklist_lock);
static unsigned int nr_tasks_total;

extern char boot_stack[], boot_stack_top[];	/* arch/x86/boot/head.S */

struct task_struct init_task = {
	.state = TASK_RUNNING,
	.pid = 1,
	.comm = "init",
	.usage = REFCOUNT_INIT(1),
	.nice = 0,
	.weight = NICE_0_WEIGHT,
	.on_rq = 1,
	.on_cpu = 1,
	.run_node = LIST_HEAD_INIT(init_task.run_node),
	.tasks = LIST_HEAD_INIT(init_task.tasks),
};

/* ---- small helpers ---- */

static inline bool vruntime_before(u64 a, u64 b)
{
	return (s64)(a - b) < 0;
}

static inline bool task_queued(struct task_struct *p)
{
	return !list_empty(&p->run_node);
}

/* ns of real time in p's virtual time */
static u64 calc_delta_fair(u64 delta, const struct task_struct *p)
{
	if (p->weight == NICE_0_WEIGHT)
		return delta;
	return delta * NICE_0_WEIGHT / p->weight;
}

static void double_rq_lock(struct rq *a, struct rq *b)
{
	if (a == b) {
		arch_spin_lock(&a->lock);
	} else if (a->cpu < b->cpu) {
		arch_spin_lock(&a->lock);
		arch_spin_lock(&b->lock);
	} else {
		arch_spin_lock(&b->lock);
		arch_spin_lock(&a->lock);
	}
}

static void double_rq_unlock(struct rq *a, struct rq *b)
{
	arch_spin_unlock(&a->lock);
	if (a != b)
		arch_spin_unlock(&b->lock);
}

/*
 * Lock the rq p belongs to. p->cpu only changes with that rq's lock
 * held, so after locking, recheck it. Interrupts must be off.
 */
static struct rq *task_rq_lock(struct task_struct *p)
{
	for (;;) {
		unsigned int cpu = READ_ONCE(p->cpu);
		struct rq *rq = cpu_rq(cpu);

		arch_spin_lock(&rq->lock);
		if (READ_ONCE(p->cpu) == cpu)
			return rq;
		arch_spin_unlock(&rq->lock);
	}
}

/* ---- the sorted queue ---- */

static void update_min_vruntime(struct rq *rq)
{
	struct task_struct *curr = rq->curr;
	bool have = false;
	u64 v = 0;

	if (curr != rq->idle && curr->on_rq) {
		v = curr->vruntime;
		have = true;
	}
	if (!list_empty(&rq->queue)) {
		u64 first = list_first_entry(&rq->queue, struct task_struct, run_node)->vruntime;
		if (!have || vruntime_before(first, v))
			v = first;
		have = true;
	}
	if (have && vruntime_before(rq->min_vruntime, v))
		rq->min_vruntime = v;
}

static void enqueue_task(struct rq *rq, struct task_struct *p)
{
	struct list_head *pos;

	/* After every task with vruntime <= p's: equal ones take turns. */
	list_for_each(pos, &rq->queue) {
		struct task_struct *t = list_entry(pos, struct task_struct, run_node);
		if (vruntime_before(p->vruntime, t->vruntime))
			break;
	}
	list_add_tail(&p->run_node, pos);
	WRITE_ONCE(rq->queued_cpus.bits, rq->queued_cpus.bits | p->cpus_allowed.bits);
}

static void dequeue_task(struct rq *rq, struct task_struct *p)
{
	struct task_struct *t;
	u64 cpus = 0;

	list_del_init(&p->run_node);
	/* Recomputed: another queued task may allow some of p's CPUs too. */
	list_for_each_entry(t, &rq->queue, run_node)
		cpus |= t->cpus_allowed.bits;
	WRITE_ONCE(rq->queued_cpus.bits, cpus);
}

/* p becomes runnable on rq (queued; not the running task). */
static void activate_task(struct rq *rq, struct task_struct *p)
{
	p->on_rq = 1;
	rq->nr_running++;
	enqueue_task(rq, p);
}

/* Charge the running task for the time since it was last charged. */
static void update_curr(struct rq *rq)
{
	struct task_struct *curr = rq->curr;
	u64 now = ktime_get_ns();
	u64 delta;

	if (!curr)
		return;		/* a CPU not started yet (tasks bound to it wait) */
	delta = now > curr->exec_start ? now - curr->exec_start : 0;
	curr->exec_start = now;
	if (curr == rq->idle)
		return;
	curr->sum_exec_runtime += delta;
	curr->vruntime += calc_delta_fair(delta, curr);
	update_min_vruntime(rq);
}

/* Ask rq's CPU to call schedule() soon. rq lock held. */
static void resched_rq(struct rq *rq)
{
	unsigned int cpu = rq->cpu;

	if (cpu == smp_processor_id()) {
		this_cpu_write(need_resched, true);
		return;
	}
	if (READ_ONCE(per_cpu(cpu)->need_resched))
		return;
	WRITE_ONCE(per_cpu(cpu)->need_resched, true);
	smp_send_reschedule(cpu);
}

/* Move p (not running, not queued) from its rq to dst; both locks held. */
static void set_task_cpu(struct task_struct *p, struct rq *dst)
{
	struct rq *src = cpu_rq(p->cpu);

	if (src == dst)
		return;
	/* vruntime is relative to a queue's min_vruntime: carry the offset over. */
	p->vruntime = p->vruntime - src->min_vruntime + dst->min_vruntime;
	WRITE_ONCE(p->cpu, dst->cpu);
}

/* A woken or migrated task p on rq: should it run before rq->curr? */
static void check_preempt(struct rq *rq, struct task_struct *p)
{
	struct task_struct *curr = rq->curr;

	if (!curr)
		return;		/* CPU not started: it runs its queue once it is */
	if (curr == rq->idle) {
		resched_rq(rq);
		return;
	}
	update_curr(rq);
	if ((s64)(curr->vruntime - p->vruntime) > (s64)WAKEUP_GRAN_NS)
		resched_rq(rq);
}

/* ---- CPU choice ---- */

cpumask_t sched_cpus_active(void)
{
	return (cpumask_t){ smp_load_acquire(&active_mask.bits) };
}

unsigned int sched_nr_cpus_active(void)
{
	return cpumask_weight(sched_cpus_active());
}

unsigned int nr_running_on(unsigned int cpu)
{
	return cpu < NR_CPUS ? READ_ONCE(cpu_rq(cpu)->nr_running) : 0;
}

unsigned long sched_balance_futile(unsigned int cpu)
{
	return cpu < NR_CPUS ? READ_ONCE(cpu_rq(cpu)->nr_balance_futile) : 0;
}

bool idle_cpu(unsigned int cpu)
{
	struct rq *rq = cpu_rq(cpu);

	return READ_ONCE(rq->curr) == rq->idle && READ_ONCE(rq->nr_running) == 0;
}

/*
 * Where should p (waking or new) run? Its previous CPU if that is idle
 * (its cache may still be warm), else the allowed CPU with the fewest
 * runnable tasks. Reads other queues without their locks: a hint.
 */
static unsigned int select_task_rq(struct task_struct *p, unsigned int prev)
{
	cpumask_t allowed = cpumask_and(p->cpus_allowed, sched_cpus_active());
	unsigned int cpu, best, best_nr;

	if (cpumask_empty(allowed))
		return prev;
	if (cpumask_test_cpu(prev, allowed) && idle_cpu(prev))
		return prev;
	best = cpumask_test_cpu(prev, allowed) ? prev : cpumask_first(allowed);
	best_nr = nr_running_on(best);
	for_each_cpu(cpu, allowed) {
		unsigned int nr = nr_running_on(cpu);
		if (nr < best_nr) {
			best = cpu;
			best_nr = nr;
		}
	}
	return best;
}

/* ---- wake-up ---- */

/* p sleeps (or is new), belongs to rq, rq locked: make it run there. */
static void ttwu_activate(struct rq *rq, struct task_struct *p)
{
	bool was_new = p->state == TASK_NEW;

	update_curr(rq);
	WRITE_ONCE(p->state, TASK_RUNNING);
	if (was_new) {
		p->vruntime = rq->min_vruntime;
	} else if (vruntime_before(p->vruntime, rq->min_vruntime - SLEEPER_CREDIT_NS)) {
		p->vruntime = rq->min_vruntime - SLEEPER_CREDIT_NS;
	}
	activate_task(rq, p);
	check_preempt(rq, p);
}

static int try_to_wake_up(struct task_struct *p, unsigned int state)
{
	unsigned long flags = local_irq_save();
	int ret = 0;

	/* Order the caller's condition store before our load of p->state. */
	smp_mb();
	for (;;) {
		struct rq *rq = task_rq_lock(p), *dst;
		unsigned int target;

		if (!(READ_ONCE(p->state) & state)) {
			arch_spin_unlock(&rq->lock);
			break;
		}
		ret = 1;
		if (p->on_rq) {
			/* Not switched out yet (or preempted): schedule() will keep it. */
			WRITE_ONCE(p->state, TASK_RUNNING);
			arch_spin_unlock(&rq->lock);
			break;
		}
		target = select_task_rq(p, rq->cpu);
		if (target == rq->cpu) {
			ttwu_activate(rq, p);
			arch_spin_unlock(&rq->lock);
			break;
		}
		arch_spin_unlock(&rq->lock);
		dst = cpu_rq(target);
		double_rq_lock(rq, dst);
		if (READ_ONCE(p->cpu) == rq->cpu && !p->on_rq && (READ_ONCE(p->state) & state)) {
			set_task_cpu(p, dst);
			ttwu_activate(dst, p);
			double_rq_unlock(rq, dst);
			break;
		}
		double_rq_unlock(rq, dst);
		ret = 0;	/* it changed under us: look again */
	}
	local_irq_restore(flags);
	return ret;
}

int wake_up_process(struct task_struct *p)
{
	return try_to_wake_up(p, TASK_NORMAL | TASK_NEW);
}

int wake_up_state(struct task_struct *p, unsigned int state)
{
	return try_to_wake_up(p, state);
}

/* ---- the switch ---- */

/* Move p, left runnable but unqueued by __schedule, to a CPU it may run on. */
static void move_task_away(struct task_struct *p)
{
	unsigned long flags = local_irq_save();
	struct rq *src = cpu_rq(p->cpu), *dst = cpu_rq(select_task_rq(p, p->cpu));

	double_rq_lock(src, dst);
	/* Nobody else moves an on_rq task that is neither queued nor running. */
	src->nr_running--;
	set_task_cpu(p, dst);
	dst->nr_running++;
	enqueue_task(dst, p);
	check_preempt(dst, p);
	double_rq_unlock(src, dst);
	local_irq_restore(flags);
}

/*
 * Runs in the task just switched to, rq lock held, interrupts off: release
 * them, then clean up after prev (which is now fully off this CPU).
 */
static void finish_task_switch(struct task_struct *prev)
{
	struct rq *rq = this_rq();
	long prev_state = prev->state;
	/* Runnable but neither running nor queued: __schedule left it for another CPU. */
	bool migrate = prev->on_rq && !task_queued(prev) && prev != rq->idle;
	/* A kernel task's borrowed mm it gave up (mm_context_switch), dropped with interrupts on. */
	struct mm_struct *drop_mm = mm_finish_switch_take();

	smp_store_release(&prev->on_cpu, 0);
	arch_spin_unlock(&rq->lock);
	local_irq_enable();
	if (drop_mm)
		mmdrop(drop_mm);
	if (prev_state == TASK_DEAD)
		task_dead_reap(prev);
	else if (migrate)
		move_task_away(prev);
}

void schedule_tail(struct task_struct *prev)
{
	finish_task_switch(prev);
	preempt_enable();
}

static void context_switch(struct rq *rq, struct task_struct *prev, struct task_struct *next)
{
	rq->curr = next;
	rq->nr_switches++;
	next->nr_switches++;
	next->on_cpu = 1;
	next->exec_start = ktime_get_ns();
	next->slice_start = next->sum_exec_runtime;
	this_cpu_write(current_task, next);
	/* Kernel stack for entries from user mode, user FPU state, FS/GS base. */
	arch_switch_to(prev, next);
	mm_context_switch(prev, next);	/* next's page tables, or lazily prev's (mm/, arch/x86/mm) */
	prev = __switch_to_asm(prev, next);
	finish_task_switch(prev);
}

static struct task_struct *pick_next_task(struct rq *rq)
{
	struct task_struct *next;

	if (list_empty(&rq->queue))
		return rq->idle;
	next = list_first_entry(&rq->queue, struct task_struct, run_node);
	dequeue_task(rq, next);
	return next;
}

/*
 * Pick the next task and switch to it. preempt: the task is being taken
 * off the CPU involuntarily (it stays runnable whatever its state).
 * Called with preemption disabled once (PREEMPT_DISABLE_OFFSET).
 */
static void __schedule(bool preempt)
{
	struct task_struct *prev, *next;
	struct rq *rq;

	local_irq_disable();
	rcu_note_context_switch();	/* a task switch is an RCU quiescent state */
	rq = this_rq();
	prev = rq->curr;
	arch_spin_lock(&rq->lock);
	update_curr(rq);
	this_cpu_write(need_resched, false);

	if (prev != rq->idle) {
		bool sleep = !preempt && prev->state != TASK_RUNNING;

		/*
		 * A pending signal ends an interruptible (if fatal, a killable)
		 * sleep before it starts: the sender set the bits before its
		 * wake-up read our state, and we set our state before this test.
		 */
		if (sleep && signal_pending_state(prev->state, prev)) {
			WRITE_ONCE(prev->state, TASK_RUNNING);
			sleep = false;
		}
		if (sleep) {
			/*
			 * sleep_start first: a reader (hung-task check) that sees
			 * on_rq == 0 then sees this sleep's start (x86 keeps
			 * stores in order; the reader reads on_rq first).
			 */
			WRITE_ONCE(prev->sleep_start, prev->exec_start);	/* now */
			barrier();
			WRITE_ONCE(prev->on_rq, 0);	/* asleep (or dead) */
			rq->nr_running--;
		} else if (cpumask_test_cpu(rq->cpu, prev->cpus_allowed)) {
			enqueue_task(rq, prev);
		}
		/* else: not allowed here any more; finish_task_switch moves it. */
	}
	next = pick_next_task(rq);
	if (next == prev) {
		arch_spin_unlock(&rq->lock);
		local_irq_enable();
		return;
	}
	context_switch(rq, prev, next);
}

/* Is it a bug to call schedule() here? Reports it; true if schedule() must not go on. */
static bool schedule_debug(void)
{
	unsigned int count = preempt_count();

	if (likely(count == 0))
		return false;
	printk(KERN_ERR "BUG: scheduling while atomic: %s/%d/0x%08x\n", current->comm,
	       current->pid, count);
	dump_stack();
	/* An interrupt handler has no task of its own to put to sleep. */
	if (count & (HARDIRQ_MASK | NMI_MASK))
		return true;
	/* Every task must switch with the same count: repair it. */
	__preempt_count_sub(count & PREEMPT_MASK);
	return false;
}

void schedule(void)
{
	if (schedule_debug())
		return;
	/* A task going to sleep first sends the block requests it plugged: it may wait on them. */
	if (current->plug && current->state != TASK_RUNNING)
		blk_flush_plug(current->plug, true);
	do {
		preempt_disable();
		__schedule(false);
		preempt_enable_no_resched();
	} while (need_resched());
}

void preempt_schedule(void)
{
	if (!sched_running || preempt_count() || irqs_disabled())
		return;
	do {
		preempt_disable();
		__schedule(true);
		preempt_enable_no_resched();
	} while (need_resched());
}

void preempt_schedule_irq(void)
{
	if (!sched_running)
		return;
	do {
		preempt_disable();
		__schedule(true);
		local_irq_disable();
		preempt_enable_no_resched();
	} while (need_resched());
}

void irqentry_exit_cond_resched(struct pt_regs *regs)
{
	/* Only if the interrupted kernel code could have been preempted anyway. */
	if (!user_mode(regs) && (regs->rflags & X86_EFLAGS_IF) && preempt_count() == 0 &&
	    need_resched())
		preempt_schedule_irq();
}

void yield(void)
{
	struct rq *rq;

	local_irq_disable();
	rq = this_rq();
	arch_spin_lock(&rq->lock);
	update_curr(rq);
	/* Go behind every queued task: take the largest vruntime on the queue. */
	if (!list_empty(&rq->queue)) {
		u64 last = list_last_entry(&rq->queue, struct task_struct, run_node)->vruntime;
		if (vruntime_before(current->vruntime, last))
			current->vruntime = last;
	}
	arch_spin_unlock(&rq->lock);
	local_irq_enable();
	schedule();
}

void cond_resched(void)
{
	if (preempt_count() == 0 && !irqs_disabled() && need_resched())
		schedule();
}

/* ---- the tick and load balancing ---- */

/* Does busiest have a waiting task that may run on cpu? Exact with its lock held. */
static bool may_pull_from(struct rq *busiest, unsigned int cpu)
{
	return cpumask_test_cpu(cpu, (cpumask_t){ READ_ONCE(busiest->queued_cpus.bits) });
}

/*
 * Pull tasks from the busiest CPU to rq's; interrupts off, no rq lock held.
 * Returns how many.
 *
 * Only a queue with a waiting task allowed on rq's CPU (queued_cpus)
 * counts as busiest: one holding only tasks bound elsewhere (init,
 * rcuc/N, a kthread_bind()ed thread, a user task's affinity) has nothing
 * to give, and locking it anyway would put every idle CPU on that one
 * lock at every tick and every wake from halt. Its owner needs the lock
 * for each switch and wake-up, and with more virtual CPUs than host
 * cores the ticket lock's waiters then queue faster than the host runs
 * them, until that CPU no longer gets the lock at all.
 */
static int load_balance(struct rq *rq)
{
	cpumask_t active = sched_cpus_active();
	struct rq *busiest = NULL;
	unsigned int cpu, max_nr = 0, moved = 0, want;
	struct task_struct *p, *n;

	for_each_cpu(cpu, active) {
		unsigned int nr = nr_running_on(cpu);
		if (cpu != rq->cpu && nr > max_nr && may_pull_from(cpu_rq(cpu), rq->cpu)) {
			max_nr = nr;
			busiest = cpu_rq(cpu);
		}
	}
	if (!busiest || max_nr < READ_ONCE(rq->nr_running) + 2)
		return 0;
	double_rq_lock(rq, busiest);
	if (busiest->nr_running < rq->nr_running + 2 || !may_pull_from(busiest, rq->cpu))
		goto out;
	want = (busiest->nr_running - rq->nr_running) / 2;
	/* From the back: the tasks that would wait longest there. */
	list_for_each_entry_safe_reverse(p, n, &busiest->queue, run_node) {
		if (!cpumask_test_cpu(rq->cpu, p->cpus_allowed))
			continue;
		dequeue_task(busiest, p);
		busiest->nr_running--;
		set_task_cpu(p, rq);
		rq->nr_running++;
		enqueue_task(rq, p);
		rq->nr_migrations_in++;
		if (++moved == want)
			break;
	}
	if (moved)
		check_preempt(rq, list_first_entry(&rq->queue, struct task_struct, run_node));
out:
	if (!moved)
		WRITE_ONCE(busiest->nr_balance_futile, busiest->nr_balance_futile + 1);
	double_rq_unlock(rq, busiest);
	return moved;
}

int idle_balance(struct rq *rq)
{
	return sched_nr_cpus_active() > 1 ? load_balance(rq) : 0;
}

/*
 * ---- load averages (sysinfo) ----
 * Every LOAD_FREQ ticks CPU 0 samples the runnable tasks (the sum of the
 * runqueues' nr_running, read without their locks: a sample may be off
 * by a task in flight) and folds it into three exponentially decaying
 * averages, in fixed point with FSHIFT fraction bits:
 *   avg = avg * e + n * (1 - e),  e = exp(-5 s / 1, 5, 15 min)
 * Unlike Linux, tasks in uninterruptible sleep are not counted.
 * avenrun is written only by CPU 0's tick; readers take a READ_ONCE.
 */
#define FSHIFT 11
#define FIXED_1 (1UL << FSHIFT)
#define LOAD_FREQ (5 * HZ)
static const unsigned long load_exp[3] = {
	1884,	/* FIXED_1 * exp(-5/60) */
	2014,	/* FIXED_1 * exp(-5/300) */
	2037,	/* FIXED_1 * exp(-5/900) */
};
static unsigned long avenrun[3];	/* CPU 0's tick writes */
static unsigned int load_ticks;		/* CPU 0's tick only */

static unsigned long calc_load(unsigned long avg, unsigned long e, unsigned long active)
{
	unsigned long v = avg * e + active * (FIXED_1 - e);

	if (active >= avg)
		v += FIXED_1 - 1;	/* round up while rising, so a steady n reaches n */
	return v / FIXED_1;
}

static void calc_load_tick(void)
{
	unsigned long active = 0;
	unsigned int cpu;

	if (++load_ticks < LOAD_FREQ)
		return;
	load_ticks = 0;
	for_each_online_cpu(cpu)
		active += READ_ONCE(cpu_rq(cpu)->nr_running);
	active *= FIXED_1;
	for (int i = 0; i < 3; i++)
		WRITE_ONCE(avenrun[i], calc_load(READ_ONCE(avenrun[i]), load_exp[i], active));
}

void get_avenrun(unsigned long loads[3], unsigned int shift)
{
	for (int i = 0; i < 3; i++)
		loads[i] = READ_ONCE(avenrun[i]) << (shift - FSHIFT);
}

void sched_tick(void)
{
	struct rq *rq = this_rq();
	struct task_struct *curr;

	if (!sched_running || !rq->active)
		return;
	arch_spin_lock(&rq->lock);
	update_curr(rq);
	curr = rq->curr;
	if (curr == rq->idle) {
		if (!list_empty(&rq->queue))
			resched_rq(rq);
	} else if (!list_empty(&rq->queue)) {
		struct task_struct *first = list_first_entry(&rq->queue, struct task_struct, run_node);
		/* The slice is used up once it ran enough and is no longer the most owed. */
		if (curr->sum_exec_runtime - curr->slice_start >= SCHED_MIN_SLICE_NS &&
		    vruntime_before(first->vruntime, curr->vruntime))
			resched_rq(rq);
	}
	arch_spin_unlock(&rq->lock);
	if (++rq->balance_ticks >= BALANCE_INTERVAL_TICKS) {
		rq->balance_ticks = 0;
		if (sched_nr_cpus_active() > 1)
			load_balance(rq);
	}
	if (smp_processor_id() == 0)
		calc_load_tick();
}

/* ---- nice and affinity ---- */

void set_user_nice(struct task_struct *p, long nice)
{
	unsigned long flags;
	struct rq *rq;

	nice = clamp(nice, (long)MIN_NICE, (long)MAX_NICE);
	flags = local_irq_save();
	rq = task_rq_lock(p);
	if (rq->curr == p)
		update_curr(rq);
	p->nice = nice;
	p->weight = nice_to_weight[nice - MIN_NICE];
	arch_spin_unlock(&rq->lock);
	local_irq_restore(flags);
}

/* p's rq locked: a queued task's CPUs in rq->queued_cpus follow its new mask. */
static void set_task_cpus_allowed(struct rq *rq, struct task_struct *p, cpumask_t mask)
{
	bool queued = task_queued(p);

	if (queued)
		dequeue_task(rq, p);
	p->cpus_allowed = mask;
	if (queued)
		enqueue_task(rq, p);
}

int set_cpus_allowed(struct task_struct *p, cpumask_t mask)
{
	unsigned long flags;
	struct rq *rq, *dst;
	bool running_here = false;

	if (cpumask_empty(cpumask_and(mask, sched_cpus_active())))
		return -EINVAL;
	flags = local_irq_save();
	for (;;) {
		rq = task_rq_lock(p);
		set_task_cpus_allowed(rq, p, mask);
		if (cpumask_test_cpu(rq->cpu, mask) || !p->on_rq) {
			/* Fine where it is, or asleep: the wake-up will respect the mask. */
			arch_spin_unlock(&rq->lock);
			break;
		}
		if (rq->curr == p) {
			/* Running: it moves when it next switches out (finish_task_switch). */
			resched_rq(rq);
			running_here = p == current;
			arch_spin_unlock(&rq->lock);
			break;
		}
		if (!task_queued(p)) {
			/* Already on its way (left for finish_task_switch to move). */
			arch_spin_unlock(&rq->lock);
			break;
		}
		arch_spin_unlock(&rq->lock);
		dst = cpu_rq(select_task_rq(p, rq->cpu));
		double_rq_lock(rq, dst);
		if (READ_ONCE(p->cpu) == rq->cpu && task_queued(p) && rq->curr != p) {
			dequeue_task(rq, p);
			rq->nr_running--;
			set_task_cpu(p, dst);
			activate_task(dst, p);
			check_preempt(dst, p);
			double_rq_unlock(rq, dst);
			break;
		}
		double_rq_unlock(rq, dst);	/* it moved meanwhile: look again */
	}
	local_irq_restore(flags);
	if (running_here && preempt_count() == 0 && !irqs_disabled())
		schedule();	/* switch away now: we continue on an allowed CPU */
	return 0;
}

/* ---- task lifetime ---- */

void get_task_struct(struct task_struct *p)
{
	refcount_inc(&p->usage);
}

void put_task_struct(struct task_struct *p)
{
	if (refcount_dec_and_test(&p->usage))
		task_free(p);
}

void task_free(struct task_struct *p)
{
	if (p == &init_task)
		return;
	free_task_identity(p);
	signal_task_free(p);
	if (p->stack)
		free_kernel_stack(p->stack);
	arch_release_thread(p);
	kfree(p);
}

/*
 * The list holds a reference on each task (dropped by __tasklist_del):
 * a zombie stays allocated until it is reaped. A task with a pid is also
 * put in the pid hash. tasklist_lock held for write.
 */
void __tasklist_add(struct task_struct *p)
{
	get_task_struct(p);
	list_add_tail(&p->tasks, &task_list);
	if (p->pid > 0)
		attach_pid(p);
	nr_tasks_total++;
}

void __tasklist_del(struct task_struct *p)
{
	if (p->pid > 0)
		detach_pid(p);
	list_del_init(&p->tasks);
	nr_tasks_total--;
	put_task_struct(p);	/* not the last: the task's own is still held */
}

void tasklist_add(struct task_struct *p)
{
	unsigned long flags;

	write_lock_irqsave(&tasklist_lock, flags);
	__tasklist_add(p);
	write_unlock_irqrestore(&tasklist_lock, flags);
}

void sched_for_each_task(void (*fn)(struct task_struct *p, void *arg), void *arg)
{
	unsigned long flags;
	struct task_struct *p;

	read_lock_irqsave(&tasklist_lock, flags);
	list_for_each_entry(p, &task_list, tasks)
		fn(p, arg);
	read_unlock_irqrestore(&tasklist_lock, flags);
}

unsigned int nr_tasks(void)
{
	return READ_ONCE(nr_tasks_total);
}

/*
 * The stack of a new task, made to look switched out (see switch_to.S):
 * callee-saved registers (zero: rbp 0 ends backtraces), the return
 * address ret_from_kernel_thread, and a zero slot above it, so that
 * after the `ret` the stack is 16-byte aligned as the ABI wants at a call.
 */
static void task_stack_init(struct task_struct *p)
{
	unsigned long *sp = (unsigned long *)p->stack_top;

	*--sp = 0;
	*--sp = 0;
	*--sp = (unsigned long)ret_from_kernel_thread;
	for (int i = 0; i < 6; i++)
		*--sp = 0;	/* rbp, rbx, r12, r13, r14, r15 */
	p->thread.sp = (unsigned long)sp;
}

struct task_struct *task_alloc(const char *comm, int (*fn)(void *), void *data)
{
	struct task_struct *p = kzalloc(sizeof(*p), GFP_KERNEL);

	if (!p)
		return NULL;
	p->stack = alloc_kernel_stack(THREAD_SIZE);
	if (!p->stack) {
		kfree(p);
		return NULL;
	}
	p->stack_top = (unsigned long)p->stack + THREAD_SIZE;
	task_stack_init(p);
	p->state = TASK_NEW;
	p->flags = PF_KTHREAD;
	p->pid = 0;	/* kernel/fork.c gives it a pid and the rest of its identity */
	strlcpy(p->comm, comm, sizeof(p->comm));
	refcount_set(&p->usage, 1);	/* the task's own: dropped by the reaper */
	p->nice = 0;
	p->weight = NICE_0_WEIGHT;
	p->cpus_allowed = CPU_MASK_ALL;
	p->cpu = smp_processor_id();
	p->threadfn = fn;
	p->thread_data = data;
	INIT_LIST_HEAD(&p->run_node);
	INIT_LIST_HEAD(&p->tasks);
	spin_lock_init(&p->alloc_lock);
	signal_task_init_kthread(p);	/* fork's copy_signal/copy_sighand replace it */
	return p;
}

/*
 * The last step of do_exit (kernel/exit.c): the task switches away for
 * good and the reaper drops its own reference.
 */
__noreturn void do_task_dead(int code)
{
	struct task_struct *me = current;
	unsigned int count = preempt_count();

	if (unlikely(count)) {
		/* Left a spinlock held or preemption off: this CPU would never preempt again. */
		printk(KERN_ERR "BUG: %s/%d exited with preempt_count %#x\n", me->comm, me->pid,
		       count);
		dump_stack();
		__preempt_count_sub(count & PREEMPT_MASK);
	}
	exit_signals(me);	/* PF_EXITING: signals go to other threads */
	me->exit_code = code;
	task_dead_prepare();	/* before kthread_stop can return: sched_reap_wait covers us */
	kthread_exit_notify(me);
	preempt_disable();
	/* After this nobody wakes us; finish_task_switch hands us to the reaper. */
	WRITE_ONCE(me->state, TASK_DEAD);
	__schedule(false);
	BUG();
}

/* ---- idle ---- */

static int idle_main(void *unused)
{
	(void)unused;
	cpu_idle_loop();
}

static struct task_struct *idle_task_create(unsigned int cpu)
{
	char name[TASK_COMM_LEN];
	struct task_struct *idle;

	snprintf(name, sizeof(name), "idle/%u", cpu);
	idle = task_alloc(name, idle_main, NULL);
	if (!idle)
		return NULL;
	idle->pid = 0;
	idle->flags |= PF_IDLE;
	idle_task_identity(idle);
	idle->state = TASK_RUNNING;
	idle->cpu = cpu;
	idle->cpus_allowed = cpumask_of(cpu);
	idle->nice = MAX_NICE;
	idle->weight = nice_to_weight[MAX_NICE - MIN_NICE];
	return idle;
}

static void rq_init(unsigned int cpu)
{
	struct rq *rq = cpu_rq(cpu);

	rq->lock = (arch_spinlock_t)__ARCH_SPIN_LOCK_UNLOCKED;
	rq->cpu = cpu;
	INIT_LIST_HEAD(&rq->queue);
}

static void rq_activate(struct rq *rq)
{
	WRITE_ONCE(rq->active, true);
	smp_mb__before_atomic();	/* rq->active and the rq set up before the bit */
	cpumask_set_cpu(rq->cpu, &active_mask);
}

static void init_weights(void)
{
	unsigned int w = NICE_0_WEIGHT;

	nice_to_weight[-MIN_NICE] = w;
	for (int n = 1; n <= MAX_NICE; n++) {
		w = w * 4 / 5;
		nice_to_weight[n - MIN_NICE] = w ? w : 1;
	}
	w = NICE_0_WEIGHT;
	for (int n = -1; n >= MIN_NICE; n--) {
		w = w * 5 / 4;
		nice_to_weight[n - MIN_NICE] = w;
	}
}

void sched_init(void)
{
	struct rq *rq = cpu_rq(0);
	struct task_struct *idle;

	BUILD_BUG_ON(offsetof(struct task_struct, thread.sp) != 0);	/* switch_to.S */
	signal_init();	/* init_task's signal state; task_alloc gives kthreads theirs */
	init_weights();
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		rq_init(cpu);

	/* The boot thread, running on the boot stack, becomes init on CPU 0. */
	init_task.stack = NULL;	/* not ours to free */
	init_task.stack_top = (unsigned long)boot_stack_top;
	init_task.cpu = 0;
	/* ktests read per-CPU data of "this CPU": keep init where it is. */
	init_task.cpus_allowed = cpumask_of(0);
	init_task.exec_start = ktime_get_ns();
	spin_lock_init(&init_task.alloc_lock);
	init_task_identity();
	tasklist_add(&init_task);

	idle = idle_task_create(0);
	if (!idle)
		panic("sched: cannot allocate the idle task");
	tasklist_add(idle);
	rq->idle = idle;
	rq->curr = &init_task;
	rq->nr_running = 1;
	this_cpu_write(current_task, &init_task);
	arch_entry_stack_init(&init_task);	/* it may enter user mode unswitched */
	init_timers_cpu(0);
	rq_activate(rq);
	WRITE_ONCE(sched_running, true);
	pr_info("sched: init task pid 1 on CPU 0, idle task ready\n");
}

/*
 * An AP's idle task is the AP's boot context itself: it runs on the stack
 * smpboot.c gave the AP (not ours to free: stack stays NULL), so only
 * the task_struct is made here.
 */
int sched_prepare_cpu(unsigned int cpu)
{
	struct task_struct *idle;

	if (cpu == 0 || cpu >= NR_CPUS)
		return -EINVAL;
	if (cpu_rq(cpu)->idle)
		return 0;
	idle = kzalloc(sizeof(*idle), GFP_KERNEL);
	if (!idle)
		return -ENOMEM;
	snprintf(idle->comm, sizeof(idle->comm), "idle/%u", cpu);
	idle->state = TASK_RUNNING;
	idle->flags = PF_KTHREAD | PF_IDLE;
	refcount_set(&idle->usage, 1);
	idle->nice = MAX_NICE;
	idle->weight = nice_to_weight[MAX_NICE - MIN_NICE];
	idle->cpu = cpu;
	idle->cpus_allowed = cpumask_of(cpu);
	idle->on_cpu = 1;
	INIT_LIST_HEAD(&idle->run_node);
	INIT_LIST_HEAD(&idle->tasks);
	idle_task_identity(idle);
	signal_task_init_kthread(idle);
	tasklist_add(idle);
	cpu_rq(cpu)->idle = idle;
	cpu_rq(cpu)->curr = idle;
	/* So `current` is valid on the AP from its first lock on. */
	WRITE_ONCE(per_cpu(cpu)->current_task, idle);
	init_timers_cpu(cpu);
	return 0;
}

__noreturn void sched_start_secondary(void)
{
	unsigned int cpu = smp_processor_id();
	struct rq *rq = cpu_rq(cpu);
	struct task_struct *idle;

	BUG_ON(!irqs_disabled());
	if (sched_prepare_cpu(cpu))
		panic("sched: no idle task for CPU %u", cpu);
	idle = rq->idle;
	this_cpu_write(current_task, idle);
	idle->exec_start = ktime_get_ns();
	arch_spin_lock(&cpu_rq(0)->lock);
	rq->min_vruntime = cpu_rq(0)->min_vruntime;
	arch_spin_unlock(&cpu_rq(0)->lock);
	rq_activate(rq);
	local_irq_enable();
	cpu_idle_loop();
}

/* ---- introspection ---- */

static char task_state_char(const struct task_struct *p)
{
	long s = READ_ONCE(p->state);

	if (s == TASK_RUNNING)
		return 'R';
	if (s & TASK_DEAD)
		return 'X';
	if (s & TASK_NEW)
		return 'N';
	if (s & TASK_UNINTERRUPTIBLE)
		return 'D';
	if (s & TASK_INTERRUPTIBLE)
		return 'S';
	if (s & TASK_STOPPED)
		return 'T';
	return '?';
}

/* One task's line and the depth oldest of the locks it holds. */
static void show_task_locks(struct task_struct *p, unsigned int depth)
{
	printk(KERN_INFO "%5d %-16s %c%c %3u %4d %10llu %8lu\n", p->pid, p->comm,
	       task_state_char(p), READ_ONCE(p->on_cpu) ? '*' : ' ', task_cpu(p), p->nice,
	       (unsigned long long)(p->sum_exec_runtime / NSEC_PER_USEC), p->nr_switches);
	lockdep_print_held_locks_depth(&p->held_locks, depth, p->comm);	/* locking helper */
}

void sched_show_task(struct task_struct *p)
{
	show_task_locks(p, p->held_locks.depth);
}

/*
 * The caller's own locks are listed as they were on entry: tasklist_lock,
 * taken here only to print, is not one the report is about.
 */
void show_tasks(void)
{
	unsigned int my_depth = current->held_locks.depth;
	unsigned long flags;
	struct task_struct *p;

	bool locked;

	printk(KERN_INFO "  PID COMM             ST CPU NICE   RUN(us) SWITCHES  (* = on CPU)\n");
	/* From an oops the lock may be held by the CPU that crashed: then walk without it. */
	flags = local_irq_save();
	if (READ_ONCE(oops_in_progress)) {
		locked = read_trylock(&tasklist_lock);
	} else {
		read_lock(&tasklist_lock);
		locked = true;
	}
	list_for_each_entry(p, &task_list, tasks)
		show_task_locks(p, p == current ? my_depth : p->held_locks.depth);
	if (locked)
		read_unlock(&tasklist_lock);
	local_irq_restore(flags);
}

void sched_late_init(void)
{
	workqueue_init();
	task_reaper_init();
}
