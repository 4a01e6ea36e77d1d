/*
 * The inode cache.
 *
 * An inode lives while referenced (i_count: dentries, open files, iget
 * callers). The last iput asks the file system whether to keep it
 * (->drop_inode, called under i_lock as the spec requires; default:
 * drop if unlinked or unhashed). A kept inode stays hashed with count 0
 * until iget revives it or umount evicts it. A dropped one is marked
 * I_FREEING (lookups skip it and wait), evicted (->evict_inode, or the
 * page cache truncated and clear_inode), and freed: ->destroy_inode now,
 * and ->free_inode (or the default free) after an RCU grace period,
 * because rcu-walk may still be looking at it.
 *
 * Locks:
 *   inode_hash_lock        inode_hashtable chains
 *   inode->i_lock          i_state, and i_count's moves to/from 0
 *   sb->s_inode_list_lock  sb->s_inodes
 *   sb->s_inode_wblist_lock sb->s_dirty (writeback list)
 * Lock order: docs/locking.md, "Lock order".
 * Anyone waiting for I_NEW or I_FREEING to clear sleeps on inode_wq.
 */
#include <kestrel/atomic.h>
#include <kestrel/contract.h>
#include <kestrel/contract/super.h>
#include <kestrel/dcache.h>
#include <kestrel/filelock.h>
#include <kestrel/pipe_fs_i.h>
#include <kestrel/pagemap.h>
#include <kestrel/rculist.h>
#include <kestrel/sched.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/time.h>
#include <kestrel/wait.h>
#include "internal.h"

#define I_HASH_BITS 10
#define I_HASH_SIZE (1U << I_HASH_BITS)

static struct hlist_head inode_hashtable[I_HASH_SIZE];
static DEFINE_SPINLOCK(inode_hash_lock);	/* the hash chains */
static DECLARE_WAIT_QUEUE_HEAD(inode_wq);	/* I_NEW / I_FREEING clears */
static struct kmem_cache *inode_cachep;
static atomic_long_t nr_inodes = ATOMIC_LONG_INIT(0);

static unsigned int ihash(struct super_block *sb, unsigned long hashval)
{
	u64 h = (hashval ^ ((unsigned long)sb >> 6)) * 0x9E3779B97F4A7C15ULL;

	return (unsigned int)(h >> (64 - I_HASH_BITS));
}

/* ---------------------------------------------------------------- allocation */

static void inode_init_always(struct super_block *sb, struct inode *inode)
{
	struct file_system_type *type = sb->s_type;
	struct address_space *mapping = &inode->i_data;

	inode->i_sb = sb;
	inode->i_blkbits = sb->s_blocksize_bits;
	inode->i_flags = 0;
	inode->i_opflags = 0;
	inode->i_mode = 0;
	inode->i_uid = 0;
	inode->i_gid = 0;
	inode->i_nlink = 1;
	inode->i_rdev = 0;
	inode->i_size = 0;
	inode->i_blocks = 0;
	inode->i_bytes = 0;
	inode->i_generation = 0;
	inode->i_state = 0;
	inode->i_ino = 0;
	inode->i_op = NULL;
	inode->i_fop = NULL;
	inode->i_flctx = NULL;
	inode->i_link = NULL;
	inode->i_private = NULL;
	inode->dirtied_when = 0;
	memset(&inode->i_atime, 0, sizeof(inode->i_atime));
	inode->i_mtime = inode->i_ctime = inode->i_atime;
	atomic_set(&inode->i_count, 1);
	atomic_set(&inode->i_writecount, 0);
	atomic64_set(&inode->i_version, 0);
	/* Validator classes per file-system type (fs.h: file_system_type keys). */
	__spin_lock_init(&inode->i_lock, "&sb->s_type->i_lock_key", &type->i_lock_key);
	__init_rwsem(&inode->i_rwsem, "&sb->s_type->i_mutex_key", &type->i_mutex_key);
	INIT_HLIST_NODE(&inode->i_hash);
	INIT_LIST_HEAD(&inode->i_io_list);
	INIT_LIST_HEAD(&inode->i_sb_list);
	INIT_LIST_HEAD(&inode->i_dentry);

	memset(mapping, 0, sizeof(*mapping));
	mapping->host = inode;
	spin_lock_init(&mapping->i_pages.xa_lock);
	__init_rwsem(&mapping->invalidate_lock, "&sb->s_type->invalidate_lock_key",
		     &type->invalidate_lock_key);
	mapping->gfp_mask = GFP_KERNEL;
	spin_lock_init(&mapping->private_lock);
	INIT_LIST_HEAD(&mapping->private_list);
	init_rwsem(&mapping->i_mmap_rwsem);	/* the VMAs mapping the file (mm/i_mmap.c) */
	mapping->i_mmap = RB_ROOT;
	inode->i_mapping = mapping;
}

