/*
 * Pseudo-terminals, after Linux's drivers/tty/pty.c (the Unix 98 kind):
 * a pair of ttys wired to each other. What a program writes to the
 * master arrives as input on the slave, as if typed (so the slave's line
 * discipline edits, echoes and sends ^C as SIGINT); what the slave's
 * programs write comes out of the master. Terminal emulators, `script`,
 * ssh servers and Python's pty module hold the master; a shell runs on
 * the slave as on any terminal.
 *
 *   open("/dev/ptmx")        a free pair: the file is its master, the
 *                            slave appears as /dev/pts/N (fs/devpts),
 *                            locked until TIOCSPTLCK 0 (unlockpt)
 *   ioctl(TIOCGPTN)          N (ptsname)
 *   ioctl(TIOCGPTPEER)       open the slave without its name
 *   open("/dev/pts/N")       the slave (EIO while locked or after the
 *                            master closed)
 *
 * The wiring: each side's driver ->write puts the bytes into the other
 * side's flip buffer, whose work item feeds them to that side's line
 * discipline. Nothing is lost: a writer waits while the other side's
 * flip buffer is full (->write_room), and a flip buffer hands its line
 * discipline only what that has room for, so a reader that does not
 * read holds the writer back (->unthrottle wakes it when room comes).
 * Echo is the exception, as on Linux: it never waits, and is dropped if
 * the other side is full.
 *
 * Closing: when the slave's last file closes, the master reads what is
 * left and then EIO, and polls EPOLLHUP; the slave can be opened again.
 * When the master's last file closes, the slave hangs up (its session
 * gets SIGHUP, reads return 0, writes EIO) and /dev/pts/N goes away.
 * The pair is free again once neither side has an open file.
 *
 * The pairs are a pool made at boot (NR_PTYS), like every tty, so a
 * tty_struct is never freed under a session that has it as controlling
 * tty: a pair is reused only after the master's close has hung the
 * slave up (which takes it from its session) and no file is left.
 *
 * Locking: pty_lock (a mutex) guards the pairs' state below and is held
 * across opens, last closes and the lock ioctls, so a pair is never
 * handed out while one of its closes is under way. It is taken outside
 * the ttys' own locks (tty_hangup, n_tty_open) and never under them:
 * ->write, ->write_room and ->unthrottle run under ldisc_lock or from
 * the flip work and take no lock of their own.
 */
#define pr_fmt(fmt) "pty: " fmt

#include <kestrel/chrdev.h>
#include <kestrel/devpts_fs.h>
#include <kestrel/errno.h>
#include <kestrel/fdtable.h>
#include <kestrel/cred.h>
#include <kestrel/mutex.h>
#include <kestrel/poll.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include <kestrel/signal.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/tty.h>
#include <kestrel/uaccess.h>

#define NR_PTYS 32	/* pairs; Linux's default limit (kernel.pty.max) is 4096 */

/*
 * Locks used to protect struct members here:
 *	[p] pty_lock
 */
struct pty_pair {
	bool in_use;		/* [p] handed out by /dev/ptmx */
	bool locked;		/* [p] the slave cannot be opened (TIOCSPTLCK) */
	bool master_closed;	/* [p] the master's last file is closed */
	struct dentry *node;	/* [p] /dev/pts/N while the master is open */
};

static DEFINE_MUTEX(pty_lock);
static struct pty_pair pty_pairs[NR_PTYS];	/* [p] */
static struct tty_struct *ptm_ttys[NR_PTYS];	/* set once at boot: the masters */

static const struct tty_operations ptm_ops, pts_ops;

/* The masters have no device numbers of their own: only /dev/ptmx reaches them. */
static struct tty_driver ptm_driver = {
	.name = "ptm",
	.major = UNIX98_PTY_MASTER_MAJOR,
	.num = NR_PTYS,
	.ops = &ptm_ops,
};

static struct tty_driver pts_driver = {
	.name = "pts",
	.major = UNIX98_PTY_SLAVE_MAJOR,
	.num = NR_PTYS,
	.ops = &pts_ops,
};

static bool is_master(const struct tty_struct *tty)
{
	return tty->driver == &ptm_driver;
}

/* The other end of tty's pair. */
static struct tty_struct *pty_link(const struct tty_struct *tty)
{
	return is_master(tty) ? pts_driver.ttys[tty->index] : ptm_ttys[tty->index];
}

/* ---------------- the wiring ---------------- */

static int pty_write(struct tty_struct *tty, const u8 *buf, size_t n)
{
	return tty_insert_flip_string(pty_link(tty), buf, n);
}

static unsigned int pty_write_room(struct tty_struct *tty)
{
	return tty_flip_room(pty_link(tty));
}

/* tty's line discipline took input from its flip buffer: the other side may write again. */
static void pty_unthrottle(struct tty_struct *tty)
{
	wake_up_all(&pty_link(tty)->write_wait);
}

