/*
 * madvise(2). MADV_DONTNEED throws the pages of a range away: anonymous
 * memory reads as zeros afterwards, a private file mapping shows the file
 * again, a shared one keeps the file's data (only the PTEs go).
 * MADV_FREE does the same for private anonymous memory (Linux may keep
 * the pages until memory is short; dropping them at once is one of the
 * outcomes it allows). MADV_REMOVE punches a hole in the file behind a
 * shared writable mapping (the file system's ->fallocate, with mmap_lock
 * dropped: it takes i_rwsem, which comes before mmap_lock). MADV_DONTFORK/DOFORK set and clear VM_DONTCOPY,
 * MADV_WIPEONFORK/KEEPONFORK VM_WIPEONFORK (the child gets zeros). The
 * other advice Linux takes as a hint is accepted and changes nothing:
 * Kestrel has no readahead for mappings, no swap, no huge pages.
 *
 * As Linux: start must be page aligned (EINVAL), unknown advice is EINVAL,
 * and a range with unmapped holes is ENOMEM (after advising what is mapped).
 *
 * Locking: mmap_lock read for DONTNEED/FREE and hints, write for the ones
 * that change VMA flags.
 */
#include <kestrel/errno.h>
#include <kestrel/fs.h>
#include <kestrel/mman.h>
#include <kestrel/sched.h>
#include <kestrel/syscalls.h>
#include <kestrel/vm.h>

/* MADV_REMOVE on [start, end) of vma: the file loses those pages (zeros from now on). */
static int madvise_remove(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long start,
			  unsigned long end)
{
	struct file *file = vma->vm_file;
	loff_t offset;
	long err;

	if (vma->vm_flags & VM_LOCKED)
		return -EINVAL;
	if (!file)
		return -EINVAL;
	if ((vma->vm_flags & (VM_SHARED | VM_MAYWRITE)) != (VM_SHARED | VM_MAYWRITE))
		return -EACCES;
	offset = ((loff_t)vma->vm_pgoff << PAGE_SHIFT) + (start - vma->vm_start);
	get_file(file);
	up_read(&mm->mmap_lock);
	err = vfs_fallocate(file, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, end - start);
	fput(file);
	down_read(&mm->mmap_lock);
	return (int)err;
}

static bool advice_changes_flags(int advice)
{
	return advice == MADV_DONTFORK || advice == MADV_DOFORK || advice == MADV_WIPEONFORK ||
	       advice == MADV_KEEPONFORK;
}

static bool advice_is_hint(int advice)
{
	switch (advice) {
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
	case MADV_WILLNEED:
	case MADV_COLD:
	case MADV_PAGEOUT:
	case MADV_MERGEABLE:
	case MADV_UNMERGEABLE:
	case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE:
	case MADV_DONTDUMP:
	case MADV_DODUMP:
		return true;
	}
	return false;
}

/* Advise [start, end) of vma (which lies inside it). */
static int madvise_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long start,
		       unsigned long end, int advice)
{
	unsigned long flag = 0;
	bool set = false;
	int err;

	if (advice == MADV_FREE && (vma->vm_file || (vma->vm_flags & VM_SHARED)))
		return -EINVAL;
	switch (advice) {
	case MADV_FREE:
	case MADV_DONTNEED:
		if (vma->vm_flags & (VM_LOCKED | VM_PFNMAP))
			return -EINVAL;
		zap_page_range(vma, start, end);
		return 0;
	case MADV_DONTFORK:
		flag = VM_DONTCOPY, set = true;
		break;
	case MADV_DOFORK:
		if (vma->vm_flags & VM_IO)
			return -EINVAL;
		flag = VM_DONTCOPY;
		break;
	case MADV_WIPEONFORK:
		if (vma->vm_file || (vma->vm_flags & VM_SHARED))
			return -EINVAL;
		flag = VM_WIPEONFORK, set = true;
		break;
	case MADV_KEEPONFORK:
		flag = VM_WIPEONFORK;
		break;
	default:
		return 0;	/* a hint */
	}
	if (!!(vma->vm_flags & flag) == set)
		return 0;
	err = split_vma(mm, vma, start);
	if (err)
		return err;
	vma = find_vma(mm, start);
	err = split_vma(mm, vma, end);
	if (err)
		return err;
	if (set)
		vma->vm_flags |= flag;
	else
		vma->vm_flags &= ~flag;
	return 0;
}

int do_madvise(unsigned long start, unsigned long len, int advice)
{
	struct mm_struct *mm = current->mm;
	bool write = advice_changes_flags(advice);
	unsigned long end;
	int err = 0;

	if (!advice_changes_flags(advice) && !advice_is_hint(advice) && advice != MADV_DONTNEED &&
	    advice != MADV_FREE && advice != MADV_REMOVE)
		return -EINVAL;
	if (!IS_ALIGNED(start, PAGE_SIZE))
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (start > TASK_SIZE_LIMIT || len > TASK_SIZE_LIMIT - start)
		return -EINVAL;
	if (!len)
		return 0;
	end = start + len;

	if (write)
		down_write(&mm->mmap_lock);
	else
		down_read(&mm->mmap_lock);
	while (start < end) {
		struct vm_area_struct *vma = find_vma(mm, start);
		unsigned long stop;
		int ret;

		if (!vma) {
			err = -ENOMEM;
			break;
		}
		if (vma->vm_start > start) {
			err = -ENOMEM;	/* a hole: advise the rest anyway, as Linux */
			start = vma->vm_start;
			if (start >= end)
				break;
		}
		stop = vma->vm_end < end ? vma->vm_end : end;
		if (advice == MADV_REMOVE)
			ret = madvise_remove(mm, vma, start, stop);	/* drops mmap_lock meanwhile */
		else
			ret = madvise_vma(mm, vma, start, stop, advice);
		if (ret) {
			err = ret;
			break;
		}
		start = stop;
	}
	if (write)
		up_write(&mm->mmap_lock);
	else
		up_read(&mm->mmap_lock);
	return err;
}

SYSCALL_DEFINE3(madvise, unsigned long, start, unsigned long, len, int, advice)
{
	return do_madvise(start, len, advice);
}
