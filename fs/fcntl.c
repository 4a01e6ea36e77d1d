/*
 * fcntl(2): descriptor flags (F_GETFD/F_SETFD), file status flags
 * (F_GETFL/F_SETFL), duplication (F_DUPFD, F_DUPFD_CLOEXEC), and the
 * record-lock and lease commands, which fs/locks.c carries out.
 *
 * Locking: f_flags changes under the file's f_lock; the descriptor table
 * and the locks take their own (fs/file.c, fs/locks.c).
 */
#include <kestrel/contract/file.h>
#include <kestrel/fdtable.h>
#include <kestrel/filelock.h>
#include <kestrel/syscalls.h>
#include <kestrel/uaccess.h>

#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_NOATIME | O_DIRECT)

static long setfl(struct file *filp, unsigned long arg)
{
	int err;

	if (((arg ^ filp->f_flags) & O_APPEND) && (file_inode(filp)->i_flags & S_APPEND))
		return -EPERM;	/* an append-only file stays append-only */
	if (filp->f_op->check_flags) {
		err = vfs_call_check_flags(filp, arg);
		if (err)
			return err;
	}
	spin_lock(&filp->f_lock);
	filp->f_flags = (arg & SETFL_MASK) | (filp->f_flags & ~SETFL_MASK);
	spin_unlock(&filp->f_lock);
	return 0;
}

long ksys_fcntl(unsigned int fd, unsigned int cmd, unsigned long arg)
{
	struct file *f = fget(fd);
	long err;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg >= task_nofile_limit()) {
			err = -EINVAL;
			break;
		}
		err = f_dupfd(arg, f, cmd == F_DUPFD_CLOEXEC ? O_CLOEXEC : 0);
		break;
	case F_GETFD:
		err = get_close_on_exec(fd) ? FD_CLOEXEC : 0;
		break;
	case F_SETFD:
		set_close_on_exec(fd, arg & FD_CLOEXEC);
		err = 0;
		break;
	case F_GETFL:
		err = f->f_flags;
		break;
	case F_SETFL:
		err = setfl(f, arg);
		break;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
		err = fcntl_posix_lock(fd, f, cmd, (struct flock *)arg);	/* fs/locks.c */
		break;
	case F_SETLEASE:
		err = file_setlease(f, (int)arg);	/* fs/locks.c */
		break;
	case F_GETLEASE:
		err = fcntl_getlease(f);
		break;
	default:
		err = -EINVAL;
	}
	fput(f);
	return err;
}

/* ================================================================ system calls */

#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#define F_OFD_SETLKW 38

/*
 * fcntl: the record-lock commands copy struct flock (the same 32-byte
 * layout in the kernel and in x86_64 user space) in and, for F_GETLK,
 * back out; the rest take an integer. Open-file-description locks
 * (F_OFD_*) are not implemented: EINVAL, as a kernel without them says.
 */
SYSCALL_DEFINE3(fcntl, unsigned int, fd, unsigned int, cmd, unsigned long, arg)
{
	struct flock fl;
	long ret;

	switch (cmd) {
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
		if (copy_from_user(&fl, (struct flock __user *)arg, sizeof(fl))) {
			struct file *f = fget(fd);	/* EBADF takes precedence */

			if (!f)
				return -EBADF;
			fput(f);
			return -EFAULT;
		}
		ret = ksys_fcntl(fd, cmd, (unsigned long)&fl);
		if (!ret && cmd == F_GETLK &&
		    copy_to_user((struct flock __user *)arg, &fl, sizeof(fl)))
			ret = -EFAULT;
		return ret;
	default:
		return ksys_fcntl(fd, cmd, arg);
	}
}
