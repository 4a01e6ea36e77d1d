/*
 * refcount_t tests (suite refcount, include/kestrel/refcount.h): counts
 * go up and down and the last put is the only one that says "free";
 * inc_not_zero refuses a dying object; and every misuse (a put too
 * many, a get on a freed object, a count at its top) saturates the count
 * so that nothing is ever freed through it, with exactly one WARNING,
 * captured here so the log stays clean.
 */
#include <kestrel/ktest.h>
#include <kestrel/lockdep.h>
#include <kestrel/refcount.h>
#include <kestrel/string.h>

#define SATURATED ((unsigned int)REFCOUNT_SATURATED)

KTEST(refcount, get_put_last_put_frees)
{
	refcount_t r = REFCOUNT_INIT(1);

	refcount_inc(&r);
	KEXPECT_EQ(refcount_read(&r), 2u);
	KEXPECT(!refcount_dec_and_test(&r));
	KEXPECT_EQ(refcount_read(&r), 1u);
	KEXPECT(refcount_dec_and_test(&r));
	KEXPECT_EQ(refcount_read(&r), 0u);
}

KTEST(refcount, inc_not_zero_refuses_zero)
{
	refcount_t r;

	refcount_set(&r, 0);
	KEXPECT(!refcount_inc_not_zero(&r));
	KEXPECT_EQ(refcount_read(&r), 0u);
	refcount_set(&r, 3);
	KEXPECT(refcount_inc_not_zero(&r));
	KEXPECT_EQ(refcount_read(&r), 4u);
}

/* Run op on r with a capture armed; the captured report, or NULL. */
static const char *captured(void (*op)(refcount_t *), refcount_t *r)
{
	lockdep_expect_report();
	op(r);
	return lockdep_expect_end();
}

static void refcount_test_put(refcount_t *r) { (void)refcount_dec_and_test(r); }
static void refcount_test_get(refcount_t *r) { refcount_inc(r); }
static void refcount_test_get_not_zero(refcount_t *r) { (void)refcount_inc_not_zero(r); }
static void refcount_test_put_not_last(refcount_t *r) { refcount_dec(r); }

KTEST(refcount, underflow_saturates_and_warns_once)
{
	refcount_t r = REFCOUNT_INIT(1);
	const char *rep;

	KASSERT(debug_locks);
	KEXPECT(refcount_dec_and_test(&r));	/* freed */
	rep = captured(refcount_test_put, &r);		/* one put too many */
	KASSERT(rep != NULL);
	KEXPECT(strstr(rep, "WARNING: refcount_t: underflow; use-after-free") != NULL);
	KEXPECT(strstr(rep, "refcount_underflow_saturates_and_warns_once+") != NULL); /* the caller */
	KEXPECT_EQ(refcount_read(&r), SATURATED);
	/* Saturated: no put frees it, no further report. */
	KEXPECT(captured(refcount_test_put, &r) == NULL);
	KEXPECT(!refcount_dec_and_test(&r));
	KEXPECT_EQ(refcount_read(&r), SATURATED);
}

KTEST(refcount, inc_on_zero_is_use_after_free)
{
	refcount_t r = REFCOUNT_INIT(0);
	const char *rep;

	KASSERT(debug_locks);
	rep = captured(refcount_test_get, &r);
	KASSERT(rep != NULL);
	KEXPECT(strstr(rep, "WARNING: refcount_t: addition on 0; use-after-free") != NULL);
	KEXPECT_EQ(refcount_read(&r), SATURATED);
	KEXPECT(captured(refcount_test_get, &r) == NULL);
	KEXPECT_EQ(refcount_read(&r), SATURATED);
}

KTEST(refcount, overflow_saturates)
{
	refcount_t r;
	const char *rep;

	KASSERT(debug_locks);
	refcount_set(&r, REFCOUNT_MAX);
	rep = captured(refcount_test_get, &r);
	KASSERT(rep != NULL);
	KEXPECT(strstr(rep, "WARNING: refcount_t: saturated; leaking memory") != NULL);
	KEXPECT_EQ(refcount_read(&r), SATURATED);

	refcount_set(&r, REFCOUNT_MAX);
	rep = captured(refcount_test_get_not_zero, &r);
	KASSERT(rep != NULL);
	KEXPECT(strstr(rep, "saturated; leaking memory") != NULL);
	KEXPECT_EQ(refcount_read(&r), SATURATED);
}

KTEST(refcount, dec_of_last_reference_leaks)
{
	refcount_t r = REFCOUNT_INIT(1);
	const char *rep;

	KASSERT(debug_locks);
	rep = captured(refcount_test_put_not_last, &r);	/* refcount_dec must not drop the last one */
	KASSERT(rep != NULL);
	KEXPECT(strstr(rep, "WARNING: refcount_t: decrement hit 0; leaking memory") != NULL);
	KEXPECT_EQ(refcount_read(&r), SATURATED);
}
