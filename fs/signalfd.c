/*
 * signalfd(2) and signalfd4(2), after Linux's fs/signalfd.c: read
 * pending signals from a descriptor instead of taking them in a handler.
 *
 * A signalfd holds only a mask. read() takes, from the *reading* thread's
 * pending signals (its own, then its process's), those in the mask, as
 * struct signalfd_siginfo records of 128 bytes: as many as fit, waiting
 * for the first one unless O_NONBLOCK. Poll says EPOLLIN while one is
 * pending. The signals must be blocked (sigprocmask) or they are
 * delivered the usual way first. The mask never holds SIGKILL or
 * SIGSTOP. signalfd on an existing signalfd replaces its mask.
 *
 * Sending a signal wakes sighand->signalfd_wqh (kernel/signal.c,
 * send_signal_locked), where readers and pollers wait. Because ->poll
 * registers on the *caller's* sighand, an epoll instance can outlive
 * the queue it hangs on: when a sighand is freed, put_sighand wakes the
 * queue with POLLFREE (wake_up_pollfree) and epoll unhooks its entries.
 *
 * Locking: ctx->sigmask is written under current's sighand->siglock
 * (readers of the mask take it too), and signals are taken under it.
 */
#include <kestrel/anon_inodes.h>
#include <kestrel/fdtable.h>
#include <kestrel/poll.h>
#include <kestrel/sched.h>
#include <kestrel/sched_signal.h>
#include <kestrel/signal.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/uaccess.h>
#include <kestrel/uio.h>

#define SFD_CLOEXEC O_CLOEXEC
#define SFD_NONBLOCK O_NONBLOCK

/* Linux's struct signalfd_siginfo: 128 bytes. */
struct signalfd_siginfo {
	u32 ssi_signo;
	s32 ssi_errno;
	s32 ssi_code;
	u32 ssi_pid;
	u32 ssi_uid;
	s32 ssi_fd;
	u32 ssi_tid;
	u32 ssi_band;
	u32 ssi_overrun;
	u32 ssi_trapno;
	s32 ssi_status;
	s32 ssi_int;
	u64 ssi_ptr;
	u64 ssi_utime;
	u64 ssi_stime;
	u64 ssi_addr;
	u16 ssi_addr_lsb;
	u16 __pad2;
	s32 ssi_syscall;
	u64 ssi_call_addr;
	u32 ssi_arch;
	u8 __pad[28];
};

_Static_assert(sizeof(struct signalfd_siginfo) == 128, "signalfd_siginfo is 128 bytes");

/* Locks used to protect struct members here: [g] the reader's sighand->siglock */
struct signalfd_ctx {
	sigset_t sigmask;	/* [g] the signals this descriptor takes */
};

static const struct file_operations signalfd_fops;

static int signalfd_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

/* Any signal in mask pending for current (thread or process)? siglock held. */
static bool signalfd_pending(const sigset_t *mask)
{
	unsigned long p = current->pending.signal.sig[0] |
			  current->signal->shared_pending.signal.sig[0];

	return p & mask->sig[0];
}

static __poll_t signalfd_poll(struct file *file, poll_table *wait)
{
	struct signalfd_ctx *ctx = file->private_data;
	__poll_t events = 0;

	poll_wait(file, &current->sighand->signalfd_wqh, wait);
	spin_lock_irq(&current->sighand->siglock);
	if (signalfd_pending(&ctx->sigmask))
		events |= EPOLLIN;
	spin_unlock_irq(&current->sighand->siglock);
	return events;
}

/*
 * Which union member of siginfo a (signo, code) carries: Linux's
 * siginfo_layout, for the signals Kestrel sends.
 */
enum sil { SIL_KILL, SIL_TIMER, SIL_FAULT, SIL_CHLD, SIL_RT };

#define SI_TIMER -2

static enum sil siginfo_layout(int sig, int code)
{
	if (code > SI_USER && code < SI_KERNEL) {
		if (sig == SIGCHLD)
			return SIL_CHLD;
		if (sig == SIGILL || sig == SIGFPE || sig == SIGSEGV || sig == SIGBUS ||
		    sig == SIGTRAP)
			return SIL_FAULT;
		return SIL_KILL;
	}
	if (code == SI_TIMER)
		return SIL_TIMER;
	return code < 0 ? SIL_RT : SIL_KILL;
}

static void signalfd_fill(struct signalfd_siginfo *ssi, const kernel_siginfo_t *info)
{
	memset(ssi, 0, sizeof(*ssi));
	ssi->ssi_signo = info->si_signo;
	ssi->ssi_errno = info->si_errno;
	ssi->ssi_code = info->si_code;
	switch (siginfo_layout(info->si_signo, info->si_code)) {
	case SIL_KILL:
		ssi->ssi_pid = info->kill.pid;
		ssi->ssi_uid = info->kill.uid;
		break;
	case SIL_TIMER:
		ssi->ssi_tid = info->timer.tid;
		ssi->ssi_overrun = info->timer.overrun;
		ssi->ssi_ptr = (u64)info->timer.value;
		ssi->ssi_int = (s32)info->timer.value;
		break;
	case SIL_FAULT:
		ssi->ssi_addr = (u64)(unsigned long)info->fault.addr;
		break;
	case SIL_CHLD:
		ssi->ssi_pid = info->chld.pid;
		ssi->ssi_uid = info->chld.uid;
		ssi->ssi_status = info->chld.status;
		ssi->ssi_utime = (u64)info->chld.utime;
		ssi->ssi_stime = (u64)info->chld.stime;
		break;
	case SIL_RT:
		ssi->ssi_pid = info->rt.pid;
		ssi->ssi_uid = info->rt.uid;
		ssi->ssi_ptr = (u64)info->rt.value;
		ssi->ssi_int = (s32)info->rt.value;
		break;
	}
}

