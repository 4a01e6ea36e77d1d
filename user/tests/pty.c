/*
 * Pseudo-terminals: /dev/ptmx and /dev/pts/N as openpty(3), Python's pty
 * module and terminal emulators use them. The slave is a real terminal
 * (canonical input, echo, ONLCR, ^C as SIGINT to its foreground group,
 * controlling tty of a session); the master sees what the slave's
 * programs write. Closing one side tells the other (EIO and EPOLLHUP on
 * the master, hangup on the slave), and nothing is lost on the way
 * however much is written. Linux's semantics (the same tests pass there).
 */
#include "harness.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER 0x5441
#endif

/* A new pair: *master, and the slave opened by name. */
static int open_pair(int *master, int *slave)
{
	char name[64];

	*master = posix_openpt(O_RDWR | O_NOCTTY);
	if (*master < 0 || grantpt(*master) || unlockpt(*master) ||
	    ptsname_r(*master, name, sizeof(name)))
		return -1;
	*slave = open(name, O_RDWR | O_NOCTTY);
	return *slave < 0 ? -1 : 0;
}

/* Read exactly n bytes (a pty hands them over in pieces). */
static ssize_t read_all(int fd, char *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);

		if (r <= 0)
			return got ? (ssize_t)got : r;
		got += r;
	}
	return got;
}

TEST(ptmx_gives_a_numbered_slave_in_devpts)
{
	int m, s, n = -1, lock = -1;
	char name[64];
	struct stat st;

	ASSERT_EQ(open_pair(&m, &s), 0);
	EXPECT_EQ(ioctl(m, TIOCGPTN, &n), 0);
	ASSERT_EQ(ptsname_r(m, name, sizeof(name)), 0);
	char want[64];
	snprintf(want, sizeof(want), "/dev/pts/%d", n);
	EXPECT_STREQ(name, want);
	ASSERT_EQ(fstat(s, &st), 0);
	EXPECT(S_ISCHR(st.st_mode));
	EXPECT_EQ(major(st.st_rdev), 136);
	EXPECT_EQ((int)minor(st.st_rdev), n);
	EXPECT(isatty(s));
	EXPECT(isatty(m));
	EXPECT_STREQ(ttyname(s), name);
	EXPECT_EQ(ioctl(m, TIOCGPTLCK, &lock), 0);
	EXPECT_EQ(lock, 0);
	/* The slave's number is only the master's. */
	EXPECT_ERRNO(ioctl(s, TIOCGPTN, &n), ENOTTY);
	ASSERT_EQ(stat("/dev/ptmx", &st), 0);
	EXPECT_EQ(major(st.st_rdev), 5);
	EXPECT_EQ(minor(st.st_rdev), 2);
	close(s);
	close(m);
	/* The master's close takes the name away. */
	EXPECT_ERRNO(stat(name, &st), ENOENT);
}

TEST(the_slave_is_locked_until_unlockpt)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY), lock = 0, zero = 0;
	char name[64];

	ASSERT(m >= 0);
	ASSERT_EQ(ptsname_r(m, name, sizeof(name)), 0);
	EXPECT_EQ(ioctl(m, TIOCGPTLCK, &lock), 0);
	EXPECT_EQ(lock, 1);
	EXPECT_ERRNO(open(name, O_RDWR | O_NOCTTY), EIO);
	EXPECT_EQ(ioctl(m, TIOCSPTLCK, &zero), 0);
	int s = open(name, O_RDWR | O_NOCTTY);
	EXPECT(s >= 0);
	close(s);
	close(m);
}

TEST(master_input_is_a_line_for_the_slave_and_echoes)
{
	int m, s;
	char buf[64];

	ASSERT_EQ(open_pair(&m, &s), 0);
	ASSERT_EQ(write(m, "hello\n", 6), 6);
	EXPECT_EQ(read(s, buf, sizeof(buf)), 6);
	EXPECT_EQ(memcmp(buf, "hello\n", 6), 0);
	/* ECHO and ONLCR: the master sees the line as a terminal shows it. */
	EXPECT_EQ(read_all(m, buf, 7), 7);
	EXPECT_EQ(memcmp(buf, "hello\r\n", 7), 0);
	/* Output of the slave's programs, through ONLCR. */
	ASSERT_EQ(write(s, "out\n", 4), 4);
	EXPECT_EQ(read_all(m, buf, 5), 5);
	EXPECT_EQ(memcmp(buf, "out\r\n", 5), 0);
	/* Erase before the line ends: the slave reads the edited line. */
	ASSERT_EQ(write(m, "ab\177c\n", 5), 5);
	EXPECT_EQ(read(s, buf, sizeof(buf)), 3);
	EXPECT_EQ(memcmp(buf, "ac\n", 3), 0);
	close(s);
	close(m);
}

