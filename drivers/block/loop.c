/*
 * The loop device: /dev/loopN (major 7, one minor each, as Linux without
 * max_part) is a block device whose sector s is byte offset + 512 s of a
 * file. losetup attaches a file (LOOP_SET_FD or LOOP_CONFIGURE, then
 * LOOP_SET_STATUS64 for the name, offset and size limit), and detaches it
 * (LOOP_CLR_FD); /dev/loop-control hands out a free device
 * (LOOP_CTL_GET_FREE), adding one when all are taken.
 *
 * A request goes from ->queue_rq (interrupts off, so no file I/O there)
 * to a work item on the "loop" workqueue, which reads or writes the file
 * through its page cache (kernel_read/kernel_write: a tmpfs image stays
 * in memory, a file on a disk is written back as any file) and completes
 * the request. A flush is fsync of the file. Reads past the end of the
 * file read zeros, as Linux.
 *
 * A device is unbound (no file, capacity 0), bound, or being torn down.
 * Detaching while someone else has the device open only marks it to be
 * detached at the last close (LO_FLAGS_AUTOCLEAR), as Linux does.
 *
 * Not here: partitions on loop devices (LO_FLAGS_PARTSCAN is refused),
 * logical block sizes other than 512, direct I/O to the backing file,
 * LOOP_CHANGE_FD, the old 32-bit LOOP_GET_STATUS/LOOP_SET_STATUS (all
 * ENOTTY or EINVAL, never a pretended success).
 *
 * Locks: loop_ctl_mutex > open_mutex > lo_mutex > lo_lock.
 */
#include <kestrel/blk-mq.h>
#include <kestrel/blkdev.h>
#include <kestrel/chrdev.h>
#include <kestrel/cred.h>
#include <kestrel/device.h>
#include <kestrel/errno.h>
#include <kestrel/fdtable.h>
#include <kestrel/fs.h>
#include <kestrel/loop.h>
#include <kestrel/mutex.h>
#include <kestrel/printk.h>
#include <kestrel/slab.h>
#include <kestrel/spinlock.h>
#include <kestrel/string.h>
#include <kestrel/uaccess.h>
#include <kestrel/workqueue.h>

#define LOOP_BOOT_DEVICES 8		/* loop0 ... loop7 at boot, as Linux's default */
#define LOOP_MAX_DEVICES 256
#define LOOP_QUEUE_DEPTH 128

#define LOOP_SET_STATUS_SETTABLE_FLAGS LO_FLAGS_AUTOCLEAR
#define LOOP_SET_STATUS_CLEARABLE_FLAGS LO_FLAGS_AUTOCLEAR

enum lo_state { Lo_unbound, Lo_bound, Lo_rundown, Lo_deleting };

/*
 * Locks used to protect struct members here:
 *	[c] constant after loop_add
 *	[g] loop_ctl_mutex
 *	[m] lo_mutex
 *	[m+l] written under lo_mutex and lo_lock; read under either
 *	      (the workers and ->queue_rq take lo_lock)
 */
struct loop_device {
	int lo_number;				/* [c] N of loopN */
	struct gendisk *lo_disk;		/* [c] */
	struct blk_mq_tag_set tag_set;		/* [c] */
	struct list_head node;			/* [g] in loop_devices */
	struct mutex lo_mutex;			/* the configuration below */
	spinlock_t lo_lock;			/* irq-safe: ->queue_rq runs with interrupts off */
	enum lo_state lo_state;			/* [m+l] */
	struct file *lo_backing_file;		/* [m+l] referenced while bound */
	loff_t lo_offset;			/* [m+l] */
	loff_t lo_sizelimit;			/* [m] 0: to the end of the file */
	u32 lo_flags;				/* [m] LO_FLAGS_* */
	char lo_file_name[LO_NAME_SIZE];	/* [m] what losetup said the file is */
};

/* One request's work item (the request's driver bytes). */
struct loop_cmd {
	struct work_struct work;		/* [c] */
	blk_status_t status;			/* written by the worker before it completes the request */
};

static DEFINE_MUTEX(loop_ctl_mutex);		/* loop_devices, adding and removing devices */
static LIST_HEAD(loop_devices);
static struct workqueue_struct *loop_wq;

/* ---------------------------------------------------------------- the I/O */

