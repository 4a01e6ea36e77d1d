/*
 * Disks and partitions: major numbers, add_disk/del_gendisk, the /dev
 * nodes, /proc/partitions and /proc/diskstats, and the I/O statistics
 * behind the latter (include/kestrel/genhd.h).
 *
 * Locks: majors_lock (block majors), disks_lock (the disk list); each
 * disk's open_mutex guards its partition table. A block_device's
 * statistics are under its bd_stats_lock (irq-safe: completions update
 * them). Order: disks_lock > open_mutex > bd_stats_lock.
 */
#include <kestrel/blk-mq.h>
#include <kestrel/device.h>
#include <kestrel/errno.h>
#include <kestrel/printk.h>
#include <kestrel/proc_fs.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/time.h>
#include "blk.h"

#define BLKDEV_MAJOR_MAX 512
#define BLKDEV_DYNAMIC_FIRST 254	/* dynamic majors count down from here, as Linux's */

struct blk_major_name {
	struct list_head node;
	unsigned int major;
	char name[16];
};

static DEFINE_MUTEX(majors_lock);	/* majors */
static LIST_HEAD(majors);
static DEFINE_MUTEX(disks_lock);	/* disks */
static LIST_HEAD(disks);

/* ---------------------------------------------------------------- majors */

static bool major_taken(unsigned int major)
{
	struct blk_major_name *p;

	list_for_each_entry(p, &majors, node)
		if (p->major == major)
			return true;
	return false;
}

