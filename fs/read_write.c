/*
 * read, write, pread, pwrite, readv, writev, lseek, fsync, fdatasync,
 * syncfs.
 *
 * The file position of a shared regular file or directory is updated
 * under f_pos_lock (FMODE_ATOMIC_POS): two tasks reading one descriptor
 * get different bytes. pread/pwrite never touch f_pos. The byte moving
 * is ->read_iter/->write_iter (or ->read/->write) of the file, called
 * through <kestrel/contract/file.h>; page-cache files use the page
 * cache's generic_file_read_iter/generic_file_write_iter.
 */
#include <kestrel/blkdev.h>
#include <kestrel/contract/file.h>
#include <kestrel/dcache.h>
#include <kestrel/fdtable.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/uaccess.h>
#include <asm/page.h>
#include "internal.h"

#define MAX_RW_COUNT (0x7ffff000L)	/* as Linux: INT_MAX rounded down to a page */

void init_sync_kiocb(struct kiocb *kiocb, struct file *filp)
{
	kiocb->ki_filp = filp;
	kiocb->ki_pos = 0;
	kiocb->ki_flags = 0;
	if (filp->f_flags & O_APPEND)
		kiocb->ki_flags |= IOCB_APPEND;
	if (filp->f_flags & O_DSYNC)
		kiocb->ki_flags |= IOCB_DSYNC;
	kiocb->private = NULL;
}

/* Through ->read_iter/->write_iter, or ->read/->write per segment. */
static ssize_t do_iter_rw(struct file *file, struct iov_iter *iter, loff_t *pos, bool write)
{
	ssize_t ret = 0;

	if (write ? file->f_op->write_iter : file->f_op->read_iter) {
		struct kiocb kiocb;

		init_sync_kiocb(&kiocb, file);
		kiocb.ki_pos = pos ? *pos : 0;
		ret = write ? vfs_call_write_iter(file, &kiocb, iter)
			    : vfs_call_read_iter(file, &kiocb, iter);
		if (ret > 0 && pos)
			*pos = kiocb.ki_pos;
		return ret;
	}
	while (iov_iter_count(iter)) {
		const struct kvec *seg = iter->kvec;
		char *base = (char *)seg->iov_base + iter->iov_offset;
		size_t len = seg->iov_len - iter->iov_offset;
		ssize_t n;

		if (len > iov_iter_count(iter))
			len = iov_iter_count(iter);
		n = write ? vfs_call_write(file, base, len, pos) : vfs_call_read(file, base, len, pos);
		if (n < 0) {
			if (!ret)
				ret = n;
			break;
		}
		ret += n;
		iov_iter_advance(iter, n);
		if ((size_t)n < len)
			break;
	}
	return ret;
}

static int rw_verify(struct file *file, bool write, loff_t *pos, size_t count)
{
	if (!(file->f_mode & (write ? FMODE_WRITE : FMODE_READ)))
		return -EBADF;
	if (!(file->f_mode & (write ? FMODE_CAN_WRITE : FMODE_CAN_READ)))
		return -EINVAL;
	if (pos && *pos < 0 && S_ISREG(file_inode(file)->i_mode))
		return -EINVAL;
	return 0;
}

ssize_t vfs_read(struct file *file, char *buf, size_t count, loff_t *pos)
{
	struct kvec kv = { .iov_base = buf, .iov_len = count };
	struct iov_iter iter;
	int err = rw_verify(file, false, pos, count);

	if (err)
		return err;
	if (count > MAX_RW_COUNT)
		count = kv.iov_len = MAX_RW_COUNT;
	if (file->f_op->read)
		return vfs_call_read(file, buf, count, pos);
	iov_iter_kvec(&iter, ITER_DEST, &kv, 1, count);
	return do_iter_rw(file, &iter, pos, false);
}

ssize_t vfs_write(struct file *file, const char *buf, size_t count, loff_t *pos)
{
	struct kvec kv = { .iov_base = (void *)buf, .iov_len = count };
	struct iov_iter iter;
	int err = rw_verify(file, true, pos, count);

	if (err)
		return err;
	if (count > MAX_RW_COUNT)
		count = kv.iov_len = MAX_RW_COUNT;
	if (file->f_op->write)
		return vfs_call_write(file, buf, count, pos);
	iov_iter_kvec(&iter, ITER_SOURCE, &kv, 1, count);
	return do_iter_rw(file, &iter, pos, true);
}

