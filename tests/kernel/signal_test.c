/*
 * signal.*: queueing, pending tests and the sleeps signals end
 * (kernel/signal.c, kernel/sched/wait.c, kernel/locking/mutex.c).
 *
 * Targets are kernel threads sleeping in the primitive under test; the
 * kernel (priv) sends to them, since kernel threads take no user signals.
 * The process tests clear PF_KTHREAD on two threads and make them one
 * thread group with copy_sighand/copy_signal, as fork does, so that
 * process-directed signals, thread choice and group kill are exercised.
 */
#include <kestrel/completion.h>
#include <kestrel/errno.h>
#include <kestrel/kthread.h>
#include <kestrel/ktest.h>
#include <kestrel/lockdep.h>
#include <kestrel/mutex.h>
#include <kestrel/pid.h>
#include <kestrel/sched.h>
#include <kestrel/sched_signal.h>
#include <kestrel/timer.h>
#include <kestrel/string.h>
#include <kestrel/wait.h>
#include <asm/ptrace.h>
#include <asm/syscall.h>
#include <asm/unistd_64.h>

#define WAIT_JIFFIES (msecs_to_jiffies(30 * 1000))	/* only a hang comes near it */

struct sleeper {
	wait_queue_head_t wq;
	int cond;
	int how;		/* SLEEP_* */
	long result;
	bool fatal;		/* fatal_signal_pending() after the sleep */
	bool pending;		/* signal_pending() after the sleep */
	struct mutex *mutex;
	struct completion done;
};

enum { SLEEP_INTERRUPTIBLE, SLEEP_KILLABLE, SLEEP_TIMEOUT, SLEEP_MUTEX, SLEEP_SCHEDULE };

static int sleeper_fn(void *data)
{
	struct sleeper *s = data;

	switch (s->how) {
	case SLEEP_INTERRUPTIBLE:
		s->result = wait_event_interruptible(s->wq, READ_ONCE(s->cond));
		break;
	case SLEEP_KILLABLE:
		s->result = wait_event_killable(s->wq, READ_ONCE(s->cond));
		break;
	case SLEEP_TIMEOUT:
		s->result = wait_event_interruptible_timeout(s->wq, READ_ONCE(s->cond),
							     WAIT_JIFFIES);
		break;
	case SLEEP_MUTEX:
		s->result = mutex_lock_interruptible(s->mutex);
		if (!s->result)
			mutex_unlock(s->mutex);
		break;
	case SLEEP_SCHEDULE:
		/* A bare interruptible sleep: schedule() itself must not sleep with a signal. */
		set_current_state(TASK_INTERRUPTIBLE);
		if (!READ_ONCE(s->cond))
			schedule();
		__set_current_state(TASK_RUNNING);
		s->result = signal_pending(current) ? -ERESTARTSYS : 0;
		break;
	}
	s->pending = signal_pending(current);
	s->fatal = fatal_signal_pending(current);
	flush_signals(current);
	complete_all(&s->done);	/* seen by every later wait */
	return 0;
}

static struct task_struct *start_sleeper(struct sleeper *s, int how)
{
	struct task_struct *k;

	init_waitqueue_head(&s->wq);
	s->cond = 0;
	s->how = how;
	s->result = 12345;
	init_completion(&s->done);
	k = kthread_create(sleeper_fn, s, "sigsleep");
	if (IS_ERR(k))
		return k;
	get_task_struct(k);
	wake_up_process(k);
	msleep(30);	/* let it get to sleep */
	return k;
}

/* Wake the sleeper, and wait until it has exited and its stack is freed. */
static void stop_sleeper(struct sleeper *s, struct task_struct *k)
{
	WRITE_ONCE(s->cond, 1);
	wake_up_all(&s->wq);
	if (!wait_for_completion_timeout(&s->done, WAIT_JIFFIES)) {
		put_task_struct(k);	/* stuck: the test has failed already */
		return;
	}
	kthread_stop(k);	/* it returns by itself: this waits for its exit */
	put_task_struct(k);
	sched_reap_wait();	/* no stack comes back during a later test that counts pages */
}

