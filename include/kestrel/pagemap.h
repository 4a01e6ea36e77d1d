/*
 * The page cache's interface (mm/filemap.c, mm/readahead.c,
 * mm/page-writeback.c, mm/truncate.c: the page-cache helper implements
 * every function declared here; the VFS and file systems call them).
 *
 * A folio is a page of a file in the cache. Kestrel's folios are single
 * pages: struct folio is a descriptor pointing at its struct page, whose
 * _refcount is the folio's reference count (folio_get/folio_put).
 *
 * Folio flags (bit numbers in folio->flags, atomic bitops):
 *   PG_locked     held by one task (folio_lock, sleeps; waiters wake on
 *                 folio_unlock). Held across ->read_folio until the read
 *                 completes, across ->write_begin..->write_end, and while
 *                 a folio is removed from the cache or its private data freed.
 *   PG_uptodate   contents valid; never cleared while the folio is cached
 *   PG_dirty      must be written back (tagged dirty in i_pages)
 *   PG_writeback  write-out in flight (tagged writeback in i_pages); the
 *                 folio need not be locked meanwhile
 *   PG_lru        on the reclaim LRU
 *   PG_private    folio->private holds file-system data (buffers)
 *   PG_referenced accessed since the reclaim scan last looked
 *   PG_swapbacked a tmpfs folio (set when added to an AS_SHMEM mapping,
 *                 never cleared): mapped, it counts as shmem in an mm's RSS
 * mapping and index are stable while the folio is locked (truncation
 * clears mapping under the folio lock).
 *
 * Locks used to protect struct folio's members:
 *	[a] atomic bitops
 *	[c] constant after creation
 *	[l] the folio lock (PG_locked)
 *	[m] mapping->i_pages.xa_lock
 *	[U] lru_lock (mm/vmscan.c)
 * ([l,m]: changed with both held, stable under either.)
 *
 * Tags in mapping->i_pages (xarray marks): PAGECACHE_TAG_DIRTY follows
 * PG_dirty for file systems that write back (filemap_dirty_folio),
 * PAGECACHE_TAG_WRITEBACK follows PG_writeback, PAGECACHE_TAG_TOWRITE
 * marks what a WBC_SYNC_ALL pass must write (so folios dirtied after it
 * started cannot keep it going forever).
 *
 * mm/filemap.c, readahead.c, page-writeback.c, truncate.c and vmscan.c
 * implement this header; docs/pagecache.md walks through them.
 */
#ifndef KESTREL_PAGEMAP_H
#define KESTREL_PAGEMAP_H

#include <kestrel/bitops.h>
#include <kestrel/fs.h>
#include <kestrel/mm.h>
#include <kestrel/mm_types.h>

enum folio_flag_bits {
	PG_locked,
	PG_uptodate,
	PG_dirty,
	PG_writeback,
	PG_lru,
	PG_private,
	PG_referenced,
	PG_error,
	PG_reclaim,
	PG_swapbacked,
};

#define PAGECACHE_TAG_DIRTY XA_MARK_0
#define PAGECACHE_TAG_WRITEBACK XA_MARK_1
#define PAGECACHE_TAG_TOWRITE XA_MARK_2

struct folio {
	unsigned long flags;		/* [a] PG_* bits above */
	struct page *page;		/* [c] the one page; its _refcount counts folio references */
	struct address_space *mapping;	/* [l,m] NULL once truncated */
	pgoff_t index;			/* [l,m] page offset in the file */
	void *private;			/* [l] PG_private: the file system's */
	struct list_head lru;		/* [U] reclaim LRU */
	/*
	 * [l] the task that took PG_locked, NULL once unlocked: so "folio
	 * locked" in a contract check means locked by the caller, not by
	 * anybody (folio_locked_by_current). Checks only; nothing waits on it.
	 */
	struct task_struct *locker;
};

/* ---- readahead ---- */
struct readahead_control {
	struct file *file;
	struct address_space *mapping;
	struct file_ra_state *ra;
	pgoff_t _index;			/* next folio to hand out */
	unsigned int _nr_pages;		/* folios left in the batch */
	unsigned int _batch_count;
};
/* ->readahead's iterator: the next locked folio of the batch (with a reference held by the cache). */
struct folio *readahead_folio(struct readahead_control *ractl);
static inline pgoff_t readahead_index(const struct readahead_control *rac) { return rac->_index; }
static inline unsigned int readahead_count(const struct readahead_control *rac) { return rac->_nr_pages; }

