/*
 * The mount tree (include/kestrel/mount.h).
 *
 * Each struct mount holds one reference on its super block's active
 * count (through the root dentry it pins) and is itself referenced by
 * the tree while attached (mnt_count starts at 1 for that) and by every
 * path that points into it. A mount is attached at a dentry of a parent
 * mount; the dentry gets DCACHE_MOUNTED so path walk knows to look in the
 * mount hash (lookup_mnt) when it steps onto it.
 *
 * umount refuses (EBUSY) a mount that has children or more references
 * than the tree's and the caller's, unless MNT_DETACH (the whole subtree
 * leaves the tree, each mount lives on until its last reference); MNT_EXPIRE
 * unmounts on the second call if unused since the first. The last mntput of a detached mount
 * drops its root dentry and its super block (deactivate_super), which
 * ends in ->kill_sb when that was the last mount of the instance.
 *
 * Locks: namespace_sem (rwsem) serializes changes of the tree's shape and
 * lets readers (/proc/mounts) see a stable tree; mount_lock (seqlock) is
 * written around every change of the hash or of mnt_parent/mnt_mountpoint
 * so rcu-walk can read them locklessly and retry.
 */
#include <kestrel/contract/fs_type.h>
#include <kestrel/contract/super.h>
#include <kestrel/dcache.h>
#include <kestrel/fs_struct.h>
#include <kestrel/mount.h>
#include <kestrel/namei.h>
#include <kestrel/rculist.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/uaccess.h>
#include <asm/page.h>
#include "internal.h"

/* The mount hash and every mount's tree links and mnt_flags; rcu-walk retries on its count. */
DEFINE_SEQLOCK(mount_lock);
/* The shape of the mount tree: held across mount/umount so they see a stable tree. */
DECLARE_RWSEM(namespace_sem);

#define MNT_HASH_SIZE 256
static struct hlist_head mount_hashtable[MNT_HASH_SIZE];	/* under mount_lock */
static LIST_HEAD(mount_list);	/* attached mounts in mount order, under namespace_sem */
static atomic_t next_mnt_id = ATOMIC_INIT(1);

static unsigned int m_hash(struct vfsmount *mnt, struct dentry *dentry)
{
	u64 h = ((unsigned long)mnt >> 6) + ((unsigned long)dentry >> 6);

	return (unsigned int)((h * 0x9E3779B97F4A7C15ULL) >> 56) % MNT_HASH_SIZE;
}

static struct mount *alloc_mnt(const char *name)
{
	struct mount *mnt = kzalloc(sizeof(*mnt), GFP_KERNEL);
	size_t len = strlen(name ? name : "none") + 1;
	char *devname = kmalloc(len, GFP_KERNEL);

	if (!mnt || !devname) {
		kfree(mnt);
		kfree(devname);
		return NULL;
	}
	memcpy(devname, name ? name : "none", len);
	mnt->mnt_devname = devname;
	atomic_set(&mnt->mnt_count, 1);
	mnt->mnt_id = atomic_inc_return(&next_mnt_id);
	mnt->mnt_parent = mnt;
	INIT_HLIST_NODE(&mnt->mnt_hash);
	INIT_LIST_HEAD(&mnt->mnt_mounts);
	INIT_LIST_HEAD(&mnt->mnt_child);
	INIT_LIST_HEAD(&mnt->mnt_instance);
	INIT_LIST_HEAD(&mnt->mnt_list);
	return mnt;
}

static void free_mnt_rcu(struct rcu_head *head)
{
	struct mount *mnt = container_of(head, struct mount, mnt_rcu);

	kfree(mnt->mnt_devname);
	kfree(mnt);
}

