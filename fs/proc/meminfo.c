/*
 * /proc/meminfo: Linux's first lines, from the page allocator, the slab
 * allocator, the page cache and tmpfs. All in kB.
 *
 *   MemTotal      usable RAM the boot memory map reported
 *   MemFree       pages free in the buddy allocator
 *   MemAvailable  free + clean page cache (reclaim can drop it)
 *   Cached        pages in the page cache (tmpfs/ramfs pages included,
 *                 as Linux counts shmem in Cached)
 *   Dirty         page-cache pages waiting for writeback
 *   Writeback     pages being written back
 *   Shmem         pages of tmpfs files
 *   Slab          pages held by slab caches
 *   VmallocUsed   pages backing vmalloc areas
 *
 * Each number is read without a common lock, so they are a snapshot of
 * moving counters (as on Linux).
 */
#include <kestrel/mm.h>
#include <kestrel/pagemap.h>
#include <kestrel/shmem_fs.h>
#include "internal.h"

#define K(pages) ((unsigned long)(pages) << (PAGE_SHIFT - 10))

/* Pages by kind, one walk over mem_map (a few ms for a few GiB: /proc is not a hot path). */
static void count_pages(unsigned long *slab, unsigned long *vmalloc_pages)
{
	unsigned long s = 0, v = 0;

	for (unsigned long pfn = 0; pfn < max_pfn; pfn++) {
		unsigned long flags = READ_ONCE(mem_map[pfn].flags);

		if (flags & PG_slab)
			s++;
		else if (flags & PG_vmalloc)
			v++;
	}
	*slab = s;
	*vmalloc_pages = v;
}

int meminfo_proc_show(struct seq_file *m, void *v)
{
	struct pagecache_stats pc;
	unsigned long total = totalram_bytes >> PAGE_SHIFT, free = nr_free_pages();
	unsigned long slab, vm, shmem = shmem_total_pages(), clean;

	pagecache_get_stats(&pc);
	count_pages(&slab, &vm);
	/* Clean, evictable page cache: not tmpfs, not dirty, not under writeback. */
	clean = pc.nr_pages > shmem + pc.nr_dirty + pc.nr_writeback
			? pc.nr_pages - shmem - pc.nr_dirty - pc.nr_writeback : 0;
	seq_printf(m, "MemTotal:       %8lu kB\n", K(total));
	seq_printf(m, "MemFree:        %8lu kB\n", K(free));
	seq_printf(m, "MemAvailable:   %8lu kB\n", K(free + clean));
	seq_printf(m, "Buffers:        %8lu kB\n", 0UL);
	seq_printf(m, "Cached:         %8lu kB\n", K(pc.nr_pages));
	seq_printf(m, "Dirty:          %8lu kB\n", K(pc.nr_dirty));
	seq_printf(m, "Writeback:      %8lu kB\n", K(pc.nr_writeback));
	seq_printf(m, "Shmem:          %8lu kB\n", K(shmem));
	seq_printf(m, "Slab:           %8lu kB\n", K(slab));
	seq_printf(m, "VmallocUsed:    %8lu kB\n", K(vm));
	return 0;
}
