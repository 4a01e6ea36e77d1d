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
 * process-identity fields. Locks are named per field group.
 */
#ifndef KESTREL_SCHED_SIGNAL_H
#define KESTREL_SCHED_SIGNAL_H

#include <kestrel/atomic.h>
#include <kestrel/list.h>
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

/* One queued signal. */
struct sigqueue {
	struct list_head list;
	kernel_siginfo_t info;
};

struct sighand_struct {
	atomic_t count;		/* tasks sharing it (CLONE_SIGHAND) */
	/*
	 * siglock protects action[], and the signal state of every task using
	 * this sighand: their pending, blocked, and the signal_struct's
	 * shared_pending and stop/exit state. irqsave (sent from interrupts).
	 */
	spinlock_t siglock;
	struct k_sigaction action[_NSIG];
	wait_queue_head_t signalfd_wqh;
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

struct tty_struct;

struct signal_struct {
	atomic_t sigcnt;			/* references to the struct */
	atomic_t live;			/* threads not yet exited */
	int nr_threads;			/* threads in the group, under tasklist_lock */
	struct list_head thread_head;	/* task->thread_node of every thread, under tasklist_lock */
	wait_queue_head_t wait_chldexit;	/* wait4/waitid sleep here (children of any thread) */

	/* Under sighand->siglock: */
	struct sigpending shared_pending;	/* process-directed signals */
	unsigned int flags;		/* SIGNAL_* */
	int group_exit_code;		/* exit status when SIGNAL_GROUP_EXIT */
	struct task_struct *group_exec_task;	/* exec killing the other threads */
	int group_stop_count;		/* threads still to stop for a group stop */
	int group_stop_sig;		/* signal that caused the stop (for wait) */

	/* Job control identity, under tasklist_lock (proc helper, kernel/sys.c): */
	int pgrp;			/* process group id */
	int session;			/* session id */
	bool leader;			/* session leader */
	struct tty_struct *tty;		/* controlling terminal, or NULL (tty helper sets it) */

	/* Resource limits, under task_lock-free single writer (the process itself) + READ_ONCE: */
	struct rlimit rlim[RLIM_NLIMITS];

	/* Accounting of reaped children, for getrusage(RUSAGE_CHILDREN) and times(). */
	u64 cutime, cstime;		/* ns */

	/* Proc helper (kernel/exit.c), under tasklist_lock: */
	u64 sum_sched_runtime;		/* ns run by the group's threads already reaped */
	unsigned long cmin_flt, cmaj_flt;	/* faults of reaped children */
};

#endif
