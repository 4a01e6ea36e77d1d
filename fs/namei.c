/*
 * Path walk, permission checks, and the directory operations
 * (create, mkdir, mknod, symlink, link, unlink, rmdir, rename, readlink).
 *
 * A walk (struct nameidata) starts at the root, the working directory or
 * a directory file (*at()), then takes one component at a time:
 *
 *   may_lookup    exec (search) permission on the directory
 *   "." / ".."    stay / go up (up across mount points, never above root)
 *   lookup_fast   the dcache (hash of parent + name); ->d_revalidate
 *   lookup_slow   a miss: the directory's i_rwsem shared, ->lookup
 *   step_into     cross mounts downward; a symlink pushes its body
 *
 * rcu-walk (LOOKUP_RCU) does all that without references or locks inside
 * rcu_read_lock(): every step records the dentry's d_seq, checks the
 * parent's did not change, and the end checks rename_lock and mount_lock
 * before taking the references of the result. Anything it cannot do
 * without blocking (a dcache miss, a symlink, an op saying -ECHILD) or
 * any change seen makes it return -ECHILD; the walk then restarts from
 * the beginning in ref-walk, which takes a reference at each step and
 * may sleep. The start and root paths are referenced in both modes.
 *
 * The operations below lock exactly as Documentation/filesystems/
 * directory-locking.rst says; each op call goes through its checked
 * wrapper (<kestrel/contract/inode.h>, <kestrel/contract/dentry.h>),
 * which asserts it.
 */
#include <kestrel/contract/dentry.h>
#include <kestrel/contract/inode.h>
#include <kestrel/dcache.h>
#include <kestrel/fdtable.h>
#include <kestrel/fs_struct.h>
#include <kestrel/mount.h>
#include <kestrel/namei.h>
#include <kestrel/pagemap.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/uaccess.h>
#include <kestrel/wait.h>
#include "internal.h"

/* ---------------------------------------------------------------- permission */

static int acl_permission_check(struct inode *inode, int mask)
{
	unsigned int mode = inode->i_mode;

	if (current_fsuid() == inode->i_uid)
		mode >>= 6;
	else if (in_group_p(inode->i_gid))
		mode >>= 3;
	/* MAY_READ 4, MAY_WRITE 2, MAY_EXEC 1: the same bits as rwx */
	if ((mask & ~mode & (MAY_READ | MAY_WRITE | MAY_EXEC)) == 0)
		return 0;
	return -EACCES;
}

/*
 * Mode bits, owner and group; then the capabilities: CAP_DAC_OVERRIDE
 * passes everything except executing a file with no x bit at all;
 * CAP_DAC_READ_SEARCH passes reading and directory search.
 */
