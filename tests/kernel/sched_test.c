/*
 * Scheduler tests (suite sched): threads, wait queues, timers, sleeping,
 * preemption, priorities, affinity, load balancing, workqueues.
 *
 * They run in the init task (pinned to CPU 0) and must pass with one CPU
 * and with several. Waits are bounded (wait_event_timeout, or polling
 * loops of about 10-20 s that end as soon as the condition holds) so a
 * bug fails a test instead of hanging the run; the bounds are generous
 * because TCG vCPUs share busy host cores. No upper timing bound is
 * asserted, only lower bounds and generous ratios.
 */
#include <kestrel/atomic.h>
#include <kestrel/kthread.h>
#include <kestrel/ktest.h>
#include <kestrel/preempt.h>
#include <kestrel/sched.h>
#include <kestrel/spinlock.h>
#include <kestrel/string.h>
#include <kestrel/time.h>
#include <kestrel/timer.h>
#include <kestrel/vmalloc.h>
#include <kestrel/wait.h>
#include <kestrel/workqueue.h>

#define TEST_TIMEOUT (20 * HZ)	/* generous: a wait this long means a lost wake-up */

static unsigned int last_active_cpu(void)
{
	cpumask_t m = sched_cpus_active();
	unsigned int cpu, last = 0;

	for_each_cpu(cpu, m)
		last = cpu;
	return last;
}

/*
 * Every sched test ends by waiting until the threads it made have exited
 * and been freed, so no stack is freed behind the back of a later test
 * that counts free pages.
 */
static void wait_reaped(struct ktest_ctx *t, unsigned int before)
{
	for (int i = 0; i < 4000 && nr_tasks() > before; i++)
		msleep(5);
	KEXPECT(nr_tasks() <= before);
	sched_reap_wait();
}

#define SCHED_KTEST(n)                                                  \
	static void sched_test_##n(struct ktest_ctx *t);                \
	KTEST(sched, n)                                                 \
	{                                                               \
		unsigned int before = nr_tasks();                       \
		sched_test_##n(t);                                      \
		wait_reaped(t, before);                                 \
	}                                                               \
	static void sched_test_##n(struct ktest_ctx *t)

/* ---- a tiny "all done" counter for the tests ---- */

struct done {
	atomic_t count;
	wait_queue_head_t wq;
};

static void done_init(struct done *d)
{
	atomic_set(&d->count, 0);
	init_waitqueue_head(&d->wq);
}

static void done_signal(struct done *d)
{
	atomic_inc_return(&d->count);	/* fully ordered: the signaller's work before the count */
	wake_up_all(&d->wq);
}

/* Wait until n signals; false if it took longer than TEST_TIMEOUT. */
static bool done_wait(struct done *d, int n)
{
	return wait_event_timeout(d->wq, atomic_read(&d->count) >= n,
				  TEST_TIMEOUT) != 0;
}

/* ---- basics ---- */

SCHED_KTEST(preempt_count_layout)
{
	unsigned int base = preempt_count();
	DEFINE_SPINLOCK(l);

	KEXPECT_EQ(base, 0);
	KEXPECT(!in_interrupt());
	KEXPECT(preemptible());
	preempt_disable();
	KEXPECT_EQ(preempt_count(), 1);
	KEXPECT(in_atomic());
	KEXPECT(!preemptible());
	preempt_enable();
	spin_lock(&l);
	KEXPECT_EQ(preempt_count(), 1);
	spin_unlock(&l);
	KEXPECT_EQ(preempt_count(), 0);
	KEXPECT_EQ(HARDIRQ_OFFSET, 1U << 16);
	KEXPECT_EQ(SOFTIRQ_OFFSET, 1U << 8);
}

