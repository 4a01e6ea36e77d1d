/*
 * ioctl(2) on a block device (Linux's block/ioctl.c): the generic
 * commands are answered here, HDIO_GETGEO through the driver's ->getgeo,
 * anything else by the driver's ->ioctl (both through the checked
 * wrappers: include/kestrel/contract/blkdev.h), ENOTTY without one.
 * Changing things (BLKROSET, BLKFLSBUF, BLKRRPART, BLKRASET) needs
 * CAP_SYS_ADMIN: EACCES otherwise, as Linux.
 */
#include <kestrel/blkdev.h>
#include <kestrel/contract/blkdev.h>
#include <kestrel/cred.h>
#include <kestrel/errno.h>
#include <kestrel/uaccess.h>
#include "blk.h"

static int put_int(unsigned long arg, int v)
{
	return put_user(v, (int __user *)arg) ? -EFAULT : 0;
}

static int put_uint(unsigned long arg, unsigned int v)
{
	return put_user(v, (unsigned int __user *)arg) ? -EFAULT : 0;
}

static int put_ulong(unsigned long arg, unsigned long v)
{
	return put_user(v, (unsigned long __user *)arg) ? -EFAULT : 0;
}

static int put_u64(unsigned long arg, u64 v)
{
	return put_user(v, (u64 __user *)arg) ? -EFAULT : 0;
}

static int put_ushort(unsigned long arg, unsigned short v)
{
	return put_user(v, (unsigned short __user *)arg) ? -EFAULT : 0;
}

static int blkdev_roset(struct block_device *bdev, unsigned long arg)
{
	int n;

	if (!capable(CAP_SYS_ADMIN))
		return -EACCES;
	if (get_user(n, (int __user *)arg))
		return -EFAULT;
	WRITE_ONCE(bdev->bd_read_only, n != 0);
	return 0;
}

static int blkdev_flushbuf(struct block_device *bdev)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EACCES;
	sync_blockdev(bdev);
	invalidate_bdev(bdev);
	return 0;
}

static int blkdev_reread_part(struct block_device *bdev)
{
	struct gendisk *disk = bdev->bd_disk;
	int err;

	if (!capable(CAP_SYS_ADMIN))
		return -EACCES;
	if (bdev_is_partition(bdev))
		return -EINVAL;
	mutex_lock(&disk->open_mutex);
	err = disk_scan_partitions(disk);
	mutex_unlock(&disk->open_mutex);
	return err;
}

static int blkdev_getgeo(struct block_device *bdev, unsigned long arg)
{
	struct hd_geometry geo = { 0 };
	int err;

	if (!bdev->bd_disk->fops->getgeo)
		return -ENOTTY;
	geo.start = get_start_sect(bdev);
	err = vfs_call_bd_getgeo(bdev, &geo);
	if (err)
		return err;
	return copy_to_user((void __user *)arg, &geo, sizeof(geo)) ? -EFAULT : 0;
}

long blkdev_ioctl(struct block_device *bdev, fmode_t mode, unsigned int cmd, unsigned long arg)
{
	struct request_queue *q = bdev_get_queue(bdev);

	switch (cmd) {
	case BLKROSET:
		return blkdev_roset(bdev, arg);
	case BLKROGET:
		return put_int(arg, bdev_read_only(bdev) != 0);
	case BLKGETSIZE:
		return put_ulong(arg, bdev_nr_sectors(bdev));
	case BLKGETSIZE64:
		return put_u64(arg, bdev_nr_bytes(bdev));
	case BLKSSZGET:
		return put_int(arg, bdev_logical_block_size(bdev));
	case BLKPBSZGET:
		return put_uint(arg, bdev_physical_block_size(bdev));
	case BLKBSZGET:
		return put_int(arg, block_size(bdev));
	case BLKIOMIN:
		return put_uint(arg, q->limits.io_min);
	case BLKIOOPT:
		return put_uint(arg, q->limits.io_opt);
	case BLKALIGNOFF:
		return put_int(arg, 0);
	case BLKSECTGET:
		return put_ushort(arg, min(q->limits.max_sectors, 0xffffU));
	case BLKRAGET:
		return put_ulong(arg, (unsigned long)bdev->bd_disk->ra_pages * (PAGE_SIZE / SECTOR_SIZE));
	case BLKRASET:
		if (!capable(CAP_SYS_ADMIN))
			return -EACCES;
		WRITE_ONCE(bdev->bd_disk->ra_pages, arg / (PAGE_SIZE / SECTOR_SIZE));
		return 0;
	case BLKFLSBUF:
		return blkdev_flushbuf(bdev);
	case BLKRRPART:
		return blkdev_reread_part(bdev);
	case HDIO_GETGEO:
		return blkdev_getgeo(bdev, arg);
	default:
		if (bdev->bd_disk->fops->ioctl)
			return vfs_call_bd_ioctl(bdev, mode, cmd, arg);
		return -ENOTTY;
	}
}
