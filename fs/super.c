/*
 * Super blocks: one per mounted file-system instance.
 *
 * References: s_count (passive, under sb_lock) keeps the memory; s_active
 * (mounts and kern_mounts) keeps the file system alive. The last active
 * reference goes with s_umount held for write into ->kill_sb, which shuts
 * the instance down (generic_shutdown_super: dentries, inodes,
 * ->put_super) and unlocks; then the passive reference is dropped.
 *
 *   sget          find or make an instance, returned with s_umount held
 *                 for write (the spec: ->mount returns it locked)
 *   mount_nodev   a new instance each mount (ramfs, tmpfs)
 *   mount_single  one instance for all mounts (procfs, devtmpfs)
 *   deactivate_super   drop an active reference
 *   sync_filesystem    write everything back (s_umount held by the caller)
 *
 * Locks: sb_lock (super_blocks, each type's fs_supers, s_count);
 * sb->s_umount orders the instance's life (write: mount, umount,
 * remount; read: sync, iterate_supers).
 */
#include <kestrel/contract/fs_type.h>
#include <kestrel/contract/super.h>
#include <kestrel/dcache.h>
#include <kestrel/mount.h>
#include <kestrel/pagemap.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include "internal.h"

static LIST_HEAD(super_blocks);
DEFINE_SPINLOCK(sb_lock);	/* super_blocks, fs_supers lists, s_count */

struct super_block *alloc_super(struct file_system_type *type, int flags)
{
	struct super_block *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s)
		return NULL;
	INIT_LIST_HEAD(&s->s_list);
	INIT_LIST_HEAD(&s->s_instances);
	INIT_LIST_HEAD(&s->s_mounts);
	INIT_LIST_HEAD(&s->s_inodes);
	INIT_LIST_HEAD(&s->s_dirty);
	INIT_LIST_HEAD(&s->s_dentry_lru);
	spin_lock_init(&s->s_inode_list_lock);
	spin_lock_init(&s->s_inode_wblist_lock);
	spin_lock_init(&s->s_dentry_lru_lock);
	__init_rwsem(&s->s_umount, "&type->s_umount_key", &type->s_umount_key);
	__mutex_init(&s->s_vfs_rename_sem, "&type->s_vfs_rename_key", &type->s_vfs_rename_key);
	/* Nobody can see it yet: taking it cannot wait. */
	down_write(&s->s_umount);
	s->s_count = 1;
	atomic_set(&s->s_active, 1);
	s->s_flags = flags;
	s->s_type = type;
	s->s_blocksize = PAGE_SIZE;
	s->s_blocksize_bits = PAGE_SHIFT;
	s->s_maxbytes = MAX_LFS_FILESIZE;
	s->s_time_gran = 1;
	strlcpy(s->s_id, type->name, sizeof(s->s_id));
	return s;
}

static void destroy_unused_super(struct super_block *s)
{
	up_write(&s->s_umount);
	kfree(s);
}

/* Drop a passive reference; sb_lock held. */
static void __put_super(struct super_block *s)
{
	if (!--s->s_count) {
		list_del_init(&s->s_list);
		WARN_ON(!list_empty(&s->s_mounts));
		kfree(s);
	}
}

void put_super(struct super_block *s)
{
	spin_lock(&sb_lock);
	__put_super(s);
	spin_unlock(&sb_lock);
}

/*
 * An existing instance found under sb_lock: make it ours (active
 * reference, s_umount for write) unless it is dying. Drops sb_lock.
 */
static bool grab_super(struct super_block *s)
{
	s->s_count++;
	spin_unlock(&sb_lock);
	down_write(&s->s_umount);
	if ((s->s_flags & SB_BORN) && !(s->s_flags & SB_DYING) &&
	    atomic_inc_not_zero(&s->s_active)) {
		put_super(s);
		return true;
	}
	up_write(&s->s_umount);
	put_super(s);
	return false;
}

