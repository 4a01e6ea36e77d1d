/*
 * tmpfs (Linux's shmem): ramfs semantics (files in the page cache,
 * directories in the dcache) plus what makes it safe to give to users:
 *
 *   - limits: size= (pages) and nr_inodes= mount options; a write that
 *     needs a new page beyond the limit fails with ENOSPC, and so does
 *     creating an inode beyond nr_inodes;
 *   - accounting: each page in a file's cache is charged to the super
 *     block (used_blocks) and to the inode (alloced); truncation and
 *     eviction give the difference back (shmem_recalc_inode);
 *   - statfs with those numbers;
 *   - user.* and trusted.* extended attributes (a simple_xattrs list per
 *     inode);
 *   - setattr (chmod, chown, utimens, truncate) and rename with
 *     RENAME_NOREPLACE / RENAME_EXCHANGE through libfs;
 *   - fallocate: mode 0 (zeroed pages, charged: ENOSPC past size=) with
 *     or without KEEP_SIZE, and PUNCH_HOLE|KEEP_SIZE. A fallocate that
 *     fails part way (no memory, a fatal signal) takes back every page it
 *     added, as Linux's: pages it adds stay "unwritten" (not uptodate)
 *     until it has succeeded, and the undo removes exactly those;
 *   - default limits: a mount without size= or nr_inodes= gets half of
 *     RAM in pages and in inodes, as Linux's (the root file system too);
 *     only the kernel's internal mount (shared anonymous memory) has none.
 *
 * Charging: ->write_begin charges one page before a write creates one
 * (ENOSPC if that would pass the limit); ->read_folio charges the page a
 * read of a hole just created (always granted: refusing a read for lack
 * of space would be stranger than going over by the pages being read).
 * A reader and a writer can both charge for the same new page; the
 * recalc after every write_begin and truncation settles alloced back to
 * the number of cached pages (it only ever gives back).
 *
 * Locks (besides the VFS's):
 *   sbinfo->stat_lock   used_blocks, used_inodes of one super block
 *   info->lock          alloced of one inode
 *   info->xattrs.lock   the inode's xattr list (simple_xattrs, fs/xattr.c)
 * Neither is held across a call that may sleep (their order:
 * docs/locking.md, "Lock order").
 */
#include <kestrel/chrdev.h>
#include <kestrel/dcache.h>
#include <kestrel/errno.h>
#include <kestrel/mm.h>
#include <kestrel/mount.h>
#include <kestrel/pagemap.h>
#include <kestrel/ramfs.h>
#include <kestrel/sched.h>
#include <kestrel/shmem_fs.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/xattr.h>

/* ---------------------------------------------------------------- mount options */

/* "size=64m,nr_inodes=1k,mode=1777" (include/kestrel/shmem_fs.h); no kernel state. */

#define OPT_MAX 64
#define PAGE_BYTES 4096ULL

/* N with an optional k/m/g suffix (binary units). */
static int parse_memsize(const char *s, unsigned long long *out)
{
	char num[OPT_MAX];
	size_t len = strlen(s);
	unsigned long long v, mult = 1;
	int err;

	if (!len || len >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, len + 1);
	switch (num[len - 1]) {
	case 'k': case 'K': mult = 1ULL << 10; break;
	case 'm': case 'M': mult = 1ULL << 20; break;
	case 'g': case 'G': mult = 1ULL << 30; break;
	default: break;
	}
	if (mult != 1)
		num[--len] = 0;
	if (!len)
		return -EINVAL;
	err = kstrtoull(num, 10, &v);
	if (err)
		return err;
	if (v > ~0ULL / mult)
		return -EINVAL;
	*out = v * mult;
	return 0;
}

static int parse_one(const char *key, const char *val, struct shmem_options *o,
		     unsigned long long total_pages, bool ignore_unknown)
{
	unsigned long long v;
	size_t len;
	int err;

	if (!strcmp(key, "size") && val) {
		len = strlen(val);
		if (len && val[len - 1] == '%') {
			char pct[OPT_MAX];

			if (len >= sizeof(pct))
				return -EINVAL;
			memcpy(pct, val, len - 1);
			pct[len - 1] = 0;
			err = kstrtoull(pct, 10, &v);
			if (err || v > 100)
				return -EINVAL;
			o->max_blocks = total_pages * v / 100;
		} else {
			err = parse_memsize(val, &v);
			if (err)
				return err;
			o->max_blocks = (v + PAGE_BYTES - 1) / PAGE_BYTES;
		}
		o->seen |= SHMEM_SEEN_BLOCKS;
	} else if (!strcmp(key, "nr_blocks") && val) {
		err = parse_memsize(val, &o->max_blocks);
		if (err)
			return err;
		o->seen |= SHMEM_SEEN_BLOCKS;
	} else if (!strcmp(key, "nr_inodes") && val) {
		err = parse_memsize(val, &o->max_inodes);
		if (err)
			return err;
		o->seen |= SHMEM_SEEN_INODES;
	} else if (!strcmp(key, "mode") && val) {
		err = kstrtoull(val, 8, &v);
		if (err || v > 07777)
			return -EINVAL;
		o->mode = (umode_t)v;
		o->seen |= SHMEM_SEEN_MODE;
	} else if (!strcmp(key, "uid") && val) {
		err = kstrtoull(val, 10, &v);
		if (err || v > 0xffffffffULL)
			return -EINVAL;
		o->uid = (kuid_t)v;
		o->seen |= SHMEM_SEEN_UID;
	} else if (!strcmp(key, "gid") && val) {
		err = kstrtoull(val, 10, &v);
		if (err || v > 0xffffffffULL)
			return -EINVAL;
		o->gid = (kgid_t)v;
		o->seen |= SHMEM_SEEN_GID;
	} else if (!ignore_unknown) {
		return -EINVAL;
	}
	return 0;
}

