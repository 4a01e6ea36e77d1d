/*
 * Host tests of kernel/locking/lockdep_graph.c: the lock validator's
 * class table (lookup by key, one class per key, the pool limit) and
 * order graph (edges both ways, breadth-first search, shortest paths
 * for the reports, cycle detection as the validator does it).
 *
 * HOST_SOURCES: kernel/locking/lockdep_graph.c
 */
#include <kestrel/ktest.h>
#include <kestrel/lockdep_graph.h>

static struct lock_graph g;
static char keys[MAX_LOCK_CLASSES + 1];	/* their addresses are the keys */

static struct lock_class *cls(int i)
{
	static const char *names[] = { "A", "B", "C", "D", "E", "F" };

	return lg_class_get(&g, &keys[i], i < 6 ? names[i] : "x", 0);
}

static struct lock_dep *edge(int from, int to)
{
	struct lock_trace t = { .nr = 1, .entries = { 0x1000UL + (unsigned long)to } };

	return lg_dep_add(&g, cls(from), cls(to), 0x2000UL + (unsigned long)from, &t);
}

static bool is_class(const struct lock_class *c, const void *data)
{
	return c == data;
}

static bool has_usage(const struct lock_class *c, const void *mask)
{
	return c->usage & *(const unsigned int *)mask;
}

/* What check_prev_add() asks: would from -> to close a cycle? */
static bool closes_cycle(int from, int to)
{
	return lg_reachable(&g, cls(to), cls(from));
}

KTEST(lockdep_graph, classes_by_key)
{
	struct lock_class *a, *b;

	lg_init(&g);
	KEXPECT(lg_class_find(&g, &keys[0]) == NULL);
	a = cls(0);
	b = cls(1);
	KASSERT(a && b);
	KEXPECT(a != b);
	KEXPECT(cls(0) == a);	/* the same key: the same class */
	KEXPECT(lg_class_find(&g, &keys[1]) == b);
	KEXPECT_STREQ(a->name, "A");
	KEXPECT_EQ(g.nr_classes, 2);
}

KTEST(lockdep_graph, class_pool_limit)
{
	lg_init(&g);
	for (int i = 0; i < MAX_LOCK_CLASSES; i++)
		KASSERT(cls(i) != NULL);
	KEXPECT(cls(MAX_LOCK_CLASSES) == NULL);	/* full: refused, nothing overwritten */
	for (int i = 0; i < MAX_LOCK_CLASSES; i += 37)
		KEXPECT(lg_class_find(&g, &keys[i]) == &g.classes[i]);
}

KTEST(lockdep_graph, edges_both_ways)
{
	struct lock_dep *d;

	lg_init(&g);
	d = edge(0, 1);
	KASSERT(d != NULL);
	KEXPECT(lg_dep_find(&g, cls(0), cls(1)) == d);
	KEXPECT(lg_dep_find(&g, cls(1), cls(0)) == NULL);
	KEXPECT_EQ(d->from_ip, 0x2000);
	KEXPECT_EQ(d->trace.entries[0], 0x1001);
	edge(0, 2);
	KEXPECT(lg_dep_find(&g, cls(0), cls(2)) != NULL);
	KEXPECT(lg_dep_find(&g, cls(0), cls(1)) == d);
}

KTEST(lockdep_graph, cycle_detection)
{
	lg_init(&g);
	edge(0, 1);	/* A -> B */
	KEXPECT(closes_cycle(1, 0));	/* B -> A: AB-BA */
	KEXPECT(!closes_cycle(0, 2));
	edge(1, 2);	/* B -> C */
	edge(3, 4);	/* D -> E, unrelated */
	KEXPECT(closes_cycle(2, 0));	/* C -> A closes A -> B -> C */
	KEXPECT(!closes_cycle(2, 3));
	KEXPECT(!closes_cycle(4, 0));
	edge(2, 3);	/* C -> D: now A reaches E */
	KEXPECT(closes_cycle(4, 0));
	KEXPECT(!closes_cycle(0, 4));	/* A -> E directly is just a shortcut */
}

KTEST(lockdep_graph, shortest_path_forwards)
{
	struct lock_dep *path[8];
	struct lock_class *found;
	int n;

	lg_init(&g);
	edge(0, 1);
	edge(1, 2);
	edge(2, 3);
	edge(0, 4);
	edge(4, 3);	/* A -> E -> D is shorter than A -> B -> C -> D */
	found = lg_search(&g, cls(0), true, is_class, cls(3));
	KASSERT(found == cls(3));
	n = lg_path(&g, cls(0), found, true, path, 8);
	KASSERT_EQ(n, 2);
	KEXPECT(path[0] == lg_dep_find(&g, cls(0), cls(4)));
	KEXPECT(path[1] == lg_dep_find(&g, cls(4), cls(3)));
	found = lg_search(&g, cls(0), true, is_class, cls(0));
	KEXPECT_EQ(lg_path(&g, cls(0), found, true, path, 8), 0);
	/* Cut to the last edges when longer than max. */
	found = lg_search(&g, cls(1), true, is_class, cls(3));
	KEXPECT_EQ(lg_path(&g, cls(1), found, true, path, 1), 1);
}

KTEST(lockdep_graph, usage_search_backwards)
{
	struct lock_dep *path[8];
	struct lock_class *found;
	unsigned int mask = LOCKF_USED_IN_HARDIRQ_ANY;
	int n;

	lg_init(&g);
	edge(0, 1);	/* A -> B -> C */
	edge(1, 2);
	cls(0)->usage = LOCKF(LOCK_USED_IN_HARDIRQ);	/* A is irq-safe */
	cls(2)->usage = LOCKF(LOCK_ENABLED_HARDIRQ);	/* C is irq-unsafe */
	found = lg_search(&g, cls(2), false, has_usage, &mask);
	KASSERT(found == cls(0));
	n = lg_path(&g, cls(2), found, false, path, 8);
	KASSERT_EQ(n, 2);
	/* In lock order: A -> B, then B -> C. */
	KEXPECT(path[0] == lg_dep_find(&g, cls(0), cls(1)));
	KEXPECT(path[1] == lg_dep_find(&g, cls(1), cls(2)));
	mask = LOCKF_ENABLED_HARDIRQ_ANY;
	KEXPECT(lg_search(&g, cls(0), true, has_usage, &mask) == cls(2));
	KEXPECT(lg_search(&g, cls(2), true, has_usage, &mask) == cls(2));	/* itself */
	mask = LOCKF_USED_IN_HARDIRQ_ANY;
	KEXPECT(lg_search(&g, cls(1), true, has_usage, &mask) == NULL);
}

KTEST(lockdep_graph, dep_pool_limit)
{
	int n = 0;

	lg_init(&g);
	/* A complete graph on 65 classes has 65 * 64 > MAX_LOCK_DEPS edges. */
	for (int i = 0; i < 65 && n < MAX_LOCK_DEPS; i++)
		for (int j = 0; j < 65 && n < MAX_LOCK_DEPS; j++)
			if (i != j && edge(i, j))
				n++;
	KEXPECT_EQ(n, MAX_LOCK_DEPS);
	/* Classes 0..63 used up the pool (64 edges each): 64 -> 0 is refused. */
	KEXPECT(edge(64, 0) == NULL);
	KEXPECT(lg_dep_find(&g, cls(64), cls(0)) == NULL);
	KEXPECT_EQ(g.nr_deps, MAX_LOCK_DEPS);
}
