/*
 * The kernel's virtual memory layout (x86_64, 4-level paging):
 *
 *   0000000000000000 - 00007fffffffffff  user space (one address space per process)
 *   ffff888000000000 - ffffc87fffffffff  direct map of all physical memory (64 TiB)
 *   ffffc90000000000 - ffffe8ffffffffff  vmalloc and ioremap space (32 TiB)
 *   ffffea0000000000 - ffffeaffffffffff  struct page array (mem_map)
 *   ffffffff80000000 - ffffffffffffffff  kernel image (-2 GiB), physical 0 at the base
 *
 * The names and addresses follow Linux's, so a reader of Linux's
 * Documentation/arch/x86/x86_64/mm.rst finds the same picture.
 */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

#define KERNEL_VMA 0xffffffff80000000
#define KERNEL_PHYS 0x100000 /* where the boot loader puts the image: 1 MiB */

#ifndef __ASSEMBLER__
#include <kestrel/types.h>

#define PAGE_OFFSET 0xffff888000000000UL
#define DIRECT_MAP_SIZE (64UL << 40)
#define VMALLOC_START 0xffffc90000000000UL
#define VMALLOC_END 0xffffe8ffffffffffUL
#define VMEMMAP_START 0xffffea0000000000UL

/* Direct map: physical <-> kernel virtual for any RAM address. */
#define __va(pa) ((void *)((unsigned long)(pa) + PAGE_OFFSET))
static inline phys_addr_t __pa(const void *va)
{
	unsigned long v = (unsigned long)va;
	/* Kernel-image addresses (statics) and direct-map addresses both work. */
	if (v >= KERNEL_VMA)
		return v - KERNEL_VMA;
	return v - PAGE_OFFSET;
}
/* Physical address of a kernel-image symbol (for page tables, DMA). */
#define __pa_symbol(x) ((phys_addr_t)((unsigned long)(x) - KERNEL_VMA))

#define PFN_DOWN(x) ((x) >> PAGE_SHIFT)
#define PFN_UP(x) (((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define PFN_PHYS(pfn) ((phys_addr_t)(pfn) << PAGE_SHIFT)
#endif

#endif