int shmem_parse_options(const char *data, struct shmem_options *opts,
			unsigned long long total_pages, bool ignore_unknown)
{
	const char *p = data;

	while (p && *p) {
		char word[OPT_MAX], *eq;
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		int err;

		if (len >= sizeof(word))
			return -EINVAL;
		memcpy(word, p, len);
		word[len] = 0;
		p = end ? end + 1 : NULL;
		if (!len)
			continue;	/* ",," or a trailing comma */
		eq = strchr(word, '=');
		if (eq)
			*eq++ = 0;
		err = parse_one(word, eq, opts, total_pages, ignore_unknown);
		if (err)
			return err;
	}
	return 0;
}

#define SHMEM_XATTR_MAX 65536	/* bytes of names and values per inode */

struct shmem_sb_info {
	spinlock_t stat_lock;		/* used_blocks, used_inodes */
	unsigned long max_blocks;	/* 0: unlimited */
	unsigned long used_blocks;
	unsigned long max_inodes;	/* 0: unlimited */
	unsigned long used_inodes;
	struct list_head list;		/* in shmem_sbs, under shmem_sbs_lock */
};

struct shmem_inode_info {
	spinlock_t lock;		/* alloced */
	unsigned long alloced;		/* pages charged to this inode */
	struct simple_xattrs xattrs;
	struct inode vfs_inode;
};

static struct kmem_cache *shmem_inode_cachep;
static DEFINE_SPINLOCK(shmem_sbs_lock);	/* shmem_sbs */
static LIST_HEAD(shmem_sbs);

static const struct super_operations shmem_ops;
static const struct inode_operations shmem_dir_inode_operations;
static const struct inode_operations shmem_file_inode_operations;
static const struct inode_operations shmem_special_inode_operations;
static const struct inode_operations shmem_symlink_inode_operations;
static const struct xattr_handler *const shmem_xattr_handlers[];

static inline struct shmem_inode_info *SHMEM_I(struct inode *inode)
{
	return container_of(inode, struct shmem_inode_info, vfs_inode);
}

static inline struct shmem_sb_info *SHMEM_SB(struct super_block *sb)
{
	return sb->s_fs_info;
}

/* ---------------------------------------------------------------- accounting */

static int shmem_charge_sb(struct shmem_sb_info *sbinfo, unsigned long pages, bool force)
{
	int err = 0;

	spin_lock(&sbinfo->stat_lock);
	if (!force && sbinfo->max_blocks && sbinfo->used_blocks + pages > sbinfo->max_blocks)
		err = -ENOSPC;
	else
		sbinfo->used_blocks += pages;
	spin_unlock(&sbinfo->stat_lock);
	return err;
}

static int shmem_charge_pages(struct inode *inode, unsigned long pages, bool force)
{
	struct shmem_inode_info *info = SHMEM_I(inode);
	int err;

	spin_lock(&info->lock);
	err = shmem_charge_sb(SHMEM_SB(inode->i_sb), pages, force);
	if (!err)
		info->alloced += pages;
	spin_unlock(&info->lock);
	return err;
}

static int shmem_charge(struct inode *inode, bool force)
{
	return shmem_charge_pages(inode, 1, force);
}

/* Give back what is charged beyond the pages actually cached. */
static void shmem_recalc_inode(struct inode *inode)
{
	struct shmem_inode_info *info = SHMEM_I(inode);
	struct shmem_sb_info *sbinfo = SHMEM_SB(inode->i_sb);
	unsigned long cached;

	spin_lock(&info->lock);
	cached = READ_ONCE(inode->i_mapping->nrpages);
	if (info->alloced > cached) {
		unsigned long freed = info->alloced - cached;

		info->alloced = cached;
		spin_lock(&sbinfo->stat_lock);
		sbinfo->used_blocks -= freed;
		spin_unlock(&sbinfo->stat_lock);
	}
	spin_unlock(&info->lock);
}

