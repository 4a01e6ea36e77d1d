/*
 * Changing the kernel page tables: map and unmap single pages for the
 * vmalloc area and ioremap, walk the tables, and flush the TLB.
 *
 * Locking: pgtable_lock serializes changes to kernel_pgd's tables (two
 * CPUs mapping pages under the same empty PD entry would otherwise both
 * install a new page table and one would be lost). Lookups do not lock:
 * they only follow entries that, once present, never change except for
 * leaves of areas the caller owns. Upper-level tables are never freed.
 */
#include <kestrel/errno.h>
#include <kestrel/memblock.h>
#include <kestrel/mm.h>
#include <kestrel/printk.h>
#include <kestrel/spinlock.h>
#include <kestrel/string.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include "mm_internal.h"

pteval_t __supported_pte_mask = ~_PAGE_NX;
pteval_t *kernel_pgd;
bool cpu_has_nx, cpu_has_gbpages;

/* Protects the contents of kernel_pgd and the tables below it (see above). */
static DEFINE_SPINLOCK(pgtable_lock);

pteval_t *pgtable_alloc(void)
{
	pteval_t *t;

	if (page_alloc_ready)
		return (pteval_t *)get_zeroed_page(GFP_KERNEL);
	t = __va(memblock_alloc_phys(PAGE_SIZE, PAGE_SIZE));
	memset(t, 0, PAGE_SIZE);
	return t;
}

/* The table an entry points to, creating it if absent. */
static pteval_t *next_table(pteval_t *entry, int *err)
{
	pteval_t *t;

	if (*entry & _PAGE_PRESENT) {
		if (*entry & _PAGE_PSE) {
			*err = -EINVAL;	/* covered by a large page already */
			return NULL;
		}
		return __va(*entry & PTE_PFN_MASK);
	}
	t = pgtable_alloc();
	if (!t) {
		*err = -ENOMEM;
		return NULL;
	}
	WRITE_ONCE(*entry, __pa(t) | _PAGE_TABLE);
	return t;
}

int __map_page(pteval_t *pgd, unsigned long virt, phys_addr_t phys, pteval_t prot, int level)
{
	static const int shifts[] = { 0, PAGE_SHIFT, PMD_SHIFT, PUD_SHIFT, PGDIR_SHIFT };
	pteval_t *table = pgd, *entry;
	int err = 0;

	if (level < 1 || level > 3 || !IS_ALIGNED(virt | phys, 1UL << shifts[level]))
		return -EINVAL;
	for (int l = 4; l > level; l--) {
		table = next_table(&table[(virt >> shifts[l]) & 511], &err);
		if (!table)
			return err;
	}
	entry = &table[(virt >> shifts[level]) & 511];
	if (*entry & _PAGE_PRESENT)
		return -EEXIST;
	prot &= __supported_pte_mask;
	if (level > 1)
		prot |= _PAGE_PSE;
	WRITE_ONCE(*entry, (phys & PTE_PFN_MASK) | prot);
	return 0;
}

int map_kernel_page(unsigned long virt, phys_addr_t phys, pteval_t prot)
{
	unsigned long flags;
	int err;

	spin_lock_irqsave(&pgtable_lock, flags);
	err = __map_page(kernel_pgd, virt, phys, prot, 1);
	spin_unlock_irqrestore(&pgtable_lock, flags);
	/* A new mapping needs no flush: an absent entry is never cached. */
	return err;
}

pteval_t *lookup_kernel_pte(unsigned long virt, int *level)
{
	pteval_t *table = kernel_pgd, e;
	static const int shifts[] = { 0, PAGE_SHIFT, PMD_SHIFT, PUD_SHIFT, PGDIR_SHIFT };

	for (int l = 4; l >= 1; l--) {
		pteval_t *entry = &table[(virt >> shifts[l]) & 511];

		e = READ_ONCE(*entry);
		if (!(e & _PAGE_PRESENT))
			return NULL;
		if (l == 1 || (l <= 3 && (e & _PAGE_PSE))) {
			if (level)
				*level = l;
			return entry;
		}
		table = __va(e & PTE_PFN_MASK);
	}
	return NULL;
}

phys_addr_t kernel_virt_to_phys(unsigned long virt)
{
	static const unsigned long sizes[] = { 0, PAGE_SIZE, PMD_SIZE, PUD_SIZE };
	int level;
	pteval_t *e = lookup_kernel_pte(virt, &level);

	if (!e)
		return (phys_addr_t)-1;
	return (*e & PTE_LARGE_PFN_MASK(sizes[level])) | (virt & (sizes[level] - 1));
}

void unmap_kernel_page(unsigned long virt)
{
	unsigned long flags;
	int level;
	pteval_t *e;

	spin_lock_irqsave(&pgtable_lock, flags);
	e = lookup_kernel_pte(virt, &level);
	if (e && !WARN_ON(level != 1))
		WRITE_ONCE(*e, 0);
	spin_unlock_irqrestore(&pgtable_lock, flags);
}

void unmap_kernel_range(unsigned long start, unsigned long end)
{
	for (unsigned long va = start; va < end; va += PAGE_SIZE)
		unmap_kernel_page(va);
	flush_tlb_kernel_range(start, end);
}

/* Drop every translation of this CPU, global ones included. */
static void flush_tlb_all_local(void)
{
	unsigned long cr4 = read_cr4();

	if (cr4 & X86_CR4_PGE) {
		write_cr4(cr4 & ~X86_CR4_PGE);	/* toggling PGE flushes globals too */
		write_cr4(cr4);
	} else {
		write_cr3(read_cr3());
	}
}

/* This CPU only; flush_tlb_kernel_range() (arch/x86/kernel/tlb.c) runs it on every CPU. */
void flush_tlb_kernel_range_local(unsigned long start, unsigned long end)
{
	if ((end - start) >> PAGE_SHIFT > 64) {
		flush_tlb_all_local();
		return;
	}
	for (unsigned long va = start & PAGE_MASK; va < end; va += PAGE_SIZE)
		invlpg(va);
}
