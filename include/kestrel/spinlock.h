/*
 * Spinlocks: a ticket lock, so waiters get the lock in arrival order.
 *
 *	DEFINE_SPINLOCK(name)		a static lock (its own validator class)
 *	spin_lock_init(&l)		a lock in an object; the class is this call site
 *	spin_lock / spin_unlock		interrupts stay as they are
 *	spin_lock_irqsave(&l, flags)	also disables interrupts; restore with
 *	spin_unlock_irqrestore(&l, flags)
 *	spin_lock_irq / spin_unlock_irq	disable / unconditionally enable
 *	spin_trylock			take it only if free; returns true if taken
 *	spin_lock_nested(&l, n)		a second lock of the same class held on
 *					purpose, at nesting level n (1..7)
 *	assert_spin_locked(&l)		somebody holds it
 *	lockdep_assert_held(&l)		this context holds it (the validator)
 *
 * Use spin_lock_irqsave() for any lock that an interrupt handler takes,
 * or the handler can spin forever on a lock its own CPU holds (the lock
 * validator reports such a lock). A spinlock holder must not sleep.
 *
 * The lock functions are out of line (kernel/locking/spinlock.c) so the
 * validator sees the caller's address; arch_spinlock_t is the bare lock,
 * invisible to the validator, for the validator itself and the scheduler.
 */
#ifndef KESTREL_SPINLOCK_H
#define KESTREL_SPINLOCK_H

#include <kestrel/atomic.h>
#include <kestrel/compiler.h>
#include <kestrel/lockdep.h>
#include <kestrel/printk.h>
#include <asm/processor.h>

/* ---- the bare ticket lock ---- */

typedef struct {
	u16 next;	/* ticket handed to the next arrival */
	u16 owner;	/* ticket now being served */
} arch_spinlock_t;

#define __ARCH_SPIN_LOCK_UNLOCKED { 0, 0 }	/* an initializer: arch_spin_lock_init() at run time */

static inline void arch_spin_lock_init(arch_spinlock_t *l)
{
	l->next = l->owner = 0;
}

static inline void arch_spin_lock(arch_spinlock_t *l)
{
	u16 me = xadd(&l->next, 1);

	while (smp_load_acquire(&l->owner) != me)
		cpu_relax();
}

static inline bool arch_spin_trylock(arch_spinlock_t *l)
{
	u16 owner = READ_ONCE(l->owner);
	u16 expected = owner;

	/* Free only if nobody holds or waits: next == owner. */
	return try_cmpxchg_acquire(&l->next, &expected, (u16)(owner + 1));
}

static inline void arch_spin_unlock(arch_spinlock_t *l)
{
	/* Only the holder writes owner: a plain read of it is exact. */
	smp_store_release(&l->owner, (u16)(l->owner + 1));
}

static inline bool arch_spin_is_locked(arch_spinlock_t *l)
{
	return READ_ONCE(l->next) != READ_ONCE(l->owner);
}

/* ---- spinlock_t: the ticket lock plus its validator map ---- */

typedef struct spinlock {
	arch_spinlock_t raw;
	struct lockdep_map dep_map;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED(name) \
	((spinlock_t){ .raw = __ARCH_SPIN_LOCK_UNLOCKED, .dep_map = STATIC_LOCKDEP_MAP_INIT(#name) })
#define DEFINE_SPINLOCK(name) spinlock_t name = __SPIN_LOCK_UNLOCKED(name)

void __spin_lock_init(spinlock_t *l, const char *name, struct lock_class_key *key);

/* Every lock initialised here shares one class, named after the expression. */
#define spin_lock_init(l)                                    \
	do {                                                 \
		static struct lock_class_key __key;          \
		__spin_lock_init((l), #l, &__key);           \
	} while (0)

void spin_lock(spinlock_t *l);
void spin_lock_nested(spinlock_t *l, unsigned int subclass);
bool spin_trylock(spinlock_t *l);
void spin_unlock(spinlock_t *l);
void spin_lock_irq(spinlock_t *l);
void spin_unlock_irq(spinlock_t *l);
unsigned long _spin_lock_irqsave(spinlock_t *l);
unsigned long _spin_lock_irqsave_nested(spinlock_t *l, unsigned int subclass);
bool _spin_trylock_irqsave(spinlock_t *l, unsigned long *flags);
void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags);

#define spin_lock_irqsave(l, flags) ((flags) = _spin_lock_irqsave(l))
#define spin_lock_irqsave_nested(l, flags, sub) ((flags) = _spin_lock_irqsave_nested(l, sub))
#define spin_trylock_irqsave(l, flags) _spin_trylock_irqsave((l), &(flags))

static inline bool spin_is_locked(spinlock_t *l)
{
	return arch_spin_is_locked(&l->raw);
}

#define assert_spin_locked(l) WARN_ON(!spin_is_locked(l))

#endif