SCHED_KTEST(current_is_init)
{
	KASSERT(current != NULL);
	KEXPECT_EQ(current->pid, 1);
	KEXPECT_STREQ(current->comm, "init");
	KEXPECT_EQ(current->state, TASK_RUNNING);
	KEXPECT_EQ(task_cpu(current), smp_processor_id());
	KEXPECT(nr_tasks() >= 2);	/* init and idle/0 at least */
}

static int set_flag_fn(void *arg)
{
	WRITE_ONCE(*(int *)arg, 1);
	return 42;
}

SCHED_KTEST(thread_runs_and_exits)
{
	unsigned int before = nr_tasks();
	struct task_struct *k;
	void *stack;
	int flag = 0;

	k = kthread_create(set_flag_fn, &flag, "t-exit");
	KASSERT(!IS_ERR(k));
	KEXPECT_EQ(k->state, TASK_NEW);
	KEXPECT(nr_tasks() >= before + 1);
	get_task_struct(k);	/* it exits on its own: keep it to look at it afterwards */
	wake_up_process(k);
	for (int i = 0; i < 4000 && !READ_ONCE(k->exited); i++)
		msleep(5);
	KEXPECT(READ_ONCE(k->exited));
	KEXPECT_EQ(READ_ONCE(flag), 1);
	KEXPECT_EQ(kthread_stop(k), 42);	/* already exited: just its exit code */
	/* The reaper drops the task's own reference and unlists it; ours is left. */
	for (int i = 0; i < 4000 && refcount_read(&k->usage) != 1; i++)
		msleep(5);
	KEXPECT_EQ(refcount_read(&k->usage), 1);
	KEXPECT_EQ(k->state, TASK_DEAD);
	KEXPECT(list_empty(&k->tasks));
	stack = k->stack;
	KEXPECT(find_vm_area(stack) != NULL);
	put_task_struct(k);	/* frees stack and task */
	KEXPECT(find_vm_area(stack) == NULL);
}

static int loop_until_stop_fn(void *arg)
{
	int *iterations = arg;

	while (!kthread_should_stop()) {
		WRITE_ONCE(*iterations, *iterations + 1);
		schedule_timeout_interruptible(1);
	}
	return 7;
}

SCHED_KTEST(kthread_stop_waits)
{
	int iterations = 0;
	struct task_struct *k = kthread_run(loop_until_stop_fn, &iterations, "t-stop");

	KASSERT(!IS_ERR(k));
	/* Until it runs its loop (a busy host may start it late). */
	for (int i = 0; i < 4000 && !READ_ONCE(iterations); i++)
		msleep(5);
	KEXPECT(READ_ONCE(iterations) > 0);
	KEXPECT_EQ(kthread_stop(k), 7);
}

SCHED_KTEST(kthread_stop_never_started)
{
	int flag = 0;
	struct task_struct *k = kthread_create(set_flag_fn, &flag, "t-nostart");

	KASSERT(!IS_ERR(k));
	KEXPECT_EQ(kthread_stop(k), -EINTR);
	KEXPECT_EQ(flag, 0);
}

SCHED_KTEST(many_threads)
{
	enum { N = 24 };
	static struct done d;
	int flags[N] = { 0 };

	done_init(&d);
	for (int i = 0; i < N; i++) {
		struct task_struct *k = kthread_run(set_flag_fn, &flags[i], "t-many%d", i);
		KASSERT(!IS_ERR(k));
	}
	/* set_flag_fn does not signal: poll the flags with sleeps in between. */
	for (int tries = 0; tries < 4000; tries++) {
		int n = 0;
		for (int i = 0; i < N; i++)
			n += READ_ONCE(flags[i]);
		if (n == N)
			break;
		msleep(5);
	}
	for (int i = 0; i < N; i++)
		KEXPECT_EQ(READ_ONCE(flags[i]), 1);
}

/* ---- wait queues ---- */

/*
 * Producers add tokens one at a time and wake_up(); consumers wait for a
 * token and take it. Each consumer takes exactly PER_CONSUMER tokens. A
 * lost wake-up leaves a consumer asleep with tokens available: the run
 * then times out and the counts are short.
 */
