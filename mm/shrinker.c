/*
 * Shrinkers (include/kestrel/shrinker.h): caches that can give memory
 * back. Page reclaim calls shrink_slab(); each shrinker frees what it
 * can of its share. shrinker_rwsem: the list (shared while shrinking,
 * so a callback may sleep; exclusive to add or remove).
 */
#include <kestrel/rwsem.h>
#include <kestrel/shrinker.h>

static LIST_HEAD(shrinker_list);
static DECLARE_RWSEM(shrinker_rwsem);	/* shrinker_list */

void register_shrinker(struct shrinker *s)
{
	down_write(&shrinker_rwsem);
	list_add_tail(&s->list, &shrinker_list);
	up_write(&shrinker_rwsem);
}

void unregister_shrinker(struct shrinker *s)
{
	down_write(&shrinker_rwsem);
	list_del_init(&s->list);
	up_write(&shrinker_rwsem);
}

unsigned long shrink_slab(unsigned long nr)
{
	struct shrinker *s;
	unsigned long freed = 0;

	/* Called under memory pressure from anywhere: never wait for the list. */
	if (!down_read_trylock(&shrinker_rwsem))
		return 0;
	list_for_each_entry(s, &shrinker_list, list) {
		unsigned long count = s->count_objects(s);

		if (count)
			freed += s->scan_objects(s, nr < count ? nr : count);
		if (freed >= nr)
			break;
	}
	up_read(&shrinker_rwsem);
	return freed;
}