static int shmem_reserve_inode(struct super_block *sb)
{
	struct shmem_sb_info *sbinfo = SHMEM_SB(sb);
	int err = 0;

	spin_lock(&sbinfo->stat_lock);
	if (sbinfo->max_inodes && sbinfo->used_inodes >= sbinfo->max_inodes)
		err = -ENOSPC;
	else
		sbinfo->used_inodes++;
	spin_unlock(&sbinfo->stat_lock);
	return err;
}

static void shmem_free_inode_count(struct super_block *sb)
{
	struct shmem_sb_info *sbinfo = SHMEM_SB(sb);

	spin_lock(&sbinfo->stat_lock);
	sbinfo->used_inodes--;
	spin_unlock(&sbinfo->stat_lock);
}

void shmem_get_usage(struct super_block *sb, struct shmem_usage *u)
{
	struct shmem_sb_info *sbinfo = SHMEM_SB(sb);

	spin_lock(&sbinfo->stat_lock);
	u->used_blocks = sbinfo->used_blocks;
	u->max_blocks = sbinfo->max_blocks;
	u->used_inodes = sbinfo->used_inodes;
	u->max_inodes = sbinfo->max_inodes;
	spin_unlock(&sbinfo->stat_lock);
}

unsigned long shmem_total_pages(void)
{
	struct shmem_sb_info *sbinfo;
	unsigned long total = 0;

	spin_lock(&shmem_sbs_lock);
	list_for_each_entry(sbinfo, &shmem_sbs, list)
		total += READ_ONCE(sbinfo->used_blocks);
	spin_unlock(&shmem_sbs_lock);
	return total;
}

/* ---------------------------------------------------------------- file data */

static int shmem_read_folio(struct file *file, struct folio *folio)
{
	struct inode *inode = folio->mapping->host;

	shmem_charge(inode, true);
	return simple_read_folio(file, folio);
}

static int shmem_write_begin(struct file *file, struct address_space *mapping, loff_t pos,
			     unsigned len, struct folio **foliop, void **fsdata)
{
	struct inode *inode = mapping->host;
	struct folio *folio = filemap_get_folio(mapping, pos >> PAGE_SHIFT);
	int err;

	if (IS_ERR(folio)) {
		/* A new page: charge it first, so a full tmpfs refuses before allocating. */
		err = shmem_charge(inode, false);
		if (err)
			return err;
	} else {
		folio_put(folio);
	}
	err = simple_write_begin(file, mapping, pos, len, foliop, fsdata);
	shmem_recalc_inode(inode);	/* a failed or raced charge goes back */
	return err;
}

/*
 * The data of the page at index, or NULL for a hole. A folio that is not
 * uptodate after waiting for its lock holds no data yet (a write_begin
 * that failed): it reads as a hole too.
 */
static struct folio *shmem_get_data_folio(struct address_space *mapping, pgoff_t index)
{
	struct folio *folio = filemap_get_folio(mapping, index);

	if (IS_ERR(folio))
		return NULL;
	if (!folio_test_uptodate(folio)) {
		folio_lock(folio);
		folio_unlock(folio);
		if (!folio_test_uptodate(folio)) {
			folio_put(folio);
			return NULL;
		}
	}
	smp_rmb();	/* uptodate before the data (folio_mark_uptodate) */
	return folio;
}

/*
 * read(): cached pages are copied, holes read as zeros without putting a
 * page in the cache (as Linux's shmem_file_read_iter with ZERO_PAGE).
 * tmpfs pages are unevictable and charged to size=, so a read that cached
 * hole pages would pin memory beyond the limit (ftruncate to 64 GiB, read).
 */
static ssize_t shmem_file_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	struct address_space *mapping = inode->i_mapping;
	loff_t pos = iocb->ki_pos;
	ssize_t done = 0;
	int err = 0;

	while (iov_iter_count(to)) {
		size_t offset = pos & (PAGE_SIZE - 1);
		struct folio *folio;
		loff_t isize;
		size_t bytes, copied;

		if (pos >= i_size_read(inode))
			break;
		folio = shmem_get_data_folio(mapping, pos >> PAGE_SHIFT);
		isize = i_size_read(inode);
		if (pos >= isize) {
			if (folio)
				folio_put(folio);
			break;
		}
		bytes = min(min((loff_t)(PAGE_SIZE - offset), isize - pos), (loff_t)iov_iter_count(to));
		if (folio) {
			copied = copy_folio_to_iter(folio, offset, bytes, to);
			folio_put(folio);
		} else {
			copied = iov_iter_zero(bytes, to);
		}
		pos += copied;
		done += copied;
		if (copied < bytes) {
			err = -EFAULT;
			break;
		}
		cond_resched();
	}
	iocb->ki_pos = pos;
	return done ? done : err;
}