static struct inode *alloc_inode(struct super_block *sb)
{
	const struct super_operations *ops = sb->s_op;
	struct inode *inode;

	if (ops->alloc_inode)
		inode = vfs_call_alloc_inode(sb);
	else
		inode = kmem_cache_alloc(inode_cachep, GFP_KERNEL);
	if (!inode)
		return NULL;
	inode_init_always(sb, inode);
	atomic_long_inc(&nr_inodes);
	return inode;
}

/* The RCU half of freeing: ->free_inode, or our own cache. */
static void i_callback(struct rcu_head *head)
{
	struct inode *inode = container_of(head, struct inode, i_rcu);

	/* Not inode->i_sb: the super block may be gone after the grace period. */
	if (inode->free_inode) {
		vfs_rcu_callback_enter();
		vfs_call_free_inode(inode);
		vfs_rcu_callback_exit();
	} else {
		kmem_cache_free(inode_cachep, inode);
	}
}

static void destroy_inode(struct inode *inode)
{
	const struct super_operations *ops = inode->i_sb->s_op;

	WARN_ON(!list_empty(&inode->i_dentry));
	locks_free_lock_context(inode);	/* fs/locks.c: the lock lists of this inode */
	atomic_long_dec(&nr_inodes);
	if (ops->destroy_inode) {
		vfs_call_destroy_inode(inode);
		if (!ops->free_inode)
			return;	/* the file system freed it (its own RCU if it needs one) */
	}
	inode->free_inode = ops->free_inode;
	call_rcu(&inode->i_rcu, i_callback);
}

void inode_sb_list_add(struct inode *inode)
{
	struct super_block *sb = inode->i_sb;

	spin_lock(&sb->s_inode_list_lock);
	list_add(&inode->i_sb_list, &sb->s_inodes);
	spin_unlock(&sb->s_inode_list_lock);
}

static void inode_sb_list_del(struct inode *inode)
{
	struct super_block *sb = inode->i_sb;

	spin_lock(&sb->s_inode_list_lock);
	list_del_init(&inode->i_sb_list);
	spin_unlock(&sb->s_inode_list_lock);
}

/* A fresh, unhashed inode of sb with count 1 (in-memory file systems). */
struct inode *new_inode(struct super_block *sb)
{
	struct inode *inode = alloc_inode(sb);

	if (inode)
		inode_sb_list_add(inode);
	return inode;
}

unsigned long get_next_ino(void)
{
	static atomic_long_t last_ino = ATOMIC_LONG_INIT(1);

	return atomic_long_inc_return(&last_ino);
}

long get_nr_inodes(void)
{
	return atomic_long_read(&nr_inodes);
}

/* ---------------------------------------------------------------- hash */

void __insert_inode_hash(struct inode *inode, unsigned long hashval)
{
	spin_lock(&inode_hash_lock);
	spin_lock(&inode->i_lock);
	hlist_add_head_rcu(&inode->i_hash, &inode_hashtable[ihash(inode->i_sb, hashval)]);
	spin_unlock(&inode->i_lock);
	spin_unlock(&inode_hash_lock);
}

void remove_inode_hash(struct inode *inode)
{
	spin_lock(&inode_hash_lock);
	spin_lock(&inode->i_lock);
	hlist_del_init_rcu(&inode->i_hash);
	spin_unlock(&inode->i_lock);
	spin_unlock(&inode_hash_lock);
}

static bool inode_unhashed(const struct inode *inode)
{
	return hlist_unhashed(&inode->i_hash);
}

/* Whether inode (maybe being freed: only compared, never dereferenced) is still hashed. */
static bool still_hashed(struct super_block *sb, unsigned long ino, const struct inode *inode)
{
	struct inode *i;
	bool found = false;

	spin_lock(&inode_hash_lock);
	hlist_for_each_entry(i, &inode_hashtable[ihash(sb, ino)], i_hash) {
		if (i == inode) {
			found = true;
			break;
		}
	}
	spin_unlock(&inode_hash_lock);
	return found;
}

