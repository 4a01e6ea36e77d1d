/*
 * Signals: sending, queueing, dequeueing, actions and masks, job-control
 * stop and continue, the signal state of fork/exit/exec, and the signal
 * system calls that are not about the user stack frame (that part is
 * arch/x86/kernel/signal.c). docs/process.md, section "Signals".
 *
 * Model (Linux's): a signal is pending for one thread (task->pending:
 * tkill, tgkill, faults) or for the whole process (signal->shared_pending:
 * kill, the TTY). Each thread has a blocked mask; a pending signal that is
 * not blocked makes signal_pending() true, which ends interruptible sleeps
 * (schedule() does not sleep in TASK_INTERRUPTIBLE then) and makes the
 * return to user mode call arch_do_signal_or_restart(), which dequeues it
 * (thread-directed first, then shared) and acts on it: a handler frame,
 * ignore, stop, or death of the whole process.
 *
 * Sending (send_signal_locked) under the target's siglock:
 *   - drop it if it would be ignored anyway (handler SIG_IGN, or SIG_DFL
 *     whose default is to ignore) and it is not blocked; a kernel thread
 *     only takes signals from the kernel itself (priv); init takes only
 *     those it has a handler for (SIGNAL_UNKILLABLE), but its own faults;
 *   - a stop signal cancels pending SIGCONT and SIGCONT cancels pending
 *     stop signals and resumes a stopped process at once (even if it
 *     ignores or blocks SIGCONT);
 *   - a standard signal (< SIGRTMIN) already pending is not queued twice,
 *     real-time ones are;
 *   - complete_signal() picks a thread that does not block it (for a
 *     process-directed signal) and wakes it from an interruptible sleep;
 *     a fatal one (SIGKILL, or a default-action kill) is turned into
 *     SIGKILL for every thread at once (SIGNAL_GROUP_EXIT).
 *
 * Locking:
 *   sighand->siglock (irqsave) protects action[], the pending sets and
 *   blocked masks of every task using the sighand, signal->shared_pending,
 *   the stop/exit fields of the signal_struct, task->jobctl, and
 *   signal->thread_head (see sched_signal.h). p->sighand can change under
 *   a sender (exec's unshare_sighand) and is freed through RCU:
 *   lock_task_sighand() rechecks it under the lock.
 *   Its order with the task list lock and the run-queue locks:
 *   docs/locking.md, "Lock order". signal_pending()
 *   reads the bits without the lock: a sender sets them and then wakes
 *   (try_to_wake_up has a full barrier before reading p->state), a sleeper
 *   sets its state (full barrier) and then schedule() tests them, so one
 *   of the two sees the other.
 */
#include <kestrel/cred.h>
#include <kestrel/errno.h>
#include <kestrel/exit.h>
#include <kestrel/might_sleep.h>
#include <kestrel/pid.h>
#include <kestrel/printk.h>
#include <kestrel/rcupdate.h>
#include <kestrel/sched.h>
#include <kestrel/sched_signal.h>
#include <kestrel/sched_user.h>
#include <kestrel/signal.h>
#include <kestrel/slab.h>
#include <kestrel/smp.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/time.h>
#include <kestrel/uaccess.h>
#include <kestrel/wait.h>

/* Linux's clone flags (the proc helper's clone(2) passes them). */
#define SIG_CLONE_VM 0x00000100
#define SIG_CLONE_SIGHAND 0x00000800
#define SIG_CLONE_VFORK 0x00004000
#define SIG_CLONE_THREAD 0x00010000

#define SIG_CAP_KILL 5	/* Linux's CAP_KILL: may signal any process */

struct signal_struct init_signals;
struct sighand_struct init_sighand;
/* Shared by every kernel thread (never by a user process): all SIG_DFL, no thread list. */
static struct signal_struct kthread_signals;
static struct sighand_struct kthread_sighand;

/* All siglocks are one class: a task holds at most one (two only nested, parent then child). */
static struct lock_class_key siglock_key;
static struct lock_class_key chldexit_key;
static struct lock_class_key signalfd_key;

/* ---- sets and classes ---- */

#define M(sig) sigmask(sig)
#define SIG_KERNEL_ONLY_MASK (M(SIGKILL) | M(SIGSTOP))
#define SIG_KERNEL_STOP_MASK (M(SIGSTOP) | M(SIGTSTP) | M(SIGTTIN) | M(SIGTTOU))
#define SIG_KERNEL_COREDUMP_MASK                                                        \
	(M(SIGQUIT) | M(SIGILL) | M(SIGTRAP) | M(SIGABRT) | M(SIGFPE) | M(SIGSEGV) |     \
	 M(SIGBUS) | M(SIGSYS) | M(SIGXCPU) | M(SIGXFSZ))
#define SIG_KERNEL_IGNORE_MASK (M(SIGCONT) | M(SIGCHLD) | M(SIGWINCH) | M(SIGURG))
/* Faults of the thread itself: delivered before anything else. */
#define SYNCHRONOUS_MASK (M(SIGSEGV) | M(SIGBUS) | M(SIGILL) | M(SIGTRAP) | M(SIGFPE) | M(SIGSYS))

bool sig_kernel_only(int sig)
{
	return sig < SIGRTMIN && (M(sig) & SIG_KERNEL_ONLY_MASK);
}

bool sig_kernel_stop(int sig)
{
	return sig < SIGRTMIN && (M(sig) & SIG_KERNEL_STOP_MASK);
}

bool sig_kernel_coredump(int sig)
{
	return sig < SIGRTMIN && (M(sig) & SIG_KERNEL_COREDUMP_MASK);
}

bool sig_kernel_ignore(int sig)
{
	return sig < SIGRTMIN && (M(sig) & SIG_KERNEL_IGNORE_MASK);
}

static inline bool valid_signal(int sig)
{
	return sig >= 1 && sig <= _NSIG;
}

/* ---- pending sets ---- */

void init_sigpending(struct sigpending *p)
{
	INIT_LIST_HEAD(&p->list);
	sigemptyset(&p->signal);
}

/*
 * A queue entry for a signal to t. RLIMIT_SIGPENDING counts the entries
 * queued to the tasks of t's user (its real uid), against t's limit; past
 * it there is no entry (Linux's __sigqueue_alloc) unless override_rlimit:
 * a standard signal from the kernel or kill() always gets one.
 */
static struct sigqueue *sigqueue_alloc(struct task_struct *t, bool override_rlimit)
{
	struct user_struct *u;
	unsigned long pending;
	struct sigqueue *q = NULL;

	rcu_read_lock();	/* t's cred may be replaced meanwhile */
	u = get_uid(t->cred ? t->cred->user : INIT_USER);
	rcu_read_unlock();
	pending = atomic_inc_return(&u->sigpending);

	if (override_rlimit || pending <= task_rlimit(t, RLIMIT_SIGPENDING))
		q = kzalloc(sizeof(*q), GFP_ATOMIC);
	if (!q) {
		atomic_dec(&u->sigpending);
		free_uid(u);
		return NULL;
	}
	INIT_LIST_HEAD(&q->list);
	q->user = u;	/* our reference */
	return q;
}

static void sigqueue_free(struct sigqueue *q)
{
	atomic_dec(&q->user->sigpending);
	free_uid(q->user);
	kfree(q);
}

/* Drop every queued signal of pending whose number is in mask. siglock held. */
void flush_sigqueue_mask(const sigset_t *mask, struct sigpending *pending)
{
	struct sigqueue *q, *n;

	if (!(pending->signal.sig[0] & mask->sig[0]))
		return;
	pending->signal.sig[0] &= ~mask->sig[0];
	list_for_each_entry_safe(q, n, &pending->list, list) {
		if (sigismember(mask, q->info.si_signo)) {
			list_del(&q->list);
			sigqueue_free(q);
		}
	}
}

