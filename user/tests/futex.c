/*
 * futex(2) between threads and processes: wait/wake, bitsets, requeue,
 * WAKE_OP, timeouts, errors, robust futexes of a dead owner, and the
 * CLONE_CHILD_CLEARTID wake-up that pthread_join relies on.
 *
 * No timing bounds: a waiter is known to be queued when a wake (or a
 * requeue) reports it, so tests loop on the kernel's counts; a lost
 * wake-up shows as the harness's timeout.
 */
#include "harness.h"
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

/* <linux/futex.h>'s values (musl-gcc has no kernel headers). */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define FUTEX_CMP_REQUEUE_PRIVATE (FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_OP_PRIVATE (FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAIT_BITSET_PRIVATE (FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_BITSET_PRIVATE (FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_BITSET_MATCH_ANY 0xffffffffU
#define FUTEX_OP_SET 0
#define FUTEX_OP_ADD 1
#define FUTEX_OP_OR 2
#define FUTEX_OP_CMP_EQ 0
#define FUTEX_OP_CMP_NE 1
#define FUTEX_OP_CMP_GE 5
#define FUTEX_OP(op, oparg, cmp, cmparg) \
	(((op & 0xf) << 28) | ((cmp & 0xf) << 24) | ((oparg & 0xfff) << 12) | (cmparg & 0xfff))

static long futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *ts,
		  uint32_t *uaddr2, uint32_t val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

/* REQUEUE/CMP_REQUEUE/WAKE_OP pass a count where the timeout goes. */
static long futex2(uint32_t *uaddr, int op, uint32_t val, long val2, uint32_t *uaddr2,
		   uint32_t val3)
{
	return syscall(SYS_futex, uaddr, op, val, (void *)val2, uaddr2, val3);
}

struct waitarg {
	uint32_t *word;
	uint32_t val;
	int op;
	uint32_t bitset;
	long ret;
	int err;
};

static void *waiter(void *p)
{
	struct waitarg *a = p;

	errno = 0;
	a->ret = futex(a->word, a->op, a->val, NULL, NULL, a->bitset);
	a->err = errno;
	return NULL;
}

/* Wake (op) until n waiters have been reported in total. */
static void wake_until(uint32_t *word, int op, int n, uint32_t bitset)
{
	int woken = 0;

	while (woken < n) {
		long r = futex(word, op, INT_MAX, NULL, NULL, bitset);

		ASSERT(r >= 0);
		woken += r;
		if (woken < n)
			usleep(1000);
	}
	EXPECT_EQ(woken, n);
}

TEST(wait_value_changed_eagain)
{
	uint32_t word = 1;

	EXPECT_ERRNO(futex(&word, FUTEX_WAIT, 2, NULL, NULL, 0), EAGAIN);
	EXPECT_ERRNO(futex(&word, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0), EAGAIN);
}

TEST(wait_relative_timeout)
{
	uint32_t word = 0;
	struct timespec ts = { 0, 20 * 1000 * 1000 }, t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	EXPECT_ERRNO(futex(&word, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0), ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* It slept at least the timeout (a lower bound is the call's promise). */
	EXPECT((t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec) >= 20000000LL);
	ts.tv_nsec = 0;
	EXPECT_ERRNO(futex(&word, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0), ETIMEDOUT);
}

TEST(wait_bitset_absolute_timeout)
{
	uint32_t word = 0;
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += 10 * 1000 * 1000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	EXPECT_ERRNO(futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, &ts, NULL, FUTEX_BITSET_MATCH_ANY),
		     ETIMEDOUT);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec -= 1;	/* already past */
	EXPECT_ERRNO(futex(&word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 0, &ts, NULL,
			   FUTEX_BITSET_MATCH_ANY), ETIMEDOUT);
}

TEST(bad_arguments)
{
	uint32_t words[2] = { 0, 0 };
	struct timespec bad = { 0, 1000000000 };

	EXPECT_ERRNO(futex((uint32_t *)((char *)words + 1), FUTEX_WAIT, 0, NULL, NULL, 0), EINVAL);
	EXPECT_ERRNO(futex(NULL, FUTEX_WAIT, 0, NULL, NULL, 0), EFAULT);
	EXPECT_ERRNO(futex(words, FUTEX_WAIT, 0, &bad, NULL, 0), EINVAL);
	EXPECT_ERRNO(futex(words, FUTEX_WAIT_BITSET, 0, NULL, NULL, 0), EINVAL);
	EXPECT_ERRNO(futex(words, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0), EINVAL);
	EXPECT_ERRNO(futex(words, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 0, NULL, NULL, 0), ENOSYS);
	EXPECT_ERRNO(futex(words, 99, 0, NULL, NULL, 0), ENOSYS);
	EXPECT_ERRNO(futex(words, FUTEX_WAIT, 0, (struct timespec *)8, NULL, 0), EFAULT);
	EXPECT_EQ(futex(words, FUTEX_WAKE, 1, NULL, NULL, 0), 0);	/* nobody waits */
}

TEST(wake_one_thread)
{
	uint32_t word = 0;
	struct waitarg a = { &word, 0, FUTEX_WAIT_PRIVATE, 0, -2, 0 };
	pthread_t t;

	ASSERT_EQ(pthread_create(&t, NULL, waiter, &a), 0);
	wake_until(&word, FUTEX_WAKE_PRIVATE, 1, 0);
	ASSERT_EQ(pthread_join(t, NULL), 0);
	EXPECT_EQ(a.ret, 0);
}

TEST(wake_counts_and_bitsets)
{
	enum { N = 4 };
	uint32_t word = 0;
	struct waitarg a[N];
	pthread_t t[N];

	for (int i = 0; i < N; i++) {
		a[i] = (struct waitarg){ &word, 0, FUTEX_WAIT_BITSET_PRIVATE, i < 2 ? 1 : 2, -2, 0 };
		ASSERT_EQ(pthread_create(&t[i], NULL, waiter, &a[i]), 0);
	}
	/* Bit 1 wakes only the first two, bit 2 the other two. */
	wake_until(&word, FUTEX_WAKE_BITSET_PRIVATE, 2, 1);
	wake_until(&word, FUTEX_WAKE_BITSET_PRIVATE, 2, 2);
	for (int i = 0; i < N; i++) {
		ASSERT_EQ(pthread_join(t[i], NULL), 0);
		EXPECT_EQ(a[i].ret, 0);
	}
}

TEST(requeue_then_wake)
{
	enum { N = 3 };
	uint32_t a_word = 0, b_word = 0;
	struct waitarg a[N];
	pthread_t t[N];
	int moved = 0;

	for (int i = 0; i < N; i++) {
		a[i] = (struct waitarg){ &a_word, 0, FUTEX_WAIT_PRIVATE, 0, -2, 0 };
		ASSERT_EQ(pthread_create(&t[i], NULL, waiter, &a[i]), 0);
	}
	EXPECT_ERRNO(futex2(&a_word, FUTEX_CMP_REQUEUE_PRIVATE, 0, INT_MAX, &b_word, 1), EAGAIN);
	/* Move every waiter to b_word without waking any; count them as they come. */
	while (moved < N) {
		long r = futex2(&a_word, FUTEX_CMP_REQUEUE_PRIVATE, 0, INT_MAX, &b_word, 0);

		ASSERT(r >= 0);
		moved += r;
		if (moved < N)
			usleep(1000);
	}
	EXPECT_EQ(moved, N);
	EXPECT_EQ(futex(&a_word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0), 0);
	wake_until(&b_word, FUTEX_WAKE_PRIVATE, N, 0);
	for (int i = 0; i < N; i++) {
		ASSERT_EQ(pthread_join(t[i], NULL), 0);
		EXPECT_EQ(a[i].ret, 0);
	}
}

TEST(wake_op_changes_and_wakes)
{
	uint32_t w1 = 0, w2 = 5;
	struct waitarg a = { &w2, 5, FUTEX_WAIT_PRIVATE, 0, -2, 0 };
	pthread_t t;
	long r;

	ASSERT_EQ(pthread_create(&t, NULL, waiter, &a), 0);
	/* w2 = 5 (unchanged, so the waiter can still queue), wake it if the old value was 5. */
	for (;;) {
		r = futex2(&w1, FUTEX_WAKE_OP_PRIVATE, 1, 1, &w2,
			   FUTEX_OP(FUTEX_OP_SET, 5, FUTEX_OP_CMP_EQ, 5));
		ASSERT(r >= 0);
		if (r == 1)
			break;
		usleep(1000);
	}
	ASSERT_EQ(pthread_join(t, NULL), 0);
	EXPECT_EQ(a.ret, 0);
	/* w2 += 1; the comparison (old 5 >= 5) holds but nobody waits. */
	EXPECT_EQ(futex2(&w1, FUTEX_WAKE_OP_PRIVATE, 1, 1, &w2,
			 FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_GE, 5)), 0);
	EXPECT_EQ(w2, 6);
	/* OPARG_SHIFT: w1 |= 1 << 3. */
	EXPECT_EQ(futex2(&w1, FUTEX_WAKE_OP_PRIVATE, 1, 1, &w1,
			 FUTEX_OP((FUTEX_OP_OR | 8), 3, FUTEX_OP_CMP_NE, 0)), 0);
	EXPECT_EQ(w1, 8);
}

/* Processes sharing a MAP_SHARED page meet on one futex (a shared key). */
TEST(shared_mapping_between_processes)
{
	uint32_t *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int status;
	pid_t pid;

	ASSERT(w != MAP_FAILED);
	*w = 0;
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		long r = futex(w, FUTEX_WAIT, 0, NULL, NULL, 0);

		_exit(r == 0 ? 0 : 1);
	}
	wake_until(w, FUTEX_WAKE, 1, 0);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	munmap(w, 4096);
}

/* The kernel marks a robust mutex of a process that died holding it. */
TEST(robust_mutex_owner_died)
{
	pthread_mutex_t *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
				  -1, 0);
	pthread_mutexattr_t at;
	int status;
	pid_t pid;

	ASSERT(m != MAP_FAILED);
	pthread_mutexattr_init(&at);
	pthread_mutexattr_setpshared(&at, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST);
	ASSERT_EQ(pthread_mutex_init(m, &at), 0);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		pthread_mutex_lock(m);
		_exit(0);	/* dies holding it: only the kernel's robust list walk can tell */
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(pthread_mutex_lock(m), EOWNERDEAD);
	EXPECT_EQ(pthread_mutex_consistent(m), 0);
	EXPECT_EQ(pthread_mutex_unlock(m), 0);
	munmap(m, 4096);
}

static void *exit_at_once(void *p)
{
	return p;
}

/* pthread_join sleeps on the thread's tid word: CLONE_CHILD_CLEARTID clears and wakes it. */
TEST(join_many_threads)
{
	for (int i = 0; i < 50; i++) {
		pthread_t t;
		void *ret = NULL;

		ASSERT_EQ(pthread_create(&t, NULL, exit_at_once, (void *)(long)(i + 1)), 0);
		ASSERT_EQ(pthread_join(t, &ret), 0);
		EXPECT_EQ((long)ret, i + 1);
	}
}

TEST(set_tid_address_returns_tid)
{
	EXPECT_EQ(syscall(SYS_set_tid_address, NULL), syscall(SYS_gettid));
}

/* Threads hammer a futex-based mutex: the count comes out exact. */
static uint32_t lock_word;
static long counter;

static void lock(void)
{
	uint32_t c = 0;

	if (__atomic_compare_exchange_n(&lock_word, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	if (c != 2)
		c = __atomic_exchange_n(&lock_word, 2, __ATOMIC_ACQUIRE);
	while (c != 0) {
		futex(&lock_word, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0);
		c = __atomic_exchange_n(&lock_word, 2, __ATOMIC_ACQUIRE);
	}
}

static void unlock(void)
{
	if (__atomic_fetch_sub(&lock_word, 1, __ATOMIC_RELEASE) != 1) {
		__atomic_store_n(&lock_word, 0, __ATOMIC_RELEASE);
		futex(&lock_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	}
}

static void *hammer(void *p)
{
	for (int i = 0; i < 20000; i++) {
		lock();
		counter++;
		unlock();
	}
	return p;
}

TEST(mutex_hammer)
{
	enum { N = 4 };
	pthread_t t[N];

	for (int i = 0; i < N; i++)
		ASSERT_EQ(pthread_create(&t[i], NULL, hammer, NULL), 0);
	for (int i = 0; i < N; i++)
		ASSERT_EQ(pthread_join(t[i], NULL), 0);
	EXPECT_EQ(counter, N * 20000L);
	EXPECT_EQ(lock_word, 0);
}
