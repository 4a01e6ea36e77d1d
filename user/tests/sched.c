/*
 * sched_yield, sched_getaffinity, sched_setaffinity.
 */
#include "harness.h"
#include <sched.h>
#include <sys/syscall.h>

TEST(yield_returns_zero)
{
	for (int i = 0; i < 100; i++)
		EXPECT_EQ(sched_yield(), 0);
}

TEST(affinity_round_trip)
{
	cpu_set_t all, one, got;
	int first = -1;

	CPU_ZERO(&all);
	ASSERT_EQ(sched_getaffinity(0, sizeof(all), &all), 0);
	EXPECT(CPU_COUNT(&all) >= 1);
	for (int c = 0; c < CPU_SETSIZE && first < 0; c++)
		if (CPU_ISSET(c, &all))
			first = c;
	CPU_ZERO(&one);
	CPU_SET(first, &one);
	ASSERT_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
	CPU_ZERO(&got);
	ASSERT_EQ(sched_getaffinity(getpid(), sizeof(got), &got), 0);
	EXPECT(CPU_EQUAL(&got, &one));
	EXPECT_EQ(sched_setaffinity(0, sizeof(all), &all), 0);
}

TEST(affinity_errors)
{
	cpu_set_t none;
	unsigned long small;

	CPU_ZERO(&none);
	EXPECT_ERRNO(sched_setaffinity(0, sizeof(none), &none), EINVAL);
	EXPECT_ERRNO(syscall(SYS_sched_getaffinity, 0, 4, &small), EINVAL);
	EXPECT_ERRNO(syscall(SYS_sched_getaffinity, 0, 8, (void *)8), EFAULT);
	EXPECT_ERRNO(syscall(SYS_sched_getaffinity, 999999, 8, &small), ESRCH);
	EXPECT_ERRNO(syscall(SYS_sched_getaffinity, -1, 8, &small), ESRCH);
}
