/*
 * Resource limits a multi-user machine needs (docs/process.md "Limits",
 * docs/security.md): RLIMIT_NPROC per user in fork, clone and after a
 * setuid, RLIMIT_AS, RLIMIT_DATA, RLIMIT_STACK, RLIMIT_FSIZE (SIGXFSZ and
 * EFBIG), RLIMIT_MEMLOCK, RLIMIT_SIGPENDING, where Linux checks each.
 * Tests that change ids or limits do it in a child. Every expectation
 * holds on Linux too (build/user/tests/limits, as root).
 */
#include "harness.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/* A uid nothing else runs as, here or on a host running the tests natively. */
#define LIMIT_UID 4242

/* Wait for pid; its exit status, or 128 + the signal that killed it. */
static int child_status(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void set_limit(int resource, rlim_t cur, rlim_t max)
{
	struct rlimit r = { cur, max };

	ASSERT_EQ(setrlimit(resource, &r), 0);
}

/* Become LIMIT_UID for good (a child of the test, which runs as root). */
static void become_limit_uid(void)
{
	ASSERT_EQ(setgid(LIMIT_UID), 0);
	ASSERT_EQ(setuid(LIMIT_UID), 0);
}

/*
 * Fork children that wait (on release's read end) until fork fails;
 * returns how many it made, with the failing errno in *err.
 */
static int fork_until_failure(int release[2], int *err)
{
	int n = 0;

	for (;;) {
		pid_t pid = fork();

		if (pid < 0) {
			*err = errno;
			return n;
		}
		if (pid == 0) {
			char c;

			close(release[1]);
			read(release[0], &c, 1);
			_exit(0);
		}
		n++;
		if (n > 1000) {
			*err = 0;
			return n;	/* no limit at all */
		}
	}
}

/* ---- RLIMIT_NPROC ---- */

static void *thread_pause(void *arg)
{
	(void)arg;
	pause();
	return NULL;
}

TEST(nproc_limits_the_tasks_of_a_user)
{
	pid_t pid = fork();

	ASSERT(pid >= 0);
	if (pid == 0) {
		int release[2], err = 0, made;

		ASSERT_EQ(pipe(release), 0);
		set_limit(RLIMIT_NPROC, 20, 20);
		become_limit_uid();
		made = fork_until_failure(release, &err);
		/* We count too: 19 children make the user's 20 tasks. */
		EXPECT_EQ(made, 19);
		EXPECT_EQ(err, EAGAIN);
		/* A thread is a task as well. */
		pthread_t t;
		EXPECT_EQ(pthread_create(&t, NULL, thread_pause, NULL), EAGAIN);
		/* Once the children are reaped, fork works again. */
		close(release[1]);
		while (wait(NULL) > 0)
			;
		pid_t again = fork();
		if (again == 0)
			_exit(0);
		EXPECT(again > 0);
		if (again > 0)
			child_status(again);
		_exit(harness_failures ? 1 : 0);
	}
	EXPECT_EQ(child_status(pid), 0);
}

TEST(nproc_does_not_limit_root)
{
	pid_t pid = fork();

	ASSERT(pid >= 0);
	if (pid == 0) {
		set_limit(RLIMIT_NPROC, 1, 1);
		for (int i = 0; i < 4; i++) {
			pid_t c = fork();

			if (c == 0)
				_exit(0);
			EXPECT(c > 0);
			if (c > 0)
				child_status(c);
		}
		_exit(harness_failures ? 1 : 0);
	}
	EXPECT_EQ(child_status(pid), 0);
}

/*
 * setuid to a user who already has more tasks than our RLIMIT_NPROC
 * succeeds (programs rarely check it), but the next execve fails with
 * EAGAIN (Linux's PF_NPROC_EXCEEDED).
 */
TEST(setuid_to_a_user_over_nproc_makes_execve_fail)
{
	int release[2];
	pid_t holders[2], pid;

	ASSERT_EQ(pipe(release), 0);
	for (int i = 0; i < 2; i++) {
		holders[i] = fork();
		ASSERT(holders[i] >= 0);
		if (holders[i] == 0) {
			char c;

			become_limit_uid();
			close(release[1]);
			read(release[0], &c, 1);
			_exit(0);
		}
	}
	close(release[0]);
	/* Both holders are LIMIT_UID once they block; wait for that. */
	for (int tries = 0; tries < 5000; tries++) {
		char path[64], buf[512];
		int ok = 0;

		for (int i = 0; i < 2; i++) {
			snprintf(path, sizeof(path), "/proc/%d/status", (int)holders[i]);
			int fd = open(path, O_RDONLY);
			ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

			if (fd >= 0)
				close(fd);
			if (n > 0) {
				buf[n] = '\0';
				ok += strstr(buf, "\nUid:\t4242\t") != NULL;
			}
		}
		if (ok == 2)
			break;
		usleep(1000);
	}
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		set_limit(RLIMIT_NPROC, 1, 1);
		become_limit_uid();	/* allowed */
		execl("/bin/true", "true", (char *)NULL);
		_exit(errno == EAGAIN ? 0 : 100 + errno);
	}
	EXPECT_EQ(child_status(pid), 0);
	close(release[1]);
	for (int i = 0; i < 2; i++)
		child_status(holders[i]);
}
