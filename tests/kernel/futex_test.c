/*
 * ktests for the futex core (suite futex): kernel/futex/core.c through its
 * keyed entry points, with the futex word in kernel memory (kernel threads
 * have no user addresses). The syscall side is tested from user space
 * (user/tests).
 *
 * Waits for other threads are bounded polls (about 20 s) that end as soon
 * as the condition holds, so a lost wake-up fails a test instead of
 * hanging the run. No upper timing bound is asserted.
 */
#include <kestrel/atomic.h>
#include <kestrel/errno.h>
#include <kestrel/futex.h>
#include <kestrel/kthread.h>
#include <kestrel/ktest.h>
#include <kestrel/sched.h>
#include <kestrel/syscalls.h>
#include <kestrel/time.h>
#include <kestrel/timer.h>
#include <kestrel/fs.h>
#include <kestrel/mm.h>
#include <kestrel/mman.h>
#include <kestrel/mm_types.h>
#include <kestrel/vm.h>

#define POLL_ROUNDS 4000	/* x 5 ms */

static int read_kernel_word(const void *addr, u32 *val)
{
	*val = READ_ONCE(*(const u32 *)addr);
	return 0;
}

static int read_fails(const void *addr, u32 *val)
{
	return -EFAULT;
}

struct waiter {
	struct futex_key key;
	u32 *word;
	u32 val;
	u32 bitset;
	u64 deadline;
	int ret;
	int done;		/* set (release) when futex_wait_key returned */
	struct task_struct *task;
};

static int waiter_fn(void *arg)
{
	struct waiter *w = arg;

	w->ret = futex_wait_key(&w->key, read_kernel_word, w->word, w->val, w->bitset,
				w->deadline);
	smp_store_release(&w->done, 1);
	while (!kthread_should_stop())
		msleep(1);
	return 0;
}

static bool start_waiter(struct waiter *w, const struct futex_key *key, u32 *word, u32 bitset)
{
	w->key = *key;
	w->word = word;
	w->val = *word;
	w->bitset = bitset;
	w->done = 0;
	w->ret = 1;
	w->task = kthread_create(waiter_fn, w, "futex-w");
	if (IS_ERR(w->task))
		return false;
	get_task_struct(w->task);
	wake_up_process(w->task);
	return true;
}

static void stop_waiter(struct waiter *w)
{
	kthread_stop(w->task);
	put_task_struct(w->task);
}

static bool poll_waiters(const struct futex_key *key, int n)
{
	for (int i = 0; i < POLL_ROUNDS; i++) {
		if (futex_waiters_key(key) == n)
			return true;
		msleep(5);
	}
	return false;
}

static int count_done(struct waiter *w, int n)
{
	int d = 0;

	for (int i = 0; i < n; i++)
		d += smp_load_acquire(&w[i].done);
	return d;
}

static bool poll_done(struct waiter *w, int n, int want)
{
	for (int i = 0; i < POLL_ROUNDS; i++) {
		if (count_done(w, n) >= want)
			return true;
		msleep(5);
	}
	return false;
}

KTEST(futex, wait_value_mismatch_eagain)
{
	u32 word = 5;
	struct futex_key key = { &word, 0 };

	KEXPECT_EQ(futex_wait_key(&key, read_kernel_word, &word, 6, FUTEX_BITSET_MATCH_ANY, 0),
		   -EAGAIN);
	KEXPECT_EQ(futex_waiters_key(&key), 0);
	KEXPECT_EQ(futex_wait_key(&key, read_fails, &word, 5, FUTEX_BITSET_MATCH_ANY, 0),
		   -EFAULT);
	KEXPECT_EQ(futex_waiters_key(&key), 0);
	KEXPECT_EQ(futex_wait_key(&key, read_kernel_word, &word, 5, 0, 0), -EINVAL);
}

