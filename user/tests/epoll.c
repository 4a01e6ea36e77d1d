/*
 * epoll(7): the calls' errors, level- and edge-triggered reports on
 * pipes and eventfds, EPOLLONESHOT and re-arming, EPOLLHUP/EPOLLERR,
 * the user's data word, a closed file leaving the set, a dup keeping it,
 * timeouts, wake-ups from another process, epoll_pwait's mask and
 * epoll_pwait2, nested instances and loops. Linux's semantics (the same
 * tests pass there). Sockets, ttys, timerfd and signalfd under epoll are
 * in their own suites.
 */
#include "harness.h"
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>

static int add(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static int mod(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	return epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
}

/* One epoll_wait with a 0 timeout: the count, first event in *ev. */
static int wait0(int ep, struct epoll_event *ev)
{
	struct epoll_event dummy;

	return epoll_wait(ep, ev ? ev : &dummy, 1, 0);
}

TEST(create_flags)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);

	ASSERT(ep >= 0);
	EXPECT_EQ(fcntl(ep, F_GETFD), FD_CLOEXEC);
	close(ep);
	EXPECT_ERRNO(epoll_create1(1), EINVAL);
	EXPECT_ERRNO(syscall(SYS_epoll_create, 0), EINVAL);
	EXPECT_ERRNO(syscall(SYS_epoll_create, -1), EINVAL);
	ep = syscall(SYS_epoll_create, 1);
	EXPECT(ep >= 0);
	close(ep);
}

TEST(ctl_errors)
{
	int ep = epoll_create1(0), ep2 = epoll_create1(0), p[2], efd;
	struct epoll_event ev = { .events = EPOLLIN };
	char name[] = "/tmp/epollXXXXXX";
	int reg = mkstemp(name);

	ASSERT(ep >= 0 && ep2 >= 0 && reg >= 0);
	unlink(name);
	ASSERT_EQ(pipe(p), 0);
	efd = eventfd(0, 0);
	EXPECT_ERRNO(epoll_ctl(-1, EPOLL_CTL_ADD, p[0], &ev), EBADF);
	EXPECT_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, 999, &ev), EBADF);
	EXPECT_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), EINVAL);	/* itself */
	EXPECT_ERRNO(epoll_ctl(efd, EPOLL_CTL_ADD, p[0], &ev), EINVAL);	/* not an epoll fd */
	EXPECT_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, reg, &ev), EPERM);	/* regular file: no poll */
	EXPECT_ERRNO(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), ENOENT);
	EXPECT_ERRNO(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), ENOENT);
	EXPECT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), 0);
	EXPECT_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST);
	EXPECT_ERRNO(epoll_ctl(ep, 99, p[0], &ev), EINVAL);
	/* EPOLLEXCLUSIVE: ADD only, not on an epoll fd, not with other flags. */
	ev.events = EPOLLIN | EPOLLEXCLUSIVE;
	EXPECT_ERRNO(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), EINVAL);
	EXPECT_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, ep2, &ev), EINVAL);
	ev.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT;
	EXPECT_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev), EINVAL);
	ev.events = EPOLLIN | EPOLLEXCLUSIVE;
	EXPECT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev), 0);
	ev.events = EPOLLOUT;
	EXPECT_ERRNO(epoll_ctl(ep, EPOLL_CTL_MOD, efd, &ev), EINVAL);	/* exclusive item */
	EXPECT_EQ(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), 0);
	EXPECT_ERRNO(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), ENOENT);
	close(reg);
	close(efd);
	close(ep);
	close(ep2);
}

TEST(wait_errors)
{
	int ep = epoll_create1(0), efd = eventfd(0, 0);
	struct epoll_event ev[2];

	ASSERT(ep >= 0 && efd >= 0);
	EXPECT_ERRNO(epoll_wait(ep, ev, 0, 0), EINVAL);
	EXPECT_ERRNO(epoll_wait(ep, ev, -1, 0), EINVAL);
	EXPECT_ERRNO(epoll_wait(-1, ev, 2, 0), EBADF);
	EXPECT_ERRNO(epoll_wait(efd, ev, 2, 0), EINVAL);
	EXPECT_EQ(epoll_wait(ep, ev, 2, 0), 0);
	close(ep);
	close(efd);
}

