/*
 * The per-process (thread-group) state and the signal state of a task.
 *
 * A process is a thread group: tasks sharing a tgid, an mm (usually),
 * and one struct signal_struct (shared pending signals, exit and stop
 * state, job-control identity, resource limits) and one struct
 * sighand_struct (the signal actions; CLONE_SIGHAND shares it).
 *
 * Owners: kernel/signal.c (signal helper) for the signal fields;
 * kernel/fork.c, kernel/exit.c, kernel/sys.c (proc helper) for the
 * process-identity fields.
 *
 * Locks used to protect struct members in this file (the order in which
 * they nest: docs/locking.md, "Lock order"):
 *	[c] constant after creation
 *	[a] atomic, or one word written with WRITE_ONCE and read with READ_ONCE
 *	[S] a lock or wait queue itself
 *	[R] used once, to free the struct after an RCU grace period
 *	[g] sighand->siglock (irqsave: signals are sent from interrupts)
 *	[t] tasklist_lock (include/kestrel/pid.h), written to change
 *	[l] rlimit_lock (kernel/sys.c); readers use READ_ONCE per word
 */
#ifndef KESTREL_SCHED_SIGNAL_H
#define KESTREL_SCHED_SIGNAL_H

#include <kestrel/atomic.h>
#include <kestrel/list.h>
#include <kestrel/rcupdate.h>
#include <kestrel/signal.h>
#include <kestrel/spinlock.h>
#include <kestrel/types.h>
#include <kestrel/wait.h>

/* Linux's struct sigaction as the kernel keeps it (rt_sigaction's layout). */
struct k_sigaction {
	void __user *handler;		/* SIG_DFL (0), SIG_IGN (1) or a function */
	unsigned long flags;		/* SA_* */
	void __user *restorer;		/* SA_RESTORER: where the handler returns */
	sigset_t mask;			/* blocked while the handler runs */
};

#define SIG_DFL ((void __user *)0)
#define SIG_IGN ((void __user *)1)

#define SA_NOCLDSTOP 0x00000001
#define SA_NOCLDWAIT 0x00000002
#define SA_SIGINFO 0x00000004
#define SA_RESTORER 0x04000000
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000

/* Linux's siginfo_t (128 bytes), the fields Kestrel fills. */
typedef struct kernel_siginfo {
	int si_signo, si_errno, si_code;
	int _pad0;
	union {
		struct { int pid; unsigned int uid; } kill;		/* kill, tkill */
		struct { int pid; unsigned int uid; int status; int _pad; long utime, stime; } chld;
		struct { void __user *addr; } fault;		/* SIGSEGV, SIGBUS, ... */
		struct { int tid; int overrun; long value; } timer;
		struct { int pid; unsigned int uid; long value; } rt;	/* sigqueue */
		char _bytes[128 - 16];
	};
} kernel_siginfo_t;

struct user_struct;

/* One queued signal. */
struct sigqueue {
	struct list_head list;
	kernel_siginfo_t info;
	struct user_struct *user;	/* whose RLIMIT_SIGPENDING count it is in (a reference) */
};

struct sighand_struct {
	atomic_t count;		/* [a] tasks sharing it (CLONE_SIGHAND) */
	/*
	 * siglock protects action[], and the signal state of every task using
	 * this sighand: their pending, blocked, and the signal_struct's
	 * shared_pending and stop/exit state. irqsave (sent from interrupts).
	 */
	spinlock_t siglock;	/* [S] see [g] */
	struct k_sigaction action[_NSIG]; /* [g] the signal actions */
	wait_queue_head_t signalfd_wqh; /* [S] */
	struct rcu_head rcu;	/* [R] lock_task_sighand() may lock a sighand being freed */
};

#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_RSS 5
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS 9
#define RLIMIT_LOCKS 10
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE 12
#define RLIMIT_NICE 13
#define RLIMIT_RTPRIO 14
#define RLIMIT_RTTIME 15
#define RLIM_NLIMITS 16
#define RLIM_INFINITY (~0UL)

struct rlimit {
	unsigned long rlim_cur, rlim_max;
};

/* signal->flags */
#define SIGNAL_STOP_STOPPED 0x00000001	/* job-control stop in effect */
#define SIGNAL_STOP_CONTINUED 0x00000002	/* SIGCONT since the last wait report */
#define SIGNAL_GROUP_EXIT 0x00000004	/* exit_group or a fatal signal: all threads die */
#define SIGNAL_CLD_STOPPED 0x00000010	/* parent not yet told of the stop */
#define SIGNAL_CLD_CONTINUED 0x00000020	/* parent not yet told of the continue */
/*
 * init's (Linux's SIGNAL_UNKILLABLE): a signal init has no handler for is
 * dropped, whoever sends it (SIGKILL and SIGSTOP too). Only a fault of
 * init itself (SEND_FORCE) clears it, and then init dies of it: the
 * kernel panics (do_exit). Kept across the stop flags' changes.
 */
