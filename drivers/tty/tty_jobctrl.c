/*
 * Job control on a tty: controlling terminals, the foreground process
 * group, SIGTTIN/SIGTTOU for background jobs, hangup.
 *
 * The rules (POSIX, as Linux implements them):
 *   - A session has at most one controlling tty and a tty at most one
 *     session. A session leader gets one by opening a tty without
 *     O_NOCTTY while it has none and the tty has no session, or with
 *     TIOCSCTTY. fork() inherits signal->tty; setsid() drops it.
 *   - tty->pgrp is the foreground process group (TIOCSPGRP, by a member
 *     of the session, to a group of the same session). The ISIG keys
 *     and SIGWINCH go to it.
 *   - A process of another group of the session that reads the tty gets
 *     SIGTTIN (its whole group does), and one that writes with TOSTOP
 *     set or changes the termios gets SIGTTOU; the call then returns
 *     -ERESTARTSYS and is restarted after SIGCONT. If the signal is
 *     ignored or blocked, a read fails with EIO and a write goes ahead.
 *     If the group is orphaned (no member has a parent in another group
 *     of the same session, so nobody could ever continue it) the call
 *     fails with EIO instead of stopping the group forever.
 *   - When the session leader exits, its tty hangs up: the session
 *     leader and the foreground group get SIGHUP (and SIGCONT), every
 *     process of the session loses the tty, and files open on the tty
 *     read EOF and fail writes with EIO.
 *
 * Locking: the job-control identity is proc's tasklist_lock's
 * (include/kestrel/pid.h), and so is the tty's side of it: every
 * signal->tty, tty->session and tty->pgrp change happens under
 * write_lock_irqsave(&tasklist_lock); scans of the processes take it for
 * reading. Readers that only need one value use READ_ONCE. Signals are
 * sent after the lock is dropped (kill_pgrp takes it itself).
 */
#include <kestrel/cred.h>
#include <kestrel/errno.h>
#include <kestrel/pid.h>
#include <kestrel/sched.h>
#include <kestrel/sched_signal.h>
#include <kestrel/signal.h>
#include <kestrel/tty.h>
#include <kestrel/uaccess.h>

static struct signal_struct *cur_sig(void)
{
	return current->signal;
}

/* Is sig ignored or blocked by current (then SIGTTIN/SIGTTOU would not stop it)? */
static bool is_ignored(int sig)
{
	struct sighand_struct *sh = current->sighand;
	unsigned long bit = 1UL << (sig - 1);

	if (current->blocked.sig[0] & bit)
		return true;
	return sh && READ_ONCE(sh->action[sig - 1].handler) == SIG_IGN;
}

/* ---------------- orphaned process groups ---------------- */

/*
 * POSIX: a group is orphaned when no member's parent is in another group
 * of the same session (init does not count: it never continues a stopped
 * job). tasklist_lock held.
 */
static bool pgrp_orphaned_locked(int pgrp)
{
	struct task_struct *p;

	for_each_process(p) {
		struct signal_struct *sig = p->signal, *psig;
		struct task_struct *parent = p->real_parent;

		if (!sig || sig->pgrp != pgrp || p->exit_state)
			continue;
		if (!parent || parent == p || parent->tgid == 1 || !(psig = parent->signal))
			continue;
		if (psig->pgrp != pgrp && psig->session == sig->session)
			return false;
	}
	return true;
}

static bool pgrp_orphaned(int pgrp)
{
	unsigned long flags;
	bool ret;

	read_lock_irqsave(&tasklist_lock, flags);
	ret = pgrp_orphaned_locked(pgrp);
	read_unlock_irqrestore(&tasklist_lock, flags);
	return ret;
}

/* ---------------- background checks ---------------- */

/* Linux's __tty_check_change: may current touch tty, or must its group stop with sig? */
static int check_background(struct tty_struct *tty, int sig)
{
	struct signal_struct *s = cur_sig();
	int my_pgrp, tty_pgrp;

	if (!s || READ_ONCE(s->tty) != tty)
		return 0;	/* not our controlling tty: job control does not apply */
	my_pgrp = READ_ONCE(s->pgrp);
	tty_pgrp = READ_ONCE(tty->pgrp);
	if (!tty_pgrp || my_pgrp == tty_pgrp)
		return 0;
	if (is_ignored(sig))
		return sig == SIGTTIN ? -EIO : 0;
	if (pgrp_orphaned(my_pgrp))
		return -EIO;
	kill_pgrp(my_pgrp, sig, 1);
	return -ERESTARTSYS;
}

