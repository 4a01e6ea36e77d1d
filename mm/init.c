/*
 * mm_init: bring up memory management, in the only order that works.
 *
 *   1. memblock_setup   the boot memory map -> usable RAM and what is taken
 *   2. paging_init      final page tables: direct map, kernel image (W^X)
 *   3. page_alloc_init  struct page array, all free RAM to the buddy allocator
 *   4. kmem_cache_init  the slab caches behind kmalloc
 *   5. vmalloc_init     the vmalloc/ioremap area
 *
 * Each step only uses what the steps before it built.
 */
#include <kestrel/mm.h>
#include <kestrel/printk.h>

static void print_zones(void)
{
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		const struct zone *z = &zones[i];

		if (!z->managed_pages)
			continue;
		pr_info("  zone %-6s [mem %#012llx-%#012llx] %lu MiB managed, %lu MiB free\n",
			z->name, (unsigned long long)PFN_PHYS(z->start_pfn),
			(unsigned long long)PFN_PHYS(z->end_pfn) - 1, z->managed_pages >> 8,
			z->free_pages >> 8);
	}
}

void mm_init(void)
{
	memblock_setup();
	paging_init();
	page_alloc_init();
	kmem_cache_init();
	vmalloc_init();
	vm_init();
	pr_info("Memory: %llu MiB usable\n", (unsigned long long)(totalram_bytes >> 20));
	print_zones();
}
