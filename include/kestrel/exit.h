/*
 * Ending tasks and processes, and waiting for children (kernel/exit.c,
 * docs/process.md "Process lifecycle").
 *
 * do_exit(code) (include/kestrel/sched.h) ends the calling thread: it
 * lets go of its address space, files, fs context and, for the last
 * thread, becomes a zombie that its parent reaps with wait4/waitid (or
 * is reaped at once: threads, kernel threads, children of a parent that
 * ignores SIGCHLD). code is in wait-status form: (status & 0xff) << 8
 * for exit(status), or the signal number (| 0x80 for a core dump).
 *
 * do_group_exit(code) ends every thread of the calling process
 * (exit_group(2), and the default action of a fatal signal).
 */
#ifndef KESTREL_EXIT_H
#define KESTREL_EXIT_H

#include <kestrel/compiler.h>
#include <kestrel/types.h>

struct task_struct;

__noreturn void do_group_exit(int code);

/*
 * Forget a dead task: off the task list, the pid hash, its parent's
 * children and its thread group; its pid is free once nothing else holds
 * it. Drops the list's reference (the struct lives on while referenced).
 */
void release_task(struct task_struct *p);

/* The scheduler's last step of do_exit (kernel/sched/core.c). */
__noreturn void do_task_dead(int code);

/*
 * do_task_dead, before anyone can see the task exited: one more task is
 * on its way to the reaper (sched_reap_wait waits for it).
 */
void task_dead_prepare(void);
/*
 * finish_task_switch, after a TASK_DEAD task's last switch (interrupts
 * on, preemption off): queue p for the reaper, which drops p's own
 * reference from a kworker. task_reaper_init starts it once system_wq
 * exists.
 */
void task_dead_reap(struct task_struct *p);
void task_reaper_init(void);

/* kernel/sched/core.c, tasklist_lock held for write: (un)list a task (+ pid hash, reference). */
void __tasklist_add(struct task_struct *p);
void __tasklist_del(struct task_struct *p);

/*
 * wait4's engine, for kernel callers too: wait for a child matching
 * which/pid (P_ALL, P_PID, P_PGID) in state options (WEXITED, ...).
 * Fills *status (wait4 form) and *ru when not NULL. Returns the child's
 * pid, 0 (WNOHANG, nothing yet), -ECHILD or -ERESTARTSYS.
 */
struct rusage_timeval {
	long tv_sec, tv_usec;
};

/* Linux's struct rusage (getrusage, wait4). */
struct rusage {
	struct rusage_timeval ru_utime, ru_stime;
	long ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt, ru_nswap;
	long ru_inblock, ru_oublock, ru_msgsnd, ru_msgrcv, ru_nsignals, ru_nvcsw, ru_nivcsw;
};

/* Fill *ru for p (RUSAGE_SELF 0, RUSAGE_CHILDREN -1, RUSAGE_THREAD 1, RUSAGE_BOTH -2): kernel/sys.c. */
#define RUSAGE_BOTH (-2)
void getrusage_task(struct task_struct *p, int who, struct rusage *ru);
/* ns run by every thread of p's process (reaped ones too), and its page faults. */
u64 thread_group_runtime(struct task_struct *p, unsigned long *minflt, unsigned long *majflt);
struct rlimit;
/* Read (old) and/or set (new) p's limit resource with Linux's checks. 0 or -errno. */
int do_prlimit(struct task_struct *p, unsigned int resource, const struct rlimit *new,
	       struct rlimit *old);

long kernel_wait4(int pid, int *status, int options, struct rusage *ru);

#define WNOHANG 0x00000001
#define WUNTRACED 0x00000002
#define WSTOPPED WUNTRACED
#define WEXITED 0x00000004
#define WCONTINUED 0x00000008
#define WNOWAIT 0x01000000
#define __WNOTHREAD 0x20000000
#define __WALL 0x40000000
#define __WCLONE 0x80000000

#define P_ALL 0
#define P_PID 1
#define P_PGID 2
#define P_PIDFD 3

#endif
