/*
 * The user-space test harness: one header, no library. A test program is
 * one .c file in user/tests/ (built to build/user/tests/<file>, installed
 * as /tests/<file> in the initramfs); its suite name is the file's name.
 *
 *	#include "harness.h"
 *
 *	TEST(pipe_roundtrip)
 *	{
 *		int fd[2];
 *		ASSERT_EQ(pipe(fd), 0);		// ends this test on failure
 *		EXPECT_EQ(write(fd[1], "x", 1), 1);	// records, goes on
 *	}
 *
 * Every test runs in its own forked child under alarm(TEST_TIMEOUT), so a
 * crash or a hang fails that one test and the rest still run; the parent
 * prints `ok N - suite.name` or `    # suite.name: why` and `not ok N -
 * suite.name`, and at the end `N passed, M failed`; the exit status is 1 if anything failed.
 * Failed checks print `    # suite.name: file:line: what` before the
 * verdict. An optional argument is a glob: only tests whose suite.name
 * matches run. On Linux (build/user/tests/<file>) the same expectations
 * must hold: that is what makes them Linux's.
 *
 * Define TEST_TIMEOUT (seconds) before including to change the default.
 */
#ifndef USER_TESTS_HARNESS_H
#define USER_TESTS_HARNESS_H

#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef TEST_TIMEOUT
#define TEST_TIMEOUT 60
#endif
#define HARNESS_MAX_TESTS 256

struct harness_test {
	const char *name;
	void (*fn)(void);
};

static struct harness_test harness_tests[HARNESS_MAX_TESTS];
static int harness_count;
static const char *harness_current;	/* the running test's name (in the child) */
static int harness_failures;		/* failed checks in this test (child) */

static char harness_suite[64];

static void harness_register(const char *name, void (*fn)(void))
{
	if (harness_count == HARNESS_MAX_TESTS) {
		fprintf(stderr, "harness: more than %d tests\n", HARNESS_MAX_TESTS);
		exit(2);
	}
	harness_tests[harness_count++] = (struct harness_test){ name, fn };
}

#define TEST(name)                                                         \
	static void test_##name(void);                                     \
	__attribute__((constructor)) static void register_##name(void)     \
	{                                                                  \
		harness_register(#name, test_##name);                      \
	}                                                                  \
	static void test_##name(void)

/* Report a failed check: one diagnostic line, unbuffered. */
static void harness_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#include <stdarg.h>
static void harness_fail(const char *file, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printf("    # %s.%s: %s:%d: %s\n", harness_suite, harness_current, file, line, msg);
	fflush(stdout);
	harness_failures++;
}

#define EXPECT(cond)                                                                   \
	({                                                                             \
		int __ok = !!(cond);                                                   \
		if (!__ok)                                                             \
			harness_fail(__FILE__, __LINE__, "expected %s (errno %d: %s)", \
				     #cond, errno, strerror(errno));                   \
		__ok;                                                                  \
	})

#define EXPECT_EQ(a, b)                                                                      \
	({                                                                                   \
		long long __a = (long long)(a), __b = (long long)(b);                        \
		int __ok = __a == __b;                                                       \
		if (!__ok)                                                                   \
			harness_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld (errno %d: %s)", \
				     #a, #b, __a, __b, errno, strerror(errno));              \
		__ok;                                                                        \
	})

#define EXPECT_NE(a, b)                                                               \
	({                                                                            \
		long long __a = (long long)(a), __b = (long long)(b);                 \
		int __ok = __a != __b;                                                \
		if (!__ok)                                                            \
			harness_fail(__FILE__, __LINE__, "%s != %s: both %lld", #a, #b, __a); \
		__ok;                                                                 \
	})

#define EXPECT_STREQ(a, b)                                                              \
	({                                                                              \
		const char *__a = (a), *__b = (b);                                      \
		int __ok = __a && __b && !strcmp(__a, __b);                             \
		if (!__ok)                                                              \
			harness_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b, \
				     __a ? __a : "(null)", __b ? __b : "(null)");        \
		__ok;                                                                   \
	})

/* A call that must fail with errno e: EXPECT_ERRNO(read(-1, b, 1), EBADF). */
#define EXPECT_ERRNO(call, e)                                                          \
	({                                                                             \
		errno = 0;                                                             \
		long long __r = (long long)(call);                                     \
		int __ok = __r == -1 && errno == (e);                                  \
		if (!__ok)                                                             \
			harness_fail(__FILE__, __LINE__, "%s: got %lld errno %d (%s), wanted -1 errno %s", \
				     #call, __r, errno, strerror(errno), #e);          \
		__ok;                                                                  \
	})

/* The ASSERT forms end the test (the child) at the first failure. */
#define ASSERT(cond) do { if (!EXPECT(cond)) exit(1); } while (0)
#define ASSERT_EQ(a, b) do { if (!EXPECT_EQ(a, b)) exit(1); } while (0)
#define ASSERT_NE(a, b) do { if (!EXPECT_NE(a, b)) exit(1); } while (0)
#define ASSERT_STREQ(a, b) do { if (!EXPECT_STREQ(a, b)) exit(1); } while (0)
#define ASSERT_ERRNO(call, e) do { if (!EXPECT_ERRNO(call, e)) exit(1); } while (0)

/* Run one test in a child; "" on a pass, else why it failed. */
static const char *harness_run_one(const struct harness_test *t, char *why, size_t len)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		snprintf(why, len, "fork: %s", strerror(errno));
		return why;
	}
	if (pid == 0) {
		harness_current = t->name;
		alarm(TEST_TIMEOUT);
		t->fn();
		fflush(stdout);
		_exit(harness_failures ? 1 : 0);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			snprintf(why, len, "waitpid: %s", strerror(errno));
			return why;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return "";
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		snprintf(why, len, "timed out after %ds", TEST_TIMEOUT);
	else if (WIFSIGNALED(status))
		snprintf(why, len, "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(why, len, "exit status %d", WEXITSTATUS(status));
	return why;
}

static void harness_set_suite(void)
{
	const char *f = strrchr(__BASE_FILE__, '/');
	size_t n;

	f = f ? f + 1 : __BASE_FILE__;
	n = strcspn(f, ".");
	if (n >= sizeof(harness_suite))
		n = sizeof(harness_suite) - 1;
	memcpy(harness_suite, f, n);
	harness_suite[n] = '\0';
}

int main(int argc, char **argv)
{
	const char *glob = argc > 1 ? argv[1] : "*";
	int n = 0, passed = 0, failed = 0;
	char full[192], why[256];

	harness_set_suite();
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < harness_count; i++) {
		const struct harness_test *t = &harness_tests[i];
		const char *res;

		snprintf(full, sizeof(full), "%s.%s", harness_suite, t->name);
		if (fnmatch(glob, full, 0))
			continue;
		res = harness_run_one(t, why, sizeof(why));
		n++;
		if (!*res) {
			passed++;
			printf("ok %d - %s\n", n, full);
		} else {
			failed++;
			printf("    # %s: %s\n", full, res);
			printf("not ok %d - %s\n", n, full);
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

#endif