ssize_t vfs_iter_read(struct file *file, struct iov_iter *iter, loff_t *ppos, int flags)
{
	int err = rw_verify(file, false, ppos, iov_iter_count(iter));

	return err ? err : do_iter_rw(file, iter, ppos, false);
}

ssize_t vfs_iter_write(struct file *file, struct iov_iter *iter, loff_t *ppos, int flags)
{
	int err = rw_verify(file, true, ppos, iov_iter_count(iter));

	return err ? err : do_iter_rw(file, iter, ppos, true);
}

ssize_t kernel_read(struct file *file, void *buf, size_t count, loff_t *pos)
{
	return vfs_read(file, buf, count, pos);
}

ssize_t kernel_write(struct file *file, const void *buf, size_t count, loff_t *pos)
{
	return vfs_write(file, buf, count, pos);
}

/* fdget_pos(): the file of fd with f_pos_lock held if its position is shared. */
static struct file *fdget_pos(unsigned int fd)
{
	struct file *f = fget(fd);

	if (f && (f->f_mode & FMODE_ATOMIC_POS))
		mutex_lock(&f->f_pos_lock);
	return f;
}

static void fdput_pos(struct file *f)
{
	if (f->f_mode & FMODE_ATOMIC_POS)
		mutex_unlock(&f->f_pos_lock);
	fput(f);
}

/* Streams (no FMODE_LSEEK) have no position: NULL, as Linux's file_ppos. */
static loff_t *file_ppos(struct file *f, loff_t *pos)
{
	*pos = f->f_pos;
	return (f->f_mode & FMODE_LSEEK) ? pos : NULL;
}

ssize_t ksys_read(unsigned int fd, char *buf, size_t count)
{
	struct file *f = fdget_pos(fd);
	loff_t pos, *ppos;
	ssize_t ret;

	if (!f)
		return -EBADF;
	ppos = file_ppos(f, &pos);
	ret = vfs_read(f, buf, count, ppos);
	if (ret >= 0 && ppos)
		f->f_pos = pos;
	fdput_pos(f);
	return ret;
}

ssize_t ksys_write(unsigned int fd, const char *buf, size_t count)
{
	struct file *f = fdget_pos(fd);
	loff_t pos, *ppos;
	ssize_t ret;

	if (!f)
		return -EBADF;
	ppos = file_ppos(f, &pos);
	ret = vfs_write(f, buf, count, ppos);
	if (ret >= 0 && ppos)
		f->f_pos = pos;
	fdput_pos(f);
	return ret;
}

ssize_t ksys_pread64(unsigned int fd, char *buf, size_t count, loff_t pos)
{
	struct file *f;
	ssize_t ret;

	if (pos < 0)
		return -EINVAL;
	f = fget(fd);
	if (!f)
		return -EBADF;
	ret = (f->f_mode & FMODE_PREAD) ? vfs_read(f, buf, count, &pos) : -ESPIPE;
	fput(f);
	return ret;
}

ssize_t ksys_pwrite64(unsigned int fd, const char *buf, size_t count, loff_t pos)
{
	struct file *f;
	ssize_t ret;

	if (pos < 0)
		return -EINVAL;
	f = fget(fd);
	if (!f)
		return -EBADF;
	ret = (f->f_mode & FMODE_PWRITE) ? vfs_write(f, buf, count, &pos) : -ESPIPE;
	fput(f);
	return ret;
}

