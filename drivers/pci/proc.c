/*
 * /proc/bus/pci/devices in Linux's format (drivers/pci/proc.c there), one
 * line per function, tab separated: bus and devfn ("0020"), vendor and
 * device ("1af41001"), irq (hex), the start of the 6 BARs and the ROM
 * (each with its BAR's low flag bits ored in), their 7 sizes, and the
 * name of the driver bound to it. pciutils' lspci -P and busybox read it.
 */
#include <kestrel/pci.h>
#include <kestrel/proc_fs.h>
#include "pci.h"

static int pci_devices_show(struct seq_file *m, void *v)
{
	struct pci_dev *dev;

	down_read(&pci_bus_sem);	/* dev->driver */
	for_each_pci_dev(dev) {
		seq_printf(m, "%02x%02x\t%04x%04x\t%x", dev->bus->number, dev->devfn, dev->vendor,
			   dev->device, dev->irq);
		for (int i = 0; i < PCI_NUM_RESOURCES; i++)
			seq_printf(m, "\t%16llx", (unsigned long long)(dev->resource[i].start |
					(dev->resource[i].flags & PCI_REGION_FLAG_MASK)));
		for (int i = 0; i < PCI_NUM_RESOURCES; i++)
			seq_printf(m, "\t%16llx", (unsigned long long)resource_size(&dev->resource[i]));
		seq_putc(m, '\t');
		if (dev->driver)
			seq_puts(m, dev->driver->name);
		seq_putc(m, '\n');
	}
	up_read(&pci_bus_sem);
	return 0;
}

void pci_proc_init(void)
{
	struct proc_dir_entry *bus = proc_mkdir("bus", NULL);
	struct proc_dir_entry *pci = bus ? proc_mkdir("pci", bus) : NULL;

	if (!pci || !proc_create_single("devices", 0444, pci, pci_devices_show))
		pr_warn("PCI: cannot create /proc/bus/pci/devices\n");
}
