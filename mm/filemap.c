/*
 * The page cache: folios, their lock and wait table, the i_pages index,
 * and the generic read and write paths. docs/pagecache.md tells the story;
 * include/kestrel/pagemap.h is the interface.
 *
 * A folio here is one page of a file: a small descriptor (struct folio,
 * from folio_cachep) pointing at its struct page, whose _refcount counts
 * the folio's references. The cache holds one reference for as long as
 * the folio is in mapping->i_pages; every lookup takes another.
 *
 * Locks (their order: docs/locking.md, "Lock order"):
 *   inode->i_rwsem             writes (generic_file_write_iter) and truncation
 *   mapping->invalidate_lock   shared: filling the cache from the backing
 *                              store (->read_folio, ->readahead);
 *                              exclusive: truncation and hole punching
 *   folio lock (PG_locked)     a folio's contents while they are read in or
 *                              written by write_begin..write_end, and its
 *                              mapping while it is removed
 *   i_pages.xa_lock            the tree and its tags, nrpages, folio->mapping
 *                              (irqsave: writeback completion may come from
 *                              an interrupt one day)
 *   lru_lock (vmscan.c)        the LRU; never taken with xa_lock held
 *
 * Lookups take xa_lock rather than relying on RCU alone: a folio found
 * under RCU could be freed, and its page reused, before we take our
 * reference (Linux copes with a speculative reference on a struct page
 * that never stops being one; our folio descriptor is a slab object that
 * would be gone). A lookup holds xa_lock for a few pointer loads only.
 */
#include <kestrel/bitops.h>
#include <kestrel/contract/aops.h>
#include <kestrel/contract/file.h>
#include <kestrel/contract/inode.h>
#include <kestrel/fs.h>
#include <kestrel/kthread.h>
#include <kestrel/pagemap.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include <kestrel/sched_signal.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/wait.h>
#include "pagecache_internal.h"

atomic_long_t nr_file_pages;
atomic_long_t nr_dirty_pages;
atomic_long_t nr_writeback_pages;

static struct kmem_cache *folio_cachep;

/* ============================== folios ============================== */

struct folio *filemap_alloc_folio(gfp_t gfp, unsigned int order)
{
	struct folio *folio;
	struct page *page;

	if (order)
		return NULL;	/* a folio is one page (struct folio has one page); callers ask order 0 */
	folio = kmem_cache_alloc(folio_cachep, gfp);
	if (!folio)
		return NULL;
	page = alloc_page(gfp & ~__GFP_ZERO);
	if (!page) {
		kmem_cache_free(folio_cachep, folio);
		return NULL;
	}
	memset(folio, 0, sizeof(*folio));
	folio->page = page;
	INIT_LIST_HEAD(&folio->lru);
	page->folio = folio;
	if (gfp & __GFP_ZERO)
		memset(page_address(page), 0, PAGE_SIZE);
	return folio;
}

void folio_get(struct folio *folio)
{
	/*
	 * A reference is only taken from one already held (the cache's, a
	 * PTE's under the page-table lock, the caller's): from zero means the
	 * folio was freed under the caller, a use after free made visible.
	 */
	WARN_ON_ONCE(atomic_read(&folio->page->_refcount) <= 0);
	get_page(folio->page);
}

void folio_put(struct folio *folio)
{
	struct page *page = folio->page;

	if (page_ref_dec_return(page) > 0)
		return;
	/* The last reference: nothing can reach the folio any more. */
	WARN_ON(folio->mapping || folio_test_lru(folio) || folio_test_locked(folio) ||
		folio_test_writeback(folio));
	set_page_count(page, 1);	/* __free_pages drops the allocation's reference */
	page->folio = NULL;
	__free_pages(page, 0);
	kmem_cache_free(folio_cachep, folio);
}

void *folio_address(const struct folio *folio)
{
	return page_address(folio->page);
}

struct folio *page_folio(struct page *page)
{
	return page->folio;
}

void folio_attach_private(struct folio *folio, void *data)
{
	folio_get(folio);
	folio->private = data;
	folio_set_flag(folio, PG_private);
}

void *folio_detach_private(struct folio *folio)
{
	void *data = folio->private;

	if (!folio_test_private(folio))
		return NULL;
	folio_clear_flag(folio, PG_private);
	folio->private = NULL;
	folio_put(folio);
	return data;
}

void folio_mark_uptodate(struct folio *folio)
{
	/* The contents first, then the flag: a reader that sees the flag sees the data. */
	smp_wmb();
	folio_set_flag(folio, PG_uptodate);
}

void folio_zero_range(struct folio *folio, size_t offset, size_t length)
{
	if (offset < PAGE_SIZE)
		memset((char *)folio_address(folio) + offset, 0, min(length, PAGE_SIZE - offset));
}

