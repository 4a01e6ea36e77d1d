/*
 * An event loop as glibc programs write one: epoll over AF_UNIX sockets,
 * an eventfd, a timerfd and a signalfd, a server on a path name and one
 * in the abstract namespace, descriptors and credentials passed with
 * SCM_RIGHTS and SO_PEERCRED, all through glibc's own wrappers. It prints
 * only what Linux decides the same way every time (no pids, times or
 * addresses), so t-events.sh compares its output with Linux's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHECK(x)                                                              \
	do {                                                                  \
		if (!(x)) {                                                   \
			printf("FAILED line %d: %s (%s)\n", __LINE__, #x,     \
			       strerror(errno));                              \
			exit(1);                                              \
		}                                                             \
	} while (0)

static const char *ev_name(uint32_t ev)
{
	static char buf[64];

	buf[0] = 0;
	if (ev & EPOLLIN)
		strcat(buf, "IN ");
	if (ev & EPOLLOUT)
		strcat(buf, "OUT ");
	if (ev & EPOLLRDHUP)
		strcat(buf, "RDHUP ");
	if (ev & EPOLLHUP)
		strcat(buf, "HUP ");
	if (ev & EPOLLERR)
		strcat(buf, "ERR ");
	if (buf[0])
		buf[strlen(buf) - 1] = 0;
	return buf;
}

/* A call's result and its errno, printed after the call (not in the same expression). */
static void show_ret(const char *what, long ret)
{
	int e = errno;

	printf("%s: %ld%s%s\n", what, ret, ret < 0 ? " " : "", ret < 0 ? strerror(e) : "");
}

/* One epoll_wait with no timeout: how many events, and the first one's bits. */
static void show_wait(int ep, const char *what)
{
	struct epoll_event ev[8];
	int n = epoll_wait(ep, ev, 8, 0);

	printf("%s: %d%s%s\n", what, n, n > 0 ? " " : "", n > 0 ? ev_name(ev[0].events) : "");
}

static void level_and_edge(void)
{
	int sv[2], ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP };
	char buf[8];

	CHECK(ep >= 0 && socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == 0);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev) == 0);
	show_wait(ep, "level, empty");
	CHECK(write(sv[1], "abcd", 4) == 4);
	show_wait(ep, "level, 4 bytes");
	show_wait(ep, "level, still 4 bytes");
	ev.events = EPOLLIN | EPOLLET;
	CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, sv[0], &ev) == 0);
	show_wait(ep, "edge, after MOD");
	show_wait(ep, "edge, nothing new");
	CHECK(write(sv[1], "e", 1) == 1);
	show_wait(ep, "edge, 1 more byte");
	printf("read: %zd\n", read(sv[0], buf, sizeof(buf)));
	show_ret("read again", read(sv[0], buf, sizeof(buf)));
	ev.events = EPOLLIN | EPOLLONESHOT;
	CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, sv[0], &ev) == 0);
	CHECK(write(sv[1], "x", 1) == 1);
	show_wait(ep, "oneshot, first");
	show_wait(ep, "oneshot, disarmed");
	ev.events = EPOLLIN | EPOLLRDHUP;
	CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, sv[0], &ev) == 0);
	close(sv[1]);
	show_wait(ep, "peer closed");
	show_ret("add twice", epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev));
	close(sv[0]);
	close(ep);
}

static void counters_and_timers(void)
{
	int efd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
	int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	struct itimerspec its = { { 0, 10000000 }, { 0, 10000000 } }, cur;
	struct timespec nap = { 0, 50000000 };
	uint64_t v;
	int n = 0;

	CHECK(efd >= 0 && tfd >= 0);
	while (read(efd, &v, 8) == 8)
		n++;
	printf("eventfd semaphore: %d reads of 1, then %s\n", n, strerror(errno));	/* the failed read's */
	v = 0xfffffffffffffffeULL;
	printf("eventfd fill: %zd\n", write(efd, &v, 8));
	v = 1;
	show_ret("eventfd full", write(efd, &v, 8));
	CHECK(timerfd_settime(tfd, 0, &its, NULL) == 0);
	nanosleep(&nap, NULL);
	CHECK(read(tfd, &v, 8) == 8);
	printf("timerfd: at least 4 expirations: %s\n", v >= 4 ? "yes" : "no");
	CHECK(timerfd_gettime(tfd, &cur) == 0);
	printf("timerfd interval: %ld ns\n", cur.it_interval.tv_nsec);
	memset(&its, 0, sizeof(its));
	CHECK(timerfd_settime(tfd, 0, &its, &cur) == 0);
	CHECK(timerfd_gettime(tfd, &cur) == 0);
	printf("timerfd disarmed: %ld %ld\n", (long)cur.it_value.tv_sec, cur.it_value.tv_nsec);
	close(efd);
	close(tfd);
}

