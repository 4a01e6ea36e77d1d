/*
 * ktests of mm/: the buddy allocator (buddy.*), slab and kmalloc (slab.*),
 * vmalloc, kernel stacks and ioremap (vmalloc.*) and the kernel page
 * tables (pgtable.*).
 *
 * Many tests compare free-page counts before and after: tests run one at
 * a time with nothing else allocating, so the counts must match exactly.
 * Frees that earlier tests left pending (the reaper freeing the stacks of
 * their exited threads, RCU callbacks) are let finish first where a test
 * runs long enough to see one (settle_deferred_frees).
 * Page tables for the vmalloc area are kept once allocated, so tests that
 * map there first warm up (one vmalloc/vfree) before taking the count.
 */
#include <kestrel/atomic.h>
#include <kestrel/errno.h>
#include <kestrel/ktest.h>
#include <kestrel/mm.h>
#include <kestrel/rcupdate.h>
#include <kestrel/sched.h>
#include <kestrel/string.h>
#include <asm/ioremap.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/traps.h>

struct free_snapshot {
	unsigned long nr_free[MAX_NR_ZONES][MAX_ORDER];
	unsigned long free_pages;
};

static void settle_deferred_frees(void)
{
	sched_reap_wait();
	rcu_barrier();
}

/* The free-page count to compare against, once pending frees are done. */
static unsigned long settled_free_pages(void)
{
	settle_deferred_frees();
	return nr_free_pages();
}

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

