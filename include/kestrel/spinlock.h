/*
 * Spinlocks: a ticket lock, so waiters get the lock in arrival order.
 *
 * spin_lock_irqsave() also disables interrupts on this CPU: use it for any
 * lock that an interrupt handler takes, or the handler can spin forever on
 * a lock its own CPU holds. The lock validator and preemption counting
 * hook in here (issue 3); callers only use this API.
 */
#ifndef KESTREL_SPINLOCK_H
#define KESTREL_SPINLOCK_H

#include <kestrel/compiler.h>
#include <asm/processor.h>

typedef struct {
	u16 next;	/* ticket handed to the next arrival */
	u16 owner;	/* ticket now being served */
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED(name) ((spinlock_t){ 0, 0 })
#define DEFINE_SPINLOCK(name) spinlock_t name = __SPIN_LOCK_UNLOCKED(name)

static inline void spin_lock_init(spinlock_t *l)
{
	l->next = l->owner = 0;
}

static inline void spin_lock(spinlock_t *l)
{
	u16 me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
		cpu_relax();
}

static inline bool spin_trylock(spinlock_t *l)
{
	u16 owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
	u16 expected = owner;

	/* Free only if nobody holds or waits: next == owner. */
	return __atomic_compare_exchange_n(&l->next, &expected, (u16)(owner + 1), false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->owner, (u16)(l->owner + 1), __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(spinlock_t *l)
{
	return READ_ONCE(l->next) != READ_ONCE(l->owner);
}

#define spin_lock_irqsave(l, flags)          \
	do {                                 \
		(flags) = local_irq_save();  \
		spin_lock(l);                \
	} while (0)

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	spin_unlock(l);
	local_irq_restore(flags);
}

static inline void spin_lock_irq(spinlock_t *l)
{
	local_irq_disable();
	spin_lock(l);
}

static inline void spin_unlock_irq(spinlock_t *l)
{
	spin_unlock(l);
	local_irq_enable();
}

#endif
