/*
 * flock.syscalls_* and pipe.syscalls_*: file locks, pipes and FIFOs through
 * the VFS system calls (ksys_*), on vfstestfs (tests/kernel/vfs_testfs.h):
 * the close and last-fput hooks, fcntl's lock and lease commands, the
 * lease break in open, pipe2 through the descriptor table, FIFOs made by
 * mknod. vfs_env_end checks that no dentry, inode, file or descriptor
 * leaked.
 */
#include <kestrel/completion.h>
#include <kestrel/contract/file.h>
#include <kestrel/filelock.h>
#include <kestrel/kthread.h>
#include <kestrel/ktest.h>
#include <kestrel/pipe_fs_i.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/timer.h>

#include "vfs_testfs.h"

static char lv_buf[2048];

static const char *lv_proc_locks(void)
{
	locks_proc_show(lv_buf, sizeof(lv_buf));
	return lv_buf;
}

KTEST(flock, syscalls_flock_fcntl_and_close)
{
	struct vfs_env env;
	struct flock l;
	long fd1, fd2, fd3, fd4;
	int saved;

	KASSERT(vfs_env_begin(t, &env));
	KASSERT_EQ(testfs_write_file("/f", "0123456789", 10), 10);
	fd1 = ksys_open("/f", O_RDWR, 0);
	fd2 = ksys_open("/f", O_RDWR, 0);
	KASSERT(fd1 >= 0 && fd2 >= 0);
	fd3 = ksys_dup(fd1);
	KASSERT(fd3 >= 0);

	/* flock: per open file; a dup shares it; only the last close drops it. */
	KEXPECT_EQ(ksys_flock(fd1, LOCK_EX), 0);
	KEXPECT_EQ(ksys_flock(fd2, LOCK_EX | LOCK_NB), -EWOULDBLOCK);
	KEXPECT_EQ(ksys_flock(fd3, LOCK_EX | LOCK_NB), 0);
	KEXPECT_EQ(ksys_close(fd1), 0);
	KEXPECT_EQ(ksys_flock(fd2, LOCK_SH | LOCK_NB), -EAGAIN);
	KEXPECT_EQ(ksys_close(fd3), 0);
	KEXPECT_EQ(ksys_flock(fd2, LOCK_EX | LOCK_NB), 0);
	KEXPECT_EQ(ksys_flock(fd2, LOCK_UN), 0);
	KEXPECT_EQ(ksys_flock(99, LOCK_SH), -EBADF);

	/* fcntl record locks: the process is the owner; any close drops them. */
	l = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 2, .l_len = 3 };
	KEXPECT_EQ(ksys_fcntl(fd2, F_SETLK, (unsigned long)&l), 0);
	KEXPECT(strstr(lv_proc_locks(), "POSIX  ADVISORY  WRITE ") != NULL);
	KEXPECT(strstr(lv_buf, " 2 4\n") != NULL);
	l = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET };
	KEXPECT_EQ(ksys_fcntl(fd2, F_GETLK, (unsigned long)&l), 0);
	KEXPECT_EQ(l.l_type, F_UNLCK);		/* our own lock does not conflict */
	l.l_type = 7;
	KEXPECT_EQ(ksys_fcntl(fd2, F_SETLK, (unsigned long)&l), -EINVAL);
	fd4 = ksys_open("/f", O_RDONLY, 0);
	KASSERT(fd4 >= 0);
	l = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET };
	KEXPECT_EQ(ksys_fcntl(fd4, F_SETLK, (unsigned long)&l), -EBADF);	/* not writable */
	KEXPECT_EQ(ksys_close(fd4), 0);		/* another fd of the file: the lock goes */
	KEXPECT_EQ(strstr(lv_proc_locks(), "POSIX") == NULL, true);
	KEXPECT_EQ(ksys_close(fd2), 0);

	/* Leases: an open for writing breaks a read lease. */
	fd1 = ksys_open("/f", O_RDONLY, 0);
	KASSERT(fd1 >= 0);
	KEXPECT_EQ(ksys_fcntl(fd1, F_SETLEASE, F_RDLCK), 0);
	KEXPECT_EQ(ksys_fcntl(fd1, F_GETLEASE, 0), F_RDLCK);
	fd2 = ksys_open("/f", O_RDONLY | O_NONBLOCK, 0);	/* readers are fine */
	KEXPECT(fd2 >= 0);
	KEXPECT_EQ(ksys_close(fd2), 0);
	KEXPECT_EQ(ksys_open("/f", O_WRONLY | O_NONBLOCK, 0), -EWOULDBLOCK);
	KEXPECT_EQ(ksys_fcntl(fd1, F_GETLEASE, 0), F_UNLCK);	/* being broken */
	KEXPECT_EQ(ksys_fcntl(fd1, F_SETLEASE, F_UNLCK), 0);
	fd2 = ksys_open("/f", O_WRONLY, 0);
	KEXPECT(fd2 >= 0);
	KEXPECT_EQ(ksys_close(fd2), 0);
	/* A truncate breaks leases too; a holder that never answers loses it in time. */
	saved = lease_break_time;
	lease_break_time = 1;
	KEXPECT_EQ(ksys_fcntl(fd1, F_SETLEASE, F_RDLCK), 0);
	KEXPECT_EQ(ksys_truncate("/f", 0), 0);
	KEXPECT_EQ(ksys_fcntl(fd1, F_GETLEASE, 0), F_UNLCK);
	lease_break_time = saved;
	KEXPECT_EQ(ksys_close(fd1), 0);
	KEXPECT(vfs_env_end(t, &env));
	KEXPECT(debug_locks);
}

