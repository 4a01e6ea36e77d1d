/*
 * poll(2), ppoll(2), select(2) and pselect6(2), after Linux's fs/select.c.
 *
 * The waiting works like this. A poller builds a struct poll_wqueues
 * and asks every file "what is ready?" through ->poll, handing it the
 * table's poll_table. The file calls poll_wait() for each wait queue
 * that matters; __pollwait() then hangs one poll_table_entry on that
 * queue (and takes a reference on the file, since the queue lives in
 * it). If nothing is ready the poller sleeps (TASK_INTERRUPTIBLE); a
 * wake_up() on any of the queues runs pollwake(), which marks the table
 * triggered and wakes the poller; it asks every file again, this time
 * without registering (the entries stay queued), until something is
 * ready, the time is up, or a signal is pending. Finally every entry is
 * taken off its queue (poll_freewait).
 *
 * The "triggered" flag closes the race between asking and sleeping: the
 * poller sets TASK_INTERRUPTIBLE, then sleeps only if no wake-up came
 * since it last asked.
 *
 * Signals: a pending signal ends the wait with -ERESTARTNOHAND (restart
 * when no handler ran, EINTR otherwise); poll(2) with a timeout returns
 * -ERESTART_RESTARTBLOCK instead, so that its restart waits only the time
 * left (current->restart_block, as Linux). ppoll/pselect6 install their signal
 * mask for the wait (saved_sigmask) and put the old one back, or leave
 * that to signal delivery (restore_sigmask) when a handler will run, so
 * the handler runs under the caller's mask.
 * Timeouts are measured with ktime_get_ns() against an absolute end; the
 * remaining time is written back to the caller's timeval/timespec, as
 * Linux does.
 *
 * Locking: none of its own. A table belongs to one poller thread; the
 * wait queues' own locks cover the entries hung on them.
 */
#include <kestrel/atomic.h>
#include <kestrel/contract/file.h>
#include <kestrel/errno.h>
#include <kestrel/fdtable.h>
#include <kestrel/poll.h>
#include <kestrel/sched.h>
#include <kestrel/sched_signal.h>
#include <kestrel/signal.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/time.h>
#include <kestrel/uaccess.h>


/* time.h's NSEC_PER_* are unsigned; timeouts here are signed. */
#define NS_SEC ((s64)NSEC_PER_SEC)
#define NS_MSEC ((s64)NSEC_PER_MSEC)
#define NS_USEC ((s64)NSEC_PER_USEC)
#define POLL_NO_TIMEOUT (-1LL)	/* a relative timeout meaning "forever" */

/* select(2)'s timeout: Linux's struct sel_timeval. */
struct sel_timeval {
	long tv_sec;
	long tv_usec;
};

__poll_t vfs_poll(struct file *file, poll_table *pt)
{
	if (!file->f_op->poll)
		return DEFAULT_POLLMASK;
	return vfs_call_poll(file, pt);
}

/* ---------------- the wait table ---------------- */

struct poll_wqueues;

struct poll_table_entry {
	struct file *filp;			/* referenced while queued */
	wait_queue_head_t *wait_address;	/* the queue we hang on */
	wait_queue_entry_t wait;
	struct poll_wqueues *pwq;
};

struct poll_table_page {
	struct poll_table_page *next;
	unsigned int used;
	struct poll_table_entry entries[];
};

#define POLL_PAGE_ENTRIES ((4096 - sizeof(struct poll_table_page)) / sizeof(struct poll_table_entry))
#define POLL_INLINE_ENTRIES 8

struct poll_wqueues {
	poll_table pt;
	struct task_struct *polling_task;
	bool triggered;			/* a wake-up came since we last asked */
	int error;			/* -ENOMEM: an entry could not be allocated */
	struct poll_table_page *table;	/* more entries, newest page first */
	unsigned int inline_used;
	struct poll_table_entry inline_entries[POLL_INLINE_ENTRIES];
};

