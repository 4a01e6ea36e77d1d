/*
 * Helpers for simple in-memory file systems (ramfs, tmpfs, procfs...),
 * after Linux's fs/libfs.c. The dcache is the directory: a directory's
 * entries are its positive hashed child dentries, each pinned by one
 * extra reference taken when it was created (simple_mknod-style
 * d_instantiate + dget) and dropped by simple_unlink. Negative lookups
 * are not cached (simple_dentry_operations.d_delete).
 *
 * Callers hold the locks the spec gives the ops these implement (the
 * VFS's wrappers check); the helpers take only d_lock for walking the
 * children and invalidate_lock for truncation.
 */
#include <kestrel/dcache.h>
#include <kestrel/mount.h>
#include <kestrel/namei.h>
#include <kestrel/pagemap.h>
#include <kestrel/string.h>
#include "internal.h"

int always_delete_dentry(const struct dentry *dentry)
{
	return 1;
}

const struct dentry_operations simple_dentry_operations = {
	.d_delete = always_delete_dentry,
};

struct dentry *simple_lookup(struct inode *dir, struct dentry *dentry, unsigned int flags)
{
	if (dentry->d_name.len > NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	if (!dentry->d_sb->s_d_op)
		d_set_d_op(dentry, &simple_dentry_operations);
	d_add(dentry, NULL);
	return NULL;
}

static bool simple_positive(const struct dentry *dentry)
{
	return d_really_is_positive(dentry) && !d_unhashed(dentry);
}

int simple_empty(struct dentry *dentry)
{
	struct dentry *child;
	int ret = 1;

	spin_lock(&dentry->d_lock);
	list_for_each_entry(child, &dentry->d_subdirs, d_child) {
		spin_lock_nested(&child->d_lock, 1);
		if (simple_positive(child)) {
			spin_unlock(&child->d_lock);
			ret = 0;
			break;
		}
		spin_unlock(&child->d_lock);
	}
	spin_unlock(&dentry->d_lock);
	return ret;
}

static void touch_dir(struct inode *dir, struct inode *inode)
{
	struct timespec64 now = current_time(dir);

	dir->i_mtime = dir->i_ctime = now;
	if (inode)
		inode->i_ctime = now;
}

int simple_link(struct dentry *old_dentry, struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = d_inode(old_dentry);

	touch_dir(dir, inode);
	inc_nlink(inode);
	ihold(inode);
	dget(dentry);	/* the pin: the entry exists until unlinked */
	d_instantiate(dentry, inode);
	return 0;
}

int simple_unlink(struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = d_inode(dentry);

	touch_dir(dir, inode);
	drop_nlink(inode);
	dput(dentry);	/* the pin taken at creation */
	return 0;
}

int simple_rmdir(struct inode *dir, struct dentry *dentry)
{
	if (!simple_empty(dentry))
		return -ENOTEMPTY;
	drop_nlink(d_inode(dentry));
	simple_unlink(dir, dentry);
	drop_nlink(dir);
	return 0;
}

int simple_rename_exchange(struct inode *old_dir, struct dentry *old_dentry,
			   struct inode *new_dir, struct dentry *new_dentry)
{
	bool old_is_dir = d_is_dir(old_dentry);
	bool new_is_dir = d_is_dir(new_dentry);

	if (old_dir != new_dir && old_is_dir != new_is_dir) {
		if (old_is_dir) {
			drop_nlink(old_dir);
			inc_nlink(new_dir);
		} else {
			drop_nlink(new_dir);
			inc_nlink(old_dir);
		}
	}
	touch_dir(old_dir, d_inode(old_dentry));
	touch_dir(new_dir, d_inode(new_dentry));
	return 0;
}

int simple_rename(struct inode *old_dir, struct dentry *old_dentry, struct inode *new_dir,
		  struct dentry *new_dentry, unsigned int flags)
{
	bool they_are_dirs = d_is_dir(old_dentry);

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;
	if (flags & RENAME_EXCHANGE)
		return simple_rename_exchange(old_dir, old_dentry, new_dir, new_dentry);
	if (!simple_empty(new_dentry))
		return -ENOTEMPTY;
	if (d_really_is_positive(new_dentry)) {
		simple_unlink(new_dir, new_dentry);
		if (they_are_dirs) {
			drop_nlink(d_inode(new_dentry));
			drop_nlink(old_dir);
		}
	} else if (they_are_dirs) {
		drop_nlink(old_dir);
		inc_nlink(new_dir);
	}
	touch_dir(old_dir, d_inode(old_dentry));
	touch_dir(new_dir, NULL);
	return 0;
}

int simple_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	buf->f_type = dentry->d_sb->s_magic;
	buf->f_bsize = PAGE_SIZE;
	buf->f_namelen = NAME_MAX;
	return 0;
}