static void flush_sigqueue(struct sigpending *pending)
{
	sigset_t all = { { ~0UL } };

	if (pending->list.next)		/* a zeroed, never initialised set holds nothing */
		flush_sigqueue_mask(&all, pending);
	sigemptyset(&pending->signal);
}

/*
 * Take sig off pending and fill info from its oldest queue entry (or make
 * one up if the entry could not be allocated when it was sent).
 */
static void collect_signal(int sig, struct sigpending *pending, kernel_siginfo_t *info)
{
	struct sigqueue *q, *first = NULL;
	bool more = false;

	list_for_each_entry(q, &pending->list, list) {
		if (q->info.si_signo != sig)
			continue;
		if (first) {
			more = true;
			break;
		}
		first = q;
	}
	if (!more)
		sigdelset(&pending->signal, sig);
	if (first) {
		list_del(&first->list);
		*info = first->info;
		sigqueue_free(first);
	} else {
		memset(info, 0, sizeof(*info));
		info->si_signo = sig;
		info->si_code = SI_USER;
	}
}

/* The next deliverable signal of pending not in mask: synchronous ones first, then lowest. */
static int next_signal(struct sigpending *pending, const sigset_t *mask)
{
	unsigned long x = pending->signal.sig[0] & ~mask->sig[0];

	if (!x)
		return 0;
	if (x & SYNCHRONOUS_MASK)
		x &= SYNCHRONOUS_MASK;
	return __builtin_ctzl(x) + 1;
}

int dequeue_signal(struct task_struct *t, const sigset_t *mask, kernel_siginfo_t *info)
{
	int sig = next_signal(&t->pending, mask);

	if (sig) {
		collect_signal(sig, &t->pending, info);
		return sig;
	}
	sig = next_signal(&t->signal->shared_pending, mask);
	if (sig)
		collect_signal(sig, &t->signal->shared_pending, info);
	return sig;
}

/* ---- pending tests (lock-free readers, see the header comment) ---- */

static sigset_t pending_of(struct task_struct *p)
{
	sigset_t s = { { READ_ONCE(p->pending.signal.sig[0]) } };
	struct signal_struct *sig = READ_ONCE(p->signal);

	/* Kernel threads share kthread_signals: only their own pending counts. */
	if (sig && !(p->flags & PF_KTHREAD))
		s.sig[0] |= READ_ONCE(sig->shared_pending.signal.sig[0]);
	return s;
}

static bool group_exiting(struct task_struct *p)
{
	struct signal_struct *sig = READ_ONCE(p->signal);

	/* A thread already exiting only stops for signals really pending (sleeps in exit). */
	return sig && !(p->flags & (PF_KTHREAD | PF_EXITING)) &&
	       (READ_ONCE(sig->flags) & SIGNAL_GROUP_EXIT);
}

bool signal_pending(struct task_struct *p)
{
	sigset_t s = pending_of(p);

	if (s.sig[0] & ~READ_ONCE(p->blocked.sig[0]))
		return true;
	return group_exiting(p) || (READ_ONCE(p->jobctl) & JOBCTL_STOP_PENDING);
}

bool fatal_signal_pending(struct task_struct *p)
{
	return sigismember(&p->pending.signal, SIGKILL) || group_exiting(p);
}

bool signal_pending_state(unsigned int state, struct task_struct *p)
{
	if (!(state & (TASK_INTERRUPTIBLE | TASK_WAKEKILL)))
		return false;
	if (!signal_pending(p))
		return false;
	return (state & TASK_INTERRUPTIBLE) || fatal_signal_pending(p);
}

/* ---- sighand locking ---- */

struct sighand_struct *lock_task_sighand(struct task_struct *p, unsigned long *flags)
{
	struct sighand_struct *sh;

	rcu_read_lock();
	for (;;) {
		sh = READ_ONCE(p->sighand);
		if (!sh)
			break;
		spin_lock_irqsave(&sh->siglock, *flags);
		if (likely(sh == READ_ONCE(p->sighand)))
			break;
		spin_unlock_irqrestore(&sh->siglock, *flags);
	}
	rcu_read_unlock();
	return sh;
}

void unlock_task_sighand(struct task_struct *p, unsigned long *flags)
{
	spin_unlock_irqrestore(&p->sighand->siglock, *flags);
}

/* ---- waking the receiver ---- */

/*
 * t has a new signal: end an interruptible sleep (fatal: also a killable
 * sleep or a stop), or make a thread running in user mode on another CPU
 * enter the kernel so it notices on the way back out. siglock held.
 */
void signal_wake_up(struct task_struct *t, bool fatal)
{
	unsigned int state = TASK_INTERRUPTIBLE;

	if (fatal)
		state |= TASK_WAKEKILL | TASK_STOPPED;
	if (!wake_up_state(t, state) && t != current && READ_ONCE(t->on_cpu))
		smp_send_reschedule(task_cpu(t));
}

/* Would t take sig now (not blocked, not on its way out)? */
static bool wants_signal(int sig, struct task_struct *t)
{
	if (sigismember(&t->blocked, sig))
		return false;
	if (t->flags & PF_EXITING)
		return false;
	if (sig == SIGKILL)
		return true;
	if (READ_ONCE(t->state) & TASK_STOPPED)
		return false;
	/* A thread with other signals to handle already will be busy: prefer an idle one. */
	return t == current || !(pending_of(t).sig[0] & ~t->blocked.sig[0] & ~sigmask(sig));
}

static void *sig_handler(struct task_struct *t, int sig)
{
	return t->sighand->action[sig - 1].handler;
}

static bool sig_handler_ignored(void *handler, int sig)
{
	return handler == SIG_IGN || (handler == SIG_DFL && sig_kernel_ignore(sig));
}

/* Default action kills the process (not stop, not ignore, not core: core goes the slow way). */
static bool sig_fatal(struct task_struct *t, int sig)
{
	return sig_handler(t, sig) == SIG_DFL && !sig_kernel_ignore(sig) &&
	       !sig_kernel_stop(sig) && !sig_kernel_coredump(sig);
}

static bool sig_ignored(struct task_struct *t, int sig, int force)
{
	void *handler;

	/* Blocked signals are kept: the handler may change before they are unblocked. */
	if (sigismember(&t->blocked, sig) || sigismember(&t->real_blocked, sig))
		return false;
	handler = sig_handler(t, sig);
	if (t->flags & PF_KTHREAD) {
		/* A kernel thread takes signals from the kernel only (Linux: they ignore all). */
		return force == SEND_USER;
	}
	/*
	 * init takes only the signals it has a handler for: not SIGKILL or
	 * SIGSTOP from anyone, not the exit signal of a child (whatever a
	 * child's clone asked for), not the TTY's. Its own faults are forced.
	 */
	if ((t->signal->flags & SIGNAL_UNKILLABLE) && handler == SIG_DFL && force != SEND_FORCE)
		return true;
	return sig_handler_ignored(handler, sig);
}

/*
 * Pick the thread that takes a new signal and wake it; a fatal signal
 * becomes SIGKILL for every thread. siglock held.
 */
static void complete_signal(int sig, struct task_struct *p, bool group)
{
	struct signal_struct *signal = p->signal;
	struct task_struct *t = p;

	if (!wants_signal(sig, p)) {
		if (!group || list_empty(&signal->thread_head))
			return;		/* it waits for p to unblock it */
		t = NULL;
		list_for_each_entry(t, &signal->thread_head, thread_node) {
			if (wants_signal(sig, t))
				break;
		}
		if (&t->thread_node == &signal->thread_head)
			return;		/* every thread blocks it: stays pending for the first to unblock */
	}

	if (!(p->flags & PF_KTHREAD) && sig_fatal(p, sig) &&
	    !(signal->flags & SIGNAL_GROUP_EXIT) && !sigismember(&t->real_blocked, sig)) {
		/* The whole process dies: no need to pick a thread. */
		signal->flags = SIGNAL_GROUP_EXIT;
		signal->group_exit_code = sig;
		signal->group_stop_count = 0;
		if (list_empty(&signal->thread_head)) {
			p->jobctl = 0;
			sigaddset(&p->pending.signal, SIGKILL);
			signal_wake_up(p, true);
			return;
		}
		list_for_each_entry(t, &signal->thread_head, thread_node) {
			t->jobctl = 0;
			sigaddset(&t->pending.signal, SIGKILL);
			signal_wake_up(t, true);
		}
		return;
	}
	signal_wake_up(t, sig == SIGKILL);
}

