/*
 * The dentry cache (see include/kestrel/dcache.h for the object and its
 * locks).
 *
 * Life of a dentry:
 *   d_alloc      child of a parent (holds a reference on the parent),
 *                negative, unhashed, count 1
 *   d_add        instantiated (d_inode set, on the inode's alias list)
 *                and hashed: path walk finds it from now on
 *   dput         count 1 -> 0: a hashed dentry stays cached, unused, on
 *                its super block's LRU; an unhashed one (or one whose
 *                ->d_delete says so) is killed at once
 *   kill         unhashed, off the LRU, inode released (->d_iput or iput),
 *                ->d_release, parent's reference dropped, memory freed
 *                after an RCU grace period (rcu-walk may still look at it)
 *   d_delete     unlink: the last user turns it negative (kept hashed as
 *                "this name does not exist"); if others use it, unhashed
 *   prune        memory pressure: unused dentries from the LRU head
 *                (least recently used, second chance for DCACHE_REFERENCED)
 *
 * Lock order (rename_lock, i_lock, the d_lock nesting levels, the bucket
 * and LRU locks): docs/locking.md, "Lock order".
 */
#include <kestrel/atomic.h>
#include <kestrel/contract/dentry.h>
#include <kestrel/dcache.h>
#include <kestrel/fs_struct.h>
#include <kestrel/mount.h>
#include <kestrel/rculist.h>
#include <kestrel/shrinker.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/vsprintf.h>
#include "internal.h"

/* Writers: d_move/d_exchange (any dentry changing parent or name); readers: rcu-walk and d_path retry on it. */
DEFINE_SEQLOCK(rename_lock);

static struct kmem_cache *dentry_cache;

/* Counters: atomic, read without a lock (statistics). */
static atomic_long_t nr_dentry = ATOMIC_LONG_INIT(0);
static atomic_long_t nr_negative = ATOMIC_LONG_INIT(0);

/* ---------------------------------------------------------------- hash */

#define D_HASH_BITS 12
#define D_HASH_SIZE (1U << D_HASH_BITS)
#define D_HASH_LOCKS 64

static struct hlist_head dentry_hashtable[D_HASH_SIZE];
/* Striped bucket locks: bucket b is guarded by d_hash_locks[b % D_HASH_LOCKS]. */
static spinlock_t d_hash_locks[D_HASH_LOCKS];

u32 full_name_hash(const void *salt, const char *name, unsigned int len)
{
	u32 h = 2166136261u ^ (u32)((unsigned long)salt >> 4);	/* FNV-1a, salted by the parent */

	while (len--) {
		h ^= (unsigned char)*name++;
		h *= 16777619u;
	}
	return h;
}

u64 hashlen_string(const void *salt, const char *name)
{
	unsigned int len = strlen(name);

	return hashlen_create(full_name_hash(salt, name, len), len);
}

static unsigned int d_bucket(const struct dentry *parent, u32 hash)
{
	u64 h = ((u64)hash + ((unsigned long)parent >> 6)) * 0x9E3779B97F4A7C15ULL;

	return (unsigned int)(h >> (64 - D_HASH_BITS));
}

static void __d_rehash(struct dentry *dentry)
{
	unsigned int b = d_bucket(dentry->d_parent, dentry->d_name.hash);

	spin_lock(&d_hash_locks[b % D_HASH_LOCKS]);
	hlist_add_head_rcu(&dentry->d_hash, &dentry_hashtable[b]);
	spin_unlock(&d_hash_locks[b % D_HASH_LOCKS]);
}

/* Unhash (d_lock held). Readers still walking the chain can go on past it. */
void __d_drop(struct dentry *dentry)
{
	unsigned int b;

	lockdep_assert_held(&dentry->d_lock);
	if (d_unhashed(dentry))
		return;
	b = d_bucket(dentry->d_parent, dentry->d_name.hash);
	spin_lock(&d_hash_locks[b % D_HASH_LOCKS]);
	hlist_del_init_rcu(&dentry->d_hash);
	spin_unlock(&d_hash_locks[b % D_HASH_LOCKS]);
	/* An rcu-walk that picked this dentry up must notice. */
	write_seqcount_invalidate(&dentry->d_seq);
}

void d_drop(struct dentry *dentry)
{
	spin_lock(&dentry->d_lock);
	__d_drop(dentry);
	spin_unlock(&dentry->d_lock);
}

void d_rehash(struct dentry *dentry)
{
	spin_lock(&dentry->d_lock);
	__d_rehash(dentry);
	spin_unlock(&dentry->d_lock);
}

/* ---------------------------------------------------------------- LRU */

static void d_lru_add(struct dentry *dentry)
{
	struct super_block *sb = dentry->d_sb;

	lockdep_assert_held(&dentry->d_lock);
	spin_lock(&sb->s_dentry_lru_lock);
	dentry->d_flags |= DCACHE_LRU_LIST;
	list_add_tail(&dentry->d_lru, &sb->s_dentry_lru);
	sb->s_nr_dentry_unused++;
	spin_unlock(&sb->s_dentry_lru_lock);
}

