/*
 * Descriptor tables (include/kestrel/fdtable.h) and the system calls
 * that only move descriptors: close, close_range, dup, dup2, dup3
 * (fcntl is fs/fcntl.c).
 *
 * files->file_lock protects the table: fd[], both bitmaps, next_fd and
 * replacing fdt by a bigger one. Growing allocates with the lock dropped
 * and re-checks after taking it again. A table belongs to a process
 * (task->files, shared by CLONE_FILES threads, counted by files->count);
 * fork copies it (dup_fd), exec closes the close-on-exec descriptors,
 * the last put closes everything.
 */
#include <kestrel/bitops.h>
#include <kestrel/contract/file.h>
#include <kestrel/fdtable.h>
#include <kestrel/filelock.h>
#include <kestrel/sched.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/sched_signal.h>
#include <kestrel/syscalls.h>
#include <kestrel/uaccess.h>
#include "internal.h"

struct files_struct init_files = {
	.count = ATOMIC_INIT(1),
	.file_lock = __SPIN_LOCK_UNLOCKED(init_files.file_lock),
	.fdt = &init_files.fdtab,
	.next_fd = 0,
	.fdtab = {
		.max_fds = NR_OPEN_DEFAULT,
		.fd = init_files.fd_array,
		.close_on_exec = init_files.close_on_exec_init,
		.open_fds = init_files.open_fds_init,
	},
};

/* Kernel threads have no table of their own: they share init_files. */
struct files_struct *current_files(void)
{
	struct files_struct *files = current->files;

	return files ? files : &init_files;
}

unsigned int task_nofile_limit(void)
{
	struct signal_struct *sig = current->signal;
	unsigned long cur;

	if (!sig)
		return NR_OPEN_MAX;	/* kernel threads */
	cur = READ_ONCE(sig->rlim[RLIMIT_NOFILE].rlim_cur);
	return cur < NR_OPEN_MAX ? cur : NR_OPEN_MAX;
}

static bool test_fd_bit(unsigned int fd, const unsigned long *map)
{
	return test_bit(fd, map);
}

static void set_fd_bit(unsigned int fd, unsigned long *map)
{
	__set_bit(fd, map);	/* file_lock held */
}

static void clear_fd_bit(unsigned int fd, unsigned long *map)
{
	__clear_bit(fd, map);
}

static unsigned int find_free_fd(const struct fdtable *fdt, unsigned int start)
{
	unsigned int fd;

	for (fd = start; fd < fdt->max_fds; fd++)
		if (!test_fd_bit(fd, fdt->open_fds))
			return fd;
	return fdt->max_fds;
}

static void free_fdtable(struct fdtable *fdt)
{
	kfree(fdt->fd);
	kfree(fdt->open_fds);
	kfree(fdt->close_on_exec);
	kfree(fdt);
}

/* A table of size slots (a multiple of BITS_PER_LONG), zeroed; NULL if out of memory. */
static struct fdtable *alloc_fdtable(unsigned int size)
{
	size_t words = size / BITS_PER_LONG;
	struct fdtable *new = kzalloc(sizeof(*new), GFP_KERNEL);

	if (!new)
		return NULL;
	new->max_fds = size;
	new->fd = kzalloc(size * sizeof(struct file *), GFP_KERNEL);
	new->open_fds = kzalloc(words * sizeof(long), GFP_KERNEL);
	new->close_on_exec = kzalloc(words * sizeof(long), GFP_KERNEL);
	if (!new->fd || !new->open_fds || !new->close_on_exec) {
		free_fdtable(new);
		return NULL;
	}
	return new;
}

/*
 * Make room for descriptor nr (file_lock held; dropped and retaken while
 * allocating). 0: there was room; 1: the table grew (re-check); <0 error.
 */
