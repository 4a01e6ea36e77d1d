/*
 * memblock: the early physical memory allocator (mm/memblock.c).
 *
 * Before the page allocator exists, physical memory is described by two
 * sorted lists of non-overlapping, merged ranges: `memory` (RAM the
 * firmware says we may use) and `reserved` (parts of it already taken:
 * the first 1 MiB, the kernel image, the boot information, modules, early
 * allocations). Free memory is memory minus reserved. mm_init() builds the
 * lists from the boot memory map, allocates the page tables and the
 * struct page array from them, then hands every free range to the buddy
 * allocator; memblock is not used afterwards.
 *
 * The range arithmetic (memblock_type_*) is pure code, host-tested.
 */
#ifndef KESTREL_MEMBLOCK_H
#define KESTREL_MEMBLOCK_H

#include <kestrel/types.h>

struct memblock_region {
	phys_addr_t base;
	phys_addr_t size;
};

/* A sorted array of disjoint, non-adjacent ranges. */
struct memblock_type {
	unsigned long cnt;
	unsigned long max;
	phys_addr_t total;		/* sum of the sizes */
	struct memblock_region *regions;
};

/* Add [base, base+size), merging with what overlaps or touches it. -ENOSPC if full. */
int memblock_type_add(struct memblock_type *t, phys_addr_t base, phys_addr_t size);
/* Remove [base, base+size) (may split a range). -ENOSPC if a split needs room. */
int memblock_type_remove(struct memblock_type *t, phys_addr_t base, phys_addr_t size);
/* Does any range of t intersect [base, base+size)? */
bool memblock_type_overlaps(const struct memblock_type *t, phys_addr_t base, phys_addr_t size);
/*
 * Free ranges: the parts of mem not covered by res, in ascending order.
 * Calls fn(start, end, arg) for each [start, end).
 */
void memblock_type_for_each_gap(const struct memblock_type *mem, const struct memblock_type *res,
				void (*fn)(phys_addr_t start, phys_addr_t end, void *arg), void *arg);
/*
 * Highest address a with align | a, a+size <= limit, [a, a+size) inside
 * mem and outside res; 0 if there is none (0 is never free: the first
 * 1 MiB is always reserved).
 */
phys_addr_t memblock_type_find_top_down(const struct memblock_type *mem,
					const struct memblock_type *res, phys_addr_t size,
					phys_addr_t align, phys_addr_t limit);

/* The kernel's two lists. */
extern struct memblock_type memblock_memory, memblock_reserved;

int memblock_add(phys_addr_t base, phys_addr_t size);
int memblock_remove(phys_addr_t base, phys_addr_t size);
int memblock_reserve(phys_addr_t base, phys_addr_t size);
/* Allocate size bytes (physical, below the current limit); panics when out of memory. */
phys_addr_t memblock_alloc_phys(phys_addr_t size, phys_addr_t align);
/* Early allocations stay below limit (the boot page tables only map 4 GiB). */
void memblock_set_limit(phys_addr_t limit);
/* End of the highest RAM range. */
phys_addr_t memblock_end_of_ram(void);
/* After the buddy allocator took over, memblock allocations are a bug. */
void memblock_retire(void);

#endif
