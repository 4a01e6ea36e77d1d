/*
 * ktests of user copies against real user memory: the test borrows a
 * fresh mm (kthread_use_mm) and maps pages in it that are not yet
 * faulted in. Covers pagefault_disable (a copy that must not fault stops
 * at an absent page), fault_in_readable, user-backed iov_iters (ITER_UBUF,
 * ITER_IOVEC with empty segments, revert), and the write path's lock
 * order: a write from user memory faults its source in under the inode's
 * i_rwsem, so the lock validator knows i_rwsem -> mmap_lock and reports
 * the reverse.
 */
#include <kestrel/errno.h>
#include <kestrel/fs.h>
#include <kestrel/ktest.h>
#include <kestrel/lockdep.h>
#include <kestrel/mm_types.h>
#include <kestrel/mman.h>
#include <kestrel/sched.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/uaccess.h>
#include <kestrel/uio.h>
#include <kestrel/vm.h>

/* A fresh mm used by this thread, with len bytes of untouched anonymous memory at *addr. */
static struct mm_struct *use_fresh_mm(unsigned long len, unsigned long *addr)
{
	struct mm_struct *mm = mm_alloc();

	if (!mm)
		return NULL;
	kthread_use_mm(mm);
	*addr = vm_mmap(NULL, 0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(*addr)) {
		kthread_unuse_mm(mm);
		mmput(mm);
		return NULL;
	}
	return mm;
}

static void drop_mm(struct mm_struct *mm)
{
	kthread_unuse_mm(mm);
	mmput(mm);
}

KTEST(uaccess, pagefault_disabled_copy_stops_at_an_absent_page)
{
	unsigned long u;
	struct mm_struct *mm = use_fresh_mm(2 * PAGE_SIZE, &u);
	char buf[16];

	KASSERT(mm != NULL);
	KEXPECT(!pagefault_disabled());
	pagefault_disable();
	KEXPECT(pagefault_disabled());
	/* Not faulted in yet: nothing copied, and nothing was faulted in either. */
	KEXPECT_EQ(__copy_from_user_inatomic(buf, (void __user *)u, 8), 8);
	KEXPECT_EQ(__copy_to_user_inatomic((void __user *)u, "x", 1), 1);
	pagefault_enable();
	KEXPECT(!pagefault_disabled());
	KEXPECT_EQ(fault_in_readable((const char __user *)u, 2 * PAGE_SIZE), 0);
	pagefault_disable();
	KEXPECT_EQ(__copy_from_user_inatomic(buf, (void __user *)u, 8), 0);
	pagefault_enable();
	/* A normal copy faults the page in by itself. */
	KEXPECT_EQ(copy_to_user((void __user *)(u + PAGE_SIZE), "hello", 5), 0);
	KEXPECT_EQ(copy_from_user(buf, (void __user *)(u + PAGE_SIZE), 5), 0);
	KEXPECT(!memcmp(buf, "hello", 5));
	/* Beyond the mapping: fault_in says how much it could not reach. */
	KEXPECT_EQ(fault_in_readable((const char __user *)(u + PAGE_SIZE + 100), 2 * PAGE_SIZE),
		   PAGE_SIZE + 100);
	drop_mm(mm);
}

KTEST(uaccess, user_iterators_walk_and_revert)
{
	unsigned long u;
	struct mm_struct *mm = use_fresh_mm(2 * PAGE_SIZE, &u);
	struct iovec iov[4];
	struct iov_iter it;
	char out[32];

	KASSERT(mm != NULL);
	iov[0] = (struct iovec){ (void __user *)u, 3 };
	iov[1] = (struct iovec){ (void __user *)(u + 100), 0 };
	iov[2] = (struct iovec){ (void __user *)(u + PAGE_SIZE - 2), 5 };	/* across pages */
	iov[3] = (struct iovec){ (void __user *)(u + 200), 4 };
	iov_iter_init(&it, ITER_DEST, iov, 4, 12);
	KEXPECT_EQ(copy_to_iter("abcdefghijkl", 12, &it), 12);
	KEXPECT_EQ(iov_iter_count(&it), 0);
	KEXPECT_EQ(copy_from_user(out, (void __user *)u, 3), 0);
	KEXPECT(!memcmp(out, "abc", 3));
	KEXPECT_EQ(copy_from_user(out, (void __user *)(u + PAGE_SIZE - 2), 5), 0);
	KEXPECT(!memcmp(out, "defgh", 5));
	KEXPECT_EQ(copy_from_user(out, (void __user *)(u + 200), 4), 0);
	KEXPECT(!memcmp(out, "ijkl", 4));
	/* Back over the last 6 bytes (into the third segment) and read them again. */
	iov_iter_revert(&it, 6);
	KEXPECT_EQ(iov_iter_count(&it), 6);
	it.data_source = ITER_SOURCE;
	KEXPECT_EQ(copy_from_iter(out, 6, &it), 6);
	KEXPECT(!memcmp(out, "ghijkl", 6));
	/* A single buffer running off the mapping: the copy stops at its end. */
	iov_iter_ubuf(&it, ITER_DEST, (void __user *)(u + 2 * PAGE_SIZE - 4), 8);
	KEXPECT_EQ(copy_to_iter("12345678", 8, &it), 4);
	KEXPECT_EQ(iov_iter_count(&it), 4);
	drop_mm(mm);
}

KTEST(uaccess, a_write_from_user_memory_orders_i_rwsem_before_mmap_lock)
{
	struct file *f = filp_open("/uaccess-order", O_CREAT | O_RDWR | O_TRUNC, 0600);
	unsigned long u;
	struct mm_struct *mm;
	const char *r;
	loff_t pos = 0;

	KASSERT(!IS_ERR(f));
	mm = use_fresh_mm(2 * PAGE_SIZE, &u);
	KASSERT(mm != NULL);
	/* The source is not faulted in: the write faults it in with i_rwsem held. */
	KEXPECT_EQ(vfs_write(f, (const char __user *)u, 2 * PAGE_SIZE, &pos), 2 * PAGE_SIZE);
	KEXPECT_EQ(pos, 2 * PAGE_SIZE);
	/* The other way round is a possible deadlock, and the validator says so. */
	lockdep_expect_report();
	down_read(&mm->mmap_lock);
	inode_lock(file_inode(f));
	inode_unlock(file_inode(f));
	up_read(&mm->mmap_lock);
	r = lockdep_expect_end();
	if (debug_locks) {
		KASSERT(r != NULL);
		KEXPECT(strstr(r, "circular") != NULL);
		KEXPECT(strstr(r, "mmap_lock") != NULL);
	}
	drop_mm(mm);
	fput(f);
	ksys_unlink("/uaccess-order");
}