static int expand_files(struct files_struct *files, unsigned int nr)
{
	struct fdtable *old = files->fdt, *new;
	unsigned int size = old->max_fds;

	if (nr < old->max_fds)
		return 0;
	if (nr >= NR_OPEN_MAX)
		return -EMFILE;
	while (size <= nr)
		size *= 2;
	if (size > NR_OPEN_MAX)
		size = NR_OPEN_MAX;
	spin_unlock(&files->file_lock);
	new = alloc_fdtable(size);
	spin_lock(&files->file_lock);
	if (!new)
		return -ENOMEM;
	old = files->fdt;
	if (old->max_fds >= size) {	/* someone else grew it meanwhile */
		free_fdtable(new);
		return 1;
	}
	memcpy(new->fd, old->fd, old->max_fds * sizeof(struct file *));
	memcpy(new->open_fds, old->open_fds, old->max_fds / BITS_PER_LONG * sizeof(long));
	memcpy(new->close_on_exec, old->close_on_exec, old->max_fds / BITS_PER_LONG * sizeof(long));
	files->fdt = new;
	if (old != &files->fdtab)
		free_fdtable(old);
	return 1;
}

/* Reserve the lowest free descriptor >= start and < the RLIMIT_NOFILE of the caller. */
static int alloc_fd(unsigned int start, unsigned int flags)
{
	struct files_struct *files = current_files();
	unsigned int end = task_nofile_limit();
	struct fdtable *fdt;
	unsigned int fd;
	int err;

	spin_lock(&files->file_lock);
	for (;;) {
		fdt = files->fdt;
		fd = find_free_fd(fdt, start < files->next_fd ? files->next_fd : start);
		err = fd >= end ? -EMFILE : expand_files(files, fd);
		if (err < 0) {
			spin_unlock(&files->file_lock);
			return err;
		}
		if (err == 0)
			break;
	}
	fdt = files->fdt;
	set_fd_bit(fd, fdt->open_fds);
	if (flags & O_CLOEXEC)
		set_fd_bit(fd, fdt->close_on_exec);
	else
		clear_fd_bit(fd, fdt->close_on_exec);
	if (start <= files->next_fd)
		files->next_fd = fd + 1;
	spin_unlock(&files->file_lock);
	return fd;
}

int get_unused_fd_flags(unsigned int flags)
{
	return alloc_fd(0, flags);
}

static void __put_unused_fd(struct files_struct *files, unsigned int fd)
{
	clear_fd_bit(fd, files->fdt->open_fds);
	clear_fd_bit(fd, files->fdt->close_on_exec);
	if (fd < files->next_fd)
		files->next_fd = fd;
}

void put_unused_fd(unsigned int fd)
{
	struct files_struct *files = current_files();

	spin_lock(&files->file_lock);
	__put_unused_fd(files, fd);
	spin_unlock(&files->file_lock);
}

void fd_install(unsigned int fd, struct file *file)
{
	struct files_struct *files = current_files();

	spin_lock(&files->file_lock);
	WARN_ON(files->fdt->fd[fd]);
	files->fdt->fd[fd] = file;
	spin_unlock(&files->file_lock);
}

struct file *fget(unsigned int fd)
{
	return fget_files(current_files(), fd);
}

int filp_close(struct file *filp, fl_owner_t id)
{
	int err = 0;

	if (filp->f_op && filp->f_op->flush && (filp->f_mode & FMODE_OPENED))
		err = vfs_call_flush(filp);
	/* POSIX: closing any descriptor drops the owner's record locks on the file. */
	locks_remove_posix(filp, id);
	fput(filp);
	return err;
}

int close_fd(unsigned int fd)
{
	struct files_struct *files = current_files();
	struct file *f = NULL;

	spin_lock(&files->file_lock);
	if (fd < files->fdt->max_fds) {
		f = files->fdt->fd[fd];
		if (f) {
			files->fdt->fd[fd] = NULL;
			__put_unused_fd(files, fd);
		}
	}
	spin_unlock(&files->file_lock);
	if (!f)
		return -EBADF;
	return filp_close(f, files);
}

