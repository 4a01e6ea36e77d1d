/*
 * Kernel threads (include/kestrel/kthread.h).
 *
 * kthread_create() allocates the task and its guarded stack
 * (kernel/sched/core.c task_alloc) and leaves it in TASK_NEW; the first
 * wake_up_process() puts it on a run queue, and its first switch-in runs
 * ret_from_kernel_thread (switch_to.S) -> kthread_main() -> fn(data).
 *
 * Exit: do_exit() marks the task exited and wakes task_exit_wq, on which
 * kthread_stop() waits for its thread; the task then switches away for
 * the last time and the reaper (kernel/exit.c) frees it.
 *
 * Locking: should_stop and exited are single flags written once
 * (WRITE_ONCE) and read with READ_ONCE; the wait queue's lock orders the
 * exit wake-up against kthread_stop's test.
 */
#include <stdarg.h>
#include <kestrel/fork.h>
#include <kestrel/kthread.h>
#include <kestrel/printk.h>
#include <kestrel/wait.h>
#include <kestrel/sched.h>

static DECLARE_WAIT_QUEUE_HEAD(task_exit_wq);	/* woken whenever a task exits */

struct task_struct *kthread_create(int (*fn)(void *data), void *data, const char *namefmt, ...)
{
	char name[TASK_COMM_LEN];
	struct task_struct *p;
	va_list ap;

	va_start(ap, namefmt);
	vsnprintf(name, sizeof(name), namefmt, ap);
	va_end(ap);
	int err;

	p = task_alloc(name, fn, data);
	if (!p)
		return ERR_PTR(-ENOMEM);
	err = kthread_identity_init(p);	/* pid, cred (kernel/fork.c) */
	if (err) {
		task_free(p);
		return ERR_PTR(err);
	}
	tasklist_add(p);
	return p;
}

void kthread_bind(struct task_struct *k, unsigned int cpu)
{
	/* Not started yet: nobody else looks at these fields. */
	WARN_ON(READ_ONCE(k->state) != TASK_NEW);
	k->cpus_allowed = cpumask_of(cpu);
	WRITE_ONCE(k->cpu, cpu);
}

bool kthread_should_stop(void)
{
	return READ_ONCE(current->should_stop);
}

__noreturn void kthread_main(void)
{
	struct task_struct *me = current;
	int ret = -EINTR;

	if (!kthread_should_stop())
		ret = me->threadfn(me->thread_data);
	do_exit(ret);
}

void kthread_exit_notify(struct task_struct *p)
{
	WRITE_ONCE(p->exited, true);
	wake_up_all(&task_exit_wq);
}

int kthread_stop(struct task_struct *k)
{
	int ret;

	might_sleep();
	get_task_struct(k);
	WRITE_ONCE(k->should_stop, true);
	wake_up_process(k);
	wait_event(task_exit_wq, READ_ONCE(k->exited));
	ret = k->exit_code;
	put_task_struct(k);
	return ret;
}
