/*
 * The checked calls of xattr_handler: extended attributes (fs/xattr.c).
 * How a rule is checked, and the CONTRACT lines:
 * include/kestrel/contract.h.
 */
#ifndef KESTREL_CONTRACT_XATTR_H
#define KESTREL_CONTRACT_XATTR_H

#include <kestrel/contract.h>
#include <kestrel/fs.h>
#include <kestrel/xattr.h>

/* CONTRACT xattr_handler.list | i_rwsem: no | yes | vfs_call_xattr_list */
static inline bool vfs_call_xattr_list(const struct xattr_handler *h, struct dentry *dentry)
{
	lockdep_assert_not_held(&d_inode(dentry)->i_rwsem);
	might_sleep();
	return h->list(dentry);
}

/* CONTRACT xattr_handler.get | i_rwsem: no | yes | vfs_call_xattr_get */
static inline int vfs_call_xattr_get(const struct xattr_handler *h, struct dentry *dentry,
				     struct inode *inode, const char *name, void *buf,
				     size_t size)
{
	lockdep_assert_not_held(&inode->i_rwsem);
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

#endif