static blk_status_t loop_read(struct request *rq, struct file *file, loff_t pos)
{
	struct req_iterator iter;
	struct bio_vec bv;

	rq_for_each_segment(bv, rq, iter) {
		u8 *mem = (u8 *)page_address(bv.bv_page) + bv.bv_offset;
		ssize_t n = kernel_read(file, mem, bv.bv_len, &pos);

		if (n < 0)
			return errno_to_blk_status((int)n);
		if ((size_t)n < bv.bv_len) {	/* past the end of the file */
			memset(mem + n, 0, bv.bv_len - n);
			pos += bv.bv_len - n;
		}
	}
	return BLK_STS_OK;
}

static blk_status_t loop_write(struct request *rq, struct file *file, loff_t pos)
{
	struct req_iterator iter;
	struct bio_vec bv;

	rq_for_each_segment(bv, rq, iter) {
		u8 *mem = (u8 *)page_address(bv.bv_page) + bv.bv_offset;
		ssize_t n = kernel_write(file, mem, bv.bv_len, &pos);

		if (n < 0)
			return errno_to_blk_status((int)n);
		if ((size_t)n != bv.bv_len)
			return BLK_STS_IOERR;
	}
	return BLK_STS_OK;
}

static void loop_workfn(struct work_struct *work)
{
	struct loop_cmd *cmd = container_of(work, struct loop_cmd, work);
	struct request *rq = blk_mq_rq_from_pdu(cmd);
	struct loop_device *lo = rq->q->queuedata;
	struct file *file = NULL;
	unsigned long flags;
	loff_t pos = 0;

	spin_lock_irqsave(&lo->lo_lock, flags);
	if (lo->lo_state == Lo_bound || lo->lo_state == Lo_rundown) {
		file = get_file(lo->lo_backing_file);
		pos = lo->lo_offset + ((loff_t)blk_rq_pos(rq) << SECTOR_SHIFT);
	}
	spin_unlock_irqrestore(&lo->lo_lock, flags);
	if (!file) {
		cmd->status = BLK_STS_IOERR;
	} else {
		switch (req_op(rq)) {
		case REQ_OP_READ:
			cmd->status = loop_read(rq, file, pos);
			break;
		case REQ_OP_WRITE:
			cmd->status = loop_write(rq, file, pos);
			break;
		case REQ_OP_FLUSH:
			cmd->status = vfs_fsync(file, 0) ? BLK_STS_IOERR : BLK_STS_OK;
			break;
		default:
			cmd->status = BLK_STS_NOTSUPP;
			break;
		}
		fput(file);
	}
	blk_mq_complete_request(rq);
}

static blk_status_t loop_queue_rq(struct blk_mq_hw_ctx *hctx, const struct blk_mq_queue_data *bd)
{
	struct loop_device *lo = hctx->queue->queuedata;
	struct loop_cmd *cmd = blk_mq_rq_to_pdu(bd->rq);
	unsigned long flags;
	bool queued = false;

	blk_mq_start_request(bd->rq);
	spin_lock_irqsave(&lo->lo_lock, flags);
	if (lo->lo_state == Lo_bound)
		queued = queue_work(loop_wq, &cmd->work);
	spin_unlock_irqrestore(&lo->lo_lock, flags);
	if (!queued) {
		cmd->status = BLK_STS_IOERR;	/* no file (any more) */
		blk_mq_complete_request(bd->rq);
	}
	return BLK_STS_OK;
}

static void loop_complete(struct request *rq)
{
	struct loop_cmd *cmd = blk_mq_rq_to_pdu(rq);

	blk_mq_end_request(rq, cmd->status);
}

static int loop_init_request(struct blk_mq_tag_set *set, struct request *rq,
			     unsigned int hctx_idx, unsigned int numa_node)
{
	struct loop_cmd *cmd = blk_mq_rq_to_pdu(rq);

	INIT_WORK(&cmd->work, loop_workfn);
	return 0;
}

static const struct blk_mq_ops loop_mq_ops = {
	.queue_rq = loop_queue_rq,
	.complete = loop_complete,
	.init_request = loop_init_request,
};

/* ---------------------------------------------------------------- attaching and detaching */

