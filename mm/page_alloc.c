/*
 * The buddy page allocator.
 *
 * Free memory is kept in blocks of 2^order pages (order 0..MAX_ORDER-1),
 * each block aligned to its size in page frame numbers. A block's buddy
 * is the block of the same order it was split from: pfn ^ (1 << order).
 * Allocating takes the smallest free block that fits and splits it,
 * returning the unused halves to the free lists; freeing merges the block
 * with its buddy for as long as the buddy is free too, so memory goes
 * back to large blocks.
 *
 * Every zone (DMA32: below 4 GiB, NORMAL: above) has its own free lists
 * and lock. A free block's first page carries PG_buddy and its order; the
 * other pages of the block are untouched, which is why boot only has to
 * zero mem_map and write one struct page per 2 MiB of free memory.
 */
#include <stdarg.h>
#include <kestrel/memblock.h>
#include <kestrel/might_sleep.h>
#include <kestrel/mm.h>
#include <kestrel/oom.h>
#include <kestrel/preempt.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include <kestrel/sched_signal.h>
#include <kestrel/string.h>
#include <kestrel/time.h>
#include "internal.h"

#define PAGE_ALLOC_COSTLY_ORDER 3	/* larger requests fail rather than kill (Linux's) */
#define OOM_RETRIES 20			/* waits for a victim before the allocation fails */
#define OOM_WAIT (HZ / 10)

struct page *mem_map;
unsigned long max_pfn;
bool page_alloc_ready;

struct zone zones[MAX_NR_ZONES] = {
	[ZONE_DMA32] = { .name = "DMA32" },
	[ZONE_NORMAL] = { .name = "Normal" },
};

static inline unsigned long buddy_pfn_of(unsigned long pfn, unsigned int order)
{
	return pfn ^ (1UL << order);
}

static void add_to_free_list(struct zone *z, struct page *page, unsigned int order)
{
	page->flags |= PG_buddy;
	page->order = order;
	list_add(&page->lru, &z->free_area[order].free_list);
	z->free_area[order].nr_free++;
}

static void del_from_free_list(struct zone *z, struct page *page, unsigned int order)
{
	list_del(&page->lru);
	page->flags &= ~PG_buddy;
	z->free_area[order].nr_free--;
}

/* Give the block at pfn back to z, merging with free buddies. Zone lock held. */
static void free_one_block(struct zone *z, unsigned long pfn, unsigned int order)
{
	z->free_pages += 1UL << order;
	while (order < MAX_ORDER - 1) {
		unsigned long bpfn = buddy_pfn_of(pfn, order);
		struct page *buddy;

		if (bpfn < z->start_pfn || bpfn >= z->end_pfn)
			break;
		buddy = pfn_to_page(bpfn);
		if (!(buddy->flags & PG_buddy) || buddy->order != order)
			break;
		del_from_free_list(z, buddy, order);
		pfn &= bpfn;	/* the merged block starts at the lower of the two */
		order++;
	}
	add_to_free_list(z, pfn_to_page(pfn), order);
}

/* Take a block of 2^order pages from z, splitting a larger one if needed. Zone lock held. */
static struct page *take_block(struct zone *z, unsigned int order)
{
	for (unsigned int o = order; o < MAX_ORDER; o++) {
		struct page *page;

		if (list_empty(&z->free_area[o].free_list))
			continue;
		page = list_first_entry(&z->free_area[o].free_list, struct page, lru);
		del_from_free_list(z, page, o);
		while (o > order) {
			o--;
			add_to_free_list(z, page + (1UL << o), o);
		}
		z->free_pages -= 1UL << order;
		return page;
	}
	return NULL;
}

/* One pass over the zones gfp allows; NULL if none has a block of this order. */
static struct page *take_block_from_zones(gfp_t gfp, unsigned int order)
{
	/* Prefer memory above 4 GiB: keep the low zone for devices that need it. */
	static const enum zone_type normal_order[] = { ZONE_NORMAL, ZONE_DMA32 };
	static const enum zone_type dma32_order[] = { ZONE_DMA32 };
	const enum zone_type *zl = (gfp & __GFP_DMA32) ? dma32_order : normal_order;
	int nz = (gfp & __GFP_DMA32) ? 1 : 2;
	struct page *page = NULL;