static ssize_t do_readv_writev(unsigned long fd, const struct iovec *vec, unsigned long vlen,
			       bool write)
{
	struct kvec *kv;
	struct iov_iter iter;
	struct file *f;
	size_t total = 0;
	unsigned long i;
	loff_t pos, *ppos;
	ssize_t ret;

	if (vlen > UIO_MAXIOV)
		return -EINVAL;
	kv = kmalloc((vlen ? vlen : 1) * sizeof(*kv), GFP_KERNEL);
	if (!kv)
		return -ENOMEM;
	for (i = 0; i < vlen; i++) {
		if (vec[i].iov_len > (size_t)MAX_RW_COUNT - total) {
			kfree(kv);
			return -EINVAL;
		}
		kv[i].iov_base = vec[i].iov_base;
		kv[i].iov_len = vec[i].iov_len;
		total += vec[i].iov_len;
	}
	f = fdget_pos(fd);
	if (!f) {
		kfree(kv);
		return -EBADF;
	}
	iov_iter_kvec(&iter, write ? ITER_SOURCE : ITER_DEST, kv, vlen, total);
	ppos = file_ppos(f, &pos);
	ret = write ? vfs_iter_write(f, &iter, ppos, 0) : vfs_iter_read(f, &iter, ppos, 0);
	if (ret >= 0 && ppos)
		f->f_pos = pos;
	fdput_pos(f);
	kfree(kv);
	return ret;
}

ssize_t ksys_readv(unsigned long fd, const struct iovec *vec, unsigned long vlen)
{
	return do_readv_writev(fd, vec, vlen, false);
}

ssize_t ksys_writev(unsigned long fd, const struct iovec *vec, unsigned long vlen)
{
	return do_readv_writev(fd, vec, vlen, true);
}

/* ---------------------------------------------------------------- lseek */

/*
 * SEEK_DATA/SEEK_HOLE treat the whole file as data (no file system here
 * tracks holes): data is at offset itself, the only hole is at eof.
 * Offsets past eof have neither: ENXIO, as Linux.
 */
loff_t generic_file_llseek_size(struct file *file, loff_t offset, int whence, loff_t maxsize,
				loff_t eof)
{
	switch (whence) {
	case SEEK_SET:
		break;
	case SEEK_CUR:
		if (offset == 0)
			return file->f_pos;
		if (__builtin_add_overflow(offset, file->f_pos, &offset))
			return -EINVAL;
		break;
	case SEEK_END:
		if (__builtin_add_overflow(offset, eof, &offset))
			return -EINVAL;
		break;
	case SEEK_DATA:
		if (offset < 0 || offset >= eof)
			return -ENXIO;
		break;
	case SEEK_HOLE:
		if (offset < 0 || offset >= eof)
			return -ENXIO;
		offset = eof;
		break;
	default:
		return -EINVAL;
	}
	if (offset < 0 || offset > maxsize)
		return -EINVAL;
	if (offset != file->f_pos) {
		file->f_pos = offset;
		file->f_version = 0;
	}
	return offset;
}

loff_t generic_file_llseek(struct file *file, loff_t offset, int whence)
{
	struct inode *inode = file_inode(file);

	return generic_file_llseek_size(file, offset, whence, inode->i_sb->s_maxbytes,
					i_size_read(inode));
}

loff_t default_llseek(struct file *file, loff_t offset, int whence)
{
	return generic_file_llseek(file, offset, whence);
}

loff_t noop_llseek(struct file *file, loff_t offset, int whence)
{
	return file->f_pos;
}

loff_t vfs_llseek(struct file *file, loff_t offset, int whence)
{
	if (!(file->f_mode & FMODE_LSEEK))
		return -ESPIPE;
	if (file->f_op->llseek)
		return vfs_call_llseek(file, offset, whence);
	return default_llseek(file, offset, whence);
}

loff_t ksys_lseek(unsigned int fd, loff_t offset, unsigned int whence)
{
	struct file *f;
	loff_t res;

	if (whence > SEEK_MAX)
		return -EINVAL;
	f = fdget_pos(fd);
	if (!f)
		return -EBADF;
	res = vfs_llseek(f, offset, whence);
	fdput_pos(f);
	return res;
}

/* ---------------------------------------------------------------- fsync */

int vfs_fsync_range(struct file *file, loff_t start, loff_t end, int datasync)
{
	if (!file->f_op->fsync)
		return -EINVAL;
	return vfs_call_fsync(file, start, end, datasync);
}

int vfs_fsync(struct file *file, int datasync)
{
	return vfs_fsync_range(file, 0, MAX_LFS_FILESIZE, datasync);
}