enum { NR_CONSUMERS = 6, NR_PRODUCERS = 3, PER_CONSUMER = 200 };
#define TOKENS_TOTAL (NR_CONSUMERS * PER_CONSUMER)

struct token_pool {
	spinlock_t lock;		/* protects tokens, taken */
	int tokens, taken;
	wait_queue_head_t wq;
	struct done done;
};

static bool take_token(struct token_pool *p)
{
	bool got = false;

	spin_lock(&p->lock);
	if (p->tokens > 0) {
		p->tokens--;
		p->taken++;
		got = true;
	}
	spin_unlock(&p->lock);
	return got;
}

static int consumer_fn(void *arg)
{
	struct token_pool *p = arg;

	for (int i = 0; i < PER_CONSUMER; i++)
		wait_event(p->wq, take_token(p));
	done_signal(&p->done);
	return 0;
}

static int producer_fn(void *arg)
{
	struct token_pool *p = arg;

	for (int i = 0; i < TOKENS_TOTAL / NR_PRODUCERS; i++) {
		spin_lock(&p->lock);
		p->tokens++;
		spin_unlock(&p->lock);
		wake_up(&p->wq);
		if (i % 16 == 0)
			yield();
	}
	done_signal(&p->done);
	return 0;
}

SCHED_KTEST(waitqueue_no_lost_wakeup)
{
	static struct token_pool p;

	spin_lock_init(&p.lock);
	p.tokens = p.taken = 0;
	init_waitqueue_head(&p.wq);
	done_init(&p.done);
	for (int i = 0; i < NR_CONSUMERS; i++)
		KASSERT(!IS_ERR(kthread_run(consumer_fn, &p, "t-cons%d", i)));
	for (int i = 0; i < NR_PRODUCERS; i++)
		KASSERT(!IS_ERR(kthread_run(producer_fn, &p, "t-prod%d", i)));
	KEXPECT(done_wait(&p.done, NR_CONSUMERS + NR_PRODUCERS));
	KEXPECT_EQ(p.taken, TOKENS_TOTAL);
	KEXPECT_EQ(p.tokens, 0);
}

/* Ping-pong: two threads hand a turn back and forth through one wait queue. */
struct pingpong {
	int turn;		/* 0 or 1: whose move */
	int moves[2];
	wait_queue_head_t wq;
	struct done done;
};

struct pp_arg {
	struct pingpong *pp;
	int me;
};

static int pingpong_fn(void *arg)
{
	struct pp_arg *a = arg;
	struct pingpong *pp = a->pp;

	for (int i = 0; i < 300; i++) {
		wait_event(pp->wq, READ_ONCE(pp->turn) == a->me);
		pp->moves[a->me]++;
		WRITE_ONCE(pp->turn, !a->me);
		wake_up(&pp->wq);
	}
	done_signal(&pp->done);
	return 0;
}

SCHED_KTEST(waitqueue_pingpong)
{
	static struct pingpong pp;
	static struct pp_arg args[2];

	pp.turn = 0;
	pp.moves[0] = pp.moves[1] = 0;
	init_waitqueue_head(&pp.wq);
	done_init(&pp.done);
	for (int i = 0; i < 2; i++) {
		args[i] = (struct pp_arg){ &pp, i };
		KASSERT(!IS_ERR(kthread_run(pingpong_fn, &args[i], "t-pp%d", i)));
	}
	KEXPECT(done_wait(&pp.done, 2));
	KEXPECT_EQ(pp.moves[0], 300);
	KEXPECT_EQ(pp.moves[1], 300);
}

