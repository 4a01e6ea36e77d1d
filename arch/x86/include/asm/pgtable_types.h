/*
 * x86_64 page-table entry bits and the types that hold entries and
 * protections, as Linux's asm/pgtable_types.h.
 *
 * pte_t (a leaf entry) and pgprot_t (the bits a VMA's pages get) are
 * one-member structs, so an entry cannot be mixed up with an address or
 * tested with a stray mask by accident: code outside arch/x86 reads and
 * changes entries only through the helpers of asm/pgtable.h (pte_write,
 * pte_mkdirty, pfn_pte ...). pte_val/pgprot_val and __pte/__pgprot
 * convert to and from the raw bits for arch code.
 */
#ifndef ASM_PGTABLE_TYPES_H
#define ASM_PGTABLE_TYPES_H

#include <kestrel/types.h>

typedef u64 pteval_t;
typedef u64 pgprotval_t;

typedef struct {
	pteval_t pte;
} pte_t;

typedef struct {
	pgprotval_t pgprot;
} pgprot_t;

#define pte_val(x) ((x).pte)
#define __pte(x) ((pte_t){ (x) })
#define pgprot_val(x) ((x).pgprot)
#define __pgprot(x) ((pgprot_t){ (x) })

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

/*
 * Software bits in user PTEs. _PAGE_PROTNONE (bit 8, GLOBAL's place,
 * which user entries never use) marks a not-present entry that still
 * holds a page: PROT_NONE after mprotect. _PAGE_SPECIAL: a frame without
 * a struct page reference (VM_PFNMAP).
 */
#define _PAGE_PROTNONE _PAGE_GLOBAL
#define _PAGE_SPECIAL (1ULL << 9)

#define PTE_PFN_MASK 0x000ffffffffff000ULL
#define PTE_LARGE_PFN_MASK(level_size) (PTE_PFN_MASK & ~((u64)(level_size) - 1))

/*
 * What pte_modify keeps of an entry when its protection changes: the
 * frame, the bits the CPU set, and _PAGE_SPECIAL. Everything else
 * (rights, caching) comes from the new protection.
 */
#define _PAGE_CHG_MASK (PTE_PFN_MASK | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_SPECIAL)

#define __PAGE_KERNEL_BASE (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_GLOBAL)
#define PAGE_KERNEL (__PAGE_KERNEL_BASE | _PAGE_RW | _PAGE_DIRTY | _PAGE_NX)
#define PAGE_KERNEL_RO (__PAGE_KERNEL_BASE | _PAGE_NX)
#define PAGE_KERNEL_RX (__PAGE_KERNEL_BASE)
#define PAGE_KERNEL_NOCACHE (PAGE_KERNEL | _PAGE_PCD | _PAGE_PWT)
/* Intermediate entries allow everything; the leaf decides. */
#define _PAGE_TABLE (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED)
#define _PAGE_USER_TABLE (_PAGE_TABLE | _PAGE_USER)

#endif
