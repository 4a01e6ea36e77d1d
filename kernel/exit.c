/*
 * Ending tasks and waiting for them (include/kestrel/exit.h,
 * docs/process.md "Process lifecycle").
 *
 * do_exit(code), in the exiting task:
 *   1. exit_signals: PF_EXITING; process-directed signals go to a thread
 *      that stays (signal helper).
 *   2. The last live thread of a process (signal->live drops to 0) is
 *      "group dead": the process ends with it. init's end panics.
 *   3. exec_mm_release: the robust futex list and clear_child_tid (futex
 *      helper, while the mm is still ours), the vfork parent released; then
 *      exit_mm (mm/): mmput. The task keeps the mm as active_mm (its page
 *      tables stay loaded until it switches away; the scheduler drops that
 *      reference, lazy-TLB style).
 *   4. files and fs references dropped.
 *   5. exit_notify, under tasklist_lock: a group-dead process gives its
 *      children to init (reparenting: their exit signal becomes SIGCHLD;
 *      zombies among them are reported to init at once; a process group
 *      left orphaned with stopped members gets SIGHUP and SIGCONT, POSIX);
 *      then the task becomes a zombie and its parent gets exit_signal
 *      (do_notify_parent, signal helper), or is released at once
 *      (autoreap): threads (exit_signal -1), children of a parent that
 *      ignores SIGCHLD or set SA_NOCLDWAIT. A group leader whose other
 *      threads still run stays an unreported zombie; the last of them to be
 *      released reports it (release_task).
 *   6. do_task_dead: the final switch; the reaper drops the task's own
 *      reference.
 * Kernel threads skip 2-5: they leave the task list at once.
 *
 * Children hang off their parent process's group leader (not the thread
 * that forked them), so every thread of a process waits for the same
 * children and a thread's exit moves nobody.
 *
 * wait4/waitid sleep interruptibly on the waiting process's
 * signal->wait_chldexit; do_notify_parent and the stop/continue code wake
 * it. A zombie is claimed by the waiter that moves its exit_state from
 * EXIT_ZOMBIE to EXIT_DEAD (cmpxchg, under tasklist_lock read), and only
 * that waiter releases it.
 */
#include <kestrel/completion.h>
#include <kestrel/cred.h>
#include <kestrel/errno.h>
#include <kestrel/exit.h>
#include <kestrel/fdtable.h>
#include <kestrel/fork.h>
#include <kestrel/fs_struct.h>
#include <kestrel/futex.h>
#include <kestrel/mm_types.h>
#include <kestrel/panic.h>
#include <kestrel/pid.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include <kestrel/sched_signal.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/tty.h>
#include <kestrel/uaccess.h>
#include <kestrel/wait.h>
#include <kestrel/workqueue.h>

/* Threads of p's process not yet released (the leader included). tasklist_lock held. */
static bool thread_group_empty(struct task_struct *p)
{
	return p->signal->nr_threads <= 1;
}

/* A zombie leader with threads still around is not reported yet (Linux's delay_group_leader). */
static bool delay_group_leader(struct task_struct *p)
{
	return thread_group_leader(p) && !thread_group_empty(p);
}

void release_task(struct task_struct *p)
{
	struct task_struct *leader = NULL;
	struct signal_struct *sig = p->signal;
	bool process_gone = false;
	int pid = p->pid, pgrp = 0, session = 0;

	get_task_struct(p);	/* the list's reference goes below; free outside the lock */
	write_lock_irq(&tasklist_lock);
	if (!(p->flags & PF_KTHREAD)) {
		sig->sum_sched_runtime += p->sum_exec_runtime;
		sig->nr_threads--;
		release_task_signal(p);
		if (thread_group_leader(p)) {
			process_gone = true;
			pgrp = sig->pgrp;
			session = sig->session;
		} else if (thread_group_empty(p) && p->group_leader->exit_state == EXIT_ZOMBIE &&
			   !p->group_leader->exit_notified) {
			/* We were the last thread of an exited leader: report it now. */
			leader = p->group_leader;
			leader->exit_notified = true;
			if (do_notify_parent(leader, leader->exit_signal))
				leader->exit_state = EXIT_DEAD;
			else
				leader = NULL;
		}
	}
	if (!list_empty(&p->sibling))
		list_del_init(&p->sibling);
	if (p->nproc_user)
		nr_threads--;	/* fork counted it */
	__tasklist_del(p);
	write_unlock_irq(&tasklist_lock);
	uncharge_nproc(p);	/* RLIMIT_NPROC: a released task no longer counts */
	put_pid_nr(pid);	/* after detach: nobody finds p by it any more */
	if (process_gone) {
		put_pid_nr(pgrp);
		put_pid_nr(session);
	}
	put_task_struct(p);
	if (leader)
		release_task(leader);
}

