/*
 * A radix tree with marks: the index of the page cache (i_pages).
 * include/kestrel/xarray.h describes the shape and the locking.
 *
 * Writers hold xa_lock. Every change a reader could see is a single
 * pointer store (rcu_assign_pointer), and nodes are freed with kfree_rcu,
 * so lock-free readers under RCU walk a consistent tree. Marks are kept
 * in every node on the path: setting a mark sets it up to the first
 * ancestor that already had it; clearing clears upward only while a node
 * has no other slot with the mark.
 */
#include <kestrel/errno.h>
#include <kestrel/printk.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/xarray.h>

void xa_init(struct xarray *xa)
{
	spin_lock_init(&xa->xa_lock);
	xa->xa_flags = 0;
	xa->xa_head = NULL;
}

/* The largest index a tree whose root has this shift can hold, plus one (0: all). */
static unsigned long node_span(unsigned int shift)
{
	unsigned int bits = shift + XA_CHUNK_SHIFT;

	return bits >= 8 * sizeof(long) ? 0 : 1UL << bits;
}

static bool index_fits(const struct xa_node *root, unsigned long index)
{
	unsigned long span = node_span(root->shift);

	return !span || index < span;
}

static unsigned int slot_of(const struct xa_node *node, unsigned long index)
{
	return (index >> node->shift) & XA_CHUNK_MASK;
}

void *xa_load(struct xarray *xa, unsigned long index)
{
	struct xa_node *node = rcu_dereference_raw(xa->xa_head);

	if (!node || !index_fits(node, index))
		return NULL;
	for (;;) {
		void *entry = rcu_dereference_raw(node->slots[slot_of(node, index)]);

		if (!node->shift || !entry)
			return entry;
		node = entry;
	}
}

bool xa_get_mark(struct xarray *xa, unsigned long index, xa_mark_t mark)
{
	struct xa_node *node = rcu_dereference_raw(xa->xa_head);

	if (!node || !index_fits(node, index))
		return false;
	for (;;) {
		unsigned int off = slot_of(node, index);

		if (!(READ_ONCE(node->marks[mark]) & (1U << off)))
			return false;
		if (!node->shift)
			return true;
		node = rcu_dereference_raw(node->slots[off]);
		if (!node)
			return false;
	}
}

bool xa_marked(const struct xarray *xa, xa_mark_t mark)
{
	struct xa_node *node = rcu_dereference_raw(xa->xa_head);

	return node && READ_ONCE(node->marks[mark]) != 0;
}

/* First slot >= off of node that is in use (or marked). XA_CHUNK_SIZE if none. */
static unsigned int next_slot(struct xa_node *node, unsigned int off, xa_mark_t filter)
{
	for (; off < XA_CHUNK_SIZE; off++) {
		if (filter == XA_PRESENT) {
			if (rcu_dereference_raw(node->slots[off]))
				return off;
		} else if (READ_ONCE(node->marks[filter]) & (1U << off)) {
			return off;
		}
	}
	return XA_CHUNK_SIZE;
}

void *xa_find(struct xarray *xa, unsigned long *indexp, unsigned long max, xa_mark_t filter)
{
	unsigned long index = *indexp;

restart:
	if (index > max)
		return NULL;
	{
		struct xa_node *node = rcu_dereference_raw(xa->xa_head);

		if (!node || !index_fits(node, index))
			return NULL;
		for (;;) {
			unsigned int off = slot_of(node, index);
			unsigned int found = next_slot(node, off, filter);
			unsigned long span = node_span(node->shift);
			void *entry;

			if (found == XA_CHUNK_SIZE) {
				/* Nothing left under this node: continue after its range. */
				if (!span)
					return NULL;
				index = (index | (span - 1)) + 1;
				if (!index)
					return NULL;
				goto restart;
			}
			if (found != off)
				index = (index & ~((span ? span : 0) - 1)) |
					((unsigned long)found << node->shift);
			if (index > max)
				return NULL;
			entry = rcu_dereference_raw(node->slots[found]);
			if (!entry) {
				/* Erased under an RCU reader: skip the slot. */
				index = (index | ((1UL << node->shift) - 1)) + 1;
				if (!index)
					return NULL;
				goto restart;
			}
			if (!node->shift) {
				*indexp = index;
				return entry;
			}
			node = entry;
		}
	}
}

static struct xa_node *node_alloc(unsigned int shift, gfp_t gfp)
{
	struct xa_node *node = kzalloc(sizeof(*node), gfp);

	if (node)
		node->shift = shift;
	return node;
}