static void d_lru_del(struct dentry *dentry)
{
	struct super_block *sb = dentry->d_sb;

	lockdep_assert_held(&dentry->d_lock);
	spin_lock(&sb->s_dentry_lru_lock);
	dentry->d_flags &= ~DCACHE_LRU_LIST;
	list_del_init(&dentry->d_lru);
	sb->s_nr_dentry_unused--;
	spin_unlock(&sb->s_dentry_lru_lock);
}

/* ---------------------------------------------------------------- names */

/* External names: refcounted so d_move can share without copying. */
struct external_name {
	struct rcu_head rcu;
	unsigned char name[];
};

static bool dname_external(const struct dentry *dentry)
{
	return dentry->d_name.name != dentry->d_iname;
}

static void free_external_name(const unsigned char *name)
{
	struct external_name *p = container_of((unsigned char *)name, struct external_name, name[0]);

	kfree_rcu(p, rcu);
}

/* ---------------------------------------------------------------- alloc/free */

static void __d_free(struct rcu_head *head)
{
	struct dentry *dentry = container_of(head, struct dentry, d_rcu);

	kmem_cache_free(dentry_cache, dentry);
}

static struct dentry *__d_alloc(struct super_block *sb, const struct qstr *name)
{
	struct dentry *dentry;
	unsigned char *dname;

	if (name->len > NAME_MAX)
		return NULL;
	dentry = kmem_cache_alloc(dentry_cache, GFP_KERNEL);
	if (!dentry)
		return NULL;
	if (name->len >= DNAME_INLINE_LEN) {
		struct external_name *p = kmalloc(sizeof(*p) + name->len + 1, GFP_KERNEL);

		if (!p) {
			kmem_cache_free(dentry_cache, dentry);
			return NULL;
		}
		dname = p->name;
	} else {
		dname = dentry->d_iname;
	}
	memcpy(dname, name->name, name->len);
	dname[name->len] = 0;
	dentry->d_name.len = name->len;
	dentry->d_name.hash = name->hash;
	dentry->d_name.name = dname;

	dentry->d_flags = 0;
	seqcount_init(&dentry->d_seq);
	INIT_HLIST_NODE(&dentry->d_hash);
	dentry->d_parent = dentry;
	dentry->d_inode = NULL;
	spin_lock_init(&dentry->d_lock);
	dentry->d_lockref.count = 1;
	dentry->d_op = NULL;
	dentry->d_sb = sb;
	dentry->d_time = 0;
	dentry->d_fsdata = NULL;
	dentry->d_rdpos = 0;
	INIT_LIST_HEAD(&dentry->d_lru);
	INIT_LIST_HEAD(&dentry->d_child);
	INIT_LIST_HEAD(&dentry->d_subdirs);
	INIT_LIST_HEAD(&dentry->d_alias);
	d_set_d_op(dentry, sb->s_d_op);
	atomic_long_inc(&nr_dentry);
	atomic_long_inc(&nr_negative);
	if (dentry->d_op && dentry->d_op->d_init) {
		int err = vfs_call_d_init(dentry);

		if (err) {
			if (dname_external(dentry))
				kfree(container_of((unsigned char *)dentry->d_name.name,
						   struct external_name, name[0]));
			atomic_long_dec(&nr_dentry);
			atomic_long_dec(&nr_negative);
			kmem_cache_free(dentry_cache, dentry);
			return NULL;
		}
	}
	return dentry;
}

/*
 * Source of d_rdpos: every child gets a new, larger number, so a
 * readdir that remembers "next position" neither skips nor repeats
 * entries that stay while others come and go. Atomic builtin: no lock.
 */
static atomic64_t next_rdpos = ATOMIC64_INIT(0);

struct dentry *d_alloc(struct dentry *parent, const struct qstr *name)
{
	struct dentry *dentry = __d_alloc(parent->d_sb, name);

	if (!dentry)
		return NULL;
	spin_lock(&parent->d_lock);
	dentry->d_parent = dget_dlock(parent);	/* a child pins its parent */
	dentry->d_rdpos = atomic64_inc_return_relaxed(&next_rdpos);
	list_add(&dentry->d_child, &parent->d_subdirs);
	spin_unlock(&parent->d_lock);
	return dentry;
}

struct dentry *d_alloc_name(struct dentry *parent, const char *name)
{
	struct qstr q;

	q.name = (const unsigned char *)name;
	q.hash_len = hashlen_string(parent, name);
	return d_alloc(parent, &q);
}

struct dentry *d_make_root(struct inode *root_inode)
{
	static const struct qstr slash = QSTR_INIT("/", 1);
	struct dentry *res;

	if (!root_inode)
		return NULL;
	res = __d_alloc(root_inode->i_sb, &slash);
	if (!res) {
		iput(root_inode);
		return NULL;
	}
	d_instantiate(res, root_inode);
	return res;
}

void d_set_d_op(struct dentry *dentry, const struct dentry_operations *op)
{
	dentry->d_op = op;
	if (!op)
		return;
	if (op->d_hash)
		dentry->d_flags |= DCACHE_OP_HASH;
	if (op->d_compare)
		dentry->d_flags |= DCACHE_OP_COMPARE;
	if (op->d_revalidate)
		dentry->d_flags |= DCACHE_OP_REVALIDATE;
	if (op->d_weak_revalidate)
		dentry->d_flags |= DCACHE_OP_WEAK_REVALIDATE;
	if (op->d_delete)
		dentry->d_flags |= DCACHE_OP_DELETE;
	if (op->d_prune)
		dentry->d_flags |= DCACHE_OP_PRUNE;
}

