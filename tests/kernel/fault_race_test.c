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
	loff_t pos = (loff_t)w->nr * PAGE_SIZE + FR_OFF;
	unsigned long a;

	if (!mm)
		goto out;
	kthread_use_mm(mm);
	a = vm_mmap(r->file, 0, FR_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	if (IS_ERR_VALUE(a)) {
		atomic_inc(&r->copy_failed);
		goto unuse;
	}
	a += pos;
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
	vm_munmap(a - pos, FR_PAGES * PAGE_SIZE);
unuse:
	kthread_unuse_mm(mm);
	mmput(mm);
out:
	if (atomic_dec_and_test(&r->running))
		complete(&r->done);
	return 0;
}

/* Run the workers against a puncher on file; the checks are the caller's. */
static void fault_race_run(struct fault_race *r, struct file *file, int iters)
{
	static struct fr_worker workers[FR_WORKERS];
	u64 deadline = jiffies + msecs_to_jiffies(FR_WAIT_MS);
	long err = 0;

	memset(r, 0, sizeof(*r));
	r->file = file;
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

		err = vfs_fallocate(r->file, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, len);
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
	fault_race_run(&race, file, FR_ITERS);
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
	fault_race_run(&race, file, FR_SLOW_ITERS);
	KEXPECT_EQ(atomic_read(&race.stale), 0);
	KEXPECT_EQ(atomic_read(&race.bad_file), 0);
	KEXPECT_EQ(atomic_read(&race.copy_failed), 0);
	file->f_op = orig;
	fput(file);
}