KTEST(futex, wait_times_out)
{
	u32 word = 1;
	struct futex_key key = { &word, 0 };
	u64 start = ktime_get_ns();

	KEXPECT_EQ(futex_wait_key(&key, read_kernel_word, &word, 1, FUTEX_BITSET_MATCH_ANY,
				  start + 30 * NSEC_PER_MSEC), -ETIMEDOUT);
	KEXPECT(ktime_get_ns() - start >= 30 * NSEC_PER_MSEC);
	KEXPECT_EQ(futex_waiters_key(&key), 0);
	/* A deadline already past: the value check, then -ETIMEDOUT at once. */
	KEXPECT_EQ(futex_wait_key(&key, read_kernel_word, &word, 1, FUTEX_BITSET_MATCH_ANY, 1),
		   -ETIMEDOUT);
	KEXPECT_EQ(futex_wait_key(&key, read_kernel_word, &word, 2, FUTEX_BITSET_MATCH_ANY, 1),
		   -EAGAIN);
}

KTEST(futex, wake_one_then_all)
{
	enum { N = 4 };
	static struct waiter w[N];
	u32 word = 0;
	struct futex_key key = { &word, 0 };
	int started = 0;

	for (int i = 0; i < N; i++)
		started += start_waiter(&w[i], &key, &word, FUTEX_BITSET_MATCH_ANY);
	KASSERT_EQ(started, N);
	KEXPECT(poll_waiters(&key, N));
	KEXPECT_EQ(futex_wake_key(&key, 0, FUTEX_BITSET_MATCH_ANY), 0);
	KEXPECT_EQ(futex_wake_key(&key, 1, FUTEX_BITSET_MATCH_ANY), 1);
	KEXPECT(poll_done(w, N, 1));
	KEXPECT_EQ(futex_waiters_key(&key), N - 1);
	msleep(20);
	KEXPECT_EQ(count_done(w, N), 1);	/* only one woke */
	KEXPECT_EQ(futex_wake_key(&key, 100, FUTEX_BITSET_MATCH_ANY), N - 1);
	KEXPECT(poll_done(w, N, N));
	for (int i = 0; i < N; i++) {
		KEXPECT_EQ(w[i].ret, 0);
		stop_waiter(&w[i]);
	}
	KEXPECT_EQ(futex_waiters_key(&key), 0);
}

KTEST(futex, keys_do_not_mix)
{
	static struct waiter w;
	u32 word = 0;
	struct futex_key key = { &word, 0 }, other = { &word, 4 }, other_obj = { &key, 0 };

	KASSERT(start_waiter(&w, &key, &word, FUTEX_BITSET_MATCH_ANY));
	KEXPECT(poll_waiters(&key, 1));
	KEXPECT_EQ(futex_wake_key(&other, 10, FUTEX_BITSET_MATCH_ANY), 0);
	KEXPECT_EQ(futex_wake_key(&other_obj, 10, FUTEX_BITSET_MATCH_ANY), 0);
	KEXPECT_EQ(futex_waiters_key(&key), 1);
	KEXPECT_EQ(futex_wake_key(&key, 10, FUTEX_BITSET_MATCH_ANY), 1);
	KEXPECT(poll_done(&w, 1, 1));
	stop_waiter(&w);
}

KTEST(futex, bitset_selects_waiters)
{
	static struct waiter w[2];
	u32 word = 0;
	struct futex_key key = { &word, 0 };

	KASSERT(start_waiter(&w[0], &key, &word, 0x1));
	KASSERT(start_waiter(&w[1], &key, &word, 0x6));
	KEXPECT(poll_waiters(&key, 2));
	KEXPECT_EQ(futex_wake_key(&key, 10, 0x8), 0);
	KEXPECT_EQ(futex_wake_key(&key, 10, 0x2), 1);
	KEXPECT(poll_done(&w[1], 1, 1));
	KEXPECT_EQ(count_done(&w[0], 1), 0);
	KEXPECT_EQ(futex_wake_key(&key, 10, 0x1), 1);
	KEXPECT(poll_done(w, 2, 2));
	KEXPECT_EQ(futex_wake_key(&key, 10, 0), -EINVAL);
	stop_waiter(&w[0]);
	stop_waiter(&w[1]);
}

