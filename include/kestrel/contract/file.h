/*
 * The checked calls of file_operations: calls on an open file
 * (fs/read_write.c, fs/open.c, fs/readdir.c, fs/file_table.c, fs/fcntl.c,
 * fs/ioctl.c, fs/locks.c, fs/select.c, mm/mmap.c). How a rule is checked,
 * and the CONTRACT lines: include/kestrel/contract.h.
 */
#ifndef KESTREL_CONTRACT_FILE_H
#define KESTREL_CONTRACT_FILE_H

#include <kestrel/contract.h>
#include <kestrel/fs.h>
#include <kestrel/mm_types.h>

/* CONTRACT file_operations.llseek | none (the op locks what it needs) | yes | vfs_call_llseek */
static inline loff_t vfs_call_llseek(struct file *file, loff_t offset, int whence)
{
	might_sleep();
	return file->f_op->llseek(file, offset, whence);
}

/* CONTRACT file_operations.read | none | yes | vfs_call_read */
static inline ssize_t vfs_call_read(struct file *file, char __user *buf, size_t count,
				    loff_t *pos)
{
	might_sleep();
	return file->f_op->read(file, buf, count, pos);
}

/* CONTRACT file_operations.write | none | yes | vfs_call_write */
static inline ssize_t vfs_call_write(struct file *file, const char __user *buf, size_t count,
				     loff_t *pos)
{
	might_sleep();
	return file->f_op->write(file, buf, count, pos);
}

/* CONTRACT file_operations.read_iter | none | yes | vfs_call_read_iter */
static inline ssize_t vfs_call_read_iter(struct file *file, struct kiocb *kiocb,
					 struct iov_iter *iter)
{
	might_sleep();
	return file->f_op->read_iter(kiocb, iter);
}

/* CONTRACT file_operations.write_iter | none | yes | vfs_call_write_iter */
static inline ssize_t vfs_call_write_iter(struct file *file, struct kiocb *kiocb,
					  struct iov_iter *iter)
{
	might_sleep();
	return file->f_op->write_iter(kiocb, iter);
}

/* CONTRACT file_operations.iterate_shared | i_rwsem: shared; f_pos_lock: yes | yes | vfs_call_iterate_shared */
static inline int vfs_call_iterate_shared(struct file *file, struct dir_context *ctx)
{
	lockdep_assert_held_read(&file_inode(file)->i_rwsem);
	lockdep_assert_held(&file->f_pos_lock);
	might_sleep();
	return file->f_op->iterate_shared(file, ctx);
}

/* CONTRACT file_operations.open | none | yes | vfs_call_open */
static inline int vfs_call_open(struct inode *inode, struct file *file)
{
	might_sleep();
	return file->f_op->open(inode, file);
}

/* CONTRACT file_operations.flush | none | yes | vfs_call_flush */
static inline int vfs_call_flush(struct file *file)
{
	might_sleep();
	return file->f_op->flush(file);
}

/* CONTRACT file_operations.release | none | yes | vfs_call_release */
static inline int vfs_call_release(struct inode *inode, struct file *file)
{
	might_sleep();
	return file->f_op->release(inode, file);
}

/* CONTRACT file_operations.fsync | none (i_rwsem: no) | yes | vfs_call_fsync */
static inline int vfs_call_fsync(struct file *file, loff_t start, loff_t end, int datasync)
{
	lockdep_assert_not_held(&file_inode(file)->i_rwsem);
	might_sleep();
	return file->f_op->fsync(file, start, end, datasync);
}

/* CONTRACT file_operations.lock | none | yes | vfs_call_lock */
static inline int vfs_call_lock(struct file *file, int cmd, struct file_lock *fl)
{
	might_sleep();
	return file->f_op->lock(file, cmd, fl);
}

/* CONTRACT file_operations.flock | none | yes | vfs_call_flock */
static inline int vfs_call_flock(struct file *file, int cmd, struct file_lock *fl)
{
	might_sleep();
	return file->f_op->flock(file, cmd, fl);
}

/* CONTRACT file_operations.setlease | none | yes | vfs_call_setlease */
static inline int vfs_call_setlease(struct file *file, long arg, struct file_lock **flp,
				    void **priv)
{
	might_sleep();
	return file->f_op->setlease(file, arg, flp, priv);
}

/* CONTRACT file_operations.check_flags | none | yes | vfs_call_check_flags */
static inline int vfs_call_check_flags(struct file *file, int flags)
{
	might_sleep();
	return file->f_op->check_flags(flags);
}

/* CONTRACT file_operations.unlocked_ioctl | none | yes | vfs_call_unlocked_ioctl */
static inline long vfs_call_unlocked_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	might_sleep();
	return file->f_op->unlocked_ioctl(file, cmd, arg);
}

/* CONTRACT file_operations.fallocate | none (the op takes i_rwsem and invalidate_lock) | yes | vfs_call_fallocate */
static inline long vfs_call_fallocate(struct file *file, int mode, loff_t offset, loff_t len)
{
	might_sleep();
	return file->f_op->fallocate(file, mode, offset, len);
}

/* CONTRACT file_operations.poll | none | yes | vfs_call_poll */
static inline __poll_t vfs_call_poll(struct file *file, struct poll_table_struct *wait)
{
	might_sleep();
	return file->f_op->poll(file, wait);
}

/* CONTRACT file_operations.mmap | mmap_lock: write (the caller's) | yes | vfs_call_mmap */
static inline int vfs_call_mmap(struct file *file, struct vm_area_struct *vma)
{
	lockdep_assert_held_write(&vma->vm_mm->mmap_lock);
	might_sleep();
	return file->f_op->mmap(file, vma);
}

#endif
