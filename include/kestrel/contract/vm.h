/*
 * The checked calls of vm_operations_struct: a mapping's open, close,
 * fault and access calls (mm/memory.c, mm/mmap.c, mm/mremap.c). How a rule
 * is checked, and the CONTRACT lines: include/kestrel/contract.h.
 */
#ifndef KESTREL_CONTRACT_VM_H
#define KESTREL_CONTRACT_VM_H

#include <kestrel/contract.h>
#include <kestrel/mm_types.h>
#include <kestrel/pagemap.h>
#include <kestrel/rcupdate.h>

/*
 * Called by mm/ (mm/memory.c, mm/mmap.c) with the mm's mmap_lock as the
 * spec says: faults hold it for read (a fault that grew a stack
 * downgrades its write lock first); ->close runs under the write lock of
 * munmap, mremap and exit; ->map_pages runs under it too, inside
 * rcu_read_lock and a must-not-block section.
 */

/* CONTRACT vm_operations_struct.open | mmap_lock: write | yes | vfs_call_vm_open */
static inline void vfs_call_vm_open(struct vm_area_struct *vma)
{
	lockdep_assert_held_write(&vma->vm_mm->mmap_lock);
	might_sleep();
	vma->vm_ops->open(vma);
}

/* CONTRACT vm_operations_struct.close | mmap_lock: read/write | yes | vfs_call_vm_close */
static inline void vfs_call_vm_close(struct vm_area_struct *vma)
{
	lockdep_assert_held(&vma->vm_mm->mmap_lock);
	might_sleep();
	vma->vm_ops->close(vma);
}

/* CONTRACT vm_operations_struct.fault | mmap_lock: read; can return with the page locked | yes | vfs_call_fault */
static inline vm_fault_t vfs_call_fault(struct vm_fault *vmf)
{
	vm_fault_t ret;

	lockdep_assert_held_read(&vmf->vma->vm_mm->mmap_lock);
	might_sleep();
	ret = vmf->vma->vm_ops->fault(vmf);
	if (ret & VM_FAULT_LOCKED)
		contract_check_returned_locked("vm_operations_struct.fault VM_FAULT_LOCKED",
					       page_folio(vmf->page));
	return ret;
}

/* CONTRACT vm_operations_struct.map_pages | mmap_lock: maybe-read; RCU read side | no | vfs_call_map_pages */
static inline vm_fault_t vfs_call_map_pages(struct vm_fault *vmf, unsigned long start_pgoff,
					    unsigned long end_pgoff)
{
	vm_fault_t ret;

	rcu_read_lock();
	ret = VFS_NOSLEEP(vmf->vma->vm_ops->map_pages(vmf, start_pgoff, end_pgoff));
	rcu_read_unlock();
	return ret;
}

/* CONTRACT vm_operations_struct.page_mkwrite | mmap_lock: read; can return with the page locked | yes | vfs_call_page_mkwrite */
static inline vm_fault_t vfs_call_page_mkwrite(struct vm_area_struct *vma, struct vm_fault *vmf)
{
	vm_fault_t ret;

	lockdep_assert_held_read(&vma->vm_mm->mmap_lock);
	might_sleep();
	ret = vma->vm_ops->page_mkwrite(vma, vmf);
	if (ret & VM_FAULT_LOCKED)
		contract_check_returned_locked("vm_operations_struct.page_mkwrite VM_FAULT_LOCKED",
					       page_folio(vmf->page));
	return ret;
}

/* CONTRACT vm_operations_struct.pfn_mkwrite | mmap_lock: read | yes | vfs_call_pfn_mkwrite */
static inline vm_fault_t vfs_call_pfn_mkwrite(struct vm_area_struct *vma, struct vm_fault *vmf)
{
	lockdep_assert_held_read(&vma->vm_mm->mmap_lock);
	might_sleep();
	return vma->vm_ops->pfn_mkwrite(vma, vmf);
}

/* CONTRACT vm_operations_struct.access | mmap_lock: read | yes | vfs_call_vm_access */
static inline int vfs_call_vm_access(struct vm_area_struct *vma, unsigned long addr, void *buf,
				     int len, int write)
{
	lockdep_assert_held_read(&vma->vm_mm->mmap_lock);
	might_sleep();
	return vma->vm_ops->access(vma, addr, buf, len, write);
}

#endif