/* Every thread of p's process (or p alone if it is on no thread list). */
#define for_each_thread_of(p, t)                                                    \
	for (t = list_empty(&(p)->signal->thread_head)                              \
			 ? (p)                                                      \
			 : list_first_entry(&(p)->signal->thread_head, struct task_struct, \
					    thread_node);                           \
	     t; t = thread_next(p, t))

static struct task_struct *thread_next(struct task_struct *p, struct task_struct *t)
{
	if (list_empty(&p->signal->thread_head))
		return NULL;
	if (t->thread_node.next == &p->signal->thread_head)
		return NULL;
	return list_entry(t->thread_node.next, struct task_struct, thread_node);
}

/*
 * Stop and continue act when sent, not when delivered. Returns false if the
 * signal is not to be queued. siglock held.
 */
static bool prepare_signal(int sig, struct task_struct *p, int force)
{
	struct signal_struct *signal = p->signal;
	struct task_struct *t;
	sigset_t flush;

	if (signal->flags & SIGNAL_GROUP_EXIT)
		return false;	/* it is dying already: SIGKILL is queued for every thread */
	if (p->flags & PF_KTHREAD)
		return !sig_ignored(p, sig, force);
	if (sig_kernel_stop(sig)) {
		sigemptyset(&flush);
		sigaddset(&flush, SIGCONT);
		flush_sigqueue_mask(&flush, &signal->shared_pending);
		for_each_thread_of(p, t)
			flush_sigqueue_mask(&flush, &t->pending);
	} else if (sig == SIGCONT) {
		unsigned int why = 0;

		flush.sig[0] = SIG_KERNEL_STOP_MASK;
		flush_sigqueue_mask(&flush, &signal->shared_pending);
		for_each_thread_of(p, t) {
			flush_sigqueue_mask(&flush, &t->pending);
			t->jobctl &= ~(JOBCTL_STOP_PENDING | JOBCTL_STOP_CONSUME | JOBCTL_STOPPED);
			wake_up_state(t, TASK_STOPPED);
		}
		if (signal->flags & SIGNAL_STOP_STOPPED)
			why = SIGNAL_CLD_CONTINUED;
		else if (signal->group_stop_count)
			why = SIGNAL_CLD_STOPPED;
		if (why) {
			/* The parent hears of it from the first thread back in get_signal. */
			signal_set_stop_flags(signal, why | SIGNAL_STOP_CONTINUED);
			signal->group_stop_count = 0;
			signal->group_exit_code = 0;
		}
	}
	return !sig_ignored(p, sig, force);
}

/*
 * Queue sig with info for t (group: for its whole process). siglock held.
 * 0, or -EAGAIN when a real-time signal could not be queued.
 */
int send_signal_locked(int sig, const kernel_siginfo_t *info, struct task_struct *t, bool group,
		       int force)
{
	struct sigpending *pending;
	struct sigqueue *q;

	if (!prepare_signal(sig, t, force))
		return 0;
	if (group && (t->flags & PF_KTHREAD))
		group = false;	/* kernel threads have no process to share it */
	pending = group ? &t->signal->shared_pending : &t->pending;
	/* Standard signals are not counted: one pending instance at most. */
	if (sig < SIGRTMIN && sigismember(&pending->signal, sig))
		return 0;
	/* Standard signals from the kernel or kill() are never refused an entry. */
	q = sigqueue_alloc(t, sig < SIGRTMIN && info->si_code >= 0);
	if (q) {
		q->info = *info;
		list_add_tail(&q->list, &pending->list);
	} else if (sig >= SIGRTMIN && info->si_code != SI_KERNEL && info->si_code != SI_USER) {
		return -EAGAIN;		/* sigqueue(3) reports it */
	}
	/* Else the signal is still pending, without its information (Linux's rule). */
	sigaddset(&pending->signal, sig);
	complete_signal(sig, t, group);
	return 0;
}

static void fill_kill_info(kernel_siginfo_t *info, int sig, int code)
{
	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	info->si_code = code;
	if (code != SI_KERNEL) {
		info->kill.pid = current->tgid;
		info->kill.uid = current_cred()->uid;
	}
}

int send_sig_info_to(int sig, const kernel_siginfo_t *info, struct task_struct *p, bool group,
		     int force)
{
	unsigned long flags;
	int ret = -ESRCH;

	if (!valid_signal(sig))
		return -EINVAL;
	if (!lock_task_sighand(p, &flags))
		return -ESRCH;
	if (!p->exit_state)
		ret = send_signal_locked(sig, info, p, group, force);
	else
		ret = 0;	/* a zombie: it exists, but nothing happens */
	unlock_task_sighand(p, &flags);
	return ret;
}

int send_sig(int sig, struct task_struct *p, int priv)
{
	kernel_siginfo_t info;

	if (!valid_signal(sig))
		return -EINVAL;
	fill_kill_info(&info, sig, priv ? SI_KERNEL : SI_USER);
	return send_sig_info_to(sig, &info, p, false, priv ? SEND_KERNEL : SEND_USER);
}

int send_sig_group(int sig, struct task_struct *p, int priv)
{
	kernel_siginfo_t info;

	if (!valid_signal(sig))
		return -EINVAL;
	fill_kill_info(&info, sig, priv ? SI_KERNEL : SI_USER);
	return send_sig_info_to(sig, &info, p, true, priv ? SEND_KERNEL : SEND_USER);
}

void force_sig_fault(int sig, int code, void __user *addr)
{
	struct task_struct *t = current;
	struct k_sigaction *ka;
	kernel_siginfo_t info;
	unsigned long flags;

	memset(&info, 0, sizeof(info));
	info.si_signo = sig;
	info.si_code = code;
	info.fault.addr = addr;
	lock_task_sighand(t, &flags);
	ka = &t->sighand->action[sig - 1];
	/* A fault that cannot be handled kills: blocked or ignored means the default action. */
	if (ka->handler == SIG_IGN || sigismember(&t->blocked, sig)) {
		ka->handler = SIG_DFL;
		sigdelset(&t->blocked, sig);
	}
	/* Even init: going on would fault again for ever (then do_exit panics). */
	if (ka->handler == SIG_DFL)
		t->signal->flags &= ~SIGNAL_UNKILLABLE;
	send_signal_locked(sig, &info, t, false, SEND_FORCE);
	unlock_task_sighand(t, &flags);
}

void force_sig(int sig)
{
	struct task_struct *t = current;
	kernel_siginfo_t info;
	unsigned long flags;

	fill_kill_info(&info, sig, SI_KERNEL);
	lock_task_sighand(t, &flags);
	if (t->sighand->action[sig - 1].handler == SIG_IGN || sigismember(&t->blocked, sig)) {
		t->sighand->action[sig - 1].handler = SIG_DFL;
		sigdelset(&t->blocked, sig);
	}
	if (t->sighand->action[sig - 1].handler == SIG_DFL)
		t->signal->flags &= ~SIGNAL_UNKILLABLE;
	send_signal_locked(sig, &info, t, false, SEND_FORCE);
	unlock_task_sighand(t, &flags);
}

/* ---- finding targets ---- */

