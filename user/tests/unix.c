/*
 * AF_UNIX sockets: socketpair, bind/listen/connect/accept on a path and
 * in the abstract namespace, stream, datagram and seqpacket semantics,
 * sendmsg/recvmsg with SCM_RIGHTS and SCM_CREDENTIALS, shutdown, names,
 * socket options, poll and epoll readiness, non-blocking calls,
 * MSG_PEEK/MSG_DONTWAIT/MSG_WAITALL/MSG_TRUNC, EPIPE and SIGPIPE, and the
 * collection of descriptor cycles. Linux's semantics: the same tests
 * pass there (make user-tests-native).
 */
#include "harness.h"
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>

static char dir[64];

/* A fresh directory for this test's socket files. */
static const char *tmpdir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/unixtest.%d", getpid());
	mkdir(dir, 0700);
	return dir;
}

static socklen_t path_addr(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof(a->sun_path), "%s/%s", tmpdir(), name);
	return offsetof(struct sockaddr_un, sun_path) + strlen(a->sun_path) + 1;
}

static socklen_t abstract_addr(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	a->sun_path[0] = 0;
	snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "kestrel-test-%d-%s", getpid(), name);
	return offsetof(struct sockaddr_un, sun_path) + 1 + strlen(a->sun_path + 1);
}

static int listener(int type, struct sockaddr_un *a, socklen_t len)
{
	int s = socket(AF_UNIX, type, 0);

	if (s < 0 || bind(s, (struct sockaddr *)a, len) || listen(s, 8))
		return -1;
	return s;
}

static short revents(int fd, short events)
{
	struct pollfd p = { fd, events, 0 };

	return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

TEST(socket_errors)
{
	int sv[2];

	EXPECT_ERRNO(socket(99, SOCK_STREAM, 0), EAFNOSUPPORT);
	EXPECT_ERRNO(socket(-1, SOCK_STREAM, 0), EAFNOSUPPORT);
	EXPECT_ERRNO(socket(AF_UNIX, 99, 0), EINVAL);
	EXPECT_ERRNO(socket(AF_UNIX, SOCK_STREAM | 0x100000, 0), EINVAL);
	EXPECT_ERRNO(socket(AF_UNIX, SOCK_RDM, 0), ESOCKTNOSUPPORT);
	EXPECT_ERRNO(socket(AF_UNIX, SOCK_STREAM, 2), EPROTONOSUPPORT);
	EXPECT_ERRNO(socketpair(99, SOCK_STREAM, 0, sv), EAFNOSUPPORT);
	/* A raw AF_UNIX socket is a datagram socket, as on Linux. */
	int s = socket(AF_UNIX, SOCK_RAW, 0), type = 0;
	socklen_t l = sizeof(type);
	ASSERT(s >= 0);
	EXPECT_EQ(getsockopt(s, SOL_SOCKET, SO_TYPE, &type, &l), 0);
	EXPECT_EQ(type, SOCK_DGRAM);
	close(s);
	/* Socket calls on other files. */
	int p[2];
	ASSERT_EQ(pipe(p), 0);
	EXPECT_ERRNO(listen(p[0], 1), ENOTSOCK);
	EXPECT_ERRNO(send(p[1], "x", 1, 0), ENOTSOCK);
	EXPECT_ERRNO(shutdown(p[0], SHUT_RD), ENOTSOCK);
	EXPECT_ERRNO(listen(-1, 1), EBADF);
	close(p[0]);
	close(p[1]);
}

TEST(socketpair_stream_roundtrip)
{
	int sv[2];
	char buf[16];

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	EXPECT_EQ(fcntl(sv[0], F_GETFD), FD_CLOEXEC);
	EXPECT_EQ(write(sv[0], "hello", 5), 5);
	EXPECT_EQ(send(sv[0], " world", 6, 0), 6);
	/* A stream has no boundaries: both writes in one read. */
	EXPECT_EQ(read(sv[1], buf, sizeof(buf)), 11);
	EXPECT(!memcmp(buf, "hello world", 11));
	EXPECT_EQ(write(sv[1], "back", 4), 4);
	EXPECT_EQ(recv(sv[0], buf, sizeof(buf), 0), 4);
	close(sv[0]);
	EXPECT_EQ(read(sv[1], buf, sizeof(buf)), 0);	/* end of file */
	close(sv[1]);
}

TEST(stream_big_transfer_between_processes)
{
	enum { TOTAL = 3 * 1024 * 1024 };
	int sv[2], status;
	pid_t pid;
	long sum = 0, got = 0;
	static unsigned char buf[65536];

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid = fork();
	if (pid == 0) {
		static unsigned char out[100000];
		long sent = 0;

		close(sv[1]);
		for (int i = 0; i < (int)sizeof(out); i++)
			out[i] = (unsigned char)(i * 7);
		while (sent < TOTAL) {
			long n = TOTAL - sent < (long)sizeof(out) ? TOTAL - sent : (long)sizeof(out);
			ssize_t w = write(sv[0], out, n);	/* may be short only on error */

			if (w != n)
				_exit(1);
			sent += w;
		}
		_exit(0);
	}
	close(sv[0]);
	for (;;) {
		ssize_t n = read(sv[1], buf, sizeof(buf));

		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++)
			sum += buf[i] == (unsigned char)(((got + i) % 100000) * 7);
		got += n;
	}
	EXPECT_EQ(got, TOTAL);
	EXPECT_EQ(sum, TOTAL);	/* every byte in order */
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(status, 0);
	close(sv[1]);
}

TEST(dgram_keeps_boundaries_and_truncates)
{
	int sv[2];
	char buf[16];

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	EXPECT_EQ(send(sv[0], "one", 3, 0), 3);
	EXPECT_EQ(send(sv[0], "three", 5, 0), 5);
	EXPECT_EQ(send(sv[0], "", 0, 0), 0);	/* an empty datagram is a datagram */
	EXPECT_EQ(recv(sv[1], buf, sizeof(buf), 0), 3);
	/* Too small a buffer: the rest of that datagram is lost; MSG_TRUNC says its size. */
	EXPECT_EQ(recv(sv[1], buf, 2, MSG_TRUNC), 5);
	EXPECT(!memcmp(buf, "th", 2));
	EXPECT_EQ(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), 0);
	EXPECT_ERRNO(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	close(sv[0]);
	close(sv[1]);
}

