/*
 * Interrupt descriptors and request_irq/free_irq (include/kestrel/irq.h,
 * include/kestrel/interrupt.h).
 *
 * Each irq number that exists has an irq_desc with its own IDT vector:
 * the vector's low-level handler (do_interrupt -> irq_desc_handle) runs
 * the descriptor's handlers under desc->lock, sends the local APIC its
 * EOI, and counts interrupts nobody claimed.
 *
 * Locks: irq_descs_lock (a mutex: allocation sleeps) protects the table
 * and serializes request_irq/free_irq; desc->lock (irq-safe spinlock)
 * protects the handler list against the interrupt itself.
 * Order: irq_descs_lock > desc->lock > the handlers' own locks.
 */
#include <kestrel/errno.h>
#include <kestrel/irq.h>
#include <kestrel/mutex.h>
#include <kestrel/printk.h>
#include <kestrel/seq_file.h>
#include <kestrel/smp.h>
#include <kestrel/slab.h>
#include <asm/apic.h>
#include <asm/irq.h>

#define STORM_LIMIT 10000	/* unclaimed interrupts in a row before a line is masked */

static DEFINE_MUTEX(irq_descs_lock);		/* irq_descs[], request/free */
static struct irq_desc *irq_descs[NR_IRQS];	/* written under irq_descs_lock */

struct irq_desc *irq_to_desc(unsigned int irq)
{
	return irq < NR_IRQS ? READ_ONCE(irq_descs[irq]) : NULL;
}

/* The vector's handler: every handler of the irq, then the EOI. */
static void irq_desc_handle(struct pt_regs *regs, void *data)
{
	struct irq_desc *desc = data;
	irqreturn_t ret = IRQ_NONE;
	struct irqaction *a;

	atomic_long_inc(&desc->count);
	spin_lock(&desc->lock);
	for (a = desc->action; a; a = a->next)
		ret |= a->handler(desc->irq, a->dev_id);
	if (ret == IRQ_NONE && desc->action) {
		if (++desc->unhandled == STORM_LIMIT && desc->chip->irq_mask) {
			pr_err("irq %u: nobody cared (%u interrupts in a row no handler claimed); "
			       "masked\n", desc->irq, STORM_LIMIT);
			desc->dead = true;
			desc->chip->irq_mask(desc);
		}
	} else {
		desc->unhandled = 0;
	}
	spin_unlock(&desc->lock);
	apic_eoi();
}

static int alloc_irq_number(int irq)
{
	if (irq >= 0)
		return irq < NR_GSI_IRQS ? (irq_descs[irq] ? -EEXIST : irq) : -EINVAL;
	for (irq = NR_GSI_IRQS; irq < NR_IRQS; irq++)
		if (!irq_descs[irq])
			return irq;
	return -ENOSPC;
}

int irq_alloc_desc(int irq, unsigned int cpu, const struct irq_chip *chip, void *chip_data)
{
	struct irq_desc *desc = kzalloc(sizeof(*desc), GFP_KERNEL);
	int vector;

	if (!desc)
		return -ENOMEM;
	mutex_lock(&irq_descs_lock);
	irq = alloc_irq_number(irq);
	if (irq < 0)
		goto fail;
	vector = irq_alloc_vector(irq_desc_handle, desc);
	if (vector < 0) {
		irq = vector;
		goto fail;
	}
	desc->irq = irq;
	desc->vector = vector;
	desc->cpu = cpu;
	desc->chip = chip;
	desc->chip_data = chip_data;
	spin_lock_init(&desc->lock);
	WRITE_ONCE(irq_descs[irq], desc);
	mutex_unlock(&irq_descs_lock);
	return irq;
fail:
	mutex_unlock(&irq_descs_lock);
	kfree(desc);
	return irq;
}

void irq_free_desc(unsigned int irq)
{
	struct irq_desc *desc;

	mutex_lock(&irq_descs_lock);
	desc = irq_to_desc(irq);
	if (desc && !desc->action) {
		WRITE_ONCE(irq_descs[irq], NULL);
		irq_free_handler(desc->vector);	/* waits for nothing: no handler can be running */
	} else {
		desc = NULL;
		WARN_ON(1);
	}
	mutex_unlock(&irq_descs_lock);
	kfree(desc);
}