SCHED_KTEST(wait_event_timeout_expires)
{
	DECLARE_WAIT_QUEUE_HEAD(wq);
	u64 t0 = ktime_get_ns();
	long ret = wait_event_timeout(wq, false, 3);

	KEXPECT_EQ(ret, 0);
	/* 3 jiffies from somewhere inside the current tick: more than 2 full ticks. */
	KEXPECT(ktime_get_ns() - t0 >= 2 * (NSEC_PER_SEC / HZ));
	KEXPECT_EQ(wait_event_timeout(wq, true, 0), 1);
	KEXPECT_EQ(wait_event_timeout(wq, true, 5), 5);
}

/* ---- timers and sleeping ---- */

struct timer_probe {
	struct timer_list timer;
	int fired;
	bool in_irq_seen;
	unsigned int cpu;
};

static void probe_fn(struct timer_list *t)
{
	struct timer_probe *p = from_timer(p, t, timer);

	p->in_irq_seen = in_irq();
	p->cpu = smp_processor_id();
	WRITE_ONCE(p->fired, p->fired + 1);
}

SCHED_KTEST(timer_fires_once_in_irq)
{
	static struct timer_probe p;

	p.fired = 0;
	timer_setup(&p.timer, probe_fn, 0);
	KEXPECT_EQ(mod_timer(&p.timer, get_jiffies_64() + 2), 0);
	KEXPECT(timer_pending(&p.timer));
	msleep(100);
	KEXPECT_EQ(READ_ONCE(p.fired), 1);
	KEXPECT(p.in_irq_seen);
	KEXPECT_EQ(p.cpu, smp_processor_id());	/* queued on this CPU's base */
	KEXPECT(!timer_pending(&p.timer));
	KEXPECT_EQ(del_timer_sync(&p.timer), 0);
}

SCHED_KTEST(del_timer_prevents_firing)
{
	static struct timer_probe p;

	p.fired = 0;
	timer_setup(&p.timer, probe_fn, 0);
	mod_timer(&p.timer, get_jiffies_64() + 5);
	KEXPECT_EQ(mod_timer(&p.timer, get_jiffies_64() + 10), 1);	/* was pending */
	KEXPECT_EQ(del_timer_sync(&p.timer), 1);
	msleep(150);
	KEXPECT_EQ(READ_ONCE(p.fired), 0);
}

SCHED_KTEST(msleep_lower_bound)
{
	static const unsigned int ms[] = { 1, 10, 25, 60 };

	for (size_t i = 0; i < ARRAY_SIZE(ms); i++) {
		u64 t0 = ktime_get_ns(), dt;
		msleep(ms[i]);
		dt = ktime_get_ns() - t0;
		if (!KEXPECT(dt >= ms[i] * NSEC_PER_MSEC))
			printk(KERN_ERR "    # msleep(%u) took %llu ns\n", ms[i], (unsigned long long)dt);
	}
}

SCHED_KTEST(schedule_timeout_returns_remaining)
{
	long left;

	/* Nobody wakes us: the whole timeout passes. */
	left = schedule_timeout_uninterruptible(2);
	KEXPECT_EQ(left, 0);
	KEXPECT_EQ(current->state, TASK_RUNNING);
}

/* ---- preemption and priorities ---- */

struct spin_pair {
	int a_started;		/* A is in its loop */
	int b_ran;		/* set by thread B */
	int a_saw_b;		/* A observed B's store while A was still spinning */
	struct done done;
};

#define SPIN_LIMIT_NS (5 * NSEC_PER_SEC)

static int spinner_a_fn(void *arg)
{
	struct spin_pair *sp = arg;
	u64 t0 = ktime_get_ns();

	WRITE_ONCE(sp->a_started, 1);
	/* Never sleeps and never yields: only preemption lets B run on this CPU. */
	while (!READ_ONCE(sp->b_ran) && ktime_get_ns() - t0 < SPIN_LIMIT_NS)
		cpu_relax();
	sp->a_saw_b = READ_ONCE(sp->b_ran);
	done_signal(&sp->done);
	return 0;
}