static struct poll_table_entry *poll_get_entry(struct poll_wqueues *p)
{
	struct poll_table_page *page = p->table;

	if (p->inline_used < POLL_INLINE_ENTRIES)
		return &p->inline_entries[p->inline_used++];
	if (!page || page->used == POLL_PAGE_ENTRIES) {
		page = kmalloc(4096, GFP_KERNEL);
		if (!page) {
			p->error = -ENOMEM;
			return NULL;
		}
		page->used = 0;
		page->next = p->table;
		p->table = page;
	}
	return &page->entries[page->used++];
}

/* A wake-up on a queue we hang on: note it and wake the poller. */
static int pollwake(wait_queue_entry_t *wait, unsigned int mode, void *key)
{
	struct poll_table_entry *entry = container_of(wait, struct poll_table_entry, wait);

	/* Publish before waking: the poller tests triggered after setting its state. */
	smp_store_mb(entry->pwq->triggered, true);
	return default_wake_function(wait, mode, key);
}

static void __pollwait(struct file *filp, wait_queue_head_t *wait_address, poll_table *pt)
{
	struct poll_wqueues *pwq = container_of(pt, struct poll_wqueues, pt);
	struct poll_table_entry *entry = poll_get_entry(pwq);

	if (!entry)
		return;
	entry->filp = get_file(filp);
	entry->wait_address = wait_address;
	entry->pwq = pwq;
	init_waitqueue_entry(&entry->wait, pwq->polling_task);
	entry->wait.func = pollwake;
	add_wait_queue(wait_address, &entry->wait);
}

static void poll_initwait(struct poll_wqueues *pwq)
{
	init_poll_funcptr(&pwq->pt, __pollwait);
	pwq->polling_task = current;
	pwq->triggered = false;
	pwq->error = 0;
	pwq->table = NULL;
	pwq->inline_used = 0;
}

static void free_entry(struct poll_table_entry *entry)
{
	remove_wait_queue(entry->wait_address, &entry->wait);
	fput(entry->filp);
}

static void poll_freewait(struct poll_wqueues *pwq)
{
	struct poll_table_page *page = pwq->table;

	for (unsigned int i = 0; i < pwq->inline_used; i++)
		free_entry(&pwq->inline_entries[i]);
	while (page) {
		struct poll_table_page *next = page->next;

		for (unsigned int i = 0; i < page->used; i++)
			free_entry(&page->entries[i]);
		kfree(page);
		page = next;
	}
}

/* ns left until end_ns (0: none); end_ns 0 means no timeout at all. */
static s64 time_left(u64 end_ns)
{
	u64 now = ktime_get_ns();

	return now >= end_ns ? 0 : (s64)(end_ns - now);
}

/*
 * Sleep until a wake-up, the end time (end_ns; 0: forever) or a signal.
 * Returns false once the time is up.
 */
static bool poll_schedule(struct poll_wqueues *pwq, u64 end_ns)
{
	long timeout = MAX_SCHEDULE_TIMEOUT;
	bool more_time = true;

	if (end_ns) {
		s64 left = time_left(end_ns);
		u64 j = ((u64)left * HZ + NS_SEC - 1) / NS_SEC;

		if (!left)
			return false;
		timeout = (long)j;
	}
	set_current_state(TASK_INTERRUPTIBLE);
	if (!READ_ONCE(pwq->triggered))
		schedule_timeout(timeout);
	__set_current_state(TASK_RUNNING);
	smp_store_mb(pwq->triggered, false);
	if (end_ns && !time_left(end_ns))
		more_time = false;
	return more_time;
}

/* An absolute end (ns since boot) for a relative timeout; 0 for "forever". */
static u64 poll_end_time(s64 timeout_ns)
{
	if (timeout_ns < 0)
		return 0;
	return ktime_get_ns() + (u64)timeout_ns + (timeout_ns == 0);
}

