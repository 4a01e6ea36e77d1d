/*
 * The directory-entry cache: struct dentry, dentry_operations, and the
 * dcache API (fs/dcache.c).
 *
 * A dentry names one thing in one directory: (d_parent, d_name) ->
 * d_inode, or no inode ("negative": the name is known not to exist). Each
 * hashed dentry sits in dentry_hashtable under hash(parent, name), so a
 * path walk finds a component without asking the file system.
 *
 * d_seq is bumped around every change a rcu-walk reader must notice
 * (d_inode, d_name, d_parent); rename_lock (a seqlock) around any d_move,
 * so a rcu-walk or d_path that saw it change retries or falls back to
 * ref-walk. A dentry is freed only after an RCU grace period (d_rcu), so
 * rcu-walk may read any field of a dentry it reached under rcu_read_lock,
 * then validates what it read with d_seq.
 *
 * Locks used to protect struct members in this file (the order in which
 * they nest: docs/locking.md, "Lock order"):
 *	[c] constant after creation (d_alloc), before the dentry is hashed
 *	[a] atomic
 *	[S] a lock or seqcount itself
 *	[R] used once, to free the dentry after an RCU grace period
 *	[x] the file system's own rule
 *	[d] the dentry's d_lock
 *	[D] the parent's d_lock
 *	[i] d_inode->i_lock
 *	[s] d_seq written around the change (inside d_lock): rcu-walk readers
 *	[n] rename_lock written around the change
 *	[b] the dentry's hash bucket lock (fs/dcache.c d_hash_locks); readers: RCU
 *	[L] d_sb->s_dentry_lru_lock
 */
#ifndef KESTREL_DCACHE_H
#define KESTREL_DCACHE_H

#include <kestrel/fs.h>
#include <kestrel/list.h>
#include <kestrel/rcupdate.h>
#include <kestrel/seqlock.h>
#include <kestrel/spinlock.h>

#define DNAME_INLINE_LEN 40

/* A spinlock and the count it protects (Linux's lockref, without the cmpxchg fast path). */
struct lockref {
	spinlock_t lock;	/* [S] */
	int count;		/* [d] < 0: dead (being killed), never revived; d_count() peeks */
};

struct dentry {
	unsigned int d_flags;			/* [d] DCACHE_*; d_mountpoint() peeks */
	seqcount_t d_seq;			/* [S] rcu-walk validation */
	struct hlist_node d_hash;		/* [b] in dentry_hashtable; unhashed: pprev NULL */
	struct dentry *d_parent;		/* [d,D,n,s] parent directory (itself for a root) */
	struct qstr d_name;			/* [d,n,s] points at d_iname or a kmalloc'ed name */
	struct inode *d_inode;			/* [i,d,s] NULL: negative */
	unsigned char d_iname[DNAME_INLINE_LEN]; /* [d,n,s] short names live here */

	struct lockref d_lockref;		/* [S] d_lock and the reference count */
	const struct dentry_operations *d_op;	/* [c] */
	struct super_block *d_sb;		/* [c] */
	unsigned long d_time;			/* [x] for ->d_revalidate */
	void *d_fsdata;				/* [x] the file system's */
	u64 d_rdpos;				/* [c] readdir position: set by d_alloc, unique, grows */

	struct list_head d_lru;			/* [L] in sb->s_dentry_lru while unused (DCACHE_LRU_LIST: [d]) */
	struct list_head d_child;		/* [D] in the parent's d_subdirs */
	struct list_head d_subdirs;		/* [d] our children */
	struct list_head d_alias;		/* [i,d] in d_inode->i_dentry */
	struct rcu_head d_rcu;			/* [R] freed after a grace period */
};

#define d_lock d_lockref.lock

/* d_flags */
#define DCACHE_OP_HASH (1U << 0)
#define DCACHE_OP_COMPARE (1U << 1)
#define DCACHE_OP_REVALIDATE (1U << 2)
#define DCACHE_OP_DELETE (1U << 3)
#define DCACHE_OP_PRUNE (1U << 4)
#define DCACHE_DISCONNECTED (1U << 5)
#define DCACHE_REFERENCED (1U << 6)	/* used since last LRU scan: second chance */
#define DCACHE_OP_WEAK_REVALIDATE (1U << 7)
#define DCACHE_LRU_LIST (1U << 8)	/* on sb->s_dentry_lru */
#define DCACHE_SHRINK_LIST (1U << 9)	/* on a private shrink list */
#define DCACHE_MOUNTED (1U << 10)	/* something is mounted here */
#define DCACHE_NEED_AUTOMOUNT (1U << 11)
#define DCACHE_MANAGE_TRANSIT (1U << 12)
#define DCACHE_DENTRY_KILLED (1U << 13)
#define DCACHE_OP_REAL (1U << 14)
#define DCACHE_NOKEY_NAME (1U << 15)
#define DCACHE_GENOCIDE (1U << 16)	/* d_genocide dropped its pin */

struct dentry_operations {
	int (*d_revalidate)(struct dentry *, unsigned int);
	int (*d_weak_revalidate)(struct dentry *, unsigned int);
	int (*d_hash)(const struct dentry *, struct qstr *);
	int (*d_compare)(const struct dentry *, unsigned int, const char *, const struct qstr *);
	int (*d_delete)(const struct dentry *);
	int (*d_init)(struct dentry *);
	void (*d_release)(struct dentry *);
	void (*d_prune)(struct dentry *);
	void (*d_iput)(struct dentry *, struct inode *);
	char *(*d_dname)(struct dentry *, char *, int);
	struct vfsmount *(*d_automount)(struct path *);
	int (*d_manage)(const struct path *, bool);
	struct dentry *(*d_real)(struct dentry *, int type);
};