int tty_check_read(struct tty_struct *tty)
{
	return check_background(tty, SIGTTIN);
}

int tty_check_write(struct tty_struct *tty)
{
	bool tostop;

	down_read(&tty->termios_rwsem);
	tostop = tty->termios.c_lflag & TOSTOP;
	up_read(&tty->termios_rwsem);
	return tostop ? check_background(tty, SIGTTOU) : 0;
}

int tty_check_change(struct tty_struct *tty)
{
	return check_background(tty, SIGTTOU);
}

void tty_signal_fg(struct tty_struct *tty, int sig)
{
	int pgrp = READ_ONCE(tty->pgrp);

	if (pgrp > 0)
		kill_pgrp(pgrp, sig, 1);
}

/* ---------------- controlling tty ---------------- */

/* Make tty current's controlling tty, current's group its foreground. tasklist_lock held (write). */
static void set_ctty_locked(struct tty_struct *tty)
{
	struct signal_struct *s = cur_sig();

	WRITE_ONCE(tty->session, s->session);
	WRITE_ONCE(tty->pgrp, s->pgrp);
	WRITE_ONCE(s->tty, tty);
}

void tty_open_set_ctty(struct tty_struct *tty, struct file *file)
{
	struct signal_struct *s = cur_sig();
	unsigned long flags;

	if (!s)
		return;
	write_lock_irqsave(&tasklist_lock, flags);
	if (s->leader && !s->tty && !tty->session)
		set_ctty_locked(tty);
	write_unlock_irqrestore(&tasklist_lock, flags);
}

/*
 * Every process of tty's session loses tty; the tty has no session or
 * foreground group afterwards. Returns the session leader's pid (0 if
 * none had the tty). tasklist_lock held for write.
 */
static int session_clear_tty_locked(struct tty_struct *tty)
{
	int session = tty->session, leader = 0;
	struct task_struct *p;

	for_each_process(p) {
		struct signal_struct *s = p->signal;

		if (!session || !s || s->session != session || s->tty != tty)
			continue;
		if (s->leader && !leader)
			leader = p->tgid;
		WRITE_ONCE(s->tty, NULL);
	}
	WRITE_ONCE(tty->session, 0);
	WRITE_ONCE(tty->pgrp, 0);
	return leader;
}

static long tiocsctty(struct tty_struct *tty, struct file *file, unsigned long arg)
{
	struct signal_struct *s = cur_sig();
	unsigned long flags;
	long ret = 0;

	if (!s)
		return -EPERM;
	write_lock_irqsave(&tasklist_lock, flags);
	if (s->leader && s->tty == tty)
		goto out;	/* already ours */
	if (!s->leader || s->tty) {
		ret = -EPERM;
		goto out;
	}
	if (tty->session) {
		/* Another session's tty: only root may steal it, with arg 1. */
		if (arg != 1 || !capable(CAP_SYS_ADMIN)) {
			ret = -EPERM;
			goto out;
		}
		session_clear_tty_locked(tty);
	}
	if (!(file->f_mode & FMODE_READ) && !capable(CAP_SYS_ADMIN)) {
		ret = -EPERM;
		goto out;
	}
	set_ctty_locked(tty);
out:
	write_unlock_irqrestore(&tasklist_lock, flags);
	return ret;
}

/*
 * The session of process group pgrp, or 0 if it has no member. Zombies
 * count, as in Linux: a pipeline's first process may be dead and not yet
 * reaped when the shell makes the pipeline's group the foreground.
 * tasklist_lock held.
 */
static int session_of_pgrp_locked(int pgrp)
{
	struct task_struct *p;

	for_each_process(p) {
		if (p->signal && p->signal->pgrp == pgrp)
			return p->signal->session;
	}
	return 0;
}