static int setter_b_fn(void *arg)
{
	struct spin_pair *sp = arg;

	WRITE_ONCE(sp->b_ran, 1);
	done_signal(&sp->done);
	return 0;
}

SCHED_KTEST(busy_thread_is_preempted)
{
	static struct spin_pair sp;
	unsigned int cpu = last_active_cpu();
	struct task_struct *a, *b;

	sp.a_started = sp.b_ran = sp.a_saw_b = 0;
	done_init(&sp.done);
	a = kthread_create(spinner_a_fn, &sp, "t-spinA");
	b = kthread_create(setter_b_fn, &sp, "t-setB");
	KASSERT(!IS_ERR(a) && !IS_ERR(b));
	kthread_bind(a, cpu);
	kthread_bind(b, cpu);
	wake_up_process(a);
	for (int i = 0; i < 4000 && !READ_ONCE(sp.a_started); i++)
		msleep(5);
	KEXPECT(READ_ONCE(sp.a_started));	/* A is spinning on cpu now */
	wake_up_process(b);
	KEXPECT(done_wait(&sp.done, 2));
	KEXPECT_EQ(sp.a_saw_b, 1);
}

struct wake_arg {
	int go, ran;
	wait_queue_head_t wq;
	struct done done;
};

static int wake_sleeper_fn(void *arg)
{
	struct wake_arg *w = arg;

	wait_event(w->wq, READ_ONCE(w->go));
	WRITE_ONCE(w->ran, 1);
	done_signal(&w->done);
	return 0;
}

/*
 * A thread that slept wakes with a smaller vruntime than the running
 * task (init, which just ran 30 ms): the wake-up must set need_resched,
 * so the first preemption point after it (preempt_enable) switches to the
 * woken thread before init goes on. Same CPU, no timing involved.
 */
SCHED_KTEST(wakeup_preempts)
{
	static struct wake_arg w;
	unsigned int cpu = smp_processor_id();
	struct task_struct *k;
	u64 t0;

	w.go = w.ran = 0;
	init_waitqueue_head(&w.wq);
	done_init(&w.done);
	k = kthread_create(wake_sleeper_fn, &w, "t-wakee");
	KASSERT(!IS_ERR(k));
	kthread_bind(k, cpu);
	wake_up_process(k);
	/* Until it sleeps on w.wq (off the run queue). */
	for (int i = 0; i < 5000 && !(READ_ONCE(k->state) == TASK_UNINTERRUPTIBLE && !READ_ONCE(k->on_rq)); i++)
		msleep(2);
	KASSERT(READ_ONCE(k->state) == TASK_UNINTERRUPTIBLE);
	t0 = ktime_get_ns();
	while (ktime_get_ns() - t0 < 30 * NSEC_PER_MSEC)
		cpu_relax();	/* init's vruntime grows well past the sleeper's */
	preempt_disable();
	WRITE_ONCE(w.go, 1);
	wake_up(&w.wq);
	KEXPECT_EQ(READ_ONCE(w.ran), 0);	/* cannot have run: no preemption yet */
	preempt_enable();			/* preemption point: the woken task runs now */
	KEXPECT_EQ(READ_ONCE(w.ran), 1);
	KEXPECT(done_wait(&w.done, 1));
}

struct nice_arg {
	int stop;
	unsigned long count[2];
	struct done done;
};

struct nice_thread {
	struct nice_arg *na;
	int idx;
};

static int counter_fn(void *arg)
{
	struct nice_thread *nt = arg;
	struct nice_arg *na = nt->na;
	unsigned long n = 0;

	while (!READ_ONCE(na->stop)) {
		n++;
		cpu_relax();
	}
	na->count[nt->idx] = n;
	done_signal(&na->done);
	return 0;
}