TEST(recvmsg_reports_truncation)
{
	int sv[2];
	char buf[4];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	EXPECT_EQ(send(sv[0], "abcdefgh", 8, 0), 8);
	EXPECT_EQ(recvmsg(sv[1], &m, 0), 4);
	EXPECT(m.msg_flags & MSG_TRUNC);
	close(sv[0]);
	close(sv[1]);
}

TEST(peek_and_waitall)
{
	int sv[2];
	char buf[16];
	pid_t pid;

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	EXPECT_EQ(write(sv[0], "abcdef", 6), 6);
	EXPECT_EQ(recv(sv[1], buf, 3, MSG_PEEK), 3);
	EXPECT(!memcmp(buf, "abc", 3));
	EXPECT_EQ(recv(sv[1], buf, 4, 0), 4);	/* the peeked bytes are still there */
	EXPECT(!memcmp(buf, "abcd", 4));
	pid = fork();
	if (pid == 0) {
		usleep(50000);
		_exit(write(sv[0], "ghij", 4) != 4);
	}
	/* MSG_WAITALL waits for the whole count: "ef" now, "ghij" later. */
	EXPECT_EQ(recv(sv[1], buf, 6, MSG_WAITALL), 6);
	EXPECT(!memcmp(buf, "efghij", 6));
	waitpid(pid, NULL, 0);
	close(sv[0]);
	close(sv[1]);
}

TEST(path_bind_listen_connect_accept)
{
	struct sockaddr_un a, peer;
	socklen_t len = path_addr(&a, "srv"), plen = sizeof(peer);
	int srv = listener(SOCK_STREAM, &a, len), c, s;
	struct stat st;
	char buf[8];

	ASSERT(srv >= 0);
	/* The name is a socket file, made with the umask applied. */
	EXPECT_EQ(stat(a.sun_path, &st), 0);
	EXPECT(S_ISSOCK(st.st_mode));
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT(c >= 0);
	EXPECT_EQ(connect(c, (struct sockaddr *)&a, len), 0);
	s = accept(srv, (struct sockaddr *)&peer, &plen);
	ASSERT(s >= 0);
	/* The connector is unbound: its name is just the family. */
	EXPECT_EQ(plen, sizeof(sa_family_t));
	EXPECT_EQ(peer.sun_family, AF_UNIX);
	EXPECT_EQ(write(c, "ping", 4), 4);
	EXPECT_EQ(read(s, buf, sizeof(buf)), 4);
	EXPECT_EQ(write(s, "pong", 4), 4);
	EXPECT_EQ(read(c, buf, sizeof(buf)), 4);
	EXPECT(!memcmp(buf, "pong", 4));
	/* getpeername of the client: the server's path. */
	plen = sizeof(peer);
	EXPECT_EQ(getpeername(c, (struct sockaddr *)&peer, &plen), 0);
	EXPECT_EQ(plen, len);
	EXPECT_STREQ(peer.sun_path, a.sun_path);
	/* getsockname of the accepted socket: the listener's name too. */
	plen = sizeof(peer);
	EXPECT_EQ(getsockname(s, (struct sockaddr *)&peer, &plen), 0);
	EXPECT_STREQ(peer.sun_path, a.sun_path);
	close(c);
	close(s);
	close(srv);
	/* The file stays after close; bind again needs it removed. */
	srv = socket(AF_UNIX, SOCK_STREAM, 0);
	EXPECT_ERRNO(bind(srv, (struct sockaddr *)&a, len), EADDRINUSE);
	EXPECT_EQ(unlink(a.sun_path), 0);
	EXPECT_EQ(bind(srv, (struct sockaddr *)&a, len), 0);
	close(srv);
	unlink(a.sun_path);
	rmdir(tmpdir());
}

TEST(connect_errors)
{
	struct sockaddr_un a, b;
	socklen_t len = path_addr(&a, "c1"), blen;
	int s = socket(AF_UNIX, SOCK_STREAM, 0), d, f;

	ASSERT(s >= 0);
	EXPECT_ERRNO(connect(s, (struct sockaddr *)&a, len), ENOENT);
	/* A file that is not a socket. */
	f = open(a.sun_path, O_CREAT | O_WRONLY, 0600);
	close(f);
	EXPECT_ERRNO(connect(s, (struct sockaddr *)&a, len), ECONNREFUSED);
	unlink(a.sun_path);
	/* A bound socket that does not listen. */
	d = socket(AF_UNIX, SOCK_STREAM, 0);
	EXPECT_EQ(bind(d, (struct sockaddr *)&a, len), 0);
	EXPECT_ERRNO(connect(s, (struct sockaddr *)&a, len), ECONNREFUSED);
	close(d);
	/* Its file stays, nobody is bound to it any more. */
	EXPECT_ERRNO(connect(s, (struct sockaddr *)&a, len), ECONNREFUSED);
	unlink(a.sun_path);
	/* Another type. */
	d = socket(AF_UNIX, SOCK_DGRAM, 0);
	EXPECT_EQ(bind(d, (struct sockaddr *)&a, len), 0);
	EXPECT_ERRNO(connect(s, (struct sockaddr *)&a, len), EPROTOTYPE);
	close(d);
	unlink(a.sun_path);
	/* Bad addresses. */
	b = a;
	b.sun_family = AF_INET;
	EXPECT_ERRNO(connect(s, (struct sockaddr *)&b, len), EINVAL);
	EXPECT_ERRNO(connect(s, (struct sockaddr *)&a, 1), EINVAL);
	EXPECT_ERRNO(connect(s, (struct sockaddr *)&a, sizeof(a) + 1), EINVAL);
	blen = abstract_addr(&b, "nobody");
	EXPECT_ERRNO(connect(s, (struct sockaddr *)&b, blen), ECONNREFUSED);
	close(s);
	rmdir(tmpdir());
}

