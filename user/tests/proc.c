/*
 * Processes: fork, exec, wait. A child's exit status and death by signal
 * reach the parent through wait4/waitpid; execve replaces the image (a
 * static ELF, a #! script), keeps the pid and open files, and fails with
 * the right errno on a missing, non-executable or unrecognized file.
 */
#include "harness.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* A child that exits with code; returns its pid. */
static pid_t spawn_exit(int code)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(code);
	return pid;
}

TEST(fork_returns_child_pid_and_wait_gets_status)
{
	int status;
	pid_t pid = spawn_exit(42);

	ASSERT(pid > 0);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 42);
	EXPECT_ERRNO(waitpid(pid, &status, 0), ECHILD);	/* reaped: gone */
}

TEST(child_has_its_own_pid_and_parent)
{
	int fds[2], status;
	pid_t parent = getpid(), pid, seen[2];

	ASSERT_EQ(pipe(fds), 0);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		pid_t mine[2] = { getpid(), getppid() };
		write(fds[1], mine, sizeof(mine));
		_exit(0);
	}
	close(fds[1]);
	ASSERT_EQ(read(fds[0], seen, sizeof(seen)), sizeof(seen));
	EXPECT_EQ(seen[0], pid);
	EXPECT_EQ(seen[1], parent);
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	close(fds[0]);
}

TEST(wait_collects_many_children)
{
	enum { N = 20 };
	int seen[N] = { 0 }, status;
	pid_t pids[N];

	for (int i = 0; i < N; i++) {
		pids[i] = spawn_exit(i);
		ASSERT(pids[i] > 0);
	}
	for (int i = 0; i < N; i++) {
		pid_t w = wait(&status);
		ASSERT(w > 0);
		ASSERT(WIFEXITED(status));
		for (int j = 0; j < N; j++)
			if (pids[j] == w) {
				EXPECT_EQ(WEXITSTATUS(status), j);
				seen[j]++;
			}
	}
	for (int i = 0; i < N; i++)
		EXPECT_EQ(seen[i], 1);
	EXPECT_ERRNO(wait(&status), ECHILD);
}

TEST(wnohang_on_a_running_child)
{
	int fds[2], status;
	pid_t pid;
	char c;

	ASSERT_EQ(pipe(fds), 0);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		close(fds[1]);
		read(fds[0], &c, 1);	/* until the parent says go */
		_exit(3);
	}
	close(fds[0]);
	EXPECT_EQ(waitpid(pid, &status, WNOHANG), 0);
	close(fds[1]);		/* EOF: the child exits */
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(WEXITSTATUS(status), 3);
}

TEST(death_by_signal_is_reported)
{
	int status;
	pid_t pid = fork();

	ASSERT(pid >= 0);
	if (pid == 0) {
		kill(getpid(), SIGKILL);
		_exit(0);
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(WIFSIGNALED(status));
	EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

TEST(memory_is_copied_not_shared)
{
	static volatile int value = 1;
	int status;
	pid_t pid = fork();

	ASSERT(pid >= 0);
	if (pid == 0) {
		value = 2;
		_exit(value == 2 ? 0 : 1);
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(WEXITSTATUS(status), 0);
	EXPECT_EQ(value, 1);
}

/* Run argv with stdout into buf; returns the exit status (or -1). */
static int run_capture(char *const argv[], char *buf, size_t len)
{
	int fds[2], status;
	ssize_t n, got = 0;
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execve(argv[0], argv, (char *[]){ "KESTREL_TEST=env-ok", NULL });
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf + got, len - 1 - got)) > 0)
		got += n;
	buf[got] = '\0';
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

TEST(exec_runs_a_program_with_args_and_env)
{
	char out[256];

	EXPECT_EQ(run_capture((char *[]){ "/bin/sh", "-c", "echo $0 $1 $KESTREL_TEST; exit 7",
					  "zero", "one", NULL }, out, sizeof(out)), 7);
	EXPECT_STREQ(out, "zero one env-ok\n");
}

TEST(exec_keeps_pid_and_open_files)
{
	char out[256], expect[64];
	pid_t pid;
	int fds[2], status;

	ASSERT_EQ(pipe(fds), 0);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], 5);	/* fd 5 survives exec (no O_CLOEXEC) */
		execl("/bin/sh", "sh", "-c", "echo $$ >&5", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	ssize_t n = read(fds[0], out, sizeof(out) - 1);
	ASSERT(n > 0);
	out[n] = '\0';
	snprintf(expect, sizeof(expect), "%d\n", pid);
	EXPECT_STREQ(out, expect);
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	close(fds[0]);
}

TEST(cloexec_files_close_on_exec)
{
	char out[64];
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	ASSERT(fd >= 0);
	ASSERT_EQ(dup2(fd, 9), 9);
	ASSERT_EQ(fcntl(9, F_SETFD, FD_CLOEXEC), 0);
	/* The shell's redirection fails if 9 is closed in the new image. */
	EXPECT_NE(run_capture((char *[]){ "/bin/sh", "-c", "exec 2>/dev/null; cat <&9 && echo open", NULL },
			      out, sizeof(out)), 0);
	close(9);
	close(fd);
}

TEST(exec_a_shebang_script)
{
	char path[64], out[128];
	int fd;

	snprintf(path, sizeof(path), "/tmp/proc-script-%d", getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	ASSERT(fd >= 0);
	ASSERT(write(fd, "#!/bin/sh\necho script $0 $1\n", 28) == 28);
	close(fd);
	EXPECT_EQ(run_capture((char *[]){ path, "arg", NULL }, out, sizeof(out)), 0);
	char expect[128];
	snprintf(expect, sizeof(expect), "script %s arg\n", path);
	EXPECT_STREQ(out, expect);
	unlink(path);
}

TEST(exec_errors)
{
	char path[64];
	int fd;

	EXPECT_ERRNO(execl("/nonexistent/prog", "x", (char *)NULL), ENOENT);
	snprintf(path, sizeof(path), "/tmp/proc-noexec-%d", getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ASSERT(fd >= 0);
	ASSERT(write(fd, "\x7f" "ELF garbage, not a program", 27) == 27);
	close(fd);
	EXPECT_ERRNO(execl(path, "x", (char *)NULL), EACCES);	/* not executable */
	ASSERT_EQ(chmod(path, 0755), 0);
	EXPECT_ERRNO(execl(path, "x", (char *)NULL), ENOEXEC);	/* not a valid image */
	EXPECT_ERRNO(execl("/tmp", "x", (char *)NULL), EACCES);	/* a directory */
	unlink(path);
}

TEST(orphans_are_reparented)
{
	int fds[2];
	pid_t pid, grandchild_parent = 0;

	ASSERT_EQ(pipe(fds), 0);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		pid_t me = getpid();

		if (fork() == 0) {
			/* Wait until our parent has exited, then report who adopted us. */
			while (getppid() == me)
				usleep(1000);
			pid_t pp = getppid();
			write(fds[1], &pp, sizeof(pp));
			_exit(0);
		}
		_exit(0);
	}
	close(fds[1]);
	EXPECT_EQ(waitpid(pid, NULL, 0), pid);
	EXPECT_EQ(read(fds[0], &grandchild_parent, sizeof(grandchild_parent)),
		  sizeof(grandchild_parent));
	EXPECT_NE(grandchild_parent, pid);	/* init or a subreaper, never the dead one */
	EXPECT_NE(grandchild_parent, 0);
	close(fds[0]);
}
