/*
 * eventfd(2) and eventfd2(2), after Linux's fs/eventfd.c: a 64-bit
 * counter behind a descriptor, for one thread or process to wake
 * another (or an epoll set) cheaply.
 *
 *   write(8 bytes v)  adds v (v == 2^64 - 1 is EINVAL); if the sum would
 *                     reach 2^64 - 1 the write waits for a read (EAGAIN
 *                     with EFD_NONBLOCK).
 *   read(8 bytes)     returns the counter and sets it to 0, or with
 *                     EFD_SEMAPHORE returns 1 and decrements it; a zero
 *                     counter waits (EAGAIN with EFD_NONBLOCK).
 *   poll              EPOLLIN while the counter is > 0, EPOLLOUT while a
 *                     write of 1 would not wait.
 * A buffer shorter than 8 bytes is EINVAL either way.
 *
 * Locking: ctx->wqh.lock (irq-safe, the wait queue's own lock, as Linux)
 * protects count; a change wakes the queue under it
 * (wake_up_locked_poll), where readers, writers and pollers wait.
 */
#include <kestrel/anon_inodes.h>
#include <kestrel/poll.h>
#include <kestrel/sched.h>
#include <kestrel/signal.h>
#include <kestrel/slab.h>
#include <kestrel/syscalls.h>
#include <kestrel/uio.h>

#define EFD_SEMAPHORE (1 << 0)
#define EFD_CLOEXEC O_CLOEXEC
#define EFD_NONBLOCK O_NONBLOCK
#define EFD_SHARED_FCNTL_FLAGS (O_CLOEXEC | O_NONBLOCK)
#define EFD_FLAGS_SET (EFD_SHARED_FCNTL_FLAGS | EFD_SEMAPHORE)
#define EVENTFD_MAX (~0ULL - 1)		/* the largest value the counter holds */

/*
 * Locks used to protect struct members here:
 *	[c] constant after creation
 *	[S] a lock or wait queue itself
 *	[w] wqh.lock (irqsave)
 */
struct eventfd_ctx {
	wait_queue_head_t wqh;		/* [S] readers, writers, pollers; its lock guards count */
	u64 count;			/* [w] */
	unsigned int flags;		/* [c] EFD_SEMAPHORE */
};

static int eventfd_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static __poll_t eventfd_poll(struct file *file, poll_table *wait)
{
	struct eventfd_ctx *ctx = file->private_data;
	__poll_t events = 0;
	u64 count;

	poll_wait(file, &ctx->wqh, wait);
	/*
	 * Registered first, read after: a change that comes between the two
	 * wakes the poller, which then asks again (Linux's comment on this
	 * ordering applies: the wait-queue lock orders the two).
	 */
	count = READ_ONCE(ctx->count);
	if (count > 0)
		events |= EPOLLIN | EPOLLRDNORM;
	if (count == ~0ULL)
		events |= EPOLLERR;
	if (count < EVENTFD_MAX)
		events |= EPOLLOUT | EPOLLWRNORM;
	return events;
}

static ssize_t eventfd_read(struct kiocb *iocb, struct iov_iter *to)
{
	struct file *file = iocb->ki_filp;
	struct eventfd_ctx *ctx = file->private_data;
	u64 ucnt;

	if (iov_iter_count(to) < sizeof(ucnt))
		return -EINVAL;
	for (;;) {
		spin_lock_irq(&ctx->wqh.lock);
		if (ctx->count) {
			ucnt = (ctx->flags & EFD_SEMAPHORE) ? 1 : ctx->count;
			ctx->count -= ucnt;
			wake_up_locked_poll(&ctx->wqh, EPOLLOUT);
			spin_unlock_irq(&ctx->wqh.lock);
			break;
		}
		spin_unlock_irq(&ctx->wqh.lock);
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(ctx->wqh, READ_ONCE(ctx->count) != 0))
			return -ERESTARTSYS;
	}
	/* The value is consumed even if the copy fails, as Linux. */
	if (copy_to_iter(&ucnt, sizeof(ucnt), to) != sizeof(ucnt))
		return -EFAULT;
	return sizeof(ucnt);
}

static ssize_t eventfd_write(struct kiocb *iocb, struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	struct eventfd_ctx *ctx = file->private_data;
	u64 ucnt;

	if (iov_iter_count(from) < sizeof(ucnt))
		return -EINVAL;
	if (copy_from_iter(&ucnt, sizeof(ucnt), from) != sizeof(ucnt))
		return -EFAULT;
	if (ucnt == ~0ULL)
		return -EINVAL;
	for (;;) {
		spin_lock_irq(&ctx->wqh.lock);
		if (~0ULL - ctx->count > ucnt) {
			ctx->count += ucnt;
			if (ucnt)
				wake_up_locked_poll(&ctx->wqh, EPOLLIN);
			spin_unlock_irq(&ctx->wqh.lock);
			return sizeof(ucnt);
		}
		spin_unlock_irq(&ctx->wqh.lock);
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(ctx->wqh, ~0ULL - READ_ONCE(ctx->count) > ucnt))
			return -ERESTARTSYS;
	}
}

static const struct file_operations eventfd_fops = {
	.release = eventfd_release,
	.poll = eventfd_poll,
	.read_iter = eventfd_read,
	.write_iter = eventfd_write,
	.llseek = noop_llseek,
};

static int do_eventfd(unsigned int count, int flags)
{
	struct eventfd_ctx *ctx;
	int fd;

	if (flags & ~EFD_FLAGS_SET)
		return -EINVAL;
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	init_waitqueue_head(&ctx->wqh);
	ctx->count = count;
	ctx->flags = flags & EFD_SEMAPHORE;
	fd = anon_inode_getfd("[eventfd]", &eventfd_fops, ctx,
			      O_RDWR | (flags & EFD_SHARED_FCNTL_FLAGS));
	if (fd < 0)
		kfree(ctx);
	return fd;
}

SYSCALL_DEFINE2(eventfd2, unsigned int, count, int, flags)
{
	return do_eventfd(count, flags);
}

SYSCALL_DEFINE1(eventfd, unsigned int, count)
{
	return do_eventfd(count, 0);
}
