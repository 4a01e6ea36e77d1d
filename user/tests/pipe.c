/*
 * Pipes between processes: data arrives whole and in order across fork,
 * EOF once every writer is gone, EPIPE/SIGPIPE once every reader is gone,
 * O_NONBLOCK gives EAGAIN, and a shell-like pipeline through exec works.
 */
#include "harness.h"
#include <fcntl.h>
#include <sys/wait.h>

#define BIG (1 << 20)

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 7 + (i >> 10));
}

TEST(megabyte_through_a_pipe_between_processes)
{
	int fds[2], status;
	pid_t pid;

	ASSERT_EQ(pipe(fds), 0);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		static unsigned char buf[4096];
		size_t total = 0;
		ssize_t n;

		close(fds[1]);
		while ((n = read(fds[0], buf, sizeof(buf))) > 0) {
			for (ssize_t i = 0; i < n; i++)
				if (buf[i] != pattern(total + i))
					_exit(2);
			total += n;
		}
		_exit(n == 0 && total == BIG ? 0 : 1);
	}
	close(fds[0]);
	static unsigned char out[BIG];
	for (size_t i = 0; i < BIG; i++)
		out[i] = pattern(i);
	/* Odd-sized writes: the reader must see one ordered stream. */
	for (size_t off = 0; off < BIG;) {
		size_t chunk = off % 3 ? 1000 : 65537;
		ssize_t n = write(fds[1], out + off, chunk < BIG - off ? chunk : BIG - off);
		ASSERT(n > 0);
		off += n;
	}
	close(fds[1]);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(eof_only_when_every_writer_is_closed)
{
	int fds[2], status;
	char c;
	pid_t pid;

	ASSERT_EQ(pipe(fds), 0);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {		/* a second writer that writes one byte, later */
		close(fds[0]);
		usleep(20000);
		write(fds[1], "z", 1);
		_exit(0);
	}
	close(fds[1]);		/* our writer end is gone, the child's is not */
	EXPECT_EQ(read(fds[0], &c, 1), 1);
	EXPECT_EQ(c, 'z');
	EXPECT_EQ(read(fds[0], &c, 1), 0);	/* now EOF */
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	close(fds[0]);
}

TEST(write_without_readers_is_epipe_or_sigpipe)
{
	int fds[2], status;
	pid_t pid;

	ASSERT_EQ(pipe(fds), 0);
	close(fds[0]);
	signal(SIGPIPE, SIG_IGN);
	EXPECT_ERRNO(write(fds[1], "x", 1), EPIPE);
	signal(SIGPIPE, SIG_DFL);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		write(fds[1], "x", 1);
		_exit(0);
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(WIFSIGNALED(status));
	EXPECT_EQ(WTERMSIG(status), SIGPIPE);
	close(fds[1]);
}

TEST(nonblocking_empty_and_full)
{
	int fds[2];
	char buf[4096] = { 0 };
	ssize_t n, total = 0;

	ASSERT_EQ(pipe2(fds, O_NONBLOCK), 0);
	EXPECT_ERRNO(read(fds[0], buf, 1), EAGAIN);
	while ((n = write(fds[1], buf, sizeof(buf))) > 0)
		total += n;
	EXPECT_EQ(n, -1);
	EXPECT_EQ(errno, EAGAIN);
	EXPECT(total >= 4096);		/* POSIX: at least PIPE_BUF; Linux: 64 KiB */
	EXPECT(total <= 1 << 20);
	close(fds[0]);
	close(fds[1]);
}

TEST(pipeline_through_exec)
{
	int a[2], b[2], status;
	char out[64];
	pid_t p1, p2;
	ssize_t n, got = 0;

	ASSERT_EQ(pipe(a), 0);
	ASSERT_EQ(pipe(b), 0);
	p1 = fork();
	ASSERT(p1 >= 0);
	if (p1 == 0) {		/* echo hello | ... */
		dup2(a[1], 1);
		close(a[0]); close(a[1]); close(b[0]); close(b[1]);
		execl("/bin/sh", "sh", "-c", "echo hello pipe", (char *)NULL);
		_exit(127);
	}
	p2 = fork();
	ASSERT(p2 >= 0);
	if (p2 == 0) {		/* ... | cat > b */
		dup2(a[0], 0);
		dup2(b[1], 1);
		close(a[0]); close(a[1]); close(b[0]); close(b[1]);
		execl("/bin/cat", "cat", (char *)NULL);
		_exit(127);
	}
	close(a[0]); close(a[1]); close(b[1]);
	while ((n = read(b[0], out + got, sizeof(out) - 1 - got)) > 0)
		got += n;
	out[got] = '\0';
	EXPECT_STREQ(out, "hello pipe\n");
	EXPECT_EQ(waitpid(p1, &status, 0), p1);
	EXPECT_EQ(WEXITSTATUS(status), 0);
	EXPECT_EQ(waitpid(p2, &status, 0), p2);
	EXPECT_EQ(WEXITSTATUS(status), 0);
	close(b[0]);
}