SCHED_KTEST(nice_gives_more_cpu)
{
	static struct nice_arg na;
	static struct nice_thread nt[2];
	static const int nices[2] = { -10, 10 };
	unsigned int cpu = last_active_cpu();
	struct task_struct *k[2];

	na.stop = 0;
	done_init(&na.done);
	for (int i = 0; i < 2; i++) {
		nt[i] = (struct nice_thread){ &na, i };
		k[i] = kthread_create(counter_fn, &nt[i], "t-nice%d", nices[i]);
		KASSERT(!IS_ERR(k[i]));
		kthread_bind(k[i], cpu);
		set_user_nice(k[i], nices[i]);
		KEXPECT_EQ(task_nice(k[i]), nices[i]);
	}
	for (int i = 0; i < 2; i++)
		wake_up_process(k[i]);
	/*
	 * Long enough that a tick delayed by a busy host (TCG vCPUs share
	 * host cores), which stretches one slice, is averaged out.
	 */
	msleep(1000);
	WRITE_ONCE(na.stop, 1);
	KEXPECT(done_wait(&na.done, 2));
	printk(KERN_INFO "    # nice -10: %lu, nice +10: %lu iterations on CPU %u\n", na.count[0],
	       na.count[1], cpu);
	/* Weights 9537 : 110; allow a lot of slack. */
	KEXPECT(na.count[0] > 3 * na.count[1]);
}

/* ---- affinity ---- */

struct affinity_arg {
	unsigned int cpu;
	int bad;		/* iterations that ran elsewhere */
	int iterations;
	struct done *done;
};

static int pinned_fn(void *arg)
{
	struct affinity_arg *a = arg;

	for (int i = 0; i < 40; i++) {
		if (smp_processor_id() != a->cpu)
			a->bad++;
		a->iterations++;
		if (i % 4 == 0)
			msleep(1);
		else
			yield();
	}
	done_signal(a->done);
	return 0;
}

SCHED_KTEST(affinity_bind_respected)
{
	static struct affinity_arg args[NR_CPUS];
	static struct done d;
	cpumask_t active = sched_cpus_active();
	unsigned int cpu;
	int n = 0;

	done_init(&d);
	for_each_cpu(cpu, active) {
		struct task_struct *k;
		args[cpu] = (struct affinity_arg){ .cpu = cpu, .done = &d };
		k = kthread_create(pinned_fn, &args[cpu], "t-pin%u", cpu);
		KASSERT(!IS_ERR(k));
		kthread_bind(k, cpu);
		wake_up_process(k);
		n++;
	}
	KEXPECT(done_wait(&d, n));
	for_each_cpu(cpu, active) {
		KEXPECT_EQ(args[cpu].iterations, 40);
		KEXPECT_EQ(args[cpu].bad, 0);
	}
}

static int repin_self_fn(void *arg)
{
	struct affinity_arg *a = arg;

	if (set_cpus_allowed(current, cpumask_of(a->cpu)) == 0)
		pinned_fn(arg);
	else
		done_signal(a->done);
	return 0;
}

SCHED_KTEST(affinity_set_on_running_thread)
{
	static struct affinity_arg args[NR_CPUS];
	static struct done d;
	cpumask_t active = sched_cpus_active();
	unsigned int cpu;
	int n = 0;

	done_init(&d);
	for_each_cpu(cpu, active) {
		args[cpu] = (struct affinity_arg){ .cpu = cpu, .done = &d };
		KASSERT(!IS_ERR(kthread_run(repin_self_fn, &args[cpu], "t-repin%u", cpu)));
		n++;
	}
	KEXPECT(done_wait(&d, n));
	for_each_cpu(cpu, active) {
		KEXPECT_EQ(args[cpu].iterations, 40);
		KEXPECT_EQ(args[cpu].bad, 0);
	}
	KEXPECT_EQ(set_cpus_allowed(current, CPU_MASK_NONE), -EINVAL);
}

struct move_arg {
	int started;
	int stop;
	int target;		/* CPU it was told to move to, or -1 */
	int arrived;		/* it saw smp_processor_id() == target */
	struct done done;
};

