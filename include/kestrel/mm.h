/*
 * Physical memory: struct page, zones and the buddy page allocator
 * (mm/page_alloc.c), plus the entry points of the whole mm/ subsystem.
 *
 * Every physical page frame number (pfn) in [0, max_pfn) has one struct
 * page in the flat array mem_map, so pfn <-> struct page is an index.
 * All RAM is also mapped at PAGE_OFFSET (the direct map), so a page's
 * kernel address is __va(pfn << PAGE_SHIFT).
 *
 * See docs/memory.md for the whole picture.
 */
#ifndef KESTREL_MM_H
#define KESTREL_MM_H

#include <kestrel/types.h>
#include <kestrel/atomic.h>
#include <kestrel/list.h>
#include <kestrel/spinlock.h>
#include <kestrel/gfp.h>
#include <kestrel/slab.h>
#include <kestrel/vmalloc.h>
#include <asm/page.h>

#define MAX_ORDER 10			/* orders 0..9: blocks of 4 KiB .. 2 MiB */
#define MAX_ORDER_NR_PAGES (1UL << (MAX_ORDER - 1))

struct kmem_cache;
struct folio;

/*
 * One per physical page frame (48 bytes). Which fields mean something
 * depends on what the page is used for, told by flags:
 *   PG_buddy   free, the first page of a free block of 2^order pages; lru
 *              links it into its zone's free list
 *   PG_slab    part of a slab: slab_cache is its cache; on the slab's first
 *              page, lru links the slab into the cache, freelist is its
 *              first free object and inuse counts objects handed out
 *   PG_large_kmalloc  first page of a kmalloc() above 4 KiB (order is set)
 *   PG_reserved  never given to the allocator (kernel image, firmware, ...)
 *   (page cache) folio points back at the struct folio describing the page
 * An allocated page has _refcount >= 1; a free or reserved page has 0.
 *
 * Locks used to protect struct members here (the order in which they
 * nest: docs/locking.md, "Lock order"):
 *	[c] constant after boot (page_alloc_init, before other CPUs run)
 *	[a] atomic
 *	[S] a lock itself
 *	[z] the zone's lock (page_zone(page)->lock): a free block's first page
 *	[s] the slab cache's lock (mm/slab.c): a slab's first page
 *	[O] the owner: whoever allocated the page (slab, page cache, vmalloc,
 *	    a driver) sets it while the page is allocated, before anyone else
 *	    can reach it through the owner's structures
 * A field with two keys belongs to whichever of them fits the page's state
 * (free: [z], allocated: the other).
 */
struct page {
	unsigned long flags;		/* [z,O] PG_buddy under [z]; the rest by the owner */
	struct list_head lru;		/* [z,s] on its zone's free list / its cache's slab list */
	atomic_t _refcount;			/* [a] */
	u16 inuse;			/* [s] objects of the slab in use */
	u8 order;			/* [z,O] free block / allocation order */
	struct kmem_cache *slab_cache;	/* [O] set by the slab while it owns the page */
	union {
		void *freelist;		/* [s] PG_slab */
		struct folio *folio;	/* [O] page-cache page: its folio (mm/filemap.c) */
	};
};

#define PG_buddy (1UL << 0)
#define PG_slab (1UL << 1)
#define PG_large_kmalloc (1UL << 2)
#define PG_reserved (1UL << 3)
#define PG_vmalloc (1UL << 4)		/* backs a vmalloc() area */

extern struct page *mem_map;
extern unsigned long max_pfn;		/* one past the highest RAM page */

static inline unsigned long page_to_pfn(const struct page *p) { return (unsigned long)(p - mem_map); }
static inline struct page *pfn_to_page(unsigned long pfn) { return mem_map + pfn; }
static inline bool pfn_valid(unsigned long pfn) { return pfn < max_pfn; }
static inline phys_addr_t page_to_phys(const struct page *p) { return PFN_PHYS(page_to_pfn(p)); }
static inline void *page_address(const struct page *p) { return __va(page_to_phys(p)); }
/* addr: a direct-map or kernel-image address (not vmalloc: use vmalloc_to_page). */
static inline struct page *virt_to_page(const void *addr) { return pfn_to_page(PFN_DOWN(__pa(addr))); }
/* Is addr inside the direct map of RAM? */
static inline bool virt_addr_valid(const void *addr)
{
	unsigned long v = (unsigned long)addr;
	return v >= PAGE_OFFSET && v < PAGE_OFFSET + PFN_PHYS(max_pfn);
}

