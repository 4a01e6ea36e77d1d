/*
 * devtmpfs: a tmpfs whose device nodes the kernel makes itself.
 *
 * There is one devtmpfs super block. devtmpfs_init() makes it with an
 * internal mount (kern_mount: not in the mount tree) and fills it with
 * every device registered so far; mounting "devtmpfs" anywhere (the
 * root's /dev) shows the same tree (mount_single). device_create() adds
 * a device to the list and, once the internal mount exists, its node.
 * Users may add, remove and rename entries like in any tmpfs.
 *
 * Locking: devices_lock (a mutex: making a node sleeps) protects the
 * device list and devtmpfs_mnt, and serializes node creation and removal;
 * the VFS locks (the root directory's i_rwsem, taken here as a parent
 * takes it) protect the tree itself.
 * devices_lock comes before the root's i_rwsem (docs/locking.md, "Lock order").
 */
#include <kestrel/chrdev.h>
#include <kestrel/dcache.h>
#include <kestrel/device.h>
#include <kestrel/errno.h>
#include <kestrel/mount.h>
#include <kestrel/mutex.h>
#include <kestrel/namei.h>
#include <kestrel/printk.h>
#include <kestrel/shmem_fs.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>

static DEFINE_MUTEX(devices_lock);	/* devices, devtmpfs_mnt, node changes */
static LIST_HEAD(devices);
static struct vfsmount *devtmpfs_mnt;

/* Make /dev/<name> in the devtmpfs root. devices_lock held. */
static int devtmpfs_create_node(struct vfsmount *mnt, const struct device *dev)
{
	struct dentry *root = mnt->mnt_root, *dentry;
	struct inode *dir = d_inode(root);
	int err;

	inode_lock_nested(dir, I_MUTEX_PARENT);
	dentry = lookup_one_len(dev->name, root, strlen(dev->name));
	if (IS_ERR(dentry)) {
		err = PTR_ERR(dentry);
		goto out;
	}
	err = d_really_is_positive(dentry) ? -EEXIST
					   : vfs_mknod(dir, dentry, dev->mode, dev->devt);
	dput(dentry);
out:
	inode_unlock(dir);
	return err;
}

/* Remove /dev/<name> if it is still the node we made. devices_lock held. */
static int devtmpfs_delete_node(struct vfsmount *mnt, const struct device *dev)
{
	struct dentry *root = mnt->mnt_root, *dentry;
	struct inode *dir = d_inode(root);
	int err;

	inode_lock_nested(dir, I_MUTEX_PARENT);
	dentry = lookup_one_len(dev->name, root, strlen(dev->name));
	if (IS_ERR(dentry)) {
		err = PTR_ERR(dentry);
		goto out;
	}
	if (d_really_is_positive(dentry) && d_inode(dentry)->i_rdev == dev->devt &&
	    (d_inode(dentry)->i_mode & S_IFMT) == (dev->mode & S_IFMT))
		err = vfs_unlink(dir, dentry, NULL);
	else
		err = -ENOENT;	/* renamed or removed by a user: leave it */
	dput(dentry);
out:
	inode_unlock(dir);
	return err;
}

struct device *device_create(const char *name, umode_t mode, dev_t devt)
{
	size_t len = strnlen(name, DEVICE_NAME_MAX);
	struct device *dev, *p;
	int err = 0;

	if (!len || len == DEVICE_NAME_MAX || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return ERR_PTR(-EINVAL);
	if (!S_ISCHR(mode) && !S_ISBLK(mode))
		return ERR_PTR(-EINVAL);
	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	memcpy(dev->name, name, len + 1);
	dev->mode = mode;
	dev->devt = devt;
	mutex_lock(&devices_lock);
	list_for_each_entry(p, &devices, list) {
		if (!strcmp(p->name, name)) {
			err = -EEXIST;
			goto out;
		}
	}
	if (devtmpfs_mnt)
		err = devtmpfs_create_node(devtmpfs_mnt, dev);
	if (!err)
		list_add_tail(&dev->list, &devices);
out:
	mutex_unlock(&devices_lock);
	if (err) {
		kfree(dev);
		return ERR_PTR(err);
	}
	return dev;
}

void device_destroy(struct device *dev)
{
	mutex_lock(&devices_lock);
	list_del(&dev->list);
	if (devtmpfs_mnt)
		devtmpfs_delete_node(devtmpfs_mnt, dev);
	mutex_unlock(&devices_lock);
	kfree(dev);
}

static int devtmpfs_fill_super(struct super_block *sb, void *data, int silent)
{
	char opts[] = "mode=0755";

	return shmem_fill_super(sb, opts, silent);	/* user options are ignored, as Linux */
}

static struct dentry *devtmpfs_mount(struct file_system_type *fs_type, int flags,
				     const char *dev_name, void *data)
{
	return mount_single(fs_type, flags, data, devtmpfs_fill_super);
}

struct file_system_type devtmpfs_fs_type = {
	.name = "devtmpfs",
	.mount = devtmpfs_mount,
	.kill_sb = shmem_kill_sb,	/* shmem_fill_super's sbinfo must go too */
};

/* The devices every Kestrel has (drivers/char/mem.c); more come from their drivers. */
static const struct {
	const char *name;
	umode_t mode;
	dev_t devt;
} boot_devices[] = {
	{ "null", S_IFCHR | 0666, MKDEV(MEM_MAJOR, 3) },
	{ "zero", S_IFCHR | 0666, MKDEV(MEM_MAJOR, 5) },
	{ "full", S_IFCHR | 0666, MKDEV(MEM_MAJOR, 7) },
	{ "random", S_IFCHR | 0666, MKDEV(MEM_MAJOR, 8) },
	{ "urandom", S_IFCHR | 0666, MKDEV(MEM_MAJOR, 9) },
	{ "kmsg", S_IFCHR | 0644, MKDEV(MEM_MAJOR, 11) },
	{ "console", S_IFCHR | 0600, MKDEV(TTYAUX_MAJOR, 1) },
};

int devtmpfs_init(void)
{
	struct vfsmount *mnt;
	struct device *dev;
	int err;

	err = register_filesystem(&devtmpfs_fs_type);
	if (err)
		return err;
	mnt = kern_mount(&devtmpfs_fs_type);
	if (IS_ERR(mnt))
		return PTR_ERR(mnt);
	mutex_lock(&devices_lock);
	devtmpfs_mnt = mnt;
	list_for_each_entry(dev, &devices, list) {
		err = devtmpfs_create_node(mnt, dev);
		if (err)
			pr_warn("devtmpfs: %s: error %d\n", dev->name, err);
	}
	mutex_unlock(&devices_lock);
	for (size_t i = 0; i < sizeof(boot_devices) / sizeof(boot_devices[0]); i++) {
		dev = device_create(boot_devices[i].name, boot_devices[i].mode,
				    boot_devices[i].devt);
		if (IS_ERR(dev))
			pr_warn("devtmpfs: %s: error %ld\n", boot_devices[i].name, PTR_ERR(dev));
	}
	return 0;
}