struct vfsmount *vfs_kern_mount(struct file_system_type *type, int flags, const char *name,
				void *data)
{
	struct mount *mnt;
	struct dentry *root;
	struct super_block *sb;

	if (!type)
		return ERR_PTR(-ENODEV);
	mnt = alloc_mnt(name);
	if (!mnt)
		return ERR_PTR(-ENOMEM);
	root = vfs_call_mount(type, flags, name, data);
	if (IS_ERR(root)) {
		free_mnt_rcu(&mnt->mnt_rcu);
		return (struct vfsmount *)root;
	}
	sb = root->d_sb;
	sb->s_flags |= SB_BORN;
	up_write(&sb->s_umount);	/* ->mount returned it locked (the spec) */
	mnt->mnt.mnt_root = root;
	mnt->mnt.mnt_sb = sb;
	mnt->mnt_mountpoint = root;
	write_seqlock(&mount_lock);
	list_add_tail(&mnt->mnt_instance, &sb->s_mounts);
	write_sequnlock(&mount_lock);
	return &mnt->mnt;
}

struct vfsmount *mntget(struct vfsmount *mnt)
{
	if (mnt)
		atomic_inc(&real_mount(mnt)->mnt_count);
	return mnt;
}

/* The last reference: the mount is detached; release its root and super block. */
static void cleanup_mnt(struct mount *mnt)
{
	struct super_block *sb = mnt->mnt.mnt_sb;

	write_seqlock(&mount_lock);
	list_del_init(&mnt->mnt_instance);
	write_sequnlock(&mount_lock);
	dput(mnt->mnt.mnt_root);
	deactivate_super(sb);
	call_rcu(&mnt->mnt_rcu, free_mnt_rcu);	/* rcu-walk may still look at it */
}

static void mntput_no_expire(struct mount *mnt)
{
	might_sleep();
	if (atomic_dec_and_test(&mnt->mnt_count))
		cleanup_mnt(mnt);
}

/* A use of the mount: it is no longer a candidate for MNT_EXPIRE. */
void mntput(struct vfsmount *m)
{
	struct mount *mnt;

	if (!m)
		return;
	mnt = real_mount(m);
	if (READ_ONCE(mnt->mnt_expiry_mark))
		WRITE_ONCE(mnt->mnt_expiry_mark, 0);
	mntput_no_expire(mnt);
}

void path_get(const struct path *path)
{
	mntget(path->mnt);
	dget(path->dentry);
}

void path_put(const struct path *path)
{
	dput(path->dentry);
	mntput(path->mnt);
}

struct vfsmount *kern_mount(struct file_system_type *type)
{
	struct vfsmount *mnt = vfs_kern_mount(type, SB_KERNMOUNT, type->name, NULL);

	if (!IS_ERR(mnt))
		mnt->mnt_flags |= MNT_INTERNAL;
	return mnt;
}

void kern_unmount(struct vfsmount *mnt)
{
	mntput(mnt);
}

/* ---------------------------------------------------------------- lookup */

/* The child mounted on (mnt, dentry), no reference. Caller: RCU + mount_lock seq, or mount_lock. */
struct mount *__lookup_mnt(struct vfsmount *mnt, struct dentry *dentry)
{
	struct mount *p;

	hlist_for_each_entry_rcu(p, &mount_hashtable[m_hash(mnt, dentry)], mnt_hash)
		if (&READ_ONCE(p->mnt_parent)->mnt == mnt && READ_ONCE(p->mnt_mountpoint) == dentry)
			return p;
	return NULL;
}

struct vfsmount *lookup_mnt(const struct path *path)
{
	struct mount *child;
	struct vfsmount *m = NULL;

	/* The tree holds a reference on every attached mount: under the lock it is > 0. */
	read_seqlock_excl(&mount_lock);
	rcu_read_lock();
	child = __lookup_mnt(path->mnt, path->dentry);
	if (child)
		m = mntget(&child->mnt);
	rcu_read_unlock();
	read_sequnlock_excl(&mount_lock);
	return m;
}