int replace_fd(unsigned int fd, struct file *file, unsigned int flags)
{
	struct files_struct *files = current_files();
	struct file *tofree;
	int err;

	spin_lock(&files->file_lock);
	do {
		err = expand_files(files, fd);
	} while (err == 1);
	if (err < 0) {
		spin_unlock(&files->file_lock);
		return err == -EMFILE ? -EBADF : err;
	}
	tofree = files->fdt->fd[fd];
	if (!tofree && test_fd_bit(fd, files->fdt->open_fds)) {
		spin_unlock(&files->file_lock);
		return -EBUSY;	/* reserved by an open in progress */
	}
	files->fdt->fd[fd] = get_file(file);
	set_fd_bit(fd, files->fdt->open_fds);
	if (flags & O_CLOEXEC)
		set_fd_bit(fd, files->fdt->close_on_exec);
	else
		clear_fd_bit(fd, files->fdt->close_on_exec);
	spin_unlock(&files->file_lock);
	if (tofree)
		filp_close(tofree, files);
	return fd;
}

void set_close_on_exec(unsigned int fd, int flag)
{
	struct files_struct *files = current_files();

	spin_lock(&files->file_lock);
	if (flag)
		set_fd_bit(fd, files->fdt->close_on_exec);
	else
		clear_fd_bit(fd, files->fdt->close_on_exec);
	spin_unlock(&files->file_lock);
}

bool get_close_on_exec(unsigned int fd)
{
	struct files_struct *files = current_files();
	bool res;

	spin_lock(&files->file_lock);
	res = fd < files->fdt->max_fds && test_fd_bit(fd, files->fdt->close_on_exec);
	spin_unlock(&files->file_lock);
	return res;
}

unsigned int nr_open_fds(void)
{
	struct files_struct *files = current_files();
	unsigned int fd, n = 0;

	spin_lock(&files->file_lock);
	for (fd = 0; fd < files->fdt->max_fds; fd++)
		n += test_fd_bit(fd, files->fdt->open_fds);
	spin_unlock(&files->file_lock);
	return n;
}

/* ---------------------------------------------------------------- per-process tables */

static void init_files_struct(struct files_struct *files)
{
	atomic_set(&files->count, 1);
	spin_lock_init(&files->file_lock);
	files->next_fd = 0;
	files->fdtab.max_fds = NR_OPEN_DEFAULT;
	files->fdtab.fd = files->fd_array;
	files->fdtab.close_on_exec = files->close_on_exec_init;
	files->fdtab.open_fds = files->open_fds_init;
	files->fdt = &files->fdtab;
}

/*
 * Copy oldf's descriptors into new (its table already max_fds big).
 * Under oldf->file_lock: each installed file gains a reference;
 * descriptors reserved by an open still in progress are not copied
 * (the child never sees them installed), as Linux.
 */
static void copy_fds(struct files_struct *new, struct fdtable *oldt)
{
	struct fdtable *nt = new->fdt;
	unsigned int fd;

	for (fd = 0; fd < oldt->max_fds; fd++) {
		struct file *f = oldt->fd[fd];

		if (!f)
			continue;
		nt->fd[fd] = get_file(f);
		set_fd_bit(fd, nt->open_fds);
		if (test_fd_bit(fd, oldt->close_on_exec))
			set_fd_bit(fd, nt->close_on_exec);
	}
}

struct files_struct *dup_fd(struct files_struct *oldf, int *errorp)
{
	struct files_struct *newf = kzalloc(sizeof(*newf), GFP_KERNEL);
	struct fdtable *big = NULL;
	unsigned int size = NR_OPEN_DEFAULT;