int request_irq(unsigned int irq, irq_handler_fn handler, unsigned long flags,
		const char *name, void *dev_id)
{
	struct irqaction *action, **p;
	struct irq_desc *desc;
	unsigned long irqflags;
	int err = 0;

	if (!handler)
		return -EINVAL;
	action = kzalloc(sizeof(*action), GFP_KERNEL);
	if (!action)
		return -ENOMEM;
	action->handler = handler;
	action->dev_id = dev_id;
	action->name = name;
	action->flags = flags;

	mutex_lock(&irq_descs_lock);
	desc = irq_to_desc(irq);
	if (!desc) {
		err = -EINVAL;
		goto out;
	}
	if (desc->action && !(desc->action->flags & flags & IRQF_SHARED)) {
		err = -EBUSY;
		goto out;
	}
	if (!desc->action && desc->chip->irq_startup) {
		err = desc->chip->irq_startup(desc);
		if (err)
			goto out;
	}
	spin_lock_irqsave(&desc->lock, irqflags);
	for (p = &desc->action; *p; p = &(*p)->next)
		;
	*p = action;
	desc->unhandled = 0;
	spin_unlock_irqrestore(&desc->lock, irqflags);
	action = NULL;
out:
	mutex_unlock(&irq_descs_lock);
	kfree(action);
	return err;
}

void free_irq(unsigned int irq, void *dev_id)
{
	struct irqaction *found = NULL, **p;
	struct irq_desc *desc;
	unsigned long flags;

	mutex_lock(&irq_descs_lock);
	desc = irq_to_desc(irq);
	if (!desc)
		goto out;
	/* Holding desc->lock: no handler of this irq runs meanwhile on any CPU. */
	spin_lock_irqsave(&desc->lock, flags);
	for (p = &desc->action; *p; p = &(*p)->next) {
		if ((*p)->dev_id == dev_id) {
			found = *p;
			*p = found->next;
			break;
		}
	}
	spin_unlock_irqrestore(&desc->lock, flags);
	if (found && !desc->action && desc->chip->irq_shutdown)
		desc->chip->irq_shutdown(desc);
out:
	mutex_unlock(&irq_descs_lock);
	if (!found)
		pr_warn("free_irq: irq %u has no handler for %p\n", irq, dev_id);
	kfree(found);
}

void disable_irq(unsigned int irq)
{
	struct irq_desc *desc = irq_to_desc(irq);
	unsigned long flags;

	if (!desc)
		return;
	spin_lock_irqsave(&desc->lock, flags);
	if (desc->depth++ == 0 && desc->chip->irq_mask)
		desc->chip->irq_mask(desc);
	spin_unlock_irqrestore(&desc->lock, flags);
}

void enable_irq(unsigned int irq)
{
	struct irq_desc *desc = irq_to_desc(irq);
	unsigned long flags;

	if (!desc)
		return;
	spin_lock_irqsave(&desc->lock, flags);
	if (WARN_ON(desc->depth == 0)) {
		spin_unlock_irqrestore(&desc->lock, flags);
		return;
	}
	if (--desc->depth == 0 && !desc->dead && desc->chip->irq_unmask)
		desc->chip->irq_unmask(desc);
	spin_unlock_irqrestore(&desc->lock, flags);
}

int irq_get_cpu(unsigned int irq)
{
	struct irq_desc *desc = irq_to_desc(irq);

	return desc ? (int)desc->cpu : -1;
}

unsigned long irq_get_count(unsigned int irq)
{
	struct irq_desc *desc = irq_to_desc(irq);

	return desc ? atomic_long_read(&desc->count) : 0;
}

/*
 * /proc/interrupts' lines for the irqs with handlers: the number, the
 * count in the column of the CPU the irq is aimed at (it arrives nowhere
 * else), the chip and the handlers' names, as Linux lays them out.
 */
void irq_proc_show(struct seq_file *m)
{
	mutex_lock(&irq_descs_lock);
	for (unsigned int irq = 0; irq < NR_IRQS; irq++) {
		struct irq_desc *desc = irq_descs[irq];
		struct irqaction *a;
		unsigned int cpu;
		unsigned long flags;

		if (!desc || !desc->action)
			continue;
		seq_printf(m, "%4u:", irq);
		for_each_online_cpu(cpu)
			seq_printf(m, " %13lu", cpu == desc->cpu ? irq_get_count(irq) : 0UL);
		seq_printf(m, "  %-8s", desc->chip->name);
		spin_lock_irqsave(&desc->lock, flags);
		for (a = desc->action; a; a = a->next)
			seq_printf(m, "%s%s", a == desc->action ? "  " : ", ", a->name);
		spin_unlock_irqrestore(&desc->lock, flags);
		seq_putc(m, '\n');
	}
	mutex_unlock(&irq_descs_lock);
}
