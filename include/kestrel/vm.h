/*
 * The inside of mm/'s user-memory code: what mm/mmap.c, mm/memory.c,
 * mm/mprotect.c ... and arch/x86/mm (page tables, fault.c, mmu_context.c)
 * share. Other subsystems use include/kestrel/mm_types.h and mman.h.
 *
 * Lock order: docs/locking.md, "Lock order".
 * Page-table pages below the PML4 are allocated with mmap_lock held (read
 * is enough: an empty entry becomes present under page_table_lock, and is
 * never cleared while anybody could walk it) and freed only when the mm
 * is torn down.
 */
#ifndef KESTREL_VM_H
#define KESTREL_VM_H

#include <kestrel/mm.h>
#include <kestrel/mm_types.h>
#include <kestrel/uaccess.h>
#include <asm/pgtable.h>

struct address_space;

#define PAGE_ALIGN(x) (((x) + PAGE_SIZE - 1) & PAGE_MASK)
#define PAGE_ALIGN_DOWN(x) ((x) & PAGE_MASK)

#define TASK_SIZE_LIMIT TASK_SIZE_MAX		/* one past the highest user address */
#define MMAP_MIN_ADDR 0x10000UL			/* nothing is mapped below 64 KiB (NULL + offsets fault) */
#define STACK_GUARD_GAP (256UL << PAGE_SHIFT)	/* 1 MiB kept free below a stack (Linux's stack_guard_gap) */
#define DEFAULT_STACK_LIMIT (8UL << 20)		/* RLIMIT_STACK without a signal_struct */

/*
 * User PTEs are read and changed only through the pte_* helpers of
 * asm/pgtable.h (pte_present, pte_write, pte_mkdirty, pfn_pte ...).
 */

/* Page-table bits for present pages of a VMA with these flags (never writable: faults add RW). */
pgprot_t vm_get_page_prot(unsigned long vm_flags);
/* The RW bit: may a present page of this VMA be writable right away? (write faults decide) */

/* arch/x86/mm/user_pgtable.c: a PML4 with the kernel half, walks, teardown. */
int pgd_alloc(struct mm_struct *mm);
void pgd_free(struct mm_struct *mm);
/* The PTE slot of addr, or NULL if a table on the way is missing (no allocation). */
pte_t *upte_lookup(struct mm_struct *mm, unsigned long addr);
/* The same, allocating missing tables; NULL if out of memory. mmap_lock held. */
pte_t *upte_alloc(struct mm_struct *mm, unsigned long addr);
/* Free every page table of the user half (exit, no PTE may still map a page). */
void free_user_pgtables(struct mm_struct *mm);

/* arch/x86/mm/mmu_context.c */
void flush_tlb_mm_range(struct mm_struct *mm, unsigned long start, unsigned long end);
void flush_tlb_mm(struct mm_struct *mm);
void switch_to_kernel_pgd(void);

/* mm/mmap.c */
struct vm_area_struct *vm_area_alloc(struct mm_struct *mm);
struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig);
void vm_area_free(struct vm_area_struct *vma);
/* Insert into / remove from the mm's tree (and the file's i_mmap); mmap_lock write. */
int vma_link(struct mm_struct *mm, struct vm_area_struct *vma);
void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma);
struct vm_area_struct *vma_prev(struct vm_area_struct *vma);
/* Change a linked vma's range (and its place in the file's i_mmap). */
void vma_adjust(struct vm_area_struct *vma, unsigned long start, unsigned long end,
		unsigned long pgoff);
/* ->open of a VMA that just came to be as a copy (fork, split); mmap_lock write. */
void vma_call_open(struct vm_area_struct *vma);
/* Split vma at addr (page aligned, strictly inside): vma keeps [start, addr). 0 or -ENOMEM. */
int split_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr);
/* Is [start, end) free of VMAs? */
bool range_is_free(struct mm_struct *mm, unsigned long start, unsigned long end);
unsigned long get_unmapped_area(struct file *file, unsigned long addr, unsigned long len,
				unsigned long pgoff, unsigned long flags);
unsigned long do_mmap(struct file *file, unsigned long addr, unsigned long len,
		      unsigned long prot, unsigned long flags, unsigned long pgoff,
		      unsigned long *populate);
int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len);
/* Grow a VM_GROWSDOWN vma down to cover addr (mmap_lock write). 0 or -ENOMEM/-EFAULT. */
int expand_stack(struct vm_area_struct *vma, unsigned long addr);
/* Fault in [start, end) of current->mm (MAP_POPULATE); mmap_lock read held. */
void populate_range(struct mm_struct *mm, unsigned long start, unsigned long end);
/*
 * A mapping of kernel frames [pfn, pfn + len/PAGE_SIZE) at addr with
 * vm_flags (VM_PFNMAP is added): the vDSO and its data page. ops names it
 * in /proc/<pid>/maps. mmap_lock write. 0 or -errno (nothing left mapped).
 */
int install_special_mapping(struct mm_struct *mm, unsigned long addr, unsigned long len,
			    unsigned long vm_flags, const struct vm_operations_struct *ops,
			    unsigned long pfn);
/* Close and free every VMA of a dying mm. */
void exit_mmap(struct mm_struct *mm);
/* Account npages (negative: fewer) of a mapping with flags in mm's totals (mmap_lock write). */
void vm_stat_account(struct mm_struct *mm, unsigned long flags, long npages);
/* RLIMIT_AS and RLIMIT_DATA: may mm get npages more of such a mapping? */
bool may_expand_vm(struct mm_struct *mm, unsigned long flags, unsigned long npages);
/* RLIMIT_MEMLOCK (or CAP_IPC_LOCK): may mm get npages more with flags (VM_LOCKED)? */
bool mlock_future_ok(struct mm_struct *mm, unsigned long flags, unsigned long npages);
unsigned long stack_limit(void);

/* mm/memory.c */
/* Unmap the pages of [start, end) inside vma and flush the TLB; mmap_lock held. */
void zap_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end);
/* The same; !even_cows leaves the anonymous (COW-copied) pages of a private file mapping. */
void zap_page_range_cows(struct vm_area_struct *vma, unsigned long start, unsigned long end,
			 bool even_cows);
/* mm/i_mmap.c: the file's VMA tree (caller holds mapping->i_mmap_rwsem for write). */
void __vma_i_mmap_insert(struct address_space *mapping, struct vm_area_struct *vma);
void __vma_i_mmap_remove(struct address_space *mapping, struct vm_area_struct *vma);
/* fork: copy vma's page tables from src into dst (COW for private writable pages). */
int copy_page_range(struct mm_struct *dst, struct mm_struct *src, struct vm_area_struct *vma);
/* The struct page behind addr, with a reference, for reading or writing (access_remote_vm). */
struct page *follow_page_ref(struct vm_area_struct *vma, unsigned long addr, bool write);
/* Put a page a PTE referred to: folio_put for page-cache pages, put_page for anonymous ones. */
void put_user_page(struct page *page);

#endif