KTEST(futex, requeue_moves_waiters)
{
	enum { N = 5 };
	static struct waiter w[N];
	u32 word1 = 0, word2 = 0;
	struct futex_key k1 = { &word1, 0 }, k2 = { &word2, 0 };

	for (int i = 0; i < N; i++)
		KASSERT(start_waiter(&w[i], &k1, &word1, FUTEX_BITSET_MATCH_ANY));
	KEXPECT(poll_waiters(&k1, N));
	/* Wake one, move two, leave the rest. */
	KEXPECT_EQ(futex_requeue_key(&k1, &k2, 1, 2), 3);
	KEXPECT(poll_done(w, N, 1));
	KEXPECT_EQ(futex_waiters_key(&k1), N - 3);
	KEXPECT_EQ(futex_waiters_key(&k2), 2);
	/* Waking the old key no longer reaches the moved ones. */
	KEXPECT_EQ(futex_wake_key(&k1, 100, FUTEX_BITSET_MATCH_ANY), N - 3);
	KEXPECT(poll_done(w, N, N - 2));
	KEXPECT_EQ(futex_waiters_key(&k2), 2);
	KEXPECT_EQ(futex_wake_key(&k2, 100, FUTEX_BITSET_MATCH_ANY), 2);
	KEXPECT(poll_done(w, N, N));
	for (int i = 0; i < N; i++) {
		KEXPECT_EQ(w[i].ret, 0);
		stop_waiter(&w[i]);
	}
	KEXPECT_EQ(futex_requeue_key(&k1, &k2, -1, 0), -EINVAL);
}

/* A requeued waiter that times out must leave the new bucket's chain (lock_ptr moved). */
KTEST(futex, requeued_waiter_times_out)
{
	static struct waiter w;
	u32 word1 = 0, word2 = 0;
	struct futex_key k1 = { &word1, 0 }, k2 = { &word2, 8 };

	w.deadline = ktime_get_ns() + 200 * NSEC_PER_MSEC;
	KASSERT(start_waiter(&w, &k1, &word1, FUTEX_BITSET_MATCH_ANY));
	KEXPECT(poll_waiters(&k1, 1));
	KEXPECT_EQ(futex_requeue_key(&k1, &k2, 0, 1), 1);
	KEXPECT(poll_done(&w, 1, 1));
	KEXPECT_EQ(w.ret, -ETIMEDOUT);
	KEXPECT_EQ(futex_waiters_key(&k1), 0);
	KEXPECT_EQ(futex_waiters_key(&k2), 0);
	stop_waiter(&w);
	w.deadline = 0;
}

/*
 * Two threads hand a token back and forth 500 times through one word:
 * each waits while the word is not its turn and wakes the other after
 * flipping it. A lost wake-up leaves both asleep (the poll fails).
 */
struct pingpong {
	u32 word;
	struct futex_key key;
	int rounds;
	int done[2];
	atomic_t errors;
};

static void pingpong_side(struct pingpong *pp, u32 me)
{
	for (int i = 0; i < pp->rounds; i++) {
		u32 cur;

		while ((cur = READ_ONCE(pp->word)) != me) {
			int r = futex_wait_key(&pp->key, read_kernel_word, &pp->word, cur,
					       FUTEX_BITSET_MATCH_ANY, 0);
			if (r && r != -EAGAIN)
				atomic_inc(&pp->errors);
		}
		smp_store_mb(pp->word, !me);	/* the new turn before looking for sleepers */
		futex_wake_key(&pp->key, 1, FUTEX_BITSET_MATCH_ANY);
	}
	smp_store_release(&pp->done[me], 1);
}

static int pingpong_fn(void *arg)
{
	pingpong_side(arg, 1);
	while (!kthread_should_stop())
		msleep(1);
	return 0;
}