/* ---- folio state ---- */
void folio_lock(struct folio *folio);
bool folio_trylock(struct folio *folio);
void folio_unlock(struct folio *folio);
void folio_wait_locked(struct folio *folio);
static inline bool folio_test_locked(const struct folio *f) { return READ_ONCE(f->flags) & (1UL << PG_locked); }
/* Locked, and by the running task (the contract checks' "folio locked: yes"). */
bool folio_locked_by_current(const struct folio *folio);
/* Lock a new folio nobody else can see yet (no atomics needed), and undo it. */
void __folio_set_locked(struct folio *folio);
void __folio_clear_locked(struct folio *folio);
static inline bool folio_test_uptodate(const struct folio *f) { return READ_ONCE(f->flags) & (1UL << PG_uptodate); }
static inline bool folio_test_dirty(const struct folio *f) { return READ_ONCE(f->flags) & (1UL << PG_dirty); }
static inline bool folio_test_writeback(const struct folio *f) { return READ_ONCE(f->flags) & (1UL << PG_writeback); }
void folio_mark_uptodate(struct folio *folio);
bool folio_mark_dirty(struct folio *folio);		/* calls ->dirty_folio */
bool filemap_dirty_folio(struct address_space *mapping, struct folio *folio);
bool noop_dirty_folio(struct address_space *mapping, struct folio *folio);
bool folio_clear_dirty_for_io(struct folio *folio);
void folio_start_writeback(struct folio *folio);
void folio_end_writeback(struct folio *folio);
void folio_wait_writeback(struct folio *folio);
bool folio_redirty_for_writepage(struct writeback_control *wbc, struct folio *folio);
void folio_get(struct folio *folio);
void folio_put(struct folio *folio);
void *folio_address(const struct folio *folio);
struct folio *page_folio(struct page *page);
static inline struct page *folio_page(struct folio *folio, unsigned long n) { (void)n; return folio->page; }
static inline pgoff_t folio_index(const struct folio *folio) { return folio->index; }
static inline long folio_nr_pages(const struct folio *folio) { (void)folio; return 1; }
static inline int folio_ref_count(const struct folio *folio) { return page_count(folio->page); }
static inline bool folio_test_private(const struct folio *f) { return READ_ONCE(f->flags) & (1UL << PG_private); }
static inline bool folio_test_lru(const struct folio *f) { return READ_ONCE(f->flags) & (1UL << PG_lru); }
static inline bool folio_test_referenced(const struct folio *f) { return READ_ONCE(f->flags) & (1UL << PG_referenced); }
static inline bool folio_test_swapbacked(const struct folio *f) { return READ_ONCE(f->flags) & (1UL << PG_swapbacked); }
static inline bool folio_test_error(const struct folio *f) { return READ_ONCE(f->flags) & (1UL << PG_error); }
/*
 * Atomic flag updates (other CPUs change other bits of the same word),
 * ordered as bitops.h says: set/clear are unordered (the caller holds the
 * lock that matters, or orders by hand as folio_mark_uptodate does); the
 * test-and-change ones are full barriers.
 */
static inline void folio_set_flag(struct folio *f, int bit) { set_bit(bit, &f->flags); }
static inline void folio_clear_flag(struct folio *f, int bit) { clear_bit(bit, &f->flags); }
static inline bool folio_test_set_flag(struct folio *f, int bit) { return test_and_set_bit(bit, &f->flags); }
static inline bool folio_test_clear_flag(struct folio *f, int bit) { return test_and_clear_bit(bit, &f->flags); }
/* File-system data hung on a locked folio (buffers): PG_private plus a reference. */
void folio_attach_private(struct folio *folio, void *data);
void *folio_detach_private(struct folio *folio);
static inline void *folio_get_private(const struct folio *folio) { return folio->private; }
/* A read or write used the folio: reclaim gives it a second chance. */
void folio_mark_accessed(struct folio *folio);
/* Truncation: forget the dirty state without writing (folio locked). */
void folio_cancel_dirty(struct folio *folio);
void folio_zero_segments(struct folio *folio, size_t start1, size_t end1, size_t start2,
			 size_t end2);

/* The page-based names ->writepage uses (it gets a struct page). */
static inline void lock_page(struct page *page) { folio_lock(page_folio(page)); }
static inline void unlock_page(struct page *page) { folio_unlock(page_folio(page)); }
static inline bool PageLocked(struct page *page) { return folio_test_locked(page_folio(page)); }
static inline void set_page_writeback(struct page *page) { folio_start_writeback(page_folio(page)); }
static inline void end_page_writeback(struct page *page) { folio_end_writeback(page_folio(page)); }
static inline bool redirty_page_for_writepage(struct writeback_control *wbc, struct page *page)
{
	return folio_redirty_for_writepage(wbc, page_folio(page));
}
static inline size_t folio_size(const struct folio *folio) { (void)folio; return PAGE_SIZE; }
static inline loff_t folio_pos(const struct folio *folio) { return (loff_t)folio->index << PAGE_SHIFT; }
void folio_zero_range(struct folio *folio, size_t offset, size_t length);
size_t copy_folio_to_iter(struct folio *folio, size_t offset, size_t bytes, struct iov_iter *i);
size_t copy_folio_from_iter(struct folio *folio, size_t offset, size_t bytes, struct iov_iter *i);