#define SIGNAL_UNKILLABLE 0x00000040
#define SIGNAL_STOP_MASK \
	(SIGNAL_CLD_STOPPED | SIGNAL_CLD_CONTINUED | SIGNAL_STOP_STOPPED | SIGNAL_STOP_CONTINUED)

struct tty_struct;

struct signal_struct {
	atomic_t sigcnt;			/* [a] references to the struct */
	atomic_t live;			/* [a] threads not yet exited */
	int nr_threads;			/* [t] threads in the group */
	struct list_head thread_head;	/* [g] task->thread_node of every thread */
	wait_queue_head_t wait_chldexit;	/* [S] wait4/waitid sleep here (children of any thread) */

	struct sigpending shared_pending;	/* [g] process-directed signals */
	unsigned int flags;		/* [g] SIGNAL_* */
	int group_exit_code;		/* [g] exit status when SIGNAL_GROUP_EXIT */
	struct task_struct *group_exec_task;	/* [g] exec killing the other threads */
	int group_stop_count;		/* [g] threads still to stop for a group stop */
	int group_stop_sig;		/* [g] signal that caused the stop (for wait) */

	/* Job control identity (kernel/sys.c): */
	int pgrp;			/* [t] process group id */
	int session;			/* [t] session id */
	bool leader;			/* [t] session leader */
	struct tty_struct *tty;		/* [t] controlling terminal, or NULL; /proc peeks with READ_ONCE */

	/* Resource limits (getrlimit, setrlimit, prlimit64: kernel/sys.c). */
	struct rlimit rlim[RLIM_NLIMITS]; /* [l] */

	/* Accounting of reaped children, for getrusage(RUSAGE_CHILDREN) and times(). */
	u64 cutime, cstime;		/* [t] ns */

	/* kernel/exit.c: */
	u64 sum_sched_runtime;		/* [t] ns run by the group's threads already reaped */
	unsigned long cmin_flt, cmaj_flt;	/* [t] faults of reaped children */
};

/*
 * The soft limit of a resource for p's process (Linux's task_rlimit and
 * rlimit): a single writer (do_prlimit), readers take a snapshot.
 */
#define task_rlimit(p, limit) READ_ONCE((p)->signal->rlim[limit].rlim_cur)
#define task_rlimit_max(p, limit) READ_ONCE((p)->signal->rlim[limit].rlim_max)
#define rlimit(limit) task_rlimit(current, limit)
#define rlimit_max(limit) task_rlimit_max(current, limit)

/* Set the job-control flags (SIGNAL_STOP_MASK), keeping the others. siglock held. */
static inline void signal_set_stop_flags(struct signal_struct *sig, unsigned int flags)
{
	sig->flags = (sig->flags & ~SIGNAL_STOP_MASK) | flags;
}

/*
 * ---- The signal helper's API for fork, exit, exec and the entry code
 * (kernel/signal.c, arch/x86/kernel/signal.c; docs/process.md "Signals") ----
 *
 * Thread list: copy_signal() links a CLONE_THREAD child's thread_node into
 * signal->thread_head and release_task_signal() / the task's free unlinks
 * it, both under sighand->siglock: group-wide signal work (choosing the
 * thread for a process-directed signal, SIGKILL to all, group stop) walks
 * thread_head under siglock. Kernel threads share kthread_signals /
 * kthread_sighand and are on no thread list; signals reach them only from
 * the kernel (priv), thread-directed.
 */
struct pt_regs;

extern struct signal_struct init_signals;	/* init_task's process */
extern struct sighand_struct init_sighand;

/* sched_init(), before the first task_alloc(): init_task's and kthreads' signal state. */
void signal_init(void);
/* task_alloc(): a new kernel thread's signal pointers and empty pending set. */
void signal_task_init_kthread(struct task_struct *p);

/*
 * fork (kernel/fork.c), with p allocated and not yet running, current the
 * parent. copy_sighand: CLONE_SIGHAND shares current's actions, else a
 * copy. copy_signal: CLONE_THREAD joins current's thread group, else a new
 * signal_struct (pgrp, session, leader=false, tty and rlim[] from current).
 * Both also reset p's per-task signal state (empty pending, blocked
 * inherited, no jobctl; the sigaltstack is kept unless CLONE_VM without
 * CLONE_VFORK). 0 or -ENOMEM; on a later fork failure the task's free
 * (signal_task_free) undoes them.
 */
int copy_sighand(unsigned long clone_flags, struct task_struct *p);
int copy_signal(unsigned long clone_flags, struct task_struct *p);

/* do_exit(), first thing: PF_EXITING, and process-directed signals go to another thread. */
void exit_signals(struct task_struct *tsk);
/* release_task (reap): off the thread list, thread-directed signals dropped. */
void release_task_signal(struct task_struct *p);
/* task_free(): drop p's sighand and signal_struct references (idempotent). */
void signal_task_free(struct task_struct *p);

/*
 * Exit: tell tsk's parent (SIGCHLD or tsk->exit_signal) with CLD_EXITED /
 * CLD_KILLED / CLD_DUMPED from tsk->exit_code (wait status format) and
 * wake signal->wait_chldexit of the parent. Returns true when the parent
 * ignores sig or set SA_NOCLDWAIT: then tsk should be reaped at once.
 * Caller holds the lock that keeps tsk->parent stable (proc's tasklist lock).
 */
