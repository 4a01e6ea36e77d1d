/*
 * The kernel's final page tables (paging_init), replacing the boot tables
 * of arch/x86/boot/head.S:
 *
 *   - the direct map: all RAM, the ACPI ranges and the low 4 GiB at PAGE_OFFSET, with
 *     1 GiB pages where the CPU has them, else 2 MiB pages; read-write,
 *     never executable;
 *   - the kernel image at KERNEL_VMA with 4 KiB pages: .text read-only and
 *     executable, .rodata read-only, .data and .bss read-write, the last
 *     two not executable, but for the guard pages below the static stacks
 *     (the boot stack, the boot CPU's IST stacks), left out so an
 *     overflow faults; the 32-bit .boot section is not mapped;
 *   - in the direct map, the pages of .text and .rodata read-only as
 *     well (4 KiB pages around them): no alias lets a stray write change
 *     kernel code or constant data;
 *   - a PDPT for every PML4 slot of the vmalloc area, so those slots never
 *     change afterwards (a future per-process PML4 can copy them once);
 *   - no identity map: a NULL or user-half access by the kernel faults.
 *
 * Runs once on the boot CPU before the other CPUs start. Until the CR3
 * switch, new tables are written through the boot direct map, which only
 * covers the low 4 GiB, so memblock allocations stay below 4 GiB here.
 */
#include <kestrel/bootinfo.h>
#include <kestrel/memblock.h>
#include <kestrel/mm.h>
#include <kestrel/printk.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/traps.h>
#include "mm_internal.h"

extern char _text[], _etext[], _rodata[], _erodata[], _data[], _end[];

#define GB (1ULL << 30)

static void detect_paging_features(void)
{
	u32 a, b, c, d;

	cpuid(0x80000000, &a, &b, &c, &d);
	if (a < 0x80000001)
		return;
	cpuid(0x80000001, &a, &b, &c, &d);
	cpu_has_nx = d & (1U << 20);
	cpu_has_gbpages = d & (1U << 26);
}

static void enable_nx(void)
{
	u64 efer;

	if (!cpu_has_nx)
		return;	/* _PAGE_NX stays masked out of every entry */
	__supported_pte_mask = ~0ULL;
	efer = rdmsr(MSR_EFER);
	if (!(efer & EFER_NXE))
		wrmsr(MSR_EFER, efer | EFER_NXE);
}

static void map_or_panic(unsigned long va, phys_addr_t pa, pteval_t prot, int level)
{
	int err = __map_page(kernel_pgd, va, pa, prot, level);

	if (err)
		panic("paging: cannot map %#lx -> %#llx (level %d): error %d", va,
		      (unsigned long long)pa, level, err);
}

/*
 * What the direct map covers: all RAM and the ACPI ranges, each widened
 * to 2 MiB, and the whole low 4 GiB as the boot tables had it, so code
 * that reads firmware tables or registers below 4 GiB through __va()
 * keeps working (device registers should move to ioremap(): the MTRRs
 * keep such ranges uncached on real hardware, but the direct map does not
 * say so itself).
 */
static struct memblock_region dm_regions[BOOT_MAX_MEM_REGIONS];
static struct memblock_type direct_map_ranges = { .max = BOOT_MAX_MEM_REGIONS, .regions = dm_regions };

static void collect_direct_map_ranges(void)
{
	memblock_type_add(&direct_map_ranges, 0, 4 * GB);
	for (int i = 0; i < boot_info.nr_mem; i++) {
		const struct boot_mem_region *r = &boot_info.mem[i];
		phys_addr_t start = ALIGN_DOWN(r->addr, PMD_SIZE);
		phys_addr_t end = ALIGN(r->addr + r->len, PMD_SIZE);

		if (r->type != BOOT_MEM_USABLE && r->type != BOOT_MEM_ACPI && r->type != BOOT_MEM_NVS)
			continue;
		end = min(end, (phys_addr_t)DIRECT_MAP_SIZE);
		if (start < end)
			memblock_type_add(&direct_map_ranges, start, end - start);
	}
}

static unsigned long nr_gb_pages, nr_2m_pages, nr_split;	/* split: 2 MiB blocks in 4 KiB pages */

/* Physical pages of .text and .rodata: read-only in the direct map too. */
static bool overlaps_kernel_ro(phys_addr_t pa, phys_addr_t size)
{
	return pa < __pa_symbol(_erodata) && pa + size > __pa_symbol(_text);
}

/* A 2 MiB block of the direct map holding kernel text or rodata: 4 KiB pages. */
static void map_direct_block_split(phys_addr_t pa)
{
	for (phys_addr_t p = pa; p < pa + PMD_SIZE; p += PAGE_SIZE)
		map_or_panic((unsigned long)__va(p), p,
			     overlaps_kernel_ro(p, PAGE_SIZE) ? PAGE_KERNEL_RO : PAGE_KERNEL, 1);
}

static void map_direct_range(phys_addr_t start, phys_addr_t end)
{
	phys_addr_t pa = start;

	while (pa < end) {
		if (overlaps_kernel_ro(pa, PMD_SIZE)) {
			map_direct_block_split(pa);
			pa += PMD_SIZE;
			nr_split++;
		} else if (cpu_has_gbpages && IS_ALIGNED(pa, GB) && end - pa >= GB &&
			   !overlaps_kernel_ro(pa, GB)) {
			map_or_panic((unsigned long)__va(pa), pa, PAGE_KERNEL, 3);
			pa += GB;
			nr_gb_pages++;
		} else {
			map_or_panic((unsigned long)__va(pa), pa, PAGE_KERNEL, 2);
			pa += PMD_SIZE;
			nr_2m_pages++;
		}
	}
}

static void map_direct_map(void)
{
	collect_direct_map_ranges();
	for (unsigned long i = 0; i < direct_map_ranges.cnt; i++) {
		const struct memblock_region *r = &direct_map_ranges.regions[i];
		map_direct_range(r->base, r->base + r->size);
	}
}

static void map_kernel_image(void)
{
	for (unsigned long va = (unsigned long)_text; va < (unsigned long)_end; va += PAGE_SIZE) {
		pteval_t prot;

		if (is_static_stack_guard(va))
			continue;	/* an overflow of that stack faults here */
		if (va < (unsigned long)_etext)
			prot = PAGE_KERNEL_RX;
		else if (va < (unsigned long)_erodata)
			prot = PAGE_KERNEL_RO;
		else
			prot = PAGE_KERNEL;
		map_or_panic(va, __pa_symbol(va), prot, 1);
	}
}

static void prealloc_vmalloc_tables(void)
{
	for (unsigned long i = pgd_index(VMALLOC_START); i <= pgd_index(VMALLOC_END); i++)
		kernel_pgd[i] = __pa(pgtable_alloc()) | _PAGE_TABLE;
}

void paging_init(void)
{
	detect_paging_features();
	enable_nx();
	memblock_set_limit(4 * GB);
	kernel_pgd = pgtable_alloc();
	map_direct_map();
	map_kernel_image();
	prealloc_vmalloc_tables();
	write_cr3(__pa(kernel_pgd));
	memblock_set_limit((phys_addr_t)-1);
	pr_info("paging: direct map of %lu MiB (%lu x 1 GiB, %lu x 2 MiB pages, %lu x 2 MiB in 4 KiB pages for the kernel's read-only part), NX %s\n",
		(unsigned long)((nr_gb_pages * GB + (nr_2m_pages + nr_split) * PMD_SIZE) >> 20),
		nr_gb_pages, nr_2m_pages, nr_split, cpu_has_nx ? "on" : "not supported");
}