/* Is the page at index cached? */
static bool shmem_page_present(struct address_space *mapping, pgoff_t index)
{
	struct folio *folio = filemap_get_folio(mapping, index);

	if (IS_ERR(folio))
		return false;
	folio_put(folio);
	return true;
}

/*
 * fallocate's mode 0, one page: a zeroed page at index unless one is
 * cached (the caller charged for it), left not uptodate: "unwritten" until
 * the whole fallocate has succeeded (read sees a hole, a fault fills it
 * through ->read_folio, which makes it a written page). Caller holds
 * i_rwsem: no write, truncation or hole punch runs meanwhile. The page
 * comes without the OOM killer's help (__GFP_NORETRY): a reservation that
 * cannot be met fails rather than kills.
 */
static int shmem_falloc_page(struct inode *inode, pgoff_t index)
{
	struct address_space *mapping = inode->i_mapping;
	struct folio *folio;
	int err;

	if (shmem_page_present(mapping, index))
		return 0;
	folio = filemap_alloc_folio(mapping->gfp_mask | __GFP_NORETRY | __GFP_NOWARN, 0);
	if (!folio)
		return -ENOMEM;	/* the charge goes back in shmem_recalc_inode */
	__folio_set_locked(folio);	/* new: nobody else can see it yet */
	folio_zero_range(folio, 0, PAGE_SIZE);
	filemap_invalidate_lock_shared(mapping);	/* a fill of the cache */
	err = filemap_add_folio(mapping, folio, index, mapping->gfp_mask);
	filemap_invalidate_unlock_shared(mapping);
	folio_unlock(folio);
	folio_put(folio);
	return err == -EEXIST ? 0 : err;
}

/*
 * Walk the unwritten pages fallocate added in [first, last]: on success
 * they become written (uptodate), on failure they leave the cache (the
 * undo), with invalidate_lock exclusive as for a hole punch. A page that
 * a fault made uptodate meanwhile holds data someone wrote: it stays.
 */
static void shmem_falloc_settle(struct inode *inode, pgoff_t first, pgoff_t last, bool keep)
{
	struct address_space *mapping = inode->i_mapping;

	if (!keep)
		filemap_invalidate_lock(mapping);
	for (pgoff_t index = first; index <= last; index++) {
		struct folio *folio = filemap_get_folio(mapping, index);

		if (IS_ERR(folio))
			continue;
		if (!folio_test_uptodate(folio)) {
			folio_lock(folio);
			if (folio->mapping == mapping && !folio_test_uptodate(folio)) {
				if (keep)
					folio_mark_uptodate(folio);
				else
					filemap_remove_folio(folio);
			}
			folio_unlock(folio);
		}
		folio_put(folio);
		cond_resched();
	}
	if (!keep)
		filemap_invalidate_unlock(mapping);
}

/*
 * ->fallocate (the VFS checked mode, range and file type). Mode 0
 * charges every missing page of [offset, offset+len) at once (ENOSPC
 * before anything changes, as Linux), makes them present, then grows
 * i_size unless KEEP_SIZE. PUNCH_HOLE frees the whole pages of the range
 * and zeroes the partial ones, with invalidate_lock exclusive so no fault
 * or read refills them meanwhile.
 */
static long shmem_fallocate(struct file *file, int mode, loff_t offset, loff_t len)
{
	struct inode *inode = file_inode(file);
	struct address_space *mapping = inode->i_mapping;
	pgoff_t first = offset >> PAGE_SHIFT, last = (offset + len - 1) >> PAGE_SHIFT, index;
	unsigned long missing = 0;
	long err = 0;

	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
		return -EOPNOTSUPP;
	inode_lock(inode);
	if (mode & FALLOC_FL_PUNCH_HOLE) {
		filemap_invalidate_lock(mapping);
		truncate_pagecache_range(inode, offset, offset + len - 1);
		filemap_invalidate_unlock(mapping);
		inode->i_mtime = inode->i_ctime = current_time(inode);
		goto out;
	}
	/* Growing the file: RLIMIT_FSIZE (SIGXFSZ) and the largest size. */
	if (!(mode & FALLOC_FL_KEEP_SIZE) && offset + len > i_size_read(inode)) {
		err = inode_newsize_ok(inode, offset + len);
		if (err)
			goto out;
	}
	/* More pages than size= allows at all: no need to count (as Linux). */
	if (SHMEM_SB(inode->i_sb)->max_blocks && last - first >= SHMEM_SB(inode->i_sb)->max_blocks) {
		err = -ENOSPC;
		goto out;
	}
	for (index = first; index <= last; index++)
		missing += !shmem_page_present(mapping, index);
	err = shmem_charge_pages(inode, missing, false);
	if (err)
		goto out;
	for (index = first; index <= last && !err; index++) {
		err = shmem_falloc_page(inode, index);
		if (!err && fatal_signal_pending(current))
			err = -EINTR;
		cond_resched();
	}
	/* index is one past the last page tried: what this call may have added. */
	shmem_falloc_settle(inode, first, index - 1, !err);
	if (!err && !(mode & FALLOC_FL_KEEP_SIZE) && offset + len > i_size_read(inode))
		i_size_write(inode, offset + len);
	if (!err)
		inode->i_ctime = current_time(inode);
out:
	shmem_recalc_inode(inode);	/* the charge of pages not added, or undone, goes back */
	inode_unlock(inode);
	return err;
}

