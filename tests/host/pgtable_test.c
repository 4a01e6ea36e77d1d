/*
 * Host tests of the pte helpers in arch/x86/include/asm/pgtable.h: what
 * each test and change does to the bits, and, over many pseudo-random
 * entries, that the compositions mm/ uses compute exactly what the raw
 * bit operations they replaced computed (mprotect's rewrite, the write
 * fault's upgrade, mkclean's downgrade, the "present" tests).
 *
 * HOST_SOURCES:
 */
#include <kestrel/ktest.h>
#include <asm/pgtable.h>

#define PFN 0x12345UL
#define USER_PROT (_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)

KTEST(pgtable, tests_read_the_right_bits)
{
	pte_t e = pfn_pte(PFN, __pgprot(USER_PROT | _PAGE_NX));

	KEXPECT_EQ(pte_val(e), (PFN << PAGE_SHIFT) | USER_PROT | _PAGE_NX);
	KEXPECT_EQ(pte_pfn(e), PFN);
	KEXPECT(pte_present(e) && !pte_protnone(e) && !pte_none(e));
	KEXPECT(!pte_write(e) && !pte_dirty(e) && pte_young(e) && !pte_exec(e));
	KEXPECT(!pte_special(e));
	KEXPECT(pte_none(__pte(0)) && !pte_present(__pte(0)));
	e = pfn_pte(PFN, __pgprot(_PAGE_PROTNONE | _PAGE_USER));
	KEXPECT(pte_present(e) && pte_protnone(e));	/* holds a page, CPU cannot use it */
	KEXPECT(pte_same(e, __pte(pte_val(e))));
}

KTEST(pgtable, changes_set_and_clear_one_bit)
{
	pte_t e = pfn_pte(PFN, __pgprot(USER_PROT));

	KEXPECT_EQ(pte_val(pte_mkwrite(e)), pte_val(e) | _PAGE_RW);
	KEXPECT_EQ(pte_val(pte_wrprotect(pte_mkwrite(e))), pte_val(e));
	KEXPECT_EQ(pte_val(pte_mkdirty(e)), pte_val(e) | _PAGE_DIRTY);
	KEXPECT_EQ(pte_val(pte_mkclean(pte_mkdirty(e))), pte_val(e));
	KEXPECT_EQ(pte_val(pte_mkold(e)), pte_val(e) & ~_PAGE_ACCESSED);
	KEXPECT_EQ(pte_val(pte_mkyoung(pte_mkold(e))), pte_val(e));
	KEXPECT_EQ(pte_val(pte_mkspecial(e)), pte_val(e) | _PAGE_SPECIAL);
	KEXPECT_EQ(pte_pfn(pte_mkdirty(pte_mkwrite(e))), PFN);
}

KTEST(pgtable, modify_keeps_frame_and_cpu_bits)
{
	pte_t e = pte_mkspecial(pte_mkdirty(pte_mkwrite(pfn_pte(PFN, __pgprot(USER_PROT)))));
	pte_t n = pte_modify(e, __pgprot(_PAGE_PROTNONE | _PAGE_USER));

	KEXPECT_EQ(pte_pfn(n), PFN);
	KEXPECT(pte_dirty(n) && pte_young(n) && pte_special(n));
	KEXPECT(!pte_write(n) && pte_protnone(n));
	n = pte_modify(n, __pgprot(USER_PROT | _PAGE_NX));
	KEXPECT(pte_present(n) && !pte_protnone(n) && !pte_exec(n) && !pte_write(n));
}

static u64 rng = 0x9e3779b97f4a7c15ULL;

static u64 next_random(void)
{
	rng ^= rng << 13;	/* xorshift64 */
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

KTEST(pgtable, compositions_equal_the_raw_bit_operations)
{
	const pteval_t keep = PTE_PFN_MASK | _PAGE_DIRTY | _PAGE_ACCESSED | _PAGE_SPECIAL;
	const pteval_t prots[] = {
		USER_PROT, USER_PROT | _PAGE_NX, USER_PROT | _PAGE_NX | _PAGE_PCD | _PAGE_PWT,
		_PAGE_PROTNONE | _PAGE_USER,
	};
	int bad = 0;

	for (int i = 0; i < 100000; i++) {
		pteval_t raw = next_random() & (PTE_PFN_MASK | 0x3ff | _PAGE_NX);
		pte_t e = __pte(raw);
		pteval_t prot = prots[i % 4];
		bool may_write = i & 4;
		pte_t n = pte_modify(e, __pgprot(prot));
		pteval_t old_n = (raw & keep) | prot;

		/* mm/mprotect.c */
		if (may_write && pte_write(e) && !pte_protnone(n))
			n = pte_mkwrite(n);
		if (may_write && (raw & _PAGE_RW) && (prot & _PAGE_PRESENT))
			old_n |= _PAGE_RW;
		bad += pte_val(n) != old_n;
		/* mm/memory.c: a write fault's upgrade */
		bad += pte_val(pte_mkyoung(pte_mkdirty(pte_mkwrite(e)))) !=
		       (raw | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED);
		/* mm/i_mmap.c: mkclean */
		bad += pte_val(pte_mkclean(pte_wrprotect(e))) != (raw & ~(_PAGE_RW | _PAGE_DIRTY));
		bad += (pte_write(e) || pte_dirty(e)) != !!(raw & (_PAGE_RW | _PAGE_DIRTY));
		/* the "present" tests */
		bad += pte_present(e) != !!(raw & (_PAGE_PRESENT | _PAGE_PROTNONE));
		bad += (pte_present(e) && !pte_protnone(e)) != !!(raw & _PAGE_PRESENT);
		bad += pte_pfn(e) != (raw & PTE_PFN_MASK) >> PAGE_SHIFT;
		/* remap_pfn_range, mk_pte */
		bad += pte_val(pte_mkspecial(pfn_pte(pte_pfn(e), __pgprot(prot)))) !=
		       ((raw & PTE_PFN_MASK) | prot | _PAGE_SPECIAL);
	}
	KEXPECT_EQ(bad, 0);
}
