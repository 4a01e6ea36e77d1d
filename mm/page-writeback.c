/*
 * Writeback: dirty folios back to the file system's backing store.
 *
 * A folio is dirtied through folio_mark_dirty(), which calls the
 * mapping's ->dirty_folio (through its contract wrapper: it must not
 * block). filemap_dirty_folio, the usual one, sets PG_dirty, tags the
 * folio dirty in i_pages and puts the inode on its super block's dirty
 * list (__mark_inode_dirty(I_DIRTY_PAGES)). noop_dirty_folio (ramfs)
 * only sets PG_dirty: there is nowhere to write to.
 *
 * Writing a mapping back (do_writepages) calls ->writepages, or walks the
 * dirty-tagged folios (write_cache_pages) calling ->writepage for each
 * with the folio locked and its dirty bit cleared. The file system then
 * either redirties it (folio_redirty_for_writepage) and unlocks it, or
 * runs folio_start_writeback, unlocks it, and folio_end_writeback when
 * the write completes. The two modes of the spec:
 *   WBC_SYNC_NONE  memory cleansing and periodic writeback: get as much
 *                  I/O started as possible, never wait. A folio still
 *                  under writeback is skipped (it stays dirty and tagged,
 *                  the next pass gets it).
 *   WBC_SYNC_ALL   data integrity (fsync, sync): every folio dirty when
 *                  the pass started is written, waiting for writeback in
 *                  progress first. Those folios are tagged TOWRITE at the
 *                  start, so folios dirtied meanwhile cannot make the
 *                  pass endless.
 *
 * Inodes: the flusher thread ("flush") wakes every
 * dirty_writeback_interval_ms and writes back, per super block (with
 * s_umount shared), the inodes dirtied more than dirty_expire_interval_ms
 * ago: their folios (WBC_SYNC_NONE) and, if their metadata is dirty,
 * ->write_inode. sync(2) and syncfs use sync_inodes_sb (WBC_SYNC_ALL).
 *
 * Locks: sb->s_inode_wblist_lock protects sb->s_dirty and is taken inside
 * inode->i_lock (docs/locking.md, "Lock order"); to pick an inode off the list we
 * hold the list lock and only trylock i_lock. I_SYNC (under i_lock) marks
 * an inode being written back, so two passes do not write it at once;
 * wb_pass_mutex runs one pass at a time, so sync waits for the flusher's.
 */
#include <kestrel/atomic.h>
#include <kestrel/bitops.h>
#include <kestrel/cmdline.h>
#include <kestrel/contract/aops.h>
#include <kestrel/contract/super.h>
#include <kestrel/fs.h>
#include <kestrel/kthread.h>
#include <kestrel/pagemap.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include <kestrel/string.h>
#include <kestrel/time.h>
#include <kestrel/timer.h>
#include <kestrel/wait.h>
#include "pagecache_internal.h"

unsigned int dirty_writeback_interval_ms = 5000;
unsigned int dirty_expire_interval_ms = 30000;

/* ============================== dirty and writeback state ============================== */

void mapping_set_error(struct address_space *mapping, int error)
{
	if (!error)
		return;
	set_bit(error == -ENOSPC ? AS_ENOSPC : AS_EIO, &mapping->flags);
	WRITE_ONCE(mapping->wb_err, error);
}

int filemap_check_errors(struct address_space *mapping)
{
	int ret = 0;

	/* Both are cleared; ENOSPC is the more telling one if both happened. */
	if (test_and_clear_bit(AS_EIO, &mapping->flags))
		ret = -EIO;
	if (test_and_clear_bit(AS_ENOSPC, &mapping->flags))
		ret = -ENOSPC;
	return ret;
}

void __folio_clear_dirty_tag(struct address_space *mapping, struct folio *folio)
{
	lockdep_assert_held(&mapping->i_pages.xa_lock);
	if (xa_get_mark(&mapping->i_pages, folio->index, PAGECACHE_TAG_DIRTY)) {
		__xa_clear_mark(&mapping->i_pages, folio->index, PAGECACHE_TAG_DIRTY);
		atomic_long_dec(&nr_dirty_pages);
	}
	__xa_clear_mark(&mapping->i_pages, folio->index, PAGECACHE_TAG_TOWRITE);
}

bool noop_dirty_folio(struct address_space *mapping, struct folio *folio)
{
	return !folio_test_set_flag(folio, PG_dirty);
}

