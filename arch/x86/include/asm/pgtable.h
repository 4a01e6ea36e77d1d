/*
 * x86_64 page tables: 4 levels of 512 8-byte entries.
 *
 *   virtual address bits  47..39  38..30  29..21  20..12  11..0
 *   table                 PML4    PDPT    PD      PT      offset
 *
 * A PDPT entry with PS set maps 1 GiB, a PD entry with PS 2 MiB, a PT
 * entry 4 KiB. The kernel has one set of tables (kernel_pgd, built by
 * arch/x86/mm/init.c); all CPUs share it. The map/unmap primitives here
 * (arch/x86/mm/pgtable.c) change it for vmalloc and ioremap.
 */
#ifndef ASM_PGTABLE_H
#define ASM_PGTABLE_H

#include <kestrel/types.h>
#include <asm/page.h>

typedef u64 pteval_t;

#define _PAGE_PRESENT (1ULL << 0)
#define _PAGE_RW (1ULL << 1)
#define _PAGE_USER (1ULL << 2)
#define _PAGE_PWT (1ULL << 3)		/* write-through */
#define _PAGE_PCD (1ULL << 4)		/* cache disable */
#define _PAGE_ACCESSED (1ULL << 5)
#define _PAGE_DIRTY (1ULL << 6)
#define _PAGE_PSE (1ULL << 7)		/* large page (in a PDPT or PD entry) */
#define _PAGE_GLOBAL (1ULL << 8)	/* survives CR3 reloads (with CR4.PGE) */
#define _PAGE_NX (1ULL << 63)		/* no execute (with EFER.NXE) */

#define PTE_PFN_MASK 0x000ffffffffff000ULL
#define PTE_LARGE_PFN_MASK(level_size) (PTE_PFN_MASK & ~((u64)(level_size) - 1))

#define PTRS_PER_TABLE 512
#define PGDIR_SHIFT 39
#define PUD_SHIFT 30
#define PMD_SHIFT 21
#define PUD_SIZE (1UL << PUD_SHIFT)	/* 1 GiB */
#define PMD_SIZE (1UL << PMD_SHIFT)	/* 2 MiB */

#define pgd_index(va) (((va) >> PGDIR_SHIFT) & 511)
#define pud_index(va) (((va) >> PUD_SHIFT) & 511)
#define pmd_index(va) (((va) >> PMD_SHIFT) & 511)
#define pte_index(va) (((va) >> PAGE_SHIFT) & 511)

#define __PAGE_KERNEL_BASE (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_GLOBAL)
#define PAGE_KERNEL (__PAGE_KERNEL_BASE | _PAGE_RW | _PAGE_DIRTY | _PAGE_NX)
#define PAGE_KERNEL_RO (__PAGE_KERNEL_BASE | _PAGE_NX)
#define PAGE_KERNEL_RX (__PAGE_KERNEL_BASE)
#define PAGE_KERNEL_NOCACHE (PAGE_KERNEL | _PAGE_PCD | _PAGE_PWT)
/* Intermediate entries allow everything; the leaf decides. */
#define _PAGE_TABLE (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED)

/* _PAGE_NX when the CPU has NX, else 0: every protection is masked with it. */
extern pteval_t __supported_pte_mask;
/* The kernel's top-level table (PML4), shared by all CPUs. */
extern pteval_t *kernel_pgd;

/*
 * Map one 4 KiB page at virt (kernel half) to phys with protection prot
 * (PAGE_KERNEL...), allocating page-table pages as needed. -ENOMEM when
 * no memory for a table, -EEXIST if virt is mapped already, -EINVAL if
 * virt lies inside a large page.
 */
int map_kernel_page(unsigned long virt, phys_addr_t phys, pteval_t prot);
/* Clear the mapping of one page (no TLB flush: see flush_tlb_kernel_range). */
void unmap_kernel_page(unsigned long virt);
/* Unmap [start, end) page by page and flush the TLB once for the range. */
void unmap_kernel_range(unsigned long start, unsigned long end);

/*
 * The leaf entry mapping virt in the kernel page tables, or NULL if
 * unmapped; *level is 1 (4 KiB PTE), 2 (2 MiB) or 3 (1 GiB). For tests
 * and the fault handler: read-only.
 */
pteval_t *lookup_kernel_pte(unsigned long virt, int *level);
/* The physical address virt maps to, or (phys_addr_t)-1. */
phys_addr_t kernel_virt_to_phys(unsigned long virt);

/*
 * Make every CPU forget translations of [start, end) after kernel page
 * tables changed: this CPU, then every other online CPU through a
 * call-function IPI, waiting until all have flushed (arch/x86/kernel/
 * tlb.c). Call it with interrupts on once other CPUs run.
 */
void flush_tlb_kernel_range(unsigned long start, unsigned long end);

/* CPU paging features found by paging_init. */
extern bool cpu_has_nx, cpu_has_gbpages;

#endif