TEST(abstract_namespace)
{
	struct sockaddr_un a, got;
	socklen_t len = abstract_addr(&a, "abs"), glen = sizeof(got);
	int srv = listener(SOCK_STREAM, &a, len), c, s, again;

	ASSERT(srv >= 0);
	EXPECT_EQ(getsockname(srv, (struct sockaddr *)&got, &glen), 0);
	EXPECT_EQ(glen, len);
	EXPECT(!memcmp(&got, &a, len));
	again = socket(AF_UNIX, SOCK_STREAM, 0);
	EXPECT_ERRNO(bind(again, (struct sockaddr *)&a, len), EADDRINUSE);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	EXPECT_EQ(connect(c, (struct sockaddr *)&a, len), 0);
	s = accept(srv, NULL, NULL);
	EXPECT(s >= 0);
	close(s);
	close(c);
	close(srv);
	/* The name goes with the socket: no file, free again. */
	EXPECT_EQ(bind(again, (struct sockaddr *)&a, len), 0);
	close(again);
}

TEST(autobind_and_bind_errors)
{
	struct sockaddr_un a, got;
	socklen_t glen = sizeof(got), len;
	int s = socket(AF_UNIX, SOCK_DGRAM, 0);

	ASSERT(s >= 0);
	/* Only the family: an abstract name of five hex digits. */
	a.sun_family = AF_UNIX;
	EXPECT_EQ(bind(s, (struct sockaddr *)&a, sizeof(sa_family_t)), 0);
	EXPECT_EQ(getsockname(s, (struct sockaddr *)&got, &glen), 0);
	EXPECT_EQ(glen, offsetof(struct sockaddr_un, sun_path) + 6);
	EXPECT_EQ(got.sun_path[0], 0);
	/* Bound already. */
	len = abstract_addr(&a, "twice");
	EXPECT_ERRNO(bind(s, (struct sockaddr *)&a, len), EINVAL);
	close(s);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	a.sun_family = AF_INET;
	EXPECT_ERRNO(bind(s, (struct sockaddr *)&a, len), EINVAL);
	EXPECT_ERRNO(bind(s, (struct sockaddr *)&a, -1), EINVAL);
	len = path_addr(&a, "x");
	EXPECT_ERRNO(listen(s, 1), EINVAL);	/* unbound */
	close(s);
	rmdir(tmpdir());
}

TEST(listen_and_accept_errors)
{
	int s = socket(AF_UNIX, SOCK_STREAM, 0), d = socket(AF_UNIX, SOCK_DGRAM, 0), sv[2];

	ASSERT(s >= 0 && d >= 0);
	EXPECT_ERRNO(accept(s, NULL, NULL), EINVAL);	/* not listening */
	EXPECT_ERRNO(listen(d, 1), EOPNOTSUPP);
	EXPECT_ERRNO(accept(d, NULL, NULL), EOPNOTSUPP);
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	EXPECT_ERRNO(listen(sv[0], 1), EINVAL);	/* connected */
	EXPECT_ERRNO(accept4(s, NULL, NULL, 0x1234), EINVAL);
	close(sv[0]);
	close(sv[1]);
	close(s);
	close(d);
}