	if (!newf)
		goto nomem;
	init_files_struct(newf);
	for (;;) {
		spin_lock(&oldf->file_lock);
		if (oldf->fdt->max_fds <= size)
			break;
		/* oldf grew (or we have not caught up): allocate unlocked and look again. */
		size = oldf->fdt->max_fds;
		spin_unlock(&oldf->file_lock);
		if (big)
			free_fdtable(big);
		big = alloc_fdtable(size);
		if (!big) {
			kfree(newf);
			goto nomem;
		}
		newf->fdt = big;
	}
	copy_fds(newf, oldf->fdt);
	spin_unlock(&oldf->file_lock);
	return newf;
nomem:
	*errorp = -ENOMEM;
	return NULL;
}

void get_files_struct(struct files_struct *files)
{
	atomic_inc(&files->count);
}

/* The last reference: nobody else can reach the table, so no lock is needed. */
static void close_files(struct files_struct *files)
{
	struct fdtable *fdt = files->fdt;
	unsigned int fd;

	for (fd = 0; fd < fdt->max_fds; fd++) {
		struct file *f = fdt->fd[fd];

		if (f) {
			fdt->fd[fd] = NULL;
			filp_close(f, files);
		}
	}
}

void put_files_struct(struct files_struct *files)
{
	might_sleep();
	if (!atomic_dec_and_test(&files->count))
		return;
	if (WARN_ON(files == &init_files))
		return;
	close_files(files);
	if (files->fdt != &files->fdtab)
		free_fdtable(files->fdt);
	kfree(files);
}

/*
 * task_files_lock protects every task's ->files pointer against being
 * read by another task (get_task_files) while the owner replaces it
 * (exit_files, close_range's unshare). The owner reads its own without it.
 */
static DEFINE_SPINLOCK(task_files_lock);

static struct files_struct *swap_task_files(struct task_struct *tsk, struct files_struct *new)
{
	struct files_struct *old;

	spin_lock(&task_files_lock);
	old = tsk->files;
	WRITE_ONCE(tsk->files, new);
	spin_unlock(&task_files_lock);
	return old;
}

void exit_files(struct task_struct *tsk)
{
	struct files_struct *files = swap_task_files(tsk, NULL);

	if (files)
		put_files_struct(files);
}

struct files_struct *get_task_files(struct task_struct *task)
{
	struct files_struct *files;

	spin_lock(&task_files_lock);
	files = task->files;
	if (files)
		get_files_struct(files);
	spin_unlock(&task_files_lock);
	return files;
}

struct file *fget_files(struct files_struct *files, unsigned int fd)
{
	struct file *f = NULL;

	spin_lock(&files->file_lock);
	if (fd < files->fdt->max_fds) {
		f = files->fdt->fd[fd];
		if (f)
			get_file(f);
	}
	spin_unlock(&files->file_lock);
	return f;
}

int files_next_fd(struct files_struct *files, unsigned int start)
{
	struct fdtable *fdt;
	int fd = -1;

	spin_lock(&files->file_lock);
	fdt = files->fdt;
	for (; start < fdt->max_fds; start++) {
		if (fdt->fd[start]) {
			fd = start;
			break;
		}
	}
	spin_unlock(&files->file_lock);
	return fd;
}

/*
 * exec: close the close-on-exec descriptors, one at a time with the
 * lock dropped around filp_close (->flush and lock removal may sleep).
 */
void do_close_on_exec(struct files_struct *files)
{
	unsigned int fd = 0;

	spin_lock(&files->file_lock);
	for (;;) {
		struct fdtable *fdt = files->fdt;
		struct file *f;

		while (fd < fdt->max_fds && !test_fd_bit(fd, fdt->close_on_exec))
			fd++;
		if (fd >= fdt->max_fds)
			break;
		f = fdt->fd[fd];
		if (!f) {	/* reserved by an open in progress: it installs later */
			fd++;
			continue;
		}
		fdt->fd[fd] = NULL;
		__put_unused_fd(files, fd);
		spin_unlock(&files->file_lock);
		filp_close(f, files);
		spin_lock(&files->file_lock);
		fd++;
	}
	spin_unlock(&files->file_lock);
}