/* ---- the cache ---- */
#define FGP_ACCESSED 0x01
#define FGP_LOCK 0x02
#define FGP_CREAT 0x04
#define FGP_WRITE 0x08
#define FGP_NOWAIT 0x20
#define FGP_WRITEBEGIN (FGP_LOCK | FGP_WRITE | FGP_CREAT)
/* Find (and with FGP_CREAT create) the folio at index; ERR_PTR(-ENOENT/-ENOMEM). */
struct folio *__filemap_get_folio(struct address_space *mapping, pgoff_t index,
				  unsigned int fgp_flags, gfp_t gfp);
static inline struct folio *filemap_get_folio(struct address_space *mapping, pgoff_t index)
{
	return __filemap_get_folio(mapping, index, 0, 0);
}
int filemap_add_folio(struct address_space *mapping, struct folio *folio, pgoff_t index,
		      gfp_t gfp);
struct folio *filemap_alloc_folio(gfp_t gfp, unsigned int order);
void filemap_remove_folio(struct folio *folio);
/* Read the folio at index through ->read_folio, waiting for it (a reference on return). */
struct folio *read_mapping_folio(struct address_space *mapping, pgoff_t index, struct file *file);
void mapping_set_unevictable(struct address_space *mapping);
void mapping_set_shmem(struct address_space *mapping);
static inline bool mapping_unevictable(const struct address_space *mapping)
{
	return READ_ONCE(mapping->flags) & (1UL << AS_UNEVICTABLE);
}
void address_space_init_once(struct address_space *mapping);
/* Record an asynchronous write error for the next fsync (AS_EIO / AS_ENOSPC). */
void mapping_set_error(struct address_space *mapping, int error);

/* Page-cache counters (for /proc/meminfo and tests), in pages. */
struct pagecache_stats {
	unsigned long nr_pages;		/* folios in all mappings */
	unsigned long nr_dirty;		/* PG_dirty and tagged dirty (writeback will see them) */
	unsigned long nr_writeback;	/* PG_writeback */
	unsigned long nr_lru;		/* on the reclaim LRU */
	unsigned long nr_reclaimed;	/* evicted by reclaim since boot */
};
void pagecache_get_stats(struct pagecache_stats *st);
/* Caches, the folio wait table, the reclaim shrinker and the flusher thread (start_kernel). */
void pagecache_init(void);

/* ---- read and write paths ---- */
ssize_t filemap_read(struct kiocb *iocb, struct iov_iter *to, ssize_t already_read);
ssize_t generic_file_read_iter(struct kiocb *iocb, struct iov_iter *to);
ssize_t generic_file_write_iter(struct kiocb *iocb, struct iov_iter *from);
ssize_t __generic_file_write_iter(struct kiocb *iocb, struct iov_iter *from);
ssize_t generic_perform_write(struct kiocb *iocb, struct iov_iter *i);
ssize_t generic_write_checks(struct kiocb *iocb, struct iov_iter *from);
/* ramfs-style ->read_folio, ->write_begin, ->write_end (zero-filled, no backing store) */
int simple_read_folio(struct file *file, struct folio *folio);
int simple_write_begin(struct file *file, struct address_space *mapping, loff_t pos,
		       unsigned len, struct folio **foliop, void **fsdata);
int simple_write_end(struct file *file, struct address_space *mapping, loff_t pos,
		     unsigned len, unsigned copied, struct folio *folio, void *fsdata);
extern const struct address_space_operations ram_aops;

/* ---- readahead ---- */
void file_ra_state_init(struct file_ra_state *ra, struct address_space *mapping);
void page_cache_sync_readahead(struct address_space *mapping, struct file_ra_state *ra,
			       struct file *file, pgoff_t index, unsigned long req_count);

/* ---- writeback ---- */
/*
 * Periodic writeback (the "flush" kthread): every dirty_writeback_interval_ms
 * it writes the inodes dirtied more than dirty_expire_interval_ms ago
 * (defaults 5 s and 30 s, as Linux; boot options writeback_interval_ms=
 * and dirty_expire_ms=; tests change them at run time).
 */