/* ---------------------------------------------------------------- instantiate */

static void __d_instantiate(struct dentry *dentry, struct inode *inode)
{
	lockdep_assert_held(&inode->i_lock);
	spin_lock(&dentry->d_lock);
	list_add(&dentry->d_alias, &inode->i_dentry);
	raw_write_seqcount_begin(&dentry->d_seq);
	dentry->d_inode = inode;
	raw_write_seqcount_end(&dentry->d_seq);
	atomic_long_dec(&nr_negative);
	spin_unlock(&dentry->d_lock);
}

/* Attach inode (its reference passes to the dentry) to a negative dentry. */
void d_instantiate(struct dentry *dentry, struct inode *inode)
{
	WARN_ON(dentry->d_inode);
	if (!inode)
		return;
	spin_lock(&inode->i_lock);
	__d_instantiate(dentry, inode);
	spin_unlock(&inode->i_lock);
}

void d_add(struct dentry *dentry, struct inode *inode)
{
	if (inode)
		d_instantiate(dentry, inode);
	d_rehash(dentry);
}

struct dentry *d_find_alias(struct inode *inode)
{
	struct dentry *alias = NULL, *d;

	spin_lock(&inode->i_lock);
	list_for_each_entry(d, &inode->i_dentry, d_alias) {
		spin_lock(&d->d_lock);
		if (!d_unhashed(d) || IS_ROOT(d)) {
			alias = dget_dlock(d);
			spin_unlock(&d->d_lock);
			break;
		}
		spin_unlock(&d->d_lock);
	}
	spin_unlock(&inode->i_lock);
	return alias;
}

/*
 * ->lookup's way to return its result. In-memory and simple file systems
 * have no disconnected directory aliases to splice in, so a directory that
 * already has a hashed alias elsewhere is an inconsistency: -EIO.
 */
struct dentry *d_splice_alias(struct inode *inode, struct dentry *dentry)
{
	if (IS_ERR(inode))
		return (struct dentry *)inode;
	if (inode && S_ISDIR(inode->i_mode)) {
		struct dentry *alias = d_find_alias(inode);

		if (alias) {
			dput(alias);
			iput(inode);
			return ERR_PTR(-EIO);
		}
	}
	d_add(dentry, inode);
	return NULL;
}

/* ---------------------------------------------------------------- lookup */

static bool d_name_matches(const struct dentry *parent, const struct dentry *dentry,
			   unsigned int len, const unsigned char *str, const struct qstr *name)
{
	if (parent->d_flags & DCACHE_OP_COMPARE)
		return vfs_call_d_compare(parent, dentry, len, (const char *)str, name) == 0;
	return len == name->len && !memcmp(str, name->name, len);
}

/*
 * rcu-walk lookup: no locks, no references. The name is compared while
 * it may change; the caller validates the dentry with *seqp
 * (read_seqcount_retry on d_seq) before trusting anything it read.
 */
struct dentry *__d_lookup_rcu(const struct dentry *parent, const struct qstr *name,
			      unsigned int *seqp)
{
	unsigned int b = d_bucket(parent, name->hash);
	struct dentry *dentry;

	hlist_for_each_entry_rcu(dentry, &dentry_hashtable[b], d_hash) {
		unsigned int seq, len;
		const unsigned char *str;

		seq = raw_seqcount_begin(&dentry->d_seq);
		if (READ_ONCE(dentry->d_parent) != parent)
			continue;
		if (d_unhashed(dentry))
			continue;
		if (READ_ONCE(dentry->d_name.hash) != name->hash)
			continue;
		len = READ_ONCE(dentry->d_name.len);
		str = READ_ONCE(dentry->d_name.name);
		if (read_seqcount_retry(&dentry->d_seq, seq))
			continue;	/* changing under us: let ref-walk decide */
		if (!d_name_matches(parent, dentry, len, str, name))
			continue;
		*seqp = seq;
		return dentry;
	}
	return NULL;
}

/*
 * Ref-walk lookup: a referenced dentry or NULL. The name is compared
 * without d_lock (the spec: ->d_compare runs without it), then d_lock
 * and d_seq confirm that nothing changed since.
 */
struct dentry *__d_lookup(const struct dentry *parent, const struct qstr *name)
{
	unsigned int b = d_bucket(parent, name->hash);
	struct dentry *dentry, *found = NULL;

	rcu_read_lock();
	hlist_for_each_entry_rcu(dentry, &dentry_hashtable[b], d_hash) {
		unsigned int seq;

		seq = raw_seqcount_begin(&dentry->d_seq);
		if (READ_ONCE(dentry->d_parent) != parent ||
		    READ_ONCE(dentry->d_name.hash) != name->hash)
			continue;
		if (!d_name_matches(parent, dentry, READ_ONCE(dentry->d_name.len),
				    READ_ONCE(dentry->d_name.name), name))
			continue;
		spin_lock(&dentry->d_lock);
		if (!read_seqcount_retry(&dentry->d_seq, seq) && dentry->d_parent == parent &&
		    !d_unhashed(dentry) && dentry->d_lockref.count >= 0) {
			found = dget_dlock(dentry);
			dentry->d_flags |= DCACHE_REFERENCED;
		}
		spin_unlock(&dentry->d_lock);
		if (found)
			break;
	}
	rcu_read_unlock();
	return found;
}

