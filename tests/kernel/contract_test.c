/*
 * ktests for the contract headers (include/kestrel/contract.h and
 * include/kestrel/contract/, suite contract): the VFS calls each op with
 * the spec's locks (positive tests count the calls a file system sees),
 * and a breach is reported (negative tests): an op wrapper called
 * without its lock, a lock held the wrong way, ->d_compare or ->d_hash
 * blocking where the spec says they may not, ->free_inode outside an
 * RCU callback, and the vm_operations_struct wrappers: ->fault without
 * mmap_lock or returning VM_FAULT_LOCKED with the page unlocked,
 * ->map_pages sleeping, ->open without mmap_lock held for write; the
 * folio lock's owner and post-conditions (write_end keeping the folio
 * locked, write_begin returning it unlocked, release_folio under
 * writeback, a folio another task locked); d_compare outside RCU and
 * getattr under i_rwsem (rows the spec says "no"). The
 * expected report is captured
 * (lockdep_expect_report), so it does not dirty the log.
 */
#include <kestrel/contract.h>
#include <kestrel/completion.h>
#include <kestrel/contract/aops.h>
#include <kestrel/contract/dentry.h>
#include <kestrel/contract/inode.h>
#include <kestrel/contract/super.h>
#include <kestrel/contract/vm.h>
#include <kestrel/kthread.h>
#include <kestrel/lockdep.h>
#include <kestrel/might_sleep.h>
#include <kestrel/mm_types.h>
#include <kestrel/pagemap.h>
#include <kestrel/rcupdate.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include "vfs_testfs.h"

#ifdef CONFIG_LOCKDEP	/* without the validator there is nothing to report */

static bool has(const char *r, const char *s)
{
	return r && strstr(r, s);
}

KTEST(contract, ops_called_as_specified)
{
	struct vfs_env env;
	int put0 = atomic_read(&testfs_counts.put_super);
	int free0 = atomic_read(&testfs_counts.free_inode);
	int sync0 = atomic_read(&testfs_counts.sync_fs);
	int drop0 = atomic_read(&testfs_counts.drop_inode);

	if (!vfs_env_begin(t, &env))
		return;
	lockdep_expect_report();
	KEXPECT_EQ(testfs_write_file("/f", "1", 1), 1);
	KEXPECT_EQ(ksys_unlink("/f"), 0);	/* last iput: ->drop_inode, ->evict_inode */
	ksys_sync();				/* ->sync_fs with s_umount shared */
	KEXPECT(lockdep_expect_end() == NULL);	/* every wrapper's rule held */
	KEXPECT(atomic_read(&testfs_counts.drop_inode) > drop0);
	KEXPECT(atomic_read(&testfs_counts.sync_fs) > sync0);
	vfs_env_end(t, &env);	/* umount: ->put_super; rcu_barrier: ->free_inode */
	KEXPECT_EQ(atomic_read(&testfs_counts.put_super), put0 + 1);
	KEXPECT(atomic_read(&testfs_counts.free_inode) >= free0 + 2);	/* the file and the root */
}

KTEST(contract, lookup_without_i_rwsem_reported)
{
	struct vfs_env env;
	struct dentry *root, *d;
	const char *r;

	if (!vfs_env_begin(t, &env))
		return;
	root = current_fs()->root.dentry;
	d = d_alloc_name(root, "nolock");
	KASSERT(d);
	lockdep_expect_report();
	vfs_call_lookup(d_inode(root), d, 0);	/* the caller forgot inode_lock_shared */
	r = lockdep_expect_end();
	KEXPECT(has(r, "i_mutex_key"));
	KEXPECT(has(r, "must be held"));
	d_drop(d);
	dput(d);
	vfs_env_end(t, &env);
}

KTEST(contract, mkdir_with_shared_lock_reported)
{
	struct vfs_env env;
	struct dentry *root, *d;
	const char *r;

	if (!vfs_env_begin(t, &env))
		return;
	root = current_fs()->root.dentry;
	d = d_alloc_name(root, "shared");
	KASSERT(d);
	inode_lock_shared(d_inode(root));
	lockdep_expect_report();
	KEXPECT_EQ(vfs_call_mkdir(d_inode(root), d, 0755), 0);	/* ->mkdir needs it exclusive */
	r = lockdep_expect_end();
	inode_unlock_shared(d_inode(root));
	KEXPECT(has(r, "held for write"));
	/* undo the directory the wrapper let through */
	inode_lock_nested(d_inode(root), I_MUTEX_PARENT);
	KEXPECT_EQ(vfs_rmdir(d_inode(root), d), 0);
	inode_unlock(d_inode(root));
	dput(d);
	vfs_env_end(t, &env);
}

