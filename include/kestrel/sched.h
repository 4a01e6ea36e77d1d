/*
 * Tasks and the scheduler (kernel/sched/, docs/sched.md).
 *
 * A task is a kernel thread: its own kernel stack (with a guard page
 * below it) and a struct task_struct. `current` is the task running on
 * this CPU. Each CPU has a run queue of runnable tasks and picks the one
 * with the smallest virtual runtime (time run, scaled down by its weight,
 * which comes from its nice value -20..19).
 *
 * Sleeping, the Linux way:
 *
 *	set_current_state(TASK_UNINTERRUPTIBLE);	// before testing
 *	if (!condition)
 *		schedule();				// off the run queue
 *	__set_current_state(TASK_RUNNING);
 *
 * and the waker makes the condition true, then wake_up_process(task)
 * (or uses a wait queue, include/kestrel/wait.h, which does all this).
 * A wake-up between set_current_state() and schedule() is not lost:
 * it puts the state back to TASK_RUNNING, and schedule() then keeps the
 * task on the run queue.
 *
 * Lifetime: a task_struct is reference counted (get_task_struct /
 * put_task_struct); a running task holds one reference on itself, which
 * is dropped (and its stack freed) by someone else after it has switched
 * away for the last time.
 *
 * Locks used to protect struct task_struct's members (the order in which
 * they nest: docs/locking.md, "Lock order"):
 *	[c] constant after creation: set before the task is first woken or
 *	    listed (kernel/fork.c, task_alloc)
 *	[a] atomic, or one word written with WRITE_ONCE and read with READ_ONCE
 *	[p] the task itself only (current); another task reads it, if at
 *	    all, racily (a stale value at worst)
 *	[q] the lock of the run queue the task belongs to (task_rq_lock)
 *	[t] tasklist_lock (include/kestrel/pid.h), written to change
 *	[g] sighand->siglock
 *	[k] task_lock(p) (p->alloc_lock): the task holds it to change the
 *	    field, another task to read it (get_task_mm)
 *	[S] a lock itself
 *	[e] an embedded struct whose own members carry the tags
 */
#ifndef KESTREL_SCHED_H
#define KESTREL_SCHED_H

#include <kestrel/atomic.h>
#include <kestrel/compiler.h>
#include <kestrel/cpumask.h>
#include <kestrel/list.h>
#include <kestrel/lockdep.h>
#include <kestrel/percpu.h>
#include <kestrel/preempt.h>
#include <kestrel/refcount.h>
#include <kestrel/restart_block.h>
#include <kestrel/spinlock.h>
#include <kestrel/signal.h>

/* Task states (task->state). */
#define TASK_RUNNING 0x0000		/* runnable or running */
#define TASK_INTERRUPTIBLE 0x0001	/* asleep until woken or a signal arrives */
#define TASK_UNINTERRUPTIBLE 0x0002	/* asleep until woken */
#define TASK_STOPPED 0x0004		/* job-control stop (SIGSTOP, SIGTSTP, ...) */
#define TASK_DEAD 0x0080		/* exited, waiting to be reaped */
#define TASK_WAKEKILL 0x0100		/* a fatal signal wakes it */
#define TASK_KILLABLE (TASK_WAKEKILL | TASK_UNINTERRUPTIBLE)

/* task->exit_state */
#define EXIT_DEAD 0x0010
#define EXIT_ZOMBIE 0x0020
#define TASK_NEW 0x0800			/* created, never woken yet */
#define TASK_NORMAL (TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)

/* task->flags */
#define PF_IDLE 0x0002		/* a CPU's idle task */
#define PF_EXITING 0x0004	/* in do_exit() */
#define PF_WQ_WORKER 0x0020	/* a workqueue worker */
#define PF_FORKNOEXEC 0x0040	/* forked but did not exec (setpgid's EACCES); exec clears it */
#define PF_NPROC_EXCEEDED 0x1000	/* setuid to a user over RLIMIT_NPROC: the next execve fails */
#define PF_MEMALLOC_NOFS 0x00040000	/* allocations must not reclaim through file systems */
#define PF_KTHREAD 0x00200000	/* a kernel thread */

#define TASK_COMM_LEN 16
#define THREAD_SIZE 16384	/* kernel stack of a task */

#define MAX_NICE 19
#define MIN_NICE -20

/* Registers saved by __switch_to_asm (arch/x86/kernel/switch_to.S). */
struct thread_struct {
	unsigned long sp;	/* the stack pointer while switched out */
	/* User-mode state (arch/x86/kernel/process.c), saved and restored at switches: */
	unsigned long fsbase;	/* arch_prctl(ARCH_SET_FS): user TLS */
	unsigned long gsbase;	/* user GS base (the kernel's is per CPU) */
	void *fpu;		/* XSAVE area (64-byte aligned), NULL for kernel threads */
};

