/*
 * The checked calls of block_device_operations: the block layer's calls
 * into a block driver (block/bdev.c: ->open and ->release under the
 * disk's open_mutex; block/ioctl.c: ->ioctl and ->getgeo without it).
 * How a rule is checked, and the CONTRACT lines: include/kestrel/contract.h.
 */
#ifndef KESTREL_CONTRACT_BLKDEV_H
#define KESTREL_CONTRACT_BLKDEV_H

#include <kestrel/blkdev.h>
#include <kestrel/contract.h>

/* CONTRACT block_device_operations.open | open_mutex: yes | yes | vfs_call_bd_open */
static inline int vfs_call_bd_open(struct block_device *bdev, fmode_t mode)
{
	lockdep_assert_held(&bdev->bd_disk->open_mutex);
	might_sleep();
	return bdev->bd_disk->fops->open(bdev, mode);
}

/* CONTRACT block_device_operations.release | open_mutex: yes | yes | vfs_call_bd_release */
static inline void vfs_call_bd_release(struct gendisk *disk, fmode_t mode)
{
	lockdep_assert_held(&disk->open_mutex);
	might_sleep();
	disk->fops->release(disk, mode);
}

/* CONTRACT block_device_operations.ioctl | open_mutex: no | yes | vfs_call_bd_ioctl */
static inline int vfs_call_bd_ioctl(struct block_device *bdev, fmode_t mode, unsigned int cmd,
				    unsigned long arg)
{
	lockdep_assert_not_held(&bdev->bd_disk->open_mutex);
	might_sleep();
	return bdev->bd_disk->fops->ioctl(bdev, mode, cmd, arg);
}

/* CONTRACT block_device_operations.getgeo | open_mutex: no | yes | vfs_call_bd_getgeo */
static inline int vfs_call_bd_getgeo(struct block_device *bdev, struct hd_geometry *geo)
{
	lockdep_assert_not_held(&bdev->bd_disk->open_mutex);
	might_sleep();
	return bdev->bd_disk->fops->getgeo(bdev, geo);
}

#endif