KTEST(contract, drop_inode_without_i_lock_reported)
{
	struct vfs_env env;
	struct inode *inode;
	const char *r;

	if (!vfs_env_begin(t, &env))
		return;
	inode = d_inode(current_fs()->root.dentry);
	lockdep_expect_report();
	vfs_call_drop_inode(inode);	/* ->drop_inode is called under i_lock */
	r = lockdep_expect_end();
	KEXPECT(has(r, "i_lock_key"));
	vfs_env_end(t, &env);
}

static int fake_freed;

static void fake_free_inode(struct inode *inode)
{
	fake_freed++;
}

KTEST(contract, free_inode_outside_rcu_callback_reported)
{
	struct inode fake;
	const char *r;

	memset(&fake, 0, sizeof(fake));
	fake.free_inode = fake_free_inode;
	fake_freed = 0;
	lockdep_expect_report();
	vfs_call_free_inode(&fake);
	r = lockdep_expect_end();
	KEXPECT(has(r, "->free_inode not called from an RCU callback"));
	KEXPECT_EQ(fake_freed, 1);
	/* inside the marker it is fine */
	lockdep_expect_report();
	vfs_rcu_callback_enter();
	vfs_call_free_inode(&fake);
	vfs_rcu_callback_exit();
	KEXPECT(lockdep_expect_end() == NULL);
}

KTEST(contract, d_compare_that_blocks_reported)
{
	struct vfs_env env;
	struct stat st;
	const char *r;

	testfs_faults.use_compare = true;
	if (!vfs_env_begin(t, &env))
		return;
	testfs_faults.use_compare = true;	/* vfs_env_begin reset it; the mount above used it */
	KEXPECT_EQ(testfs_write_file("/x", "1", 1), 1);
	testfs_faults.compare_blocks = true;
	lockdep_expect_report();
	KEXPECT_EQ(ksys_stat("/x", &st), 0);	/* the dcache compares "x" with ->d_compare */
	r = lockdep_expect_end();
	KEXPECT(has(r, "sleeping function called from invalid context"));
	KEXPECT(!testfs_faults.compare_blocks);	/* it was called */
	vfs_env_end(t, &env);
	testfs_faults.use_compare = false;
}

KTEST(contract, d_hash_that_blocks_reported)
{
	struct vfs_env env;
	struct stat st;
	const char *r;

	testfs_faults.use_compare = true;
	if (!vfs_env_begin(t, &env))
		return;
	KEXPECT_EQ(ksys_mkdir("/d", 0755), 0);
	/*
	 * ->d_hash runs in ref-walk with preemption on: only the
	 * must-not-block section (nosleep_begin) makes the sleep a report.
	 */
	testfs_faults.hash_blocks = true;
	lockdep_expect_report();
	KEXPECT_EQ(ksys_stat("/d/y", &st), -ENOENT);
	r = lockdep_expect_end();
	KEXPECT(has(r, "sleeping function called from invalid context"));
	KEXPECT(has(r, "must-not-block: 1"));
	KEXPECT(has(r, "in_atomic(): 0"));
	KEXPECT(!in_nosleep_section());
	vfs_env_end(t, &env);
	testfs_faults.use_compare = false;
}

KTEST(contract, nosleep_section_nests)
{
	const char *r;

	KEXPECT(!in_nosleep_section());
	nosleep_begin();
	nosleep_begin();
	nosleep_end();
	KEXPECT(in_nosleep_section());
	lockdep_expect_report();
	might_sleep();
	r = lockdep_expect_end();
	nosleep_end();
	KEXPECT(has(r, "must-not-block: 1"));
	KEXPECT(!in_nosleep_section());
	lockdep_expect_report();
	might_sleep();	/* outside: fine */
	KEXPECT(lockdep_expect_end() == NULL);
}

/*
 * vm_operations_struct: a fresh mm (its mmap_lock is the one the
 * wrappers assert on) and a VMA on the stack that is never linked into
 * it, with fake ops that only count their calls.
 */
static int fake_vm_calls;
static bool fake_fault_lock_page;
static struct folio fake_folio;
static struct page fake_page;

static vm_fault_t fake_vm_fault(struct vm_fault *vmf)
{
	fake_vm_calls++;
	vmf->page = &fake_page;
	if (fake_fault_lock_page)
		folio_lock(&fake_folio);
	return VM_FAULT_LOCKED;	/* claims the page is locked */
}

