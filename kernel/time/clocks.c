/*
 * The POSIX clocks and their syscalls: clock_gettime, clock_getres,
 * gettimeofday, time, clock_settime, settimeofday.
 *
 *   CLOCK_MONOTONIC, _RAW, CLOCK_BOOTTIME   ktime_get_ns(): the TSC since boot
 *                                           (Kestrel never suspends, so
 *                                           BOOTTIME == MONOTONIC; no NTP
 *                                           slewing, so RAW == MONOTONIC)
 *   CLOCK_REALTIME                          monotonic + real_offset
 *   *_COARSE                                the same, rounded down to a tick
 *   CLOCK_THREAD_CPUTIME_ID                 the thread's sum_exec_runtime
 *   CLOCK_PROCESS_CPUTIME_ID                the sum over the live threads of
 *                                           the process (time of threads that
 *                                           already exited is not kept)
 *   negative ids                            Linux's CPU clocks of another
 *                                           thread or process (clock_getcpuclockid)
 *
 * real_offset is set once from the RTC at the first use (the RTC has whole
 * seconds) and replaced whole by clock_settime/settimeofday: one aligned
 * 64-bit word, read with READ_ONCE and set with a compare-and-swap, so it
 * needs no lock.
 */
#include <kestrel/atomic.h>
#include <kestrel/cred.h>
#include <kestrel/errno.h>
#include <kestrel/sched.h>
#include <kestrel/syscalls.h>
#include <kestrel/time.h>
#include <kestrel/uaccess.h>
#include <asm/processor.h>
#include <asm/vdso.h>

#define REAL_OFFSET_UNSET ((s64)1 << 63)
#define TICK_NSEC (NSEC_PER_SEC / HZ)

static s64 real_offset = REAL_OFFSET_UNSET;	/* realtime - monotonic, ns (see above) */

s64 ktime_get_real_offset(void)
{
	s64 off = READ_ONCE(real_offset), expected = REAL_OFFSET_UNSET, rtc;

	if (off != REAL_OFFSET_UNSET)
		return off;
	rtc = rtc_get_seconds();
	off = (rtc > 0 ? rtc * (s64)NSEC_PER_SEC : 0) - (s64)ktime_get_ns();
	/* A racing first reader (or clock_settime) may have set it first: keep theirs. */
	if (!try_cmpxchg_relaxed(&real_offset, &expected, off))
		off = expected;
	return off;
}

u64 ktime_get_real_ns(void)
{
	s64 off = ktime_get_real_offset();

	return (u64)((s64)ktime_get_ns() + off);
}

/* ---- CPU time ---- */

static int task_tgid_of(const struct task_struct *p)
{
	return p->tgid ? p->tgid : p->pid;	/* kernel threads: their own process */
}

/* p's run time, with the running stretch not yet charged when p is current. Irqs off. */
static u64 task_runtime_locked(struct task_struct *p)
{
	u64 ns = READ_ONCE(p->sum_exec_runtime);

	if (p == current) {
		u64 now = ktime_get_ns(), start = READ_ONCE(p->exec_start);

		if (now > start)
			ns += now - start;
	}
	return ns;
}

struct cputime_req {
	int id;			/* thread id or process id */
	bool thread;
	bool found;
	u64 ns;
};

static void cputime_one(struct task_struct *p, void *arg)
{
	struct cputime_req *r = arg;

	if (r->thread ? p->pid != r->id : task_tgid_of(p) != r->id)
		return;
	if (p->flags & PF_IDLE)
		return;
	r->found = true;
	r->ns += task_runtime_locked(p);
}

/* CPU time of thread (thread) or process id; 0 or -EINVAL if there is none. */
static int cputime_get(int id, bool thread, u64 *ns)
{
	struct cputime_req r = { .id = id, .thread = thread };
	unsigned long flags;

	if (thread && id == current->pid) {
		flags = local_irq_save();
		*ns = task_runtime_locked(current);
		local_irq_restore(flags);
		return 0;
	}
	sched_for_each_task(cputime_one, &r);
	if (!r.found)
		return -EINVAL;
	*ns = r.ns;
	return 0;
}

/* Linux's CPU clock ids: ~pid << 3 | per-thread (4) | which (0 prof, 1 virt, 2 sched). */
#define CPUCLOCK_PERTHREAD_MASK 4
#define CPUCLOCK_WHICH(c) ((c) & 3)
#define CPUCLOCK_PID(c) ((int)~((c) >> 3))

static int cpu_clock_get(int which, u64 *ns)
{
	bool thread = which & CPUCLOCK_PERTHREAD_MASK;
	int id = CPUCLOCK_PID(which);

	if (CPUCLOCK_WHICH(which) == 3)
		return -EINVAL;
	if (!id)
		id = thread ? current->pid : task_tgid_of(current);
	/* Kestrel does not split user and system time: prof, virt and sched agree. */
	return cputime_get(id, thread, ns);
}

