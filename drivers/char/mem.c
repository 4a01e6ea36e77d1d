/*
 * The memory-like character devices (major 1):
 *
 *   null     reads end at once, writes vanish
 *   zero     reads return zeros, writes vanish
 *   full     reads return zeros, writes fail with ENOSPC
 *   random   the kernel's ChaCha20 generator (drivers/char/random.c);
 *   urandom  the same (it is seeded at boot, so neither blocks); writes
 *            are stirred into the generator
 *   kmsg     the kernel log as records, one per read:
 *            "<level>,<seq>,<usec>,-;text\n" (Linux's format); a write
 *            logs its text (an optional "<N>" prefix gives the level)
 *
 * Each reads into or writes from the caller's iov_iter (user memory for
 * read(2)) directly: a read of /dev/zero or /dev/urandom fills the whole
 * buffer, a page at a time, stopping early only at a signal (with the
 * bytes so far) or an unwritable page (EFAULT if none were written), as
 * Linux. Each open /dev/kmsg file has its own cursor under its own mutex;
 * the other devices keep no state.
 */
#include <kestrel/chrdev.h>
#include <kestrel/errno.h>
#include <kestrel/fb.h>
#include <kestrel/printk.h>
#include <kestrel/random.h>
#include <kestrel/sched.h>
#include <kestrel/signal.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/timer.h>
#include <kestrel/uio.h>
#include <asm/page.h>

/* ---------------- null, zero, full ---------------- */

static ssize_t read_iter_null(struct kiocb *iocb, struct iov_iter *to)
{
	return 0;
}

static ssize_t write_iter_null(struct kiocb *iocb, struct iov_iter *from)
{
	size_t count = iov_iter_count(from);

	iov_iter_advance(from, count);
	return count;
}

/*
 * Fill the reader's buffer a page at a time with fill(buf, n, arg) (NULL
 * fill: zeros, written straight into the iterator). Between pages a
 * pending signal ends the read (ERESTARTSYS if nothing was read yet), as
 * Linux's read_iter_zero, so a gigabyte read can be interrupted.
 */
static ssize_t fill_iter(struct iov_iter *to, void (*fill)(void *buf, size_t n))
{
	char *buf = NULL;
	ssize_t done = 0;

	if (fill) {
		buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
	}
	while (iov_iter_count(to)) {
		size_t chunk = min(iov_iter_count(to), (size_t)PAGE_SIZE), n;

		if (fill) {
			fill(buf, chunk);
			n = copy_to_iter(buf, chunk, to);
		} else {
			n = iov_iter_zero(chunk, to);
		}
		done += n;
		if (n < chunk) {
			if (!done)
				done = -EFAULT;
			break;
		}
		if (signal_pending(current)) {
			if (!done)
				done = -ERESTARTSYS;
			break;
		}
		cond_resched();
	}
	if (buf) {
		memset(buf, 0, PAGE_SIZE);	/* random bytes given out stay nowhere else */
		kfree(buf);
	}
	return done;
}

static ssize_t read_iter_zero(struct kiocb *iocb, struct iov_iter *to)
{
	return fill_iter(to, NULL);
}

static ssize_t write_iter_full(struct kiocb *iocb, struct iov_iter *from)
{
	return -ENOSPC;
}

/* Seeking these devices always succeeds and lands at 0 (Linux's null_lseek). */
static loff_t null_lseek(struct file *file, loff_t offset, int whence)
{
	file->f_pos = 0;
	return 0;
}

static const struct file_operations null_fops = {
	.llseek = null_lseek,
	.read_iter = read_iter_null,
	.write_iter = write_iter_null,
};

static const struct file_operations zero_fops = {
	.llseek = null_lseek,
	.read_iter = read_iter_zero,
	.write_iter = write_iter_null,
};

static const struct file_operations full_fops = {
	.llseek = null_lseek,
	.read_iter = read_iter_zero,
	.write_iter = write_iter_full,
};

/* ---------------- random, urandom ---------------- */

static void random_fill(void *buf, size_t n)
{
	get_random_bytes(buf, n);
}

static ssize_t random_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	return fill_iter(to, random_fill);
}

/* What is written is stirred into the generator (it never counts as entropy). */
static ssize_t random_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	char buf[256];
	ssize_t done = 0;

	while (iov_iter_count(from)) {
		size_t want = min(iov_iter_count(from), sizeof(buf));
		size_t n = copy_from_iter(buf, want, from);

		add_device_randomness(buf, n);
		done += n;
		if (n < want) {
			if (!done)
				done = -EFAULT;
			break;
		}
		cond_resched();
	}
	memset(buf, 0, sizeof(buf));
	return done;
}

static const struct file_operations random_fops = {
	.llseek = null_lseek,
	.read_iter = random_read_iter,
	.write_iter = random_write_iter,
};

/* ---------------- kmsg ---------------- */

#define KMSG_LINE_MAX 1024

struct kmsg_user {
	struct mutex lock;	/* seq and text of one open file */
	u64 seq;		/* the next record this reader gets */
	char text[KMSG_LINE_MAX];
};

/*
 * Reading the kernel log needs CAP_SYSLOG (Linux with dmesg_restrict=1,
 * Debian's default): the log holds kernel addresses (oops registers and
 * traces, boot lines), which an unprivileged user must not learn.
 * Writing (a line into the log) needs only the file's mode.
 */
