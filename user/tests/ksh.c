/*
 * Kestrel's shell (user/sh.c): each test runs `ksh -c SCRIPT` and compares
 * what it prints and its exit status. ksh is /bin/ksh in the initramfs and
 * build/user/sh next to build/user/tests/ on the host.
 */
#include "harness.h"
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/wait.h>

static const char *ksh_path(void)
{
	static char path[PATH_MAX];
	char exe[PATH_MAX];
	ssize_t n;

	if (!access("/bin/ksh", X_OK))
		return "/bin/ksh";
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return "/bin/ksh";
	exe[n] = '\0';
	snprintf(path, sizeof(path), "%s/../sh", dirname(exe));
	return path;
}

/* Run ksh -c script in /tmp with stdout+stderr into out; the exit status. */
static int ksh(const char *script, char *out, size_t len)
{
	int fds[2], status;
	ssize_t n, got = 0;
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		chdir("/tmp");
		execl(ksh_path(), "ksh", "-c", script, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], out + got, len - 1 - got)) > 0)
		got += n;
	out[got] = '\0';
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

#define KSH_EXPECT(script, want_out, want_status)                 \
	do {                                                      \
		char out[1024];                                   \
		EXPECT_EQ(ksh(script, out, sizeof(out)), want_status); \
		EXPECT_STREQ(out, want_out);                      \
	} while (0)

TEST(words_and_quoting)
{
	KSH_EXPECT("echo a   b 'c  d' \"e  f\" g\\ h", "a b c  d e  f g h\n", 0);
	KSH_EXPECT("X=1; Y='two words'; echo \"$X-${Y}\" '$X' \\$X", "1-two words $X $X\n", 0);
	KSH_EXPECT("echo 'a#b' # a comment", "a#b\n", 0);
}

TEST(status_and_lists)
{
	KSH_EXPECT("false; echo $?; true; echo $?", "1\n0\n", 0);
	KSH_EXPECT("false && echo no || echo yes; true && echo and", "yes\nand\n", 0);
	KSH_EXPECT("exit 7", "", 7);
	KSH_EXPECT("/nonexistent/cmd 2>/dev/null; echo $?", "127\n", 0);
}

TEST(pipelines)
{
	KSH_EXPECT("echo hello | cat | cat", "hello\n", 0);
	KSH_EXPECT("echo x | false; echo $?", "1\n", 0);	/* the last command's status */
}

TEST(redirections)
{
	char script[512];

	snprintf(script, sizeof(script),
		 "echo one > ksh-%d; echo two >> ksh-%d; cat < ksh-%d; "
		 "cat /nonexistent 2> ksh-%d.err; cat ksh-%d.err | wc -l; "
		 "cat /nonexistent > ksh-%d.both 2>&1; cat ksh-%d.both | wc -l; "
		 "rm ksh-%d ksh-%d.err ksh-%d.both",
		 getpid(), getpid(), getpid(), getpid(), getpid(), getpid(), getpid(), getpid(),
		 getpid(), getpid());
	KSH_EXPECT(script, "one\ntwo\n1\n1\n", 0);
}

TEST(background_and_wait)
{
	KSH_EXPECT("sh -c 'sleep 0.2; echo late' & echo early; wait; echo done",
		   "early\nlate\ndone\n", 0);
}

TEST(cd_and_builtins)
{
	KSH_EXPECT("cd /; pwd; cd /tmp && pwd", "/\n/tmp\n", 0);
	KSH_EXPECT("cd /nonexistent 2>/dev/null || echo failed", "failed\n", 0);
	KSH_EXPECT("export K=v; sh -c 'echo $K'", "v\n", 0);
}

TEST(syntax_errors)
{
	char out[256];

	EXPECT_EQ(ksh("echo 'unterminated", out, sizeof(out)), 2);
	EXPECT_EQ(ksh("echo a | | cat", out, sizeof(out)), 2);
	EXPECT_EQ(ksh("echo >", out, sizeof(out)), 2);
}
