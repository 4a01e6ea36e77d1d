/*
 * Truncation, hole punching and invalidation: taking folios out of the
 * page cache because the file got shorter, a range was punched out, or
 * the cached copy must be dropped.
 *
 * The spec's rule: the caller holds mapping->invalidate_lock exclusive
 * while it invalidates page cache in truncate / hole punch (so calling
 * ->invalidate_folio): readers fill the cache holding it shared, so none
 * can bring back a folio of the range while it is being emptied.
 * truncate_inode_pages_range() asserts it. ->setattr takes it around
 * truncate_setsize() (with i_rwsem, also asserted there), ->fallocate
 * around truncate_pagecache_range(); truncate_inode_pages_final()
 * (eviction, nobody else uses the inode) takes it itself.
 *
 * For each folio of the range: lock it, wait for writeback in flight,
 * and then
 *   - wholly inside the range: ->invalidate_folio(0, PAGE_SIZE) if it has
 *     private data, forget its dirty state, remove it from the cache
 *     (->free_folio follows in filemap_remove_folio);
 *   - partly inside (the new last folio of a truncated file, or the ends
 *     of a punched hole): zero the part inside and ->invalidate_folio
 *     just that part if it has private data; it stays cached.
 * Zeroing the tail of the last folio matters: if the file grows again,
 * the bytes beyond the old EOF must read as zeros, not as old data.
 */
#include <kestrel/contract/aops.h>
#include <kestrel/fs.h>
#include <kestrel/pagemap.h>
#include <kestrel/sched.h>
#include "pagecache_internal.h"

/* Lock a folio we hold a reference on and check it is still in mapping. */
static bool lock_folio_of(struct address_space *mapping, struct folio *folio)
{
	folio_lock(folio);
	if (folio->mapping != mapping) {
		folio_unlock(folio);
		return false;
	}
	folio_wait_writeback(folio);
	return true;
}

static void folio_invalidate(struct address_space *mapping, struct folio *folio, size_t offset,
			     size_t length)
{
	if (folio_test_private(folio) && mapping->a_ops && mapping->a_ops->invalidate_folio)
		vfs_call_invalidate_folio(mapping, folio, offset, length);
}

/*
 * Drop a locked folio's private data before it leaves the cache:
 * ->release_folio may refuse (false), and then the folio must stay.
 */
static bool release_private(struct address_space *mapping, struct folio *folio, gfp_t gfp)
{
	if (!folio_test_private(folio))
		return true;
	if (!mapping->a_ops || !mapping->a_ops->release_folio)
		return false;	/* no buffer heads to fall back on */
	return vfs_call_release_folio(mapping, folio, gfp);
}

/*
 * The whole folio goes (locked, referenced by the caller). A fault that
 * mapped it after the caller's unmap_mapping_range is unmapped here,
 * under the folio lock, before it leaves the cache: otherwise that
 * mapping would keep the orphaned page, reads through it would see data
 * the file no longer has and writes through it would be lost.
 */
static void truncate_inode_folio(struct address_space *mapping, struct folio *folio)
{
	unmap_mapping_folio(folio);
	folio_invalidate(mapping, folio, 0, PAGE_SIZE);
	/* ->invalidate_folio should have let go of the private data; if not, ask again. */
	if (folio_test_private(folio))
		release_private(mapping, folio, 0);
	folio_cancel_dirty(folio);
	filemap_remove_folio(folio);
}

/* Bytes [offset, offset + length) of the folio at index go: zero them. */
static void truncate_partial_folio(struct address_space *mapping, pgoff_t index, size_t offset,
				   size_t length)
{
	struct folio *folio = filemap_lookup_get(mapping, index);

	if (!folio)
		return;
	if (lock_folio_of(mapping, folio)) {
		if (folio_test_uptodate(folio))
			folio_zero_range(folio, offset, length);
		folio_invalidate(mapping, folio, offset, length);
		folio_unlock(folio);
	}
	folio_put(folio);
}

/*
 * Remove the cached data of bytes [lstart, lend] (lend inclusive; -1 or
 * beyond the largest offset: to the end of the file).
 */
void truncate_inode_pages_range(struct address_space *mapping, loff_t lstart, loff_t lend)
{
	size_t partial_start = lstart & (PAGE_SIZE - 1);
	/* First whole folio; not (lstart + PAGE_SIZE - 1) >> PAGE_SHIFT: overflows near LLONG_MAX. */
	pgoff_t start = (pgoff_t)(lstart >> PAGE_SHIFT) + (partial_start != 0);
	bool to_eof = lend < 0 || lend >= MAX_LFS_FILESIZE - 1;
	size_t partial_end = to_eof ? 0 : (size_t)((lend + 1) & (PAGE_SIZE - 1));
	pgoff_t end = to_eof ? ~0UL : (pgoff_t)((lend + 1) >> PAGE_SHIFT);	/* past the last whole one */
	pgoff_t index;
	struct folio *folio;

	lockdep_assert_held_write(&mapping->invalidate_lock);
	might_sleep();
	if (!mapping->nrpages)
		return;
	if (!to_eof && lend < lstart)
		return;

	/* Both ends in one folio: only zero the middle of it. */
	if (partial_start && !to_eof && (lstart >> PAGE_SHIFT) == (lend >> PAGE_SHIFT)) {
		truncate_partial_folio(mapping, lstart >> PAGE_SHIFT, partial_start,
				       lend - lstart + 1);
		return;
	}
	if (partial_start)
		truncate_partial_folio(mapping, lstart >> PAGE_SHIFT, partial_start,
				       PAGE_SIZE - partial_start);
	if (partial_end)
		truncate_partial_folio(mapping, end, 0, partial_end);

	index = start;
	while (index < end &&
	       (folio = filemap_find_get(mapping, &index, end - 1, XA_PRESENT))) {
		index = folio->index + 1;
		if (lock_folio_of(mapping, folio)) {
			truncate_inode_folio(mapping, folio);
			folio_unlock(folio);
		}
		folio_put(folio);
		cond_resched();
		if (index == 0)
			break;
	}
}