static const struct address_space_operations shmem_aops = {
	.read_folio = shmem_read_folio,
	.write_begin = shmem_write_begin,
	.write_end = simple_write_end,
	.dirty_folio = noop_dirty_folio,
};

static const struct file_operations shmem_file_operations = {
	.read_iter = shmem_file_read_iter,
	.write_iter = generic_file_write_iter,
	.llseek = generic_file_llseek,
	.fsync = noop_fsync,
	.fallocate = shmem_fallocate,
	.mmap = generic_file_mmap,
};

/* ---------------------------------------------------------------- inodes */

static struct inode *shmem_get_inode(struct super_block *sb, const struct inode *dir,
				     umode_t mode, dev_t dev)
{
	struct inode *inode;
	int err = shmem_reserve_inode(sb);

	if (err)
		return ERR_PTR(err);
	inode = new_inode(sb);
	if (!inode) {
		shmem_free_inode_count(sb);
		return ERR_PTR(-ENOMEM);
	}
	inode->i_ino = get_next_ino();
	inode_init_owner(inode, dir, mode);
	inode->i_mapping->a_ops = &shmem_aops;
	mapping_set_unevictable(inode->i_mapping);
	mapping_set_shmem(inode->i_mapping);
	inode->i_atime = inode->i_mtime = inode->i_ctime = current_time(inode);
	switch (mode & S_IFMT) {
	case S_IFREG:
		inode->i_op = &shmem_file_inode_operations;
		inode->i_fop = &shmem_file_operations;
		break;
	case S_IFDIR:
		inode->i_op = &shmem_dir_inode_operations;
		inode->i_fop = &simple_dir_operations;
		inc_nlink(inode);	/* "." */
		break;
	case S_IFLNK:
		inode->i_op = &shmem_symlink_inode_operations;
		break;
	default:
		inode->i_op = &shmem_special_inode_operations;
		ramfs_init_special_inode(inode, mode, dev);
		break;
	}
	return inode;
}

static struct inode *shmem_alloc_inode(struct super_block *sb)
{
	struct shmem_inode_info *info = kmem_cache_alloc(shmem_inode_cachep, GFP_KERNEL);

	if (!info)
		return NULL;
	memset(info, 0, sizeof(*info));
	spin_lock_init(&info->lock);
	simple_xattrs_init(&info->xattrs);
	return &info->vfs_inode;
}

/* The last link and reference are gone: give back its pages, xattrs and inode count. */
static void shmem_evict_inode(struct inode *inode)
{
	truncate_inode_pages_final(inode->i_mapping);
	shmem_recalc_inode(inode);
	simple_xattrs_free(&SHMEM_I(inode)->xattrs);
	shmem_free_inode_count(inode->i_sb);
	clear_inode(inode);
}

/* From an RCU callback: rcu-walk readers of i_link are gone. */
static void shmem_free_inode(struct inode *inode)
{
	if (S_ISLNK(inode->i_mode))
		kfree(inode->i_link);
	kmem_cache_free(shmem_inode_cachep, SHMEM_I(inode));
}

/* ---------------------------------------------------------------- directory ops */

static int shmem_mknod(struct inode *dir, struct dentry *dentry, umode_t mode, dev_t dev)
{
	struct inode *inode;

	if (!ramfs_special_ok(mode))
		return -EINVAL;
	inode = shmem_get_inode(dir->i_sb, dir, mode, dev);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	d_instantiate(dentry, inode);
	dget(dentry);	/* the pin: the entry lives until unlink */
	dir->i_mtime = dir->i_ctime = current_time(dir);
	return 0;
}

static int shmem_mkdir(struct inode *dir, struct dentry *dentry, umode_t mode)
{
	int err = shmem_mknod(dir, dentry, mode | S_IFDIR, 0);

	if (!err)
		inc_nlink(dir);	/* the child's ".." */
	return err;
}

static int shmem_create(struct inode *dir, struct dentry *dentry, umode_t mode, bool excl)
{
	return shmem_mknod(dir, dentry, mode | S_IFREG, 0);
}

static int shmem_symlink(struct inode *dir, struct dentry *dentry, const char *symname)
{
	size_t len = strlen(symname) + 1;
	struct inode *inode;
	char *link;

	if (len > PAGE_SIZE)
		return -ENAMETOOLONG;
	link = kmemdup(symname, len, GFP_KERNEL);
	if (!link)
		return -ENOMEM;
	inode = shmem_get_inode(dir->i_sb, dir, S_IFLNK | 0777, 0);
	if (IS_ERR(inode)) {
		kfree(link);
		return PTR_ERR(inode);
	}
	inode->i_link = link;
	i_size_write(inode, len - 1);
	d_instantiate(dentry, inode);
	dget(dentry);
	dir->i_mtime = dir->i_ctime = current_time(dir);
	return 0;
}

