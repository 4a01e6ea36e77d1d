/*
 * The lock validator ("lockdep"): proves lock usage correct as it runs,
 * reporting a possible deadlock the first time the pattern that allows it
 * happens, not only when two CPUs actually deadlock.
 *
 * Every lock (spinlock_t, rwlock_t, seqcount_t, mutex, rw_semaphore) has a
 * struct lockdep_map. Locks are grouped into classes: all locks initialised
 * at the same spin_lock_init()/mutex_init()/... call site share one class
 * (the macro declares a `static struct lock_class_key` there), and a
 * statically defined lock (DEFINE_SPINLOCK ...) is its own class, keyed by
 * its address. The validator reasons about classes, so "every inode's
 * i_lock" is one node of its graph.
 *
 * Each task has a stack of held locks (an interrupt handler's go on top
 * of the interrupted task's). Acquiring lock B while holding A records the edge A -> B in the
 * order graph; an edge that closes a cycle is reported with both chains.
 * It also tracks, per class, whether the lock was taken in a hardirq and
 * whether with interrupts enabled: both means an interrupt can arrive while
 * the lock is held and spin on it forever.
 *
 * After the first report it switches itself off (the graph may be
 * inconsistent after a bug), as Linux does. Build with LOCKDEP=n or boot
 * with lockdep=off to turn it off for benchmarks.
 *
 * Locking of the validator itself: see kernel/locking/lockdep.c.
 */
#ifndef KESTREL_LOCKDEP_H
#define KESTREL_LOCKDEP_H

#include <kestrel/compiler.h>

#define MAX_LOCKDEP_SUBCLASSES 8U
#define MAX_LOCK_DEPTH 48U

/* The address of a subkey identifies a class; the content is never used. */
struct lock_class_key {
	char subkeys[MAX_LOCKDEP_SUBCLASSES];
};

struct lock_class;

struct lockdep_map {
	struct lock_class_key *key;	/* NULL: a static lock, keyed by this map's address */
	const char *name;		/* the lock's name for reports */
	struct lock_class *class_cache;	/* class of subclass 0, once looked up */
};

/* One lock held by a context. */
struct held_lock {
	struct lockdep_map *map;
	struct lock_class *class;
	unsigned long ip;	/* where it was acquired */
	u8 read;		/* 0 exclusive, 1 shared, 2 shared and recursive */
	u8 trylock;		/* acquired by a trylock: adds no order edge itself */
	u8 hardirq;		/* acquired in hardirq context */
};

/*
 * The stack of locks a task holds, embedded in struct task_struct; only
 * the task changes it (with interrupts off).
 */
struct held_locks {
	unsigned int depth;
	struct held_lock stack[MAX_LOCK_DEPTH];
};

#define _RET_IP_ ((unsigned long)__builtin_return_address(0))
#define _THIS_IP_ ({ __label__ __here; __here: (unsigned long)&&__here; })

#ifdef CONFIG_LOCKDEP

#define STATIC_LOCKDEP_MAP_INIT(n) { .key = NULL, .name = (n), .class_cache = NULL }

/* Non-zero while the validator is checking (turned off by a report or lockdep=off). */
extern int debug_locks;

void lockdep_init(void);
void lockdep_init_map(struct lockdep_map *map, const char *name, struct lock_class_key *key);

/*
 * read: 0 exclusive, 1 shared (rwsem readers: a waiting writer blocks new
 * readers), 2 shared recursive (rwlock readers, seqcount readers).
 * trylock: the acquisition cannot block, so it adds no order edge into the lock.
 */
void lock_acquire(struct lockdep_map *map, unsigned int subclass, int trylock, int read,
		  unsigned long ip);
void lock_release(struct lockdep_map *map, unsigned long ip);
/* A held exclusive lock becomes shared, in place (downgrade_write). */
void lock_downgrade(struct lockdep_map *map, unsigned long ip);

/* Whether this context holds map: read -1 in any mode, 0 exclusively, 1 shared. */
bool lock_is_held_type(const struct lockdep_map *map, int read);

/* Report (once) a failed lockdep_assert_*: the lock and the caller. */
void lockdep_assert_failed(const struct lockdep_map *map, const char *what, unsigned long ip);

#define lock_is_held(m) lock_is_held_type((m), -1)

#define __lockdep_assert(l, ok, what)                                              \
	do {                                                                       \
		if (debug_locks && !(ok))                                          \
			lockdep_assert_failed(&(l)->dep_map, what, _THIS_IP_);     \
	} while (0)
#define lockdep_assert_held(l) __lockdep_assert(l, lock_is_held(&(l)->dep_map), "held")
#define lockdep_assert_held_write(l) \
	__lockdep_assert(l, lock_is_held_type(&(l)->dep_map, 0), "held for write")
