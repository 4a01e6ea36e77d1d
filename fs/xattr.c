/*
 * Extended attributes: name validation, the handler for a name
 * (s_xattr, by prefix), permission, and the locking of the spec's
 * xattr_handler table: ->set with the inode's i_rwsem exclusive, ->get
 * and ->list without it. Also simple_xattrs, the in-memory store that
 * tmpfs's user.* handler uses.
 */
#include <kestrel/contract/inode.h>
#include <kestrel/contract/xattr.h>
#include <kestrel/dcache.h>
#include <kestrel/fdtable.h>
#include <kestrel/namei.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/uaccess.h>
#include <kestrel/xattr.h>
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

/* ================================================================ user-space entry points */

/*
 * The xattr system calls: the path (if any), the attribute name and the
 * value are copied in, the value or list copied out. As Linux: a name of
 * 0 or more than XATTR_NAME_MAX bytes is ERANGE, a value over
 * XATTR_SIZE_MAX is E2BIG (set), a buffer over it is clamped (get/list).
 */
/* How the file is named: a descriptor, a path followed, a path not followed (l*xattr). */
enum xattr_how { XA_FD, XA_PATH, XA_LPATH };

/* Which file: a path (followed or not) or a descriptor. */
struct xattr_target {
	struct filename *path;	/* NULL: fd */
	int fd;
	bool follow;
};

static long xattr_target_get(struct xattr_target *t, const char __user *upath, int fd,
			     enum xattr_how how)
{
	t->fd = fd;
	t->follow = how == XA_PATH;
	t->path = NULL;
	if (how == XA_FD)
		return 0;
	t->path = getname(upath);
	return IS_ERR(t->path) ? PTR_ERR(t->path) : 0;
}

static long xattr_name_get(char *kname, const char __user *uname)
{
	long len = strncpy_from_user(kname, uname, XATTR_NAME_MAX + 1);

	if (len < 0)
		return len;
	if (len == 0 || len > XATTR_NAME_MAX)
		return -ERANGE;
	return 0;
}

static long do_setxattr(const char __user *upath, int fd, enum xattr_how how, const char __user *uname,
			const void __user *uvalue, size_t size, int flags)
{
	struct xattr_target t;
	char kname[XATTR_NAME_MAX + 1];
	void *kvalue = NULL;
	long err;

	if (flags & ~(XATTR_CREATE | XATTR_REPLACE))
		return -EINVAL;
	err = xattr_target_get(&t, upath, fd, how);
	if (err)
		return err;
	err = xattr_name_get(kname, uname);
	if (err)
		goto out;
	if (size > XATTR_SIZE_MAX) {
		err = -E2BIG;
		goto out;
	}
	if (size) {
		kvalue = kmalloc(size, GFP_KERNEL);
		err = -ENOMEM;
		if (!kvalue)
			goto out;
		err = -EFAULT;
		if (copy_from_user(kvalue, uvalue, size))
			goto out;
	}
	if (t.path)
		err = t.follow ? ksys_setxattr(t.path->name, kname, kvalue, size, flags)
			       : ksys_lsetxattr(t.path->name, kname, kvalue, size, flags);
	else
		err = ksys_fsetxattr(t.fd, kname, kvalue, size, flags);
out:
	kfree(kvalue);
	putname(t.path);
	return err;
}

static long do_getxattr(const char __user *upath, int fd, enum xattr_how how, const char __user *uname,
			void __user *uvalue, size_t size)
{
	struct xattr_target t;
	char kname[XATTR_NAME_MAX + 1];
	void *kvalue = NULL;
	long err = xattr_target_get(&t, upath, fd, how);

	if (err)
		return err;
	err = xattr_name_get(kname, uname);
	if (err)
		goto out;
	if (size > XATTR_SIZE_MAX)
		size = XATTR_SIZE_MAX;
	if (size) {
		kvalue = kzalloc(size, GFP_KERNEL);
		err = -ENOMEM;
		if (!kvalue)
			goto out;
	}
	if (t.path)
		err = t.follow ? ksys_getxattr(t.path->name, kname, kvalue, size)
			       : ksys_lgetxattr(t.path->name, kname, kvalue, size);
	else
		err = ksys_fgetxattr(t.fd, kname, kvalue, size);
	if (err > 0 && size && copy_to_user(uvalue, kvalue, err))
		err = -EFAULT;
out:
	kfree(kvalue);
	putname(t.path);
	return err;
}