static vm_fault_t fake_vm_map_pages(struct vm_fault *vmf, unsigned long start_pgoff,
				    unsigned long end_pgoff)
{
	fake_vm_calls++;
	might_sleep();	/* ->map_pages may not block: the wrapper must report this */
	return 0;
}

static void fake_vm_open(struct vm_area_struct *vma)
{
	fake_vm_calls++;
}

static const struct vm_operations_struct fake_vm_ops = {
	.open = fake_vm_open,
	.fault = fake_vm_fault,
	.map_pages = fake_vm_map_pages,
};

static struct mm_struct *fake_vma_init(struct vm_area_struct *vma, struct vm_fault *vmf)
{
	struct mm_struct *mm = mm_alloc();

	if (!mm)
		return NULL;
	memset(vma, 0, sizeof(*vma));
	vma->vm_mm = mm;
	vma->vm_ops = &fake_vm_ops;
	memset(vmf, 0, sizeof(*vmf));
	vmf->vma = vma;
	memset(&fake_folio, 0, sizeof(fake_folio));
	memset(&fake_page, 0, sizeof(fake_page));
	fake_folio.page = &fake_page;
	fake_page.folio = &fake_folio;
	fake_vm_calls = 0;
	fake_fault_lock_page = false;
	return mm;
}

KTEST(contract, vm_fault_without_mmap_lock_reported)
{
	struct vm_area_struct vma;
	struct vm_fault vmf;
	struct mm_struct *mm = fake_vma_init(&vma, &vmf);
	const char *r;

	KASSERT(mm);
	fake_fault_lock_page = true;	/* only the lock rule is broken */
	lockdep_expect_report();
	KEXPECT_EQ(vfs_call_fault(&vmf), VM_FAULT_LOCKED);
	r = lockdep_expect_end();
	KEXPECT(has(r, "mmap_lock"));
	KEXPECT(has(r, "must be held for read"));
	KEXPECT_EQ(fake_vm_calls, 1);
	folio_unlock(&fake_folio);
	/* with the lock held for read and the page locked: no report */
	down_read(&mm->mmap_lock);
	lockdep_expect_report();
	KEXPECT_EQ(vfs_call_fault(&vmf), VM_FAULT_LOCKED);
	KEXPECT(lockdep_expect_end() == NULL);
	up_read(&mm->mmap_lock);
	folio_unlock(&fake_folio);
	mmput(mm);
}

KTEST(contract, vm_fault_locked_with_page_unlocked_reported)
{
	struct vm_area_struct vma;
	struct vm_fault vmf;
	struct mm_struct *mm = fake_vma_init(&vma, &vmf);
	const char *r;

	KASSERT(mm);
	down_read(&mm->mmap_lock);
	lockdep_expect_report();
	KEXPECT_EQ(vfs_call_fault(&vmf), VM_FAULT_LOCKED);	/* and never locked the page */
	r = lockdep_expect_end();
	up_read(&mm->mmap_lock);
	KEXPECT(has(r, "->vm_operations_struct.fault VM_FAULT_LOCKED returned without the folio locked"));
	KEXPECT(!has(r, "must be held"));
	KEXPECT_EQ(fake_vm_calls, 1);
	mmput(mm);
}

KTEST(contract, vm_map_pages_that_sleeps_reported)
{
	struct vm_area_struct vma;
	struct vm_fault vmf;
	struct mm_struct *mm = fake_vma_init(&vma, &vmf);
	const char *r;

	KASSERT(mm);
	down_read(&mm->mmap_lock);
	lockdep_expect_report();
	KEXPECT_EQ(vfs_call_map_pages(&vmf, 0, 0), 0);
	r = lockdep_expect_end();
	up_read(&mm->mmap_lock);
	KEXPECT(has(r, "sleeping function called from invalid context"));
	KEXPECT_EQ(fake_vm_calls, 1);
	KEXPECT(!in_nosleep_section());
	mmput(mm);
}

