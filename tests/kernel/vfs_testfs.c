/*
 * vfstestfs (see vfs_testfs.h). Directories are the libfs kind (the
 * dcache is the directory); regular files keep their bytes in a buffer
 * (struct tfs_data in i_private) guarded by the inode's i_rwsem: shared
 * to read, exclusive to write or resize.
 */
#include <kestrel/pagemap.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/time.h>
#include <kestrel/rcupdate.h>
#include <kestrel/xattr.h>
#include "vfs_testfs.h"

#define TESTFS_MAGIC 0x7e57f5

struct testfs_counts testfs_counts;
struct testfs_faults testfs_faults;

struct tfs_inode {
	struct inode vfs_inode;
	char *data;		/* file bytes, under i_rwsem */
	size_t cap;
	struct simple_xattrs xattrs;
};

static struct tfs_inode *TFS_I(struct inode *inode)
{
	return container_of(inode, struct tfs_inode, vfs_inode);
}

static const struct inode_operations tfs_dir_iops;
static const struct inode_operations tfs_file_iops;
static const struct file_operations tfs_file_fops;

static struct inode *tfs_alloc_inode(struct super_block *sb)
{
	struct tfs_inode *ti = kzalloc(sizeof(*ti), GFP_KERNEL);

	if (!ti)
		return NULL;
	simple_xattrs_init(&ti->xattrs);
	return &ti->vfs_inode;
}

static void tfs_free_inode(struct inode *inode)
{
	atomic_inc(&testfs_counts.free_inode);
	kfree(TFS_I(inode));
}

static void tfs_evict_inode(struct inode *inode)
{
	struct tfs_inode *ti = TFS_I(inode);

	atomic_inc(&testfs_counts.evict_inode);
	truncate_inode_pages_final(&inode->i_data);
	kfree(ti->data);
	ti->data = NULL;
	simple_xattrs_free(&ti->xattrs);
	if (S_ISLNK(inode->i_mode))
		kfree(inode->i_link);
	clear_inode(inode);
}

static int tfs_drop_inode(struct inode *inode)
{
	atomic_inc(&testfs_counts.drop_inode);
	return generic_delete_inode(inode);
}

static void tfs_put_super(struct super_block *sb)
{
	atomic_inc(&testfs_counts.put_super);
}

static int tfs_sync_fs(struct super_block *sb, int wait)
{
	atomic_inc(&testfs_counts.sync_fs);
	return 0;
}

static const struct super_operations tfs_sops = {
	.alloc_inode = tfs_alloc_inode,
	.free_inode = tfs_free_inode,
	.evict_inode = tfs_evict_inode,
	.drop_inode = tfs_drop_inode,
	.put_super = tfs_put_super,
	.sync_fs = tfs_sync_fs,
	.statfs = simple_statfs,
};

/* ---- dentry ops: plain, or with hash/compare for the contract tests ---- */

static void tfs_d_release(struct dentry *dentry)
{
	atomic_inc(&testfs_counts.d_release);
}

/* Taking a mutex "may block" even when it is free: what the faults below do. */
static DEFINE_MUTEX(tfs_fault_mutex);

static void tfs_fault_block(void)
{
	mutex_lock(&tfs_fault_mutex);
	mutex_unlock(&tfs_fault_mutex);
}

static int tfs_d_hash(const struct dentry *dentry, struct qstr *q)
{
	if (xchg(&testfs_faults.hash_blocks, false))	/* once: one report to capture */
		tfs_fault_block();	/* breaks the spec: ->d_hash may not block */
	return 0;	/* keep the VFS's hash: only the call is being tested */
}

static int tfs_d_compare(const struct dentry *dentry, unsigned int len, const char *str,
			 const struct qstr *name)
{
	if (xchg(&testfs_faults.compare_blocks, false))
		tfs_fault_block();	/* breaks the spec: ->d_compare may not block */
	return len != name->len || memcmp(str, name->name, len);
}

static const struct dentry_operations tfs_dops = {
	.d_release = tfs_d_release,
};

