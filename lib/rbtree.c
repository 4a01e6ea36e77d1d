/*
 * Red-black trees (include/kestrel/rbtree.h): rebalancing after an insert
 * or an erase, and in-order walking. The algorithms are the textbook ones
 * (Cormen et al., "Introduction to Algorithms", chapter 13) with explicit
 * parent pointers and NULL for the missing (black) leaves, so each step
 * also keeps track of the parent of a position that may be empty.
 *
 * Augmentation: a rotation changes the subtrees of exactly the two nodes
 * it turns, and linking or unlinking a node changes the subtrees of its
 * ancestors; the callback is run for exactly those, children before
 * parents, so every node's value is right when the call returns.
 *
 * No locking: the caller serializes (see the header).
 */
#include <kestrel/rbtree.h>

static void set_child(struct rb_root *root, struct rb_node *parent,
		      struct rb_node *old, struct rb_node *new)
{
	if (!parent)
		root->rb_node = new;
	else if (parent->rb_left == old)
		parent->rb_left = new;
	else
		parent->rb_right = new;
}

/* x's right child y takes x's place; x becomes y's left child. */
static void rotate_left(struct rb_node *x, struct rb_root *root, rb_augment_fn fn)
{
	struct rb_node *y = x->rb_right;

	x->rb_right = y->rb_left;
	if (y->rb_left)
		y->rb_left->rb_parent = x;
	y->rb_parent = x->rb_parent;
	set_child(root, x->rb_parent, x, y);
	y->rb_left = x;
	x->rb_parent = y;
	if (fn) {
		fn(x);	/* now the child: first */
		fn(y);
	}
}

/* Mirror of rotate_left. */
static void rotate_right(struct rb_node *x, struct rb_root *root, rb_augment_fn fn)
{
	struct rb_node *y = x->rb_left;

	x->rb_left = y->rb_right;
	if (y->rb_right)
		y->rb_right->rb_parent = x;
	y->rb_parent = x->rb_parent;
	set_child(root, x->rb_parent, x, y);
	y->rb_right = x;
	x->rb_parent = y;
	if (fn) {
		fn(x);
		fn(y);
	}
}

static inline bool is_red(const struct rb_node *n)
{
	return n && n->rb_red;
}

/* Recompute node and every ancestor. */
static void propagate(struct rb_node *node, rb_augment_fn fn)
{
	for (; fn && node; node = node->rb_parent)
		fn(node);
}

/*
 * node is red; the only rule that can be broken is "red parent". Either
 * recolour (parent and uncle black, grandparent red) and look again two
 * levels up, or rotate once or twice and stop.
 */
static void insert_fixup(struct rb_node *node, struct rb_root *root, rb_augment_fn fn)
{
	struct rb_node *parent, *gparent, *uncle;

	while ((parent = node->rb_parent) && parent->rb_red) {
		gparent = parent->rb_parent;	/* exists: a red node is not the root */
		if (parent == gparent->rb_left) {
			uncle = gparent->rb_right;
			if (is_red(uncle)) {
				parent->rb_red = uncle->rb_red = false;
				gparent->rb_red = true;
				node = gparent;
				continue;
			}
			if (node == parent->rb_right) {
				rotate_left(parent, root, fn);
				node = parent;
				parent = node->rb_parent;
			}
			parent->rb_red = false;
			gparent->rb_red = true;
			rotate_right(gparent, root, fn);
		} else {
			uncle = gparent->rb_left;
			if (is_red(uncle)) {
				parent->rb_red = uncle->rb_red = false;
				gparent->rb_red = true;
				node = gparent;
				continue;
			}
			if (node == parent->rb_left) {
				rotate_right(parent, root, fn);
				node = parent;
				parent = node->rb_parent;
			}
			parent->rb_red = false;
			gparent->rb_red = true;
			rotate_left(gparent, root, fn);
		}
	}
	root->rb_node->rb_red = false;
}

void rb_insert_color(struct rb_node *node, struct rb_root *root)
{
	insert_fixup(node, root, NULL);
}

void rb_insert_augmented(struct rb_node *node, struct rb_root *root, rb_augment_fn fn)
{
	propagate(node, fn);	/* the new node is in all its ancestors' subtrees */
	insert_fixup(node, root, fn);
}

/*
 * A black node was removed from above position x (x may be NULL, so its
 * parent is passed too): the path through x is one black short. Move the
 * deficit up, or fix it with the sibling's subtree by rotations.
 */
