/*
 * Devices with a node in /dev (fs/devtmpfs/devtmpfs.c).
 *
 * A driver announces each device it can serve with device_create(): a
 * name, a type and permission (S_IFCHR or S_IFBLK | 0666...) and a device
 * number whose driver is registered (chrdev.h, blkdev.h; a node whose
 * number no driver serves opens with ENXIO). devtmpfs makes the node
 * /dev/<name> at once if it is already mounted, or when it is first
 * mounted. device_destroy() removes it.
 */
#ifndef KESTREL_DEVICE_H
#define KESTREL_DEVICE_H

#include <kestrel/fs.h>
#include <kestrel/list.h>

#define DEVICE_NAME_MAX 32

struct device {
	struct list_head list;		/* in the device list, under devices_lock */
	char name[DEVICE_NAME_MAX];	/* the node's name in /dev (no '/') */
	umode_t mode;			/* S_IFCHR or S_IFBLK and permission bits */
	dev_t devt;
};

/* ERR_PTR(-EINVAL) for a bad name or type, -EEXIST if the name is taken, -ENOMEM. */
struct device *device_create(const char *name, umode_t mode, dev_t devt);
void device_destroy(struct device *dev);

/* Register every built-in device driver, probing the devices found so far (drivers/base/init.c). */
void drivers_init(void);

/* Register devtmpfs and make its internal mount with every device so far (boot). */
int devtmpfs_init(void);
extern struct file_system_type devtmpfs_fs_type;

#endif