KTEST(signal, wakes_interruptible_kthread)
{
	static struct sleeper s;
	struct task_struct *k = start_sleeper(&s, SLEEP_INTERRUPTIBLE);

	KASSERT(!IS_ERR(k));
	KEXPECT(!completion_done(&s.done));
	KEXPECT_EQ(READ_ONCE(k->state), TASK_INTERRUPTIBLE);
	KEXPECT_EQ(send_sig(SIGUSR1, k, 1), 0);
	KASSERT(wait_for_completion_timeout(&s.done, WAIT_JIFFIES));
	KEXPECT_EQ(s.result, -ERESTARTSYS);
	KEXPECT(s.pending);
	KEXPECT(!s.fatal);
	stop_sleeper(&s, k);
}

KTEST(signal, bare_schedule_ends_on_signal)
{
	static struct sleeper s;
	struct task_struct *k = start_sleeper(&s, SLEEP_SCHEDULE);

	KASSERT(!IS_ERR(k));
	KEXPECT(!completion_done(&s.done));
	KEXPECT_EQ(send_sig(SIGUSR2, k, 1), 0);
	KASSERT(wait_for_completion_timeout(&s.done, WAIT_JIFFIES));
	KEXPECT_EQ(s.result, -ERESTARTSYS);
	stop_sleeper(&s, k);
}

KTEST(signal, user_signal_to_kthread_is_dropped)
{
	static struct sleeper s;
	struct task_struct *k = start_sleeper(&s, SLEEP_INTERRUPTIBLE);

	KASSERT(!IS_ERR(k));
	/* priv == 0: as from kill(2); kernel threads ignore it (Linux too). */
	KEXPECT_EQ(send_sig(SIGTERM, k, 0), 0);
	msleep(30);
	KEXPECT(!completion_done(&s.done));
	KEXPECT(!signal_pending(k));
	stop_sleeper(&s, k);
	KEXPECT_EQ(s.result, 0);
}

KTEST(signal, blocked_stays_pending)
{
	static struct sleeper s;
	struct task_struct *k;
	unsigned long flags;

	init_waitqueue_head(&s.wq);
	s.cond = 0;
	s.how = SLEEP_INTERRUPTIBLE;
	init_completion(&s.done);
	k = kthread_create(sleeper_fn, &s, "sigblock");
	KASSERT(!IS_ERR(k));
	get_task_struct(k);
	sigaddset(&k->blocked, SIGUSR1);	/* not started: nobody else looks */
	wake_up_process(k);
	msleep(30);

	KEXPECT_EQ(send_sig(SIGUSR1, k, 1), 0);
	msleep(30);
	KEXPECT(!completion_done(&s.done));	/* blocked: the sleep goes on */
	KEXPECT(sigismember(&k->pending.signal, SIGUSR1));
	KEXPECT(!signal_pending(k));
	/* A second standard signal of the same number is not queued twice. */
	KEXPECT_EQ(send_sig(SIGUSR1, k, 1), 0);
	KEXPECT(!list_empty(&k->pending.list) && k->pending.list.next->next == &k->pending.list);

	/* Unblocking (as sigprocmask would, then a wake-up) ends the sleep. */
	lock_task_sighand(k, &flags);
	sigdelset(&k->blocked, SIGUSR1);
	signal_wake_up(k, false);
	unlock_task_sighand(k, &flags);
	KASSERT(wait_for_completion_timeout(&s.done, WAIT_JIFFIES));
	KEXPECT_EQ(s.result, -ERESTARTSYS);
	stop_sleeper(&s, k);
}

KTEST(signal, killable_sleep_only_ends_on_sigkill)
{
	static struct sleeper s;
	struct task_struct *k = start_sleeper(&s, SLEEP_KILLABLE);

	KASSERT(!IS_ERR(k));
	KEXPECT_EQ(send_sig(SIGUSR1, k, 1), 0);
	msleep(30);
	KEXPECT(!completion_done(&s.done));	/* not fatal: still asleep */
	KEXPECT(signal_pending(k));
	KEXPECT(!fatal_signal_pending(k));
	KEXPECT_EQ(send_sig(SIGKILL, k, 1), 0);
	KEXPECT(fatal_signal_pending(k));
	KASSERT(wait_for_completion_timeout(&s.done, WAIT_JIFFIES));
	KEXPECT_EQ(s.result, -ERESTARTSYS);
	KEXPECT(s.fatal);
	stop_sleeper(&s, k);
}