TEST(level_triggered_reports_until_drained)
{
	int ep = epoll_create1(0), p[2];
	struct epoll_event ev;
	char buf[8];

	ASSERT(ep >= 0);
	ASSERT_EQ(pipe(p), 0);
	ASSERT_EQ(add(ep, p[0], EPOLLIN, 0x1122334455667788ULL), 0);
	EXPECT_EQ(wait0(ep, &ev), 0);
	EXPECT_EQ(write(p[1], "abcd", 4), 4);
	for (int i = 0; i < 3; i++) {
		EXPECT_EQ(wait0(ep, &ev), 1);
		EXPECT_EQ(ev.events, EPOLLIN);
		EXPECT(ev.data.u64 == 0x1122334455667788ULL);
	}
	EXPECT_EQ(read(p[0], buf, 2), 2);
	EXPECT_EQ(wait0(ep, &ev), 1);	/* still 2 bytes */
	EXPECT_EQ(read(p[0], buf, 2), 2);
	EXPECT_EQ(wait0(ep, &ev), 0);
	close(p[0]);
	close(p[1]);
	close(ep);
}

TEST(edge_triggered_reports_each_change_once)
{
	int ep = epoll_create1(0), p[2];
	struct epoll_event ev;

	ASSERT(ep >= 0);
	ASSERT_EQ(pipe(p), 0);
	ASSERT_EQ(add(ep, p[0], EPOLLIN | EPOLLET, 7), 0);
	EXPECT_EQ(write(p[1], "a", 1), 1);
	EXPECT_EQ(wait0(ep, &ev), 1);
	EXPECT_EQ(ev.data.u64, 7);
	EXPECT_EQ(wait0(ep, &ev), 0);	/* data still there, but no new edge */
	EXPECT_EQ(write(p[1], "b", 1), 1);
	EXPECT_EQ(wait0(ep, &ev), 1);	/* new data: a new edge */
	EXPECT_EQ(wait0(ep, &ev), 0);
	close(p[0]);
	close(p[1]);
	close(ep);
}

TEST(oneshot_disarms_until_mod)
{
	int ep = epoll_create1(0), efd = eventfd(1, 0);
	struct epoll_event ev;

	ASSERT(ep >= 0 && efd >= 0);
	ASSERT_EQ(add(ep, efd, EPOLLIN | EPOLLONESHOT, 1), 0);
	EXPECT_EQ(wait0(ep, &ev), 1);
	EXPECT_EQ(wait0(ep, &ev), 0);	/* disarmed though still readable */
	uint64_t v = 1;
	EXPECT_EQ(write(efd, &v, 8), 8);
	EXPECT_EQ(wait0(ep, &ev), 0);	/* a new event does not re-arm it */
	EXPECT_EQ(mod(ep, efd, EPOLLIN | EPOLLONESHOT, 2), 0);
	EXPECT_EQ(wait0(ep, &ev), 1);
	EXPECT_EQ(ev.data.u64, 2);
	close(efd);
	close(ep);
}

TEST(mod_changes_events_and_data)
{
	int ep = epoll_create1(0), p[2];
	struct epoll_event ev;

	ASSERT(ep >= 0);
	ASSERT_EQ(pipe(p), 0);
	ASSERT_EQ(add(ep, p[1], EPOLLIN, 1), 0);	/* the write end: never readable */
	EXPECT_EQ(wait0(ep, &ev), 0);
	EXPECT_EQ(mod(ep, p[1], EPOLLOUT, 2), 0);
	EXPECT_EQ(wait0(ep, &ev), 1);
	EXPECT_EQ(ev.events, EPOLLOUT);
	EXPECT_EQ(ev.data.u64, 2);
	close(p[0]);
	close(p[1]);
	close(ep);
}

TEST(hup_and_err_are_always_reported)
{
	int ep = epoll_create1(0), p[2], q[2];
	struct epoll_event ev[2];

	ASSERT(ep >= 0);
	ASSERT_EQ(pipe(p), 0);
	ASSERT_EQ(pipe(q), 0);
	ASSERT_EQ(add(ep, p[0], 0, 10), 0);	/* asked for nothing */
	ASSERT_EQ(add(ep, q[1], 0, 20), 0);
	EXPECT_EQ(wait0(ep, ev), 0);
	close(p[1]);	/* reader sees HUP */
	close(q[0]);	/* writer sees ERR */
	EXPECT_EQ(epoll_wait(ep, ev, 2, 0), 2);
	for (int i = 0; i < 2; i++) {
		if (ev[i].data.u64 == 10)
			EXPECT_EQ(ev[i].events, EPOLLHUP);
		else
			EXPECT_EQ(ev[i].events, EPOLLERR);
	}
	close(p[0]);
	close(q[1]);
	close(ep);
}

