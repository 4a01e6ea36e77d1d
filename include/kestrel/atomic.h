/*
 * Atomics and memory barriers, with Linux's names. The only place besides
 * bitops.h and refcount.h where the compiler's __atomic builtins appear:
 * the rest of the kernel says what it means with these.
 *
 *	atomic_t, atomic64_t, atomic_long_t	counters changed atomically
 *	atomic_read/set				plain load/store (no ordering)
 *	atomic_read_acquire/set_release		one-sided ordering
 *	atomic_inc/dec/add/sub/or/and/andnot/xor	no ordering, no value returned
 *	atomic_*_return, atomic_fetch_*		full barrier, value returned
 *	    ..._relaxed/_acquire/_release		the same with weaker ordering
 *	atomic_dec_and_test, atomic_inc_not_zero	counting (refcount.h for references)
 *	atomic_cmpxchg, atomic_try_cmpxchg, atomic_xchg	(and their ordering variants)
 *	cmpxchg, try_cmpxchg, xchg (p, ...)	on any 1/2/4/8-byte variable
 *	smp_mb / smp_rmb / smp_wmb		CPU-ordering barriers
 *	smp_load_acquire / smp_store_release	one-sided ordering on a variable
 *	smp_mb__before/after_atomic		full barrier around a void atomic op
 *
 * Ordering rules (as in Linux): every read-modify-write that returns a
 * value is fully ordered (acts as smp_mb before and after); the void ones
 * (atomic_inc ...) and atomic_read/atomic_set are unordered. On x86 every
 * locked instruction is a full barrier anyway, but write code against the
 * rules, not against x86: the comments of each user say which ordering it
 * relies on.
 *
 * x86 orders loads with loads and stores with stores, so smp_rmb/smp_wmb
 * only need to stop the compiler; smp_mb must also order a store before a
 * later load, which takes a locked instruction (or mfence).
 */
#ifndef KESTREL_ATOMIC_H
#define KESTREL_ATOMIC_H

#include <kestrel/compiler.h>

/* ---- barriers ---- */

/* "lock; addl $0" on the stack top: a full barrier, cheaper than mfence. */
#define smp_mb() __asm__ volatile("lock; addl $0,-4(%%rsp)" ::: "memory", "cc")
#define smp_rmb() barrier()
#define smp_wmb() barrier()
/* Full barrier also ordering device (uncached / MMIO) accesses. */
#define mb() __asm__ volatile("mfence" ::: "memory")
#define rmb() __asm__ volatile("lfence" ::: "memory")
#define wmb() __asm__ volatile("sfence" ::: "memory")

#define smp_mb__before_atomic() barrier()
#define smp_mb__after_atomic() barrier()
/*
 * After a branch on a loaded value (stores cannot pass it on any CPU):
 * makes later loads ordered too, so the pair acts as an acquire.
 */
#define smp_acquire__after_ctrl_dep() smp_rmb()

/* Later loads and stores cannot move before this load. */
#define smp_load_acquire(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
/* Earlier loads and stores cannot move after this store. */
#define smp_store_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)

/* Publishes v with a full barrier after it (set_current_state() style). */
#define smp_store_mb(var, v)                 \
	do {                                 \
		WRITE_ONCE(var, v);          \
		smp_mb();                    \
	} while (0)

/* ---- cmpxchg/xchg on plain variables ---- */

/*
 * Store new in *p if *p == old; returns the value *p had (== old on
 * success). Fully ordered; the _relaxed/_acquire/_release variants order
 * only as their names say (on failure there is no store, so _release
 * orders nothing then).
 */
#define __cmpxchg(p, old, new, mo, fail_mo)                                           \
	({                                                                            \
		__typeof__(*(p)) __old = (old);                                       \
		__atomic_compare_exchange_n((p), &__old, (new), false, (mo), (fail_mo)); \
		__old;                                                                \
	})
#define cmpxchg(p, old, new) __cmpxchg(p, old, new, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)
#define cmpxchg_relaxed(p, old, new) __cmpxchg(p, old, new, __ATOMIC_RELAXED, __ATOMIC_RELAXED)
#define cmpxchg_acquire(p, old, new) __cmpxchg(p, old, new, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)
#define cmpxchg_release(p, old, new) __cmpxchg(p, old, new, __ATOMIC_RELEASE, __ATOMIC_RELAXED)

/*
 * The same, returning whether it stored; on failure *oldp gets the value
 * *p had, so a retry loop need not read *p again.
 */
#define __try_cmpxchg(p, oldp, new, mo, fail_mo) \
	__atomic_compare_exchange_n((p), (oldp), (new), false, (mo), (fail_mo))
#define try_cmpxchg(p, oldp, new) __try_cmpxchg(p, oldp, new, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)
#define try_cmpxchg_relaxed(p, oldp, new) \
	__try_cmpxchg(p, oldp, new, __ATOMIC_RELAXED, __ATOMIC_RELAXED)
