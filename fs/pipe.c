/*
 * Pipes and FIFOs, after Linux's fs/pipe.c (include/kestrel/pipe_fs_i.h
 * has the ring and its locks).
 *
 * One pipe_inode_info is shared by the two ends of a pipe(2) or by
 * every opener of a FIFO; each end is a struct file whose private_data
 * points to it and whose f_mode says which way it goes.
 *
 * The rules a student should find here:
 *   read   returns what is there (up to the count) at once; with nothing
 *          there it sleeps until a writer writes, or returns 0 (EOF) if
 *          no writer is left, or -EAGAIN with O_NONBLOCK.
 *   write  with no reader left fails with -EPIPE and sends the writer
 *          SIGPIPE (pipe_send_sigpipe); it sleeps while the pipe is
 *          full (-EAGAIN with O_NONBLOCK if nothing was written yet).
 *          A write of at most PIPE_BUF bytes is atomic: it is copied in
 *          one step under pipe->mutex, never half now and half after a
 *          sleep, so writers' messages never interleave.
 *   FIFO   open for reading waits for a writer and open for writing waits
 *          for a reader (each wakes the other); O_NONBLOCK: a reader
 *          gets in at once, a writer with no reader gets -ENXIO.
 * Waiting for the other side can last forever and is no bug, so the
 * sleeps are interruptible, as in Linux (wait_event_interruptible; the
 * hung-task detector leaves TASK_INTERRUPTIBLE sleepers alone): a signal
 * ends them with -ERESTARTSYS (EINTR or a restart, by SA_RESTART), or, for
 * a read or write that already moved bytes, with that count.
 */
#include <kestrel/dcache.h>
#include <kestrel/fdtable.h>
#include <kestrel/mm.h>
#include <kestrel/mount.h>
#include <kestrel/pipe_fs_i.h>
#include <kestrel/sched.h>
#include <kestrel/signal.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/uaccess.h>
#include <kestrel/uio.h>

static atomic_long_t nr_pipes = ATOMIC_LONG_INIT(0);

long pipe_nr_allocated(void)
{
	return atomic_long_read(&nr_pipes);
}

struct pipe_inode_info *alloc_pipe_info(void)
{
	struct pipe_inode_info *pipe = kzalloc(sizeof(*pipe), GFP_KERNEL);

	if (!pipe)
		return NULL;
	pipe->bufs = kcalloc(PIPE_DEF_BUFFERS, sizeof(*pipe->bufs), GFP_KERNEL);
	if (!pipe->bufs) {
		kfree(pipe);
		return NULL;
	}
	pipe->ring_size = PIPE_DEF_BUFFERS;
	/*
	 * The open counters start at 1, so a file whose f_version is 0 (any
	 * pipe end, a FIFO opened normally) never equals w_counter and sees
	 * EPOLLHUP once the writers are gone; only a FIFO reader opened with
	 * O_NONBLOCK before any writer records w_counter (see pipe_poll).
	 */
	pipe->r_counter = pipe->w_counter = 1;
	mutex_init(&pipe->mutex);
	init_waitqueue_head(&pipe->rd_wait);
	init_waitqueue_head(&pipe->wr_wait);
	atomic_long_inc(&nr_pipes);
	return pipe;
}

void free_pipe_info(struct pipe_inode_info *pipe)
{
	for (unsigned int i = 0; i < pipe->ring_size; i++)
		if (pipe->bufs[i].page)
			__free_pages(pipe->bufs[i].page, 0);
	if (pipe->tmp_page)
		__free_pages(pipe->tmp_page, 0);
	kfree(pipe->bufs);
	kfree(pipe);
	atomic_long_dec(&nr_pipes);
}

static struct pipe_buffer *pipe_slot(struct pipe_inode_info *pipe, unsigned int n)
{
	return &pipe->bufs[n & (pipe->ring_size - 1)];
}

unsigned int pipe_nr_bytes(struct pipe_inode_info *pipe)
{
	unsigned int n = 0;

	mutex_lock(&pipe->mutex);
	for (unsigned int i = pipe->tail; i != pipe->head; i++)
		n += pipe_slot(pipe, i)->len;
	mutex_unlock(&pipe->mutex);
	return n;
}

