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
 * always taken in CPU-number order (double_rq_lock). No other lock is
 * taken while holding one, except another run-queue lock.
 */
struct rq {
	arch_spinlock_t lock;
	unsigned int cpu;
	bool active;			/* this CPU runs the scheduler */
	struct list_head queue;		/* runnable tasks but curr, by vruntime (smallest first) */
	unsigned int nr_running;	/* queued + curr (unless curr is idle) */
	u64 min_vruntime;		/* only grows; new and woken tasks are placed near it */
	struct task_struct *curr;	/* running now */
	struct task_struct *idle;	/* runs when nothing else can */
	unsigned long nr_switches;
	unsigned int balance_ticks;	/* ticks since the last periodic balance */
	unsigned long nr_migrations_in;	/* tasks pulled here by balancing */
} __aligned(64);

extern struct rq runqueues[NR_CPUS];
#define cpu_rq(cpu) (&runqueues[(cpu)])
#define this_rq() cpu_rq(smp_processor_id())

extern bool sched_running;

/* core.c */
__noreturn void cpu_idle_loop(void);
int idle_balance(struct rq *rq);

#endif