/* The device's size in sectors for file from offset, at most sizelimit bytes (0: no limit). */
static sector_t loop_size(struct file *file, loff_t offset, loff_t sizelimit)
{
	loff_t size = i_size_read(file->f_mapping->host);

	if (offset < 0 || size <= offset)
		return 0;
	size -= offset;
	if (sizelimit > 0 && sizelimit < size)
		size = sizelimit;
	return (sector_t)size >> SECTOR_SHIFT;
}

/* The largest power of two up to a page that divides the size: the cache's block size. */
static int loop_block_size(sector_t sectors)
{
	int bsize = SECTOR_SIZE;

	while (bsize < (int)PAGE_SIZE && !(((loff_t)sectors << SECTOR_SHIFT) & bsize))
		bsize <<= 1;
	return bsize;
}

/* Refuse what a loop device here cannot be: partitioned, or at an unaligned or negative offset. */
static int loop_check_info(const struct loop_info64 *info)
{
	if (info->lo_flags & LO_FLAGS_PARTSCAN)
		return -EINVAL;		/* a loop device has one minor: no partitions */
	if (info->lo_offset & (SECTOR_SIZE - 1) || (s64)info->lo_offset < 0 ||
	    (s64)info->lo_sizelimit < 0)
		return -EINVAL;
	return 0;
}

static void loop_set_size(struct loop_device *lo, struct block_device *whole)
{
	sector_t sectors = loop_size(lo->lo_backing_file, lo->lo_offset, lo->lo_sizelimit);

	set_capacity(lo->lo_disk, sectors);
	set_blocksize(whole, loop_block_size(sectors));
}

static int loop_configure(struct loop_device *lo, fmode_t mode, struct block_device *bdev,
			  unsigned int fd, const struct loop_config *config)
{
	struct file *file = fget(fd);
	struct inode *inode;
	unsigned long flags;
	bool ro;
	int err;

	if (!file)
		return -EBADF;
	inode = file->f_mapping->host;
	err = -EINVAL;
	if (!S_ISREG(inode->i_mode) && !S_ISBLK(inode->i_mode))
		goto out_fput;
	if (!(file->f_mode & FMODE_READ))
		goto out_fput;
	err = -EBUSY;
	if (S_ISBLK(inode->i_mode) && inode->i_rdev == bdev->bd_dev)
		goto out_fput;		/* itself: its I/O would wait for itself */
	if (config) {
		err = -EINVAL;
		if (config->block_size && config->block_size != SECTOR_SIZE)
			goto out_fput;
		err = loop_check_info(&config->info);
		if (err)
			goto out_fput;
	}
	mutex_lock(&lo->lo_mutex);
	err = -EBUSY;
	if (lo->lo_state != Lo_unbound)
		goto out_unlock;
	ro = !(file->f_mode & FMODE_WRITE) || !(mode & FMODE_WRITE);
	lo->lo_flags = ro ? LO_FLAGS_READ_ONLY : 0;
	lo->lo_offset = 0;
	lo->lo_sizelimit = 0;
	memset(lo->lo_file_name, 0, sizeof(lo->lo_file_name));
	if (config) {
		lo->lo_offset = config->info.lo_offset;
		lo->lo_sizelimit = config->info.lo_sizelimit;
		lo->lo_flags |= config->info.lo_flags & LOOP_SET_STATUS_SETTABLE_FLAGS;
		memcpy(lo->lo_file_name, config->info.lo_file_name, LO_NAME_SIZE - 1);
	}
	set_disk_ro(lo->lo_disk, ro);
	invalidate_bdev(bdev);	/* nothing of another file may stay cached */
	spin_lock_irqsave(&lo->lo_lock, flags);
	lo->lo_backing_file = file;
	lo->lo_state = Lo_bound;
	spin_unlock_irqrestore(&lo->lo_lock, flags);
	loop_set_size(lo, bdev);
	mutex_unlock(&lo->lo_mutex);
	return 0;
out_unlock:
	mutex_unlock(&lo->lo_mutex);
out_fput:
	fput(file);
	return err;
}

/*
 * Detach the file: write back what the device's cache holds, let the
 * requests already queued finish, forget the cache. Caller holds
 * open_mutex and lo_mutex; the device is bound.
 */
