/*
 * Creating tasks (include/kestrel/fork.h, docs/process.md "Process
 * lifecycle"): the identity of init_task, idle tasks and kernel threads,
 * and fork/vfork/clone for processes and threads.
 *
 * Identity: init_task is pid 1, its own group leader and its own parent
 * (nobody reaps it). Kernel threads get a pid from the pid map, are their
 * own thread group, have init_task as parent but are on nobody's children
 * list (wait never sees them; they are released as they exit), and run
 * with init_cred. Idle tasks are pid 0 and share init's identity.
 */
#include <kestrel/completion.h>
#include <kestrel/cred.h>
#include <kestrel/errno.h>
#include <kestrel/exit.h>
#include <kestrel/fdtable.h>
#include <kestrel/fork.h>
#include <kestrel/fs_struct.h>
#include <kestrel/mm.h>
#include <kestrel/mm_types.h>
#include <kestrel/pid.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include <kestrel/sched_signal.h>
#include <kestrel/sched_user.h>
#include <kestrel/signal.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/time.h>
#include <kestrel/uaccess.h>

/* Fields every task of the process tree starts with, for a task that is its own leader. */
static void identity_self(struct task_struct *p)
{
	p->tgid = p->pid;
	p->group_leader = p;
	p->real_parent = &init_task;
	p->parent = &init_task;
	INIT_LIST_HEAD(&p->children);
	INIT_LIST_HEAD(&p->sibling);
	INIT_HLIST_NODE(&p->pid_node);
	p->exit_state = 0;
}

/*
 * How many tasks fork may make in all, as Linux's set_max_threads: their
 * kernel stacks may take at most an eighth of RAM. Set once at boot.
 * nr_threads counts the tasks fork made that are not released yet.
 */
#define MIN_THREADS 20
#define MAX_THREADS 0x3fffffff	/* FUTEX_TID_MASK */
int max_threads;
int nr_threads;		/* under tasklist_lock */

static void set_max_threads(void)
{
	u64 threads = totalram_bytes / ((u64)THREAD_SIZE * 8);

	max_threads = (int)clamp(threads, (u64)MIN_THREADS, (u64)MAX_THREADS);
	/* Linux's defaults for the first process: half of that per user. */
	init_task.signal->rlim[RLIMIT_NPROC] = (struct rlimit){ max_threads / 2, max_threads / 2 };
	init_task.signal->rlim[RLIMIT_SIGPENDING] = init_task.signal->rlim[RLIMIT_NPROC];
}

void init_task_identity(void)
{
	identity_self(&init_task);
	init_task.exit_signal = SIGCHLD;
	init_task.cred = get_cred(&init_cred);
	/* init counts as root's first process. */
	init_task.nproc_user = get_uid(INIT_USER);
	atomic_inc(&INIT_USER->processes);
	set_max_threads();
}

void idle_task_identity(struct task_struct *idle)
{
	identity_self(idle);
	idle->exit_signal = -1;
	idle->cred = get_cred(&init_cred);
}

int kthread_identity_init(struct task_struct *p)
{
	int pid = alloc_pid();

	if (pid < 0)
		return pid;
	p->pid = pid;
	identity_self(p);
	p->exit_signal = -1;	/* released as it exits, nobody waits */
	p->cred = get_cred(&init_cred);
	return 0;
}

void free_task_identity(struct task_struct *p)
{
	if (p->cred) {
		put_cred(p->cred);
		p->cred = NULL;
	}
}

/* ---- fork, vfork, clone ---- */

/*
 * Checks of the flags alone (Linux's copy_process): a thread shares the
 * signal actions, shared actions need a shared address space, and
 * Kestrel has no namespaces or pidfds.
 */
static int clone_flags_valid(u64 flags)
{
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if (flags & (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER |
		     CLONE_NEWPID | CLONE_NEWNET | CLONE_PIDFD))
		return -EINVAL;
	/* init may not make siblings: they would have no parent to reap them. */
	if ((flags & CLONE_PARENT) && current->tgid == 1)
		return -EINVAL;
	return 0;
}

static int copy_files(u64 flags, struct task_struct *p)
{
	struct files_struct *oldf = current->files;
	int err = 0;

	if (flags & CLONE_FILES) {
		if (oldf)
			get_files_struct(oldf);
		p->files = oldf;	/* NULL: init_files, as the parent */
		return 0;
	}
	p->files = dup_fd(oldf ? oldf : &init_files, &err);
	return p->files ? 0 : err;
}

