/*
 * signalfd: reading blocked signals as struct signalfd_siginfo, the
 * fields for kill, sigqueue and SIGCHLD, several records in one read,
 * blocking and non-blocking reads, changing the mask, poll and epoll
 * (woken by a signal from another process), SIGKILL and SIGSTOP left
 * out, the errors. Linux's semantics (the same tests pass there).
 */
#include "harness.h"
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>

static sigset_t block(int sig1, int sig2)
{
	sigset_t s;

	sigemptyset(&s);
	if (sig1)
		sigaddset(&s, sig1);
	if (sig2)
		sigaddset(&s, sig2);
	sigprocmask(SIG_BLOCK, &s, NULL);
	return s;
}

TEST(reads_a_blocked_signal_with_its_sender)
{
	sigset_t s = block(SIGUSR1, 0);
	struct signalfd_siginfo si;
	int fd = signalfd(-1, &s, SFD_NONBLOCK);

	ASSERT(fd >= 0);
	EXPECT_ERRNO(read(fd, &si, sizeof(si)), EAGAIN);
	EXPECT_EQ(kill(getpid(), SIGUSR1), 0);
	EXPECT_EQ(read(fd, &si, sizeof(si)), (ssize_t)sizeof(si));
	EXPECT_EQ(si.ssi_signo, SIGUSR1);
	EXPECT_EQ(si.ssi_code, SI_USER);
	EXPECT_EQ(si.ssi_pid, (uint32_t)getpid());
	EXPECT_EQ(si.ssi_uid, getuid());
	/* Taken: no longer pending. */
	sigset_t pend;
	sigpending(&pend);
	EXPECT_EQ(sigismember(&pend, SIGUSR1), 0);
	EXPECT_ERRNO(read(fd, &si, sizeof(si)), EAGAIN);
	close(fd);
}

TEST(sigqueue_value_and_several_records)
{
	sigset_t s = block(SIGRTMIN, SIGUSR2);
	struct signalfd_siginfo si[4];
	int fd = signalfd(-1, &s, SFD_NONBLOCK);

	ASSERT(fd >= 0);
	EXPECT_EQ(sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 11 }), 0);
	EXPECT_EQ(sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 22 }), 0);
	EXPECT_EQ(kill(getpid(), SIGUSR2), 0);
	EXPECT_EQ(read(fd, si, sizeof(si)), (ssize_t)(3 * sizeof(si[0])));
	/* Lowest number first; the real-time ones queued, in order. */
	EXPECT_EQ(si[0].ssi_signo, SIGUSR2);
	EXPECT_EQ(si[1].ssi_signo, (uint32_t)SIGRTMIN);
	EXPECT_EQ(si[1].ssi_code, SI_QUEUE);
	EXPECT_EQ(si[1].ssi_int, 11);
	EXPECT_EQ(si[2].ssi_int, 22);
	EXPECT_EQ(si[2].ssi_pid, (uint32_t)getpid());
	close(fd);
}

TEST(short_buffer_is_einval)
{
	sigset_t s = block(SIGUSR1, 0);
	char buf[100];
	int fd = signalfd(-1, &s, SFD_NONBLOCK);

	ASSERT(fd >= 0);
	kill(getpid(), SIGUSR1);
	EXPECT_ERRNO(read(fd, buf, sizeof(buf)), EINVAL);
	close(fd);
}

TEST(sigchld_carries_the_childs_status)
{
	sigset_t s = block(SIGCHLD, 0);
	struct signalfd_siginfo si;
	int fd = signalfd(-1, &s, 0);
	pid_t pid;

	ASSERT(fd >= 0);
	pid = fork();
	if (pid == 0)
		_exit(42);
	EXPECT_EQ(read(fd, &si, sizeof(si)), (ssize_t)sizeof(si));	/* blocks until it exits */
	EXPECT_EQ(si.ssi_signo, SIGCHLD);
	EXPECT_EQ(si.ssi_code, CLD_EXITED);
	EXPECT_EQ(si.ssi_pid, (uint32_t)pid);
	EXPECT_EQ(si.ssi_status, 42);
	EXPECT_EQ(waitpid(pid, NULL, 0), pid);
	close(fd);
}

