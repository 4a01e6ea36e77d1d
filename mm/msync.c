/*
 * msync(2): make the file see what was written through a shared mapping.
 *
 * Every write through a shared file mapping already dirties its folio
 * (->page_mkwrite on the first write after the page was mapped or last
 * written back; writeback write-protects the page again: folio_mkclean
 * in mm/i_mmap.c), so the page cache always knows which pages are dirty.
 * MS_SYNC therefore only has to write the range back and wait: through
 * the file's ->fsync (vfs_fsync_range), as Linux. MS_ASYNC has nothing to
 * start (the flusher writes dirty pages on its own), and MS_INVALIDATE
 * nothing to drop (mappings and the cache are the same pages); both are
 * checked as Linux checks them.
 *
 * Errors as Linux: EINVAL for a misaligned start or bad flags (MS_SYNC
 * with MS_ASYNC), EBUSY for MS_INVALIDATE on a locked mapping, ENOMEM if
 * part of the range is unmapped (after syncing the rest), or the fsync's.
 *
 * Locking: mmap_lock read to walk the VMAs, dropped around the fsync
 * (which may take the inode's i_rwsem, ordered before mmap_lock).
 */
#include <kestrel/errno.h>
#include <kestrel/fs.h>
#include <kestrel/mman.h>
#include <kestrel/sched.h>
#include <kestrel/syscalls.h>
#include <kestrel/vm.h>

int do_msync(unsigned long start, unsigned long len, int flags)
{
	struct mm_struct *mm = current->mm;
	unsigned long end;
	int err = 0, unmapped = 0;

	if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
		return -EINVAL;
	if ((flags & MS_ASYNC) && (flags & MS_SYNC))
		return -EINVAL;
	if (!IS_ALIGNED(start, PAGE_SIZE))
		return -EINVAL;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (end < start || end > TASK_SIZE_LIMIT)
		return -ENOMEM;
	if (end == start)
		return 0;

	down_read(&mm->mmap_lock);
	while (start < end) {
		struct vm_area_struct *vma = find_vma(mm, start);
		struct file *file;
		loff_t fstart, fend;

		if (!vma) {
			unmapped = -ENOMEM;
			break;
		}
		if (vma->vm_start > start) {
			unmapped = -ENOMEM;
			start = vma->vm_start;
			if (start >= end)
				break;
		}
		if ((flags & MS_INVALIDATE) && (vma->vm_flags & VM_LOCKED)) {
			err = -EBUSY;
			break;
		}
		file = vma->vm_file;
		fstart = ((loff_t)vma->vm_pgoff << PAGE_SHIFT) + (start - vma->vm_start);
		fend = fstart + ((vma->vm_end < end ? vma->vm_end : end) - start) - 1;
		start = vma->vm_end;
		if ((flags & MS_SYNC) && file && (vma->vm_flags & VM_SHARED)) {
			get_file(file);
			up_read(&mm->mmap_lock);
			err = vfs_fsync_range(file, fstart, fend, 1);
			fput(file);
			if (err)
				return err;
			down_read(&mm->mmap_lock);
		}
	}
	up_read(&mm->mmap_lock);
	return err ? err : unmapped;
}

SYSCALL_DEFINE3(msync, unsigned long, start, unsigned long, len, int, flags)
{
	return do_msync(start, len, flags);
}
