/*
 * /dev's block devices as files (Linux's block/fops.c): open, read,
 * write, seek, fsync, mmap and ioctl of /dev/vda, and the page cache
 * operations of the device's inode.
 *
 * Opening a device node switches the file to the block_device's own
 * page cache (f_mapping = bd_inode->i_mapping). Reads and writes then go
 * through that cache like a regular file's: readahead builds big bios
 * (fs/mpage.c), writes fill buffer heads (fs/buffer.c) that writeback
 * sends later. With O_DIRECT they bypass the cache: each read or write
 * becomes bios straight to and from the caller's pages, and must be
 * aligned as Linux requires: the position and the length to the
 * device's logical block size, the buffer to its DMA alignment.
 *
 * A write to a read-only device is EPERM (Linux's answer), a write at
 * or past the end ENOSPC, a read there 0.
 */
#include <kestrel/blkdev.h>
#include <kestrel/buffer_head.h>
#include <kestrel/completion.h>
#include <kestrel/errno.h>
#include <kestrel/pagemap.h>
#include <kestrel/printk.h>
#include <kestrel/slab.h>
#include <kestrel/vm.h>
#include <kestrel/vmalloc.h>
#include "blk.h"

static struct block_device *file_bdev(struct file *file)
{
	return I_BDEV(file->f_mapping->host);
}

/* ---------------------------------------------------------------- the page cache */

/* A block device's block n is its block n. */
static int blkdev_get_block(struct inode *inode, sector_t iblock, struct buffer_head *bh,
			    int create)
{
	bh->b_bdev = I_BDEV(inode);
	bh->b_blocknr = iblock;
	set_buffer_mapped(bh);
	return 0;
}

static int blkdev_read_folio(struct file *file, struct folio *folio)
{
	return mpage_read_folio(folio, blkdev_get_block);
}

static void blkdev_readahead(struct readahead_control *rac)
{
	mpage_readahead(rac, blkdev_get_block);
}

static int blkdev_writepage(struct page *page, struct writeback_control *wbc)
{
	struct folio *folio = page_folio(page);

	return __block_write_full_folio(folio->mapping->host, folio, blkdev_get_block, wbc);
}

static int blkdev_write_begin(struct file *file, struct address_space *mapping, loff_t pos,
			      unsigned len, struct folio **foliop, void **fsdata)
{
	return block_write_begin(mapping, pos, len, foliop, blkdev_get_block);
}

/* A device does not grow: unlike a file's write_end, the size stays. */
static int blkdev_write_end(struct file *file, struct address_space *mapping, loff_t pos,
			    unsigned len, unsigned copied, struct folio *folio, void *fsdata)
{
	int ret = block_write_end(file, mapping, pos, len, copied, folio, fsdata);

	folio_unlock(folio);
	folio_put(folio);
	return ret;
}

const struct address_space_operations def_blk_aops = {
	.dirty_folio = block_dirty_folio,
	.invalidate_folio = block_invalidate_folio,
	.read_folio = blkdev_read_folio,
	.readahead = blkdev_readahead,
	.writepage = blkdev_writepage,
	.write_begin = blkdev_write_begin,
	.write_end = blkdev_write_end,
	.release_folio = block_release_folio,
};

/* ---------------------------------------------------------------- O_DIRECT */

/*
 * Direct I/O goes between the device and the caller's own pages: a
 * user buffer's pages are looked up (faulted in if need be; for a read
 * they are written, so copy-on-write is broken first) and referenced
 * while the bios run, then released; pages of a file mapping that a read
 * filled are marked dirty. The request is taken DIO_CHUNK bytes at a
 * time, so the list of referenced pages stays small whatever the size.
 */
#define DIO_CHUNK (4UL << 20)
#define DIO_CHUNK_PAGES (DIO_CHUNK / PAGE_SIZE + 2)

struct blkdev_dio {
	atomic_t ref;			/* 1 for the submitter + 1 per bio in flight */
	blk_status_t status;		/* the first error */
	struct completion done;
	struct page **pages;		/* user pages referenced for the chunk */
	unsigned int nr_pages;
};

