/*
 * timerfd_create(2), timerfd_settime(2), timerfd_gettime(2), after
 * Linux's fs/timerfd.c: a timer whose expirations are read from a
 * descriptor (8 bytes: how many since the last read), so that a program
 * can wait for it with poll/epoll next to its other descriptors.
 *
 * Clocks: CLOCK_MONOTONIC, CLOCK_BOOTTIME (the same clock here: Kestrel
 * never suspends), CLOCK_REALTIME, and the _ALARM forms of the last two
 * (CAP_WAKE_ALARM; with no suspend they are the plain clocks). The expiry
 * is kept in the clock's own time, so a CLOCK_REALTIME timer follows
 * clock_settime (as on Linux, relative ones too): the clock's setter
 * calls timerfd_clock_was_set(), which re-aims every realtime timer and,
 * for those set with TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, makes
 * the next read fail with ECANCELED.
 *
 * The timer is a timer_list (one tick of resolution, HZ per second):
 * its function, in the tick's interrupt, checks the clock (a timer never
 * fires early: a tick that came too soon re-aims it), counts the
 * expiration and wakes readers. A periodic timer is not re-armed there
 * but by the next read or timerfd_gettime, which adds the intervals that
 * passed meanwhile to the count (Linux does the same, so a very short
 * period cannot keep a CPU in interrupts).
 *
 * Locking: ctx->wqh.lock (irqsave; the timer function takes it) protects
 * the timer state; it is taken outside the timer base's lock (the
 * function re-aims the timer under it). del_timer_sync is called without
 * it. timerfd_realtime_lock (a mutex) guards the list of realtime timers.
 */
#include <kestrel/anon_inodes.h>
#include <kestrel/fdtable.h>
#include <kestrel/init.h>
#include <kestrel/mutex.h>
#include <kestrel/poll.h>
#include <kestrel/sched.h>
#include <kestrel/slab.h>
#include <kestrel/syscalls.h>
#include <kestrel/time.h>
#include <kestrel/timer.h>
#include <kestrel/uaccess.h>
#include <kestrel/uio.h>

#define TFD_TIMER_ABSTIME (1 << 0)
#define TFD_TIMER_CANCEL_ON_SET (1 << 1)
#define TFD_CLOEXEC O_CLOEXEC
#define TFD_NONBLOCK O_NONBLOCK
#define TFD_SETTIME_FLAGS (TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)
#define TFD_CREATE_FLAGS (TFD_CLOEXEC | TFD_NONBLOCK)

#define CLOCK_REALTIME_ALARM 8
#define CLOCK_BOOTTIME_ALARM 9
#define TICK_NSEC (NSEC_PER_SEC / HZ)

struct itimerspec64 {
	struct __kernel_timespec it_interval;
	struct __kernel_timespec it_value;
};

/*
 * Locks used to protect struct members here:
 *	[c] constant after creation
 *	[S] a lock or wait queue itself
 *	[e] an embedded struct whose own members carry the tags
 *	[w] wqh.lock (irqsave)
 *	[r] timerfd_realtime_lock
 */
struct timerfd_ctx {
	struct timer_list t;		/* [e] aimed at the tick at or after expires */
	wait_queue_head_t wqh;		/* [S] readers and pollers; its lock guards [w] */
	int clockid;			/* [c] the clock expires is in (ALARM: the plain one) */
	bool realtime;			/* [c] a CLOCK_REALTIME timer: on the realtime list */
	bool armed;			/* [w] expires is a live expiry */
	bool expired;			/* [w] the timer fired and a periodic one awaits re-arming */
	bool cancel_on_set;		/* [w] TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET */
	bool canceled;			/* [w] the clock was set: the next read is ECANCELED */
	u64 expires;			/* [w] ns on clockid */
	u64 tintv;			/* [w] the period in ns, 0: one shot */
	u64 ticks;			/* [w] expirations not yet read */
	struct list_head rt_node;	/* [r] on timerfd_realtime_list */
};

