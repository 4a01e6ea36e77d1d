/*
 * eventfd(2): the counter, EFD_SEMAPHORE, EFD_NONBLOCK, blocking reads
 * and writes woken by the other side, poll readiness, the 8-byte rule
 * and the overflow limit. Linux's semantics (the same tests pass there).
 */
#include "harness.h"
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static uint64_t rd(int fd)
{
	uint64_t v = 0;

	if (read(fd, &v, sizeof(v)) != sizeof(v))
		return ~0ULL;
	return v;
}

static int wr(int fd, uint64_t v)
{
	return write(fd, &v, sizeof(v)) == sizeof(v) ? 0 : -1;
}

TEST(counter_adds_and_read_resets)
{
	int fd = eventfd(5, 0);

	ASSERT(fd >= 0);
	EXPECT_EQ(wr(fd, 3), 0);
	EXPECT_EQ(wr(fd, 10), 0);
	EXPECT_EQ(rd(fd), 18);
	/* Now 0: a nonblocking read would wait. */
	EXPECT_EQ(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	uint64_t v;
	EXPECT_ERRNO(read(fd, &v, sizeof(v)), EAGAIN);
	close(fd);
}

TEST(semaphore_reads_one_at_a_time)
{
	int fd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
	uint64_t v;

	ASSERT(fd >= 0);
	EXPECT_EQ(rd(fd), 1);
	EXPECT_EQ(rd(fd), 1);
	EXPECT_EQ(rd(fd), 1);
	EXPECT_ERRNO(read(fd, &v, sizeof(v)), EAGAIN);
	close(fd);
}

TEST(short_buffers_and_the_forbidden_value)
{
	int fd = eventfd(1, EFD_NONBLOCK);
	uint32_t small = 1;
	uint64_t big = ~0ULL;
	char buf[16];

	ASSERT(fd >= 0);
	EXPECT_ERRNO(read(fd, &small, sizeof(small)), EINVAL);
	EXPECT_ERRNO(write(fd, &small, sizeof(small)), EINVAL);
	EXPECT_ERRNO(write(fd, &big, sizeof(big)), EINVAL);
	/* A longer buffer is fine: 8 bytes move. */
	EXPECT_EQ(read(fd, buf, sizeof(buf)), 8);
	close(fd);
}

TEST(overflow_waits_or_fails_with_eagain)
{
	int fd = eventfd(0, EFD_NONBLOCK);
	uint64_t v = 0xfffffffffffffffeULL;

	ASSERT(fd >= 0);
	EXPECT_EQ(write(fd, &v, sizeof(v)), 8);	/* the largest value */
	v = 1;
	EXPECT_ERRNO(write(fd, &v, sizeof(v)), EAGAIN);
	struct pollfd p = { fd, POLLIN | POLLOUT, 0 };
	EXPECT_EQ(poll(&p, 1, 0), 1);
	EXPECT_EQ(p.revents, POLLIN);	/* readable, not writable */
	EXPECT_EQ(rd(fd), 0xfffffffffffffffeULL);
	p.revents = 0;
	EXPECT_EQ(poll(&p, 1, 0), 1);
	EXPECT_EQ(p.revents, POLLOUT);
	close(fd);
}

TEST(bad_flags_are_einval)
{
	EXPECT_ERRNO(syscall(SYS_eventfd2, 0, 0x10), EINVAL);
	int fd = syscall(SYS_eventfd, 7);	/* the old call: no flags */
	ASSERT(fd >= 0);
	EXPECT_EQ(rd(fd), 7);
	close(fd);
}

TEST(blocking_read_is_woken_by_a_write)
{
	int fd = eventfd(0, 0);
	pid_t pid;
	int status;

	ASSERT(fd >= 0);
	pid = fork();
	if (pid == 0) {
		usleep(50000);
		_exit(wr(fd, 42) ? 1 : 0);
	}
	EXPECT_EQ(rd(fd), 42);
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(status, 0);
	close(fd);
}

TEST(blocking_write_is_woken_by_a_read)
{
	int fd = eventfd(0, 0);
	uint64_t max = 0xfffffffffffffffeULL;
	pid_t pid;
	int status;

	ASSERT(fd >= 0);
	EXPECT_EQ(write(fd, &max, 8), 8);
	pid = fork();
	if (pid == 0) {
		usleep(50000);
		_exit(rd(fd) == max ? 0 : 1);
	}
	EXPECT_EQ(wr(fd, 5), 0);	/* waits for the child's read */
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(status, 0);
	EXPECT_EQ(rd(fd), 5);
	close(fd);
}

static void on_alarm(int sig)
{
	(void)sig;
}

TEST(blocked_read_is_interrupted_by_a_signal)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	int fd = eventfd(0, 0);
	uint64_t v;

	ASSERT(fd >= 0);
	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART */
	ualarm(50000, 0);
	EXPECT_ERRNO(read(fd, &v, sizeof(v)), EINTR);
	close(fd);
}

TEST(poll_wakes_on_write_from_another_process)
{
	int fd = eventfd(0, EFD_CLOEXEC);
	struct pollfd p = { fd, POLLIN, 0 };
	pid_t pid;

	ASSERT(fd >= 0);
	EXPECT_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	pid = fork();
	if (pid == 0) {
		usleep(50000);
		_exit(wr(fd, 1));
	}
	EXPECT_EQ(poll(&p, 1, 10000), 1);
	EXPECT_EQ(p.revents, POLLIN);
	waitpid(pid, NULL, 0);
	close(fd);
}

TEST(is_an_anonymous_inode)
{
	int fd = eventfd(0, 0);
	char path[64], link[64];
	struct stat st;
	ssize_t n;

	ASSERT(fd >= 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	ASSERT(n > 0);
	link[n] = 0;
	EXPECT_STREQ(link, "anon_inode:[eventfd]");
	EXPECT_EQ(fstat(fd, &st), 0);
	EXPECT_EQ(st.st_mode & S_IFMT, 0);
	EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 0);	/* noop_llseek */
	EXPECT_ERRNO(pread(fd, &n, 8, 0), ESPIPE);
	close(fd);
}
