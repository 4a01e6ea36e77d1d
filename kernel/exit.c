/*
 * Ending tasks (include/kestrel/exit.h, docs/process.md "Process
 * lifecycle").
 *
 * do_exit() ends the calling task. A kernel thread leaves the task list
 * at once (nobody waits for it; kthread_stop reads its exit code through
 * its own reference). Then do_task_dead() switches away for good and the
 * reaper drops the task's own reference.
 */
#include <kestrel/cred.h>
#include <kestrel/errno.h>
#include <kestrel/exit.h>
#include <kestrel/pid.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include <kestrel/sched_signal.h>

void release_task(struct task_struct *p)
{
	int pid = p->pid;

	write_lock_irq(&tasklist_lock);
	if (!list_empty(&p->sibling))
		list_del_init(&p->sibling);
	__tasklist_del(p);
	write_unlock_irq(&tasklist_lock);
	put_pid_nr(pid);	/* after detach: nobody finds p by it any more */
}

__noreturn void do_exit(int code)
{
	struct task_struct *me = current;

	me->flags |= PF_EXITING;
	if (me->flags & PF_KTHREAD)
		release_task(me);
	do_task_dead(code);
}
