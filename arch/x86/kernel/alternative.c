/*
 * text_poke(): writing into the read-only kernel text through a
 * temporary writable alias (asm/text-patching.h says when it is safe).
 *
 * The poke slot is one page of the vmalloc space reserved at boot, with
 * its page tables built then, so a poke allocates nothing and takes no
 * lock (kgdb pokes with the other CPUs stopped, one of them maybe inside
 * the allocator or holding the page-table lock): it points the slot's
 * entry at the target's physical page, writes, clears the entry and
 * drops the slot's TLB entry on this CPU. Only this CPU ever used the
 * translation, so no other TLB holds it.
 *
 * Linux: arch/x86/kernel/alternative.c (text_poke, through a temporary mm).
 */
#include <kestrel/errno.h>
#include <kestrel/string.h>
#include <kestrel/vmalloc.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/text-patching.h>

static unsigned long poke_addr;	/* [c] the slot's address, 0 before text_poke_init */
static pteval_t *poke_pte;	/* [c] its page-table entry, in the kernel's tables */

int text_poke_init(void)
{
	struct vm_struct *area;
	int level;

	if (poke_pte)
		return 0;
	area = get_vm_area(PAGE_SIZE, VM_IOREMAP);
	if (!area)
		return -ENOMEM;
	/* Map something once so the tables below the slot exist, then empty the entry. */
	if (map_kernel_page(area->addr, 0, PAGE_KERNEL)) {
		free_vm_area(area);
		return -ENOMEM;
	}
	poke_pte = lookup_kernel_pte(area->addr, &level);
	WRITE_ONCE(*poke_pte, 0);
	invlpg(area->addr);	/* never touched, but cheap */
	poke_addr = area->addr;
	return 0;
}

int text_poke(void *addr, const void *src, size_t len)
{
	unsigned long va = (unsigned long)addr;
	const u8 *s = src;

	if (!poke_pte)
		return -ENODEV;
	while (len) {
		unsigned long off = va & (PAGE_SIZE - 1);
		size_t n = min(len, (size_t)(PAGE_SIZE - off));
		phys_addr_t phys = kernel_virt_to_phys(va);

		if (phys == (phys_addr_t)-1)
			return -EFAULT;
		WRITE_ONCE(*poke_pte, ((phys & PAGE_MASK) | PAGE_KERNEL) & __supported_pte_mask);
		memcpy((void *)(poke_addr + off), s, n);
		WRITE_ONCE(*poke_pte, 0);
		invlpg(poke_addr);
		va += n, s += n, len -= n;
	}
	return 0;
}