/* Retries across a concurrent d_move, which could hide the entry for a moment. */
struct dentry *d_lookup(const struct dentry *parent, const struct qstr *name)
{
	struct dentry *dentry;
	unsigned int seq;

	do {
		seq = read_seqbegin(&rename_lock);
		dentry = __d_lookup(parent, name);
		if (dentry)
			break;
	} while (read_seqretry(&rename_lock, seq));
	return dentry;
}

/* d_lookup with the name hashed the parent's way (->d_hash) first. */
struct dentry *d_hash_and_lookup(struct dentry *dir, struct qstr *name)
{
	name->hash = full_name_hash(dir, (const char *)name->name, name->len);
	if (dir->d_flags & DCACHE_OP_HASH) {
		int err = vfs_call_d_hash(dir, name);

		if (err < 0)
			return ERR_PTR(err);
	}
	return d_lookup(dir, name);
}

/* ---------------------------------------------------------------- references */

struct dentry *dget(struct dentry *dentry)
{
	if (dentry) {
		spin_lock(&dentry->d_lock);
		dget_dlock(dentry);
		spin_unlock(&dentry->d_lock);
	}
	return dentry;
}

struct dentry *dget_parent(struct dentry *dentry)
{
	struct dentry *parent;

	for (;;) {
		rcu_read_lock();
		parent = READ_ONCE(dentry->d_parent);
		spin_lock(&parent->d_lock);
		rcu_read_unlock();
		if (parent == dentry->d_parent) {
			dget_dlock(parent);
			spin_unlock(&parent->d_lock);
			return parent;
		}
		spin_unlock(&parent->d_lock);	/* renamed meanwhile: again */
	}
}

/*
 * Take, in lock order, the locks a kill needs: the inode's i_lock and
 * the parent's d_lock, around our d_lock. Called and returns with d_lock
 * held. True if dentry is still ours alone (count == 1) with all three
 * held; false (only d_lock held) if someone took a reference meanwhile.
 */
static bool lock_for_kill(struct dentry *dentry)
{
	for (;;) {
		struct inode *inode = dentry->d_inode;
		struct dentry *parent = IS_ROOT(dentry) ? NULL : dentry->d_parent;

		/* Dropping d_lock: RCU keeps inode and parent memory valid meanwhile. */
		rcu_read_lock();
		spin_unlock(&dentry->d_lock);
		if (inode)
			spin_lock(&inode->i_lock);
		if (parent)
			spin_lock(&parent->d_lock);
		spin_lock_nested(&dentry->d_lock, 1);
		rcu_read_unlock();
		if (dentry->d_inode == inode &&
		    (IS_ROOT(dentry) ? NULL : dentry->d_parent) == parent) {
			if (dentry->d_lockref.count == 1)
				return true;
			if (parent)
				spin_unlock(&parent->d_lock);
			if (inode)
				spin_unlock(&inode->i_lock);
			return false;
		}
		if (parent)
			spin_unlock(&parent->d_lock);
		if (inode)
			spin_unlock(&inode->i_lock);
	}
}

static void dentry_free(struct dentry *dentry)
{
	if (dname_external(dentry))
		free_external_name(dentry->d_name.name);
	atomic_long_dec(&nr_dentry);
	if (!dentry->d_inode)
		atomic_long_dec(&nr_negative);
	call_rcu(&dentry->d_rcu, __d_free);
}

/*
 * Kill a dentry whose only reference we hold, with i_lock (if positive),
 * the parent's d_lock (if not a root) and its own d_lock held: all are
 * released. Returns the parent, whose reference the caller must drop.
 */
static struct dentry *__dentry_kill(struct dentry *dentry)
{
	struct inode *inode = dentry->d_inode;
	struct dentry *parent = IS_ROOT(dentry) ? NULL : dentry->d_parent;

	if (dentry->d_flags & DCACHE_OP_PRUNE)
		vfs_call_d_prune(dentry);
	__d_drop(dentry);
	if (dentry->d_flags & DCACHE_LRU_LIST)
		d_lru_del(dentry);
	dentry->d_lockref.count = -128;	/* dead: never revived */
	dentry->d_flags |= DCACHE_DENTRY_KILLED;
	if (parent) {
		list_del_init(&dentry->d_child);
		spin_unlock(&parent->d_lock);
	}
	if (inode) {
		raw_write_seqcount_begin(&dentry->d_seq);
		dentry->d_inode = NULL;
		raw_write_seqcount_end(&dentry->d_seq);
		list_del_init(&dentry->d_alias);
		atomic_long_inc(&nr_negative);
	}
	spin_unlock(&dentry->d_lock);
	if (inode) {
		spin_unlock(&inode->i_lock);
		if (dentry->d_op && dentry->d_op->d_iput)
			vfs_call_d_iput(dentry, inode);
		else
			iput(inode);
	}
	if (dentry->d_op && dentry->d_op->d_release)
		vfs_call_d_release(dentry);
	dentry_free(dentry);
	return parent;
}

