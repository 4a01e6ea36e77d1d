/*
 * Range arithmetic for memblock: sorted arrays of disjoint physical ranges.
 *
 * Pure code (no kernel services), so tests/host builds it under the
 * sanitizers. Invariant kept by every function: regions[0..cnt) is sorted
 * by base, no two ranges overlap or touch (touching ranges are merged),
 * no range is empty, and total is the sum of the sizes.
 */
#include <kestrel/memblock.h>
#include <kestrel/errno.h>

#define PHYS_MAX ((phys_addr_t)-1)

static phys_addr_t range_end(phys_addr_t base, phys_addr_t size)
{
	/* Clip instead of wrapping: a map entry reaching 2^64 ends there. */
	return size > PHYS_MAX - base ? PHYS_MAX : base + size;
}

static void recount(struct memblock_type *t)
{
	t->total = 0;
	for (unsigned long i = 0; i < t->cnt; i++)
		t->total += t->regions[i].size;
}

static void move_regions(struct memblock_type *t, unsigned long to, unsigned long from)
{
	unsigned long n = t->cnt - from;

	if (to < from) {
		for (unsigned long k = 0; k < n; k++)
			t->regions[to + k] = t->regions[from + k];
	} else {
		for (unsigned long k = n; k-- > 0;)
			t->regions[to + k] = t->regions[from + k];
	}
	t->cnt = t->cnt + to - from;
}

int memblock_type_add(struct memblock_type *t, phys_addr_t base, phys_addr_t size)
{
	phys_addr_t end = range_end(base, size);
	unsigned long i = 0, j;

	if (base >= end)
		return 0;
	/* First range that ends at or after base: it may merge with us. */
	while (i < t->cnt && t->regions[i].base + t->regions[i].size < base)
		i++;
	/* Ranges i..j-1 overlap or touch [base, end): they all merge. */
	for (j = i; j < t->cnt && t->regions[j].base <= end; j++) {
		phys_addr_t rend = t->regions[j].base + t->regions[j].size;
		if (t->regions[j].base < base)
			base = t->regions[j].base;
		if (rend > end)
			end = rend;
	}
	if (j == i) {
		if (t->cnt == t->max)
			return -ENOSPC;
		move_regions(t, i + 1, i);
	} else if (j > i + 1) {
		move_regions(t, i + 1, j);
	}
	t->regions[i] = (struct memblock_region){ base, end - base };
	recount(t);
	return 0;
}

int memblock_type_remove(struct memblock_type *t, phys_addr_t base, phys_addr_t size)
{
	phys_addr_t end = range_end(base, size);
	unsigned long i = 0;

	if (base >= end)
		return 0;
	while (i < t->cnt) {
		struct memblock_region *r = &t->regions[i];
		phys_addr_t rend = r->base + r->size;

		if (rend <= base || r->base >= end) {
			i++;
			continue;
		}
		if (r->base < base && rend > end) {
			/* A hole in the middle: the range splits in two. */
			if (t->cnt == t->max)
				return -ENOSPC;
			move_regions(t, i + 1, i);
			t->regions[i].size = base - r->base;
			t->regions[i + 1] = (struct memblock_region){ end, rend - end };
			break;
		}
		if (r->base < base) {
			r->size = base - r->base;
			i++;
		} else if (rend > end) {
			r->size = rend - end;
			r->base = end;
			i++;
		} else {
			move_regions(t, i, i + 1);
		}
	}
	recount(t);
	return 0;
}

bool memblock_type_overlaps(const struct memblock_type *t, phys_addr_t base, phys_addr_t size)
{
	phys_addr_t end = range_end(base, size);

	for (unsigned long i = 0; i < t->cnt; i++) {
		const struct memblock_region *r = &t->regions[i];
		if (r->base < end && r->base + r->size > base)
			return true;
	}
	return false;
}

void memblock_type_for_each_gap(const struct memblock_type *mem, const struct memblock_type *res,
				void (*fn)(phys_addr_t start, phys_addr_t end, void *arg), void *arg)
{
	for (unsigned long i = 0; i < mem->cnt; i++) {
		phys_addr_t cur = mem->regions[i].base;
		phys_addr_t mend = cur + mem->regions[i].size;

		for (unsigned long k = 0; k < res->cnt && cur < mend; k++) {
			phys_addr_t rb = res->regions[k].base;
			phys_addr_t re = rb + res->regions[k].size;

			if (re <= cur)
				continue;
			if (rb >= mend)
				break;
			if (rb > cur)
				fn(cur, rb, arg);
			cur = re;
		}
		if (cur < mend)
			fn(cur, mend, arg);
	}
}

/* The reserved range overlapping [base, base+size) with the lowest base, or NULL. */
static const struct memblock_region *first_overlap(const struct memblock_type *res,
						   phys_addr_t base, phys_addr_t size)
{
	for (unsigned long k = 0; k < res->cnt; k++) {
		const struct memblock_region *r = &res->regions[k];
		if (r->base < base + size && r->base + r->size > base)
			return r;
	}
	return NULL;
}

phys_addr_t memblock_type_find_top_down(const struct memblock_type *mem,
					const struct memblock_type *res, phys_addr_t size,
					phys_addr_t align, phys_addr_t limit)
{
	if (!size || !align || (align & (align - 1)))
		return 0;
	for (unsigned long i = mem->cnt; i-- > 0;) {
		phys_addr_t rb = mem->regions[i].base;
		phys_addr_t re = mem->regions[i].base + mem->regions[i].size;
		phys_addr_t cand;

		if (re > limit)
			re = limit;
		if (re <= rb || re - rb < size)
			continue;
		cand = (re - size) & ~(align - 1);
		while (cand >= rb && cand > 0) {
			const struct memblock_region *r = first_overlap(res, cand, size);
			if (!r)
				return cand;
			/* Move below the blocking range and try again. */
			if (r->base < size)
				break;
			cand = (r->base - size) & ~(align - 1);
		}
	}
	return 0;
}