bool filemap_dirty_folio(struct address_space *mapping, struct folio *folio)
{
	unsigned long flags;
	bool tagged = false;

	if (folio_test_set_flag(folio, PG_dirty))
		return false;
	xa_lock_irqsave(&mapping->i_pages, flags);
	/* Truncated meanwhile (the caller did not hold the folio lock)? Then no tag. */
	if (folio->mapping == mapping &&
	    !xa_get_mark(&mapping->i_pages, folio->index, PAGECACHE_TAG_DIRTY)) {
		__xa_set_mark(&mapping->i_pages, folio->index, PAGECACHE_TAG_DIRTY);
		atomic_long_inc(&nr_dirty_pages);
		tagged = true;
	}
	xa_unlock_irqrestore(&mapping->i_pages, flags);
	if (tagged && mapping->host && mapping->host->i_sb)
		__mark_inode_dirty(mapping->host, I_DIRTY_PAGES);
	return true;
}

bool folio_mark_dirty(struct folio *folio)
{
	struct address_space *mapping = folio->mapping;

	if (!mapping)
		return !folio_test_set_flag(folio, PG_dirty);
	if (!mapping->a_ops || !mapping->a_ops->dirty_folio)
		return filemap_dirty_folio(mapping, folio);
	return vfs_call_dirty_folio(mapping, folio);
}

/*
 * Writeback is about to write the locked folio: clear PG_dirty (a write
 * that lands from now on dirties it again). The dirty tag stays until
 * folio_start_writeback, so the folio is never untagged while it still
 * needs writing.
 */
bool folio_clear_dirty_for_io(struct folio *folio)
{
	WARN_ON(!folio_test_locked(folio));
	/*
	 * Shared mappings lose write access first (mm/i_mmap.c), so a write
	 * through one after this point faults into ->page_mkwrite and dirties
	 * the folio again; a write a PTE recorded is moved to the folio.
	 */
	if (folio_mkclean(folio))
		folio_mark_dirty(folio);
	return folio_test_clear_flag(folio, PG_dirty);
}

void folio_cancel_dirty(struct folio *folio)
{
	struct address_space *mapping = folio->mapping;
	unsigned long flags;

	if (!folio_test_clear_flag(folio, PG_dirty) || !mapping)
		return;
	xa_lock_irqsave(&mapping->i_pages, flags);
	__folio_clear_dirty_tag(mapping, folio);
	xa_unlock_irqrestore(&mapping->i_pages, flags);
}

bool folio_redirty_for_writepage(struct writeback_control *wbc, struct folio *folio)
{
	wbc->pages_skipped++;
	return folio_mark_dirty(folio);
}

void folio_start_writeback(struct folio *folio)
{
	struct address_space *mapping = folio->mapping;
	unsigned long flags;

	WARN_ON(!folio_test_locked(folio));
	if (folio_test_set_flag(folio, PG_writeback)) {
		pagecache_warn("folio_start_writeback: folio %p already under writeback\n", folio);
		return;
	}
	atomic_long_inc(&nr_writeback_pages);
	if (!mapping)
		return;
	xa_lock_irqsave(&mapping->i_pages, flags);
	__xa_set_mark(&mapping->i_pages, folio->index, PAGECACHE_TAG_WRITEBACK);
	if (!folio_test_dirty(folio))
		__folio_clear_dirty_tag(mapping, folio);
	else
		__xa_clear_mark(&mapping->i_pages, folio->index, PAGECACHE_TAG_TOWRITE);
	xa_unlock_irqrestore(&mapping->i_pages, flags);
}

/* The write completed (any context, the folio need not be locked). */
void folio_end_writeback(struct folio *folio)
{
	struct address_space *mapping = folio->mapping;
	unsigned long flags;

	/* Keep the folio alive while we wake its waiters. */
	folio_get(folio);
	if (mapping) {
		xa_lock_irqsave(&mapping->i_pages, flags);
		if (folio->mapping == mapping)
			__xa_clear_mark(&mapping->i_pages, folio->index, PAGECACHE_TAG_WRITEBACK);
		xa_unlock_irqrestore(&mapping->i_pages, flags);
	}
	if (!folio_test_clear_flag(folio, PG_writeback))
		pagecache_warn("folio_end_writeback: folio %p not under writeback\n", folio);
	else
		atomic_long_dec(&nr_writeback_pages);
	folio_wake_bit(folio, PG_writeback);
	folio_put(folio);
}

