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
#include <fcntl.h>
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

struct bench {
	const char *name;
	void (*fn)(long n);
	long iterations;
};

static const struct bench benches[] = {
	{ "null_syscall", bench_null_syscall, 200000 },
	{ "open_close", bench_open_close, 20000 },
	{ "stat", bench_stat, 20000 },
	{ "file_rw_4k", bench_file_rw, 20000 },
	{ "pipe_pingpong", bench_pipe_pingpong, 5000 },
	{ "anon_fault", bench_anon_fault, 25600 },
	{ "cow_fault", bench_cow_fault, 25600 },
	{ "fork_exit_wait", bench_fork_exit_wait, 500 },
	{ "fork_exec_wait", bench_fork_exec_wait, 200 },
};

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--exit"))
		return 0;
	self_path = argv[0][0] == '/' ? argv[0] : "/init";

	int fd = open("/bench.tmp", O_WRONLY | O_CREAT, 0644);
	if (fd < 0)
		die("create /bench.tmp");
	close(fd);

	printf("bench start\n");
	for (size_t i = 0; i < sizeof(benches) / sizeof(benches[0]); i++) {
		const struct bench *b = &benches[i];
		long long t0 = now_ns();

		b->fn(b->iterations);
		long long dt = now_ns() - t0;
		printf("bench %s %ld %lld\n", b->name, b->iterations, dt / b->iterations);
		fflush(stdout);
	}
	printf("bench done\n");
	fflush(stdout);
	if (getpid() == 1)
		reboot(RB_POWER_OFF);
	return 0;
}
