/*
 * ioremap: map device memory (MMIO) into the kernel's vmalloc area
 * (arch/x86/mm/ioremap.c).
 *
 * Device registers are not RAM and are not in the direct map: a driver
 * maps them with ioremap(phys, size), which returns a pointer for
 * readl()/writel() (asm/io.h), and gives the mapping back with iounmap().
 * The mapping is uncached (PCD|PWT) and not executable. Each call maps
 * whole pages; the pointer returned keeps phys's offset in its page.
 */
#ifndef ASM_IOREMAP_H
#define ASM_IOREMAP_H

#include <kestrel/types.h>
#include <asm/io.h>

/* Uncached mapping of [phys, phys+size); NULL on failure or size 0. */
void __iomem *ioremap(phys_addr_t phys, unsigned long size);
/* Write-back (cached) mapping: for firmware tables in memory, not for registers. */
void __iomem *ioremap_cache(phys_addr_t phys, unsigned long size);
void iounmap(volatile void __iomem *addr);

#endif