/* ============================== writing a mapping ============================== */

void tag_pages_for_writeback(struct address_space *mapping, pgoff_t start, pgoff_t end)
{
	unsigned long index = start;
	unsigned long flags;

	xa_lock_irqsave(&mapping->i_pages, flags);
	while (index <= end && xa_find(&mapping->i_pages, &index, end, PAGECACHE_TAG_DIRTY)) {
		__xa_set_mark(&mapping->i_pages, index, PAGECACHE_TAG_TOWRITE);
		if (++index == 0)
			break;
	}
	xa_unlock_irqrestore(&mapping->i_pages, flags);
}

/*
 * A ->writepage that returns with the folio clean, not under writeback
 * and still tagged dirty broke the spec's rule ("failure to run either
 * redirty_page_for_writepage() or the combination of set_page_writeback()/
 * end_page_writeback() ... will leave the page itself marked clean but
 * tagged as dirty"): say so, and drop the stale tag.
 */
static void check_writepage_result(struct address_space *mapping, struct folio *folio)
{
	unsigned long flags;
	bool stale = false;

	xa_lock_irqsave(&mapping->i_pages, flags);
	if (folio->mapping == mapping && !folio_test_dirty(folio) &&
	    !folio_test_writeback(folio) &&
	    xa_get_mark(&mapping->i_pages, folio->index, PAGECACHE_TAG_DIRTY)) {
		__folio_clear_dirty_tag(mapping, folio);
		stale = true;
	}
	xa_unlock_irqrestore(&mapping->i_pages, flags);
	if (stale)
		pagecache_warn("writepage %ps: folio %lu neither redirtied nor written back\n",
		     mapping->a_ops->writepage, folio->index);
}

/* A clean folio found through a dirty or towrite tag: drop the tags. */
static void clear_stale_tags(struct address_space *mapping, struct folio *folio)
{
	unsigned long flags;

	xa_lock_irqsave(&mapping->i_pages, flags);
	if (!folio_test_dirty(folio))
		__folio_clear_dirty_tag(mapping, folio);
	xa_unlock_irqrestore(&mapping->i_pages, flags);
}

int write_cache_pages(struct address_space *mapping, struct writeback_control *wbc,
		      writepage_t writepage, void *data)
{
	pgoff_t index, end;
	xa_mark_t tag;
	int ret = 0;

	might_sleep();
	if (wbc->range_cyclic) {
		index = mapping->writeback_index;
		end = ~0UL;
	} else {
		index = wbc->range_start >> PAGE_SHIFT;
		end = wbc->range_end >= MAX_LFS_FILESIZE ? ~0UL : (pgoff_t)(wbc->range_end >> PAGE_SHIFT);
	}
	if (wbc->sync_mode == WBC_SYNC_ALL) {
		tag_pages_for_writeback(mapping, index, end);
		tag = PAGECACHE_TAG_TOWRITE;
	} else {
		tag = PAGECACHE_TAG_DIRTY;
	}
	for (;;) {
		struct folio *folio = filemap_find_get(mapping, &index, end, tag);
		int err;

		if (!folio)
			break;
		index = folio->index + 1;
		folio_lock(folio);
		if (folio->mapping != mapping || !folio_test_dirty(folio)) {
			/* Truncated, or someone else wrote it meanwhile. */
			if (folio->mapping == mapping)
				clear_stale_tags(mapping, folio);
			goto next;
		}
		if (folio_test_writeback(folio)) {
			if (wbc->sync_mode == WBC_SYNC_NONE) {
				wbc->pages_skipped++;	/* stays dirty and tagged */
				goto next;
			}
			folio_wait_writeback(folio);
		}
		if (!folio_clear_dirty_for_io(folio))
			goto next;
		err = writepage(folio, wbc, data);
		if (err == WRITEPAGE_ACTIVATE) {
			folio_unlock(folio);
			err = 0;
		}
		check_writepage_result(mapping, folio);
		folio_put(folio);
		if (err) {
			mapping_set_error(mapping, err);
			if (!ret)
				ret = err;
			/* Integrity sync writes everything it can; cleansing stops. */
			if (wbc->sync_mode == WBC_SYNC_NONE)
				break;
		}
		if (--wbc->nr_to_write <= 0 && wbc->sync_mode == WBC_SYNC_NONE)
			break;
		if (index == 0)
			break;
		continue;
next:
		folio_unlock(folio);
		folio_put(folio);
		if (index == 0)
			break;
	}
	if (wbc->range_cyclic)
		mapping->writeback_index = index;
	return ret;
}