int register_blkdev(unsigned int major, const char *name)
{
	struct blk_major_name *n;
	int ret;

	if (major >= BLKDEV_MAJOR_MAX)
		return -EINVAL;
	n = kzalloc(sizeof(*n), GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	strlcpy(n->name, name, sizeof(n->name));
	mutex_lock(&majors_lock);
	if (!major) {
		for (major = BLKDEV_DYNAMIC_FIRST; major > 0 && major_taken(major); major--)
			;
		ret = major ? (int)major : -ENOSPC;
	} else {
		ret = major_taken(major) ? -EBUSY : 0;
	}
	if (ret >= 0) {
		n->major = major;
		list_add_tail(&n->node, &majors);
		n = NULL;
	}
	mutex_unlock(&majors_lock);
	kfree(n);
	return ret;
}

void unregister_blkdev(unsigned int major, const char *name)
{
	struct blk_major_name *p, *found = NULL;

	mutex_lock(&majors_lock);
	list_for_each_entry(p, &majors, node) {
		if (p->major == major && !strcmp(p->name, name)) {
			list_del(&p->node);
			found = p;
			break;
		}
	}
	mutex_unlock(&majors_lock);
	kfree(found);
}

/* ---------------------------------------------------------------- names */

void disk_part_name(const struct gendisk *disk, int partno, char *buf, size_t size)
{
	size_t len = strlen(disk->disk_name);
	bool digit = len && disk->disk_name[len - 1] >= '0' && disk->disk_name[len - 1] <= '9';

	if (!partno)
		snprintf(buf, size, "%s", disk->disk_name);
	else
		snprintf(buf, size, "%s%s%d", disk->disk_name, digit ? "p" : "", partno);
}

const char *bdev_name(const struct block_device *bdev, char *buf, size_t size)
{
	disk_part_name(bdev->bd_disk, bdev->bd_partno, buf, size);
	return buf;
}

/* ---------------------------------------------------------------- capacity, read-only */

void set_capacity(struct gendisk *disk, sector_t sectors)
{
	bdev_set_nr_sectors(disk->part0, sectors);
}

sector_t get_capacity(struct gendisk *disk)
{
	return bdev_nr_sectors(disk->part0);
}

void set_disk_ro(struct gendisk *disk, bool read_only)
{
	if (read_only)
		set_bit(GD_READ_ONLY, &disk->state);
	else
		clear_bit(GD_READ_ONLY, &disk->state);
}

bool get_disk_ro(struct gendisk *disk)
{
	return test_bit_acquire(GD_READ_ONLY, &disk->state);
}

bool bdev_read_only(struct block_device *bdev)
{
	return READ_ONCE(bdev->bd_read_only) || get_disk_ro(bdev->bd_disk);
}

/* ---------------------------------------------------------------- statistics */

enum stat_group op_stat_group(enum req_op op)
{
	switch (op) {
	case REQ_OP_DISCARD:
		return STAT_DISCARD;
	case REQ_OP_FLUSH:
		return STAT_FLUSH;
	default:
		return op_is_write(op) ? STAT_WRITE : STAT_READ;
	}
}

/* Time with I/O in flight, as Linux's update_io_ticks. bd_stats_lock held. */
static void update_io_ticks(struct disk_stats *st, unsigned long now)
{
	if (st->in_flight && now != st->stamp)
		st->io_ticks += now - st->stamp;
	st->stamp = now;
}

/* fn on part and, for a partition, on its whole disk too (whose lines sum its partitions'). */
#define for_part_and_whole(b, part)                                                   \
	for (struct block_device *b = (part), *__whole = bdev_is_partition(part) ?   \
						     bdev_whole(part) : NULL;        \
	     b; b = __whole, __whole = NULL)

void blk_account_io_start(struct request *rq)
{
	unsigned long flags, now = jiffies;

	for_part_and_whole(b, rq->part) {
		spin_lock_irqsave(&b->bd_stats_lock, flags);
		update_io_ticks(&b->bd_stats, now);
		b->bd_stats.in_flight++;
		spin_unlock_irqrestore(&b->bd_stats_lock, flags);
	}
}

void blk_account_io_done(struct request *rq, u64 now_ns)
{
	enum stat_group g = op_stat_group(req_op(rq));
	unsigned long flags, now = jiffies;

	for_part_and_whole(b, rq->part) {
		spin_lock_irqsave(&b->bd_stats_lock, flags);
		update_io_ticks(&b->bd_stats, now);
		b->bd_stats.ios[g]++;
		b->bd_stats.sectors[g] += blk_rq_sectors(rq);
		b->bd_stats.nsecs[g] += now_ns - rq->start_time_ns;
		b->bd_stats.in_flight--;
		spin_unlock_irqrestore(&b->bd_stats_lock, flags);
	}
}

void blk_account_io_merge_bio(struct request *rq)
{
	enum stat_group g = op_stat_group(req_op(rq));
	unsigned long flags;

	for_part_and_whole(b, rq->part) {
		spin_lock_irqsave(&b->bd_stats_lock, flags);
		b->bd_stats.merges[g]++;
		spin_unlock_irqrestore(&b->bd_stats_lock, flags);
	}
}

/* ---------------------------------------------------------------- /dev nodes */

int bdev_add_device_node(struct block_device *bdev)
{
	char name[BDEVNAME_SIZE];
	struct device *dev;

	if (bdev->bd_disk->flags & GENHD_FL_HIDDEN)
		return 0;
	/* devtmpfs's default for a device without its own mode, as Linux: 0600 root. */
	dev = device_create(bdev_name(bdev, name, sizeof(name)), S_IFBLK | 0600, bdev->bd_dev);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	bdev->bd_device = dev;
	return 0;
}

void bdev_del_device_node(struct block_device *bdev)
{
	if (bdev->bd_device)
		device_destroy(bdev->bd_device);
	bdev->bd_device = NULL;
}

/* ---------------------------------------------------------------- partitions */

int bdev_add_partition(struct gendisk *disk, int partno, sector_t start, sector_t length)
{
	struct block_device *part;
	int err;

	lockdep_assert_held(&disk->open_mutex);
	if (partno <= 0 || partno >= disk->minors)
		return -EINVAL;
	if (disk->part_tbl[partno])
		return -EBUSY;
	if (!length || start >= get_capacity(disk) || length > get_capacity(disk) - start)
		return -EINVAL;
	for (int i = 1; i < disk->minors; i++) {
		struct block_device *p = disk->part_tbl[i];

		if (p && start < p->bd_start_sect + bdev_nr_sectors(p) &&
		    p->bd_start_sect < start + length)
			return -EBUSY;	/* overlaps another partition */
	}
	part = bdev_alloc(disk, partno);
	if (!part)
		return -ENOMEM;
	part->bd_start_sect = start;
	part->bd_dev = MKDEV(disk->major, disk->first_minor + partno);
	part->bd_inode->i_rdev = part->bd_dev;
	bdev_set_nr_sectors(part, length);
	err = bdev_add_device_node(part);
	if (err) {
		bdev_free(part);
		return err;
	}
	disk->part_tbl[partno] = part;
	return 0;
}

void disk_drop_partitions(struct gendisk *disk)
{
	lockdep_assert_held(&disk->open_mutex);
	for (int i = 1; i < disk->minors; i++) {
		struct block_device *part = disk->part_tbl[i];

		if (!part)
			continue;
		disk->part_tbl[i] = NULL;
		bdev_del_device_node(part);
		sync_blockdev(part);
		bdev_free(part);
	}
}

int disk_scan_partitions(struct gendisk *disk)
{
	lockdep_assert_held(&disk->open_mutex);
	if (disk->minors <= 1 || (disk->flags & GENHD_FL_NO_PART))
		return -EINVAL;
	if (disk->open_partitions)
		return -EBUSY;
	disk_drop_partitions(disk);
	/* What the cache holds of the whole disk may be stale: read the table from the device. */
	sync_blockdev(disk->part0);
	invalidate_bdev(disk->part0);
	return blk_read_partitions(disk);
}

/* ---------------------------------------------------------------- disks */

struct gendisk *blk_alloc_disk_for_queue(struct request_queue *q)
{
	struct gendisk *disk = kzalloc(sizeof(*disk), GFP_KERNEL);

	if (!disk)
		return ERR_PTR(-ENOMEM);
	mutex_init(&disk->open_mutex);
	atomic_set(&disk->refcount, 1);
	INIT_LIST_HEAD(&disk->node);
	disk->queue = q;
	disk->minors = 1;
	disk->ra_pages = 32;
	q->disk = disk;
	disk->part0 = bdev_alloc(disk, 0);
	if (!disk->part0) {
		kfree(disk);
		return ERR_PTR(-ENOMEM);
	}
	return disk;
}

int add_disk(struct gendisk *disk)
{
	struct block_device *bdev;
	int err;

	if (!disk->fops || !disk->disk_name[0] || disk->minors < 1 || disk->minors > DISK_MAX_PARTS)
		return -EINVAL;
	disk->part_tbl = kcalloc(disk->minors, sizeof(*disk->part_tbl), GFP_KERNEL);
	if (!disk->part_tbl)
		return -ENOMEM;
	disk->part_tbl[0] = disk->part0;
	disk->part0->bd_dev = MKDEV(disk->major, disk->first_minor);
	disk->part0->bd_inode->i_rdev = disk->part0->bd_dev;
	err = bdev_add_device_node(disk->part0);
	if (err) {
		kfree(disk->part_tbl);
		disk->part_tbl = NULL;
		return err;
	}
	mutex_lock(&disks_lock);
	list_add_tail(&disk->node, &disks);
	mutex_unlock(&disks_lock);
	if (disk->minors > 1 && !(disk->flags & GENHD_FL_NO_PART) && get_capacity(disk)) {
		/* Opening reads the table, as Linux's disk_scan_partitions. */
		set_bit(GD_NEED_PART_SCAN, &disk->state);
		bdev = blkdev_get_by_dev(disk->part0->bd_dev, FMODE_READ, NULL);
		if (!IS_ERR(bdev))
			blkdev_put(bdev, FMODE_READ, NULL);
	}
	return 0;
}

void del_gendisk(struct gendisk *disk)
{
	set_bit(GD_DEAD, &disk->state);
	blk_queue_flag_set(QUEUE_FLAG_DYING, disk->queue);
	mutex_lock(&disks_lock);
	list_del_init(&disk->node);
	mutex_unlock(&disks_lock);
	mutex_lock(&disk->open_mutex);
	disk_drop_partitions(disk);
	mutex_unlock(&disk->open_mutex);
	bdev_del_device_node(disk->part0);
	invalidate_bdev(disk->part0);
}

void put_disk(struct gendisk *disk)
{
	if (!disk || !atomic_dec_and_test(&disk->refcount))
		return;
	if (disk->part_tbl)
		for (int i = 1; i < disk->minors; i++)
			if (disk->part_tbl[i])
				bdev_free(disk->part_tbl[i]);
	bdev_free(disk->part0);
	kfree(disk->part_tbl);
	if (disk->queue && disk->queue->mq_ops)
		blk_mq_free_queue(disk->queue);
	kfree(disk);
}

struct gendisk *get_gendisk(dev_t dev, int *partno)
{
	struct gendisk *disk, *found = NULL;
	unsigned int minor = MINOR(dev);

	mutex_lock(&disks_lock);
	list_for_each_entry(disk, &disks, node) {
		if (disk->major != (int)MAJOR(dev) || minor < (unsigned int)disk->first_minor ||
		    minor >= (unsigned int)(disk->first_minor + disk->minors))
			continue;
		if (test_bit_acquire(GD_DEAD, &disk->state))
			break;
		get_disk(disk);
		*partno = minor - disk->first_minor;
		found = disk;
		break;
	}
	mutex_unlock(&disks_lock);
	return found;
}

/* ---------------------------------------------------------------- /proc */

/* Linux's /proc/partitions: every disk and partition with a size, sizes in KiB. */
static int partitions_show(struct seq_file *m, void *v)
{
	struct gendisk *disk;
	char name[BDEVNAME_SIZE];

	seq_puts(m, "major minor  #blocks  name\n\n");
	mutex_lock(&disks_lock);
	list_for_each_entry(disk, &disks, node) {
		if ((disk->flags & GENHD_FL_HIDDEN) || !get_capacity(disk))
			continue;
		mutex_lock(&disk->open_mutex);
		for (int i = 0; i < disk->minors; i++) {
			struct block_device *p = disk->part_tbl[i];

			if (!p || !bdev_nr_sectors(p))
				continue;
			seq_printf(m, "%4d  %7d %10llu %s\n", MAJOR(p->bd_dev), MINOR(p->bd_dev),
				   (unsigned long long)bdev_nr_sectors(p) >> 1,
				   bdev_name(p, name, sizeof(name)));
		}
		mutex_unlock(&disk->open_mutex);
	}
	mutex_unlock(&disks_lock);
	return 0;
}

static void diskstats_line(struct seq_file *m, struct block_device *p)
{
	struct disk_stats st;
	char name[BDEVNAME_SIZE];
	unsigned long flags;

	spin_lock_irqsave(&p->bd_stats_lock, flags);
	update_io_ticks(&p->bd_stats, jiffies);
	st = p->bd_stats;
	spin_unlock_irqrestore(&p->bd_stats_lock, flags);
	seq_printf(m, "%4d %7d %s %lu %lu %lu %u %lu %lu %lu %u %lu %lu %u %lu %lu %lu %u %lu %u\n",
		   MAJOR(p->bd_dev), MINOR(p->bd_dev), bdev_name(p, name, sizeof(name)),
		   st.ios[STAT_READ], st.merges[STAT_READ], st.sectors[STAT_READ],
		   (unsigned int)(st.nsecs[STAT_READ] / NSEC_PER_MSEC),
		   st.ios[STAT_WRITE], st.merges[STAT_WRITE], st.sectors[STAT_WRITE],
		   (unsigned int)(st.nsecs[STAT_WRITE] / NSEC_PER_MSEC),
		   st.in_flight, jiffies_to_msecs(st.io_ticks),
		   (unsigned int)((st.nsecs[STAT_READ] + st.nsecs[STAT_WRITE] +
				   st.nsecs[STAT_DISCARD] + st.nsecs[STAT_FLUSH]) / NSEC_PER_MSEC),
		   st.ios[STAT_DISCARD], st.merges[STAT_DISCARD], st.sectors[STAT_DISCARD],
		   (unsigned int)(st.nsecs[STAT_DISCARD] / NSEC_PER_MSEC),
		   st.ios[STAT_FLUSH], (unsigned int)(st.nsecs[STAT_FLUSH] / NSEC_PER_MSEC));
}

/* Linux's /proc/diskstats: 20 fields per disk and partition (empty partitions left out). */
static int diskstats_show(struct seq_file *m, void *v)
{
	struct gendisk *disk;

	mutex_lock(&disks_lock);
	list_for_each_entry(disk, &disks, node) {
		if (disk->flags & GENHD_FL_HIDDEN)
			continue;
		mutex_lock(&disk->open_mutex);
		for (int i = 0; i < disk->minors; i++) {
			struct block_device *p = disk->part_tbl[i];

			if (p && (i == 0 || bdev_nr_sectors(p)))
				diskstats_line(m, p);
		}
		mutex_unlock(&disk->open_mutex);
	}
	mutex_unlock(&disks_lock);
	return 0;
}

void blk_dev_init(void)
{
	bio_init_cache();
	blk_mq_init();
	bdev_init();
	if (!proc_create_single("partitions", 0444, NULL, partitions_show) ||
	    !proc_create_single("diskstats", 0444, NULL, diskstats_show))
		pr_warn("block: cannot create /proc/partitions and /proc/diskstats\n");
}
