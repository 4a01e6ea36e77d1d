/*
 * Red-black trees (lib/rbtree.c), with Linux's calling convention: the
 * tree knows nothing about keys. The user embeds a struct rb_node in its
 * object, walks down from root->rb_node comparing keys itself, links the
 * new node at the empty child slot it found (rb_link_node), then asks the
 * tree to rebalance (rb_insert_color). rb_erase takes a node out.
 *
 * The rules (every path from a node down to a missing child has the same
 * number of black nodes; a red node has no red child) keep the height at
 * most 2*log2(n+1), so lookups, inserts and erases are O(log n).
 *
 * Augmented trees: an object may keep a value computed from its subtree
 * (the mm's VMA tree does not; the i_mmap interval tree keeps the largest
 * end below each node). Pass a callback that recomputes one node's value
 * from its own fields and its children's values: the *_augmented calls
 * invoke it on every node whose subtree changed, bottom up.
 *
 * No locking here: the owner of the tree serializes changes (mm's
 * mmap_lock, a mapping's i_mmap_rwsem) and lookups against them.
 */
#ifndef KESTREL_RBTREE_H
#define KESTREL_RBTREE_H

#include <kestrel/types.h>

struct rb_node {
	struct rb_node *rb_parent;	/* NULL at the root */
	struct rb_node *rb_left, *rb_right;
	bool rb_red;
};

struct rb_root {
	struct rb_node *rb_node;	/* NULL: empty */
};

#define RB_ROOT ((struct rb_root){ NULL })
#define RB_EMPTY_ROOT(root) ((root)->rb_node == NULL)

#define rb_entry(ptr, type, member) container_of(ptr, type, member)
#define rb_entry_safe(ptr, type, member) \
	({ struct rb_node *__p = (ptr); __p ? rb_entry(__p, type, member) : NULL; })

/* Recompute node's augmented value from itself and its children. */
typedef void (*rb_augment_fn)(struct rb_node *node);

/* Put node (red, no children) into the empty slot *link below parent. */
static inline void rb_link_node(struct rb_node *node, struct rb_node *parent,
				struct rb_node **link)
{
	node->rb_parent = parent;
	node->rb_left = node->rb_right = NULL;
	node->rb_red = true;
	*link = node;
}

/* Rebalance after rb_link_node. */
void rb_insert_color(struct rb_node *node, struct rb_root *root);
void rb_erase(struct rb_node *node, struct rb_root *root);
/* The same for augmented trees: fn is called on every node whose subtree changed. */
void rb_insert_augmented(struct rb_node *node, struct rb_root *root, rb_augment_fn fn);
void rb_erase_augmented(struct rb_node *node, struct rb_root *root, rb_augment_fn fn);

/* In-order walking: smallest, largest, next, previous (NULL at the end). */
struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);

#endif