static void erase_fixup(struct rb_node *x, struct rb_node *parent, struct rb_root *root,
			rb_augment_fn fn)
{
	struct rb_node *w;

	while (x != root->rb_node && !is_red(x)) {
		if (x == parent->rb_left) {
			w = parent->rb_right;	/* exists: its side has a black node more */
			if (w->rb_red) {
				w->rb_red = false;
				parent->rb_red = true;
				rotate_left(parent, root, fn);
				w = parent->rb_right;
			}
			if (!is_red(w->rb_left) && !is_red(w->rb_right)) {
				w->rb_red = true;
				x = parent;
				parent = x->rb_parent;
				continue;
			}
			if (!is_red(w->rb_right)) {
				w->rb_left->rb_red = false;
				w->rb_red = true;
				rotate_right(w, root, fn);
				w = parent->rb_right;
			}
			w->rb_red = parent->rb_red;
			parent->rb_red = false;
			w->rb_right->rb_red = false;
			rotate_left(parent, root, fn);
		} else {
			w = parent->rb_left;
			if (w->rb_red) {
				w->rb_red = false;
				parent->rb_red = true;
				rotate_right(parent, root, fn);
				w = parent->rb_left;
			}
			if (!is_red(w->rb_left) && !is_red(w->rb_right)) {
				w->rb_red = true;
				x = parent;
				parent = x->rb_parent;
				continue;
			}
			if (!is_red(w->rb_left)) {
				w->rb_right->rb_red = false;
				w->rb_red = true;
				rotate_left(w, root, fn);
				w = parent->rb_left;
			}
			w->rb_red = parent->rb_red;
			parent->rb_red = false;
			w->rb_left->rb_red = false;
			rotate_right(parent, root, fn);
		}
		x = root->rb_node;
		break;
	}
	if (x)
		x->rb_red = false;
}

/*
 * Unlink z. If it has two children, its in-order successor y (which has
 * no left child) is unlinked from its own spot instead and then put in
 * z's place with z's colour, so the colour that really leaves the tree is
 * y's, at y's old spot: that is where the fixup starts.
 */
static void erase(struct rb_node *z, struct rb_root *root, rb_augment_fn fn)
{
	struct rb_node *y = z, *x, *xparent;
	bool removed_red;

	if (z->rb_left && z->rb_right) {
		y = z->rb_right;
		while (y->rb_left)
			y = y->rb_left;
	}
	x = y->rb_left ? y->rb_left : y->rb_right;
	xparent = y->rb_parent;
	removed_red = y->rb_red;
	if (x)
		x->rb_parent = xparent;
	set_child(root, xparent, y, x);

	if (y != z) {
		if (xparent == z)
			xparent = y;
		y->rb_left = z->rb_left;
		y->rb_right = z->rb_right;
		y->rb_parent = z->rb_parent;
		y->rb_red = z->rb_red;
		if (y->rb_left)
			y->rb_left->rb_parent = y;
		if (y->rb_right)
			y->rb_right->rb_parent = y;
		set_child(root, z->rb_parent, z, y);
	}
	propagate(xparent, fn);	/* y, if it moved, is an ancestor of xparent or xparent itself */
	if (!removed_red)
		erase_fixup(x, xparent, root, fn);
}

void rb_erase(struct rb_node *node, struct rb_root *root)
{
	erase(node, root, NULL);
}

void rb_erase_augmented(struct rb_node *node, struct rb_root *root, rb_augment_fn fn)
{
	erase(node, root, fn);
}

struct rb_node *rb_first(const struct rb_root *root)
{
	struct rb_node *n = root->rb_node;

	while (n && n->rb_left)
		n = n->rb_left;
	return n;
}

struct rb_node *rb_last(const struct rb_root *root)
{
	struct rb_node *n = root->rb_node;

	while (n && n->rb_right)
		n = n->rb_right;
	return n;
}

struct rb_node *rb_next(const struct rb_node *node)
{
	struct rb_node *parent;

	if (node->rb_right) {
		node = node->rb_right;
		while (node->rb_left)
			node = node->rb_left;
		return (struct rb_node *)node;
	}
	/* Up until we come from a left child: that parent is next. */
	while ((parent = node->rb_parent) && node == parent->rb_right)
		node = parent;
	return parent;
}

struct rb_node *rb_prev(const struct rb_node *node)
{
	struct rb_node *parent;

	if (node->rb_left) {
		node = node->rb_left;
		while (node->rb_right)
			node = node->rb_right;
		return (struct rb_node *)node;
	}
	while ((parent = node->rb_parent) && node == parent->rb_left)
		node = parent;
	return parent;
}
