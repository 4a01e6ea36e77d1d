/*
 * Reader-writer spinlocks: any number of readers, or one writer.
 *
 *	DEFINE_RWLOCK(name) / rwlock_init(&l)
 *	read_lock / read_unlock		shared
 *	write_lock / write_unlock	exclusive
 *	read_trylock / write_trylock
 *	*_irqsave / *_irqrestore, *_irq	as for spinlocks
 *
 * Readers have priority: a reader only waits for a writer that holds the
 * lock, never for one that waits. So a reader may take the lock again
 * while it holds it (even from an interrupt on the same CPU), and the
 * validator treats read_lock as a recursive read; the price is that a
 * writer can starve under a steady stream of readers. Use rwlocks for
 * short, read-mostly sections whose writers are rare; for long ones, or
 * ones that sleep, use an rw_semaphore.
 */
#ifndef KESTREL_RWLOCK_H
#define KESTREL_RWLOCK_H

#include <kestrel/atomic.h>
#include <kestrel/spinlock.h>

#define RW_WRITER_BIT ((int)(1U << 31))	/* a writer holds the lock (the sign bit) */

typedef struct {
	atomic_t cnt;	/* RW_WRITER_BIT | number of readers */
} arch_rwlock_t;

typedef struct rwlock {
	arch_rwlock_t raw;
	struct lockdep_map dep_map;
} rwlock_t;

#define __RW_LOCK_UNLOCKED(name) \
	((rwlock_t){ .raw = { ATOMIC_INIT(0) }, .dep_map = STATIC_LOCKDEP_MAP_INIT(#name) })
#define DEFINE_RWLOCK(name) rwlock_t name = __RW_LOCK_UNLOCKED(name)

void __rwlock_init(rwlock_t *l, const char *name, struct lock_class_key *key);
#define rwlock_init(l)                                   \
	do {                                             \
		static struct lock_class_key __key;      \
		__rwlock_init((l), #l, &__key);          \
	} while (0)

void read_lock(rwlock_t *l);
void read_unlock(rwlock_t *l);
bool read_trylock(rwlock_t *l);
void write_lock(rwlock_t *l);
void write_unlock(rwlock_t *l);
bool write_trylock(rwlock_t *l);
void read_lock_irq(rwlock_t *l);
void read_unlock_irq(rwlock_t *l);
void write_lock_irq(rwlock_t *l);
void write_unlock_irq(rwlock_t *l);
unsigned long _read_lock_irqsave(rwlock_t *l);
unsigned long _write_lock_irqsave(rwlock_t *l);
void read_unlock_irqrestore(rwlock_t *l, unsigned long flags);
void write_unlock_irqrestore(rwlock_t *l, unsigned long flags);

#define read_lock_irqsave(l, flags) ((flags) = _read_lock_irqsave(l))
#define write_lock_irqsave(l, flags) ((flags) = _write_lock_irqsave(l))

#endif
