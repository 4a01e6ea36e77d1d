/* block/ internals. */
#ifndef BLOCK_BLK_H
#define BLOCK_BLK_H

#include <kestrel/blk-mq.h>
#include <kestrel/blkdev.h>
#include <kestrel/workqueue.h>

/* The block layer's workqueue: timeouts, flush sequences, requeues. */
extern struct workqueue_struct *kblockd_workqueue;

/* bio.c */
void bio_init_cache(void);
/* blk-settings.c */
void blk_set_default_limits(struct queue_limits *lim);
/* blk-mq.c */
void blk_mq_submit_bio(struct bio *bio);
void blk_mq_flush_plug_list(struct blk_plug *plug, bool from_schedule);
struct request_queue *blk_mq_alloc_queue(struct blk_mq_tag_set *set, void *queuedata);
void blk_mq_free_queue(struct request_queue *q);
/* genhd.c: the gendisk of a new queue (blk_mq_alloc_disk). */
struct gendisk *blk_alloc_disk_for_queue(struct request_queue *q);
void blk_mq_init(void);
/* blk-merge.c */
unsigned int bio_nr_segments(struct bio *bio);
/* A bio's split point to fit q's limits, in sectors (0: it fits). */
unsigned int bio_split_sectors(struct request_queue *q, struct bio *bio);
/* Merge bio into rq (which is not started) if they are adjacent and fit. */
bool blk_attempt_bio_merge(struct request *rq, struct bio *bio);
/* blk-flush.c: a data bio with REQ_PREFLUSH or a FUA the device lacks. */
bool blk_bio_needs_flush_seq(struct request_queue *q, struct bio *bio);
void blk_insert_flush(struct bio *bio);
/* Accounting (genhd.c): a request starts / ends on part (and its whole disk). */
void blk_account_io_start(struct request *rq);
void blk_account_io_done(struct request *rq, u64 now_ns);
void blk_account_io_merge_bio(struct request *rq);
enum stat_group op_stat_group(enum req_op op);
/* bdev.c: the bdev file system's block_device of (disk, partno). */
struct block_device *bdev_alloc(struct gendisk *disk, u8 partno);
void bdev_free(struct block_device *bdev);
void bdev_set_nr_sectors(struct block_device *bdev, sector_t sectors);
void bdev_init(void);
/* genhd.c: /dev nodes of a partition. */
int bdev_add_device_node(struct block_device *bdev);
void bdev_del_device_node(struct block_device *bdev);
/* ioctl.c */
long blkdev_ioctl(struct block_device *bdev, fmode_t mode, unsigned int cmd, unsigned long arg);
/* partitions/: read the table (open_mutex held). */
int blk_read_partitions(struct gendisk *disk);

#endif
