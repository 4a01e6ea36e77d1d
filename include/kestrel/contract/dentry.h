/*
 * The checked calls of dentry_operations: the dcache's and path walk's
 * calls (fs/dcache.c, fs/namei.c). How a rule is checked, and the CONTRACT
 * lines: include/kestrel/contract.h.
 */
#ifndef KESTREL_CONTRACT_DENTRY_H
#define KESTREL_CONTRACT_DENTRY_H

#include <kestrel/contract.h>
#include <kestrel/dcache.h>
#include <kestrel/namei.h>
#include <kestrel/rcupdate.h>

/* CONTRACT dentry_operations.d_revalidate | rename_lock: no; d_lock: no | yes (ref-walk); no (rcu-walk) | vfs_call_d_revalidate */
static inline int vfs_call_d_revalidate(struct dentry *dentry, unsigned int flags)
{
	lockdep_assert_not_held(&rename_lock.lock);
	lockdep_assert_not_held(&dentry->d_lock);
	if (flags & LOOKUP_RCU)
		return VFS_NOSLEEP(dentry->d_op->d_revalidate(dentry, flags));
	might_sleep();
	return dentry->d_op->d_revalidate(dentry, flags);
}

/* CONTRACT dentry_operations.d_hash | rename_lock: no; d_lock: no | no | vfs_call_d_hash */
static inline int vfs_call_d_hash(const struct dentry *parent, struct qstr *name)
{
	lockdep_assert_not_held(&rename_lock.lock);
	lockdep_assert_not_held(&parent->d_lock);
	return VFS_NOSLEEP(parent->d_op->d_hash(parent, name));
}

/*
 * CONTRACT dentry_operations.d_compare | rename_lock: yes (read side: the caller retries); d_lock: no | no | vfs_call_d_compare
 * The spec's "rename_lock: yes" is the read side: d_lookup runs inside a
 * rename_lock read section and rcu-walk validates with d_seq and the
 * rename_lock count afterwards, so the name may change under the call and
 * the caller retries. What the caller must hold for that is RCU (the
 * dentry may be freed otherwise), and the op is the one of the parent the
 * caller hashed under (dentry->d_parent may already be another one).
 */
static inline int vfs_call_d_compare(const struct dentry *parent, const struct dentry *dentry,
				     unsigned int len, const char *str, const struct qstr *name)
{
	if (!rcu_read_lock_held())
		vfs_contract_violation("dentry_operations.d_compare", "called outside rcu_read_lock()");
	lockdep_assert_not_held(&dentry->d_lock);
	return VFS_NOSLEEP(parent->d_op->d_compare(dentry, len, str, name));
}

/* CONTRACT dentry_operations.d_delete | rename_lock: no; d_lock: yes | no | vfs_call_d_delete */
static inline int vfs_call_d_delete(struct dentry *dentry)
{
	lockdep_assert_not_held(&rename_lock.lock);
	lockdep_assert_held(&dentry->d_lock);
	return VFS_NOSLEEP(dentry->d_op->d_delete(dentry));
}

/* CONTRACT dentry_operations.d_init | rename_lock: no; d_lock: no | yes | vfs_call_d_init */
static inline int vfs_call_d_init(struct dentry *dentry)
{
	lockdep_assert_not_held(&rename_lock.lock);
	lockdep_assert_not_held(&dentry->d_lock);
	might_sleep();
	return dentry->d_op->d_init(dentry);
}

/* CONTRACT dentry_operations.d_release | rename_lock: no; d_lock: no | yes | vfs_call_d_release */
static inline void vfs_call_d_release(struct dentry *dentry)
{
	lockdep_assert_not_held(&rename_lock.lock);
	lockdep_assert_not_held(&dentry->d_lock);
	might_sleep();
	dentry->d_op->d_release(dentry);
}

/* CONTRACT dentry_operations.d_prune | rename_lock: no; d_lock: yes | no | vfs_call_d_prune */
static inline void vfs_call_d_prune(struct dentry *dentry)
{
	lockdep_assert_not_held(&rename_lock.lock);
	lockdep_assert_held(&dentry->d_lock);
	VFS_NOSLEEP_VOID(dentry->d_op->d_prune(dentry));
}

/* CONTRACT dentry_operations.d_iput | rename_lock: no; d_lock: no; inode i_lock: no | yes | vfs_call_d_iput */
static inline void vfs_call_d_iput(struct dentry *dentry, struct inode *inode)
{
	lockdep_assert_not_held(&rename_lock.lock);
	lockdep_assert_not_held(&dentry->d_lock);
	lockdep_assert_not_held(&inode->i_lock);
	might_sleep();
	dentry->d_op->d_iput(dentry, inode);
}

/* CONTRACT dentry_operations.d_dname | rename_lock: no; d_lock: no | no | vfs_call_d_dname */
static inline char *vfs_call_d_dname(struct dentry *dentry, char *buf, int buflen)
{
	lockdep_assert_not_held(&rename_lock.lock);
	lockdep_assert_not_held(&dentry->d_lock);
	return VFS_NOSLEEP(dentry->d_op->d_dname(dentry, buf, buflen));
}

#endif
