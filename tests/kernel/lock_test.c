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

KTEST(lock, atomic_bit_ops_and_variants)
{
	atomic_t a = ATOMIC_INIT(0x0f);
	atomic_long_t l = ATOMIC_LONG_INIT(10);
	int old = 0x0f;

	atomic_or(0x30, &a);
	atomic_andnot(0x01, &a);
	atomic_xor(0x100, &a);
	KEXPECT_EQ(atomic_read(&a), 0x13e);
	KEXPECT_EQ(atomic_fetch_and_acquire(0xff, &a), 0x13e);
	KEXPECT_EQ(atomic_fetch_andnot_release(0x0e, &a), 0x3e);
	KEXPECT_EQ(atomic_fetch_xor_relaxed(0x01, &a), 0x30);
	KEXPECT_EQ(atomic_read_acquire(&a), 0x31);
	atomic_set_release(&a, 0x0f);
	KEXPECT(atomic_try_cmpxchg_acquire(&a, &old, 3));
	KEXPECT(!atomic_try_cmpxchg_release(&a, &old, 4));
	KEXPECT_EQ(old, 3);				/* updated on failure */
	KEXPECT_EQ(atomic_cmpxchg_relaxed(&a, 3, 5), 3);
	KEXPECT_EQ(atomic_xchg_acquire(&a, 1), 5);
	KEXPECT_EQ(atomic_dec_if_positive(&a), 0);
	KEXPECT_EQ(atomic_dec_if_positive(&a), -1);	/* was 0: left alone */
	KEXPECT_EQ(atomic_read(&a), 0);
	KEXPECT(atomic_add_negative(-1, &a));
	KEXPECT(atomic_inc_and_test(&a));
	KEXPECT_EQ(atomic_fetch_inc(&a), 0);
	KEXPECT(atomic_sub_and_test(1, &a));
	KEXPECT_EQ(atomic_long_sub_return_release(4, &l), 6);
	KEXPECT_EQ(atomic_long_inc_return_relaxed(&l), 7);
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
	KEXPECT(try_cmpxchg(&s, &(u16){ 4 }, 6));
	KEXPECT_EQ(cmpxchg_acquire(&s, 6, 7), 6);
	KEXPECT_EQ(cmpxchg_release(&s, 6, 8), 7);	/* failed */
	KEXPECT_EQ(xchg_release(&q, 2), 7);
	KEXPECT_EQ(xadd(&q, 3), 2);
	KEXPECT_EQ(q, 5);
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
