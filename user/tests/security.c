/*
 * What an unprivileged user can read about the kernel (docs/security.md):
 * not the kernel log, which holds kernel addresses (reading /dev/kmsg
 * needs CAP_SYSLOG, Linux's dmesg_restrict=1), and no kernel address in
 * /proc/<pid>/stat (kstkesp and kstkeip are 0, wchan at most 1). Run on
 * Linux too: the kmsg test needs the host's kernel.dmesg_restrict=1.
 */
#include "harness.h"

#include <fcntl.h>
#include <stdint.h>

/* Linux's sysctl, where there is one; Kestrel has no /proc/sys and always restricts. */
static int dmesg_restricted(void)
{
	char c = '1';
	int fd = open("/proc/sys/kernel/dmesg_restrict", O_RDONLY);

	if (fd >= 0) {
		if (read(fd, &c, 1) != 1)
			c = '1';
		close(fd);
	}
	return c != '0';
}

static void drop_to_uid_1000(void)
{
	if (getuid() == 0 && (setgid(1000) || setuid(1000)))
		_exit(90);
}

TEST(kernel_log_needs_cap_syslog)
{
	pid_t pid;
	int st, fd;

	if (!dmesg_restricted())
		return;
	if (getuid() == 0) {	/* root reads it */
		fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
		EXPECT(fd >= 0);
		if (fd >= 0)
			close(fd);
	}
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		drop_to_uid_1000();
		errno = 0;
		fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
		_exit(fd < 0 && errno == EPERM ? 0 : 1);
	}
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* Field n (1-based, n > 2) of /proc/<who>/stat as an unsigned number. */
static int stat_field(const char *who, int n, unsigned long long *out)
{
	char path[64], buf[1024], *p;
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/stat", who);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = '\0';
	p = strrchr(buf, ')');
	if (!p)
		return -1;
	p += 2;
	for (int i = 3; i < n; i++) {
		p = strchr(p, ' ');
		if (!p)
			return -1;
		p++;
	}
	*out = strtoull(p, NULL, 10);
	return 0;
}

static void check_stat_has_no_kernel_address(const char *who)
{
	unsigned long long v;

	/* kstkesp (29), kstkeip (30): 0 for a live task; wchan (35): 0 or 1. */
	EXPECT_EQ(stat_field(who, 29, &v), 0);
	EXPECT_EQ(v, 0);
	EXPECT_EQ(stat_field(who, 30, &v), 0);
	EXPECT_EQ(v, 0);
	EXPECT_EQ(stat_field(who, 35, &v), 0);
	EXPECT(v <= 1);
	/* The addresses of the layout (26-28, 45-51) are user addresses. */
	static const int user_addresses[] = { 26, 27, 28, 45, 46, 47, 48, 49, 50, 51 };
	for (size_t i = 0; i < sizeof(user_addresses) / sizeof(user_addresses[0]); i++) {
		EXPECT_EQ(stat_field(who, user_addresses[i], &v), 0);
		EXPECT(v < (1ULL << 47));
	}
}

TEST(proc_stat_shows_no_kernel_address)
{
	pid_t pid = fork();
	int st;

	ASSERT(pid >= 0);
	if (pid == 0) {
		drop_to_uid_1000();
		check_stat_has_no_kernel_address("self");
		check_stat_has_no_kernel_address("1");
		_exit(harness_failures ? 1 : 0);
	}
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}
