/*
 * A request queue's limits (Linux 6.6's setters). The driver sets them
 * between blk_mq_alloc_disk() and add_disk(); the block layer then makes
 * every request fit them (block/blk-merge.c).
 */
#include <kestrel/blkdev.h>
#include <kestrel/mm.h>
#include "blk.h"

void blk_set_default_limits(struct queue_limits *lim)
{
	lim->logical_block_size = SECTOR_SIZE;
	lim->physical_block_size = SECTOR_SIZE;
	lim->io_min = SECTOR_SIZE;
	lim->io_opt = 0;
	lim->max_hw_sectors = 255;		/* Linux's BLK_SAFE_MAX_SECTORS */
	lim->max_sectors = 255;
	lim->max_segments = 128;		/* BLK_MAX_SEGMENTS */
	lim->max_segment_size = 65536;		/* BLK_MAX_SEGMENT_SIZE */
	lim->seg_boundary_mask = 0xffffffffUL;
	lim->dma_alignment = SECTOR_SIZE - 1;
}

void blk_queue_logical_block_size(struct request_queue *q, unsigned int size)
{
	struct queue_limits *lim = &q->limits;

	lim->logical_block_size = size;
	if (lim->physical_block_size < size)
		lim->physical_block_size = size;
	if (lim->io_min < lim->physical_block_size)
		lim->io_min = lim->physical_block_size;
}

void blk_queue_physical_block_size(struct request_queue *q, unsigned int size)
{
	struct queue_limits *lim = &q->limits;

	lim->physical_block_size = size < lim->logical_block_size ? lim->logical_block_size : size;
	if (lim->io_min < lim->physical_block_size)
		lim->io_min = lim->physical_block_size;
}

void blk_queue_io_min(struct request_queue *q, unsigned int min)
{
	q->limits.io_min = min < q->limits.logical_block_size ? q->limits.logical_block_size : min;
}

void blk_queue_io_opt(struct request_queue *q, unsigned int opt)
{
	q->limits.io_opt = opt;
}

/* At most 1280 KiB per request by default, as Linux's max_sectors_kb for fast devices. */
#define BLK_DEF_MAX_SECTORS 2560

void blk_queue_max_hw_sectors(struct request_queue *q, unsigned int sectors)
{
	unsigned int min = PAGE_SIZE >> SECTOR_SHIFT;

	if (sectors < min)
		sectors = min;
	q->limits.max_hw_sectors = sectors;
	q->limits.max_sectors = sectors < BLK_DEF_MAX_SECTORS ? sectors : BLK_DEF_MAX_SECTORS;
}

void blk_queue_max_segments(struct request_queue *q, unsigned short segments)
{
	q->limits.max_segments = segments ? segments : 1;
}

void blk_queue_max_segment_size(struct request_queue *q, unsigned int size)
{
	q->limits.max_segment_size = size < PAGE_SIZE ? PAGE_SIZE : size;
}

void blk_queue_dma_alignment(struct request_queue *q, int mask)
{
	q->limits.dma_alignment = mask;
}

void blk_queue_write_cache(struct request_queue *q, bool wc, bool fua)
{
	if (wc)
		blk_queue_flag_set(QUEUE_FLAG_WC, q);
	else
		blk_queue_flag_clear(QUEUE_FLAG_WC, q);
	if (fua)
		blk_queue_flag_set(QUEUE_FLAG_FUA, q);
	else
		blk_queue_flag_clear(QUEUE_FLAG_FUA, q);
}

void blk_queue_rq_timeout(struct request_queue *q, unsigned int timeout)
{
	q->rq_timeout = timeout;
}