/*
 * The reaper: a task that exited cannot free its own stack (it runs on
 * it until its last switch). finish_task_switch() hands it to
 * task_dead_reap(), which puts it on dead_tasks; reap_work, on system_wq,
 * drops the task's own reference (Linux's put_task_struct_rcu_user, which
 * defers the same put past the final switch). dead_lock protects
 * dead_tasks; a task on it is off every run queue, so its run_node is free.
 * nr_dying counts the tasks from do_task_dead until the reaper's put, so
 * sched_reap_wait can wait for a task that has not switched away yet.
 */
static LIST_HEAD(dead_tasks);		/* exited tasks to free, linked by run_node */
static DEFINE_SPINLOCK(dead_lock);	/* protects dead_tasks */
static atomic_t nr_dying = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(reaped_wq);	/* sched_reap_wait: nr_dying reached 0 */

static void reap_fn(struct work_struct *w)
{
	unsigned long flags;

	(void)w;
	for (;;) {
		struct task_struct *p = NULL;

		spin_lock_irqsave(&dead_lock, flags);
		if (!list_empty(&dead_tasks)) {
			p = list_first_entry(&dead_tasks, struct task_struct, run_node);
			list_del_init(&p->run_node);
		}
		spin_unlock_irqrestore(&dead_lock, flags);
		if (!p)
			return;
		put_task_struct(p);
		if (atomic_dec_and_test(&nr_dying))
			wake_up_all(&reaped_wq);
	}
}

static DECLARE_WORK(reap_work, reap_fn);

void sched_reap_wait(void)
{
	flush_work(&reap_work);
	wait_event(reaped_wq, atomic_read(&nr_dying) == 0);
}

void task_dead_prepare(void)
{
	atomic_inc(&nr_dying);
}

void task_dead_reap(struct task_struct *p)
{
	unsigned long flags;

	spin_lock_irqsave(&dead_lock, flags);
	list_add_tail(&p->run_node, &dead_tasks);
	spin_unlock_irqrestore(&dead_lock, flags);
	if (READ_ONCE(system_wq))
		queue_work(system_wq, &reap_work);
}

void task_reaper_init(void)
{
	queue_work(system_wq, &reap_work);	/* anything that died before system_wq existed */
}

/* ---- exit ---- */

/* The status wait reports for p: the group's exit code if it died as a group. */
static int task_exit_status(struct task_struct *p)
{
	return (p->signal->flags & SIGNAL_GROUP_EXIT) ? p->signal->group_exit_code : p->exit_code;
}

/* The vfork parent waits until the child execs or exits (kernel_clone). */
static void complete_vfork_done(struct task_struct *tsk)
{
	struct completion *vfork = xchg(&tsk->vfork_done, NULL);

	if (vfork)
		complete(vfork);
}

void exec_mm_release(struct task_struct *tsk)
{
	futex_exit_release(tsk);
	complete_vfork_done(tsk);
}

/* ---- orphaned process groups (POSIX; Linux's kill_orphaned_pgrp) ---- */

/*
 * A process group is orphaned when no member has a parent in another
 * group of the same session: nobody is left to resume a stopped job, so
 * when a group becomes orphaned while some member is stopped, every
 * member gets SIGHUP then SIGCONT. ignored: a process to leave out (the
 * one exiting). tasklist_lock held.
 */
