/*
 * Buffer heads (include/kestrel/buffer_head.h): blocks of a block device,
 * or of a file whose blocks a file system maps with get_block, kept in
 * the page cache.
 *
 * A folio's buffers are created when someone needs them (a block read
 * through __bread, a partial write, a folio read block by block) and
 * freed when the folio goes (->invalidate_folio, ->release_folio) if
 * nobody holds them. I/O on a buffer is one bio; its completion runs
 * b_end_io (vfs_call_b_end_io, the spec's rules) in interrupt context.
 * A folio read or written as several buffers ends when the last of them
 * does: the first buffer's b_uptodate_lock serializes those completions.
 *
 * I/O errors are logged once, by the block layer, with the failing
 * sector (blk_mq_end_request); the buffer code records them in the state
 * bits and the mapping (mapping_set_error) without logging again.
 */
#include <kestrel/bio.h>
#include <kestrel/blkdev.h>
#include <kestrel/buffer_head.h>
#include <kestrel/contract/buffer_head.h>
#include <kestrel/errno.h>
#include <kestrel/pagemap.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/wait.h>

#define MAX_BUF_PER_PAGE (PAGE_SIZE / SECTOR_SIZE)

static struct kmem_cache *bh_cachep;

/* ---------------------------------------------------------------- the buffer lock */

/*
 * Tasks waiting for a buffer's BH_Lock sleep on one of these queues,
 * chosen by the buffer's address (a queue per buffer would cost memory
 * for millions of buffers nobody waits on). Every waiter of a queue is
 * woken on an unlock and tests its own buffer again.
 */
#define BH_WAIT_TABLE_SIZE 64
static wait_queue_head_t bh_wait_table[BH_WAIT_TABLE_SIZE];

static wait_queue_head_t *bh_waitqueue(const struct buffer_head *bh)
{
	u64 h = (u64)(unsigned long)bh * 0x9E3779B97F4A7C15ULL;

	return &bh_wait_table[h >> 58];
}

bool trylock_buffer(struct buffer_head *bh)
{
	return !test_set_buffer_locked(bh);
}

void lock_buffer(struct buffer_head *bh)
{
	might_sleep();
	if (!trylock_buffer(bh))
		wait_event(*bh_waitqueue(bh), trylock_buffer(bh));
}

void unlock_buffer(struct buffer_head *bh)
{
	WARN_ON(!buffer_locked(bh));
	clear_buffer_locked(bh);	/* an atomic RMW: a full barrier before the wake-up */
	wake_up(bh_waitqueue(bh));
}

void wait_on_buffer(struct buffer_head *bh)
{
	might_sleep();
	if (buffer_locked(bh))
		wait_event(*bh_waitqueue(bh), !buffer_locked(bh));
}

/* ---------------------------------------------------------------- a folio's buffers */

struct buffer_head *folio_buffers(struct folio *folio)
{
	return folio_test_private(folio) ? folio_get_private(folio) : NULL;
}

static struct buffer_head *alloc_buffer_head(void)
{
	struct buffer_head *bh = kmem_cache_alloc(bh_cachep, GFP_KERNEL);

	if (bh) {
		memset(bh, 0, sizeof(*bh));
		spin_lock_init(&bh->b_uptodate_lock);
	}
	return bh;
}

static void free_buffer_head(struct buffer_head *bh)
{
	kmem_cache_free(bh_cachep, bh);
}

struct buffer_head *create_empty_buffers(struct folio *folio, unsigned long blocksize,
					 unsigned long b_state)
{
	struct buffer_head *head = NULL, *tail = NULL;

	WARN_ON(!folio_test_locked(folio));
	if (folio_test_uptodate(folio))
		b_state |= 1UL << BH_Uptodate;
	if (folio_test_dirty(folio))
		b_state |= 1UL << BH_Dirty;
	for (unsigned long off = 0; off < PAGE_SIZE; off += blocksize) {
		struct buffer_head *bh = alloc_buffer_head();

		if (!bh) {
			/* Not yet a ring: the list ends with NULL. */
			while (head) {
				struct buffer_head *next = head->b_this_page;

				free_buffer_head(head);
				head = next;
			}
			return NULL;
		}
		bh->b_state = b_state;
		bh->b_folio = folio;
		bh->b_page = folio_page(folio, 0);
		bh->b_size = blocksize;
		bh->b_data = (char *)folio_address(folio) + off;
		if (!head)
			head = bh;
		else
			tail->b_this_page = bh;
		tail = bh;
		bh->b_this_page = NULL;
	}
	tail->b_this_page = head;
	folio_attach_private(folio, head);
	return head;
}

