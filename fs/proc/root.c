/*
 * procfs: the file system type, the root directory and the generic file.
 *
 * The root directory's entries are the table below, "self" and the pid
 * directories (base.c). ->lookup makes an inode for the name (or a
 * negative dentry) every time the dcache misses; d_delete always says yes,
 * so nothing of /proc stays cached once unused. ->iterate_shared emits
 * ".", "..", the table, "self", then the tasks by pid (f_pos = a pid
 * offset, so tasks coming and going between getdents calls are fine).
 *
 * Every regular file opens as a seq_file with its entry's show function
 * (single_open); m->private is the proc_inode.
 *
 * No locks of its own: the tables are constant, and each show function
 * takes what its data needs.
 */
#include <kestrel/dcache.h>
#include <kestrel/errno.h>
#include <kestrel/filelock.h>
#include <kestrel/mm.h>
#include <kestrel/mount.h>
#include <kestrel/proc_fs.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include "internal.h"

static const struct proc_entry proc_root_entries[] = {
	{ "cmdline", S_IFREG | 0444, cmdline_proc_show },
	{ "cpuinfo", S_IFREG | 0444, cpuinfo_proc_show },
	{ "filesystems", S_IFREG | 0444, filesystems_proc_show },
	{ "interrupts", S_IFREG | 0444, interrupts_proc_show },
	{ "locks", S_IFREG | 0444, locks_seq_show },	/* fs/locks.c */
	{ "meminfo", S_IFREG | 0444, meminfo_proc_show },
	{ "mounts", S_IFREG | 0444, mounts_proc_show },
	{ "uptime", S_IFREG | 0444, uptime_proc_show },
	{ "version", S_IFREG | 0444, version_proc_show },
};
#define NR_ROOT_ENTRIES (sizeof(proc_root_entries) / sizeof(proc_root_entries[0]))
/*
 * Directory positions: 0 ".", 1 "..", 2.. the table, then the registered
 * entries (generic.c), then self, then pids.
 */
#define ROOT_POS_DYN (2 + NR_ROOT_ENTRIES)
#define ROOT_POS_SELF (ROOT_POS_DYN + PROC_ROOT_DYN_MAX)
#define ROOT_POS_PIDS (ROOT_POS_SELF + 1)

static struct kmem_cache *proc_inode_cachep;

/* ---------------------------------------------------------------- files */

static int proc_single_open(struct inode *inode, struct file *file)
{
	struct proc_inode *pi = PROC_I(inode);

	return single_open(file, pi->entry->show, pi);
}

const struct file_operations proc_seq_file_operations = {
	.open = proc_single_open,
	.read_iter = seq_read_iter,
	.llseek = seq_lseek,
	.release = single_release,
};

/* ---------------------------------------------------------------- inodes */

static struct inode *proc_alloc_inode(struct super_block *sb)
{
	struct proc_inode *pi = kmem_cache_alloc(proc_inode_cachep, GFP_KERNEL);

	if (!pi)
		return NULL;
	pi->entry = NULL;
	pi->pid = 0;
	pi->fd = -1;
	return &pi->vfs_inode;
}

static void proc_free_inode(struct inode *inode)
{
	kmem_cache_free(proc_inode_cachep, PROC_I(inode));
}

static const struct super_operations proc_sops = {
	.alloc_inode = proc_alloc_inode,
	.free_inode = proc_free_inode,
	.drop_inode = generic_delete_inode,
	.statfs = simple_statfs,
};

static const struct dentry_operations proc_dentry_operations = {
	.d_delete = always_delete_dentry,
};

struct inode *proc_new_inode(struct super_block *sb, umode_t mode, unsigned long ino)
{
	struct inode *inode = new_inode(sb);

	if (!inode)
		return NULL;
	inode->i_ino = ino;
	inode->i_mode = mode;
	inode->i_atime = inode->i_mtime = inode->i_ctime = current_time(inode);
	if (S_ISDIR(mode))
		set_nlink(inode, 2);
	else
		set_nlink(inode, 1);
	if (S_ISREG(mode))
		inode->i_fop = &proc_seq_file_operations;
	return inode;
}

/* ---------------------------------------------------------------- the root directory */