int posix_clock_get_ns(int which, u64 *ns)
{
	switch (which) {
	case CLOCK_REALTIME:
		*ns = ktime_get_real_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_BOOTTIME:
		*ns = ktime_get_ns();
		return 0;
	case CLOCK_REALTIME_COARSE:
		*ns = ktime_get_real_ns();
		*ns -= *ns % TICK_NSEC;
		return 0;
	case CLOCK_MONOTONIC_COARSE:
		*ns = ktime_get_ns();
		*ns -= *ns % TICK_NSEC;
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
		return cputime_get(task_tgid_of(current), false, ns);
	case CLOCK_THREAD_CPUTIME_ID:
		return cputime_get(current->pid, true, ns);
	default:
		if (which < 0)
			return cpu_clock_get(which, ns);
		return -EINVAL;
	}
}

/* ---- user structures ---- */

int put_timespec_ns(u64 ns, struct __kernel_timespec __user *uts)
{
	struct __kernel_timespec ts = {
		.tv_sec = (s64)(ns / NSEC_PER_SEC),
		.tv_nsec = (long)(ns % NSEC_PER_SEC),
	};

	return copy_to_user(uts, &ts, sizeof(ts)) ? -EFAULT : 0;
}

int get_timespec(struct __kernel_timespec *ts, const struct __kernel_timespec __user *uts)
{
	if (copy_from_user(ts, uts, sizeof(*ts)))
		return -EFAULT;
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= (long)NSEC_PER_SEC)
		return -EINVAL;
	return 0;
}

u64 timespec_to_ns_sat(const struct __kernel_timespec *ts)
{
	/* Past ~292 years the sum no longer fits: saturate ("forever"). */
	if ((u64)ts->tv_sec >= (U64_MAX_NS - NSEC_PER_SEC) / NSEC_PER_SEC)
		return U64_MAX_NS;
	return (u64)ts->tv_sec * NSEC_PER_SEC + (u64)ts->tv_nsec;
}

/* ---- the syscalls ---- */

SYSCALL_DEFINE2(clock_gettime, int, which, struct __kernel_timespec __user *, tp)
{
	u64 ns;
	int err = posix_clock_get_ns(which, &ns);

	return err ? err : put_timespec_ns(ns, tp);
}

SYSCALL_DEFINE2(clock_getres, int, which, struct __kernel_timespec __user *, tp)
{
	u64 ns, res = 1;
	int err = posix_clock_get_ns(which, &ns);	/* validates the id (and a CPU clock's task) */

	if (err)
		return err;
	if (which == CLOCK_REALTIME_COARSE || which == CLOCK_MONOTONIC_COARSE)
		res = TICK_NSEC;
	return tp ? put_timespec_ns(res, tp) : 0;
}

struct __kernel_old_timeval {
	long tv_sec;
	long tv_usec;
};

struct timezone {
	int tz_minuteswest;
	int tz_dsttime;
};

SYSCALL_DEFINE2(gettimeofday, struct __kernel_old_timeval __user *, tv,
		struct timezone __user *, tz)
{
	if (tv) {
		u64 ns = ktime_get_real_ns();
		struct __kernel_old_timeval v = {
			.tv_sec = (long)(ns / NSEC_PER_SEC),
			.tv_usec = (long)(ns % NSEC_PER_SEC / NSEC_PER_USEC),
		};

		if (copy_to_user(tv, &v, sizeof(v)))
			return -EFAULT;
	}
	if (tz) {
		struct timezone z = { 0, 0 };	/* UTC; Linux keeps whatever was set, we keep none */

		if (copy_to_user(tz, &z, sizeof(z)))
			return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE1(time, long __user *, tloc)
{
	long t = (long)(ktime_get_real_ns() / NSEC_PER_SEC);

	if (tloc && put_user(t, tloc))
		return -EFAULT;
	return t;
}

/* Make CLOCK_REALTIME read ns now. */
static int set_realtime_ns(u64 ns)
{
	if (!capable(CAP_SYS_TIME))
		return -EPERM;
	WRITE_ONCE(real_offset, (s64)ns - (s64)ktime_get_ns());
	vdso_update_realtime();
	return 0;
}

SYSCALL_DEFINE2(clock_settime, int, which, const struct __kernel_timespec __user *, tp)
{
	struct __kernel_timespec ts;
	int err;

	if (which != CLOCK_REALTIME)
		return -EINVAL;	/* as Linux: the other clocks cannot be set */
	err = get_timespec(&ts, tp);
	if (err)
		return err;
	return set_realtime_ns(timespec_to_ns_sat(&ts));
}

SYSCALL_DEFINE2(settimeofday, const struct __kernel_old_timeval __user *, tv,
		const struct timezone __user *, tz)
{
	struct __kernel_old_timeval v;
	struct timezone z;

	if (tz && copy_from_user(&z, tz, sizeof(z)))
		return -EFAULT;
	if (!tv)
		return capable(CAP_SYS_TIME) ? 0 : -EPERM;	/* the time zone only: not kept */
	if (copy_from_user(&v, tv, sizeof(v)))
		return -EFAULT;
	if (v.tv_sec < 0 || v.tv_usec < 0 || v.tv_usec >= 1000000)
		return -EINVAL;
	return set_realtime_ns((u64)v.tv_sec * NSEC_PER_SEC + (u64)v.tv_usec * NSEC_PER_USEC);
}