static void blkdev_dio_end_io(struct bio *bio)
{
	struct blkdev_dio *dio = bio->bi_private;

	if (bio->bi_status)	/* the first error wins */
		cmpxchg(&dio->status, BLK_STS_OK, bio->bi_status);
	bio_put(bio);
	if (atomic_dec_and_test(&dio->ref))
		complete(&dio->done);
}

/* Segment idx of the iterator (the first one from iov_offset on): address, length. */
static void iter_segment(const struct iov_iter *iter, unsigned long idx, unsigned long *addr,
			 size_t *len)
{
	size_t skip = idx ? 0 : iter->iov_offset;

	switch (iter->iter_type) {
	case ITER_UBUF:
		*addr = (unsigned long)iter->ubuf + skip;
		*len = iter->count;
		return;
	case ITER_IOVEC:
		*addr = (unsigned long)iter->iov[idx].iov_base + skip;
		*len = iter->iov[idx].iov_len - skip;
		return;
	default:
		*addr = (unsigned long)iter->kvec[idx].iov_base + skip;
		*len = iter->kvec[idx].iov_len - skip;
		return;
	}
}

/* Linux's rule: position and length in logical blocks, memory at the DMA alignment. */
static bool dio_aligned(struct block_device *bdev, const struct iov_iter *iter, loff_t pos)
{
	unsigned int lbs_mask = bdev_logical_block_size(bdev) - 1;
	unsigned long mem_mask = bdev_dma_alignment(bdev);
	size_t left = iov_iter_count(iter);

	if ((pos | left) & lbs_mask)
		return false;
	for (unsigned long i = 0; left && i < iter->nr_segs; i++) {
		unsigned long addr;
		size_t len;

		iter_segment(iter, i, &addr, &len);
		len = min(len, left);
		if ((addr & mem_mask) || (len & lbs_mask))
			return false;
		left -= len;
	}
	return true;
}

/* The page at a user address, referenced (faulted in, for writing if the device writes it). */
static struct page *dio_user_page(unsigned long addr, bool device_writes)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	struct page *page = NULL;

	if (!mm)
		return NULL;
	down_read(&mm->mmap_lock);
	vma = find_vma(mm, addr);
	if (vma && vma->vm_start <= addr && !(vma->vm_flags & (VM_IO | VM_PFNMAP)) &&
	    (vma->vm_flags & (device_writes ? VM_WRITE : VM_READ)))
		page = follow_page_ref(vma, addr, device_writes);
	up_read(&mm->mmap_lock);
	return page;
}

/* The page of a kernel address: the direct map or vmalloc (a kernel stack). */
static struct page *kernel_addr_page(unsigned long addr)
{
	return is_vmalloc_addr((void *)addr) ? vmalloc_to_page((void *)addr)
					     : virt_to_page((void *)addr);
}

/* Release the chunk's user pages; those of a file mapping that a read filled are dirty. */
static void dio_release_pages(struct blkdev_dio *dio, bool device_wrote)
{
	for (unsigned int i = 0; i < dio->nr_pages; i++) {
		struct folio *folio = page_folio(dio->pages[i]);

		if (device_wrote && folio && folio->mapping) {
			folio_lock(folio);
			folio_mark_dirty(folio);
			folio_unlock(folio);
		}
		put_user_page(dio->pages[i]);
	}
	dio->nr_pages = 0;
}

/*
 * One chunk of at most DIO_CHUNK bytes at pos from the iterator: bios to
 * or from its pages, submitted together under a plug, waited for. Returns
 * the bytes done or -errno (-EFAULT: a user page is not there).
 */
