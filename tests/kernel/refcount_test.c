/*
 * Tests of include/kestrel/refcount.h on the paths that do not warn:
 * counting up and down, refusing to revive a count that reached zero,
 * and exact counting with every CPU at once. The misuse paths (underflow
 * and overflow saturate and print a WARNING) are checked from the host by
 * tests/integration/oops_refcount.sh (crashtest=refcount), since a
 * warning in a ktest run fails the run.
 */
#include <kestrel/ktest.h>
#include <kestrel/refcount.h>
#include <kestrel/smp.h>

KTEST(refcount, counts_up_and_down)
{
	refcount_t r = REFCOUNT_INIT(1);

	refcount_inc(&r);
	refcount_add(3, &r);
	KEXPECT_EQ(refcount_read(&r), 5);
	KEXPECT(!refcount_dec_and_test(&r));
	refcount_dec(&r);	/* 4 -> 3: not the last, no warning */
	KEXPECT(!refcount_sub_and_test(2, &r));
	KEXPECT_EQ(refcount_read(&r), 1);
	KEXPECT(refcount_dec_and_test(&r));
	KEXPECT_EQ(refcount_read(&r), 0);
}

KTEST(refcount, inc_not_zero_refuses_a_dead_count)
{
	refcount_t r;

	refcount_set(&r, 0);
	KEXPECT(!refcount_inc_not_zero(&r));
	KEXPECT(!refcount_add_not_zero(2, &r));
	KEXPECT_EQ(refcount_read(&r), 0);
	refcount_set(&r, 2);
	KEXPECT(refcount_inc_not_zero(&r));
	KEXPECT_EQ(refcount_read(&r), 3);
}

struct refcount_run {
	refcount_t ref;		/* the test holds one reference throughout */
	atomic_t hit_zero;	/* puts that wrongly reported the last reference */
};

#define REFCOUNT_ROUNDS 20000

static void refcount_hammer(void *arg)
{
	struct refcount_run *r = arg;

	for (int i = 0; i < REFCOUNT_ROUNDS; i++)
		refcount_inc(&r->ref);
	for (int i = 0; i < REFCOUNT_ROUNDS; i++)
		if (refcount_dec_and_test(&r->ref))
			atomic_inc(&r->hit_zero);
}

KTEST(refcount, exact_with_every_cpu_at_once)
{
	static struct refcount_run r;

	refcount_set(&r.ref, 1);
	atomic_set(&r.hit_zero, 0);
	on_each_cpu(refcount_hammer, &r, true);
	KEXPECT_EQ(atomic_read(&r.hit_zero), 0);
	KEXPECT_EQ(refcount_read(&r.ref), 1);
	KEXPECT(refcount_dec_and_test(&r.ref));
}