void folio_zero_segments(struct folio *folio, size_t start1, size_t end1, size_t start2,
			 size_t end2)
{
	if (end1 > start1)
		folio_zero_range(folio, start1, end1 - start1);
	if (end2 > start2)
		folio_zero_range(folio, start2, end2 - start2);
}

size_t copy_folio_to_iter(struct folio *folio, size_t offset, size_t bytes, struct iov_iter *i)
{
	return copy_to_iter((char *)folio_address(folio) + offset, bytes, i);
}

size_t copy_folio_from_iter(struct folio *folio, size_t offset, size_t bytes, struct iov_iter *i)
{
	return copy_from_iter((char *)folio_address(folio) + offset, bytes, i);
}

/* ============================== the folio wait table ============================== */

/*
 * Tasks waiting for a folio's PG_locked or PG_writeback to clear sleep on
 * one of these queues, chosen by hashing the folio's address (as Linux's
 * folio_wait_table): a wait queue in every folio would cost memory for
 * the rare folio anyone waits on. Unrelated folios share a queue, so each
 * waiter says which folio and bit it waits for, and the wake function
 * wakes only matching waiters.
 */
#define FOLIO_WAIT_TABLE_BITS 8
static wait_queue_head_t folio_wait_table[1U << FOLIO_WAIT_TABLE_BITS];

struct wait_folio_key {
	struct folio *folio;
	int bit_nr;
};

struct wait_folio_queue {
	struct folio *folio;
	int bit_nr;
	wait_queue_entry_t wait;
};

static wait_queue_head_t *folio_waitqueue(struct folio *folio)
{
	u64 h = (u64)(unsigned long)folio * 0x9E3779B97F4A7C15ULL;

	return &folio_wait_table[h >> (64 - FOLIO_WAIT_TABLE_BITS)];
}

static int wake_folio_function(wait_queue_entry_t *wait, unsigned int mode, void *arg)
{
	struct wait_folio_key *key = arg;
	struct wait_folio_queue *wq = container_of(wait, struct wait_folio_queue, wait);

	if (wq->folio != key->folio || wq->bit_nr != key->bit_nr)
		return 0;
	return autoremove_wake_function(wait, mode, key);
}

void folio_wake_bit(struct folio *folio, int bit_nr)
{
	struct wait_folio_key key = { .folio = folio, .bit_nr = bit_nr };

	/*
	 * The bit was cleared and a full barrier passed before this;
	 * __wake_up takes the queue lock, which a sleeper held while queueing
	 * itself before testing the bit: no wake-up is lost.
	 */
	__wake_up(folio_waitqueue(folio), TASK_NORMAL, 0, &key);
}

/*
 * Sleep until bit_nr of folio is clear; with lock, also take PG_locked
 * (so a woken waiter that loses the race sleeps again). Every waiter is
 * woken on a clear and retests: simple, and fair enough for a teaching
 * kernel (Linux hands the lock over to one exclusive waiter).
 */
static void folio_wait_bit_common(struct folio *folio, int bit_nr, bool lock)
{
	wait_queue_head_t *q = folio_waitqueue(folio);
	struct wait_folio_queue wait = {
		.folio = folio,
		.bit_nr = bit_nr,
		.wait = { .flags = 0, .private = current, .func = wake_folio_function,
			  .entry = LIST_HEAD_INIT(wait.wait.entry) },
	};

	might_sleep();
	for (;;) {
		prepare_to_wait(q, &wait.wait, TASK_UNINTERRUPTIBLE);
		if (lock) {
			if (!test_and_set_bit_lock(PG_locked, &folio->flags))
				break;
		} else if (!(READ_ONCE(folio->flags) & (1UL << bit_nr))) {
			break;
		}
		schedule();
	}
	finish_wait(q, &wait.wait);
}

bool folio_trylock(struct folio *folio)
{
	if (test_and_set_bit_lock(PG_locked, &folio->flags))
		return false;
	WRITE_ONCE(folio->locker, current);
	return true;
}

void folio_lock(struct folio *folio)
{
	might_sleep();
	if (!folio_trylock(folio)) {
		folio_wait_bit_common(folio, PG_locked, true);
		WRITE_ONCE(folio->locker, current);
	}
}

bool folio_locked_by_current(const struct folio *folio)
{
	return folio_test_locked(folio) && READ_ONCE(folio->locker) == current;
}

void __folio_set_locked(struct folio *folio)
{
	folio->flags |= 1UL << PG_locked;
	folio->locker = current;
}

void __folio_clear_locked(struct folio *folio)
{
	folio->locker = NULL;
	folio->flags &= ~(1UL << PG_locked);
}

