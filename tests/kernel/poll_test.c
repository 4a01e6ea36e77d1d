/*
 * ktests of poll's core (fs/select.c, kernel_poll on a kernel pollfd
 * array) over pipes: readiness now, timeouts, a wake-up from another
 * thread's write through the pipe's poll_wait registration, hangup,
 * invalid descriptors, and more entries than the inline table holds.
 */
#include <kestrel/completion.h>
#include <kestrel/contract/file.h>
#include <kestrel/errno.h>
#include <kestrel/fdtable.h>
#include <kestrel/kthread.h>
#include <kestrel/ktest.h>
#include <kestrel/pipe_fs_i.h>
#include <kestrel/poll.h>
#include <kestrel/sched_signal.h>
#include <kestrel/timer.h>

static void close_pipe(int fd[2])
{
	if (fd[0] >= 0)
		close_fd(fd[0]);
	if (fd[1] >= 0)
		close_fd(fd[1]);
}

KTEST(poll, pipe_ready_now)
{
	int fd[2];
	struct pollfd p[2];

	KASSERT_EQ(do_pipe2(fd, 0), 0);
	p[0] = (struct pollfd){ .fd = fd[0], .events = EPOLLIN };
	p[1] = (struct pollfd){ .fd = fd[1], .events = EPOLLOUT };
	KEXPECT_EQ(kernel_poll(p, 2, 0), 1);	/* empty: only the write end is ready */
	KEXPECT_EQ(p[0].revents, 0);
	KEXPECT_EQ(p[1].revents, EPOLLOUT);
	close_pipe(fd);
}

KTEST(poll, timeout_expires)
{
	int fd[2];
	struct pollfd p;

	KASSERT_EQ(do_pipe2(fd, 0), 0);
	p = (struct pollfd){ .fd = fd[0], .events = EPOLLIN };
	KEXPECT_EQ(kernel_poll(&p, 1, 20 * (s64)NSEC_PER_MSEC), 0);
	KEXPECT_EQ(p.revents, 0);
	close_pipe(fd);
}

static int write_later(void *data)
{
	struct file *f = data;

	msleep(30);
	kernel_write(f, "x", 1, NULL);
	fput(f);
	return 0;
}

KTEST(poll, wakes_on_pipe_write)
{
	int fd[2];
	struct pollfd p;
	struct task_struct *k;

	KASSERT_EQ(do_pipe2(fd, 0), 0);
	k = kthread_run(write_later, fget(fd[1]), "polltest");
	KASSERT(!IS_ERR(k));
	p = (struct pollfd){ .fd = fd[0], .events = EPOLLIN };
	KEXPECT_EQ(kernel_poll(&p, 1, -1), 1);	/* no timeout: only the write ends the wait */
	KEXPECT_EQ(p.revents, EPOLLIN);
	close_pipe(fd);
}

KTEST(poll, hangup_and_bad_fds)
{
	int fd[2];
	struct pollfd p[3];

	KASSERT_EQ(do_pipe2(fd, 0), 0);
	close_fd(fd[1]);
	p[0] = (struct pollfd){ .fd = fd[0], .events = EPOLLIN };
	p[1] = (struct pollfd){ .fd = -1, .events = EPOLLIN };	/* ignored */
	p[2] = (struct pollfd){ .fd = NR_OPEN_MAX - 1, .events = EPOLLIN };	/* not open */
	KEXPECT_EQ(kernel_poll(p, 3, -1), 2);
	KEXPECT_EQ(p[0].revents, EPOLLHUP);	/* no writer: hangup, always reported */
	KEXPECT_EQ(p[1].revents, 0);
	KEXPECT_EQ(p[2].revents, EPOLLNVAL);
	close_fd(fd[0]);
}

#define MANY 20

KTEST(poll, many_entries_wake_on_the_last)
{
	int fds[MANY][2];
	struct pollfd p[MANY];
	struct task_struct *k;
	int n;

	for (n = 0; n < MANY; n++) {
		if (do_pipe2(fds[n], 0))
			break;
		p[n] = (struct pollfd){ .fd = fds[n][0], .events = EPOLLIN };
	}
	KASSERT_EQ(n, MANY);
	k = kthread_run(write_later, fget(fds[MANY - 1][1]), "polltest");
	KASSERT(!IS_ERR(k));
	KEXPECT_EQ(kernel_poll(p, MANY, 5 * (s64)NSEC_PER_SEC), 1);
	KEXPECT_EQ(p[MANY - 1].revents, EPOLLIN);
	KEXPECT_EQ(p[0].revents, 0);
	for (n = 0; n < MANY; n++)
		close_pipe(fds[n]);
}

KTEST(poll, files_without_poll_are_ready)
{
	struct file f = { .f_op = NULL };
	static const struct file_operations nopoll = { .llseek = NULL };

	f.f_op = &nopoll;
	KEXPECT_EQ(vfs_poll(&f, NULL), DEFAULT_POLLMASK);
}

struct poller {
	int fd;
	int result;
	struct completion done;
};

static int poller_fn(void *data)
{
	struct poller *p = data;
	struct pollfd pfd = { .fd = p->fd, .events = EPOLLIN };

	p->result = kernel_poll(&pfd, 1, -1);
	flush_signals(current);
	complete_all(&p->done);
	return 0;
}

KTEST(poll, signal_ends_the_wait)
{
	static struct poller p;
	struct task_struct *k;
	int fd[2];

	KASSERT_EQ(do_pipe2(fd, 0), 0);
	p.fd = fd[0];
	p.result = 12345;
	init_completion(&p.done);
	k = kthread_create(poller_fn, &p, "pollsig");
	KASSERT(!IS_ERR(k));
	get_task_struct(k);
	wake_up_process(k);
	msleep(30);
	KEXPECT(!completion_done(&p.done));
	KEXPECT_EQ(send_sig(SIGUSR1, k, 1), 0);
	KASSERT(wait_for_completion_timeout(&p.done, 5 * HZ));
	KEXPECT_EQ(p.result, -ERESTARTNOHAND);
	put_task_struct(k);
	close_pipe(fd);
}