/*
 * Find ino of sb in the hash (inode_hash_lock held) and take a reference.
 * An inode being freed makes us wait for it to go and look again (returns
 * ERR_PTR(-EAGAIN) with the lock dropped).
 */
static struct inode *find_inode_fast(struct super_block *sb, unsigned long ino)
{
	struct inode *inode;

	hlist_for_each_entry(inode, &inode_hashtable[ihash(sb, ino)], i_hash) {
		if (inode->i_ino != ino || inode->i_sb != sb)
			continue;
		spin_lock(&inode->i_lock);
		if (inode->i_state & (I_FREEING | I_WILL_FREE)) {
			spin_unlock(&inode->i_lock);
			spin_unlock(&inode_hash_lock);
			wait_event(inode_wq, !still_hashed(sb, ino, inode));
			return ERR_PTR(-EAGAIN);
		}
		atomic_inc(&inode->i_count);
		spin_unlock(&inode->i_lock);
		return inode;
	}
	return NULL;
}

/* Wait while inode is I_NEW (another task is filling it in). */
static void wait_on_inode(struct inode *inode)
{
	wait_event(inode_wq, !(READ_ONCE(inode->i_state) & I_NEW));
}

struct inode *ilookup(struct super_block *sb, unsigned long ino)
{
	struct inode *inode;

	do {
		spin_lock(&inode_hash_lock);
		inode = find_inode_fast(sb, ino);
		if (inode != ERR_PTR(-EAGAIN))
			spin_unlock(&inode_hash_lock);
	} while (inode == ERR_PTR(-EAGAIN));
	if (inode) {
		wait_on_inode(inode);
		if (inode_unhashed(inode)) {	/* iget_failed meanwhile */
			iput(inode);
			return NULL;
		}
	}
	return inode;
}

/*
 * The inode ino of sb, from the cache or new. A new one is returned
 * I_NEW and hashed: the caller fills it in and calls unlock_new_inode()
 * (or iget_failed()); concurrent igets of the same number wait for that.
 */
struct inode *iget_locked(struct super_block *sb, unsigned long ino)
{
	struct inode *inode, *old;

	inode = ilookup(sb, ino);
	if (inode)
		return inode;
	inode = alloc_inode(sb);
	if (!inode)
		return NULL;
	for (;;) {
		spin_lock(&inode_hash_lock);
		old = find_inode_fast(sb, ino);
		if (old != ERR_PTR(-EAGAIN))
			break;
	}
	if (old) {
		spin_unlock(&inode_hash_lock);
		destroy_inode(inode);
		wait_on_inode(old);
		if (inode_unhashed(old)) {
			iput(old);
			return NULL;
		}
		return old;
	}
	inode->i_ino = ino;
	spin_lock(&inode->i_lock);
	inode->i_state = I_NEW;
	hlist_add_head_rcu(&inode->i_hash, &inode_hashtable[ihash(sb, ino)]);
	spin_unlock(&inode->i_lock);
	spin_unlock(&inode_hash_lock);
	inode_sb_list_add(inode);
	return inode;
}

void unlock_new_inode(struct inode *inode)
{
	spin_lock(&inode->i_lock);
	WARN_ON(!(inode->i_state & I_NEW));
	inode->i_state &= ~I_NEW;
	spin_unlock(&inode->i_lock);
	wake_up_all(&inode_wq);
}

void iget_failed(struct inode *inode)
{
	remove_inode_hash(inode);
	clear_nlink(inode);
	unlock_new_inode(inode);
	iput(inode);
}

/* ---------------------------------------------------------------- references */

void ihold(struct inode *inode)
{
	WARN_ON(atomic_inc_return(&inode->i_count) < 2);
}

int generic_delete_inode(struct inode *inode)
{
	return 1;
}

int generic_drop_inode(struct inode *inode)
{
	return !inode->i_nlink || inode_unhashed(inode);
}

/* Drop the inode's last page-cache and file-system state, then free it. */
static void evict(struct inode *inode)
{
	const struct super_operations *op = inode->i_sb->s_op;

	if (!list_empty(&inode->i_io_list)) {
		spin_lock(&inode->i_sb->s_inode_wblist_lock);
		list_del_init(&inode->i_io_list);
		spin_unlock(&inode->i_sb->s_inode_wblist_lock);
	}
	inode_sb_list_del(inode);
	if (op->evict_inode) {
		vfs_call_evict_inode(inode);
	} else {
		truncate_inode_pages_final(&inode->i_data);
		clear_inode(inode);
	}
	remove_inode_hash(inode);
	wake_up_all(&inode_wq);	/* igets waiting for it to go */
	destroy_inode(inode);
}