bool follow_up(struct path *path)
{
	struct mount *mnt = real_mount(path->mnt), *parent;
	struct dentry *mountpoint;

	read_seqlock_excl(&mount_lock);
	parent = mnt->mnt_parent;
	if (parent == mnt) {
		read_sequnlock_excl(&mount_lock);
		return false;
	}
	mntget(&parent->mnt);
	mountpoint = dget(mnt->mnt_mountpoint);
	read_sequnlock_excl(&mount_lock);
	dput(path->dentry);
	path->dentry = mountpoint;
	mntput(path->mnt);
	path->mnt = &parent->mnt;
	return true;
}

int follow_down(struct path *path)
{
	while (d_mountpoint(path->dentry)) {
		struct vfsmount *m = lookup_mnt(path);

		if (!m)
			break;
		dput(path->dentry);
		mntput(path->mnt);
		path->mnt = m;
		path->dentry = dget(m->mnt_root);
	}
	return 0;
}

/* ---------------------------------------------------------------- attach/detach */

/* Attach mnt at path (namespace_sem held for write). Takes references on path. */
static void attach_mnt(struct mount *mnt, const struct path *path)
{
	struct mount *parent = real_mount(path->mnt);
	struct dentry *mp = path->dentry;

	lockdep_assert_held_write(&namespace_sem);
	mntget(&parent->mnt);
	dget(mp);
	write_seqlock(&mount_lock);
	mnt->mnt_parent = parent;
	mnt->mnt_mountpoint = mp;
	spin_lock(&mp->d_lock);
	mp->d_flags |= DCACHE_MOUNTED;
	spin_unlock(&mp->d_lock);
	hlist_add_head_rcu(&mnt->mnt_hash, &mount_hashtable[m_hash(&parent->mnt, mp)]);
	list_add_tail(&mnt->mnt_child, &parent->mnt_mounts);
	list_add_tail(&mnt->mnt_list, &mount_list);
	write_sequnlock(&mount_lock);
}

/*
 * Detach mnt (namespace_sem held for write, mount_lock written by the
 * caller); returns the parent path's references to drop.
 */
static struct path __detach_mnt(struct mount *mnt)
{
	struct path old = { .mnt = &mnt->mnt_parent->mnt, .dentry = mnt->mnt_mountpoint };
	struct dentry *mp = mnt->mnt_mountpoint;

	lockdep_assert_held_write(&namespace_sem);
	hlist_del_init_rcu(&mnt->mnt_hash);
	list_del_init(&mnt->mnt_child);
	list_del_init(&mnt->mnt_list);
	mnt->mnt_parent = mnt;
	mnt->mnt_mountpoint = mnt->mnt.mnt_root;
	if (!__lookup_mnt(old.mnt, mp)) {
		spin_lock(&mp->d_lock);
		mp->d_flags &= ~DCACHE_MOUNTED;
		spin_unlock(&mp->d_lock);
	}
	return old;
}

/*
 * Lock the place to mount on (as Linux's lock_mount): the mountpoint's
 * i_rwsem first, then namespace_sem for write. rmdir, unlink and rename
 * check d_mountpoint() under the victim's i_rwsem, so holding it here
 * makes "mount on it" and "remove it" serialize: either the removal saw
 * the mount (EBUSY) or we see the dead directory (ENOENT). If something
 * was mounted on the spot meanwhile, step onto its root and try again.
 * On success both locks are held and *path may have moved down.
 */
static int lock_mount(struct path *path)
{
	for (;;) {
		struct inode *inode = d_inode(path->dentry);
		struct vfsmount *m;

		inode_lock(inode);
		if (IS_DEADDIR(inode) || (d_unlinked(path->dentry) && !IS_ROOT(path->dentry))) {
			inode_unlock(inode);
			return -ENOENT;
		}
		down_write(&namespace_sem);
		m = lookup_mnt(path);
		if (!m)
			return 0;
		up_write(&namespace_sem);
		inode_unlock(inode);
		path_put(path);
		path->mnt = m;
		path->dentry = dget(m->mnt_root);
	}
}

