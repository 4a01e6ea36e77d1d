/*
 * ITIMER_REAL: alarm(2), setitimer(2), getitimer(2). When a process's
 * real timer expires it gets SIGALRM; an interval re-arms it.
 *
 * One struct itimer_real per process that has armed a timer, found by
 * tgid (the timer belongs to the process, not to the thread that set it:
 * not inherited by fork, kept across exec, as on Linux). Entries are
 * never freed, only reused: an entry that is not armed may be taken by
 * any process, so there are at most as many as timers ever armed at once.
 * That also means a process that exits with its timer armed needs no
 * exit hook: the timer fires, kill_pid() finds nobody, the entry is idle.
 *
 * Expiry: a timer_list (jiffies) fires in interrupt context and only
 * queues the entry's work item; the work function, in a kworker, checks
 * the time on ktime_get_ns() (so the signal never comes early), sends the
 * signal and re-arms. Locking: itimer_lock (a mutex) protects the list
 * and every entry's tgid, armed, expires and interval; the timer callback
 * takes no lock (queue_work is safe from any context).
 */
#include <kestrel/errno.h>
#include <kestrel/mutex.h>
#include <kestrel/sched.h>
#include <kestrel/signal.h>
#include <kestrel/slab.h>
#include <kestrel/syscalls.h>
#include <kestrel/time.h>
#include <kestrel/timer.h>
#include <kestrel/uaccess.h>
#include <kestrel/workqueue.h>

#define ITIMER_REAL 0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF 2
#define TICK_NSEC (NSEC_PER_SEC / HZ)

struct itimer_real {
	struct list_head node;		/* in itimers */
	int tgid;			/* owner, while armed (or last owner) */
	bool armed;
	u64 expires;			/* ktime_get_ns() value of the next expiry */
	u64 interval;			/* ns between expiries, 0: one shot */
	struct timer_list timer;	/* set to the tick at or after expires */
	struct work_struct work;	/* queued by the timer: sends the signal */
};

static LIST_HEAD(itimers);
static DEFINE_MUTEX(itimer_lock);	/* protects itimers and the entries' fields (above) */

static int current_tgid(void)
{
	return current->tgid ? current->tgid : current->pid;
}

/* Point the timer at expires. itimer_lock held. */
static void itimer_program(struct itimer_real *it)
{
	u64 now = ktime_get_ns();
	u64 ticks = it->expires > now ? DIV_ROUND_UP(it->expires - now, TICK_NSEC) : 0;

	mod_timer(&it->timer, get_jiffies_64() + ticks);
}

static void itimer_fire(struct timer_list *t)
{
	struct itimer_real *it = from_timer(it, t, timer);

	schedule_work(&it->work);
}

static void itimer_work(struct work_struct *w)
{
	struct itimer_real *it = container_of(w, struct itimer_real, work);
	u64 now = ktime_get_ns();

	mutex_lock(&itimer_lock);
	if (!it->armed)
		goto out;
	if (now < it->expires) {	/* jiffies ran ahead of the TSC: not yet */
		itimer_program(it);
		goto out;
	}
	if (kill_pid(it->tgid, SIGALRM, 1) == -ESRCH) {
		it->armed = false;	/* the process is gone */
		goto out;
	}
	if (it->interval) {
		/* Overruns are not queued: the next expiry after now. */
		it->expires += it->interval * (1 + (now - it->expires) / it->interval);
		itimer_program(it);
	} else {
		it->armed = false;
	}
out:
	mutex_unlock(&itimer_lock);
}

/* The caller's entry, or (alloc) an idle or new one for it; NULL if none. itimer_lock held. */
static struct itimer_real *itimer_find(int tgid, bool alloc)
{
	struct itimer_real *it, *idle = NULL;

	list_for_each_entry(it, &itimers, node) {
		if (it->tgid == tgid)
			return it;
		if (!it->armed && !idle)
			idle = it;
	}
	if (!alloc)
		return NULL;
	if (!idle) {
		idle = kzalloc(sizeof(*idle), GFP_KERNEL);
		if (!idle)
			return NULL;
		timer_setup(&idle->timer, itimer_fire, 0);
		INIT_WORK(&idle->work, itimer_work);
		list_add(&idle->node, &itimers);
	}
	idle->tgid = tgid;
	idle->armed = false;
	return idle;
}

