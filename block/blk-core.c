/*
 * submit_bio: the entry to the block layer. It checks the bio against
 * the device (the end of the device, read-only, what the device can
 * do), turns a partition's sector into the disk's, strips flushes a
 * device without a write cache does not need, and hands the bio to the
 * disk's request queue (block/blk-mq.c) or to a bio-based driver's
 * ->submit_bio. A bio that fails a check ends at once with an error:
 * submit_bio never returns one.
 *
 * Also here: status codes, plugging, queue flags.
 */
#include <kestrel/blk-mq.h>
#include <kestrel/errno.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include "blk.h"

/* ---------------------------------------------------------------- status */

static const struct {
	int errno;
	const char *name;
} blk_errors[] = {
	[BLK_STS_OK] = { 0, "" },
	[BLK_STS_NOTSUPP] = { -EOPNOTSUPP, "operation not supported" },
	[BLK_STS_TIMEOUT] = { -ETIMEDOUT, "timeout" },
	[BLK_STS_NOSPC] = { -ENOSPC, "critical space allocation" },
	[BLK_STS_TRANSPORT] = { -ENOLINK, "recoverable transport" },
	[BLK_STS_TARGET] = { -EREMOTEIO, "critical target" },
	[BLK_STS_MEDIUM] = { -ENODATA, "critical medium" },
	[BLK_STS_PROTECTION] = { -EILSEQ, "protection" },
	[BLK_STS_RESOURCE] = { -ENOMEM, "kernel resource" },
	[BLK_STS_IOERR] = { -EIO, "I/O" },
	[BLK_STS_AGAIN] = { -EAGAIN, "nonblocking retry" },
	[BLK_STS_DEV_RESOURCE] = { -EBUSY, "device resource" },
};

int blk_status_to_errno(blk_status_t status)
{
	if (status < ARRAY_SIZE(blk_errors) && (status == BLK_STS_OK || blk_errors[status].errno))
		return blk_errors[status].errno;
	return -EIO;
}

blk_status_t errno_to_blk_status(int errno)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(blk_errors); i++)
		if (blk_errors[i].errno == errno && (i == BLK_STS_OK || errno))
			return i;
	return BLK_STS_IOERR;
}

const char *blk_status_name(blk_status_t status)
{
	if (status < ARRAY_SIZE(blk_errors) && blk_errors[status].name)
		return blk_errors[status].name;
	return "I/O";
}

const char *blk_op_str(enum req_op op)
{
	switch (op) {
	case REQ_OP_READ:
		return "READ";
	case REQ_OP_WRITE:
		return "WRITE";
	case REQ_OP_FLUSH:
		return "FLUSH";
	case REQ_OP_DISCARD:
		return "DISCARD";
	case REQ_OP_WRITE_ZEROES:
		return "WRITE_ZEROES";
	case REQ_OP_DRV_IN:
		return "DRV_IN";
	case REQ_OP_DRV_OUT:
		return "DRV_OUT";
	}
	return "UNKNOWN";
}

/* ---------------------------------------------------------------- queue flags */

void blk_queue_flag_set(unsigned int flag, struct request_queue *q)
{
	set_bit(flag, &q->queue_flags);
}

void blk_queue_flag_clear(unsigned int flag, struct request_queue *q)
{
	clear_bit(flag, &q->queue_flags);
}

/* ---------------------------------------------------------------- checks */

static void bio_fail(struct bio *bio, blk_status_t status)
{
	bio->bi_status = status;
	bio_endio(bio);
}

/* Beyond the end of the (partition's) device: Linux's message, then the bio fails. */
static bool bio_beyond_end(struct bio *bio)
{
	sector_t maxsector = bdev_nr_sectors(bio->bi_bdev);
	unsigned int nr = bio_sectors(bio);
	char name[BDEVNAME_SIZE];

	if (!nr)
		return false;
	if (nr <= maxsector && bio->bi_iter.bi_sector <= maxsector - nr)
		return false;
	pr_info("%s: attempt to access beyond end of device\n%s: rw=%d, sector=%llu, nr_sectors = %u "
		"limit=%llu\n", current->comm, bdev_name(bio->bi_bdev, name, sizeof(name)), bio->bi_opf,
		(unsigned long long)bio->bi_iter.bi_sector, nr, (unsigned long long)maxsector);
	return true;
}

static bool bio_misaligned(struct bio *bio)
{
	unsigned int mask = (bdev_logical_block_size(bio->bi_bdev) >> SECTOR_SHIFT) - 1;

	return (bio->bi_iter.bi_sector | bio_sectors(bio)) & mask ||
	       (bio->bi_iter.bi_size & (SECTOR_SIZE - 1));
}

void submit_bio(struct bio *bio)
{
	struct block_device *bdev = bio->bi_bdev;
	struct gendisk *disk = bdev->bd_disk;
	struct request_queue *q = bdev->bd_queue;
	char name[BDEVNAME_SIZE];

	if (!(bio->bi_opf & REQ_NOWAIT))
		might_sleep();
	if (test_bit_acquire(GD_DEAD, &disk->state))
		return bio_fail(bio, BLK_STS_IOERR);
	if (op_is_write(bio->bi_opf) && bdev_read_only(bdev) && bio_op(bio) != REQ_OP_FLUSH) {
		pr_warn("Trying to write to read-only block-device %s\n",
			bdev_name(bdev, name, sizeof(name)));
		return bio_fail(bio, BLK_STS_IOERR);
	}
	switch (bio_op(bio)) {
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		if (bio_misaligned(bio) || bio_beyond_end(bio))
			return bio_fail(bio, BLK_STS_IOERR);
		break;
	case REQ_OP_FLUSH:
		if (bio_sectors(bio))
			return bio_fail(bio, BLK_STS_IOERR);	/* a flush carries no data */
		break;
	default:
		return bio_fail(bio, BLK_STS_NOTSUPP);	/* no discard, no write zeroes yet */
	}
	/* A device that forgets nothing on power loss needs no flush. */
	if (op_is_flush(bio->bi_opf) && !blk_queue_flag(q, QUEUE_FLAG_WC)) {
		bio->bi_opf &= ~(REQ_PREFLUSH | REQ_FUA);
		if (bio_op(bio) == REQ_OP_FLUSH)
			return bio_fail(bio, BLK_STS_OK);
	}
	/* From the partition's sectors to the disk's. */
	if (!bio_flagged(bio, BIO_REMAPPED)) {
		bio->bi_iter.bi_sector += bdev->bd_start_sect;
		bio_set_flag(bio, BIO_REMAPPED);
	}
	if (disk->fops->submit_bio)
		disk->fops->submit_bio(bio);
	else
		blk_mq_submit_bio(bio);
}

/* ---------------------------------------------------------------- plugging */

void blk_start_plug(struct blk_plug *plug)
{
	struct task_struct *tsk = current;

	if (tsk->plug)
		return;	/* nested: the outermost plug collects */
	INIT_LIST_HEAD(&plug->mq_list);
	plug->rq_count = 0;
	tsk->plug = plug;
}

void blk_flush_plug(struct blk_plug *plug, bool from_schedule)
{
	if (plug->rq_count)
		blk_mq_flush_plug_list(plug, from_schedule);
}

void blk_finish_plug(struct blk_plug *plug)
{
	if (plug != current->plug)
		return;
	blk_flush_plug(plug, false);
	current->plug = NULL;
}
