/*
 * Kernel threads (kernel/kthread.c).
 *
 *	struct task_struct *k = kthread_run(fn, data, "worker/%d", n);
 *	...
 *	ret = kthread_stop(k);	// fn sees kthread_should_stop() and returns
 *
 * kthread_create() makes the thread but does not start it: wake_up_process()
 * does (kthread_run does both). The thread runs fn(data); returning from
 * fn ends the thread with fn's return value as exit code (as does
 * do_exit(code)).
 *
 * Lifetime: a thread that may exit on its own can be freed as soon as it
 * has; take a reference (get_task_struct) before it can exit if you will
 * kthread_stop() it or look at it afterwards. A thread that only returns
 * after kthread_should_stop() needs no extra reference.
 */
#ifndef KESTREL_KTHREAD_H
#define KESTREL_KTHREAD_H

#include <kestrel/errno.h>
#include <kestrel/sched.h>

/* A new thread running fn(data), not yet started; ERR_PTR(-ENOMEM) on failure. */
struct task_struct *kthread_create(int (*fn)(void *data), void *data, const char *namefmt, ...)
	__printf(3, 4);

#define kthread_run(fn, data, ...)                                        \
	({                                                                \
		struct task_struct *__k = kthread_create(fn, data, __VA_ARGS__); \
		if (!IS_ERR(__k))                                         \
			wake_up_process(__k);                             \
		__k;                                                      \
	})

/* Before the first wake-up: run only on cpu. */
void kthread_bind(struct task_struct *k, unsigned int cpu);

/*
 * Ask k to stop (kthread_should_stop() becomes true), wake it and wait
 * until it has exited; returns its exit code. For a thread never
 * started, it exits without running fn and -EINTR is returned.
 */
int kthread_stop(struct task_struct *k);
/* In a kthread: has kthread_stop() been called on it? */
bool kthread_should_stop(void);

/*
 * First C function of every new kernel thread, after schedule_tail
 * (switch_to.S: ret_from_kernel_thread): runs the thread's fn, then exits.
 */
__noreturn void kthread_main(void);

/* do_task_dead (kernel/sched/core.c): p exits; wake its kthread_stop() caller. */
void kthread_exit_notify(struct task_struct *p);

#endif
