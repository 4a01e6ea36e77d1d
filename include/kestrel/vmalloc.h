/*
 * Virtually contiguous kernel memory (mm/vmalloc.c) in
 * [VMALLOC_START, VMALLOC_END): page-sized pieces of physical memory
 * mapped side by side, with an unmapped guard page after every area so an
 * overrun faults instead of corrupting the neighbour. ioremap() and the
 * kernel stacks live in the same space.
 */
#ifndef KESTREL_VMALLOC_H
#define KESTREL_VMALLOC_H

#include <kestrel/types.h>
#include <kestrel/list.h>

struct page;

#define VM_ALLOC 0x1		/* vmalloc: pages from the buddy allocator */
#define VM_IOREMAP 0x2		/* ioremap: somebody else's physical range */
#define VM_STACK 0x4		/* kernel stack: also a guard page below */
#define VM_FREEING 0x100	/* claimed by a free in progress */

/* One reserved stretch of the vmalloc space. */
struct vm_struct {
	struct list_head list;		/* in vmap_list, sorted by address */
	unsigned long start, end;	/* the whole reservation, guard pages included */
	unsigned long addr, size;	/* the mapped part */
	unsigned int flags;
	unsigned int nr_pages;
	struct page **pages;		/* VM_ALLOC/VM_STACK: the backing pages */
	phys_addr_t phys_addr;		/* VM_IOREMAP: first physical address mapped */
};

/* size bytes (rounded up to pages), not zeroed; NULL on failure. */
void *vmalloc(unsigned long size);
void *vzalloc(unsigned long size);
void vfree(const void *addr);
bool is_vmalloc_addr(const void *addr);
/* The page mapped at a vmalloc address, or NULL. */
struct page *vmalloc_to_page(const void *addr);
/* The area containing addr (guard pages included), or NULL. Read-only peek for tests/oops. */
struct vm_struct *find_vm_area(const void *addr);

/*
 * Reserve an area of size bytes (page multiple) with guard pages (after;
 * also before for VM_STACK) and no mappings yet. Internal to mm and
 * ioremap.
 */
struct vm_struct *get_vm_area(unsigned long size, unsigned int flags);
/* Unmap and forget an area (not its pages). */
void free_vm_area(struct vm_struct *area);
/*
 * For the free functions: the area that starts its mapped part at addr
 * and has one of flags, marked VM_FREEING so a second, concurrent free
 * of the same address fails; NULL if there is none (or it is being freed).
 */
struct vm_struct *claim_vm_area(const void *addr, unsigned int flags);

/*
 * Kernel stacks for threads: size bytes (rounded up to pages) of mapped
 * memory with an unmapped guard page right below, so a stack overflow
 * faults. Returns the lowest address of the stack (the top is
 * base + size), or NULL.
 */
void *alloc_kernel_stack(unsigned long size);
void free_kernel_stack(void *base);

#endif
