/*
 * The slab allocator: caches of equal-sized objects, and kmalloc.
 *
 * A slab is a block of 2^order pages from the buddy allocator cut into
 * objects of cache->size bytes. Free objects of a slab form a singly
 * linked list through their first 8 bytes (page->freelist on the slab's
 * first page); the rest of a free object is filled with POISON_FREE, and
 * the poison is checked when the object is handed out again, so writes
 * after free are reported. A slab with free objects is on the cache's
 * `partial` list, a slab without on `full`; a slab whose last object is
 * freed goes straight back to the buddy allocator.
 *
 * Every page of a slab has PG_slab and slab_cache set, so kfree() finds
 * the cache from any object pointer. Slabs are buddy blocks, hence
 * aligned to their size: the first page is pfn & ~(2^order - 1).
 *
 * Checks (each prints "BUG: slab: ..." and a WARNING through
 * mm_report_error, then ignores the free): double free, freeing into the wrong cache, pointers into the
 * middle of an object, pointers that are not from a slab at all.
 *
 * Locks used to protect struct members here (the order in which they
 * nest: docs/locking.md, "Lock order"):
 *	[c] constant after creation (cache_setup, before cache_publish)
 *	[a] atomic
 *	[S] a lock itself
 *	[s] the cache's lock (irqsave: kmalloc is allowed in interrupt
 *	    handlers); it also guards the freelist and inuse of its slabs
 *	[C] cache_list_lock: the list of all caches
 */
#include <kestrel/atomic.h>
#include <kestrel/mm.h>
#include <kestrel/printk.h>
#include <kestrel/proc_fs.h>
#include <kestrel/seq_file.h>
#include <kestrel/slab.h>
#include <kestrel/spinlock.h>
#include <kestrel/string.h>

#define POISON_FREE 0x6b
#define SLAB_MAX_ORDER 3		/* slabs of at most 8 pages */
#define SLAB_MIN_OBJECTS 8		/* grow the slab until this many objects fit */
#define NR_KMALLOC_CACHES 10		/* 8, 16, ..., 4096 */

struct kmem_cache {
	spinlock_t lock;		/* [S] irqsave */
	char name[32];			/* [c] */
	unsigned int object_size;	/* [c] size asked for */
	unsigned int size;		/* [c] object stride: object_size rounded to align */
	unsigned int align;		/* [c] */
	unsigned int order;		/* [c] each slab is 2^order pages */
	unsigned int objects;		/* [c] objects per slab */
	struct list_head partial;	/* [s] slabs with free objects (their first pages) */
	struct list_head full;		/* [s] slabs with none */
	unsigned long nr_slabs;		/* [s] */
	unsigned long active_objs;	/* [s] */
	atomic_long_t errors;		/* [a] checks that failed (slab_error) */
	struct list_head list;		/* [C] in cache_list */
};

static LIST_HEAD(cache_list);
static DEFINE_SPINLOCK(cache_list_lock);	/* protects cache_list */

static struct kmem_cache cache_cache;		/* where struct kmem_cache come from */
static struct kmem_cache kmalloc_caches[NR_KMALLOC_CACHES];
static char kmalloc_names[NR_KMALLOC_CACHES][16];

atomic_long_t slab_error_count = ATOMIC_LONG_INIT(0);

static void slab_error(struct kmem_cache *c, const void *caller, const char *fmt, const void *p)
{
	char msg[128];

	snprintf(msg, sizeof(msg), fmt, p);
	atomic_long_inc(&slab_error_count);
	if (c)
		atomic_long_inc(&c->errors);
	mm_report_error("slab: %s (cache %s), called from %pS", msg, c ? c->name : "?", caller);
}

static bool cache_setup(struct kmem_cache *c, const char *name, size_t size, size_t align,
			unsigned long flags)
{
	if (!size || (align & (align - 1)) || align > PAGE_SIZE)
		return false;
	align = max(align, (size_t)8);
	if (flags & SLAB_HWCACHE_ALIGN)
		align = max(align, (size_t)64);
	if (ALIGN(size, align) > (PAGE_SIZE << SLAB_MAX_ORDER))
		return false;
	memset(c, 0, sizeof(*c));
	spin_lock_init(&c->lock);
	strlcpy(c->name, name, sizeof(c->name));
	c->object_size = size;
	c->align = align;
	c->size = ALIGN(size, align);
	while (c->order < SLAB_MAX_ORDER && (PAGE_SIZE << c->order) / c->size < SLAB_MIN_OBJECTS)
		c->order++;
	c->objects = (PAGE_SIZE << c->order) / c->size;
	INIT_LIST_HEAD(&c->partial);
	INIT_LIST_HEAD(&c->full);
	return true;
}

