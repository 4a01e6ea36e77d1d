/*
 * timerfd: one-shot and periodic timers on CLOCK_MONOTONIC and
 * CLOCK_REALTIME, TFD_TIMER_ABSTIME, the expiration count, gettime's
 * remaining time, disarming, old_value, non-blocking reads, poll and
 * epoll, the errors. Linux's semantics (the same tests pass there). No
 * test relies on timing beyond "never early" and generous upper bounds.
 */
#include "harness.h"
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>

#define MS 1000000L

static int64_t now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int arm(int fd, int flags, long value_ns, long interval_ns)
{
	struct itimerspec its = {
		.it_value = { value_ns / 1000000000L, value_ns % 1000000000L },
		.it_interval = { interval_ns / 1000000000L, interval_ns % 1000000000L },
	};

	return timerfd_settime(fd, flags, &its, NULL);
}

TEST(one_shot_fires_once_never_early)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, 0);
	int64_t t0;
	uint64_t n = 0;

	ASSERT(fd >= 0);
	t0 = now_ns(CLOCK_MONOTONIC);
	ASSERT_EQ(arm(fd, 0, 50 * MS, 0), 0);
	EXPECT_EQ(read(fd, &n, 8), 8);	/* blocks until it fires */
	EXPECT_EQ(n, 1);
	EXPECT(now_ns(CLOCK_MONOTONIC) - t0 >= 50 * MS);
	/* Done: nothing more to read. */
	EXPECT_EQ(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	EXPECT_ERRNO(read(fd, &n, 8), EAGAIN);
	struct itimerspec cur;
	EXPECT_EQ(timerfd_gettime(fd, &cur), 0);
	EXPECT_EQ(cur.it_value.tv_sec, 0);
	EXPECT_EQ(cur.it_value.tv_nsec, 0);
	close(fd);
}

TEST(periodic_counts_every_expiration)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, 0);
	uint64_t n = 0, total = 0;
	int64_t t0;

	ASSERT(fd >= 0);
	t0 = now_ns(CLOCK_MONOTONIC);
	ASSERT_EQ(arm(fd, 0, 20 * MS, 20 * MS), 0);
	usleep(200000);
	EXPECT_EQ(read(fd, &n, 8), 8);
	/* About 10 by now (at least 200 ms passed): never more than time allows. */
	int64_t el = now_ns(CLOCK_MONOTONIC) - t0;
	EXPECT(n >= 1);
	EXPECT((int64_t)n <= el / (20 * MS));
	total = n;
	EXPECT_EQ(read(fd, &n, 8), 8);	/* the next one */
	total += n;
	el = now_ns(CLOCK_MONOTONIC) - t0;
	EXPECT((int64_t)total <= el / (20 * MS));
	EXPECT(total >= 2);
	close(fd);
}

TEST(periodic_backlog_is_counted_not_lost)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	const int64_t period = 10 * MS;
	int64_t before_arm, after_arm, before_read, after_read;
	uint64_t n = 0;

	ASSERT(fd >= 0);
	before_arm = now_ns(CLOCK_MONOTONIC);
	ASSERT_EQ(arm(fd, 0, period, period), 0);
	after_arm = now_ns(CLOCK_MONOTONIC);
	usleep(300000);	/* about 30 periods, none of them read */
	before_read = now_ns(CLOCK_MONOTONIC);
	EXPECT_EQ(read(fd, &n, 8), 8);
	after_read = now_ns(CLOCK_MONOTONIC);
	/* Every period that surely ended is counted; none that cannot have. */
	EXPECT((int64_t)n >= (before_read - after_arm) / period);
	EXPECT((int64_t)n <= (after_read - before_arm) / period);
	close(fd);
}

TEST(gettime_reports_time_left_and_interval)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, 0);
	struct itimerspec cur, old;

	ASSERT(fd >= 0);
	EXPECT_EQ(timerfd_gettime(fd, &cur), 0);	/* never armed */
	EXPECT_EQ(cur.it_value.tv_sec + cur.it_value.tv_nsec, 0);
	ASSERT_EQ(arm(fd, 0, 10000 * MS, 3000 * MS), 0);
	EXPECT_EQ(timerfd_gettime(fd, &cur), 0);
	EXPECT(cur.it_value.tv_sec >= 8 && cur.it_value.tv_sec <= 10);
	EXPECT_EQ(cur.it_interval.tv_sec, 3);
	EXPECT_EQ(cur.it_interval.tv_nsec, 0);
	/* Disarm, getting the old setting back. */
	struct itimerspec zero = { { 0, 0 }, { 0, 0 } };
	EXPECT_EQ(timerfd_settime(fd, 0, &zero, &old), 0);
	EXPECT(old.it_value.tv_sec >= 8 && old.it_value.tv_sec <= 10);
	EXPECT_EQ(old.it_interval.tv_sec, 3);
	EXPECT_EQ(timerfd_gettime(fd, &cur), 0);
	EXPECT_EQ(cur.it_value.tv_sec + cur.it_value.tv_nsec, 0);
	EXPECT_EQ(cur.it_interval.tv_sec + cur.it_interval.tv_nsec, 0);
	close(fd);
}