/* An emptied slot's page: keep one spare for the next write, free the rest. */
static void pipe_buf_release(struct pipe_inode_info *pipe, struct pipe_buffer *buf)
{
	if (!pipe->tmp_page)
		pipe->tmp_page = buf->page;
	else
		__free_pages(buf->page, 0);
	buf->page = NULL;
}

/* Lockless tests for the sleepers (re-checked under the mutex after waking). */
static bool pipe_readable(const struct pipe_inode_info *pipe)
{
	return !pipe_empty(READ_ONCE(pipe->head), READ_ONCE(pipe->tail)) ||
	       !READ_ONCE(pipe->writers);
}

static bool pipe_writable(const struct pipe_inode_info *pipe)
{
	return !pipe_full(READ_ONCE(pipe->head), READ_ONCE(pipe->tail), pipe->ring_size) ||
	       !READ_ONCE(pipe->readers);
}

static ssize_t pipe_read(struct kiocb *iocb, struct iov_iter *to)
{
	struct file *filp = iocb->ki_filp;
	struct pipe_inode_info *pipe = filp->private_data;
	size_t total = iov_iter_count(to);
	bool woke_writer = false;	/* a slot of a full pipe was emptied */
	ssize_t ret = 0;

	if (!total)
		return 0;
	mutex_lock(&pipe->mutex);
	for (;;) {
		if (!pipe_empty(pipe->head, pipe->tail)) {
			struct pipe_buffer *buf = pipe_slot(pipe, pipe->tail);
			size_t chars = buf->len < total ? buf->len : total;
			/* Straight into the reader's buffer; a fault there may sleep under pipe->mutex, as Linux. */
			size_t written = copy_page_to_iter(buf->page, buf->offset, chars, to);

			ret += written;
			total -= written;
			buf->offset += written;
			buf->len -= written;
			if (!buf->len) {
				bool was_full = pipe_full(pipe->head, pipe->tail, pipe->ring_size);

				pipe_buf_release(pipe, buf);
				pipe->tail++;
				woke_writer |= was_full;
			}
			if (written < chars) {
				if (!ret)
					ret = -EFAULT;	/* the bytes stay in the pipe */
				break;
			}
			if (!total)
				break;
			continue;	/* more slots may hold more */
		}
		if (!pipe->writers)
			break;		/* EOF (ret 0) or the bytes we have */
		if (ret)
			break;		/* return what we have rather than wait for more */
		if (filp->f_flags & O_NONBLOCK) {
			ret = -EAGAIN;
			break;
		}
		mutex_unlock(&pipe->mutex);
		/* Nothing read yet (ret is 0): a signal makes it -ERESTARTSYS. */
		if (wait_event_interruptible(pipe->rd_wait, pipe_readable(pipe)))
			return -ERESTARTSYS;
		mutex_lock(&pipe->mutex);
	}
	mutex_unlock(&pipe->mutex);
	if (woke_writer)
		wake_up(&pipe->wr_wait);	/* room again */
	return ret;
}

/*
 * A write found no reader: SIGPIPE to the writer (Linux: send_sig(SIGPIPE,
 * current, 0) in pipe_write), which kills it unless it ignores, blocks or
 * handles SIGPIPE; then it sees -EPIPE.
 */
static void pipe_send_sigpipe(void)
{
	send_sig(SIGPIPE, current, 0);
}

/*
 * Copy len bytes from the writer into a fresh slot at head; the caller
 * checked there is room. A fault on the writer's buffer fills no slot
 * (the page waits in tmp_page): -EFAULT, nothing of this piece written.
 */
static int pipe_fill_slot(struct pipe_inode_info *pipe, struct iov_iter *from, size_t len)
{
	struct pipe_buffer *buf = pipe_slot(pipe, pipe->head);
	struct page *page = pipe->tmp_page;

	if (!page) {
		page = alloc_pages(GFP_KERNEL, 0);
		if (!page)
			return -ENOMEM;
	}
	pipe->tmp_page = NULL;
	if (copy_page_from_iter(page, 0, len, from) != len) {
		pipe->tmp_page = page;
		return -EFAULT;
	}
	buf->page = page;
	buf->offset = 0;
	buf->len = len;
	pipe->head++;
	return 0;
}

