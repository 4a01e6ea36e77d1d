/*
 * Interrupt descriptors: the core behind request_irq() (kernel/irq/manage.c),
 * for the code that creates interrupt sources (the IOAPIC's GSIs, PCI
 * MSI/MSI-X). Drivers use <kestrel/interrupt.h> only.
 *
 * An irq_desc ties an irq number to its IDT vector and target CPU, a chip
 * (how to mask, unmask and route the source) and the list of handlers.
 * desc->lock is held while the handlers run, and by request_irq/free_irq
 * while they change the list: free_irq returning means the handler is
 * not running anywhere.
 *
 * Locks used to protect struct members in this file:
 *	[c] constant after request_irq / irq_alloc_desc
 *	[a] atomic (counts: updated by the CPU taking the interrupt, read racily)
 *	[S] a lock itself
 *	[l] desc->lock (irq-safe), held while the handlers run
 */
#ifndef KESTREL_IRQ_H
#define KESTREL_IRQ_H

#include <kestrel/interrupt.h>
#include <kestrel/spinlock.h>

#define NR_GSI_IRQS 256			/* irq n < this: GSI n of the IOAPICs */
#define NR_IRQS 512			/* GSIs, then message-signalled irqs */

struct irq_desc;

struct irq_chip {
	const char *name;		/* for /proc/interrupts: "IO-APIC", "PCI-MSI", "PCI-MSIX" */
	/* The first handler arrives: route and unmask. 0 or -errno. */
	int (*irq_startup)(struct irq_desc *desc);
	/* The last handler left: mask. */
	void (*irq_shutdown)(struct irq_desc *desc);
	void (*irq_mask)(struct irq_desc *desc);
	void (*irq_unmask)(struct irq_desc *desc);
};

struct irqaction {
	irq_handler_fn handler;		/* [c] */
	void *dev_id;			/* [c] */
	const char *name;		/* [c] */
	unsigned long flags;		/* [c] IRQF_* */
	struct irqaction *next;		/* [l] the next handler of the irq */
};

struct irq_desc {
	unsigned int irq;		/* [c] */
	unsigned int vector;		/* [c] IDT vector on cpu */
	unsigned int cpu;		/* [c] the CPU the source is aimed at */
	const struct irq_chip *chip;	/* [c] */
	void *chip_data;		/* [c] the chip's (an MSI entry, a GSI's trigger mode) */
	spinlock_t lock;		/* [S] action, depth, unhandled; held while handlers run */
	struct irqaction *action;	/* [l] handlers, first requested first */
	unsigned int depth;		/* [l] disable_irq nesting; masked while > 0 */
	unsigned int unhandled;		/* [l] interrupts in a row no handler claimed */
	bool dead;			/* [l] masked for good after a storm */
	atomic_long_t count;		/* [a] interrupts taken */
};

/*
 * Make an irq: number (a GSI, or the next free message-signalled number
 * when irq < 0), a fresh IDT vector aimed at cpu, the chip. Returns the
 * irq number or -errno (-EEXIST: that GSI has one; -ENOSPC: no vector).
 */
int irq_alloc_desc(int irq, unsigned int cpu, const struct irq_chip *chip, void *chip_data);
/* Forget an irq with no handlers left (its vector is freed). */
void irq_free_desc(unsigned int irq);
struct seq_file;
/* /proc/interrupts' lines of the irqs with handlers. */
void irq_proc_show(struct seq_file *m);
/* The descriptor of irq, or NULL. */
struct irq_desc *irq_to_desc(unsigned int irq);

#endif
