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
 * Locking: ctty_lock (a spinlock) protects every signal->tty and every
 * tty->session and tty->pgrp, and keeps them consistent with each
 * other; readers that only need a snapshot use READ_ONCE. It nests
 * outside the scheduler's task-list lock (sched_for_each_task), and
 * proc may take it under its own locks (proc_clear_tty from setsid):
 * nothing here takes proc's locks. Signals are sent with no lock held.
 *
 * The process fields (signal->pgrp, session, leader, real_parent) are
 * proc's; they are read here with READ_ONCE.
 */
#include <kestrel/cred.h>
#include <kestrel/errno.h>
#include <kestrel/sched.h>
#include <kestrel/sched_signal.h>
#include <kestrel/signal.h>
#include <kestrel/tty.h>
#include <kestrel/uaccess.h>

static DEFINE_SPINLOCK(ctty_lock);	/* signal->tty, tty->session, tty->pgrp (see above) */

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

struct orphan_scan {
	int pgrp;
	bool found_member;
	bool has_outside_parent;	/* a member's parent is in another group of the session */
};

static void orphan_one(struct task_struct *p, void *arg)
{
	struct orphan_scan *s = arg;
	struct signal_struct *sig = p->signal;
	struct task_struct *parent = READ_ONCE(p->real_parent);
	struct signal_struct *psig;

	if (!sig || READ_ONCE(sig->pgrp) != s->pgrp || READ_ONCE(p->exit_state))
		return;
	s->found_member = true;
	if (!parent || parent == p || parent->tgid == 1)
		return;	/* init never continues a stopped group for us */
	psig = parent->signal;
	if (psig && READ_ONCE(psig->pgrp) != s->pgrp &&
	    READ_ONCE(psig->session) == READ_ONCE(sig->session))
		s->has_outside_parent = true;
}

/* POSIX: a group is orphaned when no member's parent is in another group of its session. */
static bool pgrp_orphaned(int pgrp)
{
	struct orphan_scan s = { .pgrp = pgrp };

	sched_for_each_task(orphan_one, &s);
	return !s.has_outside_parent;
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

/* Make tty current's controlling tty, current's group its foreground. ctty_lock held. */
static void set_ctty_locked(struct tty_struct *tty)
{
	struct signal_struct *s = cur_sig();

	WRITE_ONCE(tty->session, READ_ONCE(s->session));
	WRITE_ONCE(tty->pgrp, READ_ONCE(s->pgrp));
	WRITE_ONCE(s->tty, tty);
}

void tty_open_set_ctty(struct tty_struct *tty, struct file *file)
{
	struct signal_struct *s = cur_sig();

	if (!s)
		return;
	spin_lock(&ctty_lock);
	if (READ_ONCE(s->leader) && !s->tty && !tty->session)
		set_ctty_locked(tty);
	spin_unlock(&ctty_lock);
}

struct session_clear {
	int session;
	struct tty_struct *tty;
	int leader_tgid;	/* out: the session leader still holding tty, or 0 */
};

static void clear_one(struct task_struct *p, void *arg)
{
	struct session_clear *c = arg;
	struct signal_struct *s = p->signal;

	if (!s || READ_ONCE(s->session) != c->session || s->tty != c->tty)
		return;
	if (READ_ONCE(s->leader) && !c->leader_tgid)
		c->leader_tgid = p->tgid;
	WRITE_ONCE(s->tty, NULL);
}

/*
 * Every process of tty's session loses tty; the tty has no session or
 * foreground group afterwards. Returns the session leader's pid (0 if
 * none had the tty). ctty_lock held.
 */
static int session_clear_tty_locked(struct tty_struct *tty)
{
	struct session_clear c = { .session = tty->session, .tty = tty };

	if (c.session)
		sched_for_each_task(clear_one, &c);
	WRITE_ONCE(tty->session, 0);
	WRITE_ONCE(tty->pgrp, 0);
	return c.leader_tgid;
}

static long tiocsctty(struct tty_struct *tty, struct file *file, unsigned long arg)
{
	struct signal_struct *s = cur_sig();
	long ret = 0;

	if (!s)
		return -EPERM;
	spin_lock(&ctty_lock);
	if (READ_ONCE(s->leader) && s->tty == tty)
		goto out;	/* already ours */
	if (!READ_ONCE(s->leader) || s->tty) {
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
	spin_unlock(&ctty_lock);
	return ret;
}

struct pgrp_find {
	int pgrp;
	int session;	/* out: the session of a member, or 0 if there is none */
};

static void pgrp_one(struct task_struct *p, void *arg)
{
	struct pgrp_find *f = arg;

	if (p->signal && READ_ONCE(p->signal->pgrp) == f->pgrp && !READ_ONCE(p->exit_state))
		f->session = READ_ONCE(p->signal->session);
}

static long tiocspgrp(struct tty_struct *tty, int __user *p)
{
	struct signal_struct *s = cur_sig();
	struct pgrp_find f = { 0, 0 };
	int ret = tty_check_change(tty);

	if (ret == -EIO)
		return -ENOTTY;
	if (ret)
		return ret;
	if (!s || READ_ONCE(s->tty) != tty || READ_ONCE(tty->session) != READ_ONCE(s->session))
		return -ENOTTY;
	if (get_user(f.pgrp, p))
		return -EFAULT;
	if (f.pgrp < 0)
		return -EINVAL;
	sched_for_each_task(pgrp_one, &f);
	if (!f.session)
		return -ESRCH;
	if (f.session != READ_ONCE(s->session))
		return -EPERM;
	spin_lock(&ctty_lock);
	WRITE_ONCE(tty->pgrp, f.pgrp);
	spin_unlock(&ctty_lock);
	return 0;
}

/* ---------------- giving the tty up, hangup ---------------- */

/* Tell the session: SIGHUP and SIGCONT to the leader, SIGHUP to the foreground group. */
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
	spin_lock(&ctty_lock);
	fg = tty->pgrp;
	leader = session_clear_tty_locked(tty);
	spin_unlock(&ctty_lock);
	n_tty_flush_input(tty);
	wake_up_all(&tty->read_wait);
	wake_up_all(&tty->write_wait);
	signal_session(leader, fg);
}

void disassociate_ctty(int on_exit)
{
	struct signal_struct *s = cur_sig();
	struct tty_struct *tty;
	int fg;

	if (!s)
		return;
	tty = READ_ONCE(s->tty);
	if (!tty)
		return;
	if (on_exit) {
		tty_hangup(tty);
		return;
	}
	spin_lock(&ctty_lock);
	fg = tty->pgrp;
	session_clear_tty_locked(tty);
	spin_unlock(&ctty_lock);
	signal_session(0, fg);
}

void proc_clear_tty(struct task_struct *p)
{
	if (!p->signal)
		return;
	spin_lock(&ctty_lock);
	WRITE_ONCE(p->signal->tty, NULL);
	spin_unlock(&ctty_lock);
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