/*
 * Any task or interrupt may unlock (->read_folio's I/O completion does):
 * only the record of who locked it goes.
 */
void folio_unlock(struct folio *folio)
{
	WARN_ON(!folio_test_locked(folio));
	WRITE_ONCE(folio->locker, NULL);
	clear_bit_unlock(PG_locked, &folio->flags);
	smp_mb__after_atomic();	/* the clear before folio_wake_bit looks for sleepers */
	folio_wake_bit(folio, PG_locked);
}

void folio_wait_locked(struct folio *folio)
{
	if (folio_test_locked(folio))
		folio_wait_bit_common(folio, PG_locked, false);
}

void folio_wait_writeback(struct folio *folio)
{
	while (folio_test_writeback(folio))
		folio_wait_bit_common(folio, PG_writeback, false);
}

/* ============================== the cache ============================== */

struct folio *filemap_lookup_get(struct address_space *mapping, pgoff_t index)
{
	struct folio *folio;
	unsigned long flags;

	xa_lock_irqsave(&mapping->i_pages, flags);
	folio = xa_load(&mapping->i_pages, index);
	if (folio)
		folio_get(folio);
	xa_unlock_irqrestore(&mapping->i_pages, flags);
	return folio;
}

struct folio *filemap_find_get(struct address_space *mapping, pgoff_t *start, pgoff_t end,
			       xa_mark_t tag)
{
	struct folio *folio;
	unsigned long flags;
	unsigned long index = *start;

	xa_lock_irqsave(&mapping->i_pages, flags);
	folio = xa_find(&mapping->i_pages, &index, end, tag);
	if (folio)
		folio_get(folio);
	xa_unlock_irqrestore(&mapping->i_pages, flags);
	if (folio)
		*start = index;
	return folio;
}

/*
 * Insert a new, locked folio at index (locked, so nobody uses it before
 * its owner has filled it, and truncation cannot remove it before it is
 * on the LRU too). The cache takes its own reference.
 */
int filemap_add_folio(struct address_space *mapping, struct folio *folio, pgoff_t index,
		      gfp_t gfp)
{
	unsigned long flags;
	int err;

	WARN_ON(!folio_test_locked(folio));
	folio_get(folio);
	if (READ_ONCE(mapping->flags) & (1UL << AS_SHMEM))
		folio_set_flag(folio, PG_swapbacked);
	xa_lock_irqsave(&mapping->i_pages, flags);
	folio->mapping = mapping;
	folio->index = index;
	err = __xa_insert(&mapping->i_pages, index, folio, GFP_ATOMIC);
	if (!err)
		mapping->nrpages++;
	else
		folio->mapping = NULL;
	xa_unlock_irqrestore(&mapping->i_pages, flags);
	if (err) {
		folio_put(folio);
		return err == -EBUSY ? -EEXIST : err;
	}
	atomic_long_inc(&nr_file_pages);
	folio_add_lru(folio);
	return 0;
}

/*
 * Take a locked folio out of its mapping: out of i_pages and off the
 * LRU, ->free_folio, then drop the cache's reference (the caller still
 * holds its own). Dirty state is dropped: the caller decided the data is
 * not needed (truncation) or is clean (reclaim).
 */
void filemap_remove_folio(struct folio *folio)
{
	struct address_space *mapping = folio->mapping;
	const struct address_space_operations *a_ops;
	unsigned long flags;

	WARN_ON(!folio_test_locked(folio));
	if (!mapping)
		return;
	a_ops = mapping->a_ops;
	if (folio_test_dirty(folio))
		folio_cancel_dirty(folio);
	xa_lock_irqsave(&mapping->i_pages, flags);
	__folio_clear_dirty_tag(mapping, folio);
	__xa_erase(&mapping->i_pages, folio->index);
	mapping->nrpages--;
	folio->mapping = NULL;
	xa_unlock_irqrestore(&mapping->i_pages, flags);
	folio_del_lru(folio);
	atomic_long_dec(&nr_file_pages);
	if (a_ops && a_ops->free_folio)
		vfs_call_free_folio(a_ops, folio);
	folio_put(folio);
}

