/*
 * lock_threads.*: stress tests of the sleeping primitives and of the
 * spinlock across CPUs: several kernel threads (spread over the CPUs by
 * the scheduler) hammer a shared counter under a spinlock, a mutex, an
 * rwsem; readers and writers mix on an rwsem; seqlock readers race a
 * writer. Totals must be exact, no
 * reader may see a torn update, and every thread must finish: a lost
 * wake-up shows up as a timeout (the test fails instead of hanging).
 *
 * The increments are read-modify-write in several steps on purpose, so an
 * unprotected section would lose updates. Iteration counts keep each test
 * at a few seconds under TCG.
 */
#include <kestrel/completion.h>
#include <kestrel/kthread.h>
#include <kestrel/list.h>
#include <kestrel/ktest.h>
#include <kestrel/mutex.h>
#include <kestrel/rwsem.h>
#include <kestrel/sched.h>
#include <kestrel/seqlock.h>
#include <kestrel/spinlock.h>
#include <kestrel/timer.h>

#define NR_WORKERS 4
#define WAIT_ALL_SECONDS 60	/* generous: only a hang should exceed it */

struct stress {
	struct completion done;		/* completed once by each worker */
	int iterations;
	unsigned long counter;		/* under the lock under test */
	unsigned long shadow;		/* == counter whenever the lock is free */
	atomic_t readers_ok, readers_bad;
};

static void slow_increment(struct stress *s)
{
	unsigned long v = READ_ONCE(s->counter);

	cpu_relax();
	WRITE_ONCE(s->counter, v + 1);
	WRITE_ONCE(s->shadow, READ_ONCE(s->shadow) + 1);
}

/* Start fn on n threads; true when all of them completed s->done in time. */
static bool run_workers(int (*fn)(void *), struct stress *s, int n, const char *name)
{
	int started = 0;

	init_completion(&s->done);
	for (int i = 0; i < n; i++) {
		struct task_struct *k = kthread_run(fn, s, "%s/%d", name, i);
		if (!IS_ERR(k))
			started++;
	}
	for (int i = 0; i < started; i++)
		if (!wait_for_completion_timeout(&s->done, msecs_to_jiffies(WAIT_ALL_SECONDS * 1000)))
			return false;
	return started == n;
}

static DEFINE_SPINLOCK(stress_spin);	/* protects the spin_counter test's stress.counter */

static int spin_worker(void *data)
{
	struct stress *s = data;

	for (int i = 0; i < s->iterations; i++) {
		spin_lock(&stress_spin);
		slow_increment(s);
		spin_unlock(&stress_spin);
	}
	complete(&s->done);
	return 0;
}

KTEST(lock_threads, spin_counter_threads)
{
	static struct stress s;

	/*
	 * Few iterations: a ticket lock hands over in arrival order, and on a
	 * busy host the next vCPU in line may wait for a host time slice at
	 * every hand-over (thousands took minutes under load).
	 */
	s = (struct stress){ .iterations = 500 };
	KASSERT(run_workers(spin_worker, &s, NR_WORKERS, "spin"));
	KEXPECT_EQ(s.counter, (unsigned long)NR_WORKERS * 500);
	KEXPECT_EQ(s.shadow, s.counter);
}

static DEFINE_MUTEX(stress_mutex);	/* protects the mutex_counter test's stress.counter */

static int mutex_worker(void *data)
{
	struct stress *s = data;

	for (int i = 0; i < s->iterations; i++) {
		mutex_lock(&stress_mutex);
		slow_increment(s);
		if (i % 64 == 0)
			yield();	/* sleep holding it now and then: others must queue */
		mutex_unlock(&stress_mutex);
	}
	complete(&s->done);
	return 0;
}

KTEST(lock_threads, mutex_counter_threads)
{
	static struct stress s;

	s = (struct stress){ .iterations = 1000 };
	KASSERT(run_workers(mutex_worker, &s, NR_WORKERS, "mutex"));
	KEXPECT_EQ(s.counter, (unsigned long)NR_WORKERS * 1000);
	KEXPECT(!mutex_is_locked(&stress_mutex));
	KEXPECT(mutex_trylock(&stress_mutex));
	mutex_unlock(&stress_mutex);
}

static DECLARE_RWSEM(stress_rwsem);	/* protects the rwsem tests' stress.counter/shadow */

/* Workers with an even number write, odd ones read and check counter == shadow. */
static atomic_t rw_ids;

static int rwsem_worker(void *data)
{
	struct stress *s = data;
	bool writer = atomic_fetch_add(1, &rw_ids) % 2 == 0;

	for (int i = 0; i < s->iterations; i++) {
		if (writer) {
			down_write(&stress_rwsem);
			lockdep_assert_held_write(&stress_rwsem);
			slow_increment(s);
			if (i % 32 == 0)
				yield();
			up_write(&stress_rwsem);
		} else {
			down_read(&stress_rwsem);
			lockdep_assert_held_read(&stress_rwsem);
			if (READ_ONCE(s->counter) == READ_ONCE(s->shadow))
				atomic_inc(&s->readers_ok);
			else
				atomic_inc(&s->readers_bad);
			if (i % 32 == 0)
				yield();	/* other readers may join meanwhile */
			up_read(&stress_rwsem);
		}
	}
	complete(&s->done);
	return 0;
}

KTEST(lock_threads, rwsem_readers_writers_threads)
{
	static struct stress s;

	s = (struct stress){ .iterations = 600 };
	atomic_set(&rw_ids, 0);
	/* Three writers and three readers: a lost wake-up leaves one asleep: timeout. */
	KASSERT(run_workers(rwsem_worker, &s, 6, "rwsem"));
	KEXPECT_EQ(s.counter, 3UL * 600);
	KEXPECT_EQ(atomic_read(&s.readers_ok), 3 * 600);
	KEXPECT_EQ(atomic_read(&s.readers_bad), 0);
	KEXPECT(!rwsem_is_locked(&stress_rwsem));
}