TEST(nonblocking_accept_and_backlog)
{
	struct sockaddr_un a;
	socklen_t len = abstract_addr(&a, "backlog");
	int srv = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0), c[4], n = 0, s;

	ASSERT(srv >= 0);
	ASSERT_EQ(bind(srv, (struct sockaddr *)&a, len), 0);
	ASSERT_EQ(listen(srv, 1), 0);
	EXPECT_ERRNO(accept(srv, NULL, NULL), EAGAIN);
	EXPECT_EQ(revents(srv, POLLIN), 0);
	/* A backlog of 1 takes two pending connections (Linux counts "more than"). */
	for (int i = 0; i < 4; i++) {
		c[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (connect(c[i], (struct sockaddr *)&a, len) == 0)
			n++;
		else
			EXPECT_EQ(errno, EAGAIN);
	}
	EXPECT_EQ(n, 2);
	EXPECT_EQ(revents(srv, POLLIN), POLLIN);
	s = accept4(srv, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	ASSERT(s >= 0);
	EXPECT(fcntl(s, F_GETFL) & O_NONBLOCK);
	EXPECT_EQ(fcntl(s, F_GETFD), FD_CLOEXEC);
	close(s);
	for (int i = 0; i < 4; i++)
		close(c[i]);
	close(srv);
}

TEST(blocking_accept_waits_for_a_connection)
{
	struct sockaddr_un a;
	socklen_t len = abstract_addr(&a, "wait");
	int srv = listener(SOCK_STREAM, &a, len), s;
	pid_t pid;
	char buf[4];

	ASSERT(srv >= 0);
	pid = fork();
	if (pid == 0) {
		int c = socket(AF_UNIX, SOCK_STREAM, 0);

		usleep(50000);
		if (connect(c, (struct sockaddr *)&a, len) || write(c, "hi", 2) != 2)
			_exit(1);
		_exit(0);
	}
	s = accept(srv, NULL, NULL);
	ASSERT(s >= 0);
	EXPECT_EQ(read(s, buf, sizeof(buf)), 2);
	EXPECT_EQ(read(s, buf, sizeof(buf)), 0);	/* the child exited */
	waitpid(pid, NULL, 0);
	close(s);
	close(srv);
}

TEST(closing_the_listener_resets_pending_connections)
{
	struct sockaddr_un a;
	socklen_t len = abstract_addr(&a, "reset");
	int srv = listener(SOCK_STREAM, &a, len), c = socket(AF_UNIX, SOCK_STREAM, 0);
	char buf[4];

	ASSERT(srv >= 0);
	ASSERT_EQ(connect(c, (struct sockaddr *)&a, len), 0);
	close(srv);
	EXPECT_ERRNO(read(c, buf, sizeof(buf)), ECONNRESET);
	EXPECT_EQ(read(c, buf, sizeof(buf)), 0);
	close(c);
}

TEST(epipe_and_sigpipe)
{
	int sv[2], status;
	pid_t pid;

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	close(sv[1]);
	EXPECT_ERRNO(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	pid = fork();
	if (pid == 0) {
		write(sv[0], "x", 1);	/* SIGPIPE kills us */
		_exit(0);
	}
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE);
	signal(SIGPIPE, SIG_IGN);
	EXPECT_ERRNO(write(sv[0], "x", 1), EPIPE);
	close(sv[0]);
}

TEST(unread_data_resets_the_peer)
{
	int sv[2];
	char buf[4];

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	EXPECT_EQ(write(sv[0], "lost", 4), 4);
	close(sv[1]);	/* with "lost" unread */
	EXPECT_ERRNO(read(sv[0], buf, sizeof(buf)), ECONNRESET);
	EXPECT_EQ(read(sv[0], buf, sizeof(buf)), 0);
	close(sv[0]);
}

TEST(shutdown_directions)
{
	int sv[2];
	char buf[4];

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	EXPECT_ERRNO(shutdown(sv[0], 5), EINVAL);
	EXPECT_EQ(write(sv[0], "ab", 2), 2);
	EXPECT_EQ(shutdown(sv[0], SHUT_WR), 0);
	EXPECT_ERRNO(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	/* The peer reads what was sent, then end of file, and sees RDHUP. */
	EXPECT_EQ(revents(sv[1], POLLIN | POLLRDHUP), POLLIN | POLLRDHUP);
	EXPECT_EQ(read(sv[1], buf, sizeof(buf)), 2);
	EXPECT_EQ(read(sv[1], buf, sizeof(buf)), 0);
	/* The other way still works. */
	EXPECT_EQ(write(sv[1], "cd", 2), 2);
	EXPECT_EQ(read(sv[0], buf, sizeof(buf)), 2);
	EXPECT_EQ(shutdown(sv[0], SHUT_RD), 0);
	EXPECT_EQ(read(sv[0], buf, sizeof(buf)), 0);
	EXPECT_ERRNO(send(sv[1], "x", 1, MSG_NOSIGNAL), EPIPE);
	EXPECT_EQ(revents(sv[0], POLLIN | POLLOUT), POLLIN | POLLOUT | POLLHUP);
	close(sv[0]);
	close(sv[1]);
}

TEST(unconnected_stream_calls)
{
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_un a;
	socklen_t len = sizeof(a);
	char buf[4];

	ASSERT(s >= 0);
	EXPECT_ERRNO(recv(s, buf, sizeof(buf), 0), EINVAL);
	EXPECT_ERRNO(send(s, "x", 1, MSG_NOSIGNAL), ENOTCONN);
	EXPECT_ERRNO(getpeername(s, (struct sockaddr *)&a, &len), ENOTCONN);
	EXPECT_EQ(getsockname(s, (struct sockaddr *)&a, &len), 0);
	EXPECT_EQ(len, sizeof(sa_family_t));
	EXPECT_EQ(revents(s, POLLIN | POLLOUT), POLLOUT | POLLHUP);
	EXPECT_EQ(shutdown(s, SHUT_RDWR), 0);	/* allowed, as Linux */
	close(s);
}

TEST(dgram_to_a_path_and_reply)
{
	struct sockaddr_un a, b, from;
	socklen_t alen = path_addr(&a, "d1"), blen = path_addr(&b, "d2"), flen = sizeof(from);
	int s1 = socket(AF_UNIX, SOCK_DGRAM, 0), s2 = socket(AF_UNIX, SOCK_DGRAM, 0);
	char buf[16];

	ASSERT(s1 >= 0 && s2 >= 0);
	ASSERT_EQ(bind(s1, (struct sockaddr *)&a, alen), 0);
	ASSERT_EQ(bind(s2, (struct sockaddr *)&b, blen), 0);
	EXPECT_EQ(sendto(s2, "q", 1, 0, (struct sockaddr *)&a, alen), 1);
	EXPECT_EQ(recvfrom(s1, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen), 1);
	EXPECT_EQ(flen, blen);
	EXPECT_STREQ(from.sun_path, b.sun_path);
	EXPECT_EQ(sendto(s1, "r", 1, 0, (struct sockaddr *)&from, flen), 1);
	EXPECT_EQ(recv(s2, buf, sizeof(buf), 0), 1);
	/* Unconnected and no address. */
	EXPECT_ERRNO(send(s1, "x", 1, 0), ENOTCONN);
	/* From an unbound sender the address is empty. */
	int u = socket(AF_UNIX, SOCK_DGRAM, 0);
	EXPECT_EQ(sendto(u, "s", 1, 0, (struct sockaddr *)&a, alen), 1);
	flen = sizeof(from);
	EXPECT_EQ(recvfrom(s1, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen), 1);
	EXPECT_EQ(flen, 0);
	close(u);
	close(s1);
	EXPECT_ERRNO(sendto(s2, "x", 1, 0, (struct sockaddr *)&a, alen), ECONNREFUSED);
	close(s2);
	unlink(a.sun_path);
	unlink(b.sun_path);
	rmdir(tmpdir());
}

TEST(dgram_connect_and_peer_death)
{
	struct sockaddr_un a;
	socklen_t alen = abstract_addr(&a, "dc");
	int srv = socket(AF_UNIX, SOCK_DGRAM, 0), c = socket(AF_UNIX, SOCK_DGRAM, 0), other;
	char buf[8];

	ASSERT(srv >= 0 && c >= 0);
	ASSERT_EQ(bind(srv, (struct sockaddr *)&a, alen), 0);
	EXPECT_EQ(connect(c, (struct sockaddr *)&a, alen), 0);
	EXPECT_EQ(send(c, "1", 1, 0), 1);
	EXPECT_EQ(recv(srv, buf, sizeof(buf), 0), 1);
	/* srv connects elsewhere: c may no longer send to it. */
	other = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct sockaddr_un o;
	socklen_t olen = abstract_addr(&o, "other");
	ASSERT_EQ(bind(other, (struct sockaddr *)&o, olen), 0);
	ASSERT_EQ(connect(srv, (struct sockaddr *)&o, olen), 0);
	EXPECT_ERRNO(send(c, "2", 1, 0), EPERM);
	/* AF_UNSPEC disconnects. */
	struct sockaddr un = { .sa_family = AF_UNSPEC };
	EXPECT_EQ(connect(srv, &un, sizeof(un)), 0);
	EXPECT_EQ(send(c, "3", 1, 0), 1);
	close(srv);
	EXPECT_ERRNO(send(c, "4", 1, 0), ECONNREFUSED);
	EXPECT_ERRNO(send(c, "5", 1, 0), ENOTCONN);	/* disconnected by that */
	close(c);
	close(other);
}

TEST(dgram_receiver_queue_limit)
{
	struct sockaddr_un a;
	socklen_t alen = abstract_addr(&a, "full");
	int srv = socket(AF_UNIX, SOCK_DGRAM, 0), c = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	int sent = 0;

	ASSERT(srv >= 0 && c >= 0);
	ASSERT_EQ(bind(srv, (struct sockaddr *)&a, alen), 0);
	ASSERT_EQ(connect(c, (struct sockaddr *)&a, alen), 0);
	/* An unconnected receiver takes a bounded number of datagrams; then EAGAIN. */
	while (sent < 10000 && send(c, "x", 1, 0) == 1)
		sent++;
	EXPECT_EQ(errno, EAGAIN);
	EXPECT(sent > 0 && sent < 10000);
	EXPECT_EQ(revents(c, POLLOUT), 0);
	/* Reading one makes room, and poll says so. */
	char b;
	EXPECT_EQ(recv(srv, &b, 1, 0), 1);
	EXPECT_EQ(revents(c, POLLOUT), POLLOUT);
	EXPECT_EQ(send(c, "x", 1, 0), 1);
	close(c);
	close(srv);
}

TEST(dgram_epoll_writable_after_the_peer_reads)
{
	struct sockaddr_un a;
	socklen_t alen = abstract_addr(&a, "ep");
	int srv = socket(AF_UNIX, SOCK_DGRAM, 0), c = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLOUT, .data.u32 = 1 };
	pid_t pid;
	char b;

	ASSERT(srv >= 0 && c >= 0 && ep >= 0);
	ASSERT_EQ(bind(srv, (struct sockaddr *)&a, alen), 0);
	ASSERT_EQ(connect(c, (struct sockaddr *)&a, alen), 0);
	while (send(c, "x", 1, 0) == 1)
		;
	ASSERT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev), 0);
	EXPECT_EQ(epoll_wait(ep, &ev, 1, 0), 0);
	pid = fork();
	if (pid == 0) {
		usleep(50000);
		_exit(recv(srv, &b, 1, 0) != 1);
	}
	EXPECT_EQ(epoll_wait(ep, &ev, 1, 10000), 1);
	EXPECT_EQ(ev.events, EPOLLOUT);
	waitpid(pid, NULL, 0);
	close(ep);
	close(c);
	close(srv);
}

