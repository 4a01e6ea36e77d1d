/*
 * The caller's side of the spec (Documentation/filesystems/locking.rst):
 * one wrapper per operation. The VFS, the page cache and fs/locks.c never
 * call a file system's op directly: they call vfs_call_<op>(), which
 * asserts the locks the spec says are held when the op runs and whether
 * it may block, then calls it. A caller that breaks the rule, or an op
 * that sleeps where it must not, is reported by the lock validator
 * ("WARNING: ... not held" / "BUG: sleeping function called from invalid
 * context"), whichever file system it is.
 *
 * How each rule is checked:
 *   "X: exclusive/write"  lockdep_assert_held_write(X)
 *   "X: shared/read"      lockdep_assert_held_read(X)
 *   "X: yes" (spinlock)   lockdep_assert_held(X)
 *   "X: no"               lockdep_assert_not_held(X) where X is at hand
 *   "may block: yes"      might_sleep() before the call
 *   "may block: no"       the call runs in a must-not-block section
 *                         (nosleep_begin/end): any might_sleep() inside
 *                         it, e.g. mutex_lock or msleep, is reported
 *   "folio locked: yes"   folio_test_locked() (any holder: the folio lock
 *                         has no owner field)
 *
 * Every wrapper has a CONTRACT line: table.op | locks | may block | name.
 * docs/locking.md has one row per op with the same three fields, and
 * tests/integration/locking_doc.sh fails if the two disagree. Ops the VFS
 * does not call (yet) have no wrapper: docs/locking.md says why.
 */
#ifndef KESTREL_FS_CONTRACT_H
#define KESTREL_FS_CONTRACT_H

#include <kestrel/dcache.h>
#include <kestrel/filelock.h>
#include <kestrel/fs.h>
#include <kestrel/might_sleep.h>
#include <kestrel/mm_types.h>
#include <kestrel/mount.h>
#include <kestrel/namei.h>
#include <kestrel/pagemap.h>
#include <kestrel/printk.h>
#include <kestrel/xattr.h>

/*
 * ->free_inode and ->destroy_inode's RCU half run from an RCU callback.
 * fs/inode.c's callback brackets the call with vfs_rcu_callback_enter/exit
 * (per CPU: RCU callbacks run on the CPU that queued them and do not
 * sleep), and the wrapper asserts it is inside.
 */
void vfs_rcu_callback_enter(void);
void vfs_rcu_callback_exit(void);
bool vfs_in_rcu_callback(void);
/* Report a broken contract that lockdep cannot express (e.g. not from an RCU callback). */
void vfs_contract_violation(const char *op, const char *rule);

#define VFS_NOSLEEP(call)               \
	({                              \
		__typeof__(call) __r;   \
		nosleep_begin();        \
		__r = (call);           \
		nosleep_end();          \
		__r;                    \
	})
#define VFS_NOSLEEP_VOID(call) \
	do {                   \
		nosleep_begin(); \
		call;          \
		nosleep_end(); \
	} while (0)

/* ============================ dentry_operations ============================ */

/* CONTRACT dentry_operations.d_revalidate | rename_lock: no; d_lock: no | yes (ref-walk); no (rcu-walk) | vfs_call_d_revalidate */
static inline int vfs_call_d_revalidate(struct dentry *dentry, unsigned int flags)
{
	lockdep_assert_not_held(&dentry->d_lock);
	if (flags & LOOKUP_RCU)
		return VFS_NOSLEEP(dentry->d_op->d_revalidate(dentry, flags));
	might_sleep();
	return dentry->d_op->d_revalidate(dentry, flags);
}

/* CONTRACT dentry_operations.d_hash | rename_lock: no; d_lock: no | no | vfs_call_d_hash */
static inline int vfs_call_d_hash(const struct dentry *parent, struct qstr *name)
{
	lockdep_assert_not_held(&parent->d_lock);
	return VFS_NOSLEEP(parent->d_op->d_hash(parent, name));
}