int generic_permission(struct inode *inode, int mask)
{
	int ret = acl_permission_check(inode, mask);

	if (ret != -EACCES)
		return ret;
	if (S_ISDIR(inode->i_mode)) {
		if (!(mask & MAY_WRITE) && capable(CAP_DAC_READ_SEARCH))
			return 0;
		if (capable(CAP_DAC_OVERRIDE))
			return 0;
		return -EACCES;
	}
	mask &= MAY_READ | MAY_WRITE | MAY_EXEC;
	if (mask == MAY_READ && capable(CAP_DAC_READ_SEARCH))
		return 0;
	if (!(mask & MAY_EXEC) || (inode->i_mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
		if (capable(CAP_DAC_OVERRIDE))
			return 0;
	return -EACCES;
}

int inode_permission(struct inode *inode, int mask)
{
	if (mask & MAY_WRITE) {
		if ((inode->i_sb->s_flags & SB_RDONLY) &&
		    (S_ISREG(inode->i_mode) || S_ISDIR(inode->i_mode) || S_ISLNK(inode->i_mode)))
			return -EROFS;
		if (inode->i_flags & S_IMMUTABLE)
			return -EPERM;
	}
	if (inode->i_op && inode->i_op->permission)
		return vfs_call_permission(inode, mask);
	return generic_permission(inode, mask);
}

bool inode_owner_or_capable(const struct inode *inode)
{
	return current_fsuid() == inode->i_uid || capable(CAP_FOWNER);
}

/* ---------------------------------------------------------------- statistics */

static atomic_long_t stat_rcu_walks, stat_ref_walks, stat_rcu_fallbacks;

void namei_get_stats(struct namei_stats *st)
{
	st->rcu_walks = atomic_long_read(&stat_rcu_walks);
	st->ref_walks = atomic_long_read(&stat_ref_walks);
	st->rcu_fallbacks = atomic_long_read(&stat_rcu_fallbacks);
}

/* ---------------------------------------------------------------- the walk */

struct saved_name {
	const char *name;		/* where to continue after the link body */
	struct path link;		/* the symlink (keeps the body's memory alive) */
	struct delayed_call done;	/* frees the body */
};

struct nameidata {
	struct path path;		/* where we are (referenced in ref-walk only) */
	struct inode *inode;		/* path.dentry's inode */
	unsigned int seq;		/* rcu-walk: path.dentry's d_seq */
	unsigned int m_seq, r_seq;	/* rcu-walk: mount_lock, rename_lock at the start */
	struct path root;		/* referenced in both modes */
	struct path start;		/* referenced in both modes */
	unsigned int flags;		/* LOOKUP_* */
	struct qstr last;		/* the last component (LOOKUP_PARENT) */
	int last_type;
	bool trailing_slash;
	int depth;			/* symlinks being walked */
	int total_link_count;
	struct saved_name stack[MAXSYMLINKS];
};

static void drop_links(struct nameidata *nd)
{
	while (nd->depth > 0) {
		struct saved_name *s = &nd->stack[--nd->depth];

		do_delayed_call(&s->done);
		path_put(&s->link);
	}
}

/* Release what a walk holds (after a failure or at the end). */
static void terminate_walk(struct nameidata *nd)
{
	drop_links(nd);
	if (!(nd->flags & LOOKUP_RCU) && nd->path.dentry)
		path_put(&nd->path);
	nd->path.dentry = NULL;
	nd->path.mnt = NULL;
	path_put(&nd->root);
	path_put(&nd->start);
	nd->root.dentry = nd->start.dentry = NULL;
	nd->root.mnt = nd->start.mnt = NULL;
}

/* Set up the start (root, cwd, or the directory file dfd). */
static int path_init(struct nameidata *nd, int dfd, const char *name, unsigned int flags)
{
	memset(nd, 0, sizeof(*nd));
	nd->flags = flags;
	get_fs_root(current_fs(), &nd->root);
	if (!nd->root.dentry)
		return -ENOENT;	/* no root file system mounted yet */
	if (*name == '/') {
		nd->start = nd->root;
		path_get(&nd->start);
	} else if (dfd == AT_FDCWD) {
		get_fs_pwd(current_fs(), &nd->start);
	} else {
		struct file *f = fget(dfd);

		if (!f)
			return -EBADF;
		if (!d_can_lookup(f->f_path.dentry) && *name) {
			fput(f);
			return -ENOTDIR;
		}
		nd->start = f->f_path;
		path_get(&nd->start);
		fput(f);
	}
	nd->path = nd->start;
	if (flags & LOOKUP_RCU) {
		nd->m_seq = read_seqbegin(&mount_lock);
		nd->r_seq = read_seqbegin(&rename_lock);
		nd->seq = raw_seqcount_begin(&nd->path.dentry->d_seq);
	} else {
		path_get(&nd->path);
	}
	nd->inode = d_inode_rcu(nd->path.dentry);
	return 0;
}

/* rcu-walk: does path.dentry still hold what we read? */
static bool rcu_still_valid(struct nameidata *nd)
{
	return !read_seqcount_retry(&nd->path.dentry->d_seq, nd->seq);
}

static int may_lookup(struct nameidata *nd)
{
	if (nd->flags & LOOKUP_RCU) {
		int err = inode_permission(nd->inode, MAY_EXEC | MAY_NOT_BLOCK);

		if (err != -ECHILD)
			return err;
		return -ECHILD;
	}
	return inode_permission(nd->inode, MAY_EXEC);
}

/* Cut the next component off *name into nd->last; false at the end. */
static int next_component(struct nameidata *nd, const char **name)
{
	const char *s = *name, *e;
	struct dentry *parent = nd->path.dentry;

	while (*s == '/')
		s++;
	if (!*s)
		return 0;
	for (e = s; *e && *e != '/'; e++)
		;
	if (e - s > NAME_MAX)
		return -ENAMETOOLONG;
	nd->last.name = (const unsigned char *)s;
	nd->last.len = e - s;
	nd->last_type = LAST_NORM;
	if (s[0] == '.' && nd->last.len == 1)
		nd->last_type = LAST_DOT;
	else if (s[0] == '.' && s[1] == '.' && nd->last.len == 2)
		nd->last_type = LAST_DOTDOT;
	*name = e;
	if (nd->last_type == LAST_NORM) {
		nd->last.hash = full_name_hash(parent, s, nd->last.len);
		if (parent->d_flags & DCACHE_OP_HASH) {
			int err;

			if (nd->flags & LOOKUP_RCU)
				return -ECHILD;	/* ->d_hash may allocate: ref-walk */
			err = vfs_call_d_hash(parent, &nd->last);
			if (err < 0)
				return err;
		}
	}
	return 1;
}

/* Only slashes left? */
static bool at_end(const char *name)
{
	while (*name == '/')
		name++;
	return !*name;
}

/* ---- moving up ---- */

static int follow_dotdot_rcu(struct nameidata *nd)
{
	for (;;) {
		struct dentry *d = nd->path.dentry;

		if (d == nd->root.dentry && nd->path.mnt == nd->root.mnt)
			return 0;	/* ".." of the root is the root */
		if (d != nd->path.mnt->mnt_root) {
			struct dentry *parent = READ_ONCE(d->d_parent);
			unsigned int seq = raw_seqcount_begin(&parent->d_seq);

			if (!rcu_still_valid(nd))
				return -ECHILD;
			nd->path.dentry = parent;
			nd->seq = seq;
			if (read_seqretry(&rename_lock, nd->r_seq))
				return -ECHILD;	/* a rename may have moved us out of root */
			break;
		} else {
			struct mount *mnt = real_mount(nd->path.mnt);
			struct mount *parent = READ_ONCE(mnt->mnt_parent);
			struct dentry *mp = READ_ONCE(mnt->mnt_mountpoint);

			if (parent == mnt)
				return 0;	/* the top of the tree */
			if (read_seqretry(&mount_lock, nd->m_seq))
				return -ECHILD;
			nd->path.mnt = &parent->mnt;
			nd->path.dentry = mp;
			nd->seq = raw_seqcount_begin(&mp->d_seq);
		}
	}
	/* Enter whatever is mounted on the new position. */
	while (READ_ONCE(nd->path.dentry->d_flags) & DCACHE_MOUNTED) {
		struct mount *m = __lookup_mnt(nd->path.mnt, nd->path.dentry);

		if (!m)
			break;
		nd->path.mnt = &m->mnt;
		nd->path.dentry = m->mnt.mnt_root;
		nd->seq = raw_seqcount_begin(&nd->path.dentry->d_seq);
	}
	nd->inode = d_inode_rcu(nd->path.dentry);
	if (!nd->inode)
		return -ECHILD;
	return 0;
}

static int follow_dotdot(struct nameidata *nd)
{
	for (;;) {
		if (path_equal(&nd->path, &nd->root))
			break;
		if (nd->path.dentry != nd->path.mnt->mnt_root) {
			struct dentry *old = nd->path.dentry;

			nd->path.dentry = dget_parent(old);
			dput(old);
			break;
		}
		if (!follow_up(&nd->path))
			break;
	}
	follow_down(&nd->path);
	nd->inode = d_inode(nd->path.dentry);
	return 0;
}

static int handle_dots(struct nameidata *nd)
{
	if (nd->last_type != LAST_DOTDOT)
		return 0;
	if (nd->flags & LOOKUP_RCU)
		return follow_dotdot_rcu(nd);
	return follow_dotdot(nd);
}

/* ---- looking a component up ---- */

/* rcu-walk: the child from the dcache, or -ECHILD. */
static int lookup_fast_rcu(struct nameidata *nd, struct dentry **res, unsigned int *seqp)
{
	struct dentry *parent = nd->path.dentry;
	struct dentry *dentry = __d_lookup_rcu(parent, &nd->last, seqp);

	if (!dentry)
		return -ECHILD;	/* not cached: ->lookup may sleep */
	if (!rcu_still_valid(nd))
		return -ECHILD;	/* the parent changed while we looked */
	if (dentry->d_flags & DCACHE_OP_REVALIDATE) {
		int status = vfs_call_d_revalidate(dentry, nd->flags);

		if (status <= 0)
			return -ECHILD;	/* invalid, or undecidable without blocking */
	}
	*res = dentry;
	return 0;
}

/* ref-walk: the child from the dcache (referenced), NULL on a miss. */
static struct dentry *lookup_fast(struct nameidata *nd)
{
	struct dentry *dentry = d_lookup(nd->path.dentry, &nd->last);

	if (dentry && (dentry->d_flags & DCACHE_OP_REVALIDATE)) {
		int status = vfs_call_d_revalidate(dentry, nd->flags);

		if (status <= 0) {
			if (!status)
				d_invalidate(dentry);
			dput(dentry);
			return status < 0 ? ERR_PTR(status) : NULL;
		}
	}
	return dentry;
}

/*
 * Dentries whose ->lookup is running (under the directory's shared
 * i_rwsem, so two tasks can miss the same name at once). The second
 * waits for the first instead of creating a duplicate dentry.
 * in_lookup_lock protects in_lookup_list (linked through d_lru, unused
 * while a dentry is being looked up).
 */
static LIST_HEAD(in_lookup_list);
static DEFINE_SPINLOCK(in_lookup_lock);
static DECLARE_WAIT_QUEUE_HEAD(in_lookup_wq);

static struct dentry *in_lookup_find(const struct dentry *parent, const struct qstr *name)
{
	struct dentry *d;

	list_for_each_entry(d, &in_lookup_list, d_lru)
		if (d->d_parent == parent && d->d_name.len == name->len &&
		    !memcmp(d->d_name.name, name->name, name->len))
			return d;
	return NULL;
}

static bool in_lookup_gone(const struct dentry *parent, const struct qstr *name,
			   const struct dentry *which)
{
	bool gone;

	spin_lock(&in_lookup_lock);
	gone = in_lookup_find(parent, name) != which;
	spin_unlock(&in_lookup_lock);
	return gone;
}

/*
 * Look name up in dir, whose i_rwsem the caller holds (shared for a
 * walk, exclusive for create/remove). Returns a referenced dentry,
 * negative if the name does not exist.
 */
static struct dentry *__lookup_slow(const struct qstr *name, struct dentry *dir, unsigned int flags)
{
	struct inode *inode = d_inode(dir);
	struct dentry *dentry, *old, *busy;

again:
	dentry = d_lookup(dir, name);
	if (dentry)
		return dentry;
	if (IS_DEADDIR(inode))
		return ERR_PTR(-ENOENT);
	dentry = d_alloc(dir, name);
	if (!dentry)
		return ERR_PTR(-ENOMEM);
	spin_lock(&in_lookup_lock);
	busy = in_lookup_find(dir, name);
	if (busy) {
		spin_unlock(&in_lookup_lock);
		dput(dentry);
		wait_event(in_lookup_wq, in_lookup_gone(dir, name, busy));
		goto again;
	}
	list_add(&dentry->d_lru, &in_lookup_list);
	spin_unlock(&in_lookup_lock);

	/* Someone may have finished the same lookup between d_lookup and here. */
	old = d_lookup(dir, name);
	if (!old) {
		old = vfs_call_lookup(inode, dentry, flags);
		if (!old && d_unhashed(dentry) && !dentry->d_inode)
			d_rehash(dentry);	/* cache the miss as a negative dentry */
	}
	spin_lock(&in_lookup_lock);
	list_del_init(&dentry->d_lru);
	spin_unlock(&in_lookup_lock);
	wake_up_all(&in_lookup_wq);
	if (old) {
		dput(dentry);
		dentry = old;
	}
	return dentry;
}

static struct dentry *lookup_slow(struct nameidata *nd)
{
	struct inode *dir = nd->inode;
	struct dentry *res;

	inode_lock_shared(dir);
	res = __lookup_slow(&nd->last, nd->path.dentry, nd->flags);
	inode_unlock_shared(dir);
	return res;
}

/* ---- stepping onto the child ---- */

static int pick_link(struct nameidata *nd, struct path *link, struct inode *inode,
		     const char **name)
{
	struct saved_name *s;
	const char *body;

	if (nd->flags & LOOKUP_RCU)
		return -ECHILD;	/* ->get_link may block: ref-walk */
	if (nd->total_link_count++ >= MAXSYMLINKS || nd->depth >= MAXSYMLINKS) {
		path_put(link);
		return -ELOOP;
	}
	s = &nd->stack[nd->depth];
	s->link = *link;
	s->done.fn = NULL;
	body = inode->i_link;
	if (!body) {
		if (!inode->i_op->get_link) {
			path_put(link);
			return -EINVAL;
		}
		body = vfs_call_get_link(link->dentry, inode, &s->done);
		if (IS_ERR(body)) {
			path_put(link);
			return PTR_ERR(body);
		}
	}
	if (!*body) {
		do_delayed_call(&s->done);
		path_put(link);
		return -ENOENT;
	}
	s->name = *name;
	nd->depth++;
	if (*body == '/') {
		path_put(&nd->path);
		nd->path = nd->root;
		path_get(&nd->path);
		nd->inode = d_inode(nd->path.dentry);
	}
	*name = body;
	return 0;
}

/*
 * Move onto child (a dentry found for nd->last): cross mounts, follow a
 * symlink when asked. In ref-walk child's reference passes to nd.
 */
static int step_into(struct nameidata *nd, struct dentry *child, unsigned int seq,
		     bool last, const char **name)
{
	struct path path = { .mnt = nd->path.mnt, .dentry = child };
	struct inode *inode;

	if (nd->flags & LOOKUP_RCU) {
		while (READ_ONCE(path.dentry->d_flags) & DCACHE_MOUNTED) {
			struct mount *m = __lookup_mnt(path.mnt, path.dentry);

			if (!m)
				break;
			path.mnt = &m->mnt;
			path.dentry = m->mnt.mnt_root;
			seq = raw_seqcount_begin(&path.dentry->d_seq);
		}
		inode = d_inode_rcu(path.dentry);
		if (read_seqcount_retry(&path.dentry->d_seq, seq))
			return -ECHILD;
	} else {
		mntget(path.mnt);
		follow_down(&path);
		inode = d_inode(path.dentry);
	}
	if (!inode) {
		if (!(nd->flags & LOOKUP_RCU))
			path_put(&path);
		return -ENOENT;
	}
	if (S_ISLNK(inode->i_mode) && (!last || (nd->flags & LOOKUP_FOLLOW) || nd->trailing_slash)) {
		if (nd->flags & LOOKUP_RCU)
			return -ECHILD;
		return pick_link(nd, &path, inode, name);
	}
	if (!(nd->flags & LOOKUP_RCU))
		path_put(&nd->path);
	nd->path = path;
	nd->inode = inode;
	nd->seq = seq;
	return 0;
}

/* One component: nd->last. */
static int walk_component(struct nameidata *nd, bool last, const char **name)
{
	struct dentry *dentry;
	unsigned int seq = 0;
	int err;

	if (nd->last_type != LAST_NORM)
		return handle_dots(nd);
	if (nd->flags & LOOKUP_RCU) {
		err = lookup_fast_rcu(nd, &dentry, &seq);
		if (err)
			return err;
		if (!d_inode_rcu(dentry) && !read_seqcount_retry(&dentry->d_seq, seq))
			return -ENOENT;	/* a cached negative: the name does not exist */
	} else {
		dentry = lookup_fast(nd);
		if (IS_ERR(dentry))
			return PTR_ERR(dentry);
		if (!dentry) {
			dentry = lookup_slow(nd);
			if (IS_ERR(dentry))
				return PTR_ERR(dentry);
		}
	}
	return step_into(nd, dentry, seq, last, name);
}

/*
 * Walk name. With LOOKUP_PARENT stop before the last component (left in
 * nd->last/last_type); otherwise resolve it too. Symlink bodies are
 * walked in place of the link: the rest of the current name waits on
 * nd->stack.
 */
static int link_path_walk(struct nameidata *nd, const char *name)
{
	int err;

	if (!*name)
		return (nd->flags & LOOKUP_EMPTY) ? 0 : -ENOENT;
	nd->last_type = LAST_ROOT;	/* "/" or only slashes: no component at all */
	for (;;) {
		bool last;

		/* A finished symlink body continues the name that led to it. */
		while (at_end(name) && nd->depth > 0) {
			struct saved_name *s = &nd->stack[--nd->depth];

			name = s->name;
			do_delayed_call(&s->done);
			path_put(&s->link);
		}
		if (at_end(name))
			return 0;
		if (!nd->inode)
			return (nd->flags & LOOKUP_RCU) ? -ECHILD : -ENOENT;
		if (!S_ISDIR(nd->inode->i_mode))
			return -ENOTDIR;
		err = may_lookup(nd);
		if (err)
			return err;
		err = next_component(nd, &name);
		if (err < 0)
			return err;
		last = at_end(name) && nd->depth == 0;
		if (last) {
			nd->trailing_slash = *name == '/';
			if (nd->flags & LOOKUP_PARENT)
				return 0;
		}
		/* Inside a link body every component is followed like a middle one. */
		err = walk_component(nd, last, &name);
		if (err)
			return err;
	}
}

/*
 * rcu-walk done: take the references of the result, if nothing moved.
 * Leaves the RCU read side in every case; on success the walk is a
 * ref-walk from here (its path referenced).
 */
static int complete_walk(struct nameidata *nd)
{
	struct dentry *dentry = nd->path.dentry;
	struct mount *mnt = real_mount(nd->path.mnt);
	bool got_mnt, ok = false;

	got_mnt = atomic_inc_not_zero(&mnt->mnt_count);
	if (got_mnt) {
		spin_lock(&dentry->d_lock);
		if (dentry->d_lockref.count >= 0 && !read_seqcount_retry(&dentry->d_seq, nd->seq)) {
			dget_dlock(dentry);
			ok = true;
		}
		spin_unlock(&dentry->d_lock);
	}
	rcu_read_unlock();
	if (!ok) {
		if (got_mnt)
			mntput(&mnt->mnt);
		return -ECHILD;
	}
	nd->flags &= ~LOOKUP_RCU;
	if (read_seqretry(&mount_lock, nd->m_seq))
		return -ECHILD;	/* terminate_walk drops the references */
	return 0;
}

/*
 * One attempt of a walk in the mode of flags. Returns with *path
 * referenced, or an error (-ECHILD: retry in ref-walk).
 */
static int path_lookupat(int dfd, const char *name, unsigned int flags, struct path *path,
			 struct nameidata *nd)
{
	int err = path_init(nd, dfd, name, flags);

	if (err)
		goto out;
	if (flags & LOOKUP_RCU)
		rcu_read_lock();
	err = link_path_walk(nd, name);
	if (nd->flags & LOOKUP_RCU) {
		if (!err)
			err = complete_walk(nd);
		else
			rcu_read_unlock();
	}
	if (!err && !(flags & LOOKUP_PARENT) && ((flags & LOOKUP_DIRECTORY) || nd->trailing_slash) &&
	    !d_can_lookup(nd->path.dentry))
		err = -ENOTDIR;
	if (!err) {
		*path = nd->path;
		nd->path.dentry = NULL;
		nd->path.mnt = NULL;
	}
out:
	terminate_walk(nd);
	return err;
}

/* ---------------------------------------------------------------- names from user space */

struct filename *getname_flags(const char __user *filename, unsigned int flags)
{
	struct filename *result = kmalloc(sizeof(*result) + PATH_MAX, GFP_KERNEL);
	long len;

	if (!result)
		return ERR_PTR(-ENOMEM);
	len = strncpy_from_user(result->iname, filename, PATH_MAX);
	if (len < 0)
		goto fail;
	if (len == PATH_MAX) {
		len = -ENAMETOOLONG;
		goto fail;
	}
	if (len == 0 && !(flags & LOOKUP_EMPTY)) {
		len = -ENOENT;
		goto fail;
	}
	result->name = result->iname;
	return result;
fail:
	kfree(result);
	return ERR_PTR(len);
}

struct filename *getname(const char __user *filename)
{
	return getname_flags(filename, 0);
}

struct filename *getname_maybe_null(const char __user *filename, unsigned int flags)
{
	return filename ? getname_flags(filename, flags) : NULL;
}

void putname(struct filename *name)
{
	if (!IS_ERR_OR_NULL(name))
		kfree(name);
}

static int check_name(const char *name)
{
	if (!name)
		return -EFAULT;
	if (strnlen(name, PATH_MAX) >= PATH_MAX)
		return -ENAMETOOLONG;
	return 0;
}

/* rcu-walk first, ref-walk if it gave up. */
static int filename_walk(int dfd, const char *name, unsigned int flags, struct path *path,
			 struct nameidata *nd)
{
	int err = check_name(name);

	if (err)
		return err;
	err = path_lookupat(dfd, name, flags | LOOKUP_RCU, path, nd);
	if (err == -ECHILD) {
		atomic_long_inc(&stat_rcu_fallbacks);
		atomic_long_inc(&stat_ref_walks);
		err = path_lookupat(dfd, name, flags & ~LOOKUP_RCU, path, nd);
	} else {
		atomic_long_inc(&stat_rcu_walks);
	}
	return err;
}

static int do_path_lookup(int dfd, const char *name, unsigned int flags, struct path *path)
{
	struct nameidata *nd = kmalloc(sizeof(*nd), GFP_KERNEL);
	int err;

	if (!nd)
		return -ENOMEM;
	err = filename_walk(dfd, name, flags, path, nd);
	kfree(nd);
	return err;
}

int kern_path(const char *name, unsigned int flags, struct path *path)
{
	return do_path_lookup(AT_FDCWD, name, flags, path);
}

int user_path_at(int dfd, const char *name, unsigned flags, struct path *path)
{
	return do_path_lookup(dfd, name, flags, path);
}

/* The parent of name's last component, referenced, and that component. */
struct parent_walk {
	struct path parent;
	struct qstr last;
	int type;
	bool trailing_slash;
	struct nameidata nd;
};

static int filename_parentat(int dfd, const char *name, unsigned int flags, struct parent_walk *pw)
{
	int err = filename_walk(dfd, name, flags | LOOKUP_PARENT, &pw->parent, &pw->nd);

	if (err)
		return err;
	pw->last = pw->nd.last;
	pw->type = pw->nd.last_type;
	pw->trailing_slash = pw->nd.trailing_slash;
	return 0;
}

/* ---------------------------------------------------------------- lookups with the parent locked */

/* name in base (base's i_rwsem held by the caller, shared or exclusive). */
static struct dentry *lookup_locked(const struct qstr *name, struct dentry *base, unsigned int flags)
{
	lockdep_assert_held(&d_inode(base)->i_rwsem);
	return __lookup_slow(name, base, flags);
}

static int lookup_one_common(const char *name, struct dentry *base, int len, struct qstr *q)
{
	int i;

	if (!len)
		return -EACCES;
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	if (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.')))
		return -EACCES;
	for (i = 0; i < len; i++)
		if (!name[i] || name[i] == '/')
			return -EACCES;
	q->name = (const unsigned char *)name;
	q->len = len;
	q->hash = full_name_hash(base, name, len);
	if (base->d_flags & DCACHE_OP_HASH) {
		int err = vfs_call_d_hash(base, q);

		if (err < 0)
			return err;
	}
	return inode_permission(d_inode(base), MAY_EXEC);
}

struct dentry *lookup_one_len(const char *name, struct dentry *base, int len)
{
	struct qstr q;
	int err = lookup_one_common(name, base, len, &q);

	if (err)
		return ERR_PTR(err);
	return lookup_locked(&q, base, 0);
}

struct dentry *lookup_one_len_unlocked(const char *name, struct dentry *base, int len)
{
	struct qstr q;
	struct dentry *res;
	int err = lookup_one_common(name, base, len, &q);

	if (err)
		return ERR_PTR(err);
	inode_lock_shared(d_inode(base));
	res = lookup_locked(&q, base, 0);
	inode_unlock_shared(d_inode(base));
	return res;
}

/* ---------------------------------------------------------------- checks shared by the ops */

static int may_create(struct inode *dir, struct dentry *child)
{
	if (d_really_is_positive(child))
		return -EEXIST;
	if (IS_DEADDIR(dir))
		return -ENOENT;
	return inode_permission(dir, MAY_WRITE | MAY_EXEC);
}

/* Sticky directories: only the owner of the file or the directory (or CAP_FOWNER). */
static bool check_sticky(struct inode *dir, struct inode *inode)
{
	kuid_t fsuid = current_fsuid();

	if (!(dir->i_mode & S_ISVTX))
		return false;
	if (inode->i_uid == fsuid || dir->i_uid == fsuid)
		return false;
	return !capable(CAP_FOWNER);
}

static int may_delete(struct inode *dir, struct dentry *victim, bool isdir)
{
	struct inode *inode = d_inode(victim);
	int err;

	if (!inode)
		return -ENOENT;
	err = inode_permission(dir, MAY_WRITE | MAY_EXEC);
	if (err)
		return err;
	if (check_sticky(dir, inode) || (inode->i_flags & (S_APPEND | S_IMMUTABLE)))
		return -EPERM;
	if (isdir) {
		if (!S_ISDIR(inode->i_mode))
			return -ENOTDIR;
		if (IS_ROOT(victim))
			return -EBUSY;
	} else if (S_ISDIR(inode->i_mode)) {
		return -EISDIR;
	}
	if (IS_DEADDIR(dir))
		return -ENOENT;
	return 0;
}

/* ---------------------------------------------------------------- vfs_* */

int vfs_create(struct inode *dir, struct dentry *dentry, umode_t mode, bool want_excl)
{
	int err = may_create(dir, dentry);

	if (err)
		return err;
	if (!dir->i_op->create)
		return -EACCES;
	mode = (mode & S_IALLUGO) | S_IFREG;
	return vfs_call_create(dir, dentry, mode, want_excl);
}

int vfs_mkdir(struct inode *dir, struct dentry *dentry, umode_t mode)
{
	int err = may_create(dir, dentry);

	if (err)
		return err;
	if (!dir->i_op->mkdir)
		return -EPERM;
	mode = (mode & (S_IRWXU | S_IRWXG | S_IRWXO | S_ISVTX)) | S_IFDIR;
	return vfs_call_mkdir(dir, dentry, mode);
}

int vfs_mknod(struct inode *dir, struct dentry *dentry, umode_t mode, dev_t dev)
{
	int err = may_create(dir, dentry);

	if (err)
		return err;
	if ((S_ISCHR(mode) || S_ISBLK(mode)) && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (!dir->i_op->mknod)
		return -EPERM;
	return vfs_call_mknod(dir, dentry, mode, dev);
}

int vfs_symlink(struct inode *dir, struct dentry *dentry, const char *oldname)
{
	int err = may_create(dir, dentry);

	if (err)
		return err;
	if (!dir->i_op->symlink)
		return -EPERM;
	return vfs_call_symlink(dir, dentry, oldname);
}

int vfs_link(struct dentry *old_dentry, struct inode *dir, struct dentry *new_dentry,
	     struct inode **delegated_inode)
{
	struct inode *inode = d_inode(old_dentry);
	int err;

	if (!inode)
		return -ENOENT;
	err = may_create(dir, new_dentry);
	if (err)
		return err;
	if (dir->i_sb != inode->i_sb)
		return -EXDEV;
	if (inode->i_flags & (S_APPEND | S_IMMUTABLE))
		return -EPERM;
	if (!dir->i_op->link)
		return -EPERM;
	if (S_ISDIR(inode->i_mode))
		return -EPERM;
	inode_lock(inode);
	if (inode->i_nlink == 0 && !(inode->i_state & I_LINKABLE))
		err = -ENOENT;
	else
		err = vfs_call_link(old_dentry, dir, new_dentry);
	inode_unlock(inode);
	return err;
}

int vfs_rmdir(struct inode *dir, struct dentry *dentry)
{
	int err = may_delete(dir, dentry, true);

	if (err)
		return err;
	if (!dir->i_op->rmdir)
		return -EPERM;
	dget(dentry);
	inode_lock(dentry->d_inode);
	if (d_mountpoint(dentry)) {
		err = -EBUSY;
		goto out;
	}
	err = vfs_call_rmdir(dir, dentry);
	if (err)
		goto out;
	shrink_dcache_parent(dentry);
	dentry->d_inode->i_flags |= S_DEAD;
out:
	inode_unlock(dentry->d_inode);
	dput(dentry);
	if (!err)
		d_delete(dentry);
	return err;
}

int vfs_unlink(struct inode *dir, struct dentry *dentry, struct inode **delegated_inode)
{
	struct inode *target = dentry->d_inode;
	int err = may_delete(dir, dentry, false);

	if (err)
		return err;
	if (!dir->i_op->unlink)
		return -EPERM;
	ihold(target);	/* the last iput happens after the directory is unlocked */
	inode_lock(target);
	if (d_mountpoint(dentry))
		err = -EBUSY;
	else
		err = vfs_call_unlink(dir, dentry);
	inode_unlock(target);
	if (!err)
		d_delete(dentry);
	iput(target);
	return err;
}

/*
 * Lock the parents of a rename. Same directory: one lock. Otherwise the
 * super block's s_vfs_rename_sem first (cross-directory renames one at a
 * time: the ancestry of directories cannot change under us), then the
 * ancestor first, or the source's parent first if neither is an ancestor.
 * Returns the "trap": the child of the ancestor parent on the way to the
 * other one (a source equal to it would move a directory into itself, a
 * target equal to it would replace an ancestor), NULL if none.
 */
static struct dentry *d_ancestor(struct dentry *ancestor, struct dentry *d)
{
	struct dentry *p;

	for (p = d; !IS_ROOT(p); p = p->d_parent)
		if (p->d_parent == ancestor)
			return p;
	return NULL;
}

struct dentry *lock_rename(struct dentry *p1, struct dentry *p2)
{
	struct dentry *p;

	if (p1 == p2) {
		inode_lock_nested(p1->d_inode, I_MUTEX_PARENT);
		return NULL;
	}
	mutex_lock(&p1->d_sb->s_vfs_rename_sem);
	p = d_ancestor(p2, p1);
	if (p) {
		inode_lock_nested(p2->d_inode, I_MUTEX_PARENT);
		inode_lock_nested(p1->d_inode, I_MUTEX_PARENT2);
		return p;
	}
	p = d_ancestor(p1, p2);
	inode_lock_nested(p1->d_inode, I_MUTEX_PARENT);
	inode_lock_nested(p2->d_inode, I_MUTEX_PARENT2);
	return p;
}

void unlock_rename(struct dentry *p1, struct dentry *p2)
{
	inode_unlock(p1->d_inode);
	if (p1 != p2) {
		inode_unlock(p2->d_inode);
		mutex_unlock(&p1->d_sb->s_vfs_rename_sem);
	}
}

/* Two non-directories: by address ("inode pointer order"). */
static void lock_two_nondirectories(struct inode *a, struct inode *b)
{
	if (a > b) {
		struct inode *t = a;

		a = b;
		b = t;
	}
	if (a)
		inode_lock_nested(a, I_MUTEX_NORMAL);
	if (b && b != a)
		inode_lock_nested(b, I_MUTEX_NONDIR2);
}

static void unlock_two(struct inode *a, struct inode *b)
{
	if (a)
		inode_unlock(a);
	if (b && b != a)
		inode_unlock(b);
}

/*
 * Rename with both parents locked (lock_rename). Then the children, as
 * directory-locking.rst says: the source if it is a non-directory or a
 * directory changing parent; the target if it is a non-directory, or will
 * be removed, or (exchange) a directory changing parent. Subdirectories
 * first (source before target), then non-directories by address.
 */
int vfs_rename(struct renamedata *rd)
{
	struct inode *old_dir = rd->old_dir, *new_dir = rd->new_dir;
	struct dentry *old_dentry = rd->old_dentry, *new_dentry = rd->new_dentry;
	struct inode *source = old_dentry->d_inode, *target = new_dentry->d_inode;
	unsigned int flags = rd->flags;
	bool is_dir = S_ISDIR(source->i_mode);
	bool new_is_dir = target && S_ISDIR(target->i_mode);
	bool cross = old_dir != new_dir;
	struct inode *lock_src = NULL, *lock_tgt = NULL;
	int err;

	if (source == target)
		return 0;
	err = may_delete(old_dir, old_dentry, is_dir);
	if (err)
		return err;
	if (!target)
		err = may_create(new_dir, new_dentry);
	else
		err = may_delete(new_dir, new_dentry, (flags & RENAME_EXCHANGE) ? new_is_dir : is_dir);
	if (err)
		return err;
	if (!old_dir->i_op->rename)
		return -EPERM;
	/* A directory that changes parent gets a new "..": write permission on it. */
	if (cross && is_dir) {
		err = inode_permission(source, MAY_WRITE);
		if (err)
			return err;
	}
	if (cross && new_is_dir && (flags & RENAME_EXCHANGE)) {
		err = inode_permission(target, MAY_WRITE);
		if (err)
			return err;
	}

	dget(new_dentry);
	if (!is_dir || cross)
		lock_src = source;
	if (target && (!new_is_dir || cross || !(flags & RENAME_EXCHANGE)))
		lock_tgt = target;
	if (lock_src && is_dir) {
		inode_lock_nested(lock_src, I_MUTEX_CHILD);
		if (lock_tgt)
			inode_lock_nested(lock_tgt, I_MUTEX_NORMAL);
	} else if (lock_tgt && new_is_dir) {
		inode_lock_nested(lock_tgt, I_MUTEX_CHILD);
		if (lock_src)
			inode_lock_nested(lock_src, I_MUTEX_NORMAL);
	} else {
		lock_two_nondirectories(lock_src, lock_tgt);
	}

	err = -EBUSY;
	if (d_mountpoint(old_dentry) || d_mountpoint(new_dentry))
		goto out;
	err = vfs_call_rename(old_dir, old_dentry, new_dir, new_dentry, flags);
	if (err)
		goto out;
	if (!(flags & RENAME_EXCHANGE) && target) {
		if (is_dir) {
			shrink_dcache_parent(new_dentry);
			target->i_flags |= S_DEAD;
		}
	}
	if (!(old_dir->i_sb->s_type->fs_flags & FS_RENAME_DOES_D_MOVE)) {
		if (flags & RENAME_EXCHANGE)
			d_exchange(old_dentry, new_dentry);
		else
			d_move(old_dentry, new_dentry);
	}
out:
	unlock_two(lock_src, lock_tgt);
	dput(new_dentry);
	return err;
}

int readlink_copy(char *buffer, int buflen, const char *link)
{
	int len = strlen(link);

	if (len > buflen)
		len = buflen;
	memcpy(buffer, link, len);
	return len;
}

const char *vfs_get_link(struct dentry *dentry, struct delayed_call *done)
{
	struct inode *inode = d_inode(dentry);

	done->fn = NULL;
	if (!inode || !S_ISLNK(inode->i_mode))
		return ERR_PTR(-EINVAL);
	if (inode->i_link)
		return inode->i_link;
	if (!inode->i_op->get_link)
		return ERR_PTR(-EINVAL);
	return vfs_call_get_link(dentry, inode, done);
}

int vfs_readlink(struct dentry *dentry, char *buffer, int buflen)
{
	struct inode *inode = d_inode(dentry);
	struct delayed_call done;
	const char *link;
	int res;

	if (!inode || !S_ISLNK(inode->i_mode))
		return -EINVAL;
	if (inode->i_op->readlink)
		return vfs_call_readlink(dentry, buffer, buflen);
	link = vfs_get_link(dentry, &done);
	if (IS_ERR(link))
		return PTR_ERR(link);
	res = readlink_copy(buffer, buflen, link);
	do_delayed_call(&done);
	return res;
}

/* ---------------------------------------------------------------- create paths */

/*
 * The parent of pathname locked for a change (exclusive) and a dentry
 * for the last component (negative or not: the caller decides).
 */
struct dentry *kern_path_create(int dfd, const char *pathname, struct path *path,
				unsigned int lookup_flags)
{
	struct parent_walk *pw = kmalloc(sizeof(*pw), GFP_KERNEL);
	struct dentry *dentry;
	int err;

	if (!pw)
		return ERR_PTR(-ENOMEM);
	err = filename_parentat(dfd, pathname, lookup_flags & LOOKUP_FOLLOW, pw);
	if (err)
		goto fail;
	err = -EEXIST;
	if (pw->type != LAST_NORM)
		goto fail_put;
	err = -ENOENT;
	if (pw->trailing_slash && !(lookup_flags & LOOKUP_DIRECTORY))
		goto fail_put;
	inode_lock_nested(d_inode(pw->parent.dentry), I_MUTEX_PARENT);
	dentry = lookup_locked(&pw->last, pw->parent.dentry, LOOKUP_CREATE | LOOKUP_EXCL);
	if (IS_ERR(dentry)) {
		err = PTR_ERR(dentry);
		inode_unlock(d_inode(pw->parent.dentry));
		goto fail_put;
	}
	if (d_really_is_positive(dentry)) {
		dput(dentry);
		inode_unlock(d_inode(pw->parent.dentry));
		err = -EEXIST;
		goto fail_put;
	}
	*path = pw->parent;
	kfree(pw);
	return dentry;
fail_put:
	path_put(&pw->parent);
fail:
	kfree(pw);
	return ERR_PTR(err);
}

void done_path_create(struct path *path, struct dentry *dentry)
{
	dput(dentry);
	inode_unlock(d_inode(path->dentry));
	path_put(path);
}

static umode_t apply_umask(umode_t mode)
{
	return mode & ~current_umask();
}

long ksys_mkdirat(int dfd, const char *pathname, umode_t mode)
{
	struct path path;
	struct dentry *dentry = kern_path_create(dfd, pathname, &path, LOOKUP_DIRECTORY);
	int err;

	if (IS_ERR(dentry))
		return PTR_ERR(dentry);
	err = vfs_mkdir(d_inode(path.dentry), dentry, apply_umask(mode));
	done_path_create(&path, dentry);
	return err;
}

long ksys_mkdir(const char *pathname, umode_t mode)
{
	return ksys_mkdirat(AT_FDCWD, pathname, mode);
}

long ksys_mknodat(int dfd, const char *filename, umode_t mode, unsigned int dev)
{
	struct path path;
	struct dentry *dentry;
	int err;

	switch (mode & S_IFMT) {
	case 0:
		mode |= S_IFREG;
		break;
	case S_IFREG:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		break;
	case S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
	dentry = kern_path_create(dfd, filename, &path, 0);
	if (IS_ERR(dentry))
		return PTR_ERR(dentry);
	mode = (mode & S_IFMT) | apply_umask(mode & S_IALLUGO);
	if (S_ISREG(mode))
		err = vfs_create(d_inode(path.dentry), dentry, mode, true);
	else
		err = vfs_mknod(d_inode(path.dentry), dentry, mode, dev);
	done_path_create(&path, dentry);
	return err;
}

long ksys_symlinkat(const char *oldname, int newdfd, const char *newname)
{
	struct path path;
	struct dentry *dentry;
	int err = check_name(oldname);

	if (err)
		return err;
	if (!*oldname)
		return -ENOENT;
	dentry = kern_path_create(newdfd, newname, &path, 0);
	if (IS_ERR(dentry))
		return PTR_ERR(dentry);
	err = vfs_symlink(d_inode(path.dentry), dentry, oldname);
	done_path_create(&path, dentry);
	return err;
}

long ksys_symlink(const char *oldname, const char *newname)
{
	return ksys_symlinkat(oldname, AT_FDCWD, newname);
}

long ksys_linkat(int olddfd, const char *oldname, int newdfd, const char *newname, int flags)
{
	struct path old_path, new_path;
	struct dentry *new_dentry;
	int err;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = user_path_at(olddfd, oldname,
			   ((flags & AT_SYMLINK_FOLLOW) ? LOOKUP_FOLLOW : 0) |
				   ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0),
			   &old_path);
	if (err)
		return err;
	new_dentry = kern_path_create(newdfd, newname, &new_path, 0);
	if (IS_ERR(new_dentry)) {
		err = PTR_ERR(new_dentry);
		goto out;
	}
	err = -EXDEV;
	if (old_path.mnt == new_path.mnt)
		err = vfs_link(old_path.dentry, d_inode(new_path.dentry), new_dentry, NULL);
	done_path_create(&new_path, new_dentry);
out:
	path_put(&old_path);
	return err;
}

long ksys_link(const char *oldname, const char *newname)
{
	return ksys_linkat(AT_FDCWD, oldname, AT_FDCWD, newname, 0);
}

/* ---------------------------------------------------------------- remove paths */

static long do_rmdir(int dfd, const char *pathname)
{
	struct parent_walk *pw = kmalloc(sizeof(*pw), GFP_KERNEL);
	struct dentry *dentry;
	struct inode *dir;
	int err;

	if (!pw)
		return -ENOMEM;
	err = filename_parentat(dfd, pathname, 0, pw);
	if (err)
		goto out_free;
	switch (pw->type) {
	case LAST_DOTDOT:
		err = -ENOTEMPTY;
		goto out_put;
	case LAST_DOT:
		err = -EINVAL;
		goto out_put;
	case LAST_ROOT:
		err = -EBUSY;
		goto out_put;
	}
	dir = d_inode(pw->parent.dentry);
	inode_lock_nested(dir, I_MUTEX_PARENT);
	dentry = lookup_locked(&pw->last, pw->parent.dentry, 0);
	err = PTR_ERR(dentry);
	if (IS_ERR(dentry))
		goto out_unlock;
	if (d_really_is_negative(dentry))
		err = -ENOENT;
	else
		err = vfs_rmdir(dir, dentry);
	dput(dentry);
out_unlock:
	inode_unlock(dir);
out_put:
	path_put(&pw->parent);
out_free:
	kfree(pw);
	return err;
}

static long do_unlinkat(int dfd, const char *pathname)
{
	struct parent_walk *pw = kmalloc(sizeof(*pw), GFP_KERNEL);
	struct dentry *dentry;
	struct inode *dir;
	int err;

	if (!pw)
		return -ENOMEM;
	err = filename_parentat(dfd, pathname, 0, pw);
	if (err)
		goto out_free;
	err = -EISDIR;
	if (pw->type != LAST_NORM)
		goto out_put;
	dir = d_inode(pw->parent.dentry);
	inode_lock_nested(dir, I_MUTEX_PARENT);
	dentry = lookup_locked(&pw->last, pw->parent.dentry, 0);
	err = PTR_ERR(dentry);
	if (IS_ERR(dentry))
		goto out_unlock;
	if (d_really_is_negative(dentry))
		err = -ENOENT;
	else if (pw->trailing_slash)
		err = d_is_dir(dentry) ? -EISDIR : -ENOTDIR;
	else
		err = vfs_unlink(dir, dentry, NULL);
	dput(dentry);
out_unlock:
	inode_unlock(dir);
out_put:
	path_put(&pw->parent);
out_free:
	kfree(pw);
	return err;
}

long ksys_unlinkat(int dfd, const char *pathname, int flag)
{
	if (flag & ~AT_REMOVEDIR)
		return -EINVAL;
	if (flag & AT_REMOVEDIR)
		return do_rmdir(dfd, pathname);
	return do_unlinkat(dfd, pathname);
}

long ksys_unlink(const char *pathname)
{
	return do_unlinkat(AT_FDCWD, pathname);
}

long ksys_rmdir(const char *pathname)
{
	return do_rmdir(AT_FDCWD, pathname);
}

/* ---------------------------------------------------------------- rename */

long ksys_renameat2(int olddfd, const char *oldname, int newdfd, const char *newname,
		    unsigned int flags)
{
	struct parent_walk *op = NULL, *np = NULL;
	struct dentry *old_dentry = NULL, *new_dentry = NULL, *trap;
	struct renamedata rd;
	int err;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	if ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE))
		return -EINVAL;
	if (flags & RENAME_WHITEOUT)
		return -EINVAL;	/* whiteouts are for overlay file systems: none here */
	op = kmalloc(sizeof(*op), GFP_KERNEL);
	np = kmalloc(sizeof(*np), GFP_KERNEL);
	err = -ENOMEM;
	if (!op || !np)
		goto out_free;
	err = filename_parentat(olddfd, oldname, 0, op);
	if (err)
		goto out_free;
	err = filename_parentat(newdfd, newname, 0, np);
	if (err)
		goto out_put_old;
	err = -EXDEV;
	if (op->parent.mnt != np->parent.mnt)
		goto out_put;
	err = -EBUSY;
	if (op->type != LAST_NORM)
		goto out_put;
	if (np->type != LAST_NORM) {
		err = (flags & RENAME_NOREPLACE) ? -EEXIST : -EBUSY;
		goto out_put;
	}

	trap = lock_rename(op->parent.dentry, np->parent.dentry);
	old_dentry = lookup_locked(&op->last, op->parent.dentry, 0);
	err = PTR_ERR(old_dentry);
	if (IS_ERR(old_dentry)) {
		old_dentry = NULL;
		goto out_unlock;
	}
	err = -ENOENT;
	if (d_really_is_negative(old_dentry))
		goto out_unlock;
	new_dentry = lookup_locked(&np->last, np->parent.dentry, LOOKUP_RENAME_TARGET);
	err = PTR_ERR(new_dentry);
	if (IS_ERR(new_dentry)) {
		new_dentry = NULL;
		goto out_unlock;
	}
	err = -EEXIST;
	if ((flags & RENAME_NOREPLACE) && d_really_is_positive(new_dentry))
		goto out_unlock;
	if (flags & RENAME_EXCHANGE) {
		err = -ENOENT;
		if (d_really_is_negative(new_dentry))
			goto out_unlock;
		/* each side of an exchange: a trailing slash asks for a directory */
		err = -ENOTDIR;
		if (!d_is_dir(new_dentry) && np->trailing_slash)
			goto out_unlock;
	}
	/* unless the source is a directory, trailing slashes give ENOTDIR (as Linux) */
	err = -ENOTDIR;
	if (!d_is_dir(old_dentry) &&
	    (op->trailing_slash || (!(flags & RENAME_EXCHANGE) && np->trailing_slash)))
		goto out_unlock;
	/* source is an ancestor of target */
	err = -EINVAL;
	if (old_dentry == trap)
		goto out_unlock;
	/* target is an ancestor of source */
	err = (flags & RENAME_EXCHANGE) ? -EINVAL : -ENOTEMPTY;
	if (new_dentry == trap)
		goto out_unlock;

	rd.old_dir = d_inode(op->parent.dentry);
	rd.old_dentry = old_dentry;
	rd.new_dir = d_inode(np->parent.dentry);
	rd.new_dentry = new_dentry;
	rd.delegated_inode = NULL;
	rd.flags = flags;
	err = vfs_rename(&rd);
out_unlock:
	if (new_dentry)
		dput(new_dentry);
	if (old_dentry)
		dput(old_dentry);
	unlock_rename(op->parent.dentry, np->parent.dentry);
out_put:
	path_put(&np->parent);
out_put_old:
	path_put(&op->parent);
out_free:
	kfree(op);
	kfree(np);
	return err;
}

long ksys_rename(const char *oldname, const char *newname)
{
	return ksys_renameat2(AT_FDCWD, oldname, AT_FDCWD, newname, 0);
}

long ksys_readlinkat(int dfd, const char *pathname, char *buf, int bufsiz)
{
	struct path path;
	int err;

	if (bufsiz <= 0)
		return -EINVAL;
	err = user_path_at(dfd, pathname, LOOKUP_EMPTY, &path);
	if (err)
		return err;
	err = vfs_readlink(path.dentry, buf, bufsiz);
	path_put(&path);
	return err;
}

long ksys_readlink(const char *path, char *buf, int bufsiz)
{
	return ksys_readlinkat(AT_FDCWD, path, buf, bufsiz);
}

/* ---------------------------------------------------------------- open */

int build_open_flags(int flags, umode_t mode, struct open_flags *op)
{
	int acc = flags & O_ACCMODE;

	if (acc == 3)
		return -EINVAL;
	op->open_flag = flags;
	op->mode = (flags & O_CREAT) ? ((mode & S_IALLUGO) | S_IFREG) : 0;
	op->acc_mode = (acc == O_RDONLY ? MAY_READ : 0) | (acc == O_WRONLY ? MAY_WRITE : 0) |
		       (acc == O_RDWR ? MAY_READ | MAY_WRITE : 0);
	if (flags & O_TRUNC)
		op->acc_mode |= MAY_WRITE;
	if (flags & O_APPEND)
		op->acc_mode |= MAY_APPEND;
	op->lookup_flags = (flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	if (flags & O_DIRECTORY)
		op->lookup_flags |= LOOKUP_DIRECTORY;
	if ((flags & O_CREAT) && (flags & O_EXCL))
		op->lookup_flags &= ~LOOKUP_FOLLOW;	/* O_EXCL never follows a final symlink */
	return 0;
}

int may_open(const struct path *path, int acc_mode, int flag)
{
	struct inode *inode = d_inode(path->dentry);

	if (!inode)
		return -ENOENT;
	switch (inode->i_mode & S_IFMT) {
	case S_IFLNK:
		return -ELOOP;
	case S_IFDIR:
		if (acc_mode & MAY_WRITE)
			return -EISDIR;
		break;
	case S_IFBLK:
	case S_IFCHR:
		if (inode->i_sb->s_flags & SB_NODEV)
			return -EACCES;
		break;
	}
	return inode_permission(inode, acc_mode & (MAY_READ | MAY_WRITE | MAY_EXEC));
}

/*
 * The name an O_CREAT open continues with after a final symlink: the
 * link's body, relative to the directory the link sits in (the name up
 * to its last '/'). Builds it in buf (PATH_MAX bytes).
 */
static int open_link_name(const char *name, struct dentry *link, char *buf)
{
	char *body = kmalloc(PATH_MAX, GFP_KERNEL);
	const char *slash = strrchr(name, '/');
	size_t dirlen = slash ? (size_t)(slash - name) + 1 : 0;
	int len;

	if (!body)
		return -ENOMEM;
	len = vfs_readlink(link, body, PATH_MAX - 1);
	if (len < 0) {
		kfree(body);
		return len;
	}
	body[len] = '\0';
	if (body[0] == '/')
		dirlen = 0;
	if (dirlen + len + 1 > PATH_MAX) {
		kfree(body);
		return -ENAMETOOLONG;
	}
	memmove(buf, name, dirlen);
	memcpy(buf + dirlen, body, len + 1);
	kfree(body);
	return 0;
}

/*
 * The last component of an O_CREAT open (as Linux's open_last_lookups):
 * with the parent's i_rwsem exclusive, look the name up and create it if
 * negative, so no unlink or create can slip in between. A positive name
 * with O_EXCL is EEXIST, a directory is EISDIR. A final symlink is
 * followed by continuing with its body (so a dangling one creates its
 * target), unless O_NOFOLLOW (ELOOP); at most MAXSYMLINKS of them.
 */
static int open_create(int dfd, const char *pathname, const struct open_flags *op,
		       struct path *result, bool *created)
{
	struct parent_walk *pw = kmalloc(sizeof(*pw), GFP_KERNEL);
	char *name = kmalloc(PATH_MAX, GFP_KERNEL);
	int links = 0, err;

	err = -ENOMEM;
	if (!pw || !name)
		goto out_free;
	err = -ENAMETOOLONG;
	if (strlen(pathname) >= PATH_MAX)
		goto out_free;
	memcpy(name, pathname, strlen(pathname) + 1);
	for (;;) {
		struct dentry *dentry;
		struct inode *dir;

		err = filename_parentat(dfd, name, 0, pw);
		if (err)
			goto out_free;
		err = -EISDIR;
		if (pw->type != LAST_NORM || pw->trailing_slash)
			goto out_put;
		dir = d_inode(pw->parent.dentry);
		inode_lock_nested(dir, I_MUTEX_PARENT);
		dentry = lookup_locked(&pw->last, pw->parent.dentry, LOOKUP_OPEN | LOOKUP_CREATE);
		if (IS_ERR(dentry)) {
			err = PTR_ERR(dentry);
			inode_unlock(dir);
			goto out_put;
		}
		if (d_really_is_negative(dentry)) {
			err = vfs_create(dir, dentry, apply_umask(op->mode), op->open_flag & O_EXCL);
			inode_unlock(dir);
			if (err) {
				dput(dentry);
				goto out_put;
			}
			*created = true;
			result->mnt = mntget(pw->parent.mnt);
			result->dentry = dentry;
			goto out_put;
		}
		if (op->open_flag & O_EXCL)
			err = -EEXIST;
		else if (d_is_dir(dentry))
			err = -EISDIR;
		else if (!d_is_symlink(dentry))
			err = 0;
		else if (!(op->lookup_flags & LOOKUP_FOLLOW))
			err = -ELOOP;
		else if (++links > MAXSYMLINKS)
			err = -ELOOP;
		else
			err = open_link_name(name, dentry, name);
		inode_unlock(dir);
		if (!err && !d_is_symlink(dentry)) {
			result->mnt = mntget(pw->parent.mnt);
			result->dentry = dentry;
			goto out_put;
		}
		dput(dentry);
		path_put(&pw->parent);
		if (err)
			goto out_free;
		/* continue the walk with the link's body */
	}
out_put:
	path_put(&pw->parent);
out_free:
	kfree(name);
	kfree(pw);
	return err;
}

struct file *path_openat(int dfd, const char *pathname, const struct open_flags *op)
{
	struct path path;
	struct file *f;
	bool created = false;
	int err = check_name(pathname);

	if (err)
		return ERR_PTR(err);
	if (op->open_flag & O_CREAT) {
		if (op->open_flag & O_DIRECTORY)
			return ERR_PTR(-EINVAL);
		err = open_create(dfd, pathname, op, &path, &created);
	} else {
		err = user_path_at(dfd, pathname, op->lookup_flags, &path);
	}
	if (err)
		return ERR_PTR(err);
	if ((op->open_flag & O_DIRECTORY) && !d_can_lookup(path.dentry)) {
		path_put(&path);
		return ERR_PTR(-ENOTDIR);
	}
	if (!created) {
		err = may_open(&path, op->acc_mode, op->open_flag);
		if (err) {
			path_put(&path);
			return ERR_PTR(err);
		}
	}
	f = alloc_empty_file(op->open_flag, current_cred());
	if (IS_ERR(f)) {
		path_put(&path);
		return f;
	}
	err = vfs_open(&path, f);
	path_put(&path);
	if (!err && (op->open_flag & O_TRUNC) && !created && S_ISREG(file_inode(f)->i_mode))
		err = do_truncate_file(f, 0);
	if (err) {
		fput(f);
		return ERR_PTR(err);
	}
	return f;
}

struct file *do_filp_open(int dfd, const char *pathname, int flags, umode_t mode)
{
	struct open_flags op;
	int err = build_open_flags(flags, mode, &op);

	if (err)
		return ERR_PTR(err);
	return path_openat(dfd, pathname, &op);
}

/* ================================================================ system calls */

/*
 * The directory-changing calls copy their names in (getname: EFAULT,
 * ENAMETOOLONG, ENOENT for "") and call the ksys_ functions above.
 */
SYSCALL_DEFINE3(mkdirat, int, dfd, const char __user *, pathname, umode_t, mode)
{
	struct filename *name = getname(pathname);
	long ret;

	if (IS_ERR(name))
		return PTR_ERR(name);
	ret = ksys_mkdirat(dfd, name->name, mode);
	putname(name);
	return ret;
}

SYSCALL_DEFINE2(mkdir, const char __user *, pathname, umode_t, mode)
{
	return sys_mkdirat(AT_FDCWD, pathname, mode);
}

/* dev arrives in user space's encoding (makedev()). */
SYSCALL_DEFINE4(mknodat, int, dfd, const char __user *, filename, umode_t, mode, unsigned int, dev)
{
	struct filename *name = getname(filename);
	long ret;

	if (IS_ERR(name))
		return PTR_ERR(name);
	ret = ksys_mknodat(dfd, name->name, mode, new_decode_dev(dev));
	putname(name);
	return ret;
}

SYSCALL_DEFINE3(mknod, const char __user *, filename, umode_t, mode, unsigned int, dev)
{
	return sys_mknodat(AT_FDCWD, filename, mode, dev);
}

SYSCALL_DEFINE3(unlinkat, int, dfd, const char __user *, pathname, int, flag)
{
	struct filename *name;
	long ret;

	if (flag & ~AT_REMOVEDIR)
		return -EINVAL;
	name = getname(pathname);
	if (IS_ERR(name))
		return PTR_ERR(name);
	ret = ksys_unlinkat(dfd, name->name, flag);
	putname(name);
	return ret;
}

SYSCALL_DEFINE1(unlink, const char __user *, pathname)
{
	return sys_unlinkat(AT_FDCWD, pathname, 0);
}

SYSCALL_DEFINE1(rmdir, const char __user *, pathname)
{
	return sys_unlinkat(AT_FDCWD, pathname, AT_REMOVEDIR);
}

/* Two names: both copied in before anything is looked up. */
static long two_names(const char __user *u1, unsigned int f1, const char __user *u2,
		      struct filename **n1, struct filename **n2)
{
	*n1 = getname_flags(u1, f1);
	if (IS_ERR(*n1))
		return PTR_ERR(*n1);
	*n2 = getname(u2);
	if (IS_ERR(*n2)) {
		putname(*n1);
		return PTR_ERR(*n2);
	}
	return 0;
}

SYSCALL_DEFINE5(renameat2, int, olddfd, const char __user *, oldname, int, newdfd,
		const char __user *, newname, unsigned int, flags)
{
	struct filename *from, *to;
	long ret = two_names(oldname, 0, newname, &from, &to);

	if (ret)
		return ret;
	ret = ksys_renameat2(olddfd, from->name, newdfd, to->name, flags);
	putname(from);
	putname(to);
	return ret;
}

SYSCALL_DEFINE4(renameat, int, olddfd, const char __user *, oldname, int, newdfd,
		const char __user *, newname)
{
	return sys_renameat2(olddfd, oldname, newdfd, newname, 0);
}

SYSCALL_DEFINE2(rename, const char __user *, oldname, const char __user *, newname)
{
	return sys_renameat2(AT_FDCWD, oldname, AT_FDCWD, newname, 0);
}

SYSCALL_DEFINE5(linkat, int, olddfd, const char __user *, oldname, int, newdfd,
		const char __user *, newname, int, flags)
{
	struct filename *from, *to;
	long ret;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	ret = two_names(oldname, (flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0, newname, &from, &to);
	if (ret)
		return ret;
	ret = ksys_linkat(olddfd, from->name, newdfd, to->name, flags);
	putname(from);
	putname(to);
	return ret;
}

SYSCALL_DEFINE2(link, const char __user *, oldname, const char __user *, newname)
{
	return sys_linkat(AT_FDCWD, oldname, AT_FDCWD, newname, 0);
}

SYSCALL_DEFINE3(symlinkat, const char __user *, oldname, int, newdfd, const char __user *, newname)
{
	struct filename *from, *to;
	long ret = two_names(oldname, 0, newname, &from, &to);

	if (ret)
		return ret;
	ret = ksys_symlinkat(from->name, newdfd, to->name);
	putname(from);
	putname(to);
	return ret;
}

SYSCALL_DEFINE2(symlink, const char __user *, oldname, const char __user *, newname)
{
	return sys_symlinkat(oldname, AT_FDCWD, newname);
}