/*
 * Take one signal of the mask into *info: its number, 0 with nonblock
 * when none is pending, or -ERESTARTSYS when another signal interrupts
 * the wait.
 */
static int signalfd_dequeue(struct signalfd_ctx *ctx, kernel_siginfo_t *info, bool nonblock)
{
	struct sighand_struct *sh = current->sighand;
	DECLARE_WAITQUEUE(wait, current);
	sigset_t others;
	int ret;

	spin_lock_irq(&sh->siglock);
	others.sig[0] = ~ctx->sigmask.sig[0];
	ret = dequeue_signal(current, &others, info);
	if (ret || nonblock) {
		spin_unlock_irq(&sh->siglock);
		return ret ? ret : -EAGAIN;
	}
	add_wait_queue(&sh->signalfd_wqh, &wait);
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		others.sig[0] = ~ctx->sigmask.sig[0];
		ret = dequeue_signal(current, &others, info);
		if (ret)
			break;
		if (signal_pending(current)) {
			ret = -ERESTARTSYS;
			break;
		}
		spin_unlock_irq(&sh->siglock);
		schedule();
		spin_lock_irq(&sh->siglock);
	}
	spin_unlock_irq(&sh->siglock);
	remove_wait_queue(&sh->signalfd_wqh, &wait);
	__set_current_state(TASK_RUNNING);
	return ret;
}

static ssize_t signalfd_read(struct kiocb *iocb, struct iov_iter *to)
{
	struct file *file = iocb->ki_filp;
	struct signalfd_ctx *ctx = file->private_data;
	size_t count = iov_iter_count(to) / sizeof(struct signalfd_siginfo);
	bool nonblock = file->f_flags & O_NONBLOCK;
	ssize_t total = 0;

	if (!count)
		return -EINVAL;
	do {
		struct signalfd_siginfo ssi;
		kernel_siginfo_t info;
		int ret = signalfd_dequeue(ctx, &info, nonblock);

		if (ret <= 0) {
			if (!total)
				return ret == 0 ? -EAGAIN : ret;
			break;
		}
		signalfd_fill(&ssi, &info);
		/* A signal taken is gone even if the copy fails, as Linux. */
		if (copy_to_iter(&ssi, sizeof(ssi), to) != sizeof(ssi))
			return total ? total : -EFAULT;
		total += sizeof(ssi);
		nonblock = true;	/* only the first one is waited for */
	} while (--count);
	return total;
}

static const struct file_operations signalfd_fops = {
	.release = signalfd_release,
	.poll = signalfd_poll,
	.read_iter = signalfd_read,
	.llseek = noop_llseek,
};

static int do_signalfd4(int ufd, sigset_t *mask, int flags)
{
	struct signalfd_ctx *ctx;
	struct file *f;

	if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK))
		return -EINVAL;
	sigdelset(mask, SIGKILL);
	sigdelset(mask, SIGSTOP);
	if (ufd == -1) {
		int fd;

		ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
		if (!ctx)
			return -ENOMEM;
		ctx->sigmask = *mask;
		fd = anon_inode_getfd("[signalfd]", &signalfd_fops, ctx,
				      O_RDWR | (flags & (SFD_CLOEXEC | SFD_NONBLOCK)));
		if (fd < 0)
			kfree(ctx);
		return fd;
	}
	f = fget(ufd);
	if (!f)
		return -EBADF;
	if (f->f_op != &signalfd_fops) {
		fput(f);
		return -EINVAL;
	}
	ctx = f->private_data;
	spin_lock_irq(&current->sighand->siglock);
	ctx->sigmask = *mask;
	spin_unlock_irq(&current->sighand->siglock);
	/* Pollers re-evaluate with the new mask. */
	wake_up(&current->sighand->signalfd_wqh);
	fput(f);
	return ufd;
}

SYSCALL_DEFINE4(signalfd4, int, ufd, const sigset_t __user *, user_mask, size_t, sizemask,
		int, flags)
{
	sigset_t mask;

	if (sizemask != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&mask, user_mask, sizeof(mask)))
		return -EFAULT;
	return do_signalfd4(ufd, &mask, flags);
}

SYSCALL_DEFINE3(signalfd, int, ufd, const sigset_t __user *, user_mask, size_t, sizemask)
{
	sigset_t mask;

	if (sizemask != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&mask, user_mask, sizeof(mask)))
		return -EFAULT;
	return do_signalfd4(ufd, &mask, 0);
}