/*
 * CONTRACT dentry_operations.d_compare | rename_lock: yes (read side: the caller retries); d_lock: no | no | vfs_call_d_compare
 * The spec's "rename_lock: yes" is the read side: d_lookup runs inside a
 * rename_lock read section and rcu-walk validates with d_seq and the
 * rename_lock count afterwards, so the name may change under the call and
 * the caller retries. No lock a reader could assert is held.
 */
static inline int vfs_call_d_compare(const struct dentry *dentry, unsigned int len,
				     const char *str, const struct qstr *name)
{
	return VFS_NOSLEEP(dentry->d_parent->d_op->d_compare(dentry, len, str, name));
}

/* CONTRACT dentry_operations.d_delete | d_lock: yes | no | vfs_call_d_delete */
static inline int vfs_call_d_delete(struct dentry *dentry)
{
	lockdep_assert_held(&dentry->d_lock);
	return VFS_NOSLEEP(dentry->d_op->d_delete(dentry));
}

/* CONTRACT dentry_operations.d_init | d_lock: no | yes | vfs_call_d_init */
static inline int vfs_call_d_init(struct dentry *dentry)
{
	lockdep_assert_not_held(&dentry->d_lock);
	might_sleep();
	return dentry->d_op->d_init(dentry);
}

/* CONTRACT dentry_operations.d_release | d_lock: no | yes | vfs_call_d_release */
static inline void vfs_call_d_release(struct dentry *dentry)
{
	lockdep_assert_not_held(&dentry->d_lock);
	might_sleep();
	dentry->d_op->d_release(dentry);
}

/* CONTRACT dentry_operations.d_prune | d_lock: yes | no | vfs_call_d_prune */
static inline void vfs_call_d_prune(struct dentry *dentry)
{
	lockdep_assert_held(&dentry->d_lock);
	VFS_NOSLEEP_VOID(dentry->d_op->d_prune(dentry));
}

/* CONTRACT dentry_operations.d_iput | d_lock: no; inode i_lock: no | yes | vfs_call_d_iput */
static inline void vfs_call_d_iput(struct dentry *dentry, struct inode *inode)
{
	lockdep_assert_not_held(&dentry->d_lock);
	lockdep_assert_not_held(&inode->i_lock);
	might_sleep();
	dentry->d_op->d_iput(dentry, inode);
}

/* CONTRACT dentry_operations.d_dname | d_lock: no | no | vfs_call_d_dname */
static inline char *vfs_call_d_dname(struct dentry *dentry, char *buf, int buflen)
{
	lockdep_assert_not_held(&dentry->d_lock);
	return VFS_NOSLEEP(dentry->d_op->d_dname(dentry, buf, buflen));
}

/* ============================ inode_operations ============================ */

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
	might_sleep();
	return d_inode(path->dentry)->i_op->getattr(path, stat, mask, flags);
}

/* CONTRACT inode_operations.listxattr | i_rwsem: no | yes | vfs_call_listxattr */
static inline ssize_t vfs_call_listxattr(struct dentry *dentry, char *list, size_t size)
{
	might_sleep();
	return d_inode(dentry)->i_op->listxattr(dentry, list, size);
}

/* CONTRACT inode_operations.update_time | i_rwsem: no | yes | vfs_call_update_time */
static inline void vfs_call_update_time(struct inode *inode, struct timespec64 *now, int flags)
{
	might_sleep();
	inode->i_op->update_time(inode, now, flags);
}

/* ============================ xattr_handler ============================ */

/* CONTRACT xattr_handler.list | i_rwsem: no | yes | vfs_call_xattr_list */
static inline bool vfs_call_xattr_list(const struct xattr_handler *h, struct dentry *dentry)
{
	might_sleep();
	return h->list(dentry);
}