extern unsigned int dirty_writeback_interval_ms;
extern unsigned int dirty_expire_interval_ms;
typedef int (*writepage_t)(struct folio *folio, struct writeback_control *wbc, void *data);
/*
 * Walk the dirty folios of wbc's range (WBC_SYNC_ALL: those tagged
 * towrite at the start), lock each, skip the ones that are clean, gone
 * or under writeback (WBC_SYNC_NONE) or wait for that writeback
 * (WBC_SYNC_ALL), clear dirty, and hand it to writepage (which must
 * unlock it). For ->writepages implementations and do_writepages.
 */
int write_cache_pages(struct address_space *mapping, struct writeback_control *wbc,
		      writepage_t writepage, void *data);
void tag_pages_for_writeback(struct address_space *mapping, pgoff_t start, pgoff_t end);
/* Throttle a writer when too much of memory is dirty (generic_perform_write). */
void balance_dirty_pages_ratelimited(struct address_space *mapping);
int do_writepages(struct address_space *mapping, struct writeback_control *wbc);
int filemap_fdatawrite(struct address_space *mapping);
int filemap_fdatawrite_range(struct address_space *mapping, loff_t start, loff_t end);
int filemap_fdatawait_range(struct address_space *mapping, loff_t start, loff_t end);
static inline int filemap_fdatawait(struct address_space *mapping)
{
	return filemap_fdatawait_range(mapping, 0, MAX_LFS_FILESIZE);
}
int filemap_fdatawrite_wbc(struct address_space *mapping, struct writeback_control *wbc);
int filemap_write_and_wait_range(struct address_space *mapping, loff_t lstart, loff_t lend);
static inline int filemap_write_and_wait(struct address_space *mapping)
{
	return filemap_write_and_wait_range(mapping, 0, MAX_LFS_FILESIZE);
}
int file_write_and_wait_range(struct file *file, loff_t start, loff_t end);
int filemap_check_errors(struct address_space *mapping);
/* The whole super block's dirty inodes (sync(2), syncfs); wait: WBC_SYNC_ALL. */
void sync_inodes_sb(struct super_block *sb);
void writeback_inodes_sb(struct super_block *sb);
void wakeup_flusher_threads(void);

/* ---- mmap (mm/filemap.c, mm/i_mmap.c; docs/address-spaces.md) ---- */
extern const struct vm_operations_struct generic_file_vm_ops;
/* ->mmap of page-cache files: vm_ops = generic_file_vm_ops. */
int generic_file_mmap(struct file *file, struct vm_area_struct *vma);
vm_fault_t filemap_fault(struct vm_fault *vmf);
vm_fault_t filemap_map_pages(struct vm_fault *vmf, unsigned long start_pgoff,
			     unsigned long end_pgoff);
vm_fault_t filemap_page_mkwrite(struct vm_area_struct *vma, struct vm_fault *vmf);
/*
 * Unmap file pages [holebegin, holebegin + holelen) (holelen 0: to the
 * end) from every VMA mapping them; even_cows also takes the private
 * copies of private mappings. Truncation calls it.
 */
void unmap_mapping_range(struct address_space *mapping, loff_t holebegin, loff_t holelen,
			 int even_cows);
/* Does any VMA map the file? */
bool mapping_mapped(struct address_space *mapping);
/* Unmap the locked folio from every shared mapping, just before it leaves the cache. */
void unmap_mapping_folio(struct folio *folio);
/*
 * Write-protect and clean every shared mapping's PTE of the locked folio
 * (writeback is about to write it); true if one had recorded a write.
 */
bool folio_mkclean(struct folio *folio);

/* ---- truncation (callers hold invalidate_lock exclusive; see docs/locking.md) ---- */
void truncate_inode_pages(struct address_space *mapping, loff_t lstart);
void truncate_inode_pages_range(struct address_space *mapping, loff_t lstart, loff_t lend);
void truncate_inode_pages_final(struct address_space *mapping);
void truncate_pagecache(struct inode *inode, loff_t newsize);
void truncate_setsize(struct inode *inode, loff_t newsize);
void truncate_pagecache_range(struct inode *inode, loff_t start, loff_t end);
/* Drop clean, unused folios of [start, end] (no invalidate_lock needed): how many went. */
unsigned long invalidate_mapping_pages(struct address_space *mapping, pgoff_t start, pgoff_t end);
/* Drop every folio of [start, end], laundering dirty ones (->launder_folio); -EBUSY if some stayed. */
int invalidate_inode_pages2_range(struct address_space *mapping, pgoff_t start, pgoff_t end);
static inline int invalidate_inode_pages2(struct address_space *mapping)
{
	return invalidate_inode_pages2_range(mapping, 0, ~0UL);
}

/* ---- reclaim (mm/vmscan.c) ---- */
/* Evict up to nr clean, unused folios from the LRU; returns how many were freed. */
unsigned long shrink_page_cache(unsigned long nr);

#endif
