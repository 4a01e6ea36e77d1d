/*
 * Per-CPU areas and bringing one CPU's descriptor tables up (cpu_init).
 *
 * The areas are a static array indexed by CPU number; a CPU finds its own
 * through its GS base (include/kestrel/percpu.h). cpu_init() runs once on
 * each CPU, on that CPU, with interrupts off: it fills the CPU's TSS and
 * GDT, loads them and the shared IDT, and points GS at the area. The boot
 * CPU's IST stacks are static (cpu_init runs before the page allocator),
 * each with a guard page below it that paging_init leaves unmapped (as it
 * leaves the boot stack's, arch/x86/boot/head.S); for a CPU brought up
 * later the caller gets stacks with guard pages from ist_stacks_alloc()
 * and passes their tops to cpu_init() on that CPU.
 */
#include <kestrel/errno.h>
#include <kestrel/percpu.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include <kestrel/string.h>
#include <kestrel/vmalloc.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/syscall.h>
#include <asm/traps.h>

struct percpu percpu_areas[NR_CPUS];

/* Separate stacks so an NMI or #MC during a #DF report does not overwrite it. */
static struct {
	u8 guard[PAGE_SIZE];		/* not mapped: an overflow faults */
	u8 stack[IST_STACK_SIZE];
} boot_ist_stacks[IST_NR] __aligned(PAGE_SIZE);

extern char boot_stack_guard[];	/* arch/x86/boot/head.S */

bool is_static_stack_guard(unsigned long va)
{
	if (va == (unsigned long)boot_stack_guard)
		return true;
	for (int i = 0; i < IST_NR; i++)
		if (va == (unsigned long)boot_ist_stacks[i].guard)
			return true;
	return false;
}

int ist_stacks_alloc(unsigned long ist_top[IST_NR])
{
	for (int i = 0; i < IST_NR; i++) {
		void *base = alloc_kernel_stack(IST_STACK_SIZE);
		if (!base) {
			ist_top[i] = 0;
			ist_stacks_free(ist_top);
			return -ENOMEM;
		}
		ist_top[i] = (unsigned long)base + IST_STACK_SIZE;
	}
	return 0;
}

void ist_stacks_free(unsigned long ist_top[IST_NR])
{
	for (int i = 0; i < IST_NR && ist_top[i]; i++) {
		free_kernel_stack((void *)(ist_top[i] - IST_STACK_SIZE));
		ist_top[i] = 0;
	}
}

void cpu_init(unsigned int cpu, const unsigned long ist_top[IST_NR])
{
	struct percpu *pc = per_cpu(cpu);

	BUG_ON(cpu >= NR_CPUS);
	pc->self = pc;
	pc->cpu = cpu;
	memset(&pc->arch.tss, 0, sizeof(pc->arch.tss));
	for (int i = 0; i < IST_NR; i++) {
		pc->arch.ist_top[i] = ist_top[i];
		pc->arch.tss.ist[i] = ist_top[i];	/* IST i + 1 */
	}
	pc->arch.tss.iomap_base = sizeof(struct tss);	/* no I/O bitmap: user port I/O faults */

	gdt_setup(pc);
	wrmsr(MSR_GS_BASE, (u64)pc);
	wrmsr(MSR_KERNEL_GS_BASE, 0);	/* the user's GS base, swapped in by swapgs */
	idt_load();
	syscall_cpu_init();	/* SYSCALL/SYSRET: STAR, LSTAR, FMASK, EFER.SCE */
	fpu_cpu_init(cpu);	/* user FPU/SSE/AVX state: CR0/CR4, XCR0 */
	pc->online = true;
}

void percpu_boot_early(void)
{
	struct percpu *pc = per_cpu(0);

	pc->self = pc;
	pc->cpu = 0;
	pc->current_task = &init_task;
	wrmsr(MSR_GS_BASE, (u64)pc);
}

void trap_init(void)
{
	unsigned long tops[IST_NR];

	for (int i = 0; i < IST_NR; i++)
		tops[i] = (unsigned long)boot_ist_stacks[i].stack + IST_STACK_SIZE;
	idt_init();
	cpu_init(0, tops);
}
