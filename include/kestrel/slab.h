/*
 * The slab allocator (mm/slab.c): caches of equal-sized objects carved
 * out of pages from the buddy allocator, and kmalloc() on top of them.
 *
 *	struct kmem_cache *c = kmem_cache_create("inode", sizeof(struct inode), 0, 0);
 *	struct inode *i = kmem_cache_alloc(c, GFP_KERNEL);
 *	kmem_cache_free(c, i);
 *
 * kmalloc(size) uses caches of 8, 16, ... 4096 bytes; larger requests get
 * whole pages from the buddy allocator. Objects are 8-byte aligned (or
 * to the cache's align); kmalloc(n) for n a power of two <= 4096 is
 * aligned to n. Freed objects are poisoned; a double free, a free into
 * the wrong cache or of a pointer kmalloc never returned is reported
 * loudly (a "BUG: slab:" line and a WARNING) and otherwise ignored.
 *
 * Zone flags do not apply to slab objects: memory that must lie below
 * 4 GiB comes from alloc_pages(GFP_DMA32, order), not from kmalloc.
 */
#ifndef KESTREL_SLAB_H
#define KESTREL_SLAB_H

#include <kestrel/types.h>
#include <kestrel/atomic.h>
#include <kestrel/gfp.h>

struct kmem_cache;

struct kmem_cache_stats {
	unsigned long active_objs;	/* objects handed out */
	unsigned long total_objs;	/* objects in all slabs, used or free */
	unsigned long nr_slabs;
	unsigned long nr_pages;		/* pages held by the cache */
	unsigned long errors;		/* double/foreign frees detected */
	unsigned int object_size;	/* size asked for */
	unsigned int size;		/* stride in the slab */
};

#define SLAB_HWCACHE_ALIGN 0x1UL	/* align objects to 64-byte cache lines */

struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align,
				     unsigned long flags);
void *kmem_cache_alloc(struct kmem_cache *cache, gfp_t gfp);
void kmem_cache_free(struct kmem_cache *cache, void *obj);
/* Frees the cache and returns its pages; refused (with a warning) while objects are in use. */
void kmem_cache_destroy(struct kmem_cache *cache);
void kmem_cache_get_stats(struct kmem_cache *cache, struct kmem_cache_stats *st);
const char *kmem_cache_name(const struct kmem_cache *cache);
/* Print one /proc/slabinfo-like line per cache. */
void kmem_cache_dump(void);
/* /proc/slabinfo (root only). */
void slab_proc_init(void);

#define KMALLOC_MIN_SIZE 8
#define KMALLOC_MAX_CACHE_SIZE 4096

void *kmalloc(size_t size, gfp_t gfp);
void *kzalloc(size_t size, gfp_t gfp);
void *kcalloc(size_t n, size_t size, gfp_t gfp);
void kfree(const void *p);
/* A kmalloc'd copy of the len bytes at src; NULL if out of memory. */
void *kmemdup(const void *src, size_t len, gfp_t gfp);
/* Bytes usable at p (the size class or page block); 0 if p is not a kmalloc pointer. */
size_t ksize(const void *p);
/* The kmalloc cache serving size (NULL above KMALLOC_MAX_CACHE_SIZE). */
struct kmem_cache *kmalloc_cache(size_t size);

/* Problems found by the slab checks since boot (double free, foreign pointer, corruption). */
extern atomic_long_t slab_error_count;

#endif