bool try_to_free_buffers(struct folio *folio)
{
	struct buffer_head *head = folio_buffers(folio), *bh;

	WARN_ON(!folio_test_locked(folio));
	if (!head)
		return true;
	if (folio_test_writeback(folio))
		return false;
	bh = head;
	do {
		if (atomic_read(&bh->b_count) || buffer_locked(bh) || buffer_dirty(bh))
			return false;
		bh = bh->b_this_page;
	} while (bh != head);
	folio_detach_private(folio);
	bh = head;
	do {
		struct buffer_head *next = bh->b_this_page;

		free_buffer_head(bh);
		bh = next;
	} while (bh != head);
	return true;
}

/* ---------------------------------------------------------------- I/O */

static void end_bio_bh_io_sync(struct bio *bio)
{
	struct buffer_head *bh = bio->bi_private;

	vfs_call_b_end_io(bh, !bio->bi_status);
	bio_put(bio);
}

void submit_bh(blk_opf_t opf, struct buffer_head *bh)
{
	struct bio *bio;

	WARN_ON(!buffer_locked(bh) || !buffer_mapped(bh) || !bh->b_end_io);
	set_buffer_req(bh);
	if (op_is_write(opf))
		clear_buffer_write_io_error(bh);
	if (buffer_meta(bh))
		opf |= REQ_META;
	bio = bio_alloc(bh->b_bdev, 1, opf, GFP_KERNEL);
	if (!bio) {
		vfs_call_b_end_io(bh, 0);
		return;
	}
	bio->bi_iter.bi_sector = bh->b_blocknr * (bh->b_size >> SECTOR_SHIFT);
	bio_add_page(bio, bh->b_page, bh->b_size, (unsigned long)bh->b_data & (PAGE_SIZE - 1));
	bio->bi_end_io = end_bio_bh_io_sync;
	bio->bi_private = bh;
	submit_bio(bio);
}

void end_buffer_read_sync(struct buffer_head *bh, int uptodate)
{
	if (uptodate)
		set_buffer_uptodate(bh);
	else
		clear_buffer_uptodate(bh);
	unlock_buffer(bh);
	put_bh(bh);
}

void end_buffer_write_sync(struct buffer_head *bh, int uptodate)
{
	if (uptodate) {
		set_buffer_uptodate(bh);
	} else {
		set_buffer_write_io_error(bh);
		clear_buffer_uptodate(bh);
	}
	unlock_buffer(bh);
	put_bh(bh);
}

/* Start reading a locked, not uptodate buffer (unlocked by the completion). */
static void bh_read_nowait_locked(struct buffer_head *bh)
{
	get_bh(bh);
	bh->b_end_io = end_buffer_read_sync;
	submit_bh(REQ_OP_READ, bh);
}

int bh_read_locked_sync(struct buffer_head *bh)
{
	if (buffer_uptodate(bh)) {
		unlock_buffer(bh);
		return 0;
	}
	bh_read_nowait_locked(bh);
	wait_on_buffer(bh);
	return buffer_uptodate(bh) ? 0 : -EIO;
}

void mark_buffer_dirty(struct buffer_head *bh)
{
	struct folio *folio = bh->b_folio;

	if (buffer_dirty(bh))
		return;
	if (!test_set_buffer_dirty(bh) && folio->mapping && !folio_test_dirty(folio))
		filemap_dirty_folio(folio->mapping, folio);
}

int __sync_dirty_buffer(struct buffer_head *bh, blk_opf_t op_flags)
{
	lock_buffer(bh);
	if (!test_clear_buffer_dirty(bh)) {
		unlock_buffer(bh);
		return 0;
	}
	get_bh(bh);
	bh->b_end_io = end_buffer_write_sync;
	submit_bh(REQ_OP_WRITE | op_flags, bh);
	wait_on_buffer(bh);
	return buffer_uptodate(bh) ? 0 : -EIO;
}

int sync_dirty_buffer(struct buffer_head *bh)
{
	return __sync_dirty_buffer(bh, REQ_SYNC);
}

void __brelse(struct buffer_head *bh)
{
	if (WARN_ON(atomic_read(&bh->b_count) <= 0))
		return;	/* a brelse too many: VFS: brelse: Trying to free free buffer */
	put_bh(bh);
}

void bforget(struct buffer_head *bh)
{
	if (!bh)
		return;
	clear_buffer_dirty(bh);
	__brelse(bh);
}