static const struct dentry_operations tfs_dops_compare = {
	.d_release = tfs_d_release,
	.d_hash = tfs_d_hash,
	.d_compare = tfs_d_compare,
};

/* ---- inodes ---- */

static struct inode *tfs_get_inode(struct super_block *sb, const struct inode *dir, umode_t mode,
				   dev_t dev)
{
	struct inode *inode = new_inode(sb);

	if (!inode)
		return NULL;
	inode->i_ino = get_next_ino();
	inode_init_owner(inode, dir, mode);
	inode->i_atime = inode->i_mtime = inode->i_ctime = current_time(inode);
	switch (mode & S_IFMT) {
	case S_IFDIR:
		inode->i_op = &tfs_dir_iops;
		inode->i_fop = &simple_dir_operations;
		inc_nlink(inode);	/* "." */
		break;
	case S_IFREG:
		inode->i_op = &tfs_file_iops;
		inode->i_fop = &tfs_file_fops;
		break;
	case S_IFLNK:
		inode->i_op = &simple_symlink_inode_operations;
		break;
	default:
		init_special_inode(inode, mode, dev);
		break;
	}
	return inode;
}

static int tfs_mknod(struct inode *dir, struct dentry *dentry, umode_t mode, dev_t dev)
{
	struct inode *inode = tfs_get_inode(dir->i_sb, dir, mode, dev);

	if (!inode)
		return -ENOSPC;
	d_instantiate(dentry, inode);
	dget(dentry);	/* the pin: the entry exists until unlinked */
	dir->i_mtime = dir->i_ctime = current_time(dir);
	return 0;
}

static int tfs_create(struct inode *dir, struct dentry *dentry, umode_t mode, bool excl)
{
	return tfs_mknod(dir, dentry, mode | S_IFREG, 0);
}

static int tfs_mkdir(struct inode *dir, struct dentry *dentry, umode_t mode)
{
	int err = tfs_mknod(dir, dentry, mode | S_IFDIR, 0);

	if (!err)
		inc_nlink(dir);
	return err;
}

static int tfs_symlink(struct inode *dir, struct dentry *dentry, const char *symname)
{
	size_t len = strlen(symname) + 1;
	struct inode *inode = tfs_get_inode(dir->i_sb, dir, S_IFLNK | 0777, 0);
	char *body = kmemdup(symname, len, GFP_KERNEL);

	if (!inode || !body) {
		kfree(body);
		iput(inode);
		return -ENOSPC;
	}
	inode->i_link = body;
	i_size_write(inode, len - 1);
	d_instantiate(dentry, inode);
	dget(dentry);
	return 0;
}

/* Resize the buffer (i_rwsem exclusive held). */
static int tfs_resize(struct inode *inode, loff_t size)
{
	struct tfs_inode *ti = TFS_I(inode);

	if ((size_t)size > ti->cap) {
		size_t cap = ti->cap ? ti->cap : 64;
		char *n;

		while (cap < (size_t)size)
			cap *= 2;
		if (cap > (1UL << 20))
			return -EFBIG;	/* a test file system: 1 MiB per file */
		n = kzalloc(cap, GFP_KERNEL);
		if (!n)
			return -ENOMEM;
		if (ti->data)
			memcpy(n, ti->data, i_size_read(inode));
		kfree(ti->data);
		ti->data = n;
		ti->cap = cap;
	}
	if (size < i_size_read(inode))
		memset(ti->data + size, 0, i_size_read(inode) - size);
	i_size_write(inode, size);
	return 0;
}

static int tfs_setattr(struct dentry *dentry, struct iattr *attr)
{
	struct inode *inode = d_inode(dentry);
	int err = setattr_prepare(dentry, attr);

	if (err)
		return err;
	if (attr->ia_valid & ATTR_SIZE) {
		filemap_invalidate_lock(inode->i_mapping);
		err = tfs_resize(inode, attr->ia_size);
		filemap_invalidate_unlock(inode->i_mapping);
		if (err)
			return err;
	}
	setattr_copy(inode, attr);
	return 0;
}