/* A hard link counts as an inode for nr_inodes, as Linux's tmpfs. */
static int shmem_link(struct dentry *old_dentry, struct inode *dir, struct dentry *dentry)
{
	int err = shmem_reserve_inode(dir->i_sb);

	if (err)
		return err;
	return simple_link(old_dentry, dir, dentry);
}

static int shmem_unlink(struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = d_inode(dentry);

	if (inode->i_nlink > 1 && !S_ISDIR(inode->i_mode))
		shmem_free_inode_count(dir->i_sb);	/* the extra link's reservation */
	return simple_unlink(dir, dentry);
}

static int shmem_rmdir(struct inode *dir, struct dentry *dentry)
{
	if (!simple_empty(dentry))
		return -ENOTEMPTY;
	drop_nlink(d_inode(dentry));	/* "." */
	drop_nlink(dir);		/* our ".." */
	return shmem_unlink(dir, dentry);
}

static int shmem_rename2(struct inode *old_dir, struct dentry *old_dentry, struct inode *new_dir,
			 struct dentry *new_dentry, unsigned int flags)
{
	struct inode *target = d_inode(new_dentry);

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;
	if (flags & RENAME_EXCHANGE)
		return simple_rename_exchange(old_dir, old_dentry, new_dir, new_dentry);
	if (!simple_empty(new_dentry))
		return -ENOTEMPTY;
	/* A replaced non-directory with other links gives back its link's reservation. */
	if (target && target->i_nlink > 1 && !S_ISDIR(target->i_mode))
		shmem_free_inode_count(new_dir->i_sb);
	return simple_rename(old_dir, old_dentry, new_dir, new_dentry, flags);
}

/* ---------------------------------------------------------------- attributes */

static int shmem_setattr(struct dentry *dentry, struct iattr *attr)
{
	struct inode *inode = d_inode(dentry);
	int err = setattr_prepare(dentry, attr);

	if (err)
		return err;
	if ((attr->ia_valid & ATTR_SIZE) && attr->ia_size != i_size_read(inode)) {
		if (!S_ISREG(inode->i_mode))
			return -EINVAL;
		/* invalidate_lock exclusive: no read refills what truncation removes. */
		filemap_invalidate_lock(inode->i_mapping);
		truncate_setsize(inode, attr->ia_size);
		filemap_invalidate_unlock(inode->i_mapping);
		shmem_recalc_inode(inode);
		inode->i_mtime = inode->i_ctime = current_time(inode);
	}
	setattr_copy(inode, attr);
	return 0;
}

static int shmem_getattr(const struct path *path, struct kstat *stat, u32 request_mask,
			 unsigned int query_flags)
{
	struct inode *inode = d_inode(path->dentry);

	generic_fillattr(request_mask, inode, stat);
	stat->blocks = SHMEM_I(inode)->alloced << (PAGE_SHIFT - 9);
	return 0;
}

static int shmem_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	struct shmem_usage u;

	shmem_get_usage(dentry->d_sb, &u);
	buf->f_type = TMPFS_MAGIC;
	buf->f_bsize = PAGE_SIZE;
	buf->f_frsize = PAGE_SIZE;
	buf->f_namelen = NAME_MAX;
	if (u.max_blocks) {
		buf->f_blocks = u.max_blocks;
		buf->f_bavail = buf->f_bfree = u.max_blocks - min(u.used_blocks, u.max_blocks);
	}
	if (u.max_inodes) {
		buf->f_files = u.max_inodes;
		buf->f_ffree = u.max_inodes - min(u.used_inodes, u.max_inodes);
	}
	return 0;
}

/* ---------------------------------------------------------------- xattrs */

/* The store keeps full names ("user.foo") so listxattr can copy them out as they are. */
static int shmem_xattr_fullname(const struct xattr_handler *h, const char *name, char *full)
{
	size_t plen = strlen(h->prefix), nlen = strlen(name);

	if (plen + nlen > XATTR_NAME_MAX)
		return -ERANGE;
	memcpy(full, h->prefix, plen);
	memcpy(full + plen, name, nlen + 1);
	return 0;
}

static bool shmem_trusted_allowed(const struct xattr_handler *h)
{
	return h->flags != 1 || capable(CAP_SYS_ADMIN);
}

static int shmem_xattr_get(const struct xattr_handler *h, struct dentry *dentry,
			   struct inode *inode, const char *name, void *buffer, size_t size)
{
	char full[XATTR_NAME_MAX + 1];
	int err;

