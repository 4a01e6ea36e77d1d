/*
 * The tty core: tty drivers, the character devices of ttys, and the
 * file operations every tty file has (read, write, poll, ioctl).
 *
 * Devices (Linux's numbers):
 *   4:0  tty0      the screen console (the foreground virtual terminal)
 *   4:1  tty1      the screen console (Kestrel has one)
 *   4:64 ttyS0     COM1
 *   5:0  tty       current's controlling tty (ENXIO without one)
 *   5:1  console   the tty of the last console= on the command line
 *                  (ttyS0 or tty0); without console=, ttyS0 if there is
 *                  a UART, else the screen.
 * Opening 5:0, 5:1 or 4:0 never makes the tty a controlling tty (as
 * Linux); a session leader opening ttyS0 or tty1 without O_NOCTTY does,
 * and any session leader can take its tty with TIOCSCTTY.
 *
 * An open tty file points at its tty (private_data) and records in
 * f_version the tty's hangup generation at open; after a hangup the
 * generations differ and the file reads EOF, writes fail with EIO and
 * polls EPOLLHUP. Files opened through /dev/console record
 * TTY_NO_HANGUP and are never hung up: init keeps its console across the
 * sessions of the shells it starts there.
 *
 * read() and write() get kernel buffers (the syscall layer copies user
 * memory in and out around ->read/->write), so n_tty works on them
 * directly; ioctl arguments are user pointers (copy_*_user).
 */
#define pr_fmt(fmt) "tty: " fmt

#include <kestrel/chrdev.h>
#include <kestrel/cmdline.h>
#include <kestrel/device.h>
#include <kestrel/errno.h>
#include <kestrel/keyboard.h>
#include <kestrel/poll.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include <kestrel/sched_signal.h>
#include <kestrel/signal.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/tty.h>
#include <kestrel/uaccess.h>
#include <kestrel/uio.h>

#define TTY_NO_HANGUP (~0ULL)	/* f_version of a /dev/console file */
#define TTY_WRITE_STEP 512	/* output between two looks at flow control and hangup */

/* Linux's tty_std_termios: ^C ^\ DEL ^U ^D, cooked, echoing, ONLCR. */
const struct termios tty_std_termios = {
	.c_iflag = ICRNL | IXON,
	.c_oflag = OPOST | ONLCR,
	.c_cflag = B38400 | CS8 | CREAD | HUPCL,
	.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
	.c_cc = {
		[VINTR] = 003, [VQUIT] = 034, [VERASE] = 0177, [VKILL] = 025,
		[VEOF] = 004, [VTIME] = 0, [VMIN] = 1, [VSWTC] = 0,
		[VSTART] = 021, [VSTOP] = 023, [VSUSP] = 032, [VEOL] = 0,
		[VREPRINT] = 022, [VDISCARD] = 017, [VWERASE] = 027,
		[VLNEXT] = 026, [VEOL2] = 0,
	},
};

#define MAX_TTY_DRIVERS 4
static DEFINE_SPINLOCK(tty_drivers_lock);	/* tty_drivers[], nr_tty_drivers */
static struct tty_driver *tty_drivers[MAX_TTY_DRIVERS];
static int nr_tty_drivers;

void tty_struct_init(struct tty_struct *tty, struct tty_driver *driver, unsigned int index)
{
	tty->driver = driver;
	tty->index = index;
	snprintf(tty->name, sizeof(tty->name), "%s%u", driver->name, index);
	mutex_init(&tty->atomic_write_lock);
	init_rwsem(&tty->termios_rwsem);
	tty->termios = driver->init_termios;
	tty->winsize = (struct winsize){ .ws_row = 24, .ws_col = 80 };
	mutex_init(&tty->ldisc_lock);
	spin_lock_init(&tty->ctrl_lock);
	atomic_set(&tty->open_count, 0);
	init_waitqueue_head(&tty->read_wait);
	init_waitqueue_head(&tty->write_wait);
	tty_buffer_init(tty);
	n_tty_open(tty);
}