static int spin_until_moved_fn(void *arg)
{
	struct move_arg *m = arg;

	WRITE_ONCE(m->started, 1);
	/* Spins (never sleeps): only the preemption-time migration can move it. */
	while (!READ_ONCE(m->stop)) {
		int target = READ_ONCE(m->target);
		if (target >= 0 && smp_processor_id() == (unsigned int)target) {
			WRITE_ONCE(m->arrived, 1);
			break;
		}
		cpu_relax();
	}
	done_signal(&m->done);
	return 0;
}

/* A thread running on CPU a is re-pinned to CPU b by another task: it must get there. */
SCHED_KTEST(affinity_moves_running_thread)
{
	static struct move_arg m;
	unsigned int a = last_active_cpu(), b = 0;
	struct task_struct *k;

	m.started = m.stop = m.arrived = 0;
	m.target = -1;
	done_init(&m.done);
	k = kthread_create(spin_until_moved_fn, &m, "t-move");
	KASSERT(!IS_ERR(k));
	kthread_bind(k, a);
	wake_up_process(k);
	for (int i = 0; i < 4000 && !READ_ONCE(m.started); i++)
		msleep(5);
	KEXPECT(READ_ONCE(m.started));	/* running on a now */
	if (a == b) {
		/* One CPU: nowhere to move; just check it runs where bound. */
		KEXPECT_EQ(task_cpu(k), a);
	} else {
		WRITE_ONCE(m.target, (int)b);
		KEXPECT_EQ(set_cpus_allowed(k, cpumask_of(b)), 0);
		for (int i = 0; i < 5000 && !READ_ONCE(m.arrived); i++)
			msleep(2);
		KEXPECT_EQ(READ_ONCE(m.arrived), 1);
	}
	WRITE_ONCE(m.stop, 1);
	KEXPECT(done_wait(&m.done, 1));
}

/* ---- load balancing ---- */

struct spread_arg {
	int stop;
	atomic_long_t seen[NR_CPUS];	/* per CPU: iterations seen there by any thread */
	struct done done;
};

static int busy_fn(void *arg)
{
	struct spread_arg *s = arg;
	unsigned long n = 0;

	while (!READ_ONCE(s->stop)) {
		if (++n % 1024 == 0)
			atomic_long_inc(&s->seen[smp_processor_id()]);
		cpu_relax();
	}
	done_signal(&s->done);
	return 0;
}

/*
 * N busy threads all start on CPU 0 (bound there, then unbound while
 * queued): only the periodic pull can move them. Afterwards every online
 * CPU must have run some of them.
 */
SCHED_KTEST(load_balance_spreads_busy_threads)
{
	static struct spread_arg s;
	static struct task_struct *k[2 * NR_CPUS];
	unsigned int ncpus = sched_nr_cpus_active(), nthreads = 2 * ncpus, cpu, used = 0;
	cpumask_t active = sched_cpus_active();

	__builtin_memset(&s, 0, sizeof(s));
	done_init(&s.done);
	for (unsigned int i = 0; i < nthreads; i++) {
		k[i] = kthread_create(busy_fn, &s, "t-busy%u", i);
		KASSERT(!IS_ERR(k[i]));
		kthread_bind(k[i], 0);
		wake_up_process(k[i]);
	}
	for (unsigned int i = 0; i < nthreads; i++)
		KEXPECT_EQ(set_cpus_allowed(k[i], CPU_MASK_ALL), 0);
	msleep(ncpus > 1 ? 1500 : 200);
	WRITE_ONCE(s.stop, 1);
	KEXPECT(done_wait(&s.done, nthreads));
	for_each_cpu(cpu, active)
		used += atomic_long_read(&s.seen[cpu]) != 0;
	printk(KERN_INFO "    # %u busy threads ran on %u of %u CPUs\n", nthreads, used, ncpus);
	KEXPECT_EQ(used, ncpus);
}