static ssize_t tfs_listxattr(struct dentry *dentry, char *list, size_t size)
{
	return simple_xattr_list(&TFS_I(d_inode(dentry))->xattrs, list, size);
}

/* simple_rmdir, optionally calling a test's hook first (victim held: race tests) */
static int tfs_rmdir(struct inode *dir, struct dentry *dentry)
{
	if (testfs_faults.rmdir_hook)
		testfs_faults.rmdir_hook(dentry);
	return simple_rmdir(dir, dentry);
}

static const struct inode_operations tfs_dir_iops = {
	.lookup = simple_lookup,
	.create = tfs_create,
	.mkdir = tfs_mkdir,
	.mknod = tfs_mknod,
	.symlink = tfs_symlink,
	.link = simple_link,
	.unlink = simple_unlink,
	.rmdir = tfs_rmdir,
	.rename = simple_rename,
	.setattr = tfs_setattr,
	.getattr = simple_getattr,
	.listxattr = tfs_listxattr,
};

static const struct inode_operations tfs_file_iops = {
	.setattr = tfs_setattr,
	.getattr = simple_getattr,
	.listxattr = tfs_listxattr,
};

/* ---- file data ---- */

static ssize_t tfs_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	struct tfs_inode *ti = TFS_I(inode);
	ssize_t n = 0;
	loff_t size;

	inode_lock_shared(inode);
	size = i_size_read(inode);
	if (iocb->ki_pos < size) {
		size_t want = min((size_t)(size - iocb->ki_pos), iov_iter_count(to));

		n = copy_to_iter(ti->data + iocb->ki_pos, want, to);
		iocb->ki_pos += n;
	}
	inode_unlock_shared(inode);
	return n;
}

static ssize_t tfs_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	struct tfs_inode *ti = TFS_I(inode);
	size_t count = iov_iter_count(from);
	ssize_t n;
	int err;

	inode_lock(inode);
	if (iocb->ki_flags & IOCB_APPEND)
		iocb->ki_pos = i_size_read(inode);
	if (iocb->ki_pos + (loff_t)count > i_size_read(inode)) {
		filemap_invalidate_lock(inode->i_mapping);
		err = tfs_resize(inode, iocb->ki_pos + count);
		filemap_invalidate_unlock(inode->i_mapping);
		if (err) {
			inode_unlock(inode);
			return err;
		}
	}
	n = copy_from_iter(ti->data + iocb->ki_pos, count, from);
	iocb->ki_pos += n;
	inode->i_mtime = inode->i_ctime = current_time(inode);
	inode_unlock(inode);
	return n;
}

static const struct file_operations tfs_file_fops = {
	.llseek = generic_file_llseek,
	.read_iter = tfs_read_iter,
	.write_iter = tfs_write_iter,
	.fsync = noop_fsync,
	.open = generic_file_open,
};

/* ---- user.* xattrs ---- */

static int tfs_xattr_get(const struct xattr_handler *h, struct dentry *dentry,
			 struct inode *inode, const char *name, void *buf, size_t size)
{
	char full[XATTR_NAME_MAX + 1];

	snprintf(full, sizeof(full), "user.%s", name);
	return simple_xattr_get(&TFS_I(inode)->xattrs, full, buf, size);
}

static int tfs_xattr_set(const struct xattr_handler *h, struct dentry *dentry,
			 struct inode *inode, const char *name, const void *value, size_t size,
			 int flags)
{
	char full[XATTR_NAME_MAX + 1];

	snprintf(full, sizeof(full), "user.%s", name);
	return simple_xattr_set(&TFS_I(inode)->xattrs, full, value, size, flags);
}

static const struct xattr_handler tfs_user_xattr = {
	.prefix = XATTR_USER_PREFIX,
	.get = tfs_xattr_get,
	.set = tfs_xattr_set,
};

static const struct xattr_handler *const tfs_xattr_handlers[] = { &tfs_user_xattr, NULL };

/* ---- super block ---- */

