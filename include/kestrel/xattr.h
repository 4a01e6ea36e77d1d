/*
 * Extended attributes (fs/xattr.c). A super block lists its handlers in
 * s_xattr; a name goes to the handler whose prefix it starts with
 * ("user.", "trusted."...). The VFS calls ->set with the inode's i_rwsem
 * held exclusive, ->get and ->list without it (the spec's table).
 */
#ifndef KESTREL_XATTR_H
#define KESTREL_XATTR_H

#include <kestrel/fs.h>

struct xattr_handler {
	const char *name;	/* a whole name (no prefix matching), or NULL */
	const char *prefix;	/* "user." */
	int flags;		/* the file system's */
	bool (*list)(struct dentry *dentry);
	int (*get)(const struct xattr_handler *handler, struct dentry *dentry,
		   struct inode *inode, const char *name, void *buffer, size_t size);
	int (*set)(const struct xattr_handler *handler, struct dentry *dentry,
		   struct inode *inode, const char *name, const void *buffer, size_t size,
		   int flags);
};

/* The name after the handler's prefix. */
static inline const char *xattr_suffix(const struct xattr_handler *h, const char *name)
{
	return name + (h->prefix ? __builtin_strlen(h->prefix) : 0);
}

ssize_t vfs_getxattr(struct dentry *, const char *, void *, size_t);
int vfs_setxattr(struct dentry *, const char *, const void *, size_t, int);
ssize_t vfs_listxattr(struct dentry *d, char *list, size_t size);
int vfs_removexattr(struct dentry *, const char *);
/* ->listxattr for file systems whose handlers decide (calls ->list per handler). */
ssize_t generic_listxattr(struct dentry *dentry, char *buffer, size_t buffer_size);

/*
 * In-memory xattrs (tmpfs's user.*): a list of name/value pairs under
 * its own spinlock, as Linux's simple_xattrs.
 */
struct simple_xattrs {
	spinlock_t lock;	/* protects head */
	struct list_head head;	/* struct simple_xattr */
	long size;		/* bytes of names and values, for limits */
};
void simple_xattrs_init(struct simple_xattrs *xattrs);
void simple_xattrs_free(struct simple_xattrs *xattrs);
int simple_xattr_get(struct simple_xattrs *xattrs, const char *name, void *buffer, size_t size);
int simple_xattr_set(struct simple_xattrs *xattrs, const char *name, const void *value,
		     size_t size, int flags);
/* Append "prefix+name\0" of each to buffer; returns bytes needed or -ERANGE. */
ssize_t simple_xattr_list(struct simple_xattrs *xattrs, char *buffer, size_t size);

#endif