static long do_fsync(unsigned int fd, int datasync)
{
	struct file *f = fget(fd);
	long err;

	if (!f)
		return -EBADF;
	err = vfs_fsync(f, datasync);
	fput(f);
	return err;
}

long ksys_fsync(unsigned int fd)
{
	return do_fsync(fd, 0);
}

long ksys_fdatasync(unsigned int fd)
{
	return do_fsync(fd, 1);
}

long ksys_syncfs(int fd)
{
	struct file *f = fget(fd);
	struct super_block *sb;
	long err;

	if (!f)
		return -EBADF;
	sb = f->f_path.dentry->d_sb;
	down_read(&sb->s_umount);
	err = sync_filesystem(sb);
	up_read(&sb->s_umount);
	fput(f);
	return err;
}

/* ================================================================ system calls */

/*
 * User bytes travel through a kernel bounce buffer: the syscall copies
 * the user's data in (write) or out (read) with no file-system lock held,
 * and the file's ->read/->write/->read_iter/->write_iter only ever see
 * kernel memory. So a user buffer that is itself a mapping of the file
 * (a page fault taking mmap_lock, then the folio lock) can never nest
 * inside the folio lock or i_rwsem the write path holds, and every
 * driver's ->read/->write keeps taking kernel pointers. A request larger
 * than one buffer is moved in RW_BOUNCE_MAX pieces: on a regular file
 * piece after piece; on a pipe, tty or device a read stops after the
 * first piece (a short read is a normal answer there) while a write goes
 * on until a piece comes back short (a write that blocks may return the
 * bytes written so far).
 */
#define RW_BOUNCE_MAX (64 * 1024)

/*
 * A bounce buffer for a request of total bytes: up to RW_BOUNCE_MAX, or
 * one page when memory is too fragmented for more (the request then just
 * moves in smaller pieces). NULL only if not even a page is free.
 */
static void *rw_bounce_alloc(size_t total, size_t *size)
{
	size_t want = total < RW_BOUNCE_MAX ? total : RW_BOUNCE_MAX;
	void *buf;

	if (want > PAGE_SIZE) {
		buf = kmalloc(want, GFP_KERNEL | __GFP_NOWARN);
		if (buf) {
			*size = want;
			return buf;
		}
		want = PAGE_SIZE;
	}
	*size = want;
	return kmalloc(want ? want : 1, GFP_KERNEL);
}

/* Where the next user byte comes from / goes to, in an array of user segments. */
struct uvec_cursor {
	const struct iovec *iov;	/* kernel copy of the user's iovec array */
	unsigned long nr;		/* segments left */
	size_t off;			/* into iov[0] */
};

/* Copy len bytes between kbuf and the cursor's user segments; returns bytes moved (short on a fault). */
static size_t uvec_copy(struct uvec_cursor *c, char *kbuf, size_t len, bool to_user)
{
	size_t done = 0;

	while (done < len && c->nr) {
		size_t seg = c->iov->iov_len - c->off;
		size_t n = len - done < seg ? len - done : seg;
		char __user *u = (char __user *)c->iov->iov_base + c->off;
		size_t left = to_user ? copy_to_user(u, kbuf + done, n)
				      : copy_from_user(kbuf + done, u, n);

		done += n - left;
		c->off += n - left;
		if (left)
			break;
		if (c->off == c->iov->iov_len) {
			c->iov++;
			c->nr--;
			c->off = 0;
		}
	}
	return done;
}

static bool rw_whole_pieces(struct file *f)
{
	umode_t mode = file_inode(f)->i_mode;

	return S_ISREG(mode) || S_ISBLK(mode);
}

/*
 * Read or write total bytes between f (at *ppos, or the stream) and the
 * user segments. Returns the bytes moved, or an errno when none were.
 */