struct folio *__filemap_get_folio(struct address_space *mapping, pgoff_t index,
				  unsigned int fgp_flags, gfp_t gfp)
{
	struct folio *folio;
	int err;

repeat:
	folio = filemap_lookup_get(mapping, index);
	if (folio) {
		if (fgp_flags & FGP_LOCK) {
			if (fgp_flags & FGP_NOWAIT) {
				if (!folio_trylock(folio)) {
					folio_put(folio);
					return ERR_PTR(-EAGAIN);
				}
			} else {
				folio_lock(folio);
			}
			/* Truncated while we waited for the lock? Look again. */
			if (folio->mapping != mapping) {
				folio_unlock(folio);
				folio_put(folio);
				goto repeat;
			}
		}
		if (fgp_flags & FGP_ACCESSED)
			folio_mark_accessed(folio);
		return folio;
	}
	if (!(fgp_flags & FGP_CREAT))
		return ERR_PTR(-ENOENT);
	folio = filemap_alloc_folio(gfp ? gfp : mapping->gfp_mask, 0);
	if (!folio)
		return ERR_PTR(-ENOMEM);
	__folio_set_locked(folio);	/* nobody else sees it yet */
	err = filemap_add_folio(mapping, folio, index, gfp);
	if (err) {
		__folio_clear_locked(folio);
		folio_put(folio);
		if (err == -EEXIST)
			goto repeat;
		return ERR_PTR(err);
	}
	if (!(fgp_flags & FGP_LOCK))
		folio_unlock(folio);
	if (fgp_flags & FGP_ACCESSED)
		folio_mark_accessed(folio);
	return folio;
}

void mapping_set_unevictable(struct address_space *mapping)
{
	set_bit(AS_UNEVICTABLE, &mapping->flags);
}

void mapping_set_shmem(struct address_space *mapping)
{
	set_bit(AS_SHMEM, &mapping->flags);
}

void address_space_init_once(struct address_space *mapping)
{
	memset(mapping, 0, sizeof(*mapping));
	xa_init(&mapping->i_pages);
	init_rwsem(&mapping->invalidate_lock);
	mapping->gfp_mask = GFP_KERNEL;
	spin_lock_init(&mapping->private_lock);
	INIT_LIST_HEAD(&mapping->private_list);
	init_rwsem(&mapping->i_mmap_rwsem);
	mapping->i_mmap = RB_ROOT;
}

void pagecache_get_stats(struct pagecache_stats *st)
{
	st->nr_pages = atomic_long_read(&nr_file_pages);
	st->nr_dirty = atomic_long_read(&nr_dirty_pages);
	st->nr_writeback = atomic_long_read(&nr_writeback_pages);
	st->nr_lru = READ_ONCE(nr_lru_pages);
	st->nr_reclaimed = atomic_long_read(&nr_reclaimed_pages);
}

/* ============================== filling the cache ============================== */

/*
 * Bring a folio that is in the cache but not uptodate up to date:
 * ->read_folio with the folio locked and invalidate_lock shared (the
 * spec's rule: truncation, which holds it exclusive, cannot run
 * meanwhile and find a half-read folio). Returns 0, -EAGAIN if the folio
 * was truncated meanwhile (look it up again), or the read's error.
 */
static int filemap_update_folio(struct file *file, struct address_space *mapping,
				struct folio *folio)
{
	unsigned int nofs = memalloc_nofs_save();	/* ->read_folio allocates under invalidate_lock */
	int err = 0;

	filemap_invalidate_lock_shared(mapping);
	folio_lock(folio);
	if (folio->mapping != mapping) {
		folio_unlock(folio);
		err = -EAGAIN;
	} else if (folio_test_uptodate(folio)) {
		folio_unlock(folio);
	} else {
		err = vfs_call_read_folio(mapping, file, folio);
		if (!err) {
			folio_wait_locked(folio);	/* ->read_folio may finish asynchronously */
			if (!folio_test_uptodate(folio))
				err = -EIO;
		}
	}
	filemap_invalidate_unlock_shared(mapping);
	memalloc_nofs_restore(nofs);
	return err;
}

/*
 * A cache miss with no readahead (or readahead did not bring it): make
 * the folio and read it. -EEXIST: someone else added one, look again.
 * A folio wholly beyond EOF is not made: under invalidate_lock, i_size is
 * stable against truncation, and a folio beyond it would hold data that
 * truncation already threw away.
 */
static struct folio *filemap_create_read_folio(struct file *file, struct address_space *mapping,
					       pgoff_t index)
{
	struct folio *folio;
	unsigned int nofs;
	int err;

	folio = filemap_alloc_folio(mapping->gfp_mask, 0);
	if (!folio)
		return ERR_PTR(-ENOMEM);
	__folio_set_locked(folio);
	nofs = memalloc_nofs_save();	/* ->read_folio allocates under invalidate_lock */
	filemap_invalidate_lock_shared(mapping);
	if ((loff_t)index << PAGE_SHIFT >= i_size_read(mapping->host)) {
		err = -ERANGE;
		goto fail;
	}
	err = filemap_add_folio(mapping, folio, index, mapping->gfp_mask);
	if (err)
		goto fail;
	err = vfs_call_read_folio(mapping, file, folio);
	filemap_invalidate_unlock_shared(mapping);
	memalloc_nofs_restore(nofs);
	if (!err) {
		folio_wait_locked(folio);
		if (!folio_test_uptodate(folio))
			err = -EIO;
	}
	if (err) {
		folio_put(folio);
		return ERR_PTR(err);
	}
	return folio;
fail:
	filemap_invalidate_unlock_shared(mapping);
	memalloc_nofs_restore(nofs);
	__folio_clear_locked(folio);
	folio_put(folio);
	return ERR_PTR(err);
}