KTEST(lock_threads, rwsem_modes)
{
	static DECLARE_RWSEM(sem);	/* test lock: protects nothing */

	down_read(&sem);
	KEXPECT(down_read_trylock(&sem));	/* readers share (nobody waits) */
	up_read(&sem);
	KEXPECT(!down_write_trylock(&sem));
	up_read(&sem);
	KEXPECT(down_write_trylock(&sem));
	KEXPECT(!down_read_trylock(&sem));
	downgrade_write(&sem);
	lockdep_assert_held_read(&sem);
	KEXPECT(!down_write_trylock(&sem));
	up_read(&sem);
	KEXPECT(!rwsem_is_locked(&sem));
}

/* ---- rwsem writer fairness ---- */

static DECLARE_RWSEM(fair_sem);		/* test lock: protects nothing */
static DECLARE_COMPLETION(fair_writer_done);
static int fair_writer_got_it;

static int fair_writer(void *unused)
{
	down_write(&fair_sem);
	WRITE_ONCE(fair_writer_got_it, 1);
	up_write(&fair_sem);
	complete(&fair_writer_done);
	return 0;
}

KTEST(lock_threads, rwsem_writer_fair)
{
	struct task_struct *k;
	int waited = 0;

	WRITE_ONCE(fair_writer_got_it, 0);
	down_read(&fair_sem);
	k = kthread_run(fair_writer, NULL, "fairwriter");
	KASSERT(!IS_ERR(k));
	/* Until the writer has queued, new readers may still enter. */
	while (list_empty(&fair_sem.wait_list) && waited++ < 2000)
		msleep(5);
	KASSERT(!list_empty(&fair_sem.wait_list));
	/* A writer waits: a new reader must not overtake it. */
	KEXPECT(!down_read_trylock(&fair_sem));
	KEXPECT(!READ_ONCE(fair_writer_got_it));
	up_read(&fair_sem);	/* the last reader hands the lock to the writer */
	KEXPECT_NE(wait_for_completion_timeout(&fair_writer_done,
					       msecs_to_jiffies(WAIT_ALL_SECONDS * 1000)), 0);
	KEXPECT(READ_ONCE(fair_writer_got_it));
	KEXPECT(!rwsem_is_locked(&fair_sem));
}

/* ---- seqlock ---- */

static DEFINE_SEQLOCK(stress_seq);	/* protects seq_a, seq_b */
static unsigned long seq_a, seq_b;	/* always equal outside a write */

static int seq_writer(void *data)
{
	struct stress *s = data;

	for (int i = 1; i <= s->iterations; i++) {
		write_seqlock(&stress_seq);
		WRITE_ONCE(seq_a, i);
		for (int d = 0; d < 20; d++)
			cpu_relax();	/* widen the window a reader can fall into */
		WRITE_ONCE(seq_b, i);
		write_sequnlock(&stress_seq);
		if (i % 16 == 0)
			yield();
	}
	complete(&s->done);
	return 0;
}

static int seq_reader(void *data)
{
	struct stress *s = data;
	unsigned long a, b, last = 0;
	unsigned int seq;

	while (last < (unsigned long)s->iterations) {
		int tries = 0;
		do {
			seq = read_seqbegin(&stress_seq);
			a = READ_ONCE(seq_a);
			b = READ_ONCE(seq_b);
			tries++;
		} while (read_seqretry(&stress_seq, seq));
		if (tries > 1)
			atomic_inc(&s->readers_ok);	/* counts retried reads */
		if (a != b || a < last)
			atomic_inc(&s->readers_bad);
		last = a;
		if (a % 8 == 0)
			yield();
	}
	complete(&s->done);
	return 0;
}

static int seq_worker(void *data)
{
	static atomic_t ids;

	return atomic_fetch_add(1, &ids) == 0 ? seq_writer(data) : seq_reader(data);
}

KTEST(lock_threads, seqlock_readers_threads)
{
	static struct stress s;

	s = (struct stress){ .iterations = 2000 };
	KASSERT(run_workers(seq_worker, &s, 3, "seq"));
	KEXPECT_EQ(atomic_read(&s.readers_bad), 0);
	KEXPECT_EQ(seq_a, 2000);
	printk(KERN_INFO "lock.seqlock_readers_threads: %d reads retried\n",
	       atomic_read(&s.readers_ok));
}

/* ---- completion ---- */

static int completer(void *data)
{
	complete_all(data);
	return 0;
}

KTEST(lock_threads, completion_semantics)
{
	static DECLARE_COMPLETION(c);
	struct task_struct *k;

	KEXPECT(!try_wait_for_completion(&c));
	KEXPECT_EQ(wait_for_completion_timeout(&c, 2), 0);	/* nobody completes: times out */
	complete(&c);
	complete(&c);
	KEXPECT(completion_done(&c));
	wait_for_completion(&c);	/* two complete()s: two waits return at once */
	KEXPECT(try_wait_for_completion(&c));
	KEXPECT(!try_wait_for_completion(&c));
	k = kthread_run(completer, &c, "completer");
	KASSERT(!IS_ERR(k));
	KEXPECT_NE(wait_for_completion_timeout(&c, msecs_to_jiffies(WAIT_ALL_SECONDS * 1000)), 0);
	KEXPECT(try_wait_for_completion(&c));	/* complete_all: stays done */
	reinit_completion(&c);
	KEXPECT(!completion_done(&c));
}