/* ---------------------------------------------------------------- block device buffers */

/* Map every buffer of a block device's folio to its block (the device maps 1:1). */
static void init_bdev_buffers(struct folio *folio, struct block_device *bdev, sector_t first,
			      unsigned int size)
{
	struct buffer_head *head = folio_buffers(folio), *bh = head;
	sector_t block = first;

	do {
		if (!buffer_mapped(bh)) {
			bh->b_bdev = bdev;
			bh->b_blocknr = block;
			set_buffer_mapped(bh);
		}
		block++;
		bh = bh->b_this_page;
	} while (bh != head);
}

/*
 * The buffer of block (size bytes) in the device's cache, with a
 * reference. Its folio gets buffers of that size, replacing unused ones
 * of another size.
 */
struct buffer_head *__getblk(struct block_device *bdev, sector_t block, unsigned int size)
{
	struct address_space *mapping = bdev->bd_inode->i_mapping;
	unsigned int bits = blksize_bits(size), per_page;
	struct buffer_head *head, *bh;
	struct folio *folio;
	pgoff_t index;

	if (size < SECTOR_SIZE || size > PAGE_SIZE || (size & (size - 1)) ||
	    size < bdev_logical_block_size(bdev)) {
		pr_err("getblk(): invalid block size %u requested\n", size);
		return NULL;
	}
	if ((u64)(block + 1) << bits > (u64)bdev_nr_bytes(bdev))
		return NULL;	/* beyond the device: the caller reports the I/O error */
	per_page = PAGE_SIZE >> bits;
	index = block / per_page;
	folio = __filemap_get_folio(mapping, index, FGP_LOCK | FGP_CREAT | FGP_ACCESSED,
				    mapping->gfp_mask);
	if (IS_ERR(folio))
		return NULL;
	head = folio_buffers(folio);
	if (head && head->b_size != size && !try_to_free_buffers(folio)) {
		pr_err("getblk(): block %llu of size %u: its page has busy buffers of size %zu\n",
		       (unsigned long long)block, size, head->b_size);
		bh = NULL;
		goto out;
	}
	head = folio_buffers(folio);
	if (!head)
		head = create_empty_buffers(folio, size, 0);
	if (!head) {
		bh = NULL;
		goto out;
	}
	init_bdev_buffers(folio, bdev, (sector_t)index * per_page, size);
	bh = head;
	for (unsigned int i = block % per_page; i; i--)
		bh = bh->b_this_page;
	get_bh(bh);
out:
	folio_unlock(folio);
	folio_put(folio);
	return bh;
}

struct buffer_head *__find_get_block(struct block_device *bdev, sector_t block, unsigned int size)
{
	struct address_space *mapping = bdev->bd_inode->i_mapping;
	unsigned int per_page = PAGE_SIZE / size;
	struct buffer_head *head, *bh = NULL;
	struct folio *folio = filemap_get_folio(mapping, block / per_page);

	if (IS_ERR(folio))
		return NULL;
	folio_lock(folio);
	head = folio_buffers(folio);
	if (head && head->b_size == size) {
		bh = head;
		for (unsigned int i = block % per_page; i; i--)
			bh = bh->b_this_page;
		get_bh(bh);
	}
	folio_unlock(folio);
	folio_put(folio);
	return bh;
}

struct buffer_head *__bread(struct block_device *bdev, sector_t block, unsigned int size)
{
	struct buffer_head *bh = __getblk(bdev, block, size);

	if (!bh || buffer_uptodate(bh))
		return bh;
	lock_buffer(bh);
	if (bh_read_locked_sync(bh)) {
		brelse(bh);
		return NULL;
	}
	return bh;
}

/* ---------------------------------------------------------------- folio reads */

/* The last buffer of a folio read ends the folio: uptodate if every buffer is. */
static void end_buffer_async_read(struct buffer_head *bh, int uptodate)
{
	struct folio *folio = bh->b_folio;
	struct buffer_head *first = folio_buffers(folio), *tmp;
	bool folio_uptodate = true;
	unsigned long flags;

	if (uptodate)
		set_buffer_uptodate(bh);
	else
		clear_buffer_uptodate(bh);
	spin_lock_irqsave(&first->b_uptodate_lock, flags);
	clear_buffer_async_read(bh);
	unlock_buffer(bh);
	tmp = bh;
	do {
		if (!buffer_uptodate(tmp))
			folio_uptodate = false;
		if (buffer_async_read(tmp)) {
			spin_unlock_irqrestore(&first->b_uptodate_lock, flags);
			return;	/* another buffer of the folio is still being read */
		}
		tmp = tmp->b_this_page;
	} while (tmp != bh);
	spin_unlock_irqrestore(&first->b_uptodate_lock, flags);
	if (folio_uptodate)
		folio_mark_uptodate(folio);
	folio_unlock(folio);
}