void truncate_inode_pages(struct address_space *mapping, loff_t lstart)
{
	truncate_inode_pages_range(mapping, lstart, -1);
}

/* The inode is being evicted: drop everything (nobody else uses it, but the rule is kept). */
void truncate_inode_pages_final(struct address_space *mapping)
{
	if (!mapping->nrpages)
		return;
	filemap_invalidate_lock(mapping);
	truncate_inode_pages(mapping, 0);
	filemap_invalidate_unlock(mapping);
}

/*
 * The file is now newsize bytes (i_size already set): drop the cache
 * beyond it and zero the tail of the new last folio. The caller (->setattr,
 * e.g. simple_setattr) holds i_rwsem and invalidate_lock, both exclusive.
 */
/*
 * Every mapping of the pages beyond the new end is unmapped, before and
 * after the cache is emptied (as Linux does): the first pass takes most
 * of them; a fault that mapped a page meanwhile held the folio lock, so
 * truncate_inode_pages waited for it, and the second pass takes that
 * entry. A later access beyond EOF faults and gets SIGBUS (filemap_fault).
 */
void truncate_pagecache(struct inode *inode, loff_t newsize)
{
	struct address_space *mapping = inode->i_mapping;
	loff_t holebegin = (newsize + PAGE_SIZE - 1) & ~(loff_t)(PAGE_SIZE - 1);

	lockdep_assert_held_write(&inode->i_rwsem);
	unmap_mapping_range(mapping, holebegin, 0, 1);
	truncate_inode_pages(mapping, newsize);
	unmap_mapping_range(mapping, holebegin, 0, 1);
}

void truncate_setsize(struct inode *inode, loff_t newsize)
{
	i_size_write(inode, newsize);
	truncate_pagecache(inode, newsize);
}

/* Hole punch of [lstart, lend] (->fallocate): the caller holds invalidate_lock exclusive. */
void truncate_pagecache_range(struct inode *inode, loff_t lstart, loff_t lend)
{
	loff_t unmap_start = (lstart + PAGE_SIZE - 1) & ~(loff_t)(PAGE_SIZE - 1);
	loff_t unmap_end = ((lend + 1) & ~(loff_t)(PAGE_SIZE - 1)) - 1;

	/* Only whole pages leave the mappings; the partial ends are zeroed in place. */
	if (unmap_end > unmap_start)
		unmap_mapping_range(inode->i_mapping, unmap_start, 1 + unmap_end - unmap_start, 0);
	truncate_inode_pages_range(inode->i_mapping, lstart, lend);
}

/* Clean, unused, not under writeback: safe to drop without asking anybody but ->release_folio. */
static bool folio_evictable_now(struct folio *folio, int extra_refs)
{
	return !folio_test_dirty(folio) && !folio_test_writeback(folio) &&
	       folio_ref_count(folio) <= 1 + extra_refs + (folio_test_private(folio) ? 1 : 0);
}

unsigned long invalidate_mapping_pages(struct address_space *mapping, pgoff_t start, pgoff_t end)
{
	unsigned long count = 0;
	pgoff_t index = start;
	struct folio *folio;

	while (index <= end && (folio = filemap_find_get(mapping, &index, end, XA_PRESENT))) {
		index = folio->index + 1;
		if (folio_trylock(folio)) {
			/* References: the cache's and ours. */
			if (folio->mapping == mapping && folio_evictable_now(folio, 1) &&
			    release_private(mapping, folio, 0)) {
				filemap_remove_folio(folio);
				count++;
			}
			folio_unlock(folio);
		}
		folio_put(folio);
		if (index == 0)
			break;
	}
	return count;
}

int invalidate_inode_pages2_range(struct address_space *mapping, pgoff_t start, pgoff_t end)
{
	pgoff_t index = start;
	struct folio *folio;
	int ret = 0;

	might_sleep();
	/* Mapped pages leave the page tables first (private copies stay: even_cows 0). */
	if (end < (~0UL >> PAGE_SHIFT))
		unmap_mapping_range(mapping, (loff_t)start << PAGE_SHIFT,
				    (loff_t)(end - start + 1) << PAGE_SHIFT, 0);
	else
		unmap_mapping_range(mapping, (loff_t)start << PAGE_SHIFT, 0, 0);
	while (index <= end && (folio = filemap_find_get(mapping, &index, end, XA_PRESENT))) {
		index = folio->index + 1;
		if (lock_folio_of(mapping, folio)) {
			int err = 0;

			/* Mapped again since the unmap above? Unmapped under the lock now. */
			unmap_mapping_folio(folio);
			/* Dirty: write it out first, keeping it locked (the spec's rule). */
			if (folio_test_dirty(folio) && mapping->a_ops && mapping->a_ops->launder_folio) {
				err = vfs_call_launder_folio(mapping, folio);
				if (!err)
					folio_cancel_dirty(folio);
			}
			if (!err && !folio_test_dirty(folio) && release_private(mapping, folio, GFP_KERNEL))
				filemap_remove_folio(folio);
			else
				ret = -EBUSY;
			folio_unlock(folio);
		}
		folio_put(folio);
		cond_resched();
		if (index == 0)
			break;
	}
	return ret;
}
