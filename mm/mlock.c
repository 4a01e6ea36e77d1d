/*
 * mlock, mlock2, munlock, mlockall, munlockall: memory that stays in RAM.
 *
 * Kestrel has no swap, and a page an entry maps is never reclaimed (only
 * clean, unmapped page-cache folios are: mm/vmscan.c), so a locked page is
 * a resident one. Locking a range marks its VMAs VM_LOCKED and faults
 * every page in (MLOCK_ONFAULT / MCL_ONFAULT, VM_LOCKONFAULT: on first
 * use instead); what stays is the accounting: mm->locked_vm counts the
 * pages of VM_LOCKED VMAs (vm_stat_account) against RLIMIT_MEMLOCK, as in
 * Linux:
 *   - mlock and mlock2: EPERM if the limit is 0 (and no CAP_IPC_LOCK),
 *     ENOMEM if the locked pages would pass it, or the range has a hole;
 *   - mlockall(MCL_CURRENT): ENOMEM if the whole address space is more
 *     than the limit; MCL_FUTURE locks every later mapping (mm->def_flags),
 *     and a later mmap or brk past the limit fails with EAGAIN;
 *   - mmap(MAP_LOCKED) past the limit: EAGAIN (mm/mmap.c).
 * CAP_IPC_LOCK (root) is not limited. VM_IO and VM_PFNMAP mappings are
 * left alone (they have no pages to keep). fork does not inherit locks.
 *
 * Everything runs with mmap_lock held for write, then (to fault pages in)
 * for read.
 */
#include <kestrel/cred.h>
#include <kestrel/errno.h>
#include <kestrel/mm.h>
#include <kestrel/mm_types.h>
#include <kestrel/sched.h>
#include <kestrel/sched_signal.h>
#include <kestrel/syscalls.h>
#include <kestrel/vm.h>

#define MLOCK_ONFAULT 0x01
#define MCL_CURRENT 1
#define MCL_FUTURE 2
#define MCL_ONFAULT 4
#define VM_LOCKED_MASK (VM_LOCKED | VM_LOCKONFAULT)

static bool can_do_mlock(void)
{
	return rlimit(RLIMIT_MEMLOCK) != 0 || capable(CAP_IPC_LOCK);
}