static long do_listxattr(const char __user *upath, int fd, enum xattr_how how, char __user *ulist,
			 size_t size)
{
	struct xattr_target t;
	char *klist = NULL;
	long err = xattr_target_get(&t, upath, fd, how);

	if (err)
		return err;
	if (size > XATTR_LIST_MAX)
		size = XATTR_LIST_MAX;
	if (size) {
		klist = kzalloc(size, GFP_KERNEL);
		err = -ENOMEM;
		if (!klist)
			goto out;
	}
	if (t.path)
		err = t.follow ? ksys_listxattr(t.path->name, klist, size)
			       : ksys_llistxattr(t.path->name, klist, size);
	else
		err = ksys_flistxattr(t.fd, klist, size);
	if (err > 0 && size && copy_to_user(ulist, klist, err))
		err = -EFAULT;
out:
	kfree(klist);
	putname(t.path);
	return err;
}

static long do_removexattr(const char __user *upath, int fd, enum xattr_how how, const char __user *uname)
{
	struct xattr_target t;
	char kname[XATTR_NAME_MAX + 1];
	long err = xattr_target_get(&t, upath, fd, how);

	if (err)
		return err;
	err = xattr_name_get(kname, uname);
	if (!err) {
		if (t.path)
			err = t.follow ? ksys_removexattr(t.path->name, kname)
				       : ksys_lremovexattr(t.path->name, kname);
		else
			err = ksys_fremovexattr(t.fd, kname);
	}
	putname(t.path);
	return err;
}

SYSCALL_DEFINE5(setxattr, const char __user *, pathname, const char __user *, name,
		const void __user *, value, size_t, size, int, flags)
{
	return do_setxattr(pathname, -1, XA_PATH, name, value, size, flags);
}

SYSCALL_DEFINE5(lsetxattr, const char __user *, pathname, const char __user *, name,
		const void __user *, value, size_t, size, int, flags)
{
	return do_setxattr(pathname, -1, XA_LPATH, name, value, size, flags);
}

SYSCALL_DEFINE5(fsetxattr, int, fd, const char __user *, name, const void __user *, value,
		size_t, size, int, flags)
{
	return do_setxattr(NULL, fd, XA_FD, name, value, size, flags);
}

SYSCALL_DEFINE4(getxattr, const char __user *, pathname, const char __user *, name,
		void __user *, value, size_t, size)
{
	return do_getxattr(pathname, -1, XA_PATH, name, value, size);
}

SYSCALL_DEFINE4(lgetxattr, const char __user *, pathname, const char __user *, name,
		void __user *, value, size_t, size)
{
	return do_getxattr(pathname, -1, XA_LPATH, name, value, size);
}

SYSCALL_DEFINE4(fgetxattr, int, fd, const char __user *, name, void __user *, value, size_t, size)
{
	return do_getxattr(NULL, fd, XA_FD, name, value, size);
}

SYSCALL_DEFINE3(listxattr, const char __user *, pathname, char __user *, list, size_t, size)
{
	return do_listxattr(pathname, -1, XA_PATH, list, size);
}

SYSCALL_DEFINE3(llistxattr, const char __user *, pathname, char __user *, list, size_t, size)
{
	return do_listxattr(pathname, -1, XA_LPATH, list, size);
}

SYSCALL_DEFINE3(flistxattr, int, fd, char __user *, list, size_t, size)
{
	return do_listxattr(NULL, fd, XA_FD, list, size);
}

SYSCALL_DEFINE2(removexattr, const char __user *, pathname, const char __user *, name)
{
	return do_removexattr(pathname, -1, XA_PATH, name);
}

SYSCALL_DEFINE2(lremovexattr, const char __user *, pathname, const char __user *, name)
{
	return do_removexattr(pathname, -1, XA_LPATH, name);
}

SYSCALL_DEFINE2(fremovexattr, int, fd, const char __user *, name)
{
	return do_removexattr(NULL, fd, XA_FD, name);
}
