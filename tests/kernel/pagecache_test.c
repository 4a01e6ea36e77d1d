/*
 * Page-cache tests (suite pagecache): the radix tree, the folio lock and
 * its waiters, read-after-write through the cache, the readahead window,
 * writeback in WBC_SYNC_NONE and WBC_SYNC_ALL with a folio under
 * writeback, truncation calling ->invalidate_folio and ->free_folio,
 * readers racing a truncater, and reclaim while reading.
 *
 * The file systems here are made by hand (a super block, an inode and an
 * open file in one struct), so the tests exercise mm/ alone:
 *   "disk" (disk_aops): data on a vmalloc'ed backing store, ->readahead,
 *          ->read_folio, ->writepage (optionally leaving writeback in
 *          flight or redirtying), private data on written folios, and
 *          counters for every op;
 *   "ram"  (ram_aops): ramfs's operations.
 * All a_ops calls go through the contract wrappers (mm/ uses nothing
 * else), so a wrong lock in mm/ shows up as a validator report.
 */
#include <kestrel/atomic.h>
#include <kestrel/completion.h>
#include <kestrel/kthread.h>
#include <kestrel/lockdep.h>
#include <kestrel/mount.h>
#include <kestrel/ktest.h>
#include <kestrel/pagemap.h>
#include <kestrel/sched.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/time.h>
#include <kestrel/timer.h>
#include <kestrel/vmalloc.h>
#include <kestrel/xarray.h>

#define BITS_PER_LONG_TEST (8 * sizeof(long))
#define WAIT_MS 20000	/* a bound on waits for other threads: TCG is slow, not this slow */

/* ============================== the test file systems ============================== */

#define TFS_MAX_RA 32

struct tfs {
	struct super_block sb;
	struct inode inode;
	struct file file;
	u8 *disk;			/* backing store: disk_pages pages */
	unsigned long disk_pages;
	/* behaviour switches */
	bool hold_writeback;		/* ->writepage leaves writeback in flight */
	bool redirty_next;		/* ->writepage redirties instead (once) */
	bool attach_private;		/* write_begin hangs private data on folios */
	bool block_writepage;		/* next ->writepage: signal wp_entered, wait wp_release */
	struct completion wp_entered, wp_release;
	/* in-flight writeback (hold_writeback), under lock */
	spinlock_t lock;
	struct folio *inflight[64];
	int nr_inflight;
	/* counters */
	atomic_t read_folio_calls, readahead_calls;
	unsigned int ra_sizes[TFS_MAX_RA];	/* readahead_count() of each call */
	atomic_t writepage_sync_all, writepage_sync_none, writepage_redirtied;
	atomic_t invalidate_calls, invalidate_whole, release_calls, free_calls, launder_calls;
	atomic_t write_inode_calls;
};

static int tfs_write_inode(struct inode *inode, struct writeback_control *wbc);
static const struct super_operations tfs_sops = {
	.write_inode = tfs_write_inode,
};
static const struct file_operations tfs_fops = {
	.read_iter = generic_file_read_iter,
	.write_iter = generic_file_write_iter,
};

static struct tfs *folio_tfs(struct folio *folio)
{
	return container_of(folio->mapping->host, struct tfs, inode);
}

static u8 pattern(loff_t off)
{
	return (u8)((off * 7 + (off >> 12) * 13) | 1);	/* never 0: zeros mean a hole */
}

/* The backing store's copy of folio's page, zero beyond i_size (as a real fs reads). */
static void disk_fill(struct tfs *fs, struct folio *folio)
{
	loff_t isize = i_size_read(&fs->inode);
	loff_t pos = folio_pos(folio);
	u8 *dst = folio_address(folio);

	memset(dst, 0, PAGE_SIZE);
	if (folio->index < fs->disk_pages && pos < isize)
		memcpy(dst, fs->disk + pos, min((loff_t)PAGE_SIZE, isize - pos));
	folio_mark_uptodate(folio);
}

static int disk_read_folio(struct file *file, struct folio *folio)
{
	struct tfs *fs = folio_tfs(folio);

	atomic_inc(&fs->read_folio_calls);
	disk_fill(fs, folio);
	folio_unlock(folio);
	return 0;
}

static void disk_readahead(struct readahead_control *rac)
{
	struct tfs *fs = container_of(rac->mapping->host, struct tfs, inode);
	int n = atomic_inc_return(&fs->readahead_calls);
	struct folio *folio;

	if (n <= TFS_MAX_RA)
		fs->ra_sizes[n - 1] = readahead_count(rac);
	while ((folio = readahead_folio(rac))) {
		disk_fill(fs, folio);
		folio_unlock(folio);
	}
}

static int disk_write_begin(struct file *file, struct address_space *mapping, loff_t pos,
			    unsigned len, struct folio **foliop, void **fsdata)
{
	struct tfs *fs = container_of(mapping->host, struct tfs, inode);
	int err = simple_write_begin(file, mapping, pos, len, foliop, fsdata);

	if (!err && fs->attach_private && !folio_test_private(*foliop))
		folio_attach_private(*foliop, fs);
	return err;
}

static int disk_write_end(struct file *file, struct address_space *mapping, loff_t pos,
			  unsigned len, unsigned copied, struct folio *folio, void *fsdata)
{
	struct inode *inode = mapping->host;
	loff_t last = pos + copied;

	if (!folio_test_uptodate(folio))
		folio_mark_uptodate(folio);	/* write_begin zeroed around the write */
	if (last > inode->i_size)
		i_size_write(inode, last);
	folio_mark_dirty(folio);
	folio_unlock(folio);
	folio_put(folio);
	return copied;
}

static int disk_writepage(struct page *page, struct writeback_control *wbc)
{
	struct folio *folio = page_folio(page);
	struct tfs *fs = folio_tfs(folio);

	atomic_inc(wbc->sync_mode == WBC_SYNC_ALL ? &fs->writepage_sync_all
						  : &fs->writepage_sync_none);
	if (fs->redirty_next) {
		/* "Would block on I/O in flight": the spec's way out for WBC_SYNC_NONE. */
		fs->redirty_next = false;
		atomic_inc(&fs->writepage_redirtied);
		redirty_page_for_writepage(wbc, page);
		unlock_page(page);
		return 0;
	}
	set_page_writeback(page);
	if (folio->index < fs->disk_pages)
		memcpy(fs->disk + folio_pos(folio), folio_address(folio), PAGE_SIZE);
	unlock_page(page);
	if (fs->block_writepage) {
		/* A slow device: the pass stays inside ->writepage until released. */
		fs->block_writepage = false;
		complete(&fs->wp_entered);
		wait_for_completion(&fs->wp_release);
	}
	if (fs->hold_writeback) {
		spin_lock(&fs->lock);
		folio_get(folio);
		fs->inflight[fs->nr_inflight++] = folio;
		spin_unlock(&fs->lock);
	} else {
		end_page_writeback(page);
	}
	return 0;
}

static int tfs_write_inode(struct inode *inode, struct writeback_control *wbc)
{
	atomic_inc(&container_of(inode, struct tfs, inode)->write_inode_calls);
	return 0;
}

/* The "I/O completion" of every held write. */
static void tfs_complete_writeback(struct tfs *fs)
{
	spin_lock(&fs->lock);
	while (fs->nr_inflight) {
		struct folio *folio = fs->inflight[--fs->nr_inflight];

		spin_unlock(&fs->lock);
		folio_end_writeback(folio);
		folio_put(folio);
		spin_lock(&fs->lock);
	}
	spin_unlock(&fs->lock);
}