static void unlock_mount(struct path *path)
{
	up_write(&namespace_sem);
	inode_unlock(d_inode(path->dentry));
}

static int do_remount(struct path *path, unsigned long flags, void *data)
{
	struct super_block *sb = path->mnt->mnt_sb;
	int sb_flags = flags & (MS_RDONLY | MS_SILENT);
	int err = 0;

	if (path->dentry != path->mnt->mnt_root)
		return -EINVAL;
	down_write(&sb->s_umount);
	/* rw -> ro: refuse while files are open for writing, then flush (as Linux) */
	if ((flags & MS_RDONLY) && !(sb->s_flags & SB_RDONLY)) {
		err = sb_prepare_remount_readonly(sb);
		if (!err)
			err = sync_filesystem(sb);
		if (err)
			goto out;
	}
	if (sb->s_op->remount_fs)
		err = vfs_call_remount_fs(sb, &sb_flags, data);
	if (!err)
		sb->s_flags = (sb->s_flags & ~SB_RDONLY) | ((sb_flags & MS_RDONLY) ? SB_RDONLY : 0);
out:
	up_write(&sb->s_umount);
	return err;
}

int path_mount(const char *dev_name, struct path *path, const char *type_page,
	       unsigned long flags, void *data_page)
{
	struct file_system_type *type;
	struct vfsmount *m;
	struct path where;
	int err = 0;

	if (flags & MS_REMOUNT)
		return do_remount(path, flags, data_page);
	if (flags & MS_BIND)
		return -ENOSYS;	/* Kestrel has no bind mounts */
	if (!type_page)
		return -EINVAL;
	type = get_fs_type(type_page);
	if (!type)
		return -ENODEV;
	if (!d_can_lookup(path->dentry))
		return -ENOTDIR;
	m = vfs_kern_mount(type, flags & (MS_RDONLY | MS_SILENT), dev_name, data_page);
	if (IS_ERR(m))
		return PTR_ERR(m);
	if (flags & MS_RDONLY)
		m->mnt_flags |= MNT_READONLY;

	where = *path;
	path_get(&where);
	err = lock_mount(&where);
	if (!err) {
		if (!d_can_lookup(where.dentry))
			err = -ENOTDIR;
		else
			attach_mnt(real_mount(m), &where);
		unlock_mount(&where);
	}
	path_put(&where);
	if (err)
		mntput(m);
	return err;
}

/* Caller: mount_lock written (rcu-walk cannot legitimize a new reference meanwhile). */
bool may_umount_tree(struct vfsmount *m)
{
	struct mount *mnt = real_mount(m);

	/* the tree's reference + the caller's path */
	return list_empty(&mnt->mnt_mounts) && atomic_read(&mnt->mnt_count) <= 2;
}

/* A mount of the subtree under top with no children left, or top itself. */
static struct mount *subtree_leaf(struct mount *top)
{
	struct mount *m = top;

	while (!list_empty(&m->mnt_mounts))
		m = list_first_entry(&m->mnt_mounts, struct mount, mnt_child);
	return m;
}

/*
 * Detach top and every mount under it, leaves first (namespace_sem and
 * mount_lock held for write). Each one's tree reference and its parent's
 * path references move to the caller's kill list (up to max entries:
 * counted beforehand); the mounts live on while anything else holds them.
 */
static int umount_tree(struct mount *top, struct mount **dead, struct path *olds, int max)
{
	int n = 0;

	while (n < max) {
		struct mount *m = subtree_leaf(top);

		olds[n] = __detach_mnt(m);
		dead[n++] = m;
		if (m == top)
			break;
	}
	return n;
}

static int count_subtree(struct mount *top)
{
	struct mount *c;
	int n = 1;

	list_for_each_entry(c, &top->mnt_mounts, mnt_child)
		n += count_subtree(c);
	return n;
}

