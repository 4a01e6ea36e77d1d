/*
 * Extended attributes: name validation, the handler for a name
 * (s_xattr, by prefix), permission, and the locking of the spec's
 * xattr_handler table: ->set with the inode's i_rwsem exclusive, ->get
 * and ->list without it. Also simple_xattrs, the in-memory store that
 * tmpfs's user.* handler uses.
 */
#include <kestrel/dcache.h>
#include <kestrel/fdtable.h>
#include <kestrel/namei.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/xattr.h>
#include "contract.h"
#include "internal.h"

static const struct xattr_handler *xattr_resolve_name(struct inode *inode, const char **name)
{
	const struct xattr_handler *const *h = inode->i_sb->s_xattr;

	if (!h)
		return ERR_PTR(-EOPNOTSUPP);
	for (; *h; h++) {
		const char *prefix = (*h)->prefix;

		if ((*h)->name && !strcmp((*h)->name, *name))
			return *h;
		if (prefix && !strncmp(*name, prefix, strlen(prefix))) {
			if (!(*name)[strlen(prefix)])
				return ERR_PTR(-EINVAL);	/* a prefix with nothing after it */
			return *h;
		}
	}
	return ERR_PTR(-EOPNOTSUPP);
}

static int check_xattr_name(const char *name)
{
	size_t len = strnlen(name, XATTR_NAME_MAX + 1);

	if (!len)
		return -ERANGE;
	if (len > XATTR_NAME_MAX)
		return -ERANGE;
	return 0;
}

/* user.* is only for regular files and directories (as Linux). */
static int xattr_permission(struct inode *inode, const char *name, int mask)
{
	if (!strncmp(name, XATTR_USER_PREFIX, strlen(XATTR_USER_PREFIX))) {
		if (!S_ISREG(inode->i_mode) && !S_ISDIR(inode->i_mode))
			return (mask & MAY_WRITE) ? -EPERM : -ENODATA;
	}
	return inode_permission(inode, mask);
}

ssize_t vfs_getxattr(struct dentry *dentry, const char *name, void *value, size_t size)
{
	struct inode *inode = d_inode(dentry);
	const struct xattr_handler *h;
	const char *n = name;
	int err = check_xattr_name(name);

	if (err)
		return err;
	err = xattr_permission(inode, name, MAY_READ);
	if (err)
		return err;
	h = xattr_resolve_name(inode, &n);
	if (IS_ERR(h))
		return PTR_ERR(h);
	if (!h->get)
		return -EOPNOTSUPP;
	if (size > XATTR_SIZE_MAX)
		size = XATTR_SIZE_MAX;
	if (!size)
		value = NULL;	/* size 0 asks for the size, whatever the buffer (as Linux) */
	return vfs_call_xattr_get(h, dentry, inode, xattr_suffix(h, name), value, size);
}

static int __vfs_setxattr_locked(struct dentry *dentry, const char *name, const void *value,
				 size_t size, int flags)
{
	struct inode *inode = d_inode(dentry);
	const struct xattr_handler *h;
	const char *n = name;
	int err = xattr_permission(inode, name, MAY_WRITE);

	if (err)
		return err;
	if (inode->i_flags & (S_IMMUTABLE | S_APPEND))
		return -EPERM;
	h = xattr_resolve_name(inode, &n);
	if (IS_ERR(h))
		return PTR_ERR(h);
	if (!h->set)
		return -EOPNOTSUPP;
	return vfs_call_xattr_set(h, dentry, inode, xattr_suffix(h, name), value, size, flags);
}

int vfs_setxattr(struct dentry *dentry, const char *name, const void *value, size_t size,
		 int flags)
{
	struct inode *inode = d_inode(dentry);
	int err = check_xattr_name(name);

	if (err)
		return err;
	if (flags & ~(XATTR_CREATE | XATTR_REPLACE))
		return -EINVAL;
	if (size > XATTR_SIZE_MAX)
		return -E2BIG;
	inode_lock(inode);
	err = __vfs_setxattr_locked(dentry, name, value ? value : "", size, flags);
	inode_unlock(inode);
	return err;
}

int vfs_removexattr(struct dentry *dentry, const char *name)
{
	struct inode *inode = d_inode(dentry);
	int err = check_xattr_name(name);

	if (err)
		return err;
	inode_lock(inode);
	err = __vfs_setxattr_locked(dentry, name, NULL, 0, XATTR_REPLACE);
	inode_unlock(inode);
	return err;
}