static bool will_become_orphaned_pgrp(int pgrp, struct task_struct *ignored)
{
	struct task_struct *p;

	for_each_process(p) {
		struct task_struct *parent = p->real_parent;

		if (!p->signal || p->signal->pgrp != pgrp || (p->flags & PF_KTHREAD))
			continue;
		if (p == ignored || (p->exit_state && thread_group_empty(p)) || parent->pid == 1)
			continue;
		if (parent->signal->pgrp != pgrp && parent->signal->session == p->signal->session)
			return false;
	}
	return true;
}

static bool has_stopped_jobs(int pgrp)
{
	struct task_struct *p;

	for_each_process(p) {
		if (p->signal && !(p->flags & PF_KTHREAD) && p->signal->pgrp == pgrp &&
		    (READ_ONCE(p->signal->flags) & SIGNAL_STOP_STOPPED))
			return true;
	}
	return false;
}

#define MAX_ORPHANED 8

struct orphaned {
	int nr;
	int pgrp[MAX_ORPHANED];
};

/*
 * tsk's process group loses parent as a link to the outside: if that
 * orphans it with stopped members, remember it (signals go out after
 * tasklist_lock is dropped: kill_pgrp takes it). tasklist_lock held.
 */
static void check_orphaned_pgrp(struct task_struct *tsk, struct task_struct *parent,
				struct task_struct *ignored, struct orphaned *o)
{
	int pgrp = tsk->signal->pgrp;

	if (parent->signal->pgrp == pgrp || parent->signal->session != tsk->signal->session)
		return;
	if (!will_become_orphaned_pgrp(pgrp, ignored) || !has_stopped_jobs(pgrp))
		return;
	for (int i = 0; i < o->nr; i++)
		if (o->pgrp[i] == pgrp)
			return;
	if (o->nr < MAX_ORPHANED)
		o->pgrp[o->nr++] = pgrp;
}

/*
 * Who adopts the children of the dying process led by father: init (as
 * Linux's find_child_reaper, without subreapers or pid namespaces). Never
 * father itself: its list would be moved onto itself, for ever. init's
 * death has panicked in do_exit already; this only makes sure.
 */
static struct task_struct *find_new_reaper(struct task_struct *father)
{
	if (unlikely(father == &init_task))
		panic("Attempted to kill init! exitcode=0x%08x", task_exit_status(father));
	return &init_task;
}

/*
 * Give the children of the dying process (leader's list) to init. Their
 * exit signal becomes SIGCHLD (as in Linux): the one a child's clone asked
 * for was meant for its parent, and init must not be sent SIGKILL or
 * SIGSTOP by a child's exit. A zombie among them is reported to init at
 * once; one init ignores is released (collected on dead). tasklist_lock
 * held for write.
 */
static void forget_original_parent(struct task_struct *leader, struct list_head *dead,
				   struct orphaned *o)
{
	struct task_struct *reaper = find_new_reaper(leader), *p, *n;

	list_for_each_entry_safe(p, n, &leader->children, sibling) {
		p->real_parent = reaper;
		p->parent = reaper;
		list_move_tail(&p->sibling, &reaper->children);
		if (p->exit_state == EXIT_DEAD)
			continue;	/* being released: nobody is told of it again */
		p->exit_signal = SIGCHLD;
		if (!p->exit_state)
			check_orphaned_pgrp(p, leader, NULL, o);
		if (p->exit_state == EXIT_ZOMBIE && p->exit_notified && !delay_group_leader(p)) {
			if (do_notify_parent(p, p->exit_signal)) {
				p->exit_state = EXIT_DEAD;
				list_move_tail(&p->sibling, dead);
			}
		}
	}
}

static void exit_notify(struct task_struct *tsk, bool group_dead)
{
	struct orphaned o = { .nr = 0 };
	LIST_HEAD(dead);
	struct task_struct *p, *n;
	bool autoreap = false;

	write_lock_irq(&tasklist_lock);
	if (group_dead) {
		struct task_struct *leader = tsk->group_leader;

		/* Our own group may lose its last link to the outside with us. */
		check_orphaned_pgrp(leader, leader->real_parent, leader, &o);
		forget_original_parent(leader, &dead, &o);
	}
	if (!thread_group_leader(tsk)) {
		autoreap = true;	/* a thread: nobody waits for it */
	} else if (!thread_group_empty(tsk)) {
		/* Reported by the last thread's release_task. */
	} else {
		tsk->exit_notified = true;
		autoreap = do_notify_parent(tsk, tsk->exit_signal);
	}
	tsk->exit_state = autoreap ? EXIT_DEAD : EXIT_ZOMBIE;
	write_unlock_irq(&tasklist_lock);

	for (int i = 0; i < o.nr; i++) {
		kill_pgrp(o.pgrp[i], SIGHUP, 1);
		kill_pgrp(o.pgrp[i], SIGCONT, 1);
	}
	list_for_each_entry_safe(p, n, &dead, sibling) {
		list_del_init(&p->sibling);
		release_task(p);
	}
	if (autoreap)
		release_task(tsk);
}

