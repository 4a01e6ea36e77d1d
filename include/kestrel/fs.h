/*
 * The VFS object model: super_block, inode, file, address_space,
 * file_system_type, and the operation tables a file system fills in.
 *
 * Member names and prototypes are Linux's, as listed in the spec
 * (Documentation/filesystems/locking.rst, see docs/locking.md), with two
 * deviations recorded there:
 *   - no `struct mnt_idmap *` argument (Kestrel has no idmapped mounts);
 *   - the buffers of ->readlink and ->listxattr are kernel memory (the
 *     system calls copy them out). ->read/->write take user pointers and
 *     ->read_iter/->write_iter an iov_iter that may be user memory, as
 *     Linux (fs/read_write.c). ->unlocked_ioctl's arg is the caller's,
 *     untouched: a pointer in it is a user pointer.
 *
 * Each op is called by the VFS only through its wrapper in
 * include/kestrel/contract/ (one header per ops table, the rules in
 * include/kestrel/contract.h), which asserts the locks the spec promises
 * the op.
 *
 * Locks used to protect struct members in this file (the order in which
 * they nest: docs/locking.md, "Lock order"):
 *	[c] constant after creation: set before the object is visible to
 *	    other CPUs (an inode while I_NEW, a super block before SB_BORN,
 *	    a file before fd_install)
 *	[a] atomic: an atomic_t, atomic bitops, or one word read with
 *	    READ_ONCE and written with WRITE_ONCE
 *	[S] a lock or other synchronization object itself
 *	[R] used once, to free the object after an RCU grace period
 *	[g] sb_lock (fs/super.c)
 *	[u] sb->s_umount, held for write to change
 *	[l] sb->s_inode_list_lock
 *	[w] sb->s_inode_wblist_lock
 *	[d] sb->s_dentry_lru_lock
 *	[k] mount_lock (fs/namespace.c), held for write to change
 *	[F] file_systems_lock (fs/filesystems.c)
 *	[h] inode_hash_lock (fs/inode.c)
 *	[i] inode->i_lock
 *	[r] inode->i_rwsem, held for write to change; a lockless reader
 *	    (stat, i_size_read) sees the old or the new value
 *	[m] mapping->i_pages.xa_lock
 *	[M] mapping->i_mmap_rwsem, held for write to change
 *	[p] mapping->private_lock
 *	[f] file->f_lock
 *	[P] file->f_pos_lock, for FMODE_ATOMIC_POS files
 *	[o] a hint: changed without a lock, a racing update only makes it a
 *	    worse guess (never a wrong result)
 *	[x] the file system's or driver's own rule
 *	[e] an embedded struct whose own members carry the tags
 */
#ifndef KESTREL_FS_H
#define KESTREL_FS_H

#include <kestrel/atomic.h>
#include <kestrel/cred.h>
#include <kestrel/errno.h>
#include <kestrel/fs_types.h>
#include <kestrel/gfp.h>
#include <kestrel/list.h>
#include <kestrel/lockdep.h>
#include <kestrel/mutex.h>
#include <kestrel/rbtree.h>
#include <kestrel/rcupdate.h>
#include <kestrel/rwsem.h>
#include <kestrel/seqlock.h>
#include <kestrel/spinlock.h>
#include <kestrel/uio.h>
#include <kestrel/wait.h>
#include <kestrel/xarray.h>

struct block_device;
struct dentry;
struct file;
struct file_lock;
struct file_lock_context;
struct folio;
struct inode;
struct kiocb;
struct page;
struct path;
struct pipe_inode_info;
struct poll_table_struct;
struct readahead_control;
struct seq_file;
struct super_block;
struct vfsmount;
struct vm_area_struct;
struct writeback_control;
struct xattr_handler;
/* Types of ops Kestrel never calls (docs/locking.md says which and why). */
struct fiemap_extent_info;
struct fileattr;
struct offset_ctx;
struct posix_acl;
struct swap_info_struct;

typedef unsigned int __poll_t;
typedef void *fl_owner_t;
typedef u64 blkcnt_t;

/* A callback to run later (->get_link's way to free what it returned). */
struct delayed_call {
	void (*fn)(void *arg);
	void *arg;
};

static inline void set_delayed_call(struct delayed_call *call, void (*fn)(void *), void *arg)
{
	call->fn = fn;
	call->arg = arg;
}

static inline void do_delayed_call(struct delayed_call *call)
{
	if (call->fn)
		call->fn(call->arg);
	call->fn = NULL;
}

/* ======================= writeback / readahead records ======================= */

enum writeback_sync_modes {
	WBC_SYNC_NONE,	/* memory cleansing / background: do not wait on I/O in flight */
	WBC_SYNC_ALL,	/* data integrity: wait on I/O in flight, then start new I/O */
};

