/*
 * Disk benchmarks: O_DIRECT reads of a whole disk, as /init under Kestrel
 * and under Linux in the same QEMU with the same disk (bench/run), so the
 * numbers compare the kernels' block layers and drivers.
 *
 *   disk-seq1m-qd1    sequential 1 MiB reads, one process
 *   disk-seq1m-qd32   sequential 1 MiB reads, 32 processes at once (each its own stretch)
 *   disk-rand4k-qd1   random 4 KiB reads, one process
 *   disk-rand4k-qd32  random 4 KiB reads, 32 processes at once
 *
 * 32 processes each with one read in flight keep 32 requests in the
 * queue: an NCQ disk gets them all at once. Each line is "bench <name>
 * <reads> <ns per read>", time over reads of all processes together.
 *
 * The disk: the one named by benchdisk=NAME on the kernel command line
 * (init's environment), sda by default, found in /proc/partitions (its
 * major differs between the kernels for virtio-blk). Under Linux the
 * drivers are modules (Debian's kernel): /modules/order lists the .ko
 * files in /modules to load first, in order; the disk then shows up a
 * moment later (probing is asynchronous), so the lookup is retried.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DISK "/dev/benchdisk"
#define NPROC 32

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what)
{
	perror(what);
	printf("bench failed\n");
	fflush(stdout);
	reboot(RB_POWER_OFF);
	exit(1);
}

/* insmod every module /modules/order names, in order (Linux: Debian's drivers are modules). */
static void load_modules(void)
{
	FILE *f = fopen("/modules/order", "r");
	char name[256], path[300];

	if (!f)
		return;
	while (fscanf(f, "%255s", name) == 1) {
		int fd;

		snprintf(path, sizeof(path), "/modules/%s", name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			die(path);
		/* ENOSYS: a kernel without modules, its drivers built in (Kestrel). */
		if (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST && errno != ENOSYS)
			die(path);
		close(fd);
	}
	fclose(f);
}

/* The numbers of the disk called name in /proc/partitions; 0 once it is there. */
static int find_disk(const char *name, unsigned int *major, unsigned int *minor)
{
	FILE *f = fopen("/proc/partitions", "r");
	char line[256], found[64];
	int ret = -1;

	if (!f)
		die("/proc/partitions");
	while (fgets(line, sizeof(line), f)) {
		unsigned long long blocks;

		if (sscanf(line, "%u %u %llu %63s", major, minor, &blocks, found) == 4 &&
		    !strcmp(found, name)) {
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

static int open_disk(void)
{
	const char *name = getenv("benchdisk");
	unsigned int major, minor;
	int fd;

	if (!name)
		name = "sda";
	mkdir("/proc", 0755);
	mkdir("/dev", 0755);
	if (mount("proc", "/proc", "proc", 0, NULL) && errno != EBUSY)
		die("mount /proc");
	for (int tries = 0; find_disk(name, &major, &minor); tries++) {
		if (tries == 400)	/* 20 s for Linux's asynchronous probe */
			die("no such disk in /proc/partitions");
		usleep(50000);
	}
	unlink(DISK);
	if (mknod(DISK, S_IFBLK | 0600, makedev(major, minor)))
		die("mknod " DISK);
	fd = open(DISK, O_RDONLY | O_DIRECT);
	if (fd < 0)
		die("open " DISK);
	return fd;
}

static void *aligned_buffer(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	memset(p, 0, len);
	return p;
}

static unsigned long long xorshift(unsigned long long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * One process's reads: n reads of bs bytes, sequential from start
 * (wrapping within span) or at random bs-aligned places of the disk.
 */
static void reader(int fd, long long disk, size_t bs, long n, int random, long long start,
		   long long span, unsigned long long seed)
{
	char *buf = aligned_buffer(bs);
	long long pos = start;

	for (long i = 0; i < n; i++) {
		long long off;

		if (random) {
			off = (long long)(xorshift(&seed) % (unsigned long long)(disk / bs)) * bs;
		} else {
			off = pos;
			pos += bs;
			if (pos + (long long)bs > start + span)
				pos = start;
		}
		if (pread(fd, buf, bs, off) != (ssize_t)bs)
			die("pread");
	}
}

/*
 * The disk's reads, reads merged and milliseconds spent reading (the sum
 * of every request's time from submission to completion) from
 * /proc/diskstats: after each benchmark a "diskstat" line says what the
 * kernel saw, the average request latency among it. 0 or -1.
 */
static int disk_stats(unsigned long long *reads, unsigned long long *merged,
		      unsigned long long *ms)
{
	const char *name = getenv("benchdisk") ? getenv("benchdisk") : "sda";
	FILE *f = fopen("/proc/diskstats", "r");
	char line[512], found[64];
	int ret = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long sectors;

		if (sscanf(line, "%*u %*u %63s %llu %llu %llu %llu", found, reads, merged, &sectors,
			   ms) == 5 && !strcmp(found, name)) {
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

/* nproc processes of reads at once; prints the line. */
static void bench(const char *name, int fd, long long disk, size_t bs, long n_per_proc, int nproc,
		  int random)
{
	long long span = disk / nproc / (long long)bs * (long long)bs, t0, t1;
	unsigned long long r0 = 0, m0 = 0, ms0 = 0, r1 = 0, m1 = 0, ms1 = 0;
	int stats = !disk_stats(&r0, &m0, &ms0);

	t0 = now_ns();
	for (int p = 0; p < nproc; p++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			reader(fd, disk, bs, n_per_proc, random, p * span, span,
			       0x9e3779b97f4a7c15ULL * (p + 1));
			_exit(0);
		}
	}
	for (int p = 0; p < nproc; p++) {
		int status;

		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			die("reader");
	}
	t1 = now_ns();
	printf("bench %s %ld %lld\n", name, n_per_proc * nproc, (t1 - t0) / (n_per_proc * nproc));
	if (stats && !disk_stats(&r1, &m1, &ms1) && r1 > r0)
		printf("diskstat %s %llu requests %llu merged %llu us per request\n", name, r1 - r0,
		       m1 - m0, (ms1 - ms0) * 1000 / (r1 - r0));
	fflush(stdout);
}

int main(void)
{
	long long disk;
	int fd;

	load_modules();
	fd = open_disk();
	disk = lseek(fd, 0, SEEK_END);
	if (disk < (64LL << 20))
		die("disk smaller than 64 MiB");
	printf("bench start\n");
	fflush(stdout);
	bench("disk-seq1m-qd1", fd, disk, 1 << 20, 128, 1, 0);
	bench("disk-seq1m-qd32", fd, disk, 1 << 20, 8, NPROC, 0);
	bench("disk-rand4k-qd1", fd, disk, 4096, 2000, 1, 1);
	bench("disk-rand4k-qd32", fd, disk, 4096, 200, NPROC, 1);
	printf("bench done\n");
	fflush(stdout);
	close(fd);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