bool do_notify_parent(struct task_struct *tsk, int sig);

/*
 * exec: handlers go to SIG_DFL (ignored ones stay ignored unless
 * force_default), sigaltstack cleared; blocked and pending survive.
 * unshare_sighand gives a task whose sighand is shared outside its thread
 * group (CLONE_SIGHAND without CLONE_THREAD) its own copy first.
 */
void flush_signal_handlers(struct task_struct *t, int force_default);
int unshare_sighand(struct task_struct *t);
/* Drop every pending signal of t (thread and, if a whole process, shared). */
void flush_signals(struct task_struct *t);

/*
 * Group exit (do_group_exit, exec): SIGNAL_GROUP_EXIT with exit_code, SIGKILL
 * to every other thread. Returns the exit code to use (an exit already in
 * progress wins). Takes siglock.
 */
int zap_other_threads_exit(struct task_struct *p, int exit_code);

/*
 * Return to user mode with signal_pending(current) (the entry helper's
 * exit-to-user loop): deliver one signal (handler frame, stop, or death)
 * and turn -ERESTART* syscall returns into a restart or -EINTR.
 */
void arch_do_signal_or_restart(struct pt_regs *regs);

/* Would a sleep in state end at once because of a signal? (schedule()) */
bool signal_pending_state(unsigned int state, struct task_struct *p);

/*
 * Internals shared by kernel/signal.c and arch/x86/kernel/signal.c (and
 * the sleeping primitives): lock_task_sighand returns p->sighand locked
 * (irqsave), or NULL if p has none any more.
 */
struct sighand_struct *lock_task_sighand(struct task_struct *p, unsigned long *flags);
void unlock_task_sighand(struct task_struct *p, unsigned long *flags);
void init_sigpending(struct sigpending *p);
void flush_sigqueue_mask(const sigset_t *mask, struct sigpending *pending);
/* The next signal not in mask, thread-directed first; 0 if none. siglock held. */
int dequeue_signal(struct task_struct *t, const sigset_t *mask, kernel_siginfo_t *info);
/*
 * Queue with info (group: process-directed). force: SEND_USER (kill(2):
 * kernel threads ignore it), SEND_KERNEL (also reaches kernel threads),
 * SEND_FORCE (a fault of the thread itself: nothing filters it). Neither
 * SEND_USER nor SEND_KERNEL reaches init without a handler for the
 * signal (SIGNAL_UNKILLABLE). siglock held.
 */
#define SEND_USER 0
#define SEND_KERNEL 1
#define SEND_FORCE 2
int send_signal_locked(int sig, const kernel_siginfo_t *info, struct task_struct *t, bool group,
		       int force);
int send_sig_info_to(int sig, const kernel_siginfo_t *info, struct task_struct *p, bool group,
		     int force);
void signal_wake_up(struct task_struct *t, bool fatal);
/* The task with thread id pid, referenced (put_task_struct), or NULL. */
struct task_struct *find_get_task(int pid);
bool sig_kernel_only(int sig);
bool sig_kernel_stop(int sig);
bool sig_kernel_coredump(int sig);
bool sig_kernel_ignore(int sig);
/* current->blocked = *newset (SIGKILL/SIGSTOP never blocked). */
void set_current_blocked(const sigset_t *newset);
int sigprocmask(int how, const sigset_t *set, sigset_t *oldset);
int do_sigaction(int sig, const struct k_sigaction *act, struct k_sigaction *oact);
void put_signal_struct(struct signal_struct *sig);
/* SIGCHLD with CLD_STOPPED / CLD_CONTINUED to the parent of tsk's process. */
void do_notify_parent_cldstop(struct task_struct *tsk, int why);

/* A signal to deliver to a handler (get_signal fills it). */
struct ksignal {
	int sig;
	kernel_siginfo_t info;
	struct k_sigaction ka;		/* the action as it was when dequeued */
};

/*
 * Delivery (arch_do_signal_or_restart): the next signal with a handler
 * (true), after doing every stop, ignore and death on the way (false:
 * nothing left). May sleep (a stop) or not return (a fatal signal).
 */
bool get_signal(struct ksignal *ksig);
/* The mask a handler frame saves (rt_sigsuspend's saved one if set). */
sigset_t *sigmask_to_save(void);
/* No handler ran: put back a mask rt_sigsuspend/ppoll/pselect replaced. */
void restore_saved_sigmask(void);
/* The frame is written (failed: SIGSEGV instead): block sa_mask and the signal. */
void signal_setup_done(int failed, struct ksignal *ksig);
void force_sigsegv(int sig);

/* task->jobctl */
#define JOBCTL_STOP_PENDING 0x0001	/* take part in the group stop at the next chance */
#define JOBCTL_STOP_CONSUME 0x0002	/* this thread still counts in group_stop_count */
#define JOBCTL_STOPPED 0x0004		/* stopped (TASK_STOPPED) for a group stop */

#endif
