/*
 * ramfs: the simplest file system on top of the VFS and the page cache.
 *
 * Everything lives in the dcache and the page cache: a directory is its
 * dentries (pinned by an extra reference from creation to unlink, so
 * they never leave the dcache: libfs's simple_* helpers), a regular
 * file's data is its cached folios, which never get written anywhere
 * (->dirty_folio does nothing and the mapping is unevictable, so
 * reclaim leaves the folios alone). A symlink's target is a kmalloc'ed
 * string in i_link (freed with the inode, after an RCU grace period, as
 * rcu-walk may still be reading it). No limits: ramfs grows until memory
 * runs out (tmpfs adds limits).
 *
 * Locking: the VFS holds what the spec says around each op (the parent's
 * i_rwsem exclusive around ->mknod/->mkdir/..., see docs/locking.md);
 * ramfs itself adds no lock.
 */
#include <kestrel/blkdev.h>
#include <kestrel/chrdev.h>
#include <kestrel/dcache.h>
#include <kestrel/errno.h>
#include <kestrel/mm.h>
#include <kestrel/pagemap.h>
#include <kestrel/pipe_fs_i.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/ramfs.h>

static const struct super_operations ramfs_ops;
static const struct inode_operations ramfs_dir_inode_operations;

/* A socket node: opening one is not how sockets are reached (ENXIO, as Linux). */
static int no_device_open(struct inode *inode, struct file *file)
{
	return -ENXIO;
}

static const struct file_operations no_device_fops = {
	.open = no_device_open,
};

bool ramfs_special_ok(umode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFIFO:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFSOCK:
	case S_IFREG:
	case S_IFDIR:
	case S_IFLNK:
		return true;
	default:
		return false;
	}
}

void ramfs_init_special_inode(struct inode *inode, umode_t mode, dev_t dev)
{
	init_special_inode(inode, mode, dev);
	if (S_ISCHR(mode))
		inode->i_fop = &def_chr_fops;
	else if (S_ISBLK(mode))
		inode->i_fop = &def_blk_fops;	/* block/fops.c: opens the block_device */
	else if (S_ISFIFO(mode))
		inode->i_fop = &pipefifo_fops;
	else
		inode->i_fop = &no_device_fops;	/* sockets */
}

/* ramfs inodes are plain struct inodes; ours (not the VFS's cache) so ->free_inode can free them. */
static struct inode *ramfs_alloc_inode(struct super_block *sb)
{
	return kzalloc(sizeof(struct inode), GFP_KERNEL);
}

/* Page-cache-only file data: zero-filled on first touch, never written back. */
static const struct address_space_operations ramfs_aops = {
	.read_folio = simple_read_folio,
	.write_begin = simple_write_begin,
	.write_end = simple_write_end,
	.dirty_folio = noop_dirty_folio,
};

const struct file_operations ramfs_file_operations = {
	.read_iter = generic_file_read_iter,
	.write_iter = generic_file_write_iter,
	.llseek = generic_file_llseek,
	.fsync = noop_fsync,
	.mmap = generic_file_mmap,
};

static const struct inode_operations ramfs_file_inode_operations = {
	.setattr = simple_setattr,
	.getattr = simple_getattr,
};

struct inode *ramfs_get_inode(struct super_block *sb, const struct inode *dir, umode_t mode,
			      dev_t dev)
{
	struct inode *inode = new_inode(sb);

	if (!inode)
		return NULL;
	inode->i_ino = get_next_ino();
	inode_init_owner(inode, dir, mode);
	inode->i_mapping->a_ops = &ramfs_aops;
	mapping_set_unevictable(inode->i_mapping);
	inode->i_atime = inode->i_mtime = inode->i_ctime = current_time(inode);
	switch (mode & S_IFMT) {
	case S_IFREG:
		inode->i_op = &ramfs_file_inode_operations;
		inode->i_fop = &ramfs_file_operations;
		break;
	case S_IFDIR:
		inode->i_op = &ramfs_dir_inode_operations;
		inode->i_fop = &simple_dir_operations;
		inc_nlink(inode);	/* "." */
		break;
	case S_IFLNK:
		inode->i_op = &simple_symlink_inode_operations;
		break;
	default:
		ramfs_init_special_inode(inode, mode, dev);
		break;
	}
	return inode;
}

/* A new inode for dentry in dir: instantiate and pin it (the entry exists until unlinked). */
static int ramfs_mknod(struct inode *dir, struct dentry *dentry, umode_t mode, dev_t dev)
{
	struct inode *inode;

	if (!ramfs_special_ok(mode))
		return -EINVAL;
	inode = ramfs_get_inode(dir->i_sb, dir, mode, dev);
	if (!inode)
		return -ENOSPC;
	d_instantiate(dentry, inode);
	dget(dentry);
	dir->i_mtime = dir->i_ctime = current_time(dir);
	return 0;
}