__noreturn void do_exit(int code)
{
	struct task_struct *me = current;
	bool group_dead;

	if (me->flags & PF_KTHREAD) {
		me->flags |= PF_EXITING;
		release_task(me);
		do_task_dead(code);
	}
	if (WARN_ON(me->flags & PF_EXITING)) {
		/* do_exit again from inside do_exit (an oops): just stop. */
		do_task_dead(code);
	}
	might_sleep();
	exit_signals(me);	/* sets PF_EXITING */
	me->flags |= PF_EXITING;
	me->exit_code = code;
	group_dead = atomic_dec_and_test(&me->signal->live);
	/*
	 * init is gone: nobody would reap orphans, and its children's list
	 * has nowhere to go. Stop here, with a message (as Linux), while the
	 * state is still there to look at.
	 */
	if (group_dead && unlikely(is_global_init(me)))
		panic("Attempted to kill init! exitcode=0x%08x", task_exit_status(me));
	exec_mm_release(me);
	exit_mm();	/* mm/: mmput, keeping the tables as active_mm until we switch away */
	exit_files(me);
	exit_fs(me);
	if (group_dead)
		disassociate_ctty(1);	/* a session leader's tty hangs up (drivers/tty/tty_jobctrl.c) */
	exit_notify(me, group_dead);
	do_task_dead(code);
}

__noreturn void do_group_exit(int exit_code)
{
	exit_code = zap_other_threads_exit(current, exit_code);
	do_exit(exit_code);
}

SYSCALL_DEFINE1(exit, int, error_code)
{
	do_exit((error_code & 0xff) << 8);
}

SYSCALL_DEFINE1(exit_group, int, error_code)
{
	do_group_exit((error_code & 0xff) << 8);
}

/* ---- wait ---- */

struct wait_opts {
	int which, pid;		/* P_ALL, P_PID, P_PGID */
	int options;		/* W* */
	int notask_error;	/* -ECHILD until an eligible child is seen, then 0 */
	/* Result: */
	int child_pid, status, si_code, si_status;
	u32 uid;
	struct rusage ru;
	bool want_ru;
};

static bool eligible_child(struct wait_opts *wo, struct task_struct *p)
{
	switch (wo->which) {
	case P_PID:
		if (p->pid != wo->pid)
			return false;
		break;
	case P_PGID:
		if (p->signal->pgrp != wo->pid)
			return false;
		break;
	}
	/* __WCLONE: only children that signal something other than SIGCHLD; __WALL: both. */
	if (!(wo->options & __WALL) && ((p->exit_signal != SIGCHLD) ^ !!(wo->options & __WCLONE)))
		return false;
	return true;
}

static void fill_result(struct wait_opts *wo, struct task_struct *p, int status, int code,
			int si_status)
{
	const struct cred *c = get_task_cred(p);

	wo->child_pid = p->pid;
	wo->status = status;
	wo->si_code = code;
	wo->si_status = si_status;
	wo->uid = c->uid;
	put_cred(c);
}

static void exit_status_to_info(struct wait_opts *wo, struct task_struct *p, int status)
{
	if ((status & 0x7f) == 0)
		fill_result(wo, p, status, CLD_EXITED, (status >> 8) & 0xff);
	else
		fill_result(wo, p, status, (status & 0x80) ? CLD_DUMPED : CLD_KILLED, status & 0x7f);
}

