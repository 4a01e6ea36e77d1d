/*
 * The time syscalls: clock_gettime on every clock, clock_getres,
 * gettimeofday, time, nanosleep and clock_nanosleep (absolute, relative,
 * interrupted by a signal), getrandom.
 *
 * No upper timing bounds: only orderings (a clock never goes back, a
 * sleep lasts at least what was asked) and the calls' error cases.
 */
#include "harness.h"
#include <pthread.h>
#include <stdint.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

static long long ts_ns(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static long long now_ns(clockid_t c)
{
	struct timespec ts;

	if (clock_gettime(c, &ts))
		return -1;
	return ts_ns(&ts);
}

TEST(clocks_never_go_back)
{
	static const clockid_t clocks[] = {
		CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_BOOTTIME, CLOCK_MONOTONIC_COARSE,
		CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID,
	};

	for (unsigned int c = 0; c < sizeof(clocks) / sizeof(clocks[0]); c++) {
		long long prev = now_ns(clocks[c]);

		EXPECT(prev >= 0);
		for (int i = 0; i < 20000; i++) {
			long long t = now_ns(clocks[c]);

			if (!EXPECT(t >= prev))
				break;
			prev = t;
		}
	}
}

TEST(realtime_agrees_with_time_and_gettimeofday)
{
	struct timeval tv;
	time_t t0 = time(NULL), t1;
	long long rt = now_ns(CLOCK_REALTIME);

	ASSERT_EQ(gettimeofday(&tv, NULL), 0);
	t1 = time(NULL);
	/* 2020-01-01 or later: the RTC was read. */
	EXPECT(t0 >= 1577836800);
	EXPECT(rt / 1000000000LL >= t0 && rt / 1000000000LL <= t1);
	EXPECT(tv.tv_sec >= t0 && tv.tv_sec <= t1);
	EXPECT(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
	EXPECT(now_ns(CLOCK_REALTIME_COARSE) / 1000000000LL >= t0 - 1);
}

TEST(cpu_time_advances_while_spinning)
{
	long long c0 = now_ns(CLOCK_THREAD_CPUTIME_ID), p0 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	long long end = now_ns(CLOCK_MONOTONIC) + 50000000LL;
	volatile unsigned long spin = 0;

	while (now_ns(CLOCK_MONOTONIC) < end)
		spin++;
	EXPECT(now_ns(CLOCK_THREAD_CPUTIME_ID) > c0);
	EXPECT(now_ns(CLOCK_PROCESS_CPUTIME_ID) > p0);
	c0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
	EXPECT(now_ns(CLOCK_PROCESS_CPUTIME_ID) >= c0);	/* read later, and more threads */
}

TEST(getres_and_bad_clocks)
{
	struct timespec res;

	EXPECT_EQ(clock_getres(CLOCK_MONOTONIC, &res), 0);
	EXPECT(res.tv_sec == 0 && res.tv_nsec > 0);
	EXPECT_EQ(clock_getres(CLOCK_REALTIME, NULL), 0);
	EXPECT_ERRNO(syscall(SYS_clock_gettime, 1234, &res), EINVAL);
	EXPECT_ERRNO(syscall(SYS_clock_getres, 1234, &res), EINVAL);
	EXPECT_ERRNO(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)8), EFAULT);
	EXPECT_ERRNO(syscall(SYS_gettimeofday, (void *)8, NULL), EFAULT);
}

TEST(settime_needs_privilege_or_works)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	EXPECT_ERRNO(clock_settime(CLOCK_MONOTONIC, &ts), EINVAL);
	if (geteuid() != 0)
		EXPECT_ERRNO(clock_settime(CLOCK_REALTIME, &ts), EPERM);
}

TEST(nanosleep_sleeps_at_least)
{
	struct timespec req = { 0, 30 * 1000 * 1000 };
	long long t0 = now_ns(CLOCK_MONOTONIC);

	EXPECT_EQ(nanosleep(&req, NULL), 0);
	EXPECT(now_ns(CLOCK_MONOTONIC) - t0 >= 30000000LL);
	req.tv_nsec = 1000000000;
	EXPECT_ERRNO(nanosleep(&req, NULL), EINVAL);
	req.tv_sec = -1;
	req.tv_nsec = 0;
	EXPECT_ERRNO(nanosleep(&req, NULL), EINVAL);
	EXPECT_ERRNO(syscall(SYS_nanosleep, (void *)8, NULL), EFAULT);
}