int tty_register_driver(struct tty_driver *driver)
{
	unsigned int i;
	int err;

	driver->ttys = kcalloc(driver->num, sizeof(*driver->ttys), GFP_KERNEL);
	if (!driver->ttys)
		return -ENOMEM;
	for (i = 0; i < driver->num; i++) {
		driver->ttys[i] = kzalloc(sizeof(struct tty_struct), GFP_KERNEL);
		if (!driver->ttys[i]) {
			err = -ENOMEM;
			goto out_free;
		}
		tty_struct_init(driver->ttys[i], driver, i);
	}
	err = register_chrdev_region_fops(driver->major, driver->minor_start, driver->num,
					  driver->name, &tty_fops);
	if (err)
		goto out_free;
	spin_lock(&tty_drivers_lock);
	if (nr_tty_drivers < MAX_TTY_DRIVERS)
		tty_drivers[nr_tty_drivers++] = driver;
	else
		err = -ENOSPC;
	spin_unlock(&tty_drivers_lock);
	if (err) {
		unregister_chrdev_region_fops(driver->major, driver->minor_start, driver->num);
		goto out_free;
	}
	return 0;
out_free:
	for (i = 0; i < driver->num; i++)
		kfree(driver->ttys[i]);
	kfree(driver->ttys);
	driver->ttys = NULL;
	return err;
}

struct tty_struct *tty_lookup(dev_t dev)
{
	struct tty_struct *tty = NULL;

	spin_lock(&tty_drivers_lock);
	for (int i = 0; i < nr_tty_drivers; i++) {
		struct tty_driver *d = tty_drivers[i];

		if (MAJOR(dev) == d->major && MINOR(dev) >= d->minor_start &&
		    MINOR(dev) < d->minor_start + d->num) {
			tty = d->ttys[MINOR(dev) - d->minor_start];
			break;
		}
	}
	spin_unlock(&tty_drivers_lock);
	return tty;
}

struct tty_struct *file_tty(struct file *file)
{
	return file->f_op == &tty_fops ? file->private_data : NULL;
}

bool tty_file_hung_up(struct tty_struct *tty, struct file *file)
{
	return file->f_version != TTY_NO_HANGUP && file->f_version != READ_ONCE(tty->hangup_gen);
}

/* ---------------- /dev/console ---------------- */

struct console_pick {
	char name[8];	/* "ttyS" or "tty" of the last console= */
	bool found;
};

static void note_console(const char *val, void *arg)
{
	struct console_pick *p = arg;

	if (!strncmp(val, "ttyS", 4)) {
		memcpy(p->name, "ttyS", 5);
		p->found = true;
	} else if (!strncmp(val, "tty", 3)) {
		memcpy(p->name, "tty", 4);
		p->found = true;
	}
}

/* The tty /dev/console stands for (see the top of this file). */
static struct tty_struct *console_tty(void)
{
	struct console_pick p = { "", false };

	cmdline_for_each("console", note_console, &p);
	if (p.found && !strcmp(p.name, "tty"))
		return vt_tty_get() ? vt_tty_get() : serial_tty_get();
	return serial_tty_get() ? serial_tty_get() : vt_tty_get();
}

/* ---------------- file operations ---------------- */

static int tty_open(struct inode *inode, struct file *file)
{
	dev_t dev = inode->i_rdev;
	struct tty_struct *tty;
	bool noctty = file->f_flags & O_NOCTTY;
	bool console = false;

	if (dev == MKDEV(TTYAUX_MAJOR, 0)) {
		tty = current->signal ? READ_ONCE(current->signal->tty) : NULL;
		if (!tty)
			return -ENXIO;
		noctty = true;
	} else if (dev == MKDEV(TTYAUX_MAJOR, 1)) {
		tty = console_tty();
		noctty = console = true;
	} else if (dev == MKDEV(TTY_MAJOR, 0)) {
		tty = vt_tty_get();	/* the current virtual terminal: the one screen */
		noctty = true;
	} else {
		tty = tty_lookup(dev);
	}
	if (!tty)
		return -ENXIO;

	file->f_op = &tty_fops;	/* /dev/tty and /dev/console files are tty files too */
	file->private_data = tty;
	file->f_version = console ? TTY_NO_HANGUP : READ_ONCE(tty->hangup_gen);
	/* A tty has no file position. */
	file->f_mode &= ~(FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE | FMODE_ATOMIC_POS);
	if (atomic_inc_return(&tty->open_count) == 1 && tty->driver->ops->open) {
		int err = tty->driver->ops->open(tty, file);

		if (err) {
			atomic_dec(&tty->open_count);
			return err;
		}
	}
	if (!noctty)
		tty_open_set_ctty(tty, file);
	return 0;
}

static int tty_release(struct inode *inode, struct file *file)
{
	struct tty_struct *tty = file->private_data;

	if (atomic_dec_return(&tty->open_count) == 0 && tty->driver->ops->close)
		tty->driver->ops->close(tty, file);
	return 0;
}

/*
 * The line discipline reads into a kernel buffer (it holds ldisc_lock and
 * must not fault), which then goes to the reader, as Linux's tty_read.
 * One read returns at most what the ring holds plus a VMIN's worth, so a
 * buffer of TTY_READ_MAX loses nothing.
 */
#define TTY_READ_MAX (2 * N_TTY_BUF_SIZE)