/* CONTRACT xattr_handler.get | i_rwsem: no | yes | vfs_call_xattr_get */
static inline int vfs_call_xattr_get(const struct xattr_handler *h, struct dentry *dentry,
				     struct inode *inode, const char *name, void *buf,
				     size_t size)
{
	might_sleep();
	return h->get(h, dentry, inode, name, buf, size);
}

/* CONTRACT xattr_handler.set | i_rwsem: exclusive | yes | vfs_call_xattr_set */
static inline int vfs_call_xattr_set(const struct xattr_handler *h, struct dentry *dentry,
				     struct inode *inode, const char *name, const void *buf,
				     size_t size, int flags)
{
	lockdep_assert_held_write(&inode->i_rwsem);
	might_sleep();
	return h->set(h, dentry, inode, name, buf, size, flags);
}

/* ============================ super_operations ============================ */

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

/* ============================ file_system_type ============================ */

/*
 * CONTRACT file_system_type.mount | none; returns the sb's s_umount held for write | yes | vfs_call_mount
 * The spec: "->mount() returns ERR_PTR or the root dentry; its
 * superblock should be locked on return" - checked after the call.
 */
static inline struct dentry *vfs_call_mount(struct file_system_type *type, int flags,
					    const char *dev_name, void *data)
{
	struct dentry *root;

	might_sleep();
	root = type->mount(type, flags, dev_name, data);
	if (!IS_ERR_OR_NULL(root))
		lockdep_assert_held_write(&root->d_sb->s_umount);
	return root;
}

/* CONTRACT file_system_type.kill_sb | s_umount: write (the op unlocks) | yes | vfs_call_kill_sb */
static inline void vfs_call_kill_sb(struct super_block *sb)
{
	lockdep_assert_held_write(&sb->s_umount);
	might_sleep();
	sb->s_type->kill_sb(sb);
}

/* ============================ address_space_operations ============================ */

/* CONTRACT address_space_operations.writepage | folio locked: yes, unlocks | yes | vfs_call_writepage */
static inline int vfs_call_writepage(struct address_space *mapping, struct folio *folio,
				     struct writeback_control *wbc)
{
	WARN_ON(!folio_test_locked(folio));
	might_sleep();
	return mapping->a_ops->writepage(folio->page, wbc);
}

/* CONTRACT address_space_operations.read_folio | folio locked: yes, unlocks; invalidate_lock: shared | yes | vfs_call_read_folio */
static inline int vfs_call_read_folio(struct address_space *mapping, struct file *file,
				      struct folio *folio)
{
	WARN_ON(!folio_test_locked(folio));
	lockdep_assert_held_read(&mapping->invalidate_lock);
	might_sleep();
	return mapping->a_ops->read_folio(file, folio);
}

/* CONTRACT address_space_operations.writepages | none | yes | vfs_call_writepages */
static inline int vfs_call_writepages(struct address_space *mapping, struct writeback_control *wbc)
{
	might_sleep();
	return mapping->a_ops->writepages(mapping, wbc);
}

/* CONTRACT address_space_operations.dirty_folio | folio locked: maybe | no | vfs_call_dirty_folio */
static inline bool vfs_call_dirty_folio(struct address_space *mapping, struct folio *folio)
{
	return VFS_NOSLEEP(mapping->a_ops->dirty_folio(mapping, folio));
}

/* CONTRACT address_space_operations.readahead | folios locked: yes, unlocks; invalidate_lock: shared | yes | vfs_call_readahead */
static inline void vfs_call_readahead(struct readahead_control *rac)
{
	lockdep_assert_held_read(&rac->mapping->invalidate_lock);
	might_sleep();
	rac->mapping->a_ops->readahead(rac);
}

/* CONTRACT address_space_operations.write_begin | folio: the op locks it; i_rwsem: exclusive | yes | vfs_call_write_begin */
static inline int vfs_call_write_begin(struct file *file, struct address_space *mapping,
				       loff_t pos, unsigned len, struct folio **foliop,
				       void **fsdata)
{
	lockdep_assert_held_write(&mapping->host->i_rwsem);
	might_sleep();
	return mapping->a_ops->write_begin(file, mapping, pos, len, foliop, fsdata);
}