static ssize_t rw_user(struct file *f, const struct iovec *iov, unsigned long nr, size_t total,
		       loff_t *ppos, bool write)
{
	struct uvec_cursor c = { .iov = iov, .nr = nr, .off = 0 };
	size_t chunk;
	char *kbuf = rw_bounce_alloc(total, &chunk);
	size_t done = 0;
	ssize_t ret = 0;

	if (!kbuf)
		return -ENOMEM;
	if (total == 0)	/* still checks the file: EBADF, EISDIR, EINVAL */
		ret = write ? vfs_write(f, kbuf, 0, ppos) : vfs_read(f, kbuf, 0, ppos);
	while (done < total) {
		size_t len = total - done < chunk ? total - done : chunk;
		size_t moved;

		if (write) {
			moved = uvec_copy(&c, kbuf, len, false);
			if (!moved) {
				ret = -EFAULT;
				break;
			}
			ret = vfs_write(f, kbuf, moved, ppos);
			if (ret <= 0)
				break;
			done += ret;
			if ((size_t)ret < len)	/* a short write, or the user's bytes faulted */
				break;
		} else {
			ret = vfs_read(f, kbuf, len, ppos);
			if (ret <= 0)
				break;
			moved = uvec_copy(&c, kbuf, ret, true);
			if (ppos)	/* bytes that never reached the user were not read */
				*ppos -= ret - moved;
			if (!moved) {
				ret = -EFAULT;
				break;
			}
			done += moved;
			if (moved < len || !rw_whole_pieces(f))
				break;
		}
	}
	kfree(kbuf);
	return done ? (ssize_t)done : ret;
}

/*
 * Copy in and check a user iovec array, as Linux's import_iovec: more
 * than UIO_MAXIOV segments or a negative length is EINVAL; the total is
 * clamped to MAX_RW_COUNT. (Segments outside user space are EFAULT once
 * the descriptor is known good: iov_ok().)
 * Returns the kernel copy (kfree it) or ERR_PTR; *total gets the byte count.
 */
static struct iovec *import_iovec(const struct iovec __user *uvec, unsigned long nr,
				  size_t *total)
{
	struct iovec *iov;
	size_t sum = 0;
	unsigned long i;

	if (nr > UIO_MAXIOV)
		return ERR_PTR(-EINVAL);
	iov = kmalloc((nr ? nr : 1) * sizeof(*iov), GFP_KERNEL);
	if (!iov)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(iov, uvec, nr * sizeof(*iov))) {
		kfree(iov);
		return ERR_PTR(-EFAULT);
	}
	for (i = 0; i < nr; i++) {
		size_t len = iov[i].iov_len;

		if ((ssize_t)len < 0) {
			kfree(iov);
			return ERR_PTR(-EINVAL);
		}
		if (len > MAX_RW_COUNT - sum)
			iov[i].iov_len = len = MAX_RW_COUNT - sum;
		sum += len;
	}
	*total = sum;
	return iov;
}

/*
 * O_DIRECT on a block device: the device's DMA alignment applies to the
 * user's buffer addresses (Linux's rule), and only here, before the
 * bounce, are they seen (block/fops.c checks the position and length).
 */
static int dio_user_ok(struct file *f, const struct iovec *iov, unsigned long nr)
{
	if (!(f->f_flags & O_DIRECT) || !S_ISBLK(file_inode(f)->i_mode))
		return 0;
	return blkdev_dio_check_user(f, iov, nr);
}

static int iov_ok(const struct iovec *iov, unsigned long nr)
{
	unsigned long i;

	for (i = 0; i < nr; i++)
		if (!access_ok((void __user *)iov[i].iov_base, iov[i].iov_len))
			return -EFAULT;
	return 0;
}

/* read/write/readv/writev at the file position (or on a stream). */
static ssize_t rw_fd_pos(unsigned int fd, const struct iovec *iov, unsigned long nr, size_t total,
			 bool write)
{
	struct file *f = fdget_pos(fd);
	loff_t pos, *ppos;
	ssize_t ret;

	if (!f)
		return -EBADF;
	ppos = file_ppos(f, &pos);
	ret = rw_verify(f, write, ppos, total);
	if (!ret)
		ret = iov_ok(iov, nr);
	if (!ret)
		ret = dio_user_ok(f, iov, nr);
	if (!ret)
		ret = rw_user(f, iov, nr, total, ppos, write);
	if (ret >= 0 && ppos)
		f->f_pos = pos;
	fdput_pos(f);
	return ret;
}