int block_read_full_folio(struct folio *folio, get_block_t *get_block)
{
	struct inode *inode = folio->mapping->host;
	unsigned int bits = inode->i_blkbits, blocksize = 1U << bits;
	struct buffer_head *head, *bh, *arr[MAX_BUF_PER_PAGE];
	sector_t iblock, lblock;
	bool error = false;
	int nr = 0;

	head = folio_buffers(folio);
	if (!head)
		head = create_empty_buffers(folio, blocksize, 0);
	if (!head) {
		folio_unlock(folio);
		return -ENOMEM;
	}
	iblock = (sector_t)folio->index << (PAGE_SHIFT - bits);
	lblock = (i_size_read(inode) + blocksize - 1) >> bits;
	bh = head;
	do {
		if (buffer_uptodate(bh))
			goto next;
		if (!buffer_mapped(bh)) {
			int err = 0;

			if (iblock < lblock) {
				err = get_block(inode, iblock, bh, 0);
				if (err)
					error = true;
			}
			if (!buffer_mapped(bh)) {
				/* A hole (or past EOF): zeros. */
				memset(bh->b_data, 0, blocksize);
				if (!err)
					set_buffer_uptodate(bh);
				goto next;
			}
			if (buffer_uptodate(bh))
				goto next;
		}
		arr[nr++] = bh;
next:
		iblock++;
		bh = bh->b_this_page;
	} while (bh != head);

	if (!nr) {
		if (!error)
			folio_mark_uptodate(folio);
		folio_unlock(folio);
		return 0;
	}
	/* Lock and mark them all first: the first completion looks at the others. */
	for (int i = 0; i < nr; i++) {
		lock_buffer(arr[i]);
		arr[i]->b_end_io = end_buffer_async_read;
		set_buffer_async_read(arr[i]);
	}
	for (int i = 0; i < nr; i++) {
		if (buffer_uptodate(arr[i]))
			vfs_call_b_end_io(arr[i], 1);
		else
			submit_bh(REQ_OP_READ, arr[i]);
	}
	return 0;
}

/* ---------------------------------------------------------------- folio writes */

static void end_buffer_async_write(struct buffer_head *bh, int uptodate)
{
	struct folio *folio = bh->b_folio;
	struct buffer_head *first = folio_buffers(folio), *tmp;
	unsigned long flags;

	if (uptodate) {
		set_buffer_uptodate(bh);
	} else {
		set_buffer_write_io_error(bh);
		clear_buffer_uptodate(bh);
		if (folio->mapping)
			mapping_set_error(folio->mapping, -EIO);
	}
	spin_lock_irqsave(&first->b_uptodate_lock, flags);
	clear_buffer_async_write(bh);
	unlock_buffer(bh);
	for (tmp = bh->b_this_page; tmp != bh; tmp = tmp->b_this_page) {
		if (buffer_async_write(tmp)) {
			spin_unlock_irqrestore(&first->b_uptodate_lock, flags);
			return;
		}
	}
	spin_unlock_irqrestore(&first->b_uptodate_lock, flags);
	folio_end_writeback(folio);
}

/*
 * ->writepage with buffers: write the folio's dirty buffers (mapping any
 * that get_block has not yet), each as its own bio (the block layer
 * merges neighbours). The folio is locked on entry and unlocked here;
 * PG_writeback covers the I/O.
 */
int __block_write_full_folio(struct inode *inode, struct folio *folio, get_block_t *get_block,
			     struct writeback_control *wbc)
{
	unsigned int bits = inode->i_blkbits, blocksize = 1U << bits;
	blk_opf_t opf = REQ_OP_WRITE | (wbc->sync_mode == WBC_SYNC_ALL ? REQ_SYNC : 0);
	struct buffer_head *head, *bh;
	sector_t block, last_block;
	int nr_underway = 0, err = 0;