static int copy_fs(u64 flags, struct task_struct *p)
{
	struct fs_struct *oldfs = current->fs;

	if (flags & CLONE_FS) {
		if (oldfs)
			get_fs_struct(oldfs);
		p->fs = oldfs;
		return 0;
	}
	p->fs = copy_fs_struct(oldfs ? oldfs : &init_fs);
	return p->fs ? 0 : -ENOMEM;
}

static int copy_mm(u64 flags, struct task_struct *p)
{
	struct mm_struct *oldmm = current->mm;

	p->mm = NULL;
	p->active_mm = NULL;
	if (!oldmm)
		return 0;	/* a kernel-function child of a task without user memory */
	if (flags & CLONE_VM) {
		mmget(oldmm);
		p->mm = oldmm;
	} else {
		p->mm = dup_mm(oldmm);
		if (!p->mm)
			return -ENOMEM;
	}
	p->active_mm = p->mm;
	return 0;
}

/* Undo copy_files/copy_fs/copy_mm of a child that never ran. */
static void uncopy_resources(struct task_struct *p)
{
	if (p->mm) {
		mmput(p->mm);
		p->mm = p->active_mm = NULL;
	}
	exit_fs(p);
	exit_files(p);
}

/* May current's user have n tasks? (RLIMIT_NPROC, with Linux's exemptions.) */
static bool nproc_ok(struct user_struct *u, unsigned long n)
{
	return n <= rlimit(RLIMIT_NPROC) || u == INIT_USER || capable(CAP_SYS_RESOURCE) ||
	       capable(CAP_SYS_ADMIN);
}

/*
 * RLIMIT_NPROC: the child counts against the user of its real uid. Over
 * the limit fork fails with EAGAIN, unless that user is root or the
 * caller has CAP_SYS_RESOURCE or CAP_SYS_ADMIN (Linux's rule). Counted
 * first and checked after, so two racing forks cannot both slip under.
 */
static int charge_nproc(struct task_struct *p)
{
	struct user_struct *u = p->cred->user;
	unsigned long n = atomic_inc_return(&u->processes);

	if (!nproc_ok(u, n)) {
		atomic_dec(&u->processes);
		return -EAGAIN;
	}
	p->nproc_user = get_uid(u);
	current->flags &= ~PF_NPROC_EXCEEDED;
	return 0;
}

void uncharge_nproc(struct task_struct *p)
{
	struct user_struct *u = p->nproc_user;

	if (!u)
		return;
	p->nproc_user = NULL;
	atomic_dec(&u->processes);
	free_uid(u);
}

/* Family and group fields of the child p of current (tasklist_lock held for write). */
static void link_child(struct task_struct *p, u64 flags)
{
	struct task_struct *me = current, *leader = me->group_leader;

	if (flags & CLONE_THREAD) {
		p->tgid = me->tgid;
		p->group_leader = leader;
		p->real_parent = leader->real_parent;
	} else {
		p->tgid = p->pid;
		p->group_leader = p;
		/* Children hang off the group leader (docs/process.md): any thread may wait for them. */
		p->real_parent = (flags & CLONE_PARENT) ? leader->real_parent : leader;
	}
	p->parent = p->real_parent;
	if (flags & CLONE_THREAD)
		p->signal->nr_threads++;	/* a new process's starts at 1 (copy_signal) */
	if (thread_group_leader(p)) {
		list_add_tail(&p->sibling, &p->real_parent->children);
		/* The new process holds its pgrp and session numbers (kernel/pid.c). */
		get_pid_nr(p->signal->pgrp);
		get_pid_nr(p->signal->session);
	}
	__tasklist_add(p);
}

static struct task_struct *copy_process(struct kernel_clone_args *args)
{
	struct task_struct *me = current, *p;
	u64 flags = args->flags;
	bool joined_group = false;
	int err, pid;