/* May current signal t? (Linux's kill_ok_by_cred plus the SIGCONT-in-session rule.) */
/* p's real uid (0 for a task without creds), under a lock or RCU: the cred is read once. */
static unsigned int task_uid_or_root(struct task_struct *p)
{
	const struct cred *c = __task_cred(p);

	return c ? c->uid : 0;
}

static bool same_owner(const struct cred *me, struct task_struct *t)
{
	const struct cred *tc;
	bool same;

	rcu_read_lock();	/* t may commit new creds and free these meanwhile */
	tc = __task_cred(t) ?: &init_cred;
	same = me->euid == tc->suid || me->euid == tc->uid || me->uid == tc->suid ||
	       me->uid == tc->uid;
	rcu_read_unlock();
	return same;
}

static bool kill_permitted(int sig, struct task_struct *t)
{
	const struct cred *me = current_cred();

	if (same_owner(me, t))
		return true;
	if (me->cap_effective & (1ULL << SIG_CAP_KILL))
		return true;
	return sig == SIGCONT && current->signal && t->signal &&
	       current->signal->session == t->signal->session;
}

static int check_kill_permission(int sig, struct task_struct *t, int priv)
{
	if (priv || !sig)
		return priv || kill_permitted(sig, t) ? 0 : -EPERM;
	if (t->flags & PF_KTHREAD)
		return 0;	/* allowed, and then ignored (sig_ignored) */
	return kill_permitted(sig, t) ? 0 : -EPERM;
}

struct kill_walk {
	int match;		/* pid, pgrp, or 0 for "all" */
	enum { KW_PGRP, KW_ALL } by;
	int sig;
	int priv;
	kernel_siginfo_t *info;	/* NULL: a kill() from current */
	bool group;
	int count;		/* processes tried */
	bool success;		/* one of them got it */
	int err;		/* the last error */
};

static bool is_leader(struct task_struct *p)
{
	return !p->group_leader || p->group_leader == p;
}

static void kill_walk_one(struct task_struct *p, void *arg)
{
	struct kill_walk *kw = arg;
	kernel_siginfo_t info;
	int ret;

	if (p->flags & PF_IDLE || !p->signal || !p->sighand)
		return;
	switch (kw->by) {
	case KW_PGRP:
		if (!is_leader(p) || (p->flags & PF_KTHREAD) || p->exit_state ||
		    READ_ONCE(p->signal->pgrp) != kw->match)
			return;
		break;
	case KW_ALL:
		/* kill(-1): every process but init and the caller's own. */
		if (!is_leader(p) || (p->flags & PF_KTHREAD) || p->tgid <= 1 || p->pid <= 1 ||
		    p->signal == current->signal)
			return;
		break;
	}
	ret = check_kill_permission(kw->sig, p, kw->priv);
	if (!ret && kw->sig) {
		if (kw->info) {
			info = *kw->info;
		} else {
			fill_kill_info(&info, kw->sig, kw->priv ? SI_KERNEL : SI_USER);
		}
		ret = send_sig_info_to(kw->sig, &info, p, true, kw->priv ? SEND_KERNEL : SEND_USER);
	}
	kw->count++;
	if (!ret)
		kw->success = true;
	else
		kw->err = ret;
}

/* The task with thread id pid (referenced), or NULL. */
struct task_struct *find_get_task(int pid)
{
	struct task_struct *p;
	unsigned long flags;

	if (pid <= 0)
		return NULL;
	read_lock_irqsave(&tasklist_lock, flags);
	p = find_task_by_vpid(pid);
	if (p)
		get_task_struct(p);
	read_unlock_irqrestore(&tasklist_lock, flags);
	return p;
}

static int kill_pid_info(int pid, int sig, int priv, kernel_siginfo_t *info)
{
	struct task_struct *p = find_get_task(pid);
	kernel_siginfo_t kinfo;
	int ret;

	if (!p)
		return -ESRCH;
	if (p->flags & PF_KTHREAD) {
		put_task_struct(p);
		return 0;	/* a kernel thread is no process: nothing happens (Linux ignores it) */
	}
	ret = check_kill_permission(sig, p, priv);
	if (!ret && sig) {
		if (!info) {
			fill_kill_info(&kinfo, sig, priv ? SI_KERNEL : SI_USER);
			info = &kinfo;
		}
		ret = send_sig_info_to(sig, info, p, true, priv ? SEND_KERNEL : SEND_USER);
	}
	put_task_struct(p);
	return ret;
}

int kill_pid(int pid, int sig, int priv)
{
	if (sig < 0 || sig > _NSIG)
		return -EINVAL;
	return kill_pid_info(pid, sig, priv, NULL);
}

/* Linux's __kill_pgrp_info: success if any process got it, else the last error. */
static int kill_walk_run(struct kill_walk *kw)
{
	sched_for_each_task(kill_walk_one, kw);
	if (!kw->count)
		return -ESRCH;
	return kw->success ? 0 : kw->err;
}

int kill_pgrp(int pgid, int sig, int priv)
{
	struct kill_walk kw = { .match = pgid, .by = KW_PGRP, .sig = sig, .priv = priv };

	if (sig < 0 || sig > _NSIG)
		return -EINVAL;
	if (pgid <= 0)
		return -ESRCH;
	return kill_walk_run(&kw);
}

/* ---- the sending system calls ---- */

SYSCALL_DEFINE2(kill, int, pid, int, sig)
{
	struct kill_walk kw = { .sig = sig };

	if (sig < 0 || sig > _NSIG)
		return -EINVAL;
	if (pid > 0)
		return kill_pid_info(pid, sig, 0, NULL);
	if (pid == -1) {
		kw.by = KW_ALL;
		sched_for_each_task(kill_walk_one, &kw);
		if (!kw.count)
			return -ESRCH;
		/* Linux: EPERM from some processes is not reported; other errors are. */
		return kw.err == -EPERM ? 0 : kw.err;
	}
	return kill_pgrp(pid == 0 ? current->signal->pgrp : -pid, sig, 0);
}

static int do_tkill(int tgid, int pid, int sig)
{
	struct task_struct *p;
	kernel_siginfo_t info;
	int ret;

	if (pid <= 0 || sig < 0 || sig > _NSIG)
		return -EINVAL;
	p = find_get_task(pid);
	if (!p)
		return -ESRCH;
	ret = -ESRCH;
	if (tgid <= 0 || p->tgid == tgid)
		ret = check_kill_permission(sig, p, 0);
	if (!ret && sig) {
		fill_kill_info(&info, sig, SI_TKILL);
		ret = send_sig_info_to(sig, &info, p, false, SEND_USER);
	}
	put_task_struct(p);
	return ret;
}

SYSCALL_DEFINE3(tgkill, int, tgid, int, pid, int, sig)
{
	if (tgid <= 0)
		return -EINVAL;
	return do_tkill(tgid, pid, sig);
}

SYSCALL_DEFINE2(tkill, int, pid, int, sig)
{
	return do_tkill(0, pid, sig);
}

/* sigqueue(3): a queued signal with a value; si_code must be negative (user-made). */
SYSCALL_DEFINE3(rt_sigqueueinfo, int, pid, int, sig, kernel_siginfo_t __user *, uinfo)
{
	kernel_siginfo_t info;

	if (copy_from_user(&info, uinfo, sizeof(info)))
		return -EFAULT;
	if (!valid_signal(sig))
		return -EINVAL;
	/* Only the kernel may claim SI_USER or a kernel code (Linux's rule). */
	if ((info.si_code >= 0 || info.si_code == SI_TKILL) && current->pid != pid)
		return -EPERM;
	info.si_signo = sig;
	return kill_pid_info(pid, sig, 0, &info);
}

/* ---- actions and masks ---- */

/*
 * Hand t's process-directed signals to another thread when t cannot take
 * them any more (exit, or a newly blocked mask). siglock held.
 */
