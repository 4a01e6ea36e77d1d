/*
 * Device interrupts with Linux's driver interface (kernel/irq/manage.c).
 *
 *	static irqreturn_t my_irq(int irq, void *dev_id) { ... return IRQ_HANDLED; }
 *	err = request_irq(pci_irq_vector(pdev, 0), my_irq, 0, "mydev", mydev);
 *	...
 *	free_irq(irq, mydev);
 *
 * An "irq" is a number naming one interrupt source: 0..NR_GSI_IRQS-1 are
 * the IOAPIC's global system interrupts (a PCI device's INTx line, ISA
 * IRQs after the MADT's overrides), NR_GSI_IRQS.. are message-signalled
 * interrupts (MSI, MSI-X) that drivers/pci/msi.c allocates. Each irq owns
 * one IDT vector on one CPU. A handler runs in interrupt context on that
 * CPU with interrupts off: it must not sleep. The core sends the local
 * APIC its EOI after the handlers ran.
 *
 * Several devices may share a level-triggered INTx line (IRQF_SHARED on
 * every request): each handler says whether its device interrupted
 * (IRQ_HANDLED) or not (IRQ_NONE). A line nobody claims 10000 times in a
 * row is masked with one log line (a stuck device would otherwise hang
 * the CPU in a storm).
 */
#ifndef KESTREL_INTERRUPT_H
#define KESTREL_INTERRUPT_H

#include <kestrel/compiler.h>
#include <kestrel/types.h>

typedef enum irqreturn {
	IRQ_NONE = 0,		/* not my device */
	IRQ_HANDLED = 1,	/* my device interrupted and I served it */
} irqreturn_t;

typedef irqreturn_t (*irq_handler_fn)(int irq, void *dev_id);

#define IRQF_SHARED 0x80	/* the line may be shared (all requesters must say so) */

/*
 * Install handler for irq. Returns 0, -EINVAL for an irq nobody
 * allocated or a NULL handler, -EBUSY if the irq has a handler and either
 * side did not ask IRQF_SHARED, -ENODEV if a GSI cannot be routed (no
 * IOAPIC). The first handler unmasks the source.
 */
int request_irq(unsigned int irq, irq_handler_fn handler, unsigned long flags,
		const char *name, void *dev_id);
/*
 * Remove dev_id's handler of irq; the last one masks the source. When it
 * returns the handler is not running on any CPU and will not run again.
 * Task context.
 */
void free_irq(unsigned int irq, void *dev_id);

/* Mask / unmask the source (nesting: each disable needs an enable). */
void disable_irq(unsigned int irq);
void enable_irq(unsigned int irq);

/* The CPU an irq is delivered to, or -1 if the irq does not exist. */
int irq_get_cpu(unsigned int irq);
/* How many times irq fired (for tests and /proc/interrupts). */
unsigned long irq_get_count(unsigned int irq);

#endif
