/*
 * buddy.*: the buddy page allocator (mm/page_alloc.c): every order,
 * coalescing, zones, exhaustion and bad frees.
 *
 * Tests compare the free lists and free-page counts before and after, and
 * want them exact (free_pages.h: pending frees are let finish first).
 */
#include <kestrel/ktest.h>
#include <kestrel/mm.h>
#include <kestrel/string.h>

#include "free_pages.h"

struct free_snapshot {
	unsigned long nr_free[MAX_NR_ZONES][MAX_ORDER];
	unsigned long free_pages;
};

static void snapshot(struct free_snapshot *s)
{
	settle_deferred_frees();
	for (int z = 0; z < MAX_NR_ZONES; z++)
		for (int o = 0; o < MAX_ORDER; o++)
			s->nr_free[z][o] = zones[z].free_area[o].nr_free;
	s->free_pages = nr_free_pages();
}

static bool same_snapshot(const struct free_snapshot *a, const struct free_snapshot *b)
{
	return !memcmp(a, b, sizeof(*a));
}

KTEST(buddy, alloc_free_every_order)
{
	struct free_snapshot before, after;

	snapshot(&before);
	for (unsigned int order = 0; order < MAX_ORDER; order++) {
		unsigned long free0 = settled_free_pages();
		struct page *p = alloc_pages(GFP_KERNEL, order);
		char *va;

		KASSERT(p != NULL);
		KEXPECT_EQ(free0 - nr_free_pages(), 1UL << order);
		KEXPECT_EQ(page_count(p), 1);
		KEXPECT_EQ(page_to_pfn(p) & ((1UL << order) - 1), 0);	/* naturally aligned */
		KEXPECT(!(p->flags & PG_buddy));
		va = page_address(p);
		va[0] = 1;
		va[(PAGE_SIZE << order) - 1] = 2;
		KEXPECT_EQ(va[0] + va[(PAGE_SIZE << order) - 1], 3);
		__free_pages(p, order);
		KEXPECT_EQ(nr_free_pages(), free0);
	}
	snapshot(&after);
	KEXPECT(same_snapshot(&before, &after));
}

KTEST(buddy, coalescing_restores_large_blocks)
{
	struct free_snapshot before, after;
	struct page *pages[64];

	snapshot(&before);
	for (int i = 0; i < 64; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		KASSERT(pages[i] != NULL);
	}
	/* Free in an order unlike the allocation's: odd ones, then even. */
	for (int i = 1; i < 64; i += 2)
		__free_page(pages[i]);
	for (int i = 0; i < 64; i += 2)
		__free_page(pages[i]);
	snapshot(&after);
	/* Without merging, the order-0 list would have grown by 64 blocks. */
	KEXPECT(same_snapshot(&before, &after));
}

KTEST(buddy, buddies_merge_into_parent)
{
	struct page *p = alloc_pages(GFP_KERNEL, 1);
	struct zone *z;
	unsigned long free1;

	KASSERT(p != NULL);
	z = page_zone(p);
	__free_pages(p, 1);
	/* p's order-1 block is free now; if its buddy is free too they merged. */
	KEXPECT(!(p->flags & PG_buddy) || p->order >= 1);
	free1 = z->free_area[0].nr_free;
	p = alloc_pages(GFP_KERNEL, 0);
	KASSERT(p != NULL);
	__free_pages(p, 0);
	KEXPECT_EQ(z->free_area[0].nr_free, free1);
}

KTEST(buddy, zeroed_and_dma32)
{
	struct page *p = alloc_page(GFP_KERNEL);
	unsigned long *w;
	bool zero = true;

	KASSERT(p != NULL);
	memset(page_address(p), 0xa5, PAGE_SIZE);
	__free_page(p);
	p = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KASSERT(p != NULL);
	w = page_address(p);
	for (unsigned i = 0; i < PAGE_SIZE / sizeof(*w); i++)
		zero &= w[i] == 0;
	KEXPECT(zero);
	__free_page(p);

	p = alloc_pages(GFP_DMA32, 2);
	KASSERT(p != NULL);
	KEXPECT(page_to_phys(p) + (PAGE_SIZE << 2) <= (1ULL << 32));
	KEXPECT(page_zone(p) == &zones[ZONE_DMA32]);
	__free_pages(p, 2);
	if (zones[ZONE_NORMAL].free_pages >= 1) {
		/* Ordinary allocations prefer memory above 4 GiB when there is some. */
		p = alloc_page(GFP_KERNEL);
		KASSERT(p != NULL);
		KEXPECT(page_zone(p) == &zones[ZONE_NORMAL]);
		__free_page(p);
	}
}

KTEST(buddy, exhaustion_and_recovery)
{
	LIST_HEAD(taken);
	struct free_snapshot before, after;
	unsigned long got = 0;
	struct page *p, *n;

	snapshot(&before);
	for (int order = MAX_ORDER - 1; order >= 0; order--) {
		while ((p = alloc_pages(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY, order))) {
			list_add(&p->lru, &taken);
			got += 1UL << order;
		}
	}
	KEXPECT_EQ(nr_free_pages(), 0);
	KEXPECT(alloc_page(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY) == NULL);
	KEXPECT(alloc_pages(GFP_DMA32 | __GFP_NOWARN | __GFP_NORETRY, 0) == NULL);
	KEXPECT(kmalloc(8192, GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY) == NULL);
	KEXPECT_EQ(got, before.free_pages);
	list_for_each_entry_safe(p, n, &taken, lru) {
		list_del(&p->lru);
		__free_pages(p, p->order);
	}
	snapshot(&after);
	KEXPECT(same_snapshot(&before, &after));
}

KTEST(buddy, bad_frees_detected)
{
	struct page *p = alloc_pages(GFP_KERNEL, 1);
	unsigned long free0;

	KASSERT(p != NULL);
	__free_pages(p, 1);
	free0 = settled_free_pages();
	mm_errors_expected = true;
	__free_pages(p, 1);			/* double free */
	KEXPECT_EQ(nr_free_pages(), free0);
	p = alloc_pages(GFP_KERNEL, 2);
	KEXPECT(p != NULL);
	if (p) {
		__free_pages(p, 1);		/* wrong order: refused */
		KEXPECT_EQ(nr_free_pages(), free0 - 4);
		__free_pages(p, 2);
	}
	mm_errors_expected = false;
	KEXPECT_EQ(nr_free_pages(), free0);
}

KTEST(buddy, get_order)
{
	KEXPECT_EQ(get_order(1), 0);
	KEXPECT_EQ(get_order(PAGE_SIZE), 0);
	KEXPECT_EQ(get_order(PAGE_SIZE + 1), 1);
	KEXPECT_EQ(get_order(8 * PAGE_SIZE), 3);
	KEXPECT_EQ(get_order(8 * PAGE_SIZE + 1), 4);
}
