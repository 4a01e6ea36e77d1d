/*
 * x86 part of the per-CPU area: each CPU's own GDT and TSS (the TSS
 * descriptor's busy bit and the IST stacks are per CPU, so the GDT that
 * holds it must be too), and the %gs-relative instructions behind
 * this_cpu_read()/this_cpu_write() in <kestrel/percpu.h> and the
 * preempt_count updates in <kestrel/preempt.h>: all of Kestrel's %gs
 * inline assembly is here.
 *
 * Protocol: while the CPU runs kernel code, MSR_GS_BASE holds the address
 * of its struct percpu; the entry code swaps it in with swapgs when it
 * comes from user mode (MSR_KERNEL_GS_BASE then holds the user's GS base).
 */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#include <asm/desc.h>

struct arch_percpu {
	u64 gdt[GDT_ENTRIES] __aligned(16);
	struct tss tss __aligned(16);
	/* Top of each IST stack, also written into tss.ist[]. */
	unsigned long ist_top[IST_NR];
};

/* One instruction, so it cannot be torn by moving to another CPU mid-way. */
#define __percpu_read(off, var) __asm__ volatile("mov %%gs:%c1, %0" : "=r"(var) : "i"(off))
#define __percpu_write(off, var) __asm__ volatile("mov %0, %%gs:%c1" ::"r"(var), "i"(off) : "memory")

/*
 * Read-modify-write of a 32-bit field at offset off of this CPU's area, in
 * one instruction: an interrupt on this CPU sees the old or the new value,
 * never a torn one (not atomic against other CPUs: only the owner writes).
 */
#define __percpu_add_4(off, val) \
	__asm__ volatile("addl %0, %%gs:%c1" ::"ri"(val), "i"(off) : "memory")
#define __percpu_sub_4(off, val) \
	__asm__ volatile("subl %0, %%gs:%c1" ::"ri"(val), "i"(off) : "memory")
/* Subtract val; true if the field became 0. */
#define __percpu_sub_and_test_4(off, val)                                  \
	({                                                                 \
		bool __zero;                                               \
		__asm__ volatile("subl %1, %%gs:%c2\n\tsete %0"             \
				 : "=qm"(__zero)                           \
				 : "ri"(val), "i"(off)                     \
				 : "memory", "cc");                        \
		__zero;                                                    \
	})

#endif