/* ---------------- poll ---------------- */

static __poll_t do_pollfd(struct pollfd *pfd, poll_table *pt)
{
	__poll_t filter, mask;
	struct file *f;

	if (pfd->fd < 0)
		return 0;
	f = fget(pfd->fd);
	if (!f)
		return EPOLLNVAL;
	filter = (__poll_t)(u16)pfd->events | EPOLLERR | EPOLLHUP;
	pt->_key = filter;
	mask = vfs_poll(f, pt) & filter;
	fput(f);
	return mask;
}

/*
 * The loop of poll(2) over a kernel array: sets revents, returns how
 * many entries have events, 0 when the time ran out, or -ERESTARTNOHAND
 * on a signal, -ENOMEM. timeout_ns < 0: no limit.
 */
int kernel_poll(struct pollfd *fds, unsigned int nfds, s64 timeout_ns)
{
	struct poll_wqueues table;
	u64 end = poll_end_time(timeout_ns);
	poll_table *pt;
	int count;

	might_sleep();
	poll_initwait(&table);
	pt = &table.pt;
	if (timeout_ns == 0)
		pt->_qproc = NULL;	/* no waiting: no need to register */
	for (;;) {
		bool more;

		count = 0;
		for (unsigned int i = 0; i < nfds; i++) {
			__poll_t mask = do_pollfd(&fds[i], pt);

			fds[i].revents = (short)mask;
			if (mask) {
				count++;
				pt->_qproc = NULL;	/* we will not wait: stop registering */
			}
		}
		pt->_qproc = NULL;	/* registered once: the entries stay queued */
		if (count)
			break;
		if (table.error) {
			count = table.error;
			break;
		}
		if (timeout_ns == 0)
			break;
		if (signal_pending(current)) {
			count = -ERESTARTNOHAND;
			break;
		}
		more = poll_schedule(&table, end);
		if (!more) {
			timeout_ns = 0;	/* one last look, then 0 */
			continue;
		}
	}
	poll_freewait(&table);
	return count;
}

/*
 * poll(2) refuses more entries than RLIMIT_NOFILE (EINVAL), as Linux;
 * kernel threads, whose limits may be unset, get NR_OPEN_MAX, and no
 * limit below NR_OPEN_MAX is applied (a deliberate leniency).
 */
static unsigned long nofile_limit(void)
{
	struct signal_struct *s = current->signal;
	unsigned long lim = s ? READ_ONCE(s->rlim[RLIMIT_NOFILE].rlim_cur) : 0;

	return max(lim, (unsigned long)NR_OPEN_MAX);
}

#define POLL_MAX_NFDS 65536	/* bounds the kernel copy whatever RLIMIT_NOFILE says */

static long do_sys_poll(struct pollfd __user *ufds, unsigned int nfds, s64 timeout_ns)
{
	struct pollfd *fds;
	size_t size = (size_t)nfds * sizeof(*fds);
	long ret;

	if (nfds > nofile_limit() || nfds > POLL_MAX_NFDS)
		return -EINVAL;
	fds = kmalloc(size ? size : 1, GFP_KERNEL);
	if (!fds)
		return -ENOMEM;
	if (copy_from_user(fds, ufds, size)) {
		ret = -EFAULT;
		goto out;
	}
	ret = kernel_poll(fds, nfds, timeout_ns);
	if (ret < 0)
		goto out;
	/* Only revents goes back, as Linux. */
	for (unsigned int i = 0; i < nfds; i++) {
		if (put_user(fds[i].revents, &ufds[i].revents)) {
			ret = -EFAULT;
			break;
		}
	}
out:
	kfree(fds);
	return ret;
}

/* ---------------- timeouts and signal masks ---------------- */

