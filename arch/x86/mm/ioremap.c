/*
 * ioremap: map a physical range (device registers, framebuffers, firmware
 * tables) into the vmalloc area, page by page, with the caching the
 * caller needs. PCD|PWT selects PAT entry 3, uncached, with the PAT the
 * CPU resets to (Kestrel does not reprogram the PAT).
 */
#include <kestrel/mm.h>
#include <kestrel/printk.h>
#include <kestrel/vmalloc.h>
#include <asm/ioremap.h>
#include <asm/pgtable.h>

#define MAX_PHYS_ADDR (1ULL << 52)

static void __iomem *__ioremap(phys_addr_t phys, unsigned long size, pteval_t prot)
{
	phys_addr_t base = phys & PAGE_MASK;
	unsigned long offset = phys & ~PAGE_MASK;
	struct vm_struct *area;

	if (!size || phys >= MAX_PHYS_ADDR || size > MAX_PHYS_ADDR - phys)
		return NULL;
	area = get_vm_area(ALIGN(offset + size, PAGE_SIZE), VM_IOREMAP);
	if (!area)
		return NULL;
	area->phys_addr = base;
	for (unsigned long off = 0; off < area->size; off += PAGE_SIZE) {
		if (map_kernel_page(area->addr + off, base + off, prot)) {
			free_vm_area(area);
			return NULL;
		}
	}
	return (void __iomem *)(area->addr + offset);
}

void __iomem *ioremap(phys_addr_t phys, unsigned long size)
{
	return __ioremap(phys, size, PAGE_KERNEL_NOCACHE);
}

void __iomem *ioremap_cache(phys_addr_t phys, unsigned long size)
{
	return __ioremap(phys, size, PAGE_KERNEL);
}

void iounmap(volatile void __iomem *addr)
{
	struct vm_struct *area;

	if (!addr)
		return;
	area = claim_vm_area((const void *)((unsigned long)addr & PAGE_MASK), VM_IOREMAP);
	if (!area) {
		mm_report_error("iounmap(%p): not an address ioremap returned", (const void *)addr);
		return;
	}
	free_vm_area(area);
}