/* What ->writepages/->writepage/->write_inode are asked to do; owned by the caller. */
struct writeback_control {
	long nr_to_write;	/* pages to write; decremented per page written */
	long pages_skipped;	/* pages not written (redirtied) */
	loff_t range_start;	/* byte range to write (range_cyclic: ignored) */
	loff_t range_end;
	enum writeback_sync_modes sync_mode;
	unsigned for_kupdate : 1;	/* the periodic writeback thread */
	unsigned for_background : 1;
	unsigned for_reclaim : 1;	/* from page reclaim */
	unsigned range_cyclic : 1;	/* continue from mapping->writeback_index */
	unsigned for_sync : 1;		/* sync(2) */
};

#define WRITEPAGE_ACTIVATE 0x80000	/* ->writepage: cannot write now, keep the page */

/* Per open file sequential-read state (mm/readahead.c); file->f_ra, a hint ([o]). */
struct file_ra_state {
	pgoff_t start;		/* where the current window starts */
	unsigned int size;	/* pages in the window */
	unsigned int async_size; /* start the next window when this many remain */
	unsigned int ra_pages;	/* maximum window */
	loff_t prev_pos;	/* last byte read: sequential detection */
};

/* ============================== address_space ============================== */

/* mapping->flags bits */
enum mapping_flags {
	AS_EIO = 0,		/* an async write failed with EIO */
	AS_ENOSPC = 1,		/* an async write failed with ENOSPC */
	AS_UNEVICTABLE = 3,	/* ramfs: pages are never reclaimed */
	AS_SHMEM = 4,		/* tmpfs: its folios are PG_swapbacked (shmem in RSS) */
};

/*
 * The page cache of one file: its folios indexed by page offset. The
 * tree's own lock (i_pages.xa_lock) protects the tree, its dirty and
 * writeback marks, and nrpages. invalidate_lock (shared) is held while
 * the cache is filled from the backing store (read, readahead, fault) and
 * (exclusive) while it is truncated or holes are punched, so a fill
 * cannot bring back data that truncation just removed.
 */
struct address_space {
	struct inode *host;			/* [c] */
	struct xarray i_pages;			/* [S] folios by index; its xa_lock guards it */
	struct rw_semaphore invalidate_lock;	/* [S] fills (shared) vs truncation (exclusive) */
	gfp_t gfp_mask;				/* [c] for new folios */
	unsigned long nrpages;			/* [m] folios in i_pages */
	pgoff_t writeback_index;		/* [o] range_cyclic writeback continues here */
	const struct address_space_operations *a_ops;	/* [c] */
	unsigned long flags;			/* [a] AS_* bits */
	int wb_err;				/* [a] last writeback error (AS_EIO/AS_ENOSPC report it) */
	spinlock_t private_lock;		/* [S] */
	struct list_head private_list;		/* [p] the file system's buffers */
	void *private_data;			/* [x] */
	/*
	 * The VMAs mapping this file (mm/i_mmap.c): an interval tree by file
	 * page, so truncation can unmap the pages it removes.
	 */
	struct rw_semaphore i_mmap_rwsem;	/* [S] i_mmap: write to change, read to walk */
	struct rb_root i_mmap;			/* [M] */
};

/* ================================== inode ================================== */

/* inode->i_state bits, under i_lock */
#define I_NEW (1UL << 0)		/* being set up: iget waiters sleep until unlock_new_inode */
#define I_DIRTY_SYNC (1UL << 1)		/* metadata dirty (times...), ->write_inode needed */
#define I_DIRTY_DATASYNC (1UL << 2)	/* metadata fdatasync must write (size) */
#define I_DIRTY_PAGES (1UL << 3)	/* the mapping has dirty folios */
#define I_WILL_FREE (1UL << 4)		/* last iput writes it before freeing */
#define I_FREEING (1UL << 5)		/* being evicted: lookups must not return it */
#define I_CLEAR (1UL << 6)		/* ->evict_inode done (clear_inode) */
#define I_SYNC (1UL << 7)		/* writeback in progress */
#define I_REFERENCED (1UL << 8)
#define I_DIRTY_TIME (1UL << 9)
#define I_LINKABLE (1UL << 10)
#define I_DIRTY_INODE (I_DIRTY_SYNC | I_DIRTY_DATASYNC)
#define I_DIRTY (I_DIRTY_INODE | I_DIRTY_PAGES)

/* inode->i_flags */
#define S_NOATIME (1U << 1)
#define S_APPEND (1U << 2)
#define S_IMMUTABLE (1U << 3)
#define S_DEAD (1U << 4)		/* removed directory: no new entries */
#define S_PRIVATE (1U << 9)

#define IS_DEADDIR(inode) ((inode)->i_flags & S_DEAD)

