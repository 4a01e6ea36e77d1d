/*
 * Interrupt handlers for vectors 0x20-0xff (see asm/irq_vectors.h for who
 * uses which vector).
 *
 * A handler runs with interrupts off on the CPU that took the interrupt,
 * on the interrupted stack, and must acknowledge the interrupt itself (for
 * the local APIC through apic_eoi()). Exceptions (0-31) are not handled
 * here but by named handlers in arch/x86/kernel/traps.c.
 */
#ifndef ASM_IRQ_H
#define ASM_IRQ_H

#include <asm/irq_vectors.h>
#include <asm/ptrace.h>

typedef void (*irq_handler_t)(struct pt_regs *regs, void *data);

/*
 * Install fn(regs, data) for vector (0x20-0xff). Returns 0, -EINVAL for a
 * vector outside that range or a NULL fn, -EBUSY if the vector already has
 * a handler (free it first).
 */
int irq_set_handler(unsigned int vector, irq_handler_t fn, void *data);
/* Remove the handler of vector; later interrupts on it are reported as unexpected. */
void irq_free_handler(unsigned int vector);
/* A free device vector (0x30-0xdf) with fn installed, or -ENOSPC. */
int irq_alloc_vector(irq_handler_t fn, void *data);

/* Called by entry.S for every vector with the saved registers. */
void do_interrupt(struct pt_regs *regs);

#endif