TEST(seqpacket_connection)
{
	struct sockaddr_un a;
	socklen_t alen = abstract_addr(&a, "seq");
	int srv = listener(SOCK_SEQPACKET, &a, alen), c = socket(AF_UNIX, SOCK_SEQPACKET, 0), s;
	char buf[16];

	ASSERT(srv >= 0 && c >= 0);
	EXPECT_ERRNO(send(c, "x", 1, MSG_NOSIGNAL), ENOTCONN);
	EXPECT_ERRNO(recv(c, buf, 1, MSG_DONTWAIT), ENOTCONN);
	ASSERT_EQ(connect(c, (struct sockaddr *)&a, alen), 0);
	s = accept(srv, NULL, NULL);
	ASSERT(s >= 0);
	EXPECT_EQ(send(c, "ab", 2, 0), 2);
	EXPECT_EQ(send(c, "cde", 3, 0), 3);
	EXPECT_EQ(recv(s, buf, sizeof(buf), 0), 2);	/* boundaries kept */
	EXPECT_EQ(recv(s, buf, sizeof(buf), 0), 3);
	close(c);
	EXPECT_EQ(recv(s, buf, sizeof(buf), 0), 0);	/* end of file */
	EXPECT_ERRNO(send(s, "x", 1, MSG_NOSIGNAL), EPIPE);
	EXPECT_EQ(revents(s, POLLIN), POLLIN | POLLHUP);
	close(s);
	close(srv);
}

/* Send the descriptors fds[0..n) with data "F" over s. */
static ssize_t send_fds(int s, const int *fds, int n)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 8)];
	struct iovec iov = { "F", 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = CMSG_SPACE(sizeof(int) * n) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

	memset(cbuf, 0, sizeof(cbuf));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(cm), fds, sizeof(int) * n);
	return sendmsg(s, &m, 0);
}

/* Receive up to max descriptors into fds; returns how many, or -1. *flags gets msg_flags. */
static int recv_fds(int s, int *fds, int max, size_t ctl, int rflags, int *flags)
{
	char cbuf[256], c;
	struct iovec iov = { &c, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = ctl };
	struct cmsghdr *cm;
	int n = 0;

	if (recvmsg(s, &m, rflags) != 1)
		return -1;
	*flags = m.msg_flags;
	for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
			int k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			for (int i = 0; i < k && n < max; i++)
				memcpy(&fds[n++], (int *)CMSG_DATA(cm) + i, sizeof(int));
		}
	}
	return n;
}

TEST(scm_rights_passes_open_files)
{
	int sv[2], p[2], got[4], flags = 0;
	pid_t pid;
	char buf[8];

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ASSERT_EQ(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		/* The child gets the pipe's write end and writes through it. */
		int fd, f;

		close(sv[0]);
		close(p[1]);
		if (recv_fds(sv[1], &fd, 1, CMSG_SPACE(sizeof(int)), MSG_CMSG_CLOEXEC, &f) != 1)
			_exit(1);
		if (fcntl(fd, F_GETFD) != FD_CLOEXEC)
			_exit(2);
		_exit(write(fd, "via", 3) != 3);
	}
	close(sv[1]);
	EXPECT_EQ(send_fds(sv[0], &p[1], 1), 1);
	close(p[1]);	/* only the child's copy is left */
	EXPECT_EQ(read(p[0], buf, sizeof(buf)), 3);
	EXPECT_EQ(read(p[0], buf, sizeof(buf)), 0);	/* the child exited: no writer */
	int status;
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(status, 0);
	(void)got;
	(void)flags;
	close(p[0]);
	close(sv[0]);
}