/* Should an unused dentry stay cached? (d_lock held) */
static bool retain_dentry(struct dentry *dentry)
{
	if (d_unhashed(dentry))
		return false;
	if ((dentry->d_flags & DCACHE_OP_DELETE) && vfs_call_d_delete(dentry))
		return false;
	if (!(dentry->d_sb->s_flags & SB_ACTIVE))
		return false;	/* super block going away: no caching */
	return true;
}

/*
 * Drop a reference. The last one either parks the dentry on the LRU or
 * kills it, and then drops the reference it held on its parent, and so
 * on up. May sleep (->d_iput, ->d_release, iput).
 */
void dput(struct dentry *dentry)
{
	might_sleep();
	while (dentry) {
		spin_lock(&dentry->d_lock);
		if (dentry->d_lockref.count > 1) {
			dentry->d_lockref.count--;
			spin_unlock(&dentry->d_lock);
			return;
		}
		WARN_ON(dentry->d_lockref.count != 1);
		if (retain_dentry(dentry)) {
			dentry->d_flags |= DCACHE_REFERENCED;
			if (!(dentry->d_flags & (DCACHE_LRU_LIST | DCACHE_SHRINK_LIST)))
				d_lru_add(dentry);
			dentry->d_lockref.count = 0;
			spin_unlock(&dentry->d_lock);
			return;
		}
		if (!lock_for_kill(dentry)) {
			dentry->d_lockref.count--;
			spin_unlock(&dentry->d_lock);
			return;
		}
		dentry = __dentry_kill(dentry);
	}
}

/* Kill an unused dentry we found on a list (d_lock held, count 0). */
static void shrink_kill(struct dentry *dentry)
{
	struct dentry *parent;

	dget_dlock(dentry);
	if (!lock_for_kill(dentry)) {
		dentry->d_lockref.count--;
		if (!dentry->d_lockref.count && !d_unhashed(dentry) &&
		    !(dentry->d_flags & DCACHE_LRU_LIST))
			d_lru_add(dentry);
		spin_unlock(&dentry->d_lock);
		return;
	}
	parent = __dentry_kill(dentry);
	dput(parent);
}

/* Kill the dentries on a private dispose list (linked through d_lru). */
static void shrink_dentry_list(struct list_head *list)
{
	while (!list_empty(list)) {
		struct dentry *dentry = list_first_entry(list, struct dentry, d_lru);

		spin_lock(&dentry->d_lock);
		list_del_init(&dentry->d_lru);
		dentry->d_flags &= ~DCACHE_SHRINK_LIST;
		if (dentry->d_lockref.count != 0) {
			spin_unlock(&dentry->d_lock);	/* in use again: its user puts it back */
			continue;
		}
		shrink_kill(dentry);
	}
}

/* Move up to nr unused dentries from sb's LRU head onto dispose; returns how many. */
static long sb_collect_lru(struct super_block *sb, long nr, struct list_head *dispose)
{
	struct dentry *dentry, *next;
	long moved = 0, scanned = 0, limit;

	spin_lock(&sb->s_dentry_lru_lock);
	limit = 2 * sb->s_nr_dentry_unused;	/* each gets at most one second chance */
	list_for_each_entry_safe(dentry, next, &sb->s_dentry_lru, d_lru) {
		if (moved >= nr || scanned++ >= limit)
			break;
		/* Our order is d_lock before the LRU lock: only try. */
		if (!spin_trylock(&dentry->d_lock))
			continue;
		if (dentry->d_flags & DCACHE_REFERENCED) {
			dentry->d_flags &= ~DCACHE_REFERENCED;
			list_move_tail(&dentry->d_lru, &sb->s_dentry_lru);
			spin_unlock(&dentry->d_lock);
			continue;
		}
		dentry->d_flags &= ~DCACHE_LRU_LIST;
		sb->s_nr_dentry_unused--;
		if (dentry->d_lockref.count) {
			list_del_init(&dentry->d_lru);	/* in use: dput re-adds it */
		} else {
			dentry->d_flags |= DCACHE_SHRINK_LIST;
			list_move_tail(&dentry->d_lru, dispose);
			moved++;
		}
		spin_unlock(&dentry->d_lock);
	}
	spin_unlock(&sb->s_dentry_lru_lock);
	return moved;
}

struct prune_arg {
	long nr;
	long freed;
};

static void prune_sb(struct super_block *sb, void *arg)
{
	struct prune_arg *pa = arg;
	LIST_HEAD(dispose);

	if (pa->freed >= pa->nr)
		return;
	pa->freed += sb_collect_lru(sb, pa->nr - pa->freed, &dispose);
	shrink_dentry_list(&dispose);
}

long prune_dcache(long nr)
{
	struct prune_arg pa = { .nr = nr, .freed = 0 };

	iterate_supers_trylock(prune_sb, &pa);
	return pa.freed;
}

void shrink_dcache_sb(struct super_block *sb)
{
	LIST_HEAD(dispose);

	while (sb_collect_lru(sb, (long)(~0UL >> 1), &dispose))
		shrink_dentry_list(&dispose);
}

/*
 * Collect the unused leaves below parent onto dispose. Directories with
 * children are pinned by them; each pass frees one level, so the caller
 * repeats until a pass finds nothing. To descend we must drop parent's
 * d_lock; if the child was moved elsewhere meanwhile, this directory's
 * scan starts over (its list position is no longer ours).
 */