/*
 * The uptodate folio at index, referenced: from the cache, else after
 * readahead (ra != NULL) or a single ->read_folio. ERR_PTR(-ERANGE) when
 * index is beyond EOF.
 */
static struct folio *filemap_get_read_folio(struct file *file, struct address_space *mapping,
					    struct file_ra_state *ra, pgoff_t index,
					    unsigned long nr)
{
	struct folio *folio;
	int err;

	for (;;) {
		folio = filemap_lookup_get(mapping, index);
		if (!folio && ra) {
			page_cache_sync_readahead(mapping, ra, file, index, nr);
			folio = filemap_lookup_get(mapping, index);
		}
		if (!folio) {
			folio = filemap_create_read_folio(file, mapping, index);
			if (folio == ERR_PTR(-EEXIST))
				continue;
			return folio;
		}
		if (folio_test_uptodate(folio))
			return folio;
		err = filemap_update_folio(file, mapping, folio);
		if (!err)
			return folio;
		folio_put(folio);
		if (err != -EAGAIN)
			return ERR_PTR(err);
	}
}

struct folio *read_mapping_folio(struct address_space *mapping, pgoff_t index, struct file *file)
{
	return filemap_get_read_folio(file, mapping, NULL, index, 1);
}

/* ============================== the read path ============================== */

/*
 * Copy file data from the cache to the iterator, from iocb->ki_pos on,
 * until the iterator is full or EOF. i_size is read again after each
 * folio is found uptodate, so a read racing with truncation never copies
 * bytes beyond the size it saw (a folio found before truncation removed
 * it holds data that was valid at that size).
 */
ssize_t filemap_read(struct kiocb *iocb, struct iov_iter *iter, ssize_t already_read)
{
	struct file *file = iocb->ki_filp;
	struct address_space *mapping = file->f_mapping;
	struct inode *inode = mapping->host;
	struct file_ra_state *ra = &file->f_ra;
	loff_t pos = iocb->ki_pos;
	int err = 0;

	might_sleep();
	while (iov_iter_count(iter)) {
		pgoff_t index = pos >> PAGE_SHIFT;
		size_t offset = pos & (PAGE_SIZE - 1);
		unsigned long nr = (offset + iov_iter_count(iter) + PAGE_SIZE - 1) >> PAGE_SHIFT;
		struct folio *folio;
		loff_t isize;
		size_t bytes, copied;

		if (pos >= i_size_read(inode))
			break;
		folio = filemap_get_read_folio(file, mapping, ra, index, nr);
		if (IS_ERR(folio)) {
			if (PTR_ERR(folio) != -ERANGE)
				err = PTR_ERR(folio);
			break;
		}
		smp_rmb();	/* uptodate before the data (folio_mark_uptodate) */
		isize = i_size_read(inode);
		if (pos >= isize) {
			folio_put(folio);
			break;
		}
		bytes = min((loff_t)(PAGE_SIZE - offset), isize - pos);
		copied = copy_folio_to_iter(folio, offset, bytes, iter);
		folio_mark_accessed(folio);
		folio_put(folio);
		pos += copied;
		already_read += copied;
		if (copied < bytes) {
			err = -EFAULT;
			break;
		}
	}
	ra->prev_pos = pos;
	iocb->ki_pos = pos;
	return already_read ? already_read : err;
}

ssize_t generic_file_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	if (!iov_iter_count(to))
		return 0;
	return filemap_read(iocb, to, 0);
}

/* ============================== the write path ============================== */

/*
 * O_APPEND positions the write at EOF; RLIMIT_FSIZE and then the size
 * limit of the file system cut it (EFBIG if nothing fits; at or past
 * RLIMIT_FSIZE also SIGXFSZ, as Linux's generic_write_check_limits).
 * Returns the bytes that may be written. i_rwsem is held, so i_size does
 * not move under us.
 */