static int tfs_fill_super(struct super_block *sb, void *data, int silent)
{
	struct inode *root;

	sb->s_magic = TESTFS_MAGIC;
	sb->s_op = &tfs_sops;
	sb->s_xattr = tfs_xattr_handlers;
	sb->s_d_op = READ_ONCE(testfs_faults.use_compare) ? &tfs_dops_compare : &tfs_dops;
	root = tfs_get_inode(sb, NULL, S_IFDIR | 0755, 0);
	if (!root)
		return -ENOMEM;
	sb->s_root = d_make_root(root);
	if (!sb->s_root)
		return -ENOMEM;
	if (xchg(&testfs_faults.fill_fails, false))
		return -EIO;	/* ->kill_sb must free the root made above */
	return 0;
}

static struct dentry *tfs_mount(struct file_system_type *type, int flags, const char *dev,
				void *data)
{
	return mount_nodev(type, flags, data, tfs_fill_super);
}

struct file_system_type vfstestfs_type = {
	.name = "vfstestfs",
	.mount = tfs_mount,
	.kill_sb = kill_litter_super,
};

/* ---- the test environment ---- */

static void cache_objs(unsigned long *dentries, unsigned long *filps)
{
	struct kmem_cache_stats st;

	kmem_cache_get_stats(dentry_kmem_cache(), &st);
	*dentries = st.active_objs;
	kmem_cache_get_stats(filp_kmem_cache(), &st);
	*filps = st.active_objs;
}

bool vfs_env_begin(struct ktest_ctx *t, struct vfs_env *env)
{
	struct path root;

	if (!get_fs_type(vfstestfs_type.name) && register_filesystem(&vfstestfs_type)) {
		KEXPECT(!"register vfstestfs");
		return false;
	}
	{
		bool use_compare = testfs_faults.use_compare;	/* chosen by the test for this mount */

		memset(&testfs_faults, 0, sizeof(testfs_faults));
		testfs_faults.use_compare = use_compare;
	}
	rcu_barrier();
	cache_objs(&env->dentry_objs, &env->filp_objs);
	env->inodes = get_nr_inodes();
	env->files = get_nr_files();
	env->fds = nr_open_fds();
	env->mnt = kern_mount(&vfstestfs_type);
	if (IS_ERR(env->mnt)) {
		KEXPECT(!"kern_mount vfstestfs");
		return false;
	}
	get_fs_root(current_fs(), &env->old_root);
	get_fs_pwd(current_fs(), &env->old_pwd);
	root.mnt = env->mnt;
	root.dentry = env->mnt->mnt_root;
	set_fs_root(current_fs(), &root);
	set_fs_pwd(current_fs(), &root);
	return true;
}

bool vfs_env_end(struct ktest_ctx *t, struct vfs_env *env)
{
	unsigned long dentries, filps;
	bool ok = true;

	set_fs_root(current_fs(), &env->old_root);
	set_fs_pwd(current_fs(), &env->old_pwd);
	path_put(&env->old_root);
	path_put(&env->old_pwd);
	kern_unmount(env->mnt);
	rcu_barrier();
	cache_objs(&dentries, &filps);
	ok &= KEXPECT_EQ(nr_open_fds(), env->fds);
	ok &= KEXPECT_EQ(get_nr_files(), env->files);
	ok &= KEXPECT_EQ(get_nr_inodes(), env->inodes);
	ok &= KEXPECT_EQ(dentries, env->dentry_objs);
	ok &= KEXPECT_EQ(filps, env->filp_objs);
	return ok;
}

long testfs_write_file(const char *path, const char *data, size_t len)
{
	long fd = ksys_open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	long n;

	if (fd < 0)
		return fd;
	n = ksys_write(fd, data, len);
	ksys_close(fd);
	return n;
}

long testfs_read_file(const char *path, char *buf, size_t len)
{
	long fd = ksys_open(path, O_RDONLY, 0);
	long n;

	if (fd < 0)
		return fd;
	n = ksys_read(fd, buf, len);
	ksys_close(fd);
	return n;
}