/* CONTRACT address_space_operations.write_end | folio locked: yes, unlocks; i_rwsem: exclusive | yes | vfs_call_write_end */
static inline int vfs_call_write_end(struct file *file, struct address_space *mapping,
				     loff_t pos, unsigned len, unsigned copied,
				     struct folio *folio, void *fsdata)
{
	WARN_ON(!folio_test_locked(folio));
	lockdep_assert_held_write(&mapping->host->i_rwsem);
	might_sleep();
	return mapping->a_ops->write_end(file, mapping, pos, len, copied, folio, fsdata);
}

/* CONTRACT address_space_operations.invalidate_folio | folio locked: yes; invalidate_lock: exclusive | yes | vfs_call_invalidate_folio */
static inline void vfs_call_invalidate_folio(struct address_space *mapping, struct folio *folio,
					     size_t offset, size_t len)
{
	WARN_ON(!folio_test_locked(folio));
	lockdep_assert_held_write(&mapping->invalidate_lock);
	might_sleep();
	mapping->a_ops->invalidate_folio(folio, offset, len);
}

/* CONTRACT address_space_operations.release_folio | folio locked: yes | yes | vfs_call_release_folio */
static inline bool vfs_call_release_folio(struct address_space *mapping, struct folio *folio,
					  gfp_t gfp)
{
	WARN_ON(!folio_test_locked(folio));
	might_sleep();
	return mapping->a_ops->release_folio(folio, gfp);
}

/* CONTRACT address_space_operations.free_folio | folio locked: yes | no | vfs_call_free_folio */
static inline void vfs_call_free_folio(const struct address_space_operations *a_ops,
				       struct folio *folio)
{
	WARN_ON(!folio_test_locked(folio));
	VFS_NOSLEEP_VOID(a_ops->free_folio(folio));
}

/* CONTRACT address_space_operations.launder_folio | folio locked: yes | yes | vfs_call_launder_folio */
static inline int vfs_call_launder_folio(struct address_space *mapping, struct folio *folio)
{
	WARN_ON(!folio_test_locked(folio));
	might_sleep();
	return mapping->a_ops->launder_folio(folio);
}

/* CONTRACT address_space_operations.is_partially_uptodate | folio locked: yes | yes | vfs_call_is_partially_uptodate */
static inline bool vfs_call_is_partially_uptodate(struct address_space *mapping,
						  struct folio *folio, size_t from, size_t count)
{
	WARN_ON(!folio_test_locked(folio));
	might_sleep();
	return mapping->a_ops->is_partially_uptodate(folio, from, count);
}

/* ============================ file_operations ============================ */

/* CONTRACT file_operations.llseek | none (the op locks what it needs) | yes | vfs_call_llseek */
static inline loff_t vfs_call_llseek(struct file *file, loff_t offset, int whence)
{
	might_sleep();
	return file->f_op->llseek(file, offset, whence);
}

/* CONTRACT file_operations.read | none | yes | vfs_call_read */
static inline ssize_t vfs_call_read(struct file *file, char __user *buf, size_t count,
				    loff_t *pos)
{
	might_sleep();
	return file->f_op->read(file, buf, count, pos);
}

/* CONTRACT file_operations.write | none | yes | vfs_call_write */
static inline ssize_t vfs_call_write(struct file *file, const char __user *buf, size_t count,
				     loff_t *pos)
{
	might_sleep();
	return file->f_op->write(file, buf, count, pos);
}

/* CONTRACT file_operations.read_iter | none | yes | vfs_call_read_iter */
static inline ssize_t vfs_call_read_iter(struct file *file, struct kiocb *kiocb,
					 struct iov_iter *iter)
{
	might_sleep();
	return file->f_op->read_iter(kiocb, iter);
}