/*
 * umount2(2) on path (as Linux): MNT_DETACH takes the whole subtree out
 * of the tree at once, even busy (lazy: each mount is freed by its last
 * mntput); otherwise the mount must have no children and no references
 * beyond the tree's and the caller's (EBUSY). MNT_EXPIRE unmounts only a
 * mount that stayed unused since the previous MNT_EXPIRE call (the first
 * marks it and says EAGAIN). The busy check and the detach happen under
 * mount_lock's writer side: an rcu-walk that took a reference meanwhile
 * fails its mount_lock check, drops it and retries.
 */
int path_umount(struct path *path, int flags)
{
	struct mount *mnt = real_mount(path->mnt);
	struct mount **dead = NULL;
	struct path *olds = NULL;
	int n = 0, max, err = 0;

	if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	if (path->dentry != path->mnt->mnt_root)
		return -EINVAL;	/* not a mount point */
	if (path->mnt->mnt_flags & MNT_INTERNAL)
		return -EINVAL;
	if ((flags & MNT_EXPIRE) && (flags & (MNT_FORCE | MNT_DETACH)))
		return -EINVAL;
	if ((flags & MNT_FORCE) && path->mnt->mnt_sb->s_op->umount_begin)
		vfs_call_umount_begin(path->mnt->mnt_sb);

	down_write(&namespace_sem);
	if (mnt->mnt_parent == mnt || list_empty(&mnt->mnt_list)) {
		up_write(&namespace_sem);
		return -EINVAL;	/* the root of the tree, or not attached */
	}
	max = (flags & MNT_DETACH) ? count_subtree(mnt) : 1;
	dead = kmalloc(max * sizeof(*dead), GFP_KERNEL);
	olds = kmalloc(max * sizeof(*olds), GFP_KERNEL);
	if (!dead || !olds) {
		err = -ENOMEM;
		goto out_unlock;
	}
	write_seqlock(&mount_lock);
	if (!(flags & MNT_DETACH) && !may_umount_tree(path->mnt))
		err = -EBUSY;
	else if ((flags & MNT_EXPIRE) && !xchg(&mnt->mnt_expiry_mark, 1))
		err = -EAGAIN;	/* marked: unmounted by the next call if unused till then */
	else
		n = umount_tree(mnt, dead, olds, max);
	write_sequnlock(&mount_lock);
out_unlock:
	up_write(&namespace_sem);
	for (int i = 0; i < n; i++) {
		path_put(&olds[i]);
		mntput_no_expire(dead[i]);	/* the tree's reference */
	}
	kfree(dead);
	kfree(olds);
	return err;
}

int init_mount_tree(const char *fstype)
{
	struct vfsmount *m = vfs_kern_mount(get_fs_type(fstype), 0, fstype, NULL);
	struct path root;

	if (IS_ERR(m))
		return PTR_ERR(m);
	down_write(&namespace_sem);
	list_add_tail(&real_mount(m)->mnt_list, &mount_list);
	up_write(&namespace_sem);
	root.mnt = m;
	root.dentry = m->mnt_root;
	set_fs_root(current_fs(), &root);
	set_fs_pwd(current_fs(), &root);
	return 0;
}

void mounts_for_each(void (*fn)(struct vfsmount *mnt, const char *devname, const char *path,
				void *arg),
		     void *arg)
{
	char *buf = kmalloc(PATH_MAX, GFP_KERNEL);
	struct mount *mnt;

	if (!buf)
		return;
	down_read(&namespace_sem);
	list_for_each_entry(mnt, &mount_list, mnt_list) {
		struct path p = { .mnt = &mnt->mnt, .dentry = mnt->mnt.mnt_root };
		char *s = d_path(&p, buf, PATH_MAX);

		fn(&mnt->mnt, mnt->mnt_devname, IS_ERR(s) ? "?" : s, arg);
	}
	up_read(&namespace_sem);
	kfree(buf);
}

