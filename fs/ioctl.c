/*
 * ioctl(2): the commands every file understands, then the file's own
 * ->unlocked_ioctl (through <kestrel/contract/file.h>), else ENOTTY.
 *
 * Generic commands, as Linux's do_vfs_ioctl: FIOCLEX/FIONCLEX set and
 * clear close-on-exec on the descriptor; FIONBIO takes an int flag from
 * user space and sets or clears O_NONBLOCK like fcntl(F_SETFL); FIONREAD on a regular file answers the bytes from the
 * position to the end (other files answer it in their ->unlocked_ioctl).
 * arg is handed to ->unlocked_ioctl untouched: a pointer in it is a user
 * pointer, which the driver reads with copy_from_user/get_user.
 */
#include <kestrel/contract/file.h>
#include <kestrel/fdtable.h>
#include <kestrel/syscalls.h>
#include <kestrel/uaccess.h>
#include "internal.h"

#define FIONREAD 0x541B
#define FIONBIO 0x5421
#define FIONCLEX 0x5450
#define FIOCLEX 0x5451

/* Set or clear one status flag as F_SETFL would (->check_flags may refuse it). */
static long ioctl_setfl_bit(unsigned int fd, struct file *f, int __user *argp, unsigned int bit)
{
	int on;

	if (get_user(on, argp))
		return -EFAULT;
	return ksys_fcntl(fd, F_SETFL, on ? (f->f_flags | bit) : (f->f_flags & ~bit));
}

static long ioctl_fionread(struct file *f, int __user *argp)
{
	loff_t left = i_size_read(file_inode(f)) - f->f_pos;

	if (left < 0)
		left = 0;
	return put_user(left > 0x7fffffff ? 0x7fffffff : (int)left, argp);
}

SYSCALL_DEFINE3(ioctl, unsigned int, fd, unsigned int, cmd, unsigned long, arg)
{
	struct file *f = fget(fd);
	long err;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case FIOCLEX:
		set_close_on_exec(fd, 1);
		err = 0;
		break;
	case FIONCLEX:
		set_close_on_exec(fd, 0);
		err = 0;
		break;
	case FIONBIO:
		err = ioctl_setfl_bit(fd, f, (int __user *)arg, O_NONBLOCK);
		break;
	default:
		/* FIONREAD of pipes and ttys is theirs to answer. */
		if (cmd == FIONREAD && S_ISREG(file_inode(f)->i_mode)) {
			err = ioctl_fionread(f, (int __user *)arg);
			break;
		}
		err = f->f_op && f->f_op->unlocked_ioctl ? vfs_call_unlocked_ioctl(f, cmd, arg)
							 : -ENOTTY;
	}
	fput(f);
	return err;
}