/* ---- workqueues ---- */

struct counted_work {
	struct work_struct work;
	atomic_t runs;
	int sleep_ms;
};

static void counted_fn(struct work_struct *w)
{
	struct counted_work *cw = container_of(w, struct counted_work, work);

	if (cw->sleep_ms)
		msleep(cw->sleep_ms);
	atomic_inc_return(&cw->runs);	/* fully ordered, as the flush relies on */
}

SCHED_KTEST(workqueue_runs_once_and_flush_waits)
{
	enum { N = 32 };
	static struct counted_work cw[N];

	for (int i = 0; i < N; i++) {
		INIT_WORK(&cw[i].work, counted_fn);
		atomic_set(&cw[i].runs, 0);
		cw[i].sleep_ms = i % 8 == 0 ? 20 : 0;
		KEXPECT(queue_work(system_wq, &cw[i].work));
	}
	for (int i = 0; i < N; i++) {
		flush_work(&cw[i].work);
		/* flush_work returned: it ran, and only once. */
		KEXPECT_EQ(atomic_read(&cw[i].runs), 1);
		KEXPECT(!work_pending(&cw[i].work));
	}
	/* Queued again after it ran: runs again, once. */
	KEXPECT(schedule_work(&cw[0].work));
	flush_work(&cw[0].work);
	KEXPECT_EQ(atomic_read(&cw[0].runs), 2);
}

struct gate_work {
	struct work_struct work;
	int open;
	int ran;
	wait_queue_head_t wq;
};

static void gate_fn(struct work_struct *w)
{
	struct gate_work *g = container_of(w, struct gate_work, work);

	wait_event(g->wq, READ_ONCE(g->open));
	WRITE_ONCE(g->ran, 1);
}

SCHED_KTEST(workqueue_pending_and_cancel)
{
	static struct gate_work gate;
	static struct counted_work cw;
	struct workqueue_struct *wq = alloc_workqueue("t-wq", 0, 1);

	KASSERT(wq != NULL);
	INIT_WORK(&gate.work, gate_fn);
	gate.open = gate.ran = 0;
	init_waitqueue_head(&gate.wq);
	INIT_WORK(&cw.work, counted_fn);
	atomic_set(&cw.runs, 0);
	cw.sleep_ms = 0;

	KEXPECT(queue_work(wq, &gate.work));	/* the only worker blocks in it */
	KEXPECT(queue_work(wq, &cw.work));
	KEXPECT(!queue_work(wq, &cw.work));	/* already pending: not queued twice */
	KEXPECT(work_pending(&cw.work));
	KEXPECT(cancel_work_sync(&cw.work));	/* was pending: removed */
	KEXPECT(!work_pending(&cw.work));

	WRITE_ONCE(gate.open, 1);
	wake_up(&gate.wq);
	flush_work(&gate.work);
	KEXPECT_EQ(READ_ONCE(gate.ran), 1);
	flush_workqueue(wq);
	KEXPECT_EQ(atomic_read(&cw.runs), 0);		/* cancelled before it ran */
	destroy_workqueue(wq);
}

static void count_task(struct task_struct *p, void *arg)
{
	unsigned int *counts = arg;

	counts[0]++;
	if (p->flags & PF_IDLE)
		counts[1]++;
	if (p == current)
		counts[2]++;
}

SCHED_KTEST(show_tasks_lists_init)
{
	unsigned int counts[3] = { 0, 0, 0 };

	show_tasks();
	KEXPECT(nr_tasks() >= 2 + 4);	/* init, idle/0, the four system_wq workers */
	sched_for_each_task(count_task, counts);
	KEXPECT(counts[0] >= 2 + 4);
	KEXPECT(counts[1] >= sched_nr_cpus_active());	/* an idle task per CPU */
	KEXPECT_EQ(counts[2], 1);
}