static long collect_unused_below(struct dentry *parent, struct list_head *dispose)
{
	struct dentry *child;
	long found = 0;

restart:
	spin_lock(&parent->d_lock);
	list_for_each_entry(child, &parent->d_subdirs, d_child) {
		spin_lock_nested(&child->d_lock, 1);
		if (!list_empty(&child->d_subdirs)) {
			bool moved;

			dget_dlock(child);	/* keeps it alive while unlocked */
			spin_unlock(&child->d_lock);
			spin_unlock(&parent->d_lock);
			found += collect_unused_below(child, dispose);
			spin_lock(&parent->d_lock);
			spin_lock_nested(&child->d_lock, 1);
			moved = child->d_parent != parent;
			if (moved) {
				spin_unlock(&child->d_lock);
				spin_unlock(&parent->d_lock);
				dput(child);
				goto restart;
			}
			child->d_lockref.count--;
			if (child->d_lockref.count == 0 && !d_unhashed(child) &&
			    !(child->d_flags & (DCACHE_LRU_LIST | DCACHE_SHRINK_LIST)))
				d_lru_add(child);
		}
		if (child->d_lockref.count == 0 && !(child->d_flags & DCACHE_SHRINK_LIST)) {
			if (child->d_flags & DCACHE_LRU_LIST)
				d_lru_del(child);
			child->d_flags |= DCACHE_SHRINK_LIST;
			list_add_tail(&child->d_lru, dispose);
			found++;
		}
		spin_unlock(&child->d_lock);
	}
	spin_unlock(&parent->d_lock);
	return found;
}

void shrink_dcache_parent(struct dentry *parent)
{
	for (;;) {
		LIST_HEAD(dispose);

		if (!collect_unused_below(parent, &dispose))
			return;
		shrink_dentry_list(&dispose);
	}
}

/*
 * Drop the pins that ramfs-style file systems keep on each positive
 * dentry (kill_litter_super: the sb is dying, nothing renames below root).
 */
void d_genocide(struct dentry *root)
{
	struct dentry *child;

	spin_lock(&root->d_lock);
	list_for_each_entry(child, &root->d_subdirs, d_child) {
		spin_lock_nested(&child->d_lock, 1);
		if (!d_unhashed(child) && child->d_inode && !(child->d_flags & DCACHE_GENOCIDE)) {
			child->d_flags |= DCACHE_GENOCIDE;
			child->d_lockref.count--;
		}
		dget_dlock(child);
		spin_unlock(&child->d_lock);
		spin_unlock(&root->d_lock);
		d_genocide(child);
		spin_lock(&root->d_lock);
		spin_lock_nested(&child->d_lock, 1);
		child->d_lockref.count--;
		if (child->d_lockref.count == 0 && !d_unhashed(child) &&
		    !(child->d_flags & (DCACHE_LRU_LIST | DCACHE_SHRINK_LIST)))
			d_lru_add(child);
		spin_unlock(&child->d_lock);
	}
	spin_unlock(&root->d_lock);
}

/*
 * Umount: everything below s_root must be unused now (the mount was not
 * busy); free it all, then the root. A dentry still in use is a bug of
 * whoever holds it: reported, and left (leaked) rather than freed under them.
 */
void shrink_dcache_for_umount(struct super_block *sb)
{
	struct dentry *root = sb->s_root;

	if (!root)
		return;
	shrink_dcache_parent(root);
	spin_lock(&root->d_lock);
	if (root->d_lockref.count != 1 || !list_empty(&root->d_subdirs)) {
		printk(KERN_ERR "BUG: dentry still in use at umount of %s (count %d)\n",
		       sb->s_id, root->d_lockref.count);
		spin_unlock(&root->d_lock);
		return;
	}
	sb->s_root = NULL;
	if (lock_for_kill(root))
		__dentry_kill(root);
	else
		spin_unlock(&root->d_lock);
}

/* ---------------------------------------------------------------- delete */

/*
 * After a successful unlink/rmdir (victim's i_rwsem held): the only user
 * turns the dentry negative, so the name is cached as absent; if others
 * hold it (open files), it is unhashed and dies with its last user.
 */
void d_delete(struct dentry *dentry)
{
	struct inode *inode = dentry->d_inode;

	spin_lock(&inode->i_lock);
	spin_lock(&dentry->d_lock);
	if (dentry->d_lockref.count == 1) {
		raw_write_seqcount_begin(&dentry->d_seq);
		dentry->d_inode = NULL;
		raw_write_seqcount_end(&dentry->d_seq);
		list_del_init(&dentry->d_alias);
		atomic_long_inc(&nr_negative);
		spin_unlock(&dentry->d_lock);
		spin_unlock(&inode->i_lock);
		if (dentry->d_op && dentry->d_op->d_iput)
			vfs_call_d_iput(dentry, inode);
		else
			iput(inode);
		return;
	}
	__d_drop(dentry);
	spin_unlock(&dentry->d_lock);
	spin_unlock(&inode->i_lock);
}

void d_invalidate(struct dentry *dentry)
{
	d_drop(dentry);
	shrink_dcache_parent(dentry);
}

/* ---------------------------------------------------------------- rename */