	err = clone_flags_valid(flags);
	if (err)
		return ERR_PTR(err);
	/*
	 * A user already at the limit fails before anything is allocated: a
	 * fork bomb held at its limit retries forever, and each try should
	 * cost little (charge_nproc below is the exact check).
	 */
	if (!nproc_ok(current_cred()->user, atomic_read(&current_cred()->user->processes) + 1))
		return ERR_PTR(-EAGAIN);
	p = task_alloc(args->name ? args->name : me->comm, args->fn, args->fn_arg);
	if (!p)
		return ERR_PTR(-ENOMEM);
	p->flags = PF_FORKNOEXEC;
	p->nice = me->nice;
	p->weight = me->weight;
	/* init_task is pinned to CPU 0 for the ktests only: its children may run anywhere. */
	p->cpus_allowed = me == &init_task ? CPU_MASK_ALL : me->cpus_allowed;
	p->start_time = ktime_get_ns();
	INIT_LIST_HEAD(&p->children);
	INIT_LIST_HEAD(&p->sibling);
	INIT_HLIST_NODE(&p->pid_node);
	p->exit_signal = (flags & CLONE_THREAD) ? -1 : args->exit_signal;
	if ((flags & CLONE_PARENT) && !(flags & CLONE_THREAD))
		p->exit_signal = me->group_leader->exit_signal;
	p->set_child_tid = (flags & CLONE_CHILD_SETTID) ? args->child_tid : NULL;
	p->clear_child_tid = (flags & CLONE_CHILD_CLEARTID) ? args->child_tid : NULL;
	p->cred = get_cred(current_cred());
	err = charge_nproc(p);
	if (err)
		goto free_task;

	pid = alloc_pid();
	if (pid < 0) {
		err = pid;
		goto uncharge;
	}
	p->pid = pid;
	err = copy_files(flags, p);
	if (err)
		goto free_pid;
	err = copy_fs(flags, p);
	if (err)
		goto free_res;
	err = copy_sighand(flags, p);
	if (err)
		goto free_res;
	err = copy_signal(flags, p);
	if (err)
		goto free_res;
	joined_group = flags & CLONE_THREAD;	/* copy_signal counted us in signal->live */
	err = copy_mm(flags, p);
	if (err)
		goto free_res;
	if (!args->fn) {
		err = copy_thread(flags, p, args->stack, args->tls);
		if (err)
			goto free_res;
	}
	/*
	 * CLONE_CHILD_SETTID: the tid in the child's memory before it runs
	 * (Linux writes it from the child's schedule_tail; same result).
	 */
	if ((flags & CLONE_CHILD_SETTID) && p->mm) {
		if (p->mm == me->mm)
			(void)put_user(pid, args->child_tid);
		else
			access_remote_vm(p->mm, (unsigned long)args->child_tid, &pid, sizeof(pid), true);
	}

	write_lock_irq(&tasklist_lock);
	/* All tasks together: the machine's limit, for root too (Linux's max_threads). */
	if (nr_threads >= max_threads) {
		write_unlock_irq(&tasklist_lock);
		err = -EAGAIN;
		goto free_res;
	}
	/* A fatal signal or group exit that came meanwhile must not miss the child: retry or die. */
	if (fatal_signal_pending(me) || (signal_pending(me) && !args->fn) ||
	    ((flags & CLONE_THREAD) && (me->signal->flags & SIGNAL_GROUP_EXIT))) {
		write_unlock_irq(&tasklist_lock);
		err = -ERESTARTNOINTR;
		goto free_res;
	}
	link_child(p, flags);
	nr_threads++;
	write_unlock_irq(&tasklist_lock);
	return p;

free_res:
	if (joined_group)
		atomic_dec(&p->signal->live);	/* else the group would never be "dead" */
	uncopy_resources(p);
free_pid:
	put_pid_nr(pid);
uncharge:
	uncharge_nproc(p);
free_task:
	task_free(p);	/* drops the cred, signal and sighand references too */
	return ERR_PTR(err);
}

/*
 * vfork: the parent sleeps until the child execs or exits (both end in
 * exec_mm_release, kernel/exit.c, which completes vfork_done). A fatal
 * signal ends the wait (checked every 100 ms: the completion has no
 * killable wait); the child then finds vfork_done NULL and leaves our
 * stack alone: whoever swaps the pointer to NULL owns the completion.
 */
static void wait_for_vfork_done(struct task_struct *child, struct completion *vfork)
{
	for (;;) {
		if (wait_for_completion_timeout(vfork, HZ / 10))
			return;
		if (fatal_signal_pending(current) && xchg(&child->vfork_done, NULL))
			return;
	}
}