static struct dentry *proc_root_lookup(struct inode *dir, struct dentry *dentry,
				       unsigned int flags)
{
	const char *name = (const char *)dentry->d_name.name;
	int len = dentry->d_name.len;
	struct inode *inode = NULL;
	int err;

	for (size_t i = 0; i < NR_ROOT_ENTRIES; i++) {
		const struct proc_entry *e = &proc_root_entries[i];

		if (strlen(e->name) == (size_t)len && !memcmp(e->name, name, len)) {
			inode = proc_new_inode(dir->i_sb, e->mode, 2 + i);
			if (!inode)
				return ERR_PTR(-ENOMEM);
			PROC_I(inode)->entry = e;
			d_add(dentry, inode);
			return NULL;
		}
	}
	err = proc_root_dyn_lookup(dir, dentry);
	if (err)
		return err < 0 ? ERR_PTR(err) : NULL;
	if (len == 4 && !memcmp(name, "self", 4)) {
		inode = proc_self_inode(dir->i_sb);
		if (!inode)
			return ERR_PTR(-ENOMEM);
		d_add(dentry, inode);
		return NULL;
	}
	return proc_pid_lookup(dentry, name, len);
}

bool proc_root_name_taken(const char *name)
{
	for (size_t i = 0; i < NR_ROOT_ENTRIES; i++)
		if (!strcmp(proc_root_entries[i].name, name))
			return true;
	return !strcmp(name, "self") || (name[0] >= '0' && name[0] <= '9');
}

static int proc_root_readdir(struct file *file, struct dir_context *ctx)
{
	if (!dir_emit_dots(file, ctx))
		return 0;
	while (ctx->pos < (loff_t)ROOT_POS_DYN) {
		const struct proc_entry *e = &proc_root_entries[ctx->pos - 2];

		if (!dir_emit(ctx, e->name, strlen(e->name), 2 + (ctx->pos - 2), DT_REG))
			return 0;
		ctx->pos++;
	}
	if (ctx->pos < (loff_t)ROOT_POS_SELF) {
		if (!proc_root_dyn_readdir(ctx, ROOT_POS_DYN))
			return 0;
		ctx->pos = ROOT_POS_SELF;
	}
	if (ctx->pos == ROOT_POS_SELF) {
		if (!dir_emit(ctx, "self", 4, ROOT_POS_SELF, DT_LNK))
			return 0;
		ctx->pos++;
	}
	return proc_pid_readdir(file, ctx, ROOT_POS_PIDS);
}

static const struct inode_operations proc_root_inode_operations = {
	.lookup = proc_root_lookup,
};

static const struct file_operations proc_root_operations = {
	.iterate_shared = proc_root_readdir,
	.read = generic_read_dir,	/* read() of a directory: EISDIR */
	.llseek = generic_file_llseek,
};

static int proc_fill_super(struct super_block *sb, void *data, int silent)
{
	struct inode *root;

	sb->s_magic = PROC_SUPER_MAGIC;
	sb->s_op = &proc_sops;
	sb->s_d_op = &proc_dentry_operations;
	sb->s_blocksize = PAGE_SIZE;
	sb->s_blocksize_bits = PAGE_SHIFT;
	sb->s_maxbytes = MAX_LFS_FILESIZE;
	sb->s_time_gran = 1;
	root = proc_new_inode(sb, S_IFDIR | 0555, PROC_ROOT_INO);
	if (!root)
		return -ENOMEM;
	root->i_op = &proc_root_inode_operations;
	root->i_fop = &proc_root_operations;
	sb->s_root = d_make_root(root);
	return sb->s_root ? 0 : -ENOMEM;
}

static struct dentry *proc_mount(struct file_system_type *fs_type, int flags,
				 const char *dev_name, void *data)
{
	return mount_single(fs_type, flags, data, proc_fill_super);
}

static struct file_system_type proc_fs_type = {
	.name = "proc",
	.mount = proc_mount,
	.kill_sb = kill_anon_super,
};

int proc_root_init(void)
{
	proc_inode_cachep = kmem_cache_create("proc_inode_cache", sizeof(struct proc_inode), 0,
					      SLAB_HWCACHE_ALIGN);
	if (!proc_inode_cachep)
		return -ENOMEM;
	return register_filesystem(&proc_fs_type);
}