static int writepage_cb(struct folio *folio, struct writeback_control *wbc, void *data)
{
	struct address_space *mapping = data;

	return vfs_call_writepage(mapping, folio, wbc);
}

int do_writepages(struct address_space *mapping, struct writeback_control *wbc)
{
	const struct address_space_operations *a_ops = mapping->a_ops;

	if (wbc->nr_to_write <= 0)
		return 0;
	if (a_ops && a_ops->writepages)
		return vfs_call_writepages(mapping, wbc);
	if (a_ops && a_ops->writepage)
		return write_cache_pages(mapping, wbc, writepage_cb, mapping);
	return 0;	/* nothing to write to (ramfs) */
}

int filemap_fdatawrite_wbc(struct address_space *mapping, struct writeback_control *wbc)
{
	if (!mapping->nrpages || !xa_marked(&mapping->i_pages, PAGECACHE_TAG_DIRTY))
		return 0;
	return do_writepages(mapping, wbc);
}

int filemap_fdatawrite_range(struct address_space *mapping, loff_t start, loff_t end)
{
	struct writeback_control wbc = {
		.sync_mode = WBC_SYNC_ALL,
		.nr_to_write = (long)(~0UL >> 1),
		.range_start = start,
		.range_end = end,
	};

	return filemap_fdatawrite_wbc(mapping, &wbc);
}

int filemap_fdatawrite(struct address_space *mapping)
{
	return filemap_fdatawrite_range(mapping, 0, MAX_LFS_FILESIZE);
}

/* Wait for writeback in flight in [start, end], then report (and clear) async errors. */
int filemap_fdatawait_range(struct address_space *mapping, loff_t start, loff_t end)
{
	pgoff_t index = start >> PAGE_SHIFT;
	pgoff_t last = end >= MAX_LFS_FILESIZE ? ~0UL : (pgoff_t)(end >> PAGE_SHIFT);
	struct folio *folio;

	might_sleep();
	while (index <= last &&
	       (folio = filemap_find_get(mapping, &index, last, PAGECACHE_TAG_WRITEBACK))) {
		folio_wait_writeback(folio);
		folio_put(folio);
		if (++index == 0)
			break;
	}
	return filemap_check_errors(mapping);
}

int filemap_write_and_wait_range(struct address_space *mapping, loff_t lstart, loff_t lend)
{
	int err = filemap_fdatawrite_range(mapping, lstart, lend);
	int err2 = filemap_fdatawait_range(mapping, lstart, lend);

	return err ? err : err2;
}

int file_write_and_wait_range(struct file *file, loff_t start, loff_t end)
{
	return filemap_write_and_wait_range(file->f_mapping, start, end);
}

/* ============================== throttling ============================== */

static DECLARE_WAIT_QUEUE_HEAD(flusher_wq);	/* the flusher sleeps here between passes */
static bool flusher_kick;			/* wake-up request: set with a barrier, taken by xchg */

/*
 * A writer that has made more than a quarter of memory dirty starts the
 * flusher (Linux's dirty_background_ratio, much simplified; writers are
 * not put to sleep).
 */
void balance_dirty_pages_ratelimited(struct address_space *mapping)
{
	unsigned long dirty = atomic_long_read(&nr_dirty_pages);

	if (dirty > 64 && dirty > (dirty + nr_free_pages()) / 4)
		wakeup_flusher_threads();
}

void wakeup_flusher_threads(void)
{
	smp_store_mb(flusher_kick, true);
	wake_up(&flusher_wq);
}

/* ============================== inodes ============================== */

/*
 * Pick the next inode of list to write back: referenced, I_SYNC set, off
 * the list. NULL when none is left. kupdate: only inodes dirtied before
 * older_than (the list is oldest first).
 */