static ssize_t dio_chunk(struct block_device *bdev, struct iov_iter *iter, loff_t pos, bool write,
			 blk_opf_t opf, struct blkdev_dio *dio)
{
	size_t want = min(iov_iter_count(iter), DIO_CHUNK), done = 0;
	bool user = user_backed_iter(iter);
	sector_t sector = pos >> SECTOR_SHIFT;
	struct blk_plug plug;
	struct bio *bio = NULL;
	int err = 0;

	atomic_set(&dio->ref, 1);
	dio->status = BLK_STS_OK;
	init_completion(&dio->done);
	blk_start_plug(&plug);
	for (unsigned long i = 0; done < want && i < iter->nr_segs && !err; i++) {
		unsigned long addr;
		size_t len;

		iter_segment(iter, i, &addr, &len);
		len = min(len, want - done);
		while (len) {
			unsigned int off = addr & (PAGE_SIZE - 1);
			unsigned int n = min(len, (size_t)(PAGE_SIZE - off));
			struct page *page = user ? dio_user_page(addr, !write) : kernel_addr_page(addr);

			if (!page) {
				err = -EFAULT;
				break;
			}
			if (user)
				dio->pages[dio->nr_pages++] = page;
			if (!bio || bio_add_page(bio, page, n, off) != (int)n) {
				if (bio) {
					sector += bio_sectors(bio);
					submit_bio(bio);
				}
				bio = bio_alloc(bdev, BIO_MAX_VECS, opf, GFP_KERNEL);
				if (!bio) {
					err = -ENOMEM;
					break;
				}
				bio->bi_iter.bi_sector = sector;
				bio->bi_end_io = blkdev_dio_end_io;
				bio->bi_private = dio;
				atomic_inc(&dio->ref);
				bio_add_page(bio, page, n, off);
			}
			addr += n;
			len -= n;
			done += n;
		}
	}
	/* A partial chunk (a fault) is dropped whole: the caller sees what went before. */
	if (bio && (err || !bio->bi_iter.bi_size)) {
		bio->bi_status = BLK_STS_OK;
		blkdev_dio_end_io(bio);
		bio = NULL;
	}
	if (bio)
		submit_bio(bio);
	blk_finish_plug(&plug);
	if (!atomic_dec_and_test(&dio->ref))
		wait_for_completion(&dio->done);
	dio_release_pages(dio, !write);
	if (!err && dio->status)
		err = blk_status_to_errno(dio->status);
	if (err)
		return err;
	iov_iter_advance(iter, done);
	return done;
}

static ssize_t blkdev_direct_IO(struct kiocb *iocb, struct iov_iter *iter, bool write)
{
	struct block_device *bdev = file_bdev(iocb->ki_filp);
	struct address_space *mapping = iocb->ki_filp->f_mapping;
	size_t count = iov_iter_count(iter);
	loff_t pos = iocb->ki_pos, end = pos + count - 1;
	blk_opf_t opf = (write ? REQ_OP_WRITE | REQ_SYNC : REQ_OP_READ) |
			((iocb->ki_flags & IOCB_DSYNC) && write ? REQ_FUA : 0);
	struct blkdev_dio dio;
	ssize_t total = 0, n = 0;
	int err;

	if (!dio_aligned(bdev, iter, pos))
		return -EINVAL;
	/* Cached data of the range must reach the device first, or it would win later. */
	err = filemap_write_and_wait_range(mapping, pos, end);
	if (err)
		return err;
	dio.nr_pages = 0;
	dio.pages = kmalloc(DIO_CHUNK_PAGES * sizeof(struct page *), GFP_KERNEL);
	if (!dio.pages)
		return -ENOMEM;
	while (iov_iter_count(iter)) {
		n = dio_chunk(bdev, iter, pos + total, write, opf, &dio);
		if (n <= 0)
			break;
		total += n;
	}
	kfree(dio.pages);
	if (write)	/* what the cache held of the range is stale now */
		invalidate_inode_pages2_range(mapping, pos >> PAGE_SHIFT, end >> PAGE_SHIFT);
	if (!total)
		return n < 0 ? n : 0;
	iocb->ki_pos += total;
	return total;
}

/* ---------------------------------------------------------------- file operations */

