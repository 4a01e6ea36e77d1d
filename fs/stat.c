/*
 * stat, lstat, fstat, fstatat, statx: ->getattr (or generic_fillattr)
 * fills a struct kstat, copied out in the caller's layout. No inode lock
 * (the spec: getattr without i_rwsem); a size or time read may race a
 * change and see either value.
 */
#include <kestrel/contract/inode.h>
#include <kestrel/dcache.h>
#include <kestrel/fdtable.h>
#include <kestrel/mount.h>
#include <kestrel/namei.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/uaccess.h>
#include "internal.h"

void generic_fillattr(u32 request_mask, struct inode *inode, struct kstat *stat)
{
	stat->dev = inode->i_sb->s_dev;
	stat->ino = inode->i_ino;
	stat->mode = inode->i_mode;
	stat->nlink = READ_ONCE(inode->i_nlink);
	stat->uid = inode->i_uid;
	stat->gid = inode->i_gid;
	stat->rdev = inode->i_rdev;
	stat->size = i_size_read(inode);
	stat->atime = inode->i_atime;
	stat->mtime = inode->i_mtime;
	stat->ctime = inode->i_ctime;
	stat->blksize = 1U << inode->i_blkbits;
	stat->blocks = inode->i_blocks;
	stat->result_mask |= STATX_BASIC_STATS;
}

int vfs_getattr(const struct path *path, struct kstat *stat, u32 request_mask,
		unsigned int query_flags)
{
	struct inode *inode = d_inode(path->dentry);

	memset(stat, 0, sizeof(*stat));
	if (inode->i_op && inode->i_op->getattr)
		return vfs_call_getattr(path, stat, request_mask, query_flags);
	generic_fillattr(request_mask, inode, stat);
	return 0;
}

int vfs_fstatat(int dfd, const char *filename, struct kstat *stat, int flags)
{
	struct path path;
	int err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((flags & AT_EMPTY_PATH) && filename && !*filename) {
		struct file *f = fget(dfd);

		if (!f)
			return -EBADF;
		err = vfs_getattr(&f->f_path, stat, STATX_BASIC_STATS, 0);
		fput(f);
		return err;
	}
	err = user_path_at(dfd, filename, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &path);
	if (err)
		return err;
	err = vfs_getattr(&path, stat, STATX_BASIC_STATS, 0);
	path_put(&path);
	return err;
}

static void cp_new_stat(const struct kstat *stat, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = stat->dev;
	st->st_ino = stat->ino;
	st->st_nlink = stat->nlink;
	st->st_mode = stat->mode;
	st->st_uid = stat->uid;
	st->st_gid = stat->gid;
	st->st_rdev = stat->rdev;
	st->st_size = stat->size;
	st->st_blksize = stat->blksize;
	st->st_blocks = stat->blocks;
	st->st_atime = stat->atime.tv_sec;
	st->st_atime_nsec = stat->atime.tv_nsec;
	st->st_mtime = stat->mtime.tv_sec;
	st->st_mtime_nsec = stat->mtime.tv_nsec;
	st->st_ctime = stat->ctime.tv_sec;
	st->st_ctime_nsec = stat->ctime.tv_nsec;
}

long ksys_newfstatat(int dfd, const char *filename, struct stat *statbuf, int flag)
{
	struct kstat stat;
	int err = vfs_fstatat(dfd, filename, &stat, flag);

	if (!err)
		cp_new_stat(&stat, statbuf);
	return err;
}

long ksys_stat(const char *filename, struct stat *statbuf)
{
	return ksys_newfstatat(AT_FDCWD, filename, statbuf, 0);
}

long ksys_lstat(const char *filename, struct stat *statbuf)
{
	return ksys_newfstatat(AT_FDCWD, filename, statbuf, AT_SYMLINK_NOFOLLOW);
}

long ksys_fstat(unsigned int fd, struct stat *statbuf)
{
	struct file *f = fget(fd);
	struct kstat stat;
	int err;

	if (!f)
		return -EBADF;
	err = vfs_getattr(&f->f_path, &stat, STATX_BASIC_STATS, 0);
	fput(f);
	if (!err)
		cp_new_stat(&stat, statbuf);
	return err;
}

static struct statx_timestamp ts_to_statx(struct timespec64 ts)
{
	struct statx_timestamp s = { .tv_sec = ts.tv_sec, .tv_nsec = (u32)ts.tv_nsec };