/* CONTRACT file_operations.write_iter | none | yes | vfs_call_write_iter */
static inline ssize_t vfs_call_write_iter(struct file *file, struct kiocb *kiocb,
					  struct iov_iter *iter)
{
	might_sleep();
	return file->f_op->write_iter(kiocb, iter);
}

/* CONTRACT file_operations.iterate_shared | i_rwsem: shared; f_pos_lock: yes | yes | vfs_call_iterate_shared */
static inline int vfs_call_iterate_shared(struct file *file, struct dir_context *ctx)
{
	lockdep_assert_held_read(&file_inode(file)->i_rwsem);
	lockdep_assert_held(&file->f_pos_lock);
	might_sleep();
	return file->f_op->iterate_shared(file, ctx);
}

/* CONTRACT file_operations.open | none | yes | vfs_call_open */
static inline int vfs_call_open(struct inode *inode, struct file *file)
{
	might_sleep();
	return file->f_op->open(inode, file);
}

/* CONTRACT file_operations.flush | none | yes | vfs_call_flush */
static inline int vfs_call_flush(struct file *file)
{
	might_sleep();
	return file->f_op->flush(file);
}

/* CONTRACT file_operations.release | none | yes | vfs_call_release */
static inline int vfs_call_release(struct inode *inode, struct file *file)
{
	might_sleep();
	return file->f_op->release(inode, file);
}

/* CONTRACT file_operations.fsync | none (i_rwsem: no) | yes | vfs_call_fsync */
static inline int vfs_call_fsync(struct file *file, loff_t start, loff_t end, int datasync)
{
	lockdep_assert_not_held(&file_inode(file)->i_rwsem);
	might_sleep();
	return file->f_op->fsync(file, start, end, datasync);
}

/* CONTRACT file_operations.lock | none | yes | vfs_call_lock */
static inline int vfs_call_lock(struct file *file, int cmd, struct file_lock *fl)
{
	might_sleep();
	return file->f_op->lock(file, cmd, fl);
}

/* CONTRACT file_operations.flock | none | yes | vfs_call_flock */
static inline int vfs_call_flock(struct file *file, int cmd, struct file_lock *fl)
{
	might_sleep();
	return file->f_op->flock(file, cmd, fl);
}

/* CONTRACT file_operations.setlease | none | yes | vfs_call_setlease */
static inline int vfs_call_setlease(struct file *file, long arg, struct file_lock **flp,
				    void **priv)
{
	might_sleep();
	return file->f_op->setlease(file, arg, flp, priv);
}

/* CONTRACT file_operations.check_flags | none | yes | vfs_call_check_flags */
static inline int vfs_call_check_flags(struct file *file, int flags)
{
	might_sleep();
	return file->f_op->check_flags(flags);
}

/* CONTRACT file_operations.unlocked_ioctl | none | yes | vfs_call_unlocked_ioctl */
static inline long vfs_call_unlocked_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	might_sleep();
	return file->f_op->unlocked_ioctl(file, cmd, arg);
}

/* CONTRACT file_operations.fallocate | none (the op takes i_rwsem and invalidate_lock) | yes | vfs_call_fallocate */
static inline long vfs_call_fallocate(struct file *file, int mode, loff_t offset, loff_t len)
{
	might_sleep();
	return file->f_op->fallocate(file, mode, offset, len);
}

/* CONTRACT file_operations.poll | none | yes | vfs_call_poll */
static inline __poll_t vfs_call_poll(struct file *file, struct poll_table_struct *wait)
{
	might_sleep();
	return file->f_op->poll(file, wait);
}

/* ============================ file_lock_operations ============================ */

/* CONTRACT file_lock_operations.fl_copy_lock | flc_lock: yes | no | vfs_call_fl_copy_lock */
static inline void vfs_call_fl_copy_lock(struct file_lock_context *ctx, struct file_lock *new,
					 struct file_lock *fl)
{
	lockdep_assert_held(&ctx->flc_lock);
	VFS_NOSLEEP_VOID(fl->fl_ops->fl_copy_lock(new, fl));
}

