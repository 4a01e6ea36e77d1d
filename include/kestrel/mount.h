/*
 * Mounts (fs/namespace.c): the tree of mounted file systems.
 *
 * A struct mount ties a super block's dentry tree (mnt.mnt_root) to a
 * dentry of another mount (mnt_mountpoint in mnt_parent). Path walk
 * crosses into a mount with lookup_mnt(path) and back up with follow_up().
 *
 * namespace_sem (an rwsem) is the shape of the tree: mount and umount
 * take it for write, /proc/mounts and getcwd for read. mount_lock (a
 * seqlock) is written around every change of the mount hash and the tree
 * links, so rcu-walk reads them locklessly and retries if it changed.
 *
 * Locks used to protect struct members in this file (the order in which
 * they nest: docs/locking.md, "Lock order"):
 *	[c] constant after creation: set before the mount is attached
 *	[a] atomic
 *	[e] an embedded struct whose own members carry the tags
 *	[R] used once, to free the mount after an RCU grace period
 *	[N] namespace_sem, held for write to change
 *	[k] mount_lock, written to change; read with its seqcount (rcu-walk)
 *	    or read_seqlock_excl
 * A struct mount is freed after an RCU grace period (rcu-walk looks at it).
 */
#ifndef KESTREL_MOUNT_H
#define KESTREL_MOUNT_H

#include <kestrel/fs.h>

#define MNT_NOSUID 0x01
#define MNT_NODEV 0x02
#define MNT_NOEXEC 0x04
#define MNT_READONLY 0x40
#define MNT_INTERNAL 0x4000	/* kern_mount: not in the tree */
#define MNT_DOOMED 0x1000000	/* being unmounted: lookups must not enter */

/* mount(2) flags (Linux's MS_*) */
#define MS_RDONLY 1
#define MS_NOSUID 2
#define MS_NODEV 4
#define MS_NOEXEC 8
#define MS_REMOUNT 32
#define MS_BIND 4096
#define MS_SILENT 32768

struct vfsmount {
	struct dentry *mnt_root;	/* [c] root of the mounted tree */
	struct super_block *mnt_sb;	/* [c] */
	int mnt_flags;			/* [c] MNT_* */
};

struct mount {
	struct hlist_node mnt_hash;	/* [k] in mount_hashtable by (parent, mountpoint) */
	struct mount *mnt_parent;	/* [N,k] itself for the root of the tree */
	struct dentry *mnt_mountpoint;	/* [N,k] where we are mounted in mnt_parent */
	struct vfsmount mnt;		/* [e] */
	atomic_t mnt_count;		/* [a] references */
	struct list_head mnt_mounts;	/* [N,k] children */
	struct list_head mnt_child;	/* [N,k] in the parent's mnt_mounts */
	struct list_head mnt_instance;	/* [k] in sb->s_mounts */
	struct list_head mnt_list;	/* [N] in the namespace's list, mount order */
	const char *mnt_devname;	/* [c] "tmpfs", "/dev/sda1", ... */
	int mnt_id;			/* [c] */
	int mnt_expiry_mark;		/* [a] umount(MNT_EXPIRE) marks it (xchg); any mntput clears */
	struct rcu_head mnt_rcu;	/* [R] */
};

static inline struct mount *real_mount(struct vfsmount *mnt)
{
	return container_of(mnt, struct mount, mnt);
}

extern seqlock_t mount_lock;
extern struct rw_semaphore namespace_sem;

struct vfsmount *mntget(struct vfsmount *mnt);
void mntput(struct vfsmount *mnt);
void path_get(const struct path *path);
void path_put(const struct path *path);
static inline bool path_equal(const struct path *a, const struct path *b)
{
	return a->mnt == b->mnt && a->dentry == b->dentry;
}

/* The mount on path (a child mounted on path->dentry in path->mnt), referenced; NULL if none. */
struct vfsmount *lookup_mnt(const struct path *path);
/* rcu-walk: the same without a reference (caller validates mount_lock). */
struct mount *__lookup_mnt(struct vfsmount *mnt, struct dentry *dentry);
/* Go to the mount point of path's mount; false at the root of the tree. */
bool follow_up(struct path *path);
/* Enter whatever is mounted on path, repeatedly; path keeps its references. */
int follow_down(struct path *path);

struct vfsmount *vfs_kern_mount(struct file_system_type *type, int flags, const char *name,
				void *data);
struct vfsmount *kern_mount(struct file_system_type *type);
void kern_unmount(struct vfsmount *mnt);
int path_mount(const char *dev_name, struct path *path, const char *type_page,
	       unsigned long flags, void *data_page);
int path_umount(struct path *path, int flags);
/* Make the first mount: the root of the tree (init_mount_tree); 0 or -errno. */
int init_mount_tree(const char *fstype);
/* Busy: any reference beyond the tree's own or any child mount. */
bool may_umount_tree(struct vfsmount *mnt);

/*
 * /proc/mounts: fn(mnt, devname, mount point path, arg) for each mount in
 * mount order, under namespace_sem (read). fn may not take namespace_sem.
 */
void mounts_for_each(void (*fn)(struct vfsmount *mnt, const char *devname, const char *path,
				void *arg),
		     void *arg);

#endif
