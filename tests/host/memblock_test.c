/*
 * Host tests of mm/memblock_range.c: the sorted, merged range lists the
 * early allocator builds from the firmware's memory map (unsorted entries,
 * overlaps, holes, reserved ranges inside usable ones), the free gaps
 * handed to the buddy allocator, and the top-down early allocation.
 *
 * HOST_SOURCES: mm/memblock_range.c
 */
#include <kestrel/ktest.h>
#include <kestrel/memblock.h>
#include <kestrel/errno.h>

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

struct rl {
	struct memblock_region r[8];
	struct memblock_type t;
};

static void rl_init(struct rl *l, unsigned long max)
{
	l->t = (struct memblock_type){ .max = max, .regions = l->r };
}

static bool has(const struct memblock_type *t, unsigned long i, phys_addr_t base, phys_addr_t end)
{
	return i < t->cnt && t->regions[i].base == base && t->regions[i].base + t->regions[i].size == end;
}

KTEST(memblock, add_sorts_and_merges)
{
	struct rl l;

	rl_init(&l, 8);
	KEXPECT_EQ(memblock_type_add(&l.t, 0x300000, 0x100000), 0);
	KEXPECT_EQ(memblock_type_add(&l.t, 0x100000, 0x100000), 0);	/* before: sorted */
	KEXPECT_EQ(memblock_type_add(&l.t, 0x500000, 0x100000), 0);
	KASSERT_EQ(l.t.cnt, 3);
	KEXPECT(has(&l.t, 0, 0x100000, 0x200000));
	KEXPECT(has(&l.t, 1, 0x300000, 0x400000));
	KEXPECT(has(&l.t, 2, 0x500000, 0x600000));
	/* Touching ranges merge; an overlap spanning two merges all three. */
	KEXPECT_EQ(memblock_type_add(&l.t, 0x200000, 0x10000), 0);
	KEXPECT(has(&l.t, 0, 0x100000, 0x210000));
	KEXPECT_EQ(memblock_type_add(&l.t, 0x180000, 0x400000), 0);
	KASSERT_EQ(l.t.cnt, 1);
	KEXPECT(has(&l.t, 0, 0x100000, 0x600000));
	KEXPECT_EQ(l.t.total, 0x500000);
	/* Contained and empty ranges change nothing. */
	KEXPECT_EQ(memblock_type_add(&l.t, 0x200000, 0x1000), 0);
	KEXPECT_EQ(memblock_type_add(&l.t, 0x900000, 0), 0);
	KEXPECT_EQ(l.t.cnt, 1);
	KEXPECT_EQ(l.t.total, 0x500000);
}

KTEST(memblock, add_full_and_overflow)
{
	struct rl l;

	rl_init(&l, 2);
	KEXPECT_EQ(memblock_type_add(&l.t, 0, 0x1000), 0);
	KEXPECT_EQ(memblock_type_add(&l.t, 0x10000, 0x1000), 0);
	KEXPECT_EQ(memblock_type_add(&l.t, 0x20000, 0x1000), -ENOSPC);
	KEXPECT_EQ(l.t.cnt, 2);
	KEXPECT_EQ(memblock_type_add(&l.t, 0x1000, 0xf000), 0);	/* merges: no new slot */
	KEXPECT_EQ(l.t.cnt, 1);
	/* A range reaching past 2^64 is clipped, not wrapped. */
	KEXPECT_EQ(memblock_type_add(&l.t, ~0ULL - 0xfff, 0x10000), 0);
	KASSERT_EQ(l.t.cnt, 2);
	KEXPECT(has(&l.t, 1, ~0ULL - 0xfff, ~0ULL));
}

KTEST(memblock, remove_trims_and_splits)
{
	struct rl l;

	rl_init(&l, 8);
	memblock_type_add(&l.t, 0, 0x9f000);
	memblock_type_add(&l.t, 0x100000, 0x7f00000);
	/* A reserved range inside usable RAM splits it. */
	KEXPECT_EQ(memblock_type_remove(&l.t, 0x1000000, 0x100000), 0);
	KASSERT_EQ(l.t.cnt, 3);
	KEXPECT(has(&l.t, 1, 0x100000, 0x1000000));
	KEXPECT(has(&l.t, 2, 0x1100000, 0x8000000));
	/* Overlapping an end trims; covering a range deletes it. */
	KEXPECT_EQ(memblock_type_remove(&l.t, 0x7f00000, 0x200000), 0);
	KEXPECT(has(&l.t, 2, 0x1100000, 0x7f00000));
	KEXPECT_EQ(memblock_type_remove(&l.t, 0, 0x100000), 0);
	KASSERT_EQ(l.t.cnt, 2);
	KEXPECT(has(&l.t, 0, 0x100000, 0x1000000));
	/* One removal across several ranges. */
	KEXPECT_EQ(memblock_type_remove(&l.t, 0x800000, 0x1000000), 0);
	KASSERT_EQ(l.t.cnt, 2);
	KEXPECT(has(&l.t, 0, 0x100000, 0x800000));
	KEXPECT(has(&l.t, 1, 0x1800000, 0x7f00000));
	KEXPECT_EQ(l.t.total, 0x700000 + 0x6700000);
	/* Removing from a hole does nothing. */
	KEXPECT_EQ(memblock_type_remove(&l.t, 0x900000, 0x1000), 0);
	KEXPECT_EQ(l.t.cnt, 2);
}

