/*
 * Open files (struct file): allocation and the last reference.
 *
 * f_count counts descriptors and in-flight users (fget/get_file). The
 * last fput runs ->release (through <kestrel/contract/file.h>) and drops
 * the path.
 * fput may sleep: never call it holding a spinlock. fget looks files up
 * without a lock, under RCU, and takes its reference only while f_count
 * is not zero: so the memory of a file goes back to the slab only after
 * a grace period (file_free), though the file is dead at once.
 */
#include <kestrel/contract/file.h>
#include <kestrel/dcache.h>
#include <kestrel/filelock.h>
#include <kestrel/mount.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/rcupdate.h>
#include "internal.h"

static struct kmem_cache *filp_cachep;
static atomic_long_t nr_files = ATOMIC_LONG_INIT(0);

struct file *alloc_empty_file(int flags, const struct cred *cred)
{
	struct file *f = kmem_cache_alloc(filp_cachep, GFP_KERNEL);

	if (!f)
		return ERR_PTR(-ENOMEM);
	memset(f, 0, sizeof(*f));
	atomic_long_set(&f->f_count, 1);
	spin_lock_init(&f->f_lock);
	mutex_init(&f->f_pos_lock);
	f->f_flags = flags;
	f->f_cred = cred;
	atomic_long_inc(&nr_files);
	return f;
}

long get_nr_files(void)
{
	return atomic_long_read(&nr_files);
}

struct file *get_file(struct file *f)
{
	atomic_long_inc(&f->f_count);
	return f;
}

static void file_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(filp_cachep, container_of(head, struct file, f_rcuhead));
}

void file_free(struct file *f)
{
	atomic_long_dec(&nr_files);
	call_rcu(&f->f_rcuhead, file_free_rcu);	/* a lockless fget may still look at it */
}

/* The last reference: ->release, then the path and the file itself. */
static void __fput(struct file *file)
{
	struct inode *inode = file->f_inode;

	might_sleep();
	if (file->f_mode & FMODE_OPENED)
		locks_remove_file(file);	/* its flock locks and leases (fs/locks.c) */
	if ((file->f_mode & FMODE_OPENED) && file->f_op && file->f_op->release)
		vfs_call_release(inode, file);
	if ((file->f_mode & FMODE_OPENED) && (file->f_mode & FMODE_WRITE) && inode)
		atomic_dec(&inode->i_writecount);
	if (file->f_path.dentry)
		path_put(&file->f_path);
	file_free(file);
}

void fput(struct file *file)
{
	if (atomic_long_dec_and_test(&file->f_count))
		__fput(file);
}

void files_init(void)
{
	filp_cachep = kmem_cache_create("filp", sizeof(struct file), 0, SLAB_HWCACHE_ALIGN);
}

struct kmem_cache *filp_kmem_cache(void)
{
	return filp_cachep;
}
