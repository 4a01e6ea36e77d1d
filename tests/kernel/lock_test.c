/*
 * Tests of the lock primitives themselves: atomics, spinlocks, rwlocks,
 * seqlocks, in one thread. The same primitives under contention from
 * several threads: lock_threads_test.c; the lock validator: lockdep_test.c.
 */
#include <kestrel/atomic.h>
#include <kestrel/ktest.h>
#include <kestrel/rwlock.h>
#include <kestrel/seqlock.h>
#include <kestrel/spinlock.h>

KTEST(lock, atomic_ops)
{
	atomic_t a = ATOMIC_INIT(5);
	atomic64_t b = ATOMIC64_INIT(1LL << 40);
	atomic_long_t c = ATOMIC_LONG_INIT(0);
	int old;

	atomic_inc(&a);
	KEXPECT_EQ(atomic_read(&a), 6);
	KEXPECT_EQ(atomic_add_return(4, &a), 10);
	KEXPECT_EQ(atomic_fetch_sub(3, &a), 10);
	KEXPECT_EQ(atomic_read(&a), 7);
	KEXPECT_EQ(atomic_cmpxchg(&a, 7, 8), 7);
	KEXPECT_EQ(atomic_cmpxchg(&a, 7, 9), 8);	/* failed: returns the current value */
	old = 0;
	KEXPECT(!atomic_try_cmpxchg(&a, &old, 1));
	KEXPECT_EQ(old, 8);				/* updated on failure */
	KEXPECT_EQ(atomic_xchg(&a, 1), 8);
	KEXPECT(atomic_dec_and_test(&a));
	KEXPECT(!atomic_inc_not_zero(&a));
	KEXPECT_EQ(atomic_read(&a), 0);
	KEXPECT(atomic_add_unless(&a, 2, 1));
	KEXPECT(!atomic_add_unless(&a, 2, 2));
	atomic64_add(1, &b);
	KEXPECT_EQ(atomic64_read(&b), (1LL << 40) + 1);
	atomic_long_dec(&c);
	KEXPECT_EQ(atomic_long_read(&c), -1);
	KEXPECT_EQ(atomic_long_fetch_or(0x10, &c), -1);
}

KTEST(lock, cmpxchg_xchg)
{
	u16 s = 3;
	u64 q = 1;

	KEXPECT_EQ(cmpxchg(&s, 3, 4), 3);
	KEXPECT_EQ(s, 4);
	KEXPECT_EQ(cmpxchg(&s, 3, 5), 4);
	KEXPECT_EQ(s, 4);
	KEXPECT_EQ(xchg(&q, 1ULL << 63), 1);
	KEXPECT_EQ(q, 1ULL << 63);
	smp_store_release(&q, 7);
	KEXPECT_EQ(smp_load_acquire(&q), 7);
}

KTEST(lock, spin_trylock)
{
	static DEFINE_SPINLOCK(l);	/* test lock: protects nothing */
	unsigned long flags;

	KEXPECT(!spin_is_locked(&l));
	spin_lock(&l);
	KEXPECT(spin_is_locked(&l));
	KEXPECT(!spin_trylock(&l));
	spin_unlock(&l);
	KEXPECT(spin_trylock(&l));
	spin_unlock(&l);
	KEXPECT(!irqs_disabled());
	spin_lock_irqsave(&l, flags);
	KEXPECT(irqs_disabled());
	spin_unlock_irqrestore(&l, flags);
	KEXPECT(!irqs_disabled());
	KEXPECT(spin_trylock_irqsave(&l, flags));
	KEXPECT(irqs_disabled());
	spin_unlock_irqrestore(&l, flags);
	KEXPECT(!irqs_disabled());
}

KTEST(lock, rwlock_modes)
{
	static DEFINE_RWLOCK(rw);	/* test lock: protects nothing */

	read_lock(&rw);
	KEXPECT(read_trylock(&rw));	/* readers share */
	KEXPECT(!write_trylock(&rw));	/* a writer waits for them */
	read_unlock(&rw);
	read_unlock(&rw);
	KEXPECT(write_trylock(&rw));
	KEXPECT(!read_trylock(&rw));	/* readers wait for a writer */
	KEXPECT(!write_trylock(&rw));
	write_unlock(&rw);
	KEXPECT(read_trylock(&rw));
	read_unlock(&rw);
}

KTEST(lock, seqlock_retry)
{
	static DEFINE_SEQLOCK(sl);	/* test lock: protects nothing */
	unsigned int seq, seq2;

	seq = read_seqbegin(&sl);
	KEXPECT(!read_seqretry(&sl, seq));
	write_seqlock(&sl);
	/* A reader that does not wait gets a value that must fail. */
	seq2 = raw_seqcount_begin(&sl.seqcount);
	write_sequnlock(&sl);
	KEXPECT(read_seqretry(&sl, seq));	/* a write happened since seq */
	KEXPECT(read_seqretry(&sl, seq2));	/* the write was in progress at seq2 */
	seq = read_seqbegin(&sl);
	KEXPECT_EQ(seq & 1, 0);
	KEXPECT(!read_seqretry(&sl, seq));
	write_seqcount_invalidate(&sl.seqcount);
	KEXPECT(read_seqretry(&sl, seq));
}
