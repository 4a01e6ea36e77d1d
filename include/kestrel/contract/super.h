/*
 * The checked calls of super_operations: the life of inodes and super
 * blocks (fs/inode.c, fs/super.c, fs/namespace.c, fs/stat.c). How a rule
 * is checked, and the CONTRACT lines: include/kestrel/contract.h.
 */
#ifndef KESTREL_CONTRACT_SUPER_H
#define KESTREL_CONTRACT_SUPER_H

#include <kestrel/contract.h>
#include <kestrel/dcache.h>
#include <kestrel/fs.h>

/* CONTRACT super_operations.alloc_inode | s_umount: no rule | yes | vfs_call_alloc_inode */
static inline struct inode *vfs_call_alloc_inode(struct super_block *sb)
{
	might_sleep();
	return sb->s_op->alloc_inode(sb);
}

/*
 * CONTRACT super_operations.free_inode | RCU callback | no | vfs_call_free_inode
 * The op was saved in inode->free_inode when the inode was destroyed: by
 * the time the grace period ends the super block may be freed.
 */
static inline void vfs_call_free_inode(struct inode *inode)
{
	if (!vfs_in_rcu_callback())
		vfs_contract_violation("free_inode", "not called from an RCU callback");
	VFS_NOSLEEP_VOID(inode->free_inode(inode));
}

/* CONTRACT super_operations.destroy_inode | i_lock: no | yes | vfs_call_destroy_inode */
static inline void vfs_call_destroy_inode(struct inode *inode)
{
	lockdep_assert_not_held(&inode->i_lock);
	might_sleep();
	inode->i_sb->s_op->destroy_inode(inode);
}

/* CONTRACT super_operations.dirty_inode | i_lock: no | yes | vfs_call_dirty_inode */
static inline void vfs_call_dirty_inode(struct inode *inode, int flags)
{
	lockdep_assert_not_held(&inode->i_lock);
	might_sleep();
	inode->i_sb->s_op->dirty_inode(inode, flags);
}

/* CONTRACT super_operations.write_inode | i_lock: no | yes | vfs_call_write_inode */
static inline int vfs_call_write_inode(struct inode *inode, struct writeback_control *wbc)
{
	lockdep_assert_not_held(&inode->i_lock);
	might_sleep();
	return inode->i_sb->s_op->write_inode(inode, wbc);
}

/* CONTRACT super_operations.drop_inode | i_lock: yes | no | vfs_call_drop_inode */
static inline int vfs_call_drop_inode(struct inode *inode)
{
	lockdep_assert_held(&inode->i_lock);
	return VFS_NOSLEEP(inode->i_sb->s_op->drop_inode(inode));
}

/* CONTRACT super_operations.evict_inode | i_lock: no | yes | vfs_call_evict_inode */
static inline void vfs_call_evict_inode(struct inode *inode)
{
	lockdep_assert_not_held(&inode->i_lock);
	might_sleep();
	inode->i_sb->s_op->evict_inode(inode);
}

/* CONTRACT super_operations.put_super | s_umount: write | yes | vfs_call_put_super */
static inline void vfs_call_put_super(struct super_block *sb)
{
	lockdep_assert_held_write(&sb->s_umount);
	might_sleep();
	sb->s_op->put_super(sb);
}

/*
 * CONTRACT super_operations.sync_fs | s_umount: read (write at umount) | yes | vfs_call_sync_fs
 * sync(2)/syncfs hold it shared; generic_shutdown_super calls it with the
 * write lock it already holds (Linux does the same): at least shared.
 */
static inline int vfs_call_sync_fs(struct super_block *sb, int wait)
{
	lockdep_assert_held(&sb->s_umount);
	might_sleep();
	return sb->s_op->sync_fs(sb, wait);
}

/* CONTRACT super_operations.statfs | s_umount: no | yes | vfs_call_statfs */
static inline int vfs_call_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	lockdep_assert_not_held(&dentry->d_sb->s_umount);
	might_sleep();
	return dentry->d_sb->s_op->statfs(dentry, buf);
}

/* CONTRACT super_operations.remount_fs | s_umount: write | yes | vfs_call_remount_fs */
static inline int vfs_call_remount_fs(struct super_block *sb, int *flags, char *data)
{
	lockdep_assert_held_write(&sb->s_umount);
	might_sleep();
	return sb->s_op->remount_fs(sb, flags, data);
}

/* CONTRACT super_operations.umount_begin | s_umount: no | yes | vfs_call_umount_begin */
static inline void vfs_call_umount_begin(struct super_block *sb)
{
	lockdep_assert_not_held(&sb->s_umount);
	might_sleep();
	sb->s_op->umount_begin(sb);
}

#endif