long kernel_clone(struct kernel_clone_args *args)
{
	struct completion vfork;
	struct task_struct *p;
	long nr;

	p = copy_process(args);
	if (IS_ERR(p))
		return PTR_ERR(p);
	nr = p->pid;
	if (args->flags & CLONE_PARENT_SETTID)
		(void)put_user((int)nr, args->parent_tid);	/* a bad pointer is the caller's loss */
	if (args->flags & CLONE_VFORK) {
		init_completion(&vfork);
		p->vfork_done = &vfork;
		get_task_struct(p);
	}
	wake_up_process(p);
	if (args->flags & CLONE_VFORK) {
		wait_for_vfork_done(p, &vfork);
		put_task_struct(p);
	}
	return nr;
}


long kernel_process(int (*fn)(void *), void *arg, const char *name, unsigned long flags)
{
	struct kernel_clone_args args = {
		.flags = flags & ~CSIGNAL,
		.exit_signal = (flags & CSIGNAL) ? (int)(flags & CSIGNAL) : SIGCHLD,
		.fn = fn,
		.fn_arg = arg,
		.name = name,
	};

	return kernel_clone(&args);
}

SYSCALL_DEFINE0(fork)
{
	struct kernel_clone_args args = { .exit_signal = SIGCHLD };

	return kernel_clone(&args);
}

SYSCALL_DEFINE0(vfork)
{
	struct kernel_clone_args args = { .flags = CLONE_VFORK | CLONE_VM, .exit_signal = SIGCHLD };

	return kernel_clone(&args);
}

/* x86_64 argument order: flags, stack, parent_tid, child_tid, tls. */
SYSCALL_DEFINE5(clone, unsigned long, clone_flags, unsigned long, newsp, int __user *, parent_tidptr,
		int __user *, child_tidptr, unsigned long, tls)
{
	struct kernel_clone_args args = {
		.flags = clone_flags & ~CSIGNAL,
		.exit_signal = clone_flags & CSIGNAL,
		.parent_tid = parent_tidptr,
		.child_tid = child_tidptr,
		.stack = newsp,
		.tls = tls,
	};

	return kernel_clone(&args);
}

/* clone3's struct clone_args, version 0 (64 bytes); later fields must be zero. */
struct clone_args {
	u64 flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	u64 set_tid, set_tid_size, cgroup;
};

#define CLONE_ARGS_SIZE_VER0 64
#define CLONE_ARGS_SIZE_MAX 4096

/* Kestrel's clone3 takes version 0 and 2 layouts without set_tid, cgroups or pidfds. */
SYSCALL_DEFINE2(clone3, struct clone_args __user *, uargs, size_t, size)
{
	struct clone_args ka;
	struct kernel_clone_args args;
	size_t known = sizeof(ka), off;

	if (size < CLONE_ARGS_SIZE_VER0)
		return -EINVAL;
	if (size > CLONE_ARGS_SIZE_MAX)
		return -E2BIG;
	memset(&ka, 0, sizeof(ka));
	if (copy_from_user(&ka, uargs, min(size, known)))
		return -EFAULT;
	for (off = known; off < size; off++) {
		u8 b;

		if (get_user(b, (u8 __user *)uargs + off))
			return -EFAULT;
		if (b)
			return -E2BIG;
	}
	if ((ka.flags & ~0xffffffffULL) || (ka.flags & CSIGNAL) || ka.exit_signal >= _NSIG + 1)
		return -EINVAL;
	if (ka.set_tid || ka.set_tid_size || ka.cgroup)
		return -EINVAL;
	if ((ka.stack == 0) != (ka.stack_size == 0))
		return -EINVAL;
	args = (struct kernel_clone_args){
		.flags = ka.flags,
		.exit_signal = (int)ka.exit_signal,
		.child_tid = (int __user *)(unsigned long)ka.child_tid,
		.parent_tid = (int __user *)(unsigned long)ka.parent_tid,
		.stack = ka.stack ? ka.stack + ka.stack_size : 0,	/* the stack grows down */
		.stack_size = ka.stack_size,
		.tls = ka.tls,
	};
	return kernel_clone(&args);
}