static void retarget_shared_pending(struct task_struct *tsk, unsigned long which)
{
	unsigned long pend = tsk->signal->shared_pending.signal.sig[0] & which;
	struct task_struct *t;

	if (!pend || list_empty(&tsk->signal->thread_head))
		return;
	list_for_each_entry(t, &tsk->signal->thread_head, thread_node) {
		if (t == tsk || (t->flags & PF_EXITING))
			continue;
		if (pend & ~t->blocked.sig[0]) {
			pend &= t->blocked.sig[0];
			signal_wake_up(t, false);
		}
		if (!pend)
			break;
	}
}

/* Set current's mask; process-directed signals it now blocks go to a thread that does not. */
void set_current_blocked(const sigset_t *newset)
{
	struct task_struct *t = current;
	unsigned long flags;
	sigset_t s = *newset;

	sigdelsetmask(&s, SIG_KERNEL_ONLY_MASK);
	lock_task_sighand(t, &flags);
	retarget_shared_pending(t, s.sig[0] & ~t->blocked.sig[0]);
	t->blocked = s;
	unlock_task_sighand(t, &flags);
}

/* Discard pending signals that the new action sig ignores (POSIX). siglock held. */
static void flush_ignored(struct task_struct *p, int sig)
{
	struct task_struct *t;
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, sig);
	flush_sigqueue_mask(&mask, &p->signal->shared_pending);
	for_each_thread_of(p, t)
		flush_sigqueue_mask(&mask, &t->pending);
}

int do_sigaction(int sig, const struct k_sigaction *act, struct k_sigaction *oact)
{
	struct task_struct *p = current;
	struct k_sigaction *k;
	unsigned long flags;

	if (!valid_signal(sig) || (act && sig_kernel_only(sig)))
		return -EINVAL;
	lock_task_sighand(p, &flags);
	k = &p->sighand->action[sig - 1];
	if (oact)
		*oact = *k;
	if (act) {
		*k = *act;
		sigdelsetmask(&k->mask, SIG_KERNEL_ONLY_MASK);
		if (sig_handler_ignored(k->handler, sig))
			flush_ignored(p, sig);
	}
	unlock_task_sighand(p, &flags);
	return 0;
}

/* Linux's struct sigaction of rt_sigaction(2) on x86_64: handler, flags, restorer, mask. */
struct uapi_sigaction {
	void __user *handler;
	unsigned long flags;
	void __user *restorer;
	sigset_t mask;
};

SYSCALL_DEFINE4(rt_sigaction, int, sig, const struct uapi_sigaction __user *, act,
		struct uapi_sigaction __user *, oact, size_t, sigsetsize)
{
	struct k_sigaction new, old;
	struct uapi_sigaction ua;
	int ret;

	if (sigsetsize != sizeof(sigset_t))
		return -EINVAL;
	if (act) {
		if (copy_from_user(&ua, act, sizeof(ua)))
			return -EFAULT;
		new = (struct k_sigaction){ ua.handler, ua.flags, ua.restorer, ua.mask };
	}
	ret = do_sigaction(sig, act ? &new : NULL, oact ? &old : NULL);
	if (!ret && oact) {
		ua = (struct uapi_sigaction){ old.handler, old.flags, old.restorer, old.mask };
		if (copy_to_user(oact, &ua, sizeof(ua)))
			return -EFAULT;
	}
	return ret;
}

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

int sigprocmask(int how, const sigset_t *set, sigset_t *oldset)
{
	sigset_t newset = current->blocked;

	if (oldset)
		*oldset = current->blocked;
	if (!set)
		return 0;
	switch (how) {
	case SIG_BLOCK:
		newset.sig[0] |= set->sig[0];
		break;
	case SIG_UNBLOCK:
		newset.sig[0] &= ~set->sig[0];
		break;
	case SIG_SETMASK:
		newset = *set;
		break;
	default:
		return -EINVAL;
	}
	set_current_blocked(&newset);
	return 0;
}

SYSCALL_DEFINE4(rt_sigprocmask, int, how, const sigset_t __user *, nset, sigset_t __user *,
		oset, size_t, sigsetsize)
{
	sigset_t new, old;
	int ret;

	if (sigsetsize != sizeof(sigset_t))
		return -EINVAL;
	if (nset && copy_from_user(&new, nset, sizeof(new)))
		return -EFAULT;
	ret = sigprocmask(how, nset ? &new : NULL, &old);
	if (!ret && oset && copy_to_user(oset, &old, sizeof(old)))
		return -EFAULT;
	return ret;
}

SYSCALL_DEFINE2(rt_sigpending, sigset_t __user *, uset, size_t, sigsetsize)
{
	struct task_struct *t = current;
	unsigned long flags;
	sigset_t s;

	if (sigsetsize > sizeof(sigset_t))
		return -EINVAL;
	lock_task_sighand(t, &flags);
	s.sig[0] = (t->pending.signal.sig[0] | t->signal->shared_pending.signal.sig[0]) &
		   t->blocked.sig[0];
	unlock_task_sighand(t, &flags);
	return copy_to_user(uset, &s, sigsetsize) ? -EFAULT : 0;
}

/* ---- fork, exit, exec ---- */

static void sighand_init(struct sighand_struct *sh)
{
	atomic_set(&sh->count, 1);
	__spin_lock_init(&sh->siglock, "&sighand->siglock", &siglock_key);
	__init_waitqueue_head(&sh->signalfd_wqh, "&sighand->signalfd_wqh", &signalfd_key);
}

static void signal_struct_init(struct signal_struct *sig)
{
	atomic_set(&sig->sigcnt, 1);
	atomic_set(&sig->live, 1);
	sig->nr_threads = 1;
	INIT_LIST_HEAD(&sig->thread_head);
	__init_waitqueue_head(&sig->wait_chldexit, "&signal->wait_chldexit", &chldexit_key);
	init_sigpending(&sig->shared_pending);
}

/* Linux's boot limits (INIT_RLIMITS). */
static void init_rlimits(struct rlimit *r)
{
	for (int i = 0; i < RLIM_NLIMITS; i++)
		r[i] = (struct rlimit){ RLIM_INFINITY, RLIM_INFINITY };
	r[RLIMIT_STACK].rlim_cur = 8UL << 20;
	r[RLIMIT_CORE].rlim_cur = 0;
	r[RLIMIT_NOFILE] = (struct rlimit){ 1024, 4096 };
	r[RLIMIT_MEMLOCK] = (struct rlimit){ 8UL << 20, 8UL << 20 };
	r[RLIMIT_MSGQUEUE] = (struct rlimit){ 819200, 819200 };
	r[RLIMIT_NICE] = (struct rlimit){ 0, 0 };
	r[RLIMIT_RTPRIO] = (struct rlimit){ 0, 0 };
	r[RLIMIT_SIGPENDING] = (struct rlimit){ 4096, 4096 };
	r[RLIMIT_NPROC] = (struct rlimit){ 4096, 4096 };
}

static void task_signal_reset(struct task_struct *p)
{
	init_sigpending(&p->pending);
	INIT_LIST_HEAD(&p->thread_node);
	sigemptyset(&p->real_blocked);
	sigemptyset(&p->saved_sigmask);
	p->restore_sigmask = false;
	p->jobctl = 0;
}

void signal_init(void)
{
	sighand_init(&init_sighand);
	sighand_init(&kthread_sighand);
	signal_struct_init(&init_signals);
	signal_struct_init(&kthread_signals);
	init_rlimits(init_signals.rlim);
	init_rlimits(kthread_signals.rlim);
	init_signals.pgrp = init_signals.session = 1;
	init_signals.leader = true;
	init_signals.flags = SIGNAL_UNKILLABLE;

	task_signal_reset(&init_task);
	init_task.signal = &init_signals;
	init_task.sighand = &init_sighand;
	list_add_tail(&init_task.thread_node, &init_signals.thread_head);
}