static void warm_up_vmalloc(void)
{
	vfree(vmalloc(PAGE_SIZE));
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

#define NOBJ 1000

KTEST(slab, cache_many_objects_and_stats)
{
	void **objs = kmalloc(NOBJ * sizeof(void *), GFP_KERNEL);
	struct kmem_cache_stats st;
	struct kmem_cache *c;
	unsigned long free0, per_slab;
	bool pattern_ok = true;

	KASSERT(objs != NULL);
	free0 = settled_free_pages();
	c = kmem_cache_create("ktest-72", 72, 0, 0);
	KASSERT(c != NULL);
	for (int i = 0; i < NOBJ; i++) {
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		KASSERT(objs[i] != NULL);
		KEXPECT_EQ((unsigned long)objs[i] % 8, 0);
		memset(objs[i], i & 0xff, 72);
	}
	for (int i = 0; i < NOBJ; i++)
		for (int b = 0; b < 72; b++)
			pattern_ok &= ((unsigned char *)objs[i])[b] == (i & 0xff);
	KEXPECT(pattern_ok);	/* no two objects overlap */
	kmem_cache_get_stats(c, &st);
	KEXPECT_EQ(st.active_objs, NOBJ);
	KEXPECT_EQ(st.object_size, 72);
	KASSERT(st.nr_slabs > 0);
	per_slab = st.total_objs / st.nr_slabs;
	KEXPECT_EQ(st.total_objs % st.nr_slabs, 0);
	KEXPECT_EQ(st.nr_slabs, (NOBJ + per_slab - 1) / per_slab);
	KEXPECT(st.nr_pages >= st.nr_slabs);
	KEXPECT(free0 - nr_free_pages() >= st.nr_pages);

	for (int i = 0; i < NOBJ; i += 2)
		kmem_cache_free(c, objs[i]);
	kmem_cache_get_stats(c, &st);
	KEXPECT_EQ(st.active_objs, NOBJ / 2);
	for (int i = 1; i < NOBJ; i += 2)
		kmem_cache_free(c, objs[i]);
	kmem_cache_get_stats(c, &st);
	KEXPECT_EQ(st.active_objs, 0);
	KEXPECT_EQ(st.nr_slabs, 0);
	KEXPECT_EQ(st.nr_pages, 0);
	KEXPECT_EQ(st.errors, 0);
	kmem_cache_destroy(c);
	KEXPECT_EQ(nr_free_pages(), free0);
	kfree(objs);
}

KTEST(slab, alignment)
{
	struct kmem_cache *c = kmem_cache_create("ktest-align", 40, 64, 0);
	struct kmem_cache *h = kmem_cache_create("ktest-hw", 24, 0, SLAB_HWCACHE_ALIGN);
	void *a[20], *b[20];

	KASSERT(c != NULL && h != NULL);
	for (int i = 0; i < 20; i++) {
		a[i] = kmem_cache_alloc(c, GFP_KERNEL);
		b[i] = kmem_cache_alloc(h, GFP_KERNEL);
		KASSERT(a[i] && b[i]);
		KEXPECT_EQ((unsigned long)a[i] % 64, 0);
		KEXPECT_EQ((unsigned long)b[i] % 64, 0);
	}
	for (int i = 0; i < 20; i++) {
		kmem_cache_free(c, a[i]);
		kmem_cache_free(h, b[i]);
	}
	kmem_cache_destroy(c);
	kmem_cache_destroy(h);
	KEXPECT(kmem_cache_create("ktest-bad", 8, 3, 0) == NULL);	/* align not a power of 2 */
}

KTEST(slab, kmalloc_every_size_class)
{
	unsigned long free0 = settled_free_pages();

	for (size_t size = 8; size <= KMALLOC_MAX_CACHE_SIZE; size *= 2) {
		size_t sizes[] = { size / 2 + 1, size };
		for (int k = 0; k < 2; k++) {
			struct kmem_cache_stats before, after;
			struct kmem_cache *c = kmalloc_cache(sizes[k]);
			char *p;

			KASSERT(c != NULL);
			kmem_cache_get_stats(c, &before);
			p = kmalloc(sizes[k], GFP_KERNEL);
			KASSERT(p != NULL);
			kmem_cache_get_stats(c, &after);
			KEXPECT_EQ(after.active_objs, before.active_objs + 1);
			KEXPECT_EQ(after.object_size, size);
			KEXPECT_EQ(ksize(p), size);
			KEXPECT_EQ((unsigned long)p % size, 0);	/* power-of-two classes are aligned */
			memset(p, 0x5a, sizes[k]);
			KEXPECT_EQ(p[sizes[k] - 1], 0x5a);
			kfree(p);
			kmem_cache_get_stats(c, &after);
			KEXPECT_EQ(after.active_objs, before.active_objs);
		}
	}
	/* Above 4 KiB: whole pages, order recorded in the struct page. */
	for (size_t size = 4097; size <= (1UL << 20); size = size * 4) {
		char *p = kmalloc(size, GFP_KERNEL);
		KASSERT(p != NULL);
		KEXPECT_EQ((unsigned long)p % PAGE_SIZE, 0);
		KEXPECT_EQ(virt_to_page(p)->order, get_order(size));
		KEXPECT(virt_to_page(p)->flags & PG_large_kmalloc);
		KEXPECT_EQ(ksize(p), PAGE_SIZE << get_order(size));
		p[size - 1] = 1;
		kfree(p);
	}
	KEXPECT_EQ(nr_free_pages(), free0);
}

KTEST(slab, kzalloc_and_kcalloc_zero)
{
	unsigned char *p = kmalloc(256, GFP_KERNEL);
	bool zero = true;

	KASSERT(p != NULL);
	memset(p, 0xff, 256);
	kfree(p);
	p = kzalloc(256, GFP_KERNEL);
	KASSERT(p != NULL);
	for (int i = 0; i < 256; i++)
		zero &= p[i] == 0;
	KEXPECT(zero);
	kfree(p);
	KEXPECT(kcalloc((size_t)-1 / 2, 4, GFP_KERNEL) == NULL);	/* overflow */
	p = kcalloc(10, 30, GFP_KERNEL);
	KASSERT(p != NULL);
	KEXPECT_EQ(p[299], 0);
	kfree(p);
}

KTEST(slab, double_and_foreign_free_detected)
{
	struct kmem_cache *c = kmem_cache_create("ktest-df", 64, 0, 0);
	struct kmem_cache *other = kmem_cache_create("ktest-other", 64, 0, 0);
	struct kmem_cache_stats st;
	long errs0 = atomic_long_read(&slab_error_count);
	static char not_heap[64];
	char on_page[1] = { 0 };
	void *a, *b, *x;
	struct page *pg;

	KASSERT(c && other);
	a = kmem_cache_alloc(c, GFP_KERNEL);
	b = kmem_cache_alloc(c, GFP_KERNEL);	/* keeps the slab alive */
	x = kmem_cache_alloc(other, GFP_KERNEL);
	pg = alloc_page(GFP_KERNEL);
	KASSERT(a && b && x && pg);
	mm_errors_expected = true;

	kmem_cache_free(c, a);
	kmem_cache_free(c, a);				/* double free */
	KEXPECT_EQ(atomic_long_read(&slab_error_count), errs0 + 1);
	kmem_cache_get_stats(c, &st);
	KEXPECT_EQ(st.active_objs, 1);
	KEXPECT_EQ(st.errors, 1);

	kmem_cache_free(c, x);				/* object of another cache */
	kmem_cache_free(c, (char *)b + 8);		/* middle of an object */
	kfree(not_heap);				/* kernel image, not the heap */
	kfree(on_page);					/* a stack address */
	kfree(page_address(pg));			/* a page kmalloc never returned */
	KEXPECT_EQ(atomic_long_read(&slab_error_count), errs0 + 6);
	kmem_cache_get_stats(c, &st);
	KEXPECT_EQ(st.active_objs, 1);
	kmem_cache_destroy(c);				/* refused: b is in use */
	mm_errors_expected = false;

	kmem_cache_free(c, b);
	kmem_cache_free(other, x);
	__free_page(pg);
	kmem_cache_destroy(c);
	kmem_cache_destroy(other);
	KEXPECT_EQ(atomic_long_read(&slab_error_count), errs0 + 6);
}

KTEST(slab, write_after_free_detected)
{
	struct kmem_cache *c = kmem_cache_create("ktest-uaf", 128, 0, 0);
	long errs0 = atomic_long_read(&slab_error_count);
	char *a, *b, *again;

	KASSERT(c != NULL);
	a = kmem_cache_alloc(c, GFP_KERNEL);
	b = kmem_cache_alloc(c, GFP_KERNEL);
	KASSERT(a && b);
	kmem_cache_free(c, a);
	KEXPECT_EQ((unsigned char)a[100], 0x6b);	/* poisoned */
	a[100] = 1;					/* the bug: a write after free */
	mm_errors_expected = true;
	again = kmem_cache_alloc(c, GFP_KERNEL);	/* hands out a again, checks poison */
	mm_errors_expected = false;
	KEXPECT(again == a);
	KEXPECT_EQ(atomic_long_read(&slab_error_count), errs0 + 1);
	kmem_cache_free(c, again);
	kmem_cache_free(c, b);
	kmem_cache_destroy(c);
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

KTEST(pgtable, map_unmap_two_mappings)
{
	struct page *pg = alloc_page(GFP_KERNEL | __GFP_ZERO);
	struct vm_struct *area;
	volatile u64 *direct, *alias;

	warm_up_vmalloc();
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