struct pt_regs;
struct blk_plug;
struct completion;
struct cred;
struct files_struct;
struct fs_struct;
struct mm_struct;
struct signal_struct;
struct sighand_struct;

struct task_struct {
	struct thread_struct thread;	/* [p] offset 0: switch_to.S relies on it */
	volatile long state;		/* [q,p] TASK_*: the task sets its own (set_current_state); a waker sets TASK_RUNNING under [q] */
	unsigned int flags;		/* [p] PF_* (PF_EXITING also under [g]) */
	int pid;				/* [c] */
	char comm[TASK_COMM_LEN];		/* [p] set_task_comm at exec; /proc copies it racily */
	refcount_t usage;		/* [a] get_task_struct/put_task_struct */

	/* Scheduling: fields below are protected by the lock of the rq the task is on. */
	unsigned int cpu;		/* [q] run queue the task belongs to (or last ran on); task_cpu() peeks */
	int on_rq;			/* [q] runnable and owned by rq cpu (queued or running) */
	int on_cpu;			/* [q] running right now (until the switch away completes) */
	int nice;			/* [q] -20..19 */
	unsigned int weight;		/* [q] from nice: 1024 at nice 0, x1.25 per step */
	u64 vruntime;			/* [q] virtual runtime: ns run * 1024 / weight */
	u64 exec_start;			/* [q] ktime when it last started running or was accounted */
	u64 sum_exec_runtime;		/* [q] ns run in total */
	u64 slice_start;		/* [q] sum_exec_runtime when last switched in */
	u64 sleep_start;		/* [q] ktime when it last went to sleep (the hung-task check peeks) */
	unsigned long nr_switches;	/* [q] times switched in */
	struct list_head run_node;	/* [q] in rq->queue, sorted by vruntime, while queued */
	cpumask_t cpus_allowed;		/* [q] affinity: set_cpus_allowed() */

	/* Kernel stack: [stack, stack + THREAD_SIZE), guard page below. */
	void *stack;				/* [c] */
	unsigned long stack_top;	/* [c] loaded into TSS.rsp0 when switched in */

	/* kthreads (kernel/kthread.c) */
	int (*threadfn)(void *data);		/* [c] */
	void *thread_data;			/* [c] */
	bool should_stop;		/* [a] kthread_stop() asked it to return */
	bool exited;			/* [a] do_exit() ran: exit_code is valid */
	int exit_code;				/* [p] written before exited (kthread_stop reads it after) */

	void *worker;			/* [p] workqueue worker state, if PF_WQ_WORKER */

	/* Locks this task holds (kernel/locking/lockdep.c); only the task itself changes it. */
	struct held_locks held_locks;		/* [p] */
	/* Must-not-block sections (nosleep_begin/end, kestrel/contract.h): might_sleep() reports inside. */
	unsigned int nosleep_depth;		/* [p] */
	unsigned int pagefault_disabled;	/* [p] pagefault_disable() nesting (include/kestrel/uaccess.h) */
	struct blk_plug *plug;			/* [p] block requests held back to batch them (blkdev.h) */

	struct list_head tasks;		/* [t] in the list of all tasks */

	/*
	 * User address space (include/kestrel/mm_types.h). mm is NULL for a
	 * kernel thread, which borrows the previous task's page tables:
	 * active_mm is the mm whose tables are loaded while it runs. Only the
	 * task itself changes them (exec, exit), under task_lock and with
	 * interrupts off around the switch.
	 */
	struct mm_struct *mm;			/* [p,k] */
	struct mm_struct *active_mm;		/* [p,k] */
	spinlock_t alloc_lock;			/* [S] task_lock(): see [k] */

