/*
 * ktests of the file fault path against hole punching (suite fault_race).
 *
 * Several threads, each in its own mm, map one tmpfs file MAP_SHARED and
 * each owns one page of it: it reads the page through its mapping (a read
 * fault or fault-around, ->map_pages), writes a new value through it (a
 * write fault or a write-protect fault, ->page_mkwrite), reads the file
 * with kernel_read, then the mapping again. Meanwhile another thread
 * punches holes over the whole file (fallocate PUNCH_HOLE, which takes
 * the folios out of the cache and must unmap them first).
 *
 * The rule checked: a mapping never sees data the file no longer has. If
 * the file reads 0 after the write (a punch took the page), the mapping
 * must read 0 too: the punch unmapped the old page, and the next access
 * faults in the file's new one. A mapping that still shows the value
 * kept an orphaned page, and every later write through it would be lost.
 * The third test does the same with invalidate_inode_pages2_range on a
 * block device, where nothing may be lost at all (see its comment).
 *
 * With the page cache's own ->page_mkwrite the window is a few
 * instructions wide: the test runs many rounds on every CPU, so a
 * regression shows up at least sometimes under -smp 4. The second test
 * maps the file with a ->page_mkwrite that does its work (here: sleeps
 * 1 ms) after locking the folio, as a file system that allocates blocks
 * there does: the punch then always finds the folio locked and waits
 * while the fault maps it, which is exactly the window the fix closes
 * (truncation unmaps the folio again under its lock, unmap_mapping_folio).
 */
#include <kestrel/atomic.h>
#include <kestrel/completion.h>
#include <kestrel/errno.h>
#include <kestrel/fs.h>
#include <kestrel/ktest.h>
#include <kestrel/kthread.h>
#include <kestrel/mm.h>
#include <kestrel/mman.h>
#include <kestrel/pagemap.h>
#include <kestrel/sched.h>
#include <kestrel/shmem_fs.h>
#include <kestrel/smp.h>
#include <kestrel/timer.h>
#include <kestrel/uaccess.h>
#include <kestrel/vm.h>

#define FR_WORKERS 3
#define FR_PAGES (FR_WORKERS + 1)	/* one page nobody owns: fault-around maps it */
#define FR_ITERS 1500
#define FR_SLOW_ITERS 150
#define FR_OFF 64			/* where in its page a worker writes */
#define FR_WAIT_MS 120000

struct fault_race {
	struct file *file;
	loff_t base;		/* where in the file the mapped pages start */
	bool invalidate;	/* invalidate the cache instead of punching holes */
	int iters;
	bool stop;
	atomic_t stale, bad_file, copy_failed, punches, running;
	struct completion done;
};

struct fr_worker {
	struct fault_race *r;
	int nr;
};

static u32 file_word(struct file *file, loff_t pos)
{
	u32 v = 0;

	if (kernel_read(file, &v, sizeof(v), &pos) != sizeof(v))
		return ~0U;	/* never written by a worker: counted as bad */
	return v;
}

static void fr_check(struct fault_race *r, unsigned long a, loff_t pos, u32 val)
{
	void __user *p = (void __user *)a;
	u32 in_file, in_map = 0;

	in_file = file_word(r->file, pos);
	if (copy_from_user(&in_map, p, sizeof(in_map))) {
		atomic_inc(&r->copy_failed);
		return;
	}
	if (r->invalidate) {
		/*
		 * Invalidation writes a dirty folio back before dropping it, and
		 * leaves one that a mapping dirtied meanwhile: the file always
		 * has the last value written through the mapping. Anything else
		 * was written into a page the cache no longer has.
		 */
		if (in_file != val)
			atomic_inc(&r->stale);
		return;
	}
	if (in_file != val && in_file != 0)
		atomic_inc(&r->bad_file);
	/* Punched: the file has no data there any more, nor may the mapping. */
	if (in_file == 0 && in_map != 0)
		atomic_inc(&r->stale);
}