	return s;
}

long ksys_statx(int dfd, const char *filename, unsigned flags, unsigned int mask,
		struct statx *buffer)
{
	struct kstat stat;
	int err;

	if (mask & 0x80000000U)	/* STATX__RESERVED */
		return -EINVAL;
	err = vfs_fstatat(dfd, filename, &stat, flags & (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH));
	if (err)
		return err;
	memset(buffer, 0, sizeof(*buffer));
	buffer->stx_mask = stat.result_mask;
	buffer->stx_blksize = stat.blksize;
	buffer->stx_nlink = stat.nlink;
	buffer->stx_uid = stat.uid;
	buffer->stx_gid = stat.gid;
	buffer->stx_mode = stat.mode;
	buffer->stx_ino = stat.ino;
	buffer->stx_size = stat.size;
	buffer->stx_blocks = stat.blocks;
	buffer->stx_atime = ts_to_statx(stat.atime);
	buffer->stx_mtime = ts_to_statx(stat.mtime);
	buffer->stx_ctime = ts_to_statx(stat.ctime);
	buffer->stx_btime = ts_to_statx(stat.btime);
	buffer->stx_rdev_major = MAJOR(stat.rdev);
	buffer->stx_rdev_minor = MINOR(stat.rdev);
	buffer->stx_dev_major = MAJOR(stat.dev);
	buffer->stx_dev_minor = MINOR(stat.dev);
	return 0;
}

/* ---------------------------------------------------------------- statfs */

long ksys_statfs(const char *pathname, struct kstatfs *buf)
{
	struct path path;
	int err = kern_path(pathname, LOOKUP_FOLLOW, &path);

	if (err)
		return err;
	err = vfs_statfs(&path, buf);
	path_put(&path);
	return err;
}

long ksys_fstatfs(unsigned int fd, struct kstatfs *buf)
{
	struct file *f = fget(fd);
	int err;

	if (!f)
		return -EBADF;
	err = vfs_statfs(&f->f_path, buf);
	fput(f);
	return err;
}

/* ================================================================ system calls */

/*
 * Device numbers as user space encodes them (glibc/musl major()/minor()):
 * 12 bits of major, 20 of minor, split around the major as Linux's
 * new_encode_dev. Kestrel's dev_t is the kernel's MKDEV form.
 */
u32 new_encode_dev(dev_t dev)
{
	unsigned int major = MAJOR(dev), minor = MINOR(dev);

	return (minor & 0xff) | (major << 8) | ((minor & ~0xffU) << 12);
}

dev_t new_decode_dev(u32 dev)
{
	unsigned int major = (dev & 0xfff00) >> 8;
	unsigned int minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);

	return MKDEV(major, minor);
}

static long copy_stat_to_user(struct stat *st, struct stat __user *statbuf)
{
	st->st_dev = new_encode_dev(st->st_dev);
	st->st_rdev = new_encode_dev(st->st_rdev);
	return copy_to_user(statbuf, st, sizeof(*st)) ? -EFAULT : 0;
}