ssize_t generic_write_checks(struct kiocb *iocb, struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	struct inode *inode = file->f_mapping->host;
	loff_t max = inode->i_sb ? inode->i_sb->s_maxbytes : MAX_LFS_FILESIZE;
	size_t count = iov_iter_count(from);
	unsigned long limit = rlimit(RLIMIT_FSIZE);

	lockdep_assert_held_write(&inode->i_rwsem);
	if (!max)
		max = MAX_LFS_FILESIZE;
	if (!count)
		return 0;
	if ((iocb->ki_flags & IOCB_APPEND) || (file->f_flags & O_APPEND))
		iocb->ki_pos = i_size_read(inode);
	if (iocb->ki_pos < 0)
		return -EINVAL;
	if (limit != RLIM_INFINITY) {
		if ((u64)iocb->ki_pos >= limit) {
			send_sig(SIGXFSZ, current, 0);
			return -EFBIG;
		}
		if (count > limit - iocb->ki_pos) {
			count = limit - iocb->ki_pos;
			iov_iter_truncate(from, count);
		}
	}
	if (iocb->ki_pos >= max)
		return -EFBIG;
	/* Unsigned compare: (loff_t)count or ki_pos + count could overflow. */
	if (count > (size_t)(max - iocb->ki_pos)) {
		count = max - iocb->ki_pos;
		iov_iter_truncate(from, count);
	}
	return count;
}

/* A write changes mtime and ctime: through ->update_time, or directly and mark the inode dirty. */
static void file_update_time(struct file *file)
{
	struct inode *inode = file_inode(file);
	struct timespec64 now;

	if (!inode->i_sb)
		return;
	now = current_time(inode);
	if (inode->i_mtime.tv_sec == now.tv_sec && inode->i_mtime.tv_nsec == now.tv_nsec)
		return;
	if (inode->i_op && inode->i_op->update_time) {
		vfs_call_update_time(inode, &now, 0);
		return;
	}
	inode->i_mtime = now;
	inode->i_ctime = now;
	__mark_inode_dirty(inode, I_DIRTY_SYNC);
}

/*
 * Copy the iterator into the cache one folio at a time: ->write_begin
 * finds (or makes) and locks the folio, we copy, ->write_end marks it
 * dirty, moves i_size and unlocks it. The caller holds i_rwsem exclusive
 * (asserted here and by the wrappers) for the whole write, so a write is
 * one step for every other writer, whatever its size.
 *
 * The source may be user memory, even a mapping of this very file: a
 * fault on it while we hold the folio lock would need that lock (the
 * fault path locks the file's folio) or mmap_lock under it. So, as
 * Linux: the source bytes are faulted in first, with no folio locked
 * (i_rwsem -> mmap_lock, the order the lock validator learns here); the
 * copy itself runs with page faults off; if a page went away in between,
 * the copy comes back short, write_end takes what arrived (or nothing,
 * for a folio that is not uptodate), and we fault in and try again.
 */
ssize_t generic_perform_write(struct kiocb *iocb, struct iov_iter *i)
{
	struct file *file = iocb->ki_filp;
	struct address_space *mapping = file->f_mapping;
	loff_t pos = iocb->ki_pos;
	ssize_t written = 0;
	long status = 0;

	lockdep_assert_held_write(&mapping->host->i_rwsem);
	while (iov_iter_count(i)) {
		size_t offset = pos & (PAGE_SIZE - 1);
		size_t bytes = min(PAGE_SIZE - offset, iov_iter_count(i));
		struct folio *folio;
		void *fsdata = NULL;
		size_t copied;

again:
		if (fault_in_iov_iter_readable(i, bytes) == bytes) {
			status = -EFAULT;
			break;
		}
		if (fatal_signal_pending(current)) {
			status = -EINTR;
			break;
		}
		status = vfs_call_write_begin(file, mapping, pos, bytes, &folio, &fsdata);
		if (status < 0)
			break;
		copied = copy_page_from_iter_atomic(folio_page(folio, 0), offset, bytes, i);
		status = vfs_call_write_end(file, mapping, pos, bytes, copied, folio, fsdata);
		if ((size_t)status != copied) {
			/* Bytes write_end did not take go back to the source. */
			iov_iter_revert(i, copied - (status > 0 ? status : 0));
			if (status < 0)
				break;
		}
		cond_resched();
		if (status == 0) {
			/*
			 * Nothing went in: a source page vanished between the
			 * fault-in and the copy (another thread unmapped it, or
			 * reclaim). Fault in again, the bytes that did arrive
			 * at most, so a page that stays unreadable ends with
			 * EFAULT above rather than looping.
			 */
			if (copied)
				bytes = copied;
			goto again;
		}
		pos += status;
		written += status;
		balance_dirty_pages_ratelimited(mapping);
	}
	return written ? written : status;
}

ssize_t __generic_file_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	ssize_t written;

	lockdep_assert_held_write(&file->f_mapping->host->i_rwsem);
	file_update_time(file);
	written = generic_perform_write(iocb, from);
	if (written > 0)
		iocb->ki_pos += written;
	return written;
}