static int fr_worker_fn(void *arg)
{
	struct fr_worker *w = arg;
	struct fault_race *r = w->r;
	struct mm_struct *mm = mm_alloc();
	loff_t pos = r->base + (loff_t)w->nr * PAGE_SIZE + FR_OFF;
	unsigned long a;

	if (!mm)
		goto out;
	kthread_use_mm(mm);
	a = vm_mmap(r->file, 0, FR_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		    r->base >> PAGE_SHIFT);
	if (IS_ERR_VALUE(a)) {
		atomic_inc(&r->copy_failed);
		goto unuse;
	}
	a += pos - r->base;
	for (u32 i = 1; i <= (u32)r->iters && !READ_ONCE(r->stop); i++) {
		u32 val = ((u32)(w->nr + 1) << 24) | i, old;

		/* Odd rounds read first (read fault, then a write-protect fault). */
		if ((i & 1) && copy_from_user(&old, (void __user *)a, sizeof(old)))
			atomic_inc(&r->copy_failed);
		if (copy_to_user((void __user *)a, &val, sizeof(val))) {
			atomic_inc(&r->copy_failed);
			continue;
		}
		fr_check(r, a, pos, val);
		cond_resched();
	}
	vm_munmap(a - (pos - r->base), FR_PAGES * PAGE_SIZE);
unuse:
	kthread_unuse_mm(mm);
	mmput(mm);
out:
	if (atomic_dec_and_test(&r->running))
		complete(&r->done);
	return 0;
}

/*
 * What a direct write does to the cache of its range (block/fops.c):
 * write back, then drop it. -EBUSY (a folio dirtied meanwhile stays) is
 * an allowed outcome.
 */
static long fr_invalidate(struct fault_race *r)
{
	struct address_space *mapping = r->file->f_mapping;
	long err = filemap_write_and_wait_range(mapping, r->base,
						r->base + FR_PAGES * PAGE_SIZE - 1);

	if (err)
		return err;
	err = invalidate_inode_pages2_range(mapping, r->base >> PAGE_SHIFT,
					    (r->base >> PAGE_SHIFT) + FR_PAGES - 1);
	return err == -EBUSY ? 0 : err;
}

/* Run the workers against a puncher (or invalidator) on file; the checks are the caller's. */
static void fault_race_run(struct fault_race *r, struct file *file, loff_t base, bool invalidate,
			   int iters)
{
	static struct fr_worker workers[FR_WORKERS];
	u64 deadline = jiffies + msecs_to_jiffies(FR_WAIT_MS);
	long err = 0;

	memset(r, 0, sizeof(*r));
	r->file = file;
	r->base = base;
	r->invalidate = invalidate;
	r->iters = iters;
	init_completion(&r->done);
	atomic_set(&r->running, FR_WORKERS);
	for (int i = 0; i < FR_WORKERS; i++) {
		workers[i] = (struct fr_worker){ .r = r, .nr = i };
		if (IS_ERR(kthread_run(fr_worker_fn, &workers[i], "fault-race/%d", i))) {
			atomic_inc(&r->copy_failed);
			if (atomic_dec_and_test(&r->running))
				complete(&r->done);
		}
	}
	/* Punch until every worker is done: the whole file, then one page at a time. */
	while (!completion_done(&r->done) && !time_after64(jiffies, deadline)) {
		int n = atomic_inc_return(&r->punches);
		loff_t off = (n & 1) ? 0 : (loff_t)(n / 2 % FR_PAGES) * PAGE_SIZE;
		loff_t len = (n & 1) ? FR_PAGES * PAGE_SIZE : PAGE_SIZE;

		if (r->invalidate)
			err = fr_invalidate(r);
		else
			err = vfs_fallocate(r->file, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
					    off, len);
		if (err) {
			atomic_inc(&r->bad_file);
			break;
		}
		cond_resched();
	}
	WRITE_ONCE(r->stop, true);
	if (!wait_for_completion_timeout(&r->done, msecs_to_jiffies(FR_WAIT_MS)))
		atomic_inc(&r->copy_failed);
	pr_info("fault_race: %d punches against %d workers x %d rounds, %d stale\n",
		atomic_read(&r->punches), FR_WORKERS, iters, atomic_read(&r->stale));
}