struct inode {
	umode_t i_mode;				/* [r] type [c], permission bits [r] */
	unsigned short i_opflags;		/* [c] */
	kuid_t i_uid;				/* [r] */
	kgid_t i_gid;				/* [r] */
	unsigned int i_flags;			/* [r] S_* */

	const struct inode_operations *i_op;	/* [c] */
	struct super_block *i_sb;		/* [c] */
	struct address_space *i_mapping;	/* [c] normally &i_data */

	unsigned long i_ino;			/* [c] */
	unsigned int i_nlink;			/* [r] set_nlink/inc_nlink/drop_nlink */
	dev_t i_rdev;				/* [c] */
	loff_t i_size;				/* [r] i_size_read/i_size_write */
	struct timespec64 i_atime;		/* [r] */
	struct timespec64 i_mtime;		/* [r] */
	struct timespec64 i_ctime;		/* [r] */
	spinlock_t i_lock;			/* [S] */
	unsigned short i_bytes;			/* [c] (no block file system changes it) */
	u8 i_blkbits;				/* [c] */
	blkcnt_t i_blocks;			/* [c] (no block file system changes it) */

	unsigned long i_state;			/* [i] I_*; a lockless READ_ONCE may skip a no-op */
	struct rw_semaphore i_rwsem;		/* [S] directory: its entries; file: size and writes */

	/*
	 * [i] jiffies when first dirtied, written as the inode goes onto
	 * s_dirty; writeback reads it under [w] (a racing redirty makes the
	 * list's order a little less than oldest first).
	 */
	unsigned long dirtied_when;

	struct hlist_node i_hash;		/* [h] in inode_hashtable (readers: RCU) */
	struct list_head i_io_list;		/* [w] in sb->s_dirty or a writeback pass's list */
	struct list_head i_sb_list;		/* [l] in sb->s_inodes */
	struct list_head i_dentry;		/* [i] aliases (dentry d_alias) */
	struct rcu_head i_rcu;			/* [R] ->free_inode/->destroy_inode */
	void (*free_inode)(struct inode *);	/* [c] s_op->free_inode, saved: the sb may be gone by then */
	atomic64_t i_version;			/* [a] */
	atomic_t i_count;			/* [a] references (ihold/iput); 0 <-> 1 under [i] */
	atomic_t i_writecount;			/* [a] open for write */
	const struct file_operations *i_fop;	/* [c] copied into file->f_op by open */
	struct file_lock_context *i_flctx;	/* [a] fs/locks.c: set once (cmpxchg), freed with the inode */
	struct address_space i_data;		/* [e] */
	union {
		struct pipe_inode_info *i_pipe;	/* [i] FIFO (fs/pipe.c): the first opener sets it */
		char *i_link;			/* [c] fast symlink body (simple_get_link) */
		void *i_cdev;			/* [c] character device (devtmpfs) */
	};
	u32 i_generation;			/* [c] */
	void *i_private;			/* [x] */
};

/*
 * i_size: x86_64 loads and stores 64 bits at once, so a plain READ_ONCE
 * sees the old or the new size, never half of each (Linux needs a
 * seqcount only on 32-bit SMP). Writers hold i_rwsem (or are the only user).
 */
static inline loff_t i_size_read(const struct inode *inode)
{
	return READ_ONCE(inode->i_size);
}

static inline void i_size_write(struct inode *inode, loff_t size)
{
	WRITE_ONCE(inode->i_size, size);
}

static inline void inode_lock(struct inode *inode) { down_write(&inode->i_rwsem); }
static inline void inode_unlock(struct inode *inode) { up_write(&inode->i_rwsem); }
static inline void inode_lock_shared(struct inode *inode) { down_read(&inode->i_rwsem); }
static inline void inode_unlock_shared(struct inode *inode) { up_read(&inode->i_rwsem); }
static inline bool inode_trylock(struct inode *inode) { return down_write_trylock(&inode->i_rwsem); }

/* Lockdep subclasses of i_rwsem for nesting (directory-locking.rst) */
enum inode_i_mutex_lock_class {
	I_MUTEX_NORMAL,
	I_MUTEX_PARENT,		/* the (first) parent directory */
	I_MUTEX_CHILD,		/* a victim / child */
	I_MUTEX_XATTR,
	I_MUTEX_NONDIR2,	/* the second non-directory of a rename */
	I_MUTEX_PARENT2,	/* the second parent of a cross-directory rename */
};

static inline void inode_lock_nested(struct inode *inode, unsigned int subclass)
{
	down_write_nested(&inode->i_rwsem, subclass);
}

static inline void filemap_invalidate_lock(struct address_space *m) { down_write(&m->invalidate_lock); }
static inline void filemap_invalidate_unlock(struct address_space *m) { up_write(&m->invalidate_lock); }
static inline void filemap_invalidate_lock_shared(struct address_space *m) { down_read(&m->invalidate_lock); }
static inline void filemap_invalidate_unlock_shared(struct address_space *m) { up_read(&m->invalidate_lock); }

