/*
 * mremap(2): grow, shrink or move a mapping.
 *
 *   shrinking    the tail is unmapped; the address stays
 *   growing      in place if the room after the VMA is free (keeping a
 *                stack's guard gap), else, with MREMAP_MAYMOVE, the
 *                mapping moves to a new address: a new VMA, and the page
 *                table entries (the pages themselves, dirty bits and all)
 *                move over, so nothing is copied or faulted again
 *   MREMAP_FIXED the mapping moves to new_addr (which must not overlap
 *                the old range); whatever was there is unmapped first
 *
 * The old range must lie inside one VMA (EFAULT otherwise), which must
 * not be VM_DONTEXPAND/VM_PFNMAP if it is to grow.
 *
 * Locking: mmap_lock write; page_table_lock while entries move.
 */
#include <kestrel/errno.h>
#include <kestrel/mman.h>
#include <kestrel/sched.h>
#include <kestrel/syscalls.h>
#include <kestrel/vm.h>

/*
 * Move the entries of [old, old+len) to [new, new+len). The destination
 * tables are made first (that may sleep), then each entry moves under the
 * lock; the old range is flushed from every TLB before the caller frees it.
 */
static int move_page_tables(struct mm_struct *mm, unsigned long old, unsigned long new,
			    unsigned long len)
{
	for (unsigned long off = 0; off < len; off += PAGE_SIZE) {
		pte_t *src = upte_lookup(mm, old + off), *dst, e;

		if (!src || pte_none(ptep_get(src)))
			continue;
		dst = upte_alloc(mm, new + off);
		if (!dst)
			return -ENOMEM;
		spin_lock(&mm->page_table_lock);
		e = ptep_get(src);
		pte_clear(mm, old + off, src);
		set_pte(dst, e);
		spin_unlock(&mm->page_table_lock);
	}
	flush_tlb_mm_range(mm, old, old + len);
	return 0;
}

/* Move [old, old+old_len) of vma to new (new_len long); returns new or an errno. */
static unsigned long move_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long old,
			      unsigned long old_len, unsigned long new_len, unsigned long new)
{
	struct vm_area_struct *moved;
	int err;

	/* Make the moving part a VMA of its own. */
	err = split_vma(mm, vma, old);
	if (err)
		return err;
	vma = find_vma(mm, old);
	err = split_vma(mm, vma, old + old_len);
	if (err)
		return err;
	moved = vm_area_dup(vma);
	if (!moved)
		return -ENOMEM;
	moved->vm_start = new;
	moved->vm_end = new + new_len;
	if (!moved->vm_file)
		moved->vm_pgoff = new >> PAGE_SHIFT;	/* anonymous: pgoff follows the address */
	vma_link(mm, moved);
	vma_call_open(moved);
	err = move_page_tables(mm, old, new, old_len < new_len ? old_len : new_len);
	if (err) {
		/* Put back what moved: the entries are all in one of the two ranges. */
		move_page_tables(mm, new, old, old_len < new_len ? old_len : new_len);
		do_munmap(mm, new, new_len);
		return err;
	}
	/* The old VMA is empty now: unmapping it frees no page. */
	do_munmap(mm, old, old_len);
	return new;
}

unsigned long do_mremap(unsigned long addr, unsigned long old_len, unsigned long new_len,
			       unsigned long flags, unsigned long new_addr)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma, *next;
	unsigned long ret;

	if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED))
		return -EINVAL;	/* MREMAP_DONTUNMAP is not supported */
	if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if (!IS_ALIGNED(addr, PAGE_SIZE))
		return -EINVAL;
	old_len = PAGE_ALIGN(old_len);
	new_len = PAGE_ALIGN(new_len);
	if (!new_len || !old_len)
		return -EINVAL;	/* old_len 0 (duplicate a shared mapping) is not supported */
	if (addr > TASK_SIZE_LIMIT || old_len > TASK_SIZE_LIMIT - addr || new_len > TASK_SIZE_LIMIT)
		return -EINVAL;
	if (flags & MREMAP_FIXED) {
		if (!IS_ALIGNED(new_addr, PAGE_SIZE) || new_addr > TASK_SIZE_LIMIT - new_len)
			return -EINVAL;
		if (new_addr < addr + old_len && addr < new_addr + new_len)
			return -EINVAL;	/* overlapping */
	}

	down_write(&mm->mmap_lock);
	vma = find_vma(mm, addr);
	ret = -EFAULT;
	if (!vma || vma->vm_start > addr || vma->vm_end < addr + old_len)
		goto out;
	if (new_len > old_len && (vma->vm_flags & (VM_DONTEXPAND | VM_PFNMAP)))
		goto out;
	/* Growing counts against RLIMIT_AS, RLIMIT_DATA and RLIMIT_MEMLOCK (Linux's vma_to_resize). */
	if (new_len > old_len) {
		ret = -ENOMEM;
		if (!may_expand_vm(mm, vma->vm_flags, (new_len - old_len) >> PAGE_SHIFT))
			goto out;
		ret = -EAGAIN;
		if (!mlock_future_ok(mm, vma->vm_flags, (new_len - old_len) >> PAGE_SHIFT))
			goto out;
	}

	if (flags & MREMAP_FIXED) {
		ret = do_munmap(mm, new_addr, new_len);
		if (ret)
			goto out;
		vma = find_vma(mm, addr);
		ret = move_vma(mm, vma, addr, old_len, new_len, new_addr);
		goto out;
	}
	if (new_len <= old_len) {
		ret = new_len < old_len ? (unsigned long)do_munmap(mm, addr + new_len, old_len - new_len) : 0;
		if (!ret)
			ret = addr;
		goto out;
	}
	/* Growing: in place if the VMA ends here and the room after it is free. */
	next = vma_next(vma);
	if (vma->vm_end == addr + old_len &&
	    addr + new_len <= TASK_SIZE_LIMIT &&
	    (!next || next->vm_start >= addr + new_len +
				    ((next->vm_flags & VM_GROWSDOWN) ? STACK_GUARD_GAP : 0))) {
		vma_adjust(vma, vma->vm_start, addr + new_len, vma->vm_pgoff);
		if (vma->vm_flags & VM_LOCKED)
			populate_range(mm, addr + old_len, addr + new_len);	/* locked: resident */
		ret = addr;
		goto out;
	}
	ret = -ENOMEM;
	if (!(flags & MREMAP_MAYMOVE))
		goto out;
	new_addr = get_unmapped_area(vma->vm_file, 0, new_len,
				     vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT), 0);
	if (IS_ERR_VALUE(new_addr)) {
		ret = new_addr;
		goto out;
	}
	ret = move_vma(mm, vma, addr, old_len, new_len, new_addr);
	if (!IS_ERR_VALUE(ret) && new_len > old_len && (find_vma(mm, ret)->vm_flags & VM_LOCKED))
		populate_range(mm, ret + old_len, ret + new_len);
out:
	up_write(&mm->mmap_lock);
	return ret;
}

SYSCALL_DEFINE5(mremap, unsigned long, addr, unsigned long, old_len, unsigned long, new_len,
		unsigned long, flags, unsigned long, new_addr)
{
	return (long)do_mremap(addr, old_len, new_len, flags, new_addr);
}
