/*
 * Process identity: pid numbers, the task list, and finding a task by
 * its pid (kernel/pid.c, kernel/fork.c, kernel/exit.c; docs/process.md).
 *
 * A pid number is "in use" while anything holds it: the task whose
 * ->pid it is (from fork until that task is reaped: a zombie keeps its
 * pid, and so does a thread-group leader whose other threads still run),
 * and every process whose process group or session id it is. alloc_pid()
 * never hands out a number in use; numbers are handed out in increasing
 * order and wrap around to RESERVED_PIDS, as Linux does, so a freed pid
 * is not reused at once.
 *
 * tasklist_lock (an rwlock) protects:
 *   - the list of all tasks (task->tasks) and the pid hash (task->pid_node);
 *   - the family links: real_parent, parent, children, sibling;
 *   - signal->nr_threads (threads of a process not yet released);
 *   - exit_state changes (a task becomes a zombie and is reaped under it);
 *   - job-control identity: signal->pgrp, session, leader.
 * Readers take read_lock(&tasklist_lock) (allowed in any context, readers
 * may nest); writers take write_lock_irq(&tasklist_lock). Lock order:
 * docs/locking.md, "Lock order".
 *
 * find_task_by_vpid() must be called with tasklist_lock held (read or
 * write): task structs are freed when their last reference goes, not
 * after an RCU grace period, so a lookup without the lock could return
 * a task that is being freed. Take a reference (get_task_struct) before
 * dropping the lock if you keep the task, or use find_get_task_by_vpid().
 */
#ifndef KESTREL_PID_H
#define KESTREL_PID_H

#include <kestrel/list.h>
#include <kestrel/rwlock.h>
#include <kestrel/sched.h>

#define PID_MAX_DEFAULT 32768	/* pids are 1 .. PID_MAX_DEFAULT - 1 */
#define RESERVED_PIDS 300	/* after a wrap, allocation restarts here (kernel threads below) */

extern rwlock_t tasklist_lock;

/*
 * A free pid number, now held once (by the new task); -EAGAIN if every
 * number is in use. get_pid_nr/put_pid_nr add and drop holders (pgrp,
 * session); the number is free again when the last holder drops it.
 */
int alloc_pid(void);
void get_pid_nr(int nr);
void put_pid_nr(int nr);
/* Holders of nr (tests). */
unsigned int pid_nr_users(int nr);

/* Make p findable by its pid / forget it (tasklist_lock held for write). */
void attach_pid(struct task_struct *p);
void detach_pid(struct task_struct *p);

/* The task whose pid (thread id) is nr, or NULL. tasklist_lock held. */
struct task_struct *find_task_by_vpid(int nr);
/* Same, with a reference taken (put_task_struct it); takes the lock itself. */
struct task_struct *find_get_task_by_vpid(int nr);

/*
 * Every task (kernel threads and idle tasks included) is on the task
 * list; every process (thread group) is represented there by its leader
 * and its other threads. for_each_task and for_each_process (group
 * leaders) need tasklist_lock; for_each_thread (the threads of p's group)
 * needs p's siglock.
 */
extern struct list_head task_list;
#define next_task(p) list_entry((p)->tasks.next, struct task_struct, tasks)
#define for_each_task(p) list_for_each_entry(p, &task_list, tasks)
#define for_each_process(p) \
	for_each_task(p)    \
		if (thread_group_leader(p))
/* The thread list is the signal helper's: walk it under p->sighand->siglock (kernel/signal.c). */
#define for_each_thread(p, t) list_for_each_entry(t, &(p)->signal->thread_head, thread_node)

static inline bool thread_group_leader(const struct task_struct *p)
{
	return p->group_leader == p;
}

/* A thread of the init process, pid 1 (the boot thread before it has a tgid). */
static inline bool is_global_init(const struct task_struct *p)
{
	return p->tgid == 1 || (!p->tgid && p->pid == 1);
}

/* pid, tgid, parent's tgid as user space sees them (getpid, getppid, gettid). */
static inline int task_pid_vnr(const struct task_struct *p)
{
	return p->pid;
}

static inline int task_tgid_vnr(const struct task_struct *p)
{
	return p->tgid;
}

int task_ppid_nr(const struct task_struct *p);

/* Process group and session of p's process (tasklist_lock or p == current). */
int task_pgrp_nr(const struct task_struct *p);
int task_session_nr(const struct task_struct *p);

#endif