/* Is new_dentry old_dentry or below it? (callers hold rename_lock or s_vfs_rename_sem) */
bool is_subdir(struct dentry *new_dentry, struct dentry *old_dentry)
{
	struct dentry *d;
	bool res = false;
	unsigned int seq;

	do {
		seq = read_seqbegin(&rename_lock);
		rcu_read_lock();
		for (d = new_dentry;; d = READ_ONCE(d->d_parent)) {
			if (d == old_dentry) {
				res = true;
				break;
			}
			if (IS_ROOT(d)) {
				res = false;
				break;
			}
		}
		rcu_read_unlock();
	} while (read_seqretry(&rename_lock, seq));
	return res;
}

/* Is ancestor above (or equal to) d? For the writer of rename_lock (no retry needed). */
static bool d_ancestor_locked(const struct dentry *ancestor, const struct dentry *d)
{
	for (;; d = d->d_parent) {
		if (d == ancestor)
			return true;
		if (IS_ROOT(d))
			return false;
	}
}

static void swap_names(struct dentry *a, struct dentry *b)
{
	if (dname_external(a) && dname_external(b)) {
		const unsigned char *t = a->d_name.name;

		a->d_name.name = b->d_name.name;
		b->d_name.name = t;
	} else if (dname_external(a)) {
		memcpy(a->d_iname, b->d_iname, DNAME_INLINE_LEN);
		b->d_name.name = a->d_name.name;
		a->d_name.name = a->d_iname;
	} else if (dname_external(b)) {
		memcpy(b->d_iname, a->d_iname, DNAME_INLINE_LEN);
		a->d_name.name = b->d_name.name;
		b->d_name.name = b->d_iname;
	} else {
		unsigned char t[DNAME_INLINE_LEN];

		memcpy(t, a->d_iname, DNAME_INLINE_LEN);
		memcpy(a->d_iname, b->d_iname, DNAME_INLINE_LEN);
		memcpy(b->d_iname, t, DNAME_INLINE_LEN);
	}
	{
		u64 t = a->d_name.hash_len;

		a->d_name.hash_len = b->d_name.hash_len;
		b->d_name.hash_len = t;
	}
}

/*
 * dentry takes target's place (name and parent); target is unhashed
 * (it was the victim of the rename) or, for an exchange, takes dentry's
 * old place. Callers hold the rename's i_rwsem locks; here rename_lock
 * makes rcu-walk and d_lookup retry, and the d_locks order the change
 * against d_alloc/dput in the directories involved.
 */
static void __d_move(struct dentry *dentry, struct dentry *target, bool exchange)
{
	struct dentry *old_parent = dentry->d_parent, *new_parent = target->d_parent;
	struct dentry *first = old_parent, *second = new_parent;
	bool same = old_parent == new_parent;

	write_seqlock(&rename_lock);
	if (!same && d_ancestor_locked(new_parent, old_parent)) {
		first = new_parent;	/* ancestors first */
		second = old_parent;
	}
	spin_lock(&first->d_lock);
	if (!same)
		spin_lock_nested(&second->d_lock, 1);
	spin_lock_nested(&dentry->d_lock, 2);
	spin_lock_nested(&target->d_lock, 3);

	raw_write_seqcount_begin(&dentry->d_seq);
	raw_write_seqcount_begin(&target->d_seq);
	__d_drop(dentry);
	__d_drop(target);
	swap_names(dentry, target);
	dentry->d_parent = new_parent;
	if (exchange)
		target->d_parent = old_parent;
	else if (!same)
		new_parent->d_lockref.count++;	/* dentry's pin moves; old one dropped below */
	list_move(&dentry->d_child, &new_parent->d_subdirs);
	list_move(&target->d_child, &target->d_parent->d_subdirs);
	__d_rehash(dentry);
	if (exchange)
		__d_rehash(target);
	raw_write_seqcount_end(&target->d_seq);
	raw_write_seqcount_end(&dentry->d_seq);

	spin_unlock(&target->d_lock);
	spin_unlock(&dentry->d_lock);
	if (!same)
		spin_unlock(&second->d_lock);
	spin_unlock(&first->d_lock);
	write_sequnlock(&rename_lock);
	if (!exchange && !same)
		dput(old_parent);
}

void d_move(struct dentry *dentry, struct dentry *target)
{
	__d_move(dentry, target, false);
}

void d_exchange(struct dentry *dentry1, struct dentry *dentry2)
{
	__d_move(dentry1, dentry2, true);
}

/* ---------------------------------------------------------------- paths */

static bool prepend(char **p, int *len, const char *str, int n)
{
	if (*len < n)
		return false;
	*len -= n;
	*p -= n;
	memcpy(*p, str, n);
	return true;
}

/*
 * "/" and d's name in front of *p (as Linux's prepend_name). Called under RCU
 * with rename_lock read: the caller retries if a rename moved the name meanwhile.
 */
static bool prepend_name(char **p, int *len, const struct dentry *d)
{
	return prepend(p, len, (const char *)READ_ONCE(d->d_name.name),
		       READ_ONCE(d->d_name.len)) &&
	       prepend(p, len, "/", 1);
}

/*
 * The path of path relative to root, built backwards from the end of buf,
 * under RCU with rename_lock and mount_lock read: retried if either moved.
 */