/* Usage of the dead child p itself plus its reaped children (wait4's rusage). */
static u64 child_total_runtime(struct task_struct *p, unsigned long *minflt, unsigned long *majflt)
{
	u64 ns = thread_group_runtime(p, minflt, majflt);

	*minflt += p->signal->cmin_flt;
	*majflt += p->signal->cmaj_flt;
	return ns + p->signal->cutime + p->signal->cstime;
}

/*
 * p is a zombie we may reap. Called with tasklist_lock held for read;
 * returns with it dropped if it returns non-zero (the child's pid).
 */
static int wait_task_zombie(struct wait_opts *wo, struct task_struct *p)
{
	struct signal_struct *psig = current->signal;
	unsigned long minflt, majflt;
	int status;
	u64 ns;

	status = task_exit_status(p);
	if (wo->options & WNOWAIT) {
		get_task_struct(p);
		read_unlock(&tasklist_lock);
		__set_current_state(TASK_RUNNING);	/* what follows may sleep */
		exit_status_to_info(wo, p, status);
		if (wo->want_ru)
			getrusage_task(p, RUSAGE_BOTH, &wo->ru);
		put_task_struct(p);
		return wo->child_pid;
	}
	/* Only one waiter claims it. */
	if (cmpxchg(&p->exit_state, EXIT_ZOMBIE, EXIT_DEAD) != EXIT_ZOMBIE)
		return 0;
	get_task_struct(p);
	read_unlock(&tasklist_lock);
	__set_current_state(TASK_RUNNING);
	exit_status_to_info(wo, p, status);
	if (wo->want_ru)
		getrusage_task(p, RUSAGE_BOTH, &wo->ru);
	ns = child_total_runtime(p, &minflt, &majflt);
	write_lock_irq(&tasklist_lock);
	psig->cutime += ns;
	psig->cmin_flt += minflt;
	psig->cmaj_flt += majflt;
	write_unlock_irq(&tasklist_lock);
	release_task(p);
	put_task_struct(p);
	return wo->child_pid;
}

/*
 * A stopped (WUNTRACED) or continued (WCONTINUED) child not yet reported.
 * As in Linux, the signal code records a finished group stop as
 * SIGNAL_STOP_STOPPED with the stop signal in group_exit_code, and a
 * continue as SIGNAL_STOP_CONTINUED; a report consumes group_exit_code /
 * the CONTINUED flag (unless WNOWAIT), so each is reported once.
 * tasklist_lock held for read, dropped if it returns non-zero.
 */
static int wait_task_stopped_or_continued(struct wait_opts *wo, struct task_struct *p)
{
	struct signal_struct *sig = p->signal;
	unsigned long flags;
	int stopsig = 0;
	bool cont = false;

	spin_lock_irqsave(&p->sighand->siglock, flags);
	if ((wo->options & WSTOPPED) && (sig->flags & SIGNAL_STOP_STOPPED) &&
	    (sig->group_exit_code & 0x7f)) {
		stopsig = sig->group_exit_code & 0x7f;
		if (!(wo->options & WNOWAIT))
			sig->group_exit_code = 0;
	} else if ((wo->options & WCONTINUED) && (sig->flags & SIGNAL_STOP_CONTINUED)) {
		cont = true;
		if (!(wo->options & WNOWAIT))
			sig->flags &= ~SIGNAL_STOP_CONTINUED;
	}
	spin_unlock_irqrestore(&p->sighand->siglock, flags);
	if (!stopsig && !cont)
		return 0;
	get_task_struct(p);
	read_unlock(&tasklist_lock);
	__set_current_state(TASK_RUNNING);
	if (stopsig)
		fill_result(wo, p, (stopsig << 8) | 0x7f, CLD_STOPPED, stopsig);
	else
		fill_result(wo, p, 0xffff, CLD_CONTINUED, SIGCONT);
	if (wo->want_ru)
		getrusage_task(p, RUSAGE_BOTH, &wo->ru);
	put_task_struct(p);
	return wo->child_pid;
}