static struct inode *grab_dirty_inode(struct super_block *sb, struct list_head *list,
				      bool kupdate, u64 older_than)
{
	struct inode *inode, *found = NULL;

retry:
	spin_lock(&sb->s_inode_wblist_lock);
	list_for_each_entry(inode, list, i_io_list) {
		if (kupdate && time_after64(inode->dirtied_when, older_than))
			break;
		if (!spin_trylock(&inode->i_lock)) {
			/* i_lock comes before the list lock: back off and try again. */
			spin_unlock(&sb->s_inode_wblist_lock);
			cpu_relax();
			goto retry;
		}
		if (inode->i_state & (I_FREEING | I_WILL_FREE | I_NEW | I_SYNC)) {
			spin_unlock(&inode->i_lock);
			continue;
		}
		atomic_inc(&inode->i_count);	/* 0 -> 1 allowed: we hold i_lock */
		inode->i_state |= I_SYNC;
		list_del_init(&inode->i_io_list);
		spin_unlock(&inode->i_lock);
		found = inode;
		break;
	}
	spin_unlock(&sb->s_inode_wblist_lock);
	return found;
}

/* Write one inode: its folios, then its metadata; back on s_dirty if still dirty. */
static int writeback_single_inode(struct inode *inode, struct writeback_control *wbc)
{
	struct address_space *mapping = inode->i_mapping;
	struct super_block *sb = inode->i_sb;
	unsigned long dirty;
	int ret, err;

	spin_lock(&inode->i_lock);
	dirty = inode->i_state & I_DIRTY;
	inode->i_state &= ~I_DIRTY;	/* a write from now on dirties it again */
	spin_unlock(&inode->i_lock);

	ret = do_writepages(mapping, wbc);
	if (wbc->sync_mode == WBC_SYNC_ALL) {
		err = filemap_fdatawait(mapping);
		if (!ret)
			ret = err;
	}
	if ((dirty & I_DIRTY_INODE) && sb->s_op && sb->s_op->write_inode) {
		err = vfs_call_write_inode(inode, wbc);
		if (!ret)
			ret = err;
	}

	spin_lock(&inode->i_lock);
	if (xa_marked(&mapping->i_pages, PAGECACHE_TAG_DIRTY))
		inode->i_state |= I_DIRTY_PAGES;	/* skipped folios: later */
	if (ret && (dirty & I_DIRTY_INODE))
		inode->i_state |= dirty & I_DIRTY_INODE;
	inode->i_state &= ~I_SYNC;
	if ((inode->i_state & I_DIRTY) && !(inode->i_state & I_FREEING)) {
		spin_lock(&sb->s_inode_wblist_lock);
		if (list_empty(&inode->i_io_list))
			list_add_tail(&inode->i_io_list, &sb->s_dirty);
		spin_unlock(&sb->s_inode_wblist_lock);
	}
	spin_unlock(&inode->i_lock);
	return ret;
}

/*
 * One writeback pass at a time. A pass moves s_dirty to a private list
 * and writes the inodes off it under I_SYNC: an inode in another pass is
 * invisible (off s_dirty) or skipped (I_SYNC). Without this, a WBC_SYNC_ALL
 * pass (sync, syncfs) could return while the flusher's WBC_SYNC_NONE pass
 * still holds, unwritten or skipped, data dirtied before the sync. With
 * it, sync waits for the pass in flight (Linux waits on I_SYNC), then
 * finds every dirty inode on s_dirty. Taken inside s_umount (shared).
 */
static DEFINE_MUTEX(wb_pass_mutex);	/* serializes writeback_sb_inodes passes */

/*
 * Write back the dirty inodes of sb. Those dirty now are moved to a
 * private list first, so inodes redirtied during the pass wait for the
 * next one (no endless pass). The caller holds s_umount (shared): the
 * super block cannot go away.
 */
static void writeback_sb_inodes(struct super_block *sb, enum writeback_sync_modes mode,
				bool kupdate)
{
	LIST_HEAD(todo);
	u64 older_than = get_jiffies_64() - msecs_to_jiffies(dirty_expire_interval_ms);
	struct inode *inode, *next;

	mutex_lock(&wb_pass_mutex);
	spin_lock(&sb->s_inode_wblist_lock);
	list_for_each_entry_safe(inode, next, &sb->s_dirty, i_io_list) {
		if (kupdate && time_after64(inode->dirtied_when, older_than))
			break;
		list_move_tail(&inode->i_io_list, &todo);
	}
	spin_unlock(&sb->s_inode_wblist_lock);

	while ((inode = grab_dirty_inode(sb, &todo, false, 0))) {
		struct writeback_control wbc = {
			.sync_mode = mode,
			.nr_to_write = mode == WBC_SYNC_ALL ? (long)(~0UL >> 1) : 1024,
			.range_start = 0,
			.range_end = MAX_LFS_FILESIZE,
			.for_kupdate = kupdate,
			.for_sync = mode == WBC_SYNC_ALL,
		};

		writeback_single_inode(inode, &wbc);
		iput(inode);
		cond_resched();
	}
	/* Inodes we could not take (being freed or written by someone else) go back. */
	spin_lock(&sb->s_inode_wblist_lock);
	while (!list_empty(&todo))
		list_move(todo.prev, &sb->s_dirty);
	spin_unlock(&sb->s_inode_wblist_lock);
	mutex_unlock(&wb_pass_mutex);
}