/* ---------------- pairs ---------------- */

/*
 * No flip work of the pair's last use may run on: one side's work can
 * queue the other's (echo), so cancel each twice.
 */
static void pty_quiesce(struct tty_struct *m, struct tty_struct *s)
{
	for (int i = 0; i < 2; i++) {
		cancel_work_sync(&m->buf.work);
		cancel_work_sync(&s->buf.work);
	}
}

/* A tty as it is when its pair is handed out. pty_lock held, no file open on it. */
static void pty_reset(struct tty_struct *tty)
{
	unsigned long flags;

	spin_lock_irqsave(&tty->buf.lock, flags);
	tty->buf.head = tty->buf.count = 0;
	spin_unlock_irqrestore(&tty->buf.lock, flags);
	down_write(&tty->termios_rwsem);
	tty->termios = tty->driver->init_termios;
	tty->winsize = (struct winsize){ 0 };	/* as Linux: no size until somebody sets one */
	up_write(&tty->termios_rwsem);
	n_tty_open(tty);	/* an empty input ring */
	spin_lock_irqsave(&tty->ctrl_lock, flags);
	tty->flow_stopped = false;
	tty->hangup_gen++;	/* nothing opened before now belongs to this pair */
	spin_unlock_irqrestore(&tty->ctrl_lock, flags);
	smp_store_release(&tty->other_closed, false);
}

/* Free the pair if neither side has a file but the closing one. pty_lock held. */
static void pty_release_pair(unsigned int i, struct tty_struct *closing)
{
	struct tty_struct *m = ptm_ttys[i], *s = pts_driver.ttys[i];
	int mc = atomic_read(&m->open_count) - (closing == m);
	int sc = atomic_read(&s->open_count) - (closing == s);

	if (pty_pairs[i].in_use && pty_pairs[i].master_closed && mc == 0 && sc == 0)
		pty_pairs[i].in_use = false;
}

static int ptmx_open(struct inode *inode, struct file *file)
{
	struct dentry *node;
	unsigned int i;
	int err;

	mutex_lock(&pty_lock);
	for (i = 0; i < NR_PTYS && pty_pairs[i].in_use; i++)
		;
	if (i == NR_PTYS) {
		mutex_unlock(&pty_lock);
		return -ENOSPC;	/* as Linux at kernel.pty.max */
	}
	node = devpts_pty_new(i);
	if (IS_ERR(node)) {
		mutex_unlock(&pty_lock);
		return PTR_ERR(node);
	}
	pty_quiesce(ptm_ttys[i], pts_driver.ttys[i]);
	pty_reset(ptm_ttys[i]);
	pty_reset(pts_driver.ttys[i]);
	pty_pairs[i] = (struct pty_pair){ .in_use = true, .locked = true, .node = node };
	file->f_version = 0;
	err = tty_open_file(ptm_ttys[i], file, true);	/* a master is never a controlling tty */
	if (err) {
		pty_pairs[i].master_closed = true;
		pty_pairs[i].node = NULL;
		devpts_pty_kill(node);
		pty_release_pair(i, NULL);
	}
	mutex_unlock(&pty_lock);
	return err;
}

static int pty_open(struct tty_struct *tty, struct file *file)
{
	struct pty_pair *pair = &pty_pairs[tty->index];
	int err = 0;

	if (is_master(tty))
		return 0;	/* ptmx_open holds pty_lock and has checked everything */
	mutex_lock(&pty_lock);
	if (!pair->in_use || pair->master_closed || pair->locked) {
		err = -EIO;
		/* This open counted until now: if the master is gone, the pair may be free. */
		pty_release_pair(tty->index, tty);
	} else {
		smp_store_release(&pty_link(tty)->other_closed, false);
	}
	mutex_unlock(&pty_lock);
	return err;
}

static void pty_close(struct tty_struct *tty, struct file *file)
{
	struct pty_pair *pair = &pty_pairs[tty->index];
	struct tty_struct *other = pty_link(tty);

	mutex_lock(&pty_lock);
	if (atomic_read(&tty->open_count) > 1 || !pair->in_use)
		goto out;	/* not the last file (or a failed ptmx open, already undone) */
	if (is_master(tty)) {
		pair->master_closed = true;
		if (pair->node) {
			devpts_pty_kill(pair->node);
			pair->node = NULL;
		}
		smp_store_release(&other->other_closed, true);
		tty_hangup(other);	/* the slave's session loses it: SIGHUP */
		tty_hangup(tty);	/* and a session that took the master (TIOCSCTTY) too */
	} else {
		/* The master reads what is left, then EIO; its pollers see EPOLLHUP. */
		smp_store_release(&other->other_closed, true);
		wake_up_all(&other->read_wait);
		wake_up_all(&other->write_wait);
	}
	pty_release_pair(tty->index, tty);
out:
	mutex_unlock(&pty_lock);
}