struct super_block *sget(struct file_system_type *type,
			 int (*test)(struct super_block *, void *),
			 int (*set)(struct super_block *, void *), int flags, void *data)
{
	struct super_block *s = NULL, *old;
	int err;

retry:
	spin_lock(&sb_lock);
	if (test) {
		list_for_each_entry(old, &type->fs_supers, s_instances) {
			if (!test(old, data))
				continue;
			if (!grab_super(old))
				goto retry;
			if (s)
				destroy_unused_super(s);
			return old;
		}
	}
	if (!s) {
		spin_unlock(&sb_lock);
		s = alloc_super(type, flags);
		if (!s)
			return ERR_PTR(-ENOMEM);
		goto retry;
	}
	err = set(s, data);
	if (err) {
		spin_unlock(&sb_lock);
		destroy_unused_super(s);
		return ERR_PTR(err);
	}
	list_add_tail(&s->s_list, &super_blocks);
	list_add(&s->s_instances, &type->fs_supers);
	spin_unlock(&sb_lock);
	return s;
}

/* Anonymous device numbers (major 0) for super blocks without a device. */
static unsigned int next_anon_minor = 1;	/* under sb_lock (set runs under it) */

int set_anon_super(struct super_block *s, void *data)
{
	lockdep_assert_held(&sb_lock);
	s->s_dev = MKDEV(0, next_anon_minor++);
	return 0;
}

/*
 * ->kill_sb's common part (s_umount held for write; released here, as
 * the spec says ->kill_sb does): free the dentry tree, write back and
 * evict the inodes, ->put_super, and hide the instance from sget.
 */
void generic_shutdown_super(struct super_block *sb)
{
	const struct super_operations *sop = sb->s_op;

	lockdep_assert_held_write(&sb->s_umount);
	if (sb->s_root) {
		shrink_dcache_for_umount(sb);
		sync_filesystem(sb);
		sb->s_flags &= ~SB_ACTIVE;
		if (evict_inodes(sb))
			printk(KERN_ERR "VFS: busy inodes on changed media or umount of %s\n",
			       sb->s_id);
		if (sop && sop->put_super)
			vfs_call_put_super(sb);
	}
	sb->s_flags &= ~SB_ACTIVE;
	spin_lock(&sb_lock);
	sb->s_flags |= SB_DYING;
	list_del_init(&sb->s_instances);
	spin_unlock(&sb_lock);
	up_write(&sb->s_umount);
}

void kill_anon_super(struct super_block *sb)
{
	generic_shutdown_super(sb);
}

void kill_litter_super(struct super_block *sb)
{
	if (sb->s_root)
		d_genocide(sb->s_root);
	kill_anon_super(sb);
}

/* Drop an active reference with s_umount held for write (released here). */
void deactivate_locked_super(struct super_block *s)
{
	lockdep_assert_held_write(&s->s_umount);
	if (atomic_dec_and_test(&s->s_active)) {
		/* Also when ->mount failed half-way: ->kill_sb frees what fill_super made. */
		vfs_call_kill_sb(s);
		put_super(s);
		return;
	}
	up_write(&s->s_umount);
}

void deactivate_super(struct super_block *s)
{
	if (atomic_add_unless(&s->s_active, -1, 1))
		return;
	down_write(&s->s_umount);
	deactivate_locked_super(s);
}

static struct dentry *finish_mount(struct super_block *s, int flags, void *data,
				   int (*fill_super)(struct super_block *, void *, int))
{
	int err = fill_super(s, data, flags & SB_SILENT ? 1 : 0);

	if (err) {
		deactivate_locked_super(s);
		return ERR_PTR(err);
	}
	s->s_flags |= SB_ACTIVE;
	return dget(s->s_root);
}

struct dentry *mount_nodev(struct file_system_type *fs_type, int flags, void *data,
			   int (*fill_super)(struct super_block *, void *, int))
{
	struct super_block *s = sget(fs_type, NULL, set_anon_super, flags, NULL);

	if (IS_ERR(s))
		return (struct dentry *)s;
	return finish_mount(s, flags, data, fill_super);
}

static int compare_single(struct super_block *s, void *p)
{
	return 1;
}

