/*
 * The root file system at boot: a tmpfs as "/", with devtmpfs on /dev
 * and procfs on /proc (Linux's rootfs + devtmpfs + the init scripts'
 * mount of /proc, done by the kernel so that any /init finds them).
 * The root is always this tmpfs, filled from the initramfs: Kestrel has
 * no block devices to mount a root= from.
 */
#include <kestrel/device.h>
#include <kestrel/mount.h>
#include <kestrel/printk.h>
#include <kestrel/proc_fs.h>
#include <kestrel/ramfs.h>
#include <kestrel/shmem_fs.h>
#include <kestrel/syscalls.h>

static void mount_or_warn(const char *dev, const char *dir, const char *type, umode_t mode)
{
	long err = ksys_mkdir(dir, mode);

	if (!err || err == -EEXIST)
		err = ksys_mount(dev, dir, type, 0, NULL);
	if (err)
		pr_err("VFS: cannot mount %s on %s: error %ld\n", type, dir, err);
}

void fs_root_init(void)
{
	int err;

	err = shmem_init();
	if (!err)
		err = ramfs_init();
	if (!err)
		err = proc_root_init();
	if (!err)
		err = devtmpfs_init();
	if (err)
		panic("VFS: cannot register tmpfs/ramfs/proc/devtmpfs: error %d", err);
	err = init_mount_tree("tmpfs");
	if (err)
		panic("VFS: cannot mount the root tmpfs: error %d", err);
	mount_or_warn("devtmpfs", "/dev", "devtmpfs", 0755);
	mount_or_warn("proc", "/proc", "proc", 0555);
	if (ksys_mkdir("/tmp", 01777))
		pr_err("VFS: cannot make /tmp\n");
	pr_info("VFS: mounted root (tmpfs), /dev (devtmpfs), /proc (proc)\n");
}