/* pread/pwrite/preadv/pwritev at an explicit position; f_pos untouched. */
static ssize_t rw_fd_at(unsigned int fd, const struct iovec *iov, unsigned long nr, size_t total,
			loff_t pos, bool write)
{
	struct file *f;
	ssize_t ret;

	if (pos < 0)
		return -EINVAL;
	f = fget(fd);
	if (!f)
		return -EBADF;
	if (!(f->f_mode & (write ? FMODE_PWRITE : FMODE_PREAD)))
		ret = -ESPIPE;
	else
		ret = rw_verify(f, write, &pos, total);
	if (!ret)
		ret = iov_ok(iov, nr);
	if (!ret)
		ret = dio_user_ok(f, iov, nr);
	if (!ret)
		ret = rw_user(f, iov, nr, total, &pos, write);
	fput(f);
	return ret;
}

static ssize_t rw_fd_buf(unsigned int fd, void __user *buf, size_t count, loff_t *pos, bool write)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = count };

	if (!access_ok(buf, count))	/* the whole request, before clamping, as Linux */
		return -EFAULT;
	if (count > MAX_RW_COUNT)
		iov.iov_len = count = MAX_RW_COUNT;
	return pos ? rw_fd_at(fd, &iov, 1, count, *pos, write) : rw_fd_pos(fd, &iov, 1, count, write);
}

SYSCALL_DEFINE3(read, unsigned int, fd, char __user *, buf, size_t, count)
{
	return rw_fd_buf(fd, buf, count, NULL, false);
}

SYSCALL_DEFINE3(write, unsigned int, fd, const char __user *, buf, size_t, count)
{
	return rw_fd_buf(fd, (void __user *)buf, count, NULL, true);
}

SYSCALL_DEFINE4(pread64, unsigned int, fd, char __user *, buf, size_t, count, loff_t, pos)
{
	return rw_fd_buf(fd, buf, count, &pos, false);
}

SYSCALL_DEFINE4(pwrite64, unsigned int, fd, const char __user *, buf, size_t, count, loff_t, pos)
{
	return rw_fd_buf(fd, (void __user *)buf, count, &pos, true);
}

/* pos == NULL: at the file position (readv/writev; preadv2 with offset -1). */
static ssize_t rw_fd_vec(unsigned long fd, const struct iovec __user *vec, unsigned long vlen,
			 loff_t *pos, bool write)
{
	size_t total = 0;
	struct iovec *iov = import_iovec(vec, vlen, &total);
	ssize_t ret;

	if (IS_ERR(iov))
		return PTR_ERR(iov);
	ret = pos ? rw_fd_at(fd, iov, vlen, total, *pos, write)
		  : rw_fd_pos(fd, iov, vlen, total, write);
	kfree(iov);
	return ret;
}

SYSCALL_DEFINE3(readv, unsigned long, fd, const struct iovec __user *, vec, unsigned long, vlen)
{
	return rw_fd_vec(fd, vec, vlen, NULL, false);
}

SYSCALL_DEFINE3(writev, unsigned long, fd, const struct iovec __user *, vec, unsigned long, vlen)
{
	return rw_fd_vec(fd, vec, vlen, NULL, true);
}

/* x86_64 passes the whole offset in pos_l; pos_h is for 32-bit callers (shifted out, as Linux). */
SYSCALL_DEFINE5(preadv, unsigned long, fd, const struct iovec __user *, vec, unsigned long, vlen,
		unsigned long, pos_l, unsigned long, pos_h)
{
	loff_t pos = (loff_t)pos_l;

	(void)pos_h;
	return rw_fd_vec(fd, vec, vlen, &pos, false);
}

SYSCALL_DEFINE5(pwritev, unsigned long, fd, const struct iovec __user *, vec, unsigned long, vlen,
		unsigned long, pos_l, unsigned long, pos_h)
{
	loff_t pos = (loff_t)pos_l;

	(void)pos_h;
	return rw_fd_vec(fd, vec, vlen, &pos, true);
}