struct dentry *mount_single(struct file_system_type *fs_type, int flags, void *data,
			    int (*fill_super)(struct super_block *, void *, int))
{
	struct super_block *s = sget(fs_type, compare_single, set_anon_super, flags, NULL);

	if (IS_ERR(s))
		return (struct dentry *)s;
	if (s->s_root)
		return dget(s->s_root);	/* the existing instance, active and locked */
	return finish_mount(s, flags, data, fill_super);
}

/*
 * Write back everything of sb: dirty inodes and pages, then ->sync_fs.
 * The caller holds s_umount (shared for sync(2), exclusive at umount).
 */
int sync_filesystem(struct super_block *sb)
{
	int ret = 0;

	lockdep_assert_held(&sb->s_umount);
	might_sleep();
	if (sb->s_flags & SB_RDONLY)
		return 0;
	writeback_inodes_sb(sb);
	if (sb->s_op && sb->s_op->sync_fs)
		vfs_call_sync_fs(sb, 0);
	sync_inodes_sb(sb);
	if (sb->s_op && sb->s_op->sync_fs)
		ret = vfs_call_sync_fs(sb, 1);
	return ret;
}

/*
 * Call f for each live super block with s_umount shared. trylock: skip
 * instances whose s_umount is busy instead of waiting (memory-pressure
 * callers, which may run under another instance's s_umount).
 */
static void __iterate_supers(void (*f)(struct super_block *, void *), void *arg, bool trylock)
{
	struct super_block *sb, *p = NULL;

	spin_lock(&sb_lock);
	list_for_each_entry(sb, &super_blocks, s_list) {
		if (sb->s_flags & SB_DYING)
			continue;
		sb->s_count++;
		spin_unlock(&sb_lock);
		if (trylock ? down_read_trylock(&sb->s_umount) : (down_read(&sb->s_umount), true)) {
			if (sb->s_root && (sb->s_flags & SB_BORN))
				f(sb, arg);
			up_read(&sb->s_umount);
		}
		spin_lock(&sb_lock);
		if (p)
			__put_super(p);
		p = sb;	/* keeps our place in the list until we move on */
	}
	if (p)
		__put_super(p);
	spin_unlock(&sb_lock);
}

void iterate_supers(void (*f)(struct super_block *, void *), void *arg)
{
	__iterate_supers(f, arg, false);
}

void iterate_supers_trylock(void (*f)(struct super_block *, void *), void *arg)
{
	__iterate_supers(f, arg, true);
}

int vfs_statfs(const struct path *path, struct kstatfs *buf)
{
	struct dentry *dentry = path->dentry;
	int err;

	memset(buf, 0, sizeof(*buf));
	if (!dentry->d_sb->s_op->statfs)
		return -ENOSYS;
	err = vfs_call_statfs(dentry, buf);
	if (err)
		return err;
	if (!buf->f_frsize)
		buf->f_frsize = buf->f_bsize;
	buf->f_fsid = dentry->d_sb->s_dev;
	if (mnt_is_readonly(path->mnt))
		buf->f_flags |= 1;	/* ST_RDONLY */
	return 0;
}

/*
 * remount,ro may proceed only if no file of sb is open for writing
 * (as Linux's sb_prepare_remount_readonly: EBUSY otherwise). Caller holds
 * s_umount for write.
 */
int sb_prepare_remount_readonly(struct super_block *sb)
{
	struct inode *inode;
	int err = 0;

	lockdep_assert_held_write(&sb->s_umount);
	spin_lock(&sb->s_inode_list_lock);
	list_for_each_entry(inode, &sb->s_inodes, i_sb_list) {
		if (atomic_read(&inode->i_writecount) > 0) {
			err = -EBUSY;
			break;
		}
	}
	spin_unlock(&sb->s_inode_list_lock);
	return err;
}

/* ---------------------------------------------------------------- sync(2) */

static void sync_one_sb(struct super_block *sb, void *arg)
{
	sync_filesystem(sb);
}

void ksys_sync(void)
{
	iterate_supers(sync_one_sb, NULL);
}

SYSCALL_DEFINE0(sync)
{
	ksys_sync();
	return 0;
}
