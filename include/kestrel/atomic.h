/*
 * Atomics and memory barriers, with Linux's names.
 *
 *	atomic_t, atomic64_t, atomic_long_t	counters changed atomically
 *	atomic_read/set				plain load/store (no ordering)
 *	atomic_inc/dec/add/sub			no ordering, no value returned
 *	atomic_*_return, atomic_fetch_*		full barrier, value returned
 *	atomic_dec_and_test, atomic_inc_not_zero	reference counting
 *	atomic_cmpxchg, atomic_try_cmpxchg, atomic_xchg
 *	cmpxchg(p, old, new), xchg(p, v)	on any 1/2/4/8-byte variable
 *	smp_mb / smp_rmb / smp_wmb		CPU-ordering barriers
 *	smp_load_acquire / smp_store_release	one-sided ordering on a variable
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

/* Store new in *p if *p == old; returns the value *p had (== old on success). Full barrier. */
#define cmpxchg(p, old, new)                                                          \
	({                                                                            \
		__typeof__(*(p)) __old = (old);                                       \
		__atomic_compare_exchange_n((p), &__old, (new), false, __ATOMIC_SEQ_CST, \
					    __ATOMIC_SEQ_CST);                        \
		__old;                                                                \
	})

/* Store v in *p, return the old value. Full barrier. */
#define xchg(p, v) __atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST)

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
 * One set of operations per type, generated: prefix is atomic, atomic64
 * or atomic_long; T the type; V the value type.
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
	static __always_inline V prefix##_add_return(V i, T *v)                        \
	{                                                                              \
		return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST);           \
	}                                                                              \
	static __always_inline V prefix##_sub_return(V i, T *v)                        \
	{                                                                              \
		return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST);           \
	}                                                                              \
	static __always_inline V prefix##_inc_return(T *v) { return prefix##_add_return(1, v); } \
	static __always_inline V prefix##_dec_return(T *v) { return prefix##_sub_return(1, v); } \
	static __always_inline V prefix##_fetch_add(V i, T *v)                         \
	{                                                                              \
		return __atomic_fetch_add(&v->counter, i, __ATOMIC_SEQ_CST);           \
	}                                                                              \
	static __always_inline V prefix##_fetch_sub(V i, T *v)                         \
	{                                                                              \
		return __atomic_fetch_sub(&v->counter, i, __ATOMIC_SEQ_CST);           \
	}                                                                              \
	static __always_inline V prefix##_fetch_or(V i, T *v)                          \
	{                                                                              \
		return __atomic_fetch_or(&v->counter, i, __ATOMIC_SEQ_CST);            \
	}                                                                              \
	static __always_inline V prefix##_fetch_and(V i, T *v)                         \
	{                                                                              \
		return __atomic_fetch_and(&v->counter, i, __ATOMIC_SEQ_CST);           \
	}                                                                              \
	static __always_inline bool prefix##_dec_and_test(T *v)                        \
	{                                                                              \
		return prefix##_sub_return(1, v) == 0;                                 \
	}                                                                              \
	static __always_inline bool prefix##_inc_and_test(T *v)                        \
	{                                                                              \
		return prefix##_add_return(1, v) == 0;                                 \
	}                                                                              \
	static __always_inline V prefix##_xchg(T *v, V i)                              \
	{                                                                              \
		return __atomic_exchange_n(&v->counter, i, __ATOMIC_SEQ_CST);          \
	}                                                                              \
	/* Returns the old value; the store happened iff it equals old. */             \
	static __always_inline V prefix##_cmpxchg(T *v, V old, V new)                  \
	{                                                                              \
		__atomic_compare_exchange_n(&v->counter, &old, new, false,             \
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);       \
		return old;                                                            \
	}                                                                              \
	/* On failure *old is updated to the current value: loop without re-reading. */ \
	static __always_inline bool prefix##_try_cmpxchg(T *v, V *old, V new)          \
	{                                                                              \
		return __atomic_compare_exchange_n(&v->counter, old, new, false,       \
						   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
	}                                                                              \
	/* Add a to v unless v == u; returns whether it added. */                     \
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
	}

__ATOMIC_OPS(atomic, atomic_t, int)
__ATOMIC_OPS(atomic64, atomic64_t, s64)
__ATOMIC_OPS(atomic_long, atomic_long_t, long)

#undef __ATOMIC_OPS

#endif
