/*
 * read, write, pread, pwrite, readv, writev, preadv, pwritev, lseek,
 * fsync, fdatasync, syncfs, sendfile.
 *
 * The bytes go straight between the caller's memory and the file: the
 * system calls wrap the user buffer (or iovec array) in an iov_iter
 * (ITER_UBUF, ITER_IOVEC; include/kestrel/uio.h) and hand it to the
 * file's ->read_iter/->write_iter, which copy from the page cache or the
 * driver with copy_to_iter/copy_from_iter, a page fault on the user
 * buffer being handled on the way. A read of a regular file therefore
 * returns everything up to EOF in one call, and a write of a regular file
 * is one step under the inode's i_rwsem whatever its size
 * (generic_file_write_iter). A file with only ->read/->write (Linux's
 * older interface, user pointers) gets the user segments one by one.
 * In-kernel callers (exec, the initramfs, the ksys_* calls the ktests
 * use) pass kernel buffers as ITER_KVEC; they need ->read_iter/
 * ->write_iter, as Linux's kernel_read.
 *
 * The file position of a shared regular file or directory is updated
 * under f_pos_lock (FMODE_ATOMIC_POS): two tasks reading one descriptor
 * get different bytes. pread/pwrite never touch f_pos. Every op is called
 * through <kestrel/contract/file.h>.
 */
#include <kestrel/contract/file.h>
#include <kestrel/dcache.h>
#include <kestrel/fdtable.h>
#include <kestrel/sched.h>
#include <kestrel/signal.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/uaccess.h>
#include <asm/page.h>
#include "internal.h"

#define MAX_RW_COUNT (0x7ffff000L)	/* as Linux: INT_MAX rounded down to a page */
#define UIO_FASTIOV 8			/* iovec arrays this short stay on the stack */

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

/* ->read_iter/->write_iter at *pos (NULL: a stream), which moves on by what was done. */
static ssize_t call_iter(struct file *file, struct iov_iter *iter, loff_t *pos, bool write)
{
	struct kiocb kiocb;
	ssize_t ret;

	init_sync_kiocb(&kiocb, file);
	kiocb.ki_pos = pos ? *pos : 0;
	ret = write ? vfs_call_write_iter(file, &kiocb, iter) : vfs_call_read_iter(file, &kiocb, iter);
	if (ret > 0 && pos)
		*pos = kiocb.ki_pos;
	return ret;
}

/*
 * A file with only ->read/->write: one call per user segment, stopping
 * at a short one (Linux's do_loop_readv_writev).
 */