/* The rename seqlock: d_move takes it for write; rcu-walk and d_path read it. */
extern seqlock_t rename_lock;

/* ---- hashing ---- */
u32 full_name_hash(const void *salt, const char *name, unsigned int len);
u64 hashlen_string(const void *salt, const char *name);
#define hashlen_hash(hl) ((u32)(hl))
#define hashlen_len(hl) ((u32)((hl) >> 32))
#define hashlen_create(hash, len) ((u64)(len) << 32 | (u32)(hash))

/* ---- allocation and instantiation ---- */
struct dentry *d_alloc(struct dentry *parent, const struct qstr *name);
struct dentry *d_alloc_name(struct dentry *parent, const char *name);
struct dentry *d_make_root(struct inode *root_inode);
void d_set_d_op(struct dentry *dentry, const struct dentry_operations *op);
void d_instantiate(struct dentry *dentry, struct inode *inode);
void d_add(struct dentry *dentry, struct inode *inode);
struct dentry *d_splice_alias(struct inode *inode, struct dentry *dentry);
struct dentry *d_find_alias(struct inode *inode);

/* ---- lookup ---- */
struct dentry *d_lookup(const struct dentry *parent, const struct qstr *name);
struct dentry *__d_lookup(const struct dentry *parent, const struct qstr *name);
/* rcu-walk: no reference taken; *seq is the dentry's d_seq to validate later. */
struct dentry *__d_lookup_rcu(const struct dentry *parent, const struct qstr *name,
			      unsigned int *seq);
struct dentry *d_hash_and_lookup(struct dentry *dir, struct qstr *name);

/* ---- removal, rename ---- */
void d_delete(struct dentry *dentry);
void d_drop(struct dentry *dentry);
void __d_drop(struct dentry *dentry);
void d_rehash(struct dentry *dentry);
void d_invalidate(struct dentry *dentry);
void d_move(struct dentry *dentry, struct dentry *target);
void d_exchange(struct dentry *dentry1, struct dentry *dentry2);
bool is_subdir(struct dentry *new_dentry, struct dentry *old_dentry);

/* ---- references ---- */
static inline struct dentry *dget_dlock(struct dentry *dentry)
{
	dentry->d_lockref.count++;
	return dentry;
}
struct dentry *dget(struct dentry *dentry);
struct dentry *dget_parent(struct dentry *dentry);
void dput(struct dentry *dentry);
static inline int d_count(const struct dentry *dentry)
{
	return READ_ONCE(dentry->d_lockref.count);
}

/* ---- memory pressure and umount ---- */
/* Free up to nr unused dentries of every sb, oldest first; returns the number freed. */
long prune_dcache(long nr);
void shrink_dcache_sb(struct super_block *sb);
void shrink_dcache_parent(struct dentry *parent);
void shrink_dcache_for_umount(struct super_block *sb);
void d_genocide(struct dentry *root);	/* drop the pins of kill_litter_super */

/* For tests and /proc: dentries allocated, unused (on an LRU), negative. */
struct dentry_stat_t {
	long nr_dentry;
	long nr_unused;
	long nr_negative;
};
void dentry_stats(struct dentry_stat_t *st);

/* ---- names ---- */
char *d_path(const struct path *path, char *buf, int buflen);
char *dentry_path_raw(const struct dentry *dentry, char *buf, int buflen);
char *dynamic_dname(char *buffer, int buflen, const char *fmt, ...) __printf(3, 4);

/* ---- predicates ---- */
static inline bool d_unhashed(const struct dentry *dentry)
{
	return hlist_unhashed(&dentry->d_hash);
}

static inline bool d_unlinked(const struct dentry *dentry)
{
	return d_unhashed(dentry) && dentry->d_parent != dentry;
}

static inline bool IS_ROOT(const struct dentry *dentry)
{
	return dentry == dentry->d_parent;
}

static inline struct inode *d_inode(const struct dentry *dentry)
{
	return dentry->d_inode;
}

static inline struct inode *d_inode_rcu(const struct dentry *dentry)
{
	return READ_ONCE(dentry->d_inode);
}

static inline struct inode *d_backing_inode(const struct dentry *dentry)
{
	return dentry->d_inode;
}

static inline bool d_really_is_negative(const struct dentry *dentry)
{
	return dentry->d_inode == NULL;
}

static inline bool d_really_is_positive(const struct dentry *dentry)
{
	return dentry->d_inode != NULL;
}

#define d_is_negative(d) d_really_is_negative(d)
#define d_is_positive(d) d_really_is_positive(d)
#define d_is_dir(d) ((d)->d_inode && S_ISDIR((d)->d_inode->i_mode))
#define d_is_symlink(d) ((d)->d_inode && S_ISLNK((d)->d_inode->i_mode))
#define d_is_reg(d) ((d)->d_inode && S_ISREG((d)->d_inode->i_mode))
#define d_can_lookup(d) d_is_dir(d)

static inline bool d_mountpoint(const struct dentry *dentry)
{
	return READ_ONCE(dentry->d_flags) & DCACHE_MOUNTED;
}

#endif