/* O_SYNC / O_DSYNC: the written range must be on the backing store before we return. */
static ssize_t generic_write_sync(struct kiocb *iocb, ssize_t count)
{
	struct file *file = iocb->ki_filp;
	int err;

	if (!(iocb->ki_flags & (IOCB_DSYNC | IOCB_SYNC)) && !(file->f_flags & O_DSYNC))
		return count;
	if (!file->f_op || !file->f_op->fsync)
		return -EINVAL;
	err = vfs_call_fsync(file, iocb->ki_pos - count, iocb->ki_pos - 1,
			     !(iocb->ki_flags & IOCB_SYNC));
	return err ? err : count;
}

ssize_t generic_file_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct inode *inode = iocb->ki_filp->f_mapping->host;
	ssize_t ret;

	inode_lock(inode);
	ret = generic_write_checks(iocb, from);
	if (ret > 0)
		ret = __generic_file_write_iter(iocb, from);
	inode_unlock(inode);
	if (ret > 0)
		ret = generic_write_sync(iocb, ret);
	return ret;
}

/* ============================== in-memory file systems ============================== */

/* ramfs: a folio never written reads as zeros (a hole). */
int simple_read_folio(struct file *file, struct folio *folio)
{
	folio_zero_range(folio, 0, PAGE_SIZE);
	folio_mark_uptodate(folio);
	folio_unlock(folio);
	return 0;
}

/*
 * ramfs's write_begin: find or make the folio, locked. A new folio that
 * the write does not cover wholly is zeroed around the write, so it is
 * wholly valid once write_end marks it uptodate (there is nothing to
 * read: the cache is the only copy).
 */
int simple_write_begin(struct file *file, struct address_space *mapping, loff_t pos,
		       unsigned len, struct folio **foliop, void **fsdata)
{
	struct folio *folio;

	folio = __filemap_get_folio(mapping, pos >> PAGE_SHIFT, FGP_WRITEBEGIN, mapping->gfp_mask);
	if (IS_ERR(folio))
		return PTR_ERR(folio);
	*foliop = folio;
	if (!folio_test_uptodate(folio) && len != PAGE_SIZE) {
		size_t from = pos & (PAGE_SIZE - 1);

		folio_zero_segments(folio, 0, from, from + len, PAGE_SIZE);
	}
	return 0;
}

int simple_write_end(struct file *file, struct address_space *mapping, loff_t pos,
		     unsigned len, unsigned copied, struct folio *folio, void *fsdata)
{
	struct inode *inode = mapping->host;
	loff_t last_pos = pos + copied;

	if (!folio_test_uptodate(folio)) {
		if (copied < len) {
			size_t from = pos & (PAGE_SIZE - 1);

			folio_zero_range(folio, from + copied, len - copied);
		}
		folio_mark_uptodate(folio);
	}
	/* i_rwsem held: nobody else moves i_size now. */
	if (last_pos > inode->i_size)
		i_size_write(inode, last_pos);
	folio_mark_dirty(folio);
	folio_unlock(folio);
	folio_put(folio);
	return copied;
}

/*
 * ramfs and tmpfs keep their data only in the cache: dirtying just sets
 * PG_dirty (noop_dirty_folio: nothing to write back, so no dirty tag and
 * no dirty inode), and a dirty folio is never reclaimed.
 */
const struct address_space_operations ram_aops = {
	.read_folio = simple_read_folio,
	.write_begin = simple_write_begin,
	.write_end = simple_write_end,
	.dirty_folio = noop_dirty_folio,
};

/* ============================== boot ============================== */

void pagecache_init(void)
{
	folio_cachep = kmem_cache_create("folio", sizeof(struct folio), 0, 0);
	if (!folio_cachep)
		panic("pagecache: no folio cache");
	for (unsigned int i = 0; i < ARRAY_SIZE(folio_wait_table); i++)
		init_waitqueue_head(&folio_wait_table[i]);
	vmscan_init();
	writeback_init();
}

/* ============================== mmap ============================== */

static pgoff_t size_in_pages(struct inode *inode)
{
	return (pgoff_t)((i_size_read(inode) + PAGE_SIZE - 1) >> PAGE_SHIFT);
}

/*
 * ->fault of page-cache files (the spec's rules): mmap_lock is held for
 * read. The folio is found or read in as by read(), then locked under
 * invalidate_lock shared, which keeps truncation out: if the folio is
 * still in the mapping and inside i_size then, it is returned locked
 * (VM_FAULT_LOCKED) with a reference, and the fault maps it before
 * unlocking. A page beyond EOF is VM_FAULT_SIGBUS.
 */
