/*
 * Per-CPU areas and bringing one CPU's descriptor tables up (cpu_init).
 *
 * The areas are a static array indexed by CPU number; a CPU finds its own
 * through its GS base (include/kestrel/percpu.h). cpu_init() runs once on
 * each CPU, on that CPU, with interrupts off: it fills the CPU's TSS and
 * GDT, loads them and the shared IDT, and points GS at the area. The boot
 * CPU's IST stacks are static; a CPU brought up later gets stacks from its
 * caller (allocated with guard pages once the page allocator runs).
 */
#include <kestrel/percpu.h>
#include <kestrel/printk.h>
#include <kestrel/string.h>
#include <asm/desc.h>
#include <asm/processor.h>

struct percpu percpu_areas[NR_CPUS];

#define BOOT_IST_STACK_SIZE 16384
/* Separate stacks so an NMI or #MC during a #DF report does not overwrite it. */
static u8 boot_ist_stacks[IST_NR][BOOT_IST_STACK_SIZE] __aligned(16);

void gdt_setup(struct percpu *pc);

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
	pc->online = true;
}

void trap_init(void)
{
	unsigned long tops[IST_NR];

	for (int i = 0; i < IST_NR; i++)
		tops[i] = (unsigned long)boot_ist_stacks[i] + BOOT_IST_STACK_SIZE;
	idt_init();
	cpu_init(0, tops);
}