TEST(closing_the_file_removes_it)
{
	int ep = epoll_create1(0), p[2];
	struct epoll_event ev;

	ASSERT(ep >= 0);
	ASSERT_EQ(pipe(p), 0);
	ASSERT_EQ(add(ep, p[0], EPOLLIN, 1), 0);
	ASSERT_EQ(add(ep, p[1], EPOLLOUT, 2), 0);
	close(p[0]);	/* the last reference to the read end */
	EXPECT_EQ(wait0(ep, &ev), 1);	/* only the write end: EPOLLOUT|EPOLLERR */
	EXPECT_EQ(ev.data.u64, 2);
	EXPECT_EQ(ev.events, EPOLLOUT | EPOLLERR);
	EXPECT_ERRNO(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), EBADF);
	close(p[1]);
	EXPECT_EQ(wait0(ep, &ev), 0);
	close(ep);
}

TEST(a_dup_keeps_the_item)
{
	int ep = epoll_create1(0), p[2], d;
	struct epoll_event ev;

	ASSERT(ep >= 0);
	ASSERT_EQ(pipe(p), 0);
	ASSERT_EQ(add(ep, p[0], EPOLLIN, 5), 0);
	d = dup(p[0]);
	close(p[0]);	/* the file lives on through d */
	EXPECT_EQ(write(p[1], "x", 1), 1);
	EXPECT_EQ(wait0(ep, &ev), 1);
	EXPECT_EQ(ev.data.u64, 5);
	/* The item is keyed by the old fd number, which names nothing now. */
	EXPECT_ERRNO(epoll_ctl(ep, EPOLL_CTL_DEL, d, NULL), ENOENT);
	close(d);
	close(p[1]);
	close(ep);
}

TEST(same_file_under_two_fds)
{
	int ep = epoll_create1(0), p[2], d;
	struct epoll_event ev[4];

	ASSERT(ep >= 0);
	ASSERT_EQ(pipe(p), 0);
	d = dup(p[0]);
	ASSERT_EQ(add(ep, p[0], EPOLLIN, 1), 0);
	ASSERT_EQ(add(ep, d, EPOLLIN, 2), 0);
	EXPECT_EQ(write(p[1], "x", 1), 1);
	EXPECT_EQ(epoll_wait(ep, ev, 4, 0), 2);
	EXPECT_EQ(ev[0].data.u64 + ev[1].data.u64, 3);
	close(d);
	close(p[0]);
	close(p[1]);
	close(ep);
}

TEST(maxevents_limits_and_rotates)
{
	int ep = epoll_create1(0), efd[3];
	struct epoll_event ev[3];
	int seen = 0;

	ASSERT(ep >= 0);
	for (int i = 0; i < 3; i++) {
		efd[i] = eventfd(1, 0);
		ASSERT_EQ(add(ep, efd[i], EPOLLIN, i), 0);
	}
	/* One at a time: level-triggered items go to the back, so all three come round. */
	for (int i = 0; i < 3; i++) {
		EXPECT_EQ(epoll_wait(ep, ev, 1, 0), 1);
		seen |= 1 << ev[0].data.u64;
	}
	EXPECT_EQ(seen, 7);
	EXPECT_EQ(epoll_wait(ep, ev, 3, 0), 3);
	for (int i = 0; i < 3; i++)
		close(efd[i]);
	close(ep);
}