void set_nlink(struct inode *inode, unsigned int nlink);
void inc_nlink(struct inode *inode);
void drop_nlink(struct inode *inode);
void clear_nlink(struct inode *inode);

struct timespec64 current_time(struct inode *inode);
void inode_set_ctime_current(struct inode *inode);

/* ============================== file ============================== */

#define FMODE_READ (1U << 0)
#define FMODE_WRITE (1U << 1)
#define FMODE_LSEEK (1U << 2)
#define FMODE_PREAD (1U << 3)
#define FMODE_PWRITE (1U << 4)
#define FMODE_EXEC (1U << 5)
#define FMODE_ATOMIC_POS (1U << 15)	/* f_pos updates serialized by f_pos_lock */
#define FMODE_CAN_READ (1U << 17)
#define FMODE_CAN_WRITE (1U << 18)
#define FMODE_OPENED (1U << 19)

struct path {
	struct vfsmount *mnt;
	struct dentry *dentry;
};

/*
 * An open file. f_count counts the descriptors and in-flight syscalls
 * using it (fget/fput); the last fput calls ->release. f_pos_lock
 * serializes read/write/lseek/getdents on a shared regular file or
 * directory (FMODE_ATOMIC_POS), as POSIX requires of them.
 */
struct file {
	struct path f_path;			/* [c] */
	struct inode *f_inode;			/* [c] cached f_path.dentry->d_inode */
	const struct file_operations *f_op;	/* [c] (->open may replace it, before fd_install) */
	spinlock_t f_lock;			/* [S] */
	atomic_long_t f_count;			/* [a] fget/fput */
	unsigned int f_flags;			/* [f] O_* as opened (minus the creation flags) */
	fmode_t f_mode;				/* [c] FMODE_* */
	struct mutex f_pos_lock;		/* [S] */
	loff_t f_pos;				/* [P] (other files: the file's own rule, [x]) */
	const struct cred *f_cred;		/* [c] the opener's credentials */
	struct file_ra_state f_ra;		/* [o] */
	struct address_space *f_mapping;	/* [c] */
	u64 f_version;				/* [P] directories: cursor validity; FIFOs: [c] */
	void *private_data;			/* [x] the driver's / file system's */
	struct rcu_head f_rcuhead;		/* [R] */
};

static inline struct inode *file_inode(const struct file *f)
{
	return f->f_inode;
}

#define IOCB_APPEND (1 << 1)
#define IOCB_DSYNC (1 << 2)
#define IOCB_SYNC (1 << 3)
#define IOCB_NOWAIT (1 << 7)

/* One read or write request: the file and where in it. */
struct kiocb {
	struct file *ki_filp;
	loff_t ki_pos;
	int ki_flags;		/* IOCB_* */
	void *private;
};

void init_sync_kiocb(struct kiocb *kiocb, struct file *filp);

/*
 * getdents: ->iterate_shared calls dir_emit() for each entry from
 * ctx->pos on; the actor returns false when the caller's buffer is full
 * (the file system then stops and leaves ctx->pos at that entry).
 */
struct dir_context;
typedef bool (*filldir_t)(struct dir_context *, const char *, int, loff_t, u64, unsigned int);
struct dir_context {
	filldir_t actor;
	loff_t pos;
};

static inline bool dir_emit(struct dir_context *ctx, const char *name, int namelen, u64 ino,
			    unsigned int type)
{
	return ctx->actor(ctx, name, namelen, ctx->pos, ino, type);
}

bool dir_emit_dots(struct file *file, struct dir_context *ctx);

/* ============================== ops tables ============================== */

struct inode_operations {
	struct dentry *(*lookup)(struct inode *, struct dentry *, unsigned int);
	const char *(*get_link)(struct dentry *, struct inode *, struct delayed_call *);
	int (*permission)(struct inode *, int, unsigned int);
	struct posix_acl *(*get_inode_acl)(struct inode *, int, bool);
	int (*readlink)(struct dentry *, char *, int);
	int (*create)(struct inode *, struct dentry *, umode_t, bool);
	int (*link)(struct dentry *, struct inode *, struct dentry *);
	int (*unlink)(struct inode *, struct dentry *);
	int (*symlink)(struct inode *, struct dentry *, const char *);
	int (*mkdir)(struct inode *, struct dentry *, umode_t);
	int (*rmdir)(struct inode *, struct dentry *);
	int (*mknod)(struct inode *, struct dentry *, umode_t, dev_t);
	int (*rename)(struct inode *, struct dentry *, struct inode *, struct dentry *,
		      unsigned int);
	void (*truncate)(struct inode *);
	int (*setattr)(struct dentry *, struct iattr *);
	int (*getattr)(const struct path *, struct kstat *, u32, unsigned int);
	ssize_t (*listxattr)(struct dentry *, char *, size_t);
	int (*fiemap)(struct inode *, struct fiemap_extent_info *, u64 start, u64 len);
	void (*update_time)(struct inode *, struct timespec64 *, int);
	int (*atomic_open)(struct inode *, struct dentry *, struct file *, unsigned open_flag,
			   umode_t create_mode);
	int (*tmpfile)(struct inode *, struct file *, umode_t);
	struct posix_acl *(*get_acl)(struct dentry *, int);
	int (*fileattr_set)(struct dentry *dentry, struct fileattr *fa);
	int (*fileattr_get)(struct dentry *dentry, struct fileattr *fa);
	struct offset_ctx *(*get_offset_ctx)(struct inode *inode);
};