KTEST(signal, interruptible_timeout)
{
	static struct sleeper s;
	struct task_struct *k = start_sleeper(&s, SLEEP_TIMEOUT);

	KASSERT(!IS_ERR(k));
	KEXPECT_EQ(send_sig(SIGINT, k, 1), 0);
	KASSERT(wait_for_completion_timeout(&s.done, WAIT_JIFFIES));
	KEXPECT_EQ(s.result, -ERESTARTSYS);
	stop_sleeper(&s, k);

	/* Without a signal: the condition wins, with time left. */
	k = start_sleeper(&s, SLEEP_TIMEOUT);
	KASSERT(!IS_ERR(k));
	stop_sleeper(&s, k);
	KEXPECT(s.result > 0);
	/* And a run-out timeout is 0. */
	init_waitqueue_head(&s.wq);
	KEXPECT_EQ(wait_event_interruptible_timeout(s.wq, false, 2), 0);
}

KTEST(signal, mutex_lock_interruptible)
{
	static struct sleeper s;
	static DEFINE_MUTEX(m);
	struct task_struct *k;

	s.mutex = &m;
	mutex_lock(&m);
	k = start_sleeper(&s, SLEEP_MUTEX);
	KASSERT(!IS_ERR(k));
	KEXPECT(!completion_done(&s.done));
	KEXPECT_EQ(send_sig(SIGUSR1, k, 1), 0);
	KASSERT(wait_for_completion_timeout(&s.done, WAIT_JIFFIES));
	KEXPECT_EQ(s.result, -EINTR);
	KEXPECT_EQ(READ_ONCE(m.owner), current);	/* still ours */
	stop_sleeper(&s, k);

	/* Unlocked while it waits: it gets the mutex (0). */
	k = start_sleeper(&s, SLEEP_MUTEX);
	KASSERT(!IS_ERR(k));
	mutex_unlock(&m);
	KASSERT(wait_for_completion_timeout(&s.done, WAIT_JIFFIES));
	KEXPECT_EQ(s.result, 0);
	stop_sleeper(&s, k);
}

/* ---- a two-thread "process" ---- */

struct proc_test {
	struct sleeper t[2];
	struct task_struct *k[2];
	int err;
	int got[2];		/* signal each thread dequeued */
	void __user *handler[2];	/* get_signal's action for it */
	bool use_get_signal;	/* act on signals as the return to user mode does */
	struct completion made;
};

static int proc_sleep_fn(void *data);

struct proc_thread_arg {
	struct proc_test *pt;
	int idx;
};

static struct proc_thread_arg pt_args[2];

/* A thread of the test process: sleep, then dequeue what woke it. */
static int proc_sleep_fn(void *data)
{
	struct proc_thread_arg *a = data;
	struct proc_test *pt = a->pt;
	struct sleeper *s = &pt->t[a->idx];
	kernel_siginfo_t info;
	unsigned long flags;
	sigset_t set;

	if (a->idx == 0) {
		/* The "leader" forks its second thread: CLONE_SIGHAND | CLONE_THREAD. */
		struct task_struct *k = kthread_create(proc_sleep_fn, &pt_args[1], "sigproc1");

		if (IS_ERR(k)) {
			pt->err = -ENOMEM;
		} else {
			k->flags &= ~PF_KTHREAD;
			pt->err = copy_sighand(0x00000800, k) ?: copy_signal(0x00010000, k);
			get_task_struct(k);
			pt->k[1] = k;
			wake_up_process(k);
		}
		/* The leader blocks SIGUSR1 (after the fork: thread 1 does not): thread 1 takes it. */
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigprocmask(0 /* SIG_BLOCK */, &set, NULL);
		complete(&pt->made);
	}
	s->result = wait_event_interruptible(s->wq, READ_ONCE(s->cond));
	s->fatal = fatal_signal_pending(current);
	if (pt->use_get_signal) {
		struct ksignal ks;

		/* Stops happen in here; a handler's signal comes back. */
		if (get_signal(&ks)) {
			pt->got[a->idx] = ks.sig;
			pt->handler[a->idx] = ks.ka.handler;
		}
	} else {
		lock_task_sighand(current, &flags);
		pt->got[a->idx] = dequeue_signal(current, &current->blocked, &info);
		unlock_task_sighand(current, &flags);
	}
	if (!s->fatal)
		flush_signals(current);
	/* Leave as the kernel thread we were made as (no process exit to do). */
	current->flags |= PF_KTHREAD;
	complete_all(&s->done);	/* seen by every later wait */
	return 0;
}

