/*
 * Readahead: on a cache miss, read more than the reader asked for when
 * the reads look sequential, so the next reads hit the cache.
 *
 * Each open file keeps a window (file->f_ra: start, size) and the
 * position its last read ended at (prev_pos). On a miss at index:
 *   - sequential: the miss is where the last window ended, or right after
 *     the last read. The new window starts at index and is twice the old
 *     one, up to ra_pages (the first window of a file read from its start
 *     is RA_INIT_PAGES, or the request if larger);
 *   - random: anything else. The window is reset to just the request.
 * Kestrel's readahead is synchronous: the window is read when a miss
 * happens (Linux also starts the next window early, "async readahead",
 * when a reader reaches a marked folio; Kestrel does not).
 *
 * The window's missing folios are allocated, locked and added to the
 * cache, then handed to ->readahead in runs of consecutive folios (a
 * folio already cached ends a run), all under invalidate_lock shared as
 * the spec requires. ->readahead takes each folio with readahead_folio()
 * and unlocks it when its read completes; folios it did not take are
 * unlocked here and stay not uptodate (a later read calls ->read_folio).
 * A file system without ->readahead gets ->read_folio for each folio.
 *
 * f_ra belongs to one open file and is updated without a lock: racing
 * readers of one file can only make the window a worse guess.
 */
#include <kestrel/contract.h>
#include <kestrel/contract/aops.h>
#include <kestrel/fs.h>
#include <kestrel/pagemap.h>
#include <kestrel/sched.h>
#include "pagecache_internal.h"

#define RA_INIT_PAGES 4		/* first window of a sequential read */
#define RA_MAX_PAGES 32		/* default ra_pages: 128 KiB */

void file_ra_state_init(struct file_ra_state *ra, struct address_space *mapping)
{
	ra->start = 0;
	ra->size = 0;
	ra->async_size = 0;
	ra->ra_pages = RA_MAX_PAGES;
	ra->prev_pos = -1;
}

struct folio *readahead_folio(struct readahead_control *ractl)
{
	struct folio *folio;

	if (!ractl->_nr_pages)
		return NULL;
	folio = filemap_lookup_get(ractl->mapping, ractl->_index);
	ractl->_index++;
	ractl->_nr_pages--;
	if (WARN_ON(!folio))
		return NULL;	/* cannot happen: a locked folio is not removed */
	/* The spec's "folio locked: yes" of ->readahead, checked folio by folio. */
	if (!folio_locked_by_current(folio))
		vfs_contract_violation("address_space_operations.readahead",
				       "folio of the batch not locked by the caller");
	/* Drop the lookup's reference and the batch's: the cache keeps the folio. */
	folio_put(folio);
	folio_put(folio);
	return folio;
}

/* Hand the batch [_index, _index + _nr_pages) to the file system. */
static void read_pages(struct readahead_control *ractl)
{
	struct address_space *mapping = ractl->mapping;
	const struct address_space_operations *a_ops = mapping->a_ops;
	struct folio *folio;

	if (!ractl->_nr_pages)
		return;
	ractl->_batch_count++;
	if (a_ops->readahead) {
		vfs_call_readahead(ractl);
		/* What ->readahead left: unlocked, not uptodate; a reader will ->read_folio it. */
		while ((folio = readahead_folio(ractl)))
			folio_unlock(folio);
	} else {
		while ((folio = readahead_folio(ractl))) {
			if (a_ops->read_folio)
				vfs_call_read_folio(mapping, ractl->file, folio);
			else
				folio_unlock(folio);
		}
	}
}

/*
 * The part of [index, index + nr) below EOF. Called again under
 * invalidate_lock: a truncate that ran after the caller's look at i_size
 * has finished (it holds the lock exclusive), and folios we added past
 * the new EOF would stay cached (on tmpfs, charged and pinned) with no
 * truncate left to remove them.
 */
static unsigned long ra_clamp_to_eof(struct address_space *mapping, pgoff_t index,
				     unsigned long nr)
{
	loff_t isize = i_size_read(mapping->host);
	pgoff_t end_index;

	if (isize <= 0)
		return 0;
	end_index = (isize - 1) >> PAGE_SHIFT;
	if (index > end_index)
		return 0;
	return min(nr, (unsigned long)(end_index - index + 1));
}

void page_cache_ra_unbounded(struct address_space *mapping, struct file *file,
			     struct file_ra_state *ra, pgoff_t index, unsigned long nr)
{
	struct readahead_control ractl = {
		.file = file, .mapping = mapping, .ra = ra, ._index = index,
	};
	/* Allocations under invalidate_lock must not reclaim through file systems. */
	unsigned int nofs = memalloc_nofs_save();

	filemap_invalidate_lock_shared(mapping);
	nr = ra_clamp_to_eof(mapping, index, nr);
	for (unsigned long i = 0; i < nr; i++) {
		struct folio *folio = filemap_lookup_get(mapping, index + i);

		if (folio) {
			/* Already cached: read what we have, start a new run after it. */
			folio_put(folio);
			read_pages(&ractl);
			ractl._index = index + i + 1;
			continue;
		}
		/* Speculative: under pressure, read less rather than kill (as Linux). */
		folio = filemap_alloc_folio(mapping->gfp_mask | __GFP_NOWARN | __GFP_NORETRY, 0);
		if (!folio)
			break;
		__folio_set_locked(folio);
		if (filemap_add_folio(mapping, folio, index + i, mapping->gfp_mask) < 0) {
			__folio_clear_locked(folio);
			folio_put(folio);
			read_pages(&ractl);
			ractl._index = index + i + 1;
			continue;
		}
		/* Our allocation reference stays until readahead_folio() hands the folio out. */
		ractl._nr_pages++;
	}
	read_pages(&ractl);
	filemap_invalidate_unlock_shared(mapping);
	memalloc_nofs_restore(nofs);
}

static bool ra_sequential(const struct file_ra_state *ra, pgoff_t index)
{
	pgoff_t prev;

	if (ra->size && index == ra->start + ra->size)
		return true;	/* the reader walked off the end of the last window */
	if (ra->prev_pos < 0)
		return index == 0;	/* a first read from the start */
	prev = ra->prev_pos >> PAGE_SHIFT;
	return index == prev || index == prev + 1;
}

void page_cache_sync_readahead(struct address_space *mapping, struct file_ra_state *ra,
			       struct file *file, pgoff_t index, unsigned long req_count)
{
	loff_t isize = i_size_read(mapping->host);
	pgoff_t end_index;
	unsigned long nr;

	if (!isize)
		return;
	end_index = (isize - 1) >> PAGE_SHIFT;
	if (index > end_index)
		return;
	if (!req_count)
		req_count = 1;
	if (!ra->ra_pages) {
		/* Readahead off: read just what was asked. */
		nr = req_count;
	} else {
		if (ra_sequential(ra, index))
			nr = ra->size ? ra->size * 2 : RA_INIT_PAGES;
		else
			nr = req_count;	/* random: reset the window */
		if (nr < req_count)
			nr = req_count;
		if (nr > ra->ra_pages)
			nr = ra->ra_pages;	/* the rest of a larger request: at the next miss */
		ra->start = index;
		ra->size = nr;
		ra->async_size = 0;
	}
	if (nr > end_index - index + 1)
		nr = end_index - index + 1;
	page_cache_ra_unbounded(mapping, file, ra, index, nr);
}
