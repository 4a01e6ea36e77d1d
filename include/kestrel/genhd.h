/*
 * Disks (block/genhd.c, Linux's struct gendisk): a disk is a range of
 * minor numbers of one major, a name ("vda", "sda"), a request queue,
 * the driver's block_device_operations and one struct block_device per
 * partition, the whole disk being partition 0 (part0).
 *
 * A driver makes one with blk_mq_alloc_disk() (blk-mq.h), sets major,
 * first_minor, minors, disk_name, fops, private_data and the capacity,
 * and calls add_disk(): the disk then appears in /proc/partitions and
 * /proc/diskstats, its nodes in /dev (devtmpfs), and its partition table
 * is read.
 *
 * Device numbers, as Linux: register_blkdev(0, "virtblk") hands out a
 * dynamic major (254, then downwards); sd uses major 8 with 16 minors
 * per disk (sda = 8:0, sda1 = 8:1, sdb = 8:16).
 *
 * Locks: disks_lock (block/genhd.c, a mutex) protects the list of disks;
 * disk->open_mutex serializes open and release of the disk and its
 * partitions, ->open/->release, and changes to the partition table.
 * Order: disks_lock > open_mutex.
 */
#ifndef KESTREL_GENHD_H
#define KESTREL_GENHD_H

#include <kestrel/atomic.h>
#include <kestrel/blk_types.h>
#include <kestrel/fs_types.h>
#include <kestrel/list.h>
#include <kestrel/mutex.h>

struct block_device;
struct block_device_operations;
struct request_queue;

#define DISK_NAME_LEN 32
#define DISK_MAX_PARTS 256

/* disk->flags */
#define GENHD_FL_REMOVABLE (1 << 0)
#define GENHD_FL_HIDDEN (1 << 1)	/* no /dev node, no /proc/partitions line */
#define GENHD_FL_NO_PART (1 << 2)	/* never read a partition table */

/* disk->state bits */
#define GD_DEAD 2			/* del_gendisk ran: no new opens, I/O fails */
#define GD_NEED_PART_SCAN 0		/* read the partition table at the next open */
#define GD_READ_ONLY 1			/* the device is read-only (set_disk_ro) */

/*
 * Locks used to protect struct members in this file:
 *	[c] constant after add_disk (set by the driver before it)
 *	[a] atomic
 *	[S] a lock itself
 *	[m] disk->open_mutex
 *	[d] disks_lock (block/genhd.c)
 *	[x] the driver's own rule
 */
struct gendisk {
	int major;				/* [c] */
	int first_minor;			/* [c] */
	int minors;				/* [c] 1: no partitions */
	char disk_name[DISK_NAME_LEN];		/* [c] "vda" */
	unsigned int flags;			/* [c] GENHD_FL_* */
	unsigned long state;			/* [a] GD_* bits */
	struct block_device *part0;		/* [c] the whole disk */
	struct block_device **part_tbl;		/* [m] minors entries: [partno], NULL where none */
	const struct block_device_operations *fops;	/* [c] */
	struct request_queue *queue;		/* [c] */
	void *private_data;			/* [x] the driver's */
	struct mutex open_mutex;		/* [S] open/release and the partition table */
	unsigned int open_partitions;		/* [m] partitions open now */
	atomic_t refcount;			/* [a] get_disk/put_disk */
	struct list_head node;			/* [d] in the list of disks */
	unsigned int ra_pages;			/* [a] readahead window of the page cache, in pages */
};

/* Bytes of the hd_geometry HDIO_GETGEO returns (its layout is the user ABI). */
struct hd_geometry {
	unsigned char heads;
	unsigned char sectors;
	unsigned short cylinders;
	unsigned long start;		/* first sector of the partition */
};

/* Make the disk live: nodes in /dev, /proc lines, partition scan. 0 or -errno. */
int add_disk(struct gendisk *disk);
/* Take it down: no new opens, nodes gone, I/O fails; the driver then puts it. */
void del_gendisk(struct gendisk *disk);
/* Drop a reference (the driver's from blk_mq_alloc_disk, or get_disk's). */
void put_disk(struct gendisk *disk);
static inline void get_disk(struct gendisk *disk) { atomic_inc(&disk->refcount); }

/* Size in 512-byte sectors (set_capacity also resizes the whole-disk bdev's i_size). */
void set_capacity(struct gendisk *disk, sector_t sectors);
sector_t get_capacity(struct gendisk *disk);
/* The device says it is read-only (virtio-blk's RO feature, a write-protected disk). */
void set_disk_ro(struct gendisk *disk, bool read_only);
bool get_disk_ro(struct gendisk *disk);

/*
 * A major number for name: major itself (returns 0) or, with major 0, a
 * free dynamic one (returned). -EBUSY if taken, -ENOSPC if none is free.
 */
int register_blkdev(unsigned int major, const char *name);
void unregister_blkdev(unsigned int major, const char *name);

/* Partitions (block/partitions/): add one, or forget them all. open_mutex held. */
int bdev_add_partition(struct gendisk *disk, int partno, sector_t start, sector_t length);
void disk_drop_partitions(struct gendisk *disk);
/*
 * Read the partition table again (BLKRRPART, add_disk): -EBUSY while a
 * partition is open. open_mutex held.
 */
int disk_scan_partitions(struct gendisk *disk);
/* "vda1" / "sda1" / "nvme0n1p1": Linux's partition naming. */
void disk_part_name(const struct gendisk *disk, int partno, char *buf, size_t size);

/* The disk that holds device number dev (a reference: put_disk), *partno set; or NULL. */
struct gendisk *get_gendisk(dev_t dev, int *partno);

#endif