KTEST(futex, pingpong_no_lost_wakeups)
{
	static struct pingpong pp;
	struct task_struct *k;

	pp.word = 0;
	pp.key = (struct futex_key){ &pp.word, 0 };
	pp.rounds = 500;
	pp.done[0] = pp.done[1] = 0;
	atomic_set(&pp.errors, 0);
	k = kthread_create(pingpong_fn, &pp, "futex-pp");
	KASSERT(!IS_ERR(k));
	get_task_struct(k);
	wake_up_process(k);
	pingpong_side(&pp, 0);
	for (int i = 0; i < POLL_ROUNDS && !smp_load_acquire(&pp.done[1]); i++)
		msleep(5);
	KEXPECT(smp_load_acquire(&pp.done[1]));
	KEXPECT_EQ(atomic_read(&pp.errors), 0);
	KEXPECT_EQ(futex_waiters_key(&pp.key), 0);
	kthread_stop(k);
	put_task_struct(k);
}

/* ---- futex(2) on user memory: test threads borrow fresh mms (kthread_use_mm) ---- */

struct shared_waiter {
	struct file *file;
	unsigned long addr;	/* where it mapped the file (0 until then) */
	long ret;
	int done;
};

/* Map the file MAP_SHARED in a fresh mm and FUTEX_WAIT (shared) on its word 8. */
static int shared_waiter_fn(void *arg)
{
	struct shared_waiter *w = arg;
	struct mm_struct *mm = mm_alloc();
	unsigned long a;

	if (!mm) {
		w->ret = -ENOMEM;
		goto out;
	}
	kthread_use_mm(mm);
	a = vm_mmap(w->file, 0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	if (IS_ERR_VALUE(a)) {
		w->ret = (long)a;
	} else {
		smp_store_release(&w->addr, a);
		w->ret = sys_futex((u32 __user *)(a + 8), FUTEX_WAIT, 0, NULL, NULL, 0);
	}
	kthread_unuse_mm(mm);
	mmput(mm);
out:
	smp_store_release(&w->done, 1);
	while (!kthread_should_stop())
		msleep(1);
	return 0;
}

KTEST(futex, shared_file_mapping_meets_across_mms)
{
	static struct shared_waiter w;
	struct file *f = filp_open("/futex-shared", O_CREAT | O_RDWR | O_TRUNC, 0600);
	struct mm_struct *mm;
	struct task_struct *k;
	unsigned long a;
	long woken = 0;

	KASSERT(!IS_ERR(f));
	KASSERT_EQ(vfs_truncate(&f->f_path, PAGE_SIZE), 0);
	w = (struct shared_waiter){ .file = f };
	k = kthread_create(shared_waiter_fn, &w, "futex-sh");
	KASSERT(!IS_ERR(k));
	get_task_struct(k);
	wake_up_process(k);

	mm = mm_alloc();
	KASSERT(mm != NULL);
	kthread_use_mm(mm);
	/* Another mm (and address space layout): the same word of the file. */
	a = vm_mmap(f, 0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	KEXPECT(!IS_ERR_VALUE(a));
	for (int i = 0; i < POLL_ROUNDS && !woken && !smp_load_acquire(&w.done); i++) {
		/* The private form keys by (our mm, address): never the other mm's waiter. */
		KEXPECT_EQ(sys_futex((u32 __user *)(a + 8), FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1,
				     NULL, NULL, 0), 0);
		woken = sys_futex((u32 __user *)(a + 8), FUTEX_WAKE, 1, NULL, NULL, 0);
		if (!woken)
			msleep(5);
	}
	KEXPECT_EQ(woken, 1);
	for (int i = 0; i < POLL_ROUNDS && !smp_load_acquire(&w.done); i++)
		msleep(5);
	KEXPECT_EQ(w.ret, 0);
	KEXPECT(w.addr != 0);
	/* Errors: misaligned, unmapped (shared needs a VMA), bad op. */
	KEXPECT_EQ(sys_futex((u32 __user *)(a + 9), FUTEX_WAKE, 1, NULL, NULL, 0), -EINVAL);
	KEXPECT_EQ(sys_futex((u32 __user *)0x1000, FUTEX_WAKE, 1, NULL, NULL, 0), -EFAULT);
	KEXPECT_EQ(sys_futex((u32 __user *)(a + 8), FUTEX_WAIT, 1, NULL, NULL, 0), -EAGAIN);
	kthread_unuse_mm(mm);
	mmput(mm);
	kthread_stop(k);
	put_task_struct(k);
	fput(f);
	ksys_unlink("/futex-shared");
}