/* tasklist_lock held for read; dropped when it returns non-zero. */
static int wait_consider_task(struct wait_opts *wo, struct task_struct *p)
{
	int state = READ_ONCE(p->exit_state);

	/*
	 * EXIT_DEAD: autoreaped or being reaped by another waiter. It does not
	 * count as a child (as in Linux): nobody wakes us when it leaves the
	 * list, so counting it would sleep forever where ECHILD is the answer.
	 */
	if (state == EXIT_DEAD)
		return 0;
	if (!eligible_child(wo, p))
		return 0;
	wo->notask_error = 0;
	if (state == EXIT_ZOMBIE && !delay_group_leader(p)) {
		if (!(wo->options & WEXITED))
			return 0;
		return wait_task_zombie(wo, p);
	}
	if (state == EXIT_ZOMBIE && !p->signal)
		return 0;
	return wait_task_stopped_or_continued(wo, p);
}

static long do_wait(struct wait_opts *wo)
{
	struct task_struct *me = current, *p;
	DECLARE_WAITQUEUE(wait, me);
	long ret;

	might_sleep();
	add_wait_queue(&me->signal->wait_chldexit, &wait);
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		wo->notask_error = -ECHILD;
		read_lock(&tasklist_lock);
		list_for_each_entry(p, &me->group_leader->children, sibling) {
			ret = wait_consider_task(wo, p);
			if (ret)
				goto out;	/* lock dropped */
		}
		read_unlock(&tasklist_lock);
		ret = wo->notask_error;
		if (ret || (wo->options & WNOHANG))
			break;
		if (signal_pending(me)) {
			ret = -ERESTARTSYS;
			break;
		}
		schedule();
	}
out:
	__set_current_state(TASK_RUNNING);
	remove_wait_queue(&me->signal->wait_chldexit, &wait);
	return ret;
}

long kernel_wait4(int pid, int *status, int options, struct rusage *ru)
{
	struct wait_opts wo = { .options = options | WEXITED, .want_ru = ru != NULL };
	long ret;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
		return -EINVAL;
	if (pid == -1) {
		wo.which = P_ALL;
	} else if (pid < 0) {
		wo.which = P_PGID;
		wo.pid = -pid;
	} else if (pid == 0) {
		wo.which = P_PGID;
		wo.pid = task_pgrp_nr(current);
	} else {
		wo.which = P_PID;
		wo.pid = pid;
	}
	ret = do_wait(&wo);
	if (ret > 0) {
		if (status)
			*status = wo.status;
		if (ru)
			*ru = wo.ru;
	}
	return ret;
}

SYSCALL_DEFINE4(wait4, int, upid, int __user *, stat_addr, int, options, struct rusage __user *, ru)
{
	struct rusage r;
	int status;
	long ret = kernel_wait4(upid, &status, options, ru ? &r : NULL);

	if (ret > 0) {
		if (stat_addr && put_user(status, stat_addr))
			return -EFAULT;
		if (ru && copy_to_user(ru, &r, sizeof(r)))
			return -EFAULT;
	}
	return ret;
}

SYSCALL_DEFINE5(waitid, int, which, int, upid, kernel_siginfo_t __user *, infop, int, options,
		struct rusage __user *, ru)
{
	struct wait_opts wo = { .options = options, .want_ru = ru != NULL };
	kernel_siginfo_t info;
	long ret;

	if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD |
			__WCLONE | __WALL))
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	switch (which) {
	case P_ALL:
		break;
	case P_PID:
		if (upid <= 0)
			return -EINVAL;
		wo.pid = upid;
		break;
	case P_PGID:
		if (upid < 0)
			return -EINVAL;
		wo.pid = upid ? upid : task_pgrp_nr(current);
		break;
	default:
		return -EINVAL;
	}
	wo.which = which;
	ret = do_wait(&wo);
	if (ret < 0)
		return ret;
	/* WNOHANG with nothing to report: a zeroed siginfo (si_pid 0), as Linux. */
	memset(&info, 0, sizeof(info));
	if (ret > 0) {
		info.si_signo = SIGCHLD;
		info.si_code = wo.si_code;
		info.chld.pid = wo.child_pid;
		info.chld.uid = wo.uid;
		info.chld.status = wo.si_status;
	}
	if (infop && copy_to_user(infop, &info, sizeof(info)))
		return -EFAULT;
	if (ret > 0 && ru && copy_to_user(ru, &wo.ru, sizeof(wo.ru)))
		return -EFAULT;
	return 0;
}
