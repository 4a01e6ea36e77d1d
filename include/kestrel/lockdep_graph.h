/*
 * The lock validator's data: lock classes (found by key through a hash)
 * and the order graph between them, in fixed-size static pools (the
 * validator runs inside every lock operation: it must never allocate).
 * Pure code without kernel dependencies (kernel/locking/lockdep_graph.c),
 * so tests/host tests it. Only the validator uses it.
 *
 * Locking: the caller (kernel/locking/lockdep.c) serializes every change
 * with its graph lock. Lookups may run without it: a class or edge is
 * filled in completely before it is published with a release store, so a
 * lock-free reader sees either nothing or the whole entry; it must then
 * re-check under the graph lock before adding.
 */
#ifndef KESTREL_LOCKDEP_GRAPH_H
#define KESTREL_LOCKDEP_GRAPH_H

#include <kestrel/types.h>

#define MAX_LOCK_CLASSES 512
#define MAX_LOCK_DEPS 4096
#define LOCK_TRACE_DEPTH 8
#define CLASS_HASH_BITS 9
#define NO_ENTRY (-1)

/* Usage states of a class, one bit each (see mark_usage() in lockdep.c). */
enum {
	LOCK_USED_IN_HARDIRQ,		/* taken exclusively in a hardirq */
	LOCK_USED_IN_HARDIRQ_READ,	/* taken shared in a hardirq */
	LOCK_ENABLED_HARDIRQ,		/* taken exclusively with interrupts on */
	LOCK_ENABLED_HARDIRQ_READ,	/* taken shared with interrupts on */
	LOCK_USAGE_STATES
};
#define LOCKF(bit) (1U << (bit))
#define LOCKF_USED_IN_HARDIRQ_ANY (LOCKF(LOCK_USED_IN_HARDIRQ) | LOCKF(LOCK_USED_IN_HARDIRQ_READ))
#define LOCKF_ENABLED_HARDIRQ_ANY (LOCKF(LOCK_ENABLED_HARDIRQ) | LOCKF(LOCK_ENABLED_HARDIRQ_READ))

/* A saved call chain: return addresses, innermost first. */
struct lock_trace {
	unsigned int nr;
	unsigned long entries[LOCK_TRACE_DEPTH];
};

struct lock_class {
	const void *key;		/* identity: a subkey address or a static lock's map */
	const char *name;
	unsigned int subclass;
	int hash_next;			/* next class in the same hash chain */
	int deps_after;			/* first edge out of this class (it was held first) */
	int deps_before;		/* first edge into this class */
	unsigned int usage;		/* LOCKF() bits */
	struct lock_trace usage_trace[LOCK_USAGE_STATES];	/* where each bit was first set */
	/* Breadth-first search state (under the graph lock). */
	unsigned int bfs_gen;
	int bfs_via;			/* edge the search reached this class through */
};

/* An edge: `from` was held when `to` was acquired. */
struct lock_dep {
	int from, to;			/* class indexes */
	int next_after;			/* next edge with the same `from` */
	int next_before;		/* next edge with the same `to` */
	unsigned long from_ip;		/* where `from` had been acquired */
	struct lock_trace trace;	/* the call chain that acquired `to` */
};

struct lock_graph {
	unsigned int nr_classes, nr_deps;
	unsigned int bfs_gen;
	int hash[1 << CLASS_HASH_BITS];
	struct lock_class classes[MAX_LOCK_CLASSES];
	struct lock_dep deps[MAX_LOCK_DEPS];
	int queue[MAX_LOCK_CLASSES];	/* breadth-first search queue */
};

void lg_init(struct lock_graph *g);
int lg_class_index(const struct lock_graph *g, const struct lock_class *c);

/* The class with this key, or NULL. Safe without the graph lock. */
struct lock_class *lg_class_find(struct lock_graph *g, const void *key);
/* The class with this key, registered if new; NULL if the pool is full. */
struct lock_class *lg_class_get(struct lock_graph *g, const void *key, const char *name,
				unsigned int subclass);

/* The edge from -> to, or NULL. Safe without the graph lock. */
struct lock_dep *lg_dep_find(struct lock_graph *g, const struct lock_class *from,
			     const struct lock_class *to);
/* Add the edge from -> to (which must not exist); NULL if the pool is full. */
struct lock_dep *lg_dep_add(struct lock_graph *g, struct lock_class *from, struct lock_class *to,
			    unsigned long from_ip, const struct lock_trace *trace);

/*
 * Breadth-first search from src along edges forwards (to locks taken
 * after src) or backwards, for the nearest class c (src included) for
 * which match(c, data) holds. Returns it or NULL. The path is then
 * available through lg_path(): the shortest one, as the search is
 * breadth-first.
 */
struct lock_class *lg_search(struct lock_graph *g, struct lock_class *src, bool forwards,
			     bool (*match)(const struct lock_class *c, const void *data),
			     const void *data);
/*
 * After lg_search() found `found` from src: the edges of the path, in
 * lock order (each edge's `to` is the next edge's `from`): from src to
 * found when searching forwards, from found to src backwards. Returns the
 * number of edges (0 if found == src), at most max (a longer path keeps
 * only its last max edges).
 */
int lg_path(struct lock_graph *g, struct lock_class *src, struct lock_class *found,
	    bool forwards, struct lock_dep **path, int max);

/* Whether dst is reachable from src following edges forwards (src == dst counts). */
bool lg_reachable(struct lock_graph *g, struct lock_class *src, struct lock_class *dst);

#endif
