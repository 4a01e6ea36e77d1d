/*
 * poll(2) and select(2) on the driver side (fs/select.c).
 *
 * A file's ->poll(file, pt) does two things: it calls poll_wait() for
 * every wait queue whose wake-up may change its answer, and it returns
 * the events that are true now (EPOLLIN ...). poll_wait() with a NULL
 * table (or one without a queueing function) does nothing: that is a
 * plain "what is ready now" question. select/poll pass a table whose
 * function hangs an entry on each queue, so a wake_up() on any of them
 * wakes the sleeping poller, which then asks every file again.
 *
 * A driver must wake the queues it registered whenever the answer may
 * have changed, after making the change visible.
 */
#ifndef KESTREL_POLL_H
#define KESTREL_POLL_H

#include <kestrel/fs.h>
#include <kestrel/wait.h>

/* Event bits (Linux's values; POLL* in user space are the same numbers). */
#define EPOLLIN 0x00000001
#define EPOLLPRI 0x00000002
#define EPOLLOUT 0x00000004
#define EPOLLERR 0x00000008
#define EPOLLHUP 0x00000010
#define EPOLLNVAL 0x00000020
#define EPOLLRDNORM 0x00000040
#define EPOLLRDBAND 0x00000080
#define EPOLLWRNORM 0x00000100
#define EPOLLWRBAND 0x00000200
#define EPOLLMSG 0x00000400
#define EPOLLRDHUP 0x00002000

/* A file without ->poll is always ready (regular files, /dev/null, /dev/zero, ...). */
#define DEFAULT_POLLMASK (EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLWRNORM)

/* struct pollfd of poll(2). */
struct pollfd {
	int fd;
	short events;
	short revents;
};

struct poll_table_struct;
typedef void (*poll_queue_proc)(struct file *file, wait_queue_head_t *wq,
				struct poll_table_struct *pt);

typedef struct poll_table_struct {
	poll_queue_proc _qproc;	/* NULL: do not register (a second pass, or a plain query) */
	__poll_t _key;		/* the events the caller wants */
} poll_table;

static inline void poll_wait(struct file *file, wait_queue_head_t *wq, poll_table *pt)
{
	if (pt && pt->_qproc && wq)
		pt->_qproc(file, wq, pt);
}

static inline void init_poll_funcptr(poll_table *pt, poll_queue_proc qproc)
{
	pt->_qproc = qproc;
	pt->_key = ~(__poll_t)0;
}

/*
 * poll(2)'s loop over a kernel array of pollfds: fills revents, returns
 * the number of entries with events, 0 on timeout, -ERESTARTNOHAND when
 * a signal is pending, -ENOMEM. timeout_ns < 0: wait without limit.
 */
int kernel_poll(struct pollfd *fds, unsigned int nfds, s64 timeout_ns);

/* Ask file what is ready (DEFAULT_POLLMASK without ->poll), registering through pt. */
__poll_t vfs_poll(struct file *file, poll_table *pt);

#endif
