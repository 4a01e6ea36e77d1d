/*
 * Block devices (block/, docs/block.md): struct block_device, the request
 * queue and its limits, the driver's block_device_operations, plugging,
 * and the calls file systems make on a block device.
 *
 * A struct block_device is a disk (partition 0) or one partition of it.
 * Each has an inode in the internal "bdev" file system, whose page cache
 * (bd_inode->i_mapping) caches the device's blocks: read() and write() of
 * /dev/vda go through it, and so do buffer heads (buffer_head.h), the file
 * systems' metadata blocks. O_DIRECT bypasses it.
 *
 * Every call of a driver's block_device_operations goes through a
 * checked wrapper (include/kestrel/contract/blkdev.h) that asserts the
 * locks the spec (Documentation/filesystems/locking.rst) promises it:
 * ->open and ->release run under the disk's open_mutex, ->ioctl and
 * ->getgeo without it; all may sleep. docs/locking.md has the rows.
 *
 * Locks used to protect struct members in this file:
 *	[c] constant once set up (before add_disk, or before the device is visible)
 *	[a] atomic
 *	[S] a lock, timer or work item itself
 *	[e] an embedded struct whose own members carry tags
 *	[m] disk->open_mutex
 *	[z] bdev->bd_size_lock to write; readers READ_ONCE
 *	[s] bdev->bd_stats_lock (irq-safe: completions update it)
 *	[t] q->timeout_lock
 *	[p] private to one task
 *	[x] the driver's own rule
 */
#ifndef KESTREL_BLKDEV_H
#define KESTREL_BLKDEV_H

#include <kestrel/bio.h>
#include <kestrel/bitops.h>
#include <kestrel/blk_types.h>
#include <kestrel/fs.h>
#include <kestrel/genhd.h>
#include <kestrel/list.h>
#include <kestrel/spinlock.h>
#include <kestrel/timer.h>
#include <kestrel/workqueue.h>

struct blk_mq_tag_set;
struct blk_mq_hw_ctx;
struct blk_mq_ops;
struct request;

/* ============================== statistics ============================== */

/* Per-op groups of /proc/diskstats. */
enum stat_group { STAT_READ, STAT_WRITE, STAT_DISCARD, STAT_FLUSH, NR_STAT_GROUPS };

struct disk_stats {
	u64 nsecs[NR_STAT_GROUPS];		/* [s] time from start to end, summed */
	unsigned long sectors[NR_STAT_GROUPS];	/* [s] */
	unsigned long ios[NR_STAT_GROUPS];	/* [s] completed */
	unsigned long merges[NR_STAT_GROUPS];	/* [s] bios merged into a request */
	unsigned long io_ticks;			/* [s] jiffies with something in flight */
	unsigned long in_flight;		/* [s] started, not ended */
	unsigned long stamp;			/* [s] jiffies of the last io_ticks update */
};

/* ============================== block_device ============================== */

/* A disk or a partition. */
struct block_device {
	sector_t bd_start_sect;		/* [c] first sector in the whole disk (0 for part0) */
	sector_t bd_nr_sectors;		/* [z] size */
	struct gendisk *bd_disk;	/* [c] */
	struct request_queue *bd_queue;	/* [c] */
	dev_t bd_dev;			/* [c] */
	u8 bd_partno;			/* [c] 0: the whole disk */
	bool bd_read_only;		/* [a] BLKROSET's setting (the disk's own RO is separate) */
	int bd_openers;			/* [m] opens not yet released */
	void *bd_holder;		/* [m] exclusive claimant (a mounted file system), or NULL */
	int bd_holders;			/* [m] exclusive opens by bd_holder */
	struct inode *bd_inode;		/* [c] its page cache's host, in the bdev file system */
	struct device *bd_device;	/* [m] its /dev node */
	spinlock_t bd_size_lock;	/* [S] */
	spinlock_t bd_stats_lock;	/* [S] */
	struct disk_stats bd_stats;	/* [e] */
};

#define BDEVNAME_SIZE 32		/* room for "nvme0n1p15" and the like */

/* The block_device of a bdev inode (block/bdev.c). */
struct block_device *I_BDEV(struct inode *inode);

static inline sector_t bdev_nr_sectors(const struct block_device *bdev)
{
	return READ_ONCE(bdev->bd_nr_sectors);
}
static inline loff_t bdev_nr_bytes(const struct block_device *bdev)
{
	return (loff_t)bdev_nr_sectors(bdev) << SECTOR_SHIFT;
}
static inline bool bdev_is_partition(const struct block_device *bdev) { return bdev->bd_partno != 0; }
static inline struct block_device *bdev_whole(const struct block_device *bdev)
{
	return bdev->bd_disk->part0;
}
static inline sector_t get_start_sect(const struct block_device *bdev) { return bdev->bd_start_sect; }
/* Read-only because the device says so or BLKROSET set it. */
bool bdev_read_only(struct block_device *bdev);
/* "vda", "vda1" */
const char *bdev_name(const struct block_device *bdev, char *buf, size_t size);

