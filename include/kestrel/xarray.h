/*
 * The page cache's index: a tree mapping page offsets to folios, with
 * per-entry marks (dirty, writeback, towrite) so writeback finds dirty
 * folios without visiting clean ones (lib/xarray.c).
 *
 * Shape: a radix tree of nodes with XA_CHUNK_SIZE (32) slots. The root
 * node's shift says how many index bits lie below it; a node of shift 0
 * holds entries, any other node holds child nodes. Each node also keeps,
 * per mark, a bitmap of its slots that are marked (an inner node's bit
 * means "something below this slot is marked"), so xa_find(..., mark)
 * skips whole unmarked subtrees.
 *
 * Locking: writers (__xa_insert, __xa_erase, __xa_set_mark,
 * __xa_clear_mark) hold xa_lock. Readers (xa_load, xa_find, xa_get_mark)
 * hold xa_lock or rcu_read_lock(): nodes are published with
 * rcu_assign_pointer and freed after a grace period, so a reader under
 * RCU sees either the old or the new tree, never a freed node. (The page
 * cache itself reads under xa_lock: see mm/filemap.c for why.)
 * xa_lock is taken with spin_lock_irqsave (xa_lock_irqsave below):
 * writeback completion may one day run in an interrupt handler.
 */
#ifndef KESTREL_XARRAY_H
#define KESTREL_XARRAY_H

#include <kestrel/gfp.h>
#include <kestrel/types.h>
#include <kestrel/rcupdate.h>
#include <kestrel/spinlock.h>

struct xarray {
	spinlock_t xa_lock;	/* protects the tree and its marks for writers */
	unsigned int xa_flags;
	void *xa_head;		/* root node (struct xa_node); NULL: empty */
};

typedef unsigned int xa_mark_t;
#define XA_MARK_0 0U
#define XA_MARK_1 1U
#define XA_MARK_2 2U
#define XA_MAX_MARKS 3U
#define XA_PRESENT 8U		/* xa_find: any entry, marked or not */

#define XA_CHUNK_SHIFT 5
#define XA_CHUNK_SIZE (1U << XA_CHUNK_SHIFT)
#define XA_CHUNK_MASK (XA_CHUNK_SIZE - 1)

struct xa_node {
	unsigned char shift;		/* index bits below this node */
	unsigned char offset;		/* our slot in parent */
	unsigned char count;		/* non-NULL slots */
	struct xa_node *parent;		/* NULL for the root */
	void *slots[XA_CHUNK_SIZE];	/* entries (shift 0) or child nodes */
	u32 marks[XA_MAX_MARKS];	/* per mark: slots marked (or with marks below) */
	struct rcu_head rcu;
};

#define xa_lock_irqsave(xa, flags) spin_lock_irqsave(&(xa)->xa_lock, flags)
#define xa_unlock_irqrestore(xa, flags) spin_unlock_irqrestore(&(xa)->xa_lock, flags)

void xa_init(struct xarray *xa);
static inline bool xa_empty(const struct xarray *xa)
{
	return READ_ONCE(xa->xa_head) == NULL;
}

/* The entry at index, or NULL. xa_lock or RCU. */
void *xa_load(struct xarray *xa, unsigned long index);
/*
 * The first entry at an index in [*indexp, max] that is present
 * (filter XA_PRESENT) or carries mark filter; *indexp is set to its index.
 * NULL when there is none. xa_lock or RCU.
 */
void *xa_find(struct xarray *xa, unsigned long *indexp, unsigned long max, xa_mark_t filter);
bool xa_get_mark(struct xarray *xa, unsigned long index, xa_mark_t mark);
/* Any entry with this mark? */
bool xa_marked(const struct xarray *xa, xa_mark_t mark);

/* Writers: xa_lock held. Nodes are allocated with gfp (must not sleep). */
/* Store entry at an empty index: 0, -EBUSY if occupied, -ENOMEM. */
int __xa_insert(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp);
/* Remove and return the entry at index (its marks go with it). */
void *__xa_erase(struct xarray *xa, unsigned long index);
void __xa_set_mark(struct xarray *xa, unsigned long index, xa_mark_t mark);
void __xa_clear_mark(struct xarray *xa, unsigned long index, xa_mark_t mark);

#endif
