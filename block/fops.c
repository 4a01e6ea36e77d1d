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
 * becomes bios straight to and from the caller's memory, and must be
 * aligned as Linux requires: the position and the length to the
 * device's logical block size, the user's buffer to its DMA alignment
 * (blkdev_dio_check_user; the syscall layer bounces user bytes through
 * a kernel buffer, so only it sees the user's addresses).
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

struct blkdev_dio {
	atomic_t ref;			/* 1 for the submitter + 1 per bio in flight */
	blk_status_t status;		/* the first error */
	struct completion done;
};

static void blkdev_dio_end_io(struct bio *bio)
{
	struct blkdev_dio *dio = bio->bi_private;

	if (bio->bi_status) {
		blk_status_t none = BLK_STS_OK;

		__atomic_compare_exchange_n(&dio->status, &none, bio->bi_status, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	}
	bio_put(bio);
	if (atomic_dec_and_test(&dio->ref))
		complete(&dio->done);
}

/* The page of a kernel address: the direct map or vmalloc (a kernel stack). */
static struct page *kernel_addr_page(const void *addr)
{
	return is_vmalloc_addr(addr) ? vmalloc_to_page(addr) : virt_to_page(addr);
}

/* Append [buf, buf + len) to *biop, submitting full bios and starting new ones. */
static int dio_add_buffer(struct block_device *bdev, blk_opf_t opf, struct blkdev_dio *dio,
			  struct bio **biop, sector_t *sector, char *buf, size_t len)
{
	while (len) {
		unsigned int off = (unsigned long)buf & (PAGE_SIZE - 1);
		unsigned int n = min(len, (size_t)(PAGE_SIZE - off));
		struct bio *bio = *biop;

		if (bio && bio_add_page(bio, kernel_addr_page(buf), n, off) == (int)n) {
			buf += n;
			len -= n;
			continue;
		}
		if (bio) {
			*sector += bio_sectors(bio);
			submit_bio(bio);
		}
		bio = bio_alloc(bdev, BIO_MAX_VECS, opf, GFP_KERNEL);
		if (!bio) {
			*biop = NULL;
			return -ENOMEM;
		}
		bio->bi_iter.bi_sector = *sector;
		bio->bi_end_io = blkdev_dio_end_io;
		bio->bi_private = dio;
		atomic_inc(&dio->ref);
		*biop = bio;
	}
	return 0;
}

static ssize_t blkdev_direct_IO(struct kiocb *iocb, struct iov_iter *iter, bool write)
{
	struct block_device *bdev = file_bdev(iocb->ki_filp);
	struct address_space *mapping = iocb->ki_filp->f_mapping;
	unsigned int lbs_mask = bdev_logical_block_size(bdev) - 1;
	unsigned long mem_mask = bdev_dma_alignment(bdev);
	size_t count = iov_iter_count(iter), left = count, off = iter->iov_offset;
	loff_t pos = iocb->ki_pos, end = pos + count - 1;
	blk_opf_t opf = (write ? REQ_OP_WRITE | REQ_SYNC : REQ_OP_READ) |
			((iocb->ki_flags & IOCB_DSYNC) && write ? REQ_FUA : 0);
	const struct kvec *kv = iter->kvec;
	sector_t sector = pos >> SECTOR_SHIFT;
	struct blkdev_dio dio;
	struct blk_plug plug;
	struct bio *bio = NULL;
	int err;

	if ((pos | count) & lbs_mask)
		return -EINVAL;
	for (unsigned long i = 0, done = 0; done < count && i < iter->nr_segs; i++) {
		size_t o = i ? 0 : off, n = min(kv[i].iov_len - o, count - done);

		if ((((unsigned long)kv[i].iov_base + o) & mem_mask) || (n & lbs_mask))
			return -EINVAL;
		done += n;
	}
	/* Cached data of the range must reach the device first, or it would win later. */
	err = filemap_write_and_wait_range(mapping, pos, end);
	if (err)
		return err;

	atomic_set(&dio.ref, 1);
	dio.status = BLK_STS_OK;
	init_completion(&dio.done);
	blk_start_plug(&plug);
	for (unsigned long i = 0; left && i < iter->nr_segs; i++, off = 0) {
		size_t n = min(kv[i].iov_len - off, left);

		err = dio_add_buffer(bdev, opf, &dio, &bio, &sector, (char *)kv[i].iov_base + off, n);
		if (err)
			break;
		left -= n;
	}
	if (bio)
		submit_bio(bio);
	blk_finish_plug(&plug);
	if (!atomic_dec_and_test(&dio.ref))
		wait_for_completion(&dio.done);
	if (!err && dio.status)
		err = blk_status_to_errno(dio.status);
	if (write)	/* what the cache held of the range is stale now */
		invalidate_inode_pages2_range(mapping, pos >> PAGE_SHIFT, end >> PAGE_SHIFT);
	if (err)
		return err;
	iov_iter_advance(iter, count);
	iocb->ki_pos += count;
	return count;
}

int blkdev_dio_check_user(struct file *file, const struct iovec *iov, unsigned long nr)
{
	struct block_device *bdev = file_bdev(file);
	unsigned long mem_mask = bdev_dma_alignment(bdev);
	unsigned int len_mask = bdev_logical_block_size(bdev) - 1;

	for (unsigned long i = 0; i < nr; i++)
		if (((unsigned long)iov[i].iov_base & mem_mask) || (iov[i].iov_len & len_mask))
			return -EINVAL;
	return 0;
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