	head = folio_buffers(folio);
	if (!head)
		head = create_empty_buffers(folio, blocksize,
					    (1UL << BH_Dirty) | (1UL << BH_Uptodate));
	if (!head) {
		folio_redirty_for_writepage(wbc, folio);
		folio_unlock(folio);
		return -ENOMEM;
	}
	block = (sector_t)folio->index << (PAGE_SHIFT - bits);
	last_block = (i_size_read(inode) - 1) >> bits;
	bh = head;
	do {
		if (block > last_block) {
			/* Beyond EOF: nothing to write (truncate zeroed it). */
			clear_buffer_dirty(bh);
			set_buffer_uptodate(bh);
		} else if (!buffer_mapped(bh) && buffer_dirty(bh)) {
			err = get_block(inode, block, bh, 1);
			if (err)
				break;
			clear_buffer_new(bh);
		}
		block++;
		bh = bh->b_this_page;
	} while (bh != head);

	bh = head;
	do {
		if (!buffer_mapped(bh))
			continue;
		if (wbc->sync_mode != WBC_SYNC_NONE) {
			lock_buffer(bh);
		} else if (!trylock_buffer(bh)) {
			folio_redirty_for_writepage(wbc, folio);
			continue;
		}
		if (!err && test_clear_buffer_dirty(bh)) {
			bh->b_end_io = end_buffer_async_write;
			set_buffer_async_write(bh);
		} else {
			unlock_buffer(bh);
		}
	} while ((bh = bh->b_this_page) != head);

	folio_start_writeback(folio);
	bh = head;
	do {
		struct buffer_head *next = bh->b_this_page;

		if (buffer_async_write(bh)) {
			submit_bh(opf, bh);
			nr_underway++;
		}
		bh = next;
	} while (bh != head);
	folio_unlock(folio);
	if (!nr_underway)
		folio_end_writeback(folio);
	if (err)
		mapping_set_error(folio->mapping, err);
	return err;
}

/* Zero the new buffers of [from, to) after a failed or short write (they hold garbage). */
static void folio_zero_new_buffers(struct folio *folio, size_t from, size_t to)
{
	struct buffer_head *head = folio_buffers(folio), *bh = head;
	size_t start = 0;

	if (!head)
		return;
	do {
		size_t end = start + bh->b_size;

		if (buffer_new(bh)) {
			if (end > from && start < to && !buffer_uptodate(bh)) {
				size_t s = max(start, from), e = min(end, to);

				folio_zero_range(folio, s, e - s);
				set_buffer_uptodate(bh);
			}
			clear_buffer_new(bh);
			mark_buffer_dirty(bh);
		}
		start = end;
		bh = bh->b_this_page;
	} while (bh != head);
}

/*
 * Prepare [pos, pos + len) of a locked folio for a write: map its
 * buffers (allocating with get_block(create)), and read the buffers the
 * write covers only partly, unless the folio is uptodate.
 */
static int __block_write_begin(struct folio *folio, loff_t pos, unsigned len,
			       get_block_t *get_block)
{
	size_t from = pos & (PAGE_SIZE - 1), to = from + len;
	struct inode *inode = folio->mapping->host;
	unsigned int bits = inode->i_blkbits, blocksize = 1U << bits;
	struct buffer_head *head, *bh, *wait[MAX_BUF_PER_PAGE];
	size_t block_start, block_end;
	sector_t block;
	int nr_wait = 0, err = 0;

	head = folio_buffers(folio);
	if (!head)
		head = create_empty_buffers(folio, blocksize, 0);
	if (!head)
		return -ENOMEM;
	block = (sector_t)folio->index << (PAGE_SHIFT - bits);
	for (bh = head, block_start = 0; bh != head || !block_start;
	     block++, block_start = block_end, bh = bh->b_this_page) {
		block_end = block_start + blocksize;
		if (block_end <= from || block_start >= to) {
			if (folio_test_uptodate(folio))
				set_buffer_uptodate(bh);
			continue;
		}
		clear_buffer_new(bh);
		if (!buffer_mapped(bh)) {
			err = get_block(inode, block, bh, 1);
			if (err)
				break;
			if (buffer_new(bh)) {
				if (folio_test_uptodate(folio)) {
					clear_buffer_new(bh);
					set_buffer_uptodate(bh);
					mark_buffer_dirty(bh);
					continue;
				}
				if (block_end > to || block_start < from)
					folio_zero_segments(folio, to, block_end, block_start, from);
				continue;
			}
		}
		if (folio_test_uptodate(folio)) {
			set_buffer_uptodate(bh);
			continue;
		}
		if (!buffer_uptodate(bh) && (block_start < from || block_end > to)) {
			lock_buffer(bh);
			if (buffer_uptodate(bh)) {
				unlock_buffer(bh);
				continue;
			}
			bh_read_nowait_locked(bh);
			wait[nr_wait++] = bh;
		}
	}
	while (nr_wait) {
		struct buffer_head *w = wait[--nr_wait];

		wait_on_buffer(w);
		if (!buffer_uptodate(w))
			err = -EIO;
	}
	if (err)
		folio_zero_new_buffers(folio, from, to);
	return err;
}