static int make_test_process(struct proc_test *pt)
{
	struct task_struct *k;
	int err;

	for (int i = 0; i < 2; i++) {
		init_waitqueue_head(&pt->t[i].wq);
		pt->t[i].cond = 0;
		init_completion(&pt->t[i].done);
		pt->got[i] = 0;
		pt->handler[i] = NULL;
		pt_args[i] = (struct proc_thread_arg){ pt, i };
	}
	init_completion(&pt->made);
	k = kthread_create(proc_sleep_fn, &pt_args[0], "sigproc0");
	if (IS_ERR(k))
		return -ENOMEM;
	k->flags &= ~PF_KTHREAD;	/* a "user" process: takes process-directed signals */
	err = copy_sighand(0, k) ?: copy_signal(0, k);
	if (err)
		return err;
	/* A handler, so SIGUSR1 is delivered, not fatal (it is never run here). */
	k->sighand->action[SIGUSR1 - 1].handler = (void __user *)0x1000;
	get_task_struct(k);
	pt->k[0] = k;
	wake_up_process(k);
	wait_for_completion_timeout(&pt->made, WAIT_JIFFIES);
	msleep(30);
	return pt->err;
}

static void end_test_process(struct proc_test *pt)
{
	for (int i = 0; i < 2; i++) {
		if (!pt->k[i])
			continue;
		WRITE_ONCE(pt->t[i].cond, 1);
		wake_up_all(&pt->t[i].wq);
		wait_for_completion_timeout(&pt->t[i].done, WAIT_JIFFIES);
			put_task_struct(pt->k[i]);
			pt->k[i] = NULL;
	}
}

KTEST(signal, process_directed_goes_to_unblocking_thread)
{
	static struct proc_test pt;

	KASSERT(make_test_process(&pt) == 0);
	KEXPECT(pt.k[0]->signal == pt.k[1]->signal);
	KEXPECT(pt.k[0]->sighand == pt.k[1]->sighand);
	KEXPECT(pt.k[0]->signal != current->signal);
	KEXPECT_EQ(pt.k[0]->signal->pgrp, current->signal->pgrp);	/* inherited */

	KEXPECT_EQ(send_sig_group(SIGUSR1, pt.k[0], 1), 0);
	KASSERT(wait_for_completion_timeout(&pt.t[1].done, WAIT_JIFFIES));
	KEXPECT_EQ(pt.t[1].result, -ERESTARTSYS);
	KEXPECT_EQ(pt.got[1], SIGUSR1);
	msleep(20);
	KEXPECT(!completion_done(&pt.t[0].done));	/* the leader blocks it: undisturbed */
	end_test_process(&pt);
	KEXPECT_EQ(pt.got[0], 0);
}

KTEST(signal, fatal_signal_kills_every_thread)
{
	static struct proc_test pt;

	KASSERT(make_test_process(&pt) == 0);
	/* SIGTERM's default action kills: the whole group gets SIGKILL. */
	KEXPECT_EQ(send_sig_group(SIGTERM, pt.k[0], 1), 0);
	KEXPECT(pt.k[0]->signal->flags & SIGNAL_GROUP_EXIT);
	KEXPECT_EQ(pt.k[0]->signal->group_exit_code, SIGTERM);
	for (int i = 0; i < 2; i++) {
		KASSERT(wait_for_completion_timeout(&pt.t[i].done, WAIT_JIFFIES));
		KEXPECT(pt.t[i].fatal);
		KEXPECT_EQ(pt.got[i], SIGKILL);
	}
	/* A dying process takes nothing more. */
	KEXPECT_EQ(send_sig_group(SIGUSR2, pt.k[0], 1), 0);
	KEXPECT(!sigismember(&pt.k[0]->signal->shared_pending.signal, SIGUSR2));
	end_test_process(&pt);
}

KTEST(signal, ignored_is_dropped_and_sigcont_cancels_stop)
{
	static struct proc_test pt;
	struct signal_struct *sig;

	KASSERT(make_test_process(&pt) == 0);
	sig = pt.k[0]->signal;
	/* SIGCHLD's default is to ignore: not even queued. */
	KEXPECT_EQ(send_sig_group(SIGCHLD, pt.k[0], 1), 0);
	KEXPECT(!sigismember(&sig->shared_pending.signal, SIGCHLD));
	/* A blocked SIGTSTP stays; SIGCONT then discards it. */
	sigaddset(&pt.k[0]->blocked, SIGTSTP);
	sigaddset(&pt.k[1]->blocked, SIGTSTP);
	KEXPECT_EQ(send_sig_group(SIGTSTP, pt.k[0], 1), 0);
	KEXPECT(sigismember(&sig->shared_pending.signal, SIGTSTP));
	KEXPECT_EQ(send_sig_group(SIGCONT, pt.k[0], 1), 0);
	KEXPECT(!sigismember(&sig->shared_pending.signal, SIGTSTP));
	end_test_process(&pt);
}