	if (!shmem_trusted_allowed(h))
		return -EPERM;
	err = shmem_xattr_fullname(h, name, full);
	if (err)
		return err;
	return simple_xattr_get(&SHMEM_I(inode)->xattrs, full, buffer, size);
}

/* i_rwsem held exclusive by the VFS (the spec), so the size check and the set do not race. */
static int shmem_xattr_set(const struct xattr_handler *h, struct dentry *dentry,
			   struct inode *inode, const char *name, const void *value, size_t size,
			   int flags)
{
	struct shmem_inode_info *info = SHMEM_I(inode);
	char full[XATTR_NAME_MAX + 1];
	int err;

	if (!shmem_trusted_allowed(h))
		return -EPERM;
	err = shmem_xattr_fullname(h, name, full);
	if (err)
		return err;
	if (value) {
		/* A replaced value gives its bytes back: count only what stays. */
		long used = READ_ONCE(info->xattrs.size);
		int old = simple_xattr_get(&info->xattrs, full, NULL, 0);

		if (old >= 0)
			used -= strlen(full) + old;
		if (used + strlen(full) + size > SHMEM_XATTR_MAX)
			return -ENOSPC;
	}
	err = simple_xattr_set(&info->xattrs, full, value, size, flags);
	if (!err)
		inode->i_ctime = current_time(inode);
	return err;
}

static bool shmem_trusted_list(struct dentry *dentry)
{
	return capable(CAP_SYS_ADMIN);
}

static const struct xattr_handler shmem_user_xattr_handler = {
	.prefix = "user.",
	.get = shmem_xattr_get,
	.set = shmem_xattr_set,
};

static const struct xattr_handler shmem_trusted_xattr_handler = {
	.prefix = "trusted.",
	.flags = 1,	/* needs CAP_SYS_ADMIN */
	.list = shmem_trusted_list,
	.get = shmem_xattr_get,
	.set = shmem_xattr_set,
};

static const struct xattr_handler *const shmem_xattr_handlers[] = {
	&shmem_user_xattr_handler,
	&shmem_trusted_xattr_handler,
	NULL,
};

/* Names of the inode's attributes; trusted.* only for CAP_SYS_ADMIN (as Linux). */
static ssize_t shmem_listxattr(struct dentry *dentry, char *buffer, size_t size)
{
	struct simple_xattrs *xattrs = &SHMEM_I(d_inode(dentry))->xattrs;
	bool trusted = capable(CAP_SYS_ADMIN);
	char *names;
	ssize_t all, out = 0, i = 0;

	all = simple_xattr_list(xattrs, NULL, 0);
	if (all <= 0)
		return all;
	names = kmalloc(all, GFP_KERNEL);
	if (!names)
		return -ENOMEM;
	all = simple_xattr_list(xattrs, names, all);	/* may have changed: ERANGE then */
	if (all < 0)
		goto done;
	while (i < all) {
		size_t len = strlen(names + i) + 1;

		if (trusted || strncmp(names + i, "trusted.", 8)) {
			if (buffer) {
				if ((size_t)out + len > size) {
					out = -ERANGE;
					goto done;
				}
				memcpy(buffer + out, names + i, len);
			}
			out += len;
		}
		i += len;
	}
done:
	kfree(names);
	return all < 0 ? all : out;
}

/* ---------------------------------------------------------------- tables */

static const struct inode_operations shmem_file_inode_operations = {
	.setattr = shmem_setattr,
	.getattr = shmem_getattr,
	.listxattr = shmem_listxattr,
};

static const struct inode_operations shmem_dir_inode_operations = {
	.create = shmem_create,
	.lookup = simple_lookup,
	.link = shmem_link,
	.unlink = shmem_unlink,
	.symlink = shmem_symlink,
	.mkdir = shmem_mkdir,
	.rmdir = shmem_rmdir,
	.mknod = shmem_mknod,
	.rename = shmem_rename2,
	.setattr = shmem_setattr,
	.getattr = shmem_getattr,
	.listxattr = shmem_listxattr,
};

static const struct inode_operations shmem_special_inode_operations = {
	.setattr = shmem_setattr,
	.getattr = shmem_getattr,
	.listxattr = shmem_listxattr,
};

static const struct inode_operations shmem_symlink_inode_operations = {
	.get_link = simple_get_link,
	.setattr = shmem_setattr,
	.getattr = shmem_getattr,
	.listxattr = shmem_listxattr,
};

static const struct super_operations shmem_ops = {
	.alloc_inode = shmem_alloc_inode,
	.free_inode = shmem_free_inode,
	.evict_inode = shmem_evict_inode,
	.drop_inode = generic_delete_inode,
	.statfs = shmem_statfs,
};

/* ---------------------------------------------------------------- super block */

