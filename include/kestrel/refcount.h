/*
 * refcount_t: a reference count that cannot wrap, with Linux's names and
 * semantics. Where atomic_t would silently go from INT_MAX to negative,
 * or from 0 to -1 after one put too many (and then free the object
 * again, or hand it out after it was freed), a refcount_t saturates: it
 * is set to REFCOUNT_SATURATED, stays there (the object leaks instead of
 * being used after free) and the kernel prints one WARNING per kind of
 * misuse (lib/refcount.c):
 *
 *	refcount_t: addition on 0; use-after-free.	refcount_inc/add on 0
 *	refcount_t: saturated; leaking memory.		an increment overflowed
 *	refcount_t: underflow; use-after-free.		a put below zero
 *	refcount_t: decrement hit 0; leaking memory.	refcount_dec to 0
 *
 *	refcount_set/read			plain store/load
 *	refcount_inc/add			take a reference (the object is live)
 *	refcount_inc_not_zero/add_not_zero	take one unless it is already dying
 *	refcount_dec_and_test/sub_and_test	drop one; true for the last (free it)
 *	refcount_dec				drop one that is never the last
 *
 * Ordering as Linux: increments are unordered (the caller already holds a
 * reference or a lock that keeps the object alive); refcount_dec_and_test
 * orders the caller's earlier accesses before the decrement (release) and,
 * when it returns true, the freeing after it (acquire), so whoever frees
 * sees every other holder's last use.
 */
#ifndef KESTREL_REFCOUNT_H
#define KESTREL_REFCOUNT_H

#include <kestrel/atomic.h>

typedef struct refcount_struct {
	atomic_t refs;
} refcount_t;

#define REFCOUNT_INIT(n) { .refs = ATOMIC_INIT(n) }
#define REFCOUNT_MAX 0x7fffffff
/* Half-way to wrapping either way: racing increments or decrements cannot leave it. */
#define REFCOUNT_SATURATED ((int)0xc0000000)

enum refcount_saturation_type {
	REFCOUNT_ADD_NOT_ZERO_OVF,
	REFCOUNT_ADD_OVF,
	REFCOUNT_ADD_UAF,
	REFCOUNT_SUB_UAF,
	REFCOUNT_DEC_LEAK,
};

/* Saturate r and warn (once per type). */
void refcount_warn_saturate(refcount_t *r, enum refcount_saturation_type t);

static inline void refcount_set(refcount_t *r, int n)
{
	atomic_set(&r->refs, n);
}

static inline unsigned int refcount_read(const refcount_t *r)
{
	return (unsigned int)atomic_read(&r->refs);
}

/* Does old + i leave the valid range (a negative count is saturated)? */
static inline bool __refcount_add_overflows(int old, int i)
{
	return old < 0 || (int)((unsigned int)old + (unsigned int)i) < 0;
}

static inline bool refcount_add_not_zero(int i, refcount_t *r)
{
	int old = atomic_read(&r->refs);

	do {
		if (!old)
			break;
	} while (!atomic_try_cmpxchg_relaxed(&r->refs, &old, old + i));
	if (unlikely(old && __refcount_add_overflows(old, i)))
		refcount_warn_saturate(r, REFCOUNT_ADD_NOT_ZERO_OVF);
	return old != 0;
}

static inline bool refcount_inc_not_zero(refcount_t *r)
{
	return refcount_add_not_zero(1, r);
}

static inline void refcount_add(int i, refcount_t *r)
{
	int old = atomic_fetch_add_relaxed(i, &r->refs);

	if (unlikely(!old))
		refcount_warn_saturate(r, REFCOUNT_ADD_UAF);
	else if (unlikely(__refcount_add_overflows(old, i)))
		refcount_warn_saturate(r, REFCOUNT_ADD_OVF);
}

static inline void refcount_inc(refcount_t *r)
{
	refcount_add(1, r);
}

static inline bool refcount_sub_and_test(int i, refcount_t *r)
{
	int old = atomic_fetch_sub_release(i, &r->refs);

	if (old == i) {
		smp_acquire__after_ctrl_dep();
		return true;
	}
	if (unlikely(old < 0 || old - i < 0))
		refcount_warn_saturate(r, REFCOUNT_SUB_UAF);
	return false;
}

static inline bool refcount_dec_and_test(refcount_t *r)
{
	return refcount_sub_and_test(1, r);
}

static inline void refcount_dec(refcount_t *r)
{
	if (unlikely(atomic_fetch_sub_release(1, &r->refs) <= 1))
		refcount_warn_saturate(r, REFCOUNT_DEC_LEAK);
}

#endif