TEST(scm_rights_truncation_and_errors)
{
	int sv[2], fds[3], got[3], flags = 0;
	char cbuf[CMSG_SPACE(sizeof(int) * 4)];

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	for (int i = 0; i < 3; i++)
		fds[i] = dup(0);
	/* Room for one descriptor only: the others are closed, MSG_CTRUNC. */
	ASSERT_EQ(send_fds(sv[0], fds, 3), 1);
	EXPECT_EQ(recv_fds(sv[1], got, 3, CMSG_LEN(sizeof(int)), 0, &flags), 1);
	EXPECT(flags & MSG_CTRUNC);
	close(got[0]);
	/* No control buffer at all. */
	ASSERT_EQ(send_fds(sv[0], fds, 2), 1);
	EXPECT_EQ(recv_fds(sv[1], got, 3, 0, 0, &flags), 0);
	EXPECT(flags & MSG_CTRUNC);
	/* A bad descriptor, a bad type, a bad length. */
	int bad = 999;
	EXPECT_ERRNO(send_fds(sv[0], &bad, 1), EBADF);
	struct iovec iov = { "x", 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf };
	struct cmsghdr *cm = (struct cmsghdr *)cbuf;
	memset(cbuf, 0, sizeof(cbuf));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = 77;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	m.msg_controllen = CMSG_SPACE(sizeof(int));
	EXPECT_ERRNO(sendmsg(sv[0], &m, 0), EINVAL);
	cm->cmsg_len = 4;	/* shorter than its header */
	EXPECT_ERRNO(sendmsg(sv[0], &m, 0), EINVAL);
	/* Another level is skipped. */
	cm->cmsg_level = 6;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	EXPECT_EQ(sendmsg(sv[0], &m, 0), 1);
	for (int i = 0; i < 3; i++)
		close(fds[i]);
	close(sv[0]);
	close(sv[1]);
}

TEST(scm_rights_peek_gives_copies)
{
	int sv[2], p[2], a[1], b[1], flags;

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	ASSERT_EQ(pipe(p), 0);
	ASSERT_EQ(send_fds(sv[0], &p[0], 1), 1);
	EXPECT_EQ(recv_fds(sv[1], a, 1, CMSG_SPACE(sizeof(int)), MSG_PEEK, &flags), 1);
	EXPECT_EQ(recv_fds(sv[1], b, 1, CMSG_SPACE(sizeof(int)), 0, &flags), 1);
	EXPECT_NE(a[0], b[0]);
	struct stat s1, s2;
	EXPECT_EQ(fstat(a[0], &s1), 0);
	EXPECT_EQ(fstat(b[0], &s2), 0);
	EXPECT_EQ(s1.st_ino, s2.st_ino);
	close(a[0]);
	close(b[0]);
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
}

TEST(descriptor_cycles_are_collected)
{
	/* Sockets sent over themselves and each other, then closed: nothing can reach them. */
	for (int round = 0; round < 200; round++) {
		int a[2], b[2];

		ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, a), 0);
		ASSERT_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, b), 0);
		ASSERT_EQ(send_fds(a[0], &a[1], 1), 1);	/* a[1] in its own queue */
		ASSERT_EQ(send_fds(b[0], &a[0], 1), 1);
		ASSERT_EQ(send_fds(a[0], &b[1], 1), 1);
		close(a[0]);
		close(a[1]);
		close(b[0]);
		close(b[1]);
	}
	/* Still usable, and (on Kestrel) the kernel log stays clean; make test checks no leak. */
	int sv[2];
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	close(sv[0]);
	close(sv[1]);
}

TEST(scm_credentials)
{
	int sv[2], one = 1;
	char cbuf[CMSG_SPACE(sizeof(struct ucred))], c;
	struct iovec iov = { &c, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct ucred *uc;

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	ASSERT_EQ(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)), 0);
	EXPECT_EQ(send(sv[0], "c", 1, 0), 1);
	EXPECT_EQ(recvmsg(sv[1], &m, 0), 1);
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	ASSERT(cm != NULL);
	EXPECT_EQ(cm->cmsg_level, SOL_SOCKET);
	EXPECT_EQ(cm->cmsg_type, SCM_CREDENTIALS);
	uc = (struct ucred *)CMSG_DATA(cm);
	EXPECT_EQ(uc->pid, getpid());
	EXPECT_EQ(uc->uid, getuid());
	EXPECT_EQ(uc->gid, getgid());
	/* Sending explicit credentials: one's own are fine, others are not (unprivileged). */
	struct ucred mine = { getpid(), getuid(), getgid() };
	m.msg_controllen = sizeof(cbuf);
	cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_CREDENTIALS;
	cm->cmsg_len = CMSG_LEN(sizeof(mine));
	memcpy(CMSG_DATA(cm), &mine, sizeof(mine));
	EXPECT_EQ(sendmsg(sv[0], &m, 0), 1);
	m.msg_controllen = sizeof(cbuf);
	EXPECT_EQ(recvmsg(sv[1], &m, 0), 1);
	if (getuid() != 0) {
		mine.pid = 1;
		cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_CREDENTIALS;
		cm->cmsg_len = CMSG_LEN(sizeof(mine));
		memcpy(CMSG_DATA(cm), &mine, sizeof(mine));
		m.msg_controllen = sizeof(cbuf);
		EXPECT_ERRNO(sendmsg(sv[0], &m, 0), EPERM);
	}
	close(sv[0]);
	close(sv[1]);
}

