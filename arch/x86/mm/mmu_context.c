/*
 * Which page tables a CPU runs on, and user TLB shootdown.
 *
 * Every user mm has its own PML4 whose upper half (the kernel) is a copy of
 * kernel_pgd's, so any mm's tables serve the kernel too. A CPU loads a
 * user task's mm at the context switch (switch_mm). A kernel thread has no
 * mm of its own: it keeps running on whatever tables were loaded (lazy
 * TLB), and borrows that mm as its active_mm with an mm_count reference so
 * the tables are not freed under it. The rules, as Linux's:
 *
 *   user task:    mm == active_mm, covered by its mm_users reference
 *   kernel task:  mm == NULL; while it runs, active_mm is the borrowed mm
 *                 (one mm_count reference) or NULL (kernel_pgd loaded)
 *
 * loaded_mm[cpu] is what CR3 really points at (NULL: kernel_pgd). It is
 * written by its own CPU with interrupts off, read by the flush IPI.
 *
 * Shootdown: whoever changes or removes a present user PTE calls
 * flush_tlb_mm_range() afterwards; it flushes here if this CPU has the mm
 * loaded and sends a call-function IPI to the other CPUs in
 * mm->cpu_vm_mask, which flush if they still have it loaded. A CPU sets
 * its bit, then a full barrier, then loads the tables; the flusher changes
 * the PTE, then a full barrier, then reads the mask. So either the
 * flusher sees the bit, or that CPU's table walk sees the new entry. User entries are never global: a CR3 load drops them.
 */
#include <kestrel/atomic.h>
#include <kestrel/cpumask.h>
#include <kestrel/mm.h>
#include <kestrel/mm_types.h>
#include <kestrel/percpu.h>
#include <kestrel/preempt.h>
#include <kestrel/sched.h>
#include <kestrel/smp.h>
#include <kestrel/vm.h>
#include <asm/pgtable.h>
#include <asm/processor.h>

/* What each CPU's CR3 points at (NULL: kernel_pgd); see above. */
static struct mm_struct *loaded_mm[NR_CPUS];
/* A borrowed mm a kernel task gave up at the switch, dropped in mm_finish_switch (own CPU). */
static struct mm_struct *mm_to_drop[NR_CPUS];

static void mask_set(struct mm_struct *mm, unsigned int cpu)
{
	cpumask_set_cpu(cpu, &mm->cpu_vm_mask);
	smp_mb__after_atomic();	/* the bit before the table walks: see above */
}

static void mask_clear(struct mm_struct *mm, unsigned int cpu)
{
	cpumask_clear_cpu(cpu, &mm->cpu_vm_mask);
}

/* Interrupts off (or this CPU otherwise pinned). */
void switch_mm(struct mm_struct *prev, struct mm_struct *next, struct task_struct *tsk)
{
	unsigned int cpu = smp_processor_id();
	struct mm_struct *old = loaded_mm[cpu];

	(void)prev;	/* loaded_mm is the truth: prev may be a lazily kept mm */
	(void)tsk;
	if (old == next)
		return;
	if (next) {
		mask_set(next, cpu);
		write_cr3(__pa(next->pgd));
	} else {
		write_cr3(__pa(kernel_pgd));
	}
	loaded_mm[cpu] = next;
	if (old)
		mask_clear(old, cpu);
}

/*
 * The scheduler's hook, before the stack switch (rq lock held, interrupts
 * off): give next its address space. A kernel task takes over prev's
 * active mm (a new mm_count reference if prev is a user task, prev's own
 * one if prev is a kernel task too); a kernel task switched away from
 * gives its borrowed mm up, dropped by mm_finish_switch once we are off
 * prev's stack.
 */
void mm_context_switch(struct task_struct *prev, struct task_struct *next)
{
	unsigned int cpu = smp_processor_id();

	if (!next->mm) {
		struct mm_struct *dead = prev->active_mm;

		if (dead && !prev->mm && !atomic_read(&dead->mm_users)) {
			/*
			 * prev was the last task of that address space (exit_mm):
			 * nothing left worth borrowing. Load the kernel's tables and
			 * let the struct and its PML4 go now, not whenever this CPU
			 * next runs a user task.
			 */
			switch_mm(dead, NULL, next);
			next->active_mm = NULL;
			mm_to_drop[cpu] = dead;
			prev->active_mm = NULL;
			return;
		}
		next->active_mm = prev->active_mm;
		if (prev->mm) {
			if (next->active_mm)
				mmgrab(next->active_mm);
		} else {
			prev->active_mm = NULL;	/* the reference moves to next */
		}
		return;
	}
	switch_mm(prev->active_mm, next->mm, next);
	if (!prev->mm) {
		mm_to_drop[cpu] = prev->active_mm;
		prev->active_mm = NULL;
	}
}

/* In the task switched to, interrupts still off: take the mm to drop; drop it with them on. */
struct mm_struct *mm_finish_switch_take(void)
{
	unsigned int cpu = smp_processor_id();
	struct mm_struct *mm = mm_to_drop[cpu];

	mm_to_drop[cpu] = NULL;
	return mm;
}

/* Load the kernel's own tables on this CPU (interrupts off). */
void switch_to_kernel_pgd(void)
{
	switch_mm(NULL, NULL, NULL);
}

struct mm_flush {
	struct mm_struct *mm;
	unsigned long start, end;
};

static void flush_local(unsigned long start, unsigned long end)
{
	if ((end - start) >> PAGE_SHIFT > 32) {
		write_cr3(read_cr3());	/* drops every non-global entry: all of user space */
		return;
	}
	for (unsigned long va = start & PAGE_MASK; va < end; va += PAGE_SIZE)
		invlpg(va);
}

static void flush_ipi(void *info)
{
	const struct mm_flush *f = info;

	if (loaded_mm[smp_processor_id()] == f->mm)
		flush_local(f->start, f->end);
}

void flush_tlb_mm_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct mm_flush f = { mm, start, end };
	unsigned int cpu;
	cpumask_t others;

	preempt_disable();
	cpu = smp_processor_id();
	if (loaded_mm[cpu] == mm)
		flush_local(start, end);
	smp_mb();	/* the caller's PTE change before the mask: see above */
	others = READ_ONCE(mm->cpu_vm_mask);
	__cpumask_clear_cpu(cpu, &others);
	if (!cpumask_empty(others) && !smp_stopping())
		smp_call_function_many(others, flush_ipi, &f, true);
	preempt_enable();
}

void flush_tlb_mm(struct mm_struct *mm)
{
	flush_tlb_mm_range(mm, 0, TASK_SIZE_LIMIT);
}
