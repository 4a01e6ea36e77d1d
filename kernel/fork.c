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
#include <kestrel/cred.h>
#include <kestrel/errno.h>
#include <kestrel/exit.h>
#include <kestrel/fork.h>
#include <kestrel/pid.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include <kestrel/signal.h>

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

void init_task_identity(void)
{
	identity_self(&init_task);
	init_task.exit_signal = SIGCHLD;
	init_task.cred = get_cred(&init_cred);
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