static void __loop_clr_fd(struct loop_device *lo)
{
	struct block_device *whole = lo->lo_disk->part0;
	struct file *file;
	unsigned long flags;

	sync_blockdev(whole);
	spin_lock_irqsave(&lo->lo_lock, flags);
	lo->lo_state = Lo_rundown;	/* new requests fail; queued ones still run */
	spin_unlock_irqrestore(&lo->lo_lock, flags);
	flush_workqueue(loop_wq);
	invalidate_bdev(whole);
	spin_lock_irqsave(&lo->lo_lock, flags);
	file = lo->lo_backing_file;
	lo->lo_backing_file = NULL;
	lo->lo_offset = 0;
	lo->lo_state = Lo_unbound;
	spin_unlock_irqrestore(&lo->lo_lock, flags);
	lo->lo_sizelimit = 0;
	lo->lo_flags = 0;
	memset(lo->lo_file_name, 0, sizeof(lo->lo_file_name));
	set_capacity(lo->lo_disk, 0);
	set_disk_ro(lo->lo_disk, false);
	fput(file);
}

static int loop_clr_fd(struct loop_device *lo)
{
	struct gendisk *disk = lo->lo_disk;
	int err = 0;

	mutex_lock(&disk->open_mutex);
	mutex_lock(&lo->lo_mutex);
	if (lo->lo_state != Lo_bound)
		err = -ENXIO;
	else if (disk->part0->bd_openers > 1)
		lo->lo_flags |= LO_FLAGS_AUTOCLEAR;	/* others use it: detach at the last close */
	else
		__loop_clr_fd(lo);
	mutex_unlock(&lo->lo_mutex);
	mutex_unlock(&disk->open_mutex);
	return err;
}

static int loop_set_status64(struct loop_device *lo, struct block_device *bdev,
			     const void __user *arg)
{
	struct loop_info64 info;
	unsigned long flags;
	int err;

	if (copy_from_user(&info, arg, sizeof(info)))
		return -EFAULT;
	err = loop_check_info(&info);
	if (err)
		return err;
	mutex_lock(&lo->lo_mutex);
	err = -ENXIO;
	if (lo->lo_state != Lo_bound)
		goto out;
	if ((loff_t)info.lo_offset != lo->lo_offset || (loff_t)info.lo_sizelimit != lo->lo_sizelimit) {
		/* Other bytes of the file from now on: nothing cached may survive. */
		sync_blockdev(bdev);
		flush_workqueue(loop_wq);
		spin_lock_irqsave(&lo->lo_lock, flags);
		lo->lo_offset = info.lo_offset;
		spin_unlock_irqrestore(&lo->lo_lock, flags);
		lo->lo_sizelimit = info.lo_sizelimit;
		invalidate_bdev(bdev);
		loop_set_size(lo, bdev);
	}
	lo->lo_flags &= ~LOOP_SET_STATUS_CLEARABLE_FLAGS;
	lo->lo_flags |= info.lo_flags & LOOP_SET_STATUS_SETTABLE_FLAGS;
	memcpy(lo->lo_file_name, info.lo_file_name, LO_NAME_SIZE - 1);
	lo->lo_file_name[LO_NAME_SIZE - 1] = '\0';
	err = 0;
out:
	mutex_unlock(&lo->lo_mutex);
	return err;
}

static int loop_get_status64(struct loop_device *lo, void __user *arg)
{
	struct loop_info64 info;
	struct inode *inode;

	memset(&info, 0, sizeof(info));
	mutex_lock(&lo->lo_mutex);
	if (lo->lo_state != Lo_bound) {
		mutex_unlock(&lo->lo_mutex);
		return -ENXIO;
	}
	inode = file_inode(lo->lo_backing_file);
	info.lo_number = lo->lo_number;
	info.lo_device = new_encode_dev(inode->i_sb->s_dev);
	info.lo_inode = inode->i_ino;
	info.lo_rdevice = new_encode_dev(S_ISBLK(inode->i_mode) ? inode->i_rdev : 0);
	info.lo_offset = lo->lo_offset;
	info.lo_sizelimit = lo->lo_sizelimit;
	info.lo_flags = lo->lo_flags;
	memcpy(info.lo_file_name, lo->lo_file_name, LO_NAME_SIZE);
	mutex_unlock(&lo->lo_mutex);
	return copy_to_user(arg, &info, sizeof(info)) ? -EFAULT : 0;
}

static int loop_set_capacity(struct loop_device *lo, struct block_device *bdev)
{
	int err = -ENXIO;

	mutex_lock(&lo->lo_mutex);
	if (lo->lo_state == Lo_bound) {
		loop_set_size(lo, bdev);
		err = 0;
	}
	mutex_unlock(&lo->lo_mutex);
	return err;
}