static void cache_publish(struct kmem_cache *c)
{
	unsigned long flags;

	spin_lock_irqsave(&cache_list_lock, flags);
	list_add_tail(&c->list, &cache_list);
	spin_unlock_irqrestore(&cache_list_lock, flags);
}

static void poison(struct kmem_cache *c, void *obj)
{
	memset((char *)obj + sizeof(void *), POISON_FREE, c->size - sizeof(void *));
}

/* A new slab, all objects free and poisoned, on c->partial. Cache lock held. */
static struct page *new_slab(struct kmem_cache *c, gfp_t gfp)
{
	struct page *page = alloc_pages(gfp & (__GFP_NOWARN | __GFP_NORETRY), c->order);
	char *base;

	if (!page)
		return NULL;
	base = page_address(page);
	for (unsigned int i = 0; i < (1U << c->order); i++) {
		page[i].flags |= PG_slab;
		page[i].slab_cache = c;
	}
	page->inuse = 0;
	page->freelist = base;
	for (unsigned int i = 0; i < c->objects; i++) {
		void *obj = base + i * c->size;
		*(void **)obj = i + 1 < c->objects ? base + (i + 1) * c->size : NULL;
		poison(c, obj);
	}
	list_add(&page->lru, &c->partial);
	c->nr_slabs++;
	return page;
}

/* Give an empty slab back to the buddy allocator. Cache lock held. */
static void free_slab(struct kmem_cache *c, struct page *page)
{
	list_del(&page->lru);
	for (unsigned int i = 0; i < (1U << c->order); i++) {
		page[i].flags &= ~PG_slab;
		page[i].slab_cache = NULL;
	}
	page->freelist = NULL;
	page->inuse = 0;
	c->nr_slabs--;
	__free_pages(page, c->order);
}

static bool in_slab(struct kmem_cache *c, struct page *slab, const void *p)
{
	unsigned long off = (unsigned long)p - (unsigned long)page_address(slab);

	return off < (unsigned long)c->objects * c->size && off % c->size == 0;
}

/*
 * Every byte after the free-list link still POISON_FREE? Compared a word
 * at a time (object sizes are multiples of 8): this runs on every
 * allocation, so it must cost little more than the memset that poisoned.
 */
static void check_poison(struct kmem_cache *c, const void *obj, const void *caller)
{
	const u64 poison = 0x0101010101010101ULL * POISON_FREE;
	const unsigned char *b = obj;
	unsigned int i = sizeof(void *);
	u64 diff = 0;

	for (; i + sizeof(u64) <= c->size; i += sizeof(u64))
		diff |= *(const u64 *)(b + i) ^ poison;
	for (; i < c->size; i++)
		diff |= b[i] ^ POISON_FREE;
	if (diff)
		slab_error(c, caller, "object %p was written after it was freed", obj);
}

static void *slab_alloc(struct kmem_cache *c, gfp_t gfp, const void *caller)
{
	unsigned long flags;
	struct page *slab;
	void *obj, *next;

	spin_lock_irqsave(&c->lock, flags);
	if (list_empty(&c->partial) && !new_slab(c, gfp)) {
		spin_unlock_irqrestore(&c->lock, flags);
		return NULL;
	}
	slab = list_first_entry(&c->partial, struct page, lru);
	obj = slab->freelist;
	next = *(void **)obj;
	if (next && !in_slab(c, slab, next)) {
		/* The free list was overwritten: stop using this slab's free objects. */
		slab_error(c, caller, "free list of the slab of %p is corrupted", obj);
		next = NULL;
		c->active_objs += c->objects - slab->inuse - 1;
		slab->inuse = c->objects - 1;
	}
	slab->freelist = next;
	slab->inuse++;
	c->active_objs++;
	if (!next)
		list_move(&slab->lru, &c->full);
	check_poison(c, obj, caller);
	spin_unlock_irqrestore(&c->lock, flags);
	if (gfp & __GFP_ZERO)
		memset(obj, 0, c->object_size);
	return obj;
}

void *kmem_cache_alloc(struct kmem_cache *c, gfp_t gfp)
{
	return slab_alloc(c, gfp, __builtin_return_address(0));
}