	/*
	 * Process identity (kernel/fork.c, kernel/exit.c; docs/process.md).
	 * pid is the thread id; tgid the process id (the group leader's pid).
	 * The family links are under tasklist_lock.
	 */
	int tgid;				/* [c] */
	struct task_struct *group_leader;	/* [c] the thread whose pid is tgid */
	struct list_head thread_node;		/* [g] in signal->thread_head */
	struct task_struct *real_parent;	/* [t] who forked us (or init after reparenting) */
	struct task_struct *parent;		/* [t] who gets SIGCHLD and wait()s for us */
	struct list_head children;		/* [t] our children's ->sibling */
	struct list_head sibling;		/* [t] in parent->children */
	int exit_state;				/* [t] EXIT_ZOMBIE, EXIT_DEAD, or 0 while alive */
	int exit_signal;			/* [c] sent to the parent at exit (SIGCHLD; -1 for threads) */
	int __user *set_child_tid;		/* [p] CLONE_CHILD_SETTID */
	int __user *clear_child_tid;		/* [p] CLONE_CHILD_CLEARTID / set_tid_address */
	void __user *robust_list;		/* [p] set_robust_list */
	size_t robust_list_len;			/* [p] */
	struct completion *vfork_done;		/* [c] vfork parent waits for exec or exit */
	u64 start_time;				/* [c] ns since boot, for /proc/<pid>/stat */
	unsigned long min_flt, maj_flt;		/* [p] page faults (getrusage and /proc peek) */
	unsigned long nr_syscalls;		/* [p] system calls made (/proc/<pid>/syscalls peeks) */

	/* Per-task pointers to shareable state, each reference counted (CLONE_FILES, CLONE_FS). */
	const struct cred *cred;		/* [p] replaced whole (commit_creds); others: __task_cred() under RCU */
	struct files_struct *files;		/* [p] cleared at exit under task_files_lock (fs/file.c) */
	struct fs_struct *fs;			/* [p] */

	/* Signals (kernel/signal.c, include/kestrel/sched_signal.h); under sighand->siglock. */
	struct signal_struct *signal;		/* [c] */
	struct sighand_struct *sighand;		/* [g] replaced by exec (unshare_sighand) */
	sigset_t blocked;			/* [g] signals not delivered now; only the task changes it */
	sigset_t real_blocked;			/* [g] saved by rt_sigtimedwait */
	sigset_t saved_sigmask;			/* [p] restored after rt_sigsuspend / ppoll */
	bool restore_sigmask;			/* [p] */
	struct sigpending pending;		/* [g] thread-directed signals */
	unsigned long sas_ss_sp;		/* [p] sigaltstack */
	size_t sas_ss_size;			/* [p] */
	unsigned int sas_ss_flags;		/* [p] */
	unsigned int jobctl;			/* [g] JOBCTL_*: pending stop or trap work */

	/* Proc helper (kernel/pid.c, kernel/exit.c; include/kestrel/pid.h): */
	struct hlist_node pid_node;		/* [t] in the pid hash */
	bool exit_notified;			/* [t] parent told (or autoreaped) */
	/*
	 * [p] The user this task counts against for RLIMIT_NPROC (a
	 * reference; kernel/user.c): its real uid's at fork, moved by
	 * commit_creds, dropped at release. NULL for kernel threads, which are
	 * not counted.
	 */
	struct user_struct *nproc_user;

	/* misc helper (kernel/time/, kernel/futex/): only the task itself uses it. */
	struct restart_block restart_block;	/* [p] how restart_syscall(2) goes on */
};

/* p->mm (and p->active_mm) do not change while it is held; a leaf lock. */
static inline void task_lock(struct task_struct *p)
{
	spin_lock(&p->alloc_lock);
}

static inline void task_unlock(struct task_struct *p)
{
	spin_unlock(&p->alloc_lock);
}

/* The boot thread, which becomes the init task in sched_init() (runs ktests). */
extern struct task_struct init_task;

static __always_inline struct task_struct *get_current(void)
{
	return this_cpu_read(current_task);
}
#define current get_current()

/*
 * Set the state before testing the sleep condition: the full barrier
 * orders the store before the loads of the condition, so a waker that
 * changes the condition and then wakes us either sees our new state or
 * we see its condition.
 */
#define __set_current_state(s) WRITE_ONCE(current->state, (s))
#define set_current_state(s) smp_store_mb(current->state, (s))

/* Give up the CPU; if current->state is not TASK_RUNNING, sleep until woken. */
void schedule(void);
/*
 * First call of a new task on its first switch-in (ret_from_kernel_thread,
 * ret_from_fork): finish the switch away from prev (run-queue lock,
 * interrupts, preemption).
 */
void schedule_tail(struct task_struct *prev);
/* Let other runnable tasks of the same or better claim run first. */
void yield(void);
/* A preemption point in long loops (useless with preemption on, harmless). */
void cond_resched(void);

/*
 * Make p runnable if it sleeps (or was just created); returns 1 if it
 * changed p's state, 0 if p was already running. Safe from interrupts.
 */
int wake_up_process(struct task_struct *p);
/* Same, but only if p's state is one of state (TASK_NORMAL, ...). */
int wake_up_state(struct task_struct *p, unsigned int state);