static struct fault_race race;	/* outlives the workers' complete() */

KTEST(fault_race, hole_punch_never_leaves_a_stale_mapping)
{
	struct file *file = shmem_file_setup("fault_race", FR_PAGES * PAGE_SIZE);

	KASSERT(!IS_ERR(file));
	fault_race_run(&race, file, 0, false, FR_ITERS);
	KEXPECT_EQ(atomic_read(&race.stale), 0);
	KEXPECT_EQ(atomic_read(&race.bad_file), 0);
	KEXPECT_EQ(atomic_read(&race.copy_failed), 0);
	KEXPECT(atomic_read(&race.punches) > 0);
	fput(file);
}

/* ->page_mkwrite that works for a while with the folio locked, then returns it locked. */
static vm_fault_t slow_page_mkwrite(struct vm_area_struct *vma, struct vm_fault *vmf)
{
	vm_fault_t ret = filemap_page_mkwrite(vma, vmf);

	if (ret & VM_FAULT_LOCKED)
		msleep(1);
	return ret;
}

static const struct vm_operations_struct slow_mkwrite_vm_ops = {
	.fault = filemap_fault,
	.map_pages = filemap_map_pages,
	.page_mkwrite = slow_page_mkwrite,
};

static int slow_mkwrite_mmap(struct file *file, struct vm_area_struct *vma)
{
	int err = generic_file_mmap(file, vma);

	if (!err)
		vma->vm_ops = &slow_mkwrite_vm_ops;
	return err;
}

KTEST(fault_race, hole_punch_waits_out_a_slow_page_mkwrite)
{
	struct file *file = shmem_file_setup("fault_race_slow", FR_PAGES * PAGE_SIZE);
	static struct file_operations fops;
	const struct file_operations *orig;

	KASSERT(!IS_ERR(file));
	orig = file->f_op;
	fops = *orig;
	fops.mmap = slow_mkwrite_mmap;
	file->f_op = &fops;	/* this test's private, unlinked file only */
	fault_race_run(&race, file, 0, false, FR_SLOW_ITERS);
	KEXPECT_EQ(atomic_read(&race.stale), 0);
	KEXPECT_EQ(atomic_read(&race.bad_file), 0);
	KEXPECT_EQ(atomic_read(&race.copy_failed), 0);
	file->f_op = orig;
	fput(file);
}

/*
 * invalidate_inode_pages2_range (a direct write's cache flush on a block
 * device) against the same workers on the ktest scratch disk (/dev/vda,
 * see block_test.c), with the slow ->page_mkwrite: a write through the
 * mapping must land in the page the block device's cache has, or the
 * buffered read after it returns the old data. Unlike the punch tests
 * this one has not been seen failing without unmap_mapping_folio: a
 * block device has no ->launder_folio, so invalidation keeps every folio
 * a mapping dirtied, and the orphan it can leave is one mapped read-only
 * by a read fault, which shows as a write fault that retries forever
 * rather than as wrong data. It checks the path end to end all the same.
 */
#define FR_DISK_BASE (24L << 20)	/* past what the block tests use */

KTEST(fault_race, invalidate_waits_out_a_slow_page_mkwrite)
{
	struct file *file = filp_open("/dev/vda", O_RDWR, 0);
	static struct file_operations fops;
	const struct file_operations *orig;

	KASSERT(!IS_ERR(file));
	orig = file->f_op;
	fops = *orig;
	fops.mmap = slow_mkwrite_mmap;
	file->f_op = &fops;	/* this test's own open file only */
	fault_race_run(&race, file, FR_DISK_BASE, true, FR_SLOW_ITERS);
	KEXPECT_EQ(atomic_read(&race.stale), 0);
	KEXPECT_EQ(atomic_read(&race.bad_file), 0);
	KEXPECT_EQ(atomic_read(&race.copy_failed), 0);
	KEXPECT(atomic_read(&race.punches) > 0);
	file->f_op = orig;
	fput(file);
}
