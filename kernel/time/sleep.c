/*
 * nanosleep, clock_nanosleep and restart_syscall.
 *
 * A sleep is a loop on the clock's own reading: sleep (TASK_INTERRUPTIBLE)
 * for the jiffies that cover what is left, then read the clock again, so
 * it never ends early even if jiffies and the TSC drift apart; it ends
 * late by up to a tick (HZ = 100: 10 ms), as on a Linux without
 * high-resolution timers.
 *
 * Relative sleeps run on CLOCK_MONOTONIC whatever the clock (POSIX:
 * setting the time does not shorten a relative sleep); absolute ones
 * (TIMER_ABSTIME) read their clock, so a CLOCK_REALTIME deadline follows
 * clock_settime at the next wake-up.
 *
 * A signal (include/kestrel/restart_block.h): an absolute sleep returns
 * -ERESTARTNOHAND (replaying the same call is right); a relative one writes
 * the time left to *rmtp and returns -ERESTART_RESTARTBLOCK with the
 * absolute expiry saved, so a restart after a stop/continue sleeps only
 * what was left. With a handler both become -EINTR, as on Linux.
 */
#include <kestrel/errno.h>
#include <kestrel/restart_block.h>
#include <kestrel/sched.h>
#include <kestrel/signal.h>
#include <kestrel/syscalls.h>
#include <kestrel/time.h>
#include <kestrel/timer.h>
#include <kestrel/uaccess.h>

#define TICK_NSEC (NSEC_PER_SEC / HZ)

long do_no_restart_syscall(struct restart_block *rb)
{
	return -EINTR;
}

SYSCALL_DEFINE0(restart_syscall)
{
	struct restart_block *rb = &current->restart_block;
	long (*fn)(struct restart_block *) = rb->fn;

	rb->fn = NULL;		/* one restart per interruption */
	return fn ? fn(rb) : -EINTR;
}

/*
 * Sleep until clock reads at least expires. 0 when it does, or 1 when a
 * signal is pending first (*left: ns still to go).
 */
static int sleep_until(int clockid, u64 expires, u64 *left)
{
	u64 now;

	for (;;) {
		if (posix_clock_get_ns(clockid, &now))
			return 0;	/* checked by the caller: cannot happen */
		if (now >= expires)
			return 0;
		set_current_state(TASK_INTERRUPTIBLE);
		if (signal_pending(current)) {
			__set_current_state(TASK_RUNNING);
			*left = expires - now;
			return 1;
		}
		/* At most a day a round: the loop rereads the clock anyway. */
		schedule_timeout((long)DIV_ROUND_UP(expires - now < 86400 * NSEC_PER_SEC ?
						    expires - now : 86400 * NSEC_PER_SEC,
						    TICK_NSEC));
	}
}

static long nanosleep_restart(struct restart_block *rb);

/* A relative sleep to expires on clockid, with rmtp and the restart block on a signal. */
static long do_nanosleep_rel(int clockid, u64 expires, struct __kernel_timespec __user *rmtp)
{
	struct restart_block *rb = &current->restart_block;
	u64 left;

	if (!sleep_until(clockid, expires, &left))
		return 0;
	if (rmtp && put_timespec_ns(left, rmtp))
		return -EFAULT;
	rb->fn = nanosleep_restart;
	rb->nanosleep.clockid = clockid;
	rb->nanosleep.expires = expires;
	rb->nanosleep.rmtp = rmtp;
	return -ERESTART_RESTARTBLOCK;
}

static long nanosleep_restart(struct restart_block *rb)
{
	return do_nanosleep_rel(rb->nanosleep.clockid, rb->nanosleep.expires,
				rb->nanosleep.rmtp);
}

/* now + rel on the monotonic clock, saturated. */
static u64 rel_expiry(u64 rel)
{
	u64 now = ktime_get_ns();

	return rel > U64_MAX_NS - now ? U64_MAX_NS : now + rel;
}

SYSCALL_DEFINE2(nanosleep, const struct __kernel_timespec __user *, rqtp,
		struct __kernel_timespec __user *, rmtp)
{
	struct __kernel_timespec ts;
	int err = get_timespec(&ts, rqtp);

	if (err)
		return err;
	return do_nanosleep_rel(CLOCK_MONOTONIC, rel_expiry(timespec_to_ns_sat(&ts)), rmtp);
}

SYSCALL_DEFINE4(clock_nanosleep, int, which, int, flags, const struct __kernel_timespec __user *,
		rqtp, struct __kernel_timespec __user *, rmtp)
{
	struct __kernel_timespec ts;
	u64 left;
	int err;

	switch (which) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
		break;
	case CLOCK_THREAD_CPUTIME_ID:
		return -EINVAL;	/* as Linux */
	default:
		return which < 0 || which == CLOCK_PROCESS_CPUTIME_ID ? -EOPNOTSUPP : -EINVAL;
	}
	err = get_timespec(&ts, rqtp);
	if (err)
		return err;
	if (!(flags & TIMER_ABSTIME))
		return do_nanosleep_rel(CLOCK_MONOTONIC, rel_expiry(timespec_to_ns_sat(&ts)), rmtp);
	if (!sleep_until(which, timespec_to_ns_sat(&ts), &left))
		return 0;
	return -ERESTARTNOHAND;
}