static void disk_invalidate_folio(struct folio *folio, size_t offset, size_t len)
{
	struct tfs *fs = folio_tfs(folio);

	atomic_inc(&fs->invalidate_calls);
	if (offset == 0 && len == PAGE_SIZE) {
		atomic_inc(&fs->invalidate_whole);
		folio_detach_private(folio);
	}
}

static bool disk_release_folio(struct folio *folio, gfp_t gfp)
{
	atomic_inc(&folio_tfs(folio)->release_calls);
	folio_detach_private(folio);
	return true;
}

static struct tfs *free_folio_owner;	/* ->free_folio has no mapping left to find us */

static void disk_free_folio(struct folio *folio)
{
	if (free_folio_owner)
		atomic_inc(&free_folio_owner->free_calls);
}

static int disk_launder_folio(struct folio *folio)
{
	struct tfs *fs = folio_tfs(folio);

	atomic_inc(&fs->launder_calls);
	if (folio->index < fs->disk_pages)
		memcpy(fs->disk + folio_pos(folio), folio_address(folio), PAGE_SIZE);
	return 0;
}

static const struct address_space_operations disk_aops = {
	.read_folio = disk_read_folio,
	.readahead = disk_readahead,
	.write_begin = disk_write_begin,
	.write_end = disk_write_end,
	.dirty_folio = filemap_dirty_folio,
	.writepage = disk_writepage,
	.invalidate_folio = disk_invalidate_folio,
	.release_folio = disk_release_folio,
	.free_folio = disk_free_folio,
	.launder_folio = disk_launder_folio,
};

/* A file of size bytes on a fresh test fs; disk_pages of backing store filled with pattern(). */
static struct tfs *tfs_create(const struct address_space_operations *aops,
			      unsigned long disk_pages, loff_t size)
{
	struct tfs *fs = kzalloc(sizeof(*fs), GFP_KERNEL);
	struct inode *inode;

	if (!fs)
		return NULL;
	if (disk_pages) {
		fs->disk = vmalloc(disk_pages * PAGE_SIZE);
		if (!fs->disk) {
			kfree(fs);
			return NULL;
		}
		for (unsigned long i = 0; i < disk_pages * PAGE_SIZE; i++)
			fs->disk[i] = pattern(i);
	}
	fs->disk_pages = disk_pages;
	spin_lock_init(&fs->lock);

	fs->sb.s_op = &tfs_sops;
	fs->sb.s_maxbytes = MAX_LFS_FILESIZE;
	fs->sb.s_time_gran = 1;
	init_rwsem(&fs->sb.s_umount);
	spin_lock_init(&fs->sb.s_inode_wblist_lock);
	INIT_LIST_HEAD(&fs->sb.s_dirty);
	spin_lock_init(&fs->sb.s_inode_list_lock);
	INIT_LIST_HEAD(&fs->sb.s_inodes);

	inode = &fs->inode;
	inode->i_sb = &fs->sb;
	inode->i_mode = S_IFREG | 0644;
	spin_lock_init(&inode->i_lock);
	init_rwsem(&inode->i_rwsem);
	INIT_LIST_HEAD(&inode->i_io_list);
	INIT_LIST_HEAD(&inode->i_sb_list);
	list_add(&inode->i_sb_list, &fs->sb.s_inodes);	/* sync waits on the sb's inodes */
	INIT_LIST_HEAD(&inode->i_dentry);
	atomic_set(&inode->i_count, 1);
	address_space_init_once(&inode->i_data);
	inode->i_data.host = inode;
	inode->i_data.a_ops = aops;
	inode->i_mapping = &inode->i_data;
	inode->i_size = size;

	fs->file.f_inode = inode;
	fs->file.f_mapping = inode->i_mapping;
	fs->file.f_op = &tfs_fops;
	fs->file.f_mode = FMODE_READ | FMODE_WRITE;
	file_ra_state_init(&fs->file.f_ra, inode->i_mapping);
	return fs;
}

static void tfs_destroy(struct tfs *fs)
{
	tfs_complete_writeback(fs);
	truncate_inode_pages_final(fs->inode.i_mapping);
	if (fs->disk)
		vfree(fs->disk);
	kfree(fs);
}

static ssize_t tfs_read(struct tfs *fs, loff_t pos, void *buf, size_t len)
{
	struct kvec kv = { .iov_base = buf, .iov_len = len };
	struct kiocb kiocb = { .ki_filp = &fs->file, .ki_pos = pos };
	struct iov_iter iter;

	iov_iter_kvec(&iter, ITER_DEST, &kv, 1, len);
	return generic_file_read_iter(&kiocb, &iter);
}

static ssize_t tfs_write(struct tfs *fs, loff_t pos, const void *buf, size_t len)
{
	struct kvec kv = { .iov_base = (void *)buf, .iov_len = len };
	struct kiocb kiocb = { .ki_filp = &fs->file, .ki_pos = pos };
	struct iov_iter iter;

	iov_iter_kvec(&iter, ITER_SOURCE, &kv, 1, len);
	return generic_file_write_iter(&kiocb, &iter);
}

/* truncate(2) as ->setattr does it: i_rwsem, then invalidate_lock, both exclusive. */
static void tfs_truncate(struct tfs *fs, loff_t size)
{
	inode_lock(&fs->inode);
	filemap_invalidate_lock(fs->inode.i_mapping);
	truncate_setsize(&fs->inode, size);
	filemap_invalidate_unlock(fs->inode.i_mapping);
	inode_unlock(&fs->inode);
}

/* Write pattern() over [pos, pos + len). */
static ssize_t tfs_write_pattern(struct tfs *fs, loff_t pos, size_t len, u8 *scratch)
{
	for (size_t i = 0; i < len; i++)
		scratch[i] = pattern(pos + i);
	return tfs_write(fs, pos, scratch, len);
}

static bool folio_tagged(struct tfs *fs, pgoff_t index, xa_mark_t tag)
{
	struct xarray *xa = &fs->inode.i_mapping->i_pages;
	unsigned long flags;
	bool r;

	xa_lock_irqsave(xa, flags);
	r = xa_get_mark(xa, index, tag);
	xa_unlock_irqrestore(xa, flags);
	return r;
}

static int writeback(struct tfs *fs, enum writeback_sync_modes mode, long *skipped)
{
	struct writeback_control wbc = {
		.sync_mode = mode,
		.nr_to_write = 1024,
		.range_start = 0,
		.range_end = MAX_LFS_FILESIZE,
	};
	int ret = do_writepages(fs->inode.i_mapping, &wbc);

	if (skipped)
		*skipped = wbc.pages_skipped;
	return ret;
}

/* ============================== the tree ============================== */