/* The last reference is gone (i_lock held, count 0): keep or evict. */
static void iput_final(struct inode *inode)
{
	struct super_block *sb = inode->i_sb;
	int drop;

	if (sb->s_op->drop_inode)
		drop = vfs_call_drop_inode(inode);
	else
		drop = generic_drop_inode(inode);
	if (!drop && (sb->s_flags & SB_ACTIVE)) {
		inode->i_state |= I_REFERENCED;	/* cached, unused, until iget or umount */
		spin_unlock(&inode->i_lock);
		return;
	}
	inode->i_state |= I_FREEING;
	spin_unlock(&inode->i_lock);
	evict(inode);
}

void iput(struct inode *inode)
{
	if (!inode)
		return;
	might_sleep();
	/* Not the last: no lock needed. The last one decides under i_lock. */
	if (atomic_add_unless(&inode->i_count, -1, 1))
		return;
	spin_lock(&inode->i_lock);
	if (!atomic_dec_and_test(&inode->i_count)) {
		spin_unlock(&inode->i_lock);
		return;
	}
	iput_final(inode);
}

/* ->evict_inode's last step: the inode holds nothing any more. */
void clear_inode(struct inode *inode)
{
	WARN_ON(inode->i_data.nrpages);
	spin_lock(&inode->i_lock);
	inode->i_state = I_FREEING | I_CLEAR;
	spin_unlock(&inode->i_lock);
}

/*
 * Umount: evict every unused inode of sb. Returns how many are still in
 * use (a bug of whoever holds them once the dentries are gone).
 */
int evict_inodes(struct super_block *sb)
{
	struct inode *inode, *next;
	int busy = 0;
	LIST_HEAD(dispose);

	spin_lock(&sb->s_inode_list_lock);
	list_for_each_entry_safe(inode, next, &sb->s_inodes, i_sb_list) {
		spin_lock(&inode->i_lock);
		if (atomic_read(&inode->i_count) || (inode->i_state & (I_NEW | I_FREEING))) {
			if (atomic_read(&inode->i_count))
				busy++;
			spin_unlock(&inode->i_lock);
			continue;
		}
		inode->i_state |= I_FREEING;
		spin_unlock(&inode->i_lock);
		list_move(&inode->i_sb_list, &dispose);
	}
	spin_unlock(&sb->s_inode_list_lock);
	list_for_each_entry_safe(inode, next, &dispose, i_sb_list) {
		list_del_init(&inode->i_sb_list);
		spin_lock(&sb->s_inode_list_lock);	/* evict removes from s_inodes again */
		list_add(&inode->i_sb_list, &sb->s_inodes);
		spin_unlock(&sb->s_inode_list_lock);
		evict(inode);
	}
	return busy;
}

/* ---------------------------------------------------------------- dirtying */

/*
 * Mark inode dirty: tell the file system (->dirty_inode, for metadata)
 * and put the inode on its super block's dirty list, where writeback
 * (the page-cache helper's flusher, sync(2)) finds it.
 */
void __mark_inode_dirty(struct inode *inode, int flags)
{
	struct super_block *sb = inode->i_sb;

	if ((flags & I_DIRTY_INODE) && sb->s_op->dirty_inode)
		vfs_call_dirty_inode(inode, flags & I_DIRTY_INODE);
	if ((READ_ONCE(inode->i_state) & flags) == (unsigned long)flags)
		return;
	spin_lock(&inode->i_lock);
	if ((inode->i_state & flags) != (unsigned long)flags) {
		bool was_dirty = inode->i_state & I_DIRTY;

		inode->i_state |= flags;
		if (!was_dirty && !(inode->i_state & I_FREEING) && !inode_unhashed(inode)) {
			inode->dirtied_when = get_jiffies_64();
			spin_lock(&sb->s_inode_wblist_lock);
			list_move_tail(&inode->i_io_list, &sb->s_dirty);
			spin_unlock(&sb->s_inode_wblist_lock);
		}
	}
	spin_unlock(&inode->i_lock);
}

/*
 * Write inode now: its dirty pages (through the mapping), then its
 * metadata (->write_inode). sync: wait for it all (WBC_SYNC_ALL).
 */
