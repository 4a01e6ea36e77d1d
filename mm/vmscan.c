/*
 * Reclaim: giving page-cache memory back when the allocator runs out.
 *
 * Every folio added to an evictable mapping goes on one global LRU list
 * (most recently added at the head). A read or write that uses a folio
 * sets PG_referenced. shrink_page_cache() scans from the tail: a
 * referenced folio loses the bit and goes back to the head (a "second
 * chance"); an unreferenced one is evicted if it is clean, not under
 * writeback, not locked by anybody (trylock: reclaim never waits) and
 * not used by anybody but the cache — after ->release_folio has let go
 * of its private data, if any. Dirty folios are left to writeback:
 * Kestrel reclaims only clean ones (and ramfs/tmpfs folios that were
 * written stay dirty forever, so their only copy is never dropped).
 *
 * The reclaimer registers as a shrinker ("pagecache"), so the allocator's
 * direct reclaim (try_to_free_pages, called by alloc_pages when no block
 * fits) evicts folios along with the dcache's and other caches' objects.
 * A task inside a file system (PF_MEMALLOC_NOFS) reclaims only folios
 * without private data: ->release_folio, or the dcache shrinker evicting
 * an inode, could need locks that task holds.
 *
 * lru_lock protects the list, PG_lru and nr_lru_pages. A folio on the
 * list always still holds the cache's reference (filemap_remove_folio
 * takes it off the list before dropping that reference), so a scan may
 * take its own reference under lru_lock. lru_lock is never held with
 * xa_lock or a folio lock being taken.
 */
#include <kestrel/contract/aops.h>
#include <kestrel/might_sleep.h>
#include <kestrel/mutex.h>
#include <kestrel/pagemap.h>
#include <kestrel/preempt.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include <kestrel/shrinker.h>
#include "pagecache_internal.h"

static DEFINE_SPINLOCK(lru_lock);	/* lru_list, PG_lru, nr_lru_pages */
static LIST_HEAD(lru_list);		/* page-cache folios, newest at the head */
unsigned long nr_lru_pages;
atomic_long_t nr_reclaimed_pages;

void folio_add_lru(struct folio *folio)
{
	unsigned long flags;

	if (mapping_unevictable(folio->mapping))
		return;
	spin_lock_irqsave(&lru_lock, flags);
	if (!folio_test_lru(folio)) {
		folio_set_flag(folio, PG_lru);
		list_add(&folio->lru, &lru_list);
		nr_lru_pages++;
	}
	spin_unlock_irqrestore(&lru_lock, flags);
}

void folio_del_lru(struct folio *folio)
{
	unsigned long flags;

	spin_lock_irqsave(&lru_lock, flags);
	if (folio_test_lru(folio)) {
		list_del_init(&folio->lru);
		folio_clear_flag(folio, PG_lru);
		nr_lru_pages--;
	}
	spin_unlock_irqrestore(&lru_lock, flags);
}

void folio_mark_accessed(struct folio *folio)
{
	if (!folio_test_referenced(folio))
		folio_set_flag(folio, PG_referenced);
}

/*
 * Try to evict one folio we hold a reference on. The cache's reference
 * and ours must be the only ones (plus the private data's), checked
 * again under xa_lock, where lookups take theirs.
 */
static bool evict_folio(struct folio *folio, bool may_enter_fs)
{
	struct address_space *mapping;
	bool evicted = false;

	if (!folio_trylock(folio))
		return false;
	mapping = folio->mapping;
	if (!mapping || folio_test_dirty(folio) || folio_test_writeback(folio) ||
	    mapping_unevictable(mapping))
		goto out;
	if (folio_test_private(folio)) {
		if (!may_enter_fs || !mapping->a_ops || !mapping->a_ops->release_folio ||
		    !vfs_call_release_folio(mapping, folio, 0))
			goto out;
	}
	{
		unsigned long flags;
		bool unused;

		xa_lock_irqsave(&mapping->i_pages, flags);
		unused = folio_ref_count(folio) == 2 && !folio_test_dirty(folio);
		xa_unlock_irqrestore(&mapping->i_pages, flags);
		/*
		 * A lookup after this check takes its own reference, which
		 * keeps the page alive: the (clean, uptodate) data it copies
		 * stays valid even though the folio leaves the cache. Later
		 * lookups miss and read the data back in.
		 */
		if (!unused)
			goto out;
	}
	filemap_remove_folio(folio);
	evicted = true;
out:
	folio_unlock(folio);
	return evicted;
}

static unsigned long __shrink_page_cache(unsigned long nr, bool may_enter_fs)
{
	unsigned long freed = 0, scanned = 0, budget;
	unsigned long flags;

	might_sleep();
	spin_lock_irqsave(&lru_lock, flags);
	budget = nr_lru_pages * 2;	/* every folio twice: once to clear referenced */
	while (freed < nr && scanned < budget && !list_empty(&lru_list)) {
		struct folio *folio = list_last_entry(&lru_list, struct folio, lru);

		scanned++;
		if (folio_test_clear_flag(folio, PG_referenced)) {
			list_move(&folio->lru, &lru_list);
			continue;
		}
		/* Rotate it now, so a folio we cannot evict does not stop the scan. */
		list_move(&folio->lru, &lru_list);
		folio_get(folio);
		spin_unlock_irqrestore(&lru_lock, flags);
		if (evict_folio(folio, may_enter_fs))
			freed++;
		folio_put(folio);
		spin_lock_irqsave(&lru_lock, flags);
	}
	spin_unlock_irqrestore(&lru_lock, flags);
	if (freed)
		atomic_long_add(freed, &nr_reclaimed_pages);
	return freed;
}

unsigned long shrink_page_cache(unsigned long nr)
{
	return __shrink_page_cache(nr, true);
}

static unsigned long pagecache_count(struct shrinker *s)
{
	return READ_ONCE(nr_lru_pages);
}

static unsigned long pagecache_scan(struct shrinker *s, unsigned long nr)
{
	return shrink_page_cache(nr);
}

static struct shrinker pagecache_shrinker = {
	.name = "pagecache",
	.count_objects = pagecache_count,
	.scan_objects = pagecache_scan,
};

/*
 * Only one direct reclaimer at a time: a task already reclaiming, or
 * one that lost the race, gets nothing (and its allocation fails, as it
 * would have without reclaim). Also the guard against recursion when a
 * shrinker allocates.
 */
static DEFINE_MUTEX(reclaim_mutex);

unsigned long try_to_free_pages(unsigned int order, gfp_t gfp)
{
	unsigned long freed;

	/* Shrinkers sleep (folio locks, ->release_folio): only where that is allowed. */
	if (!preemptible() || in_interrupt() || in_nosleep_section())
		return 0;
	if (!mutex_trylock(&reclaim_mutex))
		return 0;
	/*
	 * Inside a file system (PF_MEMALLOC_NOFS, e.g. readahead holding
	 * invalidate_lock): no shrinkers, which may evict inodes and take
	 * that file system's locks; only folios freed without its help.
	 */
	if (current->flags & PF_MEMALLOC_NOFS)
		freed = __shrink_page_cache(32UL << order, false);
	else
		freed = shrink_slab(32UL << order);
	mutex_unlock(&reclaim_mutex);
	return freed;
}

void vmscan_init(void)
{
	register_shrinker(&pagecache_shrinker);
}