/*
 * CONTRACT file_lock_operations.fl_release_private | flc_lock: maybe | yes (flock, POSIX); no (lease) | vfs_call_fl_release_private
 */
static inline void vfs_call_fl_release_private(struct file_lock *fl)
{
	if (fl->c.flc_flags & FL_LEASE) {
		VFS_NOSLEEP_VOID(fl->fl_ops->fl_release_private(fl));
		return;
	}
	might_sleep();
	fl->fl_ops->fl_release_private(fl);
}

/* ============================ lock_manager_operations ============================ */

/* CONTRACT lock_manager_operations.lm_notify | flc_lock: no; blocked_lock_lock: yes | no | vfs_call_lm_notify */
static inline void vfs_call_lm_notify(struct file_lock *fl)
{
	lockdep_assert_held(&blocked_lock_lock);
	VFS_NOSLEEP_VOID(fl->fl_lmops->lm_notify(fl));
}

/* CONTRACT lock_manager_operations.lm_grant | flc_lock: no; blocked_lock_lock: no | no | vfs_call_lm_grant */
static inline int vfs_call_lm_grant(struct file_lock *fl, struct file_lock *conf, int result)
{
	lockdep_assert_not_held(&blocked_lock_lock);
	return VFS_NOSLEEP(fl->fl_lmops->lm_grant(fl, conf, result));
}

/* CONTRACT lock_manager_operations.lm_break | flc_lock: yes; blocked_lock_lock: no | no | vfs_call_lm_break */
static inline void vfs_call_lm_break(struct file_lock_context *ctx, struct file_lock *fl)
{
	lockdep_assert_held(&ctx->flc_lock);
	lockdep_assert_not_held(&blocked_lock_lock);
	VFS_NOSLEEP_VOID(fl->fl_lmops->lm_break(fl));
}

/* CONTRACT lock_manager_operations.lm_change | flc_lock: yes; blocked_lock_lock: no | no | vfs_call_lm_change */
static inline int vfs_call_lm_change(struct file_lock_context *ctx, struct file_lock **flp,
				     int arg)
{
	lockdep_assert_held(&ctx->flc_lock);
	lockdep_assert_not_held(&blocked_lock_lock);
	return VFS_NOSLEEP((*flp)->fl_lmops->lm_change(flp, arg));
}

/* CONTRACT lock_manager_operations.lm_breaker_owns_lease | flc_lock: yes; blocked_lock_lock: no | no | vfs_call_lm_breaker_owns_lease */
static inline bool vfs_call_lm_breaker_owns_lease(struct file_lock_context *ctx,
						  struct file_lock *fl)
{
	lockdep_assert_held(&ctx->flc_lock);
	return VFS_NOSLEEP(fl->fl_lmops->lm_breaker_owns_lease(fl));
}

/* CONTRACT lock_manager_operations.lm_lock_expirable | flc_lock: yes; blocked_lock_lock: no | no | vfs_call_lm_lock_expirable */
static inline bool vfs_call_lm_lock_expirable(struct file_lock_context *ctx, struct file_lock *fl)
{
	lockdep_assert_held(&ctx->flc_lock);
	return VFS_NOSLEEP(fl->fl_lmops->lm_lock_expirable(fl));
}

/* CONTRACT lock_manager_operations.lm_expire_lock | flc_lock: no; blocked_lock_lock: no | yes | vfs_call_lm_expire_lock */
static inline void vfs_call_lm_expire_lock(const struct lock_manager_operations *lmops)
{
	lockdep_assert_not_held(&blocked_lock_lock);
	might_sleep();
	lmops->lm_expire_lock();
}

/* CONTRACT file_operations.mmap | mmap_lock: write (the caller's) | yes | vfs_call_mmap */
static inline int vfs_call_mmap(struct file *file, struct vm_area_struct *vma)
{
	lockdep_assert_held_write(&vma->vm_mm->mmap_lock);
	might_sleep();
	return file->f_op->mmap(file, vma);
}

