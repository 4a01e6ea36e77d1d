/*
 * Tests of include/kestrel/bitops.h: the bit numbering across words, the
 * values the test-and-change operations return, and a bit used as a lock
 * by every CPU at once (test_and_set_bit_lock / clear_bit_unlock must
 * exclude each other and order the section's plain accesses).
 */
#include <kestrel/bitops.h>
#include <kestrel/ktest.h>
#include <kestrel/smp.h>
#include <asm/processor.h>

KTEST(bitops, set_clear_test_across_words)
{
	unsigned long map[3] = { 0, 0, 0 };

	set_bit(0, map);
	set_bit(63, map);
	set_bit(64, map);
	set_bit(130, map);
	KEXPECT_EQ(map[0], BIT(0) | BIT(63));
	KEXPECT_EQ(map[1], BIT(0));
	KEXPECT_EQ(map[2], BIT(2));
	KEXPECT(test_bit(63, map));
	KEXPECT(!test_bit(62, map));
	KEXPECT(test_bit_acquire(130, map));
	clear_bit(63, map);
	KEXPECT_EQ(map[0], BIT(0));
	change_bit(65, map);
	KEXPECT_EQ(map[1], BIT(0) | BIT(1));
	__set_bit(127, map);
	__clear_bit(64, map);
	KEXPECT_EQ(map[1], BIT(1) | BIT(63));
	KEXPECT_EQ(BITS_TO_LONGS(129), 3);
}

KTEST(bitops, test_and_ops_return_the_old_bit)
{
	unsigned long w = 0;

	KEXPECT(!test_and_set_bit(5, &w));
	KEXPECT(test_and_set_bit(5, &w));
	KEXPECT_EQ(w, BIT(5));
	KEXPECT(test_and_clear_bit(5, &w));
	KEXPECT(!test_and_clear_bit(5, &w));
	KEXPECT(!test_and_change_bit(7, &w));
	KEXPECT(test_and_change_bit(7, &w));
	KEXPECT_EQ(w, 0);
	KEXPECT(!__test_and_set_bit(9, &w));
	KEXPECT(__test_and_set_bit(9, &w));
	KEXPECT(__test_and_clear_bit(9, &w));
	KEXPECT(!test_and_set_bit_lock(1, &w));
	KEXPECT(test_and_set_bit_lock(1, &w));
	clear_bit_unlock(1, &w);
	KEXPECT_EQ(w, 0);
}

#define BITLOCK_ROUNDS 20000

struct bitlock_run {
	unsigned long lock;	/* bit 0: the lock */
	unsigned long count;	/* plain: only changed with the bit held */
	atomic_t inside;	/* holders right now: must never exceed 1 */
	atomic_t overlaps;
};

static void bitlock_hammer(void *arg)
{
	struct bitlock_run *r = arg;

	for (int i = 0; i < BITLOCK_ROUNDS; i++) {
		while (test_and_set_bit_lock(0, &r->lock))
			cpu_relax();
		if (atomic_inc_return(&r->inside) != 1)
			atomic_inc(&r->overlaps);
		r->count++;
		atomic_dec(&r->inside);
		clear_bit_unlock(0, &r->lock);
	}
}

KTEST(bitops, bit_lock_excludes_every_cpu)
{
	static struct bitlock_run r;

	r.lock = 0;
	r.count = 0;
	atomic_set(&r.inside, 0);
	atomic_set(&r.overlaps, 0);
	on_each_cpu(bitlock_hammer, &r, true);
	KEXPECT_EQ(atomic_read(&r.overlaps), 0);
	KEXPECT_EQ(r.count, (unsigned long)BITLOCK_ROUNDS * num_online_cpus());
	KEXPECT_EQ(r.lock, 0);
}
