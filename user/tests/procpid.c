/*
 * /proc/<pid> and /proc/self: stat, status, maps, cmdline, environ, exe,
 * cwd, fd/, mem, auxv, task/.
 */
#include "harness.h"
#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>

/* Read a whole file (up to len - 1 bytes, NUL added); bytes read or -1. */
static long read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	size_t got = 0;
	long n;

	if (fd < 0)
		return -1;
	while (got < len - 1 && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = 0;
	return got;
}

TEST(self_is_a_link_to_the_pid)
{
	char buf[32], want[32];
	long n = readlink("/proc/self", buf, sizeof(buf) - 1);

	ASSERT(n > 0);
	buf[n] = 0;
	snprintf(want, sizeof(want), "%d", getpid());
	EXPECT_STREQ(buf, want);
}

TEST(stat_fields_in_linux_order)
{
	static char buf[4096];
	char comm[64], state;
	int pid, ppid, pgrp, session;
	char *close_paren;

	ASSERT(read_file("/proc/self/stat", buf, sizeof(buf)) > 0);
	ASSERT_EQ(sscanf(buf, "%d (%63[^)]) %c %d %d %d", &pid, comm, &state, &ppid, &pgrp, &session), 6);
	EXPECT_EQ(pid, getpid());
	EXPECT_EQ(ppid, getppid());
	EXPECT_EQ(pgrp, getpgrp());
	EXPECT_EQ(session, getsid(0));
	EXPECT_EQ(state, 'R');	/* reading its own stat: running */
	/* 52 fields in all (Linux 5.x): 50 after "pid (comm)". */
	close_paren = strrchr(buf, ')');
	ASSERT(close_paren != NULL);
	{
		int fields = 0;
		char *save, *tok = strtok_r(close_paren + 1, " \n", &save);

		for (; tok; tok = strtok_r(NULL, " \n", &save))
			fields++;
		EXPECT(fields >= 50);
	}
}

TEST(status_names_the_process)
{
	static char buf[4096];
	char want[64];

	ASSERT(read_file("/proc/self/status", buf, sizeof(buf)) > 0);
	snprintf(want, sizeof(want), "\nPid:\t%d\n", getpid());
	EXPECT(strstr(buf, want) != NULL);
	snprintf(want, sizeof(want), "\nPPid:\t%d\n", getppid());
	EXPECT(strstr(buf, want) != NULL);
	EXPECT(strncmp(buf, "Name:\t", 6) == 0);
	EXPECT(strstr(buf, "\nState:\tR (running)\n") != NULL);
	EXPECT(strstr(buf, "\nThreads:\t1\n") != NULL);
	snprintf(want, sizeof(want), "\nUid:\t%d\t%d\t", getuid(), geteuid());
	EXPECT(strstr(buf, want) != NULL);
}

/*
 * comm (/proc/<pid>/comm and status's Name:) is the base name of the path
 * exec was given, even through a symlink, and prctl(PR_SET_NAME) changes
 * it, cut to 15 bytes (busybox re-execs /proc/self/exe, whose name is
 * "exe", and then names itself after the applet this way).
 */