KTEST(contract, vm_open_without_write_lock_reported)
{
	struct vm_area_struct vma;
	struct vm_fault vmf;
	struct mm_struct *mm = fake_vma_init(&vma, &vmf);
	const char *r;

	KASSERT(mm);
	lockdep_expect_report();
	vfs_call_vm_open(&vma);	/* not held at all */
	r = lockdep_expect_end();
	KEXPECT(has(r, "mmap_lock"));
	KEXPECT(has(r, "must be held for write"));
	down_read(&mm->mmap_lock);
	lockdep_expect_report();
	vfs_call_vm_open(&vma);	/* held, but shared */
	r = lockdep_expect_end();
	up_read(&mm->mmap_lock);
	KEXPECT(has(r, "must be held for write"));
	down_write(&mm->mmap_lock);
	lockdep_expect_report();
	vfs_call_vm_open(&vma);	/* as the spec says */
	KEXPECT(lockdep_expect_end() == NULL);
	up_write(&mm->mmap_lock);
	KEXPECT_EQ(fake_vm_calls, 3);
	mmput(mm);
}


/*
 * address_space_operations: a mapping on the stack whose host inode's
 * i_rwsem the test holds, with ops that break one rule each, called on
 * fake_folio (a folio outside any cache).
 */
static int fake_aops_calls;

static int keeps_folio_locked_write_end(struct file *file, struct address_space *mapping,
					loff_t pos, unsigned len, unsigned copied,
					struct folio *folio, void *fsdata)
{
	fake_aops_calls++;
	return copied;	/* forgets folio_unlock */
}

static int unlocks_folio_write_end(struct file *file, struct address_space *mapping,
				   loff_t pos, unsigned len, unsigned copied,
				   struct folio *folio, void *fsdata)
{
	fake_aops_calls++;
	folio_unlock(folio);
	return copied;
}

static int write_begin_unlocked(struct file *file, struct address_space *mapping, loff_t pos,
				unsigned len, struct folio **foliop, void **fsdata)
{
	fake_aops_calls++;
	*foliop = &fake_folio;	/* and never locks it */
	return 0;
}

static bool fake_release_folio(struct folio *folio, gfp_t gfp)
{
	fake_aops_calls++;
	return true;
}

static int fake_launder_folio(struct folio *folio)
{
	fake_aops_calls++;
	return 0;
}

static struct address_space_operations fake_aops;

static void fake_mapping_init(struct address_space *mapping, struct inode *inode)
{
	memset(mapping, 0, sizeof(*mapping));
	memset(inode, 0, sizeof(*inode));
	init_rwsem(&inode->i_rwsem);
	mapping->host = inode;
	mapping->a_ops = &fake_aops;
	memset(&fake_aops, 0, sizeof(fake_aops));
	memset(&fake_folio, 0, sizeof(fake_folio));
	memset(&fake_page, 0, sizeof(fake_page));
	fake_folio.page = &fake_page;
	fake_page.folio = &fake_folio;
	fake_aops_calls = 0;
}

KTEST(contract, write_end_that_keeps_the_folio_locked_reported)
{
	struct address_space mapping;
	struct inode inode;
	const char *r;

	fake_mapping_init(&mapping, &inode);
	fake_aops.write_end = keeps_folio_locked_write_end;
	inode_lock(&inode);
	folio_lock(&fake_folio);
	lockdep_expect_report();
	KEXPECT_EQ(vfs_call_write_end(NULL, &mapping, 0, 1, 1, &fake_folio, NULL), 1);
	r = lockdep_expect_end();
	KEXPECT(has(r, "->address_space_operations.write_end returned with the folio still locked"));
	folio_unlock(&fake_folio);
	/* The same call with an op that unlocks: clean. */
	fake_aops.write_end = unlocks_folio_write_end;
	folio_lock(&fake_folio);
	lockdep_expect_report();
	KEXPECT_EQ(vfs_call_write_end(NULL, &mapping, 0, 1, 1, &fake_folio, NULL), 1);
	KEXPECT(lockdep_expect_end() == NULL);
	inode_unlock(&inode);
	KEXPECT_EQ(fake_aops_calls, 2);
}

KTEST(contract, write_begin_returning_the_folio_unlocked_reported)
{
	struct address_space mapping;
	struct inode inode;
	struct folio *folio = NULL;
	void *fsdata = NULL;
	const char *r;

	fake_mapping_init(&mapping, &inode);
	fake_aops.write_begin = write_begin_unlocked;
	inode_lock(&inode);
	lockdep_expect_report();
	KEXPECT_EQ(vfs_call_write_begin(NULL, &mapping, 0, 1, &folio, &fsdata), 0);
	r = lockdep_expect_end();
	inode_unlock(&inode);
	KEXPECT(has(r, "->address_space_operations.write_begin returned without the folio locked"));
	KEXPECT(folio == &fake_folio);
}