static DEFINE_MUTEX(timerfd_realtime_lock);
static LIST_HEAD(timerfd_realtime_list);	/* [r] every CLOCK_REALTIME timerfd */

static const struct file_operations timerfd_fops;

static u64 timerfd_now(const struct timerfd_ctx *ctx)
{
	u64 ns = 0;

	posix_clock_get_ns(ctx->clockid, &ns);
	return ns;
}

/* Aim the timer at expires (at least the next tick). wqh.lock held. */
static void timerfd_program(struct timerfd_ctx *ctx, u64 now)
{
	u64 ticks = ctx->expires > now ? DIV_ROUND_UP(ctx->expires - now, TICK_NSEC) : 0;

	mod_timer(&ctx->t, get_jiffies_64() + (ticks ? ticks : 1));
}

/* The tick's interrupt: count an expiration, or re-aim if the clock is not there yet. */
static void timerfd_tmrproc(struct timer_list *t)
{
	struct timerfd_ctx *ctx = from_timer(ctx, t, t);
	unsigned long flags;
	u64 now;

	spin_lock_irqsave(&ctx->wqh.lock, flags);
	if (!ctx->armed || ctx->expired)
		goto out;
	now = timerfd_now(ctx);
	if (now < ctx->expires) {
		timerfd_program(ctx, now);
		goto out;
	}
	ctx->expired = true;
	ctx->ticks++;
	if (!ctx->tintv)
		ctx->armed = false;	/* a one-shot timer is done */
	wake_up_locked_poll(&ctx->wqh, EPOLLIN);
out:
	spin_unlock_irqrestore(&ctx->wqh.lock, flags);
}

/*
 * A periodic timer that fired: move expires past now, re-arm, and return
 * how many periods that skipped (the fired one included). wqh.lock held.
 */
static u64 timerfd_forward(struct timerfd_ctx *ctx)
{
	u64 now = timerfd_now(ctx), orun;

	ctx->expired = false;
	if (now < ctx->expires)
		orun = 1;	/* the clock went back: only the expiration that fired */
	else
		orun = (now - ctx->expires) / ctx->tintv + 1;
	ctx->expires += orun * ctx->tintv;
	timerfd_program(ctx, now);
	return orun;
}

/* it_value: the time left (0 if disarmed or due); wqh.lock held. */
static u64 timerfd_remaining(struct timerfd_ctx *ctx)
{
	u64 now;

	if (!ctx->armed)
		return 0;
	now = timerfd_now(ctx);
	return ctx->expires > now ? ctx->expires - now : 0;
}

/* The current setting, re-arming a fired periodic timer first (as Linux). wqh.lock held. */
static void timerfd_get_locked(struct timerfd_ctx *ctx, u64 *value, u64 *interval)
{
	if (ctx->expired && ctx->tintv)
		ctx->ticks += timerfd_forward(ctx) - 1;
	*value = timerfd_remaining(ctx);
	*interval = ctx->tintv;
}

static void ns_to_kts(u64 ns, struct __kernel_timespec *ts)
{
	ts->tv_sec = (s64)(ns / NSEC_PER_SEC);
	ts->tv_nsec = (long)(ns % NSEC_PER_SEC);
}

void timerfd_clock_was_set(void)
{
	struct timerfd_ctx *ctx;

	mutex_lock(&timerfd_realtime_lock);
	list_for_each_entry(ctx, &timerfd_realtime_list, rt_node) {
		spin_lock_irq(&ctx->wqh.lock);
		if (ctx->armed && !ctx->expired)
			timerfd_program(ctx, timerfd_now(ctx));
		if (ctx->cancel_on_set && !ctx->canceled) {
			ctx->canceled = true;
			ctx->ticks++;	/* readable: the read reports ECANCELED */
			wake_up_locked_poll(&ctx->wqh, EPOLLIN);
		}
		spin_unlock_irq(&ctx->wqh.lock);
	}
	mutex_unlock(&timerfd_realtime_lock);
}