ssize_t vfs_listxattr(struct dentry *dentry, char *list, size_t size)
{
	struct inode *inode = d_inode(dentry);

	if (size > XATTR_LIST_MAX)
		size = XATTR_LIST_MAX;
	if (!size)
		list = NULL;	/* size 0 asks for the size, whatever the buffer (as Linux) */
	if (inode->i_op && inode->i_op->listxattr)
		return vfs_call_listxattr(dentry, list, size);
	return 0;	/* no attributes */
}

ssize_t generic_listxattr(struct dentry *dentry, char *buffer, size_t buffer_size)
{
	const struct xattr_handler *const *h = dentry->d_sb->s_xattr;
	size_t rest = buffer_size, total = 0;

	for (; h && *h; h++) {
		size_t len;

		if (!(*h)->name || ((*h)->list && !vfs_call_xattr_list(*h, dentry)))
			continue;
		len = strlen((*h)->name) + 1;
		total += len;
		if (buffer) {
			if (rest < len)
				return -ERANGE;
			memcpy(buffer, (*h)->name, len);
			buffer += len;
			rest -= len;
		}
	}
	return total;
}

/* ---------------------------------------------------------------- simple_xattrs */

struct simple_xattr {
	struct list_head list;	/* in simple_xattrs.head */
	char *name;
	size_t size;
	char value[];
};

void simple_xattrs_init(struct simple_xattrs *xattrs)
{
	spin_lock_init(&xattrs->lock);
	INIT_LIST_HEAD(&xattrs->head);
	xattrs->size = 0;
}

static void simple_xattr_free(struct simple_xattr *x)
{
	kfree(x->name);
	kfree(x);
}

void simple_xattrs_free(struct simple_xattrs *xattrs)
{
	struct simple_xattr *x, *n;

	list_for_each_entry_safe(x, n, &xattrs->head, list) {
		list_del(&x->list);
		simple_xattr_free(x);
	}
	xattrs->size = 0;
}

static struct simple_xattr *find_xattr(struct simple_xattrs *xattrs, const char *name)
{
	struct simple_xattr *x;

	list_for_each_entry(x, &xattrs->head, list)
		if (!strcmp(x->name, name))
			return x;
	return NULL;
}

int simple_xattr_get(struct simple_xattrs *xattrs, const char *name, void *buffer, size_t size)
{
	struct simple_xattr *x;
	int ret = -ENODATA;

	spin_lock(&xattrs->lock);
	x = find_xattr(xattrs, name);
	if (x) {
		ret = x->size;
		if (buffer) {
			if (size < x->size)
				ret = -ERANGE;
			else
				memcpy(buffer, x->value, x->size);
		}
	}
	spin_unlock(&xattrs->lock);
	return ret;
}

/* value NULL removes. The caller (tmpfs) applies its own size limit first. */
int simple_xattr_set(struct simple_xattrs *xattrs, const char *name, const void *value,
		     size_t size, int flags)
{
	struct simple_xattr *new = NULL, *old;
	int err = 0;

	if (value) {
		size_t nlen = strlen(name) + 1;

		new = kmalloc(sizeof(*new) + size, GFP_KERNEL);
		if (!new)
			return -ENOMEM;
		new->name = kmalloc(nlen, GFP_KERNEL);
		if (!new->name) {
			kfree(new);
			return -ENOMEM;
		}
		memcpy(new->name, name, nlen);
		new->size = size;
		memcpy(new->value, value, size);
	}
	spin_lock(&xattrs->lock);
	old = find_xattr(xattrs, name);
	if (old && (flags & XATTR_CREATE))
		err = -EEXIST;
	else if (!old && ((flags & XATTR_REPLACE) || !value))
		err = -ENODATA;
	if (!err) {
		if (old) {
			list_del(&old->list);
			xattrs->size -= strlen(old->name) + old->size;
		}
		if (new) {
			list_add_tail(&new->list, &xattrs->head);
			xattrs->size += strlen(new->name) + new->size;
			new = NULL;
		}
	}
	spin_unlock(&xattrs->lock);
	if (new)
		simple_xattr_free(new);
	if (!err && old)
		simple_xattr_free(old);
	return err;
}