KTEST(memblock, remove_split_needs_room)
{
	struct rl l;

	rl_init(&l, 1);
	memblock_type_add(&l.t, 0, 0x10000);
	KEXPECT_EQ(memblock_type_remove(&l.t, 0x4000, 0x1000), -ENOSPC);
	KEXPECT(has(&l.t, 0, 0, 0x10000));	/* unchanged */
}

/* A firmware-like map: unsorted, overlapping, with holes, as memblock_setup feeds it. */
KTEST(memblock, firmware_map_with_holes_and_overlaps)
{
	struct rl l;

	rl_init(&l, 8);
	memblock_type_add(&l.t, 0x100000000ULL, 2 * GiB);	/* above 4 GiB first */
	memblock_type_add(&l.t, 0x100000, 0xbfee0000);
	memblock_type_add(&l.t, 0, 0x9f000);
	memblock_type_add(&l.t, 0x80000000ULL, 0x1000000);	/* duplicate inside RAM */
	memblock_type_remove(&l.t, 0x9f000, 0x1000);		/* reserved entries */
	memblock_type_remove(&l.t, 0xbffe0000, 0x20000);
	memblock_type_remove(&l.t, 0x40000000, 0x1000);		/* reserved inside usable */
	KASSERT_EQ(l.t.cnt, 4);
	KEXPECT(has(&l.t, 0, 0, 0x9f000));
	KEXPECT(has(&l.t, 1, 0x100000, 0x40000000));
	KEXPECT(has(&l.t, 2, 0x40001000, 0xbffe0000));
	KEXPECT(has(&l.t, 3, 0x100000000ULL, 0x180000000ULL));
}

struct gaps {
	phys_addr_t s[8], e[8];
	int n;
};

static void gap_cb(phys_addr_t start, phys_addr_t end, void *arg)
{
	struct gaps *g = arg;

	if (g->n < 8) {
		g->s[g->n] = start;
		g->e[g->n] = end;
	}
	g->n++;
}

KTEST(memblock, free_gaps)
{
	struct rl mem, res;
	struct gaps g = { .n = 0 };

	rl_init(&mem, 8);
	rl_init(&res, 8);
	memblock_type_add(&mem.t, 0, 0x9f000);
	memblock_type_add(&mem.t, 0x100000, 0x3f00000);		/* to 64 MiB */
	memblock_type_add(&res.t, 0, 0x100000);			/* first 1 MiB */
	memblock_type_add(&res.t, 0x100000, 0x80000);		/* kernel (merges) */
	memblock_type_add(&res.t, 0x1000000, 0x1000);
	memblock_type_add(&res.t, 0x3ff0000, 0x20000);		/* past the end of RAM */
	memblock_type_for_each_gap(&mem.t, &res.t, gap_cb, &g);
	KASSERT_EQ(g.n, 2);
	KEXPECT_EQ(g.s[0], 0x180000);
	KEXPECT_EQ(g.e[0], 0x1000000);
	KEXPECT_EQ(g.s[1], 0x1001000);
	KEXPECT_EQ(g.e[1], 0x3ff0000);
}

KTEST(memblock, find_top_down)
{
	struct rl mem, res;
	phys_addr_t a;

	rl_init(&mem, 8);
	rl_init(&res, 8);
	memblock_type_add(&mem.t, 0, 64 * MiB);
	memblock_type_add(&mem.t, 4 * GiB, 1 * GiB);
	memblock_type_add(&res.t, 0, MiB);
	/* Highest fit, aligned. */
	a = memblock_type_find_top_down(&mem.t, &res.t, 0x3000, 0x1000, ~0ULL);
	KEXPECT_EQ(a, 5 * GiB - 0x3000);
	/* Below a limit: the low range. */
	a = memblock_type_find_top_down(&mem.t, &res.t, 0x1000, 0x1000, 4 * GiB);
	KEXPECT_EQ(a, 64 * MiB - 0x1000);
	/* A reserved range at the top pushes the allocation below it. */
	memblock_type_add(&res.t, 64 * MiB - 0x1800, 0x1800);
	a = memblock_type_find_top_down(&mem.t, &res.t, 0x2000, 0x2000, 4 * GiB);
	KEXPECT_EQ(a, 64 * MiB - 0x4000);
	/* Too big for any range, bad alignment, or only the reserved bottom left. */
	KEXPECT_EQ(memblock_type_find_top_down(&mem.t, &res.t, 2 * GiB, 0x1000, ~0ULL), 0);
	KEXPECT_EQ(memblock_type_find_top_down(&mem.t, &res.t, 0x1000, 0x3000, ~0ULL), 0);
	KEXPECT_EQ(memblock_type_find_top_down(&mem.t, &res.t, 0x1000, 0x1000, MiB), 0);
}
