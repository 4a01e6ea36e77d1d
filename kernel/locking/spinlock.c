/*
 * The spinlock and rwlock operations: the validator hook (lock_acquire()
 * before spinning, so a possible deadlock is reported before it can
 * happen; lock_release() after), then the bare lock. Out of line so that
 * _RET_IP_ is the caller, which is where reports say the lock was taken.
 *
 * Holding a spinlock or rwlock disables preemption (preempt_count,
 * include/kestrel/preempt.h): the holder is never switched out, so a task
 * on the same CPU cannot spin on it for a whole time slice. Unlocking
 * re-enables preemption last, after interrupts are restored, so a
 * pending reschedule happens right there.
 *
 * spin_lock_irqsave() disables interrupts before the validator sees the
 * acquisition, so the lock is not recorded as taken with interrupts on.
 */
#include <kestrel/atomic.h>
#include <kestrel/preempt.h>
#include <kestrel/rwlock.h>
#include <kestrel/spinlock.h>

void __spin_lock_init(spinlock_t *l, const char *name, struct lock_class_key *key)
{
	arch_spin_lock_init(&l->raw);
	lockdep_init_map(&l->dep_map, name, key);
}

static __always_inline void do_spin_lock(spinlock_t *l, unsigned int subclass, unsigned long ip)
{
	preempt_disable();
	lock_acquire_exclusive(&l->dep_map, subclass, 0, ip);
	arch_spin_lock(&l->raw);
}

static __always_inline bool do_spin_trylock(spinlock_t *l, unsigned long ip)
{
	preempt_disable();
	if (!arch_spin_trylock(&l->raw)) {
		preempt_enable();
		return false;
	}
	lock_acquire_exclusive(&l->dep_map, 0, 1, ip);
	return true;
}

static __always_inline void do_spin_unlock(spinlock_t *l, unsigned long ip)
{
	lock_release(&l->dep_map, ip);
	arch_spin_unlock(&l->raw);
}

void spin_lock(spinlock_t *l)
{
	do_spin_lock(l, 0, _RET_IP_);
}

void spin_lock_nested(spinlock_t *l, unsigned int subclass)
{
	do_spin_lock(l, subclass, _RET_IP_);
}

bool spin_trylock(spinlock_t *l)
{
	return do_spin_trylock(l, _RET_IP_);
}

void spin_unlock(spinlock_t *l)
{
	do_spin_unlock(l, _RET_IP_);
	preempt_enable();
}

void spin_lock_irq(spinlock_t *l)
{
	local_irq_disable();
	do_spin_lock(l, 0, _RET_IP_);
}

void spin_unlock_irq(spinlock_t *l)
{
	do_spin_unlock(l, _RET_IP_);
	local_irq_enable();
	preempt_enable();
}

unsigned long _spin_lock_irqsave(spinlock_t *l)
{
	unsigned long flags = local_irq_save();

	do_spin_lock(l, 0, _RET_IP_);
	return flags;
}

unsigned long _spin_lock_irqsave_nested(spinlock_t *l, unsigned int subclass)
{
	unsigned long flags = local_irq_save();

	do_spin_lock(l, subclass, _RET_IP_);
	return flags;
}

bool _spin_trylock_irqsave(spinlock_t *l, unsigned long *flags)
{
	*flags = local_irq_save();
	if (do_spin_trylock(l, _RET_IP_))
		return true;
	local_irq_restore(*flags);
	return false;
}

void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	do_spin_unlock(l, _RET_IP_);
	local_irq_restore(flags);
	preempt_enable();
}

/* ---- rwlock_t ---- */

void __rwlock_init(rwlock_t *l, const char *name, struct lock_class_key *key)
{
	atomic_set(&l->raw.cnt, 0);
	lockdep_init_map(&l->dep_map, name, key);
}

static bool arch_read_trylock(arch_rwlock_t *l)
{
	int v = atomic_read(&l->cnt);

	while (!(v & RW_WRITER_BIT)) {
		if (atomic_try_cmpxchg_acquire(&l->cnt, &v, v + 1))
			return true;
	}
	return false;
}