TEST(so_peercred)
{
	struct sockaddr_un a;
	socklen_t alen = abstract_addr(&a, "cred"), l = sizeof(struct ucred);
	int srv = listener(SOCK_STREAM, &a, alen), c, s, sv[2];
	struct ucred uc;
	pid_t pid;

	ASSERT(srv >= 0);
	/* Not connected: nobody. */
	EXPECT_EQ(getsockopt(srv, SOL_SOCKET, SO_PEERCRED, &uc, &l), 0);
	pid = fork();
	if (pid == 0) {
		c = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(c, (struct sockaddr *)&a, alen))
			_exit(1);
		l = sizeof(uc);
		/* The client sees the listener's creator. */
		if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &uc, &l) || uc.pid != getppid())
			_exit(2);
		char b;
		read(c, &b, 1);
		_exit(0);
	}
	s = accept(srv, NULL, NULL);
	ASSERT(s >= 0);
	l = sizeof(uc);
	EXPECT_EQ(getsockopt(s, SOL_SOCKET, SO_PEERCRED, &uc, &l), 0);
	EXPECT_EQ(l, sizeof(uc));
	EXPECT_EQ(uc.pid, pid);
	EXPECT_EQ(uc.uid, geteuid());
	EXPECT_EQ(write(s, "k", 1), 1);
	int status;
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(status, 0);
	close(s);
	close(srv);
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	l = sizeof(uc);
	EXPECT_EQ(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &uc, &l), 0);
	EXPECT_EQ(uc.pid, getpid());
	close(sv[0]);
	close(sv[1]);
}

TEST(socket_options)
{
	int s = socket(AF_UNIX, SOCK_STREAM, 0), v, one = 1;
	socklen_t l = sizeof(v);
	struct timeval tv = { 2, 500000 }, got;
	struct linger lg = { 1, 5 }, lgot;

	ASSERT(s >= 0);
	EXPECT_EQ(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &l), 0);
	EXPECT_EQ(v, SOCK_STREAM);
	l = sizeof(v);
	EXPECT_EQ(getsockopt(s, SOL_SOCKET, SO_DOMAIN, &v, &l), 0);
	EXPECT_EQ(v, AF_UNIX);
	l = sizeof(v);
	EXPECT_EQ(getsockopt(s, SOL_SOCKET, SO_ERROR, &v, &l), 0);
	EXPECT_EQ(v, 0);
	l = sizeof(v);
	EXPECT_EQ(getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, &v, &l), 0);
	EXPECT_EQ(v, 0);
	/* Buffer sizes: set values are doubled, with a floor. */
	v = 1000;
	EXPECT_EQ(setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)), 0);
	l = sizeof(v);
	EXPECT_EQ(getsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, &l), 0);
	EXPECT_EQ(v, 4608);
	v = 65536;
	EXPECT_EQ(setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)), 0);
	l = sizeof(v);
	EXPECT_EQ(getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &l), 0);
	EXPECT_EQ(v, 131072);
	EXPECT_EQ(setsockopt(s, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)), 0);
	l = sizeof(v);
	EXPECT_EQ(getsockopt(s, SOL_SOCKET, SO_PASSCRED, &v, &l), 0);
	EXPECT_EQ(v, 1);
	EXPECT_EQ(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)), 0);
	l = sizeof(v);
	EXPECT_EQ(getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, &l), 0);
	EXPECT_EQ(v, 1);
	EXPECT_EQ(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
	EXPECT_EQ(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	l = sizeof(got);
	EXPECT_EQ(getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &got, &l), 0);
	EXPECT_EQ(got.tv_sec, 2);
	EXPECT_EQ(got.tv_usec, 500000);
	tv.tv_usec = 2000000;
	EXPECT_ERRNO(setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), EDOM);
	EXPECT_EQ(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
	l = sizeof(lgot);
	EXPECT_EQ(getsockopt(s, SOL_SOCKET, SO_LINGER, &lgot, &l), 0);
	EXPECT_EQ(lgot.l_onoff, 1);
	EXPECT_EQ(lgot.l_linger, 5);
	/* A short length truncates, and says so. */
	char small[2];
	l = sizeof(small);
	EXPECT_EQ(getsockopt(s, SOL_SOCKET, SO_TYPE, small, &l), 0);
	EXPECT_EQ(l, 2);
	/* Errors. */
	EXPECT_ERRNO(setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, 2), EINVAL);
	EXPECT_ERRNO(setsockopt(s, SOL_SOCKET, 9999, &v, sizeof(v)), ENOPROTOOPT);
	EXPECT_ERRNO(setsockopt(s, SOL_SOCKET, SO_SNDLOWAT, &v, sizeof(v)), ENOPROTOOPT);
	EXPECT_ERRNO(setsockopt(s, 6 /* IPPROTO_TCP */, 1, &v, sizeof(v)), EOPNOTSUPP);
	l = sizeof(v);
	EXPECT_ERRNO(getsockopt(s, 6, 1, &v, &l), EOPNOTSUPP);
	l = -1;
	EXPECT_ERRNO(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &l), EINVAL);
	close(s);
}

TEST(receive_timeout)
{
	int sv[2];
	struct timeval tv = { 0, 50000 };
	char b;

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ASSERT_EQ(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	EXPECT_ERRNO(read(sv[0], &b, 1), EAGAIN);
	close(sv[0]);
	close(sv[1]);
}

TEST(fionread_and_outq)
{
	int sv[2], n = -1;

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	EXPECT_EQ(write(sv[0], "12345", 5), 5);
	EXPECT_EQ(write(sv[0], "678", 3), 3);
	EXPECT_EQ(ioctl(sv[1], FIONREAD, &n), 0);
	EXPECT_EQ(n, 8);
	EXPECT_EQ(ioctl(sv[0], TIOCOUTQ, &n), 0);
	EXPECT(n >= 8);
	char b[3];
	EXPECT_EQ(read(sv[1], b, 3), 3);
	EXPECT_EQ(ioctl(sv[1], FIONREAD, &n), 0);
	EXPECT_EQ(n, 5);
	EXPECT_ERRNO(ioctl(sv[1], TCGETS, b), ENOTTY);
	close(sv[0]);
	close(sv[1]);
}

TEST(stream_writer_blocks_until_the_reader_reads)
{
	int sv[2];
	static char big[1 << 20];
	ssize_t n;

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	/* Non-blocking: a partial write, then EAGAIN. */
	n = write(sv[0], big, sizeof(big));
	EXPECT(n > 0 && n < (ssize_t)sizeof(big));
	EXPECT_ERRNO(write(sv[0], big, sizeof(big)), EAGAIN);
	EXPECT_EQ(revents(sv[0], POLLOUT), 0);
	/* Draining makes it writable again. */
	while (read(sv[1], big, sizeof(big)) > 0)
		;
	EXPECT_EQ(revents(sv[0], POLLOUT), POLLOUT);
	close(sv[0]);
	close(sv[1]);
}

TEST(epoll_on_a_stream)
{
	int sv[2], ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.u32 = 9 };
	char b;

	ASSERT(ep >= 0);
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ASSERT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, sv[1], &ev), 0);
	EXPECT_EQ(epoll_wait(ep, &ev, 1, 0), 0);
	EXPECT_EQ(write(sv[0], "a", 1), 1);
	EXPECT_EQ(epoll_wait(ep, &ev, 1, 0), 1);
	EXPECT_EQ(ev.events, EPOLLIN);
	EXPECT_EQ(epoll_wait(ep, &ev, 1, 0), 0);	/* edge-triggered */
	EXPECT_EQ(read(sv[1], &b, 1), 1);
	close(sv[0]);
	EXPECT_EQ(epoll_wait(ep, &ev, 1, 0), 1);
	EXPECT_EQ(ev.events, EPOLLIN | EPOLLRDHUP | EPOLLHUP);
	close(sv[1]);
	close(ep);
}