/* The reference count itself (Linux's page_ref.h): only the allocator and the page cache set it. */
static inline int page_count(const struct page *p) { return atomic_read(&p->_refcount); }
static inline void set_page_count(struct page *p, int v) { atomic_set(&p->_refcount, v); }
/* Fully ordered: the last dropper sees every other holder's use of the page. */
static inline int page_ref_dec_return(struct page *p) { return atomic_dec_return(&p->_refcount); }
static inline void get_page(struct page *p) { atomic_inc(&p->_refcount); }
/* Drop a reference; the last one frees the block (of the order it was allocated with). */
void put_page(struct page *p);

/* Zones: physical ranges with their own free lists. */
enum zone_type { ZONE_DMA32, ZONE_NORMAL, MAX_NR_ZONES };
#define ZONE_DMA32_END_PFN (1UL << (32 - PAGE_SHIFT))	/* 4 GiB */

/* Locks: [z] the zone's lock (the zone holding this free_area). */
struct free_area {
	struct list_head free_list;	/* [z] first pages of free blocks of this order */
	unsigned long nr_free;		/* [z] blocks on free_list */
};

/*
 * A zone's free memory.
 *
 * Locks used to protect struct members here:
 *	[c] constant after boot (page_alloc_init, before other CPUs run)
 *	[S] a lock itself
 *	[z] the zone's lock
 */
struct zone {
	spinlock_t lock;			/* [S] irqsave: interrupt handlers allocate */
	const char *name;			/* [c] */
	unsigned long start_pfn, end_pfn;	/* [c] span [start, end), may contain holes */
	unsigned long managed_pages;		/* [c] pages given to the allocator at boot */
	unsigned long free_pages;		/* [z] (nr_free_pages() peeks with READ_ONCE) */
	struct free_area free_area[MAX_ORDER];	/* [z] */
};

extern struct zone zones[MAX_NR_ZONES];

static inline struct zone *page_zone(const struct page *p)
{
	return &zones[page_to_pfn(p) < ZONE_DMA32_END_PFN ? ZONE_DMA32 : ZONE_NORMAL];
}

/* Buddy allocator. alloc_pages returns NULL when no block of 2^order pages is free. */
struct page *alloc_pages(gfp_t gfp, unsigned int order);
void __free_pages(struct page *page, unsigned int order);
#define alloc_page(gfp) alloc_pages(gfp, 0)
#define __free_page(page) __free_pages(page, 0)
/* The same, with direct-map addresses (0 on failure). */
unsigned long __get_free_pages(gfp_t gfp, unsigned int order);
void free_pages(unsigned long addr, unsigned int order);
#define __get_free_page(gfp) __get_free_pages(gfp, 0)
#define get_zeroed_page(gfp) __get_free_pages((gfp) | __GFP_ZERO, 0)
#define free_page(addr) free_pages(addr, 0)

unsigned long nr_free_pages(void);
/*
 * Direct reclaim (mm/vmscan.c): alloc_pages calls it when no block fits,
 * then tries once more. It runs the shrinkers (the page cache's clean
 * folios, the dcache, ...) only where sleeping is allowed and not from
 * inside another reclaim; returns the number of objects freed.
 */
unsigned long try_to_free_pages(unsigned int order, gfp_t gfp);
/* The smallest order whose block holds size bytes. */
unsigned int get_order(unsigned long size);

/*
 * Tests only: while set, the allocators' consistency checks (double free,
 * foreign pointer, ...) still detect and count problems, but report them
 * as "mm: expected error:" lines instead of BUG/WARNING, so a test of the
 * checks leaves a clean log.
 */
extern bool mm_errors_expected;
/* Report a misuse found by an mm check: a BUG line and a WARNING (see above). */
void mm_report_error(const char *fmt, ...) __printf(1, 2);

/* Usable RAM reported by the boot memory map, in bytes. */
extern phys_addr_t totalram_bytes;

/* Bring up all of mm/: memory map, page tables, buddy, slab, vmalloc. */
void mm_init(void);

/* Internal to mm/ and arch/x86/mm (called in this order by mm_init). */
void memblock_setup(void);
void paging_init(void);
void page_alloc_init(void);
/* Set by page_alloc_init() once the buddy allocator owns free memory. */
extern bool page_alloc_ready;
void kmem_cache_init(void);
void vmalloc_init(void);
void vm_init(void);		/* user address spaces: VMA and mm_struct caches (mm/mmap.c) */
void mm_struct_init(void);	/* the mm_struct cache (mm/mm_struct.c), from vm_init */

#endif