TEST(clock_nanosleep_absolute)
{
	struct timespec ts;
	long long t;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += 20 * 1000 * 1000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	EXPECT_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL), 0);
	t = now_ns(CLOCK_MONOTONIC);
	EXPECT(t >= ts_ns(&ts));
	/* A deadline in the past returns at once. */
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec -= 10;
	EXPECT_EQ(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL), 0);
	ts.tv_nsec = 5;
	ts.tv_sec = 0;
	EXPECT_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL), 0);
	/* glibc/musl return the error number itself. */
	EXPECT_EQ(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &ts, NULL), EINVAL);
	EXPECT_EQ(clock_nanosleep(12345, 0, &ts, NULL), EINVAL);
}

static void on_usr1(int sig)
{
	(void)sig;
}

/* A child pokes us with SIGUSR1 until it is killed. */
static pid_t start_poker(void)
{
	pid_t parent = getpid(), pid = fork();

	if (pid == 0) {
		for (;;) {
			struct timespec d = { 0, 20 * 1000 * 1000 };

			nanosleep(&d, NULL);
			kill(parent, SIGUSR1);
		}
	}
	return pid;
}

static void stop_poker(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

TEST(nanosleep_interrupted_by_signal)
{
	struct sigaction sa = { .sa_handler = on_usr1 };	/* no SA_RESTART */
	struct timespec req = { 30, 0 }, rem = { -1, -1 };
	pid_t poker;
	int r, e;

	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	poker = start_poker();
	ASSERT(poker > 0);
	r = nanosleep(&req, &rem);
	e = errno;
	stop_poker(poker);
	EXPECT_EQ(r, -1);
	EXPECT_EQ(e, EINTR);
	/* What was left: more than nothing, not more than asked. */
	EXPECT(rem.tv_sec >= 0 && rem.tv_nsec >= 0 && rem.tv_nsec < 1000000000);
	EXPECT(ts_ns(&rem) > 0 && ts_ns(&rem) <= ts_ns(&req));
}

TEST(clock_nanosleep_absolute_interrupted)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct timespec ts;
	pid_t poker;
	int r;

	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += 30;
	poker = start_poker();
	ASSERT(poker > 0);
	r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	stop_poker(poker);
	EXPECT_EQ(r, EINTR);
}

TEST(getrandom_fills_and_checks)
{
	unsigned char a[64], b[64], big[10000];

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	EXPECT_EQ(getrandom(a, sizeof(a), 0), (long)sizeof(a));
	EXPECT_EQ(getrandom(b, sizeof(b), GRND_NONBLOCK), (long)sizeof(b));
	EXPECT(memcmp(a, b, sizeof(a)) != 0);
	EXPECT_EQ(getrandom(big, sizeof(big), GRND_RANDOM | GRND_NONBLOCK) > 0, 1);
	EXPECT_EQ(getrandom(a, 0, 0), 0);
	EXPECT_ERRNO(getrandom(a, sizeof(a), 0x100), EINVAL);
	EXPECT_ERRNO(getrandom((void *)8, 16, 0), EFAULT);
}

static volatile sig_atomic_t alarms;

static void on_alrm(int sig)
{
	(void)sig;
	alarms++;
}

TEST(setitimer_interval_sends_sigalrm)
{
	struct sigaction sa = { .sa_handler = on_alrm };
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } }, cur, old;

	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(sigaction(SIGALRM, &sa, NULL), 0);
	alarms = 0;
	ASSERT_EQ(setitimer(ITIMER_REAL, &it, NULL), 0);
	EXPECT_EQ(getitimer(ITIMER_REAL, &cur), 0);
	EXPECT(cur.it_interval.tv_sec == 0 && cur.it_interval.tv_usec == 20000);
	EXPECT(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec <= 20000);
	while (alarms < 3)
		pause();
	memset(&it, 0, sizeof(it));
	ASSERT_EQ(setitimer(ITIMER_REAL, &it, &old), 0);
	EXPECT(old.it_interval.tv_usec == 20000);
	EXPECT_EQ(getitimer(ITIMER_REAL, &cur), 0);
	EXPECT(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
	it.it_value.tv_usec = 1000000;
	EXPECT_ERRNO(setitimer(ITIMER_REAL, &it, NULL), EINVAL);
}

TEST(alarm_reports_what_was_left)
{
	struct sigaction sa = { .sa_handler = on_alrm };

	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(sigaction(SIGALRM, &sa, NULL), 0);
	alarm(100);	/* replaces the harness's timeout */
	EXPECT(alarm(1) >= 99);
	alarms = 0;
	while (!alarms)
		pause();
	EXPECT_EQ(alarm(0), 0);
}