KTEST(pagecache, xarray_insert_find_marks)
{
	static const unsigned long idx[] = { 0, 1, 31, 32, 1000, 123456, 1UL << 40, ~0UL >> 13 };
	struct xarray xa;
	unsigned long flags, index;
	int found = 0;
	void *e;

	xa_init(&xa);
	xa_lock_irqsave(&xa, flags);
	for (unsigned int i = 0; i < ARRAY_SIZE(idx); i++)
		KEXPECT_EQ(__xa_insert(&xa, idx[i], (void *)(idx[i] * 8 + 8), GFP_ATOMIC), 0);
	KEXPECT_EQ(__xa_insert(&xa, 1000, (void *)8, GFP_ATOMIC), -EBUSY);
	__xa_set_mark(&xa, 32, XA_MARK_0);
	__xa_set_mark(&xa, 1UL << 40, XA_MARK_0);
	for (unsigned int i = 0; i < ARRAY_SIZE(idx); i++)
		KEXPECT_EQ((unsigned long)xa_load(&xa, idx[i]), idx[i] * 8 + 8);
	KEXPECT(xa_load(&xa, 2) == NULL);
	KEXPECT(xa_load(&xa, (1UL << 40) + 1) == NULL);
	/* Every present entry, in order. */
	index = 0;
	while ((e = xa_find(&xa, &index, ~0UL, XA_PRESENT))) {
		KEXPECT_EQ(index, idx[found]);
		found++;
		if (++index == 0)
			break;
	}
	KEXPECT_EQ(found, (int)ARRAY_SIZE(idx));
	/* Marked ones only. */
	index = 0;
	KEXPECT(xa_find(&xa, &index, ~0UL, XA_MARK_0) != NULL);
	KEXPECT_EQ(index, 32);
	index = 33;
	KEXPECT(xa_find(&xa, &index, ~0UL, XA_MARK_0) != NULL);
	KEXPECT_EQ(index, 1UL << 40);
	index = 33;
	KEXPECT(xa_find(&xa, &index, 1UL << 39, XA_MARK_0) == NULL);
	__xa_clear_mark(&xa, 32, XA_MARK_0);
	KEXPECT(!xa_get_mark(&xa, 32, XA_MARK_0));
	KEXPECT(xa_marked(&xa, XA_MARK_0));
	/* Erasing an entry takes its marks along; erasing all empties the tree. */
	KEXPECT_EQ((unsigned long)__xa_erase(&xa, 1UL << 40), (1UL << 40) * 8 + 8);
	KEXPECT(!xa_marked(&xa, XA_MARK_0));
	for (unsigned int i = 0; i < ARRAY_SIZE(idx); i++)
		__xa_erase(&xa, idx[i]);
	KEXPECT(xa_empty(&xa));
	xa_unlock_irqrestore(&xa, flags);
}

/* Random inserts, marks and erases against a plain bitmap: find and marks agree. */
KTEST(pagecache, xarray_random_against_bitmap)
{
	enum { RANGE = 20000, OPS = 6000 };
	unsigned long *present = kzalloc(RANGE / 8, GFP_KERNEL);
	unsigned long *marked = kzalloc(RANGE / 8, GFP_KERNEL);
	struct xarray xa;
	unsigned long flags, index;
	u32 seed = 12345;
	int mismatches = 0;

	KASSERT(present && marked);
	xa_init(&xa);
	xa_lock_irqsave(&xa, flags);
	for (int op = 0; op < OPS; op++) {
		unsigned long i;
		unsigned long bit;
		unsigned long *word;

		seed = seed * 1103515245 + 12345;
		i = (seed >> 8) % RANGE;
		word = &present[i / BITS_PER_LONG_TEST];
		bit = 1UL << (i % BITS_PER_LONG_TEST);
		switch ((seed >> 4) % 4) {
		case 0:
		case 1:
			if (__xa_insert(&xa, i, (void *)(i + 1), GFP_ATOMIC) == 0)
				*word |= bit;
			break;
		case 2:
			__xa_erase(&xa, i);
			*word &= ~bit;
			marked[i / BITS_PER_LONG_TEST] &= ~bit;
			break;
		default:
			if (*word & bit) {
				__xa_set_mark(&xa, i, XA_MARK_1);
				marked[i / BITS_PER_LONG_TEST] |= bit;
			}
		}
	}
	for (int pass = 0; pass < 2; pass++) {
		unsigned long *ref = pass ? marked : present;
		xa_mark_t filter = pass ? XA_MARK_1 : XA_PRESENT;
		unsigned long expect = 0;
		void *e;

		index = 0;
		while ((e = xa_find(&xa, &index, RANGE - 1, filter))) {
			while (expect < RANGE && !(ref[expect / BITS_PER_LONG_TEST] &
						   (1UL << (expect % BITS_PER_LONG_TEST))))
				expect++;
			if (index != expect || (unsigned long)e != index + 1)
				mismatches++;
			expect = ++index;
		}
		while (expect < RANGE && !(ref[expect / BITS_PER_LONG_TEST] &
					   (1UL << (expect % BITS_PER_LONG_TEST))))
			expect++;
		if (expect != RANGE)
			mismatches++;	/* the bitmap has an entry find did not return */
	}
	KEXPECT_EQ(mismatches, 0);
	for (index = 0; index < RANGE; index++)
		__xa_erase(&xa, index);
	KEXPECT(xa_empty(&xa));
	xa_unlock_irqrestore(&xa, flags);
	kfree(present);
	kfree(marked);
}

/* ============================== folio lock waiters ============================== */

struct lock_waiter {
	struct folio *folio;
	atomic_t *done;
	struct completion *all;
	int nr;
};

static int folio_locker(void *arg)
{
	struct lock_waiter *w = arg;

	folio_lock(w->folio);
	folio_unlock(w->folio);
	if (atomic_inc_return(w->done) == w->nr)
		complete(w->all);
	return 0;
}

static int writeback_waiter(void *arg)
{
	struct lock_waiter *w = arg;

	folio_wait_writeback(w->folio);
	if (atomic_inc_return(w->done) == w->nr)
		complete(w->all);
	return 0;
}

KTEST(pagecache, folio_lock_waiters_wake)
{
	/* Static: a thread may still be returning from complete() when we return. */
	static struct completion all;
	static atomic_t done;
	static struct lock_waiter w;
	struct folio *folio = filemap_alloc_folio(GFP_KERNEL, 0);
	const int nr = 4;

	KASSERT(folio != NULL);
	atomic_set(&done, 0);
	init_completion(&all);
	w = (struct lock_waiter){ .folio = folio, .done = &done, .all = &all, .nr = nr };
	folio_lock(folio);
	KEXPECT(!folio_trylock(folio));
	for (int i = 0; i < nr; i++)
		KEXPECT(!IS_ERR(kthread_run(folio_locker, &w, "pc-lock/%d", i)));
	msleep(100);
	/* They cannot have the lock: we hold it. */
	KEXPECT_EQ(atomic_read(&done), 0);
	folio_unlock(folio);
	KEXPECT(wait_for_completion_timeout(&all, msecs_to_jiffies(WAIT_MS)) != 0);
	KEXPECT_EQ(atomic_read(&done), nr);
	KEXPECT(!folio_test_locked(folio));

	/* Writeback waiters too. */
	atomic_set(&done, 0);
	reinit_completion(&all);
	folio_lock(folio);
	folio_start_writeback(folio);
	folio_unlock(folio);
	for (int i = 0; i < nr; i++)
		KEXPECT(!IS_ERR(kthread_run(writeback_waiter, &w, "pc-wb/%d", i)));
	msleep(100);
	KEXPECT_EQ(atomic_read(&done), 0);
	folio_end_writeback(folio);
	KEXPECT(wait_for_completion_timeout(&all, msecs_to_jiffies(WAIT_MS)) != 0);
	KEXPECT_EQ(atomic_read(&done), nr);
	folio_put(folio);
}

/* ============================== read and write ============================== */