int write_inode_now(struct inode *inode, int sync)
{
	struct writeback_control wbc = {
		.nr_to_write = (long)(~0UL >> 1),
		.sync_mode = sync ? WBC_SYNC_ALL : WBC_SYNC_NONE,
		.range_start = 0,
		.range_end = MAX_LFS_FILESIZE,
	};
	unsigned long dirty;
	int ret = 0;

	might_sleep();
	if (inode->i_mapping->nrpages)
		ret = sync ? filemap_write_and_wait(inode->i_mapping)
			   : filemap_fdatawrite(inode->i_mapping);
	spin_lock(&inode->i_lock);
	dirty = inode->i_state & I_DIRTY_INODE;
	inode->i_state &= ~I_DIRTY_INODE;
	if (!inode->i_mapping->nrpages)
		inode->i_state &= ~I_DIRTY_PAGES;
	spin_unlock(&inode->i_lock);
	if (dirty && inode->i_sb->s_op->write_inode) {
		int err = vfs_call_write_inode(inode, &wbc);

		if (!ret)
			ret = err;
	}
	spin_lock(&inode->i_lock);
	if (!(inode->i_state & I_DIRTY) && !list_empty(&inode->i_io_list)) {
		spin_lock(&inode->i_sb->s_inode_wblist_lock);
		list_del_init(&inode->i_io_list);
		spin_unlock(&inode->i_sb->s_inode_wblist_lock);
	}
	spin_unlock(&inode->i_lock);
	return ret;
}

/* ---------------------------------------------------------------- helpers */

void set_nlink(struct inode *inode, unsigned int nlink)
{
	WRITE_ONCE(inode->i_nlink, nlink);
}

void inc_nlink(struct inode *inode)
{
	WRITE_ONCE(inode->i_nlink, inode->i_nlink + 1);
}

void drop_nlink(struct inode *inode)
{
	WARN_ON(inode->i_nlink == 0);
	if (inode->i_nlink)
		WRITE_ONCE(inode->i_nlink, inode->i_nlink - 1);
}

void clear_nlink(struct inode *inode)
{
	WRITE_ONCE(inode->i_nlink, 0);
}

/* Wall-clock time: the RTC at boot plus the monotonic clock since. */
struct timespec64 current_time(struct inode *inode)
{
	static s64 boot_sec = -1;
	struct timespec64 ts;
	u64 ns = ktime_get_ns();

	if (READ_ONCE(boot_sec) < 0) {
		s64 rtc = rtc_get_seconds();

		WRITE_ONCE(boot_sec, (rtc > 0 ? rtc : 0) - (s64)(ns / 1000000000ULL));
	}
	ts.tv_sec = READ_ONCE(boot_sec) + (s64)(ns / 1000000000ULL);
	ts.tv_nsec = (long)(ns % 1000000000ULL);
	return ts;
}

void inode_set_ctime_current(struct inode *inode)
{
	inode->i_ctime = current_time(inode);
}

/* Owner of a new inode: the caller; group from the directory if it is setgid. */
void inode_init_owner(struct inode *inode, const struct inode *dir, umode_t mode)
{
	inode->i_uid = current_fsuid();
	if (dir && (dir->i_mode & S_ISGID)) {
		inode->i_gid = dir->i_gid;
		if (S_ISDIR(mode))
			mode |= S_ISGID;
	} else {
		inode->i_gid = current_fsgid();
	}
	inode->i_mode = mode;
}

void init_special_inode(struct inode *inode, umode_t mode, dev_t rdev)
{
	inode->i_mode = mode;
	if (S_ISCHR(mode) || S_ISBLK(mode))
		inode->i_rdev = rdev;
	else if (S_ISFIFO(mode))
		inode->i_fop = &pipefifo_fops;	/* fs/pipe.c: fifo_open and the pipe ring */
	/* Devices get their i_fop from the devtmpfs/chrdev helpers. */
}

void inode_nohighmem(struct inode *inode)
{
	/* No highmem on x86_64: every page is mapped. Kept for Linux-shaped callers. */
}

void inode_init(void)
{
	unsigned int i;

	inode_cachep = kmem_cache_create("inode_cache", sizeof(struct inode), 0,
					 SLAB_HWCACHE_ALIGN);
	for (i = 0; i < I_HASH_SIZE; i++)
		INIT_HLIST_HEAD(&inode_hashtable[i]);
}