/* Give vma (all of it) the lock flags `flags`, moving its pages between the counts. */
static void mlock_fixup(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long flags)
{
	unsigned long newflags = (vma->vm_flags & ~VM_LOCKED_MASK) | flags;
	long pages = (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;

	if (newflags == vma->vm_flags || (vma->vm_flags & (VM_IO | VM_PFNMAP)))
		return;
	vm_stat_account(mm, vma->vm_flags, -pages);
	vma->vm_flags = newflags;
	vm_stat_account(mm, vma->vm_flags, pages);
}

/* Lock flags for [start, end), splitting VMAs at the ends. A hole is ENOMEM. */
static int apply_vma_lock_flags(struct mm_struct *mm, unsigned long start, unsigned long end,
				unsigned long flags)
{
	struct vm_area_struct *vma = find_vma(mm, start), *v;
	int err;

	if (!vma || vma->vm_start > start)
		return -ENOMEM;
	for (v = vma; v->vm_end < end; v = vma_next(v)) {
		struct vm_area_struct *n = vma_next(v);

		if (!n || n->vm_start != v->vm_end)
			return -ENOMEM;
	}
	if (vma->vm_start < start) {
		err = split_vma(mm, vma, start);
		if (err)
			return err;
		vma = vma_next(vma);
	}
	for (; vma && vma->vm_start < end; vma = vma_next(vma)) {
		if (vma->vm_end > end) {
			err = split_vma(mm, vma, end);
			if (err)
				return err;
		}
		mlock_fixup(mm, vma, flags);
	}
	return 0;
}

/* Pages of [start, end) already locked: locking them again costs nothing. */
static unsigned long count_mm_mlocked_page_nr(struct mm_struct *mm, unsigned long start,
					      unsigned long end)
{
	unsigned long n = 0;

	for (struct vm_area_struct *vma = find_vma(mm, start); vma && vma->vm_start < end;
	     vma = vma_next(vma))
		if (vma->vm_flags & VM_LOCKED)
			n += (min(end, vma->vm_end) - max(start, vma->vm_start)) >> PAGE_SHIFT;
	return n;
}

/* Fault in the locked VMAs of [start, end) (mmap_lock held for read). */
static void mlock_populate(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	for (struct vm_area_struct *vma = find_vma(mm, start); vma && vma->vm_start < end;
	     vma = vma_next(vma)) {
		if ((vma->vm_flags & VM_LOCKED_MASK) == VM_LOCKED)
			populate_range(mm, max(start, vma->vm_start), min(end, vma->vm_end));
	}
}

static int do_mlock(unsigned long start, size_t len, unsigned long flags)
{
	struct mm_struct *mm = current->mm;
	unsigned long end, locked;
	int err;

	if (!can_do_mlock())
		return -EPERM;
	len = PAGE_ALIGN(len + (start & (PAGE_SIZE - 1)));
	start &= PAGE_MASK;
	end = start + len;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	down_write(&mm->mmap_lock);
	locked = (len >> PAGE_SHIFT) + mm->locked_vm - count_mm_mlocked_page_nr(mm, start, end);
	err = -ENOMEM;
	if (locked <= rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT || capable(CAP_IPC_LOCK))
		err = apply_vma_lock_flags(mm, start, end, flags);
	if (err) {
		up_write(&mm->mmap_lock);
		return err;
	}
	downgrade_write(&mm->mmap_lock);
	mlock_populate(mm, start, end);
	up_read(&mm->mmap_lock);
	return 0;
}

SYSCALL_DEFINE2(mlock, unsigned long, start, size_t, len)
{
	return do_mlock(start, len, VM_LOCKED);
}

SYSCALL_DEFINE3(mlock2, unsigned long, start, size_t, len, int, flags)
{
	if (flags & ~MLOCK_ONFAULT)
		return -EINVAL;
	return do_mlock(start, len, VM_LOCKED | ((flags & MLOCK_ONFAULT) ? VM_LOCKONFAULT : 0));
}

SYSCALL_DEFINE2(munlock, unsigned long, start, size_t, len)
{
	struct mm_struct *mm = current->mm;
	unsigned long end;
	int err;

	len = PAGE_ALIGN(len + (start & (PAGE_SIZE - 1)));
	start &= PAGE_MASK;
	end = start + len;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	down_write(&mm->mmap_lock);
	err = apply_vma_lock_flags(mm, start, end, 0);
	up_write(&mm->mmap_lock);
	return err;
}

/* Every VMA gets the lock flags of MCL_CURRENT, later ones those of MCL_FUTURE. */
static void apply_mlockall_flags(struct mm_struct *mm, int flags)
{
	unsigned long to_add = 0;

	mm->def_flags &= ~VM_LOCKED_MASK;
	if (flags & MCL_FUTURE) {
		mm->def_flags |= VM_LOCKED;
		if (flags & MCL_ONFAULT)
			mm->def_flags |= VM_LOCKONFAULT;
		if (!(flags & MCL_CURRENT))
			return;
	}
	if (flags & MCL_CURRENT) {
		to_add |= VM_LOCKED;
		if (flags & MCL_ONFAULT)
			to_add |= VM_LOCKONFAULT;
	}
	for (struct vm_area_struct *vma = vma_first(mm); vma; vma = vma_next(vma))
		mlock_fixup(mm, vma, to_add);
}

SYSCALL_DEFINE1(mlockall, int, flags)
{
	struct mm_struct *mm = current->mm;
	int err = 0;

	if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags == MCL_ONFAULT)
		return -EINVAL;
	if (!can_do_mlock())
		return -EPERM;
	down_write(&mm->mmap_lock);
	if ((flags & MCL_CURRENT) && mm->total_vm > rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT &&
	    !capable(CAP_IPC_LOCK))
		err = -ENOMEM;
	else
		apply_mlockall_flags(mm, flags);
	if (err || !(flags & MCL_CURRENT)) {
		up_write(&mm->mmap_lock);
		return err;
	}
	downgrade_write(&mm->mmap_lock);
	mlock_populate(mm, 0, TASK_SIZE_LIMIT);
	up_read(&mm->mmap_lock);
	return 0;
}

SYSCALL_DEFINE0(munlockall)
{
	struct mm_struct *mm = current->mm;

	down_write(&mm->mmap_lock);
	apply_mlockall_flags(mm, 0);
	up_write(&mm->mmap_lock);
	return 0;
}
