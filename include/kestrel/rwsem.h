/*
 * Reader-writer semaphores: sleeping locks held by many readers or one
 * writer (the spec's ->i_rwsem, ->s_umount, mmap_lock, invalidate_lock).
 *
 *	DECLARE_RWSEM(name) / init_rwsem(&s)
 *	down_read / up_read		shared
 *	down_write / up_write		exclusive
 *	down_read_trylock / down_write_trylock	true if taken
 *	downgrade_write			writer becomes a reader, atomically
 *	down_read_nested / down_write_nested	same class nested on purpose
 *	lockdep_assert_held_read / _write / lockdep_assert_held
 *
 * Writer-fair: once a writer waits, new readers queue behind it, so a
 * steady stream of readers cannot starve writers. The price: a reader
 * must not take the same rwsem for read again while holding it (a writer
 * queued in between would deadlock both); the validator reports that.
 * Waiters are served in arrival order: a writer alone, or the run of
 * readers at the head of the queue together.
 *
 * No lost wake-up: the releasing task hands the lock to the waiters it
 * wakes (it updates count and sets waiter->granted under wait_lock), and
 * a waiter only checks its own granted flag after setting its state.
 */
#ifndef KESTREL_RWSEM_H
#define KESTREL_RWSEM_H

#include <kestrel/list.h>
#include <kestrel/lockdep.h>
#include <kestrel/spinlock.h>

struct task_struct;

struct rw_semaphore {
	spinlock_t wait_lock;		/* protects count, owner and wait_list */
	long count;			/* > 0: readers; -1: a writer; 0: free */
	struct task_struct *owner;	/* the writer, for debugging */
	struct list_head wait_list;	/* struct rwsem_waiter, oldest first */
	struct lockdep_map dep_map;
};

#define __RWSEM_INITIALIZER(name)                                                   \
	{ .wait_lock = __SPIN_LOCK_UNLOCKED(name.wait_lock), .count = 0, .owner = NULL, \
	  .wait_list = LIST_HEAD_INIT(name.wait_list),                              \
	  .dep_map = STATIC_LOCKDEP_MAP_INIT(#name) }
#define DECLARE_RWSEM(name) struct rw_semaphore name = __RWSEM_INITIALIZER(name)

void __init_rwsem(struct rw_semaphore *s, const char *name, struct lock_class_key *key);
#define init_rwsem(s)                                    \
	do {                                             \
		static struct lock_class_key __key;      \
		__init_rwsem((s), #s, &__key);           \
	} while (0)

void down_read(struct rw_semaphore *s);
void down_read_nested(struct rw_semaphore *s, unsigned int subclass);
bool down_read_trylock(struct rw_semaphore *s);
void up_read(struct rw_semaphore *s);
void down_write(struct rw_semaphore *s);
void down_write_nested(struct rw_semaphore *s, unsigned int subclass);
bool down_write_trylock(struct rw_semaphore *s);
void up_write(struct rw_semaphore *s);
void downgrade_write(struct rw_semaphore *s);

static inline bool rwsem_is_locked(struct rw_semaphore *s)
{
	return READ_ONCE(s->count) != 0;
}

#endif
