/*
 * glibc takes the vDSO's fast paths on Kestrel: clock_gettime,
 * gettimeofday, time and sched_getcpu, called through Debian's glibc
 * (this program is linked dynamically against it, like Debian's own
 * programs), make no system call. Kestrel's /proc/self/syscalls counts a
 * thread's system calls; the count may move only by what reading it
 * costs. Run by /compat/boot.sh under Kestrel only (Linux has no such
 * count); tests/integration/compat.sh wants its "vdso_check: ok" line.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long syscall_count(void)
{
	char buf[32];
	int fd = open("/proc/self/syscalls", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

int main(void)
{
	struct timespec ts;
	struct timeval tv;
	long c0, c1, c2, cpus = 0;

	if (!getauxval(AT_SYSINFO_EHDR)) {
		printf("vdso_check: no AT_SYSINFO_EHDR\n");
		return 1;
	}
	c0 = syscall_count();
	c1 = syscall_count();
	for (int i = 0; i < 1000; i++) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		clock_gettime(CLOCK_REALTIME, &ts);
		gettimeofday(&tv, NULL);
		(void)time(NULL);
		cpus += sched_getcpu() >= 0;
	}
	c2 = syscall_count();
	if (c0 < 0 || c2 - c1 != c1 - c0 || cpus != 1000) {
		printf("vdso_check: %ld system calls for 5000 time calls (reading the count costs %ld), "
		       "sched_getcpu ok %ld times\n", (c2 - c1) - (c1 - c0), c1 - c0, cpus);
		return 1;
	}
	printf("vdso_check: ok\n");
	return 0;
}