TEST(rearming_resets_the_count)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	uint64_t n;

	ASSERT(fd >= 0);
	ASSERT_EQ(arm(fd, 0, 10 * MS, 0), 0);
	usleep(100000);
	ASSERT_EQ(arm(fd, 0, 60000 * MS, 0), 0);	/* the fired expiration is forgotten */
	EXPECT_ERRNO(read(fd, &n, 8), EAGAIN);
	close(fd);
}

TEST(absolute_time_on_both_clocks)
{
	clockid_t clocks[2] = { CLOCK_MONOTONIC, CLOCK_REALTIME };

	for (int i = 0; i < 2; i++) {
		int fd = timerfd_create(clocks[i], 0);
		int64_t target = now_ns(clocks[i]) + 50 * MS;
		uint64_t n = 0;

		ASSERT(fd >= 0);
		ASSERT_EQ(arm(fd, TFD_TIMER_ABSTIME, target, 0), 0);
		EXPECT_EQ(read(fd, &n, 8), 8);
		EXPECT_EQ(n, 1);
		EXPECT(now_ns(clocks[i]) >= target);
		close(fd);
	}
}

TEST(absolute_time_in_the_past_fires_at_once)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, 0);
	uint64_t n = 0;
	struct pollfd p;

	ASSERT(fd >= 0);
	ASSERT_EQ(arm(fd, TFD_TIMER_ABSTIME, 1, 0), 0);	/* 1 ns after boot */
	p = (struct pollfd){ fd, POLLIN, 0 };
	EXPECT_EQ(poll(&p, 1, 5000), 1);
	EXPECT_EQ(read(fd, &n, 8), 8);
	EXPECT_EQ(n, 1);
	close(fd);
}

TEST(poll_and_epoll_see_expirations)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 77 };
	uint64_t n;

	ASSERT(fd >= 0 && ep >= 0);
	EXPECT_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	ASSERT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev), 0);
	EXPECT_EQ(epoll_wait(ep, &ev, 1, 0), 0);
	ASSERT_EQ(arm(fd, 0, 30 * MS, 0), 0);
	EXPECT_EQ(epoll_wait(ep, &ev, 1, 10000), 1);
	EXPECT_EQ(ev.data.u64, 77);
	EXPECT_EQ(read(fd, &n, 8), 8);
	EXPECT_EQ(epoll_wait(ep, &ev, 1, 0), 0);
	close(ep);
	close(fd);
}

TEST(errors)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, 0), pfd[2];
	struct itimerspec bad = { { 0, 0 }, { 0, 1000000000 } }, good = { { 0, 0 }, { 1, 0 } };
	uint32_t small;

	ASSERT(fd >= 0);
	ASSERT_EQ(pipe(pfd), 0);
	EXPECT_ERRNO(timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0), EINVAL);
	EXPECT_ERRNO(timerfd_create(99, 0), EINVAL);
	EXPECT_ERRNO(timerfd_create(CLOCK_MONOTONIC, 0x1234), EINVAL);
	EXPECT_ERRNO(timerfd_settime(fd, 0, &bad, NULL), EINVAL);
	EXPECT_ERRNO(timerfd_settime(fd, 0x10, &good, NULL), EINVAL);
	EXPECT_ERRNO(timerfd_settime(pfd[0], 0, &good, NULL), EINVAL);
	EXPECT_ERRNO(timerfd_settime(-1, 0, &good, NULL), EBADF);
	EXPECT_ERRNO(timerfd_gettime(pfd[0], &good), EINVAL);
	EXPECT_ERRNO(read(fd, &small, sizeof(small)), EINVAL);
	EXPECT_ERRNO(write(fd, &small, sizeof(small)), EINVAL);
	close(pfd[0]);
	close(pfd[1]);
	close(fd);
}

static void on_alarm(int sig)
{
	(void)sig;
}

TEST(blocked_read_is_interrupted_by_a_signal)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	int fd = timerfd_create(CLOCK_MONOTONIC, 0);
	uint64_t n;

	ASSERT(fd >= 0);
	sigaction(SIGALRM, &sa, NULL);
	ualarm(50000, 0);
	EXPECT_ERRNO(read(fd, &n, 8), EINTR);
	close(fd);
}

TEST(boottime_works_like_monotonic)
{
	int fd = timerfd_create(CLOCK_BOOTTIME, 0);
	uint64_t n = 0;

	ASSERT(fd >= 0);
	ASSERT_EQ(arm(fd, 0, 20 * MS, 0), 0);
	EXPECT_EQ(read(fd, &n, 8), 8);
	EXPECT_EQ(n, 1);
	close(fd);
}