static void signals(void)
{
	struct signalfd_siginfo si;
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	fd = signalfd(-1, &set, SFD_CLOEXEC);
	CHECK(fd >= 0);
	kill(getpid(), SIGUSR1);
	CHECK(read(fd, &si, sizeof(si)) == sizeof(si));
	printf("signalfd: signo %u, from me: %s\n", si.ssi_signo,
	       si.ssi_pid == (uint32_t)getpid() ? "yes" : "no");
	pid_t pid = fork();
	if (pid == 0)
		_exit(42);
	CHECK(read(fd, &si, sizeof(si)) == sizeof(si));
	printf("signalfd: signo %u, child status %d, code CLD_EXITED: %s\n", si.ssi_signo,
	       si.ssi_status, si.ssi_code == CLD_EXITED ? "yes" : "no");
	waitpid(pid, NULL, 0);
	close(fd);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* A child connects to addr, sends a line, prints the reply. */
static pid_t client(const struct sockaddr_un *addr, socklen_t len, const char *line)
{
	pid_t pid = fork();

	if (pid == 0) {
		int s = socket(AF_UNIX, SOCK_STREAM, 0);
		char buf[64];
		ssize_t n;

		CHECK(connect(s, (const struct sockaddr *)addr, len) == 0);
		CHECK(write(s, line, strlen(line)) == (ssize_t)strlen(line));
		shutdown(s, SHUT_WR);
		n = read(s, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = 0;
		printf("client got: %s\n", buf);
		fflush(stdout);
		_exit(0);
	}
	return pid;
}

/* Accept one connection through epoll, upper-case what it sends back to it. */
static void serve_one(int ls, pid_t expect)
{
	int ep = epoll_create1(0), c;
	struct epoll_event ev = { .events = EPOLLIN };
	struct ucred cr;
	socklen_t cl = sizeof(cr);
	char buf[64];
	ssize_t n, got = 0;

	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev) == 0);
	CHECK(epoll_wait(ep, &ev, 1, -1) == 1);
	c = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
	CHECK(c >= 0);
	CHECK(getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &cl) == 0);
	printf("server: peer is the client: %s, same uid: %s\n",
	       cr.pid == expect ? "yes" : "no", cr.uid == getuid() ? "yes" : "no");
	while ((n = read(c, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += n;
	for (ssize_t i = 0; i < got; i++)
		if (buf[i] >= 'a' && buf[i] <= 'z')
			buf[i] -= 32;
	CHECK(write(c, buf, got) == got);
	close(c);
	close(ep);
}

static void servers(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX }, got;
	socklen_t gl = sizeof(got);
	int ls = socket(AF_UNIX, SOCK_STREAM, 0);
	pid_t pid;

	strcpy(a.sun_path, "server.sock");
	CHECK(bind(ls, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(ls, 4) == 0);
	CHECK(getsockname(ls, (struct sockaddr *)&got, &gl) == 0);
	printf("bound to: %s (length %u)\n", got.sun_path, gl);
	show_ret("bind again", bind(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&a, sizeof(a)));
	fflush(stdout);
	pid = client(&a, sizeof(a), "hello over a path");
	serve_one(ls, pid);
	waitpid(pid, NULL, 0);
	close(ls);
	unlink("server.sock");

	ls = socket(AF_UNIX, SOCK_STREAM, 0);
	memset(a.sun_path, 0, sizeof(a.sun_path));
	memcpy(a.sun_path, "\0kestrel-compat-events", 22);
	CHECK(bind(ls, (struct sockaddr *)&a, offsetof(struct sockaddr_un, sun_path) + 22) == 0);
	CHECK(listen(ls, 4) == 0);
	fflush(stdout);
	pid = client(&a, offsetof(struct sockaddr_un, sun_path) + 22, "hello in the abstract");
	serve_one(ls, pid);
	waitpid(pid, NULL, 0);
	close(ls);
	a.sun_path[1] = 'K';
	show_ret("connect to nobody", connect(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&a,
					     offsetof(struct sockaddr_un, sun_path) + 22));
}

static void passing(void)
{
	int sv[2], p[2], dsv[2];
	char cbuf[CMSG_SPACE(sizeof(int))], buf[32];
	struct iovec iov = { "F", 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	ssize_t n;

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0 && pipe(p) == 0);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &p[1], sizeof(int));
	CHECK(sendmsg(sv[0], &m, 0) == 1);
	close(p[1]);
	fflush(stdout);
	if (fork() == 0) {
		int fd;

		iov.iov_base = buf;
		m.msg_controllen = sizeof(cbuf);
		CHECK(recvmsg(sv[1], &m, MSG_CMSG_CLOEXEC) == 1);
		c = CMSG_FIRSTHDR(&m);
		CHECK(c && c->cmsg_type == SCM_RIGHTS);
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
		CHECK(write(fd, "through a passed pipe", 21) == 21);
		_exit(0);
	}
	close(sv[0]);
	close(sv[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("pipe read: %s\n", buf);
	printf("pipe then: %zd\n", read(p[0], buf, sizeof(buf)));
	wait(NULL);
	close(p[0]);

	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, dsv) == 0);
	CHECK(send(dsv[0], "one", 3, 0) == 3 && send(dsv[0], "three", 5, 0) == 5);
	printf("seqpacket: %zd", recv(dsv[1], buf, sizeof(buf), 0));
	printf(" %zd", recv(dsv[1], buf, 2, 0));
	printf("\n");
	show_ret("seqpacket, empty", recv(dsv[1], buf, sizeof(buf), MSG_DONTWAIT));
	close(dsv[0]);
	close(dsv[1]);
	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, dsv) == 0);
	CHECK(send(dsv[0], "datagram", 8, 0) == 8);
	iov.iov_base = buf;
	iov.iov_len = 4;
	m.msg_control = NULL;
	m.msg_controllen = 0;
	n = recvmsg(dsv[1], &m, 0);
	printf("dgram: %zd, truncated: %s\n", n, (m.msg_flags & MSG_TRUNC) ? "yes" : "no");
	close(dsv[0]);
	close(dsv[1]);
}

/* events bind PATH: leave a bound socket's node at PATH for the script to look at. */
static int bind_only(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_DGRAM, 0);

	strncpy(a.sun_path, path, sizeof(a.sun_path) - 1);
	CHECK(bind(s, (struct sockaddr *)&a, sizeof(a)) == 0);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "bind"))
		return bind_only(argv[2]);
	level_and_edge();
	counters_and_timers();
	signals();
	servers();
	passing();
	printf("events: done\n");
	return 0;
}
