/*
 * memblock: the early allocator, from the boot memory map to the buddy
 * allocator's hand-over (see include/kestrel/memblock.h).
 *
 * memblock_setup() turns boot_info.mem (as the firmware gave it: unsorted,
 * possibly overlapping, with holes) into the `memory` list: the usable
 * ranges, cut to whole pages, minus everything any other entry claims
 * (a reserved entry overlapping a usable one wins). It then reserves what
 * is in use before mm/ runs. Runs once, on the boot CPU, before any other
 * CPU or interrupt exists, so nothing here takes a lock.
 */
#include <kestrel/bootinfo.h>
#include <kestrel/errno.h>
#include <kestrel/memblock.h>
#include <kestrel/mm.h>
#include <kestrel/printk.h>
#include <asm/page.h>

#define MEMBLOCK_MAX_REGIONS 128

static struct memblock_region memory_regions[MEMBLOCK_MAX_REGIONS];
static struct memblock_region reserved_regions[MEMBLOCK_MAX_REGIONS];

struct memblock_type memblock_memory = { .max = MEMBLOCK_MAX_REGIONS, .regions = memory_regions };
struct memblock_type memblock_reserved = { .max = MEMBLOCK_MAX_REGIONS, .regions = reserved_regions };

static phys_addr_t memblock_limit = (phys_addr_t)-1;
static bool memblock_retired;

phys_addr_t totalram_bytes;

extern char _boot_start[], _end[];

int memblock_add(phys_addr_t base, phys_addr_t size)
{
	return memblock_type_add(&memblock_memory, base, size);
}

int memblock_remove(phys_addr_t base, phys_addr_t size)
{
	return memblock_type_remove(&memblock_memory, base, size);
}

int memblock_reserve(phys_addr_t base, phys_addr_t size)
{
	int err = memblock_type_add(&memblock_reserved, base, size);

	if (err)
		panic("memblock: too many reserved ranges (%d) reserving %#llx+%#llx",
		      MEMBLOCK_MAX_REGIONS, (unsigned long long)base, (unsigned long long)size);
	return 0;
}

void memblock_set_limit(phys_addr_t limit)
{
	memblock_limit = limit;
}

void memblock_retire(void)
{
	memblock_retired = true;
}

phys_addr_t memblock_alloc_phys(phys_addr_t size, phys_addr_t align)
{
	phys_addr_t pa;

	BUG_ON(memblock_retired);	/* the buddy allocator owns memory now */
	pa = memblock_type_find_top_down(&memblock_memory, &memblock_reserved, size, align,
					 memblock_limit);
	if (!pa)
		panic("memblock: out of memory allocating %llu bytes (early boot needs more RAM)",
		      (unsigned long long)size);
	memblock_reserve(pa, size);
	return pa;
}

phys_addr_t memblock_end_of_ram(void)
{
	const struct memblock_type *m = &memblock_memory;

	if (!m->cnt)
		return 0;
	return m->regions[m->cnt - 1].base + m->regions[m->cnt - 1].size;
}

static const char *boot_mem_type_name(u32 type)
{
	switch (type) {
	case BOOT_MEM_USABLE: return "usable";
	case BOOT_MEM_ACPI: return "ACPI data";
	case BOOT_MEM_NVS: return "ACPI NVS";
	case BOOT_MEM_BAD: return "unusable";
	default: return "reserved";
	}
}

static void print_boot_map(void)
{
	pr_info("Physical memory map from the boot loader (%d entries):\n", boot_info.nr_mem);
	for (int i = 0; i < boot_info.nr_mem; i++) {
		const struct boot_mem_region *r = &boot_info.mem[i];
		pr_info("  [mem %#018llx-%#018llx] %s\n", (unsigned long long)r->addr,
			(unsigned long long)(r->addr + r->len - 1), boot_mem_type_name(r->type));
	}
}

/* Usable RAM: whole pages of usable entries, minus whatever else claims them. */
static void add_usable_ram(void)
{
	for (int i = 0; i < boot_info.nr_mem; i++) {
		const struct boot_mem_region *r = &boot_info.mem[i];
		phys_addr_t start = ALIGN(r->addr, PAGE_SIZE);
		phys_addr_t end = ALIGN_DOWN(r->addr + r->len, PAGE_SIZE);

		if (r->type != BOOT_MEM_USABLE || end <= start)
			continue;
		if (memblock_add(start, end - start))
			pr_warn("memblock: too many RAM ranges, [%#llx-%#llx) ignored\n",
				(unsigned long long)start, (unsigned long long)end);
	}
	for (int i = 0; i < boot_info.nr_mem; i++) {
		const struct boot_mem_region *r = &boot_info.mem[i];
		if (r->type == BOOT_MEM_USABLE)
			continue;
		/* Partial pages at the edges of a reserved range are lost too. */
		if (memblock_remove(ALIGN_DOWN(r->addr, PAGE_SIZE),
				    ALIGN(r->addr + r->len, PAGE_SIZE) - ALIGN_DOWN(r->addr, PAGE_SIZE)))
			pr_warn("memblock: too many RAM ranges removing %#llx\n",
				(unsigned long long)r->addr);
	}
	/* The direct map has room for 64 TiB; anything above it is ignored. */
	if (memblock_end_of_ram() > DIRECT_MAP_SIZE) {
		pr_warn("memblock: RAM above %lu TiB ignored\n", DIRECT_MAP_SIZE >> 40);
		memblock_remove(DIRECT_MAP_SIZE, (phys_addr_t)-1 - DIRECT_MAP_SIZE);
	}
}

static void reserve_range(const char *what, phys_addr_t start, phys_addr_t end)
{
	start = ALIGN_DOWN(start, PAGE_SIZE);
	end = ALIGN(end, PAGE_SIZE);
	if (end <= start)
		return;
	pr_info("  reserved [mem %#018llx-%#018llx] %s\n", (unsigned long long)start,
		(unsigned long long)end - 1, what);
	memblock_reserve(start, end - start);
}

/* What is in use before mm/ runs: never hand it out. */
static void reserve_boot_ranges(void)
{
	/* Real-mode IVT, BIOS data, EBDA, VGA and ROMs; SMP trampolines later. */
	reserve_range("first 1 MiB", 0, 1 << 20);
	reserve_range("kernel image", (phys_addr_t)(unsigned long)_boot_start, __pa(_end));
	if (boot_info.info_end > boot_info.info_start)
		reserve_range("boot information", boot_info.info_start, boot_info.info_end);
	for (int i = 0; i < boot_info.nr_modules; i++)
		reserve_range("boot module", boot_info.modules[i].start, boot_info.modules[i].end);
}

void memblock_setup(void)
{
	print_boot_map();
	add_usable_ram();
	totalram_bytes = memblock_memory.total;
	if (!memblock_memory.cnt)
		panic("mm: the boot memory map has no usable RAM (%d entries): cannot run",
		      boot_info.nr_mem);
	reserve_boot_ranges();
	/* Page tables and struct pages need at least a little free RAM. */
	if (!memblock_type_find_top_down(&memblock_memory, &memblock_reserved, 1 << 20, PAGE_SIZE,
					 (phys_addr_t)-1))
		panic("mm: only %llu KiB of usable RAM outside the kernel and boot data: too little",
		      (unsigned long long)(memblock_memory.total >> 10));
}
