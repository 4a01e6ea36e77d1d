/*
 * mprotect(2): change the rights of [start, start+len).
 *
 * Every page of the range must be mapped (else ENOMEM, as Linux), and
 * every VMA must allow the new rights (VM_MAYREAD/MAYWRITE/MAYEXEC: a
 * shared mapping of a file opened read-only can never become writable:
 * EACCES). The VMAs are split at the ends of the range and get the new
 * flags; their present PTEs are rewritten: PROT_NONE makes them
 * not-present but still holding the page (pte_protnone), and a PTE
 * stays writable only if it was and the VMA still allows writing, so
 * copy-on-write and ->page_mkwrite keep seeing first writes. Then the
 * TLB is flushed. Neighbouring anonymous VMAs that end up with equal
 * flags are merged again.
 *
 * Locking: mmap_lock write; page_table_lock around each page table's PTEs.
 */
#include <kestrel/errno.h>
#include <kestrel/mman.h>
#include <kestrel/sched.h>
#include <kestrel/syscalls.h>
#include <kestrel/vm.h>

/* Rewrite the PTEs of [start, end) in vma for its (new) vm_flags. */
static void change_protection(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	pgprot_t prot = vm_get_page_prot(vma->vm_flags);
	bool may_write = vma->vm_flags & VM_WRITE;

	for (unsigned long addr = start; addr < end; addr += PAGE_SIZE) {
		pte_t *pte = upte_lookup(mm, addr), e, n;

		if (!pte) {
			addr = ((addr | (PMD_SIZE - 1)) + 1) - PAGE_SIZE;	/* no table: skip it */
			continue;
		}
		spin_lock(&mm->page_table_lock);
		e = ptep_get(pte);
		if (pte_present(e)) {
			n = pte_modify(e, prot);
			/* A writable page stays writable, unless the new protection is PROT_NONE. */
			if (may_write && pte_write(e) && !pte_protnone(n))
				n = pte_mkwrite(n);
			set_pte(pte, n);
		}
		spin_unlock(&mm->page_table_lock);
	}
	flush_tlb_mm_range(mm, start, end);
}

/* Merge vma into its predecessor if both are anonymous private memory with the same flags. */
static struct vm_area_struct *try_merge_prev(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *prev = vma_prev(vma);

	if (!prev || prev->vm_end != vma->vm_start || prev->vm_flags != vma->vm_flags ||
	    prev->vm_file || vma->vm_file || prev->vm_ops || vma->vm_ops ||
	    (vma->vm_flags & (VM_SHARED | VM_GROWSDOWN)))
		return vma;
	vma_unlink(mm, vma);
	vma_adjust(prev, prev->vm_start, vma->vm_end, prev->vm_pgoff);
	vm_area_free(vma);
	return prev;
}

static unsigned long prot_to_vm_flags(unsigned long prot)
{
	return ((prot & PROT_READ) ? VM_READ : 0) | ((prot & PROT_WRITE) ? VM_WRITE : 0) |
	       ((prot & PROT_EXEC) ? VM_EXEC : 0);
}

int do_mprotect(unsigned long start, unsigned long len, unsigned long prot)
{
	struct mm_struct *mm = current->mm;
	unsigned long end, newflags = prot_to_vm_flags(prot), grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
	struct vm_area_struct *vma, *next = NULL;
	int err = 0;

	prot &= ~(PROT_GROWSDOWN | PROT_GROWSUP);
	if (grows == (PROT_GROWSDOWN | PROT_GROWSUP) || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -EINVAL;
	if (!IS_ALIGNED(start, PAGE_SIZE))
		return -EINVAL;
	if (!len)
		return 0;
	len = PAGE_ALIGN(len);
	if (!len || start > TASK_SIZE_LIMIT || len > TASK_SIZE_LIMIT - start)
		return -ENOMEM;
	end = start + len;
	if (prot & PROT_WRITE)
		newflags |= VM_READ;	/* x86 cannot write without reading */

	down_write(&mm->mmap_lock);
	vma = find_vma(mm, start);
	err = -ENOMEM;
	if (!vma)
		goto out;
	if (grows & PROT_GROWSDOWN) {
		/* The change reaches down to the start of the stack VMA. */
		err = -EINVAL;
		if (vma->vm_start >= end || !(vma->vm_flags & VM_GROWSDOWN))
			goto out;
		start = vma->vm_start;
	} else if (grows) {
		err = -EINVAL;	/* no VM_GROWSUP mappings on x86 */
		goto out;
	}
	err = -ENOMEM;
	if (vma->vm_start > start)
		goto out;
	/* Check the whole range first: a failure changes nothing. */
	for (struct vm_area_struct *v = vma; v && v->vm_start < end; v = vma_next(v)) {
		struct vm_area_struct *n = vma_next(v);
		unsigned long may = (v->vm_flags & (VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)) >> 4;
		unsigned long to = (v->vm_flags & ~(VM_READ | VM_WRITE | VM_EXEC)) | newflags;
		unsigned long pages = (min(end, v->vm_end) - max(start, v->vm_start)) >> PAGE_SHIFT;

		if (newflags & ~may) {
			err = -EACCES;
			goto out;
		}
		if (v->vm_end < end && (!n || n->vm_start != v->vm_end)) {
			err = -ENOMEM;	/* a hole in the range */
			goto out;
		}
		/* Becoming writable private memory counts against RLIMIT_DATA (Linux's check). */
		if ((to & VM_WRITE) && !may_expand_vm(mm, to, pages) &&
		    may_expand_vm(mm, v->vm_flags, pages)) {
			err = -ENOMEM;
			goto out;
		}
	}
	if (vma->vm_start < start) {
		err = split_vma(mm, vma, start);
		if (err)
			goto out;
		vma = vma_next(vma);
	}
	for (; vma && vma->vm_start < end; vma = next) {
		if (vma->vm_end > end) {
			err = split_vma(mm, vma, end);
			if (err)
				goto out;
		}
		vm_stat_account(mm, vma->vm_flags, -(long)((vma->vm_end - vma->vm_start) >> PAGE_SHIFT));
		vma->vm_flags = (vma->vm_flags & ~(VM_READ | VM_WRITE | VM_EXEC)) | newflags;
		vm_stat_account(mm, vma->vm_flags, (vma->vm_end - vma->vm_start) >> PAGE_SHIFT);
		vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
		change_protection(vma, vma->vm_start, vma->vm_end);
		vma = try_merge_prev(mm, vma);
		next = vma_next(vma);
	}
	/* The first VMA after the range may now match the last one changed. */
	if (next)
		try_merge_prev(mm, next);
	err = 0;
out:
	up_write(&mm->mmap_lock);
	return err;
}

SYSCALL_DEFINE3(mprotect, unsigned long, start, unsigned long, len, unsigned long, prot)
{
	return do_mprotect(start, len, prot);
}