#define lockdep_assert_held_read(l) \
	__lockdep_assert(l, lock_is_held_type(&(l)->dep_map, 1), "held for read")
#define lockdep_assert_not_held(l) \
	__lockdep_assert(l, !lock_is_held(&(l)->dep_map), "not held")

/* Print the locks this context holds (nothing if none). */
void lockdep_print_held_locks(const struct held_locks *h, const char *who);
/* The running task's held-lock stack. */
struct held_locks *lockdep_current_held_locks(void);
/* Number of locks this context holds. */
unsigned int lockdep_depth(void);

/*
 * A report about the current context that is not about one lock (used by
 * might_sleep()): kind "BUG" or "WARNING", a title, an optional detail
 * line; prints held locks and the stack from ip. Switches the validator
 * off like every report (unless a test expects it).
 */
void lockdep_report_context(const char *kind, const char *title, const char *detail,
			    unsigned long ip);

/*
 * A report about another task p (the hung-task detector): its held locks
 * and the call chain stack[0..n) it sleeps in.
 */
struct task_struct;
void lockdep_report_task(const char *kind, const char *title, struct task_struct *p,
			 const unsigned long *stack, unsigned int n);

/*
 * Called on the way back to user space: a lock held there stays held
 * forever. Reports "BUG: lock held when returning to user space".
 */
void lockdep_sys_exit(void);

/*
 * For tests that provoke a report on purpose. lockdep_expect_report()
 * arms a capture: the next report goes into a buffer instead of the log
 * (which only gets a "locking: expected report" line, not counted as a
 * failure by the test harness) and does not switch the validator off. lockdep_expect_end() disarms and
 * returns the captured text, or NULL if no report came.
 */
void lockdep_expect_report(void);
const char *lockdep_expect_end(void);
/* Whether the armed capture has caught its report yet (tests poll it). */
bool lockdep_expect_captured(void);

#else /* !CONFIG_LOCKDEP */

#define STATIC_LOCKDEP_MAP_INIT(n) { .key = NULL, .name = (n), .class_cache = NULL }
#define debug_locks 0
static inline void lockdep_init(void) {}
static inline void lockdep_init_map(struct lockdep_map *map, const char *name,
				    struct lock_class_key *key)
{
	map->key = key;
	map->name = name;
	map->class_cache = NULL;
}
static inline void lock_acquire(struct lockdep_map *map, unsigned int subclass, int trylock,
				int read, unsigned long ip) {}
static inline void lock_release(struct lockdep_map *map, unsigned long ip) {}
static inline void lock_downgrade(struct lockdep_map *map, unsigned long ip) {}
static inline bool lock_is_held_type(const struct lockdep_map *map, int read) { return true; }
#define lock_is_held(m) lock_is_held_type((m), -1)
static inline void lockdep_report_context(const char *kind, const char *title,
					  const char *detail, unsigned long ip) {}
#define lockdep_assert_held(l) do { (void)(l); } while (0)
#define lockdep_assert_held_write(l) do { (void)(l); } while (0)
#define lockdep_assert_held_read(l) do { (void)(l); } while (0)
#define lockdep_assert_not_held(l) do { (void)(l); } while (0)
static inline void lockdep_print_held_locks(const struct held_locks *h, const char *who) {}
static inline unsigned int lockdep_depth(void) { return 0; }
static inline void lockdep_sys_exit(void) {}
static inline void lockdep_expect_report(void) {}
static inline const char *lockdep_expect_end(void) { return NULL; }
static inline bool lockdep_expect_captured(void) { return false; }

#endif /* CONFIG_LOCKDEP */

/*
 * Give a lock (any primitive with a dep_map) the class of another key,
 * after its init call: e.g. one i_rwsem class per filesystem type, keyed
 * in struct file_system_type, instead of one for every inode.
 */
#define lockdep_set_class(lock, key) lockdep_init_map(&(lock)->dep_map, #key, key)
#define lockdep_set_class_and_name(lock, key, name) lockdep_init_map(&(lock)->dep_map, name, key)

/*
 * "This code could take lock l (for reading) here": record the order
 * edges from the locks held now, as an acquisition would, without taking
 * it (might_fault() and mmap_lock).
 */
#define might_lock_read(l)                                                 \
	do {                                                               \
		lock_acquire(&(l)->dep_map, 0, 0, 1, _THIS_IP_);           \
		lock_release(&(l)->dep_map, _THIS_IP_);                    \
	} while (0)

/* Shorthands used by the primitives. */
#define lock_acquire_exclusive(m, s, t, ip) lock_acquire(m, s, t, 0, ip)
#define lock_acquire_shared(m, s, t, ip) lock_acquire(m, s, t, 1, ip)
#define lock_acquire_shared_recursive(m, s, t, ip) lock_acquire(m, s, t, 2, ip)

#endif
