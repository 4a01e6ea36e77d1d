/*
 * The checked calls of inode_operations: directory operations, links,
 * attributes and permissions (fs/namei.c, fs/attr.c, fs/stat.c,
 * fs/xattr.c, fs/inode.c). How a rule is checked, and the CONTRACT lines:
 * include/kestrel/contract.h.
 */
#ifndef KESTREL_CONTRACT_INODE_H
#define KESTREL_CONTRACT_INODE_H

#include <kestrel/contract.h>
#include <kestrel/dcache.h>
#include <kestrel/fs.h>
#include <kestrel/namei.h>

/*
 * CONTRACT inode_operations.lookup | dir i_rwsem: shared (exclusive on the create/remove/rename paths) | yes | vfs_call_lookup
 * A path walk holds it shared; open(O_CREAT), mkdir, unlink, rename look
 * the last component up under the exclusive lock they need for the change
 * (as Linux does): at least shared.
 */
static inline struct dentry *vfs_call_lookup(struct inode *dir, struct dentry *dentry,
					     unsigned int flags)
{
	lockdep_assert_held(&dir->i_rwsem);
	might_sleep();
	return dir->i_op->lookup(dir, dentry, flags);
}

/* CONTRACT inode_operations.create | dir i_rwsem: exclusive | yes | vfs_call_create */
static inline int vfs_call_create(struct inode *dir, struct dentry *dentry, umode_t mode, bool excl)
{
	lockdep_assert_held_write(&dir->i_rwsem);
	might_sleep();
	return dir->i_op->create(dir, dentry, mode, excl);
}

/* CONTRACT inode_operations.link | dir i_rwsem: exclusive; source inode i_rwsem: exclusive | yes | vfs_call_link */
static inline int vfs_call_link(struct dentry *old_dentry, struct inode *dir,
				struct dentry *new_dentry)
{
	lockdep_assert_held_write(&dir->i_rwsem);
	lockdep_assert_held_write(&d_inode(old_dentry)->i_rwsem);
	might_sleep();
	return dir->i_op->link(old_dentry, dir, new_dentry);
}

/* CONTRACT inode_operations.mknod | dir i_rwsem: exclusive | yes | vfs_call_mknod */
static inline int vfs_call_mknod(struct inode *dir, struct dentry *dentry, umode_t mode, dev_t dev)
{
	lockdep_assert_held_write(&dir->i_rwsem);
	might_sleep();
	return dir->i_op->mknod(dir, dentry, mode, dev);
}

/* CONTRACT inode_operations.symlink | dir i_rwsem: exclusive | yes | vfs_call_symlink */
static inline int vfs_call_symlink(struct inode *dir, struct dentry *dentry, const char *name)
{
	lockdep_assert_held_write(&dir->i_rwsem);
	might_sleep();
	return dir->i_op->symlink(dir, dentry, name);
}

/* CONTRACT inode_operations.mkdir | dir i_rwsem: exclusive | yes | vfs_call_mkdir */
static inline int vfs_call_mkdir(struct inode *dir, struct dentry *dentry, umode_t mode)
{
	lockdep_assert_held_write(&dir->i_rwsem);
	might_sleep();
	return dir->i_op->mkdir(dir, dentry, mode);
}

/* CONTRACT inode_operations.unlink | dir i_rwsem: exclusive; victim i_rwsem: exclusive | yes | vfs_call_unlink */
static inline int vfs_call_unlink(struct inode *dir, struct dentry *dentry)
{
	lockdep_assert_held_write(&dir->i_rwsem);
	lockdep_assert_held_write(&d_inode(dentry)->i_rwsem);
	might_sleep();
	return dir->i_op->unlink(dir, dentry);
}

/* CONTRACT inode_operations.rmdir | dir i_rwsem: exclusive; victim i_rwsem: exclusive | yes | vfs_call_rmdir */
static inline int vfs_call_rmdir(struct inode *dir, struct dentry *dentry)
{
	lockdep_assert_held_write(&dir->i_rwsem);
	lockdep_assert_held_write(&d_inode(dentry)->i_rwsem);
	might_sleep();
	return dir->i_op->rmdir(dir, dentry);
}