void signal_task_init_kthread(struct task_struct *p)
{
	task_signal_reset(p);
	sigemptyset(&p->blocked);
	p->signal = &kthread_signals;
	p->sighand = &kthread_sighand;
	atomic_inc(&kthread_signals.sigcnt);
	atomic_inc(&kthread_sighand.count);
}

static bool is_static_signal(struct signal_struct *s)
{
	return s == &init_signals || s == &kthread_signals;
}

static bool is_static_sighand(struct sighand_struct *s)
{
	return s == &init_sighand || s == &kthread_sighand;
}

int copy_sighand(unsigned long clone_flags, struct task_struct *p)
{
	struct sighand_struct *cur = current->sighand, *sh;
	unsigned long flags;

	if (clone_flags & SIG_CLONE_SIGHAND) {
		atomic_inc(&cur->count);
		p->sighand = cur;
		return 0;
	}
	sh = kzalloc(sizeof(*sh), GFP_KERNEL);
	if (!sh)
		return -ENOMEM;
	sighand_init(sh);
	spin_lock_irqsave(&cur->siglock, flags);
	memcpy(sh->action, cur->action, sizeof(sh->action));
	spin_unlock_irqrestore(&cur->siglock, flags);
	p->sighand = sh;
	return 0;
}

int copy_signal(unsigned long clone_flags, struct task_struct *p)
{
	struct signal_struct *cur = current->signal, *sig;
	unsigned long flags;

	task_signal_reset(p);
	p->blocked = current->blocked;
	sigdelsetmask(&p->blocked, SIG_KERNEL_ONLY_MASK);
	/* A thread sharing the address space must not share the running alternate stack. */
	if ((clone_flags & (SIG_CLONE_VM | SIG_CLONE_VFORK)) == SIG_CLONE_VM) {
		p->sas_ss_sp = 0;
		p->sas_ss_size = 0;
		p->sas_ss_flags = 0;
	} else {
		p->sas_ss_sp = current->sas_ss_sp;
		p->sas_ss_size = current->sas_ss_size;
		p->sas_ss_flags = current->sas_ss_flags;
	}
	if (clone_flags & SIG_CLONE_THREAD) {
		atomic_inc(&cur->sigcnt);
		atomic_inc(&cur->live);
		p->signal = cur;
		spin_lock_irqsave(&current->sighand->siglock, flags);
		list_add_tail(&p->thread_node, &cur->thread_head);
		spin_unlock_irqrestore(&current->sighand->siglock, flags);
		return 0;
	}
	sig = kzalloc(sizeof(*sig), GFP_KERNEL);
	if (!sig)
		return -ENOMEM;
	signal_struct_init(sig);
	sig->pgrp = READ_ONCE(cur->pgrp);
	sig->session = READ_ONCE(cur->session);
	sig->leader = false;
	sig->tty = READ_ONCE(cur->tty);
	memcpy(sig->rlim, cur->rlim, sizeof(sig->rlim));
	list_add_tail(&p->thread_node, &sig->thread_head);
	p->signal = sig;
	return 0;
}

void exit_signals(struct task_struct *tsk)
{
	unsigned long flags;

	if (!lock_task_sighand(tsk, &flags)) {
		tsk->flags |= PF_EXITING;
		return;
	}
	tsk->flags |= PF_EXITING;
	if (!(tsk->flags & PF_KTHREAD)) {
		retarget_shared_pending(tsk, ~tsk->blocked.sig[0]);
		/* A group stop must not wait for a thread that is gone. */
		if (tsk->jobctl & JOBCTL_STOP_CONSUME) {
			tsk->jobctl &= ~JOBCTL_STOP_CONSUME;
			if (tsk->signal->group_stop_count)
				tsk->signal->group_stop_count--;
		}
		tsk->jobctl &= ~JOBCTL_STOP_PENDING;
	}
	unlock_task_sighand(tsk, &flags);
}

void release_task_signal(struct task_struct *p)
{
	unsigned long flags;

	if (!lock_task_sighand(p, &flags))
		return;
	if (!list_empty(&p->thread_node))
		list_del_init(&p->thread_node);
	flush_sigqueue(&p->pending);
	unlock_task_sighand(p, &flags);
}

static void put_sighand(struct sighand_struct *sh)
{
	if (atomic_dec_and_test(&sh->count) && !is_static_sighand(sh))
		kfree_rcu(sh, rcu);
}

void put_signal_struct(struct signal_struct *sig)
{
	if (atomic_dec_and_test(&sig->sigcnt) && !is_static_signal(sig)) {
		flush_sigqueue(&sig->shared_pending);
		kfree(sig);
	}
}

void signal_task_free(struct task_struct *p)
{
	struct sighand_struct *sh = p->sighand;
	struct signal_struct *sig = p->signal;

	if (!sh || !sig)
		return;
	release_task_signal(p);
	p->sighand = NULL;
	p->signal = NULL;
	put_sighand(sh);
	put_signal_struct(sig);
}

void flush_signals(struct task_struct *t)
{
	unsigned long flags;

	if (!lock_task_sighand(t, &flags))
		return;
	flush_sigqueue(&t->pending);
	if (!(t->flags & PF_KTHREAD))
		flush_sigqueue(&t->signal->shared_pending);
	unlock_task_sighand(t, &flags);
}

void flush_signal_handlers(struct task_struct *t, int force_default)
{
	struct k_sigaction *ka = t->sighand->action;
	unsigned long flags;

	spin_lock_irqsave(&t->sighand->siglock, flags);
	for (int i = 0; i < _NSIG; i++, ka++) {
		if (force_default || ka->handler != SIG_IGN)
			ka->handler = SIG_DFL;
		ka->flags = 0;
		ka->restorer = NULL;
		sigemptyset(&ka->mask);
	}
	spin_unlock_irqrestore(&t->sighand->siglock, flags);
	t->sas_ss_sp = 0;
	t->sas_ss_size = 0;
	t->sas_ss_flags = 0;
}

int unshare_sighand(struct task_struct *t)
{
	struct sighand_struct *old = t->sighand, *sh;
	unsigned long flags;

	if (atomic_read(&old->count) == 1 && !is_static_sighand(old))
		return 0;
	sh = kzalloc(sizeof(*sh), GFP_KERNEL);
	if (!sh)
		return -ENOMEM;
	sighand_init(sh);
	spin_lock_irqsave(&old->siglock, flags);
	memcpy(sh->action, old->action, sizeof(sh->action));
	WRITE_ONCE(t->sighand, sh);
	spin_unlock_irqrestore(&old->siglock, flags);
	put_sighand(old);
	return 0;
}

int zap_other_threads_exit(struct task_struct *p, int exit_code)
{
	struct signal_struct *signal = p->signal;
	struct task_struct *t;
	unsigned long flags;
	int code;

	lock_task_sighand(p, &flags);
	if (signal->flags & SIGNAL_GROUP_EXIT) {
		code = signal->group_exit_code;
	} else {
		signal->flags = SIGNAL_GROUP_EXIT;
		signal->group_exit_code = exit_code;
		signal->group_stop_count = 0;
		code = exit_code;
		for_each_thread_of(p, t) {
			t->jobctl = 0;
			if (t == p || t->exit_state)
				continue;
			sigaddset(&t->pending.signal, SIGKILL);
			signal_wake_up(t, true);
		}
	}
	unlock_task_sighand(p, &flags);
	return code;
}