/* ============================== the request queue ============================== */

/* Set by the driver before add_disk (blk-settings.c), read-only afterwards. */
struct queue_limits {
	unsigned int logical_block_size;	/* [c] smallest unit the device addresses (512, 4096) */
	unsigned int physical_block_size;	/* [c] smallest it writes without read-modify-write */
	unsigned int io_min, io_opt;		/* [c] */
	unsigned int max_hw_sectors;		/* [c] the device's limit per request */
	unsigned int max_sectors;		/* [c] ours: at most max_hw_sectors */
	unsigned short max_segments;		/* [c] DMA segments per request */
	unsigned int max_segment_size;		/* [c] bytes per segment */
	unsigned long seg_boundary_mask;	/* [c] a segment must not cross such a boundary */
	unsigned int dma_alignment;		/* [c] buffer addresses: & this == 0 (511: 512-byte aligned) */
};

/* q->queue_flags bits */
enum {
	QUEUE_FLAG_WC,		/* the device has a volatile write cache: flushes matter */
	QUEUE_FLAG_FUA,		/* it does REQ_FUA writes itself */
	QUEUE_FLAG_QUIESCED,	/* no ->queue_rq calls (a reset is in progress) */
	QUEUE_FLAG_DYING,	/* the disk is gone: fail everything */
	QUEUE_FLAG_NOMERGES,	/* never merge bios into requests */
};

#define BLK_DEFAULT_TIMEOUT (30 * HZ)	/* as Linux: 30 s before ->timeout */
#define BLK_MAX_REQUEST_COUNT 32	/* a plug flushes itself at this many requests */

/* One per disk. */
struct request_queue {
	struct queue_limits limits;		/* [e] */
	unsigned long queue_flags;		/* [a] QUEUE_FLAG_* */
	const struct blk_mq_ops *mq_ops;	/* [c] */
	struct blk_mq_tag_set *tag_set;		/* [c] */
	struct blk_mq_hw_ctx **queue_hw_ctx;	/* [c] nr_hw_queues of them */
	unsigned int nr_hw_queues;		/* [c] */
	void *queuedata;			/* [x] the driver's */
	struct gendisk *disk;			/* [c] */
	unsigned int rq_timeout;		/* [c] jiffies before ->timeout */
	spinlock_t timeout_lock;		/* [S] */
	struct timer_list timeout;		/* [S] armed (under [t]) while requests are in flight */
	struct work_struct timeout_work;	/* [S] runs ->timeout in task context */
	struct list_head requeue_list;		/* [t] requests given back by the driver */
	struct work_struct requeue_work;	/* [S] resubmits requeue_list */
};

static inline bool blk_queue_flag(const struct request_queue *q, int flag)
{
	return test_bit(flag, &q->queue_flags);
}
void blk_queue_flag_set(unsigned int flag, struct request_queue *q);
void blk_queue_flag_clear(unsigned int flag, struct request_queue *q);

/* Limits, as Linux 6.6's setters (block/blk-settings.c). Before add_disk. */
void blk_queue_logical_block_size(struct request_queue *q, unsigned int size);
void blk_queue_physical_block_size(struct request_queue *q, unsigned int size);
void blk_queue_io_min(struct request_queue *q, unsigned int min);
void blk_queue_io_opt(struct request_queue *q, unsigned int opt);
void blk_queue_max_hw_sectors(struct request_queue *q, unsigned int sectors);
void blk_queue_max_segments(struct request_queue *q, unsigned short segments);
void blk_queue_max_segment_size(struct request_queue *q, unsigned int size);
void blk_queue_dma_alignment(struct request_queue *q, int mask);
/* A volatile write cache (wc) and native FUA writes (fua). */
void blk_queue_write_cache(struct request_queue *q, bool wc, bool fua);
void blk_queue_rq_timeout(struct request_queue *q, unsigned int timeout);

static inline unsigned int queue_logical_block_size(const struct request_queue *q)
{
	return q->limits.logical_block_size;
}
static inline unsigned int bdev_logical_block_size(const struct block_device *bdev)
{
	return queue_logical_block_size(bdev->bd_queue);
}
static inline unsigned int bdev_physical_block_size(const struct block_device *bdev)
{
	return bdev->bd_queue->limits.physical_block_size;
}
static inline unsigned int bdev_dma_alignment(const struct block_device *bdev)
{
	return bdev->bd_queue->limits.dma_alignment;
}
static inline struct request_queue *bdev_get_queue(const struct block_device *bdev)
{
	return bdev->bd_queue;
}
static inline bool bdev_write_cache(const struct block_device *bdev)
{
	return blk_queue_flag(bdev->bd_queue, QUEUE_FLAG_WC);
}

/* ============================== plugging ============================== */

/*
 * Batching: between blk_start_plug and blk_finish_plug a task's requests
 * wait in its plug (merging with each other) and go to the driver
 * together. A task that sleeps with requests plugged sends them first
 * (schedule() calls blk_flush_plug), so nobody waits on I/O still in a
 * plug. Plugs nest: only the outermost one counts.
 */