KTEST(pagecache, read_after_write)
{
	struct tfs *fs = tfs_create(&ram_aops, 0, 0);
	const size_t len = 3 * PAGE_SIZE + 123;
	u8 *buf = kmalloc(len + PAGE_SIZE, GFP_KERNEL);
	u8 *out = kmalloc(len + PAGE_SIZE, GFP_KERNEL);
	bool same = true;

	KASSERT(fs && buf && out);
	KEXPECT_EQ(tfs_write_pattern(fs, 100, len, buf), (ssize_t)len);
	KEXPECT_EQ(i_size_read(&fs->inode), 100 + (loff_t)len);
	KEXPECT_EQ(fs->inode.i_mapping->nrpages, 4);
	/* The bytes before the write are a hole: zeros. */
	KEXPECT_EQ(tfs_read(fs, 0, out, 100), 100);
	for (int i = 0; i < 100; i++)
		same &= out[i] == 0;
	KEXPECT(same);
	/* Read back, asking for more than there is: a short read at EOF. */
	memset(out, 0xee, len + PAGE_SIZE);
	KEXPECT_EQ(tfs_read(fs, 100, out, len + PAGE_SIZE), (ssize_t)len);
	same = true;
	for (size_t i = 0; i < len; i++)
		same &= out[i] == pattern(100 + i);
	KEXPECT(same);
	KEXPECT_EQ(out[len], 0xee);
	/* At and beyond EOF: nothing. */
	KEXPECT_EQ(tfs_read(fs, 100 + len, out, 10), 0);
	KEXPECT_EQ(tfs_read(fs, 1 << 20, out, 10), 0);
	/* O_APPEND writes at EOF whatever the position. */
	fs->file.f_flags |= O_APPEND;
	KEXPECT_EQ(tfs_write(fs, 0, "xyz", 3), 3);
	KEXPECT_EQ(i_size_read(&fs->inode), 100 + (loff_t)len + 3);
	KEXPECT_EQ(tfs_read(fs, 100 + len, out, 10), 3);
	KEXPECT(!memcmp(out, "xyz", 3));
	/* ramfs folios are dirty (noop_dirty_folio) but never tagged: nothing to write back. */
	KEXPECT(!xa_marked(&fs->inode.i_mapping->i_pages, PAGECACHE_TAG_DIRTY));
	tfs_destroy(fs);
	kfree(buf);
	kfree(out);
}

KTEST(pagecache, readahead_window_grows_then_resets)
{
	struct tfs *fs = tfs_create(&disk_aops, 256, 256 * PAGE_SIZE);
	static const unsigned int expect[] = { 4, 8, 16, 32, 32 };
	u8 *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	bool same = true;

	KASSERT(fs && buf);
	/* 64 pages, one page per read: sequential. */
	for (int i = 0; i < 64; i++) {
		KEXPECT_EQ(tfs_read(fs, (loff_t)i * PAGE_SIZE, buf, PAGE_SIZE), PAGE_SIZE);
		for (size_t j = 0; j < PAGE_SIZE; j++)
			same &= buf[j] == pattern((loff_t)i * PAGE_SIZE + j);
	}
	KEXPECT(same);
	KEXPECT_EQ(atomic_read(&fs->readahead_calls), 5);
	for (int i = 0; i < 5; i++)
		KEXPECT_EQ(fs->ra_sizes[i], expect[i]);
	KEXPECT_EQ(atomic_read(&fs->read_folio_calls), 0);
	/* A jump: the window resets to the request... */
	KEXPECT_EQ(tfs_read(fs, 200 * PAGE_SIZE, buf, PAGE_SIZE), PAGE_SIZE);
	KEXPECT_EQ(atomic_read(&fs->readahead_calls), 6);
	KEXPECT_EQ(fs->ra_sizes[5], 1);
	/* ...and grows again from there when reads go on sequentially. */
	KEXPECT_EQ(tfs_read(fs, 201 * PAGE_SIZE, buf, PAGE_SIZE), PAGE_SIZE);
	KEXPECT_EQ(atomic_read(&fs->readahead_calls), 7);
	KEXPECT_EQ(fs->ra_sizes[6], 2);
	KEXPECT_EQ(buf[5], pattern(201 * PAGE_SIZE + 5));
	/* Another random read elsewhere resets it again. */
	KEXPECT_EQ(tfs_read(fs, 100 * PAGE_SIZE, buf, 2 * 100), 200);
	KEXPECT_EQ(fs->ra_sizes[7], 1);
	/* The window never crosses EOF. */
	KEXPECT_EQ(tfs_read(fs, 255 * PAGE_SIZE, buf, PAGE_SIZE), PAGE_SIZE);
	KEXPECT_EQ(fs->ra_sizes[8], 1);
	tfs_destroy(fs);
	kfree(buf);
}

/* ============================== writeback ============================== */

struct sync_all_arg {
	struct tfs *fs;
	struct completion done;
	int ret;
};

static int sync_all_thread(void *arg)
{
	struct sync_all_arg *a = arg;

	a->ret = filemap_write_and_wait_range(a->fs->inode.i_mapping, 0, MAX_LFS_FILESIZE);
	complete(&a->done);
	return 0;
}

KTEST(pagecache, writeback_sync_none_skips_sync_all_waits)
{
	struct tfs *fs = tfs_create(&disk_aops, 16, 0);
	u8 *buf = kmalloc(4 * PAGE_SIZE, GFP_KERNEL);
	static struct sync_all_arg sa;	/* outlives the thread's complete() */
	struct sync_all_arg *a = &sa;
	long skipped = 0;

	KASSERT(fs && buf);
	for (size_t i = 0; i < 4 * PAGE_SIZE; i++)
		buf[i] = (u8)(i ^ 0x5a);
	KEXPECT_EQ(tfs_write(fs, 0, buf, 4 * PAGE_SIZE), 4 * PAGE_SIZE);
	for (int i = 0; i < 4; i++)
		KEXPECT(folio_tagged(fs, i, PAGECACHE_TAG_DIRTY));

	/* Cleansing writeback of 4 dirty folios; the "device" keeps them in flight. */
	fs->hold_writeback = true;
	KEXPECT_EQ(writeback(fs, WBC_SYNC_NONE, NULL), 0);
	KEXPECT_EQ(atomic_read(&fs->writepage_sync_none), 4);
	for (int i = 0; i < 4; i++) {
		KEXPECT(!folio_tagged(fs, i, PAGECACHE_TAG_DIRTY));
		KEXPECT(folio_tagged(fs, i, PAGECACHE_TAG_WRITEBACK));
	}

	/* Dirty folio 0 again while its write is in flight. */
	KEXPECT_EQ(tfs_write(fs, 0, "again", 5), 5);
	KEXPECT(folio_tagged(fs, 0, PAGECACHE_TAG_DIRTY));

	/* WBC_SYNC_NONE must not wait for it: skipped, still dirty and tagged. */
	KEXPECT_EQ(writeback(fs, WBC_SYNC_NONE, &skipped), 0);
	KEXPECT_EQ(atomic_read(&fs->writepage_sync_none), 4);
	KEXPECT_EQ(skipped, 1);
	KEXPECT(folio_tagged(fs, 0, PAGECACHE_TAG_DIRTY));

	/* WBC_SYNC_ALL must wait for the write in flight, then write it again. */
	a->fs = fs;
	init_completion(&a->done);
	KASSERT(!IS_ERR(kthread_run(sync_all_thread, a, "pc-syncall")));
	msleep(200);
	KEXPECT(!completion_done(&a->done));	/* blocked on writeback we have not ended */
	KEXPECT_EQ(atomic_read(&fs->writepage_sync_all), 0);
	fs->hold_writeback = false;
	tfs_complete_writeback(fs);
	KEXPECT(wait_for_completion_timeout(&a->done, msecs_to_jiffies(WAIT_MS)) != 0);
	KEXPECT_EQ(a->ret, 0);
	KEXPECT_EQ(atomic_read(&fs->writepage_sync_all), 1);
	KEXPECT(!folio_tagged(fs, 0, PAGECACHE_TAG_DIRTY));
	KEXPECT(!folio_tagged(fs, 0, PAGECACHE_TAG_WRITEBACK));
	KEXPECT(!memcmp(fs->disk, "again", 5));
	KEXPECT(!memcmp(fs->disk + 5, buf + 5, 4 * PAGE_SIZE - 5));

	/* A ->writepage that would block redirties (the spec's rule): the folio stays dirty. */
	KEXPECT_EQ(tfs_write(fs, PAGE_SIZE, "B", 1), 1);
	fs->redirty_next = true;
	KEXPECT_EQ(writeback(fs, WBC_SYNC_NONE, &skipped), 0);
	KEXPECT_EQ(atomic_read(&fs->writepage_redirtied), 1);
	KEXPECT_EQ(skipped, 1);
	KEXPECT(folio_tagged(fs, 1, PAGECACHE_TAG_DIRTY));
	KEXPECT(fs->disk[PAGE_SIZE] != 'B');
	/* fsync-style writeback gets it. */
	KEXPECT_EQ(filemap_write_and_wait_range(fs->inode.i_mapping, 0, MAX_LFS_FILESIZE), 0);
	KEXPECT_EQ(fs->disk[PAGE_SIZE], 'B');
	KEXPECT(!xa_marked(&fs->inode.i_mapping->i_pages, PAGECACHE_TAG_DIRTY));
	tfs_destroy(fs);
	kfree(buf);
}