static ssize_t pipe_write(struct kiocb *iocb, struct iov_iter *from)
{
	struct file *filp = iocb->ki_filp;
	struct pipe_inode_info *pipe = filp->private_data;
	size_t total = iov_iter_count(from);
	size_t chars;
	ssize_t ret = 0;
	int err;

	if (!total)
		return 0;
	mutex_lock(&pipe->mutex);
	if (!pipe->readers) {
		pipe_send_sigpipe();
		ret = -EPIPE;
		goto out;
	}

	/*
	 * The part that does not fill a whole page first: append it to the
	 * last slot if it fits there entirely. A write of at most PIPE_BUF
	 * bytes is thus either appended here or given one new slot below,
	 * in one step each time: atomic. The bytes become visible (buf->len)
	 * only once they are all copied: a fault mid-way appends nothing.
	 */
	chars = total & (PAGE_SIZE - 1);
	if (chars && !pipe_empty(pipe->head, pipe->tail)) {
		struct pipe_buffer *buf = pipe_slot(pipe, pipe->head - 1);
		unsigned int offset = buf->offset + buf->len;

		if (offset + chars <= PAGE_SIZE) {
			if (copy_page_from_iter(buf->page, offset, chars, from) != chars) {
				ret = -EFAULT;
				goto out;
			}
			buf->len += chars;
			ret = chars;
			total -= chars;
			if (!total)
				goto out;
		}
	}

	for (;;) {
		if (!pipe->readers) {
			pipe_send_sigpipe();
			if (!ret)
				ret = -EPIPE;
			break;
		}
		if (!pipe_full(pipe->head, pipe->tail, pipe->ring_size)) {
			size_t len = total < PAGE_SIZE ? total : PAGE_SIZE;

			err = pipe_fill_slot(pipe, from, len);
			if (err) {
				if (!ret)
					ret = err;
				break;
			}
			ret += len;
			total -= len;
			if (!total)
				break;
			continue;
		}
		/* Full. */
		if (filp->f_flags & O_NONBLOCK) {
			if (!ret)
				ret = -EAGAIN;
			break;
		}
		mutex_unlock(&pipe->mutex);
		wake_up(&pipe->rd_wait);	/* readers: there is plenty to read */
		err = wait_event_interruptible(pipe->wr_wait, pipe_writable(pipe));
		mutex_lock(&pipe->mutex);
		if (err) {
			/* A signal: what was written counts, else -ERESTARTSYS. */
			if (!ret)
				ret = -ERESTARTSYS;
			break;
		}
	}
out:
	mutex_unlock(&pipe->mutex);
	if (ret > 0)
		wake_up(&pipe->rd_wait);	/* there is data now */
	return ret;
}

/*
 * poll(2)'s answer for this end. A reader waits on rd_wait (data came, the
 * last writer left), a writer on wr_wait (room, the last reader left):
 * every state change here wakes those queues. Registration comes before
 * the state is read, so a change after the read wakes the poller.
 */
static __poll_t pipe_poll(struct file *filp, struct poll_table_struct *wait)
{
	struct pipe_inode_info *pipe = filp->private_data;
	unsigned int head, tail;
	__poll_t mask = 0;

	if (filp->f_mode & FMODE_READ)
		poll_wait(filp, &pipe->rd_wait, wait);
	if (filp->f_mode & FMODE_WRITE)
		poll_wait(filp, &pipe->wr_wait, wait);
	head = READ_ONCE(pipe->head);
	tail = READ_ONCE(pipe->tail);

	if (filp->f_mode & FMODE_READ) {
		if (!pipe_empty(head, tail))
			mask |= EPOLLIN | EPOLLRDNORM;
		/* A FIFO reader that never saw a writer is not hung up (f_version). */
		if (!READ_ONCE(pipe->writers) && filp->f_version != READ_ONCE(pipe->w_counter))
			mask |= EPOLLHUP;
	}
	if (filp->f_mode & FMODE_WRITE) {
		if (!pipe_full(head, tail, pipe->ring_size))
			mask |= EPOLLOUT | EPOLLWRNORM;
		if (!READ_ONCE(pipe->readers))
			mask |= EPOLLERR;
	}
	return mask;
}