/* ---------------- ioctls ---------------- */

/*
 * TIOCGPTPEER: a new file on the slave, opened through its devpts node
 * with the open flags in arg (unchecked, as Linux).
 */
static long pty_open_peer(struct tty_struct *tty, int flags)
{
	struct path path;
	struct file *f;
	int fd;

	mutex_lock(&pty_lock);
	if (!pty_pairs[tty->index].node) {
		mutex_unlock(&pty_lock);
		return -EIO;
	}
	path.mnt = devpts_mnt();
	path.dentry = dget(pty_pairs[tty->index].node);
	mutex_unlock(&pty_lock);
	fd = get_unused_fd_flags(flags);
	if (fd >= 0) {
		f = dentry_open(&path, flags & ~O_CLOEXEC, current_cred());
		if (IS_ERR(f)) {
			put_unused_fd(fd);
			fd = PTR_ERR(f);
		} else {
			fd_install(fd, f);
		}
	}
	dput(path.dentry);
	return fd;
}

/* TIOCSWINSZ on either side sets the pair's size; SIGWINCH goes to the slave's foreground. */
static long pty_resize(struct tty_struct *tty, const void __user *arg)
{
	struct tty_struct *slave = is_master(tty) ? pty_link(tty) : tty;
	struct winsize ws;
	bool changed;

	if (copy_from_user(&ws, arg, sizeof(ws)))
		return -EFAULT;
	down_write(&slave->termios_rwsem);
	changed = memcmp(&ws, &slave->winsize, sizeof(ws)) != 0;
	slave->winsize = ws;
	up_write(&slave->termios_rwsem);
	down_write(&pty_link(slave)->termios_rwsem);
	pty_link(slave)->winsize = ws;
	up_write(&pty_link(slave)->termios_rwsem);
	if (changed)
		tty_signal_fg(slave, SIGWINCH);
	return 0;
}

static long pty_ioctl(struct tty_struct *tty, struct file *file, unsigned int cmd,
		      unsigned long arg)
{
	struct pty_pair *pair = &pty_pairs[tty->index];
	int __user *p = (int __user *)arg;
	int v;

	if (cmd == TIOCSWINSZ)
		return pty_resize(tty, p);
	if (!is_master(tty))
		return -ENOTTY;
	switch (cmd) {
	case TIOCGPTN:
		return put_user(tty->index, (unsigned int __user *)p);
	case TIOCSPTLCK:
		if (get_user(v, p))
			return -EFAULT;
		mutex_lock(&pty_lock);
		pair->locked = v != 0;
		mutex_unlock(&pty_lock);
		return 0;
	case TIOCGPTLCK:
		mutex_lock(&pty_lock);
		v = pair->locked;
		mutex_unlock(&pty_lock);
		return put_user(v, p);
	case TIOCGPTPEER:
		return pty_open_peer(tty, (int)arg);
	default:
		return -ENOTTY;
	}
}

static const struct tty_operations ptm_ops = {
	.write = pty_write,
	.open = pty_open,
	.close = pty_close,
	.write_room = pty_write_room,
	.unthrottle = pty_unthrottle,
	.ioctl = pty_ioctl,
};

static const struct tty_operations pts_ops = {
	.write = pty_write,
	.open = pty_open,
	.close = pty_close,
	.write_room = pty_write_room,
	.unthrottle = pty_unthrottle,
	.ioctl = pty_ioctl,
};

/* ---------------- boot ---------------- */

static const struct file_operations ptmx_fops = {
	.open = ptmx_open,
};

int pty_init(void)
{
	unsigned int i;
	int err;

	/* Linux's: the master raw, the slave a normal terminal. */
	ptm_driver.init_termios = (struct termios){ .c_cflag = B38400 | CS8 | CREAD };
	ptm_driver.init_termios.c_cc[VMIN] = 1;
	pts_driver.init_termios = tty_std_termios;
	pts_driver.init_termios.c_cflag = B38400 | CS8 | CREAD;
	for (i = 0; i < NR_PTYS; i++) {
		ptm_ttys[i] = kzalloc(sizeof(struct tty_struct), GFP_KERNEL);
		if (!ptm_ttys[i])
			return -ENOMEM;
		tty_struct_init(ptm_ttys[i], &ptm_driver, i);
	}
	err = tty_register_driver(&pts_driver);
	if (err)
		return err;
	for (i = 0; i < NR_PTYS; i++)
		snprintf(pts_driver.ttys[i]->name, sizeof(pts_driver.ttys[i]->name), "pts/%u", i);
	err = register_chrdev_region_fops(TTYAUX_MAJOR, 2, 1, "ptmx", &ptmx_fops);
	if (err)
		return err;
	tty_device("ptmx", MKDEV(TTYAUX_MAJOR, 2), 0666);
	return 0;
}