/*
 * Dirty inodes: the super block's list is written back inode by inode
 * (folios, then ->write_inode). Our inode is not hashed, so
 * __mark_inode_dirty leaves it off the list: we put it there by hand.
 */
static void tfs_mark_inode_dirty(struct tfs *fs, unsigned long flags)
{
	spin_lock(&fs->inode.i_lock);
	fs->inode.i_state |= flags;
	spin_lock(&fs->sb.s_inode_wblist_lock);
	if (list_empty(&fs->inode.i_io_list))
		list_add_tail(&fs->inode.i_io_list, &fs->sb.s_dirty);
	spin_unlock(&fs->sb.s_inode_wblist_lock);
	spin_unlock(&fs->inode.i_lock);
}

KTEST(pagecache, dirty_inodes_written_back)
{
	struct tfs *fs = tfs_create(&disk_aops, 8, 0);
	u8 *buf = kmalloc(2 * PAGE_SIZE, GFP_KERNEL);

	KASSERT(fs && buf);
	KEXPECT_EQ(tfs_write_pattern(fs, 0, 2 * PAGE_SIZE, buf), 2 * PAGE_SIZE);
	tfs_mark_inode_dirty(fs, I_DIRTY_PAGES | I_DIRTY_SYNC);

	/* Background writeback (WBC_SYNC_NONE): folios and metadata, then off the list. */
	down_read(&fs->sb.s_umount);
	writeback_inodes_sb(&fs->sb);
	up_read(&fs->sb.s_umount);
	KEXPECT_EQ(atomic_read(&fs->writepage_sync_none), 2);
	KEXPECT_EQ(atomic_read(&fs->write_inode_calls), 1);
	KEXPECT(list_empty(&fs->inode.i_io_list));
	KEXPECT_EQ(fs->inode.i_state & (I_DIRTY | I_SYNC), 0);
	KEXPECT_EQ(atomic_read(&fs->inode.i_count), 1);

	/* A folio it had to skip (under writeback) keeps the inode dirty, on the list. */
	fs->hold_writeback = true;
	KEXPECT_EQ(tfs_write(fs, 0, "x", 1), 1);
	tfs_mark_inode_dirty(fs, I_DIRTY_PAGES);
	down_read(&fs->sb.s_umount);
	writeback_inodes_sb(&fs->sb);
	KEXPECT_EQ(tfs_write(fs, 0, "y", 1), 1);
	tfs_mark_inode_dirty(fs, I_DIRTY_PAGES);
	writeback_inodes_sb(&fs->sb);
	up_read(&fs->sb.s_umount);
	KEXPECT_EQ(atomic_read(&fs->writepage_sync_none), 3);
	KEXPECT(!list_empty(&fs->inode.i_io_list));
	KEXPECT(fs->inode.i_state & I_DIRTY_PAGES);

	/* sync (WBC_SYNC_ALL) once the device finishes: written, clean, off the list. */
	fs->hold_writeback = false;
	tfs_complete_writeback(fs);
	down_read(&fs->sb.s_umount);
	sync_inodes_sb(&fs->sb);
	up_read(&fs->sb.s_umount);
	KEXPECT_EQ(atomic_read(&fs->writepage_sync_all), 1);
	KEXPECT_EQ(fs->disk[0], 'y');
	KEXPECT(list_empty(&fs->inode.i_io_list));
	KEXPECT_EQ(fs->inode.i_state & I_DIRTY, 0);
	tfs_destroy(fs);
	kfree(buf);
}

/*
 * sync (WBC_SYNC_ALL) while the flusher's WBC_SYNC_NONE pass is writing
 * the inode (I_SYNC, inside ->writepage) and a second folio is dirtied:
 * sync must not return before both folios are on disk and their
 * writeback has ended.
 */
struct sb_pass_arg {
	struct tfs *fs;
	bool sync;
	struct completion done;
};

static int sb_pass_thread(void *arg)
{
	struct sb_pass_arg *a = arg;

	down_read(&a->fs->sb.s_umount);
	if (a->sync)
		sync_inodes_sb(&a->fs->sb);
	else
		writeback_inodes_sb(&a->fs->sb);
	up_read(&a->fs->sb.s_umount);
	complete(&a->done);
	return 0;
}

KTEST(pagecache, sync_waits_for_inode_in_flusher_pass)
{
	struct tfs *fs = tfs_create(&disk_aops, 8, 0);
	u8 *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	static struct sb_pass_arg flush, sync;	/* outlive the threads' complete() */

	KASSERT(fs && buf);
	KEXPECT_EQ(tfs_write_pattern(fs, 0, PAGE_SIZE, buf), PAGE_SIZE);
	tfs_mark_inode_dirty(fs, I_DIRTY_PAGES);
	init_completion(&fs->wp_entered);
	init_completion(&fs->wp_release);
	fs->hold_writeback = true;
	fs->block_writepage = true;

	flush.fs = fs;
	flush.sync = false;
	init_completion(&flush.done);
	KASSERT(!IS_ERR(kthread_run(sb_pass_thread, &flush, "pc-flush")));
	KASSERT(wait_for_completion_timeout(&fs->wp_entered, msecs_to_jiffies(WAIT_MS)) != 0);
	KEXPECT(fs->inode.i_state & I_SYNC);

	/* Dirty a second folio while the flusher is inside the inode. */
	KEXPECT_EQ(tfs_write(fs, PAGE_SIZE, "second", 6), 6);
	tfs_mark_inode_dirty(fs, I_DIRTY_PAGES);

	sync.fs = fs;
	sync.sync = true;
	init_completion(&sync.done);
	KASSERT(!IS_ERR(kthread_run(sb_pass_thread, &sync, "pc-sync")));
	msleep(200);
	KEXPECT(!completion_done(&sync.done));	/* the flusher's pass is still in flight */

	complete(&fs->wp_release);
	KEXPECT(wait_for_completion_timeout(&flush.done, msecs_to_jiffies(WAIT_MS)) != 0);
	msleep(200);
	KEXPECT(!completion_done(&sync.done));	/* writeback not ended by the "device" yet */

	fs->hold_writeback = false;
	tfs_complete_writeback(fs);
	KEXPECT(wait_for_completion_timeout(&sync.done, msecs_to_jiffies(WAIT_MS)) != 0);
	KEXPECT(!memcmp(fs->disk, buf, PAGE_SIZE));
	KEXPECT(!memcmp(fs->disk + PAGE_SIZE, "second", 6));
	for (int i = 0; i < 2; i++) {
		KEXPECT(!folio_tagged(fs, i, PAGECACHE_TAG_DIRTY));
		KEXPECT(!folio_tagged(fs, i, PAGECACHE_TAG_WRITEBACK));
	}
	KEXPECT(list_empty(&fs->inode.i_io_list));
	KEXPECT_EQ(fs->inode.i_state & (I_DIRTY | I_SYNC), 0);
	tfs_destroy(fs);
	kfree(buf);
}