	for (int i = 0; i < nz && !page; i++) {
		struct zone *z = &zones[zl[i]];
		unsigned long flags;

		spin_lock_irqsave(&z->lock, flags);
		page = take_block(z, order);
		spin_unlock_irqrestore(&z->lock, flags);
	}
	return page;
}

extern bool sched_running;

/*
 * May this allocation end a process to get its memory? Only a small one
 * (the others have fallbacks, or were never sure to succeed), without
 * __GFP_NORETRY, from a context that may sleep (waiting for the victim).
 */
static bool may_oom(gfp_t gfp, unsigned int order)
{
	if ((gfp & __GFP_NORETRY) || order > PAGE_ALLOC_COSTLY_ORDER)
		return false;
	return sched_running && preemptible() && !in_interrupt() && !in_nosleep_section();
}

/*
 * The last resort (Linux's __alloc_pages_may_oom): the OOM killer picks a
 * victim, we wait for its memory and try again, a bounded number of
 * times. A task that is dying itself does not wait: failing lets it exit,
 * which frees memory too. NULL: the caller gets ENOMEM.
 */
static struct page *alloc_pages_may_oom(gfp_t gfp, unsigned int order)
{
	struct page *page = NULL;

	for (int tries = 0; tries < OOM_RETRIES && !page; tries++) {
		if (fatal_signal_pending(current) || (current->flags & PF_EXITING))
			break;
		if (!out_of_memory(gfp, order))
			break;	/* nobody left to kill */
		oom_wait_for_victim(OOM_WAIT);
		page = take_block_from_zones(gfp, order);
		if (!page && try_to_free_pages(order, gfp))
			page = take_block_from_zones(gfp, order);
	}
	return page;
}

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	struct page *page;

	if (order >= MAX_ORDER) {
		if (!(gfp & __GFP_NOWARN))
			pr_warn("page allocation failure: order %u is above the largest (%d)\n",
				order, MAX_ORDER - 1);
		return NULL;
	}
	page = take_block_from_zones(gfp, order);
	/*
	 * Slow path: ask the shrinkers (page cache, dcache...) for memory
	 * and try once more. try_to_free_pages() does nothing where sleeping
	 * is not allowed (interrupts, spinlocks held).
	 */
	if (!page && try_to_free_pages(order, gfp))
		page = take_block_from_zones(gfp, order);
	if (!page && may_oom(gfp, order))
		page = alloc_pages_may_oom(gfp, order);
	if (!page) {
		if (!(gfp & __GFP_NOWARN))
			pr_warn("page allocation failure: order %u, gfp %#x, %lu pages free\n", order,
				gfp, nr_free_pages());
		return NULL;
	}
	set_page_count(page, 1);
	page->order = order;
	if (gfp & __GFP_ZERO)
		zero_qwords(page_address(page), PAGE_SIZE << order);
	return page;
}

bool mm_errors_expected;

void mm_report_error(const char *fmt, ...)
{
	char msg[192];
	va_list ap;

	va_start(ap, fmt);
	vscnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (mm_errors_expected) {
		pr_info("mm: expected error: %s\n", msg);
		return;
	}
	pr_err("BUG: %s\n", msg);
	WARN_ON(1);
}

static void bad_page(struct page *page, unsigned int order, const char *why)
{
	mm_report_error("page allocator: freeing pfn %#lx (order %u, flags %#lx, count %d): %s",
			page_to_pfn(page), order, page->flags, page_count(page), why);
}

void __free_pages(struct page *page, unsigned int order)
{
	struct zone *z;
	unsigned long flags;
	int count;

	if (order >= MAX_ORDER || !pfn_valid(page_to_pfn(page))) {
		bad_page(page, order, "not a page of RAM or bad order");
		return;
	}
	if (page->flags & (PG_buddy | PG_reserved | PG_slab)) {
		bad_page(page, order, page->flags & PG_buddy ? "double free" : "page not allocated");
		return;
	}
	if (page->order != order) {
		bad_page(page, order, "order differs from the allocation's");
		return;
	}
	count = page_ref_dec_return(page);
	if (count > 0)
		return;		/* someone else still holds a reference */
	if (count < 0) {
		set_page_count(page, 0);
		bad_page(page, order, "reference count below zero");
		return;
	}
	page->flags = 0;
	page->slab_cache = NULL;
	page->freelist = NULL;
	z = page_zone(page);
	spin_lock_irqsave(&z->lock, flags);
	free_one_block(z, page_to_pfn(page), order);
	spin_unlock_irqrestore(&z->lock, flags);
}