#define try_cmpxchg_acquire(p, oldp, new) \
	__try_cmpxchg(p, oldp, new, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)
#define try_cmpxchg_release(p, oldp, new) \
	__try_cmpxchg(p, oldp, new, __ATOMIC_RELEASE, __ATOMIC_RELAXED)

/* Add v to *p, return the old value (x86's xadd). Fully ordered. */
#define xadd(p, v) __atomic_fetch_add((p), (v), __ATOMIC_SEQ_CST)

/* Store v in *p, return the old value. Fully ordered, or as the suffix says. */
#define xchg(p, v) __atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST)
#define xchg_relaxed(p, v) __atomic_exchange_n((p), (v), __ATOMIC_RELAXED)
#define xchg_acquire(p, v) __atomic_exchange_n((p), (v), __ATOMIC_ACQUIRE)
#define xchg_release(p, v) __atomic_exchange_n((p), (v), __ATOMIC_RELEASE)

/* ---- atomic_t family ---- */

typedef struct {
	int counter;
} atomic_t;

typedef struct {
	s64 counter;
} atomic64_t;

typedef struct {
	long counter;
} atomic_long_t;

#define ATOMIC_INIT(i) { (i) }
#define ATOMIC64_INIT(i) { (i) }
#define ATOMIC_LONG_INIT(i) { (i) }

/*
 * The operations that return a value, once per ordering: sfx is empty
 * (fully ordered), _relaxed, _acquire or _release; mo the memory order
 * of the operation and fail_mo that of a failed cmpxchg.
 */
#define __ATOMIC_ORDERED_OPS(prefix, T, V, sfx, mo, fail_mo)                            \
	static __always_inline V prefix##_add_return##sfx(V i, T *v)                   \
	{                                                                              \
		return __atomic_add_fetch(&v->counter, i, mo);                         \
	}                                                                              \
	static __always_inline V prefix##_sub_return##sfx(V i, T *v)                   \
	{                                                                              \
		return __atomic_sub_fetch(&v->counter, i, mo);                         \
	}                                                                              \
	static __always_inline V prefix##_inc_return##sfx(T *v)                        \
	{                                                                              \
		return prefix##_add_return##sfx(1, v);                                 \
	}                                                                              \
	static __always_inline V prefix##_dec_return##sfx(T *v)                        \
	{                                                                              \
		return prefix##_sub_return##sfx(1, v);                                 \
	}                                                                              \
	static __always_inline V prefix##_fetch_add##sfx(V i, T *v)                    \
	{                                                                              \
		return __atomic_fetch_add(&v->counter, i, mo);                         \
	}                                                                              \
	static __always_inline V prefix##_fetch_sub##sfx(V i, T *v)                    \
	{                                                                              \
		return __atomic_fetch_sub(&v->counter, i, mo);                         \
	}                                                                              \
	static __always_inline V prefix##_fetch_inc##sfx(T *v)                         \
	{                                                                              \
		return prefix##_fetch_add##sfx(1, v);                                  \
	}                                                                              \
	static __always_inline V prefix##_fetch_dec##sfx(T *v)                         \
	{                                                                              \
		return prefix##_fetch_sub##sfx(1, v);                                  \
	}                                                                              \
	static __always_inline V prefix##_fetch_or##sfx(V i, T *v)                     \
	{                                                                              \
		return __atomic_fetch_or(&v->counter, i, mo);                          \
	}                                                                              \
	static __always_inline V prefix##_fetch_and##sfx(V i, T *v)                    \
	{                                                                              \
		return __atomic_fetch_and(&v->counter, i, mo);                         \
	}                                                                              \
	static __always_inline V prefix##_fetch_andnot##sfx(V i, T *v)                 \
	{                                                                              \
		return __atomic_fetch_and(&v->counter, ~i, mo);                        \
	}                                                                              \
	static __always_inline V prefix##_fetch_xor##sfx(V i, T *v)                    \
	{                                                                              \
		return __atomic_fetch_xor(&v->counter, i, mo);                         \
	}                                                                              \
	static __always_inline V prefix##_xchg##sfx(T *v, V i)                         \
	{                                                                              \
		return __atomic_exchange_n(&v->counter, i, mo);                        \
	}                                                                              \
	/* Returns the old value; the store happened iff it equals old. */             \
	static __always_inline V prefix##_cmpxchg##sfx(T *v, V old, V new)             \
	{                                                                              \
		__atomic_compare_exchange_n(&v->counter, &old, new, false, mo, fail_mo); \
		return old;                                                            \
	}                                                                              \
	/* On failure *old is updated to the current value: loop without re-reading. */ \
	static __always_inline bool prefix##_try_cmpxchg##sfx(T *v, V *old, V new)     \
	{                                                                              \
		return __atomic_compare_exchange_n(&v->counter, old, new, false, mo,   \
						   fail_mo);                           \
	}