/*
 * A WBC_SYNC_NONE pass left writeback in flight on an inode that is now
 * clean and off s_dirty: sync must still wait for that writeback.
 */
KTEST(pagecache, sync_waits_for_writeback_of_clean_inode)
{
	struct tfs *fs = tfs_create(&disk_aops, 4, 0);
	u8 *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	static struct sb_pass_arg sync;	/* outlives the thread's complete() */

	KASSERT(fs && buf);
	KEXPECT_EQ(tfs_write_pattern(fs, 0, PAGE_SIZE, buf), PAGE_SIZE);
	tfs_mark_inode_dirty(fs, I_DIRTY_PAGES);
	fs->hold_writeback = true;
	down_read(&fs->sb.s_umount);
	writeback_inodes_sb(&fs->sb);
	up_read(&fs->sb.s_umount);
	KEXPECT(list_empty(&fs->inode.i_io_list));
	KEXPECT(folio_tagged(fs, 0, PAGECACHE_TAG_WRITEBACK));

	sync.fs = fs;
	sync.sync = true;
	init_completion(&sync.done);
	KASSERT(!IS_ERR(kthread_run(sb_pass_thread, &sync, "pc-sync")));
	msleep(200);
	KEXPECT(!completion_done(&sync.done));	/* the "device" still holds the write */
	fs->hold_writeback = false;
	tfs_complete_writeback(fs);
	KEXPECT(wait_for_completion_timeout(&sync.done, msecs_to_jiffies(WAIT_MS)) != 0);
	KEXPECT(!folio_tagged(fs, 0, PAGECACHE_TAG_WRITEBACK));
	KEXPECT_EQ(atomic_read(&fs->inode.i_count), 1);
	tfs_destroy(fs);
	kfree(buf);
}

/* ============================== truncation ============================== */

KTEST(pagecache, truncate_invalidates_and_frees)
{
	struct tfs *fs = tfs_create(&disk_aops, 16, 0);
	u8 *buf = kmalloc(4 * PAGE_SIZE, GFP_KERNEL);
	bool zero = true;

	KASSERT(fs && buf);
	fs->attach_private = true;
	free_folio_owner = fs;
	KEXPECT_EQ(tfs_write_pattern(fs, 0, 4 * PAGE_SIZE, buf), 4 * PAGE_SIZE);
	KEXPECT_EQ(fs->inode.i_mapping->nrpages, 4);

	/* Truncate to 1 page + 100 bytes: folio 1 partly, folios 2 and 3 wholly. */
	tfs_truncate(fs, PAGE_SIZE + 100);
	KEXPECT_EQ(atomic_read(&fs->invalidate_calls), 3);
	KEXPECT_EQ(atomic_read(&fs->invalidate_whole), 2);
	KEXPECT_EQ(atomic_read(&fs->free_calls), 2);
	KEXPECT_EQ(fs->inode.i_mapping->nrpages, 2);
	KEXPECT_EQ(i_size_read(&fs->inode), PAGE_SIZE + 100);

	/* Grow again: what was beyond EOF reads as zeros, not as the old data. */
	tfs_truncate(fs, 3 * PAGE_SIZE);
	memset(fs->disk + PAGE_SIZE + 100, 0, 3 * PAGE_SIZE - 100);	/* the fs freed those blocks */
	KEXPECT_EQ(tfs_read(fs, PAGE_SIZE, buf, 2 * PAGE_SIZE), 2 * PAGE_SIZE);
	for (size_t i = 0; i < 100; i++)
		zero &= buf[i] == pattern(PAGE_SIZE + i);
	KEXPECT(zero);
	zero = true;
	for (size_t i = 100; i < 2 * PAGE_SIZE; i++)
		zero &= buf[i] == 0;
	KEXPECT(zero);

	/* Hole punch of the middle of folio 0 and of folio 1 wholly, under invalidate_lock. */
	filemap_invalidate_lock(fs->inode.i_mapping);
	truncate_pagecache_range(&fs->inode, 1000, 2 * PAGE_SIZE - 1);
	filemap_invalidate_unlock(fs->inode.i_mapping);
	KEXPECT_EQ(tfs_read(fs, 0, buf, 2), 2);
	KEXPECT_EQ(buf[0], pattern(0));
	KEXPECT_EQ(tfs_read(fs, 1000, buf, 1), 1);
	KEXPECT_EQ(buf[0], 0);

	/* Eviction drops the rest. */
	truncate_inode_pages_final(fs->inode.i_mapping);
	KEXPECT_EQ(fs->inode.i_mapping->nrpages, 0);
	free_folio_owner = NULL;
	tfs_destroy(fs);
	kfree(buf);
}

#ifdef CONFIG_LOCKDEP
/* The caller's side of the rule is checked too: truncation without invalidate_lock is reported. */
KTEST(pagecache, truncate_without_invalidate_lock_reported)
{
	struct tfs *fs = tfs_create(&ram_aops, 0, 0);
	u8 *buf = kmalloc(2 * PAGE_SIZE, GFP_KERNEL);
	const char *r;

	KASSERT(fs && buf);
	KEXPECT_EQ(tfs_write_pattern(fs, 0, 2 * PAGE_SIZE, buf), 2 * PAGE_SIZE);
	lockdep_expect_report();
	truncate_inode_pages_range(fs->inode.i_mapping, 0, -1);
	r = lockdep_expect_end();
	KASSERT(r != NULL);
	KEXPECT(strstr(r, "invalidate_lock") != NULL);
	KEXPECT(strstr(r, "held for write") != NULL);
	KEXPECT_EQ(fs->inode.i_mapping->nrpages, 0);
	KEXPECT(debug_locks);
	tfs_destroy(fs);
	kfree(buf);
}
#endif

KTEST(pagecache, invalidate_launders_dirty)
{
	struct tfs *fs = tfs_create(&disk_aops, 4, 0);
	u8 *buf = kmalloc(2 * PAGE_SIZE, GFP_KERNEL);

	KASSERT(fs && buf);
	memset(buf, 'L', 2 * PAGE_SIZE);
	KEXPECT_EQ(tfs_write(fs, 0, buf, 2 * PAGE_SIZE), 2 * PAGE_SIZE);
	KEXPECT_EQ(invalidate_inode_pages2(fs->inode.i_mapping), 0);
	KEXPECT_EQ(atomic_read(&fs->launder_calls), 2);
	KEXPECT_EQ(fs->inode.i_mapping->nrpages, 0);
	KEXPECT_EQ(fs->disk[PAGE_SIZE + 7], 'L');
	/* Clean cached folios go with invalidate_mapping_pages; read back from the store. */
	KEXPECT_EQ(tfs_read(fs, 0, buf, 2 * PAGE_SIZE), 2 * PAGE_SIZE);
	KEXPECT(fs->inode.i_mapping->nrpages >= 2);
	KEXPECT_EQ(invalidate_mapping_pages(fs->inode.i_mapping, 0, ~0UL), 2);
	KEXPECT_EQ(buf[PAGE_SIZE + 7], 'L');
	tfs_destroy(fs);
	kfree(buf);
}

/*
 * Readahead that looked at i_size before a truncate took invalidate_lock
 * must look again once it gets the lock: no folio is left past the new EOF.
 */
struct ra_arg {
	struct tfs *fs;
	struct completion done;
};

static int ra_thread(void *arg)
{
	struct ra_arg *a = arg;

	page_cache_sync_readahead(a->fs->inode.i_mapping, &a->fs->file.f_ra, &a->fs->file, 0, 16);
	complete(&a->done);
	return 0;
}