TEST(timeout_expires_with_nothing)
{
	int ep = epoll_create1(0), p[2];
	struct epoll_event ev;
	struct timespec a, b;

	ASSERT(ep >= 0);
	ASSERT_EQ(pipe(p), 0);
	ASSERT_EQ(add(ep, p[0], EPOLLIN, 0), 0);
	clock_gettime(CLOCK_MONOTONIC, &a);
	EXPECT_EQ(epoll_wait(ep, &ev, 1, 60), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	/* Never early. */
	EXPECT((b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec) >= 60000000LL);
	close(p[0]);
	close(p[1]);
	close(ep);
}

TEST(woken_by_another_process)
{
	int ep = epoll_create1(0), p[2];
	struct epoll_event ev;
	pid_t pid;

	ASSERT(ep >= 0);
	ASSERT_EQ(pipe(p), 0);
	ASSERT_EQ(add(ep, p[0], EPOLLIN, 9), 0);
	pid = fork();
	if (pid == 0) {
		usleep(50000);
		_exit(write(p[1], "z", 1) == 1 ? 0 : 1);
	}
	EXPECT_EQ(epoll_wait(ep, &ev, 1, 10000), 1);
	EXPECT_EQ(ev.data.u64, 9);
	waitpid(pid, NULL, 0);
	close(p[0]);
	close(p[1]);
	close(ep);
}

TEST(shared_with_a_child_after_fork)
{
	int ep = epoll_create1(0), efd = eventfd(0, 0);
	struct epoll_event ev;
	pid_t pid;
	int status;

	ASSERT(ep >= 0);
	ASSERT_EQ(add(ep, efd, EPOLLIN, 3), 0);
	pid = fork();
	if (pid == 0) {
		/* The child waits on the same instance. */
		int n = epoll_wait(ep, &ev, 1, 10000);

		_exit(n == 1 && ev.data.u64 == 3 ? 0 : 1);
	}
	usleep(50000);
	uint64_t v = 1;
	EXPECT_EQ(write(efd, &v, 8), 8);
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(status, 0);
	close(efd);
	close(ep);
}

static void on_usr1(int sig)
{
	(void)sig;
}

TEST(interrupted_by_a_signal_even_with_sa_restart)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
	int ep = epoll_create1(0);
	struct epoll_event ev;

	ASSERT(ep >= 0);
	sigaction(SIGALRM, &sa, NULL);
	ualarm(50000, 0);
	EXPECT_ERRNO(epoll_wait(ep, &ev, 1, 10000), EINTR);
	close(ep);
}

static volatile sig_atomic_t got_usr1;

static void note_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

TEST(pwait_installs_its_mask_for_the_wait)
{
	struct sigaction sa = { .sa_handler = note_usr1 };
	int ep = epoll_create1(0);
	sigset_t block, waitmask;
	struct epoll_event ev;

	ASSERT(ep >= 0);
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	kill(getpid(), SIGUSR1);	/* pending, blocked */
	EXPECT_EQ(got_usr1, 0);
	sigemptyset(&waitmask);
	/* The wait unblocks it: the handler runs and the call fails with EINTR. */
	EXPECT_ERRNO(epoll_pwait(ep, &ev, 1, 10000, &waitmask), EINTR);
	EXPECT_EQ(got_usr1, 1);
	/* Blocked again afterwards. */
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	EXPECT_EQ(sigismember(&now, SIGUSR1), 1);
	close(ep);
}

TEST(pwait2_takes_a_timespec)
{
	int ep = epoll_create1(0), efd = eventfd(1, 0);
	struct timespec ts = { 0, 20000000 }, bad = { 0, 2000000000 };
	struct epoll_event ev;

	ASSERT(ep >= 0);
	EXPECT_EQ(syscall(SYS_epoll_pwait2, ep, &ev, 1, &ts, NULL, 8), 0);
	EXPECT_ERRNO(syscall(SYS_epoll_pwait2, ep, &ev, 1, &bad, NULL, 8), EINVAL);
	ASSERT_EQ(add(ep, efd, EPOLLIN, 4), 0);
	EXPECT_EQ(syscall(SYS_epoll_pwait2, ep, &ev, 1, NULL, NULL, 8), 1);
	EXPECT_EQ(ev.data.u64, 4);
	close(efd);
	close(ep);
}

TEST(nested_instance_reports_readiness)
{
	int outer = epoll_create1(0), inner = epoll_create1(0), p[2];
	struct epoll_event ev;
	struct pollfd pfd;

	ASSERT(outer >= 0 && inner >= 0);
	ASSERT_EQ(pipe(p), 0);
	ASSERT_EQ(add(inner, p[0], EPOLLIN, 1), 0);
	ASSERT_EQ(add(outer, inner, EPOLLIN, 2), 0);
	EXPECT_EQ(wait0(outer, &ev), 0);
	pfd = (struct pollfd){ inner, POLLIN, 0 };
	EXPECT_EQ(poll(&pfd, 1, 0), 0);
	EXPECT_EQ(write(p[1], "q", 1), 1);
	EXPECT_EQ(wait0(outer, &ev), 1);
	EXPECT_EQ(ev.data.u64, 2);
	EXPECT_EQ(ev.events, EPOLLIN);
	EXPECT_EQ(poll(&pfd, 1, 0), 1);
	EXPECT_EQ(pfd.revents, POLLIN);
	EXPECT_EQ(wait0(inner, &ev), 1);
	EXPECT_EQ(ev.data.u64, 1);
	close(p[0]);
	close(p[1]);
	close(inner);
	close(outer);
}