struct super_operations {
	struct inode *(*alloc_inode)(struct super_block *sb);
	void (*free_inode)(struct inode *);
	void (*destroy_inode)(struct inode *);
	void (*dirty_inode)(struct inode *, int flags);
	int (*write_inode)(struct inode *, struct writeback_control *wbc);
	int (*drop_inode)(struct inode *);
	void (*evict_inode)(struct inode *);
	void (*put_super)(struct super_block *);
	int (*sync_fs)(struct super_block *sb, int wait);
	int (*freeze_fs)(struct super_block *);
	int (*unfreeze_fs)(struct super_block *);
	int (*statfs)(struct dentry *, struct kstatfs *);
	int (*remount_fs)(struct super_block *, int *, char *);
	void (*umount_begin)(struct super_block *);
	int (*show_options)(struct seq_file *, struct dentry *);
	ssize_t (*quota_read)(struct super_block *, int, char *, size_t, loff_t);
	ssize_t (*quota_write)(struct super_block *, int, const char *, size_t, loff_t);
};

enum migrate_mode { MIGRATE_ASYNC, MIGRATE_SYNC_LIGHT, MIGRATE_SYNC };

struct address_space_operations {
	int (*writepage)(struct page *page, struct writeback_control *wbc);
	int (*read_folio)(struct file *, struct folio *);
	int (*writepages)(struct address_space *, struct writeback_control *);
	bool (*dirty_folio)(struct address_space *, struct folio *folio);
	void (*readahead)(struct readahead_control *);
	int (*write_begin)(struct file *, struct address_space *mapping, loff_t pos, unsigned len,
			   struct folio **foliop, void **fsdata);
	int (*write_end)(struct file *, struct address_space *mapping, loff_t pos, unsigned len,
			 unsigned copied, struct folio *folio, void *fsdata);
	sector_t (*bmap)(struct address_space *, sector_t);
	void (*invalidate_folio)(struct folio *, size_t start, size_t len);
	bool (*release_folio)(struct folio *, gfp_t);
	void (*free_folio)(struct folio *);
	int (*direct_IO)(struct kiocb *, struct iov_iter *iter);
	int (*migrate_folio)(struct address_space *, struct folio *dst, struct folio *src,
			     enum migrate_mode);
	int (*launder_folio)(struct folio *);
	bool (*is_partially_uptodate)(struct folio *, size_t from, size_t count);
	int (*error_remove_folio)(struct address_space *, struct folio *);
	int (*swap_activate)(struct swap_info_struct *sis, struct file *f, sector_t *span);
	int (*swap_deactivate)(struct file *);
	int (*swap_rw)(struct kiocb *iocb, struct iov_iter *iter);
};

struct file_operations {
	loff_t (*llseek)(struct file *, loff_t, int);
	ssize_t (*read)(struct file *, char __user *, size_t, loff_t *);
	ssize_t (*write)(struct file *, const char __user *, size_t, loff_t *);
	ssize_t (*read_iter)(struct kiocb *, struct iov_iter *);
	ssize_t (*write_iter)(struct kiocb *, struct iov_iter *);
	int (*iopoll)(struct kiocb *kiocb, bool spin);
	int (*iterate_shared)(struct file *, struct dir_context *);
	__poll_t (*poll)(struct file *, struct poll_table_struct *);
	long (*unlocked_ioctl)(struct file *, unsigned int, unsigned long);
	long (*compat_ioctl)(struct file *, unsigned int, unsigned long);
	int (*mmap)(struct file *, struct vm_area_struct *);
	int (*open)(struct inode *, struct file *);
	int (*flush)(struct file *);
	int (*release)(struct inode *, struct file *);
	int (*fsync)(struct file *, loff_t start, loff_t end, int datasync);
	int (*fasync)(int, struct file *, int);
	int (*lock)(struct file *, int, struct file_lock *);
	unsigned long (*get_unmapped_area)(struct file *, unsigned long, unsigned long,
					   unsigned long, unsigned long);
	int (*check_flags)(int);
	int (*flock)(struct file *, int, struct file_lock *);
	ssize_t (*splice_write)(struct pipe_inode_info *, struct file *, loff_t *, size_t,
				unsigned int);
	ssize_t (*splice_read)(struct file *, loff_t *, struct pipe_inode_info *, size_t,
			       unsigned int);
	int (*setlease)(struct file *, long, struct file_lock **, void **);
	long (*fallocate)(struct file *, int, loff_t, loff_t);
	void (*show_fdinfo)(struct seq_file *m, struct file *f);
	unsigned (*mmap_capabilities)(struct file *);
	ssize_t (*copy_file_range)(struct file *, loff_t, struct file *, loff_t, size_t,
				   unsigned int);
	loff_t (*remap_file_range)(struct file *file_in, loff_t pos_in, struct file *file_out,
				   loff_t pos_out, loff_t len, unsigned int remap_flags);
	int (*fadvise)(struct file *, loff_t, loff_t, int);
};