static ssize_t tty_read(struct kiocb *iocb, struct iov_iter *to)
{
	struct file *file = iocb->ki_filp;
	struct tty_struct *tty = file->private_data;
	size_t count = min(iov_iter_count(to), (size_t)TTY_READ_MAX);
	ssize_t ret;
	u8 *kbuf;

	if (tty_file_hung_up(tty, file))
		return 0;
	ret = tty_check_read(tty);
	if (ret)
		return ret;
	kbuf = kmalloc(count ? count : 1, GFP_KERNEL);
	if (!kbuf)
		return -ENOMEM;
	ret = n_tty_read(tty, file, kbuf, count);
	if (ret > 0 && copy_to_iter(kbuf, ret, to) != (size_t)ret)
		ret = -EFAULT;	/* the input is consumed, as on Linux */
	kfree(kbuf);
	return ret;
}

void stop_tty(struct tty_struct *tty)
{
	unsigned long flags;

	spin_lock_irqsave(&tty->ctrl_lock, flags);
	tty->flow_stopped = true;
	spin_unlock_irqrestore(&tty->ctrl_lock, flags);
}

void start_tty(struct tty_struct *tty)
{
	unsigned long flags;

	spin_lock_irqsave(&tty->ctrl_lock, flags);
	tty->flow_stopped = false;
	spin_unlock_irqrestore(&tty->ctrl_lock, flags);
	wake_up_all(&tty->write_wait);	/* writers in wait_flow, pollers waiting for EPOLLOUT */
}

/* Output stopped by ^S or TCOOFF: wait for ^Q / TCOON or a hangup. */
static int wait_flow(struct tty_struct *tty, struct file *file)
{
	DEFINE_WAIT(wait);
	int ret = 0;

	for (;;) {
		prepare_to_wait(&tty->write_wait, &wait, TASK_INTERRUPTIBLE);
		if (!READ_ONCE(tty->flow_stopped) || tty_file_hung_up(tty, file))
			break;
		if (file->f_flags & O_NONBLOCK) {
			ret = -EAGAIN;
			break;
		}
		if (signal_pending(current)) {
			ret = -ERESTARTSYS;
			break;
		}
		schedule();
	}
	finish_wait(&tty->write_wait, &wait);
	return ret;
}

/* Written in steps, each copied in from the writer first, so ^S can stop us between two. */
static ssize_t tty_write(struct kiocb *iocb, struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	struct tty_struct *tty = file->private_data;
	size_t count = iov_iter_count(from), done = 0;
	u8 step[TTY_WRITE_STEP];
	ssize_t ret;

	if (tty_file_hung_up(tty, file))
		return -EIO;
	ret = tty_check_write(tty);
	if (ret)
		return ret;
	mutex_lock(&tty->atomic_write_lock);
	while (done < count) {
		size_t want = min(count - done, (size_t)TTY_WRITE_STEP);
		size_t n;

		ret = wait_flow(tty, file);
		if (ret)
			break;
		if (tty_file_hung_up(tty, file)) {
			ret = -EIO;
			break;
		}
		n = copy_from_iter(step, want, from);
		if (n) {
			down_read(&tty->termios_rwsem);
			n_tty_write(tty, file, step, n);
			up_read(&tty->termios_rwsem);
			done += n;
		}
		if (n < want) {
			ret = -EFAULT;
			break;
		}
	}
	mutex_unlock(&tty->atomic_write_lock);
	return done ? (ssize_t)done : ret;
}

static __poll_t tty_poll(struct file *file, poll_table *pt)
{
	struct tty_struct *tty = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &tty->read_wait, pt);
	poll_wait(file, &tty->write_wait, pt);
	if (tty_file_hung_up(tty, file))
		return EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLRDNORM | EPOLLWRNORM;
	if (n_tty_input_available(tty))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (!READ_ONCE(tty->flow_stopped))
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

static loff_t tty_llseek(struct file *file, loff_t offset, int whence)
{
	return -ESPIPE;
}

/* ---------------- ioctl ---------------- */

static int set_termios(struct tty_struct *tty, unsigned int cmd, const void __user *arg)
{
	struct termios new, old;
	int ret = tty_check_change(tty);

	if (ret)
		return ret;
	if (copy_from_user(&new, arg, sizeof(new)))
		return -EFAULT;
	/* TCSETSW: output is written synchronously, so it has drained already. */
	if (cmd == TCSETSF)
		n_tty_flush_input(tty);
	down_write(&tty->termios_rwsem);
	old = tty->termios;
	tty->termios = new;
	up_write(&tty->termios_rwsem);
	n_tty_set_termios(tty, &old);
	return 0;
}

