/*
 * The lock validator's class table and order graph (see
 * include/kestrel/lockdep_graph.h for the data and its locking rules;
 * kernel/locking/lockdep.c for how they are used).
 *
 * Classes live in a hash table chained through indexes; edges in two
 * singly linked lists through indexes: the edges out of a class and the
 * edges into it, so a search can run both ways. Entries are only ever
 * added, never removed: a class or an edge, once seen, stays valid, which
 * is what lets lookups run without the graph lock.
 */
#include <kestrel/atomic.h>
#include <kestrel/lockdep_graph.h>

static unsigned int key_hash(const void *key)
{
	unsigned long k = (unsigned long)key;

	/* Fibonacci hashing; keys are addresses, so mix in the high bits. */
	k ^= k >> 17;
	return (unsigned int)((k * 0x9E3779B97F4A7C15UL) >> (64 - CLASS_HASH_BITS));
}

void lg_init(struct lock_graph *g)
{
	g->nr_classes = 0;
	g->nr_deps = 0;
	g->bfs_gen = 0;
	for (unsigned int i = 0; i < (1U << CLASS_HASH_BITS); i++)
		g->hash[i] = NO_ENTRY;
}

int lg_class_index(const struct lock_graph *g, const struct lock_class *c)
{
	return (int)(c - g->classes);
}

struct lock_class *lg_class_find(struct lock_graph *g, const void *key)
{
	int i = smp_load_acquire(&g->hash[key_hash(key)]);

	while (i != NO_ENTRY) {
		struct lock_class *c = &g->classes[i];
		if (c->key == key)
			return c;
		i = c->hash_next;
	}
	return NULL;
}

struct lock_class *lg_class_get(struct lock_graph *g, const void *key, const char *name,
				unsigned int subclass)
{
	struct lock_class *c = lg_class_find(g, key);
	unsigned int h = key_hash(key);

	if (c)
		return c;
	if (g->nr_classes == MAX_LOCK_CLASSES)
		return NULL;
	c = &g->classes[g->nr_classes++];
	*c = (struct lock_class){
		.key = key,
		.name = name,
		.subclass = subclass,
		.hash_next = g->hash[h],
		.deps_after = NO_ENTRY,
		.deps_before = NO_ENTRY,
	};
	smp_store_release(&g->hash[h], lg_class_index(g, c));
	return c;
}

struct lock_dep *lg_dep_find(struct lock_graph *g, const struct lock_class *from,
			     const struct lock_class *to)
{
	int to_idx = lg_class_index(g, to);
	int i = smp_load_acquire(&from->deps_after);

	while (i != NO_ENTRY) {
		struct lock_dep *d = &g->deps[i];
		if (d->to == to_idx)
			return d;
		i = d->next_after;
	}
	return NULL;
}

struct lock_dep *lg_dep_add(struct lock_graph *g, struct lock_class *from, struct lock_class *to,
			    unsigned long from_ip, const struct lock_trace *trace)
{
	struct lock_dep *d;
	int idx;

	if (g->nr_deps == MAX_LOCK_DEPS)
		return NULL;
	idx = (int)g->nr_deps++;
	d = &g->deps[idx];
	d->from = lg_class_index(g, from);
	d->to = lg_class_index(g, to);
	d->next_after = from->deps_after;
	d->next_before = to->deps_before;
	d->from_ip = from_ip;
	d->trace = *trace;
	smp_store_release(&from->deps_after, idx);
	smp_store_release(&to->deps_before, idx);
	return d;
}

struct lock_class *lg_search(struct lock_graph *g, struct lock_class *src, bool forwards,
			     bool (*match)(const struct lock_class *c, const void *data),
			     const void *data)
{
	unsigned int head = 0, tail = 0;
	unsigned int gen = ++g->bfs_gen;

	src->bfs_gen = gen;
	src->bfs_via = NO_ENTRY;
	g->queue[tail++] = lg_class_index(g, src);
	while (head < tail) {
		struct lock_class *c = &g->classes[g->queue[head++]];
		int e;

		if (match(c, data))
			return c;
		e = forwards ? c->deps_after : c->deps_before;
		while (e != NO_ENTRY) {
			struct lock_dep *d = &g->deps[e];
			struct lock_class *n = &g->classes[forwards ? d->to : d->from];

			/* Every class is queued at most once: the queue cannot overflow. */
			if (n->bfs_gen != gen) {
				n->bfs_gen = gen;
				n->bfs_via = e;
				g->queue[tail++] = lg_class_index(g, n);
			}
			e = forwards ? d->next_after : d->next_before;
		}
	}
	return NULL;
}

int lg_path(struct lock_graph *g, struct lock_class *src, struct lock_class *found,
	    bool forwards, struct lock_dep **path, int max)
{
	static struct lock_dep *rev[MAX_LOCK_CLASSES];	/* under the graph lock: kept off the stack */
	int n = 0;

	/* Walk back from found to src through bfs_via, then reverse (forwards only). */
	for (struct lock_class *c = found; c != src && c->bfs_via != NO_ENTRY;) {
		struct lock_dep *d = &g->deps[c->bfs_via];
		rev[n++] = d;
		c = &g->classes[forwards ? d->from : d->to];
	}
	if (n > max)
		n = max;
	for (int i = 0; i < n; i++)
		path[i] = forwards ? rev[n - 1 - i] : rev[i];
	return n;
}

static bool is_class(const struct lock_class *c, const void *data)
{
	return c == data;
}

bool lg_reachable(struct lock_graph *g, struct lock_class *src, struct lock_class *dst)
{
	return lg_search(g, src, true, is_class, dst) != NULL;
}
