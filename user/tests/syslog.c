/*
 * syslog(2) (klogctl): what busybox's dmesg relies on. Reading the whole
 * log, its size, clearing it, the consumer read, and the argument errors,
 * as Linux answers them (run as root: actions beyond READ_ALL and
 * SIZE_BUFFER need CAP_SYSLOG).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <unistd.h>
#include "harness.h"

enum {
	ACTION_READ = 2, ACTION_READ_ALL = 3, ACTION_READ_CLEAR = 4, ACTION_CLEAR = 5,
	ACTION_CONSOLE_LEVEL = 8, ACTION_SIZE_UNREAD = 9, ACTION_SIZE_BUFFER = 10,
};

/* Put a line into the kernel log through /dev/kmsg. */
static int log_marker(const char *text)
{
	char line[128];
	int fd = open("/dev/kmsg", O_WRONLY);
	int n = snprintf(line, sizeof(line), "<6>%s\n", text);
	int ok = fd >= 0 && write(fd, line, n) == n;

	if (fd >= 0)
		close(fd);
	return ok;
}

/* The whole log as READ_ALL gives it, NUL-terminated (caller frees). */
static char *read_all(int *len)
{
	int size = klogctl(ACTION_SIZE_BUFFER, NULL, 0);
	char *buf;

	if (size <= 0 || !(buf = malloc(size + 1)))
		return NULL;
	*len = klogctl(ACTION_READ_ALL, buf, size);
	if (*len < 0) {
		free(buf);
		return NULL;
	}
	buf[*len] = '\0';
	return buf;
}

TEST(size_buffer_is_positive)
{
	EXPECT(klogctl(ACTION_SIZE_BUFFER, NULL, 0) > 0);
}

TEST(read_all_sees_a_new_line_with_its_level)
{
	char *log;
	int len;

	ASSERT(log_marker("syslog-test: marker one"));
	ASSERT((log = read_all(&len)) != NULL);
	EXPECT(len > 0);
	EXPECT(strstr(log, "<6>") != NULL);	/* each line starts with its level */
	EXPECT(strstr(log, "syslog-test: marker one\n") != NULL);
	free(log);
}

TEST(read_all_short_buffer_gets_the_newest)
{
	char buf[64];
	int n;

	ASSERT(log_marker("syslog-test: newest"));
	n = klogctl(ACTION_READ_ALL, buf, sizeof(buf) - 1);
	ASSERT(n > 0 && n <= (int)sizeof(buf) - 1);
	buf[n] = '\0';
	EXPECT(strstr(buf, "syslog-test: newest") != NULL);
}

TEST(read_clear_then_read_all_is_empty_of_old_lines)
{
	char *log, big[256];
	int len;

	ASSERT(log_marker("syslog-test: before clear"));
	len = klogctl(ACTION_READ_CLEAR, big, sizeof(big) - 1);
	ASSERT(len > 0);
	ASSERT((log = read_all(&len)) != NULL);
	EXPECT(strstr(log, "syslog-test: before clear") == NULL);
	free(log);
	ASSERT(log_marker("syslog-test: after clear"));
	ASSERT_EQ(klogctl(ACTION_CLEAR, NULL, 0), 0);
	ASSERT((log = read_all(&len)) != NULL);
	EXPECT(strstr(log, "syslog-test: after clear") == NULL);
	free(log);
}

TEST(read_consumes)
{
	char buf[128];
	int unread, n;

	ASSERT(log_marker("syslog-test: unread"));
	unread = klogctl(ACTION_SIZE_UNREAD, NULL, 0);
	ASSERT(unread > 0);
	n = klogctl(ACTION_READ, buf, sizeof(buf));
	EXPECT(n > 0 && n <= (int)sizeof(buf));
	EXPECT(klogctl(ACTION_SIZE_UNREAD, NULL, 0) <= unread + 64);
}

TEST(bad_arguments)
{
	char buf[16];

	EXPECT_ERRNO(klogctl(ACTION_READ_ALL, NULL, 16), EINVAL);
	EXPECT_ERRNO(klogctl(ACTION_READ_ALL, buf, -1), EINVAL);
	EXPECT_EQ(klogctl(ACTION_READ_ALL, buf, 0), 0);
	ASSERT(log_marker("syslog-test: something to copy"));
	EXPECT_ERRNO(klogctl(ACTION_READ_ALL, (char *)16, 4096), EFAULT);
	EXPECT_ERRNO(klogctl(ACTION_CONSOLE_LEVEL, NULL, 0), EINVAL);
	EXPECT_ERRNO(klogctl(ACTION_CONSOLE_LEVEL, NULL, 9), EINVAL);
	EXPECT_ERRNO(klogctl(99, buf, sizeof(buf)), EINVAL);
}