KTEST(pagecache, readahead_rechecks_eof_after_truncate)
{
	struct tfs *fs = tfs_create(&disk_aops, 16, 16 * PAGE_SIZE);
	struct address_space *mapping;
	static struct ra_arg ra;	/* outlives the thread's complete() */

	KASSERT(fs);
	mapping = fs->inode.i_mapping;
	ra.fs = fs;
	init_completion(&ra.done);
	/* Hold the locks as truncate does; the reader sees 16 pages, then waits for us. */
	inode_lock(&fs->inode);
	filemap_invalidate_lock(mapping);
	KASSERT(!IS_ERR(kthread_run(ra_thread, &ra, "pc-ra")));
	msleep(200);
	KEXPECT(!completion_done(&ra.done));	/* blocked on invalidate_lock */
	truncate_setsize(&fs->inode, PAGE_SIZE);
	filemap_invalidate_unlock(mapping);
	inode_unlock(&fs->inode);
	KEXPECT(wait_for_completion_timeout(&ra.done, msecs_to_jiffies(WAIT_MS)) != 0);
	KEXPECT(mapping->nrpages <= 1);
	for (pgoff_t i = 1; i < 16; i++)
		KEXPECT(xa_load(&mapping->i_pages, i) == NULL);
	tfs_destroy(fs);
}

/*
 * The last bytes of the largest file: a write stops at MAX_LFS_FILESIZE
 * (EFBIG at it), and truncating to LLONG_MAX (== MAX_LFS_FILESIZE) works without the
 * offset arithmetic overflowing.
 */
KTEST(pagecache, write_and_truncate_at_max_lfs_filesize)
{
	struct tfs *fs = tfs_create(&disk_aops, 0, 0);
	struct address_space *mapping;
	char buf[8];

	KASSERT(fs);
	mapping = fs->inode.i_mapping;
	KEXPECT_EQ(tfs_write(fs, MAX_LFS_FILESIZE, "x", 1), -EFBIG);
	KEXPECT_EQ(tfs_write(fs, MAX_LFS_FILESIZE - 4, "abcdefgh", 8), 4);
	KEXPECT_EQ(i_size_read(&fs->inode), MAX_LFS_FILESIZE);
	KEXPECT_EQ(mapping->nrpages, 1);

	/* Only the last byte: the folio stays, that byte reads as zero. */
	filemap_invalidate_lock(mapping);
	truncate_inode_pages_range(mapping, MAX_LFS_FILESIZE - 1, MAX_LFS_FILESIZE);
	filemap_invalidate_unlock(mapping);
	KEXPECT_EQ(mapping->nrpages, 1);
	KEXPECT_EQ(tfs_read(fs, MAX_LFS_FILESIZE - 4, buf, 4), 4);
	KEXPECT(!memcmp(buf, "abc", 4));	/* "abc" and the zeroed byte */

	/* From the last folio's start to LLONG_MAX: gone. */
	filemap_invalidate_lock(mapping);
	truncate_inode_pages_range(mapping, MAX_LFS_FILESIZE & ~(loff_t)(PAGE_SIZE - 1), MAX_LFS_FILESIZE);
	filemap_invalidate_unlock(mapping);
	KEXPECT_EQ(mapping->nrpages, 0);
	tfs_destroy(fs);
}

/* ============================== readers vs a truncater ============================== */

#define RT_PAGES 16
#define RT_READERS 3

struct race {
	struct tfs *fs;
	bool stop;
	atomic_t bad, reads, running;
	struct completion done;
};

static int race_reader(void *arg)
{
	struct race *r = arg;
	u8 *buf = kmalloc(700, GFP_KERNEL);
	u32 seed = (u32)(unsigned long)current;

	while (buf && !READ_ONCE(r->stop)) {
		loff_t pos;
		ssize_t n;

		seed = seed * 1103515245 + 12345;
		pos = (seed >> 8) % (RT_PAGES * PAGE_SIZE);
		n = tfs_read(r->fs, pos, buf, 700);
		/* Every byte is the file's data or a hole's zero, never anything else. */
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] != pattern(pos + i) && buf[i] != 0)
				atomic_inc(&r->bad);
		atomic_inc(&r->reads);
	}
	kfree(buf);
	if (atomic_dec_and_test(&r->running))
		complete(&r->done);
	return 0;
}

KTEST(pagecache, readers_and_truncater)
{
	static struct race race;	/* outlives the readers' complete() */
	struct race *r = &race;
	u8 *buf = kmalloc(RT_PAGES * PAGE_SIZE, GFP_KERNEL);
	int stale = 0, iters;

	KASSERT(buf);
	memset(r, 0, sizeof(*r));
	r->fs = tfs_create(&ram_aops, 0, 0);
	KASSERT(r->fs);
	KEXPECT_EQ(tfs_write_pattern(r->fs, 0, RT_PAGES * PAGE_SIZE, buf), RT_PAGES * PAGE_SIZE);
	init_completion(&r->done);
	atomic_set(&r->running, RT_READERS);
	for (int i = 0; i < RT_READERS; i++)
		KASSERT(!IS_ERR(kthread_run(race_reader, r, "pc-reader/%d", i)));

	for (iters = 0; iters < 60; iters++) {
		loff_t size = ((loff_t)iters * 4099) % (RT_PAGES * PAGE_SIZE);
		loff_t full = RT_PAGES * PAGE_SIZE;
		ssize_t n;

		/* Shrink, then grow with a hole: the hole must read as zeros. */
		tfs_truncate(r->fs, size);
		tfs_truncate(r->fs, full);
		n = tfs_read(r->fs, size, buf, full - size);
		KEXPECT_EQ(n, full - size);
		for (ssize_t i = 0; i < n; i++)
			stale += buf[i] != 0;
		/* And the data back. */
		KEXPECT_EQ(tfs_write_pattern(r->fs, size, full - size, buf), full - size);
	}
	WRITE_ONCE(r->stop, true);
	KEXPECT(wait_for_completion_timeout(&r->done, msecs_to_jiffies(WAIT_MS)) != 0);
	KEXPECT_EQ(stale, 0);
	KEXPECT_EQ(atomic_read(&r->bad), 0);
	KEXPECT(atomic_read(&r->reads) > 0);
	pr_info("pagecache: %d truncations against %d reads\n", iters, atomic_read(&r->reads));
	tfs_destroy(r->fs);
	kfree(buf);
}

/* ============================== reclaim ============================== */

#define RC_PAGES 512	/* 2 MiB of file */

struct reclaim_reader {
	struct tfs *fs;
	bool stop;
	atomic_t bad, passes, enomem;
	struct completion done;
};

static int reclaim_reader_thread(void *arg)
{
	struct reclaim_reader *r = arg;
	u8 *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);

	while (buf && !READ_ONCE(r->stop)) {
		for (int p = 0; p < RC_PAGES && !READ_ONCE(r->stop); p += 7) {
			ssize_t n = tfs_read(r->fs, (loff_t)p * PAGE_SIZE, buf, PAGE_SIZE);

			/* Memory is short on purpose: a read may fail, but never return wrong data. */
			if (n == -ENOMEM) {
				atomic_inc(&r->enomem);
				continue;
			}
			if (n != PAGE_SIZE || buf[11] != pattern((loff_t)p * PAGE_SIZE + 11) ||
			    buf[PAGE_SIZE - 1] != pattern((loff_t)p * PAGE_SIZE + PAGE_SIZE - 1))
				atomic_inc(&r->bad);
		}
		atomic_inc(&r->passes);
	}
	kfree(buf);
	complete(&r->done);
	return 0;
}

