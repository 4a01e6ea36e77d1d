/*
 * stat, lstat, fstat, fstatat, statx: ->getattr (or generic_fillattr)
 * fills a struct kstat, copied out in the caller's layout. No inode lock
 * (the spec: getattr without i_rwsem); a size or time read may race a
 * change and see either value.
 */
#include <kestrel/dcache.h>
#include <kestrel/fdtable.h>
#include <kestrel/mount.h>
#include <kestrel/namei.h>
#include <kestrel/string.h>
#include "contract.h"
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