static ssize_t blkdev_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct block_device *bdev = file_bdev(iocb->ki_filp);
	loff_t size = bdev_nr_bytes(bdev), pos = iocb->ki_pos;
	size_t shorted = 0;
	ssize_t ret;

	if (pos >= size || !iov_iter_count(to))
		return 0;
	if (iov_iter_count(to) > (size_t)(size - pos)) {
		shorted = iov_iter_count(to) - (size - pos);
		iov_iter_truncate(to, size - pos);
	}
	if (iocb->ki_filp->f_flags & O_DIRECT)
		ret = blkdev_direct_IO(iocb, to, false);
	else
		ret = filemap_read(iocb, to, 0);
	iov_iter_reexpand(to, iov_iter_count(to) + shorted);
	return ret;
}

static ssize_t blkdev_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct block_device *bdev = file_bdev(iocb->ki_filp);
	loff_t size = bdev_nr_bytes(bdev);
	size_t shorted = 0;
	ssize_t ret;

	if (bdev_read_only(bdev))
		return -EPERM;
	if (!iov_iter_count(from))
		return 0;
	/* O_APPEND writes at the end of the device, where nothing fits. */
	if (iocb->ki_pos >= size || (iocb->ki_flags & IOCB_APPEND))
		return -ENOSPC;
	if (iov_iter_count(from) > (size_t)(size - iocb->ki_pos)) {
		shorted = iov_iter_count(from) - (size - iocb->ki_pos);
		iov_iter_truncate(from, size - iocb->ki_pos);
	}
	if (iocb->ki_filp->f_flags & O_DIRECT) {
		ret = blkdev_direct_IO(iocb, from, true);
		if (ret > 0 && (iocb->ki_flags & (IOCB_DSYNC | IOCB_SYNC)) &&
		    !blk_queue_flag(bdev->bd_queue, QUEUE_FLAG_FUA)) {
			int err = blkdev_issue_flush(bdev);

			if (err)
				ret = err;
		}
	} else {
		ret = generic_file_write_iter(iocb, from);
	}
	iov_iter_reexpand(from, iov_iter_count(from) + shorted);
	return ret;
}

static loff_t blkdev_llseek(struct file *file, loff_t offset, int whence)
{
	loff_t size = bdev_nr_bytes(file_bdev(file));
	loff_t ret;

	inode_lock(file->f_mapping->host);
	ret = generic_file_llseek_size(file, offset, whence, size, size);
	inode_unlock(file->f_mapping->host);
	return ret;
}

static int blkdev_fsync(struct file *file, loff_t start, loff_t end, int datasync)
{
	int err = file_write_and_wait_range(file, start, end);

	if (err)
		return err;
	err = blkdev_issue_flush(file_bdev(file));
	return err == -EOPNOTSUPP ? 0 : err;
}

static fmode_t file_blk_mode(const struct file *file)
{
	return file->f_mode & (FMODE_READ | FMODE_WRITE);
}

static int blkdev_open(struct inode *inode, struct file *filp)
{
	struct block_device *bdev;

	bdev = blkdev_get_by_dev(inode->i_rdev, file_blk_mode(filp),
				 (filp->f_flags & O_EXCL) ? filp : NULL);
	if (IS_ERR(bdev))
		return PTR_ERR(bdev);
	filp->f_flags |= O_LARGEFILE;
	filp->f_mapping = bdev->bd_inode->i_mapping;
	file_ra_state_init(&filp->f_ra, filp->f_mapping);
	filp->f_ra.ra_pages = bdev->bd_disk->ra_pages;
	return 0;
}

static int blkdev_release(struct inode *inode, struct file *filp)
{
	blkdev_put(file_bdev(filp), file_blk_mode(filp), (filp->f_flags & O_EXCL) ? filp : NULL);
	return 0;
}

static long block_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	return blkdev_ioctl(file_bdev(file), file_blk_mode(file), cmd, arg);
}

static int blkdev_mmap(struct file *file, struct vm_area_struct *vma)
{
	return generic_file_mmap(file, vma);
}

const struct file_operations def_blk_fops = {
	.open = blkdev_open,
	.release = blkdev_release,
	.llseek = blkdev_llseek,
	.read_iter = blkdev_read_iter,
	.write_iter = blkdev_write_iter,
	.mmap = blkdev_mmap,
	.fsync = blkdev_fsync,
	.unlocked_ioctl = block_ioctl,
};
