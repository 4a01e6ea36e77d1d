/*
 * vmalloc.*: vmalloc, kernel stacks and ioremap (mm/vmalloc.c,
 * arch/x86/mm/ioremap.c).
 *
 * Tests compare free-page counts before and after, and want them exact
 * (free_pages.h: pending frees are let finish first).
 * Page tables for the vmalloc area are kept once allocated, so each test
 * first warms up (one vmalloc/vfree) before taking the count.
 */
#include <kestrel/errno.h>
#include <kestrel/ktest.h>
#include <kestrel/mm.h>
#include <asm/ioremap.h>
#include <asm/pgtable.h>

#include "free_pages.h"

static void warm_up_vmalloc(void)
{
	vfree(vmalloc(PAGE_SIZE));
}

KTEST(vmalloc, write_read_and_free)
{
	unsigned long free0, n = 64 * 1024 / sizeof(u32) + 1;
	u32 *v;
	bool ok = true;

	warm_up_vmalloc();
	free0 = settled_free_pages();
	v = vmalloc(n * sizeof(u32));
	KASSERT(v != NULL);
	KEXPECT(is_vmalloc_addr(v));
	KEXPECT_EQ((unsigned long)v % PAGE_SIZE, 0);
	for (unsigned long i = 0; i < n; i++)
		v[i] = i * 2654435761u;
	for (unsigned long i = 0; i < n; i++)
		ok &= v[i] == (u32)(i * 2654435761u);
	KEXPECT(ok);
	/* Each virtual page is backed by its own physical page, seen through the direct map. */
	for (unsigned long off = 0; off < n * sizeof(u32); off += PAGE_SIZE) {
		struct page *pg = vmalloc_to_page((char *)v + off);
		KASSERT(pg != NULL);
		KEXPECT(pg->flags & PG_vmalloc);
		KEXPECT_EQ(*(u32 *)page_address(pg), v[off / sizeof(u32)]);
	}
	vfree(v);
	KEXPECT(lookup_kernel_pte((unsigned long)v, NULL) == NULL);
	KEXPECT_EQ(nr_free_pages(), free0);
}

KTEST(vmalloc, guard_page_after_area)
{
	char *v, *w;
	int level;

	warm_up_vmalloc();
	v = vmalloc(3 * PAGE_SIZE);
	w = vmalloc(PAGE_SIZE);
	KASSERT(v && w);
	for (int i = 0; i < 3; i++)
		KEXPECT(lookup_kernel_pte((unsigned long)v + i * PAGE_SIZE, &level) != NULL);
	/* The page after the area is not mapped (checked in the tables, not by faulting). */
	KEXPECT(lookup_kernel_pte((unsigned long)v + 3 * PAGE_SIZE, NULL) == NULL);
	KEXPECT(w != v + 3 * PAGE_SIZE);
	KEXPECT(lookup_kernel_pte((unsigned long)w + PAGE_SIZE, NULL) == NULL);
	KEXPECT(find_vm_area(v + 3 * PAGE_SIZE) == find_vm_area(v));	/* the guard belongs to v */
	vfree(w);
	vfree(v);
	KEXPECT(find_vm_area(v) == NULL);
}

KTEST(vmalloc, kernel_stack_guard_below)
{
	unsigned long free0, size = 4 * PAGE_SIZE;
	char *s;

	warm_up_vmalloc();
	free0 = settled_free_pages();
	s = alloc_kernel_stack(size);
	KASSERT(s != NULL);
	KEXPECT(lookup_kernel_pte((unsigned long)s - PAGE_SIZE, NULL) == NULL);
	KEXPECT(lookup_kernel_pte((unsigned long)s + size, NULL) == NULL);
	for (unsigned long off = 0; off < size; off += PAGE_SIZE)
		KEXPECT(lookup_kernel_pte((unsigned long)s + off, NULL) != NULL);
	s[0] = 1;
	s[size - 1] = 2;
	KEXPECT_EQ(s[0] + s[size - 1], 3);
	mm_errors_expected = true;
	vfree(s);				/* not a vmalloc area: refused */
	mm_errors_expected = false;
	KEXPECT(lookup_kernel_pte((unsigned long)s, NULL) != NULL);
	free_kernel_stack(s);
	KEXPECT(lookup_kernel_pte((unsigned long)s, NULL) == NULL);
	KEXPECT_EQ(nr_free_pages(), free0);
}

KTEST(vmalloc, double_free_refused)
{
	unsigned long free0;
	void *v;
	void __iomem *io;

	warm_up_vmalloc();
	v = vmalloc(2 * PAGE_SIZE);
	io = ioremap(0xfee00000, PAGE_SIZE);
	KASSERT(v && io);
	vfree(v);
	iounmap(io);
	free0 = settled_free_pages();
	mm_errors_expected = true;
	vfree(v);				/* each refused, nothing freed twice */
	iounmap(io);
	vfree((char *)v + PAGE_SIZE);
	mm_errors_expected = false;
	KEXPECT_EQ(nr_free_pages(), free0);
}

KTEST(vmalloc, large_area)
{
	unsigned long free0, size = 4UL << 20;
	char *v;

	warm_up_vmalloc();
	free0 = settled_free_pages();
	v = vzalloc(size);
	KASSERT(v != NULL);
	KEXPECT_EQ(v[0] + v[size / 2] + v[size - 1], 0);
	v[size - 1] = 7;
	KEXPECT_EQ(v[size - 1], 7);
	vfree(v);
	/* 4 MiB spans new page tables the first time; nothing else may stay. */
	KEXPECT(free0 - nr_free_pages() <= 4);
	KEXPECT(vmalloc(1UL << 62) == NULL);
}

KTEST(vmalloc, ioremap_uncached)
{
	void __iomem *io;
	pteval_t *pte;
	int level;

	warm_up_vmalloc();
	io = ioremap(0xfee00030, 8);	/* local APIC registers, offset kept */
	KASSERT(io != NULL);
	KEXPECT_EQ((unsigned long)io & ~PAGE_MASK, 0x30);
	KEXPECT(is_vmalloc_addr((const void *)io));
	pte = lookup_kernel_pte((unsigned long)io, &level);
	KASSERT(pte != NULL);
	KEXPECT_EQ(level, 1);
	KEXPECT_EQ(*pte & PTE_PFN_MASK, 0xfee00000);
	KEXPECT((*pte & (_PAGE_PCD | _PAGE_PWT)) == (_PAGE_PCD | _PAGE_PWT));
	KEXPECT(*pte & _PAGE_RW);
	if (cpu_has_nx)
		KEXPECT(*pte & _PAGE_NX);
	iounmap(io);
	KEXPECT(lookup_kernel_pte((unsigned long)io, NULL) == NULL);
	KEXPECT(ioremap(0x1000, 0) == NULL);

	/* Two pages when the range crosses a page boundary. */
	io = ioremap(0xfee00ff0, 0x20);
	KASSERT(io != NULL);
	KEXPECT(lookup_kernel_pte(((unsigned long)io & PAGE_MASK) + PAGE_SIZE, NULL) != NULL);
	iounmap(io);
}