void writeback_inodes_sb(struct super_block *sb)
{
	lockdep_assert_held(&sb->s_umount);
	writeback_sb_inodes(sb, WBC_SYNC_NONE, false);
}

/*
 * Wait for the writeback in flight on every inode of sb, also on clean
 * inodes off s_dirty whose folios an earlier WBC_SYNC_NONE pass left
 * under writeback (Linux's wait_sb_inodes). The inode we wait on is
 * pinned, so it stays on s_inodes and the walk can go on from it; it is
 * dropped only outside s_inode_list_lock (iput may evict).
 */
static void wait_sb_inodes(struct super_block *sb)
{
	struct inode *inode, *old = NULL;

	spin_lock(&sb->s_inode_list_lock);
	list_for_each_entry(inode, &sb->s_inodes, i_sb_list) {
		struct address_space *mapping = inode->i_mapping;

		if (!mapping || !xa_marked(&mapping->i_pages, PAGECACHE_TAG_WRITEBACK))
			continue;
		spin_lock(&inode->i_lock);
		if (inode->i_state & (I_FREEING | I_WILL_FREE | I_NEW)) {
			spin_unlock(&inode->i_lock);
			continue;
		}
		atomic_inc(&inode->i_count);	/* 0 -> 1 allowed: we hold i_lock */
		spin_unlock(&inode->i_lock);
		spin_unlock(&sb->s_inode_list_lock);
		if (old)
			iput(old);
		old = inode;
		filemap_fdatawait(mapping);
		cond_resched();
		spin_lock(&sb->s_inode_list_lock);
	}
	spin_unlock(&sb->s_inode_list_lock);
	if (old)
		iput(old);
}

void sync_inodes_sb(struct super_block *sb)
{
	lockdep_assert_held(&sb->s_umount);
	writeback_sb_inodes(sb, WBC_SYNC_ALL, false);
	wait_sb_inodes(sb);
}

/* ============================== the flusher thread ============================== */

static void flush_sb(struct super_block *sb, void *arg)
{
	bool *kupdate = arg;

	writeback_sb_inodes(sb, WBC_SYNC_NONE, *kupdate);
}

/*
 * Every dirty_writeback_interval_ms: write back what has been dirty for
 * longer than dirty_expire_interval_ms. Woken early (wakeup_flusher_threads):
 * write back everything dirty.
 */
static int flusher_thread(void *unused)
{
	for (;;) {
		bool kupdate;

		DEFINE_WAIT(wait);

		/* An idle sleep (interruptible), not "stuck in D state" for the hung-task check. */
		prepare_to_wait(&flusher_wq, &wait, TASK_INTERRUPTIBLE);
		if (!READ_ONCE(flusher_kick))
			schedule_timeout(msecs_to_jiffies(dirty_writeback_interval_ms));
		finish_wait(&flusher_wq, &wait);
		kupdate = !xchg(&flusher_kick, false);
		iterate_supers(flush_sb, &kupdate);
	}
	return 0;
}

static int parse_ms(const char *val, unsigned int *out)
{
	unsigned long long v;

	if (!val || kstrtoull(val, 10, &v) || !v || v > 3600000)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

static int writeback_interval_setup(const char *val)
{
	return parse_ms(val, &dirty_writeback_interval_ms);
}
KERNEL_PARAM("writeback_interval_ms", writeback_interval_setup,
	     "how often the flusher thread writes back old dirty data (default 5000)");

static int dirty_expire_setup(const char *val)
{
	return parse_ms(val, &dirty_expire_interval_ms);
}
KERNEL_PARAM("dirty_expire_ms", dirty_expire_setup,
	     "dirty data older than this is written back by the flusher (default 30000)");

void writeback_init(void)
{
	struct task_struct *t;

	t = kthread_run(flusher_thread, NULL, "flush");
	if (IS_ERR(t))
		pr_err("writeback: no flusher thread (%ld): periodic writeback is off\n", PTR_ERR(t));
}
