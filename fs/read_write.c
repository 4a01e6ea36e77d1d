/*
 * read, write, pread, pwrite, readv, writev, lseek, fsync, fdatasync,
 * syncfs.
 *
 * The file position of a shared regular file or directory is updated
 * under f_pos_lock (FMODE_ATOMIC_POS): two tasks reading one descriptor
 * get different bytes. pread/pwrite never touch f_pos. The byte moving
 * is ->read_iter/->write_iter (or ->read/->write) of the file, called
 * through fs/contract.h; page-cache files use the page-cache helper's
 * generic_file_read_iter/generic_file_write_iter.
 */
#include <kestrel/fdtable.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include "contract.h"
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
