/*
 * vmalloc: virtually contiguous memory in [VMALLOC_START, VMALLOC_END).
 *
 * The space is handed out first-fit from a list of areas sorted by
 * address. Each area is its mapped part followed by one unmapped guard
 * page (kernel stacks also get one below), so running off the end of an
 * area faults instead of silently writing into the next one. vmalloc
 * backs an area with single pages from the buddy allocator; ioremap
 * (arch/x86/mm/ioremap.c) maps a device's physical range instead.
 *
 * Locking: vmap_lock protects vmap_list (the set of reserved ranges) and
 * the VM_FREEING flag, which makes a free claim its area exactly once.
 * The other fields of an area and its mappings belong to whoever
 * reserved it. Page-table
 * changes take pgtable_lock inside map_kernel_page (arch/x86/mm/pgtable.c).
 */
#include <kestrel/mm.h>
#include <kestrel/printk.h>
#include <kestrel/slab.h>
#include <kestrel/spinlock.h>
#include <kestrel/string.h>
#include <kestrel/vmalloc.h>
#include <asm/pgtable.h>

static LIST_HEAD(vmap_list);
static DEFINE_SPINLOCK(vmap_lock);	/* protects vmap_list */

struct vm_struct *get_vm_area(unsigned long size, unsigned int flags)
{
	unsigned long guard_below = (flags & VM_STACK) ? PAGE_SIZE : 0;
	unsigned long span, start = VMALLOC_START, irq;
	struct vm_struct *area;
	struct list_head *pos;

	size = ALIGN(size, PAGE_SIZE);
	if (!size || size > VMALLOC_END - VMALLOC_START)
		return NULL;
	span = guard_below + size + PAGE_SIZE;
	area = kzalloc(sizeof(*area), GFP_KERNEL);
	if (!area)
		return NULL;

	spin_lock_irqsave(&vmap_lock, irq);
	list_for_each(pos, &vmap_list) {
		struct vm_struct *a = list_entry(pos, struct vm_struct, list);
		if (a->start - start >= span)
			break;	/* the hole before a is big enough */
		start = a->end;
	}
	if (VMALLOC_END - start < span - 1) {
		spin_unlock_irqrestore(&vmap_lock, irq);
		kfree(area);
		return NULL;
	}
	area->start = start;
	area->end = start + span;
	area->addr = start + guard_below;
	area->size = size;
	area->flags = flags;
	list_add_tail(&area->list, pos);	/* before the area that ends the hole */
	spin_unlock_irqrestore(&vmap_lock, irq);
	return area;
}

void free_vm_area(struct vm_struct *area)
{
	unsigned long irq;

	/* Unmap first, so the range is never reused while still mapped. */
	unmap_kernel_range(area->addr, area->addr + area->size);
	spin_lock_irqsave(&vmap_lock, irq);
	list_del(&area->list);
	spin_unlock_irqrestore(&vmap_lock, irq);
	kfree(area);
}

struct vm_struct *find_vm_area(const void *addr)
{
	unsigned long a = (unsigned long)addr, irq;
	struct vm_struct *area, *found = NULL;

	spin_lock_irqsave(&vmap_lock, irq);
	list_for_each_entry(area, &vmap_list, list) {
		if (a >= area->start && a < area->end) {
			found = area;
			break;
		}
	}
	spin_unlock_irqrestore(&vmap_lock, irq);
	return found;
}

struct vm_struct *claim_vm_area(const void *addr, unsigned int flags)
{
	unsigned long a = (unsigned long)addr, irq;
	struct vm_struct *area, *found = NULL;

	spin_lock_irqsave(&vmap_lock, irq);
	list_for_each_entry(area, &vmap_list, list) {
		if (area->addr == a && (area->flags & flags) && !(area->flags & VM_FREEING)) {
			area->flags |= VM_FREEING;
			found = area;
			break;
		}
	}
	spin_unlock_irqrestore(&vmap_lock, irq);
	return found;
}

bool is_vmalloc_addr(const void *addr)
{
	unsigned long a = (unsigned long)addr;

	return a >= VMALLOC_START && a <= VMALLOC_END;
}

static void free_area_pages(struct page **pages, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		pages[i]->flags &= ~PG_vmalloc;
		__free_page(pages[i]);
	}
	kfree(pages);
}

/* Back area with fresh pages and map them. On failure the caller frees the area. */
static int populate_area(struct vm_struct *area, gfp_t gfp)
{
	unsigned int n = area->size >> PAGE_SHIFT;

	area->pages = kcalloc(n, sizeof(struct page *), GFP_KERNEL);
	if (!area->pages)
		return -1;
	for (unsigned int i = 0; i < n; i++) {
		struct page *page = alloc_page(gfp);
		if (!page)
			return -1;
		page->flags |= PG_vmalloc;
		area->pages[i] = page;
		area->nr_pages++;
		if (map_kernel_page(area->addr + i * PAGE_SIZE, page_to_phys(page), PAGE_KERNEL))
			return -1;
	}
	return 0;
}

static void *__vmalloc(unsigned long size, gfp_t gfp, unsigned int flags)
{
	struct vm_struct *area = get_vm_area(size, flags);
	struct page **pages;
	unsigned int n;

	if (!area)
		return NULL;
	if (populate_area(area, gfp)) {
		pages = area->pages;
		n = area->nr_pages;
		free_vm_area(area);
		if (pages)
			free_area_pages(pages, n);
		return NULL;
	}
	return (void *)area->addr;
}

void *vmalloc(unsigned long size)
{
	return __vmalloc(size, GFP_KERNEL, VM_ALLOC);
}

void *vzalloc(unsigned long size)
{
	return __vmalloc(size, GFP_KERNEL | __GFP_ZERO, VM_ALLOC);
}

static void __vfree(const void *addr, unsigned int flags, const char *who)
{
	struct vm_struct *area;
	struct page **pages;
	unsigned int n;

	if (!addr)
		return;
	area = claim_vm_area(addr, flags);
	if (!area) {
		mm_report_error("%s(%p): not an address it returned, or freed already", who, addr);
		return;
	}
	pages = area->pages;
	n = area->nr_pages;
	free_vm_area(area);
	free_area_pages(pages, n);
}

void vfree(const void *addr)
{
	__vfree(addr, VM_ALLOC, "vfree");
}

struct page *vmalloc_to_page(const void *addr)
{
	phys_addr_t pa;

	if (!is_vmalloc_addr(addr))
		return NULL;
	pa = kernel_virt_to_phys((unsigned long)addr);
	if (pa == (phys_addr_t)-1 || !pfn_valid(PFN_DOWN(pa)))
		return NULL;
	return pfn_to_page(PFN_DOWN(pa));
}

void *alloc_kernel_stack(unsigned long size)
{
	return __vmalloc(size, GFP_KERNEL, VM_STACK);
}

void free_kernel_stack(void *base)
{
	__vfree(base, VM_STACK, "free_kernel_stack");
}

void vmalloc_init(void)
{
	pr_info("vmalloc: [%#lx-%#lx], guard page after every area\n", VMALLOC_START, VMALLOC_END);
}