TEST(comm_is_the_exec_basename_and_prctl_renames)
{
	char buf[256], link[64], name[16];
	int p[2], status;
	long n;
	pid_t pid;

	ASSERT_EQ(prctl(PR_SET_NAME, "a-very-long-thread-name"), 0);
	ASSERT(read_file("/proc/self/comm", buf, sizeof(buf)) > 0);
	EXPECT_STREQ(buf, "a-very-long-thr\n");
	ASSERT(read_file("/proc/self/status", buf, sizeof(buf)) > 0);
	EXPECT(!strncmp(buf, "Name:\ta-very-long-thr\n", 22));
	memset(name, 'x', sizeof(name));
	ASSERT_EQ(prctl(PR_GET_NAME, name), 0);
	EXPECT_STREQ(name, "a-very-long-thr");

	snprintf(link, sizeof(link), "/tmp/procpid-%d-renamed-cat", getpid());
	ASSERT_EQ(symlink("/bin/cat", link), 0);
	ASSERT_EQ(pipe(p), 0);
	pid = fork();
	ASSERT(pid >= 0);
	if (!pid) {
		dup2(p[1], 1);
		execl(link, "whatever", "/proc/self/comm", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	buf[n > 0 ? n : 0] = 0;
	/* The link's base name, cut to 15 bytes. */
	EXPECT(!strncmp(buf, strrchr(link, '/') + 1, 15) && buf[15] == '\n');
	unlink(link);
}

static int maps_has(const char *maps, unsigned long addr, const char *perms, const char *name)
{
	const char *line = maps;

	while (line && *line) {
		unsigned long start, end;
		char p[5], label[256] = "";

		if (sscanf(line, "%lx-%lx %4s %*s %*s %*s %255s", &start, &end, p, label) >= 3 &&
		    addr >= start && addr < end)
			return (!perms || !strcmp(p, perms)) && (!name || !strcmp(label, name));
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return 0;
}

TEST(maps_lists_stack_heap_text_and_new_mappings)
{
	static char buf[65536];
	int local = 0;
	void *anon = mmap(NULL, 3 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char line[128];

	ASSERT(anon != MAP_FAILED);
	ASSERT(read_file("/proc/self/maps", buf, sizeof(buf)) > 0);
	EXPECT(maps_has(buf, (unsigned long)&local, "rw-p", "[stack]"));
	EXPECT(maps_has(buf, (unsigned long)&maps_has, "r-xp", NULL));
	snprintf(line, sizeof(line), "%lx-%lx r--p 00000000 00:00 0",
		 (unsigned long)anon, (unsigned long)anon + 3 * 4096);
	EXPECT(strstr(buf, line) != NULL);
	munmap(anon, 3 * 4096);
	ASSERT(read_file("/proc/self/maps", buf, sizeof(buf)) > 0);
	EXPECT(strstr(buf, line) == NULL);
}

TEST(maps_names_a_file_mapping)
{
	static char buf[65536];
	char path[] = "/tmp/procpid-mapXXXXXX", want[128];
	int fd = mkstemp(path);
	void *p;

	ASSERT(fd >= 0);
	ASSERT_EQ(ftruncate(fd, 8192), 0);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 4096);
	ASSERT(p != MAP_FAILED);
	ASSERT(read_file("/proc/self/maps", buf, sizeof(buf)) > 0);
	EXPECT(maps_has(buf, (unsigned long)p, "rw-s", path));
	snprintf(want, sizeof(want), "%lx-%lx rw-s 00001000 ", (unsigned long)p,
		 (unsigned long)p + 4096);
	EXPECT(strstr(buf, want) != NULL);
	munmap(p, 4096);
	close(fd);
	unlink(path);
}

/* argv[0] first, every argument NUL-terminated. */
TEST(cmdline_is_argv)
{
	char buf[4096];
	long n = read_file("/proc/self/cmdline", buf, sizeof(buf));

	ASSERT(n > 0);
	EXPECT_STREQ(buf, program_invocation_name);
	EXPECT_EQ(buf[n - 1], 0);
}

TEST(environ_holds_the_initial_environment)
{
	static char buf[65536];
	extern char **environ;
	long n = read_file("/proc/self/environ", buf, sizeof(buf));

	if (!environ[0]) {
		EXPECT_EQ(n, 0);
		return;
	}
	EXPECT(n > 0);
	EXPECT(strncmp(buf, environ[0], strlen(environ[0]) + 1) == 0);
}

TEST(exe_and_cwd_links)
{
	char buf[PATH_MAX], cwd[PATH_MAX];
	long n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	const char *base;

	ASSERT(n > 0);
	buf[n] = 0;
	base = program_invocation_short_name;
	EXPECT(buf[0] == '/');
	EXPECT(strlen(buf) >= strlen(base) && !strcmp(buf + strlen(buf) - strlen(base), base));
	ASSERT(getcwd(cwd, sizeof(cwd)) != NULL);
	n = readlink("/proc/self/cwd", buf, sizeof(buf) - 1);
	ASSERT(n > 0);
	buf[n] = 0;
	EXPECT_STREQ(buf, cwd);
	n = readlink("/proc/self/root", buf, sizeof(buf) - 1);
	ASSERT(n > 0);
	buf[n] = 0;
	EXPECT_STREQ(buf, "/");
}

TEST(fd_dir_lists_open_files)
{
	char path[] = "/tmp/procpid-fdXXXXXX", link[64], buf[PATH_MAX];
	int fd = mkstemp(path), found = 0;
	struct dirent *de;
	DIR *d;
	long n;

	ASSERT(fd >= 0);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, sizeof(buf) - 1);
	ASSERT(n > 0);
	buf[n] = 0;
	EXPECT_STREQ(buf, path);
	d = opendir("/proc/self/fd");
	ASSERT(d != NULL);
	while ((de = readdir(d)))
		if (atoi(de->d_name) == fd && de->d_name[0] != '.')
			found = 1;
	closedir(d);
	EXPECT(found);
	/* Opening the link opens the file itself. */
	{
		int fd2 = open(link, O_RDONLY);

		EXPECT(fd2 >= 0);
		close(fd2);
	}
	close(fd);
	unlink(path);
	EXPECT_ERRNO(readlink(link, buf, sizeof(buf)), ENOENT);
}

TEST(mem_reads_and_writes_own_memory)
{
	static char secret[] = "kestrel-proc-mem";
	char buf[sizeof(secret)];
	int fd = open("/proc/self/mem", O_RDWR);

	ASSERT(fd >= 0);
	EXPECT_EQ(pread(fd, buf, sizeof(buf), (off_t)(uintptr_t)secret), (long)sizeof(buf));
	EXPECT(memcmp(buf, secret, sizeof(buf)) == 0);
	EXPECT_EQ(pwrite(fd, "K", 1, (off_t)(uintptr_t)secret), 1);
	EXPECT_EQ(secret[0], 'K');
	/* Nothing mapped at page 0. */
	EXPECT_ERRNO(pread(fd, buf, 1, 0), EIO);
	close(fd);
}

TEST(auxv_has_pagesz)
{
	unsigned long buf[128];
	int fd = open("/proc/self/auxv", O_RDONLY), found = 0;
	long n;

	ASSERT(fd >= 0);
	n = read(fd, buf, sizeof(buf));
	close(fd);
	EXPECT(n > 0 && n % 16 == 0);
	for (long i = 0; i + 1 < n / 8; i += 2)
		if (buf[i] == AT_PAGESZ)
			found = buf[i + 1] == 4096;
	EXPECT(found);
	EXPECT_EQ(buf[n / 8 - 2], AT_NULL);
}

TEST(task_dir_lists_the_thread)
{
	char path[64];
	struct dirent *de;
	int found = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", getpid());
	d = opendir(path);
	ASSERT(d != NULL);
	while ((de = readdir(d)))
		if (atoi(de->d_name) == getpid())
			found = 1;
	closedir(d);
	EXPECT(found);
}

TEST(other_pids_and_gone_pids)
{
	char path[64], buf[4096];
	int status;
	pid_t pid = fork();

	ASSERT(pid >= 0);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	EXPECT(read_file(path, buf, sizeof(buf)) > 0);
	EXPECT(atoi(buf) == pid);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	EXPECT_EQ(read_file(path, buf, sizeof(buf)), -1);
	EXPECT_EQ(errno, ENOENT);
}
