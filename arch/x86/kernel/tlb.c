/*
 * TLB shootdown: after the kernel page tables lose or change a mapping,
 * every CPU that may have cached the old translation must drop it before
 * the memory is reused. A CPU can only flush its own TLB, so
 * flush_tlb_kernel_range() flushes here and asks every other online CPU
 * to do the same with a call-function IPI, waiting for all of them: when
 * it returns, no CPU can still reach the old page through its TLB.
 *
 * The kernel half of the address space is shared by every CPU, so the
 * shootdown always goes to all of them. A user address space's flush
 * (flush_tlb_mm_range, arch/x86/mm/mmu_context.c) goes only to the CPUs
 * that may have it loaded.
 *
 * Caller rules (smp.c): interrupts on while others are online, since we
 * wait for them. In an oops or panic (other CPUs stopped) only this CPU
 * flushes. No locking of its own: the range lives on our stack and
 * outlives the waits.
 */
#include <kestrel/panic.h>
#include <kestrel/smp.h>
#include <asm/pgtable.h>
#include <asm/smp.h>

struct flush_range {
	unsigned long start, end;
};

static void flush_range_func(void *info)
{
	const struct flush_range *r = info;

	flush_tlb_kernel_range_local(r->start, r->end);
}

void flush_tlb_kernel_range(unsigned long start, unsigned long end)
{
	struct flush_range r = { start, end };

	if (smp_stopping()) {
		flush_tlb_kernel_range_local(start, end);
		return;
	}
	on_each_cpu(flush_range_func, &r, true);
}
