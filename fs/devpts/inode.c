/*
 * devpts: the file system of pseudo-terminal slaves, /dev/pts, after
 * Linux's fs/devpts/inode.c.
 *
 * It holds one character device node per pseudo-terminal in use, named
 * by its number: /dev/pts/0 is 136:0. Opening /dev/ptmx makes a pair
 * (drivers/tty/pty.c), which calls devpts_pty_new() for the slave's
 * node; the master's last close calls devpts_pty_kill(), and the name
 * is gone (a slave still open elsewhere stays open, hung up). There is
 * also /dev/pts/ptmx (5:2, mode 0000, as Linux's). Nodes belong to the
 * process that opened /dev/ptmx, with mode 0620 and group tty (5): what
 * Debian's mount options (gid=5,mode=620) give.
 *
 * Kestrel has one devpts instance, mounted by the kernel on /dev/pts at
 * boot (fs/do_mounts.c); mounting devpts again shows the same nodes.
 * Users cannot make or remove files in it.
 *
 * Locking: the root directory's i_rwsem, held while a node is added or
 * removed, as any directory change; devpts_sb is set once at boot.
 */
#include <kestrel/chrdev.h>
#include <kestrel/cred.h>
#include <kestrel/dcache.h>
#include <kestrel/devpts_fs.h>
#include <kestrel/mount.h>
#include <kestrel/printk.h>
#include <kestrel/tty.h>
#include <kestrel/vsprintf.h>

#define DEVPTS_SUPER_MAGIC 0x1cd1	/* Linux's */
#define DEVPTS_TTY_GID 5		/* group tty */
#define DEVPTS_MODE 0620

static struct vfsmount *devpts_kern_mnt;	/* set once at boot: the only instance */
static struct super_block *devpts_sb;		/* set once at boot: its super block */

struct vfsmount *devpts_mnt(void)
{
	return devpts_kern_mnt;
}

/* A node in the root; its dentry, pinned, or ERR_PTR. */
static struct dentry *devpts_add_node(const char *name, unsigned long ino, umode_t mode,
				      dev_t rdev, kuid_t uid, kgid_t gid)
{
	struct dentry *root = devpts_sb->s_root, *dentry;
	struct inode *inode;

	inode_lock(d_inode(root));
	dentry = d_alloc_name(root, name);
	if (!dentry) {
		dentry = ERR_PTR(-ENOMEM);
		goto out;
	}
	inode = new_inode(devpts_sb);
	if (!inode) {
		dput(dentry);
		dentry = ERR_PTR(-ENOMEM);
		goto out;
	}
	inode->i_ino = ino;
	init_special_inode(inode, S_IFCHR | mode, rdev);
	inode->i_fop = &def_chr_fops;	/* open goes to the tty core through the chrdev table */
	inode->i_uid = uid;
	inode->i_gid = gid;
	inode->i_atime = inode->i_mtime = inode->i_ctime = current_time(inode);
	d_add(dentry, inode);	/* the reference from d_alloc_name pins it */
out:
	inode_unlock(d_inode(root));
	return dentry;
}

struct dentry *devpts_pty_new(unsigned int index)
{
	char name[16];

	if (!devpts_sb)
		return ERR_PTR(-ENODEV);
	snprintf(name, sizeof(name), "%u", index);
	return devpts_add_node(name, index + 3, DEVPTS_MODE,
			       MKDEV(UNIX98_PTY_SLAVE_MAJOR, index), current_fsuid(),
			       DEVPTS_TTY_GID);
}

void devpts_pty_kill(struct dentry *dentry)
{
	struct inode *dir = d_inode(devpts_sb->s_root);

	inode_lock(dir);
	drop_nlink(d_inode(dentry));
	d_drop(dentry);
	dput(dentry);	/* the pin */
	inode_unlock(dir);
}

static int devpts_fill_super(struct super_block *s, void *data, int silent)
{
	return simple_fill_super_root(s, DEVPTS_SUPER_MAGIC, 0755);
}

static struct dentry *devpts_mount(struct file_system_type *fs_type, int flags,
				   const char *dev_name, void *data)
{
	return mount_single(fs_type, flags, data, devpts_fill_super);
}

static struct file_system_type devpts_fs_type = {
	.name = "devpts",
	.mount = devpts_mount,
	.kill_sb = kill_anon_super,
};

int devpts_init(void)
{
	struct vfsmount *mnt;
	struct dentry *ptmx;
	int err = register_filesystem(&devpts_fs_type);

	if (err)
		return err;
	mnt = kern_mount(&devpts_fs_type);	/* the instance lives as long as the kernel */
	if (IS_ERR(mnt))
		return PTR_ERR(mnt);
	devpts_kern_mnt = mnt;
	devpts_sb = mnt->mnt_sb;
	ptmx = devpts_add_node("ptmx", 2, 0, MKDEV(TTYAUX_MAJOR, 2), 0, 0);
	return IS_ERR(ptmx) ? PTR_ERR(ptmx) : 0;
}