static ssize_t call_loop(struct file *file, struct iov_iter *iter, loff_t *pos, bool write)
{
	ssize_t ret = 0;

	for (iov_iter_advance(iter, 0); iov_iter_count(iter); iov_iter_advance(iter, 0)) {
		bool ubuf = iter->iter_type == ITER_UBUF;
		char __user *base = (char __user *)(ubuf ? iter->ubuf : iter->iov->iov_base) +
				    iter->iov_offset;
		size_t len = ubuf ? iov_iter_count(iter) : iter->iov->iov_len - iter->iov_offset;
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

static int rw_verify(struct file *file, bool write, loff_t *pos)
{
	if (!(file->f_mode & (write ? FMODE_WRITE : FMODE_READ)))
		return -EBADF;
	if (!(file->f_mode & (write ? FMODE_CAN_WRITE : FMODE_CAN_READ)))
		return -EINVAL;
	if (pos && *pos < 0 && S_ISREG(file_inode(file)->i_mode))
		return -EINVAL;
	return 0;
}

/*
 * The one way bytes move: the file's iterator op, or ->read/->write for
 * user memory, else EINVAL (a kernel caller and a file without
 * ->read_iter, as Linux's __kernel_read). At most MAX_RW_COUNT bytes.
 */
static ssize_t do_iter_rw(struct file *file, struct iov_iter *iter, loff_t *pos, bool write)
{
	int err = rw_verify(file, write, pos);

	if (err)
		return err;
	/* read(2)'s buffer, whole, before clamping, as Linux (readv's: import_iovec). */
	if (iter->iter_type == ITER_UBUF && !access_ok(iter->ubuf, iov_iter_count(iter)))
		return -EFAULT;
	iov_iter_truncate(iter, MAX_RW_COUNT);
	if (write ? file->f_op->write_iter : file->f_op->read_iter)
		return call_iter(file, iter, pos, write);
	if ((write ? !!file->f_op->write : !!file->f_op->read) && user_backed_iter(iter))
		return call_loop(file, iter, pos, write);
	return -EINVAL;
}

ssize_t vfs_read(struct file *file, char __user *buf, size_t count, loff_t *pos)
{
	struct iov_iter iter;
	int err = rw_verify(file, false, pos);

	if (err)
		return err;
	if (!access_ok(buf, count))	/* the whole request, before clamping, as Linux */
		return -EFAULT;
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	if (file->f_op->read)
		return vfs_call_read(file, buf, count, pos);
	iov_iter_ubuf(&iter, ITER_DEST, buf, count);
	return do_iter_rw(file, &iter, pos, false);
}

ssize_t vfs_write(struct file *file, const char __user *buf, size_t count, loff_t *pos)
{
	struct iov_iter iter;
	int err = rw_verify(file, true, pos);

	if (err)
		return err;
	if (!access_ok(buf, count))
		return -EFAULT;
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	if (file->f_op->write)
		return vfs_call_write(file, buf, count, pos);
	iov_iter_ubuf(&iter, ITER_SOURCE, (void __user *)buf, count);
	return do_iter_rw(file, &iter, pos, true);
}

ssize_t vfs_iter_read(struct file *file, struct iov_iter *iter, loff_t *ppos, int flags)
{
	return do_iter_rw(file, iter, ppos, false);
}

ssize_t vfs_iter_write(struct file *file, struct iov_iter *iter, loff_t *ppos, int flags)
{
	return do_iter_rw(file, iter, ppos, true);
}

ssize_t kernel_read(struct file *file, void *buf, size_t count, loff_t *pos)
{
	struct kvec kv = { .iov_base = buf, .iov_len = count };
	struct iov_iter iter;

	iov_iter_kvec(&iter, ITER_DEST, &kv, 1, count);
	return do_iter_rw(file, &iter, pos, false);
}

ssize_t kernel_write(struct file *file, const void *buf, size_t count, loff_t *pos)
{
	struct kvec kv = { .iov_base = (void *)buf, .iov_len = count };
	struct iov_iter iter;

	iov_iter_kvec(&iter, ITER_SOURCE, &kv, 1, count);
	return do_iter_rw(file, &iter, pos, true);
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

/* read/write/readv/writev on fd at its position (or on the stream). */
static ssize_t rw_fd_pos(unsigned int fd, struct iov_iter *iter, bool write)
{
	struct file *f = fdget_pos(fd);
	loff_t pos, *ppos;
	ssize_t ret;

	if (!f)
		return -EBADF;
	ppos = file_ppos(f, &pos);
	ret = do_iter_rw(f, iter, ppos, write);
	if (ret >= 0 && ppos)
		f->f_pos = pos;
	fdput_pos(f);
	return ret;
}

/* pread/pwrite/preadv/pwritev at an explicit position; f_pos untouched. */
static ssize_t rw_fd_at(unsigned int fd, struct iov_iter *iter, loff_t pos, bool write)
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
		ret = do_iter_rw(f, iter, &pos, write);
	fput(f);
	return ret;
}

/*
 * The ksys_ forms take kernel buffers (the initramfs and the ktests call
 * them): the same paths as the system calls, with ITER_KVEC.
 */
static ssize_t ksys_rw(unsigned int fd, void *buf, size_t count, loff_t *pos, bool write)
{
	struct kvec kv = { .iov_base = buf, .iov_len = count };
	struct iov_iter iter;

	iov_iter_kvec(&iter, write ? ITER_SOURCE : ITER_DEST, &kv, 1, count);
	return pos ? rw_fd_at(fd, &iter, *pos, write) : rw_fd_pos(fd, &iter, write);
}

ssize_t ksys_read(unsigned int fd, char *buf, size_t count)
{
	return ksys_rw(fd, buf, count, NULL, false);
}

ssize_t ksys_write(unsigned int fd, const char *buf, size_t count)
{
	return ksys_rw(fd, (char *)buf, count, NULL, true);
}

ssize_t ksys_pread64(unsigned int fd, char *buf, size_t count, loff_t pos)
{
	return ksys_rw(fd, buf, count, &pos, false);
}

ssize_t ksys_pwrite64(unsigned int fd, const char *buf, size_t count, loff_t pos)
{
	return ksys_rw(fd, (char *)buf, count, &pos, true);
}

/* readv/writev with an array of kernel segments. */
static ssize_t ksys_rwv(unsigned long fd, const struct kvec *vec, unsigned long vlen, bool write)
{
	struct iov_iter iter;
	size_t total = 0;

	if (vlen > UIO_MAXIOV)
		return -EINVAL;
	for (unsigned long i = 0; i < vlen; i++) {
		if (vec[i].iov_len > (size_t)MAX_RW_COUNT - total)
			return -EINVAL;
		total += vec[i].iov_len;
	}
	iov_iter_kvec(&iter, write ? ITER_SOURCE : ITER_DEST, vec, vlen, total);
	return rw_fd_pos(fd, &iter, write);
}

ssize_t ksys_readv(unsigned long fd, const struct kvec *vec, unsigned long vlen)
{
	return ksys_rwv(fd, vec, vlen, false);
}

ssize_t ksys_writev(unsigned long fd, const struct kvec *vec, unsigned long vlen)
{
	return ksys_rwv(fd, vec, vlen, true);
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
 * Copy in and check a user iovec array, as Linux's import_iovec: more
 * than UIO_MAXIOV segments or a negative length is EINVAL, a segment
 * outside user space EFAULT; the total is clamped to MAX_RW_COUNT. Short
 * arrays use the caller's fast[UIO_FASTIOV]. Returns the array (kfree it
 * when it is not fast) or ERR_PTR; *total gets the byte count.
 */
static struct iovec *import_iovec(const struct iovec __user *uvec, unsigned long nr,
				  struct iovec *fast, size_t *total)
{
	struct iovec *iov = fast;
	size_t sum = 0;
	int err = -EFAULT;

	if (nr > UIO_MAXIOV)
		return ERR_PTR(-EINVAL);
	if (nr > UIO_FASTIOV) {
		iov = kmalloc(nr * sizeof(*iov), GFP_KERNEL);
		if (!iov)
			return ERR_PTR(-ENOMEM);
	}
	if (copy_from_user(iov, uvec, nr * sizeof(*iov)))
		goto fail;
	for (unsigned long i = 0; i < nr; i++) {
		size_t len = iov[i].iov_len;

		err = -EINVAL;
		if ((ssize_t)len < 0)
			goto fail;
		err = -EFAULT;
		if (!access_ok(iov[i].iov_base, len))
			goto fail;
		if (len > MAX_RW_COUNT - sum)
			iov[i].iov_len = len = MAX_RW_COUNT - sum;
		sum += len;
	}
	*total = sum;
	return iov;
fail:
	if (iov != fast)
		kfree(iov);
	return ERR_PTR(err);
}

/* read/write/pread/pwrite: one user buffer. pos == NULL: at the file position. */
static ssize_t rw_fd_buf(unsigned int fd, void __user *buf, size_t count, loff_t *pos, bool write)
{
	struct iov_iter iter;

	iov_iter_ubuf(&iter, write ? ITER_SOURCE : ITER_DEST, buf, count);
	return pos ? rw_fd_at(fd, &iter, *pos, write) : rw_fd_pos(fd, &iter, write);
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

/*
 * readv/writev and the positioned forms. pos == NULL: at the file
 * position (preadv2 with offset -1 too). As Linux: EBADF first, then the
 * iovec array (EINVAL, EFAULT), then the file's mode.
 */
static ssize_t rw_fd_vec(unsigned long fd, const struct iovec __user *vec, unsigned long vlen,
			 loff_t *pos, bool write)
{
	struct iovec fast[UIO_FASTIOV], *iov;
	struct iov_iter iter;
	size_t total = 0;
	struct file *f;
	ssize_t ret;

	f = fget(fd);
	if (!f)
		return -EBADF;
	fput(f);
	iov = import_iovec(vec, vlen, fast, &total);
	if (IS_ERR(iov))
		return PTR_ERR(iov);
	iov_iter_init(&iter, write ? ITER_SOURCE : ITER_DEST, iov, vlen, total);
	ret = pos ? rw_fd_at(fd, &iter, *pos, write) : rw_fd_pos(fd, &iter, write);
	if (iov != fast)
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
 * sendfile: in_fd's bytes to out_fd through one kernel buffer (the
 * pages Linux's splice would pass through a pipe), SENDFILE_CHUNK at a
 * time, until a short read or write. As Linux: the in position is
 * *offset (written back, f_pos untouched) or in's f_pos; out is written
 * at its f_pos; an O_APPEND out is EINVAL. Like Linux, neither
 * f_pos_lock is held (in and out may be the same file).
 */
#define SENDFILE_CHUNK (64 * 1024)

/* The buffer: SENDFILE_CHUNK, or one page when memory is too fragmented for more. */
static void *sendfile_buf_alloc(size_t count, size_t *size)
{
	size_t want = count < SENDFILE_CHUNK ? count : SENDFILE_CHUNK;
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
	kbuf = sendfile_buf_alloc(count, &chunk);
	if (!kbuf)
		goto out_out;
	ret = 0;
	while (done < count) {
		size_t len = count - done < chunk ? count - done : chunk;
		loff_t *ip = (in->f_mode & FMODE_LSEEK) || offset ? &pos : NULL;
		loff_t *op = (out->f_mode & FMODE_LSEEK) ? &out_pos : NULL;
		ssize_t n = kernel_read(in, kbuf, len, ip), w;

		if (n <= 0) {
			ret = n;
			break;
		}
		w = kernel_write(out, kbuf, n, op);
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