TEST(sendmsg_recvmsg_iovecs_and_names)
{
	struct sockaddr_un a, from;
	socklen_t alen = abstract_addr(&a, "iov");
	int srv = socket(AF_UNIX, SOCK_DGRAM, 0), c = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct iovec out[3] = { { "ab", 2 }, { "", 0 }, { "cdef", 4 } };
	char x[3], y[8];
	struct iovec in[2] = { { x, 3 }, { y, 8 } };
	struct msghdr m = { .msg_name = &a, .msg_namelen = alen, .msg_iov = out, .msg_iovlen = 3 };

	ASSERT(srv >= 0 && c >= 0);
	ASSERT_EQ(bind(srv, (struct sockaddr *)&a, alen), 0);
	struct sockaddr_un ca;
	socklen_t calen = abstract_addr(&ca, "iovc");
	ASSERT_EQ(bind(c, (struct sockaddr *)&ca, calen), 0);
	EXPECT_EQ(sendmsg(c, &m, 0), 6);
	memset(&m, 0, sizeof(m));
	m.msg_name = &from;
	m.msg_namelen = sizeof(from);
	m.msg_iov = in;
	m.msg_iovlen = 2;
	EXPECT_EQ(recvmsg(srv, &m, 0), 6);
	EXPECT(!memcmp(x, "abc", 3) && !memcmp(y, "def", 3));
	EXPECT_EQ(m.msg_namelen, calen);
	EXPECT(!memcmp(&from, &ca, calen));
	EXPECT_EQ(m.msg_controllen, 0);
	EXPECT_EQ(m.msg_flags, 0);
	/* Too many iovecs. */
	m.msg_iovlen = 1025;
	EXPECT_ERRNO(sendmsg(c, &m, 0), EMSGSIZE);
	close(c);
	close(srv);
}

TEST(read_and_write_are_recv_and_send)
{
	int sv[2], p;
	char b[4];

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	EXPECT_EQ(write(sv[0], "ab", 2), 2);
	EXPECT_EQ(read(sv[1], b, 1), 1);	/* the rest of the packet is dropped */
	EXPECT_ERRNO(pread(sv[1], b, 1, 0), ESPIPE);
	EXPECT_ERRNO(lseek(sv[1], 0, SEEK_CUR), ESPIPE);
	p = fcntl(sv[1], F_SETFL, O_NONBLOCK);
	EXPECT_EQ(p, 0);
	EXPECT_ERRNO(read(sv[1], b, 1), EAGAIN);
	char path[64], link[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", sv[0]);
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	ASSERT(n > 0);
	link[n] = 0;
	EXPECT(!strncmp(link, "socket:[", 8));
	struct stat st;
	EXPECT_EQ(fstat(sv[0], &st), 0);
	EXPECT(S_ISSOCK(st.st_mode));
	close(sv[0]);
	close(sv[1]);
}

TEST(many_clients_one_server)
{
	enum { N = 8, MSGS = 50 };
	struct sockaddr_un a;
	socklen_t alen = abstract_addr(&a, "many");
	int srv = listener(SOCK_STREAM, &a, alen), ep = epoll_create1(0), done = 0;
	long total = 0;
	pid_t pids[N];

	ASSERT(srv >= 0 && ep >= 0);
	for (int i = 0; i < N; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			int c = socket(AF_UNIX, SOCK_STREAM, 0);

			if (connect(c, (struct sockaddr *)&a, alen))
				_exit(1);
			for (int k = 0; k < MSGS; k++)
				if (write(c, "0123456789", 10) != 10)
					_exit(2);
			_exit(0);
		}
	}
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = srv };
	ASSERT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, srv, &ev), 0);
	while (done < N) {
		struct epoll_event evs[8];
		int n = epoll_wait(ep, evs, 8, 20000);

		ASSERT(n > 0);
		for (int k = 0; k < n; k++) {
			if (evs[k].data.fd == srv) {
				int s = accept4(srv, NULL, NULL, SOCK_NONBLOCK);
				struct epoll_event e = { .events = EPOLLIN, .data.fd = s };

				ASSERT(s >= 0);
				ASSERT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, s, &e), 0);
				continue;
			}
			char buf[256];
			ssize_t r = read(evs[k].data.fd, buf, sizeof(buf));

			if (r > 0) {
				total += r;
			} else if (r == 0) {
				close(evs[k].data.fd);	/* leaves the set */
				done++;
			}
		}
	}
	EXPECT_EQ(total, (long)N * MSGS * 10);
	for (int i = 0; i < N; i++) {
		int status;

		EXPECT_EQ(waitpid(pids[i], &status, 0), pids[i]);
		EXPECT_EQ(status, 0);
	}
	close(ep);
	close(srv);
}