/* The last file using pipe is gone: detach it from the inode and free it. */
static void put_pipe_info(struct inode *inode, struct pipe_inode_info *pipe)
{
	bool kill = false;

	spin_lock(&inode->i_lock);
	if (!--pipe->files) {
		inode->i_pipe = NULL;
		kill = true;
	}
	spin_unlock(&inode->i_lock);
	if (kill)
		free_pipe_info(pipe);
}

static int pipe_release(struct inode *inode, struct file *filp)
{
	struct pipe_inode_info *pipe = filp->private_data;

	mutex_lock(&pipe->mutex);
	if (filp->f_mode & FMODE_READ)
		pipe->readers--;
	if (filp->f_mode & FMODE_WRITE)
		pipe->writers--;
	/* The other side now sees EOF or EPIPE: wake it whatever it waits for. */
	if (!pipe->readers || !pipe->writers) {
		wake_up_all(&pipe->rd_wait);
		wake_up_all(&pipe->wr_wait);
	}
	mutex_unlock(&pipe->mutex);
	put_pipe_info(inode, pipe);
	return 0;
}

/* ============================== FIFOs ============================== */

/* A FIFO open is waiting for the other side: wake it (open waits on rd_wait). */
static void wake_up_partner(struct pipe_inode_info *pipe)
{
	wake_up_all(&pipe->rd_wait);
}

/*
 * Called with pipe->mutex held; returns with it held, once *cnt changed
 * (0) or a signal came (-ERESTARTSYS).
 */
static int wait_for_partner(struct pipe_inode_info *pipe, unsigned int *cnt)
{
	unsigned int cur = *cnt;
	int err = 0;

	while (READ_ONCE(*cnt) == cur && !err) {
		mutex_unlock(&pipe->mutex);
		err = wait_event_interruptible(pipe->rd_wait, READ_ONCE(*cnt) != cur);
		mutex_lock(&pipe->mutex);
	}
	return READ_ONCE(*cnt) != cur ? 0 : err;
}

/* The inode's pipe, made by the first opener (i_lock decides a race). */
static struct pipe_inode_info *fifo_get_pipe(struct inode *inode)
{
	struct pipe_inode_info *pipe, *new;

	spin_lock(&inode->i_lock);
	pipe = inode->i_pipe;
	if (pipe) {
		pipe->files++;
		spin_unlock(&inode->i_lock);
		return pipe;
	}
	spin_unlock(&inode->i_lock);

	new = alloc_pipe_info();
	if (!new)
		return NULL;
	new->files = 1;
	spin_lock(&inode->i_lock);
	pipe = inode->i_pipe;
	if (pipe) {
		pipe->files++;
	} else {
		inode->i_pipe = new;
		pipe = new;
		new = NULL;
	}
	spin_unlock(&inode->i_lock);
	if (new)
		free_pipe_info(new);
	return pipe;
}

