/*
 * Legacy PCI interrupts (INTx) through the IOAPIC.
 *
 * Which IOAPIC input a device's INTA#..INTD# pin reaches is board
 * wiring. ACPI describes it with _PRT methods in the DSDT, AML code that
 * only an AML interpreter can run, and Kestrel has none. So Kestrel does
 * what Linux does without ACPI: it trusts the interrupt line register
 * (PCI_INTERRUPT_LINE), which the firmware (SeaBIOS, OVMF, a PC's BIOS)
 * fills with the IRQ it routed the pin to. A line below 16 is an ISA IRQ
 * number: it reaches the IOAPIC on the GSI the MADT's interrupt source
 * overrides say, with their trigger and polarity (QEMU's MADT lists its
 * PCI IRQs 5, 9, 10, 11 as level, active high); without an override, and
 * for lines of 16 and up, PCI's rule applies: level-triggered, active
 * low. A line of 0 or 0xff means the firmware routed nothing.
 *
 * The irq number is the GSI. Lines are shared: every handler on one must
 * be requested with IRQF_SHARED and check its own device.
 */
#include <kestrel/acpi.h>
#include <kestrel/errno.h>
#include <kestrel/irq.h>
#include <kestrel/pci.h>
#include <kestrel/printk.h>
#include <asm/ioapic.h>

#define GSI_LEVEL 0x1UL
#define GSI_ACTIVE_LOW 0x2UL

static unsigned long gsi_mode_of_line(unsigned int line)
{
	for (int i = 0; line < 16 && i < acpi_platform.nr_overrides; i++) {
		const struct acpi_override *o = &acpi_platform.overrides[i];
		unsigned long mode = 0;

		if (o->bus != 0 || o->source_irq != line)
			continue;
		if ((o->flags & ACPI_MADT_TRIGGER_MASK) != ACPI_MADT_TRIGGER_EDGE)
			mode |= GSI_LEVEL;	/* "conforms" means the bus's rule: PCI is level */
		if ((o->flags & ACPI_MADT_POLARITY_MASK) != ACPI_MADT_POLARITY_HIGH)
			mode |= GSI_ACTIVE_LOW;
		return mode;
	}
	return GSI_LEVEL | GSI_ACTIVE_LOW;
}

int pcibios_lookup_irq(struct pci_dev *dev)
{
	u8 line;

	if (!dev->pin)
		return 0;
	pci_read_config_byte(dev, PCI_INTERRUPT_LINE, &line);
	if (line == 0 || line == 0xff)
		return 0;
	return line < 16 ? (int)ioapic_isa_irq_to_gsi(line) : line;
}

static unsigned long gsi_mode(const struct irq_desc *desc)
{
	return (unsigned long)desc->chip_data;
}

static int gsi_startup(struct irq_desc *desc)
{
	unsigned long mode = gsi_mode(desc);

	return ioapic_route_gsi(desc->irq, desc->vector, desc->cpu, mode & GSI_LEVEL,
				mode & GSI_ACTIVE_LOW, false);
}

static void gsi_mask(struct irq_desc *desc)
{
	ioapic_mask_gsi(desc->irq, true);
}

static void gsi_unmask(struct irq_desc *desc)
{
	ioapic_mask_gsi(desc->irq, false);
}

static const struct irq_chip pci_intx_chip = {
	.name = "IO-APIC",
	.irq_startup = gsi_startup,
	.irq_shutdown = gsi_mask,
	.irq_mask = gsi_mask,
	.irq_unmask = gsi_unmask,
};

int pci_setup_intx_irq(struct pci_dev *dev)
{
	u8 line;
	int irq;

	if (!dev->irq)
		return -ENODEV;
	if (!ioapic_count())
		return -ENODEV;
	pci_read_config_byte(dev, PCI_INTERRUPT_LINE, &line);
	irq = irq_alloc_desc(dev->irq, 0, &pci_intx_chip, (void *)gsi_mode_of_line(line));
	if (irq == -EEXIST) {
		/* A shared line another device set up: it must be one of ours. */
		return irq_to_desc(dev->irq)->chip == &pci_intx_chip ? 0 : -EBUSY;
	}
	return irq < 0 ? irq : 0;
}