TEST(nested_instance_wakes_a_sleeper)
{
	int outer = epoll_create1(0), inner = epoll_create1(0), efd = eventfd(0, 0);
	struct epoll_event ev;
	pid_t pid;

	ASSERT(outer >= 0 && inner >= 0);
	ASSERT_EQ(add(inner, efd, EPOLLIN, 1), 0);
	ASSERT_EQ(add(outer, inner, EPOLLIN, 2), 0);
	pid = fork();
	if (pid == 0) {
		uint64_t v = 1;

		usleep(50000);
		_exit(write(efd, &v, 8) == 8 ? 0 : 1);
	}
	EXPECT_EQ(epoll_wait(outer, &ev, 1, 10000), 1);
	EXPECT_EQ(ev.data.u64, 2);
	waitpid(pid, NULL, 0);
	close(efd);
	close(inner);
	close(outer);
}

TEST(loops_are_refused)
{
	int a = epoll_create1(0), b = epoll_create1(0), c = epoll_create1(0);

	ASSERT(a >= 0 && b >= 0 && c >= 0);
	EXPECT_EQ(add(a, b, EPOLLIN, 0), 0);
	EXPECT_EQ(add(b, c, EPOLLIN, 0), 0);
	EXPECT_ERRNO(add(c, a, EPOLLIN, 0), ELOOP);
	EXPECT_ERRNO(add(b, a, EPOLLIN, 0), ELOOP);
	close(a);
	close(b);
	close(c);
}

TEST(too_deep_a_chain_is_refused)
{
	int ep[12], i, err = 0;

	for (i = 0; i < 12; i++)
		ASSERT((ep[i] = epoll_create1(0)) >= 0);
	/* ep[i] watches ep[i-1]: somewhere along the way Linux says ELOOP. */
	for (i = 1; i < 12; i++) {
		if (add(ep[i], ep[i - 1], EPOLLIN, 0)) {
			err = errno;
			break;
		}
	}
	EXPECT_EQ(err, ELOOP);
	EXPECT(i > 3 && i < 12);
	for (i = 0; i < 12; i++)
		close(ep[i]);
}

TEST(closing_an_epoll_fd_watched_by_another)
{
	int outer = epoll_create1(0), inner = epoll_create1(0), efd = eventfd(1, 0);
	struct epoll_event ev;

	ASSERT(outer >= 0 && inner >= 0);
	ASSERT_EQ(add(inner, efd, EPOLLIN, 1), 0);
	ASSERT_EQ(add(outer, inner, EPOLLIN, 2), 0);
	EXPECT_EQ(wait0(outer, &ev), 1);
	close(inner);
	EXPECT_EQ(wait0(outer, &ev), 0);
	close(efd);
	close(outer);
}

TEST(exclusive_wakes_one_of_two)
{
	int efd = eventfd(0, 0), a = epoll_create1(0), b = epoll_create1(0);
	struct epoll_event ev;

	ASSERT(efd >= 0 && a >= 0 && b >= 0);
	ASSERT_EQ(add(a, efd, EPOLLIN | EPOLLEXCLUSIVE, 1), 0);
	ASSERT_EQ(add(b, efd, EPOLLIN | EPOLLEXCLUSIVE, 2), 0);
	uint64_t v = 1;
	EXPECT_EQ(write(efd, &v, 8), 8);
	/* The first instance on the queue was woken; the other may not have been. */
	EXPECT_EQ(wait0(a, &ev) + wait0(b, &ev) >= 1, 1);
	close(efd);
	close(a);
	close(b);
}

TEST(many_items_many_rounds)
{
	enum { N = 64 };
	int ep = epoll_create1(0), p[N][2];
	struct epoll_event ev[N];
	char c;

	ASSERT(ep >= 0);
	for (int i = 0; i < N; i++) {
		ASSERT_EQ(pipe(p[i]), 0);
		ASSERT_EQ(add(ep, p[i][0], EPOLLIN | EPOLLET, i), 0);
	}
	for (int round = 0; round < 20; round++) {
		int n, total = 0;

		for (int i = round % 3; i < N; i += 3)
			EXPECT_EQ(write(p[i][1], "r", 1), 1);
		while ((n = epoll_wait(ep, ev, N, 0)) > 0) {
			for (int k = 0; k < n; k++) {
				EXPECT_EQ(ev[k].data.u64 % 3, (uint64_t)(round % 3));
				EXPECT_EQ(read(p[ev[k].data.u64][0], &c, 1), 1);
			}
			total += n;
		}
		EXPECT_EQ(total, (N - round % 3 + 2) / 3);
	}
	for (int i = 0; i < N; i++) {
		close(p[i][0]);
		close(p[i][1]);
	}
	close(ep);
}
