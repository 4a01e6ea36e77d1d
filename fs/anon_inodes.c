/*
 * anon_inodefs: one inode for every file that has no name (epoll,
 * eventfd, timerfd, signalfd), after Linux's fs/anon_inodes.c.
 *
 * Such a file still needs an inode and a path (fstat, /proc/<pid>/fd,
 * the VFS's bookkeeping), but nothing about it lives in the inode: the
 * file's private_data is the object. So one inode serves them all (mode
 * 0600 and no file type, as Linux's, so fstat shows st_mode 0600), and
 * each file gets a dentry of its own, never hashed, named "[eventfd]"
 * and the like; d_dname prints it as "anon_inode:[eventfd]". The last
 * fput frees the dentry; the shared inode stays.
 *
 * Locking: none of its own; the mount and inode are set up once at boot.
 */
#include <kestrel/anon_inodes.h>
#include <kestrel/dcache.h>
#include <kestrel/fdtable.h>
#include <kestrel/init.h>
#include <kestrel/mount.h>
#include <kestrel/printk.h>
#include <kestrel/string.h>
#include <kestrel/vsprintf.h>

#define ANON_INODE_FS_MAGIC 0x09041934	/* Linux's */

static struct vfsmount *anon_inode_mnt;	/* set once at boot */
static struct inode *anon_inode_inode;	/* set once at boot */

static char *anon_inodefs_dname(struct dentry *dentry, char *buffer, int buflen)
{
	int n = snprintf(buffer, buflen, "anon_inode:%s", dentry->d_name.name);

	if (n >= buflen)
		return ERR_PTR(-ENAMETOOLONG);
	return buffer;
}

static const struct dentry_operations anon_inodefs_dentry_operations = {
	.d_delete = always_delete_dentry,
	.d_dname = anon_inodefs_dname,
};

static int anon_inodefs_fill_super(struct super_block *s, void *data, int silent)
{
	s->s_d_op = &anon_inodefs_dentry_operations;
	return simple_fill_super_root(s, ANON_INODE_FS_MAGIC, 0700);
}

static struct dentry *anon_inodefs_mount(struct file_system_type *fs_type, int flags,
					 const char *dev_name, void *data)
{
	return mount_nodev(fs_type, flags, data, anon_inodefs_fill_super);
}

static struct file_system_type anon_inode_fs_type = {
	.name = "anon_inodefs",
	.mount = anon_inodefs_mount,
	.kill_sb = kill_anon_super,
};

struct file *anon_inode_getfile(const char *name, const struct file_operations *fops, void *priv,
				int flags)
{
	struct file *file;

	if (!anon_inode_inode)
		return ERR_PTR(-ENODEV);
	ihold(anon_inode_inode);
	file = alloc_file_pseudo(anon_inode_inode, anon_inode_mnt, name,
				 flags & (O_ACCMODE | O_NONBLOCK), fops);
	if (IS_ERR(file)) {
		iput(anon_inode_inode);
		return file;
	}
	file->private_data = priv;
	return file;
}

int anon_inode_getfd(const char *name, const struct file_operations *fops, void *priv, int flags)
{
	struct file *file;
	int fd = get_unused_fd_flags(flags);

	if (fd < 0)
		return fd;
	file = anon_inode_getfile(name, fops, priv, flags);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		return PTR_ERR(file);
	}
	fd_install(fd, file);
	return fd;
}

static int anon_inode_init(void)
{
	struct inode *inode;
	int err = register_filesystem(&anon_inode_fs_type);

	if (err)
		return err;
	anon_inode_mnt = kern_mount(&anon_inode_fs_type);
	if (IS_ERR(anon_inode_mnt)) {
		err = PTR_ERR(anon_inode_mnt);
		anon_inode_mnt = NULL;
		return err;
	}
	inode = new_inode(anon_inode_mnt->mnt_sb);
	if (!inode)
		return -ENOMEM;
	inode->i_ino = get_next_ino();
	inode->i_mode = S_IRUSR | S_IWUSR;
	inode->i_uid = 0;
	inode->i_gid = 0;
	inode->i_atime = inode->i_mtime = inode->i_ctime = current_time(inode);
	anon_inode_inode = inode;
	return 0;
}
late_initcall(anon_inode_init);