KTEST(contract, release_folio_under_writeback_reported)
{
	struct address_space mapping;
	struct inode inode;
	const char *r;

	fake_mapping_init(&mapping, &inode);
	fake_aops.release_folio = fake_release_folio;
	folio_lock(&fake_folio);
	fake_folio.flags |= 1UL << PG_writeback;	/* a write in flight (fake: no device) */
	lockdep_expect_report();
	KEXPECT(vfs_call_release_folio(&mapping, &fake_folio, 0));
	r = lockdep_expect_end();
	KEXPECT(has(r, "->address_space_operations.release_folio called on a folio under writeback"));
	fake_folio.flags &= ~(1UL << PG_writeback);
	lockdep_expect_report();
	KEXPECT(vfs_call_release_folio(&mapping, &fake_folio, 0));
	KEXPECT(lockdep_expect_end() == NULL);
	folio_unlock(&fake_folio);
}

/* The folio lock has an owner: a folio another task locked is not "locked" for us. */
struct other_locker {
	struct completion locked, release, done;
};

static int lock_fake_folio_thread(void *arg)
{
	struct other_locker *o = arg;

	folio_lock(&fake_folio);
	complete(&o->locked);
	wait_for_completion(&o->release);
	folio_unlock(&fake_folio);
	complete(&o->done);
	return 0;
}

KTEST(contract, folio_locked_by_another_task_reported)
{
	static struct other_locker o;	/* outlives the thread's complete() */
	struct address_space mapping;
	struct inode inode;
	const char *r;

	fake_mapping_init(&mapping, &inode);
	fake_aops.launder_folio = fake_launder_folio;
	init_completion(&o.locked);
	init_completion(&o.release);
	init_completion(&o.done);
	KASSERT(!IS_ERR(kthread_run(lock_fake_folio_thread, &o, "contract-locker")));
	wait_for_completion(&o.locked);
	KEXPECT(folio_test_locked(&fake_folio));	/* locked: the old check passed here */
	lockdep_expect_report();
	KEXPECT_EQ(vfs_call_launder_folio(&mapping, &fake_folio), 0);
	r = lockdep_expect_end();
	KEXPECT(has(r, "->address_space_operations.launder_folio called without the folio locked by the caller"));
	complete(&o.release);
	wait_for_completion(&o.done);
	/* Locked by us: clean. */
	folio_lock(&fake_folio);
	lockdep_expect_report();
	KEXPECT_EQ(vfs_call_launder_folio(&mapping, &fake_folio), 0);
	KEXPECT(lockdep_expect_end() == NULL);
	folio_unlock(&fake_folio);
	KEXPECT_EQ(fake_aops_calls, 2);
}

KTEST(contract, d_compare_outside_rcu_reported)
{
	struct vfs_env env;
	struct dentry *root, *d;
	const char *r;

	testfs_faults.use_compare = true;
	if (!vfs_env_begin(t, &env))
		return;
	testfs_faults.use_compare = true;
	root = current_fs()->root.dentry;
	KASSERT(root->d_op && root->d_op->d_compare);
	d = d_alloc_name(root, "cmp");
	KASSERT(d);
	lockdep_expect_report();
	vfs_call_d_compare(root, d, 3, "cmp", &d->d_name);	/* the caller forgot rcu_read_lock */
	r = lockdep_expect_end();
	KEXPECT(has(r, "->dentry_operations.d_compare called outside rcu_read_lock()"));
	rcu_read_lock();
	lockdep_expect_report();
	vfs_call_d_compare(root, d, 3, "cmp", &d->d_name);
	KEXPECT(lockdep_expect_end() == NULL);
	rcu_read_unlock();
	dput(d);
	vfs_env_end(t, &env);
	testfs_faults.use_compare = false;
}

KTEST(contract, getattr_with_i_rwsem_held_reported)
{
	struct vfs_env env;
	struct path path;
	struct kstat st;
	const char *r;

	if (!vfs_env_begin(t, &env))
		return;
	path = current_fs()->root;
	inode_lock_shared(d_inode(path.dentry));
	lockdep_expect_report();
	vfs_call_getattr(&path, &st, STATX_BASIC_STATS, 0);	/* the spec: i_rwsem "no" */
	r = lockdep_expect_end();
	inode_unlock_shared(d_inode(path.dentry));
	KEXPECT(has(r, "i_mutex_key"));
	KEXPECT(has(r, "must be not held"));
	lockdep_expect_report();
	vfs_call_getattr(&path, &st, STATX_BASIC_STATS, 0);
	KEXPECT(lockdep_expect_end() == NULL);
	vfs_env_end(t, &env);
}

#endif