struct blk_plug {
	struct list_head mq_list;	/* [p] requests, in submission order */
	unsigned short rq_count;	/* [p] */
};

void blk_start_plug(struct blk_plug *plug);
void blk_finish_plug(struct blk_plug *plug);
/* Send the plug's requests to their drivers (never sleeps). */
void blk_flush_plug(struct blk_plug *plug, bool from_schedule);

/* ============================== block_device_operations ============================== */

/*
 * The driver's side, with the spec's prototypes (locking.rst). Not in the
 * spec: submit_bio, for drivers without a request queue (bio-based).
 */
struct block_device_operations {
	/* A bio-based driver takes bios itself (its disk has no blk-mq queue). */
	void (*submit_bio)(struct bio *bio);
	int (*open)(struct block_device *bdev, fmode_t mode);
	void (*release)(struct gendisk *disk, fmode_t mode);
	int (*ioctl)(struct block_device *bdev, fmode_t mode, unsigned int cmd, unsigned long arg);
	int (*compat_ioctl)(struct block_device *bdev, fmode_t mode, unsigned int cmd,
			    unsigned long arg);
	int (*direct_access)(struct block_device *bdev, sector_t sector, void **kaddr,
			     unsigned long *pfn);
	void (*unlock_native_capacity)(struct gendisk *disk);
	int (*getgeo)(struct block_device *bdev, struct hd_geometry *geo);
	void (*swap_slot_free_notify)(struct block_device *bdev, unsigned long offset);
};

/* ============================== using a block device ============================== */

/*
 * Open the device dev: FMODE_READ/FMODE_WRITE in mode, holder non-NULL
 * for an exclusive claim (a mount: -EBUSY if someone else holds it or the
 * whole disk). Calls ->open on the first open of the disk. Returns the
 * block_device or ERR_PTR (-ENXIO: no such device or partition).
 */
struct block_device *blkdev_get_by_dev(dev_t dev, fmode_t mode, void *holder);
/* The device number of the block device node at pathname: 0, -ENOTBLK, -ENOENT... */
int lookup_bdev(const char *pathname, dev_t *dev);
/* Undo blkdev_get_by_dev (same mode and holder); the last close writes back and empties the cache. */
void blkdev_put(struct block_device *bdev, fmode_t mode, void *holder);

/* Write back the device's dirty cached blocks and wait (0 or the first write error). */
int sync_blockdev(struct block_device *bdev);
/* Drop the clean cached blocks (BLKFLSBUF). */
void invalidate_bdev(struct block_device *bdev);
/* Empty the device's volatile write cache to the medium (REQ_OP_FLUSH; 0 without a cache). */
int blkdev_issue_flush(struct block_device *bdev);
/* The soft block size of the page cache's buffers (512..PAGE_SIZE). */
int set_blocksize(struct block_device *bdev, int size);
static inline unsigned int block_size(const struct block_device *bdev)
{
	return 1U << bdev->bd_inode->i_blkbits;
}
static inline unsigned int blksize_bits(unsigned int size)
{
	return 31 - __builtin_clz(size);
}

/* /dev's block devices: i_fop of every block-device inode (block/fops.c). */
extern const struct file_operations def_blk_fops;
/* The page cache operations of bdev inodes. */
extern const struct address_space_operations def_blk_aops;

/* Boot: the bdev file system and /proc/partitions, /proc/diskstats. */
void blk_dev_init(void);

/* ============================== ioctls (the user ABI, linux/fs.h and hdreg.h) ============================== */

#define BLKROSET 0x125d		/* _IO(0x12, 93): int *, set read-only (CAP_SYS_ADMIN) */
#define BLKROGET 0x125e		/* _IO(0x12, 94): int * */
#define BLKRRPART 0x125f	/* _IO(0x12, 95): read the partition table again */
#define BLKGETSIZE 0x1260	/* _IO(0x12, 96): unsigned long *, sectors */
#define BLKFLSBUF 0x1261	/* _IO(0x12, 97): write back and drop the cache */
#define BLKRASET 0x1262		/* _IO(0x12, 98): readahead in sectors */
#define BLKRAGET 0x1263		/* _IO(0x12, 99): long * */
#define BLKSSZGET 0x1268	/* _IO(0x12, 104): int *, logical block size */
#define BLKBSZGET 0x80081270	/* _IOR(0x12, 112, size_t): int *, soft block size */
#define BLKGETSIZE64 0x80081272	/* _IOR(0x12, 114, size_t): u64 *, bytes */
#define BLKIOMIN 0x1278		/* _IO(0x12, 120): unsigned int * */
#define BLKIOOPT 0x1279		/* _IO(0x12, 121) */
#define BLKALIGNOFF 0x127a	/* _IO(0x12, 122): int * */
#define BLKPBSZGET 0x127b	/* _IO(0x12, 123): unsigned int *, physical block size */
#define BLKSECTGET 0x1267	/* _IO(0x12, 103): unsigned short *, max sectors per request */
#define HDIO_GETGEO 0x0301	/* struct hd_geometry * */

#endif