static char *__d_path_rcu(const struct path *path, const struct path *root, char *buf,
			  int buflen)
{
	unsigned int rseq, mseq;
	char *p;

	do {
		struct dentry *dentry;
		struct vfsmount *vfsmnt;
		struct mount *mnt;
		int len = buflen;
		bool ok = true;

		rseq = read_seqbegin(&rename_lock);
		mseq = read_seqbegin(&mount_lock);
		rcu_read_lock();
		p = buf + buflen;
		ok = prepend(&p, &len, "", 1);
		dentry = path->dentry;
		vfsmnt = path->mnt;
		mnt = real_mount(vfsmnt);
		while (ok && !(dentry == root->dentry && vfsmnt == root->mnt)) {
			if (dentry == vfsmnt->mnt_root) {
				struct mount *parent = READ_ONCE(mnt->mnt_parent);

				if (parent == mnt)
					break;	/* the top of the tree: outside root, stop here */
				dentry = READ_ONCE(mnt->mnt_mountpoint);
				mnt = parent;
				vfsmnt = &mnt->mnt;
				continue;
			}
			ok = prepend_name(&p, &len, dentry);
			dentry = READ_ONCE(dentry->d_parent);
		}
		if (ok && *p == 0)
			ok = prepend(&p, &len, "/", 1);
		rcu_read_unlock();
		if (!ok)
			p = ERR_PTR(-ENAMETOOLONG);
	} while (read_seqretry(&rename_lock, rseq) || read_seqretry(&mount_lock, mseq));
	return p;
}

char *d_path(const struct path *path, char *buf, int buflen)
{
	struct path root;
	char *res;

	if (path->dentry->d_op && path->dentry->d_op->d_dname)
		return vfs_call_d_dname(path->dentry, buf, buflen);
	get_fs_root(current_fs(), &root);
	res = __d_path_rcu(path, &root, buf, buflen);
	path_put(&root);
	if (!IS_ERR(res) && d_unlinked(path->dentry)) {
		static const char deleted[] = " (deleted)";
		size_t n = strlen(res);

		if (n + sizeof(deleted) > (size_t)buflen)
			return ERR_PTR(-ENAMETOOLONG);
		memmove(buf, res, n);
		memcpy(buf + n, deleted, sizeof(deleted));
		res = buf;
	}
	return res;
}

/* The path from the dentry's file-system root (no mounts crossed). */
char *dentry_path_raw(const struct dentry *dentry, char *buf, int buflen)
{
	unsigned int seq;
	char *p;

	do {
		const struct dentry *d = dentry;
		int len = buflen;
		bool ok;

		seq = read_seqbegin(&rename_lock);
		rcu_read_lock();
		p = buf + buflen;
		ok = prepend(&p, &len, "", 1);
		while (ok && !IS_ROOT(d)) {
			ok = prepend_name(&p, &len, d);
			d = READ_ONCE(d->d_parent);
		}
		if (ok && *p == 0)
			ok = prepend(&p, &len, "/", 1);
		rcu_read_unlock();
		if (!ok)
			p = ERR_PTR(-ENAMETOOLONG);
	} while (read_seqretry(&rename_lock, seq));
	return p;
}

char *dynamic_dname(char *buffer, int buflen, const char *fmt, ...)
{
	char tmp[64];
	va_list args;
	int n;

	va_start(args, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, args) + 1;
	va_end(args);
	if (n > (int)sizeof(tmp) || n > buflen)
		return ERR_PTR(-ENAMETOOLONG);
	buffer += buflen - n;
	return memcpy(buffer, tmp, n);
}

/* ---------------------------------------------------------------- stats, shrinker, init */

static void count_unused(struct super_block *sb, void *arg)
{
	*(long *)arg += READ_ONCE(sb->s_nr_dentry_unused);
}

void dentry_stats(struct dentry_stat_t *st)
{
	st->nr_dentry = atomic_long_read(&nr_dentry);
	st->nr_negative = atomic_long_read(&nr_negative);
	st->nr_unused = 0;
	iterate_supers_trylock(count_unused, &st->nr_unused);
}

static unsigned long dcache_count(struct shrinker *s)
{
	long n = 0;

	iterate_supers_trylock(count_unused, &n);
	return n;
}

static unsigned long dcache_scan(struct shrinker *s, unsigned long nr)
{
	return prune_dcache(nr);
}

static struct shrinker dcache_shrinker = {
	.name = "dcache",
	.count_objects = dcache_count,
	.scan_objects = dcache_scan,
};

void dcache_init(void)
{
	unsigned int i;

	dentry_cache = kmem_cache_create("dentry", sizeof(struct dentry), 0, SLAB_HWCACHE_ALIGN);
	for (i = 0; i < D_HASH_SIZE; i++)
		INIT_HLIST_HEAD(&dentry_hashtable[i]);
	for (i = 0; i < D_HASH_LOCKS; i++)
		spin_lock_init(&d_hash_locks[i]);
	register_shrinker(&dcache_shrinker);
}

struct kmem_cache *dentry_kmem_cache(void)
{
	return dentry_cache;
}

/* Boot: the VFS's caches and tables, before any file system registers or mounts. */
int vfs_caches_init(void)
{
	dcache_init();
	inode_init();
	files_init();
	mnt_init();
	return 0;
}