TEST(raw_mode_passes_bytes_unchanged)
{
	int m, s;
	struct termios t;
	char buf[16];

	ASSERT_EQ(open_pair(&m, &s), 0);
	ASSERT_EQ(tcgetattr(s, &t), 0);
	cfmakeraw(&t);
	ASSERT_EQ(tcsetattr(s, TCSANOW, &t), 0);
	ASSERT_EQ(write(m, "a\r\003\n", 4), 4);
	EXPECT_EQ(read_all(s, buf, 4), 4);
	EXPECT_EQ(memcmp(buf, "a\r\003\n", 4), 0);
	ASSERT_EQ(write(s, "x\n", 2), 2);
	EXPECT_EQ(read_all(m, buf, 2), 2);
	EXPECT_EQ(memcmp(buf, "x\n", 2), 0);
	close(s);
	close(m);
}

TEST(window_size_is_shared)
{
	int m, s;
	struct winsize ws = { 0 }, set = { .ws_row = 33, .ws_col = 101 };

	ASSERT_EQ(open_pair(&m, &s), 0);
	EXPECT_EQ(ioctl(s, TIOCGWINSZ, &ws), 0);
	EXPECT_EQ(ws.ws_row, 0);
	EXPECT_EQ(ws.ws_col, 0);
	EXPECT_EQ(ioctl(m, TIOCSWINSZ, &set), 0);
	EXPECT_EQ(ioctl(s, TIOCGWINSZ, &ws), 0);
	EXPECT_EQ(ws.ws_row, 33);
	EXPECT_EQ(ws.ws_col, 101);
	close(s);
	close(m);
}

/* A child that makes the slave its controlling tty and waits for a signal. */
static volatile sig_atomic_t got_sig;
static void note_sig(int sig)
{
	got_sig = sig;
}

TEST(control_c_on_the_master_interrupts_the_slave_session)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY), sync[2];
	char name[64], c;

	ASSERT(m >= 0 && grantpt(m) == 0 && unlockpt(m) == 0);
	ASSERT_EQ(ptsname_r(m, name, sizeof(name)), 0);
	ASSERT_EQ(pipe(sync), 0);
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGINT, note_sig);
		close(m);
		setsid();
		int s = open(name, O_RDWR);	/* a session leader without a tty: it becomes ours */
		if (s < 0 || tcgetpgrp(s) != getpid())
			_exit(2);
		if (write(sync[1], "r", 1) != 1)
			_exit(3);
		while (!got_sig)
			pause();
		_exit(got_sig == SIGINT ? 0 : 4);
	}
	close(sync[1]);	/* a child that fails gives EOF here, not a hang */
	ASSERT_EQ(read(sync[0], &c, 1), 1);
	ASSERT_EQ(write(m, "\003", 1), 1);
	int status;
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0);
	/* ECHOCTL: the master sees ^C. */
	char buf[4];
	EXPECT_EQ(read_all(m, buf, 2), 2);
	EXPECT_EQ(memcmp(buf, "^C", 2), 0);
	close(m);
}

TEST(slave_close_gives_the_master_its_data_then_eio)
{
	int m, s;
	char buf[16];
	struct pollfd pfd;

	ASSERT_EQ(open_pair(&m, &s), 0);
	ASSERT_EQ(write(s, "bye", 3), 3);
	close(s);
	pfd = (struct pollfd){ .fd = m, .events = POLLIN };
	EXPECT_EQ(poll(&pfd, 1, 5000), 1);
	EXPECT(pfd.revents & POLLHUP);
	EXPECT_EQ(read_all(m, buf, 3), 3);
	EXPECT_EQ(memcmp(buf, "bye", 3), 0);
	EXPECT_ERRNO(read(m, buf, sizeof(buf)), EIO);
	close(m);
}

TEST(master_close_hangs_up_the_slave)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY), sync[2];
	char name[64], c;

	ASSERT(m >= 0 && grantpt(m) == 0 && unlockpt(m) == 0);
	ASSERT_EQ(ptsname_r(m, name, sizeof(name)), 0);
	ASSERT_EQ(pipe(sync), 0);
	pid_t pid = fork();
	if (pid == 0) {
		char b[8];

		signal(SIGHUP, note_sig);
		close(m);	/* the parent's close must be the master's last */
		setsid();
		int s = open(name, O_RDWR);
		if (s < 0 || write(sync[1], "r", 1) != 1)
			_exit(2);
		/* The hangup ends it: EOF, or EIO if the read saw the master gone first (Linux: either). */
		ssize_t r = read(s, b, sizeof(b));
		if (r != 0 && !(r == -1 && errno == EIO))
			_exit(3);
		if (write(s, "x", 1) != -1 || errno != EIO)
			_exit(4);
		_exit(got_sig == SIGHUP ? 0 : 5);
	}
	close(sync[1]);	/* a child that fails gives EOF here, not a hang */
	ASSERT_EQ(read(sync[0], &c, 1), 1);
	close(m);
	int status;
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0);
	EXPECT_ERRNO(open(name, O_RDWR | O_NOCTTY), ENOENT);
}