/* ============================== super_block ============================== */

#define SB_RDONLY (1UL << 0)
#define SB_NOSUID (1UL << 1)
#define SB_NODEV (1UL << 2)
#define SB_NOEXEC (1UL << 3)
#define SB_SYNCHRONOUS (1UL << 4)
#define SB_NOATIME (1UL << 10)
#define SB_SILENT (1UL << 15)
#define SB_KERNMOUNT (1UL << 22)	/* kern_mount: not in the mount tree */
#define SB_BORN (1UL << 29)		/* ->mount succeeded */
#define SB_ACTIVE (1UL << 30)
#define SB_DYING (1UL << 31)		/* being shut down: sget must not reuse it */

#define MAX_LFS_FILESIZE ((loff_t)0x7fffffffffffffffLL)

extern spinlock_t sb_lock;	/* fs/super.c: [g] in the legend above */

struct super_block {
	struct list_head s_list;		/* [g] in super_blocks */
	dev_t s_dev;				/* [c] anonymous (set_anon_super) or a block device's */
	struct block_device *s_bdev;		/* [c] the device a disk file system lives on, else NULL */
	unsigned char s_blocksize_bits;		/* [c] */
	unsigned long s_blocksize;		/* [c] */
	loff_t s_maxbytes;			/* [c] */
	struct file_system_type *s_type;	/* [c] */
	const struct super_operations *s_op;	/* [c] */
	const struct xattr_handler *const *s_xattr;	/* [c] */
	/*
	 * [u] SB_*; SB_DYING is set with sb_lock held too, so sget (under
	 * [g] only) sees it. Lockless readers (SB_RDONLY checks) see the old
	 * or the new flags.
	 */
	unsigned long s_flags;
	unsigned long s_magic;			/* [c] */
	struct dentry *s_root;			/* [u] set by fill_super, cleared at umount */
	struct rw_semaphore s_umount;		/* [S] mount/umount/remount (write) vs users (read) */
	int s_count;				/* [g] passive references */
	atomic_t s_active;			/* [a] active references (mounts): 0 -> ->kill_sb */
	struct list_head s_instances;		/* [g] in s_type->fs_supers */
	struct list_head s_mounts;		/* [k] struct mount mnt_instance */
	struct mutex s_vfs_rename_sem;		/* [S] cross-directory renames (a mutex, as in Linux) */
	const struct dentry_operations *s_d_op;	/* [c] default d_op for new dentries */
	u32 s_time_gran;			/* [c] timestamp granularity in ns */
	char s_id[32];				/* [c] name for messages */
	void *s_fs_info;			/* [x] the file system's */

	spinlock_t s_inode_list_lock;		/* [S] */
	struct list_head s_inodes;		/* [l] all inodes of this sb (i_sb_list) */
	spinlock_t s_inode_wblist_lock;		/* [S] */
	struct list_head s_dirty;		/* [w] dirty inodes (i_io_list), oldest first */
	spinlock_t s_dentry_lru_lock;		/* [S] */
	struct list_head s_dentry_lru;		/* [d] unused dentries (d_lru), LRU at the head */
	long s_nr_dentry_unused;		/* [d] (statistics read it with READ_ONCE) */
};

/* ============================ file_system_type ============================ */

#define FS_REQUIRES_DEV 1
#define FS_BINARY_MOUNTDATA 2
#define FS_HAS_SUBTYPE 4
#define FS_USERNS_MOUNT 8
#define FS_RENAME_DOES_D_MOVE 32768	/* ->rename does d_move itself */