static int ramfs_mkdir(struct inode *dir, struct dentry *dentry, umode_t mode)
{
	int err = ramfs_mknod(dir, dentry, mode | S_IFDIR, 0);

	if (!err)
		inc_nlink(dir);	/* the child's ".." */
	return err;
}

static int ramfs_create(struct inode *dir, struct dentry *dentry, umode_t mode, bool excl)
{
	return ramfs_mknod(dir, dentry, mode | S_IFREG, 0);
}

static int ramfs_symlink(struct inode *dir, struct dentry *dentry, const char *symname)
{
	size_t len = strlen(symname) + 1;
	struct inode *inode;
	char *link;

	if (len > PAGE_SIZE)
		return -ENAMETOOLONG;
	link = kmemdup(symname, len, GFP_KERNEL);
	if (!link)
		return -ENOMEM;
	inode = ramfs_get_inode(dir->i_sb, dir, S_IFLNK | 0777, 0);
	if (!inode) {
		kfree(link);
		return -ENOSPC;
	}
	inode->i_link = link;
	i_size_write(inode, len - 1);
	d_instantiate(dentry, inode);
	dget(dentry);
	dir->i_mtime = dir->i_ctime = current_time(dir);
	return 0;
}

static const struct inode_operations ramfs_dir_inode_operations = {
	.create = ramfs_create,
	.lookup = simple_lookup,
	.link = simple_link,
	.unlink = simple_unlink,
	.symlink = ramfs_symlink,
	.mkdir = ramfs_mkdir,
	.rmdir = simple_rmdir,
	.mknod = ramfs_mknod,
	.rename = simple_rename,
};

/* After the RCU grace period: nothing can be reading the symlink body any more. */
static void ramfs_free_inode(struct inode *inode)
{
	if (S_ISLNK(inode->i_mode))
		kfree(inode->i_link);
	kfree(inode);
}

static const struct super_operations ramfs_ops = {
	.alloc_inode = ramfs_alloc_inode,
	.free_inode = ramfs_free_inode,
	.statfs = simple_statfs,
	.drop_inode = generic_delete_inode,
};

/* The value of mode=OCTAL (at most 07777) in a word of the option string. */
static int ramfs_parse_mode(const char *val, size_t len, umode_t *mode)
{
	char num[8];
	unsigned long long v;

	if (len >= sizeof(num))
		return -EINVAL;
	memcpy(num, val, len);
	num[len] = 0;
	if (kstrtoull(num, 8, &v) || v > 07777)
		return -EINVAL;
	*mode = (umode_t)v;
	return 0;
}

/*
 * Linux's ramfs takes mode= and ignores every other option (so a mount
 * line written for tmpfs works on ramfs). data may be NULL.
 */
static int ramfs_parse_options(const char *data, umode_t *mode)
{
	const char *p = data;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len >= 5 && !strncmp(p, "mode=", 5)) {
			int err = ramfs_parse_mode(p + 5, len - 5, mode);

			if (err)
				return err;
		}
		p = end ? end + 1 : NULL;
	}
	return 0;
}

static int ramfs_fill_super(struct super_block *sb, void *data, int silent)
{
	umode_t mode = 0755;
	struct inode *inode;
	int err;

	err = ramfs_parse_options(data, &mode);
	if (err)
		return err;
	sb->s_maxbytes = MAX_LFS_FILESIZE;
	sb->s_blocksize = PAGE_SIZE;
	sb->s_blocksize_bits = PAGE_SHIFT;
	sb->s_magic = RAMFS_MAGIC;
	sb->s_op = &ramfs_ops;
	sb->s_time_gran = 1;
	inode = ramfs_get_inode(sb, NULL, S_IFDIR | mode, 0);
	if (!inode)
		return -ENOMEM;
	sb->s_root = d_make_root(inode);
	return sb->s_root ? 0 : -ENOMEM;
}

static struct dentry *ramfs_mount(struct file_system_type *fs_type, int flags,
				  const char *dev_name, void *data)
{
	return mount_nodev(fs_type, flags, data, ramfs_fill_super);
}

static struct file_system_type ramfs_fs_type = {
	.name = "ramfs",
	.mount = ramfs_mount,
	.kill_sb = kill_litter_super,
	.fs_flags = FS_USERNS_MOUNT,
};

int ramfs_init(void)
{
	return register_filesystem(&ramfs_fs_type);
}
