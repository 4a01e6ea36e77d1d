/*
 * slab.*: object caches, kmalloc and the slab debugging checks
 * (mm/slab.c).
 *
 * Tests compare free-page counts before and after, and want them exact
 * (free_pages.h: pending frees are let finish first).
 */
#include <kestrel/atomic.h>
#include <kestrel/ktest.h>
#include <kestrel/mm.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>

#include "free_pages.h"

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