/*
 * One set of operations per type: prefix is atomic, atomic64 or
 * atomic_long; T the type; V the value type.
 */
#define __ATOMIC_OPS(prefix, T, V)                                                     \
	static __always_inline V prefix##_read(const T *v)                             \
	{                                                                              \
		return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);                 \
	}                                                                              \
	static __always_inline void prefix##_set(T *v, V i)                            \
	{                                                                              \
		__atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);                    \
	}                                                                              \
	static __always_inline V prefix##_read_acquire(const T *v)                     \
	{                                                                              \
		return __atomic_load_n(&v->counter, __ATOMIC_ACQUIRE);                 \
	}                                                                              \
	static __always_inline void prefix##_set_release(T *v, V i)                    \
	{                                                                              \
		__atomic_store_n(&v->counter, i, __ATOMIC_RELEASE);                    \
	}                                                                              \
	static __always_inline void prefix##_add(V i, T *v)                            \
	{                                                                              \
		__atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED);                  \
	}                                                                              \
	static __always_inline void prefix##_sub(V i, T *v)                            \
	{                                                                              \
		__atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED);                  \
	}                                                                              \
	static __always_inline void prefix##_inc(T *v) { prefix##_add(1, v); }        \
	static __always_inline void prefix##_dec(T *v) { prefix##_sub(1, v); }        \
	static __always_inline void prefix##_or(V i, T *v)                             \
	{                                                                              \
		__atomic_fetch_or(&v->counter, i, __ATOMIC_RELAXED);                   \
	}                                                                              \
	static __always_inline void prefix##_and(V i, T *v)                            \
	{                                                                              \
		__atomic_fetch_and(&v->counter, i, __ATOMIC_RELAXED);                  \
	}                                                                              \
	static __always_inline void prefix##_andnot(V i, T *v)                         \
	{                                                                              \
		__atomic_fetch_and(&v->counter, ~i, __ATOMIC_RELAXED);                 \
	}                                                                              \
	static __always_inline void prefix##_xor(V i, T *v)                            \
	{                                                                              \
		__atomic_fetch_xor(&v->counter, i, __ATOMIC_RELAXED);                  \
	}                                                                              \
	__ATOMIC_ORDERED_OPS(prefix, T, V, , __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)       \
	__ATOMIC_ORDERED_OPS(prefix, T, V, _relaxed, __ATOMIC_RELAXED, __ATOMIC_RELAXED) \
	__ATOMIC_ORDERED_OPS(prefix, T, V, _acquire, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE) \
	__ATOMIC_ORDERED_OPS(prefix, T, V, _release, __ATOMIC_RELEASE, __ATOMIC_RELAXED) \
	static __always_inline bool prefix##_sub_and_test(V i, T *v)                   \
	{                                                                              \
		return prefix##_sub_return(i, v) == 0;                                 \
	}                                                                              \
	static __always_inline bool prefix##_dec_and_test(T *v)                        \
	{                                                                              \
		return prefix##_dec_return(v) == 0;                                    \
	}                                                                              \
	static __always_inline bool prefix##_inc_and_test(T *v)                        \
	{                                                                              \
		return prefix##_inc_return(v) == 0;                                    \
	}                                                                              \
	static __always_inline bool prefix##_add_negative(V i, T *v)                   \
	{                                                                              \
		return prefix##_add_return(i, v) < 0;                                  \
	}                                                                              \
	/* Add a to v unless v == u; returns whether it added. Fully ordered if it did. */ \
	static __always_inline bool prefix##_add_unless(T *v, V a, V u)                \
	{                                                                              \
		V c = prefix##_read(v);                                                \
		do {                                                                   \
			if (c == u)                                                    \
				return false;                                          \
		} while (!prefix##_try_cmpxchg(v, &c, c + a));                         \
		return true;                                                           \
	}                                                                              \
	static __always_inline bool prefix##_inc_not_zero(T *v)                        \
	{                                                                              \
		return prefix##_add_unless(v, 1, 0);                                   \
	}                                                                              \
	/* Decrement unless that makes v negative; returns v - 1 either way. */        \
	static __always_inline V prefix##_dec_if_positive(T *v)                        \
	{                                                                              \
		V c = prefix##_read(v);                                                \
		do {                                                                   \
			if (c <= 0)                                                    \
				return c - 1;                                          \
		} while (!prefix##_try_cmpxchg(v, &c, c - 1));                         \
		return c - 1;                                                          \
	}

__ATOMIC_OPS(atomic, atomic_t, int)
__ATOMIC_OPS(atomic64, atomic64_t, s64)
__ATOMIC_OPS(atomic_long, atomic_long_t, long)

#undef __ATOMIC_OPS
#undef __ATOMIC_ORDERED_OPS

#endif