vm_fault_t filemap_fault(struct vm_fault *vmf)
{
	struct file *file = vmf->vma->vm_file;
	struct address_space *mapping = file->f_mapping;
	struct inode *inode = mapping->host;
	pgoff_t index = vmf->pgoff;
	vm_fault_t ret = 0;
	struct folio *folio;

	might_sleep();
	for (;;) {
		if (index >= size_in_pages(inode))
			return VM_FAULT_SIGBUS;
		folio = filemap_lookup_get(mapping, index);
		if (!folio || !folio_test_uptodate(folio)) {
			if (folio)
				folio_put(folio);
			/* Not in the cache: read it in as read() would (a major fault). */
			folio = filemap_get_read_folio(file, mapping, &file->f_ra, index, 1);
			if (IS_ERR(folio))
				return PTR_ERR(folio) == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
			ret = VM_FAULT_MAJOR;
		}
		filemap_invalidate_lock_shared(mapping);
		folio_lock(folio);
		if (folio->mapping == mapping && folio_test_uptodate(folio))
			break;
		/* Truncated (or invalidated) while we did not hold the lock: again. */
		folio_unlock(folio);
		filemap_invalidate_unlock_shared(mapping);
		folio_put(folio);
	}
	if (index >= size_in_pages(inode)) {
		folio_unlock(folio);
		filemap_invalidate_unlock_shared(mapping);
		folio_put(folio);
		return VM_FAULT_SIGBUS;
	}
	filemap_invalidate_unlock_shared(mapping);
	folio_mark_accessed(folio);
	vmf->page = folio_page(folio, 0);
	return ret | VM_FAULT_LOCKED;
}

/*
 * ->map_pages: map the cached, uptodate folios of [start_pgoff,
 * end_pgoff] around the fault. Runs under rcu_read_lock and must not
 * block: a folio that is locked by someone else is skipped (trylock), so
 * is one not uptodate, truncated, or beyond EOF. The folio lock held
 * while mapping keeps truncation from removing it under us.
 */
vm_fault_t filemap_map_pages(struct vm_fault *vmf, unsigned long start_pgoff,
			     unsigned long end_pgoff)
{
	struct vm_area_struct *vma = vmf->vma;
	struct address_space *mapping = vma->vm_file->f_mapping;
	pgoff_t eof = size_in_pages(mapping->host);
	vm_fault_t ret = 0;

	for (unsigned long index = start_pgoff; index <= end_pgoff && index < eof; index++) {
		unsigned long addr = vmf->address + ((long)(index - vmf->pgoff) << PAGE_SHIFT);
		struct folio *folio = filemap_lookup_get(mapping, index);

		if (!folio)
			continue;
		if (folio_test_uptodate(folio) && folio_trylock(folio)) {
			if (folio->mapping == mapping && index < size_in_pages(mapping->host) &&
			    set_pte_range(vmf, folio, addr, false) && index == vmf->pgoff)
				ret = VM_FAULT_NOPAGE;	/* the faulting address itself is mapped */
			folio_unlock(folio);
		}
		folio_put(folio);
	}
	return ret;
}

/*
 * ->page_mkwrite: the first write to a shared page. Under invalidate_lock
 * shared (no truncation meanwhile) lock the folio; gone from the mapping
 * means truncated: VM_FAULT_NOPAGE (the access retries and gets SIGBUS).
 * Else mark it dirty, so writeback (msync, fsync, the flusher) writes it,
 * and return it locked.
 */
vm_fault_t filemap_page_mkwrite(struct vm_area_struct *vma, struct vm_fault *vmf)
{
	struct address_space *mapping = vma->vm_file->f_mapping;
	struct folio *folio = page_folio(vmf->page);

	filemap_invalidate_lock_shared(mapping);
	file_update_time(vma->vm_file);
	folio_lock(folio);
	if (folio->mapping != mapping) {
		folio_unlock(folio);
		filemap_invalidate_unlock_shared(mapping);
		return VM_FAULT_NOPAGE;
	}
	folio_mark_dirty(folio);
	filemap_invalidate_unlock_shared(mapping);
	/* A write in flight from before must not race the new data (stable pages). */
	folio_wait_writeback(folio);
	return VM_FAULT_LOCKED;
}

const struct vm_operations_struct generic_file_vm_ops = {
	.fault = filemap_fault,
	.map_pages = filemap_map_pages,
	.page_mkwrite = filemap_page_mkwrite,
};

/* ->mmap of page-cache files (ramfs, tmpfs): faults go through the cache. */
int generic_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (!file->f_mapping->a_ops || !file->f_mapping->a_ops->read_folio)
		return -ENOEXEC;
	vma->vm_ops = &generic_file_vm_ops;
	return 0;
}