static int kmsg_open(struct inode *inode, struct file *file)
{
	struct kmsg_user *u;

	if ((file->f_flags & O_ACCMODE) != O_WRONLY && !capable(CAP_SYSLOG))
		return -EPERM;
	u = kzalloc(sizeof(*u), GFP_KERNEL);

	if (!u)
		return -ENOMEM;
	mutex_init(&u->lock);
	u->seq = printk_first_seq();
	file->private_data = u;
	return 0;
}

static int kmsg_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

/*
 * One record per read, as Linux: the buffer must hold the whole line or
 * it is EINVAL. The line is built under the cursor's mutex and copied to
 * the reader after it (a fault on the reader's buffer then loses the
 * record, as on Linux, which also moves on before copying).
 */
static ssize_t kmsg_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct file *file = iocb->ki_filp;
	struct kmsg_user *u = file->private_data;
	struct printk_record_info info;
	size_t count = iov_iter_count(to);
	char *line;
	ssize_t ret;
	int n, hn;

	line = kmalloc(KMSG_LINE_MAX + 64, GFP_KERNEL);
	if (!line)
		return -ENOMEM;
	mutex_lock(&u->lock);
	while ((n = printk_get_record(u->seq, &info, u->text, sizeof(u->text))) == -EAGAIN) {
		if (file->f_flags & O_NONBLOCK) {
			ret = -EAGAIN;
			goto out;
		}
		/*
		 * printk may run in any context and cannot wake us safely: poll.
		 * A signal ends the wait (^C on `cat /dev/kmsg`), as every
		 * interruptible sleep does.
		 */
		if (signal_pending(current)) {
			ret = -ERESTARTSYS;
			goto out;
		}
		mutex_unlock(&u->lock);
		msleep(10);
		mutex_lock(&u->lock);
	}
	if (info.seq != u->seq) {
		/* Records were overwritten before we read them: say so once, as Linux. */
		u->seq = info.seq;
		ret = -EPIPE;
		goto out;
	}
	hn = scnprintf(line, 64, "%d,%llu,%llu,-;", info.level, (unsigned long long)info.seq,
		       (unsigned long long)(info.ts_ns / 1000));
	if ((size_t)hn + n + 1 > count) {
		ret = -EINVAL;
		goto out;
	}
	memcpy(line + hn, u->text, n);
	line[hn + n] = '\n';
	u->seq++;
	ret = hn + n + 1;
out:
	mutex_unlock(&u->lock);
	if (ret > 0 && copy_to_iter(line, ret, to) != (size_t)ret)
		ret = -EFAULT;
	kfree(line);
	return ret;
}

static ssize_t kmsg_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	char line[KMSG_LINE_MAX];
	size_t count = iov_iter_count(from);
	size_t want = min(count, sizeof(line) - 1);
	size_t n = copy_from_iter(line, want, from);
	int level = LOGLEVEL_DEFAULT;
	const char *text = line;

	if (n < want)
		return -EFAULT;
	line[n] = 0;
	if (line[0] == '<' && line[1] >= '0' && line[1] <= '7' && line[2] == '>') {
		level = line[1] - '0';
		text += 3;
	}
	printk("\001%c%s%s", '0' + level, text,
	       n && line[n - 1] == '\n' ? "" : "\n");
	iov_iter_advance(from, count - n);
	return count;
}

/* SEEK_SET 0: the oldest record kept; SEEK_END 0: only new records from now on. */
static loff_t kmsg_llseek(struct file *file, loff_t offset, int whence)
{
	struct kmsg_user *u = file->private_data;
	loff_t ret = 0;

	if (offset)
		return -ESPIPE;
	mutex_lock(&u->lock);
	switch (whence) {
	case SEEK_SET:
		u->seq = printk_first_seq();
		break;
	case SEEK_END:
		u->seq = printk_next_seq();
		break;
	default:
		ret = -EINVAL;
	}
	mutex_unlock(&u->lock);
	return ret;
}

static const struct file_operations kmsg_fops = {
	.open = kmsg_open,
	.release = kmsg_release,
	.read_iter = kmsg_read_iter,
	.write_iter = kmsg_write_iter,
	.llseek = kmsg_llseek,
};

/* ---------------- registration ---------------- */

static const struct memdev {
	const char *name;
	unsigned int minor;
	const struct file_operations *fops;
} devlist[] = {
	{ "null", 3, &null_fops },
	{ "zero", 5, &zero_fops },
	{ "full", 7, &full_fops },
	{ "random", 8, &random_fops },
	{ "urandom", 9, &random_fops },
	{ "kmsg", 11, &kmsg_fops },
};

/* One registration for major 1: open picks the device by minor (Linux's memory_open). */
static int memory_open(struct inode *inode, struct file *filp)
{
	for (size_t i = 0; i < sizeof(devlist) / sizeof(devlist[0]); i++) {
		if (devlist[i].minor == iminor(inode)) {
			filp->f_op = devlist[i].fops;
			return filp->f_op->open ? filp->f_op->open(inode, filp) : 0;
		}
	}
	return -ENXIO;
}

static const struct file_operations memory_fops = {
	.open = memory_open,
};

int chr_dev_init(void)
{
	int err;

	/* /dev/tty and /dev/console (5:0, 5:1) are ttys: drivers/tty/tty_io.c. */
	err = register_chrdev_region_fops(MEM_MAJOR, 0, 256, "mem", &memory_fops);
	if (err)
		return err;
	err = fbmem_init();	/* /dev/fb0, if the boot gave us a framebuffer */
	if (err)
		pr_warn("fb: no /dev/fb0 (%d)\n", err);
	return 0;
}