bool do_notify_parent(struct task_struct *tsk, int sig)
{
	struct task_struct *parent = tsk->parent;
	struct sighand_struct *psh;
	kernel_siginfo_t info;
	bool autoreap = false;
	unsigned long flags;
	int status = tsk->exit_code;

	if (!parent || !valid_signal(sig))
		return sig == -1 || !parent;
	memset(&info, 0, sizeof(info));
	info.si_signo = sig;
	info.chld.pid = tsk->tgid ? tsk->tgid : tsk->pid;
	info.chld.uid = task_uid_or_root(tsk);
	info.chld.utime = (long)(tsk->sum_exec_runtime / NSEC_PER_MSEC / 10);	/* clock ticks */
	if (status & 0x7f) {
		info.si_code = (status & 0x80) ? CLD_DUMPED : CLD_KILLED;
		info.chld.status = status & 0x7f;
	} else {
		info.si_code = CLD_EXITED;
		info.chld.status = (status >> 8) & 0xff;
	}

	psh = lock_task_sighand(parent, &flags);
	if (!psh)
		return true;
	if (sig == SIGCHLD &&
	    (psh->action[SIGCHLD - 1].handler == SIG_IGN ||
	     (psh->action[SIGCHLD - 1].flags & SA_NOCLDWAIT))) {
		/* POSIX: the child is not kept as a zombie; SIGCHLD is still sent if not SIG_IGN. */
		autoreap = true;
		if (psh->action[SIGCHLD - 1].handler == SIG_IGN)
			sig = 0;
	}
	if (sig)
		send_signal_locked(sig, &info, parent, true, SEND_KERNEL);
	unlock_task_sighand(parent, &flags);
	/* wait4 sleepers of the parent's process. */
	if (parent->signal)
		wake_up_all(&parent->signal->wait_chldexit);
	return autoreap;
}

/*
 * Job control: tell the parent that tsk's process stopped or continued
 * (SIGCHLD with CLD_STOPPED / CLD_CONTINUED unless it set SA_NOCLDSTOP),
 * and wake its wait4. Called without tsk's siglock.
 */
void do_notify_parent_cldstop(struct task_struct *tsk, int why)
{
	struct task_struct *leader = tsk->group_leader ? tsk->group_leader : tsk;
	struct task_struct *parent;
	struct sighand_struct *psh;
	kernel_siginfo_t info;
	unsigned long flags, tlflags;

	/* The task list lock keeps our parent from going away (reparenting) meanwhile. */
	read_lock_irqsave(&tasklist_lock, tlflags);
	parent = leader->parent;
	if (!parent) {
		read_unlock_irqrestore(&tasklist_lock, tlflags);
		return;
	}
	memset(&info, 0, sizeof(info));
	info.si_signo = SIGCHLD;
	info.si_code = why;
	info.chld.pid = leader->tgid ? leader->tgid : leader->pid;
	info.chld.uid = task_uid_or_root(leader);
	info.chld.status = why == CLD_CONTINUED ? SIGCONT : tsk->signal->group_exit_code & 0x7f;
	psh = lock_task_sighand(parent, &flags);
	if (psh) {
		if (!(psh->action[SIGCHLD - 1].flags & SA_NOCLDSTOP))
			send_signal_locked(SIGCHLD, &info, parent, true, SEND_KERNEL);
		unlock_task_sighand(parent, &flags);
	}
	if (parent->signal)
		wake_up_all(&parent->signal->wait_chldexit);
	read_unlock_irqrestore(&tasklist_lock, tlflags);
}

/* ---- delivery (arch/x86/kernel/signal.c builds the frames) ---- */

/*
 * Take part in a group stop for signr (start it if none is in progress),
 * sleep in TASK_STOPPED until SIGCONT or SIGKILL, and return with siglock
 * dropped. The last thread to stop marks the process stopped (wait4's
 * WUNTRACED reads SIGNAL_STOP_STOPPED and the stop signal in
 * group_exit_code) and tells the parent. siglock held on entry.
 */
static void do_signal_stop(int signr, unsigned long irqflags)
{
	struct task_struct *me = current, *t;
	struct signal_struct *sig = me->signal;
	bool notify = false;

	if (!(me->jobctl & JOBCTL_STOP_PENDING)) {
		if (!signr || (sig->flags & SIGNAL_GROUP_EXIT)) {
			spin_unlock_irqrestore(&me->sighand->siglock, irqflags);
			return;
		}
		/* We start it: every live thread has to stop. */
		sig->group_stop_sig = signr;
		sig->group_exit_code = signr;
		sig->group_stop_count = 0;
		sig->flags &= ~(SIGNAL_STOP_CONTINUED | SIGNAL_CLD_CONTINUED);
		for_each_thread_of(me, t) {
			if ((t->flags & PF_EXITING) || t->exit_state)
				continue;
			t->jobctl |= JOBCTL_STOP_PENDING | JOBCTL_STOP_CONSUME;
			sig->group_stop_count++;
			if (t != me)
				signal_wake_up(t, false);
		}
	}
	me->jobctl &= ~JOBCTL_STOP_PENDING;
	if (me->jobctl & JOBCTL_STOP_CONSUME) {
		me->jobctl &= ~JOBCTL_STOP_CONSUME;
		if (sig->group_stop_count && !--sig->group_stop_count) {
			signal_set_stop_flags(sig, SIGNAL_STOP_STOPPED);
			notify = true;
		}
	}
	me->jobctl |= JOBCTL_STOPPED;
	/* WAKEKILL: SIGKILL ends the stop too (and a pending one keeps us from stopping). */
	set_current_state(TASK_STOPPED | TASK_WAKEKILL);
	spin_unlock_irqrestore(&me->sighand->siglock, irqflags);
	if (notify)
		do_notify_parent_cldstop(me, CLD_STOPPED);
	schedule();
	__set_current_state(TASK_RUNNING);
}

/*
 * POSIX: a process group is orphaned when no member has a parent in
 * another group of the same session (init does not count as a parent):
 * nobody is left to continue it, so the terminal's stop signals (SIGTSTP,
 * SIGTTIN, SIGTTOU) do not stop it. Takes tasklist_lock: no siglock held.
 */
static bool is_current_pgrp_orphaned(void)
{
	struct signal_struct *mine = current->signal;
	int pgrp = READ_ONCE(mine->pgrp), session = READ_ONCE(mine->session);
	struct task_struct *p, *parent;
	unsigned long flags;
	bool orphaned = true;

	read_lock_irqsave(&tasklist_lock, flags);
	list_for_each_entry(p, &task_list, tasks) {
		if (!p->signal || p->signal->pgrp != pgrp || p->exit_state)
			continue;
		parent = p->real_parent;
		if (!parent || is_global_init(parent) || !parent->signal)
			continue;
		if (parent->signal->pgrp != pgrp && parent->signal->session == session) {
			orphaned = false;
			break;
		}
	}
	read_unlock_irqrestore(&tasklist_lock, flags);
	return orphaned;
}

/*
 * The next signal current must act on. Stops and deaths happen in here;
 * returns true with ksig filled for a signal that has a handler, false
 * when there is none left to act on.
 */