static int fifo_open(struct inode *inode, struct file *filp)
{
	bool is_pipe = inode->i_sb && inode->i_sb->s_magic == PIPEFS_MAGIC;
	struct pipe_inode_info *pipe = fifo_get_pipe(inode);
	int ret = 0;

	if (!pipe)
		return -ENOMEM;
	filp->private_data = pipe;
	/* Pipes and FIFOs have no file position (pread/pwrite: ESPIPE). */
	filp->f_mode &= ~(FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE | FMODE_ATOMIC_POS);

	mutex_lock(&pipe->mutex);
	switch (filp->f_mode & (FMODE_READ | FMODE_WRITE)) {
	case FMODE_READ:
		/* O_RDONLY: with O_NONBLOCK in at once; else wait for a writer. */
		pipe->r_counter++;
		if (pipe->readers++ == 0)
			wake_up_partner(pipe);
		if (!is_pipe && !pipe->writers) {
			if (filp->f_flags & O_NONBLOCK)
				filp->f_version = pipe->w_counter;	/* no EPOLLHUP yet */
			else if (wait_for_partner(pipe, &pipe->w_counter))
				goto err_rd;
		}
		break;
	case FMODE_WRITE:
		/* O_WRONLY: with O_NONBLOCK and no reader, ENXIO; else wait for a reader. */
		if ((filp->f_flags & O_NONBLOCK) && !pipe->readers) {
			ret = -ENXIO;
			goto err;
		}
		pipe->w_counter++;
		if (!pipe->writers++)
			wake_up_partner(pipe);
		if (!is_pipe && !pipe->readers && wait_for_partner(pipe, &pipe->r_counter))
			goto err_wr;
		break;
	case FMODE_READ | FMODE_WRITE:
		/* O_RDWR never waits (Linux allows it on FIFOs; POSIX leaves it open). */
		pipe->readers++;
		pipe->writers++;
		pipe->r_counter++;
		pipe->w_counter++;
		if (pipe->readers == 1 || pipe->writers == 1)
			wake_up_partner(pipe);
		break;
	default:
		ret = -EINVAL;
		goto err;
	}
	mutex_unlock(&pipe->mutex);
	return 0;

	/* A signal ended the wait for the other side: this opener was never there. */
err_rd:
	if (!--pipe->readers)
		wake_up_all(&pipe->wr_wait);
	ret = -ERESTARTSYS;
	goto err;
err_wr:
	if (!--pipe->writers)
		wake_up_all(&pipe->rd_wait);
	ret = -ERESTARTSYS;
err:
	mutex_unlock(&pipe->mutex);
	put_pipe_info(inode, pipe);
	return ret;
}

static loff_t pipe_llseek(struct file *filp, loff_t offset, int whence)
{
	return -ESPIPE;
}

const struct file_operations pipefifo_fops = {
	.open = fifo_open,
	.llseek = pipe_llseek,
	.read_iter = pipe_read,
	.write_iter = pipe_write,
	.poll = pipe_poll,
	.release = pipe_release,
};

/* ============================== pipefs and pipe(2) ============================== */

/*
 * Anonymous pipes need an inode too (for fstat, /proc/locks, the file's
 * path "pipe:[ino]"), but no name in any directory: they get it from
 * pipefs, a file system mounted once inside the kernel (kern_mount) and
 * never in the tree. Its dentries are not cached: the last close of both
 * ends frees the dentry, the inode and the pipe.
 */
static struct vfsmount *pipe_mnt;	/* set once by pipe_init() */

static int pipefs_fill_super(struct super_block *s, void *data, int silent)
{
	s->s_d_op = &simple_dentry_operations;
	return simple_fill_super_root(s, PIPEFS_MAGIC, 0700);
}

static struct dentry *pipefs_mount(struct file_system_type *fs_type, int flags,
				   const char *dev_name, void *data)
{
	return mount_nodev(fs_type, flags, data, pipefs_fill_super);
}

static struct file_system_type pipe_fs_type = {
	.name = "pipefs",
	.mount = pipefs_mount,
	.kill_sb = kill_anon_super,
};

int pipe_init(void)
{
	int err = register_filesystem(&pipe_fs_type);

	if (err)
		return err;
	pipe_mnt = kern_mount(&pipe_fs_type);
	if (IS_ERR(pipe_mnt)) {
		err = PTR_ERR(pipe_mnt);
		pipe_mnt = NULL;
		unregister_filesystem(&pipe_fs_type);
	}
	return err;
}

/* A pipefs inode with a pipe already open at both ends (one reader, one writer). */
static struct inode *get_pipe_inode(void)
{
	struct inode *inode = new_inode(pipe_mnt->mnt_sb);
	const struct cred *cred = current_cred();
	struct pipe_inode_info *pipe;

	if (!inode)
		return NULL;
	pipe = alloc_pipe_info();
	if (!pipe) {
		iput(inode);
		return NULL;
	}
	inode->i_ino = get_next_ino();
	inode->i_pipe = pipe;
	pipe->files = 2;
	pipe->readers = pipe->writers = 1;
	inode->i_fop = &pipefifo_fops;
	inode->i_mode = S_IFIFO | S_IRUSR | S_IWUSR;
	inode->i_uid = cred->fsuid;
	inode->i_gid = cred->fsgid;
	inode->i_atime = inode->i_mtime = inode->i_ctime = current_time(inode);
	return inode;
}

