/*
 * User page tables: one PML4 per mm, whose upper 256 entries (the kernel
 * half) are copied from kernel_pgd when the mm is made. Those entries
 * never change afterwards: every kernel PML4 slot in use (direct map,
 * vmalloc area, mem_map, kernel image) got its PDPT at boot
 * (arch/x86/mm/init.c), so the kernel's own later changes happen below
 * them and every mm sees them.
 *
 * Lower levels of the user half are allocated on demand by upte_alloc
 * and freed only by free_user_pgtables when the mm dies (include/kestrel/
 * vm.h has the locking rule). Intermediate entries carry _PAGE_USER and
 * RW: the leaf decides the rights.
 */
#include <kestrel/mm.h>
#include <kestrel/spinlock.h>
#include <kestrel/string.h>
#include <kestrel/vm.h>
#include <asm/pgtable.h>

#define KERNEL_PGD_START 256	/* first PML4 slot of the kernel half */

int pgd_alloc(struct mm_struct *mm)
{
	pteval_t *pgd = (pteval_t *)get_zeroed_page(GFP_KERNEL);

	if (!pgd)
		return -ENOMEM;
	memcpy(pgd + KERNEL_PGD_START, kernel_pgd + KERNEL_PGD_START,
	       (PTRS_PER_TABLE - KERNEL_PGD_START) * sizeof(pteval_t));
	mm->pgd = (unsigned long *)pgd;
	return 0;
}

void pgd_free(struct mm_struct *mm)
{
	free_page((unsigned long)mm->pgd);
	mm->pgd = NULL;
}

static pteval_t *table_of(pteval_t e)
{
	return __va(e & PTE_PFN_MASK);
}

pte_t *upte_lookup(struct mm_struct *mm, unsigned long addr)
{
	pteval_t *table = (pteval_t *)mm->pgd;
	static const int shifts[] = { PGDIR_SHIFT, PUD_SHIFT, PMD_SHIFT };

	for (int i = 0; i < 3; i++) {
		pteval_t e = READ_ONCE(table[(addr >> shifts[i]) & 511]);

		if (!(e & _PAGE_PRESENT))
			return NULL;
		table = table_of(e);
	}
	return (pte_t *)&table[pte_index(addr)];
}

pte_t *upte_alloc(struct mm_struct *mm, unsigned long addr)
{
	pteval_t *table = (pteval_t *)mm->pgd;
	static const int shifts[] = { PGDIR_SHIFT, PUD_SHIFT, PMD_SHIFT };

	for (int i = 0; i < 3; i++) {
		pteval_t *entry = &table[(addr >> shifts[i]) & 511];

		if (!(READ_ONCE(*entry) & _PAGE_PRESENT)) {
			/* Allocate unlocked (it may sleep), install under the lock unless someone was first. */
			pteval_t *new = (pteval_t *)get_zeroed_page(GFP_KERNEL);

			if (!new)
				return NULL;
			spin_lock(&mm->page_table_lock);
			if (!(*entry & _PAGE_PRESENT)) {
				WRITE_ONCE(*entry, __pa(new) | _PAGE_USER_TABLE);
				atomic_long_add(PAGE_SIZE, &mm->pgtables_bytes);
				new = NULL;
			}
			spin_unlock(&mm->page_table_lock);
			if (new)
				free_page((unsigned long)new);
		}
		table = table_of(READ_ONCE(*entry));
	}
	return (pte_t *)&table[pte_index(addr)];
}

/* Free the tables below a table at level (3: PDPT, 2: PD, 1: PT) and the table itself. */
static void free_table(pteval_t *table, int level)
{
	if (level > 1) {
		for (int i = 0; i < PTRS_PER_TABLE; i++)
			if (table[i] & _PAGE_PRESENT)
				free_table(table_of(table[i]), level - 1);
	}
	free_page((unsigned long)table);
}

void free_user_pgtables(struct mm_struct *mm)
{
	pteval_t *pgd = (pteval_t *)mm->pgd;

	for (int i = 0; i < KERNEL_PGD_START; i++) {
		if (pgd[i] & _PAGE_PRESENT) {
			free_table(table_of(pgd[i]), 3);
			pgd[i] = 0;
		}
	}
	atomic_long_set(&mm->pgtables_bytes, 0);
}

pgprot_t vm_get_page_prot(unsigned long vm_flags)
{
	pgprotval_t prot = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED;

	if (!(vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
		return __pgprot(_PAGE_PROTNONE | _PAGE_USER);	/* PROT_NONE: held, not present */
	if (!(vm_flags & VM_EXEC))
		prot |= _PAGE_NX;
	if (vm_flags & VM_IO)
		prot |= _PAGE_PCD | _PAGE_PWT;
	return __pgprot(prot & __supported_pte_mask);
}