ssize_t simple_xattr_list(struct simple_xattrs *xattrs, char *buffer, size_t size)
{
	struct simple_xattr *x;
	size_t total = 0;
	ssize_t ret = 0;

	spin_lock(&xattrs->lock);
	list_for_each_entry(x, &xattrs->head, list) {
		size_t len = strlen(x->name) + 1;

		if (buffer) {
			if (total + len > size) {
				ret = -ERANGE;
				break;
			}
			memcpy(buffer + total, x->name, len);
		}
		total += len;
	}
	spin_unlock(&xattrs->lock);
	return ret ? ret : (ssize_t)total;
}

/* ---------------------------------------------------------------- system calls */

static int xattr_path(const char *path, bool follow, struct path *p)
{
	return kern_path(path, follow ? LOOKUP_FOLLOW : 0, p);
}

static long path_setxattr(const char *path, bool follow, const char *name, const void *value,
			  size_t size, int flags)
{
	struct path p;
	int err = xattr_path(path, follow, &p);

	if (err)
		return err;
	err = vfs_setxattr(p.dentry, name, value, size, flags);
	path_put(&p);
	return err;
}

long ksys_setxattr(const char *path, const char *name, const void *value, size_t size, int flags)
{
	return path_setxattr(path, true, name, value, size, flags);
}

long ksys_lsetxattr(const char *path, const char *name, const void *value, size_t size,
		    int flags)
{
	return path_setxattr(path, false, name, value, size, flags);
}

long ksys_fsetxattr(int fd, const char *name, const void *value, size_t size, int flags)
{
	struct file *f = fget(fd);
	long err;

	if (!f)
		return -EBADF;
	err = vfs_setxattr(f->f_path.dentry, name, value, size, flags);
	fput(f);
	return err;
}

static ssize_t path_getxattr(const char *path, bool follow, const char *name, void *value,
			     size_t size)
{
	struct path p;
	ssize_t err = xattr_path(path, follow, &p);

	if (err)
		return err;
	err = vfs_getxattr(p.dentry, name, value, size);
	path_put(&p);
	return err;
}

ssize_t ksys_getxattr(const char *path, const char *name, void *value, size_t size)
{
	return path_getxattr(path, true, name, value, size);
}

ssize_t ksys_lgetxattr(const char *path, const char *name, void *value, size_t size)
{
	return path_getxattr(path, false, name, value, size);
}

ssize_t ksys_fgetxattr(int fd, const char *name, void *value, size_t size)
{
	struct file *f = fget(fd);
	ssize_t err;

	if (!f)
		return -EBADF;
	err = vfs_getxattr(f->f_path.dentry, name, value, size);
	fput(f);
	return err;
}

static ssize_t path_listxattr(const char *path, bool follow, char *list, size_t size)
{
	struct path p;
	ssize_t err = xattr_path(path, follow, &p);

	if (err)
		return err;
	err = vfs_listxattr(p.dentry, list, size);
	path_put(&p);
	return err;
}

ssize_t ksys_listxattr(const char *path, char *list, size_t size)
{
	return path_listxattr(path, true, list, size);
}

ssize_t ksys_llistxattr(const char *path, char *list, size_t size)
{
	return path_listxattr(path, false, list, size);
}

ssize_t ksys_flistxattr(int fd, char *list, size_t size)
{
	struct file *f = fget(fd);
	ssize_t err;

	if (!f)
		return -EBADF;
	err = vfs_listxattr(f->f_path.dentry, list, size);
	fput(f);
	return err;
}

static long path_removexattr(const char *path, bool follow, const char *name)
{
	struct path p;
	int err = xattr_path(path, follow, &p);

	if (err)
		return err;
	err = vfs_removexattr(p.dentry, name);
	path_put(&p);
	return err;
}

long ksys_removexattr(const char *path, const char *name)
{
	return path_removexattr(path, true, name);
}

long ksys_lremovexattr(const char *path, const char *name)
{
	return path_removexattr(path, false, name);
}

long ksys_fremovexattr(int fd, const char *name)
{
	struct file *f = fget(fd);
	long err;

	if (!f)
		return -EBADF;
	err = vfs_removexattr(f->f_path.dentry, name);
	fput(f);
	return err;
}