int block_write_begin(struct address_space *mapping, loff_t pos, unsigned len,
		      struct folio **foliop, get_block_t *get_block)
{
	struct folio *folio;
	int err;

	folio = __filemap_get_folio(mapping, pos >> PAGE_SHIFT, FGP_WRITEBEGIN, mapping->gfp_mask);
	if (IS_ERR(folio))
		return PTR_ERR(folio);
	err = __block_write_begin(folio, pos, len, get_block);
	if (err) {
		folio_unlock(folio);
		folio_put(folio);
		return err;
	}
	*foliop = folio;
	return 0;
}

int block_write_end(struct file *file, struct address_space *mapping, loff_t pos, unsigned len,
		    unsigned copied, struct folio *folio, void *fsdata)
{
	size_t start = pos & (PAGE_SIZE - 1), block_start = 0;
	struct buffer_head *head = folio_buffers(folio), *bh;
	bool partial = false;

	if (copied < len) {
		/* A short copy into a folio not uptodate: its new buffers would be garbage. */
		if (!folio_test_uptodate(folio))
			copied = 0;
		folio_zero_new_buffers(folio, start + copied, start + len);
	}
	bh = head;
	do {
		size_t block_end = block_start + bh->b_size;

		if (block_end <= start || block_start >= start + copied) {
			if (!buffer_uptodate(bh))
				partial = true;
		} else {
			set_buffer_uptodate(bh);
			mark_buffer_dirty(bh);
		}
		clear_buffer_new(bh);
		block_start = block_end;
		bh = bh->b_this_page;
	} while (bh != head);
	if (!partial)
		folio_mark_uptodate(folio);
	return copied;
}

int generic_write_end(struct file *file, struct address_space *mapping, loff_t pos, unsigned len,
		      unsigned copied, struct folio *folio, void *fsdata)
{
	struct inode *inode = mapping->host;
	bool size_changed = false;

	copied = block_write_end(file, mapping, pos, len, copied, folio, fsdata);
	if (pos + copied > inode->i_size) {
		i_size_write(inode, pos + copied);
		size_changed = true;
	}
	folio_unlock(folio);
	folio_put(folio);
	if (size_changed)
		mark_inode_dirty(inode);
	return copied;
}

bool block_dirty_folio(struct address_space *mapping, struct folio *folio)
{
	struct buffer_head *head = folio_buffers(folio), *bh = head;

	/* The whole folio is dirty (a write through a mapping, or a full-page write). */
	if (head) {
		do {
			set_buffer_dirty(bh);
			bh = bh->b_this_page;
		} while (bh != head);
	}
	return filemap_dirty_folio(mapping, folio);
}

void block_invalidate_folio(struct folio *folio, size_t offset, size_t length)
{
	struct buffer_head *head = folio_buffers(folio), *bh;
	size_t start = 0, stop = offset + length;

	WARN_ON(!folio_test_locked(folio));
	if (!head)
		return;
	bh = head;
	do {
		size_t end = start + bh->b_size;

		if (offset <= start && end <= stop) {
			/* Wholly invalidated: its contents mean nothing now. */
			lock_buffer(bh);
			clear_buffer_dirty(bh);
			clear_buffer_uptodate(bh);
			clear_buffer_mapped(bh);
			clear_buffer_req(bh);
			clear_buffer_new(bh);
			unlock_buffer(bh);
		}
		start = end;
		bh = bh->b_this_page;
	} while (bh != head);
	if (offset == 0 && length >= PAGE_SIZE)
		try_to_free_buffers(folio);
}

bool block_release_folio(struct folio *folio, gfp_t gfp)
{
	return try_to_free_buffers(folio);
}

void buffer_init(void)
{
	bh_cachep = kmem_cache_create("buffer_head", sizeof(struct buffer_head), 0, 0);
	if (!bh_cachep)
		panic("buffer: no buffer_head cache");
	for (unsigned int i = 0; i < BH_WAIT_TABLE_SIZE; i++)
		init_waitqueue_head(&bh_wait_table[i]);
}