KTEST(pagecache, reclaim_while_reading)
{
	static struct reclaim_reader rr;	/* outlives the reader's complete() */
	struct reclaim_reader *r = &rr;
	struct pagecache_stats before, after;
	LIST_HEAD(hog);
	unsigned long hogged = 0;
	int reads_before;
	u8 *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	bool same = true;

	KASSERT(buf);
	memset(r, 0, sizeof(*r));
	r->fs = tfs_create(&disk_aops, RC_PAGES, RC_PAGES * PAGE_SIZE);
	KASSERT(r->fs);
	/* Fill the cache: clean folios, all on the LRU. */
	for (int p = 0; p < RC_PAGES; p++)
		tfs_read(r->fs, (loff_t)p * PAGE_SIZE, buf, PAGE_SIZE);
	KEXPECT_EQ(r->fs->inode.i_mapping->nrpages, RC_PAGES);
	init_completion(&r->done);
	KASSERT(!IS_ERR(kthread_run(reclaim_reader_thread, r, "pc-rreader")));

	/* Take memory until reclaim has had to evict folios (or memory is gone). */
	pagecache_get_stats(&before);
	for (;;) {
		struct page *page = alloc_page(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY);

		if (!page)
			break;
		list_add(&page->lru, &hog);
		hogged++;
		pagecache_get_stats(&after);
		if (after.nr_reclaimed >= before.nr_reclaimed + RC_PAGES / 2)
			break;
	}
	pagecache_get_stats(&after);
	while (!list_empty(&hog)) {
		struct page *page = list_first_entry(&hog, struct page, lru);

		list_del(&page->lru);
		__free_page(page);
	}
	WRITE_ONCE(r->stop, true);
	KEXPECT(wait_for_completion_timeout(&r->done, msecs_to_jiffies(WAIT_MS)) != 0);
	pr_info("pagecache: took %lu pages, reclaim evicted %lu folios\n", hogged,
		after.nr_reclaimed - before.nr_reclaimed);
	KEXPECT(after.nr_reclaimed > before.nr_reclaimed);
	KEXPECT(r->fs->inode.i_mapping->nrpages < RC_PAGES);
	KEXPECT_EQ(atomic_read(&r->bad), 0);
	KEXPECT(atomic_read(&r->passes) > 0);

	/* Evicted data comes back from the store, correct. */
	reads_before = atomic_read(&r->fs->read_folio_calls) + atomic_read(&r->fs->readahead_calls);
	for (int p = 0; p < RC_PAGES; p++) {
		KEXPECT_EQ(tfs_read(r->fs, (loff_t)p * PAGE_SIZE, buf, PAGE_SIZE), PAGE_SIZE);
		for (size_t j = 0; j < PAGE_SIZE; j += 97)
			same &= buf[j] == pattern((loff_t)p * PAGE_SIZE + j);
	}
	KEXPECT(same);
	KEXPECT(atomic_read(&r->fs->read_folio_calls) + atomic_read(&r->fs->readahead_calls) >
		reads_before);
	tfs_destroy(r->fs);
	kfree(buf);
}

/* ============================== the flusher thread ============================== */

/*
 * A real super block this time ("pagecachetest", mounted with
 * kern_mount), so the flusher thread finds it through iterate_supers,
 * and a hashed inode, so __mark_inode_dirty puts it on s_dirty.
 */
static atomic_t flush_writepages, flush_kupdate, flush_write_inode;

static int flush_writepage(struct page *page, struct writeback_control *wbc)
{
	atomic_inc(&flush_writepages);
	if (wbc->for_kupdate)
		atomic_inc(&flush_kupdate);
	set_page_writeback(page);
	unlock_page(page);
	end_page_writeback(page);
	return 0;
}

static const struct address_space_operations flush_aops = {
	.read_folio = simple_read_folio,
	.write_begin = simple_write_begin,
	.write_end = simple_write_end,
	.dirty_folio = filemap_dirty_folio,
	.writepage = flush_writepage,
};

static int flush_write_inode_op(struct inode *inode, struct writeback_control *wbc)
{
	atomic_inc(&flush_write_inode);
	return 0;
}

static const struct super_operations flush_sops = {
	.write_inode = flush_write_inode_op,
	.drop_inode = generic_delete_inode,
};

static int flush_fill_super(struct super_block *sb, void *data, int silent)
{
	sb->s_op = &flush_sops;
	return simple_fill_super_root(sb, 0x70636673, 0755);
}

static struct dentry *flush_mount(struct file_system_type *type, int flags, const char *dev,
				  void *data)
{
	return mount_nodev(type, flags, data, flush_fill_super);
}

static struct file_system_type flush_fs_type = {
	.name = "pagecachetest",
	.mount = flush_mount,
	.kill_sb = kill_litter_super,
};

KTEST(pagecache, flusher_writes_back_expired_inodes)
{
	static struct file file;	/* an open file without a path: enough for the write path */
	unsigned int old_interval = dirty_writeback_interval_ms;
	unsigned int old_expire = dirty_expire_interval_ms;
	struct vfsmount *mnt;
	struct inode *inode;
	u8 *buf = kmalloc(2 * PAGE_SIZE, GFP_KERNEL);
	struct kvec kv = { .iov_base = buf, .iov_len = 2 * PAGE_SIZE };
	struct kiocb kiocb;
	struct iov_iter iter;
	int waited = 0;

	KASSERT(buf != NULL);
	if (!get_fs_type(flush_fs_type.name))
		KASSERT_EQ(register_filesystem(&flush_fs_type), 0);
	mnt = kern_mount(&flush_fs_type);
	KASSERT(!IS_ERR(mnt));
	inode = new_inode(mnt->mnt_sb);
	KASSERT(inode != NULL);
	inode->i_ino = get_next_ino();
	inode->i_mode = S_IFREG | 0644;
	inode->i_mapping->a_ops = &flush_aops;
	set_nlink(inode, 1);
	insert_inode_hash(inode);
	memset(&file, 0, sizeof(file));
	file.f_inode = inode;
	file.f_mapping = inode->i_mapping;
	file.f_op = &tfs_fops;
	file_ra_state_init(&file.f_ra, inode->i_mapping);
	atomic_set(&flush_writepages, 0);
	atomic_set(&flush_kupdate, 0);
	atomic_set(&flush_write_inode, 0);

	/* Write back whatever has been dirty for 100 ms, looking every 100 ms. */
	dirty_expire_interval_ms = 100;
	dirty_writeback_interval_ms = 100;
	memset(buf, 'f', 2 * PAGE_SIZE);
	kiocb = (struct kiocb){ .ki_filp = &file, .ki_pos = 0 };
	iov_iter_kvec(&iter, ITER_SOURCE, &kv, 1, 2 * PAGE_SIZE);
	KEXPECT_EQ(generic_file_write_iter(&kiocb, &iter), 2 * PAGE_SIZE);
	KEXPECT(!list_empty(&inode->i_io_list));	/* on the super block's dirty list */

	/* Nobody calls writeback: the flusher must, within its (old) sleep plus ours. */
	while (atomic_read(&flush_writepages) < 2 && waited < WAIT_MS) {
		msleep(50);
		waited += 50;
	}
	KEXPECT_EQ(atomic_read(&flush_writepages), 2);
	KEXPECT_EQ(atomic_read(&flush_kupdate), 2);
	KEXPECT(!xa_marked(&inode->i_mapping->i_pages, PAGECACHE_TAG_DIRTY));
	while (!list_empty(&inode->i_io_list) && waited < WAIT_MS) {
		msleep(50);
		waited += 50;
	}
	KEXPECT(list_empty(&inode->i_io_list));
	KEXPECT_EQ(atomic_read(&flush_write_inode), 1);	/* the mtime update dirtied it */

	dirty_writeback_interval_ms = old_interval;
	dirty_expire_interval_ms = old_expire;
	clear_nlink(inode);
	iput(inode);
	kern_unmount(mnt);
	kfree(buf);
}