/* Sleep (current->state set by the caller) until woken or timeout jiffies pass. */
#define MAX_SCHEDULE_TIMEOUT ((long)(~0UL >> 1))
long schedule_timeout(long timeout);
long schedule_timeout_uninterruptible(long timeout);
long schedule_timeout_interruptible(long timeout);

void set_user_nice(struct task_struct *p, long nice);
static inline int task_nice(const struct task_struct *p)
{
	return p->nice;
}

/*
 * Restrict p to the CPUs in mask (at least one of them running the
 * scheduler, else -EINVAL). If p runs elsewhere it is moved at its next
 * switch (current: before this returns).
 */
int set_cpus_allowed(struct task_struct *p, cpumask_t mask);

static inline unsigned int task_cpu(const struct task_struct *p)
{
	return READ_ONCE(p->cpu);
}

void get_task_struct(struct task_struct *p);
/* Drop a reference; the last one frees the stack and the struct (task context only). */
void put_task_struct(struct task_struct *p);

/*
 * Wait until every task that has begun its last switch (do_task_dead)
 * has been through the reaper, so its stack is freed unless someone else
 * still holds a reference: tests that count free pages call it after
 * their threads exited (kthread_stop, wait4).
 */
void sched_reap_wait(void);

/* End the current task (kthreads: returning from threadfn does this). */
__noreturn void do_exit(int code);

/* CPUs the scheduler runs on (sched_init, sched_start_secondary). */
cpumask_t sched_cpus_active(void);
unsigned int sched_nr_cpus_active(void);
/* Runnable tasks (queued or running, idle excluded) on cpu. */
unsigned int nr_running_on(unsigned int cpu);
bool idle_cpu(unsigned int cpu);
/* Times another CPU's load balancing locked cpu's run queue and pulled nothing. */
unsigned long sched_balance_futile(unsigned int cpu);

/* Print every task: pid, name, state, CPU, nice, runtime (SysRq, oops). */
void show_tasks(void);
void sched_show_task(struct task_struct *p);
/* Tasks in the system (idle tasks included). */
unsigned int nr_tasks(void);
/* 1, 5, 15 minute load averages of runnable tasks, fixed point with shift (>= 11) fraction bits. */
void get_avenrun(unsigned long loads[3], unsigned int shift);
/*
 * Call fn(p, arg) for every task, under the task-list lock with
 * interrupts off: fn must not sleep or take the lock again (hung-task
 * checks, debugging).
 */
void sched_for_each_task(void (*fn)(struct task_struct *p, void *arg), void *arg);

/*
 * Boot: sched_init() (boot CPU, after mm, before interrupts are enabled)
 * turns the boot thread into init_task and creates CPU 0's idle task.
 * sched_late_init() starts the kworkers (after interrupts are on).
 */
void sched_init(void);
void sched_late_init(void);

/*
 * Secondary CPUs (arch/x86/kernel/smpboot.c): an AP, once online (its
 * cpu_init, APIC and tick done), calls sched_start_secondary() with
 * interrupts off; its boot context becomes its idle task, it joins
 * wake-up placement and load balancing, and never returns.
 * sched_prepare_cpu(cpu), called on the boot CPU before the AP starts,
 * makes that idle task early so `current` is valid on the AP from its
 * first instruction in C (optional: sched_start_secondary does it
 * otherwise). Returns 0, -EINVAL or -ENOMEM.
 */
int sched_prepare_cpu(unsigned int cpu);
__noreturn void sched_start_secondary(void);

/* The tick (kernel/time/time.c timer_tick, irqs off): time slices, balancing. */
void sched_tick(void);
/*
 * End of an interrupt (do_interrupt, hardirq count already dropped):
 * preempt the interrupted kernel code if it was preemptible and
 * need_resched is set.
 */
void irqentry_exit_cond_resched(struct pt_regs *regs);

/*
 * A scope in which the current task's allocations must not recurse into
 * file systems through reclaim (it holds a file system's locks, e.g.
 * invalidate_lock while reading a file in): mm/vmscan.c then only drops
 * folios it can free without calling a file system. Only the task
 * itself changes its flags.
 *	unsigned int nofs = memalloc_nofs_save(); ... memalloc_nofs_restore(nofs);
 */
static inline unsigned int memalloc_nofs_save(void)
{
	unsigned int old = current->flags & PF_MEMALLOC_NOFS;

	current->flags |= PF_MEMALLOC_NOFS;
	return old;
}

static inline void memalloc_nofs_restore(unsigned int old)
{
	current->flags = (current->flags & ~PF_MEMALLOC_NOFS) | old;
}

#endif
