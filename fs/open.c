/*
 * Opening files and changing their attributes: open/openat/creat,
 * truncate/ftruncate, chmod, chown, access, utimensat.
 *
 * vfs_open() binds a struct file to a path: f_op from the inode, the
 * access mode, then ->open. Attribute changes lock the inode (i_rwsem
 * exclusive) around notify_change(), which calls ->setattr (the spec:
 * setattr with i_rwsem exclusive). Truncation goes through the same
 * path: the file system's ->setattr takes invalidate_lock exclusive
 * around truncate_setsize (simple_setattr does).
 */
#include <kestrel/contract/file.h>
#include <kestrel/dcache.h>
#include <kestrel/fdtable.h>
#include <kestrel/mount.h>
#include <kestrel/filelock.h>
#include <kestrel/namei.h>
#include <kestrel/pagemap.h>
#include <kestrel/syscalls.h>
#include <kestrel/uaccess.h>
#include "internal.h"

#define OPEN_FMODE(flag) ((fmode_t)(((flag) + 1) & O_ACCMODE))

int vfs_open(const struct path *path, struct file *f)
{
	struct inode *inode = d_inode(path->dentry);
	int err;

	f->f_path = *path;
	path_get(&f->f_path);
	f->f_inode = inode;
	f->f_mapping = inode->i_mapping;
	f->f_mode = OPEN_FMODE(f->f_flags) | FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE;
	if (S_ISREG(inode->i_mode) || S_ISDIR(inode->i_mode))
		f->f_mode |= FMODE_ATOMIC_POS;
	/*
	 * Open-time only; O_CLOEXEC belongs to the descriptor (F_GETFL does not
	 * show it, as Linux). O_NOCTTY goes after ->open, which a tty's needs.
	 */
	f->f_flags &= ~(O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC);
	f->f_op = inode->i_fop;
	if (!f->f_op)
		return -ENXIO;	/* a device or FIFO whose driver is not there */
	if ((f->f_mode & FMODE_WRITE) && (inode->i_flags & S_APPEND) && !(f->f_flags & O_APPEND))
		return -EPERM;
	if (f->f_mode & FMODE_WRITE)
		atomic_inc(&inode->i_writecount);
	f->f_ra.ra_pages = 32;
	f->f_ra.prev_pos = -1;
	/* A lease holder is told, and given time, before a conflicting open proceeds. */
	err = break_lease(inode, f->f_flags);
	if (err) {
		if (f->f_mode & FMODE_WRITE)
			atomic_dec(&inode->i_writecount);
		return err;
	}
	if (f->f_op->open) {
		err = vfs_call_open(inode, f);
		if (err) {
			if (f->f_mode & FMODE_WRITE)
				atomic_dec(&inode->i_writecount);
			return err;
		}
	}
	f->f_mode |= FMODE_OPENED;
	f->f_flags &= ~O_NOCTTY;
	if ((f->f_mode & FMODE_READ) && (f->f_op->read || f->f_op->read_iter))
		f->f_mode |= FMODE_CAN_READ;
	if ((f->f_mode & FMODE_WRITE) && (f->f_op->write || f->f_op->write_iter))
		f->f_mode |= FMODE_CAN_WRITE;
	return 0;
}

struct file *dentry_open(const struct path *path, int flags, const struct cred *cred)
{
	struct file *f = alloc_empty_file(flags, cred);
	int err;

	if (IS_ERR(f))
		return f;
	err = vfs_open(path, f);
	if (err) {
		fput(f);
		return ERR_PTR(err);
	}
	return f;
}

struct file *filp_open(const char *filename, int flags, umode_t mode)
{
	return do_filp_open(AT_FDCWD, filename, flags, mode);
}

int generic_file_open(struct inode *inode, struct file *filp)
{
	return 0;	/* x86_64: every file size fits loff_t, O_LARGEFILE or not */
}

int nonseekable_open(struct inode *inode, struct file *filp)
{
	filp->f_mode &= ~(FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE);
	return 0;
}

