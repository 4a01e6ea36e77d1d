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

#include <kestrel/compiler.h>
#include <kestrel/types.h>
#include <asm/page.h>
#include <asm/pgtable_types.h>

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

/*
 * Leaf entries of user page tables, with Linux's names. Tests:
 *	pte_none	empty slot
 *	pte_present	holds a frame: present, or PROT_NONE (not present
 *			to the CPU, but the page is still mapped here)
 *	pte_protnone	the PROT_NONE kind: any access faults
 *	pte_write, pte_dirty, pte_young, pte_exec, pte_special
 *	pte_pfn		the frame number; pte_same compares two entries
 * Changes (each returns the new entry, the table is not touched):
 *	pte_mkwrite/pte_wrprotect, pte_mkdirty/pte_mkclean,
 *	pte_mkyoung/pte_mkold, pte_mkspecial, pte_modify (new protection)
 * Making and storing:
 *	pfn_pte(pfn, prot), mk_pte(page, prot)
 *	ptep_get(ptep)		one load of the slot
 *	set_pte(ptep, pte)	one store to the slot
 *	pte_clear(mm, addr, ptep)
 * Stores to user PTEs happen under mm->page_table_lock (include/kestrel/
 * vm.h); a single load or store keeps lockless walkers from seeing half
 * an entry. Taking a right away also needs a TLB flush (flush_tlb_mm_range).
 */
static inline pteval_t pte_flags(pte_t pte) { return pte_val(pte) & ~PTE_PFN_MASK; }
static inline bool pte_none(pte_t pte) { return !pte_val(pte); }
static inline bool pte_present(pte_t pte) { return pte_flags(pte) & (_PAGE_PRESENT | _PAGE_PROTNONE); }
static inline bool pte_protnone(pte_t pte)
{
	return (pte_flags(pte) & (_PAGE_PRESENT | _PAGE_PROTNONE)) == _PAGE_PROTNONE;
}
static inline bool pte_write(pte_t pte) { return pte_flags(pte) & _PAGE_RW; }
static inline bool pte_dirty(pte_t pte) { return pte_flags(pte) & _PAGE_DIRTY; }
static inline bool pte_young(pte_t pte) { return pte_flags(pte) & _PAGE_ACCESSED; }
static inline bool pte_exec(pte_t pte) { return !(pte_flags(pte) & _PAGE_NX); }
static inline bool pte_special(pte_t pte) { return pte_flags(pte) & _PAGE_SPECIAL; }
static inline unsigned long pte_pfn(pte_t pte) { return (pte_val(pte) & PTE_PFN_MASK) >> PAGE_SHIFT; }
static inline bool pte_same(pte_t a, pte_t b) { return pte_val(a) == pte_val(b); }

static inline pte_t pte_set_flags(pte_t pte, pteval_t set) { return __pte(pte_val(pte) | set); }
static inline pte_t pte_clear_flags(pte_t pte, pteval_t clear) { return __pte(pte_val(pte) & ~clear); }
static inline pte_t pte_mkwrite(pte_t pte) { return pte_set_flags(pte, _PAGE_RW); }
static inline pte_t pte_wrprotect(pte_t pte) { return pte_clear_flags(pte, _PAGE_RW); }
static inline pte_t pte_mkdirty(pte_t pte) { return pte_set_flags(pte, _PAGE_DIRTY); }
static inline pte_t pte_mkclean(pte_t pte) { return pte_clear_flags(pte, _PAGE_DIRTY); }
static inline pte_t pte_mkyoung(pte_t pte) { return pte_set_flags(pte, _PAGE_ACCESSED); }
static inline pte_t pte_mkold(pte_t pte) { return pte_clear_flags(pte, _PAGE_ACCESSED); }
static inline pte_t pte_mkspecial(pte_t pte) { return pte_set_flags(pte, _PAGE_SPECIAL); }
/* The entry with newprot's rights and caching; frame, accessed, dirty and special stay. */
static inline pte_t pte_modify(pte_t pte, pgprot_t newprot)
{
	return __pte((pte_val(pte) & _PAGE_CHG_MASK) | pgprot_val(newprot));
}

static inline pte_t pfn_pte(unsigned long pfn, pgprot_t prot)
{
	return __pte(((pteval_t)pfn << PAGE_SHIFT) | pgprot_val(prot));
}
/* A macro: struct page and page_to_pfn live in kestrel/mm.h, which includes this file. */
#define mk_pte(page, prot) pfn_pte(page_to_pfn(page), (prot))

static inline pte_t ptep_get(pte_t *ptep) { return __pte(READ_ONCE(ptep->pte)); }
static inline void set_pte(pte_t *ptep, pte_t pte) { WRITE_ONCE(ptep->pte, pte_val(pte)); }
#define pte_clear(mm, addr, ptep) set_pte((ptep), __pte(0))

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
