/*
 * Sequence counters and sequence locks: readers never block writers and
 * never write shared memory; they retry if a writer ran meanwhile.
 *
 * A seqcount_t is an even counter that a writer makes odd while it
 * changes the data and even again after. A reader
 *
 *	do {
 *		seq = read_seqbegin(&rename_lock);
 *		... read the data into locals, no side effects ...
 *	} while (read_seqretry(&rename_lock, seq));
 *
 * gets a consistent snapshot. Readers may see torn data inside the loop:
 * they must only copy and must not follow pointers that a writer may have
 * freed (with RCU they may). Writers must exclude each other: seqlock_t
 * pairs the counter with a spinlock; a bare seqcount_t needs a lock of
 * the caller's (keep it next to the counter and name it in a comment).
 *
 *	read_seqcount_begin(&s)		wait while a write is in progress
 *	raw_seqcount_begin(&s)		do not wait: a start value that fails
 *					read_seqcount_retry() if a write was in
 *					progress (rcu-walk: fall back instead)
 *	read_seqcount_retry(&s, seq)	true: the data changed, retry
 *	write_seqcount_begin/end(&s)
 *	seqlock_t: read_seqbegin / read_seqretry, write_seqlock /
 *	write_sequnlock (+_irqsave/_irqrestore), read_seqlock_excl /
 *	read_sequnlock_excl (a reader that takes the lock: never retries)
 *
 * Ordering: begin reads the counter with acquire, retry puts smp_rmb()
 * before re-reading it; the writer puts smp_wmb() after making the
 * counter odd and before making it even.
 *
 * Validator: a writer is an exclusive acquisition of the counter's map;
 * a reader is a recursive-read acquisition and release, so a reader in an
 * interrupt handler against a writer with interrupts on (a reader that
 * would spin forever on the odd count) is reported.
 */
#ifndef KESTREL_SEQLOCK_H
#define KESTREL_SEQLOCK_H

#include <kestrel/atomic.h>
#include <kestrel/spinlock.h>

typedef struct seqcount {
	unsigned int sequence;
	struct lockdep_map dep_map;
} seqcount_t;

#define SEQCNT_ZERO(name) { .sequence = 0, .dep_map = STATIC_LOCKDEP_MAP_INIT(#name) }

static inline void __seqcount_init(seqcount_t *s, const char *name, struct lock_class_key *key)
{
	s->sequence = 0;
	lockdep_init_map(&s->dep_map, name, key);
}

#define seqcount_init(s)                                 \
	do {                                             \
		static struct lock_class_key __key;      \
		__seqcount_init((s), #s, &__key);        \
	} while (0)

/* ---- readers ---- */

static __always_inline unsigned int raw_read_seqcount_begin(const seqcount_t *s)
{
	unsigned int seq;

	while ((seq = smp_load_acquire(&s->sequence)) & 1)
		cpu_relax();
	return seq;
}

static __always_inline unsigned int read_seqcount_begin(const seqcount_t *s)
{
	/* Tell the validator a reader was here (cast: the map is validator state). */
	lock_acquire_shared_recursive((struct lockdep_map *)&s->dep_map, 0, 0, _THIS_IP_);
	lock_release((struct lockdep_map *)&s->dep_map, _THIS_IP_);
	return raw_read_seqcount_begin(s);
}

/* No waiting: an odd count becomes an even one that cannot match on retry. */
static __always_inline unsigned int raw_seqcount_begin(const seqcount_t *s)
{
	return smp_load_acquire(&s->sequence) & ~1U;
}

static __always_inline bool read_seqcount_retry(const seqcount_t *s, unsigned int start)
{
	smp_rmb();
	return unlikely(READ_ONCE(s->sequence) != start);
}

/* ---- writers (the caller excludes other writers) ---- */

static __always_inline void raw_write_seqcount_begin(seqcount_t *s)
{
	WRITE_ONCE(s->sequence, s->sequence + 1);
	smp_wmb();
}

static __always_inline void raw_write_seqcount_end(seqcount_t *s)
{
	smp_wmb();
	WRITE_ONCE(s->sequence, s->sequence + 1);
}

static __always_inline void write_seqcount_begin(seqcount_t *s)
{
	lock_acquire_exclusive(&s->dep_map, 0, 0, _THIS_IP_);
	raw_write_seqcount_begin(s);
}

static __always_inline void write_seqcount_end(seqcount_t *s)
{
	raw_write_seqcount_end(s);
	lock_release(&s->dep_map, _THIS_IP_);
}

/* Make every reader that started before this call retry. */
static __always_inline void write_seqcount_invalidate(seqcount_t *s)
{
	smp_wmb();
	WRITE_ONCE(s->sequence, s->sequence + 2);
}

/* ---- seqlock_t: a seqcount with its writers' spinlock ---- */

typedef struct {
	seqcount_t seqcount;
	spinlock_t lock;	/* serializes writers (and locking readers) */
} seqlock_t;

#define __SEQLOCK_UNLOCKED(name) \
	{ .seqcount = SEQCNT_ZERO(name.seqcount), .lock = __SPIN_LOCK_UNLOCKED(name.lock) }
#define DEFINE_SEQLOCK(name) seqlock_t name = __SEQLOCK_UNLOCKED(name)

#define seqlock_init(sl)                            \
	do {                                        \
		seqcount_init(&(sl)->seqcount);     \
		spin_lock_init(&(sl)->lock);        \
	} while (0)

static __always_inline unsigned int read_seqbegin(const seqlock_t *sl)
{
	return read_seqcount_begin(&sl->seqcount);
}

static __always_inline bool read_seqretry(const seqlock_t *sl, unsigned int start)
{
	return read_seqcount_retry(&sl->seqcount, start);
}

static __always_inline void write_seqlock(seqlock_t *sl)
{
	spin_lock(&sl->lock);
	write_seqcount_begin(&sl->seqcount);
}

static __always_inline void write_sequnlock(seqlock_t *sl)
{
	write_seqcount_end(&sl->seqcount);
	spin_unlock(&sl->lock);
}

static __always_inline unsigned long __write_seqlock_irqsave(seqlock_t *sl)
{
	unsigned long flags;

	spin_lock_irqsave(&sl->lock, flags);
	write_seqcount_begin(&sl->seqcount);
	return flags;
}
#define write_seqlock_irqsave(sl, flags) ((flags) = __write_seqlock_irqsave(sl))

static __always_inline void write_sequnlock_irqrestore(seqlock_t *sl, unsigned long flags)
{
	write_seqcount_end(&sl->seqcount);
	spin_unlock_irqrestore(&sl->lock, flags);
}

/* A reader that excludes writers instead of retrying (it changes nothing). */
static __always_inline void read_seqlock_excl(seqlock_t *sl)
{
	spin_lock(&sl->lock);
}

static __always_inline void read_sequnlock_excl(seqlock_t *sl)
{
	spin_unlock(&sl->lock);
}

#endif