struct file_system_type {
	const char *name;			/* [c] */
	int fs_flags;				/* [c] */
	struct dentry *(*mount)(struct file_system_type *, int, const char *, void *);	/* [c] */
	void (*kill_sb)(struct super_block *);	/* [c] */
	struct file_system_type *next;		/* [F] in file_systems */
	struct list_head fs_supers;		/* [g] super blocks of this type */
	/* [c] Validator classes per file-system type, as Linux: nesting across types is fine. */
	struct lock_class_key s_umount_key;
	struct lock_class_key s_vfs_rename_key;	/* [c] */
	struct lock_class_key i_lock_key;	/* [c] */
	struct lock_class_key i_mutex_key;	/* [c] */
	struct lock_class_key i_mutex_dir_key;	/* [c] */
	struct lock_class_key invalidate_lock_key;	/* [c] */
};

int register_filesystem(struct file_system_type *);
int unregister_filesystem(struct file_system_type *);
struct file_system_type *get_fs_type(const char *name);
/* Call fn for each registered type (name, FS_REQUIRES_DEV) e.g. /proc/filesystems. */
void filesystems_for_each(void (*fn)(struct file_system_type *, void *), void *arg);

/* ============================== super blocks (fs/super.c) ============================== */

/*
 * sget(): find a super block of type for which test() is true, or make
 * one and set() it up. Returned active and with s_umount held for write
 * (a new one is not yet SB_BORN). ERR_PTR on failure.
 */
struct super_block *sget(struct file_system_type *type,
			 int (*test)(struct super_block *, void *),
			 int (*set)(struct super_block *, void *), int flags, void *data);
/* ->mount for in-memory file systems: a new sb each time, fill_super fills it. */
struct dentry *mount_nodev(struct file_system_type *fs_type, int flags, void *data,
			   int (*fill_super)(struct super_block *, void *, int));
/* One sb shared by every mount of the type (procfs, devtmpfs). */
struct dentry *mount_single(struct file_system_type *fs_type, int flags, void *data,
			    int (*fill_super)(struct super_block *, void *, int));
int set_anon_super(struct super_block *s, void *data);
void kill_anon_super(struct super_block *sb);
void kill_litter_super(struct super_block *sb);	/* ramfs: drop the pinned dentries first */
void generic_shutdown_super(struct super_block *sb);
void deactivate_super(struct super_block *sb);
void deactivate_locked_super(struct super_block *sb);
int sync_filesystem(struct super_block *sb);
void iterate_supers(void (*f)(struct super_block *, void *), void *arg);
int vfs_statfs(const struct path *, struct kstatfs *);

/* ============================== inodes (fs/inode.c) ============================== */

struct inode *new_inode(struct super_block *sb);
unsigned long get_next_ino(void);
struct inode *iget_locked(struct super_block *sb, unsigned long ino);
struct inode *ilookup(struct super_block *sb, unsigned long ino);
void unlock_new_inode(struct inode *inode);
void iget_failed(struct inode *inode);
void ihold(struct inode *inode);
void iput(struct inode *inode);
void clear_inode(struct inode *inode);
int generic_delete_inode(struct inode *inode);
int generic_drop_inode(struct inode *inode);
void inode_init_owner(struct inode *inode, const struct inode *dir, umode_t mode);
void init_special_inode(struct inode *inode, umode_t mode, dev_t rdev);
void inode_nohighmem(struct inode *inode);
void __insert_inode_hash(struct inode *inode, unsigned long hashval);
void remove_inode_hash(struct inode *inode);
static inline void insert_inode_hash(struct inode *inode)
{
	__insert_inode_hash(inode, inode->i_ino);
}
/* Dirtying: ->dirty_inode, then onto sb->s_dirty for writeback. */
void __mark_inode_dirty(struct inode *inode, int flags);
static inline void mark_inode_dirty(struct inode *inode) { __mark_inode_dirty(inode, I_DIRTY); }
static inline void mark_inode_dirty_sync(struct inode *inode) { __mark_inode_dirty(inode, I_DIRTY_SYNC); }
/* Write an inode (its pages through the mapping, then ->write_inode). */
int write_inode_now(struct inode *inode, int sync);
/* Evict every unused inode of sb (umount); returns the number still busy. */
int evict_inodes(struct super_block *sb);
/* Counters for tests and /proc: inodes allocated, unused. */
long get_nr_inodes(void);
void inode_sb_list_add(struct inode *inode);

/* ============================== attributes (fs/attr.c, fs/stat.c) ============================== */

int setattr_prepare(struct dentry *, struct iattr *);
void setattr_copy(struct inode *inode, const struct iattr *attr);
int notify_change(struct dentry *, struct iattr *, struct inode **delegated_inode);
int inode_newsize_ok(const struct inode *inode, loff_t offset);
void generic_fillattr(u32 request_mask, struct inode *, struct kstat *);
int vfs_getattr(const struct path *, struct kstat *, u32, unsigned int);
int vfs_truncate(const struct path *, loff_t);
int do_truncate(struct dentry *, loff_t start, unsigned int time_attrs, struct file *filp);
long vfs_fallocate(struct file *file, int mode, loff_t offset, loff_t len);

