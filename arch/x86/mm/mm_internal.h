/* Shared between the files of arch/x86/mm only. */
#ifndef ARCH_X86_MM_INTERNAL_H
#define ARCH_X86_MM_INTERNAL_H

#include <asm/pgtable.h>

/* A zeroed page for a page table (memblock early, buddy later); NULL if none. */
pteval_t *pgtable_alloc(void);
/*
 * Install one mapping of size 4 KiB (level 1), 2 MiB (2) or 1 GiB (3) in
 * the tables under pgd, allocating tables on the way. No lock, no flush:
 * the caller provides both.
 */
int __map_page(pteval_t *pgd, unsigned long virt, phys_addr_t phys, pteval_t prot, int level);

#endif
