/*
 * Kestrel's micro-benchmarks: the same static binary runs as /init under
 * Kestrel and under Linux in the same QEMU (bench/run), so the numbers
 * compare the kernels, not the machines.
 *
 * Each benchmark repeats one operation for a fixed number of iterations
 * and prints one line: "bench <name> <iterations> <ns per op>".
 * The clock is CLOCK_MONOTONIC; under TCG it runs at host speed, so the
 * absolute numbers are slow, but the ratio between kernels is what counts.
 *
 * Run as /init it powers the machine off at the end; run from a shell it
 * just exits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void bench_null_syscall(long n)
{
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
}

static void bench_fork_exit_wait(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0)
			_exit(0);
		if (waitpid(pid, NULL, 0) != pid)
			die("waitpid");
	}
}

static const char *self_path;

static void bench_fork_exec_wait(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			execl(self_path, self_path, "--exit", (char *)NULL);
			_exit(127);
		}
		int status;
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
			die("exec child");
	}
}

/* One byte back and forth between two processes over two pipes: two switches a round trip. */
static void bench_pipe_pingpong(long n)
{
	int ab[2], ba[2];
	char c = 'x';

	if (pipe(ab) || pipe(ba))
		die("pipe");
	pid_t pid = fork();
	if (pid == 0) {
		for (long i = 0; i < n; i++) {
			if (read(ab[0], &c, 1) != 1 || write(ba[1], &c, 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	for (long i = 0; i < n; i++) {
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
			die("pingpong");
	}
	waitpid(pid, NULL, 0);
	close(ab[0]), close(ab[1]), close(ba[0]), close(ba[1]);
}

/* Map 64 pages, touch each (demand-zero faults), unmap: per page. */
static void bench_anon_fault(long n)
{
	for (long i = 0; i < n / 64; i++) {
		char *p = mmap(NULL, 64 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			die("mmap");
		for (int j = 0; j < 64; j++)
			p[j * PAGE] = 1;
		munmap(p, 64 * PAGE);
	}
}

/* Copy-on-write: the child writes every page of a 256-page region it shares with its parent. */
static void bench_cow_fault(long n)
{
	long pages = 256;
	char *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	memset(p, 1, pages * PAGE);
	for (long i = 0; i < n / pages; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			for (long j = 0; j < pages; j++)
				p[j * PAGE] = 2;
			_exit(0);
		}
		waitpid(pid, NULL, 0);
	}
	munmap(p, pages * PAGE);
}

static void bench_open_close(long n)
{
	for (long i = 0; i < n; i++) {
		int fd = open("/bench.tmp", O_RDONLY);
		if (fd < 0)
			die("open");
		close(fd);
	}
}

static void bench_stat(long n)
{
	struct stat st;

	for (long i = 0; i < n; i++)
		if (stat("/bench.tmp", &st))
			die("stat");
}

/* 4 KiB writes then reads through the page cache (tmpfs root). */
static void bench_file_rw(long n)
{
	static char buf[PAGE];
	int fd = open("/bench.data", O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		die("open");
	for (long i = 0; i < n / 2; i++)
		if (pwrite(fd, buf, PAGE, (i % 256) * PAGE) != PAGE)
			die("pwrite");
	for (long i = 0; i < n / 2; i++)
		if (pread(fd, buf, PAGE, (i % 256) * PAGE) != PAGE)
			die("pread");
	close(fd);
	unlink("/bench.data");
}

/* stat of a path five components deep (/bench.d/a/b/c/file). */
static void bench_stat_deep(long n)
{
	struct stat st;

	for (long i = 0; i < n; i++)
		if (stat("/bench.d/a/b/c/file", &st))
			die("stat deep");
}

/* Create 1000 files in one directory, then unlink them: per file, both. */
static void bench_create_unlink(long n)
{
	char name[64];

	for (long done = 0; done < n; done += 1000) {
		for (int i = 0; i < 1000; i++) {
			snprintf(name, sizeof(name), "/bench.d/f%d", i);
			int fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0644);
			if (fd < 0)
				die("create");
			close(fd);
		}
		for (int i = 0; i < 1000; i++) {
			snprintf(name, sizeof(name), "/bench.d/f%d", i);
			if (unlink(name))
				die("unlink");
		}
	}
}

/* A 4 KiB write and fsync (tmpfs: nothing to write back). */
static void bench_write_fsync(long n)
{
	static char buf[PAGE];
	int fd = open("/bench.fsync", O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		die("open");
	for (long i = 0; i < n; i++)
		if (pwrite(fd, buf, PAGE, 0) != PAGE || fsync(fd))
			die("write+fsync");
	close(fd);
	unlink("/bench.fsync");
}

/* 64 KiB reads of a file already in the page cache. */
static void bench_read_64k(long n)
{
	static char buf[16 * PAGE];
	int fd = open("/bench.64k", O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, buf, sizeof(buf)) != sizeof(buf))
		die("write 64k");
	for (long i = 0; i < n; i++)
		if (pread(fd, buf, sizeof(buf), 0) != sizeof(buf))
			die("pread 64k");
	close(fd);
	unlink("/bench.64k");
}

/* Map a cached 256-page file, read each page (file faults), unmap: per page. */
static void bench_file_mmap_fault(long n)
{
	static char buf[PAGE];
	long pages = 256;
	int fd = open("/bench.map", O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		die("open");
	for (long j = 0; j < pages; j++)
		if (write(fd, buf, PAGE) != PAGE)
			die("write map");
	for (long i = 0; i < n / pages; i++) {
		volatile char *p = mmap(NULL, pages * PAGE, PROT_READ, MAP_SHARED, fd, 0);

		if (p == MAP_FAILED)
			die("mmap file");
		for (long j = 0; j < pages; j++)
			(void)p[j * PAGE];
		munmap((void *)p, pages * PAGE);
	}
	close(fd);
	unlink("/bench.map");
}

struct bench {
	const char *name;
	void (*fn)(long n);
	long iterations;
};

static const struct bench benches[] = {
	{ "null_syscall", bench_null_syscall, 200000 },
	{ "open_close", bench_open_close, 20000 },
	{ "stat", bench_stat, 20000 },
	{ "stat_deep", bench_stat_deep, 20000 },
	{ "create_unlink", bench_create_unlink, 5000 },
	{ "write_fsync", bench_write_fsync, 10000 },
	{ "read_64k", bench_read_64k, 5000 },
	{ "file_mmap_fault", bench_file_mmap_fault, 25600 },
	{ "file_rw_4k", bench_file_rw, 20000 },
	{ "pipe_pingpong", bench_pipe_pingpong, 5000 },
	{ "anon_fault", bench_anon_fault, 25600 },
	{ "cow_fault", bench_cow_fault, 25600 },
	{ "fork_exit_wait", bench_fork_exit_wait, 500 },
	{ "fork_exec_wait", bench_fork_exec_wait, 200 },
};

/* Write text to a /proc control file; 0 or -1. */
static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	int ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);

	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

/* Copy path to stdout, each line prefixed with tag (the host picks them out of the log). */
static void dump_lines(const char *path, const char *tag)
{
	FILE *f = fopen(path, "r");
	char line[8192];

	if (!f)
		die(path);
	while (fgets(line, sizeof(line), f))
		printf("%s %s", tag, line);
	fclose(f);
}

/* /proc/profile: the bucket size, then "index count" for every bucket hit. */
static void dump_histogram(void)
{
	FILE *f = fopen("/proc/profile", "r");
	unsigned int w;
	long i = 0;

	if (!f)
		die("/proc/profile");
	while (fread(&w, sizeof(w), 1, f) == 1) {
		if (i == 0 || w)
			printf("profile-hist %ld %u\n", i, w);
		i++;
	}
	fclose(f);
}

/*
 * Usage: bench [--profile HZ] [NAME...]: run the named benchmarks (all by
 * default). With --profile, Kestrel's profiler samples each benchmark at HZ
 * and its output goes to stdout (bench/profile reads it).
 */
int main(int argc, char **argv)
{
	const char *profile_hz = NULL;
	int first = 1;

	if (argc > 1 && !strcmp(argv[1], "--exit"))
		return 0;
	self_path = argv[0][0] == '/' ? argv[0] : "/init";
	if (argc > 2 && !strcmp(argv[1], "--profile")) {
		profile_hz = argv[2];
		first = 3;
	}

	int fd = open("/bench.tmp", O_WRONLY | O_CREAT, 0644);
	if (fd < 0)
		die("create /bench.tmp");
	close(fd);
	if (mkdir("/bench.d", 0755) && errno != EEXIST)
		die("mkdir");
	mkdir("/bench.d/a", 0755);
	mkdir("/bench.d/a/b", 0755);
	mkdir("/bench.d/a/b/c", 0755);
	fd = open("/bench.d/a/b/c/file", O_WRONLY | O_CREAT, 0644);
	if (fd < 0)
		die("create /bench.d/a/b/c/file");
	close(fd);

	printf("bench start\n");
	for (size_t i = 0; i < sizeof(benches) / sizeof(benches[0]); i++) {
		const struct bench *b = &benches[i];
		bool wanted = first >= argc;

		for (int a = first; a < argc; a++)
			wanted |= !strcmp(argv[a], b->name);
		if (!wanted)
			continue;
		if (profile_hz && write_file("/proc/kestrel/profile", profile_hz))
			die("start the profiler");
		long long t0 = now_ns();

		b->fn(b->iterations);
		long long dt = now_ns() - t0;
		if (profile_hz && write_file("/proc/kestrel/profile", "0"))
			die("stop the profiler");
		printf("bench %s %ld %lld\n", b->name, b->iterations, dt / b->iterations);
		if (profile_hz) {
			dump_lines("/proc/kestrel/profile", "profile-stats");
			dump_lines("/proc/kestrel/profile_folded", "profile-folded");
			dump_histogram();
		}
		fflush(stdout);
	}
	printf("bench done\n");
	fflush(stdout);
	if (getpid() == 1)
		reboot(RB_POWER_OFF);
	return 0;
}