/* ============================== permission (fs/namei.c) ============================== */

int generic_permission(struct inode *, int);
int inode_permission(struct inode *, int);
bool inode_owner_or_capable(const struct inode *inode);

/* ============================== open files (fs/file_table.c, fs/open.c) ============================== */

struct file *alloc_empty_file(int flags, const struct cred *cred);
struct file *get_file(struct file *f);
void fput(struct file *);
struct file *dentry_open(const struct path *path, int flags, const struct cred *creds);
struct file *filp_open(const char *filename, int flags, umode_t mode);
int filp_close(struct file *, fl_owner_t id);
long get_nr_files(void);
int generic_file_open(struct inode *inode, struct file *filp);
int nonseekable_open(struct inode *inode, struct file *filp);

/* ============================== read/write (fs/read_write.c) ============================== */

ssize_t kernel_read(struct file *, void *, size_t, loff_t *);
ssize_t kernel_write(struct file *, const void *, size_t, loff_t *);
ssize_t vfs_read(struct file *, char __user *, size_t, loff_t *);
ssize_t vfs_write(struct file *, const char __user *, size_t, loff_t *);
ssize_t vfs_iter_read(struct file *file, struct iov_iter *iter, loff_t *ppos, int flags);
ssize_t vfs_iter_write(struct file *file, struct iov_iter *iter, loff_t *ppos, int flags);
loff_t vfs_llseek(struct file *file, loff_t offset, int whence);
loff_t generic_file_llseek(struct file *file, loff_t offset, int whence);
loff_t generic_file_llseek_size(struct file *file, loff_t offset, int whence, loff_t maxsize,
				loff_t eof);
loff_t noop_llseek(struct file *file, loff_t offset, int whence);
loff_t default_llseek(struct file *file, loff_t offset, int whence);
int vfs_fsync_range(struct file *file, loff_t start, loff_t end, int datasync);
int vfs_fsync(struct file *file, int datasync);
ssize_t generic_read_dir(struct file *, char __user *, size_t, loff_t *);
int iterate_dir(struct file *, struct dir_context *);
int generic_check_addressable(unsigned blocksize_bits, u64 num_blocks);

/* ============================== libfs.c: simple_* for in-memory file systems ============================== */

struct dentry *simple_lookup(struct inode *, struct dentry *, unsigned int flags);
int simple_link(struct dentry *, struct inode *, struct dentry *);
int simple_unlink(struct inode *, struct dentry *);
int simple_rmdir(struct inode *, struct dentry *);
int simple_rename(struct inode *, struct dentry *, struct inode *, struct dentry *, unsigned int);
int simple_rename_exchange(struct inode *old_dir, struct dentry *old_dentry,
			   struct inode *new_dir, struct dentry *new_dentry);
int simple_empty(struct dentry *);
int simple_statfs(struct dentry *, struct kstatfs *);
int simple_getattr(const struct path *, struct kstat *, u32, unsigned int);
int simple_setattr(struct dentry *, struct iattr *);
int simple_open(struct inode *inode, struct file *file);
int simple_fill_super_root(struct super_block *s, unsigned long magic, umode_t root_mode);
const char *simple_get_link(struct dentry *, struct inode *, struct delayed_call *);
int dcache_dir_open(struct inode *, struct file *);
int dcache_dir_close(struct inode *, struct file *);
loff_t dcache_dir_lseek(struct file *, loff_t, int);
int dcache_readdir(struct file *, struct dir_context *);
int noop_fsync(struct file *, loff_t, loff_t, int);
int generic_file_fsync(struct file *, loff_t, loff_t, int);
int always_delete_dentry(const struct dentry *);
ssize_t simple_read_from_buffer(void *to, size_t count, loff_t *ppos, const void *from,
				size_t available);
ssize_t simple_write_to_buffer(void *to, size_t available, loff_t *ppos, const void *from,
			       size_t count);
extern const struct file_operations simple_dir_operations;
extern const struct inode_operations simple_dir_inode_operations;
extern const struct inode_operations simple_symlink_inode_operations;
extern const struct dentry_operations simple_dentry_operations;
extern const struct super_operations simple_super_operations;

/* ============================== the VFS's own objects ============================== */

int vfs_caches_init(void);	/* fs/dcache.c: caches, hashes, the mount hash */
/* The slab caches of dentries and files (tests compare their statistics). */
struct kmem_cache *dentry_kmem_cache(void);
struct kmem_cache *filp_kmem_cache(void);

/* Device numbers in user space's encoding (stat's st_dev/st_rdev, mknod's dev): fs/stat.c. */
u32 new_encode_dev(dev_t dev);
dev_t new_decode_dev(u32 dev);

/* The file system calls as kernel functions (ksys_open, ...): include/kestrel/syscalls.h. */

#endif
