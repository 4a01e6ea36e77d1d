/*
 * refcount_t: a reference count that cannot wrap (Linux's
 * include/linux/refcount.h).
 *
 * An atomic_t used as a reference count turns a missing get or an extra
 * put into a use-after-free: the count reaches 0 (the object is freed)
 * while someone still uses it, or wraps around after 2^32 gets. A
 * refcount_t catches both on the spot. Once a count goes wrong it is
 * set to REFCOUNT_SATURATED (INT_MIN / 2, far from 0 in both
 * directions) and stays there: the object leaks instead of being freed
 * under its users, and one WARNING with a backtrace names the caller
 * (lib/refcount.c).
 *
 *	refcount_set(r, n), refcount_read(r)	plain store / load
 *	refcount_inc(r)				take a reference; WARNs on 0 (the
 *						object is already being freed)
 *	refcount_inc_not_zero(r)		take one unless the count is 0
 *						(lookups under RCU or a lock)
 *	refcount_dec_and_test(r)		drop one; true for the last, which
 *						then frees the object
 *	refcount_dec(r)				drop one that cannot be the last
 *
 * Ordering: Linux needs increments to be unordered and the decrements
 * release (every access to the object before the decrement) plus, for
 * the last one, acquire (the freeing after it), so the task that frees
 * sees everything the others wrote. Kestrel's atomic_fetch_add/sub are
 * fully ordered, which gives all of that.
 */
#ifndef KESTREL_REFCOUNT_H
#define KESTREL_REFCOUNT_H

#include <kestrel/atomic.h>
#include <kestrel/compiler.h>

typedef struct refcount_struct {
	atomic_t refs;
} refcount_t;

#define REFCOUNT_INIT(n) { .refs = ATOMIC_INIT(n) }
#define REFCOUNT_MAX 0x7fffffff
#define REFCOUNT_SATURATED ((-0x7fffffff - 1) / 2)

/* What went wrong, for the warning. */
enum refcount_saturation_type {
	REFCOUNT_ADD_NOT_ZERO_OVF,	/* inc_not_zero reached the top */
	REFCOUNT_ADD_OVF,		/* inc reached the top */
	REFCOUNT_ADD_UAF,		/* inc from 0: the object is being freed */
	REFCOUNT_SUB_UAF,		/* dec below 0: one put too many */
	REFCOUNT_DEC_LEAK,		/* refcount_dec dropped the last reference */
};

/* Saturate *r and print one WARNING naming t and the caller. */
void refcount_warn_saturate(refcount_t *r, enum refcount_saturation_type t);

static inline void refcount_set(refcount_t *r, int n)
{
	atomic_set(&r->refs, n);
}

static inline unsigned int refcount_read(const refcount_t *r)
{
	return atomic_read(&r->refs);
}

static inline bool refcount_inc_not_zero(refcount_t *r)
{
	int old = refcount_read(r);

	do {
		if (!old)
			return false;
	} while (!atomic_try_cmpxchg(&r->refs, &old, old + 1));
	if (unlikely(old < 0 || old + 1 < 0))
		refcount_warn_saturate(r, REFCOUNT_ADD_NOT_ZERO_OVF);
	return true;
}

static inline void refcount_inc(refcount_t *r)
{
	int old = atomic_fetch_add(1, &r->refs);

	if (unlikely(!old))
		refcount_warn_saturate(r, REFCOUNT_ADD_UAF);
	else if (unlikely(old < 0 || old + 1 < 0))
		refcount_warn_saturate(r, REFCOUNT_ADD_OVF);
}

static inline bool refcount_dec_and_test(refcount_t *r)
{
	int old = atomic_fetch_sub(1, &r->refs);

	if (old == 1)
		return true;
	if (unlikely(old <= 0 || old - 1 < 0))
		refcount_warn_saturate(r, REFCOUNT_SUB_UAF);
	return false;
}

static inline void refcount_dec(refcount_t *r)
{
	int old = atomic_fetch_sub(1, &r->refs);

	if (unlikely(old <= 1))
		refcount_warn_saturate(r, REFCOUNT_DEC_LEAK);
}

#endif