bool get_signal(struct ksignal *ksig)
{
	struct task_struct *me = current;
	struct sighand_struct *sighand = me->sighand;
	struct signal_struct *signal = me->signal;
	struct k_sigaction *ka;
	unsigned long flags;
	int signr, code;

	for (;;) {
		spin_lock_irqsave(&sighand->siglock, flags);
		/* A SIGCONT or a stop the parent has not been told of yet. */
		if (signal->flags & (SIGNAL_CLD_CONTINUED | SIGNAL_CLD_STOPPED)) {
			int why = (signal->flags & SIGNAL_CLD_CONTINUED) ? CLD_CONTINUED
									 : CLD_STOPPED;

			signal->flags &= ~(SIGNAL_CLD_CONTINUED | SIGNAL_CLD_STOPPED);
			spin_unlock_irqrestore(&sighand->siglock, flags);
			do_notify_parent_cldstop(me, why);
			continue;
		}
		if (signal->flags & SIGNAL_GROUP_EXIT) {
			code = signal->group_exit_code;
			sigdelset(&me->pending.signal, SIGKILL);
			spin_unlock_irqrestore(&sighand->siglock, flags);
			do_exit(code);	/* the others are being killed already */
		}
		if (me->jobctl & JOBCTL_STOP_PENDING) {
			do_signal_stop(0, flags);
			continue;
		}
		signr = dequeue_signal(me, &me->blocked, &ksig->info);
		if (!signr) {
			/* Still stopped (a spurious wake-up): sleep on. */
			if ((me->jobctl & JOBCTL_STOPPED) && (signal->flags & SIGNAL_STOP_STOPPED)) {
				set_current_state(TASK_STOPPED | TASK_WAKEKILL);
				spin_unlock_irqrestore(&sighand->siglock, flags);
				schedule();
				__set_current_state(TASK_RUNNING);
				continue;
			}
			me->jobctl &= ~JOBCTL_STOPPED;
			spin_unlock_irqrestore(&sighand->siglock, flags);
			return false;
		}
		me->jobctl &= ~JOBCTL_STOPPED;
		ka = &sighand->action[signr - 1];
		if (ka->handler == SIG_IGN) {
			spin_unlock_irqrestore(&sighand->siglock, flags);
			continue;
		}
		if (ka->handler != SIG_DFL) {
			ksig->ka = *ka;
			ksig->sig = signr;
			if (ka->flags & SA_RESETHAND)
				ka->handler = SIG_DFL;
			spin_unlock_irqrestore(&sighand->siglock, flags);
			return true;
		}
		/* The default action. */
		if (sig_kernel_ignore(signr)) {
			spin_unlock_irqrestore(&sighand->siglock, flags);
			continue;
		}
		/*
		 * init queued it while blocked and has no handler now: dropped.
		 * SIGKILL or SIGSTOP here was forced (its own fault, exec).
		 */
		if ((signal->flags & SIGNAL_UNKILLABLE) && !sig_kernel_only(signr)) {
			spin_unlock_irqrestore(&sighand->siglock, flags);
			continue;
		}
		if (sig_kernel_stop(signr)) {
			if (signr != SIGSTOP) {
				/* Signals may come meanwhile: do_signal_stop sees them after. */
				spin_unlock_irqrestore(&sighand->siglock, flags);
				if (is_current_pgrp_orphaned())
					continue;	/* discarded */
				spin_lock_irqsave(&sighand->siglock, flags);
			}
			do_signal_stop(signr, flags);
			continue;
		}
		spin_unlock_irqrestore(&sighand->siglock, flags);
		/* Death of the whole process, with the core bit (no core file is written). */
		code = sig_kernel_coredump(signr) ? signr | 0x80 : signr;
		do_group_exit(code);
	}
}

/* The mask a handler frame saves: the one rt_sigsuspend/pselect replaced, if any. */
sigset_t *sigmask_to_save(void)
{
	struct task_struct *me = current;

	return me->restore_sigmask ? &me->saved_sigmask : &me->blocked;
}

/* No handler ran: put back the mask rt_sigsuspend (or ppoll, pselect) replaced. */
void restore_saved_sigmask(void)
{
	struct task_struct *me = current;

	if (me->restore_sigmask) {
		me->restore_sigmask = false;
		set_current_blocked(&me->saved_sigmask);
	}
}

/*
 * The handler frame is on the user stack (or could not be built): block
 * what the handler's sa_mask says, and sig itself unless SA_NODEFER.
 */
void signal_setup_done(int failed, struct ksignal *ksig)
{
	struct task_struct *me = current;
	sigset_t blocked;

	if (failed) {
		force_sigsegv(ksig->sig);
		return;
	}
	me->restore_sigmask = false;	/* the frame holds the mask to go back to */
	blocked = me->blocked;
	blocked.sig[0] |= ksig->ka.mask.sig[0];
	if (!(ksig->ka.flags & SA_NODEFER))
		sigaddset(&blocked, ksig->sig);
	set_current_blocked(&blocked);
}

/* A handler frame could not be written: SIGSEGV, by its default action if that was the signal. */
void force_sigsegv(int sig)
{
	struct task_struct *me = current;
	unsigned long flags;

	if (sig == SIGSEGV) {
		lock_task_sighand(me, &flags);
		me->sighand->action[SIGSEGV - 1].handler = SIG_DFL;
		unlock_task_sighand(me, &flags);
	}
	force_sig(SIGSEGV);
}

/* ---- waiting for signals ---- */

/* Sleep until a signal is pending (the caller returns -ERESTARTNOHAND). */
static void sleep_until_signal(void)
{
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (signal_pending(current))
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
}

SYSCALL_DEFINE0(pause)
{
	sleep_until_signal();
	return -ERESTARTNOHAND;
}

SYSCALL_DEFINE2(rt_sigsuspend, const sigset_t __user *, unewset, size_t, sigsetsize)
{
	struct task_struct *me = current;
	sigset_t newset;

	if (sigsetsize != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&newset, unewset, sizeof(newset)))
		return -EFAULT;
	me->saved_sigmask = me->blocked;
	set_current_blocked(&newset);
	sleep_until_signal();
	/* The handler runs with newset; its frame saves the old mask (sigmask_to_save). */
	me->restore_sigmask = true;
	return -ERESTARTNOHAND;
}

struct uapi_timespec {
	long tv_sec, tv_nsec;
};

/*
 * Wait for one of these (even if blocked, even if ignored), up to timeout
 * jiffies (MAX_SCHEDULE_TIMEOUT: forever). Returns the signal with *info,
 * -EAGAIN when the time ran out, -EINTR when another signal came.
 */
static int do_sigtimedwait(const sigset_t *these, kernel_siginfo_t *info, long timeout)
{
	struct task_struct *me = current;
	unsigned long flags;
	sigset_t mask = { { ~these->sig[0] } };	/* what we do not wait for */
	int sig;

	sigaddset(&mask, SIGKILL);	/* never "waited for": it kills */
	sigaddset(&mask, SIGSTOP);
	lock_task_sighand(me, &flags);
	sig = dequeue_signal(me, &mask, info);
	if (!sig && timeout) {
		/* Unblock the awaited ones for the sleep, so their arrival wakes us. */
		me->real_blocked = me->blocked;
		me->blocked.sig[0] &= mask.sig[0];
		unlock_task_sighand(me, &flags);
		__set_current_state(TASK_INTERRUPTIBLE);
		timeout = schedule_timeout(timeout);
		lock_task_sighand(me, &flags);
		me->blocked = me->real_blocked;
		sigemptyset(&me->real_blocked);
		sig = dequeue_signal(me, &mask, info);
	}
	unlock_task_sighand(me, &flags);
	if (sig)
		return sig;
	return timeout ? -EINTR : -EAGAIN;
}

SYSCALL_DEFINE4(rt_sigtimedwait, const sigset_t __user *, uthese, kernel_siginfo_t __user *,
		uinfo, const struct uapi_timespec __user *, uts, size_t, sigsetsize)
{
	long timeout = MAX_SCHEDULE_TIMEOUT;
	struct uapi_timespec ts;
	kernel_siginfo_t info;
	sigset_t these;
	int ret;

	if (sigsetsize != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&these, uthese, sizeof(these)))
		return -EFAULT;
	if (uts) {
		if (copy_from_user(&ts, uts, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (long)NSEC_PER_SEC)
			return -EINVAL;
		/* Round up to whole ticks: never wake before the time asked for. */
		if (ts.tv_sec < (long)(MAX_SCHEDULE_TIMEOUT / HZ - 1))
			timeout = ts.tv_sec * HZ + (ts.tv_nsec + (long)(NSEC_PER_SEC / HZ) - 1) /
							 (long)(NSEC_PER_SEC / HZ);
	}
	ret = do_sigtimedwait(&these, &info, timeout);
	if (ret > 0 && uinfo && copy_to_user(uinfo, &info, sizeof(info)))
		return -EFAULT;
	return ret;
}