void put_page(struct page *page)
{
	__free_pages(page, page->order);
}

unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp, order);

	return page ? (unsigned long)page_address(page) : 0;
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (!addr)
		return;
	if (!virt_addr_valid((void *)addr) || !IS_ALIGNED(addr, PAGE_SIZE)) {
		mm_report_error("free_pages: %#lx is not a page of the direct map", addr);
		return;
	}
	__free_pages(virt_to_page((void *)addr), order);
}

unsigned long nr_free_pages(void)
{
	unsigned long n = 0;

	for (int i = 0; i < MAX_NR_ZONES; i++)
		n += READ_ONCE(zones[i].free_pages);
	return n;
}

unsigned int get_order(unsigned long size)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

/* Hand [start, end) (pfns, one zone) to the allocator in the largest aligned blocks. */
static void free_pfn_range(struct zone *z, unsigned long start, unsigned long end)
{
	while (start < end) {
		unsigned int order = start ? min(__builtin_ctzl(start), MAX_ORDER - 1) : MAX_ORDER - 1;

		while (start + (1UL << order) > end)
			order--;
		free_one_block(z, start, order);
		z->managed_pages += 1UL << order;
		start += 1UL << order;
	}
}

static void free_range_cb(phys_addr_t start, phys_addr_t end, void *arg)
{
	unsigned long s = PFN_UP(start), e = PFN_DOWN(end);

	if (s < ZONE_DMA32_END_PFN)
		free_pfn_range(&zones[ZONE_DMA32], s, min(e, ZONE_DMA32_END_PFN));
	if (e > ZONE_DMA32_END_PFN)
		free_pfn_range(&zones[ZONE_NORMAL], max(s, ZONE_DMA32_END_PFN), e);
}

static void mark_reserved_cb(phys_addr_t start, phys_addr_t end, void *arg)
{
	for (unsigned long pfn = PFN_DOWN(start); pfn < PFN_UP(end) && pfn < max_pfn; pfn++)
		mem_map[pfn].flags |= PG_reserved;
}

static void zones_init(void)
{
	zones[ZONE_DMA32].start_pfn = 0;
	zones[ZONE_DMA32].end_pfn = min(max_pfn, ZONE_DMA32_END_PFN);
	zones[ZONE_NORMAL].start_pfn = ZONE_DMA32_END_PFN;
	zones[ZONE_NORMAL].end_pfn = max(max_pfn, ZONE_DMA32_END_PFN);
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		spin_lock_init(&zones[i].lock);
		for (int o = 0; o < MAX_ORDER; o++)
			INIT_LIST_HEAD(&zones[i].free_area[o].free_list);
	}
}

/*
 * Build mem_map and give every free page to the buddy allocator. Runs
 * once on the boot CPU (no locking needed yet); memblock is retired after.
 */
void page_alloc_init(void)
{
	size_t size;

	/* One per 4 KiB of RAM: 48 bytes is 1.2% of memory; keep it there. */
	BUILD_BUG_ON(sizeof(struct page) > 48);
	max_pfn = PFN_DOWN(memblock_end_of_ram());
	size = ALIGN(max_pfn * sizeof(struct page), PAGE_SIZE);
	mem_map = __va(memblock_alloc_phys(size, PAGE_SIZE));
	zero_qwords(mem_map, size);
	zones_init();

	/* Reserved pages inside RAM: the kernel, boot data, page tables, mem_map. */
	for (unsigned long i = 0; i < memblock_reserved.cnt; i++) {
		const struct memblock_region *r = &memblock_reserved.regions[i];
		mark_reserved_cb(r->base, r->base + r->size, NULL);
	}
	memblock_type_for_each_gap(&memblock_memory, &memblock_reserved, free_range_cb, NULL);
	memblock_retire();
	page_alloc_ready = true;
}
