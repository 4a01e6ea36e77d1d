/*
 * Shrinkers: caches that give memory back under pressure (mm/shrinker.c).
 * The dcache and inode cache register one; page reclaim (mm/vmscan.c)
 * calls shrink_slab() when free memory runs low. shrinker_rwsem protects
 * the list (read while shrinking, so callbacks may sleep).
 */
#ifndef KESTREL_SHRINKER_H
#define KESTREL_SHRINKER_H

#include <kestrel/list.h>

struct shrinker {
	const char *name;
	unsigned long (*count_objects)(struct shrinker *s);	/* freeable now */
	unsigned long (*scan_objects)(struct shrinker *s, unsigned long nr); /* freed */
	struct list_head list;		/* in shrinker_list, under shrinker_rwsem */
};

void register_shrinker(struct shrinker *s);
void unregister_shrinker(struct shrinker *s);
/* Ask every shrinker to free up to nr objects; returns the number freed. */
unsigned long shrink_slab(unsigned long nr);

#endif