KTEST(signal, kill_pid_finds_and_checks)
{
	KEXPECT_EQ(kill_pid(0x7ffffff0, SIGUSR1, 1), -ESRCH);
	KEXPECT_EQ(kill_pid(1, 0, 0), 0);	/* signal 0: only "does it exist" */
	KEXPECT_EQ(kill_pid(1, 65, 0), -EINVAL);
	KEXPECT_EQ(kill_pgrp(0x7ffffff0, SIGUSR1, 1), -ESRCH);
}

/*
 * kill(2)'s permission check reads the target's cred, which the target
 * may replace (setuid) and free after a grace period: it must read it
 * inside rcu_read_lock(), or the validator reports the __task_cred().
 */
KTEST(signal, kill_permission_reads_cred_under_rcu)
{
	KASSERT(debug_locks);
	KASSERT(preempt_count() == 0);	/* preemptible: no implicit reader section */
	lockdep_expect_report();
	KEXPECT_EQ(kill_pid(1, 0, 0), 0);
	KEXPECT(lockdep_expect_end() == NULL);
}

KTEST(signal, group_stop_and_continue)
{
	static struct proc_test pt;
	struct signal_struct *sig;

	pt.use_get_signal = true;
	KASSERT(make_test_process(&pt) == 0);
	sig = pt.k[0]->signal;
	KEXPECT_EQ(send_sig_group(SIGSTOP, pt.k[0], 1), 0);
	msleep(50);
	/* Both threads stopped (the one that took SIGSTOP stopped the other). */
	for (int i = 0; i < 2; i++) {
		KEXPECT(READ_ONCE(pt.k[i]->state) & TASK_STOPPED);
		KEXPECT(!completion_done(&pt.t[i].done));
	}
	KEXPECT(sig->flags & SIGNAL_STOP_STOPPED);
	KEXPECT_EQ(sig->group_exit_code, SIGSTOP);	/* what wait4(WUNTRACED) reports */
	KEXPECT_EQ(sig->group_stop_count, 0);

	/* A signal to a stopped process stays pending; SIGCONT resumes it. */
	pt.k[0]->sighand->action[SIGUSR2 - 1].handler = (void __user *)0x3000;
	KEXPECT_EQ(send_sig_group(SIGUSR2, pt.k[0], 1), 0);
	msleep(20);
	KEXPECT(READ_ONCE(pt.k[0]->state) & TASK_STOPPED);
	KEXPECT_EQ(send_sig_group(SIGCONT, pt.k[0], 1), 0);
	KEXPECT(!(sig->flags & SIGNAL_STOP_STOPPED));
	KEXPECT(sig->flags & SIGNAL_STOP_CONTINUED);	/* for wait4(WCONTINUED) */
	for (int i = 0; i < 2; i++)
		KASSERT(wait_for_completion_timeout(&pt.t[i].done, WAIT_JIFFIES));
	/* The one that was kept pending is delivered (to its handler) after the continue. */
	KEXPECT(pt.got[0] == SIGUSR2 || pt.got[1] == SIGUSR2);
	end_test_process(&pt);
	pt.use_get_signal = false;
}

KTEST(signal, get_signal_returns_handler_and_resethand)
{
	static struct proc_test pt;
	struct k_sigaction act = { .handler = (void __user *)0x2000, .flags = SA_RESETHAND };

	pt.use_get_signal = true;
	KASSERT(make_test_process(&pt) == 0);
	pt.k[0]->sighand->action[SIGUSR2 - 1] = act;
	pt.k[0]->sighand->action[SIGHUP - 1].handler = SIG_IGN;
	/* An ignored one is not even queued; a handled one comes back from get_signal. */
	KEXPECT_EQ(send_sig(SIGHUP, pt.k[1], 1), 0);
	KEXPECT(!sigismember(&pt.k[1]->pending.signal, SIGHUP));
	KEXPECT_EQ(send_sig(SIGUSR2, pt.k[1], 1), 0);
	KASSERT(wait_for_completion_timeout(&pt.t[1].done, WAIT_JIFFIES));
	KEXPECT_EQ(pt.got[1], SIGUSR2);
	KEXPECT(pt.handler[1] == (void __user *)0x2000);
	KEXPECT(pt.k[0]->sighand->action[SIGUSR2 - 1].handler == SIG_DFL);	/* reset */
	end_test_process(&pt);
	pt.use_get_signal = false;
}