/* 256 KiB each way through a raw pair: every byte arrives, in order. */
TEST(big_transfers_lose_nothing)
{
	enum { TOTAL = 256 * 1024 };
	int m, s;
	struct termios t;

	ASSERT_EQ(open_pair(&m, &s), 0);
	ASSERT_EQ(tcgetattr(s, &t), 0);
	cfmakeraw(&t);
	ASSERT_EQ(tcsetattr(s, TCSANOW, &t), 0);
	pid_t pid = fork();
	if (pid == 0) {
		static char b[TOTAL];

		close(m);
		if (read_all(s, b, TOTAL) != TOTAL)
			_exit(2);
		for (int i = 0; i < TOTAL; i++)
			if (b[i] != (char)(i * 7))
				_exit(3);
		if (write(s, b, TOTAL) != TOTAL)	/* and back */
			_exit(4);
		_exit(0);
	}
	static char out[TOTAL], in[TOTAL];
	for (int i = 0; i < TOTAL; i++)
		out[i] = (char)(i * 7);
	close(s);
	EXPECT_EQ(write(m, out, TOTAL), TOTAL);
	EXPECT_EQ(read_all(m, in, TOTAL), TOTAL);
	EXPECT_EQ(memcmp(in, out, TOTAL), 0);
	int status;
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0);
	close(m);
}

TEST(nonblocking_master_write_stops_when_full)
{
	int m, s;
	char buf[4096];
	ssize_t total = 0, n;

	ASSERT_EQ(open_pair(&m, &s), 0);
	struct termios t;
	ASSERT_EQ(tcgetattr(s, &t), 0);
	cfmakeraw(&t);
	ASSERT_EQ(tcsetattr(s, TCSANOW, &t), 0);
	ASSERT_EQ(fcntl(m, F_SETFL, O_NONBLOCK), 0);
	memset(buf, 'q', sizeof(buf));
	while ((n = write(m, buf, sizeof(buf))) > 0 && total < (1 << 24))
		total += n;
	EXPECT_EQ(n, -1);
	EXPECT_EQ(errno, EAGAIN);
	EXPECT(total > 0);
	/* The slave reads it all back. */
	ASSERT_EQ(fcntl(s, F_SETFL, O_NONBLOCK), 0);
	ssize_t got = 0;
	for (int tries = 0; got < total && tries < 100000; tries++) {
		n = read(s, buf, sizeof(buf));
		if (n > 0)
			got += n;
		else
			usleep(1000);
	}
	EXPECT_EQ(got, total);
	close(s);
	close(m);
}

TEST(tiocgptpeer_opens_the_slave)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY), zero = 0;
	char buf[8];

	ASSERT(m >= 0);
	ASSERT_EQ(ioctl(m, TIOCSPTLCK, &zero), 0);
	int s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	ASSERT(s >= 0);
	EXPECT(isatty(s));
	EXPECT_EQ(fcntl(s, F_GETFD), FD_CLOEXEC);
	ASSERT_EQ(write(m, "p\n", 2), 2);
	EXPECT_EQ(read(s, buf, sizeof(buf)), 2);
	close(s);
	close(m);
}

TEST(epoll_on_the_master)
{
	int m, s, ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN };
	char buf[8];

	ASSERT_EQ(open_pair(&m, &s), 0);
	ASSERT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, m, &ev), 0);
	EXPECT_EQ(epoll_wait(ep, &ev, 1, 0), 0);
	ASSERT_EQ(write(s, "z", 1), 1);
	EXPECT_EQ(epoll_wait(ep, &ev, 1, 5000), 1);
	EXPECT(ev.events & EPOLLIN);
	EXPECT_EQ(read(m, buf, sizeof(buf)), 1);
	close(s);
	EXPECT_EQ(epoll_wait(ep, &ev, 1, 5000), 1);
	EXPECT(ev.events & EPOLLHUP);
	close(ep);
	close(m);
}

TEST(many_pairs_at_once)
{
	int m[16], s[16];

	for (int i = 0; i < 16; i++)
		ASSERT_EQ(open_pair(&m[i], &s[i]), 0);
	for (int i = 0; i < 16; i++) {
		char c = 'a' + i, buf[4];

		ASSERT_EQ(write(m[i], &c, 1), 1);
		ASSERT_EQ(write(m[i], "\n", 1), 1);
		EXPECT_EQ(read(s[i], buf, sizeof(buf)), 2);
		EXPECT_EQ(buf[0], c);
	}
	for (int i = 0; i < 16; i++) {
		close(s[i]);
		close(m[i]);
	}
}