int simple_getattr(const struct path *path, struct kstat *stat, u32 request_mask,
		   unsigned int query_flags)
{
	struct inode *inode = d_inode(path->dentry);

	generic_fillattr(request_mask, inode, stat);
	stat->blocks = inode->i_mapping->nrpages << (PAGE_SHIFT - 9);
	return 0;
}

/*
 * ->setattr for in-memory files. A size change truncates the page cache
 * with invalidate_lock held exclusive, so no read or fault can bring
 * back pages beyond the new end meanwhile (the spec's rule for
 * ->invalidate_folio, which truncation calls).
 */
int simple_setattr(struct dentry *dentry, struct iattr *iattr)
{
	struct inode *inode = d_inode(dentry);
	int err = setattr_prepare(dentry, iattr);

	if (err)
		return err;
	if (iattr->ia_valid & ATTR_SIZE) {
		filemap_invalidate_lock(inode->i_mapping);
		truncate_setsize(inode, iattr->ia_size);
		filemap_invalidate_unlock(inode->i_mapping);
	}
	setattr_copy(inode, iattr);
	mark_inode_dirty(inode);
	return 0;
}

int simple_open(struct inode *inode, struct file *file)
{
	if (inode->i_private)
		file->private_data = inode->i_private;
	return 0;
}

const char *simple_get_link(struct dentry *dentry, struct inode *inode, struct delayed_call *done)
{
	return inode->i_link;
}

const struct inode_operations simple_symlink_inode_operations = {
	.get_link = simple_get_link,
};

/* ---------------------------------------------------------------- directories */

int dcache_dir_open(struct inode *inode, struct file *file)
{
	return 0;
}

int dcache_dir_close(struct inode *inode, struct file *file)
{
	return 0;
}

loff_t dcache_dir_lseek(struct file *file, loff_t offset, int whence)
{
	switch (whence) {
	case SEEK_CUR:
		if (__builtin_add_overflow(offset, file->f_pos, &offset))
			return -EINVAL;
		break;
	case SEEK_SET:
		break;
	default:
		return -EINVAL;
	}
	if (offset < 0)
		return -EINVAL;
	file->f_pos = offset;
	return offset;
}

bool dir_emit_dots(struct file *file, struct dir_context *ctx)
{
	if (ctx->pos == 0) {
		if (!dir_emit(ctx, ".", 1, file_inode(file)->i_ino, DT_DIR))
			return false;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		struct dentry *parent = dget_parent(file->f_path.dentry);
		u64 ino = d_inode(parent)->i_ino;

		dput(parent);
		if (!dir_emit(ctx, "..", 2, ino, DT_DIR))
			return false;
		ctx->pos = 2;
	}
	return true;
}

/*
 * The positive child of dir with the smallest d_rdpos >= from, copied out
 * under d_lock. f_pos is 2 + that d_rdpos: positions are stable per
 * dentry (never list indexes), so entries that stay are returned exactly
 * once however others are created, unlinked or renamed meanwhile. Cost
 * is quadratic in the directory size; fine for in-memory directories.
 */