/* No handler runs (nothing pending): every -ERESTART* code goes back into the kernel. */
KTEST(signal, restart_without_handler)
{
	static const long codes[] = { -ERESTARTSYS, -ERESTARTNOINTR, -ERESTARTNOHAND,
				      -ERESTART_RESTARTBLOCK, -EINTR };
	struct pt_regs regs;

	KASSERT(!signal_pending(current));
	for (unsigned int i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		memset(&regs, 0, sizeof(regs));
		regs.vector = SYSCALL_FRAME_VECTOR;
		regs.error_code = __NR_read;	/* orig_rax */
		regs.rax = (unsigned long)codes[i];
		regs.rip = 0x401002;
		arch_do_signal_or_restart(&regs);
		KEXPECT_EQ(syscall_get_nr(&regs), -1);	/* decided once */
		if (codes[i] == -EINTR) {
			KEXPECT_EQ((long)regs.rax, -EINTR);	/* not a restart code: untouched */
			KEXPECT_EQ(regs.rip, 0x401002);
		} else if (codes[i] == -ERESTART_RESTARTBLOCK) {
			KEXPECT_EQ(regs.rax, __NR_restart_syscall);
			KEXPECT_EQ(regs.rip, 0x401000);
		} else {
			KEXPECT_EQ(regs.rax, __NR_read);	/* the same call again */
			KEXPECT_EQ(regs.rip, 0x401000);		/* back over `syscall` */
		}
	}
}

/*
 * init (the boot thread, pid 1, running these tests) takes only signals it
 * has a handler for (SIGNAL_UNKILLABLE): not SIGKILL or SIGSTOP, even from
 * the kernel (a child's exit signal is sent that way), nor a default-kill
 * signal; a signal it handles is queued. Whatever the outcome, init's
 * pending sets and flags are put back.
 */
KTEST(signal, init_takes_only_signals_it_handles)
{
	static const int sigs[] = { SIGKILL, SIGSTOP, SIGTERM, SIGTSTP, SIGUSR1 };
	struct signal_struct *sig = init_task.signal;
	struct k_sigaction *usr2 = &init_task.sighand->action[SIGUSR2 - 1];
	unsigned int flags = sig->flags;
	unsigned long irqflags;

	KASSERT(is_global_init(&init_task));
	KEXPECT(flags & SIGNAL_UNKILLABLE);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
		KEXPECT_EQ(send_sig_group(sigs[i], &init_task, 1), 0);
		KEXPECT_EQ(send_sig(sigs[i], &init_task, 1), 0);
		KEXPECT_EQ(send_sig_group(sigs[i], &init_task, 0), 0);
	}
	KEXPECT_EQ(sig->shared_pending.signal.sig[0], 0);
	KEXPECT_EQ(init_task.pending.signal.sig[0], 0);
	KEXPECT(!(sig->flags & (SIGNAL_GROUP_EXIT | SIGNAL_STOP_MASK)));
	KEXPECT(!(init_task.jobctl & JOBCTL_STOP_PENDING));

	/* With a handler (any address: it never runs here) the signal is queued. */
	spin_lock_irqsave(&init_task.sighand->siglock, irqflags);
	usr2->handler = (void __user *)0x1000;
	spin_unlock_irqrestore(&init_task.sighand->siglock, irqflags);
	KEXPECT_EQ(send_sig_group(SIGUSR2, &init_task, 1), 0);
	KEXPECT(sigismember(&sig->shared_pending.signal, SIGUSR2));

	spin_lock_irqsave(&init_task.sighand->siglock, irqflags);
	usr2->handler = SIG_DFL;
	sig->flags = flags;
	init_task.jobctl &= ~(JOBCTL_STOP_PENDING | JOBCTL_STOP_CONSUME);
	spin_unlock_irqrestore(&init_task.sighand->siglock, irqflags);
	flush_signals(&init_task);
}