static int timerfd_release(struct inode *inode, struct file *file)
{
	struct timerfd_ctx *ctx = file->private_data;

	if (ctx->realtime) {
		mutex_lock(&timerfd_realtime_lock);
		list_del(&ctx->rt_node);
		mutex_unlock(&timerfd_realtime_lock);
	}
	spin_lock_irq(&ctx->wqh.lock);
	ctx->armed = false;	/* a running timer function stops re-aiming */
	spin_unlock_irq(&ctx->wqh.lock);
	del_timer_sync(&ctx->t);
	kfree(ctx);
	return 0;
}

static __poll_t timerfd_poll(struct file *file, poll_table *wait)
{
	struct timerfd_ctx *ctx = file->private_data;

	poll_wait(file, &ctx->wqh, wait);
	return READ_ONCE(ctx->ticks) ? EPOLLIN | EPOLLRDNORM : 0;
}

static ssize_t timerfd_read(struct kiocb *iocb, struct iov_iter *to)
{
	struct file *file = iocb->ki_filp;
	struct timerfd_ctx *ctx = file->private_data;
	u64 ticks;

	if (iov_iter_count(to) < sizeof(ticks))
		return -EINVAL;
	for (;;) {
		spin_lock_irq(&ctx->wqh.lock);
		if (ctx->ticks)
			break;
		spin_unlock_irq(&ctx->wqh.lock);
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(ctx->wqh, READ_ONCE(ctx->ticks) != 0))
			return -ERESTARTSYS;
	}
	if (ctx->canceled) {
		ctx->canceled = false;
		ctx->ticks = 0;
		ctx->expired = false;
		spin_unlock_irq(&ctx->wqh.lock);
		return -ECANCELED;
	}
	ticks = ctx->ticks;
	if (ctx->expired && ctx->tintv)
		ticks += timerfd_forward(ctx) - 1;
	ctx->expired = false;
	ctx->ticks = 0;
	spin_unlock_irq(&ctx->wqh.lock);
	if (copy_to_iter(&ticks, sizeof(ticks), to) != sizeof(ticks))
		return -EFAULT;
	return sizeof(ticks);
}

static const struct file_operations timerfd_fops = {
	.release = timerfd_release,
	.poll = timerfd_poll,
	.read_iter = timerfd_read,
	.llseek = noop_llseek,
};

SYSCALL_DEFINE2(timerfd_create, int, clockid, int, flags)
{
	struct timerfd_ctx *ctx;
	int fd;

	if (flags & ~TFD_CREATE_FLAGS)
		return -EINVAL;
	if (clockid != CLOCK_MONOTONIC && clockid != CLOCK_REALTIME && clockid != CLOCK_BOOTTIME &&
	    clockid != CLOCK_REALTIME_ALARM && clockid != CLOCK_BOOTTIME_ALARM)
		return -EINVAL;
	if ((clockid == CLOCK_REALTIME_ALARM || clockid == CLOCK_BOOTTIME_ALARM) &&
	    !capable(CAP_WAKE_ALARM))
		return -EPERM;
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	init_waitqueue_head(&ctx->wqh);
	timer_setup(&ctx->t, timerfd_tmrproc, 0);
	ctx->clockid = clockid == CLOCK_REALTIME_ALARM ? CLOCK_REALTIME :
		       clockid == CLOCK_BOOTTIME_ALARM ? CLOCK_BOOTTIME : clockid;
	ctx->realtime = ctx->clockid == CLOCK_REALTIME;
	INIT_LIST_HEAD(&ctx->rt_node);
	if (ctx->realtime) {
		mutex_lock(&timerfd_realtime_lock);
		list_add(&ctx->rt_node, &timerfd_realtime_list);
		mutex_unlock(&timerfd_realtime_lock);
	}
	fd = anon_inode_getfd("[timerfd]", &timerfd_fops, ctx, O_RDWR | (flags & TFD_CREATE_FLAGS));
	if (fd < 0) {
		if (ctx->realtime) {
			mutex_lock(&timerfd_realtime_lock);
			list_del(&ctx->rt_node);
			mutex_unlock(&timerfd_realtime_lock);
		}
		kfree(ctx);
	}
	return fd;
}