SYSCALL_DEFINE4(newfstatat, int, dfd, const char __user *, filename, struct stat __user *, statbuf,
		int, flag)
{
	struct filename *name = getname_flags(filename, (flag & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0);
	struct stat st;
	long ret;

	if (IS_ERR(name))
		return PTR_ERR(name);
	ret = ksys_newfstatat(dfd, name->name, &st, flag);
	putname(name);
	return ret ? ret : copy_stat_to_user(&st, statbuf);
}

SYSCALL_DEFINE2(stat, const char __user *, filename, struct stat __user *, statbuf)
{
	return sys_newfstatat(AT_FDCWD, filename, statbuf, 0);
}

SYSCALL_DEFINE2(lstat, const char __user *, filename, struct stat __user *, statbuf)
{
	return sys_newfstatat(AT_FDCWD, filename, statbuf, AT_SYMLINK_NOFOLLOW);
}

SYSCALL_DEFINE2(fstat, unsigned int, fd, struct stat __user *, statbuf)
{
	struct stat st;
	long ret = ksys_fstat(fd, &st);

	return ret ? ret : copy_stat_to_user(&st, statbuf);
}

#define AT_STATX_SYNC_TYPE 0x6000	/* AT_STATX_{SYNC_AS_STAT,FORCE_SYNC,DONT_SYNC}: all the same here */
#define AT_NO_AUTOMOUNT 0x800		/* no automounts in Kestrel: accepted */

SYSCALL_DEFINE5(statx, int, dfd, const char __user *, filename, unsigned int, flags,
		unsigned int, mask, struct statx __user *, buffer)
{
	struct filename *name;
	struct statx stx;
	long ret;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return -EINVAL;
	name = getname_flags(filename, (flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0);
	if (IS_ERR(name))
		return PTR_ERR(name);
	ret = ksys_statx(dfd, name->name, flags & (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH), mask, &stx);
	putname(name);
	if (ret)
		return ret;
	{
		dev_t rdev = MKDEV(stx.stx_rdev_major, stx.stx_rdev_minor);
		dev_t dev = MKDEV(stx.stx_dev_major, stx.stx_dev_minor);
		u32 r = new_encode_dev(rdev), d = new_encode_dev(dev);

		/* user space's major()/minor() of the encoded numbers, as Linux reports them */
		stx.stx_rdev_major = (r & 0xfff00) >> 8;
		stx.stx_rdev_minor = (r & 0xff) | ((r >> 12) & 0xfff00);
		stx.stx_dev_major = (d & 0xfff00) >> 8;
		stx.stx_dev_minor = (d & 0xff) | ((d >> 12) & 0xfff00);
	}
	return copy_to_user(buffer, &stx, sizeof(stx)) ? -EFAULT : 0;
}

/* struct statfs as x86_64 user space lays it out (120 bytes). */
struct user_statfs {
	long f_type;
	long f_bsize;
	u64 f_blocks;
	u64 f_bfree;
	u64 f_bavail;
	u64 f_files;
	u64 f_ffree;
	int f_fsid[2];
	long f_namelen;
	long f_frsize;
	long f_flags;
	long f_spare[4];
};

static long copy_statfs_to_user(const struct kstatfs *k, struct user_statfs __user *ubuf)
{
	struct user_statfs u;

	memset(&u, 0, sizeof(u));
	u.f_type = k->f_type;
	u.f_bsize = k->f_bsize;
	u.f_blocks = k->f_blocks;
	u.f_bfree = k->f_bfree;
	u.f_bavail = k->f_bavail;
	u.f_files = k->f_files;
	u.f_ffree = k->f_ffree;
	u.f_fsid[0] = (int)(u32)k->f_fsid;
	u.f_fsid[1] = (int)(u32)(k->f_fsid >> 32);
	u.f_namelen = k->f_namelen;
	u.f_frsize = k->f_frsize ? k->f_frsize : k->f_bsize;
	u.f_flags = k->f_flags;
	return copy_to_user(ubuf, &u, sizeof(u)) ? -EFAULT : 0;
}

SYSCALL_DEFINE2(statfs, const char __user *, pathname, struct user_statfs __user *, buf)
{
	struct filename *name = getname(pathname);
	struct kstatfs st;
	long ret;

	if (IS_ERR(name))
		return PTR_ERR(name);
	ret = ksys_statfs(name->name, &st);
	putname(name);
	return ret ? ret : copy_statfs_to_user(&st, buf);
}

SYSCALL_DEFINE2(fstatfs, unsigned int, fd, struct user_statfs __user *, buf)
{
	struct kstatfs st;
	long ret = ksys_fstatfs(fd, &st);

	return ret ? ret : copy_statfs_to_user(&st, buf);
}

SYSCALL_DEFINE4(readlinkat, int, dfd, const char __user *, pathname, char __user *, buf,
		int, bufsiz)
{
	struct filename *name;
	char *kbuf;
	long ret;

	if (bufsiz <= 0)
		return -EINVAL;
	if (bufsiz > PATH_MAX)
		bufsiz = PATH_MAX;	/* no link body is longer */
	name = getname_flags(pathname, LOOKUP_EMPTY);
	if (IS_ERR(name))
		return PTR_ERR(name);
	kbuf = kmalloc(bufsiz, GFP_KERNEL);
	ret = kbuf ? ksys_readlinkat(dfd, name->name, kbuf, bufsiz) : -ENOMEM;
	putname(name);
	if (ret > 0 && copy_to_user(buf, kbuf, ret))
		ret = -EFAULT;
	kfree(kbuf);
	return ret;
}

SYSCALL_DEFINE3(readlink, const char __user *, path, char __user *, buf, int, bufsiz)
{
	return sys_readlinkat(AT_FDCWD, path, buf, bufsiz);
}