long ksys_openat(int dfd, const char *filename, int flags, umode_t mode)
{
	struct file *f;
	int fd = get_unused_fd_flags(flags);

	if (fd < 0)
		return fd;
	f = do_filp_open(dfd, filename, flags, mode);
	if (IS_ERR(f)) {
		put_unused_fd(fd);
		return PTR_ERR(f);
	}
	fd_install(fd, f);
	return fd;
}

long ksys_open(const char *filename, int flags, umode_t mode)
{
	return ksys_openat(AT_FDCWD, filename, flags, mode);
}

long ksys_creat(const char *filename, umode_t mode)
{
	return ksys_open(filename, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

/* ---------------------------------------------------------------- truncate */

int do_truncate(struct dentry *dentry, loff_t length, unsigned int time_attrs, struct file *filp)
{
	struct inode *inode = d_inode(dentry);
	struct iattr attr = { 0 };
	int err;

	if (length < 0)
		return -EINVAL;
	attr.ia_size = length;
	attr.ia_valid = ATTR_SIZE | time_attrs;
	if (filp) {
		attr.ia_file = filp;
		attr.ia_valid |= ATTR_FILE;
	}
	err = break_lease(inode, O_WRONLY);	/* a truncate is a write: leases give way */
	if (err)
		return err;
	inode_lock(inode);
	err = notify_change(dentry, &attr, NULL);
	inode_unlock(inode);
	return err;
}

int vfs_truncate(const struct path *path, loff_t length)
{
	struct inode *inode = d_inode(path->dentry);
	int err;

	if (S_ISDIR(inode->i_mode))
		return -EISDIR;
	if (!S_ISREG(inode->i_mode))
		return -EINVAL;
	err = inode_permission(inode, MAY_WRITE);
	if (err)
		return err;
	if (inode->i_flags & S_APPEND)
		return -EPERM;
	return do_truncate(path->dentry, length, ATTR_MTIME | ATTR_CTIME, NULL);
}

int do_truncate_file(struct file *file, loff_t length)
{
	return do_truncate(file->f_path.dentry, length, ATTR_MTIME | ATTR_CTIME | ATTR_OPEN, file);
}

long ksys_truncate(const char *pathname, loff_t length)
{
	struct path path;
	int err;

	if (length < 0)
		return -EINVAL;
	err = kern_path(pathname, LOOKUP_FOLLOW, &path);
	if (err)
		return err;
	err = vfs_truncate(&path, length);
	path_put(&path);
	return err;
}

long ksys_ftruncate(unsigned int fd, loff_t length)
{
	struct file *f;
	struct inode *inode;
	long err;

	if (length < 0)
		return -EINVAL;
	f = fget(fd);
	if (!f)
		return -EBADF;
	inode = file_inode(f);
	err = -EINVAL;
	if (!S_ISREG(inode->i_mode) || !(f->f_mode & FMODE_WRITE))
		goto out;
	err = -EPERM;
	if (inode->i_flags & S_APPEND)
		goto out;
	err = do_truncate(f->f_path.dentry, length, ATTR_MTIME | ATTR_CTIME, f);
out:
	fput(f);
	return err;
}

/* ---------------------------------------------------------------- chmod, chown */

int chmod_common(const struct path *path, umode_t mode)
{
	struct inode *inode = d_inode(path->dentry);
	struct iattr attr = { 0 };
	int err;

	if (mnt_is_readonly(path->mnt))
		return -EROFS;
	inode_lock(inode);
	attr.ia_mode = (mode & S_IALLUGO) | (inode->i_mode & ~S_IALLUGO);
	attr.ia_valid = ATTR_MODE | ATTR_CTIME;
	err = notify_change(path->dentry, &attr, NULL);
	inode_unlock(inode);
	return err;
}

long ksys_fchmodat(int dfd, const char *filename, umode_t mode)
{
	struct path path;
	int err = user_path_at(dfd, filename, LOOKUP_FOLLOW, &path);

	if (err)
		return err;
	err = chmod_common(&path, mode);
	path_put(&path);
	return err;
}

long ksys_chmod(const char *filename, umode_t mode)
{
	return ksys_fchmodat(AT_FDCWD, filename, mode);
}

long ksys_fchmod(unsigned int fd, umode_t mode)
{
	struct file *f = fget(fd);
	int err;

	if (!f)
		return -EBADF;
	err = chmod_common(&f->f_path, mode);
	fput(f);
	return err;
}

int chown_common(const struct path *path, uid_t user, gid_t group)
{
	struct inode *inode = d_inode(path->dentry);
	struct iattr attr = { 0 };
	int err;

	if (mnt_is_readonly(path->mnt))
		return -EROFS;
	attr.ia_valid = ATTR_CTIME;
	if (user != (uid_t)-1) {
		attr.ia_valid |= ATTR_UID;
		attr.ia_uid = user;
	}
	if (group != (gid_t)-1) {
		attr.ia_valid |= ATTR_GID;
		attr.ia_gid = group;
	}
	if (!S_ISDIR(inode->i_mode))
		attr.ia_valid |= ATTR_KILL_SUID | ATTR_KILL_SGID;
	inode_lock(inode);
	err = notify_change(path->dentry, &attr, NULL);
	inode_unlock(inode);
	return err;
}

long ksys_fchownat(int dfd, const char *filename, uid_t user, gid_t group, int flag)
{
	struct path path;
	int err;

	if (flag & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = user_path_at(dfd, filename,
			   ((flag & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) |
				   ((flag & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0),
			   &path);
	if (err)
		return err;
	err = chown_common(&path, user, group);
	path_put(&path);
	return err;
}

long ksys_chown(const char *filename, uid_t user, gid_t group)
{
	return ksys_fchownat(AT_FDCWD, filename, user, group, 0);
}

long ksys_lchown(const char *filename, uid_t user, gid_t group)
{
	return ksys_fchownat(AT_FDCWD, filename, user, group, AT_SYMLINK_NOFOLLOW);
}

long ksys_fchown(unsigned int fd, uid_t user, gid_t group)
{
	struct file *f = fget(fd);
	int err;

	if (!f)
		return -EBADF;
	err = chown_common(&f->f_path, user, group);
	fput(f);
	return err;
}

/* ---------------------------------------------------------------- access, utimensat */

#define AT_EACCESS 0x200	/* faccessat2: check with the effective ids */

/* The permission check of access(2) with the current cred. */
static long faccessat_check(int dfd, const char *filename, int mode, int flags)
{
	struct path path;
	int err;

	err = user_path_at(dfd, filename,
			   ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) |
				   ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0),
			   &path);
	if (err)
		return err;
	if (mode)
		err = inode_permission(d_inode(path.dentry), mode | MAY_ACCESS);
	path_put(&path);
	return err;
}

/*
 * access(2) checks with the real ids, as Linux's access_override_creds:
 * a copy of the cred with fsuid/fsgid set to uid/gid and, for a real uid
 * other than root, no capabilities (root keeps its permitted set). NULL
 * when the caller's cred already says the same (the common case), else
 * the cred to put_cred after revert_creds.
 */
static struct cred *access_override_creds(void)
{
	const struct cred *old = current_cred();
	u64 caps = old->uid == 0 ? old->cap_permitted : 0;
	struct cred *c;

	if (old->fsuid == old->uid && old->fsgid == old->gid && old->cap_effective == caps)
		return NULL;
	c = prepare_creds();
	if (!c)
		return ERR_PTR(-ENOMEM);
	c->fsuid = c->uid;
	c->fsgid = c->gid;
	c->cap_effective = caps;
	return c;
}

/* access(2) family; AT_EACCESS checks with the effective (file-system) ids instead. */
static long do_faccessat(int dfd, const char *filename, int mode, int flags)
{
	const struct cred *saved = NULL;
	struct cred *real = NULL;
	long err;

	if (mode & ~7)
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (!(flags & AT_EACCESS)) {
		real = access_override_creds();
		if (IS_ERR(real))
			return PTR_ERR(real);
		if (real)
			saved = override_creds(real);
	}
	err = faccessat_check(dfd, filename, mode, flags);
	if (real) {
		revert_creds(saved);
		put_cred(real);
	}
	return err;
}


long ksys_faccessat(int dfd, const char *filename, int mode)
{
	return do_faccessat(dfd, filename, mode, 0);
}

long ksys_access(const char *filename, int mode)
{
	return ksys_faccessat(AT_FDCWD, filename, mode);
}

static bool nsec_valid(long nsec)
{
	return nsec == UTIME_OMIT || nsec == UTIME_NOW || (nsec >= 0 && nsec < 1000000000L);
}

static int utimes_common(const struct path *path, const struct timespec64 *times)
{
	struct inode *inode = d_inode(path->dentry);
	struct iattr attr = { 0 };
	int err;

	if (mnt_is_readonly(path->mnt))
		return -EROFS;
	attr.ia_valid = ATTR_CTIME | ATTR_MTIME | ATTR_ATIME;
	if (times) {
		if (times[0].tv_nsec == UTIME_OMIT)
			attr.ia_valid &= ~ATTR_ATIME;
		else if (times[0].tv_nsec != UTIME_NOW) {
			attr.ia_atime = times[0];
			attr.ia_valid |= ATTR_ATIME_SET;
		}
		if (times[1].tv_nsec == UTIME_OMIT)
			attr.ia_valid &= ~ATTR_MTIME;
		else if (times[1].tv_nsec != UTIME_NOW) {
			attr.ia_mtime = times[1];
			attr.ia_valid |= ATTR_MTIME_SET;
		}
		if (attr.ia_valid & (ATTR_ATIME_SET | ATTR_MTIME_SET))
			attr.ia_valid |= ATTR_TIMES_SET;
	}
	/* "Now" needs ownership or write permission; explicit times need ownership. */
	if (!(attr.ia_valid & ATTR_TIMES_SET) && !inode_owner_or_capable(inode)) {
		err = inode_permission(inode, MAY_WRITE);
		if (err)
			return err;
	} else if ((attr.ia_valid & ATTR_TIMES_SET) && !inode_owner_or_capable(inode)) {
		return -EPERM;
	}
	/* Both UTIME_OMIT: nothing to change, not even ctime (as Linux). */
	if (!(attr.ia_valid & (ATTR_ATIME | ATTR_MTIME)))
		return 0;
	inode_lock(inode);
	err = notify_change(path->dentry, &attr, NULL);
	inode_unlock(inode);
	return err;
}

long ksys_utimensat(int dfd, const char *filename, const struct timespec64 *times, int flags)
{
	struct path path;
	int err;

	if (times && (!nsec_valid(times[0].tv_nsec) || !nsec_valid(times[1].tv_nsec)))
		return -EINVAL;
	if (flags & ~AT_SYMLINK_NOFOLLOW)
		return -EINVAL;
	if (!filename) {	/* futimens(): dfd itself */
		struct file *f = fget(dfd);

		if (!f)
			return -EBADF;
		err = utimes_common(&f->f_path, times);
		fput(f);
		return err;
	}
	err = user_path_at(dfd, filename, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &path);
	if (err)
		return err;
	err = utimes_common(&path, times);
	path_put(&path);
	return err;
}

/* ================================================================ system calls */

/*
 * Each copies its names in with getname() (the walk sees kernel memory
 * only) and its structures with copy_from_user, then calls the ksys_
 * function above. x86_64's open() always adds O_LARGEFILE, as Linux's
 * force_o_largefile(), so F_GETFL shows it there too.
 */
SYSCALL_DEFINE4(openat, int, dfd, const char __user *, filename, int, flags, umode_t, mode)
{
	struct filename *name = getname(filename);
	long ret;

	if (IS_ERR(name))
		return PTR_ERR(name);
	ret = ksys_openat(dfd, name->name, flags | O_LARGEFILE, mode);
	putname(name);
	return ret;
}

SYSCALL_DEFINE3(open, const char __user *, filename, int, flags, umode_t, mode)
{
	return sys_openat(AT_FDCWD, filename, flags, mode);
}

SYSCALL_DEFINE2(creat, const char __user *, pathname, umode_t, mode)
{
	return sys_openat(AT_FDCWD, pathname, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

SYSCALL_DEFINE2(truncate, const char __user *, path, long, length)
{
	struct filename *name = getname(path);
	long ret;

	if (IS_ERR(name))
		return PTR_ERR(name);
	ret = ksys_truncate(name->name, length);
	putname(name);
	return ret;
}

SYSCALL_DEFINE2(ftruncate, unsigned int, fd, long, length)
{
	return ksys_ftruncate(fd, length);
}

SYSCALL_DEFINE3(fchmodat, int, dfd, const char __user *, filename, umode_t, mode)
{
	struct filename *name = getname(filename);
	long ret;

	if (IS_ERR(name))
		return PTR_ERR(name);
	ret = ksys_fchmodat(dfd, name->name, mode);
	putname(name);
	return ret;
}

SYSCALL_DEFINE2(chmod, const char __user *, filename, umode_t, mode)
{
	return sys_fchmodat(AT_FDCWD, filename, mode);
}

SYSCALL_DEFINE2(fchmod, unsigned int, fd, umode_t, mode)
{
	return ksys_fchmod(fd, mode);
}

SYSCALL_DEFINE5(fchownat, int, dfd, const char __user *, filename, uid_t, user, gid_t, group,
		int, flag)
{
	struct filename *name = getname_flags(filename, (flag & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0);
	long ret;

	if (IS_ERR(name))
		return PTR_ERR(name);
	ret = ksys_fchownat(dfd, name->name, user, group, flag);
	putname(name);
	return ret;
}

SYSCALL_DEFINE3(chown, const char __user *, filename, uid_t, user, gid_t, group)
{
	return sys_fchownat(AT_FDCWD, filename, user, group, 0);
}

SYSCALL_DEFINE3(lchown, const char __user *, filename, uid_t, user, gid_t, group)
{
	return sys_fchownat(AT_FDCWD, filename, user, group, AT_SYMLINK_NOFOLLOW);
}

SYSCALL_DEFINE3(fchown, unsigned int, fd, uid_t, user, gid_t, group)
{
	return ksys_fchown(fd, user, group);
}

SYSCALL_DEFINE4(faccessat2, int, dfd, const char __user *, filename, int, mode, int, flags)
{
	struct filename *name = getname_flags(filename, (flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0);
	long ret;

	if (IS_ERR(name))
		return PTR_ERR(name);
	ret = do_faccessat(dfd, name->name, mode, flags);
	putname(name);
	return ret;
}

SYSCALL_DEFINE3(faccessat, int, dfd, const char __user *, filename, int, mode)
{
	return sys_faccessat2(dfd, filename, mode, 0);
}

SYSCALL_DEFINE2(access, const char __user *, filename, int, mode)
{
	return sys_faccessat2(AT_FDCWD, filename, mode, 0);
}

/* Kernel-side times for utimensat: NULL (both "now") or two checked timespecs. */
static long utimes_at(int dfd, const char __user *filename, const struct timespec64 *times,
		      int flags)
{
	struct filename *name;
	long ret;

	if (!filename)	/* futimens(fd, times): the descriptor itself */
		return ksys_utimensat(dfd, NULL, times, flags);
	name = getname_flags(filename, (flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0);
	if (IS_ERR(name))
		return PTR_ERR(name);
	if ((flags & AT_EMPTY_PATH) && !name->name[0])
		ret = ksys_utimensat(dfd, NULL, times, flags & ~AT_EMPTY_PATH);
	else
		ret = ksys_utimensat(dfd, name->name, times, flags & ~AT_EMPTY_PATH);
	putname(name);
	return ret;
}

/* struct timespec as x86_64 user space lays it out: two 64-bit words. */
struct user_timespec {
	s64 tv_sec;
	s64 tv_nsec;
};

struct user_timeval {
	s64 tv_sec;
	s64 tv_usec;
};

SYSCALL_DEFINE4(utimensat, int, dfd, const char __user *, filename,
		const struct user_timespec __user *, utimes, int, flags)
{
	struct user_timespec ut[2];
	struct timespec64 t[2];

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (!utimes)
		return utimes_at(dfd, filename, NULL, flags);
	if (copy_from_user(ut, utimes, sizeof(ut)))
		return -EFAULT;
	t[0].tv_sec = ut[0].tv_sec;
	t[0].tv_nsec = ut[0].tv_nsec;
	t[1].tv_sec = ut[1].tv_sec;
	t[1].tv_nsec = ut[1].tv_nsec;
	return utimes_at(dfd, filename, t, flags);
}

/* futimesat/utimes: microseconds; out of range is EINVAL, as Linux. */
SYSCALL_DEFINE3(futimesat, int, dfd, const char __user *, filename,
		const struct user_timeval __user *, utimes)
{
	struct user_timeval tv[2];
	struct timespec64 t[2];
	int i;

	if (!utimes)
		return utimes_at(dfd, filename, NULL, 0);
	if (copy_from_user(tv, utimes, sizeof(tv)))
		return -EFAULT;
	for (i = 0; i < 2; i++) {
		if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
			return -EINVAL;
		t[i].tv_sec = tv[i].tv_sec;
		t[i].tv_nsec = tv[i].tv_usec * 1000;
	}
	return utimes_at(dfd, filename, t, 0);
}

SYSCALL_DEFINE2(utimes, const char __user *, filename, const struct user_timeval __user *, utimes)
{
	return sys_futimesat(AT_FDCWD, filename, utimes);
}

/*
 * fallocate(2), as Linux's vfs_fallocate: the checks every file system
 * would repeat, then ->fallocate. The modes Kestrel's file systems know
 * are 0 and PUNCH_HOLE|KEEP_SIZE (tmpfs); the others are EOPNOTSUPP.
 */
long vfs_fallocate(struct file *file, int mode, loff_t offset, loff_t len)
{
	struct inode *inode = file_inode(file);
	loff_t end;

	if (offset < 0 || len <= 0)
		return -EINVAL;
	if (mode & ~FALLOC_FL_SUPPORTED_MASK)
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	if ((mode & ~FALLOC_FL_KEEP_SIZE) && (inode->i_flags & S_APPEND))
		return -EPERM;
	if (inode->i_flags & S_IMMUTABLE)
		return -EPERM;
	if (S_ISFIFO(inode->i_mode))
		return -ESPIPE;
	if (S_ISDIR(inode->i_mode))
		return -EISDIR;
	if (!S_ISREG(inode->i_mode) && !S_ISBLK(inode->i_mode))
		return -ENODEV;
	if (__builtin_add_overflow(offset, len, &end) || end > inode->i_sb->s_maxbytes)
		return -EFBIG;
	if (!file->f_op->fallocate)
		return -EOPNOTSUPP;
	return vfs_call_fallocate(file, mode, offset, len);
}

SYSCALL_DEFINE4(fallocate, int, fd, int, mode, loff_t, offset, loff_t, len)
{
	struct file *f = fget(fd);
	long err;

	if (!f)
		return -EBADF;
	err = vfs_fallocate(f, mode, offset, len);
	fput(f);
	return err;
}

#define POSIX_FADV_NORMAL 0
#define POSIX_FADV_DONTNEED 4
#define POSIX_FADV_NOREUSE 5

/*
 * fadvise64: the hints are accepted (advice only: nothing to change for
 * in-memory files); bad descriptors, pipes and unknown advice are
 * rejected as Linux does.
 */
SYSCALL_DEFINE4(fadvise64, int, fd, loff_t, offset, size_t, len, int, advice)
{
	struct file *f = fget(fd);
	long err = 0;

	(void)offset;
	(void)len;
	if (!f)
		return -EBADF;
	if (S_ISFIFO(file_inode(f)->i_mode))
		err = -ESPIPE;
	else if (advice < POSIX_FADV_NORMAL || advice > POSIX_FADV_NOREUSE)
		err = -EINVAL;
	fput(f);
	return err;
}
