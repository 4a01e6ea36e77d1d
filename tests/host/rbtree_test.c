/*
 * Host tests of lib/rbtree.c: after every insert and erase (sequential,
 * reverse and pseudo-random orders, duplicates) the tree is checked
 * against the red-black rules (root black, no red node with a red child,
 * equal black height on every path, parent links consistent) and against
 * a plain array for its in-order contents, forwards and backwards. The
 * augmented variant keeps each node's subtree maximum, as the i_mmap
 * interval tree does, and is checked against a recomputation.
 *
 * HOST_SOURCES: lib/rbtree.c
 */
#include <kestrel/ktest.h>
#include <kestrel/rbtree.h>

#define N 600

struct item {
	struct rb_node rb;
	unsigned long key;
	unsigned long val;	/* augmented tree: the value */
	unsigned long max;	/* augmented tree: largest val in the subtree */
};

static struct item items[N];

static void insert(struct rb_root *root, struct item *it, rb_augment_fn fn)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		if (it->key < rb_entry(parent, struct item, rb)->key)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&it->rb, parent, link);
	if (fn)
		rb_insert_augmented(&it->rb, root, fn);
	else
		rb_insert_color(&it->rb, root);
}

static void max_fn(struct rb_node *n)
{
	struct item *it = rb_entry(n, struct item, rb);
	unsigned long m = it->val;

	if (n->rb_left && rb_entry(n->rb_left, struct item, rb)->max > m)
		m = rb_entry(n->rb_left, struct item, rb)->max;
	if (n->rb_right && rb_entry(n->rb_right, struct item, rb)->max > m)
		m = rb_entry(n->rb_right, struct item, rb)->max;
	it->max = m;
}

/* Black height of n's subtree, or -1 if a rule is broken below n. */
static int check_node(const struct rb_node *n, const struct rb_node *parent, bool aug)
{
	int l, r;

	if (!n)
		return 1;
	if (n->rb_parent != parent)
		return -1;
	if (n->rb_red && ((n->rb_left && n->rb_left->rb_red) || (n->rb_right && n->rb_right->rb_red)))
		return -1;
	if (aug) {
		const struct item *it = rb_entry(n, struct item, rb);
		unsigned long m = it->val;

		if (n->rb_left && rb_entry(n->rb_left, struct item, rb)->max > m)
			m = rb_entry(n->rb_left, struct item, rb)->max;
		if (n->rb_right && rb_entry(n->rb_right, struct item, rb)->max > m)
			m = rb_entry(n->rb_right, struct item, rb)->max;
		if (m != it->max)
			return -1;
	}
	l = check_node(n->rb_left, n, aug);
	r = check_node(n->rb_right, n, aug);
	if (l < 0 || r < 0 || l != r)
		return -1;
	return l + !n->rb_red;
}

/* The tree holds exactly the items with in[i] set, in key order. */
static bool check_tree(const struct rb_root *root, const bool *in, bool aug)
{
	unsigned long count = 0, want = 0, last = 0;
	const struct rb_node *n;

	if (root->rb_node && root->rb_node->rb_red)
		return false;
	if (check_node(root->rb_node, NULL, aug) < 0)
		return false;
	for (int i = 0; i < N; i++)
		want += in[i];
	for (n = rb_first(root); n; n = rb_next(n)) {
		const struct item *it = rb_entry(n, struct item, rb);

		if (!in[it - items] || (count && it->key < last))
			return false;
		last = it->key;
		count++;
	}
	if (count != want)
		return false;
	for (n = rb_last(root); n; n = rb_prev(n))
		count--;
	return count == 0;
}

static unsigned long rnd_state = 12345;
static unsigned long rnd(void)
{
	rnd_state = rnd_state * 6364136223846793005UL + 1442695040888963407UL;
	return rnd_state >> 33;
}

static bool run(int order, bool aug)
{
	struct rb_root root = RB_ROOT;
	static bool in[N];
	rb_augment_fn fn = aug ? max_fn : NULL;

	for (int i = 0; i < N; i++) {
		in[i] = false;
		items[i].key = order == 0 ? (unsigned long)i : order == 1 ? (unsigned long)(N - i)
			       : rnd() % (N / 3);	/* random: many duplicates */
		items[i].val = rnd() % 100000;
		items[i].max = items[i].val;
	}
	for (int i = 0; i < N; i++) {
		insert(&root, &items[i], fn);
		in[i] = true;
		if (!check_tree(&root, in, aug))
			return false;
	}
	for (int k = 0; k < N; k++) {
		int i = order == 2 ? (int)((k * 7919UL) % N) : k;	/* 7919 prime: a permutation */

		if (aug)
			rb_erase_augmented(&items[i].rb, &root, fn);
		else
			rb_erase(&items[i].rb, &root);
		in[i] = false;
		if (!check_tree(&root, in, aug))
			return false;
		/* Put some back, so erases meet trees of every shape. */
		if (k % 5 == 0 && k + 1 < N) {
			int j = (int)((k * 31UL) % N);

			if (!in[j]) {
				insert(&root, &items[j], fn);
				in[j] = true;
				if (!check_tree(&root, in, aug))
					return false;
			}
		}
	}
	return true;
}

KTEST(rbtree, empty)
{
	struct rb_root root = RB_ROOT;

	KEXPECT(RB_EMPTY_ROOT(&root));
	KEXPECT(rb_first(&root) == NULL);
	KEXPECT(rb_last(&root) == NULL);
}

KTEST(rbtree, ascending) { KEXPECT(run(0, false)); }
KTEST(rbtree, descending) { KEXPECT(run(1, false)); }
KTEST(rbtree, random_with_duplicates) { KEXPECT(run(2, false)); }
KTEST(rbtree, augmented_ascending) { KEXPECT(run(0, true)); }
KTEST(rbtree, augmented_random) { KEXPECT(run(2, true)); }

KTEST(rbtree, height_is_logarithmic)
{
	struct rb_root root = RB_ROOT;
	int depth = 0;

	for (int i = 0; i < N; i++) {
		items[i].key = (unsigned long)i;
		insert(&root, &items[i], NULL);
	}
	for (const struct rb_node *n = root.rb_node; n; n = n->rb_left)
		depth++;
	/* 2*log2(601) < 19.  */
	KEXPECT(depth <= 19);
}
