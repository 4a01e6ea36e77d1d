/*
 * pgtable.*: the kernel page tables (arch/x86/mm/pgtable.c, init.c):
 * mapping and unmapping kernel pages, the protections of the kernel
 * image, the direct map and the CPU's paging state.
 */
#include <kestrel/errno.h>
#include <kestrel/ktest.h>
#include <kestrel/mm.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/traps.h>

KTEST(pgtable, map_unmap_two_mappings)
{
	struct page *pg = alloc_page(GFP_KERNEL | __GFP_ZERO);
	struct vm_struct *area;
	volatile u64 *direct, *alias;

	vfree(vmalloc(PAGE_SIZE));	/* the vmalloc area's page tables exist */
	area = get_vm_area(PAGE_SIZE, VM_IOREMAP);
	KASSERT(pg && area);
	KEXPECT_EQ(map_kernel_page(area->addr, page_to_phys(pg), PAGE_KERNEL), 0);
	KEXPECT_EQ(map_kernel_page(area->addr, page_to_phys(pg), PAGE_KERNEL), -EEXIST);
	direct = page_address(pg);
	alias = (volatile u64 *)area->addr;
	direct[5] = 0x1234567890abcdefULL;
	KEXPECT_EQ(alias[5], 0x1234567890abcdefULL);
	alias[511] = 42;
	KEXPECT_EQ(direct[511], 42);
	KEXPECT_EQ(kernel_virt_to_phys(area->addr + 8), page_to_phys(pg) + 8);
	unmap_kernel_page(area->addr);
	flush_tlb_kernel_range(area->addr, area->addr + PAGE_SIZE);
	KEXPECT(lookup_kernel_pte(area->addr, NULL) == NULL);
	KEXPECT_EQ(kernel_virt_to_phys(area->addr), (phys_addr_t)-1);
	free_vm_area(area);
	__free_page(pg);
}

static int some_data = 1;
static int some_bss;
static const int some_rodata = 3;
extern char _text[], _etext[];

KTEST(pgtable, kernel_image_protections)
{
	pteval_t *pte;
	int level;

	pte = lookup_kernel_pte((unsigned long)ktest_pgtable_kernel_image_protections, &level);
	KASSERT(pte != NULL);
	KEXPECT_EQ(level, 1);
	KEXPECT(!(*pte & _PAGE_RW));			/* text: not writable */
	KEXPECT(!(*pte & _PAGE_NX));			/* ... but executable */

	pte = lookup_kernel_pte((unsigned long)&some_rodata, &level);
	KASSERT(pte != NULL);
	KEXPECT(!(*pte & _PAGE_RW));
	if (cpu_has_nx)
		KEXPECT(*pte & _PAGE_NX);

	for (int i = 0; i < 2; i++) {
		pte = lookup_kernel_pte(i ? (unsigned long)&some_bss : (unsigned long)&some_data, &level);
		KASSERT(pte != NULL);
		KEXPECT_EQ(level, 1);
		KEXPECT(*pte & _PAGE_RW);		/* data: writable */
		if (cpu_has_nx)
			KEXPECT(*pte & _PAGE_NX);	/* ... not executable */
	}
	KEXPECT_EQ(some_data + some_bss, 1);
	KEXPECT_EQ(kernel_virt_to_phys((unsigned long)_text), __pa_symbol(_text));
	/* The 32-bit boot section and the identity map are gone. */
	KEXPECT(lookup_kernel_pte(KERNEL_VMA + KERNEL_PHYS, NULL) == NULL);
	KEXPECT(lookup_kernel_pte(KERNEL_PHYS, NULL) == NULL);
	KEXPECT(lookup_kernel_pte(0, NULL) == NULL);
}

extern char boot_stack_guard[], boot_stack[];

/*
 * The direct map's alias of the kernel's text and rodata is read-only
 * too (and never executable), its data writable; the guard page below
 * init's boot stack is not mapped at all.
 */
KTEST(pgtable, kernel_image_alias_and_stack_guards)
{
	unsigned long text = (unsigned long)__va(__pa_symbol(ktest_pgtable_kernel_image_alias_and_stack_guards));
	unsigned long rodata = (unsigned long)__va(__pa_symbol(&some_rodata));
	unsigned long data = (unsigned long)__va(__pa_symbol(&some_data));
	pteval_t *pte;
	int level;

	pte = lookup_kernel_pte(text, &level);
	KASSERT(pte != NULL);
	KEXPECT_EQ(level, 1);
	KEXPECT(!(*pte & _PAGE_RW));
	if (cpu_has_nx)
		KEXPECT(*pte & _PAGE_NX);
	pte = lookup_kernel_pte(rodata, &level);
	KASSERT(pte != NULL);
	KEXPECT(!(*pte & _PAGE_RW));
	pte = lookup_kernel_pte(data, &level);
	KASSERT(pte != NULL);
	KEXPECT(*pte & _PAGE_RW);
	KEXPECT(is_static_stack_guard((unsigned long)boot_stack_guard));
	KEXPECT(lookup_kernel_pte((unsigned long)boot_stack_guard, NULL) == NULL);
	KEXPECT(lookup_kernel_pte((unsigned long)boot_stack, NULL) != NULL);
	KEXPECT_EQ((unsigned long)boot_stack - (unsigned long)boot_stack_guard, PAGE_SIZE);
}

KTEST(pgtable, direct_map_and_cpu_state)
{
	unsigned long top = (unsigned long)__va(PFN_PHYS(max_pfn - 1));
	pteval_t *pte;
	int level;

	KEXPECT_EQ(read_cr3() & PTE_PFN_MASK, __pa(kernel_pgd));
	if (cpu_has_nx)
		KEXPECT(rdmsr(MSR_EFER) & EFER_NXE);
	/* The highest RAM page and the first are mapped where __va says. */
	KEXPECT_EQ(kernel_virt_to_phys(top), PFN_PHYS(max_pfn - 1));
	KEXPECT_EQ(kernel_virt_to_phys((unsigned long)__va(0x123456)), 0x123456);
	/* Large pages away from the kernel (whose 2 MiB blocks are split: below). */
	pte = lookup_kernel_pte((unsigned long)__va(64UL << 20), &level);
	KASSERT(pte != NULL);
	KEXPECT(level >= 2);
	KEXPECT(*pte & _PAGE_RW);
	if (cpu_has_nx)
		KEXPECT(*pte & _PAGE_NX);
	pte = lookup_kernel_pte(top, &level);
	KASSERT(pte != NULL);
	KEXPECT(level >= 2);
	if (cpu_has_nx)
		KEXPECT(*pte & _PAGE_NX);
	/* mem_map covers every page up to max_pfn, and totals add up. */
	KEXPECT(virt_to_page(__va(PFN_PHYS(max_pfn - 1))) == &mem_map[max_pfn - 1]);
	KEXPECT(nr_free_pages() <= zones[ZONE_DMA32].managed_pages + zones[ZONE_NORMAL].managed_pages);
	KEXPECT(totalram_bytes >> PAGE_SHIFT >= zones[ZONE_DMA32].managed_pages +
						 zones[ZONE_NORMAL].managed_pages);
}