/* The slab obj belongs to, or NULL after reporting why there is none. */
static struct page *obj_to_slab(struct kmem_cache *expect, const void *obj, const void *caller)
{
	struct page *page;
	struct kmem_cache *c;

	if (!virt_addr_valid(obj)) {
		slab_error(expect, caller, "%p is not a slab object (outside the direct map)", obj);
		return NULL;
	}
	page = virt_to_page(obj);
	c = page->slab_cache;
	if (!(page->flags & PG_slab) || !c) {
		slab_error(expect, caller, "%p is not in a slab (foreign pointer, or its slab was freed)",
			   obj);
		return NULL;
	}
	if (expect && c != expect) {
		slab_error(expect, caller, "%p belongs to another cache", obj);
		return NULL;
	}
	page = pfn_to_page(page_to_pfn(page) & ~((1UL << c->order) - 1));
	if (!in_slab(c, page, obj)) {
		slab_error(c, caller, "%p is not the start of an object", obj);
		return NULL;
	}
	return page;
}

static void slab_free(struct kmem_cache *expect, void *obj, const void *caller)
{
	struct page *slab = obj_to_slab(expect, obj, caller);
	struct kmem_cache *c;
	unsigned long flags;
	unsigned int n = 0;

	if (!slab)
		return;
	c = slab->slab_cache;
	spin_lock_irqsave(&c->lock, flags);
	for (void *f = slab->freelist; f && n <= c->objects; f = *(void **)f, n++) {
		if (f == obj) {
			spin_unlock_irqrestore(&c->lock, flags);
			slab_error(c, caller, "double free of %p", obj);
			return;
		}
	}
	poison(c, obj);
	*(void **)obj = slab->freelist;
	slab->freelist = obj;
	if (slab->inuse-- == c->objects)
		list_move(&slab->lru, &c->partial);
	c->active_objs--;
	if (slab->inuse == 0)
		free_slab(c, slab);
	spin_unlock_irqrestore(&c->lock, flags);
}

void kmem_cache_free(struct kmem_cache *c, void *obj)
{
	if (obj)
		slab_free(c, obj, __builtin_return_address(0));
}

struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align,
				     unsigned long flags)
{
	struct kmem_cache tmp, *c;

	if (!cache_setup(&tmp, name, size, align, flags)) {
		pr_err("slab: cannot create cache %s: size %zu, align %zu unsupported\n", name, size,
		       align);
		return NULL;
	}
	c = kmem_cache_alloc(&cache_cache, GFP_KERNEL);
	if (!c)
		return NULL;
	cache_setup(c, name, size, align, flags);
	cache_publish(c);
	return c;
}

void kmem_cache_destroy(struct kmem_cache *c)
{
	unsigned long flags;

	if (!c)
		return;
	spin_lock_irqsave(&c->lock, flags);
	if (c->active_objs) {
		unsigned long n = c->active_objs;
		spin_unlock_irqrestore(&c->lock, flags);
		mm_report_error("slab: kmem_cache_destroy(%s) with %lu objects in use: refused",
				c->name, n);
		return;
	}
	/* No objects in use means no slabs: the last free released each. */
	while (!list_empty(&c->partial))
		free_slab(c, list_first_entry(&c->partial, struct page, lru));
	spin_unlock_irqrestore(&c->lock, flags);

	spin_lock_irqsave(&cache_list_lock, flags);
	list_del(&c->list);
	spin_unlock_irqrestore(&cache_list_lock, flags);
	kmem_cache_free(&cache_cache, c);
}

void kmem_cache_get_stats(struct kmem_cache *c, struct kmem_cache_stats *st)
{
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	st->active_objs = c->active_objs;
	st->nr_slabs = c->nr_slabs;
	st->total_objs = c->nr_slabs * c->objects;
	st->nr_pages = c->nr_slabs << c->order;
	st->errors = atomic_long_read(&c->errors);
	st->object_size = c->object_size;
	st->size = c->size;
	spin_unlock_irqrestore(&c->lock, flags);
}

const char *kmem_cache_name(const struct kmem_cache *c)
{
	return c->name;
}

void kmem_cache_dump(void)
{
	struct kmem_cache *c;
	unsigned long flags;

	pr_info("slabinfo: name            active   total objsize objs/slab pages/slab slabs\n");
	spin_lock_irqsave(&cache_list_lock, flags);
	list_for_each_entry(c, &cache_list, list) {
		struct kmem_cache_stats st;

		kmem_cache_get_stats(c, &st);
		pr_info("slabinfo: %-15s %7lu %7lu %7u %9u %10u %5lu\n", c->name, st.active_objs,
			st.total_objs, c->object_size, c->objects, 1U << c->order, st.nr_slabs);
	}
	spin_unlock_irqrestore(&cache_list_lock, flags);
}