/* Make the tree tall enough to hold index. */
static int grow(struct xarray *xa, unsigned long index, gfp_t gfp)
{
	struct xa_node *root = xa->xa_head;

	if (!root) {
		unsigned int shift = 0;

		while (node_span(shift) && index >= node_span(shift))
			shift += XA_CHUNK_SHIFT;
		root = node_alloc(shift, gfp);
		if (!root)
			return -ENOMEM;
		rcu_assign_pointer(xa->xa_head, root);
		return 0;
	}
	while (!index_fits(root, index)) {
		struct xa_node *top = node_alloc(root->shift + XA_CHUNK_SHIFT, gfp);

		if (!top)
			return -ENOMEM;
		for (xa_mark_t m = 0; m < XA_MAX_MARKS; m++)
			if (root->marks[m])
				top->marks[m] = 1U;
		top->slots[0] = root;
		top->count = 1;
		root->parent = top;
		root->offset = 0;
		rcu_assign_pointer(xa->xa_head, top);
		root = top;
	}
	return 0;
}

int __xa_insert(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp)
{
	struct xa_node *node;
	int err;

	lockdep_assert_held(&xa->xa_lock);
	err = grow(xa, index, gfp);
	if (err)
		return err;
	node = xa->xa_head;
	while (node->shift) {
		unsigned int off = slot_of(node, index);
		struct xa_node *child = node->slots[off];

		if (!child) {
			child = node_alloc(node->shift - XA_CHUNK_SHIFT, gfp);
			if (!child)
				return -ENOMEM;	/* an empty path stays: harmless, reused next time */
			child->parent = node;
			child->offset = off;
			rcu_assign_pointer(node->slots[off], child);
			node->count++;
		}
		node = child;
	}
	if (node->slots[slot_of(node, index)])
		return -EBUSY;
	rcu_assign_pointer(node->slots[slot_of(node, index)], entry);
	node->count++;
	return 0;
}

/* The leaf node holding index, or NULL. */
static struct xa_node *leaf_of(struct xarray *xa, unsigned long index)
{
	struct xa_node *node = xa->xa_head;

	if (!node || !index_fits(node, index))
		return NULL;
	while (node && node->shift)
		node = node->slots[slot_of(node, index)];
	return node;
}

static void clear_mark_up(struct xa_node *node, unsigned int off, xa_mark_t mark)
{
	while (node) {
		WRITE_ONCE(node->marks[mark], node->marks[mark] & ~(1U << off));
		if (node->marks[mark])
			return;
		off = node->offset;
		node = node->parent;
	}
}

static void set_mark_up(struct xa_node *node, unsigned int off, xa_mark_t mark)
{
	while (node && !(node->marks[mark] & (1U << off))) {
		WRITE_ONCE(node->marks[mark], node->marks[mark] | (1U << off));
		off = node->offset;
		node = node->parent;
	}
}

/* Drop the root while it has a single child in slot 0 (the tree got shorter). */
static void shrink(struct xarray *xa)
{
	struct xa_node *root = xa->xa_head;

	while (root && root->shift && root->count == 1 && root->slots[0]) {
		struct xa_node *child = root->slots[0];

		child->parent = NULL;
		rcu_assign_pointer(xa->xa_head, child);
		kfree_rcu(root, rcu);
		root = child;
	}
}

void *__xa_erase(struct xarray *xa, unsigned long index)
{
	struct xa_node *node = leaf_of(xa, index);
	unsigned int off;
	void *entry;

	lockdep_assert_held(&xa->xa_lock);
	if (!node)
		return NULL;
	off = slot_of(node, index);
	entry = node->slots[off];
	if (!entry)
		return NULL;
	for (xa_mark_t m = 0; m < XA_MAX_MARKS; m++)
		if (node->marks[m] & (1U << off))
			clear_mark_up(node, off, m);
	rcu_assign_pointer(node->slots[off], NULL);
	node->count--;
	/* Free nodes left empty, bottom up. */
	while (node && !node->count) {
		struct xa_node *parent = node->parent;

		if (parent) {
			rcu_assign_pointer(parent->slots[node->offset], NULL);
			parent->count--;
		} else {
			rcu_assign_pointer(xa->xa_head, NULL);
		}
		kfree_rcu(node, rcu);
		node = parent;
	}
	shrink(xa);
	return entry;
}

void __xa_set_mark(struct xarray *xa, unsigned long index, xa_mark_t mark)
{
	struct xa_node *node = leaf_of(xa, index);

	lockdep_assert_held(&xa->xa_lock);
	if (node && node->slots[slot_of(node, index)])
		set_mark_up(node, slot_of(node, index), mark);
}

void __xa_clear_mark(struct xarray *xa, unsigned long index, xa_mark_t mark)
{
	struct xa_node *node = leaf_of(xa, index);

	lockdep_assert_held(&xa->xa_lock);
	if (node && (node->marks[mark] & (1U << slot_of(node, index))))
		clear_mark_up(node, slot_of(node, index), mark);
}