static bool next_entry(struct dentry *dir, u64 from, char *name, int *len, u64 *ino,
		       unsigned int *type, u64 *rdpos)
{
	struct dentry *child;
	bool found = false;

	spin_lock(&dir->d_lock);
	list_for_each_entry(child, &dir->d_subdirs, d_child) {
		spin_lock_nested(&child->d_lock, 1);
		if (simple_positive(child) && child->d_rdpos >= from &&
		    (!found || child->d_rdpos < *rdpos)) {
			*len = child->d_name.len;
			memcpy(name, child->d_name.name, *len);
			*ino = child->d_inode->i_ino;
			*type = fs_umode_to_dtype(child->d_inode->i_mode);
			*rdpos = child->d_rdpos;
			found = true;
		}
		spin_unlock(&child->d_lock);
	}
	spin_unlock(&dir->d_lock);
	return found;
}

int dcache_readdir(struct file *file, struct dir_context *ctx)
{
	char name[NAME_MAX + 1];
	int len;
	u64 ino, rdpos = 0;
	unsigned int type;

	if (!dir_emit_dots(file, ctx))
		return 0;
	while (next_entry(file->f_path.dentry, ctx->pos - 2, name, &len, &ino, &type, &rdpos)) {
		if (!dir_emit(ctx, name, len, ino, type))
			break;
		ctx->pos = rdpos + 3;
	}
	return 0;
}

ssize_t generic_read_dir(struct file *filp, char __user *buf, size_t siz, loff_t *ppos)
{
	return -EISDIR;
}

int noop_fsync(struct file *file, loff_t start, loff_t end, int datasync)
{
	return 0;
}

int generic_file_fsync(struct file *file, loff_t start, loff_t end, int datasync)
{
	struct inode *inode = file->f_mapping->host;
	int err = file_write_and_wait_range(file, start, end);

	if (err)
		return err;
	if (!(inode->i_state & I_DIRTY_INODE) || (datasync && !(inode->i_state & I_DIRTY_DATASYNC)))
		return 0;
	return write_inode_now(inode, 1);
}

const struct file_operations simple_dir_operations = {
	.open = dcache_dir_open,
	.release = dcache_dir_close,
	.llseek = dcache_dir_lseek,
	.read = generic_read_dir,
	.iterate_shared = dcache_readdir,
	.fsync = noop_fsync,
};

const struct inode_operations simple_dir_inode_operations = {
	.lookup = simple_lookup,
};

const struct super_operations simple_super_operations = {
	.statfs = simple_statfs,
	.drop_inode = generic_delete_inode,
};

/* A root directory inode (ino 1) and its dentry for s. */
int simple_fill_super_root(struct super_block *s, unsigned long magic, umode_t root_mode)
{
	struct inode *inode;

	s->s_magic = magic;
	if (!s->s_op)
		s->s_op = &simple_super_operations;
	inode = new_inode(s);
	if (!inode)
		return -ENOMEM;
	inode->i_ino = 1;
	inode->i_mode = S_IFDIR | (root_mode & (S_IRWXU | S_IRWXG | S_IRWXO | S_ISVTX));
	inode->i_atime = inode->i_mtime = inode->i_ctime = current_time(inode);
	inode->i_op = &simple_dir_inode_operations;
	inode->i_fop = &simple_dir_operations;
	set_nlink(inode, 2);
	s->s_root = d_make_root(inode);
	return s->s_root ? 0 : -ENOMEM;
}

/* ---------------------------------------------------------------- buffers */

ssize_t simple_read_from_buffer(void *to, size_t count, loff_t *ppos, const void *from,
				size_t available)
{
	loff_t pos = *ppos;

	if (pos < 0)
		return -EINVAL;
	if ((size_t)pos >= available || !count)
		return 0;
	if (count > available - pos)
		count = available - pos;
	memcpy(to, (const char *)from + pos, count);
	*ppos = pos + count;
	return count;
}

ssize_t simple_write_to_buffer(void *to, size_t available, loff_t *ppos, const void *from,
			       size_t count)
{
	loff_t pos = *ppos;

	if (pos < 0)
		return -EINVAL;
	if ((size_t)pos >= available || !count)
		return 0;
	if (count > available - pos)
		count = available - pos;
	memcpy((char *)to + pos, from, count);
	*ppos = pos + count;
	return count;
}

int generic_check_addressable(unsigned blocksize_bits, u64 num_blocks)
{
	return 0;	/* 64-bit loff_t and page indexes cover any block count */
}