/* The timerfd behind ufd, referenced; ERR_PTR(-EBADF/-EINVAL). */
static struct file *timerfd_fget(int ufd)
{
	struct file *f = fget(ufd);

	if (!f)
		return ERR_PTR(-EBADF);
	if (f->f_op != &timerfd_fops) {
		fput(f);
		return ERR_PTR(-EINVAL);
	}
	return f;
}

static int get_itimerspec(struct itimerspec64 *its, const struct itimerspec64 __user *u)
{
	if (copy_from_user(its, u, sizeof(*its)))
		return -EFAULT;
	if (its->it_value.tv_sec < 0 || its->it_value.tv_nsec < 0 ||
	    its->it_value.tv_nsec >= (long)NSEC_PER_SEC || its->it_interval.tv_sec < 0 ||
	    its->it_interval.tv_nsec < 0 || its->it_interval.tv_nsec >= (long)NSEC_PER_SEC)
		return -EINVAL;
	return 0;
}

static int put_itimerspec(u64 value, u64 interval, struct itimerspec64 __user *u)
{
	struct itimerspec64 its;

	ns_to_kts(value, &its.it_value);
	ns_to_kts(interval, &its.it_interval);
	return copy_to_user(u, &its, sizeof(its)) ? -EFAULT : 0;
}

SYSCALL_DEFINE4(timerfd_settime, int, ufd, int, flags, const struct itimerspec64 __user *, utmr,
		struct itimerspec64 __user *, otmr)
{
	struct itimerspec64 new;
	struct timerfd_ctx *ctx;
	u64 value, ovalue, ointerval;
	struct file *f;
	int err;

	err = get_itimerspec(&new, utmr);
	if (err)
		return err;
	if (flags & ~TFD_SETTIME_FLAGS)
		return -EINVAL;
	f = timerfd_fget(ufd);
	if (IS_ERR(f))
		return PTR_ERR(f);
	ctx = f->private_data;
	value = timespec_to_ns_sat(&new.it_value);

	/* Stop the old timer first: its function takes wqh.lock. */
	spin_lock_irq(&ctx->wqh.lock);
	timerfd_get_locked(ctx, &ovalue, &ointerval);
	ctx->armed = false;
	spin_unlock_irq(&ctx->wqh.lock);
	del_timer_sync(&ctx->t);

	spin_lock_irq(&ctx->wqh.lock);
	ctx->expired = false;
	ctx->ticks = 0;
	ctx->canceled = false;
	ctx->cancel_on_set = ctx->realtime && (flags & TFD_TIMER_ABSTIME) &&
			     (flags & TFD_TIMER_CANCEL_ON_SET);
	ctx->tintv = timespec_to_ns_sat(&new.it_interval);
	if (value) {
		u64 now = timerfd_now(ctx);

		ctx->expires = (flags & TFD_TIMER_ABSTIME) ? value : now + value;
		ctx->armed = true;
		timerfd_program(ctx, now);
	}
	spin_unlock_irq(&ctx->wqh.lock);
	fput(f);
	/* The new setting stands even if the old one cannot be written back. */
	if (otmr)
		return put_itimerspec(ovalue, ointerval, otmr);
	return 0;
}

SYSCALL_DEFINE2(timerfd_gettime, int, ufd, struct itimerspec64 __user *, otmr)
{
	struct timerfd_ctx *ctx;
	u64 value, interval;
	struct file *f = timerfd_fget(ufd);

	if (IS_ERR(f))
		return PTR_ERR(f);
	ctx = f->private_data;
	spin_lock_irq(&ctx->wqh.lock);
	timerfd_get_locked(ctx, &value, &interval);
	spin_unlock_irq(&ctx->wqh.lock);
	fput(f);
	return put_itimerspec(value, interval, otmr);
}
