/*
 * mincore(2): which pages of [start, start+len) are resident. A page is
 * resident if a PTE maps it, or, for a file mapping, if the file's page
 * is in the page cache (it would be mapped without I/O). As Linux:
 * start must be page aligned (EINVAL), the whole range mapped (ENOMEM),
 * vec writable (EFAULT). One byte per page, bit 0 set if resident.
 *
 * Locking: mmap_lock read while a batch of bytes is computed into a
 * kernel buffer; it is dropped before the copy to user space (which may
 * fault, and a fault takes mmap_lock itself).
 */
#include <kestrel/errno.h>
#include <kestrel/mman.h>
#include <kestrel/pagemap.h>
#include <kestrel/sched.h>
#include <kestrel/syscalls.h>
#include <kestrel/uaccess.h>
#include <kestrel/vm.h>

#define MINCORE_BATCH 256	/* pages per mmap_lock hold */

static bool page_resident(struct vm_area_struct *vma, unsigned long addr)
{
	pte_t *pte = upte_lookup(vma->vm_mm, addr);
	struct folio *folio;
	unsigned long index;

	if (pte && pte_present(ptep_get(pte)))
		return true;
	if (!vma->vm_file)
		return false;	/* anonymous and not mapped: never touched (no swap) */
	index = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
	folio = filemap_get_folio(vma->vm_file->f_mapping, index);
	if (IS_ERR(folio))
		return false;
	folio_put(folio);
	return true;
}

/* Fill vec for up to MINCORE_BATCH pages from addr; the number done, or -ENOMEM on a hole. */
static long mincore_batch(struct mm_struct *mm, unsigned long addr, unsigned long pages,
			  unsigned char *vec)
{
	long done = 0;

	down_read(&mm->mmap_lock);
	while (done < (long)pages) {
		struct vm_area_struct *vma = find_vma(mm, addr);

		if (!vma || vma->vm_start > addr) {
			if (!done)
				done = -ENOMEM;
			break;
		}
		for (; done < (long)pages && addr < vma->vm_end; done++, addr += PAGE_SIZE)
			vec[done] = page_resident(vma, addr);
	}
	up_read(&mm->mmap_lock);
	return done;
}

long do_mincore(unsigned long start, unsigned long len, unsigned char __user *vec)
{
	unsigned char buf[MINCORE_BATCH];
	unsigned long pages;

	if (!IS_ALIGNED(start, PAGE_SIZE))
		return -EINVAL;
	if (start > TASK_SIZE_LIMIT || len > TASK_SIZE_LIMIT - start)
		return -ENOMEM;
	pages = PAGE_ALIGN(len) >> PAGE_SHIFT;
	if (!access_ok(vec, pages))
		return -EFAULT;
	while (pages) {
		unsigned long n = pages < MINCORE_BATCH ? pages : MINCORE_BATCH;
		long done = mincore_batch(current->mm, start, n, buf);

		if (done < 0)
			return done;
		if (copy_to_user(vec, buf, done))
			return -EFAULT;
		if ((unsigned long)done < n)
			return -ENOMEM;	/* a hole after a mapped part */
		vec += done;
		start += done * PAGE_SIZE;
		pages -= done;
	}
	return 0;
}

SYSCALL_DEFINE3(mincore, unsigned long, start, unsigned long, len, unsigned char __user *, vec)
{
	return do_mincore(start, len, vec);
}
