/*
 * getdents64: ->iterate_shared fills the caller's buffer through
 * filldir64, with the directory's i_rwsem shared and the file's
 * f_pos_lock held (the spec's rule for ->iterate_shared).
 */
#include <kestrel/contract/file.h>
#include <kestrel/dcache.h>
#include <kestrel/fdtable.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/uaccess.h>
#include <asm/page.h>
#include "internal.h"

int iterate_dir(struct file *file, struct dir_context *ctx)
{
	struct inode *inode = file_inode(file);
	int res = -ENOTDIR;

	if (!file->f_op->iterate_shared)
		return res;
	inode_lock_shared(inode);
	res = -ENOENT;
	if (!IS_DEADDIR(inode)) {
		ctx->pos = file->f_pos;
		res = vfs_call_iterate_shared(file, ctx);
		file->f_pos = ctx->pos;
	}
	inode_unlock_shared(inode);
	return res;
}

struct getdents_callback64 {
	struct dir_context ctx;
	struct linux_dirent64 *current_dir;
	struct linux_dirent64 *prev;
	int count;	/* bytes left in the buffer */
	int error;
};

static bool filldir64(struct dir_context *ctx, const char *name, int namlen, loff_t offset,
		      u64 ino, unsigned int d_type)
{
	struct getdents_callback64 *buf = container_of(ctx, struct getdents_callback64, ctx);
	int reclen = ALIGN(offsetof(struct linux_dirent64, d_name) + namlen + 1, 8);
	struct linux_dirent64 *d;

	if (namlen <= 0 || namlen > NAME_MAX || memchr(name, '/', namlen)) {
		buf->error = -EIO;	/* a file system handed out an impossible name */
		return false;
	}
	if (reclen > buf->count) {
		buf->error = -EINVAL;	/* only matters if nothing fit at all */
		return false;
	}
	if (buf->prev)
		buf->prev->d_off = offset;
	d = buf->current_dir;
	d->d_ino = ino;
	d->d_off = 0;
	d->d_reclen = reclen;
	d->d_type = d_type;
	memcpy(d->d_name, name, namlen);
	d->d_name[namlen] = 0;
	buf->prev = d;
	buf->current_dir = (struct linux_dirent64 *)((char *)d + reclen);
	buf->count -= reclen;
	return true;
}

/* getdents64 into a kernel buffer on f, whose f_pos_lock the caller holds. */
static long getdents64_locked(struct file *f, struct linux_dirent64 *dirent, unsigned int count)
{
	struct getdents_callback64 buf = {
		.ctx.actor = filldir64,
		.current_dir = dirent,
		.prev = NULL,
		.count = count,
		.error = 0,
	};
	int err = iterate_dir(f, &buf.ctx);

	if (err >= 0)
		err = buf.error;
	if (buf.prev) {
		buf.prev->d_off = buf.ctx.pos;
		err = count - buf.count;
	}
	return err;
}

long ksys_getdents64(unsigned int fd, struct linux_dirent64 *dirent, unsigned int count)
{
	struct file *f = fget(fd);
	long err;

	if (!f)
		return -EBADF;
	mutex_lock(&f->f_pos_lock);
	err = getdents64_locked(f, dirent, count);
	mutex_unlock(&f->f_pos_lock);
	fput(f);
	return err;
}

/* ================================================================ system calls */

/*
 * The entries are built in a kernel buffer (the file system's actor runs
 * under i_rwsem, where a user fault must not happen) and copied out
 * whole. A caller's buffer larger than GETDENTS_BUF_MAX simply gets at
 * most that many bytes of entries per call, as getdents allows.
 */
#define GETDENTS_BUF_MAX (64 * 1024)

static void dirent64_to_old(char *buf, long len);

/*
 * Fill a kernel buffer of up to GETDENTS_BUF_MAX bytes, convert it
 * (getdents: to the old records), copy it out. A fault copying out puts
 * the directory position back, so the entries are not lost (Linux stops
 * at the entry whose copy faulted).
 */
static long getdents_user(unsigned int fd, void __user *dirent, unsigned int count, bool old)
{
	unsigned int len = count < GETDENTS_BUF_MAX ? count : GETDENTS_BUF_MAX;
	char *kbuf;
	struct file *f;
	loff_t pos;
	long ret;

	if (!access_ok(dirent, count))
		return -EFAULT;
	f = fget(fd);
	if (!f)
		return -EBADF;
	kbuf = kmalloc(len ? len : 1, GFP_KERNEL | __GFP_NOWARN);
	if (!kbuf && len > PAGE_SIZE) {	/* fragmented memory: fewer entries per call */
		len = PAGE_SIZE;
		kbuf = kmalloc(len, GFP_KERNEL);
	}
	if (!kbuf) {
		fput(f);
		return -ENOMEM;
	}
	mutex_lock(&f->f_pos_lock);
	pos = f->f_pos;
	ret = getdents64_locked(f, (struct linux_dirent64 *)kbuf, len);
	if (ret > 0 && old)
		dirent64_to_old(kbuf, ret);
	if (ret > 0 && copy_to_user(dirent, kbuf, ret)) {
		f->f_pos = pos;
		ret = -EFAULT;
	}
	mutex_unlock(&f->f_pos_lock);
	kfree(kbuf);
	fput(f);
	return ret;
}

SYSCALL_DEFINE3(getdents64, unsigned int, fd, struct linux_dirent64 __user *, dirent,
		unsigned int, count)
{
	return getdents_user(fd, dirent, count, false);
}

/*
 * The old getdents record: d_ino, d_off, d_reclen, the name, and d_type
 * in the record's last byte. It is exactly as long as the dirent64
 * record of the same name, so one is rewritten into the other in place.
 */
struct linux_dirent {
	unsigned long d_ino;
	unsigned long d_off;
	unsigned short d_reclen;
	char d_name[];
};

static void dirent64_to_old(char *buf, long len)
{
	long off = 0;

	while (off < len) {
		struct linux_dirent64 d64;
		struct linux_dirent *d = (struct linux_dirent *)(buf + off);
		size_t namelen;

		memcpy(&d64, buf + off, offsetof(struct linux_dirent64, d_name));
		namelen = strlen(buf + off + offsetof(struct linux_dirent64, d_name));
		memmove(d->d_name, buf + off + offsetof(struct linux_dirent64, d_name), namelen + 1);
		d->d_ino = d64.d_ino;
		d->d_off = d64.d_off;
		d->d_reclen = d64.d_reclen;
		buf[off + d64.d_reclen - 1] = d64.d_type;
		off += d64.d_reclen;
	}
}

SYSCALL_DEFINE3(getdents, unsigned int, fd, struct linux_dirent __user *, dirent,
		unsigned int, count)
{
	return getdents_user(fd, dirent, count, true);
}