static int lo_ioctl(struct block_device *bdev, fmode_t mode, unsigned int cmd, unsigned long arg)
{
	struct loop_device *lo = bdev->bd_disk->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case LOOP_SET_FD:
		return loop_configure(lo, mode, bdev, (unsigned int)arg, NULL);
	case LOOP_CONFIGURE: {
		struct loop_config config;

		if (copy_from_user(&config, argp, sizeof(config)))
			return -EFAULT;
		return loop_configure(lo, mode, bdev, config.fd, &config);
	}
	case LOOP_CLR_FD:
		return loop_clr_fd(lo);
	case LOOP_SET_STATUS64:
		if (!(mode & FMODE_WRITE) && !capable(CAP_SYS_ADMIN))
			return -EPERM;
		return loop_set_status64(lo, bdev, argp);
	case LOOP_GET_STATUS64:
		return loop_get_status64(lo, argp);
	case LOOP_SET_CAPACITY:
		if (!(mode & FMODE_WRITE) && !capable(CAP_SYS_ADMIN))
			return -EPERM;
		return loop_set_capacity(lo, bdev);
	case LOOP_SET_DIRECT_IO:
		return arg ? -EINVAL : 0;	/* always through the file's page cache */
	case LOOP_SET_BLOCK_SIZE:
		return arg == SECTOR_SIZE ? 0 : -EINVAL;
	default:
		return -ENOTTY;
	}
}

/* A device being removed (LOOP_CTL_REMOVE) opens no more (open_mutex held). */
static int lo_open(struct block_device *bdev, fmode_t mode)
{
	struct loop_device *lo = bdev->bd_disk->private_data;
	int err;

	mutex_lock(&lo->lo_mutex);
	err = lo->lo_state == Lo_deleting ? -ENXIO : 0;
	mutex_unlock(&lo->lo_mutex);
	return err;
}

/* The last close of a device marked LO_FLAGS_AUTOCLEAR detaches it (open_mutex held). */
static void lo_release(struct gendisk *disk, fmode_t mode)
{
	struct loop_device *lo = disk->private_data;

	if (disk->part0->bd_openers)
		return;
	mutex_lock(&lo->lo_mutex);
	if (lo->lo_state == Lo_bound && (lo->lo_flags & LO_FLAGS_AUTOCLEAR))
		__loop_clr_fd(lo);
	mutex_unlock(&lo->lo_mutex);
}

static const struct block_device_operations lo_fops = {
	.open = lo_open,
	.release = lo_release,
	.ioctl = lo_ioctl,
};

/* ---------------------------------------------------------------- devices */

/* A new device loopN (caller holds loop_ctl_mutex). */
static int loop_add(int n)
{
	struct loop_device *lo;
	struct gendisk *disk;
	int err = -ENOMEM;

	lo = kzalloc(sizeof(*lo), GFP_KERNEL);
	if (!lo)
		return -ENOMEM;
	lo->lo_number = n;
	mutex_init(&lo->lo_mutex);
	spin_lock_init(&lo->lo_lock);
	lo->tag_set.ops = &loop_mq_ops;
	lo->tag_set.nr_hw_queues = 1;
	lo->tag_set.queue_depth = LOOP_QUEUE_DEPTH;
	lo->tag_set.cmd_size = sizeof(struct loop_cmd);
	lo->tag_set.driver_data = lo;
	err = blk_mq_alloc_tag_set(&lo->tag_set);
	if (err)
		goto out_free;
	disk = blk_mq_alloc_disk(&lo->tag_set, lo);
	if (IS_ERR(disk)) {
		err = PTR_ERR(disk);
		goto out_tags;
	}
	/* A file's page cache takes any memory: no DMA limits apply. */
	blk_queue_write_cache(disk->queue, true, false);
	disk->major = LOOP_MAJOR;
	disk->first_minor = n;
	disk->minors = 1;
	disk->flags |= GENHD_FL_NO_PART;
	disk->fops = &lo_fops;
	disk->private_data = lo;
	snprintf(disk->disk_name, DISK_NAME_LEN, "loop%d", n);
	lo->lo_disk = disk;
	err = add_disk(disk);
	if (err)
		goto out_disk;
	list_add_tail(&lo->node, &loop_devices);
	return n;
out_disk:
	put_disk(disk);
out_tags:
	blk_mq_free_tag_set(&lo->tag_set);
out_free:
	kfree(lo);
	return err;
}

