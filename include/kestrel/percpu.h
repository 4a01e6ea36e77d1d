/*
 * Per-CPU data. Every CPU has one struct percpu; while it runs kernel code
 * its GS base (MSR_GS_BASE) points at it, so
 *
 *	this_cpu()			this CPU's struct percpu
 *	this_cpu_read(field)		one field of it, in one instruction
 *	this_cpu_write(field, v)
 *	smp_processor_id()		this CPU's number (0 = boot CPU)
 *	per_cpu(n)			another CPU's struct percpu
 *
 * cpu_init() (arch/x86/kernel/cpu.c) sets a CPU's area up and loads its GS
 * base; it is the first thing a CPU does in C. Fields are only written by
 * their own CPU unless a comment says otherwise, so they need no lock; a
 * caller that reads a field of its own CPU and then uses it must not
 * migrate in between (interrupts off; no migration exists yet).
 *
 * To add per-CPU state, add a field here (before arch).
 */
#ifndef KESTREL_PERCPU_H
#define KESTREL_PERCPU_H

#include <kestrel/compiler.h>
#include <asm/percpu.h>

struct task_struct;

#define NR_CPUS 64

struct percpu {
	struct percpu *self;	/* offset 0: this_cpu() is one load from %gs:0 */
	/*
	 * The syscall entry (arch/x86/kernel/entry.S) reaches these with
	 * fixed %gs offsets before it has a free register: keep them at 8
	 * and 16 (checked in arch/x86/kernel/syscall.c). entry_stack_top is
	 * current's kernel stack top (= TSS.rsp0), written at each context
	 * switch; entry_user_rsp holds the user RSP for the few instructions
	 * between SYSCALL and the push onto the kernel stack (IF is off).
	 */
	unsigned long entry_user_rsp;
	unsigned long entry_stack_top;
	unsigned int cpu;	/* logical CPU number */
	bool online;		/* cpu_init() ran on this CPU */
	unsigned int oops_nesting;	/* > 0 while this CPU prints an oops */
	unsigned long nr_exceptions;	/* exceptions handled and returned from */
	unsigned long nr_irqs;		/* interrupts (vectors 0x20-0xff) taken */
	/*
	 * Scheduler state (include/kestrel/preempt.h, kernel/sched/).
	 * preempt_count: preempt, softirq, hardirq and NMI nesting, changed
	 * only by this CPU with single instructions. current_task: the task
	 * running here (`current`). need_resched: set by this CPU's tick or by
	 * another CPU's wake-up (the one field others write: READ/WRITE_ONCE);
	 * cleared by schedule() on this CPU.
	 */
	unsigned int preempt_count;
	bool need_resched;
	struct task_struct *current_task;
	struct arch_percpu arch;
} __aligned(64);

extern struct percpu percpu_areas[NR_CPUS];

#define per_cpu(n) (&percpu_areas[(n)])

/* __ret and __val differ: a read nests inside a write (this_cpu_inc). */
#define this_cpu_read(field)                                                      \
	({                                                                        \
		__typeof__(((struct percpu *)0)->field) __ret;                    \
		BUILD_BUG_ON(sizeof(__ret) != 1 && sizeof(__ret) != 2 &&          \
			     sizeof(__ret) != 4 && sizeof(__ret) != 8);           \
		__percpu_read(offsetof(struct percpu, field), __ret);             \
		__ret;                                                            \
	})

#define this_cpu_write(field, val)                                                \
	do {                                                                      \
		__typeof__(((struct percpu *)0)->field) __val = (val);            \
		BUILD_BUG_ON(sizeof(__val) != 1 && sizeof(__val) != 2 &&          \
			     sizeof(__val) != 4 && sizeof(__val) != 8);           \
		__percpu_write(offsetof(struct percpu, field), __val);            \
	} while (0)

/* Not atomic against an interrupt handler on this CPU that changes the same field. */
#define this_cpu_inc(field) this_cpu_write(field, this_cpu_read(field) + 1)

static inline struct percpu *this_cpu(void)
{
	return this_cpu_read(self);
}

static inline unsigned int smp_processor_id(void)
{
	return this_cpu_read(cpu);
}

/*
 * Set up CPU `cpu`'s GDT, TSS (IST stacks at ist_top[0..IST_NR-1], the tops
 * of stacks the caller allocated), load them, the IDT and the GS base.
 * Runs on that CPU with interrupts off.
 */
void cpu_init(unsigned int cpu, const unsigned long ist_top[IST_NR]);

/* Size of each IST stack (NMI, #DF, #MC): an oops report must fit. */
#define IST_STACK_SIZE 16384

/*
 * For a CPU started later: IST_NR stacks of IST_STACK_SIZE with a guard
 * page below each (needs the page allocator). Fills ist_top with their
 * tops; returns 0 or -ENOMEM (nothing left allocated).
 */
int ist_stacks_alloc(unsigned long ist_top[IST_NR]);
void ist_stacks_free(unsigned long ist_top[IST_NR]);

/* The boot CPU: cpu_init(0) with static IST stacks, the IDT built first. */
void trap_init(void);

/*
 * First thing start_kernel() does: point the boot CPU's GS base at its
 * area (and `current` at the init task), so preempt_count and `current`
 * work from the first spinlock on; trap_init() completes the area.
 */
void percpu_boot_early(void);

#endif