static long tiocspgrp(struct tty_struct *tty, int __user *p)
{
	struct signal_struct *s = cur_sig();
	unsigned long flags;
	int pgrp, session, ret = tty_check_change(tty);

	if (ret == -EIO)
		return -ENOTTY;
	if (ret)
		return ret;
	if (!s || READ_ONCE(s->tty) != tty || READ_ONCE(tty->session) != READ_ONCE(s->session))
		return -ENOTTY;
	if (get_user(pgrp, p))
		return -EFAULT;
	if (pgrp < 0)
		return -EINVAL;
	write_lock_irqsave(&tasklist_lock, flags);
	session = pgrp ? session_of_pgrp_locked(pgrp) : 0;
	if (!session)
		ret = -ESRCH;
	else if (session != s->session)
		ret = -EPERM;
	else
		WRITE_ONCE(tty->pgrp, pgrp);
	write_unlock_irqrestore(&tasklist_lock, flags);
	return ret;
}

/* ---------------- giving the tty up, hangup ---------------- */

/* Tell the session: SIGHUP and SIGCONT to the leader and to the foreground group. */
static void signal_session(int leader_tgid, int fg_pgrp)
{
	if (leader_tgid) {
		kill_pid(leader_tgid, SIGHUP, 1);
		kill_pid(leader_tgid, SIGCONT, 1);
	}
	if (fg_pgrp > 0) {
		kill_pgrp(fg_pgrp, SIGHUP, 1);
		kill_pgrp(fg_pgrp, SIGCONT, 1);
	}
}

void tty_hangup(struct tty_struct *tty)
{
	unsigned long flags;
	int leader, fg;

	spin_lock_irqsave(&tty->ctrl_lock, flags);
	tty->hangup_gen++;
	tty->flow_stopped = false;
	spin_unlock_irqrestore(&tty->ctrl_lock, flags);
	write_lock_irqsave(&tasklist_lock, flags);
	fg = tty->pgrp;
	leader = session_clear_tty_locked(tty);
	write_unlock_irqrestore(&tasklist_lock, flags);
	n_tty_flush_input(tty);
	wake_up_all(&tty->read_wait);
	wake_up_all(&tty->write_wait);
	signal_session(leader, fg);
}

void disassociate_ctty(int on_exit)
{
	struct signal_struct *s = cur_sig();
	struct tty_struct *tty;
	unsigned long flags;
	int fg;

	if (!s || !READ_ONCE(s->leader))
		return;	/* only the session leader speaks for the session */
	tty = READ_ONCE(s->tty);
	if (!tty)
		return;
	if (on_exit) {
		tty_hangup(tty);
		return;
	}
	write_lock_irqsave(&tasklist_lock, flags);
	fg = tty->pgrp;
	session_clear_tty_locked(tty);
	write_unlock_irqrestore(&tasklist_lock, flags);
	signal_session(0, fg);
}

void __proc_clear_tty(struct task_struct *p)
{
	if (p->signal)
		WRITE_ONCE(p->signal->tty, NULL);
}

void proc_clear_tty(struct task_struct *p)
{
	unsigned long flags;

	write_lock_irqsave(&tasklist_lock, flags);
	__proc_clear_tty(p);
	write_unlock_irqrestore(&tasklist_lock, flags);
}

long tty_jobctrl_ioctl(struct tty_struct *tty, struct file *file, unsigned int cmd,
		       unsigned long arg)
{
	struct signal_struct *s = cur_sig();
	int __user *p = (int __user *)arg;
	int v;

	switch (cmd) {
	case TIOCSCTTY:
		return tiocsctty(tty, file, arg);
	case TIOCNOTTY:
		if (!s || READ_ONCE(s->tty) != tty)
			return -ENOTTY;
		if (READ_ONCE(s->leader))
			disassociate_ctty(0);
		else
			proc_clear_tty(current);
		return 0;
	case TIOCGPGRP:
		if (!s || READ_ONCE(s->tty) != tty)
			return -ENOTTY;
		return put_user(READ_ONCE(tty->pgrp), p);
	case TIOCSPGRP:
		return tiocspgrp(tty, p);
	case TIOCGSID:
		if (!s || READ_ONCE(s->tty) != tty)
			return -ENOTTY;
		v = READ_ONCE(tty->session);
		if (!v)
			return -ENOTTY;
		return put_user(v, p);
	default:
		return -ENOTTY;
	}
}