void mnt_init(void)
{
	unsigned int i;

	for (i = 0; i < MNT_HASH_SIZE; i++)
		INIT_HLIST_HEAD(&mount_hashtable[i]);
}

/* ---------------------------------------------------------------- mount(2), umount2(2) */

long ksys_mount(const char *dev_name, const char *dir_name, const char *type,
		unsigned long flags, void *data)
{
	struct path path;
	int err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	err = kern_path(dir_name, LOOKUP_FOLLOW, &path);
	if (err)
		return err;
	err = path_mount(dev_name, &path, type, flags, data);
	path_put(&path);
	return err;
}

long ksys_umount(const char *name, int flags)
{
	struct path path;
	int err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	err = kern_path(name, (flags & UMOUNT_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &path);
	if (err)
		return err;
	err = path_umount(&path, flags);
	/* our own reference is no use of the mount: keep an MNT_EXPIRE mark */
	dput(path.dentry);
	mntput_no_expire(real_mount(path.mnt));
	return err;
}

/* ---------------------------------------------------------------- the system calls */

/*
 * A string argument of mount(2) (device, type): NULL stays NULL, else
 * copied in (a page at most, as Linux's copy_mount_string).
 */
static char *copy_mount_string(const char __user *s, long *err)
{
	char *k;
	long len;

	*err = 0;
	if (!s)
		return NULL;
	k = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!k) {
		*err = -ENOMEM;
		return NULL;
	}
	len = strncpy_from_user(k, s, PAGE_SIZE);
	if (len < 0 || len == PAGE_SIZE) {
		*err = len < 0 ? len : -EINVAL;
		kfree(k);
		return NULL;
	}
	return k;
}

/*
 * The data page of mount(2): up to a page, and only as much as is
 * readable (the options string may end just before an unmapped page), as
 * Linux's copy_mount_options. Zero-filled so a string is terminated.
 */
static void *copy_mount_options(const void __user *data, long *err)
{
	char *k;
	size_t size = PAGE_SIZE - ((unsigned long)data & (PAGE_SIZE - 1));
	size_t left;

	*err = 0;
	if (!data)
		return NULL;
	k = kzalloc(PAGE_SIZE, GFP_KERNEL);
	if (!k) {
		*err = -ENOMEM;
		return NULL;
	}
	left = copy_from_user(k, data, size);
	if (left == size) {	/* not even the first byte */
		kfree(k);
		*err = -EFAULT;
		return NULL;
	}
	if (!left && size < PAGE_SIZE)	/* the rest of a page from the next one, if readable */
		copy_from_user(k + size, (const char __user *)data + size, PAGE_SIZE - size);
	k[PAGE_SIZE - 1] = 0;
	return k;
}

SYSCALL_DEFINE5(mount, char __user *, dev_name, char __user *, dir_name, char __user *, type,
		unsigned long, flags, void __user *, data)
{
	struct filename *dir = getname(dir_name);
	char *kdev = NULL, *ktype = NULL;
	void *kdata = NULL;
	long err;

	if (IS_ERR(dir))
		return PTR_ERR(dir);
	ktype = copy_mount_string(type, &err);
	if (err)
		goto out;
	kdev = copy_mount_string(dev_name, &err);
	if (err)
		goto out;
	kdata = copy_mount_options(data, &err);
	if (err)
		goto out;
	err = ksys_mount(kdev, dir->name, ktype, flags, kdata);
out:
	kfree(kdata);
	kfree(kdev);
	kfree(ktype);
	putname(dir);
	return err;
}

SYSCALL_DEFINE2(umount2, char __user *, name, int, flags)
{
	struct filename *n = getname(name);
	long err;

	if (IS_ERR(n))
		return PTR_ERR(n);
	err = ksys_umount(n->name, flags);
	putname(n);
	return err;
}