int shmem_fill_super(struct super_block *sb, void *data, int silent)
{
	struct shmem_options opts = { .mode = 01777 };
	struct shmem_sb_info *sbinfo;
	struct inode *inode;
	int err;

	err = shmem_parse_options(data, &opts, totalram_bytes >> PAGE_SHIFT, false);
	if (err)
		return err;
	/* Linux's defaults: half of RAM, in pages and in inodes; none for the internal mount. */
	if (!(sb->s_flags & SB_KERNMOUNT)) {
		if (!(opts.seen & SHMEM_SEEN_BLOCKS))
			opts.max_blocks = (totalram_bytes >> PAGE_SHIFT) / 2;
		if (!(opts.seen & SHMEM_SEEN_INODES))
			opts.max_inodes = (totalram_bytes >> PAGE_SHIFT) / 2;
	}
	sbinfo = kzalloc(sizeof(*sbinfo), GFP_KERNEL);
	if (!sbinfo)
		return -ENOMEM;
	spin_lock_init(&sbinfo->stat_lock);
	sbinfo->max_blocks = opts.max_blocks;
	sbinfo->max_inodes = opts.max_inodes;
	sb->s_fs_info = sbinfo;
	sb->s_maxbytes = MAX_LFS_FILESIZE;
	sb->s_blocksize = PAGE_SIZE;
	sb->s_blocksize_bits = PAGE_SHIFT;
	sb->s_magic = TMPFS_MAGIC;
	sb->s_op = &shmem_ops;
	sb->s_xattr = shmem_xattr_handlers;
	sb->s_time_gran = 1;
	spin_lock(&shmem_sbs_lock);
	list_add(&sbinfo->list, &shmem_sbs);
	spin_unlock(&shmem_sbs_lock);

	inode = shmem_get_inode(sb, NULL, S_IFDIR | opts.mode, 0);
	if (IS_ERR(inode))
		return PTR_ERR(inode);	/* kill_sb frees sbinfo */
	inode->i_uid = opts.uid;
	inode->i_gid = opts.gid;
	sb->s_root = d_make_root(inode);
	return sb->s_root ? 0 : -ENOMEM;
}

static struct dentry *shmem_mount(struct file_system_type *fs_type, int flags,
				  const char *dev_name, void *data)
{
	return mount_nodev(fs_type, flags, data, shmem_fill_super);
}

/*
 * Umount: drop the pinned dentries and inodes (their pages go back), then
 * the limits. Every sb filled by shmem_fill_super (devtmpfs too) needs it.
 */
void shmem_kill_sb(struct super_block *sb)
{
	struct shmem_sb_info *sbinfo = SHMEM_SB(sb);

	kill_litter_super(sb);
	if (sbinfo) {
		spin_lock(&shmem_sbs_lock);
		list_del(&sbinfo->list);
		spin_unlock(&shmem_sbs_lock);
		WARN_ON(sbinfo->used_blocks);
		kfree(sbinfo);
	}
}

static struct file_system_type shmem_fs_type = {
	.name = "tmpfs",
	.mount = shmem_mount,
	.kill_sb = shmem_kill_sb,
	.fs_flags = FS_USERNS_MOUNT,
};

void shmem_inode_cache_stats(struct kmem_cache_stats *st)
{
	kmem_cache_get_stats(shmem_inode_cachep, st);
}

/*
 * The internal tmpfs behind MAP_SHARED|MAP_ANONYMOUS memory (Linux's
 * shm_mnt): mounted once at boot, never in the mount tree. Set once.
 */
static struct vfsmount *shm_mnt;

struct file *shmem_file_setup(const char *name, loff_t size)
{
	struct inode *inode;
	struct path path;
	struct file *file;

	if (!shm_mnt)
		return ERR_PTR(-ENODEV);
	inode = shmem_get_inode(shm_mnt->mnt_sb, NULL, S_IFREG | 0777, 0);
	if (IS_ERR(inode))
		return (struct file *)inode;
	clear_nlink(inode);	/* never linked: freed with its last user */
	i_size_write(inode, size);
	path.dentry = d_alloc_name(shm_mnt->mnt_root, name);
	if (!path.dentry) {
		iput(inode);
		return ERR_PTR(-ENOMEM);
	}
	d_instantiate(path.dentry, inode);
	path.mnt = shm_mnt;
	file = dentry_open(&path, O_RDWR, current_cred());
	dput(path.dentry);	/* the file holds it now (unhashed: it dies with the file) */
	return file;
}

int shmem_init(void)
{
	int err;

	shmem_inode_cachep = kmem_cache_create("shmem_inode_cache",
					       sizeof(struct shmem_inode_info), 0,
					       SLAB_HWCACHE_ALIGN);
	if (!shmem_inode_cachep)
		return -ENOMEM;
	err = register_filesystem(&shmem_fs_type);
	if (err)
		return err;
	shm_mnt = kern_mount(&shmem_fs_type);
	if (IS_ERR(shm_mnt)) {
		err = PTR_ERR(shm_mnt);
		shm_mnt = NULL;
	}
	return err;
}