/* Give f the pipe's path and make it an opened end. */
static void pipe_file_setup(struct file *f, const struct path *path, fmode_t mode)
{
	struct inode *inode = d_inode(path->dentry);

	f->f_path = *path;
	path_get(&f->f_path);
	f->f_inode = inode;
	f->f_mapping = inode->i_mapping;
	f->f_op = &pipefifo_fops;
	f->private_data = inode->i_pipe;
	f->f_mode = mode | FMODE_OPENED | (mode & FMODE_READ ? FMODE_CAN_READ : 0) |
		    (mode & FMODE_WRITE ? FMODE_CAN_WRITE : 0);
	if (mode & FMODE_WRITE)
		atomic_inc(&inode->i_writecount);	/* __fput drops it */
}

/* res[0]: the read end, res[1]: the write end; flags: O_NONBLOCK. */
static int create_pipe_files(struct file **res, int flags)
{
	struct inode *inode;
	struct path path;
	char name[32];
	int err = -ENOMEM;

	if (!pipe_mnt)
		return -ENOSYS;
	res[0] = alloc_empty_file(O_RDONLY | (flags & O_NONBLOCK), current_cred());
	if (IS_ERR(res[0]))
		return PTR_ERR(res[0]);
	res[1] = alloc_empty_file(O_WRONLY | (flags & O_NONBLOCK), current_cred());
	if (IS_ERR(res[1])) {
		err = PTR_ERR(res[1]);
		goto out_r;
	}
	inode = get_pipe_inode();
	if (!inode)
		goto out_w;
	snprintf(name, sizeof(name), "pipe:[%lu]", inode->i_ino);
	path.dentry = d_alloc_name(pipe_mnt->mnt_root, name);
	if (!path.dentry) {
		free_pipe_info(inode->i_pipe);
		inode->i_pipe = NULL;
		iput(inode);
		goto out_w;
	}
	d_instantiate(path.dentry, inode);
	path.mnt = pipe_mnt;
	pipe_file_setup(res[0], &path, FMODE_READ);
	pipe_file_setup(res[1], &path, FMODE_WRITE);
	dput(path.dentry);	/* the two files hold it now */
	return 0;
out_w:
	fput(res[1]);	/* not opened yet: just freed */
out_r:
	fput(res[0]);
	return err;
}

/* pipe2(2): two descriptors, fd[0] to read and fd[1] to write. */
int do_pipe2(int *fd, int flags)
{
	struct file *files[2] = { NULL, NULL };
	int error, fdr, fdw;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	error = create_pipe_files(files, flags);
	if (error)
		return error;
	fdr = get_unused_fd_flags(flags);
	if (fdr < 0) {
		error = fdr;
		goto out_files;
	}
	fdw = get_unused_fd_flags(flags);
	if (fdw < 0) {
		error = fdw;
		put_unused_fd(fdr);
		goto out_files;
	}
	fd_install(fdr, files[0]);
	fd_install(fdw, files[1]);
	fd[0] = fdr;
	fd[1] = fdw;
	return 0;
out_files:
	fput(files[0]);
	fput(files[1]);
	return error;
}

/* The pair goes to a kernel array; sys_pipe2 copies it out. */
long ksys_pipe2(int *fildes, int flags)
{
	return do_pipe2(fildes, flags);
}

/*
 * pipe2/pipe: a fault copying the pair out closes both descriptors again
 * (no descriptor leaks to a caller that was told EFAULT).
 */
SYSCALL_DEFINE2(pipe2, int __user *, fildes, int, flags)
{
	int fd[2];
	long err = ksys_pipe2(fd, flags);

	if (err)
		return err;
	if (copy_to_user(fildes, fd, sizeof(fd))) {
		close_fd(fd[0]);
		close_fd(fd[1]);
		return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE1(pipe, int __user *, fildes)
{
	return sys_pipe2(fildes, 0);
}