/*
 * /proc/slabinfo, in Linux's format 2.1 (readable by root only, as
 * Linux's: object counts say what the kernel is doing). The tunables and
 * shared fields are Linux's SLAB's; they are 0 here, as with SLUB.
 */
static int slabinfo_show(struct seq_file *m, void *v)
{
	struct kmem_cache *c;
	unsigned long flags;

	seq_puts(m, "slabinfo - version: 2.1\n");
	seq_puts(m, "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
		    " : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs>"
		    " <sharedavail>\n");
	spin_lock_irqsave(&cache_list_lock, flags);
	list_for_each_entry(c, &cache_list, list) {
		struct kmem_cache_stats st;

		kmem_cache_get_stats(c, &st);
		seq_printf(m, "%-17s %6lu %6lu %6u %4u %4u : tunables 0 0 0 : slabdata %6lu %6lu 0\n", c->name,
			   st.active_objs, st.total_objs, c->size, c->objects, 1U << c->order, st.nr_slabs,
			   st.nr_slabs);
	}
	spin_unlock_irqrestore(&cache_list_lock, flags);
	return 0;
}

void slab_proc_init(void)
{
	if (!proc_create_single("slabinfo", 0400, NULL, slabinfo_show))
		pr_warn("slab: cannot create /proc/slabinfo\n");
}

/* kmalloc size class: 8 << index. */
static unsigned int kmalloc_index(size_t size)
{
	if (size <= KMALLOC_MIN_SIZE)
		return 0;
	return 64 - __builtin_clzl(size - 1) - 3;
}

struct kmem_cache *kmalloc_cache(size_t size)
{
	if (size > KMALLOC_MAX_CACHE_SIZE)
		return NULL;
	return &kmalloc_caches[kmalloc_index(size)];
}

void *kmalloc(size_t size, gfp_t gfp)
{
	struct page *page;

	if (size <= KMALLOC_MAX_CACHE_SIZE)
		return slab_alloc(kmalloc_cache(size), gfp, __builtin_return_address(0));
	page = alloc_pages(gfp, get_order(size));
	if (!page)
		return NULL;
	page->flags |= PG_large_kmalloc;	/* order is recorded by alloc_pages */
	return page_address(page);
}

void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}

void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	if (size && n > (size_t)-1 / size)
		return NULL;
	return kzalloc(n * size, gfp);
}

void *kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *p = kmalloc(len, gfp);

	if (p)
		memcpy(p, src, len);
	return p;
}

void kfree(const void *p)
{
	const void *caller = __builtin_return_address(0);
	struct page *page;

	if (!p)
		return;
	if (!virt_addr_valid(p)) {
		slab_error(NULL, caller, "kfree(%p): not a kmalloc pointer", p);
		return;
	}
	page = virt_to_page(p);
	if (page->flags & PG_slab) {
		slab_free(NULL, (void *)p, caller);
	} else if ((page->flags & PG_large_kmalloc) && p == page_address(page)) {
		page->flags &= ~PG_large_kmalloc;
		__free_pages(page, page->order);
	} else {
		slab_error(NULL, caller, "kfree(%p): not returned by kmalloc, or freed already", p);
	}
}

size_t ksize(const void *p)
{
	struct page *page;

	if (!p || !virt_addr_valid(p))
		return 0;
	page = virt_to_page(p);
	if ((page->flags & PG_slab) && page->slab_cache)
		return page->slab_cache->object_size;
	if ((page->flags & PG_large_kmalloc) && p == page_address(page))
		return PAGE_SIZE << page->order;
	return 0;
}

void kmem_cache_init(void)
{
	cache_setup(&cache_cache, "kmem_cache", sizeof(struct kmem_cache), 0, SLAB_HWCACHE_ALIGN);
	cache_publish(&cache_cache);
	for (int i = 0; i < NR_KMALLOC_CACHES; i++) {
		snprintf(kmalloc_names[i], sizeof(kmalloc_names[i]), "kmalloc-%u", 8U << i);
		cache_setup(&kmalloc_caches[i], kmalloc_names[i], 8U << i, 8U << i, 0);
		cache_publish(&kmalloc_caches[i]);
	}
}