KTEST(pipe, syscalls_pipe2_and_fifo)
{
	long pipes = pipe_nr_allocated(), r, w;
	struct file *f;
	struct vfs_env env;
	struct stat st;
	char buf[16];
	int fds[2];

	KASSERT(vfs_env_begin(t, &env));
	KASSERT_EQ(ksys_pipe2(fds, O_CLOEXEC), 0);
	KEXPECT(get_close_on_exec(fds[0]));
	KEXPECT(get_close_on_exec(fds[1]));
	KEXPECT_EQ(ksys_write(fds[1], "ping", 4), 4);
	KEXPECT_EQ(ksys_read(fds[0], buf, sizeof(buf)), 4);
	KEXPECT_EQ(memcmp(buf, "ping", 4), 0);
	KEXPECT_EQ(ksys_read(fds[1], buf, 1), -EBADF);	/* the write end */
	KEXPECT_EQ(ksys_lseek(fds[0], 0, SEEK_SET), -ESPIPE);
	KEXPECT_EQ(ksys_fstat(fds[0], &st), 0);
	KEXPECT(S_ISFIFO(st.st_mode));
	f = fget(fds[0]);
	KASSERT(f != NULL);
	KEXPECT_EQ(vfs_call_poll(f, NULL) & (EPOLLIN | EPOLLHUP), 0);
	KEXPECT_EQ(ksys_close(fds[1]), 0);
	KEXPECT_EQ(vfs_call_poll(f, NULL) & EPOLLHUP, EPOLLHUP);	/* no writer left */
	fput(f);
	KEXPECT_EQ(ksys_read(fds[0], buf, sizeof(buf)), 0);	/* EOF */
	KEXPECT_EQ(ksys_close(fds[0]), 0);
	KEXPECT_EQ(pipe_nr_allocated(), pipes);

	KASSERT_EQ(ksys_pipe2(fds, O_NONBLOCK), 0);
	KEXPECT(!get_close_on_exec(fds[0]));
	KEXPECT_EQ(ksys_read(fds[0], buf, 1), -EAGAIN);
	KEXPECT(ksys_fcntl(fds[1], F_GETFL, 0) & O_NONBLOCK);
	KEXPECT_EQ(ksys_close(fds[0]), 0);
	KEXPECT_EQ(ksys_write(fds[1], "x", 1), -EPIPE);
	KEXPECT_EQ(ksys_close(fds[1]), 0);
	KEXPECT_EQ(ksys_pipe2(fds, O_APPEND), -EINVAL);

	/* A FIFO made by mknod, opened through the VFS. */
	KASSERT_EQ(ksys_mknodat(AT_FDCWD, "/fifo", S_IFIFO | 0600, 0), 0);
	KEXPECT_EQ(ksys_open("/fifo", O_WRONLY | O_NONBLOCK, 0), -ENXIO);
	r = ksys_open("/fifo", O_RDONLY | O_NONBLOCK, 0);
	KASSERT(r >= 0);
	w = ksys_open("/fifo", O_WRONLY | O_NONBLOCK, 0);
	KASSERT(w >= 0);
	KEXPECT_EQ(ksys_write(w, "fifo", 4), 4);
	KEXPECT_EQ(ksys_read(r, buf, sizeof(buf)), 4);
	KEXPECT_EQ(ksys_close(w), 0);
	KEXPECT_EQ(ksys_read(r, buf, sizeof(buf)), 0);
	KEXPECT_EQ(ksys_close(r), 0);
	KEXPECT_EQ(ksys_unlink("/fifo"), 0);
	KEXPECT_EQ(pipe_nr_allocated(), pipes);
	KEXPECT(vfs_env_end(t, &env));
	KEXPECT(debug_locks);
}

struct lv_opener {
	long fd;
	struct completion done;
};

static int lv_open_for_write(void *data)
{
	struct lv_opener *o = data;

	o->fd = ksys_open("/leased", O_WRONLY, 0);
	complete(&o->done);
	return 0;
}

KTEST(flock, syscalls_open_waits_for_lease_holder)
{
	static struct lv_opener o;
	struct vfs_env env;
	struct task_struct *k;
	long fd;

	KASSERT(vfs_env_begin(t, &env));
	KASSERT_EQ(testfs_write_file("/leased", "x", 1), 1);
	fd = ksys_open("/leased", O_RDONLY, 0);
	KASSERT(fd >= 0);
	KASSERT_EQ(ksys_fcntl(fd, F_SETLEASE, F_RDLCK), 0);
	/* A writer opens: it waits while the holder is told (F_GETLEASE: give it up). */
	o = (struct lv_opener){ .fd = -1 };
	init_completion(&o.done);
	k = kthread_run(lv_open_for_write, &o, "leaseopen");
	KASSERT(!IS_ERR(k));
	for (int i = 0; i < 2000 && ksys_fcntl(fd, F_GETLEASE, 0) != F_UNLCK; i++)
		msleep(10);
	KEXPECT_EQ(ksys_fcntl(fd, F_GETLEASE, 0), F_UNLCK);
	KEXPECT(strstr(lv_proc_locks(), "LEASE  BREAKING  UNLCK") != NULL);
	msleep(50);
	KEXPECT(!completion_done(&o.done));
	KEXPECT_EQ(ksys_fcntl(fd, F_SETLEASE, F_UNLCK), 0);	/* the holder gives way */
	KASSERT(wait_for_completion_timeout(&o.done, msecs_to_jiffies(20 * 1000)));
	KEXPECT(o.fd >= 0);
	KEXPECT_EQ(ksys_close(o.fd), 0);
	KEXPECT_EQ(ksys_close(fd), 0);
	KEXPECT(vfs_env_end(t, &env));
	KEXPECT(debug_locks);
}