/*
 * CONTRACT inode_operations.rename | both parents i_rwsem: exclusive; victim i_rwsem: exclusive; moved non-directory i_rwsem: exclusive; subdirectory changing parent i_rwsem: exclusive; cross-directory: s_vfs_rename_sem | yes | vfs_call_rename
 * RENAME_EXCHANGE: both entries are "moved"; each is locked if it is a
 * non-directory or a directory that changes parent.
 */
static inline int vfs_call_rename(struct inode *old_dir, struct dentry *old_dentry,
				  struct inode *new_dir, struct dentry *new_dentry,
				  unsigned int flags)
{
	struct inode *source = d_inode(old_dentry), *target = d_inode(new_dentry);
	bool cross = old_dir != new_dir;

	lockdep_assert_held_write(&old_dir->i_rwsem);
	lockdep_assert_held_write(&new_dir->i_rwsem);
	if (cross)
		lockdep_assert_held(&old_dir->i_sb->s_vfs_rename_sem);
	if (!S_ISDIR(source->i_mode) || cross)
		lockdep_assert_held_write(&source->i_rwsem);
	if (target && (!(flags & RENAME_EXCHANGE) || !S_ISDIR(target->i_mode) || cross))
		lockdep_assert_held_write(&target->i_rwsem);
	might_sleep();
	return old_dir->i_op->rename(old_dir, old_dentry, new_dir, new_dentry, flags);
}

/* CONTRACT inode_operations.readlink | i_rwsem: no | yes | vfs_call_readlink */
static inline int vfs_call_readlink(struct dentry *dentry, char *buf, int len)
{
	lockdep_assert_not_held(&d_inode(dentry)->i_rwsem);
	might_sleep();
	return d_inode(dentry)->i_op->readlink(dentry, buf, len);
}

/*
 * CONTRACT inode_operations.get_link | i_rwsem: no | yes (ref-walk); no (rcu-walk, dentry NULL) | vfs_call_get_link
 * Kestrel's walk calls it in ref-walk only (a symlink ends rcu-walk), so
 * the dentry is always passed; the rcu-walk form is checked all the same.
 */
static inline const char *vfs_call_get_link(struct dentry *dentry, struct inode *inode,
					    struct delayed_call *done)
{
	lockdep_assert_not_held(&inode->i_rwsem);
	if (!dentry)
		return VFS_NOSLEEP(inode->i_op->get_link(NULL, inode, done));
	might_sleep();
	return inode->i_op->get_link(dentry, inode, done);
}

/* CONTRACT inode_operations.setattr | i_rwsem: exclusive | yes | vfs_call_setattr */
static inline int vfs_call_setattr(struct dentry *dentry, struct iattr *attr)
{
	lockdep_assert_held_write(&d_inode(dentry)->i_rwsem);
	might_sleep();
	return d_inode(dentry)->i_op->setattr(dentry, attr);
}

/* CONTRACT inode_operations.permission | i_rwsem: no | yes (ref-walk); no (MAY_NOT_BLOCK, rcu-walk) | vfs_call_permission */
static inline int vfs_call_permission(struct inode *inode, int mask)
{
	if (mask & MAY_NOT_BLOCK)
		return VFS_NOSLEEP(inode->i_op->permission(inode, mask, 0));
	might_sleep();
	return inode->i_op->permission(inode, mask, 0);
}

/* CONTRACT inode_operations.getattr | i_rwsem: no | yes | vfs_call_getattr */
static inline int vfs_call_getattr(const struct path *path, struct kstat *stat, u32 mask,
				   unsigned int flags)
{
	lockdep_assert_not_held(&d_inode(path->dentry)->i_rwsem);
	might_sleep();
	return d_inode(path->dentry)->i_op->getattr(path, stat, mask, flags);
}

/* CONTRACT inode_operations.listxattr | i_rwsem: no | yes | vfs_call_listxattr */
static inline ssize_t vfs_call_listxattr(struct dentry *dentry, char *list, size_t size)
{
	lockdep_assert_not_held(&d_inode(dentry)->i_rwsem);
	might_sleep();
	return d_inode(dentry)->i_op->listxattr(dentry, list, size);
}

/* CONTRACT inode_operations.update_time | i_rwsem: no | yes | vfs_call_update_time */
static inline void vfs_call_update_time(struct inode *inode, struct timespec64 *now, int flags)
{
	might_sleep();
	inode->i_op->update_time(inode, now, flags);
}

#endif