/* ---------------------------------------------------------------- system calls */

long ksys_close(unsigned int fd)
{
	return close_fd(fd);
}

int f_dupfd(unsigned int from, struct file *file, unsigned int flags)
{
	int fd = alloc_fd(from, flags);

	if (fd >= 0)
		fd_install(fd, get_file(file));
	return fd;
}

long ksys_dup(unsigned int fildes)
{
	struct file *f = fget(fildes);
	long ret;

	if (!f)
		return -EBADF;
	ret = f_dupfd(0, f, 0);
	fput(f);
	return ret;
}

long ksys_dup3(unsigned int oldfd, unsigned int newfd, int flags)
{
	struct file *f;
	long err;

	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	if (newfd >= task_nofile_limit())
		return -EBADF;
	f = fget(oldfd);
	if (!f)
		return -EBADF;
	err = replace_fd(newfd, f, flags);
	fput(f);
	return err;
}

long ksys_dup2(unsigned int oldfd, unsigned int newfd)
{
	if (oldfd == newfd) {
		struct file *f = fget(oldfd);

		if (!f)
			return -EBADF;
		fput(f);
		return newfd;
	}
	return ksys_dup3(oldfd, newfd, 0);
}

/* ================================================================ system calls */

SYSCALL_DEFINE1(close, unsigned int, fd)
{
	long ret = ksys_close(fd);

	/* An interrupted ->flush still closed the descriptor: never restart close. */
	if (ret == -ERESTARTSYS || ret == -ERESTARTNOINTR || ret == -ERESTARTNOHAND ||
	    ret == -ERESTART_RESTARTBLOCK)
		ret = -EINTR;
	return ret;
}

#define CLOSE_RANGE_UNSHARE (1U << 1)
#define CLOSE_RANGE_CLOEXEC (1U << 2)

/*
 * CLOSE_RANGE_UNSHARE: a table shared with CLONE_FILES threads is copied
 * first, so the others keep their descriptors (as unshare(CLONE_FILES)).
 */
static int unshare_files_for_close(void)
{
	struct files_struct *old = current->files, *new;
	int err = 0;

	if (!old || atomic_read(&old->count) == 1)
		return 0;
	new = dup_fd(old, &err);
	if (!new)
		return err;
	put_files_struct(swap_task_files(current, new));
	return 0;
}

SYSCALL_DEFINE3(close_range, unsigned int, fd, unsigned int, max_fd, unsigned int, flags)
{
	struct files_struct *files;
	unsigned int i;
	int err;

	if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC))
		return -EINVAL;
	if (fd > max_fd)
		return -EINVAL;
	if (flags & CLOSE_RANGE_UNSHARE) {
		err = unshare_files_for_close();
		if (err)
			return err;
	}
	files = current_files();
	for (i = fd; i <= max_fd; i++) {
		unsigned int size;

		spin_lock(&files->file_lock);
		size = files->fdt->max_fds;
		spin_unlock(&files->file_lock);
		if (i >= size)
			break;
		if (flags & CLOSE_RANGE_CLOEXEC) {
			spin_lock(&files->file_lock);
			if (files->fdt->fd[i])
				set_fd_bit(i, files->fdt->close_on_exec);
			spin_unlock(&files->file_lock);
		} else {
			close_fd(i);
		}
		if (i == ~0U)
			break;
	}
	return 0;
}

SYSCALL_DEFINE1(dup, unsigned int, fildes)
{
	return ksys_dup(fildes);
}

SYSCALL_DEFINE2(dup2, unsigned int, oldfd, unsigned int, newfd)
{
	return ksys_dup2(oldfd, newfd);
}

SYSCALL_DEFINE3(dup3, unsigned int, oldfd, unsigned int, newfd, int, flags)
{
	return ksys_dup3(oldfd, newfd, flags);
}