TEST(mask_can_be_changed_and_kill_stop_are_ignored)
{
	sigset_t s = block(SIGUSR1, SIGUSR2), one, all;
	struct signalfd_siginfo si;
	int fd;

	sigemptyset(&one);
	sigaddset(&one, SIGUSR1);
	fd = signalfd(-1, &one, SFD_NONBLOCK);
	ASSERT(fd >= 0);
	kill(getpid(), SIGUSR2);
	EXPECT_ERRNO(read(fd, &si, sizeof(si)), EAGAIN);	/* not in its mask */
	EXPECT_EQ(signalfd(fd, &s, 0), fd);	/* now both */
	EXPECT_EQ(read(fd, &si, sizeof(si)), (ssize_t)sizeof(si));
	EXPECT_EQ(si.ssi_signo, SIGUSR2);
	/* A mask with SIGKILL and SIGSTOP is fine: they are left out. */
	sigfillset(&all);
	EXPECT_EQ(signalfd(fd, &all, 0), fd);
	close(fd);
}

TEST(errors)
{
	sigset_t s;
	int p[2];

	sigemptyset(&s);
	ASSERT_EQ(pipe(p), 0);
	EXPECT_ERRNO(syscall(SYS_signalfd4, -1, &s, 4, 0), EINVAL);
	EXPECT_ERRNO(syscall(SYS_signalfd4, -1, &s, 8, 0x1234), EINVAL);
	EXPECT_ERRNO(syscall(SYS_signalfd4, p[0], &s, 8, 0), EINVAL);
	EXPECT_ERRNO(syscall(SYS_signalfd4, 999, &s, 8, 0), EBADF);
	int fd = syscall(SYS_signalfd, -1, &s, 8);
	EXPECT(fd >= 0);
	close(fd);
	close(p[0]);
	close(p[1]);
}

TEST(poll_sees_a_pending_signal)
{
	sigset_t s = block(SIGUSR1, 0);
	int fd = signalfd(-1, &s, 0);
	struct pollfd p = { fd, POLLIN, 0 };

	ASSERT(fd >= 0);
	EXPECT_EQ(poll(&p, 1, 0), 0);
	kill(getpid(), SIGUSR1);
	EXPECT_EQ(poll(&p, 1, 0), 1);
	EXPECT_EQ(p.revents, POLLIN);
	close(fd);
}

TEST(epoll_is_woken_by_a_signal_from_another_process)
{
	sigset_t s = block(SIGUSR1, 0);
	int fd = signalfd(-1, &s, SFD_NONBLOCK), ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 5 };
	struct signalfd_siginfo si;
	pid_t pid, me = getpid();

	ASSERT(fd >= 0 && ep >= 0);
	ASSERT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev), 0);
	pid = fork();
	if (pid == 0) {
		usleep(50000);
		_exit(kill(me, SIGUSR1) ? 1 : 0);
	}
	EXPECT_EQ(epoll_wait(ep, &ev, 1, 10000), 1);
	EXPECT_EQ(ev.data.u64, 5);
	EXPECT_EQ(read(fd, &si, sizeof(si)), (ssize_t)sizeof(si));
	EXPECT_EQ(si.ssi_pid, (uint32_t)pid);
	waitpid(pid, NULL, 0);
	close(ep);
	close(fd);
}

TEST(blocking_read_woken_by_a_thread_directed_signal)
{
	sigset_t s = block(SIGUSR2, 0);
	struct signalfd_siginfo si;
	int fd = signalfd(-1, &s, 0);
	pid_t me = getpid(), pid;

	ASSERT(fd >= 0);
	pid = fork();
	if (pid == 0) {
		usleep(50000);
		_exit(syscall(SYS_tgkill, me, me, SIGUSR2) ? 1 : 0);
	}
	EXPECT_EQ(read(fd, &si, sizeof(si)), (ssize_t)sizeof(si));
	EXPECT_EQ(si.ssi_signo, SIGUSR2);
	EXPECT_EQ(si.ssi_code, SI_TKILL);
	waitpid(pid, NULL, 0);
	close(fd);
}

TEST(epoll_outlives_the_process_that_registered)
{
	int ep = epoll_create1(0), p[2];
	struct epoll_event ev;
	pid_t pid;
	int status;
	char c;

	ASSERT(ep >= 0);
	ASSERT_EQ(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		/* The child registers its signalfd (its own sighand's queue) and exits. */
		sigset_t s = block(SIGUSR1, 0);
		int fd = signalfd(-1, &s, 0);
		struct epoll_event e = { .events = EPOLLIN };

		_exit(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e) ? 1 : write(p[1], "k", 1) != 1);
	}
	EXPECT_EQ(read(p[0], &c, 1), 1);
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(status, 0);
	/* The signalfd file is gone with the child: the instance is empty and works. */
	EXPECT_EQ(epoll_wait(ep, &ev, 1, 0), 0);
	close(ep);
	close(p[0]);
	close(p[1]);
}