struct k_itimer_val {
	u64 value;	/* ns until expiry, 0: disarmed */
	u64 interval;
};

/* Replace the caller's ITIMER_REAL with *new (may be NULL: read only); the old one to *old. */
static int do_itimer_real(const struct k_itimer_val *new, struct k_itimer_val *old)
{
	struct itimer_real *it;
	int tgid = current_tgid();
	u64 now = ktime_get_ns();

	mutex_lock(&itimer_lock);
	it = itimer_find(tgid, new && new->value);
	if (old) {
		old->value = 0;
		old->interval = 0;
		if (it && it->tgid == tgid && it->armed) {
			old->value = it->expires > now ? it->expires - now : 1;
			old->interval = it->interval;
		}
	}
	if (new) {
		if (new->value && !it) {
			mutex_unlock(&itimer_lock);
			return -ENOMEM;
		}
		if (it && it->tgid == tgid) {
			it->armed = new->value != 0;
			it->interval = new->value ? new->interval : 0;
			if (it->armed) {
				it->expires = now + new->value;
				itimer_program(it);
			}
		}
	}
	mutex_unlock(&itimer_lock);
	return 0;
}

struct __kernel_old_itimerval {
	struct { long tv_sec, tv_usec; } it_interval, it_value;
};

static int tv_to_ns(long sec, long usec, u64 *ns)
{
	if (sec < 0 || usec < 0 || usec >= 1000000)
		return -EINVAL;
	/* Linux caps a huge value rather than failing; so do we (about 292 years). */
	*ns = (u64)sec > (U64_MAX_NS >> 1) / NSEC_PER_SEC ? U64_MAX_NS >> 1
						       : (u64)sec * NSEC_PER_SEC + (u64)usec * 1000;
	return 0;
}

static void ns_to_tv(u64 ns, long *sec, long *usec)
{
	*sec = (long)(ns / NSEC_PER_SEC);
	*usec = (long)DIV_ROUND_UP(ns % NSEC_PER_SEC, 1000);
	if (*usec == 1000000) {
		(*sec)++;
		*usec = 0;
	}
}

static int put_itimerval(const struct k_itimer_val *v, struct __kernel_old_itimerval __user *u)
{
	struct __kernel_old_itimerval k;

	ns_to_tv(v->interval, &k.it_interval.tv_sec, &k.it_interval.tv_usec);
	ns_to_tv(v->value, &k.it_value.tv_sec, &k.it_value.tv_usec);
	return copy_to_user(u, &k, sizeof(k)) ? -EFAULT : 0;
}

SYSCALL_DEFINE2(getitimer, int, which, struct __kernel_old_itimerval __user *, value)
{
	struct k_itimer_val old;
	int err;

	if (which != ITIMER_REAL)
		return -EINVAL;	/* ITIMER_VIRTUAL/PROF: Kestrel has no CPU-time timers */
	err = do_itimer_real(NULL, &old);
	return err ? err : put_itimerval(&old, value);
}

SYSCALL_DEFINE3(setitimer, int, which, const struct __kernel_old_itimerval __user *, value,
		struct __kernel_old_itimerval __user *, ovalue)
{
	struct __kernel_old_itimerval k = { 0 };
	struct k_itimer_val new = { 0, 0 }, old;
	int err;

	if (which != ITIMER_REAL)
		return -EINVAL;
	/* As Linux: a NULL value disarms. */
	if (value && copy_from_user(&k, value, sizeof(k)))
		return -EFAULT;
	err = tv_to_ns(k.it_value.tv_sec, k.it_value.tv_usec, &new.value);
	if (!err)
		err = tv_to_ns(k.it_interval.tv_sec, k.it_interval.tv_usec, &new.interval);
	if (err)
		return err;
	err = do_itimer_real(&new, &old);
	if (!err && ovalue)
		err = put_itimerval(&old, ovalue);
	return err;
}

SYSCALL_DEFINE1(alarm, unsigned int, seconds)
{
	struct k_itimer_val new = { (u64)seconds * NSEC_PER_SEC, 0 }, old;
	u64 secs;

	if (do_itimer_real(&new, &old))
		return 0;
	/* As Linux: round to the nearest second, and report at least 1 if it was armed. */
	secs = (old.value + NSEC_PER_SEC / 2) / NSEC_PER_SEC;
	if (old.value && !secs)
		secs = 1;
	return (long)secs;
}