static struct loop_device *loop_find(int n)
{
	struct loop_device *lo;

	list_for_each_entry(lo, &loop_devices, node)
		if (lo->lo_number == n)
			return lo;
	return NULL;
}

/* The lowest number no device has (caller holds loop_ctl_mutex), or -ENOSPC. */
static int loop_next_number(void)
{
	for (int n = 0; n < LOOP_MAX_DEVICES; n++)
		if (!loop_find(n))
			return n;
	return -ENOSPC;
}

static int loop_control_get_free(void)
{
	struct loop_device *lo;
	int n = -ENOSPC;

	mutex_lock(&loop_ctl_mutex);
	list_for_each_entry(lo, &loop_devices, node) {
		mutex_lock(&lo->lo_mutex);
		if (lo->lo_state == Lo_unbound)
			n = lo->lo_number;
		mutex_unlock(&lo->lo_mutex);
		if (n >= 0)
			break;
	}
	if (n < 0) {
		n = loop_next_number();
		if (n >= 0)
			n = loop_add(n);
	}
	mutex_unlock(&loop_ctl_mutex);
	return n;
}

static int loop_control_add(unsigned long n)
{
	int ret;

	if (n >= LOOP_MAX_DEVICES)
		return -EINVAL;
	mutex_lock(&loop_ctl_mutex);
	ret = loop_find((int)n) ? -EEXIST : loop_add((int)n);
	mutex_unlock(&loop_ctl_mutex);
	return ret;
}

/*
 * Remove an unbound device nobody has open. Marked Lo_deleting under
 * open_mutex, it cannot be opened between the check and del_gendisk.
 */
static int loop_control_remove(unsigned long n)
{
	struct loop_device *lo;
	struct gendisk *disk;
	int err = 0;

	if (n >= LOOP_MAX_DEVICES)
		return -EINVAL;
	mutex_lock(&loop_ctl_mutex);
	lo = loop_find((int)n);
	if (!lo) {
		mutex_unlock(&loop_ctl_mutex);
		return -ENODEV;
	}
	disk = lo->lo_disk;
	mutex_lock(&disk->open_mutex);
	mutex_lock(&lo->lo_mutex);
	if (lo->lo_state != Lo_unbound || disk->part0->bd_openers)
		err = -EBUSY;
	else
		lo->lo_state = Lo_deleting;
	mutex_unlock(&lo->lo_mutex);
	mutex_unlock(&disk->open_mutex);
	if (!err) {
		list_del(&lo->node);
		del_gendisk(disk);
		put_disk(disk);
		blk_mq_free_tag_set(&lo->tag_set);
		kfree(lo);
	}
	mutex_unlock(&loop_ctl_mutex);
	return err ? err : (int)n;
}

static long loop_control_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case LOOP_CTL_ADD:
		return loop_control_add(arg);
	case LOOP_CTL_REMOVE:
		return loop_control_remove(arg);
	case LOOP_CTL_GET_FREE:
		return loop_control_get_free();
	default:
		return -ENOTTY;
	}
}

static const struct file_operations loop_ctl_fops = {
	.unlocked_ioctl = loop_control_ioctl,
};

int loop_init(void)
{
	struct device *ctl;
	int err;

	loop_wq = alloc_workqueue("loop", 0, 0);
	if (!loop_wq)
		return -ENOMEM;
	err = register_blkdev(LOOP_MAJOR, "loop");
	if (err < 0)
		return err;
	err = register_chrdev_region_fops(MISC_MAJOR, LOOP_CTRL_MINOR, 1, "loop-control",
					  &loop_ctl_fops);
	if (err)
		return err;
	ctl = device_create("loop-control", S_IFCHR | 0600, MKDEV(MISC_MAJOR, LOOP_CTRL_MINOR));
	if (IS_ERR(ctl))
		return PTR_ERR(ctl);
	mutex_lock(&loop_ctl_mutex);
	for (int n = 0; n < LOOP_BOOT_DEVICES; n++) {
		err = loop_add(n);
		if (err < 0)
			break;
	}
	mutex_unlock(&loop_ctl_mutex);
	return err < 0 ? err : 0;
}
