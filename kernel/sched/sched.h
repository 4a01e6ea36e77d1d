/*
 * Scheduler internals shared by the files of kernel/sched/ (not for
 * other subsystems: they use include/kestrel/sched.h).
 */
#ifndef KERNEL_SCHED_SCHED_H
#define KERNEL_SCHED_SCHED_H

#include <kestrel/sched.h>
#include <kestrel/spinlock.h>

/*
 * One run queue per CPU.
 *
 * lock protects every field below and the scheduling fields of each task
 * whose ->cpu is this CPU (state changes to and from TASK_RUNNING of a
 * sleeping task, on_rq, vruntime, run_node, ->cpu itself). It is an
 * arch_spinlock_t taken with interrupts off: the tick and wake-ups from
 * interrupt handlers take it, and it is held across the context switch
 * (taken by the task switching out, released by the one switching in),
 * which the lock validator would not understand. Two run-queue locks are
 * always taken in CPU-number order (double_rq_lock; docs/locking.md,
 * "Lock order"). No other lock is
 * taken while holding one, except another run-queue lock.
 *
 * Locks used to protect struct rq's members:
 *	[c] constant after sched_init / sched_prepare_cpu
 *	[S] the lock itself
 *	[a] one word written with WRITE_ONCE, read with READ_ONCE
 *	[q] rq->lock; nr_running_on(), idle_cpu() and the balancer peek at
 *	    nr_running and queued_cpus with READ_ONCE
 */
struct rq {
	arch_spinlock_t lock;		/* [S] */
	unsigned int cpu;		/* [c] */
	bool active;			/* [a] this CPU runs the scheduler (set once) */
	struct list_head queue;		/* [q] runnable tasks but curr, by vruntime (smallest first) */
	unsigned int nr_running;	/* [q] queued + curr (unless curr is idle) */
	u64 min_vruntime;		/* [q] only grows; new and woken tasks are placed near it */
	struct task_struct *curr;	/* [q] running now */
	struct task_struct *idle;	/* [c] runs when nothing else can */
	unsigned long nr_switches;	/* [q] */
	unsigned int balance_ticks;	/* [q] ticks since the last periodic balance */
	unsigned long nr_migrations_in;	/* [q] tasks pulled here by balancing */
	cpumask_t queued_cpus;		/* [q] CPUs some queued task may run on: they may pull from here */
	unsigned long nr_balance_futile;	/* [q] another CPU's balancing locked this queue, took nothing */
} __aligned(64);

extern struct rq runqueues[NR_CPUS];
#define cpu_rq(cpu) (&runqueues[(cpu)])
#define this_rq() cpu_rq(smp_processor_id())

extern bool sched_running;

/* core.c */
__noreturn void cpu_idle_loop(void);
int idle_balance(struct rq *rq);

#endif
