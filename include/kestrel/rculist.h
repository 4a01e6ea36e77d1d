/*
 * Lists that readers walk under rcu_read_lock() while an updater changes
 * them (include/kestrel/rcupdate.h, docs/rcu.md).
 *
 * Protocol: updaters serialize among themselves (a spinlock, usually) and
 * use the _rcu functions below; readers use list_for_each_entry_rcu /
 * hlist_for_each_entry_rcu inside rcu_read_lock() and take no lock.
 *   - Adding publishes the new node with rcu_assign_pointer after its
 *     own pointers are set: a reader sees the node complete or not at all.
 *   - Removing unlinks the node but leaves its next pointer intact, so a
 *     reader standing on it continues along the list. The node may be
 *     freed only after a grace period (synchronize_rcu, call_rcu,
 *     kfree_rcu): until then readers may still be on it.
 *   - A reader may see a node added or removed concurrently, or not; it
 *     never sees a half-linked node and never touches freed memory.
 * Only forward traversal (next) is safe for readers: prev pointers are
 * not published in order.
 */
#ifndef KESTREL_RCULIST_H
#define KESTREL_RCULIST_H

#include <kestrel/list.h>
#include <kestrel/rcupdate.h>

/* ---- list_head ---- */

/* Readers: the next pointer of a node or head, as RCU reads it. */
#define list_next_rcu(list) (*((struct list_head **)(&(list)->next)))

static inline void __list_add_rcu(struct list_head *n, struct list_head *prev,
				  struct list_head *next)
{
	n->next = next;
	n->prev = prev;
	rcu_assign_pointer(list_next_rcu(prev), n);
	next->prev = n;
}

static inline void list_add_rcu(struct list_head *n, struct list_head *head)
{
	__list_add_rcu(n, head, head->next);
}

static inline void list_add_tail_rcu(struct list_head *n, struct list_head *head)
{
	__list_add_rcu(n, head->prev, head);
}

/*
 * Unlink e; e->next stays valid for readers on e. e->prev is poisoned
 * (NULL) so an updater that wrongly reuses it faults at once.
 */
static inline void list_del_rcu(struct list_head *e)
{
	e->next->prev = e->prev;
	WRITE_ONCE(e->prev->next, e->next);
	e->prev = NULL;
}

/* Put n where old was; old keeps its pointers for readers on it. */
static inline void list_replace_rcu(struct list_head *old, struct list_head *n)
{
	n->next = old->next;
	n->prev = old->prev;
	rcu_assign_pointer(list_next_rcu(n->prev), n);
	n->next->prev = n;
	old->prev = NULL;
}

#define list_entry_rcu(ptr, type, member) container_of(READ_ONCE(ptr), type, member)

/* The first entry, or NULL if the list is empty (one read of head->next). */
#define list_first_or_null_rcu(head, type, member)                              \
	({                                                                      \
		struct list_head *__head = (head);                              \
		struct list_head *__next = READ_ONCE(__head->next);             \
		__next != __head ? list_entry_rcu(__next, type, member) : NULL; \
	})

/*
 * The optional cond of the traversals below names the update-side
 * protection of a caller outside any reader (lockdep_is_held(&lock)):
 * with neither, the traversal is reported as suspicious RCU usage.
 */
#define __list_check_rcu(dummy, cond, extra...)                                      \
	({                                                                          \
		RCU_LOCKDEP_WARN(!(cond) && !rcu_read_lock_any_held(),              \
				 "RCU list traversed outside a reader section");   \
	})

/* Walk under rcu_read_lock() (or with the update-side lock held, named by cond). */
#define list_for_each_entry_rcu(pos, head, member, cond...)                         \
	for (__list_check_rcu(dummy, ##cond, 0),                                    \
	     pos = list_entry_rcu((head)->next, __typeof__(*pos), member);          \
	     &pos->member != (head);                                                \
	     pos = list_entry_rcu(pos->member.next, __typeof__(*pos), member))

/* ---- hlist ---- */

#define hlist_first_rcu(head) (*((struct hlist_node **)(&(head)->first)))
#define hlist_next_rcu(node) (*((struct hlist_node **)(&(node)->next)))

static inline void hlist_add_head_rcu(struct hlist_node *n, struct hlist_head *h)
{
	struct hlist_node *first = h->first;

	n->next = first;
	WRITE_ONCE(n->pprev, &h->first);
	rcu_assign_pointer(hlist_first_rcu(h), n);
	if (first)
		WRITE_ONCE(first->pprev, &n->next);
}

/* Insert n just before next (which is on a list). */
static inline void hlist_add_before_rcu(struct hlist_node *n, struct hlist_node *next)
{
	WRITE_ONCE(n->pprev, next->pprev);
	n->next = next;
	rcu_assign_pointer(*n->pprev, n);
	WRITE_ONCE(next->pprev, &n->next);
}

/* Insert n just after prev. */
static inline void hlist_add_behind_rcu(struct hlist_node *n, struct hlist_node *prev)
{
	n->next = prev->next;
	WRITE_ONCE(n->pprev, &prev->next);
	rcu_assign_pointer(hlist_next_rcu(prev), n);
	if (n->next)
		WRITE_ONCE(n->next->pprev, &n->next);
}

/* Unlink n; n->next stays valid for readers on n; pprev is poisoned. */
static inline void hlist_del_rcu(struct hlist_node *n)
{
	__hlist_del(n);
	WRITE_ONCE(n->pprev, NULL);
}

/*
 * Unlink n and mark it unhashed (hlist_unhashed() true afterwards), as
 * d_drop() does; n->next stays valid for readers.
 */
static inline void hlist_del_init_rcu(struct hlist_node *n)
{
	if (!hlist_unhashed(n)) {
		__hlist_del(n);
		WRITE_ONCE(n->pprev, NULL);
	}
}

/* Put n where old was. */
static inline void hlist_replace_rcu(struct hlist_node *old, struct hlist_node *n)
{
	struct hlist_node *next = old->next;

	n->next = next;
	WRITE_ONCE(n->pprev, old->pprev);
	rcu_assign_pointer(*n->pprev, n);
	if (next)
		WRITE_ONCE(next->pprev, &n->next);
	WRITE_ONCE(old->pprev, NULL);
}

#define hlist_for_each_entry_rcu(pos, head, member, cond...)                           \
	for (__list_check_rcu(dummy, ##cond, 0),                                       \
	     pos = hlist_entry_safe(READ_ONCE(hlist_first_rcu(head)), __typeof__(*(pos)), \
				    member);                                           \
	     pos;                                                                      \
	     pos = hlist_entry_safe(READ_ONCE(hlist_next_rcu(&(pos)->member)),        \
				    __typeof__(*(pos)), member))

#endif