static void arch_read_lock(arch_rwlock_t *l)
{
	while (!arch_read_trylock(l))
		while (atomic_read(&l->cnt) & RW_WRITER_BIT)
			cpu_relax();
}

static void arch_read_unlock(arch_rwlock_t *l)
{
	atomic_dec_return_release(&l->cnt);
}

static bool arch_write_trylock(arch_rwlock_t *l)
{
	int free = 0;

	return atomic_try_cmpxchg_acquire(&l->cnt, &free, RW_WRITER_BIT);
}

static void arch_write_lock(arch_rwlock_t *l)
{
	while (!arch_write_trylock(l))
		while (atomic_read(&l->cnt))
			cpu_relax();
}

static void arch_write_unlock(arch_rwlock_t *l)
{
	atomic_set_release(&l->cnt, 0);
}

static __always_inline void do_read_lock(rwlock_t *l, unsigned long ip)
{
	preempt_disable();
	lock_acquire_shared_recursive(&l->dep_map, 0, 0, ip);
	arch_read_lock(&l->raw);
}

static __always_inline void do_read_unlock(rwlock_t *l, unsigned long ip)
{
	lock_release(&l->dep_map, ip);
	arch_read_unlock(&l->raw);
}

static __always_inline void do_write_lock(rwlock_t *l, unsigned long ip)
{
	preempt_disable();
	lock_acquire_exclusive(&l->dep_map, 0, 0, ip);
	arch_write_lock(&l->raw);
}

static __always_inline void do_write_unlock(rwlock_t *l, unsigned long ip)
{
	lock_release(&l->dep_map, ip);
	arch_write_unlock(&l->raw);
}

void read_lock(rwlock_t *l)
{
	do_read_lock(l, _RET_IP_);
}

void read_unlock(rwlock_t *l)
{
	do_read_unlock(l, _RET_IP_);
	preempt_enable();
}

bool read_trylock(rwlock_t *l)
{
	preempt_disable();
	if (!arch_read_trylock(&l->raw)) {
		preempt_enable();
		return false;
	}
	lock_acquire_shared_recursive(&l->dep_map, 0, 1, _RET_IP_);
	return true;
}

void write_lock(rwlock_t *l)
{
	do_write_lock(l, _RET_IP_);
}

void write_unlock(rwlock_t *l)
{
	do_write_unlock(l, _RET_IP_);
	preempt_enable();
}

bool write_trylock(rwlock_t *l)
{
	preempt_disable();
	if (!arch_write_trylock(&l->raw)) {
		preempt_enable();
		return false;
	}
	lock_acquire_exclusive(&l->dep_map, 0, 1, _RET_IP_);
	return true;
}

void read_lock_irq(rwlock_t *l)
{
	local_irq_disable();
	do_read_lock(l, _RET_IP_);
}

void read_unlock_irq(rwlock_t *l)
{
	do_read_unlock(l, _RET_IP_);
	local_irq_enable();
	preempt_enable();
}

void write_lock_irq(rwlock_t *l)
{
	local_irq_disable();
	do_write_lock(l, _RET_IP_);
}

void write_unlock_irq(rwlock_t *l)
{
	do_write_unlock(l, _RET_IP_);
	local_irq_enable();
	preempt_enable();
}

unsigned long _read_lock_irqsave(rwlock_t *l)
{
	unsigned long flags = local_irq_save();

	do_read_lock(l, _RET_IP_);
	return flags;
}

unsigned long _write_lock_irqsave(rwlock_t *l)
{
	unsigned long flags = local_irq_save();

	do_write_lock(l, _RET_IP_);
	return flags;
}

void read_unlock_irqrestore(rwlock_t *l, unsigned long flags)
{
	do_read_unlock(l, _RET_IP_);
	local_irq_restore(flags);
	preempt_enable();
}

void write_unlock_irqrestore(rwlock_t *l, unsigned long flags)
{
	do_write_unlock(l, _RET_IP_);
	local_irq_restore(flags);
	preempt_enable();
}