/* preadv2/pwritev2: offset -1 means the file position; no RWF_* flag is supported. */
SYSCALL_DEFINE6(preadv2, unsigned long, fd, const struct iovec __user *, vec, unsigned long, vlen,
		unsigned long, pos_l, unsigned long, pos_h, int, flags)
{
	loff_t pos = (loff_t)pos_l;

	(void)pos_h;
	if (flags)
		return -EOPNOTSUPP;
	return rw_fd_vec(fd, vec, vlen, pos == -1 ? NULL : &pos, false);
}

SYSCALL_DEFINE6(pwritev2, unsigned long, fd, const struct iovec __user *, vec, unsigned long, vlen,
		unsigned long, pos_l, unsigned long, pos_h, int, flags)
{
	loff_t pos = (loff_t)pos_l;

	(void)pos_h;
	if (flags)
		return -EOPNOTSUPP;
	return rw_fd_vec(fd, vec, vlen, pos == -1 ? NULL : &pos, true);
}

SYSCALL_DEFINE3(lseek, unsigned int, fd, loff_t, offset, unsigned int, whence)
{
	return ksys_lseek(fd, offset, whence);
}

SYSCALL_DEFINE1(fsync, unsigned int, fd)
{
	return ksys_fsync(fd);
}

SYSCALL_DEFINE1(fdatasync, unsigned int, fd)
{
	return ksys_fdatasync(fd);
}

SYSCALL_DEFINE1(syncfs, int, fd)
{
	return ksys_syncfs(fd);
}

/*
 * sendfile: in_fd's bytes to out_fd through one kernel buffer, piece by
 * piece until a short read or write. As Linux: the in position is
 * *offset (written back, f_pos untouched) or in's f_pos; out is written
 * at its f_pos; an O_APPEND out is EINVAL. Like Linux, neither
 * f_pos_lock is held (in and out may be the same file).
 */
SYSCALL_DEFINE4(sendfile, int, out_fd, int, in_fd, loff_t __user *, offset, size_t, count)
{
	struct file *in, *out;
	loff_t pos, out_pos;
	size_t done = 0, chunk;
	char *kbuf = NULL;
	ssize_t ret;

	in = fget(in_fd);
	if (!in)
		return -EBADF;
	out = fget(out_fd);
	ret = -EBADF;
	if (!out)
		goto out_in;
	if (!(in->f_mode & FMODE_READ) || !(out->f_mode & FMODE_WRITE))
		goto out_out;
	ret = -EINVAL;
	if (out->f_flags & O_APPEND)
		goto out_out;
	if (offset) {
		ret = -EFAULT;
		if (get_user(pos, offset))
			goto out_out;
		ret = -EINVAL;
		if (pos < 0)
			goto out_out;
		ret = -ESPIPE;
		if (!(in->f_mode & FMODE_PREAD))
			goto out_out;
	} else {
		pos = in->f_pos;
	}
	out_pos = out->f_pos;
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	ret = -ENOMEM;
	kbuf = rw_bounce_alloc(count, &chunk);
	if (!kbuf)
		goto out_out;
	ret = 0;
	while (done < count) {
		size_t len = count - done < chunk ? count - done : chunk;
		loff_t *ip = (in->f_mode & FMODE_LSEEK) || offset ? &pos : NULL;
		loff_t *op = (out->f_mode & FMODE_LSEEK) ? &out_pos : NULL;
		ssize_t n = vfs_read(in, kbuf, len, ip), w;

		if (n <= 0) {
			ret = n;
			break;
		}
		w = vfs_write(out, kbuf, n, op);
		if (w < 0) {
			if (ip)
				pos -= n;
			ret = w;
			break;
		}
		if (w < n && ip)
			pos -= n - w;	/* what was not written was not sent */
		done += w;
		if (w < n || (size_t)n < len)
			break;
	}
	if (out->f_mode & FMODE_LSEEK)
		out->f_pos = out_pos;
	if (offset) {
		if (put_user(pos, offset) && !done)
			ret = -EFAULT;
	} else if (in->f_mode & FMODE_LSEEK) {
		in->f_pos = pos;
	}
	if (done)
		ret = done;
	kfree(kbuf);
out_out:
	fput(out);
out_in:
	fput(in);
	return ret;
}