static int set_winsize(struct tty_struct *tty, const void __user *arg)
{
	struct winsize ws;
	bool changed;

	if (copy_from_user(&ws, arg, sizeof(ws)))
		return -EFAULT;
	down_write(&tty->termios_rwsem);
	changed = memcmp(&ws, &tty->winsize, sizeof(ws)) != 0;
	tty->winsize = ws;
	up_write(&tty->termios_rwsem);
	if (changed)
		tty_signal_fg(tty, SIGWINCH);
	return 0;
}

static int tty_flow_ioctl(struct tty_struct *tty, unsigned int cmd, unsigned long arg)
{
	int ret = tty_check_change(tty);
	u8 c;

	if (ret)
		return ret;
	if (cmd == TCFLSH) {
		if (arg == TCIFLUSH || arg == TCIOFLUSH)
			n_tty_flush_input(tty);
		else if (arg != TCOFLUSH)
			return -EINVAL;
		return 0;	/* output is never queued: nothing to drop */
	}
	switch (arg) {	/* TCXONC */
	case TCOOFF:
		stop_tty(tty);
		return 0;
	case TCOON:
		start_tty(tty);
		return 0;
	case TCIOFF:
	case TCION:
		down_read(&tty->termios_rwsem);
		c = tty->termios.c_cc[arg == TCIOFF ? VSTOP : VSTART];
		up_read(&tty->termios_rwsem);
		if (c) {
			mutex_lock(&tty->ldisc_lock);
			tty->driver->ops->write(tty, &c, 1);
			mutex_unlock(&tty->ldisc_lock);
		}
		return 0;
	default:
		return -EINVAL;
	}
}

static long tty_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct tty_struct *tty = file->private_data;
	void __user *p = (void __user *)arg;
	struct termios t;
	struct winsize ws;

	if (tty_file_hung_up(tty, file))
		return cmd == TIOCSPGRP ? -ENOTTY : -EIO;
	switch (cmd) {
	case TCGETS:
		down_read(&tty->termios_rwsem);
		t = tty->termios;
		up_read(&tty->termios_rwsem);
		return copy_to_user(p, &t, sizeof(t)) ? -EFAULT : 0;
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		return set_termios(tty, cmd, p);
	case TIOCGWINSZ:
		down_read(&tty->termios_rwsem);
		ws = tty->winsize;
		up_read(&tty->termios_rwsem);
		return copy_to_user(p, &ws, sizeof(ws)) ? -EFAULT : 0;
	case TIOCSWINSZ:
		return set_winsize(tty, p);
	case FIONREAD:
		return put_user((int)n_tty_readable(tty), (int __user *)p);
	case TIOCOUTQ:
		return put_user(0, (int __user *)p);	/* output is never queued */
	case TCSBRK:
		return 0;	/* tcdrain: already drained; no break signal to send */
	case TCFLSH:
	case TCXONC:
		return tty_flow_ioctl(tty, cmd, arg);
	default:
		return tty_jobctrl_ioctl(tty, file, cmd, arg);
	}
}

const struct file_operations tty_fops = {
	.open = tty_open,
	.release = tty_release,
	.read_iter = tty_read,
	.write_iter = tty_write,
	.poll = tty_poll,
	.unlocked_ioctl = tty_ioctl,
	.llseek = tty_llseek,
};

/* ---------------- boot ---------------- */

/* 5:0 /dev/tty, 5:1 /dev/console and 4:0 /dev/tty0: tty_open picks the tty. */
static const struct file_operations ttyaux_fops = {
	.open = tty_open,
};

void tty_device(const char *name, dev_t devt, umode_t perm)
{
	struct device *dev = device_create(name, S_IFCHR | perm, devt);

	if (IS_ERR(dev) && PTR_ERR(dev) != -EEXIST)
		pr_warn("cannot create /dev/%s: %ld\n", name, PTR_ERR(dev));
}

int tty_init(void)
{
	int err;

	err = register_chrdev_region_fops(TTYAUX_MAJOR, 0, 2, "ttyaux", &ttyaux_fops);
	if (!err)
		err = register_chrdev_region_fops(TTY_MAJOR, 0, 1, "tty0", &ttyaux_fops);
	if (err)
		return err;
	tty_device("tty", MKDEV(TTYAUX_MAJOR, 0), 0666);	/* devtmpfs makes "console" */
	err = serial_tty_init();
	if (err)
		pr_warn("no ttyS0: %d\n", err);
	err = vt_tty_init();
	if (err)
		pr_info("no screen tty (%d)\n", err);
	else if ((err = i8042_init()))
		pr_info("no PS/2 keyboard (%d)\n", err);
	return 0;
}