static int get_timespec_ns(const struct __kernel_timespec __user *uts, s64 *ns)
{
	struct __kernel_timespec ts;
	int err = get_timespec(&ts, uts);
	u64 v;

	if (err)
		return err;
	v = timespec_to_ns_sat(&ts);
	*ns = v > (u64)(~0ULL >> 2) ? (s64)(~0ULL >> 2) : (s64)v;	/* ~146 years: forever enough */
	return 0;
}

/* Write the time left back to a timespec (ppoll, pselect6) or timeval (select). */
static long put_time_left(void __user *ut, bool timeval, u64 end, long ret)
{
	s64 left = end ? time_left(end) : 0;
	int err;

	if (timeval) {
		struct sel_timeval tv = { left / NS_SEC, (left % NS_SEC) / NS_USEC };
		err = copy_to_user(ut, &tv, sizeof(tv)) ? -EFAULT : 0;
	} else {
		err = put_timespec_ns(left, ut);
	}
	/* As Linux: a failed write-back is not reported, except that a restart becomes EINTR. */
	if (err && ret == -ERESTARTNOHAND)
		return -EINTR;
	return ret;
}

/* Install the caller's signal mask for the wait; the old one goes to saved_sigmask. */
static int set_user_sigmask(const sigset_t __user *umask, size_t sigsetsize)
{
	sigset_t mask;

	if (!umask)
		return 0;
	if (sigsetsize != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	current->saved_sigmask = current->blocked;
	set_current_blocked(&mask);
	return 0;
}

/*
 * After the wait: a signal that interrupted us is delivered under the
 * wait's mask and delivery puts the old mask back (restore_sigmask);
 * otherwise put it back now.
 */
static void restore_user_sigmask(const sigset_t __user *umask, bool interrupted)
{
	if (!umask)
		return;
	if (interrupted && signal_pending(current)) {
		current->restore_sigmask = true;
		return;
	}
	set_current_blocked(&current->saved_sigmask);
}

/* ---------------- poll syscalls ---------------- */

/* poll(2) restarted after a signal without a handler: wait only what is left. */
static long do_restart_poll(struct restart_block *rb)
{
	struct pollfd __user *ufds = rb->poll.ufds;
	unsigned int nfds = rb->poll.nfds;
	u64 end = rb->poll.end;
	long ret = do_sys_poll(ufds, nfds, time_left(end));

	if (ret == -ERESTARTNOHAND) {
		rb->fn = do_restart_poll;	/* interrupted again: same end */
		ret = -ERESTART_RESTARTBLOCK;
	}
	return ret;
}

SYSCALL_DEFINE3(poll, struct pollfd __user *, ufds, unsigned int, nfds, int, timeout_msecs)
{
	s64 timeout = timeout_msecs < 0 ? POLL_NO_TIMEOUT : timeout_msecs * NS_MSEC;
	u64 end = poll_end_time(timeout);
	long ret = do_sys_poll(ufds, nfds, timeout);

	/*
	 * Interrupted with time left: a plain restart would wait the whole
	 * timeout again, so the restart goes through restart_syscall(2).
	 */
	if (ret == -ERESTARTNOHAND && timeout >= 0) {
		struct restart_block *rb = &current->restart_block;

		rb->poll.ufds = ufds;
		rb->poll.nfds = nfds;
		rb->poll.end = end;
		rb->fn = do_restart_poll;
		ret = -ERESTART_RESTARTBLOCK;
	}
	return ret;
}

SYSCALL_DEFINE5(ppoll, struct pollfd __user *, ufds, unsigned int, nfds,
		struct __kernel_timespec __user *, tsp, const sigset_t __user *, sigmask,
		size_t, sigsetsize)
{
	s64 timeout = POLL_NO_TIMEOUT;
	u64 end = 0;
	long ret;

	if (tsp) {
		ret = get_timespec_ns(tsp, &timeout);
		if (ret)
			return ret;
		end = poll_end_time(timeout);
	}
	ret = set_user_sigmask(sigmask, sigsetsize);
	if (ret)
		return ret;
	ret = do_sys_poll(ufds, nfds, timeout);
	restore_user_sigmask(sigmask, ret == -ERESTARTNOHAND);
	if (tsp)
		ret = put_time_left(tsp, false, end, ret);
	return ret;
}

/* ---------------- select ---------------- */

#define POLLIN_SET (EPOLLRDNORM | EPOLLRDBAND | EPOLLIN | EPOLLHUP | EPOLLERR)
#define POLLOUT_SET (EPOLLWRBAND | EPOLLWRNORM | EPOLLOUT | EPOLLERR)
#define POLLEX_SET (EPOLLPRI)
#define BITS_PER_LONG_ (8 * sizeof(unsigned long))

/* The three sets in, and the three results, each nlongs longs. */
struct fd_sets {
	unsigned long *in, *out, *ex, *res_in, *res_out, *res_ex;
};

static bool fd_isset(const unsigned long *set, unsigned int fd)
{
	return set[fd / BITS_PER_LONG_] & (1UL << (fd % BITS_PER_LONG_));
}

static void fd_set_bit(unsigned long *set, unsigned int fd)
{
	set[fd / BITS_PER_LONG_] |= 1UL << (fd % BITS_PER_LONG_);
}

/* One pass over the fds; count of bits set in the results, or -EBADF. */
static int select_pass(struct fd_sets *fds, unsigned int n, poll_table *pt)
{
	int count = 0;

	for (unsigned int fd = 0; fd < n; fd++) {
		bool want_in = fd_isset(fds->in, fd), want_out = fd_isset(fds->out, fd);
		bool want_ex = fd_isset(fds->ex, fd);
		struct file *f;
		__poll_t mask;

		if (!want_in && !want_out && !want_ex)
			continue;
		f = fget(fd);
		if (!f)
			return -EBADF;
		pt->_key = (want_in ? POLLIN_SET : 0) | (want_out ? POLLOUT_SET : 0) |
			   (want_ex ? POLLEX_SET : 0);
		mask = vfs_poll(f, pt);
		fput(f);
		if (want_in && (mask & POLLIN_SET)) {
			fd_set_bit(fds->res_in, fd);
			count++;
		}
		if (want_out && (mask & POLLOUT_SET)) {
			fd_set_bit(fds->res_out, fd);
			count++;
		}
		if (want_ex && (mask & POLLEX_SET)) {
			fd_set_bit(fds->res_ex, fd);
			count++;
		}
		if (count)
			pt->_qproc = NULL;
	}
	return count;
}

/* select's loop over kernel bitmaps (results zeroed by the caller). */
static int do_select(struct fd_sets *fds, unsigned int n, s64 timeout_ns, u64 end)
{
	struct poll_wqueues table;
	poll_table *pt;
	int count;

	poll_initwait(&table);
	pt = &table.pt;
	if (timeout_ns == 0)
		pt->_qproc = NULL;
	for (;;) {
		count = select_pass(fds, n, pt);
		pt->_qproc = NULL;
		if (count)
			break;
		if (table.error) {
			count = table.error;
			break;
		}
		if (timeout_ns == 0)
			break;
		if (signal_pending(current)) {
			count = -ERESTARTNOHAND;
			break;
		}
		if (!poll_schedule(&table, end))
			timeout_ns = 0;
	}
	poll_freewait(&table);
	return count;
}

static long core_sys_select(int n, unsigned long __user *inp, unsigned long __user *outp,
			    unsigned long __user *exp, s64 timeout_ns, u64 end)
{
	struct files_struct *files = current_files();
	unsigned int max_fds = READ_ONCE(files->fdt)->max_fds;
	struct fd_sets fds;
	size_t nlongs, bytes;
	unsigned long *bits;
	long ret;

	if (n < 0)
		return -EINVAL;
	if ((unsigned int)n > max_fds)
		n = max_fds;	/* higher bits name no open file: ignored, as Linux */
	nlongs = ((size_t)n + BITS_PER_LONG_ - 1) / BITS_PER_LONG_;
	bytes = nlongs * sizeof(unsigned long);
	bits = kzalloc(6 * bytes + 1, GFP_KERNEL);
	if (!bits)
		return -ENOMEM;
	fds.in = bits;
	fds.out = bits + nlongs;
	fds.ex = bits + 2 * nlongs;
	fds.res_in = bits + 3 * nlongs;
	fds.res_out = bits + 4 * nlongs;
	fds.res_ex = bits + 5 * nlongs;
	ret = -EFAULT;
	if ((inp && copy_from_user(fds.in, inp, bytes)) ||
	    (outp && copy_from_user(fds.out, outp, bytes)) ||
	    (exp && copy_from_user(fds.ex, exp, bytes)))
		goto out;
	/* Bits past n in the last long are not ours to look at. */
	if (n % BITS_PER_LONG_) {
		unsigned long keep = (1UL << (n % BITS_PER_LONG_)) - 1;

		fds.in[nlongs - 1] &= keep;
		fds.out[nlongs - 1] &= keep;
		fds.ex[nlongs - 1] &= keep;
	}
	ret = do_select(&fds, n, timeout_ns, end);
	if (ret < 0)
		goto out;
	if ((inp && copy_to_user(inp, fds.res_in, bytes)) ||
	    (outp && copy_to_user(outp, fds.res_out, bytes)) ||
	    (exp && copy_to_user(exp, fds.res_ex, bytes)))
		ret = -EFAULT;
out:
	kfree(bits);
	return ret;
}

SYSCALL_DEFINE5(select, int, n, unsigned long __user *, inp, unsigned long __user *, outp,
		unsigned long __user *, exp, struct sel_timeval __user *, tvp)
{
	s64 timeout = POLL_NO_TIMEOUT;
	u64 end = 0;
	long ret;

	if (tvp) {
		struct sel_timeval tv;

		if (copy_from_user(&tv, tvp, sizeof(tv)))
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0)
			return -EINVAL;
		/* As Linux: tv_usec of a second or more carries over into seconds. */
		tv.tv_sec += tv.tv_usec / 1000000;
		tv.tv_usec %= 1000000;
		timeout = tv.tv_sec > (s64)(~0ULL >> 2) / NS_SEC ? (s64)(~0ULL >> 2)
			: tv.tv_sec * NS_SEC + tv.tv_usec * NS_USEC;
		end = poll_end_time(timeout);
	}
	ret = core_sys_select(n, inp, outp, exp, timeout, end);
	if (tvp)
		ret = put_time_left(tvp, true, end, ret);
	return ret;
}

/* pselect6's sixth argument: the mask and its size, behind one pointer. */
struct sigset_argpack {
	const sigset_t __user *p;
	size_t size;
};

SYSCALL_DEFINE6(pselect6, int, n, unsigned long __user *, inp, unsigned long __user *, outp,
		unsigned long __user *, exp, struct __kernel_timespec __user *, tsp,
		void __user *, sig)
{
	struct sigset_argpack pack = { NULL, 0 };
	s64 timeout = POLL_NO_TIMEOUT;
	u64 end = 0;
	long ret;

	if (tsp) {
		ret = get_timespec_ns(tsp, &timeout);
		if (ret)
			return ret;
		end = poll_end_time(timeout);
	}
	if (sig && copy_from_user(&pack, sig, sizeof(pack)))
		return -EFAULT;
	ret = set_user_sigmask(pack.p, pack.size);
	if (ret)
		return ret;
	ret = core_sys_select(n, inp, outp, exp, timeout, end);
	restore_user_sigmask(pack.p, ret == -ERESTARTNOHAND);
	if (tsp)
		ret = put_time_left(tsp, false, end, ret);
	return ret;
}