/* ========================== vm_operations_struct ========================== */
/*
 * Called by mm/ (mm/memory.c, mm/mmap.c) with the mm's mmap_lock as the
 * spec says: faults hold it for read (a fault that grew a stack
 * downgrades its write lock first); ->close runs under the write lock of
 * munmap, mremap and exit; ->map_pages runs under it too, inside
 * rcu_read_lock and a must-not-block section.
 */

/* CONTRACT vm_operations_struct.open | mmap_lock: write | yes | vfs_call_vm_open */
static inline void vfs_call_vm_open(struct vm_area_struct *vma)
{
	lockdep_assert_held_write(&vma->vm_mm->mmap_lock);
	might_sleep();
	vma->vm_ops->open(vma);
}

/* CONTRACT vm_operations_struct.close | mmap_lock: read/write | yes | vfs_call_vm_close */
static inline void vfs_call_vm_close(struct vm_area_struct *vma)
{
	lockdep_assert_held(&vma->vm_mm->mmap_lock);
	might_sleep();
	vma->vm_ops->close(vma);
}

/* CONTRACT vm_operations_struct.fault | mmap_lock: read; can return with the page locked | yes | vfs_call_fault */
static inline vm_fault_t vfs_call_fault(struct vm_fault *vmf)
{
	vm_fault_t ret;

	lockdep_assert_held_read(&vmf->vma->vm_mm->mmap_lock);
	might_sleep();
	ret = vmf->vma->vm_ops->fault(vmf);
	if ((ret & VM_FAULT_LOCKED) && !folio_test_locked(page_folio(vmf->page)))
		vfs_contract_violation("vm_operations_struct.fault",
				       "VM_FAULT_LOCKED returned with the page unlocked");
	return ret;
}

/* CONTRACT vm_operations_struct.map_pages | mmap_lock: maybe-read; RCU read side | no | vfs_call_map_pages */
static inline vm_fault_t vfs_call_map_pages(struct vm_fault *vmf, unsigned long start_pgoff,
					    unsigned long end_pgoff)
{
	vm_fault_t ret;

	rcu_read_lock();
	ret = VFS_NOSLEEP(vmf->vma->vm_ops->map_pages(vmf, start_pgoff, end_pgoff));
	rcu_read_unlock();
	return ret;
}

/* CONTRACT vm_operations_struct.page_mkwrite | mmap_lock: read; can return with the page locked | yes | vfs_call_page_mkwrite */
static inline vm_fault_t vfs_call_page_mkwrite(struct vm_area_struct *vma, struct vm_fault *vmf)
{
	vm_fault_t ret;

	lockdep_assert_held_read(&vma->vm_mm->mmap_lock);
	might_sleep();
	ret = vma->vm_ops->page_mkwrite(vma, vmf);
	if ((ret & VM_FAULT_LOCKED) && !folio_test_locked(page_folio(vmf->page)))
		vfs_contract_violation("vm_operations_struct.page_mkwrite",
				       "VM_FAULT_LOCKED returned with the page unlocked");
	return ret;
}

/* CONTRACT vm_operations_struct.pfn_mkwrite | mmap_lock: read | yes | vfs_call_pfn_mkwrite */
static inline vm_fault_t vfs_call_pfn_mkwrite(struct vm_area_struct *vma, struct vm_fault *vmf)
{
	lockdep_assert_held_read(&vma->vm_mm->mmap_lock);
	might_sleep();
	return vma->vm_ops->pfn_mkwrite(vma, vmf);
}

/* CONTRACT vm_operations_struct.access | mmap_lock: read | yes | vfs_call_vm_access */
static inline int vfs_call_vm_access(struct vm_area_struct *vma, unsigned long addr, void *buf,
				     int len, int write)
{
	lockdep_assert_held_read(&vma->vm_mm->mmap_lock);
	might_sleep();
	return vma->vm_ops->access(vma, addr, buf, len, write);
}

#endif
